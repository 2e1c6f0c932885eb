"""Windowed reductions (pooling) and their gradients."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, dense_i64_2d, i64_array
from jax_xla.rules.reductions import combiner_region, identity_value


def window_attrs(nd: int, window_dimensions: Sequence[int], window_strides: Sequence[int] | None,
                 padding: Any, base_dilation: Sequence[int] | None = None,
                 window_dilation: Sequence[int] | None = None) -> list[str]:
    ones = (1,) * nd
    pad = padding if padding is not None else ((0, 0),) * nd
    return [f"base_dilations = {i64_array(base_dilation or ones)}", f"padding = {dense_i64_2d(pad)}",
            f"window_dilations = {i64_array(window_dilation or ones)}",
            f"window_dimensions = {i64_array(window_dimensions)}",
            f"window_strides = {i64_array(window_strides or ones)}"]


def reduce_window_values(b: Block, kind: str, x: Value, out_aval: ShapedArray, **win: Any) -> Value:
    init = b.constant(identity_value(kind, x.dtype))
    return b.op1("stablehlo.reduce_window", [x, init], out_aval.strip_weak_type(),
                 window_attrs(x.aval.ndim, **win), [combiner_region(b, kind, x.dtype)])


def _reduce_window_rule(kind: str) -> Any:
    def rule(ctx: RuleContext, x: Value, *, window_dimensions: Sequence[int], window_strides: Sequence[int],
             padding: Any, base_dilation: Sequence[int] | None = None,
             window_dilation: Sequence[int] | None = None, **_: Any) -> Value:
        return reduce_window_values(ctx.block, kind, x, ctx.aval_out, window_dimensions=window_dimensions,
                                    window_strides=window_strides, padding=padding,
                                    base_dilation=base_dilation, window_dilation=window_dilation)

    return rule


register("reduce_window_sum")(_reduce_window_rule("add"))
register("reduce_window_max")(_reduce_window_rule("max"))
register("reduce_window_min")(_reduce_window_rule("min"))


@register("reduce_window")
def _reduce_window_generic(ctx: RuleContext, *args: Value, jaxpr: Any, consts: Any = (),
                           window_dimensions: Sequence[int], window_strides: Sequence[int], padding: Any,
                           base_dilation: Sequence[int] | None = None,
                           window_dilation: Sequence[int] | None = None, **_: Any) -> list[Value]:
    b = ctx.block
    n = len(args) // 2
    operands, inits = list(args[:n]), list(args[n:])
    r = b.region([ShapedArray((), o.dtype) for o in operands] * 2)
    r.ret(ctx.lower_jaxpr(jaxpr, r.args, block=r))
    return b.op("stablehlo.reduce_window", operands + inits, [a.strip_weak_type() for a in ctx.avals_out],
                window_attrs(operands[0].aval.ndim, window_dimensions, window_strides, padding,
                             base_dilation, window_dilation), [r])


def _select_direction(select_prim: Any) -> str:
    name = getattr(select_prim, "name", select_prim)
    return {"ge": "GE", "le": "LE", "gt": "GT", "lt": "LT"}.get(str(name), "GE")


@register("select_and_scatter_add")
def _select_and_scatter_add(ctx: RuleContext, source: Value, operand: Value, *, select_prim: Any,
                            window_dimensions: Sequence[int], window_strides: Sequence[int], padding: Any,
                            **_: Any) -> Value:
    b = ctx.block
    direction = _select_direction(select_prim)
    sel = b.scalar_region([operand.dtype])
    sel.ret([sel.compare(sel.args[0], sel.args[1], direction)])
    scat = combiner_region(b, "add", source.dtype)
    init = b.constant(np.zeros((), source.dtype))
    nd = operand.aval.ndim
    pad = padding if padding is not None else ((0, 0),) * nd
    return b.op1("stablehlo.select_and_scatter", [operand, source, init], ctx.aval_out.strip_weak_type(),
                 [f"padding = {dense_i64_2d(pad)}", f"window_dimensions = {i64_array(window_dimensions)}",
                  f"window_strides = {i64_array(window_strides)}"], [sel, scat])


@register("select_and_gather_add")
def _select_and_gather_add(ctx: RuleContext, tangents: Value, operand: Value, *, select_prim: Any,
                           window_dimensions: Sequence[int], window_strides: Sequence[int], padding: Any,
                           base_dilation: Sequence[int] | None = None,
                           window_dilation: Sequence[int] | None = None, **_: Any) -> Value:
    """For each window, the tangent at the position the select picks (max/min pooling JVP)."""
    b = ctx.block
    direction = _select_direction(select_prim)
    r = b.region([ShapedArray((), operand.dtype), ShapedArray((), tangents.dtype)] * 2)
    xv, xt, yv, yt = r.args
    pick = r.compare(xv, yv, direction)
    r.ret([r.select(pick, xv, yv), r.select(pick, xt, yt)])
    kind = "max" if direction in ("GE", "GT") else "min"
    init_v = b.constant(identity_value(kind, operand.dtype))
    init_t = b.constant(np.zeros((), tangents.dtype))
    out = ctx.aval_out.strip_weak_type()
    outs = b.op("stablehlo.reduce_window", [operand, tangents, init_v, init_t],
                [ShapedArray(out.shape, operand.dtype), out],
                window_attrs(operand.aval.ndim, window_dimensions, window_strides, padding,
                             base_dilation, window_dilation), [r])
    return outs[1]
