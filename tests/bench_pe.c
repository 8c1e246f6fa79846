#define _POSIX_C_SOURCE 199309L
/* PE bench: tensor-unit throughput (MACs per busy cycle, from the PE's own
 * counters), core CPI on the dot_reduce firmware, and simulation speed.
 * Writes one JSON object (the "pe" section of build/bench.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pe_tb.h"
#include "pe_tu_model.h"

static uint8_t model[65536];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what) { fprintf(stderr, "bench_pe: %s\n", what); exit(1); }

/* Runs a DOT descriptor from SRAM (or from color 3), returns MACs per busy cycle. */
static double dot_rate(pe_tb *t, uint32_t len, uint32_t rows, uint32_t bs, int from_color,
                       uint32_t *busy_out) {
  tu_desc d;
  memset(&d, 0, sizeof d);
  unsigned dst = rows > 1 ? TU_DST_SRAM : TU_DST_ACC;
  d.cfg = tu_cfg(TU_DOT, from_color ? 1 : 0, dst, 0, 0, 3, 0);
  d.a = 0; d.as = len; d.b = 16384 + 8; d.bs = bs; d.d = 32768; d.ds = 4;
  d.len = len; d.rows = rows;
  uint32_t regs[13] = { d.cfg, 0, d.a, d.as, d.b, d.bs, d.d, d.ds, d.len, d.rows, 0, 0, 0 };
  if (tb_write(t, PE_TU_BASE, regs, 13)) die("program");
  uint32_t nin = from_color ? rows * (len / 4) : 0;
  uint32_t *cin = calloc(nin + 1, 4);
  t->ci_n = t->ci_head = 0;
  for (uint32_t i = 0; i < nin; i++) { cin[i] = tb_rand(t); tb_color_push(t, 3, cin[i]); }
  tu_desc md = d;
  size_t used, nout = 0;
  uint32_t cout[64];
  tu_model_run(&md, model, cin, nin, &used, cout, &nout);
  if (tb_wr32(t, PE_CNT_CLEAR, 0)) die("clear");
  if (tb_wr32(t, PE_TU_BASE + 4, 1)) die("start");
  while ((tb_rd32(t, PE_TU_BASE + 4) & 3u) != 2u) tb_run(t, 50);
  uint32_t busy = tb_rd32(t, PE_CNT_TU_BUSY), macs = tb_rd32(t, PE_CNT_TU_MACS);
  if (macs != len * rows) die("MAC count");
  if (dst == TU_DST_ACC && tb_rd32(t, PE_TU_BASE + 0x30) != md.acc) die("dot result");
  free(cin);
  *busy_out = busy;
  return (double)macs / busy;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: bench_pe OUT.json\n"); return 2; }
  pe_tb *t = tb_new(0, 0, 77u);
  uint32_t s = 5;
  for (uint32_t i = 0; i < 40960; i++) { s = s * 1103515245u + 12345u; model[i] = (uint8_t)(s >> 16); }
  if (tb_write_bytes(t, PE_DMEM_BASE, model, 40960)) die("fill");

  uint32_t b256, b4096, bgemv, bcol;
  double t0 = now_s();
  uint64_t c0 = tb_now(t);
  double r256 = dot_rate(t, 256, 1, 0, 0, &b256);
  double r4096 = dot_rate(t, 4096, 1, 0, 0, &b4096);
  double rgemv = dot_rate(t, 256, 32, 0, 0, &bgemv);
  double rcol = dot_rate(t, 1024, 1, 0, 1, &bcol);
  double sim_s = now_s() - t0;
  uint64_t sim_cycles = tb_now(t) - c0;
  tb_free(t);

  /* firmware CPI */
  t = tb_new(3, 1, 9u);
  if (tb_load_file(t, PE_FW_DIR "/dot_reduce.imem.bin", PE_IMEM_BASE) ||
      tb_load_file(t, PE_FW_DIR "/dot_reduce.dmem.bin", PE_DMEM_BASE)) die("firmware load");
  int to = 0;
  if (tb_run_program(t, 3000000, &to) != 0x600Du || to) die("firmware run");
  uint32_t r[11];
  if (tb_read(t, PE_DMEM_BASE, r, 11)) die("firmware results");
  tb_free(t);

  FILE *f = fopen(argv[1], "w");
  if (!f) die("cannot write output");
  fprintf(f, "{\n  \"lanes\": %u,\n", TU_LANES);
  fprintf(f, "  \"tu_dot256_macs_per_cycle\": %.3f,\n  \"tu_dot256_busy_cycles\": %u,\n", r256, b256);
  fprintf(f, "  \"tu_dot4096_macs_per_cycle\": %.3f,\n  \"tu_dot4096_busy_cycles\": %u,\n", r4096, b4096);
  fprintf(f, "  \"tu_gemv32x256_macs_per_cycle\": %.3f,\n", rgemv);
  fprintf(f, "  \"tu_dot4096_utilization\": %.4f,\n", r4096 / TU_LANES);
  fprintf(f, "  \"tu_dot1024_from_color_macs_per_cycle\": %.3f,\n", rcol);
  fprintf(f, "  \"fw_dot_reduce_cpi\": %.3f,\n", (double)r[9] / r[10]);
  fprintf(f, "  \"fw_sw_dot_loop_cpi\": %.3f,\n", (double)r[5] / r[6]);
  fprintf(f, "  \"fw_tu_dot1024_cycles\": %u,\n  \"fw_sw_dot1024_cycles\": %u,\n", r[7], r[5]);
  fprintf(f, "  \"sim_cycles_per_s\": %.0f\n}\n", sim_s > 0 ? sim_cycles / sim_s : 0.0);
  fclose(f);
  return 0;
}
