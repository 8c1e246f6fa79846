#include "wl_frame.h"

#include <string.h>

uint32_t wl_crc32c(uint32_t crc, const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

uint32_t wl_crc32c_words(const uint32_t *w, size_t n)
{
    uint32_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b[4] = {(uint8_t)w[i], (uint8_t)(w[i] >> 8), (uint8_t)(w[i] >> 16),
                        (uint8_t)(w[i] >> 24)};
        crc = wl_crc32c(crc, b, 4);
    }
    return crc;
}

size_t wl_frame_encode(uint8_t op, uint8_t seq, const uint32_t *payload, size_t len,
                       uint32_t *out)
{
    out[0] = WL_FRAME_SYNC;
    out[1] = (uint32_t)op | (uint32_t)seq << 8 | (uint32_t)(len & 0xFFF) << 16;
    if (len)
        memcpy(out + 2, payload, len * sizeof *out);
    out[len + 2] = wl_crc32c_words(out + 1, len + 1);
    return len + 3;
}

void wl_frame_decoder_init(wl_frame_decoder *d) { memset(d, 0, sizeof *d); }

static int header_ok(uint32_t h)
{
    return (h >> 28) == 0 && ((h >> 16) & 0xFFF) <= WL_FRAME_MAX_PAYLOAD;
}

/* Drops the candidate; the words after its SYNC are examined again. */
static void reject(wl_frame_decoder *d)
{
    size_t n = d->have - 1;
    memmove(d->pending + n, d->pending, d->n_pending * sizeof *d->pending);
    memcpy(d->pending, d->buf + 1, n * sizeof *d->pending);
    d->n_pending += n;
    d->have = 0;
}

static void step(wl_frame_decoder *d, uint32_t word, wl_frame_fn on_frame, void *ctx)
{
    if (d->have == 0) {
        if (word == WL_FRAME_SYNC)
            d->buf[d->have++] = word;
        else
            d->skipped_words++;
        return;
    }
    d->buf[d->have++] = word;
    if (d->have == 2) {
        if (!header_ok(word)) {
            d->bad_headers++;
            reject(d);
        }
        return;
    }
    size_t len = (d->buf[1] >> 16) & 0xFFF;
    if (d->have < len + 3)
        return;
    if (wl_crc32c_words(d->buf + 1, len + 1) != d->buf[len + 2]) {
        d->crc_errors++;
        reject(d);
        return;
    }
    wl_frame *f = &d->frame;
    f->op = (uint8_t)d->buf[1];
    f->seq = (uint8_t)(d->buf[1] >> 8);
    f->len = (uint16_t)len;
    memcpy(f->payload, d->buf + 2, len * sizeof *d->buf);
    d->frames_ok++;
    d->have = 0;
    on_frame(ctx, f);
}

void wl_frame_decoder_push(wl_frame_decoder *d, uint32_t word, wl_frame_fn on_frame,
                           void *ctx)
{
    step(d, word, on_frame, ctx);
    /* Words given back by a rejected candidate are fewer than the candidate was, so
     * this loop ends; each pass either consumes a word or rejects a shorter one. */
    while (d->n_pending) {
        uint32_t w = d->pending[0];
        memmove(d->pending, d->pending + 1, (d->n_pending - 1) * sizeof *d->pending);
        d->n_pending--;
        step(d, w, on_frame, ctx);
    }
}
