"""Array creation: array/asarray, zeros/ones/full and their ``_like`` forms,
ranges, grids, triangular and diagonal helpers, index tricks and I/O.

Functions whose inputs are only static Python values (shapes, ranges) build
their result with NumPy: under a trace that result is simply a constant.
Functions of arrays (tril, diag, linspace of traced endpoints...) go
through lax.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import Array, Tracer, get_aval
from jax_numpy import _util
from jax_numpy._util import (
    asarray as _asarray,
    canonical_user_dtype,
    check_arraylike,
    concrete_dims,
    concrete_or_error,
    is_eager,
)

__all__ = [
    "array", "asarray", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "empty_like", "full_like", "arange", "linspace", "logspace", "geomspace", "eye",
    "identity", "tri", "tril", "triu", "diag", "diagflat", "diagonal", "meshgrid", "indices",
    "fromfunction", "frombuffer", "fromiter", "fromstring", "fromfile", "from_dlpack", "copy",
    "vander", "mgrid", "ogrid", "r_", "c_", "s_", "index_exp", "ix_", "diag_indices",
    "diag_indices_from", "tril_indices", "triu_indices", "tril_indices_from",
    "triu_indices_from", "mask_indices", "load", "save", "savez", "array_repr", "array_str",
    "astype",
]


def _shape_arg(shape: Any, fun_name: str) -> tuple:
    if isinstance(shape, (Array, Tracer, np.ndarray)) and get_aval(shape).ndim == 1:
        shape = list(shape)
    dims = concrete_dims(shape, f"{fun_name}: the shape argument")
    if any(d < 0 for d in dims):
        raise ValueError(f"{fun_name}: negative dimensions are not allowed, got shape {dims}")
    return dims


# ---------------------------------------------------------------------------
# array / asarray


def _leaves(obj: Any, out: list) -> None:
    if isinstance(obj, (list, tuple)):
        for o in obj:
            _leaves(o, out)
    else:
        out.append(obj)


def _nested_shape(obj: Any) -> tuple:
    if isinstance(obj, (list, tuple)):
        if not obj:
            return (0,)
        sub = [_nested_shape(o) for o in obj]
        if any(s != sub[0] for s in sub):
            raise ValueError(f"setting an array element with a sequence: the nested lists have "
                             f"inhomogeneous shapes {sorted(set(sub))}")
        return (len(obj),) + sub[0]
    return tuple(get_aval(obj).shape) if isinstance(obj, (Array, Tracer)) else np.shape(obj)


def _stack_nested(obj: Any, dtype: np.dtype) -> Any:
    if isinstance(obj, (list, tuple)):
        parts = [_stack_nested(o, dtype) for o in obj]
        parts = [lax.expand_dims(p, (0,)) for p in parts]
        return lax.concatenate(parts, 0)
    return lax.convert_element_type(_asarray(obj), dtype)


def array(object: Any, dtype: Any = None, copy: bool = True, order: str | None = "K",  # noqa: A002
          ndmin: int = 0, *, device: Any = None) -> Any:
    """Create an array (JAX: 32-bit by default; a lone Python scalar stays weakly typed)."""
    del device
    if order is not None and order not in ("K", "C", "A"):
        raise NotImplementedError(f"jax_numpy.array: only order='K'/'C' is supported, got {order!r}")
    dt = canonical_user_dtype(dtype, "array")
    if isinstance(object, (Array, Tracer)):
        out = object
        if dt is not None:
            out = lax.convert_element_type(out, dt)
        elif copy and type(out) is Array and out._npy is not None:
            out = Array._from_numpy(out._npy.copy(), out.weak_type)
    elif type(object) in (int, float, complex):
        if dt is None:
            out = Array._from_numpy(np.asarray(object, dtypes.dtype(object)), True)
        else:
            out = Array._from_numpy(_np_cast(object, dt), False)
    elif isinstance(object, (list, tuple)):
        leaves: list = []
        _leaves(object, leaves)
        if any(isinstance(leaf, Tracer) or (type(leaf) is Array and leaf._npy is None) for leaf in leaves):
            _nested_shape(object)
            out_dt = dt if dt is not None else (_util.result_dtype(*leaves) if leaves else
                                                 dtypes.default_float_dtype())
            out = _stack_nested(object, out_dt)  # type: ignore[arg-type]
        else:
            if dt is None:
                if leaves:
                    for leaf in leaves:
                        if not _util.is_arraylike(leaf) and not isinstance(leaf, (list, tuple)):
                            if leaf is None or isinstance(leaf, (str, bytes, dict, set)):
                                raise TypeError(f"jax_numpy.array: invalid element {leaf!r} of type "
                                                f"{type(leaf).__name__}; JAX arrays hold numbers")
                    dt = _util.result_dtype(*[np.asarray(leaf) if isinstance(leaf, Array) else leaf
                                              for leaf in leaves])
                else:
                    dt = dtypes.default_float_dtype()
            vals = _to_nested_numpy(object)
            out = Array._from_numpy(_np_cast(vals, dt), False)
    else:
        if hasattr(object, "__jax_array__"):
            return array(object.__jax_array__(), dtype, copy, order, ndmin)
        try:
            v = np.asarray(object)
        except Exception as err:  # pragma: no cover - unusual objects
            raise TypeError(f"jax_numpy.array: cannot convert {type(object).__name__}: {err}") from None
        if v.dtype.kind == "O":
            raise TypeError(f"jax_numpy.array: invalid input of type {type(object).__name__}; JAX "
                            "arrays hold numbers (got a NumPy object array)")
        if dt is None:
            dt = dtypes.canonicalize_dtype(dtypes.dtype(v, canonicalize=False))
        out = Array._from_numpy(_np_cast(v, dt), False)
    if ndmin > _util.ndim(out):
        out = lax.expand_dims(out, tuple(range(ndmin - _util.ndim(out))))
    return out


def _to_nested_numpy(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_to_nested_numpy(o) for o in obj]
    if type(obj) is Array:
        return obj._value
    return obj


def _np_cast(v: Any, dt: np.dtype) -> np.ndarray:
    """NumPy conversion with JAX's casting rules (float -> int truncates, wraps ints)."""
    if isinstance(v, list):
        try:
            arr = np.array(v)
        except ValueError as err:
            raise ValueError(f"jax_numpy.array: {err}") from None
    else:
        arr = np.asarray(v)
    if arr.dtype == dt:
        return arr if not isinstance(v, np.ndarray) else arr.copy()
    if arr.dtype.kind == "O":
        raise TypeError("jax_numpy.array: could not convert the input to a numeric array")
    if arr.dtype.kind == "c" and dt.kind != "c":
        arr = arr.real
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(dt)


def asarray(a: Any, dtype: Any = None, order: str | None = None, *, copy: bool | None = None,
            device: Any = None) -> Any:
    """Like :func:`array`, without copying Arrays."""
    del device
    if dtype is None and (type(a) is Array or isinstance(a, Tracer)):
        return a
    return array(a, dtype=dtype, copy=bool(copy), order=order or "K")


def astype(x: Any, dtype: Any, /, *, copy: bool = False, device: Any = None) -> Any:
    del copy, device
    check_arraylike("astype", x)
    dtypes.check_user_dtype_supported(dtype, "astype")
    return lax.convert_element_type(_asarray(x), dtypes.canonicalize_dtype(_dtype_arg(dtype)))


def _dtype_arg(dtype: Any) -> np.dtype:
    return dtypes.dtype(dtype)


def copy(a: Any, order: str | None = None) -> Any:
    del order
    check_arraylike("copy", a)
    return array(a, copy=True)


# ---------------------------------------------------------------------------
# filled arrays


def _default_dtype(dtype: Any, fun_name: str) -> np.dtype:
    dt = canonical_user_dtype(dtype, fun_name)
    return dt if dt is not None else dtypes.default_float_dtype()


def zeros(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    del device
    shape = _shape_arg(shape, "zeros")
    dt = _default_dtype(dtype, "zeros")
    if is_eager():
        return Array._from_numpy(np.zeros(shape, dt), False)
    return lax.full(shape, 0, dt)


def ones(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    del device
    shape = _shape_arg(shape, "ones")
    dt = _default_dtype(dtype, "ones")
    if is_eager():
        return Array._from_numpy(np.ones(shape, dt), False)
    return lax.full(shape, 1, dt)


def empty(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """JAX has no uninitialized memory: ``empty`` is ``zeros``."""
    return zeros(shape, dtype, device=device)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, device: Any = None) -> Any:
    del device
    shape = _shape_arg(shape, "full")
    dt = canonical_user_dtype(dtype, "full")
    if _util.is_arraylike(fill_value) and _util.ndim(fill_value) == 0:
        if isinstance(fill_value, (Array, Tracer)):
            fv = fill_value if dt is None else lax.convert_element_type(fill_value, dt)
            return lax.broadcast_in_dim(fv, shape, ())
        return lax.full(shape, fill_value, dt)
    fv = _asarray(fill_value)
    if dt is not None:
        fv = lax.convert_element_type(fv, dt)
    return _util.broadcast_to_shape(fv, shape, "full")


def _like_shape(a: Any, shape: Any) -> tuple:
    if shape is None:
        return tuple(get_aval(a).shape)
    return _shape_arg(shape, "full_like")


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *,
              device: Any = None) -> Any:
    del device
    check_arraylike("full_like", a)
    aval = get_aval(a) if not isinstance(a, (list, tuple)) else get_aval(_asarray(a))
    dt = canonical_user_dtype(dtype, "full_like")
    out_shape = _like_shape(a, shape)
    if _util.is_arraylike(fill_value) and _util.ndim(fill_value) == 0 and not isinstance(fill_value, Tracer) \
            and type(fill_value) is not Array:
        out = lax.full(out_shape, fill_value, dt if dt is not None else aval.dtype)
        if dt is None and aval.weak_type:
            out = lax.convert_element_type(out, aval.dtype, True)
        return out
    fv = lax.convert_element_type(_asarray(fill_value), dt if dt is not None else aval.dtype,
                                  dt is None and aval.weak_type)
    return _util.broadcast_to_shape(fv, out_shape, "full_like")


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    return full_like(a, 0, dtype, shape)


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    return full_like(a, 1, dtype, shape)


def empty_like(prototype: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    return full_like(prototype, 0, dtype, shape)


# ---------------------------------------------------------------------------
# ranges


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *,
           device: Any = None) -> Any:
    """Evenly spaced values; the bounds must be concrete (they fix the shape)."""
    del device
    ctx = ("jax_numpy.arange needs concrete start/stop/step: they determine the length of the "
           "result. Use jnp.linspace or lax.iota with a static size under jit")
    args = [a for a in (start, stop, step) if a is not None]
    vals = [concrete_or_error(a, ctx) for a in args]
    for v in vals:
        if np.ndim(v) != 0:
            raise ValueError(f"jax_numpy.arange: arguments must be scalars, got shape {np.shape(v)}")
    udt = canonical_user_dtype(dtype, "arange")
    if udt is None:
        dt = _util.result_dtype(*[a if type(a) in (int, float, complex, bool) else np.asarray(v)
                                  for a, v in zip(args, vals)])
        if dt == np.bool_:
            dt = dtypes.default_int_dtype()
    else:
        dt = udt
    py = [v.item() for v in vals]
    if stop is None and step is None:
        out = np.arange(py[0], dtype=dt if dt.kind != "f" else np.float64)
    else:
        st = py[0]
        sp = py[1] if stop is not None else None
        sz = py[-1] if step is not None else 1
        if sp is None:
            out = np.arange(0, st, sz, dtype=np.float64 if dt.kind == "f" else None)
        else:
            out = np.arange(st, sp, sz, dtype=np.float64 if dt.kind == "f" else None)
    out = out.astype(dt)
    if not is_eager() and dt.kind in "iu" and out.size and out[0] == 0 and (out.size == 1 or out[1] == 1):
        return lax.iota(dt, out.size)
    return Array._from_numpy(out, False)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    del device
    num = _util.concrete_int(num, "jax_numpy.linspace: the number of samples `num`")
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    check_arraylike("linspace", start, stop)
    dt = canonical_user_dtype(dtype, "linspace")
    start, stop = _util.promote_dtypes_inexact(_asarray(start), _asarray(stop))
    comp_dt = _util.dtype_of(start)
    if dt is None:
        dt = comp_dt
    start, stop = _util.broadcast_arrays("linspace", start, stop)
    bshape = tuple(get_aval(start).shape)
    div = (num - 1) if endpoint else num
    out_shape = (num,) + bshape
    bdims = tuple(range(1, len(out_shape)))
    if num == 0:
        out = lax.full(out_shape, 0, comp_dt)
        step = lax.full(bshape, np.nan, comp_dt)
    elif num == 1:
        out = lax.broadcast_in_dim(start, out_shape, bdims)
        step = lax.sub(stop, start) if not endpoint else lax.full(bshape, np.nan, comp_dt)
    else:
        step = lax.div(lax.sub(stop, start), lax.full(bshape, div, comp_dt))
        iota = lax.broadcasted_iota(comp_dt, out_shape, 0)
        s = lax.broadcast_in_dim(start, out_shape, bdims)
        d = lax.broadcast_in_dim(step, out_shape, bdims)
        out = lax.add(s, lax.mul(iota, d))
        if endpoint:
            last = lax.expand_dims(stop, (0,))
            out = lax.concatenate([_util.slice_in_dim(out, 0, num - 1, axis=0), last], 0)
    if _util.ndim(out) > 1 and axis != 0:
        ax = _util.canonicalize_axis(axis, len(out_shape))
        perm = list(range(1, len(out_shape)))
        perm.insert(ax, 0)
        out = lax.transpose(out, tuple(perm))
    if dt.kind in "iu" and comp_dt.kind == "f":
        out = lax.floor(out)
    out = lax.convert_element_type(out, dt)
    if retstep:
        return out, step
    return out


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    check_arraylike("logspace", start, stop)
    dt = canonical_user_dtype(dtype, "logspace")
    start, stop = _util.promote_dtypes_inexact(_asarray(start), _asarray(stop))
    comp_dt = _util.dtype_of(start)
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    from jax_numpy.ufuncs import power

    out = power(lax.convert_element_type(_asarray(base), comp_dt), lin)
    return lax.convert_element_type(out, dt if dt is not None else comp_dt)


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    check_arraylike("geomspace", start, stop)
    from jax_numpy import ufuncs

    dt = canonical_user_dtype(dtype, "geomspace")
    start, stop = _util.promote_dtypes_inexact(_asarray(start), _asarray(stop))
    comp_dt = _util.dtype_of(start)
    sign = ufuncs.sign(start)
    lo = ufuncs.log10(ufuncs.abs(start))
    hi = ufuncs.log10(ufuncs.abs(stop))
    res = logspace(lo, hi, num, endpoint=endpoint, base=10.0, dtype=comp_dt, axis=0)
    res = lax.mul(lax.broadcast_in_dim(sign, get_aval(res).shape,
                                       tuple(range(1, _util.ndim(res)))), res)
    # make the endpoints exact, as NumPy does
    if num > 0:
        parts = [lax.expand_dims(start, (0,))]
        if endpoint and num > 1:
            parts += [_util.slice_in_dim(res, 1, num - 1, axis=0), lax.expand_dims(stop, (0,))]
        else:
            parts += [_util.slice_in_dim(res, 1, num, axis=0)]
        res = lax.concatenate(parts, 0)
    if axis != 0 and _util.ndim(res) > 1:
        from jax_numpy.shape_ops import moveaxis

        res = moveaxis(res, 0, axis)
    return lax.convert_element_type(res, dt if dt is not None else comp_dt)


# ---------------------------------------------------------------------------
# matrices


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *, device: Any = None) -> Any:
    n = _util.concrete_int(N, "eye: N")
    m = n if M is None else _util.concrete_int(M, "eye: M")
    kk = _util.concrete_int(k, "eye: k")
    if n < 0 or m < 0:
        raise ValueError(f"negative dimensions are not allowed, got N={n}, M={m}")
    return Array._from_numpy(np.eye(n, m, kk, dtype=_default_dtype(dtype, "eye")), False)


def identity(n: int, dtype: Any = None) -> Any:
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Any:
    n = _util.concrete_int(N, "tri: N")
    m = n if M is None else _util.concrete_int(M, "tri: M")
    kk = _util.concrete_int(k, "tri: k")
    return Array._from_numpy(np.tri(n, m, kk, dtype=_default_dtype(dtype, "tri")), False)


def _tri_mask(shape: tuple, k: int, lower: bool) -> Any:
    n, m = shape[-2], shape[-1]
    mask = np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)
    return Array._from_numpy(mask, False)


def tril(m: Any, k: int = 0) -> Any:
    check_arraylike("tril", m)
    m = _asarray(m)
    shape = get_aval(m).shape
    if len(shape) < 2:
        raise ValueError(f"tril requires an array of at least two dimensions, got shape {shape}")
    mask = _tri_mask(shape, _util.concrete_int(k, "tril: k"), True)
    return _util.where_(mask, m, lax.full_like(m, 0))


def triu(m: Any, k: int = 0) -> Any:
    check_arraylike("triu", m)
    m = _asarray(m)
    shape = get_aval(m).shape
    if len(shape) < 2:
        raise ValueError(f"triu requires an array of at least two dimensions, got shape {shape}")
    mask = _tri_mask(shape, _util.concrete_int(k, "triu: k"), False)
    return _util.where_(mask, m, lax.full_like(m, 0))


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal as a strided slice of the flattened trailing matrix (no gather)."""
    check_arraylike("diagonal", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    if nd < 2:
        raise ValueError(f"diagonal requires an array of at least two dimensions, got shape "
                         f"{get_aval(a).shape}")
    ax1 = _util.canonicalize_axis(axis1, nd)
    ax2 = _util.canonicalize_axis(axis2, nd)
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    k = _util.concrete_int(offset, "diagonal: offset")
    perm = [i for i in range(nd) if i not in (ax1, ax2)] + [ax1, ax2]
    a = lax.transpose(a, tuple(perm))
    shape = get_aval(a).shape
    lead, n, m = shape[:-2], shape[-2], shape[-1]
    if k >= 0:
        length = builtins.max(0, builtins.min(n, m - k))
        start = k
    else:
        length = builtins.max(0, builtins.min(n + k, m))
        start = -k * m
    flat = lax.reshape(a, lead + (n * m,))
    if length == 0:
        return lax.full(lead + (0,), 0, get_aval(a).dtype) if not get_aval(a).weak_type else \
            _util.slice_in_dim(flat, 0, 0, axis=len(lead))
    limit = start + (length - 1) * (m + 1) + 1
    return _util.slice_in_dim(flat, start, limit, stride=m + 1, axis=len(lead))


def diag(v: Any, k: int = 0) -> Any:
    check_arraylike("diag", v)
    v = _asarray(v)
    k = _util.concrete_int(k, "diag: k")
    shape = get_aval(v).shape
    if len(shape) == 1:
        n = shape[0] + builtins.abs(k)
        vp = lax.pad(v, lax.full((), 0, get_aval(v).dtype), [(0, builtins.abs(k), 0)])
        # value at (r, c) with c - r == k is v[min(r, c)]
        vb = lax.broadcast_in_dim(vp, (n, n), (0,) if k >= 0 else (1,))
        rows = np.arange(n)[:, None]
        cols = np.arange(n)[None, :]
        mask = Array._from_numpy(cols - rows == k, False)
        return lax.select(mask, vb, lax.full_like(vb, 0))
    if len(shape) == 2:
        return diagonal(v, k)
    raise ValueError(f"diag input must be 1d or 2d, got shape {shape}")


def diagflat(v: Any, k: int = 0) -> Any:
    check_arraylike("diagflat", v)
    v = _asarray(v)
    return diag(lax.reshape(v, (get_aval(v).size,)), k)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:
    check_arraylike("vander", x)
    x = _asarray(x)
    if _util.ndim(x) != 1:
        raise ValueError(f"x must be a one-dimensional array, got shape {get_aval(x).shape}")
    n = get_aval(x).shape[0] if N is None else _util.concrete_int(N, "vander: N")
    if n < 0:
        raise ValueError("N must be nonnegative")
    x = _util.promote_dtypes_numeric(x)[0]
    cols = []
    acc = lax.full_like(x, 1)
    for _ in range(n):
        cols.append(acc)
        acc = lax.mul(acc, x)
    if not increasing:
        cols = cols[::-1]
    if not cols:
        return lax.full((get_aval(x).shape[0], 0), 0, get_aval(x).dtype)
    return lax.concatenate([lax.expand_dims(c, (1,)) for c in cols], 1)


# ---------------------------------------------------------------------------
# grids and index helpers


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list:
    check_arraylike("meshgrid", *xi)
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Valid values for indexing are 'xy' and 'ij', got {indexing!r}")
    args = [_asarray(x) for x in xi]
    args = [lax.reshape(a, (get_aval(a).size,)) if _util.ndim(a) != 1 else a for a in args]
    shape = [get_aval(a).shape[0] for a in args]
    if indexing == "xy" and len(args) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    nd = len(args)
    for i, a in enumerate(args):
        pos = i
        if indexing == "xy" and nd >= 2 and i < 2:
            pos = 1 - i
        if sparse:
            s = [1] * nd
            s[pos] = shape[pos]
            out.append(lax.broadcast_in_dim(a, tuple(s), (pos,)))
        else:
            out.append(lax.broadcast_in_dim(a, tuple(shape), (pos,)))
    return out


def indices(dimensions: Sequence[int], dtype: Any = None, sparse: bool = False) -> Any:
    dims = _shape_arg(dimensions, "indices")
    dt = canonical_user_dtype(dtype, "indices") or dtypes.default_int_dtype()
    res: Any = np.indices(dims, dtype=dt, sparse=sparse)  # type: ignore[call-overload]
    if sparse:
        return tuple(Array._from_numpy(np.ascontiguousarray(r), False) for r in res)
    return Array._from_numpy(res, False)


def fromfunction(function: Callable[..., Any], shape: Any, *, dtype: Any = float, **kwargs: Any) -> Any:
    idx = indices(shape, dtype=dtype)
    return function(*[idx[i] for i in range(len(_shape_arg(shape, "fromfunction")))], **kwargs)


def diag_indices(n: int, ndim: int = 2) -> tuple:
    n = _util.concrete_int(n, "diag_indices: n")
    if n < 0:
        raise ValueError(f"n argument to diag_indices must be nonnegative, got {n}")
    idx = Array._from_numpy(np.arange(n, dtype=dtypes.default_int_dtype()), False)
    return (idx,) * ndim


def diag_indices_from(arr: Any) -> tuple:
    check_arraylike("diag_indices_from", arr)
    shape = get_aval(arr).shape
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError(f"All dimensions of input must be of equal length, got shape {shape}")
    return diag_indices(shape[0], len(shape))


def _int_arrays(arrs: tuple) -> tuple:
    return tuple(Array._from_numpy(a.astype(dtypes.default_int_dtype()), False) for a in arrs)


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple:
    return _int_arrays(np.tril_indices(_util.concrete_int(n, "tril_indices: n"),
                                       _util.concrete_int(k, "tril_indices: k"),
                                       None if m is None else _util.concrete_int(m, "tril_indices: m")))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple:
    return _int_arrays(np.triu_indices(_util.concrete_int(n, "triu_indices: n"),
                                       _util.concrete_int(k, "triu_indices: k"),
                                       None if m is None else _util.concrete_int(m, "triu_indices: m")))


def tril_indices_from(arr: Any, k: int = 0) -> tuple:
    shape = get_aval(arr).shape
    if len(shape) != 2:
        raise ValueError(f"input array must be 2-d, got shape {shape}")
    return tril_indices(shape[0], k, shape[1])


def triu_indices_from(arr: Any, k: int = 0) -> tuple:
    shape = get_aval(arr).shape
    if len(shape) != 2:
        raise ValueError(f"input array must be 2-d, got shape {shape}")
    return triu_indices(shape[0], k, shape[1])


def mask_indices(n: int, mask_func: Callable[..., Any], k: int = 0, *, size: int | None = None) -> tuple:
    from jax_numpy.sorting import nonzero

    a = ones((n, n), dtype=bool)
    return nonzero(mask_func(a, k), size=size)


def ix_(*args: Any) -> tuple:
    check_arraylike("ix_", *args)
    n = len(args)
    out = []
    for i, a in enumerate(args):
        a = _asarray(a)
        if _util.ndim(a) != 1:
            raise ValueError(f"Arguments to jax.numpy.ix_ must be 1-dimensional, got shape "
                             f"{get_aval(a).shape}")
        if get_aval(a).dtype == np.bool_:
            from jax_numpy.sorting import nonzero

            a = nonzero(a)[0]
        shape = [1] * n
        shape[i] = get_aval(a).shape[0]
        out.append(lax.reshape(a, tuple(shape)))
    return tuple(out)


class _IndexGrid:
    """``mgrid`` / ``ogrid``: NumPy's grids, as JAX arrays (32-bit)."""

    def __init__(self, sparse: bool, name: str):
        self.sparse = sparse
        self.name = name

    def __getitem__(self, key: Any) -> Any:
        keys = key if isinstance(key, tuple) else (key,)
        conc = tuple(slice(*(None if v is None else concrete_or_error(v, f"jnp.{self.name}").item()
                             for v in (s.start, s.stop, s.step))) if isinstance(s, slice) else s
                     for s in keys)
        grid = (np.ogrid if self.sparse else np.mgrid)[conc if isinstance(key, tuple) else conc[0]]
        if isinstance(grid, (list, tuple)):
            return [array(g) for g in grid]
        return array(grid)

    def __repr__(self) -> str:
        return f"jax_numpy.{self.name}"


mgrid = _IndexGrid(False, "mgrid")
ogrid = _IndexGrid(True, "ogrid")


class _AxisConcatenator:
    """``r_`` and ``c_``: concatenate slices, scalars and arrays along an axis."""

    def __init__(self, axis: int, ndmin: int, trans1d: int, name: str):
        self.axis = axis
        self.ndmin = ndmin
        self.trans1d = trans1d
        self.name = name

    def __getitem__(self, key: Any) -> Any:
        from jax_numpy.shape_ops import concatenate

        keys = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        matrix_out = None
        items = []
        for i, item in enumerate(keys):
            if isinstance(item, str):
                if i != 0:
                    raise ValueError("string directive must be placed at the beginning")
                if item in ("r", "c"):
                    matrix_out = item
                    continue
                parts = [int(p) for p in item.split(",")]
                axis = parts[0]
                if len(parts) > 1:
                    ndmin = parts[1]
                if len(parts) > 2:
                    trans1d = parts[2]
                continue
            if isinstance(item, slice):
                start = 0 if item.start is None else concrete_or_error(item.start, self.name).item()
                stop = concrete_or_error(item.stop, self.name).item()
                step = 1 if item.step is None else concrete_or_error(item.step, self.name).item()
                if isinstance(step, complex):
                    arr = linspace(start, stop, int(abs(step)))
                else:
                    arr = arange(start, stop, step)
            else:
                arr = array(item, copy=False)
            nd = _util.ndim(arr)
            if nd < ndmin:
                # NumPy's rule: prepend unit axes, then move the original axes to trans1d
                arr = lax.reshape(arr, (1,) * (ndmin - nd) + get_aval(arr).shape)
                if trans1d != -1:
                    k2 = ndmin - nd
                    k1 = trans1d if trans1d >= 0 else trans1d + k2 + 1
                    defaxes = list(range(ndmin))
                    arr = lax.transpose(arr, tuple(defaxes[:k1] + defaxes[k2:] + defaxes[k1:k2]))
            items.append(arr)
        if not items:
            return array([])
        out = concatenate(items, axis=axis)
        if matrix_out == "c" and _util.ndim(out) == 1:
            out = lax.reshape(out, get_aval(out).shape + (1,))
        elif matrix_out == "r" and _util.ndim(out) == 1:
            out = lax.reshape(out, (1,) + get_aval(out).shape)
        return out

    def __len__(self) -> int:
        return 0


r_ = _AxisConcatenator(0, 1, -1, "r_")
c_ = _AxisConcatenator(-1, 2, 0, "c_")
s_ = np.s_
index_exp = np.index_exp


# ---------------------------------------------------------------------------
# from buffers, files, iterables


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0) -> Any:
    return array(np.frombuffer(buffer, dtype=np.dtype(dtype), count=count, offset=offset))


def fromstring(string: str, dtype: Any = float, count: int = -1, *, sep: str) -> Any:
    return array(np.fromstring(string, dtype=np.dtype(dtype), count=count, sep=sep))


def fromiter(iterable: Any, dtype: Any, count: int = -1) -> Any:
    """Eager only: consumes the iterable with NumPy."""
    return array(np.fromiter(iterable, dtype=np.dtype(dtype), count=count))


def fromfile(file: Any, dtype: Any = float, count: int = -1, sep: str = "", offset: int = 0) -> Any:
    """Eager only: reads with NumPy (under jit the file is read once, at trace time)."""
    return array(np.fromfile(file, dtype=np.dtype(dtype), count=count, sep=sep, offset=offset))


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Any:
    return array(np.from_dlpack(x))


def load(file: Any, *args: Any, **kwargs: Any) -> Any:
    out = np.load(file, *args, **kwargs)
    if isinstance(out, np.ndarray) and out.dtype != object:
        return array(out)
    return out


def save(file: Any, arr: Any, *args: Any, **kwargs: Any) -> None:
    np.save(file, np.asarray(arr), *args, **kwargs)


def savez(file: Any, *args: Any, **kwds: Any) -> None:
    arrays: dict[str, Any] = {k: np.asarray(v) for k, v in kwds.items()}
    np.savez(file, *[np.asarray(a) for a in args], **arrays)


def array_repr(arr: Any, max_line_width: int | None = None, precision: int | None = None,
               suppress_small: bool | None = None) -> str:
    check_arraylike("array_repr", arr)
    return repr(_asarray(arr)) if max_line_width is None and precision is None else \
        np.array_repr(np.asarray(arr), max_line_width, precision, suppress_small)


def array_str(a: Any, max_line_width: int | None = None, precision: int | None = None,
              suppress_small: bool | None = None) -> str:
    return np.array_str(np.asarray(a), max_line_width, precision, suppress_small)
