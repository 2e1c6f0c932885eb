"""Cases for structural primitives: broadcast, reshape, slicing, gather/scatter, ..."""
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
