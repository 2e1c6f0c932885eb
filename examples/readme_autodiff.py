"""JAX README: automatic differentiation with grad, including Python control flow."""
from jax import grad, jacfwd, jacrev, jit
import jax.numpy as np


def tanh(x):  # Define a function
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


grad_tanh = grad(tanh)  # Obtain its gradient function
print(grad_tanh(1.0))   # Evaluate it at x = 1.0
# prints 0.4199743

print(grad(grad(grad(tanh)))(1.0))
# prints 0.62162673


def abs_val(x):
    if x > 0:
        return x
    else:
        return -x


abs_val_grad = grad(abs_val)
print(abs_val_grad(1.0))   # prints 1.0
print(abs_val_grad(-1.0))  # prints -1.0 (abs_val is re-evaluated)


def hessian(fun):
    return jit(jacfwd(jacrev(fun)))


def f(x):
    return np.sum(x ** 3) + x[0] * x[1]


print(hessian(f)(np.array([1.0, 2.0])))
# prints [[6. 1.]
#         [1. 12.]]
