"""The multivariate normal distribution (``scipy.stats.multivariate_normal``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_core.core import get_aval
from jax_core.lax import linalg as lax_linalg
from jax_numpy._util import promote_dtypes_inexact

Array = Any


def logpdf(x: Array, mean: Array, cov: Array, allow_singular: Any = None) -> Array:
    """Log density at ``x`` (``[..., n]``); ``cov`` is a full ``[..., n, n]`` matrix or a scalar/vector variance."""
    if allow_singular is not None:
        raise NotImplementedError("allow_singular argument of multivariate_normal.logpdf")
    x, mean, cov = promote_dtypes_inexact(jnp.asarray(x), jnp.asarray(mean), jnp.asarray(cov))
    if jnp.ndim(mean) == 0:
        mean = jnp.broadcast_to(mean, get_aval(x).shape[-1:])
    n = get_aval(mean).shape[-1]
    y = x - mean
    if jnp.ndim(cov) < 2:
        # isotropic or diagonal covariance
        var = jnp.broadcast_to(cov, (n,)) if jnp.ndim(cov) == 0 else cov
        return (-0.5 * jnp.sum(y * y / var, axis=-1) - 0.5 * n * math.log(2 * math.pi)
                - 0.5 * jnp.sum(jnp.log(var), axis=-1))
    if get_aval(cov).shape[-2:] != (n, n):
        raise ValueError(f"multivariate_normal.logpdf got incompatible shapes: mean {get_aval(mean).shape}, "
                         f"cov {get_aval(cov).shape}")
    L = lax_linalg.cholesky(cov)
    batch = np.broadcast_shapes(get_aval(y).shape[:-1], get_aval(L).shape[:-2])
    L = jnp.broadcast_to(L, tuple(batch) + (n, n))
    y = jnp.broadcast_to(y, tuple(batch) + (n,))
    z = lax_linalg.triangular_solve(L, y, left_side=True, lower=True)
    log_det = jnp.sum(jnp.log(jnp.abs(lax_linalg.diagonal(L))), axis=-1)
    return -0.5 * jnp.sum(z * z, axis=-1) - log_det - 0.5 * n * math.log(2 * math.pi)


def pdf(x: Array, mean: Array, cov: Array) -> Array:
    return lax.exp(logpdf(x, mean, cov))


__all__ = ["logpdf", "pdf"]
