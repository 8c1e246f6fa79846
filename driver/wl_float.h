#ifndef WL_FLOAT_H
#define WL_FLOAT_H
/* The float32 forward pass, operation for operation as llama2.c's run.c computes it
 * (same accumulation order), so its logits are the accuracy reference. */

#include "wl_model.h"

typedef struct {
    float *x, *xb, *xb2, *hb, *hb2, *q, *att, *logits; /* activations */
    float *key_cache, *value_cache;                     /* [layers][seq][kv_dim] */
} wl_float_state;

/* Allocates buffers for model `m` (state is caller-owned; free with wl_float_free). */
int wl_float_init(wl_float_state *s, const wl_config *c, wl_error *err);
void wl_float_free(wl_float_state *s);

/* Runs token `token` at position `pos` (0 <= pos < seq_len) and returns the logits,
 * owned by the state and valid until the next call. */
const float *wl_float_forward(const wl_model *m, wl_float_state *s, int token, int pos);

#endif
