#ifndef WLS_SPEC_H
#define WLS_SPEC_H
/* The Waferlet integer spec: the quantized llama2 decode step, defined once in
 * freestanding C and compiled both into the host's `ref` device and into the PE
 * firmware. No floating point, no libc, no allocation: the caller provides every
 * buffer. Formats and rounding rules: docs/NUMERICS.md. */

#include <stddef.h>
#include <stdint.h>

#include "wls_fixed.h"

#define WLS_GROUP 4        /* quantization group along a matrix row / a vector */
#define WLS_ACT_FRAC 16    /* activations, residual, logits: Q16 int32 */
#define WLS_ROPE_FRAC 14   /* cos/sin table: Q14 int16 */

static inline int wls_groups(int n) { return (n + WLS_GROUP - 1) / WLS_GROUP; }

/* An int8 matrix [rows][cols] with two-level scales: weight (i, j) is
 * q[i][j] * u[i][j / 8] * row_scale[i]. u is 1..255 (0 only for an all-zero group),
 * the group's magnitude relative to the row's largest group. RMSNorm gains are folded
 * into the columns at load time. */
typedef struct {
    int rows, cols;
    const int8_t *q;          /* [rows][cols] */
    const uint8_t *u;         /* [rows][groups(cols)] */
    const wls_xf *row_scale;  /* [rows] */
} wls_matrix;

typedef struct {
    wls_matrix wq, wk, wv, wo, w1, w2, w3; /* gains of rms_att (wq,wk,wv) and rms_ffn
                                              (w1,w3) already folded in */
} wls_layer;

typedef struct {
    int dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
    wls_matrix embedding;     /* token embedding (no gain folded) */
    wls_matrix classifier;    /* rms_final gain folded in */
    const wls_layer *layers;  /* [n_layers] */
    const int16_t *rope;      /* [seq_len][head_size/2][2] = cos, sin in Q14 */
} wls_model;

/* A vector quantized for a matrix-vector product: x[j] = q[j] * u[j / 8] * scale. */
typedef struct {
    int8_t *q;    /* [n] */
    uint8_t *u;   /* [groups(n)] */
    wls_xf scale;
} wls_qvec;

/* Per-token working memory and the KV cache, all caller-owned. */
typedef struct {
    int32_t *x, *xb, *xb2, *q, *k, *v, *hb, *hb2; /* Q16: dim, dim, dim, dim, kv_dim,
                                                      kv_dim, hidden, hidden */
    int32_t *att;          /* [seq_len] scores, then exp weights */
    int8_t *qbuf;          /* [max(dim, hidden)] */
    uint8_t *ubuf;         /* [groups(max(dim, hidden))] */
    int8_t *key_q, *value_q;      /* [layers][seq_len][kv_dim] int8 */
    int32_t *key_max, *value_max; /* [layers][seq_len][n_kv_heads] group max, Q16 */
    int32_t *logits;       /* [vocab] Q16 */
} wls_state;

/* Bytes of state a model needs (for one buffer carved by wls_state_carve). */
size_t wls_state_bytes(const wls_model *m);
/* Points the state's arrays into `mem` (wls_state_bytes(m) bytes, 8-byte aligned). */
void wls_state_carve(const wls_model *m, wls_state *s, void *mem);

/* Quantizes x[n] (any fixed point; `scale` is the real value of one unit) into out:
 * wls_quant_prep(wls_absmax(x, n), scale, &p) gives out->scale, then
 * wls_quant_groups(x, n, &p, out->q, out->u). */
void wls_quantize(const int32_t *x, int n, wls_xf scale, wls_qvec *out);
/* The two halves of wls_quantize, so that a vector spread over PEs is quantized where
 * it lies: only the largest magnitude is shared. A group depends on its own elements
 * and on vmax alone, so slices that start on group boundaries give, together, exactly
 * wls_quantize's output. */
typedef struct {
    int32_t vmax;
    uint32_t qa, odd_carry, rv; /* reciprocals of vmax (wls_quant_prep) */
} wls_qprep;
/* Largest |x[j]| (INT32_MIN counts as INT32_MAX). */
int32_t wls_absmax(const int32_t *x, int n);
/* Fills p for a vector whose largest magnitude is vmax; returns the vector's scale:
 * wls_xf_mul(scale, wls_quant_unit(vmax, p)), where wls_quant_unit, which needs only
 * vmax, fills p (unless p is NULL: the unit alone is cheaper) and returns one q*u unit
 * in x's units (0 when vmax is). */
wls_xf wls_quant_prep(int32_t vmax, wls_xf scale, wls_qprep *p);
wls_xf wls_quant_unit(int32_t vmax, wls_qprep *p);
/* q[n] and u[groups(n)] of x[n], a slice starting on a group boundary. */
void wls_quant_groups(const int32_t *x, int n, const wls_qprep *p, int8_t *q, uint8_t *u);
/* Quantizes a Q16 vector as the input of a matrix whose columns carry RMSNorm
 * gains (scale = RMSNorm factor), or as plain Q16 (wls_quantize_q16). */
void wls_quantize_rms(const int32_t *x, int n, wls_qvec *out);
void wls_quantize_q16(const int32_t *x, int n, wls_qvec *out);
/* out[i] = round(W[i] . x) in Q16 (saturating). */
void wls_matvec(const wls_matrix *w, const wls_qvec *x, int32_t *out);
/* Returns the RMSNorm factor 1/sqrt(mean(x^2) + eps) for x in Q16, as a scale. */
wls_xf wls_rms_factor(const int32_t *x, int n);
/* The same, given vmax = wls_absmax(x, n). */
wls_xf wls_rms_factor_max(const int32_t *x, int n, int32_t vmax);
/* Dequantized row `row` of a matrix into out[cols] (Q16). */
void wls_matrix_row(const wls_matrix *w, int row, int32_t *out);
/* SiLU(a) * b elementwise, Q16 in and out. */
int32_t wls_swiglu(int32_t a, int32_t b);

/* Pieces of the decode step, shared by wls_forward and the tile firmware. */
#define WLS_MAX_HEAD 256   /* largest head size the spec supports */
/* Largest |v| (Q16) and v as int8 steps of max/127: the KV cache format. */
int32_t wls_kv_quantize(const int32_t *v, int n, int8_t *q);
/* RoPE on pairs (v[2i], v[2i+1]) of every head, with the Q14 table row of a position. */
void wls_rope(int32_t *v, int n, int head_size, const int16_t *row);
/* The same on columns c0 .. c0 + n - 1 of such a vector, held as v[0..n) (c0 even):
 * rows rotated where a matrix-vector product leaves them. */
void wls_rope_cols(int32_t *v, int n, int c0, int head_size, const int16_t *row);
/* Attention: score = wls_att_score(q, k_q, kmax, wls_att_coef(hs)) in Q16; weights
 * e = wls_att_weight(score, max score) in Q30; acc[i] += e * vmax * v_q[i] (Q16 units)
 * through wls_att_accum; out[i] = wls_xf_apply(acc[i], wls_att_norm(sum of e), 0).
 * Max, sums and accumulators are exact integers, so the positions may be split over
 * PEs and combined in any order. */
wls_xf wls_att_coef(int head_size);
int32_t wls_att_score(const int32_t *q, const int8_t *k, int32_t kmax, wls_xf coef, int hs);
int32_t wls_att_weight(int32_t score, int32_t best);
void wls_att_accum(int32_t weight, int32_t vmax, const int8_t *v, int hs, int64_t *acc);
wls_xf wls_att_norm(int64_t esum);

/* One decode step: token at position pos (0 <= pos < seq_len). Leaves Q16 logits in
 * s->logits. */
void wls_forward(const wls_model *m, wls_state *s, int token, int pos);

/* Index of the largest logit, lowest index on ties. */
int wls_argmax(const int32_t *v, int n);

#endif
