/* Traffic generators and scoreboards for wl_mesh; see fabric_tb.h. */
#include "fabric_tb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh_shim.h"

#define NCOLORS 32
#define MAXPKT 64       /* flits in a generated packet, at most */
#define SEQ_BITS 22
#define SEQ_MASK ((1u << SEQ_BITS) - 1u)
#define OP_WRITE 0u
#define OP_READ 1u
#define OP_RDATA 2u
#define OP_CFG 3u
#define RQ_CAP 64       /* reduction values a PE holds before it stops taking more */

typedef struct {
  int len;
  uint32_t flit[MAXPKT];
} packet;

typedef struct { /* growable FIFO of packets */
  packet *buf;
  long cap, head, n;
} pkt_queue;

typedef struct { /* one packet being injected or assembled */
  packet p;
  int pos;
  int busy;
} pkt_port;

typedef struct { /* every request ever generated, indexed by its id (address/4) */
  int src, dst;
  uint32_t pseq;   /* sequence number within (src, dst) */
  int op, len;
  long next_read;  /* next READ of the same (src, dst), -1 none */
} pkt_rec;

typedef struct {
  int src, color, ndst;
  int *dst;
} flow;

typedef struct {
  uint32_t val[RQ_CAP];
  uint8_t color[RQ_CAP];
  int head, n;
} reduce_queue;

struct fab_tb {
  wl_mesh_sim *sim;
  fab_opts o;
  uint64_t rng;
  int rows, cols, n, ne, nep, host;
  long cycle;

  /* routes */
  uint8_t *tbl;      /* [router][color][in port] -> output set */
  uint8_t *hw_tbl;   /* what the hardware holds (the driver's shadow copy) */
  flow *flows;
  int nflows, capflows;
  uint8_t reduce_color[NCOLORS];
  /* expected destinations per (src, color): dmask[(src*32+c)*nep + dst] */
  uint8_t *dmask;
  int *ndest;        /* [src*32+c] */

  /* color sources */
  uint8_t *src_colors; /* [src*32+c]: src injects on color c (regular flows) */
  int *src_ncolors;    /* [src] */
  uint8_t *src_on;     /* [src] */
  double col_rate;
  long col_budget;     /* wavelets not yet created */
  long *backlog;       /* [src] */
  int *cur_valid;      /* [src] */
  uint32_t *cur_data, *cur_color;
  uint32_t *sent;      /* [src*32+c] */
  uint32_t *expect;    /* [(dst*nep+src)*32+c] next sequence */
  long col_outstanding;

  /* reduction chains */
  long red_rounds;
  long *red_issued;    /* [pe*32+c] rounds issued at a chain head */
  long *red_seen;      /* [pe*32+c] rounds received */
  reduce_queue *rq;    /* [pe] */
  int red_pending;     /* values in flight or queued */

  /* packets */
  double pkt_rate;
  int pkt_max_len;
  double read_frac;
  long pkt_budget;
  pkt_queue *txq;      /* [ep*3+net] */
  pkt_port *tx, *rx;   /* [ep*3+net] */
  uint32_t *tx_seq;    /* [src*nep+dst] requests sent */
  uint32_t *rx_seq;    /* [src*nep+dst] requests received */
  long *rd_head, *rd_tail; /* [req*nep+resp] oldest unanswered / newest READ id */
  pkt_rec *recs;
  long nrecs, caprecs;
  uint8_t *red_head;   /* [pe*32+c] PE heads a reduction chain on color c */
  long pkt_outstanding;

  /* probes */
  long last_tx_cycle, last_rx_cycle;
  int last_rx_ep;

  long last_progress;
  fab_stats st;
  long nerr;
  char err[512];
};

/* ---- helpers ---- */

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static uint64_t rnd(fab_tb *t) {
  t->rng ^= t->rng << 13;
  t->rng ^= t->rng >> 7;
  t->rng ^= t->rng << 17;
  return t->rng;
}

static double rndf(fab_tb *t) { return (double)(rnd(t) >> 11) * (1.0 / 9007199254740992.0); }

static int rndn(fab_tb *t, int n) { return (int)(rnd(t) % (uint64_t)n); }

static uint64_t h4(const fab_tb *t, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  return mix64(t->o.seed ^ mix64(a ^ mix64(b ^ mix64(c ^ mix64(d)))));
}

static void fail(fab_tb *t, const char *fmt, ...) {
  if (t->nerr++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(t->err, sizeof t->err, "cycle %ld: ", t->cycle);
    vsnprintf(t->err + k, sizeof t->err - (size_t)k, fmt, ap);
    va_end(ap);
    fprintf(stderr, "fabric: %s (testbench seed %llu)\n", t->err, (unsigned long long)t->o.seed);
  }
}

static void *xcalloc(size_t n, size_t s) {
  void *p = calloc(n ? n : 1, s);
  if (!p) {
    fprintf(stderr, "fabric: out of memory\n");
    abort();
  }
  return p;
}

uint64_t fab_seed_from_env(uint64_t fallback) {
  const char *s = getenv("WL_SEED");
  if (s && *s) return strtoull(s, NULL, 0);
  return fallback;
}

/* endpoint geometry */
int fab_model_rows(void) { return wl_mesh_sim_rows(); }
int fab_model_cols(void) { return wl_mesh_sim_cols(); }
int fab_rows(const fab_tb *t) { return t->rows; }
int fab_cols(const fab_tb *t) { return t->cols; }
int fab_pe(const fab_tb *t, int x, int y) { return y * t->cols + x; }
int fab_host(const fab_tb *t) { return t->host; }
int fab_endpoints(const fab_tb *t) { return t->nep; }

int fab_edge(const fab_tb *t, int side, int i) {
  switch (side) {
  case 1: return t->n + i;
  case 2: return t->n + t->cols + i;
  case 3: return t->n + t->cols + t->rows + i;
  default: return t->n + 2 * t->cols + t->rows + i;
  }
}

/* Router and port an edge endpoint attaches to; its virtual coordinates outside. */
static void edge_geom(const fab_tb *t, int ep, int *router, int *port, int *vx, int *vy) {
  int e = ep - t->n, c = t->cols, r = t->rows;
  int x, y, p;
  if (e < c) { x = e; y = 0; p = 1; *vx = x; *vy = -1; }
  else if (e < c + r) { x = c - 1; y = e - c; p = 2; *vx = c; *vy = y; }
  else if (e < 2 * c + r) { x = e - c - r; y = r - 1; p = 3; *vx = x; *vy = r; }
  else { x = 0; y = e - 2 * c - r; p = 4; *vx = -1; *vy = y; }
  *router = y * c + x;
  *port = p;
}

static int ep_of_coord(const fab_tb *t, int x, int y) {
  if (x == 63 && y == 0) return t->host;
  if (x < t->cols && y < t->rows) return y * t->cols + x;
  return -1;
}

static void coord_of_ep(const fab_tb *t, int ep, int *x, int *y) {
  if (ep == t->host) { *x = 63; *y = 0; }
  else { *x = ep % t->cols; *y = ep / t->cols; }
}

static uint8_t *tbl_at(fab_tb *t, int router, int color, int in) {
  return &t->tbl[((size_t)router * NCOLORS + (size_t)color) * 5 + (size_t)in];
}

/* ---- construction ---- */

fab_tb *fab_new(const fab_opts *opts) {
  fab_tb *t = xcalloc(1, sizeof *t);
  t->o = *opts;
  if (t->o.watchdog <= 0) t->o.watchdog = 4000;
  t->rng = mix64(t->o.seed) | 1;
  t->sim = wl_mesh_sim_new();
  t->rows = wl_mesh_sim_rows();
  t->cols = wl_mesh_sim_cols();
  t->n = t->rows * t->cols;
  t->ne = 2 * (t->rows + t->cols);
  t->nep = t->n + t->ne;
  t->host = fab_edge(t, 4, 0);
  size_t nep = (size_t)t->nep;
  t->tbl = xcalloc((size_t)t->n * NCOLORS * 5, 1);
  t->hw_tbl = xcalloc((size_t)t->n * NCOLORS * 5, 1);
  t->dmask = xcalloc(nep * NCOLORS * nep, 1);
  t->ndest = xcalloc(nep * NCOLORS, sizeof(int));
  t->src_colors = xcalloc(nep * NCOLORS, 1);
  t->src_ncolors = xcalloc(nep, sizeof(int));
  t->src_on = xcalloc(nep, 1);
  t->backlog = xcalloc(nep, sizeof(long));
  t->cur_valid = xcalloc(nep, sizeof(int));
  t->cur_data = xcalloc(nep, sizeof(uint32_t));
  t->cur_color = xcalloc(nep, sizeof(uint32_t));
  t->sent = xcalloc(nep * NCOLORS, sizeof(uint32_t));
  t->expect = xcalloc(nep * nep * NCOLORS, sizeof(uint32_t));
  t->red_issued = xcalloc(nep * NCOLORS, sizeof(long));
  t->red_seen = xcalloc(nep * NCOLORS, sizeof(long));
  t->rq = xcalloc(nep, sizeof(reduce_queue));
  t->txq = xcalloc(nep * 3, sizeof(pkt_queue));
  t->tx = xcalloc(nep * 3, sizeof(pkt_port));
  t->rx = xcalloc(nep * 3, sizeof(pkt_port));
  t->tx_seq = xcalloc(nep * nep, sizeof(uint32_t));
  t->rx_seq = xcalloc(nep * nep, sizeof(uint32_t));
  t->rd_head = xcalloc(nep * nep, sizeof(long));
  t->rd_tail = xcalloc(nep * nep, sizeof(long));
  for (size_t i = 0; i < nep * nep; i++) t->rd_head[i] = t->rd_tail[i] = -1;
  t->red_head = xcalloc(nep * NCOLORS, 1);
  wl_mesh_sim_reset(t->sim, 4);
  return t;
}

void fab_free(fab_tb *t) {
  if (!t) return;
  wl_mesh_sim_free(t->sim);
  for (int i = 0; i < t->nflows; i++) free(t->flows[i].dst);
  free(t->flows);
  for (int i = 0; i < t->nep * 3; i++) free(t->txq[i].buf);
  free(t->tbl); free(t->hw_tbl); free(t->dmask); free(t->ndest); free(t->src_colors);
  free(t->src_ncolors); free(t->src_on); free(t->backlog); free(t->cur_valid);
  free(t->cur_data); free(t->cur_color); free(t->sent); free(t->expect);
  free(t->red_issued); free(t->red_seen); free(t->rq); free(t->txq); free(t->tx);
  free(t->rx); free(t->tx_seq); free(t->rx_seq); free(t->rd_head);
  free(t->rd_tail); free(t->recs); free(t->red_head);
  free(t);
}

/* ---- route building ---- */

/* Next output port from router (cx, cy) towards endpoint `dst`. PEs and the north
 * and south edges are reached X then Y, the east and west edges Y then X, so a
 * path always leaves the mesh through the intended edge link. */
static int step_to(const fab_tb *t, int cx, int cy, int dst) {
  int tx, ty, yx = 0;
  if (dst < t->n) { tx = dst % t->cols; ty = dst / t->cols; }
  else {
    int r, p;
    edge_geom(t, dst, &r, &p, &tx, &ty);
    yx = (p == 2 || p == 4);
  }
  if (!yx) {
    if (tx > cx) return 2;
    if (tx < cx) return 4;
    if (ty > cy) return 3;
    if (ty < cy) return 1;
  } else {
    if (ty > cy) return 3;
    if (ty < cy) return 1;
    if (tx > cx) return 2;
    if (tx < cx) return 4;
  }
  return 0;
}

static void src_start(const fab_tb *t, int src, int *router, int *in) {
  if (src < t->n) { *router = src; *in = 0; }
  else { int vx, vy; edge_geom(t, src, router, in, &vx, &vy); }
}

/* Neighbour across port p: router index and its facing port, or -1 and the edge
 * endpoint in *edge_ep. */
static int neighbour(const fab_tb *t, int router, int p, int *fport, int *edge_ep) {
  int x = router % t->cols, y = router / t->cols;
  int nx = x + (p == 2) - (p == 4), ny = y + (p == 3) - (p == 1);
  static const int facing[5] = {0, 3, 4, 1, 2};
  *fport = facing[p];
  if (nx >= 0 && nx < t->cols && ny >= 0 && ny < t->rows) return ny * t->cols + nx;
  if (p == 1) *edge_ep = fab_edge(t, 1, x);
  else if (p == 2) *edge_ep = fab_edge(t, 2, y);
  else if (p == 3) *edge_ep = fab_edge(t, 3, x);
  else *edge_ep = fab_edge(t, 4, y);
  return -1;
}

/* Walks the programmed tables from src on color; fills out[] (0/1 per endpoint,
 * may be NULL) and returns the number of deliveries, or -1 if a (router, port)
 * is reached twice (a loop or a duplicate). */
static int walk(fab_tb *t, int src, int color, uint8_t *out, uint8_t *seen) {
  int stack[4096], sp = 0, count = 0;
  memset(seen, 0, (size_t)t->n * 5);
  if (out) memset(out, 0, (size_t)t->nep);
  int r0, in0;
  src_start(t, src, &r0, &in0);
  stack[sp++] = r0 * 5 + in0;
  while (sp > 0) {
    int node = stack[--sp], r = node / 5, in = node % 5;
    if (seen[node]) return -1;
    seen[node] = 1;
    uint8_t set = *tbl_at(t, r, color, in);
    for (int p = 0; p < 5; p++) {
      if (!(set >> p & 1)) continue;
      if (p == 0) {
        if (out) out[r] = 1;
        count++;
        continue;
      }
      int fp, eep = -1, nb = neighbour(t, r, p, &fp, &eep);
      if (nb < 0) {
        if (out) out[eep] = 1;
        count++;
      } else {
        if (sp >= (int)(sizeof stack / sizeof stack[0])) return -1;
        stack[sp++] = nb * 5 + fp;
      }
    }
  }
  return count;
}

static int flow_ok(fab_tb *t, const flow *f, uint8_t *out, uint8_t *seen) {
  int k = walk(t, f->src, f->color, out, seen);
  if (k != f->ndst) return 0;
  for (int i = 0; i < f->ndst; i++)
    if (!out[f->dst[i]]) return 0;
  return 1;
}

void fab_clear_flows(fab_tb *t) {
  for (int i = 0; i < t->nflows; i++) free(t->flows[i].dst);
  t->nflows = 0;
  memset(t->tbl, 0, (size_t)t->n * NCOLORS * 5);
  memset(t->src_colors, 0, (size_t)t->nep * NCOLORS);
  memset(t->src_ncolors, 0, (size_t)t->nep * sizeof(int));
  memset(t->src_on, 0, (size_t)t->nep);
  memset(t->reduce_color, 0, sizeof t->reduce_color);
}

int fab_add_flow(fab_tb *t, int src, const int *dst, int ndst, int color) {
  for (int i = 0; i < t->nflows; i++)
    if (t->flows[i].src == src && t->flows[i].color == color) return -1;
  /* Save this color's slice, add the flow's paths, and keep them only if every
   * flow on this color still reaches exactly its destinations. */
  size_t slice = (size_t)t->n * 5;
  uint8_t *save = xcalloc(slice, 1);
  for (int r = 0; r < t->n; r++) memcpy(save + r * 5, tbl_at(t, r, color, 0), 5);
  for (int d = 0; d < ndst; d++) {
    int r, in, guard = 0;
    src_start(t, src, &r, &in);
    for (;;) {
      int p = step_to(t, r % t->cols, r / t->cols, dst[d]);
      *tbl_at(t, r, color, in) |= (uint8_t)(1u << p);
      if (p == 0) break;
      int fp, eep = -1, nb = neighbour(t, r, p, &fp, &eep);
      if (nb < 0 || ++guard > 4 * (t->rows + t->cols)) break;
      r = nb;
      in = fp;
    }
  }
  flow f = {src, color, ndst, xcalloc((size_t)(ndst ? ndst : 1), sizeof(int))};
  memcpy(f.dst, dst, (size_t)ndst * sizeof(int));
  uint8_t *out = xcalloc((size_t)t->nep, 1), *seen = xcalloc(slice, 1);
  int ok = flow_ok(t, &f, out, seen);
  for (int i = 0; ok && i < t->nflows; i++)
    if (t->flows[i].color == color) ok = flow_ok(t, &t->flows[i], out, seen);
  free(out);
  free(seen);
  if (!ok) {
    for (int r = 0; r < t->n; r++) memcpy(tbl_at(t, r, color, 0), save + r * 5, 5);
    free(save);
    free(f.dst);
    return -1;
  }
  free(save);
  if (t->nflows == t->capflows) {
    t->capflows = t->capflows ? 2 * t->capflows : 64;
    t->flows = realloc(t->flows, (size_t)t->capflows * sizeof(flow));
    if (!t->flows) abort();
  }
  t->flows[t->nflows++] = f;
  t->src_colors[src * NCOLORS + color] = 1;
  t->src_ncolors[src]++;
  t->src_on[src] = 1;
  return 0;
}

int fab_add_flow_any(fab_tb *t, int src, const int *dst, int ndst, int lo, int hi) {
  for (int c = lo; c < hi; c++)
    if (fab_add_flow(t, src, dst, ndst, c) == 0) return c;
  return -1;
}

void fab_mark_reduce(fab_tb *t, int color) { t->reduce_color[color] = 1; }

void fab_color_sources(fab_tb *t, const int *src, int n) {
  memset(t->src_on, 0, (size_t)t->nep);
  for (int i = 0; i < n; i++) t->src_on[src[i]] = 1;
}

/* ---- packets ---- */

static uint32_t header(uint32_t dx, uint32_t dy, uint32_t sx, uint32_t sy, uint32_t op,
                       uint32_t tag) {
  return (dx & 63) | (dy & 63) << 6 | (sx & 63) << 12 | (sy & 63) << 18 | (op & 15) << 24 |
         (tag & 15) << 28;
}

static void q_push(pkt_queue *q, const packet *p) {
  if (q->n == q->cap) {
    long nc = q->cap ? 2 * q->cap : 16;
    packet *nb = xcalloc((size_t)nc, sizeof(packet));
    for (long i = 0; i < q->n; i++) nb[i] = q->buf[(q->head + i) % q->cap];
    free(q->buf);
    q->buf = nb;
    q->cap = nc;
    q->head = 0;
  }
  q->buf[(q->head + q->n) % q->cap] = *p;
  q->n++;
}

static int q_pop(pkt_queue *q, packet *p) {
  if (q->n == 0) return 0;
  *p = q->buf[q->head];
  q->head = (q->head + 1) % q->cap;
  q->n--;
  return 1;
}

static uint32_t word_of(const fab_tb *t, long id, int k, uint32_t op) {
  return (uint32_t)h4(t, 3 + op, (uint64_t)id, (uint64_t)k, 0);
}

/* Generates request number tx_seq[src][dst]: a WRITE of 1..max_len words or a
 * READ of as many (the host serves no reads). Its id goes in the address flit. */
static void make_request(fab_tb *t, int src, int dst) {
  if (t->nrecs == t->caprecs) {
    t->caprecs = t->caprecs ? 2 * t->caprecs : 4096;
    t->recs = realloc(t->recs, (size_t)t->caprecs * sizeof(pkt_rec));
    if (!t->recs) abort();
  }
  long id = t->nrecs++;
  pkt_rec *r = &t->recs[id];
  int pair = src * t->nep + dst;
  r->src = src;
  r->dst = dst;
  r->pseq = t->tx_seq[pair]++;
  r->op = (dst != t->host && rndf(t) < t->read_frac) ? (int)OP_READ : (int)OP_WRITE;
  r->len = 1 + rndn(t, t->pkt_max_len > 0 ? t->pkt_max_len : 1);
  r->next_read = -1;
  if (r->op == (int)OP_READ) {
    if (t->rd_tail[pair] >= 0) t->recs[t->rd_tail[pair]].next_read = id;
    else t->rd_head[pair] = id;
    t->rd_tail[pair] = id;
  }
  int sx, sy, dx, dy;
  coord_of_ep(t, src, &sx, &sy);
  coord_of_ep(t, dst, &dx, &dy);
  packet p;
  p.flit[0] = header((uint32_t)dx, (uint32_t)dy, (uint32_t)sx, (uint32_t)sy, (uint32_t)r->op,
                     r->pseq);
  p.flit[1] = (uint32_t)id << 2;
  if (r->op == (int)OP_READ) {
    p.flit[2] = (uint32_t)r->len;
    p.len = 3;
  } else {
    for (int k = 0; k < r->len; k++) p.flit[2 + k] = word_of(t, id, k, OP_WRITE);
    p.len = 2 + r->len;
  }
  q_push(&t->txq[src * 3 + WL_NET_REQ], &p);
  t->pkt_outstanding++;
}

static void check_request(fab_tb *t, int ep, const packet *p) {
  uint32_t h = p->flit[0];
  int dx = (int)(h & 63), dy = (int)(h >> 6 & 63), sx = (int)(h >> 12 & 63),
      sy = (int)(h >> 18 & 63);
  uint32_t op = h >> 24 & 15;
  int mx, my;
  coord_of_ep(t, ep, &mx, &my);
  if (dx != mx || dy != my) {
    fail(t, "request for (%d,%d) delivered at (%d,%d)", dx, dy, mx, my);
    return;
  }
  long id = p->len >= 2 ? (long)(p->flit[1] >> 2) : -1;
  int src = ep_of_coord(t, sx, sy);
  if (id < 0 || id >= t->nrecs || src < 0 || t->recs[id].src != src || t->recs[id].dst != ep) {
    fail(t, "request at (%d,%d) from (%d,%d): unknown or corrupted (id %ld)", mx, my, sx, sy, id);
    return;
  }
  const pkt_rec *r = &t->recs[id];
  uint32_t *want = &t->rx_seq[src * t->nep + ep];
  if (r->pseq != *want) {
    fail(t, "request (%d,%d)->(%d,%d): number %u, expected %u (lost, duplicated or reordered)",
         sx, sy, mx, my, r->pseq, *want);
    return;
  }
  (*want)++;
  if (op != (uint32_t)r->op || (h >> 28) != (r->pseq & 15)) {
    fail(t, "request (%d,%d)->(%d,%d) #%u: op or tag corrupted", sx, sy, mx, my, r->pseq);
    return;
  }
  if (op == OP_READ) {
    if (p->len != 3 || p->flit[2] != (uint32_t)r->len) {
      fail(t, "READ (%d,%d)->(%d,%d) #%u malformed", sx, sy, mx, my, r->pseq);
      return;
    }
    packet a; /* the PE model answers at once */
    a.flit[0] = header((uint32_t)sx, (uint32_t)sy, (uint32_t)mx, (uint32_t)my, OP_RDATA, r->pseq);
    a.flit[1] = p->flit[1];
    for (int k = 0; k < r->len; k++) a.flit[2 + k] = word_of(t, id, k, OP_RDATA);
    a.len = 2 + r->len;
    q_push(&t->txq[ep * 3 + WL_NET_RSP], &a);
    t->pkt_outstanding++;
  } else if (op == OP_WRITE) {
    if (p->len != 2 + r->len) {
      fail(t, "WRITE (%d,%d)->(%d,%d) #%u: %d flits, expected %d", sx, sy, mx, my, r->pseq,
           p->len, 2 + r->len);
      return;
    }
    for (int k = 0; k < r->len; k++)
      if (p->flit[2 + k] != word_of(t, id, k, OP_WRITE)) {
        fail(t, "WRITE (%d,%d)->(%d,%d) #%u: payload word %d corrupted", sx, sy, mx, my, r->pseq,
             k);
        return;
      }
  } else {
    fail(t, "request at (%d,%d) with op %u", mx, my, op);
  }
}

static void check_response(fab_tb *t, int ep, const packet *p) {
  uint32_t h = p->flit[0];
  int dx = (int)(h & 63), dy = (int)(h >> 6 & 63), sx = (int)(h >> 12 & 63),
      sy = (int)(h >> 18 & 63);
  int mx, my;
  coord_of_ep(t, ep, &mx, &my);
  if (dx != mx || dy != my || (h >> 24 & 15) != OP_RDATA) {
    fail(t, "response for (%d,%d) op %u delivered at (%d,%d)", dx, dy, h >> 24 & 15, mx, my);
    return;
  }
  int resp = ep_of_coord(t, sx, sy);
  long id = p->len >= 2 ? (long)(p->flit[1] >> 2) : -1;
  if (resp < 0 || resp >= t->n || id < 0 || id >= t->nrecs) {
    fail(t, "response at (%d,%d) from (%d,%d): unknown or corrupted", mx, my, sx, sy);
    return;
  }
  int pair = ep * t->nep + resp;
  if (id != t->rd_head[pair]) {
    fail(t, "RDATA (%d,%d)->(%d,%d): answers request %ld, expected %ld (lost, duplicated or "
            "reordered)", sx, sy, mx, my, id, t->rd_head[pair]);
    return;
  }
  const pkt_rec *r = &t->recs[id];
  t->rd_head[pair] = r->next_read;
  if (t->rd_head[pair] < 0) t->rd_tail[pair] = -1;
  if (p->len != 2 + r->len || (h >> 28) != (r->pseq & 15)) {
    fail(t, "RDATA (%d,%d)->(%d,%d) #%u: %d flits, expected %d", sx, sy, mx, my, r->pseq, p->len,
         2 + r->len);
    return;
  }
  for (int k = 0; k < r->len; k++)
    if (p->flit[2 + k] != word_of(t, id, k, OP_RDATA)) {
      fail(t, "RDATA (%d,%d)->(%d,%d) #%u word %d corrupted", sx, sy, mx, my, r->pseq, k);
      return;
    }
}

/* ---- per-cycle endpoint models ---- */

static uint32_t red_term(const fab_tb *t, int pe, int color, long round) {
  return (uint32_t)h4(t, 9, (uint64_t)pe, (uint64_t)color, (uint64_t)round) & 0xffffu;
}

/* Sum of the terms of the chain members before `pe` on color (all PEs upstream
 * in its row for eastward chains, its column for southward ones). */
static uint32_t red_prefix(const fab_tb *t, int upto_ep, int color, long round, int *head) {
  /* Walk back along the chain: the upstream neighbour is the PE whose flow on
   * this color delivers to upto_ep. */
  uint32_t sum = 0;
  int cur = upto_ep, guard = 0;
  for (;;) {
    int prev = -1;
    for (int i = 0; i < t->nflows; i++) {
      const flow *f = &t->flows[i];
      if (f->color == color && f->ndst == 1 && f->dst[0] == cur && f->src < t->n) {
        prev = f->src;
        break;
      }
    }
    if (prev < 0 || ++guard > t->n) break;
    sum += red_term(t, prev, color, round);
    cur = prev;
  }
  if (head) *head = cur;
  return sum;
}

static void color_receive(fab_tb *t, int ep, uint32_t data, uint32_t color) {
  t->st.col_delivered++;
  t->last_rx_cycle = t->cycle;
  t->last_rx_ep = ep;
  if (t->reduce_color[color]) {
    long *seen = &t->red_seen[ep * NCOLORS + (int)color];
    uint32_t want = red_prefix(t, ep, (int)color, *seen, NULL);
    if (data != want) {
      fail(t, "reduction color %u round %ld at endpoint %d: got %08x, expected %08x", color,
           *seen, ep, data, want);
      return;
    }
    (*seen)++;
    t->red_pending--;
    if (ep < t->n) { /* pass the partial sum on */
      reduce_queue *q = &t->rq[ep];
      int slot = (q->head + q->n) % RQ_CAP;
      q->val[slot] = data + red_term(t, ep, (int)color, *seen - 1);
      q->color[slot] = (uint8_t)color;
      q->n++;
      t->red_pending++;
    } else {
      t->st.reduce_results++;
    }
    return;
  }
  uint32_t src = data >> SEQ_BITS, seq = data & SEQ_MASK;
  if ((int)src >= t->nep || !t->dmask[((size_t)src * NCOLORS + color) * (size_t)t->nep + (size_t)ep]) {
    fail(t, "wavelet src %u color %u seq %u misrouted to endpoint %d", src, color, seq, ep);
    return;
  }
  uint32_t *want = &t->expect[((size_t)ep * (size_t)t->nep + src) * NCOLORS + color];
  if (seq != *want) {
    fail(t, "endpoint %d: src %u color %u seq %u, expected %u (%s)", ep, src, color, seq, *want,
         seq < *want ? "duplicate or reordered" : "lost or reordered");
    return;
  }
  (*want)++;
  t->col_outstanding--;
}

static void color_source(fab_tb *t, int ep) {
  if (t->cur_valid[ep]) return;
  if (ep < t->n && t->rq[ep].n > 0) { /* reduction work first */
    reduce_queue *q = &t->rq[ep];
    t->cur_data[ep] = q->val[q->head];
    t->cur_color[ep] = q->color[q->head];
    q->head = (q->head + 1) % RQ_CAP;
    q->n--;
    t->cur_valid[ep] = 2;
    return;
  }
  if (t->backlog[ep] == 0 || t->src_ncolors[ep] == 0) return;
  /* pick one of this source's regular colors uniformly */
  int k = rndn(t, t->src_ncolors[ep]), c = 0;
  for (c = 0; c < NCOLORS; c++)
    if (t->src_colors[ep * NCOLORS + c] && !t->reduce_color[c] && k-- == 0) break;
  if (c == NCOLORS) return;
  uint32_t seq = t->sent[ep * NCOLORS + c];
  if (seq > SEQ_MASK) {
    fail(t, "sequence space exhausted for src %d color %d", ep, c);
    return;
  }
  t->sent[ep * NCOLORS + c]++;
  t->backlog[ep]--;
  t->cur_data[ep] = (uint32_t)ep << SEQ_BITS | seq;
  t->cur_color[ep] = (uint32_t)c;
  t->cur_valid[ep] = 1;
  t->col_outstanding += t->ndest[ep * NCOLORS + c];
}

static void progress(fab_tb *t) { t->last_progress = t->cycle; }

static int lane_of(const fab_tb *t, int ep, int *kind) {
  *kind = ep < t->n ? WL_LOCAL : WL_EDGE;
  return ep < t->n ? ep : ep - t->n;
}

static void one_cycle(fab_tb *t) {
  wl_mesh_sim *m = t->sim;
  /* create new work */
  for (int ep = 0; ep < t->nep; ep++) {
    if (t->src_on[ep] && t->col_budget > 0 && rndf(t) < t->col_rate) {
      t->backlog[ep]++;
      t->col_budget--;
    }
  }
  if (t->pkt_budget > 0) {
    for (int ep = 0; ep <= t->host; ep++) {
      if (ep >= t->n && ep != t->host) continue;
      if (t->pkt_budget > 0 && rndf(t) < t->pkt_rate) {
        int dst = rndn(t, t->n + 1);
        if (dst == t->n) dst = t->host;
        make_request(t, ep, dst);
        t->pkt_budget--;
      }
    }
  }
  if (t->red_rounds > 0) {
    for (int i = 0; i < t->nflows; i++) {
      const flow *f = &t->flows[i];
      if (!t->red_head[f->src * NCOLORS + f->color]) continue;
      long *iss = &t->red_issued[f->src * NCOLORS + f->color];
      if (*iss >= t->red_rounds || t->rq[f->src].n >= RQ_CAP - 4) continue;
      reduce_queue *q = &t->rq[f->src];
      int slot = (q->head + q->n) % RQ_CAP;
      q->val[slot] = red_term(t, f->src, f->color, *iss);
      q->color[slot] = (uint8_t)f->color;
      q->n++;
      (*iss)++;
      t->red_pending++;
    }
  }

  for (int ep = 0; ep < t->nep; ep++) {
    int kind, lane = lane_of(t, ep, &kind);
    int is_src_ep = ep < t->n || ep == t->host;
    /* color network */
    {
      uint32_t d, s;
      int take = rndf(t) < t->o.sink_ready;
      if (ep < t->n && t->rq[ep].n >= RQ_CAP - 1) take = 0; /* PE busy */
      wl_mesh_sim_out_ready(m, WL_NET_COLOR, kind, lane, take);
      if (take && wl_mesh_sim_out_valid(m, WL_NET_COLOR, kind, lane, &d, &s)) {
        color_receive(t, ep, d, s);
        progress(t);
      }
      if (ep < t->n || t->src_on[ep]) {
        color_source(t, ep);
        if (t->cur_valid[ep]) {
          wl_mesh_sim_drive(m, WL_NET_COLOR, kind, lane, 1, t->cur_data[ep], t->cur_color[ep]);
          if (wl_mesh_sim_in_ready(m, WL_NET_COLOR, kind, lane)) {
            if (t->cur_valid[ep] == 1) t->st.col_injected++;
            t->cur_valid[ep] = 0;
            t->last_tx_cycle = t->cycle;
            progress(t);
          }
        } else {
          wl_mesh_sim_drive(m, WL_NET_COLOR, kind, lane, 0, 0, 0);
        }
      }
    }
    /* packet networks */
    for (int net = WL_NET_REQ; net <= WL_NET_RSP; net++) {
      uint32_t d, s;
      pkt_port *rx = &t->rx[ep * 3 + net];
      int take = rndf(t) < t->o.sink_ready;
      wl_mesh_sim_out_ready(m, net, kind, lane, take);
      if (take && wl_mesh_sim_out_valid(m, net, kind, lane, &d, &s)) {
        progress(t);
        t->st.pkt_flits++;
        if (rx->pos == 0) t->last_rx_cycle = t->cycle, t->last_rx_ep = ep;
        if (rx->pos >= MAXPKT) {
          fail(t, "packet longer than %d flits at endpoint %d", MAXPKT, ep);
        } else {
          rx->p.flit[rx->pos++] = d;
        }
        if (s & 1) {
          rx->p.len = rx->pos;
          rx->pos = 0;
          t->st.pkt_received++;
          t->pkt_outstanding--;
          if (!is_src_ep) fail(t, "packet left the mesh at edge endpoint %d", ep);
          else if (net == WL_NET_REQ) check_request(t, ep, &rx->p);
          else check_response(t, ep, &rx->p);
        }
      }
      if (!is_src_ep) continue;
      pkt_port *tx = &t->tx[ep * 3 + net];
      if (!tx->busy && q_pop(&t->txq[ep * 3 + net], &tx->p)) {
        tx->busy = 1;
        tx->pos = 0;
      }
      if (tx->busy) {
        int last = tx->pos == tx->p.len - 1;
        wl_mesh_sim_drive(m, net, kind, lane, 1, tx->p.flit[tx->pos], (uint32_t)last);
        if (wl_mesh_sim_in_ready(m, net, kind, lane)) {
          if (tx->pos == 0) t->last_tx_cycle = t->cycle;
          progress(t);
          if (last) {
            tx->busy = 0;
            t->st.pkt_sent++;
          } else {
            tx->pos++;
          }
        }
      } else {
        wl_mesh_sim_drive(m, net, kind, lane, 0, 0, 0);
      }
    }
  }
  wl_mesh_sim_step(m);
  t->cycle++;
}

static int pending(const fab_tb *t) {
  if (t->col_outstanding > 0 || t->pkt_outstanding > 0 || t->red_pending > 0) return 1;
  for (int ep = 0; ep < t->nep; ep++)
    if (t->cur_valid[ep] || t->backlog[ep]) return 1;
  return 0;
}

static int reduce_done(const fab_tb *t);

static int work_left(const fab_tb *t) {
  return pending(t) || t->col_budget > 0 || t->pkt_budget > 0 || !reduce_done(t);
}

static int reduce_done(const fab_tb *t) {
  for (int i = 0; i < t->nflows; i++) {
    const flow *f = &t->flows[i];
    if (t->reduce_color[f->color] && f->src < t->n &&
        t->red_seen[f->dst[0] * NCOLORS + f->color] < t->red_rounds)
      return 0;
  }
  return 1;
}

int fab_run(fab_tb *t, long max_cycles) {
  long start = t->cycle;
  t->last_progress = t->cycle;
  while (t->nerr == 0) {
    if (!work_left(t)) break;
    if (t->cycle - start >= max_cycles) return -2;
    one_cycle(t);
    if (t->cycle - t->last_progress > t->o.watchdog) {
      fail(t, "watchdog: no transfer for %ld cycles with traffic pending (%ld wavelet copies, "
              "%ld packets outstanding)",
           t->o.watchdog, t->col_outstanding, t->pkt_outstanding);
    }
  }
  t->st.cycles = t->cycle - start;
  return t->nerr ? -1 : 0;
}

/* ---- configuration ---- */

int fab_configure(fab_tb *t) {
  /* expected destinations per (src, color) from the tables */
  uint8_t *seen = xcalloc((size_t)t->n * 5, 1);
  memset(t->dmask, 0, (size_t)t->nep * NCOLORS * (size_t)t->nep);
  for (int i = 0; i < t->nflows; i++) {
    const flow *f = &t->flows[i];
    uint8_t *out = &t->dmask[((size_t)f->src * NCOLORS + (size_t)f->color) * (size_t)t->nep];
    int k = walk(t, f->src, f->color, out, seen);
    if (k < 0) {
      free(seen);
      fail(t, "route tables of color %d loop", f->color);
      return -1;
    }
    t->ndest[f->src * NCOLORS + f->color] = k;
  }
  free(seen);
  return fab_configure_hw_only(t);
}

int fab_configure_hw_only(fab_tb *t) {
  /* Like a driver with a shadow copy: one CFG packet per router whose table
   * changed, covering the changed colors, then a fence request to its PE behind
   * it on the same path: when the fence arrives the table write has happened. */
  int host = t->host, ncfg = 0;
  uint32_t *before = xcalloc((size_t)t->n, sizeof(uint32_t));
  for (int r = 0; r < t->n; r++) {
    int lo = -1, hi = -1;
    for (int c = 0; c < NCOLORS; c++)
      if (memcmp(tbl_at(t, r, c, 0), &t->hw_tbl[((size_t)r * NCOLORS + (size_t)c) * 5], 5)) {
        if (lo < 0) lo = c;
        hi = c;
      }
    if (lo < 0) continue;
    packet p;
    p.flit[0] = header((uint32_t)(r % t->cols), (uint32_t)(r / t->cols), 63, 0, OP_CFG, 0);
    p.flit[1] = (uint32_t)lo * 4u;
    for (int c = lo; c <= hi; c++) {
      uint32_t w = 0;
      for (int in = 0; in < 5; in++) w |= (uint32_t)*tbl_at(t, r, c, in) << (5 * in);
      p.flit[2 + c - lo] = w;
    }
    p.len = 2 + hi - lo + 1;
    q_push(&t->txq[host * 3 + WL_NET_REQ], &p);
    t->pkt_outstanding++; /* consumed by the router: settled below */
    ncfg++;
    make_request(t, host, r);
    before[r] = t->tx_seq[host * t->nep + r];
  }
  memcpy(t->hw_tbl, t->tbl, (size_t)t->n * NCOLORS * 5);
  long start = t->cycle;
  t->last_progress = t->cycle;
  for (;;) {
    int done = 1;
    for (int r = 0; r < t->n && done; r++)
      if (t->rx_seq[host * t->nep + r] < before[r]) done = 0;
    if (done || t->nerr) break;
    one_cycle(t);
    if (t->cycle - t->last_progress > t->o.watchdog) fail(t, "watchdog during configuration");
    if (t->cycle - start > 1000000) fail(t, "configuration did not finish");
  }
  free(before);
  t->pkt_outstanding -= ncfg; /* the CFG packets never reach an endpoint */
  /* let read answers to fences drain */
  if (!t->nerr) fab_run(t, 100000);
  return t->nerr ? -1 : 0;
}

/* ---- traffic control ---- */

void fab_color_traffic(fab_tb *t, double rate, long budget) {
  t->col_rate = rate;
  t->col_budget = budget;
}

void fab_packet_traffic(fab_tb *t, double rate, int max_len, double read_frac, long budget) {
  t->pkt_rate = rate;
  t->pkt_max_len = max_len < 1 ? 1 : (max_len > MAXPKT - 2 ? MAXPKT - 2 : max_len);
  t->read_frac = read_frac;
  t->pkt_budget = budget;
}

void fab_reduce_traffic(fab_tb *t, long rounds) {
  t->red_rounds = rounds;
  /* chain heads: PEs sending on a reduction color that no flow on it feeds */
  memset(t->red_head, 0, (size_t)t->nep * NCOLORS);
  for (int i = 0; i < t->nflows; i++) {
    const flow *f = &t->flows[i];
    int head = -1;
    if (!t->reduce_color[f->color] || f->src >= t->n) continue;
    red_prefix(t, f->src, f->color, 0, &head);
    if (head == f->src) t->red_head[f->src * NCOLORS + f->color] = 1;
  }
  memset(t->red_issued, 0, (size_t)t->nep * NCOLORS * sizeof(long));
  memset(t->red_seen, 0, (size_t)t->nep * NCOLORS * sizeof(long));
}

long fab_probe_color(fab_tb *t, int src, int color, int dst) {
  double rate = t->col_rate;
  long budget = t->col_budget;
  uint8_t *on = xcalloc((size_t)t->nep, 1);
  memcpy(on, t->src_on, (size_t)t->nep);
  memset(t->src_on, 0, (size_t)t->nep);
  /* force the one wavelet onto `color`: temporarily hide the source's other colors */
  uint8_t saved[NCOLORS];
  memcpy(saved, &t->src_colors[src * NCOLORS], NCOLORS);
  int savedn = t->src_ncolors[src];
  memset(&t->src_colors[src * NCOLORS], 0, NCOLORS);
  t->src_colors[src * NCOLORS + color] = 1;
  t->src_ncolors[src] = 1;
  t->src_on[src] = 1;
  t->backlog[src] = 1;
  t->col_budget = 0;
  t->last_rx_ep = -1;
  long tx = -1, lat = -1;
  double ready = t->o.sink_ready;
  t->o.sink_ready = 1.0;
  t->last_progress = t->cycle;
  for (long c = 0; c < 10000 && !t->nerr; c++) {
    long before = t->st.col_delivered;
    one_cycle(t);
    if (tx < 0 && !t->cur_valid[src] && t->backlog[src] == 0) tx = t->last_tx_cycle;
    if (t->st.col_delivered > before && t->last_rx_ep == dst) {
      lat = t->last_rx_cycle - tx;
    }
    if (!pending(t)) break;
  }
  t->o.sink_ready = ready;
  memcpy(&t->src_colors[src * NCOLORS], saved, NCOLORS);
  t->src_ncolors[src] = savedn;
  memcpy(t->src_on, on, (size_t)t->nep);
  free(on);
  t->col_rate = rate;
  t->col_budget = budget;
  return t->nerr ? -1 : lat;
}

long fab_probe_packet(fab_tb *t, int dst) {
  double ready = t->o.sink_ready, rf = t->read_frac;
  int ml = t->pkt_max_len;
  t->o.sink_ready = 1.0;
  t->read_frac = 0.0;
  t->pkt_max_len = 1;
  t->last_rx_ep = -1;
  make_request(t, t->host, dst);
  long tx = -1, lat = -1;
  t->last_progress = t->cycle;
  for (long c = 0; c < 10000 && !t->nerr; c++) {
    long before = t->st.pkt_flits;
    int was_busy = t->tx[t->host * 3 + WL_NET_REQ].busy;
    one_cycle(t);
    if (tx < 0 && (was_busy || t->tx[t->host * 3 + WL_NET_REQ].busy)) tx = t->last_tx_cycle;
    if (lat < 0 && t->st.pkt_flits > before && t->last_rx_ep == dst) lat = t->last_rx_cycle - tx;
    if (!pending(t)) break;
  }
  t->o.sink_ready = ready;
  t->read_frac = rf;
  t->pkt_max_len = ml;
  return t->nerr ? -1 : lat;
}

const fab_stats *fab_get_stats(const fab_tb *t) { return &t->st; }

void fab_reset_stats(fab_tb *t) { memset(&t->st, 0, sizeof t->st); }

long fab_errors(const fab_tb *t) { return t->nerr; }

const char *fab_first_error(const fab_tb *t) { return t->nerr ? t->err : ""; }

int fab_check_complete(fab_tb *t) {
  for (int i = 0; i < t->nflows && !t->nerr; i++) {
    const flow *f = &t->flows[i];
    if (t->reduce_color[f->color]) continue;
    uint32_t sent = t->sent[f->src * NCOLORS + f->color];
    const uint8_t *dm = &t->dmask[((size_t)f->src * NCOLORS + (size_t)f->color) * (size_t)t->nep];
    for (int d = 0; d < t->nep; d++) {
      if (!dm[d]) continue;
      uint32_t got = t->expect[((size_t)d * (size_t)t->nep + (size_t)f->src) * NCOLORS + (size_t)f->color];
      if (got != sent) fail(t, "src %d color %d: endpoint %d got %u of %u wavelets", f->src,
                            f->color, d, got, sent);
    }
  }
  for (int s = 0; s < t->nep && !t->nerr; s++) {
    for (int d = 0; d < t->nep && !t->nerr; d++) {
      uint32_t tx = t->tx_seq[s * t->nep + d], rx = t->rx_seq[s * t->nep + d];
      if (tx != rx) fail(t, "requests %d->%d: %u sent, %u received", s, d, tx, rx);
      else if (t->rd_head[s * t->nep + d] >= 0)
        fail(t, "READs %d->%d left unanswered", s, d);
    }
  }
  if (!t->nerr && (t->col_outstanding || t->pkt_outstanding || t->red_pending))
    fail(t, "traffic left over: %ld wavelet copies, %ld packets, %d reduction values",
         t->col_outstanding, t->pkt_outstanding, t->red_pending);
  if (!t->nerr && t->red_rounds > 0 && !reduce_done(t))
    fail(t, "reduction chains incomplete");
  return t->nerr ? -1 : 0;
}
