"""jax_numpy.linalg against NumPy on well-conditioned random inputs; vmap, jit and gradients.

Eigenvectors and singular vectors are compared up to their sign (phase):
the tests look at phase-invariant quantities (reconstructions, absolute
values, or vectors with a fixed sign).  Gradient checks use float64 and
random matrices, whose spectra are non-degenerate: the derivatives of
eigenvectors and singular vectors are undefined where eigenvalues or
singular values coincide.
"""
import numpy as np
import pytest

import jax_numpy as jnp
from jax_ad import check_grads, grad
from jax_batching import vmap
from jax_core.config import config

try:
    import jax_xla
    jit = jax_xla.jit
except ImportError:  # jaxlib not installed: the jit checks are skipped
    jit = None

L = jnp.linalg
RNG = np.random.RandomState(1234)


def _mat(*shape, cond_shift=0.0, seed=None):
    r = RNG if seed is None else np.random.RandomState(seed)
    a = r.randn(*shape)
    if cond_shift:
        a = a + cond_shift * np.eye(shape[-1])
    return a.astype(np.float32)


def _spd(n, batch=(), seed=0):
    a = np.random.RandomState(seed).randn(*batch, n, n)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(np.float32)


def _fix_sign(v):
    """Columns with a positive first entry (works on jnp and NumPy arrays)."""
    s = jnp.sign(v[..., :1, :])
    return v * s


def _np_fix_sign(v):
    return v * np.sign(v[..., :1, :])


SQ = _mat(4, 4, cond_shift=3.0, seed=1)
TALL = _mat(5, 3, seed=2)
WIDE = _mat(3, 5, seed=3)
VEC = _mat(4, seed=4)
SPD = _spd(4, seed=5)
MAT_B = _mat(4, 2, seed=6)

# (name, our function, NumPy oracle, args, tolerance, differentiable)
CASES = [
    ("inv", L.inv, np.linalg.inv, [SQ], 1e-4, True),
    ("solve_vec", L.solve, np.linalg.solve, [SQ, VEC], 1e-4, True),
    ("solve_mat", L.solve, np.linalg.solve, [SQ, MAT_B], 1e-4, True),
    ("det", L.det, np.linalg.det, [SQ], 1e-4, True),
    ("slogdet", lambda a: tuple(L.slogdet(a)), lambda a: tuple(np.linalg.slogdet(a)), [SQ], 1e-5, True),
    ("cholesky", L.cholesky, np.linalg.cholesky, [SPD], 1e-5, True),
    ("cholesky_upper", lambda a: L.cholesky(a, upper=True), lambda a: np.linalg.cholesky(a).T, [SPD], 1e-5, True),
    ("qr_reduced", lambda a: tuple(L.qr(a)), lambda a: tuple(np.linalg.qr(a)), [TALL], 1e-5, True),
    ("qr_complete_square", lambda a: tuple(L.qr(a, "complete")), lambda a: tuple(np.linalg.qr(a, "complete")),
     [SQ], 1e-5, True),
    ("qr_r_wide", lambda a: L.qr(a, "r"), lambda a: np.linalg.qr(a, "r"), [WIDE], 1e-5, True),
    ("svd_values", lambda a: L.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False), [TALL],
     1e-5, True),
    ("svd_vectors", lambda a: (lambda u, s, vh: (_fix_sign(u), s, jnp.abs(vh)))(*L.svd(a, full_matrices=False)),
     lambda a: (lambda u, s, vh: (_np_fix_sign(u), s, np.abs(vh)))(*np.linalg.svd(a, full_matrices=False)),
     [TALL], 1e-4, True),
    ("eigh", lambda a: (lambda w, v: (w, _fix_sign(v)))(*L.eigh(a)),
     lambda a: (lambda w, v: (w, _np_fix_sign(v)))(*np.linalg.eigh(a)), [SPD], 1e-4, True),
    ("eigvalsh", L.eigvalsh, np.linalg.eigvalsh, [SPD], 1e-4, True),
    ("eigvals", lambda a: jnp.sort(L.eigvals(a)), lambda a: np.sort_complex(np.linalg.eigvals(a)), [SQ], 1e-4,
     False),
    ("eig_vectors", lambda a: jnp.abs(L.eig(a)[1]), lambda a: np.abs(np.linalg.eig(a)[1]), [SPD], 1e-4, False),
    ("pinv", L.pinv, np.linalg.pinv, [TALL], 1e-4, True),
    ("lstsq", lambda a, b: L.lstsq(a, b)[0], lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
     [TALL, _mat(5, seed=7)], 1e-4, True),
    ("matrix_power_3", lambda a: L.matrix_power(a, 3), lambda a: np.linalg.matrix_power(a, 3), [SQ], 1e-3, True),
    ("matrix_power_neg", lambda a: L.matrix_power(a, -2), lambda a: np.linalg.matrix_power(a, -2), [SQ], 1e-4,
     True),
    ("matrix_rank", L.matrix_rank, np.linalg.matrix_rank, [np.outer(VEC, VEC).astype(np.float32)], 0, False),
    ("cond", L.cond, np.linalg.cond, [SQ], 1e-4, True),
    ("cond_1", lambda a: L.cond(a, 1), lambda a: np.linalg.cond(a, 1), [SQ], 1e-4, True),
    ("multi_dot", lambda a, b, c: L.multi_dot([a, b, c]), lambda a, b, c: np.linalg.multi_dot([a, b, c]),
     [TALL, WIDE, _mat(5, 2, seed=8)], 1e-4, True),
    ("tensorinv", lambda a: L.tensorinv(a, 2), lambda a: np.linalg.tensorinv(a, 2),
     [_mat(24, 24, cond_shift=6.0, seed=9).reshape(4, 6, 8, 3)], 1e-4, True),
    ("tensorsolve", L.tensorsolve, np.linalg.tensorsolve,
     [_mat(6, 6, cond_shift=4.0, seed=10).reshape(2, 3, 6), _mat(2, 3, seed=11)], 1e-4, True),
]

NORM_ORDS_VEC = [None, 1, -1, 2, -2, np.inf, -np.inf, 0, 3, 0.5]
NORM_ORDS_MAT = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]
CASES += [(f"norm_vec_{o}", (lambda o: lambda x: L.norm(x, o))(o), (lambda o: lambda x: np.linalg.norm(x, o))(o),
           [VEC], 1e-5, o not in (0, np.inf, -np.inf)) for o in NORM_ORDS_VEC]
CASES += [(f"norm_mat_{o}", (lambda o: lambda x: L.norm(x, o))(o), (lambda o: lambda x: np.linalg.norm(x, o))(o),
           [SQ], 1e-5, o not in (1, -1, np.inf, -np.inf)) for o in NORM_ORDS_MAT]

IDS = [c[0] for c in CASES]


def _close(got, want, tol, what):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want), what
    for g, w in zip(got, want):
        g = np.asarray(g)
        assert g.shape == np.shape(w), f"{what}: shape {g.shape} != {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_numpy(case):
    name, fun, oracle, args, tol, _ = case
    got = fun(*args)
    if name == "matrix_rank":   # rank depends on the input's precision: ask NumPy in float32 too
        want = oracle(*args)
        assert int(got) == int(want)
        return
    want = oracle(*[np.asarray(a, np.float64) for a in args])
    _close(got, want, max(tol, 1e-5), name)


def _batch_of(args, k=2):
    """``k`` perturbed copies of each argument, stacked on a new leading axis."""
    return [np.stack([a * (1 + 0.05 * i) + 0.01 * i for i in range(k)]).astype(a.dtype) for a in args]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vmap_matches_loop(case):
    name, fun, _, args, tol, _ = case
    batched = _batch_of(args)
    got = vmap(fun)(*batched)
    for i in range(2):
        want = fun(*[b[i] for b in batched])
        got_i = tuple(np.asarray(g)[i] for g in got) if isinstance(got, tuple) else np.asarray(got)[i]
        _close(got_i, tuple(np.asarray(w) for w in want) if isinstance(want, tuple) else np.asarray(want),
               max(tol, 1e-4), f"{name} member {i}")


@pytest.mark.skipif(jit is None, reason="jaxlib not installed")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jit_matches_eager(case):
    name, fun, _, args, tol, _ = case
    want = fun(*args)
    got = jit(fun)(*args)
    _close(got, tuple(np.asarray(w) for w in want) if isinstance(want, tuple) else np.asarray(want),
           max(tol, 1e-4), name)


GRAD_CASES = [c for c in CASES if c[5]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(case):
    name, fun, _, args, _, _ = case
    with config.enable_x64():
        args64 = [np.asarray(a, np.float64) for a in args]
        check_grads(fun, args64, order=1, modes=("fwd", "rev"), eps=1e-6, atol=1e-5, rtol=1e-5)


def test_second_order_grads_of_solve_and_det():
    with config.enable_x64():
        a = np.asarray(SQ, np.float64)
        check_grads(lambda x: L.det(x), (a,), order=2, modes=("fwd", "rev"), eps=1e-5)
        check_grads(lambda x: L.solve(x, np.asarray(VEC, np.float64)), (a,), order=2, modes=("rev",), eps=1e-5)


def test_det_gradient_is_cofactor_matrix():
    a = np.asarray(SQ, np.float64)
    with config.enable_x64():
        g = grad(L.det)(a)
    np.testing.assert_allclose(np.asarray(g), np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-8)


def test_batched_inputs_and_broadcasting():
    a = _mat(3, 4, 4, cond_shift=3.0, seed=20)
    b = _mat(4, seed=21)
    np.testing.assert_allclose(np.asarray(L.solve(a, b[None].repeat(3, 0))),
                               np.linalg.solve(a, b[None].repeat(3, 0)[..., None])[..., 0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(L.det(a)), np.linalg.det(a), rtol=1e-4)
    np.testing.assert_allclose(np.asarray(L.inv(a)), np.linalg.inv(a), rtol=1e-4, atol=1e-5)
    s, ld = L.slogdet(a)
    s_np, ld_np = np.linalg.slogdet(a)
    np.testing.assert_allclose(np.asarray(s), s_np)
    np.testing.assert_allclose(np.asarray(ld), ld_np, rtol=1e-5)


def test_decompositions_reconstruct():
    u, s, vh = L.svd(WIDE)
    assert u.shape == (3, 3) and s.shape == (3,) and vh.shape == (5, 5)
    np.testing.assert_allclose(np.asarray(u) @ (np.asarray(s)[:, None] * np.asarray(vh)[:3]), WIDE, atol=1e-5)
    w, v = L.eig(SQ)
    np.testing.assert_allclose(SQ @ np.asarray(v), np.asarray(v) * np.asarray(w)[None], atol=1e-4)
    u, s, vh = L.svd(SPD, hermitian=True)
    np.testing.assert_allclose((np.asarray(u) * np.asarray(s)) @ np.asarray(vh), SPD, atol=1e-4)


def test_singular_and_degenerate_inputs():
    sing = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
    assert float(L.det(sing)) == 0.0
    sign, logdet = L.slogdet(sing)
    assert float(sign) == 0.0 and float(logdet) == -np.inf
    assert int(L.matrix_rank(sing)) == 1
    assert np.isinf(float(L.cond(sing))) or float(L.cond(sing)) > 1e6
    not_pd = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    assert np.isnan(np.asarray(L.cholesky(not_pd))).any()


def test_complex_inputs():
    r = np.random.RandomState(3)
    a = (r.randn(3, 3) + 1j * r.randn(3, 3)).astype(np.complex64)
    h = a @ a.conj().T + 3 * np.eye(3)
    np.testing.assert_allclose(np.asarray(L.inv(a)), np.linalg.inv(a), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(L.det(a)), np.linalg.det(a), rtol=1e-4)
    np.testing.assert_allclose(np.asarray(L.cholesky(h)), np.linalg.cholesky(h), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(L.eigvalsh(h)), np.linalg.eigvalsh(h), rtol=1e-4)
    np.testing.assert_allclose(np.asarray(L.svd(a, compute_uv=False)), np.linalg.svd(a, compute_uv=False),
                               rtol=1e-4)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="square"):
        L.inv(TALL)
    with pytest.raises(ValueError, match="two dimensions"):
        L.det(VEC)
    with pytest.raises(ValueError, match="Invalid order"):
        L.norm(SQ, "bogus")
    with pytest.raises(TypeError, match="does not accept dtype"):
        from jax_core.lax import linalg as lax_linalg

        lax_linalg.cholesky(np.eye(3, dtype=np.float16))


def test_random_functions_built_on_linalg():
    from jax_core import random

    key = random.PRNGKey(0)
    mean = np.array([1.0, 2.0, 3.0], np.float32)
    cov = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.5]], np.float32)
    # JAX 0.10.2's stream for PRNGKey(0) (all three factorizations give the same law, different draws)
    want = {"cholesky": [3.2947626, 4.4681525, 2.910132], "eigh": [1.6081359, 1.4388385, 5.829178],
            "svd": [-0.8535874, 0.9378339, 0.22242856]}
    for method, first in want.items():
        got = random.multivariate_normal(key, mean, cov, (2,), method=method)
        np.testing.assert_allclose(np.asarray(got)[0], first, rtol=1e-5, atol=1e-6)
    samples = np.asarray(random.multivariate_normal(key, mean, cov, (20000,)), np.float64)
    np.testing.assert_allclose(samples.mean(0), mean, atol=0.05)
    np.testing.assert_allclose(np.cov(samples.T), cov, atol=0.06)
    keys = random.split(key, 3)
    batched = vmap(lambda k: random.multivariate_normal(k, mean, cov))(keys)
    np.testing.assert_allclose(np.asarray(batched)[1], np.asarray(random.multivariate_normal(keys[1], mean, cov)),
                               rtol=1e-6)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(lambda k: random.multivariate_normal(k, mean, cov))(key)),
                                   np.asarray(random.multivariate_normal(key, mean, cov)), rtol=1e-5)
    q = np.asarray(random.orthogonal(key, 4), np.float64)
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)


@pytest.mark.skipif(jit is None, reason="jaxlib not installed")
def test_lowerings_without_lapack_agree():
    """The lowering used off CPU (no LAPACK: stablehlo.cholesky, an elimination loop for lu) compiles
    and agrees with the eager results; checked here by compiling it for the CPU client."""
    from jax_core import make_jaxpr
    from jax_core.lax import linalg as lax_linalg
    from jax_xla import backends, jaxlib_shim as shim, lowering

    x = _mat(2, 4, 3, seed=30)
    spd = _spd(3, (2,), seed=31)

    def fun(a, s):
        return (*lax_linalg.lu(a), lax_linalg.cholesky(s),
                lax_linalg.triangular_solve(s, a[:, :3, :], left_side=True, lower=True))

    closed = make_jaxpr(fun)(x, spd)
    module = lowering.lower_closed_jaxpr("portable", closed, platform="gpu")
    assert "lapack" not in module.text
    client = backends.get_backend("cpu")
    dev = client.local_devices()[0]
    exe = shim.compile_module(client, module.text, [dev])
    bufs = [shim.device_put(np.ascontiguousarray(v), a, dev) for v, a in zip((x, spd), closed.in_avals)]
    outs = shim.execute(exe, bufs, [shim.result_handler(a, dev) for a in closed.out_avals])
    for got, want in zip(outs, fun(x, spd)):
        np.testing.assert_allclose(shim.to_numpy(got), np.asarray(want), rtol=1e-5, atol=1e-5)
