#ifndef WL_PLAN_H
#define WL_PLAN_H
/* Placement of a quantized model on a tile (docs/DECODE.md): which rows of every
 * matrix, which KV-cache positions and which buffers each PE holds, at which
 * addresses. The decode firmware reads the same layout (firmware/lib/wl_decode_abi.h).
 * Pure computation: no device access. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wl_decode_abi.h"
#include "wl_error.h"
#include "wls_spec.h"

typedef struct {
    wld_pe blk;          /* the PE block as the firmware sees it */
    uint32_t weight_bytes, kv_bytes, buffer_bytes; /* by kind, for reports */
    uint32_t end;        /* first address past everything placed */
    uint32_t mats_addr;  /* == blk.mats */
} wl_plan_pe;

typedef struct {
    int rows, cols, n_pe;
    uint32_t dmem_bytes;   /* per PE */
    uint32_t lo, hi;       /* usable address range per PE [lo, hi) */
    int n_mats;            /* n_layers * WLD_PER_LAYER + 2 */
    wl_plan_pe *pe;        /* [n_pe], owned */
    wld_mat *mats;         /* [n_pe][n_mats], owned */
    uint64_t need_bytes;   /* sum over PEs of what is placed (or would be) */
    uint64_t have_bytes;   /* n_pe * (hi - lo) */
    int fits;
} wl_plan;

/* Plans `m` on a rows x cols tile with dmem_bytes of data SRAM per PE. Returns WL_OK
 * with plan->fits = 0 (and the need/have figures) when the model does not fit;
 * errors only for invalid input or memory. Free with wl_plan_free. */
int wl_plan_make(const wls_model *m, int rows, int cols, uint32_t dmem_bytes, wl_plan *plan,
                 wl_error *err);
void wl_plan_free(wl_plan *plan);

/* The smallest mesh (fewest PEs, squarest first, up to 16x16) that holds `m` at
 * dmem_bytes per PE; 0 with *rows = *cols = 0 when none does. */
int wl_plan_smallest_mesh(const wls_model *m, uint32_t dmem_bytes, int *rows, int *cols);

/* Human-readable plan (or JSON) on `f`. */
void wl_plan_print(FILE *f, const wl_plan *plan, const wls_model *m, int json);

/* One-line error for a model that does not fit, naming the smallest mesh that would. */
int wl_plan_fail(const wl_plan *plan, const wls_model *m, wl_error *err);

/* Fills `image` (plan->pe[p].end - plan->lo bytes, caller-owned, zeroed here) with
 * what PE p holds at load time: its block, matrix table, RoPE rows and weights. */
void wl_plan_image(const wl_plan *plan, const wls_model *m, int p, uint8_t *image);

#endif
