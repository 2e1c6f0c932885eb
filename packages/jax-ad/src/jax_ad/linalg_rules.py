"""JVP and transpose rules of the linear-algebra and FFT primitives.

The derivative formulas are the standard ones of matrix perturbation theory
(see Giles, "An extended collection of matrix derivative results", 2008):

* ``cholesky``: ``dL = L Phi(L^-1 dA L^-H)``, ``Phi`` = lower triangle with
  the diagonal halved;
* ``triangular_solve``: linear in ``b``; ``d(op(A)^-1 B) = -op(A)^-1 op(dA) X``;
* ``lu``: ``dLU = L tril(L^-1 P dA U^-1, -1) + triu(L^-1 P dA U^-1) U``;
* ``qr``: Walter & Lehmann's formula for ``m >= n`` (reduced), split into a
  square and a remainder block for ``m < n``;
* ``eigh``: ``dw = diag(V^H dA V)``, ``dV = V (F o V^H dA V)`` with
  ``F_ij = 1 / (w_j - w_i)``;
* ``svd``: Townsend's formulas (reduced factors);
* ``eig``: eigenvalues ``dw = diag(V^-1 dA V)``; eigenvectors only with
  ``enable_eigvec_derivs`` (under LAPACK's normalization);
* ``fft``: linear; its transposes are FFTs again.

Degenerate spectra: the eigenvector (``eigh``, ``eig``) and singular-vector
(``svd``) derivatives divide by eigenvalue (singular value) gaps, so they
are infinite or NaN where two eigenvalues (singular values) coincide -- the
vectors are not differentiable functions of the matrix there.  The
eigenvalue and singular-value derivatives stay finite.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import Array, get_aval
from jax_core.lax import linalg as la
from jax_core.lax.fft import FftType, fft_p

from jax_ad.jvp import jvp_rules
from jax_ad.transpose import is_undefined, transpose_rules
from jax_ad.zeros import Zero, instantiate, tangent_aval


def _zero_like(x: Any) -> Zero:
    return Zero(tangent_aval(get_aval(x)))


def _full(like: Any, value: Any) -> Any:
    return lax.full_like(like, value)


def _real(x: Any) -> Any:
    return lax.real(x) if get_aval(x).dtype.kind == "c" else x


def _as_dtype(x: Any, dtype: Any) -> Any:
    return x if get_aval(x).dtype == dtype else lax.convert_element_type(x, dtype)


def _row(x: Any) -> Any:
    """``[..., k] -> [..., 1, k]``."""
    shape = get_aval(x).shape
    return lax.reshape(x, shape[:-1] + (1, shape[-1]))


def _col(x: Any) -> Any:
    """``[..., k] -> [..., k, 1]``."""
    shape = get_aval(x).shape
    return lax.reshape(x, shape + (1,))


def _bmul(x: Any, y: Any) -> Any:
    """Elementwise product with NumPy broadcasting of size-1 axes (equal ranks)."""
    sx, sy = get_aval(x).shape, get_aval(y).shape
    shape = tuple(max(a, b) for a, b in zip(sx, sy))
    return lax.mul(_bcast(x, shape), _bcast(y, shape))


def _bdiv(x: Any, y: Any) -> Any:
    sx, sy = get_aval(x).shape, get_aval(y).shape
    shape = tuple(max(a, b) for a, b in zip(sx, sy))
    return lax.div(_bcast(x, shape), _bcast(y, shape))


def _bcast(x: Any, shape: tuple) -> Any:
    sx = get_aval(x).shape
    if sx == shape:
        return x
    keep = tuple(i for i, (a, b) in enumerate(zip(sx, shape)) if a == b)
    squeezed = lax.reshape(x, tuple(sx[i] for i in keep))
    return lax.broadcast_in_dim(squeezed, shape, keep)


def _eye_like(x: Any) -> Any:
    """Identity matrices shaped like the (square) trailing matrices of ``x``."""
    aval = get_aval(x)
    return la.eye(aval.shape[-1], aval.dtype, aval.shape[:-2])


def _slice_last(x: Any, start: int, stop: int, axis_from_end: int = 1) -> Any:
    shape = get_aval(x).shape
    nd = len(shape)
    ax = nd - axis_from_end
    lo = [0] * nd
    hi = list(shape)
    lo[ax], hi[ax] = start, stop
    return lax.slice(x, lo, hi)


# --------------------------------------------------------------------------
# cholesky


def _cholesky_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    L = la.cholesky_p.bind(x)
    if type(t) is Zero:
        return L, _zero_like(L)
    Lt = la.tril(L)
    sigma_dot = la.symmetrize(instantiate(t))
    tmp = la.triangular_solve(Lt, sigma_dot, left_side=False, transpose_a=True, conjugate_a=True, lower=True)
    inner = la.triangular_solve(Lt, tmp, left_side=True, transpose_a=False, lower=True)
    phi = lax.div(la.tril(inner), lax.add(_eye_like(inner), _full(inner, 1)))
    return L, la.matmul(Lt, phi)


# --------------------------------------------------------------------------
# triangular_solve


def _op(a: Any, transpose_a: bool, conjugate_a: bool) -> Any:
    if conjugate_a and get_aval(a).dtype.kind == "c":
        a = lax.conj(a)
    return la.swap_last(a) if transpose_a else a


def _triangular_solve_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    a, b = primals
    ta, tb = tangents
    prim = la.triangular_solve_p
    ans = prim.bind(a, b, **params)
    out: Any = _zero_like(ans)
    if type(tb) is not Zero:
        out = prim.bind(a, tb, **params)
    if type(ta) is not Zero:
        k = 0
        if params["unit_diagonal"]:
            k = -1 if params["lower"] else 1
        ta_tri = la.tril(ta, k) if params["lower"] else la.triu(ta, k)
        op_ta = _op(ta_tri, params["transpose_a"], params["conjugate_a"])
        g = la.matmul(op_ta, ans) if params["left_side"] else la.matmul(ans, op_ta)
        contrib = prim.bind(a, lax.neg(g), **params)
        out = contrib if type(out) is Zero else lax.add(out, contrib)
    return ans, out


def _triangular_solve_transpose(ct: Any, a: Any, b: Any, *, left_side: bool, lower: bool, transpose_a: bool,
                                conjugate_a: bool, unit_diagonal: bool) -> list:
    if is_undefined(a):
        raise NotImplementedError("triangular_solve is not linear in its first operand (a)")
    if type(ct) is Zero:
        return [None, Zero(tangent_aval(b.aval))]
    ct_b = la.triangular_solve_p.bind(a, ct, left_side=left_side, lower=lower, transpose_a=not transpose_a,
                                      conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    return [None, ct_b]


# --------------------------------------------------------------------------
# lu


def _lu_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[list, list]:
    (x,), (t,) = primals, tangents
    lu_, pivots, perm = la.lu_p.bind(x)
    outs = [lu_, pivots, perm]
    zeros_int = [_zero_like(pivots), _zero_like(perm)]
    if type(t) is Zero:
        return outs, [_zero_like(lu_)] + zeros_int
    aval = get_aval(x)
    batch = aval.shape[:-2]
    m, n = aval.shape[-2:]
    k = min(m, n)
    dt = aval.dtype
    nb = len(batch)
    zero = lax.full((), 0, dt)
    # L: m x m unit lower triangular (identity beyond column k); U: n x n (identity beyond row k)
    l_part = la.tril(_slice_last(lu_, 0, k), -1)                                    # [.., m, k]
    l_pad = lax.pad(l_part, zero, [(0, 0, 0)] * nb + [(0, 0, 0), (0, m - k, 0)])   # [.., m, m]
    l_full = lax.add(l_pad, la.eye(m, dt, batch))
    u_part = la.triu(_slice_last(lu_, 0, k, axis_from_end=2))                        # [.., k, n]
    u_pad = lax.pad(u_part, zero, [(0, 0, 0)] * nb + [(0, n - k, 0), (0, 0, 0)])   # [.., n, n]
    tail = lax.pad(la.eye(n - k, dt, batch), zero, [(0, 0, 0)] * nb + [(k, 0, 0), (k, 0, 0)])
    u_full = lax.add(u_pad, tail)
    pa = la.matmul(la.permutation_matrix(perm, dt), instantiate(t))                 # rows of dA permuted
    la_ = la.triangular_solve(l_full, pa, left_side=True, lower=True, unit_diagonal=True)
    lau = la.triangular_solve(u_full, la_, left_side=False, lower=False)
    l_dot = la.matmul(l_full, la.tril(lau, -1))
    u_dot = la.matmul(la.triu(lau), u_full)
    return outs, [lax.add(l_dot, u_dot)] + zeros_int


# --------------------------------------------------------------------------
# qr


def _thin_qr_jvp(q: Any, r: Any, dx: Any) -> tuple[Any, Any]:
    """dQ, dR of ``x = q r`` with q ``[m, n]`` orthonormal columns, r ``[n, n]`` (m >= n)."""
    dx_rinv = la.triangular_solve(r, dx, left_side=False, lower=False)
    qt_dx_rinv = la.matmul(la.adjoint(q), dx_rinv)
    lower = la.tril(qt_dx_rinv, -1)
    do = lax.sub(lower, la.adjoint(lower))            # skew-Hermitian
    if get_aval(q).dtype.kind == "c":
        # the imaginary part of the diagonal, which the real-case formula leaves out
        imag_diag = lax.sub(qt_dx_rinv, _as_dtype(lax.real(qt_dx_rinv), get_aval(q).dtype))
        do = lax.add(do, lax.mul(_eye_like(do), imag_diag))
    dq = lax.add(la.matmul(q, lax.sub(do, qt_dx_rinv)), dx_rinv)
    dr = la.matmul(lax.sub(qt_dx_rinv, do), r)
    return dq, dr


def _qr_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, pivoting: bool, full_matrices: bool,
            use_magma: Any) -> tuple[list, list]:
    (x,), (t,) = primals, tangents
    q, r = la.qr_p.bind(x, pivoting=pivoting, full_matrices=full_matrices, use_magma=use_magma)
    if type(t) is Zero:
        return [q, r], [_zero_like(q), _zero_like(r)]
    dx = instantiate(t)
    m, n = get_aval(x).shape[-2:]
    if m < n:
        x2 = _slice_last(x, m, n)
        dx1 = _slice_last(dx, 0, m)
        dx2 = _slice_last(dx, m, n)
        r1 = _slice_last(r, 0, m)
        dq, dr1 = _thin_qr_jvp(q, r1, dx1)
        dr2 = lax.add(la.matmul(la.adjoint(dq), x2), la.matmul(la.adjoint(q), dx2))
        dr = lax.concatenate([dr1, dr2], get_aval(dr1).ndim - 1)
        return [q, r], [dq, dr]
    if full_matrices and m > n:
        raise NotImplementedError(
            "QR decomposition derivative with full_matrices=True is implemented only for square and wide "
            "matrices; use full_matrices=False (mode='reduced') for tall ones.")
    dq, dr = _thin_qr_jvp(q, r, dx)
    return [q, r], [dq, dr]


# --------------------------------------------------------------------------
# eigh


def _eigh_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, lower: bool, sort_eigenvalues: bool,
              subset_by_index: Any, algorithm: Any) -> tuple[list, list]:
    (x,), (t,) = primals, tangents
    n = get_aval(x).shape[-1]
    if subset_by_index is not None and tuple(subset_by_index) != (0, n):
        raise NotImplementedError("Derivatives of eigh with subset_by_index are not implemented")
    v, w = la.eigh_p.bind(x, lower=lower, sort_eigenvalues=sort_eigenvalues, subset_by_index=subset_by_index,
                          algorithm=algorithm)
    if type(t) is Zero:
        return [v, w], [_zero_like(v), _zero_like(w)]
    dt = get_aval(x).dtype
    vdag_adot_v = la.matmul(la.matmul(la.adjoint(v), instantiate(t)), v)
    eye = la.eye(n, get_aval(w).dtype, get_aval(w).shape[:-1])
    # F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it
    diffs = lax.sub(_bcast(_row(w), get_aval(eye).shape), _bcast(_col(w), get_aval(eye).shape))
    fmat = lax.sub(lax.div(_full(eye, 1), lax.add(eye, diffs)), eye)
    dv = la.matmul(v, lax.mul(_as_dtype(fmat, dt), vdag_adot_v))
    dw = _real(la.diagonal(vdag_adot_v))
    return [v, w], [dv, dw]


# --------------------------------------------------------------------------
# svd


def _svd_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, full_matrices: bool, compute_uv: bool,
             subset_by_index: Any, algorithm: Any) -> tuple[list, list]:
    (a,), (t,) = primals, tangents
    m, n = get_aval(a).shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            "Singular value decomposition JVP not implemented for full matrices (non-square input with "
            "full_matrices=True); use full_matrices=False.")
    s, u, vt = la.svd_p.bind(a, full_matrices=False, compute_uv=True, subset_by_index=subset_by_index,
                             algorithm=algorithm)
    primal_out = [s, u, vt] if compute_uv else [s]
    if type(t) is Zero:
        return primal_out, [_zero_like(o) for o in primal_out]
    dt = get_aval(a).dtype
    da = instantiate(t)
    ut, v = la.adjoint(u), la.adjoint(vt)
    ds_mat = la.matmul(la.matmul(ut, da), v)
    ds = _real(la.diagonal(ds_mat))
    if not compute_uv:
        return primal_out, [ds]
    k = get_aval(s).shape[-1]
    sq_shape = get_aval(s).shape[:-1] + (k, k)
    s_row = _bcast(_row(s), sq_shape)                     # s_j
    s_col = _bcast(_col(s), sq_shape)                     # s_i
    s_diffs = lax.mul(lax.add(s_row, s_col), lax.sub(s_row, s_col))   # s_j^2 - s_i^2
    eye_s = la.eye(k, get_aval(s).dtype, get_aval(s).shape[:-1])
    fmat = lax.sub(lax.div(_full(eye_s, 1), lax.add(s_diffs, eye_s)), eye_s)
    s_row_c = _as_dtype(s_row, dt)
    s_col_c = _as_dtype(s_col, dt)
    dss = lax.mul(s_row_c, ds_mat)                         # dS diag(s)
    sds = lax.mul(s_col_c, ds_mat)                         # diag(s) dS
    s_zero = lax.eq(s, _full(s, 0))
    s_safe = lax.select(s_zero, _full(s, 1), s)
    s_inv = lax.select(s_zero, _full(s, 0), lax.div(_full(s, 1), s_safe))
    s_inv_mat = lax.mul(eye_s, _bcast(_row(s_inv), sq_shape))
    half = _full(ds_mat, 0.5)
    dudv_diag = lax.mul(lax.mul(half, lax.sub(ds_mat, la.adjoint(ds_mat))), _as_dtype(s_inv_mat, dt))
    fmat_c = _as_dtype(fmat, dt)
    du = la.matmul(u, lax.add(lax.mul(fmat_c, lax.add(dss, la.adjoint(dss))), dudv_diag))
    dv = la.matmul(v, lax.mul(fmat_c, lax.add(sds, la.adjoint(sds))))
    s_row_div = _as_dtype(_row(s), dt)
    if m > n:
        dav = la.matmul(da, v)
        du = lax.add(du, _bdiv(lax.sub(dav, la.matmul(u, la.matmul(ut, dav))), s_row_div))
    if n > m:
        dahu = la.matmul(la.adjoint(da), u)
        dv = lax.add(dv, _bdiv(lax.sub(dahu, la.matmul(v, la.matmul(vt, dahu))), s_row_div))
    return primal_out, [ds, du, la.adjoint(dv)]


# --------------------------------------------------------------------------
# eig


def _eig_vec_jvp(w: Any, v: Any, da: Any) -> tuple[Any, Any]:
    """dw and dv under geev's normalization (unit norm, real largest component)."""
    n = get_aval(w).shape[-1]
    batch = get_aval(w).shape[:-1]
    dt = get_aval(w).dtype
    eye = la.eye(n, dt, batch)
    sq = batch + (n, n)
    fmat = lax.sub(lax.div(_full(eye, 1), lax.add(eye, lax.sub(_bcast(_row(w), sq), _bcast(_col(w), sq)))), eye)
    p = la.matmul(la.solve(v, da), v)
    dw = la.diagonal(p)
    u = la.matmul(v, lax.mul(fmat, p))
    nd = len(sq)
    kmax = lax.argmax(lax.abs(v), nd - 2, np.int32)                     # [..., n]
    rows = lax.broadcasted_iota(np.int32, sq, nd - 2)
    mask = lax.convert_element_type(lax.eq(rows, lax.broadcast_in_dim(kmax, sq, tuple(range(nd - 2)) + (nd - 1,))),
                                    dt)
    re = lax.neg(lax.reduce_sum(lax.real(lax.mul(lax.conj(v), u)), (nd - 2,)))
    im = lax.neg(lax.div(lax.imag(lax.reduce_sum(lax.mul(mask, u), (nd - 2,))),
                         lax.real(lax.reduce_sum(lax.mul(mask, v), (nd - 2,)))))
    c = lax.complex(re, im)
    return dw, lax.add(u, _bmul(v, _row(c)))


def _eig_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, compute_left_eigenvectors: bool,
             compute_right_eigenvectors: bool, enable_eigvec_derivs: bool, implementation: Any) -> tuple[list, list]:
    (a,), (t,) = primals, tangents
    want_vecs = compute_left_eigenvectors or compute_right_eigenvectors
    if want_vecs and not enable_eigvec_derivs and type(t) is not Zero:
        raise NotImplementedError(
            "Derivatives of non-symmetric eigenvectors are only valid under assumptions on the input that "
            "cannot be checked (distinct eigenvalues); pass enable_eigvec_derivs=True to lax.linalg.eig to "
            "opt in. Eigenvalue derivatives are available (jnp.linalg.eigvals).")
    outs = la.eig_p.bind(a, compute_left_eigenvectors=compute_left_eigenvectors, compute_right_eigenvectors=True,
                         enable_eigvec_derivs=enable_eigvec_derivs, implementation=implementation)
    w, vr = outs[0], outs[-1]
    primal_out = [w] + ([outs[1]] if compute_left_eigenvectors else []) + ([vr] if compute_right_eigenvectors
                                                                            else [])
    if type(t) is Zero:
        return primal_out, [_zero_like(o) for o in primal_out]
    da = _as_dtype(instantiate(t), get_aval(vr).dtype)
    if not want_vecs:
        # dw_j = (V^-1 dA V)_jj
        dw = lax.reduce_sum(lax.mul(la.solve(vr, da), la.swap_last(vr)), (get_aval(vr).ndim - 1,))
        return primal_out, [dw]
    dw, dvr = _eig_vec_jvp(w, vr, da)
    tangent_out = [dw]
    if compute_left_eigenvectors:
        _, dvl = _eig_vec_jvp(lax.conj(w), outs[1], la.adjoint(da))
        tangent_out.append(dvl)
    if compute_right_eigenvectors:
        tangent_out.append(dvr)
    return primal_out, tangent_out


# --------------------------------------------------------------------------
# fft


def _fft_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, fft_type: Any, fft_lengths: tuple) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    out = fft_p.bind(x, fft_type=fft_type, fft_lengths=fft_lengths)
    if type(t) is Zero:
        return out, _zero_like(out)
    return out, fft_p.bind(instantiate(t), fft_type=fft_type, fft_lengths=fft_lengths)


def _rfft_transpose(ct: Any, fft_lengths: tuple) -> Any:
    # RFFT = the first n//2+1 bins of FFT(complex(x)); transpose each step:
    # zero-pad the bins, FFT (the DFT matrix is symmetric), take the real part.
    n = fft_lengths[-1]
    shape = get_aval(ct).shape
    nd = len(shape)
    padded = lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), [(0, 0, 0)] * (nd - 1) + [(0, n - shape[-1], 0)])
    full = fft_p.bind(padded, fft_type=FftType.FFT, fft_lengths=fft_lengths)
    return lax.real(full)


def _irfft_transpose(ct: Any, fft_lengths: tuple) -> Any:
    # IRFFT(y) = real(IFFT(hermitian extension of y)); its transpose maps a
    # real cotangent to the RFFT scaled by 1/N, with the bins that appear twice
    # in the extension counted twice (and conjugated: JAX's convention for
    # the cotangent of a complex input).
    x = fft_p.bind(ct, fft_type=FftType.RFFT, fft_lengths=fft_lengths)
    nb = get_aval(x).shape[-1]
    is_odd = fft_lengths[-1] % 2
    rdt = get_aval(ct).dtype
    weights = np.concatenate([np.ones(1), np.full(nb - 2 + is_odd, 2.0), np.ones(1 - is_odd)])[:nb]
    scale = 1.0 / float(np.prod(fft_lengths))
    mask = Array(np.asarray(weights * scale, rdt))
    xdt = get_aval(x).dtype
    shape = get_aval(x).shape
    m = lax.broadcast_in_dim(lax.convert_element_type(mask, xdt), shape, (len(shape) - 1,))
    return lax.conj(lax.mul(m, x))


def _fft_transpose(ct: Any, x: Any, *, fft_type: Any, fft_lengths: tuple) -> list:
    if type(ct) is Zero:
        return [Zero(tangent_aval(x.aval))]
    typ = FftType(int(fft_type))
    if typ == FftType.RFFT:
        res = _rfft_transpose(ct, fft_lengths)
    elif typ == FftType.IRFFT:
        res = _irfft_transpose(ct, fft_lengths)
    else:
        # the (unnormalized) DFT matrix is symmetric: FFT and IFFT are their own transposes
        res = fft_p.bind(ct, fft_type=typ, fft_lengths=fft_lengths)
    return [res]


# --------------------------------------------------------------------------

jvp_rules[la.cholesky_p] = _cholesky_jvp
jvp_rules[la.triangular_solve_p] = _triangular_solve_jvp
transpose_rules[la.triangular_solve_p] = _triangular_solve_transpose
jvp_rules[la.lu_p] = _lu_jvp
jvp_rules[la.qr_p] = _qr_jvp
jvp_rules[la.eigh_p] = _eigh_jvp
jvp_rules[la.svd_p] = _svd_jvp
jvp_rules[la.eig_p] = _eig_jvp
jvp_rules[fft_p] = _fft_jvp
transpose_rules[fft_p] = _fft_transpose

__all__: list[str] = []
