"""jax_batching: vmap and batching rules for jax_core primitives.

Importing this package fills jax-core's ``transform_hooks.vmap`` hook, so
that jax-ad's ``jacfwd``/``jacrev`` vectorize over basis vectors.
"""
__version__ = "0.1.0"

from jax_core import core as _core

from jax_batching.batching import (
    AxisData,
    BatchTrace,
    BatchTracer,
    axis_batching_rules,
    axis_env,
    batch_subtrace,
    batching_rules,
    has_rule,
    missing_rules,
    not_mapped,
    register_axis_rule,
    register_axis_rule_factory,
    register_rule,
    register_rule_factory,
)
from jax_batching import (  # noqa: F401  (each registers its rules)
    rules_elementwise,
    rules_structural,
    rules_indexing,
    rules_reductions,
    rules_contraction,
    rules_sorting,
    rules_linalg,
    rules_calls,
    rules_collectives,
)
from jax_batching.rules_calls import batch_jaxpr
from jax_batching.api import vmap

_core.transform_hooks.vmap = vmap

__all__ = [
    "vmap", "BatchTrace", "BatchTracer", "AxisData", "not_mapped", "batching_rules", "axis_batching_rules",
    "register_rule", "register_rule_factory", "register_axis_rule", "register_axis_rule_factory",
    "has_rule", "missing_rules", "batch_jaxpr", "batch_subtrace", "axis_env",
]
from jax_batching import rules_pmap as _rules_pmap  # noqa: F401,E402  (vmap of pmap: the xla_pmap rule)
