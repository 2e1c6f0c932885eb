"""Every case of tests/jax_numpy/cases.py against NumPy: eagerly, staged to a
jaxpr and evaluated, and (when those packages are installed) under jit, vmap
and check_grads."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jax_numpy as jnp
from jax_core import make_jaxpr, tree_util
from jax_core.core import Array
from jax_core.jaxpr import eval_jaxpr
from tests.jax_numpy.cases import CASES, Case

ids = [c.name for c in CASES]
assert len(set(ids)) == len(ids), "duplicate case names"


def _leaves(x):
    if isinstance(x, (list, tuple)):
        out = []
        for e in x:
            out += _leaves(e)
        return out
    return [x]


def _default_tol(dt):
    dt = np.dtype(dt)
    if dt.kind in "biu":
        return 0.0, 0.0
    if dt in (np.float16,) or dt.name == "bfloat16":
        return 2e-2, 2e-2
    if dt in (np.float32, np.complex64):
        return 2e-5, 2e-6
    return 1e-10, 1e-12


def assert_close(got, want, case: Case, what: str):
    gl, wl = _leaves(got), _leaves(want)
    assert len(gl) == len(wl), f"{case.name}: {what}: {len(gl)} outputs vs {len(wl)}"
    for g, w in zip(gl, wl):
        if isinstance(w, (tuple, int)) and not isinstance(w, (bool, np.bool_)) and isinstance(g, tuple):
            assert g == w
            continue
        g = np.asarray(g)
        w = np.asarray(w)
        assert g.shape == w.shape, f"{case.name}: {what}: shape {g.shape} != {w.shape}"
        if g.dtype.kind in "biu" and w.dtype.kind in "biuf" or case.exact:
            np.testing.assert_array_equal(g, w.astype(g.dtype) if w.dtype.kind != "f" else w,
                                          err_msg=f"{case.name}: {what}")
        else:
            rtol, atol = _default_tol(g.dtype)
            rtol = case.rtol if case.rtol is not None else rtol
            atol = case.atol if case.atol is not None else atol
            gg = g.astype(np.float64) if g.dtype.kind == "V" else g
            np.testing.assert_allclose(gg, w, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{case.name}: {what}")


def _to_jnp_args(args):
    return [jnp.asarray(a) if isinstance(a, (np.ndarray, np.generic)) else a for a in args]


def _oracle(case: Case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.oracle is not None:
            return case.oracle(*case.args)
        return case.fn(np, *case.args)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_eager_matches_numpy(case: Case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = case.fn(jnp, *_to_jnp_args(case.args))
    for leaf in _leaves(got):
        if not isinstance(leaf, (int, bool, tuple, np.bool_)):
            assert isinstance(leaf, Array), f"{case.name}: got a {type(leaf).__name__}, not an Array"
    assert_close(got, _oracle(case), case, "eager vs NumPy")


def _array_positions(args):
    return [i for i, a in enumerate(args) if isinstance(a, (np.ndarray, np.generic))]


@pytest.mark.parametrize("case", [c for c in CASES if c.jit], ids=[c.name for c in CASES if c.jit])
def test_staged_matches_eager(case: Case):
    """Trace with abstract inputs (as jit does), then evaluate the jaxpr."""
    args = _to_jnp_args(case.args)
    pos = _array_positions(case.args)
    if not pos:
        pytest.skip("no array inputs")

    def f(*dyn):
        full = list(args)
        for i, d in zip(pos, dyn):
            full[i] = d
        return tree_util.tree_leaves(case.fn(jnp, *full))

    dyn = [args[i] for i in pos]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        closed = make_jaxpr(f)(*dyn)
        got = eval_jaxpr(closed.jaxpr, closed.consts, *dyn)
        want = tree_util.tree_leaves(case.fn(jnp, *args))
    assert len(got) == len(want)
    for g, w, aval in zip(got, want, closed.out_avals):
        w = jnp.asarray(w)
        assert tuple(np.shape(g)) == tuple(aval.shape) == tuple(np.shape(w)), case.name
        assert aval.dtype == w.dtype, f"{case.name}: staged dtype {aval.dtype} != eager {w.dtype}"
        assert aval.weak_type == w.weak_type, f"{case.name}: staged weak_type differs from eager"
    assert_close(got, want, case, "staged vs eager")


# ---------------------------------------------------------------------------
# the other interpreters, when installed


def _jit_cases():
    return [c for c in CASES if c.jit and _array_positions(c.args)][::7]


@pytest.mark.parametrize("case", _jit_cases(), ids=lambda c: c.name)
def test_jit_matches_eager(case: Case):
    jax_xla = pytest.importorskip("jax_xla", exc_type=ImportError)
    jit = getattr(jax_xla, "jit", None)
    if jit is None:
        pytest.skip("jax_xla.jit not available yet")
    args = _to_jnp_args(case.args)
    pos = _array_positions(case.args)

    def f(*dyn):
        full = list(args)
        for i, d in zip(pos, dyn):
            full[i] = d
        return case.fn(jnp, *full)

    got = jit(f)(*[args[i] for i in pos])
    assert_close(got, case.fn(jnp, *args), case, "jit vs eager")


def _vmap_cases():
    return [c for c in CASES if c.jit and c.vmap and _array_positions(c.args)]


@pytest.mark.parametrize("case", _vmap_cases(), ids=lambda c: c.name)
def test_vmap_matches_loop(case: Case):
    jax_batching = pytest.importorskip("jax_batching")
    vmap = getattr(jax_batching, "vmap", None)
    if vmap is None:
        pytest.skip("jax_batching.vmap not available yet")
    args = _to_jnp_args(case.args)
    i0 = _array_positions(case.args)[0]
    x = np.asarray(case.args[i0])
    batch = np.stack([x, (x[::-1] if x.ndim else x)]) if x.dtype != np.bool_ else np.stack([x, ~x])

    def f(xi):
        full = list(args)
        full[i0] = xi
        return case.fn(jnp, *full)

    got = vmap(f)(jnp.asarray(batch))
    want = [f(jnp.asarray(batch[k])) for k in range(2)]
    want_stacked = tree_util.tree_map(lambda *xs: np.stack([np.asarray(v) for v in xs]), *want)
    assert_close(got, want_stacked, case, "vmap vs loop")


def _grad_cases():
    return [c for c in CASES if c.grad]


@pytest.mark.parametrize("case", _grad_cases(), ids=lambda c: c.name)
def test_check_grads(case: Case):
    jax_ad = pytest.importorskip("jax_ad")
    check_grads = getattr(jax_ad, "check_grads", None)
    if check_grads is None:
        pytest.skip("jax_ad.check_grads not available yet")
    args = [np.asarray(a, np.float64) if i in case.grad else a for i, a in enumerate(case.args)]
    from jax_core import config

    with config.temporary("jax_enable_x64", True):
        jargs = _to_jnp_args(args)

        def f(*dyn):
            full = list(jargs)
            for i, d in zip(case.grad, dyn):
                full[i] = jnp.asarray(d)
            return case.fn(jnp, *full)

        check_grads(f, tuple(jargs[i] for i in case.grad), order=case.grad_order, modes=("fwd", "rev"),
                    atol=1e-4, rtol=1e-4)
