/* Verilator C testbench for the Waferlet mesh fabric (rtl/wl_mesh.sv).
 * Every test programs the route tables through CFG packets from the host port,
 * runs one traffic pattern with random backpressure at every sink, and requires
 * a clean scoreboard: each wavelet at exactly its route's destinations, once, in
 * order per (source, color); each packet intact, once, in order; no stall.
 * WL_SEED=<n> reproduces a run; WL_SCALE=<k> multiplies the traffic budgets
 * (the long test and the bench use it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fabric_tb.h"

typedef struct {
  uint64_t seed;
  long scale;
} suite;

static fab_tb *mk(const suite *s, int salt, double sink_ready) {
  fab_opts o = {s->seed * 1000003u + (uint64_t)salt, sink_ready, 5000};
  return fab_new(&o);
}

static void finish(const suite *s, fab_tb *t, long max_cycles) {
  int rc = fab_run(t, max_cycles);
  if (rc == -2) fprintf(stderr, "fabric: run did not finish in %ld cycles\n", max_cycles);
  if (rc == 0) rc = fab_check_complete(t);
  const fab_stats *st = fab_get_stats(t);
  if (fab_errors(t) || rc)
    fprintf(stderr, "fabric: reproduce with WL_SEED=%llu\n", (unsigned long long)s->seed);
  printf("    %ld cycles, %ld wavelets in, %ld copies out, %ld packets, %ld reductions%s%s\n",
         st->cycles, st->col_injected, st->col_delivered, st->pkt_received, st->reduce_results,
         fab_errors(t) ? "; first error: " : "", fab_first_error(t));
  assert_int_equal(fab_errors(t), 0);
  assert_int_equal(rc, 0);
}

/* Every PE sends to each of its four neighbours (edge links at the rim). */
static void add_neighbour_flows(fab_tb *t) {
  int R = fab_rows(t), C = fab_cols(t);
  for (int y = 0; y < R; y++)
    for (int x = 0; x < C; x++) {
      int src = fab_pe(t, x, y);
      int d[4] = {y > 0 ? fab_pe(t, x, y - 1) : fab_edge(t, 1, x),
                  x < C - 1 ? fab_pe(t, x + 1, y) : fab_edge(t, 2, y),
                  y < R - 1 ? fab_pe(t, x, y + 1) : fab_edge(t, 3, x),
                  x > 0 ? fab_pe(t, x - 1, y) : fab_edge(t, 4, y)};
      for (int k = 0; k < 4; k++) assert_int_equal(fab_add_flow(t, src, &d[k], 1, k), 0);
    }
}

static void test_nearest_neighbour(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 1, 0.7);
  add_neighbour_flows(t);
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.8, 20000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* Each PE holds four flows to random PEs; every wavelet picks one. */
static void test_uniform_random(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 2, 0.7);
  int n = fab_rows(t) * fab_cols(t), placed = 0;
  uint64_t r = s->seed | 1;
  for (int src = 0; src < n; src++)
    for (int k = 0; k < 4; k++) {
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      int dst = (int)((r >> 33) % (uint64_t)n);
      if (fab_add_flow_any(t, src, &dst, 1, 0, 28) >= 0) placed++;
    }
  assert_true(placed >= 2 * n);
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.25, 20000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

static void test_transpose(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 3, 0.7);
  int R = fab_rows(t), C = fab_cols(t);
  for (int y = 0; y < R; y++)
    for (int x = 0; x < C; x++) {
      if (x == y || x >= R || y >= C) continue;
      int dst = fab_pe(t, y, x);
      assert_true(fab_add_flow_any(t, fab_pe(t, x, y), &dst, 1, 0, 28) >= 0);
    }
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.5, 15000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* All PEs to one PE: the hotspot's ramp is the bottleneck, everyone backs up. */
static void test_hotspot(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 4, 0.7);
  int R = fab_rows(t), C = fab_cols(t), hot = fab_pe(t, C / 2, R / 2);
  for (int src = 0; src < R * C; src++)
    assert_int_equal(fab_add_flow(t, src, &hot, 1, 7), 0); /* converging tree: one color */
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.5, 6000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* Broadcasts along every row and column, whole-mesh broadcasts that fan out
 * across both axes and leave through the edge links, and a broadcast from the
 * host port into the mesh on a reserved (system) color. */
static void test_multicast(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 5, 0.7);
  int R = fab_rows(t), C = fab_cols(t);
  int *d = calloc((size_t)(R * C + 2 * (R + C)), sizeof(int));
  assert_non_null(d);
  for (int y = 0; y < R; y++) { /* row broadcast from a PE inside the row */
    int n = 0, sx = (y * 3) % C;
    for (int x = 0; x < C; x++)
      if (x != sx) d[n++] = fab_pe(t, x, y);
    assert_int_equal(fab_add_flow(t, fab_pe(t, sx, y), d, n, 10), 0);
  }
  for (int x = 0; x < C; x++) { /* column broadcast, including the south edge */
    int n = 0, sy = (x * 5) % R;
    for (int y = 0; y < R; y++)
      if (y != sy) d[n++] = fab_pe(t, x, y);
    d[n++] = fab_edge(t, 3, x);
    assert_int_equal(fab_add_flow(t, fab_pe(t, x, sy), d, n, 11), 0);
  }
  int srcs[2] = {fab_pe(t, 1, 1), fab_pe(t, C - 2, R - 1)};
  for (int k = 0; k < 2; k++) { /* everything, the source's own ramp included */
    int n = 0;
    for (int p = 0; p < R * C; p++) d[n++] = p;
    for (int x = 0; x < C; x++) d[n++] = fab_edge(t, 1, x);
    assert_int_equal(fab_add_flow(t, srcs[k], d, n, 12 + k), 0);
  }
  { /* the host port broadcasts to every PE on a system color */
    int n = 0;
    for (int p = 0; p < R * C; p++) d[n++] = p;
    assert_int_equal(fab_add_flow(t, fab_host(t), d, n, 28), 0);
  }
  free(d);
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.1, 4000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* Rows reduce eastward and columns southward; each PE adds its term to the
 * partial sum it receives and forwards it; the sums leave at the edges. */
static void test_reduction_chains(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 6, 0.7);
  int R = fab_rows(t), C = fab_cols(t);
  for (int y = 0; y < R; y++)
    for (int x = 0; x < C; x++) {
      int e = x < C - 1 ? fab_pe(t, x + 1, y) : fab_edge(t, 2, y);
      int so = y < R - 1 ? fab_pe(t, x, y + 1) : fab_edge(t, 3, x);
      assert_int_equal(fab_add_flow(t, fab_pe(t, x, y), &e, 1, 5), 0);
      assert_int_equal(fab_add_flow(t, fab_pe(t, x, y), &so, 1, 6), 0);
    }
  fab_mark_reduce(t, 5);
  fab_mark_reduce(t, 6);
  assert_int_equal(fab_configure(t), 0);
  fab_reduce_traffic(t, 300 * s->scale);
  finish(s, t, 5000000);
  assert_int_equal(fab_get_stats(t)->reduce_results, 300 * s->scale * (R + C));
  fab_free(t);
}

/* Addressed READ/WRITE traffic between all PEs and the host, with READ answers
 * on the response network, mixed with random color traffic. */
static void test_mixed_packets(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 7, 0.6);
  int n = fab_rows(t) * fab_cols(t);
  for (int src = 0; src < n; src++) {
    int dst = (src * 7 + 3) % n;
    assert_true(fab_add_flow_any(t, src, &dst, 1, 0, 28) >= 0);
  }
  assert_int_equal(fab_configure(t), 0);
  fab_color_traffic(t, 0.15, 10000 * s->scale);
  fab_packet_traffic(t, 0.02, 8, 0.4, 2000 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* Requests at full rate, mostly READs, with slow sinks: the request/response
 * dependency must not deadlock. */
static void test_request_response_pressure(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 8, 0.35);
  assert_int_equal(fab_configure(t), 0);
  fab_packet_traffic(t, 0.2, 6, 0.7, 2500 * s->scale);
  finish(s, t, 5000000);
  fab_free(t);
}

/* The scoreboard must notice a route the hardware was not told about. */
static void test_scoreboard_catches_misroute(void **state) {
  const suite *s = *state;
  fab_tb *t = mk(s, 9, 1.0);
  int src = fab_pe(t, 0, 0), dst = fab_pe(t, 1, 0), other = fab_pe(t, 0, 1);
  assert_int_equal(fab_add_flow(t, src, &dst, 1, 3), 0);
  assert_int_equal(fab_configure(t), 0);
  /* reprogram hardware only: color 3 from (0,0) now goes south */
  fab_clear_flows(t);
  assert_int_equal(fab_add_flow(t, src, &other, 1, 3), 0);
  assert_int_equal(fab_configure_hw_only(t), 0);
  fab_clear_flows(t);
  assert_int_equal(fab_add_flow(t, src, &dst, 1, 3), 0);
  fab_color_traffic(t, 1.0, 10);
  printf("    expecting the scoreboard to report a misrouted wavelet:\n");
  fflush(stdout);
  fab_run(t, 10000);
  assert_true(fab_errors(t) > 0);
  fab_free(t);
}

int main(void) {
  static suite s;
  s.seed = fab_seed_from_env(12345);
  const char *sc = getenv("WL_SCALE");
  s.scale = sc && *sc ? atol(sc) : 1;
  if (s.scale < 1) s.scale = 1;
  printf("test_fabric: mesh %dx%d, WL_SEED=%llu, WL_SCALE=%ld\n", fab_model_rows(), fab_model_cols(),
         (unsigned long long)s.seed, s.scale);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate(test_nearest_neighbour, &s),
      cmocka_unit_test_prestate(test_uniform_random, &s),
      cmocka_unit_test_prestate(test_transpose, &s),
      cmocka_unit_test_prestate(test_hotspot, &s),
      cmocka_unit_test_prestate(test_multicast, &s),
      cmocka_unit_test_prestate(test_reduction_chains, &s),
      cmocka_unit_test_prestate(test_mixed_packets, &s),
      cmocka_unit_test_prestate(test_request_response_pressure, &s),
      cmocka_unit_test_prestate(test_scoreboard_catches_misroute, &s),
  };
  return cmocka_run_group_tests_name("fabric", tests, NULL, NULL);
}
