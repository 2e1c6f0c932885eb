"""jax_ad: automatic differentiation (jvp, vjp, grad, ...) over jax_core primitives.

Forward mode is a JVP trace; reverse mode is JVP + partial evaluation into a
linear jaxpr + transposition, so gradients of staged code (jit, control flow)
work and gradient computations can themselves be staged and compiled.
"""
__version__ = "0.1.0"

from jax_core.lax import stop_gradient

from jax_ad import rules as _rules  # registers every primitive's rules
from jax_ad.api import (
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    value_and_grad,
    vjp,
)
from jax_ad.checkpoint import checkpoint, checkpoint_name, checkpoint_policies, remat
from jax_ad.custom_derivatives import custom_jvp, custom_vjp
from jax_ad.jvp import JVPTrace, JVPTracer, jvp_rules
from jax_ad.nondiff import NON_DIFFERENTIABLE, LINEAR_PRIMITIVES
from jax_ad.test_util import check_grads, check_jvp, check_vjp
from jax_ad.transpose import transpose_rules
from jax_ad.zeros import Zero, float0

__all__ = [
    "jvp", "linearize", "vjp", "grad", "value_and_grad", "jacfwd", "jacrev", "jacobian", "hessian",
    "stop_gradient", "custom_jvp", "custom_vjp", "checkpoint", "remat", "checkpoint_name", "checkpoint_policies",
    "check_grads", "check_jvp", "check_vjp", "jvp_rules", "transpose_rules", "JVPTrace", "JVPTracer",
    "Zero", "float0", "NON_DIFFERENTIABLE", "LINEAR_PRIMITIVES",
]
from jax_ad import linalg_rules as _linalg_rules  # noqa: F401,E402  (linalg and fft JVP/transpose rules)
from jax_ad import collective_rules as _collective_rules  # noqa: F401,E402  (collectives and pmap: JVP/transpose rules)
