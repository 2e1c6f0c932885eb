"""Data-parallel MLP training step with ``pmap`` over 1, 2, 4 and 8 CPU devices.

The process asks for 8 CPU devices (``JAX_NUM_CPU_DEVICES=8``, which both JAX
and ours read) and ``pmap``s over the first n.  Global batch 256 split
evenly, MLP 784-512-512-10 (ReLU), gradients averaged with ``lax.pmean``,
SGD.  ``step_dev{n}``: seconds per step, steady state.  On a 2-core
machine the devices share the two cores, so this shows the overhead of the
SPMD machinery more than real scaling.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

os.environ["JAX_NUM_CPU_DEVICES"] = "8"   # before jax is imported
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from common import Bench, first_line, import_jax  # noqa: E402

SIZES = [784, 512, 512, 10]
GLOBAL_BATCH = 256
LR = 0.01
DEVICE_COUNTS = [1, 2, 4, 8]


def body(b: Bench) -> None:
    jax = import_jax(b.impl)
    try:
        pmap = jax.pmap
    except (AttributeError, NotImplementedError) as e:
        b.skipped = f"jax.pmap is not available: {first_line(e)}"
        return
    jnp, lax = jax.numpy, jax.lax
    b.info["device_count"] = jax.device_count()

    def loss(p: Any, x: Any, y: Any) -> Any:
        return models.xent_loss(jnp, p, x, y, "relu")

    def update(p: Any, x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(p, x, y)
        grads = lax.pmean(grads, "batch")
        return [(W - LR * dW, c - LR * dc) for (W, c), (dW, dc) in zip(p, grads)], lax.pmean(value, "batch")

    params_np = models.init_mlp(SIZES)
    x_np, y_np = models.batch(GLOBAL_BATCH, SIZES[0], SIZES[-1])
    for n in DEVICE_COUNTS:
        name = f"step_dev{n}"
        if n > jax.device_count():
            b.errors[name] = f"only {jax.device_count()} devices"
            continue
        with b.guard(name):
            devs = jax.devices()[:n]
            step_fn = pmap(update, axis_name="batch", devices=devs)
            put = pmap(lambda a: a, devices=devs)   # shard onto the n devices once
            state: dict[str, Any] = {"p": [(put(np.stack([w] * n)), put(np.stack([c] * n)))
                                           for w, c in params_np]}
            xs = put(x_np.reshape(n, GLOBAL_BATCH // n, -1))
            ys = put(y_np.reshape(n, GLOBAL_BATCH // n, -1))

            def step(step_fn: Any = step_fn, xs: Any = xs, ys: Any = ys, state: Any = state) -> Any:
                state["p"], value = step_fn(state["p"], xs, ys)
                return jax.block_until_ready((state["p"], value))

            for _ in range(2):
                step()
            b.check(f"loss_step3_dev{n}", lambda step=step: float(np.asarray(step()[1])[0]))
            b.time(name, step, max_total_s=2.0, repeats=5)


if __name__ == "__main__":
    Bench("pmap_step", ("ours", "jax")).run(body)
