// Host bridge: the device end of the host link (docs/PROTOCOL.md). It receives
// frames word by word into one of two frame buffers (ping-pong), checks header and
// CRC-32C before anything is executed, then executes the frames in order: request
// packets toward the mesh (west edge of router (0,0)), replies toward the host.
//
// Three engines run side by side once a frame is dispatched:
//   pk  request-packet generator: one packet per PE of the target rectangle; data
//       flits stream out of the frame buffer at one flit per cycle
//   rp  reply generator: SYNC, header, payload, CRC into the host-out queue
//   rs  response-network reader: turns the RDATA packet of a READ into the DATA
//       reply's payload words
// The dispatcher frees a frame buffer once pk and rp are done with it.
//
// Deviation (documented in PROTOCOL.md): after a bad header or CRC the receiver hunts
// for SYNC from the next incoming word, not from the word after the bad frame's SYNC.
`default_nettype none

module wl_host_bridge #(
  parameter integer Rows      = 4,
  parameter integer Cols      = 4,
  parameter integer ImemBytes = 16384,
  parameter integer DmemBytes = 49152,
  parameter integer Lanes     = 8,
  parameter integer Window    = 32,
  // cycles a READ may wait for its PE's answer to make progress: then the DATA reply
  // goes out with status 4 (no answer), or, if the answer stopped midway, with a bad
  // CRC so that the host retries; either way the bridge is free again
  parameter integer ReadTimeout = 262144
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // host link
  input  logic        host_in_valid_i,
  output logic        host_in_ready_o,
  input  logic [31:0] host_in_data_i,
  output logic        host_out_valid_o,
  input  logic        host_out_ready_i,
  output logic [31:0] host_out_data_o,
  // request network, bridge -> router (0,0) west input
  output logic        req_out_valid_o,
  input  logic        req_out_ready_i,
  output logic [31:0] req_out_data_o,
  output logic        req_out_last_o,
  // response network, router (0,0) west output -> bridge
  input  logic        rsp_in_valid_i,
  output logic        rsp_in_ready_o,
  input  logic [31:0] rsp_in_data_i,
  input  logic        rsp_in_last_i,
  // reset of every PE and router (RESET command)
  output logic        tile_reset_o
);
  localparam logic [31:0] Sync       = 32'h4B4C4657;
  localparam integer      MaxPayload = 260;
  localparam integer      ResetCycles = 16;
  localparam logic [31:0] CtrlAddr   = 32'h0100_0000;  // PE CTRL register (docs/PE.md)
  localparam logic [5:0]  HostX      = 6'd63;

  // command and reply ops
  localparam logic [7:0] OpPing = 8'h01, OpInfo = 8'h02, OpWrite = 8'h03, OpRead = 8'h04,
                         OpCounters = 8'h05, OpReset = 8'h06, OpStart = 8'h07,
                         OpStop = 8'h08, OpConfig = 8'h09;
  localparam logic [7:0] OpAck = 8'h81, OpInfoR = 8'h82, OpData = 8'h84, OpNak = 8'h8F;
  // fabric ops
  localparam logic [3:0] FabWrite = 4'd0, FabRead = 4'd1, FabCfg = 4'd3;
  // status codes
  localparam logic [31:0] StOk = 32'd0, StBadOp = 32'd1, StBadTarget = 32'd2,
                          StBadLen = 32'd3, StNoAnswer = 32'd4;

  // ================================================================ frame buffers
  // Two slots of 512 words (payload only; header fields and the first three payload
  // words are also kept in registers so the executor can decide in one cycle).
  logic [31:0] buf_q [1024];
  logic [31:0] buf_rdata_q;
  logic        buf_we;
  logic [9:0]  buf_waddr, buf_raddr;

  always_ff @(posedge clk_i) begin
    if (buf_we) buf_q[buf_waddr] <= host_in_data_i;
    buf_rdata_q <= buf_q[buf_raddr];
  end

  // slot kinds
  localparam logic [1:0] KGood = 2'd0, KBadCrc = 2'd1, KBadHdr = 2'd2;

  logic [1:0]  slot_full_q;
  logic [3:0]  slot_kind_q;   // 2 bits per slot
  logic [15:0] slot_op_q;     // 8 bits per slot
  logic [15:0] slot_seq_q;
  logic [17:0] slot_len_q;    // 9 bits per slot
  logic [63:0] slot_w0_q, slot_w1_q, slot_w2_q;

  // ================================================================ receiver
  localparam logic [1:0] RxHunt = 2'd0, RxHdr = 2'd1, RxPay = 2'd2, RxCrc = 2'd3;
  logic [1:0]  rx_state_q, rx_state_d;
  logic        wr_slot_q;
  logic [8:0]  rx_cnt_q, rx_cnt_d;
  logic [31:0] rx_crc_q, rx_crc_d, rx_crc_next;
  logic        rx_fire, rx_hdr_ok, rx_hdr_we, rx_fin;
  logic [1:0]  rx_kind;
  logic [8:0]  rx_len;

  assign host_in_ready_o = !slot_full_q[wr_slot_q];
  assign rx_fire   = host_in_valid_i && host_in_ready_o;
  assign rx_hdr_ok = host_in_data_i[31:28] == 4'd0 &&
                     {20'd0, host_in_data_i[27:16]} <= MaxPayload;
  assign rx_len    = wr_slot_q ? slot_len_q[17:9] : slot_len_q[8:0];
  assign buf_waddr = {wr_slot_q, rx_cnt_q};

  wl_crc32c u_rx_crc (
    .crc_i (rx_state_q == RxHdr ? 32'hFFFF_FFFF : rx_crc_q),
    .data_i(host_in_data_i),
    .crc_o (rx_crc_next)
  );

  always_comb begin
    rx_state_d = rx_state_q;
    rx_cnt_d   = rx_cnt_q;
    rx_crc_d   = rx_crc_q;
    rx_hdr_we  = 1'b0;
    rx_fin     = 1'b0;
    rx_kind    = KGood;
    buf_we     = 1'b0;
    if (rx_fire) begin
      unique case (rx_state_q)
        RxHunt: if (host_in_data_i == Sync) rx_state_d = RxHdr;
        RxHdr: begin
          if (!rx_hdr_ok) begin
            rx_fin  = 1'b1;
            rx_kind = KBadHdr;
            // a SYNC where the header should be starts a new candidate at once
            rx_state_d = (host_in_data_i == Sync) ? RxHdr : RxHunt;
          end else begin
            rx_hdr_we  = 1'b1;
            rx_crc_d   = rx_crc_next;
            rx_cnt_d   = '0;
            rx_state_d = (host_in_data_i[27:16] == 12'd0) ? RxCrc : RxPay;
          end
        end
        RxPay: begin
          buf_we   = 1'b1;
          rx_crc_d = rx_crc_next;
          rx_cnt_d = rx_cnt_q + 9'd1;
          if (rx_cnt_q + 9'd1 == rx_len) rx_state_d = RxCrc;
        end
        default: begin  // RxCrc
          rx_fin     = 1'b1;
          rx_kind    = (host_in_data_i == ~rx_crc_q) ? KGood : KBadCrc;
          rx_state_d = RxHunt;
        end
      endcase
    end
  end

  // ================================================================ executor view
  logic        rd_slot_q;
  logic [1:0]  ex_kind;
  logic [7:0]  ex_op, ex_seq;
  logic [8:0]  ex_len;
  logic [31:0] ex_w0, ex_w1, ex_w2;

  assign ex_kind = rd_slot_q ? slot_kind_q[3:2]   : slot_kind_q[1:0];
  assign ex_op   = rd_slot_q ? slot_op_q[15:8]    : slot_op_q[7:0];
  assign ex_seq  = rd_slot_q ? slot_seq_q[15:8]   : slot_seq_q[7:0];
  assign ex_len  = rd_slot_q ? slot_len_q[17:9]   : slot_len_q[8:0];
  assign ex_w0   = rd_slot_q ? slot_w0_q[63:32]   : slot_w0_q[31:0];
  assign ex_w1   = rd_slot_q ? slot_w1_q[63:32]   : slot_w1_q[31:0];
  assign ex_w2   = rd_slot_q ? slot_w2_q[63:32]   : slot_w2_q[31:0];

  // target rectangle
  logic [5:0] tx0, ty0, tx1, ty1;
  assign tx0 = ex_w0[5:0];
  assign ty0 = ex_w0[11:6];
  assign tx1 = ex_w0[17:12];
  assign ty1 = ex_w0[23:18];

  // status of a good frame (pure function of the frame: a duplicate gets the same).
  // Order: op, then payload length (without it the target word is not there), then
  // the target, then address alignment and READ count.
  logic        op_known, has_target, len_bad, target_bad, arg_bad;
  logic [31:0] ex_status;

  always_comb begin
    op_known   = 1'b0;
    has_target = 1'b0;
    len_bad    = 1'b0;
    arg_bad    = 1'b0;
    unique case (ex_op)
      OpPing, OpInfo, OpCounters, OpReset: op_known = 1'b1;  // payload ignored
      OpWrite, OpConfig: begin
        op_known   = 1'b1;
        has_target = 1'b1;
        len_bad    = ex_len < 9'd3 || ex_len > 9'd258;
        arg_bad    = ex_w1[1:0] != 2'd0;
      end
      OpRead: begin
        op_known   = 1'b1;
        has_target = 1'b1;
        len_bad    = ex_len != 9'd3;
        arg_bad    = ex_w1[1:0] != 2'd0 || ex_w2 == 32'd0 || ex_w2 > 32'd256;
      end
      OpStart, OpStop: begin
        op_known   = 1'b1;
        has_target = 1'b1;
        len_bad    = ex_len != 9'd1;
      end
      default: ;
    endcase
    target_bad = ex_w0[31:24] != 8'd0 || tx0 > tx1 || ty0 > ty1 ||
                 {26'd0, tx1} >= Cols || {26'd0, ty1} >= Rows ||
                 (ex_op == OpRead && (tx0 != tx1 || ty0 != ty1));
    if (!op_known) ex_status = StBadOp;
    else if (len_bad) ex_status = StBadLen;
    else if (has_target && target_bad) ex_status = StBadTarget;
    else if (arg_bad) ex_status = StBadLen;
    else ex_status = StOk;
  end

  // ================================================================ engines' state
  // request path: pk issues into stage s1 (buffer read in flight), s1 pushes the queue
  localparam logic [1:0] PkHdr = 2'd0, PkAddr = 2'd1, PkData = 2'd2;
  localparam logic [1:0] PkMem = 2'd0, PkCtrl = 2'd1, PkRead = 2'd2;
  logic       pk_active_q;
  logic [1:0] pk_kind_q, pk_phase_q;
  logic [3:0] pk_fop_q;
  logic       pk_start_q;
  logic [5:0] pk_x_q, pk_y_q;
  logic [8:0] pk_idx_q;
  logic       pk_issue, pk_credit, pk_last, pk_mem, pk_done;
  logic [31:0] pk_word;

  logic        s1_valid_q, s1_mem_q, s1_last_q;
  logic [31:0] s1_word_q;

  logic        rq_full, rq_empty;
  logic [2:0]  rq_count;
  logic [32:0] rq_head;

  // reply path
  localparam logic [1:0] RkOne = 2'd0, RkInfo = 2'd1, RkCnt = 2'd2, RkData = 2'd3;
  logic        rp_active_q;
  logic [1:0]  rp_kind_q;
  logic [7:0]  rp_op_q, rp_seq_q;
  logic [8:0]  rp_len_q, rp_idx_q, rp_p;
  logic [31:0] rp_arg_q, rp_crc_q, rp_crc_next, rp_word;
  logic        rp_avail, rp_push, rp_is_data;
  logic        oq_full, oq_empty;
  logic [2:0]  unused_oq_count;

  // response reader
  // RsSkip drains a response packet that is not the awaited answer (another PE's, or
  // another address: a late answer to a READ that timed out).
  localparam logic [2:0] RsIdle = 3'd0, RsHdr = 3'd1, RsAddr = 3'd2, RsData = 3'd3,
                         RsDrain = 3'd4, RsSkip = 3'd5;
  localparam integer     TW = $clog2(ReadTimeout + 1);
  logic [2:0]  rs_state_q, rs_state_d;
  logic        rs_done_q, rs_done_d;   // the RDATA packet's last flit has been seen
  logic [11:0] rs_pe_q;                // the READ's PE, {y, x} as in the header's src
  logic [31:0] rs_addr_q;              // and its address
  logic [TW-1:0] rs_wait_q;            // cycles without progress from the PE
  logic        rs_waiting, rs_expire;
  logic        rs_late_q, rs_late_d;   // timed out before the answer began: status 4
  logic        rs_cut_q, rs_cut_d;     // timed out after the status left: bad CRC
  logic        rsp_fire, req_fire;

  // counters
  logic [63:0] cycles_q, cyc_snap_q;
  logic [31:0] frames_ok_q, crc_errors_q, bad_headers_q, out_of_order_q, duplicates_q,
               naks_sent_q, req_flits_q, rsp_flits_q, read_timeouts_q;

  // ================================================================ dispatcher
  localparam logic [1:0] ExIdle = 2'd0, ExRun = 2'd1, ExReset = 2'd2;
  logic [1:0]  ex_state_q, ex_state_d;
  logic [7:0]  expected_q, expected_d, ex_diff;
  logic        silent_q, silent_d;
  logic        ex_free, ex_go;
  logic        ev_ooo, ev_dup, ev_nak;
  // launch requests
  logic        rp_launch, pk_launch, rs_launch;
  logic [1:0]  rp_kind_l, pk_kind_l;
  logic [7:0]  rp_op_l, rp_seq_l;
  logic [8:0]  rp_len_l;
  logic [31:0] rp_arg_l;
  logic [3:0]  pk_fop_l;
  logic [4:0]  rst_cnt_q;
  logic        tile_reset_q;

  assign ex_diff = expected_q - ex_seq;
  assign ex_go   = ex_state_q == ExIdle && slot_full_q[rd_slot_q] && rs_state_q == RsIdle;

  always_comb begin
    ex_state_d = ex_state_q;
    expected_d = expected_q;
    silent_d   = silent_q;
    ex_free    = 1'b0;
    ev_ooo = 1'b0; ev_dup = 1'b0; ev_nak = 1'b0;
    rp_launch = 1'b0; pk_launch = 1'b0; rs_launch = 1'b0;
    rp_kind_l = RkOne; rp_op_l = OpAck; rp_seq_l = ex_seq; rp_len_l = 9'd1;
    rp_arg_l  = StOk;  pk_kind_l = PkMem; pk_fop_l = FabWrite;
    unique case (ex_state_q)
      ExIdle: if (ex_go) begin
        if (ex_kind != KGood || ex_diff[7]) begin
          // bad frame, or a frame ahead of `expected`: one NAK, then silence
          ev_ooo = ex_kind == KGood;
          if (!silent_q) begin
            ev_nak    = 1'b1;
            silent_d  = 1'b1;
            rp_launch = 1'b1;
            rp_op_l   = OpNak;
            rp_seq_l  = ex_kind == KBadHdr ? 8'd0 : ex_seq;
            rp_arg_l  = {24'd0, expected_q};
            ex_state_d = ExRun;
          end else begin
            ex_free = 1'b1;
          end
        end else begin
          ex_state_d = ExRun;
          rp_launch  = 1'b1;
          rp_arg_l   = ex_status;
          if (ex_diff == 8'd0) begin
            expected_d = expected_q + 8'd1;
            silent_d   = 1'b0;
          end else begin
            ev_dup = 1'b1;
          end
          // duplicates of commands with side effects are only re-ACKed
          if (ex_diff == 8'd0 || ex_op == OpPing || ex_op == OpInfo ||
              ex_op == OpRead || ex_op == OpCounters) begin
            if (ex_status != StOk) begin
              if (ex_op == OpRead) rp_op_l = OpData;
            end else begin
              unique case (ex_op)
                OpInfo: begin
                  rp_kind_l = RkInfo; rp_op_l = OpInfoR; rp_len_l = 9'd8;
                end
                OpCounters: begin
                  rp_kind_l = RkCnt; rp_op_l = OpData; rp_len_l = 9'd12;
                end
                OpReset: begin
                  rp_launch  = 1'b0;       // ACK after the reset pulse
                  ex_state_d = ExReset;
                end
                OpWrite, OpConfig, OpStart, OpStop: begin
                  pk_launch = 1'b1;
                  pk_kind_l = (ex_op == OpWrite || ex_op == OpConfig) ? PkMem : PkCtrl;
                  pk_fop_l  = ex_op == OpConfig ? FabCfg : FabWrite;
                end
                OpRead: begin
                  pk_launch = 1'b1;
                  pk_kind_l = PkRead;
                  pk_fop_l  = FabRead;
                  rs_launch = 1'b1;
                  rp_kind_l = RkData; rp_op_l = OpData;
                  rp_len_l  = ex_w2[8:0] + 9'd1;
                end
                default: ;  // PING: ACK ok
              endcase
            end
          end
        end
      end
      ExReset: begin
        // the pulse starts once every request flit has left, and ends in the ACK
        if (tile_reset_q && rst_cnt_q == 5'(ResetCycles - 1)) begin
          rp_launch  = 1'b1;
          ex_state_d = ExRun;
        end
      end
      default: begin  // ExRun: the slot is free once pk and rp no longer need it
        if (!pk_active_q && !rp_active_q) begin
          ex_free    = 1'b1;
          ex_state_d = ExIdle;
        end
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tile_reset_q <= 1'b0;
      rst_cnt_q    <= '0;
    end else if (ex_state_q == ExReset) begin
      if (!tile_reset_q) begin
        if (rq_empty && !s1_valid_q && !pk_active_q) begin
          tile_reset_q <= 1'b1;
          rst_cnt_q    <= '0;
        end
      end else if (rst_cnt_q == 5'(ResetCycles - 1)) begin
        tile_reset_q <= 1'b0;
      end else begin
        rst_cnt_q <= rst_cnt_q + 5'd1;
      end
    end
  end
  assign tile_reset_o = tile_reset_q;

  // ================================================================ slots and receiver state
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rx_state_q  <= RxHunt;
      rx_cnt_q    <= '0;
      rx_crc_q    <= '0;
      wr_slot_q   <= 1'b0;
      rd_slot_q   <= 1'b0;
      slot_full_q <= '0;
      slot_kind_q <= '0;
      slot_op_q   <= '0;
      slot_seq_q  <= '0;
      slot_len_q  <= '0;
      slot_w0_q   <= '0;
      slot_w1_q   <= '0;
      slot_w2_q   <= '0;
      ex_state_q  <= ExIdle;
      expected_q  <= '0;
      silent_q    <= 1'b0;
    end else begin
      rx_state_q <= rx_state_d;
      rx_cnt_q   <= rx_cnt_d;
      rx_crc_q   <= rx_crc_d;
      ex_state_q <= ex_state_d;
      expected_q <= expected_d;
      silent_q   <= silent_d;
      if (rx_hdr_we) begin
        if (wr_slot_q) begin
          slot_op_q[15:8]  <= host_in_data_i[7:0];
          slot_seq_q[15:8] <= host_in_data_i[15:8];
          slot_len_q[17:9] <= host_in_data_i[24:16];
        end else begin
          slot_op_q[7:0]  <= host_in_data_i[7:0];
          slot_seq_q[7:0] <= host_in_data_i[15:8];
          slot_len_q[8:0] <= host_in_data_i[24:16];
        end
      end
      if (buf_we && rx_cnt_q < 9'd3) begin
        // the addressing words are needed at dispatch, before any buffer read
        unique case ({wr_slot_q, rx_cnt_q[1:0]})
          3'b000: slot_w0_q[31:0]  <= host_in_data_i;
          3'b001: slot_w1_q[31:0]  <= host_in_data_i;
          3'b010: slot_w2_q[31:0]  <= host_in_data_i;
          3'b100: slot_w0_q[63:32] <= host_in_data_i;
          3'b101: slot_w1_q[63:32] <= host_in_data_i;
          3'b110: slot_w2_q[63:32] <= host_in_data_i;
          default: ;
        endcase
      end
      if (rx_fin) begin
        if (wr_slot_q) slot_kind_q[3:2] <= rx_kind;
        else           slot_kind_q[1:0] <= rx_kind;
        wr_slot_q <= !wr_slot_q;
      end
      // a receive ends in the write slot, a free in the read slot: never the same one
      slot_full_q <= (slot_full_q | (rx_fin ? (wr_slot_q ? 2'b10 : 2'b01) : 2'b00)) &
                     ~(ex_free ? (rd_slot_q ? 2'b10 : 2'b01) : 2'b00);
      if (ex_free) rd_slot_q <= !rd_slot_q;
    end
  end

  // ================================================================ pk: request packets
  assign pk_credit = {1'b0, rq_count} + {3'd0, s1_valid_q} < 4'd4;
  assign pk_issue  = pk_active_q && pk_credit;
  assign buf_raddr = {rd_slot_q, pk_idx_q};
  assign pk_mem    = pk_phase_q == PkData && pk_kind_q == PkMem;
  assign pk_last   = pk_phase_q == PkData && (pk_kind_q != PkMem || pk_idx_q == ex_len - 9'd1);
  assign pk_done   = pk_last && pk_x_q == tx1 && pk_y_q == ty1;

  always_comb begin
    unique case (pk_phase_q)
      PkHdr:  pk_word = {4'd0, pk_fop_q, 6'd0, HostX, pk_y_q, pk_x_q};
      PkAddr: pk_word = pk_kind_q == PkCtrl ? CtrlAddr : ex_w1;
      default: pk_word = pk_kind_q == PkRead ? ex_w2 : {31'd0, pk_start_q};
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pk_active_q <= 1'b0;
      pk_kind_q   <= PkMem;
      pk_phase_q  <= PkHdr;
      pk_fop_q    <= FabWrite;
      pk_start_q  <= 1'b0;
      pk_x_q      <= '0;
      pk_y_q      <= '0;
      pk_idx_q    <= 9'd2;
      s1_valid_q  <= 1'b0;
      s1_mem_q    <= 1'b0;
      s1_last_q   <= 1'b0;
      s1_word_q   <= '0;
    end else begin
      s1_valid_q <= pk_issue;
      if (pk_issue) begin
        s1_mem_q  <= pk_mem;
        s1_last_q <= pk_last;
        s1_word_q <= pk_word;
      end
      if (pk_launch) begin
        pk_active_q <= 1'b1;
        pk_kind_q   <= pk_kind_l;
        pk_fop_q    <= pk_fop_l;
        pk_start_q  <= ex_op == OpStart;
        pk_phase_q  <= PkHdr;
        pk_x_q      <= tx0;
        pk_y_q      <= ty0;
        pk_idx_q    <= 9'd2;
      end else if (pk_issue) begin
        unique case (pk_phase_q)
          PkHdr:  pk_phase_q <= PkAddr;
          PkAddr: pk_phase_q <= PkData;
          default: begin
            if (pk_last) begin
              // next PE, row by row
              pk_phase_q <= PkHdr;
              pk_idx_q   <= 9'd2;
              if (pk_done) begin
                pk_active_q <= 1'b0;
              end else if (pk_x_q == tx1) begin
                pk_x_q <= tx0;
                pk_y_q <= pk_y_q + 6'd1;
              end else begin
                pk_x_q <= pk_x_q + 6'd1;
              end
            end else begin
              pk_idx_q <= pk_idx_q + 9'd1;
            end
          end
        endcase
      end
    end
  end

  wl_fifo #(.Width(33), .Depth(4)) u_reqq (
    .clk_i, .rst_ni,
    .push_i (s1_valid_q),
    .wdata_i({s1_last_q, s1_mem_q ? buf_rdata_q : s1_word_q}),
    .full_o (rq_full),
    .pop_i  (req_out_ready_i),
    .rdata_o(rq_head),
    .empty_o(rq_empty),
    .count_o(rq_count));

  assign req_out_valid_o = !rq_empty;
  assign req_out_data_o  = rq_head[31:0];
  assign req_out_last_o  = rq_head[32];
  assign req_fire        = req_out_valid_o && req_out_ready_i;

  // ================================================================ rp: replies
  // rp_idx: 0 SYNC, 1 header, 2..len+1 payload word rp_p, len+2 CRC
  assign rp_p       = rp_idx_q - 9'd2;
  assign rp_is_data = rp_kind_q == RkData && rp_idx_q >= 9'd3 && rp_idx_q <= rp_len_q + 9'd1;

  always_comb begin
    rp_avail = 1'b1;
    if (rp_idx_q == 9'd0) rp_word = Sync;
    else if (rp_idx_q == 9'd1) rp_word = {4'd0, 3'd0, rp_len_q, rp_seq_q, rp_op_q};
    else if (rp_idx_q == rp_len_q + 9'd2) rp_word = rs_cut_q ? rp_crc_q : ~rp_crc_q;
    else begin
      unique case (rp_kind_q)
        RkInfo: begin
          unique case (rp_p[2:0])
            3'd0: rp_word = 32'd1;  // protocol version
            3'd1: rp_word = 32'(Rows);
            3'd2: rp_word = 32'(Cols);
            3'd3: rp_word = 32'(ImemBytes);
            3'd4: rp_word = 32'(DmemBytes);
            3'd5: rp_word = 32'(Lanes);
            3'd6: rp_word = 32'(MaxPayload);
            default: rp_word = 32'(Window);
          endcase
        end
        RkCnt: begin
          unique case (rp_p[3:0])
            4'd0:  rp_word = StOk;
            4'd1:  rp_word = cyc_snap_q[31:0];
            4'd2:  rp_word = cyc_snap_q[63:32];
            4'd3:  rp_word = frames_ok_q;
            4'd4:  rp_word = crc_errors_q;
            4'd5:  rp_word = bad_headers_q;
            4'd6:  rp_word = out_of_order_q;
            4'd7:  rp_word = duplicates_q;
            4'd8:  rp_word = naks_sent_q;
            4'd9:  rp_word = req_flits_q;
            4'd10: rp_word = rsp_flits_q;
            default: rp_word = read_timeouts_q;
          endcase
        end
        RkData: begin
          if (rp_p == 9'd0) begin
            // the status waits for the answer's header and address (or the timeout)
            rp_word  = rs_late_q ? StNoAnswer : rp_arg_q;
            rp_avail = rp_arg_q != StOk || rs_state_q == RsData || rs_done_q || rs_late_q;
          end else begin
            // a short RDATA packet is padded with zeros rather than waited for
            rp_word  = rs_done_q ? 32'd0 : rsp_in_data_i;
            rp_avail = rs_done_q || (rs_state_q == RsData && rsp_in_valid_i);
          end
        end
        default: rp_word = rp_arg_q;
      endcase
    end
  end

  assign rp_push = rp_active_q && !oq_full && rp_avail;

  wl_crc32c u_tx_crc (
    .crc_i (rp_idx_q == 9'd1 ? 32'hFFFF_FFFF : rp_crc_q),
    .data_i(rp_word),
    .crc_o (rp_crc_next)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rp_active_q <= 1'b0;
      rp_kind_q   <= RkOne;
      rp_op_q     <= '0;
      rp_seq_q    <= '0;
      rp_len_q    <= '0;
      rp_idx_q    <= '0;
      rp_arg_q    <= '0;
      rp_crc_q    <= '0;
      cyc_snap_q  <= '0;
    end else if (rp_launch) begin
      rp_active_q <= 1'b1;
      rp_kind_q   <= rp_kind_l;
      rp_op_q     <= rp_op_l;
      rp_seq_q    <= rp_seq_l;
      rp_len_q    <= rp_len_l;
      rp_arg_q    <= rp_arg_l;
      rp_idx_q    <= '0;
      cyc_snap_q  <= cycles_q;   // lo and hi from the same cycle
    end else if (rp_push) begin
      if (rp_idx_q != 9'd0) rp_crc_q <= rp_crc_next;
      rp_idx_q <= rp_idx_q + 9'd1;
      if (rp_idx_q == rp_len_q + 9'd2) rp_active_q <= 1'b0;
    end
  end

  wl_fifo #(.Width(32), .Depth(4)) u_outq (
    .clk_i, .rst_ni,
    .push_i (rp_push),
    .wdata_i(rp_word),
    .full_o (oq_full),
    .pop_i  (host_out_ready_i),
    .rdata_o(host_out_data_o),
    .empty_o(oq_empty),
    .count_o(unused_oq_count));

  assign host_out_valid_o = !oq_empty;

  // ================================================================ rs: RDATA reader
  always_comb begin
    rs_state_d = rs_state_q;
    rs_done_d  = rs_done_q;
    rs_late_d  = rs_late_q;
    rs_cut_d   = rs_cut_q;
    unique case (rs_state_q)
      RsData: rsp_in_ready_o = rp_active_q && rp_is_data && !oq_full && !rs_done_q;
      default: rsp_in_ready_o = 1'b1;  // idle: strays dropped
    endcase
    if (rs_launch) begin
      rs_state_d = RsHdr;
      rs_done_d  = 1'b0;
      rs_late_d  = 1'b0;
      rs_cut_d   = 1'b0;
    end else if (rs_expire) begin
      // the PE has not answered (or stopped answering): finish the reply without it
      rs_done_d  = 1'b1;
      if (rs_state_q == RsDrain) rs_state_d = RsIdle;  // the reply has left already
      else if (rs_state_q == RsData) rs_cut_d = 1'b1;
      else begin
        rs_late_d  = 1'b1;
        rs_state_d = RsData;
      end
    end else begin
      unique case (rs_state_q)
        RsHdr: if (rsp_fire) begin
          if (rsp_in_data_i[23:12] != rs_pe_q) rs_state_d = rsp_in_last_i ? RsHdr : RsSkip;
          else begin
            rs_state_d = rsp_in_last_i ? RsData : RsAddr;
            rs_done_d  = rsp_in_last_i;
          end
        end
        RsAddr: if (rsp_fire) begin
          if (rsp_in_data_i != rs_addr_q) rs_state_d = rsp_in_last_i ? RsHdr : RsSkip;
          else begin
            rs_state_d = RsData;
            rs_done_d  = rsp_in_last_i;
          end
        end
        RsSkip: if (rsp_fire && rsp_in_last_i) rs_state_d = RsHdr;
        RsData: begin
          if (rsp_fire && rsp_in_last_i) rs_done_d = 1'b1;
          // the reply's final data word leaves: drain what the packet has left
          if (rp_push && rp_idx_q == rp_len_q + 9'd1)
            rs_state_d = (rs_done_q || (rsp_fire && rsp_in_last_i)) ? RsIdle : RsDrain;
        end
        RsDrain: if (rsp_fire && rsp_in_last_i) rs_state_d = RsIdle;
        default: ;
      endcase
    end
  end

  assign rsp_fire = rsp_in_valid_i && rsp_in_ready_o;
  // Waiting on the PE: for the answer to begin, or for its next word while the reply
  // could take it (a host that does not read its replies is not the PE's fault).
  assign rs_waiting = !rsp_in_valid_i && !rs_done_q &&
                      (rs_state_q == RsHdr || rs_state_q == RsAddr || rs_state_q == RsSkip ||
                       rs_state_q == RsDrain ||
                       (rs_state_q == RsData && rp_active_q && rp_is_data && !oq_full));
  assign rs_expire  = rs_waiting && rs_wait_q == TW'(ReadTimeout - 1);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rs_state_q <= RsIdle;
      rs_done_q  <= 1'b0;
      rs_late_q  <= 1'b0;
      rs_cut_q   <= 1'b0;
      rs_pe_q    <= '0;
      rs_addr_q  <= '0;
      rs_wait_q  <= '0;
    end else begin
      rs_state_q <= rs_state_d;
      rs_done_q  <= rs_done_d;
      rs_late_q  <= rs_late_d;
      rs_cut_q   <= rs_cut_d;
      if (rs_launch) begin
        rs_pe_q   <= {ex_w0[11:6], ex_w0[5:0]};
        rs_addr_q <= ex_w1;
      end
      if (rs_launch || rsp_fire || !rs_waiting || rs_expire) rs_wait_q <= '0;
      else rs_wait_q <= rs_wait_q + 1'b1;
    end
  end

  // ================================================================ counters
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycles_q       <= '0;
      frames_ok_q    <= '0;
      crc_errors_q   <= '0;
      bad_headers_q  <= '0;
      out_of_order_q <= '0;
      duplicates_q   <= '0;
      naks_sent_q    <= '0;
      req_flits_q    <= '0;
      rsp_flits_q    <= '0;
      read_timeouts_q <= '0;
    end else begin
      cycles_q <= cycles_q + 64'd1;
      if (rx_fin && rx_kind == KGood)   frames_ok_q   <= frames_ok_q + 32'd1;
      if (rx_fin && rx_kind == KBadCrc) crc_errors_q  <= crc_errors_q + 32'd1;
      if (rx_fin && rx_kind == KBadHdr) bad_headers_q <= bad_headers_q + 32'd1;
      if (ev_ooo) out_of_order_q <= out_of_order_q + 32'd1;
      if (ev_dup) duplicates_q   <= duplicates_q + 32'd1;
      if (ev_nak) naks_sent_q    <= naks_sent_q + 32'd1;
      if (req_fire) req_flits_q  <= req_flits_q + 32'd1;
      if (rsp_fire) rsp_flits_q  <= rsp_flits_q + 32'd1;
      if (rs_expire) read_timeouts_q <= read_timeouts_q + 32'd1;
    end
  end

  // rq_full never stops s1 (pk issues only with a credit); kept for clarity of the queue
  logic unused_rq_full;
  assign unused_rq_full = rq_full;
endmodule
