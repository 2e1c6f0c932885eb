"""Compiling lowered modules and running them on device buffers.

Three caches, from the hottest down:

* each ``jit`` function maps argument signatures to an :class:`Executable`
  (in :mod:`jax_xla.api`);
* eager primitives on device arrays and eager ``pjit`` equations (from
  grad/vmap of jitted functions) map their key to an :class:`Executable`;
* every compilation goes through :func:`compile_text`, keyed by the module
  text and device, so a jaxpr that was re-traced to the same program (e.g.
  ``grad(jit(f))`` called twice) is not compiled by XLA again.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.config import config
from jax_core.core import Array, Primitive, ShapedArray, Tracer, check_tracer_valid, get_aval
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, JaxprEqn, Var, eval_jaxpr
from jax_xla import backends
from jax_xla import jaxlib_shim as shim
from jax_xla.lowering import LoweredModule, lower_closed_jaxpr

_from_device = Array._from_device


class _LRU:
    """A small bounded mapping (oldest entries dropped first)."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.data: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        return self.data.get(key)

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.maxsize:
                self.data.popitem(last=False)

    def clear(self) -> None:
        self.data.clear()

    def __len__(self) -> int:
        return len(self.data)


_compiled_by_text = _LRU(512)
_trace_context = config.trace_context
compile_count = 0          # number of XLA compilations (tests read it)


def compile_text(text: str, device: Any, num_replicas: int = 1, devices: Sequence[Any] | None = None) -> Any:
    """XLA-compile a module's text for ``device`` (or replicated over ``devices``)."""
    global compile_count
    devs = tuple(devices) if devices is not None else (device,)
    key = (text, devs, num_replicas)
    exe = _compiled_by_text.get(key)
    if exe is None:
        client = devs[0].client
        compile_count += 1
        exe = shim.compile_module(client, text, devs, num_replicas=num_replicas)
        _compiled_by_text.put(key, exe)
    return exe


# --------------------------------------------------------------------------
# Arguments -> buffers


# XLA's CPU client aliases host memory only when it is 64-byte aligned
_ALIGN = 64
_ALIGN_MIN_BYTES = 1 << 16


def aligned_copy(v: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``v`` whose data is 64-byte aligned."""
    raw = np.empty(v.nbytes + _ALIGN, np.uint8)
    off = (-raw.ctypes.data) % _ALIGN
    out = raw[off:off + v.nbytes].view(v.dtype).reshape(v.shape)
    np.copyto(out, v)
    out.flags.writeable = False
    return out


def to_buffer(x: Any, aval: ShapedArray, device: Any) -> Any:
    """A device buffer for one argument (host values are put without a copy where possible)."""
    if type(x) is Array:
        buf = x._device_buf
        if buf is not None:
            if shim.buffer_device(buf) == device:
                return buf
            return shim.copy_to_device(buf, aval, device)
        v = x._npy
        if v is not None and v.nbytes >= _ALIGN_MIN_BYTES and (
                v.ctypes.data % _ALIGN or not v.flags.c_contiguous) and v.dtype == aval.dtype:
            # Arrays are immutable: swap in an aligned copy of the same values
            # once, so this and later transfers of it alias instead of copying
            v = x._npy = aligned_copy(v)
    elif isinstance(x, Tracer):
        check_tracer_valid(x)
        raise TypeError(f"the tracer {x._short_repr()} cannot be passed to a compiled computation")
    else:
        v = x
    if not isinstance(v, np.ndarray) or v.dtype != aval.dtype:
        v = np.asarray(v, dtype=aval.dtype)
    return shim.device_put(v, aval, device)


def device_of_args(args: Sequence[Any]) -> Any | None:
    """The device the first device-resident argument lives on, if any."""
    for x in args:
        if type(x) is Array and x._device_buf is not None:
            return shim.buffer_device(x._device_buf)
    return None


# --------------------------------------------------------------------------
# Executables


class Executable:
    """A compiled module for one device, with its hoisted constants put there."""

    __slots__ = ("name", "lowered", "exe", "device", "in_avals", "out_avals", "out_weak", "handlers",
                 "const_bufs", "single_device", "__weakref__")

    def __init__(self, name: str, lowered: LoweredModule, device: Any):
        self.name = name
        self.lowered = lowered
        self.device = device
        self.exe = compile_text(lowered.text, device)
        self.in_avals = lowered.in_avals
        self.out_avals = lowered.out_avals
        self.out_weak = [a.weak_type for a in lowered.out_avals]
        self.handlers = [shim.result_handler(a, device) for a in lowered.out_avals]
        self.const_bufs = [to_buffer(c, ShapedArray(np.shape(c), _const_dtype(c)), device)
                           for c in lowered.const_args]
        # one device in one backend: every device buffer is already where it must be
        self.single_device = backends.single_device()

    def buffers(self, args: Sequence[Any]) -> list:
        bufs = list(self.const_bufs)
        dev = self.device
        single = self.single_device
        for x, aval in zip(args, self.in_avals):
            if type(x) is Array:
                b = x._device_buf
                if b is not None and (single or shim.buffer_device(b) == dev):
                    bufs.append(b)
                    continue
            bufs.append(to_buffer(x, aval, dev))
        return bufs

    def run(self, args: Sequence[Any]) -> list[Array]:
        if len(args) != len(self.in_avals):
            raise TypeError(f"{self.name}: expected {len(self.in_avals)} arguments, got {len(args)}")
        outs = self.exe.execute_sharded(self.buffers(args)).consume_with_handlers(self.handlers)
        result = [_from_device(o, w) for o, w in zip(outs, self.out_weak)]
        if config.jax_debug_nans:
            check_nans(self.name, result)
        return result

    def as_hlo_text(self) -> str:
        return shim.hlo_text(self.exe)


def check_nans(name: str, outs: Sequence[Array]) -> None:
    """``jax_debug_nans``: raise if a floating-point output holds a NaN."""
    for i, o in enumerate(outs):
        v = o._value
        if v.dtype.kind in "fc" and np.isnan(v).any():
            raise FloatingPointError(f"invalid value (nan) encountered in {name} (output {i}); "
                                     "jax_debug_nans is on")


def _const_dtype(c: Any) -> np.dtype:
    if type(c) is Array:
        return c.dtype
    return dtypes.canonicalize_dtype(np.asarray(c).dtype)


def executable_for(name: str, closed: ClosedJaxpr, device: Any) -> Executable:
    lowered = lower_closed_jaxpr(f"jit_{name}", closed, platform=backends.device_platform(device))
    return Executable(name, lowered, device)


# --------------------------------------------------------------------------
# Eager primitives on device arrays


_prim_cache = _LRU(4096)


def _params_key(params: dict) -> Any:
    try:
        key = tuple(sorted(params.items()))
        hash(key)
        return key
    except TypeError:
        return None


def _single_eqn_jaxpr(prim: Primitive, avals: Sequence[ShapedArray], params: dict) -> ClosedJaxpr:
    out = prim.abstract_eval(*avals, **params)  # type: ignore[misc]
    out_avals = list(out) if prim.multiple_results else [out]
    invars = [Var(a) for a in avals]
    outvars = [Var(a) for a in out_avals]
    return ClosedJaxpr(Jaxpr([], invars, outvars, [JaxprEqn(prim, invars, params, outvars)]), [])


def _scalar_sig(v: Any) -> Any:
    aval = get_aval(v)
    return (aval.shape, aval.dtype, aval.weak_type)


def execute_primitive(prim: Primitive, vals: Sequence[Any], params: dict) -> Any:
    """The core's hook: run one primitive whose operands include device arrays."""
    if prim in _call_primitives:
        return pjit_impl(*vals, **params)
    sig = []
    device = None
    for v in vals:
        if type(v) is Array:
            b = v._device_buf
            if b is not None:
                a = b.aval
                if device is None:
                    device = shim.buffer_device(b)
            else:
                a = v._npy
            sig.append((a.shape, a.dtype, v.weak_type))
        else:
            sig.append(_scalar_sig(v))
    if device is None:
        device = backends.default_device()
    pkey = _params_key(params)
    key = (prim, tuple(sig), pkey, device, _trace_context()) if pkey is not None else None
    exe = _prim_cache.get(key) if key is not None else None
    if exe is None:
        avals = [ShapedArray(s, d, w) for s, d, w in sig]
        closed = _single_eqn_jaxpr(prim, avals, params)
        exe = executable_for(prim.name, closed, device)
        if key is not None:
            _prim_cache.put(key, exe)
    outs = exe.run(vals)
    return outs if prim.multiple_results else outs[0]


# --------------------------------------------------------------------------
# pjit equations evaluated eagerly (e.g. after grad or vmap rewrote a jitted function)

_pjit_cache = _LRU(1024)


def _target_device(args: Sequence[Any], device: Any = None, backend: Any = None) -> Any:
    if device is not None:
        return device
    if backend is not None:
        return backends.get_backend(backend).local_devices()[0]
    return device_of_args(args) or backends.default_device()


def pjit_impl(*args: Any, jaxpr: ClosedJaxpr, name: str = "jit", device: Any = None, backend: Any = None,
              **_: Any) -> list[Array]:
    if config.jax_disable_jit:
        return eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)
    dev = _target_device(args, device, backend)
    key = (jaxpr, dev, config.trace_context())
    exe = _pjit_cache.get(key)
    if exe is None:
        exe = executable_for(name, jaxpr, dev)
        _pjit_cache.put(key, exe)
    return exe.run(args)


def _call_impl(*args: Any, jaxpr: ClosedJaxpr, **params: Any) -> list[Array]:
    return pjit_impl(*args, jaxpr=jaxpr, name=str(params.get("name", "call")))


_call_primitives: set[Primitive] = set()


# --------------------------------------------------------------------------
# Replicated programs (jax-pmap builds on these)


class ReplicatedExecutable:
    """A module compiled with one replica per device of ``devices``.

    ``run`` takes, per argument, one value per device (host or device
    arrays) and returns, per output, one device Array per device.
    """

    def __init__(self, name: str, lowered: LoweredModule, devices: Sequence[Any]):
        self.name = name
        self.lowered = lowered
        self.devices = list(devices)
        n = len(self.devices)
        self.exe = compile_text(lowered.text, None, num_replicas=n, devices=self.devices)
        self.in_avals = lowered.in_avals
        self.out_avals = lowered.out_avals
        self.const_args = [[to_buffer(c, ShapedArray(np.shape(c), _const_dtype(c)), d) for d in self.devices]
                           for c in lowered.const_args]
        self.const_avals = [ShapedArray(np.shape(c), _const_dtype(c)) for c in lowered.const_args]

    def run(self, per_device_args: Sequence[Sequence[Any]]) -> list[list[Array]]:
        devs = self.devices
        if len(per_device_args) != len(self.in_avals):
            raise TypeError(f"{self.name}: expected {len(self.in_avals)} arguments, got {len(per_device_args)}")
        arrays = []
        for bufs, aval in zip(self.const_args, self.const_avals):
            arrays.append(shim.assemble(aval, devs, bufs))
        for vals, aval in zip(per_device_args, self.in_avals):
            if len(vals) != len(devs):
                raise ValueError(f"{self.name}: an argument has {len(vals)} per-device values for "
                                 f"{len(devs)} devices")
            bufs = [to_buffer(v, aval, d) for v, d in zip(vals, devs)]
            arrays.append(shim.assemble(aval, devs, bufs))
        outs = shim.execute_replicated(self.exe, arrays)
        return [[_from_device(shim.single_device_buffer(b, aval, d), aval.weak_type) for b, d in zip(per_dev, devs)]
                for per_dev, aval in zip(outs, self.out_avals)]


def replicated_executable(name: str, closed: ClosedJaxpr, devices: Sequence[Any], axis_env: Any = None
                          ) -> ReplicatedExecutable:
    """Lower ``closed`` for ``len(devices)`` replicas (collectives see ``axis_env``) and compile it."""
    lowered = lower_closed_jaxpr(f"pmap_{name}", closed, num_replicas=len(devices), axis_env=axis_env,
                                 platform=backends.device_platform(devices[0]))
    return ReplicatedExecutable(name, lowered, devices)


# --------------------------------------------------------------------------
# Host <-> device


def to_host(buf: Any) -> np.ndarray:
    return shim.to_numpy(buf)


def default_device_put(value: np.ndarray, weak_type: bool) -> Array | None:
    """Where new arrays go: on an accelerator default backend, a device Array;
    on the CPU backend None (host NumPy buffers serve eager work there)."""
    if backends.is_cpu_default():
        return None
    aval = ShapedArray(value.shape, value.dtype, weak_type)
    return _from_device(shim.device_put(value, aval, backends.default_device()), weak_type)


def clear_caches() -> None:
    _compiled_by_text.clear()
    _prim_cache.clear()
    _pjit_cache.clear()
