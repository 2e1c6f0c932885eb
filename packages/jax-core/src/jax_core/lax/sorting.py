"""Sorting: variadic ``sort`` (lexicographic over key operands) and ``top_k``.

Floats sort in XLA's total order as JAX uses it: -0.0 and 0.0 compare equal
(a stable sort keeps their order) and every NaN sorts after +inf.  Complex
numbers sort by real part, then imaginary part.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, get_aval
from jax_core.lax.primitive_util import is_complex, is_float, standard_primitive


def _sort_keys(x: np.ndarray) -> list[np.ndarray]:
    """NumPy arrays whose lexicographic (stable) order is XLA's order of ``x``."""
    if is_complex(x.dtype):
        return [x.real, x.imag]
    if is_float(x.dtype) and x.dtype != np.float16 and x.dtype.itemsize < 4:
        return [x.astype(np.float32)]  # bfloat16: NumPy's sort wants a native float
    return [x]


# ---------------------------------------------------------------------------
# sort


def _sort_abstract_eval(*operands: ShapedArray, dimension: int, is_stable: bool, num_keys: int) -> list:
    if not operands:
        raise TypeError("sort requires at least one operand")
    shape = operands[0].shape
    for o in operands[1:]:
        if o.shape != shape:
            raise TypeError("sort: all operands must have the same shape, got "
                            + ", ".join(x.str_short() for x in operands))
    if not 1 <= num_keys <= len(operands):
        raise ValueError(f"sort: num_keys must be between 1 and the number of operands "
                         f"({len(operands)}), got {num_keys}")
    if not 0 <= dimension < len(shape):
        raise ValueError(f"sort: dimension {dimension} is out of bounds for operands of shape {shape}")
    return list(operands)


def _sort_impl(*operands: np.ndarray, dimension: int, is_stable: bool, num_keys: int) -> list:
    if len(operands) == 1 and not is_complex(operands[0].dtype):
        x = operands[0]
        key = _sort_keys(x)[0]
        # Ties between equal values are invisible in a lone operand, except
        # -0.0 vs 0.0 and NaN payloads: without those NumPy's (unstable, much
        # faster) default sort gives the stable sort's answer.
        if not is_float(x.dtype) or not (np.isnan(key).any() or (key == 0).any()):
            return [np.sort(x, axis=dimension) if key is x else
                    np.take_along_axis(x, np.argsort(key, axis=dimension), axis=dimension)]
    keys = [k for o in operands[:num_keys] for k in _sort_keys(o)]
    if len(keys) == 1:
        perm = np.argsort(keys[0], axis=dimension, kind="stable")
    else:
        # np.lexsort sorts by its last key first
        perm = np.lexsort(keys[::-1], axis=dimension)
    return [np.take_along_axis(o, perm, axis=dimension) for o in operands]


sort_p = standard_primitive("sort", _sort_abstract_eval, _sort_impl, multiple_results=True)


def _as_operand(x: Any) -> Any:
    if isinstance(x, (bool, int, float, complex)):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), dtypes.is_weakly_typed(x))
    return x


def sort(operand: Any, dimension: int = -1, is_stable: bool = True, num_keys: int = 1) -> Any:
    """Sort along ``dimension``.

    ``operand`` is one array (returns the sorted array) or a sequence of
    same-shaped arrays (returns a tuple): the first ``num_keys`` are the keys,
    compared lexicographically, and the others are permuted alongside.
    """
    single = not isinstance(operand, (tuple, list))
    operands = [_as_operand(o) for o in ([operand] if single else operand)]
    if not operands:
        raise TypeError("lax.sort requires at least one operand")
    ndim = get_aval(operands[0]).ndim
    dimension = int(dimension)
    if not -ndim <= dimension < ndim:
        raise ValueError(f"sort: dimension {dimension} is out of bounds for an operand of rank {ndim}")
    out = sort_p.bind(*operands, dimension=dimension % ndim, is_stable=bool(is_stable), num_keys=int(num_keys))
    return out[0] if single else tuple(out)


def sort_key_val(keys: Any, values: Any, dimension: int = -1, is_stable: bool = True) -> tuple:
    """Sort ``keys`` along ``dimension`` and permute ``values`` the same way."""
    k, v = sort((keys, values), dimension=dimension, is_stable=is_stable, num_keys=1)
    return k, v


# ---------------------------------------------------------------------------
# top_k


def _top_k_abstract_eval(operand: ShapedArray, *, k: int) -> list:
    if operand.ndim < 1:
        raise TypeError(f"top_k operand must have rank >= 1, got shape {operand.shape}")
    if k < 0:
        raise ValueError(f"k argument to top_k must be nonnegative, got {k}")
    if k > operand.shape[-1]:
        raise ValueError(f"k argument to top_k must be no larger than the last dimension of the operand; "
                         f"got k={k} for shape {operand.shape}")
    if is_complex(operand.dtype):
        raise TypeError(f"top_k does not accept dtype {operand.dtype.name}")
    shape = operand.shape[:-1] + (k,)
    return [ShapedArray(shape, operand.dtype, operand.weak_type), ShapedArray(shape, np.int32)]


def _total_order_key(x: np.ndarray) -> np.ndarray:
    """Integers ordered like XLA's total order on floats: -NaN < -inf < -0.0 < 0.0 < inf < NaN."""
    if not is_float(x.dtype):
        return x
    if x.dtype.itemsize < 2 or (x.dtype != np.float16 and x.dtype.itemsize < 4):
        x = x.astype(np.float32)  # bfloat16 and 8-bit floats convert exactly
    bits = x.view(np.dtype(f"int{8 * x.dtype.itemsize}"))
    magnitude = bits & np.iinfo(bits.dtype).max
    return np.where(bits < 0, -magnitude - 1, bits)


def _top_k_impl(operand: np.ndarray, *, k: int) -> list:
    key = _total_order_key(operand)
    n = operand.shape[-1]
    if 0 < k <= n // 4 and key.dtype.itemsize <= 4 and key.dtype != np.uint32 and n < 2**32:
        # Unique int64 composites (key high, reversed index low) order rows
        # exactly like the stable descending sort, so a partial selection
        # (argpartition, linear time) finds the top k without a full sort.
        comp = key.astype(np.int64) * (1 << 32) + ((1 << 32) - 1 - np.arange(n, dtype=np.int64))
        cand = np.argpartition(comp, n - k, axis=-1)[..., n - k:]
        order = np.argsort(np.take_along_axis(comp, cand, axis=-1), axis=-1)[..., ::-1]
        idx = np.take_along_axis(cand, order, axis=-1)
        return [np.take_along_axis(operand, idx, axis=-1), idx.astype(np.int32)]
    # descending, ties to the lower index, NaN above +inf and 0.0 above -0.0 (XLA's TopK):
    # a stable ascending sort of the reversed row, read backwards
    asc = np.argsort(key[..., ::-1], axis=-1, kind="stable")
    idx = (n - 1) - asc[..., ::-1][..., :k]
    return [np.take_along_axis(operand, idx, axis=-1), idx.astype(np.int32)]


top_k_p = standard_primitive("top_k", _top_k_abstract_eval, _top_k_impl, multiple_results=True)


def top_k(operand: Any, k: int) -> tuple:
    """The ``k`` largest entries along the last axis, in descending order, and their int32 indices."""
    operand = _as_operand(operand)
    try:
        k = int(k)
    except TypeError:
        raise TypeError(f"top_k: k must be a Python integer, got {k!r}") from None
    values, indices = top_k_p.bind(operand, k=k)
    return values, indices


__all__ = ["sort", "sort_p", "sort_key_val", "top_k", "top_k_p"]
