"""Several CPU devices (XLA_FLAGS / JAX_NUM_CPU_DEVICES), in fresh processes."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("jaxlib")

REPO = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join(str(REPO / "packages" / p / "src") for p in ("jax-core", "jax-xla"))

CHILD = textwrap.dedent("""
    import numpy as np
    import jax_xla
    from jax_core import ShapedArray, lax
    from jax_core.jaxpr import trace_to_jaxpr
    from jax_xla import dispatch

    devs = jax_xla.devices()
    assert jax_xla.device_count() == 8 == len(devs), devs
    # committed arrays: eager ops and jit run where their operands live
    x3 = jax_xla.device_put(np.arange(4, dtype=np.float32), devs[3])
    assert (x3 + 1).devices() == {devs[3]}
    f = jax_xla.jit(lambda a: a * 2)
    assert f(x3).devices() == {devs[3]} and f(np.ones(2)).devices() == {devs[0]}
    assert jax_xla.jit(lambda a: a * 2, device=devs[5])(x3).devices() == {devs[5]}
    # a replicated program, one replica per device
    closed = trace_to_jaxpr(lambda x: [lax.mul(x, x)], [ShapedArray((2,), np.float32)])
    outs = dispatch.replicated_executable("sq", closed, devs).run(
        [[np.full(2, i, np.float32) for i in range(8)]])
    assert [float(o[0]) for o in outs[0]] == [float(i * i) for i in range(8)]
    assert [o.devices() for o in outs[0]] == [{d} for d in devs]
    print("OK")
""")


@pytest.mark.parametrize("env", [{"XLA_FLAGS": "--xla_force_host_platform_device_count=8"},
                                 {"JAX_NUM_CPU_DEVICES": "8"}], ids=["xla_flags", "config_env"])
def test_eight_cpu_devices(env):
    full_env = {**os.environ, **env, "PYTHONPATH": PYTHONPATH, "JAX_PLATFORMS": "cpu"}
    res = subprocess.run([sys.executable, "-c", CHILD], env=full_env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0 and "OK" in res.stdout, res.stderr[-3000:]


def test_jax_platforms_selects_backend():
    code = "import jax_xla; print(jax_xla.default_backend(), jax_xla.device_count())"
    full_env = {**os.environ, "PYTHONPATH": PYTHONPATH, "JAX_PLATFORMS": "cpu"}
    res = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stdout.split()[0] == "cpu", res.stderr[-3000:]
    full_env["JAX_PLATFORMS"] = "tpu_nonexistent"
    res = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=300)
    assert res.returncode != 0 and "Unknown backend" in res.stderr
