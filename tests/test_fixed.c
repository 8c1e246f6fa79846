/* The integer spec's arithmetic against double precision, with the error bounds
 * documented in docs/NUMERICS.md. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wl_quantize.h"
#include "wls_spec.h"

static uint64_t rng = 12345;
static double urand(void) /* [0, 1) */
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static void test_rounding(void **st)
{
    (void)st;
    assert_int_equal(wls_rshift(5, 1), 3);   /* 2.5 -> 3 */
    assert_int_equal(wls_rshift(-5, 1), -3); /* -2.5 -> -3: symmetric */
    assert_int_equal(wls_rshift(-4, 1), -2);
    assert_int_equal(wls_rshift(7, 0), 7);
    assert_int_equal(wls_div_round(7, 2), 4);
    assert_int_equal(wls_div_round(-7, 2), -4);
    assert_int_equal(wls_div_round(7, -2), -4);
    assert_int_equal(wls_div_round(6, 4), 2); /* 1.5 -> 2 */
    assert_int_equal(wls_sat32((int64_t)1 << 40), INT32_MAX);
    assert_int_equal(wls_sat32(-((int64_t)1 << 40)), INT32_MIN);
    assert_int_equal(wls_rshift(INT64_MIN + 1, 62), -2);
}

static void test_isqrt(void **st)
{
    (void)st;
    for (uint64_t v = 0; v < 5000; v++) {
        uint64_t r = wls_isqrt64(v);
        assert_true(r * r <= v && (r + 1) * (r + 1) > v);
    }
    uint64_t big = UINT64_MAX;
    uint64_t r = wls_isqrt64(big);
    assert_int_equal(r, 4294967295u);
    for (int i = 0; i < 2000; i++) {
        uint64_t v = (uint64_t)(urand() * 1.8e19);
        uint64_t q = wls_isqrt64(v);
        assert_true(q * q <= v);
        assert_true((q + 1) * (q + 1) > v || q == 4294967295u);
    }
}

/* Scale arithmetic keeps 30 significant bits: relative error below 2^-28. */
static void test_xf(void **st)
{
    (void)st;
    for (int i = 0; i < 5000; i++) {
        double a = ldexp(urand() + 0.01, (int)(urand() * 80) - 40);
        double b = ldexp(urand() + 0.01, (int)(urand() * 80) - 40);
        if (urand() < 0.3)
            a = -a;
        wls_xf xa = wl_xf_from_double(a), xb = wl_xf_from_double(b);
        assert_true(fabs(wl_xf_to_double(xa) / a - 1) < 1e-9);
        assert_true(fabs(wl_xf_to_double(wls_xf_mul(xa, xb)) / (a * b) - 1) < 4e-9);
        assert_true(fabs(wl_xf_to_double(wls_xf_div(xa, xb)) / (a / b) - 1) < 4e-9);
        assert_true(fabs(wl_xf_to_double(wls_xf_sqrt(xb)) / sqrt(b) - 1) < 4e-9);
        double sum = a + b;
        if (fabs(sum) > 1e-6 * fabs(b))
            assert_true(fabs(wl_xf_to_double(wls_xf_add(xa, xb)) - sum) <= 4e-9 * (fabs(a) + fabs(b)));
    }
    assert_int_equal(wls_xf_apply(1000, wl_xf_from_double(0.5), 0), 500);
    assert_int_equal(wls_xf_apply(-3, wl_xf_from_double(0.5), 0), -2); /* -1.5 -> -2 */
    assert_int_equal(wls_xf_apply(1, wl_xf_from_double(1e12), 0), INT32_MAX);
}

/* exp in Q30 on [-40, 0]: relative error below 6e-6, which is the rounding of
 * x * log2(e) to Q16 (ln 2 * 2^-17 = 5.3e-6), plus one Q30 step. */
static void test_exp(void **st)
{
    (void)st;
    double worst = 0;
    for (int32_t x = 0; x > -40 * 65536; x -= 977) {
        double want = exp(x / 65536.0);
        double got = wls_exp_q30(x) / 1073741824.0;
        double e = fabs(got - want) - 1.0 / 1073741824.0;
        if (e / want > worst)
            worst = e / want;
    }
    print_message("# exp: worst relative error %.3g\n", worst);
    assert_true(worst < 6e-6);
    assert_int_equal(wls_exp_q30(0), 1 << 30);
    assert_int_equal(wls_exp_q30(INT32_MIN), 0);
}

/* SiLU(a)*b in Q16: error below 2 Q16 steps plus 1e-5 of |a*b| (the sigmoid inherits
 * exp's relative error). */
static void test_swiglu(void **st)
{
    (void)st;
    for (int i = 0; i < 20000; i++) {
        double a = (urand() - 0.5) * 40, b = (urand() - 0.5) * 8;
        int32_t qa = (int32_t)lround(a * 65536), qb = (int32_t)lround(b * 65536);
        double ra = qa / 65536.0, rb = qb / 65536.0;
        double want = ra / (1 + exp(-ra)) * rb;
        double got = wls_swiglu(qa, qb) / 65536.0;
        double err = fabs(got - want), bound = 2.0 / 65536 + 1e-5 * fabs(ra * rb);
        if (err > bound)
            print_message("# swiglu(%g, %g) = %.9g, want %.9g\n", ra, rb, got, want);
        assert_true(err <= bound);
    }
}

/* RMSNorm factor: relative error below 5e-5 against double: inputs whose largest
 * magnitude reaches 2^15 Q16 steps are shifted to 15 bits before squaring. */
static void test_rms(void **st)
{
    (void)st;
    int32_t x[300];
    for (int trial = 0; trial < 200; trial++) {
        int n = 1 + (int)(urand() * 299);
        double mag = ldexp(1.0, (int)(urand() * 30) - 10);
        double ss = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (int32_t)lround((urand() - 0.5) * mag * 65536);
            if (mag * 65536 > 2e9)
                x[i] = (int32_t)((urand() - 0.5) * 4e9);
            ss += (x[i] / 65536.0) * (x[i] / 65536.0);
        }
        double want = 1.0 / sqrt(ss / n + 42950.0 / 4294967296.0);
        double got = wl_xf_to_double(wls_rms_factor(x, n));
        if (fabs(got / want - 1) >= 5e-5)
            print_message("# rms n=%d mag=%g: %.9g want %.9g\n", n, mag, got, want);
        assert_true(fabs(got / want - 1) < 5e-5);
    }
}

/* Quantized matrix-vector product against the double product of the original
 * values: error within 1% of |W| |x| (int8 steps at group 4). */
static void test_matvec(void **st)
{
    (void)st;
    enum { R = 37, C = 70 };
    static float w[R * C];
    int32_t x[C];
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < R * C; i++)
            w[i] = (float)((urand() - 0.5) * (urand() < 0.05 ? 20 : 1));
        for (int j = 0; j < C; j++)
            x[j] = (int32_t)lround((urand() - 0.5) * 6 * 65536);
        int8_t q[R * C];
        uint8_t u[R * ((C + 3) / 4)];
        wls_xf rs[R];
        wls_matrix M;
        wl_quantize_matrix_for_test(w, R, C, q, u, rs, &M);
        int8_t xq[C];
        uint8_t xu[(C + 3) / 4];
        wls_qvec v = {xq, xu, {0, 0}};
        wls_quantize(x, C, wls_xf_from(1, -16), &v);
        int32_t out[R];
        wls_matvec(&M, &v, out);
        for (int i = 0; i < R; i++) {
            double want = 0, bound = 0;
            for (int j = 0; j < C; j++) {
                want += (double)w[i * C + j] * (x[j] / 65536.0);
                bound += fabs(w[i * C + j]) * fabs(x[j] / 65536.0);
            }
            assert_true(fabs(out[i] / 65536.0 - want) <= 0.01 * bound + 1e-4);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding), cmocka_unit_test(test_isqrt),
        cmocka_unit_test(test_xf),       cmocka_unit_test(test_exp),
        cmocka_unit_test(test_swiglu),   cmocka_unit_test(test_rms),
        cmocka_unit_test(test_matvec),
    };
    return cmocka_run_group_tests_name("fixed-point operations", tests, NULL, NULL);
}
