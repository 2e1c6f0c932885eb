"""Elementwise primitives (unary and n-ary), and their lax wrappers."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.lax.primitive_util import (
    elementwise,
    is_any,
    is_float,
    is_inexact,
    is_numeric,
    standard_primitive,
    to_bool_dtype,
)

_scalar_types = (bool, int, float, complex)


def _scalar_like(value: Any, like: Any) -> Any:
    """A Python scalar operand of a lax op takes the dtype of its array partner."""
    aval = get_aval(like)
    arr = Array._from_numpy(np.asarray(value, dtype=aval.dtype), weak_type=True)
    if aval.shape:
        from jax_core.lax.structural import broadcast_in_dim

        return broadcast_in_dim(arr, aval.shape, ())
    return arr


def _bind_nary(prim: Any, *args: Any) -> Any:
    if any(isinstance(a, _scalar_types) for a in args):
        like = next((a for a in args if not isinstance(a, _scalar_types)), None)
        if like is not None:
            args = tuple(_scalar_like(a, like) if isinstance(a, _scalar_types) else a for a in args)
    return prim.bind(*args)


# ---------------------------------------------------------------------------
# n-ary arithmetic

add_p = elementwise("add", np.add, is_numeric)
sub_p = elementwise("sub", np.subtract, is_numeric)
mul_p = elementwise("mul", np.multiply, is_numeric)
max_p = elementwise("max", np.maximum, is_any)
min_p = elementwise("min", np.minimum, is_any)


def add(x: Any, y: Any) -> Any:
    return _bind_nary(add_p, x, y)


def sub(x: Any, y: Any) -> Any:
    return _bind_nary(sub_p, x, y)


def mul(x: Any, y: Any) -> Any:
    return _bind_nary(mul_p, x, y)


def max(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    return _bind_nary(max_p, x, y)


def min(x: Any, y: Any) -> Any:  # noqa: A001 - lax's name
    return _bind_nary(min_p, x, y)


# ---------------------------------------------------------------------------
# unary

neg_p = elementwise("neg", np.negative, is_numeric)
sin_p = elementwise("sin", np.sin, is_inexact)
cos_p = elementwise("cos", np.cos, is_inexact)
exp_p = elementwise("exp", np.exp, is_inexact)
log_p = elementwise("log", np.log, is_inexact)
tanh_p = elementwise("tanh", np.tanh, is_inexact)


def neg(x: Any) -> Any:
    return neg_p.bind(x)


def sin(x: Any) -> Any:
    return sin_p.bind(x)


def cos(x: Any) -> Any:
    return cos_p.bind(x)


def exp(x: Any) -> Any:
    return exp_p.bind(x)


def log(x: Any) -> Any:
    return log_p.bind(x)


def tanh(x: Any) -> Any:
    return tanh_p.bind(x)


# ---------------------------------------------------------------------------
# comparisons

eq_p = elementwise("eq", np.equal, is_any, to_bool_dtype)
ne_p = elementwise("ne", np.not_equal, is_any, to_bool_dtype)
lt_p = elementwise("lt", np.less, is_any, to_bool_dtype)
le_p = elementwise("le", np.less_equal, is_any, to_bool_dtype)
gt_p = elementwise("gt", np.greater, is_any, to_bool_dtype)
ge_p = elementwise("ge", np.greater_equal, is_any, to_bool_dtype)


def eq(x: Any, y: Any) -> Any:
    return _bind_nary(eq_p, x, y)


def ne(x: Any, y: Any) -> Any:
    return _bind_nary(ne_p, x, y)


def lt(x: Any, y: Any) -> Any:
    return _bind_nary(lt_p, x, y)


def le(x: Any, y: Any) -> Any:
    return _bind_nary(le_p, x, y)


def gt(x: Any, y: Any) -> Any:
    return _bind_nary(gt_p, x, y)


def ge(x: Any, y: Any) -> Any:
    return _bind_nary(ge_p, x, y)


# ---------------------------------------------------------------------------
# selection


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
    return select_n_p.bind(which, *cases)


def select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """The old lax.select: ``on_true`` where ``pred`` else ``on_false``."""
    return select_n_p.bind(pred, on_false, on_true)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("annotations", "Any", "np",
                                                                     "dtypes", "Tracer", "is_float")]
