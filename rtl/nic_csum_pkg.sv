// nic_csum_pkg: helpers for the Internet checksum (RFC 1071 ones'-complement arithmetic) shared
// by the TX and RX engines. Partial sums are 16-bit ones'-complement values; 0x0000 and 0xFFFF
// both mean zero, and a sum of non-zero data never folds to 0x0000.
`default_nettype none

package nic_csum_pkg;

  // a + b with the end-around carry: the ones'-complement sum of two partial sums.
  function automatic logic [15:0] csum_add16(input logic [15:0] a, input logic [15:0] b);
    logic [16:0] s;
    s = {1'b0, a} + {1'b0, b};
    csum_add16 = s[15:0] + {15'd0, s[16]};
  endfunction

  // Folds a 32-bit accumulation of 16-bit words to a 16-bit ones'-complement partial sum.
  function automatic logic [15:0] csum_fold32(input logic [31:0] acc);
    csum_fold32 = csum_add16(acc[31:16], acc[15:0]);
  endfunction

  // Swaps the two bytes: a partial sum over a range that starts at an odd frame offset pairs
  // its bytes the other way round, and the ones'-complement sum commutes with the swap.
  function automatic logic [15:0] csum_swap16(input logic [15:0] a);
    csum_swap16 = {a[7:0], a[15:8]};
  endfunction

  // The checksum field to transmit for a partial sum: its ones'-complement. (UDP over IPv4
  // sends 0xFFFF for a computed 0x0000; the caller applies that rule.)
  function automatic logic [15:0] csum_final(input logic [15:0] sum);
    csum_final = ~sum;
  endfunction

endpackage

`default_nettype wire
