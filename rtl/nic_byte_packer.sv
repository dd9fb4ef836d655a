// nic_byte_packer: realigns beat-aligned chunks into a packed byte stream.
//
// Each input chunk holds in_bytes (1..B) valid bytes starting at lane in_first, with
// in_first + in_bytes <= B (a DMA read response beat of a fragment at any address); lanes outside
// the chunk are ignored. Chunks are appended to the current packet; in_last ends it. The output
// carries the packet with byte 0 on lane 0, out_keep all ones except possibly on the out_last beat
// (contiguous from lane 0).
//
// Up to B-1 bytes that do not fill a beat wait in a residue register for the next chunk. One chunk
// is accepted per cycle; the only input stall (besides back-pressure) is the cycle after a last
// chunk whose bytes spill over one beat, while the spilled residue leaves as the packet's last
// beat. The output is a register; in_ready follows out_ready combinationally (like nic_fifo's
// s_ready when full), so the source must not make in_valid depend on in_ready.
`default_nettype none

module nic_byte_packer #(
  parameter int DATA_WIDTH = 64  // stream width in bits: 16, 32, 64, ..., 512 (a power of two)
) (
  input  wire                            clk,
  input  wire                            rst_n,
  // input chunks
  input  wire                            in_valid,
  output logic                           in_ready,
  input  wire  [DATA_WIDTH-1:0]          in_data,
  input  wire  [$clog2(DATA_WIDTH/8)-1:0] in_first,
  input  wire  [$clog2(DATA_WIDTH/8):0]  in_bytes,
  input  wire                            in_last,
  // packed output stream
  output logic                           out_valid,
  input  wire                            out_ready,
  output logic [DATA_WIDTH-1:0]          out_data,
  output logic [DATA_WIDTH/8-1:0]        out_keep,
  output logic                           out_last
);

  localparam int B  = DATA_WIDTH / 8;  // byte lanes
  localparam int LW = $clog2(B);       // bits of a lane index

  // Residue: res_cnt_q bytes (0..B-1) on lanes 0..res_cnt_q-1, zero above. flush_q: the residue
  // is the tail of a finished packet and leaves as its last beat before the next chunk is taken.
  logic [DATA_WIDTH-1:0] res_data_q;
  logic [LW-1:0]         res_cnt_q;
  logic                  flush_q;

  logic                  out_valid_q;
  logic [DATA_WIDTH-1:0] out_data_q;
  logic [B-1:0]          out_keep_q;
  logic                  out_last_q;

  logic                  load;      // the output register takes a new beat (or empties)
  logic [LW:0]           total;     // bytes in residue and chunk, 1..2B-1
  logic [31:0]           total_ext;
  logic [31:0]           res_ext;

  // Lanes 0..n-1 set.
  function automatic logic [B-1:0] keep_of(input logic [31:0] n);
    for (int l = 0; l < B; l++) begin
      keep_of[l] = (l < n);
    end
  endfunction

  // The residue followed by the chunk's bytes (moved down to lane 0, zero above) make a window
  // of 2B lanes; returns its upper half if hi, else its lower half. Computed on the edge only,
  // in the cycles a chunk is taken, and in B lanes: the lower half is the chunk moved up by the
  // residue's lanes over the residue, the upper half what that move pushed out of it.
  function automatic logic [DATA_WIDTH-1:0] window_of(input logic hi,
                                                        input logic [DATA_WIDTH-1:0] data,
                                                        input logic [LW-1:0] first,
                                                        input logic [LW:0] bytes,
                                                        input logic [DATA_WIDTH-1:0] res,
                                                        input logic [LW-1:0] cnt);
    logic [DATA_WIDTH-1:0] chunk;
    chunk = (data >> {first, 3'b000}) & ~({DATA_WIDTH{1'b1}} << {bytes, 3'b000});
    if (!hi) begin
      window_of = (chunk << {cnt, 3'b000}) | res;
    end else if (cnt == '0) begin
      window_of = '0;
    end else begin
      window_of = chunk >> (DATA_WIDTH - 8 * {{(32 - LW){1'b0}}, cnt});
    end
  endfunction

  // Handshake only; the datapath runs on the edge.
  always_comb begin
    load      = !out_valid_q || out_ready;
    in_ready  = load && !flush_q;
    total     = {1'b0, res_cnt_q} + in_bytes;
    total_ext = {{(31 - LW){1'b0}}, total};
    res_ext   = {{(32 - LW){1'b0}}, res_cnt_q};
  end

  always_comb begin
    out_valid = out_valid_q;
    out_data  = out_data_q;
    out_keep  = out_keep_q;
    out_last  = out_last_q;
  end

  // Output beat (not reset).
  always_ff @(posedge clk) begin
    if (load) begin
      if (flush_q) begin
        // The spilled tail of the last chunk.
        out_data_q <= res_data_q;
        out_keep_q <= keep_of(res_ext);
        out_last_q <= 1'b1;
      end else if (in_valid) begin
        if (total_ext >= B) begin
          // A full beat; the rest stays, and leaves next cycle if the packet ends here.
          out_data_q <= window_of(1'b0, in_data, in_first, in_bytes, res_data_q, res_cnt_q);
          out_keep_q <= '1;
          out_last_q <= in_last && (total_ext == B);
        end else if (in_last) begin
          // The packet ends within this beat.
          out_data_q <= window_of(1'b0, in_data, in_first, in_bytes, res_data_q, res_cnt_q);
          out_keep_q <= keep_of(total_ext);
          out_last_q <= 1'b1;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      res_data_q  <= '0;
      res_cnt_q   <= '0;
      flush_q     <= 1'b0;
      out_valid_q <= 1'b0;
    end else if (load) begin
      out_valid_q <= 1'b0;
      if (flush_q) begin
        out_valid_q <= 1'b1;
        res_data_q  <= '0;
        res_cnt_q   <= '0;
        flush_q     <= 1'b0;
      end else if (in_valid) begin
        if (total_ext >= B) begin
          out_valid_q <= 1'b1;
          res_data_q  <= window_of(1'b1, in_data, in_first, in_bytes, res_data_q, res_cnt_q);
          res_cnt_q   <= total[LW-1:0];  // total - B, as B is a power of two
          flush_q     <= in_last && (total_ext != B);
        end else if (in_last) begin
          out_valid_q <= 1'b1;
          res_data_q  <= '0;
          res_cnt_q   <= '0;
        end else begin
          // Not a beat yet: keep collecting.
          res_data_q <= window_of(1'b0, in_data, in_first, in_bytes, res_data_q, res_cnt_q);
          res_cnt_q  <= total[LW-1:0];
        end
      end
    end
  end

endmodule

`default_nettype wire
