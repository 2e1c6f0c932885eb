"""``jax.scipy.stats``: log densities, distribution and quantile functions as SciPy defines them.

Each distribution is a module (``stats.norm.logpdf(x, loc, scale)``...),
with SciPy's argument order and ``loc``/``scale`` conventions.
"""
from jax_numpy.scipy.stats import (
    bernoulli,
    beta,
    cauchy,
    dirichlet,
    expon,
    gamma,
    geom,
    laplace,
    logistic,
    multivariate_normal,
    norm,
    pareto,
    poisson,
    t,
    uniform,
)

__all__ = [
    "bernoulli", "beta", "cauchy", "dirichlet", "expon", "gamma", "geom", "laplace", "logistic",
    "multivariate_normal", "norm", "pareto", "poisson", "t", "uniform",
]
