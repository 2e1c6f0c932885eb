"""jax_numpy.fft against numpy.fft: every function, every norm, crops and pads; vmap, jit, gradients."""
import numpy as np
import pytest

import jax_numpy as jnp
from jax_ad import check_grads
from jax_batching import vmap
from jax_core.config import config

try:
    import jax_xla
    jit = jax_xla.jit
except ImportError:
    jit = None

F = jnp.fft
R = np.random.RandomState(7)
X_REAL = R.randn(3, 4, 6).astype(np.float32)
X_CPLX = (R.randn(3, 4, 6) + 1j * R.randn(3, 4, 6)).astype(np.complex64)
NORMS = [None, "backward", "ortho", "forward"]

# (name, function of (array, norm), the NumPy equivalent, input)
CASES = [
    ("fft", lambda x, n: F.fft(x, norm=n), lambda x, n: np.fft.fft(x, norm=n), X_CPLX),
    ("fft_pad_axis0", lambda x, n: F.fft(x, 5, axis=0, norm=n), lambda x, n: np.fft.fft(x, 5, axis=0, norm=n), X_CPLX),
    ("ifft_crop", lambda x, n: F.ifft(x, 4, norm=n), lambda x, n: np.fft.ifft(x, 4, norm=n), X_CPLX),
    ("fft_of_real", lambda x, n: F.fft(x, norm=n), lambda x, n: np.fft.fft(x, norm=n), X_REAL),
    ("rfft", lambda x, n: F.rfft(x, norm=n), lambda x, n: np.fft.rfft(x, norm=n), X_REAL),
    ("rfft_odd_n", lambda x, n: F.rfft(x, 7, axis=1, norm=n), lambda x, n: np.fft.rfft(x, 7, axis=1, norm=n), X_REAL),
    ("irfft", lambda x, n: F.irfft(x, norm=n), lambda x, n: np.fft.irfft(x, norm=n), X_CPLX),
    ("irfft_odd_n", lambda x, n: F.irfft(x, 9, norm=n), lambda x, n: np.fft.irfft(x, 9, norm=n), X_CPLX),
    ("hfft", lambda x, n: F.hfft(x, norm=n), lambda x, n: np.fft.hfft(x, norm=n), X_CPLX),
    ("ihfft", lambda x, n: F.ihfft(x, norm=n), lambda x, n: np.fft.ihfft(x, norm=n), X_REAL),
    ("fft2", lambda x, n: F.fft2(x, norm=n), lambda x, n: np.fft.fft2(x, norm=n), X_CPLX),
    ("ifft2_s_axes", lambda x, n: F.ifft2(x, s=(2, 5), axes=(0, 2), norm=n),
     lambda x, n: np.fft.ifft2(x, s=(2, 5), axes=(0, 2), norm=n), X_CPLX),
    ("fftn", lambda x, n: F.fftn(x, norm=n), lambda x, n: np.fft.fftn(x, norm=n), X_CPLX),
    ("ifftn_axes", lambda x, n: F.ifftn(x, axes=(2, 0), norm=n), lambda x, n: np.fft.ifftn(x, axes=(2, 0), norm=n),
     X_CPLX),
    ("rfft2", lambda x, n: F.rfft2(x, norm=n), lambda x, n: np.fft.rfft2(x, norm=n), X_REAL),
    ("irfft2", lambda x, n: F.irfft2(x, s=(4, 7), norm=n), lambda x, n: np.fft.irfft2(x, s=(4, 7), norm=n), X_CPLX),
    ("rfftn", lambda x, n: F.rfftn(x, norm=n), lambda x, n: np.fft.rfftn(x, norm=n), X_REAL),
    ("irfftn", lambda x, n: F.irfftn(x, norm=n), lambda x, n: np.fft.irfftn(x, norm=n), X_CPLX),
    ("fftn_4d", lambda x, n: F.fftn(x, norm=n), lambda x, n: np.fft.fftn(x, norm=n), X_CPLX.reshape(3, 2, 2, 6)),
    ("rfftn_4d", lambda x, n: F.rfftn(x, norm=n), lambda x, n: np.fft.rfftn(x, norm=n), X_REAL.reshape(3, 2, 2, 6)),
    ("irfftn_4d", lambda x, n: F.irfftn(x, norm=n), lambda x, n: np.fft.irfftn(x, norm=n),
     X_CPLX.reshape(3, 2, 2, 6)),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_numpy(case, norm):
    name, fun, oracle, x = case
    got = fun(x, norm)
    want = oracle(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64), norm)
    assert np.asarray(got).shape == want.shape
    expected_dtype = np.complex64 if np.iscomplexobj(want) else np.float32
    assert np.asarray(got).dtype == expected_dtype, name
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-4, atol=2e-4 * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vmap(case):
    name, fun, _, x = case
    xs = np.stack([x, x * 2 + 1])
    got = vmap(lambda a: fun(a, None))(xs)
    for i in range(2):
        np.testing.assert_allclose(np.asarray(got)[i], np.asarray(fun(xs[i], None)), rtol=1e-5, atol=1e-4)


@pytest.mark.skipif(jit is None, reason="jaxlib not installed")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jit(case):
    name, fun, _, x = case
    got = jit(lambda a: fun(a, "ortho"))(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(fun(x, "ortho")), rtol=1e-4, atol=1e-4)


GRAD_CASES = [c for c in CASES if not c[0].endswith("_4d")]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(case):
    name, fun, _, x = case
    with config.enable_x64():
        x64 = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)[:2, :3]
        check_grads(lambda a: fun(a, "ortho"), (x64,), order=2, modes=("fwd", "rev"), eps=1e-6)


def test_frequencies_and_shifts():
    for n in (1, 6, 7):
        for d in (1.0, 0.25):
            np.testing.assert_allclose(np.asarray(F.fftfreq(n, d)), np.fft.fftfreq(n, d), rtol=1e-6)
            np.testing.assert_allclose(np.asarray(F.rfftfreq(n, d)), np.fft.rfftfreq(n, d), rtol=1e-6)
    assert F.fftfreq(8).dtype == np.float32
    x = np.arange(30.0).reshape(5, 6)
    np.testing.assert_array_equal(np.asarray(F.fftshift(x)), np.fft.fftshift(x))
    np.testing.assert_array_equal(np.asarray(F.ifftshift(x)), np.fft.ifftshift(x))
    np.testing.assert_array_equal(np.asarray(F.fftshift(x, axes=1)), np.fft.fftshift(x, axes=1))
    np.testing.assert_array_equal(np.asarray(F.ifftshift(F.fftshift(x))), x)


def test_roundtrips():
    np.testing.assert_allclose(np.asarray(F.ifft(F.fft(X_CPLX))), X_CPLX, atol=1e-5)
    np.testing.assert_allclose(np.asarray(F.irfft(F.rfft(X_REAL), 6)), X_REAL, atol=1e-5)
    np.testing.assert_allclose(np.asarray(F.irfftn(F.rfftn(X_REAL), X_REAL.shape)), X_REAL, atol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match="norm"):
        F.fft(X_CPLX, norm="bogus")
    with pytest.raises(ValueError, match="repeated axes"):
        F.fftn(X_CPLX, axes=(0, 0))
    with pytest.raises(TypeError, match="real"):
        F.rfft(X_CPLX)
