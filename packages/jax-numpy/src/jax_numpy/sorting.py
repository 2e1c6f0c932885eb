"""Sorting, searching, counting and set operations.

Functions whose output size depends on the *values* (nonzero, one-argument
where, unique, the set operations, boolean compress...) need concrete inputs,
or a static ``size=`` (with ``fill_value=``) under jit/vmap, exactly as in JAX.
"""
from __future__ import annotations

import builtins
from typing import Any, NamedTuple, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import Array, ConcretizationTypeError, Tracer, get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = [
    "sort", "argsort", "lexsort", "partition", "argpartition", "searchsorted", "where", "nonzero",
    "argwhere", "flatnonzero", "unique", "unique_all", "unique_counts", "unique_inverse",
    "unique_values", "clip", "sort_complex", "isin", "intersect1d", "union1d", "setdiff1d",
    "setxor1d", "digitize", "count_nonzero",
]


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _idt() -> np.dtype:
    return dtypes.default_int_dtype()


def _size_hint(fn: str) -> str:
    return (f"jnp.{fn} produces an array whose size depends on the values of its input, so the "
            f"input must be concrete. Under jit/vmap pass the static `size` argument (and "
            f"optionally `fill_value`), e.g. jnp.{fn}(x, size=3).")


# ---------------------------------------------------------------------------
# sorting


def sort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None, stable: bool = True,
         descending: bool = False) -> Any:
    check_arraylike("sort", a)
    if order is not None:
        raise ValueError("'order' argument to sort is not supported.")
    a = _asarray(a)
    if axis is None:
        a = lax.reshape(a, (get_aval(a).size,))
        axis = 0
    if _util.ndim(a) == 0:
        raise ValueError("Cannot sort a 0-d array; pass axis=None to sort a flattened copy")
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    if descending:
        return lax.rev(lax.sort(lax.rev(a, (ax,)), dimension=ax, is_stable=stable), (ax,))
    return lax.sort(a, dimension=ax, is_stable=stable)


def argsort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None,
            stable: bool = True, descending: bool = False) -> Any:
    check_arraylike("argsort", a)
    if order is not None:
        raise ValueError("'order' argument to argsort is not supported.")
    a = _asarray(a)
    if axis is None:
        a = lax.reshape(a, (get_aval(a).size,))
        axis = 0
    if _util.ndim(a) == 0:
        return lax.full((), 0, _idt())
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    n = _shape(a)[ax]
    iota = lax.broadcasted_iota(_idt(), _shape(a), ax)
    if descending:
        _, perm = lax.sort((lax.rev(a, (ax,)), iota), dimension=ax, is_stable=True, num_keys=1)
        perm = lax.sub(lax.full_like(perm, n - 1), perm)
        return lax.rev(perm, (ax,))
    _, perm = lax.sort((a, iota), dimension=ax, is_stable=stable, num_keys=1)
    return perm


def lexsort(keys: Sequence[Any], axis: int = -1) -> Any:
    keys = tuple(keys) if not isinstance(keys, (Array, Tracer, np.ndarray)) else \
        tuple(_asarray(keys)[i] for i in range(_shape(keys)[0]))  # type: ignore[index]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    check_arraylike("lexsort", *keys)
    ks = [_asarray(k) for k in keys]
    shapes = {_shape(k) for k in ks}
    if len(shapes) != 1:
        raise ValueError("all keys need to be the same shape")
    if _util.ndim(ks[0]) == 0:
        return lax.full((), 0, _idt())
    ax = _util.canonicalize_axis(axis, _util.ndim(ks[0]))
    iota = lax.broadcasted_iota(_idt(), _shape(ks[0]), ax)
    out = lax.sort(tuple(ks[::-1]) + (iota,), dimension=ax, is_stable=True, num_keys=len(ks))
    return out[-1]


def partition(a: Any, kth: int, axis: int = -1) -> Any:
    """A full sort satisfies the partition contract (NumPy leaves the order within sides open)."""
    check_arraylike("partition", a)
    a = _asarray(a)
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    k = _util.concrete_int(kth, "partition: kth")
    n = _shape(a)[ax]
    if not -n <= k < n:
        raise ValueError(f"kth(={k}) out of bounds ({n})")
    return sort(a, ax)


def argpartition(a: Any, kth: int, axis: int = -1) -> Any:
    check_arraylike("argpartition", a)
    a = _asarray(a)
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    k = _util.concrete_int(kth, "argpartition: kth")
    n = _shape(a)[ax]
    if not -n <= k < n:
        raise ValueError(f"kth(={k}) out of bounds ({n})")
    return argsort(a, ax)


def sort_complex(a: Any) -> Any:
    check_arraylike("sort_complex", a)
    a = sort(_asarray(a), axis=0)
    return lax.convert_element_type(a, dtypes.to_complex_dtype(_dt(a)))


# ---------------------------------------------------------------------------
# searchsorted / digitize


def _lt_nan_last(x: Any, y: Any) -> Any:
    """``x < y`` in NumPy's sort order (NaN after everything)."""
    lt = lax.lt(x, y)
    if dtypes.is_inexact_dtype(_dt(x)):
        if _dt(x).kind == "c":
            rx, ry = lax.real(x), lax.real(y)
            ix_, iy = lax.imag(x), lax.imag(y)
            lt = lax.bitwise_or(lax.lt(rx, ry), lax.bitwise_and(lax.eq(rx, ry), lax.lt(ix_, iy)))
            return lt
        return lax.bitwise_or(lt, lax.bitwise_and(lax.ne(y, y), lax.eq(x, x)))
    return lt


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None, *,
                 method: str = "scan") -> Any:
    check_arraylike("searchsorted", a, v)
    if side not in ("left", "right"):
        raise ValueError(f"{side!r} is an invalid value for keyword 'side'. Expected one of "
                         "['left', 'right'].")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"{method!r} is an invalid value for keyword 'method'. Expected one of "
                         "['sort', 'scan', 'scan_unrolled', 'compare_all'].")
    a = _asarray(a)
    v = _asarray(v)
    if _util.ndim(a) != 1:
        raise ValueError(f"a should be 1-dimensional, got shape {_shape(a)}")
    if sorter is not None:
        from jax_numpy.indexing import take

        a = take(a, sorter, mode="clip")
    a, v = _util.promote_dtypes(a, v)
    hv = _util.all_host(a, v)
    if hv is not None:
        return Array._from_numpy(np.asarray(np.searchsorted(hv[0], hv[1], side=side),  # type: ignore[call-overload]
                                            dtype=_idt()),
                                 False)
    n = _shape(a)[0]
    vshape = _shape(v)
    idt = _idt()
    lo = lax.full(vshape, 0, idt)
    hi = lax.full(vshape, n, idt)
    if n == 0:
        return lo
    steps = int(np.ceil(np.log2(n + 1))) + 1
    for _ in range(steps):
        active = lax.lt(lo, hi)
        mid = lax.div(lax.add(lo, hi), lax.full_like(lo, 2))
        safe_mid = lax.min(mid, lax.full_like(mid, n - 1))
        from jax_numpy.indexing import take

        val = take(a, safe_mid, mode="clip")
        if side == "left":
            go_right = _lt_nan_last(val, v)
        else:
            go_right = lax.bitwise_not(_lt_nan_last(v, val))
        lo = lax.select(lax.bitwise_and(active, go_right), lax.add(mid, lax.full_like(mid, 1)), lo)
        hi = lax.select(lax.bitwise_and(active, lax.bitwise_not(go_right)), mid, hi)
    return lo


def digitize(x: Any, bins: Any, right: bool = False, *, method: str | None = None) -> Any:
    check_arraylike("digitize", x, bins)
    x = _asarray(x)
    bins = _asarray(bins)
    if _util.ndim(bins) != 1:
        raise ValueError(f"digitize: bins must be a 1-dimensional array; got shape {_shape(bins)}")
    n = _shape(bins)[0]
    if n == 0:
        return lax.full(_shape(x), 0, _idt())
    side = "left" if right else "right"
    inc = searchsorted(bins, x, side=side, method=method or "scan")
    dec = lax.sub(lax.full_like(inc, n),
                  searchsorted(lax.rev(bins, (0,)), x, side="right" if right else "left",
                               method=method or "scan"))
    increasing = lax.ge(_util.index_in_dim(bins, n - 1, 0, False), _util.index_in_dim(bins, 0, 0, False))
    return lax.select(lax.broadcast_in_dim(increasing, _shape(inc), ()), inc, dec)


# ---------------------------------------------------------------------------
# where / nonzero


def _fill_tuple(fill_value: Any, n: int) -> list:
    if fill_value is None:
        return [0] * n
    if isinstance(fill_value, (tuple, list)):
        if len(fill_value) != n:
            raise ValueError(f"fill_value must be a scalar or a tuple of length {n}; got {fill_value!r}")
        return list(fill_value)
    if _util.is_arraylike(fill_value) and _util.ndim(fill_value) != 0:
        raise ValueError(f"fill_value must be a scalar or a tuple of length {n}; got shape "
                         f"{_shape(fill_value)}")
    return [fill_value] * n


def nonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> tuple:
    check_arraylike("nonzero", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    if nd == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use jnp.atleast_1d(scalar) "
                         "instead.")
    idt = _idt()
    fills = _fill_tuple(fill_value, nd)
    v = _util.concrete_value(a)
    if size is not None:
        size = _util.concrete_int(size, "nonzero: size")
    if v is not None:
        coords = np.nonzero(np.asarray(v))
        if size is None:
            return tuple(Array._from_numpy(c.astype(idt), False) for c in coords)
        out = []
        for c, f in zip(coords, fills):
            c = c[:size]
            if c.shape[0] < size:
                fv = np.asarray(_util.concrete_or_error(f, "nonzero: fill_value"))
                c = np.concatenate([c, np.broadcast_to(fv, (size - c.shape[0],)).astype(c.dtype)])
            out.append(Array._from_numpy(c.astype(idt), False))
        return tuple(out)
    if size is None:
        raise ConcretizationTypeError(_size_hint("nonzero"))
    flat = lax.reshape(a, (get_aval(a).size,))
    mask = flat if _dt(flat) == np.bool_ else lax.ne(flat, lax.full_like(flat, 0))
    n = get_aval(flat).size
    iota = lax.iota(idt, n)
    # stable sort puts the True positions first, in order
    key = lax.convert_element_type(lax.bitwise_not(mask), np.int8)
    _, order = lax.sort((key, iota), dimension=0, is_stable=True, num_keys=1)
    if size <= n:
        sel = _util.slice_in_dim(order, 0, size)
    else:
        sel = lax.pad(order, lax.full((), 0, idt), [(0, size - n, 0)])
    count = lax.reduce_sum(lax.convert_element_type(mask, idt), (0,))
    valid = lax.lt(lax.iota(idt, size), lax.broadcast_in_dim(count, (size,), ()))
    from jax_numpy.shape_ops import unravel_index

    coords = unravel_index(sel, _shape(a)) if nd > 1 else (sel,)
    out = []
    for c, f in zip(coords, fills):
        fv = lax.broadcast_in_dim(lax.convert_element_type(_asarray(f), idt), (size,), ())
        out.append(lax.select(valid, c, fv))
    return tuple(out)


def flatnonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    check_arraylike("flatnonzero", a)
    a = _asarray(a)
    return nonzero(lax.reshape(a, (get_aval(a).size,)), size=size, fill_value=fill_value)[0]


def argwhere(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    check_arraylike("argwhere", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    if nd == 0:
        nz = _util.concrete_value(a)
        n = (1 if (nz is not None and bool(nz)) else 0) if size is None else size
        return lax.full((n, 0), 0, _idt())
    coords = nonzero(a, size=size, fill_value=fill_value)
    return lax.concatenate([lax.expand_dims(c, (1,)) for c in coords], 1)


def where(condition: Any, x: Any = None, y: Any = None, /, *, size: int | None = None,
          fill_value: Any = None) -> Any:
    if x is None and y is None:
        return nonzero(_util.asarray(condition) if not isinstance(condition, (list, tuple))
                       else _asarray(condition), size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("Either both or neither of the x and y arguments should be provided to "
                         "jax.numpy.where, got x and y of types "
                         f"{type(x).__name__} and {type(y).__name__}.")
    if size is not None or fill_value is not None:
        raise ValueError("size and fill_value are only supported with the one-argument form of "
                         "jnp.where")
    if type(condition) is Array and type(x) is Array and type(y) is Array:
        hv = _util.all_host(condition, x, y)
        if hv is not None and hv[1].dtype == hv[2].dtype and hv[0].dtype == np.bool_:
            return Array._from_numpy(np.where(hv[0], hv[1], hv[2]), x.weak_type and y.weak_type)
    check_arraylike("where", condition, x, y)
    return _util.where_(condition, x, y)


def count_nonzero(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    from jax_numpy.reductions import count_nonzero as _cnz

    return _cnz(a, axis, keepdims)


# ---------------------------------------------------------------------------
# clip


def clip(arr: Any = None, /, min: Any = None, max: Any = None, *,  # noqa: A002
         a: Any = None, a_min: Any = None, a_max: Any = None) -> Any:
    from jax_numpy import ufuncs

    if arr is None:
        arr = a
    if arr is None:
        raise TypeError("clip() missing the array argument")
    if min is None:
        min = a_min  # noqa: A001
    if max is None:
        max = a_max  # noqa: A001
    check_arraylike("clip", arr)
    arr = _asarray(arr)
    if _dt(arr).kind == "c":
        raise ValueError("Clip received a complex value either through the input or the min/max "
                         "keywords. Complex values have no ordering and cannot be clipped.")
    if min is not None:
        arr = ufuncs.maximum(min, arr)
    if max is not None:
        arr = ufuncs.minimum(max, arr)
    return _asarray(arr)


# ---------------------------------------------------------------------------
# unique


class _UniqueAllResult(NamedTuple):
    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class _UniqueCountsResult(NamedTuple):
    values: Any
    counts: Any


class _UniqueInverseResult(NamedTuple):
    values: Any
    inverse_indices: Any


def _unique_np(v: np.ndarray, equal_nan: bool) -> tuple:
    """values, first index, inverse (flat), counts -- NumPy, with NaNs merged if equal_nan."""
    flat = v.reshape(-1)
    order = np.argsort(flat, kind="stable")
    s = flat[order]
    if s.size == 0:
        e = np.zeros(0, np.int64)
        return s, e, e, e
    diff = s[1:] != s[:-1]
    if equal_nan and s.dtype.kind in "fc":
        both_nan = np.isnan(s[1:]) & np.isnan(s[:-1])
        diff = diff & ~both_nan
    mask = np.concatenate([[True], diff])
    starts = np.nonzero(mask)[0]
    vals = s[starts]
    idx = order[starts]
    counts = np.diff(np.append(starts, s.size))
    inv_sorted = np.cumsum(mask) - 1
    inv = np.empty_like(inv_sorted)
    inv[order] = inv_sorted
    return vals, idx, inv, counts


def _pad_to(x: np.ndarray, size: int, fill: Any) -> np.ndarray:
    if x.shape[0] >= size:
        return x[:size]
    return np.concatenate([x, np.full((size - x.shape[0],) + x.shape[1:], fill, dtype=x.dtype)])


def _unique_traced(x: Any, size: int, equal_nan: bool) -> tuple:
    """Sort-based unique of a flat traced array: (values, first index, inverse, counts, count)."""
    idt = _idt()
    n = get_aval(x).size
    iota = lax.iota(idt, n)
    s, order = lax.sort((x, iota), dimension=0, is_stable=True, num_keys=1)
    if n == 0:
        z = lax.full((size,), 0, idt)
        return lax.full((size,), 0, _dt(x)), z, lax.full((0,), 0, idt), z, lax.full((), 0, idt)
    neq = lax.ne(_util.slice_in_dim(s, 1, n), _util.slice_in_dim(s, 0, n - 1))
    if equal_nan and dtypes.is_inexact_dtype(_dt(x)):
        a0, a1 = _util.slice_in_dim(s, 1, n), _util.slice_in_dim(s, 0, n - 1)
        neq = lax.bitwise_and(neq, lax.bitwise_not(lax.bitwise_and(lax.ne(a0, a0), lax.ne(a1, a1))))
    mask = lax.concatenate([lax.full((1,), True, np.bool_), neq], 0)
    count = lax.reduce_sum(lax.convert_element_type(mask, idt), (0,))
    (starts,) = nonzero(mask, size=size, fill_value=n)
    from jax_numpy.indexing import take

    vals = take(s, starts, mode="clip")
    first = take(order, starts, mode="clip")
    ends = lax.concatenate([_util.slice_in_dim(starts, 1, size), lax.full((1,), n, idt)], 0) \
        if size > 0 else starts
    valid = lax.lt(lax.iota(idt, size), lax.broadcast_in_dim(count, (size,), ()))
    nxt = lax.select(lax.lt(lax.iota(idt, size), lax.broadcast_in_dim(
        lax.sub(count, lax.full_like(count, 1)), (size,), ())), ends,
        lax.full((size,), n, idt))
    counts = lax.select(valid, lax.sub(nxt, starts), lax.full((size,), 0, idt))
    inv_sorted = lax.sub(lax.cumsum(lax.convert_element_type(mask, idt), 0), lax.full((n,), 1, idt))
    from jax_numpy.indexing import _scatter

    inv = _scatter(lax.full((n,), 0, idt), order, inv_sorted, "set")
    return vals, first, inv, counts, count


def unique(ar: Any, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           size: int | None = None, fill_value: Any = None, sorted: bool = True) -> Any:  # noqa: A002
    check_arraylike("unique", ar)
    a = _asarray(ar)
    if size is not None:
        size = _util.concrete_int(size, "unique: size")
    idt = _idt()
    if axis is not None:
        return _unique_axis(a, return_index, return_inverse, return_counts, axis, size, fill_value)
    v = _util.concrete_value(a)
    in_shape = _shape(a)
    if v is not None:
        vals, idx, inv, counts = _unique_np(np.asarray(v), equal_nan)
        if size is not None:
            fv = vals[0] if (fill_value is None and vals.size) else (0 if fill_value is None else
                                                                    np.asarray(fill_value).item())
            vals = _pad_to(vals, size, fv)
            idx = _pad_to(idx, size, idx[0] if idx.size else 0)
            counts = _pad_to(counts, size, 0)
        res_vals: Any = Array._from_numpy(vals.astype(_dt(a)), False)
        res = [res_vals]
        if return_index:
            res.append(Array._from_numpy(idx.astype(idt), False))
        if return_inverse:
            res.append(Array._from_numpy(inv.astype(idt).reshape(in_shape if in_shape else (1,))
                                         if in_shape else inv.astype(idt), False))
        if return_counts:
            res.append(Array._from_numpy(counts.astype(idt), False))
        return res[0] if len(res) == 1 else tuple(res)
    if size is None:
        raise ConcretizationTypeError(_size_hint("unique"))
    flat = lax.reshape(a, (get_aval(a).size,))
    vals, first, inv, counts, count = _unique_traced(flat, size, equal_nan)
    valid = lax.lt(lax.iota(idt, size), lax.broadcast_in_dim(count, (size,), ()))
    if fill_value is None:
        fv = lax.broadcast_in_dim(_util.index_in_dim(vals, 0, 0, False), (size,), ()) if size else vals
    else:
        fv = lax.broadcast_in_dim(lax.convert_element_type(_asarray(fill_value), _dt(vals)), (size,), ())
    vals = lax.select(valid, vals, fv)
    first = lax.select(valid, first, lax.broadcast_in_dim(_util.index_in_dim(first, 0, 0, False),
                                                          (size,), ()) if size else first)
    res = [vals]
    if return_index:
        res.append(first)
    if return_inverse:
        res.append(lax.reshape(inv, in_shape) if in_shape else inv)
    if return_counts:
        res.append(counts)
    return res[0] if len(res) == 1 else tuple(res)


def _unique_axis(a: Any, return_index: bool, return_inverse: bool, return_counts: bool, axis: int,
                 size: int | None, fill_value: Any) -> Any:
    v = _util.concrete_value(a)
    if v is None:
        raise ConcretizationTypeError("jnp.unique with an axis needs a concrete array")
    ax = _util.canonicalize_axis(axis, np.ndim(v))
    out = np.unique(np.asarray(v), return_index=True, return_inverse=True, return_counts=True, axis=ax)
    vals, idx, inv, counts = out
    idt = _idt()
    if size is not None:
        moved = np.moveaxis(vals, ax, 0)
        fv = moved[0] if fill_value is None else np.broadcast_to(np.asarray(fill_value), moved.shape[1:])
        if moved.shape[0] < size:
            moved = np.concatenate([moved, np.broadcast_to(fv, (size - moved.shape[0],) + moved.shape[1:])])
        vals = np.moveaxis(moved[:size], 0, ax)
        idx = _pad_to(idx, size, idx[0])
        counts = _pad_to(counts, size, 0)
    res: list = [Array._from_numpy(np.ascontiguousarray(vals).astype(get_aval(a).dtype), False)]
    if return_index:
        res.append(Array._from_numpy(idx.astype(idt), False))
    if return_inverse:
        res.append(Array._from_numpy(inv.reshape(-1).astype(idt), False))
    if return_counts:
        res.append(Array._from_numpy(counts.astype(idt), False))
    return res[0] if len(res) == 1 else tuple(res)


def unique_all(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> _UniqueAllResult:
    vals, idx, inv, counts = unique(x, True, True, True, size=size, fill_value=fill_value)
    return _UniqueAllResult(vals, idx, inv, counts)


def unique_counts(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> _UniqueCountsResult:
    vals, counts = unique(x, return_counts=True, size=size, fill_value=fill_value)
    return _UniqueCountsResult(vals, counts)


def unique_inverse(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> _UniqueInverseResult:
    vals, inv = unique(x, return_inverse=True, size=size, fill_value=fill_value)
    return _UniqueInverseResult(vals, inv)


def unique_values(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    return unique(x, size=size, fill_value=fill_value)


# ---------------------------------------------------------------------------
# set operations


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False, *,
         method: str = "auto") -> Any:
    check_arraylike("isin", element, test_elements)
    e = _asarray(element)
    t = _asarray(test_elements)
    e, t = _util.promote_dtypes(e, t)
    t = lax.reshape(t, (get_aval(t).size,))
    hv = _util.all_host(e, t)
    if hv is not None:
        return Array._from_numpy(np.asarray(np.isin(hv[0], hv[1], invert=invert)), False)
    n = get_aval(t).size
    if n == 0:
        return lax.full(_shape(e), bool(invert), np.bool_)
    s = lax.sort(t, dimension=0)
    pos = searchsorted(s, e, side="left")
    from jax_numpy.indexing import take

    found = lax.eq(take(s, lax.min(pos, lax.full_like(pos, n - 1)), mode="clip"), e)
    return lax.bitwise_not(found) if invert else found


def _concrete_setop(np_fn: Any, args: list, size: int | None, fill_value: Any, dt: np.dtype,
                    default_fill: str) -> Any:
    out = np.asarray(np_fn(*args))
    if size is not None:
        if fill_value is not None:
            fv = np.asarray(fill_value).item()
        elif default_fill == "min" and out.size:
            fv = out.min()
        else:
            fv = 0
        out = _pad_to(out, size, fv)
    return Array._from_numpy(out.astype(dt), False)


def _traced_compact(vals: Any, keep: Any, size: int, fill_value: Any, default_fill: str) -> Any:
    from jax_numpy.indexing import take

    (pos,) = nonzero(keep, size=size, fill_value=0)
    idt = _idt()
    count = lax.reduce_sum(lax.convert_element_type(keep, idt), (0,))
    valid = lax.lt(lax.iota(idt, size), lax.broadcast_in_dim(count, (size,), ()))
    out = take(vals, pos, mode="clip")
    if fill_value is not None:
        fv = lax.convert_element_type(_asarray(fill_value), _dt(vals))
    elif default_fill == "min":
        fv = _util.index_in_dim(out, 0, 0, False) if size else lax.full((), 0, _dt(vals))
    else:
        fv = lax.full((), 0, _dt(vals))
    return lax.select(valid, out, lax.broadcast_in_dim(fv, (size,), ()))


def _unique_flat_valid(x: Any) -> tuple:
    flat = lax.reshape(x, (get_aval(x).size,))
    n = get_aval(flat).size
    vals, _, _, _, count = _unique_traced(flat, n, True)
    valid = lax.lt(lax.iota(_idt(), n), lax.broadcast_in_dim(count, (n,), ()))
    return vals, valid


def _setop(name: str, np_fn: Any, ar1: Any, ar2: Any, size: int | None, fill_value: Any,
           default_fill: str, traced_keep: Any) -> Any:
    check_arraylike(name, ar1, ar2)
    a1, a2 = _util.promote_dtypes(_asarray(ar1), _asarray(ar2))
    v1, v2 = _util.concrete_value(a1), _util.concrete_value(a2)
    if size is not None:
        size = _util.concrete_int(size, f"{name}: size")
    if v1 is not None and v2 is not None:
        return _concrete_setop(np_fn, [np.asarray(v1), np.asarray(v2)], size, fill_value, _dt(a1),
                               default_fill)
    if size is None:
        raise ConcretizationTypeError(_size_hint(name))
    vals, keep = traced_keep(a1, a2)
    return _traced_compact(vals, keep, size, fill_value, default_fill)


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False, return_indices: bool = False, *,
                size: int | None = None, fill_value: Any = None) -> Any:
    if return_indices:
        check_arraylike("intersect1d", ar1, ar2)
        a1, a2 = _util.promote_dtypes(_asarray(ar1), _asarray(ar2))
        v1 = _util.concrete_or_error(a1, _size_hint("intersect1d"))
        v2 = _util.concrete_or_error(a2, _size_hint("intersect1d"))
        vals, i1, i2 = np.intersect1d(np.asarray(v1), np.asarray(v2), assume_unique, True)
        idt = _idt()
        if size is not None:
            fv = vals.min() if fill_value is None and vals.size else (fill_value or 0)
            vals = _pad_to(vals, size, fv)
            i1 = _pad_to(i1, size, 0)
            i2 = _pad_to(i2, size, 0)
        return (Array._from_numpy(vals.astype(_dt(a1)), False), Array._from_numpy(i1.astype(idt), False),
                Array._from_numpy(i2.astype(idt), False))

    def keep(a1: Any, a2: Any) -> tuple:
        vals, valid = _unique_flat_valid(a1)
        return vals, lax.bitwise_and(valid, isin(vals, a2))

    return _setop("intersect1d", lambda x, y: np.intersect1d(x, y, assume_unique), ar1, ar2, size,
                  fill_value, "min", keep)


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
              fill_value: Any = None) -> Any:
    def keep(a1: Any, a2: Any) -> tuple:
        vals, valid = _unique_flat_valid(a1)
        return vals, lax.bitwise_and(valid, isin(vals, a2, invert=True))

    return _setop("setdiff1d", lambda x, y: np.setdiff1d(x, y, assume_unique), ar1, ar2, size,
                  fill_value, "zero", keep)


def union1d(ar1: Any, ar2: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    def keep(a1: Any, a2: Any) -> tuple:
        both = lax.concatenate([lax.reshape(a1, (get_aval(a1).size,)),
                                lax.reshape(a2, (get_aval(a2).size,))], 0)
        return _unique_flat_valid(both)

    return _setop("union1d", np.union1d, ar1, ar2, size, fill_value, "min", keep)


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
             fill_value: Any = None) -> Any:
    def keep(a1: Any, a2: Any) -> tuple:
        u1, v1 = _unique_flat_valid(a1)
        u2, v2 = _unique_flat_valid(a2)
        k1 = lax.bitwise_and(v1, isin(u1, a2, invert=True))
        k2 = lax.bitwise_and(v2, isin(u2, a1, invert=True))
        vals = lax.concatenate([u1, u2], 0)
        kp = lax.concatenate([k1, k2], 0)
        # sort the kept values (unkept ones pushed to the end)
        key = lax.convert_element_type(lax.bitwise_not(kp), np.int8)
        _, vals_s, kp_s = lax.sort((key, vals, kp), dimension=0, is_stable=True, num_keys=2)
        return vals_s, kp_s

    return _setop("setxor1d", lambda x, y: np.setxor1d(x, y, assume_unique), ar1, ar2, size,
                  fill_value, "min", keep)


del builtins
