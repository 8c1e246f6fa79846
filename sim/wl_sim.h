#ifndef WL_SIM_H
#define WL_SIM_H
/* C interface of a Verilated Waferlet tile (sim/tile_shim.cpp), built as one shared
 * library per mesh size: build/sim/libwlsim_<R>x<C>.so. The caller owns the clock:
 * nothing happens between calls. The library never includes driver/ or host/. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wl_sim wl_sim;

/* Mesh size and memory sizes this library was built with. */
void wl_sim_params(int *rows, int *cols, int *imem_bytes, int *dmem_bytes, int *lanes);

/* A tile held in reset for a few cycles and then released. Free with wl_sim_destroy.
 * trace_path: an FST waveform file, or NULL (only in trace builds). */
wl_sim *wl_sim_create(const char *trace_path);
void wl_sim_destroy(wl_sim *s);

/* Clocks the tile until all n_in words have been accepted on the host link and at
 * least one word has come out, or until max_cycles have passed, whichever is later
 * for the input and earlier for the output. Words the tile sends are stored in out
 * (up to cap_out; the tile's output is held back when out is full).
 * *consumed and *produced report the counts. Returns the cycles run. */
uint64_t wl_sim_run(wl_sim *s, const uint32_t *in, size_t n_in, size_t *consumed,
                    uint32_t *out, size_t cap_out, size_t *produced, uint64_t max_cycles);

/* Cycles since creation. */
uint64_t wl_sim_cycles(const wl_sim *s);

#ifdef __cplusplus
}
#endif

#endif
