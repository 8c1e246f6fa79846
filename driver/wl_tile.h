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
    uint32_t read_timeouts; /* READs whose PE did not answer in time */
} wl_tile_counters;

typedef struct {
    int x0, y0, x1, y1; /* inclusive */
} wl_rect;

/* One PE's hardware counters (docs/PE.md): cycles its core ran, cycles its tensor unit
 * was busy, beats and int8 MACs it did, and the flits that left its router's output
 * ports, link[net][port]: net 0 color, 1 request, 2 response (WL_NET_*); port 0 the
 * ejection into this PE, 1 N, 2 E, 3 S, 4 W (WL_PORT_*). Every link of the mesh,
 * edge links included, is counted once, by the router it leaves. 32-bit counters that
 * wrap and are cleared by MMIO CNT_CLEAR: subtract two readings as uint32_t. */
enum { WL_NET_COLOR, WL_NET_REQUEST, WL_NET_RESPONSE, WL_NETS };
enum { WL_PORT_LOCAL, WL_PORT_N, WL_PORT_E, WL_PORT_S, WL_PORT_W, WL_PORTS };
typedef struct {
    uint32_t run, tu_busy, tu_beats, tu_macs;
    uint32_t link[WL_NETS][WL_PORTS];
} wl_pe_counters;

#define WL_PE_IMEM_BASE 0x00000u
#define WL_PE_DMEM_BASE 0x10000u
#define WL_PE_MMIO_BASE 0x1000000u
#define WL_PE_CTRL WL_PE_MMIO_BASE
#define WL_PE_CNT_RUN (WL_PE_MMIO_BASE + 0x018u)  /* run, tu_busy, tu_beats, tu_macs */
#define WL_PE_CNT_LINK (WL_PE_MMIO_BASE + 0x180u) /* 15 words: 5 * net + port */

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
/* Reads PE (x, y)'s counters (two READs, queued together); waits for everything
 * queued before. */
int wl_tile_pe_counters(wl_link *l, int x, int y, wl_pe_counters *c, wl_error *err);
/* Every PE's counters of a rows x cols tile, row by row into c[rows * cols] (caller's). */
int wl_tile_all_pe_counters(wl_link *l, int rows, int cols, wl_pe_counters *c, wl_error *err);

#endif
