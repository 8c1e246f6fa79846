/* Tensor-unit tests: random descriptors on the Verilated PE against the C
 * model (tests/pe_tu_model.c), with SRAM and fabric-sourced operands, random
 * valid/ready gaps on the color links, and host traffic into the same banks
 * while the unit runs. The host programs the unit through WRITE packets.
 * Built twice (mk/pe.mk): on the default 48 KiB PE, and as test_pe_tensor_d256k on a
 * PE with 256 KiB of dmem, where every operand sits above 64 KiB (TU_WIN_BASE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pe_tb.h"
#include "pe_tu_model.h"

#define WIN 12288u          /* dmem window the tests compare */
#define MAXW 4096u
#ifndef TU_WIN_BASE
#define TU_WIN_BASE 0u      /* dmem offset of that window */
#endif
#define WB TU_WIN_BASE

static uint8_t model[TU_OFF_MASK + 1u];
static uint8_t hw[WIN];
static uint32_t cin[MAXW], cout_m[MAXW];

static void tu_program(pe_tb *t, const tu_desc *d) {
  uint32_t regs[13] = { d->cfg, 0, d->a, d->as, d->b, d->bs, d->d, d->ds,
                        d->len, d->rows, d->shift, d->scalar, d->acc };
  assert_int_equal(tb_write(t, PE_TU_BASE, regs, 13), 0);
}

static void tu_start(pe_tb *t) { assert_int_equal(tb_wr32(t, PE_TU_BASE + 4, 1), 0); }

static void tu_wait(pe_tb *t) {
  uint64_t start = tb_now(t);
  for (;;) {
    uint32_t s = tb_rd32(t, PE_TU_BASE + 4);
    if ((s & 3u) == 2u) return;
    assert_true(tb_now(t) - start < 400000);
    tb_run(t, 20);
  }
}

static void fill_window(pe_tb *t, uint32_t seed) {
  uint32_t s = seed;
  for (uint32_t i = 0; i < WIN; i++) {
    s = s * 1103515245u + 12345u;
    model[WB + i] = (uint8_t)(s >> 16);
  }
  assert_int_equal(tb_write_bytes(t, PE_DMEM_BASE + WB, model + WB, WIN), 0);
}

static void compare_window(pe_tb *t, int ncase) {
  assert_int_equal(tb_read_bytes(t, PE_DMEM_BASE + WB, hw, WIN), 0);
  for (uint32_t i = 0; i < WIN; i++) {
    if (hw[i] != model[WB + i]) {
      print_error("case %d: dmem[0x%05x] = 0x%02x, model 0x%02x\n", ncase, WB + i, hw[i],
                  model[WB + i]);
      fail();
    }
  }
}

static uint32_t urand(pe_tb *t, uint32_t n) { return tb_rand(t) % n; }

/* One descriptor: run it on the PE and on the model, compare everything. */
static void run_case(pe_tb *t, tu_desc *d, int ncase, int host_traffic) {
  unsigned asrc = (d->cfg >> 4) & 1u, csrc = (d->cfg >> 16) & 31u, cdst = (d->cfg >> 24) & 31u;
  unsigned op = d->cfg & 15u;
  uint32_t esize = (op >= 1 && op <= 3) ? 4u : 1u;
  uint32_t nin = asrc ? d->rows * ((d->len * esize + 3) / 4) : 0;
  assert_true(nin <= MAXW);
  for (uint32_t i = 0; i < nin; i++) cin[i] = tb_rand(t);
  tu_program(t, d);
  t->ci_n = t->ci_head = 0;
  t->co_n = 0;
  for (uint32_t i = 0; i < nin; i++) tb_color_push(t, csrc, cin[i]);

  tu_desc md = *d;
  size_t used = 0, nout = 0;
  tu_model_run(&md, model, cin, nin, &used, cout_m, &nout);
  assert_int_equal(used, nin);

  tu_start(t);
  if (host_traffic) {  /* host writes into the same banks while the unit streams */
    uint32_t w[64];
    uint32_t at = WB + 8192u + 4u * urand(t, 512);
    for (int i = 0; i < 64; i++) w[i] = tb_rand(t);
    assert_int_equal(tb_write(t, PE_DMEM_BASE + at, w, 64), 0);
    for (int i = 0; i < 64; i++) memcpy(model + at + 4 * i, &w[i], 4);
  }
  tu_wait(t);
  assert_int_equal(t->ci_head, nin);
  if (t->co_n != nout) print_error("case %d: %zu color words out, model %zu\n", ncase, t->co_n, nout);
  assert_int_equal(t->co_n, nout);
  for (size_t i = 0; i < nout; i++) {
    assert_int_equal(t->co[i].color, cdst);
    if (t->co[i].data != cout_m[i])
      print_error("case %d: color word %zu = 0x%08x, model 0x%08x\n", ncase, i, t->co[i].data, cout_m[i]);
    assert_int_equal(t->co[i].data, cout_m[i]);
  }
  uint32_t acc = tb_rd32(t, PE_TU_BASE + 0x30);
  if (acc != md.acc) print_error("case %d: acc 0x%08x, model 0x%08x\n", ncase, acc, md.acc);
  assert_int_equal(acc, md.acc);
  compare_window(t, ncase);
}

static void random_desc(pe_tb *t, tu_desc *d, int allow_color) {
  unsigned op = urand(t, 6);
  unsigned dst = urand(t, 3);
  unsigned asrc = allow_color && urand(t, 3) == 0;
  unsigned bscalar = urand(t, 5) == 0;
  uint32_t esize = (op >= 1 && op <= 3) ? 4u : 1u;
  uint32_t len = (esize == 4) ? 1 + urand(t, 80) : 1 + urand(t, 320);
  if (op == TU_GDOT && urand(t, 2)) len = 40 * (1 + urand(t, 8)); /* whole chunks, as used */
  memset(d, 0, sizeof *d);
  uint32_t rb = len * esize, rbr = (rb + 7) & ~7u;
  d->rows = 1 + urand(t, 4);
  d->len = len;
  d->a = WB + 8 * urand(t, 32);
  d->as = rbr + 8 * urand(t, 4);
  d->b = WB + 2048 + 8 * urand(t, 32);
  d->bs = urand(t, 3) == 0 ? 0 : rbr + 8 * urand(t, 4);
  if (op == TU_DOT) { d->d = WB + 4096 + 4 * urand(t, 64); d->ds = 4 + 4 * urand(t, 8); }
  else if (op == TU_GDOT) { d->d = WB + 4096 + 8 * urand(t, 32); d->ds = 8 + 8 * urand(t, 8); }
  else { d->d = WB + 4096 + 8 * urand(t, 32); d->ds = rbr + 8 * urand(t, 4); }
  d->shift = urand(t, 48);
  d->scalar = tb_rand(t);
  d->acc = tb_rand(t);
  d->cfg = tu_cfg(op, asrc, dst, bscalar, urand(t, 2), urand(t, 32), urand(t, 32));
}

static void test_random_sram(void **state) {
  (void)state;
  pe_tb *t = tb_new(2, 3, 101u);
  fill_window(t, 1);
  for (int i = 0; i < 60; i++) {
    tu_desc d;
    random_desc(t, &d, 0);
    run_case(t, &d, i, i & 1);
  }
  tb_free(t);
}

static void test_random_fabric_backpressure(void **state) {
  (void)state;
  pe_tb *t = tb_new(1, 1, 202u);
  fill_window(t, 2);
  static const unsigned pct[] = { 100, 70, 35 };
  for (int i = 0; i < 60; i++) {
    tu_desc d;
    random_desc(t, &d, 1);
    if (i % 2 == 0) d.cfg |= 1u << 4;  /* half the cases stream A from a color */
    t->ci_pct = pct[urand(t, 3)];
    t->co_pct = pct[urand(t, 3)];
    run_case(t, &d, 100 + i, i % 3 == 0);
  }
  t->ci_pct = t->co_pct = 100;
  tb_free(t);
}

/* Words on the bound color wait in the fabric (backpressure) until the unit
 * runs; other colors go to the core's receive queue; TX queues send. */
static void test_bind_and_queues(void **state) {
  (void)state;
  pe_tb *t = tb_new(4, 2, 303u);
  fill_window(t, 3);
  tu_desc d;
  memset(&d, 0, sizeof d);
  d.cfg = tu_cfg(TU_ADD, 1, TU_DST_COLOR, 0, 0, 6, 11);
  d.b = WB + 2048; d.bs = 64; d.len = 16; d.rows = 2; d.d = WB + 4096;
  tu_program(t, &d);
  t->ci_n = t->ci_head = 0;
  t->co_n = 0;
  tb_color_push(t, 7, 0xCAFEF00Du);   /* not bound: lands in the RX queue */
  uint32_t words[32];
  for (int i = 0; i < 32; i++) { words[i] = tb_rand(t); tb_color_push(t, 6, words[i]); }
  tb_run(t, 300);
  assert_int_equal(t->ci_head, 1);   /* only the color-7 word was taken */
  assert_true(t->ci_stalls > 250);
  uint32_t fs = tb_rd32(t, PE_FAB_STATUS);
  assert_int_equal(fs & 1u, 1u);
  assert_int_equal((fs >> 8) & 31u, 7u);
  assert_int_equal(tb_rd32(t, PE_MMIO_BASE + 0x34), 0xCAFEF00Du);
  assert_int_equal(tb_rd32(t, PE_FAB_STATUS) & 1u, 0u);

  tu_desc md = d;
  size_t used = 0, nout = 0;
  tu_model_run(&md, model, words, 32, &used, cout_m, &nout);
  tu_start(t);
  tu_wait(t);
  assert_int_equal(t->ci_head, 33);
  assert_int_equal(t->co_n, nout);
  for (size_t i = 0; i < nout; i++) {
    assert_int_equal(t->co[i].data, cout_m[i]);
    assert_int_equal(t->co[i].color, 11u);
  }
  /* a host (or core) write to TX(color 9) leaves on the color link */
  t->co_n = 0;
  assert_int_equal(tb_wr32(t, PE_MMIO_BASE + 0x100 + 4 * 9, 0x12345678u), 0);
  tb_run(t, 10);
  assert_int_equal(t->co_n, 1);
  assert_int_equal(t->co[0].color, 9u);
  assert_int_equal(t->co[0].data, 0x12345678u);
  /* zero-length descriptor completes at once */
  d.len = 0;
  tu_program(t, &d);
  tu_start(t);
  assert_int_equal(tb_rd32(t, PE_TU_BASE + 4) & 3u, 2u);
  tb_free(t);
}

/* Long dot product: correctness here; the throughput figure goes to bench.json. */
static void test_long_dot(void **state) {
  (void)state;
  pe_tb *t = tb_new(0, 0, 404u);
  fill_window(t, 4);
  tu_desc d;
  memset(&d, 0, sizeof d);
  d.cfg = tu_cfg(TU_DOT, 0, TU_DST_ACC, 0, 0, 0, 0);
  d.a = WB; d.b = WB + 4096 + 8; d.len = 4096; d.rows = 1;
  tu_program(t, &d);
  assert_int_equal(tb_wr32(t, PE_CNT_CLEAR, 0), 0);
  tu_desc md = d;
  size_t used, nout = 0;
  tu_model_run(&md, model, NULL, 0, &used, cout_m, &nout);
  tu_start(t);
  tu_wait(t);
  assert_int_equal(tb_rd32(t, PE_TU_BASE + 0x30), md.acc);
  uint32_t busy = tb_rd32(t, PE_CNT_TU_BUSY), macs = tb_rd32(t, PE_CNT_TU_MACS);
  assert_int_equal(macs, 4096u);
  print_message("long dot: %u MACs in %u busy cycles (%.2f MACs/cycle)\n", macs, busy,
                (double)macs / busy);
  tb_free(t);
}

/* GDOT at the extremes: every product -128 * -128 or -128 * 127 with both scales 255,
 * so the row totals need more than 32 bits; and the MAC counter counts data beats only. */
static void test_gdot_extremes(void **state) {
  (void)state;
  pe_tb *t = tb_new(1, 2, 505u);
  fill_window(t, 5);
  const uint32_t chunks = 8, len = 40 * chunks;
  for (uint32_t r = 0; r < 2; r++)
    for (uint32_t i = 0; i < len; i++) {
      int scale = (i / 8) % 5 == 0;
      model[WB + r * len + i] = scale ? 255 : 0x80;                         /* A: -128 */
      model[WB + 2048 + r * len + i] = scale ? 255 : (r ? 0x7F : 0x80);     /* B: +-   */
    }
  assert_int_equal(tb_write_bytes(t, PE_DMEM_BASE + WB, model + WB, 4096), 0);
  tu_desc d;
  memset(&d, 0, sizeof d);
  d.cfg = tu_cfg(TU_GDOT, 0, TU_DST_SRAM, 0, 0, 0, 0);
  d.a = WB; d.as = len; d.b = WB + 2048; d.bs = len; d.d = WB + 4096; d.ds = 8;
  d.len = len; d.rows = 2;
  assert_int_equal(tb_wr32(t, PE_CNT_CLEAR, 0), 0);
  run_case(t, &d, 900, 0);
  int64_t row0, row1;
  memcpy(&row0, model + WB + 4096, 8);
  memcpy(&row1, model + WB + 4104, 8);
  assert_true(row0 == (int64_t)128 * 128 * 255 * 255 * 32 * chunks);
  assert_true(row1 == -(int64_t)128 * 127 * 255 * 255 * 32 * chunks);
  assert_int_equal(tb_rd32(t, PE_CNT_TU_MACS), 2 * 32 * chunks);
  tb_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_random_sram),
    cmocka_unit_test(test_random_fabric_backpressure),
    cmocka_unit_test(test_bind_and_queues),
    cmocka_unit_test(test_long_dot),
    cmocka_unit_test(test_gdot_extremes),
  };
  return cmocka_run_group_tests_name("pe_tensor", tests, NULL, NULL);
}
