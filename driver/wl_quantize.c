#include "wl_quantize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

wls_xf wl_xf_from_double(double v)
{
    if (v == 0.0)
        return wls_xf_from(0, 0);
    int e;
    double f = frexp(v, &e); /* v = f * 2^e, |f| in [0.5, 1) */
    return wls_xf_from((int64_t)llround(f * 2147483648.0), e - 31);
}

double wl_xf_to_double(wls_xf v) { return ldexp((double)v.m, v.e); }

/* Quantizes rows x cols float weights (columns multiplied by gain when non-NULL). */
static void quantize_matrix(const float *w, const float *gain, int rows, int cols, int8_t *q,
                            uint8_t *u, wls_xf *row_scale, wls_matrix *out)
{
    int ng = wls_groups(cols);
    double *row = malloc((size_t)cols * sizeof *row);
    for (int i = 0; i < rows; i++) {
        const float *src = w + (size_t)i * (size_t)cols;
        double rmax = 0.0;
        for (int j = 0; j < cols; j++) {
            row[j] = (double)src[j] * (gain ? (double)gain[j] : 1.0);
            if (fabs(row[j]) > rmax)
                rmax = fabs(row[j]);
        }
        wls_xf rs = wl_xf_from_double(rmax / (255.0 * 127.0));
        row_scale[i] = rs;
        double step = wl_xf_to_double(rs);
        for (int g = 0; g < ng; g++) {
            int lo = g * WLS_GROUP, hi = lo + WLS_GROUP < cols ? lo + WLS_GROUP : cols;
            double gmax = 0.0;
            for (int j = lo; j < hi; j++)
                if (fabs(row[j]) > gmax)
                    gmax = fabs(row[j]);
            int ug = rmax > 0.0 ? (int)ceil(255.0 * gmax / rmax - 1e-12) : 0;
            if (ug < 0)
                ug = 0;
            if (ug > 255)
                ug = 255;
            if (gmax > 0.0 && ug == 0)
                ug = 1;
            u[(size_t)i * ng + g] = (uint8_t)ug;
            for (int j = lo; j < hi; j++) {
                long v = ug ? lround(row[j] / (step * ug)) : 0;
                q[(size_t)i * cols + j] = (int8_t)(v > 127 ? 127 : (v < -127 ? -127 : v));
            }
        }
    }
    free(row);
    out->rows = rows;
    out->cols = cols;
    out->q = q;
    out->u = u;
    out->row_scale = row_scale;
}

void wl_quantize_matrix_for_test(const float *w, int rows, int cols, int8_t *q, uint8_t *u,
                                 wls_xf *row_scale, wls_matrix *out)
{
    quantize_matrix(w, NULL, rows, cols, q, u, row_scale, out);
}

typedef struct {
    const float *w;
    const float *gain;
    int rows, cols;
    wls_matrix *dst;
} matrix_job;

int wl_quantize_model(const wl_model *m, wl_qmodel *out, wl_error *err)
{
    memset(out, 0, sizeof *out);
    const wl_config *c = &m->cfg;
    int L = c->n_layers, d = c->dim, h = c->hidden_dim, kv = wl_kv_dim(c), hs = wl_head_size(c);
    if (hs > WLS_MAX_HEAD)
        return wl_fail(err, WL_ERR_UNSUPPORTED, "head size %d is above the integer spec's %d",
                       hs, WLS_MAX_HEAD);
    int n_jobs = 2 + 7 * L;
    matrix_job *jobs = calloc((size_t)n_jobs, sizeof *jobs);
    out->layers = calloc((size_t)L, sizeof *out->layers);
    if (!jobs || !out->layers) {
        free(jobs);
        wl_qmodel_free(out);
        return wl_fail(err, WL_ERR_NOMEM, "out of memory while quantizing");
    }
    int n = 0;
    jobs[n++] = (matrix_job){m->token_embedding, NULL, c->vocab_size, d, &out->spec.embedding};
    jobs[n++] = (matrix_job){m->wcls, m->rms_final, c->vocab_size, d, &out->spec.classifier};
    for (int l = 0; l < L; l++) {
        wls_layer *ly = &out->layers[l];
        const float *ga = m->rms_att + (size_t)l * d, *gf = m->rms_ffn + (size_t)l * d;
        jobs[n++] = (matrix_job){m->wq + (size_t)l * d * d, ga, d, d, &ly->wq};
        jobs[n++] = (matrix_job){m->wk + (size_t)l * kv * d, ga, kv, d, &ly->wk};
        jobs[n++] = (matrix_job){m->wv + (size_t)l * kv * d, ga, kv, d, &ly->wv};
        jobs[n++] = (matrix_job){m->wo + (size_t)l * d * d, NULL, d, d, &ly->wo};
        jobs[n++] = (matrix_job){m->w1 + (size_t)l * h * d, gf, h, d, &ly->w1};
        jobs[n++] = (matrix_job){m->w2 + (size_t)l * d * h, NULL, d, h, &ly->w2};
        jobs[n++] = (matrix_job){m->w3 + (size_t)l * h * d, gf, h, d, &ly->w3};
    }
    size_t q_bytes = 0, u_bytes = 0, rows = 0;
    for (int i = 0; i < n; i++) {
        q_bytes += (size_t)jobs[i].rows * (size_t)jobs[i].cols;
        u_bytes += (size_t)jobs[i].rows * (size_t)wls_groups(jobs[i].cols);
        rows += (size_t)jobs[i].rows;
    }
    size_t rope_entries = (size_t)c->seq_len * (size_t)hs;
    size_t total = rows * sizeof(wls_xf) + rope_entries * sizeof(int16_t) + q_bytes + u_bytes;
    char *mem = malloc(total);
    if (!mem) {
        free(jobs);
        wl_qmodel_free(out);
        return wl_fail(err, WL_ERR_NOMEM, "cannot allocate %zu bytes for quantized weights", total);
    }
    out->storage = mem;
    out->weight_bytes = q_bytes + u_bytes + rows * sizeof(wls_xf);
    wls_xf *scales = (wls_xf *)(void *)mem;
    int16_t *rope = (int16_t *)(void *)(mem + rows * sizeof(wls_xf));
    int8_t *q = (int8_t *)(mem + rows * sizeof(wls_xf) + rope_entries * sizeof(int16_t));
    uint8_t *u = (uint8_t *)(q + q_bytes);
    for (int i = 0; i < n; i++) {
        matrix_job *j = &jobs[i];
        quantize_matrix(j->w, j->gain, j->rows, j->cols, q, u, scales, j->dst);
        q += (size_t)j->rows * (size_t)j->cols;
        u += (size_t)j->rows * (size_t)wls_groups(j->cols);
        scales += j->rows;
    }
    free(jobs);
    /* RoPE: theta = pos * 10000^(-2i/hs), cos and sin rounded to Q14. */
    for (int pos = 0; pos < c->seq_len; pos++)
        for (int i = 0; i < hs / 2; i++) {
            double theta = pos * pow(10000.0, -(2.0 * i) / hs);
            rope[((size_t)pos * (hs / 2) + i) * 2] = (int16_t)lround(cos(theta) * 16384.0);
            rope[((size_t)pos * (hs / 2) + i) * 2 + 1] = (int16_t)lround(sin(theta) * 16384.0);
        }
    wls_model *s = &out->spec;
    s->dim = d;
    s->hidden_dim = h;
    s->n_layers = L;
    s->n_heads = c->n_heads;
    s->n_kv_heads = c->n_kv_heads;
    s->vocab_size = c->vocab_size;
    s->seq_len = c->seq_len;
    s->layers = out->layers;
    s->rope = rope;
    return WL_OK;
}

void wl_qmodel_free(wl_qmodel *q)
{
    free(q->storage);
    free(q->layers);
    memset(q, 0, sizeof *q);
}
