// Waferlet PE control core: RV32IM + Zicsr subset, in-order.
//
// One execute stage behind a synchronous instruction memory: the next PC is
// computed combinationally in execute and presented to imem in the same cycle,
// so taken branches and jumps cost nothing. Loads take 2 cycles (synchronous
// data memory), MUL* 2 cycles, DIV/REM 34 cycles; everything else 1 cycle.
// Misaligned loads/stores/jump targets, ECALL, EBREAK and illegal
// instructions trap to mtvec (direct mode) with mepc/mcause/mtval set.
`default_nettype none

module wl_core #(
  parameter logic [31:0] ResetPc = 32'h0000_0000
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [5:0]  x_i,
  input  logic [5:0]  y_i,
  // instruction memory: data arrives the cycle after the address
  output logic [31:0] imem_addr_o,
  input  logic [31:0] imem_rdata_i,
  // data bus: request is taken on a cycle with dgnt_i; read data the cycle after
  output logic        dreq_o,
  output logic        dwe_o,
  output logic [31:0] daddr_o,
  output logic [3:0]  dbe_o,
  output logic [31:0] dwdata_o,
  input  logic        dgnt_i,
  input  logic [31:0] drdata_i,
  // wake event for WFI (tensor-unit completion, fabric arrival, mailbox)
  input  logic        wake_i,
  output logic        retire_o
);
  localparam logic [1:0] StRun = 2'd0, StLdWb = 2'd1, StMulWb = 2'd2, StDiv = 2'd3;

  localparam logic [6:0] OpLui = 7'b0110111, OpAuipc = 7'b0010111, OpJal = 7'b1101111,
                         OpJalr = 7'b1100111, OpBranch = 7'b1100011, OpLoad = 7'b0000011,
                         OpStore = 7'b0100011, OpImm = 7'b0010011, OpReg = 7'b0110011,
                         OpFence = 7'b0001111, OpSystem = 7'b1110011;

  logic [31:0] pc_q, pc_d;
  logic        fvalid_q;
  logic [1:0]  state_q, state_d;
  logic [31:0] rf_q [1:31];
  logic [31:0] mtvec_q, mepc_q, mcause_q, mtval_q, mscratch_q;
  logic [63:0] cycle_q, instret_q;
  logic        event_q;
  logic [1:0]  ld_off_q;
  logic [31:0] mul_q;
  // divider
  logic [31:0] div_r_q, div_qt_q, div_b_q, div_a_q;
  logic [5:0]  div_cnt_q;
  logic        div_negq_q, div_negr_q, div_zero_q;

  // ---------------------------------------------------------------- decode
  logic [31:0] instr;
  logic [6:0]  opcode, funct7;
  logic [4:0]  rd, rs1, rs2;
  logic [2:0]  funct3;
  logic [31:0] imm_i, imm_s, imm_b, imm_u, imm_j, rs1v, rs2v;
  assign instr  = imem_rdata_i;
  assign opcode = instr[6:0];
  assign rd     = instr[11:7];
  assign funct3 = instr[14:12];
  assign rs1    = instr[19:15];
  assign rs2    = instr[24:20];
  assign funct7 = instr[31:25];
  assign imm_i  = {{20{instr[31]}}, instr[31:20]};
  assign imm_s  = {{20{instr[31]}}, instr[31:25], instr[11:7]};
  assign imm_b  = {{19{instr[31]}}, instr[31], instr[7], instr[30:25], instr[11:8], 1'b0};
  assign imm_u  = {instr[31:12], 12'b0};
  assign imm_j  = {{11{instr[31]}}, instr[31], instr[19:12], instr[20], instr[30:21], 1'b0};
  assign rs1v   = (rs1 == 5'd0) ? 32'd0 : rf_q[rs1];
  assign rs2v   = (rs2 == 5'd0) ? 32'd0 : rf_q[rs2];

  // ---------------------------------------------------------------- ALU
  logic        is_imm_alu;
  logic [31:0] alu_b, alu_res;
  logic [4:0]  shamt;
  assign is_imm_alu = (opcode == OpImm);
  assign alu_b = is_imm_alu ? imm_i : rs2v;
  assign shamt = alu_b[4:0];  // shift amounts are masked to 5 bits
  always_comb begin
    case (funct3)
      3'b000:  alu_res = (!is_imm_alu && funct7[5]) ? rs1v - alu_b : rs1v + alu_b;
      3'b001:  alu_res = rs1v << shamt;
      3'b010:  alu_res = {31'd0, $signed(rs1v) < $signed(alu_b)};
      3'b011:  alu_res = {31'd0, rs1v < alu_b};
      3'b100:  alu_res = rs1v ^ alu_b;
      3'b101:  alu_res = funct7[5] ? 32'($signed(rs1v) >>> shamt) : rs1v >> shamt;
      3'b110:  alu_res = rs1v | alu_b;
      default: alu_res = rs1v & alu_b;
    endcase
  end

  logic alu_legal;
  always_comb begin
    if (is_imm_alu) begin
      if (funct3 == 3'b001) alu_legal = (funct7 == 7'd0);
      else if (funct3 == 3'b101) alu_legal = (funct7 == 7'd0) || (funct7 == 7'b0100000);
      else alu_legal = 1'b1;
    end else begin
      alu_legal = (funct7 == 7'd0) ||
                  (funct7 == 7'b0100000 && (funct3 == 3'b000 || funct3 == 3'b101));
    end
  end

  // ---------------------------------------------------------------- branch
  logic br_taken;
  always_comb begin
    case (funct3)
      3'b000:  br_taken = (rs1v == rs2v);
      3'b001:  br_taken = (rs1v != rs2v);
      3'b100:  br_taken = ($signed(rs1v) < $signed(rs2v));
      3'b101:  br_taken = ($signed(rs1v) >= $signed(rs2v));
      3'b110:  br_taken = (rs1v < rs2v);
      default: br_taken = (rs1v >= rs2v);
    endcase
  end

  // ---------------------------------------------------------------- multiply
  logic signed [32:0] mul_a, mul_b;
  logic signed [65:0] mul_p;
  assign mul_a = {(funct3 == 3'b001 || funct3 == 3'b010) & rs1v[31], rs1v};
  assign mul_b = {(funct3 == 3'b001) & rs2v[31], rs2v};
  assign mul_p = mul_a * mul_b;

  // ---------------------------------------------------------------- CSRs
  logic [11:0] csr_addr;
  logic [31:0] csr_rdata, csr_src, csr_wdata;
  logic        csr_known, csr_write;
  assign csr_addr = instr[31:20];
  always_comb begin
    csr_known = 1'b1;
    case (csr_addr)
      12'h300: csr_rdata = 32'h0000_1800;      // mstatus: M-mode only, MPP = M
      12'h301: csr_rdata = 32'h4000_1100;      // misa: RV32 I M
      12'h304, 12'h344: csr_rdata = 32'd0;     // mie, mip: no interrupts
      12'h305: csr_rdata = mtvec_q;
      12'h340: csr_rdata = mscratch_q;
      12'h341: csr_rdata = mepc_q;
      12'h342: csr_rdata = mcause_q;
      12'h343: csr_rdata = mtval_q;
      12'hB00, 12'hC00, 12'hC01: csr_rdata = cycle_q[31:0];
      12'hB80, 12'hC80, 12'hC81: csr_rdata = cycle_q[63:32];
      12'hB02, 12'hC02: csr_rdata = instret_q[31:0];
      12'hB82, 12'hC82: csr_rdata = instret_q[63:32];
      12'hF11, 12'hF12, 12'hF13: csr_rdata = 32'd0;
      12'hF14: csr_rdata = {20'd0, y_i, x_i};  // mhartid = y*64 + x
      12'hFC0: csr_rdata = {10'd0, y_i, 10'd0, x_i};  // custom: PE coordinates
      default: begin csr_rdata = 32'd0; csr_known = 1'b0; end
    endcase
  end
  assign csr_src   = funct3[2] ? {27'd0, rs1} : rs1v;
  // CSRRS/CSRRC with x0/zero source do not write (and so may target read-only CSRs)
  assign csr_write = (funct3[1:0] == 2'b01) || (rs1 != 5'd0);
  always_comb begin
    case (funct3[1:0])
      2'b01:   csr_wdata = csr_src;
      2'b10:   csr_wdata = csr_rdata | csr_src;
      default: csr_wdata = csr_rdata & ~csr_src;
    endcase
  end

  // ---------------------------------------------------------------- load data
  logic [31:0] ld_shifted, ld_val;
  assign ld_shifted = drdata_i >> {ld_off_q, 3'b000};
  always_comb begin
    case (funct3)
      3'b000:  ld_val = {{24{ld_shifted[7]}}, ld_shifted[7:0]};
      3'b001:  ld_val = {{16{ld_shifted[15]}}, ld_shifted[15:0]};
      3'b100:  ld_val = {24'd0, ld_shifted[7:0]};
      3'b101:  ld_val = {16'd0, ld_shifted[15:0]};
      default: ld_val = drdata_i;
    endcase
  end

  // ---------------------------------------------------------------- divider
  logic [33:0] div_shift, div_diff;
  assign div_shift = {1'b0, div_r_q, div_qt_q[31]};
  assign div_diff  = div_shift - {2'b00, div_b_q};
  logic [31:0] div_result;
  always_comb begin
    if (div_zero_q) div_result = funct3[1] ? div_a_q : 32'hFFFF_FFFF;
    else if (funct3[1]) div_result = div_negr_q ? -div_r_q : div_r_q;
    else div_result = div_negq_q ? -div_qt_q : div_qt_q;
  end

  // ---------------------------------------------------------------- execute
  logic        hold, retire, trap, wb_en, csr_we, wfi_done, div_start;
  logic [31:0] pc_next, wb_val, trap_cause, trap_val, mem_addr, jtarget;
  logic        mem_misal;
  assign mem_addr = rs1v + ((opcode == OpStore) ? imm_s : imm_i);
  always_comb begin
    case (funct3[1:0])
      2'b00:   mem_misal = 1'b0;
      2'b01:   mem_misal = mem_addr[0];
      default: mem_misal = (mem_addr[1:0] != 2'b00);
    endcase
  end

  always_comb begin
    hold = 1'b0; trap = 1'b0; wb_en = 1'b0; wb_val = 32'd0; csr_we = 1'b0;
    wfi_done = 1'b0; div_start = 1'b0;
    trap_cause = 32'd0; trap_val = 32'd0;
    pc_next = pc_q + 32'd4; jtarget = 32'd0;
    state_d = state_q;
    dreq_o = 1'b0; dwe_o = 1'b0; dbe_o = 4'h0; dwdata_o = rs2v; daddr_o = mem_addr;
    if (!fvalid_q) begin
      hold = 1'b1;
    end else begin
      case (state_q)
        StRun: begin
          case (opcode)
            OpLui:   begin wb_en = 1'b1; wb_val = imm_u; end
            OpAuipc: begin wb_en = 1'b1; wb_val = pc_q + imm_u; end
            OpJal: begin
              jtarget = pc_q + imm_j;
              if (jtarget[1:0] != 2'b00) begin
                trap = 1'b1; trap_cause = 32'd0; trap_val = jtarget;
              end else begin
                wb_en = 1'b1; wb_val = pc_q + 32'd4; pc_next = jtarget;
              end
            end
            OpJalr: begin
              jtarget = (rs1v + imm_i) & ~32'd1;
              if (funct3 != 3'b000) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end else if (jtarget[1]) begin
                trap = 1'b1; trap_cause = 32'd0; trap_val = jtarget;
              end else begin
                wb_en = 1'b1; wb_val = pc_q + 32'd4; pc_next = jtarget;
              end
            end
            OpBranch: begin
              jtarget = pc_q + imm_b;
              if (funct3 == 3'b010 || funct3 == 3'b011) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end else if (br_taken) begin
                if (jtarget[1:0] != 2'b00) begin
                  trap = 1'b1; trap_cause = 32'd0; trap_val = jtarget;
                end else begin
                  pc_next = jtarget;
                end
              end
            end
            OpLoad: begin
              if (funct3 == 3'b011 || funct3[2:1] == 2'b11) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end else if (mem_misal) begin
                trap = 1'b1; trap_cause = 32'd4; trap_val = mem_addr;
              end else begin
                dreq_o = 1'b1; dbe_o = 4'hF;
                hold = 1'b1;
                if (dgnt_i) state_d = StLdWb;
              end
            end
            OpStore: begin
              if (funct3[2] || funct3[1:0] == 2'b11) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end else if (mem_misal) begin
                trap = 1'b1; trap_cause = 32'd6; trap_val = mem_addr;
              end else begin
                dreq_o = 1'b1; dwe_o = 1'b1;
                case (funct3[1:0])
                  2'b00:   begin dbe_o = 4'b0001 << mem_addr[1:0]; dwdata_o = {4{rs2v[7:0]}}; end
                  2'b01:   begin dbe_o = 4'b0011 << mem_addr[1:0]; dwdata_o = {2{rs2v[15:0]}}; end
                  default: begin dbe_o = 4'b1111; dwdata_o = rs2v; end
                endcase
                if (!dgnt_i) hold = 1'b1;
              end
            end
            OpImm, OpReg: begin
              if (opcode == OpReg && funct7 == 7'b0000001) begin
                hold = 1'b1;
                if (!funct3[2]) state_d = StMulWb;
                else begin state_d = StDiv; div_start = 1'b1; end
              end else if (alu_legal) begin
                wb_en = 1'b1; wb_val = alu_res;
              end else begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end
            end
            OpFence: begin
              if (funct3[2:1] != 2'b00) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end
            end
            OpSystem: begin
              if (funct3 == 3'b000) begin
                case (instr[31:7])
                  25'h0000000: begin trap = 1'b1; trap_cause = 32'd11; end            // ecall
                  25'h0002000: begin trap = 1'b1; trap_cause = 32'd3; trap_val = pc_q; end  // ebreak
                  25'h0604000: begin pc_next = mepc_q; end           // mret
                  25'h020A000: begin                                                  // wfi
                    if (event_q || wake_i) wfi_done = 1'b1;
                    else hold = 1'b1;
                  end
                  default: begin trap = 1'b1; trap_cause = 32'd2; trap_val = instr; end
                endcase
              end else if (funct3 == 3'b100 || !csr_known ||
                           (csr_write && csr_addr[11:10] == 2'b11)) begin
                trap = 1'b1; trap_cause = 32'd2; trap_val = instr;
              end else begin
                wb_en = 1'b1; wb_val = csr_rdata; csr_we = csr_write;
              end
            end
            default: begin trap = 1'b1; trap_cause = 32'd2; trap_val = instr; end
          endcase
        end
        StLdWb: begin
          wb_en = 1'b1; wb_val = ld_val; state_d = StRun;
        end
        StMulWb: begin
          wb_en = 1'b1; wb_val = mul_q; state_d = StRun;
        end
        default: begin  // StDiv
          if (div_cnt_q == 6'd32) begin
            wb_en = 1'b1; wb_val = div_result; state_d = StRun;
          end else begin
            hold = 1'b1;
          end
        end
      endcase
    end
    if (trap) begin
      wb_en = 1'b0; pc_next = {mtvec_q[31:2], 2'b00};
    end
    retire = fvalid_q && !hold && !trap;
    pc_d = hold ? pc_q : pc_next;
  end

  assign imem_addr_o = pc_d;
  assign retire_o    = retire;

  // ---------------------------------------------------------------- state
  logic unused_core;
  assign unused_core = ^{mul_p[65:64], ld_shifted[31:16], div_diff[32]};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pc_q <= ResetPc; fvalid_q <= 1'b0; state_q <= StRun;
      mtvec_q <= 32'd0; mepc_q <= 32'd0; mcause_q <= 32'd0; mtval_q <= 32'd0;
      mscratch_q <= 32'd0; cycle_q <= 64'd0; instret_q <= 64'd0; event_q <= 1'b0;
      ld_off_q <= 2'd0; mul_q <= 32'd0;
      div_r_q <= 32'd0; div_qt_q <= 32'd0; div_b_q <= 32'd0; div_a_q <= 32'd0;
      div_cnt_q <= 6'd0; div_negq_q <= 1'b0; div_negr_q <= 1'b0; div_zero_q <= 1'b0;
    end else begin
      fvalid_q <= 1'b1;
      pc_q <= pc_d;
      state_q <= state_d;
      cycle_q <= cycle_q + 64'd1;
      if (retire) instret_q <= instret_q + 64'd1;
      event_q <= (event_q | wake_i) & ~wfi_done;
      if (dreq_o && dgnt_i) ld_off_q <= mem_addr[1:0];
      if (state_q == StRun) mul_q <= (funct3 == 3'b000) ? mul_p[31:0] : mul_p[63:32];
      if (trap) begin
        mepc_q <= pc_q; mcause_q <= trap_cause; mtval_q <= trap_val;
      end else if (csr_we) begin
        case (csr_addr)
          12'h305: mtvec_q <= {csr_wdata[31:2], 2'b00};
          12'h340: mscratch_q <= csr_wdata;
          12'h341: mepc_q <= {csr_wdata[31:2], 2'b00};
          12'h342: mcause_q <= csr_wdata;
          12'h343: mtval_q <= csr_wdata;
          default: ;  // WARL read-only-zero and counter CSRs ignore writes
        endcase
      end
      if (div_start) begin
        div_negq_q <= !funct3[0] && (rs1v[31] ^ rs2v[31]);
        div_negr_q <= !funct3[0] && rs1v[31];
        div_zero_q <= (rs2v == 32'd0);
        div_a_q    <= rs1v;
        div_qt_q   <= (!funct3[0] && rs1v[31]) ? -rs1v : rs1v;
        div_b_q    <= (!funct3[0] && rs2v[31]) ? -rs2v : rs2v;
        div_r_q    <= 32'd0;
        div_cnt_q  <= 6'd0;
      end else if (state_q == StDiv && div_cnt_q != 6'd32) begin
        div_cnt_q <= div_cnt_q + 6'd1;
        if (!div_diff[33]) begin
          div_r_q  <= div_diff[31:0];
          div_qt_q <= {div_qt_q[30:0], 1'b1};
        end else begin
          div_r_q  <= div_shift[31:0];
          div_qt_q <= {div_qt_q[30:0], 1'b0};
        end
      end
    end
  end

  // register file: no reset, so it maps onto RAM (wb_en is low while in reset)
  always_ff @(posedge clk_i) begin
    if (wb_en && rd != 5'd0) rf_q[rd] <= wb_val;
  end

endmodule
