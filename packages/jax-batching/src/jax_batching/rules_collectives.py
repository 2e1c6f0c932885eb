"""Batching rules for collectives over named axes.

Under ``vmap(f, axis_name='i')`` the members of the batch play the role of
the devices of ``pmap``: ``psum(x, 'i')`` sums over the batch axis,
``axis_index('i')`` is ``iota``, ``all_gather`` stacks the members, and so
on.  A collective over another axis name (an enclosing vmap's, or pmap's)
acts on each member separately: the rule binds it again, carrying the batch
axis through, and the trace that owns that name handles it.

The collective primitives are matched by their JAX names and parameters
(``psum``/``pmax``/``pmin``: ``axes``, ``axis_index_groups``;
``axis_index``: ``axis_name``; ``all_gather``: ``all_gather_dimension``,
``axis_name``, ``axis_index_groups``, ``axis_size``, ``tiled``; ``ppermute``:
``axis_name``, ``perm``; ``all_to_all``: ``split_axis``, ``concat_axis``,
``axis_name``, ``axis_index_groups``, ``tiled``; ``reduce_scatter``:
``scatter_dimension``, ``axis_name``, ``axis_index_groups``, ``axis_size``,
``tiled``), whether they are registered now or later.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core.core import Array, Primitive

from jax_batching.batching import (
    AxisData,
    bdim_at_front,
    moveaxis,
    register_axis_rule_factory,
    shape_of,
)

AxisRule = Callable[..., tuple[Any, Any]]


def _names(axes: Any) -> tuple:
    return tuple(axes) if isinstance(axes, (tuple, list)) else (axes,)


def _is_mine(axis_data: AxisData, axes: Any) -> bool:
    return axis_data.name is not None and axis_data.name in _names(axes)


def _no_groups(prim: Primitive, groups: Any) -> None:
    if groups is not None:
        raise NotImplementedError(f"vmap of {prim.name} with axis_index_groups is not supported")


def _bind_through(prim: Primitive, vals: Sequence[Any], dims: Sequence[int | None],
                  params: dict) -> tuple[Any, Any]:
    """A collective over another axis: elementwise in the members of this batch."""
    out = prim.bind(*vals, **params)
    if prim.multiple_results:
        return out, list(dims)
    return out, dims[0]


def _reduction_rule(kind: str) -> Callable[[Primitive], AxisRule]:
    def factory(prim: Primitive) -> AxisRule:
        def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, axes: Any,
                 axis_index_groups: Any = None, **params: Any) -> tuple[Any, Any]:
            from jax_core import lax

            if not _is_mine(axis_data, axes):
                return _bind_through(prim, vals, dims, dict(params, axes=axes, axis_index_groups=axis_index_groups))
            _no_groups(prim, axis_index_groups)
            outs = []
            for v, d in zip(vals, dims):
                if d is None:
                    if kind == "sum":
                        v = lax.mul(v, lax.full_like(v, axis_data.size))
                    outs.append(v)
                elif kind == "sum":
                    outs.append(lax.reduce_sum(v, (d,)))
                elif kind == "max":
                    outs.append(lax.reduce_max(v, (d,)))
                else:
                    outs.append(lax.reduce_min(v, (d,)))
            rest = tuple(n for n in _names(axes) if n != axis_data.name)
            if rest:
                bound = prim.bind(*outs, axes=rest, axis_index_groups=axis_index_groups, **params)
                outs = list(bound) if prim.multiple_results else [bound]
            if prim.multiple_results:
                return outs, [None] * len(outs)
            return outs[0], None

        return rule

    return factory


def _axis_index_factory(prim: Primitive) -> AxisRule:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, axis_name: Any,
             **params: Any) -> tuple[Any, Any]:
        from jax_core import lax

        if not _is_mine(axis_data, axis_name):
            return prim.bind(*vals, axis_name=axis_name, **params), None
        return lax.iota(np.int32, axis_data.size), 0

    return rule


def _all_gather_factory(prim: Primitive) -> AxisRule:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, all_gather_dimension: int,
             axis_name: Any, axis_index_groups: Any = None, tiled: bool = False, **params: Any) -> tuple[Any, Any]:
        from jax_core import lax

        (x,), (d,) = vals, dims
        if not _is_mine(axis_data, axis_name):
            if d is None:
                return prim.bind(x, all_gather_dimension=all_gather_dimension, axis_name=axis_name,
                                 axis_index_groups=axis_index_groups, tiled=tiled, **params), None
            x = moveaxis(x, d, 0)
            return prim.bind(x, all_gather_dimension=all_gather_dimension + 1, axis_name=axis_name,
                             axis_index_groups=axis_index_groups, tiled=tiled, **params), 0
        _no_groups(prim, axis_index_groups)
        x = bdim_at_front(x, d, axis_data.size)
        out = moveaxis(x, 0, all_gather_dimension)
        if tiled:
            shape = list(shape_of(out))
            g = all_gather_dimension
            shape[g:g + 2] = [shape[g] * shape[g + 1]]
            out = lax.reshape(out, tuple(shape))
        return out, None  # every member gets the same stack

    return rule


def _ppermute_factory(prim: Primitive) -> AxisRule:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, axis_name: Any,
             perm: Any, **params: Any) -> tuple[Any, Any]:
        from jax_core import lax
        from jax_core.lax.indexing import GatherDimensionNumbers

        if not _is_mine(axis_data, axis_name):
            return _bind_through(prim, vals, dims, dict(params, axis_name=axis_name, perm=perm))
        size = axis_data.size
        outs = []
        for x, d in zip(vals, dims):
            x = bdim_at_front(x, d, size)
            src = np.full(size, -1, np.int32)
            for s, t in perm:
                src[t] = s
            received = src >= 0
            idx = Array._from_numpy(np.maximum(src, 0).reshape(size, 1))
            shape = shape_of(x)
            dn = GatherDimensionNumbers(offset_dims=tuple(range(1, len(shape))), collapsed_slice_dims=(0,),
                                        start_index_map=(0,))
            moved = lax.gather(x, idx, dn, (1,) + tuple(shape[1:]), mode="clip")
            if not received.all():
                mask = Array._from_numpy(np.broadcast_to(received.reshape((size,) + (1,) * (len(shape) - 1)),
                                                         shape).copy())
                moved = lax.select(mask, moved, lax.full_like(moved, 0))
            outs.append(moved)
        if prim.multiple_results:
            return outs, [0] * len(outs)
        return outs[0], 0

    return rule


def _all_to_all_factory(prim: Primitive) -> AxisRule:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, split_axis: int,
             concat_axis: int, axis_name: Any, axis_index_groups: Any = None, tiled: bool = False,
             **params: Any) -> tuple[Any, Any]:
        from jax_core import lax

        (x,), (d,) = vals, dims
        if not _is_mine(axis_data, axis_name):
            if d is None:
                return prim.bind(x, split_axis=split_axis, concat_axis=concat_axis, axis_name=axis_name,
                                 axis_index_groups=axis_index_groups, tiled=tiled, **params), None
            x = moveaxis(x, d, 0)
            return prim.bind(x, split_axis=split_axis + 1, concat_axis=concat_axis + 1, axis_name=axis_name,
                             axis_index_groups=axis_index_groups, tiled=tiled, **params), 0
        _no_groups(prim, axis_index_groups)
        size = axis_data.size
        x = bdim_at_front(x, d, size)  # axis 0: the sender i
        s = split_axis + 1
        if tiled:
            shape = list(shape_of(x))
            shape[s:s + 1] = [size, shape[s] // size]
            x = lax.reshape(x, tuple(shape))
        # the chunk index along the split axis becomes the receiver (the new batch axis)
        x = moveaxis(x, s, 0)  # (receiver j, sender i, ...)
        c = concat_axis + 1
        if tiled:
            # the senders' chunks are concatenated along concat_axis (sender major)
            x = moveaxis(x, 1, c)
            shape = list(shape_of(x))
            shape[c:c + 2] = [shape[c] * shape[c + 1]]
            return lax.reshape(x, tuple(shape)), 0
        return moveaxis(x, 1, c), 0

    return rule


def _reduce_scatter_factory(prim: Primitive) -> AxisRule:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, scatter_dimension: int,
             axis_name: Any, axis_index_groups: Any = None, tiled: bool = False, **params: Any) -> tuple[Any, Any]:
        from jax_core import lax

        (x,), (d,) = vals, dims
        if not _is_mine(axis_data, axis_name):
            if d is None:
                return prim.bind(x, scatter_dimension=scatter_dimension, axis_name=axis_name,
                                 axis_index_groups=axis_index_groups, tiled=tiled, **params), None
            x = moveaxis(x, d, 0)
            return prim.bind(x, scatter_dimension=scatter_dimension + 1, axis_name=axis_name,
                             axis_index_groups=axis_index_groups, tiled=tiled, **params), 0
        _no_groups(prim, axis_index_groups)
        size = axis_data.size
        if d is None:
            total = lax.mul(x, lax.full_like(x, size))
        else:
            total = lax.reduce_sum(x, (d,))
        s = scatter_dimension
        if tiled:
            shape = list(shape_of(total))
            shape[s:s + 1] = [size, shape[s] // size]
            total = lax.reshape(total, tuple(shape))
        return total, s

    return rule


COLLECTIVE_RULE_FACTORIES: dict[str, Callable[[Primitive], AxisRule]] = {
    "psum": _reduction_rule("sum"),
    "pmax": _reduction_rule("max"),
    "pmin": _reduction_rule("min"),
    "axis_index": _axis_index_factory,
    "all_gather": _all_gather_factory,
    "ppermute": _ppermute_factory,
    "all_to_all": _all_to_all_factory,
    "reduce_scatter": _reduce_scatter_factory,
    "psum_scatter": _reduce_scatter_factory,
}

for _name, _factory in COLLECTIVE_RULE_FACTORIES.items():
    register_axis_rule_factory(_name, _factory)

