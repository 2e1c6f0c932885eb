"""Trace + lower + compile time of ``jit(grad(MLP loss))`` and of a scan RNN.

Each measurement builds a fresh Python function and times
``jax.jit(f).lower(*args).compile()``.  The function's loss is scaled by a
constant unique to the round (1 + k·1e-6), so that the program text differs
and no cache (a jit cache, or one keyed by the module text) can answer:
XLA really compiles every time.  One untimed round first pays
the process's one-time costs (lazy imports, MLIR context); the metric is the
fastest (and, in ``medians``, the median) of the following rounds.

* ``grad_mlp``: gradient of the 3-layer tanh MLP loss (as in eager_grad);
* ``scan_rnn``: forward loss of a tanh RNN, ``lax.scan`` over 50 steps;
* ``grad_scan_rnn``: its gradient (scan transposed).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from common import Bench, import_jax  # noqa: E402

T, B, D, H = 50, 16, 64, 64


_salt = [0]


def salt() -> float:
    """A loss scale unique to each call: makes every traced program distinct."""
    _salt[0] += 1
    return 1.0 + 1e-6 * _salt[0]


def rnn_loss_factory(jax: Any) -> Callable:
    jnp, lax = jax.numpy, jax.lax
    scale = salt()

    def rnn_loss(params: Any, xs: Any) -> Any:
        Wh, Wx, c = params

        def step(h: Any, x: Any) -> Any:
            h = jnp.tanh(jnp.dot(h, Wh) + jnp.dot(x, Wx) + c)
            return h, jnp.sum(h * h)

        h_T, ys = lax.scan(step, jnp.zeros((xs.shape[1], Wh.shape[0]), xs.dtype), xs)
        return (jnp.sum(ys) + jnp.sum(h_T)) * scale

    return rnn_loss


def compile_time(jax: Any, make: Callable[[], Callable], args: tuple) -> float:
    fun = make()
    t0 = time.perf_counter()
    jax.jit(fun).lower(*args).compile()
    return time.perf_counter() - t0


def body(b: Bench) -> None:
    jax = import_jax(b.impl)
    jnp = jax.numpy
    rng = np.random.RandomState(0)
    mlp_params = [(jnp.asarray(w), jnp.asarray(v)) for w, v in models.init_mlp([256, 256, 256, 10])]
    x_np, y_np = models.batch(128, 256, 10)
    mlp_args = (mlp_params, jnp.asarray(x_np), jnp.asarray(y_np))
    rnn_params = (jnp.asarray((rng.randn(H, H) / np.sqrt(H)).astype(np.float32)),
                  jnp.asarray((rng.randn(D, H) / np.sqrt(D)).astype(np.float32)),
                  jnp.asarray(np.zeros(H, np.float32)))
    rnn_args = (rnn_params, jnp.asarray(rng.randn(T, B, D).astype(np.float32)))

    def make_grad_mlp() -> Callable:
        scale = salt()
        return jax.grad(lambda p, x, y: models.squared_loss(jnp, p, x, y) * scale)

    def make_rnn() -> Callable:
        return rnn_loss_factory(jax)

    def make_grad_rnn() -> Callable:
        return jax.grad(rnn_loss_factory(jax))

    rounds = 3 if b.quick else 5
    cases = [("grad_mlp", make_grad_mlp, mlp_args), ("scan_rnn", make_rnn, rnn_args),
             ("grad_scan_rnn", make_grad_rnn, rnn_args)]
    for name, make, args in cases:
        def measure(make: Callable = make, args: tuple = args) -> list[float]:
            compile_time(jax, make, args)  # untimed: one-time costs
            return [compile_time(jax, make, args) for _ in range(rounds)]
        b.record(name, measure)
    _salt[0] = -1   # the next function is unscaled
    b.check("scan_rnn_value", lambda: float(jax.jit(rnn_loss_factory(jax))(*rnn_args)))
    _salt[0] = -1
    b.check("grad_scan_rnn_sum",
            lambda: float(np.asarray(jax.jit(jax.grad(rnn_loss_factory(jax)))(*rnn_args)[0]).sum()))


if __name__ == "__main__":
    Bench("trace_compile", ("ours", "jax")).run(body)
