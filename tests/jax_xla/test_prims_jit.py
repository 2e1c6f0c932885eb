"""Every case of the shared primitive table: jit (XLA) agrees with eager (NumPy)."""
import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax_xla  # noqa: E402
from jax_core import lax, tree_util  # noqa: E402
from jax_xla.lowering import has_rule  # noqa: E402
from tests.prim_table import ALL_CASES  # noqa: E402
from tests.prim_table.case import default_tol  # noqa: E402


def assert_agree(got, want, case, what):
    got_l = tree_util.tree_leaves(got)
    want_l = tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l), f"{case.name}: {what}: {len(got_l)} outputs vs {len(want_l)}"
    for g, w in zip(got_l, want_l):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{case.name}: {what}: shape {g.shape} != {w.shape}"
        assert g.dtype == w.dtype, f"{case.name}: {what}: dtype {g.dtype} != {w.dtype}"
        if case.exact or g.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w, err_msg=f"{case.name}: {what}")
        else:
            rtol, atol = default_tol(g.dtype)
            rtol = case.rtol if case.rtol is not None else rtol
            atol = case.atol if case.atol is not None else atol
            if g.dtype.kind == "V" or g.dtype.itemsize <= 2:
                g, w = g.astype(np.float32), w.astype(np.float32)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{case.name}: {what}")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_jit_matches_eager(case):
    want = case.fun(*case.args)
    got = jax_xla.jit(case.fun)(*case.args)
    assert_agree(got, want, case, "jit vs eager")


def test_every_primitive_has_a_lowering_rule():
    # collectives are lowered by jax-pmap (it registers into jax_xla's table);
    # without it installed, only they may lack a rule
    try:
        import jax_pmap  # noqa: F401
        have_pmap = True
    except ImportError:
        have_pmap = False
    missing = sorted(name for name, p in lax.all_primitives.items()
                     if not has_rule(p) and (have_pmap or not getattr(p, "requires_axis_env", False)))
    assert not missing, f"primitives without a lowering rule: {missing}"
