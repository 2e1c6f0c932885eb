"""Shape and dtype changing primitives: conversion, broadcast, reshape, transpose, ..."""
from __future__ import annotations

import builtins
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
    if new_dtype.kind in "iu" and (x.dtype.kind == "f" or x.dtype == dtypes.bfloat16):
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


def collapse(operand: Any, start_dimension: int, stop_dimension: int | None = None) -> Any:
    """Merge dimensions ``[start_dimension, stop_dimension)`` into one (a reshape)."""
    shape = get_aval(operand).shape
    lo, hi, _ = builtins.slice(start_dimension, stop_dimension).indices(len(shape))
    if hi < lo:
        raise ValueError(f"collapse: start_dimension {start_dimension} must not come after "
                         f"stop_dimension {stop_dimension} for an operand of rank {len(shape)}")
    size = int(np.prod(shape[lo:hi], dtype=np.int64))
    return reshape(operand, shape[:lo] + (size,) + shape[hi:])


# ---------------------------------------------------------------------------
# iota


def _iota_abstract_eval(*, dtype: np.dtype, shape: tuple, dimension: int, sharding: Any = None) -> ShapedArray:
    dtype = np.dtype(dtype)
    if dtype.kind not in "iufc" and dtype != dtypes.bfloat16:
        raise TypeError(f"iota does not accept dtype {dtype.name}; it needs a numeric dtype")
    if any(int(d) < 0 for d in shape):
        raise TypeError(f"iota shape must have non-negative sizes, got shape={shape}")
    if not 0 <= dimension < len(shape):
        raise ValueError(f"iota dimension must be between 0 and len(shape), got "
                         f"dimension={dimension} for shape={shape}")
    return ShapedArray(shape, dtype, False)


def _iota_impl(*, dtype: np.dtype, shape: tuple, dimension: int, sharding: Any = None) -> np.ndarray:
    line = np.arange(shape[dimension], dtype=np.int64).astype(dtype)
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    return np.broadcast_to(line.reshape(expanded), shape)


iota_p = standard_primitive("iota", _iota_abstract_eval, _iota_impl)


def broadcasted_iota(dtype: Any, shape: Sequence[int], dimension: int) -> Any:
    """An array of ``shape`` whose values count up along ``dimension``."""
    dt = dtypes.canonicalize_dtype(np.dtype(dtype))
    shape = tuple(int(d) for d in shape)
    return iota_p.bind(dtype=dt, shape=shape, dimension=int(dimension), sharding=None)


def iota(dtype: Any, size: int) -> Any:
    """``[0, 1, ..., size - 1]`` with the given dtype (XLA's Iota)."""
    return broadcasted_iota(dtype, (int(size),), 0)


# ---------------------------------------------------------------------------
# rev


def _rev_abstract_eval(x: ShapedArray, *, dimensions: tuple) -> ShapedArray:
    if len(set(dimensions)) != len(dimensions):
        raise TypeError(f"rev dimensions must be unique, got {dimensions}.")
    if dimensions and not (min(dimensions) >= 0 and max(dimensions) < x.ndim):
        raise TypeError(f"rev dimensions must all be in [0, operand ndim), got dimensions "
                        f"{dimensions} for operand ndim {x.ndim}.")
    return x


rev_p = standard_primitive("rev", _rev_abstract_eval,
                           lambda x, *, dimensions: np.flip(x, dimensions) if dimensions else x)


def rev(operand: Any, dimensions: Sequence[int]) -> Any:
    """Reverse ``operand`` along each of ``dimensions``."""
    return rev_p.bind(operand, dimensions=tuple(int(d) for d in dimensions))


# ---------------------------------------------------------------------------
# pad


def _dilated_size(d: int, interior: int) -> int:
    return 0 if d == 0 else 1 + (interior + 1) * (d - 1)


def _pad_abstract_eval(x: ShapedArray, padding_value: ShapedArray, *, padding_config: tuple) -> ShapedArray:
    if x.dtype != padding_value.dtype:
        raise TypeError(f"pad operand and padding_value must be same dtype: got {x.dtype.name} "
                        f"and {padding_value.dtype.name}.")
    if padding_value.ndim != 0:
        raise TypeError(f"pad padding_value must be a scalar, got shape {padding_value.shape}")
    if len(padding_config) != x.ndim:
        raise ValueError(f"length of padding_config must equal the number of axes of operand, "
                         f"got padding_config {padding_config} for operand shape {x.shape}")
    if not all(len(c) == 3 for c in padding_config):
        raise ValueError(f"pad: each padding_config entry must be (low, high, interior), got "
                         f"{padding_config}")
    if not all(i >= 0 for _, _, i in padding_config):
        raise ValueError(f"interior padding in padding_config must be nonnegative, got "
                         f"padding_config {padding_config}")
    shape = tuple(lo + hi + _dilated_size(d, i) for (lo, hi, i), d in zip(padding_config, x.shape))
    if not all(d >= 0 for d in shape):
        raise ValueError(f"Dimension size after padding is not at least 0, got result shape "
                         f"{shape}, for padding_config {padding_config} and operand shape {x.shape}")
    return ShapedArray(shape, x.dtype, x.weak_type and padding_value.weak_type)


def _pad_impl(x: np.ndarray, padding_value: np.ndarray, *, padding_config: tuple) -> np.ndarray:
    if all(c == (0, 0, 0) for c in padding_config):
        return x
    out_shape = []
    dst, src = [], []
    for (lo, hi, interior), d in zip(padding_config, x.shape):
        step = interior + 1
        size = lo + hi + _dilated_size(d, interior)
        out_shape.append(size)
        # element j of x lands at lo + j * step; keep those that fall in [0, size)
        j0 = 0 if lo >= 0 else -(lo // step)  # ceil(-lo / step)
        j1 = max(j0, min(d, -((lo - size) // step)))  # ceil((size - lo) / step)
        src.append(builtins.slice(j0, j1))
        p0 = lo + j0 * step
        dst.append(builtins.slice(p0, p0 + (j1 - j0 - 1) * step + 1 if j1 > j0 else p0, step))
    out = np.full(out_shape, padding_value, dtype=x.dtype)
    if all(s.stop > s.start for s in src):
        out[tuple(dst)] = x[tuple(src)]
    return out


pad_p = standard_primitive("pad", _pad_abstract_eval, _pad_impl)


def pad(operand: Any, padding_value: Any, padding_config: Sequence[Sequence[int]]) -> Any:
    """Pad with ``padding_value``: ``(low, high, interior)`` per dimension.

    Negative ``low``/``high`` crop; ``interior`` inserts that many values
    between consecutive elements.
    """
    config = tuple((int(lo), int(hi), int(i)) for lo, hi, i in padding_config)
    if isinstance(padding_value, (bool, int, float, complex)):
        padding_value = Array._from_numpy(np.asarray(padding_value, get_aval(operand).dtype), True)
    return pad_p.bind(operand, padding_value, padding_config=config)


# ---------------------------------------------------------------------------
# concatenate


def _concatenate_abstract_eval(*xs: ShapedArray, dimension: int) -> ShapedArray:
    if not xs:
        raise TypeError("concatenate expects at least one operand, got 0.")
    if len({x.ndim for x in xs}) != 1:
        raise TypeError(f"Cannot concatenate arrays with different numbers of dimensions: got "
                        f"{', '.join(str(x.shape) for x in xs)}.")
    if not 0 <= dimension < xs[0].ndim:
        raise TypeError(f"concatenate dimension out of bounds: dimension {dimension} for shapes "
                        f"{', '.join(str(x.shape) for x in xs)}.")
    others = {x.shape[:dimension] + x.shape[dimension + 1:] for x in xs}
    if len(others) != 1:
        raise TypeError(f"Cannot concatenate arrays with shapes that differ in dimensions other "
                        f"than the one being concatenated: concatenating along dimension "
                        f"{dimension} for shapes {', '.join(str(x.shape) for x in xs)}.")
    if len({x.dtype for x in xs}) != 1:
        raise TypeError(f"lax.concatenate requires arguments to have the same dtypes, got "
                        f"{', '.join(x.dtype.name for x in xs)}.")
    shape = list(xs[0].shape)
    shape[dimension] = sum(x.shape[dimension] for x in xs)
    return ShapedArray(shape, xs[0].dtype, all(x.weak_type for x in xs))


concatenate_p = standard_primitive(
    "concatenate", _concatenate_abstract_eval,
    lambda *xs, dimension: np.concatenate(xs, axis=dimension))


def concatenate(operands: Sequence[Any], dimension: int) -> Any:
    """Concatenate ``operands`` (same dtype, same shape except at ``dimension``)."""
    operands = list(operands)
    if len(operands) == 1 and not isinstance(operands[0], (bool, int, float, complex)):
        aval = get_aval(operands[0])
        if not 0 <= dimension < aval.ndim:
            raise TypeError(f"concatenate dimension out of bounds: dimension {dimension} for "
                            f"shapes {aval.shape}.")
        return operands[0]
    return concatenate_p.bind(*operands, dimension=int(dimension))


# ---------------------------------------------------------------------------
# slice


def _slice_abstract_eval(x: ShapedArray, *, start_indices: tuple, limit_indices: tuple,
                         strides: tuple | None) -> ShapedArray:
    if x.ndim != len(start_indices):
        raise TypeError(f"slice start_indices must have length equal to the number of dimensions "
                        f"of the operand, got indices {start_indices} for operand shape {x.shape}.")
    if len(start_indices) != len(limit_indices):
        raise TypeError(f"slice limit_indices must have the same length as start_indices, got "
                        f"start_indices {start_indices} and limit_indices {limit_indices}.")
    if not all(d >= lim for d, lim in zip(x.shape, limit_indices)):
        raise TypeError(f"slice limit_indices must be less than or equal to operand shape, got "
                        f"limit_indices {limit_indices} for operand shape {x.shape}.")
    if not all(s >= 0 for s in start_indices):
        raise TypeError(f"slice start_indices must be greater than or equal to zero, got "
                        f"start_indices of {start_indices}.")
    if not all(lim >= s for s, lim in zip(start_indices, limit_indices)):
        raise TypeError(f"slice limit_indices must be greater than or equal to start_indices, got "
                        f"start_indices {start_indices} and limit_indices {limit_indices}.")
    diff = [lim - s for s, lim in zip(start_indices, limit_indices)]
    if strides is None:
        return ShapedArray(diff, x.dtype, x.weak_type)
    if len(strides) != x.ndim:
        raise TypeError(f"slice strides must have length equal to the number of dimensions of the "
                        f"operand, got strides {strides} for operand shape {x.shape}.")
    if not all(s > 0 for s in strides):
        raise TypeError(f"slice strides must be positive, got {strides}")
    shape = [0 if d == 0 else (d - 1) // s + 1 for d, s in zip(diff, strides)]
    return ShapedArray(shape, x.dtype, x.weak_type)


def _slice_impl(x: np.ndarray, *, start_indices: tuple, limit_indices: tuple,
                strides: tuple | None) -> np.ndarray:
    steps = strides if strides is not None else (1,) * x.ndim
    return x[tuple(builtins.slice(s, lim, st) for s, lim, st in zip(start_indices, limit_indices, steps))]


slice_p = standard_primitive("slice", _slice_abstract_eval, _slice_impl)


def slice(operand: Any, start_indices: Sequence[int], limit_indices: Sequence[int],  # noqa: A001
          strides: Sequence[int] | None = None) -> Any:
    """The static slice ``operand[start:limit:stride]`` in every dimension (XLA's Slice)."""
    return slice_p.bind(operand, start_indices=tuple(int(i) for i in start_indices),
                        limit_indices=tuple(int(i) for i in limit_indices),
                        strides=None if strides is None else tuple(int(s) for s in strides))


__all__ = [
    "convert_element_type", "convert_element_type_p", "broadcast_in_dim", "broadcast_in_dim_p",
    "broadcast", "broadcast_to_rank", "reshape", "reshape_p", "transpose", "transpose_p",
    "squeeze", "squeeze_p", "expand_dims", "collapse", "iota", "iota_p", "broadcasted_iota",
    "rev", "rev_p", "pad", "pad_p", "concatenate", "concatenate_p", "slice", "slice_p",
]
