"""Dynamic slicing, gather and the scatter family."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, i64_array, i64_list
from jax_xla.rules.reductions import combiner_region


def _index_scalars(b: Block, idxs: Sequence[Value]) -> list[Value]:
    """Start indices of dynamic_slice & co: 0-d integers of one common type."""
    if not idxs:
        return []
    wide = any(np.dtype(i.dtype).itemsize > 4 or np.dtype(i.dtype).kind == "u" and
               np.dtype(i.dtype).itemsize == 4 for i in idxs)
    dt = np.dtype(np.int64 if wide else np.int32)
    return [b.convert(i, dt) for i in idxs]


@register("dynamic_slice")
def _dynamic_slice(ctx: RuleContext, x: Value, *idxs: Value, slice_sizes: Sequence[int], **_: Any) -> Value:
    b = ctx.block
    return b.op1("stablehlo.dynamic_slice", [x, *_index_scalars(b, idxs[:x.aval.ndim])], ctx.aval_out,
                 f"slice_sizes = {i64_array(slice_sizes)}")


@register("dynamic_update_slice")
def _dynamic_update_slice(ctx: RuleContext, x: Value, update: Value, *idxs: Value, **_: Any) -> Value:
    b = ctx.block
    return b.op1("stablehlo.dynamic_update_slice", [x, update, *_index_scalars(b, idxs)], ctx.aval_out)


def _mode_name(mode: Any) -> str:
    if mode is None:
        return "FILL_OR_DROP"
    name = getattr(mode, "name", None)
    if isinstance(name, str):
        return name.upper()
    if isinstance(mode, str):
        return mode.upper()
    return {0: "CLIP", 1: "FILL_OR_DROP", 2: "PROMISE_IN_BOUNDS", 3: "ONE_HOT"}.get(int(mode), "CLIP")


def _dn(dn: Any, name: str, default: Any = ()) -> tuple:
    v = getattr(dn, name, None)
    if v is None and isinstance(dn, dict):
        v = dn.get(name)
    return tuple(int(i) for i in v) if v is not None else tuple(default)


def _default_fill(dtype: np.dtype) -> Any:
    dt = np.dtype(dtype)
    if dt.kind in "fcV":
        return np.nan
    if dt.kind == "i":
        return np.iinfo(dt).min
    if dt.kind == "u":
        return np.iinfo(dt).max
    return True


@register("gather")
def _gather(ctx: RuleContext, operand: Value, indices: Value, *, dimension_numbers: Any,
            slice_sizes: Sequence[int], indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None, fill_value: Any = None, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    offset_dims = _dn(dimension_numbers, "offset_dims")
    collapsed = _dn(dimension_numbers, "collapsed_slice_dims")
    start_index_map = _dn(dimension_numbers, "start_index_map")
    op_batch = _dn(dimension_numbers, "operand_batching_dims")
    idx_batch = _dn(dimension_numbers, "start_indices_batching_dims")
    if np.dtype(indices.dtype).kind == "u" and np.dtype(indices.dtype).itemsize >= 4:
        indices = b.convert(indices, np.int64)
    parts = [f"offset_dims = {i64_list(offset_dims)}", f"collapsed_slice_dims = {i64_list(collapsed)}"]
    if op_batch:
        parts.append(f"operand_batching_dims = {i64_list(op_batch)}")
    if idx_batch:
        parts.append(f"start_indices_batching_dims = {i64_list(idx_batch)}")
    parts += [f"start_index_map = {i64_list(start_index_map)}", f"index_vector_dim = {indices.aval.ndim - 1}"]
    attrs = [f"dimension_numbers = #stablehlo.gather<{', '.join(parts)}>",
             f"indices_are_sorted = {'true' if indices_are_sorted else 'false'}",
             f"slice_sizes = {i64_array(slice_sizes)}"]
    gathered = b.op1("stablehlo.gather", [operand, indices], out.strip_weak_type(), attrs)
    if _mode_name(mode) != "FILL_OR_DROP":
        return gathered
    # out-of-bounds slices read fill_value: mask on the batch positions of the indices
    batch_shape = indices.shape[:-1]
    mask: Value | None = None
    idt = indices.dtype
    for k, d in enumerate(start_index_map):
        comp = b.slice(indices, (0,) * len(batch_shape) + (k,), batch_shape + (k + 1,))
        comp = b.reshape(comp, batch_shape)
        upper = int(operand.shape[d]) - int(slice_sizes[d])
        ok = b.and_(b.compare(comp, b.full(batch_shape, 0, idt), "GE"),
                    b.compare(comp, b.full(batch_shape, upper, idt), "LE"))
        mask = ok if mask is None else b.and_(mask, ok)
    if mask is None:
        return gathered
    batch_dims_out = [i for i in range(out.ndim) if i not in offset_dims]
    mask_b = b.broadcast_in_dim(mask, out.shape, batch_dims_out)
    fv = _default_fill(out.dtype) if fill_value is None else fill_value
    fill = b.full(out.shape, fv, out.dtype)
    return b.select(mask_b, gathered, fill)


def _scatter_rule(kind: str) -> Any:
    def rule(ctx: RuleContext, operand: Value, indices: Value, updates: Value, *rest: Value,
             dimension_numbers: Any, indices_are_sorted: bool = False, unique_indices: bool = False,
             mode: Any = None, update_jaxpr: Any = None, update_consts: Any = (), **_: Any) -> Value:
        b = ctx.block
        out = ctx.aval_out
        window_dims = _dn(dimension_numbers, "update_window_dims")
        inserted = _dn(dimension_numbers, "inserted_window_dims")
        to_operand = _dn(dimension_numbers, "scatter_dims_to_operand_dims")
        op_batch = _dn(dimension_numbers, "operand_batching_dims")
        idx_batch = _dn(dimension_numbers, "scatter_indices_batching_dims")
        if np.dtype(indices.dtype).kind == "u" and np.dtype(indices.dtype).itemsize >= 4:
            indices = b.convert(indices, np.int64)
        if _mode_name(mode) == "CLIP":
            indices = _clamp_scatter_indices(b, operand, indices, updates, window_dims, inserted,
                                             op_batch, to_operand)
        parts = [f"update_window_dims = {i64_list(window_dims)}", f"inserted_window_dims = {i64_list(inserted)}"]
        if op_batch:
            parts.append(f"input_batching_dims = {i64_list(op_batch)}")
        if idx_batch:
            parts.append(f"scatter_indices_batching_dims = {i64_list(idx_batch)}")
        parts += [f"scatter_dims_to_operand_dims = {i64_list(to_operand)}",
                  f"index_vector_dim = {indices.aval.ndim - 1}"]
        attrs = [f"indices_are_sorted = {'true' if indices_are_sorted else 'false'}",
                 f"scatter_dimension_numbers = #stablehlo.scatter<{', '.join(parts)}>",
                 f"unique_indices = {'true' if unique_indices else 'false'}"]
        region = combiner_region(b, kind, operand.dtype)
        return b.op1("stablehlo.scatter", [operand, indices, updates], out.strip_weak_type(), attrs, [region])

    return rule


def _clamp_scatter_indices(b: Block, operand: Value, indices: Value, updates: Value,
                           window_dims: tuple, inserted: tuple, op_batch: tuple, to_operand: tuple) -> Value:
    # window extent along each operand dim: 1 for inserted/batch dims, else the updates' window size
    window_sizes = iter(updates.shape[d] for d in window_dims)
    extent = []
    for d in range(operand.aval.ndim):
        extent.append(1 if d in inserted or d in op_batch else next(window_sizes))
    upper = np.array([operand.shape[d] - extent[d] for d in to_operand], dtype=indices.dtype)
    hi = b.broadcast_in_dim(b.constant(upper), indices.shape, (indices.aval.ndim - 1,))
    lo = b.full(indices.shape, 0, indices.dtype)
    return b.op1("stablehlo.clamp", [lo, indices, hi], indices.aval)


for _kind, _names in {"replace": ("scatter",), "add": ("scatter-add", "scatter_add"),
                      "sub": ("scatter-sub", "scatter_sub"), "mul": ("scatter-mul", "scatter_mul"),
                      "min": ("scatter-min", "scatter_min"), "max": ("scatter-max", "scatter_max")}.items():
    register(*_names)(_scatter_rule(_kind))

__all__ = ["ShapedArray"]
