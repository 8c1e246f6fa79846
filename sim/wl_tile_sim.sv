`default_nettype none
// The tile as the sim libraries Verilate it (mk/tile.mk): wl_tile with its size from
// macros. The libraries Verilate each PE as a hierarchical block, and in that mode
// version 5.006 of the tool passes every -G option to every block, where Rows and
// Cols do not exist; macros reach the blocks too but are ignored where unused.
module wl_tile_sim (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        host_in_valid_i,
  output logic        host_in_ready_o,
  input  logic [31:0] host_in_data_i,
  output logic        host_out_valid_o,
  input  logic        host_out_ready_i,
  output logic [31:0] host_out_data_o
);
  wl_tile #(
    .Rows(`WL_ROWS), .Cols(`WL_COLS), .ImemBytes(`WL_IMEM_BYTES),
    .DmemBytes(`WL_DMEM_BYTES), .Lanes(`WL_LANES)
  ) u_tile (.*);
endmodule
