"""``jax.experimental.stax`` is jax_experimental.stax."""
from jax_experimental.stax import *  # noqa: F401,F403
from jax_experimental.stax import __all__  # noqa: F401
