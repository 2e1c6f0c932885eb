"""Eager (un-jitted) gradient of a 3-layer tanh MLP on a 128x256 batch.

Layers 256-256-256-10, mean squared error.  ``grad_mlp`` is the
seconds per ``grad(loss)(params, x, y)`` (all gradients ready).  autograd and
JAX/ours run the very same loss function (``models.squared_loss``); torch
runs the same model with ``backward()``.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from common import Bench, import_jax, tree_sum  # noqa: E402

SIZES = [256, 256, 256, 10]
BATCH = 128


def body(b: Bench) -> None:
    params_np = models.init_mlp(SIZES)
    x_np, y_np = models.batch(BATCH, SIZES[0], SIZES[-1])
    fn: Any
    if b.impl == "autograd":
        import autograd
        import autograd.numpy as anp

        g = autograd.grad(lambda p, x, y: models.squared_loss(anp, p, x, y))
        fn = lambda: g(params_np, x_np, y_np)  # noqa: E731
        b.check("grad_sum", lambda: sum(float(w.sum()) + float(v.sum()) for w, v in fn()))
    elif b.impl == "torch":
        import torch

        params = [(torch.tensor(w, requires_grad=True), torch.tensor(v, requires_grad=True))
                  for w, v in params_np]
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
        flat = [t for layer in params for t in layer]

        def fn() -> list:
            h = x
            for W, c in params[:-1]:
                h = torch.tanh(h @ W + c)
            d = h @ params[-1][0] + params[-1][1] - y
            loss = (d * d).sum() / BATCH
            return list(torch.autograd.grad(loss, flat))

        b.check("grad_sum", lambda: sum(float(t.sum()) for t in fn()))
    else:
        jax = import_jax(b.impl)
        jnp = jax.numpy
        params = [(jnp.asarray(w), jnp.asarray(v)) for w, v in params_np]
        x, y = jnp.asarray(x_np), jnp.asarray(y_np)
        g = jax.grad(lambda p, x, y: models.squared_loss(jnp, p, x, y))
        fn = lambda: jax.block_until_ready(g(params, x, y))  # noqa: E731
        b.check("grad_sum", lambda: tree_sum(jax, fn()))
    b.time("grad_mlp", fn, max_total_s=3.0)


if __name__ == "__main__":
    Bench("eager_grad", ("ours", "jax", "autograd", "torch")).run(body)
