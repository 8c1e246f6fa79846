/* Demo/test firmware: fills int8 vectors and a weight matrix with a fixed
 * LCG, computes an int8 dot product on the tensor unit and on the core,
 * a 16x256 GEMV on the tensor unit (sleeping in WFI until it completes), and
 * reduces the GEMV outputs (sum, max) on the core. Results go to a struct at
 * the start of dmem (0x10000) that the host reads back. */
#include <stdint.h>
#include "wl_pe.h"

#define N 1024
#define ROWS 16
#define COLS 256

struct results {
  uint32_t magic;
  int32_t tu_dot, sw_dot, gemv_sum, gemv_max;
  uint32_t sw_cycles, sw_instret, tu_cycles, gemv_cycles;
  uint32_t ctl_cycles, ctl_instret;
  int32_t y[ROWS];
};

__attribute__((section(".data.results"))) volatile struct results res;

static int8_t a[N + 8] __attribute__((aligned(64)));
static int8_t b[N + 8] __attribute__((aligned(64)));
static int8_t w[ROWS * COLS] __attribute__((aligned(64)));
static int32_t y[ROWS] __attribute__((aligned(8)));

static uint32_t lcg_state;
static int8_t next_i8(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return (int8_t)(lcg_state >> 24);
}

int main(void) {
  uint32_t c0 = wl_cycles(), i0 = wl_instret();
  lcg_state = 12345u;
  for (int i = 0; i < N; i++) a[i] = next_i8();
  /* b starts one beat later so a and b stream from different banks */
  for (int i = 0; i < N; i++) b[i + 8] = next_i8();
  for (int i = 0; i < ROWS * COLS; i++) w[i] = next_i8();

  /* software dot product on the core */
  uint32_t s0 = wl_cycles(), si = wl_instret();
  int32_t s = 0;
  for (int i = 0; i < N; i++) s += a[i] * b[i + 8];
  res.sw_cycles = wl_cycles() - s0;
  res.sw_instret = wl_instret() - si;
  res.sw_dot = s;

  /* the same on the tensor unit */
  uint32_t t0 = wl_cycles();
  res.tu_dot = wl_tu_dot(a, b + 8, N);
  res.tu_cycles = wl_cycles() - t0;

  /* GEMV: y = W a[8..8+COLS) on the tensor unit; the core sleeps until done.
   * a + 8 sits one bank after the (bank-aligned) weight rows: no conflicts. */
  uint32_t g0 = wl_cycles();
  wl_tu_gemv(y, w, a + 8, COLS, ROWS);
  wl_tu_wait();
  res.gemv_cycles = wl_cycles() - g0;

  /* reduction on the core */
  int32_t sum = 0, mx = y[0];
  for (int r = 0; r < ROWS; r++) {
    res.y[r] = y[r];
    sum += y[r];
    if (y[r] > mx) mx = y[r];
  }
  res.gemv_sum = sum;
  res.gemv_max = mx;
  res.ctl_cycles = wl_cycles() - c0;
  res.ctl_instret = wl_instret() - i0;
  res.magic = 0x600DD07u;
  return 0x600D;
}
