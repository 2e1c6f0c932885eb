"""The shared table of primitives: one entry per (primitive, sample inputs).

Every interpreter's tests iterate over :data:`ALL_CASES`: eager vs NumPy
(jax-core), check_grads (jax-ad), vmap vs a loop (jax-batching), jit vs eager
(jax-xla).  A new primitive enters one ``*_cases.py`` module here and is then
tested everywhere.  ``test_table_covers_every_primitive`` fails when a
registered primitive has no case.
"""
from __future__ import annotations

from tests.prim_table.case import PrimCase, rng_for
from tests.prim_table import elementwise_cases, structural_cases, misc_cases, control_flow_cases
from tests.prim_table import linalg_cases

ALL_CASES: list[PrimCase] = [
    *elementwise_cases.CASES,
    *structural_cases.CASES,
    *misc_cases.CASES,
    *control_flow_cases.CASES,
    *linalg_cases.CASES,
]

__all__ = ["PrimCase", "ALL_CASES", "rng_for"]
