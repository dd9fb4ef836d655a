// nic_rr_arbiter: round-robin arbiter with a registered "last granted" pointer.
//
// The grant goes to the first requester after the last one whose grant was taken, circularly
// (after reset the search starts at requester 1, i.e. requester 0 is treated as last granted).
// The grant is combinational from arb_req and the pointer; the pointer moves to the granted
// requester only in a cycle where the user takes the grant (arb_take with arb_valid), so a
// grant that is not used this cycle is offered again next cycle unless the requests change.
//
// Assumes: the user raises arb_take only while arb_valid (a take without a grant is ignored).
// For simulation speed, drive arb_req from registers: the search runs only when some
// requester is set, and then once per clock edge rather than once per input change.
`default_nettype none

module nic_rr_arbiter #(
  parameter int N = 3  // requesters, >= 1
) (
  input  wire                                  clk,
  input  wire                                  rst_n,
  input  wire  [N-1:0]                         arb_req,    // requester i wants the grant
  input  wire                                  arb_take,   // the grant is used this cycle
  output logic                                 arb_valid,  // some requester is granted
  output logic [N-1:0]                         arb_gnt,    // one-hot grant, 0 when none
  output logic [((N > 1) ? $clog2(N) : 1)-1:0] arb_sel     // index of the granted requester, 0 when none
);

  localparam int CW = (N > 1) ? $clog2(N) : 1;

  logic [CW-1:0] last_q;  // last requester whose grant was taken
  int            idx;

  always_comb begin
    arb_valid = 1'b0;
    arb_gnt   = '0;
    arb_sel   = '0;
    idx       = 0;
    if (arb_req != '0) begin
      for (int k = 1; k <= N; k++) begin
        idx = k + {{(32-CW){1'b0}}, last_q};
        if (idx >= N) idx = idx - N;
        if (!arb_valid && arb_req[idx]) begin
          arb_valid    = 1'b1;
          arb_gnt[idx] = 1'b1;
          arb_sel      = idx[CW-1:0];
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      last_q <= '0;
    end else if (arb_take && arb_valid) begin
      last_q <= arb_sel;
    end
  end

endmodule

`default_nettype wire
