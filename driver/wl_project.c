#include "wl_project.h"

#include <string.h>

#include "wl_perf.h"
#include "wl_plan.h"

int wl_project(const wls_model *m, int rows, int cols, uint32_t dmem_bytes, int positions,
               wl_projection *out, wl_error *err)
{
    if (positions < 1 || positions > m->seq_len)
        return wl_fail(err, WL_ERR_ARG, "positions must be 1..%d (the model's context), got %d",
                       m->seq_len, positions);
    wl_plan pl;
    int rc = wl_plan_make(m, rows, cols, dmem_bytes, &pl, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->rows = rows;
    out->cols = cols;
    out->dmem_bytes = dmem_bytes;
    out->fits = pl.fits;
    out->need_bytes = pl.need_bytes;
    out->have_bytes = pl.have_bytes;
    out->positions = positions;
    if (pl.fits) {
        wl_perf_costs c = wl_perf_default_costs();
        double cycles = 0, macs = 0;
        for (int pos = 0; pos < positions; pos++) {
            wl_perf_terms t;
            wl_perf_predict(&pl, m, &c, pos, 1, &t);
            cycles += t.total;
            out->matvec += t.matvec / positions;
            out->vector += t.vector / positions;
            out->attention += t.attention / positions;
            out->fabric += t.fabric / positions;
            macs += wl_perf_useful_macs(m, pos, 1);
        }
        out->cycles_per_token = cycles / positions;
        out->mac_utilization = macs / (cycles * pl.n_pe * WL_PROJECT_LANES);
    }
    wl_plan_free(&pl);
    return WL_OK;
}
