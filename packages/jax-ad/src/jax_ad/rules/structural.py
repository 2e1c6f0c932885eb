"""Rules of the shape/dtype-changing primitives: all linear, so JVP + transpose."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import jvp, linear, shape, transpose, zero_jvp, zeros
from jax_ad.transpose import aval_of, is_undefined
from jax_ad.zeros import Zero, instantiate, is_differentiable_dtype, tangent_aval

# --------------------------------------------------------------------------
# dtype conversion


def _convert_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, new_dtype: Any, weak_type: bool,
                 sharding: Any = None) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    out = lax.convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)
    if not is_differentiable_dtype(np.dtype(new_dtype)) or type(t) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.convert_element_type_p.bind(t, new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)


def _convert_transpose(ct: Any, x: Any, *, new_dtype: Any, weak_type: bool, sharding: Any = None) -> list:
    aval = aval_of(x)
    if not is_differentiable_dtype(aval.dtype):
        return [None]
    return [lax.convert_element_type_p.bind(ct, new_dtype=aval.dtype, weak_type=aval.weak_type, sharding=sharding)]


jvp("convert_element_type", _convert_jvp)
transpose("convert_element_type", _convert_transpose)
zero_jvp("bitcast_convert_type", "iota")
linear("reduce_precision", lambda ct, x, **params: [lax.reduce_precision_p.bind(ct, **params)])

# --------------------------------------------------------------------------
# broadcasting and reshaping


def _broadcast_in_dim_transpose(ct: Any, x: Any, *, shape: tuple, broadcast_dimensions: tuple,
                                sharding: Any = None) -> list:
    in_shape = aval_of(x).shape
    unit = [i for i, s in enumerate(in_shape) if s == 1 and shape[broadcast_dimensions[i]] != 1]
    kept = [d for i, d in enumerate(broadcast_dimensions) if i not in unit]
    axes = tuple(d for d in range(len(shape)) if d not in kept)
    summed = lax.reduce_sum(ct, axes) if axes else ct
    return [lax.reshape(summed, in_shape)]


def _reshape_transpose(ct: Any, x: Any, *, new_sizes: tuple, dimensions: Any, sharding: Any = None) -> list:
    in_shape = aval_of(x).shape
    if dimensions is None:
        return [lax.reshape(ct, in_shape)]
    permuted = tuple(in_shape[d] for d in dimensions)
    return [lax.transpose(lax.reshape(ct, permuted), tuple(np.argsort(dimensions)))]


linear("broadcast_in_dim", _broadcast_in_dim_transpose)
linear("reshape", _reshape_transpose)
linear("squeeze", lambda ct, x, *, dimensions: [lax.reshape(ct, aval_of(x).shape)])
linear("transpose", lambda ct, x, *, permutation: [lax.transpose(ct, tuple(int(i) for i in np.argsort(permutation)))])
linear("rev", lambda ct, x, *, dimensions: [lax.rev(ct, dimensions)])

# --------------------------------------------------------------------------
# pad, concatenate, slice


def _pad_transpose(ct: Any, x: Any, padding_value: Any, *, padding_config: tuple) -> list:
    t_op = None
    if is_undefined(x):
        lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
        unpad = tuple((-a, -b, 0) for a, b in zip(lo, hi))
        unpadded = lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), unpad)
        t_op = lax.slice(unpadded, (0,) * len(lo), shape(unpadded), tuple(i + 1 for i in interior))
    t_pv = None
    if is_undefined(padding_value):
        total = lax.reduce_sum(ct, tuple(range(len(shape(ct)))))
        if t_op is not None:
            total = lax.sub(total, lax.reduce_sum(t_op, tuple(range(len(shape(t_op))))))
        else:
            # the operand is not linear: its elements' cotangents do not count
            ones = lax.full(aval_of(x).shape, 1, get_aval(ct).dtype)
            mask = lax.pad(ones, lax.full((), 0, get_aval(ct).dtype), padding_config)
            total = lax.sub(total, lax.reduce_sum(lax.mul(ct, mask), tuple(range(len(shape(ct))))))
        t_pv = total
    return [t_op, t_pv]


linear("pad", _pad_transpose)


def _concatenate_transpose(ct: Any, *operands: Any, dimension: int) -> list:
    out = []
    start = 0
    ct_shape = shape(ct)
    for o in operands:
        size = aval_of(o).shape[dimension]
        if is_undefined(o):
            starts = [0] * len(ct_shape)
            limits = list(ct_shape)
            starts[dimension] = start
            limits[dimension] = start + size
            out.append(lax.slice(ct, starts, limits))
        else:
            out.append(None)
        start += size
    return out


linear("concatenate", _concatenate_transpose)


def _slice_transpose(ct: Any, x: Any, *, start_indices: tuple, limit_indices: tuple, strides: Any) -> list:
    in_shape = aval_of(x).shape
    ct_shape = shape(ct)
    if strides is None or all(s == 1 for s in strides):
        pads = [(s, d - lim, 0) for s, lim, d in zip(start_indices, limit_indices, in_shape)]
    else:
        real_limits = [s + (0 if n == 0 else 1 + (n - 1) * st)
                       for s, n, st in zip(start_indices, ct_shape, strides)]
        pads = [(s, d - rl, st - 1) for s, rl, d, st in zip(start_indices, real_limits, in_shape, strides)]
    return [lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), pads)]


linear("slice", _slice_transpose)

__all__: list[str] = []
del zeros, instantiate
