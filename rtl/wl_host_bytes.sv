`default_nettype none
// Byte-wide host link (FPGA: FTDI FIFO or UART) to the tile's word-wide host link.
// Words travel as 4 bytes, least significant first (docs/PROTOCOL.md). Byte alignment
// is found from SYNC: while no frame is in progress, every byte offset is searched for
// SYNC, so garbage of any length between frames cannot leave the link misaligned.
// Inside a frame (its length is read from the header) no realignment happens, so SYNC
// bytes inside a payload are harmless; a corrupt length is bounded by MaxPayload.
module wl_host_bytes #(
  parameter int MaxPayload = 260,
  parameter logic [31:0] Sync = 32'h4B4C4657
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // bytes from the host
  input  logic        rx_valid_i,
  output logic        rx_ready_o,
  input  logic [7:0]  rx_data_i,
  // words to the tile
  output logic        word_out_valid_o,
  input  logic        word_out_ready_i,
  output logic [31:0] word_out_data_o,
  // words from the tile
  input  logic        word_in_valid_i,
  output logic        word_in_ready_o,
  input  logic [31:0] word_in_data_i,
  // bytes to the host
  output logic        tx_valid_o,
  input  logic        tx_ready_i,
  output logic [7:0]  tx_data_o
);
  // ---------------------------------------------------------------- host -> tile
  logic [23:0] shift_q;        // the last three bytes, newest in the top byte
  logic [1:0]  nbytes_q;       // bytes of the current word already in shift_q
  logic        in_frame_q;     // a frame is in progress: words counted, no realignment
  logic [11:0] left_q;         // words of the frame still to come after the header
  logic        want_header_q;  // the next word is a header
  logic        out_valid_q;
  logic [31:0] out_data_q;

  logic        byte_fire, word_done, sync_here;
  logic [31:0] shifted;
  logic [11:0] hdr_len;

  assign rx_ready_o       = !out_valid_q || word_out_ready_i;
  assign byte_fire        = rx_valid_i && rx_ready_o;
  assign shifted          = {rx_data_i, shift_q};
  assign sync_here        = !in_frame_q && shifted == Sync;
  assign word_done        = sync_here || (in_frame_q && nbytes_q == 2'd3);
  assign hdr_len          = shifted[27:16];
  assign word_out_valid_o = out_valid_q;
  assign word_out_data_o  = out_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      shift_q       <= '0;
      nbytes_q      <= '0;
      in_frame_q    <= 1'b0;
      want_header_q <= 1'b0;
      left_q        <= '0;
      out_valid_q   <= 1'b0;
      out_data_q    <= '0;
    end else begin
      if (out_valid_q && word_out_ready_i) out_valid_q <= 1'b0;
      if (byte_fire) begin
        shift_q  <= shifted[31:8];
        nbytes_q <= word_done ? 2'd0 : nbytes_q + 2'd1;
        if (word_done) begin
          out_valid_q <= 1'b1;
          out_data_q  <= shifted;
          if (sync_here) begin
            in_frame_q    <= 1'b1;
            want_header_q <= 1'b1;
          end else if (want_header_q) begin
            want_header_q <= 1'b0;
            // A header the bridge will refuse ends the frame here: search again.
            if (shifted[31:28] != 4'd0 || hdr_len > 12'(MaxPayload)) in_frame_q <= 1'b0;
            else left_q <= hdr_len + 12'd1;  // payload and CRC
          end else if (left_q <= 12'd1) begin
            in_frame_q <= 1'b0;
          end else begin
            left_q <= left_q - 12'd1;
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------- tile -> host
  logic [31:0] tx_word_q;
  logic [1:0]  tx_idx_q;
  logic        tx_busy_q;

  assign word_in_ready_o = !tx_busy_q;
  assign tx_valid_o      = tx_busy_q;
  assign tx_data_o       = tx_word_q[8*tx_idx_q +: 8];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tx_word_q <= '0;
      tx_idx_q  <= '0;
      tx_busy_q <= 1'b0;
    end else if (!tx_busy_q) begin
      if (word_in_valid_i) begin
        tx_word_q <= word_in_data_i;
        tx_idx_q  <= '0;
        tx_busy_q <= 1'b1;
      end
    end else if (tx_ready_i) begin
      tx_idx_q <= tx_idx_q + 2'd1;
      if (tx_idx_q == 2'd3) tx_busy_q <= 1'b0;
    end
  end
endmodule
