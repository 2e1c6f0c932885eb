"""``jax.scipy.linalg``: SciPy's linear-algebra API on ``lax.linalg``.

``expm`` is Higham's scaling-and-squaring with the degree-13 Padé
approximant (its coefficients computed from their closed form); the number
of squarings is data dependent, so it runs as a fixed-length loop of
``max_squarings`` conditional squarings (which stages under ``jit``).
"""
from __future__ import annotations

import math
import operator
from typing import Any, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_core.core import get_aval
from jax_core.lax import linalg as lax_linalg
from jax_numpy import linalg as np_linalg
from jax_numpy._util import promote_dtypes_inexact

Array = Any


def _inexact(*args: Any) -> list:
    return promote_dtypes_inexact(*[jnp.asarray(a) for a in args])


def _shape(a: Any) -> tuple[int, ...]:
    return get_aval(a).shape


def _dtype(a: Any) -> np.dtype:
    return get_aval(a).dtype


def _H(a: Any) -> Any:
    return lax_linalg.adjoint(a)


def _square(fun: str, a: Any) -> None:
    s = _shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{fun}: expected a (stack of) square matrices, got shape {s}")


# --------------------------------------------------------------------------
# Cholesky


def cholesky(a: Array, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> Array:
    """Cholesky factor: upper ``U`` with ``a = U^H U`` (default) or lower ``L`` with ``a = L L^H``."""
    del overwrite_a, check_finite
    a, = _inexact(a)
    _square("cholesky", a)
    L = lax_linalg.cholesky(a)
    return L if lower else _H(L)


def cho_factor(a: Array, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> tuple:
    """``(c, lower)`` for :func:`cho_solve`."""
    del overwrite_a, check_finite
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower: tuple, b: Array, overwrite_b: bool = False, check_finite: bool = True) -> Array:
    """Solve ``a x = b`` from ``cho_factor(a)``."""
    del overwrite_b, check_finite
    c, lower = c_and_lower
    c, b = _inexact(c, b)
    vec = jnp.ndim(b) == jnp.ndim(c) - 1
    if vec:
        b = b[..., None]
    if lower:
        y = lax_linalg.triangular_solve(c, b, left_side=True, lower=True)
        x = lax_linalg.triangular_solve(c, y, left_side=True, lower=True, transpose_a=True, conjugate_a=True)
    else:
        y = lax_linalg.triangular_solve(c, b, left_side=True, lower=False, transpose_a=True, conjugate_a=True)
        x = lax_linalg.triangular_solve(c, y, left_side=True, lower=False)
    return x[..., 0] if vec else x


def solve_triangular(a: Array, b: Array, trans: int | str = 0, lower: bool = False, unit_diagonal: bool = False,
                     overwrite_b: bool = False, debug: Any = None, check_finite: bool = True) -> Array:
    """Solve ``op(a) x = b`` for triangular ``a`` (``trans``: 0/'N', 1/'T', 2/'C')."""
    del overwrite_b, debug, check_finite
    a, b = _inexact(a, b)
    if trans in (0, "N"):
        transpose_a, conjugate_a = False, False
    elif trans in (1, "T"):
        transpose_a, conjugate_a = True, False
    elif trans in (2, "C"):
        transpose_a, conjugate_a = True, True
    else:
        raise ValueError(f"Invalid 'trans' value {trans}")
    vec = jnp.ndim(b) == jnp.ndim(a) - 1
    if vec:
        b = b[..., None]
    out = lax_linalg.triangular_solve(a, b, left_side=True, lower=lower, transpose_a=transpose_a,
                                      conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    return out[..., 0] if vec else out


# --------------------------------------------------------------------------
# LU


def lu_factor(a: Array, overwrite_a: bool = False, check_finite: bool = True) -> tuple:
    """``(lu, piv)``: LAPACK getrf's packed factors and 0-based row swaps."""
    del overwrite_a, check_finite
    a, = _inexact(a)
    lu_, piv, _ = lax_linalg.lu(a)
    return lu_, piv


def lu_solve(lu_and_piv: tuple, b: Array, trans: int = 0, overwrite_b: bool = False,
             check_finite: bool = True) -> Array:
    """Solve ``a x = b`` (``trans`` 0), ``a^T x = b`` (1) or ``a^H x = b`` (2) from :func:`lu_factor`."""
    del overwrite_b, check_finite
    lu_, piv = lu_and_piv
    lu_, b = _inexact(lu_, b)
    m = _shape(lu_)[-1]
    if trans not in (0, 1, 2):
        raise ValueError(f"Invalid 'trans' value {trans}, expected 0, 1 or 2")
    perm = lax_linalg.lu_pivots_to_permutation(piv, m)
    vec = jnp.ndim(b) == jnp.ndim(lu_) - 1
    if vec:
        b = b[..., None]
    x = lax_linalg.lu_solve(lu_, perm, b, trans=trans)
    return x[..., 0] if vec else x


def lu(a: Array, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> tuple:
    """``(p, l, u)`` with ``a = p @ l @ u`` (or ``(p @ l, u)`` with ``permute_l``)."""
    del overwrite_a, check_finite
    a, = _inexact(a)
    lu_, _, perm = lax_linalg.lu(a)
    m, n = _shape(a)[-2:]
    k = min(m, n)
    nd = len(_shape(a))
    batch = _shape(a)[:-2]
    l_part = lax.slice(lu_, (0,) * nd, batch + (m, k))
    l_mat = lax_linalg.tril(l_part, -1) + _eye_rect(m, k, _dtype(a), batch)
    u_mat = lax_linalg.triu(lax.slice(lu_, (0,) * nd, batch + (k, n)))
    p = lax_linalg.swap_last(lax_linalg.permutation_matrix(perm, _dtype(a)))
    if permute_l:
        return jnp.matmul(p, l_mat), u_mat
    return p, l_mat, u_mat


def _eye_rect(m: int, k: int, dtype: Any, batch: tuple) -> Any:
    shape = batch + (m, k)
    nd = len(shape)
    return lax.convert_element_type(
        lax.broadcasted_iota(np.int32, shape, nd - 2) == lax.broadcasted_iota(np.int32, shape, nd - 1), dtype)


# --------------------------------------------------------------------------
# QR, SVD, eigh


def qr(a: Array, overwrite_a: bool = False, lwork: Any = None, mode: str = "full", pivoting: bool = False,
       check_finite: bool = True) -> tuple:
    """``(Q, R)`` for ``mode`` 'full' or 'economic'; ``(R,)`` for 'r'."""
    del overwrite_a, lwork, check_finite
    if pivoting:
        raise NotImplementedError("scipy.linalg.qr: pivoting=True is not implemented")
    a, = _inexact(a)
    if mode in ("full", "r"):
        full = True
    elif mode == "economic":
        full = False
    else:
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = lax_linalg.qr(a, full_matrices=full)
    if mode == "r":
        return (r,)
    return q, r


def svd(a: Array, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True, lapack_driver: str = "gesdd") -> Any:
    """``(U, s, Vh)`` with ``a = U diag(s) Vh``, or ``s``."""
    del overwrite_a, check_finite, lapack_driver
    return np_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def eigh(a: Array, b: Array | None = None, lower: bool = True, eigvals_only: bool = False,
         overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1, check_finite: bool = True,
         subset_by_index: Any = None, subset_by_value: Any = None, driver: Any = None) -> Any:
    """``(w, v)`` (or ``w``) of a Hermitian matrix; the generalized problem (``b``) is not supported."""
    del overwrite_a, overwrite_b, type, check_finite, driver
    if b is not None:
        raise NotImplementedError("Only the b=None case of eigh is implemented")
    if subset_by_value is not None:
        raise NotImplementedError("subset_by_value is not implemented")
    a, = _inexact(a)
    v, w = lax_linalg.eigh(a, lower=lower, subset_by_index=subset_by_index)
    return w if eigvals_only else (w, v)


def eigh_tridiagonal(d: Array, e: Array, *, eigvals_only: bool = False) -> Any:
    """Eigenvalues (and vectors) of the symmetric tridiagonal matrix with diagonal ``d`` and off-diagonal ``e``."""
    d, e = _inexact(d, e)
    n = _shape(d)[-1]
    mat = jnp.diag(d) + jnp.diag(e, 1) + jnp.diag(e, -1) if n > 1 else jnp.diag(d)
    return eigh(mat, eigvals_only=eigvals_only)


# --------------------------------------------------------------------------
# inverses, determinants, solves


def inv(a: Array, overwrite_a: bool = False, check_finite: bool = True) -> Array:
    del overwrite_a, check_finite
    return np_linalg.inv(a)


def det(a: Array, overwrite_a: bool = False, check_finite: bool = True) -> Array:
    del overwrite_a, check_finite
    return np_linalg.det(a)


def solve(a: Array, b: Array, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False,
          check_finite: bool = True, assume_a: str = "gen") -> Array:
    """Solve ``a x = b``; ``assume_a='pos'`` uses a Cholesky factorization."""
    del overwrite_a, overwrite_b, check_finite
    if assume_a not in ("gen", "general", "sym", "symmetric", "her", "hermitian", "pos", "positive definite"):
        raise ValueError(f"Expected assume_a to be one of 'gen', 'sym', 'her' or 'pos'; got {assume_a!r}")
    if assume_a in ("pos", "positive definite"):
        a, b = _inexact(a, b)
        tri = lax_linalg.tril(a) if lower else lax_linalg.triu(a)
        full = tri + _H(lax_linalg.tril(a, -1) if lower else lax_linalg.triu(a, 1))
        return cho_solve(cho_factor(full, lower=True), b)
    return np_linalg.solve(a, b)


# --------------------------------------------------------------------------
# expm


def _pade13_coefficients() -> list[float]:
    m = 13
    return [math.factorial(2 * m - k) * math.factorial(m) /
            (math.factorial(2 * m) * math.factorial(k) * math.factorial(m - k)) for k in range(m + 1)]


_PADE13 = _pade13_coefficients()
_THETA13 = 5.371920351148152     # Higham (2005): the scaling threshold for the degree-13 approximant


def expm(A: Array, *, upper_triangular: bool = False, max_squarings: int = 16) -> Array:
    """Matrix exponential (scaling and squaring with a degree-13 Padé approximant)."""
    del upper_triangular
    A, = _inexact(A)
    _square("expm", A)
    shape = _shape(A)
    n = shape[-1]
    dt = _dtype(A)
    batch = shape[:-2]
    if n == 0:
        return A
    norm1 = jnp.max(jnp.sum(jnp.abs(A), axis=-2), axis=-1)
    rdt = _dtype(norm1)
    ratio = norm1 / jnp.asarray(_THETA13, rdt)
    safe_ratio = jnp.where(ratio > 0, ratio, jnp.ones_like(ratio))
    s = jnp.where(ratio > 1, jnp.ceil(jnp.log2(safe_ratio)), jnp.zeros_like(ratio))
    s = jnp.minimum(s, max_squarings)
    scale = jnp.exp2(-s).astype(dt)
    As = A * scale[..., None, None]
    b = _PADE13
    eye = lax_linalg.eye(n, dt, batch)
    A2 = jnp.matmul(As, As)
    A4 = jnp.matmul(A2, A2)
    A6 = jnp.matmul(A4, A2)
    U = jnp.matmul(As, jnp.matmul(A6, b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2
                   + b[1] * eye)
    V = jnp.matmul(A6, b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    R = np_linalg.solve(V - U, V + U)
    s_int = s.astype(np.int32)

    def square(i: Any, r: Any) -> Any:
        do = (i < s_int)[..., None, None]
        return jnp.where(do, jnp.matmul(r, r), r)

    return lax.fori_loop(0, max_squarings, square, R)


# --------------------------------------------------------------------------
# block_diag


def block_diag(*arrs: Array) -> Array:
    """The block-diagonal matrix with the given blocks (scalars and 1-D arrays count as rows)."""
    if not arrs:
        return jnp.zeros((1, 0))
    mats: list[Any] = []
    for a in arrs:
        a = jnp.asarray(a)
        nd = jnp.ndim(a)
        if nd > 2:
            raise ValueError("Arguments to jax.scipy.linalg.block_diag must have at most 2 dimensions, got "
                             f"{a} at argument {len(mats)}.")
        mats.append(jnp.reshape(a, (1,) * (2 - nd) + _shape(a)) if nd < 2 else a)
    dt = jnp.result_type(*mats)
    total_cols = sum(_shape(m)[1] for m in mats)
    rows = []
    acc = 0
    zero = lax.full((), 0, dt)
    for m in mats:
        r, c = _shape(m)
        rows.append(lax.pad(lax.convert_element_type(m, dt), zero, [(0, 0, 0), (acc, total_cols - acc - c, 0)]))
        acc += c
    return jnp.concatenate(rows, axis=0)


__all__ = [
    "cholesky", "cho_factor", "cho_solve", "solve_triangular", "lu_factor", "lu_solve", "lu", "qr", "svd", "eigh",
    "eigh_tridiagonal", "inv", "det", "solve", "expm", "block_diag",
]
