"""vmap's API: in_axes/out_axes trees, axis_size, errors, composition."""
from functools import partial

import numpy as np
import pytest

import jax_batching
from jax_batching import vmap
from jax_core import core, lax, make_jaxpr
from jax_core.core import ConcretizationTypeError, UnexpectedTracerError

rng = np.random.RandomState(0)


def _r(*shape):
    return rng.randn(*shape).astype(np.float32)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# --------------------------------------------------------------------------
# JAX's README


def predict(params, inputs):
    for W, b in params:
        outputs = inputs @ W + b
        inputs = lax.tanh(outputs)
    return outputs


PARAMS = [(_r(4, 5), _r(5)), (_r(5, 3), _r(3))]
INPUT_BATCH = _r(7, 4)


def _loop(f, xs):
    return np.stack([np.asarray(f(x)) for x in xs])


def test_readme_partial():
    got = vmap(partial(predict, PARAMS))(INPUT_BATCH)
    _close(got, _loop(partial(predict, PARAMS), INPUT_BATCH))
    assert got.shape == (7, 3)


def test_readme_in_axes_none():
    got = vmap(predict, in_axes=(None, 0))(PARAMS, INPUT_BATCH)
    _close(got, _loop(partial(predict, PARAMS), INPUT_BATCH))


def test_hook_is_installed():
    assert core.transform_hooks.vmap is vmap


# --------------------------------------------------------------------------
# in_axes / out_axes


def test_vv_mv_mm():
    vv = lambda x, y: lax.reduce_sum(x * y, (0,))  # noqa: E731
    mv = vmap(vv, (0, None), 0)
    mm = vmap(mv, (None, 1), 1)
    a, b = _r(3, 4), _r(4, 5)
    _close(mm(a, b), a @ b)
    mv2 = vmap(vv, (0, 1), 0)
    mm2 = vmap(mv2, (1, 1), 0)
    x, y = _r(3, 2, 4), _r(4, 2, 3)
    want = np.einsum("bca,acb->cb", x, y)
    _close(mm2(x, y), want)


def test_container_in_axes():
    A, B, C, D, K = 2, 3, 4, 5, 6

    def foo(tree_arg):
        x, (y, z) = tree_arg
        return (x @ y) @ z

    x, y, z = _r(K, A, B), _r(B, K, C), _r(C, D, K)
    out = vmap(foo, in_axes=((0, (1, 2)),))((x, (y, z)))
    assert out.shape == (K, A, D)
    _close(out, np.stack([x[k] @ y[:, k] @ z[..., k] for k in range(K)]), 1e-4)


def test_dict_in_axes():
    dct = {"a": 0.0, "b": np.arange(5.0, dtype=np.float32)}
    out = vmap(lambda d, x: d["a"] + d["b"] + x, in_axes=({"a": None, "b": 0}, None))(dct, 1.0)
    _close(out, [1, 2, 3, 4, 5])


def test_list_in_axes_is_a_tuple():
    out = vmap(lambda x, y: x + y, in_axes=[0, None])(np.arange(3.0), 1.0)
    _close(out, [1, 2, 3])


def test_out_axes_none_and_broadcast():
    f = lambda x, y: (x + y, y * 2.0)  # noqa: E731
    a, b = vmap(f, in_axes=(0, None), out_axes=(0, None))(np.arange(2.0, dtype=np.float32), 4.0)
    _close(a, [4, 5])
    assert np.shape(b) == () and float(b) == 8.0
    a, b = vmap(f, in_axes=(0, None), out_axes=0)(np.arange(2.0, dtype=np.float32), 4.0)
    _close(b, [8, 8])
    assert b.weak_type  # a broadcast Python scalar stays weakly typed, like JAX


def test_out_axes_moves_and_negative():
    x = _r(3, 4, 5)
    out = vmap(lambda v: v * 2, in_axes=0, out_axes=2)(x)
    _close(out, np.moveaxis(x * 2, 0, 2))
    out = vmap(lambda v: v * 2, in_axes=1, out_axes=-1)(x)
    _close(out, np.moveaxis(x * 2, 1, -1))
    out = vmap(lambda v: (v, v.sum() if hasattr(v, "sum") else lax.reduce_sum(v, (0, 1))),
               in_axes=-1, out_axes=(0, -1))(x)
    _close(out[0], np.moveaxis(x, -1, 0))


def test_negative_in_axes():
    x, y = _r(4, 3), _r(3, 4)
    out = vmap(lambda a, b: a * b, in_axes=(-1, 0))(x, y)
    _close(out, x.T * y)


def test_kwargs_mapped_along_axis_0():
    def f(x, *, scale):
        return x * scale

    x, s = _r(3, 2), _r(3, 2)
    out = vmap(f, in_axes=(None,))(x[0], scale=s)
    _close(out, x[0] * s)


def test_axis_size_without_mapped_inputs():
    out = vmap(lambda x: x + 1.0, in_axes=None, axis_size=4)(np.float32(2.0))
    _close(out, [3, 3, 3, 3])
    out = vmap(lambda: lax.full((2,), 5.0), in_axes=(), axis_size=3)()
    _close(out, np.full((3, 2), 5.0))


def test_nested_vmap_with_different_axes():
    x = _r(2, 3, 4)
    f = vmap(vmap(lambda v: lax.reduce_sum(v * v, (0,)), in_axes=1), in_axes=2)
    _close(f(x), np.einsum("abc,abc->cb", x, x))


def test_unbatched_output_is_broadcast_and_constant_output():
    out = vmap(lambda x: np.float32(3.0))(np.zeros(4, np.float32))
    _close(out, [3, 3, 3, 3])


def test_elementwise_keeps_batch_axis_in_place():
    # batched operands that agree on their axis need no data movement
    x, y = _r(3, 5), _r(3, 5)
    closed = make_jaxpr(vmap(lambda a, b: lax.tanh(a * b + a), in_axes=1, out_axes=1))(x, y)
    assert all(e.primitive.name not in ("transpose", "broadcast_in_dim") for e in closed.eqns), closed
    closed = make_jaxpr(vmap(lambda a, b: lax.reduce_sum(a @ b, (0,)), in_axes=(1, None)))(_r(2, 7, 3), _r(3, 4))
    assert all(e.primitive.name != "transpose" for e in closed.eqns), closed


def test_make_jaxpr_of_vmap():
    closed = make_jaxpr(vmap(lambda x: lax.sin(x) * 2.0))(_r(3, 2))
    assert closed.out_avals[0].shape == (3, 2)


# --------------------------------------------------------------------------
# errors


def test_inconsistent_sizes_message():
    def f(x, y):
        return x + y

    with pytest.raises(ValueError) as e:
        vmap(f)(np.ones(3, np.float32), np.ones(4, np.float32))
    assert str(e.value) == (
        "vmap got inconsistent sizes for array axes to be mapped:\n"
        "  * one axis had size 3: axis 0 of argument x of type float32[3];\n"
        "  * one axis had size 4: axis 0 of argument y of type float32[4]")


def test_inconsistent_sizes_many_and_pytrees():
    def f(x, y):
        return x

    with pytest.raises(ValueError, match=r"most axes \(2 of them\) had size 3, e.g. axis 0 of argument x\[0\]"):
        vmap(f)((np.ones(3), np.ones(3)), {"a": np.ones((2, 5))})
    with pytest.raises(ValueError, match=r"axis 1 of argument y\['a'\] of type float32\[2,5\]"):
        vmap(f, in_axes=(0, 1))((np.ones(3), np.ones(3)), {"a": np.ones((2, 5))})


def test_in_axes_tree_mismatch():
    with pytest.raises(ValueError, match="vmap in_axes specification must be a tree prefix"):
        vmap(lambda x: x, in_axes=((0, 0),))(np.ones(3))
    with pytest.raises(ValueError, match=r"len\(in_axes\)=2, len\(args\)=1"):
        vmap(lambda x: x, in_axes=(0, 0))(np.ones(3))
    with pytest.raises(TypeError, match="vmap in_axes must be an int, None, or"):
        vmap(lambda x: x, in_axes=(0.5,))(np.ones(3))


def test_out_of_range_axis():
    with pytest.raises(ValueError, match="map its argument along axis 2, which implies that its rank should "
                                         r"be at least 3, but is only 1 \(its shape is \(3,\)\)"):
        vmap(lambda x: x, in_axes=2)(np.ones(3))
    with pytest.raises(ValueError, match="out of bounds"):
        vmap(lambda x: x, out_axes=3)(np.ones(3))


def test_out_axes_none_on_batched_output():
    with pytest.raises(ValueError, match=r"at vmap out_axes\[1\], got axis spec None but output was batched "
                                         "on axis 0"):
        vmap(lambda x: (x.sum() if False else 1.0, x), out_axes=(0, None))(np.ones(3, np.float32))


def test_no_arguments_and_no_mapped_axes():
    with pytest.raises(ValueError, match="at least one argument containing an array"):
        vmap(lambda: 1.0)()
    with pytest.raises(ValueError, match="at least one non-None value in in_axes"):
        vmap(lambda x: x, in_axes=None)(np.ones(3))


def test_axis_size_disagrees():
    with pytest.raises(ValueError, match="axis_size=4"):
        vmap(lambda x: x, axis_size=4)(np.ones(3))


def test_python_control_flow_on_batched_value():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(ConcretizationTypeError, match="vmap"):
        vmap(f)(np.ones(3, np.float32))


def test_escaped_tracer():
    box = []

    def f(x):
        box.append(x)
        return x

    vmap(f)(np.ones(3, np.float32))
    with pytest.raises(UnexpectedTracerError):
        lax.sin(box[0])


def test_missing_rule_is_an_error():
    p = core.Primitive("not_batchable")
    p.def_impl(lambda x: x)
    p.def_abstract_eval(lambda a: a)
    with pytest.raises(NotImplementedError, match="no batching rule for 'not_batchable'"):
        vmap(lambda x: p.bind(x))(np.ones(3, np.float32))
    # unmapped operands need no rule
    out = vmap(lambda x, y: p.bind(y) + x, in_axes=(0, None))(np.ones(3, np.float32), np.float32(2))
    _close(out, [3, 3, 3])


# --------------------------------------------------------------------------
# calls and control flow


def test_pjit_call_is_batched_and_kept():
    from jax_core.jaxpr import pjit_p

    def f(x, y):
        return lax.sin(x) * y

    closed = make_jaxpr(f)(np.float32(1), np.float32(2))

    def g(x, y):
        return pjit_p.bind(x, y, jaxpr=closed, name="f")[0]

    xs, ys = _r(5), _r(5)
    _close(vmap(g)(xs, ys), np.sin(xs) * ys)
    _close(vmap(g, in_axes=(0, None))(xs, ys[0]), np.sin(xs) * ys[0])
    staged = make_jaxpr(vmap(g))(xs, ys)
    (eqn,) = staged.eqns
    assert eqn.primitive is pjit_p and eqn.params["jaxpr"].in_avals[0].shape == (5,)
    # nested vmap of a call
    xx = _r(2, 3)
    _close(vmap(vmap(g))(xx, xx), np.sin(xx) * xx)


def test_cond_batched_operand_and_predicate():
    def f(p, x):
        return lax.cond(p, lambda v: v * 2.0, lambda v: -v, x)

    ps = np.array([True, False, True])
    xs = _r(3, 2)
    want = np.stack([xs[i] * 2 if ps[i] else -xs[i] for i in range(3)])
    _close(vmap(f)(ps, xs), want)
    _close(vmap(f, in_axes=(None, 0))(True, xs), xs * 2)
    _close(vmap(f, in_axes=(0, None))(ps, xs[0]), np.stack([xs[0] * 2 if p else -xs[0] for p in ps]))


def test_switch_batched_index():
    def f(i, x):
        return lax.switch(i, [lambda v: v + 1.0, lambda v: v * 10.0, lambda v: -v], x)

    idx = np.array([2, 0, 1, 5], np.int32)
    xs = _r(4)
    want = np.array([-xs[0], xs[1] + 1, xs[2] * 10, -xs[3]])
    _close(vmap(f)(idx, xs), want)


def test_while_loop_batched_predicate():
    def count(n):
        return lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 2.0), (0, 1.0))[1]

    ns = np.array([0, 3, 1, 5], np.int32)
    _close(vmap(count)(ns), 2.0 ** ns)


def test_while_loop_batched_carry_only():
    def f(x):
        return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * c[1]), (0, x))[1]

    xs = np.array([1.1, 0.9, 1.0], np.float32)
    _close(vmap(f)(xs), xs ** 8)


def test_scan_batched_xs_and_carry():
    def f(c0, xs):
        return lax.scan(lambda c, x: (c + x, c * x), c0, xs)

    c0, xs = _r(3), _r(3, 5)
    got_c, got_ys = vmap(f)(c0, xs)
    for b in range(3):
        c = c0[b]
        ys = []
        for x in xs[b]:
            ys.append(c * x)
            c = c + x
        _close(got_c[b], c)
        _close(got_ys[b], ys)
    # batched only in the scanned sequence, on its second axis
    got_c, got_ys = vmap(f, in_axes=(None, 1))(c0[0], xs.T)
    _close(got_c, c0[0] + xs.sum(1))


def test_fori_loop_under_vmap():
    def f(x):
        return lax.fori_loop(0, 4, lambda i, v: v * x + i, x)

    xs = _r(3)
    want = []
    for x in xs:
        v = x
        for i in range(4):
            v = v * x + i
        want.append(v)
    _close(vmap(f)(xs), want, 1e-4)


# --------------------------------------------------------------------------
# collectives, with stand-in primitives of JAX's names and params


def _collective(name, multiple_results, abstract_eval):
    from jax_batching.rules_collectives import COLLECTIVE_RULE_FACTORIES

    p = core.Primitive(name)
    p.multiple_results = multiple_results
    p.def_abstract_eval(abstract_eval)

    def impl(*args, **params):
        raise NameError(f"unbound axis name in {name}")

    p.def_impl(impl)
    jax_batching.axis_batching_rules[p] = COLLECTIVE_RULE_FACTORIES[name](p)
    return p


psum_p = _collective("psum", True, lambda *avals, axes, axis_index_groups: list(avals))
pmax_p = _collective("pmax", True, lambda *avals, axes, axis_index_groups: list(avals))
axis_index_p = _collective("axis_index", False,
                           lambda *, axis_name: core.ShapedArray((), np.int32))
all_gather_p = _collective(
    "all_gather", False,
    lambda a, *, all_gather_dimension, axis_name, axis_index_groups, axis_size, tiled: core.ShapedArray(
        a.shape[:all_gather_dimension] + (axis_size,) + a.shape[all_gather_dimension:], a.dtype))
ppermute_p = _collective("ppermute", True, lambda *avals, axis_name, perm: list(avals))


def psum(x, name):
    return psum_p.bind(x, axes=name if isinstance(name, tuple) else (name,), axis_index_groups=None)[0]


def test_psum_sums_over_the_batch():
    xs = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    out = vmap(lambda x: psum(x, "i"), axis_name="i")(xs)
    _close(out, np.broadcast_to(xs.sum(0), (3, 4)))
    # an unmapped value summed over the axis: multiplied by its size
    out = vmap(lambda x, c: psum(c, "i") + x * 0, in_axes=(0, None), axis_name="i")(xs, np.float32(2.0))
    _close(out, np.full((3, 4), 6.0))


def test_normalize_with_psum():
    xs = _r(5)
    out = vmap(lambda x: x / psum(x, "i"), axis_name="i")(xs)
    _close(out, xs / xs.sum())


def test_nested_named_axes():
    xs = _r(2, 3)

    def f(x):
        return psum(x, "i"), psum(x, "j"), psum(x, ("i", "j"))

    a, b, c = vmap(vmap(f, axis_name="j"), axis_name="i")(xs)
    _close(a, np.broadcast_to(xs.sum(0), (2, 3)))
    _close(b, np.broadcast_to(xs.sum(1, keepdims=True), (2, 3)))
    _close(c, np.full((2, 3), xs.sum()))


def test_pmax_axis_index_all_gather_ppermute():
    xs = _r(4, 2)
    out = vmap(lambda x: pmax_p.bind(x, axes=("i",), axis_index_groups=None)[0], axis_name="i")(xs)
    _close(out, np.broadcast_to(xs.max(0), (4, 2)))
    idx = vmap(lambda x: axis_index_p.bind(axis_name="i"), axis_name="i")(xs)
    np.testing.assert_array_equal(np.asarray(idx), np.arange(4))
    gathered = vmap(lambda x: all_gather_p.bind(x, all_gather_dimension=0, axis_name="i", axis_index_groups=None,
                                                axis_size=4, tiled=False), axis_name="i")(xs)
    _close(gathered, np.broadcast_to(xs, (4, 4, 2)))
    perm = [(0, 1), (1, 2), (2, 3)]  # member 0 receives nothing
    shifted = vmap(lambda x: ppermute_p.bind(x, axis_name="i", perm=perm)[0], axis_name="i")(xs)
    _close(shifted, np.concatenate([np.zeros((1, 2)), xs[:3]]))


def test_psum_inside_a_staged_call():
    from jax_core.jaxpr import pjit_p

    xs = _r(3)

    def g(x):
        closed = make_jaxpr(lambda v: psum(v, "i") * 2.0)(x)
        return pjit_p.bind(x, jaxpr=closed, name="g")[0]

    _close(vmap(g, axis_name="i")(xs), np.full(3, 2 * xs.sum()))


def test_psum_in_control_flow_body():
    xs = _r(3)

    def f(x):
        return lax.cond(True, lambda v: psum(v, "i"), lambda v: v, x)

    _close(vmap(f, axis_name="i")(xs), np.full(3, xs.sum()))


# --------------------------------------------------------------------------
# with jax-ad (tests may import both siblings)


def _jax_ad():
    jax_ad = pytest.importorskip("jax_ad")
    if not all(hasattr(jax_ad, n) for n in ("grad", "jvp", "jacfwd", "jacrev", "custom_jvp", "custom_vjp")):
        pytest.skip("jax_ad does not export its API yet")
    return jax_ad


def test_per_example_gradients_and_jacobians():
    jax_ad = _jax_ad()

    def loss(params, x, y):
        pred = predict(params, x)
        return lax.reduce_sum((pred - y) * (pred - y), (0,))

    ys = _r(7, 3)
    per_ex = vmap(jax_ad.grad(loss), in_axes=(None, 0, 0))(PARAMS, INPUT_BATCH, ys)
    for i in range(7):
        g = jax_ad.grad(loss)(PARAMS, INPUT_BATCH[i], ys[i])
        for (gw, gb), (pw, pb) in zip(per_ex, g):
            _close(gw[i], pw, 1e-4)
            _close(gb[i], pb, 1e-4)
    # grad of a vmapped loss
    total = jax_ad.grad(lambda p: lax.reduce_sum(vmap(loss, in_axes=(None, 0, 0))(p, INPUT_BATCH, ys), (0,)))(PARAMS)
    _close(total[0][0], sum(np.asarray(per_ex[0][0][i]) for i in range(7)), 1e-3)
    # jacfwd / jacrev vectorize through the hook
    f = lambda x: lax.sin(x) * x[0]  # noqa: E731
    x = _r(3)
    want = np.diag(np.cos(x) * x[0])
    want[:, 0] += np.sin(x)
    _close(jax_ad.jacfwd(f)(x), want)
    _close(jax_ad.jacrev(f)(x), want)


def test_custom_jvp_and_vjp_under_vmap():
    jax_ad = _jax_ad()

    @jax_ad.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return lax.sin(x), 10.0 * t  # a deliberately "wrong" derivative, to see it used

    xs = _r(4)
    _close(vmap(f)(xs), np.sin(xs))
    _, t = jax_ad.jvp(vmap(f), (xs,), (np.ones(4, np.float32),))
    _close(t, np.full(4, 10.0))
    _close(vmap(jax_ad.grad(f))(xs), np.full(4, 10.0))
    _close(jax_ad.grad(lambda v: lax.reduce_sum(vmap(f)(v), (0,)))(xs), np.full(4, 10.0))
    staged = make_jaxpr(vmap(f))(xs)
    assert staged.eqns[0].primitive.name == "custom_jvp_call"

    @jax_ad.custom_vjp
    def g(x, y):
        return x * y

    def g_fwd(x, y):
        return x * y, (x, y)

    def g_bwd(res, ct):
        x, y = res
        return 3.0 * ct * y, 5.0 * ct * x

    g.defvjp(g_fwd, g_bwd)
    ys = _r(4)
    _close(vmap(g)(xs, ys), xs * ys)
    gx, gy = jax_ad.grad(lambda a, b: lax.reduce_sum(vmap(g)(a, b), (0,)), argnums=(0, 1))(xs, ys)
    _close(gx, 3.0 * ys)
    _close(gy, 5.0 * xs)
    # an unmapped input: its cotangent is summed over the batch
    gy0 = jax_ad.grad(lambda b: lax.reduce_sum(vmap(g, in_axes=(0, None))(xs, b), (0,)))(ys[0])
    _close(gy0, 5.0 * xs.sum(), 1e-4)
    gx2 = vmap(jax_ad.grad(g), in_axes=(0, 0))(xs, ys)
    _close(gx2, 3.0 * ys)


# --------------------------------------------------------------------------
# custom derivatives at the primitive level (no jax-ad needed)


def test_custom_jvp_call_batches_fun_and_rule():
    from jax_core.jaxpr import custom_jvp_call_p

    def fun(x, c):
        return [lax.sin(x) * c]

    def jvp(x, c, tx, tc):
        return [lax.sin(x) * c, tx * 10.0]

    jvp.zero_tangents = False  # markers on rule functions survive batching

    xs, c = _r(4), np.float32(3.0)
    f = lambda x, c: custom_jvp_call_p.bind(fun, jvp, x, c, symbolic_zeros=False)[0]  # noqa: E731
    _close(vmap(f, in_axes=(0, None))(xs, c), np.sin(xs) * 3)
    staged = make_jaxpr(vmap(f, in_axes=(0, None)))(xs, c)
    (eqn,) = staged.eqns
    assert eqn.primitive is custom_jvp_call_p
    assert eqn.params["call_jaxpr"].in_avals[0].shape == (4,)
    batched_jvp = eqn.params["jvp_jaxpr_fun"]
    assert batched_jvp.zero_tangents is False
    p, t = batched_jvp(xs, c, np.ones(4, np.float32), np.float32(0))
    _close(p, np.sin(xs) * 3)
    _close(t, np.full(4, 10.0))


def test_custom_vjp_call_batches_fwd_and_bwd():
    from jax_core.jaxpr import custom_vjp_call_p

    def fun(x, y):
        return [x * y]

    def fwd(x, y):
        return [x, y, x * y]  # residuals first, then outputs

    def bwd(x, y, ct):
        return [ct * y * 3.0, ct * x * 5.0]

    def out_trees():
        return None, None

    xs, y = _r(4), np.float32(2.0)
    f = lambda x, y: custom_vjp_call_p.bind(fun, fwd, bwd, x, y, out_trees=out_trees,  # noqa: E731
                                            symbolic_zeros=False)[0]
    _close(vmap(f, in_axes=(0, None))(xs, y), xs * 2)
    staged = make_jaxpr(vmap(f, in_axes=(0, None)))(xs, y)
    (eqn,) = staged.eqns
    fwd_b, bwd_b = eqn.params["fwd_jaxpr_thunk"], eqn.params["bwd"]
    res_x, res_y, out = fwd_b(xs, y)
    _close(out, xs * 2)
    assert np.shape(res_y) == (4,)  # every output of the batched fwd is batched on axis 0
    ct_x, ct_y = bwd_b(res_x, res_y, np.ones(4, np.float32))
    _close(ct_x, np.full(4, 6.0))
    # y was not mapped: its cotangent is summed over the batch
    assert np.shape(ct_y) == ()
    _close(ct_y, 5.0 * xs.sum(), 1e-4)


# --------------------------------------------------------------------------
# random bits


def test_vmap_over_keys_matches_loop():
    random = pytest.importorskip("jax_core.random")
    keys = random.split(random.PRNGKey(0), 5)
    out = vmap(lambda k: random.normal(k, (3,)))(keys)
    _close(out, np.stack([np.asarray(random.normal(keys[i], (3,))) for i in range(5)]))
    split = vmap(lambda k: random.split(k, 3))(keys)
    np.testing.assert_array_equal(np.asarray(split), np.stack([np.asarray(random.split(keys[i], 3))
                                                               for i in range(5)]))
    key = random.PRNGKey(1)
    seeds = np.arange(4, dtype=np.uint32)
    bits = vmap(lambda s: random.bits(random.fold_in(key, s), (2,)))(seeds)
    np.testing.assert_array_equal(np.asarray(bits), np.stack([np.asarray(random.bits(random.fold_in(key, s), (2,)))
                                                              for s in seeds]))


def test_axis_env_names_the_vmap_axes():
    sizes = []

    def f(x):
        sizes.append((core.axis_size("i"), core.axis_size("j")))
        return x

    vmap(vmap(f, axis_name="j"), axis_name="i")(np.zeros((2, 5), np.float32))
    assert sizes == [(2, 5)]
    assert not core.axis_env
    with pytest.raises(NameError, match="unbound axis name: k"):
        vmap(lambda x: core.axis_size("k"), axis_name="i")(np.zeros(3, np.float32))


def test_psum_in_loop_bodies_with_unmapped_operands():
    xs = _r(3)

    def f(x, c):
        # the loops only see the unmapped c, but their bodies sum over the axis
        y = lax.fori_loop(0, 2, lambda i, v: v + psum(c, "i"), c)
        z, _ = lax.scan(lambda carry, _: (carry + psum(c, "i"), None), c, None, length=2)
        return x * 0 + y + z

    out = vmap(f, in_axes=(0, None), axis_name="i")(xs, np.float32(1.0))
    _close(out, np.full(3, (1 + 2 * 3) * 2.0))


def test_nested_vmap_of_scan_and_while():
    def f(x):
        c, ys = lax.scan(lambda c, v: (c + v, c * v), 0.0, x)
        n = lax.while_loop(lambda s: s[1] < c, lambda s: (s[0] + 1, s[1] + 1.0), (0, -3.0))[0]
        return c, ys, n

    xs = _r(2, 3, 4)
    c, ys, n = vmap(vmap(f))(xs)
    for i in range(2):
        for j in range(3):
            cc, yy, nn = f(xs[i, j])
            _close(c[i, j], cc)
            _close(ys[i, j], yy)
            assert int(n[i, j]) == int(nn)
