// nic_dma_pkg: the burst arithmetic both DMA directions share (nic_dma_rd, nic_dma_wr), so the
// 4 KiB and 256-beat rules are written once. Addresses are bytes; `beat_log2` is
// log2(DATA_WIDTH / 8). Only the low 12 address bits matter: a burst never crosses a 4 KiB page.
`default_nettype none

package nic_dma_pkg;

  // Beats of the bus that a request of `len_bytes` at byte address `addr` touches (length 0 counts
  // as 1 byte).
  function automatic logic [16:0] request_beats(input logic [11:0] addr, input logic [15:0] len_bytes,
                                                input logic [2:0] beat_log2);
    logic [16:0] beat_mask;
    logic [16:0] len;
    beat_mask = (17'd1 << beat_log2) - 17'd1;
    len = (len_bytes == 16'd0) ? 17'd1 : {1'b0, len_bytes};
    request_beats = (({5'd0, addr} & beat_mask) + len + beat_mask) >> beat_log2;
  endfunction

  // The next burst of a request with `left_beats` to go at beat-aligned address `addr`: as long as
  // possible without crossing a 4 KiB page and without exceeding 256 beats (AXI4 INCR).
  function automatic logic [16:0] burst_beats(input logic [11:0] addr, input logic [16:0] left_beats,
                                              input logic [2:0] beat_log2);
    logic [16:0] to_page;
    to_page = (17'd4096 - {5'd0, addr}) >> beat_log2;
    burst_beats = left_beats;
    if (to_page < burst_beats) burst_beats = to_page;
    if (17'd256 < burst_beats) burst_beats = 17'd256;
  endfunction

endpackage

`default_nettype wire
