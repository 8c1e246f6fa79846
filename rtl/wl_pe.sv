// Waferlet processing element: RV32IM control core, tensor unit, instruction
// memory, banked data SRAM, fabric queues and the request-network endpoint.
//
// PE address space (same for the core and for host packets):
//   0x0000_0000  imem (ImemBytes, <= 64 KiB)
//   0x0001_0000  dmem (DmemBytes, up to 0x00FF_0000: it ends below MMIO)
//   0x0100_0000  MMIO (control, mailbox, counters, fabric queues, tensor unit)
// See docs/PE.md for the register map.
//
// dmem is Banks banks of Lanes-byte words, interleaved by Lanes-byte beat, so
// the tensor unit reads a full beat of A and of B per cycle when they sit in
// different banks. Per-bank priority: core > host > TU write > TU A > TU B, so
// the core never waits on memory and the unit absorbs conflicts.
`default_nettype none

// The parameters have no defaults: whoever instantiates a PE chooses its memories
// and lanes (the tile: 16 KiB imem, 48 KiB dmem, 8 lanes unless built otherwise).
// This also lets the sim libraries Verilate wl_pe as a hierarchical block: Verilator
// 5.006 substitutes the block only where an instance's values differ from the
// module's defaults (mk/tile.mk).
module wl_pe #(
  parameter integer DmemBytes,
  parameter integer ImemBytes,
  parameter integer Lanes
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [5:0]  x_i,
  input  logic [5:0]  y_i,
  // color network
  input  logic        col_in_valid_i,
  output logic        col_in_ready_o,
  input  logic [31:0] col_in_data_i,
  input  logic [4:0]  col_in_color_i,
  output logic        col_out_valid_o,
  input  logic        col_out_ready_i,
  output logic [31:0] col_out_data_o,
  output logic [4:0]  col_out_color_o,
  // request network
  input  logic        req_in_valid_i,
  output logic        req_in_ready_o,
  input  logic [31:0] req_in_data_i,
  input  logic        req_in_last_i,
  output logic        req_out_valid_o,
  input  logic        req_out_ready_i,
  output logic [31:0] req_out_data_o,
  output logic        req_out_last_o,
  // response network
  input  logic        rsp_in_valid_i,
  output logic        rsp_in_ready_o,
  input  logic [31:0] rsp_in_data_i,
  input  logic        rsp_in_last_i,
  output logic        rsp_out_valid_o,
  input  logic        rsp_out_ready_i,
  output logic [31:0] rsp_out_data_o,
  output logic        rsp_out_last_o,
  // from this PE's router: a flit left output port p of network net this cycle
  // (bit 5*net + p; net 0 color, 1 request, 2 response; p 0 local, 1 N, 2 E, 3 S, 4 W)
  input  logic [14:0] link_fire_i
);
  localparam integer LB        = $clog2(Lanes);
  localparam integer LW        = 8 * Lanes;
  localparam integer WPB       = Lanes / 4;
  localparam integer Banks     = 8;
  localparam integer BankRows  = DmemBytes / (Lanes * Banks);
  // dmem offset width: 16 bits up to 64 KiB (as the tensor unit's registers
  // always were), wider for bigger memories
  localparam integer OW        = (DmemBytes > 65536) ? $clog2(DmemBytes) : 16;
  localparam integer BW        = OW - LB;     // beat index width
  localparam integer ImemWords = ImemBytes / 4;
  localparam integer IAW       = $clog2(ImemWords);

  localparam logic [1:0] RgImem = 2'd0, RgDmem = 2'd1, RgMmio = 2'd2, RgNone = 2'd3;
  localparam logic [31:0] DmemBase = 32'h0001_0000;
  localparam logic [15:0] MmioPage = 16'h0100;   // MMIO at 0x0100_0000 (64 KiB window)

  if (DmemBytes > 32'h00FF_0000 || DmemBytes % (8 * Lanes) != 0) begin : g_bad_dmem
    $error("wl_pe: DmemBytes must be a multiple of 8*Lanes and at most 0xFF0000");
  end

  // ------------------------------------------------------------ control state
  logic        run_q;
  logic [31:0] mbox_out_q, mbox_in_q;
  logic [63:0] cyc_q;
  logic [31:0] cnt_run_q, cnt_tu_busy_q, cnt_tu_beats_q, cnt_tu_macs_q;
  logic [31:0] cnt_link_q [15];  // flits out of the router's ports (link_fire_i)

  // ------------------------------------------------------------ coordinates
  // x_i/y_i are tied off per instance, so a flop changes nothing after the first clock
  // (the core and the request port wait for the host long after reset). It keeps the
  // core's CSR read, and with it all of its decode and execute logic, out of the input
  // evaluation that Verilator repeats on every eval() of the PE's hierarchical block
  // (docs/ARCHITECTURE.md).
  logic [5:0] x_q, y_q;
  always_ff @(posedge clk_i) begin
    x_q <= x_i;
    y_q <= y_i;
  end

  // ------------------------------------------------------------ core
  logic        core_rst_n;
  logic [31:0] c_iaddr, c_irdata;
  logic        c_req, c_we, c_gnt, core_wake, core_retire;
  logic [31:0] c_addr, c_wdata, c_rdata;
  logic [3:0]  c_be;
  assign core_rst_n = rst_ni && run_q;

  wl_core u_core (
    .clk_i, .rst_ni(core_rst_n), .x_i(x_q), .y_i(y_q),
    .imem_addr_o(c_iaddr), .imem_rdata_i(c_irdata),
    .dreq_o(c_req), .dwe_o(c_we), .daddr_o(c_addr), .dbe_o(c_be), .dwdata_o(c_wdata),
    .dgnt_i(c_gnt), .drdata_i(c_rdata), .wake_i(core_wake), .retire_o(core_retire));

  // ------------------------------------------------------------ host endpoint
  logic        h_req, h_we, h_gnt;
  logic [31:0] h_addr, h_wdata, h_rdata;

  wl_pe_reqif u_reqif (
    .clk_i, .rst_ni, .x_i(x_q), .y_i(y_q),
    .req_valid_i(req_in_valid_i), .req_ready_o(req_in_ready_o),
    .req_data_i(req_in_data_i), .req_last_i(req_in_last_i),
    .rsp_valid_o(rsp_out_valid_o), .rsp_ready_i(rsp_out_ready_i),
    .rsp_data_o(rsp_out_data_o), .rsp_last_o(rsp_out_last_o),
    .m_req_o(h_req), .m_we_o(h_we), .m_addr_o(h_addr), .m_wdata_o(h_wdata),
    .m_gnt_i(h_gnt), .m_rdata_i(h_rdata));

  // ------------------------------------------------------------ tensor unit
  logic          tu_reg_we, tu_busy, tu_done, tu_beat, tu_bind;
  logic [31:0]   tu_reg_rdata;
  logic          ta_req, ta_gnt, tb_req, tb_gnt, td_req, td_gnt;
  logic [BW-1:0] ta_beat, tb_beat, td_beat;
  logic [LW-1:0] ta_rdata, tb_rdata, td_wdata;
  logic [Lanes-1:0] td_be;
  logic [4:0]    tu_bind_color, tu_cout_color;
  logic          tu_cin_valid, tu_cin_ready, tu_cout_valid, tu_cout_ready;
  logic [31:0]   tu_cout_data;
  logic [LB:0]   tu_macs;
  logic [5:0]    mm_tu_addr;
  logic [31:0]   mm_wdata;

  wl_tensor_unit #(.Lanes(Lanes), .OffsetWidth(OW)) u_tu (
    .clk_i, .rst_ni,
    .reg_we_i(tu_reg_we), .reg_addr_i(mm_tu_addr), .reg_wdata_i(mm_wdata),
    .reg_rdata_o(tu_reg_rdata),
    .a_req_o(ta_req), .a_beat_o(ta_beat), .a_gnt_i(ta_gnt), .a_rdata_i(ta_rdata),
    .b_req_o(tb_req), .b_beat_o(tb_beat), .b_gnt_i(tb_gnt), .b_rdata_i(tb_rdata),
    .d_req_o(td_req), .d_beat_o(td_beat), .d_wdata_o(td_wdata), .d_be_o(td_be),
    .d_gnt_i(td_gnt),
    .bind_o(tu_bind), .bind_color_o(tu_bind_color),
    .cin_valid_i(tu_cin_valid), .cin_data_i(col_in_data_i), .cin_ready_o(tu_cin_ready),
    .cout_valid_o(tu_cout_valid), .cout_color_o(tu_cout_color), .cout_data_o(tu_cout_data),
    .cout_ready_i(tu_cout_ready),
    .busy_o(tu_busy), .done_pulse_o(tu_done), .beat_o(tu_beat), .macs_o(tu_macs));

  // ------------------------------------------------------------ fabric queues
  logic        rx_push, rx_pop, rx_full, rx_empty;
  logic [36:0] rx_head;
  logic        tx_push, tx_pop, tx_full, tx_empty;
  logic [36:0] tx_head;
  logic        qo_push, qo_full, qo_empty;    // request out (core-built packets)
  logic [32:0] qo_head;
  logic        ri_pop, ri_full, ri_empty;     // response in
  logic [32:0] ri_head;
  logic [4:0]  tx_color;
  logic        qo_last;
  logic        to_tu;
  logic [2:0]  unused_cnt_rx, unused_cnt_tx, unused_cnt_qo, unused_cnt_ri;

  assign to_tu          = tu_bind && (col_in_color_i == tu_bind_color);
  assign tu_cin_valid   = col_in_valid_i && to_tu;
  assign rx_push        = col_in_valid_i && !to_tu && !rx_full;
  assign col_in_ready_o = to_tu ? tu_cin_ready : !rx_full;

  // the tensor unit's stream has priority on the outgoing color link
  assign col_out_valid_o = tu_cout_valid || !tx_empty;
  assign col_out_data_o  = tu_cout_valid ? tu_cout_data : tx_head[31:0];
  assign col_out_color_o = tu_cout_valid ? tu_cout_color : tx_head[36:32];
  assign tu_cout_ready   = col_out_ready_i;
  assign tx_pop          = col_out_ready_i && !tu_cout_valid;

  assign req_out_valid_o = !qo_empty;
  assign req_out_data_o  = qo_head[31:0];
  assign req_out_last_o  = qo_head[32];
  assign rsp_in_ready_o  = !ri_full;

  wl_fifo #(.Width(37), .Depth(4)) u_rxq (
    .clk_i, .rst_ni, .push_i(rx_push), .wdata_i({col_in_color_i, col_in_data_i}),
    .full_o(rx_full), .pop_i(rx_pop), .rdata_o(rx_head), .empty_o(rx_empty), .count_o(unused_cnt_rx));
  wl_fifo #(.Width(37), .Depth(4)) u_txq (
    .clk_i, .rst_ni, .push_i(tx_push), .wdata_i({tx_color, mm_wdata}),
    .full_o(tx_full), .pop_i(tx_pop), .rdata_o(tx_head), .empty_o(tx_empty), .count_o(unused_cnt_tx));
  wl_fifo #(.Width(33), .Depth(4)) u_reqq (
    .clk_i, .rst_ni, .push_i(qo_push), .wdata_i({qo_last, mm_wdata}),
    .full_o(qo_full), .pop_i(req_out_ready_i), .rdata_o(qo_head), .empty_o(qo_empty),
    .count_o(unused_cnt_qo));
  wl_fifo #(.Width(33), .Depth(4)) u_rspq (
    .clk_i, .rst_ni, .push_i(rsp_in_valid_i), .wdata_i({rsp_in_last_i, rsp_in_data_i}),
    .full_o(ri_full), .pop_i(ri_pop), .rdata_o(ri_head), .empty_o(ri_empty), .count_o(unused_cnt_ri));

  // ------------------------------------------------------------ address decode
  // a = address, o = a - DmemBase (the dmem offset)
  function automatic logic [1:0] region(input logic [31:0] a, input logic [31:0] o);
    if (a[31:16] == 16'd0) region = ({16'd0, a[15:0]} < ImemBytes) ? RgImem : RgNone;
    else if (a[31:16] == MmioPage) region = RgMmio;
    else if (o < DmemBytes) region = RgDmem;
    else region = RgNone;
  endfunction

  logic [1:0]    c_rg, h_rg;
  logic [31:0]   c_off, h_off;
  logic [BW-1:0] c_bt, h_bt;
  assign c_off = c_addr - DmemBase;
  assign h_off = h_addr - DmemBase;
  assign c_rg  = region(c_addr, c_off);
  assign h_rg  = region(h_addr, h_off);
  assign c_bt  = c_off[OW-1:LB];
  assign h_bt  = h_off[OW-1:LB];

  // ------------------------------------------------------------ MMIO
  logic        c_mm, h_mm, mm_sel_c, mm_act, mm_we, mm_block, mm_do, c_block, h_block;
  logic [8:0]  mm_off;
  logic [31:0] mm_rdata, mm_rdata_q;
  assign c_mm     = c_req && c_rg == RgMmio;
  assign h_mm     = h_req && h_rg == RgMmio;
  // A core blocked on a queue steps aside for the host, so that a waiting core never
  // holds off the host's MMIO accesses (a READ that could not finish would leave its
  // RDATA packet half sent on the response network).
  assign mm_sel_c = c_mm && !(c_block && h_mm);
  assign mm_act   = c_mm || h_mm;
  assign mm_off   = mm_sel_c ? c_addr[8:0] : h_addr[8:0];
  assign mm_we    = mm_sel_c ? c_we : h_we;
  assign mm_wdata = mm_sel_c ? c_wdata : h_wdata;
  assign mm_tu_addr = mm_off[5:0];
  assign tx_color   = mm_off[6:2];
  assign qo_last    = (mm_off[8:2] == 7'h10);

  // Queue accesses block (no grant) instead of failing, so firmware can spin on them.
  // The host's reads never block: an empty queue reads 0 and is not popped.
  // word = address[8:2]
  function automatic logic queue_block(input logic [6:0] word, input logic we,
                                       input logic reads_block);
    if (we) queue_block = word[6:5] == 2'b10 ? tx_full :
                          (word == 7'h0F || word == 7'h10) ? qo_full : 1'b0;
    else    queue_block = reads_block && (word == 7'h0D ? rx_empty :
                                          word == 7'h11 ? ri_empty : 1'b0);
  endfunction
  assign c_block = queue_block(c_addr[8:2], c_we, 1'b1);
  assign h_block = queue_block(h_addr[8:2], h_we, 1'b0);
  assign mm_block  = mm_sel_c ? c_block : h_block;
  assign mm_do     = mm_act && !mm_block;
  assign tu_reg_we = mm_do && mm_we && mm_off[8:6] == 3'b010;
  assign tx_push   = mm_do && mm_we && mm_off[8:7] == 2'b10;
  assign qo_push   = mm_do && mm_we && (mm_off[8:2] == 7'h0F || mm_off[8:2] == 7'h10);
  assign rx_pop    = mm_do && !mm_we && mm_off[8:2] == 7'h0D && !rx_empty;
  assign ri_pop    = mm_do && !mm_we && mm_off[8:2] == 7'h11 && !ri_empty;

  always_comb begin
    mm_rdata = 32'd0;
    if (mm_off[8:6] == 3'b010) mm_rdata = tu_reg_rdata;
    else if (mm_off[8:6] == 3'b110) mm_rdata = (mm_off[5:2] == 4'hF) ? 32'd0 : cnt_link_q[mm_off[5:2]];
    else if (mm_off[8:7] == 2'b00) begin
      case (mm_off[6:2])
        5'h00: mm_rdata = {31'd0, run_q};
        5'h01: mm_rdata = {18'd0, y_q, 2'd0, x_q};
        5'h02: mm_rdata = mbox_out_q;
        5'h03: mm_rdata = mbox_in_q;
        5'h04: mm_rdata = cyc_q[31:0];
        5'h05: mm_rdata = cyc_q[63:32];
        5'h06: mm_rdata = cnt_run_q;
        5'h07: mm_rdata = cnt_tu_busy_q;
        5'h08: mm_rdata = cnt_tu_beats_q;
        5'h09: mm_rdata = cnt_tu_macs_q;
        5'h0B: mm_rdata = 32'(DmemBytes);
        5'h0C: mm_rdata = {10'd0, tu_done_q, tu_busy, ri_head[32], !ri_empty, qo_full,
                           tx_full, 3'd0, rx_head[36:32], 7'd0, !rx_empty};
        5'h0D: mm_rdata = rx_empty ? 32'd0 : rx_head[31:0];
        5'h11: mm_rdata = ri_empty ? 32'd0 : ri_head[31:0];
        default: mm_rdata = 32'd0;
      endcase
    end
  end

  logic tu_done_q;
  assign core_wake = tu_done || rx_push || (mm_do && mm_we && !mm_sel_c && mm_off[8:2] == 7'h03);

  // Link counters: same clear as the activity counters (CNT_CLEAR).
  logic cnt_clear;
  assign cnt_clear = mm_do && mm_we && mm_off[8:2] == 7'h0A;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 15; i++) cnt_link_q[i] <= 32'd0;
    end else if (cnt_clear || link_fire_i != '0) begin  // the guard: idle links cost the sim nothing
      for (int i = 0; i < 15; i++) begin
        if (cnt_clear) cnt_link_q[i] <= 32'd0;
        else if (link_fire_i[i]) cnt_link_q[i] <= cnt_link_q[i] + 32'd1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0; mbox_out_q <= 32'd0; mbox_in_q <= 32'd0; cyc_q <= 64'd0;
      cnt_run_q <= 32'd0; cnt_tu_busy_q <= 32'd0; cnt_tu_beats_q <= 32'd0;
      cnt_tu_macs_q <= 32'd0; mm_rdata_q <= 32'd0; tu_done_q <= 1'b0;
    end else begin
      cyc_q <= cyc_q + 64'd1;
      if (run_q) cnt_run_q <= cnt_run_q + 32'd1;
      if (tu_busy) cnt_tu_busy_q <= cnt_tu_busy_q + 32'd1;
      if (tu_beat) cnt_tu_beats_q <= cnt_tu_beats_q + 32'd1;
      cnt_tu_macs_q <= cnt_tu_macs_q + 32'(tu_macs);
      if (tu_done) tu_done_q <= 1'b1;
      if (mm_do && !mm_we) mm_rdata_q <= mm_rdata;
      if (mm_do && mm_we && mm_off[8:7] == 2'b00) begin
        case (mm_off[6:2])
          5'h00: run_q <= mm_wdata[0];
          5'h02: mbox_out_q <= mm_wdata;
          5'h03: mbox_in_q <= mm_wdata;
          5'h0A: begin  // clear the activity counters
            cnt_run_q <= 32'd0; cnt_tu_busy_q <= 32'd0; cnt_tu_beats_q <= 32'd0;
            cnt_tu_macs_q <= 32'd0; tu_done_q <= 1'b0;
          end
          default: ;
        endcase
      end
    end
  end

  // ------------------------------------------------------------ imem
  logic [31:0]    imem_q [ImemWords];
  logic [31:0]    ib_rdata_q;
  logic           c_im, h_im, ib_en, ib_we;
  logic [IAW-1:0] ib_idx;
  logic [31:0]    ib_wdata;
  logic [3:0]     ib_be;
  assign c_im     = c_req && c_rg == RgImem;
  assign h_im     = h_req && h_rg == RgImem;
  assign ib_en    = c_im || h_im;
  assign ib_we    = c_im ? c_we : h_we;
  assign ib_idx   = c_im ? c_addr[IAW+1:2] : h_addr[IAW+1:2];
  assign ib_wdata = c_im ? c_wdata : h_wdata;
  assign ib_be    = c_im ? c_be : 4'hF;

  always_ff @(posedge clk_i) begin
    c_irdata <= imem_q[c_iaddr[IAW+1:2]];
    if (ib_en) begin
      if (ib_we) begin
        for (int i = 0; i < 4; i++) begin
          if (ib_be[i]) imem_q[ib_idx][8*i +: 8] <= ib_wdata[8*i +: 8];
        end
      end
      ib_rdata_q <= imem_q[ib_idx];
    end
  end

  // ------------------------------------------------------------ dmem banks
  logic [Banks-1:0] c_hit, h_hit, d_hit, a_hit;
  logic [LW-1:0]    bk_rdata_q [Banks];
  logic [Lanes-1:0] c_be_beat;
  assign c_be_beat = Lanes'(c_be) << {c_addr[LB-1:2], 2'b00};

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [LW-1:0]    mem_q [BankRows];
    logic             en, we;
    logic [BW-1:0]    bt;
    logic [LW-1:0]    wdata;
    logic [Lanes-1:0] be;
    logic             b_hit;
    logic [2:0]       unused_bt;
    assign unused_bt = bt[2:0];
    assign c_hit[b] = c_req && c_rg == RgDmem && c_bt[2:0] == 3'(b);
    assign h_hit[b] = h_req && h_rg == RgDmem && h_bt[2:0] == 3'(b);
    assign d_hit[b] = td_req && td_beat[2:0] == 3'(b);
    assign a_hit[b] = ta_req && ta_beat[2:0] == 3'(b);
    assign b_hit    = tb_req && tb_beat[2:0] == 3'(b);
    always_comb begin
      en = 1'b1; we = 1'b0; bt = tb_beat; wdata = td_wdata; be = td_be;
      if (c_hit[b]) begin
        we = c_we; bt = c_bt; wdata = {WPB{c_wdata}}; be = c_be_beat;
      end else if (h_hit[b]) begin
        we = h_we; bt = h_bt; wdata = {WPB{h_wdata}};
        be = Lanes'(4'hF) << {h_addr[LB-1:2], 2'b00};
      end else if (d_hit[b]) begin
        we = 1'b1; bt = td_beat;
      end else if (a_hit[b]) begin
        bt = ta_beat;
      end else begin
        en = b_hit;
      end
    end
    always_ff @(posedge clk_i) begin
      if (en) begin
        if (we) begin
          for (int i = 0; i < Lanes; i++) begin
            if (be[i]) mem_q[bt[BW-1:3]][8*i +: 8] <= wdata[8*i +: 8];
          end
        end
        bk_rdata_q[b] <= mem_q[bt[BW-1:3]];
      end
    end
  end

  // grants: fixed priority per bank, the core always wins
  always_comb begin
    c_gnt = (c_rg == RgMmio) ? mm_sel_c && !c_block : 1'b1;
    case (h_rg)
      RgImem:  h_gnt = !c_im;
      RgDmem:  h_gnt = !c_hit[h_bt[2:0]];
      RgMmio:  h_gnt = !mm_sel_c && !h_block;
      default: h_gnt = 1'b1;
    endcase
  end
  assign td_gnt = !(c_hit[td_beat[2:0]] || h_hit[td_beat[2:0]]);
  assign ta_gnt = !(c_hit[ta_beat[2:0]] || h_hit[ta_beat[2:0]] || d_hit[ta_beat[2:0]]);
  assign tb_gnt = !(c_hit[tb_beat[2:0]] || h_hit[tb_beat[2:0]] || d_hit[tb_beat[2:0]] ||
                    a_hit[tb_beat[2:0]]);

  // ------------------------------------------------------------ read return
  logic [1:0]     c_rg_q, h_rg_q;
  logic [2:0]     c_bk_q, h_bk_q, ta_bk_q, tb_bk_q;
  logic [LB-3:0]  c_ws_q, h_ws_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_rg_q <= RgNone; h_rg_q <= RgNone; c_bk_q <= 3'd0; h_bk_q <= 3'd0;
      ta_bk_q <= 3'd0; tb_bk_q <= 3'd0; c_ws_q <= '0; h_ws_q <= '0;
    end else begin
      if (c_req && c_gnt) begin
        c_rg_q <= c_rg; c_bk_q <= c_bt[2:0]; c_ws_q <= c_addr[LB-1:2];
      end
      if (h_req && h_gnt) begin
        h_rg_q <= h_rg; h_bk_q <= h_bt[2:0]; h_ws_q <= h_addr[LB-1:2];
      end
      ta_bk_q <= ta_beat[2:0];
      tb_bk_q <= tb_beat[2:0];
    end
  end

  function automatic logic [31:0] pick(input logic [1:0] rg, input logic [LW-1:0] beat,
                                       input logic [LB-3:0] ws, input logic [31:0] im,
                                       input logic [31:0] mm);
    case (rg)
      RgImem:  pick = im;
      RgDmem:  pick = beat[{ws, 5'b00000} +: 32];
      RgMmio:  pick = mm;
      default: pick = 32'd0;
    endcase
  endfunction

  assign c_rdata  = pick(c_rg_q, bk_rdata_q[c_bk_q], c_ws_q, ib_rdata_q, mm_rdata_q);
  assign h_rdata  = pick(h_rg_q, bk_rdata_q[h_bk_q], h_ws_q, ib_rdata_q, mm_rdata_q);
  assign ta_rdata = bk_rdata_q[ta_bk_q];
  assign tb_rdata = bk_rdata_q[tb_bk_q];

  logic unused_pe;
  assign unused_pe = ^{core_retire, c_iaddr[31:IAW+2], c_iaddr[1:0], c_off[31:OW], h_off[31:OW]};
endmodule
