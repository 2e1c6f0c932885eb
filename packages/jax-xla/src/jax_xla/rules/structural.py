"""Shape-changing primitives: broadcast, reshape, transpose, slicing, padding..."""
from __future__ import annotations

from typing import Any, Sequence

from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Value, i64_array


@register("broadcast_in_dim")
def _broadcast_in_dim(ctx: RuleContext, x: Value, *dyn: Value, shape: Sequence[int],
                      broadcast_dimensions: Sequence[int], **_: Any) -> Value:
    return ctx.block.op1("stablehlo.broadcast_in_dim", [x], ctx.aval_out,
                         f"broadcast_dimensions = {i64_array(broadcast_dimensions)}")


@register("reshape")
def _reshape(ctx: RuleContext, x: Value, *dyn: Value, new_sizes: Sequence[int],
             dimensions: Sequence[int] | None = None, **_: Any) -> Value:
    b = ctx.block
    if dimensions is not None:
        x = b.transpose(x, dimensions)
    return b.op1("stablehlo.reshape", [x], ctx.aval_out)


@register("squeeze", "expand_dims")
def _squeeze(ctx: RuleContext, x: Value, **_: Any) -> Value:
    return ctx.block.op1("stablehlo.reshape", [x], ctx.aval_out)


@register("transpose")
def _transpose(ctx: RuleContext, x: Value, *, permutation: Sequence[int], **_: Any) -> Value:
    return ctx.block.op1("stablehlo.transpose", [x], ctx.aval_out,
                         f"permutation = {i64_array(permutation)}")


@register("rev")
def _rev(ctx: RuleContext, x: Value, *, dimensions: Sequence[int], **_: Any) -> Value:
    return ctx.block.op1("stablehlo.reverse", [x], ctx.aval_out, f"dimensions = {i64_array(dimensions)}")


@register("pad")
def _pad(ctx: RuleContext, x: Value, padding_value: Value, *, padding_config: Sequence[Sequence[int]],
         **_: Any) -> Value:
    lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
    return ctx.block.op1("stablehlo.pad", [x, padding_value], ctx.aval_out,
                         [f"edge_padding_high = {i64_array(hi)}", f"edge_padding_low = {i64_array(lo)}",
                          f"interior_padding = {i64_array(interior)}"])


@register("concatenate")
def _concatenate(ctx: RuleContext, *xs: Value, dimension: int, **_: Any) -> Value:
    return ctx.block.op1("stablehlo.concatenate", list(xs), ctx.aval_out,
                         f"dimension = {int(dimension)} : i64")


@register("slice")
def _slice(ctx: RuleContext, x: Value, *, start_indices: Sequence[int], limit_indices: Sequence[int],
           strides: Sequence[int] | None = None, **_: Any) -> Value:
    strides = strides if strides is not None else (1,) * len(start_indices)
    return ctx.block.op1("stablehlo.slice", [x], ctx.aval_out,
                         [f"limit_indices = {i64_array(limit_indices)}",
                          f"start_indices = {i64_array(start_indices)}", f"strides = {i64_array(strides)}"])


@register("copy", "copy_p", "optimization_barrier_identity")
def _copy(ctx: RuleContext, x: Value, **_: Any) -> Value:
    return x
