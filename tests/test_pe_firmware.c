/* Runs the C firmware build/firmware/dot_reduce on the Verilated PE (loaded
 * through WRITE packets) and checks its results against a host recomputation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "pe_tb.h"

#define N 1024
#define ROWS 16
#define COLS 256
enum { R_MAGIC, R_TU_DOT, R_SW_DOT, R_SUM, R_MAX, R_SW_CYC, R_SW_INS, R_TU_CYC, R_GEMV_CYC,
       R_CTL_CYC, R_CTL_INS, R_Y, R_WORDS = R_Y + ROWS };

static uint32_t lcg;
static int8_t next_i8(void) {
  lcg = lcg * 1664525u + 1013904223u;
  return (int8_t)(lcg >> 24);
}

static void test_dot_reduce(void **state) {
  (void)state;
  static int8_t a[N], b[N], w[ROWS * COLS];
  lcg = 12345u;
  for (int i = 0; i < N; i++) a[i] = next_i8();
  for (int i = 0; i < N; i++) b[i] = next_i8();
  for (int i = 0; i < ROWS * COLS; i++) w[i] = next_i8();
  int32_t dot = 0, y[ROWS], sum = 0, mx;
  for (int i = 0; i < N; i++) dot += a[i] * b[i];
  for (int r = 0; r < ROWS; r++) {
    y[r] = 0;
    for (int c = 0; c < COLS; c++) y[r] += w[r * COLS + c] * a[8 + c];
    sum += y[r];
  }
  mx = y[0];
  for (int r = 1; r < ROWS; r++) if (y[r] > mx) mx = y[r];

  pe_tb *t = tb_new(3, 1, 9u);
  assert_int_equal(tb_load_file(t, PE_FW_DIR "/dot_reduce.imem.bin", PE_IMEM_BASE), 0);
  assert_int_equal(tb_load_file(t, PE_FW_DIR "/dot_reduce.dmem.bin", PE_DMEM_BASE), 0);
  int timed_out = 0;
  uint32_t rc = tb_run_program(t, 3000000, &timed_out);
  assert_false(timed_out);
  assert_int_equal(rc, 0x600Du);
  uint32_t r[R_WORDS];
  assert_int_equal(tb_read(t, PE_DMEM_BASE, r, R_WORDS), 0);
  assert_int_equal(r[R_MAGIC], 0x600DD07u);
  assert_int_equal((int32_t)r[R_SW_DOT], dot);
  assert_int_equal((int32_t)r[R_TU_DOT], dot);
  for (int i = 0; i < ROWS; i++) assert_int_equal((int32_t)r[R_Y + i], y[i]);
  assert_int_equal((int32_t)r[R_SUM], sum);
  assert_int_equal((int32_t)r[R_MAX], mx);
  print_message("dot_reduce: sw dot %u cycles / %u instr (CPI %.3f), tu dot %u cycles, "
                "gemv %u cycles, whole program CPI %.3f\n",
                r[R_SW_CYC], r[R_SW_INS], (double)r[R_SW_CYC] / r[R_SW_INS], r[R_TU_CYC],
                r[R_GEMV_CYC], (double)r[R_CTL_CYC] / r[R_CTL_INS]);
  tb_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = { cmocka_unit_test(test_dot_reduce) };
  return cmocka_run_group_tests_name("pe_firmware", tests, NULL, NULL);
}
