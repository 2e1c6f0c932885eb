"""Every differentiable case of the shared primitive table passes check_grads.

Orders 1 and 2 (up to ``case.grad_order``), forward and reverse mode, in
float32 and in float64 (with x64 on, the case's float32 inputs become
float64).  Inputs not in ``diff_argnums`` are held fixed.
"""
import numpy as np
import pytest

from jax_core import config, lax, tree_util
import jax_ad
from jax_ad import check_grads
from tests.prim_table import ALL_CASES

GRAD_CASES = [c for c in ALL_CASES if c.diff_argnums]


def _partial(case, args):
    """The case's function of its diff_argnums only, keeping only its inexact outputs
    (integer outputs such as top_k's indices have float0 tangents, which
    finite differences cannot check)."""
    diff = case.diff_argnums

    def f(*dyn):
        full = list(args)
        for i, a in zip(diff, dyn):
            full[i] = a
        out = case.fun(*full)
        leaves = tree_util.tree_leaves(out)
        kept = [x for x in leaves if np.dtype(x.dtype).kind in "fc"]
        if len(kept) == len(leaves):
            return out
        return kept[0] if len(kept) == 1 else tuple(kept)

    return f, tuple(args[i] for i in diff)


def _to64(x):
    x = np.asarray(x)
    if x.dtype == np.float32:
        return x.astype(np.float64)
    if x.dtype == np.complex64:
        return x.astype(np.complex128)
    return x


# Cases whose float32 finite differences are dominated by rounding (sums of many
# products, outputs of magnitude ~100 next to entries ~0.1): float64 checks them
# at JAX's 1e-5; in float32 they get a looser tolerance.
F32_TOLERANCE = {
    "conv_lhs_dilation_f32": 1e-2,
    "conv_wide_channels_f32": 1e-2,
    "conv_wide_groups_f32": 1e-2,
}
# float32 finite-difference steps other than the default 1e-3, where a case's inputs
# sit near a singularity (x**-3 at |x| ~ 0.02): truncation error dominates there.
F32_EPS = {
    "pow_f32_int_exponent": 1e-4,
}


def _tols(case, dtype):
    tol = case.grad_rtol if case.grad_rtol is not None else F32_TOLERANCE.get(case.name)
    return tol, tol


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_check_grads_f32(case):
    f, dyn = _partial(case, list(case.args))
    atol, rtol = _tols(case, np.float32)
    # float32 central differences: eps=1e-3 balances rounding against truncation error
    eps = F32_EPS.get(case.name, 1e-3)
    check_grads(f, dyn, order=min(case.grad_order, 2), modes=("fwd", "rev"), atol=atol, rtol=rtol, eps=eps)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_check_grads_f64(case):
    with config.enable_x64():
        args = [_to64(a) for a in case.args]
        try:
            case.fun(*args)
        except TypeError as e:  # e.g. a float32 constant inside the case's function
            pytest.skip(f"the case's function does not run on float64 inputs: {e}")
        f, dyn = _partial(case, args)
        # float64: rounding is negligible, so a small step keeps truncation error small too
        check_grads(f, dyn, order=min(case.grad_order, 2), modes=("fwd", "rev"), eps=1e-5)


def test_every_primitive_has_rules():
    """A JVP rule for each primitive (and a transpose rule for the linear ones), or a stated reason."""
    missing_jvp = sorted(name for name, p in lax.all_primitives.items()
                         if p not in jax_ad.jvp_rules and name not in jax_ad.NON_DIFFERENTIABLE)
    assert not missing_jvp, f"primitives without a JVP rule in jax_ad: {missing_jvp}"
    missing_t = sorted(name for name, p in lax.all_primitives.items()
                       if name in jax_ad.LINEAR_PRIMITIVES and p not in jax_ad.transpose_rules)
    assert not missing_t, f"linear primitives without a transpose rule in jax_ad: {missing_t}"
