"""Student's t distribution (``scipy.stats.t``)."""
from __future__ import annotations

import math
from typing import Any

from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import promote, where

Array = Any


def logpdf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, df, loc, scale = promote(x, df, loc, scale)
    z = (x - loc) / scale
    half = 0.5 * (df + 1)
    return (lax.lgamma(half) - lax.lgamma(0.5 * df) - 0.5 * lax.log(df * math.pi) - lax.log(scale)
            - half * lax.log1p(z * z / df))


def pdf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, df, loc, scale))


def cdf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, df, loc, scale = promote(x, df, loc, scale)
    z = (x - loc) / scale
    tail = 0.5 * special.betainc(0.5 * df, lax.full_like(df, 0.5), df / (df + z * z))
    return where(z > 0, 1 - tail, tail)


def sf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, df, loc, scale = promote(x, df, loc, scale)
    return cdf(-(x - loc) / scale, df)


def logcdf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, df, loc, scale))


def logsf(x: Array, df: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(sf(x, df, loc, scale))


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
