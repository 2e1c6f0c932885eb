"""The one door to jaxlib's private surface.

Everything jax-xla needs from ``jaxlib`` (PjRt clients, compile options,
device buffers, executables) is reached through this module, so a change of
jaxlib's internals is fixed in one place.  The supported range is pinned in
jax-xla's pyproject (``jaxlib>=0.10.2,<0.11``).

jaxlib's C++ array and sharding classes expect a few Python-side methods
that JAX normally attaches; :func:`_install_glue` adds the minimal set this
project relies on (documented where they are added).
"""
from __future__ import annotations

import glob
import importlib.util
import os
import sys
from typing import Any, Callable, Sequence

import numpy as np

# XLA logs INFO lines (device counts...) to stderr unless told otherwise; like JAX,
# show warnings and errors only, unless the user chose a level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

try:
    import jaxlib
    from jaxlib import xla_client as _xc
except ImportError as err:  # pragma: no cover - exercised only without jaxlib
    raise ImportError(
        "jax_xla needs jaxlib (pip install 'jaxlib>=0.10.2,<0.11'); "
        f"importing it failed: {err}") from err

jaxlib_version: str = getattr(jaxlib, "__version__", "unknown")

Client = _xc.Client
Device = _xc.Device
LoadedExecutable = _xc.LoadedExecutable
DeviceArray = _xc.ArrayImpl          # jaxlib's device buffer type (one per device here)
XlaRuntimeError: type[Exception] = getattr(_xc, "XlaRuntimeError", RuntimeError)

_ZERO_COPY = _xc.HostBufferSemantics.ZERO_COPY


# --------------------------------------------------------------------------
# Glue on jaxlib's classes

_replicated = _xc.HloSharding.replicate()


def _install_glue() -> None:
    # jaxlib's ArrayImpl keeps the aval object we hand it (our ShapedArray)
    # but has no shape/dtype of its own; core.Array reads them from its buffer.
    A = _xc.ArrayImpl
    if not hasattr(A, "shape"):
        A.shape = property(lambda self: self.aval.shape)  # type: ignore[attr-defined]
        A.dtype = property(lambda self: self.aval.dtype)  # type: ignore[attr-defined]
        A.ndim = property(lambda self: len(self.aval.shape))  # type: ignore[attr-defined]

    # batched_device_put and ArrayImpl ask the sharding these questions.
    S = _xc.SingleDeviceSharding
    if not hasattr(S, "_to_xla_hlo_sharding"):
        S._to_xla_hlo_sharding = lambda self, num_dimensions: _replicated  # type: ignore[attr-defined]
        S._device_assignment = property(lambda self: (self._device,))  # type: ignore[attr-defined]
        S.device_set = property(lambda self: {self._device})  # type: ignore[attr-defined]
        S.num_devices = property(lambda self: 1)  # type: ignore[attr-defined]
        S.is_fully_replicated = property(lambda self: True)  # type: ignore[attr-defined]
        S.is_fully_addressable = property(lambda self: True)  # type: ignore[attr-defined]
        S.memory_kind = property(lambda self: self._memory_kind)  # type: ignore[attr-defined]
        S._internal_device_list = property(  # type: ignore[attr-defined]
            lambda self: _xc.DeviceList((self._device,)))
        S.devices_indices_map = (  # type: ignore[attr-defined]
            lambda self, shape: {self._device: (slice(None),) * len(shape)})


_install_glue()


def _skip_jax_sharding_lookup() -> None:
    """Splitting a multi-device array into per-device ones (pmap's results), jaxlib
    imports JAX's ``jax._src.sharding_impls`` and falls back to its own classes
    when that fails.  Without the real JAX, the failing import is a search of
    sys.path each time -- or an import of this project's ``jax`` meta-package.
    Mark those modules as absent so the fallback is immediate (only when the
    ``jax`` on the path is not the real one, which has a ``_src`` package)."""
    try:
        spec = importlib.util.find_spec("jax")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin and os.path.isdir(os.path.join(os.path.dirname(spec.origin), "_src")):
        return
    for name in ("jax._src", "jax._src.sharding_impls", "jax._src.named_sharding"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


_skip_jax_sharding_lookup()


# --------------------------------------------------------------------------
# Clients


def make_cpu_client(num_devices: int, **distributed: Any) -> Any:
    # ``distributed``: distributed_client / node_id / num_nodes / collectives, set by
    # jax-pmap's distributed.initialize (see "Distributed runtime" below)
    return _xc.make_cpu_client(asynchronous=True, num_devices=num_devices, **distributed)


def _plugin_libraries() -> dict[str, str]:
    """GPU (or other) PJRT plugins: platform name -> shared library path.

    Found from ``PJRT_NAMES_AND_LIBRARY_PATHS`` ("name:path,name:path") and
    from the ``jax_plugins`` namespace packages that jaxlib's GPU plugin
    wheels install (``jax_plugins/xla_cuda12/xla_cuda_plugin.so``...).
    """
    found: dict[str, str] = {}
    spec_env = os.environ.get("PJRT_NAMES_AND_LIBRARY_PATHS", "")
    for item in filter(None, (s.strip() for s in spec_env.split(","))):
        name, _, path = item.partition(":")
        if name and path:
            found[name] = path
    try:
        spec = importlib.util.find_spec("jax_plugins")
    except (ImportError, ValueError):
        spec = None
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    for root in roots:
        for lib in sorted(glob.glob(os.path.join(root, "*", "xla_*_plugin.so"))):
            base = os.path.basename(lib)                     # xla_cuda_plugin.so
            platform = base[len("xla_"):-len("_plugin.so")]  # cuda / rocm
            found.setdefault(platform, lib)
    return found


def available_plugins() -> list[str]:
    return sorted(_plugin_libraries())


def make_plugin_client(platform: str) -> Any:
    """A PjRt client for a dynamically loaded plugin (CUDA, ROCm...)."""
    libs = _plugin_libraries()
    if platform not in libs:
        raise RuntimeError(f"no PJRT plugin found for platform {platform!r}")
    if not _xc.pjrt_plugin_loaded(platform):
        _xc.load_pjrt_plugin_dynamically(platform, libs[platform])
    if not _xc.pjrt_plugin_initialized(platform):
        _xc.initialize_pjrt_plugin(platform)
    options: dict[str, Any] = {}
    if platform in ("cuda", "rocm"):
        options = {"platform_name": platform, "allocator": "default", "preallocate": False}
    return _xc.make_c_api_client(platform, options, None)


# --------------------------------------------------------------------------
# Distributed runtime (several processes; used by jax-pmap's distributed.initialize)
#
# Process 0 runs the coordination service; every process connects a client
# to it (which also heartbeats: when a process dies, the others are
# terminated with a "tasks are unhealthy" error after ``heartbeat_timeout``
# seconds) and passes it, with gloo TCP collectives for cross-process
# all-reduce & co., to its CPU client.


def distributed_service(address: str, num_processes: int, heartbeat_timeout: int, shutdown_timeout: int) -> Any:
    return _xc._xla.get_distributed_runtime_service(address, num_processes, heartbeat_timeout=heartbeat_timeout,
                                                    shutdown_timeout=shutdown_timeout)


def distributed_client(address: str, process_id: int, init_timeout: int, heartbeat_timeout: int,
                       shutdown_timeout: int) -> Any:
    return _xc._xla.get_distributed_runtime_client(address, process_id, init_timeout=init_timeout,
                                                   heartbeat_timeout=heartbeat_timeout,
                                                   shutdown_timeout=shutdown_timeout, use_compression=True)


def cpu_collectives(client: Any, hostname: str | None = None) -> Any:
    """Gloo TCP collectives for the CPU client (``hostname``: the address to bind to)."""
    return _xc._xla.make_gloo_tcp_collectives(distributed_client=client, hostname=hostname)


# --------------------------------------------------------------------------
# Compilation


def compile_module(client: Any, module_text: str, devices: Sequence[Any], num_replicas: int = 1,
            num_partitions: int = 1) -> Any:
    """Compile a StableHLO module (text) for ``devices`` (one per replica)."""
    options = _xc.CompileOptions()
    options.num_replicas = num_replicas
    options.num_partitions = num_partitions
    # replica r, partition p runs on devices[r * num_partitions + p]
    ids = np.array([d.id for d in devices], dtype=np.int64).reshape(num_replicas, num_partitions)
    options.device_assignment = _xc.DeviceAssignment.create(ids)
    return client.compile_and_load(module_text, _xc.DeviceList(tuple(devices)), options)


# --------------------------------------------------------------------------
# LAPACK (the CPU linear-algebra kernels jaxlib ships as XLA FFI handlers)

_lapack_ready = False


def lapack_target(fn_base: str, dtype: Any) -> str:
    """Register jaxlib's LAPACK FFI targets (once) and name the one for ``dtype``.

    Must run after the CPU client exists (creating it installs the CPU
    custom-call handler that registration goes through).
    """
    global _lapack_ready
    from jaxlib import lapack

    if not _lapack_ready:
        lapack._lapack.initialize()
        for name, fn, api_version in lapack.registrations()["cpu"]:
            _xc.register_custom_call_target(name, fn, platform="cpu", api_version=api_version)
        _lapack_ready = True
    prefix = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}[np.dtype(dtype).name]
    return f"lapack_{prefix}{fn_base}"


# --------------------------------------------------------------------------
# Buffers

_shardings: dict[Any, Any] = {}


def sharding_for(device: Any) -> Any:
    s = _shardings.get(device)
    if s is None:
        s = _shardings[device] = _xc.SingleDeviceSharding(device)
    return s


def device_put(value: np.ndarray, aval: Any, device: Any) -> Any:
    """A device buffer holding ``value`` (a NumPy array already of aval's dtype).

    On CPU the buffer aliases ``value`` when its alignment allows (zero copy).
    """
    return _xc.batched_device_put(aval, sharding_for(device), [value], [device], True, False,
                                  _ZERO_COPY, enable_x64=True)


def result_handler(aval: Any, device: Any) -> Any:
    """Turns one raw output of an executable into a buffer that keeps ``aval``."""
    return _xc.array_result_handler(aval, sharding_for(device), True, True)


def execute(executable: Any, buffers: Sequence[Any], handlers: Sequence[Any]) -> list:
    return executable.execute_sharded(buffers).consume_with_handlers(handlers)  # type: ignore[no-any-return]


def execute_replicated(executable: Any, buffers_per_arg: Sequence[Any]) -> list[list[Any]]:
    """Run a replicated executable; ``buffers_per_arg[i]`` is a multi-device array.

    Returns, per output, the list of per-device buffers.
    """
    res = executable.execute_sharded(buffers_per_arg)
    return res.disassemble_into_single_device_arrays()  # type: ignore[no-any-return]


_replicated_shardings: dict[tuple, Any] = {}


def replicated_sharding(devices: Sequence[Any]) -> Any:
    """The sharding a replicated (num_replicas > 1) program's arguments and results claim."""
    key = tuple(devices)
    s = _replicated_shardings.get(key)
    if s is None:
        s = _replicated_shardings[key] = _xc.GSPMDSharding(list(devices), _replicated)
    return s


def assemble(aval: Any, devices: Sequence[Any], buffers: Sequence[Any]) -> Any:
    """One argument of a replicated executable from one buffer per device (for pmap).

    ``aval`` is the per-replica value's; the array claims to be replicated,
    which is how a replicated (num_replicas > 1) program sees each argument,
    although every replica's buffer may hold different data.
    """
    return _xc.ArrayImpl(aval, replicated_sharding(devices), list(buffers), True, True)


# -- the same, in one call each way (jax-pmap's hot path) --
# (splitting a multi-device array into per-device ones, ``replica_buffers``,
# costs more: jaxlib looks for JAX's Python sharding classes each time)


def device_put_replicas(aval: Any, devices: Sequence[Any], values: Sequence[np.ndarray],
                        local_devices: Sequence[Any]) -> Any:
    """A replicated program's argument, ``values[i]`` (of ``aval``'s dtype) on ``local_devices[i]``."""
    # (one batched_device_put with the replicated sharding would keep values[0] only)
    bufs = [_xc.batched_device_put(aval, sharding_for(d), [v], [d], True, False, _ZERO_COPY, enable_x64=True)
            for v, d in zip(values, local_devices)]
    return _xc.ArrayImpl(aval, replicated_sharding(devices), bufs, True, True)


def replicated_result_handler(aval: Any, devices: Sequence[Any]) -> Any:
    return _xc.array_result_handler(aval, replicated_sharding(devices), True, True)


def execute_replicated_arrays(executable: Any, arrays: Sequence[Any], handlers: Sequence[Any]) -> list:
    """Run a replicated executable; each result is one multi-device array (see ``replica_buffers``)."""
    return executable.execute_sharded(arrays).consume_with_handlers(handlers)  # type: ignore[no-any-return]


def replica_buffers(array: Any) -> list:
    """The per-device buffers of a multi-device array, in device order (this process's only)."""
    return list(array._arrays)


def single_device_buffer(buf: Any, aval: Any, device: Any) -> Any:
    """A per-device piece of a replicated result, carrying ``aval`` like our other buffers."""
    return buf._rewrap_with_aval_and_sharding(aval, sharding_for(device))


def to_numpy(buf: Any) -> np.ndarray:
    """Host value of a buffer: a read-only view on CPU (no copy), else a copy."""
    value, _ = buf._single_device_array_to_np_array_did_copy()
    return value  # type: ignore[no-any-return]


def buffer_device(buf: Any) -> Any:
    return buf._sharding._device


def block_until_ready(bufs: Sequence[Any]) -> None:
    for b in bufs:
        b.block_until_ready()


def is_device_buffer(x: Any) -> bool:
    return isinstance(x, _xc.ArrayImpl)


def copy_to_device(buf: Any, aval: Any, device: Any) -> Any:
    """Move a buffer to another device (through the host; simple and always legal)."""
    return device_put(np.ascontiguousarray(to_numpy(buf)), aval, device)


# --------------------------------------------------------------------------
# MLIR (only for pretty-printing modules in ``Lowered.as_text``)


def pretty_print_module(text: str) -> str:
    """Re-print a module in MLIR's custom syntax (the form JAX shows)."""
    from jaxlib.mlir import ir
    from jaxlib.mlir._mlir_libs import _jax_mlir_ext
    from jaxlib.mlir.dialects import chlo, stablehlo

    with ir.Context() as ctx:
        registry = ir.DialectRegistry()
        _jax_mlir_ext.register_dialects(registry)   # func and the other upstream dialects
        ctx.append_dialect_registry(registry)
        ctx.load_all_available_dialects()
        stablehlo.register_dialect(ctx)
        chlo.register_dialect(ctx)
        module = ir.Module.parse(text)
        return str(module.operation.get_asm(enable_debug_info=False))


def hlo_text(executable: Any) -> str:
    return "\n".join(m.to_string() for m in executable.hlo_modules())


