/* The analytic cycle model: one term per kind of work, each built from the plan's
 * row split and per-operation costs (docs/PERFORMANCE.md derives every term). */
#include "wl_perf.h"

wl_perf_costs wl_perf_default_costs(void)
{
    /* Calibrated on the decode firmware as built today (docs/PERFORMANCE.md). */
    wl_perf_costs c = {0};
    c.row = 179.9;
    c.matvec_call = 163.6;
    c.swiglu = 470.4;
    c.rms_elem = 73.9;
    c.quant_prep = 958.7;
    c.quant_slice = 287.7;
    c.quant_elem = 67.5;
    c.quant_place = 17.1;
    c.kv_elem = 116.8;
    c.rope_pair = 132.0;
    c.att_head = 304.6;
    c.att_pos = 821.1;
    c.att_tu_head = 1340.0;
    c.att_tu_pos = 517.2;
    c.att_tu_min = 3;
    c.att_out_elem = 169.0;
    c.residual_elem = 16.7;
    c.word_send = 4.0;
    c.word_recv = 4.0;
    c.combine_word = 8.0;
    c.hop = 1.0;
    c.sync = 233.4;
    return c;
}

static double dmax(double a, double b) { return a > b ? a : b; }

static const wld_mat *mat_of(const wl_plan *pl, int p, int i)
{
    return &pl->mats[(size_t)p * (size_t)pl->n_mats + (size_t)i];
}

/* Cycles to multiply n rows of `cols` columns: the GDOT's beats, then the core's row
 * scales (the firmware waits for each batch of rows before it scales them). */
static double rows_cost(const wl_perf_costs *c, double n, int cols)
{
    return c->matvec_call + n * (c->row + WLD_ROW_BYTES(cols) / 8.0);
}

/* Words of a broadcast quantized vector of n elements (GDOT layout). */
static int qvec_words(int n) { return (int)WLD_ROW_BYTES(n) / 4; }

static double bcast(const wl_plan *pl, const wl_perf_costs *c, int words)
{
    if (pl->n_pe == 1)
        return 0;
    return words * dmax(c->word_send, c->word_recv) +
           (pl->cols - 1 + pl->rows - 1) * c->hop;
}

/* What PE p quantizes of one spread vector: slices and elements. */
typedef struct {
    int slices, elems;
} share;

enum { SPREAD_RMS, SPREAD_HEADS, SPREAD_HIDDEN };

/* PE p's share of a spread vector, as the firmware splits it (wl_decode_abi.h). */
static share share_of(const wl_plan *pl, const wls_model *m, int kind, int p)
{
    int hs = m->dim / m->n_heads;
    share s = {0, 0};
    if (kind == SPREAD_RMS) {
        uint32_t c0, c1;
        wld_rms_share((uint32_t)m->dim, WLS_GROUP, (uint32_t)pl->n_pe, (uint32_t)p, &c0, &c1);
        s.slices = c1 > c0;
        s.elems = (int)(c1 - c0);
    } else if (kind == SPREAD_HEADS) {
        uint32_t h0, step;
        int k = (int)wld_heads((uint32_t)m->n_heads, (uint32_t)hs, WLS_GROUP, (uint32_t)pl->n_pe,
                               (uint32_t)p, &h0, &step);
        s.slices = step == 1 ? k > 0 : k; /* consecutive heads are one slice */
        s.elems = k * hs;
    } else {
        s.elems = (int)mat_of(pl, p, WLD_W1)->n;
        s.slices = s.elems > 0;
    }
    return s;
}

/* One spread quantization (quant_slices): every PE's set-up (unless it overlaps the
 * root's RMSNorm factor: `prep` 0), the slowest PE's slices, the root placing the
 * scales; and, on the fabric, the slices' q and u reaching the root (a 2-flit header
 * per put, a 3-flit flag per PE) and the vector's broadcast. */
static void spread_cost(const wl_plan *pl, const wls_model *m, const wl_perf_costs *c, int kind,
                        int prep, double *core, double *fabric)
{
    int total = kind == SPREAD_HIDDEN ? m->hidden_dim : m->dim;
    double slow = 0, flits = 0;
    for (int p = 0; p < pl->n_pe; p++) {
        share sh = share_of(pl, m, kind, p);
        slow = dmax(slow, sh.slices * c->quant_slice + sh.elems * c->quant_elem);
        if (p)
            flits += sh.elems / 4.0 + wls_groups(sh.elems) + 4.0 * sh.slices + 3;
    }
    *core += prep * c->quant_prep + slow + c->quant_place * wls_groups(total);
    if (pl->n_pe > 1)
        *fabric += c->sync + flits + (pl->cols - 1 + pl->rows - 1) * c->hop +
                   bcast(pl, c, qvec_words(total));
}

/* Every PE sends its rows of matrices i0 .. i1 to the root and then one flag: the
 * root's input port takes one flit per cycle (data plus a 2-flit header per matrix and
 * a 3-flit flag packet per PE). */
static double gather(const wl_plan *pl, const wl_perf_costs *c, int i0, int i1)
{
    if (pl->n_pe == 1)
        return 0;
    double flits = 0, send = 0;
    for (int p = 1; p < pl->n_pe; p++) {
        double n = 3;
        for (int i = i0; i <= i1; i++)
            n += mat_of(pl, p, i)->n + 2;
        flits += n;
        send = dmax(send, n * c->word_send);
    }
    return c->sync + dmax(flits, send) + (pl->cols - 1 + pl->rows - 1) * c->hop;
}

/* A reduction chain, west along each row then north along column 0, in segments of
 * WLD_RED_SEGMENT words: a PE passes a segment on once it has folded it in, so the
 * chain takes one step per segment plus one per hop after the first. */
static double reduce(const wl_plan *pl, const wl_perf_costs *c, int words)
{
    int depth = pl->cols - 1 + pl->rows - 1, seg = (int)WLD_RED_SEGMENT;
    if (depth == 0 || words <= 0)
        return 0;
    int segments = (words + seg - 1) / seg, step_words = words < seg ? words : seg;
    return (segments + depth - 1) *
           (step_words * (c->word_send + c->combine_word) + c->sync + c->hop);
}

void wl_perf_predict(const wl_plan *pl, const wls_model *m, const wl_perf_costs *c, int pos,
                     int classifier, wl_perf_terms *out)
{
    int dim = m->dim, hidden = m->hidden_dim, nh = m->n_heads, nkv = m->n_kv_heads;
    int hs = dim / nh, kv = nkv * hs, L = m->n_layers, P = pl->n_pe;

    /* Matrix rows: each phase lasts as long as its slowest PE. */
    double qkv = 0, o = 0, ffn13 = 0, ffn2 = 0, cls = 0;
    for (int p = 0; p < P; p++) {
        double nq = mat_of(pl, p, WLD_WQ)->n, nk = mat_of(pl, p, WLD_WK)->n;
        double nv = mat_of(pl, p, WLD_WV)->n, no = mat_of(pl, p, WLD_WO)->n;
        double n1 = mat_of(pl, p, WLD_W1)->n, n2 = mat_of(pl, p, WLD_W2)->n;
        double nc = mat_of(pl, p, L * WLD_PER_LAYER + WLD_CLASSIFIER)->n;
        qkv = dmax(qkv, rows_cost(c, nq + nk + nv, dim) + c->rope_pair * (nq + nk) / 2);
        o = dmax(o, rows_cost(c, no, dim));
        ffn13 = dmax(ffn13, rows_cost(c, 2 * n1, dim) + n1 * c->swiglu);
        ffn2 = dmax(ffn2, rows_cost(c, n2, hidden));
        cls = dmax(cls, rows_cost(c, nc, dim));
    }
    out->matvec = L * (qkv + o + ffn13 + ffn2) + (classifier ? cls : 0);

    /* Vector work on the critical path. Per layer: the root's two RMSNorm factors, four
     * spread quantizations (two of x, the head outputs, the SwiGLU output), the busiest
     * PE forming its heads, the K/V entry, two residual adds; the embedding row; the final norm when logits are
     * wanted. */
    double layer_vec = 0, layer_qfab = 0, final_vec = 0, final_qfab = 0;
    int most_heads = 0, alone = P == 1;
    for (int p = 0; p < P; p++) {
        int k = share_of(pl, m, SPREAD_HEADS, p).elems / hs;
        most_heads = k > most_heads ? k : most_heads;
    }
    spread_cost(pl, m, c, SPREAD_RMS, alone, &layer_vec, &layer_qfab);
    spread_cost(pl, m, c, SPREAD_RMS, alone, &layer_vec, &layer_qfab);
    spread_cost(pl, m, c, SPREAD_HEADS, 1, &layer_vec, &layer_qfab);
    spread_cost(pl, m, c, SPREAD_HIDDEN, 1, &layer_vec, &layer_qfab);
    spread_cost(pl, m, c, SPREAD_RMS, alone, &final_vec, &final_qfab);
    layer_vec += 2 * c->rms_elem * dim + c->att_out_elem * hs * most_heads + c->kv_elem * 2 * kv +
                 c->residual_elem * 2 * dim;
    out->vector = L * layer_vec + dim * c->att_out_elem +
                  (classifier ? c->rms_elem * dim + final_vec : 0);

    /* Attention: cached positions p, p+P, ... on PE p; the busiest PE sets the pace.
     * Each head also has work that does not depend on how many positions it scores
     * (its maximum, clearing and folding its sums). */
    int live = pos / P + 1;
    int on_tu = hs % 8 == 0 && live >= c->att_tu_min;
    out->attention = L * (double)nh *
                     (on_tu ? c->att_tu_head + live * c->att_tu_pos : c->att_head + live * c->att_pos);

    /* Fabric: broadcasts, gathers, reduction chains. x goes out with its scale and
     * maximum for each spread RMS quantization; the other two spread vectors first
     * max-reduce and broadcast their maximum. */
    int kvp = (kv + 3) & ~3;
    double layer_fab = layer_qfab + 2 * (bcast(pl, c, 3) + bcast(pl, c, dim)) +
                       2 * (reduce(pl, c, 1) + bcast(pl, c, 1)) +
                       bcast(pl, c, dim + kvp / 2 + 2 * nkv) + bcast(pl, c, nh) +
                       gather(pl, c, WLD_WQ, WLD_WV) + gather(pl, c, WLD_WO, WLD_WO) +
                       gather(pl, c, WLD_W2, WLD_W2) + reduce(pl, c, nh) +
                       reduce(pl, c, 2 * nh * (hs + 1)) + bcast(pl, c, 2 * nh * (hs + 1));
    out->fabric = L * layer_fab + bcast(pl, c, 5) + c->sync + dim * c->word_send +
                  (classifier ? bcast(pl, c, 3) + bcast(pl, c, dim) + final_qfab +
                                    reduce(pl, c, 2)
                              : 0);
    out->total = out->matvec + out->vector + out->attention + out->fabric;
}

double wl_perf_useful_macs(const wls_model *m, int pos, int classifier)
{
    int hs = m->dim / m->n_heads;
    double w = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const wls_layer *L = &m->layers[l];
        const wls_matrix *ms[7] = {&L->wq, &L->wk, &L->wv, &L->wo, &L->w1, &L->w2, &L->w3};
        for (int i = 0; i < 7; i++)
            w += (double)ms[i]->rows * ms[i]->cols;
    }
    w += 2.0 * m->n_layers * m->n_heads * hs * (pos + 1);
    if (classifier)
        w += (double)m->classifier.rows * m->classifier.cols;
    return w;
}
