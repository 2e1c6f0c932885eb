"""Differences and integrals (diff, gradient, trapezoid, unwrap), window
functions, comparisons of whole arrays (isclose, allclose, array_equal) and
bit packing."""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = ["diff", "ediff1d", "gradient", "trapezoid", "unwrap", "bartlett", "blackman", "hamming",
           "hanning", "kaiser", "isclose", "allclose", "array_equal", "array_equiv", "packbits",
           "unpackbits"]


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


# ---------------------------------------------------------------------------
# differences and integrals


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    check_arraylike("diff", a)
    a = _asarray(a)
    n = _util.concrete_int(n, "diff: n")
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    if n == 0:
        return a
    nd = _util.ndim(a)
    if nd == 0:
        raise ValueError(f"diff requires input that is at least one dimensional; got {a}")
    ax = _util.canonicalize_axis(axis, nd)
    parts = []
    for extra, front in ((prepend, True), (append, False)):
        if extra is None:
            continue
        e = _asarray(extra)
        if _util.ndim(e) == 0:
            s = list(_shape(a))
            s[ax] = 1
            e = lax.broadcast_in_dim(e, tuple(s), ())
        parts.append((front, e))
    if parts:
        pre = [e for f, e in parts if f]
        post = [e for f, e in parts if not f]
        arrs = _util.promote_dtypes(*(pre + [a] + post))
        a = lax.concatenate(arrs, ax)
    for _ in range(n):
        m = _shape(a)[ax]
        if m == 0:
            break
        hi = _util.slice_in_dim(a, 1, m, 1, ax)
        lo = _util.slice_in_dim(a, 0, m - 1, 1, ax)
        a = lax.ne(hi, lo) if _dt(a) == np.bool_ else lax.sub(hi, lo)
    return a


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    check_arraylike("ediff1d", ary)
    a = _asarray(ary)
    a = lax.reshape(a, (get_aval(a).size,))
    n = _shape(a)[0]
    out = lax.sub(_util.slice_in_dim(a, 1, n), _util.slice_in_dim(a, 0, builtins.max(n - 1, 0))) \
        if n > 0 else a
    parts = []
    if to_begin is not None:
        b = _asarray(to_begin)
        parts.append(lax.convert_element_type(lax.reshape(b, (get_aval(b).size,)), _dt(out)))
    parts.append(out)
    if to_end is not None:
        e = _asarray(to_end)
        parts.append(lax.convert_element_type(lax.reshape(e, (get_aval(e).size,)), _dt(out)))
    return lax.concatenate(parts, 0) if len(parts) > 1 else out


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int | None = None) -> Any:
    check_arraylike("gradient", f)
    if edge_order is not None and edge_order != 1:
        raise NotImplementedError("The 'edge_order' argument to jnp.gradient is only supported "
                                  "for edge_order=1.")
    (f,) = _util.promote_dtypes_inexact(_asarray(f))
    nd = _util.ndim(f)
    axes = _util.canonicalize_axes(axis, nd)
    if not varargs:
        spacings: list = [1.0] * len(axes)
    elif len(varargs) == 1 and _util.ndim(varargs[0]) == 0:
        spacings = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise TypeError("Invalid number of spacing arguments")
    out = []
    for ax, h in zip(axes, spacings):
        n = _shape(f)[ax]
        if n < 2:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at least "
                             "(edge_order + 1) elements are required.")

        def sl(lo: int, hi: int) -> Any:
            return _util.slice_in_dim(f, lo, hi, 1, ax)

        if _util.ndim(h) == 0:
            hv = lax.convert_element_type(_asarray(h), _dt(f))
            interior = lax.div(lax.sub(sl(2, n), sl(0, n - 2)),
                               lax.broadcast_in_dim(lax.mul(hv, lax.full_like(hv, 2)), _shape(sl(2, n)), ()))
            first = lax.div(lax.sub(sl(1, 2), sl(0, 1)), lax.broadcast_in_dim(hv, _shape(sl(0, 1)), ()))
            last = lax.div(lax.sub(sl(n - 1, n), sl(n - 2, n - 1)),
                           lax.broadcast_in_dim(hv, _shape(sl(0, 1)), ()))
        else:
            x = lax.convert_element_type(_asarray(h), _dt(f))
            if _shape(x) != (n,):
                raise ValueError("Spacing arrays must have the same length as the dimension")
            dx = lax.sub(_util.slice_in_dim(x, 1, n), _util.slice_in_dim(x, 0, n - 1))
            h1 = _util.slice_in_dim(dx, 0, n - 2)
            h2 = _util.slice_in_dim(dx, 1, n - 1)

            def bc(v: Any, like: Any) -> Any:
                return lax.broadcast_in_dim(v, _shape(like), (ax,))

            mid = sl(1, n - 1)
            a_ = lax.neg(lax.div(h2, lax.mul(h1, lax.add(h1, h2))))
            b_ = lax.div(lax.sub(h2, h1), lax.mul(h1, h2))
            c_ = lax.div(h1, lax.mul(h2, lax.add(h1, h2)))
            interior = lax.add(lax.add(lax.mul(bc(a_, mid), sl(0, n - 2)), lax.mul(bc(b_, mid), mid)),
                               lax.mul(bc(c_, mid), sl(2, n)))
            d0 = _util.slice_in_dim(dx, 0, 1)
            dn = _util.slice_in_dim(dx, n - 2, n - 1)
            first = lax.div(lax.sub(sl(1, 2), sl(0, 1)), bc(d0, sl(0, 1)))
            last = lax.div(lax.sub(sl(n - 1, n), sl(n - 2, n - 1)), bc(dn, sl(0, 1)))
        out.append(lax.concatenate([first, interior, last], ax) if n > 2 else
                   lax.concatenate([first, last], ax))
    return out[0] if len(out) == 1 else out


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    check_arraylike("trapezoid", y)
    (y,) = _util.promote_dtypes_inexact(_asarray(y))
    ax = _util.canonicalize_axis(axis, _util.ndim(y))
    n = _shape(y)[ax]
    if n == 0:
        s = tuple(d for i, d in enumerate(_shape(y)) if i != ax)
        return lax.full(s, 0, _dt(y))
    from jax_numpy.shape_ops import moveaxis

    y = moveaxis(y, ax, -1)
    last = _util.ndim(y) - 1
    if x is None:
        d: Any = lax.convert_element_type(_asarray(dx), _dt(y))
        d = lax.broadcast_in_dim(d, _shape(y)[:-1] + (n - 1,), ())
    else:
        xa = _asarray(x)
        y, xa = _util.promote_dtypes_inexact(y, xa)
        if _util.ndim(xa) == 1:
            d = lax.sub(_util.slice_in_dim(xa, 1, n), _util.slice_in_dim(xa, 0, n - 1))
            d = lax.broadcast_in_dim(d, _shape(y)[:-1] + (n - 1,), (last,))
        else:
            xa = moveaxis(xa, ax, -1)
            d = lax.sub(_util.slice_in_dim(xa, 1, n, 1, -1), _util.slice_in_dim(xa, 0, n - 1, 1, -1))
            d = _util.broadcast_to_shape(d, _shape(y)[:-1] + (n - 1,))
    avg = lax.mul(lax.add(_util.slice_in_dim(y, 1, n, 1, last), _util.slice_in_dim(y, 0, n - 1, 1, last)),
                  lax.full(_shape(y)[:-1] + (n - 1,), 0.5, _dt(y)))
    return lax.reduce_sum(lax.mul(lax.convert_element_type(d, _dt(avg)), avg), (last,))


def unwrap(p: Any, discont: Any = None, axis: int = -1, period: Any = 2 * math.pi) -> Any:
    check_arraylike("unwrap", p)
    (p,) = _util.promote_dtypes_inexact(_asarray(p))
    if _dt(p).kind == "c":
        raise ValueError("jnp.unwrap does not support complex inputs.")
    ax = _util.canonicalize_axis(axis, _util.ndim(p))
    n = _shape(p)[ax]
    if n < 2:
        return p
    from jax_numpy import ufuncs
    from jax_numpy.reductions import cumsum

    per = lax.convert_element_type(_asarray(period), _dt(p))
    disc = lax.div(per, lax.full_like(per, 2)) if discont is None else \
        lax.convert_element_type(_asarray(discont), _dt(p))
    interval = lax.div(per, lax.full_like(per, 2))
    dd = diff(p, axis=ax)
    bshape = _shape(dd)

    def b(v: Any) -> Any:
        return lax.broadcast_in_dim(v, bshape, ())

    ddmod = lax.sub(ufuncs.remainder(lax.add(dd, b(interval)), b(per)), b(interval))
    ddmod = lax.select(lax.bitwise_and(lax.eq(ddmod, b(lax.neg(interval))), lax.gt(dd, lax.full_like(dd, 0))),
                       b(interval), ddmod)
    correction = lax.sub(ddmod, dd)
    correction = lax.select(lax.lt(lax.abs(dd), b(disc)), lax.full_like(dd, 0), correction)
    s = list(_shape(p))
    s[ax] = 1
    cum = lax.concatenate([lax.full(tuple(s), 0, _dt(p)), cumsum(correction, axis=ax)], ax)
    return lax.add(p, cum)


# ---------------------------------------------------------------------------
# windows


def _window_len(M: Any, name: str) -> int:
    return _util.concrete_int(M, f"{name}: M")


def _n(M: int) -> Any:
    return lax.convert_element_type(lax.iota(dtypes.default_int_dtype(), M), dtypes.default_float_dtype())


def _empty_or_one(M: int) -> Any:
    return lax.full((builtins.max(M, 0),), 1, dtypes.default_float_dtype())


def bartlett(M: int) -> Any:
    M = _window_len(M, "bartlett")
    if M <= 1:
        return _empty_or_one(M)
    n = _n(M)
    half = (M - 1) / 2.0
    return lax.sub(lax.full_like(n, 1), lax.abs(lax.div(lax.sub(n, lax.full_like(n, half)),
                                                        lax.full_like(n, half))))


def _cosine_window(M: int, coeffs: list) -> Any:
    n = _n(M)
    out = lax.full_like(n, coeffs[0])
    for k, c in enumerate(coeffs[1:], start=1):
        arg = lax.mul(n, lax.full_like(n, 2 * math.pi * k / (M - 1)))
        out = lax.add(out, lax.mul(lax.full_like(n, c), lax.cos(arg)))
    return out


def blackman(M: int) -> Any:
    M = _window_len(M, "blackman")
    if M <= 1:
        return _empty_or_one(M)
    return _cosine_window(M, [0.42, -0.5, 0.08])


def hamming(M: int) -> Any:
    M = _window_len(M, "hamming")
    if M <= 1:
        return _empty_or_one(M)
    return _cosine_window(M, [0.54, -0.46])


def hanning(M: int) -> Any:
    M = _window_len(M, "hanning")
    if M <= 1:
        return _empty_or_one(M)
    return _cosine_window(M, [0.5, -0.5])


def kaiser(M: int, beta: Any) -> Any:
    from jax_numpy.ufuncs import i0

    M = _window_len(M, "kaiser")
    if M <= 1:
        return _empty_or_one(M)
    n = _n(M)
    alpha = (M - 1) / 2.0
    (b,) = _util.promote_dtypes_inexact(_asarray(beta))
    b = lax.convert_element_type(b, _dt(n))
    r = lax.div(lax.sub(n, lax.full_like(n, alpha)), lax.full_like(n, alpha))
    arg = lax.mul(lax.broadcast_in_dim(b, _shape(n), ()),
                  lax.sqrt(lax.max(lax.sub(lax.full_like(r, 1), lax.mul(r, r)), lax.full_like(r, 0))))
    return lax.div(i0(arg), lax.broadcast_in_dim(i0(b), _shape(n), ()))


# ---------------------------------------------------------------------------
# whole-array comparisons


def isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    check_arraylike("isclose", a, b)
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    dt = _dt(a)
    if dt.kind in "biu":
        a, b = _util.broadcast_arrays("isclose", a, b)
        return lax.eq(a, b)
    a, b = _util.broadcast_arrays("isclose", a, b)
    rdt = _util.real_dtype(dt)
    rt = lax.full((), rtol, rdt)
    at = lax.full((), atol, rdt)
    diff_ = lax.abs(lax.sub(a, b))
    tol = lax.add(lax.broadcast_in_dim(at, _shape(diff_), ()),
                  lax.mul(lax.broadcast_in_dim(rt, _shape(diff_), ()), lax.abs(b)))
    out = lax.le(diff_, tol)
    from jax_numpy.ufuncs import isinf, isnan

    inf = lax.bitwise_or(isinf(a), isinf(b))
    out = lax.select(inf, lax.eq(a, b), out)
    if equal_nan:
        out = lax.bitwise_or(out, lax.bitwise_and(isnan(a), isnan(b)))
    return out


def allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    from jax_numpy.reductions import all as _all

    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    from jax_numpy.reductions import all as _all

    try:
        a1, a2 = _asarray(a1), _asarray(a2)
    except TypeError:
        return _asarray(False)
    if _shape(a1) != _shape(a2):
        return _asarray(False)
    a1, a2 = _util.promote_dtypes(a1, a2)
    eq = lax.eq(a1, a2)
    if equal_nan and dtypes.is_inexact_dtype(_dt(a1)):
        eq = lax.bitwise_or(eq, lax.bitwise_and(lax.ne(a1, a1), lax.ne(a2, a2)))
    return _all(eq)


def array_equiv(a1: Any, a2: Any) -> Any:
    from jax_numpy.reductions import all as _all

    a1, a2 = _asarray(a1), _asarray(a2)
    try:
        a1, a2 = _util.promote_args("array_equiv", a1, a2)
    except ValueError:
        return _asarray(False)
    return _all(lax.eq(a1, a2))


# ---------------------------------------------------------------------------
# bits


def packbits(a: Any, axis: int | None = None, bitorder: str = "big") -> Any:
    check_arraylike("packbits", a)
    a = _asarray(a)
    if _dt(a).kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    bits = lax.convert_element_type(lax.ne(a, lax.full_like(a, 0)), np.uint8)
    if axis is None:
        bits = lax.reshape(bits, (get_aval(bits).size,))
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(bits))
    n = _shape(bits)[ax]
    pad = (-n) % 8
    if pad:
        cfg = [(0, 0, 0)] * _util.ndim(bits)
        cfg[ax] = (0, pad, 0)
        bits = lax.pad(bits, lax.full((), 0, np.uint8), cfg)
    s = _shape(bits)
    bits = lax.reshape(bits, s[:ax] + ((n + pad) // 8, 8) + s[ax + 1:])
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    sh = lax.broadcast_in_dim(_asarray(shifts), _shape(bits), (ax + 1,))
    return lax.reduce_sum(lax.shift_left(bits, sh), (ax + 1,))


def unpackbits(a: Any, axis: int | None = None, count: int | None = None,
               bitorder: str = "big") -> Any:
    check_arraylike("unpackbits", a)
    a = _asarray(a)
    if _dt(a) != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    s = _shape(a)
    ex = lax.broadcast_in_dim(a, s + (8,), tuple(range(len(s))))
    sh = lax.broadcast_in_dim(_asarray(shifts), s + (8,), (len(s),))
    bits = lax.bitwise_and(lax.shift_right_logical(ex, sh), lax.full_like(ex, 1))
    if axis is None:
        bits = lax.reshape(bits, (get_aval(bits).size,))
        ax = 0
    else:
        ax = _util.canonicalize_axis(axis, len(s))
        from jax_numpy.shape_ops import moveaxis

        bits = moveaxis(bits, -1, ax + 1)
        bs = _shape(bits)
        bits = lax.reshape(bits, bs[:ax] + (bs[ax] * 8,) + bs[ax + 2:])
    if count is not None:
        m = _shape(bits)[ax]
        count = _util.concrete_int(count, "unpackbits: count")
        if count < 0:
            count = builtins.max(m + count, 0)
        if count <= m:
            bits = _util.slice_in_dim(bits, 0, count, 1, ax)
        else:
            cfg = [(0, 0, 0)] * _util.ndim(bits)
            cfg[ax] = (0, count - m, 0)
            bits = lax.pad(bits, lax.full((), 0, np.uint8), cfg)
    return bits
