"""The beta distribution (``scipy.stats.beta``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpdf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, b, loc, scale = promote(x, a, b, loc, scale)
    z = (x - loc) / scale
    inside = (z >= 0) & (z <= 1)
    zs = where(inside, z, const(z, 0.5))
    lp = special.xlogy(a - 1, zs) + special.xlog1py(b - 1, -zs) - special.betaln(a, b) - lax.log(scale)
    return where(inside, lp, const(lp, -np.inf))


def pdf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, a, b, loc, scale))


def cdf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, b, loc, scale = promote(x, a, b, loc, scale)
    z = jnp.clip((x - loc) / scale, 0, 1)
    return special.betainc(a, b, z)


def sf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, a, b, loc, scale = promote(x, a, b, loc, scale)
    z = jnp.clip((x - loc) / scale, 0, 1)
    return special.betainc(b, a, 1 - z)


def logcdf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, a, b, loc, scale))


def logsf(x: Array, a: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(sf(x, a, b, loc, scale))


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
