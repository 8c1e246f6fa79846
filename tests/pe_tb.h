/* C testbench harness around the Verilated PE: plays the router's side of
 * all three networks, with optional random valid/ready gaps (backpressure). */
#ifndef WL_PE_TB_H
#define WL_PE_TB_H
#include <stddef.h>
#include <stdint.h>
#include "pe_shim.h"

/* PE address space and MMIO offsets (docs/PE.md) */
#define PE_IMEM_BASE   0x00000000u
#define PE_DMEM_BASE   0x00010000u
#define PE_MMIO_BASE   0x01000000u
#define PE_CTRL        (PE_MMIO_BASE + 0x000u)
#define PE_COORD       (PE_MMIO_BASE + 0x004u)
#define PE_MBOX_OUT    (PE_MMIO_BASE + 0x008u)
#define PE_MBOX_IN     (PE_MMIO_BASE + 0x00Cu)
#define PE_CYCLE_LO    (PE_MMIO_BASE + 0x010u)
#define PE_CNT_RUN     (PE_MMIO_BASE + 0x018u)
#define PE_CNT_TU_BUSY (PE_MMIO_BASE + 0x01Cu)
#define PE_CNT_TU_BEAT (PE_MMIO_BASE + 0x020u)
#define PE_CNT_TU_MACS (PE_MMIO_BASE + 0x024u)
#define PE_CNT_CLEAR   (PE_MMIO_BASE + 0x028u)
#define PE_FAB_STATUS  (PE_MMIO_BASE + 0x030u)
#define PE_TU_BASE     (PE_MMIO_BASE + 0x080u)

#define PKT_WRITE 0u
#define PKT_READ  1u
#define PKT_RDATA 2u
#define HOST_X 63u
#define HOST_Y 0u

typedef struct { uint32_t data; unsigned color; } tb_word;

typedef struct {
  pe_shim *pe;
  unsigned x, y;
  uint32_t rng;
  /* request flits waiting to go in */
  uint32_t *rq; uint8_t *rq_last; size_t rq_n, rq_head, rq_cap;
  /* color words waiting to go in, and words that came out */
  tb_word *ci; size_t ci_n, ci_head, ci_cap;
  tb_word *co; size_t co_n, co_cap;
  /* response flits that came out */
  uint32_t *rs; uint8_t *rs_last; size_t rs_n, rs_cap;
  /* request flits the PE sent (core-built packets) */
  uint32_t *ro; uint8_t *ro_last; size_t ro_n, ro_cap;
  /* percent of cycles a source offers / a sink accepts */
  unsigned req_pct, ci_pct, co_pct, rsp_pct;
  int req_offer, ci_offer;   /* valid held until accepted */
  uint64_t co_stalls;        /* cycles col_out was valid but not ready */
  uint64_t ci_stalls;        /* cycles col_in was valid but not ready */
} pe_tb;

pe_tb *tb_new(unsigned x, unsigned y, uint32_t seed);
void tb_free(pe_tb *t);
uint32_t tb_rand(pe_tb *t);
void tb_cycle(pe_tb *t);
void tb_run(pe_tb *t, uint64_t n);
uint64_t tb_now(const pe_tb *t);

uint32_t tb_header(const pe_tb *t, unsigned op, unsigned tag);
void tb_send_flits(pe_tb *t, const uint32_t *f, const uint8_t *last, size_t n);
/* all return 0 on success, a negative code otherwise */
int tb_write(pe_tb *t, uint32_t addr, const uint32_t *w, size_t n);
int tb_read(pe_tb *t, uint32_t addr, uint32_t *w, size_t n);
int tb_wr32(pe_tb *t, uint32_t addr, uint32_t v);
uint32_t tb_rd32(pe_tb *t, uint32_t addr);
int tb_write_bytes(pe_tb *t, uint32_t addr, const uint8_t *b, size_t n);
int tb_read_bytes(pe_tb *t, uint32_t addr, uint8_t *b, size_t n);
int tb_load_file(pe_tb *t, const char *path, uint32_t addr);
void tb_color_push(pe_tb *t, unsigned color, uint32_t data);
/* release the core, wait until firmware clears CTRL.run (exit); returns MBOX_OUT,
 * or sets *timed_out */
uint32_t tb_run_program(pe_tb *t, uint64_t max_cycles, int *timed_out);

#endif
