"""Rules of the window reductions (pooling) and their select-and-scatter/gather helpers."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import jvp, linear, shape, transpose
from jax_ad.transpose import aval_of, is_undefined
from jax_ad.zeros import Zero, tangent_aval


def _dilate(shape_: Sequence[int], dilation: Sequence[int]) -> list[int]:
    return [0 if d == 0 else 1 + r * (d - 1) for d, r in zip(shape_, dilation)]


def conv_general_vjp_lhs_padding(in_shape: Sequence[int], window_dimensions: Sequence[int],
                                 window_strides: Sequence[int], out_shape: Sequence[int],
                                 padding: Sequence[tuple[int, int]], lhs_dilation: Sequence[int],
                                 rhs_dilation: Sequence[int]) -> list[tuple[int, int]]:
    """Padding of the cotangent so that a stride-1 window pass lands on the (dilated) input."""
    lhs_d = _dilate(in_shape, lhs_dilation)
    rhs_d = _dilate(window_dimensions, rhs_dilation)
    out_d = _dilate(out_shape, window_strides)
    before = [r - lo - 1 for r, (lo, _) in zip(rhs_d, padding)]
    after = [l + r - 1 - o - b for l, r, o, b in zip(lhs_d, rhs_d, out_d, before)]
    return list(zip(before, after))


def _reduce_window_sum_transpose(ct: Any, x: Any, *, window_dimensions: tuple, window_strides: tuple,
                                 padding: tuple, base_dilation: tuple, window_dilation: tuple) -> list:
    in_shape = aval_of(x).shape
    pads = conv_general_vjp_lhs_padding(in_shape, window_dimensions, window_strides, shape(ct), padding,
                                        base_dilation, window_dilation)
    cfg = [(lo, hi, s - 1) for (lo, hi), s in zip(pads, window_strides)]
    padded = lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), cfg)
    ones = (1,) * len(in_shape)
    out = lax.reduce_window_sum_p.bind(padded, window_dimensions=window_dimensions, window_strides=base_dilation,
                                       padding=((0, 0),) * len(in_shape), base_dilation=ones,
                                       window_dilation=window_dilation)
    if shape(out) != tuple(in_shape):
        raise NotImplementedError(f"reduce_window_sum transpose: got shape {shape(out)} for input {in_shape}")
    return [out]


linear("reduce_window_sum", _reduce_window_sum_transpose)


def _reduce_window_chooser_jvp(prim_name: str, select_prim: Any) -> Any:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        prim = lax.all_primitives[prim_name]
        out = prim.bind(x, **params)
        if type(t) is Zero:
            return out, Zero(tangent_aval(get_aval(out)))
        return out, lax.select_and_gather_add_p.bind(t, x, select_prim=select_prim, **params)

    return rule


jvp("reduce_window_max", _reduce_window_chooser_jvp("reduce_window_max", lax.ge_p))
jvp("reduce_window_min", _reduce_window_chooser_jvp("reduce_window_min", lax.le_p))


def _select_and_gather_add_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    src, x = primals
    out = lax.select_and_gather_add_p.bind(src, x, **params)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.select_and_gather_add_p.bind(t, x, **params)


def _select_and_gather_add_transpose(ct: Any, tangents: Any, x: Any, *, select_prim: Any, window_dimensions: tuple,
                                     window_strides: tuple, padding: tuple, base_dilation: tuple,
                                     window_dilation: tuple) -> list:
    if is_undefined(x):
        raise NotImplementedError("select_and_gather_add transpose with respect to the operand")
    if any(d != 1 for d in window_dilation):
        return [_select_and_gather_add_transpose_by_index(
            ct, x, select_prim=select_prim, window_dimensions=window_dimensions, window_strides=window_strides,
            padding=padding, base_dilation=base_dilation, window_dilation=window_dilation), None]
    has_base_dilation = any(d != 1 for d in base_dilation)
    if has_base_dilation:
        kind = select_prim.name
        dt = get_aval(x).dtype
        ident = (lax.reductions.max_identity(dt) if kind in ("ge", "gt") else lax.reductions.min_identity(dt))
        x = lax.pad(x, lax.full((), ident, dt), tuple((0, 0, d - 1) for d in base_dilation))
    result = lax.select_and_scatter_add_p.bind(ct, x, select_prim=select_prim, window_dimensions=window_dimensions,
                                               window_strides=window_strides, padding=padding)
    if has_base_dilation:
        result = lax.slice(result, (0,) * len(shape(result)), shape(result), base_dilation)
    return [result, None]


def _select_and_gather_add_transpose_by_index(ct: Any, x: Any, **params: Any) -> Any:
    """General transpose (any dilation): find each window's selected element by gathering
    1-based element ids as if they were tangents, then scatter-add the cotangents there."""
    xa = get_aval(x)
    n = int(np.prod(xa.shape, dtype=np.int64))
    if xa.dtype.kind == "f" and np.finfo(xa.dtype).nmant + 1 < np.log2(max(n + 1, 2)):
        raise NotImplementedError(
            f"VJP of select_and_gather_add (max pooling) with window dilation on {n} elements of "
            f"{xa.dtype.name}: element ids are not exactly representable")
    idx_dtype = np.int32 if n + 1 < 2 ** 31 else np.int64
    ids = lax.convert_element_type(lax.add(lax.iota(idx_dtype, n), lax.full((n,), 1, idx_dtype)), xa.dtype)
    chosen = lax.select_and_gather_add_p.bind(lax.reshape(ids, xa.shape), x, **params)
    pos = lax.sub(lax.convert_element_type(chosen, idx_dtype), lax.full(shape(chosen), 1, idx_dtype))
    dnums = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
                                        scatter_dims_to_operand_dims=(0,))
    flat = lax.scatter_add(lax.full((n,), 0, get_aval(ct).dtype), lax.reshape(pos, shape(pos) + (1,)), ct,
                           dnums, mode=lax.GatherScatterMode.FILL_OR_DROP)
    return lax.reshape(flat, xa.shape)


jvp("select_and_gather_add", _select_and_gather_add_jvp)
transpose("select_and_gather_add", _select_and_gather_add_transpose)


def _select_and_scatter_add_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    src, x = primals
    out = lax.select_and_scatter_add_p.bind(src, x, **params)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.select_and_scatter_add_p.bind(t, x, **params)


def _select_and_scatter_add_transpose(ct: Any, src: Any, x: Any, *, select_prim: Any, window_dimensions: tuple,
                                      window_strides: tuple, padding: tuple) -> list:
    if is_undefined(x):
        raise NotImplementedError("select_and_scatter_add transpose with respect to the operand")
    ones = (1,) * len(window_dimensions)
    out = lax.select_and_gather_add_p.bind(ct, x, select_prim=select_prim, window_dimensions=window_dimensions,
                                           window_strides=window_strides, padding=padding, base_dilation=ones,
                                           window_dilation=ones)
    return [out, None]


jvp("select_and_scatter_add", _select_and_scatter_add_jvp)
transpose("select_and_scatter_add", _select_and_scatter_add_transpose)

__all__ = ["conv_general_vjp_lhs_padding"]
