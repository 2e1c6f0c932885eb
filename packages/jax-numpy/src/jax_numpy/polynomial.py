"""Polynomials (coefficients highest degree first, as in NumPy), 1-D convolution
and correlation."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import Array, Tracer, get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = ["polyval", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint", "poly",
           "roots", "polyfit", "convolve", "correlate"]


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _as_poly(p: Any, name: str) -> Any:
    p = _asarray(p)
    if _util.ndim(p) != 1:
        raise ValueError(f"{name}: polynomial coefficients must be a 1-D array, got shape {_shape(p)}")
    return p


# ---------------------------------------------------------------------------
# convolution


def _conv_full(x: Any, w: Any, precision: Any) -> Any:
    """Full linear convolution of 1-D arrays (length n + m - 1)."""
    n, m = _shape(x)[0], _shape(w)[0]
    dt = _dt(x)
    if dt.kind == "c":
        xr, xi = lax.real(x), lax.imag(x)
        wr, wi = lax.real(w), lax.imag(w)
        re = lax.sub(_conv_full(xr, wr, precision), _conv_full(xi, wi, precision))
        im = lax.add(_conv_full(xr, wi, precision), _conv_full(xi, wr, precision))
        return lax.complex(re, im)
    lhs = lax.reshape(x, (1, 1, n))
    rhs = lax.reshape(lax.rev(w, (0,)), (1, 1, m))
    out = lax.conv_general_dilated(lhs, rhs, (1,), [(m - 1, m - 1)], precision=precision)
    return lax.reshape(out, (n + m - 1,))


def _conv(name: str, a: Any, v: Any, mode: str, correlate_: bool, precision: Any,
          preferred_element_type: Any) -> Any:
    check_arraylike(name, a, v)
    a, v = _util.promote_dtypes_inexact(_asarray(a), _asarray(v))
    if _util.ndim(a) != 1 or _util.ndim(v) != 1:
        raise ValueError(f"{name}() only support 1-dimensional inputs, got shapes {_shape(a)} and "
                         f"{_shape(v)}")
    n, m = _shape(a)[0], _shape(v)[0]
    if n == 0 or m == 0:
        raise ValueError(f"{name}: inputs cannot be empty, got shapes {_shape(a)} and {_shape(v)}")
    if correlate_:
        w = lax.rev(lax.conj(v) if _dt(v).kind == "c" else v, (0,))
    else:
        w = v
    full = _conv_full(a, w, precision)
    lo, hi = builtins.min(n, m), builtins.max(n, m)
    if mode == "full":
        out = full
    elif mode == "same":
        start = (lo - 1) // 2 if not correlate_ or n >= m else lo // 2
        out = _util.slice_in_dim(full, start, start + hi)
    elif mode == "valid":
        out = _util.slice_in_dim(full, lo - 1, hi)
    else:
        raise ValueError(f"mode must be one of ['full', 'same', 'valid'], got {mode!r}")
    if preferred_element_type is not None:
        out = lax.convert_element_type(out, dtypes.canonicalize_dtype(dtypes.dtype(preferred_element_type)))
    return out


def convolve(a: Any, v: Any, mode: str = "full", *, precision: Any = None,
             preferred_element_type: Any = None) -> Any:
    return _conv("convolve", a, v, mode, False, precision, preferred_element_type)


def correlate(a: Any, v: Any, mode: str = "valid", *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:
    return _conv("correlate", a, v, mode, True, precision, preferred_element_type)


# ---------------------------------------------------------------------------
# evaluation and arithmetic


def polyval(p: Any, x: Any, *, unroll: int = 16) -> Any:
    check_arraylike("polyval", p, x)
    p, x = _util.promote_dtypes_numeric(_asarray(p), _asarray(x))
    if _util.ndim(p) != 1:
        raise ValueError(f"polyval: p must be 1-D, got shape {_shape(p)}")
    y = lax.full_like(x, 0)
    for i in range(_shape(p)[0]):
        c = lax.broadcast_in_dim(_util.index_in_dim(p, i, 0, False), _shape(x), ())
        y = lax.add(lax.mul(y, x), c)
    return y


def _pad_front(p: Any, n: int) -> Any:
    k = _shape(p)[0]
    if k >= n:
        return p
    return lax.pad(p, lax.full((), 0, _dt(p)), [(n - k, 0, 0)])


def polyadd(a1: Any, a2: Any) -> Any:
    check_arraylike("polyadd", a1, a2)
    a1, a2 = _util.promote_dtypes(_as_poly(a1, "polyadd"), _as_poly(a2, "polyadd"))
    n = builtins.max(_shape(a1)[0], _shape(a2)[0])
    return lax.add(_pad_front(a1, n), _pad_front(a2, n))


def polysub(a1: Any, a2: Any) -> Any:
    check_arraylike("polysub", a1, a2)
    a1, a2 = _util.promote_dtypes(_as_poly(a1, "polysub"), _as_poly(a2, "polysub"))
    n = builtins.max(_shape(a1)[0], _shape(a2)[0])
    return lax.sub(_pad_front(a1, n), _pad_front(a2, n))


def _trim_leading(p: Any) -> Any:
    v = _util.concrete_value(p)
    if v is None:
        raise _util.ConcretizationTypeError(
            "trim_leading_zeros=True needs concrete coefficients (it changes the output shape)")
    nz = np.flatnonzero(np.asarray(v))
    start = int(nz[0]) if nz.size else _shape(p)[0] - 1
    return _util.slice_in_dim(p, start, _shape(p)[0])


def polymul(a1: Any, a2: Any, *, trim_leading_zeros: bool = False) -> Any:
    check_arraylike("polymul", a1, a2)
    a1, a2 = _util.promote_dtypes_inexact(_asarray(a1), _asarray(a2))
    if trim_leading_zeros:
        a1, a2 = _trim_leading(a1), _trim_leading(a2)
    if _util.ndim(a1) == 0:
        a1 = lax.reshape(a1, (1,))
    if _util.ndim(a2) == 0:
        a2 = lax.reshape(a2, (1,))
    if _shape(a1)[0] == 0:
        a1 = lax.full((1,), 0, _dt(a1))
    if _shape(a2)[0] == 0:
        a2 = lax.full((1,), 0, _dt(a2))
    return convolve(a1, a2, mode="full")


def polydiv(u: Any, v: Any, *, trim_leading_zeros: bool = False) -> tuple:
    check_arraylike("polydiv", u, v)
    u, v = _util.promote_dtypes_inexact(_as_poly(u, "polydiv"), _as_poly(v, "polydiv"))
    m, n = _shape(u)[0] - 1, _shape(v)[0] - 1
    scale = lax.div(lax.full((), 1, _dt(v)), _util.index_in_dim(v, 0, 0, False))
    q = [lax.full((), 0, _dt(u))] * builtins.max(m - n + 1, 1)
    r = [_util.index_in_dim(u, i, 0, False) for i in range(m + 1)]
    vs = [_util.index_in_dim(v, i, 0, False) for i in range(n + 1)]
    for k in range(0, m - n + 1):
        d = lax.mul(scale, r[k])
        q[k] = d
        for j in range(n + 1):
            r[k + j] = lax.sub(r[k + j], lax.mul(d, vs[j]))
    qa = lax.concatenate([lax.reshape(c, (1,)) for c in q], 0)
    ra = lax.concatenate([lax.reshape(c, (1,)) for c in r], 0)
    if trim_leading_zeros:
        ra = _trim_leading_tol(ra)
    return qa, ra


def _trim_leading_tol(p: Any) -> Any:
    v = _util.concrete_value(p)
    if v is None:
        return p
    v = np.asarray(v)
    nz = np.flatnonzero(np.abs(v) > 1e-14 * builtins.max(1.0, float(np.max(np.abs(v))) if v.size else 1.0))
    start = int(nz[0]) if nz.size else v.shape[0] - 1
    return _util.slice_in_dim(p, start, v.shape[0])


def polyder(p: Any, m: int = 1) -> Any:
    check_arraylike("polyder", p)
    m = _util.concrete_int(m, "polyder: m")
    if m < 0:
        raise ValueError("Order of derivative must be positive")
    (p,) = _util.promote_dtypes_inexact(_as_poly(p, "polyder"))
    for _ in range(m):
        n = _shape(p)[0]
        if n <= 1:
            return lax.full((0,), 0, _dt(p)) if n == 0 else lax.full((0,), 0, _dt(p))
        coeff = lax.convert_element_type(lax.rev(lax.iota(dtypes.default_int_dtype(), n - 1), (0,)), _dt(p))
        coeff = lax.add(coeff, lax.full_like(coeff, 1))
        p = lax.mul(_util.slice_in_dim(p, 0, n - 1), coeff)
    return p


def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    check_arraylike("polyint", p)
    m = _util.concrete_int(m, "polyint: m")
    if m < 0:
        raise ValueError(f"Order of integral must be positive (see polyder), got m={m}")
    (p,) = _util.promote_dtypes_inexact(_as_poly(p, "polyint"))
    if k is None:
        ks = lax.full((m,), 0, _dt(p))
    else:
        ks = lax.convert_element_type(_asarray(k), _dt(p))
        if _util.ndim(ks) == 0:
            ks = lax.broadcast_in_dim(ks, (m,), ())
        if _shape(ks) != (m,):
            raise ValueError("k must be a scalar or a rank-1 array of length 1 or m.")
    for i in range(m):
        n = _shape(p)[0]
        div = lax.convert_element_type(lax.rev(lax.iota(dtypes.default_int_dtype(), n), (0,)), _dt(p))
        div = lax.add(div, lax.full_like(div, 1))
        p = lax.concatenate([lax.div(p, div), lax.reshape(_util.index_in_dim(ks, i, 0, False), (1,))], 0)
    return p


def _eigvals(a: Any) -> Any:
    from jax_core.lax import linalg as lax_linalg

    return lax_linalg.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]


def poly(seq_of_zeros: Any) -> Any:
    check_arraylike("poly", seq_of_zeros)
    z = _asarray(seq_of_zeros)
    if _util.ndim(z) == 2 and _shape(z)[0] == _shape(z)[1] and _shape(z)[0] > 0:
        (z,) = _util.promote_dtypes_inexact(z)
        z = _eigvals(z)
    elif _util.ndim(z) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    (z,) = _util.promote_dtypes_inexact(z)
    a = lax.full((1,), 1, _dt(z))
    for i in range(_shape(z)[0]):
        zi = _util.index_in_dim(z, i, 0, True)
        a = convolve(a, lax.concatenate([lax.full((1,), 1, _dt(z)), lax.neg(zi)], 0), mode="full")
    return a


def roots(p: Any, *, strip_zeros: bool = True) -> Any:
    """Roots as the eigenvalues of the companion matrix.

    ``strip_zeros=True`` (NumPy's behaviour) drops leading zero coefficients
    and needs concrete coefficients; under jit pass ``strip_zeros=False``
    (a leading zero then gives a NaN root, as in JAX).
    """
    check_arraylike("roots", p)
    (p,) = _util.promote_dtypes_inexact(_as_poly(p, "roots"))
    trailing = 0
    if strip_zeros:
        v = _util.concrete_value(p)
        if v is None:
            raise _util.ConcretizationTypeError(
                "jnp.roots(strip_zeros=True) needs concrete coefficients (stripping zeros changes the "
                "output shape); under jit use strip_zeros=False")
        nz = np.flatnonzero(np.asarray(v))
        if nz.size == 0:
            return lax.full((0,), 0, dtypes.to_complex_dtype(_dt(p)))
        trailing = _shape(p)[0] - int(nz[-1]) - 1
        p = _util.slice_in_dim(p, int(nz[0]), int(nz[-1]) + 1)
    n = _shape(p)[0] - 1
    cdt = dtypes.to_complex_dtype(_dt(p))
    if n < 1:
        r = lax.full((0,), 0, cdt)
    else:
        lead = _util.index_in_dim(p, 0, 0, False)
        row = lax.div(lax.neg(_util.slice_in_dim(p, 1, n + 1)), lax.broadcast_in_dim(lead, (n,), ()))
        rest = Array._from_numpy(np.eye(n - 1, n, dtype=_dt(p)), False)
        comp = lax.concatenate([lax.reshape(row, (1, n)), rest], 0)
        r = lax.convert_element_type(_eigvals(comp), cdt)
    if trailing:
        r = lax.concatenate([r, lax.full((trailing,), 0, cdt)], 0)
    return r


def _lstsq_qr(A: Any, b: Any) -> Any:
    """Least squares ``min |A x - b|`` by modified Gram-Schmidt QR (A is n x k, k small)."""
    k = _shape(A)[1]
    cols = [_util.index_in_dim(A, j, 1, False) for j in range(k)]
    qs: list = []
    R = [[None] * k for _ in range(k)]
    for j in range(k):
        v = cols[j]
        for _ in range(2):  # re-orthogonalize once for stability
            for i, q in enumerate(qs):
                rij = lax.reduce_sum(lax.mul(q, v), (0,))
                R[i][j] = rij if R[i][j] is None else lax.add(R[i][j], rij)  # type: ignore[call-overload]
                v = lax.sub(v, lax.mul(q, lax.broadcast_in_dim(rij, _shape(v), ())))
        nrm = lax.sqrt(lax.reduce_sum(lax.mul(v, v), (0,)))
        R[j][j] = nrm  # type: ignore[call-overload]
        qs.append(lax.div(v, lax.broadcast_in_dim(nrm, _shape(v), ())))
    # Q^T b (b may have several columns)
    b2 = b if _util.ndim(b) == 2 else lax.reshape(b, _shape(b) + (1,))
    qtb = [lax.reduce_sum(lax.mul(lax.broadcast_in_dim(q, _shape(b2), (0,)), b2), (0,)) for q in qs]
    x: list = [None] * k
    for i in reversed(range(k)):
        acc = qtb[i]
        for j in range(i + 1, k):
            acc = lax.sub(acc, lax.mul(lax.broadcast_in_dim(R[i][j], _shape(acc), ()), x[j]))
        x[i] = lax.div(acc, lax.broadcast_in_dim(R[i][i], _shape(acc), ()))
    out = lax.concatenate([lax.expand_dims(xi, (0,)) for xi in x], 0)
    return out if _util.ndim(b) == 2 else lax.reshape(out, (k,))


def polyfit(x: Any, y: Any, deg: int, rcond: Any = None, full: bool = False, w: Any = None,
            cov: Any = False) -> Any:
    """Least-squares polynomial fit (QR of the column-scaled Vandermonde matrix)."""
    check_arraylike("polyfit", x, y)
    deg = _util.concrete_int(deg, "polyfit: deg")
    if deg < 0:
        raise ValueError("expected deg >= 0")
    x, y = _util.promote_dtypes_inexact(_asarray(x), _asarray(y))
    if _util.ndim(x) != 1:
        raise TypeError("expected 1D vector for x")
    if _shape(x)[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if _util.ndim(y) < 1 or _util.ndim(y) > 2:
        raise TypeError("expected 1D or 2D array for y")
    if _shape(x)[0] != _shape(y)[0]:
        raise TypeError("expected x and y to have same length")
    from jax_numpy.creation import vander

    order = deg + 1
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        (w,) = _util.promote_dtypes_inexact(_asarray(w))
        if _util.ndim(w) != 1 or _shape(w)[0] != _shape(y)[0]:
            raise TypeError("expected a 1-d weight vector of the same length as x")
        lhs = lax.mul(lhs, lax.broadcast_in_dim(w, _shape(lhs), (0,)))
        rhs = lax.mul(rhs, lax.broadcast_in_dim(w, _shape(rhs), (0,)))
    # scale the columns, as NumPy does, to improve the conditioning
    scale = lax.sqrt(lax.reduce_sum(lax.mul(lhs, lhs), (0,)))
    scale = lax.select(lax.eq(scale, lax.full_like(scale, 0)), lax.full_like(scale, 1), scale)
    lhs = lax.div(lhs, lax.broadcast_in_dim(scale, _shape(lhs), (1,)))
    c_scaled = _lstsq_qr(lhs, rhs)
    sc = scale if _util.ndim(c_scaled) == 1 else lax.broadcast_in_dim(scale, _shape(c_scaled), (0,))
    c = lax.div(c_scaled, sc)
    if not full and not cov:
        return c
    resid = lax.sub(lax.dot_general(lhs, c_scaled, (((1,), (0,)), ((), ()))), rhs)
    resids = lax.reduce_sum(lax.mul(resid, resid), (0,))
    if _util.ndim(resids) == 0:
        resids = lax.reshape(resids, (1,))
    if full:
        from jax_core.lax import linalg as lax_linalg

        s = lax_linalg.svd(lhs, full_matrices=False, compute_uv=False)
        n = _shape(x)[0]
        rc = lax.full((), n * float(np.finfo(_dt(x)).eps) if rcond is None else rcond, _dt(x))
        smax = lax.reduce_max(s, (0,))
        rank = lax.reduce_sum(lax.convert_element_type(
            lax.gt(s, lax.broadcast_in_dim(lax.mul(rc, smax), _shape(s), ())), dtypes.default_int_dtype()), (0,))
        return c, resids, rank, s, rc
    from jax_core.lax import linalg as lax_linalg

    gram = lax.dot_general(lhs, lhs, (((0,), (0,)), ((), ())))
    eye = Array._from_numpy(np.eye(order, dtype=_dt(gram)), False)
    vbase = lax.div(lax_linalg.solve(gram, eye),
                    lax.mul(lax.broadcast_in_dim(scale, (order, order), (0,)),
                            lax.broadcast_in_dim(scale, (order, order), (1,))))
    if isinstance(cov, str) and cov == "unscaled":
        fac: Any = lax.full(_shape(resids), 1, _dt(resids))
    else:
        n = _shape(x)[0]
        if n <= order:
            raise ValueError("the number of data points must exceed order to scale the covariance "
                             "matrix")
        fac = lax.div(resids, lax.full_like(resids, n - order))
    if _util.ndim(y) == 1:
        return c, lax.mul(vbase, lax.broadcast_in_dim(lax.reshape(fac, ()), (order, order), ()))
    k = _shape(y)[1]
    return c, lax.mul(lax.broadcast_in_dim(vbase, (order, order, k), (0, 1)),
                      lax.broadcast_in_dim(fac, (order, order, k), (2,)))
