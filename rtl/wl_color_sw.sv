`default_nettype none
// Color network of one router: five buffered inputs, a route table indexed by
// (input port, color) giving an output-port set, and one round-robin arbiter per
// output. A multicast wavelet is forked as its outputs free up (each output may
// take it on a different cycle); a served mask remembers which outputs already
// have it and the input pops once the set is complete. An empty set drops it.
// Flit = {color[4:0], data[31:0]}; port p occupies bits [37*p +: 37].
module wl_color_sw #(
  parameter int Depth = 4
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [4:0]      in_valid_i,
  output logic [4:0]      in_ready_o,
  input  logic [5*37-1:0] in_flit_i,
  output logic [4:0]      out_valid_o,
  input  logic [4:0]      out_ready_i,
  output logic [5*37-1:0] out_flit_o,
  // Route table write: one entry per color holds the five 5-bit output sets of
  // input ports 0..4 ([5p +: 5] is input port p).
  input  logic            cfg_we_i,
  input  logic [4:0]      cfg_color_i,
  input  logic [24:0]     cfg_route_i
);
  logic [4:0]      head_valid, pop;
  logic [5*37-1:0] head_flit;
  logic [32*25-1:0] table_q;
  logic [24:0]     rset;        // [5i +: 5]: output set of input i's head
  logic [24:0]     served_q, served_d;
  logic [24:0]     req;         // [5o +: 5]: inputs requesting output o
  logic [4:0]      arb_valid, xfer;
  logic [14:0]     arb_idx;     // [3o +: 3]
  logic [24:0]     delivered;   // [5i +: 5]: outputs that took input i's head now

  for (genvar i = 0; i < 5; i++) begin : g_in
    wl_fifo #(.Width(37), .Depth(Depth)) u_fifo (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .wvalid_i (in_valid_i[i]),
      .wready_o (in_ready_o[i]),
      .wdata_i  (in_flit_i[37*i +: 37]),
      .rvalid_o (head_valid[i]),
      .rready_i (pop[i]),
      .rdata_o  (head_flit[37*i +: 37])
    );
    // AND-OR mux over the 32 colors: far cheaper in LUTs than a variable shift.
    always_comb begin
      rset[5*i +: 5] = 5'b0;
      for (int c = 0; c < 32; c++) begin
        rset[5*i +: 5] = rset[5*i +: 5] |
            (table_q[25*c + 5*i +: 5] & {5{head_flit[37*i+32 +: 5] == 5'(c)}});
      end
    end
  end

  for (genvar o = 0; o < 5; o++) begin : g_out
    for (genvar i = 0; i < 5; i++) begin : g_req
      assign req[5*o+i] = head_valid[i] & rset[5*i+o] & ~served_q[5*i+o];
    end
    wl_rr_arb #(.N(5), .IdxW(3)) u_arb (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .req_i   (req[5*o +: 5]),
      .xfer_i  (xfer[o]),
      .keep_i  (1'b0),
      .valid_o (arb_valid[o]),
      .idx_o   (arb_idx[3*o +: 3])
    );
    assign out_valid_o[o]       = arb_valid[o];
    assign xfer[o]              = arb_valid[o] & out_ready_i[o];
    always_comb begin
      out_flit_o[37*o +: 37] = 37'b0;
      for (int i = 0; i < 5; i++) begin
        out_flit_o[37*o +: 37] = out_flit_o[37*o +: 37] |
            (head_flit[37*i +: 37] & {37{arb_idx[3*o +: 3] == 3'(i)}});
      end
    end
  end

  always_comb begin
    for (int i = 0; i < 5; i++) begin
      for (int o = 0; o < 5; o++) begin
        delivered[5*i+o] = xfer[o] && (arb_idx[3*o +: 3] == 3'(i));
      end
      pop[i] = head_valid[i] &&
               ((rset[5*i +: 5] & ~served_q[5*i +: 5] & ~delivered[5*i +: 5]) == 5'b0);
      served_d[5*i +: 5] = pop[i] ? 5'b0 : (served_q[5*i +: 5] | delivered[5*i +: 5]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      served_q <= '0;
      table_q  <= '0;
    end else begin
      served_q <= served_d;
      if (cfg_we_i) table_q[25*cfg_color_i +: 25] <= cfg_route_i;
    end
  end
endmodule
