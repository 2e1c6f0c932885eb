"""The Bernoulli distribution (``scipy.stats.bernoulli``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import lax
from jax_numpy.scipy import special
from jax_numpy.scipy.stats._common import const, promote, where

Array = Any


def logpmf(k: Array, p: Array, loc: Array = 0) -> Array:
    k, p, loc = promote(k, p, loc)
    x = k - loc
    ok = (x == 0) | (x == 1)
    xs = where(ok, x, const(x, 0))
    lp = special.xlogy(xs, p) + special.xlog1py(1 - xs, -p)
    return where(ok, lp, const(lp, -np.inf))


def pmf(k: Array, p: Array, loc: Array = 0) -> Array:
    return lax.exp(logpmf(k, p, loc))


def cdf(k: Array, p: Array, loc: Array = 0) -> Array:
    k, p, loc = promote(k, p, loc)
    x = k - loc
    return where(x < 0, const(x, 0), where(x < 1, 1 - p, const(x, 1)))


def sf(k: Array, p: Array, loc: Array = 0) -> Array:
    return 1 - cdf(k, p, loc)


def logcdf(k: Array, p: Array, loc: Array = 0) -> Array:
    return lax.log(cdf(k, p, loc))


def ppf(q: Array, p: Array, loc: Array = 0) -> Array:
    """SciPy's quantiles: -1 at q = 0, 0 on (0, 1 - p], 1 above; NaN outside [0, 1]."""
    q, p, loc = promote(q, p, loc)
    out = where(q == 0, const(q, -1), where(q <= 1 - p, const(q, 0), const(q, 1)))
    return where((q < 0) | (q > 1), const(q, np.nan), out + loc)


__all__ = ["logpmf", "pmf", "cdf", "sf", "logcdf", "ppf"]
