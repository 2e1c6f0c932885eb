"""JAX README: SPMD programming with pmap (run with 8 CPU devices: JAX_NUM_CPU_DEVICES=8)."""
from functools import partial

from jax import grad, lax, pmap, random
import jax.numpy as np

# Create 8 random 5000 x 6000 matrices, one per device
keys = random.split(random.PRNGKey(0), 8)
mats = pmap(lambda key: random.normal(key, (5000, 6000)))(keys)

# Run a local matmul on each device in parallel (no data transfer)
result = pmap(lambda x: np.dot(x, x.T))(mats)  # result.shape is (8, 5000, 5000)

# Compute the mean on each device in parallel and print the result
print(pmap(np.mean)(result))
# prints [1.1566595 1.1805978 ... 1.2321935 1.2015157]


@partial(pmap, axis_name='i')
def normalize(x):
    return x / lax.psum(x, 'i')


print(normalize(np.arange(4.)))
# prints [0.         0.16666667 0.33333334 0.5       ]


@partial(pmap, axis_name='rows')
@partial(pmap, axis_name='cols')
def f(x):
    row_normed = x / lax.psum(x, 'rows')
    col_normed = x / lax.psum(x, 'cols')
    doubly_normed = x / lax.psum(x, ('rows', 'cols'))
    return row_normed, col_normed, doubly_normed


x = np.arange(8.).reshape((4, 2))
a, b, c = f(x)
print(a)
print(b)
print(c)
print(grad(lambda x: np.sum(f(x)[0]))(x))
