"""The opening example of JAX's README: compiled gradients and per-example gradients."""
from functools import partial

import numpy as onp

import jax.numpy as np
from jax import grad, jit, vmap


def predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs


def logprob_fun(params, inputs, targets):
    preds = predict(params, inputs)
    return np.sum((preds - targets)**2)


grad_fun = jit(grad(logprob_fun))  # compiled gradient evaluation function
perex_grads = jit(vmap(grad_fun, in_axes=(None, 0, 0)))  # fast per-example grads

if __name__ == "__main__":
    rng = onp.random.RandomState(0)
    sizes = [3, 5, 2]
    params = [(rng.randn(m, n).astype("float32"), rng.randn(n).astype("float32"))
              for m, n in zip(sizes[:-1], sizes[1:])]
    inputs = rng.randn(4, 3).astype("float32")
    targets = rng.randn(4, 2).astype("float32")
    g = grad_fun(params, inputs, targets)
    per_ex = perex_grads(params, inputs, targets)
    summed = [(dw.sum(0), db.sum(0)) for dw, db in per_ex]
    err = max(float(np.max(np.abs(a - b))) for pair_a, pair_b in zip(g, summed) for a, b in zip(pair_a, pair_b))
    print("gradient shapes:", [(w.shape, b.shape) for w, b in g])
    print("per-example gradient shapes:", [(w.shape, b.shape) for w, b in per_ex])
    print(f"sum of per-example grads equals the batch grad: max diff {err:.2e}")
    assert err < 1e-4
