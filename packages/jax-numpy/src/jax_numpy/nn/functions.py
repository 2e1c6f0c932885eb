"""Activation functions and friends (``jax.nn``), written with jax.numpy.

Each is numerically stable over the whole real line, as JAX's are:
``softmax``/``log_softmax``/``logsumexp`` shift by the (gradient-stopped)
maximum, ``log_sigmoid`` and ``softplus`` go through ``logaddexp``, ``elu``
and ``celu`` never evaluate ``exp`` of a large positive number.  Gradients at
the kinks follow JAX's conventions: ``relu`` and ``relu6`` have derivative 0
at 0 (and at 6).
"""
from __future__ import annotations

import math
import operator
from typing import Any, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import dtypes, lax
from jax_core.core import get_aval

Array = Any


def _stop_gradient(x: Any) -> Any:
    return lax.stop_gradient(x)


def _inexact(name: str, x: Any) -> Any:
    """``x`` as an array of an inexact dtype (integers promote like jnp ufuncs do)."""
    x = jnp.asarray(x)
    if not dtypes.is_inexact_dtype(get_aval(x).dtype):
        x = x.astype(dtypes.canonicalize_dtype(np.dtype(np.float64)))
    return x


def _axis_arg(axis: Any) -> Any:
    if axis is None or isinstance(axis, tuple):
        return axis
    if isinstance(axis, list):
        return tuple(axis)
    return operator.index(axis)


# --------------------------------------------------------------------------
# elementwise activations


def identity(x: Array) -> Array:
    """The identity function: ``x``."""
    return jnp.asarray(x)


def relu(x: Array) -> Array:
    """Rectified linear unit ``max(x, 0)``; its derivative at 0 is 0, as in JAX."""
    x = jnp.asarray(x)
    return jnp.where(x > 0, x, jnp.zeros_like(x))


def relu6(x: Array) -> Array:
    """``min(max(x, 0), 6)``; derivative 0 at both kinks, as in JAX."""
    x = jnp.asarray(x)
    six = jnp.full_like(x, 6)
    return jnp.where(x > 0, jnp.where(x < 6, x, six), jnp.zeros_like(x))


def sigmoid(x: Array) -> Array:
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""
    return lax.logistic(_inexact("sigmoid", x))


def softplus(x: Array) -> Array:
    """``log(1 + exp(x))``, stable for large ``|x|`` (derivative: ``sigmoid(x)``, 1/2 at 0)."""
    x = _inexact("softplus", x)
    pos = x > 0
    zero = jnp.zeros_like(x)
    xp = jnp.where(pos, x, zero)     # each branch sees only arguments it handles without overflow
    xn = jnp.where(pos, zero, x)
    return jnp.where(pos, xp + jnp.log1p(jnp.exp(-xp)), jnp.log1p(jnp.exp(xn)))


def sparse_plus(x: Array) -> Array:
    """0 below -1, ``(x + 1)^2 / 4`` on [-1, 1], ``x`` above 1."""
    x = _inexact("sparse_plus", x)
    return jnp.where(x <= -1.0, jnp.zeros_like(x), jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4))


def sparse_sigmoid(x: Array) -> Array:
    """The derivative of ``sparse_plus``: ``clip((x + 1) / 2, 0, 1)``."""
    x = _inexact("sparse_sigmoid", x)
    return 0.5 * jnp.clip(x + 1.0, 0.0, 2.0)


def squareplus(x: Array, b: Array = 4) -> Array:
    """``(x + sqrt(x^2 + b)) / 2``."""
    x = _inexact("squareplus", x)
    return (x + jnp.sqrt(jnp.square(x) + b)) / 2


def soft_sign(x: Array) -> Array:
    """``x / (|x| + 1)``."""
    x = _inexact("soft_sign", x)
    return x / (jnp.abs(x) + 1)


def silu(x: Array) -> Array:
    """SiLU (swish): ``x * sigmoid(x)``."""
    x = _inexact("silu", x)
    return x * sigmoid(x)


swish = silu


def mish(x: Array) -> Array:
    """``x * tanh(softplus(x))``."""
    x = _inexact("mish", x)
    return x * jnp.tanh(softplus(x))


def log_sigmoid(x: Array) -> Array:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for very negative ``x``."""
    x = _inexact("log_sigmoid", x)
    return -softplus(-x)


def elu(x: Array, alpha: Array = 1.0) -> Array:
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    x = _inexact("elu", x)
    safe_x = jnp.where(x > 0, jnp.zeros_like(x), x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(safe_x))


def leaky_relu(x: Array, negative_slope: Array = 1e-2) -> Array:
    """``x`` if ``x >= 0`` else ``negative_slope * x``."""
    x = _inexact("leaky_relu", x)
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x: Array) -> Array:
    """``x`` clipped to [-1, 1]."""
    x = jnp.asarray(x)
    one = jnp.ones_like(x)
    return jnp.where(x > 1, one, jnp.where(x < -1, -one, x))


def celu(x: Array, alpha: Array = 1.0) -> Array:
    """Continuously differentiable ELU: ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    x = _inexact("celu", x)
    return jnp.maximum(x, 0.0) + alpha * jnp.expm1(jnp.minimum(x, 0.0) / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Array) -> Array:
    """Scaled ELU with the self-normalizing constants of Klambauer et al."""
    x = _inexact("selu", x)
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x: Array, approximate: bool = True) -> Array:
    """Gaussian error linear unit.

    ``approximate=True`` (JAX's default): ``x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``;
    otherwise the exact ``x * Phi(x) = x/2 erfc(-x/sqrt(2))``.
    """
    x = _inexact("gelu", x)
    if approximate:
        c = math.sqrt(2 / math.pi)
        cdf = 0.5 * (1.0 + jnp.tanh(c * (x + 0.044715 * (x ** 3))))
        return x * cdf
    return x * (lax.erfc(-x * (1 / math.sqrt(2))) / 2)


def glu(x: Array, axis: int = -1) -> Array:
    """Gated linear unit: the first half of ``x`` along ``axis`` times the sigmoid of the second."""
    x = jnp.asarray(x)
    size = get_aval(x).shape[axis]
    if size % 2:
        raise ValueError(f"glu: axis {axis} of an array of shape {get_aval(x).shape} must have an even size")
    a, b = jnp.split(x, 2, axis)
    return a * sigmoid(b)


def hard_sigmoid(x: Array) -> Array:
    """``relu6(x + 3) / 6``."""
    x = _inexact("hard_sigmoid", x)
    return relu6(x + 3.0) / 6.0


def hard_silu(x: Array) -> Array:
    """``x * hard_sigmoid(x)``."""
    x = _inexact("hard_silu", x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


# --------------------------------------------------------------------------
# normalizations over an axis


def _reduce_max(x: Any, axis: Any, where: Any, initial: Any) -> Any:
    if where is None and initial is None:
        return jnp.max(x, axis=axis, keepdims=True)
    return jnp.max(x, axis=axis, keepdims=True, where=where,
                   initial=-np.inf if initial is None else initial)


def logsumexp(a: Array, axis: Any = None, b: Array | None = None, keepdims: bool = False,
              return_sign: bool = False, where: Array | None = None) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably.

    Rows of ``-inf`` give ``-inf``; with ``return_sign`` the result is
    ``(log|sum|, sign(sum))`` (negative weights ``b`` allowed), otherwise a
    negative sum gives NaN.
    """
    axis = _axis_arg(axis)
    a = _inexact("logsumexp", a)
    if b is not None:
        a, b = jnp.asarray(a), jnp.asarray(b)
        a, b = jnp.broadcast_arrays(a, b)
        bdt = dtypes.result_type(get_aval(a).dtype, get_aval(b).dtype)
        a = a.astype(bdt) if get_aval(a).dtype != bdt else a
        b = b.astype(bdt) if get_aval(b).dtype != bdt else b
        if where is not None:
            b = jnp.where(where, b, jnp.zeros_like(b))
        # entries with zero weight do not contribute (even when a is +-inf there)
        a = jnp.where(b != 0, a, jnp.full_like(a, -np.inf))
    elif where is not None:
        a = jnp.where(where, a, jnp.full_like(a, -np.inf))
    amax = jnp.max(a, axis=axis, keepdims=True)
    amax = _stop_gradient(jnp.where(jnp.isfinite(amax), amax, jnp.zeros_like(amax)))
    e = jnp.exp(a - amax)
    if b is not None:
        e = e * b
    s = jnp.sum(e, axis=axis, keepdims=True)
    if return_sign:
        sign = jnp.sign(s)
        s = jnp.abs(s)
    out = lax.log(s) + amax   # lax: log(0) = -inf without a NumPy warning
    if not keepdims:
        ax = tuple(range(jnp.ndim(out))) if axis is None else axis
        out = jnp.squeeze(out, axis=ax)
        if return_sign:
            sign = jnp.squeeze(sign, axis=ax)
    if return_sign:
        return out, sign
    return out


def logmeanexp(x: Array, axis: Any = None, where: Array | None = None, keepdims: bool = False) -> Array:
    """``log(mean(exp(x)))`` over ``axis``."""
    axis = _axis_arg(axis)
    x = _inexact("logmeanexp", x)
    lse = logsumexp(x, axis=axis, keepdims=keepdims, where=where)
    if where is None:
        shape = get_aval(x).shape
        axes = range(len(shape)) if axis is None else ((axis,) if isinstance(axis, int) else axis)
        count: Any = math.prod(shape[a] for a in axes)
    else:
        count = jnp.sum(jnp.broadcast_to(jnp.asarray(where), get_aval(x).shape), axis=axis, keepdims=keepdims)
    return lse - jnp.log(jnp.asarray(count, dtype=get_aval(lse).dtype))


def log_softmax(x: Array, axis: Any = -1, where: Array | None = None, initial: Any = None) -> Array:
    """``x - logsumexp(x)`` over ``axis``, stable at extreme inputs."""
    axis = _axis_arg(axis)
    x = _inexact("log_softmax", x)
    x_max = _reduce_max(x, axis, where, initial if where is not None else None)
    x_safe = x if where is None else jnp.where(where, x, jnp.full_like(x, -np.inf))
    shifted = x_safe - _stop_gradient(x_max)
    shifted_lse = lax.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True))
    result = shifted - shifted_lse
    if where is not None:
        return jnp.where(where, result, jnp.full_like(result, -np.inf))
    return result


def softmax(x: Array, axis: Any = -1, where: Array | None = None, initial: Any = None) -> Array:
    """``exp(x) / sum(exp(x))`` over ``axis``, shifted by the maximum for stability."""
    axis = _axis_arg(axis)
    x = _inexact("softmax", x)
    x_max = _reduce_max(x, axis, where, initial if where is not None else None)
    x_safe = x if where is None else jnp.where(where, x, jnp.full_like(x, -np.inf))
    unnormalized = jnp.exp(x_safe - _stop_gradient(x_max))
    result = unnormalized / jnp.sum(unnormalized, axis=axis, keepdims=True)
    if where is not None:
        return jnp.where(where, result, jnp.zeros_like(result))
    return result


def standardize(x: Array, axis: Any = -1, mean: Array | None = None, variance: Array | None = None,
                epsilon: Array = 1e-5, where: Array | None = None) -> Array:
    """``(x - mean) / sqrt(variance + epsilon)`` with the statistics taken over ``axis``."""
    axis = _axis_arg(axis)
    x = _inexact("standardize", x)
    if mean is None:
        mean = jnp.mean(x, axis=axis, keepdims=True, where=where) if where is not None \
            else jnp.mean(x, axis=axis, keepdims=True)
    if variance is None:
        # E[x^2] - E[x]^2, as JAX computes it (one pass over the data)
        sq = jnp.real(x * jnp.conj(x)) if get_aval(x).dtype.kind == "c" else jnp.square(x)
        ex2 = jnp.mean(sq, axis=axis, keepdims=True, where=where) if where is not None \
            else jnp.mean(sq, axis=axis, keepdims=True)
        m2 = jnp.real(mean * jnp.conj(mean)) if get_aval(mean).dtype.kind == "c" else jnp.square(mean)
        variance = ex2 - m2
    return (x - mean) * lax.rsqrt(variance + epsilon)


def normalize(x: Array, axis: Any = -1, mean: Array | None = None, variance: Array | None = None,
              epsilon: Array = 1e-5, where: Array | None = None) -> Array:
    """Deprecated alias of :func:`standardize`."""
    return standardize(x, axis, mean, variance, epsilon, where)


def one_hot(x: Array, num_classes: int, *, dtype: Any = None, axis: int | Sequence[int] = -1) -> Array:
    """One-hot encoding of the integers ``x``: a new axis of size ``num_classes``.

    Out-of-range values (negative, or ``>= num_classes``) give all-zero rows.
    """
    try:
        num_classes = operator.index(num_classes)
    except TypeError as err:
        raise TypeError("one_hot: num_classes must be a concrete (static) integer, got "
                        f"{num_classes!r}; it fixes the shape of the result.") from err
    dt = dtypes.canonicalize_dtype(np.dtype(np.float64)) if dtype is None else \
        dtypes.canonicalize_dtype(np.dtype(dtype))
    x = jnp.asarray(x)
    nd = jnp.ndim(x)
    if not isinstance(axis, int):
        raise TypeError("one_hot: axis must be an integer")
    out_nd = nd + 1
    if not -out_nd <= axis < out_nd:
        raise ValueError(f"one_hot: axis {axis} is out of bounds for a result of rank {out_nd}")
    pos = axis % out_nd
    lhs = jnp.expand_dims(x, pos)
    shape = [1] * out_nd
    shape[pos] = num_classes
    rhs = lax.broadcasted_iota(get_aval(x).dtype if get_aval(x).dtype.kind in "iu" else np.int32,
                               tuple(shape), pos)
    if get_aval(x).dtype.kind not in "iu":
        rhs = rhs.astype(get_aval(x).dtype)
    return (lhs == rhs).astype(dt)


__all__ = [
    "identity", "relu", "relu6", "sigmoid", "softplus", "sparse_plus", "sparse_sigmoid", "squareplus",
    "soft_sign", "silu", "swish", "mish", "log_sigmoid", "elu", "leaky_relu", "hard_tanh", "celu", "selu",
    "gelu", "glu", "hard_sigmoid", "hard_silu", "hard_swish", "logsumexp", "logmeanexp", "log_softmax",
    "softmax", "standardize", "normalize", "one_hot",
]
