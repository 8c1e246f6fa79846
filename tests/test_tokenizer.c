/* Tokenizer: llama2.c's ids on the shared 32k vocabulary (cases from
 * ../shared/reference plus others whose ids follow from the algorithm), decode rules,
 * and bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "wl_tokenizer.h"

static wl_tokenizer tok32k;
static int have32k;

static int setup(void **st)
{
    (void)st;
    char buf[4096];
    const char *p = shared_path("models/tokenizer-32k.bin", buf, sizeof buf);
    wl_error e;
    have32k = p && wl_tokenizer_load(p, 32000, &tok32k, &e) == WL_OK;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    if (have32k)
        wl_tokenizer_free(&tok32k);
    return 0;
}

static void encode(const wl_tokenizer *t, const char *text, int *ids, int *n)
{
    wl_error e;
    assert_int_equal(wl_tokenizer_encode(t, text, 1, 0, ids, n, &e), WL_OK);
}

/* Every case in ../shared/reference/tokenizer-32k.encode.json. */
static void test_reference_cases(void **st)
{
    (void)st;
    if (!have32k)
        skip();
    char buf[4096];
    const char *path = shared_path("reference/tokenizer-32k.encode.json", buf, sizeof buf);
    if (!path)
        skip();
    char *json = slurp(path);
    assert_non_null(json);
    int cases = 0;
    for (const char *p = strstr(json, "\"text\""); p; p = strstr(p + 1, "\"text\"")) {
        /* "text": "...", then "ids": [...]; texts in the file have no escapes */
        const char *q = strchr(p + 6, '"');
        const char *end = strchr(q + 1, '"');
        char text[512];
        snprintf(text, sizeof text, "%.*s", (int)(end - q - 1), q + 1);
        int want[512], got[1024], n;
        int nw = json_int_array(end, "ids", want, 512);
        encode(&tok32k, text, got, &n);
        assert_int_equal(n, nw);
        for (int i = 0; i < n; i++)
            assert_int_equal(got[i], want[i]);
        cases++;
    }
    print_message("# %d reference cases\n", cases);
    assert_true(cases >= 5);
    free(json);
}

/* Byte fallback: code points missing from the vocabulary become <0xXX> ids (byte+3),
 * and UTF-8 sequences that are in it stay one token. */
static void test_byte_fallback_and_utf8(void **st)
{
    (void)st;
    if (!have32k)
        skip();
    int ids[64], n;
    /* U+1F9FF (nazar amulet) is not a Llama-2 piece: four byte tokens after the prefix */
    encode(&tok32k, "\xF0\x9F\xA7\xBF", ids, &n);
    assert_int_equal(n, 6);
    assert_int_equal(ids[2], 0xF0 + 3);
    assert_int_equal(ids[3], 0x9F + 3);
    assert_int_equal(ids[4], 0xA7 + 3);
    assert_int_equal(ids[5], 0xBF + 3);
    /* decoding the byte tokens gives the raw bytes back */
    char out[16] = {0};
    for (int i = 2; i < 6; i++)
        strcat(out, wl_tokenizer_decode(&tok32k, ids[i - 1], ids[i]));
    assert_string_equal(out, "\xF0\x9F\xA7\xBF");
    /* a control byte falls back too */
    encode(&tok32k, "\x01", ids, &n);
    assert_int_equal(ids[n - 1], 0x01 + 3);
}

static void test_decode_rules(void **st)
{
    (void)st;
    if (!have32k)
        skip();
    int ids[64], n;
    encode(&tok32k, "Hello world", ids, &n);
    /* after BOS the leading space of the first piece is dropped */
    char text[128] = "";
    for (int i = 1; i < n; i++)
        strcat(text, wl_tokenizer_decode(&tok32k, ids[i - 1], ids[i]));
    assert_string_equal(text, "Hello world");
    /* <0x0A> decodes to a newline */
    assert_string_equal(wl_tokenizer_decode(&tok32k, 5, 0x0A + 3), "\n");
    assert_true(wl_piece_printable("\n"));
    assert_false(wl_piece_printable("\x01"));
    assert_true(wl_piece_printable("ab"));
    assert_string_equal(wl_tokenizer_decode(&tok32k, 5, -1), "");
    assert_string_equal(wl_tokenizer_decode(&tok32k, 5, 32000), "");
}

/* Round trip: for ordinary text, decoding the ids gives the text back. */
static void test_roundtrip(void **st)
{
    (void)st;
    if (!have32k)
        skip();
    const char *texts[] = {"Once upon a time, there was a little girl named Lily.",
                           "  two leading spaces", "tabs\tand\nnewlines", "Ünïcödé ü 日本語",
                           "1234567890 + 42 = ?", "a"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        int ids[256], n;
        encode(&tok32k, texts[k], ids, &n);
        assert_int_equal(ids[0], WL_BOS);
        char out[512] = "";
        for (int i = 1; i < n; i++)
            strcat(out, wl_tokenizer_decode(&tok32k, ids[i - 1], ids[i]));
        assert_string_equal(out, texts[k]);
    }
}

static void test_bos_eos_flags(void **st)
{
    (void)st;
    char buf[4096];
    wl_tokenizer t;
    wl_error e;
    assert_int_equal(wl_tokenizer_load(build_path("models/waferlet-default-tokenizer.bin", buf,
                                                  sizeof buf),
                                       0, &t, &e),
                     WL_OK);
    assert_int_equal(t.vocab_size, 512);
    int ids[64], n;
    assert_int_equal(wl_tokenizer_encode(&t, "", 0, 0, ids, &n, &e), WL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(wl_tokenizer_encode(&t, "ab", 1, 1, ids, &n, &e), WL_OK);
    assert_int_equal(ids[0], WL_BOS);
    assert_int_equal(ids[n - 1], WL_EOS);
    assert_int_not_equal(wl_tokenizer_encode(&t, NULL, 1, 0, ids, &n, &e), WL_OK);
    wl_tokenizer_free(&t);
}

static void write_file(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static void test_bad_files(void **st)
{
    (void)st;
    const char *path = "/tmp/wl_tok_test.bin";
    wl_tokenizer t;
    wl_error e;
    assert_int_equal(wl_tokenizer_load("/nonexistent/tok.bin", 0, &t, &e), WL_ERR_IO);
    write_file(path, "", 0);
    assert_int_equal(wl_tokenizer_load(path, 0, &t, &e), WL_ERR_FORMAT);
    int32_t hdr[4] = {8, 0, 100, 0}; /* max len 8, score 0.0, length 100 > 8 */
    write_file(path, hdr, sizeof hdr);
    assert_int_equal(wl_tokenizer_load(path, 0, &t, &e), WL_ERR_FORMAT);
    assert_non_null(strstr(e.msg, "length 100"));
    int32_t few[3] = {8, 0, 1}; /* truncated inside the first token */
    write_file(path, few, sizeof few);
    assert_int_equal(wl_tokenizer_load(path, 0, &t, &e), WL_ERR_FORMAT);
    assert_non_null(strstr(e.msg, "truncated"));
    /* asking for more tokens than the file has */
    char buf[4096];
    assert_int_equal(wl_tokenizer_load(build_path("models/waferlet-default-tokenizer.bin", buf,
                                                  sizeof buf),
                                       600, &t, &e),
                     WL_ERR_FORMAT);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_cases), cmocka_unit_test(test_byte_fallback_and_utf8),
        cmocka_unit_test(test_decode_rules),    cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bos_eos_flags),   cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests_name("tokenizer", tests, setup, teardown);
}
