"""A small convnet training step on 28x28 inputs (batch 64), ``jit`` of the update.

conv 3x3 1->16 (VALID) + ReLU, conv 3x3 16->32 stride 2 + ReLU, dense
32*12*12 -> 10, softmax cross-entropy, SGD.  ``lax.conv_general_dilated`` in
NCHW/OIHW layout.  ``train_step``: seconds per step, steady state;
torch (eager) for context.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from common import Bench, import_jax  # noqa: E402

BATCH = 64
LR = 0.01
DN = ("NCHW", "OIHW", "NCHW")


def init() -> list[np.ndarray]:
    rng = np.random.RandomState(0)
    return [(rng.randn(16, 1, 3, 3) / 3.0).astype(np.float32), np.zeros(16, np.float32),
            (rng.randn(32, 16, 3, 3) / 12.0).astype(np.float32), np.zeros(32, np.float32),
            (rng.randn(32 * 12 * 12, 10) / 68.0).astype(np.float32), np.zeros(10, np.float32)]


def data() -> tuple[np.ndarray, np.ndarray]:
    x, y = models.batch(BATCH, 28 * 28, 10)
    return x.reshape(BATCH, 1, 28, 28), y


def body(b: Bench) -> None:
    params_np = init()
    x_np, y_np = data()
    if b.impl == "torch":
        import torch
        import torch.nn.functional as F

        params = [torch.tensor(t, requires_grad=True) for t in params_np]
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

        def torch_step() -> float:
            w1, b1, w2, b2, w3, b3 = params
            h = torch.relu(F.conv2d(x, w1) + b1[:, None, None])
            h = torch.relu(F.conv2d(h, w2, stride=2) + b2[:, None, None])
            logits = h.reshape(BATCH, -1) @ w3 + b3
            loss = -(torch.log_softmax(logits, dim=-1) * y).sum(-1).mean()
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= LR * g
            return float(loss)

        for _ in range(2):
            torch_step()
        b.check("loss_step3", torch_step)
        b.time("train_step", torch_step, max_total_s=4.0)
        return

    jax = import_jax(b.impl)
    jnp, lax = jax.numpy, jax.lax

    def loss(p: Any, x: Any, y: Any) -> Any:
        w1, b1, w2, b2, w3, b3 = p
        h = lax.conv_general_dilated(x, w1, (1, 1), "VALID", dimension_numbers=DN)
        h = jnp.maximum(h + b1[:, None, None], 0.0)
        h = lax.conv_general_dilated(h, w2, (2, 2), "VALID", dimension_numbers=DN)
        h = jnp.maximum(h + b2[:, None, None], 0.0)
        logits = jnp.dot(h.reshape(x.shape[0], -1), w3) + b3
        return -jnp.mean(jnp.sum(models.log_softmax(jnp, logits) * y, axis=-1))

    @jax.jit
    def update(p: Any, x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(p, x, y)
        return [w - LR * g for w, g in zip(p, grads)], value

    state: dict[str, Any] = {"p": [jax.device_put(t) for t in params_np]}
    x, y = jax.device_put(x_np), jax.device_put(y_np)

    def step() -> Any:
        state["p"], value = update(state["p"], x, y)
        return jax.block_until_ready((state["p"], value))

    for _ in range(2):
        step()
    b.check("loss_step3", lambda: float(step()[1]))
    b.time("train_step", step, max_total_s=4.0)


if __name__ == "__main__":
    Bench("convnet_step", ("ours", "jax", "torch")).run(body)
