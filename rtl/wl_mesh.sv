`default_nettype none
// ROWS x COLS mesh of wl_router. Router (x, y) has index n = y*Cols + x; x is the
// column (grows east), y the row (grows south). Its local ramps are exposed as
// the *_loc_* ports, lane n. Links off the mesh edge are exposed as the *_edge_*
// ports, one lane per edge link, numbered clockwise from the north-west corner:
//   e = x                       north of (x, 0)
//   e = Cols + y                east  of (Cols-1, y)
//   e = Cols + Rows + x         south of (x, Rows-1)
//   e = 2*Cols + Rows + y       west  of (0, y)   (host bridge: y = 0)
// *_edge_in_* drive a router from outside; *_edge_out_* leave it. An unused edge
// input must hold valid low; an unused edge output should hold ready high.
// link_fire_o pulses, per router n, bit 15*n + 5*net + p, for every flit that leaves
// output port p (0 local, 1 N, 2 E, 3 S, 4 W) on network net (0 color, 1 request,
// 2 response): counted where it leaves, every link (edge links and the ejection to
// the PE included) is counted once. The tile counts them in the PEs. It is registered
// (one cycle late) so that it never forms a combinational path back into a PE.
module wl_mesh #(
  parameter int Rows  = 4,
  parameter int Cols  = 4,
  parameter int Depth = 4,
  localparam int N = Rows * Cols,
  localparam int E = 2 * (Rows + Cols)
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // local ramps (PE side), color network
  input  logic [N-1:0]    col_loc_in_valid_i,
  output logic [N-1:0]    col_loc_in_ready_o,
  input  logic [N*32-1:0] col_loc_in_data_i,
  input  logic [N*5-1:0]  col_loc_in_color_i,
  output logic [N-1:0]    col_loc_out_valid_o,
  input  logic [N-1:0]    col_loc_out_ready_i,
  output logic [N*32-1:0] col_loc_out_data_o,
  output logic [N*5-1:0]  col_loc_out_color_o,
  // local ramps, request network
  input  logic [N-1:0]    req_loc_in_valid_i,
  output logic [N-1:0]    req_loc_in_ready_o,
  input  logic [N*32-1:0] req_loc_in_data_i,
  input  logic [N-1:0]    req_loc_in_last_i,
  output logic [N-1:0]    req_loc_out_valid_o,
  input  logic [N-1:0]    req_loc_out_ready_i,
  output logic [N*32-1:0] req_loc_out_data_o,
  output logic [N-1:0]    req_loc_out_last_o,
  // local ramps, response network
  input  logic [N-1:0]    rsp_loc_in_valid_i,
  output logic [N-1:0]    rsp_loc_in_ready_o,
  input  logic [N*32-1:0] rsp_loc_in_data_i,
  input  logic [N-1:0]    rsp_loc_in_last_i,
  output logic [N-1:0]    rsp_loc_out_valid_o,
  input  logic [N-1:0]    rsp_loc_out_ready_i,
  output logic [N*32-1:0] rsp_loc_out_data_o,
  output logic [N-1:0]    rsp_loc_out_last_o,
  // edge links, color network
  input  logic [E-1:0]    col_edge_in_valid_i,
  output logic [E-1:0]    col_edge_in_ready_o,
  input  logic [E*32-1:0] col_edge_in_data_i,
  input  logic [E*5-1:0]  col_edge_in_color_i,
  output logic [E-1:0]    col_edge_out_valid_o,
  input  logic [E-1:0]    col_edge_out_ready_i,
  output logic [E*32-1:0] col_edge_out_data_o,
  output logic [E*5-1:0]  col_edge_out_color_o,
  // edge links, request network
  input  logic [E-1:0]    req_edge_in_valid_i,
  output logic [E-1:0]    req_edge_in_ready_o,
  input  logic [E*32-1:0] req_edge_in_data_i,
  input  logic [E-1:0]    req_edge_in_last_i,
  output logic [E-1:0]    req_edge_out_valid_o,
  input  logic [E-1:0]    req_edge_out_ready_i,
  output logic [E*32-1:0] req_edge_out_data_o,
  output logic [E-1:0]    req_edge_out_last_o,
  // edge links, response network
  input  logic [E-1:0]    rsp_edge_in_valid_i,
  output logic [E-1:0]    rsp_edge_in_ready_o,
  input  logic [E*32-1:0] rsp_edge_in_data_i,
  input  logic [E-1:0]    rsp_edge_in_last_i,
  output logic [E-1:0]    rsp_edge_out_valid_o,
  input  logic [E-1:0]    rsp_edge_out_ready_i,
  output logic [E*32-1:0] rsp_edge_out_data_o,
  output logic [E-1:0]    rsp_edge_out_last_o,
  // flits leaving each router output, per network (above)
  output logic [N*15-1:0] link_fire_o
);
  // Per-router port bundles, lane 5*n + p (p = 0 local, 1 N, 2 E, 3 S, 4 W).
  // "in" is what router n receives on port p, "out" what it sends on port p.
  logic [N*5-1:0]    c_iv, c_ir, c_ov, c_or;
  logic [N*5*32-1:0] c_id, c_od;
  logic [N*5*5-1:0]  c_ic, c_oc;
  logic [N*5-1:0]    q_iv, q_ir, q_il, q_ov, q_or, q_ol;
  logic [N*5*32-1:0] q_id, q_od;
  logic [N*5-1:0]    r_iv, r_ir, r_il, r_ov, r_or, r_ol;
  logic [N*5*32-1:0] r_id, r_od;
  logic [N*15-1:0]   link_fire_d, link_fire_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) link_fire_q <= '0;
    else         link_fire_q <= link_fire_d;
  end
  assign link_fire_o = link_fire_q;

  for (genvar y = 0; y < Rows; y++) begin : g_row
    for (genvar x = 0; x < Cols; x++) begin : g_col
      localparam int Me = y * Cols + x;

      wl_router #(.Depth(Depth)) u_router (
        .clk_i           (clk_i),
        .rst_ni          (rst_ni),
        .x_i             (6'(x)),
        .y_i             (6'(y)),
        .col_in_valid_i  (c_iv[5*Me +: 5]),
        .col_in_ready_o  (c_ir[5*Me +: 5]),
        .col_in_data_i   (c_id[5*32*Me +: 5*32]),
        .col_in_color_i  (c_ic[5*5*Me +: 5*5]),
        .col_out_valid_o (c_ov[5*Me +: 5]),
        .col_out_ready_i (c_or[5*Me +: 5]),
        .col_out_data_o  (c_od[5*32*Me +: 5*32]),
        .col_out_color_o (c_oc[5*5*Me +: 5*5]),
        .req_in_valid_i  (q_iv[5*Me +: 5]),
        .req_in_ready_o  (q_ir[5*Me +: 5]),
        .req_in_data_i   (q_id[5*32*Me +: 5*32]),
        .req_in_last_i   (q_il[5*Me +: 5]),
        .req_out_valid_o (q_ov[5*Me +: 5]),
        .req_out_ready_i (q_or[5*Me +: 5]),
        .req_out_data_o  (q_od[5*32*Me +: 5*32]),
        .req_out_last_o  (q_ol[5*Me +: 5]),
        .rsp_in_valid_i  (r_iv[5*Me +: 5]),
        .rsp_in_ready_o  (r_ir[5*Me +: 5]),
        .rsp_in_data_i   (r_id[5*32*Me +: 5*32]),
        .rsp_in_last_i   (r_il[5*Me +: 5]),
        .rsp_out_valid_o (r_ov[5*Me +: 5]),
        .rsp_out_ready_i (r_or[5*Me +: 5]),
        .rsp_out_data_o  (r_od[5*32*Me +: 5*32]),
        .rsp_out_last_o  (r_ol[5*Me +: 5])
      );

      assign link_fire_d[15*Me +: 15] = {r_ov[5*Me +: 5] & r_or[5*Me +: 5],
                                         q_ov[5*Me +: 5] & q_or[5*Me +: 5],
                                         c_ov[5*Me +: 5] & c_or[5*Me +: 5]};

      // Local ramp, port 0.
      assign c_iv[5*Me]                 = col_loc_in_valid_i[Me];
      assign col_loc_in_ready_o[Me]     = c_ir[5*Me];
      assign c_id[5*32*Me +: 32]        = col_loc_in_data_i[32*Me +: 32];
      assign c_ic[5*5*Me +: 5]          = col_loc_in_color_i[5*Me +: 5];
      assign col_loc_out_valid_o[Me]    = c_ov[5*Me];
      assign c_or[5*Me]                 = col_loc_out_ready_i[Me];
      assign col_loc_out_data_o[32*Me +: 32] = c_od[5*32*Me +: 32];
      assign col_loc_out_color_o[5*Me +: 5]  = c_oc[5*5*Me +: 5];
      assign q_iv[5*Me]                 = req_loc_in_valid_i[Me];
      assign req_loc_in_ready_o[Me]     = q_ir[5*Me];
      assign q_id[5*32*Me +: 32]        = req_loc_in_data_i[32*Me +: 32];
      assign q_il[5*Me]                 = req_loc_in_last_i[Me];
      assign req_loc_out_valid_o[Me]    = q_ov[5*Me];
      assign q_or[5*Me]                 = req_loc_out_ready_i[Me];
      assign req_loc_out_data_o[32*Me +: 32] = q_od[5*32*Me +: 32];
      assign req_loc_out_last_o[Me]     = q_ol[5*Me];
      assign r_iv[5*Me]                 = rsp_loc_in_valid_i[Me];
      assign rsp_loc_in_ready_o[Me]     = r_ir[5*Me];
      assign r_id[5*32*Me +: 32]        = rsp_loc_in_data_i[32*Me +: 32];
      assign r_il[5*Me]                 = rsp_loc_in_last_i[Me];
      assign rsp_loc_out_valid_o[Me]    = r_ov[5*Me];
      assign r_or[5*Me]                 = rsp_loc_out_ready_i[Me];
      assign rsp_loc_out_data_o[32*Me +: 32] = r_od[5*32*Me +: 32];
      assign rsp_loc_out_last_o[Me]     = r_ol[5*Me];

      // Ports 1..4: each either faces a neighbour or an edge lane.
      for (genvar p = 1; p < 5; p++) begin : g_port
        localparam int Nx = (p == 2) ? x + 1 : (p == 4) ? x - 1 : x;
        localparam int Ny = (p == 3) ? y + 1 : (p == 1) ? y - 1 : y;
        localparam bit Inside = Nx >= 0 && Nx < Cols && Ny >= 0 && Ny < Rows;
        localparam int Me5 = 5 * Me + p;
        if (Inside) begin : g_link
          // The neighbour's facing port: N<->S, E<->W.
          localparam int Fp = (p == 1) ? 3 : (p == 2) ? 4 : (p == 3) ? 1 : 2;
          localparam int Nb5 = 5 * (Ny * Cols + Nx) + Fp;
          assign c_iv[Me5]              = c_ov[Nb5];
          assign c_or[Me5]              = c_ir[Nb5];
          assign c_id[32*Me5 +: 32]     = c_od[32*Nb5 +: 32];
          assign c_ic[5*Me5 +: 5]       = c_oc[5*Nb5 +: 5];
          assign q_iv[Me5]              = q_ov[Nb5];
          assign q_or[Me5]              = q_ir[Nb5];
          assign q_id[32*Me5 +: 32]     = q_od[32*Nb5 +: 32];
          assign q_il[Me5]              = q_ol[Nb5];
          assign r_iv[Me5]              = r_ov[Nb5];
          assign r_or[Me5]              = r_ir[Nb5];
          assign r_id[32*Me5 +: 32]     = r_od[32*Nb5 +: 32];
          assign r_il[Me5]              = r_ol[Nb5];
        end else begin : g_edge
          localparam int Ed = (p == 1) ? x : (p == 2) ? Cols + y :
                              (p == 3) ? Cols + Rows + x : 2 * Cols + Rows + y;
          assign c_iv[Me5]                    = col_edge_in_valid_i[Ed];
          assign col_edge_in_ready_o[Ed]      = c_ir[Me5];
          assign c_id[32*Me5 +: 32]           = col_edge_in_data_i[32*Ed +: 32];
          assign c_ic[5*Me5 +: 5]             = col_edge_in_color_i[5*Ed +: 5];
          assign col_edge_out_valid_o[Ed]     = c_ov[Me5];
          assign c_or[Me5]                    = col_edge_out_ready_i[Ed];
          assign col_edge_out_data_o[32*Ed +: 32] = c_od[32*Me5 +: 32];
          assign col_edge_out_color_o[5*Ed +: 5]  = c_oc[5*Me5 +: 5];
          assign q_iv[Me5]                    = req_edge_in_valid_i[Ed];
          assign req_edge_in_ready_o[Ed]      = q_ir[Me5];
          assign q_id[32*Me5 +: 32]           = req_edge_in_data_i[32*Ed +: 32];
          assign q_il[Me5]                    = req_edge_in_last_i[Ed];
          assign req_edge_out_valid_o[Ed]     = q_ov[Me5];
          assign q_or[Me5]                    = req_edge_out_ready_i[Ed];
          assign req_edge_out_data_o[32*Ed +: 32] = q_od[32*Me5 +: 32];
          assign req_edge_out_last_o[Ed]      = q_ol[Me5];
          assign r_iv[Me5]                    = rsp_edge_in_valid_i[Ed];
          assign rsp_edge_in_ready_o[Ed]      = r_ir[Me5];
          assign r_id[32*Me5 +: 32]           = rsp_edge_in_data_i[32*Ed +: 32];
          assign r_il[Me5]                    = rsp_edge_in_last_i[Ed];
          assign rsp_edge_out_valid_o[Ed]     = r_ov[Me5];
          assign r_or[Me5]                    = rsp_edge_out_ready_i[Ed];
          assign rsp_edge_out_data_o[32*Ed +: 32] = r_od[32*Me5 +: 32];
          assign rsp_edge_out_last_o[Ed]      = r_ol[Me5];
        end
      end
    end
  end
endmodule
