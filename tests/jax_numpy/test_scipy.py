"""jax_numpy.scipy (special, stats, linalg, ndimage, signal) against SciPy, with gradients, vmap and jit."""
import numpy as np
import pytest
import scipy.linalg as sl
import scipy.ndimage as snd
import scipy.signal as ssig
import scipy.special as ss
import scipy.stats as sst

import jax_numpy as jnp
from jax_ad import check_grads, grad
from jax_batching import vmap
from jax_core.config import config

try:
    import jax_xla
    jit = jax_xla.jit
except ImportError:
    jit = None

S = jnp.scipy.special
T = jnp.scipy.stats
L = jnp.scipy.linalg
R = np.random.RandomState(42)

X = R.randn(12) * 3
P = R.uniform(0.01, 0.99, 12)
POS = R.uniform(0.2, 8.0, 12)
POS2 = R.uniform(0.2, 8.0, 12)
TAILS = np.array([-60.0, -39.0, -25.0, -12.0, -8.5, -3.0, 0.0, 3.0, 8.5, 12.0, 39.0])
PROBS = np.array([1e-300, 1e-80, 1e-12, 1e-5, 0.02, 0.3, 0.5, 0.77, 1 - 1e-9, 0.0, 1.0])
BESSEL = np.array([-700.0, -30.0, -19.5, -5.0, -0.3, 0.0, 0.4, 3.0, 19.9, 20.1, 45.0, 400.0])

# (name, ours, SciPy's, args, float64 tolerance, differentiable argnums)
SPECIAL = [
    ("expit", S.expit, ss.expit, (X,), 1e-13, (0,)),
    ("logit", S.logit, ss.logit, (P,), 1e-13, (0,)),
    ("erf", S.erf, ss.erf, (X,), 1e-13, (0,)),
    ("erfc", S.erfc, ss.erfc, (X,), 1e-12, (0,)),
    ("erfinv", S.erfinv, ss.erfinv, (2 * P - 1,), 1e-12, (0,)),
    ("gammaln", S.gammaln, ss.gammaln, (X,), 1e-12, (0,)),
    ("gamma", S.gamma, ss.gamma, (X,), 1e-11, (0,)),
    ("gamma_poles", S.gamma, ss.gamma, (np.array([0.0, -0.0, -1.0, -4.0, -2.5, 3.0]),), 1e-12, ()),
    ("digamma", S.digamma, ss.digamma, (POS,), 1e-12, (0,)),
    ("polygamma", S.polygamma, ss.polygamma, (np.arange(12) % 4, POS), 1e-11, (1,)),
    ("betaln", S.betaln, ss.betaln, (POS, POS2), 1e-12, (0, 1)),
    ("xlogy", S.xlogy, ss.xlogy, (np.r_[0.0, X[1:]], np.r_[0.0, POS[1:]]), 1e-13, ()),
    ("xlogy_smooth", S.xlogy, ss.xlogy, (X, POS), 1e-13, (0, 1)),
    ("xlog1py", S.xlog1py, ss.xlog1py, (np.r_[0.0, X[1:]], np.r_[-1.0, P[1:]]), 1e-13, ()),
    ("xlog1py_smooth", S.xlog1py, ss.xlog1py, (X, P), 1e-13, (0, 1)),
    ("entr", S.entr, ss.entr, (np.r_[-1.0, 0.0, POS[2:]],), 1e-13, ()),
    ("ndtr", S.ndtr, ss.ndtr, (np.r_[X, TAILS],), 1e-13, (0,)),
    ("log_ndtr", S.log_ndtr, ss.log_ndtr, (np.r_[X, TAILS, -1000.0, -150.0],), 1e-12, (0,)),
    ("ndtri", S.ndtri, ss.ndtri, (PROBS,), 1e-12, ()),
    ("multigammaln", lambda a: S.multigammaln(a, 3), lambda a: ss.multigammaln(a, 3), (POS + 1.5,), 1e-12, (0,)),
    ("i0e", S.i0e, ss.i0e, (BESSEL,), 1e-12, ()),
    ("i0e_smooth", S.i0e, ss.i0e, (BESSEL[BESSEL != 0],), 1e-12, (0,)),   # |x| has a kink at 0
    ("i1e", S.i1e, ss.i1e, (BESSEL,), 1e-12, (0,)),
    ("i0", S.i0, ss.i0, (X,), 1e-12, (0,)),
    ("i1", S.i1, ss.i1, (X,), 1e-12, (0,)),
    ("zeta", S.zeta, ss.zeta, (POS + 1.05, POS2), 1e-12, (0, 1)),
    ("zeta_riemann", S.zeta, ss.zeta, (np.array([1.0, 1.5, 2.0, 3.5, 0.5, 0.0, -1.0, -2.5, -7.0]),), 1e-12, ()),
    ("gammainc", S.gammainc, ss.gammainc, (POS * 2, POS2 * 3), 1e-10, (0, 1)),
    ("gammaincc", S.gammaincc, ss.gammaincc, (POS * 2, POS2 * 3), 1e-10, (0, 1)),
    ("betainc", S.betainc, ss.betainc, (POS, POS2, P), 1e-10, (2,)),
    ("logsumexp", S.logsumexp, ss.logsumexp, (X,), 1e-13, (0,)),
    ("softmax", S.softmax, ss.softmax, (X,), 1e-13, (0,)),
    ("log_softmax", S.log_softmax, ss.log_softmax, (X,), 1e-13, (0,)),
]
SPECIAL_IDS = [c[0] for c in SPECIAL]


@pytest.mark.parametrize("case", SPECIAL, ids=SPECIAL_IDS)
def test_special_float64(case):
    name, ours, theirs, args, tol, _ = case
    with config.enable_x64():
        got = ours(*args)
    np.testing.assert_allclose(np.asarray(got), theirs(*args), rtol=tol, atol=tol, equal_nan=True)


@pytest.mark.parametrize("case", SPECIAL, ids=SPECIAL_IDS)
def test_special_float32(case):
    name, ours, theirs, args, _, _ = case
    args32 = [np.asarray(a, np.float32) if np.asarray(a).dtype.kind == "f" else a for a in args]
    got = ours(*args32)
    assert np.asarray(got).dtype == np.float32
    want = theirs(*[np.asarray(a, np.float64) for a in args32])
    finite = np.isfinite(want) & (np.abs(want) < 1e30)
    np.testing.assert_allclose(np.asarray(got)[finite], want[finite], rtol=2e-5, atol=2e-6)


GRAD_SPECIAL = [c for c in SPECIAL if c[5]]


@pytest.mark.parametrize("case", GRAD_SPECIAL, ids=[c[0] for c in GRAD_SPECIAL])
def test_special_grads(case):
    name, ours, _, args, _, argnums = case
    args = [np.asarray(a)[:5] for a in args]   # a few points keep the finite differences quick
    with config.enable_x64():
        def f(*dyn):
            full = list(args)
            for i, a in zip(argnums, dyn):
                full[i] = a
            return ours(*full)

        check_grads(f, tuple(args[i] for i in argnums),
                    order=1, modes=("fwd", "rev"), eps=1e-6, atol=1e-5, rtol=1e-5)


def test_special_known_derivatives():
    with config.enable_x64():
        x = np.array([0.3, 2.0, 7.5])
        np.testing.assert_allclose(np.asarray(jnp.vectorize(grad(S.gammaln))(x)), ss.digamma(x), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(jnp.vectorize(grad(S.i0e))(x)), ss.i1e(x) - ss.i0e(x), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(jnp.vectorize(grad(S.ndtri))(np.array([0.1, 0.5, 0.9]))),
                                   np.sqrt(2 * np.pi) * np.exp(ss.ndtri([0.1, 0.5, 0.9]) ** 2 / 2), rtol=1e-8)


def test_logsumexp_options():
    a = R.randn(3, 4)
    b = R.randn(3, 4)
    got, sign = S.logsumexp(a, axis=1, b=b, return_sign=True)
    want, want_sign = ss.logsumexp(a, axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(sign), want_sign)
    np.testing.assert_allclose(np.asarray(S.logsumexp(a, axis=0, keepdims=True)),
                               ss.logsumexp(a, axis=0, keepdims=True), rtol=1e-6)


# --------------------------------------------------------------------------
# stats

XS = R.randn(9) * 2
QS = R.uniform(0.02, 0.98, 9)
CONT = [  # (distribution, shape parameters, sample points)
    ("norm", (), XS), ("cauchy", (), XS), ("laplace", (), XS), ("logistic", (), XS), ("expon", (), XS),
    ("uniform", (), XS), ("t", (3.5,), XS), ("beta", (2.3, 1.4), np.r_[R.uniform(0.3, 2.0, 8), 5.0]),
    ("gamma", (2.5,), np.r_[np.abs(XS[:8]) + 0.3, -1.0]), ("pareto", (2.5,), np.r_[np.abs(XS[:8]) + 2.1, 0.5]),
]
CONT_FUNS = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]
STAT_CASES = [(d, fn, params, pts) for d, params, pts in CONT for fn in CONT_FUNS if hasattr(getattr(T, d), fn)]


@pytest.mark.parametrize("case", STAT_CASES, ids=[f"{c[0]}.{c[1]}" for c in STAT_CASES])
def test_continuous_distributions(case):
    dist, fn, params, pts = case
    loc, scale = 0.3, 1.7
    arg = QS if fn in ("ppf", "isf") else pts
    with config.enable_x64():
        got = getattr(getattr(T, dist), fn)(arg, *params, loc, scale)
    want = getattr(getattr(sst, dist), fn)(arg, *params, loc, scale)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-9, atol=1e-12)


DISC = [("poisson", (2.5,)), ("bernoulli", (0.3,)), ("geom", (0.3,))]
DISC_FUNS = ["logpmf", "pmf", "cdf", "logcdf", "sf", "logsf", "ppf"]
DISC_CASES = [(d, fn, params) for d, params in DISC for fn in DISC_FUNS if hasattr(getattr(T, d), fn)]


@pytest.mark.parametrize("case", DISC_CASES, ids=[f"{c[0]}.{c[1]}" for c in DISC_CASES])
def test_discrete_distributions(case):
    dist, fn, params = case
    arg = np.array([0.0, 0.1, 0.3, 0.5, 0.7, 0.95, 1.0]) if fn == "ppf" else np.array([-1.0, 0.0, 1.0, 1.5, 2.0,
                                                                                       3.0, 7.0])
    with config.enable_x64():
        got = getattr(getattr(T, dist), fn)(arg, *params)
    want = getattr(getattr(sst, dist), fn)(arg, *params)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)


def test_multivariate_distributions():
    mean = R.randn(3)
    a = R.randn(3, 3)
    cov = a @ a.T + np.eye(3)
    x = R.randn(5, 3)
    with config.enable_x64():
        np.testing.assert_allclose(np.asarray(T.multivariate_normal.logpdf(x, mean, cov)),
                                   sst.multivariate_normal.logpdf(x, mean, cov), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(T.multivariate_normal.pdf(x[0], mean, cov)),
                                   sst.multivariate_normal.pdf(x[0], mean, cov), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(T.multivariate_normal.logpdf(x, mean, np.array([1.0, 2.0, 0.5]))),
                                   sst.multivariate_normal.logpdf(x, mean, np.diag([1.0, 2.0, 0.5])), rtol=1e-10)
        alpha = np.array([1.5, 2.0, 3.0])
        xd = R.dirichlet(alpha, 4).T
        np.testing.assert_allclose(np.asarray(T.dirichlet.logpdf(xd, alpha)), sst.dirichlet.logpdf(xd, alpha),
                                   rtol=1e-10)
        np.testing.assert_allclose(np.asarray(T.dirichlet.pdf(xd[:2], alpha)), sst.dirichlet.pdf(xd, alpha),
                                   rtol=1e-8)
        assert float(T.dirichlet.logpdf(np.array([0.5, 0.6, 0.1]), alpha)) == -np.inf
        check_grads(lambda m, c: T.multivariate_normal.logpdf(x, m, c), (mean, cov), order=1, eps=1e-6)


def test_stats_grads_vmap_jit():
    with config.enable_x64():
        check_grads(lambda x, s: T.norm.logpdf(x, 0.5, s), (XS, np.full(9, 1.3)), order=2, eps=1e-6)
        check_grads(lambda x: T.gamma.cdf(x, 2.5), (np.abs(XS) + 0.2,), order=1, eps=1e-6)
        check_grads(lambda x: T.t.logpdf(x, 4.0), (XS,), order=2, eps=1e-6)
        check_grads(lambda p: T.bernoulli.logpmf(1.0, p), (QS,), order=2, eps=1e-6)
    f = lambda x, loc: T.logistic.logcdf(x, loc, 2.0)  # noqa: E731
    got = vmap(f, in_axes=(0, None))(np.stack([XS, -XS]).astype(np.float32), np.float32(0.1))
    np.testing.assert_allclose(np.asarray(got)[1], np.asarray(f(-XS.astype(np.float32), np.float32(0.1))),
                               rtol=1e-6)
    if jit is not None:
        x32 = XS.astype(np.float32)
        np.testing.assert_allclose(np.asarray(jit(lambda x: T.norm.logcdf(x))(x32)), np.asarray(T.norm.logcdf(x32)),
                                   rtol=1e-5)
        np.testing.assert_allclose(np.asarray(jit(lambda x: T.beta.cdf(x, 2.0, 3.0))(QS.astype(np.float32))),
                                   sst.beta.cdf(QS, 2.0, 3.0), rtol=1e-4)


# --------------------------------------------------------------------------
# linalg

M = R.randn(4, 4)
SPD = M @ M.T + 4 * np.eye(4)
B = R.randn(4, 2)


@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve_triangular(trans, lower):
    with config.enable_x64():
        got = L.solve_triangular(SPD, B, trans=trans, lower=lower)
    np.testing.assert_allclose(np.asarray(got), sl.solve_triangular(SPD, B, trans=trans, lower=lower), rtol=1e-10)


def test_scipy_linalg_values():
    with config.enable_x64():
        for lower in (False, True):
            c = L.cho_factor(SPD, lower=lower)
            np.testing.assert_allclose(np.asarray(L.cho_solve(c, B)), sl.cho_solve(sl.cho_factor(SPD, lower), B),
                                       rtol=1e-10)
            np.testing.assert_allclose(np.asarray(L.cholesky(SPD, lower=lower)), sl.cholesky(SPD, lower=lower),
                                       rtol=1e-10)
        np.testing.assert_allclose(np.asarray(L.solve_triangular(SPD, B[:, 0], lower=True, unit_diagonal=True)),
                                   sl.solve_triangular(SPD, B[:, 0], lower=True, unit_diagonal=True), rtol=1e-10)
        for shape in [(4, 4), (5, 3), (3, 5)]:
            a = R.randn(*shape)
            for ours, theirs in zip(L.lu(a), sl.lu(a)):
                np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10, atol=1e-12)
            for ours, theirs in zip(L.lu(a, permute_l=True), sl.lu(a, permute_l=True)):
                np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10, atol=1e-12)
        lu_piv = L.lu_factor(M)
        for ours, theirs in zip(lu_piv, sl.lu_factor(M)):
            np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10)
        for trans in (0, 1, 2):
            np.testing.assert_allclose(np.asarray(L.lu_solve(lu_piv, B, trans=trans)),
                                       sl.lu_solve(sl.lu_factor(M), B, trans=trans), rtol=1e-9)
        a = R.randn(5, 3)
        for mode in ("full", "economic", "r"):
            for ours, theirs in zip(L.qr(a, mode=mode), sl.qr(a, mode=mode)):
                np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(np.asarray(L.svd(a, compute_uv=False)), sl.svd(a, compute_uv=False), rtol=1e-10)
        w, v = L.eigh(SPD)
        np.testing.assert_allclose(np.asarray(w), sl.eigh(SPD, eigvals_only=True), rtol=1e-10)
        np.testing.assert_allclose(SPD @ np.asarray(v), np.asarray(v) * np.asarray(w), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(np.asarray(L.inv(M)), sl.inv(M), rtol=1e-9)
        np.testing.assert_allclose(np.asarray(L.det(M)), sl.det(M), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(L.solve(M, B)), sl.solve(M, B), rtol=1e-9)
        np.testing.assert_allclose(np.asarray(L.solve(SPD, B, assume_a="pos")), sl.solve(SPD, B, assume_a="pos"),
                                   rtol=1e-9)
        blocks = (M[:2, :3], np.array([1.0, 2.0]), 5.0)
        np.testing.assert_allclose(np.asarray(L.block_diag(*blocks)), sl.block_diag(*blocks))


@pytest.mark.parametrize("scale", [1e-4, 0.3, 1.0, 8.0, 20.0])
def test_expm(scale):
    with config.enable_x64():
        got = L.expm(M * scale)
    np.testing.assert_allclose(np.asarray(got), sl.expm(M * scale), rtol=1e-9, atol=1e-12)
    got32 = L.expm((M * scale).astype(np.float32))
    np.testing.assert_allclose(np.asarray(got32), sl.expm(M * scale), rtol=2e-4, atol=1e-6)


def test_scipy_linalg_grads_vmap_jit():
    with config.enable_x64():
        check_grads(lambda a: L.expm(a), (M * 0.5,), order=1, eps=1e-6)
        check_grads(lambda a, b: L.solve_triangular(a, b, lower=True, trans=1), (SPD, B), order=2, eps=1e-6)
        check_grads(lambda a, b: L.cho_solve(L.cho_factor(a), b), (SPD, B), order=1, eps=1e-6)
        check_grads(lambda a, b: L.lu_solve(L.lu_factor(a), b), (M, B), order=1, eps=1e-6)
    stack = np.stack([M, 0.5 * M]).astype(np.float32)
    got = vmap(L.expm)(stack)
    for i in range(2):
        np.testing.assert_allclose(np.asarray(got)[i], np.asarray(L.expm(stack[i])), rtol=1e-5, atol=1e-6)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(L.expm)(stack)), np.asarray(L.expm(stack)),
                                   rtol=1e-5, atol=1e-5)
        f = lambda a, b: L.lu_solve(L.lu_factor(a), b)  # noqa: E731
        np.testing.assert_allclose(np.asarray(jit(f)(M.astype(np.float32), B.astype(np.float32))),
                                   np.linalg.solve(M, B), rtol=1e-4, atol=1e-5)


# --------------------------------------------------------------------------
# ndimage and signal

IMG = R.randn(5, 6)
COORDS = [R.uniform(-1.5, 6.5, 7), R.uniform(-1.5, 7.5, 7)]


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates(order, mode):
    scipy_mode = {"constant": "grid-constant", "wrap": "grid-wrap"}.get(mode, mode)
    with config.enable_x64():
        got = jnp.scipy.ndimage.map_coordinates(IMG, COORDS, order, mode=mode, cval=1.5)
    want = snd.map_coordinates(IMG, COORDS, order=order, mode=scipy_mode, cval=1.5)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)


def test_map_coordinates_grad_vmap_jit():
    mc = jnp.scipy.ndimage.map_coordinates
    with config.enable_x64():
        check_grads(lambda img: mc(img, COORDS, 1), (IMG,), order=1, eps=1e-6)
        # interior points: linear interpolation is differentiable in the coordinates too
        inner = [np.array([1.3, 2.6]), np.array([0.2, 4.7])]
        check_grads(lambda c0, c1: mc(IMG, [c0, c1], 1), tuple(inner), order=1, eps=1e-6)
    img32 = IMG.astype(np.float32)
    c32 = [c.astype(np.float32) for c in COORDS]
    got = vmap(lambda im: mc(im, c32, 1, mode="nearest"))(np.stack([img32, 2 * img32]))
    np.testing.assert_allclose(np.asarray(got)[1], 2 * np.asarray(mc(img32, c32, 1, mode="nearest")), rtol=1e-5)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(lambda im: mc(im, c32, 1, mode="reflect"))(img32)),
                                   np.asarray(mc(img32, c32, 1, mode="reflect")), rtol=1e-5)
    ints = np.arange(30, dtype=np.int32).reshape(5, 6)
    assert mc(ints, [np.array([1.5]), np.array([2.5])], 1).dtype == np.int32


A1, K1 = R.randn(10), R.randn(4)
A2, K2 = R.randn(6, 7), R.randn(3, 2)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate(mode):
    sg = jnp.scipy.signal
    with config.enable_x64():
        pairs = [
            (sg.convolve(A1, K1, mode), ssig.convolve(A1, K1, mode)),
            (sg.correlate(A1, K1, mode), ssig.correlate(A1, K1, mode)),
            (sg.correlate(K1, A1, mode), ssig.correlate(K1, A1, mode)),
            (sg.convolve(A2, K2, mode), ssig.convolve(A2, K2, mode)),
            (sg.correlate(A2, K2, mode), ssig.correlate(A2, K2, mode)),
            (sg.convolve2d(A2, K2, mode), ssig.convolve2d(A2, K2, mode)),
            (sg.correlate2d(A2, K2, mode), ssig.correlate2d(A2, K2, mode)),
            (sg.correlate2d(K2, A2, mode), ssig.correlate2d(K2, A2, mode)),
            (sg.correlate(A1 + 1j * A1[::-1], K1 - 0.5j * K1, mode),
             ssig.correlate(A1 + 1j * A1[::-1], K1 - 0.5j * K1, mode)),
        ]
    for got, want in pairs:
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)


def test_signal_grads_vmap_jit():
    sg = jnp.scipy.signal
    with config.enable_x64():
        check_grads(lambda a, k: sg.convolve(a, k, "same"), (A1, K1), order=2, eps=1e-6)
        check_grads(lambda a, k: sg.correlate2d(a, k, "full"), (A2, K2), order=1, eps=1e-6)
    a32, k32 = A1.astype(np.float32), K1.astype(np.float32)
    got = vmap(lambda a: sg.convolve(a, k32))(np.stack([a32, -a32]))
    np.testing.assert_allclose(np.asarray(got)[1], -np.asarray(sg.convolve(a32, k32)), rtol=1e-6)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(lambda a, k: sg.correlate(a, k, "valid"))(a32, k32)),
                                   ssig.correlate(A1, K1, "valid"), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="mode"):
        sg.convolve(A1, K1, "bogus")
