/* The waferlet command line as users and scripts drive it: JSON shapes of brief §6,
 * exit status, one-line errors, help for every command. */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_util.h"

/* Runs the CLI with `args`; captures stdout into out and stderr into err_out. */
static int run(const char *args, char *out, size_t cap, char *err_out, size_t ecap)
{
    char exe[4096], cmd[16384];
    build_path("waferlet", exe, sizeof exe);
    snprintf(cmd, sizeof cmd, "%s %s 2>/tmp/wl_cli_err.txt", exe, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    char *e = slurp("/tmp/wl_cli_err.txt");
    snprintf(err_out, ecap, "%s", e ? e : "");
    free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char out[1 << 16], err[1 << 12];

static void test_help(void **st)
{
    (void)st;
    const char *cmds[] = {"decode", "eval", "tokenize", "info", "bench", "plan", "project"};
    for (size_t i = 0; i < 7; i++) {
        char a[64];
        snprintf(a, sizeof a, "%s --help", cmds[i]);
        assert_int_equal(run(a, out, sizeof out, err, sizeof err), 0);
        assert_non_null(strstr(out, "usage: waferlet"));
    }
    assert_int_equal(run("--help", out, sizeof out, err, sizeof err), 0);
    assert_int_not_equal(run("", out, sizeof out, err, sizeof err), 0);
}

static int one_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return s[0] && nl && nl[1] == '\0';
}

static void test_errors_are_one_line(void **st)
{
    (void)st;
    const char *bad[] = {"frobnicate", "decode -m /nonexistent.bin", "decode -n abc",
                         "decode -t -1", "decode --topp 2", "decode -d nodevice",
                         "eval", "eval --tokens /nonexistent.txt", "tokenize",
                         "decode --bogus", "info -d sim:3x5", "decode -s -5",
                         "project --mesh 70x2", "project --mesh 4x4:0k", "project -n 0",
                         "project --clock 0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = run(bad[i], out, sizeof out, err, sizeof err);
        if (rc == 0 || !one_line(err))
            print_message("# '%s' -> rc %d, stderr: %s\n", bad[i], rc, err);
        assert_int_not_equal(rc, 0);
        assert_true(one_line(err));
        assert_non_null(strstr(err, "waferlet: "));
    }
}

static void test_decode_json(void **st)
{
    (void)st;
    assert_int_equal(run("decode -n 20 -t 0 -p hello --json", out, sizeof out, err, sizeof err), 0);
    const char *keys[] = {"{\"tokens\":[", "\"text\":\"", "\"prompt_tokens\":", "\"device\":\"ref\"",
                          "\"stats\":{\"cycles_per_token\":", "\"ttft_cycles\":",
                          "\"mac_utilization\":", "\"tok_per_s_wall\":"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(strstr(out, keys[i]));
    int toks[64];
    int n = json_int_array(out, "tokens", toks, 64);
    assert_true(n >= 1 && n <= 20);
    /* greedy is deterministic: the same call gives the same tokens */
    char again[1 << 16];
    assert_int_equal(run("decode -n 20 -t 0 -p hello --json", again, sizeof again, err, sizeof err), 0);
    int toks2[64];
    assert_int_equal(json_int_array(again, "tokens", toks2, 64), n);
    assert_memory_equal(toks, toks2, sizeof(int) * (size_t)n);
    /* the prompt "hello" is 1 BOS + dummy-prefix-merged pieces */
    assert_true(json_number(out, "prompt_tokens") >= 2);
}

static void test_decode_seeded_and_streamed(void **st)
{
    (void)st;
    char a[4096], b[4096];
    assert_int_equal(run("decode -n 30 -s 7 --ids", a, sizeof a, err, sizeof err), 0);
    assert_non_null(strstr(err, "tok/s"));
    assert_int_equal(run("decode -n 30 -s 7 --ids", b, sizeof b, err, sizeof err), 0);
    assert_string_equal(a, b);
    assert_int_equal(run("decode -n 30 -s 8 --ids", b, sizeof b, err, sizeof err), 0);
    assert_string_not_equal(a, b);
    /* ref and float agree on the first greedy tokens of the shipped model's prompt */
    assert_int_equal(run("decode -n 12 -t 0 --ids -d float", a, sizeof a, err, sizeof err), 0);
    assert_true(strlen(a) > 1);
}

static void test_eval_and_tokenize(void **st)
{
    (void)st;
    FILE *f = fopen("/tmp/wl_cli_tokens.txt", "w");
    fputs("1, 300 301\n302,303", f);
    fclose(f);
    assert_int_equal(run("eval --tokens /tmp/wl_cli_tokens.txt --json", out, sizeof out, err, sizeof err), 0);
    assert_int_equal((int)json_number(out, "n"), 4);
    assert_true(json_number(out, "nll_mean") > 0);
    int am[8];
    assert_int_equal(json_int_array(out, "argmax", am, 8), 4);
    f = fopen("/tmp/wl_cli_tokens.txt", "w");
    fputs("[1,300,301,302,303]", f);
    fclose(f);
    char again[4096];
    assert_int_equal(run("eval --tokens /tmp/wl_cli_tokens.txt --json", again, sizeof again, err, sizeof err), 0);
    assert_string_equal(out, again);
    f = fopen("/tmp/wl_cli_tokens.txt", "w");
    fputs("[1,300,99999]", f);
    fclose(f);
    assert_int_not_equal(run("eval --tokens /tmp/wl_cli_tokens.txt", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(err, "99999"));
    remove("/tmp/wl_cli_tokens.txt");
    assert_int_equal(run("tokenize --text 'the cat' --json", out, sizeof out, err, sizeof err), 0);
    assert_true(out[0] == '[' && strstr(out, "]\n"));
    assert_int_equal(strncmp(out, "[1,", 3), 0);
}

/* Placement on simulated tiles: the shipped model fits 4x4, not 2x2 (with the bytes and
 * the smallest mesh named), and host devices have no plan. */
static void test_plan(void **st)
{
    (void)st;
    assert_int_equal(run("plan -d sim:4x4 --json", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "\"fits\":true"));
    assert_non_null(strstr(out, "\"mesh\":\"4x4\""));
    int pes = 0;
    for (const char *p = out; (p = strstr(p, "\"weight_bytes\"")); p++)
        pes++;
    assert_int_equal(pes, 16);
    assert_int_equal(run("plan -d sim:4x4", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "fits"));
    assert_non_null(strstr(out, "(3,3)"));
    assert_int_equal(run("plan -d sim:2x2", out, sizeof out, err, sizeof err), 1);
    assert_true(one_line(err));
    assert_non_null(strstr(err, "bytes of PE memory"));
    assert_non_null(strstr(err, "smallest mesh that holds it is 4x4"));
    assert_non_null(strstr(out, "DOES NOT FIT"));
    assert_int_equal(run("plan -d ref", out, sizeof out, err, sizeof err), 1);
    assert_true(one_line(err));
    assert_non_null(strstr(err, "placement plans are for tiles"));
}

static void test_bench_prompt(void **st)
{
    (void)st;
    assert_int_equal(run("bench -d ref -n 8 --prompt-ids 1,300,301 --json", out, sizeof out, err,
                         sizeof err),
                     0);
    assert_int_equal((int)json_number(out, "prompt_tokens"), 3);
    assert_int_equal(run("bench -d ref -n 4 --json", out, sizeof out, err, sizeof err), 0);
    assert_int_equal((int)json_number(out, "prompt_tokens"), 1);
    assert_int_equal(run("bench -d ref -n 2 --prompt-ids 1,300,301", out, sizeof out, err,
                         sizeof err),
                     1);
    assert_true(one_line(err));
    assert_non_null(strstr(err, "the prompt has 3 ids but -n allows 2 positions"));
    assert_int_equal(run("bench -d ref --prompt-ids 1,99999", out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "99999"));
}


/* project: the analytic model on meshes that are not built. Its figures must hang
 * together: the terms add up to the total, MAC utilization is the spec's MACs (from the
 * model's shape) over cycles x PEs x 8 lanes, tok/s is the clock over the cycles. */
static void test_project(void **st)
{
    (void)st;
    assert_int_equal(run("project --mesh 4x4 -n 4 --clock 250 --json", out, sizeof out, err,
                         sizeof err),
                     0);
    assert_non_null(strstr(out, "\"fits\":true"));
    double dim = json_number(out, "dim"), hidden = json_number(out, "hidden_dim");
    double L = json_number(out, "n_layers"), nh = json_number(out, "n_heads");
    double nkv = json_number(out, "n_kv_heads"), vocab = json_number(out, "vocab_size");
    double cyc = json_number(out, "cycles_per_token");
    double sum = json_number(out, "matvec") + json_number(out, "vector") +
                 json_number(out, "attention") + json_number(out, "fabric");
    assert_true(cyc > 0 && fabs(cyc - sum) <= 2);
    double hs = dim / nh, kv = nkv * hs, macs = 0;
    for (int pos = 0; pos < 4; pos++)
        macs += L * (2 * dim * dim + 2 * kv * dim + 3 * dim * hidden) + 2 * L * nh * hs * (pos + 1) +
                vocab * dim;
    double util = json_number(out, "mac_utilization");
    assert_true(fabs(util - macs / 4 / (cyc * 16 * 8)) <= 1e-5 * util + 1e-12);
    assert_true(fabs(json_number(out, "tok_per_s") - 250e6 / cyc) <= 1e-4 * 250e6 / cyc);
    /* The shipped model does not fit 2x2 at 48 KiB: the bytes say why. */
    assert_int_equal(run("project --mesh 2x2 --json", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "\"fits\":false"));
    assert_true(json_number(out, "need_bytes") > json_number(out, "have_bytes"));
    assert_null(strstr(out, "cycles_per_token"));
    assert_int_equal(run("project --mesh 2x2,16x16", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "does not fit"));
    assert_non_null(strstr(out, "extrapolations"));
}

static void test_info(void **st)
{
    (void)st;
    assert_int_equal(run("info -d ref --json", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "\"device\":\"ref\""));
    assert_non_null(strstr(out, "\"kind\":\"golden-int\""));
    assert_int_equal(run("info -d float", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "golden-float"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),        cmocka_unit_test(test_errors_are_one_line),
        cmocka_unit_test(test_decode_json), cmocka_unit_test(test_decode_seeded_and_streamed),
        cmocka_unit_test(test_eval_and_tokenize), cmocka_unit_test(test_info),
        cmocka_unit_test(test_plan),        cmocka_unit_test(test_bench_prompt),
        cmocka_unit_test(test_project),
    };
    return cmocka_run_group_tests_name("waferlet CLI", tests, NULL, NULL);
}
