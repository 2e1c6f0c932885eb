"""Parameter initializers (``jax.nn.initializers``).

An initializer is a function ``init(key, shape, dtype=float32) -> Array``;
the factories here (``normal(stddev)``, ``glorot_uniform(in_axis, out_axis)``,
...) build them.  ``zeros`` and ``ones`` are initializers themselves.  Key
usage follows JAX's, so the same key gives the same parameters.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Callable, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import dtypes, lax, random

Initializer = Callable[..., Any]

_F32 = np.dtype(np.float32)


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.canonicalize_dtype(np.dtype(dtype))


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (operator.index(shape),)
    try:
        return tuple(operator.index(d) for d in shape)
    except TypeError as err:
        raise TypeError(f"initializer shapes must be sequences of integers, got {shape!r}") from err


def _is_complex(dt: np.dtype) -> bool:
    return dt.kind == "c"


def _real_dtype(dt: np.dtype) -> np.dtype:
    if dt == np.complex128:
        return np.dtype(np.float64)
    if dt == np.complex64:
        return _F32
    return dt


def zeros(key: Any, shape: Any, dtype: Any = _F32) -> Any:
    """An array of zeros (``key`` is unused)."""
    del key
    return jnp.zeros(_shape(shape), _dtype(dtype))


def ones(key: Any, shape: Any, dtype: Any = _F32) -> Any:
    """An array of ones (``key`` is unused)."""
    del key
    return jnp.ones(_shape(shape), _dtype(dtype))


def constant(value: Any, dtype: Any = _F32) -> Initializer:
    """An initializer filling arrays with ``value``."""

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        del key
        return jnp.full(_shape(shape), value, dtype=_dtype(dtype))

    return init


def uniform(scale: Any = 1e-2, dtype: Any = _F32) -> Initializer:
    """Samples uniformly from ``[0, scale)``."""

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _dtype(dtype)
        return random.uniform(key, _shape(shape), dt) * jnp.asarray(scale, dtype=dt)

    return init


def normal(stddev: Any = 1e-2, dtype: Any = _F32) -> Initializer:
    """Samples from a centred normal distribution of standard deviation ``stddev``."""

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _dtype(dtype)
        return random.normal(key, _shape(shape), dt) * jnp.asarray(stddev, dtype=dt)

    return init


def truncated_normal(stddev: Any = 1e-2, dtype: Any = _F32, lower: Any = -2.0, upper: Any = 2.0) -> Initializer:
    """A normal of scale ``stddev`` truncated to ``[lower, upper]`` (in units of ``stddev``).

    ``stddev`` is the standard deviation of the untruncated distribution.
    """

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _dtype(dtype)
        return random.truncated_normal(key, lower, upper, _shape(shape), dt) * jnp.asarray(stddev, dtype=dt)

    return init


def _axis_size(shape: tuple[int, ...], axis: Any) -> int:
    if isinstance(axis, (int, np.integer)):
        return shape[operator.index(axis)]
    return math.prod(shape[operator.index(a)] for a in axis)


def _compute_fans(shape: tuple[int, ...], in_axis: Any = -2, out_axis: Any = -1,
                  batch_axis: Any = ()) -> tuple[float, float]:
    """(fan_in, fan_out): the in/out sizes times the receptive field (the other, non-batch axes)."""
    if len(shape) <= 1:
        raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-dimensional weights tensor. "
                         "Must be at least 2D.")
    in_size = _axis_size(shape, in_axis)
    out_size = _axis_size(shape, out_axis)
    batch_size = _axis_size(shape, batch_axis)
    receptive_field = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field, out_size * receptive_field


def _complex_uniform(key: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    """Uniform on the unit disk (radius ``sqrt(2 u)``: unit variance)."""
    key_r, key_theta = random.split(key)
    rdt = _real_dtype(dtype)
    r = jnp.sqrt(2 * random.uniform(key_r, shape, rdt)).astype(dtype)
    theta = 2 * np.pi * random.uniform(key_theta, shape, rdt).astype(dtype)
    return r * jnp.exp(1j * theta)


def _complex_truncated_normal(key: Any, upper: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    """A complex normal whose modulus is truncated at ``upper``."""
    key_r, key_theta = random.split(key)
    rdt = _real_dtype(dtype)
    t = (1 - jnp.exp(jnp.asarray(-(upper ** 2), rdt))) * random.uniform(key_r, shape, rdt).astype(dtype)
    r = jnp.sqrt(-jnp.log(1 - t))
    theta = 2 * np.pi * random.uniform(key_theta, shape, rdt).astype(dtype)
    return r * jnp.exp(1j * theta)


def variance_scaling(scale: Any, mode: str, distribution: str, in_axis: Any = -2, out_axis: Any = -1,
                     batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """Samples with variance ``scale / n``, ``n`` the fan named by ``mode``.

    ``mode``: ``"fan_in"``, ``"fan_out"``, ``"fan_avg"`` or ``"fan_geo_avg"``; ``distribution``:
    ``"truncated_normal"`` (truncated at two standard deviations, rescaled to
    keep the variance), ``"normal"`` or ``"uniform"``.  ``in_axis``/``out_axis``
    (ints or sequences) name the input and output axes of the weights; the
    remaining axes, except ``batch_axis``, form the receptive field.
    """

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        shp = _shape(shape)
        dt = _dtype(dtype)
        fan_in, fan_out = _compute_fans(shp, in_axis, out_axis, batch_axis)
        if mode == "fan_in":
            denominator = fan_in
        elif mode == "fan_out":
            denominator = fan_out
        elif mode == "fan_avg":
            denominator = (fan_in + fan_out) / 2
        elif mode == "fan_geo_avg":
            denominator = math.sqrt(fan_in * fan_out)
        else:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
        variance = jnp.asarray(scale / denominator, dtype=dt)
        if distribution == "truncated_normal":
            if not _is_complex(dt):
                # 0.8796... is the standard deviation of a standard normal truncated to (-2, 2)
                stddev = jnp.sqrt(variance) / jnp.asarray(.87962566103423978, dt)
                return random.truncated_normal(key, -2, 2, shp, dt) * stddev
            # 0.9531... is the standard deviation of a complex standard normal truncated at modulus 2
            stddev = jnp.sqrt(variance) / jnp.asarray(.95311164380491208, dt)
            return _complex_truncated_normal(key, 2, shp, dt) * stddev
        if distribution == "normal":
            return random.normal(key, shp, dt) * jnp.sqrt(variance)
        if distribution == "uniform":
            if not _is_complex(dt):
                return random.uniform(key, shp, dt, -1) * jnp.sqrt(3 * variance)
            return _complex_uniform(key, shp, dt) * jnp.sqrt(variance)
        raise ValueError(f"invalid distribution for variance scaling initializer: {distribution}")

    return init


def glorot_uniform(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """Glorot (Xavier) uniform: variance ``2 / (fan_in + fan_out)``."""
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """Glorot (Xavier) truncated normal: variance ``2 / (fan_in + fan_out)``."""
    return variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def lecun_uniform(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """LeCun uniform: variance ``1 / fan_in``."""
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """LeCun truncated normal: variance ``1 / fan_in``."""
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def he_uniform(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """He (Kaiming) uniform: variance ``2 / fan_in``."""
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = _F32) -> Initializer:
    """He (Kaiming) truncated normal: variance ``2 / fan_in``."""
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = _F32) -> Initializer:
    """A uniformly random (semi-)orthogonal matrix, times ``scale``.

    The array is viewed as a matrix whose columns run along ``column_axis``
    and whose rows are all the other axes flattened.
    """

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        shp = _shape(shape)
        dt = _dtype(dtype)
        if len(shp) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        n_cols = shp[column_axis]
        n_rows = math.prod(shp) // n_cols
        matrix_shape = (n_cols, n_rows) if n_rows < n_cols else (n_rows, n_cols)
        a = random.normal(key, matrix_shape, dt)
        q, r = lax.linalg.qr(a, full_matrices=False)
        diag_sign = jnp.sign(lax.linalg.diagonal(r))
        q = q * jnp.expand_dims(diag_sign, 0)
        if n_rows < n_cols:
            q = q.T
        ax = column_axis % len(shp)
        rest = shp[:ax] + shp[ax + 1:]
        q = jnp.reshape(q, rest + (n_cols,))
        q = jnp.moveaxis(q, -1, ax)
        return jnp.asarray(scale, dtype=dt) * q

    return init


def delta_orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = _F32) -> Initializer:
    """Delta-orthogonal kernels for 1-3 D convolutions (Xiao et al.): an orthogonal
    matrix at the spatial centre of the kernel, zeros elsewhere.

    The shape is ``spatial... + (in, out)`` with ``in <= out``.
    """

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        shp = _shape(shape)
        dt = _dtype(dtype)
        if len(shp) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shp[-1] < shp[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        ortho = orthogonal(scale=scale, column_axis=column_axis, dtype=dt)(key, shp[-2:])
        spatial = shp[:-2]
        centre = tuple((k - 1) // 2 for k in spatial)
        zero = jnp.asarray(0, dtype=dt)
        config = [(c, k - c - 1, 0) for c, k in zip(centre, spatial)] + [(0, 0, 0), (0, 0, 0)]
        block = jnp.reshape(ortho, (1,) * len(spatial) + shp[-2:])
        return lax.pad(block, zero, config)

    return init


__all__ = [
    "Initializer", "zeros", "ones", "constant", "uniform", "normal", "truncated_normal", "variance_scaling",
    "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "lecun_uniform", "lecun_normal",
    "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "delta_orthogonal",
]
