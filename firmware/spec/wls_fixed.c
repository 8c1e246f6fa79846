#include "wls_fixed.h"

int64_t wls_div_round(int64_t a, int64_t b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? (uint64_t)(-(a + 1)) + 1 : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)(-(b + 1)) + 1 : (uint64_t)b;
    /* The PE cores divide 32-bit numbers in hardware; 64-bit division is a long
     * library routine. Same quotient either way. */
    uint64_t q = (ua >> 32) == 0 && (ub >> 32) == 0 && ua + ub / 2 <= UINT32_MAX
                     ? (uint32_t)(ua + ub / 2) / (uint32_t)ub
                     : (ua + ub / 2) / ub;
    return neg ? -(int64_t)q : (int64_t)q;
}

uint32_t wls_isqrt64(uint64_t v)
{
    /* Bit-by-bit square root: exact floor, no division. */
    uint64_t res = 0, bit = (uint64_t)1 << 62;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= res + bit) {
            v -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return (uint32_t)res;
}

static int bit_length(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

wls_xf wls_xf_from(int64_t v, int32_t e)
{
    wls_xf r = {0, 0};
    if (v == 0)
        return r;
    uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    int shift = bit_length(mag) - 31; /* bring |m| into [2^30, 2^31) */
    if (shift > 0) {
        mag = (mag + ((uint64_t)1 << (shift - 1))) >> shift;
        if (mag >> 31) { /* rounding carried into bit 31 */
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

wls_xf wls_xf_mul(wls_xf a, wls_xf b)
{
    return wls_xf_from((int64_t)a.m * b.m, a.e + b.e);
}

wls_xf wls_xf_add(wls_xf a, wls_xf b)
{
    if (a.m == 0)
        return b;
    if (b.m == 0)
        return a;
    if (a.e < b.e) { /* make a the one with the larger exponent */
        wls_xf t = a;
        a = b;
        b = t;
    }
    /* Work at 2^(a.e - 30): a's mantissa gains 30 bits, b is shifted into place;
     * both terms stay below 2^61, so the sum cannot overflow. */
    int32_t d = a.e - b.e;
    int64_t sum = (int64_t)a.m * ((int64_t)1 << 30);
    if (d < 30)
        sum += (int64_t)b.m * ((int64_t)1 << (30 - d));
    else if (d < 61)
        sum += wls_rshift(b.m, d - 30);
    return wls_xf_from(sum, a.e - 30);
}

wls_xf wls_xf_div(wls_xf a, wls_xf b)
{
    /* |a.m| << 31 fits in 62 bits; the quotient keeps 31 significant bits. */
    int64_t q = wls_div_round((int64_t)a.m * ((int64_t)1 << 31), b.m);
    return wls_xf_from(q, a.e - b.e - 31);
}

wls_xf wls_xf_sqrt(wls_xf a)
{
    if (a.m <= 0) {
        wls_xf z = {0, 0};
        return z;
    }
    /* Make the exponent even, then take the root of a 62-bit mantissa. */
    uint64_t m = (uint64_t)a.m;
    int32_t e = a.e;
    int sh = (e & 1) ? 31 : 32;
    m <<= sh;
    e -= sh;
    return wls_xf_from(wls_isqrt64(m), e / 2);
}

int32_t wls_xf_apply(int64_t v, wls_xf a, int frac)
{
    wls_xf p = wls_xf_mul(wls_xf_from(v, 0), a);
    int32_t e = p.e + frac;
    if (p.m == 0)
        return 0;
    if (e >= 0)
        return e >= 32 ? (p.m > 0 ? INT32_MAX : INT32_MIN)
                       : wls_sat32((int64_t)p.m * ((int64_t)1 << e));
    return wls_sat32(wls_rshift(p.m, -e));
}

/* 2^f for f in [0, 1), f in Q16: Taylor series of e^(f ln 2) to degree 7 in Q30
 * (truncation error below 2e-6). Coefficients are (ln 2)^k / k! in Q30. */
static int32_t exp2_frac_q30(int32_t f)
{
    static const int32_t c[8] = {1073741824, 744261118, 257941248, 59597083,
                                 10327387,   1431680,   165394,    16377};
    int64_t x = (int64_t)f << 14; /* Q30 */
    int64_t acc = c[7];
    for (int k = 6; k >= 0; k--)
        acc = c[k] + wls_rshift(acc * x, 30);
    return (int32_t)acc;
}

int32_t wls_exp2_q30(int32_t y)
{
    if (y > 0)
        y = 0;
    int32_t k = -((-y) >> 16);          /* ceil toward zero of the integer part */
    int32_t f = y - k * 65536;          /* in (-1, 0] */
    if (f < 0) {                        /* 2^y = 2^(k-1) * 2^(f+1) */
        k -= 1;
        f += 65536;
    }
    int32_t p = exp2_frac_q30(f);
    if (-k >= 31)
        return 0;
    return (int32_t)wls_rshift(p, -k);
}

int32_t wls_exp_q30(int32_t x)
{
    /* log2(e) in Q30 */
    int64_t y = wls_rshift((int64_t)x * 1549082005, 30);
    if (y < INT32_MIN)
        return 0;
    return wls_exp2_q30((int32_t)y);
}
