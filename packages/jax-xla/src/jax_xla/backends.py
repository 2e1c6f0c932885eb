"""Backends (PjRt clients) and their devices.

The CPU backend is always there.  GPU backends come from jaxlib PJRT plugins
when installed (see :func:`jaxlib_shim.available_plugins`).  The platforms
to use, in order of preference, come from ``JAX_PLATFORMS`` /
``config.jax_platforms`` ("cpu", "gpu", "cuda", "rocm", comma separated);
by default a GPU plugin that initializes wins over the CPU.

The number of CPU devices is ``config.jax_num_cpu_devices``
(``JAX_NUM_CPU_DEVICES``) or, when that is left at 1, XLA's own
``XLA_FLAGS=--xla_force_host_platform_device_count=N``.  It is read when the
CPU client is created (on first use).
"""
from __future__ import annotations

import os
import re
import threading
import warnings
from typing import Any

from jax_core.config import config
from jax_xla import jaxlib_shim as shim

_lock = threading.RLock()
_clients: dict[str, Any] = {}        # platform -> client
_failed: dict[str, str] = {}         # platform -> why its client could not be made
_default_platform: str | None = None

_GPU_PLATFORMS = ("cuda", "rocm")
_ALIASES = {"gpu": _GPU_PLATFORMS, "cuda": ("cuda",), "rocm": ("rocm",), "cpu": ("cpu",)}


def cpu_device_count() -> int:
    """How many CPU devices the CPU client is created with."""
    n = int(config.jax_num_cpu_devices)
    if n > 1:
        return n
    m = re.search(r"--xla_force_host_platform_device_count=(\d+)", os.environ.get("XLA_FLAGS", ""))
    if m:
        return max(1, int(m.group(1)))
    return max(1, n)


def _requested_platforms() -> list[str] | None:
    spec = config.jax_platforms
    if not spec:
        return None
    out: list[str] = []
    for name in (s.strip().lower() for s in str(spec).split(",")):
        if not name:
            continue
        if name not in _ALIASES:
            raise RuntimeError(
                f"Unknown backend {name!r} in JAX_PLATFORMS / jax_platforms={spec!r}; "
                f"known: {', '.join(sorted(_ALIASES))}")
        out.extend(p for p in _ALIASES[name] if p not in out)
    return out


# Extra options for the CPU client, set by jax-pmap's distributed.initialize
# before the client exists (the distributed runtime client, node id and
# count, and cross-process collectives).
cpu_client_options: dict[str, Any] = {}


def is_initialized(platform: str = "cpu") -> bool:
    """Whether the client of ``platform`` has been created."""
    return platform in _clients


def _make_client(platform: str) -> Any:
    if platform == "cpu":
        return shim.make_cpu_client(cpu_device_count(), **cpu_client_options)
    return shim.make_plugin_client(platform)


def _client(platform: str, required: bool) -> Any | None:
    with _lock:
        c = _clients.get(platform)
        if c is not None:
            return c
        if platform in _failed and not required:
            return None
        if platform != "cpu" and platform not in shim.available_plugins():
            _failed[platform] = "no PJRT plugin for it is installed"
        else:
            try:
                c = _clients[platform] = _make_client(platform)
                return c
            except Exception as err:  # noqa: BLE001 - report and fall back
                _failed[platform] = f"{type(err).__name__}: {err}"
                if not required:
                    warnings.warn(f"could not initialize the {platform} backend "
                                  f"({_failed[platform]}); falling back", RuntimeWarning)
        if required:
            raise RuntimeError(f"Unable to initialize backend {platform!r}: {_failed[platform]}")
        return None


def _default() -> str:
    global _default_platform
    if _default_platform is not None:
        return _default_platform
    with _lock:
        requested = _requested_platforms()
        order = requested if requested is not None else [*_GPU_PLATFORMS, "cpu"]
        for p in order:
            # with an explicit list, every entry but the last may fail quietly
            if _client(p, required=False) is not None:
                _default_platform = p
                return p
        if requested is not None:
            raise RuntimeError(
                f"Unable to initialize any of the requested backends {requested} "
                f"(JAX_PLATFORMS / jax_platforms): "
                + "; ".join(f"{p}: {_failed.get(p, '?')}" for p in requested))
        raise RuntimeError("Unable to initialize the CPU backend: " + _failed.get("cpu", "?"))


def _resolve(backend: Any) -> str:
    """A platform name from a backend argument (None, a name, or a client)."""
    if backend is None:
        return _default()
    if not isinstance(backend, str):
        return str(backend.platform)
    name = backend.lower()
    if name not in _ALIASES:
        raise RuntimeError(f"Unknown backend {backend!r}; known: {', '.join(sorted(_ALIASES))}")
    cands = _ALIASES[name]
    requested = _requested_platforms()
    for p in cands:
        if requested is not None and p not in requested:
            continue
        if _client(p, required=False) is not None:
            return p
    raise RuntimeError(
        f"Backend {backend!r} is not available"
        + (f" (JAX_PLATFORMS / jax_platforms={config.jax_platforms!r})" if requested is not None else "")
        + "".join(f"; {p}: {_failed[p]}" for p in cands if p in _failed))


def get_backend(backend: Any = None) -> Any:
    """The PjRt client for ``backend`` ('cpu', 'gpu', ...; default: the default backend)."""
    p = _resolve(backend)
    c = _client(p, required=True)
    assert c is not None
    return c


def backend_name(platform: str) -> str:
    return "gpu" if platform in _GPU_PLATFORMS else platform


def default_backend() -> str:
    """'cpu' or 'gpu' (or another plugin's name): where new computations run."""
    return backend_name(_default())


def devices(backend: Any = None) -> list:
    return list(get_backend(backend).devices())


def local_devices(process_index: int | None = None, backend: Any = None) -> list:
    c = get_backend(backend)
    devs = list(c.local_devices())
    if process_index is not None:
        devs = [d for d in devs if d.process_index == process_index]
    return devs


def device_count(backend: Any = None) -> int:
    return int(get_backend(backend).device_count())


def local_device_count(backend: Any = None) -> int:
    return int(get_backend(backend).local_device_count())


def process_index(backend: Any = None) -> int:
    return int(get_backend(backend).process_index())


def process_count(backend: Any = None) -> int:
    return 1 + max((d.process_index for d in devices(backend)), default=0)


_default_device_cache: dict[str, Any] = {}


def default_device() -> Any:
    p = _default()
    d = _default_device_cache.get(p)
    if d is None:
        d = _default_device_cache[p] = get_backend(p).local_devices()[0]
    return d


def device_platform(device: Any) -> str:
    return str(device.client.platform)


def single_device() -> bool:
    """Whether exactly one device exists in all initialized backends."""
    return sum(len(c.devices()) for c in _clients.values()) == 1


def is_cpu_default() -> bool:
    return _default() == "cpu"


def _reset_backends() -> None:
    """Forget every client (tests; changes of jax_platforms / device counts)."""
    global _default_platform
    with _lock:
        _clients.clear()
        _failed.clear()
        _default_device_cache.clear()
        _default_platform = None


def _on_config_change(name: str, value: Any) -> None:
    global _default_platform
    if name == "jax_platforms":
        _default_platform = None
        _default_device_cache.clear()
    elif name == "jax_num_cpu_devices" and "cpu" in _clients:
        warnings.warn("jax_num_cpu_devices changed after the CPU backend was initialized; "
                      "the new value takes effect only for a fresh process", RuntimeWarning)


config.add_listener(_on_config_change)
