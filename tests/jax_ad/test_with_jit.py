"""jax_ad composed with jax_xla's jit (skipped where jax-xla/jaxlib are not installed)."""
import numpy as np
import pytest

from jax_core import Array, lax, make_jaxpr
from jax_core.jaxpr import pjit_p

from jax_ad import checkpoint, custom_jvp, custom_vjp, grad, hessian, stop_gradient

jax_xla = pytest.importorskip("jax_xla")
jit = jax_xla.jit


def tanh(x):
    y = lax.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


def test_grad_of_jit_and_jit_of_grad():
    for g in (grad(jit(tanh)), jit(grad(tanh)), jit(grad(jit(tanh)))):
        np.testing.assert_allclose(float(g(1.0)), 0.4199743, rtol=1e-6)
    np.testing.assert_allclose(float(jit(grad(grad(grad(tanh))))(1.0)), 0.6216267, rtol=1e-6)
    np.testing.assert_allclose(float(grad(grad(grad(jit(tanh))))(1.0)), 0.6216267, rtol=1e-6)
    jaxpr = make_jaxpr(grad(jit(tanh)))(1.0)
    assert [e.primitive for e in jaxpr.eqns] == [pjit_p, pjit_p]  # forward (with residuals), backward


def test_custom_rules_and_control_flow_under_jit():
    @custom_jvp
    def log1pexp(x):
        return lax.log(1.0 + lax.exp(x))

    log1pexp.defjvps(lambda t, ans, x: (1.0 - 1.0 / (1.0 + lax.exp(x))) * t)
    np.testing.assert_allclose(float(jit(grad(log1pexp))(3.0)), 0.95257413, rtol=1e-6)
    assert float(grad(jit(log1pexp))(100.0)) == 1.0

    @custom_vjp
    def f(x, y):
        return lax.sin(x) * y

    f.defvjp(lambda x, y: (f(x, y), (lax.cos(x), lax.sin(x), y)),
             lambda res, g: (res[0] * g * res[2], res[1] * g))
    np.testing.assert_allclose(float(grad(jit(f))(2.0, 3.0)), -1.2484405, rtol=1e-6)
    np.testing.assert_allclose(float(jit(grad(f))(2.0, 3.0)), -1.2484405, rtol=1e-6)

    def loop(x):
        c, ys = lax.scan(lambda c, t: (lax.sin(c * t), c), x, Array(np.arange(1.0, 4.0, dtype=np.float32)))
        return c + lax.reduce_sum(ys, (0,))

    expected = float(grad(loop)(0.5))
    for g in (jit(grad(loop)), grad(jit(loop)), jit(grad(checkpoint(loop)))):
        np.testing.assert_allclose(float(g(0.5)), expected, rtol=1e-5)
    assert float(jit(grad(lambda x: x * stop_gradient(x)))(3.0)) == 3.0
    x = Array(np.array([0.1, 0.5, 0.9], np.float32))
    h = jit(hessian(lambda x: lax.reduce_sum(lax.sin(x) * x * x, (0,))))(x)
    xs = np.asarray(x, np.float64)
    np.testing.assert_allclose(np.asarray(h), np.diag(2 * np.sin(xs) + 4 * xs * np.cos(xs) - xs ** 2 * np.sin(xs)),
                               rtol=1e-5, atol=1e-5)
