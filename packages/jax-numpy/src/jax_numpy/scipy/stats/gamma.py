"""The gamma distribution (``scipy.stats.gamma``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpdf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, loc, scale = promote(x, a, loc, scale)
    z = (x - loc) / scale
    inside = z >= 0
    zs = where(inside, z, const(z, 1))
    lp = special.xlogy(a - 1, zs) - zs - lax.lgamma(a) - lax.log(scale)
    return where(inside, lp, const(lp, -np.inf))


def pdf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, a, loc, scale))


def cdf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, loc, scale = promote(x, a, loc, scale)
    return special.gammainc(a, jnp.maximum((x - loc) / scale, 0))


def sf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, loc, scale = promote(x, a, loc, scale)
    return special.gammaincc(a, jnp.maximum((x - loc) / scale, 0))


def logcdf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, a, loc, scale))


def logsf(x: Array, a: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(sf(x, a, loc, scale))


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
