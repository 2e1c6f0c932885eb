"""The continuous uniform distribution on ``[loc, loc + scale]`` (``scipy.stats.uniform``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    lp = -lax.log(scale)
    return where((x >= loc) & (x <= loc + scale), lp, const(lp, -np.inf))


def pdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.exp(logpdf(x, loc, scale))


def cdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return jnp.clip((x - loc) / scale, 0, 1)


def sf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    x, loc, scale = promote(x, loc, scale)
    return jnp.clip((loc + scale - x) / scale, 0, 1)


def logcdf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(cdf(x, loc, scale))


def logsf(x: Array, loc: Array = 0, scale: Array = 1) -> Array:
    return lax.log(sf(x, loc, scale))


def ppf(q: Array, loc: Array = 0, scale: Array = 1) -> Array:
    q, loc, scale = promote(q, loc, scale)
    return where((q < 0) | (q > 1), const(q, np.nan), loc + q * scale)


__all__ = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf"]
