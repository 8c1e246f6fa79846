#ifndef WLS_FIXED_H
#define WLS_FIXED_H
/* Integer arithmetic primitives of the Waferlet integer spec. Freestanding C: the
 * same source runs on the host (the `ref` device) and on the RV32IM PE cores.
 * Rounding everywhere is "half away from zero" so results do not depend on how a
 * compiler shifts negative numbers. See docs/NUMERICS.md. */

#include <stdint.h>

/* A scale factor held as mantissa * 2^exp, mantissa normalised to |m| in
 * [2^30, 2^31) (or 0). Used only for the scale bookkeeping of quantized vectors. */
typedef struct {
    int32_t m;
    int32_t e;
} wls_xf;

/* v / 2^s rounded half away from zero (s >= 0). Inline: the hot loops of the
 * spec call it per element. */
static inline int64_t wls_rshift(int64_t v, int s)
{
    if (s <= 0)
        return v;
    if (s >= 63)
        return 0;
    uint64_t half = (uint64_t)1 << (s - 1);
    if (v >= 0)
        return (int64_t)(((uint64_t)v + half) >> s);
    return -(int64_t)(((uint64_t)(-(v + 1)) + 1 + half) >> s);
}
/* wls_rshift of an int32, in 32-bit arithmetic (the PE cores have no 64-bit shifts):
 * the same result for every v and s. */
static inline int32_t wls_rshift32(int32_t v, int s)
{
    if (s <= 0)
        return v;
    if (s >= 32) /* |v| <= 2^31 <= 2^(s-1): only -2^31 / 2^32 = -0.5 rounds away */
        return s == 32 && v == INT32_MIN ? -1 : 0;
    /* |v| + 2^(s-1) <= 2^31 + 2^30 fits in uint32 */
    uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    uint32_t r = (mag + ((uint32_t)1 << (s - 1))) >> s;
    return v < 0 ? -(int32_t)r : (int32_t)r;
}
/* a / b rounded half away from zero (b != 0). */
int64_t wls_div_round(int64_t a, int64_t b);
/* Saturates to the int32 range. */
static inline int32_t wls_sat32(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}
/* floor((u1 * 2^32 + u0) / v) for u1 < v: 32-bit steps, no libgcc 64-bit division. */
uint32_t wls_divlu(uint32_t u1, uint32_t u0, uint32_t v);
/* floor(num / d) for d >= 2, given rv = floor(2^32 / d) = wls_divlu(1, 0, d): a multiply
 * and one correction instead of a division. rv = (2^32 - r) / d with r < d, so for
 * num < 2^32, num / d - 1 < num rv / 2^32 <= num / d. */
static inline uint32_t wls_div_recip(uint32_t num, uint32_t d, uint32_t rv)
{
    uint32_t q = (uint32_t)(((uint64_t)num * rv) >> 32);
    return num - q * d >= d ? q + 1 : q;
}
/* floor(sqrt(v)). */
uint32_t wls_isqrt64(uint64_t v);

wls_xf wls_xf_from(int64_t v, int32_t e); /* v * 2^e */
wls_xf wls_xf_mul(wls_xf a, wls_xf b);
wls_xf wls_xf_add(wls_xf a, wls_xf b);
wls_xf wls_xf_div(wls_xf a, wls_xf b);   /* b != 0 */
wls_xf wls_xf_sqrt(wls_xf a);            /* a >= 0 */
/* round(v * a * 2^frac), saturated to int32: applies a scale to an integer. */
int32_t wls_xf_apply(int64_t v, wls_xf a, int frac);
/* wls_xf_apply(v, wls_xf_mul(a, b), frac) in one call (the per-row scale of a product). */
int32_t wls_xf_apply_mul(int64_t v, wls_xf a, wls_xf b, int frac);

/* 2^(y / 2^16) for y <= 0, in Q30 (1.0 = 2^30). */
int32_t wls_exp2_q30(int32_t y);
/* e^(x / 2^16) for x <= 0, in Q30. */
int32_t wls_exp_q30(int32_t x);

#endif
