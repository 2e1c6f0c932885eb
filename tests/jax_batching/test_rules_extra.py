"""vmap vs a loop for configurations the batching rules special-case.

The shared table checks every primitive; these cases add the layouts that
take different paths through the rules: convolutions with the batch on
either side and with feature/batch groups, scalar operands of select_n and
clamp, batched padding values, batched dynamic-slice indices, sort with
several operands, width-changing bitcasts, windowed reductions.
"""
import numpy as np
import pytest

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for
from tests.jax_batching import test_prims_vmap as base


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


def _conv(dn, strides=(1, 1), padding="SAME", lhs_dilation=None, rhs_dilation=None, fgc=1, bgc=1):
    def f(x, w):
        return lax.conv_general_dilated(x, w, strides, padding, lhs_dilation, rhs_dilation, dn,
                                        feature_group_count=fgc, batch_group_count=bgc)
    return f


CASES = [
    PrimCase("conv_nchw", "conv_general_dilated", _conv(("NCHW", "OIHW", "NCHW")),
             [_f32("c1", 2, 3, 5, 5), _f32("c2", 4, 3, 3, 3)]),
    PrimCase("conv_nhwc_strided", "conv_general_dilated",
             _conv(("NHWC", "HWIO", "NHWC"), (2, 1), ((1, 0), (0, 1)), rhs_dilation=(1, 2)),
             [_f32("c3", 2, 6, 5, 3), _f32("c4", 2, 2, 3, 4)]),
    PrimCase("conv_lhs_dilated", "conv_general_dilated",
             _conv(("NCHW", "OIHW", "NCHW"), (1, 1), ((1, 1), (1, 1)), lhs_dilation=(2, 2)),
             [_f32("c5", 1, 2, 3, 3), _f32("c6", 3, 2, 2, 2)]),
    PrimCase("conv_feature_groups", "conv_general_dilated", _conv(("NCHW", "OIHW", "NCHW"), fgc=2),
             [_f32("c7", 2, 4, 4, 4), _f32("c8", 6, 2, 3, 3)]),
    PrimCase("conv_feature_groups_nhwc", "conv_general_dilated", _conv(("NHWC", "HWIO", "NHWC"), fgc=2),
             [_f32("c9", 2, 4, 4, 4), _f32("c10", 3, 3, 2, 6)]),
    PrimCase("conv_batch_groups", "conv_general_dilated", _conv(("NCHW", "OIHW", "NCHW"), padding="VALID", bgc=2),
             [_f32("c11", 4, 3, 4, 4), _f32("c12", 6, 3, 2, 2)]),
    PrimCase("conv_batch_groups_chwn", "conv_general_dilated", _conv(("CHWN", "IHWO", "NHWC"), padding="VALID", bgc=2),
             [_f32("c13", 3, 4, 4, 4), _f32("c14", 3, 2, 2, 6)]),
    PrimCase("select_n_scalar_pred", "select_n", lambda p, x, y: lax.select_n(p, x, y),
             [np.array(True), _f32("s1", 3, 4), _f32("s2", 3, 4)], exact=True),
    PrimCase("select_n_int_which", "select_n", lambda p, x, y, z: lax.select_n(p, x, y, z),
             [np.array([0, 2, 1, 1], np.int32), _f32("s3", 4), _f32("s4", 4), _f32("s5", 4)], exact=True),
    PrimCase("clamp_scalar_bounds", "clamp", lambda lo, x, hi: lax.clamp(lo, x, hi),
             [np.array(-0.5, np.float32), _f32("cl1", 3, 4), np.array(0.7, np.float32)], exact=True),
    PrimCase("clamp_array_bounds", "clamp", lambda lo, x, hi: lax.clamp(lo, x, hi),
             [_f32("cl2", 5) - 1, _f32("cl3", 5), _f32("cl4", 5) + 1], exact=True),
    PrimCase("pad_batched_value", "pad", lambda x, v: lax.pad(x, v, ((1, 2, 1), (-1, 1, 0))),
             [_f32("p1", 3, 4), np.array(2.5, np.float32)], exact=True),
    PrimCase("dynamic_slice_batched_idx", "dynamic_slice",
             lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3)),
             [_f32("d1", 5, 6), np.array(1, np.int32), np.array(4, np.int32)], exact=True),
    PrimCase("dynamic_update_slice_batched_idx", "dynamic_update_slice",
             lambda x, u, i: lax.dynamic_update_slice(x, u, (i, np.int32(1))),
             [_f32("d2", 5, 6), _f32("d3", 2, 3), np.array(4, np.int32)], exact=True),
    PrimCase("sort_two_operands", "sort", lambda k, v: lax.sort((k, v), dimension=0, num_keys=1),
             [_f32("so1", 5, 3), _f32("so2", 5, 3)], exact=True),
    PrimCase("sort_last", "sort", lambda x: lax.sort(x), [_f32("so3", 3, 6)], exact=True),
    PrimCase("top_k", "top_k", lambda x: lax.top_k(x, 2), [_f32("tk", 4, 5)], exact=True),
    PrimCase("top_k_vec", "top_k", lambda x: lax.top_k(x, 3), [_f32("tk2", 6)], exact=True),
    PrimCase("cumsum_axis1_rev", "cumsum", lambda x: lax.cumsum(x, 1, reverse=True), [_f32("cs", 3, 4)]),
    PrimCase("cummax_axis0", "cummax", lambda x: lax.cummax(x, 0), [_f32("cm", 3, 4)], exact=True),
    PrimCase("argmax_axis1", "argmax", lambda x: lax.argmax(x, 1, np.int32), [_f32("am", 3, 4)], exact=True),
    PrimCase("argmin_axis0", "argmin", lambda x: lax.argmin(x, 0, np.int32), [_f32("an", 3, 4)], exact=True),
    PrimCase("reduce_max_axis0", "reduce_max", lambda x: lax.reduce_max(x, (0,)), [_f32("rm", 3, 4, 2)], exact=True),
    PrimCase("reduce_window_max", "reduce_window_max",
             lambda x: lax.reduce_window_max(x, (2, 2), (1, 2), ((0, 1), (1, 0))), [_f32("rw", 4, 5)], exact=True),
    PrimCase("reduce_window_sum", "reduce_window_sum",
             lambda x: lax.reduce_window_sum(x, (2, 1), (1, 1), ((0, 0), (0, 0))), [_f32("rw2", 4, 5)]),
    PrimCase("select_and_scatter_add", "select_and_scatter_add",
             lambda s, x: lax.select_and_scatter_add(s, x, lax.ge_p, (2, 2), (2, 2), ((0, 0), (0, 0))),
             [_f32("ss1", 2, 2), _f32("ss2", 4, 4)]),
    PrimCase("select_and_gather_add", "select_and_gather_add",
             lambda t, x: lax.select_and_gather_add(t, x, lax.ge_p, (2, 2), (1, 1), ((0, 0), (0, 0)),
                                                    (1, 1), (1, 1)),
             [_f32("sg1", 4, 4), _f32("sg2", 4, 4)]),
    PrimCase("bitcast_f32_to_u8", "bitcast_convert_type", lambda x: lax.bitcast_convert_type(x, np.uint8),
             [_f32("bc", 3)], exact=True),
    PrimCase("bitcast_u8_to_f32", "bitcast_convert_type", lambda x: lax.bitcast_convert_type(x, np.float32),
             [rng_for("bc2").randint(0, 60, (3, 4)).astype(np.uint8)], exact=True),
    PrimCase("dot_general_contract_batch_mixed", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((2,), (0,)), ((0,), (2,)))),
             [_f32("dg1", 2, 3, 4), _f32("dg2", 4, 5, 2)]),
    PrimCase("concatenate_three", "concatenate", lambda a, b, c: lax.concatenate([a, b, c], 1),
             [_f32("cc1", 2, 1), _f32("cc2", 2, 3), _f32("cc3", 2, 2)], exact=True),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_vmap_matches_loop(case):
    base.test_vmap_matches_loop(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_nested_vmap_matches_loop(case):
    base.test_nested_vmap_matches_loop(case)


def _spd(name, n):
    a = rng_for(name).randn(n, n).astype(np.float32)
    return a @ a.T + n * np.eye(n, dtype=np.float32)


_linalg = getattr(lax, "linalg", None)
if _linalg is not None:
    LINALG_CASES = [
        PrimCase("cholesky", "cholesky", lambda a: _linalg.cholesky(a), [_spd("ch", 3)], rtol=1e-4, atol=1e-5),
        PrimCase("triangular_solve", "triangular_solve",
                 lambda a, b: _linalg.triangular_solve(a, b, left_side=True, lower=True),
                 [np.tril(_spd("ts1", 3)), _f32("ts2", 3, 2)], rtol=1e-4, atol=1e-5),
        PrimCase("triangular_solve_right", "triangular_solve",
                 lambda a, b: _linalg.triangular_solve(a, b, left_side=False, lower=False, transpose_a=True),
                 [np.triu(_spd("ts3", 3)), _f32("ts4", 2, 3)], rtol=1e-4, atol=1e-5),
        PrimCase("qr", "qr", lambda a: _linalg.qr(a), [_f32("qr", 4, 3)], rtol=1e-4, atol=1e-5),
        PrimCase("eigh", "eigh", lambda a: _linalg.eigh(a)[1], [_spd("eh", 3)], rtol=1e-4, atol=1e-4),
        PrimCase("svd_values", "svd", lambda a: _linalg.svd(a, compute_uv=False), [_f32("sv", 3, 4)],
                 rtol=1e-4, atol=1e-5),
        PrimCase("lu", "lu", lambda a: _linalg.lu(a), [_f32("lu", 3, 3)], rtol=1e-4, atol=1e-5),
    ]
else:  # pragma: no cover - before the linear-algebra primitives existed
    LINALG_CASES = []

if hasattr(lax, "fft"):
    LINALG_CASES.append(PrimCase("fft2", "fft", lambda x: lax.fft(x, "FFT", (3, 4)),
                                 [(_f32("ff1", 2, 3, 4) + 1j * _f32("ff2", 2, 3, 4)).astype(np.complex64)],
                                 rtol=1e-4, atol=1e-5))
    LINALG_CASES.append(PrimCase("rfft", "fft", lambda x: lax.fft(x, "RFFT", (4,)), [_f32("ff3", 3, 4)],
                                 rtol=1e-4, atol=1e-5))


@pytest.mark.parametrize("case", LINALG_CASES, ids=lambda c: c.name)
def test_linalg_vmap_matches_loop(case):
    base.test_vmap_matches_loop(case)
