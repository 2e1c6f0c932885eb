"""jax.experimental: stax and optimizers (from jax-experimental)."""
from jax_experimental import optimizers, stax

__all__ = ["optimizers", "stax"]
