"""Linear-algebra primitives (``jax.lax.linalg``) and their wrappers.

Each primitive works on the trailing two axes of its operands, batched over
the leading ones, and accepts float32/float64/complex64/complex128 (the
dtypes LAPACK serves).  Names, parameters and results follow JAX:

* ``cholesky``: the lower Cholesky factor (NaN where the matrix is not
  positive definite);
* ``triangular_solve(a, b; left_side, lower, transpose_a, conjugate_a,
  unit_diagonal)``;
* ``lu``: ``(lu, pivots, permutation)`` of partial-pivoting LU, pivots and
  permutation int32 and 0-based (LAPACK ``getrf``'s row swaps);
* ``qr(pivoting, full_matrices, use_magma)``: ``(q, r)``;
* ``eigh(lower, sort_eigenvalues, subset_by_index, algorithm)``: ``(v, w)``
  with ascending real eigenvalues ``w``;
* ``svd(full_matrices, compute_uv, subset_by_index, algorithm)``:
  ``(s, u, vh)`` (or ``(s,)``), singular values descending;
* ``eig(compute_left_eigenvectors, compute_right_eigenvectors,
  enable_eigvec_derivs, implementation)``: ``(w, [vl], [vr])``, complex, in
  LAPACK ``geev``'s order and normalization (unit norm, largest component
  real).

The eager implementations use NumPy's LAPACK bindings (plus a vectorized
Doolittle elimination for ``lu``, which NumPy lacks); where LAPACK reports a
failure (no convergence, not positive definite) the batch member's outputs
are NaN, as in JAX.  Eigenvectors and singular vectors are unique only up to
a phase (sign) per vector, so two backends may legitimately disagree on
them; functions of them that do not depend on the phase agree.

The helpers at the end (``tril``, ``triu``, ``adjoint``, ``matmul``,
``symmetrize``...) are the batched matrix utilities the rules of other
packages need; they are built from ordinary lax primitives.
"""
from __future__ import annotations

import enum
import operator
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.lax import control_flow, indexing, primitive_util, reductions, structural
from jax_core.lax import elementwise as ew
from jax_core.lax.dot import dot_general
from jax_core.lax.helpers import full_like
from jax_core.lax.primitive_util import standard_primitive

st = structural

_LINALG_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.complex64), np.dtype(np.complex128))


def _real_dtype(d: np.dtype) -> np.dtype:
    return primitive_util.real_dtype(np.dtype(d))


def _complex_dtype(d: np.dtype) -> np.dtype:
    d = np.dtype(d)
    if d.kind == "c":
        return d
    return np.dtype(np.complex128) if d == np.float64 else np.dtype(np.complex64)


def _check_operand(name: str, x: ShapedArray, square: bool = True, what: str = "operand") -> None:
    if x.dtype not in _LINALG_DTYPES:
        raise TypeError(f"{name} does not accept dtype {x.dtype.name}; its {what} must be float32, float64, "
                        "complex64 or complex128.")
    if x.ndim < 2:
        raise ValueError(f"{name} requires its {what} to have rank >= 2 (a batch of matrices), got shape "
                         f"{x.shape}.")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{name} requires square matrices (shape [..., n, n]), got shape {x.shape}.")


def _flat_batch(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    batch = x.shape[:-2]
    return x.reshape((-1,) + x.shape[-2:]), batch


def _per_matrix(fn: Any, x: np.ndarray, out_shapes: Sequence[tuple[tuple[int, ...], np.dtype]]) -> list:
    """Apply ``fn`` to each matrix of a batch; a member whose LAPACK call fails gets NaN outputs."""
    flat, batch = _flat_batch(x)
    outs = [np.empty((flat.shape[0],) + shp, dt) for shp, dt in out_shapes]
    for i in range(flat.shape[0]):
        try:
            with np.errstate(all="ignore"):
                res = fn(flat[i])
        except np.linalg.LinAlgError:
            res = [np.full(shp, np.nan, dt) for shp, dt in out_shapes]
        for o, r in zip(outs, res):
            o[i] = r
    return [o.reshape(batch + o.shape[1:]) for o in outs]


# ---------------------------------------------------------------------------
# cholesky


def _cholesky_abstract_eval(x: ShapedArray) -> ShapedArray:
    _check_operand("cholesky", x)
    return ShapedArray(x.shape, x.dtype)


def _cholesky_impl(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return np.zeros(x.shape, x.dtype)
    try:
        with np.errstate(all="ignore"):
            out = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        out = _per_matrix(lambda m: [np.linalg.cholesky(m)], x, [(x.shape[-2:], x.dtype)])[0]
    return np.asarray(out, x.dtype)


cholesky_p = standard_primitive("cholesky", _cholesky_abstract_eval, _cholesky_impl)


# ---------------------------------------------------------------------------
# triangular_solve


def _triangular_solve_abstract_eval(a: ShapedArray, b: ShapedArray, *, left_side: bool, lower: bool,
                                    transpose_a: bool, conjugate_a: bool, unit_diagonal: bool) -> ShapedArray:
    _check_operand("triangular_solve", a, what="first operand (a)")
    _check_operand("triangular_solve", b, square=False, what="second operand (b)")
    if a.dtype != b.dtype:
        raise TypeError(f"triangular_solve requires a and b to have the same dtype, got {a.dtype.name} and "
                        f"{b.dtype.name}.")
    if a.ndim != b.ndim or a.shape[:-2] != b.shape[:-2]:
        raise TypeError(f"triangular_solve requires a and b to have equal batch dimensions, got shapes "
                        f"{a.shape} and {b.shape}.")
    m = a.shape[-1]
    common = b.shape[-2] if left_side else b.shape[-1]
    if common != m:
        side = "b.shape[-2]" if left_side else "b.shape[-1]"
        raise TypeError(f"triangular_solve with left_side={left_side} requires {side} == a.shape[-1], got "
                        f"shapes a {a.shape} and b {b.shape}.")
    return ShapedArray(b.shape, b.dtype)


def _triangle(a: np.ndarray, lower: bool, unit_diagonal: bool) -> np.ndarray:
    a = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        n = a.shape[-1]
        a = a.copy()
        a[..., np.arange(n), np.arange(n)] = 1
    return a


def _substitution(a: np.ndarray, b: np.ndarray, lower: bool) -> np.ndarray:
    """Solve ``a x = b`` (a triangular, batched) row by row; inf/nan where a is singular."""
    n = a.shape[-1]
    x = np.zeros(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], np.result_type(a, b))
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            acc = b[..., i, :] - np.einsum("...k,...kn->...n", a[..., i, :], x)
            x[..., i, :] = acc / a[..., i, i][..., None]
    return x


def _triangular_solve_impl(a: np.ndarray, b: np.ndarray, *, left_side: bool, lower: bool, transpose_a: bool,
                           conjugate_a: bool, unit_diagonal: bool) -> np.ndarray:
    if b.size == 0:
        return np.zeros(b.shape, b.dtype)
    a = _triangle(a, lower, unit_diagonal)
    if conjugate_a:
        a = np.conj(a)
    eff_lower = lower
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
        eff_lower = not lower
    if not left_side:
        # x op(a) = b  <=>  op(a)^T x^T = b^T
        a = np.swapaxes(a, -1, -2)
        b = np.swapaxes(b, -1, -2)
        eff_lower = not eff_lower
    try:
        with np.errstate(all="ignore"):
            x = np.linalg.solve(a, b)
        if not np.all(np.isfinite(x)) and np.all(np.isfinite(a)) and np.all(np.isfinite(b)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        x = _substitution(a, b, eff_lower)
    if not left_side:
        x = np.swapaxes(x, -1, -2)
    return np.asarray(x, b.dtype)


triangular_solve_p = standard_primitive("triangular_solve", _triangular_solve_abstract_eval,
                                        _triangular_solve_impl)


# ---------------------------------------------------------------------------
# lu


def _lu_abstract_eval(x: ShapedArray) -> list[ShapedArray]:
    _check_operand("lu", x, square=False)
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    i32 = np.dtype(np.int32)
    return [ShapedArray(x.shape, x.dtype), ShapedArray(batch + (min(m, n),), i32), ShapedArray(batch + (m,), i32)]


def _lu_impl(x: np.ndarray) -> list[np.ndarray]:
    """Partial-pivoting LU (LAPACK getrf's pivot choice), vectorized over the batch."""
    flat, batch = _flat_batch(x)
    a = np.array(flat, copy=True)
    nb, m, n = a.shape
    k = min(m, n)
    pivots = np.zeros((nb, k), np.int32)
    perm = np.tile(np.arange(m, dtype=np.int32), (nb, 1))
    rows = np.arange(nb)
    with np.errstate(all="ignore"):
        for j in range(k):
            p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
            pivots[:, j] = p
            row_j = a[rows, j].copy()
            a[rows, j] = a[rows, p]
            a[rows, p] = row_j
            pj = perm[rows, j].copy()
            perm[rows, j] = perm[rows, p]
            perm[rows, p] = pj
            piv = a[:, j, j][:, None]
            # LAPACK leaves the column unscaled when the pivot is exactly zero
            col = a[:, j + 1:, j]
            a[:, j + 1:, j] = np.where(piv != 0, col / np.where(piv != 0, piv, 1), col)
            if j + 1 < n:
                a[:, j + 1:, j + 1:] -= a[:, j + 1:, j, None] * a[:, j, None, j + 1:]
    return [a.reshape(x.shape).astype(x.dtype, copy=False), pivots.reshape(batch + (k,)),
            perm.reshape(batch + (m,))]


lu_p = standard_primitive("lu", _lu_abstract_eval, _lu_impl, multiple_results=True)


# ---------------------------------------------------------------------------
# qr


def _qr_abstract_eval(x: ShapedArray, *, pivoting: bool = False, full_matrices: bool = True,
                      use_magma: Any = None) -> list[ShapedArray]:
    _check_operand("qr", x, square=False)
    if pivoting:
        raise NotImplementedError("qr: column pivoting (pivoting=True) is not implemented")
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    if full_matrices:
        return [ShapedArray(batch + (m, m), x.dtype), ShapedArray(batch + (m, n), x.dtype)]
    k = min(m, n)
    return [ShapedArray(batch + (m, k), x.dtype), ShapedArray(batch + (k, n), x.dtype)]


def _qr_impl(x: np.ndarray, *, pivoting: bool = False, full_matrices: bool = True,
             use_magma: Any = None) -> list[np.ndarray]:
    m, n = x.shape[-2:]
    mode: Any = "complete" if full_matrices else "reduced"
    if x.size == 0:
        outs = _qr_abstract_eval(ShapedArray(x.shape, x.dtype), full_matrices=full_matrices)
        q = np.zeros(outs[0].shape, x.dtype)
        if q.shape[-1] and q.shape[-2]:
            q[..., np.arange(min(q.shape[-2:])), np.arange(min(q.shape[-2:]))] = 1
        return [q, np.zeros(outs[1].shape, x.dtype)]
    q, r = np.linalg.qr(x, mode=mode)
    return [np.asarray(q, x.dtype), np.asarray(r, x.dtype)]


qr_p = standard_primitive("qr", _qr_abstract_eval, _qr_impl, multiple_results=True)


# ---------------------------------------------------------------------------
# eigh


def _subset(subset_by_index: Any, n: int, name: str) -> tuple[int, int]:
    if subset_by_index is None:
        return 0, n
    lo, hi = (int(i) for i in subset_by_index)
    if not 0 <= lo <= hi <= n:
        raise ValueError(f"{name}: subset_by_index {tuple(subset_by_index)} is out of range for size {n}")
    return lo, hi


def _eigh_abstract_eval(x: ShapedArray, *, lower: bool = True, sort_eigenvalues: bool = True,
                        subset_by_index: Any = None, algorithm: Any = None) -> list[ShapedArray]:
    _check_operand("eigh", x)
    n = x.shape[-1]
    lo, hi = _subset(subset_by_index, n, "eigh")
    batch = x.shape[:-2]
    return [ShapedArray(batch + (n, hi - lo), x.dtype), ShapedArray(batch + (hi - lo,), _real_dtype(x.dtype))]


def _eigh_impl(x: np.ndarray, *, lower: bool = True, sort_eigenvalues: bool = True, subset_by_index: Any = None,
               algorithm: Any = None) -> list[np.ndarray]:
    n = x.shape[-1]
    lo, hi = _subset(subset_by_index, n, "eigh")
    rdt = _real_dtype(x.dtype)
    uplo: Any = "L" if lower else "U"
    if x.size == 0:
        return [np.zeros(x.shape[:-1] + (hi - lo,), x.dtype), np.zeros(x.shape[:-2] + (hi - lo,), rdt)]
    try:
        with np.errstate(all="ignore"):
            w, v = np.linalg.eigh(x, UPLO=uplo)
    except np.linalg.LinAlgError:
        w, v = _per_matrix(lambda m: np.linalg.eigh(m, UPLO=uplo), x, [((n,), rdt), ((n, n), x.dtype)])
    return [np.asarray(v[..., :, lo:hi], x.dtype), np.asarray(w[..., lo:hi], rdt)]


eigh_p = standard_primitive("eigh", _eigh_abstract_eval, _eigh_impl, multiple_results=True)


# ---------------------------------------------------------------------------
# svd


def _svd_abstract_eval(x: ShapedArray, *, full_matrices: bool = True, compute_uv: bool = True,
                       subset_by_index: Any = None, algorithm: Any = None) -> list[ShapedArray]:
    _check_operand("svd", x, square=False)
    m, n = x.shape[-2:]
    k = min(m, n)
    lo, hi = _subset(subset_by_index, k, "svd")
    if (lo, hi) != (0, k) and full_matrices and compute_uv:
        raise ValueError("svd: subset_by_index requires full_matrices=False when computing u and v")
    batch = x.shape[:-2]
    s = ShapedArray(batch + (hi - lo,), _real_dtype(x.dtype))
    if not compute_uv:
        return [s]
    if full_matrices:
        return [s, ShapedArray(batch + (m, m), x.dtype), ShapedArray(batch + (n, n), x.dtype)]
    return [s, ShapedArray(batch + (m, hi - lo), x.dtype), ShapedArray(batch + (hi - lo, n), x.dtype)]


def _svd_impl(x: np.ndarray, *, full_matrices: bool = True, compute_uv: bool = True, subset_by_index: Any = None,
              algorithm: Any = None) -> list[np.ndarray]:
    avals = _svd_abstract_eval(ShapedArray(x.shape, x.dtype), full_matrices=full_matrices, compute_uv=compute_uv,
                               subset_by_index=subset_by_index)
    m, n = x.shape[-2:]
    k = min(m, n)
    lo, hi = _subset(subset_by_index, k, "svd")
    if x.size == 0:
        outs = [np.zeros(a.shape, a.dtype) for a in avals]
        for o in outs[1:]:
            d = min(o.shape[-2:])
            if d:
                o[..., np.arange(d), np.arange(d)] = 1
        return outs
    rdt = _real_dtype(x.dtype)
    if not compute_uv:
        try:
            with np.errstate(all="ignore"):
                s = np.linalg.svd(x, compute_uv=False)
        except np.linalg.LinAlgError:
            s = _per_matrix(lambda a: [np.linalg.svd(a, compute_uv=False)], x, [((k,), rdt)])[0]
        return [np.asarray(s[..., lo:hi], rdt)]
    try:
        with np.errstate(all="ignore"):
            u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    except np.linalg.LinAlgError:
        ku, kv = (m, n) if full_matrices else (k, k)
        u, s, vh = _per_matrix(lambda a: np.linalg.svd(a, full_matrices=full_matrices), x,
                               [((m, ku), x.dtype), ((k,), rdt), ((kv, n), x.dtype)])
    if (lo, hi) != (0, k):
        u, s, vh = u[..., :, lo:hi], s[..., lo:hi], vh[..., lo:hi, :]
    return [np.asarray(s, rdt), np.asarray(u, x.dtype), np.asarray(vh, x.dtype)]


svd_p = standard_primitive("svd", _svd_abstract_eval, _svd_impl, multiple_results=True)


# ---------------------------------------------------------------------------
# eig (general, non-symmetric)


def _eig_abstract_eval(x: ShapedArray, *, compute_left_eigenvectors: bool = True,
                       compute_right_eigenvectors: bool = True, enable_eigvec_derivs: bool = False,
                       implementation: Any = None) -> list[ShapedArray]:
    _check_operand("eig", x)
    cdt = _complex_dtype(x.dtype)
    outs = [ShapedArray(x.shape[:-1], cdt)]
    if compute_left_eigenvectors:
        outs.append(ShapedArray(x.shape, cdt))
    if compute_right_eigenvectors:
        outs.append(ShapedArray(x.shape, cdt))
    return outs


def _geev_normalize(v: np.ndarray) -> np.ndarray:
    """LAPACK geev's normalization: unit 2-norm columns whose largest component is real."""
    norms = np.linalg.norm(v, axis=-2, keepdims=True)
    v = v / np.where(norms == 0, 1, norms)
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    big = np.take_along_axis(v, idx, axis=-2)
    phase = np.where(np.abs(big) == 0, 1, np.conj(big) / np.where(np.abs(big) == 0, 1, np.abs(big)))
    return v * phase  # type: ignore[no-any-return]


def _eig_impl(x: np.ndarray, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
              enable_eigvec_derivs: bool = False, implementation: Any = None) -> list[np.ndarray]:
    cdt = _complex_dtype(x.dtype)
    n = x.shape[-1]
    if x.size == 0:
        return [np.zeros(a.shape, a.dtype) for a in _eig_abstract_eval(
            ShapedArray(x.shape, x.dtype), compute_left_eigenvectors=compute_left_eigenvectors,
            compute_right_eigenvectors=compute_right_eigenvectors)]

    def one(a: np.ndarray) -> list[np.ndarray]:
        w, vr = np.linalg.eig(a)
        vr = vr.astype(cdt)
        res = [w.astype(cdt)]
        if compute_left_eigenvectors:
            # rows of inv(vr) are the left eigenvectors (u^H a = w u^H)
            vl = np.conj(np.linalg.inv(vr)).swapaxes(-1, -2)
            res.append(_geev_normalize(vl).astype(cdt))
        if compute_right_eigenvectors:
            res.append(vr)
        return res

    shapes = [((n,), cdt)] + [((n, n), cdt)] * (int(compute_left_eigenvectors) + int(compute_right_eigenvectors))
    return _per_matrix(one, x, shapes)


eig_p = standard_primitive("eig", _eig_abstract_eval, _eig_impl, multiple_results=True)


# ---------------------------------------------------------------------------
# wrappers


def _as_operand(x: Any) -> Any:
    if isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, (bool, int, float, complex, list, tuple)):
        x = np.asarray(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return Array(x)
    return x


def cholesky(x: Any, *, symmetrize_input: bool = True) -> Any:
    """The lower Cholesky factor ``L`` of Hermitian positive-definite ``x`` (``x = L L^H``).

    With ``symmetrize_input`` the factorized matrix is ``(x + x^H) / 2``;
    otherwise only the lower triangle of ``x`` is read.  NaN where the
    factorization fails.
    """
    x = _as_operand(x)
    if symmetrize_input:
        x = symmetrize(x)
    return tril(cholesky_p.bind(x))


def triangular_solve(a: Any, b: Any, *, left_side: bool = False, lower: bool = False, transpose_a: bool = False,
                     conjugate_a: bool = False, unit_diagonal: bool = False) -> Any:
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b`` for triangular ``a``.

    ``op`` transposes ``a`` if ``transpose_a`` and conjugates it if
    ``conjugate_a``; only the triangle named by ``lower`` is read.  A ``b``
    of one rank less than ``a`` is treated as a vector.
    """
    a, b = _as_operand(a), _as_operand(b)
    a_aval, b_aval = get_aval(a), get_aval(b)
    conjugate_a = bool(conjugate_a) and a_aval.dtype.kind == "c"
    singleton = b_aval.ndim == a_aval.ndim - 1
    if singleton:
        b = st.expand_dims(b, (b_aval.ndim if left_side else b_aval.ndim - 1,))
    out = triangular_solve_p.bind(a, b, left_side=bool(left_side), lower=bool(lower),
                                  transpose_a=bool(transpose_a), conjugate_a=conjugate_a,
                                  unit_diagonal=bool(unit_diagonal))
    if singleton:
        nd = get_aval(out).ndim
        out = st.squeeze(out, (nd - 1,) if left_side else (nd - 2,))
    return out


def lu(x: Any) -> tuple[Any, Any, Any]:
    """LU decomposition with partial pivoting: ``(lu, pivots, permutation)``, ``P a = L U``."""
    lu_, piv, perm = lu_p.bind(_as_operand(x))
    return lu_, piv, perm


def qr(x: Any, *, pivoting: bool = False, full_matrices: bool = True, use_magma: Any = None) -> tuple[Any, Any]:
    """QR decomposition ``x = q r``: ``q`` unitary (reduced if not ``full_matrices``), ``r`` upper triangular."""
    if pivoting:
        raise NotImplementedError("lax.linalg.qr: column pivoting (pivoting=True) is not implemented")
    q, r = qr_p.bind(_as_operand(x), pivoting=False, full_matrices=bool(full_matrices), use_magma=use_magma)
    return q, r


class EighImplementation(enum.Enum):
    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


def eigh(x: Any, *, lower: bool = True, symmetrize_input: bool = True, sort_eigenvalues: bool = True,
         subset_by_index: tuple[int, int] | None = None, implementation: Any = None) -> tuple[Any, Any]:
    """Eigendecomposition of a Hermitian matrix: ``(v, w)``, ``x v = v diag(w)``, ``w`` ascending."""
    x = _as_operand(x)
    if symmetrize_input:
        x = symmetrize(x)
    sub = None if subset_by_index is None else tuple(int(i) for i in subset_by_index)
    v, w = eigh_p.bind(x, lower=bool(lower), sort_eigenvalues=bool(sort_eigenvalues), subset_by_index=sub,
                       algorithm=implementation)
    return v, w


class SvdAlgorithm(enum.Enum):
    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "Polar"
    DIVIDE_AND_CONQUER = "DivideAndConquer"


def svd(x: Any, *, full_matrices: bool = True, compute_uv: bool = True,
        subset_by_index: tuple[int, int] | None = None, algorithm: Any = None) -> Any:
    """Singular value decomposition: ``(u, s, vh)`` with ``x = u diag(s) vh``, or just ``s``."""
    sub = None if subset_by_index is None else tuple(int(i) for i in subset_by_index)
    outs = svd_p.bind(_as_operand(x), full_matrices=bool(full_matrices), compute_uv=bool(compute_uv),
                      subset_by_index=sub, algorithm=algorithm)
    if compute_uv:
        s, u, vh = outs
        return u, s, vh
    return outs[0]


def eig(x: Any, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
        enable_eigvec_derivs: bool = False, implementation: Any = None, use_magma: Any = None) -> list:
    """Eigendecomposition of a general square matrix: ``[w, vl?, vr?]`` (complex)."""
    return list(eig_p.bind(_as_operand(x), compute_left_eigenvectors=bool(compute_left_eigenvectors),
                           compute_right_eigenvectors=bool(compute_right_eigenvectors),
                           enable_eigvec_derivs=bool(enable_eigvec_derivs), implementation=implementation))


def lu_pivots_to_permutation(pivots: Any, permutation_size: int) -> Any:
    """The permutation (int32, ``[..., permutation_size]``) made by applying the row swaps ``pivots``."""
    pivots = _as_operand(pivots)
    aval = get_aval(pivots)
    batch = aval.shape[:-1]
    k = aval.shape[-1]
    size = operator.index(permutation_size)
    if k > size:
        raise ValueError(f"lu_pivots_to_permutation: {k} pivots do not fit a permutation of size {size}")
    pivots = structural.convert_element_type(pivots, np.int32)
    perm = structural.broadcasted_iota(np.int32, batch + (size,), len(batch))
    if k == 0:
        return perm
    nd = len(batch)

    def body(i: Any, p: Any) -> Any:
        j = indexing.dynamic_index_in_dim(pivots, i, axis=nd, keepdims=True)   # [..., 1]
        pos = structural.broadcasted_iota(np.int32, batch + (size,), nd)
        ii = structural.broadcast_in_dim(structural.convert_element_type(i, np.int32), batch + (size,), ())
        jj = structural.broadcast_in_dim(j, batch + (size,), tuple(range(nd)) + (nd,))
        at_i = ew.eq(pos, ii)
        at_j = ew.eq(pos, jj)
        zero = structural.broadcast_in_dim(Array(np.zeros((), np.int32)), batch + (size,), ())
        p_i = reductions.reduce_sum(ew.select(at_i, p, zero), (nd,))
        p_j = reductions.reduce_sum(ew.select(at_j, p, zero), (nd,))
        bi = structural.broadcast_in_dim(p_i, batch + (size,), tuple(range(nd)))
        bj = structural.broadcast_in_dim(p_j, batch + (size,), tuple(range(nd)))
        return ew.select(at_i, bj, ew.select(at_j, bi, p))

    return control_flow.fori_loop(0, k, body, perm)


def lu_by_elimination(x: Any) -> tuple[Any, Any, Any]:
    """``lu``'s results computed with ordinary lax primitives (Doolittle with partial pivoting).

    A portable form of the factorization, used to lower ``lu`` on backends
    without a LAPACK kernel; one ``fori_loop`` step per column.
    """
    x = _as_operand(x)
    aval = get_aval(x)
    shape = aval.shape
    nd = len(shape)
    batch = shape[:-2]
    m, n = shape[-2:]
    k = min(m, n)
    dt = aval.dtype
    rows = st.broadcasted_iota(np.int32, shape, nd - 2)
    cols = st.broadcasted_iota(np.int32, shape, nd - 1)
    row_ids = st.broadcasted_iota(np.int32, batch + (m,), nd - 2)
    zero = full_like(x, 0)

    def bcast_vec(v: Any, target: tuple) -> Any:      # [..., m] -> [..., m, n]
        return st.broadcast_in_dim(v, target, tuple(range(nd - 1)))

    def bcast_row(v: Any) -> Any:                      # [..., n] -> [..., m, n]
        return st.broadcast_in_dim(v, shape, tuple(range(nd - 2)) + (nd - 1,))

    def bcast_batch(v: Any, target: tuple) -> Any:     # [...] -> target
        return st.broadcast_in_dim(v, target, tuple(range(nd - 2)))

    def bcast_scalar(v: Any, target: tuple) -> Any:
        return st.broadcast_in_dim(v, target, ())

    def body(j: Any, carry: tuple) -> tuple:
        a, pivots, perm = carry
        jj = st.convert_element_type(j, np.int32)
        col = indexing.dynamic_index_in_dim(a, jj, axis=nd - 1, keepdims=False)            # [..., m]
        below = ew.ge(row_ids, bcast_scalar(jj, batch + (m,)))
        mag = ew.select(below, ew.abs(col), full_like(ew.abs(col), -1))
        p = reductions.argmax(mag, nd - 2, np.int32)                                       # [...]
        pivots = indexing.dynamic_update_index_in_dim(pivots, st.expand_dims(p, (nd - 2,)), jj, nd - 2)
        is_j = ew.eq(rows, bcast_scalar(jj, shape))
        is_p = ew.eq(rows, bcast_batch(p, shape))
        row_j = reductions.reduce_sum(ew.select(is_j, a, zero), (nd - 2,))                # [..., n]
        row_p = reductions.reduce_sum(ew.select(is_p, a, zero), (nd - 2,))
        a = ew.select(is_j, bcast_row(row_p), ew.select(is_p, bcast_row(row_j), a))
        vec_j = ew.eq(row_ids, bcast_scalar(jj, batch + (m,)))
        vec_p = ew.eq(row_ids, bcast_batch(p, batch + (m,)))
        zero_i = full_like(perm, 0)
        perm_j = reductions.reduce_sum(ew.select(vec_j, perm, zero_i), (nd - 2,))
        perm_p = reductions.reduce_sum(ew.select(vec_p, perm, zero_i), (nd - 2,))
        perm = ew.select(vec_j, bcast_batch(perm_p, batch + (m,)),
                         ew.select(vec_p, bcast_batch(perm_j, batch + (m,)), perm))
        piv = indexing.dynamic_index_in_dim(row_p, jj, axis=nd - 2, keepdims=False)       # [...]
        col = indexing.dynamic_index_in_dim(a, jj, axis=nd - 1, keepdims=False)            # [..., m]
        piv_b = bcast_batch(piv, batch + (m,))
        nonzero = ew.ne(piv_b, full_like(piv_b, 0))
        scaled = ew.select(nonzero, ew.div(col, ew.select(nonzero, piv_b, full_like(piv_b, 1))), col)
        strictly_below = ew.gt(row_ids, bcast_scalar(jj, batch + (m,)))
        factors = ew.select(strictly_below, scaled, full_like(scaled, 0))                 # [..., m]
        right = ew.gt(cols, bcast_scalar(jj, shape))
        update = ew.mul(bcast_vec(factors, shape), ew.select(right, bcast_row(row_p), zero))
        a = ew.sub(a, update)
        in_col = ew.bitwise_and(ew.eq(cols, bcast_scalar(jj, shape)), bcast_vec(strictly_below, shape))
        a = ew.select(in_col, bcast_vec(factors, shape), a)
        return a, pivots, perm

    pivots0 = st.broadcast_in_dim(Array(np.zeros((), np.int32)), batch + (k,), ())
    perm0 = st.broadcasted_iota(np.int32, batch + (m,), nd - 2)
    if k == 0:
        return x, pivots0, perm0
    a, pivots, perm = control_flow.fori_loop(0, k, body, (x, pivots0, perm0))
    return st.convert_element_type(a, dt), pivots, perm


def permutation_matrix(perm: Any, dtype: Any) -> Any:
    """``P`` with ``P[..., i, j] = (perm[..., i] == j)``, so that ``P @ b == b[perm]``."""
    aval = get_aval(perm)
    m = aval.shape[-1]
    shape = aval.shape + (m,)
    nd = len(shape)
    rows = st.broadcast_in_dim(perm, shape, tuple(range(nd - 1)))
    cols = st.broadcasted_iota(aval.dtype, shape, nd - 1)
    return st.convert_element_type(ew.eq(rows, cols), dtypes.canonicalize_dtype(np.dtype(dtype)))


def lu_solve(lu_: Any, permutation: Any, b: Any, trans: int = 0) -> Any:
    """Solve ``a x = b`` (``trans=0``), ``a^T x = b`` (1) or ``a^H x = b`` (2) from ``lu(a)``.

    ``b`` is a batch of matrices ``[..., m, k]`` with the batch of ``lu_``.
    """
    aval = get_aval(lu_)
    p = permutation_matrix(permutation, aval.dtype)
    if trans == 0:
        x = matmul(p, b)
        x = triangular_solve(lu_, x, left_side=True, lower=True, unit_diagonal=True)
        return triangular_solve(lu_, x, left_side=True, lower=False)
    conj = trans == 2
    x = triangular_solve(lu_, b, left_side=True, lower=False, transpose_a=True, conjugate_a=conj)
    x = triangular_solve(lu_, x, left_side=True, lower=True, transpose_a=True, conjugate_a=conj,
                         unit_diagonal=True)
    return matmul(swap_last(p), x)


def solve(a: Any, b: Any) -> Any:
    """Solve ``a x = b`` for square ``a`` (batched; ``b`` a batch of matrices) by LU."""
    lu_, _, perm = lu(a)
    return lu_solve(lu_, perm, b)


# ---------------------------------------------------------------------------
# batched matrix helpers (built from ordinary primitives)


def tri_mask(shape: Sequence[int], k: int = 0, lower: bool = True) -> Any:
    """Boolean mask of ``shape`` (trailing two axes) selecting ``j <= i + k`` (lower) or ``j >= i + k``."""
    shape = tuple(shape)
    nd = len(shape)
    rows = st.broadcasted_iota(np.int32, shape, nd - 2)
    cols = st.broadcasted_iota(np.int32, shape, nd - 1)
    if k:
        rows = ew.add(rows, st.broadcast_in_dim(Array(np.asarray(k, np.int32)), shape, ()))
    return ew.le(cols, rows) if lower else ew.ge(cols, rows)


def _zeros_like(x: Any) -> Any:
    return full_like(x, 0)


def tril(x: Any, k: int = 0) -> Any:
    """Lower triangle (``j <= i + k``) of the trailing matrices of ``x``; zeros elsewhere."""
    aval = get_aval(x)
    return ew.select(tri_mask(aval.shape, k, True), x, _zeros_like(x))


def triu(x: Any, k: int = 0) -> Any:
    """Upper triangle (``j >= i + k``) of the trailing matrices of ``x``; zeros elsewhere."""
    aval = get_aval(x)
    return ew.select(tri_mask(aval.shape, k, False), x, _zeros_like(x))


def swap_last(x: Any) -> Any:
    """Transpose of the trailing two axes."""
    nd = get_aval(x).ndim
    return st.transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def adjoint(x: Any) -> Any:
    """Conjugate transpose of the trailing two axes."""
    x = swap_last(x)
    return ew.conj(x) if get_aval(x).dtype.kind == "c" else x


def symmetrize(x: Any) -> Any:
    """``(x + x^H) / 2``."""
    s = ew.add(x, adjoint(x))
    return ew.div(s, full_like(s, 2))


def matmul(a: Any, b: Any) -> Any:
    """Batched matrix product of equally batched ``[..., m, k]`` and ``[..., k, n]``."""
    nd = get_aval(a).ndim
    batch = tuple(range(nd - 2))
    return dot_general(a, b, (((nd - 1,), (nd - 2,)), (batch, batch)))


def eye(n: int, dtype: Any, batch: Sequence[int] = ()) -> Any:
    """Identity matrices ``[*batch, n, n]``."""
    shape = tuple(batch) + (n, n)
    nd = len(shape)
    mask = ew.eq(st.broadcasted_iota(np.int32, shape, nd - 2), st.broadcasted_iota(np.int32, shape, nd - 1))
    return st.convert_element_type(mask, dtypes.canonicalize_dtype(np.dtype(dtype)))


def diagonal(x: Any) -> Any:
    """The diagonal ``[..., min(m, n)]`` of the trailing matrices."""
    aval = get_aval(x)
    m, n = aval.shape[-2:]
    k = min(m, n)
    nd = aval.ndim
    sq = st.slice(x, (0,) * nd, aval.shape[:-2] + (k, k))
    mask = eye_mask(aval.shape[:-2] + (k, k))
    return reductions.reduce_sum(ew.select(mask, sq, _zeros_like(sq)), (nd - 1,))


def eye_mask(shape: Sequence[int]) -> Any:
    """Boolean mask of the diagonal of the trailing matrices of ``shape``."""
    shape = tuple(shape)
    nd = len(shape)
    return ew.eq(st.broadcasted_iota(np.int32, shape, nd - 2), st.broadcasted_iota(np.int32, shape, nd - 1))


__all__ = [
    "cholesky", "cholesky_p", "triangular_solve", "triangular_solve_p", "lu", "lu_p", "qr", "qr_p",
    "eigh", "eigh_p", "svd", "svd_p", "eig", "eig_p", "lu_pivots_to_permutation", "EighImplementation",
    "SvdAlgorithm", "symmetrize", "tril", "triu", "adjoint", "swap_last", "matmul", "eye", "diagonal",
    "tri_mask", "eye_mask", "permutation_matrix", "lu_solve", "solve", "lu_by_elimination",
]
