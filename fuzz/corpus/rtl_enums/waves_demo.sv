// waves_demo: a tiny block for the waves/ tests: an enum-typed state machine, a byte stream and
// an error-code register, so the FST reader, the renderer and the GTKWave layout have every kind
// of signal to show (1-bit, buses, an enum register, a nic_pkg::err_e-valued register).
//
// A word accepted on in_valid/in_data is loaded (ST_LOAD), sent for one cycle on
// out_valid/out_data (ST_SEND, data + 1), and the machine rests one cycle (ST_DONE).
// A zero byte sets err_code to ERR_DESC_ZERO_LEN until reset.
`default_nettype none

module waves_demo (
  input  wire        clk,
  input  wire        rst_n,
  input  wire        in_valid,
  input  wire  [7:0] in_data,
  output logic       out_valid,
  output logic [7:0] out_data,
  output logic [7:0] err_code,
  output logic [15:0] count
);

  typedef enum logic [1:0] {
    ST_IDLE = 2'd0,  // waiting for a word
    ST_LOAD = 2'd1,  // word held
    ST_SEND = 2'd2,  // word on out_*
    ST_DONE = 2'd3   // one idle cycle after sending
  } state_e;

  state_e     state_q, state_d;
  logic [7:0] data_q, data_d;
  logic [7:0] err_q, err_d;
  logic [15:0] count_q, count_d;

  always_comb begin
    state_d = state_q;
    data_d  = data_q;
    err_d   = err_q;
    count_d = count_q;
    unique case (state_q)
      ST_IDLE: if (in_valid) begin
        state_d = ST_LOAD;
        data_d  = in_data;
        if (in_data == 8'd0) err_d = nic_pkg::ERR_DESC_ZERO_LEN;
      end
      ST_LOAD: state_d = ST_SEND;
      ST_SEND: begin
        state_d = ST_DONE;
        count_d = count_q + 16'd1;
      end
      ST_DONE: state_d = ST_IDLE;
      default: state_d = ST_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    state_q <= state_d;
    data_q  <= data_d;
    err_q   <= err_d;
    count_q <= count_d;
    if (!rst_n) begin
      state_q <= ST_IDLE;
      data_q  <= 8'd0;
      err_q   <= nic_pkg::ERR_NONE;
      count_q <= 16'd0;
    end
  end

  assign out_valid = state_q == ST_SEND;
  assign out_data  = data_q + 8'd1;
  assign err_code  = err_q;
  assign count     = count_q;

endmodule

`default_nettype wire
