"""jax.example_libraries: the modern home of stax and optimizers."""
from jax_experimental import optimizers, stax

__all__ = ["optimizers", "stax"]
