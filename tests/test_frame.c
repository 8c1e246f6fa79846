/* Host-link frames: CRC-32C check value, encode/decode round trip, and resync after
 * garbage, truncation, bit flips and bad headers (docs/PROTOCOL.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "wl_frame.h"

typedef struct {
    wl_frame got[64];
    int n;
} sink;

static void collect(void *ctx, const wl_frame *f)
{
    sink *s = ctx;
    if (s->n < 64)
        s->got[s->n++] = *f;
}

static void feed(wl_frame_decoder *d, const uint32_t *w, size_t n, sink *s)
{
    for (size_t i = 0; i < n; i++)
        wl_frame_decoder_push(d, w[i], collect, s);
}

static void test_crc(void **st)
{
    (void)st;
    assert_int_equal(wl_crc32c(0, "123456789", 9), 0xE3069283u);
    uint32_t w = 0x34333231; /* "1234" little-endian */
    assert_int_equal(wl_crc32c_words(&w, 1), wl_crc32c(0, "1234", 4));
}

static void test_roundtrip(void **st)
{
    (void)st;
    uint32_t payload[WL_FRAME_MAX_PAYLOAD], out[WL_FRAME_MAX_WORDS];
    for (int i = 0; i < WL_FRAME_MAX_PAYLOAD; i++)
        payload[i] = 0x9E3779B9u * (uint32_t)(i + 1);
    size_t lens[] = {0, 1, 3, WL_FRAME_MAX_PAYLOAD};
    for (size_t k = 0; k < 4; k++) {
        wl_frame_decoder d;
        wl_frame_decoder_init(&d);
        sink s = {.n = 0};
        size_t n = wl_frame_encode(WL_OP_WRITE, (uint8_t)(200 + k), payload, lens[k], out);
        assert_int_equal(n, lens[k] + 3);
        feed(&d, out, n, &s);
        assert_int_equal(s.n, 1);
        assert_int_equal(s.got[0].op, WL_OP_WRITE);
        assert_int_equal(s.got[0].seq, 200 + k);
        assert_int_equal(s.got[0].len, lens[k]);
        assert_memory_equal(s.got[0].payload, payload, lens[k] * 4);
    }
}

/* Every single-bit flip anywhere in a frame is caught (CRC or header), and the frame
 * after it still decodes. */
static void test_bit_flips(void **st)
{
    (void)st;
    uint32_t payload[5] = {1, 2, 3, 4, 5}, a[8], b[8];
    size_t na = wl_frame_encode(WL_OP_READ, 1, payload, 5, a);
    size_t nb = wl_frame_encode(WL_OP_PING, 2, NULL, 0, b);
    for (size_t word = 0; word < na; word++)
        for (int bit = 0; bit < 32; bit++) {
            uint32_t bad[8];
            memcpy(bad, a, sizeof bad);
            bad[word] ^= 1u << bit;
            wl_frame_decoder d;
            wl_frame_decoder_init(&d);
            sink s = {.n = 0};
            feed(&d, bad, na, &s);
            feed(&d, b, nb, &s);
            /* a flipped length can make the decoder wait for more words than the
             * second frame supplies; a later frame then completes the recovery */
            uint32_t c[8];
            size_t nc = wl_frame_encode(WL_OP_INFO, 3, NULL, 0, c);
            for (int rep = 0; rep < 80 && (s.n == 0 || s.got[s.n - 1].seq != 3); rep++)
                feed(&d, c, nc, &s);
            assert_true(s.n >= 1);
            for (int i = 0; i < s.n; i++)
                assert_true(s.got[i].seq == 2 || s.got[i].seq == 3);
            assert_int_equal(s.got[s.n - 1].seq, 3);
        }
}

static void test_garbage_and_truncation(void **st)
{
    (void)st;
    uint32_t payload[4] = {7, 8, 9, 10}, f1[8], f2[8], stream[64];
    size_t n1 = wl_frame_encode(WL_OP_WRITE, 5, payload, 4, f1);
    size_t n2 = wl_frame_encode(WL_OP_WRITE, 6, payload, 2, f2);
    size_t n = 0;
    uint32_t junk[] = {0xDEADBEEF, WL_FRAME_SYNC, 0x0FFF0000, WL_FRAME_SYNC, 0, 12345};
    memcpy(stream + n, junk, sizeof junk);
    n += 6;
    memcpy(stream + n, f1, 4 * 4); /* truncated: SYNC, header, two payload words */
    n += 4;
    memcpy(stream + n, f2, n2 * 4);
    n += n2;
    memcpy(stream + n, f1, n1 * 4);
    n += n1;
    wl_frame_decoder d;
    wl_frame_decoder_init(&d);
    sink s = {.n = 0};
    feed(&d, stream, n, &s);
    /* The good frame hidden inside the truncated one's declared length is found. */
    assert_int_equal(s.n, 2);
    assert_int_equal(s.got[0].seq, 6);
    assert_int_equal(s.got[1].seq, 5);
    assert_true(d.crc_errors + d.bad_headers >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_garbage_and_truncation),
    };
    return cmocka_run_group_tests_name("host-link frames", tests, NULL, NULL);
}
