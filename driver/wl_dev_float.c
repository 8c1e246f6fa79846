/* Device `float`: the float32 reference forward pass on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_device_impl.h"
#include "wl_float.h"

typedef struct {
    const wl_model *model;
    wl_float_state st;
} float_dev;

static int float_open(const char *args, void **state, wl_error *err)
{
    if (args)
        return wl_fail(err, WL_ERR_ARG, "device 'float' takes no options (got 'float:%s')", args);
    *state = calloc(1, sizeof(float_dev));
    return *state ? WL_OK : wl_fail(err, WL_ERR_NOMEM, "out of memory");
}

static void float_close(void *state)
{
    float_dev *d = state;
    wl_float_free(&d->st);
    free(d);
}

static void float_info(void *state, wl_device_info *info)
{
    (void)state;
    snprintf(info->kind, sizeof info->kind, "golden-float");
}

static int float_load(void *state, const wl_model *m, wl_error *err)
{
    float_dev *d = state;
    wl_float_free(&d->st);
    d->model = m;
    return wl_float_init(&d->st, &m->cfg, err);
}

static int float_forward(void *state, int token, int pos, float *logits, wl_error *err)
{
    float_dev *d = state;
    (void)err;
    const float *l = wl_float_forward(d->model, &d->st, token, pos);
    memcpy(logits, l, (size_t)d->model->cfg.vocab_size * sizeof *logits);
    return WL_OK;
}

const wl_device_ops wl_float_device_ops = {
    .scheme = "float",
    .open = float_open,
    .close = float_close,
    .info = float_info,
    .load_model = float_load,
    .forward = float_forward,
};
