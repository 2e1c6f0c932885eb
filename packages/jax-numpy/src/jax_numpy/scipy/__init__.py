"""``jax.scipy``: special functions, statistics, linear algebra, ndimage and signal."""
from jax_numpy.scipy import special  # noqa: I001  (stats and linalg build on special)
from jax_numpy.scipy import linalg, ndimage, signal, stats

__all__ = ["special", "stats", "linalg", "ndimage", "signal"]
