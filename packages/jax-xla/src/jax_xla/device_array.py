"""Device-resident arrays: device_put / device_get / block_until_ready.

A device array is a ``jax_core.Array`` whose ``_device_buf`` is a jaxlib
buffer; its host value is fetched (a zero-copy view on CPU) the first time
NumPy needs it.  Outputs of compiled computations are device arrays, and
their computations run asynchronously until something reads them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes, tree_util
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_xla import backends
from jax_xla import jaxlib_shim as shim


def _as_device(device: Any) -> Any:
    """A jaxlib Device from a Device, a single-device sharding, or None (default)."""
    if device is None:
        return backends.default_device()
    dev = getattr(device, "_device", None)     # SingleDeviceSharding
    if dev is not None:
        return dev
    device_set = getattr(device, "device_set", None)
    if device_set is not None and not callable(device_set) and len(device_set) == 1:
        return next(iter(device_set))
    if isinstance(device, str):
        return backends.get_backend(device).local_devices()[0]
    return device


def put_leaf(x: Any, device: Any) -> Array:
    if isinstance(x, Tracer):
        return x  # type: ignore[return-value]  # device_put under a transformation is the identity
    if type(x) is Array:
        buf = x._device_buf
        if buf is not None:
            if shim.buffer_device(buf) == device:
                return x
            aval = ShapedArray(x.shape, x.dtype, x.weak_type)
            return Array._from_device(shim.copy_to_device(buf, aval, device), x.weak_type)
        value, weak = x._npy, x.weak_type
    else:
        aval0 = get_aval(x)
        value, weak = np.asarray(x, dtype=aval0.dtype), aval0.weak_type
    assert value is not None
    dt = dtypes.canonicalize_dtype(value.dtype)
    if dt != value.dtype:
        value = value.astype(dt)
    aval = ShapedArray(value.shape, value.dtype, weak)
    return Array._from_device(shim.device_put(value, aval, device), weak)


def device_put(x: Any, device: Any = None, *, src: Any = None, donate: bool = False,
               may_alias: Any = None) -> Any:
    """Put every array leaf of ``x`` on ``device`` (default: the default device)."""
    del src, donate, may_alias
    dev = _as_device(device)
    return tree_util.tree_map(lambda leaf: put_leaf(leaf, dev), x)


def device_put_replicated(x: Any, devices: Any) -> list:
    return [device_put(x, d) for d in devices]


def device_get(x: Any) -> Any:
    """The host (NumPy) value of every array leaf of ``x``."""
    def get(leaf: Any) -> Any:
        if type(leaf) is Array:
            return leaf._value
        if isinstance(leaf, Tracer):
            return np.asarray(leaf)
        return leaf

    return tree_util.tree_map(get, x)


def block_until_ready(x: Any) -> Any:
    """Wait for every device array in ``x`` to be computed; returns ``x``."""
    for leaf in tree_util.tree_leaves(x):
        if type(leaf) is Array and leaf._device_buf is not None:
            leaf._device_buf.block_until_ready()
    return x


def array_devices(self: Array) -> set:
    """``x.devices()``: where an array lives (host arrays: the default device)."""
    buf = self._device_buf
    return {shim.buffer_device(buf) if buf is not None else backends.default_device()}


def array_device(self: Array) -> Any:
    buf = self._device_buf
    return shim.buffer_device(buf) if buf is not None else backends.default_device()


def is_fully_addressable(self: Array) -> bool:
    return True


def array_platform(self: Array) -> str:
    return backends.device_platform(array_device(self))
