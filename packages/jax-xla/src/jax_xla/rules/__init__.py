"""Lowering rules, one module per family of primitives (importing registers them).

Linear algebra and FFT rules live in :mod:`jax_xla.linalg_lowering`.
"""
from jax_xla.rules import (  # noqa: F401
    elementwise,
    structural,
    indexing,
    reductions,
    dot_conv,
    windowed,
    cumulative,
    sorting,
    control,
    misc,
)
