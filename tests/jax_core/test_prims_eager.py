"""Every primitive of the shared table, evaluated eagerly, against NumPy."""
import numpy as np
import pytest

from jax_core import lax, make_jaxpr
from jax_core.jaxpr import eval_jaxpr
from jax_core import tree_util
from tests.prim_table import ALL_CASES
from tests.prim_table.case import default_tol


def _assert_close(got, want, case, what):
    got_l = tree_util.tree_leaves(got)
    want_l = tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l), f"{case.name}: {what}: {len(got_l)} outputs vs {len(want_l)}"
    for g, w in zip(got_l, want_l):
        g = np.asarray(g)
        w = np.asarray(w)
        assert g.shape == w.shape, f"{case.name}: {what}: shape {g.shape} != {w.shape}"
        if case.exact or g.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w.astype(g.dtype) if w.dtype != g.dtype else w,
                                          err_msg=f"{case.name}: {what}")
        else:
            rtol, atol = default_tol(g.dtype)
            rtol = case.rtol if case.rtol is not None else rtol
            atol = case.atol if case.atol is not None else atol
            np.testing.assert_allclose(g.astype(np.float64) if g.dtype.kind == "V" else g, w,
                                       rtol=rtol, atol=atol, err_msg=f"{case.name}: {what}",
                                       equal_nan=True)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_eager_matches_numpy(case):
    got = case.fun(*case.args)
    if case.expected is not None:
        _assert_close(got, case.expected(*case.args), case, "eager vs NumPy")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_jaxpr_eval_matches_eager(case):
    closed = make_jaxpr(case.fun)(*case.args)
    got = eval_jaxpr(closed.jaxpr, closed.consts, *case.args)
    want = tree_util.tree_leaves(case.fun(*case.args))
    for g, w, aval in zip(got, want, closed.out_avals):
        assert np.shape(g) == aval.shape and np.asarray(g).dtype == aval.dtype, case.name
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w), err_msg=case.name)


def _prims_in(case):
    closed = make_jaxpr(case.fun)(*case.args)
    names = set()

    def walk(jaxpr):
        for eqn in jaxpr.eqns:
            names.add(eqn.primitive.name)
            for v in eqn.params.values():
                for sub in (v if isinstance(v, tuple) else (v,)):
                    inner = getattr(sub, "jaxpr", sub)
                    if hasattr(inner, "eqns"):
                        walk(inner)

    walk(closed.jaxpr)
    return names


def test_table_covers_every_primitive():
    covered = set()
    for case in ALL_CASES:
        covered |= _prims_in(case)
    # collectives (psum, all_gather, ...) only run inside a map that binds their axis
    # name, so they cannot be evaluated eagerly: tests/jax_pmap and tests/jax_batching cover them
    needs_axis = {n for n, p in lax.all_primitives.items() if getattr(p, "requires_axis_env", False)}
    missing = sorted(set(lax.all_primitives) - covered - needs_axis)
    assert not missing, f"primitives without a case in tests/prim_table: {missing}"
