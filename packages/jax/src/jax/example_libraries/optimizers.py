"""``jax.experimental.optimizers`` is jax_experimental.optimizers."""
from jax_experimental.optimizers import *  # noqa: F401,F403
from jax_experimental.optimizers import __all__  # noqa: F401
