"""dot_general: batched tensor contraction."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray, get_aval
from jax_core.lax.primitive_util import is_complex, is_float, is_unsigned, standard_primitive

DimensionNumbers = tuple  # ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))


def _check_dims(name: str, dims: Sequence[int], ndim: int, what: str) -> None:
    for d in dims:
        if not 0 <= d < ndim:
            raise TypeError(f"{name} requires {what} dimensions in range [0, {ndim}), got {tuple(dims)}")
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name} requires {what} dimensions to be distinct, got {tuple(dims)}")


def _dot_general_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, *, dimension_numbers: DimensionNumbers,
                               precision: Any = None, preferred_element_type: Any = None,
                               out_sharding: Any = None) -> ShapedArray:
    (lc, rc), (lb, rb) = dimension_numbers
    _check_dims("dot_general", lc, lhs.ndim, "lhs contracting")
    _check_dims("dot_general", rc, rhs.ndim, "rhs contracting")
    _check_dims("dot_general", lb, lhs.ndim, "lhs batch")
    _check_dims("dot_general", rb, rhs.ndim, "rhs batch")
    if len(lc) != len(rc):
        raise TypeError(f"dot_general requires equal numbers of lhs and rhs contracting dimensions, "
                        f"got lhs_contracting_dimensions {lc} and rhs_contracting_dimensions {rc}.")
    if len(lb) != len(rb):
        raise TypeError(f"dot_general requires equal numbers of lhs and rhs batch dimensions, got "
                        f"lhs_batch_dimensions {lb} and rhs_batch_dimensions {rb}.")
    if set(lc) & set(lb) or set(rc) & set(rb):
        raise TypeError("dot_general requires batch and contracting dimensions to be disjoint")
    for a, b in zip(lb, rb):
        if lhs.shape[a] != rhs.shape[b]:
            raise TypeError(
                f"dot_general requires lhs batch dimensions and rhs batch dimensions to have the same "
                f"shape, got {tuple(lhs.shape[i] for i in lb)} and {tuple(rhs.shape[i] for i in rb)} "
                f"(lhs shape {lhs.shape}, rhs shape {rhs.shape}).")
    for a, b in zip(lc, rc):
        if lhs.shape[a] != rhs.shape[b]:
            raise TypeError(
                f"dot_general requires contracting dimensions to have the same shape, got "
                f"{tuple(lhs.shape[i] for i in lc)} and {tuple(rhs.shape[i] for i in rc)} "
                f"(lhs shape {lhs.shape}, rhs shape {rhs.shape}).")
    out_dtype = _result_dtype("dot_general", lhs.dtype, rhs.dtype, preferred_element_type, same_dtypes=False)
    batch = tuple(lhs.shape[i] for i in lb)
    lfree = tuple(s for i, s in enumerate(lhs.shape) if i not in lc and i not in lb)
    rfree = tuple(s for i, s in enumerate(rhs.shape) if i not in rc and i not in rb)
    return ShapedArray(batch + lfree + rfree, out_dtype, lhs.weak_type and rhs.weak_type)


# ---------------------------------------------------------------------------
# dtypes: XLA's rules (shape_inference's MaybeUpcast and HigherPrecisionType)


def _bit_width(d: np.dtype) -> int:
    return 1 if d == np.bool_ else 8 * d.itemsize


def _type_rank(d: np.dtype) -> tuple:
    """Orders dtypes by precision: complex > float (range, then mantissa) > int (width, signedness)."""
    real = np.dtype(np.float32 if d == np.complex64 else np.float64) if is_complex(d) else d
    if is_float(real):
        fi = dtypes.finfo(real)
        exp, mant = int(fi.maxexp), int(fi.nmant)
    else:
        exp, mant = -1, -1
    return (is_complex(d), exp, mant, _bit_width(real), not is_unsigned(real))


def _result_dtype(name: str, lhs: np.dtype, rhs: np.dtype, preferred_element_type: Any,
                  same_dtypes: bool) -> np.dtype:
    """The output dtype of a contraction (dot_general, conv_general_dilated).

    dot_general accepts mixed input dtypes and returns the more precise one
    (int8 x int32 -> int32, int32 x float16 -> float16); conv requires equal
    dtypes.  ``preferred_element_type`` overrides the result, but may not
    narrow an integer or boolean result.
    """
    if lhs == rhs:
        result = lhs
    elif same_dtypes:
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got {lhs.name}, {rhs.name}. "
                        "(Tip: convert one with lax.convert_element_type.)")
    else:
        lp, rp = _type_rank(lhs), _type_rank(rhs)
        if lp == rp:
            raise TypeError(f"lax.{name} argument type error: {lhs.name}, {rhs.name}")
        result = lhs if lp > rp else rhs
    if preferred_element_type is None:
        return result
    pet = np.dtype(preferred_element_type)
    if pet == result:
        return result
    if not is_float(result) and _bit_width(pet) < _bit_width(result):
        raise TypeError("`preferred_element_type` must not be narrower than the original type, got "
                        f"preferred_element_type of {pet.name} for result type of {result.name} ({name}).")
    return pet


def _compute_dtype(lhs: np.dtype, rhs: np.dtype, out: np.dtype) -> np.dtype:
    """A dtype NumPy contracts well in whose result, cast to ``out``, is XLA's.

    Integers accumulate in the result type (wrapping like XLA); booleans as
    int32 counts (any nonzero is True); half floats in float32 (BLAS).
    """
    if out == np.bool_:
        return np.dtype(np.int32)
    inexact_in = [d for d in (lhs, rhs) if is_float(d) or is_complex(d)]
    if out.kind in "iu":
        if inexact_in:
            return np.dtype(np.float64)
        return out
    if is_complex(out) or any(is_complex(d) for d in inexact_in):
        return np.dtype(np.complex128) if np.dtype(out).itemsize >= 16 or any(
            d == np.complex128 for d in inexact_in) else np.dtype(np.complex64)
    return np.dtype(np.float32) if out.itemsize < 4 else out



def _dot_general_impl(lhs: np.ndarray, rhs: np.ndarray, *, dimension_numbers: DimensionNumbers,
                      precision: Any = None, preferred_element_type: Any = None,
                      out_sharding: Any = None) -> np.ndarray:
    (lc, rc), (lb, rb) = dimension_numbers
    out_dtype = _result_dtype("dot_general", lhs.dtype, rhs.dtype, preferred_element_type, same_dtypes=False)
    comp = _compute_dtype(lhs.dtype, rhs.dtype, out_dtype)
    if lhs.dtype != comp:
        lhs = lhs.astype(comp)
    if rhs.dtype != comp:
        rhs = rhs.astype(comp)
    if not lb and len(lc) == 1 and lhs.ndim <= 2 and rhs.ndim <= 2:
        # vector/matrix products: BLAS takes transposed views as they are
        out = np.dot(lhs if lc[0] == lhs.ndim - 1 else lhs.T, rhs if rc[0] == 0 else rhs.T)
    else:
        # every other dot_general is a batched matmul after transposes: BLAS again
        lfree = [i for i in range(lhs.ndim) if i not in lc and i not in lb]
        rfree = [i for i in range(rhs.ndim) if i not in rc and i not in rb]
        batch_shape = [lhs.shape[i] for i in lb]
        lfree_shape = [lhs.shape[i] for i in lfree]
        rfree_shape = [rhs.shape[i] for i in rfree]
        B, M, N = math.prod(batch_shape), math.prod(lfree_shape), math.prod(rfree_shape)
        K = math.prod(lhs.shape[i] for i in lc)
        l = _transposed(lhs, (*lb, *lfree, *lc)).reshape(B, M, K)
        r = _transposed(rhs, (*rb, *rc, *rfree)).reshape(B, K, N)
        out = np.dot(l[0], r[0]) if B == 1 else np.matmul(l, r)
        out = out.reshape(batch_shape + lfree_shape + rfree_shape)
    out = np.asarray(out)
    if out_dtype == np.bool_:
        return out != 0
    if out.dtype != out_dtype:
        if is_complex(out.dtype) and not is_complex(out_dtype):
            out = out.real
        out = out.astype(out_dtype)
    return out


def _transposed(x: np.ndarray, perm: tuple) -> np.ndarray:
    return x if perm == tuple(range(x.ndim)) else x.transpose(perm)


dot_general_p = standard_primitive("dot_general", _dot_general_abstract_eval, _dot_general_impl)


def dot_general(lhs: Any, rhs: Any, dimension_numbers: Any, precision: Any = None,
                preferred_element_type: Any = None, out_sharding: Any = None) -> Any:
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(int(i) for i in lc), tuple(int(i) for i in rc)),
          (tuple(int(i) for i in lb), tuple(int(i) for i in rb)))
    pet = None if preferred_element_type is None else dtypes.canonicalize_dtype(np.dtype(preferred_element_type))
    return dot_general_p.bind(lhs, rhs, dimension_numbers=dn, precision=precision,
                              preferred_element_type=pet, out_sharding=None)


def dot(lhs: Any, rhs: Any, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Vector/matrix products: contracts the last axis of lhs with the first of rhs (rank <= 2)."""
    l, r = get_aval(lhs), get_aval(rhs)
    if 1 <= l.ndim <= 2 and 1 <= r.ndim <= 2:
        return dot_general(lhs, rhs, (((l.ndim - 1,), (0,)), ((), ())), precision, preferred_element_type)
    raise TypeError(f"lax.dot requires operands of rank 1 or 2, got shapes {l.shape} and {r.shape}; "
                    "use lax.dot_general for higher ranks.")


__all__ = ["dot_general", "dot_general_p", "dot"]
