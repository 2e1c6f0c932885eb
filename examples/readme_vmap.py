"""JAX README: auto-vectorization with vmap."""
from functools import partial

import numpy as onp

import jax.numpy as np
from jax import grad, vmap


def predict(params, input_vec):
    assert input_vec.ndim == 1
    for W, b in params:
        output_vec = np.dot(W, input_vec) + b  # `input_vec` on the right-hand side!
        input_vec = np.tanh(output_vec)
    return output_vec


def loss(params, input_vec, target):
    return np.sum((predict(params, input_vec) - target) ** 2)


rng = onp.random.RandomState(0)
params = [(rng.randn(5, 3).astype("float32"), rng.randn(5).astype("float32")),
          (rng.randn(2, 5).astype("float32"), rng.randn(2).astype("float32"))]
input_batch = rng.randn(7, 3).astype("float32")
targets = rng.randn(7, 2).astype("float32")

predictions = np.stack(list(map(partial(predict, params), input_batch)))
predictions_vmap = vmap(partial(predict, params))(input_batch)
# or, alternatively
predictions_in_axes = vmap(predict, in_axes=(None, 0))(params, input_batch)
print("max |loop - vmap|:", float(np.max(np.abs(predictions - predictions_vmap))))
print("max |loop - vmap(in_axes)|:", float(np.max(np.abs(predictions - predictions_in_axes))))

per_example_gradients = vmap(partial(grad(loss), params))(input_batch, targets)
loop_gradients = [grad(loss)(params, x, t) for x, t in zip(input_batch, targets)]
diff = max(float(np.max(np.abs(pe[k][j][i] - loop_gradients[i][k][j])))
           for i in range(len(input_batch)) for k in range(2) for j in range(2)
           for pe in [per_example_gradients])
print("max |per-example vmap grads - loop of grads|:", diff)
assert diff < 1e-5
