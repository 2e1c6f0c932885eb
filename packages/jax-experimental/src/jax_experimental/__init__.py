"""jax_experimental: stax and optimizers."""
__version__ = "0.1.0"
