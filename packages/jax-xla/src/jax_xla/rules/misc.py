"""Primitives that fit no other family."""
from __future__ import annotations

from typing import Any

from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Value


@register("optimization_barrier")
def _optimization_barrier(ctx: RuleContext, *xs: Value, **_: Any) -> list[Value]:
    return ctx.block.op("stablehlo.optimization_barrier", list(xs), [x.aval for x in xs])
