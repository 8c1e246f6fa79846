#ifndef WL_PROJECT_H
#define WL_PROJECT_H
/* What decode would cost on a tile that is not built: the placement plan (wl_plan) and
 * the analytic cycle model (wl_perf) for any mesh size and SRAM per PE, so that a user
 * can ask about bigger tiles, up to the fabric's 63 x 62 PEs. The model is calibrated
 * on the decode firmware as it is and checked against measurements on 2x2 (256 KiB),
 * 4x4 and 8x8 (docs/PERFORMANCE.md); beyond 8x8 it is an optimistic extrapolation
 * (16x16, measured once with an earlier firmware, took 1.3x the model of its day).
 * Pure computation. */

#include <stdint.h>

#include "wl_error.h"
#include "wls_spec.h"

/* The lanes the cost model was calibrated with (the tile's default). */
#define WL_PROJECT_LANES 8

typedef struct {
    int rows, cols;
    uint32_t dmem_bytes;       /* per PE */
    int fits;                  /* 0: the figures below are not filled */
    uint64_t need_bytes, have_bytes;
    int positions;             /* positions 0 .. positions-1 */
    double cycles_per_token;   /* mean over the positions */
    double matvec, vector, attention, fabric; /* the model's terms, mean per position */
    double mac_utilization;    /* the spec's MACs / (cycles x PEs x lanes) */
} wl_projection;

/* Projects the quantized model `m` on a rows x cols tile with dmem_bytes of data SRAM
 * per PE: greedy decode from BOS over positions 0 .. positions-1 (positions >= 1,
 * at most m->seq_len), the classifier at every position. A model that does not fit
 * returns WL_OK with out->fits = 0 and the byte figures. */
int wl_project(const wls_model *m, int rows, int cols, uint32_t dmem_bytes, int positions,
               wl_projection *out, wl_error *err);

#endif
