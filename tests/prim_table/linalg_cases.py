"""Cases for the linear-algebra primitives (lax.linalg) and fft.

Each function takes unconstrained random matrices and builds its
well-conditioned operand inside (``a a^T + n I`` for Cholesky, a shifted
triangle for triangular_solve), so that the batch members the vmap tests
make by permuting entries stay valid.  Eigen- and singular vectors are
returned with a fixed sign (the largest-magnitude entry of each vector made
positive) or by modulus, since LAPACK builds may legitimately pick different
signs.  Eigenvector derivatives assume a non-degenerate spectrum, which
random matrices have.
"""
import numpy as np
import scipy.linalg

from jax_core import lax
from jax_core.lax import linalg as la
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


def _c64(name, *shape):
    r = rng_for(name)
    return (r.randn(*shape) + 1j * r.randn(*shape)).astype(np.complex64)


def _with_spectrum(name, m, n, values):
    """A random ``m x n`` float32 matrix with singular values ``values`` (well separated)."""
    r = rng_for(name)
    q1, _ = np.linalg.qr(r.randn(m, m))
    q2, _ = np.linalg.qr(r.randn(n, n))
    k = min(m, n)
    d = np.zeros((m, n))
    d[np.arange(k), np.arange(k)] = values[:k]
    return (q1 @ d @ q2).astype(np.float32)


def _eye_like(a):
    n = a.shape[-1]
    return la.eye(n, a.dtype, a.shape[:-2])


def _spd(a):
    """``a a^T + n I`` (lax ops): positive definite for any ``a``."""
    n = a.shape[-1]
    return lax.add(la.matmul(a, la.swap_last(a)), lax.mul(_eye_like(a), lax.full_like(_eye_like(a), n)))


def _np_spd(a):
    a = np.asarray(a, np.float64)
    return a @ np.swapaxes(a, -1, -2) + a.shape[-1] * np.eye(a.shape[-1])


def _shifted(a):
    """``a + 4 I``: a triangle of it is far from singular."""
    return lax.add(a, lax.mul(_eye_like(a), lax.full_like(_eye_like(a), 4)))


def _col_sign(v):
    """The sign of the largest-magnitude entry of each column of ``v`` (lax ops), shape ``[..., 1, k]``."""
    nd = len(v.shape)
    idx = lax.argmax(lax.abs(v), nd - 2, np.int32)
    rows = lax.broadcasted_iota(np.int32, v.shape, nd - 2)
    mask = lax.eq(rows, lax.broadcast_in_dim(idx, v.shape, tuple(range(nd - 2)) + (nd - 1,)))
    big = lax.reduce_sum(lax.select(mask, v, lax.full_like(v, 0)), (nd - 2,))
    return lax.reshape(lax.sign(big), v.shape[:-2] + (1, v.shape[-1]))


def _fix_sign(v):
    """Flip each column of ``v`` so that its largest-magnitude entry is positive."""
    return lax.mul(v, lax.broadcast_in_dim(_col_sign(v), v.shape, tuple(range(len(v.shape)))))


def _np_fix_sign(v):
    v = np.asarray(v)
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    return v * np.sign(np.take_along_axis(v, idx, axis=-2))


# --------------------------------------------------------------------------
# cholesky and triangular_solve


def _chol_fun(a):
    return la.cholesky(_spd(a))


def _chol_np(a):
    return np.linalg.cholesky(_np_spd(a))


def _tri_fun(left_side, lower, transpose_a, unit_diagonal):
    def fun(a, b):
        return la.triangular_solve(_shifted(a), b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                                   unit_diagonal=unit_diagonal)

    def np_fun(a, b):
        a = np.asarray(a, np.float64) + 4 * np.eye(a.shape[-1])
        t = np.tril(a) if lower else np.triu(a)
        if unit_diagonal:
            t = t - np.diag(np.diag(t)) + np.eye(t.shape[-1])
        if transpose_a:
            t = t.T
        return np.linalg.solve(t, b) if left_side else np.linalg.solve(t.T, np.asarray(b).T).T

    return fun, np_fun


CASES += [
    PrimCase("cholesky_f32", "cholesky", _chol_fun, [_f32("chol", 3, 3)], _chol_np, diff_argnums=(0,),
             rtol=1e-4, atol=1e-5),
    PrimCase("cholesky_batched_f32", "cholesky", _chol_fun, [_f32("chol_b", 2, 3, 3)],
             lambda a: np.stack([_chol_np(x) for x in a]), rtol=1e-4, atol=1e-5),
]
for _left, _lower, _trans, _unit in [(True, True, False, False), (False, False, True, False),
                                     (True, False, True, True), (False, True, False, True)]:
    _fun, _np_fun = _tri_fun(_left, _lower, _trans, _unit)
    _name = f"triangular_solve_{'left' if _left else 'right'}_{'lower' if _lower else 'upper'}" \
            f"{'_T' if _trans else ''}{'_unit' if _unit else ''}_f32"
    _bshape = (3, 2) if _left else (2, 3)
    CASES.append(PrimCase(_name, "triangular_solve", _fun, [_f32(_name + "a", 3, 3), _f32(_name + "b", *_bshape)],
                          _np_fun, diff_argnums=(0, 1), rtol=1e-4, atol=1e-5))

# --------------------------------------------------------------------------
# lu


def _lu_np(a):
    lu_, piv = scipy.linalg.lu_factor(np.asarray(a, np.float64))
    m = a.shape[0]
    perm = np.arange(m)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    return lu_, piv.astype(np.int32), perm.astype(np.int32)


CASES += [
    PrimCase("lu_f32", "lu", la.lu, [_f32("lu", 4, 4)], _lu_np, diff_argnums=(0,), rtol=1e-4, atol=1e-5,
             grad_rtol=1e-2),
    PrimCase("lu_tall_f32", "lu", la.lu, [_f32("lu_tall", 4, 3)], _lu_np, diff_argnums=(0,), rtol=1e-4,
             atol=1e-5, grad_rtol=1e-2),
    PrimCase("lu_wide_f32", "lu", la.lu, [_f32("lu_wide", 2, 4)], _lu_np, diff_argnums=(0,), rtol=1e-4,
             atol=1e-5, grad_rtol=1e-2),
]

# --------------------------------------------------------------------------
# qr


def _qr_np(full):
    return lambda a: np.linalg.qr(np.asarray(a, np.float64), mode="complete" if full else "reduced")


CASES += [
    PrimCase("qr_reduced_f32", "qr", lambda a: la.qr(a, full_matrices=False), [_f32("qr_red", 4, 3)],
             _qr_np(False), diff_argnums=(0,), rtol=1e-4, atol=1e-5, grad_order=1, grad_rtol=1e-2),
    PrimCase("qr_square_full_f32", "qr", lambda a: la.qr(a, full_matrices=True), [_f32("qr_sq", 3, 3)],
             _qr_np(True), diff_argnums=(0,), rtol=1e-4, atol=1e-5, grad_order=1, grad_rtol=1e-2),
    PrimCase("qr_wide_f32", "qr", lambda a: la.qr(a), [_f32("qr_wide", 2, 4)], _qr_np(True),
             diff_argnums=(0,), rtol=1e-4, atol=1e-5, grad_order=1, grad_rtol=1e-2),
]

# --------------------------------------------------------------------------
# eigh, svd, eig


def _eigh_fun(a):
    v, w = la.eigh(a)
    return _fix_sign(v), w


def _eigh_np(a):
    a = np.asarray(a, np.float64)
    w, v = np.linalg.eigh((a + np.swapaxes(a, -1, -2)) / 2)
    return _np_fix_sign(v), w


def _svd_fun(a):
    u, s, vh = la.svd(a, full_matrices=False)
    sign = _col_sign(u)
    nd = len(u.shape)
    sign_rows = la.swap_last(sign)
    return (lax.mul(u, lax.broadcast_in_dim(sign, u.shape, tuple(range(nd)))), s,
            lax.mul(vh, lax.broadcast_in_dim(sign_rows, vh.shape, tuple(range(nd)))))


def _svd_np(a):
    u, s, vh = np.linalg.svd(np.asarray(a, np.float64), full_matrices=False)
    idx = np.argmax(np.abs(u), axis=-2)[..., None, :]
    sign = np.sign(np.take_along_axis(u, idx, axis=-2))
    return u * sign, s, vh * np.swapaxes(sign, -1, -2)


def _eigvals_fun(a):
    return la.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]


def _eig_vec_fun(a):
    w, vl, vr = la.eig(a)
    return w, lax.abs(vl), lax.abs(vr)


def _eig_vec_np(a):
    w, vr = np.linalg.eig(np.asarray(a, np.float64))
    vl = np.conj(np.linalg.inv(vr)).T
    vl = vl / np.linalg.norm(vl, axis=0, keepdims=True)
    return w, np.abs(vl), np.abs(vr)


CASES += [
    PrimCase("eigh_f32", "eigh", _eigh_fun, [_f32("eigh", 3, 3)], _eigh_np, diff_argnums=(0,), rtol=1e-4,
             atol=1e-5, grad_order=1, grad_rtol=1e-2),
    PrimCase("eigh_batched_f32", "eigh", _eigh_fun, [_f32("eigh_b", 2, 4, 4)], _eigh_np, rtol=1e-4, atol=1e-5),
    PrimCase("svd_f32", "svd", _svd_fun, [_with_spectrum("svd", 4, 3, [3.0, 2.0, 1.0])], _svd_np, diff_argnums=(0,), rtol=1e-4, atol=1e-5,
             grad_order=1, grad_rtol=1e-2),
    PrimCase("svd_values_wide_f32", "svd", lambda a: la.svd(a, compute_uv=False),
             [_with_spectrum("svd_s", 2, 4, [2.0, 1.0])],
             lambda a: np.linalg.svd(np.asarray(a, np.float64), compute_uv=False), diff_argnums=(0,), rtol=1e-4,
             atol=1e-5, grad_rtol=1e-2),
    PrimCase("eigvals_f32", "eig", _eigvals_fun, [_f32("eig", 3, 3)],
             lambda a: np.linalg.eigvals(np.asarray(a, np.float64)), diff_argnums=(0,), rtol=1e-4, atol=1e-5,
             grad_order=1, grad_rtol=1e-2),
    PrimCase("eig_vectors_f32", "eig", _eig_vec_fun, [_f32("eig_vec", 3, 3)], _eig_vec_np, rtol=1e-4, atol=1e-5),
]

# --------------------------------------------------------------------------
# fft

CASES += [
    PrimCase("fft_c64", "fft", lambda x: lax.fft(x, "fft", (8,)), [_c64("fft", 2, 8)],
             lambda x: np.fft.fft(x), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
    PrimCase("ifft2_c64", "fft", lambda x: lax.fft(x, "ifft", (3, 4)), [_c64("ifft2", 2, 3, 4)],
             lambda x: np.fft.ifft2(x), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
    PrimCase("fft3_c64", "fft", lambda x: lax.fft(x, "fft", (2, 3, 4)), [_c64("fft3", 2, 3, 4)],
             lambda x: np.fft.fftn(x), rtol=1e-4, atol=1e-5),
    PrimCase("rfft_f32", "fft", lambda x: lax.fft(x, "rfft", (8,)), [_f32("rfft", 3, 8)],
             lambda x: np.fft.rfft(x), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
    PrimCase("rfft2_odd_f32", "fft", lambda x: lax.fft(x, "rfft", (3, 5)), [_f32("rfft2", 3, 5)],
             lambda x: np.fft.rfft2(x), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
    PrimCase("irfft_c64", "fft", lambda x: lax.fft(x, "irfft", (8,)), [_c64("irfft", 3, 5)],
             lambda x: np.fft.irfft(x, 8), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
    PrimCase("irfft2_odd_c64", "fft", lambda x: lax.fft(x, "irfft", (3, 5)), [_c64("irfft2", 3, 3)],
             lambda x: np.fft.irfft2(x, (3, 5)), diff_argnums=(0,), rtol=1e-4, atol=1e-5),
]
