/* C interface to the Verilated Waferlet PE (wl_pe). Test logic stays in C.
 * A cycle is: pe_set_in() -> pe_eval() -> pe_get_out() (handshakes are
 * decided on these values) -> pe_tick() (rising edge). */
#ifndef WL_PE_SHIM_H
#define WL_PE_SHIM_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct pe_shim pe_shim;

typedef struct {
  int col_in_valid; uint32_t col_in_data; unsigned col_in_color; int col_out_ready;
  int req_in_valid; uint32_t req_in_data; int req_in_last;   int req_out_ready;
  int rsp_in_valid; uint32_t rsp_in_data; int rsp_in_last;   int rsp_out_ready;
} pe_in;

typedef struct {
  int col_in_ready; int col_out_valid; uint32_t col_out_data; unsigned col_out_color;
  int req_in_ready; int req_out_valid; uint32_t req_out_data; int req_out_last;
  int rsp_in_ready; int rsp_out_valid; uint32_t rsp_out_data; int rsp_out_last;
} pe_out;

pe_shim *pe_new(unsigned x, unsigned y);
void pe_free(pe_shim *p);
void pe_reset(pe_shim *p);              /* rst_ni low for a few cycles, inputs idle */
void pe_set_in(pe_shim *p, const pe_in *in);
void pe_eval(pe_shim *p);
void pe_get_out(pe_shim *p, pe_out *out);
void pe_tick(pe_shim *p);               /* one rising clock edge */
uint64_t pe_cycle(const pe_shim *p);    /* edges since pe_new */

#ifdef __cplusplus
}
#endif
#endif
