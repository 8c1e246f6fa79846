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
    c.quant_elem = 72.7;
    c.kv_elem = 186.9;
    c.att_head = 304.6;
    c.att_pos = 821.1;
    c.att_tu_head = 1340.0;
    c.att_tu_pos = 517.2;
    c.att_tu_min = 3;
    c.att_out_elem = 174.2;
    c.residual_elem = 16.7;
    c.word_send = 4.0;
    c.word_recv = 4.0;
    c.combine_word = 8.0;
    c.hop = 1.0;
    c.sync = 60.0;
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

/* Words of a broadcast quantized vector of n elements (GDOT layout, then its scale). */
static int qvec_words(int n) { return (int)WLD_ROW_BYTES(n) / 4 + 2; }

static double bcast(const wl_plan *pl, const wl_perf_costs *c, int words)
{
    if (pl->n_pe == 1)
        return 0;
    return words * dmax(c->word_send, c->word_recv) +
           (pl->cols - 1 + pl->rows - 1) * c->hop;
}

/* Every PE sends its rows of matrix i to the root: the root's input port takes one
 * flit per cycle (data plus a 2-flit header and a 3-flit flag packet per PE). */
static double gather(const wl_plan *pl, const wl_perf_costs *c, int i)
{
    if (pl->n_pe == 1)
        return 0;
    double flits = 0, send = 0;
    for (int p = 1; p < pl->n_pe; p++) {
        double n = mat_of(pl, p, i)->n;
        flits += n + 5;
        send = dmax(send, (n + 5) * c->word_send);
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
        qkv = dmax(qkv, rows_cost(c, nq + nk + nv, dim));
        o = dmax(o, rows_cost(c, no, dim));
        ffn13 = dmax(ffn13, rows_cost(c, 2 * n1, dim) + n1 * c->swiglu);
        ffn2 = dmax(ffn2, rows_cost(c, n2, hidden));
        cls = dmax(cls, rows_cost(c, nc, dim));
    }
    out->matvec = L * (qkv + o + ffn13 + ffn2) + (classifier ? cls : 0);

    /* The root's vector work: per layer two RMSNorm factors and four quantizations
     * (3 of dim, 1 of hidden elements), RoPE and the K/V entry, the head outputs, two
     * residual adds; the embedding row; the final norm when logits are wanted. */
    double layer_vec = c->quant_elem * (5 * dim + hidden) + c->kv_elem * 2 * kv +
                       c->att_out_elem * dim + c->residual_elem * 2 * dim;
    out->vector = L * layer_vec + dim * c->att_out_elem +
                  (classifier ? c->quant_elem * 2 * dim : 0);

    /* Attention: cached positions p, p+P, ... on PE p; the busiest PE sets the pace.
     * Each head also has work that does not depend on how many positions it scores
     * (its maximum, clearing and folding its sums). */
    int live = pos / P + 1;
    int on_tu = hs % 8 == 0 && live >= c->att_tu_min;
    out->attention = L * (double)nh *
                     (on_tu ? c->att_tu_head + live * c->att_tu_pos : c->att_head + live * c->att_pos);

    /* Fabric: broadcasts, gathers, reduction chains. */
    int kvp = (kv + 3) & ~3;
    double layer_fab = 3 * bcast(pl, c, qvec_words(dim)) + bcast(pl, c, qvec_words(hidden)) +
                       bcast(pl, c, dim + kvp / 2 + 2 * nkv) + bcast(pl, c, nh) +
                       gather(pl, c, WLD_WQ) + gather(pl, c, WLD_WK) + gather(pl, c, WLD_WV) +
                       gather(pl, c, WLD_WO) + gather(pl, c, WLD_W1) + gather(pl, c, WLD_W2) +
                       reduce(pl, c, nh) + reduce(pl, c, 2 * nh * (hs + 1));
    out->fabric = L * layer_fab + bcast(pl, c, 5) + c->sync + dim * c->word_send +
                  (classifier ? bcast(pl, c, qvec_words(dim)) + reduce(pl, c, 2) : 0);
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
