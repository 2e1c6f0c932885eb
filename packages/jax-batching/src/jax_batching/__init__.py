"""jax_batching: vmap and batching rules for jax_core primitives."""
__version__ = "0.1.0"
