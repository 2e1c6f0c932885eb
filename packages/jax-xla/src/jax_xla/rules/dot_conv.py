"""dot_general and conv_general_dilated."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.config import config
from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, dense_i64_2d, i64_array, i64_list
from jax_xla.rules.elementwise import convert_values

_PRECISIONS = {"DEFAULT": "DEFAULT", "HIGH": "HIGH", "HIGHEST": "HIGHEST", "FASTEST": "DEFAULT",
               "BFLOAT16": "DEFAULT", "TENSORFLOAT32": "HIGH", "FLOAT32": "HIGHEST",
               "0": "DEFAULT", "1": "HIGH", "2": "HIGHEST"}


def _precision_name(p: Any) -> str:
    if p is None:
        p = config.jax_default_matmul_precision
        if p is None:
            return "DEFAULT"
    name = getattr(p, "name", None)
    key = str(name if name is not None else p).upper()
    return _PRECISIONS.get(key, "DEFAULT")


def precision_attr(precision: Any) -> str:
    if isinstance(precision, (tuple, list)) and len(precision) == 2:
        a, b = precision
    else:
        a = b = precision
    return (f"precision_config = [#stablehlo<precision {_precision_name(a)}>, "
            f"#stablehlo<precision {_precision_name(b)}>]")


def _operands_for(b: Block, lhs: Value, rhs: Value, out_dtype: np.dtype) -> tuple[Value, Value, np.dtype]:
    """Operands in a dtype XLA contracts directly, and the dtype of the raw result."""
    out_dtype = np.dtype(out_dtype)
    compute = out_dtype
    if out_dtype == np.bool_:
        compute = np.dtype(np.int32)
    if lhs.dtype == rhs.dtype and lhs.dtype != np.bool_ and (
            lhs.dtype == compute or (lhs.dtype.kind == compute.kind == "f")):
        return lhs, rhs, compute
    return convert_values(b, lhs, compute), convert_values(b, rhs, compute), compute


@register("dot_general")
def _dot_general(ctx: RuleContext, lhs: Value, rhs: Value, *, dimension_numbers: Any, precision: Any = None,
                 preferred_element_type: Any = None, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs, compute = _operands_for(b, lhs, rhs, out.dtype)
    dn = (f"#stablehlo.dot<lhs_batching_dimensions = {i64_list(lb)}, rhs_batching_dimensions = {i64_list(rb)}, "
          f"lhs_contracting_dimensions = {i64_list(lc)}, rhs_contracting_dimensions = {i64_list(rc)}>")
    res = b.op1("stablehlo.dot_general", [lhs, rhs], ShapedArray(out.shape, compute),
                [f"dot_dimension_numbers = {dn}", precision_attr(precision)])
    return convert_values(b, res, out.dtype)


def _spec(dn: Any, idx: int, name: str, ndim: int) -> tuple[int, ...]:
    if dn is None:
        return tuple(range(ndim))
    v = getattr(dn, name, None)
    if v is None:
        v = dn[idx]
    return tuple(int(i) for i in v)


def _labels(spec: Sequence[int], first: str, second: str) -> str:
    labels = [""] * len(spec)
    labels[spec[0]] = first
    labels[spec[1]] = second
    for i, d in enumerate(spec[2:]):
        labels[d] = str(i)
    return "[" + ", ".join(labels) + "]"


@register("conv_general_dilated")
def _conv(ctx: RuleContext, lhs: Value, rhs: Value, *, window_strides: Sequence[int], padding: Any,
          lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
          dimension_numbers: Any = None, feature_group_count: int = 1, batch_group_count: int = 1,
          precision: Any = None, preferred_element_type: Any = None, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    nd = lhs.aval.ndim
    nsp = nd - 2
    lhs_spec = _spec(dimension_numbers, 0, "lhs_spec", nd)
    rhs_spec = _spec(dimension_numbers, 1, "rhs_spec", nd)
    out_spec = _spec(dimension_numbers, 2, "out_spec", nd)
    dn = (f"#stablehlo.conv<{_labels(lhs_spec, 'b', 'f')}x{_labels(rhs_spec, 'o', 'i')}"
          f"->{_labels(out_spec, 'b', 'f')}>")
    lhs, rhs, compute = _operands_for(b, lhs, rhs, out.dtype)
    lhs_dilation = tuple(lhs_dilation) if lhs_dilation is not None else (1,) * nsp
    rhs_dilation = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * nsp
    attrs = [f"batch_group_count = {int(batch_group_count)} : i64", f"dimension_numbers = {dn}",
             f"feature_group_count = {int(feature_group_count)} : i64",
             f"lhs_dilation = {i64_array(lhs_dilation)}", f"padding = {dense_i64_2d(padding)}",
             precision_attr(precision), f"rhs_dilation = {i64_array(rhs_dilation)}",
             f"window_strides = {i64_array(window_strides)}"]
    if nsp == 0:
        attrs = [a for a in attrs if not a.startswith("padding")]
    res = b.op1("stablehlo.convolution", [lhs, rhs], ShapedArray(out.shape, compute), attrs)
    return convert_values(b, res, out.dtype)
