"""Counting and statistics: bincount, histograms, cov, corrcoef, interp."""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import ConcretizationTypeError, get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = ["bincount", "histogram", "histogram_bin_edges", "histogram2d", "histogramdd", "cov",
           "corrcoef", "interp"]


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def bincount(x: Any, weights: Any = None, minlength: int = 0, *, length: int | None = None) -> Any:
    """Counts of each non-negative integer; negative values count as 0, values >= length are dropped."""
    from jax_numpy.indexing import _scatter

    check_arraylike("bincount", x)
    x = _asarray(x)
    if _dt(x).kind not in "iub":
        raise TypeError(f"x argument to bincount must have an integer type; got {_dt(x).name}")
    if _util.ndim(x) != 1:
        raise ValueError("only 1-dimensional input supported.")
    minlength = _util.concrete_int(minlength, "bincount: minlength")
    if minlength < 0:
        raise ValueError("minlength must not be negative")
    if length is None:
        v = _util.concrete_value(x)
        if v is None:
            raise ConcretizationTypeError(
                "jnp.bincount needs a concrete input to know the output length; under jit pass the "
                "static `length` argument, e.g. jnp.bincount(x, length=10).")
        v = np.asarray(v)
        length = builtins.max(minlength, int(v.max()) + 1 if v.size else 0)
    else:
        length = _util.concrete_int(length, "bincount: length")
    if weights is None:
        w: Any = lax.full(_shape(x), 1, dtypes.default_int_dtype())
    else:
        check_arraylike("bincount", weights)
        w = _asarray(weights)
        if _shape(w) != _shape(x):
            raise ValueError(f"shape of weights {_shape(w)} must match shape of x {_shape(x)}")
        if _dt(w) == np.bool_:
            w = lax.convert_element_type(w, dtypes.default_int_dtype())
    xi = lax.convert_element_type(x, dtypes.default_int_dtype())
    xi = lax.max(xi, lax.full_like(xi, 0))
    return _scatter(lax.full((length,), 0, _dt(w)), xi, w, "add")


def histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None,  # noqa: A002
                        weights: Any = None) -> Any:
    check_arraylike("histogram_bin_edges", a)
    a = _asarray(a)
    if isinstance(bins, str):
        raise NotImplementedError("string values for `bins` are not implemented")
    (a_inexact,) = _util.promote_dtypes_inexact(a)
    dt = _dt(a_inexact)
    if _util.is_arraylike(bins) and _util.ndim(bins) == 1:
        return lax.convert_element_type(_asarray(bins), dt)
    nbins = _util.concrete_int(bins, "histogram: bins")
    if nbins < 1:
        raise ValueError("`bins` must be positive, when an integer")
    flat = lax.reshape(a_inexact, (get_aval(a).size,))
    if range is None:
        if get_aval(a).size == 0:
            lo, hi = lax.full((), 0, dt), lax.full((), 1, dt)
        else:
            lo, hi = lax.reduce_min(flat, (0,)), lax.reduce_max(flat, (0,))
    else:
        if len(range) != 2:
            raise ValueError("range must be a pair (min, max)")
        lo = lax.convert_element_type(_asarray(range[0]), dt)
        hi = lax.convert_element_type(_asarray(range[1]), dt)
        lv, hv = _util.concrete_value(lo), _util.concrete_value(hi)
        if lv is not None and hv is not None and float(lv) > float(hv):
            raise ValueError("max must be larger than min in range parameter.")
    same = lax.eq(lo, hi)
    lo = lax.select(same, lax.sub(lo, lax.full_like(lo, 0.5)), lo)
    hi = lax.select(same, lax.add(hi, lax.full_like(hi, 0.5)), hi)
    from jax_numpy.creation import linspace

    return linspace(lo, hi, nbins + 1)


def _bin_index(a: Any, edges: Any) -> Any:
    """1 + the bin of each value (0: below, len(edges): above); the last edge is inclusive."""
    from jax_numpy.sorting import searchsorted

    n = _shape(edges)[0]
    idx = searchsorted(edges, a, side="right")
    last = _util.index_in_dim(edges, n - 1, 0, False)
    on_last = lax.eq(a, lax.broadcast_in_dim(last, _shape(a), ()))
    return lax.select(on_last, lax.full_like(idx, n - 1), idx)


def histogram(a: Any, bins: Any = 10, range: Any = None, weights: Any = None,  # noqa: A002
              density: Any = None) -> tuple:
    from jax_numpy.indexing import _scatter

    check_arraylike("histogram", a)
    a = _asarray(a)
    edges = histogram_bin_edges(a, bins, range, weights)
    (a,) = _util.promote_dtypes_inexact(a)
    a = lax.reshape(a, (get_aval(a).size,))
    edges = lax.convert_element_type(edges, _dt(a)) if _dt(edges) != _dt(a) else edges
    nb = _shape(edges)[0]
    if weights is None:
        w: Any = lax.full(_shape(a), 1, _dt(a))
    else:
        w = _asarray(weights)
        if get_aval(w).size != _shape(a)[0]:
            raise ValueError("weights should have the same shape as a.")
        w = lax.reshape(w, _shape(a))
        (w,) = _util.promote_dtypes_inexact(w)
    idx = _bin_index(a, edges)
    counts = _scatter(lax.full((nb + 1,), 0, _dt(w)), idx, w, "add")
    counts = _util.slice_in_dim(counts, 1, nb)
    if density:
        widths = lax.sub(_util.slice_in_dim(edges, 1, nb), _util.slice_in_dim(edges, 0, nb - 1))
        total = lax.reduce_sum(counts, (0,))
        counts = lax.div(lax.div(counts, lax.broadcast_in_dim(total, _shape(counts), ())),
                         lax.convert_element_type(widths, _dt(counts)))
    return counts, edges


def histogramdd(sample: Any, bins: Any = 10, range: Any = None, weights: Any = None,  # noqa: A002
                density: Any = None) -> tuple:
    from jax_numpy.indexing import _scatter

    check_arraylike("histogramdd", sample)
    s = _asarray(sample)
    if _util.ndim(s) == 1:
        s = lax.reshape(s, _shape(s) + (1,))
    (s,) = _util.promote_dtypes_inexact(s)
    n, d = _shape(s)
    if isinstance(bins, (int, np.integer)) or (_util.is_arraylike(bins) and _util.ndim(bins) == 0):
        bins_l: list = [bins] * d
    else:
        bins_l = list(bins)
        if len(bins_l) != d:
            raise ValueError("The dimension of bins must be equal to the dimension of the sample x.")
    ranges = [None] * d if range is None else list(range)
    edges = []
    idx_total = None
    dims = []
    for k in builtins.range(d):
        col = _util.index_in_dim(s, k, 1, False)
        e = histogram_bin_edges(col, bins_l[k], ranges[k])
        e = lax.convert_element_type(e, _dt(s))
        edges.append(e)
        nb = _shape(e)[0]
        bi = _bin_index(col, e)
        dims.append(nb + 1)
        idx_total = bi if idx_total is None else \
            lax.add(lax.mul(idx_total, lax.full_like(idx_total, nb + 1)), bi)
    total_bins = int(np.prod(dims, dtype=np.int64))
    if weights is None:
        w: Any = lax.full((n,), 1, dtypes.default_int_dtype())
    else:
        (w,) = _util.promote_dtypes_inexact(_asarray(weights))
    assert idx_total is not None
    counts = _scatter(lax.full((total_bins,), 0, _dt(w)), idx_total, w, "add")
    counts = lax.reshape(counts, tuple(dims))
    counts = lax.slice(counts, (1,) * d, tuple(x - 1 for x in dims))
    if density:
        (counts,) = _util.promote_dtypes_inexact(counts)
        total = lax.reduce_sum(counts, tuple(builtins.range(d)))
        counts = lax.div(counts, lax.broadcast_in_dim(total, _shape(counts), ()))
        for k, e in enumerate(edges):
            nb = _shape(e)[0]
            widths = lax.sub(_util.slice_in_dim(e, 1, nb), _util.slice_in_dim(e, 0, nb - 1))
            counts = lax.div(counts, lax.broadcast_in_dim(widths, _shape(counts), (k,)))
    return counts, edges


def histogram2d(x: Any, y: Any, bins: Any = 10, range: Any = None, weights: Any = None,  # noqa: A002
                density: Any = None) -> tuple:
    check_arraylike("histogram2d", x, y)
    x, y = _util.promote_dtypes_inexact(_asarray(x), _asarray(y))
    sample = lax.concatenate([lax.reshape(x, _shape(x) + (1,)), lax.reshape(y, _shape(y) + (1,))], 1)
    if isinstance(bins, (list, tuple)) and len(bins) != 2:
        bins = [bins, bins]
    hist, edges = histogramdd(sample, bins, range, weights, density)
    return hist, edges[0], edges[1]


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: int | None = None,
        fweights: Any = None, aweights: Any = None) -> Any:
    check_arraylike("cov", m)
    m = _asarray(m)
    if _util.ndim(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    from jax_numpy.shape_ops import atleast_2d

    X = atleast_2d(m)
    if not rowvar and _shape(X)[0] != 1:
        X = lax.transpose(X, (1, 0))
    if _shape(X)[0] == 0:
        return lax.full((0, 0), np.nan, dtypes.to_inexact_dtype(_dt(m)))
    if y is not None:
        yy = atleast_2d(_asarray(y))
        if not rowvar and _shape(yy)[0] != 1:
            yy = lax.transpose(yy, (1, 0))
        X, yy = _util.promote_dtypes(X, yy)
        X = lax.concatenate([X, yy], 0)
    (X,) = _util.promote_dtypes_inexact(X)
    if ddof is None:
        ddof = 0 if bias else 1
    n_obs = _shape(X)[1]
    w = None
    if fweights is not None:
        f = _asarray(fweights)
        if _util.ndim(f) != 1 or _shape(f)[0] != n_obs:
            raise RuntimeError("incompatible numbers of samples and fweights")
        w = lax.convert_element_type(f, _dt(X) if _dt(X).kind != "c" else _util.real_dtype(_dt(X)))
    if aweights is not None:
        a = _asarray(aweights)
        if _util.ndim(a) != 1 or _shape(a)[0] != n_obs:
            raise RuntimeError("incompatible numbers of samples and aweights")
        a = lax.convert_element_type(a, _dt(X) if _dt(X).kind != "c" else _util.real_dtype(_dt(X)))
        w = a if w is None else lax.mul(w, a)
    rdt = _util.real_dtype(_dt(X))
    if w is None:
        avg = lax.div(lax.reduce_sum(X, (1,)), lax.full((_shape(X)[0],), n_obs, _dt(X)))
        w_sum: Any = lax.full((), n_obs, rdt)
        fact: Any = lax.full((), n_obs - ddof, rdt)
    else:
        w_sum = lax.reduce_sum(w, (0,))
        wx = lax.mul(X, lax.broadcast_in_dim(lax.convert_element_type(w, _dt(X)), _shape(X), (1,)))
        avg = lax.div(lax.reduce_sum(wx, (1,)), lax.broadcast_in_dim(
            lax.convert_element_type(w_sum, _dt(X)), (_shape(X)[0],), ()))
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = lax.sub(w_sum, lax.full_like(w_sum, ddof))
        else:
            a = lax.convert_element_type(_asarray(aweights), rdt)
            fact = lax.sub(w_sum, lax.div(lax.mul(lax.full_like(w_sum, ddof),
                                                  lax.reduce_sum(lax.mul(w, a), (0,))), w_sum))
    Xc = lax.sub(X, lax.broadcast_in_dim(avg, _shape(X), (0,)))
    Xw = Xc if w is None else lax.mul(Xc, lax.broadcast_in_dim(lax.convert_element_type(w, _dt(X)),
                                                              _shape(X), (1,)))
    Xt = lax.transpose(Xc, (1, 0))
    if _dt(Xt).kind == "c":
        Xt = lax.conj(Xt)
    c = lax.dot_general(Xw, Xt, (((1,), (0,)), ((), ())))
    fact = lax.max(fact, lax.full_like(fact, 0))
    c = lax.div(c, lax.broadcast_in_dim(lax.convert_element_type(fact, _dt(c)), _shape(c), ()))
    if _shape(c) == (1, 1):
        return lax.reshape(c, ())
    return c


def corrcoef(x: Any, y: Any = None, rowvar: bool = True) -> Any:
    check_arraylike("corrcoef", x)
    c = cov(x, y, rowvar)
    if _util.ndim(c) == 0:
        return lax.div(c, c)
    n = _shape(c)[0]
    from jax_numpy.creation import diagonal

    d = diagonal(c)
    stddev = lax.sqrt(lax.real(d) if _dt(d).kind == "c" else d)
    stddev = lax.convert_element_type(stddev, _dt(c))
    c = lax.div(c, lax.broadcast_in_dim(stddev, (n, n), (0,)))
    c = lax.div(c, lax.broadcast_in_dim(stddev, (n, n), (1,)))
    if _dt(c).kind == "c":
        re = lax.clamp(lax.full((), -1, _util.real_dtype(_dt(c))), lax.real(c),
                       lax.full((), 1, _util.real_dtype(_dt(c))))
        return lax.complex(re, lax.imag(c))
    return lax.clamp(lax.full((), -1, _dt(c)), c, lax.full((), 1, _dt(c)))


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
           period: Any = None) -> Any:
    from jax_numpy.indexing import take
    from jax_numpy.sorting import searchsorted

    check_arraylike("interp", x, xp, fp)
    x = _asarray(x)
    xp = _asarray(xp)
    fp = _asarray(fp)
    if _util.ndim(xp) != 1 or _util.ndim(fp) != 1:
        raise ValueError("xp and fp must be one-dimensional")
    if _shape(xp)[0] != _shape(fp)[0]:
        raise ValueError(f"xp and fp must be the same length, got {_shape(xp)} and {_shape(fp)}")
    if _shape(xp)[0] == 0:
        raise ValueError("xp and fp must be non-empty")
    if _dt(fp).kind == "c":
        re = interp(x, xp, lax.real(fp), None if left is None else _real_of(left),
                    None if right is None else _real_of(right), period)
        im = interp(x, xp, lax.imag(fp), None if left is None else _imag_of(left),
                    None if right is None else _imag_of(right), period)
        return lax.complex(re, im)
    x, xp = _util.promote_dtypes_inexact(x, xp)
    (fp,) = _util.promote_dtypes_inexact(fp)
    if period is not None:
        if _util.ndim(period) != 0:
            raise ValueError(f"period must be a scalar; got {period}")
        per = lax.abs(lax.convert_element_type(_asarray(period), _dt(x)))
        from jax_numpy.ufuncs import remainder
        from jax_numpy.sorting import argsort

        x = remainder(x, per)
        xp = remainder(xp, per)
        order = argsort(xp)
        xp = take(xp, order)
        fp = take(fp, order)
        n = _shape(xp)[0]
        xp = lax.concatenate([lax.sub(_util.slice_in_dim(xp, n - 1, n), lax.reshape(per, (1,))), xp,
                              lax.add(_util.slice_in_dim(xp, 0, 1), lax.reshape(per, (1,)))], 0)
        fp = lax.concatenate([_util.slice_in_dim(fp, n - 1, n), fp, _util.slice_in_dim(fp, 0, 1)], 0)
    n = _shape(xp)[0]
    i = searchsorted(xp, x, side="right")
    i = lax.clamp(lax.full_like(i, 1), i, lax.full_like(i, builtins.max(n - 1, 1)))
    if n == 1:
        f = lax.broadcast_in_dim(_util.index_in_dim(fp, 0, 0, False), _shape(x), ())
    else:
        im1 = lax.sub(i, lax.full_like(i, 1))
        xl, xr = take(xp, im1, mode="clip"), take(xp, i, mode="clip")
        fl, fr = take(fp, im1, mode="clip"), take(fp, i, mode="clip")
        dx = lax.sub(xr, xl)
        delta = lax.sub(x, xl)
        eps = np.finfo(_dt(dx)).eps if _dt(dx).kind == "f" else 0
        safe_dx = lax.select(lax.eq(dx, lax.full_like(dx, 0)), lax.full_like(dx, 1), dx)
        slope = lax.div(lax.sub(fr, fl), lax.convert_element_type(safe_dx, _dt(fl)))
        f = lax.add(fl, lax.mul(lax.convert_element_type(delta, _dt(fl)), slope))
        f = lax.select(lax.le(lax.abs(dx), lax.full_like(dx, eps * 0)), fl, f)
    if period is None:
        first = _util.index_in_dim(xp, 0, 0, False)
        last = _util.index_in_dim(xp, n - 1, 0, False)
        lv = _util.index_in_dim(fp, 0, 0, False) if left is None else \
            lax.convert_element_type(_asarray(left), _dt(f))
        rv = _util.index_in_dim(fp, n - 1, 0, False) if right is None else \
            lax.convert_element_type(_asarray(right), _dt(f))
        f = lax.select(lax.lt(x, lax.broadcast_in_dim(first, _shape(x), ())),
                       lax.broadcast_in_dim(lv, _shape(x), ()), f)
        f = lax.select(lax.gt(x, lax.broadcast_in_dim(last, _shape(x), ())),
                       lax.broadcast_in_dim(rv, _shape(x), ()), f)
    return f


def _real_of(v: Any) -> Any:
    v = _asarray(v)
    return lax.real(v) if _dt(v).kind == "c" else v


def _imag_of(v: Any) -> Any:
    v = _asarray(v)
    return lax.imag(v) if _dt(v).kind == "c" else lax.full_like(v, 0)


del Sequence
