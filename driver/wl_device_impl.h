#ifndef WL_DEVICE_IMPL_H
#define WL_DEVICE_IMPL_H
/* What a device backend implements. Backends are listed in wl_device.c. */

#include <stdio.h>

#include "wl_device.h"

typedef struct {
    const char *scheme; /* URI scheme, e.g. "ref" */
    /* Allocates the backend state for `args` (the URI part after ':' or NULL). */
    int (*open)(const char *args, void **state, wl_error *err);
    void (*close)(void *state);
    void (*info)(void *state, wl_device_info *info);
    int (*load_model)(void *state, const wl_model *m, wl_error *err);
    /* Runs one position, writes float logits. */
    int (*forward)(void *state, int token, int pos, float *logits, wl_error *err);
    /* Optional: exact integer logits of the last forward. */
    int (*logits_q16)(void *state, int32_t *logits, wl_error *err);
    /* Optional: the host link of a tile device. */
    struct wl_link *(*link)(void *state);
    /* Optional: a whole greedy decode job run on the device (`steps` forwards from
     * position 0, prompt fed first), appending generated tokens to tokens[*n_tokens]
     * and filling the cycle figures of stats. */
    int (*decode)(void *state, const wl_decode_job *job, int steps, int *tokens, int *n_tokens,
                  wl_token_fn on_token, void *ctx, wl_decode_stats *stats, wl_error *err);
    /* Optional: prints where the model would live on the device. */
    int (*plan)(void *state, const wl_model *m, FILE *f, int json, wl_error *err);
    /* Optional: progress of long operations (model upload). */
    void (*set_progress)(void *state, wl_progress_fn fn, void *ctx);
} wl_device_ops;

extern const wl_device_ops wl_ref_device_ops;
extern const wl_device_ops wl_float_device_ops;
extern const wl_device_ops wl_sim_device_ops;

#endif
