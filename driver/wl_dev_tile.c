/* Devices `sim[:RxC]` (and later `usb[:SERIAL]`): a Waferlet tile behind a host link.
 * The device seam's info comes from the tile's INFO reply. Decoding on the tile needs
 * the decode firmware, which is not written yet: load_model says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_device_impl.h"
#include "wl_frame.h"
#include "wl_tile.h"

typedef struct {
    wl_link *link;
    wl_tile_info info;
} tile_dev;

static int tile_open(const wl_transport_ops *t, const char *args, void **state, wl_error *err)
{
    tile_dev *d = calloc(1, sizeof *d);
    if (!d)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    int rc = wl_link_open(t, args, &d->link, err);
    if (rc == WL_OK)
        rc = wl_tile_get_info(d->link, &d->info, err);
    if (rc) {
        wl_link_close(d->link);
        free(d);
        return rc;
    }
    *state = d;
    return WL_OK;
}

static int sim_dev_open(const char *args, void **state, wl_error *err)
{
    return tile_open(&wl_sim_transport_ops, args, state, err);
}

static void tile_close(void *state)
{
    tile_dev *d = state;
    wl_link_close(d->link);
    free(d);
}

static void tile_info(void *state, wl_device_info *info)
{
    tile_dev *d = state;
    snprintf(info->kind, sizeof info->kind, "tile");
    info->integer_logits = 1;
    info->rows = d->info.rows;
    info->cols = d->info.cols;
    info->sram_bytes_per_pe = d->info.dmem_bytes;
    info->lanes = d->info.lanes;
    info->protocol_version = d->info.version;
    snprintf(info->firmware_version, sizeof info->firmware_version, "none loaded");
}

static int tile_load(void *state, const wl_model *m, wl_error *err)
{
    (void)state;
    (void)m;
    return wl_fail(err, WL_ERR_UNSUPPORTED,
                   "decoding on the tile is not implemented yet (its firmware and weight "
                   "placement come next); use -d ref for the same integer results");
}

static int tile_forward(void *state, int token, int pos, float *logits, wl_error *err)
{
    (void)state; (void)token; (void)pos; (void)logits;
    return wl_fail(err, WL_ERR_UNSUPPORTED, "decoding on the tile is not implemented yet");
}

static wl_link *tile_link(void *state) { return ((tile_dev *)state)->link; }

const wl_device_ops wl_sim_device_ops = {
    "sim", sim_dev_open, tile_close, tile_info, tile_load, tile_forward, NULL, tile_link,
};
