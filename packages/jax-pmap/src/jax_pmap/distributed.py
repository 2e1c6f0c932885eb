"""Several processes, one set of devices: ``jax.distributed.initialize`` / ``shutdown``.

Call :func:`initialize` in every process, before anything creates a backend.
Process 0 starts jaxlib's coordination service at ``coordinator_address``;
every process connects to it, and its CPU client is then created with the
distributed runtime client and gloo TCP collectives.  Afterwards
``jax.devices()`` lists every process's devices (``jax.local_devices()``
this process's), and a ``pmap`` spans all of them: each process passes the
part of the mapped axis its own devices hold, and collectives combine all
processes.

The coordination service also watches the processes' heartbeats: when one
dies, the others are terminated within about ``heartbeat_timeout_seconds``
with "The following tasks are unhealthy (stopped sending heartbeats)" --
a multi-process program never hangs on a dead peer.
"""
from __future__ import annotations

import atexit
import os
from typing import Any, Sequence

from jax_xla import backends
from jax_xla import jaxlib_shim as shim

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class State:
    """This process's place in the distributed system."""

    def __init__(self) -> None:
        self.process_id = 0
        self.num_processes = 1
        self.coordinator_address: str | None = None
        self.service: Any = None
        self.client: Any = None


global_state = State()


def _split_host_port(address: str) -> tuple[str, str]:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"coordinator_address must be 'host:port', got {address!r}")
    return host, port


def initialize(coordinator_address: str | None = None, num_processes: int | None = None,
               process_id: int | None = None, local_device_ids: int | Sequence[int] | None = None,
               cluster_detection_method: str | None = None, initialization_timeout: int = 300,
               heartbeat_timeout_seconds: int = 100, shutdown_timeout_seconds: int = 300,
               coordinator_bind_address: str | None = None, slice_index: int | None = None,
               partition_index: int | None = None) -> None:
    """Join this process to a distributed system of ``num_processes`` processes.

    ``coordinator_address`` ('host:port') is where process 0 runs the
    coordination service; every process passes the same one.  Unset
    arguments come from ``JAX_COORDINATOR_ADDRESS``, ``JAX_NUM_PROCESSES``
    and ``JAX_PROCESS_ID``.  The service binds to
    ``coordinator_bind_address`` (default: the coordinator's own host when it
    is a loopback address, else every interface on its port).  A process
    that cannot reach the others within ``initialization_timeout`` seconds
    fails; one whose peers stop sending heartbeats for
    ``heartbeat_timeout_seconds`` is terminated.
    ``local_device_ids``, ``cluster_detection_method`` and the partition
    arguments are accepted for compatibility (CPU devices are not
    restricted; no cluster auto-detection).
    """
    del local_device_ids, cluster_detection_method, slice_index, partition_index
    coordinator_address = coordinator_address or os.environ.get("JAX_COORDINATOR_ADDRESS")
    if num_processes is None and os.environ.get("JAX_NUM_PROCESSES"):
        num_processes = int(os.environ["JAX_NUM_PROCESSES"])
    if process_id is None and os.environ.get("JAX_PROCESS_ID"):
        process_id = int(os.environ["JAX_PROCESS_ID"])
    if coordinator_address is None:
        raise ValueError("coordinator_address should be defined.")
    if num_processes is None:
        raise ValueError("Number of processes must be defined.")
    if process_id is None:
        raise ValueError("The process id of the current process must be defined.")
    if not isinstance(process_id, int) or isinstance(process_id, bool):
        raise TypeError(f"process_id must be a nonnegative int. Got process_id={process_id} of type "
                        f"{type(process_id)}.")
    if not isinstance(num_processes, int) or isinstance(num_processes, bool) or num_processes < 1:
        raise TypeError(f"num_processes must be a positive int. Got num_processes={num_processes} of type "
                        f"{type(num_processes)}.")
    if not 0 <= process_id < num_processes:
        raise ValueError("process_id and num_processes must be nonnegative, with process_id < num_processes. "
                         f"Got process_id={process_id}, num_processes={num_processes}.")
    if backends.is_initialized("cpu"):
        raise RuntimeError("jax.distributed.initialize() must be called before any JAX calls that might "
                           "initialise the XLA backend. This includes any computation, but also calls to "
                           "jax.devices, jax.device_put, and others.")
    if global_state.client is not None:
        raise RuntimeError("distributed.initialize should only be called once.")
    host, port = _split_host_port(coordinator_address)
    loopback = host in _LOOPBACK_HOSTS
    if coordinator_bind_address is None:
        coordinator_bind_address = os.environ.get("JAX_COORDINATOR_BIND_ADDRESS") or (
            coordinator_address if loopback else f"[::]:{port}")
    if process_id == 0:
        global_state.service = shim.distributed_service(coordinator_bind_address, num_processes,
                                                        heartbeat_timeout=int(heartbeat_timeout_seconds),
                                                        shutdown_timeout=int(shutdown_timeout_seconds))
    client = shim.distributed_client(coordinator_address, process_id, init_timeout=int(initialization_timeout),
                                     heartbeat_timeout=int(heartbeat_timeout_seconds),
                                     shutdown_timeout=int(shutdown_timeout_seconds))
    try:
        client.connect()
    except Exception as err:
        if global_state.service is not None:
            global_state.service.shutdown()
            global_state.service = None
        raise RuntimeError(f"process {process_id} of {num_processes} could not join the distributed system at "
                           f"{coordinator_address} within {initialization_timeout} s: {err}") from err
    global_state.client = client
    global_state.process_id = process_id
    global_state.num_processes = num_processes
    global_state.coordinator_address = coordinator_address
    collectives = shim.cpu_collectives(client, hostname="127.0.0.1" if loopback else None)
    backends.cpu_client_options.update(distributed_client=client, node_id=process_id, num_nodes=num_processes,
                                       collectives=collectives)
    atexit.register(shutdown)


def is_initialized() -> bool:
    """Whether :func:`initialize` has joined this process to a distributed system."""
    return global_state.client is not None


def shutdown() -> None:
    """Leave the distributed system (waits for the other processes to leave too).

    Does nothing if it is not running.  The backend created while it ran
    keeps its devices; a fresh process is needed to start again.
    """
    if global_state.client is not None:
        global_state.client.shutdown()
        global_state.client = None
    if global_state.service is not None:
        global_state.service.shutdown()
        global_state.service = None
    backends.cpu_client_options.clear()


__all__ = ["initialize", "shutdown", "is_initialized", "global_state", "State"]
