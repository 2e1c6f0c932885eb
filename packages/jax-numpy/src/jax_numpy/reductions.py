"""Reductions (sum, prod, max, mean, var, ... with axis/keepdims/where/dtype/initial),
their NaN-ignoring variants, order statistics (median, quantile), cumulative
reductions, average, ptp and count_nonzero.

JAX's dtype rules: sums and products of booleans and narrow integers are
promoted to the default integer (unsigned to the default unsigned); means,
variances and quantiles are inexact; every reduction's result is strongly
typed.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import Array, eval_trace, get_aval, trace_state
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = [
    "sum", "prod", "max", "min", "amax", "amin", "mean", "var", "std", "argmax", "argmin", "any",
    "all", "nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd", "nanargmax",
    "nanargmin", "median", "nanmedian", "quantile", "nanquantile", "percentile",
    "nanpercentile", "average", "cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum",
    "cumulative_prod", "ptp", "count_nonzero",
]

_new = object.__new__
_np_add_reduce: Any = np.add.reduce
_np_max_reduce: Any = np.maximum.reduce
_np_min_reduce: Any = np.minimum.reduce
_SUM_FAST = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _promote_integer_dtype(dt: np.dtype) -> np.dtype:
    """The accumulation dtype of sum/prod: narrow ints and bools widen to the default."""
    if dt == np.bool_:
        return dtypes.default_int_dtype()
    if dt.kind == "i" and dt.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    if dt.kind == "u" and dt.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    return dt


_int_promote_cache: dict = {}


def _sum_out_dtype(dt: np.dtype, promote_integers: bool) -> np.dtype:
    if not promote_integers:
        return dt if dt != np.bool_ else dtypes.default_int_dtype()
    key = (dt, dtypes.default_int_dtype())
    out = _int_promote_cache.get(key)
    if out is None:
        out = _int_promote_cache[key] = _promote_integer_dtype(dt)
    return out


def _is_small_float(dt: np.dtype) -> bool:
    return dt == np.float16 or dt == dtypes.bfloat16


def _check_no_out(out: Any, name: str) -> None:
    if out is not None:
        raise NotImplementedError(f"The 'out' argument to jnp.{name} is not supported; JAX arrays "
                                  "are immutable.")


def _strong(x: Any) -> Any:
    aval = get_aval(x)
    if aval.weak_type:
        return lax.convert_element_type(x, aval.dtype, False)
    return x


def _reduction(a: Any, name: str, reduce_fn: Callable[[Any, tuple], Any],
               identity: Callable[[np.dtype], Any] | None, axis: Any, dtype: Any,
               keepdims: bool, initial: Any, where: Any, combine: Callable[[Any, Any], Any] | None,
               out_dtype_fn: Callable[[np.dtype], np.dtype] | None = None,
               upcast_f16: bool = False) -> Any:
    check_arraylike(name, a)
    a = _asarray(a)
    nd = _util.ndim(a)
    axes = _util.canonicalize_axes(axis, nd)
    dt = _util.canonical_user_dtype(dtype, name)
    if dt is None:
        dt = out_dtype_fn(_dt(a)) if out_dtype_fn is not None else _dt(a)
    comp_dt = np.dtype(np.float32) if upcast_f16 and _is_small_float(dt) else dt
    if _dt(a) != comp_dt:
        a = lax.convert_element_type(a, comp_dt)
    shape = get_aval(a).shape
    if where is not None:
        if identity is None and initial is None:
            raise ValueError(f"reduction operation {name} does not have an identity, so to use a "
                             "where mask one has to specify 'initial'")
        where = _asarray(where)
        fill = identity(comp_dt) if identity is not None else None
        fill_arr = lax.full_like(a, fill) if fill is not None else \
            lax.full_like(a, initial)
        where = _util.broadcast_to_shape(where, shape, name)
        if _dt(where) != np.bool_:
            where = lax.ne(where, lax.full_like(where, 0))
        a = lax.select(where, a, fill_arr)
    if identity is None and initial is None and builtins.any(shape[i] == 0 for i in axes):
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
    out = reduce_fn(a, axes)
    if initial is not None:
        assert combine is not None
        init = lax.convert_element_type(_asarray(initial), comp_dt)
        if _util.ndim(init) != 0:
            raise ValueError(f"initial value of {name} must be a scalar, got shape "
                             f"{get_aval(init).shape}")
        out = combine(out, lax.broadcast_in_dim(init, get_aval(out).shape, ()))
    if keepdims:
        out = lax.expand_dims(out, axes)
    if _dt(out) != dt:
        out = lax.convert_element_type(out, dt)
    return _strong(out)


def _sum_identity(dt: np.dtype) -> Any:
    return False if dt == np.bool_ else 0


def _prod_identity(dt: np.dtype) -> Any:
    return True if dt == np.bool_ else 1


def _max_identity(dt: np.dtype) -> Any:
    if dt == np.bool_:
        return False
    if dt.kind in "iu":
        return np.iinfo(dt).min
    return -np.inf


def _min_identity(dt: np.dtype) -> Any:
    if dt == np.bool_:
        return True
    if dt.kind in "iu":
        return np.iinfo(dt).max
    return np.inf


def _reduce_sum(a: Any, axes: tuple) -> Any:
    if _dt(a) == np.bool_:
        return lax.reduce_or(a, axes)
    return lax.reduce_sum(a, axes)


def _reduce_prod(a: Any, axes: tuple) -> Any:
    if _dt(a) == np.bool_:
        return lax.reduce_and(a, axes)
    return lax.reduce_prod(a, axes)


def _reduce_max(a: Any, axes: tuple) -> Any:
    if _dt(a) == np.bool_:
        return lax.reduce_or(a, axes)
    return lax.reduce_max(a, axes)


def _reduce_min(a: Any, axes: tuple) -> Any:
    if _dt(a) == np.bool_:
        return lax.reduce_and(a, axes)
    return lax.reduce_min(a, axes)


def _max_combine(x: Any, y: Any) -> Any:
    return lax.max(x, y) if _dt(x) != np.bool_ else lax.bitwise_or(x, y)


def _min_combine(x: Any, y: Any) -> Any:
    return lax.min(x, y) if _dt(x) != np.bool_ else lax.bitwise_and(x, y)


def _sum_combine(x: Any, y: Any) -> Any:
    return lax.add(x, y) if _dt(x) != np.bool_ else lax.bitwise_or(x, y)


def _prod_combine(x: Any, y: Any) -> Any:
    return lax.mul(x, y) if _dt(x) != np.bool_ else lax.bitwise_and(x, y)


def _np_axis(axis: Any, nd: int) -> Any:
    """``axis`` as NumPy takes it, checked; None stays None."""
    if axis is None:
        return None
    return _util.canonicalize_axes(axis, nd)


def sum(a: Any, axis: Any = None, dtype: Any = None, out: None = None,  # noqa: A001
        keepdims: bool = False, initial: Any = None, where: Any = None,
        promote_integers: bool = True) -> Any:
    if type(a) is Array and trace_state.trace is eval_trace and a._device_buf is None \
            and dtype is None and initial is None and where is None and out is None:
        # eager fast path: exactly what reduce_sum's NumPy implementation computes
        v = a._npy
        if v is not None:
            vd = v.dtype
            if vd in _SUM_FAST:
                odt = vd
            elif promote_integers and vd.kind in "biu":
                odt = _sum_out_dtype(vd, True)
            else:
                odt = None
            if odt is not None:
                if axis is None and not keepdims:
                    r = np.empty((), odt)  # a 0-d result array, without converting a NumPy scalar
                    _np_add_reduce(v, None, odt, r)
                else:
                    r = _np_add_reduce(v, _util.canonicalize_axes(axis, v.ndim), odt, None, keepdims)
                    if type(r) is not np.ndarray:
                        r = np.asarray(r)
                res = _new(Array)
                res._npy = r
                res._device_buf = None
                res.weak_type = False
                return res
    _check_no_out(out, "sum")
    return _reduction(a, "sum", _reduce_sum, _sum_identity, axis, dtype, keepdims, initial, where,
                      _sum_combine, lambda d: _sum_out_dtype(d, promote_integers), upcast_f16=True)


def prod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
         initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:
    _check_no_out(out, "prod")
    return _reduction(a, "prod", _reduce_prod, _prod_identity, axis, dtype, keepdims, initial, where,
                      _prod_combine, lambda d: _sum_out_dtype(d, promote_integers), upcast_f16=True)


def max(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None, where: Any = None) -> Any:
    if type(a) is Array and initial is None and where is None and out is None \
            and trace_state.trace is eval_trace and a._device_buf is None:
        v = a._npy
        if v is not None and v.dtype in _SUM_FAST and v.dtype.kind == "f" and v.size:
            r = _np_max_reduce(v, axis=_np_axis(axis, v.ndim), keepdims=keepdims)
            return Array._from_numpy(r if type(r) is np.ndarray else np.asarray(r), False)
    _check_no_out(out, "max")
    return _reduction(a, "max", _reduce_max, None, axis, None, keepdims, initial, where,
                      _max_combine)


def min(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None, where: Any = None) -> Any:
    if type(a) is Array and initial is None and where is None and out is None \
            and trace_state.trace is eval_trace and a._device_buf is None:
        v = a._npy
        if v is not None and v.dtype in _SUM_FAST and v.dtype.kind == "f" and v.size:
            r = _np_min_reduce(v, axis=_np_axis(axis, v.ndim), keepdims=keepdims)
            return Array._from_numpy(r if type(r) is np.ndarray else np.asarray(r), False)
    _check_no_out(out, "min")
    return _reduction(a, "min", _reduce_min, None, axis, None, keepdims, initial, where,
                      _min_combine)


amax = max
amin = min


def _bool_reduction(name: str, fn: Callable[[Any, tuple], Any], identity: bool) -> Callable[..., Any]:
    def red(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *,
            where: Any = None) -> Any:
        _check_no_out(out, name)
        check_arraylike(name, a)
        a = _asarray(a)
        if _dt(a) != np.bool_:
            a = lax.ne(a, lax.full_like(a, 0))
        return _reduction(a, name, fn, lambda d: identity, axis, None, keepdims, None, where, None)

    red.__name__ = red.__qualname__ = name
    return red


any = _bool_reduction("any", lax.reduce_or, False)  # noqa: A001
all = _bool_reduction("all", lax.reduce_and, True)  # noqa: A001


def _bitwise_reduction(kind: str, a: Any, axis: Any, dtype: Any, keepdims: bool, initial: Any,
                       where: Any) -> Any:
    fn = {"and": lax.reduce_and, "or": lax.reduce_or, "xor": lax.reduce_xor}[kind]
    comb = {"and": lax.bitwise_and, "or": lax.bitwise_or, "xor": lax.bitwise_xor}[kind]
    a = _asarray(a)
    if _dt(a).kind not in "biu":
        raise TypeError(f"bitwise_{kind}.reduce requires integer or boolean arguments, got "
                        f"{_dt(a).name}")

    def ident(d: np.dtype) -> Any:
        if kind == "and":
            return True if d == np.bool_ else (-1 if d.kind == "i" else np.iinfo(d).max)
        return False if d == np.bool_ else 0

    return _reduction(a, f"bitwise_{kind}.reduce", fn, ident, axis, dtype, keepdims, initial, where,
                      comb)


# ---------------------------------------------------------------------------
# mean, var, std


def _count(shape: tuple, axes: tuple) -> int:
    return int(np.prod([shape[i] for i in axes], dtype=np.int64))


def _where_count(where: Any, shape: tuple, axes: tuple, keepdims: bool, dt: np.dtype) -> Any:
    w = _util.broadcast_to_shape(_asarray(where), shape, "mean")
    return sum(w, axis=axes, dtype=dt, keepdims=keepdims)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False, *,
         where: Any = None, upcast_f16_for_computation: bool = True) -> Any:
    if type(a) is Array and dtype is None and where is None and out is None \
            and trace_state.trace is eval_trace and a._device_buf is None:
        v = a._npy
        if v is not None and v.dtype in _SUM_FAST:
            axes = _util.canonicalize_axes(axis, v.ndim)
            n = _count(v.shape, axes)
            s = _np_add_reduce(v, axis=axes, dtype=v.dtype, keepdims=keepdims)
            r = np.true_divide(s, np.asarray(n, v.dtype))
            return Array._from_numpy(r if type(r) is np.ndarray else np.asarray(r), False)
    _check_no_out(out, "mean")
    check_arraylike("mean", a)
    a = _asarray(a)
    shape = get_aval(a).shape
    axes = _util.canonicalize_axes(axis, len(shape))
    dt = _util.canonical_user_dtype(dtype, "mean")
    if dt is None:
        dt = dtypes.to_inexact_dtype(_dt(a))
    comp = np.dtype(np.float32) if upcast_f16_for_computation and _is_small_float(dt) else dt
    if where is None:
        cnt: Any = lax.full((), _count(shape, axes), comp)
    else:
        cnt = _where_count(where, shape, axes, keepdims, comp)
    s = sum(lax.convert_element_type(a, comp), axis=axes, dtype=comp, keepdims=keepdims, where=where)
    if _util.ndim(cnt) == 0:
        cnt = lax.broadcast_in_dim(cnt, get_aval(s).shape, ())
    return _strong(lax.convert_element_type(lax.div(s, cnt), dt))


def var(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: Any = None) -> Any:
    _check_no_out(out, "var")
    check_arraylike("var", a)
    if correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    a = _asarray(a)
    shape = get_aval(a).shape
    axes = _util.canonicalize_axes(axis, len(shape))
    dt = _util.canonical_user_dtype(dtype, "var")
    in_dt = dtypes.to_inexact_dtype(_dt(a))
    comp = np.dtype(np.float32) if _is_small_float(in_dt) else in_dt
    a = lax.convert_element_type(a, comp)
    centered = lax.sub(a, _util.broadcast_to_shape(mean(a, axes, keepdims=True, where=where), shape))
    if comp.kind == "c":
        sq = lax.real(lax.mul(centered, lax.conj(centered)))
    else:
        sq = lax.mul(centered, centered)
    rdt = _util.real_dtype(comp)
    if where is None:
        n: Any = lax.full((), _count(shape, axes), rdt)
    else:
        n = _where_count(where, shape, axes, keepdims, rdt)
    ddof_arr = lax.convert_element_type(_asarray(ddof), rdt)
    denom = lax.sub(n, ddof_arr) if _util.ndim(n) == 0 else \
        lax.sub(n, lax.broadcast_in_dim(ddof_arr, get_aval(n).shape, ()))
    s = sum(sq, axis=axes, keepdims=keepdims, where=where)
    if _util.ndim(denom) == 0:
        denom = lax.broadcast_in_dim(denom, get_aval(s).shape, ())
    out = lax.div(s, denom)
    if dt is None:
        dt = _util.real_dtype(in_dt)
    return _strong(lax.convert_element_type(out, dt))


def std(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: Any = None) -> Any:
    _check_no_out(out, "std")
    v = var(a, axis, None, None, ddof, keepdims, where=where, correction=correction)
    out_ = lax.sqrt(v)
    dt = _util.canonical_user_dtype(dtype, "std")
    return lax.convert_element_type(out_, dt) if dt is not None else out_


# ---------------------------------------------------------------------------
# argmax / argmin


def _arg_reduction(name: str, lax_fn: Callable[..., Any]) -> Callable[..., Any]:
    def fn(a: Any, axis: Any = None, out: None = None, keepdims: bool | None = None) -> Any:
        _check_no_out(out, name)
        check_arraylike(name, a)
        a = _asarray(a)
        shape = get_aval(a).shape
        if axis is None:
            if get_aval(a).size == 0:
                raise ValueError(f"attempt to get {name} of an empty sequence")
            flat = lax.reshape(a, (get_aval(a).size,))
            r = lax_fn(flat, 0, dtypes.default_int_dtype())
            if keepdims:
                r = lax.reshape(r, (1,) * len(shape))
            return r
        ax = _util.canonicalize_axis(axis, len(shape))
        if shape[ax] == 0:
            raise ValueError(f"attempt to get {name} of an empty sequence")
        r = lax_fn(a, ax, dtypes.default_int_dtype())
        if keepdims:
            r = lax.expand_dims(r, (ax,))
        return r

    fn.__name__ = fn.__qualname__ = name
    return fn


argmax = _arg_reduction("argmax", lax.argmax)
argmin = _arg_reduction("argmin", lax.argmin)


# ---------------------------------------------------------------------------
# NaN-ignoring variants


def _isnan(a: Any) -> Any:
    return lax.ne(a, a)


def _nan_replace(a: Any, value: Any) -> Any:
    a = _asarray(a)
    if not dtypes.is_inexact_dtype(_dt(a)):
        return a
    return lax.select(_isnan(a), lax.full_like(a, value), a)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:
    check_arraylike("nansum", a)
    return sum(_nan_replace(a, 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            initial: Any = None, where: Any = None) -> Any:
    check_arraylike("nanprod", a)
    return prod(_nan_replace(a, 1), axis, dtype, out, keepdims, initial, where)


def _nan_minmax(name: str, red: Callable[..., Any], fill: float) -> Callable[..., Any]:
    def fn(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
           where: Any = None) -> Any:
        check_arraylike(name, a)
        a = _asarray(a)
        if not dtypes.is_inexact_dtype(_dt(a)):
            return red(a, axis, out, keepdims, initial, where)
        out_ = red(_nan_replace(a, fill), axis, out, keepdims, initial, where)
        nans = all(_isnan(a), axis, keepdims=keepdims, where=where)
        if initial is not None:
            return out_
        return lax.select(nans, lax.full_like(out_, np.nan), out_)

    fn.__name__ = fn.__qualname__ = name
    return fn


nanmax = _nan_minmax("nanmax", max, -np.inf)
nanmin = _nan_minmax("nanmin", min, np.inf)


def _nan_arg(name: str, arg: Callable[..., Any], fill: float) -> Callable[..., Any]:
    def fn(a: Any, axis: Any = None, out: None = None, keepdims: bool | None = None) -> Any:
        check_arraylike(name, a)
        a = _asarray(a)
        if not dtypes.is_inexact_dtype(_dt(a)):
            return arg(a, axis, out, keepdims)
        nan_mask = _isnan(a)
        r = arg(_nan_replace(a, fill), axis, out, keepdims)
        all_nan = all(nan_mask, axis, keepdims=bool(keepdims))
        return lax.select(all_nan, lax.full_like(r, -1), r)

    fn.__name__ = fn.__qualname__ = name
    return fn


nanargmax = _nan_arg("nanargmax", argmax, -np.inf)
nanargmin = _nan_arg("nanargmin", argmin, np.inf)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            where: Any = None) -> Any:
    _check_no_out(out, "nanmean")
    check_arraylike("nanmean", a)
    a = _asarray(a)
    if not dtypes.is_inexact_dtype(_dt(a)):
        return mean(a, axis, dtype, None, keepdims, where=where)
    dt = _util.canonical_user_dtype(dtype, "nanmean") or dtypes.to_inexact_dtype(_dt(a))
    comp = np.dtype(np.float32) if _is_small_float(dt) else dt
    valid = lax.bitwise_not(_isnan(a))
    n = sum(valid, axis, dtype=_util.real_dtype(comp), keepdims=keepdims, where=where)
    s = nansum(a, axis, dtype=comp, keepdims=keepdims, where=where)
    return lax.convert_element_type(lax.div(s, lax.convert_element_type(n, comp)), dt)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, where: Any = None) -> Any:
    _check_no_out(out, "nanvar")
    check_arraylike("nanvar", a)
    a = _asarray(a)
    if not dtypes.is_inexact_dtype(_dt(a)):
        return var(a, axis, dtype, None, ddof, keepdims, where=where)
    shape = get_aval(a).shape
    axes = _util.canonicalize_axes(axis, len(shape))
    in_dt = _dt(a)
    comp = np.dtype(np.float32) if _is_small_float(in_dt) else in_dt
    a = lax.convert_element_type(a, comp)
    m = _util.broadcast_to_shape(nanmean(a, axes, keepdims=True, where=where), shape)
    centered = lax.sub(_nan_replace(a, 0), lax.select(_isnan(a), lax.full_like(m, 0), m))
    sq = lax.real(lax.mul(centered, lax.conj(centered))) if comp.kind == "c" else \
        lax.mul(centered, centered)
    rdt = _util.real_dtype(comp)
    n = sum(lax.bitwise_not(_isnan(a)), axes, dtype=rdt, keepdims=keepdims, where=where)
    s = sum(sq, axes, keepdims=keepdims, where=where)
    denom = lax.sub(n, lax.full_like(n, ddof))
    out_ = lax.div(s, denom)
    out_ = lax.select(lax.le(denom, lax.full_like(denom, 0)), lax.full_like(out_, np.nan), out_)
    dt = _util.canonical_user_dtype(dtype, "nanvar") or _util.real_dtype(in_dt)
    return lax.convert_element_type(out_, dt)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, where: Any = None) -> Any:
    v = nanvar(a, axis, None, out, ddof, keepdims, where)
    out_ = lax.sqrt(v)
    dt = _util.canonical_user_dtype(dtype, "nanstd")
    return lax.convert_element_type(out_, dt) if dt is not None else out_


# ---------------------------------------------------------------------------
# cumulative reductions


def _cumulative(name: str, lax_fn: Callable[..., Any], promote: bool,
                nan_fill: Any = None) -> Callable[..., Any]:
    def fn(a: Any, axis: Any = None, dtype: Any = None, out: None = None) -> Any:
        _check_no_out(out, name)
        check_arraylike(name, a)
        a = _asarray(a)
        if nan_fill is not None:
            a = _nan_replace(a, nan_fill)
        if axis is None:
            a = lax.reshape(a, (get_aval(a).size,))
            axis = 0
        ax = _util.canonicalize_axis(axis, _util.ndim(a))
        dt = _util.canonical_user_dtype(dtype, name)
        if dt is None:
            dt = _dt(a)
            if promote and dt == np.bool_:
                dt = dtypes.default_int_dtype()
        if _dt(a) != dt:
            a = lax.convert_element_type(a, dt)
        if dt == np.bool_:
            # cumulative max/min of booleans: or/and prefix, via int8
            r = lax_fn(lax.convert_element_type(a, np.int8), ax)
            return lax.convert_element_type(r, np.bool_)
        comp = np.dtype(np.float32) if _is_small_float(dt) else dt
        if get_aval(a).shape[ax] == 0:
            return _strong(a)
        r = lax_fn(lax.convert_element_type(a, comp), ax)
        return _strong(lax.convert_element_type(r, dt))

    fn.__name__ = fn.__qualname__ = name
    return fn


cumsum = _cumulative("cumsum", lax.cumsum, True)
cumprod = _cumulative("cumprod", lax.cumprod, True)
_cummax = _cumulative("cummax", lax.cummax, False)
_cummin = _cumulative("cummin", lax.cummin, False)
nancumsum = _cumulative("nancumsum", lax.cumsum, True, 0)
nancumprod = _cumulative("nancumprod", lax.cumprod, True, 1)


def _cumulative_array_api(name: str, fn: Callable[..., Any], init: int) -> Callable[..., Any]:
    def f(x: Any, /, *, axis: int | None = None, dtype: Any = None,
          include_initial: bool = False) -> Any:
        check_arraylike(name, x)
        x = _asarray(x)
        nd = _util.ndim(x)
        if nd == 0:
            raise ValueError(f"The input must be non-scalar to take a cumulative {name[11:]}, "
                             f"however a scalar value or scalar array was given.")
        if axis is None:
            if nd > 1:
                raise ValueError(f"The input array has rank {nd}, however axis was not set to an "
                                 "explicit value. The axis argument is only optional for "
                                 "one-dimensional arrays.")
            axis = 0
        ax = _util.canonicalize_axis(axis, nd)
        r = fn(x, axis=ax, dtype=dtype)
        if include_initial:
            pad_cfg = [(0, 0, 0)] * nd
            pad_cfg[ax] = (1, 0, 0)
            r = lax.pad(r, lax.full((), init, _dt(r)), pad_cfg)
        return r

    f.__name__ = f.__qualname__ = name
    return f


cumulative_sum = _cumulative_array_api("cumulative_sum", cumsum, 0)
cumulative_prod = _cumulative_array_api("cumulative_prod", cumprod, 1)


# ---------------------------------------------------------------------------
# ptp, count_nonzero, average


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Any:
    _check_no_out(out, "ptp")
    check_arraylike("ptp", a)
    a = _asarray(a)
    if _dt(a) == np.bool_:
        raise TypeError("ptp does not support boolean inputs")
    return lax.sub(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def count_nonzero(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    check_arraylike("count_nonzero", a)
    a = _asarray(a)
    nz = lax.ne(a, lax.full_like(a, 0))
    return sum(nz, axis, dtype=dtypes.default_int_dtype(), keepdims=keepdims)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False,
            keepdims: bool = False) -> Any:
    check_arraylike("average", a)
    a = _asarray(a)
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        if axis is None:
            n = get_aval(a).size
        else:
            n = _count(get_aval(a).shape, _util.canonicalize_axes(axis, _util.ndim(a)))
        wsum = lax.full_like(avg, n)
    else:
        check_arraylike("average", weights)
        w = _asarray(weights)
        a, w = _util.promote_dtypes_inexact(a, w)
        a_shape, w_shape = get_aval(a).shape, get_aval(w).shape
        if a_shape != w_shape:
            if axis is None:
                raise ValueError("Axis must be specified when shapes of a and weights differ.")
            if len(w_shape) != 1:
                raise ValueError("1D weights expected when shapes of a and weights differ.")
            ax = _util.canonicalize_axis(axis, len(a_shape))
            if w_shape[0] != a_shape[ax]:
                raise ValueError(f"Length of weights not compatible with specified axis: weights "
                                 f"shape {w_shape}, array shape {a_shape}, axis {axis}")
            w = lax.broadcast_in_dim(w, a_shape, (ax,))
        wsum = sum(w, axis, keepdims=keepdims)
        avg = lax.div(sum(lax.mul(a, w), axis, keepdims=keepdims), wsum)
    if returned:
        if get_aval(avg).shape != get_aval(wsum).shape:
            wsum = _util.broadcast_to_shape(wsum, get_aval(avg).shape)
        return avg, lax.convert_element_type(wsum, _dt(avg))
    return avg


# ---------------------------------------------------------------------------
# quantiles


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf",
            "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf", "hazen",
            "weibull", "median_unbiased", "normal_unbiased")


def _quantile(a: Any, q: Any, axis: Any, method: str, keepdims: bool, squash_nans: bool,
              name: str) -> Any:
    from jax_numpy.indexing import take_along_axis

    if method not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"{name}: method {method!r} is not supported; use one of 'linear', "
                         "'lower', 'higher', 'midpoint', 'nearest'")
    a = _asarray(a)
    q = _asarray(q)
    if dtypes.is_complex_dtype(_dt(a)):
        raise ValueError(f"{name} does not support complex input")
    a, q = _util.promote_dtypes_inexact(a, q)
    q_shape = get_aval(q).shape
    if len(q_shape) > 1:
        raise ValueError(f"q must be zero- or one-dimensional, got shape {q_shape}")
    v = _util.concrete_value(q)
    if v is not None and (np.any(np.asarray(v) < 0) or np.any(np.asarray(v) > 1)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    a_shape = get_aval(a).shape
    nd = len(a_shape)
    if axis is None:
        a = lax.reshape(a, (get_aval(a).size,))
        axes: tuple = tuple(range(nd))
        keep_shape = (1,) * nd
    else:
        axes = _util.canonicalize_axes(axis, nd)
        perm = [i for i in range(nd) if i not in axes] + list(axes)
        a = lax.transpose(a, tuple(perm))
        kept = [a_shape[i] for i in range(nd) if i not in axes]
        a = lax.reshape(a, tuple(kept) + (_count(a_shape, axes),))
        keep_shape = tuple(1 if i in axes else a_shape[i] for i in range(nd))
    batch = get_aval(a).shape[:-1]
    n = get_aval(a).shape[-1]
    dt = _dt(a)
    if n == 0:
        res = lax.full(q_shape + batch, np.nan, dt)
    else:
        sorted_a = lax.sort(a, dimension=len(batch))
        isnan_any = any(_isnan(a), axis=-1)
        if squash_nans:
            counts = sum(lax.bitwise_not(_isnan(a)), axis=-1, dtype=dt)
        else:
            counts = lax.full(batch, n, dt)
        # positions, shape q_shape + batch
        qb = lax.broadcast_in_dim(q, q_shape + batch, tuple(range(len(q_shape))))
        cb = lax.broadcast_in_dim(counts, q_shape + batch, tuple(range(len(q_shape), len(q_shape) + len(batch))))
        last = lax.max(lax.sub(cb, lax.full_like(cb, 1)), lax.full_like(cb, 0))
        pos = lax.mul(qb, last)
        low = lax.floor(pos)
        high = lax.ceil(pos)
        frac = lax.sub(pos, low)
        if method == "nearest":
            near = lax.round(pos, lax.RoundingMethod.TO_NEAREST_EVEN)
            low = high = near
        idt = dtypes.default_int_dtype()
        low_i = lax.convert_element_type(lax.clamp(lax.full_like(low, 0), low, last), idt)
        high_i = lax.convert_element_type(lax.clamp(lax.full_like(high, 0), high, last), idt)
        # move q axes after batch for take_along_axis over the last axis
        nq = len(q_shape)
        perm_q = tuple(range(nq, nq + len(batch))) + tuple(range(nq))
        inv = tuple(np.argsort(perm_q))

        def take(idx: Any) -> Any:
            idx_t = lax.transpose(idx, perm_q)
            sa = lax.reshape(sorted_a, batch + (1,) * 0 + (n,))
            g = take_along_axis(sa, lax.reshape(idx_t, batch + (int(np.prod(q_shape, dtype=np.int64)),)),
                                axis=-1)
            g = lax.reshape(g, batch + q_shape)
            return lax.transpose(g, inv)

        lo_v, hi_v = take(low_i), take(high_i)
        if method == "linear":
            res = lax.add(lo_v, lax.mul(lax.sub(hi_v, lo_v), frac))
        elif method == "lower" or method == "nearest":
            res = lo_v
        elif method == "higher":
            res = hi_v
        else:  # midpoint
            res = lax.mul(lax.add(lo_v, hi_v), lax.full_like(lo_v, 0.5))
        nan_b = lax.broadcast_in_dim(isnan_any, q_shape + batch,
                                     tuple(range(len(q_shape), len(q_shape) + len(batch))))
        if squash_nans:
            nan_b = lax.eq(cb, lax.full_like(cb, 0))
        res = lax.select(nan_b, lax.full_like(res, np.nan), res)
    if keepdims:
        res = lax.reshape(res, q_shape + keep_shape)
    return _strong(res)


def quantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False, *, interpolation: Any = None) -> Any:
    _check_no_out(out, "quantile")
    check_arraylike("quantile", a, q)
    if interpolation is not None:
        method = interpolation
    return _quantile(a, q, axis, method, keepdims, False, "quantile")


def nanquantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                method: str = "linear", keepdims: bool = False, *, interpolation: Any = None) -> Any:
    _check_no_out(out, "nanquantile")
    check_arraylike("nanquantile", a, q)
    if interpolation is not None:
        method = interpolation
    return _quantile(a, q, axis, method, keepdims, True, "nanquantile")


def _pct_to_q(q: Any) -> Any:
    (q,) = _util.promote_dtypes_inexact(_asarray(q))
    return lax.div(q, lax.full_like(q, 100))


def percentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
               method: str = "linear", keepdims: bool = False, *, interpolation: Any = None) -> Any:
    check_arraylike("percentile", a, q)
    return quantile(a, _pct_to_q(q), axis, out, overwrite_input, method, keepdims,
                    interpolation=interpolation)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                  method: str = "linear", keepdims: bool = False, *, interpolation: Any = None) -> Any:
    check_arraylike("nanpercentile", a, q)
    return nanquantile(a, _pct_to_q(q), axis, out, overwrite_input, method, keepdims,
                       interpolation=interpolation)


def median(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    check_arraylike("median", a)
    return quantile(a, 0.5, axis=axis, out=out, keepdims=keepdims, method="midpoint")


def nanmedian(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Any:
    check_arraylike("nanmedian", a)
    return nanquantile(a, 0.5, axis=axis, out=out, keepdims=keepdims, method="midpoint")

