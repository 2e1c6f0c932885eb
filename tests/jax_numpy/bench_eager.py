"""Eager per-call latency of jax_numpy vs NumPy on small host arrays (not a test).

    PYTHONPATH=packages/jax-core/src:packages/jax-numpy/src:. python tests/jax_numpy/bench_eager.py

``--lib MODULE`` times another NumPy-like module instead of ``jax_numpy``; the
README's JAX column comes from running this script with ``--lib jax.numpy``
in the separate environment that has the reference JAX.
"""
from __future__ import annotations

import sys
import timeit

import numpy as np


def bench(lib, name: str, n: int = 20000) -> dict:
    x = lib.asarray(np.linspace(0.1, 1.0, 10, dtype=np.float32))
    y = lib.asarray(np.linspace(1.0, 2.0, 10, dtype=np.float32))
    m = lib.asarray(np.linspace(0.1, 1.0, 100, dtype=np.float32).reshape(10, 10))
    ops = {
        "add": lambda: lib.add(x, y),
        "sum": lambda: lib.sum(x),
        "exp": lambda: lib.exp(x),
        "dot": lambda: lib.dot(x, y),
        "mean(axis=0)": lambda: lib.mean(m, axis=0),
        "x * 2.0 + y": lambda: x * 2.0 + y,
        "where": lambda: lib.where(x > 0.5, x, y),
        "x[3]": lambda: x[3],
        "matmul 10x10": lambda: m @ m,
    }
    out = {}
    for k, f in ops.items():
        r = f()
        if hasattr(r, "block_until_ready"):
            f = (lambda g: lambda: g().block_until_ready())(f)
        best = min(timeit.repeat(f, number=n // 10, repeat=5)) / (n // 10)
        out[k] = best * 1e6
    return out


def main() -> None:
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import importlib

    label = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else "jax_numpy"
    lib = importlib.import_module(label)
    ours = bench(lib, label)
    ref = bench(np, "numpy")
    print(f"{'op (float32[10])':<16} {label + ' us':>12} {'numpy us':>10} {'ratio':>7}")
    for k in ours:
        print(f"{k:<16} {ours[k]:12.2f} {ref[k]:10.2f} {ours[k] / ref[k]:7.2f}")


if __name__ == "__main__":
    main()
