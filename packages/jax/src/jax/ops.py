"""``jax.ops``: index updates and segment reductions (from jax-numpy)."""
from jax_numpy.ops import *  # noqa: F401,F403
from jax_numpy.ops import __all__  # noqa: F401
