"""Rules of dot_general and conv_general_dilated (bilinear: JVP by the product rule)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import jvp, shape, transpose
from jax_ad.rules.windowed import conv_general_vjp_lhs_padding
from jax_ad.transpose import aval_of, is_undefined
from jax_ad.zeros import Zero, tangent_aval


def _bilinear_jvp(prim_name: str) -> Any:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        prim = lax.all_primitives[prim_name]
        x, y = primals
        tx, ty = tangents
        out = prim.bind(x, y, **params)
        t_out: Any = Zero(tangent_aval(get_aval(out)))
        if type(tx) is not Zero:
            t_out = prim.bind(tx, y, **params)
        if type(ty) is not Zero:
            t2 = prim.bind(x, ty, **params)
            t_out = t2 if type(t_out) is Zero else lax.add(t_out, t2)
        return out, t_out

    return rule


def _match_dtype(x: Any, like_aval: Any) -> Any:
    a = get_aval(x)
    if a.dtype != like_aval.dtype:
        return lax.convert_element_type(x, like_aval.dtype)
    return x


# --------------------------------------------------------------------------
# dot_general


def _ranges_like(*xs: Sequence[int]) -> list[list[int]]:
    out = []
    start = 0
    for x in xs:
        out.append(list(range(start, start + len(x))))
        start += len(x)
    return out


def _remaining(n: int, *removed: Sequence[int]) -> list[int]:
    rm = set(i for r in removed for i in r)
    return [i for i in range(n) if i not in rm]


def _dot_transpose_lhs(ct: Any, x_aval: Any, y: Any, dimension_numbers: Any, precision: Any,
                       preferred_element_type: Any, swap_ans: bool = False) -> Any:
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    y_ndim = len(aval_of(y).shape)
    x_kept = _remaining(x_aval.ndim, x_contract, x_batch)
    y_kept = _remaining(y_ndim, y_contract, y_batch)
    if swap_ans:
        ans_batch, ans_y, _ = _ranges_like(x_batch, y_kept, x_kept)
    else:
        ans_batch, _, ans_y = _ranges_like(x_batch, x_kept, y_kept)
    dims = ((tuple(ans_y), tuple(y_kept)), (tuple(ans_batch), tuple(y_batch)))
    x_contract_sorted_by_y = [int(i) for i in np.take(x_contract, np.argsort(y_contract))] if x_contract else []
    out_axes = tuple(int(i) for i in np.argsort(list(x_batch) + x_kept + x_contract_sorted_by_y))
    if get_aval(ct).dtype != get_aval(y).dtype:
        y = lax.convert_element_type(y, get_aval(ct).dtype)
    prod = lax.dot_general(ct, y, dims, precision=precision, preferred_element_type=preferred_element_type)
    return _match_dtype(lax.transpose(prod, out_axes), x_aval)


def _dot_general_transpose(ct: Any, x: Any, y: Any, *, dimension_numbers: Any, precision: Any = None,
                           preferred_element_type: Any = None, out_sharding: Any = None) -> list:
    if is_undefined(x) and is_undefined(y):
        raise NotImplementedError("dot_general transpose: both operands are linear (the jaxpr is not linear)")
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.aval, y, dimension_numbers, precision, preferred_element_type), None]
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    swapped = ((y_contract, x_contract), (y_batch, x_batch))
    return [None, _dot_transpose_lhs(ct, y.aval, x, swapped, precision, preferred_element_type, swap_ans=True)]


jvp("dot_general", _bilinear_jvp("dot_general"))
transpose("dot_general", _dot_general_transpose)

# --------------------------------------------------------------------------
# conv_general_dilated


def _conv_spec_transpose(spec: Sequence[int]) -> tuple[int, ...]:
    return (spec[1], spec[0]) + tuple(spec[2:])


def _reshape_axis_out_of(src: int, size1: int, x: Any) -> Any:
    s = list(shape(x))
    size2, ragged = divmod(s[src], size1)
    assert not ragged
    s[src:src + 1] = [size1, size2]
    return lax.reshape(x, tuple(s))


def _reshape_axis_into(src: int, dst: int, x: Any) -> Any:
    # dst counts the dimensions of x after src is removed
    s = shape(x)
    perm = [i for i in range(len(s)) if i != src]
    perm.insert(dst, src)
    new_shape = [d for i, d in enumerate(s) if i != src]
    new_shape[dst] *= s[src]
    return lax.reshape(x, tuple(new_shape), tuple(perm))


def _conv_vjp_rhs_padding(in_shape: Sequence[int], window_dimensions: Sequence[int],
                          window_strides: Sequence[int], out_shape: Sequence[int],
                          padding: Sequence[tuple[int, int]], lhs_dilation: Sequence[int],
                          rhs_dilation: Sequence[int]) -> list[tuple[int, int]]:
    if not in_shape:
        return []

    def dil(sh: Sequence[int], d: Sequence[int]) -> list[int]:
        return [0 if s == 0 else 1 + r * (s - 1) for s, r in zip(sh, d)]

    lhs_d = dil(in_shape, lhs_dilation)
    rhs_d = dil(window_dimensions, rhs_dilation)
    out_d = dil(out_shape, window_strides)
    pads_lo = [lo for lo, _ in padding]
    pads_from_lhs = [o - l for o, l in zip(out_d, lhs_d)]
    pads_from_rhs = [r - lo - 1 for r, lo in zip(rhs_d, pads_lo)]
    pads_hi = [a + b for a, b in zip(pads_from_lhs, pads_from_rhs)]
    return list(zip(pads_lo, pads_hi))


def _conv_transpose_lhs(ct: Any, lhs_aval: Any, rhs: Any, *, window_strides: tuple, padding: tuple,
                        lhs_dilation: tuple, rhs_dilation: tuple, dimension_numbers: Any,
                        feature_group_count: int, batch_group_count: int, precision: Any,
                        preferred_element_type: Any) -> Any:
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    lhs_sdims, rhs_sdims, out_sdims = lhs_spec[2:], rhs_spec[2:], out_spec[2:]
    t_rhs_spec = _conv_spec_transpose(rhs_spec)
    if feature_group_count > 1:
        rhs = _reshape_axis_out_of(rhs_spec[0], feature_group_count, rhs)
        rhs = _reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
    elif batch_group_count > 1:
        rhs = _reshape_axis_out_of(rhs_spec[0], batch_group_count, rhs)
        rhs = _reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
        feature_group_count = batch_group_count
    trans_dnums = lax.ConvDimensionNumbers(tuple(out_spec), t_rhs_spec, tuple(lhs_spec))
    rhs_shape = shape(rhs)
    pads = conv_general_vjp_lhs_padding([lhs_aval.shape[d] for d in lhs_sdims], [rhs_shape[d] for d in rhs_sdims],
                                        window_strides, [shape(ct)[d] for d in out_sdims], padding,
                                        lhs_dilation, rhs_dilation)
    revd = lax.rev(rhs, tuple(rhs_sdims))
    if get_aval(revd).dtype != get_aval(ct).dtype:
        revd = lax.convert_element_type(revd, get_aval(ct).dtype)
    out = lax.conv_general_dilated(ct, revd, window_strides=lhs_dilation, padding=pads,
                                   lhs_dilation=window_strides, rhs_dilation=rhs_dilation,
                                   dimension_numbers=trans_dnums, feature_group_count=feature_group_count,
                                   batch_group_count=1, precision=precision,
                                   preferred_element_type=preferred_element_type)
    if batch_group_count > 1:
        out = _reshape_axis_out_of(lhs_spec[1], batch_group_count, out)
        out = _reshape_axis_into(lhs_spec[1], lhs_spec[0], out)
    return _match_dtype(out, lhs_aval)


def _conv_transpose_rhs(ct: Any, lhs: Any, rhs_aval: Any, *, window_strides: tuple, padding: tuple,
                        lhs_dilation: tuple, rhs_dilation: tuple, dimension_numbers: Any,
                        feature_group_count: int, batch_group_count: int, precision: Any,
                        preferred_element_type: Any) -> Any:
    if int(np.prod(shape(ct), dtype=np.int64)) == 0:
        return Zero(tangent_aval(rhs_aval))
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    lhs_sdims, rhs_sdims, out_sdims = lhs_spec[2:], rhs_spec[2:], out_spec[2:]
    lhs_trans, rhs_trans, out_trans = map(_conv_spec_transpose, dimension_numbers)
    if batch_group_count > 1:
        feature_group_count = batch_group_count
        batch_group_count = 1
    elif feature_group_count > 1:
        batch_group_count = feature_group_count
        feature_group_count = 1
    trans_dnums = lax.ConvDimensionNumbers(lhs_trans, out_trans, rhs_trans)
    lhs_shape = shape(lhs)
    pads = _conv_vjp_rhs_padding([lhs_shape[d] for d in lhs_sdims], [rhs_aval.shape[d] for d in rhs_sdims],
                                 window_strides, [shape(ct)[d] for d in out_sdims], padding, lhs_dilation,
                                 rhs_dilation)
    if get_aval(lhs).dtype != get_aval(ct).dtype:
        lhs = lax.convert_element_type(lhs, get_aval(ct).dtype)
    out = lax.conv_general_dilated(lhs, ct, window_strides=rhs_dilation, padding=pads,
                                   lhs_dilation=lhs_dilation, rhs_dilation=window_strides,
                                   dimension_numbers=trans_dnums, feature_group_count=feature_group_count,
                                   batch_group_count=batch_group_count, precision=precision,
                                   preferred_element_type=preferred_element_type)
    return _match_dtype(out, rhs_aval)


def _conv_transpose(ct: Any, lhs: Any, rhs: Any, **params: Any) -> list:
    if is_undefined(lhs) and is_undefined(rhs):
        raise NotImplementedError("conv_general_dilated transpose: both operands are linear")
    if is_undefined(lhs):
        return [_conv_transpose_lhs(ct, lhs.aval, rhs, **params), None]
    return [None, _conv_transpose_rhs(ct, lhs, rhs.aval, **params)]


jvp("conv_general_dilated", _bilinear_jvp("conv_general_dilated"))
transpose("conv_general_dilated", _conv_transpose)

__all__: list[str] = []
