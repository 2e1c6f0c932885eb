"""jax_ad: automatic differentiation (jvp, vjp, grad, ...) over jax_core primitives."""
__version__ = "0.1.0"
