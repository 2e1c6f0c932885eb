"""A data-parallel MLP training step: per-device gradients averaged with ``pmean``
equal the single-device step on the whole batch."""
import numpy as np

from tests.jax_pmap.spmd import NDEV, assert_close, needs_devices

import jax_ad  # noqa: E402
import jax_numpy as jnp  # noqa: E402
from jax_core import lax, tree_util  # noqa: E402
from jax_pmap import is_sharded, pmap  # noqa: E402

pytestmark = needs_devices(NDEV)

LR = 0.1


def init(rng, sizes=(6, 16, 16, 3)):
    return [(rng.randn(m, n).astype(np.float32) / np.sqrt(m), np.zeros(n, np.float32))
            for m, n in zip(sizes[:-1], sizes[1:])]


def loss(params, batch):
    x, labels = batch
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    w, b = params[-1]
    logits = x @ w + b
    logp = logits - jnp.log(jnp.sum(jnp.exp(logits), axis=-1, keepdims=True))
    return -jnp.mean(jnp.sum(logp * labels, axis=-1))


def sgd(params, grads):
    return tree_util.tree_map(lambda p, g: p - LR * g, params, grads)


def single_device_step(params, batch):
    return sgd(params, jax_ad.grad(loss)(params, batch))


def parallel_step(params, batch):
    grads = lax.pmean(jax_ad.grad(loss)(params, batch), axis_name="batch")
    return sgd(params, grads)


def _data(rng, n):
    x = rng.randn(n, 6).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.randint(0, 3, n)]
    return x, labels


def _shard(batch, ndev):
    return tree_util.tree_map(lambda a: a.reshape((ndev, a.shape[0] // ndev) + a.shape[1:]), batch)


def test_pmean_step_equals_single_device_step():
    rng = np.random.RandomState(0)
    params = init(rng)
    batch = _data(rng, 64)
    want = single_device_step(params, batch)
    # parameters broadcast to every device, the batch split across them
    step = pmap(parallel_step, axis_name="batch", in_axes=(None, 0))
    got = step(params, _shard(batch, NDEV))
    for leaf_got, leaf_want in zip(tree_util.tree_leaves(got), tree_util.tree_leaves(want)):
        assert leaf_got.shape == (NDEV,) + np.shape(leaf_want)
        for d in (0, NDEV - 1):   # every device holds the same, updated parameters
            assert_close(leaf_got[d], leaf_want, rtol=1e-5, atol=1e-6)


def test_replicated_training_loop_matches_single_device():
    rng = np.random.RandomState(1)
    params = init(rng)
    step = pmap(parallel_step, axis_name="batch")
    replicated = tree_util.tree_map(lambda p: np.broadcast_to(p, (NDEV,) + p.shape), params)
    single = params
    for _ in range(3):
        batch = _data(rng, 32)
        replicated = step(replicated, _shard(batch, NDEV))
        single = single_device_step(single, batch)
    assert all(is_sharded(leaf) for leaf in tree_util.tree_leaves(replicated))
    for r, s in zip(tree_util.tree_leaves(replicated), tree_util.tree_leaves(single)):
        assert_close(r[3], s, rtol=1e-4, atol=1e-5)
    # the loss went down on the parallel run as on the single one
    batch = _data(np.random.RandomState(2), 32)
    first = tree_util.tree_map(lambda p: p[0], replicated)
    assert float(loss(first, batch)) < float(loss(params, batch))
