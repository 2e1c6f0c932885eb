"""jax_ad's user-facing transformations: README examples, jacobians, aux, dtypes."""
import numpy as np
import pytest

from jax_core import Array, lax, make_jaxpr
from jax_core import core
from jax_core.jaxpr import pjit_p

import jax_ad
from jax_ad import (
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    stop_gradient,
    value_and_grad,
    vjp,
)


def A(x, dtype=np.float32):
    return Array(np.asarray(x, dtype))


def tanh(x):
    y = lax.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


# --------------------------------------------------------------------------
# JAX's README


def test_readme_grad_of_tanh():
    np.testing.assert_allclose(float(grad(tanh)(1.0)), 0.4199743, rtol=1e-6)
    np.testing.assert_allclose(float(grad(grad(grad(tanh)))(1.0)), 0.6216267, rtol=1e-6)


def test_readme_python_control_flow():
    def abs_val(x):
        if x > 0:
            return x
        else:
            return -x

    abs_val_grad = grad(abs_val)
    assert float(abs_val_grad(1.0)) == 1.0
    assert float(abs_val_grad(-1.0)) == -1.0


def test_readme_hessian_by_jacfwd_of_jacrev():
    def f(x):
        return lax.reduce_sum(lax.sin(x) * x * x, (0,))

    x = A([0.3, -1.2, 2.0])
    xs = np.asarray(x, np.float64)
    # d2/dx2 (x^2 sin x) = 2 sin x + 4 x cos x - x^2 sin x, on the diagonal
    expected = np.diag(2 * np.sin(xs) + 4 * xs * np.cos(xs) - xs ** 2 * np.sin(xs))
    np.testing.assert_allclose(np.asarray(jacfwd(jacrev(f))(x)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(hessian(f)(x)), expected, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------
# jvp / linearize / vjp


def test_jvp_linearize_vjp_agree():
    def f(x, y):
        return lax.sin(x) * y + lax.exp(x * y)

    x, y = A([0.5, -0.3]), A([1.5, 2.0])
    tx, ty = A([1.0, 0.5]), A([-0.2, 0.3])
    out, t_out = jvp(f, (x, y), (tx, ty))
    np.testing.assert_allclose(np.asarray(out), np.asarray(f(x, y)), rtol=1e-6)
    out2, f_jvp = linearize(f, x, y)
    np.testing.assert_allclose(np.asarray(out2), np.asarray(out), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(f_jvp(tx, ty)), np.asarray(t_out), rtol=1e-6)
    # <ct, J t> == <J^T ct, t>
    ct = A([0.7, -1.1])
    _, f_vjp = vjp(f, x, y)
    cx, cy = f_vjp(ct)
    lhs = float(np.dot(np.asarray(ct), np.asarray(t_out)))
    rhs = float(np.dot(np.asarray(cx), np.asarray(tx)) + np.dot(np.asarray(cy), np.asarray(ty)))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-5)


def test_value_and_grad_argnums_and_aux():
    def f(x, y, z):
        return lax.reduce_sum(x * y * z, (0,)), {"aux": x + 1.0}

    x, y, z = A([1.0, 2.0]), A([3.0, 4.0]), A([5.0, 6.0])
    (val, aux), (gx, gz) = value_and_grad(f, argnums=(0, 2), has_aux=True)(x, y, z)
    assert float(val) == 1 * 3 * 5 + 2 * 4 * 6
    np.testing.assert_array_equal(np.asarray(aux["aux"]), [2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(gx), [15.0, 24.0])
    np.testing.assert_array_equal(np.asarray(gz), [3.0, 8.0])
    g, aux2 = grad(f, argnums=1, has_aux=True)(x, y, z)
    np.testing.assert_array_equal(np.asarray(g), [5.0, 12.0])
    assert isinstance(aux2["aux"], Array)


def test_grad_pytree_argument():
    def loss(params, x):
        w, b = params["w"], params["b"]
        return lax.reduce_sum(lax.tanh(x @ w + b), (0,))

    params = {"w": A(np.ones((3,))), "b": A(0.5)}
    g = grad(loss)(params, A([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]))
    assert set(g) == {"w", "b"}
    assert g["w"].shape == (3,) and g["b"].shape == ()


def test_int_inputs_get_float0():
    def f(x, n):
        return x * lax.convert_element_type(n, np.float32)

    out, t = jvp(f, (A(2.0), Array(np.int32(3))), (A(1.0), np.zeros((), jax_ad.float0)))
    assert float(out) == 6.0 and float(t) == 3.0
    _, f_vjp = vjp(f, A(2.0), Array(np.int32(3)))
    gx, gn = f_vjp(A(1.0))
    assert float(gx) == 3.0 and gn.dtype == jax_ad.float0
    gx, gn = grad(f, argnums=(0, 1), allow_int=True)(A(2.0), Array(np.int32(3)))
    assert gn.dtype == jax_ad.float0 and float(gx) == 3.0


def test_holomorphic_grad():
    g = grad(lambda z: z * z, holomorphic=True)(Array(np.complex64(1 + 2j)))
    np.testing.assert_allclose(complex(g), 2 + 4j)


def test_higher_order_mixed_modes():
    f = lambda x: lax.sin(x) * lax.exp(x)  # noqa: E731
    x = 0.7
    # f'' = 2 cos(x) e^x
    expected = 2 * np.cos(x) * np.exp(x)
    for g in (grad(grad(f)), jacfwd(grad(f)), jacrev(jacfwd(f)), jacfwd(jacfwd(f))):
        np.testing.assert_allclose(float(g(x)), expected, rtol=1e-5)


def test_nested_grad_closes_over_outer_tracer():
    # d/dx [d/dy (x * y)] = 1, with the inner derivative taken inside the outer one
    assert float(grad(lambda x: grad(lambda y: x * y)(2.0))(3.0)) == 1.0
    assert float(grad(lambda x: x * grad(lambda y: x * y * y)(2.0))(3.0)) == 2 * 2 * 2 * 3.0


# --------------------------------------------------------------------------
# Jacobians


def _fd_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, np.float64)
    cols = []
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = eps
        cols.append((np.asarray(f(x + d), np.float64) - np.asarray(f(x - d), np.float64)) / (2 * eps))
    return np.stack(cols, -1).reshape(np.shape(f(x)) + x.shape)


def _vec_fun(x):
    return lax.concatenate([lax.sin(x) * x[::-1], lax.reduce_sum(lax.exp(x), (0,))[None]], 0)


def test_jacfwd_jacrev_match_finite_differences():
    from jax_core import config

    with config.enable_x64():
        x = np.array([0.3, -0.7, 1.1])
        expected = _fd_jacobian(_vec_fun, x)
        np.testing.assert_allclose(np.asarray(jacfwd(_vec_fun)(x)), expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(np.asarray(jacrev(_vec_fun)(x)), expected, rtol=1e-6, atol=1e-8)


def test_jacobian_pytrees_and_argnums():
    def f(a, b):
        return {"s": a * b[0], "t": lax.reduce_sum(a, (0,)) * b[1]}

    a, b = A([1.0, 2.0]), (A(3.0), A(4.0))
    for jac in (jacfwd, jacrev):
        j = jac(f, argnums=(0, 1))(a, b)
        np.testing.assert_allclose(np.asarray(j["s"][0]), 3.0 * np.eye(2))
        np.testing.assert_allclose(np.asarray(j["s"][1][0]), [1.0, 2.0])
        np.testing.assert_allclose(np.asarray(j["t"][0]), [4.0, 4.0])
        np.testing.assert_allclose(np.asarray(j["t"][1][1]), 3.0)
        j0 = jac(f)(a, b)
        np.testing.assert_allclose(np.asarray(j0["s"]), 3.0 * np.eye(2))


def test_hessian_of_quadratic_form():
    rng = np.random.RandomState(0)
    M = rng.randn(4, 4).astype(np.float32)

    def quad(x):
        return lax.dot(x, lax.dot(A(M), x))

    x = A(rng.randn(4))
    np.testing.assert_allclose(np.asarray(hessian(quad)(x)), M + M.T, rtol=1e-5, atol=1e-5)


def test_jacfwd_uses_the_vmap_hook(monkeypatch):
    calls = []

    def loop_vmap(fun, in_axes=0, out_axes=0, **kw):
        def batched(*args):
            calls.append(len(args))
            n = args[0].shape[0]
            rows = [fun(*[a[i] for a in args]) for i in range(n)]
            return [lax.concatenate([lax.expand_dims(r[k], (0,)) for r in rows], 0) for k in range(len(rows[0]))]

        return batched

    monkeypatch.setattr(core.transform_hooks, "vmap", loop_vmap)
    x = A([0.3, -0.7, 1.1])
    j1 = jacfwd(_vec_fun)(x)
    j2 = jacrev(_vec_fun)(x)
    assert len(calls) == 2
    monkeypatch.setattr(core.transform_hooks, "vmap", None)
    np.testing.assert_allclose(np.asarray(j1), np.asarray(jacfwd(_vec_fun)(x)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(j2), np.asarray(jacrev(_vec_fun)(x)), rtol=1e-6)


def test_jacobians_with_jax_batching():
    jax_batching = pytest.importorskip("jax_batching")
    assert core.transform_hooks.vmap is not None, jax_batching
    x = A([0.3, -0.7, 1.1])
    j_ref = _fd_jacobian(_vec_fun, np.asarray(x, np.float64), eps=1e-3)
    np.testing.assert_allclose(np.asarray(jacfwd(_vec_fun)(x)), j_ref, rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(np.asarray(jacrev(_vec_fun)(x)), j_ref, rtol=2e-3, atol=2e-3)
    f = lambda x: lax.reduce_sum(lax.sin(x) * x * x, (0,))  # noqa: E731
    np.testing.assert_allclose(np.asarray(hessian(f)(x)), np.asarray(jacfwd(jacrev(f))(x)), rtol=1e-5)


# --------------------------------------------------------------------------
# staged code: make_jaxpr'd functions bound as pjit, and grad under make_jaxpr


def test_grad_of_pjit_bound_jaxpr():
    closed = make_jaxpr(tanh)(1.0)

    def staged(x):
        return pjit_p.bind(x, jaxpr=closed)[0]

    np.testing.assert_allclose(float(grad(staged)(1.0)), 0.4199743, rtol=1e-6)
    np.testing.assert_allclose(float(grad(grad(staged))(1.0)), float(grad(grad(tanh))(1.0)), rtol=1e-6)
    jaxpr = make_jaxpr(grad(staged))(1.0)
    assert sum(e.primitive is pjit_p for e in jaxpr.eqns) == 2, jaxpr  # known part, transposed part
    out, t = jvp(staged, (1.0,), (2.0,))
    np.testing.assert_allclose(float(t), 2 * 0.4199743, rtol=1e-6)


def test_grad_can_be_staged():
    jaxpr = make_jaxpr(grad(tanh))(1.0)
    from jax_core.jaxpr import eval_jaxpr

    (g,) = eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, 1.0)
    np.testing.assert_allclose(float(g), 0.4199743, rtol=1e-6)


def test_grad_through_control_flow():
    def f(x):
        y = lax.cond(x > 0.0, lambda a: lax.sin(a), lambda a: a * a, x)
        c, ys = lax.scan(lambda c, t: (c * t + y, c), 1.0, A([1.0, 2.0, 3.0]) * x)
        return c + lax.reduce_sum(ys, (0,))

    from jax_ad import check_grads
    check_grads(f, (0.7,), order=2, eps=1e-3)
    check_grads(f, (-0.4,), order=2, eps=1e-3)


def test_while_loop_forward_mode_and_reverse_error():
    def f(x):
        return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 1.5 + lax.sin(c[1])), (0, x))[1]

    x = 0.3
    _, t = jvp(f, (x,), (1.0,))
    eps = 1e-3
    np.testing.assert_allclose(float(t), (float(f(x + eps)) - float(f(x - eps))) / (2 * eps), rtol=1e-3)
    y, f_lin = linearize(f, x)  # linearize works (forward mode on the staged loop)
    np.testing.assert_allclose(float(f_lin(1.0)), float(t), rtol=1e-6)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for lax.while_loop"):
        grad(f)(x)


def test_stop_gradient():
    assert float(grad(lambda x: x * stop_gradient(x))(3.0)) == 3.0
    assert float(stop_gradient(A(2.0))) == 2.0
    closed = make_jaxpr(lambda x: x * stop_gradient(x * x))(1.0)
    staged = lambda x: pjit_p.bind(x, jaxpr=closed)[0]  # noqa: E731
    assert float(grad(staged)(3.0)) == 9.0
    tree = stop_gradient({"a": A(1.0), "n": Array(np.int32(2))})
    assert tree["n"].dtype == np.int32
    _, t = jvp(lambda x: stop_gradient(x) * 2.0, (1.0,), (1.0,))
    assert float(t) == 0.0


def test_grad_through_scans_conds_and_loops_x64():
    from jax_core import config
    from jax_ad import check_grads

    rng = np.random.RandomState(0)

    def rnn(W, h0, xs):
        def step(h, x):
            h = lax.tanh(lax.dot(W, h) + x + lax.dot(lax.transpose(W, (1, 0)), h) * 0.1)
            return h, lax.reduce_sum(h * h, (0,))

        h, ys = lax.scan(step, h0, xs)
        return lax.reduce_sum(h, (0,)) + lax.reduce_sum(ys, (0,))

    def nested(x):
        def outer(c, xi):
            c2, _ = lax.scan(lambda a, b: (lax.sin(a * b) + a, None), c, xi)
            return c2, c2 * 2

        c, ys = lax.scan(outer, x[0, 0], x)
        return c + lax.reduce_sum(ys, (0,))

    def fori(x):
        return lax.fori_loop(0, 3, lambda i, c: c * lax.sin(c) + lax.convert_element_type(i, np.float64), x)

    with config.enable_x64():
        check_grads(rnn, (rng.randn(3, 3) * 0.5, rng.randn(3), rng.randn(5, 3)), order=2)
        check_grads(nested, (rng.randn(3, 4),), order=2)
        check_grads(fori, (0.7,), order=2)
        closed = make_jaxpr(lambda x: lax.cond(x > 0, lambda a: a * a, lambda a: lax.sin(a), x))(1.0)

        def scan_of_pjit_of_cond(xs):
            c, ys = lax.scan(lambda c, x: (c + pjit_p.bind(x * c, jaxpr=closed)[0], c), 0.5, xs)
            return c + lax.reduce_sum(ys, (0,))

        check_grads(scan_of_pjit_of_cond, (rng.randn(4),), order=2)
        for i in range(3):
            check_grads(lambda x: lax.switch(i, [lambda a: a * 2.0, lax.sin, lax.exp], x), (0.3,), order=2)
