#ifndef WL_MODEL_H
#define WL_MODEL_H
/* llama2.c checkpoint loading: legacy v0 (float32, 7-int header, negative vocab =
 * separate classifier), v1 ("ak42", float32) and v2 ("ak42", Q8_0 groups; dequantized
 * to float32 at load). Every header field and the exact file size are validated
 * before anything large is allocated. */

#include <stddef.h>
#include <stdint.h>

#include "wl_error.h"

typedef struct {
    int dim;        /* residual width */
    int hidden_dim; /* FFN width */
    int n_layers;
    int n_heads;
    int n_kv_heads;
    int vocab_size;
    int seq_len;
    int shared_classifier; /* 1: classifier weights are the token embedding */
    int version;           /* 0, 1 or 2 */
    int group_size;        /* v2 only: Q8_0 group size; else 0 */
} wl_config;

/* Float32 weights, laid out as llama2.c's run.c expects: matrices are row-major
 * [out][in]. All pointers point into `storage`, owned by the model. */
typedef struct {
    wl_config cfg;
    float *token_embedding; /* [vocab][dim] */
    float *rms_att;         /* [layers][dim] */
    float *wq;              /* [layers][dim][dim] */
    float *wk;              /* [layers][kv_dim][dim] */
    float *wv;              /* [layers][kv_dim][dim] */
    float *wo;              /* [layers][dim][dim] */
    float *rms_ffn;         /* [layers][dim] */
    float *w1;              /* [layers][hidden][dim] */
    float *w2;              /* [layers][dim][hidden] */
    float *w3;              /* [layers][hidden][dim] */
    float *rms_final;       /* [dim] */
    float *wcls;            /* [vocab][dim]; == token_embedding when shared */
    float *storage;
} wl_model;

/* Upper bounds that keep a corrupt header from asking for absurd memory. */
#define WL_MAX_DIM 65536
#define WL_MAX_LAYERS 1024
#define WL_MAX_VOCAB (1 << 20)
#define WL_MAX_SEQ (1 << 20)
#define WL_MAX_MODEL_BYTES (16ull << 30)

static inline int wl_head_size(const wl_config *c) { return c->dim / c->n_heads; }
static inline int wl_kv_dim(const wl_config *c)
{
    return c->n_kv_heads * (c->dim / c->n_heads);
}

/* Validates a header's fields (shapes, divisibility, limits). */
int wl_config_validate(const wl_config *c, wl_error *err);

/* Loads a checkpoint from `path` into *m (caller-owned struct; release with
 * wl_model_free). On failure *m is left empty and err says why. */
int wl_model_load(const char *path, wl_model *m, wl_error *err);

/* Loads from an in-memory image of a checkpoint file (same rules as a file);
 * `name` is used in error messages. The bytes are copied; the caller keeps them. */
int wl_model_load_bytes(const void *bytes, size_t size, const char *name, wl_model *m,
                        wl_error *err);

void wl_model_free(wl_model *m);

/* Number of parameters in the float model (classifier counted once if shared). */
uint64_t wl_model_param_count(const wl_config *c);

#endif
