#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
/* Checkpoint loading: the three llama2.c versions load to the same weights, and every
 * kind of bad file gives one clear error (never a crash or a huge allocation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_model.h"

/* A tiny model: dim 8, hidden 12, 2 layers, 2 heads, 1 kv head, vocab 16, seq 4. */
static const wl_config tiny = {8, 12, 2, 2, 1, 16, 4, 1, 0, 0};

typedef struct {
    uint8_t *b;
    size_t n, cap;
} buf;

static void put(buf *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) {
        o->cap = (o->n + n) * 2;
        o->b = realloc(o->b, o->cap);
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}


static float val(int tensor, size_t i) { return (float)((int)((tensor * 131 + i * 7) % 255) - 127) / 64.0f; }

static void put_tensor(buf *o, int tensor, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = val(tensor, i);
        put(o, &v, 4);
    }
}

enum { EMB, RMS_ATT, WQ, WK, WV, WO, RMS_FFN, W1, W2, W3, RMS_F, CLS };

static size_t elems(const wl_config *c, int t)
{
    size_t d = (size_t)c->dim, h = (size_t)c->hidden_dim, L = (size_t)c->n_layers;
    size_t kv = (size_t)wl_kv_dim(c), V = (size_t)c->vocab_size;
    switch (t) {
    case EMB: case CLS: return V * d;
    case RMS_ATT: case RMS_FFN: return L * d;
    case WQ: case WO: return L * d * d;
    case WK: case WV: return L * kv * d;
    case RMS_F: return d;
    default: return L * h * d;
    }
}

static buf make_v0(const wl_config *c)
{
    buf o = {0};
    int32_t h[7] = {c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                    c->shared_classifier ? c->vocab_size : -c->vocab_size, c->seq_len};
    put(&o, h, sizeof h);
    for (int t = EMB; t <= RMS_F; t++)
        put_tensor(&o, t, elems(c, t));
    put_tensor(&o, 99, (size_t)c->seq_len * (size_t)wl_head_size(c)); /* freq_cis */
    if (!c->shared_classifier)
        put_tensor(&o, CLS, elems(c, CLS));
    return o;
}

static void v1_header(buf *o, const wl_config *c, int version, int gs)
{
    uint8_t hdr[256] = {0};
    int32_t f[9] = {0x616b3432, version, c->dim, c->hidden_dim, c->n_layers, c->n_heads,
                    c->n_kv_heads, c->vocab_size, c->seq_len};
    memcpy(hdr, f, sizeof f);
    hdr[36] = (uint8_t)c->shared_classifier;
    if (version == 2)
        memcpy(hdr + 37, &gs, 4);
    put(o, hdr, sizeof hdr);
}

static buf make_v1(const wl_config *c)
{
    buf o = {0};
    v1_header(&o, c, 1, 0);
    const int order[] = {RMS_ATT, RMS_FFN, RMS_F, EMB, WQ, WK, WV, WO, W1, W2, W3, CLS};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (order[i] != CLS || !c->shared_classifier)
            put_tensor(&o, order[i], elems(c, order[i]));
    return o;
}

/* v2 stores q = round(w / s) with s = max|group| / 127; we check dequantized values. */
static buf make_v2(const wl_config *c, int gs)
{
    buf o = {0};
    v1_header(&o, c, 2, gs);
    put_tensor(&o, RMS_ATT, elems(c, RMS_ATT));
    put_tensor(&o, RMS_FFN, elems(c, RMS_FFN));
    put_tensor(&o, RMS_F, elems(c, RMS_F));
    const int order[] = {EMB, WQ, WK, WV, WO, W1, W2, W3, CLS};
    buf scales = {0};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int t = order[k];
        if (t == CLS && c->shared_classifier)
            continue;
        size_t n = elems(c, t);
        for (size_t g = 0; g < n; g += (size_t)gs) {
            float m = 0;
            for (size_t i = g; i < g + (size_t)gs; i++)
                if (val(t, i) > m || -val(t, i) > m)
                    m = val(t, i) > 0 ? val(t, i) : -val(t, i);
            float s = m / 127.0f;
            put(&scales, &s, 4);
            for (size_t i = g; i < g + (size_t)gs; i++) {
                int8_t q = (int8_t)(s > 0 ? (int)(val(t, i) / s + (val(t, i) > 0 ? 0.5f : -0.5f)) : 0);
                put(&o, &q, 1);
            }
        }
    }
    put(&o, scales.b, scales.n);
    free(scales.b);
    return o;
}

static void check_weights(const wl_model *m, float tol)
{
    const wl_config *c = &m->cfg;
    struct { int t; const float *p; } ts[] = {
        {EMB, m->token_embedding}, {RMS_ATT, m->rms_att}, {WQ, m->wq}, {WK, m->wk},
        {WV, m->wv}, {WO, m->wo}, {RMS_FFN, m->rms_ffn}, {W1, m->w1}, {W2, m->w2},
        {W3, m->w3}, {RMS_F, m->rms_final}};
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++)
        for (size_t i = 0; i < elems(c, ts[k].t); i++)
            assert_float_equal(ts[k].p[i], val(ts[k].t, i), tol);
    if (c->shared_classifier)
        assert_ptr_equal(m->wcls, m->token_embedding);
    else
        for (size_t i = 0; i < elems(c, CLS); i++)
            assert_float_equal(m->wcls[i], val(CLS, i), tol);
}

static void test_v0_shared_and_unshared(void **st)
{
    (void)st;
    for (int shared = 0; shared <= 1; shared++) {
        wl_config c = tiny;
        c.shared_classifier = shared;
        buf b = make_v0(&c);
        wl_model m;
        wl_error e;
        assert_int_equal(wl_model_load_bytes(b.b, b.n, "v0", &m, &e), WL_OK);
        assert_int_equal(m.cfg.version, 0);
        assert_int_equal(m.cfg.vocab_size, 16);
        assert_int_equal(m.cfg.shared_classifier, shared);
        check_weights(&m, 0.0f);
        wl_model_free(&m);
        free(b.b);
    }
}

static void test_v1(void **st)
{
    (void)st;
    for (int shared = 0; shared <= 1; shared++) {
        wl_config c = tiny;
        c.shared_classifier = shared;
        buf b = make_v1(&c);
        wl_model m;
        wl_error e;
        assert_int_equal(wl_model_load_bytes(b.b, b.n, "v1", &m, &e), WL_OK);
        assert_int_equal(m.cfg.version, 1);
        check_weights(&m, 0.0f);
        wl_model_free(&m);
        free(b.b);
    }
}

static void test_v2(void **st)
{
    (void)st;
    for (int shared = 0; shared <= 1; shared++) {
        wl_config c = tiny;
        c.shared_classifier = shared;
        buf b = make_v2(&c, 8);
        wl_model m;
        wl_error e;
        assert_int_equal(wl_model_load_bytes(b.b, b.n, "v2", &m, &e), WL_OK);
        assert_int_equal(m.cfg.version, 2);
        assert_int_equal(m.cfg.group_size, 8);
        check_weights(&m, 1.0f / 128.0f + 1e-6f); /* half a step: max 127/64 over 127 */
        wl_model_free(&m);
        free(b.b);
    }
}

/* Loads bytes and expects failure with `needle` in the message. */
static void expect_bad(const uint8_t *b, size_t n, const char *needle)
{
    wl_model m;
    wl_error e = {{0}};
    int rc = wl_model_load_bytes(b, n, "bad.bin", &m, &e);
    assert_int_not_equal(rc, WL_OK);
    if (!strstr(e.msg, needle))
        print_message("# message was: %s\n", e.msg);
    assert_non_null(strstr(e.msg, needle));
    assert_null(strchr(e.msg, '\n'));
    assert_null(m.storage);
}

static void test_truncated_and_padded(void **st)
{
    (void)st;
    buf b0 = make_v0(&tiny), b1 = make_v1(&tiny), b2 = make_v2(&tiny, 8);
    buf all[3] = {b0, b1, b2};
    for (int k = 0; k < 3; k++) {
        expect_bad(all[k].b, all[k].n - 1, "promises");
        expect_bad(all[k].b, all[k].n / 2, "promises");
        uint8_t *pad = calloc(1, all[k].n + 4);
        memcpy(pad, all[k].b, all[k].n);
        expect_bad(pad, all[k].n + 4, "promises");
        free(pad);
    }
    expect_bad(b0.b, 10, "too short");
    expect_bad(b1.b, 100, "256-byte header");
    expect_bad(b0.b, 0, "too short");
    free(b0.b);
    free(b1.b);
    free(b2.b);
}

static void test_bad_fields(void **st)
{
    (void)st;
    struct { int field; int32_t value; const char *needle; } cases[] = {
        {0, 0, "dim = 0"},          {0, -8, "dim = -8"},        {0, 1 << 30, "dim"},
        {1, 0, "hidden_dim"},       {2, 0, "n_layers"},         {2, 100000, "n_layers"},
        {3, 3, "multiple of n_heads"}, {4, 3, "n_kv_heads"},   {4, 0, "n_kv_heads"},
        {6, 0, "seq_len"},          {6, 1 << 30, "seq_len"},    {5, INT32_MIN, "vocab_size"},
        {3, 8, "odd"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        buf b = make_v0(&tiny);
        memcpy(b.b + 4 * cases[k].field, &cases[k].value, 4);
        expect_bad(b.b, b.n, cases[k].needle);
        buf c = make_v1(&tiny);
        memcpy(c.b + 8 + 4 * cases[k].field, &cases[k].value, 4);
        expect_bad(c.b, c.n, cases[k].needle);
        free(b.b);
        free(c.b);
    }
}

static void test_bad_versions_flags_and_values(void **st)
{
    (void)st;
    buf b = make_v1(&tiny);
    int32_t v = 3;
    memcpy(b.b + 4, &v, 4);
    expect_bad(b.b, b.n, "unsupported ak42 version 3");
    v = 1;
    memcpy(b.b + 4, &v, 4);
    b.b[36] = 7;
    expect_bad(b.b, b.n, "shared_classifier");
    b.b[36] = 1;
    float nan = 0.0f / 0.0f;
    memcpy(b.b + 256 + 4 * 3, &nan, 4);
    expect_bad(b.b, b.n, "not a finite number");
    free(b.b);
    buf c = make_v2(&tiny, 8);
    int32_t gs = 0;
    memcpy(c.b + 37, &gs, 4);
    expect_bad(c.b, c.n, "group size");
    gs = 7;
    memcpy(c.b + 37, &gs, 4);
    expect_bad(c.b, c.n, "does not divide");
    free(c.b);
}

/* An absurd but self-consistent header must be refused before any allocation. */
static void test_huge_header_from_file(void **st)
{
    (void)st;
    char path[] = "/tmp/wl_model_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    int32_t h[7] = {65536, 65536 * 4, 1024, 64, 64, 1 << 20, 1 << 20};
    fwrite(h, sizeof h, 1, f);
    fclose(f);
    wl_model m;
    wl_error e;
    assert_int_not_equal(wl_model_load(path, &m, &e), WL_OK);
    assert_non_null(strstr(e.msg, "promises"));
    remove(path);
    assert_int_equal(wl_model_load("/nonexistent/model.bin", &m, &e), WL_ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/model.bin"));
}

static void test_file_roundtrip(void **st)
{
    (void)st;
    char path[] = "/tmp/wl_model_test_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    buf b = make_v1(&tiny);
    fwrite(b.b, 1, b.n, f);
    fclose(f);
    wl_model m;
    wl_error e;
    assert_int_equal(wl_model_load(path, &m, &e), WL_OK);
    check_weights(&m, 0.0f);
    assert_int_equal(wl_model_param_count(&m.cfg), (b.n - 256) / 4);
    wl_model_free(&m);
    remove(path);
    free(b.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v0_shared_and_unshared),
        cmocka_unit_test(test_v1),
        cmocka_unit_test(test_v2),
        cmocka_unit_test(test_truncated_and_padded),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_bad_versions_flags_and_values),
        cmocka_unit_test(test_huge_header_from_file),
        cmocka_unit_test(test_file_roundtrip),
    };
    return cmocka_run_group_tests_name("model loader", tests, NULL, NULL);
}
