#ifndef WL_PERF_H
#define WL_PERF_H
/* The analytic cycle model of decode on the tile (docs/PERFORMANCE.md): predicts the
 * cycles of one position from the placement plan, the model's shape and per-operation
 * costs of the PE cores and the fabric. Pure computation. */

#include "wl_plan.h"

/* Per-operation costs in cycles (calibration in docs/PERFORMANCE.md). */
typedef struct {
    double row;          /* one matrix row on the core: its int64 total read back, the
                            row scale applied and stored (the GDOT itself is costed at
                            one cycle per 8-byte beat) */
    double matvec_call;  /* one matrix-vector call: descriptor set-up and the wait */
    double swiglu;       /* per hidden unit */
    double rms_elem;     /* the root's RMSNorm factor and maximum, per element of x */
    double quant_prep;   /* the spread quantizer's per-vector set-up (wls_quant_prep), on
                            every PE */
    double quant_slice;  /* one slice quantized and sent to the root */
    double quant_elem;   /*   and per element of it */
    double quant_place;  /* the root moving one group's scale into the broadcast vector */
    double kv_elem;      /* the root's K/V quantization (and q's digits), per K or V
                            element */
    double rope_pair;    /* one RoPE pair of q or k, on the PE that computed its rows */
    double att_head;     /* attention's fixed work per head and layer on a PE */
    double att_pos;      /* one (head, cached position): score, weight, value sum */
    double att_tu_head;  /* the same with the dots on the tensor unit (the root holds */
    double att_tu_pos;   /*   at least att_tu_min positions and head_size % 8 == 0) */
    int att_tu_min;
    double att_out_elem; /* a head output element on its PE (also an embedding element) */
    double residual_elem;
    double word_send;    /* core cycles per word pushed to the fabric */
    double word_recv;    /* core cycles per word read from the receive queue */
    double combine_word; /* reduction: per word folded in */
    double hop;          /* fabric cycles per router hop */
    double sync;         /* fixed cost of a gather or a reduction step (flags, polling) */
} wl_perf_costs;

typedef struct {
    double matvec;    /* the slowest PE's rows (plus SwiGLU), phase by phase */
    double vector;    /* the root's serial vector work */
    double attention; /* the slowest PE's cached positions */
    double fabric;    /* broadcasts, gathers, reductions */
    double total;
} wl_perf_terms;

/* The costs of the current decode firmware. */
wl_perf_costs wl_perf_default_costs(void);

/* Predicted cycles of one forward at position `pos` (classifier included when
 * `classifier`). */
void wl_perf_predict(const wl_plan *pl, const wls_model *m, const wl_perf_costs *c, int pos,
                     int classifier, wl_perf_terms *out);

/* MACs the integer spec needs at position `pos` (weights, attention over pos + 1
 * cached positions, and the classifier when `classifier`): what "useful" means in MAC
 * utilization. */
double wl_perf_useful_macs(const wls_model *m, int pos, int classifier);

#endif
