"""Two processes on localhost with 2 CPU devices each: one pmap with psum over all 4 devices,
and a process that loses its peer fails with a clear error instead of hanging."""
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("jaxlib")

REPO = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join([str(p) for p in sorted((REPO / "packages").glob("*/src"))] + [str(REPO)])

WORKER = textwrap.dedent("""
    import sys, time
    import numpy as np
    import jax
    from jax import lax

    pid, port, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    jax.distributed.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=pid,
                               initialization_timeout=60, heartbeat_timeout_seconds=3, shutdown_timeout_seconds=20)
    assert jax.process_index() == pid and jax.process_count() == 2
    assert jax.device_count() == 4 and jax.local_device_count() == 2, jax.devices()
    f = jax.pmap(lambda v: (lax.psum(v, "i"), lax.axis_index("i"), lax.all_gather(v, "i")), axis_name="i")
    x = np.arange(2, dtype=np.float32) + 2 * pid        # this process's part of [0, 1, 2, 3]
    total, idx, gathered = f(x)
    print("RESULT", np.asarray(total).tolist(), np.asarray(idx).tolist(), np.asarray(gathered).tolist(),
          flush=True)
    if mode == "wait":              # stay alive until killed
        print("WAITING", flush=True)
        time.sleep(120)
    elif mode == "again":           # this collective needs the (dead) peer
        time.sleep(1)
        np.asarray(f(x)[0])         # (dispatch is asynchronous: wait for the result)
        print("UNEXPECTED: the collective finished without the peer", flush=True)
    else:
        jax.distributed.shutdown()
        print("DONE", flush=True)
""")

FATAL = "The following tasks are unhealthy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(pid: int, port: int, mode: str, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "JAX_NUM_CPU_DEVICES": "2", "JAX_PLATFORMS": "cpu",
           "PYTHONUNBUFFERED": "1"}
    env.pop("XLA_FLAGS", None)
    out = open(tmp / f"out{pid}.txt", "w")
    err = open(tmp / f"err{pid}.txt", "w")
    return subprocess.Popen([sys.executable, "-c", WORKER, str(pid), str(port), mode], env=env, stdout=out,
                            stderr=err)


def _read(tmp: Path, name: str) -> str:
    return (tmp / name).read_text()


def _wait_for(proc: subprocess.Popen, tmp: Path, pid: int, text: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in _read(tmp, f"out{pid}.txt"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"process {pid} did not print {text!r}:\n{_read(tmp, f'out{pid}.txt')}\n"
                         f"{_read(tmp, f'err{pid}.txt')[-3000:]}")


def _kill_all(*procs: subprocess.Popen) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def test_pmap_psum_over_two_processes(tmp_path):
    port = _free_port()
    procs = [_spawn(i, port, "finish", tmp_path) for i in range(2)]
    try:
        for i, p in enumerate(procs):
            p.wait(120)
            out = _read(tmp_path, f"out{i}.txt")
            assert p.returncode == 0 and "DONE" in out, out + _read(tmp_path, f"err{i}.txt")[-3000:]
            # psum over the 4 devices of both processes; each process sees its own 2 shards
            assert f"RESULT [6.0, 6.0] [{2 * i}, {2 * i + 1}] " + str([[0.0, 1.0, 2.0, 3.0]] * 2) in out, out
    finally:
        _kill_all(*procs)


def test_killed_peer_is_a_clear_error_not_a_hang(tmp_path):
    port = _free_port()
    survivor = _spawn(0, port, "again", tmp_path)
    victim = _spawn(1, port, "wait", tmp_path)
    try:
        _wait_for(victim, tmp_path, 1, "WAITING", 120)
        _wait_for(survivor, tmp_path, 0, "RESULT", 30)
        victim.kill()
        start = time.time()
        try:
            survivor.wait(60)
        except subprocess.TimeoutExpired:
            raise AssertionError("the surviving process hung after its peer was killed") from None
        elapsed = time.time() - start
        err = _read(tmp_path, "err0.txt")
        assert survivor.returncode != 0
        assert "UNEXPECTED" not in _read(tmp_path, "out0.txt")
        assert FATAL in err and "stopped sending heartbeats" in err, err[-3000:]
        assert elapsed < 30, elapsed
    finally:
        _kill_all(survivor, victim)
