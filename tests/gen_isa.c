/* Generates self-checking RV32IM instruction tests (assembly) for the PE core.
 * Expected results come from the reference semantics below, written from the
 * RISC-V unprivileged spec, not from the RTL. Each program reports through
 * MBOX_OUT: 1 = pass, (n << 1) | 1 = case n failed; then clears CTRL.run.
 * usage: gen_isa OUTDIR */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static unsigned ncase;
static uint32_t rng = 0x1234567u;

static uint32_t rnd(void) {
  rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
  return rng;
}

/* interesting operands */
static const uint32_t edge[] = { 0u, 1u, 2u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x7FFFFFFFu, 0x80000000u,
                                 0x80000001u, 0x0000FFFFu, 0xFFFF0000u, 31u, 32u, 33u, 63u };
#define NEDGE (sizeof edge / sizeof edge[0])

static uint32_t pick(void) {
  uint32_t r = rnd();
  switch (r % 4) {
    case 0: return edge[(r >> 8) % NEDGE];
    case 1: return (uint32_t)((int32_t)(rnd() % 64) - 32);
    default: return rnd();
  }
}

/* ---------------------------------------------------------------- reference */
static uint32_t ref_op(const char *op, uint32_t a, uint32_t b) {
  int32_t sa = (int32_t)a, sb = (int32_t)b;
  if (!strcmp(op, "add")) return a + b;
  if (!strcmp(op, "sub")) return a - b;
  if (!strcmp(op, "sll")) return a << (b & 31u);
  if (!strcmp(op, "slt")) return sa < sb;
  if (!strcmp(op, "sltu")) return a < b;
  if (!strcmp(op, "xor")) return a ^ b;
  if (!strcmp(op, "srl")) return a >> (b & 31u);
  if (!strcmp(op, "sra")) {
    unsigned s = b & 31u;
    return s ? (uint32_t)((a >> s) | ((a & 0x80000000u) ? ~(0xFFFFFFFFu >> s) : 0u)) : a;
  }
  if (!strcmp(op, "or")) return a | b;
  if (!strcmp(op, "and")) return a & b;
  if (!strcmp(op, "mul")) return a * b;
  if (!strcmp(op, "mulh")) return (uint32_t)((uint64_t)((int64_t)sa * (int64_t)sb) >> 32);
  if (!strcmp(op, "mulhsu")) return (uint32_t)((uint64_t)((int64_t)sa * (int64_t)(uint64_t)b) >> 32);
  if (!strcmp(op, "mulhu")) return (uint32_t)(((uint64_t)a * (uint64_t)b) >> 32);
  if (!strcmp(op, "div")) {
    if (b == 0) return 0xFFFFFFFFu;
    if (a == 0x80000000u && b == 0xFFFFFFFFu) return a;
    return (uint32_t)(sa / sb);
  }
  if (!strcmp(op, "divu")) return b ? a / b : 0xFFFFFFFFu;
  if (!strcmp(op, "rem")) {
    if (b == 0) return a;
    if (a == 0x80000000u && b == 0xFFFFFFFFu) return 0;
    return (uint32_t)(sa % sb);
  }
  if (!strcmp(op, "remu")) return b ? a % b : a;
  fprintf(stderr, "gen_isa: unknown op %s\n", op);
  exit(1);
}

static int ref_branch(const char *op, uint32_t a, uint32_t b) {
  int32_t sa = (int32_t)a, sb = (int32_t)b;
  if (!strcmp(op, "beq")) return a == b;
  if (!strcmp(op, "bne")) return a != b;
  if (!strcmp(op, "blt")) return sa < sb;
  if (!strcmp(op, "bge")) return sa >= sb;
  if (!strcmp(op, "bltu")) return a < b;
  return a >= b;  /* bgeu */
}

static uint32_t sext12(uint32_t v) { return (v & 0x800u) ? (v | 0xFFFFF000u) : (v & 0xFFFu); }

/* ---------------------------------------------------------------- emit helpers */
static void begin_case(void) { fprintf(out, "  li gp, %u\n", ++ncase); }
static void check(const char *reg, uint32_t expect) {
  fprintf(out, "  li t6, 0x%08" PRIx32 "\n  bne %s, t6, fail\n", expect, reg);
}

static void prologue(void) {
  ncase = 0;
  fprintf(out,
          "  .section .text.init, \"ax\"\n  .globl _start\n_start:\n"
          "  la t0, trap_handler\n  csrw mtvec, t0\n  li s4, 0\n  li gp, 0\n");
}

static void epilogue(void) {
  fprintf(out,
          "  j pass\n"
          "fail:\n  li t0, 0x1000000\n  slli t1, gp, 1\n  ori t1, t1, 1\n  sw t1, 8(t0)\n"
          "  sw zero, 0(t0)\n1:\n  j 1b\n"
          "pass:\n  li t0, 0x1000000\n  li t1, 1\n  sw t1, 8(t0)\n  sw zero, 0(t0)\n2:\n  j 2b\n"
          /* expected trap: s4 = 1, s2 = mcause, s3 = mtval, s5 = mepc; skips the instruction */
          "  .align 2\ntrap_handler:\n  beqz s4, fail\n"
          "  csrr t0, mcause\n  bne t0, s2, fail\n"
          "  csrr t0, mtval\n  bne t0, s3, fail\n"
          "  csrr t0, mepc\n  bne t0, s5, fail\n"
          "  li s4, 0\n  addi t0, t0, 4\n  csrw mepc, t0\n  mret\n"
          "  .data\n  .align 3\nbuf:\n  .space 512\n");
}

/* ---------------------------------------------------------------- R-type */
static void rr_case(const char *op, uint32_t a, uint32_t b) {
  begin_case();
  fprintf(out, "  li a0, 0x%08" PRIx32 "\n  li a1, 0x%08" PRIx32 "\n", a, b);
  switch (rnd() % 5) {
    case 0:  /* rd = rs1 */
      fprintf(out, "  %s a0, a0, a1\n", op); check("a0", ref_op(op, a, b)); check("a1", b); break;
    case 1:  /* rd = rs2 */
      fprintf(out, "  %s a1, a0, a1\n", op); check("a1", ref_op(op, a, b)); check("a0", a); break;
    case 2:  /* rs1 = rs2 */
      fprintf(out, "  %s a2, a0, a0\n", op); check("a2", ref_op(op, a, a)); break;
    case 3:  /* x0 as a source */
      fprintf(out, "  %s a2, zero, a1\n", op); check("a2", ref_op(op, 0, b)); break;
    default:
      fprintf(out, "  %s a2, a0, a1\n", op); check("a2", ref_op(op, a, b)); break;
  }
  /* a write to x0 is discarded */
  fprintf(out, "  %s zero, a0, a1\n  bnez zero, fail\n", op);
}

static void ri_case(const char *op, const char *base, uint32_t a, uint32_t imm12) {
  begin_case();
  uint32_t b = sext12(imm12);
  int32_t simm = (int32_t)b;
  fprintf(out, "  li a0, 0x%08" PRIx32 "\n  %s a2, a0, %" PRId32 "\n", a, op, simm);
  check("a2", ref_op(base, a, b));
}

static void shift_imm_case(const char *op, const char *base, uint32_t a, unsigned sh) {
  begin_case();
  fprintf(out, "  li a0, 0x%08" PRIx32 "\n  %s a2, a0, %u\n", a, op, sh);
  check("a2", ref_op(base, a, sh));
  fprintf(out, "  %s a0, a0, %u\n", op, sh);
  check("a0", ref_op(base, a, sh));
}

static void gen_alu(void) {
  static const char *rr[] = { "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and" };
  for (size_t i = 0; i < sizeof rr / sizeof rr[0]; i++) {
    /* every edge pair for shifts' amount handling, plus random mixes */
    for (int k = 0; k < 12; k++) rr_case(rr[i], pick(), pick());
    rr_case(rr[i], 0x80000000u, 32u);  /* shift by 32 -> by 0 */
    rr_case(rr[i], 0x80000001u, 63u);
    rr_case(rr[i], 0xF0F0F0F0u, 0xFFFFFFE1u);
  }
  static const char *ri[][2] = { { "addi", "add" }, { "slti", "slt" }, { "sltiu", "sltu" },
                                 { "xori", "xor" }, { "ori", "or" }, { "andi", "and" } };
  static const uint32_t imms[] = { 0, 1, 0x7FF, 0x800, 0xFFF, 0x7FE, 0x801 };
  for (size_t i = 0; i < 6; i++) {
    for (size_t k = 0; k < sizeof imms / sizeof imms[0]; k++) ri_case(ri[i][0], ri[i][1], pick(), imms[k]);
    for (int k = 0; k < 10; k++) ri_case(ri[i][0], ri[i][1], pick(), rnd() & 0xFFFu);
  }
  static const char *si[][2] = { { "slli", "sll" }, { "srli", "srl" }, { "srai", "sra" } };
  for (size_t i = 0; i < 3; i++) {
    static const unsigned shs[] = { 0, 1, 7, 15, 16, 30, 31 };
    for (size_t k = 0; k < sizeof shs / sizeof shs[0]; k++) shift_imm_case(si[i][0], si[i][1], 0x80000000u | rnd(), shs[k]);
    for (int k = 0; k < 6; k++) shift_imm_case(si[i][0], si[i][1], pick(), rnd() & 31u);
  }
  static const uint32_t luis[] = { 0, 1, 0x80000, 0xFFFFF, 0x7FFFF, 0x12345 };
  for (size_t k = 0; k < sizeof luis / sizeof luis[0]; k++) {
    begin_case();
    fprintf(out, "  lui a2, 0x%" PRIx32 "\n", luis[k]);
    check("a2", luis[k] << 12);
    /* auipc against the link value of a jal to the next instruction */
    begin_case();
    fprintf(out, "  jal a5, .Lc%u\n.Lc%u:\n  auipc a2, 0x%" PRIx32 "\n  li a4, 0x%08" PRIx32
                 "\n  add a4, a4, a5\n  bne a2, a4, fail\n",
            ncase, ncase, luis[k], luis[k] << 12);
  }
}

/* ---------------------------------------------------------------- branches, jumps */
static void gen_branch(void) {
  static const char *br[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
  for (size_t i = 0; i < 6; i++) {
    for (int k = 0; k < 24; k++) {
      uint32_t a = pick(), b = (k % 3 == 0) ? a : pick();
      int t = ref_branch(br[i], a, b);
      begin_case();
      unsigned n = ncase;
      fprintf(out, "  li a0, 0x%08" PRIx32 "\n  li a1, 0x%08" PRIx32 "\n  li a2, 0\n", a, b);
      if (k & 1) {  /* forward */
        fprintf(out, "  %s a0, a1, .Lb%u\n  addi a2, a2, 1\n.Lb%u:\n", br[i], n, n);
        check("a2", t ? 0 : 1);
      } else {      /* backward */
        fprintf(out, "  j .Lb%u_2\n.Lb%u_1:\n  addi a2, a2, 1\n  j .Lb%u_3\n.Lb%u_2:\n"
                     "  %s a0, a1, .Lb%u_1\n  addi a2, a2, 2\n.Lb%u_3:\n",
                n, n, n, n, br[i], n, n);
        check("a2", t ? 1 : 2);
      }
    }
  }
  /* a counted loop: 10 taken backward branches */
  begin_case();
  fprintf(out, "  li a0, 0\n  li a1, 10\n.Lloop%u:\n  addi a0, a0, 1\n  blt a0, a1, .Lloop%u\n", ncase, ncase);
  check("a0", 10);
  /* jal: link = next pc; skipped instruction not executed */
  for (int k = 0; k < 4; k++) {
    begin_case();
    unsigned n = ncase;
    fprintf(out, "  li a2, 0\n  jal a1, .Lj%u_t\n.Lj%u_r:\n  addi a2, a2, 1\n  j fail\n"
                 ".Lj%u_t:\n  la a3, .Lj%u_r\n  bne a1, a3, fail\n  bnez a2, fail\n",
            n, n, n, n);
  }
  begin_case();  /* backward jal with x0 */
  fprintf(out, "  li a2, 0\n  j .Ljb%u_2\n.Ljb%u_1:\n  addi a2, a2, 5\n  j .Ljb%u_3\n.Ljb%u_2:\n"
               "  jal zero, .Ljb%u_1\n  j fail\n.Ljb%u_3:\n",
          ncase, ncase, ncase, ncase, ncase, ncase);
  check("a2", 5);
  /* jalr: offsets, lsb cleared, rd = rs1 */
  static const int offs[] = { 0, 8, -8, 2047, -2048 };
  for (size_t k = 0; k < 5; k++) {
    for (int odd = 0; odd < 2; odd++) {
      begin_case();
      unsigned n = ncase;
      fprintf(out, "  la a0, .Ljr%u_t\n  li t5, %d\n  sub a0, a0, t5\n", n, offs[k] - odd);
      fprintf(out, "  jalr a1, %d(a0)\n.Ljr%u_r:\n  j fail\n.Ljr%u_t:\n  la a3, .Ljr%u_r\n"
                   "  bne a1, a3, fail\n",
              offs[k], n, n, n);
    }
  }
  begin_case();
  fprintf(out, "  la a0, .Ljrs%u_t\n  jalr a0, 0(a0)\n.Ljrs%u_r:\n  j fail\n.Ljrs%u_t:\n"
               "  la a3, .Ljrs%u_r\n  bne a0, a3, fail\n",
          ncase, ncase, ncase, ncase);
  /* fence and fence.i are no-ops that must not disturb execution */
  begin_case();
  fprintf(out, "  li a2, 7\n  fence\n  fence rw, rw\n  .word 0x0000100f\n  addi a2, a2, 1\n");
  check("a2", 8);
}

/* ---------------------------------------------------------------- loads/stores */
static uint8_t mem[512];

static void gen_mem(void) {
  /* fill a 512-byte window spanning every dmem bank, byte stores at random */
  begin_case();
  fprintf(out, "  la a0, buf\n");
  for (unsigned i = 0; i < 512; i += 4) {
    uint32_t w = rnd();
    memcpy(mem + i, &w, 4);
    fprintf(out, "  li a1, 0x%08" PRIx32 "\n  sw a1, %u(a0)\n", w, i < 2048 ? i : 0);
  }
  for (unsigned i = 0; i < 512; i += 4) {
    uint32_t w;
    memcpy(&w, mem + i, 4);
    fprintf(out, "  lw a2, %u(a0)\n", i);
    check("a2", w);
  }
  static const char *lds[] = { "lb", "lh", "lw", "lbu", "lhu" };
  static const char *sts[] = { "sb", "sh", "sw" };
  for (int k = 0; k < 200; k++) {
    begin_case();
    int isstore = k & 1;
    unsigned size = 1u << (rnd() % 3);
    unsigned addr = (rnd() % (512 / size)) * size;
    int base = (int)(rnd() % 512);           /* base register points anywhere in buf */
    int off = (int)addr - base;               /* so offsets are positive and negative */
    fprintf(out, "  la a0, buf\n  addi a0, a0, %d\n", base);
    if (isstore) {
      uint32_t v = rnd();
      memcpy(mem + addr, &v, size);  /* little-endian host */
      fprintf(out, "  li a1, 0x%08" PRIx32 "\n  %s a1, %d(a0)\n", v, sts[size / 2], off);
      unsigned wa = addr & ~3u;
      uint32_t w;
      memcpy(&w, mem + wa, 4);
      fprintf(out, "  lw a2, %d(a0)\n", (int)wa - base);
      check("a2", w);
    } else {
      const char *op;
      uint32_t v = 0;
      memcpy(&v, mem + addr, size);
      if (size == 4) op = "lw";
      else if (rnd() & 1) op = lds[size == 1 ? 3 : 4];
      else {
        op = lds[size == 1 ? 0 : 1];
        if (size == 1 && (v & 0x80u)) v |= 0xFFFFFF00u;
        if (size == 2 && (v & 0x8000u)) v |= 0xFFFF0000u;
      }
      fprintf(out, "  %s a2, %d(a0)\n", op, off);
      check("a2", v);
    }
  }
  /* load into the base register itself */
  begin_case();
  {
    uint32_t w;
    memcpy(&w, mem + 64, 4);
    fprintf(out, "  la a0, buf\n  lw a0, 64(a0)\n");
    check("a0", w);
  }
  /* data accesses to imem (top word, unused by code) and to an MMIO register */
  begin_case();
  fprintf(out, "  li a0, 0x3FFC\n  li a1, 0x5A5AA5A5\n  sw a1, 0(a0)\n  sb zero, 1(a0)\n  lw a2, 0(a0)\n");
  check("a2", 0x5A5A00A5u);
  begin_case();
  fprintf(out, "  li a0, 0x10000AC\n  li a1, 0x13579BDF\n  sw a1, 0(a0)\n  lw a2, 0(a0)\n");
  check("a2", 0x13579BDFu);
  /* unmapped addresses read as zero, writes are dropped */
  begin_case();
  fprintf(out, "  li a0, 0x30000\n  li a1, -1\n  sw a1, 0(a0)\n  lw a2, 0(a0)\n");
  check("a2", 0);
  /* 0x20000 (where MMIO used to be) is unmapped on the default 48 KiB PE */
  begin_case();
  fprintf(out, "  li a0, 0x20000\n  li a1, -1\n  sw a1, 0(a0)\n  lw a2, 0(a0)\n");
  check("a2", 0);
  /* MMIO DMEM_BYTES: the default PE's 48 KiB */
  begin_case();
  fprintf(out, "  li a0, 0x1000000\n  lw a2, 0x2C(a0)\n");
  check("a2", 49152u);
}

/* ---------------------------------------------------------------- M extension */
static void gen_muldiv(void) {
  static const char *ops[] = { "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu" };
  for (size_t i = 0; i < 8; i++) {
    for (size_t e = 0; e < NEDGE; e += 2) rr_case(ops[i], edge[e], edge[(e * 5 + 3) % NEDGE]);
    rr_case(ops[i], 0x80000000u, 0xFFFFFFFFu);   /* signed overflow */
    rr_case(ops[i], 0x80000000u, 0u);            /* by zero */
    rr_case(ops[i], 12345u, 0u);
    rr_case(ops[i], 0xFFFFFF85u, 0u);            /* negative by zero */
    rr_case(ops[i], 0xFFFFFF85u, 7u);            /* -123 / 7 truncates toward 0 */
    rr_case(ops[i], 123u, 0xFFFFFFF9u);
    rr_case(ops[i], 0xFFFFFF85u, 0xFFFFFFF9u);
    rr_case(ops[i], 0xFFFFFFFFu, 0xFFFFFFFFu);
    for (int k = 0; k < 20; k++) rr_case(ops[i], pick(), pick());
  }
  /* back-to-back dependent multi-cycle ops */
  begin_case();
  fprintf(out, "  li a0, 1000\n  li a1, 7\n  div a2, a0, a1\n  mul a3, a2, a1\n  rem a4, a0, a1\n"
               "  add a3, a3, a4\n");
  check("a3", 1000);
}

/* ---------------------------------------------------------------- CSRs */
static void gen_csr(void) {
  for (int k = 0; k < 8; k++) {
    uint32_t a = rnd(), b = rnd(), c = rnd();
    begin_case();
    fprintf(out, "  li a0, 0x%08" PRIx32 "\n  csrw mscratch, a0\n  li a1, 0x%08" PRIx32 "\n"
                 "  csrrs a2, mscratch, a1\n", a, b);
    check("a2", a);
    fprintf(out, "  csrr a3, mscratch\n");
    check("a3", a | b);
    fprintf(out, "  li a1, 0x%08" PRIx32 "\n  csrrc a2, mscratch, a1\n", c);
    check("a2", a | b);
    fprintf(out, "  csrrw a2, mscratch, a0\n");
    check("a2", (a | b) & ~c);
    fprintf(out, "  csrr a3, mscratch\n");
    check("a3", a);
    unsigned u = rnd() & 31u;
    fprintf(out, "  csrrwi a2, mscratch, %u\n  csrrsi a2, mscratch, 0\n", u);
    check("a2", u);
    fprintf(out, "  csrrsi a2, mscratch, 0x10\n  csrrci a2, mscratch, 1\n  csrr a3, mscratch\n");
    check("a3", (u | 16u) & ~1u);
  }
  /* mtvec / mepc / mcause / mtval are writable; mtvec keeps bits 1:0 zero */
  begin_case();
  fprintf(out, "  csrr s6, mtvec\n  li a0, 0x1237\n  csrw mtvec, a0\n  csrr a2, mtvec\n  csrw mtvec, s6\n");
  check("a2", 0x1234u);
  begin_case();
  fprintf(out, "  csrr a2, misa\n");
  check("a2", 0x40001100u);
  /* instret counts retired instructions; cycle advances one per simple instruction */
  for (int n = 1; n <= 5; n += 2) {
    begin_case();
    fprintf(out, "  csrr a0, instret\n");
    for (int i = 0; i < n; i++) fprintf(out, "  addi x0, x0, 0\n");
    fprintf(out, "  csrr a1, instret\n  sub a2, a1, a0\n");
    check("a2", (uint32_t)n + 1);
    begin_case();
    fprintf(out, "  csrr a0, cycle\n");
    for (int i = 0; i < n; i++) fprintf(out, "  add t1, t1, t1\n");
    fprintf(out, "  csrr a1, cycle\n  sub a2, a1, a0\n");
    check("a2", (uint32_t)n + 1);
  }
  begin_case();  /* a load takes two cycles, a multiply two */
  fprintf(out, "  la t1, buf\n  csrr a0, cycle\n  lw t2, 0(t1)\n  mul t3, t2, t2\n  csrr a1, cycle\n"
               "  sub a2, a1, a0\n");
  check("a2", 5);
  begin_case();
  fprintf(out, "  rdcycleh a0\n  rdinstreth a1\n  or a2, a0, a1\n  rdtime a3\n  rdtimeh a4\n");
  check("a2", 0);
  /* coordinates: the host puts x | y << 8 in MBOX_IN before starting */
  begin_case();
  fprintf(out, "  li t0, 0x1000000\n  lw a0, 12(t0)\n  andi a1, a0, 63\n  srli a2, a0, 8\n"
               "  slli a3, a2, 6\n  or a3, a3, a1\n  csrr a4, mhartid\n  bne a3, a4, fail\n"
               "  slli a3, a2, 16\n  or a3, a3, a1\n  csrr a4, 0xFC0\n  bne a3, a4, fail\n"
               "  lw a5, 4(t0)\n  bne a5, a0, fail\n");
  /* WFI returns once an event is pending: a zero-length descriptor completes at once */
  begin_case();
  fprintf(out, "  li t0, 0x10000A0\n  sw zero, 0(t0)\n  li t0, 0x1000084\n  li t1, 1\n  sw t1, 0(t0)\n"
               "  wfi\n  lw a2, 0(t0)\n");
  check("a2", 2);  /* done, not busy */
}

/* ---------------------------------------------------------------- traps */
static void expect_trap(uint32_t cause, const char *tval_expr) {
  unsigned n = ncase;
  fprintf(out, "  li s2, %" PRIu32 "\n  la s5, .Lt%u_i\n  %s\n  li s4, 1\n  li a2, 0x5555\n.Lt%u_i:\n",
          cause, n, tval_expr, n);
}
static void after_trap(void) {
  fprintf(out, "  bnez s4, fail\n");
  check("a2", 0x5555);
}

static uint32_t enc_j(unsigned rd, int32_t imm) {
  uint32_t u = (uint32_t)imm;
  return ((u >> 20) & 1u) << 31 | ((u >> 1) & 0x3FFu) << 21 | ((u >> 11) & 1u) << 20 |
         ((u >> 12) & 0xFFu) << 12 | rd << 7 | 0x6Fu;
}
static uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm) {
  uint32_t u = (uint32_t)imm;
  return ((u >> 12) & 1u) << 31 | ((u >> 5) & 0x3Fu) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
         ((u >> 1) & 0xFu) << 8 | ((u >> 11) & 1u) << 7 | 0x63u;
}

static void gen_trap(void) {
  static const struct { const char *op; int store; unsigned size; } m[] = {
    { "lw", 0, 4 }, { "lh", 0, 2 }, { "lhu", 0, 2 }, { "sw", 1, 4 }, { "sh", 1, 2 } };
  for (size_t i = 0; i < 5; i++) {
    for (unsigned off = 1; off < 4; off++) {
      if (m[i].size == 2 && off == 2) continue;
      begin_case();
      char tv[64];
      snprintf(tv, sizeof tv, "addi s3, a0, %u", off);
      fprintf(out, "  la a0, buf\n  li a1, 0x11223344\n  sw a1, 0(a0)\n  sw a1, 4(a0)\n  li a1, -1\n");
      expect_trap(m[i].store ? 6 : 4, tv);
      if (m[i].store) fprintf(out, "  %s a1, %u(a0)\n", m[i].op, off);
      else fprintf(out, "  %s a2, %u(a0)\n", m[i].op, off);
      after_trap();
      /* a faulting store leaves memory alone */
      fprintf(out, "  lw a3, 0(a0)\n  lw a4, 4(a0)\n  bne a3, a4, fail\n");
      check("a3", 0x11223344u);
    }
  }
  /* byte accesses and aligned halfwords never trap: covered in the mem tests */
  begin_case();  /* jalr to a 2-aligned target: trap, rd unchanged, mtval = target */
  fprintf(out, "  la a0, .Lt%u_i\n  addi a0, a0, 10\n", ncase);
  expect_trap(0, "mv s3, a0");
  fprintf(out, "  jalr a2, 0(a0)\n");
  after_trap();
  begin_case();  /* jal +6 */
  expect_trap(0, "addi s3, s5, 6");
  fprintf(out, "  .word 0x%08" PRIx32 "\n", enc_j(12, 6));
  after_trap();
  begin_case();  /* taken branch to pc+6 traps; untaken does not */
  fprintf(out, "  li a0, 1\n");
  expect_trap(0, "addi s3, s5, 6");
  fprintf(out, "  .word 0x%08" PRIx32 "\n", enc_b(0, 0, 0, 6));
  after_trap();
  begin_case();
  fprintf(out, "  li a2, 0\n  .word 0x%08" PRIx32 "\n  addi a2, a2, 1\n", enc_b(1, 0, 0, 6));
  check("a2", 1);
  begin_case();
  expect_trap(11, "li s3, 0");
  fprintf(out, "  ecall\n");
  after_trap();
  begin_case();
  expect_trap(3, "mv s3, s5");
  fprintf(out, "  ebreak\n");
  after_trap();
  static const uint32_t illegal[] = {
    0x00000000u, 0xFFFFFFFFu,
    0xC0051073u,               /* csrw cycle, a0: read-only CSR */
    0x7C002673u,               /* csrr a2, 0x7C0: no such CSR */
    0x40001633u | (1u << 25),  /* funct7 0100001 on add */
    0x00002603u | (3u << 12),  /* ld (RV64) */
    0x40001613u,               /* slli with funct7 bit set */
    0x0000200Fu,               /* MISC-MEM funct3 2 */
    0x00200073u,               /* uret-like SYSTEM encoding */
  };
  for (size_t i = 0; i < sizeof illegal / sizeof illegal[0]; i++) {
    begin_case();
    char tv[64];
    snprintf(tv, sizeof tv, "li s3, 0x%08" PRIx32, illegal[i]);
    expect_trap(2, tv);
    fprintf(out, "  .word 0x%08" PRIx32 "\n", illegal[i]);
    after_trap();
  }
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: gen_isa OUTDIR\n"); return 2; }
  static const struct { const char *name; void (*fn)(void); } files[] = {
    { "alu", gen_alu }, { "branch", gen_branch }, { "mem", gen_mem },
    { "muldiv", gen_muldiv }, { "csr", gen_csr }, { "trap", gen_trap } };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/isa_%s.S", argv[1], files[i].name);
    out = fopen(path, "w");
    if (!out) { perror(path); return 1; }
    fprintf(out, "/* generated by tests/gen_isa.c: do not edit */\n");
    prologue();
    files[i].fn();
    epilogue();
    fclose(out);
  }
  return 0;
}
