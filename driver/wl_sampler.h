#ifndef WL_SAMPLER_H
#define WL_SAMPLER_H
/* Token sampling as llama2.c's run.c: greedy (temperature 0), temperature, and
 * top-p (nucleus), driven by a seeded xorshift generator, so a seed gives the same
 * tokens on every run and host. */

#include <stdint.h>

#include "wl_error.h"

typedef struct {
    int vocab_size;
    float temperature; /* 0 = greedy */
    float topp;        /* in (0, 1) enables nucleus sampling */
    uint64_t rng_state;
    float *probs;      /* scratch, owned */
    struct wl_prob_index { float prob; int index; } *order; /* scratch, owned */
} wl_sampler;

int wl_sampler_init(wl_sampler *s, int vocab_size, float temperature, float topp,
                    uint64_t seed, wl_error *err);
void wl_sampler_free(wl_sampler *s);

/* Picks the next token from logits[vocab_size] (not modified). */
int wl_sample(wl_sampler *s, const float *logits);

/* Index of the largest value, lowest index on ties. */
int wl_argmax_f(const float *v, int n);

/* llama2.c's xorshift generator (exposed for tests). */
uint32_t wl_random_u32(uint64_t *state);
float wl_random_f32(uint64_t *state);

#endif
