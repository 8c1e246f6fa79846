/* Device `ref`: the integer spec (firmware/spec) run on the host: the golden model
 * whose logits the tile must equal bit for bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_device_impl.h"
#include "wl_quantize.h"

typedef struct {
    wl_qmodel q;
    wls_state st;
    void *state_mem;
} ref_dev;

static int ref_open(const char *args, void **state, wl_error *err)
{
    if (args)
        return wl_fail(err, WL_ERR_ARG, "device 'ref' takes no options (got 'ref:%s')", args);
    *state = calloc(1, sizeof(ref_dev));
    return *state ? WL_OK : wl_fail(err, WL_ERR_NOMEM, "out of memory");
}

static void ref_unload(ref_dev *d)
{
    wl_qmodel_free(&d->q);
    free(d->state_mem);
    d->state_mem = NULL;
}

static void ref_close(void *state)
{
    ref_unload(state);
    free(state);
}

static void ref_info(void *state, wl_device_info *info)
{
    (void)state;
    snprintf(info->kind, sizeof info->kind, "golden-int");
    info->integer_logits = 1;
}

static int ref_load(void *state, const wl_model *m, wl_error *err)
{
    ref_dev *d = state;
    ref_unload(d);
    int rc = wl_quantize_model(m, &d->q, err);
    if (rc)
        return rc;
    size_t bytes = wls_state_bytes(&d->q.spec);
    d->state_mem = calloc(1, bytes);
    if (!d->state_mem) {
        ref_unload(d);
        return wl_fail(err, WL_ERR_NOMEM, "cannot allocate %zu bytes of activations and KV cache",
                       bytes);
    }
    wls_state_carve(&d->q.spec, &d->st, d->state_mem);
    return WL_OK;
}

static int ref_forward(void *state, int token, int pos, float *logits, wl_error *err)
{
    ref_dev *d = state;
    (void)err;
    wls_forward(&d->q.spec, &d->st, token, pos);
    for (int i = 0; i < d->q.spec.vocab_size; i++)
        logits[i] = (float)d->st.logits[i] / (float)(1 << WLS_ACT_FRAC);
    return WL_OK;
}

static int ref_logits_q16(void *state, int32_t *logits, wl_error *err)
{
    ref_dev *d = state;
    (void)err;
    memcpy(logits, d->st.logits, (size_t)d->q.spec.vocab_size * sizeof *logits);
    return WL_OK;
}

const wl_device_ops wl_ref_device_ops = {
    .scheme = "ref",
    .open = ref_open,
    .close = ref_close,
    .info = ref_info,
    .load_model = ref_load,
    .forward = ref_forward,
    .logits_q16 = ref_logits_q16,
};
