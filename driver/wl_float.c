#include "wl_float.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int wl_float_init(wl_float_state *s, const wl_config *c, wl_error *err)
{
    memset(s, 0, sizeof *s);
    size_t d = (size_t)c->dim, h = (size_t)c->hidden_dim, kv = (size_t)wl_kv_dim(c);
    size_t cache = (size_t)c->n_layers * (size_t)c->seq_len * kv;
    s->x = calloc(d, sizeof(float));
    s->xb = calloc(d, sizeof(float));
    s->xb2 = calloc(d, sizeof(float));
    s->hb = calloc(h, sizeof(float));
    s->hb2 = calloc(h, sizeof(float));
    s->q = calloc(d, sizeof(float));
    s->att = calloc((size_t)c->n_heads * (size_t)c->seq_len, sizeof(float));
    s->logits = calloc((size_t)c->vocab_size, sizeof(float));
    s->key_cache = calloc(cache, sizeof(float));
    s->value_cache = calloc(cache, sizeof(float));
    if (!s->x || !s->xb || !s->xb2 || !s->hb || !s->hb2 || !s->q || !s->att || !s->logits ||
        !s->key_cache || !s->value_cache) {
        wl_float_free(s);
        return wl_fail(err, WL_ERR_NOMEM, "out of memory for float32 activations and KV cache");
    }
    return WL_OK;
}

void wl_float_free(wl_float_state *s)
{
    free(s->x); free(s->xb); free(s->xb2); free(s->hb); free(s->hb2); free(s->q);
    free(s->att); free(s->logits); free(s->key_cache); free(s->value_cache);
    memset(s, 0, sizeof *s);
}

static void rmsnorm(float *o, const float *x, const float *w, int n)
{
    float ss = 0.0f;
    for (int j = 0; j < n; j++)
        ss += x[j] * x[j];
    ss /= n;
    ss += 1e-5f;
    ss = 1.0f / sqrtf(ss);
    for (int j = 0; j < n; j++)
        o[j] = w[j] * (ss * x[j]);
}

static void softmax(float *x, int n)
{
    float max = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > max)
            max = x[i];
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    for (int i = 0; i < n; i++)
        x[i] /= sum;
}

/* out[d] = W[d][n] · x[n] */
static void matmul(float *out, const float *x, const float *w, int n, int d)
{
    for (int i = 0; i < d; i++) {
        float v = 0.0f;
        const float *row = w + (size_t)i * (size_t)n;
        for (int j = 0; j < n; j++)
            v += row[j] * x[j];
        out[i] = v;
    }
}

const float *wl_float_forward(const wl_model *m, wl_float_state *s, int token, int pos)
{
    const wl_config *c = &m->cfg;
    int dim = c->dim, hidden = c->hidden_dim, hs = wl_head_size(c), kv_dim = wl_kv_dim(c);
    int kv_mul = c->n_heads / c->n_kv_heads;
    memcpy(s->x, m->token_embedding + (size_t)token * (size_t)dim, (size_t)dim * sizeof(float));
    for (int l = 0; l < c->n_layers; l++) {
        size_t loff = (size_t)l * (size_t)c->seq_len * (size_t)kv_dim;
        float *k = s->key_cache + loff + (size_t)pos * (size_t)kv_dim;
        float *v = s->value_cache + loff + (size_t)pos * (size_t)kv_dim;
        rmsnorm(s->xb, s->x, m->rms_att + (size_t)l * dim, dim);
        matmul(s->q, s->xb, m->wq + (size_t)l * dim * dim, dim, dim);
        matmul(k, s->xb, m->wk + (size_t)l * dim * kv_dim, dim, kv_dim);
        matmul(v, s->xb, m->wv + (size_t)l * dim * kv_dim, dim, kv_dim);
        for (int i = 0; i < dim; i += 2) {
            int head_dim = i % hs;
            float freq = 1.0f / powf(10000.0f, head_dim / (float)hs);
            float val = pos * freq;
            float fcr = cosf(val), fci = sinf(val);
            int rotn = i < kv_dim ? 2 : 1;
            for (int r = 0; r < rotn; r++) {
                float *vec = r == 0 ? s->q : k;
                float v0 = vec[i], v1 = vec[i + 1];
                vec[i] = v0 * fcr - v1 * fci;
                vec[i + 1] = v0 * fci + v1 * fcr;
            }
        }
        for (int h = 0; h < c->n_heads; h++) {
            const float *q = s->q + h * hs;
            float *att = s->att + (size_t)h * c->seq_len;
            for (int t = 0; t <= pos; t++) {
                const float *kt = s->key_cache + loff + (size_t)t * kv_dim + (h / kv_mul) * hs;
                float score = 0.0f;
                for (int i = 0; i < hs; i++)
                    score += q[i] * kt[i];
                att[t] = score / sqrtf((float)hs);
            }
            softmax(att, pos + 1);
            float *xb = s->xb + h * hs;
            memset(xb, 0, (size_t)hs * sizeof(float));
            for (int t = 0; t <= pos; t++) {
                const float *vt = s->value_cache + loff + (size_t)t * kv_dim + (h / kv_mul) * hs;
                for (int i = 0; i < hs; i++)
                    xb[i] += att[t] * vt[i];
            }
        }
        matmul(s->xb2, s->xb, m->wo + (size_t)l * dim * dim, dim, dim);
        for (int i = 0; i < dim; i++)
            s->x[i] += s->xb2[i];
        rmsnorm(s->xb, s->x, m->rms_ffn + (size_t)l * dim, dim);
        matmul(s->hb, s->xb, m->w1 + (size_t)l * dim * hidden, dim, hidden);
        matmul(s->hb2, s->xb, m->w3 + (size_t)l * dim * hidden, dim, hidden);
        for (int i = 0; i < hidden; i++) {
            float val = s->hb[i];
            val *= 1.0f / (1.0f + expf(-val));
            s->hb[i] = val * s->hb2[i];
        }
        matmul(s->xb, s->hb, m->w2 + (size_t)l * dim * hidden, hidden, dim);
        for (int i = 0; i < dim; i++)
            s->x[i] += s->xb[i];
    }
    rmsnorm(s->x, s->x, m->rms_final, dim);
    matmul(s->logits, s->x, m->wcls, dim, c->vocab_size);
    return s->logits;
}
