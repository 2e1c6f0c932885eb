"""Cases for reductions, contractions, windows, sorting and cumulative ops.

Oracles are NumPy, or direct loops over output elements (reduce_window,
select_and_*, conv) on tiny shapes.  Differentiable cases use distinct random
values, so that max/min/sort/top_k have no ties.
"""
import itertools

import numpy as np

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


def _distinct(name, *shape, dtype=np.float32):
    """Values with gaps >= 0.1 between any two (no ties, even after a finite-difference step)."""
    n = int(np.prod(shape))
    vals = rng_for(name).permutation(n).astype(np.float64) * 0.1 - 0.05 * n
    return vals.reshape(shape).astype(dtype)


def _near_one(name, *shape):
    """Values in ±[0.5, 1.5]: products stay O(1) and away from zero."""
    r = rng_for(name)
    return (r.uniform(0.5, 1.5, shape) * r.choice([-1.0, 1.0], shape)).astype(np.float32)


def _i32(name, *shape, lo=-5, hi=6):
    return rng_for(name).randint(lo, hi, size=shape).astype(np.int32)


def _bool(name, *shape):
    return rng_for(name).rand(*shape) > 0.5


# ---------------------------------------------------------------------------
# reductions

CASES += [
    PrimCase("reduce_sum_f32_axes01", "reduce_sum", lambda x: lax.reduce_sum(x, (0, 1)),
             [_f32("rs", 3, 4, 2)], lambda x: x.sum((0, 1)), diff_argnums=(0,)),
    PrimCase("reduce_sum_f32_all", "reduce_sum", lambda x: lax.reduce_sum(x, (0, 1)),
             [_f32("rs_all", 5, 3)], lambda x: x.sum(), diff_argnums=(0,)),
    PrimCase("reduce_sum_i32", "reduce_sum", lambda x: lax.reduce_sum(x, (1,)),
             [_i32("rs_i", 3, 4)], lambda x: x.sum(1, dtype=np.int32)),
    PrimCase("reduce_sum_via_reduce", "reduce_sum", lambda x: lax.reduce(x, np.float32(0), lax.add, (0,)),
             [_f32("rs_red", 4, 3)], lambda x: x.sum(0), diff_argnums=(0,)),
    PrimCase("reduce_prod_f32", "reduce_prod", lambda x: lax.reduce_prod(x, (1,)),
             [_near_one("rp", 3, 4)], lambda x: x.prod(1), diff_argnums=(0,)),
    PrimCase("reduce_prod_i32", "reduce_prod", lambda x: lax.reduce_prod(x, (0,)),
             [_i32("rp_i", 3, 4, lo=-3, hi=4)], lambda x: x.prod(0, dtype=np.int32)),
    PrimCase("reduce_max_f32", "reduce_max", lambda x: lax.reduce_max(x, (1,)),
             [_distinct("rmax", 3, 4, 2)], lambda x: x.max(1), diff_argnums=(0,)),
    PrimCase("reduce_max_f32_nan", "reduce_max", lambda x: lax.reduce_max(x, (1,)),
             [np.array([[1.0, np.nan, 3.0], [-1.0, -2.0, -0.5]], np.float32)], lambda x: x.max(1)),
    PrimCase("reduce_max_i32", "reduce_max", lambda x: lax.reduce_max(x, (0, 1)),
             [_i32("rmax_i", 3, 4)], lambda x: x.max()),
    PrimCase("reduce_max_bool", "reduce_max", lambda x: lax.reduce_max(x, (1,)),
             [_bool("rmax_b", 4, 3)], lambda x: x.max(1)),
    PrimCase("reduce_min_f32", "reduce_min", lambda x: lax.reduce_min(x, (0, 2)),
             [_distinct("rmin", 3, 4, 2)], lambda x: x.min((0, 2)), diff_argnums=(0,)),
    PrimCase("reduce_min_i32", "reduce_min", lambda x: lax.reduce_min(x, (1,)),
             [_i32("rmin_i", 3, 4)], lambda x: x.min(1)),
    PrimCase("reduce_min_empty_f32", "reduce_min", lambda x: lax.reduce_min(x, (0,)),
             [np.zeros((0, 3), np.float32)], lambda x: np.full((3,), np.inf, np.float32)),
    PrimCase("reduce_and_bool", "reduce_and", lambda x: lax.reduce_and(x, (1,)),
             [_bool("rand_b", 4, 3)], lambda x: x.all(1)),
    PrimCase("reduce_and_i32", "reduce_and", lambda x: lax.reduce_and(x, (0,)),
             [_i32("rand_i", 3, 4, lo=0, hi=64)], lambda x: np.bitwise_and.reduce(x, axis=0)),
    PrimCase("reduce_or_bool", "reduce_or", lambda x: lax.reduce_or(x, (0, 1)),
             [np.zeros((2, 3), bool)], lambda x: x.any()),
    PrimCase("reduce_or_u8", "reduce_or", lambda x: lax.reduce_or(x, (1,)),
             [_i32("ror_u", 3, 4, lo=0, hi=256).astype(np.uint8)], lambda x: np.bitwise_or.reduce(x, axis=1)),
    PrimCase("reduce_xor_bool", "reduce_xor", lambda x: lax.reduce_xor(x, (1,)),
             [_bool("rxor_b", 4, 5)], lambda x: np.logical_xor.reduce(x, axis=1)),
    PrimCase("reduce_xor_i32", "reduce_xor", lambda x: lax.reduce_xor(x, (0,)),
             [_i32("rxor_i", 3, 4, lo=-100, hi=100)], lambda x: np.bitwise_xor.reduce(x, axis=0)),
    PrimCase("argmax_f32", "argmax", lambda x: lax.argmax(x, 1, np.int32),
             [_distinct("amax", 3, 5)], lambda x: np.argmax(x, 1).astype(np.int32)),
    PrimCase("argmax_f32_nan_ties", "argmax", lambda x: lax.argmax(x, 1, np.int32),
             [np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 5.0, 5.0, -1.0]], np.float32)],
             lambda x: np.array([1, 1], np.int32)),
    PrimCase("argmax_bool_axis0", "argmax", lambda x: lax.argmax(x, 0, np.int32),
             [_bool("amax_b", 4, 3)], lambda x: np.argmax(x, 0).astype(np.int32)),
    PrimCase("argmin_i32", "argmin", lambda x: lax.argmin(x, 0, np.int32),
             [_i32("amin_i", 4, 3)], lambda x: np.argmin(x, 0).astype(np.int32)),
    PrimCase("argmin_f32_nan", "argmin", lambda x: lax.argmin(x, 1, np.int32),
             [np.array([[1.0, -np.inf, np.nan], [0.5, -0.5, -0.5]], np.float32)],
             lambda x: np.array([2, 1], np.int32)),
]


# ---------------------------------------------------------------------------
# cumulative


def _cum_oracle(np_accumulate, axis, reverse):
    def oracle(x):
        y = np.flip(x, axis) if reverse else x
        out = np_accumulate(y.astype(np.float64) if x.dtype.kind == "f" else y, axis)
        out = np.flip(out, axis) if reverse else out
        return np.asarray(out).astype(x.dtype)

    return oracle


CASES += [
    PrimCase("cumsum_f32", "cumsum", lambda x: lax.cumsum(x, 1),
             [_f32("cs", 3, 5)], _cum_oracle(lambda x, a: np.cumsum(x, a), 1, False), diff_argnums=(0,)),
    PrimCase("cumsum_f32_reverse", "cumsum", lambda x: lax.cumsum(x, 0, reverse=True),
             [_f32("cs_r", 4, 3)], _cum_oracle(lambda x, a: np.cumsum(x, a), 0, True), diff_argnums=(0,)),
    PrimCase("cumsum_i32", "cumsum", lambda x: lax.cumsum(x, 0),
             [_i32("cs_i", 5, 2)], _cum_oracle(lambda x, a: np.cumsum(x, a, dtype=np.int32), 0, False)),
    PrimCase("cumprod_f32", "cumprod", lambda x: lax.cumprod(x, 1),
             [_near_one("cp", 3, 4)], _cum_oracle(lambda x, a: np.cumprod(x, a), 1, False), diff_argnums=(0,)),
    PrimCase("cumprod_f32_reverse", "cumprod", lambda x: lax.cumprod(x, 0, reverse=True),
             [_near_one("cp_r", 4, 2)], _cum_oracle(lambda x, a: np.cumprod(x, a), 0, True), diff_argnums=(0,)),
    PrimCase("cummax_f32", "cummax", lambda x: lax.cummax(x, 1),
             [_distinct("cmax", 3, 5)], _cum_oracle(lambda x, a: np.maximum.accumulate(x, a), 1, False),
             diff_argnums=(0,)),
    PrimCase("cummax_i32_reverse", "cummax", lambda x: lax.cummax(x, 0, reverse=True),
             [_i32("cmax_i", 5, 3)], _cum_oracle(lambda x, a: np.maximum.accumulate(x, a), 0, True)),
    PrimCase("cummin_f32_reverse", "cummin", lambda x: lax.cummin(x, 1, reverse=True),
             [_distinct("cmin", 2, 6)], _cum_oracle(lambda x, a: np.minimum.accumulate(x, a), 1, True),
             diff_argnums=(0,)),
    PrimCase("cummin_i32", "cummin", lambda x: lax.cummin(x, 1),
             [_i32("cmin_i", 3, 4)], _cum_oracle(lambda x, a: np.minimum.accumulate(x, a), 1, False)),
    PrimCase("cumlogsumexp_f32", "cumlogsumexp", lambda x: lax.cumlogsumexp(x, 1),
             [_f32("clse", 3, 5)], _cum_oracle(lambda x, a: np.logaddexp.accumulate(x, a), 1, False),
             diff_argnums=(0,)),
    PrimCase("cumlogsumexp_f32_reverse", "cumlogsumexp", lambda x: lax.cumlogsumexp(x, 0, reverse=True),
             [_f32("clse_r", 4, 2)], _cum_oracle(lambda x, a: np.logaddexp.accumulate(x, a), 0, True),
             diff_argnums=(0,)),
]


# ---------------------------------------------------------------------------
# window reductions: a direct loop over output elements as the oracle


def _window_geometry(shape, wd, st, pad, bd, wdl):
    """For each output index, the operand indices its window covers (holes and padding skipped)."""
    nd = len(shape)
    bd = bd or (1,) * nd
    wdl = wdl or (1,) * nd
    out_shape = []
    for n, w, s, (lo, hi), b, r in zip(shape, wd, st, pad, bd, wdl):
        padded = (n - 1) * b + 1 + lo + hi if n else lo + hi
        win = (w - 1) * r + 1
        out_shape.append(max(0, (padded - win) // s + 1) if padded >= win else 0)
    windows = {}
    for out_idx in np.ndindex(*out_shape):
        members = []
        for k in np.ndindex(*wd):
            src = []
            for d in range(nd):
                p = out_idx[d] * st[d] + k[d] * wdl[d] - pad[d][0]  # position in the dilated operand
                if p < 0 or p % bd[d] or p // bd[d] >= shape[d]:
                    break
                src.append(p // bd[d])
            else:
                members.append(tuple(src))
        windows[out_idx] = members
    return tuple(out_shape), windows


def _reduce_window_oracle(op, init, wd, st, pad, bd=None, wdl=None):
    def oracle(x):
        out_shape, windows = _window_geometry(x.shape, wd, st, pad, bd, wdl)
        out = np.empty(out_shape, np.float64 if x.dtype.kind == "f" else x.dtype)
        for idx, members in windows.items():
            acc = init
            for m in members:
                acc = op(acc, x[m])
            out[idx] = acc
        return out.astype(x.dtype)

    return oracle


def _select_and_scatter_add_oracle(wd, st, pad):
    def oracle(source, operand):
        _, windows = _window_geometry(operand.shape, wd, st, pad, None, None)
        out = np.zeros(operand.shape, np.float64)
        for idx, members in windows.items():
            if members:
                best = max(members, key=lambda m: operand[m])  # max() keeps the first of ties
                out[best] += source[idx]
        return out.astype(source.dtype)

    return oracle


def _select_and_gather_add_oracle(wd, st, pad, bd, wdl):
    def oracle(tangents, operand):
        out_shape, windows = _window_geometry(operand.shape, wd, st, pad, bd, wdl)
        out = np.zeros(out_shape, tangents.dtype)
        for idx, members in windows.items():
            if members:
                out[idx] = tangents[max(members, key=lambda m: operand[m])]
        return out

    return oracle


_NEG_INF = -np.inf
_pool = dict(wd=(1, 2, 2, 1), st=(1, 2, 2, 1), pad=((0, 0), (0, 0), (0, 0), (0, 0)))
_same_pads = ((0, 0), (0, 1), (1, 1))  # 'SAME' for a (1, 2, 3) window, stride 1, on (2, 5, 4)

CASES += [
    PrimCase("reduce_window_sum_f32_pool", "reduce_window_sum",
             lambda x: lax.reduce_window(x, 0.0, lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"),
             [_f32("rws", 2, 4, 6, 3)], _reduce_window_oracle(np.add, 0.0, **_pool), diff_argnums=(0,),
             rtol=1e-5, atol=1e-5),
    PrimCase("reduce_window_sum_f32_pad_dilations", "reduce_window_sum",
             lambda x: lax.reduce_window(x, 0.0, lax.add, (2, 3), (1, 2), ((1, 0), (2, 1)),
                                         base_dilation=(2, 1), window_dilation=(1, 2)),
             [_f32("rws_dil", 3, 7)],
             _reduce_window_oracle(np.add, 0.0, (2, 3), (1, 2), ((1, 0), (2, 1)), (2, 1), (1, 2)),
             diff_argnums=(0,), rtol=1e-5, atol=1e-5),
    PrimCase("reduce_window_sum_f32_init", "reduce_window_sum",
             lambda x: lax.reduce_window(x, np.float32(1.5), lax.add, (2,), (1,), ((1, 1),)),
             [_f32("rws_init", 5)], _reduce_window_oracle(np.add, 1.5, (2,), (1,), ((1, 1),)),
             diff_argnums=(0,), rtol=1e-5, atol=1e-5),
    PrimCase("reduce_window_sum_i32_same", "reduce_window_sum",
             lambda x: lax.reduce_window(x, 0, lax.add, (1, 2, 3), (1, 1, 1), "SAME"),
             [_i32("rws_i", 2, 5, 4)], _reduce_window_oracle(np.add, 0, (1, 2, 3), (1, 1, 1), _same_pads)),
    PrimCase("reduce_window_max_f32_pool", "reduce_window_max",
             lambda x: lax.reduce_window(x, -np.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"),
             [_distinct("rwmax", 2, 4, 6, 3)], _reduce_window_oracle(np.maximum, _NEG_INF, **_pool),
             diff_argnums=(0,)),
    PrimCase("reduce_window_max_f32_same_overlap", "reduce_window_max",
             lambda x: lax.reduce_window(x, -np.inf, lax.max, (1, 2, 3), (1, 1, 1), "SAME"),
             [_distinct("rwmax_same", 2, 5, 4)],
             _reduce_window_oracle(np.maximum, _NEG_INF, (1, 2, 3), (1, 1, 1), _same_pads), diff_argnums=(0,)),
    PrimCase("reduce_window_max_f32_dilations", "reduce_window_max",
             lambda x: lax.reduce_window(x, -np.inf, lax.max, (2, 2), (2, 1), ((0, 1), (1, 1)),
                                         base_dilation=(1, 2), window_dilation=(2, 1)),
             [_distinct("rwmax_dil", 5, 4)],
             _reduce_window_oracle(np.maximum, _NEG_INF, (2, 2), (2, 1), ((0, 1), (1, 1)), (1, 2), (2, 1)),
             diff_argnums=(0,)),
    PrimCase("reduce_window_max_i32_init", "reduce_window_max",
             lambda x: lax.reduce_window(x, np.int32(0), lax.max, (3,), (2,), ((1, 1),)),
             [_i32("rwmax_i", 7)], _reduce_window_oracle(np.maximum, 0, (3,), (2,), ((1, 1),))),
    PrimCase("reduce_window_min_f32", "reduce_window_min",
             lambda x: lax.reduce_window(x, np.inf, lax.min, (2, 2), (1, 1), "VALID"),
             [_distinct("rwmin", 4, 5)], _reduce_window_oracle(np.minimum, np.inf, (2, 2), (1, 1), ((0, 0), (0, 0))),
             diff_argnums=(0,)),
    PrimCase("reduce_window_min_i32_same", "reduce_window_min",
             lambda x: lax.reduce_window(x, np.iinfo(np.int32).max, lax.min, (3, 2), (2, 1), "SAME"),
             [_i32("rwmin_i", 5, 4)],
             _reduce_window_oracle(np.minimum, np.iinfo(np.int32).max, (3, 2), (2, 1), ((1, 1), (0, 1)))),
]

_sas = dict(wd=(2, 3), st=(2, 1), pad=((0, 1), (1, 1)))   # operand (5, 4) -> windows (3, 4)
CASES += [
    PrimCase("select_and_scatter_add_f32", "select_and_scatter_add",
             lambda s, x: lax.select_and_scatter_add(s, x, lax.ge_p, (2, 3), (2, 1), ((0, 1), (1, 1))),
             [_f32("sas_src", 3, 4), _distinct("sas_op", 5, 4)], _select_and_scatter_add_oracle(**_sas),
             diff_argnums=(0,), rtol=1e-5, atol=1e-5),
    PrimCase("select_and_scatter_add_f32_pool", "select_and_scatter_add",
             lambda s, x: lax.select_and_scatter_add(s, x, lax.ge_p, (1, 2, 2, 1), (1, 2, 2, 1),
                                                     ((0, 0), (0, 0), (0, 0), (0, 0))),
             [_f32("sas_pool_src", 2, 2, 3, 3), _distinct("sas_pool_op", 2, 4, 6, 3)],
             _select_and_scatter_add_oracle(**_pool), diff_argnums=(0,)),
    PrimCase("select_and_gather_add_f32", "select_and_gather_add",
             lambda t, x: lax.select_and_gather_add(t, x, lax.ge_p, (2, 2), (1, 2), ((1, 0), (0, 1)),
                                                    (1, 2), (2, 1)),
             [_f32("sga_t", 4, 3), _distinct("sga_op", 4, 3)],
             _select_and_gather_add_oracle((2, 2), (1, 2), ((1, 0), (0, 1)), (1, 2), (2, 1)), diff_argnums=(0,)),
    PrimCase("select_and_gather_add_f32_pool", "select_and_gather_add",
             lambda t, x: lax.select_and_gather_add(t, x, lax.ge_p, (1, 2, 2, 1), (1, 2, 2, 1),
                                                    ((0, 0), (0, 0), (0, 0), (0, 0))),
             [_f32("sga_pool_t", 2, 4, 6, 3), _distinct("sga_pool_op", 2, 4, 6, 3)],
             _select_and_gather_add_oracle(_pool["wd"], _pool["st"], _pool["pad"], None, None), diff_argnums=(0,)),
]


# ---------------------------------------------------------------------------
# convolution: a direct loop over output elements as the oracle


def _conv_oracle(strides, padding, lhs_dilation=None, rhs_dilation=None, dimension_numbers=None,
                 feature_group_count=1, batch_group_count=1):
    def oracle(lhs, rhs):
        dn = lax.conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
        x = np.transpose(lhs, dn.lhs_spec).astype(np.float64)   # (N, C, spatial...)
        w = np.transpose(rhs, dn.rhs_spec).astype(np.float64)   # (O, I, spatial...)
        nsp = x.ndim - 2
        ld = lhs_dilation or (1,) * nsp
        rd = rhs_dilation or (1,) * nsp
        N, C = x.shape[:2]
        O, I = w.shape[:2]
        groups = feature_group_count * batch_group_count
        Nb, Og = N // batch_group_count, O // groups
        out_sp = []
        for n, k, s, (lo, hi), a, b in zip(x.shape[2:], w.shape[2:], strides, padding, ld, rd):
            padded = (n - 1) * a + 1 + lo + hi
            eff = (k - 1) * b + 1
            out_sp.append(max(0, (padded - eff) // s + 1) if padded >= eff else 0)
        out = np.zeros((Nb, O) + tuple(out_sp))
        for nb, o in itertools.product(range(Nb), range(O)):
            g = o // Og
            n = g * Nb + nb if batch_group_count > 1 else nb
            cs = slice(g * I, (g + 1) * I) if feature_group_count > 1 else slice(0, C)
            for pos in np.ndindex(*out_sp):
                acc = 0.0
                for k in np.ndindex(*w.shape[2:]):
                    src = []
                    for d in range(nsp):
                        p = pos[d] * strides[d] - padding[d][0] + k[d] * rd[d]
                        if p < 0 or p % ld[d] or p // ld[d] >= x.shape[2 + d]:
                            break
                        src.append(p // ld[d])
                    else:
                        acc += np.dot(x[(n, cs) + tuple(src)], w[(o, slice(None)) + k])
                out[(nb, o) + pos] = acc
        inv = np.argsort(dn.out_spec)
        return np.transpose(out, inv).astype(lhs.dtype)

    return oracle


def _conv_case(name, lhs_shape, rhs_shape, strides, padding, explicit_pads=None, dtype=np.float32,
               grad_rtol=None, **kw):
    diff: tuple[int, ...]
    if dtype == np.int32:
        args = [_i32(name + "_l", *lhs_shape, lo=-3, hi=4), _i32(name + "_r", *rhs_shape, lo=-3, hi=4)]
        diff = ()
    else:
        args = [_f32(name + "_l", *lhs_shape), _f32(name + "_r", *rhs_shape)]
        diff = (0, 1)
    pads = explicit_pads if explicit_pads is not None else padding
    return PrimCase(name, "conv_general_dilated",
                    lambda l, r: lax.conv_general_dilated(l, r, strides, padding, **kw), args,
                    _conv_oracle(strides, pads, **kw), diff_argnums=diff, rtol=1e-5, atol=1e-5,
                    grad_rtol=grad_rtol)


CASES += [
    _conv_case("conv_nchw_valid_f32", (2, 3, 5, 6), (4, 3, 3, 2), (1, 1), "VALID", ((0, 0), (0, 0))),
    _conv_case("conv_nchw_strided_pairs_f32", (2, 2, 6, 5), (3, 2, 3, 3), (2, 2), ((1, 2), (0, 1))),
    _conv_case("conv_nhwc_same_f32", (2, 5, 4, 3), (3, 3, 3, 2), (1, 1), "SAME", ((1, 1), (1, 1)),
               dimension_numbers=("NHWC", "HWIO", "NHWC")),
    _conv_case("conv_nhwc_same_strided_f32", (1, 6, 5, 2), (2, 3, 2, 4), (2, 2), "SAME", ((0, 0), (1, 1)),
               dimension_numbers=("NHWC", "HWIO", "NHWC")),
    _conv_case("conv_lhs_dilation_f32", (2, 2, 3, 4), (3, 2, 3, 2), (1, 1), ((2, 2), (1, 1)),
               lhs_dilation=(2, 2), grad_rtol=1e-2),
    _conv_case("conv_rhs_dilation_f32", (1, 2, 7, 6), (2, 2, 2, 3), (1, 2), ((1, 0), (2, 2)),
               rhs_dilation=(2, 2), dimension_numbers=("NCHW", "OIHW", "NCHW")),
    _conv_case("conv_feature_groups_f32", (2, 4, 5, 5), (6, 2, 3, 3), (1, 1), ((1, 1), (0, 0)),
               feature_group_count=2),
    _conv_case("conv_batch_groups_f32", (4, 3, 5, 4), (4, 3, 2, 2), (1, 1), ((0, 0), (0, 0)),
               batch_group_count=2),
    _conv_case("conv_1d_nwc_f32", (2, 7, 3), (3, 3, 2), (2,), ((1, 1),),
               dimension_numbers=("NWC", "WIO", "NWC")),
    _conv_case("conv_mixed_layouts_f32", (3, 5, 2, 4), (5, 2, 3, 2), (1, 1), ((1, 0), (0, 1)),
               dimension_numbers=("HCNW", "IHWO", "NWHC")),
    _conv_case("conv_i32", (1, 2, 4, 4), (2, 2, 2, 2), (1, 1), ((0, 1), (1, 0)), dtype=np.int32),
    # many channels per group (a matmul per kernel position), and a kernel larger than the output
    # (sums of many products: float32 finite differences need a looser tolerance)
    _conv_case("conv_wide_channels_f32", (2, 16, 4, 4), (3, 16, 2, 2), (1, 1), ((1, 0), (0, 1)), grad_rtol=1e-2),
    _conv_case("conv_wide_groups_f32", (1, 32, 3, 4), (4, 16, 2, 2), (1, 1), ((0, 0), (1, 1)),
               feature_group_count=2, grad_rtol=1e-2),
    _conv_case("conv_big_kernel_f32", (2, 2, 5, 6), (3, 2, 4, 4), (1, 1), ((0, 0), (0, 0))),
    _conv_case("conv_big_kernel_batch_groups_f32", (4, 2, 5, 5), (2, 2, 4, 3), (1, 1), ((0, 0), (0, 1)),
               rhs_dilation=(1, 1), batch_group_count=2),
]


# ---------------------------------------------------------------------------
# dot_general (mixed dtypes and preferred_element_type)

CASES += [
    PrimCase("dot_general_matmul_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
             [_f32("dg1", 3, 4), _f32("dg2", 4, 5)], lambda a, b: a @ b, diff_argnums=(0, 1)),
    PrimCase("dot_general_batched_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))),
             [_f32("dgb1", 2, 3, 4), _f32("dgb2", 2, 4, 5)], lambda a, b: a @ b, diff_argnums=(0, 1)),
    PrimCase("dot_general_transposed_batch_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((0, 3), (2, 1)), ((2,), (0,)))),
             [_f32("dgt1", 3, 2, 4, 5), _f32("dgt2", 4, 5, 3, 2)],
             lambda a, b: np.einsum("ikbl,blim->bkm", a, b), diff_argnums=(0, 1), rtol=1e-5, atol=1e-5),
    PrimCase("dot_general_vector_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((0,), (0,)), ((), ()))),
             [_f32("dgv1", 6), _f32("dgv2", 6)], lambda a, b: np.dot(a, b), diff_argnums=(0, 1)),
    PrimCase("dot_general_outer_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((), ()), ((), ()))),
             [_f32("dgo1", 3), _f32("dgo2", 4)], lambda a, b: np.outer(a, b), diff_argnums=(0, 1)),
    PrimCase("dot_general_i32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (1,)), ((), ()))),
             [_i32("dgi1", 3, 4), _i32("dgi2", 2, 4)], lambda a, b: a @ b.T),
    PrimCase("dot_general_i8_preferred_i32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ())), preferred_element_type=np.int32),
             [np.full((2, 3), 100, np.int8), np.full((3, 2), 100, np.int8)],
             lambda a, b: a.astype(np.int32) @ b.astype(np.int32)),
    PrimCase("dot_general_i8_wraps", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
             [np.full((2, 3), 100, np.int8), np.full((3, 2), 100, np.int8)],
             lambda a, b: (a.astype(np.int64) @ b.astype(np.int64)).astype(np.int8)),
    PrimCase("dot_general_mixed_i8_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
             [_i32("dgm1", 2, 3).astype(np.int8), _f32("dgm2", 3, 4)],
             lambda a, b: a.astype(np.float32) @ b),
    PrimCase("dot_general_bool", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
             [_bool("dgbool1", 3, 4), _bool("dgbool2", 4, 2)],
             lambda a, b: (a.astype(np.int32) @ b.astype(np.int32)) > 0),
]


# ---------------------------------------------------------------------------
# sorting


def _sorted_by_keys(num_keys, axis):
    def oracle(*ops):
        keys = [np.moveaxis(o, axis, -1) for o in ops[:num_keys]]
        perm = np.lexsort(keys[::-1], axis=-1)
        return tuple(np.moveaxis(np.take_along_axis(np.moveaxis(o, axis, -1), perm, -1), -1, axis)
                     for o in ops)

    return oracle


def _top_k_oracle(k):
    def oracle(x):
        rows = x.reshape(-1, x.shape[-1])
        idx = np.array([sorted(range(len(r)), key=lambda i: (-r[i], i))[:k] for r in rows], np.int32)
        idx = idx.reshape(x.shape[:-1] + (k,))
        return np.take_along_axis(x, idx, -1), idx

    return oracle


CASES += [
    PrimCase("sort_f32", "sort", lambda x: lax.sort(x), [_distinct("sort", 3, 5)],
             lambda x: np.sort(x, -1), diff_argnums=(0,), exact=True),
    PrimCase("sort_f32_axis0", "sort", lambda x: lax.sort(x, dimension=0), [_distinct("sort0", 4, 3)],
             lambda x: np.sort(x, 0), diff_argnums=(0,), exact=True),
    PrimCase("sort_f32_nan_zeros", "sort", lambda x: lax.sort(x),
             [np.array([np.nan, 1.0, -0.0, -np.inf, 0.0, -np.nan, -1.0], np.float32)],
             lambda x: np.array([-np.inf, -1.0, -0.0, 0.0, 1.0, np.nan, np.nan], np.float32), exact=True),
    PrimCase("sort_i32", "sort", lambda x: lax.sort(x), [_i32("sort_i", 3, 6)],
             lambda x: np.sort(x, -1)),
    PrimCase("sort_bool", "sort", lambda x: lax.sort(x, dimension=0), [_bool("sort_b", 6, 2)],
             lambda x: np.sort(x, 0)),
    PrimCase("sort_key_val_f32", "sort", lambda k, v: lax.sort((k, v), num_keys=1),
             [_distinct("skv_k", 2, 5), _f32("skv_v", 2, 5)], _sorted_by_keys(1, 1), diff_argnums=(0, 1),
             exact=True),
    PrimCase("sort_two_keys", "sort", lambda a, b, v: lax.sort((a, b, v), dimension=0, num_keys=2),
             [_i32("s2k_a", 6, 2, lo=0, hi=2), _distinct("s2k_b", 6, 2), _f32("s2k_v", 6, 2)],
             _sorted_by_keys(2, 0), diff_argnums=(1, 2), exact=True),
    PrimCase("top_k_f32", "top_k", lambda x: lax.top_k(x, 3), [_distinct("topk", 2, 6)], _top_k_oracle(3),
             diff_argnums=(0,), exact=True),
    PrimCase("top_k_i32_ties", "top_k", lambda x: lax.top_k(x, 4), [_i32("topk_i", 3, 5, lo=0, hi=3)],
             _top_k_oracle(4)),
    PrimCase("top_k_f32_nan", "top_k", lambda x: lax.top_k(x, 3),
             [np.array([1.0, np.nan, 5.0, 5.0, -np.inf], np.float32)],
             lambda x: (np.array([np.nan, 5.0, 5.0], np.float32), np.array([1, 2, 3], np.int32))),
]
