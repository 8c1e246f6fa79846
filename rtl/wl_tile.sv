`default_nettype none
// The Waferlet tile: Rows x Cols PEs on a wl_mesh, and the host bridge on the west
// edge link of router (0,0), the only special block. The bridge's RESET command
// resets every PE and router (through a register, so the reset is a clean flop
// output) while the bridge itself keeps its protocol state.
module wl_tile #(
  parameter int Rows      = 4,
  parameter int Cols      = 4,
  parameter int ImemBytes = 16384,
  parameter int DmemBytes = 49152,
  parameter int Lanes     = 8
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // host link, one 32-bit word per transfer (docs/PROTOCOL.md)
  input  logic        host_in_valid_i,
  output logic        host_in_ready_o,
  input  logic [31:0] host_in_data_i,
  output logic        host_out_valid_o,
  input  logic        host_out_ready_i,
  output logic [31:0] host_out_data_o
);
  localparam int N = Rows * Cols;
  localparam int E = 2 * (Rows + Cols);
  localparam int HostLane = 2 * Cols + Rows;  // west of (0, 0)

  logic tile_reset;
  logic mesh_rst_nq;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) mesh_rst_nq <= 1'b0;
    else         mesh_rst_nq <= !tile_reset;
  end

  // local ramps: PE <-> router, all three networks
  logic [N-1:0]    cli_v, cli_r, clo_v, clo_r;
  logic [N*32-1:0] cli_d, clo_d;
  logic [N*5-1:0]  cli_c, clo_c;
  logic [N-1:0]    qi_v, qi_r, qi_l, qo_v, qo_r, qo_l;
  logic [N*32-1:0] qi_d, qo_d;
  logic [N-1:0]    si_v, si_r, si_l, so_v, so_r, so_l;
  logic [N*32-1:0] si_d, so_d;

  // edge links: only the host lane is used; the rest are idle inputs and open sinks
  logic [E-1:0]    ce_iv, ce_ir, ce_ov, ce_or;
  logic [E*32-1:0] ce_id, ce_od;
  logic [E*5-1:0]  ce_ic, ce_oc;
  logic [E-1:0]    qe_iv, qe_ir, qe_il, qe_ov, qe_or, qe_ol;
  logic [E*32-1:0] qe_id, qe_od;
  logic [E-1:0]    se_iv, se_ir, se_il, se_ov, se_or, se_ol;
  logic [E*32-1:0] se_id, se_od;

  logic [N*15-1:0] link_fire;  // flits leaving each router output (wl_mesh)

  logic        br_req_v, br_req_r, br_req_l, br_rsp_v, br_rsp_r, br_rsp_l;
  logic [31:0] br_req_d, br_rsp_d;

  always_comb begin
    ce_iv = '0; ce_id = '0; ce_ic = '0; ce_or = '1;
    qe_iv = '0; qe_id = '0; qe_il = '0; qe_or = '1;
    se_iv = '0; se_id = '0; se_il = '0; se_or = '1;
    qe_iv[HostLane]             = br_req_v;
    qe_id[HostLane*32 +: 32]    = br_req_d;
    qe_il[HostLane]             = br_req_l;
    se_or[HostLane]             = br_rsp_r;
  end
  assign br_req_r = qe_ir[HostLane];
  assign br_rsp_v = se_ov[HostLane];
  assign br_rsp_d = se_od[HostLane*32 +: 32];
  assign br_rsp_l = se_ol[HostLane];

  wl_mesh #(.Rows(Rows), .Cols(Cols)) u_mesh (
    .clk_i, .rst_ni(mesh_rst_nq),
    .col_loc_in_valid_i(clo_v), .col_loc_in_ready_o(clo_r), .col_loc_in_data_i(clo_d),
    .col_loc_in_color_i(clo_c),
    .col_loc_out_valid_o(cli_v), .col_loc_out_ready_i(cli_r), .col_loc_out_data_o(cli_d),
    .col_loc_out_color_o(cli_c),
    .req_loc_in_valid_i(qo_v), .req_loc_in_ready_o(qo_r), .req_loc_in_data_i(qo_d),
    .req_loc_in_last_i(qo_l),
    .req_loc_out_valid_o(qi_v), .req_loc_out_ready_i(qi_r), .req_loc_out_data_o(qi_d),
    .req_loc_out_last_o(qi_l),
    .rsp_loc_in_valid_i(so_v), .rsp_loc_in_ready_o(so_r), .rsp_loc_in_data_i(so_d),
    .rsp_loc_in_last_i(so_l),
    .rsp_loc_out_valid_o(si_v), .rsp_loc_out_ready_i(si_r), .rsp_loc_out_data_o(si_d),
    .rsp_loc_out_last_o(si_l),
    .col_edge_in_valid_i(ce_iv), .col_edge_in_ready_o(ce_ir), .col_edge_in_data_i(ce_id),
    .col_edge_in_color_i(ce_ic),
    .col_edge_out_valid_o(ce_ov), .col_edge_out_ready_i(ce_or), .col_edge_out_data_o(ce_od),
    .col_edge_out_color_o(ce_oc),
    .req_edge_in_valid_i(qe_iv), .req_edge_in_ready_o(qe_ir), .req_edge_in_data_i(qe_id),
    .req_edge_in_last_i(qe_il),
    .req_edge_out_valid_o(qe_ov), .req_edge_out_ready_i(qe_or), .req_edge_out_data_o(qe_od),
    .req_edge_out_last_o(qe_ol),
    .rsp_edge_in_valid_i(se_iv), .rsp_edge_in_ready_o(se_ir), .rsp_edge_in_data_i(se_id),
    .rsp_edge_in_last_i(se_il),
    .rsp_edge_out_valid_o(se_ov), .rsp_edge_out_ready_i(se_or), .rsp_edge_out_data_o(se_od),
    .rsp_edge_out_last_o(se_ol),
    .link_fire_o(link_fire)
  );

  for (genvar n = 0; n < N; n++) begin : g_pe
    wl_pe #(.DmemBytes(DmemBytes), .ImemBytes(ImemBytes), .Lanes(Lanes)) u_pe (
      .clk_i, .rst_ni(mesh_rst_nq),
      .x_i(6'(n % Cols)), .y_i(6'(n / Cols)),
      .col_in_valid_i(cli_v[n]), .col_in_ready_o(cli_r[n]), .col_in_data_i(cli_d[n*32 +: 32]),
      .col_in_color_i(cli_c[n*5 +: 5]),
      .col_out_valid_o(clo_v[n]), .col_out_ready_i(clo_r[n]), .col_out_data_o(clo_d[n*32 +: 32]),
      .col_out_color_o(clo_c[n*5 +: 5]),
      .req_in_valid_i(qi_v[n]), .req_in_ready_o(qi_r[n]), .req_in_data_i(qi_d[n*32 +: 32]),
      .req_in_last_i(qi_l[n]),
      .req_out_valid_o(qo_v[n]), .req_out_ready_i(qo_r[n]), .req_out_data_o(qo_d[n*32 +: 32]),
      .req_out_last_o(qo_l[n]),
      .rsp_in_valid_i(si_v[n]), .rsp_in_ready_o(si_r[n]), .rsp_in_data_i(si_d[n*32 +: 32]),
      .rsp_in_last_i(si_l[n]),
      .rsp_out_valid_o(so_v[n]), .rsp_out_ready_i(so_r[n]), .rsp_out_data_o(so_d[n*32 +: 32]),
      .rsp_out_last_o(so_l[n]),
      .link_fire_i(link_fire[15*n +: 15])
    );
  end

  wl_host_bridge #(
    .Rows(Rows), .Cols(Cols), .ImemBytes(ImemBytes), .DmemBytes(DmemBytes), .Lanes(Lanes)
  ) u_bridge (
    .clk_i, .rst_ni,
    .host_in_valid_i, .host_in_ready_o, .host_in_data_i,
    .host_out_valid_o, .host_out_ready_i, .host_out_data_o,
    .req_out_valid_o(br_req_v), .req_out_ready_i(br_req_r), .req_out_data_o(br_req_d),
    .req_out_last_o(br_req_l),
    .rsp_in_valid_i(br_rsp_v), .rsp_in_ready_o(br_rsp_r), .rsp_in_data_i(br_rsp_d),
    .rsp_in_last_i(br_rsp_l),
    .tile_reset_o(tile_reset)
  );

  // Unused by design: idle edge inputs' readies and what leaves the other edge links.
  logic unused_edges;
  assign unused_edges = ^{ce_ir, ce_ov, ce_od, ce_oc, qe_ir, qe_ov, qe_od, qe_ol, se_ir, se_ov,
                          se_od, se_ol};
endmodule
