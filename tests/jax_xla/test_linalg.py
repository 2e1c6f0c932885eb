"""Linear algebra and FFT lowerings (LAPACK FFI on CPU) against the eager (NumPy) results."""
import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax_xla  # noqa: E402
from jax_core import Array, lax  # noqa: E402
from jax_core.config import config  # noqa: E402

linalg = pytest.importorskip("jax_core.lax.linalg")

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _rand(shape, dtype, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(*shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.randn(*shape)
    return x.astype(dtype)


def _tol(dtype):
    return 2e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def _prim(name):
    p = lax.all_primitives.get(name)
    if p is None:
        pytest.skip(f"{name} not defined")
    return p


def _both(prim, x, **params):
    eager = prim.bind(Array(x), **params)
    jitted = jax_xla.jit(lambda a: prim.bind(a, **params))(Array(x))
    return eager, jitted


def _close(a, b, dtype):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=_tol(dtype), atol=_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_cholesky_and_triangular_solve(dtype):
    with config.enable_x64(True):
        a = _rand((2, 4, 4), dtype)
        spd = a @ np.conj(np.swapaxes(a, -1, -2)) + 4 * np.eye(4)
        spd = np.stack([spd[0], -spd[1]]).astype(dtype)   # second one is not positive definite
        e, j = _both(_prim("cholesky"), spd)
        lower = np.tril(np.ones((4, 4), bool))
        assert np.isnan(np.asarray(j)[1][lower]).all() and np.isnan(np.asarray(e)[1][lower]).all()
        _close(j[0], e[0], dtype)
        ts = _prim("triangular_solve")
        b = _rand((2, 4, 3), dtype, 1)
        low = np.tril(spd[0] + 0)[None].repeat(2, 0).astype(dtype)
        for left in (True, False):
            rhs = b if left else np.swapaxes(b, -1, -2).copy()
            for lower, trans, conj, unit in [(True, False, False, False), (False, True, False, True),
                                             (True, True, True, False), (True, False, True, False)]:
                aa = low if lower else np.swapaxes(low, -1, -2).copy()
                params = dict(left_side=left, lower=lower, transpose_a=trans, conjugate_a=conj,
                              unit_diagonal=unit)
                want = ts.bind(Array(aa), Array(rhs), **params)
                got = jax_xla.jit(lambda x, y: ts.bind(x, y, **params))(Array(aa), Array(rhs))
                _close(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_lu(dtype):
    with config.enable_x64(True):
        lu_p = _prim("lu")
        for shape in [(4, 4), (2, 3, 5), (5, 3)]:
            x = _rand(shape, dtype)
            (lu_e, piv_e, perm_e), (lu_j, piv_j, perm_j) = _both(lu_p, x)
            np.testing.assert_array_equal(np.asarray(piv_j), np.asarray(piv_e))
            np.testing.assert_array_equal(np.asarray(perm_j), np.asarray(perm_e))
            _close(lu_j, lu_e, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_qr_eigh_svd_eig_reconstruct(dtype):
    with config.enable_x64(True):
        qr_p, eigh_p, svd_p, eig_p = (_prim(n) for n in ("qr", "eigh", "svd", "eig"))
        for shape in [(5, 3), (3, 5), (2, 4, 4)]:
            x = _rand(shape, dtype)
            for full in (True, False):
                (q_e, r_e), (q, r) = _both(qr_p, x, full_matrices=full)
                assert q.shape == q_e.shape and r.shape == r_e.shape
                _close(np.asarray(q) @ np.asarray(r), x, dtype)
                np.testing.assert_array_equal(np.asarray(r), np.triu(np.asarray(r)))
                (s_e, u_e, vh_e), (s, u, vh) = _both(svd_p, x, full_matrices=full, compute_uv=True)
                _close(s, s_e, dtype)
                k = min(x.shape[-2:])
                rec = (np.asarray(u)[..., :, :k] * np.asarray(s)[..., None, :]) @ np.asarray(vh)[..., :k, :]
                _close(rec, x, dtype)
            (s_only,) = jax_xla.jit(lambda a: svd_p.bind(a, full_matrices=False, compute_uv=False))(Array(x))
            _close(s_only, s_e, dtype)
        h = _rand((2, 4, 4), dtype)
        h = (h + np.conj(np.swapaxes(h, -1, -2))).astype(dtype)
        (v_e, w_e), (v, w) = _both(eigh_p, h)
        _close(w, w_e, dtype)
        _close(np.asarray(v) * np.asarray(w)[..., None, :], h @ np.asarray(v), dtype)
        g = _rand((4, 4), dtype)
        (w_e, vl_e, vr_e), (w, vl, vr) = _both(eig_p, g)
        order_e, order = np.argsort(np.asarray(w_e)), np.argsort(np.asarray(w))
        _close(np.asarray(w)[order], np.asarray(w_e)[order_e], dtype)
        _close(g @ np.asarray(vr), np.asarray(vr) * np.asarray(w)[None, :], dtype)
        _close(np.conj(np.asarray(vl)).T @ g, np.asarray(w)[:, None] * np.conj(np.asarray(vl)).T, dtype)


def test_fft_types():
    fft_p = _prim("fft")
    x = _rand((3, 8), np.float32)
    c = _rand((3, 8), np.complex64)
    for typ, arg, lengths in [(0, c, (8,)), (1, c, (8,)), (2, x, (8,)), (3, c[:, :5].copy(), (8,)),
                              (0, c, (3, 8))]:
        e, j = _both(fft_p, arg, fft_type=typ, fft_lengths=lengths)
        assert j.dtype == e.dtype and j.shape == e.shape
        _close(j, e, np.float32)
