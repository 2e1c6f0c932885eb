"""Batching ``xla_pmap`` (pmap's primitive): ``vmap`` of a ``pmap``'d function.

The vmapped batch axis rides along inside every device's value: an operand
batched along ``d`` and mapped by pmap along ``a`` becomes, per device, a
value batched along where ``d`` lands once the pmap axis is removed; the
per-device jaxpr is batched (so collectives over this vmap's name become
array operations, and those over the pmap's name keep their meaning), and
each result's pmap axis is placed so that, with the batch axis removed, it
sits where the user asked.  No data moves.

(Added by the jax-pmap work; it lives here because batching rules belong to
jax-batching, and is registered by name since ``xla_pmap`` is a call
primitive outside ``lax.all_primitives``, like ``pjit``.)
"""
from __future__ import annotations

from typing import Any, Sequence

from jax_core import core
from jax_core.jaxpr import ClosedJaxpr

from jax_batching.batching import AxisData, register_axis_rule_factory
from jax_batching.rules_calls import FREE, batch_jaxpr, jaxpr_uses_axis


def _pmap_factory(prim: Any) -> Any:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr,
             in_axes: Sequence[Any], out_axes: Sequence[Any], **params: Any) -> tuple[list, list]:
        if all(d is None for d in dims) and not jaxpr_uses_axis(jaxpr.jaxpr, axis_data.name):
            outs = prim.bind(*vals, jaxpr=jaxpr, in_axes=tuple(in_axes), out_axes=tuple(out_axes), **params)
            return outs, [None] * len(outs)
        new_in_axes: list[Any] = []
        inner_dims: list[int | None] = []
        for d, a in zip(dims, in_axes):
            if d is None:
                new_in_axes.append(a)
                inner_dims.append(None)
            elif a is None:
                new_in_axes.append(None)
                inner_dims.append(d)
            else:
                p = a if a < d else a + 1          # the pmap axis, counted in the batched operand
                new_in_axes.append(p)
                inner_dims.append(d if d < p else d - 1)
        with core.extend_axis_env(params["axis_name"], params["global_axis_size"], "pmap"):
            batched, got = batch_jaxpr(jaxpr, axis_data, inner_dims, [FREE] * len(out_axes))
        new_out_axes: list[Any] = []
        out_dims: list[int | None] = []
        for o, d in zip(out_axes, got):
            if d is None or o is None:
                new_out_axes.append(o)
                out_dims.append(d)
            elif o <= d:
                new_out_axes.append(o)              # the pmap axis goes before the batch axis
                out_dims.append(d + 1)
            else:
                new_out_axes.append(o + 1)          # ... or after it
                out_dims.append(d)
        outs = prim.bind(*vals, jaxpr=batched, in_axes=tuple(new_in_axes), out_axes=tuple(new_out_axes),
                         **params)
        return outs, out_dims

    return rule


register_axis_rule_factory("xla_pmap", _pmap_factory)
