"""Cases for structural primitives: broadcast, reshape, slicing, gather/scatter, ...

These ops only move values, so cases are ``exact`` (bit-equal across
interpreters) except float scatter-add with duplicate indices, whose
accumulation order an implementation may choose.  Index operands are int32
and never in ``diff_argnums``.
"""
import ml_dtypes
import numpy as np

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


CASES += [
    PrimCase("broadcast_in_dim_f32", "broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (0, 2)),
             [_f32("bid", 2, 4)], lambda x: np.broadcast_to(x[:, None, :], (2, 3, 4)), diff_argnums=(0,), exact=True),
    PrimCase("reshape_f32", "reshape", lambda x: lax.reshape(x, (4, 3)), [_f32("rsh", 3, 4)],
             lambda x: x.reshape(4, 3), diff_argnums=(0,), exact=True),
    PrimCase("transpose_f32", "transpose", lambda x: lax.transpose(x, (2, 0, 1)), [_f32("tr", 2, 3, 4)],
             lambda x: x.transpose(2, 0, 1), diff_argnums=(0,), exact=True),
    PrimCase("squeeze_f32", "squeeze", lambda x: lax.squeeze(x, (1,)), [_f32("sq", 3, 1, 2)],
             lambda x: x[:, 0], diff_argnums=(0,), exact=True),
    PrimCase("convert_f32_to_i32", "convert_element_type", lambda x: lax.convert_element_type(x, np.int32),
             [np.array([-2.7, -0.5, 0.5, 3.9], np.float32)], lambda x: np.trunc(x).astype(np.int32), exact=True),
    PrimCase("convert_i32_to_f32", "convert_element_type", lambda x: lax.convert_element_type(x, np.float32),
             [np.array([-2, 0, 5], np.int32)], lambda x: x.astype(np.float32), exact=True),
]


# ---------------------------------------------------------------------------
# helpers for the cases below

_bf16 = ml_dtypes.bfloat16


def _i32(name, *shape, lo=-5, hi=6):
    return rng_for(name).randint(lo, hi, size=shape).astype(np.int32)


def _bool(name, *shape):
    return rng_for(name).rand(*shape) > 0.5


def _b16(name, *shape):
    return _f32(name, *shape).astype(_bf16)


def _idx(*vals):
    return np.asarray(vals, np.int32)


def _s(v):
    """A scalar index argument (a 0-d int32 array: traced under jit/vmap)."""
    return np.array(v, np.int32)


def _np_pad(x, v, config):
    """np.pad extended with interior padding and negative (cropping) edges."""
    v = np.asarray(v, x.dtype)
    for ax, (lo, hi, interior) in enumerate(config):
        n = x.shape[ax]
        if interior and n:
            shape = list(x.shape)
            shape[ax] = n + (n - 1) * interior
            y = np.full(shape, v, x.dtype)
            sl = [slice(None)] * x.ndim
            sl[ax] = slice(None, None, interior + 1)
            y[tuple(sl)] = x
            x = y
        for amount, at_end in ((lo, False), (hi, True)):
            if amount > 0:
                shape = list(x.shape)
                shape[ax] = amount
                block = np.full(shape, v, x.dtype)
                x = np.concatenate([x, block] if at_end else [block, x], axis=ax)
            elif amount < 0:
                sl = [slice(None)] * x.ndim
                sl[ax] = slice(None, amount) if at_end else slice(-amount, None)
                x = x[tuple(sl)]
    return x


def _np_dynamic_slice(x, starts, sizes):
    sl = []
    for d, i, s in zip(x.shape, starts, sizes):
        i = int(i)
        i = i + d if i < 0 else i
        i = min(max(i, 0), d - s)
        sl.append(slice(i, i + s))
    return x[tuple(sl)]


def _np_dynamic_update_slice(x, u, starts):
    out = x.copy()
    sl = []
    for d, i, s in zip(x.shape, starts, u.shape):
        i = int(i)
        i = i + d if i < 0 else i
        i = min(max(i, 0), d - s)
        sl.append(slice(i, i + s))
    out[tuple(sl)] = u
    return out


# ---------------------------------------------------------------------------
# iota, rev, pad, concatenate, slice

CASES += [
    PrimCase("iota_i32", "iota", lambda: lax.iota(np.int32, 5), [], lambda: np.arange(5, dtype=np.int32),
             batch_argnums=(), exact=True),
    PrimCase("broadcasted_iota_f32_dim1", "iota", lambda: lax.broadcasted_iota(np.float32, (3, 4), 1), [],
             lambda: np.broadcast_to(np.arange(4, dtype=np.float32), (3, 4)), batch_argnums=(), exact=True),
    PrimCase("broadcasted_iota_bf16_dim0", "iota", lambda: lax.broadcasted_iota(_bf16, (3, 2), 0), [],
             lambda: np.broadcast_to(np.arange(3)[:, None], (3, 2)).astype(_bf16), batch_argnums=(),
             exact=True),
    PrimCase("rev_f32_dims02", "rev", lambda x: lax.rev(x, (0, 2)), [_f32("rev", 2, 3, 4)],
             lambda x: x[::-1, :, ::-1], diff_argnums=(0,), exact=True),
    PrimCase("rev_i32", "rev", lambda x: lax.rev(x, (0,)), [_i32("revi", 5)], lambda x: x[::-1], exact=True),
    PrimCase("rev_bool", "rev", lambda x: lax.rev(x, (1,)), [_bool("revb", 3, 4)], lambda x: x[:, ::-1],
             exact=True),
    PrimCase("pad_f32_low_high", "pad", lambda x, v: lax.pad(x, v, [(1, 2, 0), (0, 3, 0)]),
             [_f32("pad1", 3, 4), np.array(0.5, np.float32)],
             lambda x, v: _np_pad(x, v, [(1, 2, 0), (0, 3, 0)]), diff_argnums=(0, 1), exact=True),
    PrimCase("pad_f32_negative_interior", "pad", lambda x, v: lax.pad(x, v, [(-1, 2, 1), (2, -3, 2)]),
             [_f32("pad2", 4, 3), np.array(-1.0, np.float32)],
             lambda x, v: _np_pad(x, v, [(-1, 2, 1), (2, -3, 2)]), diff_argnums=(0, 1), exact=True),
    PrimCase("pad_i32_interior", "pad", lambda x: lax.pad(x, np.int32(7), [(0, 0, 2), (1, -1, 1)]),
             [_i32("padi", 3, 3)], lambda x: _np_pad(x, 7, [(0, 0, 2), (1, -1, 1)]), exact=True),
    PrimCase("pad_bool", "pad", lambda x: lax.pad(x, False, [(2, 1, 1)]), [_bool("padb", 4)],
             lambda x: _np_pad(x, False, [(2, 1, 1)]), exact=True),
    PrimCase("pad_bf16", "pad", lambda x: lax.pad(x, np.array(0, _bf16), [(1, -1, 0), (0, 0, 1)]),
             [_b16("padh", 3, 2)], lambda x: _np_pad(x, 0, [(1, -1, 0), (0, 0, 1)]), exact=True),
    PrimCase("concatenate_f32_dim1", "concatenate", lambda a, b, c: lax.concatenate([a, b, c], 1),
             [_f32("cat1", 2, 3), _f32("cat2", 2, 1), _f32("cat3", 2, 4)],
             lambda a, b, c: np.concatenate([a, b, c], 1), diff_argnums=(0, 1, 2), exact=True),
    PrimCase("concatenate_i32_dim0", "concatenate", lambda a, b: lax.concatenate([a, b], 0),
             [_i32("cati1", 2, 3), _i32("cati2", 4, 3)], lambda a, b: np.concatenate([a, b], 0), exact=True),
    PrimCase("concatenate_bool", "concatenate", lambda a, b: lax.concatenate([a, b], 0),
             [_bool("catb1", 3), _bool("catb2", 2)], lambda a, b: np.concatenate([a, b]), exact=True),
    PrimCase("concatenate_bf16", "concatenate", lambda a, b: lax.concatenate([a, b], 1),
             [_b16("cath1", 2, 2), _b16("cath2", 2, 3)], lambda a, b: np.concatenate([a, b], 1), exact=True),
    PrimCase("slice_f32", "slice", lambda x: lax.slice(x, (1, 0), (3, 2)), [_f32("sl", 4, 3)],
             lambda x: x[1:3, 0:2], diff_argnums=(0,), exact=True),
    PrimCase("slice_f32_strided", "slice", lambda x: lax.slice(x, (1, 0), (6, 7), (2, 3)), [_f32("sls", 6, 8)],
             lambda x: x[1:6:2, 0:7:3], diff_argnums=(0,), exact=True),
    PrimCase("slice_i32_strided_3d", "slice", lambda x: lax.slice(x, (0, 1, 0), (2, 4, 5), (1, 2, 4)),
             [_i32("sli", 2, 4, 5)], lambda x: x[0:2, 1:4:2, 0:5:4], exact=True),
    PrimCase("slice_bool", "slice", lambda x: lax.slice(x, (2,), (5,)), [_bool("slb", 6)], lambda x: x[2:5],
             exact=True),
    PrimCase("slice_bf16", "slice", lambda x: lax.slice(x, (0, 1), (2, 3)), [_b16("slh", 3, 3)],
             lambda x: x[0:2, 1:3], exact=True),
    PrimCase("slice_in_dim_f32_axis1", "slice", lambda x: lax.slice_in_dim(x, 1, -1, 2, axis=1),
             [_f32("slid", 3, 7)], lambda x: x[:, 1:-1:2], diff_argnums=(0,), exact=True),
    PrimCase("index_in_dim_f32_nokeep", "slice", lambda x: lax.index_in_dim(x, -2, axis=0, keepdims=False),
             [_f32("iid", 4, 3)], lambda x: x[-2], diff_argnums=(0,), exact=True),
    PrimCase("collapse_f32", "reshape", lambda x: lax.collapse(x, 1, 3), [_f32("col", 2, 3, 4, 5)],
             lambda x: x.reshape(2, 12, 5), diff_argnums=(0,), exact=True),
    PrimCase("expand_dims_f32", "broadcast_in_dim", lambda x: lax.expand_dims(x, (0, 3)), [_f32("exd", 2, 3)],
             lambda x: x[None, :, :, None], diff_argnums=(0,), exact=True),
]

# ---------------------------------------------------------------------------
# dynamic_slice / dynamic_update_slice (start indices are traced scalars)

CASES += [
    PrimCase("dynamic_slice_f32", "dynamic_slice", lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3)),
             [_f32("ds", 5, 6), _s(1), _s(2)], lambda x, i, j: _np_dynamic_slice(x, (i, j), (2, 3)),
             diff_argnums=(0,), exact=True),
    PrimCase("dynamic_slice_f32_clamped", "dynamic_slice", lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3)),
             [_f32("dsc", 5, 6), _s(4), _s(9)], lambda x, i, j: _np_dynamic_slice(x, (i, j), (2, 3)),
             diff_argnums=(0,), exact=True),
    PrimCase("dynamic_slice_f32_negative", "dynamic_slice", lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3)),
             [_f32("dsn", 5, 6), _s(-2), _s(-20)], lambda x, i, j: _np_dynamic_slice(x, (i, j), (2, 3)),
             diff_argnums=(0,), exact=True),
    PrimCase("dynamic_slice_i32_static_start", "dynamic_slice", lambda x: lax.dynamic_slice(x, (1, -1), (3, 1)),
             [_i32("dsi", 4, 4)], lambda x: _np_dynamic_slice(x, (1, -1), (3, 1)), exact=True),
    PrimCase("dynamic_slice_bool", "dynamic_slice", lambda x, i: lax.dynamic_slice(x, (i,), (3,)),
             [_bool("dsb", 6), _s(5)], lambda x, i: _np_dynamic_slice(x, (i,), (3,)), exact=True),
    PrimCase("dynamic_slice_bf16", "dynamic_slice", lambda x, i: lax.dynamic_slice(x, (i, 0), (2, 2)),
             [_b16("dsh", 3, 2), _s(1)], lambda x, i: _np_dynamic_slice(x, (i, 0), (2, 2)), exact=True),
    PrimCase("dynamic_slice_in_dim_f32", "dynamic_slice", lambda x, i: lax.dynamic_slice_in_dim(x, i, 2, axis=1),
             [_f32("dsid", 3, 5), _s(3)], lambda x, i: _np_dynamic_slice(x, (0, i), (3, 2)),
             diff_argnums=(0,), exact=True),
    PrimCase("dynamic_index_in_dim_f32", "dynamic_slice",
             lambda x, i: lax.dynamic_index_in_dim(x, i, axis=0, keepdims=False),
             [_f32("diid", 4, 3), _s(-1)], lambda x, i: x[int(i)], diff_argnums=(0,), exact=True),
    PrimCase("dynamic_update_slice_f32", "dynamic_update_slice",
             lambda x, u, i, j: lax.dynamic_update_slice(x, u, (i, j)),
             [_f32("dus", 5, 6), _f32("dusu", 2, 3), _s(1), _s(2)],
             lambda x, u, i, j: _np_dynamic_update_slice(x, u, (i, j)), diff_argnums=(0, 1), exact=True),
    PrimCase("dynamic_update_slice_f32_clamped", "dynamic_update_slice",
             lambda x, u, i, j: lax.dynamic_update_slice(x, u, (i, j)),
             [_f32("dusc", 5, 6), _f32("duscu", 2, 3), _s(4), _s(-9)],
             lambda x, u, i, j: _np_dynamic_update_slice(x, u, (i, j)), diff_argnums=(0, 1), exact=True),
    PrimCase("dynamic_update_slice_i32", "dynamic_update_slice",
             lambda x, u, i: lax.dynamic_update_slice(x, u, (i,)),
             [_i32("dusi", 6), _i32("dusiu", 2), _s(5)],
             lambda x, u, i: _np_dynamic_update_slice(x, u, (i,)), exact=True),
    PrimCase("dynamic_update_slice_bool", "dynamic_update_slice",
             lambda x, u, i: lax.dynamic_update_slice(x, u, (0, i)),
             [_bool("dusb", 3, 4), _bool("dusbu", 3, 2), _s(1)],
             lambda x, u, i: _np_dynamic_update_slice(x, u, (0, i)), exact=True),
    PrimCase("dynamic_update_slice_bf16", "dynamic_update_slice",
             lambda x, u, i: lax.dynamic_update_slice(x, u, (i, 0)),
             [_b16("dush", 4, 2), _b16("dushu", 2, 2), _s(-1)],
             lambda x, u, i: _np_dynamic_update_slice(x, u, (i, 0)), exact=True),
    PrimCase("dynamic_update_index_in_dim_f32", "dynamic_update_slice",
             lambda x, u, i: lax.dynamic_update_index_in_dim(x, u, i, 1),
             [_f32("duii", 3, 4), _f32("duiiu", 3), _s(2)],
             lambda x, u, i: _np_dynamic_update_slice(x, u[:, None], (0, i)), diff_argnums=(0, 1), exact=True),
]

# ---------------------------------------------------------------------------
# gather

GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers

_TAKE0 = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
_TAKE1 = GDN(offset_dims=(0,), collapsed_slice_dims=(1,), start_index_map=(1,))
_POINT = GDN(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1))
_WINDOW = GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1))
_BATCHED = GDN(offset_dims=(2,), collapsed_slice_dims=(1,), start_index_map=(1,),
               operand_batching_dims=(0,), start_indices_batching_dims=(0,))
_BATCHED_INNER = GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,),
                     operand_batching_dims=(1,), start_indices_batching_dims=(1,))


def _np_windows(x, idx, sizes):
    out = []
    for i, j in idx:
        i = min(max(i, 0), x.shape[0] - sizes[0])
        j = min(max(j, 0), x.shape[1] - sizes[1])
        out.append(x[i:i + sizes[0], j:j + sizes[1]])
    return np.stack(out)


def _np_take_fill(x, idx, fill):
    idx = idx[:, 0]
    ok = (idx >= 0) & (idx < x.shape[0])
    out = x[np.clip(idx, 0, x.shape[0] - 1)]
    return np.where(ok[:, None], out, np.asarray(fill, x.dtype))


_OOB = _idx([1], [7], [-1], [4])

CASES += [
    PrimCase("gather_take_axis0_f32", "gather", lambda x, i: lax.gather(x, i, _TAKE0, (1, 3)),
             [_f32("g0", 5, 3), _idx([4], [0], [2], [2])], lambda x, i: x[i[:, 0]],
             diff_argnums=(0,), exact=True),
    PrimCase("gather_take_axis1_f32", "gather", lambda x, i: lax.gather(x, i, _TAKE1, (3, 1)),
             [_f32("g1", 3, 5), _idx([1], [4], [1], [0])], lambda x, i: x[:, i[:, 0]],
             diff_argnums=(0,), exact=True),
    PrimCase("gather_take_2d_indices_i32", "gather", lambda x, i: lax.gather(x, i, GDN((2,), (0,), (0,)), (1, 3)),
             [_i32("g2", 5, 3), _idx([[4], [0]], [[3], [3]], [[1], [2]])], lambda x, i: x[i[..., 0]], exact=True),
    PrimCase("gather_point_f32", "gather", lambda x, i: lax.gather(x, i, _POINT, (1, 1)),
             [_f32("gp", 4, 5), _idx([0, 0], [3, 4], [1, 2], [3, 4], [2, 0], [0, 4])],
             lambda x, i: x[i[:, 0], i[:, 1]], diff_argnums=(0,), exact=True),
    PrimCase("gather_point_bool", "gather", lambda x, i: lax.gather(x, i, _POINT, (1, 1)),
             [_bool("gpb", 3, 3), _idx([0, 2], [1, 1], [2, 0])], lambda x, i: x[i[:, 0], i[:, 1]], exact=True),
    PrimCase("gather_take_bf16", "gather", lambda x, i: lax.gather(x, i, _TAKE0, (1, 2)),
             [_b16("gh", 4, 2), _idx([3], [1], [3])], lambda x, i: x[i[:, 0]], exact=True),
    PrimCase("gather_windows_clamped_f32", "gather", lambda x, i: lax.gather(x, i, _WINDOW, (2, 3)),
             [_f32("gw", 5, 6), _idx([0, 1], [4, 5], [2, 2])], lambda x, i: _np_windows(x, i, (2, 3)),
             diff_argnums=(0,), exact=True),
    PrimCase("gather_batched_f32", "gather", lambda x, i: lax.gather(x, i, _BATCHED, (1, 1, 2)),
             [_f32("gb", 3, 5, 2), _idx(*[[[k % 5] for k in range(b, b + 4)] for b in range(3)])],
             lambda x, i: x[np.arange(3)[:, None], i[..., 0]], diff_argnums=(0,), exact=True),
    PrimCase("gather_batched_inner_dim_i32", "gather", lambda x, i: lax.gather(x, i, _BATCHED_INNER, (1, 1)),
             [_i32("gbi", 5, 3), _idx(*[[[(2 * k + b) % 5] for b in range(3)] for k in range(4)])],
             lambda x, i: x[i[..., 0], np.arange(3)[None, :]], exact=True),
    PrimCase("gather_fill_oob_f32", "gather", lambda x, i: lax.gather(x, i, _TAKE0, (1, 3), mode="fill"),
             [_f32("gf", 5, 3), _OOB], lambda x, i: _np_take_fill(x, i, np.nan), exact=True),
    PrimCase("gather_fill_zero_oob_f32", "gather",
             lambda x, i: lax.gather(x, i, _TAKE0, (1, 3), mode="fill", fill_value=0.0),
             [_f32("gfz", 5, 3), _OOB], lambda x, i: _np_take_fill(x, i, 0), diff_argnums=(0,), exact=True),
    PrimCase("gather_fill_oob_i32", "gather",
             lambda x, i: lax.gather(x, i, _TAKE0, (1, 3), mode=lax.GatherScatterMode.FILL_OR_DROP),
             [_i32("gfi", 5, 3), _OOB], lambda x, i: _np_take_fill(x, i, np.iinfo(np.int32).min), exact=True),
    PrimCase("gather_fill_oob_bool", "gather", lambda x, i: lax.gather(x, i, _TAKE0, (1, 2), mode="fill"),
             [_bool("gfb", 5, 2), _OOB], lambda x, i: _np_take_fill(x, i, True), exact=True),
    PrimCase("gather_clip_oob_f32", "gather", lambda x, i: lax.gather(x, i, _TAKE0, (1, 3), mode="clip"),
             [_f32("gc", 5, 3), _OOB], lambda x, i: x[np.clip(i[:, 0], 0, 4)], diff_argnums=(0,), exact=True),
]

# ---------------------------------------------------------------------------
# scatter family

_ROWS = SDN(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
_POINTS = SDN(update_window_dims=(), inserted_window_dims=(0, 1), scatter_dims_to_operand_dims=(0, 1))
_ROW_WINDOWS = SDN(update_window_dims=(1, 2), inserted_window_dims=(), scatter_dims_to_operand_dims=(0,))
_SBATCHED = SDN(update_window_dims=(), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,),
                operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))


def _np_scatter_rows(ufunc, x, idx, upd, mode="drop"):
    out = x.copy()
    rows = idx[:, 0]
    if mode == "clip":
        rows = np.clip(rows, 0, x.shape[0] - 1)
    else:
        ok = (rows >= 0) & (rows < x.shape[0])
        rows, upd = rows[ok], upd[ok]
    if ufunc is None:
        out[rows] = upd
    else:
        ufunc.at(out, rows, upd)
    return out


def _np_scatter_row_windows(x, idx, upd):
    out = x.copy()
    w = upd.shape[1]
    for (i,), u in zip(idx, upd):
        if 0 <= i <= x.shape[0] - w:  # a window that sticks out is dropped whole
            out[i:i + w] += u
    return out


def _np_points_ufunc(ufunc, x, idx, upd):
    out = x.copy()
    ufunc.at(out, (idx[:, 0], idx[:, 1]), upd)
    return out


def _np_points_add(x, idx, upd):
    return _np_points_ufunc(np.add, x, idx, upd)


def _np_points_set(x, idx, upd):
    out = x.copy()
    out[idx[:, 0], idx[:, 1]] = upd
    return out


def _np_batched_add(x, idx, upd):
    out = x.copy()
    np.add.at(out, (np.arange(x.shape[0])[:, None], idx[..., 0]), upd)
    return out


_DUP_ROWS = _idx([1], [3], [1], [1])

CASES += [
    PrimCase("scatter_f32", "scatter", lambda x, i, u: lax.scatter(x, i, u, _ROWS),
             [_f32("sc", 5, 3), _idx([3], [0]), _f32("scu", 2, 3)],
             lambda x, i, u: _np_scatter_rows(None, x, i, u), diff_argnums=(0, 2), exact=True),
    PrimCase("scatter_f32_oob_dropped", "scatter", lambda x, i, u: lax.scatter(x, i, u, _ROWS),
             [_f32("sco", 5, 3), _idx([1], [9], [-1], [4]), _f32("scou", 4, 3)],
             lambda x, i, u: _np_scatter_rows(None, x, i, u), diff_argnums=(0, 2), exact=True),
    PrimCase("scatter_i32_clip", "scatter", lambda x, i, u: lax.scatter(x, i, u, _ROWS, mode="clip"),
             [_i32("sci", 5, 2), _idx([7], [2]), _i32("sciu", 2, 2)],
             lambda x, i, u: _np_scatter_rows(None, x, i, u, "clip"), exact=True),
    PrimCase("scatter_bool_points", "scatter", lambda x, i, u: lax.scatter(x, i, u, _POINTS),
             [_bool("scb", 3, 4), _idx([0, 0], [2, 3], [1, 1]), np.array([True, False, True])],
             lambda x, i, u: _np_points_set(x, i, u), exact=True),
    PrimCase("scatter_bf16", "scatter", lambda x, i, u: lax.scatter(x, i, u, _ROWS),
             [_b16("sch", 4, 2), _idx([2], [0]), _b16("schu", 2, 2)],
             lambda x, i, u: _np_scatter_rows(None, x, i, u), exact=True),
    PrimCase("scatter_add_f32_duplicates", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _ROWS),
             [_f32("sa", 5, 3), _DUP_ROWS, _f32("sau", 4, 3)],
             lambda x, i, u: _np_scatter_rows(np.add, x, i, u), diff_argnums=(0, 2)),
    PrimCase("scatter_add_i32_duplicates_oob", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _ROWS),
             [_i32("sai", 5, 3), _idx([1], [3], [1], [5], [-1], [1]), _i32("saiu", 6, 3)],
             lambda x, i, u: _np_scatter_rows(np.add, x, i, u), exact=True),
    PrimCase("scatter_add_f32_clip", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _ROWS, mode="clip"),
             [_f32("sac", 5, 3), _idx([7], [-2], [2]), _f32("sacu", 3, 3)],
             lambda x, i, u: _np_scatter_rows(np.add, x, i, u, "clip"), diff_argnums=(0, 2)),
    PrimCase("scatter_add_f32_points", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _POINTS),
             [_f32("sap", 4, 5), _idx([0, 0], [3, 4], [1, 2], [3, 4], [0, 0], [2, 1]), _f32("sapu", 6)],
             lambda x, i, u: _np_points_add(x, i, u), diff_argnums=(0, 2)),
    PrimCase("scatter_add_f32_windows", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _ROW_WINDOWS),
             [_f32("saw", 6, 4), _idx([0], [3], [5], [3]), _f32("sawu", 4, 2, 4)],
             _np_scatter_row_windows, diff_argnums=(0, 2)),
    PrimCase("scatter_add_f32_batched", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _SBATCHED),
             [_f32("sab", 3, 5), _idx(*[[[(k * b) % 5] for k in range(4)] for b in range(3)]), _f32("sabu", 3, 4)],
             lambda x, i, u: _np_batched_add(x, i, u), diff_argnums=(0, 2)),
    PrimCase("scatter_add_bf16", "scatter-add", lambda x, i, u: lax.scatter_add(x, i, u, _ROWS),
             [_b16("sah", 4, 2), _idx([2], [0]), _b16("sahu", 2, 2)],
             lambda x, i, u: _np_scatter_rows(np.add, x, i, u)),
    PrimCase("scatter_mul_f32_unique", "scatter-mul",
             lambda x, i, u: lax.scatter_mul(x, i, u, _ROWS, unique_indices=True),
             [_f32("sm", 5, 3), _idx([4], [1]), _f32("smu", 2, 3)],
             lambda x, i, u: _np_scatter_rows(np.multiply, x, i, u), diff_argnums=(0, 2), exact=True),
    PrimCase("scatter_mul_i32_duplicates", "scatter-mul", lambda x, i, u: lax.scatter_mul(x, i, u, _ROWS),
             [_i32("smi", 4, 2), _idx([1], [1], [3], [9]), _i32("smiu", 4, 2)],
             lambda x, i, u: _np_scatter_rows(np.multiply, x, i, u), exact=True),
    PrimCase("scatter_min_f32", "scatter-min", lambda x, i, u: lax.scatter_min(x, i, u, _ROWS),
             [_f32("smn", 5, 3), _idx([0], [3]), _f32("smnu", 2, 3)],
             lambda x, i, u: _np_scatter_rows(np.minimum, x, i, u), diff_argnums=(0, 2), exact=True),
    PrimCase("scatter_min_i32_duplicates", "scatter-min", lambda x, i, u: lax.scatter_min(x, i, u, _ROWS),
             [_i32("smni", 4, 3), _idx([2], [2], [0], [-3]), _i32("smniu", 4, 3)],
             lambda x, i, u: _np_scatter_rows(np.minimum, x, i, u), exact=True),
    PrimCase("scatter_max_f32", "scatter-max", lambda x, i, u: lax.scatter_max(x, i, u, _ROWS),
             [_f32("smx", 5, 3), _idx([4], [2]), _f32("smxu", 2, 3)],
             lambda x, i, u: _np_scatter_rows(np.maximum, x, i, u), diff_argnums=(0, 2), exact=True),
    PrimCase("scatter_max_i32_duplicates", "scatter-max", lambda x, i, u: lax.scatter_max(x, i, u, _ROWS),
             [_i32("smxi", 4, 3), _idx([2], [2], [0], [1]), _i32("smxiu", 4, 3)],
             lambda x, i, u: _np_scatter_rows(np.maximum, x, i, u), exact=True),
    PrimCase("scatter_max_bool_points", "scatter-max", lambda x, i, u: lax.scatter_max(x, i, u, _POINTS),
             [_bool("smxb", 3, 3), _idx([0, 1], [2, 2], [0, 1]), np.array([True, False, False])],
             lambda x, i, u: _np_points_ufunc(np.maximum, x, i, u), exact=True),
]

