"""Optimizers: one step against hand-written NumPy updates, convergence, state packing."""
import numpy as np
import pytest

from jax_core import tree_util
from jax_experimental import optimizers


def _np_adam(x, g_seq, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for i, g in enumerate(g_seq):
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * g * g + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        x = x - lr * mhat / (np.sqrt(vhat) + eps)
    return x


def test_adam_matches_numpy_formula():
    rng = np.random.RandomState(0)
    x0 = rng.randn(3, 2).astype(np.float32)
    grads = [rng.randn(3, 2).astype(np.float32) for _ in range(4)]
    init, update, get_params = optimizers.adam(0.1)
    state = init({"w": x0})
    for i, g in enumerate(grads):
        state = update(i, {"w": g}, state)
    np.testing.assert_allclose(np.asarray(get_params(state)["w"]), _np_adam(x0, grads), rtol=1e-5, atol=1e-6)


def test_momentum_matches_numpy_formula():
    x = np.float32(1.0)
    init, update, get_params = optimizers.momentum(0.1, mass=0.9)
    state = init(x)
    v = 0.0
    xs = 1.0
    for i, g in enumerate([0.5, -0.25, 1.0]):
        state = update(i, np.float32(g), state)
        v = 0.9 * v + g
        xs = xs - 0.1 * v
    assert float(get_params(state)) == pytest.approx(xs, rel=1e-6)


OPTS = [
    ("sgd", lambda: optimizers.sgd(0.1)),
    ("momentum", lambda: optimizers.momentum(0.05, 0.9)),
    ("nesterov", lambda: optimizers.nesterov(0.05, 0.9)),
    ("adagrad", lambda: optimizers.adagrad(0.5)),
    ("rmsprop", lambda: optimizers.rmsprop(0.05)),
    ("rmsprop_momentum", lambda: optimizers.rmsprop_momentum(0.01)),
    ("adam", lambda: optimizers.adam(0.1)),
    ("adamax", lambda: optimizers.adamax(0.1)),
    ("sm3", lambda: optimizers.sm3(0.5)),
    ("sgd_exp_decay", lambda: optimizers.sgd(optimizers.exponential_decay(0.2, 100, 0.5))),
    ("sgd_piecewise", lambda: optimizers.sgd(optimizers.piecewise_constant([50, 100], [0.2, 0.1, 0.05]))),
]


@pytest.mark.parametrize("name,make", OPTS, ids=[o[0] for o in OPTS])
def test_converges_on_quadratic(name, make):
    target = {"a": np.array([3.0, -2.0], np.float32), "b": (np.ones((2, 2), np.float32),)}
    params = tree_util.tree_map(np.zeros_like, target)
    init, update, get_params = make()
    state = init(params)
    for i in range(300):
        p = get_params(state)
        grads = tree_util.tree_map(lambda x, t: 2.0 * (np.asarray(x) - t), p, target)
        state = update(i, grads, state)
    final = get_params(state)
    for got, want in zip(tree_util.tree_leaves(final), tree_util.tree_leaves(target)):
        np.testing.assert_allclose(np.asarray(got), want, atol=0.05)


def test_schedules():
    assert optimizers.constant(0.3)(10) == 0.3
    assert optimizers.exponential_decay(1.0, 10, 0.5)(20) == pytest.approx(0.25)
    assert optimizers.inverse_time_decay(1.0, 10, 1.0)(10) == pytest.approx(0.5)
    assert optimizers.inverse_time_decay(1.0, 10, 1.0, staircase=True)(15) == pytest.approx(0.5)
    assert optimizers.polynomial_decay(1.0, 10, 0.0)(5) == pytest.approx(0.5)
    assert optimizers.polynomial_decay(1.0, 10, 0.1)(50) == pytest.approx(0.1)
    pc = optimizers.piecewise_constant([10, 20], [1.0, 0.5, 0.1])
    assert [float(pc(i)) for i in (0, 10, 11, 20, 25)] == [1.0, 1.0, 0.5, 0.5, pytest.approx(0.1)]


def test_l2_norm_and_clip_grads():
    tree = {"x": np.array([3.0, 0.0], np.float32), "y": np.array([4.0], np.float32)}
    assert float(optimizers.l2_norm(tree)) == pytest.approx(5.0)
    clipped = optimizers.clip_grads(tree, 1.0)
    assert float(optimizers.l2_norm(clipped)) == pytest.approx(1.0, rel=1e-6)
    unclipped = optimizers.clip_grads(tree, 10.0)
    np.testing.assert_allclose(np.asarray(unclipped["x"]), tree["x"])


def test_state_is_pytree_and_packs():
    init, update, get_params = optimizers.adam(0.1)
    state = init({"w": np.ones(3, np.float32), "b": np.float32(0)})
    leaves = tree_util.tree_leaves(state)
    assert len(leaves) == 6
    packed = optimizers.pack_optimizer_state(optimizers.unpack_optimizer_state(state))
    assert packed.tree_def == state.tree_def
    for a, b in zip(tree_util.tree_leaves(packed), leaves):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_mismatched_grad_tree_is_a_clear_error():
    init, update, get_params = optimizers.sgd(0.1)
    state = init({"w": np.ones(3, np.float32)})
    with pytest.raises(TypeError, match="did not match the parameter tree structure"):
        update(0, {"v": np.ones(3, np.float32)}, state)
