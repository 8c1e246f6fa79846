#ifndef WL_FRAME_H
#define WL_FRAME_H
/* Host-link frames (docs/PROTOCOL.md): encoding, and an incremental decoder that
 * resynchronises on SYNC after garbage, truncation or corruption. Pure functions
 * over caller-owned buffers; no I/O. */

#include <stddef.h>
#include <stdint.h>

#define WL_FRAME_SYNC 0x4B4C4657u
#define WL_FRAME_MAX_PAYLOAD 260
#define WL_FRAME_MAX_WORDS (WL_FRAME_MAX_PAYLOAD + 3)
#define WL_PROTOCOL_VERSION 1

enum {
    WL_OP_PING = 0x01, WL_OP_INFO = 0x02, WL_OP_WRITE = 0x03, WL_OP_READ = 0x04,
    WL_OP_COUNTERS = 0x05, WL_OP_RESET = 0x06, WL_OP_START = 0x07, WL_OP_STOP = 0x08,
    WL_OP_CONFIG = 0x09, WL_OP_DECODE = 0x10,
    WL_OP_ACK = 0x81, WL_OP_INFO_REPLY = 0x82, WL_OP_DATA = 0x84, WL_OP_NAK = 0x8F
};

enum { WL_ST_OK = 0, WL_ST_BAD_OP = 1, WL_ST_BAD_TARGET = 2, WL_ST_BAD_LENGTH = 3,
       WL_ST_NO_ANSWER = 4 /* READ: the PE did not answer in time */ };

/* CRC-32C (Castagnoli) of `n` words, each as 4 little-endian bytes. */
uint32_t wl_crc32c_words(const uint32_t *w, size_t n);
/* CRC-32C of bytes, continuing from `crc` (start with 0). */
uint32_t wl_crc32c(uint32_t crc, const void *bytes, size_t n);

/* A rectangle of PEs, inclusive: the `target` word. */
static inline uint32_t wl_target(int x0, int y0, int x1, int y1)
{
    return (uint32_t)(x0 & 63) | (uint32_t)(y0 & 63) << 6 | (uint32_t)(x1 & 63) << 12 |
           (uint32_t)(y1 & 63) << 18;
}

/* Writes a frame into out (room for len + 3 words); returns its length in words. */
size_t wl_frame_encode(uint8_t op, uint8_t seq, const uint32_t *payload, size_t len,
                       uint32_t *out);

typedef struct {
    uint8_t op, seq;
    uint16_t len;
    uint32_t payload[WL_FRAME_MAX_PAYLOAD];
} wl_frame;

/* Incremental decoder over a word stream. */
typedef void (*wl_frame_fn)(void *ctx, const wl_frame *f);

typedef struct {
    uint32_t buf[WL_FRAME_MAX_WORDS];     /* the candidate frame, SYNC first */
    size_t have;
    uint32_t pending[WL_FRAME_MAX_WORDS]; /* words to look at again after a bad frame */
    size_t n_pending;
    wl_frame frame;                       /* scratch for the callback */
    /* statistics */
    uint64_t frames_ok, crc_errors, bad_headers, skipped_words;
} wl_frame_decoder;

void wl_frame_decoder_init(wl_frame_decoder *d);
/* Feeds one word; calls on_frame for every good frame it completes (a word can
 * complete more than one when a bad frame hid a good one). */
void wl_frame_decoder_push(wl_frame_decoder *d, uint32_t word, wl_frame_fn on_frame,
                           void *ctx);

#endif
