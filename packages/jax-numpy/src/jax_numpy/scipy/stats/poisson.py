"""The Poisson distribution (``scipy.stats.poisson``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpmf(k: Array, mu: Array, loc: Array = 0) -> Array:
    k, mu, loc = promote(k, mu, loc)
    x = k - loc
    ok = (x >= 0) & (jnp.floor(x) == x)
    xs = where(ok, x, const(x, 0))
    lp = special.xlogy(xs, mu) - lax.lgamma(xs + 1) - mu
    return where(ok, lp, const(lp, -np.inf))


def pmf(k: Array, mu: Array, loc: Array = 0) -> Array:
    return lax.exp(logpmf(k, mu, loc))


def cdf(k: Array, mu: Array, loc: Array = 0) -> Array:
    k, mu, loc = promote(k, mu, loc)
    x = jnp.floor(k - loc)
    xs = jnp.maximum(x, 0)
    return where(x < 0, const(x, 0), special.gammaincc(xs + 1, mu))


def sf(k: Array, mu: Array, loc: Array = 0) -> Array:
    k, mu, loc = promote(k, mu, loc)
    x = jnp.floor(k - loc)
    xs = jnp.maximum(x, 0)
    return where(x < 0, const(x, 1), special.gammainc(xs + 1, mu))


def logcdf(k: Array, mu: Array, loc: Array = 0) -> Array:
    return lax.log(cdf(k, mu, loc))


def logsf(k: Array, mu: Array, loc: Array = 0) -> Array:
    return lax.log(sf(k, mu, loc))


__all__ = ["logpmf", "pmf", "cdf", "sf", "logcdf", "logsf"]
