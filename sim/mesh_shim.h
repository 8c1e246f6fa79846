/* C interface to the Verilated wl_mesh (one model per ROWS x COLS build).
 * Lanes: kind WL_LOCAL addresses PE n = y*cols + x, kind WL_EDGE addresses edge
 * link e (numbering in rtl/wl_mesh.sv and docs/FABRIC.md). */
#ifndef WL_MESH_SHIM_H
#define WL_MESH_SHIM_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { WL_NET_COLOR = 0, WL_NET_REQ = 1, WL_NET_RSP = 2, WL_NETS = 3 };
enum { WL_LOCAL = 0, WL_EDGE = 1 };

typedef struct wl_mesh_sim wl_mesh_sim;

wl_mesh_sim *wl_mesh_sim_new(void);
void wl_mesh_sim_free(wl_mesh_sim *m);
int wl_mesh_sim_rows(void);
int wl_mesh_sim_cols(void);
/* Holds reset for `cycles` clocks with every input idle, then releases it. */
void wl_mesh_sim_reset(wl_mesh_sim *m, int cycles);
/* One rising clock edge with the inputs as driven; outputs then show the new state. */
void wl_mesh_sim_step(wl_mesh_sim *m);

/* Router outputs depend only on registers, so these may be read before driving. */
int wl_mesh_sim_in_ready(const wl_mesh_sim *m, int net, int kind, int lane);
int wl_mesh_sim_out_valid(const wl_mesh_sim *m, int net, int kind, int lane,
                          uint32_t *data, uint32_t *side);
/* side: color (color network) or last (request/response networks). */
void wl_mesh_sim_drive(wl_mesh_sim *m, int net, int kind, int lane, int valid,
                       uint32_t data, uint32_t side);
void wl_mesh_sim_out_ready(wl_mesh_sim *m, int net, int kind, int lane, int ready);

#ifdef __cplusplus
}
#endif
#endif
