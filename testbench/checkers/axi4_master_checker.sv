// axi4_master_checker: protocol checker for an AXI4 master port (nic_top's DMA master m_axi_*)
// and for the slave that answers it. Test-only (Verilator 5.006 with --assert; yosys never
// reads it). Every rule is one labelled assertion whose failure message starts with the rule
// name; see testbench/checkers/README.md for the rule table and how a failure stops a run.
//
// Message format: "[rule] port=<%m: instance path + assertion label> cycle=<n> side=<master|slave>
// <signal values>", where cycle counts the rising clk edges since time 0 (the first edge is
// cycle 0; the counter is never reset). The same text goes to nicsim_checker_violation (DPI,
// assertions.hpp turns it into a C++ ProtocolViolation) and then to $error.
//
// What it assumes of the bus (nicsim's DMA): INCR bursts only, no exclusive access, AxSIZE at
// most the bus width. W has no ID in AXI4, so W bursts pair with accepted AWs in order; W may
// lead AW by at most ONE burst (beats of the burst whose AW is not yet accepted are counted and
// checked against its AWLEN when the AW arrives; a further W beat before that AW fires
// axi4.w.ahead_of_aw). A slave answers a read burst with ARLEN+1 R beats and a write burst with
// one B, only after the AR (resp. the AW and the last W beat) handshakes, in order per ID.
`default_nettype none

module axi4_master_checker #(
  parameter int DATA_WIDTH      = 64,  // WDATA/RDATA width in bits (power of two, 8..1024)
  parameter int ID_WIDTH        = 4,   // AxID / BID / RID width
  parameter int ADDR_WIDTH      = 64,  // AxADDR width (>= 12)
  parameter int MAX_OUTSTANDING = 32,  // read bursts per ID the checker can track (power of two >= 2)
  parameter int W_QUEUE_DEPTH   = 64   // accepted AWs whose W data is incomplete it can track (power of two >= 2)
) (
  input wire                  clk,
  input wire                  rst_n,
  // AW (master drives valid and payload)
  input wire [ID_WIDTH-1:0]   awid,
  input wire [ADDR_WIDTH-1:0] awaddr,
  input wire [7:0]            awlen,
  input wire [2:0]            awsize,
  input wire [1:0]            awburst,
  input wire                  awlock,
  input wire [3:0]            awcache,
  input wire [2:0]            awprot,
  input wire                  awvalid,
  input wire                  awready,
  // W
  input wire [DATA_WIDTH-1:0]   wdata,
  input wire [DATA_WIDTH/8-1:0] wstrb,
  input wire                    wlast,
  input wire                    wvalid,
  input wire                    wready,
  // B (slave drives valid and payload)
  input wire [ID_WIDTH-1:0]   bid,
  input wire [1:0]            bresp,
  input wire                  bvalid,
  input wire                  bready,
  // AR
  input wire [ID_WIDTH-1:0]   arid,
  input wire [ADDR_WIDTH-1:0] araddr,
  input wire [7:0]            arlen,
  input wire [2:0]            arsize,
  input wire [1:0]            arburst,
  input wire                  arlock,
  input wire [3:0]            arcache,
  input wire [2:0]            arprot,
  input wire                  arvalid,
  input wire                  arready,
  // R (slave drives valid and payload)
  input wire [ID_WIDTH-1:0]   rid,
  input wire [DATA_WIDTH-1:0] rdata,
  input wire [1:0]            rresp,
  input wire                  rlast,
  input wire                  rvalid,
  input wire                  rready
);

  import "DPI-C" function void nicsim_checker_violation(input string msg);

  localparam int NID      = 1 << ID_WIDTH;
  localparam int MAX_SIZE = $clog2(DATA_WIDTH / 8);  // largest legal AxSIZE
  localparam int PW       = $clog2(MAX_OUTSTANDING);
  localparam int QW       = $clog2(W_QUEUE_DEPTH);
  localparam logic [1:0] BURST_INCR = 2'b01;

  // One violation: to C++ first (it may throw out of eval()), then to Verilator's $error.
  // Not inlined: an inlined call's string argument becomes a local of Verilator 5.006's
  // evaluation function, constructed and destroyed on every eval even when nothing fails; a
  // call builds its message only when the assertion fails.
  function automatic void fail(input string msg);
    /*verilator no_inline_task*/
    nicsim_checker_violation(msg);
    $error("%s", msg);
  endfunction

  // Does an INCR burst starting at addr (low 12 bits) with len/size leave its 4 KiB page?
  function automatic logic crosses_4k(input logic [11:0] addr, input logic [7:0] len, input logic [2:0] size);
    logic [16:0] start;
    logic [16:0] bytes;
    start = {5'b0, addr} & ~((17'd1 << size) - 17'd1);
    bytes = ({9'b0, len} + 17'd1) << size;
    crosses_4k = (start + bytes) > 17'd4096;
  endfunction

  logic [63:0] cycle_q;
  initial cycle_q = '0;
  always_ff @(posedge clk) cycle_q <= cycle_q + 64'd1;

  wire aw_fire = awvalid && awready;
  wire w_fire  = wvalid && wready;
  wire b_fire  = bvalid && bready;
  wire ar_fire = arvalid && arready;
  wire r_fire  = rvalid && rready;

  // Every rule is an immediate assertion in always_ff, so it sees the values settled at the edge,
  // one block per channel, against registers of the last edge shared by its rules: no $past
  // (each is a register of its own, copied every cycle) and no concurrent assertion (Verilator
  // 5.006 copies every sampled operand at the start of each eval()). A channel with valid low
  // and nothing waiting costs its guard.
  logic rst_n_q;  // rst_n at the last edge
  initial rst_n_q = 1'b0;
  always_ff @(posedge clk) rst_n_q <= rst_n;

  // Per channel: reset (no valid while rst_n is low, nor at the first rising edge after it went
  // high); handshake (once valid is high it stays high, with its payload unchanged, until ready;
  // the payload rule only looks at cycles where valid is still high, so a dropped valid is
  // reported once, by the valid rule); on AW and AR the burst attributes whenever AxVALID is
  // high: INCR only (any AxLEN 0..255 is legal for INCR), AxSIZE at most the bus width, never
  // crossing a 4 KiB boundary.

  // ---- AW ----
  logic aw_stalled_q;  // at the last edge, out of reset, awvalid waited for awready
  logic [ID_WIDTH-1:0] awid_q;
  logic [ADDR_WIDTH-1:0] awaddr_q;
  logic [7:0] awlen_q;
  logic [2:0] awsize_q;
  logic [1:0] awburst_q;
  logic awlock_q;
  logic [3:0] awcache_q;
  logic [2:0] awprot_q;
  initial aw_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    aw_stalled_q <= rst_n && awvalid && !awready;
    if (awvalid && !awready) {awid_q, awaddr_q, awlen_q, awsize_q, awburst_q, awlock_q, awcache_q, awprot_q} <= {awid, awaddr, awlen, awsize, awburst, awlock, awcache, awprot};
    if (awvalid || aw_stalled_q) begin
      aw_reset_valid: assert (!(awvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axi4.aw.reset_valid] port=%m cycle=%0d side=master awvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, awvalid, rst_n, rst_n_q));
      if (rst_n && aw_stalled_q) begin
        aw_valid_stable: assert (awvalid)
          else fail($sformatf("[axi4.aw.valid_stable] port=%m cycle=%0d side=master awvalid=1->%b awready=%b awid=%h awaddr=%h",
                              cycle_q, awvalid, awready, awid_q, awaddr_q));
        if (awvalid) begin
          aw_payload_stable: assert ({awid, awaddr, awlen, awsize, awburst, awlock, awcache, awprot} == {awid_q, awaddr_q, awlen_q, awsize_q, awburst_q, awlock_q, awcache_q, awprot_q})
            else fail($sformatf("[axi4.aw.payload_stable] port=%m cycle=%0d side=master awid=%h->%h awaddr=%h->%h awlen=%0d->%0d awsize=%0d->%0d awburst=%0d->%0d awlock=%b->%b awcache=%h->%h awprot=%h->%h",
                                cycle_q, awid_q, awid, awaddr_q, awaddr, awlen_q, awlen, awsize_q, awsize, awburst_q, awburst, awlock_q, awlock, awcache_q, awcache, awprot_q, awprot));
        end
      end
      if (rst_n && awvalid) begin
        aw_burst_type: assert (awburst == BURST_INCR)
          else fail($sformatf("[axi4.aw.burst_type] port=%m cycle=%0d side=master awburst=%0d (only INCR=1) awid=%h awaddr=%h awlen=%0d",
                              cycle_q, awburst, awid, awaddr, awlen));
        aw_size: assert (awsize <= 3'(MAX_SIZE))
          else fail($sformatf("[axi4.aw.size] port=%m cycle=%0d side=master awsize=%0d max=%0d (DATA_WIDTH=%0d) awid=%h awaddr=%h",
                              cycle_q, awsize, MAX_SIZE, DATA_WIDTH, awid, awaddr));
        aw_cross_4k: assert (!crosses_4k(awaddr[11:0], awlen, awsize))
          else fail($sformatf("[axi4.aw.cross_4k] port=%m cycle=%0d side=master awaddr=%h awlen=%0d awsize=%0d: burst crosses a 4 KiB boundary",
                              cycle_q, awaddr, awlen, awsize));
      end
    end
  end

  // ---- W ----
  logic w_stalled_q;  // at the last edge, out of reset, wvalid waited for wready
  logic [DATA_WIDTH-1:0] wdata_q;
  logic [DATA_WIDTH/8-1:0] wstrb_q;
  logic wlast_q;
  initial w_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    w_stalled_q <= rst_n && wvalid && !wready;
    if (wvalid && !wready) {wdata_q, wstrb_q, wlast_q} <= {wdata, wstrb, wlast};
    if (wvalid || w_stalled_q) begin
      w_reset_valid: assert (!(wvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axi4.w.reset_valid] port=%m cycle=%0d side=master wvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, wvalid, rst_n, rst_n_q));
      if (rst_n && w_stalled_q) begin
        w_valid_stable: assert (wvalid)
          else fail($sformatf("[axi4.w.valid_stable] port=%m cycle=%0d side=master wvalid=1->%b wready=%b wlast=%b",
                              cycle_q, wvalid, wready, wlast_q));
        if (wvalid) begin
          w_payload_stable: assert ({wdata, wstrb, wlast} == {wdata_q, wstrb_q, wlast_q})
            else fail($sformatf("[axi4.w.payload_stable] port=%m cycle=%0d side=master wdata=%h->%h wstrb=%h->%h wlast=%b->%b",
                                cycle_q, wdata_q, wdata, wstrb_q, wstrb, wlast_q, wlast));
        end
      end
    end
  end

  // ---- B ----
  logic b_stalled_q;  // at the last edge, out of reset, bvalid waited for bready
  logic [ID_WIDTH-1:0] bid_q;
  logic [1:0] bresp_q;
  initial b_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    b_stalled_q <= rst_n && bvalid && !bready;
    if (bvalid && !bready) {bid_q, bresp_q} <= {bid, bresp};
    if (bvalid || b_stalled_q) begin
      b_reset_valid: assert (!(bvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axi4.b.reset_valid] port=%m cycle=%0d side=slave bvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, bvalid, rst_n, rst_n_q));
      if (rst_n && b_stalled_q) begin
        b_valid_stable: assert (bvalid)
          else fail($sformatf("[axi4.b.valid_stable] port=%m cycle=%0d side=slave bvalid=1->%b bready=%b bid=%h",
                              cycle_q, bvalid, bready, bid_q));
        if (bvalid) begin
          b_payload_stable: assert ({bid, bresp} == {bid_q, bresp_q})
            else fail($sformatf("[axi4.b.payload_stable] port=%m cycle=%0d side=slave bid=%h->%h bresp=%0d->%0d",
                                cycle_q, bid_q, bid, bresp_q, bresp));
        end
      end
    end
  end

  // ---- AR ----
  logic ar_stalled_q;  // at the last edge, out of reset, arvalid waited for arready
  logic [ID_WIDTH-1:0] arid_q;
  logic [ADDR_WIDTH-1:0] araddr_q;
  logic [7:0] arlen_q;
  logic [2:0] arsize_q;
  logic [1:0] arburst_q;
  logic arlock_q;
  logic [3:0] arcache_q;
  logic [2:0] arprot_q;
  initial ar_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    ar_stalled_q <= rst_n && arvalid && !arready;
    if (arvalid && !arready) {arid_q, araddr_q, arlen_q, arsize_q, arburst_q, arlock_q, arcache_q, arprot_q} <= {arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot};
    if (arvalid || ar_stalled_q) begin
      ar_reset_valid: assert (!(arvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axi4.ar.reset_valid] port=%m cycle=%0d side=master arvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, arvalid, rst_n, rst_n_q));
      if (rst_n && ar_stalled_q) begin
        ar_valid_stable: assert (arvalid)
          else fail($sformatf("[axi4.ar.valid_stable] port=%m cycle=%0d side=master arvalid=1->%b arready=%b arid=%h araddr=%h",
                              cycle_q, arvalid, arready, arid_q, araddr_q));
        if (arvalid) begin
          ar_payload_stable: assert ({arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot} == {arid_q, araddr_q, arlen_q, arsize_q, arburst_q, arlock_q, arcache_q, arprot_q})
            else fail($sformatf("[axi4.ar.payload_stable] port=%m cycle=%0d side=master arid=%h->%h araddr=%h->%h arlen=%0d->%0d arsize=%0d->%0d arburst=%0d->%0d arlock=%b->%b arcache=%h->%h arprot=%h->%h",
                                cycle_q, arid_q, arid, araddr_q, araddr, arlen_q, arlen, arsize_q, arsize, arburst_q, arburst, arlock_q, arlock, arcache_q, arcache, arprot_q, arprot));
        end
      end
      if (rst_n && arvalid) begin
        ar_burst_type: assert (arburst == BURST_INCR)
          else fail($sformatf("[axi4.ar.burst_type] port=%m cycle=%0d side=master arburst=%0d (only INCR=1) arid=%h araddr=%h arlen=%0d",
                              cycle_q, arburst, arid, araddr, arlen));
        ar_size: assert (arsize <= 3'(MAX_SIZE))
          else fail($sformatf("[axi4.ar.size] port=%m cycle=%0d side=master arsize=%0d max=%0d (DATA_WIDTH=%0d) arid=%h araddr=%h",
                              cycle_q, arsize, MAX_SIZE, DATA_WIDTH, arid, araddr));
        ar_cross_4k: assert (!crosses_4k(araddr[11:0], arlen, arsize))
          else fail($sformatf("[axi4.ar.cross_4k] port=%m cycle=%0d side=master araddr=%h arlen=%0d arsize=%0d: burst crosses a 4 KiB boundary",
                              cycle_q, araddr, arlen, arsize));
      end
    end
  end

  // ---- R ----
  logic r_stalled_q;  // at the last edge, out of reset, rvalid waited for rready
  logic [ID_WIDTH-1:0] rid_q;
  logic [DATA_WIDTH-1:0] rdata_q;
  logic [1:0] rresp_q;
  logic rlast_q;
  initial r_stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    r_stalled_q <= rst_n && rvalid && !rready;
    if (rvalid && !rready) {rid_q, rdata_q, rresp_q, rlast_q} <= {rid, rdata, rresp, rlast};
    if (rvalid || r_stalled_q) begin
      r_reset_valid: assert (!(rvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axi4.r.reset_valid] port=%m cycle=%0d side=slave rvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, rvalid, rst_n, rst_n_q));
      if (rst_n && r_stalled_q) begin
        r_valid_stable: assert (rvalid)
          else fail($sformatf("[axi4.r.valid_stable] port=%m cycle=%0d side=slave rvalid=1->%b rready=%b rid=%h",
                              cycle_q, rvalid, rready, rid_q));
        if (rvalid) begin
          r_payload_stable: assert ({rid, rdata, rresp, rlast} == {rid_q, rdata_q, rresp_q, rlast_q})
            else fail($sformatf("[axi4.r.payload_stable] port=%m cycle=%0d side=slave rid=%h->%h rdata=%h->%h rresp=%0d->%0d rlast=%b->%b",
                                cycle_q, rid_q, rid, rdata_q, rdata, rresp_q, rresp, rlast_q, rlast));
        end
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // Reads: per ID, a FIFO of the ARLENs of outstanding bursts and the beat count of the oldest.
  // ------------------------------------------------------------------------------------------
  logic [7:0]    rlen_q    [NID][MAX_OUTSTANDING];
  logic [PW-1:0] rd_head_q [NID];
  logic [PW-1:0] rd_tail_q [NID];
  logic [PW:0]   rd_cnt_q  [NID];
  logic [8:0]    r_beat_q  [NID];   // beats of the oldest burst of that ID seen so far

  wire       ar_full  = rd_cnt_q[arid] == (PW+1)'(MAX_OUTSTANDING);
  wire       r_known  = rd_cnt_q[rid] != '0;
  wire [7:0] r_len    = rlen_q[rid][rd_head_q[rid]];
  wire [8:0] r_beat   = r_beat_q[rid];
  wire       rd_push  = ar_fire && !ar_full;        // an ARLEN enters the FIFO of arid
  wire       r_take   = r_fire && r_known;          // a beat of the oldest burst of rid
  wire       rd_pop   = r_take && rlast;            // which leaves the FIFO of rid

  // Count of ID x after this edge (push and pop may hit the same ID). Only the IDs of this
  // cycle's handshakes are written: no per-ID loop runs in an idle cycle.
  function automatic logic [PW:0] rd_cnt_next(input logic [ID_WIDTH-1:0] x);
    rd_cnt_next = rd_cnt_q[x] + (PW+1)'(rd_push && arid == x) - (PW+1)'(rd_pop && rid == x);
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      for (int i = 0; i < NID; i++) begin
        rd_head_q[i] <= '0;
        rd_tail_q[i] <= '0;
        rd_cnt_q[i]  <= '0;
        r_beat_q[i]  <= '0;
      end
    end else begin
      if (rd_push) begin
        rlen_q[arid][rd_tail_q[arid]] <= arlen;
        rd_tail_q[arid] <= rd_tail_q[arid] + 1'b1;
        rd_cnt_q[arid]  <= rd_cnt_next(arid);
      end
      if (rd_pop) begin
        rd_head_q[rid] <= rd_head_q[rid] + 1'b1;
        rd_cnt_q[rid]  <= rd_cnt_next(rid);
      end
      if (r_take) r_beat_q[rid] <= rlast ? 9'd0 : (r_beat_q[rid] == 9'h1ff ? 9'h1ff : r_beat_q[rid] + 9'd1);
    end
  end

  // ------------------------------------------------------------------------------------------
  // Writes: a FIFO of accepted AWs (len, id) whose W data is incomplete; W bursts pair with it in
  // order. A W burst that completes before its AW (W leading by one burst) is remembered and
  // checked when that AW arrives. b_due counts, per ID, bursts with AW and last W accepted.
  // ------------------------------------------------------------------------------------------
  logic [7:0]          awq_len_q [W_QUEUE_DEPTH];
  logic [ID_WIDTH-1:0] awq_id_q  [W_QUEUE_DEPTH];
  logic [QW-1:0]       awq_head_q, awq_tail_q;
  logic [QW:0]         awq_cnt_q;
  logic [8:0]          w_beat_q;            // beats of the current W burst seen so far
  logic                w_ahead_done_q;      // a whole W burst went before its AW
  logic [8:0]          w_ahead_beats_q;     // and had this many beats
  logic [15:0]         b_due_q [NID];

  wire                awq_empty    = awq_cnt_q == '0;
  wire                awq_full     = awq_cnt_q == (QW+1)'(W_QUEUE_DEPTH);
  wire                w_head_valid = !awq_empty || (aw_fire && !w_ahead_done_q);
  wire [7:0]          w_head_len   = !awq_empty ? awq_len_q[awq_head_q] : awlen;
  wire [ID_WIDTH-1:0] w_head_id    = !awq_empty ? awq_id_q[awq_head_q] : awid;
  wire                awq_push     = aw_fire && !w_ahead_done_q && !awq_full;
  wire                awq_pop      = w_fire && wlast && w_head_valid;
  wire                w_done_ahead = w_fire && wlast && !w_head_valid;
  wire                b_known      = b_due_q[bid] != '0;

  // b_due of ID x after this edge; written only for the IDs of this cycle's events (equal IDs
  // get the same value), so an idle cycle runs no per-ID loop.
  function automatic logic [15:0] b_due_next(input logic [ID_WIDTH-1:0] x);
    b_due_next = b_due_q[x]
                 + 16'((awq_pop && w_head_id == x) || (aw_fire && w_ahead_done_q && awid == x))
                 - 16'(b_fire && bid == x && b_known);
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      awq_head_q      <= '0;
      awq_tail_q      <= '0;
      awq_cnt_q       <= '0;
      w_beat_q        <= '0;
      w_ahead_done_q  <= 1'b0;
      w_ahead_beats_q <= '0;
      for (int i = 0; i < NID; i++) b_due_q[i] <= '0;
    end else begin
      if (awq_push) begin
        awq_len_q[awq_tail_q] <= awlen;
        awq_id_q[awq_tail_q]  <= awid;
        awq_tail_q <= awq_tail_q + 1'b1;
      end
      if (awq_pop) awq_head_q <= awq_head_q + 1'b1;
      awq_cnt_q <= awq_cnt_q + (QW+1)'(awq_push) - (QW+1)'(awq_pop);
      if (w_fire) w_beat_q <= wlast ? 9'd0 : (w_beat_q == 9'h1ff ? 9'h1ff : w_beat_q + 9'd1);
      w_ahead_done_q <= (w_ahead_done_q && !aw_fire) || w_done_ahead;
      if (w_done_ahead) w_ahead_beats_q <= w_beat_q + 9'd1;
      if (awq_pop)                   b_due_q[w_head_id] <= b_due_next(w_head_id);
      if (aw_fire && w_ahead_done_q) b_due_q[awid]      <= b_due_next(awid);
      if (b_fire && b_known)         b_due_q[bid]       <= b_due_next(bid);
    end
  end

  // ------------------------------------------------------------------------------------------
  // Stateful rules (immediate assertions, sampled at the edge like the properties above).
  // ------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (ar_fire) begin
        ar_capacity: assert (!ar_full)
          else fail($sformatf("[axi4.capacity] port=%m cycle=%0d side=master arid=%h: more than MAX_OUTSTANDING=%0d read bursts outstanding for one ID (checker limit)",
                              cycle_q, arid, MAX_OUTSTANDING));
      end
      if (aw_fire && !w_ahead_done_q) begin
        aw_capacity: assert (!awq_full)
          else fail($sformatf("[axi4.capacity] port=%m cycle=%0d side=master awid=%h: more than W_QUEUE_DEPTH=%0d AWs waiting for their W data (checker limit)",
                              cycle_q, awid, W_QUEUE_DEPTH));
      end
      if (r_fire) begin
        r_unexpected: assert (r_known)
          else fail($sformatf("[axi4.r.unexpected] port=%m cycle=%0d side=slave rid=%h rlast=%b rresp=%0d: no read burst with this ID is outstanding",
                              cycle_q, rid, rlast, rresp));
        if (r_known) begin
          r_rlast: assert (rlast == (r_beat == {1'b0, r_len}))
            else fail($sformatf("[axi4.r.rlast] port=%m cycle=%0d side=slave rid=%h beat=%0d arlen=%0d rlast=%b: RLAST must be set exactly on beat ARLEN (0-based)",
                                cycle_q, rid, r_beat, r_len, rlast));
        end
      end
      if (w_fire && w_ahead_done_q && !aw_fire) begin
        w_ahead_of_aw: assert (1'b0)
          else fail($sformatf("[axi4.w.ahead_of_aw] port=%m cycle=%0d side=master wlast=%b ahead_beats=%0d: a W beat of a second burst before the AW of a completed W burst (W may lead AW by one burst)",
                              cycle_q, wlast, w_ahead_beats_q));
      end else if (w_fire && w_head_valid) begin
        w_wlast: assert (wlast == (w_beat_q == {1'b0, w_head_len}))
          else fail($sformatf("[axi4.w.wlast] port=%m cycle=%0d side=master awid=%h beat=%0d awlen=%0d wlast=%b: WLAST must be set exactly on beat AWLEN (0-based)",
                              cycle_q, w_head_id, w_beat_q, w_head_len, wlast));
      end else if (w_fire) begin
        w_wlast_ahead: assert (wlast || w_beat_q != 9'd255)
          else fail($sformatf("[axi4.w.wlast] port=%m cycle=%0d side=master beat=%0d wlast=%b: W burst (before its AW) longer than 256 beats",
                              cycle_q, w_beat_q, wlast));
      end
      if (aw_fire && w_ahead_done_q) begin
        w_wlast_late_aw: assert (w_ahead_beats_q == {1'b0, awlen} + 9'd1)
          else fail($sformatf("[axi4.w.wlast] port=%m cycle=%0d side=master awid=%h awlen=%0d: its W burst went ahead with %0d beats, not AWLEN+1",
                              cycle_q, awid, awlen, w_ahead_beats_q));
      end
      if (b_fire) begin
        b_unexpected: assert (b_known)
          else fail($sformatf("[axi4.b.unexpected] port=%m cycle=%0d side=slave bid=%h bresp=%0d: no write burst with this ID has its AW and last W beat accepted",
                              cycle_q, bid, bresp));
      end
    end
  end

endmodule

`default_nettype wire
