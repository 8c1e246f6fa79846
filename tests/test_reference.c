/* Against ../shared/reference: the float path reproduces llama2.c, and the integer
 * spec (`ref`) meets its accuracy targets (mean NLL <= 1.02 x float, argmax agreement
 * >= 0.85) and is deterministic. Skips where ../shared is absent. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "wl_device.h"

typedef struct {
    wl_model model;
    int seq[1024], float_argmax[1024], greedy[1024];
    int n_seq, n_argmax, n_greedy;
    double float_nll;
} fixture;

static int setup(void **st)
{
    char buf[4096], buf2[4096];
    const char *mp = shared_path("models/llama2c-264k.bin", buf, sizeof buf);
    const char *rp = shared_path("reference/llama2c-264k.eval.json", buf2, sizeof buf2);
    *st = NULL;
    if (!mp || !rp)
        return 0;
    fixture *f = calloc(1, sizeof *f);
    wl_error e;
    if (wl_model_load(mp, &f->model, &e)) {
        print_error("%s\n", e.msg);
        free(f);
        return -1;
    }
    char *json = slurp(rp);
    f->n_seq = json_int_array(json, "sequence", f->seq, 1024);
    f->n_argmax = json_int_array(json, "float_argmax", f->float_argmax, 1024);
    f->n_greedy = json_int_array(json, "greedy_from_bos", f->greedy, 1024);
    f->float_nll = json_number(json, "float_nll_mean");
    free(json);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    if (f) {
        wl_model_free(&f->model);
        free(f);
    }
    return 0;
}

/* Teacher-forced pass over the shared sequence on `uri`. */
static double run_eval(fixture *f, const char *uri, int *argmax, int32_t *last_q16)
{
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open(uri, &d, &e), WL_OK);
    assert_int_equal(wl_device_load_model(d, &f->model, &e), WL_OK);
    int V = f->model.cfg.vocab_size;
    float *logits = malloc((size_t)V * sizeof *logits);
    double nll = 0;
    for (int t = 0; t + 1 < f->n_seq; t++) {
        assert_int_equal(wl_device_forward(d, f->seq[t], t, logits, &e), WL_OK);
        int best = 0;
        for (int i = 1; i < V; i++)
            if (logits[i] > logits[best])
                best = i;
        argmax[t] = best;
        double m = logits[best], se = 0;
        for (int i = 0; i < V; i++)
            se += exp((double)logits[i] - m);
        nll -= logits[f->seq[t + 1]] - m - log(se);
    }
    if (last_q16)
        assert_int_equal(wl_device_logits_q16(d, last_q16, &e), WL_OK);
    free(logits);
    wl_device_close(d);
    return nll / (f->n_seq - 1);
}

static void test_float_matches_llama2c(void **st)
{
    fixture *f = *st;
    if (!f)
        skip();
    assert_int_equal(f->n_argmax, f->n_seq - 1);
    int argmax[1024];
    double nll = run_eval(f, "float", argmax, NULL);
    print_message("# float: nll_mean %.6f (llama2.c %.6f)\n", nll, f->float_nll);
    assert_true(fabs(nll / f->float_nll - 1) < 1e-4);
    for (int t = 0; t < f->n_argmax; t++)
        assert_int_equal(argmax[t], f->float_argmax[t]);
}

static void test_float_greedy_matches_llama2c(void **st)
{
    fixture *f = *st;
    if (!f)
        skip();
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open("float", &d, &e), WL_OK);
    assert_int_equal(wl_device_load_model(d, &f->model, &e), WL_OK);
    int bos = 1, out[1024], n;
    wl_decode_job job = {&bos, 1, f->n_greedy, 0.0f, 0.9f, 0};
    wl_decode_stats stats;
    assert_int_equal(wl_device_decode(d, &job, out, &n, NULL, NULL, &stats, &e), WL_OK);
    assert_int_equal(n, f->n_greedy);
    for (int i = 0; i < n; i++)
        assert_int_equal(out[i], f->greedy[i]);
    wl_device_close(d);
}

static void test_ref_accuracy(void **st)
{
    fixture *f = *st;
    if (!f)
        skip();
    int argmax[1024];
    double nll = run_eval(f, "ref", argmax, NULL);
    int agree = 0;
    for (int t = 0; t < f->n_argmax; t++)
        agree += argmax[t] == f->float_argmax[t];
    double ratio = nll / f->float_nll, agreement = agree / (double)f->n_argmax;
    print_message("# ref: nll_mean %.6f (ratio %.4f to float), argmax agreement %.4f\n", nll,
                  ratio, agreement);
    assert_true(ratio <= 1.02);
    assert_true(agreement >= 0.85);
}

static void test_ref_deterministic(void **st)
{
    fixture *f = *st;
    if (!f)
        skip();
    int a1[1024], a2[1024];
    int32_t *l1 = malloc(4 * (size_t)f->model.cfg.vocab_size);
    int32_t *l2 = malloc(4 * (size_t)f->model.cfg.vocab_size);
    int keep = f->n_seq;
    f->n_seq = 40;
    run_eval(f, "ref", a1, l1);
    run_eval(f, "ref", a2, l2);
    f->n_seq = keep;
    assert_memory_equal(l1, l2, 4 * (size_t)f->model.cfg.vocab_size);
    assert_memory_equal(a1, a2, sizeof(int) * 39);
    free(l1);
    free(l2);
}

static void test_device_errors(void **st)
{
    fixture *f = *st;
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open("bogus", &d, &e), WL_ERR_ARG);
    assert_non_null(strstr(e.msg, "unknown device"));
    assert_int_equal(wl_device_open("sim:3x5", &d, &e), WL_ERR_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "make sim MESH=3x5"));
    assert_int_equal(wl_device_open("sim:0x1", &d, &e), WL_ERR_ARG);
    assert_int_equal(wl_device_open("sim:3x5:256k", &d, &e), WL_ERR_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "make sim MESH=3x5 DMEM_KIB=256"));
    assert_int_equal(wl_device_open("sim:2x2:256", &d, &e), WL_ERR_ARG);  /* no unit */
    assert_int_equal(wl_device_open("sim:2x2:k", &d, &e), WL_ERR_ARG);
    assert_int_equal(wl_device_open("sim:2x2:256k:", &d, &e), WL_ERR_ARG);
    assert_int_equal(wl_device_open("usb", &d, &e), WL_ERR_UNSUPPORTED);
    assert_int_equal(wl_device_open("ref:x", &d, &e), WL_ERR_ARG);
    assert_int_equal(wl_device_open("ref", &d, &e), WL_OK);
    float logits[1];
    assert_int_equal(wl_device_forward(d, 1, 0, logits, &e), WL_ERR_ARG); /* no model */
    if (f) {
        float *l = malloc(4 * (size_t)f->model.cfg.vocab_size);
        assert_int_equal(wl_device_load_model(d, &f->model, &e), WL_OK);
        assert_int_equal(wl_device_forward(d, 100000, 0, l, &e), WL_ERR_ARG);
        assert_int_equal(wl_device_forward(d, 1, 5, l, &e), WL_ERR_ARG); /* skips ahead */
        assert_int_equal(wl_device_forward(d, 1, 0, l, &e), WL_OK);
        assert_int_equal(wl_device_forward(d, 1, f->model.cfg.seq_len, l, &e), WL_ERR_ARG);
        free(l);
    }
    wl_device_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_matches_llama2c),
        cmocka_unit_test(test_float_greedy_matches_llama2c),
        cmocka_unit_test(test_ref_accuracy),
        cmocka_unit_test(test_ref_deterministic),
        cmocka_unit_test(test_device_errors),
    };
    return cmocka_run_group_tests_name("reference (../shared)", tests, setup, teardown);
}
