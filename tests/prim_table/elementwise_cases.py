"""Cases for elementwise primitives, across dtypes."""
import numpy as np

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


CASES += [
    PrimCase("add_f32", "add", lax.add, [_f32("add1", 3, 4), _f32("add2", 3, 4)], np.add, diff_argnums=(0, 1)),
    PrimCase("sin_f32", "sin", lax.sin, [_f32("sin", 5)], np.sin, diff_argnums=(0,)),
]
