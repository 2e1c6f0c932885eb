"""Eager elementwise op latency against array size (1 to 1e6 float32 elements).

Metrics ``mul_n{N}`` (``x * y``) and ``tanh_n{N}`` (``tanh(x)``):
seconds per op, output ready (``block_until_ready`` for JAX and ours).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from common import Bench, import_jax  # noqa: E402

SIZES = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]


def body(b: Bench) -> None:
    rng = np.random.RandomState(0)
    for n in SIZES:
        xs = rng.rand(n).astype(np.float32)
        ys = rng.rand(n).astype(np.float32)
        mul: Any
        tanh: Any
        if b.impl == "numpy":
            mul = lambda: xs * ys  # noqa: E731
            tanh = lambda: np.tanh(xs)  # noqa: E731
        elif b.impl == "torch":
            import torch
            xt, yt = torch.from_numpy(xs), torch.from_numpy(ys)
            mul = lambda: xt * yt  # noqa: E731
            tanh = lambda: torch.tanh(xt)  # noqa: E731
        else:
            jax = import_jax(b.impl)
            jnp = jax.numpy
            with b.guard(f"mul_n{n}"):
                x, y = jnp.asarray(xs), jnp.asarray(ys)
                ready = jax.block_until_ready
                mul = lambda: ready(x * y)  # noqa: E731
                tanh = lambda: ready(jnp.tanh(x))  # noqa: E731
            if f"mul_n{n}" in b.errors:
                b.errors[f"tanh_n{n}"] = b.errors[f"mul_n{n}"]
                continue
            if n == SIZES[-1]:
                b.check("mul_sum", lambda: np.asarray(x * y, np.float64).sum())
        b.time(f"mul_n{n}", mul, max_total_s=1.0)
        b.time(f"tanh_n{n}", tanh, max_total_s=1.0)
    if b.impl in ("numpy", "torch"):
        b.check("mul_sum", lambda: (xs.astype(np.float64) * ys).sum())


if __name__ == "__main__":
    Bench("eager_op", ("ours", "jax", "numpy", "torch")).run(body)
