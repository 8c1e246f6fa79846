/* Quantized vectors and matrix-vector products (the tensor unit's work). */
#include "wls_spec.h"

static int32_t abs32_sat(int32_t v) { return v == INT32_MIN ? INT32_MAX : (v < 0 ? -v : v); }

int32_t wls_absmax(const int32_t *x, int n)
{
    int32_t vmax = 0;
    for (int j = 0; j < n; j++) {
        int32_t a = abs32_sat(x[j]);
        if (a > vmax)
            vmax = a;
    }
    return vmax;
}

wls_xf wls_quant_prep(int32_t vmax, wls_xf scale, wls_qprep *p)
{
    return wls_xf_mul(scale, wls_quant_unit(vmax, p));
}

wls_xf wls_quant_unit(int32_t vmax, wls_qprep *p)
{
    if (p) {
        p->vmax = vmax;
        p->qa = p->odd_carry = p->rv = 0;
        /* The groups' reciprocals round(K 2^32 / (vmax u)), K = 255 * 127, without a
         * 64-bit division each: with K 2^32 = A vmax + B (once per vector) and the
         * rounded numerator N = K 2^32 + floor(vmax u / 2),
         *   floor(N / (vmax u)) = floor(floor(N / vmax) / u)   (nested floor division)
         *   floor(N / vmax) = A + floor(u / 2) + (u odd and B + floor(vmax / 2) >= vmax),
         * one 32-bit division per group while A + ... fits 32 bits (vmax > K). */
        if (vmax > 255 * 127) {
            p->qa = wls_divlu(255 * 127, 0, (uint32_t)vmax);
            uint32_t qb = 0u - p->qa * (uint32_t)vmax; /* K 2^32 - A vmax, in [0, vmax) */
            p->odd_carry = qb + (uint32_t)vmax / 2 >= (uint32_t)vmax;
        }
        if (vmax > 1)
            p->rv = wls_divlu(1, 0, (uint32_t)vmax); /* floor(2^32 / vmax), for wls_div_recip */
    }
    /* One unit of q*u is vmax / (255*127) of x's units. */
    return vmax ? wls_xf_div(wls_xf_from(vmax, 0), wls_xf_from(255 * 127, 0)) : wls_xf_from(0, 0);
}

void wls_quant_groups(const int32_t *x, int n, const wls_qprep *p, int8_t *oq, uint8_t *ou)
{
    int ng = wls_groups(n);
    int32_t vmax = p->vmax;
    uint32_t qa = p->qa, odd_carry = p->odd_carry, rv = p->rv;
    int fast = vmax > 255 * 127;
    if (vmax == 0) {
        for (int j = 0; j < n; j++)
            oq[j] = 0;
        for (int g = 0; g < ng; g++)
            ou[g] = 0;
        return;
    }
    for (int g = 0; g < ng; g++) {
        int lo = g * WLS_GROUP, hi = lo + WLS_GROUP < n ? lo + WLS_GROUP : n;
        int32_t gmax = 0;
        for (int j = lo; j < hi; j++) {
            int32_t a = abs32_sat(x[j]);
            if (a > gmax)
                gmax = a;
        }
        /* u = ceil(255 * gmax / vmax): the group's step is never finer than needed.
         * By the reciprocal of vmax when the numerator fits 32 bits (the usual case);
         * otherwise un < 256 vmax, so its high word is below vmax and wls_divlu
         * applies. */
        uint64_t un = (uint64_t)gmax * 255 + (uint32_t)vmax - 1;
        uint32_t u = (un >> 32) ? wls_divlu((uint32_t)(un >> 32), (uint32_t)un, (uint32_t)vmax)
                   : vmax > 1   ? wls_div_recip((uint32_t)un, (uint32_t)vmax, rv)
                                : (uint32_t)un;
        ou[g] = (uint8_t)u;
        if (u == 0) {
            for (int j = lo; j < hi; j++)
                oq[j] = 0;
            continue;
        }
        /* q = round(x * 255 * 127 / (vmax * u)), through one reciprocal per group. */
        uint32_t nq = qa + (u >> 1) + (u & 1 ? odd_carry : 0);
        if (fast && nq >= qa) {
            /* The reciprocal is below 2^32: |x| * r is a 32x32-bit product, and
             * rounding it by 2^32 half away from zero is its high word plus bit 31
             * of the low word. */
            uint32_t r = nq / u;
            for (int j = lo; j < hi; j++) {
                int32_t xj = x[j];
                uint32_t mag = xj < 0 ? 0u - (uint32_t)xj : (uint32_t)xj;
                uint32_t q = (uint32_t)(((uint64_t)mag * r) >> 32) + ((mag * r) >> 31);
                if (q > 127)
                    q = 127;
                oq[j] = (int8_t)(xj < 0 ? -(int32_t)q : (int32_t)q);
            }
            continue;
        }
        int64_t recip = wls_div_round((int64_t)255 * 127 << 32, (int64_t)vmax * u);
        for (int j = lo; j < hi; j++) {
            int64_t q = wls_rshift((int64_t)x[j] * recip, 32);
            oq[j] = (int8_t)(q > 127 ? 127 : (q < -127 ? -127 : q));
        }
    }
}

void wls_quantize(const int32_t *x, int n, wls_xf scale, wls_qvec *out)
{
    wls_qprep p;
    out->scale = wls_quant_prep(wls_absmax(x, n), scale, &p);
    wls_quant_groups(x, n, &p, out->q, out->u);
}

void wls_quantize_rms(const int32_t *x, int n, wls_qvec *out)
{
    wls_quantize(x, n, wls_xf_mul(wls_xf_from(1, -WLS_ACT_FRAC), wls_rms_factor(x, n)), out);
}

void wls_quantize_q16(const int32_t *x, int n, wls_qvec *out)
{
    wls_quantize(x, n, wls_xf_from(1, -WLS_ACT_FRAC), out);
}

_Static_assert(WLS_GROUP == 4, "wls_matvec's unrolled groups assume groups of 4");

void wls_matvec(const wls_matrix *w, const wls_qvec *x, int32_t *out)
{
    int n = w->cols, ng = wls_groups(n), full = n / WLS_GROUP;
    const int8_t *xq = x->q;
    const uint8_t *xu = x->u;
    for (int i = 0; i < w->rows; i++) {
        const int8_t *row = w->q + (size_t)i * (size_t)n, *xp = xq;
        const uint8_t *wu = w->u + (size_t)i * (size_t)ng;
        int64_t acc = 0;
        /* Whole groups unrolled (constant offsets, no per-element bounds), the same
         * integer sums as the plain loop. */
        for (int g = 0; g < full; g++, row += 4, xp += 4) {
            int32_t dot = row[0] * xp[0] + row[1] * xp[1] + row[2] * xp[2] + row[3] * xp[3];
            acc += (int64_t)dot * ((int32_t)wu[g] * xu[g]);
        }
        if (full < ng) {
            int32_t dot = 0; /* |dot| <= WLS_GROUP * 127 * 127 */
            for (int j = 0; j < n - full * WLS_GROUP; j++)
                dot += (int32_t)row[j] * xp[j];
            acc += (int64_t)dot * ((int32_t)wu[full] * xu[full]);
        }
        out[i] = wls_xf_apply_mul(acc, w->row_scale[i], x->scale, WLS_ACT_FRAC);
    }
}

void wls_matrix_row(const wls_matrix *w, int row, int32_t *out)
{
    int n = w->cols, ng = wls_groups(n);
    const int8_t *q = w->q + (size_t)row * (size_t)n;
    const uint8_t *u = w->u + (size_t)row * (size_t)ng;
    for (int j = 0; j < n; j++)
        out[j] = wls_xf_apply((int32_t)q[j] * u[j / WLS_GROUP], w->row_scale[row], WLS_ACT_FRAC);
}

wls_xf wls_rms_factor(const int32_t *x, int n) { return wls_rms_factor_max(x, n, wls_absmax(x, n)); }

wls_xf wls_rms_factor_max(const int32_t *x, int n, int32_t vmax)
{
    /* Shift x so its largest magnitude is below 2^15: the sum of squares is then
     * exact in int64 for any n below 2^32. */
    int sh = 0;
    while ((vmax >> sh) >= (1 << 15))
        sh++;
    int64_t ss = 0;
    for (int j = 0; j < n; j++) {
        int32_t v = wls_rshift32(x[j], sh); /* |v| <= 2^15: v * v fits 32 bits */
        ss += (uint32_t)(v * v);
    }
    /* mean(x^2) + eps in units of 2^(2*sh - 32); eps = 42950 * 2^-32 ~= 1e-5 */
    wls_xf mean = wls_xf_div(wls_xf_from(ss, 2 * sh - 32), wls_xf_from(n, 0));
    wls_xf eps = wls_xf_from(42950, -32);
    wls_xf total = wls_xf_add(mean, eps);
    return wls_xf_div(wls_xf_from(1, 0), wls_xf_sqrt(total));
}

int32_t wls_swiglu(int32_t a, int32_t b)
{
    /* sigma(a) = 1 / (1 + e^-a); e^-|a| from the Q30 exp, the quotient in Q30. */
    int32_t neg = a > 0 ? -a : a;
    int64_t e = wls_exp_q30(neg);
    int64_t one = (int64_t)1 << 30;
    int64_t sig = a >= 0 ? wls_div_round(one << 30, one + e) : wls_div_round(e << 30, one + e);
    int64_t silu = wls_rshift((int64_t)a * sig, 30);          /* Q16 */
    return wls_sat32(wls_rshift(silu * b, WLS_ACT_FRAC));
}

int wls_argmax(const int32_t *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}
