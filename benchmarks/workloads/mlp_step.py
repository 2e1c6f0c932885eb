"""Compiled MLP training step: batch 128, layers 784-1024-1024-10, ReLU,
softmax cross-entropy, plain SGD; ``jit`` of the whole update.

``train_step`` is the seconds per step in steady state (parameters
fed back, all outputs ready).  torch (eager, autograd + in-place SGD) is shown
for context; it has no target.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import models  # noqa: E402
from common import Bench, import_jax  # noqa: E402

SIZES = [784, 1024, 1024, 10]
BATCH = 128
LR = 0.01


def body(b: Bench) -> None:
    params_np = models.init_mlp(SIZES)
    x_np, y_np = models.batch(BATCH, SIZES[0], SIZES[-1])
    if b.impl == "torch":
        import torch

        params = [torch.tensor(t, requires_grad=True) for layer in params_np for t in layer]
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

        def torch_step() -> float:
            h = x
            for i in range(0, len(params) - 2, 2):
                h = torch.relu(h @ params[i] + params[i + 1])
            logits = h @ params[-2] + params[-1]
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
    jnp = jax.numpy

    def loss(p: Any, x: Any, y: Any) -> Any:
        return models.xent_loss(jnp, p, x, y, "relu")

    @jax.jit
    def update(p: Any, x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(p, x, y)
        return [(W - LR * dW, c - LR * dc) for (W, c), (dW, dc) in zip(p, grads)], value

    state: dict[str, Any] = {"p": [(jnp.asarray(w), jnp.asarray(c)) for w, c in params_np]}
    x, y = jax.device_put(x_np), jax.device_put(y_np)

    def step() -> Any:
        state["p"], value = update(state["p"], x, y)
        return jax.block_until_ready((state["p"], value))

    for _ in range(2):
        step()
    b.check("loss_step3", lambda: float(step()[1]))
    b.time("train_step", step, max_total_s=4.0)


if __name__ == "__main__":
    Bench("mlp_step", ("ours", "jax", "torch")).run(body)
