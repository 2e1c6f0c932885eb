"""``jax.numpy.linalg``: NumPy's linear algebra on top of ``lax.linalg``.

Every function works on stacks of matrices (leading batch dimensions),
under ``jit``, ``vmap`` and ``grad``.  Integer inputs are promoted to the
default float dtype.  Solves go through LU with partial pivoting, ``det`` and
``slogdet`` through LU too, ``inv``/``pinv``/``lstsq``/``matrix_rank``/``cond``
and the spectral norms through the SVD.

Derivatives: see :mod:`jax_ad.linalg_rules`.  The derivatives of
eigenvectors (``eigh``, ``eig``) and singular vectors (``svd``) are undefined
where eigenvalues / singular values coincide (they come out inf or NaN
there); ``det`` and ``solve`` are not differentiable at singular matrices.
"""
from __future__ import annotations

import math
import operator
from typing import Any, NamedTuple, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import dtypes, lax
from jax_core.core import Tracer, get_aval
from jax_core.lax import linalg as lax_linalg
from jax_numpy._util import promote_dtypes_inexact

Array = Any


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


def _inexact(fun: str, *args: Any) -> list:
    arrs = [jnp.asarray(a) for a in args]
    return promote_dtypes_inexact(*arrs)


def _check_matrix(fun: str, a: Any, square: bool = False) -> None:
    shape = get_aval(a).shape
    if len(shape) < 2:
        raise ValueError(f"{fun}: expected an array of at least two dimensions (a stack of matrices), got "
                         f"shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"{fun}: expected square matrices (last two dimensions equal), got shape {shape}")


def _shape(a: Any) -> tuple[int, ...]:
    return get_aval(a).shape


def _dtype(a: Any) -> np.dtype:
    return get_aval(a).dtype


def _T(a: Any) -> Any:
    return jnp.swapaxes(a, -1, -2)


def _H(a: Any) -> Any:
    return jnp.conj(_T(a)) if _dtype(a).kind == "c" else _T(a)


def _real_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dt in (np.float64, np.complex128) else np.dtype(np.float32)


def _broadcast_batch(a: Any, b: Any, a_core: int, b_core: int) -> tuple[Any, Any]:
    """Broadcast the leading (batch) dimensions of ``a`` and ``b`` against each other."""
    sa, sb = _shape(a), _shape(b)
    batch = np.broadcast_shapes(sa[:len(sa) - a_core], sb[:len(sb) - b_core])
    a = jnp.broadcast_to(a, tuple(batch) + sa[len(sa) - a_core:])
    b = jnp.broadcast_to(b, tuple(batch) + sb[len(sb) - b_core:])
    return a, b


def _eps(dt: np.dtype) -> float:
    return float(np.finfo(_real_dtype(dt)).eps)


# --------------------------------------------------------------------------
# factorizations


def cholesky(a: Array, *, upper: bool = False, symmetrize_input: bool = True) -> Array:
    """Cholesky factor: lower ``L`` with ``a = L L^H`` (or upper ``U = L^H`` with ``upper``).

    NaN where ``a`` is not positive definite.
    """
    a, = _inexact("cholesky", a)
    _check_matrix("cholesky", a, square=True)
    L = lax_linalg.cholesky(a, symmetrize_input=symmetrize_input)
    return _H(L) if upper else L


def qr(a: Array, mode: str = "reduced") -> Any:
    """QR decomposition; ``mode`` is ``'reduced'``, ``'complete'`` or ``'r'``."""
    a, = _inexact("qr", a)
    _check_matrix("qr", a)
    if mode == "reduced":
        full = False
    elif mode in ("complete", "r"):
        full = mode == "complete"
    elif mode == "raw":
        raise NotImplementedError("qr: mode='raw' is not implemented")
    else:
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = lax_linalg.qr(a, full_matrices=full)
    if mode == "r":
        return r
    return QRResult(q, r)


def eigh(a: Array, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of Hermitian / real symmetric matrices."""
    a, = _inexact("eigh", a)
    _check_matrix("eigh", a, square=True)
    if UPLO is None or UPLO == "L":
        lower = True
    elif UPLO == "U":
        lower = False
    else:
        raise ValueError(f"UPLO must be one of None, 'L', or 'U', got {UPLO}")
    v, w = lax_linalg.eigh(a, lower=lower, symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eigvalsh(a: Array, UPLO: str | None = "L", *, symmetrize_input: bool = True) -> Array:
    """Eigenvalues (ascending) of Hermitian / real symmetric matrices."""
    return eigh(a, UPLO, symmetrize_input).eigenvalues


def eig(a: Array) -> EigResult:
    """Eigenvalues and right eigenvectors of general square matrices (complex results, CPU only under jit)."""
    a, = _inexact("eig", a)
    _check_matrix("eig", a, square=True)
    w, v = lax_linalg.eig(a, compute_left_eigenvectors=False)
    return EigResult(w, v)


def eigvals(a: Array) -> Array:
    """Eigenvalues of general square matrices (complex)."""
    a, = _inexact("eigvals", a)
    _check_matrix("eigvals", a, square=True)
    return lax_linalg.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]


def svd(a: Array, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False,
        subset_by_index: tuple[int, int] | None = None) -> Any:
    """Singular value decomposition ``a = U diag(S) Vh`` (S descending), or ``S`` alone."""
    a, = _inexact("svd", a)
    _check_matrix("svd", a)
    if hermitian:
        v, w = lax_linalg.eigh(a, subset_by_index=subset_by_index)
        s = jnp.abs(w)
        if not compute_uv:
            return -jnp.sort(-s, axis=-1)
        order = jnp.argsort(-s, axis=-1)
        s = jnp.take_along_axis(s, order, axis=-1)
        u = jnp.take_along_axis(v, jnp.expand_dims(order, -2), axis=-1)
        sign = jnp.take_along_axis(jnp.sign(w), order, axis=-1).astype(_dtype(v))
        vh = _H(u * jnp.expand_dims(sign, -2))
        return SVDResult(u, s, vh)
    if compute_uv:
        u, s, vh = lax_linalg.svd(a, full_matrices=full_matrices, compute_uv=True, subset_by_index=subset_by_index)
        return SVDResult(u, s, vh)
    return lax_linalg.svd(a, full_matrices=full_matrices, compute_uv=False, subset_by_index=subset_by_index)


def svdvals(x: Array, /) -> Array:
    """Singular values (descending)."""
    return svd(x, compute_uv=False)


# --------------------------------------------------------------------------
# solves and inverses


def _lu_solve_batched(a: Any, b: Any) -> Any:
    lu_, _, perm = lax_linalg.lu(a)
    return lax_linalg.lu_solve(lu_, perm, b)


def solve(a: Array, b: Array) -> Array:
    """Solve ``a x = b``; ``b`` is a vector (``[..., n]``) or a stack of matrices (``[..., n, k]``)."""
    a, b = _inexact("solve", a, b)
    _check_matrix("solve", a, square=True)
    na, nb = jnp.ndim(a), jnp.ndim(b)
    vector = nb == 1 or na == nb + 1
    if vector:
        a, b = _broadcast_batch(a, b, 2, 1)
        if _shape(b)[-1] != _shape(a)[-1]:
            raise ValueError(f"solve: incompatible shapes {_shape(a)} and {_shape(b)}")
        return _lu_solve_batched(a, b[..., None])[..., 0]
    a, b = _broadcast_batch(a, b, 2, 2)
    if _shape(b)[-2] != _shape(a)[-1]:
        raise ValueError(f"solve: incompatible shapes {_shape(a)} and {_shape(b)}")
    return _lu_solve_batched(a, b)


def inv(a: Array) -> Array:
    """Matrix inverse (by an LU solve against the identity)."""
    a, = _inexact("inv", a)
    _check_matrix("inv", a, square=True)
    n = _shape(a)[-1]
    eye = jnp.broadcast_to(jnp.eye(n, dtype=_dtype(a)), _shape(a))
    return _lu_solve_batched(a, eye)


def _pivot_parity(pivots: Any) -> Any:
    k = _shape(pivots)[-1]
    iota = lax.broadcasted_iota(np.int32, _shape(pivots), len(_shape(pivots)) - 1)
    return jnp.sum((pivots != iota).astype(np.int32), axis=-1) % 2 if k else jnp.zeros(_shape(pivots)[:-1], np.int32)


def slogdet(a: Array, *, method: str | None = None) -> SlogdetResult:
    """Sign and natural log of the absolute value of the determinant (by LU)."""
    a, = _inexact("slogdet", a)
    _check_matrix("slogdet", a, square=True)
    if method not in (None, "lu"):
        raise ValueError(f"Unknown slogdet method '{method}'. Supported methods are 'lu' (default).")
    dt = _dtype(a)
    lu_, pivots, _ = lax_linalg.lu(a)
    diag = lax_linalg.diagonal(lu_)
    is_zero = jnp.any(diag == 0, axis=-1)
    parity = _pivot_parity(pivots)
    absdiag = jnp.abs(diag)
    if dt.kind == "c":
        unit = diag / jnp.where(absdiag == 0, jnp.ones_like(absdiag), absdiag).astype(dt)
        sign = jnp.prod(unit, axis=-1)
    else:
        sign = jnp.prod(jnp.sign(diag), axis=-1)
    sign = sign * jnp.where(parity == 1, -1, 1).astype(dt)
    logdet = jnp.sum(jnp.log(jnp.where(absdiag == 0, jnp.ones_like(absdiag), absdiag)), axis=-1)
    sign = jnp.where(is_zero, jnp.zeros_like(sign), sign)
    logdet = jnp.where(is_zero, jnp.full_like(logdet, -np.inf), logdet)
    return SlogdetResult(sign, logdet)


def det(a: Array) -> Array:
    """Determinant (the signed product of LU's pivots)."""
    a, = _inexact("det", a)
    _check_matrix("det", a, square=True)
    lu_, pivots, _ = lax_linalg.lu(a)
    diag = lax_linalg.diagonal(lu_)
    parity = _pivot_parity(pivots)
    return jnp.prod(diag, axis=-1) * jnp.where(parity == 1, -1, 1).astype(_dtype(a))


def pinv(a: Array, rtol: Array | None = None, hermitian: bool = False, *, rcond: Array | None = None) -> Array:
    """Moore-Penrose pseudo-inverse: singular values ``<= rtol * max(s)`` are treated as zero."""
    a, = _inexact("pinv", a)
    _check_matrix("pinv", a)
    if rcond is not None:
        if rtol is not None:
            raise ValueError("pinv: pass only one of rtol and rcond")
        rtol = rcond
    m, n = _shape(a)[-2:]
    dt = _dtype(a)
    if m == 0 or n == 0:
        return jnp.zeros(_shape(a)[:-2] + (n, m), dt)
    if rtol is None:
        rtol = 10.0 * max(m, n) * _eps(dt)
    u, s, vh = svd(jnp.conj(a) if dt.kind == "c" else a, full_matrices=False, hermitian=hermitian)
    rtol = jnp.asarray(rtol, dtype=_dtype(s))
    cutoff = jnp.expand_dims(rtol, -1) * s[..., 0:1]
    s_safe = jnp.where(s > cutoff, s, jnp.full_like(s, np.inf)).astype(_dtype(u))
    res = jnp.matmul(_T(vh), _T(u) / jnp.expand_dims(s_safe, -1))
    return res.astype(dt)


def lstsq(a: Array, b: Array, rcond: float | None = None, *, numpy_resid: bool = False) -> tuple:
    """Least-squares solution of ``a x = b``: ``(x, residuals, rank, s)`` (by SVD)."""
    a, b = _inexact("lstsq", a, b)
    if _shape(a)[0] != _shape(b)[0]:
        raise ValueError("Leading dimensions of input arrays must match")
    b_orig_ndim = jnp.ndim(b)
    if b_orig_ndim == 1:
        b = b[:, None]
    if jnp.ndim(a) != 2:
        raise TypeError(f"{jnp.ndim(a)}-dimensional array given. Array must be two-dimensional")
    if jnp.ndim(b) != 2:
        raise TypeError(f"{jnp.ndim(b)}-dimensional array given. Array must be one or two-dimensional")
    m, n = _shape(a)
    dt = _dtype(a)
    if m == 0 or n == 0:
        u = jnp.zeros((m, 0), dt)
        vt = jnp.zeros((0, n), dt)
        s = jnp.zeros((0,), _real_dtype(dt))
    else:
        u, s, vt = svd(a, full_matrices=False)
    eps = _eps(dt)
    cut = eps * max(n, m) if rcond is None else (eps if rcond < 0 else rcond)
    if m and n:
        mask = s >= jnp.asarray(cut, _dtype(s)) * s[0]
        rank = jnp.sum(mask.astype(np.int32))
        safe_s = jnp.where(mask, s, jnp.ones_like(s)).astype(dt)
        s_inv = jnp.where(mask, 1 / safe_s, jnp.zeros_like(safe_s))[:, None]
        uTb = jnp.matmul(_H(u), b)
        x = jnp.matmul(_H(vt), s_inv * uTb)
    else:
        rank = jnp.asarray(0, np.int32)
        x = jnp.zeros((n, _shape(b)[1]), dt)
    if numpy_resid and (not _is_concrete_int(rank) or int(rank) < n or m <= n):
        resid = jnp.zeros((0,), _real_dtype(dt))
    else:
        resid = norm(b - jnp.matmul(a, x), axis=0) ** 2
    if b_orig_ndim == 1:
        x = jnp.reshape(x, (-1,))
    return x, resid, rank, s


def _is_concrete_int(x: Any) -> bool:
    return not isinstance(x, Tracer) or x.to_concrete_value() is not None


def matrix_power(a: Array, n: int) -> Array:
    """``a`` raised to the integer power ``n`` (by repeated squaring; ``n < 0`` inverts first)."""
    a = jnp.asarray(a)
    _check_matrix("matrix_power", a, square=True)
    try:
        n = operator.index(n)
    except TypeError as err:
        raise TypeError(f"exponent must be an integer, got {n}") from err
    if n == 0:
        return jnp.broadcast_to(jnp.eye(_shape(a)[-1], dtype=_dtype(a)), _shape(a))
    if n < 0:
        a = inv(a)
        n = -n
    result = None
    base = a
    while n:
        if n & 1:
            result = base if result is None else jnp.matmul(result, base)
        n >>= 1
        if n:
            base = jnp.matmul(base, base)
    return result


def matrix_rank(M: Array, rtol: Array | None = None, *, tol: Array | None = None) -> Array:
    """Number of singular values above ``rtol * max(s)`` (default ``max(m, n) * eps``)."""
    M, = _inexact("matrix_rank", M)
    if tol is not None:
        if rtol is not None:
            raise ValueError("matrix_rank: pass only one of rtol and tol")
        rtol = tol
    if jnp.ndim(M) < 2:
        return jnp.any(M != 0).astype(np.int32)
    s = svd(M, compute_uv=False)
    if rtol is None:
        thresh = jnp.max(s, axis=-1) * (max(_shape(M)[-2:]) * _eps(_dtype(M)))
    else:
        thresh = jnp.asarray(rtol, _dtype(s))
    return jnp.sum((s > jnp.expand_dims(thresh, -1)).astype(np.int32), axis=-1)


# --------------------------------------------------------------------------
# norms


def _abs2(x: Any) -> Any:
    return jnp.real(x * jnp.conj(x)) if _dtype(x).kind == "c" else x * x


def norm(x: Array, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Array:
    """Vector or matrix norm of any order NumPy supports."""
    x, = _inexact("norm", x)
    nd = jnp.ndim(x)
    if axis is None:
        if ord is None:
            out = jnp.sqrt(jnp.sum(_abs2(x)))
            if keepdims:
                out = jnp.reshape(out, (1,) * nd)
            return out
        axis = tuple(range(nd))
    elif isinstance(axis, (list, tuple)):
        axis = tuple(operator.index(a) for a in axis)
    else:
        axis = (operator.index(axis),)
    axis = tuple(a % nd if nd else a for a in axis)
    if len(set(axis)) != len(axis):
        raise ValueError(f"Duplicate axes given: {axis}")
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError(f"Improper number of axes for norm: {axis!r}. Pass one axis to compute a vector-norm, "
                     "or two axes to compute a matrix-norm.")


def _vector_norm(x: Any, ord: Any, axis: tuple, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return jnp.sqrt(jnp.sum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid order '{ord}' for vector norm.")
    ax = jnp.abs(x)
    if ord == np.inf:
        return jnp.max(ax, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return jnp.min(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum((x != 0).astype(_dtype(ax)), axis=axis, keepdims=keepdims)
    if ord == 1:
        return jnp.sum(ax, axis=axis, keepdims=keepdims)
    p = jnp.asarray(ord, _dtype(ax))
    return jnp.sum(ax ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _matrix_norm(x: Any, ord: Any, axis: tuple, keepdims: bool) -> Any:
    row, col = axis
    nd = jnp.ndim(x)
    if ord is None or ord == "fro":
        return jnp.sqrt(jnp.sum(_abs2(x), axis=axis, keepdims=keepdims))
    if ord in (1, -1):
        s = jnp.sum(jnp.abs(x), axis=row, keepdims=True)
        out = jnp.max(s, axis=col, keepdims=True) if ord == 1 else jnp.min(s, axis=col, keepdims=True)
    elif ord in (np.inf, -np.inf):
        s = jnp.sum(jnp.abs(x), axis=col, keepdims=True)
        out = jnp.max(s, axis=row, keepdims=True) if ord == np.inf else jnp.min(s, axis=row, keepdims=True)
    elif ord in (2, -2, "nuc"):
        xm = jnp.moveaxis(x, (row, col), (-2, -1))
        sv = svd(xm, compute_uv=False)
        if ord == 2:
            out = jnp.max(sv, axis=-1)
        elif ord == -2:
            out = jnp.min(sv, axis=-1)
        else:
            out = jnp.sum(sv, axis=-1)
        if keepdims:
            out = jnp.expand_dims(jnp.expand_dims(out, min(row, col)), max(row, col))
        return out
    else:
        raise ValueError(f"Invalid order '{ord}' for matrix norm.")
    if keepdims:
        return out
    return jnp.squeeze(out, axis=tuple(sorted((row, col))))


def vector_norm(x: Array, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Array:
    """Array-API vector norm (``axis=None`` flattens)."""
    x, = _inexact("vector_norm", x)
    if axis is None:
        out = _vector_norm(jnp.reshape(x, (-1,)), ord, (0,), False)
        return jnp.reshape(out, (1,) * jnp.ndim(x)) if keepdims else out
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    nd = jnp.ndim(x)
    axes = tuple(a % nd for a in axes)
    return _vector_norm(x, ord, axes, keepdims)


def matrix_norm(x: Array, /, *, keepdims: bool = False, ord: Any = "fro") -> Array:
    """Array-API matrix norm over the last two axes."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x: Array, p: Any = None) -> Array:
    """Condition number in the ``p`` norm (default 2: ratio of extreme singular values)."""
    x, = _inexact("cond", x)
    _check_matrix("cond", x)
    if p is None or p == 2:
        s = svd(x, compute_uv=False)
        r = s[..., 0] / s[..., -1]
    elif p == -2:
        s = svd(x, compute_uv=False)
        r = s[..., -1] / s[..., 0]
    else:
        _check_matrix("cond", x, square=True)
        r = norm(x, ord=p, axis=(-2, -1)) * norm(inv(x), ord=p, axis=(-2, -1))
    # a singular matrix has infinite condition number (NaN only if x itself has NaNs)
    return jnp.where(jnp.isnan(r) & ~jnp.any(jnp.isnan(x), axis=(-2, -1)), jnp.full_like(r, np.inf), r)


# --------------------------------------------------------------------------
# tensor forms and products


def tensorinv(a: Array, ind: int = 2) -> Array:
    """Inverse of ``a`` seen as a linear map from its last axes (after ``ind``) to its first ``ind``."""
    a = jnp.asarray(a)
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError(f"ind must be a positive integer; got {ind}")
    contracting, batch = _shape(a)[:ind], _shape(a)[ind:]
    rows, cols = math.prod(contracting), math.prod(batch)
    if rows != cols:
        raise ValueError(f"tensorinv: product of first {ind} dimensions ({rows}) must equal the product of the "
                         f"rest ({cols}); got shape {_shape(a)}")
    return jnp.reshape(inv(jnp.reshape(a, (rows, cols))), batch + contracting)


def tensorsolve(a: Array, b: Array, axes: Sequence[int] | None = None) -> Array:
    """Solve ``tensordot(a, x, x.ndim) = b`` for ``x``."""
    a, b = jnp.asarray(a), jnp.asarray(b)
    nd = jnp.ndim(a)
    if axes is not None:
        order = [i for i in range(nd) if i not in [ax % nd for ax in axes]] + [ax % nd for ax in axes]
        a = jnp.transpose(a, order)
    q = _shape(a)[nd - (nd - jnp.ndim(b)):] if nd > jnp.ndim(b) else ()
    size = math.prod(q)
    a2 = jnp.reshape(a, (-1, size))
    res = solve(a2, jnp.reshape(b, (-1,)))
    return jnp.reshape(res, q)


def _chain_order(dims: Sequence[int]) -> list[list[int]]:
    """Optimal parenthesization of a matrix chain (classic O(n^3) dynamic program)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, k
            cost[i][j] = best if best is not None else 0
    return split


def multi_dot(arrays: Sequence[Array], *, precision: Any = None) -> Array:
    """The product of a chain of matrices, evaluated in the cheapest order.

    The first and last arrays may be 1-D (treated as row / column vectors).
    """
    arrs = [jnp.asarray(a) for a in arrays]
    if len(arrs) < 2:
        raise ValueError("Expecting at least two arrays.")
    if len(arrs) == 2:
        return jnp.matmul(arrs[0], arrs[1])
    first_1d = jnp.ndim(arrs[0]) == 1
    last_1d = jnp.ndim(arrs[-1]) == 1
    if first_1d:
        arrs[0] = arrs[0][None, :]
    if last_1d:
        arrs[-1] = arrs[-1][:, None]
    for i, a in enumerate(arrs):
        if jnp.ndim(a) != 2:
            raise ValueError(f"multi_dot: array {i} has {jnp.ndim(a)} dimensions; expected 2 "
                             "(1 allowed for the first and last)")
    dims = [_shape(arrs[0])[0]] + [_shape(a)[1] for a in arrs]
    split = _chain_order(dims)

    def product(i: int, j: int) -> Any:
        if i == j:
            return arrs[i]
        k = split[i][j]
        return jnp.matmul(product(i, k), product(k + 1, j))

    out = product(0, len(arrs) - 1)
    if first_1d and last_1d:
        return out[0, 0]
    if first_1d:
        return out[0]
    if last_1d:
        return out[:, 0]
    return out


def matrix_transpose(x: Array, /) -> Array:
    """Transpose of the last two axes."""
    x = jnp.asarray(x)
    _check_matrix("matrix_transpose", x)
    return _T(x)


def diagonal(x: Array, /, *, offset: int = 0) -> Array:
    """Diagonals of the trailing matrices."""
    return jnp.diagonal(x, offset=offset, axis1=-2, axis2=-1)


def trace(x: Array, /, *, offset: int = 0, dtype: Any = None) -> Array:
    """Traces of the trailing matrices."""
    return jnp.sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


def outer(x1: Array, x2: Array, /) -> Array:
    """Outer product of two vectors."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if jnp.ndim(x1) != 1 or jnp.ndim(x2) != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are {jnp.ndim(x1)=} {jnp.ndim(x2)=}")
    return x1[:, None] * x2[None, :]


def vecdot(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """``sum(conj(x1) * x2)`` along ``axis``."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    c1 = jnp.conj(x1) if _dtype(x1).kind == "c" else x1
    return jnp.sum(c1 * x2, axis=axis)


def matmul(x1: Array, x2: Array, /) -> Array:
    return jnp.matmul(x1, x2)


def cross(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    return jnp.cross(x1, x2, axis=axis)


def tensordot(x1: Array, x2: Array, /, *, axes: Any = 2) -> Array:
    return jnp.tensordot(x1, x2, axes=axes)


__all__ = [
    "cholesky", "qr", "eigh", "eigvalsh", "eig", "eigvals", "svd", "svdvals", "solve", "inv", "slogdet", "det",
    "pinv", "lstsq", "matrix_power", "matrix_rank", "norm", "vector_norm", "matrix_norm", "cond", "tensorinv",
    "tensorsolve", "multi_dot", "matrix_transpose", "diagonal", "trace", "outer", "vecdot", "matmul", "cross",
    "tensordot", "EighResult", "EigResult", "QRResult", "SlogdetResult", "SVDResult",
]
