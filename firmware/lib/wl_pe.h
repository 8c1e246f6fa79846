/* Waferlet PE firmware library: memory map, counters, fabric queues, mailbox
 * and tensor-unit descriptors. Header-only, freestanding (stdint only).
 * The register map is documented in docs/PE.md. */
#ifndef WL_PE_H
#define WL_PE_H
#include <stdint.h>

#define WL_IMEM_BASE 0x00000000u
#define WL_DMEM_BASE 0x00010000u
#define WL_MMIO_BASE 0x01000000u

#define WL_REG(off) (*(volatile uint32_t *)(uintptr_t)(WL_MMIO_BASE + (off)))

/* MMIO offsets */
#define WL_CTRL        0x000u  /* bit0 run: clearing it stops the core */
#define WL_COORD       0x004u  /* x | y << 8 */
#define WL_MBOX_OUT    0x008u  /* core -> host */
#define WL_MBOX_IN     0x00Cu  /* host -> core (a host write wakes WFI) */
#define WL_CYCLE_LO    0x010u
#define WL_CYCLE_HI    0x014u
#define WL_CNT_RUN     0x018u
#define WL_CNT_TU_BUSY 0x01Cu
#define WL_CNT_TU_BEAT 0x020u
#define WL_CNT_TU_MACS 0x024u
#define WL_CNT_CLEAR   0x028u
#define WL_DMEM_BYTES  0x02Cu  /* read-only: this PE's dmem size in bytes */
#define WL_FAB_STATUS  0x030u
#define WL_RX_DATA     0x034u  /* read pops; blocks while empty */
#define WL_REQ_TX      0x03Cu  /* request-network flit, not last */
#define WL_REQ_TX_LAST 0x040u  /* request-network flit, last */
#define WL_RSP_RX      0x044u  /* response-network flit; read pops, blocks */
#define WL_TU          0x080u
#define WL_TX(color)   (0x100u + 4u * (color))  /* write sends; blocks while full */
#define WL_LINK(net, port) (0x180u + 4u * (5u * (net) + (port))) /* router flits out */

/* FAB_STATUS bits */
#define WL_FS_RX_VALID   (1u << 0)
#define WL_FS_RX_COLOR(s) (((s) >> 8) & 31u)
#define WL_FS_TX_FULL    (1u << 16)
#define WL_FS_REQ_FULL   (1u << 17)
#define WL_FS_RSP_VALID  (1u << 18)
#define WL_FS_RSP_LAST   (1u << 19)
#define WL_FS_TU_BUSY    (1u << 20)
#define WL_FS_TU_DONE    (1u << 21)

/* ---------------------------------------------------------------- counters */
static inline uint32_t wl_cycles(void) {
  uint32_t v; __asm__ volatile("csrr %0, cycle" : "=r"(v)); return v;
}
static inline uint32_t wl_instret(void) {
  uint32_t v; __asm__ volatile("csrr %0, instret" : "=r"(v)); return v;
}
static inline uint64_t wl_cycles64(void) {
  uint32_t hi, lo, hi2;
  do {
    __asm__ volatile("csrr %0, cycleh" : "=r"(hi));
    __asm__ volatile("csrr %0, cycle" : "=r"(lo));
    __asm__ volatile("csrr %0, cycleh" : "=r"(hi2));
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}
static inline unsigned wl_x(void) {
  uint32_t v; __asm__ volatile("csrr %0, 0xFC0" : "=r"(v)); return v & 63u;
}
static inline unsigned wl_y(void) {
  uint32_t v; __asm__ volatile("csrr %0, 0xFC0" : "=r"(v)); return (v >> 16) & 63u;
}
static inline void wl_wfi(void) { __asm__ volatile("wfi"); }

/* dmem size of the PE this runs on (the build's DmemBytes); crt0 puts the stack
 * at its top, WL_DMEM_BASE + wl_dmem_bytes(). */
static inline uint32_t wl_dmem_bytes(void) { return WL_REG(WL_DMEM_BYTES); }

/* ---------------------------------------------------------------- mailbox */
static inline void wl_mbox_put(uint32_t v) { WL_REG(WL_MBOX_OUT) = v; }
static inline uint32_t wl_mbox_get(void) { return WL_REG(WL_MBOX_IN); }

/* ---------------------------------------------------------------- fabric */
static inline void wl_send(unsigned color, uint32_t w) { WL_REG(WL_TX(color & 31u)) = w; }
static inline int wl_rx_ready(void) { return (WL_REG(WL_FAB_STATUS) & WL_FS_RX_VALID) != 0; }
static inline unsigned wl_rx_color(void) { return WL_FS_RX_COLOR(WL_REG(WL_FAB_STATUS)); }
static inline uint32_t wl_recv(void) { return WL_REG(WL_RX_DATA); }

/* An addressed packet on the request network (header layout in ARCHITECTURE.md). */
static inline uint32_t wl_pkt_header(unsigned dx, unsigned dy, unsigned op, unsigned tag) {
  return (dx & 63u) | (dy & 63u) << 6 | wl_x() << 12 | wl_y() << 18 | (op & 15u) << 24 |
         (tag & 15u) << 28;
}
static inline void wl_req_send(const uint32_t *flits, unsigned n) {
  for (unsigned i = 0; i + 1 < n; i++) WL_REG(WL_REQ_TX) = flits[i];
  if (n) WL_REG(WL_REQ_TX_LAST) = flits[n - 1];
}

/* ---------------------------------------------------------------- tensor unit */
enum { WL_TU_DOT = 0, WL_TU_ADD = 1, WL_TU_MULSH = 2, WL_TU_MAX = 3, WL_TU_MOVE = 4,
       WL_TU_GDOT = 5 };
enum { WL_TU_DST_SRAM = 0, WL_TU_DST_ACC = 1, WL_TU_DST_COLOR = 2 };

#define WL_TU_CFG(op, asrc_color, dst, bscalar, accum, csrc, cdst)                     \
  ((uint32_t)(op) | (uint32_t)(asrc_color) << 4 | (uint32_t)(dst) << 5 |              \
   (uint32_t)(bscalar) << 7 | (uint32_t)(accum) << 8 | (uint32_t)(csrc) << 16 |       \
   (uint32_t)(cdst) << 24)

/* Register offsets inside the tensor-unit block */
#define WL_TU_R_CFG    0x00u
#define WL_TU_R_CMD    0x04u  /* write 1: start; read: bit0 busy, bit1 done */
#define WL_TU_R_A      0x08u
#define WL_TU_R_AS     0x0Cu
#define WL_TU_R_B      0x10u
#define WL_TU_R_BS     0x14u
#define WL_TU_R_D      0x18u
#define WL_TU_R_DS     0x1Cu
#define WL_TU_R_LEN    0x20u
#define WL_TU_R_ROWS   0x24u
#define WL_TU_R_SHIFT  0x28u
#define WL_TU_R_SCALAR 0x2Cu
#define WL_TU_R_ACC    0x30u

typedef struct {
  uint32_t cfg;
  uint32_t a, as, b, bs, d, ds;  /* dmem offsets (wl_off) and row strides, in bytes */
  uint32_t len, rows, shift, scalar;
} wl_tu_desc;

#define WL_TU_REG(r) WL_REG(WL_TU + (r))

static inline int wl_tu_busy(void) { return (WL_TU_REG(WL_TU_R_CMD) & 1u) != 0; }

/* Program and start a descriptor; waits for a previous one to finish first. */
static inline void wl_tu_start(const wl_tu_desc *d) {
  while (wl_tu_busy()) { }
  WL_TU_REG(WL_TU_R_CFG) = d->cfg;
  WL_TU_REG(WL_TU_R_A) = d->a;
  WL_TU_REG(WL_TU_R_AS) = d->as;
  WL_TU_REG(WL_TU_R_B) = d->b;
  WL_TU_REG(WL_TU_R_BS) = d->bs;
  WL_TU_REG(WL_TU_R_D) = d->d;
  WL_TU_REG(WL_TU_R_DS) = d->ds;
  WL_TU_REG(WL_TU_R_LEN) = d->len;
  WL_TU_REG(WL_TU_R_ROWS) = d->rows;
  WL_TU_REG(WL_TU_R_SHIFT) = d->shift;
  WL_TU_REG(WL_TU_R_SCALAR) = d->scalar;
  WL_TU_REG(WL_TU_R_CMD) = 1u;
}

/* Sleep until the unit finishes (its completion wakes WFI; other wake events
 * just loop). */
static inline void wl_tu_wait(void) {
  while (wl_tu_busy()) wl_wfi();
}
static inline int32_t wl_tu_acc(void) { return (int32_t)WL_TU_REG(WL_TU_R_ACC); }
static inline void wl_tu_set_acc(int32_t v) { WL_TU_REG(WL_TU_R_ACC) = (uint32_t)v; }

static inline uint32_t wl_addr(const volatile void *p) { return (uint32_t)(uintptr_t)p; }
/* The tensor unit's A/B/D registers take dmem offsets: address - WL_DMEM_BASE.
 * (On PEs with at most 64 KiB dmem only bits 15:0 are kept, so a plain dmem
 * address works there too; bigger PEs need the offset.) */
static inline uint32_t wl_off(const volatile void *p) { return wl_addr(p) - WL_DMEM_BASE; }

/* int8 dot product of two Lanes-aligned vectors in dmem, into the accumulator. */
static inline int32_t wl_tu_dot(const int8_t *a, const int8_t *b, uint32_t n) {
  wl_tu_desc d = { WL_TU_CFG(WL_TU_DOT, 0, WL_TU_DST_ACC, 0, 0, 0, 0),
                   wl_off(a), 0, wl_off(b), 0, 0, 0, n, 1, 0, 0 };
  wl_tu_start(&d);
  wl_tu_wait();
  return wl_tu_acc();
}

/* y[r] = sum_i w[r*n + i] * x[i] for r < rows (int8 weights, int32 out). */
static inline void wl_tu_gemv(int32_t *y, const int8_t *w, const int8_t *x, uint32_t n,
                              uint32_t rows) {
  wl_tu_desc d = { WL_TU_CFG(WL_TU_DOT, 0, WL_TU_DST_SRAM, 0, 0, 0, 0),
                   wl_off(w), n, wl_off(x), 0, wl_off(y), 4, n, rows, 0, 0 };
  wl_tu_start(&d);
}

#endif
