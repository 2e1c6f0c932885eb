"""Collectives inside pmap (XLA cross-replica ops) and inside vmap (batching rules), against NumPy.

Each case is a per-member function and a NumPy oracle on the stacked input;
pmap and ``vmap(axis_name=...)`` must both match it, and their gradients must
agree with each other (and, for a few, with the analytic derivative).
"""
import numpy as np
import pytest

from tests.jax_pmap.spmd import assert_close, needs_devices

import jax_ad  # noqa: E402
import jax_numpy as jnp  # noqa: E402
from jax_batching import vmap  # noqa: E402
from jax_core import lax  # noqa: E402
from jax_pmap import pmap  # noqa: E402

pytestmark = needs_devices(4)

N = 4
RNG = np.random.RandomState(0)
X = RNG.randn(N, 3, 8).astype(np.float32)


def _split(a, n, axis):
    return np.split(a, n, axis=axis)


def _ppermute_ref(x, perm):
    out = np.zeros_like(x)
    for s, t in perm:
        out[t] = x[s]
    return out


def _a2a_ref(x, s, c, tiled):
    n = x.shape[0]
    if tiled:
        return np.stack([np.concatenate([_split(x[i], n, s)[j] for i in range(n)], axis=c) for j in range(n)])
    return np.stack([np.stack([np.take(x[i], j, axis=s) for i in range(n)], axis=c) for j in range(n)])


def _bcast(v):
    return np.broadcast_to(v, (N,) + v.shape)


# name -> (per-member function, NumPy oracle on the stacked input, differentiable)
CASES = {
    "psum": (lambda v: lax.psum(v, "i"), lambda x: _bcast(x.sum(0)), True),
    "pmax": (lambda v: lax.pmax(v, "i"), lambda x: _bcast(x.max(0)), True),
    "pmin": (lambda v: lax.pmin(v, "i"), lambda x: _bcast(x.min(0)), True),
    "pmean": (lambda v: lax.pmean(v, "i"), lambda x: _bcast(x.mean(0)), True),
    "psum_pytree": (lambda v: lax.psum({"a": v, "b": (2 * v,)}, "i"),
                    lambda x: {"a": _bcast(x.sum(0)), "b": (_bcast(2 * x.sum(0)),)}, True),
    "psum_const": (lambda v: v * lax.psum(1, "i"), lambda x: N * x, True),
    "psum_positional": (lambda v: lax.psum(v, ("i", 1)), lambda x: _bcast(x.sum((0, 2))), True),
    "all_gather": (lambda v: lax.all_gather(v, "i"), lambda x: _bcast(x), True),
    "all_gather_axis1": (lambda v: lax.all_gather(v, "i", axis=1),
                         lambda x: _bcast(np.stack(list(x), axis=1)), True),
    "all_gather_tiled": (lambda v: lax.all_gather(v, "i", axis=1, tiled=True),
                         lambda x: _bcast(np.concatenate(list(x), axis=1)), True),
    "ppermute": (lambda v: lax.ppermute(v, "i", [(0, 2), (2, 1), (1, 0)]),
                 lambda x: _ppermute_ref(x, [(0, 2), (2, 1), (1, 0)]), True),
    "pshuffle": (lambda v: lax.pshuffle(v, "i", [3, 0, 1, 2]), lambda x: x[[3, 0, 1, 2]], True),
    "axis_index": (lambda v: v * lax.axis_index("i"), lambda x: x * np.arange(N)[:, None, None], True),
    "all_to_all": (lambda v: lax.all_to_all(v.reshape(3, 4, 2), "i", 1, 0),
                   lambda x: _a2a_ref(x.reshape(N, 3, 4, 2), 1, 0, False), True),
    "all_to_all_concat_last": (lambda v: lax.all_to_all(v.reshape(3, 4, 2), "i", 1, 2),
                               lambda x: _a2a_ref(x.reshape(N, 3, 4, 2), 1, 2, False), True),
    "all_to_all_tiled": (lambda v: lax.all_to_all(v, "i", 1, 0, tiled=True),
                         lambda x: _a2a_ref(x, 1, 0, True), True),
    "pswapaxes": (lambda v: lax.pswapaxes(v[:, :4], "i", 1), lambda x: _a2a_ref(x[:, :, :4], 1, 1, False), True),
    "psum_scatter": (lambda v: lax.psum_scatter(v[:, :4], "i", scatter_dimension=1),
                     lambda x: np.stack([x[:, :, :4].sum(0)[:, j] for j in range(N)]), True),
    "psum_scatter_tiled": (lambda v: lax.psum_scatter(v, "i", scatter_dimension=1, tiled=True),
                           lambda x: np.stack(_split(x.sum(0), N, 1)), True),
    "bool_pmax": (lambda v: lax.pmax(v > 0, "i"), lambda x: _bcast((x > 0).any(0)), False),
    "int_psum": (lambda v: lax.psum(lax.convert_element_type(v > 0, np.int32), "i"),
                 lambda x: _bcast((x > 0).sum(0).astype(np.int32)), False),
}


@pytest.mark.parametrize("name", list(CASES))
def test_pmap_and_vmap_match_numpy(name):
    fun, ref, _ = CASES[name]
    want = ref(X)
    assert_close(pmap(fun, axis_name="i")(X), want, err_msg=f"pmap {name}")
    assert_close(vmap(fun, axis_name="i")(X), want, err_msg=f"vmap {name}")


def _sum_sin(out):
    from jax_core import tree_util

    return sum(jnp.sum(jnp.sin(leaf)) for leaf in tree_util.tree_leaves(out))


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c[2]])
def test_grad_of_pmap_and_pmap_of_grad(name):
    fun = CASES[name][0]
    want = jax_ad.grad(lambda v: _sum_sin(vmap(fun, axis_name="i")(v)))(X)
    got = jax_ad.grad(lambda v: _sum_sin(pmap(fun, axis_name="i")(v)))(X)
    assert_close(got, want, rtol=1e-4, atol=1e-4, err_msg=f"grad(pmap) {name}")
    inner = jax_ad.grad(lambda v: _sum_sin(fun(v)))
    assert_close(pmap(inner, axis_name="i")(X), vmap(inner, axis_name="i")(X), rtol=1e-4, atol=1e-4,
                 err_msg=f"pmap(grad) {name}")


def test_grad_of_psum_is_analytic():
    # loss = sum_i sum(sin(S)), S = sum_j x_j: d loss / d x_j = N cos(S)
    g = jax_ad.grad(lambda v: jnp.sum(jnp.sin(pmap(lambda u: lax.psum(u, "i"), axis_name="i")(v))))(X)
    assert_close(g, _bcast(N * np.cos(X.sum(0))), rtol=1e-5, atol=1e-5)


def test_jvp_of_pmax_splits_ties():
    x = np.array([1.0, 3.0, 3.0, 2.0], np.float32)
    t = np.array([10.0, 20.0, 40.0, 80.0], np.float32)
    out, tan = jax_ad.jvp(pmap(lambda v: lax.pmax(v, "i"), axis_name="i"), (x,), (t,))
    assert_close(out, np.full(4, 3.0))
    assert_close(tan, np.full(4, 30.0))   # the mean of the tied members' tangents


def test_axis_index_groups():
    groups = [[0, 2], [1, 3]]
    got = pmap(lambda v: lax.psum(v, "i", axis_index_groups=groups), axis_name="i")(X)
    pair = [X[0] + X[2], X[1] + X[3]]
    assert_close(got, np.stack([pair[0], pair[1], pair[0], pair[1]]))
    g = jax_ad.grad(lambda v: _sum_sin(pmap(lambda u: lax.psum(u, "i", axis_index_groups=groups),
                                            axis_name="i")(v)))(X)
    c = [np.cos(p) for p in pair]
    assert_close(g, np.stack([2 * c[0], 2 * c[1], 2 * c[0], 2 * c[1]]), rtol=1e-5, atol=1e-5)
    gathered = pmap(lambda v: lax.all_gather(v, "i", axis_index_groups=groups), axis_name="i")(X)
    assert_close(gathered, np.stack([X[[0, 2]], X[[1, 3]], X[[0, 2]], X[[1, 3]]]))
    with pytest.raises(ValueError, match="cover every index"):
        pmap(lambda v: lax.psum(v, "i", axis_index_groups=[[0, 1]]), axis_name="i")(X)


def test_collectives_over_several_axes_of_a_device_grid():
    x = RNG.randn(2, 4, 3).astype(np.float32)

    def f(v):
        return (lax.psum(v, ("r", "c")), lax.axis_index(("r", "c")), lax.all_gather(v, ("r", "c")),
                lax.pmax(v, "r"))

    s, idx, g, m = pmap(pmap(f, axis_name="c"), axis_name="r")(x)
    assert_close(s, np.broadcast_to(x.sum((0, 1)), x.shape))
    assert_close(idx, np.arange(8).reshape(2, 4))
    assert_close(g, np.broadcast_to(x.reshape(8, 3), (2, 4, 8, 3)))
    assert_close(m, np.broadcast_to(x.max(0), x.shape))


def test_unbound_axis_names_are_clear_errors():
    with pytest.raises(NameError, match="unbound axis name: j.*'i'"):
        pmap(lambda v: lax.psum(v, "j"), axis_name="i")(X)
    with pytest.raises(NameError, match="unbound axis name: i"):
        lax.psum(np.ones(3), "i")
    with pytest.raises(NameError, match="unbound axis name"):
        lax.axis_index("i")
    with pytest.raises(NameError, match="unbound axis name: k"):
        vmap(lambda v: lax.all_gather(v, "k"), axis_name="i")(X)


def test_bad_collective_arguments():
    with pytest.raises(ValueError, match="sources and destinations must be unique"):
        pmap(lambda v: lax.ppermute(v, "i", [(0, 1), (1, 1)]), axis_name="i")(X)
    with pytest.raises(ValueError, match="split_axis"):
        pmap(lambda v: lax.all_to_all(v, "i", 1, 0), axis_name="i")(X)   # 8 != 4 members
    with pytest.raises(ValueError, match="not represent a permutation"):
        pmap(lambda v: lax.pshuffle(v, "i", [0, 0, 1, 2]), axis_name="i")(X)
