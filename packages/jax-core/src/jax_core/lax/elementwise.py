"""Elementwise primitives (unary and n-ary), and their lax wrappers.

Every primitive here follows XLA's semantics (which is what jax-xla lowers
to), implemented with NumPy for the eager interpreter:

* results keep the input dtype (comparisons give bool, ``abs``/``real``/
  ``imag`` of complex give the real dtype, ``complex``/``conj`` give complex);
  float16/bfloat16 transcendental functions are computed in float32 and
  rounded back, as XLA does;
* integer ``div``/``rem`` truncate like C, with XLA's answers for division
  by zero (``x / 0 == -1``, ``x % 0 == x``) and ``INT_MIN / -1``;
* shifts by an amount outside ``[0, bits)`` give 0 (left and logical right)
  or the sign fill (arithmetic right);
* ``max``/``min`` propagate NaN;
* special functions (erf, erfc, erf_inv, lgamma, digamma) use only NumPy and
  :mod:`math`, accurate to a few ulps in float64.

Floating-point warnings are silenced: like XLA, ``log(0)`` is just ``-inf``.
"""
from __future__ import annotations

import builtins
import enum
import math
import operator
from typing import Any, Callable

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, eval_trace, get_aval, trace_state
from jax_core.lax import primitive_util
from jax_core.lax.primitive_util import (
    elementwise,
    is_any,
    is_bool,
    is_complex,
    is_float,
    is_float_or_int,
    is_inexact,
    is_int,
    is_int_or_bool,
    is_numeric,
    is_signed_int,
    real_dtype,
    standard_primitive,
    to_bool_dtype,
)

_scalar_types = (bool, int, float, complex)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_LOW_FLOATS = frozenset({np.dtype(np.float16), np.dtype(dtypes.bfloat16)})
_UNSIGNED_OF_SIZE: dict[int, np.dtype] = {
    d.itemsize: d for d in map(np.dtype, (np.uint8, np.uint16, np.uint32, np.uint64))}
_SIGNED_OF_SIZE: dict[int, np.dtype] = {
    d.itemsize: d for d in map(np.dtype, (np.int8, np.int16, np.int32, np.int64))}
_COMPLEX_OF: dict[np.dtype, np.dtype] = {_F32: np.dtype(np.complex64), _F64: np.dtype(np.complex128)}

# ---------------------------------------------------------------------------
# dtype categories specific to some elementwise ops


def _is_ordered(d: np.dtype) -> bool:
    return is_int(d) or is_float(d) or is_bool(d)


def _is_signed_int_or_inexact(d: np.dtype) -> bool:
    return is_signed_int(d) or is_inexact(d)


def _is_complex_component(d: np.dtype) -> bool:
    return d == _F32 or d == _F64


def _is_complex_component_or_complex(d: np.dtype) -> bool:
    return d == _F32 or d == _F64 or is_complex(d)


primitive_util._category_names.update({
    _is_ordered: "integer, floating-point or boolean",
    _is_signed_int_or_inexact: "signed integer, floating-point or complex",
    _is_complex_component: "float32 or float64",
    _is_complex_component_or_complex: "float32, float64 or complex",
})


# ---------------------------------------------------------------------------
# binding with Python scalars


def _scalar_like(value: Any, like: Any) -> Any:
    """A Python scalar operand of a lax op takes the dtype of its array partner."""
    aval = get_aval(like)
    arr = np.asarray(value, dtype=aval.dtype)
    if aval.shape:
        if trace_state.trace is eval_trace:
            # eager: no need to run broadcast_in_dim; a read-only zero-stride
            # view of the scalar will do (np.broadcast_to is 4x slower)
            view = np.ndarray(aval.shape, arr.dtype, buffer=arr, strides=(0,) * len(aval.shape))
            view.flags.writeable = False
            return Array._from_numpy(view, True)
        from jax_core.lax.structural import broadcast_in_dim

        return broadcast_in_dim(Array._from_numpy(arr, True), aval.shape, ())
    return Array._from_numpy(arr, True)


def _bind_nary(prim: Any, *args: Any) -> Any:
    if any(isinstance(a, _scalar_types) for a in args):
        like = next((a for a in args if not isinstance(a, _scalar_types)), None)
        if like is not None:
            args = tuple(_scalar_like(a, like) if isinstance(a, _scalar_types) else a for a in args)
    return prim.bind(*args)


def _bind2(prim: Any, x: Any, y: Any, **params: Any) -> Any:
    """``_bind_nary`` for the common two-operand case, without the generic loops."""
    if isinstance(x, _scalar_types):
        if not isinstance(y, _scalar_types):
            x = _scalar_like(x, y)
    elif isinstance(y, _scalar_types):
        y = _scalar_like(y, x)
    return prim.bind(x, y, **params)


# ---------------------------------------------------------------------------
# building NumPy implementations


def _low_precision_in_f32(fn: Callable[..., Any], silence: bool = True) -> Callable[..., Any]:
    """An impl running ``fn``, in float32 for float16/bfloat16 inputs (rounded back)."""
    if silence:
        def impl(*args: np.ndarray) -> Any:
            d = args[0].dtype
            with np.errstate(all="ignore"):
                if d in _LOW_FLOATS:
                    return fn(*(a.astype(_F32) for a in args)).astype(d)
                return fn(*args)
    else:
        def impl(*args: np.ndarray) -> Any:
            d = args[0].dtype
            if d in _LOW_FLOATS:
                return fn(*(a.astype(_F32) for a in args)).astype(d)
            return fn(*args)
    impl.__name__ = getattr(fn, "__name__", "impl")
    return impl


def _in_float64(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """An impl computing a real special function in float64 on a flat copy of the
    input (so that masks and in-place updates work for 0-d arrays too), cast back."""

    def impl(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(np.asarray(x, _F64).reshape(-1))
        return np.asarray(out).reshape(x.shape).astype(x.dtype, copy=False)

    impl.__name__ = fn.__name__
    return impl


def _unop(name: str, impl: Callable[..., Any], accepts: Callable[[np.dtype], bool],
          result_dtype: Callable[[np.dtype], np.dtype] | None = None,
          keep_weak: bool = False) -> Any:
    p = elementwise(name, impl, accepts, result_dtype)
    if keep_weak and result_dtype is not None:
        # abs/real/imag of a weakly typed complex stay weak, as in JAX
        rule = p.abstract_eval

        def abstract_eval(x: ShapedArray, **params: Any) -> ShapedArray:
            out = rule(x, **params)  # type: ignore[misc]
            return out if out.weak_type == x.weak_type else out.update(weak_type=x.weak_type)

        p.def_abstract_eval(abstract_eval)
    return p


# ---------------------------------------------------------------------------
# n-ary arithmetic

add_p = elementwise("add", np.add, is_numeric)
sub_p = elementwise("sub", np.subtract, is_numeric)
mul_p = elementwise("mul", np.multiply, is_numeric)


def _int_div_parts(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(zero-divisor mask, divisor with 1 where y == 0 or x / y == INT_MIN / -1)."""
    zero = y == 0
    unsafe = zero
    if x.dtype.kind == "i":
        # with a divisor of 1 the quotient is INT_MIN and the remainder 0: XLA's answers
        unsafe = zero | ((x == np.iinfo(x.dtype).min) & (y == -1))
    return zero, np.where(unsafe, np.ones((), y.dtype), y)


def _div_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype.kind in "iu":
        # C division truncates toward zero; XLA gives x / 0 == -1 (all bits
        # set) and INT_MIN / -1 == INT_MIN.
        zero, safe_y = _int_div_parts(x, y)
        q, r = np.divmod(x, safe_y)
        if x.dtype.kind == "i":
            q = q + ((r != 0) & ((x < 0) != (safe_y < 0)))  # floor -> trunc
        return np.where(zero, np.array(-1).astype(x.dtype), q)
    with np.errstate(all="ignore"):
        return np.true_divide(x, y)


def _rem_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype.kind in "iu":
        # sign of the dividend (C fmod); XLA: x % 0 == x, INT_MIN % -1 == 0
        zero, safe_y = _int_div_parts(x, y)
        return np.where(zero, x, np.fmod(x, safe_y))
    with np.errstate(all="ignore"):
        if x.dtype in _LOW_FLOATS:
            return np.fmod(x.astype(_F32), y.astype(_F32)).astype(x.dtype)
        return np.fmod(x, y)


div_p = elementwise("div", _div_impl, is_numeric)
rem_p = elementwise("rem", _rem_impl, is_float_or_int)


def _pow_abstract_eval(x: ShapedArray, y: ShapedArray) -> ShapedArray:
    if not is_inexact(x.dtype) or not (is_int(y.dtype) or is_inexact(y.dtype)):
        raise TypeError(
            f"lax.pow does not accept dtypes {x.dtype.name}, {y.dtype.name}: the base must be "
            "floating-point or complex, and the exponent an integer, floating-point or complex.")
    if is_inexact(y.dtype) and y.dtype != x.dtype:
        raise TypeError(
            f"lax.pow requires a floating-point or complex exponent to have the base's dtype, "
            f"got {x.dtype.name} and {y.dtype.name} (an integer exponent may have any "
            "integer dtype).")
    if x.shape != y.shape:
        raise TypeError(f"pow got incompatible shapes for broadcasting: {x.str_short()}, "
                        f"{y.str_short()}. lax.pow requires operands of the same shape.")
    return ShapedArray(x.shape, x.dtype, x.weak_type and y.weak_type)


def _pow_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    d = x.dtype
    with np.errstate(all="ignore"):
        if d in _LOW_FLOATS:
            return np.power(x.astype(_F32), y.astype(_F32)).astype(d)
        # an integer exponent is converted to the base's type (as the lowering does)
        return np.power(x, y if y.dtype == d else y.astype(d))


pow_p = standard_primitive("pow", _pow_abstract_eval, _pow_impl)


def _integer_pow_abstract_eval(x: ShapedArray, *, y: int) -> ShapedArray:
    if not (is_int(x.dtype) or is_inexact(x.dtype)):
        raise TypeError(f"lax.integer_pow does not accept dtype {x.dtype.name}; it accepts "
                        "integer, floating-point or complex dtypes.")
    if y < 0 and is_int(x.dtype):
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({x.str_short()}, {y})")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _integer_pow_np(x: np.ndarray, y: int) -> np.ndarray:
    # Square-and-multiply, the same sequence of products the lowering emits,
    # so eager and compiled results round identically.
    if y == 0:
        return np.ones_like(x)
    n = builtins.abs(y)
    acc: Any = None
    base = x
    while n > 0:
        if n & 1:
            acc = base if acc is None else np.multiply(acc, base)
        n >>= 1
        if n:
            base = np.multiply(base, base)
    if y < 0:
        acc = np.true_divide(np.ones((), x.dtype), acc)
    return acc  # type: ignore[no-any-return]


def _integer_pow_impl(x: np.ndarray, *, y: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        if x.dtype in _LOW_FLOATS:
            return _integer_pow_np(x.astype(_F32), y).astype(x.dtype)
        return _integer_pow_np(x, y)


integer_pow_p = standard_primitive("integer_pow", _integer_pow_abstract_eval, _integer_pow_impl)


def _sign_impl(x: np.ndarray) -> np.ndarray:
    k = x.dtype.kind
    if k in "iu":
        return np.sign(x)
    with np.errstate(all="ignore"):
        if k == "c":
            return np.sign(x)  # x / |x|, and 0 at 0
        # np.sign(-0.0) is +0.0 but XLA keeps the zero's sign
        return np.copysign(np.sign(x), x)


neg_p = elementwise("neg", np.negative, is_numeric)
sign_p = elementwise("sign", _sign_impl, is_numeric)
abs_p = _unop("abs", np.abs, _is_signed_int_or_inexact, real_dtype, keep_weak=True)
square_p = elementwise("square", _low_precision_in_f32(np.square), is_numeric)
max_p = elementwise("max", np.maximum, is_any)
min_p = elementwise("min", np.minimum, is_any)
nextafter_p = elementwise("nextafter", np.nextafter, is_float)


def add(x: Any, y: Any) -> Any:
    """Elementwise ``x + y``."""
    return _bind2(add_p, x, y)


def sub(x: Any, y: Any) -> Any:
    """Elementwise ``x - y``."""
    return _bind2(sub_p, x, y)


def mul(x: Any, y: Any) -> Any:
    """Elementwise ``x * y``."""
    return _bind2(mul_p, x, y)


def div(x: Any, y: Any) -> Any:
    """Elementwise ``x / y``; integer division truncates toward zero."""
    return _bind2(div_p, x, y)


def rem(x: Any, y: Any) -> Any:
    """Elementwise remainder with the sign of the dividend (C ``fmod``)."""
    return _bind2(rem_p, x, y)


def pow(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    """Elementwise ``x ** y``: floating/complex base, integer or same-dtype exponent."""
    return _bind2(pow_p, x, y)


def integer_pow(x: Any, y: int) -> Any:
    """Elementwise ``x ** y`` for a static Python integer ``y``."""
    return integer_pow_p.bind(x, y=operator.index(y))


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x``."""
    return integer_pow(x, -1)


def neg(x: Any) -> Any:
    """Elementwise ``-x``."""
    return neg_p.bind(x)


def sign(x: Any) -> Any:
    """Elementwise sign: -1, 0 or 1 (``x / |x|`` for complex)."""
    return sign_p.bind(x)


def abs(x: Any) -> Any:  # noqa: A001 - lax's name
    """Elementwise absolute value (the real dtype for complex inputs)."""
    return abs_p.bind(x)


def square(x: Any) -> Any:
    """Elementwise ``x * x``."""
    return square_p.bind(x)


def max(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    """Elementwise maximum, propagating NaN."""
    return _bind2(max_p, x, y)


def min(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    """Elementwise minimum, propagating NaN."""
    return _bind2(min_p, x, y)


def nextafter(x1: Any, x2: Any) -> Any:
    """The next representable value after ``x1`` in the direction of ``x2``."""
    return _bind2(nextafter_p, x1, x2)


# ---------------------------------------------------------------------------
# rounding


class RoundingMethod(enum.IntEnum):
    """How :func:`round` breaks ties: away from zero (0) or to the nearest even (1)."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def _round_away_from_zero(x: np.ndarray) -> np.ndarray:
    t = np.trunc(x)
    # x - trunc(x) is exact, so the tie test is too
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t)


def _round_impl(x: np.ndarray, *, rounding_method: Any) -> np.ndarray:
    fn = np.rint if int(rounding_method) == RoundingMethod.TO_NEAREST_EVEN else _round_away_from_zero
    with np.errstate(all="ignore"):
        if x.dtype in _LOW_FLOATS:
            return fn(x.astype(_F32)).astype(x.dtype)  # type: ignore[no-any-return]
        return fn(x)  # type: ignore[no-any-return]


floor_p = elementwise("floor", np.floor, is_float)
ceil_p = elementwise("ceil", np.ceil, is_float)
round_p = elementwise("round", _round_impl, is_float)
is_finite_p = elementwise("is_finite", np.isfinite, is_float, to_bool_dtype)


def floor(x: Any) -> Any:
    """Elementwise floor."""
    return floor_p.bind(x)


def ceil(x: Any) -> Any:
    """Elementwise ceiling."""
    return ceil_p.bind(x)


def round(x: Any, rounding_method: Any = RoundingMethod.AWAY_FROM_ZERO) -> Any:  # noqa: A001
    """Round to the nearest integer; ties go away from zero or to even."""
    if isinstance(rounding_method, str):
        rounding_method = RoundingMethod[rounding_method.upper()]
    return round_p.bind(x, rounding_method=RoundingMethod(rounding_method))


def is_finite(x: Any) -> Any:
    """Elementwise: neither infinite nor NaN."""
    return is_finite_p.bind(x)


# ---------------------------------------------------------------------------
# exponentials, logarithms, trigonometric and hyperbolic functions


def _logistic_np(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))  # type: ignore[no-any-return]


def _rsqrt_np(x: np.ndarray) -> np.ndarray:
    return 1 / np.sqrt(x)  # type: ignore[no-any-return]


def _atan2_np(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "c":
        # atan2(x, y) = -i log((y + i x) / sqrt(x^2 + y^2)), which is the
        # angle of (y, x) for real inputs; complex64 goes through complex128
        # so that real inputs keep a (nearly) zero imaginary part
        xw, yw = x.astype(np.complex128), y.astype(np.complex128)
        out = -1j * np.log((yw + 1j * xw) / np.sqrt(xw * xw + yw * yw))
        return out.astype(x.dtype)  # type: ignore[no-any-return]
    return np.arctan2(x, y)


_float_or_complex_unops: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp, "exp2": np.exp2, "log": np.log, "expm1": np.expm1, "log1p": np.log1p,
    "tanh": np.tanh, "logistic": _logistic_np, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "sqrt": np.sqrt,
    "rsqrt": _rsqrt_np,
}
# sin, cos and tanh cannot raise floating-point errors on finite inputs, so
# the hottest ops skip np.errstate (NumPy may warn for sin(inf); harmless)
_NEVER_RAISE = ("sin", "cos", "tanh")
_unop_prims = {name: elementwise(name, _low_precision_in_f32(fn, silence=name not in _NEVER_RAISE),
                                 is_inexact)
               for name, fn in _float_or_complex_unops.items()}
exp_p = _unop_prims["exp"]
exp2_p = _unop_prims["exp2"]
log_p = _unop_prims["log"]
expm1_p = _unop_prims["expm1"]
log1p_p = _unop_prims["log1p"]
tanh_p = _unop_prims["tanh"]
logistic_p = _unop_prims["logistic"]
sin_p = _unop_prims["sin"]
cos_p = _unop_prims["cos"]
tan_p = _unop_prims["tan"]
asin_p = _unop_prims["asin"]
acos_p = _unop_prims["acos"]
atan_p = _unop_prims["atan"]
sinh_p = _unop_prims["sinh"]
cosh_p = _unop_prims["cosh"]
asinh_p = _unop_prims["asinh"]
acosh_p = _unop_prims["acosh"]
atanh_p = _unop_prims["atanh"]
sqrt_p = _unop_prims["sqrt"]
rsqrt_p = _unop_prims["rsqrt"]
cbrt_p = elementwise("cbrt", _low_precision_in_f32(np.cbrt), is_float)
atan2_p = elementwise("atan2", _low_precision_in_f32(_atan2_np), is_inexact)


def exp(x: Any) -> Any:
    """Elementwise ``e ** x``."""
    return exp_p.bind(x)


def exp2(x: Any) -> Any:
    """Elementwise ``2 ** x``."""
    return exp2_p.bind(x)


def log(x: Any) -> Any:
    """Elementwise natural logarithm."""
    return log_p.bind(x)


def expm1(x: Any) -> Any:
    """Elementwise ``exp(x) - 1``, accurate near 0."""
    return expm1_p.bind(x)


def log1p(x: Any) -> Any:
    """Elementwise ``log(1 + x)``, accurate near 0."""
    return log1p_p.bind(x)


def tanh(x: Any) -> Any:
    """Elementwise hyperbolic tangent."""
    return tanh_p.bind(x)


def logistic(x: Any) -> Any:
    """Elementwise logistic sigmoid ``1 / (1 + exp(-x))``."""
    return logistic_p.bind(x)


def sin(x: Any) -> Any:
    """Elementwise sine."""
    return sin_p.bind(x)


def cos(x: Any) -> Any:
    """Elementwise cosine."""
    return cos_p.bind(x)


def tan(x: Any) -> Any:
    """Elementwise tangent."""
    return tan_p.bind(x)


def asin(x: Any) -> Any:
    """Elementwise arc sine."""
    return asin_p.bind(x)


def acos(x: Any) -> Any:
    """Elementwise arc cosine."""
    return acos_p.bind(x)


def atan(x: Any) -> Any:
    """Elementwise arc tangent."""
    return atan_p.bind(x)


def atan2(x: Any, y: Any) -> Any:
    """Elementwise arc tangent of ``x / y``, using the signs to pick the quadrant."""
    return _bind2(atan2_p, x, y)


def sinh(x: Any) -> Any:
    """Elementwise hyperbolic sine."""
    return sinh_p.bind(x)


def cosh(x: Any) -> Any:
    """Elementwise hyperbolic cosine."""
    return cosh_p.bind(x)


def asinh(x: Any) -> Any:
    """Elementwise inverse hyperbolic sine."""
    return asinh_p.bind(x)


def acosh(x: Any) -> Any:
    """Elementwise inverse hyperbolic cosine."""
    return acosh_p.bind(x)


def atanh(x: Any) -> Any:
    """Elementwise inverse hyperbolic tangent."""
    return atanh_p.bind(x)


def sqrt(x: Any) -> Any:
    """Elementwise square root."""
    return sqrt_p.bind(x)


def rsqrt(x: Any) -> Any:
    """Elementwise ``1 / sqrt(x)``."""
    return rsqrt_p.bind(x)


def cbrt(x: Any) -> Any:
    """Elementwise cube root."""
    return cbrt_p.bind(x)


# ---------------------------------------------------------------------------
# special functions, in NumPy (no SciPy in jax-core)
#
# All are evaluated in float64 and rounded to the input dtype.  Small arrays
# go through the C library's erf/erfc/lgamma one element at a time (cheaper
# than a dozen vectorized passes); large ones through vectorized formulas
# that evaluate each branch only on the elements that need it.

_SMALL = 64
_math_erf = np.frompyfunc(math.erf, 1, 1)
_math_erfc = np.frompyfunc(math.erfc, 1, 1)
_math_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def _horner(coeffs: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """``coeffs[0] + t * (coeffs[1] + t * (...))``, in place on one buffer."""
    acc = np.full(t.shape, coeffs[-1])
    for c in coeffs[-2::-1]:
        np.multiply(acc, t, out=acc)
        np.add(acc, c, out=acc)
    return acc


# erf and erfc follow the algorithm of FDLIBM's s_erf.c, whose notice reads:
# "Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#  Developed at SunSoft, a Sun Microsystems, Inc. business.  Permission to
#  use, copy, modify, and distribute this software is freely granted,
#  provided that this notice is preserved."
_ERX = 8.45062911510467529297e-01
# erf(x) = x + x * pp(x^2) / qq(x^2) on |x| < 0.84375
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
       1.32494738004321644526e-04, -3.96022827877536812320e-06)
# erf(x) = erx + pa(s) / qa(s), s = |x| - 1, on 0.84375 <= |x| < 1.25
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
       1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02)
# erfc(x) = exp(-x^2 - 0.5625 + r(1/x^2) / s(1/x^2)) / x on 1.25 <= |x| < 1/0.35
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
       -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
       -8.12874355063065934246e+01, -9.81432934416914548592e+00)
_SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
       6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
       6.57024977031928170135e+00, -6.04244152148580987438e-02)
# ... and on 1/0.35 <= |x| < 28
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
       -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
       -4.83519191608651397019e+02)
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
       3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
       -2.24409524465858183362e+01)
_HIGH_WORD = np.uint64(0xFFFFFFFF00000000)


def _erf_small_ratio(x: np.ndarray) -> np.ndarray:
    z = x * x
    return _horner(_PP, z) / _horner(_QQ, z)


def _erf_mid_ratio(ax: np.ndarray) -> np.ndarray:
    s = ax - 1.0
    return _horner(_PA, s) / _horner(_QA, s)


def _erfc_tail(ax: np.ndarray, precise: bool) -> np.ndarray:
    """erfc(|x|) for 1.25 <= |x| < 28."""
    s = 1.0 / (ax * ax)
    near = ax < 1 / 0.35
    ratio = np.empty_like(ax)
    ratio[near] = _horner(_RA, s[near]) / _horner(_SA, s[near])
    far = ~near
    ratio[far] = _horner(_RB, s[far]) / _horner(_SB, s[far])
    if not precise:  # float32 and smaller: the rounding of x*x does not matter
        return np.exp(ratio - 0.5625 - ax * ax) / ax  # type: ignore[no-any-return]
    # split x^2 into an exactly squared head and a small tail
    z = (ax.view(np.uint64) & _HIGH_WORD).view(np.float64)
    return np.exp(-z * z - 0.5625) * np.exp((z - ax) * (z + ax) + ratio) / ax  # type: ignore[no-any-return]


def _erf_vec(x: np.ndarray, precise: bool = True) -> np.ndarray:
    x = np.ascontiguousarray(x, _F64)
    ax = np.abs(x)
    out = x.copy()  # NaN stays NaN
    m = ax < 0.84375
    xs = x[m]
    out[m] = xs + xs * _erf_small_ratio(xs)
    m = (ax >= 0.84375) & (ax < 1.25)
    out[m] = np.copysign(_ERX + _erf_mid_ratio(ax[m]), x[m])
    m = (ax >= 1.25) & (ax < 6.0)
    out[m] = np.copysign(1.0 - _erfc_tail(ax[m], precise), x[m])
    m = ax >= 6.0
    out[m] = np.copysign(1.0, x[m])
    return out


def _erfc_vec(x: np.ndarray, precise: bool = True) -> np.ndarray:
    x = np.ascontiguousarray(x, _F64)
    ax = np.abs(x)
    out = x.copy()
    m = ax < 0.84375
    xs = x[m]
    y = _erf_small_ratio(xs)
    # for x >= 1/4 split off 1/2 to keep the subtraction exact
    out[m] = np.where(xs < 0.25, 1.0 - (xs + xs * y), 0.5 - (xs * y + (xs - 0.5)))
    m = (ax >= 0.84375) & (ax < 1.25)
    xs = x[m]
    r = _erf_mid_ratio(ax[m])
    out[m] = np.where(xs >= 0, (1.0 - _ERX) - r, 1.0 + (_ERX + r))
    m = (ax >= 1.25) & (ax < 28.0)
    xs = x[m]
    t = _erfc_tail(ax[m], precise)
    out[m] = np.where(xs > 0, t, 2.0 - t)
    m = ax >= 28.0
    out[m] = np.where(x[m] > 0, 0.0, 2.0)
    return out


def _erf64(x: np.ndarray, precise: bool = True) -> np.ndarray:
    if x.size <= _SMALL:
        return np.asarray(_math_erf(x), _F64)
    return _erf_vec(x, precise)


def _erfc64(x: np.ndarray, precise: bool = True) -> np.ndarray:
    if x.size <= _SMALL:
        return np.asarray(_math_erfc(x), _F64)
    return _erfc_vec(x, precise)


# Initial guess for erf_inv: M. Giles, "Approximating the erfinv function"
# (GPU Computing Gems, 2011), single-precision coefficients (what XLA uses
# for float32), then Halley steps on erf(x) = y in float64.
_GILES_CENTRAL = (1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087,
                  -4.39150654e-06, -3.5233877e-06, 3.43273939e-07, 2.81022636e-08)
_GILES_TAIL = (2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773,
               -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_inv64(y: np.ndarray, steps: int = 2) -> np.ndarray:
    y = np.asarray(y, _F64)
    ay = np.abs(y)
    w = -np.log1p(-ay * ay)
    central = w < 5.0
    x = np.zeros_like(ay)
    x[central] = _horner(_GILES_CENTRAL, w[central] - 2.5)
    tail = (w >= 5.0) & (ay < 1.0)
    x[tail] = _horner(_GILES_TAIL, np.sqrt(w[tail]) - 3.0)
    x *= ay
    one_minus = 1.0 - ay  # exact for |y| >= 1/2
    far = (w > 16.0) & (ay < 1.0)
    if far.any():
        # beyond float32's range the start is poor and Halley crawls (erfc is
        # nearly exponential there): first Newton steps on log(erfc(x)) = log(1 - |y|)
        xf, cf = x[far], one_minus[far]
        for _ in range(3):
            e = _erfc64(xf)
            xf = xf + np.log(e / cf) * e / (_TWO_OVER_SQRT_PI * np.exp(-xf * xf))
        x[far] = xf
    # Halley steps; for |y| > 1/2 the residual is written with erfc so that
    # it keeps its relative accuracy in the tails.
    use_erf = ay <= 0.5
    use_erfc = ~use_erf & (ay < 1.0)
    resid = np.zeros_like(ay)
    for _ in range(steps):
        resid[use_erf] = _erf64(x[use_erf], steps > 1) - ay[use_erf]
        resid[use_erfc] = one_minus[use_erfc] - _erfc64(x[use_erfc], steps > 1)
        u = resid / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
        x -= u / (1.0 + x * u)
    x[ay == 1.0] = np.inf
    x[~(ay <= 1.0)] = np.nan  # |y| > 1 and NaN
    return np.copysign(x, y)  # type: ignore[no-any-return]


# lgamma for float32 and smaller: Lanczos' approximation (g = 7, 9 terms),
# evaluated in float64, with the reflection formula below 1/2.  float64 uses
# the C library's lgamma, which is accurate near the zeros at 1 and 2 too.
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)


def _lgamma_lanczos(z: np.ndarray) -> np.ndarray:
    """lgamma(z) for z >= 1/2."""
    zm1 = z - 1.0
    a = np.full(z.shape, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], start=1):
        a += c / (zm1 + i)
    t = zm1 + (_LANCZOS_G + 0.5)
    return _HALF_LOG_2PI + (zm1 + 0.5) * np.log(t) - t + np.log(a)  # type: ignore[no-any-return]


def _lgamma_vec(x: np.ndarray) -> np.ndarray:
    out = x.copy()  # NaN stays NaN
    m = x >= 0.5
    out[m] = _lgamma_lanczos(x[m])
    m = x < 0.5
    xs = x[m]
    # lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x), with sin(pi x) taken
    # at the exact fractional part of x
    sin_pi_x = np.abs(np.sin(np.pi * (xs - np.floor(xs))))
    out[m] = _LOG_PI - np.log(sin_pi_x) - _lgamma_lanczos(1.0 - xs)
    out[np.isinf(x)] = np.inf
    return out


def _lgamma_exact(x: np.ndarray) -> np.ndarray:
    """The C library's lgamma, elementwise; poles (0, -1, -2, ...) give +inf."""
    pole = (x <= 0) & (x == np.floor(x))
    out = np.asarray(_math_lgamma(np.where(pole, 1.0, x)), _F64)
    out[pole] = np.inf
    return out


def _lgamma64(x: np.ndarray, exact: bool) -> np.ndarray:
    return _lgamma_exact(x) if exact or x.size <= _SMALL else _lgamma_vec(x)


# digamma: shift the argument up to >= 10 with psi(x) = psi(x + 1) - 1/x,
# then the asymptotic series; reflection psi(x) = psi(1 - x) - pi cot(pi x)
# below 1/2.  Poles (0, -1, -2, ...) give NaN, like XLA.
_PSI_SERIES = (-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132, 691 / 32760, -1 / 12)
_PSI_SHIFTS = np.arange(10.0)


def _digamma64(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, _F64)
    reflect = x < 0.5
    z = np.where(reflect, 1.0 - x, x)
    # all shifts at once: terms 1/(z + k) for the k with z + k < 10
    zk = z[..., None] + _PSI_SHIFTS
    below = zk < 10.0
    acc = -np.sum(np.where(below, 1.0 / zk, 0.0), axis=-1)
    z = z + np.count_nonzero(below, axis=-1)
    inv2 = 1.0 / (z * z)
    psi = acc + np.log(z) - 0.5 / z + inv2 * _horner(_PSI_SERIES, inv2)
    if reflect.any():
        # tan(pi x) has period 1 in x; reduce to [-1/2, 1/2] exactly first
        xr = x[reflect]
        psi[reflect] -= np.pi / np.tan(np.pi * (xr - np.round(xr)))
    psi[(x <= 0) & (x == np.floor(x))] = np.nan
    return psi  # type: ignore[no-any-return]


def _special_impl(fn: Callable[[np.ndarray, bool], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """``fn(flat float64 values, whether float64 accuracy is needed)`` as an impl."""

    def impl(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(np.asarray(x, _F64).reshape(-1), x.dtype == _F64)
        return out.reshape(x.shape).astype(x.dtype, copy=False)

    impl.__name__ = fn.__name__
    return impl


def _erf_inv_steps(y: np.ndarray, precise: bool) -> np.ndarray:
    # the Giles start is good to ~1e-7, so one Halley step is plenty below float64
    return _erf_inv64(y, 2 if precise else 1)


erf_p = elementwise("erf", _special_impl(_erf64), is_float)
erfc_p = elementwise("erfc", _special_impl(_erfc64), is_float)
# Giles' single-precision approximation, the one XLA evaluates for float32:
# coefficients for w = -log1p(-x^2) < 5 and >= 5 (Horner, highest first).
_GILES_W_LT_5 = np.array([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                          -0.00125372503, -0.00417768164, 0.246640727, 1.50140941], np.float32)
_GILES_W_GE_5 = np.array([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                          -0.0076224613, 0.00943887047, 1.00167406, 2.83297682], np.float32)


def _erf_inv32(x: np.ndarray) -> np.ndarray:
    """float32 erf_inv evaluated the way XLA's CPU kernel does (fused multiply-adds), so
    that samplers built on it (random.normal) reproduce JAX's streams bit for bit in
    nearly all cases (about 1% of inputs differ by 1-2 ulps through log1p)."""
    x = np.asarray(x, np.float32)
    with np.errstate(all="ignore"):
        w = -np.log1p(-(x * x))
        lt = w < np.float32(5.0)
        w = np.where(lt, w - np.float32(2.5), np.sqrt(w) - np.float32(3.0)).astype(np.float32)
        w64 = w.astype(np.float64)
        p = np.where(lt, _GILES_W_LT_5[0], _GILES_W_GE_5[0]).astype(np.float32)
        for i in range(1, 9):
            c = np.where(lt, _GILES_W_LT_5[i], _GILES_W_GE_5[i])
            # a product of two float32 is exact in float64: one rounding, like an FMA
            p = (p.astype(np.float64) * w64 + c).astype(np.float32)
        out = p * x
        return np.where(np.abs(x) == np.float32(1), x * np.float32(np.inf), out).astype(np.float32)


def _erf_inv_impl(x: np.ndarray) -> np.ndarray:
    if x.dtype == _F64:
        return _special_impl(_erf_inv_steps)(x)
    return _erf_inv32(x).astype(x.dtype, copy=False)


erf_inv_p = elementwise("erf_inv", _erf_inv_impl, is_float)
lgamma_p = elementwise("lgamma", _special_impl(_lgamma64), is_float)
digamma_p = elementwise("digamma", _in_float64(_digamma64), is_float)


def erf(x: Any) -> Any:
    """Elementwise error function."""
    return erf_p.bind(x)


def erfc(x: Any) -> Any:
    """Elementwise complementary error function ``1 - erf(x)``."""
    return erfc_p.bind(x)


def erf_inv(x: Any) -> Any:
    """Elementwise inverse of the error function."""
    return erf_inv_p.bind(x)


def lgamma(x: Any) -> Any:
    """Elementwise log of the absolute value of the gamma function."""
    return lgamma_p.bind(x)


def digamma(x: Any) -> Any:
    """Elementwise digamma function, the derivative of lgamma."""
    return digamma_p.bind(x)


# ---------------------------------------------------------------------------
# complex numbers


def _complex_dtype(d: np.dtype) -> np.dtype:
    return d if d.kind == "c" else _COMPLEX_OF[d]


def _real_impl(x: np.ndarray) -> np.ndarray:
    return x.real.copy()  # contiguous, and 0-d stays 0-d


def _imag_impl(x: np.ndarray) -> np.ndarray:
    return x.imag.copy()


def _complex_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # assembled part by part: x + 1j * y would turn an infinite y into NaNs
    out = np.empty(x.shape, _COMPLEX_OF[x.dtype])
    out.real = x
    out.imag = y
    return out


def _conj_impl(x: np.ndarray, *, input_dtype: Any = None) -> np.ndarray:
    if x.dtype.kind == "c":
        return np.conj(x)
    return x.astype(_COMPLEX_OF[x.dtype])


_conj_dtype_rule = primitive_util.naryop_abstract_eval(
    "conj", _is_complex_component_or_complex, _complex_dtype)


def _conj_abstract_eval(x: ShapedArray, *, input_dtype: Any = None) -> ShapedArray:
    return _conj_dtype_rule(x).update(weak_type=x.weak_type)

real_p = _unop("real", _real_impl, is_complex, real_dtype, keep_weak=True)
imag_p = _unop("imag", _imag_impl, is_complex, real_dtype, keep_weak=True)
complex_p = elementwise("complex", _complex_impl, _is_complex_component, _complex_dtype)
conj_p = standard_primitive("conj", _conj_abstract_eval, _conj_impl)


def real(x: Any) -> Any:
    """Elementwise real part of a complex array."""
    return real_p.bind(x)


def imag(x: Any) -> Any:
    """Elementwise imaginary part of a complex array."""
    return imag_p.bind(x)


def complex(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    """Elementwise ``x + 1j * y`` from float32/float64 parts."""
    return _bind2(complex_p, x, y)


def conj(x: Any) -> Any:
    """Elementwise complex conjugate (a float32/float64 input becomes complex)."""
    return conj_p.bind(x, input_dtype=get_aval(x).dtype)


# ---------------------------------------------------------------------------
# comparisons

eq_p = elementwise("eq", np.equal, is_any, to_bool_dtype)
ne_p = elementwise("ne", np.not_equal, is_any, to_bool_dtype)
lt_p = elementwise("lt", np.less, _is_ordered, to_bool_dtype)
le_p = elementwise("le", np.less_equal, _is_ordered, to_bool_dtype)
gt_p = elementwise("gt", np.greater, _is_ordered, to_bool_dtype)
ge_p = elementwise("ge", np.greater_equal, _is_ordered, to_bool_dtype)


def eq(x: Any, y: Any) -> Any:
    """Elementwise ``x == y``."""
    return _bind2(eq_p, x, y)


def ne(x: Any, y: Any) -> Any:
    """Elementwise ``x != y``."""
    return _bind2(ne_p, x, y)


def lt(x: Any, y: Any) -> Any:
    """Elementwise ``x < y``."""
    return _bind2(lt_p, x, y)


def le(x: Any, y: Any) -> Any:
    """Elementwise ``x <= y``."""
    return _bind2(le_p, x, y)


def gt(x: Any, y: Any) -> Any:
    """Elementwise ``x > y``."""
    return _bind2(gt_p, x, y)


def ge(x: Any, y: Any) -> Any:
    """Elementwise ``x >= y``."""
    return _bind2(ge_p, x, y)


# ---------------------------------------------------------------------------
# bitwise operations


def _as_unsigned(x: np.ndarray) -> np.ndarray:
    return x.view(_UNSIGNED_OF_SIZE[x.dtype.itemsize])


def _shift_left_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    bits = x.dtype.itemsize * 8
    xu, yu = _as_unsigned(x), _as_unsigned(y)
    big = yu >= bits  # negative amounts are huge unsigned ones
    out = np.left_shift(xu, np.where(big, 0, yu).astype(xu.dtype))
    return np.where(big, 0, out).astype(xu.dtype).view(x.dtype)


def _shift_right_logical_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    bits = x.dtype.itemsize * 8
    xu, yu = _as_unsigned(x), _as_unsigned(y)
    big = yu >= bits
    out = np.right_shift(xu, np.where(big, 0, yu).astype(xu.dtype))
    return np.where(big, 0, out).astype(xu.dtype).view(x.dtype)


def _shift_right_arithmetic_impl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    bits = x.dtype.itemsize * 8
    xs = x.view(_SIGNED_OF_SIZE[x.dtype.itemsize])
    yu = _as_unsigned(y)
    # shifting by bits - 1 already fills every bit with the sign
    amount = np.minimum(yu, bits - 1).astype(xs.dtype)
    return np.right_shift(xs, amount).view(x.dtype)


def _population_count_impl(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(_as_unsigned(x)).astype(x.dtype)


def _clz32(u: np.ndarray) -> np.ndarray:
    # frexp's exponent of a nonzero integer below 2**53 is its bit length
    return 32 - np.frexp(u.astype(_F64))[1]  # type: ignore[no-any-return]


def _clz_impl(x: np.ndarray) -> np.ndarray:
    bits = x.dtype.itemsize * 8
    u = _as_unsigned(x)
    if bits <= 32:
        out = _clz32(u) - (32 - bits)
    else:
        hi = (u >> np.uint64(32)).astype(np.uint32)
        lo = (u & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        out = np.where(hi != 0, _clz32(hi), 32 + _clz32(lo))
    return np.asarray(out).astype(x.dtype)


and_p = elementwise("and", np.bitwise_and, is_int_or_bool)
or_p = elementwise("or", np.bitwise_or, is_int_or_bool)
xor_p = elementwise("xor", np.bitwise_xor, is_int_or_bool)
not_p = elementwise("not", np.invert, is_int_or_bool)
shift_left_p = elementwise("shift_left", _shift_left_impl, is_int)
shift_right_logical_p = elementwise("shift_right_logical", _shift_right_logical_impl, is_int)
shift_right_arithmetic_p = elementwise("shift_right_arithmetic", _shift_right_arithmetic_impl,
                                       is_int)
population_count_p = elementwise("population_count", _population_count_impl, is_int)
clz_p = elementwise("clz", _clz_impl, is_int)


def bitwise_and(x: Any, y: Any) -> Any:
    """Elementwise AND (logical for booleans)."""
    return _bind2(and_p, x, y)


def bitwise_or(x: Any, y: Any) -> Any:
    """Elementwise OR (logical for booleans)."""
    return _bind2(or_p, x, y)


def bitwise_xor(x: Any, y: Any) -> Any:
    """Elementwise XOR (logical for booleans)."""
    return _bind2(xor_p, x, y)


def bitwise_not(x: Any) -> Any:
    """Elementwise NOT (logical for booleans)."""
    return not_p.bind(x)


def shift_left(x: Any, y: Any) -> Any:
    """Elementwise ``x << y``; 0 when ``y`` is outside ``[0, bits)``."""
    return _bind2(shift_left_p, x, y)


def shift_right_logical(x: Any, y: Any) -> Any:
    """Elementwise logical right shift, filling with zeros."""
    return _bind2(shift_right_logical_p, x, y)


def shift_right_arithmetic(x: Any, y: Any) -> Any:
    """Elementwise arithmetic right shift, filling with the sign bit."""
    return _bind2(shift_right_arithmetic_p, x, y)


def population_count(x: Any) -> Any:
    """Elementwise number of set bits."""
    return population_count_p.bind(x)


def clz(x: Any) -> Any:
    """Elementwise number of leading zero bits."""
    return clz_p.bind(x)


# ---------------------------------------------------------------------------
# selection and clamping


def _select_n_abstract_eval(which: ShapedArray, *cases: ShapedArray) -> ShapedArray:
    if not cases:
        raise TypeError("select_n requires at least one case")
    if which.dtype != np.bool_ and which.dtype.kind not in "iu":
        raise TypeError(f"select_n: `which` must be boolean or integer, got {which.dtype.name}")
    if which.dtype == np.bool_ and len(cases) > 2:
        raise TypeError("select_n: a boolean `which` selects between at most 2 cases, "
                        f"got {len(cases)}")
    c0 = cases[0]
    for c in cases[1:]:
        if c.shape != c0.shape or c.dtype != c0.dtype:
            raise TypeError("select_n cases must have the same shapes and dtypes, got "
                            + ", ".join(c.str_short() for c in cases))
    if which.shape and which.shape != c0.shape:
        raise TypeError(f"select_n: `which` must be scalar or have the cases' shape {c0.shape}, "
                        f"got {which.shape}")
    return ShapedArray(c0.shape, c0.dtype, all(c.weak_type for c in cases))


def _select_n_impl(which: np.ndarray, *cases: np.ndarray) -> np.ndarray:
    if len(cases) == 1:
        return cases[0]
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0])
    return np.choose(which.astype(np.int64), cases, mode="clip")


select_n_p = standard_primitive("select_n", _select_n_abstract_eval, _select_n_impl)


def select_n(which: Any, *cases: Any) -> Any:
    """``cases[which]`` elementwise (a boolean ``which`` picks between two cases)."""
    return select_n_p.bind(which, *cases)


def select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """The old lax.select: ``on_true`` where ``pred`` else ``on_false``."""
    return select_n_p.bind(pred, on_false, on_true)


def _clamp_abstract_eval(lo: ShapedArray, x: ShapedArray, hi: ShapedArray) -> ShapedArray:
    for name, bound in (("min", lo), ("max", hi)):
        if bound.shape and bound.shape != x.shape:
            raise TypeError(f"clamp requires {name}.shape == operand.shape or {name}.shape == (), "
                            f"got {name} {bound.str_short()} for operand {x.str_short()}.")
    if not lo.dtype == x.dtype == hi.dtype:
        raise TypeError(f"lax.clamp requires arguments to have the same dtypes, got "
                        f"{lo.dtype.name}, {x.dtype.name}, {hi.dtype.name}.")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _clamp_impl(lo: np.ndarray, x: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(x, lo), hi)


clamp_p = standard_primitive("clamp", _clamp_abstract_eval, _clamp_impl)


def clamp(min: Any, x: Any, max: Any) -> Any:  # noqa: A002 - lax's names
    """Elementwise ``min(max(x, min), max)``; the bounds may be scalars."""
    if isinstance(x, _scalar_types):
        like = min if not isinstance(min, _scalar_types) else max
        if not isinstance(like, _scalar_types):
            x = Array._from_numpy(np.asarray(x, get_aval(like).dtype), True)
    if isinstance(min, _scalar_types) or isinstance(max, _scalar_types):
        dt = get_aval(x).dtype
        if isinstance(min, _scalar_types):
            min = Array._from_numpy(np.asarray(min, dt), True)
        if isinstance(max, _scalar_types):
            max = Array._from_numpy(np.asarray(max, dt), True)
    return clamp_p.bind(min, x, max)


# ---------------------------------------------------------------------------
# bit-level conversions


def _bitcast_abstract_eval(x: ShapedArray, *, new_dtype: np.dtype) -> ShapedArray:
    old = x.dtype
    new = np.dtype(new_dtype)
    if (old.kind in "bc" or new.kind in "bc") and old != new:
        raise TypeError("lax.bitcast_convert_type does not support bool or complex values unless "
                        f"the operand and destination types match. Got operand dtype={old.name}, "
                        f"new_dtype={new.name}. Consider using the arr.view() method instead.")
    if old.itemsize == new.itemsize:
        shape = x.shape
    elif old.itemsize > new.itemsize:
        shape = (*x.shape, old.itemsize // new.itemsize)
    else:
        last = x.shape[-1] if x.shape else 1
        if last * old.itemsize != new.itemsize:
            raise ValueError(
                f"Attempting to convert array of shape {x.shape} from {old.name} of size "
                f"{old.itemsize} to {new.name} of size {new.itemsize}, but {last} * "
                f"{old.itemsize} != {new.itemsize}")
        shape = x.shape[:-1]
    return ShapedArray(shape, new, False)


def _bitcast_impl(x: np.ndarray, *, new_dtype: np.dtype) -> np.ndarray:
    new = np.dtype(new_dtype)
    if x.dtype == new:
        return x
    if x.dtype.itemsize == new.itemsize:
        shape = x.shape
    elif x.dtype.itemsize > new.itemsize:
        shape = (*x.shape, x.dtype.itemsize // new.itemsize)
    else:
        shape = x.shape[:-1]
    # the trailing dimension holds the pieces in memory (little-endian) order
    return np.ascontiguousarray(x).reshape(-1).view(new).reshape(shape)


bitcast_convert_type_p = standard_primitive("bitcast_convert_type", _bitcast_abstract_eval,
                                            _bitcast_impl)


def bitcast_convert_type(operand: Any, new_dtype: Any) -> Any:
    """Reinterpret the bits; a narrower type adds a trailing dim, a wider one removes it."""
    new_dtype = dtypes.canonicalize_dtype(np.dtype(new_dtype))
    return bitcast_convert_type_p.bind(operand, new_dtype=new_dtype)


def _reduce_precision_abstract_eval(x: ShapedArray, *, exponent_bits: int,
                                    mantissa_bits: int) -> ShapedArray:
    if not is_float(x.dtype):
        raise TypeError(f"lax.reduce_precision does not accept dtype {x.dtype.name}; it accepts "
                        "floating-point dtypes.")
    if exponent_bits < 1:
        raise ValueError(f"reduce_precision: exponent_bits must be >= 1, got {exponent_bits}")
    if mantissa_bits < 0:
        raise ValueError(f"reduce_precision: mantissa_bits must be >= 0, got {mantissa_bits}")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _reduce_precision_bits(x: np.ndarray, exponent_bits: int, mantissa_bits: int) -> np.ndarray:
    """XLA's ReducePrecision on the bit pattern of a float32/float64 array."""
    if x.dtype == _F64:
        ut: Any = np.uint64
        nbits, src_mant = 64, 52
    else:
        ut = np.uint32
        nbits, src_mant = 32, 23
    src_exp = nbits - 1 - src_mant
    bits = np.ascontiguousarray(x).reshape(x.shape).view(ut)  # (ascontiguousarray makes 0-d 1-d)
    sign_mask = ut(1 << (nbits - 1))
    exp_mask = ut(((1 << src_exp) - 1) << src_mant)
    is_nan = (bits & ~sign_mask) > exp_mask
    if mantissa_bits < src_mant:
        # round to nearest even: add 0111... (plus the last kept bit), then truncate
        shift = src_mant - mantissa_bits
        last_kept = ut(1 << shift)
        last_bit = (bits & last_kept) >> ut(shift)
        bits = (bits + (last_bit + ut((1 << (shift - 1)) - 1))) & ~ut((1 << shift) - 1)
    if exponent_bits < src_exp:
        bias = (1 << (src_exp - 1)) - 1
        reduced_bias = (1 << (exponent_bits - 1)) - 1
        exponent = bits & exp_mask
        overflows = exponent > ut((bias + reduced_bias) << src_mant)
        underflows = exponent <= ut((bias - reduced_bias) << src_mant)
        signed_zero = bits & sign_mask
        bits = np.where(overflows, signed_zero | exp_mask, bits)
        bits = np.where(underflows, signed_zero, bits)  # denormals flush to zero
    # NaNs stay NaN (the exponent handling above would turn them into
    # infinities, and rounding could carry them into zero); XLA does the same,
    # even with no mantissa bits left
    return np.where(is_nan, x, np.asarray(bits, ut).view(x.dtype))


def _reduce_precision_impl(x: np.ndarray, *, exponent_bits: int, mantissa_bits: int) -> np.ndarray:
    if x.dtype in _LOW_FLOATS:
        return _reduce_precision_bits(x.astype(_F32), exponent_bits, mantissa_bits).astype(x.dtype)
    return _reduce_precision_bits(x, exponent_bits, mantissa_bits)


reduce_precision_p = standard_primitive("reduce_precision", _reduce_precision_abstract_eval,
                                        _reduce_precision_impl)


def reduce_precision(operand: Any, exponent_bits: int, mantissa_bits: int) -> Any:
    """Round to a float format with the given exponent and mantissa widths (same dtype)."""
    return reduce_precision_p.bind(operand, exponent_bits=operator.index(exponent_bits),
                                   mantissa_bits=operator.index(mantissa_bits))


__all__ = [
    # primitives
    "add_p", "sub_p", "mul_p", "div_p", "rem_p", "pow_p", "integer_pow_p", "neg_p", "sign_p",
    "abs_p", "square_p", "max_p", "min_p", "nextafter_p", "floor_p", "ceil_p", "round_p",
    "is_finite_p", "exp_p", "exp2_p", "log_p", "expm1_p", "log1p_p", "tanh_p", "logistic_p",
    "sin_p", "cos_p", "tan_p", "asin_p", "acos_p", "atan_p", "atan2_p", "sinh_p", "cosh_p",
    "asinh_p", "acosh_p", "atanh_p", "sqrt_p", "rsqrt_p", "cbrt_p", "erf_p", "erfc_p",
    "erf_inv_p", "lgamma_p", "digamma_p", "real_p", "imag_p", "complex_p", "conj_p", "eq_p",
    "ne_p", "lt_p", "le_p", "gt_p", "ge_p", "and_p", "or_p", "xor_p", "not_p", "shift_left_p",
    "shift_right_logical_p", "shift_right_arithmetic_p", "population_count_p", "clz_p",
    "select_n_p", "clamp_p", "bitcast_convert_type_p", "reduce_precision_p",
    # wrappers
    "add", "sub", "mul", "div", "rem", "pow", "integer_pow", "reciprocal", "neg", "sign", "abs",
    "square", "max", "min", "nextafter", "RoundingMethod", "floor", "ceil", "round", "is_finite",
    "exp", "exp2", "log", "expm1", "log1p", "tanh", "logistic", "sin", "cos", "tan", "asin",
    "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "sqrt", "rsqrt", "cbrt",
    "erf", "erfc", "erf_inv", "lgamma", "digamma", "real", "imag", "complex", "conj", "eq", "ne",
    "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "shift_left", "shift_right_logical", "shift_right_arithmetic", "population_count", "clz",
    "select_n", "select", "clamp", "bitcast_convert_type", "reduce_precision",
]
