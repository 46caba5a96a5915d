/* Element-wise bodies of the compiled activations: forward, derivative, backward g f'(x), and
 * backward from the output where that keeps full accuracy, as functions of scalars.
 *
 * The same C subset as elementary.h (which it includes): it builds into the NumPy ufuncs and,
 * as a CuPy ElementwiseKernel preamble, into GPU code. Each function reproduces the semantics of
 * the bundled plugin's NumPy formula (plugins/<family>.py): the kink conventions, NaN
 * propagation, signed zeros and infinities, bit for bit at those special inputs, and is at
 * least as accurate elsewhere (see docs/accuracy.md, "Compiled kernels").
 *
 * Names: ak_<activation>_<fwd|der|bwd|bwo>_<f|d>: fwd f(x), der f'(x), bwd g f'(x), bwo g f'(x)
 * from y = f(x). Parameters follow the PyTorch names, in the dtype of x.
 *
 * Precision: every transcendental kernel is written once, in double, with a constant flag
 * lowp (folded away after inlining). float64 kernels (lowp = 0) use the accurate cores of
 * elementary.h (exp to 2^-61 before its last rounding); float32 kernels (lowp = 1) compute in
 * double with the float-accuracy cores (2^-34) and round once, so their error is about half a
 * float ulp. The piecewise-linear family computes in the dtype itself (it is exact).
 *
 * Flags: products g f'(x) are NaN where f'(x) is 0 and g infinite, as in NumPy, but quietly
 * (ak_grad_*); they raise overflow only where the true product overflows (as np.multiply does
 * in the plugins). Elsewhere no kernel raises overflow: where the true value overflows the
 * infinity is selected (the plugins use a narrow np.errstate there).
 */
#ifndef AK_KERNELS_H
#define AK_KERNELS_H

#include "elementary.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers
 */
/* g d, and NaN (without the invalid flag) where g is infinite and d is zero */
AK_FN float ak_grad_f(float g, float d)
{
    ak_u32 bad = ak_isinf_f(g) & ak_mask_f((ak_bits_f(d) & 0x7fffffffu) == 0u);
    return ak_sel_f(bad, AK_NAN_F, ak_sel_f(bad, 0.0f, g) * d);
}
AK_FN double ak_grad_d(double g, double d)
{
    ak_u64 bad = ak_isinf_d(g) & ak_mask_d((ak_bits_d(d) & 0x7fffffffffffffffull) == 0ull);
    return ak_sel_d(bad, AK_NAN_D, ak_sel_d(bad, 0.0, g) * d);
}

/* e^z = 2^k v, v in [0.7, 1.42], for NaN-free z in [-1400, 1000]; the caller scales */
AK_FN double ak_expv(double z, ak_i64 *k, int lowp)
{
    double hi, lo;
    if (lowp) return ak_expv_df(z, k);
    ak_exp_core_d(z, 0.0, k, &hi, &lo);
    return hi + lo;
}

/* v 2^k rounded once, for |v| < 4 and k <= 1 (0 where it underflows entirely) */
AK_FN double ak_scale_down_d(double v, ak_i64 k)
{
    return ak_scale_d(v, ak_seli_d(ak_mask_d(k < -2040), -2040, k));
}

/* v 2^k for a mantissa v in [0.5, 2) and k <= 511: ak_scale_bits_d (0 below 2^-1534) */
AK_FN double ak_scale_v_d(double v, ak_i64 k)
{
    return ak_scale_bits_d(v, ak_seli_d(ak_mask_d(k < -1534), -1534, k));
}

/* e^-a for NaN-free a >= 0 (0 beyond 745) */
AK_FN double ak_expn(double a, int lowp)
{
    ak_i64 k;
    double v = ak_expv(-ak_clamp_d(a, 0.0, 1400.0), &k, lowp);
    return ak_scale_v_d(v, k);
}

/* e^-a = hi + lo (accurate core, lo scaled with hi) for NaN-free a >= 0 */
AK_FN void ak_expn2(double a, double *hi, double *lo)
{
    ak_i64 k;
    double vh, vl;
    ak_exp_core_d(-ak_clamp_d(a, 0.0, 1400.0), 0.0, &k, &vh, &vl);
    *hi = ak_scale_v_d(vh, k);
    /* lo 2^k, or 0 where e^-a is subnormal (lo is then far below its last place) */
    *lo = ak_sel_d(ak_mask_d(k < -1022), 0.0, vl * ak_pow2_d(ak_seli_d(ak_mask_d(k < -1022), -1022, k)));
}

/* expm1(y) for NaN-free y in [-40, 700] */
AK_FN double ak_expm1_k(double y, int lowp) { return lowp ? ak_expm1_df(y) : ak_expm1_core_d(y); }

/* p 2^k rounded once for finite p (normal, subnormal or 0), +-inf where it overflows, without
 * the overflow flag */
AK_FN double ak_scale_any_sat_d(double p, ak_i64 k)
{
    ak_u64 sub = ak_mask_d(ak_abs_d(p) < 0x1p-1022);
    double pn = p * ak_sel_d(sub, 0x1p+64, 1.0); /* subnormal: normalised exactly */
    ak_i64 e = (ak_i64)((ak_bits_d(pn) >> 52) & 0x7ffull) - 1023 - ak_seli_d(sub, 64, 0);
    double m = ak_from_bits_d((ak_bits_d(pn) & 0x800fffffffffffffull) | 0x3ff0000000000000ull);
    ak_i64 total = e + k;
    ak_u64 over = ak_mask_d(total > 1023) & ak_mask_d(p != 0.0);
    double r = ak_scale_d(m, ak_seli_d(ak_mask_d(total < -2040), -2040, ak_seli_d(over, 0, total)));
    r = ak_sel_d(ak_mask_d(p == 0.0), p, r);
    return ak_sel_d(over, ak_copysign_d(AK_INF_D, p), r);
}

/* a x exactly rounded, +-inf without the overflow flag where it overflows, for NaN-free x and
 * finite a (x may be infinite: then +-inf, or +0 if a is 0, where a x would be NaN) */
AK_FN double ak_mul_sat_d(double a, double x)
{
    ak_i64 ea = (ak_i64)((ak_bits_d(a) >> 52) & 0x7ffull) - 1023;
    ak_i64 ex = (ak_i64)((ak_bits_d(x) >> 52) & 0x7ffull) - 1023;
    double ma = ak_from_bits_d((ak_bits_d(a) & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
    double mx = ak_from_bits_d((ak_bits_d(x) & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
    double pm = ma * mx; /* in [1, 4]: overflow iff pm 2^(ea + ex) >= 2^1024 */
    ak_u64 over = (ak_mask_d(ea + ex > 1023) | (ak_mask_d(ea + ex == 1023) & ak_mask_d(pm >= 2.0)))
                  & ak_mask_d(a != 0.0);
    over = over | (ak_isinf_d(x) & ak_mask_d(a != 0.0));
    double r = a * ak_sel_d(over | ak_isinf_d(x), 0.0, x);
    double sign = ak_from_bits_d((ak_bits_d(a) ^ ak_bits_d(x)) & 0x8000000000000000ull);
    return ak_sel_d(over, ak_copysign_d(AK_INF_D, sign), r);
}

/* NumPy's clip(x, lo, 0) and clip(x, 0, inf): x itself at a bound (so -0.0 stays -0.0) */
AK_FN double ak_left_d(double xs, double lo)
{
    return ak_sel_d(ak_mask_d(xs > 0.0), 0.0, ak_sel_d(ak_mask_d(xs < lo), lo, xs));
}
AK_FN double ak_right_d(double xs) { return ak_sel_d(ak_mask_d(xs < 0.0), 0.0, xs); }

/* ---------------------------------------------------------------------------------------------
 * ReLU family: piecewise linear, exact; computed in the dtype itself.
 * NumPy semantics reproduced: clip(x, lo, hi) returns x itself at a bound (so -0.0 stays -0.0),
 * np.maximum/np.minimum of two equal zeros return the second operand.
 */
typedef ak_u32 ak_umask_f;
typedef ak_u64 ak_umask_d;

#define AK_DEFINE_RELU(T, S, ZERO, ONE)                                                            \
    /* relu: clip(x, 0, inf); f'(x) = [x > 0] (+0 at and below 0); the backward is the plugin's \
     * step(x) g, in which the step keeps the sign of -0.0 */                                  \
    AK_FN T ak_relu_fwd_##S(T x)                                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        return ak_sel_##S(ak_mask_##S(xs < ZERO), ZERO, x);                                    \
    }                                                                                          \
    AK_FN T ak_relu_der_##S(T x)                                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        return ak_sel_##S(ak_isnan_##S(x), x, ak_sel_##S(ak_mask_##S(xs > ZERO), ONE, ZERO));  \
    }                                                                                          \
    AK_FN T ak_relu_bwd_##S(T x, T g)                                                          \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        return ak_grad_##S(g, ak_sel_##S(ak_mask_##S(xs > ZERO), ONE, ak_relu_fwd_##S(x)));    \
    }                                                                                          \
    /* leaky_relu(a): x for x >= 0, a x below, f'(0) = a. 0 < a <= 1: max(x, a x) (so          \
     * f(-0) = -0); a = 0: ReLU; otherwise max(x, 0) + a min(x, 0) (f(-0) = +0); a x saturates \
     * to +-inf */                                                                             \
    AK_FN T ak_leaky_relu_fwd_##S(T x, T a)                                                    \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        ak_umask_##S m01 = ak_mask_##S(a > ZERO) & ak_mask_##S(a <= ONE);                      \
        T below = ak_sel_##S(m01 | ak_mask_##S(xs != ZERO), ak_leaky_product_##S(a, xs), ZERO); \
        T r = ak_sel_##S(ak_mask_##S(xs > ZERO) | (m01 & ak_mask_##S(xs == ZERO)), xs, below); \
        r = ak_sel_##S(ak_mask_##S(a == ZERO), ak_relu_fwd_##S(xs), r); /* a = 0: ReLU's zeros */ \
        return ak_sel_##S(ak_isnan_##S(x), x, r);                                              \
    }                                                                                          \
    AK_FN T ak_leaky_relu_der_##S(T x, T a)                                                    \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        T r = ak_sel_##S(ak_mask_##S(xs > ZERO), ONE, a + ZERO); /* a + 0: +0 for a = -0 */    \
        return ak_sel_##S(ak_isnan_##S(x), x, r);                                              \
    }                                                                                          \
    AK_FN T ak_leaky_relu_bwd_##S(T x, T g, T a) { return ak_grad_##S(g, ak_leaky_relu_der_##S(x, a)); } \
    /* hardtanh(lo, hi): clip(x, lo, hi); f'(x) = [lo < x < hi] (0 at both kinks) */            \
    AK_FN T ak_hardtanh_fwd_##S(T x, T lo, T hi)                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        T r = ak_sel_##S(ak_mask_##S(xs < lo), lo, ak_sel_##S(ak_mask_##S(xs > hi), hi, x));   \
        return ak_sel_##S(ak_isnan_##S(x), x, r);                                              \
    }                                                                                          \
    AK_FN T ak_hardtanh_der_##S(T x, T lo, T hi)                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        T r = ak_sel_##S(ak_mask_##S(xs > lo) & ak_mask_##S(xs < hi), ONE, ZERO);              \
        return ak_sel_##S(ak_isnan_##S(x), x, r);                                              \
    }                                                                                          \
    AK_FN T ak_hardtanh_bwd_##S(T x, T g, T lo, T hi)                                          \
    {                                                                                          \
        return ak_grad_##S(g, ak_hardtanh_der_##S(x, lo, hi));                                 \
    }                                                                                          \
    /* relu6: hardtanh(0, 6) */                                                                \
    AK_FN T ak_relu6_fwd_##S(T x) { return ak_hardtanh_fwd_##S(x, ZERO, (T)6); }               \
    AK_FN T ak_relu6_der_##S(T x) { return ak_hardtanh_der_##S(x, ZERO, (T)6); }               \
    AK_FN T ak_relu6_bwd_##S(T x, T g) { return ak_grad_##S(g, ak_relu6_der_##S(x)); }         \
    /* threshold(th, v): x above th, v at and below; f' = [x > th]. For v = th the plugin's    \
     * forward is clip(x, v, inf) + 0, and at th = 0 its backward keeps -0.0's sign (ReLU's) */ \
    AK_FN T ak_threshold_fwd_##S(T x, T th, T v)                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        T r = ak_sel_##S(ak_mask_##S(xs <= th), v, x);                                         \
        T clipped = ak_sel_##S(ak_mask_##S(xs < v), v, x) + ZERO;                              \
        r = ak_sel_##S(ak_mask_##S(v == th), clipped, r);                                      \
        return ak_sel_##S(ak_isnan_##S(x), x, r);                                              \
    }                                                                                          \
    AK_FN T ak_threshold_der_##S(T x, T th)                                                    \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        return ak_sel_##S(ak_isnan_##S(x), x, ak_sel_##S(ak_mask_##S(xs > th), ONE, ZERO));    \
    }                                                                                          \
    AK_FN T ak_threshold_bwd_##S(T x, T g, T th)                                               \
    {                                                                                          \
        T xs = ak_unnan_##S(x);                                                                \
        T kept = ak_sel_##S(ak_mask_##S(th == ZERO) & ak_mask_##S(xs == ZERO), x, ZERO);       \
        T step = ak_sel_##S(ak_isnan_##S(x), x, ak_sel_##S(ak_mask_##S(xs > th), ONE, kept));  \
        return ak_grad_##S(g, step);                                                           \
    }

/* a x for the leaky slope, for NaN-free x: with |a| <= 1 it cannot overflow (the usual case, a
 * test of the parameter, not of the data); otherwise exact in double and rounded once to
 * float with saturation, or saturated exactly in double */
AK_FN float ak_leaky_product_f(float a, float x)
{
    if (a >= -1.0f && a <= 1.0f) return a * ak_sel_f(ak_isinf_f(x) & ak_mask_f(a == 0.0f), 0.0f, x);
    return ak_narrow(ak_mul_sat_d((double)a, (double)x));
}
AK_FN double ak_leaky_product_d(double a, double x)
{
    if (a >= -1.0 && a <= 1.0) return a * ak_sel_d(ak_isinf_d(x) & ak_mask_d(a == 0.0), 0.0, x);
    return ak_mul_sat_d(a, x);
}

AK_DEFINE_RELU(float, f, 0.0f, 1.0f)
AK_DEFINE_RELU(double, d, 0.0, 1.0)

/* ---------------------------------------------------------------------------------------------
 * The transcendental kernels, once, in double: ak_<name>(..., lowp).
 */
/* sigmoid(z) = (z < 0 ? e : 1) / (1 + e), e = e^-|z|, for NaN-free z. In double, e and 1 + e
 * are carried as hi + lo and the quotient corrected once (q + (num - q d) / d), 1/d being
 * sigmoid(|z|): q itself (z >= 0) or 1 - q (z < 0). */
AK_FN double ak_sigmoid_k(double z, int lowp)
{
    double e, e_lo, d, d_lo, num, q, rho;
    ak_u64 neg = ak_mask_d(z < 0.0);
    if (lowp) {
        e = ak_expn(ak_abs_d(z), 1);
        return ak_sel_d(neg, e, 1.0) / (1.0 + e);
    }
    ak_expn2(ak_abs_d(z), &e, &e_lo);
    ak_fast_two_sum_d(1.0, e, &d, &d_lo);
    d_lo = d_lo + e_lo;
    num = ak_sel_d(neg, e, 1.0);
    q = num / d;
    rho = AK_FMA(-q, d, num) + ak_sel_d(neg, e_lo, 0.0);
    return AK_FMA(AK_FMA(-q, d_lo, rho), ak_sel_d(neg, 1.0 - q, q), q);
}
/* sigmoid'(z) = e / (1 + e)^2 */
AK_FN double ak_sigmoid_prime_k(double z, int lowp)
{
    double e = ak_expn(ak_abs_d(z), lowp);
    double d = 1.0 + e;
    return e / (d * d);
}

AK_FN double ak_sigmoid_fwd(double x, int lowp)
{
    return ak_sel_d(ak_isnan_d(x), x, ak_sigmoid_k(ak_unnan_d(x), lowp));
}
AK_FN double ak_sigmoid_der(double x, int lowp)
{
    return ak_sel_d(ak_isnan_d(x), x, ak_sigmoid_prime_k(ak_unnan_d(x), lowp));
}

/* log_sigmoid: min(x, 0) - log1p(e^-|x|); f' = sigmoid(-x); from y: -expm1(y) */
AK_FN double ak_log_sigmoid_fwd(double x, int lowp)
{
    double xs = ak_unnan_d(x);
    double r = ak_sel_d(ak_mask_d(xs < 0.0), xs, 0.0) - ak_log1p_d(ak_expn(ak_abs_d(xs), lowp));
    return ak_sel_d(ak_isnan_d(x), x, r);
}
AK_FN double ak_log_sigmoid_der(double x, int lowp)
{
    return ak_sel_d(ak_isnan_d(x), x, ak_sigmoid_k(-ak_unnan_d(x), lowp));
}
AK_FN double ak_log_sigmoid_bwo(double y, double g, int lowp)
{
    double em = ak_sel_d(ak_isnan_d(y), y, ak_expm1_k(ak_clamp_d(ak_unnan_d(y), -40.0, 0.0), lowp));
    return -ak_grad_d(g, em); /* em = -sigmoid(-x) */
}

/* softplus(beta): max(x, 0) + log1p(e^-|beta x|) / beta; f' = sigmoid(beta x);
 * from y (beta <= 1, chosen by the caller): -expm1(-beta y) */
AK_FN double ak_softplus_fwd(double x, double beta, int lowp)
{
    double xs = ak_unnan_d(x);
    double a = ak_clamp_d(ak_abs_d(xs), 0.0, 1400.0 / beta); /* beta |x| stays finite */
    double r = ak_log1p_d(ak_expn(beta * a, lowp)) / beta + ak_right_d(xs);
    return ak_sel_d(ak_isnan_d(x), x, r);
}
AK_FN double ak_softplus_der(double x, double beta, int lowp)
{
    double xs = ak_unnan_d(x);
    double z = beta * ak_clamp_d(xs, -1400.0 / beta, 1400.0 / beta);
    return ak_sel_d(ak_isnan_d(x), x, ak_sigmoid_k(z, lowp));
}
AK_FN double ak_softplus_bwo(double y, double g, double beta, int lowp)
{
    double z = ak_clamp_d(-(beta * ak_clamp_d(ak_unnan_d(y), 0.0, 40.0 / beta)), -40.0, 0.0);
    double em = ak_sel_d(ak_isnan_d(y), y, ak_expm1_k(z, lowp)); /* -sigmoid(beta x) */
    return -ak_grad_d(g, em);
}

/* tanh = sign(x) (-em / (2 + em)), em = expm1(-2|x|); tanh' = 4 e / (1 + e)^2, e = e^-2|x| */
AK_FN double ak_tanh_fwd(double x, int lowp)
{
    ak_i64 k;
    double em, em_lo, d, d_lo, q, rho, t;
    double a = ak_clamp_d(ak_abs_d(ak_unnan_d(x)), 0.0, 20.0); /* tanh(20) rounds to 1 */
    if (lowp) {
        em = ak_expm1_k(-2.0 * a, 1);
        t = -em / (2.0 + em);
    }
    else {
        /* em and 2 + em as hi + lo, the quotient corrected once; 1/(2 + em) = (1 + tanh)/2 */
        ak_expm1_parts_d(-2.0 * a, &k, &em, &em_lo); /* k <= 0: exact scaling */
        em = ak_scale_d(em, k);
        em_lo = ak_scale_d(em_lo, k);
        ak_fast_two_sum_d(2.0, em, &d, &d_lo);
        d_lo = d_lo + em_lo;
        q = -em / d;
        rho = AK_FMA(-q, d, -em) - em_lo;
        t = AK_FMA(AK_FMA(-q, d_lo, rho), AK_FMA(0.5, q, 0.5), q);
    }
    return ak_sel_d(ak_isnan_d(x), x, ak_copysign_d(t, x));
}
AK_FN double ak_tanh_der(double x, int lowp)
{
    ak_i64 k;
    double a = ak_clamp_d(ak_abs_d(ak_unnan_d(x)), 0.0, 700.0);
    double v = ak_expv(-2.0 * a, &k, lowp);
    double d = 1.0 + ak_scale_v_d(v, k);
    /* tanh' <= 1, but 4v/d^2 rounds to 1 + ulp for some tiny a: clamped, the result is exact there */
    return ak_sel_d(ak_isnan_d(x), x, ak_clamp_d(ak_scale_v_d(v, k + 2) / (d * d), 0.0, 1.0));
}

/* Self-gated x sigmoid(z): SiLU (z = beta x) and GELU's tanh form (z = 2u(x)).
 * m sigmoid(z) = m / (1 + e) for z >= 0, m e^z / (1 + e^z) below, the product m e^z formed
 * before the exponential is scaled. Derivative of x sigmoid(z(x)), k = x z'(x):
 * sigmoid(z) (1 + k sigmoid(-z)) = N / (1 + e)^2 times 1 (z >= 0) or e (z < 0), with
 * N = (1 + e) + k e or (1 + k) + e: 1 + k is exact near the root of f', where N cancels. */
/* m v 2^k rounded once (m halved first where m v could overflow): m e^z from e^z = v 2^k */
AK_FN double ak_times_vk(double m, double v, ak_i64 k)
{
    ak_u64 big = ak_mask_d(ak_abs_d(m) > 1.0);
    return ak_scale_down_d((m * ak_sel_d(big, 0.5, 1.0)) * v, k + (ak_i64)(big & 1ull));
}
AK_FN double ak_times_sigmoid(double m, double z, int lowp)
{
    ak_i64 k;
    double v = ak_expv(-ak_clamp_d(ak_abs_d(z), 0.0, 1400.0), &k, lowp);
    ak_u64 neg = ak_mask_d(z < 0.0);
    double tail = ak_times_vk(ak_sel_d(neg, m, 0.0), v, k);
    return ak_sel_d(neg, tail, m) / (1.0 + ak_scale_v_d(v, k));
}
AK_FN double ak_gate_slope(double z, double k, int lowp)
{
    ak_i64 ke;
    double v = ak_expv(-ak_clamp_d(ak_abs_d(z), 0.0, 1400.0), &ke, lowp);
    double e = ak_scale_v_d(v, ke);
    double d = 1.0 + e;
    ak_u64 neg = ak_mask_d(z < 0.0);
    double n = ak_sel_d(neg, (1.0 + k) + e, AK_FMA(k, e, d));
    return ak_sel_d(neg, ak_times_vk(ak_sel_d(neg, n, 0.0), v, ke), n) / (d * d);
}

/* silu(beta) = x sigmoid(beta x); beyond |beta x| = 1500 the gate is 0 or 1 in double */
AK_FN double ak_silu_fwd(double x, double beta, int lowp)
{
    double xs = ak_unnan_d(x);
    double lim = 1500.0 / beta;
    double c = ak_clamp_d(xs, -lim, lim);
    double r = ak_times_sigmoid(ak_sel_d(ak_mask_d(xs < -lim), -lim, xs), beta * c, lowp);
    return ak_sel_d(ak_isnan_d(x), x, r);
}
AK_FN double ak_silu_der(double x, double beta, int lowp)
{
    double lim = 1500.0 / beta;
    double z = beta * ak_clamp_d(ak_unnan_d(x), -lim, lim);
    return ak_sel_d(ak_isnan_d(x), x, ak_gate_slope(z, z, lowp));
}

/* gelu, tanh form: x sigmoid(2u), 2u = x (2 sqrt(2/pi) + 2 sqrt(2/pi) 0.044715 x^2), the
 * plugin's constants; x clipped to [-30, 30], where 2u = 1974 and the gate is 0 or 1 */
#define AK_GELU_T1 1.5957691216057308    /* 2 sqrt(2/pi) */
#define AK_GELU_T3 0.07135481627260025   /* 2 sqrt(2/pi) 0.044715 */
#define AK_GELU_T3X3 0.21406444881780073 /* 3 of those */
AK_FN double ak_gelu_tanh_fwd(double x, int lowp)
{
    double xs = ak_unnan_d(x);
    double c = ak_clamp_d(xs, -30.0, 30.0);
    double z = AK_FMA(c * c, AK_GELU_T3, AK_GELU_T1) * c;
    double r = ak_times_sigmoid(ak_sel_d(ak_mask_d(xs < -30.0), -30.0, xs), z, lowp);
    return ak_sel_d(ak_isnan_d(x), x, r);
}
AK_FN double ak_gelu_tanh_der(double x, int lowp)
{
    double c = ak_clamp_d(ak_unnan_d(x), -30.0, 30.0);
    double c2 = c * c;
    double z = AK_FMA(c2, AK_GELU_T3, AK_GELU_T1) * c;
    double k = AK_FMA(c2, AK_GELU_T3X3, AK_GELU_T1) * c;
    return ak_sel_d(ak_isnan_d(x), x, ak_gate_slope(z, k, lowp));
}

/* GELU, exact: x Phi(x). With a = |x|, Phi(-a) = e^(-a^2/2) X(a / sqrt 2) / 2 (X = erfcx):
 *   T = a Phi(-a):  f = -T (x < 0), x - T (x >= 0);
 *   h = Phi(-a) - a phi(a) = e^(-a^2/2) (X/2 - a / sqrt(2 pi)) = f'(-a):  f' = h (x < 0), 1 - h.
 * e^(-a^2/2) stays v 2^k until the end, so the tails keep every digit to the last subnormal. */
#define AK_INV_SQRT2 0.7071067811865476
#define AK_INV_SQRT2PI 0.3989422804014327
#define AK_INV_SQRT2PI_LO -0x1.cbc0d30ebfd15p-56
/* float (lowp): plain double. double: e^(-z^2) and X from the accurate erfc core as hi + lo
 * (z = a / sqrt 2 rounded: its error is that of rounding x, which the accuracy measure allows). */
AK_FN double ak_gelu_fwd(double x, int lowp)
{
    ak_i64 k;
    double p, pe, e_hi, e_lo, x_hi, x_lo, r, r_lo, t;
    double xs = ak_unnan_d(x);
    double a = ak_clamp_d(ak_abs_d(xs), 0.0, 40.0); /* GELU(-40) rounds to -0 */
    if (lowp) {
        double v = ak_expv(-0.5 * (a * a), &k, 1);
        t = ak_scale_down_d((0.5 * a) * (v * ak_erfcx_d(a * AK_INV_SQRT2, 1)), k);
    }
    else {
        ak_erfc_parts_d(a * AK_INV_SQRT2, &k, &e_hi, &e_lo, &x_hi, &x_lo);
        ak_two_prod_d(e_hi, x_hi, &r, &r_lo);
        r_lo = r_lo + AK_FMA(e_hi, x_lo, e_lo * x_hi);
        ak_two_prod_d(0.5 * a, r, &p, &pe);
        t = ak_scale_down_d(p + AK_FMA(0.5 * a, r_lo, pe), k);
    }
    return ak_sel_d(ak_isnan_d(x), x, ak_sel_d(ak_mask_d(xs < 0.0), -t, xs - t));
}
AK_FN double ak_gelu_der(double x, int lowp)
{
    ak_i64 k;
    double m, m_lo, s, s_lo, e_hi, e_lo, x_hi, x_lo, r, r_lo, h;
    double xs = ak_unnan_d(x);
    double a = ak_clamp_d(ak_abs_d(xs), 0.0, 40.0);
    if (lowp) {
        double v = ak_expv(-0.5 * (a * a), &k, 1);
        h = ak_scale_down_d(v * AK_FMA(0.5, ak_erfcx_d(a * AK_INV_SQRT2, 1), -a * AK_INV_SQRT2PI), k);
    }
    else {
        /* h = e^(-z^2) (X/2 - a / sqrt(2 pi)), the difference as hi + lo */
        ak_erfc_parts_d(a * AK_INV_SQRT2, &k, &e_hi, &e_lo, &x_hi, &x_lo);
        ak_two_prod_d(a, AK_INV_SQRT2PI, &m, &m_lo);
        m_lo = AK_FMA(a, AK_INV_SQRT2PI_LO, m_lo);
        ak_two_sum_d(0.5 * x_hi, -m, &s, &s_lo);
        s_lo = s_lo + (0.5 * x_lo - m_lo);
        ak_two_prod_d(e_hi, s, &r, &r_lo);
        r_lo = r_lo + AK_FMA(e_hi, s_lo, e_lo * s);
        h = ak_scale_down_d(r + r_lo, k);
    }
    return ak_sel_d(ak_isnan_d(x), x, ak_sel_d(ak_mask_d(xs < 0.0), h, 1.0 - h));
}

/* Mish: x t, t = tanh(softplus x) = n / (n + 2), n = u (u + 2), u = e^x;
 * f' = t + 4 x u (1 + u) / (n + 2)^2 = u ((u + 2)(n + 2) + 4 x (1 + u)) / (n + 2)^2.
 * u = v 2^k, and t = 2^k v (u + 2) / (n + 2) is scaled last, so the left tail loses nothing.
 * In double the quotient is carried as hi + lo. Beyond x = 20 t rounds to 1 (f = x); for
 * x >= 0, f' = 1 + (4 x u (1 + u) - 2 (n + 2)) / (n + 2)^2, which rounds to 1 beyond 22. */
AK_FN double ak_mish_fwd(double x, int lowp)
{
    ak_i64 k;
    double v, v_lo, u, u_lo, w, w_lo, nn, nn_lo, d, d_lo, num, num_lo, q, q_lo, p, pe, f;
    double xs = ak_unnan_d(x);
    double c = ak_clamp_d(xs, -800.0, 20.0); /* mish(-800) rounds to -0 */
    if (lowp) {
        v = ak_expv(c, &k, 1);
        u = ak_scale_down_d(v, k);
        f = ak_scale_down_d(((c * v) * (u + 2.0)) / AK_FMA(u, u + 2.0, 2.0), k);
    }
    else {
        ak_exp_core_d(c, 0.0, &k, &v, &v_lo);
        u = ak_scale_down_d(v, k);
        u_lo = ak_scale_down_d(v_lo, k);
        ak_two_sum_d(2.0, u, &w, &w_lo); /* w = u + 2 */
        w_lo = w_lo + u_lo;
        ak_two_prod_d(v, w, &num, &num_lo); /* v (u + 2) */
        num_lo = num_lo + AK_FMA(v, w_lo, v_lo * w);
        ak_two_prod_d(u, w, &nn, &nn_lo); /* n = u (u + 2) */
        nn_lo = nn_lo + AK_FMA(u, w_lo, u_lo * w);
        ak_two_sum_d(2.0, nn, &d, &d_lo); /* n + 2 */
        d_lo = d_lo + nn_lo;
        q = num / d;
        q_lo = (AK_FMA(-q, d, num) + AK_FMA(-q, d_lo, num_lo)) / d;
        ak_two_prod_d(c, q, &p, &pe);
        f = ak_scale_down_d(p + AK_FMA(c, q_lo, pe), k);
    }
    /* mish(+-0) = +-0 (x t with t = 0.6) */
    return ak_sel_d(ak_isnan_d(x) | ak_mask_d(xs == 0.0), x, ak_sel_d(ak_mask_d(xs > 20.0), xs, f));
}
AK_FN double ak_mish_der(double x, int lowp)
{
    ak_i64 k;
    double xs = ak_unnan_d(x);
    double c = ak_clamp_d(xs, -800.0, 22.0);
    double v = ak_expv(c, &k, lowp);
    double u = ak_scale_down_d(v, k);
    double d = AK_FMA(u, u + 2.0, 2.0);
    double left = ak_scale_down_d(v * (AK_FMA(u + 2.0, d, 4.0 * c * (1.0 + u)) / d) / d, k);
    double right = 1.0 + AK_FMA(4.0 * c, u * (1.0 + u), -2.0 * d) / d / d;
    return ak_sel_d(ak_isnan_d(x), x, ak_sel_d(ak_mask_d(xs < 0.0), left, right));
}

/* ELU family. Below 0 a multiple of expm1(min(x, 0)) (clipped: expm1(-40) is -1 to the last
 * bit), plus max(x, 0): one side is exactly 0, so the sum is exact. f' below 0 from exp(x),
 * never y + alpha, which cancels in the tail. */
AK_FN double ak_elu_fwd(double x, double alpha, int lowp)
{
    double xs = ak_unnan_d(x);
    double r = alpha * ak_expm1_k(ak_left_d(xs, -40.0), lowp) + ak_right_d(xs);
    return ak_sel_d(ak_isnan_d(x), x, r);
}
AK_FN double ak_elu_der(double x, double alpha, int lowp)
{
    double xs = ak_unnan_d(x);
    double r = ak_sel_d(ak_mask_d(xs > 0.0), 1.0, alpha * ak_expn(-ak_left_d(xs, -1400.0), lowp));
    return ak_sel_d(ak_isnan_d(x), x, r);
}

#define AK_SELU_SCALE 1.0507009873554804934193349852946
#define AK_SELU_SCALE_ALPHA 1.7580993408473768599402175208123
/* selu in the dtype's constants: scale and scale alpha rounded to it, as the plugin has them */
AK_FN double ak_selu_fwd(double x, double scale, double scale_alpha, int lowp)
{
    double xs = ak_unnan_d(x);
    double right = ak_right_d(xs);
    /* scale x overflows (double) beyond this x, the largest with a finite product */
    ak_u64 over = ak_mask_d(right > 0x1.e74b31afded6dp+1023);
    double r = scale_alpha * ak_expm1_k(ak_left_d(xs, -40.0), lowp) + scale * ak_sel_d(over, 0.0, right);
    return ak_sel_d(ak_isnan_d(x), x, ak_sel_d(over, AK_INF_D, r));
}
AK_FN double ak_selu_der(double x, double scale, double scale_alpha, int lowp)
{
    double xs = ak_unnan_d(x);
    double r = ak_sel_d(ak_mask_d(xs > 0.0), scale, scale_alpha * ak_expn(-ak_left_d(xs, -1400.0), lowp));
    return ak_sel_d(ak_isnan_d(x), x, r);
}

/* celu(alpha): max(x, 0) + alpha expm1(w), w = min(x, 0) / alpha with min(x, 0) clipped at
 * -1000 |alpha|; f' = exp(w) (1 for x >= 0). With alpha < 0, w >= 0 and the left side grows
 * without bound: alpha expm1(w) is formed as (alpha M) 2^K (M = expm1(w) below w = 40, e^w's
 * mantissa above, where the 1 no longer matters) and scaled last, saturating to -inf. */
AK_FN double ak_celu_w(double xs, double alpha)
{
    /* the plugin's max(-1000 |alpha|, -max): -1000 |alpha| is below -max beyond 1.7e305 */
    return ak_left_d(xs, -1000.0 * ak_clamp_d(ak_abs_d(alpha), 0.0, 1.7e305)) / alpha;
}
AK_FN double ak_celu_fwd(double x, double alpha, int lowp)
{
    ak_i64 k;
    double xs = ak_unnan_d(x);
    double w = ak_celu_w(xs, alpha); /* in [-1000, 1000] */
    if (alpha > 0.0) /* w <= 0: ELU's path (a test of the parameter) */
        return ak_sel_d(ak_isnan_d(x), x, alpha * ak_expm1_k(ak_clamp_d(w, -40.0, 0.0), lowp) + ak_right_d(xs));
    ak_u64 large = ak_mask_d(w > 40.0);
    double v = ak_expv(ak_clamp_d(w, 0.0, 1000.0), &k, lowp);
    double m = ak_sel_d(large, v, ak_expm1_k(ak_clamp_d(w, -40.0, 40.0), lowp));
    ak_u64 huge = ak_mask_d(ak_abs_d(alpha) > 0x1p+64); /* alpha M could overflow: prescale */
    double p = (alpha * ak_sel_d(huge, 0x1p-64, 1.0)) * m;
    double left = ak_scale_any_sat_d(p, ak_seli_d(large, k, 0) + ak_seli_d(huge, 64, 0));
    return ak_sel_d(ak_isnan_d(x), x, left + ak_right_d(xs));
}
AK_FN double ak_celu_der(double x, double alpha, int lowp)
{
    ak_i64 k;
    double w = ak_celu_w(ak_unnan_d(x), alpha);
    if (alpha > 0.0) return ak_sel_d(ak_isnan_d(x), x, ak_expn(-w, lowp));
    double v = ak_expv(w, &k, lowp);
    return ak_sel_d(ak_isnan_d(x), x, ak_scale_any_sat_d(v, k));
}

/* ---------------------------------------------------------------------------------------------
 * float32 in float: sigmoid and SiLU, and the derivatives that are sigmoids (log-sigmoid's,
 * softplus's). e = e^-|z| rounded once from hi + lo (0.5 + 2^-4 ulp), 1 + e exact as d + d_lo,
 * and each quotient q = num / d corrected once, q + (num - q d - q d_lo) / d, with 1/d taken
 * from q itself (sigmoid) or from a rough 1/(1 + e) (5 % of an ulp-sized correction is enough).
 * Products m e^z are formed before 2^k is applied (ak_scale3_f), so the left tail keeps its
 * digits. z = beta x is formed in double (exact) and clamped before rounding to float, so that
 * neither it nor 200 / beta can overflow.
 */
AK_FN float ak_inv1pe_f(float e) { return AK_FMAF(e, AK_FMAF(e, 0.2f, -0.7f), 1.0f); }

/* e^-|z| = 2^k v (|z| clamped at 200), e rounded once (0 beyond 104), and 1 + e = d + d_lo
 * exactly; z may be NaN (then e is e^-200, and the caller selects the NaN) */
AK_FN float ak_expn_parts_f(float z, ak_i32 *k, float *e, float *d, float *d_lo)
{
    float v = ak_expv1_f(-ak_abs_clamp_f(z, 200.0f), k);
    *e = ak_scale_bits_f(v, ak_seli_f(ak_mask_f(*k < -190), -190, *k)); /* 0 below -190 anyway */
    *d = 1.0f + *e;
    *d_lo = *e - (*d - 1.0f);
    return v;
}
/* m v 2^k rounded once, for k >= -316 (0 is returned where it is 0 anyway): m is scaled by
 * 2^-64 first where |m| > 1 (exactly), so that m v cannot overflow and two steps suffice */
AK_FN float ak_times_vk_f(float m, float v, ak_i32 k)
{
    ak_u32 big = ak_mask_f(ak_abs_f(m) > 1.0f);
    ak_i32 kk = k + (ak_i32)(big & 64u);
    return ak_scale_f((m * ak_sel_f(big, 0x1p-64f, 1.0f)) * v, ak_seli_f(ak_mask_f(kk < -252), -252, kk));
}
/* beta x, clamped to [-200, 200], rounded once (formed in double, where it cannot overflow) */
AK_FN float ak_scaled_f(float xs, float beta)
{
    if (beta == 1.0f) return ak_clamp_f(xs, -200.0f, 200.0f); /* folded when beta is constant */
    return (float)ak_clamp_d((double)beta * (double)xs, -200.0, 200.0);
}

AK_FN float ak_sigmoid_nf(float z)
{
    ak_i32 k;
    float e, d, d_lo, q, rho;
    ak_u32 neg = (ak_u32)((ak_i32)ak_bits_f(z) >> 31); /* z < 0 or -0: the same sigmoid */
    ak_expn_parts_f(z, &k, &e, &d, &d_lo);
    q = ak_sel_f(neg, e, 1.0f) / d;
    rho = AK_FMAF(-q, d, ak_sel_f(neg, e, 1.0f));
    return AK_FMAF(AK_FMAF(-q, d_lo, rho), ak_sel_f(neg, 1.0f - q, q), q);
}
/* sigmoid'(z) = e / (1 + e)^2, (1 + e)^2 from d + d_lo in one fma */
AK_FN float ak_sigmoid_prime_nf(float z)
{
    ak_i32 k;
    float e, d, d_lo;
    ak_expn_parts_f(z, &k, &e, &d, &d_lo);
    return e / AK_FMAF(d, d, 2.0f * d * d_lo);
}
/* x sigmoid(z): x / (1 + e) for z >= 0, x e^z / (1 + e) below */
AK_FN float ak_times_sigmoid_nf(float x, float z)
{
    ak_i32 k;
    float e, d, d_lo, num, q, rho;
    ak_u32 neg = ak_mask_f(z < 0.0f);
    float v = ak_expn_parts_f(z, &k, &e, &d, &d_lo);
    num = ak_sel_f(neg, ak_times_vk_f(ak_sel_f(neg, x, 0.0f), v, k), x);
    q = num / d;
    rho = AK_FMAF(-q, d, num);
    /* q = +-0 stays (the correction would add +0 to -0) */
    return ak_sel_f(ak_mask_f(q == 0.0f), q, AK_FMAF(AK_FMAF(-q, d_lo, rho), ak_inv1pe_f(e), q));
}
/* d/dx [x sigmoid(z)], z = beta x (k = z): N / (1 + e)^2 times 1 (z >= 0) or e (z < 0) */
AK_FN float ak_silu_slope_nf(float z)
{
    ak_i32 k;
    float e, d, d_lo, n, num;
    ak_u32 neg = ak_mask_f(z < 0.0f);
    float v = ak_expn_parts_f(z, &k, &e, &d, &d_lo);
    n = ak_sel_f(neg, (1.0f + z) + e, AK_FMAF(z, e, d));
    num = ak_sel_f(neg, ak_times_vk_f(ak_sel_f(neg, n, 0.0f), v, k), n);
    return num / AK_FMAF(d, d, 2.0f * d * d_lo);
}

AK_FN float ak_sigmoid_fwd_f(float x) { return ak_sel_f(ak_isnan_f(x), x, ak_sigmoid_nf(x)); }
AK_FN float ak_sigmoid_der_f(float x) { return ak_sel_f(ak_isnan_f(x), x, ak_sigmoid_prime_nf(x)); }
AK_FN float ak_log_sigmoid_der_f(float x) { return ak_sel_f(ak_isnan_f(x), x, ak_sigmoid_nf(-x)); }
AK_FN float ak_softplus_der_f(float x, float beta)
{
    return ak_sel_f(ak_isnan_f(x), x, ak_sigmoid_nf(ak_scaled_f(ak_unnan_f(x), beta)));
}
AK_FN float ak_silu_fwd_f(float x, float beta)
{
    float xs = ak_unnan_f(x);
    float z = ak_scaled_f(xs, beta);
    /* below z = -200 the result is 0 for every float x: keep x's sign, lose its size; +inf
     * gives +inf (its correction step would be inf - inf) */
    ak_u32 inf = ak_isinf_f(xs);
    float m = ak_sel_f(ak_mask_f(z <= -200.0f) | inf, ak_copysign_f(1.0f, xs), xs);
    float r = ak_times_sigmoid_nf(m, z);
    return ak_sel_f(ak_isnan_f(x), x, ak_sel_f(inf & ak_mask_f(xs > 0.0f), xs, r));
}
AK_FN float ak_silu_der_f(float x, float beta)
{
    return ak_sel_f(ak_isnan_f(x), x, ak_silu_slope_nf(ak_scaled_f(ak_unnan_f(x), beta)));
}

/* tanh = sign(x) (-em / (2 + em)), em = expm1(-2|x|) as hi + lo, the quotient corrected once
 * with 1/(2 + em) = (1 + tanh)/2; tanh' = 4 e / (1 + e)^2, e = e^-2|x| */
AK_FN float ak_tanh_fwd_f(float x)
{
    ak_i32 k;
    float em, em_lo, d, d_lo, q, rho, t;
    float a = ak_clamp_f(ak_abs_f(ak_unnan_f(x)), 0.0f, 9.125f); /* tanh rounds to 1 beyond 9.011 */
    ak_expm1_parts_f(-2.0f * a, &k, &em, &em_lo);
    em = em * ak_pow2_f(k); /* k in [-26, 0]: exact */
    em_lo = em_lo * ak_pow2_f(k);
    ak_fast_two_sum_f(2.0f, em, &d, &d_lo);
    d_lo = d_lo + em_lo;
    q = -em / d;
    rho = AK_FMAF(-q, d, -em) - em_lo;
    t = AK_FMAF(AK_FMAF(-q, d_lo, rho), AK_FMAF(0.5f, q, 0.5f), q);
    return ak_sel_f(ak_isnan_f(x), x, ak_copysign_f(ak_sel_f(ak_mask_f(a == 0.0f), 0.0f, t), x));
}
AK_FN float ak_tanh_der_f(float x)
{
    ak_i32 k;
    float d, d_lo, e;
    float v = ak_expv1_f(-2.0f * ak_abs_clamp_f(x, 60.0f), &k); /* tanh'(60) = 0 in float */
    k = ak_seli_f(ak_mask_f(k < -190), -190, k);
    e = ak_scale_bits_f(v, k);
    ak_fast_two_sum_f(1.0f, e, &d, &d_lo);
    float r = ak_scale_bits_f(v, k + 2) / AK_FMAF(d, d, 2.0f * d * d_lo);
    return ak_sel_f(ak_isnan_f(x), x, ak_sel_f(ak_mask_f(r > 1.0f), 1.0f, r)); /* tanh' <= 1 */
}

/* ELU and SELU below 0: alpha expm1(x) = alpha (hi + lo) rounded once; their derivatives
 * alpha e^x, alpha (hi + lo) rounded once, then scaled (SELU: the float32 constants) */
AK_FN float ak_left_f(float xs, float lo)
{
    return ak_sel_f(ak_mask_f(xs > 0.0f), 0.0f, ak_sel_f(ak_mask_f(xs < lo), lo, xs));
}
AK_FN float ak_right_f(float xs) { return ak_sel_f(ak_mask_f(xs < 0.0f), 0.0f, xs); }
AK_FN float ak_alpha_expm1_f(float alpha, float y) /* y in [-18, 0]; -0 stays -0 before alpha */
{
    ak_i32 k;
    float hi, lo;
    ak_expm1_parts_f(y, &k, &hi, &lo);
    hi = hi * ak_pow2_f(k); /* exact: |expm1| >= 2^-149 unless y = 0 */
    lo = lo * ak_pow2_f(k);
    return ak_sel_f(ak_mask_f(y == 0.0f), alpha * y, AK_FMAF(alpha, hi, alpha * lo));
}
AK_FN float ak_alpha_exp_f(float alpha, float y) /* y <= 0 */
{
    ak_i32 k;
    float lo;
    float hi = ak_expv_f(ak_clamp_f(y, -200.0f, 0.0f), &k, &lo);
    return ak_times_vk_f(AK_FMAF(alpha, hi, alpha * lo), 1.0f, k);
}
AK_FN float ak_elu_fwd_f(float x, float alpha)
{
    float xs = ak_unnan_f(x);
    float r = ak_alpha_expm1_f(alpha, ak_left_f(xs, -18.0f)) + ak_right_f(xs);
    return ak_sel_f(ak_isnan_f(x), x, r);
}
AK_FN float ak_elu_der_f(float x, float alpha)
{
    float xs = ak_unnan_f(x);
    float r = ak_sel_f(ak_mask_f(xs > 0.0f), 1.0f, ak_alpha_exp_f(alpha, ak_left_f(xs, -200.0f)));
    return ak_sel_f(ak_isnan_f(x), x, r);
}
AK_FN float ak_selu_fwd_f(float x)
{
    float xs = ak_unnan_f(x);
    float r = ak_alpha_expm1_f((float)AK_SELU_SCALE_ALPHA, ak_left_f(xs, -18.0f))
              + ak_narrow((double)(float)AK_SELU_SCALE * (double)ak_right_f(xs));
    return ak_sel_f(ak_isnan_f(x), x, r);
}
AK_FN float ak_selu_der_f(float x)
{
    float xs = ak_unnan_f(x);
    float r = ak_sel_f(ak_mask_f(xs > 0.0f), (float)AK_SELU_SCALE,
                       ak_alpha_exp_f((float)AK_SELU_SCALE_ALPHA, ak_left_f(xs, -200.0f)));
    return ak_sel_f(ak_isnan_f(x), x, r);
}

/* log1p(e) in float for e in [0, 1], as the double log1p: 1 + e = u + c (TwoSum), u = 2^k m,
 * f = m - 1, log1p = k ln2 + f - (f^2/2 - s (f^2/2 + R)) + c/u, the last additions as hi + lo;
 * T of degree 2 in float (2^-30.2); returned as hi + lo (about 2^-28 relative), for the caller
 * to round once with what it adds. */
AK_FN float ak_log1p_unit_f(float e, float *lo)
{
    float u, c, m, f, s, w, r, hfsq, kf, inner, v, v_lo, y, y_lo, c_over_u;
    ak_u32 ix;
    ak_two_sum_f(1.0f, e, &u, &c);
    ix = ak_bits_f(u) + (0x3f800000u - 0x3f3504f3u); /* m in [sqrt(2)/2, sqrt(2)) */
    kf = (float)((ak_i32)(ix >> 23) - 127);           /* 0 or 1 */
    m = ak_from_bits_f((ix & 0x007fffffu) + 0x3f3504f3u);
    f = m - 1.0f;
    s = f / (2.0f + f);
    w = s * s;
    r = w * ak_poly_log1pt_f(w);
    hfsq = 0.5f * f * f;
    c_over_u = (c * AK_FMAF(kf, -0.5f, 1.0f)) * ((1.0f - s) * ((1.0f - s) + w)); /* c 2^-k / m */
    inner = hfsq - AK_FMAF(s, hfsq + r, AK_FMAF(kf, AK_LN2LO_F, c_over_u));
    ak_two_sum_f(f, -inner, &v, &v_lo);
    ak_fast_two_sum_f(kf * AK_LN2HI_F, v, &y, &y_lo);
    ak_fast_two_sum_f(y, y_lo + v_lo, &y, lo);
    return y;
}
/* softplus(beta) = max(x, 0) + log1p(e^-|beta x|) / beta; log_sigmoid = min(x, 0) - log1p(e^-|x|) */
AK_FN float ak_softplus_fwd_f(float x, float beta)
{
    ak_i32 k;
    float e, d, d_lo, l, l_lo, q, q_lo, s, s_lo;
    float xs = ak_unnan_f(x);
    ak_expn_parts_f(ak_scaled_f(xs, beta), &k, &e, &d, &d_lo);
    l = ak_log1p_unit_f(e, &l_lo);
    q = l / beta; /* (l + l_lo) / beta as q + q_lo; 1/beta is loop-invariant */
    q_lo = (AK_FMAF(-q, beta, l) + l_lo) * (1.0f / beta);
    ak_two_sum_f(ak_right_f(ak_sel_f(ak_isinf_f(xs), 0.0f, xs)), q, &s, &s_lo); /* +inf: below */
    s = ak_sel_f(ak_isinf_f(xs) & ak_mask_f(xs > 0.0f), xs, s + (s_lo + q_lo));
    return ak_sel_f(ak_isnan_f(x), x, s);
}
AK_FN float ak_log_sigmoid_fwd_f(float x)
{
    ak_i32 k;
    float e, d, d_lo, l, l_lo, s, s_lo;
    float xs = ak_unnan_f(x);
    ak_expn_parts_f(xs, &k, &e, &d, &d_lo);
    l = ak_log1p_unit_f(e, &l_lo);
    ak_two_sum_f(ak_sel_f(ak_mask_f(xs < 0.0f) & ~ak_isinf_f(xs), xs, 0.0f), -l, &s, &s_lo);
    s = ak_sel_f(ak_isinf_f(xs) & ak_mask_f(xs < 0.0f), xs, s + (s_lo - l_lo)); /* -inf */
    return ak_sel_f(ak_isnan_f(x), x, s);
}

/* CELU with alpha > 0 (a test of the parameter): ELU of x / alpha, in float; alpha < 0, where
 * the left side overflows, in double (ak_celu_fwd, ak_celu_der) */
/* min(x, 0) / alpha clipped at lo, for alpha > 0: the quotient in double, where it cannot overflow
 * (x / alpha in float does for |x| > alpha FLT_MAX), and is the float quotient once rounded */
AK_FN float ak_celu_w_f(float xs, float alpha, double lo)
{
    return (float)ak_left_d((double)xs / (double)alpha, lo);
}
AK_FN float ak_celu_fwd_f(float x, float alpha)
{
    float xs = ak_unnan_f(x);
    if (!(alpha > 0.0f)) return ak_narrow(ak_celu_fwd((double)x, (double)alpha, 1));
    return ak_sel_f(ak_isnan_f(x), x, ak_alpha_expm1_f(alpha, ak_celu_w_f(xs, alpha, -18.0)) + ak_right_f(xs));
}
AK_FN float ak_celu_der_f(float x, float alpha)
{
    float xs = ak_unnan_f(x);
    if (!(alpha > 0.0f)) return ak_narrow(ak_celu_der((double)x, (double)alpha, 1));
    return ak_sel_f(ak_isnan_f(x), x, ak_alpha_exp_f(1.0f, ak_celu_w_f(xs, alpha, -200.0)));
}

/* ---------------------------------------------------------------------------------------------
 * The kernels by dtype. float: lowp, in double, rounded once (ak_narrow saturates without a
 * flag). bwd = g f'(x) by ak_grad (the plugins' derivative(x) * g), in the dtype.
 */
#define AK_BY_DTYPE_1(NAME, CALL_D, CALL_F)                                                    \
    AK_FN double ak_##NAME##_d(double x) { return CALL_D; }                                    \
    AK_FN float ak_##NAME##_f(float x) { return ak_narrow(CALL_F); }
#define AK_BY_DTYPE_2(NAME, CALL_D, CALL_F)                                                    \
    AK_FN double ak_##NAME##_d(double x, double p) { return CALL_D; }                          \
    AK_FN float ak_##NAME##_f(float x, float p) { return ak_narrow(CALL_F); }
#define AK_BACKWARD_1(NAME)                                                                    \
    AK_FN double ak_##NAME##_bwd_d(double x, double g) { return ak_grad_d(g, ak_##NAME##_der_d(x)); } \
    AK_FN float ak_##NAME##_bwd_f(float x, float g) { return ak_grad_f(g, ak_##NAME##_der_f(x)); }
#define AK_BACKWARD_2(NAME)                                                                    \
    AK_FN double ak_##NAME##_bwd_d(double x, double g, double p)                               \
    {                                                                                          \
        return ak_grad_d(g, ak_##NAME##_der_d(x, p));                                          \
    }                                                                                          \
    AK_FN float ak_##NAME##_bwd_f(float x, float g, float p) { return ak_grad_f(g, ak_##NAME##_der_f(x, p)); }

AK_FN double ak_sigmoid_fwd_d(double x) { return ak_sigmoid_fwd(x, 0); }
AK_FN double ak_sigmoid_der_d(double x) { return ak_sigmoid_der(x, 0); }
AK_BACKWARD_1(sigmoid)
AK_FN double ak_log_sigmoid_fwd_d(double x) { return ak_log_sigmoid_fwd(x, 0); }
AK_FN double ak_log_sigmoid_der_d(double x) { return ak_log_sigmoid_der(x, 0); }
AK_BACKWARD_1(log_sigmoid)
AK_BY_DTYPE_2(log_sigmoid_bwo, ak_log_sigmoid_bwo(x, p, 0), ak_log_sigmoid_bwo((double)x, (double)p, 1))
AK_FN double ak_softplus_fwd_d(double x, double p) { return ak_softplus_fwd(x, p, 0); }
AK_FN double ak_softplus_der_d(double x, double p) { return ak_softplus_der(x, p, 0); }
AK_BACKWARD_2(softplus)
AK_FN double ak_softplus_bwo_d(double y, double g, double beta) { return ak_softplus_bwo(y, g, beta, 0); }
AK_FN float ak_softplus_bwo_f(float y, float g, float beta)
{
    return ak_narrow(ak_softplus_bwo((double)y, (double)g, (double)beta, 1));
}
AK_FN double ak_tanh_fwd_d(double x) { return ak_tanh_fwd(x, 0); }
AK_FN double ak_tanh_der_d(double x) { return ak_tanh_der(x, 0); }
AK_BACKWARD_1(tanh)
AK_FN double ak_silu_fwd_d(double x, double p) { return ak_silu_fwd(x, p, 0); }
AK_FN double ak_silu_der_d(double x, double p) { return ak_silu_der(x, p, 0); }
AK_BACKWARD_2(silu)
AK_BY_DTYPE_1(gelu_tanh_fwd, ak_gelu_tanh_fwd(x, 0), ak_gelu_tanh_fwd((double)x, 1))
AK_BY_DTYPE_1(gelu_tanh_der, ak_gelu_tanh_der(x, 0), ak_gelu_tanh_der((double)x, 1))
AK_BACKWARD_1(gelu_tanh)
AK_BY_DTYPE_1(gelu_fwd, ak_gelu_fwd(x, 0), ak_gelu_fwd((double)x, 1))
AK_BY_DTYPE_1(gelu_der, ak_gelu_der(x, 0), ak_gelu_der((double)x, 1))
AK_BACKWARD_1(gelu)
AK_BY_DTYPE_1(mish_fwd, ak_mish_fwd(x, 0), ak_mish_fwd((double)x, 1))
AK_BY_DTYPE_1(mish_der, ak_mish_der(x, 0), ak_mish_der((double)x, 1))
AK_BACKWARD_1(mish)
AK_FN double ak_elu_fwd_d(double x, double p) { return ak_elu_fwd(x, p, 0); }
AK_FN double ak_elu_der_d(double x, double p) { return ak_elu_der(x, p, 0); }
AK_BACKWARD_2(elu)
AK_FN double ak_selu_fwd_d(double x) { return ak_selu_fwd(x, AK_SELU_SCALE, AK_SELU_SCALE_ALPHA, 0); }
AK_FN double ak_selu_der_d(double x) { return ak_selu_der(x, AK_SELU_SCALE, AK_SELU_SCALE_ALPHA, 0); }
AK_BACKWARD_1(selu)
AK_FN double ak_celu_fwd_d(double x, double p) { return ak_celu_fwd(x, p, 0); }
AK_FN double ak_celu_der_d(double x, double p) { return ak_celu_der(x, p, 0); }
AK_BACKWARD_2(celu)

#endif /* AK_KERNELS_H */
