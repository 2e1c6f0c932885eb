"""The names manifest: which of JAX 0.10's ``jax.numpy`` names are left out, and why.

Every public name of ``jax.numpy`` (listed in tests/jax_numpy/jax_numpy_names.py)
is either implemented by this package or appears in :data:`NOT_IMPLEMENTED`
with the reason; tests/jax_numpy/test_names.py checks both directions (a name
listed here must really be missing).

``linalg`` and ``fft`` (and ``jax_numpy.scipy`` / ``jax_numpy.nn``, which are
not ``jax.numpy`` names) are provided by the modules of issue 8, imported at
the end of ``__init__``.
"""
from __future__ import annotations

NOT_IMPLEMENTED: dict[str, str] = {}
