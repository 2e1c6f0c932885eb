"""sort (multi-operand, lexicographic keys) and top_k."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value


def _canonical_float(b: Block, x: Value) -> Value:
    # -0.0 sorts with +0.0 and every NaN is the same (positive) NaN: after
    # this, TOTALORDER gives NumPy's order (NaNs last)
    zero = b.constant(np.zeros((), x.dtype))
    nan = b.constant(np.array(np.nan, x.dtype))
    x = b.select(b.compare(x, zero, "EQ", "FLOAT"), zero, x)
    return b.select(b.compare(x, x, "NE", "FLOAT"), nan, x)


def _key_parts(b: Block, x: Value) -> list[tuple[Value, str]]:
    dt = np.dtype(x.dtype)
    if dt.kind == "c":
        return [(_canonical_float(b, b.real(x)), "TOTALORDER"), (_canonical_float(b, b.imag(x)), "TOTALORDER")]
    if dt.kind == "f" or dt == dtypes.bfloat16:
        return [(_canonical_float(b, x), "TOTALORDER")]
    return [(x, "SIGNED" if dt.kind == "i" else "UNSIGNED")]


def lex_less(b: Block, xs: Sequence[Value], ys: Sequence[Value], direction: str = "LT") -> Value:
    """Lexicographic ``xs < ys`` (or ``>`` with direction 'GT') over the keys."""
    pairs: list[tuple[Value, Value, str]] = []
    for x, y in zip(xs, ys):
        for (px, t), (py, _) in zip(_key_parts(b, x), _key_parts(b, y)):
            pairs.append((px, py, t))
    result: Value | None = None
    for px, py, t in reversed(pairs):
        lt = b.compare(px, py, direction, t)
        if result is None:
            result = lt
        else:
            eq = b.compare(px, py, "EQ", t)
            result = b.or_(lt, b.and_(eq, result))
    assert result is not None
    return result


def sort_values(b: Block, operands: Sequence[Value], dimension: int, is_stable: bool, num_keys: int,
                direction: str = "LT") -> list[Value]:
    r = b.region([ShapedArray((), o.dtype) for o in operands for _ in range(2)])
    xs = r.args[0::2][:num_keys]
    ys = r.args[1::2][:num_keys]
    r.ret([lex_less(r, xs, ys, direction)])
    return b.op("stablehlo.sort", list(operands), [o.aval.strip_weak_type() for o in operands],
                [f"dimension = {int(dimension)} : i64", f"is_stable = {'true' if is_stable else 'false'}"],
                [r])


@register("sort")
def _sort(ctx: RuleContext, *operands: Value, dimension: int, is_stable: bool = True, num_keys: int = 1,
          **_: Any) -> list[Value]:
    return sort_values(ctx.block, operands, dimension, is_stable, num_keys)


@register("top_k")
def _top_k(ctx: RuleContext, x: Value, *, k: int, axis: int | None = None, **_: Any) -> list[Value]:
    b = ctx.block
    nd = x.aval.ndim
    ax = nd - 1 if axis is None else int(axis) % nd
    perm = list(range(nd))
    perm[ax], perm[-1] = perm[-1], perm[ax]
    xt = b.transpose(x, perm)
    idt = ctx.avals_out[1].dtype
    iota = b.iota(xt.shape, idt, nd - 1)
    # descending, stable: ties keep the lower index first, NaNs come first
    vals, idxs = sort_values(b, [xt, iota], nd - 1, True, 1, direction="GT")
    start = [0] * nd
    limit = list(xt.shape)
    limit[-1] = int(k)
    vals = b.slice(vals, start, limit)
    idxs = b.slice(idxs, start, limit)
    return [b.transpose(vals, perm), b.transpose(idxs, perm)]
