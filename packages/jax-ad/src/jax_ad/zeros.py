"""Symbolic zeros and tangent types.

A tangent (or cotangent) that is known to be zero is carried as a
:class:`Zero` holding only its abstract value, so that rules can skip work
instead of multiplying arrays of zeros.  Integer and boolean values have
tangents of dtype ``float0`` (zero bytes per element), as in JAX.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import ShapedArray, get_aval


class Zero:
    """A symbolic zero (co)tangent of abstract value ``aval``."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    @staticmethod
    def from_primal_value(x: Any) -> "Zero":
        return Zero(tangent_aval(get_aval(x)))

    def __repr__(self) -> str:
        return f"Zero({self.aval.str_short()})"


float0 = dtypes.float0


def is_differentiable_dtype(dtype: np.dtype) -> bool:
    """Floating (incl. bfloat16 & co.) or complex: values with real tangents."""
    return dtypes.is_inexact_dtype(dtype)


def tangent_dtype(dtype: np.dtype) -> np.dtype:
    return dtype if is_differentiable_dtype(dtype) else float0


def tangent_aval(aval: ShapedArray) -> ShapedArray:
    """The abstract value of tangents of values of ``aval`` (float0 for int/bool)."""
    if is_differentiable_dtype(aval.dtype):
        return aval
    return ShapedArray(aval.shape, float0, False)


def is_float0(x: Any) -> bool:
    dt = getattr(x, "dtype", None)
    return dt is not None and np.dtype(dt) == float0


def zeros_like_aval(aval: ShapedArray) -> Any:
    """A concrete (or traced, under the current trace) zero of ``aval``."""
    if aval.dtype == float0:
        return np.zeros(aval.shape, float0)
    out = lax.full(aval.shape, 0, aval.dtype)
    if aval.weak_type:
        out = lax.convert_element_type(out, aval.dtype, True)
    return out


def zeros_like(x: Any) -> Any:
    return zeros_like_aval(get_aval(x))


def instantiate(t: Any) -> Any:
    """Turn a symbolic zero into an actual array of zeros."""
    if type(t) is Zero:
        return zeros_like_aval(t.aval)
    return t


def add_tangents(x: Any, y: Any) -> Any:
    """Sum of two (co)tangents, either of which may be a symbolic zero."""
    if type(x) is Zero:
        return y
    if type(y) is Zero:
        return x
    if is_float0(x):
        return x
    return lax.add_p.bind(x, y)
