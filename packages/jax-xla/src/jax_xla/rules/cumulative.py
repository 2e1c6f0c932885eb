"""Cumulative reductions as a log-depth (Hillis-Steele) scan along one axis."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, i64_array
from jax_xla.rules.reductions import combine, identity_value


def _logaddexp(b: Block, x: Value, y: Value) -> Value:
    m = b.max(x, y)
    d = b.neg(b.unary("stablehlo.abs", b.sub(x, y)))
    res = b.add(m, b.unary("stablehlo.log_plus_one", b.unary("stablehlo.exponential", d)))
    finite = b.unary("stablehlo.is_finite", m, np.bool_)
    return b.select(finite, res, m)


def _combine(b: Block, kind: str, x: Value, y: Value) -> Value:
    if kind == "logaddexp":
        return _logaddexp(b, x, y)
    return combine(b, kind, x, y)


def _shift(b: Block, y: Value, axis: int, k: int, fill: Value, reverse: bool) -> Value:
    """``y`` moved ``k`` places along ``axis`` (towards the end, or the start if reverse)."""
    n = y.shape[axis]
    nd = y.aval.ndim
    lo = [0] * nd
    hi = [0] * nd
    if reverse:
        lo[axis], hi[axis] = -k, k
    else:
        lo[axis], hi[axis] = k, -k
    del n
    return b.op1("stablehlo.pad", [y, fill], y.aval,
                 [f"edge_padding_high = {i64_array(hi)}", f"edge_padding_low = {i64_array(lo)}",
                  f"interior_padding = {i64_array([0] * nd)}"])


def scan_values(b: Block, kind: str, x: Value, axis: int, reverse: bool) -> Value:
    n = x.shape[axis]
    ident = identity_value("max" if kind == "logaddexp" else kind, x.dtype)
    if kind == "logaddexp":
        ident = np.array(-np.inf, x.dtype)
    fill = b.constant(ident)
    y = x
    k = 1
    while k < n:
        y = _combine(b, kind, _shift(b, y, axis, k, fill, reverse), y)
        k *= 2
    return y


def _cum_rule(kind: str) -> Any:
    def rule(ctx: RuleContext, x: Value, *, axis: int, reverse: bool = False, **_: Any) -> Value:
        return scan_values(ctx.block, kind, x, int(axis), bool(reverse))

    return rule


for _name, _kind in {"cumsum": "add", "cumprod": "mul", "cummax": "max", "cummin": "min",
                     "cumlogsumexp": "logaddexp"}.items():
    register(_name)(_cum_rule(_kind))
