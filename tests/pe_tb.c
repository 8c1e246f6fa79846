#include "pe_tb.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(p, c * elem);
  if (!q) { fprintf(stderr, "pe_tb: out of memory\n"); exit(2); }
  *cap = c;
  return q;
}

pe_tb *tb_new(unsigned x, unsigned y, uint32_t seed) {
  pe_tb *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->pe = pe_new(x, y);
  t->x = x; t->y = y;
  t->rng = seed ? seed : 1u;
  t->req_pct = t->ci_pct = t->co_pct = t->rsp_pct = 100;
  pe_reset(t->pe);
  return t;
}

void tb_free(pe_tb *t) {
  if (!t) return;
  pe_free(t->pe);
  free(t->rq); free(t->rq_last); free(t->ci); free(t->co);
  free(t->rs); free(t->rs_last); free(t->ro); free(t->ro_last);
  free(t);
}

uint32_t tb_rand(pe_tb *t) {  /* xorshift32: deterministic per seed */
  uint32_t v = t->rng;
  v ^= v << 13; v ^= v >> 17; v ^= v << 5;
  t->rng = v;
  return v;
}

static int chance(pe_tb *t, unsigned pct) { return pct >= 100 || tb_rand(t) % 100 < pct; }

uint64_t tb_now(const pe_tb *t) { return pe_cycle(t->pe); }

void tb_cycle(pe_tb *t) {
  pe_in in;
  memset(&in, 0, sizeof in);
  if (t->rq_head < t->rq_n && (t->req_offer || chance(t, t->req_pct))) {
    in.req_in_valid = 1;
    in.req_in_data = t->rq[t->rq_head];
    in.req_in_last = t->rq_last[t->rq_head];
  }
  if (t->ci_head < t->ci_n && (t->ci_offer || chance(t, t->ci_pct))) {
    in.col_in_valid = 1;
    in.col_in_data = t->ci[t->ci_head].data;
    in.col_in_color = t->ci[t->ci_head].color;
  }
  in.col_out_ready = chance(t, t->co_pct);
  in.rsp_out_ready = chance(t, t->rsp_pct);
  in.req_out_ready = 1;
  pe_set_in(t->pe, &in);
  pe_eval(t->pe);
  pe_out o;
  pe_get_out(t->pe, &o);

  t->req_offer = in.req_in_valid && !o.req_in_ready;
  if (in.req_in_valid && o.req_in_ready) t->rq_head++;
  t->ci_offer = in.col_in_valid && !o.col_in_ready;
  if (t->ci_offer) t->ci_stalls++;
  if (in.col_in_valid && o.col_in_ready) t->ci_head++;
  if (o.col_out_valid && !in.col_out_ready) t->co_stalls++;
  if (o.col_out_valid && in.col_out_ready) {
    t->co = grow(t->co, &t->co_cap, t->co_n + 1, sizeof *t->co);
    t->co[t->co_n].data = o.col_out_data;
    t->co[t->co_n].color = o.col_out_color;
    t->co_n++;
  }
  if (o.rsp_out_valid && in.rsp_out_ready) {
    size_t c = t->rs_cap;
    t->rs = grow(t->rs, &c, t->rs_n + 1, sizeof *t->rs);
    t->rs_last = grow(t->rs_last, &t->rs_cap, t->rs_n + 1, 1);
    t->rs[t->rs_n] = o.rsp_out_data;
    t->rs_last[t->rs_n] = (uint8_t)o.rsp_out_last;
    t->rs_n++;
  }
  if (o.req_out_valid) {
    size_t c = t->ro_cap;
    t->ro = grow(t->ro, &c, t->ro_n + 1, sizeof *t->ro);
    t->ro_last = grow(t->ro_last, &t->ro_cap, t->ro_n + 1, 1);
    t->ro[t->ro_n] = o.req_out_data;
    t->ro_last[t->ro_n] = (uint8_t)o.req_out_last;
    t->ro_n++;
  }
  pe_tick(t->pe);
}

void tb_run(pe_tb *t, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) tb_cycle(t);
}

uint32_t tb_header(const pe_tb *t, unsigned op, unsigned tag) {
  return (t->x & 63u) | (t->y & 63u) << 6 | HOST_X << 12 | HOST_Y << 18 |
         (op & 15u) << 24 | (tag & 15u) << 28;
}

void tb_send_flits(pe_tb *t, const uint32_t *f, const uint8_t *last, size_t n) {
  if (t->rq_head == t->rq_n) t->rq_head = t->rq_n = 0;
  size_t c = t->rq_cap;
  t->rq = grow(t->rq, &c, t->rq_n + n, sizeof *t->rq);
  t->rq_last = grow(t->rq_last, &t->rq_cap, t->rq_n + n, 1);
  memcpy(t->rq + t->rq_n, f, n * sizeof *f);
  memcpy(t->rq_last + t->rq_n, last, n);
  t->rq_n += n;
}

static int drain_requests(pe_tb *t, uint64_t limit) {
  uint64_t start = tb_now(t);
  while (t->rq_head < t->rq_n) {
    if (tb_now(t) - start > limit) return -1;
    tb_cycle(t);
  }
  return 0;
}

int tb_write(pe_tb *t, uint32_t addr, const uint32_t *w, size_t n) {
  if (n == 0) return 0;
  uint32_t *f = malloc((n + 2) * sizeof *f);
  uint8_t *l = calloc(n + 2, 1);
  if (!f || !l) { free(f); free(l); return -2; }
  f[0] = tb_header(t, PKT_WRITE, 0);
  f[1] = addr;
  memcpy(f + 2, w, n * sizeof *w);
  l[n + 1] = 1;
  tb_send_flits(t, f, l, n + 2);
  free(f); free(l);
  return drain_requests(t, 100000 + 20 * n);
}

int tb_read(pe_tb *t, uint32_t addr, uint32_t *w, size_t n) {
  static unsigned tag;
  tag = (tag + 1) & 15u;
  uint32_t f[3] = { tb_header(t, PKT_READ, tag), addr, (uint32_t)n };
  uint8_t l[3] = { 0, 0, 1 };
  t->rs_n = 0;
  tb_send_flits(t, f, l, 3);
  uint64_t start = tb_now(t);
  size_t want = n + 2;
  while (t->rs_n < want) {
    if (tb_now(t) - start > 100000 + 40 * (uint64_t)n) return -1;
    tb_cycle(t);
  }
  uint32_t h = t->rs[0];
  uint32_t expect = HOST_X | HOST_Y << 6 | (t->x & 63u) << 12 | (t->y & 63u) << 18 |
                    PKT_RDATA << 24 | tag << 28;
  if (h != expect) return -3;
  if (t->rs[1] != addr) return -4;
  for (size_t i = 0; i < want; i++)
    if (t->rs_last[i] != (i == want - 1)) return -5;
  memcpy(w, t->rs + 2, n * sizeof *w);
  return 0;
}

int tb_wr32(pe_tb *t, uint32_t addr, uint32_t v) { return tb_write(t, addr, &v, 1); }

uint32_t tb_rd32(pe_tb *t, uint32_t addr) {
  uint32_t v = 0xDEADBEEFu;
  if (tb_read(t, addr, &v, 1) != 0) {
    fprintf(stderr, "pe_tb: read of 0x%08x failed\n", addr);
    exit(2);
  }
  return v;
}

int tb_write_bytes(pe_tb *t, uint32_t addr, const uint8_t *b, size_t n) {
  size_t nw = (n + 3) / 4;
  uint32_t *w = calloc(nw ? nw : 1, sizeof *w);
  if (!w) return -2;
  for (size_t i = 0; i < n; i++) w[i / 4] |= (uint32_t)b[i] << (8 * (i % 4));
  int rc = 0;
  for (size_t i = 0; i < nw && rc == 0; i += 256)
    rc = tb_write(t, addr + 4 * (uint32_t)i, w + i, nw - i < 256 ? nw - i : 256);
  free(w);
  return rc;
}

int tb_read_bytes(pe_tb *t, uint32_t addr, uint8_t *b, size_t n) {
  size_t nw = (n + 3) / 4;
  uint32_t *w = calloc(nw ? nw : 1, sizeof *w);
  if (!w) return -2;
  int rc = 0;
  for (size_t i = 0; i < nw && rc == 0; i += 256)
    rc = tb_read(t, addr + 4 * (uint32_t)i, w + i, nw - i < 256 ? nw - i : 256);
  for (size_t i = 0; i < n && rc == 0; i++) b[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  free(w);
  return rc;
}

int tb_load_file(pe_tb *t, const char *path, uint32_t addr) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "pe_tb: cannot open %s\n", path); return -1; }
  uint8_t *buf = NULL; size_t n = 0, cap = 0, r;
  uint8_t chunk[4096];
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
    buf = grow(buf, &cap, n + r, 1);
    memcpy(buf + n, chunk, r);
    n += r;
  }
  fclose(f);
  int rc = n ? tb_write_bytes(t, addr, buf, n) : 0;
  free(buf);
  return rc;
}

void tb_color_push(pe_tb *t, unsigned color, uint32_t data) {
  t->ci = grow(t->ci, &t->ci_cap, t->ci_n + 1, sizeof *t->ci);
  t->ci[t->ci_n].data = data;
  t->ci[t->ci_n].color = color & 31u;
  t->ci_n++;
}

uint32_t tb_run_program(pe_tb *t, uint64_t max_cycles, int *timed_out) {
  *timed_out = 0;
  tb_wr32(t, PE_CTRL, 1);
  uint64_t start = tb_now(t);
  while (tb_rd32(t, PE_CTRL) & 1u) {
    if (tb_now(t) - start > max_cycles) { *timed_out = 1; return 0; }
    tb_run(t, 200);
  }
  return tb_rd32(t, PE_MBOX_OUT);
}
