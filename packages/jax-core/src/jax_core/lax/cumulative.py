"""Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin, cumlogsumexp."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, get_aval
from jax_core.lax.primitive_util import (
    category_name,
    is_float,
    is_numeric,
    standard_primitive,
)


def _cumulative_abstract_eval(name: str, accepts: Callable[[np.dtype], bool]) -> Callable[..., ShapedArray]:
    def rule(x: ShapedArray, *, axis: int, reverse: bool) -> ShapedArray:
        if not 0 <= axis < x.ndim:
            raise ValueError(f"{name}: axis {axis} is out of bounds for an array of shape {x.shape}")
        if not accepts(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}; it accepts "
                            f"{category_name(accepts)} dtypes (operand {x.str_short()}).")
        return x

    return rule


def _cumulative_impl(accumulate: Callable[[np.ndarray, int], np.ndarray]) -> Callable[..., np.ndarray]:
    def impl(x: np.ndarray, *, axis: int, reverse: bool) -> np.ndarray:
        dtype = x.dtype
        if is_float(dtype) and dtype.itemsize < 4:  # half floats: accumulate in float32
            x = x.astype(np.float32)
        if reverse:
            x = np.flip(x, axis)
        out = accumulate(x, axis)
        if reverse:
            out = np.flip(out, axis)
        return np.asarray(out).astype(dtype, copy=False)

    return impl


cumsum_p = standard_primitive(
    "cumsum", _cumulative_abstract_eval("cumsum", is_numeric),
    _cumulative_impl(lambda x, axis: np.cumsum(x, axis=axis, dtype=x.dtype)))
cumprod_p = standard_primitive(
    "cumprod", _cumulative_abstract_eval("cumprod", is_numeric),
    _cumulative_impl(lambda x, axis: np.cumprod(x, axis=axis, dtype=x.dtype)))
cummax_p = standard_primitive(
    "cummax", _cumulative_abstract_eval("cummax", is_numeric),
    _cumulative_impl(lambda x, axis: np.maximum.accumulate(x, axis=axis)))  # NaN propagates, like lax.max
cummin_p = standard_primitive(
    "cummin", _cumulative_abstract_eval("cummin", is_numeric),
    _cumulative_impl(lambda x, axis: np.minimum.accumulate(x, axis=axis)))
cumlogsumexp_p = standard_primitive(
    "cumlogsumexp", _cumulative_abstract_eval("cumlogsumexp", is_float),
    _cumulative_impl(lambda x, axis: np.logaddexp.accumulate(x, axis=axis)))

def _bind(prim: Any, operand: Any, axis: int, reverse: bool) -> Any:
    if isinstance(operand, (bool, int, float, complex)):
        operand = Array._from_numpy(np.asarray(operand, dtypes.dtype(operand)), dtypes.is_weakly_typed(operand))
    ndim = get_aval(operand).ndim
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{prim.name}: axis {axis} is out of bounds for an array of rank {ndim}")
    return prim.bind(operand, axis=axis % ndim, reverse=bool(reverse))


def cumsum(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Cumulative sum along ``axis`` (from the end when ``reverse``)."""
    return _bind(cumsum_p, operand, axis, reverse)


def cumprod(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Cumulative product along ``axis``."""
    return _bind(cumprod_p, operand, axis, reverse)


def cummax(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Cumulative maximum along ``axis``."""
    return _bind(cummax_p, operand, axis, reverse)


def cummin(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Cumulative minimum along ``axis``."""
    return _bind(cummin_p, operand, axis, reverse)


def cumlogsumexp(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Cumulative log-sum-exp along ``axis``."""
    return _bind(cumlogsumexp_p, operand, axis, reverse)


__all__ = [
    "cumsum", "cumsum_p", "cumprod", "cumprod_p", "cummax", "cummax_p", "cummin", "cummin_p",
    "cumlogsumexp", "cumlogsumexp_p",
]
