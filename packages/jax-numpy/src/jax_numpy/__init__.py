"""jax_numpy: the NumPy API on top of jax_core.lax."""
__version__ = "0.1.0"
