"""JVP and transpose rules of the elementwise primitives."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import (
    P,
    bcast_to,
    const,
    dtype,
    is_complex,
    jvp,
    linear,
    per_arg_jvp,
    per_arg_jvp2,
    replace_zero,
    transpose,
    zero_jvp,
    zeros,
)
from jax_ad.transpose import UndefinedPrimal, is_undefined
from jax_ad.zeros import Zero, instantiate, tangent_aval

# --------------------------------------------------------------------------
# linear arithmetic


def _add_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, y = primals
    tx, ty = tangents
    out = lax.add(x, y)
    if type(tx) is Zero:
        return out, ty
    if type(ty) is Zero:
        return out, tx
    return out, lax.add(tx, ty)


def _sub_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, y = primals
    tx, ty = tangents
    out = lax.sub(x, y)
    if type(tx) is Zero:
        return out, lax.neg(ty)
    if type(ty) is Zero:
        return out, tx
    return out, lax.sub(tx, ty)


jvp("add", _add_jvp)
jvp("sub", _sub_jvp)
transpose("add", lambda ct, x, y: [ct if is_undefined(x) else None, ct if is_undefined(y) else None])
transpose("sub", lambda ct, x, y: [ct if is_undefined(x) else None,
                                   lax.neg(ct) if is_undefined(y) else None])
linear("neg", lambda ct, x: [lax.neg(ct)])


def _mul_transpose(ct: Any, x: Any, y: Any) -> list:
    if is_undefined(x) and is_undefined(y):
        raise NotImplementedError("mul transpose: both operands are linear (the jaxpr is not linear)")
    if is_undefined(x):
        return [lax.mul(ct, y), None]
    return [None, lax.mul(x, ct)]


per_arg_jvp("mul", lambda g, x, y: lax.mul(g, y), lambda g, x, y: lax.mul(x, g))
transpose("mul", _mul_transpose)


def _div_transpose(ct: Any, x: Any, y: Any) -> list:
    if is_undefined(y):
        raise NotImplementedError("div transpose with respect to the divisor (the jaxpr is not linear)")
    return [lax.div(ct, y), None]


per_arg_jvp("div", lambda g, x, y: lax.div(g, y),
            lambda g, x, y: lax.mul(lax.mul(lax.neg(g), x), lax.integer_pow(y, -2)))
transpose("div", _div_transpose)

per_arg_jvp("rem", lambda g, x, y: g,
            lambda g, x, y: lax.mul(lax.neg(g), lax.mul(lax.sign(lax.div(x, y)),
                                                          lax.floor(lax.abs(lax.div(x, y))))))


def _pow_jvp_lhs(g: Any, ans: Any, x: Any, y: Any) -> Any:
    xdt, ydt = dtype(x), dtype(y)
    yd = lax.convert_element_type(y, xdt) if ydt != xdt else y
    one = const(yd, 1)
    if ydt.kind in "iu":
        jac = lax.select(lax.eq(yd, zeros(yd)), zeros(yd), lax.mul(yd, lax.pow(x, lax.sub(yd, one))))
    else:
        jac = lax.mul(yd, lax.pow(x, lax.sub(yd, one)))
    return lax.mul(g, jac)


def _pow_jvp_rhs(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return lax.mul(g, lax.mul(lax.log(replace_zero(x)), ans))


per_arg_jvp2("pow", _pow_jvp_lhs, _pow_jvp_rhs)


def _integer_pow_jvp(g: Any, x: Any, *, y: int) -> Any:
    if y == 0:
        return zeros(g)
    if y == 1:
        return g
    return lax.mul(g, lax.mul(const(x, y), lax.integer_pow(x, y - 1)))


per_arg_jvp("integer_pow", _integer_pow_jvp)
per_arg_jvp("square", lambda g, x: lax.mul(g, lax.mul(const(x, 2), x)))

# --------------------------------------------------------------------------
# piecewise constant / boolean / integer-valued ops


zero_jvp("sign", "floor", "ceil", "round", "nextafter", "is_finite",
         "eq", "ne", "lt", "le", "gt", "ge",
         "and", "or", "not", "xor",
         "shift_left", "shift_right_logical", "shift_right_arithmetic", "population_count", "clz")


def _abs_jvp(g: Any, ans: Any, x: Any) -> Any:
    if is_complex(x):
        # d|x| = Re(conj(x) dx) / |x|
        denom = replace_zero(lax.convert_element_type(ans, x.dtype))
        return lax.real(lax.mul(g, lax.div(lax.conj(x), denom)))
    return lax.select(lax.ge(x, zeros(x)), g, lax.neg(g))


per_arg_jvp2("abs", _abs_jvp)


def _balanced_eq(x: Any, z: Any, y: Any) -> Any:
    """1 where x is the chosen extremum z, 0.5 where x and y tie, else 0."""
    return lax.select(lax.eq(x, z),
                      lax.select(lax.eq(y, z), const(x, 0.5), const(x, 1)),
                      zeros(x))


per_arg_jvp2("max", lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
             lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x)))
per_arg_jvp2("min", lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
             lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x)))

# --------------------------------------------------------------------------
# transcendental functions

per_arg_jvp2("exp", lambda g, ans, x: lax.mul(g, ans))
per_arg_jvp2("exp2", lambda g, ans, x: lax.mul(g, lax.mul(const(x, np.log(2.0)), ans)))
per_arg_jvp("log", lambda g, x: lax.div(g, x))
per_arg_jvp2("expm1", lambda g, ans, x: lax.mul(g, lax.add(ans, const(ans, 1))))
per_arg_jvp("log1p", lambda g, x: lax.div(g, lax.add(x, const(x, 1))))
per_arg_jvp2("tanh", lambda g, ans, x: lax.mul(lax.add(g, lax.mul(g, ans)), lax.sub(const(x, 1), ans)))
per_arg_jvp2("logistic", lambda g, ans, x: lax.mul(g, lax.mul(ans, lax.sub(const(ans, 1), ans))))
per_arg_jvp("sin", lambda g, x: lax.mul(g, lax.cos(x)))
per_arg_jvp("cos", lambda g, x: lax.neg(lax.mul(g, lax.sin(x))))
per_arg_jvp2("tan", lambda g, ans, x: lax.mul(g, lax.add(const(x, 1), lax.square(ans))))
per_arg_jvp("asin", lambda g, x: lax.mul(g, lax.rsqrt(lax.sub(const(x, 1), lax.square(x)))))
per_arg_jvp("acos", lambda g, x: lax.mul(g, lax.neg(lax.rsqrt(lax.sub(const(x, 1), lax.square(x))))))
per_arg_jvp("atan", lambda g, x: lax.div(g, lax.add(const(x, 1), lax.square(x))))
per_arg_jvp("atan2",
            lambda g, x, y: lax.mul(g, lax.div(y, lax.add(lax.square(x), lax.square(y)))),
            lambda g, x, y: lax.mul(g, lax.div(lax.neg(x), lax.add(lax.square(x), lax.square(y)))))
per_arg_jvp("sinh", lambda g, x: lax.mul(g, lax.cosh(x)))
per_arg_jvp("cosh", lambda g, x: lax.mul(g, lax.sinh(x)))
per_arg_jvp("asinh", lambda g, x: lax.mul(g, lax.rsqrt(lax.add(lax.square(x), const(x, 1)))))
per_arg_jvp("acosh", lambda g, x: lax.mul(g, lax.rsqrt(lax.mul(lax.sub(x, const(x, 1)),
                                                               lax.add(x, const(x, 1))))))
per_arg_jvp("atanh", lambda g, x: lax.mul(lax.div(const(x, 1), lax.add(const(x, 1), x)),
                                          lax.div(g, lax.sub(const(x, 1), x))))
per_arg_jvp2("sqrt", lambda g, ans, x: lax.mul(g, lax.div(const(x, 0.5), ans)))
per_arg_jvp2("rsqrt", lambda g, ans, x: lax.mul(g, lax.mul(const(x, -0.5), lax.div(ans, x))))
per_arg_jvp2("cbrt", lambda g, ans, x: lax.mul(g, lax.mul(const(x, 1.0 / 3.0), lax.integer_pow(ans, -2))))

# --------------------------------------------------------------------------
# special functions

_two_over_sqrt_pi = 2.0 / np.sqrt(np.pi)
per_arg_jvp("erf", lambda g, x: lax.mul(const(x, _two_over_sqrt_pi), lax.mul(g, lax.exp(lax.neg(lax.square(x))))))
per_arg_jvp("erfc", lambda g, x: lax.mul(const(x, -_two_over_sqrt_pi),
                                         lax.mul(g, lax.exp(lax.neg(lax.square(x))))))
per_arg_jvp2("erf_inv", lambda g, ans, x: lax.mul(const(x, np.sqrt(np.pi) / 2.0),
                                                  lax.mul(g, lax.exp(lax.square(ans)))))
per_arg_jvp("lgamma", lambda g, x: lax.mul(g, lax.digamma(x)))


def trigamma(x: Any) -> Any:
    """polygamma(1, x), built from differentiable primitives (so digamma is differentiable to any order).

    Recurrence up to x + 8, then the asymptotic series; reflection for x < 1/2.
    """
    half = const(x, 0.5)
    reflect = lax.lt(x, half)
    y = lax.select(reflect, lax.sub(const(x, 1), x), x)  # y >= 1/2
    acc = zeros(x)
    for k in range(8):
        acc = lax.add(acc, lax.integer_pow(lax.add(y, const(y, k)), -2))
    z = lax.add(y, const(y, 8))
    iz = lax.div(const(z, 1), z)
    iz2 = lax.mul(iz, iz)
    # 1/z + 1/(2z^2) + 1/(6z^3) - 1/(30z^5) + 1/(42z^7) - 1/(30z^9)
    series = lax.mul(iz2, lax.add(const(z, 1 / 6), lax.mul(iz2, lax.add(
        const(z, -1 / 30), lax.mul(iz2, lax.add(const(z, 1 / 42), lax.mul(iz2, const(z, -1 / 30))))))))
    direct = lax.add(acc, lax.add(iz, lax.add(lax.mul(const(z, 0.5), iz2), lax.mul(iz, series))))
    # trigamma(x) = pi^2 / sin^2(pi x) - trigamma(1 - x); safe input off the reflected branch
    xs = lax.select(reflect, x, const(x, 0.25))
    s = lax.sin(lax.mul(const(x, np.pi), xs))
    reflected = lax.sub(lax.div(const(x, np.pi ** 2), lax.square(s)), direct)
    return lax.select(reflect, reflected, direct)


per_arg_jvp("digamma", lambda g, x: lax.mul(g, trigamma(x)))

# --------------------------------------------------------------------------
# complex numbers


linear("real", lambda ct, x: [lax.complex(ct, zeros(ct))])
linear("imag", lambda ct, x: [lax.complex(zeros(ct), lax.neg(ct))])
linear("complex", lambda ct, x, y: [lax.real(ct) if is_undefined(x) else None,
                                    lax.imag(lax.neg(ct)) if is_undefined(y) else None])


def _conj_transpose(ct: Any, x: Any, *, input_dtype: Any = None) -> list:
    in_dtype = x.aval.dtype if isinstance(x, UndefinedPrimal) else dtype(x)
    if in_dtype.kind == "c":
        return [lax.conj(ct)]
    return [lax.real(ct)]


linear("conj", _conj_transpose)

# --------------------------------------------------------------------------
# selection


def _select_n_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    which, *cases = primals
    case_ts = tangents[1:]
    out = lax.select_n(which, *cases)
    if all(type(t) is Zero for t in case_ts):
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.select_n(which, *[instantiate(t) for t in case_ts])


def _select_n_transpose(ct: Any, which: Any, *cases: Any) -> list:
    if is_undefined(which):
        raise NotImplementedError("select_n transpose with respect to the predicate")
    z = zeros(ct)
    out: list = [None]
    for i, c in enumerate(cases):
        if is_undefined(c):
            args = [z] * len(cases)
            args[i] = ct
            out.append(lax.select_n(which, *args))
        else:
            out.append(None)
    return out


jvp("select_n", _select_n_jvp)
transpose("select_n", _select_n_transpose)


def _clamp_lo_jvp(g: Any, lo: Any, x: Any, hi: Any) -> Any:
    lo_b, hi_b = bcast_to(lo, x), bcast_to(hi, x)
    return lax.select(lax.bitwise_and(lax.gt(lo_b, x), lax.lt(lo_b, hi_b)), bcast_to(g, x), zeros(x))


def _clamp_x_jvp(g: Any, lo: Any, x: Any, hi: Any) -> Any:
    lo_b, hi_b = bcast_to(lo, x), bcast_to(hi, x)
    return lax.select(lax.bitwise_and(lax.gt(x, lo_b), lax.lt(x, hi_b)), g, zeros(x))


def _clamp_hi_jvp(g: Any, lo: Any, x: Any, hi: Any) -> Any:
    hi_b = bcast_to(hi, x)
    return lax.select(lax.lt(hi_b, x), bcast_to(g, x), zeros(x))


per_arg_jvp("clamp", _clamp_lo_jvp, _clamp_x_jvp, _clamp_hi_jvp)

__all__ = ["trigamma"]
del P
