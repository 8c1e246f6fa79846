#include "pe_tu_model.h"

static uint32_t rd32(const uint8_t *m, uint32_t a) {
  a &= TU_OFF_MASK;
  return (uint32_t)m[a] | (uint32_t)m[(a + 1) & TU_OFF_MASK] << 8 | (uint32_t)m[(a + 2) & TU_OFF_MASK] << 16 |
         (uint32_t)m[(a + 3) & TU_OFF_MASK] << 24;
}
static void wr32(uint8_t *m, uint32_t a, uint32_t v) {
  for (unsigned i = 0; i < 4; i++) m[(a + i) & TU_OFF_MASK] = (uint8_t)(v >> (8 * i));
}

/* byte i of row r of operand A: from SRAM at the row base (aligned down to a
 * beat, as the hardware addresses in beats) or from the color stream */
typedef struct {
  const uint8_t *m; uint32_t base; const uint32_t *words;
} row_src;

static uint8_t src_byte(const row_src *s, uint32_t i) {
  if (s->words) return (uint8_t)(s->words[i / 4] >> (8 * (i % 4)));
  return s->m[(s->base + i) & TU_OFF_MASK];
}
static uint32_t src_word(const row_src *s, uint32_t k) {
  return s->words ? s->words[k] : rd32(s->m, s->base + 4 * k);
}

void tu_model_run(tu_desc *d, uint8_t *m, const uint32_t *cin, size_t ncin, size_t *cin_used,
                  uint32_t *cout, size_t *ncout) {
  unsigned op = d->cfg & 15u, asrc = (d->cfg >> 4) & 1u, dst = (d->cfg >> 5) & 3u;
  unsigned bscalar = (d->cfg >> 7) & 1u, accum = (d->cfg >> 8) & 1u;
  uint32_t len = d->len & 0xFFFFu, rows = d->rows & 0xFFFFu;
  uint32_t esize = (op == TU_ADD || op == TU_MULSH || op == TU_MAX) ? 4u : 1u;
  uint32_t rb = len * esize, wpr = (rb + 3) / 4;
  size_t used = 0;
  *cin_used = 0;
  if (len == 0 || rows == 0) return;
  if ((op == TU_DOT || op == TU_GDOT) && dst == TU_DST_ACC && !accum) d->acc = 0;
  for (uint32_t r = 0; r < rows; r++) {
    uint32_t abase = (d->a + r * d->as) & TU_OFF_MASK & ~(TU_LANES - 1);
    uint32_t bbase = (d->b + r * d->bs) & TU_OFF_MASK & ~(TU_LANES - 1);
    uint32_t drow = (d->d + r * d->ds) & TU_OFF_MASK;
    row_src A = { m, abase, 0 };
    if (asrc) {
      if (used + wpr > ncin) return;  /* the test must provide the whole stream */
      A.words = cin + used;
      used += wpr;
    }
    if (op == TU_GDOT) {
      /* beats of TU_LANES bytes; beat k % 5 == 0 carries the u8 scales of the next four
       * beats' 4-byte groups, in A and in B */
      uint64_t s = 0;
      uint8_t ua[TU_LANES] = {0}, ub[TU_LANES] = {0};
      for (uint32_t i = 0; i < len; i++) {
        uint32_t beat = i / TU_LANES, lane = i % TU_LANES, phase = beat % 5;
        uint8_t av = src_byte(&A, i);
        uint8_t bv = bscalar ? (uint8_t)d->scalar : m[(bbase + i) & TU_OFF_MASK];
        if (phase == 0) {
          ua[lane] = av;
          ub[lane] = bv;
          continue;
        }
        uint32_t g = (phase - 1) * (TU_LANES / 4) + lane / 4;
        int64_t p = (int64_t)(int8_t)av * (int8_t)bv * ((int64_t)ua[g] * ub[g]);
        s += (uint64_t)p;
      }
      if (dst == TU_DST_ACC) d->acc = (uint32_t)d->acc + (uint32_t)s;
      else if (dst == TU_DST_SRAM) {
        wr32(m, drow & ~7u, (uint32_t)s);
        wr32(m, (drow & ~7u) + 4, (uint32_t)(s >> 32));
      } else if (dst == TU_DST_COLOR) {
        cout[(*ncout)++] = (uint32_t)s;
        cout[(*ncout)++] = (uint32_t)(s >> 32);
      }
    } else if (op == TU_DOT) {
      int32_t s = 0;
      for (uint32_t i = 0; i < len; i++) {
        int8_t av = (int8_t)src_byte(&A, i);
        int8_t bv = bscalar ? (int8_t)(d->scalar & 0xFFu) : (int8_t)m[(bbase + i) & TU_OFF_MASK];
        s = (int32_t)((uint32_t)s + (uint32_t)(av * bv));
      }
      if (dst == TU_DST_ACC) d->acc = (uint32_t)d->acc + (uint32_t)s;
      else if (dst == TU_DST_SRAM) wr32(m, drow & ~3u, (uint32_t)s);
      else if (dst == TU_DST_COLOR) cout[(*ncout)++] = (uint32_t)s;
    } else if (op == TU_MOVE) {
      uint32_t dbase = drow & ~(TU_LANES - 1);
      if (dst == TU_DST_SRAM)
        for (uint32_t i = 0; i < len; i++) m[(dbase + i) & TU_OFF_MASK] = src_byte(&A, i);
      else if (dst == TU_DST_COLOR)
        for (uint32_t k = 0; k < wpr; k++) cout[(*ncout)++] = src_word(&A, k);
    } else {
      uint32_t dbase = drow & ~(TU_LANES - 1);
      for (uint32_t j = 0; j < len; j++) {
        int32_t av = (int32_t)src_word(&A, j);
        int32_t bv = (int32_t)(bscalar ? d->scalar : rd32(m, bbase + 4 * j));
        uint32_t res;
        if (op == TU_ADD) res = (uint32_t)av + (uint32_t)bv;
        else if (op == TU_MAX) res = (uint32_t)(av > bv ? av : bv);
        else if (op == TU_MULSH) {
          unsigned sh = d->shift & 63u;
          int64_t p = (int64_t)av * (int64_t)bv;
          if (sh) p += (int64_t)1 << (sh - 1);
          res = (uint32_t)(p >> sh);  /* arithmetic shift (gcc) */
        } else res = (uint32_t)av;
        if (dst == TU_DST_SRAM) wr32(m, dbase + 4 * j, res);
        else if (dst == TU_DST_COLOR) cout[(*ncout)++] = res;
      }
    }
  }
  *cin_used = used;
}
