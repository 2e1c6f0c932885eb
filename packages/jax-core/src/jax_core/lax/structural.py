"""Shape and dtype changing primitives: conversion, broadcast, reshape, transpose, ..."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.lax.primitive_util import canonical_axes, standard_primitive

# ---------------------------------------------------------------------------
# convert_element_type


def _convert_abstract_eval(x: ShapedArray, *, new_dtype: np.dtype, weak_type: bool, sharding: Any = None) -> ShapedArray:
    return ShapedArray(x.shape, new_dtype, weak_type)


def _convert_impl(x: np.ndarray, *, new_dtype: np.dtype, weak_type: bool, sharding: Any = None) -> np.ndarray:
    if x.dtype == new_dtype:
        return x
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = x.real
    if new_dtype.kind in "iu" and x.dtype.kind == "f":
        # XLA truncates toward zero, saturating at the integer range; NaN -> 0
        info = np.iinfo(new_dtype)
        with np.errstate(invalid="ignore"):
            y = np.nan_to_num(np.trunc(x.astype(np.float64)), nan=0.0, posinf=info.max, neginf=info.min)
            y = np.clip(y, info.min, info.max)
        return y.astype(new_dtype)
    if new_dtype == np.bool_:
        return x != 0
    return x.astype(new_dtype)


convert_element_type_p = standard_primitive("convert_element_type", _convert_abstract_eval, _convert_impl)


def convert_element_type(operand: Any, new_dtype: Any, weak_type: bool = False) -> Any:
    new_dtype = dtypes.canonicalize_dtype(np.dtype(new_dtype))
    if isinstance(operand, (bool, int, float, complex)):
        return Array._from_numpy(np.asarray(operand, dtype=new_dtype), weak_type)
    aval = get_aval(operand)
    if aval.dtype == new_dtype and aval.weak_type == weak_type:
        return operand
    return convert_element_type_p.bind(operand, new_dtype=new_dtype, weak_type=bool(weak_type), sharding=None)


# ---------------------------------------------------------------------------
# broadcast_in_dim


def _broadcast_in_dim_abstract_eval(x: ShapedArray, *, shape: tuple, broadcast_dimensions: tuple,
                                    sharding: Any = None) -> ShapedArray:
    if len(broadcast_dimensions) != x.ndim:
        raise TypeError(
            f"broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got "
            f"broadcast_dimensions {broadcast_dimensions} for operand ndim {x.ndim}.")
    if len(shape) < x.ndim:
        raise TypeError(f"broadcast_in_dim target shape {shape} has fewer dimensions than the "
                        f"operand shape {x.shape}")
    if any(not 0 <= d < len(shape) for d in broadcast_dimensions) or list(broadcast_dimensions) != sorted(
            set(broadcast_dimensions)):
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must be strictly increasing and in "
                        f"range for target rank {len(shape)}; got {broadcast_dimensions}")
    for i, d in enumerate(broadcast_dimensions):
        if x.shape[i] != 1 and x.shape[i] != shape[d]:
            raise TypeError(
                f"broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
                f"corresponding dimensions in the target broadcast shape; got operand of shape "
                f"{x.shape}, target broadcast shape {shape}, broadcast_dimensions {broadcast_dimensions}")
    return ShapedArray(shape, x.dtype, x.weak_type)


def _broadcast_in_dim_impl(x: np.ndarray, *, shape: tuple, broadcast_dimensions: tuple,
                           sharding: Any = None) -> np.ndarray:
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.broadcast_to(np.reshape(x, expanded), shape)


broadcast_in_dim_p = standard_primitive("broadcast_in_dim", _broadcast_in_dim_abstract_eval,
                                        _broadcast_in_dim_impl)


def broadcast_in_dim(operand: Any, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> Any:
    shape = tuple(int(d) for d in shape)
    broadcast_dimensions = tuple(int(d) for d in broadcast_dimensions)
    if isinstance(operand, (bool, int, float, complex)):
        operand = Array._from_numpy(np.asarray(operand, dtypes.dtype(operand)), dtypes.is_weakly_typed(operand))
    if np.shape(operand) == shape and broadcast_dimensions == tuple(range(len(shape))):
        return operand
    return broadcast_in_dim_p.bind(operand, shape=shape, broadcast_dimensions=broadcast_dimensions,
                                   sharding=None)


def broadcast(operand: Any, sizes: Sequence[int]) -> Any:
    """Add leading dimensions of the given sizes."""
    nd = np.ndim(operand) if not isinstance(operand, Tracer) else operand.ndim
    shape = tuple(sizes) + tuple(np.shape(operand) if not isinstance(operand, Tracer) else operand.shape)
    return broadcast_in_dim(operand, shape, tuple(range(len(sizes), len(sizes) + nd)))


def broadcast_to_rank(x: Any, rank: int) -> Any:
    shape = get_aval(x).shape
    return broadcast(x, (1,) * (rank - len(shape))) if rank > len(shape) else x


# ---------------------------------------------------------------------------
# reshape


def _reshape_abstract_eval(x: ShapedArray, *, new_sizes: tuple, dimensions: Any, sharding: Any = None) -> ShapedArray:
    if any(d < 0 for d in new_sizes):
        raise TypeError(f"reshape new_sizes must all be non-negative, got {new_sizes}")
    if int(np.prod(new_sizes, dtype=np.int64)) != x.size:
        raise TypeError(f"reshape total size must be unchanged, got new_sizes {new_sizes} for "
                        f"shape {x.shape}.")
    if dimensions is not None and sorted(dimensions) != list(range(x.ndim)):
        raise TypeError(f"reshape dimensions must be a permutation of operand dimensions, got "
                        f"{dimensions} for shape {x.shape}")
    return ShapedArray(new_sizes, x.dtype, x.weak_type)


def _reshape_impl(x: np.ndarray, *, new_sizes: tuple, dimensions: Any, sharding: Any = None) -> np.ndarray:
    if dimensions is not None:
        x = np.transpose(x, dimensions)
    return np.reshape(x, new_sizes)


reshape_p = standard_primitive("reshape", _reshape_abstract_eval, _reshape_impl)


def reshape(operand: Any, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None) -> Any:
    new_sizes = tuple(int(d) for d in new_sizes)
    dims = None if dimensions is None or tuple(dimensions) == tuple(range(len(dimensions))) else tuple(dimensions)
    if np.shape(operand) == new_sizes and dims is None and not isinstance(operand, (bool, int, float, complex)):
        return operand
    return reshape_p.bind(operand, new_sizes=new_sizes, dimensions=dims, sharding=None)


# ---------------------------------------------------------------------------
# transpose


def _transpose_abstract_eval(x: ShapedArray, *, permutation: tuple) -> ShapedArray:
    if tuple(sorted(permutation)) != tuple(range(x.ndim)):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, got "
                        f"permutation {permutation} for operand shape {x.shape}.")
    return ShapedArray(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


transpose_p = standard_primitive("transpose", _transpose_abstract_eval,
                                 lambda x, *, permutation: np.transpose(x, permutation))


def transpose(operand: Any, permutation: Sequence[int]) -> Any:
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))) and not isinstance(operand, (bool, int, float, complex)):
        return operand
    return transpose_p.bind(operand, permutation=permutation)


# ---------------------------------------------------------------------------
# squeeze / expand_dims


def _squeeze_abstract_eval(x: ShapedArray, *, dimensions: tuple) -> ShapedArray:
    dims = canonical_axes(dimensions, x.ndim, "squeeze")
    for d in dims:
        if x.shape[d] != 1:
            raise ValueError(f"cannot select an axis to squeeze out which has size not equal to "
                             f"one, got shape={x.shape} and dimensions={dimensions}")
    return ShapedArray(tuple(s for i, s in enumerate(x.shape) if i not in dims), x.dtype, x.weak_type)


squeeze_p = standard_primitive(
    "squeeze", _squeeze_abstract_eval,
    lambda x, *, dimensions: np.squeeze(x, tuple(d % x.ndim for d in dimensions)) if dimensions else x)


def squeeze(array: Any, dimensions: Sequence[int]) -> Any:
    dimensions = tuple(int(d) for d in dimensions)
    if not dimensions:
        return array
    ndim = get_aval(array).ndim
    return squeeze_p.bind(array, dimensions=tuple(sorted(d % ndim for d in dimensions)))


def expand_dims(array: Any, dimensions: Sequence[int]) -> Any:
    """Insert size-1 axes (a broadcast_in_dim, as in JAX)."""
    aval = get_aval(array)
    ndim_out = aval.ndim + len(dimensions)
    dims = sorted(canonical_axes(dimensions, ndim_out, "expand_dims"))
    shape = list(aval.shape)
    for d in dims:
        shape.insert(d, 1)
    kept = [i for i in range(ndim_out) if i not in dims]
    return broadcast_in_dim(array, tuple(shape), tuple(kept))


__all__ = [
    "convert_element_type", "convert_element_type_p", "broadcast_in_dim", "broadcast_in_dim_p",
    "broadcast", "broadcast_to_rank", "reshape", "reshape_p", "transpose", "transpose_p",
    "squeeze", "squeeze_p", "expand_dims",
]
