"""Per-example gradients with ``vmap``: ``jit(vmap(grad(loss), in_axes=(None, 0, 0)))``
for a batch of 128 MNIST-shaped examples through a 784-128-10 tanh MLP.

(The 784-1024-1024-10 network of mlp_step would produce 128 copies of 1.9M
parameters, ~1 GB per call: memory traffic, not the transformation, would be
measured.)  ``perex_grads`` is the seconds per call, outputs ready;
torch runs ``torch.func.vmap(torch.func.grad(...))`` for context.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from common import Bench, import_jax, tree_sum  # noqa: E402

SIZES = [784, 128, 10]
BATCH = 128


def body(b: Bench) -> None:
    params_np = models.init_mlp(SIZES)
    x_np, y_np = models.batch(BATCH, SIZES[0], SIZES[-1])
    fn: Any
    if b.impl == "torch":
        import torch
        from torch.func import grad, vmap

        params = [torch.from_numpy(t) for layer in params_np for t in layer]

        def loss(p: list, x: Any, y: Any) -> Any:
            h = torch.tanh(x @ p[0] + p[1])
            logits = h @ p[2] + p[3]
            return -(torch.log_softmax(logits, dim=-1) * y).sum(-1)

        g = vmap(grad(loss), in_dims=(None, 0, 0))
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
        fn = lambda: g(params, x, y)  # noqa: E731
        b.check("grads_sum", lambda: sum(float(t.double().sum()) for t in fn()))
    else:
        jax = import_jax(b.impl)
        jnp = jax.numpy
        g = jax.jit(jax.vmap(jax.grad(lambda p, x, y: models.xent_loss(jnp, p, x, y, "tanh")),
                             in_axes=(None, 0, 0)))
        params = [(jax.device_put(w), jax.device_put(c)) for w, c in params_np]
        x, y = jax.device_put(x_np), jax.device_put(y_np)
        fn = lambda: jax.block_until_ready(g(params, x, y))  # noqa: E731
        b.check("grads_sum", lambda: tree_sum(jax, fn()))
        b.check("grad_shape0", lambda: np.shape(fn()[0][0])[0])
    b.time("perex_grads", fn, max_total_s=4.0)


if __name__ == "__main__":
    Bench("perex_grads", ("ours", "jax", "torch")).run(body)
