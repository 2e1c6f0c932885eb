"""The ``fft`` primitive: discrete Fourier transforms over 1 to 3 trailing axes.

``fft(x, fft_type, fft_lengths)`` with ``fft_type`` one of :class:`FftType`:

* ``FFT`` / ``IFFT``: complex to complex (IFFT scaled by ``1/prod(lengths)``);
* ``RFFT``: real to complex, the last axis shrinks to ``n // 2 + 1``;
* ``IRFFT``: complex (Hermitian half-spectrum) to real of the given lengths.

The eager implementation is NumPy's pocketfft, cast back to the single
precision dtypes where the input was single precision.
"""
from __future__ import annotations

import enum
import operator
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.lax.primitive_util import standard_primitive


class FftType(enum.IntEnum):
    """Which transform ``fft`` computes."""

    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


_BY_NAME = {"fft": FftType.FFT, "ifft": FftType.IFFT, "rfft": FftType.RFFT, "irfft": FftType.IRFFT}


def _fft_type(t: Any) -> FftType:
    if isinstance(t, FftType):
        return t
    if isinstance(t, str):
        try:
            return _BY_NAME[t.lower()]
        except KeyError:
            raise ValueError(f"Unknown FFT type '{t}'") from None
    if isinstance(t, (int, np.integer)) and 0 <= int(t) <= 3:
        return FftType(int(t))
    raise TypeError(f"Unknown FFT type value '{t}'")


_REAL = (np.dtype(np.float32), np.dtype(np.float64))
_COMPLEX = (np.dtype(np.complex64), np.dtype(np.complex128))


def _complex_of(d: np.dtype) -> np.dtype:
    return np.dtype(np.complex128) if d == np.float64 else np.dtype(np.complex64)


def _real_of(d: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if d == np.complex128 else np.dtype(np.float32)


def _fft_abstract_eval(x: ShapedArray, *, fft_type: Any, fft_lengths: tuple) -> ShapedArray:
    typ = _fft_type(fft_type)
    lengths = tuple(fft_lengths)
    k = len(lengths)
    if not 1 <= k <= 3:
        raise ValueError(f"fft: fft_lengths must name 1 to 3 trailing axes, got {lengths}")
    if x.ndim < k:
        raise ValueError(f"fft: an operand of shape {x.shape} has fewer than {k} axes to transform")
    trailing = x.shape[-k:]
    name = typ.name
    if typ == FftType.RFFT:
        if x.dtype not in _REAL:
            raise TypeError(f"fft ({name}) requires a float32 or float64 operand, got {x.dtype.name}")
        if trailing != lengths:
            raise ValueError(f"fft ({name}): the trailing dimensions of the operand {x.shape} must equal "
                             f"fft_lengths {lengths}")
        return ShapedArray(x.shape[:-1] + (lengths[-1] // 2 + 1,), _complex_of(x.dtype))
    if x.dtype not in _COMPLEX:
        raise TypeError(f"fft ({name}) requires a complex64 or complex128 operand, got {x.dtype.name}")
    if typ == FftType.IRFFT:
        if trailing[:-1] != lengths[:-1] or trailing[-1] != lengths[-1] // 2 + 1:
            raise ValueError(f"fft ({name}): an operand of shape {x.shape} does not hold the half spectrum of "
                             f"a signal of lengths {lengths} (its last dimension must be "
                             f"{lengths[-1] // 2 + 1})")
        return ShapedArray(x.shape[:-1] + (lengths[-1],), _real_of(x.dtype))
    if trailing != lengths:
        raise ValueError(f"fft ({name}): the trailing dimensions of the operand {x.shape} must equal "
                         f"fft_lengths {lengths}")
    return ShapedArray(x.shape, x.dtype)


def _fft_impl(x: np.ndarray, *, fft_type: Any, fft_lengths: tuple) -> np.ndarray:
    typ = _fft_type(fft_type)
    lengths = tuple(int(n) for n in fft_lengths)
    axes = tuple(range(x.ndim - len(lengths), x.ndim))
    out_dtype = _fft_abstract_eval(ShapedArray(x.shape, x.dtype), fft_type=typ, fft_lengths=lengths).dtype
    if x.size == 0 or any(n == 0 for n in lengths):
        shape = _fft_abstract_eval(ShapedArray(x.shape, x.dtype), fft_type=typ, fft_lengths=lengths).shape
        return np.zeros(shape, out_dtype)
    out: Any
    if typ == FftType.FFT:
        out = np.fft.fftn(x, axes=axes)
    elif typ == FftType.IFFT:
        out = np.fft.ifftn(x, axes=axes)
    elif typ == FftType.RFFT:
        out = np.fft.rfftn(x, axes=axes)
    else:
        out = np.fft.irfftn(x, s=lengths, axes=axes)
    return np.asarray(out).astype(out_dtype, copy=False)


fft_p = standard_primitive("fft", _fft_abstract_eval, _fft_impl)


def fft(x: Any, fft_type: Any, fft_lengths: Sequence[int]) -> Any:
    """The ``fft_type`` transform of ``x`` over its trailing ``len(fft_lengths)`` axes.

    A real operand of ``FFT``/``IFFT`` is converted to complex; an integer
    operand of ``RFFT`` to floating point.
    """
    from jax_core.lax.structural import convert_element_type

    typ = _fft_type(fft_type)
    if not isinstance(x, (Array, Tracer)):
        x = Array(np.asarray(x))
    aval = get_aval(x)
    lengths = tuple(operator.index(n) for n in (fft_lengths if isinstance(fft_lengths, (tuple, list))
                                                 else (fft_lengths,)))
    if typ == FftType.RFFT:
        if aval.dtype.kind == "c":
            raise ValueError("only real valued inputs supported for rfft")
        if aval.dtype not in _REAL:
            x = convert_element_type(x, dtypes.canonicalize_dtype(np.dtype(np.float64)))
    elif aval.dtype not in _COMPLEX:
        target = np.dtype(np.complex128) if aval.dtype == np.float64 else np.dtype(np.complex64)
        x = convert_element_type(x, dtypes.canonicalize_dtype(target))
    return fft_p.bind(x, fft_type=typ, fft_lengths=lengths)


__all__ = ["fft", "fft_p", "FftType"]
