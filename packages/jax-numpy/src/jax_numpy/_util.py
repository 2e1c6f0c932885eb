"""Shared helpers of jax_numpy: argument checks, promotion, axes, concreteness.

Promotion and broadcasting themselves live in ``jax_core.array_methods`` (the
operators use them too); this module adds the jax.numpy flavours on top
(promote to inexact, to numeric...) and the eager fast-path test.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core.array_methods import broadcast_arrays, broadcast_shapes_of, promote_args, promote_dtypes
from jax_core.core import (
    Array,
    ConcretizationTypeError,
    Tracer,
    eval_trace,
    get_aval,
    trace_state,
)

__all__ = [
    "Array", "Tracer", "lax", "dtypes", "np", "get_aval", "promote_dtypes", "promote_args",
    "broadcast_arrays", "broadcast_shapes_of",
]

_scalar_types = (bool, int, float, complex)
_arraylike_types = (Array, Tracer, np.ndarray, np.generic) + _scalar_types


# ---------------------------------------------------------------------------
# argument checks and conversion


def is_arraylike(x: Any) -> bool:
    return isinstance(x, _arraylike_types) or hasattr(x, "__jax_array__")


def check_arraylike(fun_name: str, *args: Any) -> None:
    """JAX's rule: jax.numpy functions take arrays or scalars, not lists."""
    for pos, arg in enumerate(args):
        if not isinstance(arg, _arraylike_types):
            if hasattr(arg, "__jax_array__"):
                continue
            raise TypeError(f"{fun_name} requires ndarray or scalar arguments, got "
                            f"{type(arg)} at position {pos}.")


def asarray(x: Any) -> Any:
    """An Array/Tracer for any array-like (lists included); scalars keep weak types."""
    t = type(x)
    if t is Array or isinstance(x, Tracer):
        return x
    if isinstance(x, Array):
        return x
    if t in (int, float, complex):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), True)
    if t is bool or isinstance(x, (np.ndarray, np.generic)):
        v = np.asarray(x)
        dt = dtypes.canonicalize_dtype(v.dtype) if v.dtype in _valid_np_dtypes() else None
        if dt is None:
            raise TypeError(f"JAX only supports number and bool dtypes, got dtype {v.dtype}")
        return Array._from_numpy(v if v.dtype == dt else v.astype(dt), False)
    if hasattr(x, "__jax_array__"):
        return asarray(x.__jax_array__())
    # lists, tuples, objects with __array__: go through jnp.array
    from jax_numpy.creation import array

    return array(x)


_valid_dtype_cache: set = set()


def _valid_np_dtypes() -> set:
    if not _valid_dtype_cache:
        _valid_dtype_cache.update(dtypes._JAX_DTYPES)
    return _valid_dtype_cache


def ensure_arrays(fun_name: str, *args: Any) -> list:
    check_arraylike(fun_name, *args)
    return [asarray(a) for a in args]


def ndim(x: Any) -> int:
    return len(get_aval(x).shape)


def shape(x: Any) -> tuple:
    return get_aval(x).shape


def dtype_of(x: Any) -> np.dtype:
    return get_aval(x).dtype


# ---------------------------------------------------------------------------
# eager fast path


def host_value(x: Any) -> np.ndarray | None:
    """The NumPy buffer of a host Array when no transformation is active, else None."""
    if trace_state.trace is eval_trace and type(x) is Array and x._device_buf is None:
        return x._npy
    return None


def all_host(*args: Any) -> list | None:
    """NumPy values of ``args`` if all are host Arrays / NumPy values and we are eager."""
    if trace_state.trace is not eval_trace:
        return None
    out = []
    for a in args:
        if type(a) is Array:
            if a._device_buf is not None:
                return None
            out.append(a._npy)
        elif isinstance(a, np.ndarray):
            out.append(a)
        else:
            return None
    return out


def is_eager() -> bool:
    return trace_state.trace is eval_trace


# ---------------------------------------------------------------------------
# concreteness


def concrete_value(x: Any) -> Any:
    """The NumPy value of ``x`` if it is known now (eager, or a constant in a trace), else None."""
    if isinstance(x, Tracer):
        return x.to_concrete_value()
    if type(x) is Array:
        return x._value
    if isinstance(x, (np.ndarray, np.generic)) or isinstance(x, _scalar_types):
        return np.asarray(x)
    return None


def concrete_or_error(x: Any, context: str) -> Any:
    if isinstance(x, Tracer):
        return x._concrete(context)
    return concrete_value(x) if not isinstance(x, (list, tuple)) else np.asarray(x)


def concrete_int(x: Any, context: str) -> int:
    if x is None:
        raise TypeError(f"{context}: expected an integer, got None")
    if isinstance(x, Tracer):
        x = x._concrete(context, ConcretizationTypeError)
    try:
        return operator.index(x)
    except TypeError:
        v = np.asarray(x)
        if v.ndim == 0 and v.dtype.kind in "iub":
            return int(v)
        raise TypeError(f"{context}: expected an integer, got {x!r}") from None


def concrete_dims(x: Any, context: str) -> tuple:
    if isinstance(x, (list, tuple)):
        return tuple(concrete_int(d, context) for d in x)
    return (concrete_int(x, context),)


# ---------------------------------------------------------------------------
# axes


def canonicalize_axis(axis: Any, num_dims: int, name: str = "axis") -> int:
    axis = operator.index(axis)
    if not -num_dims <= axis < num_dims:
        raise ValueError(f"{name} {axis} is out of bounds for array of dimension {num_dims}")
    return axis + num_dims if axis < 0 else axis


def canonicalize_axes(axis: Any, num_dims: int) -> tuple:
    """``None`` -> all axes; an int or a sequence -> sorted, checked, non-negative tuple."""
    if axis is None:
        return tuple(range(num_dims))
    if isinstance(axis, (tuple, list)):
        out = tuple(canonicalize_axis(a, num_dims) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError(f"duplicate value in 'axis': {tuple(axis)}")
        return out
    return (canonicalize_axis(axis, num_dims),)


# ---------------------------------------------------------------------------
# dtype promotion flavours


def result_dtype_weak(*args: Any) -> tuple:
    """(JAX result dtype, weak flag) of combining ``args``."""
    out: Any = dtypes.result_type(*args, return_weak_type_flag=True)
    return out[0], out[1]


def promote_dtypes_inexact(*args: Any) -> list:
    """Promote to a common inexact dtype (ints/bools -> default float), weak if all weak."""
    to_dtype, weak = result_dtype_weak(*args)
    to_dtype = dtypes.to_inexact_dtype(to_dtype)
    return [lax.convert_element_type(a, to_dtype, weak) for a in args]


def promote_dtypes_numeric(*args: Any) -> list:
    """Promote to a common numeric dtype (bool -> default int)."""
    to_dtype, weak = result_dtype_weak(*args)
    if to_dtype == np.bool_:
        to_dtype = dtypes.default_int_dtype()
    return [lax.convert_element_type(a, to_dtype, weak) for a in args]


def promote_dtypes_complex(*args: Any) -> list:
    to_dtype, weak = result_dtype_weak(*args)
    to_dtype = dtypes.to_complex_dtype(to_dtype)
    return [lax.convert_element_type(a, to_dtype, weak) for a in args]


def result_dtype(*args: Any) -> np.dtype:
    return result_dtype_weak(*args)[0]  # type: ignore[no-any-return]


def to_dtype(x: Any, dtype: Any, weak: bool = False) -> Any:
    return lax.convert_element_type(x, dtype, weak)


def is_inexact(dt: Any) -> bool:
    return dtypes.is_inexact_dtype(dt)


def is_int(dt: Any) -> bool:
    return dtypes.is_int_dtype(dt)


def is_bool(dt: Any) -> bool:
    return dtypes.is_bool_dtype(dt)


def is_complex(dt: Any) -> bool:
    return dtypes.is_complex_dtype(dt)


def is_float(dt: Any) -> bool:
    return dtypes.is_float_dtype(dt)


def canonical_user_dtype(dtype: Any, fun_name: str) -> np.dtype | None:
    if dtype is None:
        return None
    dtypes.check_user_dtype_supported(dtype, fun_name)
    return dtypes.canonicalize_dtype(dtypes.dtype(dtype) if not isinstance(dtype, np.dtype) else dtype)


def real_dtype(dt: np.dtype) -> np.dtype:
    if dt == np.complex64:
        return np.dtype(np.float32)
    if dt == np.complex128:
        return np.dtype(np.float64)
    return dt


def broadcast_to_shape(x: Any, shape: Sequence[int], name: str = "broadcast_to") -> Any:
    shape = tuple(shape)
    s = get_aval(x).shape
    if s == shape:
        return x
    if len(s) > len(shape):
        raise ValueError(f"{name}: cannot broadcast an array of shape {s} to the lower-rank shape "
                         f"{shape}")
    nlead = len(shape) - len(s)
    for a, b in zip(s, shape[nlead:]):
        if a != 1 and a != b:
            raise ValueError(f"{name}: incompatible shapes for broadcasting: {s} and requested "
                             f"shape {shape}")
    return lax.broadcast_in_dim(x, shape, tuple(range(nlead, len(shape))))


def zeros_of(shape: Sequence[int], dtype: Any) -> Any:
    return lax.full(tuple(shape), 0, dtype)


def where_(cond: Any, x: Any, y: Any) -> Any:
    """``lax.select`` with broadcasting and promotion (the 3-argument jnp.where)."""
    x, y = promote_dtypes(x, y)
    cond = asarray(cond)
    if get_aval(cond).dtype != np.bool_:
        cond = lax.ne(cond, lax.full_like(cond, 0))
    cond, x, y = broadcast_arrays("where", cond, x, y)
    return lax.select(cond, x, y)


def slice_in_dim(x: Any, start: int, limit: int, stride: int = 1, axis: int = 0) -> Any:
    """``x[..., start:limit:stride, ...]`` along one axis (a static lax.slice)."""
    shape = get_aval(x).shape
    axis = canonicalize_axis(axis, len(shape))
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    if tuple(starts) == (0,) * len(shape) and tuple(limits) == tuple(shape) and stride == 1:
        return x
    return lax.slice(x, starts, limits, strides if stride != 1 else None)


def index_in_dim(x: Any, index: int, axis: int = 0, keepdims: bool = True) -> Any:
    out = slice_in_dim(x, index, index + 1, 1, axis)
    if keepdims:
        return out
    return lax.squeeze(out, (canonicalize_axis(axis, len(get_aval(x).shape)),))
