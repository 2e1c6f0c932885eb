"""jax_pmap: pmap and SPMD execution over several devices."""
__version__ = "0.1.0"
