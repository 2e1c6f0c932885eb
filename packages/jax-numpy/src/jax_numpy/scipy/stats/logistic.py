"""The logistic distribution (``scipy.stats.logistic``)."""
from __future__ import annotations

from typing import Any

from jax_core import lax
from jax_numpy.nn.functions import log_sigmoid
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import promote

Array = Any


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    z = lax.abs((x - loc) / scale)
    return -z - 2 * lax.log1p(lax.exp(-z)) - lax.log(scale)


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.expit((x - loc) / scale)


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return special.expit(-(x - loc) / scale)


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return log_sigmoid((x - loc) / scale)


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return log_sigmoid(-(x - loc) / scale)


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc + scale * special.logit(q)


def isf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return loc - scale * special.logit(q)


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf"]
