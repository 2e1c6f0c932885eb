"""Cases for reductions, contractions, windows, sorting and cumulative ops."""
import numpy as np

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


CASES += [
    PrimCase("reduce_sum_f32_axes01", "reduce_sum", lambda x: lax.reduce_sum(x, (0, 1)),
             [_f32("rs", 3, 4, 2)], lambda x: x.sum((0, 1)), diff_argnums=(0,)),
    PrimCase("dot_general_matmul_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
             [_f32("dg1", 3, 4), _f32("dg2", 4, 5)], lambda a, b: a @ b, diff_argnums=(0, 1)),
    PrimCase("dot_general_batched_f32", "dot_general",
             lambda a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))),
             [_f32("dgb1", 2, 3, 4), _f32("dgb2", 2, 4, 5)], lambda a, b: a @ b, diff_argnums=(0, 1)),
]
