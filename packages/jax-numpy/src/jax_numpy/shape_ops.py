"""Shape manipulation: reshape, transpose, joining and splitting, tiling,
flipping and rolling, padding in every mode, insert/delete/append..."""
from __future__ import annotations

import builtins
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core import array_methods as _am
from jax_core.core import Array, Tracer, get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = [
    "reshape", "ravel", "transpose", "permute_dims", "matrix_transpose", "moveaxis", "rollaxis",
    "swapaxes", "squeeze", "expand_dims", "concatenate", "concat", "stack", "unstack", "hstack",
    "vstack", "dstack", "column_stack", "split", "array_split", "hsplit", "vsplit", "dsplit",
    "tile", "repeat", "broadcast_to", "broadcast_arrays", "broadcast_shapes", "flip", "fliplr",
    "flipud", "roll", "rot90", "pad", "atleast_1d", "atleast_2d", "atleast_3d", "block", "append",
    "delete", "insert", "resize", "trim_zeros", "ravel_multi_index", "unravel_index", "shape",
    "ndim", "size", "apply_along_axis", "apply_over_axes", "isscalar", "iterable",
]


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


# ---------------------------------------------------------------------------
# metadata


def shape(a: Any) -> tuple:
    if isinstance(a, (list, tuple)):
        return np.shape(a)
    return tuple(get_aval(a).shape) if _util.is_arraylike(a) else np.shape(a)


def ndim(a: Any) -> int:
    if isinstance(a, (list, tuple)):
        return np.ndim(a)
    return len(get_aval(a).shape) if _util.is_arraylike(a) else np.ndim(a)


def size(a: Any, axis: int | None = None) -> int:
    s = shape(a)
    if axis is None:
        return int(np.prod(s, dtype=np.int64))
    return s[_util.canonicalize_axis(axis, len(s))]


def isscalar(element: Any) -> bool:
    """JAX's rule: Python/NumPy scalars and zero-dimensional arrays are scalars."""
    if isinstance(element, (Array, Tracer)):
        return _util.ndim(element) == 0
    if isinstance(element, (np.ndarray, np.generic)):
        return np.ndim(element) == 0
    return isinstance(element, (bool, int, float, complex))


def iterable(y: Any) -> bool:
    try:
        iter(y)
    except TypeError:
        return False
    return True


# ---------------------------------------------------------------------------
# reshape / transpose


def reshape(a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None,
            copy: bool | None = None) -> Any:
    check_arraylike("reshape", a)
    if shape is None:
        shape = newshape
    if shape is None:
        raise TypeError("reshape() missing required argument 'shape'")
    a = _asarray(a)
    if order == "F":
        nd = _util.ndim(a)
        at = lax.transpose(a, tuple(reversed(range(nd))))
        dims = tuple(reversed(_util.concrete_dims(shape, "reshape: shape")))
        out = _am._reshape(at, dims)
        return lax.transpose(out, tuple(reversed(range(_util.ndim(out)))))
    if order not in ("C", "A", None):
        raise ValueError(f"Unexpected value for 'order' argument: {order}.")
    dims = _util.concrete_dims(shape, "reshape: shape")
    try:
        return _am._reshape(a, dims)
    except ValueError as err:
        raise TypeError(str(err)) from None


def ravel(a: Any, order: str = "C") -> Any:
    check_arraylike("ravel", a)
    a = _asarray(a)
    if order == "F":
        nd = _util.ndim(a)
        a = lax.transpose(a, tuple(reversed(range(nd))))
    elif order not in ("C", "A", "K"):
        raise ValueError(f"Unexpected value for 'order' argument: {order}.")
    return lax.reshape(a, (get_aval(a).size,))


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    check_arraylike("transpose", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    if axes is None:
        perm = tuple(reversed(range(nd)))
    else:
        perm = tuple(_util.canonicalize_axis(i, nd) for i in axes)
        if sorted(perm) != list(range(nd)):
            raise ValueError(f"axes {tuple(axes)} don't match array of dimension {nd}")
    return lax.transpose(a, perm)


def permute_dims(a: Any, /, axes: Sequence[int]) -> Any:
    return transpose(a, axes)


def matrix_transpose(x: Any, /) -> Any:
    check_arraylike("matrix_transpose", x)
    x = _asarray(x)
    nd = _util.ndim(x)
    if nd < 2:
        raise ValueError(f"x must be at least two-dimensional for matrix_transpose; got ndim={nd}")
    perm = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return lax.transpose(x, perm)


def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    check_arraylike("moveaxis", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    src = _util.canonicalize_axes(source, nd) if not isinstance(source, int) else \
        (_util.canonicalize_axis(source, nd),)
    dst = _util.canonicalize_axes(destination, nd) if not isinstance(destination, int) else \
        (_util.canonicalize_axis(destination, nd),)
    if len(src) != len(dst):
        raise ValueError("Inconsistent number of elements: source and destination must have the "
                         f"same number of axes, got {source} and {destination}")
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return lax.transpose(a, tuple(perm))


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    check_arraylike("rollaxis", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    axis = _util.canonicalize_axis(axis, nd)
    if not -nd <= start <= nd:
        raise ValueError(f"start={start} must satisfy {-nd}<=start<={nd}")
    if start < 0:
        start += nd
    if start > axis:
        start -= 1
    return moveaxis(a, axis, start)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    check_arraylike("swapaxes", a)
    a = _asarray(a)
    nd = _util.ndim(a)
    perm = list(range(nd))
    i, j = _util.canonicalize_axis(axis1, nd), _util.canonicalize_axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return lax.transpose(a, tuple(perm))


def squeeze(a: Any, axis: Any = None) -> Any:
    check_arraylike("squeeze", a)
    a = _asarray(a)
    s = _shape(a)
    if axis is None:
        dims = tuple(i for i, d in enumerate(s) if d == 1)
    else:
        dims = _util.canonicalize_axes(axis, len(s))
        for d in dims:
            if s[d] != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                                 f"to one, got shape={s} and dimensions={tuple(dims)}")
    return lax.squeeze(a, dims)


def expand_dims(a: Any, axis: Any) -> Any:
    check_arraylike("expand_dims", a)
    a = _asarray(a)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out_nd = _util.ndim(a) + len(axes)
    dims = tuple(_util.canonicalize_axis(d, out_nd) for d in axes)
    if len(set(dims)) != len(dims):
        raise ValueError(f"repeated axis in expand_dims: {axis}")
    return lax.expand_dims(a, dims)


# ---------------------------------------------------------------------------
# joining


def _concat_args(arrays: Any, name: str) -> list:
    if isinstance(arrays, (Array, Tracer, np.ndarray)):
        if _util.ndim(arrays) == 0:
            raise ValueError(f"Zero-dimensional arrays cannot be concatenated ({name}).")
        return [arrays[i] for i in range(_shape(arrays)[0])]  # type: ignore[index]
    arrays = list(arrays)
    if not arrays:
        raise ValueError(f"Need at least one array to {name}.")
    return [_asarray(a) for a in arrays]


def concatenate(arrays: Any, axis: int | None = 0, dtype: Any = None) -> Any:
    arrs = _concat_args(arrays, "concatenate")
    if axis is None:
        arrs = [lax.reshape(a, (get_aval(a).size,)) for a in arrs]
        axis = 0
    if builtins.any(_util.ndim(a) == 0 for a in arrs):
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    nd = _util.ndim(arrs[0])
    for a in arrs[1:]:
        if _util.ndim(a) != nd:
            raise ValueError("All input arrays must have the same number of dimensions, got shapes "
                             + ", ".join(str(_shape(x)) for x in arrs))
    ax = _util.canonicalize_axis(axis, nd)
    others = {_shape(a)[:ax] + _shape(a)[ax + 1:] for a in arrs}
    if len(others) != 1:
        raise ValueError(
            f"all the input array dimensions except for the concatenation axis must match "
            f"exactly: concatenating along axis {ax} shapes "
            + ", ".join(str(_shape(a)) for a in arrs))
    dt = _util.canonical_user_dtype(dtype, "concatenate")
    if dt is not None:
        arrs = [lax.convert_element_type(a, dt) for a in arrs]
    else:
        arrs = _util.promote_dtypes(*arrs)
    if len(arrs) == 1:
        return arrs[0]
    hv = _util.all_host(*arrs)
    if hv is not None:
        weak = builtins.all(a.weak_type for a in arrs)
        return Array._from_numpy(np.concatenate(hv, axis=ax), weak)
    return lax.concatenate(arrs, ax)


def concat(arrays: Any, /, *, axis: int | None = 0) -> Any:
    return concatenate(arrays, axis=axis)


def stack(arrays: Any, axis: int = 0, out: None = None, dtype: Any = None) -> Any:
    arrs = _concat_args(arrays, "stack")
    shapes = {_shape(a) for a in arrs}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape, got "
                         + ", ".join(str(_shape(a)) for a in arrs))
    nd = _util.ndim(arrs[0]) + 1
    ax = _util.canonicalize_axis(axis, nd)
    return concatenate([lax.expand_dims(a, (ax,)) for a in arrs], axis=ax, dtype=dtype)


def unstack(x: Any, /, *, axis: int = 0) -> tuple:
    check_arraylike("unstack", x)
    x = _asarray(x)
    nd = _util.ndim(x)
    if nd == 0:
        raise ValueError("Unstack requires arrays with rank > 0, however a scalar array was passed.")
    ax = _util.canonicalize_axis(axis, nd)
    return tuple(_util.index_in_dim(x, i, ax, keepdims=False) for i in range(_shape(x)[ax]))


def atleast_1d(*arys: Any) -> Any:
    out = []
    for a in arys:
        check_arraylike("atleast_1d", a)
        a = _asarray(a)
        out.append(lax.reshape(a, (1,)) if _util.ndim(a) == 0 else a)
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: Any) -> Any:
    out = []
    for a in arys:
        check_arraylike("atleast_2d", a)
        a = _asarray(a)
        nd = _util.ndim(a)
        if nd < 2:
            a = lax.reshape(a, (1,) * (2 - nd) + _shape(a))
        out.append(a)
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys: Any) -> Any:
    out = []
    for a in arys:
        check_arraylike("atleast_3d", a)
        a = _asarray(a)
        nd = _util.ndim(a)
        if nd == 0:
            a = lax.reshape(a, (1, 1, 1))
        elif nd == 1:
            a = lax.reshape(a, (1,) + _shape(a) + (1,))
        elif nd == 2:
            a = lax.reshape(a, _shape(a) + (1,))
        out.append(a)
    return out[0] if len(out) == 1 else out


def _as_list(tup: Any, name: str) -> list:
    if isinstance(tup, (Array, Tracer, np.ndarray)):
        return _concat_args(tup, name)
    return list(tup)


def hstack(tup: Any, dtype: Any = None) -> Any:
    arrs = [atleast_1d(a) for a in _as_list(tup, "hstack")]
    axis = 0 if arrs and _util.ndim(arrs[0]) == 1 else 1
    return concatenate(arrs, axis=axis, dtype=dtype)


def vstack(tup: Any, dtype: Any = None) -> Any:
    return concatenate([atleast_2d(a) for a in _as_list(tup, "vstack")], axis=0, dtype=dtype)


def dstack(tup: Any, dtype: Any = None) -> Any:
    return concatenate([atleast_3d(a) for a in _as_list(tup, "dstack")], axis=2, dtype=dtype)


def column_stack(tup: Any) -> Any:
    arrs = []
    for a in _as_list(tup, "column_stack"):
        a = _asarray(a)
        if _util.ndim(a) < 2:
            a = lax.reshape(a, (get_aval(a).size, 1))
        arrs.append(a)
    return concatenate(arrs, axis=1)


def block(arrays: Any) -> Any:
    """Assemble an array from nested lists of blocks (NumPy's rules)."""
    def depth(x: Any) -> int:
        if isinstance(x, list):
            if not x:
                raise ValueError("Lists cannot be empty")
            ds = {depth(e) for e in x}
            if len(ds) != 1:
                raise ValueError("List depths are mismatched")
            return 1 + ds.pop()
        if isinstance(x, tuple):
            raise TypeError("jax.numpy.block does not allow tuples; use lists")
        return 0

    list_depth = depth(arrays)
    leaves: list = []

    def collect(x: Any) -> None:
        if isinstance(x, list):
            for e in x:
                collect(e)
        else:
            leaves.append(_asarray(x))

    collect(arrays)
    result_ndim = builtins.max([list_depth] + [_util.ndim(a) for a in leaves])

    def rec(x: Any, d: int) -> Any:
        if isinstance(x, list):
            parts = [rec(e, d + 1) for e in x]
            return concatenate(parts, axis=-(list_depth - d))
        a = _asarray(x)
        nd = _util.ndim(a)
        if nd < result_ndim:
            a = lax.reshape(a, (1,) * (result_ndim - nd) + _shape(a))
        return a

    return rec(arrays, 0)


def append(arr: Any, values: Any, axis: int | None = None) -> Any:
    check_arraylike("append", arr, values)
    arr, values = _asarray(arr), _asarray(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], 0)
    return concatenate([arr, values], axis)


# ---------------------------------------------------------------------------
# splitting


def _split(name: str, ary: Any, indices_or_sections: Any, axis: int, strict: bool) -> list:
    check_arraylike(name, ary)
    ary = _asarray(ary)
    ax = _util.canonicalize_axis(axis, _util.ndim(ary))
    size = _shape(ary)[ax]
    if isinstance(indices_or_sections, (tuple, list)) or \
            (_util.is_arraylike(indices_or_sections) and _util.ndim(indices_or_sections) == 1):
        idx = [int(i) for i in np.asarray(_util.concrete_or_error(
            indices_or_sections, f"{name}: split indices must be concrete")).reshape(-1)]
        split_points = [0] + [builtins.min(builtins.max(i + size if i < 0 else i, 0), size)
                              for i in idx] + [size]
    else:
        n = _util.concrete_int(indices_or_sections, f"{name}: the number of sections")
        if n <= 0:
            raise ValueError("number sections must be larger than 0.")
        if strict and size % n:
            raise ValueError(f"array split does not result in an equal division: an axis of size "
                             f"{size} into {n} sections")
        q, r = divmod(size, n)
        split_points = [0]
        for i in range(n):
            split_points.append(split_points[-1] + q + (1 if i < r else 0))
    out = []
    for lo, hi in zip(split_points[:-1], split_points[1:]):
        hi = builtins.max(hi, lo)
        out.append(_util.slice_in_dim(ary, lo, hi, 1, ax) if (lo, hi) != (0, size) else ary)
    return out


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    return _split("split", ary, indices_or_sections, axis, True)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    return _split("array_split", ary, indices_or_sections, axis, False)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    ary = _asarray(ary)
    return _split("hsplit", ary, indices_or_sections, 0 if _util.ndim(ary) == 1 else 1, True)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    ary = _asarray(ary)
    if _util.ndim(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return _split("vsplit", ary, indices_or_sections, 0, True)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    ary = _asarray(ary)
    if _util.ndim(ary) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return _split("dsplit", ary, indices_or_sections, 2, True)


# ---------------------------------------------------------------------------
# broadcasting


def broadcast_shapes(*shapes: Any) -> tuple:
    if not shapes:
        return ()
    shapes = tuple((s,) if isinstance(s, int) else tuple(s) for s in shapes)
    return _util.broadcast_shapes_of("broadcast_shapes", *shapes)


def broadcast_to(array: Any, shape: Any) -> Any:
    check_arraylike("broadcast_to", array)
    array = _asarray(array)
    dims = _util.concrete_dims(shape, "broadcast_to: shape")
    return _util.broadcast_to_shape(array, dims, "broadcast_to")


def broadcast_arrays(*args: Any) -> list:
    check_arraylike("broadcast_arrays", *args)
    arrs = [_asarray(a) for a in args]
    if not arrs:
        return []
    out_shape = broadcast_shapes(*[_shape(a) for a in arrs])
    return [_util.broadcast_to_shape(a, out_shape) for a in arrs]


# ---------------------------------------------------------------------------
# tile / repeat


def tile(A: Any, reps: Any) -> Any:
    check_arraylike("tile", A)
    A = _asarray(A)
    reps_t = _util.concrete_dims(reps, "tile: reps")
    nd = builtins.max(len(reps_t), _util.ndim(A))
    reps_t = (1,) * (nd - len(reps_t)) + reps_t
    A = lax.reshape(A, (1,) * (nd - _util.ndim(A)) + _shape(A))
    s = _shape(A)
    # broadcast to (r0, s0, r1, s1, ...) then merge the pairs
    inter = []
    bdims = []
    for i, (r, d) in enumerate(zip(reps_t, s)):
        inter += [r, d]
        bdims.append(2 * i + 1)
    out = lax.broadcast_in_dim(A, tuple(inter), tuple(bdims))
    return lax.reshape(out, tuple(r * d for r, d in zip(reps_t, s)))


def repeat(a: Any, repeats: Any, axis: int | None = None, *,
           total_repeat_length: int | None = None) -> Any:
    check_arraylike("repeat", a)
    a = _asarray(a)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    n = _shape(a)[ax]
    rv = _util.concrete_value(repeats) if not isinstance(repeats, (list, tuple)) else np.asarray(repeats)
    if rv is not None and np.ndim(rv) == 0:
        r = int(rv)
        if r < 0:
            raise ValueError("repeats may not contain negative values")
        s = _shape(a)
        out = lax.broadcast_in_dim(a, s[:ax + 1] + (r,) + s[ax + 1:],
                                   tuple(range(ax + 1)) + tuple(range(ax + 2, len(s) + 1)))
        out = lax.reshape(out, s[:ax] + (s[ax] * r,) + s[ax + 1:])
        if total_repeat_length is not None:
            out = _fit_length(out, ax, total_repeat_length)
        return out
    from jax_numpy.indexing import take
    from jax_numpy.sorting import searchsorted
    from jax_numpy.reductions import cumsum

    if rv is not None:
        rv = np.broadcast_to(np.asarray(rv, dtype=np.int64).reshape(-1), (n,))
        if np.any(rv < 0):
            raise ValueError("repeats may not contain negative values")
        idx = np.repeat(np.arange(n), rv)
        if total_repeat_length is not None:
            idx = np.resize(idx, total_repeat_length) if idx.size else np.zeros(total_repeat_length, int)
            if total_repeat_length > np.sum(rv):
                idx[int(np.sum(rv)):] = n - 1 if n else 0
        return take(a, Array._from_numpy(idx.astype(dtypes.default_int_dtype()), False), axis=ax)
    if total_repeat_length is None:
        raise _util.ConcretizationTypeError(
            "jnp.repeat with traced (non-concrete) repeats needs total_repeat_length to fix the "
            "size of the output; pass total_repeat_length=...")
    reps = _util.broadcast_to_shape(_asarray(repeats), (n,))
    ends = cumsum(reps)
    pos = lax.iota(_dt(ends), total_repeat_length)
    idx = searchsorted(ends, pos, side="right")
    idx = lax.min(idx, lax.full_like(idx, n - 1))
    return take(a, idx, axis=ax)


def _fit_length(x: Any, ax: int, length: int) -> Any:
    n = _shape(x)[ax]
    if length <= n:
        return _util.slice_in_dim(x, 0, length, 1, ax)
    last = _util.index_in_dim(x, n - 1, ax, keepdims=True)
    s = list(_shape(x))
    s[ax] = length - n
    return lax.concatenate([x, _util.broadcast_to_shape(last, tuple(s))], ax)


def resize(a: Any, new_shape: Any) -> Any:
    check_arraylike("resize", a)
    a = ravel(_asarray(a))
    dims = _util.concrete_dims(new_shape, "resize: new_shape")
    total = int(np.prod(dims, dtype=np.int64))
    n = get_aval(a).size
    if n == 0 or total == 0:
        return lax.full(dims, 0, _dt(a))
    reps = -(-total // n)
    return lax.reshape(_util.slice_in_dim(tile(a, reps), 0, total), dims)


# ---------------------------------------------------------------------------
# flip / roll / rot90


def flip(m: Any, axis: Any = None) -> Any:
    check_arraylike("flip", m)
    m = _asarray(m)
    axes = _util.canonicalize_axes(axis, _util.ndim(m))
    return lax.rev(m, axes) if axes else m


def fliplr(m: Any) -> Any:
    m = _asarray(m)
    if _util.ndim(m) < 2:
        raise ValueError("fliplr requires an array of at least 2 dimensions")
    return flip(m, 1)


def flipud(m: Any) -> Any:
    m = _asarray(m)
    if _util.ndim(m) < 1:
        raise ValueError("flipud requires an array of at least 1 dimension")
    return flip(m, 0)


def _roll_static(a: Any, shift: int, ax: int) -> Any:
    n = _shape(a)[ax]
    if n == 0:
        return a
    shift %= n
    if shift == 0:
        return a
    return lax.concatenate([_util.slice_in_dim(a, n - shift, n, 1, ax),
                            _util.slice_in_dim(a, 0, n - shift, 1, ax)], ax)


def _roll_dynamic(a: Any, shift: Any, ax: int) -> Any:
    n = _shape(a)[ax]
    if n == 0:
        return a
    shift = lax.convert_element_type(shift, dtypes.default_int_dtype())
    shift = _am.remainder(shift, lax.full_like(shift, n))
    doubled = lax.concatenate([a, a], ax)
    start = lax.sub(lax.full_like(shift, n), shift)
    starts = [lax.full_like(shift, 0)] * _util.ndim(a)
    starts[ax] = start
    return lax.dynamic_slice(doubled, starts, _shape(a))


def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    check_arraylike("roll", a)
    a = _asarray(a)
    if axis is None:
        return lax.reshape(roll(ravel(a), shift, 0), _shape(a))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    shift_v = _util.concrete_value(shift) if not isinstance(shift, (list, tuple)) else np.asarray(shift)
    if shift_v is not None:
        shifts = np.broadcast_to(np.asarray(shift_v).reshape(-1), (len(axes),)) \
            if np.ndim(shift_v) <= 1 else None
        if shifts is None or len(np.asarray(shift_v).reshape(-1)) not in (1, len(axes)):
            raise ValueError(f"roll: shift {shift} and axis {axis} have incompatible lengths")
        for s, ax in zip(shifts, axes):
            a = _roll_static(a, int(s), _util.canonicalize_axis(ax, _util.ndim(a)))
        return a
    shift_a = _asarray(shift)
    if _util.ndim(shift_a) == 0:
        shifts_l = [shift_a] * len(axes)
    else:
        shifts_l = [_util.index_in_dim(shift_a, i, 0, keepdims=False) for i in range(len(axes))]
    for s, ax in zip(shifts_l, axes):
        a = _roll_dynamic(a, s, _util.canonicalize_axis(ax, _util.ndim(a)))
    return a


def rot90(m: Any, k: int = 1, axes: tuple = (0, 1)) -> Any:
    check_arraylike("rot90", m)
    m = _asarray(m)
    nd = _util.ndim(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    ax1, ax2 = _util.canonicalize_axis(axes[0], nd), _util.canonicalize_axis(axes[1], nd)
    if ax1 == ax2:
        raise ValueError("Axes must be different")
    k = _util.concrete_int(k, "rot90: k") % 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, ax1), ax2)
    perm = list(range(nd))
    perm[ax1], perm[ax2] = perm[ax2], perm[ax1]
    if k == 1:
        return lax.transpose(flip(m, ax2), tuple(perm))
    return flip(lax.transpose(m, tuple(perm)), ax2)


# ---------------------------------------------------------------------------
# pad


def _pad_width(pad_width: Any, nd: int) -> list:
    if isinstance(pad_width, (Array, Tracer)):
        pad_width = _util.concrete_or_error(pad_width, "jnp.pad: pad_width must be concrete")
    try:
        pw = np.asarray(pad_width)
    except Exception:
        raise TypeError(f"jnp.pad: pad_width must be concrete integers, got {pad_width!r}") from None
    if pw.dtype.kind not in "iu":
        if pw.dtype.kind == "f" and np.all(pw == np.round(pw)):
            pw = pw.astype(np.int64)
        else:
            raise TypeError(f"`pad_width` must be of integral type, got {pad_width!r}")
    try:
        pw = np.broadcast_to(pw, (nd, 2))
    except ValueError:
        raise ValueError(f"jnp.pad: pad_width {pad_width!r} cannot be broadcast to (ndim={nd}, 2)") from None
    if np.any(pw < 0):
        raise ValueError(f"index can't contain negative values, got pad_width {pad_width!r}")
    return [(int(a), int(b)) for a, b in pw]


def _per_axis_values(values: Any, nd: int, name: str) -> list:
    """Broadcast a scalar / pair / per-axis pairs argument to ``nd`` (before, after) pairs."""
    if isinstance(values, (Array, Tracer)):
        v = values
        if _util.ndim(v) == 0:
            return [(v, v)] * nd
        if _util.ndim(v) == 1:  # (before, after) or (value,), for every axis
            v = _util.broadcast_to_shape(v, (2,), name)
            return [(v[0], v[1])] * nd  # type: ignore[index]
        v = _util.broadcast_to_shape(v, (nd, 2), name)
        return [(v[i, 0], v[i, 1]) for i in range(nd)]  # type: ignore[index]
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        return [(values, values)] * nd
    if arr.ndim == 1:
        if arr.shape[0] == 1:
            return [(arr[0], arr[0])] * nd
        if arr.shape[0] == 2:
            return [(arr[0], arr[1])] * nd
    arr = np.broadcast_to(arr, (nd, 2))
    return [(arr[i, 0], arr[i, 1]) for i in range(nd)]


def _pad_constant(a: Any, pw: list, constant_values: Any) -> Any:
    nd = _util.ndim(a)
    vals = _per_axis_values(constant_values, nd, "pad")
    dt = _dt(a)
    all_same = builtins.all(not isinstance(v, (Array, Tracer)) for pair in vals for v in pair) and \
        len({(np.asarray(v).item() if np.ndim(v) == 0 else None) for pair in vals for v in pair}) == 1
    if all_same:
        v = lax.convert_element_type(_asarray(np.asarray(vals[0][0]).item() if nd else 0), dt) if nd else None
        if nd == 0:
            return a
        return lax.pad(a, v, [(lo, hi, 0) for lo, hi in pw])
    for ax in range(nd):
        lo, hi = pw[ax]
        for side, amount in ((0, lo), (1, hi)):
            if amount == 0:
                continue
            val = vals[ax][side]
            v = lax.convert_element_type(_asarray(val if not isinstance(val, np.ndarray) else val.item()), dt)
            cfg = [(0, 0, 0)] * nd
            cfg[ax] = (amount, 0, 0) if side == 0 else (0, amount, 0)
            a = lax.pad(a, v, cfg)
    return a


def _pad_edge(a: Any, pw: list) -> Any:
    for ax, (lo, hi) in enumerate(pw):
        n = _shape(a)[ax]
        if n == 0:
            if lo or hi:
                raise ValueError("can't extend empty axis using modes other than 'constant' or 'empty'")
            continue
        parts = []
        s = list(_shape(a))
        if lo:
            s[ax] = lo
            parts.append(_util.broadcast_to_shape(_util.index_in_dim(a, 0, ax), tuple(s)))
        parts.append(a)
        if hi:
            s[ax] = hi
            parts.append(_util.broadcast_to_shape(_util.index_in_dim(a, n - 1, ax), tuple(s)))
        a = lax.concatenate(parts, ax) if len(parts) > 1 else a
    return a


def _pad_wrap(a: Any, pw: list) -> Any:
    for ax, (lo, hi) in enumerate(pw):
        n = _shape(a)[ax]
        if n == 0:
            if lo or hi:
                raise ValueError("can't extend empty axis using modes other than 'constant' or 'empty'")
            continue
        reps_lo = -(-lo // n)
        reps_hi = -(-hi // n)
        big = lax.concatenate([a] * (reps_lo + 1 + reps_hi), ax) if reps_lo + reps_hi else a
        start = reps_lo * n - lo
        a = _util.slice_in_dim(big, start, start + lo + n + hi, 1, ax)
    return a


def _pad_reflect(a: Any, pw: list, symmetric: bool, odd: bool) -> Any:
    for ax, (lo, hi) in enumerate(pw):
        n = _shape(a)[ax]
        if n == 0:
            if lo or hi:
                raise ValueError("can't extend empty axis using modes other than 'constant' or 'empty'")
            continue
        if n == 1 and not symmetric:
            a = _pad_edge(a, [(0, 0)] * ax + [(lo, hi)] + [(0, 0)] * (_util.ndim(a) - ax - 1))
            continue
        period = n if symmetric else n - 1
        while lo > 0 or hi > 0:
            cur = _shape(a)[ax]
            take_lo = builtins.min(lo, period)
            take_hi = builtins.min(hi, period)
            parts = []
            if take_lo:
                if symmetric:
                    seg = _util.slice_in_dim(a, 0, take_lo, 1, ax)
                else:
                    seg = _util.slice_in_dim(a, 1, take_lo + 1, 1, ax)
                seg = lax.rev(seg, (ax,))
                if odd:
                    edge = _util.broadcast_to_shape(_util.index_in_dim(a, 0, ax), _shape(seg))
                    seg = lax.sub(lax.mul(lax.full_like(edge, 2), edge), seg)
                parts.append(seg)
            parts.append(a)
            if take_hi:
                if symmetric:
                    seg = _util.slice_in_dim(a, cur - take_hi, cur, 1, ax)
                else:
                    seg = _util.slice_in_dim(a, cur - take_hi - 1, cur - 1, 1, ax)
                seg = lax.rev(seg, (ax,))
                if odd:
                    edge = _util.broadcast_to_shape(_util.index_in_dim(a, cur - 1, ax), _shape(seg))
                    seg = lax.sub(lax.mul(lax.full_like(edge, 2), edge), seg)
                parts.append(seg)
            a = lax.concatenate(parts, ax) if len(parts) > 1 else a
            lo -= take_lo
            hi -= take_hi
            period = _shape(a)[ax] if symmetric else _shape(a)[ax] - 1
    return a


def _pad_stats(a: Any, pw: list, stat_length: Any, stat: Callable[..., Any]) -> Any:
    nd = _util.ndim(a)
    if stat_length is None:
        lengths = [(None, None)] * nd
    else:
        lengths = _per_axis_values(stat_length, nd, "pad")
    for ax, (lo, hi) in enumerate(pw):
        n = _shape(a)[ax]
        if n == 0:
            if lo or hi:
                raise ValueError("can't extend empty axis using modes other than 'constant' or 'empty'")
            continue
        parts = []
        s = list(_shape(a))
        l_lo, l_hi = lengths[ax]
        l_lo = n if l_lo is None else builtins.max(1, builtins.min(int(l_lo), n))
        l_hi = n if l_hi is None else builtins.max(1, builtins.min(int(l_hi), n))
        if lo:
            seg = _util.slice_in_dim(a, 0, l_lo, 1, ax)
            v = stat(seg, ax)
            s[ax] = lo
            parts.append(_util.broadcast_to_shape(v, tuple(s)))
        parts.append(a)
        if hi:
            seg = _util.slice_in_dim(a, n - l_hi, n, 1, ax)
            v = stat(seg, ax)
            s[ax] = hi
            parts.append(_util.broadcast_to_shape(v, tuple(s)))
        a = lax.concatenate(parts, ax) if len(parts) > 1 else a
    return a


def _pad_linear_ramp(a: Any, pw: list, end_values: Any) -> Any:
    from jax_numpy.creation import linspace

    nd = _util.ndim(a)
    ends = _per_axis_values(end_values, nd, "pad")
    dt = _dt(a)
    for ax, (lo, hi) in enumerate(pw):
        n = _shape(a)[ax]
        parts = []
        for side, amount in ((0, lo), (1, hi)):
            if not amount:
                continue
            edge = _util.index_in_dim(a, 0 if side == 0 else n - 1, ax, keepdims=False)
            end = ends[ax][side]
            ev = _util.broadcast_to_shape(lax.convert_element_type(_asarray(
                end.item() if isinstance(end, np.ndarray) else end), dt), _shape(edge))
            ramp = linspace(ev, edge, amount, endpoint=False, axis=ax, dtype=dt)
            parts.append(ramp if side == 0 else lax.rev(ramp, (ax,)))
            if side == 0:
                parts.append(a)
        if not lo:
            parts.insert(0, a)
        if len(parts) > 1:
            a = lax.concatenate(parts, ax)
    return a


def pad(array: Any, pad_width: Any, mode: str | Callable[..., Any] = "constant", **kwargs: Any) -> Any:
    check_arraylike("pad", array)
    a = _asarray(array)
    nd = _util.ndim(a)
    pw = _pad_width(pad_width, nd)
    allowed = {
        "constant": {"constant_values"}, "edge": set(), "linear_ramp": {"end_values"},
        "maximum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"},
        "minimum": {"stat_length"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
        "wrap": set(), "empty": set(),
    }
    if callable(mode):
        return _pad_func(a, pw, mode, kwargs)
    if mode not in allowed:
        raise ValueError(f"Unimplemented padding mode '{mode}' for jax.numpy.pad; supported modes "
                         f"are {sorted(allowed)} or a callable")
    bad = set(kwargs) - allowed[mode]
    if bad:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {sorted(bad)}")
    if nd == 0:
        return a
    if mode == "constant":
        return _pad_constant(a, pw, kwargs.get("constant_values", 0))
    if mode == "empty":
        return _pad_constant(a, pw, 0)
    if mode == "edge":
        return _pad_edge(a, pw)
    if mode == "wrap":
        return _pad_wrap(a, pw)
    if mode in ("reflect", "symmetric"):
        rt = kwargs.get("reflect_type", "even")
        if rt not in ("even", "odd"):
            raise ValueError(f"unsupported reflect_type {rt!r}")
        return _pad_reflect(a, pw, mode == "symmetric", rt == "odd")
    if mode == "linear_ramp":
        return _pad_linear_ramp(a, pw, kwargs.get("end_values", 0))
    from jax_numpy import reductions

    def _stat(fn: Callable[..., Any], round_int: bool) -> Callable[..., Any]:
        def f(seg: Any, ax: int) -> Any:
            v = fn(seg, axis=ax, keepdims=True)
            if _dt(v) != _dt(seg):
                if round_int and _dt(seg).kind in "iu":
                    v = lax.round(v, lax.RoundingMethod.TO_NEAREST_EVEN)
                v = lax.convert_element_type(v, _dt(seg))
            return v
        return f

    stats = {"maximum": _stat(reductions.max, False), "minimum": _stat(reductions.min, False),
             "mean": _stat(reductions.mean, True), "median": _stat(reductions.median, True)}
    return _pad_stats(a, pw, kwargs.get("stat_length"), stats[mode])


def _pad_func(a: Any, pw: list, func: Callable[..., Any], kwargs: dict) -> Any:
    """A user padding function applied to every 1-D lane of every axis (NumPy's protocol)."""
    a = _pad_constant(a, pw, 0)
    for ax in range(_util.ndim(a)):
        moved = moveaxis(a, ax, -1)
        s = _shape(moved)
        flat = lax.reshape(moved, (int(np.prod(s[:-1], dtype=np.int64)), s[-1]))
        rows = []
        for i in range(_shape(flat)[0]):
            row = _util.index_in_dim(flat, i, 0, keepdims=False)
            out = func(row, pw[ax], ax, kwargs)
            if out is None:
                raise ValueError("jnp.pad: the padding function must return the padded vector "
                                 "(JAX arrays are immutable, in-place updates are lost)")
            rows.append(lax.convert_element_type(_asarray(out), _dt(a)))
        flat = lax.concatenate([lax.expand_dims(r, (0,)) for r in rows], 0) if rows else flat
        a = moveaxis(lax.reshape(flat, s), -1, ax)
    return a


# ---------------------------------------------------------------------------
# delete / insert / trim_zeros


def _static_index_set(obj: Any, n: int, name: str) -> np.ndarray:
    if isinstance(obj, slice):
        return np.arange(n)[obj]
    v = np.asarray(_util.concrete_or_error(
        obj, f"jnp.{name}: the indices must be concrete (they change the output shape)"))
    if v.dtype == np.bool_:
        if v.shape != (n,):
            raise ValueError(f"boolean array argument obj to {name} must be one dimensional and "
                             f"match the axis length of {n}")
        return np.nonzero(v)[0]
    if v.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    v = v.reshape(-1).astype(np.int64)
    if np.any((v < -n) | (v >= n)):
        raise IndexError(f"index out of bounds for axis with size {n} in jnp.{name}")
    return v % n if n else v


def delete(arr: Any, obj: Any, axis: int | None = None, *, assume_unique_indices: bool = False) -> Any:
    from jax_numpy.indexing import take

    check_arraylike("delete", arr)
    a = _asarray(arr)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    n = _shape(a)[ax]
    drop = _static_index_set(obj, n, "delete")
    keep = np.setdiff1d(np.arange(n), drop)
    if isinstance(obj, slice) and (obj.step is None or obj.step == 1):
        lo, hi, _ = obj.indices(n)
        if hi <= lo:
            return a
        return lax.concatenate([_util.slice_in_dim(a, 0, lo, 1, ax), _util.slice_in_dim(a, hi, n, 1, ax)], ax)
    return take(a, Array._from_numpy(keep.astype(dtypes.default_int_dtype()), False), axis=ax)


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> Any:
    from jax_numpy.indexing import take

    check_arraylike("insert", arr, values)
    a = _asarray(arr)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    n = _shape(a)[ax]
    values = _asarray(values)
    if isinstance(obj, slice):
        idx = np.arange(n + 1)[obj] if obj.stop is None or obj.stop <= n else np.arange(n)[obj]
        scalar_obj = False
    else:
        v = np.asarray(_util.concrete_or_error(
            obj, "jnp.insert: the indices must be concrete (they change the output shape)"))
        if v.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer type")
        scalar_obj = v.ndim == 0
        idx = v.reshape(-1).astype(np.int64)
        if np.any((idx < -n) | (idx > n)):
            raise IndexError(f"index out of bounds for axis {ax} with size {n} in jnp.insert")
        idx = np.where(idx < 0, idx + n, idx)
    values = lax.convert_element_type(values, _dt(a))
    s = list(_shape(a))
    if scalar_obj:
        vnd = _util.ndim(values)
        # NumPy: a scalar index inserts `values` as a block along `ax`
        vals = values
        if vnd == 0:
            s[ax] = 1
        else:
            vals = moveaxis(values, 0, ax) if vnd == _util.ndim(a) else values
            if _util.ndim(vals) < _util.ndim(a):
                vals = lax.reshape(vals, _shape(vals)[:0] + (1,) * (_util.ndim(a) - _util.ndim(vals)) + _shape(vals))
                vals = moveaxis(vals, 0, ax) if _util.ndim(a) > 1 else vals
            s[ax] = _shape(vals)[ax] if _util.ndim(vals) == _util.ndim(a) else 1
        block_ = _util.broadcast_to_shape(vals if _util.ndim(vals) == _util.ndim(a) else values, tuple(s))
        i = int(idx[0])
        return lax.concatenate([_util.slice_in_dim(a, 0, i, 1, ax), block_,
                                _util.slice_in_dim(a, i, n, 1, ax)], ax)
    k = idx.shape[0]
    s[ax] = k
    vals = values
    if _util.ndim(vals) == 1 and _util.ndim(a) > 1 and _shape(vals)[0] == k:
        vals = lax.broadcast_in_dim(vals, tuple(s), (ax,))
    vals = _util.broadcast_to_shape(vals, tuple(s), "insert")
    # stable order of the final positions: original elements and inserted ones interleaved
    # inserted values go before the element at their index, in the order given
    order = np.argsort(np.concatenate([2 * np.arange(n) + 1, 2 * idx]), kind="stable")
    combined = lax.concatenate([a, vals], ax)
    return take(combined, Array._from_numpy(order.astype(dtypes.default_int_dtype()), False), axis=ax)


def trim_zeros(filt: Any, trim: str = "fb") -> Any:
    check_arraylike("trim_zeros", filt)
    f = _asarray(filt)
    v = np.asarray(_util.concrete_or_error(f, "jnp.trim_zeros needs a concrete array"))
    if v.ndim != 1:
        raise ValueError(f"trim_zeros requires a 1-D array, got shape {v.shape}")
    nz = np.flatnonzero(v)
    if nz.size == 0:
        return _util.slice_in_dim(f, 0, 0)
    lo = int(nz[0]) if "f" in trim.lower() else 0
    hi = int(nz[-1]) + 1 if "b" in trim.lower() else v.shape[0]
    return _util.slice_in_dim(f, lo, hi)


# ---------------------------------------------------------------------------
# multi-index conversions


def ravel_multi_index(multi_index: Sequence[Any], dims: Sequence[int], mode: str = "raise",
                      order: str = "C") -> Any:
    check_arraylike("ravel_multi_index", *multi_index)
    dims_t = _util.concrete_dims(dims, "ravel_multi_index: dims")
    if len(multi_index) != len(dims_t):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims_t)}")
    idx = [_asarray(i) for i in multi_index]
    for i in idx:
        if _dt(i).kind not in "iu":
            raise TypeError("only int indices permitted")
    idx = _util.promote_dtypes(*idx)
    idx = broadcast_arrays(*idx)
    idt = dtypes.default_int_dtype()
    idx = [lax.convert_element_type(i, idt) for i in idx]
    if mode == "raise":
        for i, d in zip(idx, dims_t):
            v = _util.concrete_value(i)
            if v is None:
                raise _util.ConcretizationTypeError(
                    "ravel_multi_index with mode='raise' needs concrete indices; use mode='wrap' or "
                    "mode='clip' under jit")
            if np.any((v < 0) | (v >= d)):
                raise ValueError("invalid entry in coordinates array")
    elif mode == "wrap":
        idx = [_am.remainder(i, lax.full_like(i, d)) for i, d in zip(idx, dims_t)]
    elif mode == "clip":
        idx = [lax.clamp(lax.full_like(i, 0), i, lax.full_like(i, d - 1)) for i, d in zip(idx, dims_t)]
    else:
        raise ValueError(f"invalid mode={mode!r}. Expected 'raise', 'wrap', or 'clip'")
    if order == "F":
        idx, dims_t = idx[::-1], dims_t[::-1]
    elif order != "C":
        raise ValueError(f"invalid order={order!r}. Expected 'C' or 'F'")
    out = lax.full_like(idx[0], 0)
    for i, d in zip(idx, dims_t):
        out = lax.add(lax.mul(out, lax.full_like(out, d)), i)
    return out


def unravel_index(indices: Any, shape: Sequence[int]) -> tuple:
    check_arraylike("unravel_index", indices)
    idx = _asarray(indices)
    dims = _util.concrete_dims(shape, "unravel_index: shape")
    if _dt(idx).kind not in "iu":
        raise TypeError("only int indices permitted")
    total = int(np.prod(dims, dtype=np.int64))
    idt = dtypes.default_int_dtype()
    idx = lax.convert_element_type(idx, idt)
    idx = lax.select(lax.lt(idx, lax.full_like(idx, 0)), lax.add(idx, lax.full_like(idx, total)), idx)
    idx = lax.clamp(lax.full_like(idx, 0), idx, lax.full_like(idx, builtins.max(total - 1, 0)))
    out = []
    for d in reversed(dims):
        if d == 0:
            out.append(lax.full_like(idx, 0))
            continue
        out.append(_am.remainder(idx, lax.full_like(idx, d)))
        idx = lax.div(idx, lax.full_like(idx, d))
    return tuple(reversed(out))


# ---------------------------------------------------------------------------
# apply_along_axis / apply_over_axes


def apply_along_axis(func1d: Callable[..., Any], axis: int, arr: Any, *args: Any, **kwargs: Any) -> Any:
    """Apply ``func1d`` to each 1-D lane along ``axis`` (a loop over lanes: shapes are static)."""
    check_arraylike("apply_along_axis", arr)
    a = _asarray(arr)
    nd = _util.ndim(a)
    ax = _util.canonicalize_axis(axis, nd)
    moved = moveaxis(a, ax, -1)
    outer = _shape(moved)[:-1]
    n_outer = int(np.prod(outer, dtype=np.int64))
    flat = lax.reshape(moved, (n_outer, _shape(moved)[-1]))
    results = [_asarray(func1d(_util.index_in_dim(flat, i, 0, keepdims=False), *args, **kwargs))
               for i in range(n_outer)]
    if not results:
        raise ValueError("apply_along_axis: cannot apply a function along an axis of an empty array")
    res = stack(results, 0)
    rshape = _shape(results[0])
    res = lax.reshape(res, outer + rshape)
    # NumPy puts the function's output dimensions where `axis` was
    r_nd = len(rshape)
    perm = list(range(ax)) + list(range(len(outer), len(outer) + r_nd)) + \
        list(range(ax, len(outer)))
    return lax.transpose(res, tuple(perm))


def apply_over_axes(func: Callable[[Any, int], Any], a: Any, axes: Sequence[int]) -> Any:
    check_arraylike("apply_over_axes", a)
    a = _asarray(a)
    for axis in axes:
        b = func(a, axis)
        if _util.ndim(b) == _util.ndim(a):
            a = b
        elif _util.ndim(b) == _util.ndim(a) - 1:
            a = expand_dims(b, axis)
        else:
            raise ValueError("function is not returning an array of the correct shape")
    return a
