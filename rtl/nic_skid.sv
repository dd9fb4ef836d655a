// nic_skid: full-throughput register slice (2-entry skid buffer) on a valid/ready stream.
//
// Cuts every combinational path: m_valid/m_data come from the output register and s_ready is
// registered (it is "the skid entry is empty"). When the sink stalls while a word is arriving,
// that word parks in the skid entry and s_ready drops the cycle after; when the sink takes the
// output word, the skid word moves up. One word per cycle passes with no bubbles.
`default_nettype none

module nic_skid #(
  parameter int WIDTH = 8  // bits per word
) (
  input  wire              clk,
  input  wire              rst_n,
  // upstream
  input  wire              s_valid,
  output logic             s_ready,
  input  wire  [WIDTH-1:0] s_data,
  // downstream
  output logic             m_valid,
  input  wire              m_ready,
  output logic [WIDTH-1:0] m_data
);

  logic             out_valid_q;
  logic [WIDTH-1:0] out_data_q;
  logic             skid_valid_q;
  logic [WIDTH-1:0] skid_data_q;

  always_comb begin
    s_ready = !skid_valid_q;
    m_valid = out_valid_q;
    m_data  = out_data_q;
  end

  // Next state on the edge only.
  always_ff @(posedge clk) begin
    if (!skid_valid_q) begin
      // s_ready is high: an arriving word goes to the output register if it is free or being
      // taken this cycle, else to the skid entry.
      if (!out_valid_q || m_ready) begin
        out_data_q <= s_data;
      end else if (s_valid) begin
        skid_data_q <= s_data;
      end
    end else if (m_ready) begin
      // The skid entry is full, so the output register is too: refill it from the skid.
      out_data_q <= skid_data_q;
    end
    if (!rst_n) begin
      out_valid_q  <= 1'b0;
      skid_valid_q <= 1'b0;
    end else if (!skid_valid_q) begin
      if (!out_valid_q || m_ready) begin
        out_valid_q <= s_valid;
      end else if (s_valid) begin
        skid_valid_q <= 1'b1;
      end
    end else if (m_ready) begin
      out_valid_q  <= 1'b1;
      skid_valid_q <= 1'b0;
    end
  end

endmodule

`default_nettype wire
