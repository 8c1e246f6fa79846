/* C interface to the Verilated host bridge (wl_host_bridge). Test logic stays in C.
 * A cycle is: bridge_set_in() -> bridge_eval() -> bridge_get_out() (handshakes are
 * decided on these values) -> bridge_tick() (rising edge). */
#ifndef WL_BRIDGE_SHIM_H
#define WL_BRIDGE_SHIM_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct bridge_shim bridge_shim;

typedef struct {
  int host_in_valid; uint32_t host_in_data; int host_out_ready;
  int req_out_ready;
  int rsp_in_valid; uint32_t rsp_in_data; int rsp_in_last;
} bridge_in;

typedef struct {
  int host_in_ready; int host_out_valid; uint32_t host_out_data;
  int req_out_valid; uint32_t req_out_data; int req_out_last;
  int rsp_in_ready;
  int tile_reset;
} bridge_out;

bridge_shim *bridge_new(void);
void bridge_free(bridge_shim *b);
void bridge_reset(bridge_shim *b);      /* rst_ni low for a few cycles, inputs idle */
void bridge_set_in(bridge_shim *b, const bridge_in *in);
void bridge_eval(bridge_shim *b);
void bridge_get_out(bridge_shim *b, bridge_out *out);
void bridge_tick(bridge_shim *b);       /* one rising clock edge */
uint64_t bridge_cycle(const bridge_shim *b);

#ifdef __cplusplus
}
#endif
#endif
