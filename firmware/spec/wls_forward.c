/* One decode step of the integer spec. */
#include "wls_spec.h"

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static int kv_dim_of(const wls_model *m) { return m->n_kv_heads * (m->dim / m->n_heads); }

size_t wls_state_bytes(const wls_model *m)
{
    size_t d = (size_t)m->dim, h = (size_t)m->hidden_dim, kv = (size_t)kv_dim_of(m);
    size_t big = d > h ? d : h;
    size_t cache = (size_t)m->n_layers * (size_t)m->seq_len;
    return align8(4 * (4 * d + 2 * kv + 2 * h)) + align8(4 * (size_t)m->seq_len) +
           align8(big) + align8((size_t)wls_groups((int)big)) + 2 * align8(cache * kv) +
           2 * align8(4 * cache * (size_t)m->n_kv_heads) + align8(4 * (size_t)m->vocab_size);
}

void wls_state_carve(const wls_model *m, wls_state *s, void *mem)
{
    size_t d = (size_t)m->dim, h = (size_t)m->hidden_dim, kv = (size_t)kv_dim_of(m);
    size_t big = d > h ? d : h;
    size_t cache = (size_t)m->n_layers * (size_t)m->seq_len;
    char *p = mem;
    int32_t *w = (int32_t *)(void *)p;
    s->x = w; w += d;
    s->xb = w; w += d;
    s->xb2 = w; w += d;
    s->q = w; w += d;
    s->k = w; w += kv;
    s->v = w; w += kv;
    s->hb = w; w += h;
    s->hb2 = w;
    p += align8(4 * (4 * d + 2 * kv + 2 * h));
    s->att = (int32_t *)(void *)p; p += align8(4 * (size_t)m->seq_len);
    s->qbuf = (int8_t *)p; p += align8(big);
    s->ubuf = (uint8_t *)p; p += align8((size_t)wls_groups((int)big));
    s->key_q = (int8_t *)p; p += align8(cache * kv);
    s->value_q = (int8_t *)p; p += align8(cache * kv);
    s->key_max = (int32_t *)(void *)p; p += align8(4 * cache * (size_t)m->n_kv_heads);
    s->value_max = (int32_t *)(void *)p; p += align8(4 * cache * (size_t)m->n_kv_heads);
    s->logits = (int32_t *)(void *)p;
}

int32_t wls_kv_quantize(const int32_t *v, int n, int8_t *q)
{
    int32_t vmax = 0;
    for (int i = 0; i < n; i++) {
        int32_t a = v[i] < 0 ? (v[i] == INT32_MIN ? INT32_MAX : -v[i]) : v[i];
        if (a > vmax)
            vmax = a;
    }
    /* q = round(127 v / vmax) = floor((127 |v| + floor(vmax / 2)) / vmax) with the sign
     * of v (wls_div_round), by wls_div_recip while the numerator fits 32 bits. */
    uint32_t rv = vmax > 1 ? wls_divlu(1, 0, (uint32_t)vmax) : 0;
    for (int i = 0; i < n; i++) {
        uint32_t mag = v[i] < 0 ? 0u - (uint32_t)v[i] : (uint32_t)v[i];
        uint64_t num = (uint64_t)mag * 127 + (uint32_t)vmax / 2;
        if (vmax > 1 && !(num >> 32)) {
            int32_t r = (int32_t)wls_div_recip((uint32_t)num, (uint32_t)vmax, rv);
            q[i] = (int8_t)(v[i] < 0 ? -r : r);
        } else {
            q[i] = vmax ? (int8_t)wls_div_round((int64_t)v[i] * 127, vmax) : 0;
        }
    }
    return vmax;
}

void wls_rope(int32_t *v, int n, int head_size, const int16_t *row)
{
    wls_rope_cols(v, n, 0, head_size, row);
}

void wls_rope_cols(int32_t *v, int n, int c0, int head_size, const int16_t *row)
{
    for (int i = 0; i < n; i += 2) {
        const int16_t *cs = row + 2 * (((c0 + i) % head_size) / 2);
        int64_t v0 = v[i], v1 = v[i + 1];
        v[i] = wls_sat32(wls_rshift(v0 * cs[0] - v1 * cs[1], WLS_ROPE_FRAC));
        v[i + 1] = wls_sat32(wls_rshift(v0 * cs[1] + v1 * cs[0], WLS_ROPE_FRAC));
    }
}

wls_xf wls_att_coef(int head_size)
{
    /* score = q . k / sqrt(hs); k = k_q * kmax / 127, q in Q16, score in Q16:
     * score_q16 = (q . k_q) * kmax * c with c = 1 / (127 * 2^16 * sqrt(hs)) */
    return wls_xf_div(wls_xf_from(1, -16),
                      wls_xf_mul(wls_xf_from(127, 0), wls_xf_sqrt(wls_xf_from(head_size, 0))));
}

int32_t wls_att_score(const int32_t *q, const int8_t *k, int32_t kmax, wls_xf coef, int hs)
{
    int64_t dot = 0;
    for (int i = 0; i < hs; i++)
        dot += (int64_t)q[i] * k[i];
    return wls_xf_apply_mul(dot, wls_xf_from(kmax, 0), coef, 0);
}

int32_t wls_att_weight(int32_t score, int32_t best)
{
    int64_t d = (int64_t)score - best;
    return wls_exp_q30(d < INT32_MIN ? INT32_MIN : (int32_t)d);
}

void wls_att_accum(int32_t weight, int32_t vmax, const int8_t *v, int hs, int64_t *acc)
{
    int64_t w = wls_rshift((int64_t)weight * vmax, 30); /* Q16 units */
    if (w == (int32_t)w) { /* the usual case (weight <= 2^30): 32x8-bit products */
        int32_t w32 = (int32_t)w;
        for (int i = 0; i < hs; i++)
            acc[i] += (int64_t)w32 * v[i];
        return;
    }
    for (int i = 0; i < hs; i++)
        acc[i] += w * v[i];
}

wls_xf wls_att_norm(int64_t esum)
{
    return wls_xf_div(wls_xf_from(1, 0), wls_xf_from(esum * 127, -30));
}

static void attention(const wls_model *m, wls_state *s, int layer, int pos)
{
    int hs = m->dim / m->n_heads, kv = kv_dim_of(m), kv_mul = m->n_heads / m->n_kv_heads;
    size_t base = (size_t)layer * (size_t)m->seq_len;
    wls_xf c = wls_att_coef(hs);
    for (int h = 0; h < m->n_heads; h++) {
        int kvh = h / kv_mul;
        const int32_t *q = s->q + h * hs;
        int32_t best = INT32_MIN;
        for (int t = 0; t <= pos; t++) {
            size_t at = base + (size_t)t;
            int32_t score = wls_att_score(q, s->key_q + at * (size_t)kv + (size_t)kvh * hs,
                                          s->key_max[at * (size_t)m->n_kv_heads + kvh], c, hs);
            s->att[t] = score;
            if (score > best)
                best = score;
        }
        /* Softmax weights e_t = exp(score - max) in Q30; the output is
         * sum_t e_t * v_t / sum_t e_t, with v_t = v_q * vmax / 127. Max, sums and
         * accumulators are exact integers, so positions may be split in any order. */
        int64_t esum = 0, acc[WLS_MAX_HEAD];
        for (int i = 0; i < hs; i++)
            acc[i] = 0;
        for (int t = 0; t <= pos; t++) {
            size_t at = base + (size_t)t;
            int32_t e = wls_att_weight(s->att[t], best);
            esum += e;
            wls_att_accum(e, s->value_max[at * (size_t)m->n_kv_heads + kvh],
                          s->value_q + at * (size_t)kv + (size_t)kvh * hs, hs, acc);
        }
        wls_xf norm = wls_att_norm(esum);
        for (int i = 0; i < hs; i++)
            s->xb[h * hs + i] = wls_xf_apply(acc[i], norm, 0);
    }
}

void wls_forward(const wls_model *m, wls_state *s, int token, int pos)
{
    int dim = m->dim, hidden = m->hidden_dim, hs = dim / m->n_heads, kv = kv_dim_of(m);
    const int16_t *rope_row = m->rope + (size_t)pos * (size_t)hs;
    wls_qvec qv = {s->qbuf, s->ubuf, {0, 0}};
    wls_matrix_row(&m->embedding, token, s->x);
    for (int l = 0; l < m->n_layers; l++) {
        const wls_layer *L = &m->layers[l];
        size_t at = (size_t)l * (size_t)m->seq_len + (size_t)pos;
        /* RMSNorm is a scale on the quantized input: its gain is in the weights. */
        wls_quantize_rms(s->x, dim, &qv);
        wls_matvec(&L->wq, &qv, s->q);
        wls_matvec(&L->wk, &qv, s->k);
        wls_matvec(&L->wv, &qv, s->v);
        wls_rope(s->q, dim, hs, rope_row);
        wls_rope(s->k, kv, hs, rope_row);
        for (int h = 0; h < m->n_kv_heads; h++) {
            size_t off = at * (size_t)kv + (size_t)h * hs;
            s->key_max[at * (size_t)m->n_kv_heads + h] =
                wls_kv_quantize(s->k + h * hs, hs, s->key_q + off);
            s->value_max[at * (size_t)m->n_kv_heads + h] =
                wls_kv_quantize(s->v + h * hs, hs, s->value_q + off);
        }
        attention(m, s, l, pos);
        wls_quantize_q16(s->xb, dim, &qv);
        wls_matvec(&L->wo, &qv, s->xb2);
        for (int i = 0; i < dim; i++)
            s->x[i] = wls_sat32((int64_t)s->x[i] + s->xb2[i]);
        wls_quantize_rms(s->x, dim, &qv);
        wls_matvec(&L->w1, &qv, s->hb);
        wls_matvec(&L->w3, &qv, s->hb2);
        for (int i = 0; i < hidden; i++)
            s->hb[i] = wls_swiglu(s->hb[i], s->hb2[i]);
        wls_quantize_q16(s->hb, hidden, &qv);
        wls_matvec(&L->w2, &qv, s->xb);
        for (int i = 0; i < dim; i++)
            s->x[i] = wls_sat32((int64_t)s->x[i] + s->xb[i]);
    }
    wls_quantize_rms(s->x, dim, &qv);
    wls_matvec(&m->classifier, &qv, s->logits);
}
