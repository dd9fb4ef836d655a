// axis_checker: protocol checker for one AXI-Stream port (nic_top's m_axis_tx and s_axis_rx).
// Test-only (Verilator 5.006 with --assert). Every rule is one labelled assertion; message
// format and reporting as in axi4_master_checker.sv ("[rule] port=%m cycle=<n> side=<side>
// <values>", cycle = rising edges since time 0). The source drives tvalid and the payload,
// the sink drives tready; every rule here is about the source (side=source).
//
// Frames as nicsim uses them: tkeep is contiguous from lane 0 and non-zero on every beat, all
// ones on every beat but the last. tuser is part of the payload (stable until the handshake)
// and otherwise not checked: on s_axis_rx it is only meaningful on the last beat (bad frame),
// on m_axis_tx it is always 0. A frame longer than MAX_FRAME_BYTES (counted over the accepted
// beats' tkeep) fires axis.frame_length at the beat that crosses the bound, once per frame.
`default_nettype none

module axis_checker #(
  parameter int DATA_WIDTH      = 64,    // tdata width in bits (multiple of 8)
  parameter int USER_WIDTH      = 1,     // tuser width
  parameter int MAX_FRAME_BYTES = 9216   // longest legal frame in bytes
) (
  input wire                    clk,
  input wire                    rst_n,
  input wire [DATA_WIDTH-1:0]   tdata,
  input wire [DATA_WIDTH/8-1:0] tkeep,
  input wire                    tlast,
  input wire [USER_WIDTH-1:0]   tuser,
  input wire                    tvalid,
  input wire                    tready
);

  import "DPI-C" function void nicsim_checker_violation(input string msg);

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

  wire fire = tvalid && tready;

  // Every rule is an immediate assertion in always_ff (values as settled at the edge), against
  // registers of the last edge: no $past (each is a register copied every cycle) and no
  // concurrent assertion (Verilator copies every sampled operand at the start of each eval()).
  // A cycle with tvalid low and nothing waiting costs the guard.
  logic                    rst_n_q;      // rst_n at the last edge
  logic                    stalled_q;    // at the last edge, out of reset, tvalid waited for tready
  logic [DATA_WIDTH-1:0]   tdata_q;      // the payload that waited (captured only while it waits)
  logic [DATA_WIDTH/8-1:0] tkeep_q;
  logic                    tlast_q;
  logic [USER_WIDTH-1:0]   tuser_q;
  initial rst_n_q = 1'b0;
  initial stalled_q = 1'b0;

  always_ff @(posedge clk) begin
    rst_n_q   <= rst_n;
    stalled_q <= rst_n && tvalid && !tready;
    if (tvalid && !tready) {tdata_q, tkeep_q, tlast_q, tuser_q} <= {tdata, tkeep, tlast, tuser};
  end

  // Contiguous from lane 0: tkeep of the form 0..01..1, i.e. (tkeep & (tkeep + 1)) == 0.
  always_ff @(posedge clk) begin
    if (tvalid || stalled_q) begin
      reset_valid: assert (!(tvalid && (!rst_n || !rst_n_q)))
        else fail($sformatf("[axis.reset_valid] port=%m cycle=%0d side=source tvalid=%b rst_n=%b past_rst_n=%b",
                            cycle_q, tvalid, rst_n, rst_n_q));
      if (rst_n && stalled_q) begin
        valid_stable: assert (tvalid)
          else fail($sformatf("[axis.valid_stable] port=%m cycle=%0d side=source tvalid=1->%b tready=%b tlast=%b",
                              cycle_q, tvalid, tready, tlast_q));
        if (tvalid) begin
          payload_stable: assert ({tdata, tkeep, tlast, tuser} == {tdata_q, tkeep_q, tlast_q, tuser_q})
            else fail($sformatf("[axis.payload_stable] port=%m cycle=%0d side=source tdata=%h->%h tkeep=%h->%h tlast=%b->%b tuser=%h->%h",
                                cycle_q, tdata_q, tdata, tkeep_q, tkeep, tlast_q, tlast, tuser_q, tuser));
        end
      end
      if (rst_n && tvalid) begin
        tkeep_zero: assert (tkeep != '0)
          else fail($sformatf("[axis.tkeep_zero] port=%m cycle=%0d side=source tkeep=%h tlast=%b: a beat with no byte",
                              cycle_q, tkeep, tlast));
        if (tkeep != '0) begin
          tkeep_contiguous: assert ((tkeep & (tkeep + 1'b1)) == '0)
            else fail($sformatf("[axis.tkeep_contiguous] port=%m cycle=%0d side=source tkeep=%h tlast=%b: bytes must be contiguous from lane 0",
                                cycle_q, tkeep, tlast));
          if (!tlast && (tkeep & (tkeep + 1'b1)) == '0) begin
            tkeep_full: assert (&tkeep)
              else fail($sformatf("[axis.tkeep_full] port=%m cycle=%0d side=source tkeep=%h tlast=0: only the last beat of a frame may be partial",
                                  cycle_q, tkeep));
          end
        end
      end
    end
  end

  // ---- frame length ----
  logic [31:0] bytes_q;   // bytes of the current frame accepted so far
  logic        over_q;    // the current frame already fired axis.frame_length
  // Bytes of the frame up to and including this beat. A loop, not $countones: Verilator
  // 5.006's DFG optimizer hits an internal error on the latter here. Called only on an accepted
  // beat (inside always_ff), so an idle cycle does not count tkeep bits.
  function automatic logic [31:0] total_with(input logic [DATA_WIDTH/8-1:0] keep);
    total_with = bytes_q;
    for (int i = 0; i < DATA_WIDTH / 8; i++) total_with = total_with + {31'b0, keep[i]};
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      bytes_q <= '0;
      over_q  <= 1'b0;
    end else if (fire) begin
      bytes_q <= tlast ? 32'd0 : total_with(tkeep);
      over_q  <= !tlast && (over_q || total_with(tkeep) > 32'(MAX_FRAME_BYTES));
    end
  end

  always_ff @(posedge clk) begin
    if (rst_n && fire && !over_q) begin
      frame_length: assert (total_with(tkeep) <= 32'(MAX_FRAME_BYTES))
        else fail($sformatf("[axis.frame_length] port=%m cycle=%0d side=source bytes=%0d max=%0d tlast=%b: frame longer than MAX_FRAME_BYTES",
                            cycle_q, total_with(tkeep), MAX_FRAME_BYTES, tlast));
    end
  end

endmodule

`default_nettype wire
