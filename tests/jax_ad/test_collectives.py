"""Derivatives of collectives (under vmap with an axis name) and of pmap."""
import numpy as np
import pytest

from jax_core import config, lax

from jax_ad import check_grads, grad

jax_batching = pytest.importorskip("jax_batching")
vmap = jax_batching.vmap


def test_collectives_under_vmap_check_grads():
    rng = np.random.RandomState(0)
    ring = [(j, (j + 1) % 4) for j in range(4)]

    def f(x):
        def per(xi):
            s = lax.psum(xi * xi, "i")
            m = lax.pmax(xi, "i")
            g = lax.all_gather(xi, "i")
            p = lax.ppermute(xi, "i", ring)
            return lax.reduce_sum(s * lax.sin(xi) + m * p, (0,)) + lax.reduce_sum(g * g, (0, 1)) * xi[0]

        return vmap(per, axis_name="i")(x)

    def f2(x):
        def per(xi):
            a = lax.all_to_all(xi, "i", 0, 0)
            r = lax.psum_scatter(xi * xi, "i", scatter_dimension=0, tiled=True)
            return lax.reduce_sum(lax.sin(a), (0,)) + lax.reduce_sum(r, (0,)) + lax.pmin(xi[0] * 2.0, "i")

        return vmap(per, axis_name="i")(x)

    with config.enable_x64():
        check_grads(f, (rng.randn(4, 3),), order=2)
        check_grads(f2, (rng.randn(4, 4),), order=2)


def test_grad_inside_vmap_with_psum():
    x = np.array([0.5, -1.0, 2.0], np.float32)
    # psum's transpose is psum: each member's cotangent 1 is summed over the 3 members
    g = vmap(grad(lambda xi: lax.psum(xi * xi, "i")), axis_name="i")(x)
    np.testing.assert_allclose(np.asarray(g), 3 * 2 * x, rtol=1e-6)


def test_pmap_derivatives():
    jax_pmap = pytest.importorskip("jax_pmap")
    jax_xla = pytest.importorskip("jax_xla")
    n = jax_xla.local_device_count()
    rng = np.random.RandomState(1)
    x = rng.randn(n, 3).astype(np.float32)
    w = rng.randn(3).astype(np.float32)
    ring = [(j, (j + 1) % n) for j in range(n)]

    def f(x):
        def per(xi):
            return lax.sin(xi) * lax.psum(xi * xi, "i") + lax.ppermute(xi, "i", ring)

        return lax.reduce_sum(jax_pmap.pmap(per, axis_name="i")(x), (0, 1))

    def g(w, x):  # w is unmapped: its cotangents from every member are summed
        return lax.reduce_sum(jax_pmap.pmap(lambda w, xi: lax.tanh(xi * w), in_axes=(None, 0))(w, x), (0, 1))

    check_grads(f, (x,), order=2, eps=1e-3)
    check_grads(g, (w, x), order=2, eps=1e-3)
    per_member = jax_pmap.pmap(grad(lambda xi: lax.reduce_sum(lax.sin(xi), (0,))))(x)
    np.testing.assert_allclose(np.asarray(per_member), np.cos(x), rtol=1e-6)
