"""dot_general: batched tensor contraction."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray, get_aval
from jax_core.lax.primitive_util import standard_primitive

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
    if lhs.dtype != rhs.dtype and preferred_element_type is None:
        if not (lhs.dtype.kind == rhs.dtype.kind and lhs.dtype.itemsize == rhs.dtype.itemsize):
            raise TypeError(f"dot_general requires operands of the same dtype, got {lhs.dtype.name} "
                            f"and {rhs.dtype.name}; pass preferred_element_type or convert first.")
    batch = tuple(lhs.shape[i] for i in lb)
    lfree = tuple(s for i, s in enumerate(lhs.shape) if i not in lc and i not in lb)
    rfree = tuple(s for i, s in enumerate(rhs.shape) if i not in rc and i not in rb)
    if preferred_element_type is not None:
        out_dtype = np.dtype(preferred_element_type)
    else:
        out_dtype = lhs.dtype
    return ShapedArray(batch + lfree + rfree, out_dtype, lhs.weak_type and rhs.weak_type)


_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _dot_general_impl(lhs: np.ndarray, rhs: np.ndarray, *, dimension_numbers: DimensionNumbers,
                      precision: Any = None, preferred_element_type: Any = None,
                      out_sharding: Any = None) -> np.ndarray:
    (lc, rc), (lb, rb) = dimension_numbers
    out_dtype = np.dtype(preferred_element_type) if preferred_element_type is not None else lhs.dtype
    # compute in a dtype NumPy's BLAS handles well, then cast
    comp = np.promote_types(lhs.dtype, rhs.dtype)
    if comp == np.bool_:
        comp = np.dtype(np.int32)
    elif comp.kind == "f" and comp.itemsize < 4 or comp == dtypes.bfloat16:
        comp = np.dtype(np.float32)
    if np.dtype(out_dtype).kind in "fc" and comp.kind in "iub":
        comp = np.dtype(out_dtype)
    lhs = lhs.astype(comp, copy=False)
    rhs = rhs.astype(comp, copy=False)
    # fast paths through BLAS matmul
    if not lb and len(lc) == 1 and lhs.ndim <= 2 and rhs.ndim <= 2:
        l = lhs if lc[0] == lhs.ndim - 1 else lhs.T
        r = rhs if rc[0] == 0 else rhs.T
        out = np.dot(l, r)
    else:
        l_sub = [""] * lhs.ndim
        r_sub = [""] * rhs.ndim
        it = iter(_letters)
        batch_letters = []
        for a, b in zip(lb, rb):
            c = next(it)
            l_sub[a] = r_sub[b] = c
            batch_letters.append(c)
        for a, b in zip(lc, rc):
            c = next(it)
            l_sub[a] = r_sub[b] = c
        lfree = []
        for i in range(lhs.ndim):
            if not l_sub[i]:
                l_sub[i] = next(it)
                lfree.append(l_sub[i])
        rfree = []
        for i in range(rhs.ndim):
            if not r_sub[i]:
                r_sub[i] = next(it)
                rfree.append(r_sub[i])
        spec = f"{''.join(l_sub)},{''.join(r_sub)}->{''.join(batch_letters + lfree + rfree)}"
        out = np.einsum(spec, lhs, rhs, optimize=True)
    return np.asarray(out).astype(out_dtype, copy=False)


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
