// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over one 32-bit word per
// call, purely combinational: 32 unrolled bit steps. The word is taken least
// significant bit first, which equals feeding its 4 bytes least significant byte
// first into a byte-wise reflected CRC (the host's wl_crc32c_words). crc_i/crc_o
// are the raw register: start from 0xFFFFFFFF, invert at the end.
`default_nettype none

module wl_crc32c (
  input  logic [31:0] crc_i,
  input  logic [31:0] data_i,
  output logic [31:0] crc_o
);
  localparam logic [31:0] Poly = 32'h82F63B78;

  logic [31:0] c;

  always_comb begin
    c = crc_i ^ data_i;
    for (int k = 0; k < 32; k++) begin
      c = {1'b0, c[31:1]} ^ (c[0] ? Poly : 32'h0);
    end
  end

  assign crc_o = c;
endmodule
