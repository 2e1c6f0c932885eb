"""``jax.numpy.fft``: NumPy's discrete Fourier transforms on the ``fft`` primitive.

The primitive transforms the trailing 1 to 3 axes; requested axes are moved
there (and back), and transforms over more than three axes are done in
separable passes.  ``n``/``s`` crop or zero-pad the input as NumPy does, and
``norm`` is ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
Single-precision inputs give complex64 results.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import dtypes, lax
from jax_core.core import get_aval
from jax_core.lax.fft import FftType

Array = Any

_NORMS = (None, "backward", "ortho", "forward")


def _shape(a: Any) -> tuple[int, ...]:
    return get_aval(a).shape


def _check_norm(norm: Any) -> None:
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')


def _as_input(a: Any, fft_type: FftType) -> Any:
    a = jnp.asarray(a)
    dt = get_aval(a).dtype
    if fft_type == FftType.RFFT:
        if dt.kind == "c":
            raise TypeError("rfft requires a real-valued input, got a complex array")
        if not dtypes.is_inexact_dtype(dt) or dt not in (np.float32, np.float64):
            a = lax.convert_element_type(a, dtypes.canonicalize_dtype(np.dtype(np.float64))
                                         if dt != np.float32 else np.float32)
    else:
        if dt.kind != "c":
            target = np.complex128 if dt == np.float64 else np.complex64
            a = lax.convert_element_type(a, dtypes.canonicalize_dtype(np.dtype(target)))
    return a


def _resize(a: Any, axis: int, size: int) -> Any:
    """Crop or zero-pad ``a`` along ``axis`` to ``size``."""
    shape = _shape(a)
    cur = shape[axis]
    if cur == size:
        return a
    nd = len(shape)
    if cur > size:
        limit = list(shape)
        limit[axis] = size
        return lax.slice(a, (0,) * nd, limit)
    cfg = [(0, 0, 0)] * nd
    cfg[axis] = (0, size - cur, 0)
    return lax.pad(a, lax.full((), 0, get_aval(a).dtype), cfg)


def _scale(out: Any, lengths: Sequence[int], func_name: str, norm: Any) -> Any:
    if norm is None or norm == "backward":
        return out
    n = float(math.prod(lengths))
    inverse = func_name.startswith("i")
    if norm == "ortho":
        factor = math.sqrt(n) if inverse else 1 / math.sqrt(n)
    else:  # forward
        factor = n if inverse else 1 / n
    return lax.mul(out, lax.full_like(out, factor))


def _real_of(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dt in (np.float64, np.complex128) else np.dtype(np.float32)


def _transform_trailing(a: Any, fft_type: FftType, lengths: tuple[int, ...]) -> Any:
    """The primitive over the trailing ``len(lengths)`` axes, in passes of at most three axes."""
    k = len(lengths)
    if k == 0:
        return a
    if k <= 3:
        return lax.fft(a, fft_type, lengths)
    nd = len(_shape(a))
    if fft_type in (FftType.FFT, FftType.IFFT):
        # separable: the last three axes, then the rest (moved to the back)
        a = lax.fft(a, fft_type, lengths[-3:])
        lead = tuple(range(nd - k, nd - 3))
        perm = tuple(i for i in range(nd) if i not in lead) + lead
        a = lax.transpose(a, perm)
        a = _transform_trailing(a, fft_type, lengths[:-3])
        return lax.transpose(a, tuple(np.argsort(perm)))
    if fft_type == FftType.RFFT:
        a = lax.fft(a, FftType.RFFT, lengths[-1:])
        lead = tuple(range(nd - k, nd - 1))
        perm = tuple(i for i in range(nd) if i not in lead) + lead
        a = _transform_trailing(lax.transpose(a, perm), FftType.FFT, lengths[:-1])
        return lax.transpose(a, tuple(np.argsort(perm)))
    # IRFFT: the complex inverse over the leading axes, then the real inverse over the last
    lead = tuple(range(nd - k, nd - 1))
    perm = tuple(i for i in range(nd) if i not in lead) + lead
    a = _transform_trailing(lax.transpose(a, perm), FftType.IFFT, lengths[:-1])
    a = lax.transpose(a, tuple(np.argsort(perm)))
    return lax.fft(a, FftType.IRFFT, lengths[-1:])


def _fft_core(func_name: str, fft_type: FftType, a: Any, s: Any, axes: Any, norm: Any) -> Any:
    _check_norm(norm)
    a = _as_input(a, fft_type)
    nd = len(_shape(a))
    if s is not None:
        s = tuple(operator.index(x) for x in s)
        if any(x < 0 for x in s):
            raise ValueError("Shape should be a non-negative tuple of integers.")
    if s is not None and axes is not None and len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    orig_axes = axes
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    else:
        axes = tuple(operator.index(ax) for ax in axes)
        for ax in axes:
            if not -nd <= ax < nd:
                raise ValueError(f"{func_name}: axis {ax} is out of bounds for an array of rank {nd}")
        axes = tuple(ax % nd for ax in axes)
    if len(axes) != len(set(axes)):
        raise ValueError(f"{func_name} does not support repeated axes. Got axes {axes}.")
    if not axes:
        return a
    # move the transformed axes to the back, in order
    trailing = tuple(range(nd - len(axes), nd))
    if orig_axes is not None or axes != trailing:
        a = jnp.moveaxis(a, axes, trailing)
    if s is not None:
        for ax, size in zip(trailing, s):
            target = size // 2 + 1 if (fft_type == FftType.IRFFT and ax == nd - 1) else size
            a = _resize(a, ax, target)
        lengths = s
    elif fft_type == FftType.IRFFT:
        shp = _shape(a)
        lengths = tuple(shp[ax] for ax in trailing[:-1]) + (max(0, 2 * (shp[-1] - 1)),)
    else:
        shp = _shape(a)
        lengths = tuple(shp[ax] for ax in trailing)
    out = _transform_trailing(a, fft_type, tuple(lengths))
    out = _scale(out, lengths, func_name, norm)
    if orig_axes is not None or axes != trailing:
        out = jnp.moveaxis(out, trailing, axes)
    return out


def _one_axis(func_name: str, fft_type: FftType, a: Any, n: Any, axis: Any, norm: Any) -> Any:
    if isinstance(axis, (tuple, list)):
        raise ValueError(f"{func_name}: axis must be a single integer, got {axis}")
    s = None if n is None else (operator.index(n),)
    return _fft_core(func_name, fft_type, a, s, (operator.index(axis),), norm)


def fft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """One-dimensional discrete Fourier transform."""
    return _one_axis("fft", FftType.FFT, a, n, axis, norm)


def ifft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """One-dimensional inverse discrete Fourier transform."""
    return _one_axis("ifft", FftType.IFFT, a, n, axis, norm)


def rfft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """One-dimensional DFT of real input (the ``n // 2 + 1`` non-negative frequencies)."""
    return _one_axis("rfft", FftType.RFFT, a, n, axis, norm)


def irfft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """Inverse of :func:`rfft` (real output of length ``n``, default ``2 * (m - 1)``)."""
    return _one_axis("irfft", FftType.IRFFT, a, n, axis, norm)


def _swap_norm(norm: Any) -> Any:
    _check_norm(norm)
    return {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}[norm]


def hfft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """DFT of a Hermitian-symmetric signal given by its first half (real output)."""
    a = jnp.asarray(a)
    return irfft(jnp.conj(a), n=n, axis=axis, norm=_swap_norm(norm))


def ihfft(a: Array, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """Inverse of :func:`hfft`: the half spectrum of a real signal's inverse DFT."""
    return jnp.conj(rfft(a, n=n, axis=axis, norm=_swap_norm(norm)))


def fftn(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: str | None = None) -> Array:
    """N-dimensional discrete Fourier transform (all axes by default)."""
    return _fft_core("fftn", FftType.FFT, a, s, axes, norm)


def ifftn(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str | None = None) -> Array:
    """N-dimensional inverse discrete Fourier transform."""
    return _fft_core("ifftn", FftType.IFFT, a, s, axes, norm)


def rfftn(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str | None = None) -> Array:
    """N-dimensional DFT of real input (the last axis halved)."""
    return _fft_core("rfftn", FftType.RFFT, a, s, axes, norm)


def irfftn(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: str | None = None) -> Array:
    """Inverse of :func:`rfftn`."""
    return _fft_core("irfftn", FftType.IRFFT, a, s, axes, norm)


def _axes2(func_name: str, axes: Sequence[int]) -> tuple:
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"{func_name} requires exactly two axes, got {axes}")
    return axes


def fft2(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Array:
    """Two-dimensional discrete Fourier transform."""
    return _fft_core("fft2", FftType.FFT, a, s, _axes2("fft2", axes), norm)


def ifft2(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Array:
    """Two-dimensional inverse discrete Fourier transform."""
    return _fft_core("ifft2", FftType.IFFT, a, s, _axes2("ifft2", axes), norm)


def rfft2(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Array:
    """Two-dimensional DFT of real input."""
    return _fft_core("rfft2", FftType.RFFT, a, s, _axes2("rfft2", axes), norm)


def irfft2(a: Array, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
           norm: str | None = None) -> Array:
    """Inverse of :func:`rfft2`."""
    return _fft_core("irfft2", FftType.IRFFT, a, s, _axes2("irfft2", axes), norm)


def _freq_dtype(dtype: Any) -> np.dtype:
    if dtype is None:
        return dtypes.canonicalize_dtype(np.dtype(np.float64))
    return dtypes.canonicalize_dtype(np.dtype(dtype))


def fftfreq(n: int, d: Any = 1.0, *, dtype: Any = None, device: Any = None) -> Array:
    """Sample frequencies ``[0, 1, ..., n//2 - 1 (or n//2), -n//2, ..., -1] / (d n)``."""
    n = operator.index(n)
    dt = _freq_dtype(dtype)
    k = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)]).astype(dt)
    return jnp.asarray(k) / (jnp.asarray(d, dtype=dt) * n)


def rfftfreq(n: int, d: Any = 1.0, *, dtype: Any = None, device: Any = None) -> Array:
    """Non-negative sample frequencies ``[0, 1, ..., n//2] / (d n)`` (for :func:`rfft`)."""
    n = operator.index(n)
    dt = _freq_dtype(dtype)
    k = np.arange(0, n // 2 + 1).astype(dt)
    return jnp.asarray(k) / (jnp.asarray(d, dtype=dt) * n)


def _shift(x: Any, axes: Any, inverse: bool) -> Any:
    x = jnp.asarray(x)
    shape = _shape(x)
    if axes is None:
        axes = tuple(range(len(shape)))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    shifts = tuple(-(shape[ax] // 2) if inverse else shape[ax] // 2 for ax in axes)
    return jnp.roll(x, shifts, axes)


def fftshift(x: Array, axes: Any = None) -> Array:
    """Move the zero frequency to the centre (a roll by ``n // 2`` along ``axes``)."""
    return _shift(x, axes, inverse=False)


def ifftshift(x: Array, axes: Any = None) -> Array:
    """Inverse of :func:`fftshift`."""
    return _shift(x, axes, inverse=True)


__all__ = [
    "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn", "fft2", "ifft2",
    "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]
