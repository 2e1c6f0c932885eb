"""jax_xla: jit, StableHLO lowering and execution through jaxlib.

Importing this package connects the core to XLA:

* ``core.device_hooks``: device buffers' host values, and eager primitives on
  device arrays (cached single-primitive executables);
* ``pjit_p``'s impl: an eagerly evaluated ``pjit`` equation compiles and runs;
* a lowering rule for every primitive of ``jax_core.lax``
  (:data:`lowering_rules`).
"""
__version__ = "0.1.0"

from jax_core import core as _core
from jax_core.core import Array as _Array
from jax_core.jaxpr import pjit_p as _pjit_p

from jax_xla import jaxlib_shim  # noqa: F401  (first: installs the glue on jaxlib's classes)
from jax_xla import rules as _rules  # noqa: F401  (registers every lowering rule)
from jax_xla import backends, dispatch, lowering, mlir
from jax_xla.api import Compiled, JitFunction, Lowered, Traced, jit
from jax_xla.backends import (
    default_backend,
    device_count,
    devices,
    get_backend,
    local_device_count,
    local_devices,
    process_count,
    process_index,
)
from jax_xla.device_array import (
    array_device as _array_device,
    array_devices as _array_devices,
    block_until_ready,
    device_get,
    device_put,
    device_put_replicated,
)
from jax_xla.dispatch import clear_caches
from jax_xla.jaxlib_shim import XlaRuntimeError
from jax_xla.lowering import lowering_rules, register_primitive as register_lowering

# --- hooks into the core --------------------------------------------------------
_core.device_hooks.to_host = dispatch.to_host
_core.device_hooks.execute_primitive = dispatch.execute_primitive
_core.device_hooks.default_device_put = dispatch.default_device_put
_pjit_p.def_impl(dispatch.pjit_impl)
dispatch._call_primitives.add(_pjit_p)

# jax.Array's placement methods, for device and host arrays alike
if not hasattr(_Array, "devices"):
    _Array.devices = _array_devices  # type: ignore[attr-defined]
    _Array.device = property(_array_device)  # type: ignore[attr-defined]

__all__ = [
    "jit", "JitFunction", "Traced", "Lowered", "Compiled",
    "device_put", "device_put_replicated", "device_get", "block_until_ready",
    "devices", "local_devices", "device_count", "local_device_count", "default_backend",
    "get_backend", "process_index", "process_count",
    "lowering_rules", "register_lowering", "clear_caches", "XlaRuntimeError",
    "backends", "dispatch", "lowering", "mlir",
]
from jax_xla import linalg_lowering as _linalg_lowering  # noqa: F401,E402  (linalg and fft lowering rules)
