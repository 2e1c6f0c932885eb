"""stax: neural-network layers as ``(init_fun, apply_fun)`` pairs.

``init_fun(rng, input_shape) -> (output_shape, params)`` and
``apply_fun(params, inputs, **kwargs) -> outputs``.  Combinators (``serial``,
``parallel``, ``FanOut``...) build networks from layers; ``rng`` keyword
arguments are split across sublayers (Dropout needs one in train mode).
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Callable, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import lax, random
from jax_core.core import get_aval
from jax_core.jaxpr import ShapeDtypeStruct, eval_shape
from jax_numpy import nn as jnn
from jax_numpy.nn.initializers import glorot_normal, normal, ones, zeros

Layer = tuple[Callable, Callable]


def Dense(out_dim: int, W_init: Callable = glorot_normal(), b_init: Callable = normal()) -> Layer:
    """Fully-connected layer: ``inputs @ W + b``."""

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        output_shape = tuple(input_shape[:-1]) + (out_dim,)
        k1, k2 = random.split(rng)
        W, b = W_init(k1, (input_shape[-1], out_dim)), b_init(k2, (out_dim,))
        return output_shape, (W, b)

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        W, b = params
        return jnp.dot(inputs, W) + b

    return init_fun, apply_fun


def _conv_out_shape(input_shape: Sequence[int], kernel_shape: Sequence[int], strides: Sequence[int], padding: Any,
                    dimension_numbers: Any, lhs_dilation: Any = None) -> tuple:
    out = eval_shape(
        lambda x, w: lax.conv_general_dilated(x, w, strides, padding, lhs_dilation=lhs_dilation,
                                              dimension_numbers=dimension_numbers),
        ShapeDtypeStruct(tuple(input_shape), np.float32), ShapeDtypeStruct(tuple(kernel_shape), np.float32))
    return tuple(out.shape)


def GeneralConv(dimension_numbers: tuple, out_chan: int, filter_shape: Sequence[int], strides: Any = None,
                padding: Any = "VALID", W_init: Callable | None = None, b_init: Callable = normal(1e-6)) -> Layer:
    """Convolution with explicit dimension numbers, e.g. ``('NHWC', 'HWIO', 'NHWC')``."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    one = (1,) * len(filter_shape)
    strides = tuple(strides) if strides is not None else one
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        it = iter(filter_shape)
        kernel_shape = [out_chan if c == "O" else input_shape[lhs_spec.index("C")] if c == "I" else next(it)
                        for c in rhs_spec]
        output_shape = _conv_out_shape(input_shape, kernel_shape, strides, padding, dimension_numbers)
        bias_shape = [out_chan if c == "C" else 1 for c in out_spec]
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, tuple(kernel_shape)), b_init(k2, tuple(bias_shape)))

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        W, b = params
        return lax.conv_general_dilated(inputs, W, strides, padding, one, one,
                                        dimension_numbers=dimension_numbers) + b

    return init_fun, apply_fun


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))


def GeneralConvTranspose(dimension_numbers: tuple, out_chan: int, filter_shape: Sequence[int], strides: Any = None,
                         padding: Any = "VALID", W_init: Callable | None = None,
                         b_init: Callable = normal(1e-6)) -> Layer:
    """Transposed convolution (gradient of a convolution) layer."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    one = (1,) * len(filter_shape)
    strides = tuple(strides) if strides is not None else one
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        it = iter(filter_shape)
        kernel_shape = [out_chan if c == "O" else input_shape[lhs_spec.index("C")] if c == "I" else next(it)
                        for c in rhs_spec]
        out = eval_shape(lambda x, w: lax.conv_transpose(x, w, strides, padding, dimension_numbers=dimension_numbers),
                         ShapeDtypeStruct(tuple(input_shape), np.float32),
                         ShapeDtypeStruct(tuple(kernel_shape), np.float32))
        bias_shape = [out_chan if c == "C" else 1 for c in out_spec]
        k1, k2 = random.split(rng)
        return tuple(out.shape), (W_init(k1, tuple(kernel_shape)), b_init(k2, tuple(bias_shape)))

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        W, b = params
        return lax.conv_transpose(inputs, W, strides, padding, dimension_numbers=dimension_numbers) + b

    return init_fun, apply_fun


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))


def BatchNorm(axis: Any = (0, 1, 2), epsilon: float = 1e-5, center: bool = True, scale: bool = True,
              beta_init: Callable = zeros, gamma_init: Callable = ones) -> Layer:
    """Normalize over ``axis`` with batch statistics, then scale and shift per feature."""
    axes = (axis,) if np.isscalar(axis) else tuple(axis)

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        shape = tuple(d for i, d in enumerate(input_shape) if i not in [a % len(input_shape) for a in axes])
        k1, k2 = random.split(rng)
        beta = beta_init(k1, shape) if center else ()
        gamma = gamma_init(k2, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params: Any, x: Any, **kwargs: Any) -> Any:
        beta, gamma = params
        nd = get_aval(x).ndim
        ax = tuple(a % nd for a in axes)
        kept = tuple(i for i in range(nd) if i not in ax)
        z = jnn.standardize(x, ax, epsilon=epsilon)
        shape = tuple(get_aval(x).shape[i] if i in kept else 1 for i in range(nd))
        if center:
            z = z + jnp.reshape(beta, shape)
        if scale:
            z = z * jnp.reshape(gamma, shape)
        return z

    return init_fun, apply_fun


def elementwise(fun: Callable, **fun_kwargs: Any) -> Layer:
    """A parameterless layer applying ``fun`` to its inputs."""

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        return input_shape, ()

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        return fun(inputs, **fun_kwargs)

    return init_fun, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(jnn.relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(jnn.log_softmax, axis=-1)
Softmax = elementwise(jnn.softmax, axis=-1)
Softplus = elementwise(jnn.softplus)
Sigmoid = elementwise(jnn.sigmoid)
Elu = elementwise(jnn.elu)
LeakyRelu = elementwise(jnn.leaky_relu)
Selu = elementwise(jnn.selu)
Gelu = elementwise(jnn.gelu)


def _pooling_layer(reducer: Callable, init_val: Any, rescaler: Callable | None = None) -> Callable[..., Layer]:
    def PoolingLayer(window_shape: Sequence[int], strides: Any = None, padding: Any = "VALID",
                     spec: str | None = None) -> Layer:
        strides = tuple(strides) if strides is not None else (1,) * len(window_shape)
        rescale = rescaler(window_shape, strides, padding) if rescaler else None

        if spec is None:
            non_spatial_axes: tuple = (0, len(window_shape) + 1)
        else:
            non_spatial_axes = (spec.index("N"), spec.index("C"))

        window = list(window_shape)
        strides_full = list(strides)
        for a in sorted(non_spatial_axes):
            window.insert(a, 1)
            strides_full.insert(a, 1)
        window_t, strides_t = tuple(window), tuple(strides_full)

        def init_fun(rng: Any, input_shape: tuple) -> tuple:
            out = eval_shape(lambda x: lax.reduce_window(x, init_val, reducer, window_t, strides_t, padding),
                             ShapeDtypeStruct(tuple(input_shape), np.float32))
            return tuple(out.shape), ()

        def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
            out = lax.reduce_window(inputs, init_val, reducer, window_t, strides_t, padding)
            return rescale(out, inputs, spec) if rescale else out

        return init_fun, apply_fun

    return PoolingLayer


MaxPool = _pooling_layer(lax.max, -np.inf)
SumPool = _pooling_layer(lax.add, 0.0)


def _normalize_by_window_size(dims: Sequence[int], strides: Sequence[int], padding: Any) -> Callable:
    def rescale(outputs: Any, inputs: Any, spec: str | None) -> Any:
        if spec is None:
            non_spatial_axes: tuple = (0, get_aval(inputs).ndim - 1)
        else:
            non_spatial_axes = (spec.index("N"), spec.index("C"))
        spatial_shape = tuple(get_aval(inputs).shape[i] for i in range(get_aval(inputs).ndim)
                              if i not in non_spatial_axes)
        one = jnp.ones(spatial_shape, dtype=get_aval(inputs).dtype)
        window_sizes = lax.reduce_window(one, 0.0, lax.add, tuple(dims), tuple(strides), padding)
        for i in sorted(non_spatial_axes):
            window_sizes = jnp.expand_dims(window_sizes, i)
        return outputs / window_sizes

    return rescale


AvgPool = _pooling_layer(lax.add, 0.0, _normalize_by_window_size)


def _flatten_shape(input_shape: tuple) -> tuple:
    return input_shape[0], functools.reduce(operator.mul, input_shape[1:], 1)


def _flatten_init(rng: Any, input_shape: tuple) -> tuple:
    return _flatten_shape(input_shape), ()


def _flatten_apply(params: Any, inputs: Any, **kwargs: Any) -> Any:
    return jnp.reshape(inputs, (get_aval(inputs).shape[0], -1))


Flatten: Layer = (_flatten_init, _flatten_apply)


def _identity_init(rng: Any, input_shape: tuple) -> tuple:
    return input_shape, ()


def _identity_apply(params: Any, inputs: Any, **kwargs: Any) -> Any:
    return inputs


Identity: Layer = (_identity_init, _identity_apply)


def FanOut(num: int) -> Layer:
    """Copy the input ``num`` times (for ``parallel``)."""

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        return [input_shape] * num, ()

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        return [inputs] * num

    return init_fun, apply_fun


def _fan_in_sum_init(rng: Any, input_shape: Sequence) -> tuple:
    return input_shape[0], ()


def _fan_in_sum_apply(params: Any, inputs: Sequence, **kwargs: Any) -> Any:
    return functools.reduce(operator.add, inputs)


FanInSum: Layer = (_fan_in_sum_init, _fan_in_sum_apply)


def FanInConcat(axis: int = -1) -> Layer:
    """Concatenate a list of inputs along ``axis``."""

    def init_fun(rng: Any, input_shape: Sequence) -> tuple:
        ax = axis % len(input_shape[0])
        concat_size = sum(shape[ax] for shape in input_shape)
        out_shape = tuple(input_shape[0][:ax]) + (concat_size,) + tuple(input_shape[0][ax + 1:])
        return out_shape, ()

    def apply_fun(params: Any, inputs: Sequence, **kwargs: Any) -> Any:
        return jnp.concatenate(inputs, axis)

    return init_fun, apply_fun


def Dropout(rate: float, mode: str = "train") -> Layer:
    """Dropout.  As in JAX's stax, ``rate`` is the probability of *keeping* a unit."""

    def init_fun(rng: Any, input_shape: tuple) -> tuple:
        return input_shape, ()

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError(
                "Dropout layer requires apply_fun to be called with a PRNG key argument. That is, "
                "instead of `apply_fun(params, inputs)`, call it like `apply_fun(params, inputs, rng)` "
                "where `rng` is a PRNG key (e.g. from `jax.random.PRNGKey`).")
        if mode == "train":
            keep = random.bernoulli(rng, rate, get_aval(inputs).shape)
            return jnp.where(keep, inputs / rate, 0)
        return inputs

    return init_fun, apply_fun


def serial(*layers: Layer) -> Layer:
    """Compose layers in sequence."""
    nlayers = len(layers)
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng: Any, input_shape: Any) -> tuple:
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, param = init(layer_rng, input_shape)
            params.append(param)
        return input_shape, params

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, nlayers) if rng is not None else (None,) * nlayers
        for fun, param, r in zip(apply_funs, params, rngs):
            inputs = fun(param, inputs, rng=r, **kwargs)
        return inputs

    return init_fun, apply_fun


def parallel(*layers: Layer) -> Layer:
    """Apply layers side by side to a list of inputs (pair with FanOut / FanIn*)."""
    nlayers = len(layers)
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng: Any, input_shape: Sequence) -> tuple:
        rngs = random.split(rng, nlayers)
        return zip(*[init(r, shape) for init, r, shape in zip(init_funs, rngs, input_shape)])  # type: ignore

    def apply_fun(params: Any, inputs: Sequence, **kwargs: Any) -> Any:
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, nlayers) if rng is not None else (None,) * nlayers
        return [f(p, x, rng=r, **kwargs) for f, p, x, r in zip(apply_funs, params, inputs, rngs)]

    def init_list(rng: Any, input_shape: Sequence) -> tuple:
        shapes, params = init_fun(rng, input_shape)
        return list(shapes), list(params)

    return init_list, apply_fun


def shape_dependent(make_layer: Callable[[Any], Layer]) -> Layer:
    """A layer built lazily from the input shape."""

    def init_fun(rng: Any, input_shape: Any) -> tuple:
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params: Any, inputs: Any, **kwargs: Any) -> Any:
        return make_layer(get_aval(inputs).shape)[1](params, inputs, **kwargs)

    return init_fun, apply_fun


__all__ = [
    "Dense", "GeneralConv", "Conv", "GeneralConvTranspose", "Conv1DTranspose", "ConvTranspose", "BatchNorm",
    "elementwise", "Tanh", "Relu", "Exp", "LogSoftmax", "Softmax", "Softplus", "Sigmoid", "Elu", "LeakyRelu",
    "Selu", "Gelu", "MaxPool", "SumPool", "AvgPool", "Flatten", "Identity", "FanOut", "FanInSum", "FanInConcat",
    "Dropout", "serial", "parallel", "shape_dependent",
]
