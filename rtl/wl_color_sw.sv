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
  logic [4:0]      head_valid, pop, arb_valid, xfer;
  logic [5*37-1:0] head_flit;
  logic [36:0]     head [0:4];
  logic [4:0]      rset [0:4];      // output set of input i's head
  logic [4:0]      served_q [0:4];  // outputs that already took input i's head
  logic [4:0]      req [0:4];       // req[o][i]: input i requests output o
  logic [2:0]      arb_idx [0:4];
  logic [24:0]     table_q [0:31];

  for (genvar i = 0; i < 5; i++) begin : g_in
    // Input buffer: ready depends only on the fill level, so chained routers have
    // no combinational path from one router's ready into another's.
    logic fifo_full, fifo_empty;
    logic [$clog2(Depth):0] unused_count;
    wl_fifo #(.Width(37), .Depth(Depth)) u_fifo (
      .clk_i, .rst_ni,
      .push_i (in_valid_i[i]),
      .wdata_i(in_flit_i[37*i +: 37]),
      .full_o (fifo_full),
      .pop_i  (pop[i]),
      .rdata_o(head_flit[37*i +: 37]),
      .empty_o(fifo_empty),
      .count_o(unused_count)
    );
    assign in_ready_o[i] = !fifo_full;
    assign head_valid[i] = !fifo_empty;
  end

  always_comb begin
    for (int i = 0; i < 5; i++) begin
      head[i] = head_flit[37*i +: 37];
      rset[i] = table_q[head[i][36:32]][5*i +: 5];
    end
    for (int o = 0; o < 5; o++) begin
      for (int i = 0; i < 5; i++) begin
        req[o][i] = head_valid[i] & rset[i][o] & ~served_q[i][o];
      end
    end
  end

  for (genvar o = 0; o < 5; o++) begin : g_out
    wl_rr_arb #(.N(5), .IdxW(3)) u_arb (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .req_i   (req[o]),
      .xfer_i  (xfer[o]),
      .keep_i  (1'b0),
      .valid_o (arb_valid[o]),
      .idx_o   (arb_idx[o])
    );
    assign out_valid_o[o]         = arb_valid[o];
    assign xfer[o]                = arb_valid[o] & out_ready_i[o];
    assign out_flit_o[37*o +: 37] = head[arb_idx[o]];
  end

  logic [4:0] delivered [0:4];      // outputs that take input i's head this cycle
  logic [4:0] served_d [0:4];
  always_comb begin
    for (int i = 0; i < 5; i++) begin
      for (int o = 0; o < 5; o++) begin
        delivered[i][o] = xfer[o] && (arb_idx[o] == 3'(i));
      end
      pop[i] = head_valid[i] && ((rset[i] & ~served_q[i] & ~delivered[i]) == 5'b0);
      served_d[i] = pop[i] ? 5'b0 : (served_q[i] | delivered[i]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 5; i++) served_q[i] <= '0;
    end else begin
      for (int i = 0; i < 5; i++) served_q[i] <= served_d[i];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < 32; c++) table_q[c] <= '0;
    end else if (cfg_we_i) begin
      table_q[cfg_color_i] <= cfg_route_i;
    end
  end
endmodule
