"""Batching rules for sort and top_k."""
from __future__ import annotations

from typing import Any, Sequence

from jax_core.lax import all_primitives

from jax_batching.batching import (
    axis_size_of,
    move_or_broadcast,
    moveaxis,
    ndim_of,
    register_rule,
)


def _sort_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension: int, **params: Any) -> tuple[Any, Any]:
    # every operand is permuted the same way, so all carry the batch at one axis
    size = axis_size_of(vals, dims)
    bd = next(d for d in dims if d is not None)
    ops = [v if d == bd else move_or_broadcast(v, d, bd, size) for v, d in zip(vals, dims)]
    new_dim = dimension + 1 if dimension >= bd else dimension
    outs = all_primitives["sort"].bind(*ops, dimension=new_dim, **params)
    return outs, [bd] * len(outs)


register_rule("sort", _sort_rule)


def _top_k_rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    prim = all_primitives["top_k"]
    if "axis" in params and params["axis"] is not None:
        nd = ndim_of(x) - 1
        axis = params["axis"] % nd
        params = dict(params, axis=axis + 1 if axis >= bd else axis)
    elif bd == ndim_of(x) - 1:
        # top_k works on the last axis: the batch must not be there
        x, bd = moveaxis(x, bd, 0), 0
    outs = prim.bind(x, **params)
    return outs, [bd] * len(outs)


register_rule("top_k", _top_k_rule)
