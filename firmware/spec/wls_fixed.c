#include "wls_fixed.h"

/* Leading zeros of a nonzero word. The PE cores have no clz instruction and libgcc's
 * __clzdi2 goes through a table; five compares are cheaper. */
static inline int clz32(uint32_t x)
{
    int n = 0;
    if (!(x >> 16)) { n += 16; x <<= 16; }
    if (!(x >> 24)) { n += 8; x <<= 8; }
    if (!(x >> 28)) { n += 4; x <<= 4; }
    if (!(x >> 30)) { n += 2; x <<= 2; }
    return n + !(x >> 31);
}

/* (u1 * 2^32 + u0) / v for u1 < v (the quotient fits 32 bits), with two 32-bit
 * divisions on 16-bit digits: Knuth's algorithm D as in Hacker's Delight (divlu).
 * libgcc's 64-bit division costs several times more on the PE cores. */
uint32_t wls_divlu(uint32_t u1, uint32_t u0, uint32_t v)
{
    const uint32_t b = 65536;
    int s = clz32(v);
    v <<= s; /* normalise: the top digit of v is >= 2^15 */
    uint32_t vn1 = v >> 16, vn0 = v & 0xFFFF;
    uint32_t un32 = s ? (u1 << s) | (u0 >> (32 - s)) : u1;
    uint32_t un10 = u0 << s, un1 = un10 >> 16, un0 = un10 & 0xFFFF;
    uint32_t q1 = un32 / vn1, rhat = un32 - q1 * vn1;
    while (q1 >= b || q1 * vn0 > b * rhat + un1) { /* rhat < b here: no overflow */
        q1--;
        rhat += vn1;
        if (rhat >= b)
            break;
    }
    uint32_t un21 = un32 * b + un1 - q1 * v; /* mod 2^32: the true value is < v */
    uint32_t q0 = un21 / vn1;
    rhat = un21 - q0 * vn1;
    while (q0 >= b || q0 * vn0 > b * rhat + un0) {
        q0--;
        rhat += vn1;
        if (rhat >= b)
            break;
    }
    return q1 * b + q0;
}

/* n / d (d != 0), one quotient bit per step: only the rare quotients that do not fit
 * 32 bits come here, and libgcc's __udivdi3 would cost 1 KiB of the cores' 16 KiB of
 * instruction memory. */
static uint64_t udiv64(uint64_t n, uint64_t d)
{
    uint64_t q = 0, r = 0;
    for (int i = 0; i < 64; i++) { /* r < d <= 2^63 before each step: r << 1 fits */
        r = (r << 1) | (n >> 63);
        n <<= 1;
        q <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1;
        }
    }
    return q;
}

int64_t wls_div_round(int64_t a, int64_t b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? (uint64_t)(-(a + 1)) + 1 : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)(-(b + 1)) + 1 : (uint64_t)b;
    uint64_t n = ua + ub / 2;
    /* The PE cores divide 32-bit numbers in hardware; 64-bit division is a long
     * library routine. When the divisor and the quotient fit 32 bits, 32-bit steps
     * give the same quotient. */
    uint64_t q;
    uint32_t hi = (uint32_t)(n >> 32);
    if ((ub >> 32) == 0 && hi == 0)
        q = (uint32_t)n / (uint32_t)ub;
    else if ((ub >> 32) == 0 && hi < (uint32_t)ub)
        q = wls_divlu(hi, (uint32_t)n, (uint32_t)ub);
    else
        q = udiv64(n, ub);
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

static wls_xf xf_from(int64_t v, int32_t e)
{
    wls_xf r = {0, 0};
    if (v == 0)
        return r;
    uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    uint32_t hi = (uint32_t)(mag >> 32), lo = (uint32_t)mag, m;
    /* shift = bit_length(mag) - 31 brings |m| into [2^30, 2^31); done on 32-bit words
     * because the cores have no 64-bit shifts. */
    int shift;
    if (hi == 0 && !(lo >> 31)) {
        int l = clz32(lo) - 1;
        m = lo << l;
        shift = -l;
    } else {
        shift = hi ? 33 - clz32(hi) : 1; /* 1..33 */
        /* round(mag / 2^shift) = (mag >> shift) + bit (shift - 1) of mag */
        uint32_t round;
        if (shift < 32) {
            m = (lo >> shift) | (hi << (32 - shift));
            round = (lo >> (shift - 1)) & 1;
        } else {
            m = hi >> (shift - 32);
            round = shift == 32 ? lo >> 31 : hi & 1;
        }
        m += round;
        if (m >> 31) { /* rounding carried into bit 31 */
            m >>= 1;
            shift++;
        }
    }
    r.m = v < 0 ? -(int32_t)m : (int32_t)m;
    r.e = e + shift;
    return r;
}

wls_xf wls_xf_from(int64_t v, int32_t e) { return xf_from(v, e); }

static wls_xf xf_mul(wls_xf a, wls_xf b)
{
    uint32_t ma = a.m < 0 ? 0u - (uint32_t)a.m : (uint32_t)a.m;
    uint32_t mb = b.m < 0 ? 0u - (uint32_t)b.m : (uint32_t)b.m;
    if ((ma >> 30) != 1 || (mb >> 30) != 1)
        return xf_from((int64_t)a.m * b.m, a.e + b.e);
    /* Both normalised (the usual case): |p| is in [2^60, 2^62), so xf_from's shift is
     * 30 (bit 61 clear) or 31, rounding on bit shift - 1. */
    uint64_t p = (uint64_t)ma * mb;
    uint32_t hi = (uint32_t)(p >> 32), lo = (uint32_t)p;
    int shift = 30 + (int)(hi >> 29);
    uint32_t m = ((lo >> shift) | (hi << (32 - shift))) + ((lo >> (shift - 1)) & 1);
    if (m >> 31) {
        m >>= 1;
        shift++;
    }
    wls_xf r = {(a.m < 0) != (b.m < 0) ? -(int32_t)m : (int32_t)m, a.e + b.e + shift};
    return r;
}

wls_xf wls_xf_mul(wls_xf a, wls_xf b) { return xf_mul(a, b); }

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

static inline int32_t xf_apply(int64_t v, wls_xf a, int frac)
{
    wls_xf p = xf_mul(xf_from(v, 0), a);
    int32_t e = p.e + frac;
    if (p.m == 0)
        return 0;
    /* |p.m| >= 2^30, so any e > 0 leaves the int32 range: saturate by the sign. */
    if (e > 0)
        return p.m > 0 ? INT32_MAX : INT32_MIN;
    return wls_rshift32(p.m, -e);
}

int32_t wls_xf_apply(int64_t v, wls_xf a, int frac) { return xf_apply(v, a, frac); }

int32_t wls_xf_apply_mul(int64_t v, wls_xf a, wls_xf b, int frac)
{
    return xf_apply(v, xf_mul(a, b), frac);
}

/* 2^f for f in [0, 1), f in Q16: Taylor series of e^(f ln 2) to degree 7 in Q30
 * (truncation error below 2e-6). Coefficients are (ln 2)^k / k! in Q30. */
static int32_t exp2_frac_q30(int32_t f)
{
    static const int32_t c[8] = {1073741824, 744261118, 257941248, 59597083,
                                 10327387,   1431680,   165394,    16377};
    /* Everything is nonnegative and acc stays below 2^31 (the partial sums of 2^f), so
     * acc * x is a 32x32-bit product and its rounding by 2^30 is done on 32-bit words:
     * the same integers as in 64-bit arithmetic, without 64-bit multiplies. */
    uint32_t x = (uint32_t)f << 14; /* Q30 */
    uint32_t acc = (uint32_t)c[7];
    for (int k = 6; k >= 0; k--) {
        uint64_t p = (uint64_t)acc * x;
        uint32_t lo = (uint32_t)p + (1u << 29), hi = (uint32_t)(p >> 32) + (lo < (1u << 29));
        acc = (uint32_t)c[k] + ((hi << 2) | (lo >> 30));
    }
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
    return wls_rshift32(p, -k);
}

int32_t wls_exp_q30(int32_t x)
{
    /* log2(e) in Q30 */
    int64_t y = wls_rshift((int64_t)x * 1549082005, 30);
    if (y < INT32_MIN)
        return 0;
    return wls_exp2_q30((int32_t)y);
}
