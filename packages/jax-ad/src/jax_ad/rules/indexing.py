"""Rules of dynamic_slice, dynamic_update_slice, gather and the scatters."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import P, const, jvp, shape, transpose, zeros
from jax_ad.transpose import aval_of, is_undefined
from jax_ad.zeros import Zero, instantiate, tangent_aval

# --------------------------------------------------------------------------
# dynamic_slice / dynamic_update_slice


def _dynamic_slice_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, slice_sizes: tuple) -> tuple[Any, Any]:
    x, *idx = primals
    out = lax.dynamic_slice_p.bind(x, *idx, slice_sizes=slice_sizes)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.dynamic_slice_p.bind(t, *idx, slice_sizes=slice_sizes)


def _dynamic_slice_transpose(ct: Any, x: Any, *idx: Any, slice_sizes: tuple) -> list:
    if any(is_undefined(i) for i in idx):
        raise NotImplementedError("dynamic_slice transpose with respect to the indices")
    aval = aval_of(x)
    z = lax.full(aval.shape, 0, get_aval(ct).dtype)
    return [lax.dynamic_update_slice_p.bind(z, ct, *idx)] + [None] * len(idx)


jvp("dynamic_slice", _dynamic_slice_jvp)
transpose("dynamic_slice", _dynamic_slice_transpose)


def _dus_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, upd, *idx = primals
    tx, tu = tangents[0], tangents[1]
    out = lax.dynamic_update_slice_p.bind(x, upd, *idx)
    if type(tx) is Zero and type(tu) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, lax.dynamic_update_slice_p.bind(instantiate(tx), instantiate(tu), *idx)


def _dus_transpose(ct: Any, x: Any, upd: Any, *idx: Any) -> list:
    upd_aval = aval_of(upd)
    t_x = None
    if is_undefined(x):
        t_x = lax.dynamic_update_slice_p.bind(ct, lax.full(upd_aval.shape, 0, get_aval(ct).dtype), *idx)
    t_u = None
    if is_undefined(upd):
        t_u = lax.dynamic_slice_p.bind(ct, *idx, slice_sizes=upd_aval.shape)
    return [t_x, t_u] + [None] * len(idx)


jvp("dynamic_update_slice", _dus_jvp)
transpose("dynamic_update_slice", _dus_transpose)

# --------------------------------------------------------------------------
# gather


def _scatter_dnums_of(g: Any) -> Any:
    return lax.ScatterDimensionNumbers(
        update_window_dims=g.offset_dims, inserted_window_dims=g.collapsed_slice_dims,
        scatter_dims_to_operand_dims=g.start_index_map, operand_batching_dims=g.operand_batching_dims,
        scatter_indices_batching_dims=g.start_indices_batching_dims)


def _gather_dnums_of(s: Any) -> Any:
    return lax.GatherDimensionNumbers(
        offset_dims=s.update_window_dims, collapsed_slice_dims=s.inserted_window_dims,
        start_index_map=s.scatter_dims_to_operand_dims, operand_batching_dims=s.operand_batching_dims,
        start_indices_batching_dims=s.scatter_indices_batching_dims)


def _gather_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    x, idx = primals
    out = lax.gather_p.bind(x, idx, **params)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    tparams = dict(params)
    if tparams.get("fill_value") is not None:
        tparams["fill_value"] = 0
    return out, lax.gather_p.bind(t, idx, **tparams)


def _gather_transpose(ct: Any, x: Any, idx: Any, *, dimension_numbers: Any, slice_sizes: tuple,
                      unique_indices: bool, indices_are_sorted: bool, mode: Any, fill_value: Any) -> list:
    if is_undefined(idx):
        raise NotImplementedError("gather transpose with respect to the indices")
    aval = aval_of(x)
    z = lax.full(aval.shape, 0, get_aval(ct).dtype)
    M = lax.GatherScatterMode
    smode = M.CLIP if mode in (M.CLIP, M.PROMISE_IN_BOUNDS) else M.FILL_OR_DROP
    out = lax.scatter_add(z, idx, ct, _scatter_dnums_of(dimension_numbers), indices_are_sorted=indices_are_sorted,
                          unique_indices=unique_indices, mode=smode)
    return [out, None]


jvp("gather", _gather_jvp)
transpose("gather", _gather_transpose)

# --------------------------------------------------------------------------
# scatters


def _updates_slice_sizes(operand_shape: Sequence[int], updates_shape: Sequence[int], dnums: Any) -> list[int]:
    sizes = []
    pos = 0
    for i in range(len(operand_shape)):
        if i in dnums.inserted_window_dims or i in dnums.operand_batching_dims:
            sizes.append(1)
        else:
            sizes.append(updates_shape[dnums.update_window_dims[pos]])
            pos += 1
    return sizes


def _gather_updates(ct: Any, idx: Any, updates_shape: Sequence[int], dnums: Any, mode: Any) -> Any:
    """The cotangent of the updates of a scatter: gather the windows back out."""
    M = lax.GatherScatterMode
    gmode = M.CLIP if mode == M.CLIP else M.FILL_OR_DROP
    return lax.gather(ct, idx, _gather_dnums_of(dnums), _updates_slice_sizes(shape(ct), updates_shape, dnums),
                      mode=gmode, fill_value=0)


def _scatter_add_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    x, idx, upd = primals
    tx, tu = tangents[0], tangents[2]
    p = P("scatter-add")
    assert p is not None
    out = p.bind(x, idx, upd, **params)
    if type(tx) is Zero and type(tu) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    return out, p.bind(instantiate(tx), idx, instantiate(tu), **params)


def _scatter_add_transpose(ct: Any, x: Any, idx: Any, upd: Any, *, dimension_numbers: Any, mode: Any,
                           **params: Any) -> list:
    if is_undefined(idx):
        raise NotImplementedError("scatter-add transpose with respect to the indices")
    t_x = ct if is_undefined(x) else None
    t_u = _gather_updates(ct, idx, aval_of(upd).shape, dimension_numbers, mode) if is_undefined(upd) else None
    return [t_x, None, t_u]


jvp("scatter-add", _scatter_add_jvp)
transpose("scatter-add", _scatter_add_transpose)


def _scatter_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, dimension_numbers: Any,
                 indices_are_sorted: bool, unique_indices: bool, mode: Any, update_jaxpr: Any = None,
                 update_consts: Any = ()) -> tuple[Any, Any]:
    x, idx, upd = primals
    tx, tu = tangents[0], tangents[2]
    params = dict(dimension_numbers=dimension_numbers, indices_are_sorted=indices_are_sorted,
                  unique_indices=unique_indices, mode=mode, update_jaxpr=update_jaxpr, update_consts=update_consts)
    sp = P("scatter")
    assert sp is not None
    out = sp.bind(x, idx, upd, **params)
    if type(tx) is Zero and type(tu) is Zero:
        return out, Zero(tangent_aval(get_aval(out)))
    tx, tu = instantiate(tx), instantiate(tu)
    if unique_indices:
        return out, sp.bind(tx, idx, tu, **params)
    # Duplicate indices: the last update written wins.  Scatter ids to find which
    # update (if any) each output element came from, then scatter-add the masked
    # tangents (a linear, transposable computation).
    dn = dimension_numbers
    upd_shape = shape(upd)
    ids_shape = list(upd_shape)
    for d in dn.update_window_dims:
        ids_shape[d] = 1
    num_ids = int(np.prod(ids_shape, dtype=np.int64))
    id_dtype = np.uint32 if num_ids + 1 < np.iinfo(np.uint32).max else np.uint64
    update_ids = lax.add(lax.reshape(lax.iota(id_dtype, num_ids), ids_shape),
                         lax.full(ids_shape, 1, id_dtype))
    update_ids = lax.broadcast_in_dim(update_ids, upd_shape, tuple(range(len(upd_shape)))) \
        if tuple(ids_shape) != tuple(upd_shape) else update_ids
    scattered_ids = sp.bind(lax.full(shape(x), 0, id_dtype), idx, update_ids, **params)
    gathered_ids = _gather_updates(scattered_ids, idx, upd_shape, dn, mode)
    keep_operand = lax.eq(scattered_ids, zeros(scattered_ids))
    keep_update = lax.eq(update_ids, gathered_ids)
    masked_tx = lax.select(keep_operand, tx, zeros(tx))
    masked_tu = lax.select(keep_update, tu, zeros(tu))
    add_p = P("scatter-add")
    assert add_p is not None
    return out, add_p.bind(masked_tx, idx, masked_tu, **dict(params, unique_indices=False))


def _scatter_transpose(ct: Any, x: Any, idx: Any, upd: Any, *, dimension_numbers: Any, indices_are_sorted: bool,
                       unique_indices: bool, mode: Any, update_jaxpr: Any = None, update_consts: Any = ()) -> list:
    if not unique_indices:
        raise NotImplementedError("scatter transpose is only implemented where unique_indices=True")
    if is_undefined(idx):
        raise NotImplementedError("scatter transpose with respect to the indices")
    upd_shape = aval_of(upd).shape
    t_x = t_u = None
    if is_undefined(x):
        t_x = lax.scatter(ct, idx, lax.full(upd_shape, 0, get_aval(ct).dtype), dimension_numbers,
                          indices_are_sorted=indices_are_sorted, unique_indices=True, mode=mode)
    if is_undefined(upd):
        t_u = _gather_updates(ct, idx, upd_shape, dimension_numbers, mode)
    return [t_x, None, t_u]


jvp("scatter", _scatter_jvp)
transpose("scatter", _scatter_transpose)


def _scatter_mul_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    x, idx, upd = primals
    tx, tu = tangents[0], tangents[2]
    mp = P("scatter-mul")
    assert mp is not None
    out = mp.bind(x, idx, upd, **params)
    t_out: Any = Zero(tangent_aval(get_aval(out)))
    if type(tx) is not Zero:
        t_out = mp.bind(tx, idx, upd, **params)
    if type(tu) is not Zero:
        if not params["unique_indices"]:
            raise NotImplementedError(
                "scatter_mul gradients with respect to the updates are only implemented if "
                "`unique_indices=True`")
        add_p = P("scatter-add")
        assert add_p is not None
        contrib = lax.mul(x, add_p.bind(zeros(x), idx, tu, **params))
        t_out = contrib if type(t_out) is Zero else lax.add(t_out, contrib)
    return out, t_out


def _scatter_mul_transpose(ct: Any, x: Any, idx: Any, upd: Any, **params: Any) -> list:
    if is_undefined(upd) or is_undefined(idx):
        raise NotImplementedError("scatter_mul transpose is only defined with respect to the operand")
    mp = P("scatter-mul")
    assert mp is not None
    return [mp.bind(ct, idx, upd, **params), None, None]


jvp("scatter-mul", _scatter_mul_jvp)
transpose("scatter-mul", _scatter_mul_transpose)


def _scatter_extremal_jvp(name: str) -> Any:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        x, idx, upd = primals
        tx, tu = tangents[0], tangents[2]
        p = P(name)
        add_p = P("scatter-add")
        assert p is not None and add_p is not None
        out = p.bind(x, idx, upd, **params)
        if type(tx) is Zero and type(tu) is Zero:
            return out, Zero(tangent_aval(get_aval(out)))
        tx, tu = instantiate(tx), instantiate(tu)
        dn, mode = params["dimension_numbers"], params["mode"]
        # average the tangents of every value equal to the result (operand and updates alike)
        from_operand = lax.eq(x, out)
        upd_hits = lax.eq(upd, _gather_updates(out, idx, shape(upd), dn, mode))
        ones_u = const(upd, 1)
        add_params = dict(params, unique_indices=False)
        count = lax.add(lax.select(from_operand, const(x, 1), zeros(x)),
                        add_p.bind(zeros(x), idx, lax.select(upd_hits, ones_u, zeros(upd)), **add_params))
        total = add_p.bind(lax.select(from_operand, tx, zeros(tx)), idx,
                           lax.select(upd_hits, tu, zeros(tu)), **add_params)
        safe_count = lax.select(lax.eq(count, zeros(count)), const(count, 1), count)
        return out, lax.div(total, safe_count)

    return rule


jvp("scatter-min", _scatter_extremal_jvp("scatter-min"))
jvp("scatter-max", _scatter_extremal_jvp("scatter-max"))

__all__: list[str] = []
