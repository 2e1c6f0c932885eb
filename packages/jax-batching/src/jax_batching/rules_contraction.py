"""Batching rules for dot_general and conv_general_dilated.

dot_general never moves data: a batch on both sides becomes one more
contraction batch dimension, a batch on one side one more free dimension.
Convolutions fold the batch into an existing dimension: into the images
(lhs batch), the output features (rhs batch), or the feature groups (both),
as XLA's convolution has no spare batch dimension.
"""
from __future__ import annotations

from typing import Any, Sequence

from jax_core.lax import all_primitives, reshape

from jax_batching.batching import register_rule, shape_of, shift_axes


def _dot_general_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension_numbers: Any,
                      **params: Any) -> tuple[Any, Any]:
    lhs, rhs = vals
    lbd, rbd = dims
    (lc, rc), (lb, rb) = dimension_numbers
    l_nd = len(shape_of(lhs)) - (lbd is not None)
    r_nd = len(shape_of(rhs)) - (rbd is not None)
    if lbd is not None:
        lc, lb = shift_axes(lc, lbd), shift_axes(lb, lbd)
    if rbd is not None:
        rc, rb = shift_axes(rc, rbd), shift_axes(rb, rbd)
    if lbd is not None and rbd is not None:
        # both batched: the vmap axis is one more dot batch dimension (output axis 0)
        dn = ((lc, rc), ((lbd,) + lb, (rbd,) + rb))
        out_dim = 0
    elif lbd is not None:
        dn = ((lc, rc), (lb, rb))
        free = [i for i in range(l_nd + 1) if i not in lc and i not in lb]
        out_dim = len(lb) + free.index(lbd)
    else:
        assert rbd is not None
        dn = ((lc, rc), (lb, rb))
        n_lhs_free = l_nd - len(lc) - len(lb)
        free = [i for i in range(r_nd + 1) if i not in rc and i not in rb]
        out_dim = len(lb) + n_lhs_free + free.index(rbd)
    return all_primitives["dot_general"].bind(lhs, rhs, dimension_numbers=dn, **params), out_dim


register_rule("dot_general", _dot_general_rule)


# --------------------------------------------------------------------------
# convolution


def _axis_into(src: int, dst: int, x: Any) -> Any:
    """Merge axis ``src`` into axis ``dst`` (numbered without ``src``), ``src`` major."""
    shape = shape_of(x)
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new_shape = [shape[i] for i in range(len(shape)) if i != src]
    new_shape[dst] *= shape[src]
    return reshape(x, tuple(new_shape), tuple(perm))


def _axis_out_of(src: int, size1: int, x: Any) -> Any:
    """Split axis ``src`` into ``(size1, rest)``."""
    shape = list(shape_of(x))
    rest = shape[src] // size1
    shape[src:src + 1] = [size1, rest]
    return reshape(x, tuple(shape))


def _conv_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension_numbers: Any,
               feature_group_count: int, batch_group_count: int, **params: Any) -> tuple[Any, Any]:
    conv_p = all_primitives["conv_general_dilated"]
    lhs, rhs = vals
    lbd, rbd = dims
    lhs_spec, rhs_spec, out_spec = dimension_numbers[0], dimension_numbers[1], dimension_numbers[2]
    fgc, bgc = feature_group_count, batch_group_count

    def conv(l: Any, r: Any, f: int, b: int) -> Any:
        return conv_p.bind(l, r, dimension_numbers=dimension_numbers, feature_group_count=f,
                           batch_group_count=b, **params)

    if lbd is not None and rbd is not None:
        size = shape_of(lhs)[lbd]
        if bgc > 1:
            new_lhs = _axis_into(lbd, lhs_spec[0], lhs)
            new_fgc, new_bgc = fgc, bgc * size
        else:
            new_lhs = _axis_into(lbd, lhs_spec[1], lhs)
            new_fgc, new_bgc = fgc * size, bgc
        new_rhs = _axis_into(rbd, rhs_spec[0], rhs)
        out = conv(new_lhs, new_rhs, new_fgc, new_bgc)
        return _axis_out_of(out_spec[1], size, out), out_spec[1]

    if lbd is not None:
        size = shape_of(lhs)[lbd]
        n0 = lhs_spec[0]
        if bgc == 1:
            out = conv(_axis_into(lbd, n0, lhs), rhs, fgc, bgc)
        else:
            # the images are split into batch groups (major): the vmap batch goes
            # inside each group
            new = _axis_out_of(n0 + (lbd <= n0), bgc, lhs)
            new = _axis_into(lbd + (n0 < lbd), n0 + 1, new)
            new = _axis_into(n0, n0, new)
            out = conv(new, rhs, fgc, bgc)
        return _axis_out_of(out_spec[0], size, out), out_spec[0]

    assert rbd is not None
    size = shape_of(rhs)[rbd]
    o0 = rhs_spec[0]
    f = out_spec[1]
    if fgc == 1 and bgc == 1:
        out = conv(lhs, _axis_into(rbd, o0, rhs), fgc, bgc)
        return _axis_out_of(f, size, out), f
    # output features are split into groups (major): the vmap batch goes inside
    # each group, and comes back out of it in the output
    groups = fgc if fgc > 1 else bgc
    new = _axis_out_of(o0 + (rbd <= o0), groups, rhs)
    new = _axis_into(rbd + (o0 < rbd), o0 + 1, new)
    new = _axis_into(o0, o0, new)
    out = conv(lhs, new, fgc, bgc)
    out = _axis_out_of(f, groups, out)
    out = _axis_out_of(f + 1, size, out)
    out = _axis_into(f, f + 1, out)
    return out, f


register_rule("conv_general_dilated", _conv_rule)
