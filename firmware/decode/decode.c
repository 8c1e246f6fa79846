/* Decode firmware: every PE runs this program. Weights are stationary: PE p holds a
 * contiguous block of rows of every matrix and the KV-cache entries of positions
 * p, p + P, ... The root PE (0,0) owns the residual stream and the job. A step:
 *   root broadcasts (token, pos); the embedding row's owner and the RoPE row's
 *   owner send them to the root, which broadcasts the RoPE row;
 *   per layer: the root finds the RMSNorm scale of x and broadcasts both; every PE
 *   quantizes a share of x's groups into the root's broadcast vector (quant_rms) and
 *   multiplies its rows on the tensor unit (GDOT); q and k rows are rotated where
 *   they are computed and gathered at the root, which quantizes the new K/V entry
 *   and broadcasts q and the entry; each PE scores its cached positions, a
 *   max-reduction and a sum-reduction give the softmax (exact integers, so the split
 *   matches the spec bit for bit); the head outputs are formed and quantized on the
 *   PEs (head_outputs); the output projection is gathered into the residual; the
 *   SwiGLU output is quantized where it is computed (quant_spread); w2 like wo;
 *   classifier rows end in a distributed argmax.
 * All arithmetic is the shared spec in firmware/spec. docs/DECODE.md. */
#include <stdint.h>

#include "mesh.h"
#include "wl_decode_abi.h"
#include "wl_pe.h"
#include "wls_spec.h"

extern char __bss_end[];

#define PTR(type, addr) ((type *)(uintptr_t)(addr))

typedef struct {
    uint32_t prof[WLD_PROF_N];
    uint32_t t;
    wld_mesh m;
    const wld_pe *b;
    const wld_mat *mats;
    int dim, hidden, L, nh, nkv, hs, kv, kvp, P;
    wls_xf att_coef; /* wls_att_coef(hs): a square root and a division, once */
    wls_xf xscale;    /* the scale of the broadcast vector */
    uint8_t *xc;      /* the broadcast vector, GDOT layout */
    int64_t *acc;     /* GDOT row totals, a batch of acc_rows rows (in qfull) */
    uint32_t acc_rows;
    int32_t *x, *q, *k, *v; /* root only */
    int32_t *hb;            /* the root's: the spread quantizer's u words */
    int16_t *rope_now; /* the step's RoPE row */
} decoder;

/* Charges the cycles since the last mark to activity k. */
static void mark(decoder *d, int k)
{
    uint32_t now = wl_cycles();
    d->prof[k] += now - d->t;
    d->t = now;
}

static uint32_t addr_of(const void *p) { return (uint32_t)(uintptr_t)p; }

static void setup(decoder *d, const wld_pe *b)
{
    d->b = b;
    mesh_init(&d->m, b);
    d->mats = PTR(const wld_mat, b->mats);
    d->dim = (int)b->dim;
    d->hidden = (int)b->hidden;
    d->L = (int)b->n_layers;
    d->nh = (int)b->n_heads;
    d->nkv = (int)b->n_kv_heads;
    d->hs = d->dim / d->nh;
    d->kv = d->nkv * d->hs;
    d->kvp = (d->kv + 3) & ~3;
    d->att_coef = wls_att_coef(d->hs);
    d->P = (int)b->n_pe;
    d->xc = PTR(uint8_t, b->xc);
    d->acc = PTR(int64_t, b->qfull);
    d->acc_rows = WLD_QFULL_BYTES(b->dim, b->hidden, b->slots, (uint32_t)d->hs) / 8u;
    int32_t *v = PTR(int32_t, b->vec);
    d->x = v;
    d->q = d->x + d->dim;
    d->k = d->q + d->dim;
    d->v = d->k + d->kv;
    d->hb = d->v + d->kv;
    d->rope_now = PTR(int16_t, b->rope_now);
}

/* Slices of a vector that this PE holds: ns slices of n elements, slice k at
 * x + k n and columns c0 + k stride .. + n - 1, every start on a group boundary. */
typedef struct {
    const int32_t *x;
    uint32_t c0, n, stride, ns;
} qslice;

/* q bytes of columns c0 .. c0 + n - 1 into the root's broadcast vector, one put per
 * GDOT chunk they touch (c0 is a multiple of 4, so every piece starts on a word). */
static void put_q(decoder *d, uint32_t c0, const int8_t *q, uint32_t n)
{
    while (n) {
        uint32_t in = c0 % WLD_CHUNK_COLS, len = WLD_CHUNK_COLS - in < n ? WLD_CHUNK_COLS - in : n;
        uint32_t at = d->b->xc + c0 / WLD_CHUNK_COLS * WLD_CHUNK_BYTES + 8 + in;
        mesh_put(&d->m, 0, 0, at, q, (len + 3) / 4);
        c0 += len;
        q += len;
        n -= len;
    }
}

/* The quantized input vector, spread: every PE quantizes its slices s of a vector of
 * `total` columns (wls_quant_groups with p, the same integers as wls_quantize of the
 * whole vector) and writes their q into the root's broadcast vector and their u, a
 * word each (a slice's scale bytes need not start on a word), into the root's hb; the
 * root moves the u into place and broadcasts the vector. */
static void quant_slices(decoder *d, const qslice *s, uint32_t total, const wls_qprep *p)
{
    uint32_t n = s->n, ng = (n + WLS_GROUP - 1) / WLS_GROUP;
    int8_t *q = PTR(int8_t, d->b->out2);
    uint32_t *uw = PTR(uint32_t, d->b->out2 + ((n + 3) & ~3u));
    uint8_t *ub = (uint8_t *)uw;
    for (uint32_t k = 0; k < s->ns; k++) {
        uint32_t c0 = s->c0 + k * s->stride;
        wls_quant_groups(s->x + k * n, (int)n, p, q, ub);
        for (uint32_t g = ng; g-- > 0;) /* bytes to words in place, from the top */
            uw[g] = ub[g];
        put_q(d, c0, q, n);
        mesh_put(&d->m, 0, 0, addr_of(d->hb) + c0, uw, ng);
    }
    mark(d, WLD_PROF_QUANT);
    mesh_gather(&d->m, 0, 0, 0); /* flags only: every slice has arrived */
    mark(d, WLD_PROF_COMM);
    if (mesh_is_root(&d->m)) {
        const uint32_t *u = (const uint32_t *)d->hb;
        for (uint32_t g = 0; g < (total + WLS_GROUP - 1) / WLS_GROUP; g++)
            d->xc[g / 8 * WLD_CHUNK_BYTES + g % 8] = (uint8_t)u[g];
    }
    mark(d, WLD_PROF_QUANT);
    mesh_bcast(&d->m, d->xc, WLD_ROW_BYTES(total) / 4);
    mark(d, WLD_PROF_COMM);
}

/* wls_quantize_q16 of a vector that lies spread over the PEs (this PE's slices s): its
 * largest magnitude is max-reduced and broadcast, then quant_slices. */
static void quant_spread(decoder *d, const qslice *s, uint32_t total)
{
    uint32_t *red = PTR(uint32_t, d->b->red);
    red[0] = (uint32_t)wls_absmax(s->x, (int)(s->n * s->ns));
    mark(d, WLD_PROF_QUANT);
    mesh_reduce(&d->m, 1, mesh_max_i32);
    uint32_t vmax = red[0];
    mesh_bcast(&d->m, &vmax, 1);
    mark(d, WLD_PROF_COMM);
    wls_qprep p;
    d->xscale = wls_quant_prep((int32_t)vmax, wls_xf_from(1, -WLS_ACT_FRAC), &p);
    quant_slices(d, s, total, &p);
}

/* wls_quantize_rms of the root's x. The root broadcasts x's largest magnitude and x
 * first, so that the other PEs set up the quantizer (wls_quant_unit) while it finds
 * the RMSNorm scale, which it broadcasts next; those PEs quantize even shares of the
 * groups (the root none, unless it is alone: it only needs the vector's scale). */
static void quant_rms(decoder *d)
{
    int dim = d->dim, root = mesh_is_root(&d->m);
    int32_t *xs = root ? d->x : PTR(int32_t, d->b->att); /* att is free here */
    uint32_t hdr[2];
    int32_t vmax = 0;
    if (root)
        vmax = wls_absmax(d->x, dim);
    mark(d, WLD_PROF_QUANT);
    mesh_bcast(&d->m, &vmax, 1);
    mesh_bcast(&d->m, xs, (unsigned)dim);
    mark(d, WLD_PROF_COMM);
    wls_qprep p = {0, 0, 0, 0};
    wls_xf unit = {0, 0};
    if (!root)
        unit = wls_quant_unit(vmax, &p);
    else {
        wls_xf sc = wls_xf_mul(wls_xf_from(1, -WLS_ACT_FRAC), wls_rms_factor_max(d->x, dim, vmax));
        hdr[0] = (uint32_t)sc.m;
        hdr[1] = (uint32_t)sc.e;
    }
    mark(d, WLD_PROF_QUANT);
    mesh_bcast(&d->m, hdr, 2);
    mark(d, WLD_PROF_COMM);
    wls_xf in = {(int32_t)hdr[0], (int32_t)hdr[1]};
    uint32_t c0 = 0, c1 = 0;
    if (root) /* after the broadcast: the others quantize meanwhile; no slice here */
        unit = wls_quant_unit(vmax, d->P == 1 ? &p : 0);
    if (!root || d->P == 1)
        wld_rms_share((uint32_t)dim, WLS_GROUP, (uint32_t)d->P, d->m.pe, &c0, &c1);
    d->xscale = wls_xf_mul(in, unit);
    qslice sl = {xs + c0, c0, c1 - c0, 0, c1 > c0};
    quant_slices(d, &sl, (uint32_t)dim, &p);
}

static const wld_mat *mat(const decoder *d, int layer, int which)
{
    return &d->mats[layer * WLD_PER_LAYER + which];
}

static wls_matrix view(const wld_mat *mt, int cols)
{
    wls_matrix w = {(int)mt->n, cols, PTR(const int8_t, mt->q), PTR(const uint8_t, mt->u),
                    PTR(const wls_xf, mt->s)};
    return w;
}

static void tu_finish(void)
{
    while (wl_tu_busy()) {
    }
    __asm__ volatile("" ::: "memory"); /* the unit wrote the dot buffers */
}

/* This PE's rows of W times the broadcast vector, into `out`: wls_matvec with the row
 * sums on the tensor unit. A GDOT per batch of rows leaves each row's int64 sum of
 * dot * u_w * u_x (the spec's acc, exactly: no partial sum leaves 64 bits) in one of two
 * buffers; the core applies the row scale as wls_matvec does while the unit runs the
 * next batch into the other. */
static void matvec_local(decoder *d, const wld_mat *mt, int cols, int32_t *out)
{
    mark(d, WLD_PROF_VECTOR);
    uint32_t rb = WLD_ROW_BYTES(cols), n = mt->n, batch = d->acc_rows;
    const wls_xf *rs = PTR(const wls_xf, mt->s);
    wl_tu_desc de = {WL_TU_CFG(WL_TU_GDOT, 0, WL_TU_DST_SRAM, 0, 0, 0, 0),
                     wl_off(PTR(void, mt->q)), rb, wl_off(d->xc), 0, wl_off(d->acc), 8,
                     rb, n < batch ? n : batch, 0, 0};
    for (uint32_t r0 = 0; r0 < n; r0 += batch) {
        uint32_t cnt = n - r0 < batch ? n - r0 : batch;
        de.a = wl_off(PTR(void, mt->q)) + r0 * rb;
        de.rows = cnt;
        wl_tu_start(&de);
        tu_finish();
        const int64_t *acc = d->acc;
        for (uint32_t i = 0; i < cnt; i++)
            out[r0 + i] = wls_xf_apply_mul(acc[i], rs[r0 + i], d->xscale, WLS_ACT_FRAC);
    }
    mark(d, WLD_PROF_MATVEC);
}

/* Matvec on every PE, its rows (rotated by the step's RoPE row with `rope`: q and k)
 * written into the root's vector `dst`; with `sync` the root then waits until every
 * PE's rows, of this matrix and the ones written before, are in (one synchronisation
 * for q, k and v). */
static void matvec_gather(decoder *d, const wld_mat *mt, int cols, int32_t *dst, int sync,
                          int rope)
{
    int32_t *out = PTR(int32_t, d->b->out);
    matvec_local(d, mt, cols, out);
    if (rope) {
        wls_rope_cols(out, (int)mt->n, (int)mt->r0, d->hs, d->rope_now);
        mark(d, WLD_PROF_ROPE_KV);
    }
    mesh_put(&d->m, 0, 0, addr_of(dst) + 4 * mt->r0, out, mt->n);
    if (sync)
        mesh_gather(&d->m, 0, 0, 0);
    mark(d, WLD_PROF_COMM);
}

static void add_residual(decoder *d, const int32_t *delta)
{
    for (int i = 0; i < d->dim; i++)
        d->x[i] = wls_sat32((int64_t)d->x[i] + delta[i]);
}

/* Positions held here that are <= pos: slots 0 .. n-1. */
static int live_slots(const decoder *d, int pos)
{
    int pe = (int)d->m.pe;
    return pos < pe ? 0 : (pos - pe) / d->P + 1;
}

/* Attention on the tensor unit: its DOT is int8 x int8, so the int32 operands (the
 * query, the softmax weights times vmax) go in as 4 balanced base-256 digits,
 * v = d0 + d1 2^8 + d2 2^16 + d3 2^24 with every digit in [-128, 127], and the four
 * int32 digit dots are recombined exactly in int64: the same integers as the spec's
 * int64 sums. Every negative int32 has such digits; positive ones up to DIGIT_MAX. */
#define DIGIT_MAX 0x7F7F7F7F
#define TU_MIN_LIVE 3

static void digits4(int32_t v, int8_t *dig, unsigned stride)
{
    /* the low byte as a signed digit; v - digit is a multiple of 256 and cannot
     * overflow, so the shift is exact */
    int8_t d0 = (int8_t)v;
    v = (v - d0) >> 8;
    int8_t d1 = (int8_t)v;
    v = (v - d1) >> 8;
    int8_t d2 = (int8_t)v;
    dig[0] = d0;
    dig[stride] = d1;
    dig[2 * stride] = d2;
    dig[3 * stride] = (int8_t)((v - d2) >> 8);
}

static int64_t undigit4(const int32_t *dot, unsigned stride)
{
    int64_t v = dot[3 * stride];
    for (int j = 2; j >= 0; j--)
        v = v * 256 + dot[(unsigned)j * stride];
    return v;
}

/* Runs the DOT descriptor `de` once per digit j, B and D advanced by j * bstep and
 * j * dstep (the other registers keep their values); returns when all are done. */
static void tu_digits(const wl_tu_desc *de, uint32_t bstep, uint32_t dstep)
{
    wl_tu_start(de);
    for (uint32_t j = 1; j < 4; j++) {
        tu_finish();
        WL_TU_REG(WL_TU_R_B) = de->b + j * bstep;
        WL_TU_REG(WL_TU_R_D) = de->d + j * dstep;
        WL_TU_REG(WL_TU_R_CMD) = 1u;
    }
    tu_finish();
}

static void head_outputs(decoder *d);

static void attention(decoder *d, int layer, int pos)
{
    const wld_pe *b = d->b;
    int hs = d->hs, nh = d->nh, nkv = d->nkv, kv = d->kv, kv_mul = nh / nkv, dim = d->dim;
    int slots = (int)b->slots, live = live_slots(d, pos), sp = (int)WLD_SLOT_PAD(b->slots);
    int32_t *qfull = PTR(int32_t, b->qfull);
    int8_t *qd = (int8_t *)qfull; /* or the query's digit planes [4][dim] */
    int8_t *kq = PTR(int8_t, b->kvq), *vq = kq + d->kvp;
    int32_t *kmax = PTR(int32_t, b->kvq + 2 * (uint32_t)d->kvp), *vmax = kmax + nkv;
    int8_t *key_q = PTR(int8_t, b->key_q) + (uint32_t)layer * slots * kv;
    int8_t *value_t = PTR(int8_t, b->value_q) + (uint32_t)layer * kv * sp;
    int32_t *key_max = PTR(int32_t, b->key_max) + (uint32_t)layer * slots * nkv;
    int32_t *value_max = PTR(int32_t, b->value_max) + (uint32_t)layer * slots * nkv;
    int32_t *sd = PTR(int32_t, b->red) + nh;   /* [slots][4], after the maxima */
    int8_t *wd = qd;                           /* [4][sp], once the scores are done */
    int32_t *vd = (int32_t *)(wd + 4 * sp);    /* [4][hs] */
    /* Rows of whole beats: a head's keys and values start 8-aligned. A descriptor
     * costs about as much as the core's work on one or two cached positions, so
     * fewer than TU_MIN_LIVE stay on the core (for the scores, the root's count
     * decides for all: it holds the most). */
    uint32_t tu = hs % 8 == 0, mode = 0;

    /* Root: rotate q and k, quantize the new K/V entry, broadcast q and the entry. */
    if (mesh_is_root(&d->m)) {
        for (int h = 0; h < nkv; h++) {
            kmax[h] = wls_kv_quantize(d->k + h * hs, hs, kq + h * hs);
            vmax[h] = wls_kv_quantize(d->v + h * hs, hs, vq + h * hs);
        }
        mode = tu && live >= TU_MIN_LIVE;
        for (int i = 0; i < dim; i++)
            if (d->q[i] > DIGIT_MAX)
                mode = 0;
        for (int i = 0; i < dim; i++) {
            if (mode)
                digits4(d->q[i], qd + i, (unsigned)dim);
            else
                qfull[i] = d->q[i];
        }
    }
    mark(d, WLD_PROF_ROPE_KV);
    mesh_bcast(&d->m, &mode, 1);
    mesh_bcast(&d->m, qfull, (unsigned)dim);
    mesh_bcast(&d->m, kq, (unsigned)(2 * d->kvp / 4 + 2 * nkv));
    mark(d, WLD_PROF_COMM);
    if (pos % d->P == (int)d->m.pe) {
        int slot = pos / d->P;
        for (int i = 0; i < kv; i++) {
            key_q[slot * kv + i] = kq[i];
            value_t[i * sp + slot] = vq[i];
        }
        for (int h = 0; h < nkv; h++) {
            key_max[slot * nkv + h] = kmax[h];
            value_max[slot * nkv + h] = vmax[h];
        }
    }
    mark(d, WLD_PROF_ROPE_KV);

    /* Scores of the cached positions here, and their maximum per head:
     * wls_att_score, with the q . k dots on the tensor unit in `mode`. */
    wls_xf coef = d->att_coef;
    int32_t *att = PTR(int32_t, b->att);
    uint32_t *red = PTR(uint32_t, b->red);
    for (int h = 0; h < nh; h++) {
        int kvh = h / kv_mul;
        int32_t best = INT32_MIN;
        if (mode && live) {
            wl_tu_desc de = {WL_TU_CFG(WL_TU_DOT, 0, WL_TU_DST_SRAM, 0, 0, 0, 0),
                             wl_off(key_q + kvh * hs), (uint32_t)kv, wl_off(qd + h * hs), 0,
                             wl_off(sd), 16, (uint32_t)hs, (uint32_t)live, 0, 0};
            tu_digits(&de, (uint32_t)dim, 4);
        }
        for (int s = 0; s < live; s++) {
            int32_t km = key_max[s * nkv + kvh], sc;
            if (mode)
                sc = wls_xf_apply(undigit4(sd + 4 * s, 1),
                                  wls_xf_mul(wls_xf_from(km, 0), coef), 0);
            else
                sc = wls_att_score(qfull + h * hs, key_q + s * kv + kvh * hs, km, coef, hs);
            att[h * slots + s] = sc;
            if (sc > best)
                best = sc;
        }
        red[h] = (uint32_t)best;
    }
    mark(d, WLD_PROF_ATTN);
    mesh_reduce(&d->m, (unsigned)nh, mesh_max_i32);
    int32_t *best = PTR(int32_t, b->best);
    if (mesh_is_root(&d->m))
        for (int h = 0; h < nh; h++)
            best[h] = (int32_t)red[h];
    mesh_bcast(&d->m, best, (unsigned)nh);
    mark(d, WLD_PROF_COMM);

    /* Softmax weights e, their sum and the weighted values sum_s w_s v_s with
     * w_s = e_s vmax_s / 2^30 (wls_att_accum), summed over the mesh; the value sums
     * on the tensor unit when every w_s has digits. */
    int64_t *sums = PTR(int64_t, b->red); /* per head: esum, acc[hs] */
    for (int h = 0; h < nh; h++) {
        int kvh = h / kv_mul;
        int64_t *hsum = sums + h * (hs + 1);
        int32_t *e = att + h * slots;
        const int8_t *vt = value_t + kvh * hs * sp;
        int on_tu = tu && live >= TU_MIN_LIVE;
        for (int i = 0; i <= hs; i++)
            hsum[i] = 0;
        for (int s = 0; s < live; s++) {
            e[s] = wls_att_weight(e[s], best[h]);
            hsum[0] += e[s];
            if (on_tu) {
                int64_t w = wls_rshift((int64_t)e[s] * value_max[s * nkv + kvh], 30);
                if (w > DIGIT_MAX)
                    on_tu = 0;
                else
                    digits4((int32_t)w, wd + s, (unsigned)sp);
            }
        }
        if (on_tu) {
            wl_tu_desc de = {WL_TU_CFG(WL_TU_DOT, 0, WL_TU_DST_SRAM, 0, 0, 0, 0),
                             wl_off(vt), (uint32_t)sp, wl_off(wd), 0, wl_off(vd), 4,
                             (uint32_t)live, (uint32_t)hs, 0, 0};
            tu_digits(&de, (uint32_t)sp, 4 * (uint32_t)hs);
            for (int i = 0; i < hs; i++)
                hsum[1 + i] = undigit4(vd + i, (unsigned)hs);
            continue;
        }
        for (int s = 0; s < live; s++) {
            int64_t w = wls_rshift((int64_t)e[s] * value_max[s * nkv + kvh], 30);
            for (int i = 0; i < hs; i++)
                hsum[1 + i] += w * vt[i * sp + s];
        }
    }
    mark(d, WLD_PROF_ATTN);
    mesh_reduce(&d->m, (unsigned)(2 * nh * (hs + 1)), mesh_sum_i64);
    mark(d, WLD_PROF_COMM);
    head_outputs(d);
}

/* The heads' outputs wls_xf_apply(acc, wls_att_norm(esum)), then wls_quantize_q16 of
 * them, spread: the root broadcasts every head's sums (one multicast is cheaper than a
 * write to each head's PE), head h is formed on PE (h + 1) mod P (the root last; a PE
 * has heads h0, h0 + P, ...) and the heads are quantized where they are
 * (quant_spread). Heads that do not start on quantization groups (head_size not a
 * multiple of 4) are all formed on the root. */
static void head_outputs(decoder *d)
{
    int hs = d->hs, nh = d->nh;
    uint32_t h0, hp;
    uint32_t kh = wld_heads((uint32_t)nh, (uint32_t)hs, WLS_GROUP, (uint32_t)d->P, d->m.pe, &h0, &hp);
    int64_t *sums = PTR(int64_t, d->b->red); /* per head: esum, acc[hs] */
    mesh_bcast(&d->m, sums, 2u * (uint32_t)(nh * (hs + 1)));
    mark(d, WLD_PROF_COMM);
    int32_t *o = PTR(int32_t, d->b->att);
    for (uint32_t k = 0; k < kh; k++) {
        const int64_t *hsum = sums + (h0 + k * hp) * (uint32_t)(hs + 1);
        wls_xf norm = wls_att_norm(hsum[0]);
        for (int i = 0; i < hs; i++)
            o[(int)k * hs + i] = wls_xf_apply(hsum[1 + i], norm, 0);
    }
    mark(d, WLD_PROF_ATT_OUT);
    /* Consecutive heads (all on the root) are one slice. */
    qslice sl = {o, h0 * (uint32_t)hs, (uint32_t)hs, hp * (uint32_t)hs, kh};
    if (hp == 1 && kh) {
        sl.n = (uint32_t)(nh * hs);
        sl.ns = 1;
    }
    quant_spread(d, &sl, (uint32_t)d->dim);
}

static void layer_step(decoder *d, int l, int pos)
{
    int dim = d->dim, hidden = d->hidden, root = mesh_is_root(&d->m);
    quant_rms(d);
    matvec_gather(d, mat(d, l, WLD_WQ), dim, d->q, 0, 1);
    matvec_gather(d, mat(d, l, WLD_WK), dim, d->k, 0, 1);
    matvec_gather(d, mat(d, l, WLD_WV), dim, d->v, 1, 0);
    attention(d, l, pos); /* leaves the quantized head outputs broadcast */
    matvec_gather(d, mat(d, l, WLD_WO), dim, d->q, 1, 0); /* q is free after attention */
    if (root)
        add_residual(d, d->q);
    mark(d, WLD_PROF_VECTOR);
    quant_rms(d);
    /* w1 and w3 are split alike, so SwiGLU is local to each PE. */
    const wld_mat *m1 = mat(d, l, WLD_W1), *m3 = mat(d, l, WLD_W3);
    int32_t *h1 = PTR(int32_t, d->b->out), *h3 = PTR(int32_t, d->b->out2);
    matvec_local(d, m1, dim, h1);
    matvec_local(d, m3, dim, h3);
    for (uint32_t i = 0; i < m1->n; i++)
        h1[i] = wls_swiglu(h1[i], h3[i]);
    mark(d, WLD_PROF_SWIGLU);
    qslice hs1 = {h1, m1->r0, m1->n, 0, 1};
    quant_spread(d, &hs1, (uint32_t)hidden);
    matvec_gather(d, mat(d, l, WLD_W2), hidden, d->q, 1, 0);
    if (root)
        add_residual(d, d->q);
}

/* Returns the argmax token when logits were asked for (root only). */
static uint32_t step(decoder *d, uint32_t token, int pos, int logits)
{
    const wld_pe *b = d->b;
    const wld_mat *emb = &d->mats[d->L * WLD_PER_LAYER + WLD_EMBEDDING];
    if (token >= emb->r0 && token < emb->r0 + emb->n) {
        int32_t *row = PTR(int32_t, b->qfull);
        wls_matrix w = view(emb, d->dim);
        wls_matrix_row(&w, (int)(token - emb->r0), row);
        mesh_put(&d->m, 0, 0, addr_of(d->x), row, (unsigned)d->dim);
        mesh_signal_root(&d->m, WLD_FLAG_EMB);
    }
    if (pos % d->P == (int)d->m.pe) {
        const int16_t *rope = PTR(const int16_t, b->rope) + (pos / d->P) * d->hs;
        mesh_put(&d->m, 0, 0, addr_of(d->rope_now), rope, (unsigned)d->hs / 2);
        mesh_signal_root(&d->m, WLD_FLAG_ROPE);
    }
    static const unsigned start_flags[2] = {WLD_FLAG_EMB, WLD_FLAG_ROPE};
    mark(d, WLD_PROF_VECTOR);
    mesh_wait_signal(&d->m, start_flags, 2);
    mesh_bcast(&d->m, d->rope_now, (unsigned)d->hs / 2);
    mark(d, WLD_PROF_COMM);

    for (int l = 0; l < d->L; l++)
        layer_step(d, l, pos);
    if (!logits)
        return 0;

    quant_rms(d);
    const wld_mat *cls = &d->mats[d->L * WLD_PER_LAYER + WLD_CLASSIFIER];
    int32_t *lg = PTR(int32_t, b->logits);
    matvec_local(d, cls, d->dim, lg);
    uint32_t *red = PTR(uint32_t, b->red);
    red[0] = (uint32_t)INT32_MIN;
    red[1] = UINT32_MAX;
    if (cls->n) {
        int i = wls_argmax(lg, (int)cls->n);
        red[0] = (uint32_t)lg[i];
        red[1] = cls->r0 + (uint32_t)i;
    }
    mark(d, WLD_PROF_VECTOR);
    mesh_reduce(&d->m, 2, mesh_argmax);
    mark(d, WLD_PROF_COMM);
    return red[1];
}

static int run_root(decoder *d)
{
    volatile wld_job *job = PTR(volatile wld_job, d->b->job);
    const volatile int32_t *feed = PTR(const volatile int32_t, job->feed);
    volatile wld_out *out = PTR(volatile wld_out, job->out);
    uint32_t t0 = wl_cycles();
    uint32_t n_feed = job->n_feed, n_steps = job->n_steps, pos0 = job->pos0;
    uint32_t cmd[5] = {WLD_CMD_EXIT, 0, 0, 0, 0};
    if (n_feed < 1 || n_steps < n_feed || pos0 + n_steps > d->b->seq_len) {
        mesh_bcast(&d->m, cmd, 5);
        job->status = WLD_ST_BAD_JOB;
        return 1;
    }
    job->n_out = 0;
    job->status = WLD_ST_RUNNING;
    d->m.ep = (job->seq & 0xFFFu) << 20;
    uint32_t token = (uint32_t)feed[0], n_out = 0;
    for (uint32_t i = 0; i < n_steps; i++) {
        int pos = (int)(pos0 + i);
        int emit = i + 1 >= n_feed;
        int logits = emit || (job->mode & WLD_MODE_LOGITS);
        cmd[0] = WLD_CMD_STEP;
        cmd[1] = d->m.ep;
        cmd[2] = token;
        cmd[3] = (uint32_t)pos;
        cmd[4] = (uint32_t)logits;
        mesh_bcast(&d->m, cmd, 5);
        uint32_t next = step(d, token, pos, logits);
        if (!emit) {
            token = (uint32_t)feed[i + 1];
            continue;
        }
        out[n_out].token = next;
        out[n_out].cycle = wl_cycles() - t0;
        job->n_out = ++n_out;
        if (next == 1) /* BOS ends the sequence, as on the host */
            break;
        token = next;
    }
    cmd[0] = WLD_CMD_EXIT;
    mesh_bcast(&d->m, cmd, 5);
    job->cycles = wl_cycles() - t0;
    for (int k = 0; k < WLD_PROF_N; k++)
        job->prof[k] = d->prof[k];
    job->status = WLD_ST_DONE;
    return 0;
}

static int run_follower(decoder *d)
{
    for (;;) {
        uint32_t cmd[5];
        mesh_bcast(&d->m, cmd, 5);
        if (cmd[0] != WLD_CMD_STEP)
            return 0;
        d->m.ep = cmd[1];
        step(d, cmd[2], (int)cmd[3], (int)cmd[4]);
    }
}

int main(void)
{
    const wld_pe *b = PTR(const wld_pe, WLD_BLOCK_ADDR);
    if ((uintptr_t)__bss_end > WLD_BLOCK_ADDR || b->magic != WLD_MAGIC ||
        b->pe != wl_y() * b->mesh_cols + wl_x()) {
        if (b->job && wl_x() == 0 && wl_y() == 0)
            PTR(volatile wld_job, b->job)->status = WLD_ST_BAD_BLOCK;
        return 2;
    }
    /* quant_spread needs the SwiGLU rows to start on quantization groups, RoPE the q
     * and k rows on pairs. */
    const wld_mat *mats = PTR(const wld_mat, b->mats);
    for (uint32_t l = 0; l < b->n_layers; l++) {
        const wld_mat *ml = mats + l * WLD_PER_LAYER;
        if (ml[WLD_W1].r0 % WLS_GROUP || ml[WLD_W3].r0 != ml[WLD_W1].r0 || ml[WLD_WQ].r0 % 2 ||
            ml[WLD_WK].r0 % 2) {
            if (b->job && wl_x() == 0 && wl_y() == 0)
                PTR(volatile wld_job, b->job)->status = WLD_ST_BAD_BLOCK;
            return 2;
        }
    }
    decoder d = {0};
    setup(&d, b);
    d.t = wl_cycles();
    return mesh_is_root(&d.m) ? run_root(&d) : run_follower(&d);
}
