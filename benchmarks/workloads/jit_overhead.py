"""``jit`` call overhead: a compiled ``x + y`` on two small (3,) float32 arrays.

``jit_call`` is the seconds per steady-state call with the output
ready; the inputs are device arrays (what a previous jitted call returns).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from common import Bench, import_jax  # noqa: E402


def body(b: Bench) -> None:
    jax = import_jax(b.impl)
    f = jax.jit(lambda x, y: x + y)
    x = jax.device_put(np.arange(3, dtype=np.float32))
    y = jax.device_put(np.ones(3, dtype=np.float32))
    ready = jax.block_until_ready
    b.check("out_sum", lambda: np.asarray(f(x, y)).sum())
    b.time("jit_call", lambda: ready(f(x, y)), max_total_s=2.0, repeats=9)


if __name__ == "__main__":
    Bench("jit_overhead", ("ours", "jax")).run(body)
