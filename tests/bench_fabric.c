/* Fabric figures for `make bench`: link throughput under nearest-neighbour traffic,
 * zero-load latency per hop, uniform-random saturation throughput, and a stress
 * run checked by the scoreboard. Writes one JSON object (--json FILE).
 * WL_SEED reproduces; WL_STRESS sets the stress run's wavelet count. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fabric_tb.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(fab_tb *t, const char *what) {
  fprintf(stderr, "bench_fabric: %s failed: %s\n", what, fab_first_error(t));
  return 1;
}

static fab_tb *mk(uint64_t seed, double ready) {
  fab_opts o = {seed, ready, 20000};
  return fab_new(&o);
}

/* Each PE's flows go to random PEs (k per PE). */
static void random_flows(fab_tb *t, uint64_t seed, int k) {
  int n = fab_rows(t) * fab_cols(t);
  uint64_t r = seed | 1;
  for (int src = 0; src < n; src++)
    for (int j = 0; j < k; j++) {
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      int dst = (int)((r >> 33) % (uint64_t)n);
      (void)fab_add_flow_any(t, src, &dst, 1, 0, 28);
    }
}

int main(int argc, char **argv) {
  const char *out = NULL;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--json") && i + 1 < argc) out = argv[++i];
  uint64_t seed = fab_seed_from_env(777);
  const char *se = getenv("WL_STRESS");
  long stress = se && *se ? atol(se) : 0;
  int R = fab_model_rows(), C = fab_model_cols(), N = R * C;
  if (stress <= 0) stress = N <= 64 ? 1000000 : 300000;
  printf("bench_fabric: mesh %dx%d, WL_SEED=%llu\n", R, C, (unsigned long long)seed);
  FILE *js = out ? fopen(out, "w") : stdout;
  if (!js) {
    perror(out);
    return 1;
  }
  fprintf(js, "{\"mesh\": \"%dx%d\", \"seed\": %llu", R, C, (unsigned long long)seed);

  /* 1. nearest neighbour: every PE streams east; each wavelet uses one link. */
  {
    fab_tb *t = mk(seed, 1.0);
    for (int y = 0; y < R; y++)
      for (int x = 0; x < C; x++) {
        int d = x < C - 1 ? fab_pe(t, x + 1, y) : fab_edge(t, 2, y);
        fab_add_flow(t, fab_pe(t, x, y), &d, 1, 0);
      }
    if (fab_configure(t)) return die(t, "configure");
    fab_reset_stats(t);
    fab_color_traffic(t, 1.0, (long)N * 4000);
    if (fab_run(t, 10000000) || fab_check_complete(t)) return die(t, "nearest neighbour");
    const fab_stats *st = fab_get_stats(t);
    double per_link = (double)st->col_delivered / ((double)st->cycles * N);
    printf("  nearest neighbour: %ld wavelets over %d links in %ld cycles: %.4f per link per cycle\n",
           st->col_delivered, N, st->cycles, per_link);
    fprintf(js, ",\n  \"nearest_neighbour_wavelets_per_link_per_cycle\": %.4f", per_link);
    fab_free(t);
  }

  /* 2. zero-load latency: PE (0,0) to PEs up to (R-1)+(C-1) hops away (every
   * other distance when there are more than 27: one color per probe), color and
   * request networks. Per-hop figure = least-squares slope. */
  {
    fab_tb *t = mk(seed, 1.0);
    int maxh = (R - 1) + (C - 1), step = maxh > 27 ? 2 : 1, nh = 0, hops[64], dst[64], col[64];
    int src = fab_pe(t, 0, 0);
    for (int h = 0; h <= maxh && nh < 28; h += step) {
      hops[nh] = h;
      dst[nh] = h < C ? fab_pe(t, h, 0) : fab_pe(t, C - 1, h - (C - 1));
      col[nh] = fab_add_flow_any(t, src, &dst[nh], 1, 0, 28);
      if (col[nh] < 0) return die(t, "latency flow");
      nh++;
    }
    if (fab_configure(t)) return die(t, "configure");
    double sx = 0, sy = 0, sxx = 0, sxy = 0, py = 0, pxy = 0;
    fprintf(js, ",\n  \"zero_load_latency_cycles\": {\"hops\": [");
    for (int i = 0; i < nh; i++) fprintf(js, "%s%d", i ? ", " : "", hops[i]);
    fprintf(js, "], \"color\": [");
    for (int i = 0; i < nh; i++) {
      long l = fab_probe_color(t, src, col[i], dst[i]);
      if (l < 0) return die(t, "latency probe");
      fprintf(js, "%s%ld", i ? ", " : "", l);
      sx += hops[i]; sy += (double)l; sxx += (double)hops[i] * hops[i];
      sxy += (double)hops[i] * (double)l;
    }
    fprintf(js, "], \"request\": [");
    for (int i = 0; i < nh; i++) {
      long l = fab_probe_packet(t, dst[i]);
      if (l < 0) return die(t, "packet latency probe");
      fprintf(js, "%s%ld", i ? ", " : "", l);
      py += (double)l; pxy += (double)hops[i] * (double)l;
    }
    double den = nh * sxx - sx * sx;
    double slope = (nh * sxy - sx * sy) / den, pslope = (nh * pxy - sx * py) / den;
    fprintf(js, "], \"note\": \"hops from PE (0,0); request probes start at the host port west of it\"}");
    fprintf(js, ",\n  \"zero_load_latency_per_hop_cycles\": {\"color\": %.3f, \"request\": %.3f}",
            slope, pslope);
    printf("  zero-load latency per hop: color %.3f, request %.3f cycles (0 hops: %.2f, %.2f)\n",
           slope, pslope, (sy - slope * sx) / nh, (py - pslope * sx) / nh);
    fab_free(t);
  }

  /* 3. uniform random saturation: offered load sweep, accepted throughput. One
   * configured mesh per network; each point drains before the next. */
  {
    static const double rates8[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0};
    static const double rates16[] = {0.05, 0.1, 0.2, 1.0};
    const double *rates = N <= 64 ? rates8 : rates16;
    size_t nr = N <= 64 ? sizeof rates8 / sizeof rates8[0] : sizeof rates16 / sizeof rates16[0];
    double best = 0;
    fab_tb *t = mk(seed, 1.0);
    random_flows(t, seed, 4);
    if (fab_configure(t)) return die(t, "configure");
    fprintf(js, ",\n  \"uniform_random_color\": {\"flows_per_pe\": 4, \"points\": [");
    for (size_t i = 0; i < nr; i++) {
      fab_reset_stats(t);
      fab_color_traffic(t, rates[i], (long)N * 600);
      if (fab_run(t, 10000000) || fab_check_complete(t)) return die(t, "uniform random");
      const fab_stats *st = fab_get_stats(t);
      double acc = (double)st->col_delivered / ((double)st->cycles * N);
      if (acc > best) best = acc;
      fprintf(js, "%s{\"offered\": %.2f, \"accepted\": %.4f}", i ? ", " : "", rates[i], acc);
      printf("  uniform random colors: offered %.2f accepted %.4f wavelets/cycle/PE\n", rates[i], acc);
    }
    fab_free(t);
    fprintf(js, "], \"saturation_wavelets_per_cycle_per_pe\": %.4f}", best);
  }
  {
    static const double rates8[] = {0.02, 0.05, 0.08, 0.12, 0.2, 0.5};
    static const double rates16[] = {0.02, 0.5};
    const double *rates = N <= 64 ? rates8 : rates16;
    size_t nr = N <= 64 ? sizeof rates8 / sizeof rates8[0] : sizeof rates16 / sizeof rates16[0];
    double best = 0;
    fab_tb *t = mk(seed + 1, 1.0);
    if (fab_configure(t)) return die(t, "configure");
    fprintf(js, ",\n  \"uniform_random_request\": {\"payload_words\": \"1..8\", \"points\": [");
    for (size_t i = 0; i < nr; i++) {
      fab_reset_stats(t);
      fab_packet_traffic(t, rates[i], 8, 0.0, (long)N * 100);
      if (fab_run(t, 10000000) || fab_check_complete(t)) return die(t, "uniform random packets");
      const fab_stats *st = fab_get_stats(t);
      double acc = (double)st->pkt_flits / ((double)st->cycles * N);
      if (acc > best) best = acc;
      fprintf(js, "%s{\"offered_packets\": %.2f, \"accepted_flits\": %.4f}", i ? ", " : "",
              rates[i], acc);
      printf("  uniform random requests: offered %.2f packets, accepted %.4f flits/cycle/PE\n",
             rates[i], acc);
    }
    fab_free(t);
    fprintf(js, "], \"saturation_flits_per_cycle_per_pe\": %.4f}", best);
  }

  /* 4. stress: random color flows plus row/column multicast plus READ/WRITE
   * packets, random backpressure, every wavelet checked. */
  {
    fab_tb *t = mk(seed + 2, 0.8);
    random_flows(t, seed + 2, 3);
    int *d = calloc((size_t)N, sizeof(int));
    if (!d) return 1;
    for (int y = 0; y < R; y += 3) {
      int n = 0;
      for (int x = 0; x < C; x++) if (x != C / 2) d[n++] = fab_pe(t, x, y);
      (void)fab_add_flow_any(t, fab_pe(t, C / 2, y), d, n, 0, 28);
    }
    for (int x = 1; x < C; x += 3) {
      int n = 0;
      for (int y = 0; y < R; y++) if (y != R / 2) d[n++] = fab_pe(t, x, y);
      (void)fab_add_flow_any(t, fab_pe(t, x, R / 2), d, n, 0, 28);
    }
    free(d);
    if (fab_configure(t)) return die(t, "configure");
    fab_reset_stats(t);
    fab_color_traffic(t, 0.2, stress);
    fab_packet_traffic(t, 0.01, 8, 0.4, stress / 50);
    double t0 = now();
    int rc = fab_run(t, 100000000);
    if (rc == 0) rc = fab_check_complete(t);
    double wall = now() - t0;
    const fab_stats *st = fab_get_stats(t);
    printf("  stress: %ld wavelets (%ld copies), %ld packets, %ld cycles, %.1f s, errors %ld%s%s\n",
           st->col_injected, st->col_delivered, st->pkt_received, st->cycles, wall, fab_errors(t),
           fab_errors(t) ? ": " : "", fab_first_error(t));
    fprintf(js, ",\n  \"stress\": {\"wavelets\": %ld, \"copies_delivered\": %ld, \"packets\": %ld, "
                "\"cycles\": %ld, \"errors\": %ld, \"passed\": %s, \"sim_cycles_per_s\": %.0f}",
            st->col_injected, st->col_delivered, st->pkt_received, st->cycles, fab_errors(t),
            rc == 0 ? "true" : "false", (double)st->cycles / wall);
    fab_free(t);
    if (rc) {
      fprintf(js, "}\n");
      if (out) fclose(js);
      return 1;
    }
  }
  fprintf(js, "}\n");
  if (out) fclose(js);
  return 0;
}
