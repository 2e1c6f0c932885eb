"""Batching rules for gather, the scatters, dynamic_slice and dynamic_update_slice.

* batched operand, unbatched indices: the batch axis becomes one more window
  (offset) dimension covering the whole axis;
* batched indices: the batch axis becomes a batch dimension of the indices,
  paired (``operand_batching_dims`` / ``*_indices_batching_dims``) with the
  operand's batch axis when the operand is batched too;
* dynamic_slice / dynamic_update_slice with batched start indices become a
  gather / scatter (mode CLIP, which clamps like the dynamic ops do).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core.core import Array, Primitive, get_aval
from jax_core.lax import all_primitives, broadcast_in_dim, concatenate, reshape
from jax_core.lax.indexing import GatherDimensionNumbers, GatherScatterMode, ScatterDimensionNumbers

from jax_batching.batching import (
    axis_size_of,
    bdim_at_front,
    move_or_broadcast,
    moveaxis,
    register_rule,
    register_rule_factory,
    shape_of,
)


def _plus1(dims: Sequence[int]) -> tuple[int, ...]:
    return tuple(d + 1 for d in dims)


def _gather_rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension_numbers: Any,
                 slice_sizes: tuple, **params: Any) -> tuple[Any, Any]:
    gather_p = all_primitives["gather"]
    operand, indices = vals
    od, idim = dims
    dn = dimension_numbers
    if idim is None:
        assert od is not None
        operand = moveaxis(operand, od, 0)
        size = shape_of(operand)[0]
        new_dn = GatherDimensionNumbers(
            offset_dims=(0,) + _plus1(dn.offset_dims),
            collapsed_slice_dims=_plus1(dn.collapsed_slice_dims),
            start_index_map=_plus1(dn.start_index_map),
            operand_batching_dims=_plus1(dn.operand_batching_dims),
            start_indices_batching_dims=dn.start_indices_batching_dims)
        return gather_p.bind(operand, indices, dimension_numbers=new_dn, slice_sizes=(size,) + tuple(slice_sizes),
                             **params), 0
    indices = moveaxis(indices, idim, 0)
    if od is None:
        new_dn = GatherDimensionNumbers(
            offset_dims=_plus1(dn.offset_dims),
            collapsed_slice_dims=dn.collapsed_slice_dims,
            start_index_map=dn.start_index_map,
            operand_batching_dims=dn.operand_batching_dims,
            start_indices_batching_dims=_plus1(dn.start_indices_batching_dims))
        return gather_p.bind(operand, indices, dimension_numbers=new_dn, slice_sizes=slice_sizes, **params), 0
    operand = moveaxis(operand, od, 0)
    new_dn = GatherDimensionNumbers(
        offset_dims=_plus1(dn.offset_dims),
        collapsed_slice_dims=_plus1(dn.collapsed_slice_dims),
        start_index_map=_plus1(dn.start_index_map),
        operand_batching_dims=(0,) + _plus1(dn.operand_batching_dims),
        start_indices_batching_dims=(0,) + _plus1(dn.start_indices_batching_dims))
    return gather_p.bind(operand, indices, dimension_numbers=new_dn, slice_sizes=(1,) + tuple(slice_sizes),
                         **params), 0


register_rule("gather", _gather_rule)


def scatter_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(vals: Sequence[Any], dims: Sequence[int | None], *, dimension_numbers: Any,
             **params: Any) -> tuple[Any, Any]:
        operand, indices, updates = vals
        od, idim, ud = dims
        dn = dimension_numbers
        size = axis_size_of(vals, dims)
        # every member writes into its own copy of the operand
        operand = bdim_at_front(operand, od, size)
        updates = bdim_at_front(updates, ud, size)
        if idim is None:
            new_dn = ScatterDimensionNumbers(
                update_window_dims=(0,) + _plus1(dn.update_window_dims),
                inserted_window_dims=_plus1(dn.inserted_window_dims),
                scatter_dims_to_operand_dims=_plus1(dn.scatter_dims_to_operand_dims),
                operand_batching_dims=_plus1(dn.operand_batching_dims),
                scatter_indices_batching_dims=dn.scatter_indices_batching_dims)
        else:
            indices = moveaxis(indices, idim, 0)
            new_dn = ScatterDimensionNumbers(
                update_window_dims=_plus1(dn.update_window_dims),
                inserted_window_dims=_plus1(dn.inserted_window_dims),
                scatter_dims_to_operand_dims=_plus1(dn.scatter_dims_to_operand_dims),
                operand_batching_dims=(0,) + _plus1(dn.operand_batching_dims),
                scatter_indices_batching_dims=(0,) + _plus1(dn.scatter_indices_batching_dims))
        return prim.bind(operand, indices, updates, dimension_numbers=new_dn, **params), 0

    return rule


for _name in ["scatter", "scatter-add", "scatter-mul", "scatter-min", "scatter-max",
              "scatter_add", "scatter_mul", "scatter_min", "scatter_max"]:
    register_rule_factory(_name, scatter_rule)


def _index_vectors(idx: Sequence[Any], idims: Sequence[int | None], size: int) -> Any:
    """Per-member start-index vectors: an int array of shape (size, len(idx))."""
    cols = []
    for i, d in zip(idx, idims):
        if d is None:
            cols.append(broadcast_in_dim(i, (size, 1), ()))
        else:
            cols.append(reshape(i, (size, 1)))
    return concatenate(cols, 1)


def _zero_index_like(idx: Sequence[Any]) -> Any:
    dtype = get_aval(idx[0]).dtype if idx else np.dtype(np.int32)
    return Array._from_numpy(np.zeros((), dtype))


def _dynamic_slice_rule(vals: Sequence[Any], dims: Sequence[int | None], *, slice_sizes: tuple) -> tuple[Any, Any]:
    operand, idx = vals[0], list(vals[1:])
    od, idims = dims[0], list(dims[1:])
    if all(d is None for d in idims):
        assert od is not None
        size = shape_of(operand)[od]
        idx.insert(od, _zero_index_like(idx))
        sizes = list(slice_sizes)
        sizes.insert(od, size)
        return all_primitives["dynamic_slice"].bind(operand, *idx, slice_sizes=tuple(sizes)), od
    size = axis_size_of(vals, dims)
    n = len(idx)
    indices = _index_vectors(idx, idims, size)
    dn = GatherDimensionNumbers(offset_dims=tuple(range(n)), collapsed_slice_dims=(), start_index_map=tuple(range(n)))
    return _gather_rule([operand, indices], [od, 0], dimension_numbers=dn, slice_sizes=tuple(slice_sizes),
                        unique_indices=False, indices_are_sorted=False, mode=GatherScatterMode.CLIP,
                        fill_value=None)


register_rule("dynamic_slice", _dynamic_slice_rule)


def _dynamic_update_slice_rule(vals: Sequence[Any], dims: Sequence[int | None]) -> tuple[Any, Any]:
    operand, update, idx = vals[0], vals[1], list(vals[2:])
    od, ud, idims = dims[0], dims[1], list(dims[2:])
    size = axis_size_of(vals, dims)
    if all(d is None for d in idims):
        bd = od if od is not None else ud
        assert bd is not None
        operand = operand if od == bd else move_or_broadcast(operand, od, bd, size)
        update = update if ud == bd else move_or_broadcast(update, ud, bd, size)
        idx.insert(bd, _zero_index_like(idx))
        return all_primitives["dynamic_update_slice"].bind(operand, update, *idx), bd
    n = len(idx)
    indices = _index_vectors(idx, idims, size)
    dn = ScatterDimensionNumbers(update_window_dims=tuple(range(n)), inserted_window_dims=(),
                                 scatter_dims_to_operand_dims=tuple(range(n)))
    return scatter_rule(all_primitives["scatter"])(
        [operand, indices, update], [od, 0, ud], dimension_numbers=dn, indices_are_sorted=True,
        unique_indices=True, mode=GatherScatterMode.CLIP, update_jaxpr=None, update_consts=())


register_rule("dynamic_update_slice", _dynamic_update_slice_rule)
