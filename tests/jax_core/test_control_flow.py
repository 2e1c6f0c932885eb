"""Control flow in jax_core: eager semantics, staging, and clear type errors.

The shared table (tests/prim_table/control_flow_cases.py) checks each program
against its Python loop in every interpreter; this file holds the rest.
"""
import numpy as np
import pytest

from jax_core import lax, make_jaxpr


def test_body_traced_once_not_per_iteration():
    calls = []

    def body(c, x):
        calls.append(1)
        return c + x, c

    c, ys = lax.scan(body, np.float32(0), np.arange(100, dtype=np.float32))
    assert len(calls) == 1
    assert float(c) == sum(range(100))
    np.testing.assert_allclose(np.asarray(ys), np.cumsum(np.arange(100)) - np.arange(100))


def test_closure_over_outer_tracer_is_hoisted():
    def f(x, y):
        return lax.cond(x > 0, lambda: y * 2.0, lambda: y - 1.0)

    closed = make_jaxpr(f)(1.0, np.ones(3, np.float32))
    cond_eqn = [e for e in closed.jaxpr.eqns if e.primitive.name == "cond"][0]
    assert all(not b.jaxpr.constvars for b in cond_eqn.params["branches"])
    np.testing.assert_allclose(np.asarray(f(1.0, np.ones(3, np.float32))), [2, 2, 2])
    np.testing.assert_allclose(np.asarray(f(-1.0, np.ones(3, np.float32))), [0, 0, 0])


def test_old_cond_signature():
    out = lax.cond(True, 3.0, lambda x: x + 1, 4.0, lambda x: x - 1)
    assert float(out) == 4.0
    out = lax.cond(False, 3.0, lambda x: x + 1, 4.0, lambda x: x - 1)
    assert float(out) == 3.0


def test_cond_branch_type_errors_name_both_sides():
    x = np.ones(3, np.float32)
    with pytest.raises(TypeError, match=r"true_fun and false_fun output must have same type structure"):
        lax.cond(True, lambda v: (v, v), lambda v: v, x)
    with pytest.raises(TypeError, match=r"identical types, got \(f32\[3\]\) and \(i32\[3\]\)"):
        lax.cond(True, lambda v: lax.convert_element_type(v, np.int32), lambda v: v, x)
    with pytest.raises(TypeError, match=r"identical types, got \(f32\[\]\) and \(f32\[3\]\)"):
        lax.cond(True, lambda v: v, lambda v: lax.reduce_sum(v, (0,)), x)


def test_scan_carry_type_change_is_an_error():
    with pytest.raises(TypeError, match=r"carry input and carry output must have equal types, got input "
                                        r"\(f32\[\]\) and output \(f32\[2\]\)"):
        lax.scan(lambda c, x: (c * x, x), np.float32(1), np.ones((3, 2), np.float32))
    with pytest.raises(TypeError, match="same pytree structure"):
        lax.scan(lambda c, x: ((c, c), x), np.float32(1), np.ones(3, np.float32))


def test_while_predicate_must_be_scalar_bool():
    with pytest.raises(TypeError, match=r"cond_fun must return a boolean scalar, but got output type\(s\) \(f32\[\]\)"):
        lax.while_loop(lambda x: x, lambda x: x - 1.0, 3.0)
    with pytest.raises(TypeError, match=r"body_fun output and input must have identical types"):
        lax.while_loop(lambda x: x < 3, lambda x: lax.convert_element_type(x, np.float32), 0)


def test_fori_loop_with_traced_bounds_uses_while():
    closed = make_jaxpr(lambda n, x: lax.fori_loop(0, n, lambda i, v: v * 2.0, x))(3, 1.0)
    assert "while" in str(closed)
    closed = make_jaxpr(lambda x: lax.fori_loop(0, 3, lambda i, v: v * 2.0, x))(1.0)
    assert "scan" in str(closed)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_cumsum(n, reverse):
    x = np.random.RandomState(n).randn(n, 3).astype(np.float32)
    out = lax.associative_scan(lax.add, x, reverse=reverse)
    want = np.cumsum(x[::-1], 0)[::-1] if reverse else np.cumsum(x, 0)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-5)


def test_associative_scan_axis_and_pytree():
    x = np.random.RandomState(0).rand(2, 6).astype(np.float32) + 0.5
    out = lax.associative_scan(lambda a, b: (a[0] + b[0], a[1] * b[1]), (x, x), axis=1)
    np.testing.assert_allclose(np.asarray(out[0]), np.cumsum(x, 1), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(out[1]), np.cumprod(x, 1), rtol=1e-5)


def test_map_and_switch_clamps_index():
    ys = lax.map(lambda x: x * x, np.arange(4, dtype=np.float32))
    np.testing.assert_allclose(np.asarray(ys), [0, 1, 4, 9])
    branches = [lambda x: x + 1.0, lambda x: x * 10.0]
    assert float(lax.switch(7, branches, 1.0)) == 10.0
    assert float(lax.switch(-3, branches, 1.0)) == 2.0
