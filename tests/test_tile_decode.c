#define _POSIX_C_SOURCE 200809L /* strtok_r, mkdtemp, setenv */
/* Decode on the simulated tile against the `ref` golden model: Q16 logits of
 * teacher-forced positions bit for bit, greedy decode jobs (with a prompt) token for
 * token, cycle statistics present, and a model too large for the mesh refused with
 * the bytes and the smallest mesh that fits. Meshes come from WL_TILE_DECODE_MESHES
 * (default "2x2"); models: a small generated one, and with WL_TILE_DECODE_SHIPPED=1
 * the shipped default model, and the shared 264K checkpoint with
 * WL_TILE_DECODE_SHARED=N (N greedy tokens; skipped when ../shared is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "wl_device.h"
#include "wl_model.h"
#include "wl_sampler.h"
#include "wl_tile.h"

typedef struct {
    uint8_t *b;
    size_t n, cap;
} buf;

static void put(buf *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) {
        o->cap = (o->n + n) * 2;
        o->b = realloc(o->b, o->cap);
        assert_non_null(o->b);
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put_random(buf *o, size_t n, float scale, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++) {
        float v = ((float)(wl_random_u32(rng) % 20001) / 10000.0f - 1.0f) * scale;
        put(o, &v, 4);
    }
}

/* A small llama2.c v1 checkpoint with random weights (RMS gains near 1). */
static void make_model(const wl_config *c, uint64_t seed, wl_model *m)
{
    buf o = {0};
    uint8_t hdr[256] = {0};
    int32_t f[9] = {0x616b3432, 1, c->dim, c->hidden_dim, c->n_layers, c->n_heads,
                    c->n_kv_heads, c->vocab_size, c->seq_len};
    memcpy(hdr, f, sizeof f);
    put(&o, hdr, sizeof hdr);
    size_t d = (size_t)c->dim, h = (size_t)c->hidden_dim, L = (size_t)c->n_layers;
    size_t kv = (size_t)wl_kv_dim(c), V = (size_t)c->vocab_size;
    uint64_t rng = seed;
    float one = 1.0f;
    for (size_t i = 0; i < 2 * L * d + d; i++) /* rms_att, rms_ffn, rms_final */
        put(&o, &one, 4);
    put_random(&o, V * d, 1.0f, &rng);               /* embedding */
    put_random(&o, L * d * d, 0.3f, &rng);           /* wq */
    put_random(&o, 2 * L * kv * d, 0.3f, &rng);      /* wk, wv */
    put_random(&o, L * d * d, 0.3f, &rng);           /* wo */
    put_random(&o, L * h * d, 0.3f, &rng);           /* w1 */
    put_random(&o, L * d * h, 0.3f, &rng);           /* w2 */
    put_random(&o, L * h * d, 0.3f, &rng);           /* w3 */
    put_random(&o, V * d, 0.5f, &rng);               /* classifier */
    wl_error e;
    int rc = wl_model_load_bytes(o.b, o.n, "generated", m, &e);
    if (rc)
        fail_msg("%s", e.msg);
    free(o.b);
}

static const wl_config small = {32, 48, 2, 4, 2, 96, 64, 0, 1, 0};

static int open_loaded(const char *uri, const wl_model *m, wl_device **d)
{
    wl_error e;
    int rc = wl_device_open(uri, d, &e);
    if (rc) {
        print_message("# %s: %s\n", uri, e.msg);
        return rc;
    }
    rc = wl_device_load_model(*d, m, &e);
    if (rc) {
        print_message("# %s: %s\n", uri, e.msg);
        wl_device_close(*d);
        *d = NULL;
    }
    return rc;
}

/* Teacher-forced positions: Q16 logits equal at every position. */
static void check_logits(const char *uri, const wl_model *m, const int *ids, int n)
{
    wl_device *ref, *tile;
    assert_int_equal(open_loaded("ref", m, &ref), WL_OK);
    assert_int_equal(open_loaded(uri, m, &tile), WL_OK);
    int V = m->cfg.vocab_size;
    float *lf = malloc((size_t)V * sizeof *lf);
    int32_t *a = malloc((size_t)V * sizeof *a), *b = malloc((size_t)V * sizeof *b);
    wl_error e;
    for (int pos = 0; pos < n; pos++) {
        assert_int_equal(wl_device_forward(ref, ids[pos], pos, lf, &e), WL_OK);
        assert_int_equal(wl_device_logits_q16(ref, a, &e), WL_OK);
        int rc = wl_device_forward(tile, ids[pos], pos, lf, &e);
        if (rc)
            fail_msg("%s pos %d: %s", uri, pos, e.msg);
        assert_int_equal(wl_device_logits_q16(tile, b, &e), WL_OK);
        for (int i = 0; i < V; i++)
            if (a[i] != b[i])
                fail_msg("%s pos %d logit %d: tile %d, ref %d", uri, pos, i, b[i], a[i]);
    }
    print_message("# %s: %d positions, %d logits each, bit-exact\n", uri, n, V);
    free(lf);
    free(a);
    free(b);
    wl_device_close(ref);
    wl_device_close(tile);
}

typedef struct {
    int n, pos[1024], tok[1024];
} seen_tokens;

static int record(void *ctx, int pos, int token)
{
    seen_tokens *s = ctx;
    if (s->n < 1024) {
        s->pos[s->n] = pos;
        s->tok[s->n++] = token;
    }
    return 0;
}

/* The hardware counters after a decode. Colors carry only the decode's broadcasts,
 * which go from the root east along row 0 and south down every column: every word
 * crosses P - 1 links into P - 1 PEs. So every PE but the root took in the same number
 * of color flits W, the root none, and the color links carried 2 (P - 1) W in all (since
 * the tile's reset); the job's own share is a multiple of 2 (P - 1) too. */
static void check_counters(wl_device *tile, const wl_decode_stats *sb)
{
    wl_device_info info;
    wl_error e;
    assert_int_equal(wl_device_info_get(tile, &info, &e), WL_OK);
    int P = info.rows * info.cols;
    assert_true(sb->has_counters);
    assert_true(sb->tu_macs > 0 && sb->tu_macs < sb->total_cycles * P * info.lanes);
    assert_true(sb->link_flits[WL_NET_COLOR] > 0 && sb->link_flits[WL_NET_REQUEST] > 0);
    assert_true(sb->busiest_link_flits > 0 && sb->busiest_link_flits < sb->total_cycles);
    if (P == 1)
        return;
    double job_words = sb->link_flits[WL_NET_COLOR] / (2.0 * (P - 1));
    assert_true(job_words == (double)(uint64_t)job_words);
    wl_pe_counters *c = calloc((size_t)P, sizeof *c);
    assert_non_null(c);
    assert_int_equal(wl_tile_all_pe_counters(wl_device_link(tile), info.rows, info.cols, c, &e),
                     WL_OK);
    uint64_t all = 0;
    uint32_t words = 0;
    for (int p = 0; p < P; p++) {
        for (int port = 0; port < WL_PORTS; port++)
            all += c[p].link[WL_NET_COLOR][port];
        uint32_t in = c[p].link[WL_NET_COLOR][WL_PORT_LOCAL];
        if (p == 0)
            assert_int_equal(in, 0);
        else if (p == 1)
            words = in;
        else if (in != words)
            fail_msg("PE %d took in %u broadcast words, PE 1 %u", p, in, words);
    }
    free(c);
    assert_true(words >= job_words);
    assert_true(all == 2ull * (uint64_t)(P - 1) * words);
}

/* Greedy decode job: the same tokens as ref, streamed in order, with cycle stats. */
static void check_decode(const char *uri, const wl_model *m, const int *prompt, int n_prompt,
                         int steps)
{
    wl_device *ref, *tile;
    assert_int_equal(open_loaded("ref", m, &ref), WL_OK);
    assert_int_equal(open_loaded(uri, m, &tile), WL_OK);
    int *ta = calloc((size_t)steps, sizeof *ta), *tb = calloc((size_t)steps, sizeof *tb);
    int na = 0, nb = 0;
    wl_decode_job job = {prompt, n_prompt, steps, 0.0f, 0.0f, 0};
    wl_decode_stats sa, sb;
    seen_tokens seen = {0};
    wl_error e;
    assert_int_equal(wl_device_decode(ref, &job, ta, &na, NULL, NULL, &sa, &e), WL_OK);
    int rc = wl_device_decode(tile, &job, tb, &nb, record, &seen, &sb, &e);
    if (rc)
        fail_msg("%s: %s", uri, e.msg);
    assert_int_equal(nb, na);
    for (int i = 0; i < na; i++)
        if (ta[i] != tb[i])
            fail_msg("%s token %d: tile %d, ref %d", uri, i, tb[i], ta[i]);
    /* Streamed: every emitted token, in order, at its position. */
    assert_int_equal(seen.n, nb);
    for (int i = 0; i < seen.n; i++) {
        assert_int_equal(seen.tok[i], tb[i]);
        assert_int_equal(seen.pos[i], i + 1);
    }
    assert_true(sb.has_cycles);
    assert_true(sb.cycles_per_token > 0);
    assert_true(sb.ttft_cycles > 0 && sb.ttft_cycles <= sb.total_cycles);
    assert_true(sb.mac_utilization > 0 && sb.mac_utilization < 1);
    check_counters(tile, &sb);
    print_message("# %s: %d tokens equal to ref (prompt %d); %.0f cycles/token, TTFT %.0f, "
                  "MAC utilization %.4f\n",
                  uri, nb, n_prompt, sb.cycles_per_token, sb.ttft_cycles, sb.mac_utilization);
    print_message("#   root cycles: matvec %.0f, quantize %.0f, rope+kv %.0f, attention %.0f, "
                  "attention out %.0f, swiglu %.0f, other %.0f, fabric wait %.0f\n",
                  sb.root_matvec, sb.root_quantize, sb.root_rope_kv, sb.root_attention,
                  sb.root_att_out, sb.root_swiglu, sb.root_vector, sb.root_comm);
    free(ta);
    free(tb);
    wl_device_close(ref);
    wl_device_close(tile);
}

static const char *meshes(void)
{
    const char *m = getenv("WL_TILE_DECODE_MESHES");
    return m && *m ? m : "2x2";
}

/* Calls fn for every mesh URI of WL_TILE_DECODE_MESHES. */
static void for_meshes(void (*fn)(const char *uri, void *ctx), void *ctx)
{
    char list[256];
    snprintf(list, sizeof list, "%s", meshes());
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        char uri[64];
        snprintf(uri, sizeof uri, "sim:%s", t);
        fn(uri, ctx);
    }
}

static void small_logits(const char *uri, void *ctx)
{
    const wl_model *m = ctx;
    int ids[12];
    uint64_t rng = test_seed(7);
    ids[0] = 1;
    for (int i = 1; i < 12; i++)
        ids[i] = (int)(wl_random_u32(&rng) % (uint32_t)m->cfg.vocab_size);
    check_logits(uri, m, ids, 12);
}

/* Sampling (temperature > 0) runs on the host from the tile's logits, one position per
 * job: with the same seed it must pick what ref picks. */
static void check_sampled(const char *uri, const wl_model *m, int steps)
{
    wl_device *ref, *tile;
    assert_int_equal(open_loaded("ref", m, &ref), WL_OK);
    assert_int_equal(open_loaded(uri, m, &tile), WL_OK);
    int bos = 1, ta[64], tb[64], na = 0, nb = 0;
    wl_decode_job job = {&bos, 1, steps, 0.9f, 0.9f, 42};
    wl_decode_stats sa, sb;
    wl_error e;
    assert_int_equal(wl_device_decode(ref, &job, ta, &na, NULL, NULL, &sa, &e), WL_OK);
    if (wl_device_decode(tile, &job, tb, &nb, NULL, NULL, &sb, &e))
        fail_msg("%s: %s", uri, e.msg);
    assert_int_equal(na, nb);
    for (int i = 0; i < na; i++)
        assert_int_equal(ta[i], tb[i]);
    print_message("# %s: %d sampled tokens (t 0.9, top-p 0.9, seed 42) equal to ref\n", uri, nb);
    wl_device_close(ref);
    wl_device_close(tile);
}

static void small_decode(const char *uri, void *ctx)
{
    const wl_model *m = ctx;
    int bos = 1, prompt[4] = {1, 40, 41, 42};
    check_decode(uri, m, &bos, 1, 20);
    check_decode(uri, m, prompt, 4, 20);
    check_sampled(uri, m, 8);
}

static void test_small_model_logits(void **st)
{
    (void)st;
    wl_model m;
    make_model(&small, 0x1234, &m);
    for_meshes(small_logits, &m);
    wl_model_free(&m);
}

static void test_small_model_decode(void **st)
{
    (void)st;
    wl_model m;
    make_model(&small, 0x1234, &m);
    for_meshes(small_decode, &m);
    wl_model_free(&m);
}

/* Loading a generated model on sim:2x2 fails with `code` and a message holding each
 * of the two needles. */
static void expect_load_error(const wl_config *c, uint64_t seed, int code, const char *needle,
                              const char *needle2)
{
    wl_model m;
    make_model(c, seed, &m);
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open("sim:2x2", &d, &e), WL_OK);
    int rc = wl_device_load_model(d, &m, &e);
    assert_int_equal(rc, code);
    assert_non_null(strstr(e.msg, needle));
    assert_non_null(strstr(e.msg, needle2));
    print_message("# %s\n", e.msg);
    wl_device_close(d);
    wl_model_free(&m);
}

/* A model larger than the mesh: refused before anything is written, with the bytes
 * needed and the smallest mesh that holds it. */
static void test_too_big(void **st)
{
    (void)st;
    wl_config big = {64, 172, 5, 8, 4, 512, 512, 0, 1, 0};
    expect_load_error(&big, 99, WL_ERR_NOSPACE, "bytes of PE memory", "smallest mesh");
}

/* A firmware directory with the imem image but no dmem image: a clear error naming the
 * missing file, and nothing freed twice on the way out. */
static void test_missing_firmware_part(void **st)
{
    (void)st;
    const char *fw = getenv("WL_FIRMWARE_DIR");
    if (!fw) {
        skip();
        return;
    }
    char dir[] = "/tmp/wl_fw_XXXXXX", src[600], dst[600];
    assert_non_null(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/decode.imem.bin", fw);
    snprintf(dst, sizeof dst, "%s/decode.imem.bin", dir);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
        assert_int_equal(fwrite(chunk, 1, got, out), got);
    fclose(in);
    fclose(out);
    char *saved = strdup(fw);
    setenv("WL_FIRMWARE_DIR", dir, 1);
    expect_load_error(&small, 5, WL_ERR_IO, "cannot open the decode firmware", "decode.dmem.bin");
    setenv("WL_FIRMWARE_DIR", saved, 1);
    free(saved);
    remove(dst);
    rmdir(dir);
}

static void shipped_decode(const char *uri, void *ctx)
{
    const wl_model *m = ctx;
    int bos = 1;
    const char *n = getenv("WL_TILE_DECODE_SHIPPED");
    check_decode(uri, m, &bos, 1, atoi(n));
}

static void test_shipped_model(void **st)
{
    (void)st;
    const char *n = getenv("WL_TILE_DECODE_SHIPPED");
    if (!n || atoi(n) < 1)
        skip();
    char path[4096];
    wl_model m;
    wl_error e;
    build_path("models/waferlet-default.bin", path, sizeof path);
    assert_int_equal(wl_model_load(path, &m, &e), WL_OK);
    for_meshes(shipped_decode, &m);
    wl_model_free(&m);
}

static void shared_decode(const char *uri, void *ctx)
{
    const wl_model *m = ctx;
    int bos = 1;
    check_decode(uri, m, &bos, 1, atoi(getenv("WL_TILE_DECODE_SHARED")));
}

static void test_shared_model(void **st)
{
    (void)st;
    const char *n = getenv("WL_TILE_DECODE_SHARED");
    char path[4096];
    if (!n || atoi(n) < 1)
        skip();
    if (!shared_path("models/llama2c-264k.bin", path, sizeof path)) {
        print_message("# ../shared is absent: skipping the 264K checkpoint\n");
        skip();
    }
    wl_model m;
    wl_error e;
    assert_int_equal(wl_model_load(path, &m, &e), WL_OK);
    for_meshes(shared_decode, &m);
    wl_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_model_logits),
        cmocka_unit_test(test_small_model_decode),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_missing_firmware_part),
        cmocka_unit_test(test_shipped_model),
        cmocka_unit_test(test_shared_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
