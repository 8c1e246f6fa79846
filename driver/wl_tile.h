#ifndef WL_TILE_H
#define WL_TILE_H
/* Tile operations over a host link (docs/PROTOCOL.md): memory writes to one PE, a
 * rectangle or the whole mesh (pipelined), reads, start/stop, reset, router
 * configuration and counters. */

#include <stddef.h>
#include <stdint.h>

#include "wl_link.h"

typedef struct {
    int version, rows, cols, imem_bytes, dmem_bytes, lanes, max_payload, window;
} wl_tile_info;

typedef struct {
    uint64_t cycles;
    uint32_t frames_ok, crc_errors, bad_headers, out_of_order, duplicates, naks_sent;
    uint32_t req_flits, rsp_flits;
} wl_tile_counters;

typedef struct {
    int x0, y0, x1, y1; /* inclusive */
} wl_rect;

#define WL_PE_IMEM_BASE 0x00000u
#define WL_PE_DMEM_BASE 0x10000u
#define WL_PE_MMIO_BASE 0x1000000u
#define WL_PE_CTRL WL_PE_MMIO_BASE

int wl_tile_get_info(wl_link *l, wl_tile_info *info, wl_error *err);
/* Queues writes of n words at byte address addr in every PE of r; returns once they
 * are queued (wl_link_wait or any read waits for them). */
int wl_tile_write(wl_link *l, wl_rect r, uint32_t addr, const uint32_t *words, size_t n,
                  wl_error *err);
/* Router configuration writes (fabric op CFG). */
int wl_tile_config(wl_link *l, wl_rect r, uint32_t addr, const uint32_t *words, size_t n,
                   wl_error *err);
/* Reads n words from PE (x, y); waits for everything queued before. */
int wl_tile_read(wl_link *l, int x, int y, uint32_t addr, uint32_t *words, size_t n,
                 wl_error *err);
int wl_tile_start(wl_link *l, wl_rect r, wl_error *err);
int wl_tile_stop(wl_link *l, wl_rect r, wl_error *err);
int wl_tile_reset(wl_link *l, wl_error *err);
int wl_tile_get_counters(wl_link *l, wl_tile_counters *c, wl_error *err);

#endif
