"""``jax.test_util``: numerical derivative checks (from jax-ad)."""
from jax_ad.test_util import check_grads, check_jvp, check_vjp

__all__ = ["check_grads", "check_jvp", "check_vjp"]
