"""Batching rules for reductions, cumulative reductions and windowed reductions.

The batch axis stays where it is; the reduced/scanned/windowed axes are
renumbered around it (a window of size 1 along the batch axis).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core.core import Primitive

from jax_batching.batching import (
    axis_size_of,
    move_or_broadcast,
    out_dim_after_removing,
    register_rule_factory,
    shift_axes,
)


def reducer_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """For primitives reducing ``axes`` (reduce_*, argmax, argmin)."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], *, axes: tuple, **params: Any) -> tuple[Any, Any]:
        (x,), (bd,) = vals, dims
        assert bd is not None
        nd = len(_shape(x)) - 1
        new_axes = shift_axes([a % nd if nd else a for a in axes], bd)
        return prim.bind(x, axes=new_axes, **params), out_dim_after_removing(bd, new_axes)

    return rule


def _shape(x: Any) -> tuple[int, ...]:
    from jax_core.core import get_aval

    return get_aval(x).shape


for _name in ["reduce_sum", "reduce_prod", "reduce_max", "reduce_min", "reduce_and", "reduce_or", "reduce_xor",
              "argmax", "argmin"]:
    register_rule_factory(_name, reducer_rule)


def cumulative_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(vals: Sequence[Any], dims: Sequence[int | None], *, axis: int, **params: Any) -> tuple[Any, Any]:
        (x,), (bd,) = vals, dims
        assert bd is not None
        return prim.bind(x, axis=axis + 1 if axis >= bd else axis, **params), bd

    return rule


for _name in ["cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"]:
    register_rule_factory(_name, cumulative_rule)


# --------------------------------------------------------------------------
# windowed reductions: a window of 1 along the batch axis


def _insert(seq: Any, pos: int, value: Any) -> Any:
    if seq is None:
        return None
    out = list(seq)
    out.insert(pos, value)
    return tuple(out)


def _window_params(bd: int, params: dict) -> dict:
    new = dict(params)
    for key, one in (("window_dimensions", 1), ("window_strides", 1), ("base_dilation", 1),
                     ("window_dilation", 1), ("padding", (0, 0))):
        if key in new:
            new[key] = _insert(new[key], bd, one)
    return new


def reduce_window_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        (x,), (bd,) = vals, dims
        assert bd is not None
        return prim.bind(x, **_window_params(bd, params)), bd

    return rule


for _name in ["reduce_window_sum", "reduce_window_max", "reduce_window_min"]:
    register_rule_factory(_name, reduce_window_rule)


def two_operand_window_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """select_and_scatter_add(source, operand) / select_and_gather_add(tangents, operand):
    both operands need the batch, at the same axis."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        size = axis_size_of(vals, dims)
        bd = next(d for d in dims if d is not None)
        a, b = (v if d == bd else move_or_broadcast(v, d, bd, size) for v, d in zip(vals, dims))
        return prim.bind(a, b, **_window_params(bd, params)), bd

    return rule


for _name in ["select_and_scatter_add", "select_and_gather_add", "select_and_scatter"]:
    register_rule_factory(_name, two_operand_window_rule)
