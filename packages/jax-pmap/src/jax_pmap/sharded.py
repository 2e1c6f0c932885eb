"""Arrays that stay sharded across devices: pmap's results.

A pmap result is a ``jax_core.Array`` whose device buffer is a
:class:`ShardedBuffer`: one jaxlib buffer per device, each holding one slice
of the array along the mapped axis.  Nothing is gathered until the host
value is needed (printing, NumPy conversion, an operation that mixes shards);
feeding the array to a pmap with the same devices and axis reuses the shards
where they are, and taking one element of the mapped axis (``x[i]``) reads
only that device's buffer.

jax-xla treats device buffers through a few entry points, which a
ShardedBuffer answers like a buffer living on no single device:
``aval``/``shape``/``dtype``, ``block_until_ready()``,
``_sharding._device`` (None: "not on the device you asked for", so jax-xla
copies it through the host) and ``_single_device_array_to_np_array_did_copy()``
(the gathered host value).  Eager primitives on sharded operands go through
:func:`execute_primitive`, which jax-pmap puts in front of jax-xla's hook
the first time a sharded array is made.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import core
from jax_core.core import Array, ShapedArray
from jax_xla import jaxlib_shim as shim


class _NoSingleDevice:
    """Stands where jax-xla looks for a buffer's one device (``buf._sharding._device``)."""

    _device = None


_NO_SINGLE_DEVICE = _NoSingleDevice()


class ShardedBuffer:
    """One array split along ``axis`` over ``devices``, one index of that axis per device.

    Made from a replicated executable's result (``whole``: one multi-device
    jaxlib array holding every replica's buffer; replica ``keep[i]`` holds
    shard ``i``), which a later pmap over the same replicas takes as it is;
    the single-device buffers of the shards are split off only when needed.
    """

    __slots__ = ("aval", "axis", "devices", "shard_aval", "whole", "whole_devices", "inner", "keep", "_shards",
                 "_host")
    _sharding = _NO_SINGLE_DEVICE

    def __init__(self, aval: ShapedArray, axis: int, devices: Sequence[Any], shard_aval: ShapedArray, *,
                 whole: Any = None, whole_devices: tuple = (), inner: int = 1, keep: Sequence[int] = (),
                 shards: Sequence[Any] | None = None):
        self.aval = aval                # the whole array's
        self.axis = axis
        self.devices = list(devices)    # shard i lives on devices[i]
        self.shard_aval = shard_aval    # one device's piece (without the mapped axis)
        self.whole = whole
        self.whole_devices = whole_devices   # the replicas' devices (every process's)
        self.inner = inner              # replicas per shard (nested pmaps)
        self.keep = list(keep)
        self._shards = list(shards) if shards is not None else None
        self._host: np.ndarray | None = None

    @property
    def shards(self) -> list:
        """The single-device buffers, shard i on devices[i]."""
        if self._shards is None:
            bufs = shim.replica_buffers(self.whole)
            self._shards = [shim.single_device_buffer(bufs[k], self.shard_aval, d)
                            for k, d in zip(self.keep, self.devices)]
        return self._shards

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    def block_until_ready(self) -> "ShardedBuffer":
        if self.whole is not None:
            self.whole.block_until_ready()
        else:
            for b in self.shards:
                b.block_until_ready()
        return self

    def _single_device_array_to_np_array_did_copy(self) -> tuple[np.ndarray, bool]:
        """The whole array on the host (gathered once; arrays are immutable)."""
        out = self._host
        if out is None:
            pieces = [shim.to_numpy(b) for b in self.shards]
            out = np.stack(pieces, axis=self.axis) if pieces else np.zeros(self.aval.shape, self.aval.dtype)
            out.flags.writeable = False
            self._host = out
        return out, True

    def shard_array(self, i: int, weak_type: bool) -> Array:
        """Shard ``i`` as a single-device Array (no copy)."""
        return Array._from_device(self.shards[i], weak_type)

    def __repr__(self) -> str:
        return f"ShardedBuffer({self.aval.str_short()}, axis={self.axis}, devices={self.devices})"


def sharded_array(aval: ShapedArray, axis: int, devices: Sequence[Any], shard_aval: ShapedArray,
                  **kw: Any) -> Array:
    install_hooks()
    return Array._from_device(ShardedBuffer(aval, axis, devices, shard_aval, **kw), aval.weak_type)


def is_sharded(x: Any) -> bool:
    return type(x) is Array and type(x._device_buf) is ShardedBuffer


# --------------------------------------------------------------------------
# eager primitives with sharded operands

_xla_execute_primitive: Any = None
_installed = False


def install_hooks() -> None:
    """Put :func:`execute_primitive` in front of jax-xla's eager hook (once)."""
    global _installed, _xla_execute_primitive
    if _installed:
        return
    _xla_execute_primitive = core.device_hooks.execute_primitive
    core.device_hooks.execute_primitive = execute_primitive
    devices_method = getattr(Array, "devices", None)
    if devices_method is not None:
        def devices(self: Array) -> set:
            buf = self._device_buf
            if type(buf) is ShardedBuffer:
                return set(buf.devices)
            return devices_method(self)  # type: ignore[no-any-return]

        Array.devices = devices  # type: ignore[attr-defined]
    _installed = True


def execute_primitive(prim: Any, vals: Sequence[Any], params: dict) -> Any:
    sharded = [i for i, v in enumerate(vals) if type(v) is Array and type(v._device_buf) is ShardedBuffer]
    if not sharded:
        return _xla_execute_primitive(prim, vals, params)
    if prim.name == "slice" and len(vals) == 1:
        out = _slice_one_shard(vals[0], params)
        if out is not None:
            return out
    # anything else: gather the sharded operands (the host value is kept on the Array)
    new_vals = list(vals)
    for i in sharded:
        v = vals[i]
        new_vals[i] = Array._from_numpy(v._value, v.weak_type)
    if any(type(v) is Array and v._device_buf is not None for v in new_vals):
        return _xla_execute_primitive(prim, new_vals, params)
    return core.eager_apply(prim, new_vals, params)


def _slice_one_shard(x: Array, params: dict) -> Any:
    """``x[i]``-style slices that stay inside one shard read only that device's buffer."""
    from jax_core import lax

    buf: ShardedBuffer = x._device_buf
    ax = buf.axis
    start, limit = params["start_indices"], params["limit_indices"]
    strides = params.get("strides") or (1,) * len(start)
    if limit[ax] - start[ax] != 1:
        return None
    piece = buf.shard_array(int(start[ax]), x.weak_type)
    shape = list(buf.shard_aval.shape)
    shape.insert(ax, 1)
    piece = lax.reshape(piece, tuple(shape))
    new_start = list(start)
    new_limit = list(limit)
    new_start[ax], new_limit[ax] = 0, 1
    if not any(new_start) and new_limit == shape and all(s == 1 for s in strides):
        return piece
    return lax.slice(piece, tuple(new_start), tuple(new_limit), tuple(strides))
