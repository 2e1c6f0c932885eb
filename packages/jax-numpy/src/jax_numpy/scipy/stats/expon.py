"""The exponential distribution (``scipy.stats.expon``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import lax
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    lp = -z - lax.log(scale)
    return where(z < 0, const(lp, -np.inf), lp)


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    return where(z < 0, const(z, 0), -lax.expm1(-where(z < 0, const(z, 0), z)))


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logsf(x, loc, scale))


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    return where(z < 0, const(z, 0), -z)


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, loc, scale))


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc - scale * lax.log1p(-q)


def isf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc - scale * lax.log(q)


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf"]
