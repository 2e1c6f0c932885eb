"""Control flow composed with every transformation (issue: structured control flow).

The per-interpreter checks of each control-flow program live in the shared
table (tests/prim_table/control_flow_cases.py); here: compositions, the
1000-step RNN, and reverse-mode while_loop's error.
"""
import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import grad, jit, lax, vmap  # noqa: E402
from tests.prim_table.control_flow_cases import CASES  # noqa: E402


def _scalar_loss(case):
    def loss(*args):
        out = case.fun(*args)
        return sum(jnp.sum(jnp.sin(leaf)) for leaf in jax.tree_util.tree_leaves(out))

    return loss


DIFF_CASES = [c for c in CASES if c.diff_argnums]


@pytest.mark.parametrize("case", DIFF_CASES, ids=lambda c: c.name)
def test_jit_vmap_grad_equals_loop_of_grads(case):
    loss = _scalar_loss(case)
    rng = np.random.RandomState(0)
    batch = [np.stack([a + 0.05 * rng.randn(*a.shape).astype(a.dtype) for _ in range(3)]) for a in case.args]
    argnum = case.diff_argnums[0]
    composed = jit(vmap(grad(loss, argnums=argnum)))(*batch)
    loop = np.stack([np.asarray(grad(loss, argnums=argnum)(*[b[i] for b in batch])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(composed), loop, rtol=2e-4, atol=2e-5)
    # and the other orders
    np.testing.assert_allclose(np.asarray(vmap(jit(grad(loss, argnums=argnum)))(*batch)), loop, rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(np.asarray(grad(jit(loss), argnums=argnum)(*case.args)),
                               np.asarray(grad(loss, argnums=argnum)(*case.args)), rtol=2e-4, atol=2e-5)


def test_rnn_1000_steps_traces_and_compiles_once_and_grad_matches_fd():
    traces = []
    rng = np.random.RandomState(0)
    W = (rng.randn(8, 8) * 0.3).astype(np.float32)
    U = (rng.randn(4, 8) * 0.3).astype(np.float32)
    xs = rng.randn(1000, 4).astype(np.float32)

    def step(h, x):
        traces.append(1)
        h = jnp.tanh(h @ W + x @ U)
        return h, jnp.sum(h)

    def loss(h0, xs):
        h, ys = lax.scan(step, h0, xs)
        return jnp.sum(h) + 0.01 * jnp.sum(ys)

    f = jit(loss)
    h0 = np.zeros(8, np.float32)
    v1 = f(h0, xs)
    v2 = f(h0 + 0.1, xs)
    assert len(traces) == 1, f"the scan body was traced {len(traces)} times"
    assert np.isfinite(float(v1)) and float(v1) != float(v2)
    g = jit(grad(loss))(h0, xs)
    with jax.config.enable_x64() if hasattr(jax.config, "enable_x64") else _x64():
        h64, xs64 = h0.astype(np.float64), xs.astype(np.float64)
        W64, U64 = W.astype(np.float64), U.astype(np.float64)

        def loss64(h0, xs):
            h, ys = lax.scan(lambda h, x: (jnp.tanh(h @ W64 + x @ U64),) * 2, h0, xs)
            return jnp.sum(h) + 0.01 * jnp.sum(jnp.sum(ys, axis=1))

        eps = 1e-6
        for i in (0, 3, 7):
            e = np.zeros(8)
            e[i] = eps
            fd = (float(loss64(h64 + e, xs64)) - float(loss64(h64 - e, xs64))) / (2 * eps)
            assert abs(float(g[i]) - fd) < 1e-3 * max(1.0, abs(fd)), (i, float(g[i]), fd)


class _x64:
    def __enter__(self):
        jax.config.update("jax_enable_x64", True)

    def __exit__(self, *exc):
        jax.config.update("jax_enable_x64", False)


def test_reverse_mode_of_while_loop_is_a_clear_error():
    def f(x):
        return lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)

    np.testing.assert_allclose(float(jax.jvp(f, (1.5,), (1.0,))[1]), 8.0)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for lax.while_loop"):
        grad(f)(1.5)


def test_batched_predicate_while_runs_until_all_done():
    def count(x):
        return lax.while_loop(lambda c: c[0] < c[1], lambda c: (c[0] + 1, c[1]), (0, x))[0]

    out = vmap(count)(jnp.array([1, 5, 3]))
    np.testing.assert_array_equal(np.asarray(out), [1, 5, 3])
    out = jit(vmap(lambda p, x: lax.cond(p, lambda v: v * 2.0, lambda v: v - 1.0, x)))(
        jnp.array([True, False]), jnp.array([3.0, 3.0]))
    np.testing.assert_allclose(np.asarray(out), [6.0, 2.0])
