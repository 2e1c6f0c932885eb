"""custom_jvp, custom_vjp, checkpoint, and the errors of bad input."""
from functools import partial

import numpy as np
import pytest

from jax_core import Array, lax, make_jaxpr
from jax_core.jaxpr import pjit_p

import jax_ad
from jax_ad import checkpoint, custom_jvp, custom_vjp, grad, jacfwd, jvp, value_and_grad, vjp


def A(x, dtype=np.float32):
    return Array(np.asarray(x, dtype))


def staged(f, *example):
    """``f`` traced to a jaxpr and called through ``pjit`` (what jit does, without compiling)."""
    closed = make_jaxpr(f)(*example)
    return lambda *args: pjit_p.bind(*args, jaxpr=closed)[0]


# --------------------------------------------------------------------------
# custom_jvp (JAX's documentation examples)


@custom_jvp
def log1pexp(x):
    return lax.log(1.0 + lax.exp(x))


log1pexp.defjvps(lambda t, ans, x: (1.0 - 1.0 / (1.0 + lax.exp(x))) * t)


def test_custom_jvp_log1pexp_defjvps():
    naive = lambda x: lax.log(1.0 + lax.exp(x))  # noqa: E731
    with np.errstate(invalid="ignore"):  # inf * 0 in the naive derivative
        assert np.isnan(float(grad(naive)(100.0)))
    assert float(grad(log1pexp)(100.0)) == 1.0
    np.testing.assert_allclose(float(grad(log1pexp)(3.0)), 0.95257413, rtol=1e-6)
    np.testing.assert_allclose(float(staged(grad(log1pexp), 3.0)(3.0)), 0.95257413, rtol=1e-6)
    np.testing.assert_allclose(float(grad(staged(log1pexp, 3.0))(3.0)), 0.95257413, rtol=1e-6)
    # second derivative: differentiates the rule itself
    s = 1 / (1 + np.exp(-3.0))
    np.testing.assert_allclose(float(grad(grad(log1pexp))(3.0)), s * (1 - s), rtol=1e-5)


@custom_jvp
def f_sin_mul(x, y):
    return lax.sin(x) * y


@f_sin_mul.defjvp
def f_sin_mul_jvp(primals, tangents):
    x, y = primals
    x_dot, y_dot = tangents
    return f_sin_mul(x, y), lax.cos(x) * x_dot * y + lax.sin(x) * y_dot


def test_custom_jvp_defjvp():
    np.testing.assert_allclose(float(f_sin_mul(2.0, 3.0)), 2.7278922, rtol=1e-6)
    y, y_dot = jvp(f_sin_mul, (2.0, 3.0), (1.0, 0.0))
    np.testing.assert_allclose([float(y), float(y_dot)], [2.7278922, -1.2484405], rtol=1e-6)
    np.testing.assert_allclose(float(grad(f_sin_mul)(2.0, 3.0)), -1.2484405, rtol=1e-6)
    gx, gy = grad(staged(f_sin_mul, 2.0, 3.0), argnums=(0, 1))(2.0, 3.0)
    np.testing.assert_allclose([float(gx), float(gy)], [3 * np.cos(2.0), np.sin(2.0)], rtol=1e-6)


def test_custom_jvp_rule_is_used_not_the_function():
    @custom_jvp
    def f(x):
        return x * x

    f.defjvp(lambda p, t: (f(p[0]), 100.0 * t[0]))
    assert float(grad(f)(3.0)) == 100.0
    assert float(jacfwd(f)(3.0)) == 100.0


def test_custom_jvp_nondiff_argnums():
    @partial(custom_jvp, nondiff_argnums=(0,))
    def app(fn, x):
        return fn(x)

    @app.defjvp
    def app_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return app(fn, x), 2.0 * t

    assert float(grad(lambda x: app(lax.sin, x))(1.0)) == 2.0


def test_custom_jvp_bad_rule_output():
    @custom_jvp
    def f(x):
        return x

    f.defjvp(lambda p, t: (p[0], A([1.0, 2.0])))
    with pytest.raises(TypeError, match="corresponding shapes and dtypes"):
        jvp(f, (1.0,), (1.0,))
    g = custom_jvp(lambda x: x)
    with pytest.raises(AttributeError, match="No JVP defined"):
        g(1.0)


# --------------------------------------------------------------------------
# custom_vjp (JAX's documentation examples)


@custom_vjp
def f_vjp_ex(x, y):
    return lax.sin(x) * y


def f_vjp_ex_fwd(x, y):
    return f_vjp_ex(x, y), (lax.cos(x), lax.sin(x), y)


def f_vjp_ex_bwd(res, g):
    cos_x, sin_x, y = res
    return (cos_x * g * y, sin_x * g)


f_vjp_ex.defvjp(f_vjp_ex_fwd, f_vjp_ex_bwd)


def test_custom_vjp_basic():
    np.testing.assert_allclose(float(f_vjp_ex(2.0, 3.0)), 2.7278922, rtol=1e-6)
    np.testing.assert_allclose(float(grad(f_vjp_ex)(2.0, 3.0)), -1.2484405, rtol=1e-6)
    np.testing.assert_allclose(float(grad(staged(f_vjp_ex, 2.0, 3.0))(2.0, 3.0)), -1.2484405, rtol=1e-6)
    # the bwd rule is differentiated for higher order: d/dx [3 cos x] = -3 sin x
    np.testing.assert_allclose(float(grad(grad(f_vjp_ex))(2.0, 3.0)), -3 * np.sin(2.0), rtol=1e-6)


@partial(custom_vjp, nondiff_argnums=(0, 1))
def clip_gradient(lo, hi, x):
    return x  # identity function


def clip_gradient_fwd(lo, hi, x):
    return x, None  # no residual values to save


def clip_gradient_bwd(lo, hi, _, g):
    return (lax.clamp(lo, g, hi),)


clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)


def test_custom_vjp_clip_gradient():
    f = lambda x: lax.sin(clip_gradient(-0.75, 0.75, x)) * 3.0  # noqa: E731
    assert float(clip_gradient(-0.75, 0.75, 2.0)) == 2.0
    # d/dx 3 sin(x) = 3 cos(x) = 2.985 at 0.1, clipped to 0.75
    assert float(grad(lambda x: clip_gradient(-0.75, 0.75, lax.sin(x)) * 3.0)(0.1)) == pytest.approx(
        0.75 * np.cos(0.1), rel=1e-6)
    assert float(grad(f)(0.1)) == 0.75  # the cotangent 3 cos(0.1) reaching the clip is clipped
    np.testing.assert_allclose(float(grad(lambda x: clip_gradient(-0.75, 0.75, x * 5.0))(1.0)), 0.75 * 5)


def test_custom_vjp_errors():
    @custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))  # one cotangent for two args
    with pytest.raises(TypeError, match="Custom VJP bwd rule must produce an output with the same container"):
        grad(f)(2.0, 3.0)

    @custom_vjp
    def h(x):
        return x * 2.0

    h.defvjp(lambda x: (x * 2.0, None), lambda res, g: (A([1.0, 2.0]),))
    with pytest.raises(ValueError, match="same shape/dtypes as the args"):
        grad(h)(1.0)
    h.defvjp(lambda x: (x * 2.0, None), lambda res, g: (g * 2.0,))
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jvp(h, (1.0,), (1.0,))
    k = custom_vjp(lambda x: x)
    with pytest.raises(AttributeError, match="No VJP defined"):
        k(1.0)


# --------------------------------------------------------------------------
# checkpoint


def _chain(x):
    for _ in range(3):
        x = lax.sin(x) * lax.cos(x) + x
    return lax.reduce_sum(x, (0,))


def test_checkpoint_matches_no_checkpoint():
    x = A([0.1, 0.5, -1.0])
    v1, g1 = value_and_grad(_chain)(x)
    v2, g2 = value_and_grad(checkpoint(_chain))(x)
    np.testing.assert_allclose(float(v1), float(v2), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(g1), np.asarray(g2), rtol=1e-6)
    h1 = jacfwd(grad(_chain))(x)
    h2 = jacfwd(grad(checkpoint(_chain)))(x)
    np.testing.assert_allclose(np.asarray(h1), np.asarray(h2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(grad(lambda x: grad(checkpoint(lambda y: lax.reduce_sum(
        lax.sin(y) * y, (0,))))(x)[0])(x)), np.asarray(grad(lambda x: grad(lambda y: lax.reduce_sum(
            lax.sin(y) * y, (0,)))(x)[0])(x)), rtol=1e-6)


def test_checkpoint_recomputes_instead_of_saving():
    x = A([0.1, 0.5, -1.0])
    plain = make_jaxpr(grad(_chain))(x)
    remat = make_jaxpr(grad(checkpoint(_chain)))(x)
    n_sin = lambda j: sum(e.primitive.name == "sin" for e in j.eqns)  # noqa: E731
    # without checkpoint: sin(x) for the primal and again in cos's JVP, 3 times, all in the open
    assert n_sin(plain.jaxpr) == 6
    assert not any(e.primitive.name == "checkpoint" for e in plain.eqns)
    # with it: a forward checkpoint (the primal only) and a backward one that recomputes
    fwd, bwd = [e for e in remat.eqns if e.primitive.name == "checkpoint"]
    assert n_sin(fwd.params["jaxpr"].jaxpr) == 3 and n_sin(bwd.params["jaxpr"].jaxpr) == 6
    # the only residual saved for the backward pass is the checkpoint's input
    _, f_vjp = vjp(checkpoint(_chain), x)
    assert len(f_vjp.args) == 1 and f_vjp.args[0] is x  # vjp functions are Partials over residuals
    _, f_vjp_plain = vjp(_chain, x)
    assert len(f_vjp_plain.args) > 5


# --------------------------------------------------------------------------
# errors


def test_grad_of_non_scalar_output():
    with pytest.raises(TypeError, match=r"Gradient only defined for scalar-output functions\. "
                                        r"Output had shape: \(3,\)\."):
        grad(lambda x: x * 2.0)(A([1.0, 2.0, 3.0]))


def test_grad_of_integer_output():
    with pytest.raises(TypeError, match="grad requires real-valued outputs .* but got int32"):
        grad(lambda x: lax.convert_element_type(x, np.int32))(1.0)


def test_grad_of_integer_input():
    msg = ("grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), "
           "but got int32. If you want to use Boolean- or integer-valued inputs, use vjp or set allow_int "
           "to True.")
    with pytest.raises(TypeError) as e:
        grad(lambda x: x * 2.0)(Array(np.int32(3)))
    assert str(e.value) == msg


def test_argnums_out_of_range():
    with pytest.raises(TypeError, match="differentiating with respect to argnums=3 requires at least 4 "
                                        "positional arguments"):
        grad(lambda x, y: x * y, argnums=3)(1.0, 2.0)


def test_vjp_cotangent_type_errors():
    _, f_vjp = vjp(lambda x: x * 2.0, A([1.0, 2.0]))
    with pytest.raises(ValueError, match="Type of cotangent input to vjp pullback function"):
        f_vjp(A([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="Tree structure of cotangent input"):
        f_vjp((A([1.0, 2.0]),))


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="must be tuples or lists"):
        jvp(lambda x: x, 1.0, 1.0)
    with pytest.raises(ValueError, match="different primal and tangent shapes"):
        jvp(lambda x: x, (A([1.0]),), (A([1.0, 2.0]),))
    with pytest.raises(TypeError, match="primal and tangent arguments to jax.jvp do not match"):
        jvp(lambda x: x, (Array(np.int32(1)),), (Array(np.int32(1)),))


def test_escaped_tracer():
    leaked = []

    def f(x):
        leaked.append(x)
        return x

    grad(f)(1.0)
    from jax_core import UnexpectedTracerError

    with pytest.raises(UnexpectedTracerError):
        lax.sin(leaked[0])


def test_public_namespace():
    for name in ["jvp", "linearize", "vjp", "grad", "value_and_grad", "jacfwd", "jacrev", "hessian",
                 "stop_gradient", "custom_jvp", "custom_vjp", "checkpoint", "remat", "check_grads"]:
        assert hasattr(jax_ad, name), name
