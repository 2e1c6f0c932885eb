"""Helpers shared by the distributions: promotion, standardization, safe branches."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy._util import promote_dtypes_inexact


def promote(*args: Any) -> list:
    """Promote to a common inexact dtype and broadcast against each other."""
    arrs = promote_dtypes_inexact(*[jnp.asarray(a) for a in args])
    if len(arrs) > 1:
        arrs = list(jnp.broadcast_arrays(*arrs))
    return arrs


def const(x: Any, value: Any) -> Any:
    return lax.full_like(x, value)


def where(c: Any, a: Any, b: Any) -> Any:
    return jnp.where(c, a, b)


def nan_where(bad: Any, x: Any) -> Any:
    return where(bad, const(x, np.nan), x)


def log_of_positive(x: Any) -> Any:
    """``log(x)`` where ``x > 0``, ``-inf`` elsewhere, with finite gradients everywhere."""
    pos = x > 0
    return where(pos, lax.log(where(pos, x, const(x, 1))), const(x, -np.inf))


__all__ = ["promote", "const", "where", "nan_where", "log_of_positive"]
