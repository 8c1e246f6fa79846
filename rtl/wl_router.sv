`default_nettype none
// Waferlet PE router: three physical networks (color, request, response), each
// with five ports numbered 0 = local ramp, 1 = N, 2 = E, 3 = S, 4 = W. Every link
// is a valid/ready pair carrying one 32-bit word plus a sideband (color[4:0] on
// the color network, last on the packet networks). Outputs depend only on
// registers, so meshes of routers have no combinational loops.
// The request network's configuration sink consumes CFG packets addressed to this
// router and writes the color route table (see docs/FABRIC.md).
module wl_router #(
  parameter int Depth = 4  // input buffer depth per port and network (power of 2)
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [5:0]      x_i,
  input  logic [5:0]      y_i,
  // color network
  input  logic [4:0]      col_in_valid_i,
  output logic [4:0]      col_in_ready_o,
  input  logic [5*32-1:0] col_in_data_i,
  input  logic [5*5-1:0]  col_in_color_i,
  output logic [4:0]      col_out_valid_o,
  input  logic [4:0]      col_out_ready_i,
  output logic [5*32-1:0] col_out_data_o,
  output logic [5*5-1:0]  col_out_color_o,
  // request network (X then Y)
  input  logic [4:0]      req_in_valid_i,
  output logic [4:0]      req_in_ready_o,
  input  logic [5*32-1:0] req_in_data_i,
  input  logic [4:0]      req_in_last_i,
  output logic [4:0]      req_out_valid_o,
  input  logic [4:0]      req_out_ready_i,
  output logic [5*32-1:0] req_out_data_o,
  output logic [4:0]      req_out_last_o,
  // response network (Y then X)
  input  logic [4:0]      rsp_in_valid_i,
  output logic [4:0]      rsp_in_ready_o,
  input  logic [5*32-1:0] rsp_in_data_i,
  input  logic [4:0]      rsp_in_last_i,
  output logic [4:0]      rsp_out_valid_o,
  input  logic [4:0]      rsp_out_ready_i,
  output logic [5*32-1:0] rsp_out_data_o,
  output logic [4:0]      rsp_out_last_o
);
  logic [5*37-1:0] col_in_flit, col_out_flit;
  logic [5*33-1:0] req_in_flit, rsp_in_flit;
  logic [6*33-1:0] req_out_flit, rsp_out_flit;
  logic [5:0]      req_out_valid, rsp_out_valid;

  for (genvar p = 0; p < 5; p++) begin : g_pack
    assign col_in_flit[37*p +: 37]  = {col_in_color_i[5*p +: 5], col_in_data_i[32*p +: 32]};
    assign col_out_data_o[32*p +: 32] = col_out_flit[37*p +: 32];
    assign col_out_color_o[5*p +: 5]  = col_out_flit[37*p+32 +: 5];
    assign req_in_flit[33*p +: 33]  = {req_in_last_i[p], req_in_data_i[32*p +: 32]};
    assign req_out_data_o[32*p +: 32] = req_out_flit[33*p +: 32];
    assign req_out_last_o[p]          = req_out_flit[33*p + 32];
    assign rsp_in_flit[33*p +: 33]  = {rsp_in_last_i[p], rsp_in_data_i[32*p +: 32]};
    assign rsp_out_data_o[32*p +: 32] = rsp_out_flit[33*p +: 32];
    assign rsp_out_last_o[p]          = rsp_out_flit[33*p + 32];
  end
  assign req_out_valid_o = req_out_valid[4:0];
  assign rsp_out_valid_o = rsp_out_valid[4:0];

  // Configuration sink: header, then the byte address, then one route-table
  // word per color from address/4 upward. It always accepts, so CFG packets
  // never block the request network.
  logic        cfg_valid, cfg_last, cfg_we;
  logic [31:0] cfg_data;
  logic [1:0]  cfg_phase_q;  // 0: header next, 1: address next, 2: table words
  logic [5:0]  cfg_idx_q;    // next color; >= 32 is outside the table (ignored)

  assign cfg_valid = req_out_valid[5];
  assign cfg_data  = req_out_flit[5*33 +: 32];
  assign cfg_last  = req_out_flit[5*33 + 32];
  assign cfg_we    = cfg_valid && cfg_phase_q == 2'd2 && !cfg_idx_q[5];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cfg_phase_q <= 2'd0;
      cfg_idx_q   <= '0;
    end else if (cfg_valid) begin
      if (cfg_last) begin
        cfg_phase_q <= 2'd0;
      end else if (cfg_phase_q == 2'd0) begin
        cfg_phase_q <= 2'd1;
      end else if (cfg_phase_q == 2'd1) begin
        cfg_phase_q <= 2'd2;
        // Word index of the byte address; anything past the table is ignored.
        cfg_idx_q   <= (cfg_data[31:7] == '0) ? {1'b0, cfg_data[6:2]} : 6'h20;
      end else if (!cfg_idx_q[5]) begin
        cfg_idx_q   <= cfg_idx_q + 1'b1;
      end
    end
  end

  wl_color_sw #(.Depth(Depth)) u_color (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (col_in_valid_i),
    .in_ready_o  (col_in_ready_o),
    .in_flit_i   (col_in_flit),
    .out_valid_o (col_out_valid_o),
    .out_ready_i (col_out_ready_i),
    .out_flit_o  (col_out_flit),
    .cfg_we_i    (cfg_we),
    .cfg_color_i (cfg_idx_q[4:0]),
    .cfg_route_i (cfg_data[24:0])
  );

  wl_pkt_sw #(.Yx(1'b0), .HasCfg(1'b1), .Depth(Depth)) u_req (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .x_i         (x_i),
    .y_i         (y_i),
    .in_valid_i  (req_in_valid_i),
    .in_ready_o  (req_in_ready_o),
    .in_flit_i   (req_in_flit),
    .out_valid_o (req_out_valid),
    .out_ready_i ({1'b1, req_out_ready_i}),
    .out_flit_o  (req_out_flit)
  );

  wl_pkt_sw #(.Yx(1'b1), .HasCfg(1'b0), .Depth(Depth)) u_rsp (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .x_i         (x_i),
    .y_i         (y_i),
    .in_valid_i  (rsp_in_valid_i),
    .in_ready_o  (rsp_in_ready_o),
    .in_flit_i   (rsp_in_flit),
    .out_valid_o (rsp_out_valid),
    .out_ready_i ({1'b1, rsp_out_ready_i}),
    .out_flit_o  (rsp_out_flit)
  );
  // The response network has no configuration sink: its output 5 never fires.
  logic unused_rsp_cfg;
  assign unused_rsp_cfg = ^{rsp_out_valid[5], rsp_out_flit[5*33 +: 33], cfg_data[31:25]};
endmodule
