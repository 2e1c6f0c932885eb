"""Rules of sort and top_k: tangents follow the primal permutation (a gather)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.rules._util import jvp, shape
from jax_ad.zeros import Zero, tangent_aval


def take_along_axis(t: Any, idx: Any, axis: int) -> Any:
    """``t[..., idx, ...]`` along ``axis``, where ``idx`` has the output's shape (a point gather)."""
    out_shape = shape(idx)
    nd = len(out_shape)
    idx_dtype = get_aval(idx).dtype
    cols = []
    for d in range(nd):
        col = idx if d == axis else lax.broadcasted_iota(idx_dtype, out_shape, d)
        cols.append(lax.reshape(col, out_shape + (1,)))
    indices = lax.concatenate(cols, nd) if nd > 1 else cols[0]
    dnums = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=tuple(range(nd)),
                                       start_index_map=tuple(range(nd)))
    return lax.gather(t, indices, dnums, (1,) * nd, mode=lax.GatherScatterMode.PROMISE_IN_BOUNDS)


def _sort_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, dimension: int, is_stable: bool,
              num_keys: int) -> tuple[list, list]:
    s = shape(primals[0])
    iota = lax.broadcasted_iota(np.int32, s, dimension)
    outs = lax.sort_p.bind(*primals, iota, dimension=dimension, is_stable=is_stable, num_keys=num_keys)
    perm = outs[-1]
    primal_outs = list(outs[:-1])
    tangent_outs = [Zero(tangent_aval(get_aval(p))) if type(t) is Zero else take_along_axis(t, perm, dimension)
                    for p, t in zip(primal_outs, tangents)]
    return primal_outs, tangent_outs


def _top_k_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, k: int) -> tuple[list, list]:
    (x,), (t,) = primals, tangents
    vals, idx = lax.top_k_p.bind(x, k=k)
    if type(t) is Zero:
        return [vals, idx], [Zero(tangent_aval(get_aval(vals))), Zero(tangent_aval(get_aval(idx)))]
    return [vals, idx], [take_along_axis(t, idx, len(shape(idx)) - 1), Zero(tangent_aval(get_aval(idx)))]


jvp("sort", _sort_jvp)
jvp("top_k", _top_k_jvp)

__all__ = ["take_along_axis"]
