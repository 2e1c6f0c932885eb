"""Train a small MLP classifier on scikit-learn's bundled 8x8 digits.

Everything a JAX user would write: ``stax`` layers, an ``optimizers``
optimizer, ``jit`` and ``grad`` — then per-example gradients with ``vmap``.
The data ships with scikit-learn (1,797 images), so nothing is downloaded.

    hatch run demo            # or: python examples/demo.py --epochs 30
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as onp
from sklearn.datasets import load_digits

import jax
import jax.numpy as jnp
from jax import grad, jit, random, vmap
from jax.example_libraries import optimizers, stax
from jax.example_libraries.stax import Dense, LogSoftmax, Relu


def load_data(seed: int = 0) -> tuple:
    digits = load_digits()
    x = (digits.data / 16.0).astype(onp.float32)
    y = digits.target.astype(onp.int32)
    perm = onp.random.RandomState(seed).permutation(len(x))
    x, y = x[perm], y[perm]
    n_test = 360
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])


def one_hot(y: onp.ndarray, k: int = 10) -> onp.ndarray:
    return (y[:, None] == onp.arange(k)).astype(onp.float32)


init_random_params, predict = stax.serial(
    Dense(256), Relu,
    Dense(128), Relu,
    Dense(10), LogSoftmax,
)


def loss(params: object, batch: tuple) -> jax.Array:
    inputs, targets = batch
    preds = predict(params, inputs)
    return -jnp.mean(jnp.sum(preds * targets, axis=1))


def accuracy(params: object, inputs: onp.ndarray, labels: onp.ndarray) -> float:
    predicted = jnp.argmax(predict(params, inputs), axis=1)
    return float(jnp.mean(predicted == labels))


def progress(epoch: int, n_epochs: int, step: int, n_steps: int, width: int = 30) -> None:
    done = int(width * step / n_steps)
    sys.stdout.write(f"\repoch {epoch:3d}/{n_epochs} [{'#' * done}{'.' * (width - done)}] {step}/{n_steps}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--step-size", type=float, default=1e-3)
    args = parser.parse_args()

    (train_x, train_y), (test_x, test_y) = load_data()
    train_t = one_hot(train_y)
    n_train = len(train_x)
    n_batches = n_train // args.batch_size
    print(f"digits: {n_train} training and {len(test_x)} test images of 8x8 pixels; "
          f"backend {jax.default_backend()}")

    opt_init, opt_update, get_params = optimizers.adam(args.step_size)

    @jit
    def update(i: int, opt_state: object, batch: tuple) -> tuple:
        params = get_params(opt_state)
        value, grads = jax.value_and_grad(loss)(params, batch)
        return opt_update(i, grads, opt_state), value

    _, init_params = init_random_params(random.PRNGKey(0), (-1, 64))
    opt_state = opt_init(init_params)
    rng = onp.random.RandomState(0)
    start = time.perf_counter()
    step = 0
    for epoch in range(1, args.epochs + 1):
        perm = rng.permutation(n_train)
        losses = []
        for b in range(n_batches):
            idx = perm[b * args.batch_size:(b + 1) * args.batch_size]
            opt_state, value = update(step, opt_state, (train_x[idx], train_t[idx]))
            losses.append(value)
            step += 1
            if b % 4 == 0 or b == n_batches - 1:
                progress(epoch, args.epochs, b + 1, n_batches)
        params = get_params(opt_state)
        train_acc = accuracy(params, train_x, train_y)
        test_acc = accuracy(params, test_x, test_y)
        mean_loss = float(onp.mean([float(v) for v in losses]))
        sys.stdout.write(f"  loss {mean_loss:.4f}  train acc {train_acc:.4f}  test acc {test_acc:.4f}"
                         f"  ({time.perf_counter() - start:.1f} s)\n")
    params = get_params(opt_state)
    final = accuracy(params, test_x, test_y)
    print(f"final test accuracy: {final:.4f} after {time.perf_counter() - start:.1f} s")

    # Per-example gradients: vmap the gradient of the loss of a single example.
    def example_loss(p: object, x: onp.ndarray, t: onp.ndarray) -> jax.Array:
        return loss(p, (x[None], t[None]))

    per_example = jit(vmap(grad(example_loss), in_axes=(None, 0, 0)))
    xs, ts = test_x[:8], one_hot(test_y[:8])
    grads = per_example(params, xs, ts)
    norms = [float(jnp.sqrt(sum(jnp.sum(g ** 2) for g in jax.tree_util.tree_leaves(gi))))
             for gi in [jax.tree_util.tree_map(lambda a, i=i: a[i], grads) for i in range(len(xs))]]
    loop = [grad(example_loss)(params, xs[i], ts[i]) for i in range(len(xs))]
    max_diff = max(float(jnp.max(jnp.abs(a[i] - b)))
                   for i in range(len(xs))
                   for a, b in zip(jax.tree_util.tree_leaves(grads), jax.tree_util.tree_leaves(loop[i])))
    print("per-example gradient norms (vmap):", " ".join(f"{n:.3f}" for n in norms))
    print(f"max |vmap - loop| over all per-example gradients: {max_diff:.2e}")
    if final < 0.97:
        raise SystemExit(f"test accuracy {final:.4f} is below the 0.97 target")


if __name__ == "__main__":
    main()
