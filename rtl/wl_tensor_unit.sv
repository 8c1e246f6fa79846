// Waferlet tensor unit: descriptor-driven vector engine beside the PE core.
//
// A descriptor is a 2-D stream: ROWS rows of LEN elements; operand X row r
// starts at X + r*XS (bytes). Per beat the unit moves Lanes bytes of each
// operand: Lanes int8 MACs (DOT, GDOT) or Lanes/4 int32 element ops. Operand A comes
// from data SRAM or from a bound incoming color; B from SRAM or a scalar; the
// result goes to SRAM, the accumulator, or an outgoing color.
//
// Three decoupled stages keep one beat per cycle despite bank conflicts and
// fabric backpressure: producers (SRAM address generators with credits, or
// the color gatherer) fill small operand FIFOs, one consumer computes, and a
// one-entry SRAM write slot / word serializer drains the results.
//
// GDOT is the grouped dot product of the integer spec's matrix rows: a row is
// chunks of one scale beat and four data beats. The scale beat holds one u8
// scale per 4-byte group of the next four data beats, in A and in B; every
// group's int8 dot is multiplied by both its scales and summed into a 64-bit
// row total, written as 8 bytes (or sent as two words, low first).
`default_nettype none

module wl_tensor_unit #(
  parameter integer Lanes       = 8,   // bytes per beat, a power of two >= 8
  parameter integer OffsetWidth = 16   // dmem offset bits of A/B/D and their strides (16..24)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // register file (offsets within the tensor-unit MMIO block)
  input  logic                 reg_we_i,
  input  logic [5:0]           reg_addr_i,
  input  logic [31:0]          reg_wdata_i,
  output logic [31:0]          reg_rdata_o,
  // data SRAM, addressed in beats; read data arrives the cycle after a grant
  output logic                 a_req_o,
  output logic [OffsetWidth-1-$clog2(Lanes):0] a_beat_o,
  input  logic                 a_gnt_i,
  input  logic [8*Lanes-1:0]   a_rdata_i,
  output logic                 b_req_o,
  output logic [OffsetWidth-1-$clog2(Lanes):0] b_beat_o,
  input  logic                 b_gnt_i,
  input  logic [8*Lanes-1:0]   b_rdata_i,
  output logic                 d_req_o,
  output logic [OffsetWidth-1-$clog2(Lanes):0] d_beat_o,
  output logic [8*Lanes-1:0]   d_wdata_o,
  output logic [Lanes-1:0]     d_be_o,
  input  logic                 d_gnt_i,
  // fabric: words of the bound color are reserved for the unit
  output logic                 bind_o,
  output logic [4:0]           bind_color_o,
  input  logic                 cin_valid_i,
  input  logic [31:0]          cin_data_i,
  output logic                 cin_ready_o,
  output logic                 cout_valid_o,
  output logic [4:0]           cout_color_o,
  output logic [31:0]          cout_data_o,
  input  logic                 cout_ready_i,
  // status and counters
  output logic                 busy_o,
  output logic                 done_pulse_o,
  output logic                 beat_o,
  output logic [$clog2(Lanes):0] macs_o
);
  localparam integer LB    = $clog2(Lanes);
  localparam integer LW    = 8 * Lanes;
  localparam integer WPB   = Lanes / 4;
  localparam integer OW    = OffsetWidth;
  localparam integer BW    = OW - LB;
  localparam integer Depth = 4;

  localparam logic [3:0] OpDot = 4'd0, OpAdd = 4'd1, OpMulsh = 4'd2, OpMax = 4'd3, OpMove = 4'd4,
                         OpGdot = 4'd5;
  localparam integer GPB = Lanes / 4;   // 4-byte groups per data beat
  localparam logic [1:0] DstSram = 2'd0, DstColor = 2'd2;

  // ------------------------------------------------------------ registers
  logic [31:0] cfg_q, scalar_q, acc_q;
  logic [OW-1:0] a_q, as_q, b_q, bs_q, d_q, ds_q;   // dmem offsets and row strides
  logic [15:0] len_q, rows_q;
  logic [5:0]  shift_q;
  logic        busy_q, done_q;
  logic [17:0] rb_q, bpr_q, wpr_q;   // row bytes, beats per row, words per row

  logic [3:0] op;
  logic       asrc_color, bscalar, accum, is_dot, is_gdot, is_move, need_b;
  logic [1:0] dst;
  assign op         = cfg_q[3:0];
  assign asrc_color = cfg_q[4];
  assign dst        = cfg_q[6:5];
  assign bscalar    = cfg_q[7];
  assign accum      = cfg_q[8];
  assign is_dot     = (op == OpDot);
  assign is_gdot    = (op == OpGdot);
  assign is_move    = (op == OpMove);
  assign need_b     = !is_move && !bscalar;
  assign bind_o       = asrc_color;
  assign bind_color_o = cfg_q[20:16];
  assign busy_o       = busy_q;

  always_comb begin
    case (reg_addr_i[5:2])
      4'd0:    reg_rdata_o = cfg_q;
      4'd1:    reg_rdata_o = {30'd0, done_q, busy_q};
      4'd2:    reg_rdata_o = 32'(a_q);
      4'd3:    reg_rdata_o = 32'(as_q);
      4'd4:    reg_rdata_o = 32'(b_q);
      4'd5:    reg_rdata_o = 32'(bs_q);
      4'd6:    reg_rdata_o = 32'(d_q);
      4'd7:    reg_rdata_o = 32'(ds_q);
      4'd8:    reg_rdata_o = {16'd0, len_q};
      4'd9:    reg_rdata_o = {16'd0, rows_q};
      4'd10:   reg_rdata_o = {26'd0, shift_q};
      4'd11:   reg_rdata_o = scalar_q;
      4'd12:   reg_rdata_o = acc_q;
      default: reg_rdata_o = 32'd0;
    endcase
  end

  logic        start;
  logic [17:0] start_rb;
  assign start    = reg_we_i && !busy_q && reg_addr_i[5:2] == 4'd1 && reg_wdata_i[0];
  assign start_rb = (cfg_q[3:0] == OpAdd || cfg_q[3:0] == OpMulsh || cfg_q[3:0] == OpMax)
                    ? {len_q, 2'b00} : {2'b00, len_q};

  // ------------------------------------------------------------ operand FIFOs
  logic          fa_push, fa_pop, fa_full, fa_empty, fb_push, fb_pop, fb_full, fb_empty;
  logic [LW-1:0] fa_wdata, fa_rdata, fb_rdata;
  logic [2:0]    fa_cnt, fb_cnt;

  wl_fifo #(.Width(LW), .Depth(Depth)) u_fifo_a (
    .clk_i, .rst_ni, .push_i(fa_push), .wdata_i(fa_wdata), .full_o(fa_full),
    .pop_i(fa_pop), .rdata_o(fa_rdata), .empty_o(fa_empty), .count_o(fa_cnt));
  wl_fifo #(.Width(LW), .Depth(Depth)) u_fifo_b (
    .clk_i, .rst_ni, .push_i(fb_push), .wdata_i(b_rdata_i), .full_o(fb_full),
    .pop_i(fb_pop), .rdata_o(fb_rdata), .empty_o(fb_empty), .count_o(fb_cnt));

  // ------------------------------------------------------------ producer A (SRAM)
  logic [15:0] pa_row_q;
  logic [OW-1:0] pa_base_q, pa_addr;
  logic [17:0] pa_beat_q;
  logic        pa_done_q, a_infl_q;
  assign pa_addr  = pa_base_q + OW'({pa_beat_q, {LB{1'b0}}});
  assign a_beat_o = pa_addr[OW-1:LB];
  assign a_req_o  = busy_q && !asrc_color && !pa_done_q &&
                    ({1'b0, fa_cnt} + {3'b000, a_infl_q} < 4'(Depth));

  // ------------------------------------------------------------ producer B (SRAM)
  logic [15:0] pb_row_q;
  logic [OW-1:0] pb_base_q, pb_addr;
  logic [17:0] pb_beat_q;
  logic        pb_done_q, b_infl_q;
  assign pb_addr  = pb_base_q + OW'({pb_beat_q, {LB{1'b0}}});
  assign b_beat_o = pb_addr[OW-1:LB];
  assign b_req_o  = busy_q && need_b && !pb_done_q &&
                    ({1'b0, fb_cnt} + {3'b000, b_infl_q} < 4'(Depth));
  assign fb_push  = b_infl_q;

  // ------------------------------------------------------------ producer A (color)
  logic [LW-1:0] ga_buf_q, ga_beat;
  logic [7:0]    ga_w_q;
  logic [17:0]   ga_wrow_q;
  logic [15:0]   ga_row_q;
  logic          ga_done_q, ga_take, ga_end;
  assign cin_ready_o = busy_q && asrc_color && !ga_done_q && !fa_full;
  assign ga_take     = cin_valid_i && cin_ready_o;
  assign ga_end      = (ga_w_q == 8'(WPB - 1)) || (ga_wrow_q == wpr_q - 18'd1);
  always_comb begin
    ga_beat = ga_buf_q;
    for (int w = 0; w < WPB; w++) begin
      if (ga_w_q == 8'(w)) ga_beat[32*w +: 32] = cin_data_i;
    end
  end
  assign fa_push  = a_infl_q || (ga_take && ga_end);
  assign fa_wdata = a_infl_q ? a_rdata_i : ga_beat;

  // ------------------------------------------------------------ consumer
  logic [17:0] c_beat_q, c_rem;
  logic [15:0] c_row_q;
  logic [OW-1:0] c_dbase_q, c_daddr;
  logic        c_done_q;
  logic [31:0] racc_q;
  logic [63:0] racc64_q;
  logic [2:0]  c_phase_q;                 // GDOT: 0 = scale beat, 1..4 = data beats
  logic [16*Lanes-1:0] uu_q;              // GDOT: u_a * u_b of the chunk's Lanes groups
  logic [1:0]  dphase;                    // GDOT: data beat 0..3 of the chunk
  assign dphase = 2'(c_phase_q - 3'd1);
  logic        last_in_row, emits, d_free, ob_free, out_ok, fire;
  logic [LB:0] nvalid;
  logic [Lanes-1:0] mask;

  // write slot and color serializer
  logic          d_pend_q, ob_valid_q;
  logic [BW-1:0] d_beat_q;
  logic [LW-1:0] d_wdata_q, ob_data_q;
  logic [Lanes-1:0] d_be_q;
  logic [7:0]    ob_n_q, ob_idx_q;

  assign last_in_row = (c_beat_q == bpr_q - 18'd1);
  assign c_rem  = rb_q - {c_beat_q[17-LB:0], {LB{1'b0}}};
  assign nvalid = (c_rem >= 18'(Lanes)) ? (LB+1)'(Lanes) : c_rem[LB:0];
  always_comb begin
    for (int i = 0; i < Lanes; i++) mask[i] = (nvalid > (LB+1)'(i));
  end
  assign emits   = !(is_dot || is_gdot) || last_in_row;
  assign d_free  = !d_pend_q || d_gnt_i;
  assign ob_free = !ob_valid_q || (cout_ready_i && ob_idx_q == ob_n_q - 8'd1);
  assign out_ok  = !emits || (dst == DstSram ? d_free : (dst == DstColor ? ob_free : 1'b1));
  assign fire    = busy_q && !c_done_q && !fa_empty && (!need_b || !fb_empty) && out_ok;
  assign fa_pop  = fire;
  assign fb_pop  = fire && need_b;

  // datapath
  logic [LW-1:0] opb;
  logic signed [31:0] dot_sum, row_total;
  logic [LW-1:0] ew_beat, out_beat;
  always_comb begin
    opb = bscalar ? ((is_dot || is_gdot) ? {Lanes{scalar_q[7:0]}} : {WPB{scalar_q}}) : fb_rdata;
    dot_sum = 32'sd0;
    for (int i = 0; i < Lanes; i++) begin
      if (mask[i]) dot_sum = dot_sum + 32'($signed(fa_rdata[8*i +: 8]) * $signed(opb[8*i +: 8]));
    end
  end
  assign row_total = ((c_beat_q == 18'd0) ? 32'sd0 : $signed(racc_q)) + dot_sum;

  // GDOT: each group's dot times its two scales (|dot| <= 4*128*128, u*u < 2^16)
  logic signed [63:0] gdot_sum, row_total64;
  always_comb begin
    gdot_sum = 64'sd0;
    for (int g = 0; g < GPB; g++) begin
      logic signed [17:0] gd;
      gd = 18'sd0;
      for (int i = 4 * g; i < 4 * g + 4; i++) begin
        if (mask[i]) gd = gd + 18'($signed(fa_rdata[8*i +: 8]) * $signed(opb[8*i +: 8]));
      end
      gdot_sum = gdot_sum + 64'(gd * $signed({1'b0, uu_q[16*(32'(dphase) * GPB + g) +: 16]}));
    end
  end
  assign row_total64 = ((c_beat_q == 18'd0) ? 64'sd0 : $signed(racc64_q)) +
                       ((c_phase_q == 3'd0) ? 64'sd0 : gdot_sum);

  logic signed [63:0] rnd;
  assign rnd = (shift_q == 6'd0) ? 64'sd0 : (64'sd1 <<< (shift_q - 6'd1));
  for (genvar w = 0; w < WPB; w++) begin : g_ew
    logic signed [31:0] aw, bw;
    logic signed [63:0] prod;
    assign aw   = $signed(fa_rdata[32*w +: 32]);
    assign bw   = $signed(opb[32*w +: 32]);
    assign prod = {{32{aw[31]}}, aw} * {{32{bw[31]}}, bw};
    always_comb begin
      case (op)
        OpAdd:   ew_beat[32*w +: 32] = aw + bw;
        OpMulsh: ew_beat[32*w +: 32] = 32'((prod + rnd) >>> shift_q);
        OpMax:   ew_beat[32*w +: 32] = (aw > bw) ? aw : bw;
        default: ew_beat[32*w +: 32] = aw;
      endcase
    end
  end
  assign out_beat = is_gdot ? {(Lanes / 8){row_total64}}
                  : (is_dot ? {WPB{row_total}} : (is_move ? fa_rdata : ew_beat));
  assign c_daddr  = c_dbase_q + OW'({c_beat_q, {LB{1'b0}}});

  logic [LB-1:0] dlow;
  assign dlow = c_dbase_q[LB-1:0];

  assign d_req_o      = d_pend_q;
  assign d_beat_o     = d_beat_q;
  assign d_wdata_o    = d_wdata_q;
  assign d_be_o       = d_be_q;
  assign cout_valid_o = ob_valid_q;
  assign cout_color_o = cfg_q[28:24];
  assign cout_data_o  = ob_data_q[{ob_idx_q[LB-3:0], 5'b00000} +: 32];

  logic unused_tu;
  assign unused_tu = ^{reg_addr_i[1:0], fb_full, pa_addr[LB-1:0], pb_addr[LB-1:0],
                       c_daddr[LB-1:0], dlow[1:0]};

  logic finish;
  assign finish       = busy_q && c_done_q && !d_pend_q && !ob_valid_q;
  assign done_pulse_o = finish || (start && (len_q == 16'd0 || rows_q == 16'd0));
  assign beat_o       = fire;
  assign macs_o       = (fire && (is_dot || (is_gdot && c_phase_q != 3'd0))) ? nvalid : '0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cfg_q <= 32'd0; scalar_q <= 32'd0; acc_q <= 32'd0;
      a_q <= '0; as_q <= '0; b_q <= '0; bs_q <= '0; d_q <= '0; ds_q <= '0;
      len_q <= 16'd0; rows_q <= 16'd0; shift_q <= 6'd0; busy_q <= 1'b0; done_q <= 1'b0;
      rb_q <= 18'd0; bpr_q <= 18'd0; wpr_q <= 18'd0;
      pa_row_q <= 16'd0; pa_base_q <= '0; pa_beat_q <= 18'd0; pa_done_q <= 1'b0; a_infl_q <= 1'b0;
      pb_row_q <= 16'd0; pb_base_q <= '0; pb_beat_q <= 18'd0; pb_done_q <= 1'b0; b_infl_q <= 1'b0;
      ga_buf_q <= '0; ga_w_q <= 8'd0; ga_wrow_q <= 18'd0; ga_row_q <= 16'd0; ga_done_q <= 1'b0;
      c_beat_q <= 18'd0; c_row_q <= 16'd0; c_dbase_q <= '0; c_done_q <= 1'b0; racc_q <= 32'd0;
      racc64_q <= 64'd0; c_phase_q <= 3'd0;
      uu_q <= '0;
      d_pend_q <= 1'b0; d_beat_q <= '0; d_wdata_q <= '0; d_be_q <= '0;
      ob_valid_q <= 1'b0; ob_data_q <= '0; ob_n_q <= 8'd0; ob_idx_q <= 8'd0;
    end else begin
      // register writes are ignored while a descriptor runs
      if (reg_we_i && !busy_q) begin
        case (reg_addr_i[5:2])
          4'd0:  cfg_q <= reg_wdata_i;
          4'd2:  a_q <= reg_wdata_i[OW-1:0];
          4'd3:  as_q <= reg_wdata_i[OW-1:0];
          4'd4:  b_q <= reg_wdata_i[OW-1:0];
          4'd5:  bs_q <= reg_wdata_i[OW-1:0];
          4'd6:  d_q <= reg_wdata_i[OW-1:0];
          4'd7:  ds_q <= reg_wdata_i[OW-1:0];
          4'd8:  len_q <= reg_wdata_i[15:0];
          4'd9:  rows_q <= reg_wdata_i[15:0];
          4'd10: shift_q <= reg_wdata_i[5:0];
          4'd11: scalar_q <= reg_wdata_i;
          4'd12: acc_q <= reg_wdata_i;
          default: ;
        endcase
      end

      if (start) begin
        done_q <= (len_q == 16'd0 || rows_q == 16'd0);
        busy_q <= !(len_q == 16'd0 || rows_q == 16'd0);
        rb_q  <= start_rb;
        bpr_q <= (start_rb + 18'(Lanes - 1)) >> LB;
        wpr_q <= (start_rb + 18'd3) >> 2;
        pa_row_q <= 16'd0; pa_base_q <= a_q; pa_beat_q <= 18'd0; pa_done_q <= 1'b0;
        pb_row_q <= 16'd0; pb_base_q <= b_q; pb_beat_q <= 18'd0; pb_done_q <= 1'b0;
        ga_buf_q <= '0; ga_w_q <= 8'd0; ga_wrow_q <= 18'd0; ga_row_q <= 16'd0; ga_done_q <= 1'b0;
        c_beat_q <= 18'd0; c_row_q <= 16'd0; c_dbase_q <= d_q; c_done_q <= 1'b0;
        c_phase_q <= 3'd0;
        if ((is_dot || is_gdot) && dst == 2'd1 && !accum) acc_q <= 32'd0;
      end

      if (finish) begin
        busy_q <= 1'b0; done_q <= 1'b1;
      end

      // producer A
      a_infl_q <= a_req_o && a_gnt_i;
      if (a_req_o && a_gnt_i) begin
        if (pa_beat_q == bpr_q - 18'd1) begin
          pa_beat_q <= 18'd0; pa_base_q <= pa_base_q + as_q; pa_row_q <= pa_row_q + 16'd1;
          if (pa_row_q == rows_q - 16'd1) pa_done_q <= 1'b1;
        end else begin
          pa_beat_q <= pa_beat_q + 18'd1;
        end
      end
      // producer B
      b_infl_q <= b_req_o && b_gnt_i;
      if (b_req_o && b_gnt_i) begin
        if (pb_beat_q == bpr_q - 18'd1) begin
          pb_beat_q <= 18'd0; pb_base_q <= pb_base_q + bs_q; pb_row_q <= pb_row_q + 16'd1;
          if (pb_row_q == rows_q - 16'd1) pb_done_q <= 1'b1;
        end else begin
          pb_beat_q <= pb_beat_q + 18'd1;
        end
      end
      // color gatherer
      if (ga_take) begin
        if (ga_end) begin ga_buf_q <= '0; ga_w_q <= 8'd0; end
        else begin ga_buf_q <= ga_beat; ga_w_q <= ga_w_q + 8'd1; end
        if (ga_wrow_q == wpr_q - 18'd1) begin
          ga_wrow_q <= 18'd0; ga_row_q <= ga_row_q + 16'd1;
          if (ga_row_q == rows_q - 16'd1) ga_done_q <= 1'b1;
        end else begin
          ga_wrow_q <= ga_wrow_q + 18'd1;
        end
      end

      // consumer
      if (fire) begin
        racc_q <= row_total;
        racc64_q <= row_total64;
        if (is_gdot && c_phase_q == 3'd0) begin
          for (int i = 0; i < Lanes; i++)
            uu_q[16*i +: 16] <= 16'(fa_rdata[8*i +: 8] * opb[8*i +: 8]);
        end
        c_phase_q <= (last_in_row || c_phase_q == 3'd4) ? 3'd0 : c_phase_q + 3'd1;
        if (last_in_row) begin
          c_beat_q <= 18'd0; c_row_q <= c_row_q + 16'd1; c_dbase_q <= c_dbase_q + ds_q;
          if (c_row_q == rows_q - 16'd1) c_done_q <= 1'b1;
          if (is_dot && dst == 2'd1) acc_q <= acc_q + row_total;
          if (is_gdot && dst == 2'd1) acc_q <= acc_q + row_total64[31:0];
        end else begin
          c_beat_q <= c_beat_q + 18'd1;
        end
      end

      // SRAM write slot
      if (fire && emits && dst == DstSram) begin
        d_pend_q <= 1'b1;
        d_wdata_q <= out_beat;
        if (is_gdot) begin
          d_beat_q <= c_dbase_q[OW-1:LB];
          d_be_q   <= Lanes'(8'hFF) << (dlow & ~LB'(7));
        end else if (is_dot) begin
          d_beat_q <= c_dbase_q[OW-1:LB];
          d_be_q   <= Lanes'(4'hF) << {dlow[LB-1:2], 2'b00};
        end else begin
          d_beat_q <= c_daddr[OW-1:LB];
          d_be_q   <= mask;
        end
      end else if (d_gnt_i) begin
        d_pend_q <= 1'b0;
      end

      // color serializer
      if (fire && emits && dst == DstColor) begin
        ob_valid_q <= 1'b1;
        ob_data_q  <= out_beat;
        ob_idx_q   <= 8'd0;
        ob_n_q     <= is_gdot ? 8'd2 : (is_dot ? 8'd1 : 8'(({4'd0, nvalid} + 8'd3) >> 2));
      end else if (ob_valid_q && cout_ready_i) begin
        if (ob_idx_q == ob_n_q - 8'd1) ob_valid_q <= 1'b0;
        else ob_idx_q <= ob_idx_q + 8'd1;
      end
    end
  end
endmodule
