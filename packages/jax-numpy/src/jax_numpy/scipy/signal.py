"""``jax.scipy.signal``: convolution and correlation (any rank; 1-D and 2-D are the common cases).

Direct convolutions through ``lax.conv_general_dilated``, with SciPy's
``'full'``, ``'same'`` and ``'valid'`` output windows.
"""
from __future__ import annotations

from typing import Any

import jax_numpy as jnp
from jax_core import lax
from jax_core.core import get_aval
from jax_numpy._util import promote_dtypes

Array = Any


def _convolve_nd(in1: Any, in2: Any, mode: str, precision: Any) -> Any:
    if mode not in ("same", "full", "valid"):
        raise ValueError("mode must be one of ['same', 'full', 'valid']")
    nd = jnp.ndim(in1)
    if nd != jnp.ndim(in2):
        raise ValueError("in1 and in2 should have the same dimensionality")
    if nd == 0:
        return in1 * in2
    s1, s2 = get_aval(in1).shape, get_aval(in2).shape
    if 0 in s1 or 0 in s2:
        raise ValueError("zero-size arrays not supported in convolutions.")
    in1, in2 = promote_dtypes(in1, in2)
    no_swap = all(a >= b for a, b in zip(s1, s2))
    swap = all(a <= b for a, b in zip(s1, s2))
    if not (no_swap or swap):
        raise ValueError("One input must be smaller than the other in every dimension.")
    shape_o = s2
    if swap:
        in1, in2 = in2, in1
    shape = get_aval(in2).shape
    kernel = lax.rev(in2, tuple(range(nd)))
    if mode == "valid":
        padding = [(0, 0)] * nd
    elif mode == "same":
        padding = [(s - 1 - (so - 1) // 2, s - so + (so - 1) // 2) for s, so in zip(shape, shape_o)]
    else:
        padding = [(s - 1, s - 1) for s in shape]
    dt = get_aval(in1).dtype
    if dt.kind in "iub":
        in1 = in1.astype(jnp.float32)
        kernel = kernel.astype(jnp.float32)
    out = lax.conv_general_dilated(in1[None, None], kernel[None, None], (1,) * nd, padding, precision=precision)
    out = out[0, 0]
    if dt.kind in "iub":
        out = jnp.round(out).astype(dt)
    return out


def convolve(in1: Array, in2: Array, mode: str = "full", method: str = "auto", precision: Any = None) -> Array:
    """N-dimensional convolution of ``in1`` and ``in2`` (``method`` is accepted for SciPy compatibility)."""
    if method not in ("auto", "direct", "fft"):
        raise ValueError("Got unknown method argument {method!r}")
    return _convolve_nd(jnp.asarray(in1), jnp.asarray(in2), mode, precision)


def correlate(in1: Array, in2: Array, mode: str = "full", method: str = "auto", precision: Any = None) -> Array:
    """N-dimensional cross-correlation: ``convolve(in1, flip(conj(in2)))`` with SciPy's window alignment."""
    if method not in ("auto", "direct", "fft"):
        raise ValueError("Got unknown method argument {method!r}")
    in1, in2 = jnp.asarray(in1), jnp.asarray(in2)
    nd = jnp.ndim(in2)
    c2 = jnp.conj(in2) if get_aval(in2).dtype.kind == "c" else in2
    return _convolve_nd(in1, lax.rev(c2, tuple(range(nd))) if nd else c2, mode, precision)


def _check_2d(name: str, in1: Any, in2: Any) -> None:
    if jnp.ndim(in1) != 2 or jnp.ndim(in2) != 2:
        raise ValueError(f"{name}() only supports 2-dimensional inputs.")


def convolve2d(in1: Array, in2: Array, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0,
               precision: Any = None) -> Array:
    """2-D convolution (only ``boundary='fill'`` with ``fillvalue=0``)."""
    in1, in2 = jnp.asarray(in1), jnp.asarray(in2)
    _check_2d("convolve2d", in1, in2)
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError("convolve2d() only supports boundary='fill', fillvalue=0")
    return _convolve_nd(in1, in2, mode, precision)


def correlate2d(in1: Array, in2: Array, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0,
                precision: Any = None) -> Array:
    """2-D cross-correlation (only ``boundary='fill'`` with ``fillvalue=0``)."""
    in1, in2 = jnp.asarray(in1), jnp.asarray(in2)
    _check_2d("correlate2d", in1, in2)
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError("correlate2d() only supports boundary='fill', fillvalue=0")
    if mode == "same":
        # correlate2d centres its 'same' window differently from correlate for even kernels
        c2 = jnp.conj(in2) if get_aval(in2).dtype.kind == "c" else in2
        return lax.rev(_convolve_nd(lax.rev(in1, (0, 1)), c2, mode, precision), (0, 1))
    return correlate(in1, in2, mode, precision=precision)


__all__ = ["convolve", "correlate", "convolve2d", "correlate2d"]
