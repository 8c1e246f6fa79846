#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "wl_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl_device_impl.h"
#include "wl_sampler.h"

struct wl_device {
    const wl_device_ops *ops;
    void *state;
    char uri[64];
    const wl_model *model;
    int next_pos; /* forward positions must go 0, 1, 2, ... */
};

static const wl_device_ops *const backends[] = {&wl_ref_device_ops, &wl_float_device_ops,
                                               &wl_sim_device_ops};

int wl_device_open(const char *uri, wl_device **out, wl_error *err)
{
    *out = NULL;
    if (!uri || !*uri)
        return wl_fail(err, WL_ERR_ARG, "no device given (try -d ref or -d float)");
    char scheme[32];
    const char *colon = strchr(uri, ':');
    size_t n = colon ? (size_t)(colon - uri) : strlen(uri);
    if (n >= sizeof scheme || strlen(uri) >= sizeof((wl_device *)0)->uri)
        return wl_fail(err, WL_ERR_ARG, "device URI '%s' is too long", uri);
    memcpy(scheme, uri, n);
    scheme[n] = '\0';
    const wl_device_ops *ops = NULL;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->scheme, scheme) == 0)
            ops = backends[i];
    if (!ops) {
        if (strcmp(scheme, "usb") == 0)
            return wl_fail(err, WL_ERR_UNSUPPORTED,
                           "device '%s' is not available in this build: the USB transport "
                           "and FPGA boards are not written yet; use -d sim, ref or float",
                           uri);
        return wl_fail(err, WL_ERR_ARG, "unknown device '%s' (devices: ref, float, sim[:RxC], usb[:SERIAL])",
                       uri);
    }
    wl_device *d = calloc(1, sizeof *d);
    if (!d)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    int rc = ops->open(colon ? colon + 1 : NULL, &d->state, err);
    if (rc) {
        free(d);
        return rc;
    }
    d->ops = ops;
    snprintf(d->uri, sizeof d->uri, "%s", uri);
    *out = d;
    return WL_OK;
}

void wl_device_close(wl_device *d)
{
    if (!d)
        return;
    d->ops->close(d->state);
    free(d);
}

int wl_device_info_get(wl_device *d, wl_device_info *info, wl_error *err)
{
    (void)err;
    memset(info, 0, sizeof *info);
    snprintf(info->uri, sizeof info->uri, "%s", d->uri);
    snprintf(info->firmware_version, sizeof info->firmware_version, "none");
    d->ops->info(d->state, info);
    return WL_OK;
}

int wl_device_load_model(wl_device *d, const wl_model *m, wl_error *err)
{
    d->model = NULL;
    int rc = d->ops->load_model(d->state, m, err);
    if (rc == WL_OK) {
        d->model = m;
        d->next_pos = 0;
    }
    return rc;
}

int wl_device_forward(wl_device *d, int token, int pos, float *logits, wl_error *err)
{
    if (!d->model)
        return wl_fail(err, WL_ERR_ARG, "no model loaded on device '%s'", d->uri);
    const wl_config *c = &d->model->cfg;
    if (token < 0 || token >= c->vocab_size)
        return wl_fail(err, WL_ERR_ARG, "token id %d is outside the vocabulary 0..%d", token,
                       c->vocab_size - 1);
    if (pos < 0 || pos >= c->seq_len)
        return wl_fail(err, WL_ERR_ARG, "position %d is outside the model's context 0..%d", pos,
                       c->seq_len - 1);
    if (pos > d->next_pos)
        return wl_fail(err, WL_ERR_ARG, "position %d skips ahead: the KV cache holds 0..%d", pos,
                       d->next_pos - 1);
    int rc = d->ops->forward(d->state, token, pos, logits, err);
    if (rc == WL_OK)
        d->next_pos = pos + 1;
    return rc;
}

void wl_device_set_progress(wl_device *d, wl_progress_fn fn, void *ctx)
{
    if (d->ops->set_progress)
        d->ops->set_progress(d->state, fn, ctx);
}

int wl_device_plan(wl_device *d, const wl_model *m, FILE *f, int json, wl_error *err)
{
    if (!d->ops->plan)
        return wl_fail(err, WL_ERR_UNSUPPORTED,
                       "device '%s' runs on the host: placement plans are for tiles (-d sim)",
                       d->uri);
    return d->ops->plan(d->state, m, f, json, err);
}

/* A greedy job on a device that runs whole jobs; the prompt continuation is emitted
 * by the host as in the loop below. */
static int decode_on_device(wl_device *d, const wl_decode_job *job, int steps, int *tokens,
                            int *n_tokens, wl_token_fn on_token, void *ctx,
                            wl_decode_stats *stats, wl_error *err)
{
    for (int i = 1; i < job->n_prompt; i++) {
        tokens[(*n_tokens)++] = job->prompt[i];
        if (on_token)
            on_token(ctx, i, job->prompt[i]);
    }
    int rc = d->ops->decode(d->state, job, steps, tokens, n_tokens, on_token, ctx, stats, err);
    d->next_pos = rc == WL_OK ? job->n_prompt - 1 + stats->generated + 1 : 0;
    if (d->next_pos > steps)
        d->next_pos = steps;
    return rc;
}

struct wl_link *wl_device_link(wl_device *d)
{
    return d->ops->link ? d->ops->link(d->state) : NULL;
}

int wl_device_logits_q16(wl_device *d, int32_t *logits, wl_error *err)
{
    if (!d->ops->logits_q16)
        return wl_fail(err, WL_ERR_UNSUPPORTED, "device '%s' has no integer logits", d->uri);
    return d->ops->logits_q16(d->state, logits, err);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int wl_device_decode(wl_device *d, const wl_decode_job *job, int *tokens, int *n_tokens,
                     wl_token_fn on_token, void *ctx, wl_decode_stats *stats, wl_error *err)
{
    *n_tokens = 0;
    memset(stats, 0, sizeof *stats);
    if (!d->model)
        return wl_fail(err, WL_ERR_ARG, "no model loaded on device '%s'", d->uri);
    const wl_config *c = &d->model->cfg;
    if (job->n_prompt < 1)
        return wl_fail(err, WL_ERR_ARG, "a decode job needs at least one prompt token (BOS)");
    if (job->steps < 1)
        return wl_fail(err, WL_ERR_ARG, "steps must be at least 1, got %d", job->steps);
    int steps = job->steps > c->seq_len ? c->seq_len : job->steps;
    if (job->n_prompt > steps)
        return wl_fail(err, WL_ERR_ARG, "the prompt has %d tokens but only %d steps are allowed",
                       job->n_prompt, steps);
    for (int i = 0; i < job->n_prompt; i++)
        if (job->prompt[i] < 0 || job->prompt[i] >= c->vocab_size)
            return wl_fail(err, WL_ERR_ARG, "prompt token %d is outside the vocabulary 0..%d",
                           job->prompt[i], c->vocab_size - 1);
    int device_job = job->temperature == 0.0f && d->ops->decode;
    for (int i = 1; i < job->n_prompt; i++)
        if (job->prompt[i] == 1) /* BOS inside the prompt ends it: the host loop handles it */
            device_job = 0;
    if (device_job) {
        double t0 = now_seconds();
        int rc = decode_on_device(d, job, steps, tokens, n_tokens, on_token, ctx, stats, err);
        stats->wall_seconds = now_seconds() - t0;
        stats->prompt_tokens = job->n_prompt;
        return rc;
    }
    wl_sampler sampler;
    int rc = wl_sampler_init(&sampler, c->vocab_size, job->temperature, job->topp, job->seed, err);
    if (rc)
        return rc;
    float *logits = malloc((size_t)c->vocab_size * sizeof *logits);
    int32_t *exact = malloc((size_t)c->vocab_size * sizeof *exact);
    if (!logits || !exact) {
        rc = wl_fail(err, WL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Greedy decoding on an integer device picks from the exact logits. */
    int exact_greedy = job->temperature == 0.0f && d->ops->logits_q16;
    double t0 = now_seconds();
    int token = job->prompt[0];
    /* As llama2.c's generate: `steps` forwards; each emits the following token. */
    for (int pos = 0; pos < steps; pos++) {
        rc = wl_device_forward(d, token, pos, logits, err);
        if (rc)
            goto out;
        int next;
        if (pos + 1 < job->n_prompt) {
            next = job->prompt[pos + 1];
        } else if (exact_greedy) {
            if ((rc = d->ops->logits_q16(d->state, exact, err)))
                goto out;
            next = 0;
            for (int i = 1; i < c->vocab_size; i++)
                if (exact[i] > exact[next])
                    next = i;
            stats->generated++;
        } else {
            next = wl_sample(&sampler, logits);
            stats->generated++;
        }
        if (next == 1) /* BOS delimits sequences: generating it ends the job */
            break;
        tokens[(*n_tokens)++] = next;
        if (on_token && on_token(ctx, pos + 1, next))
            break;
        token = next;
    }
    stats->wall_seconds = now_seconds() - t0;
    stats->prompt_tokens = job->n_prompt;
out:
    free(logits);
    free(exact);
    wl_sampler_free(&sampler);
    return rc;
}
