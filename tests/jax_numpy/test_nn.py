"""jax_numpy.nn: activations against NumPy/SciPy formulas, stability at extreme inputs, gradients,
vmap/jit, and the initializers (shapes, statistics, orthogonality, JAX's streams)."""
import math

import numpy as np
import pytest
import scipy.special as sp

import jax_numpy as jnp
from jax_ad import check_grads, grad
from jax_batching import vmap
from jax_core import random
from jax_core.config import config

try:
    import jax_xla
    jit = jax_xla.jit
except ImportError:
    jit = None

nn = jnp.nn
init = jnp.nn.initializers
X = np.linspace(-5.5, 5.5, 22).astype(np.float32)   # avoids the kinks at 0, +-1, +-3, 6


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

# (name, our function, NumPy reference)
ACTIVATIONS = [
    ("relu", nn.relu, lambda x: np.maximum(x, 0)),
    ("relu6", nn.relu6, lambda x: np.clip(x, 0, 6)),
    ("sigmoid", nn.sigmoid, sp.expit),
    ("softplus", nn.softplus, lambda x: np.logaddexp(x, 0)),
    ("soft_sign", nn.soft_sign, lambda x: x / (np.abs(x) + 1)),
    ("silu", nn.silu, lambda x: x * sp.expit(x)),
    ("swish", nn.swish, lambda x: x * sp.expit(x)),
    ("log_sigmoid", nn.log_sigmoid, sp.log_expit),
    ("leaky_relu", nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("leaky_relu_0.2", lambda x: nn.leaky_relu(x, 0.2), lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("elu", nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu_2", lambda x: nn.elu(x, 2.0), lambda x: np.where(x > 0, x, 2 * np.expm1(x))),
    ("celu", lambda x: nn.celu(x, 1.5), lambda x: np.maximum(x, 0) + 1.5 * np.expm1(np.minimum(x, 0) / 1.5)),
    ("selu", nn.selu, lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x))),
    ("gelu_tanh", nn.gelu, _gelu_tanh),
    ("gelu_exact", lambda x: nn.gelu(x, approximate=False), lambda x: x * 0.5 * (1 + sp.erf(x / np.sqrt(2)))),
    ("hard_tanh", nn.hard_tanh, lambda x: np.clip(x, -1, 1)),
    ("hard_sigmoid", nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("hard_swish", nn.hard_swish, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("hard_silu", nn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("mish", nn.mish, lambda x: x * np.tanh(np.logaddexp(x, 0))),
]
IDS = [a[0] for a in ACTIVATIONS]


@pytest.mark.parametrize("case", ACTIVATIONS, ids=IDS)
def test_activation_values(case):
    _, fun, ref = case
    got = fun(X)
    assert got.dtype == np.float32 and got.shape == X.shape
    np.testing.assert_allclose(np.asarray(got), ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", ACTIVATIONS, ids=IDS)
def test_activation_grads(case):
    _, fun, _ = case
    with config.enable_x64():
        check_grads(fun, (X.astype(np.float64),), order=2, modes=("fwd", "rev"), eps=1e-6)


@pytest.mark.parametrize("case", ACTIVATIONS, ids=IDS)
def test_activation_vmap_jit(case):
    _, fun, _ = case
    xs = np.stack([X, -X, 2 * X])
    np.testing.assert_allclose(np.asarray(vmap(fun)(xs)), np.stack([np.asarray(fun(x)) for x in xs]), rtol=1e-6)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(fun)(X)), np.asarray(fun(X)), rtol=1e-6, atol=1e-6)


def test_kink_derivatives_follow_jax():
    assert float(grad(nn.relu)(0.0)) == 0.0
    assert float(grad(nn.relu6)(0.0)) == 0.0 and float(grad(nn.relu6)(6.0)) == 0.0
    assert float(grad(nn.relu)(2.0)) == 1.0
    assert float(grad(nn.leaky_relu)(-1.0)) == pytest.approx(0.01)


def test_glu_and_one_hot_and_standardize():
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4) / 5 - 1
    np.testing.assert_allclose(np.asarray(nn.glu(x)), x[:, :2] * sp.expit(x[:, 2:]), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.glu(x[:2], axis=0)), x[:1] * sp.expit(x[1:2]), rtol=1e-6)
    with pytest.raises(ValueError):
        nn.glu(x, axis=0)
    labels = np.array([0, 2, 1, 3, -1])
    oh = nn.one_hot(labels, 3)
    assert oh.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(oh), np.eye(3)[[0, 2, 1]].tolist() + [[0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(np.asarray(nn.one_hot(labels[:3], 3, axis=0)), np.eye(3)[[0, 2, 1]].T)
    assert nn.one_hot(labels, 4, dtype=jnp.int32).dtype == np.int32
    z = nn.standardize(x, axis=-1)
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(np.asarray(z), want, rtol=1e-4, atol=1e-5)
    z0 = nn.standardize(x, axis=0, epsilon=0.1)
    np.testing.assert_allclose(np.asarray(z0), (x - x.mean(0)) / np.sqrt(x.var(0) + 0.1), rtol=1e-4, atol=1e-5)


def test_softmax_family_values():
    r = np.random.RandomState(0)
    x = r.randn(3, 5).astype(np.float32)
    for axis in (-1, 0, (0, 1)):
        np.testing.assert_allclose(np.asarray(nn.softmax(x, axis=axis)), sp.softmax(x, axis=axis), rtol=1e-5)
        np.testing.assert_allclose(np.asarray(nn.log_softmax(x, axis=axis)), sp.log_softmax(x, axis=axis),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(nn.logsumexp(x, axis=axis)), sp.logsumexp(x, axis=axis), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(x)), sp.logsumexp(x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(x, axis=1, keepdims=True)),
                               sp.logsumexp(x, axis=1, keepdims=True), rtol=1e-6)
    where = x > -0.5
    got = nn.softmax(x, where=where)
    want = np.where(where, np.exp(x) / np.sum(np.where(where, np.exp(x), 0), -1, keepdims=True), 0)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-7)
    with config.enable_x64():
        check_grads(lambda a: nn.softmax(a, axis=0), (x.astype(np.float64),), order=2, eps=1e-6)
        check_grads(nn.log_softmax, (x.astype(np.float64),), order=2, eps=1e-6)
        check_grads(lambda a: nn.logsumexp(a, axis=1), (x.astype(np.float64),), order=2, eps=1e-6)


def test_stable_at_extreme_inputs():
    np.testing.assert_array_equal(np.asarray(nn.softmax(np.array([1000.0, 0.0], np.float32))), [1.0, 0.0])
    np.testing.assert_array_equal(np.asarray(nn.log_softmax(np.array([1000.0, 0.0], np.float32))), [0.0, -1000.0])
    assert float(nn.log_sigmoid(np.float32(-1000.0))) == -1000.0
    assert float(nn.log_sigmoid(np.float32(1000.0))) == 0.0
    assert float(nn.softplus(np.float32(1000.0))) == 1000.0
    assert float(nn.softplus(np.float32(-1000.0))) == 0.0
    assert float(nn.sigmoid(np.float32(-1000.0))) == 0.0 and float(nn.sigmoid(np.float32(1000.0))) == 1.0
    assert float(nn.elu(np.float32(-1000.0))) == -1.0
    assert np.isfinite(np.asarray(nn.gelu(np.array([-1000.0, 1000.0], np.float32)))).all()
    rows = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 1.0, 2.0], [np.inf, 0.0, 1.0]], np.float32)
    lse = np.asarray(nn.logsumexp(rows, axis=1))
    assert lse[0] == -np.inf and lse[2] == np.inf
    np.testing.assert_allclose(lse[1], sp.logsumexp([0.0, 1.0, 2.0]), rtol=1e-6)
    big = np.array([1e30, 1e30], np.float32)
    np.testing.assert_allclose(float(nn.logsumexp(big)), 1e30 + math.log(2), rtol=1e-6)
    # gradients stay finite where naive formulas overflow
    g = grad(lambda v: nn.log_softmax(v)[1])(np.array([1000.0, 0.0], np.float32))
    np.testing.assert_allclose(np.asarray(g), [-1.0, 1.0], atol=1e-6)
    assert float(grad(nn.log_sigmoid)(np.float32(-1000.0))) == 1.0
    assert float(grad(nn.softplus)(np.float32(1000.0))) == 1.0
    g = grad(lambda v: nn.logsumexp(v))(np.array([0.0, -np.inf], np.float32))
    np.testing.assert_allclose(np.asarray(g), [1.0, 0.0])


def test_logsumexp_weights_and_sign():
    r = np.random.RandomState(1)
    a = r.randn(4, 3)
    b = r.randn(4, 3)
    got, sign = nn.logsumexp(a, axis=0, b=b, return_sign=True)
    want, want_sign = sp.logsumexp(a, axis=0, b=b, return_sign=True)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(sign), want_sign)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(a, b=np.abs(b))), sp.logsumexp(a, b=np.abs(b)), rtol=1e-5)


# --------------------------------------------------------------------------
# initializers

KEY = random.PRNGKey(0)


def test_simple_initializers():
    assert np.asarray(init.zeros(KEY, (2, 3))).tolist() == [[0.0] * 3] * 2
    assert init.ones(KEY, (2,), jnp.int32).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(init.constant(2.5)(KEY, (2, 2))), np.full((2, 2), 2.5))
    u = np.asarray(init.uniform(0.5)(KEY, (2000,)))
    assert u.dtype == np.float32 and 0 <= u.min() and u.max() < 0.5 and abs(u.mean() - 0.25) < 0.02
    n = np.asarray(init.normal(2.0)(KEY, (4000,)))
    assert abs(n.std() - 2.0) < 0.1
    t = np.asarray(init.truncated_normal(1.0)(KEY, (4000,)))
    assert t.min() >= -2.0 and t.max() <= 2.0


@pytest.mark.parametrize("name,scale,fan", [
    ("glorot_uniform", 1.0, "avg"), ("glorot_normal", 1.0, "avg"), ("xavier_uniform", 1.0, "avg"),
    ("xavier_normal", 1.0, "avg"), ("lecun_uniform", 1.0, "in"), ("lecun_normal", 1.0, "in"),
    ("he_uniform", 2.0, "in"), ("he_normal", 2.0, "in"), ("kaiming_uniform", 2.0, "in"),
    ("kaiming_normal", 2.0, "in"),
])
def test_variance_scaling_family(name, scale, fan):
    shape = (3, 3, 40, 60)   # conv kernel HWIO: receptive field 9
    w = np.asarray(getattr(init, name)()(KEY, shape))
    assert w.shape == shape and w.dtype == np.float32
    fan_in, fan_out = 40 * 9, 60 * 9
    denom = fan_in if fan == "in" else (fan_in + fan_out) / 2
    np.testing.assert_allclose(w.var(), scale / denom, rtol=0.06)
    if name.endswith("uniform"):
        assert np.abs(w).max() <= math.sqrt(3 * scale / denom) + 1e-6
    else:
        assert np.abs(w).max() <= 2 * math.sqrt(scale / denom) / 0.87962566103423978 + 1e-6


def test_variance_scaling_options_and_errors():
    w = np.asarray(init.variance_scaling(1.0, "fan_out", "normal", in_axis=0, out_axis=1)(KEY, (50, 80)))
    np.testing.assert_allclose(w.var(), 1.0 / 80, rtol=0.1)
    w = np.asarray(init.variance_scaling(2.0, "fan_in", "uniform", batch_axis=0)(KEY, (4, 100, 30)))
    np.testing.assert_allclose(w.var(), 2.0 / 100, rtol=0.1)
    c = np.asarray(init.glorot_normal(dtype=jnp.complex64)(KEY, (40, 50)))
    assert c.dtype == np.complex64
    np.testing.assert_allclose(np.mean(np.abs(c) ** 2), 2.0 / 90, rtol=0.1)
    with pytest.raises(ValueError, match="invalid mode"):
        init.variance_scaling(1.0, "fan_sideways", "normal")(KEY, (2, 2))
    with pytest.raises(ValueError, match="invalid distribution"):
        init.variance_scaling(1.0, "fan_in", "cauchy")(KEY, (2, 2))
    with pytest.raises(ValueError, match="at least 2D"):
        init.glorot_uniform()(KEY, (5,))


def test_streams_match_jax():
    # values drawn with JAX 0.10.2 (jax.nn.initializers, PRNGKey(0))
    np.testing.assert_allclose(np.asarray(init.glorot_normal()(KEY, (3, 4)))[0],
                               [0.8847433, 1.042002, -0.25077057, -0.04559559], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(init.he_uniform()(KEY, (2, 3)))[0], [1.550764, 1.6578493, -0.5809593],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(init.orthogonal()(KEY, (3, 4)))[0],
                               [0.8337946, -0.04039752, -0.25450924, -0.4882415], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,column_axis", [((6, 4), -1), ((4, 6), -1), ((3, 2, 5), -1), ((5, 3), 0)])
def test_orthogonal(shape, column_axis):
    w = np.asarray(init.orthogonal(scale=2.0, column_axis=column_axis)(KEY, shape), np.float64)
    assert w.shape == shape
    cols = np.moveaxis(w, column_axis, -1).reshape(-1, shape[column_axis]) / 2.0
    if cols.shape[0] >= cols.shape[1]:
        np.testing.assert_allclose(cols.T @ cols, np.eye(cols.shape[1]), atol=1e-5)
    else:
        np.testing.assert_allclose(cols @ cols.T, np.eye(cols.shape[0]), atol=1e-5)


def test_delta_orthogonal():
    w = np.asarray(init.delta_orthogonal()(KEY, (3, 3, 4, 5)), np.float64)
    centre = w[1, 1]
    np.testing.assert_allclose(centre @ centre.T, np.eye(4), atol=1e-5)
    mask = np.ones((3, 3), bool)
    mask[1, 1] = False
    assert np.all(w[mask] == 0)
    assert init.delta_orthogonal()(KEY, (4, 2, 2)).shape == (4, 2, 2)
    with pytest.raises(ValueError, match="3D, 4D or 5D"):
        init.delta_orthogonal()(KEY, (2, 2))
    with pytest.raises(ValueError, match="fan_in"):
        init.delta_orthogonal()(KEY, (3, 5, 4))


def test_initializers_under_jit_and_vmap():
    keys = random.split(KEY, 3)
    ws = vmap(lambda k: init.glorot_uniform()(k, (4, 5)))(keys)
    for i in range(3):
        np.testing.assert_allclose(np.asarray(ws)[i], np.asarray(init.glorot_uniform()(keys[i], (4, 5))), rtol=1e-6)
    if jit is not None:
        np.testing.assert_allclose(np.asarray(jit(lambda k: init.orthogonal()(k, (4, 4)))(KEY)),
                                   np.asarray(init.orthogonal()(KEY, (4, 4))), atol=1e-5)
