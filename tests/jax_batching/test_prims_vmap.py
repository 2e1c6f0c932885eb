"""Every primitive of the shared table under vmap, against a Python loop.

For each case, batched inputs stack three differently perturbed copies of
each argument along the chosen axis (0, 1, -1; None leaves the argument
unbatched), and ``vmap(case.fun, in_axes)`` must equal stacking
``case.fun`` over the members.  Nested vmaps are checked the same way.
"""
import itertools

import numpy as np
import pytest

import jax_batching
from jax_batching import vmap
from jax_core import lax, tree_util
from tests.prim_table import ALL_CASES
from tests.prim_table.case import default_tol


def _perturb(x, k):
    """Member k of a batch: a permutation of the values (stays in the case's
    domain: valid indices stay valid, distinct values stay distinct); scalars
    of inexact dtype are scaled instead."""
    x = np.asarray(x)
    if k == 0:
        return x
    if x.size > 1:
        flat = x.reshape(-1)
        flat = flat[::-1] if k == 1 else np.roll(flat, k - 1)
        return np.ascontiguousarray(flat.reshape(x.shape))
    if x.dtype.kind in "fc":
        return (x * (1 + 0.25 * k)).astype(x.dtype)
    return x


def _stack(xs, axis):
    return np.stack([np.asarray(x) for x in xs], axis=axis)


def _leaves(out):
    return [np.asarray(o) for o in tree_util.tree_leaves(out)]


def _assert_close(got, want, case, what):
    got_l, want_l = _leaves(got), _leaves(want)
    assert len(got_l) == len(want_l), f"{case.name}: {what}: {len(got_l)} outputs vs {len(want_l)}"
    for g, w in zip(got_l, want_l):
        assert g.shape == w.shape, f"{case.name}: {what}: shape {g.shape} != {w.shape}"
        assert g.dtype == w.dtype, f"{case.name}: {what}: dtype {g.dtype} != {w.dtype}"
        if case.exact or g.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w, err_msg=f"{case.name}: {what}")
        else:
            rtol, atol = default_tol(g.dtype)
            rtol = case.rtol if case.rtol is not None else rtol
            atol = case.atol if case.atol is not None else atol
            if g.dtype.kind == "V" or g.dtype.itemsize == 2:  # bfloat16 / float16
                g, w = g.astype(np.float32), w.astype(np.float32)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{case.name}: {what}",
                                       equal_nan=True)


def _batchable(case):
    n = len(case.args)
    return tuple(range(n)) if case.batch_argnums is None else tuple(case.batch_argnums)


def _axis_choices(x):
    nd = np.ndim(x)
    return [0, 1, -1, None] if nd >= 1 else [0, None]


def _in_axes_combos(case):
    n = len(case.args)
    batchable = _batchable(case)
    choices = [(_axis_choices(a) if i in batchable else [None]) for i, a in enumerate(case.args)]
    if n <= 3:
        combos = list(itertools.product(*choices))
    else:  # a representative subset
        combos = []
        for ax in (0, 1, -1):
            combos.append(tuple(ax if ax in c else c[0] for c in choices))
        for i in range(n):
            if i in batchable:
                combos.append(tuple(0 if j == i else None for j in range(n)))
        combos.append(tuple((c[0] if j % 2 else c[-1]) for j, c in enumerate(choices)))
    combos = [c for c in combos if any(a is not None for a in c)]
    return list(dict.fromkeys(combos))


def _member_args(case, k, batched):
    return [_perturb(a, k) if b else np.asarray(a) for a, b in zip(case.args, batched)]


CASES_WITH_ARGS = [c for c in ALL_CASES if c.args and _batchable(c)]


@pytest.mark.parametrize("case", CASES_WITH_ARGS, ids=lambda c: c.name)
def test_vmap_matches_loop(case):
    refs = {}
    for in_axes in _in_axes_combos(case):
        batched = tuple(a is not None for a in in_axes)
        if batched not in refs:
            outs = [case.fun(*_member_args(case, k, batched)) for k in range(3)]
            refs[batched] = tree_util.tree_map(lambda *xs: _stack(xs, 0), *outs)
        args = [_stack([_perturb(a, k) for k in range(3)], ax) if ax is not None else np.asarray(a)
                for a, ax in zip(case.args, in_axes)]
        got = vmap(case.fun, in_axes=in_axes)(*args)
        _assert_close(got, refs[batched], case, f"in_axes={in_axes}")


def _perturb2(x, j, k):
    """Member (j, k) of a 2 x 3 nested batch."""
    y = _perturb(x, k)
    if j == 0:
        return y
    y = np.asarray(y)
    if y.size > 1:
        return np.ascontiguousarray(np.roll(y.reshape(-1), 2).reshape(y.shape))
    if y.dtype.kind in "fc":
        return (y * 0.5).astype(y.dtype)
    return y


@pytest.mark.parametrize("case", CASES_WITH_ARGS, ids=lambda c: c.name)
def test_nested_vmap_matches_loop(case):
    n = len(case.args)
    batchable = _batchable(case)
    configs = [
        # (inner in_axes, outer in_axes)
        (tuple(0 if i in batchable else None for i in range(n)),
         tuple(0 if i in batchable else None for i in range(n))),
        (tuple((-1 if i % 2 == 0 else None) if i in batchable else None for i in range(n)),
         tuple((1 if np.ndim(a) >= 1 else 0) if i in batchable else None for i, a in enumerate(case.args))),
    ]
    for inner, outer in configs:
        if all(a is None for a in inner) and all(a is None for a in outer):
            continue
        # members (j, k): batched along the outer axis if outer says so, inner likewise
        def member(a, i, j, k):
            if outer[i] is None and inner[i] is None:
                return np.asarray(a)
            return _perturb2(a, j if outer[i] is not None else 0, k if inner[i] is not None else 0)

        ref_rows = []
        for j in range(2):
            outs = [case.fun(*[member(a, i, j, k) for i, a in enumerate(case.args)]) for k in range(3)]
            ref_rows.append(tree_util.tree_map(lambda *xs: _stack(xs, 0), *outs))
        ref = tree_util.tree_map(lambda *xs: _stack(xs, 0), *ref_rows)
        args = []
        for i, a in enumerate(case.args):
            x = np.asarray(a)
            if inner[i] is not None:
                rows = [_stack([member(a, i, j, k) for k in range(3)], inner[i]) for j in range(2)]
            else:
                rows = [member(a, i, j, 0) for j in range(2)]
            if outer[i] is not None:
                x = _stack(rows, outer[i])
            else:
                x = rows[0]
            args.append(x)
        f = vmap(vmap(case.fun, in_axes=inner, axis_size=3), in_axes=outer, axis_size=2)
        got = f(*args)
        _assert_close(got, ref, case, f"nested inner={inner} outer={outer}")


def test_every_primitive_has_a_batching_rule():
    missing = jax_batching.missing_rules()
    assert not missing, f"primitives without a batching rule: {missing}"
    for name, prim in lax.all_primitives.items():
        assert jax_batching.has_rule(prim), name
