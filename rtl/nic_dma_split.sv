// nic_dma_split: the request side both DMA directions share (nic_dma_rd, nic_dma_wr): per client a
// pending slot and a splitter, round-robin among the clients, and the per-client FIFO of bursts
// in flight (one tag bit each: last burst of its request).
//
// A client request (byte address, 1..65535 bytes, 0 read as 1) is split into INCR bursts of
// full-width beats that never cross 4 KiB and never exceed 256 beats, the first one starting at
// the address aligned down to the beat. Behind the request being split each client has one
// pending slot (req_ready = the slot is empty, a register); a request moves into the splitter in
// the cycle the previous one's last burst is taken (from the slot, else directly from the client),
// so single-burst requests go at one per cycle. The next burst (burst_*) is offered from state
// only, round-robin among clients with a request being split and fewer than MAX_BURSTS bursts in
// flight; the parent takes it (burst_take) when its address channel can. A burst is in flight
// from its take until the parent reports it done (done[i]: client i's oldest burst in flight);
// done_end[i] tells whether that oldest burst is the last of its request.
//
// Assumes: burst_take only while burst_valid; done[i] only while client i has a burst in flight;
// clients hold req_addr/len stable while req_valid waits for req_ready.
`default_nettype none

module nic_dma_split #(
  parameter int BEAT_LOG2  = 3,   // log2 of the bus width in bytes (3 for 64 bits .. 6 for 512)
  parameter int CLIENTS    = 3,   // clients; client i at [i*W +: W] of the flattened ports
  parameter int MAX_BURSTS = 16   // bursts in flight per client, >= 2
) (
  input  wire                                              clk,
  input  wire                                              rst_n,

  // client requests
  input  wire  [CLIENTS-1:0]                               req_valid,
  output logic [CLIENTS-1:0]                               req_ready,
  input  wire  [CLIENTS*64-1:0]                            req_addr,
  input  wire  [CLIENTS*16-1:0]                            req_len,

  // the next burst to issue (from registers only) and its take
  output logic                                             burst_valid,
  output logic [CLIENTS-1:0]                               burst_hot,     // one-hot client
  output logic [((CLIENTS > 1) ? $clog2(CLIENTS) : 1)-1:0] burst_client,
  output logic [63:0]                                      burst_addr,    // beat aligned
  output logic [7:0]                                       burst_len,     // beats - 1 (AxLEN)
  output logic                                             burst_end,     // last burst of its request
  input  wire                                              burst_take,

  // bursts in flight
  input  wire  [CLIENTS-1:0]                               done,          // client's oldest burst completes
  output logic [CLIENTS-1:0]                               done_end       // client's oldest burst is its request's last
);

  localparam int N  = CLIENTS;
  localparam int PW = $clog2(MAX_BURSTS);      // burst-tag FIFO pointer bits
  localparam int NW = $clog2(MAX_BURSTS + 1);  // in-flight counter bits
  localparam logic [NW-1:0] CNT_MAX  = MAX_BURSTS[NW-1:0];
  localparam logic [PW-1:0] PTR_LAST = MAX_BURSTS[PW-1:0] - 1'b1;

  // Per-client state is flattened (client i at [i*W +: W]): a few words, cheaper to simulate than
  // unpacked arrays with an update flag per write. The tag table is indexed (N*MAX_BURSTS bits).
  logic [N-1:0]    active_q;               // request being split into bursts
  logic [N-1:0]    pend_valid_q;           // pending slot full
  logic [N*64-1:0] pend_addr_q;            // beat aligned
  logic [N*17-1:0] pend_left_q;
  logic [N*64-1:0] addr_q;                 // next burst address, beat aligned
  logic [N*17-1:0] left_q;                 // beats not yet in a burst
  logic [N*NW-1:0] cnt_q;                  // bursts in flight
  logic            tag_q [N*MAX_BURSTS];   // per burst in flight: last burst of its request
  logic [N*PW-1:0] tag_wptr_q;
  logic [N*PW-1:0] tag_rptr_q;

  logic [N-1:0]  room;                     // active with room for another burst
  logic [63:0]   sel_addr;
  logic [16:0]   sel_left;
  logic [16:0]   burst;                    // beats of the offered burst

  always_comb begin
    req_ready = ~pend_valid_q;
    for (int i = 0; i < N; i++) begin
      room[i]     = active_q[i] && (cnt_q[i*NW +: NW] != CNT_MAX);
      done_end[i] = tag_q[i*MAX_BURSTS + {{(32-PW){1'b0}}, tag_rptr_q[i*PW +: PW]}];
    end
  end

  nic_rr_arbiter #(
    .N(N)
  ) u_arb (
    .clk      (clk),
    .rst_n    (rst_n),
    .arb_req  (room),
    .arb_take (burst_take),
    .arb_valid(burst_valid),
    .arb_gnt  (burst_hot),
    .arb_sel  (burst_client)
  );

  // size the offered burst (state only)
  always_comb begin
    sel_addr = '0;
    sel_left = '0;
    burst    = '0;  // burst_beats of nothing left
    if (burst_valid) begin
      sel_addr = addr_q[burst_client*64 +: 64];
      sel_left = left_q[burst_client*17 +: 17];
      burst    = nic_dma_pkg::burst_beats(sel_addr[11:0], sel_left, BEAT_LOG2[2:0]);
    end
    burst_addr = sel_addr;
    burst_len  = burst[7:0] - 8'd1;
    burst_end  = (sel_left == burst);
  end

  always_ff @(posedge clk) begin
    // ---- the offered burst is taken: advance its client's splitter, push its tag ----
    if (burst_take) begin
      addr_q[burst_client*64 +: 64] <= sel_addr + ({47'd0, burst} << BEAT_LOG2);
      left_q[burst_client*17 +: 17] <= sel_left - burst;
      if (burst_end) active_q[burst_client] <= 1'b0;
      tag_q[burst_client*MAX_BURSTS + {{(32-PW){1'b0}}, tag_wptr_q[burst_client*PW +: PW]}] <= burst_end;
      tag_wptr_q[burst_client*PW +: PW] <= (tag_wptr_q[burst_client*PW +: PW] == PTR_LAST) ? '0
                                           : tag_wptr_q[burst_client*PW +: PW] + 1'b1;
    end

    // ---- accept requests: into the splitter when it is idle or issuing its last burst, else
    // into the pending slot (ready is ~pend_valid, so a request is never refused for a busy
    // splitter alone) ----
    if ((req_valid | pend_valid_q) != '0) begin
      for (int i = 0; i < N; i++) begin
        // idle, or its last burst is taken this cycle
        if (!active_q[i] || (burst_take && burst_end && burst_hot[i])) begin
          if (pend_valid_q[i]) begin
            active_q[i]     <= 1'b1;
            addr_q[i*64 +: 64] <= pend_addr_q[i*64 +: 64];
            left_q[i*17 +: 17] <= pend_left_q[i*17 +: 17];
            pend_valid_q[i] <= 1'b0;
          end else if (req_valid[i]) begin
            active_q[i] <= 1'b1;
            addr_q[i*64 +: 64] <= {req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
            left_q[i*17 +: 17] <= nic_dma_pkg::request_beats(req_addr[i*64 +: 12],
                                                              req_len[i*16 +: 16], BEAT_LOG2[2:0]);
          end
        end else if (req_valid[i] && !pend_valid_q[i]) begin
          pend_valid_q[i] <= 1'b1;
          pend_addr_q[i*64 +: 64] <= {req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
          pend_left_q[i*17 +: 17] <= nic_dma_pkg::request_beats(req_addr[i*64 +: 12],
                                                                 req_len[i*16 +: 16], BEAT_LOG2[2:0]);
        end
      end
    end

    // ---- bursts in flight: +1 at take, -1 when done; the tag FIFO pops when done ----
    if (burst_take || (done != '0)) begin
      for (int i = 0; i < N; i++) begin
        if (done[i]) begin
          tag_rptr_q[i*PW +: PW] <= (tag_rptr_q[i*PW +: PW] == PTR_LAST) ? '0
                                    : tag_rptr_q[i*PW +: PW] + 1'b1;
        end
        if (burst_hot[i] && burst_take && !done[i]) begin
          cnt_q[i*NW +: NW] <= cnt_q[i*NW +: NW] + 1'b1;
        end else if (done[i] && !(burst_hot[i] && burst_take)) begin
          cnt_q[i*NW +: NW] <= cnt_q[i*NW +: NW] - 1'b1;
        end
      end
    end

    if (!rst_n) begin
      active_q     <= '0;
      pend_valid_q <= '0;
      cnt_q        <= '0;
      tag_wptr_q   <= '0;
      tag_rptr_q   <= '0;
    end
  end

endmodule

`default_nettype wire
