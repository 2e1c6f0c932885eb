"""The Laplace distribution (``scipy.stats.laplace``)."""
from __future__ import annotations

import math
from typing import Any

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy.stats._common import promote, where

Array = Any


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    return -math.log(2) - lax.log(scale) - lax.abs(z)


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    half = 0.5 * lax.exp(-lax.abs(z))
    return where(z <= 0, half, 1 - half)


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    half = 0.5 * lax.exp(-lax.abs(z))
    return where(z >= 0, half, 1 - half)


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    az = lax.abs(z)
    return where(z <= 0, -math.log(2) - az, lax.log1p(-0.5 * lax.exp(-az)))


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return logcdf(-(x - loc) / scale)


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    lo = jnp.minimum(q, 0.5)
    hi = jnp.maximum(q, 0.5)
    z = where(q <= 0.5, lax.log(2 * lo), -lax.log(2 - 2 * hi))
    return loc + scale * z


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf"]
