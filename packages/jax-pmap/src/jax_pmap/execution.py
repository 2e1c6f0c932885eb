"""Compiling a pmap's jaxpr once for all its devices, and running it.

``xla_pmap``'s implementation: the per-device jaxpr is lowered into one
module with ``num_replicas`` = mapped size x (replicas its nested pmaps
need), compiled for that many devices, and run with one buffer per device
and argument.  Replica ``r`` runs on ``devices[r]`` and holds element
``r // inner`` of the mapped axis.

Across processes (after :func:`jax_pmap.distributed.initialize`) the same
program spans every process's devices: each process passes the slice of the
mapped axis that its own devices hold (``axis_size`` = local devices used)
and gets back its own shards; collectives see ``global_axis_size``.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Sequence

import numpy as np

from jax_core.config import config
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr
from jax_core.lax.parallel import mapped_aval, unmapped_aval
from jax_xla import backends, dispatch
from jax_xla import jaxlib_shim as shim
from jax_xla.lowering import lower_closed_jaxpr

from jax_pmap.lowering import AxisEnv, jaxpr_replicas
from jax_pmap.sharded import ShardedBuffer, sharded_array

_from_device = Array._from_device


def _on_whole_arrays(closed: ClosedJaxpr, axis_name: Any, in_axes: Sequence[Any], out_axes: Sequence[Any]
                     ) -> ClosedJaxpr:
    """A one-device pmap as a function of the whole arrays (mapped axes of size 1)."""
    from jax_core import core, lax

    def whole(*xs: Any) -> list:
        ins = [x if ax is None else lax.squeeze(x, (ax,)) for x, ax in zip(xs, in_axes)]
        outs = eval_jaxpr(closed.jaxpr, closed.consts, *ins)
        return [o if ax is None else lax.expand_dims(o, (ax,)) for o, ax in zip(outs, out_axes)]

    avals = [mapped_aval(a, 1, ax) for a, ax in zip(closed.in_avals, in_axes)]
    if axis_name is None:
        return trace_to_jaxpr(whole, avals, name="pmap")
    with core.extend_axis_env(axis_name, 1, "pmap"):
        return trace_to_jaxpr(whole, avals, name="pmap")


def _device_count_hint() -> str:
    return ("(On CPU, more devices come from JAX_NUM_CPU_DEVICES / the jax_num_cpu_devices flag, or "
            "XLA_FLAGS=--xla_force_host_platform_device_count=N, set before the backend starts.)")


def replica_devices(nreps: int, local_size: int, global_size: int, devices: Sequence[Any] | None,
                    backend: Any) -> list[Any]:
    """The device of each replica, in replica order."""
    if devices is not None:
        devs = list(devices)
        if len(devs) != nreps:
            if nreps != global_size:
                raise ValueError("Nested pmap with explicit devices argument: the outer pmap's devices "
                                 f"must number {nreps} (one per replica), got {len(devs)}.")
            raise ValueError("Leading axis size of input to pmapped function must equal the number of local "
                             f"devices passed to pmap. Got axis_size={local_size}, "
                             f"num_local_devices={len(devs)}.")
        return devs
    all_devs = backends.devices(backend)
    nprocs = 1 + max(d.process_index for d in all_devs)
    if nprocs == 1:
        if nreps > len(all_devs):
            raise ValueError(
                f"compiling computation that requires {nreps} logical devices, but only {len(all_devs)} XLA "
                f"devices are available (num_replicas={nreps}): pmap runs one replica per device, and this "
                f"pmap maps an axis of size {global_size}"
                + (f" with nested pmaps needing {nreps // global_size} devices each" if nreps != global_size
                   else "")
                + ". " + _device_count_hint())
        return all_devs[:nreps]
    # several processes: each contributes the same number of its own devices
    per_proc = nreps // nprocs
    if per_proc * nprocs != nreps:
        raise ValueError(f"a pmap over {nprocs} processes needs a replica count divisible by the process "
                         f"count; got {nreps}")
    out: list[Any] = []
    for p in range(nprocs):
        mine = [d for d in all_devs if d.process_index == p]
        if per_proc > len(mine):
            raise ValueError(f"compiling computation that requires {per_proc} logical devices per process, but "
                             f"process {p} has only {len(mine)} (num_replicas={nreps}). " + _device_count_hint())
        out.extend(mine[:per_proc])
    return out


class PmapExecutable:
    """A pmap's jaxpr compiled for its replicas, with the argument and result plumbing."""

    def __init__(self, name: str, closed: ClosedJaxpr, *, axis_name: Any, axis_size: int, global_axis_size: int,
                 in_axes: Sequence[Any], out_axes: Sequence[Any], devices: Any = None, backend: Any = None):
        self.name = name
        self.axis_size = int(axis_size)
        self.inner = jaxpr_replicas(closed.jaxpr)
        self.nreps = int(global_axis_size) * self.inner
        self.devices = replica_devices(self.nreps, self.axis_size, int(global_axis_size), devices, backend)
        me = backends.process_index(backend) if devices is None else self.devices[0].client.process_index()
        self.local = [r for r, d in enumerate(self.devices) if d.process_index == me]
        if not self.local:
            raise ValueError(f"pmap {name}: none of its devices belongs to this process")
        self.local_devices = [self.devices[r] for r in self.local]
        first = self.local[0] // self.inner
        self.shard_of = [r // self.inner - first for r in self.local]
        if sorted(set(self.shard_of)) != list(range(self.axis_size)):
            raise ValueError(f"pmap {name}: this process's devices hold elements {sorted(set(self.shard_of))} of "
                             f"the mapped axis, but its arguments have {self.axis_size}")
        self.keep = [k for k, r in enumerate(self.local) if r % self.inner == 0]  # one replica per element
        self.devices_key = tuple(self.devices)
        self.in_axes = tuple(in_axes)
        self.out_axes = tuple(out_axes)
        env = AxisEnv(self.nreps, (axis_name,), (int(global_axis_size),))
        platform = backends.device_platform(self.devices[0])
        self.single: dispatch.Executable | None = None
        if self.nreps == 1:
            # one device: a plain single-device program on the whole (size-1) mapped arrays
            closed = _on_whole_arrays(closed, axis_name, self.in_axes, self.out_axes)
        self.lowered = lower_closed_jaxpr(f"pmap_{name}", closed, num_replicas=self.nreps, axis_env=env,
                                          platform=platform)
        self.in_avals = self.lowered.in_avals
        self.out_avals = self.lowered.out_avals
        if self.nreps == 1:
            self.single = dispatch.Executable(name, self.lowered, self.devices[0])
            return
        self.exe = dispatch.compile_text(self.lowered.text, None, num_replicas=self.nreps, devices=self.devices)
        self.out_global = [mapped_aval(a, self.axis_size, ax) for a, ax in zip(self.out_avals, self.out_axes)]
        self.handlers = [shim.replicated_result_handler(a, self.devices) for a in self.out_avals]
        self.const_arrays = []
        for c in self.lowered.const_args:
            v = c._value if type(c) is Array else np.asarray(c)
            aval = ShapedArray(v.shape, v.dtype)
            self.const_arrays.append(shim.device_put_replicas(aval, self.devices, [v] * len(self.local_devices),
                                                              self.local_devices))

    # -- arguments ------------------------------------------------------------------

    def _check(self, i: int, x: Any, aval: ShapedArray, ax: Any) -> None:
        try:
            got = get_aval(x)
        except TypeError:
            raise TypeError(f"pmap {self.name}: argument {i} is {x!r} of type {type(x).__name__}, which is "
                            "not a valid JAX type") from None
        if ax is not None and (got.ndim <= ax or got.shape[ax] != self.axis_size):
            raise ValueError(f"pmap {self.name}: argument {i} of type {got.str_short()} should be mapped along "
                             f"axis {ax} with size {self.axis_size}")
        per = unmapped_aval(got, ax)
        if per.shape != aval.shape:
            raise TypeError(f"pmap {self.name}: argument {i} of type {got.str_short()} does not match the "
                            f"compiled per-device type {aval.str_short()} (in_axes {ax})")

    def _arg(self, i: int, x: Any, aval: ShapedArray, ax: Any) -> Any:
        if isinstance(x, Tracer):
            raise TypeError(f"pmap {self.name}: the tracer {x._short_repr()} reached a compiled pmap; it "
                            "escaped its transformation")
        devs = self.local_devices
        if type(x) is Array:
            buf = x._device_buf
            if type(buf) is ShardedBuffer and ax is not None and buf.axis == ax and \
                    buf.shard_aval.shape == aval.shape and buf.shard_aval.dtype == aval.dtype:
                if buf.whole is not None and buf.whole_devices == self.devices_key and buf.inner == self.inner:
                    return buf.whole    # the replicas' buffers, already where they must be
                if self.inner == 1 and buf.devices == devs:
                    return shim.assemble(aval, self.devices, buf.shards)
            elif buf is not None and ax is None:
                self._check(i, x, aval, ax)
                return shim.assemble(aval, self.devices, [dispatch.to_buffer(x, aval, d) for d in devs])
        self._check(i, x, aval, ax)
        v = x._value if type(x) is Array else np.asarray(x)
        if v.dtype != aval.dtype:
            v = v.astype(aval.dtype)
        if ax is None:
            values = [v] * len(devs)
        else:
            lead = (slice(None),) * ax
            values = [np.ascontiguousarray(v[lead + (s,)]) for s in self.shard_of]
        return shim.device_put_replicas(aval, self.devices, values, devs)

    # -- running ----------------------------------------------------------------------

    def run(self, args: Sequence[Any]) -> list[Array]:
        if self.single is not None:
            return self.single.run(args)
        if len(args) != len(self.in_avals):
            raise TypeError(f"pmap {self.name}: expected {len(self.in_avals)} arguments, got {len(args)}")
        arrays = list(self.const_arrays)
        for i, (x, aval, ax) in enumerate(zip(args, self.in_avals, self.in_axes)):
            arrays.append(self._arg(i, x, aval, ax))
        outs = shim.execute_replicated_arrays(self.exe, arrays, self.handlers)
        results = []
        devs = self.local_devices
        kept = [devs[k] for k in self.keep]
        for arr, aval, gaval, ax in zip(outs, self.out_avals, self.out_global, self.out_axes):
            if ax is None:
                first = shim.replica_buffers(arr)[0]
                results.append(_from_device(shim.single_device_buffer(first, aval, devs[0]), aval.weak_type))
            else:
                results.append(sharded_array(gaval, ax, kept, aval, whole=arr, whole_devices=self.devices_key,
                                             inner=self.inner, keep=self.keep))
        return results

    def as_text(self) -> str:
        return self.lowered.text


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        return self.data.get(key)

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        self.data.clear()


_executables = _LRU(256)


def executable_for(closed: ClosedJaxpr, *, axis_name: Any, axis_size: int, global_axis_size: int,
                   in_axes: Sequence[Any], out_axes: Sequence[Any], devices: Any = None, backend: Any = None,
                   name: str = "fun", **_: Any) -> PmapExecutable:
    """The compiled pmap for these params (cached on the jaxpr's identity and the params)."""
    key = (id(closed), axis_name, axis_size, global_axis_size, tuple(in_axes), tuple(out_axes), devices, backend,
           config.trace_context())
    hit = _executables.get(key)
    if hit is not None and hit[0] is closed:
        return hit[1]  # type: ignore[no-any-return]
    exe = PmapExecutable(name, closed, axis_name=axis_name, axis_size=axis_size,
                         global_axis_size=global_axis_size, in_axes=in_axes, out_axes=out_axes, devices=devices,
                         backend=backend)
    _executables.put(key, (closed, exe))
    return exe


def pmap_impl(*args: Any, jaxpr: ClosedJaxpr, **params: Any) -> list[Array]:
    """``xla_pmap``'s eager evaluation: compile (once) and run on the devices."""
    return executable_for(jaxpr, **params).run(args)


def clear_caches() -> None:
    _executables.clear()
