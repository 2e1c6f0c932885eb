"""jax: the unified API, re-exported from the layered jax-* packages.

Nothing is implemented here.  ``import jax`` wires the interpreter packages
together (importing jax-batching fills the core's vmap hook, importing
jax-xla connects device arrays and ``jit``) and exposes everything at JAX's
paths, so programs written for JAX run unchanged:

    import jax.numpy as np
    from jax import grad, jit, vmap
"""
from __future__ import annotations

import sys as _sys
from types import ModuleType as _ModuleType
from typing import Any as _Any

__version__ = "0.1.0"

import jax_core as _jax_core
import jax_ad as _jax_ad
import jax_batching as _jax_batching
import jax_xla as _jax_xla
import jax_numpy as _jax_numpy
import jax_pmap as _jax_pmap
from jax_core import dtypes, lax, random, tree_util
from jax_core.config import config as _config
from jax_core.config import disable_jit
from jax_core.core import (
    Array,
    ConcretizationTypeError,
    DeviceArray,
    ShapedArray,
    Tracer,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)
from jax_core.jaxpr import ShapeDtypeStruct, eval_shape, make_jaxpr
from jax_core.tree_util import tree_flatten, tree_leaves, tree_map, tree_structure, tree_unflatten
from jax_ad import (
    checkpoint,
    custom_jvp,
    custom_vjp,
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    remat,
    value_and_grad,
    vjp,
)
from jax_core.lax import stop_gradient  # noqa: F401  (JAX has it at jax.lax.stop_gradient too)
from jax_batching import vmap
from jax_xla import (
    block_until_ready,
    clear_caches,
    default_backend,
    device_count,
    device_get,
    device_put,
    device_put_replicated,
    devices,
    jit,
    local_device_count,
    local_devices,
    process_count,
    process_index,
)

from jax_numpy import nn  # noqa: E402

numpy = _jax_numpy


def _alias(name: str, module: _Any) -> None:
    """Make ``import jax.<name>`` (and ``from jax.<name> import ...``) resolve to ``module``."""
    _sys.modules[f"{__name__}.{name}"] = module


_alias("numpy", _jax_numpy)
_alias("lax", lax)
_alias("random", random)
_alias("tree_util", tree_util)
_alias("dtypes", dtypes)
_alias("nn", nn)
_alias("nn.initializers", nn.initializers)
for _sub in ("linalg", "fft"):
    if hasattr(_jax_numpy, _sub):
        _alias(f"numpy.{_sub}", getattr(_jax_numpy, _sub))
if hasattr(_jax_numpy, "scipy"):
    scipy = _jax_numpy.scipy
    _alias("scipy", scipy)
    for _sub in ("special", "stats", "linalg", "ndimage", "signal"):
        if hasattr(scipy, _sub):
            _alias(f"scipy.{_sub}", getattr(scipy, _sub))

# ``jax.config.update(...)`` and ``from jax.config import config`` both work:
# the module slot holds the Config object, which also answers ``.config``.
config = _config
object.__setattr__(_config, "config", _config)
_alias("config", _config)

from jax import experimental, example_libraries, ops, test_util  # noqa: E402

if hasattr(_jax_pmap, "pmap"):
    pmap = _jax_pmap.pmap
    distributed = _jax_pmap.distributed
    _alias("distributed", distributed)

__all__ = [
    "Array", "DeviceArray", "ShapedArray", "Tracer", "ShapeDtypeStruct",
    "ConcretizationTypeError", "TracerArrayConversionError", "TracerBoolConversionError",
    "TracerIntegerConversionError", "UnexpectedTracerError",
    "grad", "value_and_grad", "jvp", "vjp", "linearize", "jacfwd", "jacrev", "jacobian", "hessian",
    "custom_jvp", "custom_vjp", "checkpoint", "remat", "stop_gradient",
    "vmap", "jit", "pmap", "make_jaxpr", "eval_shape", "disable_jit",
    "device_put", "device_put_replicated", "device_get", "devices", "local_devices", "device_count",
    "local_device_count", "default_backend", "process_index", "process_count", "block_until_ready",
    "clear_caches", "tree_map", "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure",
    "numpy", "lax", "random", "nn", "scipy", "tree_util", "dtypes", "config", "ops", "test_util",
    "experimental", "example_libraries", "distributed",
]


def __getattr__(name: str) -> _Any:
    if name in ("pmap", "distributed"):
        raise NotImplementedError(f"jax.{name} is not available yet: jax-pmap does not provide it in this version")
    raise AttributeError(f"module 'jax' has no attribute {name!r}")
