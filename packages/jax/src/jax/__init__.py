"""jax: meta-package re-exporting the unified API of the jax-* packages."""
__version__ = "0.1.0"
