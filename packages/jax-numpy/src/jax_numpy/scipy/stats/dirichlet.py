"""The Dirichlet distribution (``scipy.stats.dirichlet``).

As in SciPy the K components of ``x`` run along its first axis (K - 1 may
be given, the last being ``1 - sum``); points off the simplex get ``-inf``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_core.core import get_aval
from jax_numpy._util import promote_dtypes_inexact
from jax_numpy.scipy import special

Array = Any


def logpdf(x: Array, alpha: Array) -> Array:
    x, alpha = promote_dtypes_inexact(jnp.asarray(x), jnp.asarray(alpha))
    if jnp.ndim(alpha) != 1:
        raise ValueError(f"`alpha` must be one-dimensional; got alpha.shape={get_aval(alpha).shape}")
    k = get_aval(alpha).shape[0]
    if jnp.ndim(x) == 0 or get_aval(x).shape[0] not in (k, k - 1):
        raise ValueError("`x` must have either the same number of entries as `alpha` or one entry fewer; got "
                         f"x.shape={get_aval(x).shape}, alpha.shape={get_aval(alpha).shape}")
    if get_aval(x).shape[0] == k - 1:
        x = jnp.concatenate([x, 1 - jnp.sum(x, axis=0, keepdims=True)], axis=0)
    a = jnp.reshape(alpha, (k,) + (1,) * (jnp.ndim(x) - 1))
    normalize = jnp.sum(lax.lgamma(alpha)) - lax.lgamma(jnp.sum(alpha))
    on_simplex = jnp.all(x > 0, axis=0) & (jnp.abs(jnp.sum(x, axis=0) - 1) < 1e-6)
    safe_x = jnp.where(x > 0, x, jnp.ones_like(x))
    lp = jnp.sum(special.xlogy(a - 1, safe_x), axis=0) - normalize
    return jnp.where(on_simplex, lp, jnp.full_like(lp, -np.inf))


def pdf(x: Array, alpha: Array) -> Array:
    return lax.exp(logpdf(x, alpha))


__all__ = ["logpdf", "pdf"]
