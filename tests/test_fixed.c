/* The integer spec's arithmetic against double precision, with the error bounds
 * documented in docs/NUMERICS.md. */
#include <math.h>
#include <string.h>
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
    /* Around squares and at every magnitude (each takes its own path). */
    for (int b = 0; b < 64; b++)
        for (int64_t dv = -2; dv <= 2; dv++) {
            uint64_t v = ((uint64_t)1 << b) + (uint64_t)dv;
            uint64_t q = wls_isqrt64(v);
            assert_true(q * q <= v);
            assert_true((q + 1) * (q + 1) > v || q == 4294967295u);
        }
    for (uint64_t k = 1; k < 4294967295u; k = k * 3 + 7)
        for (int64_t dv = -1; dv <= 1; dv++) {
            uint64_t v = k * k + (uint64_t)dv;
            uint64_t q = wls_isqrt64(v);
            assert_true(q * q <= v);
            assert_true((q + 1) * (q + 1) > v || q == 4294967295u);
        }
    uint64_t z = 0x9E3779B97F4A7C15u; /* own generator: the other tests' inputs stay put */
    for (int i = 0; i < 200000; i++) {
        z ^= z << 13;
        z ^= z >> 7;
        z ^= z << 17;
        uint64_t v = z >> (i % 64);
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

/* ---- Fast paths: the spec's optimised routines against straightforward 64-bit
 * versions (the pre-optimisation code). Results must be identical, bit for bit. */

static int ref_bit_length(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

static wls_xf ref_xf_from(int64_t v, int32_t e)
{
    wls_xf r = {0, 0};
    if (v == 0)
        return r;
    uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    int shift = ref_bit_length(mag) - 31;
    if (shift > 0) {
        mag = (mag + ((uint64_t)1 << (shift - 1))) >> shift;
        if (mag >> 31) {
            mag >>= 1;
            shift++;
        }
    } else {
        mag <<= -shift;
    }
    r.m = v < 0 ? -(int32_t)mag : (int32_t)mag;
    r.e = e + shift;
    return r;
}

static wls_xf ref_xf_mul(wls_xf a, wls_xf b) { return ref_xf_from((int64_t)a.m * b.m, a.e + b.e); }

static int32_t ref_xf_apply(int64_t v, wls_xf a, int frac)
{
    wls_xf p = ref_xf_mul(ref_xf_from(v, 0), a);
    int32_t e = p.e + frac;
    if (p.m == 0)
        return 0;
    if (e >= 0)
        return e >= 32 ? (p.m > 0 ? INT32_MAX : INT32_MIN)
                       : wls_sat32((int64_t)p.m * ((int64_t)1 << e));
    return wls_sat32(wls_rshift(p.m, -e));
}

static int64_t ref_div_round(int64_t a, int64_t b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? (uint64_t)(-(a + 1)) + 1 : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)(-(b + 1)) + 1 : (uint64_t)b;
    uint64_t q = (ua + ub / 2) / ub;
    return neg ? -(int64_t)q : (int64_t)q;
}

static wls_xf ref_xf_div(wls_xf a, wls_xf b)
{
    return ref_xf_from(ref_div_round((int64_t)a.m * ((int64_t)1 << 31), b.m), a.e - b.e - 31);
}

static int32_t ref_abs32_sat(int32_t v) { return v == INT32_MIN ? INT32_MAX : (v < 0 ? -v : v); }

static void ref_quantize(const int32_t *x, int n, wls_xf scale, wls_qvec *out)
{
    int ng = wls_groups(n);
    int32_t vmax = 0;
    for (int j = 0; j < n; j++)
        if (ref_abs32_sat(x[j]) > vmax)
            vmax = ref_abs32_sat(x[j]);
    if (vmax == 0) {
        for (int j = 0; j < n; j++)
            out->q[j] = 0;
        for (int g = 0; g < ng; g++)
            out->u[g] = 0;
        out->scale = ref_xf_from(0, 0);
        return;
    }
    out->scale = ref_xf_mul(scale, ref_xf_div(ref_xf_from(vmax, 0), ref_xf_from(255 * 127, 0)));
    for (int g = 0; g < ng; g++) {
        int lo = g * WLS_GROUP, hi = lo + WLS_GROUP < n ? lo + WLS_GROUP : n;
        int32_t gmax = 0;
        for (int j = lo; j < hi; j++)
            if (ref_abs32_sat(x[j]) > gmax)
                gmax = ref_abs32_sat(x[j]);
        int64_t u = ((int64_t)gmax * 255 + vmax - 1) / vmax;
        out->u[g] = (uint8_t)u;
        if (u == 0) {
            for (int j = lo; j < hi; j++)
                out->q[j] = 0;
            continue;
        }
        int64_t recip = ref_div_round((int64_t)255 * 127 << 32, (int64_t)vmax * u);
        for (int j = lo; j < hi; j++) {
            int64_t q = wls_rshift((int64_t)x[j] * recip, 32);
            out->q[j] = (int8_t)(q > 127 ? 127 : (q < -127 ? -127 : q));
        }
    }
}

static void ref_matvec(const wls_matrix *w, const wls_qvec *x, int32_t *out)
{
    int n = w->cols, ng = wls_groups(n);
    for (int i = 0; i < w->rows; i++) {
        const int8_t *row = w->q + (size_t)i * (size_t)n;
        const uint8_t *wu = w->u + (size_t)i * (size_t)ng;
        int64_t acc = 0;
        for (int g = 0; g < ng; g++) {
            int lo = g * WLS_GROUP, hi = lo + WLS_GROUP < n ? lo + WLS_GROUP : n;
            int32_t dot = 0;
            for (int j = lo; j < hi; j++)
                dot += (int32_t)row[j] * x->q[j];
            acc += (int64_t)dot * ((int32_t)wu[g] * x->u[g]);
        }
        out[i] = ref_xf_apply(acc, ref_xf_mul(w->row_scale[i], x->scale), WLS_ACT_FRAC);
    }
}

static int32_t ref_kv_quantize(const int32_t *v, int n, int8_t *q)
{
    int32_t vmax = 0;
    for (int i = 0; i < n; i++)
        if (ref_abs32_sat(v[i]) > vmax)
            vmax = ref_abs32_sat(v[i]);
    for (int i = 0; i < n; i++)
        q[i] = vmax ? (int8_t)ref_div_round((int64_t)v[i] * 127, vmax) : 0;
    return vmax;
}

static uint64_t frng = 0x9E3779B97F4A7C15ull;
static uint64_t fr64(void)
{
    frng ^= frng << 13; frng ^= frng >> 7; frng ^= frng << 17;
    return frng;
}

/* Edge values: zero, +-1, the int32 limits, values straddling 2^31 and 2^32, the
 * int64 limits; otherwise random with a random bit length, either sign. */
static int64_t fast_val(void)
{
    static const int64_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
                                   (int64_t)INT32_MIN - 1, (int64_t)UINT32_MAX,
                                   -(int64_t)UINT32_MAX, (int64_t)1 << 32, -((int64_t)1 << 32),
                                   ((int64_t)1 << 32) + 1, ((int64_t)1 << 31) - 1,
                                   (int64_t)1 << 30, -((int64_t)1 << 30), (int64_t)1 << 62,
                                   INT64_MAX, INT64_MIN, INT64_MIN + 1, 32385, 0x7FFFFFFF80000000};
    uint64_t r = fr64();
    if (r % 4 == 0)
        return edge[(r >> 8) % (sizeof edge / sizeof edge[0])];
    int bits = (int)((r >> 8) % 64);
    int64_t v = (int64_t)(fr64() >> (63 - bits));
    return (r >> 20) & 1 ? -v : v;
}

static wls_xf fast_xf(void) { return ref_xf_from(fast_val(), (int32_t)(fr64() % 120) - 60); }

#define XF_EQ(a, b) assert_true((a).m == (b).m && (a).e == (b).e)

static void test_fast_scalar(void **st)
{
    (void)st;
    for (int i = 0; i < 300000; i++) {
        int64_t v = fast_val();
        int32_t e = (int32_t)(fr64() % 200) - 100;
        XF_EQ(wls_xf_from(v, e), ref_xf_from(v, e));
        wls_xf a = fast_xf(), b = fast_xf();
        XF_EQ(wls_xf_mul(a, b), ref_xf_mul(a, b));
        int frac = (int)(fr64() % 80) - 40;
        assert_int_equal(wls_xf_apply(v, a, frac), ref_xf_apply(v, a, frac));
        assert_int_equal(wls_xf_apply_mul(v, a, b, frac), ref_xf_apply(v, ref_xf_mul(a, b), frac));
        if (b.m)
            XF_EQ(wls_xf_div(a, b), ref_xf_div(a, b));
        /* mantissas that are not normalised (INT32_MIN, small, zero) take the general path */
        wls_xf ra = {(int32_t)fast_val(), e}, rb = {(int32_t)fast_val(), -e};
        XF_EQ(wls_xf_mul(ra, rb), ref_xf_mul(ra, rb));
        XF_EQ(wls_xf_mul(ra, b), ref_xf_mul(ra, b));
        assert_int_equal(wls_xf_apply_mul(v, ra, b, frac), ref_xf_apply(v, ref_xf_mul(ra, b), frac));
        /* division: every case where |a| + |b|/2 does not overflow */
        int64_t n = fast_val(), d = fast_val();
        if (d == 0)
            d = 1 + (int64_t)(fr64() % 1000);
        uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n, ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
        if (un + ud / 2 >= un)
            assert_int_equal(wls_div_round(n, d), ref_div_round(n, d));
        /* 64/32 division with a 32-bit quotient (the divlu path), edges of its range */
        uint32_t d32 = (uint32_t)fr64() >> (fr64() % 32);
        if (d32 == 0)
            d32 = 1;
        uint64_t n64 = ((uint64_t)(fr64() % d32) << 32) | (uint32_t)fr64();
        if (n64 <= INT64_MAX / 2)
            assert_int_equal(wls_div_round((int64_t)n64, d32), ref_div_round((int64_t)n64, d32));
        uint32_t dd = 2 + (uint32_t)fr64() % (i % 2 ? 0xFFFFFFFEu : 300u), nn = (uint32_t)fast_val();
        if (i % 7 == 0)
            nn = UINT32_MAX - (uint32_t)(fr64() % 3);
        assert_int_equal(wls_div_recip(nn, dd, wls_divlu(1, 0, dd)), nn / dd);
        int32_t v32 = (int32_t)fast_val();
        for (int sh = -2; sh <= 70; sh++)
            assert_int_equal(wls_rshift32(v32, sh), wls_rshift(v32, sh));
    }
    /* divlu at the top of its range: quotient 2^32 - 1, the divisor's top bit set */
    assert_int_equal(wls_div_round((int64_t)0x7FFFFFFF00000000, 0x80000000),
                     ref_div_round((int64_t)0x7FFFFFFF00000000, 0x80000000));
    assert_int_equal(wls_div_round((int64_t)1 << 60, ((int64_t)1 << 30) + 1),
                     ref_div_round((int64_t)1 << 60, ((int64_t)1 << 30) + 1));
    assert_int_equal(wls_div_round(-((int64_t)32385 << 32), 65536 * 3),
                     ref_div_round(-((int64_t)32385 << 32), 65536 * 3));
}

static void test_fast_vectors(void **st)
{
    (void)st;
    enum { N = 301, R = 19 };
    static int32_t x[N], o1[R], o2[R];
    static int8_t q1[N], q2[N], w[R * N];
    static uint8_t u1[N], u2[N], wu[R * N];
    static wls_xf rs[R];
    for (int t = 0; t < 3000; t++) {
        int n = 1 + (int)(fr64() % N), mode = (int)(fr64() % 7);
        for (int j = 0; j < n; j++) {
            int64_t z = fast_val();
            x[j] = mode == 0 ? (int32_t)z : mode == 1 ? (int32_t)(z % 70000)
                 : mode == 2 ? (int32_t)(z % 3000000) : mode == 3 ? (int32_t)(z % 50)
                 : mode == 4 ? (int32_t)(z % 2 ? INT32_MIN : INT32_MAX)
                 : mode == 5 ? (int32_t)(z % (255 * 127 + 3)) /* vmax around 255 * 127 */
                 : (int32_t)(z % 2);                           /* vmax 1 */
        }
        if (fr64() % 8 == 0)
            for (int j = 0; j < n; j++)
                x[j] = 0;
        wls_xf sc = fast_xf();
        wls_qvec a = {q1, u1, {0, 0}}, b = {q2, u2, {0, 0}};
        wls_quantize(x, n, sc, &a);
        ref_quantize(x, n, sc, &b);
        assert_memory_equal(q1, q2, (size_t)n);
        assert_memory_equal(u1, u2, (size_t)wls_groups(n));
        XF_EQ(a.scale, b.scale);
        /* The same vector in slices on group boundaries, quantized where they lie (as
         * the PEs do), with only vmax shared. */
        wls_qprep qp;
        XF_EQ(wls_quant_prep(wls_absmax(x, n), sc, &qp), a.scale);
        memset(q2, 0x5a, sizeof q2);
        memset(u2, 0x5a, sizeof u2);
        for (int lo = 0; lo < n;) {
            int len = WLS_GROUP * (1 + (int)(fr64() % 12));
            len = len < n - lo ? len : n - lo;
            wls_quant_groups(x + lo, len, &qp, q2 + lo, u2 + lo / WLS_GROUP);
            lo += len;
        }
        assert_memory_equal(q1, q2, (size_t)n);
        assert_memory_equal(u1, u2, (size_t)wls_groups(n));
        assert_int_equal(wls_kv_quantize(x, n, q1), ref_kv_quantize(x, n, q2));
        assert_memory_equal(q1, q2, (size_t)n);
        int rows = 1 + (int)(fr64() % R);
        for (int k = 0; k < rows * n; k++)
            w[k] = (int8_t)((int)(fr64() % 255) - 127);
        for (int k = 0; k < rows * wls_groups(n); k++)
            wu[k] = (uint8_t)fr64();
        for (int k = 0; k < rows; k++)
            rs[k] = fast_xf();
        /* attention accumulation: 32-bit weights times vmax, or wider */
        int64_t acc1[N], acc2[N];
        int32_t wt = (int32_t)fast_val(), vm = (int32_t)fast_val();
        if (fr64() % 2)
            wt = (int32_t)(fr64() % ((1u << 30) + 1));
        int64_t wref = wls_rshift((int64_t)wt * vm, 30);
        for (int j = 0; j < n; j++)
            acc1[j] = acc2[j] = (int64_t)fr64() >> 8;
        wls_att_accum(wt, vm, w, n, acc1);
        for (int j = 0; j < n; j++)
            acc2[j] += wref * w[j];
        assert_memory_equal(acc1, acc2, sizeof(int64_t) * (size_t)n);
        wls_matrix m = {rows, n, w, wu, rs};
        wls_matvec(&m, &a, o1);
        ref_matvec(&m, &a, o2);
        assert_memory_equal(o1, o2, sizeof(int32_t) * (size_t)rows);
    }
}

static int32_t ref_exp2_q30(int32_t y)
{
    static const int32_t c[8] = {1073741824, 744261118, 257941248, 59597083,
                                 10327387,   1431680,   165394,    16377};
    if (y > 0)
        y = 0;
    int32_t k = -((-y) >> 16);
    int32_t f = y - k * 65536;
    if (f < 0) {
        k -= 1;
        f += 65536;
    }
    int64_t x = (int64_t)f << 14, acc = c[7];
    for (int j = 6; j >= 0; j--)
        acc = c[j] + wls_rshift(acc * x, 30);
    if (-k >= 31)
        return 0;
    return (int32_t)wls_rshift((int32_t)acc, -k);
}

/* The 32-bit exp series against the 64-bit one: every fraction, the whole range. */
static void test_fast_exp(void **st)
{
    (void)st;
    for (int32_t y = -33 * 65536; y <= 65536; y++)
        assert_int_equal(wls_exp2_q30(y), ref_exp2_q30(y));
    /* (wls_exp2_q30(INT32_MIN) negates INT32_MIN; wls_exp_q30 never passes it.) */
    static const int32_t edge[] = {INT32_MIN, INT32_MIN + 1, -2147418112, INT32_MAX, 1, 0, -1};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        if (edge[i] != INT32_MIN)
            assert_int_equal(wls_exp2_q30(edge[i]), ref_exp2_q30(edge[i]));
        int64_t y = wls_rshift((int64_t)edge[i] * 1549082005, 30);
        assert_int_equal(wls_exp_q30(edge[i]), y < INT32_MIN ? 0 : ref_exp2_q30((int32_t)y));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding), cmocka_unit_test(test_isqrt),
        cmocka_unit_test(test_xf),       cmocka_unit_test(test_exp),
        cmocka_unit_test(test_swiglu),   cmocka_unit_test(test_rms),
        cmocka_unit_test(test_matvec),
        cmocka_unit_test(test_fast_scalar), cmocka_unit_test(test_fast_vectors),
        cmocka_unit_test(test_fast_exp),
    };
    return cmocka_run_group_tests_name("fixed-point operations", tests, NULL, NULL);
}
