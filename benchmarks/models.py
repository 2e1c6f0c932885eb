"""Models shared by the workloads, written once against a NumPy-like module.

``np_`` is ``jax.numpy`` (ours or the real one) or ``autograd.numpy``; the
same function body runs under each.  Parameters are made with NumPy from a
fixed seed, so every implementation starts from the same numbers and the
driver can compare the check values.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

Params = list  # [(W, b), ...]


def init_mlp(sizes: Sequence[int], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.RandomState(seed)
    return [((rng.randn(m, n) / np.sqrt(m)).astype(np.float32), (0.1 * rng.randn(n)).astype(np.float32))
            for m, n in zip(sizes[:-1], sizes[1:])]


def batch(n: int, d: int, k: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (n, d) and one-hot targets (n, k), float32."""
    rng = np.random.RandomState(seed)
    x = rng.randn(n, d).astype(np.float32)
    y = np.eye(k, dtype=np.float32)[rng.randint(0, k, size=n)]
    return x, y


def mlp(np_: Any, params: Any, x: Any, act: str = "tanh") -> Any:
    for W, b in params[:-1]:
        z = np_.dot(x, W) + b
        x = np_.tanh(z) if act == "tanh" else np_.maximum(z, 0.0)
    W, b = params[-1]
    return np_.dot(x, W) + b


def log_softmax(np_: Any, z: Any) -> Any:
    z = z - np_.max(z, axis=-1, keepdims=True)
    return z - np_.log(np_.sum(np_.exp(z), axis=-1, keepdims=True))


def squared_loss(np_: Any, params: Any, x: Any, y: Any) -> Any:
    """The eager-grad workload's loss: 3-layer tanh MLP, mean squared error."""
    d = mlp(np_, params, x, "tanh") - y
    return np_.sum(d * d) / x.shape[0]


def xent_loss(np_: Any, params: Any, x: Any, y: Any, act: str = "relu") -> Any:
    """Cross-entropy of an MLP classifier (mean over the batch; works unbatched too)."""
    return -np_.mean(np_.sum(log_softmax(np_, mlp(np_, params, x, act)) * y, axis=-1))
