/* The byte-wide host link adapter (rtl/wl_host_bytes.sv): frames sent as bytes with
 * garbage of any length between them come out as the same words; SYNC bytes inside a
 * payload do not realign it; corrupt headers are bounded; words go back as bytes,
 * least significant first. Seed: WL_SEED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes_shim.h"
#include "test_util.h"
#include "wl_frame.h"
#include "wl_sampler.h"

static uint64_t rng;
static uint32_t rnd(void) { return wl_random_u32(&rng); } /* the sampler's xorshift */

typedef struct {
    uint8_t *b;
    size_t n, cap;
} bytes;

static void put_byte(bytes *o, uint8_t v)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 4096;
        o->b = realloc(o->b, o->cap);
    }
    o->b[o->n++] = v;
}

static void put_words(bytes *o, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            put_byte(o, (uint8_t)(w[i] >> (8 * k)));
}

typedef struct {
    wl_frame got[256];
    int n;
} sink;

static void collect(void *ctx, const wl_frame *f)
{
    sink *s = ctx;
    if (s->n < 256)
        s->got[s->n++] = *f;
}

/* Pushes all bytes through the adapter (random stalls on both sides) and decodes the
 * words it emits. */
static void run(const bytes *in, sink *out)
{
    bytes_sim *s = bytes_sim_new();
    wl_frame_decoder d;
    wl_frame_decoder_init(&d);
    size_t at = 0;
    for (long cyc = 0; cyc < 40L * (long)in->n + 1000; cyc++) {
        bytes_cycle c = {0};
        c.rx_valid = at < in->n && (rnd() % 4 != 0);
        c.rx_data = at < in->n ? in->b[at] : 0;
        c.word_ready = rnd() % 3 != 0;
        bytes_sim_step(s, &c);
        if (c.rx_taken)
            at++;
        if (c.word_out)
            wl_frame_decoder_push(&d, c.word, collect, out);
    }
    assert_int_equal(at, in->n);
    bytes_sim_free(s);
}

static void test_frames_through_garbage(void **st)
{
    (void)st;
    bytes in = {0};
    uint32_t payload[64], w[WL_FRAME_MAX_WORDS];
    int n_frames = 60;
    for (int f = 0; f < n_frames; f++) {
        size_t g = rnd() % 7; /* any length, so alignment is lost between frames */
        for (size_t i = 0; i < g; i++)
            put_byte(&in, (uint8_t)rnd());
        size_t len = rnd() % 64;
        for (size_t i = 0; i < len; i++)
            payload[i] = rnd();
        if (f % 5 == 0 && len > 3) /* SYNC bytes at an odd offset inside the payload */
            payload[1] = (WL_FRAME_SYNC << 8) | 0x11u, payload[2] = WL_FRAME_SYNC >> 24;
        put_words(&in, w, wl_frame_encode(WL_OP_WRITE, (uint8_t)f, payload, len, w));
    }
    sink out = {.n = 0};
    run(&in, &out);
    /* garbage can contain a false SYNC that swallows the next frame; with random
     * garbage of at most 6 bytes a 4-byte SYNC match is rare: require nearly all */
    print_message("# %d of %d frames recovered\n", out.n, n_frames);
    assert_true(out.n >= n_frames - 2);
    for (int i = 1; i < out.n; i++)
        assert_true(out.got[i].seq > out.got[i - 1].seq);
    free(in.b);
}

static void test_corrupt_header_is_bounded(void **st)
{
    (void)st;
    bytes in = {0};
    uint32_t w[WL_FRAME_MAX_WORDS];
    uint32_t bad[2] = {WL_FRAME_SYNC, 0x0FFF0001u}; /* length 4095: refused at once */
    put_words(&in, bad, 2);
    put_byte(&in, 0x33); /* and an odd byte */
    put_words(&in, w, wl_frame_encode(WL_OP_PING, 7, NULL, 0, w));
    /* a frame cut short: its announced length swallows what follows, then search again */
    size_t n = wl_frame_encode(WL_OP_WRITE, 8, (uint32_t[4]){1, 2, 3, 4}, 4, w);
    put_words(&in, w, n - 3);
    for (int i = 0; i < 300; i++)
        put_byte(&in, 0);
    put_words(&in, w, wl_frame_encode(WL_OP_PING, 9, NULL, 0, w));
    sink out = {.n = 0};
    run(&in, &out);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.got[0].seq, 7);
    assert_int_equal(out.got[1].seq, 9);
    free(in.b);
}

static void test_words_to_bytes(void **st)
{
    (void)st;
    bytes_sim *s = bytes_sim_new();
    uint32_t words[50];
    for (int i = 0; i < 50; i++)
        words[i] = rnd();
    uint8_t got[200];
    size_t wi = 0, bi = 0;
    for (int cyc = 0; cyc < 5000 && bi < 200; cyc++) {
        bytes_cycle c = {0};
        c.win_valid = wi < 50;
        c.win_data = wi < 50 ? words[wi] : 0;
        c.tx_ready = rnd() % 2;
        bytes_sim_step(s, &c);
        if (c.win_taken)
            wi++;
        if (c.tx_out)
            got[bi++] = c.tx_byte;
    }
    assert_int_equal(bi, 200);
    for (int i = 0; i < 200; i++)
        assert_int_equal(got[i], (uint8_t)(words[i / 4] >> (8 * (i % 4))));
    bytes_sim_free(s);
}

int main(void)
{
    rng = test_seed(4242);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_through_garbage),
        cmocka_unit_test(test_corrupt_header_is_bounded),
        cmocka_unit_test(test_words_to_bytes),
    };
    return cmocka_run_group_tests_name("byte-wide host link", tests, NULL, NULL);
}
