"""JVP, partial-evaluation and transpose rules for the core's primitives.

Importing this package registers every rule (``jax_ad/__init__`` does it).
The rules of the linear-algebra/FFT primitives and of the collectives and
``xla_pmap`` live in ``jax_ad.linalg_rules`` and ``jax_ad.collective_rules``.
"""
from jax_ad.rules import (  # noqa: F401
    calls,
    contractions,
    control_flow,
    elementwise,
    indexing,
    reductions,
    sorting,
    structural,
    windowed,
)
