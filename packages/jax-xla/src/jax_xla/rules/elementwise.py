"""Elementwise primitives, comparisons, selection and dtype conversions."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, default_compare_type, real_dtype


def _is_complex(d: np.dtype) -> bool:
    return np.dtype(d).kind == "c"


def _is_unsigned(d: np.dtype) -> bool:
    return np.dtype(d).kind in "ub"


def _same_shape(b: Block, xs: tuple[Value, ...], shape: tuple[int, ...]) -> list[Value]:
    return [b.broadcast_to(x, shape) if x.shape != shape else x for x in xs]


# --------------------------------------------------------------------------
# ops that map one-to-one onto StableHLO / CHLO


def _direct(op: str) -> Any:
    def rule(ctx: RuleContext, *xs: Value, **_: Any) -> Value:
        out = ctx.aval_out
        return ctx.block.op1(op, _same_shape(ctx.block, xs, out.shape), out)

    return rule


for _name, _op in {
    "add": "stablehlo.add", "sub": "stablehlo.subtract", "mul": "stablehlo.multiply",
    "div": "stablehlo.divide", "rem": "stablehlo.remainder", "atan2": "stablehlo.atan2",
    "and": "stablehlo.and", "or": "stablehlo.or", "xor": "stablehlo.xor", "not": "stablehlo.not",
    "shift_left": "stablehlo.shift_left", "shift_right_logical": "stablehlo.shift_right_logical",
    "shift_right_arithmetic": "stablehlo.shift_right_arithmetic",
    "population_count": "stablehlo.popcnt", "clz": "stablehlo.count_leading_zeros",
    "floor": "stablehlo.floor", "ceil": "stablehlo.ceil", "is_finite": "stablehlo.is_finite",
    "exp": "stablehlo.exponential", "log": "stablehlo.log", "expm1": "stablehlo.exponential_minus_one",
    "log1p": "stablehlo.log_plus_one", "tanh": "stablehlo.tanh", "logistic": "stablehlo.logistic",
    "sin": "stablehlo.sine", "cos": "stablehlo.cosine", "tan": "stablehlo.tan",
    "sqrt": "stablehlo.sqrt", "rsqrt": "stablehlo.rsqrt", "cbrt": "stablehlo.cbrt",
    "real": "stablehlo.real", "imag": "stablehlo.imag", "complex": "stablehlo.complex",
    "asin": "chlo.asin", "acos": "chlo.acos", "atan": "chlo.atan", "sinh": "chlo.sinh",
    "cosh": "chlo.cosh", "asinh": "chlo.asinh", "acosh": "chlo.acosh", "atanh": "chlo.atanh",
    "erf": "chlo.erf", "erfc": "chlo.erfc", "erf_inv": "chlo.erf_inv", "lgamma": "chlo.lgamma",
    "digamma": "chlo.digamma", "nextafter": "chlo.next_after", "igamma": "chlo.igamma",
    "igammac": "chlo.igammac", "polygamma": "chlo.polygamma", "zeta": "chlo.zeta",
    "bessel_i1e": "chlo.bessel_i1e", "bessel_i0e": "chlo.bessel_i0e",
}.items():
    register(_name)(_direct(_op))


@register("neg")
def _neg(ctx: RuleContext, x: Value, **_: Any) -> Value:
    if x.dtype == np.bool_:
        return x
    return ctx.block.neg(x)


@register("abs")
def _abs(ctx: RuleContext, x: Value, **_: Any) -> Value:
    if _is_unsigned(x.dtype):
        return x
    return ctx.block.op1("stablehlo.abs", [x], ctx.aval_out)


@register("sign")
def _sign(ctx: RuleContext, x: Value, **_: Any) -> Value:
    b = ctx.block
    if _is_unsigned(x.dtype):
        zero = b.full(x.shape, 0, x.dtype)
        one = b.full(x.shape, 1, x.dtype)
        return b.select(b.compare(x, zero, "NE"), one, zero)
    return b.unary("stablehlo.sign", x)


@register("round")
def _round(ctx: RuleContext, x: Value, rounding_method: Any = 0, **_: Any) -> Value:
    # RoundingMethod.AWAY_FROM_ZERO == 0, TO_NEAREST_EVEN == 1
    method = int(getattr(rounding_method, "value", rounding_method))
    op = "stablehlo.round_nearest_even" if method == 1 else "stablehlo.round_nearest_afz"
    return ctx.block.unary(op, x)


@register("exp2")
def _exp2(ctx: RuleContext, x: Value, **_: Any) -> Value:
    b = ctx.block
    ln2 = b.full(x.shape, np.log(2), x.dtype)
    return b.unary("stablehlo.exponential", b.mul(ln2, x))


@register("square")
def _square(ctx: RuleContext, x: Value, **_: Any) -> Value:
    return ctx.block.mul(x, x)


@register("conj")
def _conj(ctx: RuleContext, x: Value, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    if not _is_complex(x.dtype):
        return b.convert(x, out.dtype)
    return b.complex(b.real(x), b.neg(b.imag(x)))


@register("pow")
def _pow(ctx: RuleContext, x: Value, y: Value, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    x = b.convert(x, out.dtype)
    y = b.convert(y, out.dtype)
    x, y = _same_shape(b, (x, y), out.shape)
    return b.binary("stablehlo.power", x, y)


@register("integer_pow")
def _integer_pow(ctx: RuleContext, x: Value, *, y: int, **_: Any) -> Value:
    b = ctx.block
    if y == 0:
        return b.full(x.shape, 1, x.dtype)
    n = abs(int(y))
    acc: Value | None = None
    base = x
    while n:
        if n & 1:
            acc = base if acc is None else b.mul(acc, base)
        n >>= 1
        if n:
            base = b.mul(base, base)
    assert acc is not None
    if y < 0:
        return b.div(b.full(x.shape, 1, x.dtype), acc)
    return acc


# --------------------------------------------------------------------------
# max / min (lexicographic on complex numbers, like NumPy)


def _complex_pick_x(b: Block, x: Value, y: Value, direction: str) -> Value:
    rx, ry, ix, iy = b.real(x), b.real(y), b.imag(x), b.imag(y)
    gt_re = b.compare(rx, ry, direction, "FLOAT")
    eq_re = b.compare(rx, ry, "EQ", "FLOAT")
    gt_im = b.compare(ix, iy, direction, "FLOAT")
    return b.or_(gt_re, b.and_(eq_re, gt_im))


def _minmax(op: str, direction: str) -> Any:
    def rule(ctx: RuleContext, x: Value, y: Value, **_: Any) -> Value:
        b = ctx.block
        x, y = _same_shape(b, (x, y), ctx.aval_out.shape)
        if _is_complex(x.dtype):
            pick = _complex_pick_x(b, x, y, direction)
            # a NaN anywhere propagates, like NumPy's maximum/minimum
            nan_x = b.or_(b.is_nan(b.real(x)), b.is_nan(b.imag(x)))
            return b.select(b.or_(pick, nan_x), x, y)
        return b.binary(op, x, y)

    return rule


register("max")(_minmax("stablehlo.maximum", "GT"))
register("min")(_minmax("stablehlo.minimum", "LT"))


# --------------------------------------------------------------------------
# comparisons


def compare_values(b: Block, x: Value, y: Value, direction: str) -> Value:
    """``x <direction> y`` with NumPy's semantics (complex order is lexicographic)."""
    if _is_complex(x.dtype):
        rx, ry, ix, iy = b.real(x), b.real(y), b.imag(x), b.imag(y)
        if direction == "EQ":
            return b.and_(b.compare(rx, ry, "EQ", "FLOAT"), b.compare(ix, iy, "EQ", "FLOAT"))
        if direction == "NE":
            return b.or_(b.compare(rx, ry, "NE", "FLOAT"), b.compare(ix, iy, "NE", "FLOAT"))
        strict = {"LT": "LT", "LE": "LT", "GT": "GT", "GE": "GT"}[direction]
        first = b.compare(rx, ry, strict, "FLOAT")
        tie = b.and_(b.compare(rx, ry, "EQ", "FLOAT"), b.compare(ix, iy, direction, "FLOAT"))
        return b.or_(first, tie)
    return b.compare(x, y, direction, default_compare_type(x.dtype))


def _cmp(direction: str) -> Any:
    def rule(ctx: RuleContext, x: Value, y: Value, **_: Any) -> Value:
        b = ctx.block
        shape = ctx.aval_out.shape
        x, y = _same_shape(b, (x, y), shape)
        return compare_values(b, x, y, direction)

    return rule


for _name, _dir in {"eq": "EQ", "ne": "NE", "lt": "LT", "le": "LE", "gt": "GT", "ge": "GE"}.items():
    register(_name)(_cmp(_dir))


# --------------------------------------------------------------------------
# selection


def select_n_values(b: Block, which: Value, cases: list[Value], offset: int = 0) -> Value:
    """``cases[which]``: a binary tree of selects; ``offset`` is the index of ``cases[0]``."""
    if len(cases) == 1:
        return cases[0]
    if which.dtype == np.bool_:
        return b.select(which, cases[1], cases[0])
    mid = len(cases) // 2
    pred = b.compare(which, b.full(which.shape, offset + mid, which.dtype), "LT")
    return b.select(pred, select_n_values(b, which, cases[:mid], offset),
                    select_n_values(b, which, cases[mid:], offset + mid))


@register("select_n")
def _select_n(ctx: RuleContext, which: Value, *cases: Value, **_: Any) -> Value:
    b = ctx.block
    if len(cases) > 2 and which.shape != cases[0].shape:
        which = b.broadcast_to(which, cases[0].shape)
    if which.dtype != np.bool_ and len(cases) == 2:
        which = b.compare(which, b.full(which.shape, 0, which.dtype), "NE")
    return select_n_values(b, which, list(cases))


@register("clamp")
def _clamp(ctx: RuleContext, lo: Value, x: Value, hi: Value, **_: Any) -> Value:
    b = ctx.block
    if _is_complex(x.dtype):
        return _minmax("stablehlo.minimum", "LT")(ctx, _minmax("stablehlo.maximum", "GT")(ctx, x, lo), hi)
    return b.op1("stablehlo.clamp", [lo, x, hi], ctx.aval_out)


# --------------------------------------------------------------------------
# dtype conversions


def convert_values(b: Block, x: Value, new_dtype: Any) -> Value:
    new = np.dtype(new_dtype)
    if new == dtypes.float0:
        new = np.dtype(np.bool_)
    if x.dtype == new:
        return x
    if _is_complex(x.dtype) and not _is_complex(new):
        x = b.real(x)
    if new == np.bool_:
        return b.compare(x, b.full(x.shape, 0, x.dtype), "NE", default_compare_type(x.dtype))
    return b.convert(x, new)


@register("convert_element_type")
def _convert_element_type(ctx: RuleContext, x: Value, *, new_dtype: Any, **_: Any) -> Value:
    return convert_values(ctx.block, x, ctx.aval_out.dtype)


@register("bitcast_convert_type")
def _bitcast_convert_type(ctx: RuleContext, x: Value, **_: Any) -> Value:
    return ctx.block.op1("stablehlo.bitcast_convert", [x], ctx.aval_out)


@register("reduce_precision")
def _reduce_precision(ctx: RuleContext, x: Value, *, exponent_bits: int, mantissa_bits: int,
                      **_: Any) -> Value:
    return ctx.block.op1("stablehlo.reduce_precision", [x], ctx.aval_out,
                         [f"exponent_bits = {int(exponent_bits)} : i32",
                          f"mantissa_bits = {int(mantissa_bits)} : i32"])


@register("iota")
def _iota(ctx: RuleContext, *, dtype: Any = None, shape: Any = None, dimension: int = 0,
          **_: Any) -> Value:
    out = ctx.aval_out
    if out.dtype == np.bool_:
        i = ctx.block.iota(out.shape, np.int32, dimension)
        return convert_values(ctx.block, i, np.bool_)
    return ctx.block.iota(out.shape, out.dtype, dimension)


__all__ = ["compare_values", "convert_values", "select_n_values", "ShapedArray", "real_dtype"]
