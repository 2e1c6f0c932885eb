"""The normal distribution (``scipy.stats.norm``)."""
from __future__ import annotations

import math
from typing import Any

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import promote

Array = Any

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = (x - loc) / scale
    return -0.5 * z * z - _HALF_LOG_2PI - lax.log(scale)


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.ndtr((x - loc) / scale)


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.log_ndtr((x - loc) / scale)


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.ndtr(-(x - loc) / scale)


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.log_ndtr(-(x - loc) / scale)


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc + scale * special.ndtri(q)


def isf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc - scale * special.ndtri(q)


__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]
