"""``jax.ops``: segment reductions, and the old functional index-update API
(``index_update``/``index_add``/... with ``jax.ops.index``), kept as thin
aliases of the ``.at[]`` methods."""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import dtypes, lax
from jax_core.core import ConcretizationTypeError, get_aval
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike
from jax_numpy.indexing import _scatter

__all__ = ["index", "index_update", "index_add", "index_mul", "index_min", "index_max",
           "segment_sum", "segment_prod", "segment_min", "segment_max"]


class _Index:
    """``jax.ops.index[...]`` returns the index expression itself (like ``np.s_``)."""

    def __getitem__(self, idx: Any) -> Any:
        return idx


index = _Index()


def index_update(x: Any, idx: Any, y: Any, indices_are_sorted: bool = False,
                 unique_indices: bool = False) -> Any:
    """``x.at[idx].set(y)``."""
    return _scatter(x, idx, y, "set", None, indices_are_sorted, unique_indices)


def index_add(x: Any, idx: Any, y: Any, indices_are_sorted: bool = False,
              unique_indices: bool = False) -> Any:
    """``x.at[idx].add(y)``."""
    return _scatter(x, idx, y, "add", None, indices_are_sorted, unique_indices)


def index_mul(x: Any, idx: Any, y: Any, indices_are_sorted: bool = False,
              unique_indices: bool = False) -> Any:
    """``x.at[idx].multiply(y)``."""
    return _scatter(x, idx, y, "mul", None, indices_are_sorted, unique_indices)


def index_min(x: Any, idx: Any, y: Any, indices_are_sorted: bool = False,
              unique_indices: bool = False) -> Any:
    """``x.at[idx].min(y)``."""
    return _scatter(x, idx, y, "min", None, indices_are_sorted, unique_indices)


def index_max(x: Any, idx: Any, y: Any, indices_are_sorted: bool = False,
              unique_indices: bool = False) -> Any:
    """``x.at[idx].max(y)``."""
    return _scatter(x, idx, y, "max", None, indices_are_sorted, unique_indices)


def _segment(kind: str, data: Any, segment_ids: Any, num_segments: int | None, mode: Any,
             indices_are_sorted: bool, unique_indices: bool) -> Any:
    check_arraylike(f"segment_{kind}", data, segment_ids)
    data = _asarray(data)
    ids = _asarray(segment_ids)
    if get_aval(ids).dtype.kind not in "iu":
        raise TypeError("segment_ids must be integers")
    if num_segments is None:
        v = _util.concrete_value(ids)
        if v is None:
            raise ConcretizationTypeError(
                f"segment_{kind} needs concrete segment_ids to infer num_segments; under jit pass "
                "num_segments=...")
        v = np.asarray(v)
        num_segments = int(v.max()) + 1 if v.size else 0
    num_segments = _util.concrete_int(num_segments, f"segment_{kind}: num_segments")
    dt = get_aval(data).dtype
    shape = (num_segments,) + get_aval(data).shape[1:]
    if kind == "sum":
        init: Any = 0 if dt != np.bool_ else False
        op = "add"
    elif kind == "prod":
        init = 1 if dt != np.bool_ else True
        op = "mul"
    elif kind == "max":
        init = -np.inf if dt.kind in "fc" else (np.iinfo(dt).min if dt.kind in "iu" else False)
        op = "max"
    else:
        init = np.inf if dt.kind in "fc" else (np.iinfo(dt).max if dt.kind in "iu" else True)
        op = "min"
    out = lax.full(shape, init, dt)
    return _scatter(out, ids, data, op, mode, indices_are_sorted, unique_indices)


def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None,
                indices_are_sorted: bool = False, unique_indices: bool = False,
                bucket_size: int | None = None, mode: Any = None) -> Any:
    return _segment("sum", data, segment_ids, num_segments, mode, indices_are_sorted, unique_indices)


def segment_prod(data: Any, segment_ids: Any, num_segments: int | None = None,
                 indices_are_sorted: bool = False, unique_indices: bool = False,
                 bucket_size: int | None = None, mode: Any = None) -> Any:
    return _segment("prod", data, segment_ids, num_segments, mode, indices_are_sorted, unique_indices)


def segment_max(data: Any, segment_ids: Any, num_segments: int | None = None,
                indices_are_sorted: bool = False, unique_indices: bool = False,
                bucket_size: int | None = None, mode: Any = None) -> Any:
    return _segment("max", data, segment_ids, num_segments, mode, indices_are_sorted, unique_indices)


def segment_min(data: Any, segment_ids: Any, num_segments: int | None = None,
                indices_are_sorted: bool = False, unique_indices: bool = False,
                bucket_size: int | None = None, mode: Any = None) -> Any:
    return _segment("min", data, segment_ids, num_segments, mode, indices_are_sorted, unique_indices)


del dtypes
