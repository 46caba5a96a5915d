/* activations.plugins._ufuncs: the compiled kernels as NumPy ufuncs.
 *
 * One ufunc per activation and direction, each with a float32 and a float64 loop:
 *   <name>_forward(x, *params), <name>_derivative(x, *params), <name>_backward(x, g, *params),
 *   <name>_backward_output(y, g, *params) where the output form keeps full accuracy,
 * and, for the tests, the elementary functions _exp, _expm1, _log1p, _erfc. Parameters are
 * ordinary ufunc inputs (a scalar or 0-d array of x's dtype broadcasts), so out=, where= and
 * broadcasting work as for any ufunc; identity is None.
 *
 * Loops: when every array operand is contiguous and the parameters are broadcast scalars, a
 * plain indexed loop that GCC/Clang vectorise at -O3 (with "ivdep": NumPy hands an inner loop
 * either disjoint operands or an output that is exactly an input, never a partial overlap);
 * any other layout goes through the scalar strided loop, element by element.
 * On x86-64 with GCC and glibc, every loop is compiled for x86-64-v4 (AVX-512), x86-64-v3
 * (AVX2 + FMA) and the baseline, chosen at load time by an IFUNC resolver (target_clones).
 * The build turns floating-point contraction off (-std=c11 -ffp-contract=off) and the kernels
 * call fma() only explicitly (correctly rounded everywhere), so all three compute bitwise the
 * same results; TARGET names the one in use. FAST_FMA says whether fma() is an instruction
 * there: in the baseline clone it is libm's software fma(), correct but slow, and the Python
 * side then keeps the NumPy formulas.
 * NumPy releases the GIL around the loops and reports floating-point flags after them: the
 * kernels raise none that it reports (see elementary.h; underflow is cleared, below).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>

#include <fenv.h>

#include "kernels.h"

/* GCC 12 is the first to know the x86-64-v3/v4 levels, in target_clones and __builtin_cpu_supports;
 * an older GCC (or another compiler) builds one target, the -march it was given. */
#if defined(__GNUC__) && __GNUC__ >= 12 && !defined(__clang__) && defined(__x86_64__) \
    && defined(__GLIBC__) && !defined(AK_NO_CLONES)
#define AK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define AK_HAVE_CLONES 1
#else
#define AK_CLONES
#define AK_HAVE_CLONES 0
#endif

#if defined(__clang__)
#define AK_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define AK_IVDEP _Pragma("GCC ivdep")
#else
#define AK_IVDEP
#endif

/* The kernels compute subnormal results correctly rounded, but they also raise FE_UNDERFLOW in
 * intermediates and in the lanes a select discards, where the NumPy formulas raise nothing: each
 * loop clears the underflow flag it raised (one test and one clear per call of the loop, not per
 * element), so np.errstate(under=...) sees the same on both paths. The kernels never report
 * underflow; overflow, invalid and divide-by-zero are never raised but as documented in
 * elementary.h. */
#define AK_UNDERFLOW_SAVE const int ak_underflow_before = fetestexcept(FE_UNDERFLOW)
#define AK_UNDERFLOW_RESTORE                                                                   \
    do {                                                                                       \
        if (!ak_underflow_before) feclearexcept(FE_UNDERFLOW);                                 \
    } while (0)

#define AK_LOOP_ARGS char **args, npy_intp const *dims, npy_intp const *steps, void *data

/* f(x) */
#define AK_LOOP_X(NAME, T, FN)                                                                 \
    AK_CLONES static void NAME(AK_LOOP_ARGS)                                                   \
    {                                                                                          \
        npy_intp i, n = dims[0];                                                               \
        char *px = args[0], *py = args[1];                                                     \
        (void)data;                                                                            \
        AK_UNDERFLOW_SAVE;                                                                     \
        if (steps[0] == sizeof(T) && steps[1] == sizeof(T)) {                                  \
            const T *x = (const T *)px;                                                        \
            T *y = (T *)py;                                                                    \
            AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i]);                                  \
        }                                                                                      \
        else {                                                                                 \
            for (i = 0; i < n; i++, px += steps[0], py += steps[1])                            \
                *(T *)py = FN(*(const T *)px);                                                 \
        }                                                                                      \
        AK_UNDERFLOW_RESTORE;                                                                  \
    }

/* Loop specialisations on a broadcast parameter p: in the loop guarded by SPECIAL_TEST(p) the
 * kernel gets SPECIAL_VALUE (the constant 1, or p known to satisfy the test), so a kernel's own
 * test of its parameter, or arithmetic with 1, folds away and the loop vectorises. */
#define AK_NONE_TEST(p) 0
#define AK_NONE_VALUE(T, p) (p)
#define AK_ONE_TEST(p) ((p) == 1)
#define AK_ONE_VALUE(T, p) ((T)1) /* the constant itself: folded */
#define AK_UNIT_TEST(p) ((p) >= -1 && (p) <= 1)
#define AK_UNIT_VALUE(T, p) (p)

/* f(x, p): p a parameter, or the gradient of a backward pass (XG) */
#define AK_LOOP_X1(NAME, T, FN, SPECIAL)                                                       \
    AK_CLONES static void NAME(AK_LOOP_ARGS)                                                   \
    {                                                                                          \
        npy_intp i, n = dims[0];                                                               \
        char *px = args[0], *pp = args[1], *py = args[2];                                      \
        (void)data;                                                                            \
        AK_UNDERFLOW_SAVE;                                                                     \
        if (steps[0] == sizeof(T) && steps[1] == 0 && steps[2] == sizeof(T)) {                 \
            const T *x = (const T *)px;                                                        \
            T *y = (T *)py;                                                                    \
            const T p = *(const T *)pp;                                                        \
            if (SPECIAL##_TEST(p)) {                                                           \
                AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], SPECIAL##_VALUE(T, p));       \
            }                                                                                  \
            else {                                                                             \
                AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], p);                           \
            }                                                                                  \
        }                                                                                      \
        else if (steps[0] == sizeof(T) && steps[1] == sizeof(T) && steps[2] == sizeof(T)) {    \
            const T *x = (const T *)px, *q = (const T *)pp;                                    \
            T *y = (T *)py;                                                                    \
            AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], q[i]);                            \
        }                                                                                      \
        else {                                                                                 \
            for (i = 0; i < n; i++, px += steps[0], pp += steps[1], py += steps[2])            \
                *(T *)py = FN(*(const T *)px, *(const T *)pp);                                 \
        }                                                                                      \
        AK_UNDERFLOW_RESTORE;                                                                  \
    }

/* f(x, p, q) with p, q parameters */
#define AK_LOOP_X2(NAME, T, FN)                                                                \
    AK_CLONES static void NAME(AK_LOOP_ARGS)                                                   \
    {                                                                                          \
        npy_intp i, n = dims[0];                                                               \
        char *px = args[0], *pp = args[1], *pq = args[2], *py = args[3];                       \
        (void)data;                                                                            \
        AK_UNDERFLOW_SAVE;                                                                     \
        if (steps[0] == sizeof(T) && steps[1] == 0 && steps[2] == 0 && steps[3] == sizeof(T)) { \
            const T *x = (const T *)px;                                                        \
            T *y = (T *)py;                                                                    \
            const T p = *(const T *)pp, q = *(const T *)pq;                                    \
            AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], p, q);                            \
        }                                                                                      \
        else {                                                                                 \
            for (i = 0; i < n; i++, px += steps[0], pp += steps[1], pq += steps[2], py += steps[3]) \
                *(T *)py = FN(*(const T *)px, *(const T *)pp, *(const T *)pq);                 \
        }                                                                                      \
        AK_UNDERFLOW_RESTORE;                                                                  \
    }

/* f(x, g, p): a backward pass with a parameter */
#define AK_LOOP_XG1(NAME, T, FN, SPECIAL)                                                      \
    AK_CLONES static void NAME(AK_LOOP_ARGS)                                                   \
    {                                                                                          \
        npy_intp i, n = dims[0];                                                               \
        char *px = args[0], *pg = args[1], *pp = args[2], *py = args[3];                       \
        (void)data;                                                                            \
        AK_UNDERFLOW_SAVE;                                                                     \
        if (steps[0] == sizeof(T) && steps[1] == sizeof(T) && steps[2] == 0                    \
            && steps[3] == sizeof(T)) {                                                        \
            const T *x = (const T *)px, *g = (const T *)pg;                                    \
            T *y = (T *)py;                                                                    \
            const T p = *(const T *)pp;                                                        \
            if (SPECIAL##_TEST(p)) {                                                           \
                AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], g[i], SPECIAL##_VALUE(T, p)); \
            }                                                                                  \
            else {                                                                             \
                AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], g[i], p);                     \
            }                                                                                  \
        }                                                                                      \
        else {                                                                                 \
            for (i = 0; i < n; i++, px += steps[0], pg += steps[1], pp += steps[2], py += steps[3]) \
                *(T *)py = FN(*(const T *)px, *(const T *)pg, *(const T *)pp);                 \
        }                                                                                      \
        AK_UNDERFLOW_RESTORE;                                                                  \
    }

/* f(x, g, p, q) */
#define AK_LOOP_XG2(NAME, T, FN)                                                               \
    AK_CLONES static void NAME(AK_LOOP_ARGS)                                                   \
    {                                                                                          \
        npy_intp i, n = dims[0];                                                               \
        char *px = args[0], *pg = args[1], *pp = args[2], *pq = args[3], *py = args[4];        \
        (void)data;                                                                            \
        AK_UNDERFLOW_SAVE;                                                                     \
        if (steps[0] == sizeof(T) && steps[1] == sizeof(T) && steps[2] == 0 && steps[3] == 0   \
            && steps[4] == sizeof(T)) {                                                        \
            const T *x = (const T *)px, *g = (const T *)pg;                                    \
            T *y = (T *)py;                                                                    \
            const T p = *(const T *)pp, q = *(const T *)pq;                                    \
            AK_IVDEP for (i = 0; i < n; i++) y[i] = FN(x[i], g[i], p, q);                      \
        }                                                                                      \
        else {                                                                                 \
            for (i = 0; i < n; i++, px += steps[0], pg += steps[1], pp += steps[2],            \
                pq += steps[3], py += steps[4])                                                \
                *(T *)py = FN(*(const T *)px, *(const T *)pg, *(const T *)pp, *(const T *)pq); \
        }                                                                                      \
        AK_UNDERFLOW_RESTORE;                                                                  \
    }

/* Both dtypes of one ufunc: loops <ufunc>_f and <ufunc>_d calling ak_<kernel>_f / _d. */
#define AK_UFUNC_X(UF, K) AK_LOOP_X(UF##_f, float, ak_##K##_f) AK_LOOP_X(UF##_d, double, ak_##K##_d)
#define AK_UFUNC_X1(UF, K, S)                                                                  \
    AK_LOOP_X1(UF##_f, float, ak_##K##_f, S) AK_LOOP_X1(UF##_d, double, ak_##K##_d, S)
#define AK_UFUNC_X2(UF, K) AK_LOOP_X2(UF##_f, float, ak_##K##_f) AK_LOOP_X2(UF##_d, double, ak_##K##_d)
#define AK_UFUNC_XG1(UF, K, S)                                                                 \
    AK_LOOP_XG1(UF##_f, float, ak_##K##_f, S) AK_LOOP_XG1(UF##_d, double, ak_##K##_d, S)
#define AK_UFUNC_XG2(UF, K)                                                                    \
    AK_LOOP_XG2(UF##_f, float, ak_##K##_f) AK_LOOP_XG2(UF##_d, double, ak_##K##_d)

/* The table: X(ufunc, nin, doc). Each ufunc's loops are defined below the table. */
#define AK_TABLE(X)                                                                            \
    X(_exp, 1, "exp(x), the kernels' own (for the tests).")                                    \
    X(_expm1, 1, "expm1(x), the kernels' own (for the tests).")                                \
    X(_log1p, 1, "log1p(x), the kernels' own (for the tests).")                                \
    X(_erfc, 1, "erfc(x), the kernels' own (for the tests).")                                  \
    X(relu_forward, 1, "ReLU: max(x, 0) (clip: -0.0 stays -0.0).")                             \
    X(relu_derivative, 1, "ReLU': 1 for x > 0, else 0.")                                       \
    X(relu_backward, 2, "g ReLU'(x); the sign of -0.0 kept, as the plugin's step does.")       \
    X(leaky_relu_forward, 2, "Leaky ReLU(x, negative_slope).")                                 \
    X(leaky_relu_derivative, 2, "Leaky ReLU'(x, negative_slope); the slope at 0.")             \
    X(leaky_relu_backward, 3, "g Leaky ReLU'(x, negative_slope).")                             \
    X(relu6_forward, 1, "ReLU6: clip(x, 0, 6).")                                               \
    X(relu6_derivative, 1, "ReLU6': 1 on (0, 6), else 0.")                                     \
    X(relu6_backward, 2, "g ReLU6'(x).")                                                       \
    X(hardtanh_forward, 3, "Hardtanh(x, min_val, max_val): clip.")                             \
    X(hardtanh_derivative, 3, "Hardtanh'(x, min_val, max_val): 1 strictly inside, else 0.")    \
    X(hardtanh_backward, 4, "g Hardtanh'(x, min_val, max_val).")                               \
    X(threshold_forward, 3, "Threshold(x, threshold, value).")                                 \
    X(threshold_derivative, 2, "Threshold'(x, threshold): 1 above, else 0.")                   \
    X(threshold_backward, 3, "g Threshold'(x, threshold).")                                    \
    X(sigmoid_forward, 1, "sigmoid(x).")                                                       \
    X(sigmoid_derivative, 1, "sigmoid'(x) = sigmoid(x) sigmoid(-x).")                          \
    X(sigmoid_backward, 2, "g sigmoid'(x).")                                                   \
    X(log_sigmoid_forward, 1, "log sigmoid(x).")                                               \
    X(log_sigmoid_derivative, 1, "log_sigmoid'(x) = sigmoid(-x).")                             \
    X(log_sigmoid_backward, 2, "g sigmoid(-x).")                                               \
    X(log_sigmoid_backward_output, 2, "g sigmoid(-x) from y = log_sigmoid(x): -g expm1(y).")   \
    X(softplus_forward, 2, "softplus(x, beta).")                                               \
    X(softplus_derivative, 2, "softplus'(x, beta) = sigmoid(beta x).")                         \
    X(softplus_backward, 3, "g sigmoid(beta x).")                                              \
    X(softplus_backward_output, 3, "g sigmoid(beta x) from y = softplus(x): -g expm1(-beta y), beta <= 1.") \
    X(tanh_forward, 1, "tanh(x).")                                                             \
    X(tanh_derivative, 1, "tanh'(x) = sech(x)^2.")                                             \
    X(tanh_backward, 2, "g sech(x)^2.")                                                        \
    X(silu_forward, 2, "SiLU(x, beta) = x sigmoid(beta x).")                                   \
    X(silu_derivative, 2, "SiLU'(x, beta).")                                                   \
    X(silu_backward, 3, "g SiLU'(x, beta).")                                                   \
    X(gelu_forward, 1, "GELU(x) = x Phi(x).")                                                  \
    X(gelu_derivative, 1, "GELU'(x) = Phi(x) + x phi(x).")                                     \
    X(gelu_backward, 2, "g GELU'(x).")                                                         \
    X(gelu_tanh_forward, 1, "GELU, tanh form: x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)).")    \
    X(gelu_tanh_derivative, 1, "GELU', tanh form.")                                            \
    X(gelu_tanh_backward, 2, "g GELU'(x), tanh form.")                                         \
    X(mish_forward, 1, "Mish(x) = x tanh(softplus(x)).")                                       \
    X(mish_derivative, 1, "Mish'(x).")                                                         \
    X(mish_backward, 2, "g Mish'(x).")                                                         \
    X(elu_forward, 2, "ELU(x, alpha).")                                                        \
    X(elu_derivative, 2, "ELU'(x, alpha); alpha at 0.")                                        \
    X(elu_backward, 3, "g ELU'(x, alpha).")                                                    \
    X(selu_forward, 1, "SELU(x).")                                                             \
    X(selu_derivative, 1, "SELU'(x); scale alpha at 0.")                                       \
    X(selu_backward, 2, "g SELU'(x).")                                                         \
    X(celu_forward, 2, "CELU(x, alpha).")                                                      \
    X(celu_derivative, 2, "CELU'(x, alpha); 1 at 0.")                                          \
    X(celu_backward, 3, "g CELU'(x, alpha).")

/* elementary (float kernels are ak_exp_f etc.) */
AK_UFUNC_X(_exp, exp)
AK_UFUNC_X(_expm1, expm1)
AK_UFUNC_X(_log1p, log1p)
AK_UFUNC_X(_erfc, erfc)
/* ReLU family */
AK_UFUNC_X(relu_forward, relu_fwd)
AK_UFUNC_X(relu_derivative, relu_der)
AK_UFUNC_X1(relu_backward, relu_bwd, AK_NONE)
AK_UFUNC_X1(leaky_relu_forward, leaky_relu_fwd, AK_UNIT)
AK_UFUNC_X1(leaky_relu_derivative, leaky_relu_der, AK_NONE)
AK_UFUNC_XG1(leaky_relu_backward, leaky_relu_bwd, AK_NONE)
AK_UFUNC_X(relu6_forward, relu6_fwd)
AK_UFUNC_X(relu6_derivative, relu6_der)
AK_UFUNC_X1(relu6_backward, relu6_bwd, AK_NONE)
AK_UFUNC_X2(hardtanh_forward, hardtanh_fwd)
AK_UFUNC_X2(hardtanh_derivative, hardtanh_der)
AK_UFUNC_XG2(hardtanh_backward, hardtanh_bwd)
AK_UFUNC_X2(threshold_forward, threshold_fwd)
AK_UFUNC_X1(threshold_derivative, threshold_der, AK_NONE)
AK_UFUNC_XG1(threshold_backward, threshold_bwd, AK_NONE)
/* sigmoid family */
AK_UFUNC_X(sigmoid_forward, sigmoid_fwd)
AK_UFUNC_X(sigmoid_derivative, sigmoid_der)
AK_UFUNC_X1(sigmoid_backward, sigmoid_bwd, AK_NONE)
AK_UFUNC_X(log_sigmoid_forward, log_sigmoid_fwd)
AK_UFUNC_X(log_sigmoid_derivative, log_sigmoid_der)
AK_UFUNC_X1(log_sigmoid_backward, log_sigmoid_bwd, AK_NONE)
AK_UFUNC_X1(log_sigmoid_backward_output, log_sigmoid_bwo, AK_NONE)
AK_UFUNC_X1(softplus_forward, softplus_fwd, AK_ONE)
AK_UFUNC_X1(softplus_derivative, softplus_der, AK_ONE)
AK_UFUNC_XG1(softplus_backward, softplus_bwd, AK_ONE)
AK_UFUNC_XG1(softplus_backward_output, softplus_bwo, AK_ONE)
AK_UFUNC_X(tanh_forward, tanh_fwd)
AK_UFUNC_X(tanh_derivative, tanh_der)
AK_UFUNC_X1(tanh_backward, tanh_bwd, AK_NONE)
/* self-gated */
AK_UFUNC_X1(silu_forward, silu_fwd, AK_ONE)
AK_UFUNC_X1(silu_derivative, silu_der, AK_ONE)
AK_UFUNC_XG1(silu_backward, silu_bwd, AK_ONE)
AK_UFUNC_X(gelu_forward, gelu_fwd)
AK_UFUNC_X(gelu_derivative, gelu_der)
AK_UFUNC_X1(gelu_backward, gelu_bwd, AK_NONE)
AK_UFUNC_X(gelu_tanh_forward, gelu_tanh_fwd)
AK_UFUNC_X(gelu_tanh_derivative, gelu_tanh_der)
AK_UFUNC_X1(gelu_tanh_backward, gelu_tanh_bwd, AK_NONE)
AK_UFUNC_X(mish_forward, mish_fwd)
AK_UFUNC_X(mish_derivative, mish_der)
AK_UFUNC_X1(mish_backward, mish_bwd, AK_NONE)
/* ELU family */
AK_UFUNC_X1(elu_forward, elu_fwd, AK_ONE)
AK_UFUNC_X1(elu_derivative, elu_der, AK_ONE)
AK_UFUNC_XG1(elu_backward, elu_bwd, AK_ONE)
AK_UFUNC_X(selu_forward, selu_fwd)
AK_UFUNC_X(selu_derivative, selu_der)
AK_UFUNC_X1(selu_backward, selu_bwd, AK_NONE)
AK_UFUNC_X1(celu_forward, celu_fwd, AK_ONE)
AK_UFUNC_X1(celu_derivative, celu_der, AK_ONE)
AK_UFUNC_XG1(celu_backward, celu_bwd, AK_ONE)

/* ---------------------------------------------------------------------------------------------
 * Registration
 */
static char ak_types[5][10] = {
    {0},
    {NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE},
    {NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE},
    {NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE},
    {NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
     NPY_DOUBLE, NPY_DOUBLE},
};
static void *ak_data[2] = {NULL, NULL};

typedef struct {
    const char *name;
    int nin;
    PyUFuncGenericFunction funcs[2];
    const char *doc;
} ak_spec;

#define AK_SPEC(UF, NIN, DOC) {#UF, NIN, {UF##_f, UF##_d}, DOC},
static ak_spec ak_specs[] = {AK_TABLE(AK_SPEC){NULL, 0, {NULL, NULL}, NULL}};

/* The loop variant the target_clones resolver picks: its own test, in its own order. */
static const char *ak_target(void)
{
#if AK_HAVE_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4";
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3";
    return "default";
#else
    return "single";
#endif
}

static struct PyModuleDef ak_module = {
    PyModuleDef_HEAD_INIT,
    "_ufuncs",
    "The compiled kernels of the bundled activations, as NumPy ufuncs (see plugins/csrc).\n\n"
    "The plugins call them through activations.plugins.compiled.kernel.\n\n"
    "Examples\n"
    "--------\n"
    ">>> import numpy as np\n"
    ">>> from activations.plugins import _ufuncs\n"
    ">>> _ufuncs.sigmoid_backward(np.array([0.0, 40.0]), np.array([1.0, 1.0]))\n"
    "array([2.50000000e-01, 4.24835426e-18])\n",
    -1,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__ufuncs(void)
{
    PyObject *module, *clones;
    ak_spec *spec;
    int fast_fma;
    module = PyModule_Create(&ak_module);
    if (module == NULL) return NULL;
    import_array();
    import_umath();
    for (spec = ak_specs; spec->name != NULL; spec++) {
        PyObject *ufunc = PyUFunc_FromFuncAndData(spec->funcs, ak_data, ak_types[spec->nin], 2, spec->nin,
                                                  1, PyUFunc_None, spec->name, spec->doc, 0);
        if (ufunc == NULL || PyModule_AddObject(module, spec->name, ufunc) < 0) {
            Py_XDECREF(ufunc);
            Py_DECREF(module);
            return NULL;
        }
    }
    if (PyModule_AddStringConstant(module, "TARGET", ak_target()) < 0) goto fail;
#if AK_HAVE_CLONES
    fast_fma = strcmp(ak_target(), "default") != 0;
#elif defined(__FP_FAST_FMA)
    fast_fma = 1;
#else
    fast_fma = 0;
#endif
    if (PyModule_AddObject(module, "FAST_FMA", PyBool_FromLong(fast_fma)) < 0) goto fail;
#if AK_HAVE_CLONES
    clones = Py_BuildValue("(sss)", "x86-64-v4", "x86-64-v3", "default");
#else
    clones = Py_BuildValue("(s)", "single");
#endif
    if (clones == NULL || PyModule_AddObject(module, "TARGETS", clones) < 0) {
        Py_XDECREF(clones);
        goto fail;
    }
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
