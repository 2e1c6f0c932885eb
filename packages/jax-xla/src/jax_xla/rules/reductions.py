"""Reductions over axes (and the reducer regions shared with windows and scatters)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, i64_array


def combine(b: Block, kind: str, x: Value, y: Value) -> Value:
    """``x <kind> y`` for the monoids reductions and scatters use."""
    dt = np.dtype(x.dtype)
    if kind == "replace":
        return y
    if dt == np.bool_:
        kind = {"add": "or", "mul": "and", "max": "or", "min": "and", "sub": "xor"}.get(kind, kind)
    if dt.kind == "c" and kind in ("max", "min"):
        from jax_xla.rules.elementwise import compare_values

        pick = compare_values(b, x, y, "GT" if kind == "max" else "LT")
        nan_x = b.or_(b.is_nan(b.real(x)), b.is_nan(b.imag(x)))
        return b.select(b.or_(pick, nan_x), x, y)
    op = {"add": "stablehlo.add", "sub": "stablehlo.subtract", "mul": "stablehlo.multiply",
          "max": "stablehlo.maximum", "min": "stablehlo.minimum", "and": "stablehlo.and",
          "or": "stablehlo.or", "xor": "stablehlo.xor"}[kind]
    return b.binary(op, x, y)


def combiner_region(b: Block, kind: str, dtype: Any) -> Block:
    r = b.scalar_region([dtype])
    x, y = r.args
    r.ret([combine(r, kind, x, y)])
    return r


def identity_value(kind: str, dtype: Any) -> Any:
    dt = np.dtype(dtype)
    if kind in ("add", "or", "xor", "sub"):
        return np.zeros((), dt)
    if kind == "mul":
        return np.ones((), dt)
    if kind == "and":
        return np.array(True) if dt == np.bool_ else np.array(-1).astype(dt)
    if kind in ("max", "min"):
        big = kind == "min"
        if dt == np.bool_:
            return np.array(big)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            return np.array(info.max if big else info.min, dt)
        inf = np.inf if big else -np.inf
        if dt.kind == "c":
            return np.array(complex(inf, inf), dt)
        return np.array(inf, dtype=dt)
    raise ValueError(kind)


def reduce_values(b: Block, kind: str, x: Value, axes: Sequence[int]) -> Value:
    axes = tuple(int(a) for a in axes)
    out = ShapedArray(tuple(s for i, s in enumerate(x.shape) if i not in axes), x.dtype)
    if not axes:
        return x
    init = b.constant(identity_value(kind, x.dtype))
    return b.op1("stablehlo.reduce", [x, init], out, f"dimensions = {i64_array(axes)}",
                 [combiner_region(b, kind, x.dtype)])


def _reduce_rule(kind: str) -> Any:
    def rule(ctx: RuleContext, x: Value, *, axes: Sequence[int], **_: Any) -> Value:
        return reduce_values(ctx.block, kind, x, axes)

    return rule


for _name, _kind in {"reduce_sum": "add", "reduce_prod": "mul", "reduce_max": "max", "reduce_min": "min",
                     "reduce_and": "and", "reduce_or": "or", "reduce_xor": "xor"}.items():
    register(_name)(_reduce_rule(_kind))


def _arg_reduce(kind: str) -> Any:
    def rule(ctx: RuleContext, x: Value, *, axes: Sequence[int], index_dtype: Any = None, **_: Any) -> Value:
        b = ctx.block
        (axis,) = tuple(int(a) for a in axes)
        idt = ctx.aval_out.dtype
        iota = b.iota(x.shape, idt, axis)
        out_shape = ctx.aval_out.shape
        direction = "GT" if kind == "max" else "LT"
        r = b.region([ShapedArray((), x.dtype), ShapedArray((), idt)] * 2)
        xv, xi, yv, yi = r.args
        if np.dtype(x.dtype).kind == "c":
            from jax_xla.rules.elementwise import compare_values

            better = compare_values(r, xv, yv, direction)
            nan_x = r.or_(r.is_nan(r.real(xv)), r.is_nan(r.imag(xv)))
            nan_y = r.or_(r.is_nan(r.real(yv)), r.is_nan(r.imag(yv)))
            same = compare_values(r, xv, yv, "EQ")
        elif np.dtype(x.dtype).kind in "fV" or np.dtype(x.dtype) == dtypes.bfloat16:
            better = r.compare(xv, yv, direction, "FLOAT")
            nan_x, nan_y = r.is_nan(xv), r.is_nan(yv)
            same = r.compare(xv, yv, "EQ", "FLOAT")
        else:
            better = r.compare(xv, yv, direction)
            nan_x = nan_y = None  # type: ignore[assignment]
            same = r.compare(xv, yv, "EQ")
        lower_idx = r.compare(xi, yi, "LT")
        if nan_x is not None and nan_y is not None:
            # NaN wins (the first NaN, like NumPy); two NaNs tie
            both_nan = r.and_(nan_x, nan_y)
            better = r.or_(r.and_(nan_x, r.not_(nan_y)), r.and_(better, r.not_(nan_y)))
            same = r.or_(same, both_nan)
        pick_x = r.or_(better, r.and_(same, lower_idx))
        r.ret([r.select(pick_x, xv, yv), r.select(pick_x, xi, yi)])
        init_v = b.constant(identity_value(kind, x.dtype))
        init_i = b.constant(np.zeros((), idt))
        outs = b.op("stablehlo.reduce", [x, iota, init_v, init_i],
                    [ShapedArray(out_shape, x.dtype), ShapedArray(out_shape, idt)],
                    f"dimensions = {i64_array([axis])}", [r])
        return outs[1]

    return rule


register("argmax")(_arg_reduce("max"))
register("argmin")(_arg_reduce("min"))


@register("reduce")
def _reduce_generic(ctx: RuleContext, *args: Value, computation: Any = None, jaxpr: Any = None,
                    dimensions: Sequence[int] = (), **_: Any) -> list[Value]:
    """The general reduction: ``jaxpr`` is the reducer, applied to scalar pairs."""
    b = ctx.block
    n = len(args) // 2
    operands, inits = list(args[:n]), list(args[n:])
    r = b.region([ShapedArray((), o.dtype) for o in operands] * 2)
    outs = ctx.lower_jaxpr(jaxpr, r.args, block=r)
    r.ret(outs)
    return b.op("stablehlo.reduce", operands + inits, [a.strip_weak_type() for a in ctx.avals_out],
                f"dimensions = {i64_array(dimensions)}", [r])
