"""jax_xla: jit, StableHLO lowering and execution through jaxlib."""
__version__ = "0.1.0"
