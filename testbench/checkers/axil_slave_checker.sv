// axil_slave_checker: protocol checker for an AXI4-Lite slave port (nic_top's register port
// s_axil_*) and the master driving it. Test-only (Verilator 5.006 with --assert). Every rule is
// one labelled assertion; message format and reporting as in axi4_master_checker.sv
// ("[rule] port=%m cycle=<n> side=<master|slave> <values>", cycle = rising edges since time 0).
//
// Requests (AW, W, AR) come from the master, responses (B, R) from the slave. A B needs an
// accepted AW and an accepted W that no earlier B answered; an R needs an accepted AR that no
// earlier R answered (one response per request). AXI4-Lite has no exclusive access, so
// EXOKAY (1) is not a legal BRESP/RRESP.
`default_nettype none

module axil_slave_checker #(
  parameter int ADDR_WIDTH = 16,  // AWADDR/ARADDR width
  parameter int DATA_WIDTH = 32   // WDATA/RDATA width (32 or 64)
) (
  input wire                    clk,
  input wire                    rst_n,
  input wire [ADDR_WIDTH-1:0]   awaddr,
  input wire [2:0]              awprot,
  input wire                    awvalid,
  input wire                    awready,
  input wire [DATA_WIDTH-1:0]   wdata,
  input wire [DATA_WIDTH/8-1:0] wstrb,
  input wire                    wvalid,
  input wire                    wready,
  input wire [1:0]              bresp,
  input wire                    bvalid,
  input wire                    bready,
  input wire [ADDR_WIDTH-1:0]   araddr,
  input wire [2:0]              arprot,
  input wire                    arvalid,
  input wire                    arready,
  input wire [DATA_WIDTH-1:0]   rdata,
  input wire [1:0]              rresp,
  input wire                    rvalid,
  input wire                    rready
);

  import "DPI-C" function void nicsim_checker_violation(input string msg);

  localparam logic [1:0] RESP_EXOKAY = 2'b01;

  // Not inlined: an inlined call's string argument becomes a local of Verilator 5.006's
  // evaluation function, constructed and destroyed on every eval even when nothing fails; a
  // call builds its message only when the assertion fails.
  function automatic void fail(input string msg);
    /*verilator no_inline_task*/
    nicsim_checker_violation(msg);
    $error("%s", msg);
  endfunction

  logic [63:0] cycle_q;
  initial cycle_q = '0;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  wire aw_fire = awvalid && awready;
  wire w_fire  = wvalid && wready;
  wire b_fire  = bvalid && bready;
  wire ar_fire = arvalid && arready;
  wire r_fire  = rvalid && rready;

  // Every rule is an immediate assertion in always_ff (values as settled at the edge), one
  // block per channel, against registers of the last edge: no $past (each is a register copied
  // every cycle) and no concurrent assertion (Verilator copies every sampled operand at the
  // start of each eval()). A channel with valid low and nothing waiting costs its guard.
  logic rst_n_q;  // rst_n at the last edge
  initial rst_n_q = 1'b0;
  always_ff @(posedge clk) rst_n_q <= rst_n;

  // ---- AW ----
  logic aw_stalled_q;  // at the last edge, out of reset, awvalid waited for awready
  logic [ADDR_WIDTH-1:0] awaddr_q;
  logic [2:0] awprot_q;
  initial aw_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    aw_stalled_q <= rst_n && awvalid && !awready;
    if (awvalid && !awready) {awaddr_q, awprot_q} <= {awaddr, awprot};
    if (awvalid || aw_stalled_q) begin
      aw_reset_valid: assert (!(awvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axil.aw.reset_valid] port=%m cycle=%0d side=master awvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, awvalid, rst_n, rst_n_q));
      if (rst_n && aw_stalled_q) begin
        aw_valid_stable: assert (awvalid)
          else fail($sformatf("[axil.aw.valid_stable] port=%m cycle=%0d side=master awvalid=1->%b awready=%b awaddr=%h",
                              cycle_q, awvalid, awready, awaddr_q));
        if (awvalid) begin
          aw_payload_stable: assert ({awaddr, awprot} == {awaddr_q, awprot_q})
            else fail($sformatf("[axil.aw.payload_stable] port=%m cycle=%0d side=master awaddr=%h->%h awprot=%h->%h",
                                cycle_q, awaddr_q, awaddr, awprot_q, awprot));
        end
      end
    end
  end

  // ---- W ----
  logic w_stalled_q;  // at the last edge, out of reset, wvalid waited for wready
  logic [DATA_WIDTH-1:0] wdata_q;
  logic [DATA_WIDTH/8-1:0] wstrb_q;
  initial w_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    w_stalled_q <= rst_n && wvalid && !wready;
    if (wvalid && !wready) {wdata_q, wstrb_q} <= {wdata, wstrb};
    if (wvalid || w_stalled_q) begin
      w_reset_valid: assert (!(wvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axil.w.reset_valid] port=%m cycle=%0d side=master wvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, wvalid, rst_n, rst_n_q));
      if (rst_n && w_stalled_q) begin
        w_valid_stable: assert (wvalid)
          else fail($sformatf("[axil.w.valid_stable] port=%m cycle=%0d side=master wvalid=1->%b wready=%b wdata=%h",
                              cycle_q, wvalid, wready, wdata_q));
        if (wvalid) begin
          w_payload_stable: assert ({wdata, wstrb} == {wdata_q, wstrb_q})
            else fail($sformatf("[axil.w.payload_stable] port=%m cycle=%0d side=master wdata=%h->%h wstrb=%h->%h",
                                cycle_q, wdata_q, wdata, wstrb_q, wstrb));
        end
      end
    end
  end

  // ---- B ----
  logic b_stalled_q;  // at the last edge, out of reset, bvalid waited for bready
  logic [1:0] bresp_q;
  initial b_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    b_stalled_q <= rst_n && bvalid && !bready;
    if (bvalid && !bready) {bresp_q} <= {bresp};
    if (bvalid || b_stalled_q) begin
      b_reset_valid: assert (!(bvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axil.b.reset_valid] port=%m cycle=%0d side=slave bvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, bvalid, rst_n, rst_n_q));
      if (rst_n && b_stalled_q) begin
        b_valid_stable: assert (bvalid)
          else fail($sformatf("[axil.b.valid_stable] port=%m cycle=%0d side=slave bvalid=1->%b bready=%b bresp=%0d",
                              cycle_q, bvalid, bready, bresp_q));
        if (bvalid) begin
          b_payload_stable: assert ({bresp} == {bresp_q})
            else fail($sformatf("[axil.b.payload_stable] port=%m cycle=%0d side=slave bresp=%0d->%0d",
                                cycle_q, bresp_q, bresp));
        end
      end
      if (rst_n && bvalid) begin
        b_resp: assert (bresp != RESP_EXOKAY)
          else fail($sformatf("[axil.b.resp] port=%m cycle=%0d side=slave bresp=%0d: EXOKAY is not legal on AXI4-Lite",
                              cycle_q, bresp));
      end
    end
  end

  // ---- AR ----
  logic ar_stalled_q;  // at the last edge, out of reset, arvalid waited for arready
  logic [ADDR_WIDTH-1:0] araddr_q;
  logic [2:0] arprot_q;
  initial ar_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    ar_stalled_q <= rst_n && arvalid && !arready;
    if (arvalid && !arready) {araddr_q, arprot_q} <= {araddr, arprot};
    if (arvalid || ar_stalled_q) begin
      ar_reset_valid: assert (!(arvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axil.ar.reset_valid] port=%m cycle=%0d side=master arvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, arvalid, rst_n, rst_n_q));
      if (rst_n && ar_stalled_q) begin
        ar_valid_stable: assert (arvalid)
          else fail($sformatf("[axil.ar.valid_stable] port=%m cycle=%0d side=master arvalid=1->%b arready=%b araddr=%h",
                              cycle_q, arvalid, arready, araddr_q));
        if (arvalid) begin
          ar_payload_stable: assert ({araddr, arprot} == {araddr_q, arprot_q})
            else fail($sformatf("[axil.ar.payload_stable] port=%m cycle=%0d side=master araddr=%h->%h arprot=%h->%h",
                                cycle_q, araddr_q, araddr, arprot_q, arprot));
        end
      end
    end
  end

  // ---- R ----
  logic r_stalled_q;  // at the last edge, out of reset, rvalid waited for rready
  logic [DATA_WIDTH-1:0] rdata_q;
  logic [1:0] rresp_q;
  initial r_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    r_stalled_q <= rst_n && rvalid && !rready;
    if (rvalid && !rready) {rdata_q, rresp_q} <= {rdata, rresp};
    if (rvalid || r_stalled_q) begin
      r_reset_valid: assert (!(rvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axil.r.reset_valid] port=%m cycle=%0d side=slave rvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, rvalid, rst_n, rst_n_q));
      if (rst_n && r_stalled_q) begin
        r_valid_stable: assert (rvalid)
          else fail($sformatf("[axil.r.valid_stable] port=%m cycle=%0d side=slave rvalid=1->%b rready=%b rdata=%h",
                              cycle_q, rvalid, rready, rdata_q));
        if (rvalid) begin
          r_payload_stable: assert ({rdata, rresp} == {rdata_q, rresp_q})
            else fail($sformatf("[axil.r.payload_stable] port=%m cycle=%0d side=slave rdata=%h->%h rresp=%0d->%0d",
                                cycle_q, rdata_q, rdata, rresp_q, rresp));
        end
      end
      if (rst_n && rvalid) begin
        r_resp: assert (rresp != RESP_EXOKAY)
          else fail($sformatf("[axil.r.resp] port=%m cycle=%0d side=slave rresp=%0d: EXOKAY is not legal on AXI4-Lite",
                              cycle_q, rresp));
      end
    end
  end

  // ---- one response per request ----
  logic [15:0] aw_pend_q, w_pend_q, ar_pend_q;  // accepted requests not answered yet
  wire b_known = aw_pend_q != '0 && w_pend_q != '0;
  wire r_known = ar_pend_q != '0;
  wire b_take  = b_fire && b_known;
  wire r_take  = r_fire && r_known;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_pend_q <= '0;
      w_pend_q  <= '0;
      ar_pend_q <= '0;
    end else begin
      if (aw_fire || b_take) aw_pend_q <= aw_pend_q + 16'(aw_fire) - 16'(b_take);
      if (w_fire || b_take)  w_pend_q  <= w_pend_q + 16'(w_fire) - 16'(b_take);
      if (ar_fire || r_take) ar_pend_q <= ar_pend_q + 16'(ar_fire) - 16'(r_take);
    end
  end

  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (b_fire) begin
        b_unexpected: assert (b_known)
          else fail($sformatf("[axil.b.unexpected] port=%m cycle=%0d side=slave bresp=%0d aw_pending=%0d w_pending=%0d: B without an accepted AW and W",
                              cycle_q, bresp, aw_pend_q, w_pend_q));
      end
      if (r_fire) begin
        r_unexpected: assert (r_known)
          else fail($sformatf("[axil.r.unexpected] port=%m cycle=%0d side=slave rdata=%h rresp=%0d: R without an accepted AR",
                              cycle_q, rdata, rresp));
      end
    end
  end

endmodule

`default_nettype wire
