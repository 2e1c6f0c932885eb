"""Reductions over axes (reduce_sum, reduce_max, ...), arg reductions, and ``lax.reduce``."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, Primitive, ShapedArray, Tracer, get_aval
from jax_core.lax.primitive_util import (
    canonical_axes,
    category_name,
    is_any,
    is_complex,
    is_float,
    is_int_or_bool,
    is_numeric,
    standard_primitive,
)

# ---------------------------------------------------------------------------
# identities of the monoids (what an empty reduction returns)


def max_identity(dtype: np.dtype) -> Any:
    """The smallest value of ``dtype``: the identity of max."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.bool_(False)
    if is_float(dtype):
        return np.array(-np.inf, dtype)[()]
    if is_complex(dtype):
        return np.array(complex(-np.inf, 0), dtype)[()]
    return dtypes.iinfo(dtype).min


def min_identity(dtype: np.dtype) -> Any:
    """The largest value of ``dtype``: the identity of min."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.bool_(True)
    if is_float(dtype):
        return np.array(np.inf, dtype)[()]
    if is_complex(dtype):
        return np.array(complex(np.inf, 0), dtype)[()]
    return dtypes.iinfo(dtype).max


def _and_identity(dtype: np.dtype) -> Any:
    return np.bool_(True) if dtype == np.bool_ else np.array(-1).astype(dtype)[()]


# ---------------------------------------------------------------------------
# shape / dtype rule


def _reduce_abstract_eval(name: str, accepts: Callable[[np.dtype], bool]) -> Callable[..., ShapedArray]:
    def rule(x: ShapedArray, *, axes: tuple, out_sharding: Any = None) -> ShapedArray:
        axes = canonical_axes(axes, x.ndim, name)
        if not accepts(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}; it accepts "
                            f"{category_name(accepts)} dtypes (operand {x.str_short()}).")
        return ShapedArray(tuple(s for i, s in enumerate(x.shape) if i not in axes), x.dtype, x.weak_type)

    return rule


def _is_small_float(d: np.dtype) -> bool:
    return is_float(d) and d.itemsize < 4


def _axes_tuple(x: np.ndarray, axes: tuple) -> tuple[int, ...]:
    return tuple(a % x.ndim for a in axes) if x.ndim else ()


def _reduced_is_empty(x: np.ndarray, axes: tuple) -> bool:
    return any(x.shape[a] == 0 for a in axes)


def _out_shape(x: np.ndarray, axes: tuple) -> tuple[int, ...]:
    return tuple(s for i, s in enumerate(x.shape) if i not in axes)


# ---------------------------------------------------------------------------
# NumPy implementations


def _reduce_sum_impl(x: np.ndarray, *, axes: tuple, out_sharding: Any = None) -> np.ndarray:
    axes = _axes_tuple(x, axes)
    if _is_small_float(x.dtype):  # accumulate half floats in float32, like XLA on CPU
        return np.sum(x.astype(np.float32), axis=axes).astype(x.dtype)
    return np.asarray(np.sum(x, axis=axes, dtype=x.dtype))


def _reduce_prod_impl(x: np.ndarray, *, axes: tuple, out_sharding: Any = None) -> np.ndarray:
    axes = _axes_tuple(x, axes)
    if _is_small_float(x.dtype):
        return np.prod(x.astype(np.float32), axis=axes).astype(x.dtype)
    return np.asarray(np.prod(x, axis=axes, dtype=x.dtype))


def _minmax_impl(np_fn: Callable[..., Any], identity: Callable[[np.dtype], Any]) -> Callable[..., np.ndarray]:
    def impl(x: np.ndarray, *, axes: tuple, out_sharding: Any = None) -> np.ndarray:
        axes = _axes_tuple(x, axes)
        if _reduced_is_empty(x, axes):
            return np.full(_out_shape(x, axes), identity(x.dtype), x.dtype)
        if not axes:
            return x
        if _is_small_float(x.dtype) and x.dtype != np.float16:
            return np.asarray(np_fn(x.astype(np.float32), axis=axes)).astype(x.dtype)
        return np.asarray(np_fn(x, axis=axes))  # NaN-propagating, like XLA's max/min

    return impl


def _bitwise_impl(bool_ufunc: Any, int_ufunc: Any, identity: Callable[[np.dtype], Any]) -> Callable[..., np.ndarray]:
    def impl(x: np.ndarray, *, axes: tuple, out_sharding: Any = None) -> np.ndarray:
        axes = _axes_tuple(x, axes)
        if _reduced_is_empty(x, axes):
            return np.full(_out_shape(x, axes), identity(x.dtype), x.dtype)
        if not axes:
            return x
        ufunc = bool_ufunc if x.dtype == np.bool_ else int_ufunc
        return np.asarray(ufunc.reduce(x, axis=axes)).astype(x.dtype, copy=False)

    return impl


reduce_sum_p = standard_primitive("reduce_sum", _reduce_abstract_eval("reduce_sum", is_numeric), _reduce_sum_impl)
reduce_prod_p = standard_primitive("reduce_prod", _reduce_abstract_eval("reduce_prod", is_numeric),
                                   _reduce_prod_impl)
reduce_max_p = standard_primitive("reduce_max", _reduce_abstract_eval("reduce_max", is_any),
                                  _minmax_impl(np.max, max_identity))
reduce_min_p = standard_primitive("reduce_min", _reduce_abstract_eval("reduce_min", is_any),
                                  _minmax_impl(np.min, min_identity))
reduce_and_p = standard_primitive("reduce_and", _reduce_abstract_eval("reduce_and", is_int_or_bool),
                                  _bitwise_impl(np.logical_and, np.bitwise_and, _and_identity))
reduce_or_p = standard_primitive("reduce_or", _reduce_abstract_eval("reduce_or", is_int_or_bool),
                                 _bitwise_impl(np.logical_or, np.bitwise_or, lambda d: np.zeros((), d)[()]))
reduce_xor_p = standard_primitive("reduce_xor", _reduce_abstract_eval("reduce_xor", is_int_or_bool),
                                  _bitwise_impl(np.logical_xor, np.bitwise_xor, lambda d: np.zeros((), d)[()]))


# ---------------------------------------------------------------------------
# argmax / argmin


def _argminmax_abstract_eval(name: str) -> Callable[..., ShapedArray]:
    def rule(x: ShapedArray, *, axes: tuple, index_dtype: Any) -> ShapedArray:
        if len(axes) != 1:
            raise ValueError(f"{name} takes exactly one axis, got axes={axes}")
        (axis,) = canonical_axes(axes, x.ndim, name)
        if x.shape[axis] == 0:
            raise ValueError(f"{name} requires a non-empty reduced dimension: operand shape "
                             f"{x.shape}, axis {axis}")
        index_dtype = np.dtype(index_dtype)
        if index_dtype.kind not in "iu":
            raise TypeError(f"{name}: index_dtype must be an integer type, got {index_dtype.name}")
        if is_complex(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name} (operand {x.str_short()}); "
                            "compare the real parts or the absolute values instead.")
        return ShapedArray(tuple(s for i, s in enumerate(x.shape) if i != axis), index_dtype)

    return rule


def _argminmax_impl(np_fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    def impl(x: np.ndarray, *, axes: tuple, index_dtype: Any) -> np.ndarray:
        if _is_small_float(x.dtype) and x.dtype != np.float16:
            x = x.astype(np.float32)
        # NumPy's argmax/argmin return the first NaN when there is one, and the
        # first of tied extrema otherwise: JAX's semantics.
        return np.asarray(np_fn(x, axis=axes[0] % x.ndim)).astype(index_dtype)

    return impl


argmax_p = standard_primitive("argmax", _argminmax_abstract_eval("argmax"), _argminmax_impl(np.argmax))
argmin_p = standard_primitive("argmin", _argminmax_abstract_eval("argmin"), _argminmax_impl(np.argmin))


# ---------------------------------------------------------------------------
# wrappers


_scalar_types = (bool, int, float, complex)


def _as_operand(x: Any) -> Any:
    if isinstance(x, _scalar_types):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), dtypes.is_weakly_typed(x))
    return x


def _axes(operand: Any, axes: Sequence[int], name: str) -> tuple[int, ...]:
    ndim = get_aval(operand).ndim
    if isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    return tuple(sorted(canonical_axes(tuple(int(a) for a in axes), ndim, name)))


def _reducer(prim: Primitive) -> Callable[[Any, Sequence[int]], Any]:
    """The lax wrapper of a monoid reduction primitive: ``f(operand, axes)``."""

    def reduce(operand: Any, axes: Sequence[int]) -> Any:
        operand = _as_operand(operand)
        return prim.bind(operand, axes=_axes(operand, axes, prim.name), out_sharding=None)

    reduce.__name__ = reduce.__qualname__ = prim.name
    reduce.__doc__ = f"``{prim.name}`` of ``operand`` over ``axes``."
    return reduce


reduce_sum = _reducer(reduce_sum_p)
reduce_prod = _reducer(reduce_prod_p)
reduce_max = _reducer(reduce_max_p)
reduce_min = _reducer(reduce_min_p)
reduce_and = _reducer(reduce_and_p)
reduce_or = _reducer(reduce_or_p)
reduce_xor = _reducer(reduce_xor_p)


def argmax(operand: Any, axis: int, index_dtype: Any) -> Any:
    """Index of the largest element along ``axis`` (the first NaN, if any; the first of ties)."""
    operand = _as_operand(operand)
    (ax,) = _axes(operand, (axis,), "argmax")
    return argmax_p.bind(operand, axes=(ax,), index_dtype=dtypes.canonicalize_dtype(np.dtype(index_dtype)))


def argmin(operand: Any, axis: int, index_dtype: Any) -> Any:
    """Index of the smallest element along ``axis`` (the first NaN, if any; the first of ties)."""
    operand = _as_operand(operand)
    (ax,) = _axes(operand, (axis,), "argmin")
    return argmin_p.bind(operand, axes=(ax,), index_dtype=dtypes.canonicalize_dtype(np.dtype(index_dtype)))


# ---------------------------------------------------------------------------
# lax.reduce: monoid computations dispatch to the primitives above


_monoid_reducers: dict[str, tuple[Callable[..., Any], Callable[[np.dtype], Any]]] = {
    "add": (reduce_sum, lambda d: np.zeros((), d)[()]),
    "mul": (reduce_prod, lambda d: np.ones((), d)[()]),
    "max": (reduce_max, max_identity),
    "min": (reduce_min, min_identity),
    "and": (reduce_and, _and_identity),
    "or": (reduce_or, lambda d: np.zeros((), d)[()]),
    "xor": (reduce_xor, lambda d: np.zeros((), d)[()]),
}


def monoid_primitive_name(computation: Callable[[Any, Any], Any], aval: ShapedArray) -> str | None:
    """The name of the binary primitive that ``computation`` applies to two scalars, or None.

    ``computation`` is traced on two scalars of ``aval``'s dtype; it is a
    monoid we know when its jaxpr is one equation of add/mul/max/min/and/or/xor
    applied to the two arguments.
    """
    from jax_core.jaxpr import trace_to_jaxpr

    scalar = ShapedArray((), aval.dtype)
    try:
        closed = trace_to_jaxpr(lambda a, b: [computation(a, b)], [scalar, scalar], name="reduce_computation")
    except Exception:  # noqa: BLE001 - not traceable as a binary scalar op: not a monoid we know
        return None
    jaxpr = closed.jaxpr
    if len(jaxpr.eqns) != 1 or closed.consts:
        return None
    eqn = jaxpr.eqns[0]
    if eqn.primitive.name not in _monoid_reducers or set(map(id, eqn.invars)) != set(map(id, jaxpr.invars)):
        return None
    if eqn.outvars[0] is not jaxpr.outvars[0]:
        return None
    return eqn.primitive.name


def is_identity(init_value: Any, identity: Any) -> bool:
    """Whether ``init_value`` is concretely the monoid identity (False when traced)."""
    if isinstance(init_value, Tracer):
        val = init_value.to_concrete_value()
        if val is None:
            return False
    else:
        val = init_value._value if type(init_value) is Array else init_value
    val = np.asarray(val)
    if val.shape != ():
        return False
    try:
        return bool(val == np.asarray(identity))
    except (TypeError, ValueError):
        return False


def reduce(operands: Any, init_values: Any, computation: Callable[[Any, Any], Any],
           dimensions: Sequence[int]) -> Any:
    """Reduce ``operands`` over ``dimensions`` with the binary monoid ``computation``.

    Supported computations are those with a reduction primitive: lax.add, mul,
    max, min, bitwise and/or/xor (or functions that apply exactly one of them).
    A non-identity ``init_value`` is folded in once, as XLA does.
    """
    if isinstance(operands, (tuple, list)):
        if not isinstance(init_values, (tuple, list)) or len(init_values) != len(operands):
            raise ValueError("lax.reduce: operands and init_values must have the same structure")
        if len(operands) != 1:
            raise NotImplementedError("lax.reduce with several operands (a variadic reduction) is not "
                                      "supported; reduce each operand separately or use argmax/argmin.")
        return (reduce(operands[0], init_values[0], computation, dimensions),)
    operand = _as_operand(operands)
    aval = get_aval(operand)
    name = monoid_primitive_name(computation, aval)
    if name is None:
        raise NotImplementedError(
            "lax.reduce supports the monoid computations lax.add, lax.mul, lax.max, lax.min, "
            f"lax.bitwise_and/or/xor (got {computation!r}); express other reductions with those.")
    reducer, identity = _monoid_reducers[name]
    init_aval = get_aval(init_values)
    if init_aval.shape != ():
        raise TypeError(f"lax.reduce: init_value must be a scalar, got shape {init_aval.shape}")
    if not isinstance(init_values, _scalar_types) and init_aval.dtype != aval.dtype:
        raise TypeError(f"lax.reduce: operand dtype {aval.dtype.name} and init_value dtype "
                        f"{init_aval.dtype.name} must match")
    out = reducer(operand, dimensions)
    if is_identity(init_values, identity(aval.dtype)):
        return out
    return computation(out, broadcast_scalar(init_values, get_aval(out)))


def broadcast_scalar(value: Any, like: ShapedArray) -> Any:
    """The scalar ``value`` (Python scalars take ``like``'s dtype) broadcast to ``like``'s shape."""
    from jax_core.lax.structural import broadcast_in_dim

    if isinstance(value, _scalar_types) or isinstance(value, (np.ndarray, np.generic)):
        value = Array._from_numpy(np.asarray(value, like.dtype), False)
    return broadcast_in_dim(value, like.shape, ()) if like.shape else value


__all__ = [
    "reduce_sum", "reduce_sum_p", "reduce_prod", "reduce_prod_p", "reduce_max", "reduce_max_p",
    "reduce_min", "reduce_min_p", "reduce_and", "reduce_and_p", "reduce_or", "reduce_or_p",
    "reduce_xor", "reduce_xor_p", "argmax", "argmax_p", "argmin", "argmin_p", "reduce",
]
