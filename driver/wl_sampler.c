#include "wl_sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int wl_sampler_init(wl_sampler *s, int vocab_size, float temperature, float topp,
                    uint64_t seed, wl_error *err)
{
    memset(s, 0, sizeof *s);
    if (vocab_size <= 0)
        return wl_fail(err, WL_ERR_ARG, "sampler needs a positive vocabulary size");
    if (!(temperature >= 0.0f) || !isfinite(temperature))
        return wl_fail(err, WL_ERR_ARG, "temperature must be a number >= 0, got %g", temperature);
    if (!(topp >= 0.0f && topp <= 1.0f))
        return wl_fail(err, WL_ERR_ARG, "top-p must be in [0, 1], got %g", topp);
    s->vocab_size = vocab_size;
    s->temperature = temperature;
    s->topp = topp;
    s->rng_state = seed;
    s->probs = malloc((size_t)vocab_size * sizeof *s->probs);
    s->order = malloc((size_t)vocab_size * sizeof *s->order);
    if (!s->probs || !s->order) {
        wl_sampler_free(s);
        return wl_fail(err, WL_ERR_NOMEM, "out of memory for the sampler");
    }
    return WL_OK;
}

void wl_sampler_free(wl_sampler *s)
{
    free(s->probs);
    free(s->order);
    memset(s, 0, sizeof *s);
}

uint32_t wl_random_u32(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1Dull) >> 32);
}

float wl_random_f32(uint64_t *state) { return (float)(wl_random_u32(state) >> 8) / 16777216.0f; }

int wl_argmax_f(const float *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static int by_prob_desc(const void *a, const void *b)
{
    const struct wl_prob_index *x = a, *y = b;
    if (x->prob > y->prob)
        return -1;
    if (x->prob < y->prob)
        return 1;
    return (x->index > y->index) - (x->index < y->index); /* stable across libcs */
}

static int sample_mult(const float *p, int n, float coin)
{
    float cdf = 0.0f;
    for (int i = 0; i < n; i++) {
        cdf += p[i];
        if (coin < cdf)
            return i;
    }
    return n - 1;
}

static int sample_topp(wl_sampler *s, float coin)
{
    int n = s->vocab_size, n0 = 0;
    /* Tokens below this cannot be in the nucleus; skipping them keeps the sort short. */
    float cutoff = (1.0f - s->topp) / (float)(n - 1 > 0 ? n - 1 : 1);
    for (int i = 0; i < n; i++)
        if (s->probs[i] >= cutoff)
            s->order[n0++] = (struct wl_prob_index){s->probs[i], i};
    qsort(s->order, (size_t)n0, sizeof *s->order, by_prob_desc);
    float cum = 0.0f;
    int last = n0 - 1;
    for (int i = 0; i < n0; i++) {
        cum += s->order[i].prob;
        if (cum > s->topp) {
            last = i;
            break;
        }
    }
    float r = coin * cum, cdf = 0.0f;
    for (int i = 0; i <= last; i++) {
        cdf += s->order[i].prob;
        if (r < cdf)
            return s->order[i].index;
    }
    return s->order[last].index;
}

int wl_sample(wl_sampler *s, const float *logits)
{
    int n = s->vocab_size;
    if (s->temperature == 0.0f)
        return wl_argmax_f(logits, n);
    float max = logits[0] / s->temperature;
    for (int i = 0; i < n; i++) {
        s->probs[i] = logits[i] / s->temperature;
        if (s->probs[i] > max)
            max = s->probs[i];
    }
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        s->probs[i] = expf(s->probs[i] - max);
        sum += s->probs[i];
    }
    for (int i = 0; i < n; i++)
        s->probs[i] /= sum;
    float coin = wl_random_f32(&s->rng_state);
    if (s->topp <= 0.0f || s->topp >= 1.0f)
        return sample_mult(s->probs, n, coin);
    return sample_topp(s, coin);
}
