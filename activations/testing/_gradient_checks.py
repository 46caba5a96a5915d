"""The checks of the conformance kit that test the gradients: in x, and in the learnable parameters.

`check_backward_finite_differences` compares ``derivative`` and ``backward``
with central finite differences of ``forward``, with a tolerance built from
the truncation and rounding errors of the difference quotient at each point;
`check_backward_matches_derivative` compares ``backward`` with
``grad_output * derivative`` over a wide grid, tails included;
`check_parameter_gradients` compares ``parameter_backward`` with finite
differences of ``forward`` in each learnable parameter.
"""

from __future__ import annotations

import numpy as np

from activations import BoundActivation

from ._harness import Array, _call, _check, _d, _examples, _f, _fail, _fmt, _Options, _ulp

__all__: list[str] = []


def _fd_points(kinks: tuple[float, ...]) -> Array:
    mags = np.concatenate(
        [np.geomspace(1e-4, 1.0, 13), np.linspace(1.0, 8.0, 141)[1:], [12.0, 16.0, 25.0, 40.0]]
    )
    x = np.concatenate([-mags[::-1], [0.0], mags]) + 1e-3 / 7  # off the round numbers kinks sit on
    return np.concatenate([x, np.array(kinks) + 1e-2 / 3, np.array(kinks) - 1e-2 / 3])


@_check
def check_backward_finite_differences(act: BoundActivation, options: _Options) -> None:
    r"""Derivative and backward agree with central finite differences of forward, in float64.

    At each point x of a grid on [-40, 40] (dense near 0 and on [-8, 8]),
    with the step :math:`h = \epsilon^{1/3} \max(1, |x|)` (about 6e-6 in
    float64), the difference quotient :math:`(f(x+h) - f(x-h)) / 2h` must match
    f'(x), and ``backward(x, g)`` must match ``g`` times it, within a tolerance
    derived from the step: the truncation error :math:`h^2 |f'''| / 6`,
    estimated from the derivative's own second difference
    :math:`|f'(x+h) - 2 f'(x) + f'(x-h)| / 6`, times 4; plus forward's own
    error divided by the step, :math:`\epsilon (|f(x+h)| + |f(x-h)| + 2 |x f'(x)|) / 2h`
    (a few ulps of f, and |f'| ulp(x): the accuracy ACCURACY.md asks of forward),
    times 16; plus 8 eps |f'(x)| and ``rtol`` |f'(x)|. Where the derivative is steep enough that the estimate
    fails, the step is cut by 8 twice before a point is reported. Points within
    4 steps of a declared kink are skipped (`check_kinks` covers them), as are
    points where f overflows. Cannot prove: accuracy beyond what a difference
    quotient resolves (about 1e-10 relative), e.g. in the tails where f'(x) is
    below eps |f| / h; mpmath references do that.

    Examples
    --------
    >>> from activations.testing import check_backward_finite_differences
    >>> check_backward_finite_differences("tanh")
    """
    kinks = act.properties.kinks
    x = _fd_points(kinks)
    g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3]), x.shape)
    eps = float(np.finfo(np.float64).eps)
    d0 = _d(act, x)
    b0 = np.asarray(_call(act, "backward", x, g))
    fail_d = np.ones(x.shape, bool)
    fail_b = np.ones(x.shape, bool)
    fd_seen = np.full(x.shape, np.nan)
    ratio = np.zeros(x.shape)  # how far beyond the tolerance, at the first step: to show the worst points
    for shrink in (1.0, 1 / 8, 1 / 64):
        h = shrink * np.cbrt(eps) * np.maximum(1.0, np.abs(x))
        xp, xm = x + h, x - h
        step = (xp - xm) / 2  # the step actually taken, after rounding
        fp, fm = _f(act, xp), _f(act, xm)
        dp, dm = _d(act, xp), _d(act, xm)
        with np.errstate(all="ignore"):
            fd = (fp - fm) / (2 * step)
            trunc = np.abs(dp - 2 * d0 + dm) / 6
            # forward's own error (a few ulps of f, plus |f'| ulp(x)) divided by the step
            rounding = eps * (np.abs(fp) + np.abs(fm) + 2 * np.abs(x * d0)) / (2 * step)
            tol = 4 * trunc + 16 * rounding + (8 * eps + options.rtol) * np.abs(d0) + 1e-300
            fail_d &= ~(np.abs(fd - d0) <= tol)
            fail_b &= ~(np.abs(g * fd - b0) <= np.abs(g) * tol)
            ratio = np.where(ratio == 0, np.abs(fd - d0) / tol, ratio)
        fd_seen = np.where(np.isnan(fd_seen), fd, fd_seen)
    far = np.ones(x.shape, bool)
    for k in kinks:
        far &= np.abs(x - k) > 4 * np.cbrt(eps) * max(1.0, abs(k))
    with np.errstate(all="ignore"):
        usable = far & np.isfinite(fd_seen) & np.isfinite(_f(act, x))
    for name, bad, got, want in (
        ("derivative", fail_d & usable, d0, fd_seen),
        ("backward (grad_output g)", fail_b & usable, b0, g * fd_seen),
    ):
        if bad.any():
            _fail(
                f"{name} disagrees with central finite differences of forward (float64) beyond the "
                "step's truncation and rounding error: "
                + _examples(
                    bad, ("x", x), ("g", g), ("finite differences", want), (name.split()[0], got), worst=ratio
                )
            )


@_check
def check_backward_matches_derivative(act: BoundActivation, options: _Options) -> None:
    """``backward(x, g) == g * derivative(x)``, with and without ``output=forward(x)``.

    Proves, in each dtype, on [-10, 10], the tails out to 1e4 and 0: backward
    is within 8 ulps of the dtype (plus ``rtol``) of ``g * derivative(x)``
    computed in float64 from the dtype's derivative, for ``g`` of both signs,
    0 and 1. With ``output=`` given, this catches a backward that trades
    accuracy for reuse (``y (1 - y)`` loses sigmoid's tails).

    Examples
    --------
    >>> from activations.testing import check_backward_matches_derivative
    >>> check_backward_matches_derivative("sigmoid")
    """
    mags = np.concatenate([np.linspace(0.0, 10.0, 201), [15.0, 20.0, 40.0, 80.0, 200.0, 800.0, 1e4]])
    base = np.concatenate([-mags[::-1], mags, np.asarray(act.properties.kinks)])
    for dtype in options.dtypes:
        info = np.finfo(dtype)
        x = np.clip(base, -float(info.max), float(info.max)).astype(dtype)
        g = np.resize(np.array([1.0, -0.5, 0.0, 2.75, -3.0, 0.1]), x.shape).astype(dtype)
        d = np.asarray(_call(act, "derivative", x))
        want = g.astype(np.float64) * d.astype(np.float64)
        y = _call(act, "forward", x)
        for label, got in (
            ("backward(x, g)", _call(act, "backward", x, g)),
            ("backward(x, g, output=forward(x))", _call(act, "backward", x, g, output=y)),
        ):
            got64 = np.asarray(got).astype(np.float64)
            with np.errstate(all="ignore"):
                tol = 8 * _ulp(want, dtype) + options.rtol * np.abs(want)
                err = np.abs(got64 - want)
                bad = np.isfinite(want) & ~(err <= tol)
            bad |= np.isinf(want) & (got64 != want)
            if bad.any():
                _fail(
                    f"{label} in {dtype} is not g * derivative(x) within 8 ulps: "
                    + _examples(
                        bad, ("x", x), ("g", g), ("g * derivative", want), ("backward", got), worst=err / tol
                    )
                )


# -- output range, monotonic, zero-centred, sparse --------------------------------


#: Steps of the parameter's differences, as fractions of eps^(1/3) max(1, |theta|): a point where the
#: error estimate fails at one step (a steep or barely smooth dependence, such as squareplus's b at
#: 0 near x = 0) is tried at the next.
_SHRINKS = tuple(8.0**-k for k in range(9))


def _with(act: BoundActivation, name: str, value: float) -> BoundActivation | None:
    """The activation with the parameter ``name`` set to ``value``, or None where it refuses the value."""
    import activations

    try:
        return act.replace(**{name: value})  # the same plugin, whichever registry it came from
    except activations.InvalidSpecError:
        return None


def _quotient(act: BoundActivation, name: str, x: Array, h: float) -> tuple[Array, Array] | None:
    """(df/dtheta by differences with step h, the scale of f for the rounding estimate), or None.

    Central where theta +- h are both allowed values, one-sided (second order)
    where only one side is, e.g. at b = 0 of squareplus.
    """
    theta = float(act.config[name])
    plus, minus = _with(act, name, theta + h), _with(act, name, theta - h)
    if plus is not None and minus is not None:
        fp, fm = _f(plus, x), _f(minus, x)
        return (fp - fm) / (2 * h), np.abs(fp) + np.abs(fm)
    sign = 1.0 if plus is not None else -1.0
    far = _with(act, name, theta + 2 * sign * h)
    near = plus if plus is not None else minus
    if near is None or far is None:
        return None
    f0, f1, f2 = _f(act, x), _f(near, x), _f(far, x)
    return sign * (-3 * f0 + 4 * f1 - f2) / (2 * h), 3 * np.abs(f0) + 4 * np.abs(f1) + np.abs(f2)


@_check
def check_parameter_gradients(act: BoundActivation, options: _Options) -> None:
    r"""``parameter_backward`` agrees with differences of forward in each learnable parameter, in float64.

    For each parameter theta named in ``learnable``, at each point x of the
    grid of `check_backward_finite_differences` (on [-40, 40], dense near 0),
    ``parameter_backward`` of that one element with a gradient g must match
    g times :math:`(f_{\theta+h}(x) - f_{\theta-h}(x)) / 2h`, forward of the
    activation rebuilt with the parameter moved by
    :math:`h = \epsilon^{1/3} \max(1, |\theta|)`, one-sided where theta - h or
    theta + h is not an allowed value, and the step cut by 8 up to eight times
    where the estimate fails (as where f depends on theta steeply or barely
    smoothly). The tolerance is the truncation error
    estimated from the same quotient at h/2, times 4, plus forward's error
    divided by the step, :math:`16 \epsilon (|f_{\theta+h}| + |f_{\theta-h}|) / 2h`,
    plus 8 eps and ``rtol`` relative; and ``parameter_backward`` of the whole
    grid must be the sum of its elements' values (to rounding). An activation
    with nothing learnable must return ``{}``. Cannot prove: accuracy in the
    tails, where df/dtheta is below what a difference quotient of f resolves
    (about 1e-10 of |f|); the mpmath references of the test suite do that.

    Examples
    --------
    >>> from activations.testing import check_parameter_gradients
    >>> check_parameter_gradients("prelu")
    >>> check_parameter_gradients("softplus(beta=2.0)")
    """
    x = _fd_points(act.properties.kinks)
    g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3]), x.shape)
    names = act.learnable
    if not names:
        got = _call(act, "parameter_backward", x, g)
        if got != {}:
            _fail(f"declares nothing learnable, but parameter_backward returned {got!r}; expected {{}}")
        return
    eps = float(np.finfo(np.float64).eps)
    whole = _call(act, "parameter_backward", x, g)
    for name in names:
        one = np.ones(1)
        got = np.array([_call(act, "parameter_backward", x[i : i + 1], one)[name] for i in range(x.size)])
        theta = float(act.config[name])
        bad = np.ones(x.shape, bool)
        first: Array | None = None
        for shrink in _SHRINKS:  # a point passes at the first step whose estimate holds
            h = shrink * float(np.cbrt(eps)) * max(1.0, abs(theta))
            coarse, fine = _quotient(act, name, x, h), _quotient(act, name, x, h / 2)
            if coarse is None or fine is None:
                _fail(
                    f"{name}: no value of {name} near {theta!r} is accepted, so it cannot be differentiated"
                )
            with np.errstate(all="ignore"):
                fd, scale = coarse
                trunc = np.abs(fine[0] - fd)  # h^2 against (h/2)^2: 3/4 of the coarse truncation error
                rounding = eps * scale / (2 * h)
                tol = 4 * trunc + 16 * rounding + (8 * eps + options.rtol) * np.abs(fd) + 1e-300
                bad &= ~(np.abs(got - fd) <= tol)
            first = fd if first is None else first
            if not bad.any():
                break
        assert first is not None  # the loop ran at least once
        with np.errstate(all="ignore"):
            bad &= np.isfinite(first) & np.isfinite(_f(act, x))
        if bad.any():
            _fail(
                f"the gradient in {name} ({name} = {_fmt(theta)}) disagrees with finite differences of "
                f"forward in {name} (float64) beyond the step's truncation and rounding error: "
                + _examples(bad, ("x", x), ("finite differences", first), ("parameter_backward", got))
            )
        total = float(np.sum(g * got))
        if not abs(whole[name] - total) <= 1e-12 * float(np.sum(np.abs(g * got))) + 1e-300:
            _fail(
                f"parameter_backward over the grid gives {name} = {_fmt(whole[name])}, but the sum of its "
                f"elements' values is {_fmt(total)}"
            )
