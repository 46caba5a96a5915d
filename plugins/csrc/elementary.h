/* Branch-free, vectorisable elementary functions: exp, expm1, log1p and erfc in float and double.
 *
 * Written once for two compilers: a C11 compiler building the NumPy ufuncs (ufuncs.c), where
 * GCC and Clang vectorise the loops that call these functions, and NVRTC compiling the same text
 * as CUDA C for a CuPy ElementwiseKernel. Hence a small C subset: AK_FN functions of scalars, no
 * libm call but fma, no table, no branch on data (selects by integer masks instead), bit casts through
 * memcpy on the host and __float_as_uint-style intrinsics on the device, typed literals.
 *
 * Numerics policy (docs/accuracy.md, "Compiled kernels", has the derivations and measured errors):
 *
 * - FMA only where written, never by contraction: the build uses -std=c11 -ffp-contract=off and
 *   CuPy --fmad=false, so a*b+c is two roundings unless spelled AK_FMA(a, b, c), which is the
 *   correctly rounded fma() everywhere: one instruction in the x86-64-v3/v4 clones, on ARMv8 and
 *   on the GPU (fma.rn), and libm's exact software fma() in the x86-64 baseline clone (correct,
 *   but slow: that clone is reported as such, see ufuncs.c). So every target computes bitwise
 *   the same results. Horner steps and exact products (TwoProd: a*b - p by one fma) use it.
 * - Each function is within 1 ulp over its whole domain, subnormal results included: Cody-Waite
 *   range reduction, minimax polynomials (coefficients.h, generated), the last additions carried
 *   as unevaluated sums (hi + lo) and rounded once, and scaling by 2^k in two steps so that only
 *   the final multiplication rounds into the subnormal range. The float functions compute in
 *   double and round once.
 * - Floating-point flags: NumPy turns raised flags into warnings. No function here raises
 *   invalid or divide-by-zero for any input, and none raises overflow: an infinite result is
 *   selected, not computed. GCC vectorises even isless() into a signalling compare (which raises
 *   invalid on a quiet NaN), so NaN lanes are found with integer operations and replaced by 0
 *   before any ordered comparison; the NaN is selected back at the end.
 * - Special values: NaN in, the same NaN out; +-inf give the limits; INFINITY, never 1/0.
 */
#ifndef AK_ELEMENTARY_H
#define AK_ELEMENTARY_H

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define AK_DEVICE 1
#define AK_FN static __device__ __forceinline__
typedef int ak_i32;
typedef unsigned int ak_u32;
typedef long long ak_i64;
typedef unsigned long long ak_u64;
#define AK_FMA(a, b, c) fma((a), (b), (c))
#define AK_FMAF(a, b, c) fmaf((a), (b), (c))
#pragma nv_diag_suppress 177 /* a kernel uses only some of these static functions */
#else
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__GNUC__)
/* always_inline: GCC inlines a function into a target_clones clone of another -march only then */
#define AK_FN static inline __attribute__((always_inline))
#else
#define AK_FN static inline
#endif
typedef int32_t ak_i32;
typedef uint32_t ak_u32;
typedef int64_t ak_i64;
typedef uint64_t ak_u64;
#if defined(__GNUC__)
#define AK_FMA(a, b, c) __builtin_fma((a), (b), (c))
#define AK_FMAF(a, b, c) __builtin_fmaf((a), (b), (c))
#else
#define AK_FMA(a, b, c) fma((a), (b), (c))
#define AK_FMAF(a, b, c) fmaf((a), (b), (c))
#endif
#endif

/* ---------------------------------------------------------------------------------------------
 * Bits, masks and selects. A mask is all ones (true) or all zeros (false), in the lane's width.
 */
AK_FN ak_u32 ak_bits_f(float x)
{
#ifdef AK_DEVICE
    return __float_as_uint(x);
#else
    ak_u32 u;
    memcpy(&u, &x, sizeof u);
    return u;
#endif
}

AK_FN float ak_from_bits_f(ak_u32 u)
{
#ifdef AK_DEVICE
    return __uint_as_float(u);
#else
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
#endif
}

AK_FN ak_u64 ak_bits_d(double x)
{
#ifdef AK_DEVICE
    return (ak_u64)__double_as_longlong(x);
#else
    ak_u64 u;
    memcpy(&u, &x, sizeof u);
    return u;
#endif
}

AK_FN double ak_from_bits_d(ak_u64 u)
{
#ifdef AK_DEVICE
    return __longlong_as_double((long long)u);
#else
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
#endif
}

#define AK_INF_F ak_from_bits_f(0x7f800000u)
#define AK_INF_D ak_from_bits_d(0x7ff0000000000000ull)
#define AK_NAN_F ak_from_bits_f(0x7fc00000u)
#define AK_NAN_D ak_from_bits_d(0x7ff8000000000000ull)

/* c is 0 or 1 (a comparison) */
AK_FN ak_u32 ak_mask_f(int c) { return (ak_u32)0 - (ak_u32)c; }
AK_FN ak_u64 ak_mask_d(int c) { return (ak_u64)0 - (ak_u64)c; }

AK_FN float ak_sel_f(ak_u32 m, float a, float b)
{
    return ak_from_bits_f((ak_bits_f(a) & m) | (ak_bits_f(b) & ~m));
}

AK_FN double ak_sel_d(ak_u64 m, double a, double b)
{
    return ak_from_bits_d((ak_bits_d(a) & m) | (ak_bits_d(b) & ~m));
}

AK_FN ak_i32 ak_seli_f(ak_u32 m, ak_i32 a, ak_i32 b) { return (ak_i32)(((ak_u32)a & m) | ((ak_u32)b & ~m)); }
AK_FN ak_i64 ak_seli_d(ak_u64 m, ak_i64 a, ak_i64 b) { return (ak_i64)(((ak_u64)a & m) | ((ak_u64)b & ~m)); }

/* Quiet classification: integer operations only, never a floating-point flag. */
AK_FN ak_u32 ak_isnan_f(float x) { return ak_mask_f((ak_bits_f(x) & 0x7fffffffu) > 0x7f800000u); }
AK_FN ak_u64 ak_isnan_d(double x)
{
    return ak_mask_d((ak_bits_d(x) & 0x7fffffffffffffffull) > 0x7ff0000000000000ull);
}
AK_FN ak_u32 ak_isinf_f(float x) { return ak_mask_f((ak_bits_f(x) & 0x7fffffffu) == 0x7f800000u); }
AK_FN ak_u64 ak_isinf_d(double x)
{
    return ak_mask_d((ak_bits_d(x) & 0x7fffffffffffffffull) == 0x7ff0000000000000ull);
}

AK_FN float ak_abs_f(float x) { return ak_from_bits_f(ak_bits_f(x) & 0x7fffffffu); }
AK_FN double ak_abs_d(double x) { return ak_from_bits_d(ak_bits_d(x) & 0x7fffffffffffffffull); }
/* |mag| with the sign of sgn */
AK_FN float ak_copysign_f(float mag, float sgn)
{
    return ak_from_bits_f((ak_bits_f(mag) & 0x7fffffffu) | (ak_bits_f(sgn) & 0x80000000u));
}
AK_FN double ak_copysign_d(double mag, double sgn)
{
    return ak_from_bits_d((ak_bits_d(mag) & 0x7fffffffffffffffull) | (ak_bits_d(sgn) & 0x8000000000000000ull));
}

/* NaN lanes replaced by 0, so that ordered comparisons cannot raise invalid. */
AK_FN float ak_unnan_f(float x) { return ak_sel_f(ak_isnan_f(x), 0.0f, x); }
AK_FN double ak_unnan_d(double x) { return ak_sel_d(ak_isnan_d(x), 0.0, x); }

/* min(max(x, lo), hi) for x without NaN */
AK_FN float ak_clamp_f(float x, float lo, float hi)
{
    x = ak_sel_f(ak_mask_f(x < lo), lo, x);
    return ak_sel_f(ak_mask_f(x > hi), hi, x);
}
AK_FN double ak_clamp_d(double x, double lo, double hi)
{
    x = ak_sel_d(ak_mask_d(x < lo), lo, x);
    return ak_sel_d(ak_mask_d(x > hi), hi, x);
}

/* ---------------------------------------------------------------------------------------------
 * Error-free transformations.
 */
/* s + e = a + b exactly, for |a| >= |b| (or a = 0) */
AK_FN void ak_fast_two_sum_d(double a, double b, double *s, double *e)
{
    *s = a + b;
    *e = b - (*s - a);
}
/* s + e = a + b exactly, any order (Knuth) */
AK_FN void ak_two_sum_d(double a, double b, double *s, double *e)
{
    double t, u;
    *s = a + b;
    t = *s - a;
    u = *s - t;
    *e = (a - u) + (b - t);
}
/* p + e = a * b exactly (no overflow or underflow) */
AK_FN void ak_two_prod_d(double a, double b, double *p, double *e)
{
    *p = a * b;
    *e = AK_FMA(a, b, -*p);
}

/* ---------------------------------------------------------------------------------------------
 * Powers of two and scaling.
 */
/* 2^k for -1022 <= k <= 1023 */
AK_FN double ak_pow2_d(ak_i64 k) { return ak_from_bits_d((ak_u64)(k + 1023) << 52); }

/* v 2^k in two steps, so that only the second product can round (into the subnormal range):
 * |k| <= 2044 and the result finite. */
AK_FN double ak_scale_d(double v, ak_i64 k)
{
    ak_i64 k1 = k >> 1; /* floor(k / 2): an arithmetic shift on every compiler this targets */
    return (v * ak_pow2_d(k1)) * ak_pow2_d(k - k1);
}

#include "coefficients.h"

/* ---------------------------------------------------------------------------------------------
 * exp: the core. For finite x and a small correction xl, e^(x + xl) = 2^k (hi + lo) with
 * hi + lo in [0.70, 1.42] to about 2^-61 relative. Cody-Waite: k = round(x / ln2) by the
 * shifter trick (no float-to-int conversion), r = x - k ln2 in two pieces (ln2_hi has 32
 * significant bits, so k ln2_hi is exact) and r's rounding error dr recovered;
 *     e^(r + dr) - 1 = r + r^2/2 + r^3 Q1(r) + dr e^r,
 * with r^2 exact (TwoProd) and the sum carried as hi + lo. Q1 is fitted relative to expm1(r),
 * so that expm1, whose result can be much smaller than e^r, is covered too.
 * Valid (the reduction) for -1400 <= x <= 1000; the caller scales by 2^k.
 */
#define AK_LOG2E_D 0x1.71547652b82fep+0
#define AK_LN2HI_D 0x1.62e42fee00000p-1 /* 32 significant bits: k ln2_hi exact for |k| < 2^21 */
#define AK_LN2LO_D 0x1.a39ef35793c76p-33
#define AK_SHIFT_D 0x1.8p+52            /* 1.5 2^52: t + shift rounds t to an integer */

/* hi + lo = e^(r + dr) - 1 for |r| <= ln2/2 + tiny, |dr| <= ulp(r) */
AK_FN void ak_expm1_small_d(double r, double dr, double *hi, double *lo)
{
    double p, pe, h, a, ae, t;
    ak_two_prod_d(r, r, &p, &pe);
    h = 0.5 * p; /* exact */
    t = 0.5 * pe + AK_FMA(r * p, ak_poly_expm1q_d(r), dr * ((1.0 + r) + h));
    ak_fast_two_sum_d(r, h, &a, &ae); /* |r| >= r^2 / 2 */
    ak_fast_two_sum_d(a, ae + t, hi, lo);
}

/* k, and u = e^(x + xl - k ln2) - 1 as hi + lo */
AK_FN void ak_exp_reduce_d(double x, double xl, ak_i64 *k, double *hi, double *lo)
{
    double t = AK_FMA(x, AK_LOG2E_D, AK_SHIFT_D);
    double kf = t - AK_SHIFT_D;
    double r_hi = AK_FMA(-kf, AK_LN2HI_D, x); /* exact */
    double c = AK_FMA(kf, AK_LN2LO_D, -xl);
    double r = r_hi - c;
    double dr = (r_hi - r) - c;
    *k = (ak_i64)(ak_bits_d(t) - ak_bits_d(AK_SHIFT_D));
    ak_expm1_small_d(r, dr, hi, lo);
}

/* e^(x + xl) = 2^k (hi + lo), hi + lo = 1 + u unevaluated */
AK_FN void ak_exp_core_d(double x, double xl, ak_i64 *k, double *hi, double *lo)
{
    double u_hi, u_lo, e;
    ak_exp_reduce_d(x, xl, k, &u_hi, &u_lo);
    ak_fast_two_sum_d(1.0, u_hi, hi, &e);
    *lo = e + u_lo;
}

/* v 2^k, and +inf without raising overflow where it overflows, for v in [0.25, 2):
 * v has at most 53 bits, so v 2^k is exact unless it reaches 2^1024. */
AK_FN double ak_scale_sat_d(double v, ak_i64 k)
{
    ak_u64 over = ak_mask_d(k > 1025) | (ak_mask_d(k == 1025) & ak_mask_d(v >= 0.5))
                  | (ak_mask_d(k == 1024) & ak_mask_d(v >= 1.0));
    double r = ak_scale_d(v, ak_seli_d(over, 0, k));
    return ak_sel_d(over, AK_INF_D, r);
}

/* double to float, rounded once; +-inf (selected, without the overflow flag) beyond the range */
AK_FN float ak_narrow(double v)
{
    ak_u64 big = ak_mask_d(ak_abs_d(ak_unnan_d(v)) >= 0x1.ffffffp+127);
    float r = (float)ak_sel_d(big, 0.0, v);
    float inf = ak_from_bits_f(0x7f800000u | ((ak_u32)(ak_bits_d(v) >> 32) & 0x80000000u));
    return ak_sel_f((ak_u32)big, inf, r);
}

AK_FN double ak_exp_d(double x)
{
    ak_i64 k;
    double hi, lo;
    double xs = ak_clamp_d(ak_unnan_d(x), -746.0, 710.0); /* e^-746 rounds to 0, e^710 to inf */
    ak_exp_core_d(xs, 0.0, &k, &hi, &lo);
    return ak_sel_d(ak_isnan_d(x), x, ak_scale_sat_d(hi + lo, k));
}

/* ---------------------------------------------------------------------------------------------
 * expm1(x) = 2^k (e^r - 1 + (1 - 2^-k)): A + A_lo = 1 - 2^-k by TwoSum (exact), then A + u by
 * Fast2Sum (|A| >= 1/2 >= |u| unless k = 0, where A = 0), one rounding of the sum, and the
 * scaling, which is exact here. Below -40 the result is -1 to the last bit; k is capped at 80
 * in 2^-k, where 2^-k no longer matters.
 */
/* expm1(y) = 2^k (hi + lo), hi + lo to about 2^-60 before rounding, for NaN-free y in [-40, 710] */
AK_FN void ak_expm1_parts_d(double y, ak_i64 *k, double *hi, double *lo)
{
    double u_hi, u_lo, a, a_lo, e;
    ak_exp_reduce_d(y, 0.0, k, &u_hi, &u_lo);
    ak_two_sum_d(1.0, -ak_pow2_d(-ak_seli_d(ak_mask_d(*k > 80), 80, *k)), &a, &a_lo);
    ak_fast_two_sum_d(a, u_hi, hi, &e);
    *lo = (e + u_lo) + a_lo;
}
AK_FN double ak_expm1_core_d(double y) /* NaN-free y in [-40, 710] */
{
    ak_i64 k;
    double hi, lo;
    ak_expm1_parts_d(y, &k, &hi, &lo);
    return ak_sel_d(ak_mask_d(y == 0.0), y, ak_scale_sat_d(hi + lo, k)); /* -0 stays */
}
AK_FN double ak_expm1_d(double x)
{
    return ak_sel_d(ak_isnan_d(x), x, ak_expm1_core_d(ak_clamp_d(ak_unnan_d(x), -40.0, 710.0)));
}

/* ---------------------------------------------------------------------------------------------
 * log1p(x): 1 + x = u + c exactly (TwoSum), u = 2^k m with m in [sqrt(2)/2, sqrt(2)) read
 * from the bits, f = m - 1 (exact), and, as in fdlibm,
 *     log1p(x) = k ln2 + f - (f^2/2 - s (f^2/2 + R)) + c/u,   s = f / (2 + f), R = s^2 T(s^2),
 * with c/u to a few bits (it is below an ulp of the result) and the last two additions carried
 * as hi + lo and rounded once. log1p(-1) = -inf and log1p(x < -1) = NaN, both without a flag.
 */
AK_FN double ak_log1p_d(double x)
{
    double xs = ak_unnan_d(x);
    ak_u64 minus_one = ak_mask_d(xs == -1.0);
    ak_u64 below = ak_mask_d(xs < -1.0);
    double u, c, m, f, s, w, hfsq, r, kf, inner, v, v_lo, y, y_lo, c_over_u;
    ak_i64 k;
    ak_u64 ix;
    xs = ak_sel_d(minus_one | below, 0.0, ak_clamp_d(xs, -1.0, 1.7976931348623157e+308));
    ak_two_sum_d(1.0, xs, &u, &c);
    ix = ak_bits_d(u) + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull); /* m in [sqrt(2)/2, sqrt(2)) */
    k = (ak_i64)(ix >> 52) - 1023;
    m = ak_from_bits_d((ix & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull);
    f = m - 1.0;
    s = f / (2.0 + f);
    w = s * s;
    r = w * ak_poly_log1pt_d(w);
    hfsq = 0.5 * f * f;
    /* c/u = c 2^-k / m, 1/m = (1 - s)/(1 + s) ~ (1 - s)(1 - s + s^2): 3 bits suffice, 8 are kept */
    c_over_u = (c * ak_pow2_d(-ak_seli_d(ak_mask_d(k > 1000), 1000, k))) * ((1.0 - s) * ((1.0 - s) + w));
    c_over_u = ak_sel_d(ak_mask_d(k > 1000), 0.0, c_over_u);
    kf = (double)k;
    inner = hfsq - (s * (hfsq + r) + (kf * AK_LN2LO_D + c_over_u));
    ak_two_sum_d(f, -inner, &v, &v_lo);
    ak_fast_two_sum_d(kf * AK_LN2HI_D, v, &y, &y_lo);
    y = y + (y_lo + v_lo);
    y = ak_sel_d(ak_mask_d(x == AK_INF_D) | ak_mask_d(xs == 0.0), x, y); /* +inf, and -0 stays */
    y = ak_sel_d(minus_one, -AK_INF_D, ak_sel_d(below, AK_NAN_D, y));
    return ak_sel_d(ak_isnan_d(x), x, y);
}

/* ---------------------------------------------------------------------------------------------
 * exp in float, for the float32 kernels that compute in float (16 lanes where double has 8, and
 * a float division at a third of a double one's cost). e^x = 2^k (hi + lo) for NaN-free x in
 * [-200, 89], hi + lo to about 2^-28 relative: r = x - k ln2 with ln2_hi of 15 bits (exact) and
 * r's rounding error recovered, e^r = 1 + r + r^2 Q(r) with 1 + r exact as hi + lo.
 */
#define AK_LOG2E_F 0x1.715476p+0f
#define AK_LN2HI_F 0x1.62e4p-1f /* 15 significant bits: k ln2_hi exact for |k| < 512 */
#define AK_LN2LO_F 0x1.7f7d1cp-20f
#define AK_SHIFT_F 0x1.8p+23f

AK_FN float ak_expv_f(float x, ak_i32 *k, float *lo)
{
    float t = AK_FMAF(x, AK_LOG2E_F, AK_SHIFT_F);
    float kf = t - AK_SHIFT_F;
    float r_hi = AK_FMAF(-kf, AK_LN2HI_F, x); /* exact */
    float r = AK_FMAF(-kf, AK_LN2LO_F, r_hi);
    float dr = AK_FMAF(-kf, AK_LN2LO_F, r_hi - r); /* r_hi - r exact: dr = r_hi - k ln2_lo - r */
    float q = AK_FMAF(r * r, ak_poly_expq_f(r), dr);
    float hi = 1.0f + r;
    *k = (ak_i32)(ak_bits_f(t) - ak_bits_f(AK_SHIFT_F));
    *lo = ((1.0f - hi) + r) + q; /* Fast2Sum's error, |1| >= |r|, plus the rest */
    return hi;
}

/* s + e = a + b exactly: for |a| >= |b| or a = 0 (Fast2Sum), in any order (TwoSum) */
AK_FN void ak_fast_two_sum_f(float a, float b, float *s, float *e)
{
    *s = a + b;
    *e = b - (*s - a);
}
AK_FN void ak_two_sum_f(float a, float b, float *s, float *e)
{
    float t, u;
    *s = a + b;
    t = *s - a;
    u = *s - t;
    *e = (a - u) + (b - t);
}

/* expm1(y) = 2^k (hi + lo) for NaN-free y in [-18, 0] (where the float32 kernels need it:
 * below -17.3 it is -1 to the last bit), as in double: 1 - 2^-k = A + A_lo exactly, A + u by
 * Fast2Sum (|A| >= 1/2 >= |u| unless k = 0, where A = 0), to about 2^-28 before rounding */
AK_FN void ak_expm1_parts_f(float y, ak_i32 *k, float *hi, float *lo)
{
    float t = AK_FMAF(y, AK_LOG2E_F, AK_SHIFT_F);
    float kf = t - AK_SHIFT_F;
    float r_hi = AK_FMAF(-kf, AK_LN2HI_F, y);
    float r = AK_FMAF(-kf, AK_LN2LO_F, r_hi);
    float dr = AK_FMAF(-kf, AK_LN2LO_F, r_hi - r);
    float q = AK_FMAF(r * r, ak_poly_expq_f(r), dr); /* e^r - 1 = r + q */
    float u, u_lo, a, a_lo, e;
    *k = (ak_i32)(ak_bits_f(t) - ak_bits_f(AK_SHIFT_F));
    ak_fast_two_sum_f(r, q, &u, &u_lo); /* |r| >= |q| */
    ak_two_sum_f(1.0f, -ak_from_bits_f((ak_u32)(127 - *k) << 23), &a, &a_lo); /* 1 - 2^-k, k <= 0 */
    ak_fast_two_sum_f(a, u, hi, &e);
    *lo = (e + u_lo) + a_lo;
}

/* v 2^k for v in [0.5, 2) and -190 <= k <= 63 (float), -1534 <= k <= 511 (double): the
 * exponent added to v's bits with an offset (exact: the result is normal), then one product by
 * the inverse power of two, the only rounding (into the subnormal range). Three operations. */
AK_FN float ak_scale_bits_f(float v, ak_i32 k)
{
    return ak_from_bits_f(ak_bits_f(v) + ((ak_u32)(k + 64) << 23)) * 0x1p-64f;
}
AK_FN double ak_scale_bits_d(double v, ak_i64 k)
{
    return ak_from_bits_d(ak_bits_d(v) + ((ak_u64)(k + 512) << 52)) * 0x1p-512;
}

/* |x| clamped to [0, hi] by integer operations on the bits (NaN and +-inf give hi) */
AK_FN float ak_abs_clamp_f(float x, float hi)
{
    ak_u32 a = ak_bits_f(x) & 0x7fffffffu, h = ak_bits_f(hi);
    ak_u32 m = ak_mask_f(a < h); /* an unsigned integer comparison: no flag */
    return ak_from_bits_f((a & m) | (h & ~m));
}
AK_FN double ak_abs_clamp_d(double x, double hi)
{
    ak_u64 a = ak_bits_d(x) & 0x7fffffffffffffffull, h = ak_bits_d(hi);
    ak_u64 m = ak_mask_d(a < h);
    return ak_from_bits_d((a & m) | (h & ~m));
}

/* e^x = 2^k v for NaN-free x in [-200, 89], v = 1 + (r + q) rounded once: within 0.51 ulp of
 * e^x / 2^k (for the kernels whose quotient correction leaves the rest to e's accuracy) */
AK_FN float ak_expv1_f(float x, ak_i32 *k)
{
    float t = AK_FMAF(x, AK_LOG2E_F, AK_SHIFT_F);
    float kf = t - AK_SHIFT_F;
    float r_hi = AK_FMAF(-kf, AK_LN2HI_F, x);
    float r = AK_FMAF(-kf, AK_LN2LO_F, r_hi);
    float dr = AK_FMAF(-kf, AK_LN2LO_F, r_hi - r);
    *k = (ak_i32)(ak_bits_f(t) - ak_bits_f(AK_SHIFT_F));
    return 1.0f + (r + AK_FMAF(r * r, ak_poly_expq_f(r), dr));
}

/* 2^k for -126 <= k <= 127 */
AK_FN float ak_pow2_f(ak_i32 k) { return ak_from_bits_f((ak_u32)(k + 127) << 23); }

/* v 2^k rounded once (into the subnormal range): two steps for k >= -252, three for
 * k >= -378 (products m e^z with a large m), 0 below; the result must not overflow */
AK_FN float ak_scale_f(float v, ak_i32 k)
{
    ak_i32 k1 = k >> 1;
    return (v * ak_pow2_f(k1)) * ak_pow2_f(k - k1);
}
AK_FN float ak_scale3_f(float v, ak_i32 k)
{
    ak_i32 kc = ak_seli_f(ak_mask_f(k < -378), -378, k);
    ak_i32 k1 = kc / 3;
    ak_i32 k2 = (kc - k1) / 2;
    return ((v * ak_pow2_f(k1)) * ak_pow2_f(k2)) * ak_pow2_f(kc - k1 - k2);
}

/* float: the double functions, rounded once (their error is a few units of 2^-53) */
AK_FN float ak_exp_f(float x) { return ak_narrow(ak_exp_d((double)x)); }
AK_FN float ak_expm1_f(float x) { return ak_narrow(ak_expm1_d((double)x)); }
AK_FN float ak_log1p_f(float x) { return (float)ak_log1p_d((double)x); }

/* ---------------------------------------------------------------------------------------------
 * erfc. For z >= 0, erfc(z) = e^(-z^2) X(z), X = erfcx, from one of two expansions:
 *   z <  2.25:  1 / X(z) = D(z) = 1 + (2/sqrt(pi)) z + z^2 d(z),
 *   z >= 2.25:  X(z) = (1/z) Y(u),  Y(u) = 1/sqrt(pi) + u Y1(u),  u = 1/z^2,
 * with d and Y1 minimax polynomials. Both are computed in every lane and one division serves
 * both (of D in the first region, of z in the second). erfc(-z) = 2 - erfc(z).
 */
#define AK_TWO_OVER_SQRTPI_HI 0x1.20dd750429b6dp+0
#define AK_TWO_OVER_SQRTPI_LO 0x1.1ae3a914fed80p-56
#define AK_INV_SQRTPI_HI 0x1.20dd750429b6dp-1
#define AK_INV_SQRTPI_LO 0x1.1ae3a914fed80p-57
#define AK_ERFC_SPLIT 2.25

/* X(z) = erfcx(z) for 0 <= z <= 28 in plain double: a few ulp, or with lowp (for float32
 * results) about 2^-32 relative, from the shorter polynomials. One division either way. */
AK_FN double ak_erfcx_d(double z, int lowp)
{
    ak_u64 near = ak_mask_d(z < AK_ERFC_SPLIT);
    double d = 1.0 + z * AK_FMA(z, lowp ? ak_poly_erfcd_df(z) : ak_poly_erfcd_d(z), AK_TWO_OVER_SQRTPI_HI);
    double inv = 1.0 / ak_sel_d(near, d, z);
    double u = inv * inv;
    double y = AK_FMA(u, lowp ? ak_poly_erfcy_df(u) : ak_poly_erfcy_d(u), AK_INV_SQRTPI_HI);
    return ak_sel_d(near, inv, inv * y);
}

/* ---------------------------------------------------------------------------------------------
 * Float-accuracy cores, for float32 results computed in double (relative error about 2^-34,
 * below a thousandth of a float ulp, so the one final rounding to float dominates).
 */
/* e^z = 2^k v for NaN-free z in [-1400, 1000]: v in [0.7, 1.42] */
AK_FN double ak_expv_df(double z, ak_i64 *k)
{
    double t = AK_FMA(z, AK_LOG2E_D, AK_SHIFT_D);
    double kf = t - AK_SHIFT_D;
    double r = AK_FMA(-kf, AK_LN2LO_D, AK_FMA(-kf, AK_LN2HI_D, z));
    *k = (ak_i64)(ak_bits_d(t) - ak_bits_d(AK_SHIFT_D));
    return 1.0 + AK_FMA(r * r, AK_FMA(r, ak_poly_expm1q_df(r), 0.5), r);
}
/* expm1(y) for NaN-free y in [-40, 700]: 2^k (1 + u) - 1 = fma(2^k, u, 2^k - 1), 2^k - 1 exact */
AK_FN double ak_expm1_df(double y)
{
    double t = AK_FMA(y, AK_LOG2E_D, AK_SHIFT_D);
    double kf = t - AK_SHIFT_D;
    double r = AK_FMA(-kf, AK_LN2LO_D, AK_FMA(-kf, AK_LN2HI_D, y));
    ak_i64 k = (ak_i64)(ak_bits_d(t) - ak_bits_d(AK_SHIFT_D));
    double u = AK_FMA(r * r, AK_FMA(r, ak_poly_expm1q_df(r), 0.5), r);
    double p = ak_pow2_d(k);
    return ak_sel_d(ak_mask_d(y == 0.0), y, AK_FMA(p, u, p - 1.0)); /* -0 stays */
}

/* For 0 <= z <= 28: e^(-z^2) = 2^k (e_hi + e_lo) and X(z) = erfcx(z) = x_hi + x_lo, each to
 * about 2^-57 relative: erfc(z) = e^(-z^2) X(z). */
AK_FN void ak_erfc_parts_d(double z, ak_i64 *k, double *e_hi, double *e_lo, double *x_hi, double *x_lo)
{
    ak_u64 near = ak_mask_d(z < AK_ERFC_SPLIT);
    double zz, zz_lo, p, p_lo, d_hi, d_lo, t, t_lo, den, den_lo;
    double inv, q, q_lo, inv_lo, u, y_hi, y_lo, f_hi, f_lo;
    ak_two_prod_d(z, z, &zz, &zz_lo);
    ak_exp_core_d(-zz, -zz_lo, k, e_hi, e_lo);
    /* D = 1 + (2/sqrt pi) z + z^2 d(z), as d_hi + d_lo */
    ak_two_prod_d(AK_TWO_OVER_SQRTPI_HI, z, &p, &p_lo);
    p_lo = AK_FMA(AK_TWO_OVER_SQRTPI_LO, z, p_lo);
    ak_two_sum_d(1.0, p, &t, &t_lo);
    ak_fast_two_sum_d(t, AK_FMA(zz, ak_poly_erfcd_d(z), t_lo + p_lo), &d_hi, &d_lo);
    /* 1 / D (first region) or 1 / z (second), as inv + inv_lo */
    den = ak_sel_d(near, d_hi, z);
    den_lo = ak_sel_d(near, d_lo, 0.0);
    inv = 1.0 / den;
    ak_two_prod_d(inv, den, &q, &q_lo);
    inv_lo = (((1.0 - q) - q_lo) - inv * den_lo) * inv;
    /* Y = 1/sqrt(pi) + u Y1(u) (second region; |u Y1| < 0.06), 1 (first) */
    u = inv * inv;
    ak_fast_two_sum_d(AK_INV_SQRTPI_HI, u * ak_poly_erfcy_d(u), &y_hi, &y_lo);
    y_lo = y_lo + AK_INV_SQRTPI_LO;
    f_hi = ak_sel_d(near, 1.0, y_hi);
    f_lo = ak_sel_d(near, 0.0, y_lo);
    /* X = inv F */
    ak_two_prod_d(inv, f_hi, x_hi, x_lo);
    *x_lo = *x_lo + AK_FMA(inv, f_lo, inv_lo * f_hi);
}

/* erfc(x) = 2^k (hi + lo) for 0 <= x <= 28, to about 2^-57 relative before rounding. */
AK_FN void ak_erfc_core_d(double z, ak_i64 *k, double *hi, double *lo)
{
    double e_hi, e_lo, x_hi, x_lo;
    ak_erfc_parts_d(z, k, &e_hi, &e_lo, &x_hi, &x_lo);
    ak_two_prod_d(e_hi, x_hi, hi, lo);
    *lo = *lo + AK_FMA(e_hi, x_lo, e_lo * x_hi);
}

AK_FN double ak_erfc_d(double x)
{
    double xs = ak_unnan_d(x);
    ak_u64 negative = ak_mask_d(xs < 0.0);
    double z = ak_clamp_d(ak_abs_d(xs), 0.0, 28.0); /* erfc(27.3) rounds to 0 */
    double hi, lo, s, e, qh, ql;
    ak_i64 k;
    ak_erfc_core_d(z, &k, &hi, &lo);
    /* x >= 0: (hi + lo) 2^k, rounded once (twice, harmlessly, if subnormal) */
    /* x < 0: 2 - (hi + lo) 2^k, where 2^k (hi + lo) <= 1 */
    qh = ak_scale_d(hi, k);
    ql = ak_scale_d(lo, k);
    ak_fast_two_sum_d(2.0, -qh, &s, &e);
    return ak_sel_d(ak_isnan_d(x), x, ak_sel_d(negative, s + (e - ql), ak_scale_d(hi + lo, k)));
}

/* float: in double, rounded once. e^(-z^2) is exact to double precision (z has 24 bits). */
AK_FN float ak_erfc_f(float x)
{
    float xs = ak_unnan_f(x);
    double z = (double)ak_clamp_f(ak_abs_f(xs), 0.0f, 11.0f); /* erfcf(10.06) rounds to 0 */
    double q = ak_exp_d(-(z * z)) * ak_erfcx_d(z, 1);
    double r = ak_sel_d(ak_mask_d(xs < 0.0f), 2.0 - q, q);
    return ak_sel_f(ak_isnan_f(x), x, (float)r);
}

#endif /* AK_ELEMENTARY_H */
