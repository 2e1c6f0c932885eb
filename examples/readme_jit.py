"""JAX README: compilation with jit."""
import time

import jax.numpy as np
from jax import jit


def slow_f(x):
    # Element-wise ops see a large benefit from fusion
    return x * x + x * 2.0


x = np.ones((5000, 5000))
fast_f = jit(slow_f)


def timeit(fn, n=5):
    fn(x).block_until_ready()
    start = time.perf_counter()
    for _ in range(n):
        fn(x).block_until_ready()
    return (time.perf_counter() - start) / n


print(f"fast_f: {timeit(fast_f) * 1e3:.1f} ms per call")
print(f"slow_f: {timeit(slow_f) * 1e3:.1f} ms per call")
assert bool(np.all(fast_f(x) == slow_f(x)))
print("fast_f(x) == slow_f(x):", True)
