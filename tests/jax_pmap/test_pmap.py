"""pmap: JAX's README programs, the API (axes, pytrees, static args, devices), sharded
results, composition with grad / vmap / jit and nesting, and clear errors."""
import functools

import numpy as np
import pytest

from tests.jax_pmap.spmd import NDEV, assert_close, needs_devices

import jax  # noqa: E402  (the README programs, unchanged)
import jax_ad  # noqa: E402
import jax_numpy as jnp  # noqa: E402
import jax_xla  # noqa: E402
from jax_batching import vmap  # noqa: E402
from jax_core import lax, random  # noqa: E402
from jax_pmap import is_sharded, pmap  # noqa: E402

pytestmark = needs_devices(NDEV)
RNG = np.random.RandomState(1)

# --------------------------------------------------------------------------
# JAX's README


def test_readme_normalize():
    from jax import lax as jlax
    from jax import pmap as jpmap

    @functools.partial(jpmap, axis_name="i")
    def normalize(x):
        return x / jlax.psum(x, "i")

    out = normalize(np.arange(4.))
    assert str(out) == "[0.         0.16666667 0.33333334 0.5       ]"
    assert out.dtype == np.float32 and out.shape == (4,)


def test_readme_random_matmul_mean():
    # the README's (5000, 6000) matrices, scaled down to keep the test fast
    keys = jax.random.split(jax.random.key(0), 8)
    mats = jax.pmap(lambda key: jax.random.normal(key, (50, 60)))(keys)
    assert mats.shape == (8, 50, 60)
    for i in (0, 5):
        assert_close(mats[i], random.normal(keys[i], (50, 60)), rtol=1e-6, atol=1e-6)
    result = jax.pmap(lambda x: jnp.dot(x, x.T))(mats)
    m = np.asarray(mats, np.float64)
    assert result.shape == (8, 50, 50)
    assert_close(result, m @ m.transpose(0, 2, 1), rtol=1e-4, atol=1e-3)
    means = jax.pmap(jnp.mean)(result)
    assert_close(means, (m @ m.transpose(0, 2, 1)).mean((1, 2)), rtol=1e-4, atol=1e-4)
    assert means.devices() == set(jax.devices()[:8])


def _readme_f_g(pmap_, inner_pmap):
    @functools.partial(pmap_, axis_name="rows")
    @functools.partial(inner_pmap, axis_name="cols")
    def f(x):
        row_normed = x / lax.psum(x, "rows")
        col_normed = x / lax.psum(x, "cols")
        doubly_normed = x / lax.psum(x, ("rows", "cols"))
        return row_normed, col_normed, doubly_normed

    @pmap_
    def g(x):
        y = jnp.sin(x)

        @inner_pmap
        def h(z):
            return jnp.cos(z) * jnp.tan(y.sum()) * jnp.tan(x)

        return jax_ad.grad(lambda w: jnp.sum(h(w)))(x)

    return f, g


# real JAX 0.10.2 prints these for the README's nested example
README_G = np.array([[-0.0, -1.4663851], [3.6932428, 0.5731793], [-11.525149, -14.60321],
                     [0.0643222, -0.15124007]], np.float32)
README_GRAD_G = np.array([[-5.6355095, -5.761469], [-16.390236, -15.682106], [137.06624, 98.55053],
                          [-0.6269868, -0.6282257]], np.float32)


def test_readme_nested_pmap_and_grad():
    x = np.arange(8.).reshape((4, 2))
    f, g = _readme_f_g(pmap, pmap)
    a, b, c = f(x)
    assert_close(a.sum(0), np.ones(2))
    assert_close(b.sum(1), np.ones(4))
    assert_close(c.sum(), np.float32(1.0))
    f_ref, g_ref = _readme_f_g(lambda fn, **kw: vmap(fn, **kw), lambda fn, **kw: vmap(fn, **kw))
    assert_close((a, b, c), f_ref(x))
    assert_close(g(x), README_G, rtol=1e-5, atol=1e-5)
    assert_close(g(x), g_ref(x), rtol=1e-5, atol=1e-5)
    got = jax_ad.grad(lambda x: jnp.sum(g(x)))(x)
    assert_close(got, README_GRAD_G, rtol=1e-4, atol=1e-4)
    assert_close(got, jax_ad.grad(lambda x: jnp.sum(g_ref(x)))(x), rtol=1e-4, atol=1e-4)


# --------------------------------------------------------------------------
# the API


def test_in_axes_out_axes_pytrees_and_kwargs():
    x = RNG.randn(3, 4).astype(np.float32)
    y = RNG.randn(4, 5).astype(np.float32)

    def f(a, b, c, scale=1.0):
        return {"sum": a[:, None] * b[None, :] * c["w"], "b": b}, scale * a

    out, a2 = pmap(f, in_axes=(1, 0, {"w": None}), out_axes=({"sum": 2, "b": 0}, 0))(
        x, y, {"w": np.float32(2.0)}, scale=np.full(4, 3.0, np.float32))
    assert_close(out["sum"], 2 * np.einsum("ai,ib->abi", x, y))
    assert_close(out["b"], y)
    assert_close(a2, 3 * x.T)
    neg = pmap(lambda v: v * 2, in_axes=-1, out_axes=-1)(x)
    assert_close(neg, 2 * x)


def test_out_axes_none_and_axis_size():
    x = RNG.randn(4, 3).astype(np.float32)
    total = pmap(lambda v: lax.psum(v, "i"), axis_name="i", out_axes=None)(x)
    assert total.shape == (3,) and not is_sharded(total)
    assert_close(total, x.sum(0))
    idx = pmap(lambda: lax.axis_index("i"), axis_name="i", axis_size=3)()
    assert_close(idx, np.arange(3))
    bc = pmap(lambda v, w: v + w, in_axes=(0, None))(x, np.float32(10.0))
    assert_close(bc, x + 10)


def test_static_broadcasted_argnums():
    calls = []

    def f(x, n, mode):
        calls.append(n)
        return x * n if mode == "mul" else x + n

    pf = pmap(f, static_broadcasted_argnums=(1, 2))
    x = np.arange(4.0, dtype=np.float32)
    assert_close(pf(x, 3, "mul"), 3 * x)
    assert_close(pf(x, 3, "mul"), 3 * x)
    assert_close(pf(x, 2, "add"), x + 2)
    assert calls == [3, 2]   # traced once per static value
    with pytest.raises(ValueError, match="Non-hashable static arguments"):
        pf(x, [1], "mul")


def test_compiles_once_and_dispatches_from_the_cache():
    pf = pmap(lambda v: v * v)
    x = np.arange(8.0, dtype=np.float32)
    before = jax_xla.dispatch.compile_count
    for _ in range(3):
        assert_close(pf(x), x * x)
    assert jax_xla.dispatch.compile_count - before == 1
    assert pf._cache_size() == 1


def test_devices_argument():
    devs = jax_xla.devices()[4:6]
    out = pmap(lambda v: v + 1, devices=devs)(np.zeros(2, np.float32))
    assert out.devices() == set(devs)
    assert [s.devices() for s in (out[0], out[1])] == [{devs[0]}, {devs[1]}]


# --------------------------------------------------------------------------
# sharded results


def test_results_stay_sharded():
    x = RNG.randn(8, 100).astype(np.float32)
    out = pmap(lambda v: v * 2)(x)
    assert is_sharded(out) and out.shape == (8, 100) and out.devices() == set(jax_xla.devices()[:8])
    buf = out._device_buf
    second = out[3]       # one shard, read where it lives
    assert second.devices() == {jax_xla.devices()[3]}
    assert_close(second, 2 * x[3])
    assert out._npy is None, "indexing one shard gathered the whole array"
    assert_close(out[2:3], 2 * x[2:3])
    assert_close(out[5, 10:20], 2 * x[5, 10:20])
    # fed back to a pmap over the same devices: the shards are used where they are
    again = pmap(lambda v: v + 1)(out)
    assert_close(again, 2 * x + 1)
    assert out._npy is None and out._device_buf is buf
    # anything else sees the whole array
    assert_close(out + 1, 2 * x + 1)
    assert_close(jax_xla.jit(lambda a: a.sum(0))(out), 2 * x.sum(0), rtol=1e-5, atol=1e-4)
    assert_close(np.asarray(out), 2 * x)
    assert "Array(" in repr(out)
    jax_xla.block_until_ready(out)


def test_shards_on_other_axes():
    x = RNG.randn(3, 4).astype(np.float32)
    out = pmap(lambda v: v * 3, in_axes=1, out_axes=1)(x)
    assert is_sharded(out) and out.shape == (3, 4)
    assert_close(out, 3 * x)
    assert_close(out[:, 2:3], 3 * x[:, 2:3])


# --------------------------------------------------------------------------
# composition


def test_vmap_of_pmap_and_pmap_of_vmap():
    y = RNG.randn(3, 4, 5).astype(np.float32)
    f = lambda v: v / lax.psum(v, "i") + lax.axis_index("i")  # noqa: E731
    ref = vmap(vmap(f, axis_name="i"))(y)
    assert_close(vmap(pmap(f, axis_name="i"))(y), ref)
    assert_close(vmap(pmap(f, axis_name="i"), in_axes=1)(y.transpose(1, 0, 2)), ref)
    assert_close(vmap(pmap(f, axis_name="i", out_axes=1), out_axes=2)(y),
                 vmap(vmap(f, axis_name="i", out_axes=1), out_axes=2)(y))
    g = lambda v: lax.psum(v, "b") * lax.psum(v, "i")  # noqa: E731
    yt = y.transpose(1, 0, 2)
    both = vmap(vmap(g, axis_name="b"), axis_name="i")(yt)
    assert_close(pmap(vmap(g, axis_name="b"), axis_name="i")(yt), both)
    assert_close(vmap(pmap(g, axis_name="i"), axis_name="b")(y), vmap(vmap(g, axis_name="i"), axis_name="b")(y))
    # jacobians vectorize over pmaps too
    jac = jax_ad.jacfwd(pmap(lambda v: jnp.sin(v) * lax.psum(v, "i"), axis_name="i"))(y[0, :, 0])
    jac_ref = jax_ad.jacfwd(vmap(lambda v: jnp.sin(v) * lax.psum(v, "i"), axis_name="i"))(y[0, :, 0])
    assert_close(jac, jac_ref, rtol=1e-5, atol=1e-5)


def test_jit_inside_and_around_pmap():
    x = RNG.randn(4, 3).astype(np.float32)
    inner = jax_xla.jit(lambda v: lax.psum(v * 2, "i"))
    assert_close(pmap(inner, axis_name="i")(x), np.broadcast_to(2 * x.sum(0), x.shape))
    f = pmap(lambda v: v / lax.psum(v, "i"), axis_name="i")
    assert_close(jax_xla.jit(f)(x), f(x))
    g = jax_ad.grad(lambda v: jnp.sum(jnp.sin(f(v))))
    assert_close(jax_xla.jit(g)(x), g(x), rtol=1e-5, atol=1e-5)


def test_grad_of_broadcast_argument_sums_over_devices():
    w = RNG.randn(3, 2).astype(np.float32)
    x = RNG.randn(4, 5, 3).astype(np.float32)

    def loss(w, xb):
        return jnp.sum(jnp.tanh(xb @ w) ** 2)

    got = jax_ad.grad(lambda w: jnp.sum(pmap(loss, in_axes=(None, 0))(w, x)))(w)
    want = sum(np.asarray(jax_ad.grad(loss)(w, x[i])) for i in range(4))
    assert_close(got, want, rtol=1e-4, atol=1e-4)
    # a closed-over value is an unmapped input too
    got2 = jax_ad.grad(lambda w: jnp.sum(pmap(lambda xb: loss(w, xb))(x)))(w)
    assert_close(got2, want, rtol=1e-4, atol=1e-4)


def test_grad_through_unmapped_output():
    x = RNG.randn(4, 3).astype(np.float32)
    f = pmap(lambda v: lax.psum(v, "i"), axis_name="i", out_axes=None)
    g = jax_ad.grad(lambda v: jnp.sum(jnp.sin(f(v))))(x)
    assert_close(g, np.broadcast_to(np.cos(x.sum(0)), x.shape), rtol=1e-5, atol=1e-5)


def test_make_jaxpr_and_lowering_show_replicas():
    x = np.arange(4.0, dtype=np.float32)
    f = pmap(lambda v: v / lax.psum(v, "i"), axis_name="i")
    assert "xla_pmap" in str(jax.make_jaxpr(f)(x))
    text = f.lower(x).as_text()
    assert "mhlo.num_replicas = 4" in text and "all_reduce" in text and "[[0, 1, 2, 3]]" in text


# --------------------------------------------------------------------------
# errors


def test_mapped_axis_larger_than_device_count():
    n = jax_xla.device_count() + 1
    with pytest.raises(ValueError, match=f"requires {n} logical devices, but only {n - 1} XLA devices"):
        pmap(lambda v: v)(np.ones(n))
    with pytest.raises(ValueError, match="requires 16 logical devices"):
        pmap(pmap(lambda v: v))(np.ones((4, 4)))


def test_mismatched_mapped_sizes():
    def f(x, y):
        return x + y

    with pytest.raises(ValueError, match=r"inconsistent sizes(.|\n)*size 4: axis 0 of argument x of type "
                                         r"float32\[4\](.|\n)*size 3: axis 0 of argument y"):
        pmap(f)(np.ones(4, np.float32), np.ones(3, np.float32))
    with pytest.raises(ValueError, match="inconsistent with axis_size=2"):
        pmap(f, axis_size=2)(np.ones(4), np.ones(4))


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="rank should be at least 1"):
        pmap(lambda v: v)(np.float32(3))
    with pytest.raises(ValueError, match="at least one argument with a mapped axis"):
        pmap(lambda v: v, in_axes=None)(np.ones(3))
    with pytest.raises(ValueError, match="len\\(in_axes\\)=2, len\\(args\\)=1"):
        pmap(lambda v: v, in_axes=(0, 1))(np.ones(4))
    with pytest.raises(TypeError, match="pmap in_axes must be"):
        pmap(lambda v: v, in_axes="0")
    with pytest.raises(ValueError, match="equal the number of local devices passed to pmap"):
        pmap(lambda v: v, devices=jax_xla.devices()[:2])(np.ones(4))
    with pytest.raises(TypeError, match="not a valid JAX type"):
        pmap(lambda v: v)("abc")
    with pytest.raises(TypeError, match="requires a callable"):
        pmap(3)


def test_collectives_inside_control_flow_and_nested_options():
    x = np.arange(8.0, dtype=np.float32).reshape(4, 2)
    loop = lambda v: lax.fori_loop(0, 3, lambda i, c: c * 0.5 + lax.psum(c, "i") * 0.1, v)  # noqa: E731
    assert_close(pmap(loop, axis_name="i")(x), vmap(loop, axis_name="i")(x))

    def scanned(v):
        return lax.scan(lambda c, xi: (c + lax.pmean(jnp.sin(xi * c), "i"), c), v[0], v)[0]

    assert_close(pmap(scanned, axis_name="i")(x), vmap(scanned, axis_name="i")(x))
    assert_close(jax_ad.grad(lambda v: jnp.sum(pmap(scanned, axis_name="i")(v)))(x),
                 jax_ad.grad(lambda v: jnp.sum(vmap(scanned, axis_name="i")(v)))(x), rtol=1e-5, atol=1e-5)

    def branch(v):
        return lax.cond(lax.axis_index("i") % 2 == 0, lambda a: lax.psum(a, "i"), lambda a: -lax.psum(a, "i"), v)

    assert_close(pmap(branch, axis_name="i")(x), vmap(branch, axis_name="i")(x))
    inner = pmap(lambda b, c: lax.psum(b * c, "j"), axis_name="j", in_axes=(0, None), out_axes=None)
    assert_close(pmap(lambda a: inner(a, 2.0), axis_name="i")(x), 2 * x.sum(1))
    flags, ints, gathered = pmap(lambda v: (v > 1, (v * 2).astype(jnp.int32), lax.all_gather(v > 2, "i")),
                                 axis_name="i", backend="cpu")(x)
    assert np.asarray(flags).dtype == np.bool_ and np.asarray(ints).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(gathered), np.broadcast_to(x > 2, (4, 4, 2)))
