#include "wl_tile.h"

#include "wl_frame.h"

#define CHUNK 256 /* data words per WRITE/READ frame */

static uint32_t target(wl_rect r) { return wl_target(r.x0, r.y0, r.x1, r.y1); }

int wl_tile_get_info(wl_link *l, wl_tile_info *info, wl_error *err)
{
    uint32_t r[8] = {0};
    size_t n = 0;
    int rc = wl_link_call(l, WL_OP_INFO, NULL, 0, r, 8, &n, err);
    if (rc)
        return rc;
    if (n < 8)
        return wl_fail(err, WL_ERR_DEVICE, "INFO reply has %zu words, expected 8", n);
    if (r[0] != WL_PROTOCOL_VERSION)
        return wl_fail(err, WL_ERR_DEVICE, "tile speaks protocol %u, this host %d", r[0],
                       WL_PROTOCOL_VERSION);
    *info = (wl_tile_info){(int)r[0], (int)r[1], (int)r[2], (int)r[3],
                           (int)r[4], (int)r[5], (int)r[6], (int)r[7]};
    return WL_OK;
}

static int write_op(wl_link *l, uint8_t op, wl_rect r, uint32_t addr, const uint32_t *words,
                    size_t n, wl_error *err)
{
    if (addr & 3)
        return wl_fail(err, WL_ERR_ARG, "address 0x%x is not word aligned", addr);
    uint32_t payload[CHUNK + 2];
    for (size_t done = 0; done < n; done += CHUNK) {
        size_t m = n - done < CHUNK ? n - done : CHUNK;
        payload[0] = target(r);
        payload[1] = addr + 4 * (uint32_t)done;
        for (size_t i = 0; i < m; i++)
            payload[2 + i] = words[done + i];
        int rc = wl_link_submit(l, op, payload, m + 2, NULL, 0, NULL, err);
        if (rc)
            return rc;
    }
    return WL_OK;
}

int wl_tile_write(wl_link *l, wl_rect r, uint32_t addr, const uint32_t *words, size_t n,
                  wl_error *err)
{
    return write_op(l, WL_OP_WRITE, r, addr, words, n, err);
}

int wl_tile_config(wl_link *l, wl_rect r, uint32_t addr, const uint32_t *words, size_t n,
                   wl_error *err)
{
    return write_op(l, WL_OP_CONFIG, r, addr, words, n, err);
}

int wl_tile_read(wl_link *l, int x, int y, uint32_t addr, uint32_t *words, size_t n,
                 wl_error *err)
{
    if (addr & 3)
        return wl_fail(err, WL_ERR_ARG, "address 0x%x is not word aligned", addr);
    /* Every chunk is queued before waiting, so reads are pipelined too. */
    size_t lens[64];
    for (size_t base = 0; base < n; base += CHUNK * 64) {
        size_t k = 0;
        for (size_t done = base; done < n && k < 64; done += CHUNK, k++) {
            size_t m = n - done < CHUNK ? n - done : CHUNK;
            uint32_t payload[3] = {wl_target(x, y, x, y), addr + 4 * (uint32_t)done, (uint32_t)m};
            int rc = wl_link_submit(l, WL_OP_READ, payload, 3, words + done, m, &lens[k], err);
            if (rc)
                return rc;
        }
        int rc = wl_link_wait(l, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < k; j++) {
            size_t want = n - base - j * CHUNK < CHUNK ? n - base - j * CHUNK : CHUNK;
            if (lens[j] != want)
                return wl_fail(err, WL_ERR_DEVICE, "READ of PE (%d,%d) returned %zu words, not %zu",
                               x, y, lens[j], want);
        }
    }
    return WL_OK;
}

static int ctrl_op(wl_link *l, uint8_t op, wl_rect r, wl_error *err)
{
    uint32_t t = target(r);
    return wl_link_call(l, op, &t, 1, NULL, 0, NULL, err);
}

int wl_tile_start(wl_link *l, wl_rect r, wl_error *err) { return ctrl_op(l, WL_OP_START, r, err); }
int wl_tile_stop(wl_link *l, wl_rect r, wl_error *err) { return ctrl_op(l, WL_OP_STOP, r, err); }

int wl_tile_reset(wl_link *l, wl_error *err)
{
    return wl_link_call(l, WL_OP_RESET, NULL, 0, NULL, 0, NULL, err);
}

int wl_tile_get_counters(wl_link *l, wl_tile_counters *c, wl_error *err)
{
    uint32_t r[11] = {0};
    size_t n = 0;
    int rc = wl_link_call(l, WL_OP_COUNTERS, NULL, 0, r, 11, &n, err);
    if (rc)
        return rc;
    if (n < 11)
        return wl_fail(err, WL_ERR_DEVICE, "COUNTERS reply has %zu words, expected 11", n);
    c->cycles = (uint64_t)r[1] << 32 | r[0];
    c->frames_ok = r[2];
    c->crc_errors = r[3];
    c->bad_headers = r[4];
    c->out_of_order = r[5];
    c->duplicates = r[6];
    c->naks_sent = r[7];
    c->req_flits = r[8];
    c->rsp_flits = r[9];
    c->read_timeouts = r[10];
    return WL_OK;
}

int wl_tile_pe_counters(wl_link *l, int x, int y, wl_pe_counters *c, wl_error *err)
{
    uint32_t act[4] = {0}, link[WL_NETS * WL_PORTS] = {0};
    size_t got[2] = {0, 0};
    uint32_t p0[3] = {wl_target(x, y, x, y), WL_PE_CNT_RUN, 4};
    uint32_t p1[3] = {wl_target(x, y, x, y), WL_PE_CNT_LINK, WL_NETS * WL_PORTS};
    int rc = wl_link_submit(l, WL_OP_READ, p0, 3, act, 4, &got[0], err);
    if (!rc)
        rc = wl_link_submit(l, WL_OP_READ, p1, 3, link, WL_NETS * WL_PORTS, &got[1], err);
    if (!rc)
        rc = wl_link_wait(l, err);
    if (rc)
        return rc;
    if (got[0] != 4 || got[1] != WL_NETS * WL_PORTS)
        return wl_fail(err, WL_ERR_DEVICE, "counter READ of PE (%d,%d) returned %zu+%zu words",
                       x, y, got[0], got[1]);
    c->run = act[0];
    c->tu_busy = act[1];
    c->tu_beats = act[2];
    c->tu_macs = act[3];
    for (int net = 0; net < WL_NETS; net++)
        for (int p = 0; p < WL_PORTS; p++)
            c->link[net][p] = link[net * WL_PORTS + p];
    return WL_OK;
}

int wl_tile_all_pe_counters(wl_link *l, int rows, int cols, wl_pe_counters *c, wl_error *err)
{
    for (int p = 0; p < rows * cols; p++) {
        int rc = wl_tile_pe_counters(l, p % cols, p / cols, &c[p], err);
        if (rc)
            return rc;
    }
    return WL_OK;
}
