"""The Cauchy distribution (``scipy.stats.cauchy``)."""
from __future__ import annotations

import math
from typing import Any

from jax_core import lax
from jax_numpy.scipy.stats._common import promote

Array = Any


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    return -math.log(math.pi) - lax.log(scale) - lax.log1p(z * z)


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return 0.5 + lax.atan((x - loc) / scale) / math.pi


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return 0.5 - lax.atan((x - loc) / scale) / math.pi


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, loc, scale))


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(sf(x, loc, scale))


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc + scale * lax.tan(math.pi * (q - 0.5))


def isf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc - scale * lax.tan(math.pi * (q - 0.5))


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf"]
