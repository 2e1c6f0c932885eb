"""The Pareto distribution (``scipy.stats.pareto``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import lax
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpdf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, b, loc, scale = promote(x, b, loc, scale)
    z = (x - loc) / scale
    inside = z >= 1
    zs = where(inside, z, const(z, 1))
    lp = lax.log(b) - lax.log(scale) - (b + 1) * lax.log(zs)
    return where(inside, lp, const(lp, -np.inf))


def pdf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, b, loc, scale))


def logsf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, b, loc, scale = promote(x, b, loc, scale)
    z = (x - loc) / scale
    inside = z >= 1
    zs = where(inside, z, const(z, 1))
    return where(inside, -b * lax.log(zs), const(z, 0))


def sf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logsf(x, b, loc, scale))


def cdf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return -lax.expm1(logsf(x, b, loc, scale))


def logcdf(x: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, b, loc, scale))


def ppf(q: Array, b: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, b, loc, scale = promote(q, b, loc, scale)
    return loc + scale * lax.exp(-lax.log1p(-q) / b)


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf"]
