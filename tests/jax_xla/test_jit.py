"""jit: caching, static arguments, pytrees, weak types, lowering text, errors."""
import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax_xla  # noqa: E402
from jax_core import Array, lax, make_jaxpr  # noqa: E402
from jax_core.config import config  # noqa: E402
from jax_core.core import ConcretizationTypeError, UnexpectedTracerError  # noqa: E402
from jax_xla import jit  # noqa: E402


def _arr(x, dtype=np.float32):
    return Array(np.asarray(x, dtype))


def test_big_elementwise_matches_eager():
    def slow_f(x):
        return x * x + x * 2.0

    x = _arr(np.random.RandomState(0).randn(5000, 5000))
    fast_f = jit(slow_f)
    got = fast_f(x)
    assert got._device_buf is not None
    # XLA may fuse into FMAs: equal to float32 rounding
    np.testing.assert_allclose(np.asarray(got), np.asarray(slow_f(x)), rtol=1e-6, atol=1e-6)


class _Counter:
    def __init__(self, fun):
        self.fun = fun
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fun(*args, **kwargs)


def test_cache_retraces_only_on_new_signature():
    f = _Counter(lambda x, y: lax.add(x, y))
    g = jit(f)
    x, y = _arr([1, 2, 3]), _arr([4, 5, 6])
    np.testing.assert_array_equal(np.asarray(g(x, y)), [5, 7, 9])
    g(x, y)
    g(_arr([7, 8, 9]), y)                   # same shapes: no retrace
    g(np.ones(3, np.float32), y)            # NumPy argument with the same aval
    assert f.n == 1
    g(_arr([1, 2]), _arr([3, 4]))           # new shape
    assert f.n == 2
    g(_arr([1, 2], np.int32), _arr([3, 4], np.int32))  # new dtype
    assert f.n == 3
    g(_arr([1, 2], np.int32), _arr([3, 4], np.int32))
    assert f.n == 3


def test_cache_keys_on_weak_type_and_config():
    f = _Counter(lambda x: x * 2)
    g = jit(f)
    g(1.0)
    g(2.0)
    assert f.n == 1
    out = g(_arr(1.0))                      # strongly typed f32 scalar: new signature
    assert f.n == 2
    assert not out.weak_type
    out = g(3.0)
    assert out.weak_type
    with config.enable_x64(True):
        g(1.0)
    assert f.n == 3


def test_static_argnums_retrace_on_new_value():
    f = _Counter(lambda x, n: x * n)
    g = jit(f, static_argnums=1)
    x = _arr([1, 2])
    np.testing.assert_array_equal(np.asarray(g(x, 3)), [3, 6])
    g(x, 3)
    assert f.n == 1
    np.testing.assert_array_equal(np.asarray(g(x, 4)), [4, 8])
    assert f.n == 2


def test_static_argnames_and_python_control_flow():
    def f(x, mode):
        if mode == "double":
            return x * 2
        return x

    g = jit(f, static_argnames="mode")
    x = _arr([1, 2])
    np.testing.assert_array_equal(np.asarray(g(x, mode="double")), [2, 4])
    np.testing.assert_array_equal(np.asarray(g(x, mode="id")), [1, 2])
    # static_argnames also covers the same parameter passed by position
    np.testing.assert_array_equal(np.asarray(g(x, "double")), [2, 4])


def test_pytrees_in_and_out():
    def f(d, t):
        a, b = t
        return {"sum": d["x"] + a, "prod": (d["x"] * b, a)}

    g = jit(f)
    d = {"x": _arr([1, 2])}
    out = g(d, (_arr([3, 4]), _arr([5, 6])))
    assert set(out) == {"sum", "prod"}
    np.testing.assert_array_equal(np.asarray(out["sum"]), [4, 6])
    np.testing.assert_array_equal(np.asarray(out["prod"][0]), [5, 12])
    np.testing.assert_array_equal(np.asarray(out["prod"][1]), [3, 4])


def test_kwargs_and_python_scalars():
    g = jit(lambda x, scale=1.0: x * scale)
    np.testing.assert_allclose(np.asarray(g(_arr([1, 2]), scale=3.0)), [3, 6])
    out = g(2, scale=4)
    assert np.asarray(out) == 8 and out.weak_type


def test_constants_small_and_large():
    big = np.arange(1000, dtype=np.float32)
    small = np.array([1.0, 2.0], np.float32)

    def f(x):
        return x + big, lax.reduce_sum(x[:2] * small, (0,))

    g = jit(f)
    x = _arr(np.ones(1000))
    a, b = g(x)
    np.testing.assert_array_equal(np.asarray(a), big + 1)
    assert float(b) == 3.0
    assert "dense<" in g.lower(x).as_text()


def test_dtypes_roundtrip():
    f = jit(lambda x: x)
    for dt in [np.bool_, np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32, np.float16,
               np.float32, np.complex64]:
        x = np.arange(6).reshape(2, 3).astype(dt)
        out = f(x)
        assert out.dtype == dt
        np.testing.assert_array_equal(np.asarray(out), x)
    import ml_dtypes

    x = np.arange(4).astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(np.asarray(f(x)), x)


def test_x64_dtypes():
    with config.enable_x64(True):
        f = jit(lambda x, y: (x * 2, y + 1))
        a, b = f(np.arange(3, dtype=np.float64), np.arange(3, dtype=np.int64))
        assert a.dtype == np.float64 and b.dtype == np.int64
        np.testing.assert_array_equal(np.asarray(a), [0, 2, 4])
        c = jit(lambda z: z * 2)(np.array([1 + 2j], np.complex128))
        assert c.dtype == np.complex128


def test_lower_as_text_and_compile():
    def f(x, y):
        return lax.add(lax.mul(x, y), lax.sin(x))

    x = _arr(np.arange(4))
    lowered = jit(f).lower(x, x)
    text = lowered.as_text()
    assert "stablehlo.multiply" in text and "stablehlo.sine" in text and "func.func public @main" in text
    assert "tensor<4xf32>" in text
    compiled = lowered.compile()
    np.testing.assert_allclose(np.asarray(compiled(x, x)), np.asarray(f(x, x)), rtol=1e-6)
    assert "HloModule" in compiled.as_text()
    with pytest.raises(TypeError, match="compiled for"):
        compiled(_arr(np.arange(5)), _arr(np.arange(5)))


def test_disable_jit_runs_eagerly():
    seen = []

    def f(x):
        seen.append(type(x))
        return x + 1

    g = jit(f)
    with config.disable_jit():
        out = g(_arr([1.0]))
    assert seen == [Array]
    assert out._device_buf is None


def test_jit_inside_make_jaxpr_is_one_pjit_equation():
    g = jit(lambda x: lax.sin(x) * 2)
    jaxpr = make_jaxpr(lambda x: g(x) + 1)(_arr([1.0, 2.0]))
    names = [e.primitive.name for e in jaxpr.jaxpr.eqns]
    assert names[0] == "pjit"
    assert jaxpr.eqns[0].params["name"] == "<lambda>"


def test_nested_jit():
    inner = jit(lambda x: x * 3)
    outer = jit(lambda x: inner(x) + inner(x + 1))
    np.testing.assert_array_equal(np.asarray(outer(_arr([1, 2]))), [9, 15])


def test_pjit_impl_evaluates_eqn_eagerly():
    g = jit(lambda x, y: (x + y, x * y))
    closed = make_jaxpr(lambda x, y: g(x, y))(_arr([1.0]), _arr([2.0]))
    from jax_core.jaxpr import eval_jaxpr

    a, b = eval_jaxpr(closed.jaxpr, closed.consts, _arr([3.0]), _arr([4.0]))
    assert float(a[0]) == 7.0 and float(b[0]) == 12.0


def test_closure_over_outer_tracer():
    def f(x):
        return jit(lambda y: y * x)(x)  # x is a tracer of make_jaxpr's trace

    jaxpr = make_jaxpr(f)(_arr([2.0]))
    from jax_core.jaxpr import eval_jaxpr

    (out,) = eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, _arr([3.0]))
    assert float(out[0]) == 9.0


def test_method_decorator():
    class Model:
        def __init__(self, w):
            self.w = w

        @jit
        def apply(self, x):
            return x * self.w

    with pytest.raises(TypeError):
        # `self` is not an array: jit of a method needs it static
        Model(2.0).apply(_arr([1.0]))

    class Static:
        def __init__(self, w):
            self.w = w

        def __hash__(self):
            return 0

        def __eq__(self, other):
            return isinstance(other, Static) and other.w == self.w

        apply = jit(lambda self, x: x * self.w, static_argnums=0)

    np.testing.assert_array_equal(np.asarray(Static(3.0).apply(_arr([1.0, 2.0]))), [3, 6])


# --------------------------------------------------------------------------
# errors


def test_error_unhashable_static_argument():
    g = jit(lambda x, n: x, static_argnums=1)
    with pytest.raises(ValueError, match="Non-hashable static arguments are not supported"):
        g(_arr([1.0]), [1, 2])


def test_error_static_argnums_out_of_range():
    with pytest.raises(ValueError, match="static_argnums=\\(3,\\), but only accepts 2 positional"):
        jit(lambda x, y: x, static_argnums=3)
    with pytest.raises(ValueError, match="static_argnames"):
        jit(lambda x, y: x, static_argnames="z")


def test_error_python_control_flow_on_tracer():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(ConcretizationTypeError, match="static_argnums"):
        jit(f)(_arr(1.0))


def test_error_escaped_tracer():
    stash = []

    def f(x):
        stash.append(x)
        return x

    jit(f)(_arr([1.0]))
    with pytest.raises(UnexpectedTracerError, match="escaped"):
        jit(lambda y: y + stash[0])(_arr([1.0]))
    with pytest.raises(UnexpectedTracerError):
        jit(lambda y: y)(stash[0])
    with pytest.raises(UnexpectedTracerError):
        stash[0] + 1


def test_error_not_a_jax_type():
    with pytest.raises(TypeError, match="not a valid JAX type"):
        jit(lambda x: x)("hello")


def test_error_not_callable():
    with pytest.raises(TypeError, match="callable"):
        jit(3)


def test_missing_lowering_rule_is_a_clear_error():
    from jax_core.core import Primitive, ShapedArray

    p = Primitive("no_such_op_for_xla")
    p.def_abstract_eval(lambda x: ShapedArray(x.shape, x.dtype))
    p.def_impl(lambda x: x)
    with pytest.raises(NotImplementedError, match="no lowering rule for 'no_such_op_for_xla'"):
        jit(lambda x: p.bind(x))(_arr([1.0]))


# --------------------------------------------------------------------------
# composition with the other interpreters (when installed)


def test_grad_of_jit():
    jax_ad = pytest.importorskip("jax_ad")
    if not hasattr(jax_ad, "grad"):
        pytest.skip("jax_ad.grad not available yet")
    f = jit(lambda x: lax.reduce_sum(lax.sin(x) * x, (0,)))
    x = _arr([0.5, 1.0, 2.0])
    g = jax_ad.grad(f)(x)
    xs = np.asarray(x)
    np.testing.assert_allclose(np.asarray(g), np.cos(xs) * xs + np.sin(xs), rtol=1e-5)
    g2 = jit(jax_ad.grad(lambda x: lax.reduce_sum(lax.sin(x) * x, (0,))))(x)
    np.testing.assert_allclose(np.asarray(g2), np.asarray(g), rtol=1e-5)


def test_vmap_of_jit():
    jax_batching = pytest.importorskip("jax_batching")
    if not hasattr(jax_batching, "vmap"):
        pytest.skip("jax_batching.vmap not available yet")
    f = jit(lambda x, y: lax.dot_general(x, y, (((0,), (0,)), ((), ()))))
    xs = _arr(np.arange(12).reshape(3, 4))
    ys = _arr(np.ones((3, 4)))
    out = jax_batching.vmap(f)(xs, ys)
    np.testing.assert_allclose(np.asarray(out), np.asarray(xs).sum(1))
    out2 = jit(jax_batching.vmap(lambda x, y: lax.dot_general(x, y, (((0,), (0,)), ((), ())))))(xs, ys)
    np.testing.assert_allclose(np.asarray(out2), np.asarray(xs).sum(1))


def test_debug_nans():
    f = jit(lambda x: lax.log(x))
    with config.temporary("jax_debug_nans", True):
        f(_arr([1.0]))
        with pytest.raises(FloatingPointError, match="nan"):
            f(_arr([-1.0]))
    assert np.isnan(np.asarray(f(_arr([-1.0])))[0])
