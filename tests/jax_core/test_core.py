"""Core machinery: Array behaviour, operators, tracing to jaxprs, errors."""
import pickle

import numpy as np
import pytest

import jax_core
from jax_core import lax, make_jaxpr, Array, ConcretizationTypeError
from jax_core.jaxpr import eval_jaxpr


def A(x, dtype=None):
    return Array(np.asarray(x, dtype=dtype))


def test_array_repr_like_jax():
    assert repr(A([1.0, 2.0], np.float32)) == "Array([1., 2.], dtype=float32)"
    assert repr(A(3, np.int32)) == "Array(3, dtype=int32)"
    assert repr(A([[1, 2], [3, 4]], np.int32)) == "Array([[1, 2],\n       [3, 4]], dtype=int32)"


def test_array_canonicalizes_to_32_bit():
    a = A([1.0, 2.0])  # float64 input
    assert a.dtype == np.float32
    assert A(np.arange(3)).dtype == np.int32


def test_array_protocols():
    a = A([1.5, 2.5], np.float32)
    assert np.asarray(a).dtype == np.float32
    assert len(a) == 2
    assert [float(v) for v in a] == [1.5, 2.5]
    assert float(A(2.5)) == 2.5 and int(A(3)) == 3 and bool(A(True))
    assert [0, 1, 2][A(1)] == 1  # __index__
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)
    b = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(np.asarray(b), np.asarray(a))


def test_operators_follow_jax_promotion():
    x = A([1, 2, 3], np.int32)
    y = x + 2.5
    assert y.dtype == np.float32 and y.weak_type  # i32 + f* -> f* in JAX's lattice
    np.testing.assert_allclose(np.asarray(y), [3.5, 4.5, 5.5])
    z = A([1.0], np.float16) + 1.0
    assert z.dtype == np.float16
    w = A([1, 2], np.int8) + A([1, 2], np.int32)
    assert w.dtype == np.int32
    assert (x / 2).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(A([-7, 7], np.int32) // 2), [-4, 3])
    np.testing.assert_array_equal(np.asarray(A([-7, 7], np.int32) % 3), [2, 1])
    np.testing.assert_allclose(np.asarray(A([-7.5, 7.5], np.float32) % 2.0), [0.5, 1.5])
    np.testing.assert_array_equal(np.asarray(A([1, 2, 3], np.int32) ** 2), [1, 4, 9])


def test_operators_broadcast_like_numpy():
    x = A(np.ones((3, 1), np.float32))
    y = A(np.arange(4, dtype=np.float32))
    out = x * y
    assert out.shape == (3, 4)
    with pytest.raises(ValueError, match=r"incompatible shapes.*\(3,\).*\(4,\)"):
        jax_core.make_jaxpr(lambda a, b: a + b)(np.ones(3, np.float32), np.ones(4, np.float32))


def test_matmul_and_indexing():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.arange(8, dtype=np.float32).reshape(4, 2)
    np.testing.assert_allclose(np.asarray(A(a) @ A(b)), a @ b)
    f = lambda x: x[1:, ::-2][..., None][0]
    np.testing.assert_array_equal(np.asarray(f(A(a))), f(a))
    jaxpr_out = eval_jaxpr(make_jaxpr(f)(a).jaxpr, [], a)[0]
    np.testing.assert_array_equal(np.asarray(jaxpr_out), f(a))


def test_make_jaxpr_prints_like_jax():
    def f(x):
        return lax.mul(lax.sin(x), 2.0)

    assert str(make_jaxpr(f)(3.0)) == (
        "{ lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }")


def test_make_jaxpr_closed_over_constants_and_pytrees():
    c = np.arange(3, dtype=np.float32)

    def f(d):
        return {"s": d["x"] + c, "t": (d["y"],)}

    closed = make_jaxpr(f)({"x": np.ones(3, np.float32), "y": np.float32(2)})
    assert len(closed.jaxpr.constvars) == 1
    assert str(closed).startswith("{ lambda a:f32[3]; b:f32[3] c:f32[]. let")
    outs = eval_jaxpr(closed.jaxpr, closed.consts, np.ones(3, np.float32), np.float32(2))
    np.testing.assert_allclose(np.asarray(outs[0]), c + 1)


def test_long_jaxpr_prints_on_several_lines():
    def f(x):
        for _ in range(6):
            x = lax.sin(lax.cos(x))
        return x

    text = str(make_jaxpr(f)(np.ones((2, 3), np.float32)))
    assert text.startswith("{ lambda ; a:f32[2,3]. let\n    b:f32[2,3] = cos a\n")
    assert text.endswith("\n  in (m,) }")


def test_python_control_flow_on_tracer_is_a_clear_error():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(ConcretizationTypeError, match=r"lax\.cond.*static_argnums"):
        make_jaxpr(f)(1.0)


def test_escaped_tracer_is_detected():
    leaked = []

    def f(x):
        leaked.append(x)
        return x

    make_jaxpr(f)(1.0)
    with pytest.raises(jax_core.UnexpectedTracerError, match="escaped"):
        lax.sin(leaked[0])
    with pytest.raises(jax_core.UnexpectedTracerError, match="already finished"):
        make_jaxpr(lambda y: y + leaked[0])(1.0)


def test_lax_shape_errors_name_the_primitive():
    with pytest.raises(TypeError, match=r"add got incompatible shapes.*f32\[3\], f32\[4\]"):
        lax.add(np.ones(3, np.float32), np.ones(4, np.float32))
    with pytest.raises(TypeError, match=r"lax.add requires arguments to have the same dtypes, got float32, int32"):
        lax.add(np.ones(3, np.float32), np.ones(3, np.int32))
    with pytest.raises(TypeError, match=r"dot_general requires contracting dimensions to have the same shape"):
        lax.dot(np.ones((2, 3), np.float32), np.ones((4, 2), np.float32))
    with pytest.raises(TypeError, match=r"lax.sin does not accept dtype int32"):
        lax.sin(np.ones(3, np.int32))


def test_eval_shape():
    out = jax_core.eval_shape(lambda x: x @ x.T, np.ones((3, 5), np.float32))
    assert out.shape == (3, 3) and out.dtype == np.float32


def test_weak_types_propagate():
    a = lax.mul(Array(np.float32(2.0), weak_type=True), 3.0)
    assert a.weak_type
    jaxpr = make_jaxpr(lambda x: x * 2)(1.0)
    assert jaxpr.out_avals[0].weak_type
