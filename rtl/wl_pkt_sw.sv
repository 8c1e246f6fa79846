`default_nettype none
// One addressed-packet network of a router (request or response): five buffered
// inputs, dimension-ordered routing of the header flit, wormhole switching (an
// output stays granted to one input from header to the flit with last = 1) and a
// round-robin arbiter per output. Output 5 is the router's configuration sink: a
// request packet addressed to this router with op CFG goes there instead of to
// the local port. Flit = {last, data[31:0]}; port p occupies bits [33*p +: 33].
module wl_pkt_sw #(
  parameter bit Yx     = 1'b0, // 0: X then Y (request), 1: Y then X (response)
  parameter bit HasCfg = 1'b0, // route op CFG to this router to output 5
  parameter int Depth  = 4
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [5:0]      x_i,
  input  logic [5:0]      y_i,
  input  logic [4:0]      in_valid_i,
  output logic [4:0]      in_ready_o,
  input  logic [5*33-1:0] in_flit_i,
  output logic [5:0]      out_valid_o,
  input  logic [5:0]      out_ready_i,
  output logic [6*33-1:0] out_flit_o
);
  localparam logic [2:0] PLocal = 3'd0, PN = 3'd1, PE = 3'd2, PS = 3'd3, PW = 3'd4,
                         PCfg = 3'd5;
  localparam logic [3:0] OpCfg = 4'd3;

  logic [4:0]      head_valid, pop;
  logic [5*33-1:0] head_flit;
  logic [32:0]     head [0:4];
  logic [4:0]      in_pkt_q;          // input i is inside a packet (header gone)
  logic [2:0]      pkt_port_q [0:4];  // that packet's output
  logic [2:0]      port [0:4];        // output wanted by input i's head
  logic [4:0]      req [0:5];         // req[o][i]: input i requests output o
  logic [5:0]      arb_valid, xfer, keep;
  logic [2:0]      arb_idx [0:5];

  // Dimension-ordered route of a header. x = 63 is the host, west of PE (0, 0):
  // it is routed like the PE (0, y_dst) and then one step west off the mesh, so
  // a request reaches the host link in row 0 whatever row it starts in.
  function automatic logic [2:0] route(input logic [5:0] dx, input logic [5:0] dy,
                                       input logic [3:0] op, input logic [5:0] x,
                                       input logic [5:0] y);
    logic host, west, east;
    host = (dx == 6'h3f);
    west = host ? (x != 6'd0) : (dx < x);
    east = !host && (dx > x);
    if (!Yx) begin
      if (west)         route = PW;
      else if (east)    route = PE;
      else if (dy > y)  route = PS;
      else if (dy < y)  route = PN;
      else if (host)    route = PW;
      else              route = (HasCfg && op == OpCfg) ? PCfg : PLocal;
    end else begin
      if (dy > y)       route = PS;
      else if (dy < y)  route = PN;
      else if (west)    route = PW;
      else if (east)    route = PE;
      else if (host)    route = PW;
      else              route = (HasCfg && op == OpCfg) ? PCfg : PLocal;
    end
  endfunction

  for (genvar i = 0; i < 5; i++) begin : g_in
    // Input buffer: ready depends only on the fill level, so chained routers have
    // no combinational path from one router's ready into another's.
    logic fifo_full, fifo_empty;
    logic [$clog2(Depth):0] unused_count;
    wl_fifo #(.Width(33), .Depth(Depth)) u_fifo (
      .clk_i, .rst_ni,
      .push_i (in_valid_i[i]),
      .wdata_i(in_flit_i[33*i +: 33]),
      .full_o (fifo_full),
      .pop_i  (pop[i]),
      .rdata_o(head_flit[33*i +: 33]),
      .empty_o(fifo_empty),
      .count_o(unused_count)
    );
    assign in_ready_o[i] = !fifo_full;
    assign head_valid[i] = !fifo_empty;
  end

  always_comb begin
    for (int i = 0; i < 5; i++) begin
      head[i] = head_flit[33*i +: 33];
      port[i] = in_pkt_q[i] ? pkt_port_q[i]
                            : route(head[i][5:0], head[i][11:6], head[i][27:24], x_i, y_i);
    end
    for (int o = 0; o < 6; o++) begin
      for (int i = 0; i < 5; i++) begin
        req[o][i] = head_valid[i] && (port[i] == 3'(o));
      end
    end
  end

  for (genvar o = 0; o < 6; o++) begin : g_out
    wl_rr_arb #(.N(5), .IdxW(3)) u_arb (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .req_i   (req[o]),
      .xfer_i  (xfer[o]),
      .keep_i  (keep[o]),
      .valid_o (arb_valid[o]),
      .idx_o   (arb_idx[o])
    );
    assign out_valid_o[o]         = arb_valid[o];
    assign xfer[o]                = arb_valid[o] & out_ready_i[o];
    assign out_flit_o[33*o +: 33] = head[arb_idx[o]];
    assign keep[o]                = ~head[arb_idx[o]][32];   // not the last flit
  end

  // Each input wants exactly one output, so it pops when that output takes it.
  always_comb begin
    for (int i = 0; i < 5; i++) begin
      pop[i] = xfer[port[i]] && arb_idx[port[i]] == 3'(i);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_pkt_q <= '0;
      for (int i = 0; i < 5; i++) pkt_port_q[i] <= '0;
    end else begin
      for (int i = 0; i < 5; i++) begin
        if (pop[i]) begin
          in_pkt_q[i]   <= ~head[i][32];
          pkt_port_q[i] <= port[i];
        end
      end
    end
  end
endmodule
