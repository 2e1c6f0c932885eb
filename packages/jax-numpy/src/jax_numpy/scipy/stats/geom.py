"""The geometric distribution on {1, 2, ...} (``scipy.stats.geom``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpmf(k: Array, p: Array, loc: Array = 0) -> Array:
    k, p, loc = promote(k, p, loc)
    x = k - loc
    ok = (x >= 1) & (jnp.floor(x) == x)
    xs = where(ok, x, const(x, 1))
    lp = special.xlog1py(xs - 1, -p) + lax.log(p)
    return where(ok, lp, const(lp, -np.inf))


def pmf(k: Array, p: Array, loc: Array = 0) -> Array:
    return lax.exp(logpmf(k, p, loc))


def cdf(k: Array, p: Array, loc: Array = 0) -> Array:
    k, p, loc = promote(k, p, loc)
    x = jnp.floor(k - loc)
    xs = jnp.maximum(x, 1)
    return where(x < 1, const(x, 0), -lax.expm1(xs * lax.log1p(-p)))


def sf(k: Array, p: Array, loc: Array = 0) -> Array:
    k, p, loc = promote(k, p, loc)
    x = jnp.floor(k - loc)
    xs = jnp.maximum(x, 0)
    return where(x < 1, const(x, 1), lax.exp(xs * lax.log1p(-p)))


def logcdf(k: Array, p: Array, loc: Array = 0) -> Array:
    return lax.log(cdf(k, p, loc))


def logsf(k: Array, p: Array, loc: Array = 0) -> Array:
    return lax.log(sf(k, p, loc))


def ppf(q: Array, p: Array, loc: Array = 0) -> Array:
    """The smallest k with ``cdf(k) >= q``."""
    q, p, loc = promote(q, p, loc)
    vals = jnp.ceil(lax.log1p(-q) / lax.log1p(-p))
    temp = -lax.expm1((vals - 1) * lax.log1p(-p))
    vals = where((temp >= q) & (vals > 0), vals - 1, vals)
    vals = where(q == 0, const(q, 0), vals)
    return where((q < 0) | (q > 1), const(q, np.nan), vals + loc)


__all__ = ["logpmf", "pmf", "cdf", "sf", "logcdf", "logsf", "ppf"]
