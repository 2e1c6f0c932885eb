"""Batching rules for shape-changing primitives.

Most of them just renumber their axis parameters around the batch axis and
leave the data where it is; reshape and concatenate need the batch axis in
a known place and move it to the front.
"""
from __future__ import annotations

from typing import Any, Sequence

from jax_core.core import get_aval
from jax_core.lax import all_primitives

from jax_batching.batching import (
    axis_size_of,
    broadcast_dim,
    move_or_broadcast,
    moveaxis,
    ndim_of,
    out_dim_after_removing,
    register_rule,
    shape_of,
    shift_axes,
)


def _p(name: str) -> Any:
    return all_primitives[name]


def _iota_rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
    # iota has no operands, so nothing about it can be mapped; the rule exists
    # for completeness of the table.
    return _p("iota").bind(**params), None


register_rule("iota", _iota_rule)


def _broadcast_in_dim_rule(vals: Sequence[Any], dims: Sequence[int | None], *, shape: tuple,
                           broadcast_dimensions: tuple, **params: Any) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    size = shape_of(x)[bd]
    # the batch axis goes right after the output axis of the operand axis before
    # it, which keeps broadcast_dimensions increasing
    out_bd = 0 if bd == 0 else broadcast_dimensions[bd - 1] + 1
    new_shape = shape[:out_bd] + (size,) + shape[out_bd:]
    bdims = [d if d < out_bd else d + 1 for d in broadcast_dimensions]
    bdims.insert(bd, out_bd)
    return _p("broadcast_in_dim").bind(x, shape=new_shape, broadcast_dimensions=tuple(bdims), **params), out_bd


register_rule("broadcast_in_dim", _broadcast_in_dim_rule)


def _reshape_rule(vals: Sequence[Any], dims: Sequence[int | None], *, new_sizes: tuple, dimensions: Any,
                  **params: Any) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    x = moveaxis(x, bd, 0)
    size = shape_of(x)[0]
    new_dims = None if dimensions is None else (0,) + tuple(d + 1 for d in dimensions)
    return _p("reshape").bind(x, new_sizes=(size,) + tuple(new_sizes), dimensions=new_dims, **params), 0


register_rule("reshape", _reshape_rule)


def _squeeze_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimensions: tuple) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    nd = ndim_of(x) - 1
    sq = shift_axes([d % nd for d in dimensions], bd)
    return _p("squeeze").bind(x, dimensions=sq), out_dim_after_removing(bd, sq)


register_rule("squeeze", _squeeze_rule)


def _transpose_rule(vals: Sequence[Any], dims: Sequence[int | None], *, permutation: tuple) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    # keep the batch axis where it is: output axis bd stays the batch
    perm = [p + 1 if p >= bd else p for p in permutation]
    perm.insert(bd, bd)
    return _p("transpose").bind(x, permutation=tuple(perm)), bd


register_rule("transpose", _transpose_rule)


def _rev_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimensions: tuple) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    return _p("rev").bind(x, dimensions=shift_axes(dimensions, bd)), bd


register_rule("rev", _rev_rule)


def _slice_rule(vals: Sequence[Any], dims: Sequence[int | None], *, start_indices: tuple, limit_indices: tuple,
                strides: tuple | None) -> tuple[Any, Any]:
    (x,), (bd,) = vals, dims
    assert bd is not None
    size = shape_of(x)[bd]
    start = list(start_indices)
    limit = list(limit_indices)
    start.insert(bd, 0)
    limit.insert(bd, size)
    new_strides = None
    if strides is not None:
        st = list(strides)
        st.insert(bd, 1)
        new_strides = tuple(st)
    return _p("slice").bind(x, start_indices=tuple(start), limit_indices=tuple(limit), strides=new_strides), bd


register_rule("slice", _slice_rule)


def _pad_rule(vals: Sequence[Any], dims: Sequence[int | None], *, padding_config: tuple) -> tuple[Any, Any]:
    x, pv = vals
    xd, pd = dims
    size = axis_size_of(vals, dims)
    if pd is None:
        config = list(padding_config)
        config.insert(xd, (0, 0, 0))  # type: ignore[arg-type]
        return _p("pad").bind(x, pv, padding_config=tuple(config)), xd
    # a batch of padding values: pad with zeros, then choose per member where
    # the padding landed (found by padding a mask of the operand's shape)
    from jax_core import lax

    if xd is None:
        x = broadcast_dim(x, size, 0)
        xd = 0
    x = moveaxis(x, xd, 0)
    dtype = get_aval(x).dtype
    zero = lax.convert_element_type(0, dtype)
    padded = _p("pad").bind(x, zero, padding_config=((0, 0, 0),) + tuple(padding_config))
    mask = lax.full(shape_of(x)[1:], True, "bool")
    mask = _p("pad").bind(mask, lax.convert_element_type(False, "bool"), padding_config=tuple(padding_config))
    out_shape = shape_of(padded)
    mask = lax.broadcast_in_dim(mask, out_shape, tuple(range(1, len(out_shape))))
    pvals = lax.broadcast_in_dim(pv, out_shape, (0,))
    return lax.select(mask, padded, pvals), 0


register_rule("pad", _pad_rule)


def _concatenate_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension: int) -> tuple[Any, Any]:
    size = axis_size_of(vals, dims)
    mapped = {d for d in dims if d is not None}
    out_bd = mapped.pop() if len(mapped) == 1 else 0
    args = [v if d == out_bd else move_or_broadcast(v, d, out_bd, size) for v, d in zip(vals, dims)]
    new_dim = dimension + 1 if dimension >= out_bd else dimension
    return _p("concatenate").bind(*args, dimension=new_dim), out_bd


register_rule("concatenate", _concatenate_rule)

