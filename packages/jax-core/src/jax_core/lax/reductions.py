"""Reductions over axes: reduce_sum, reduce_max, ... and arg reductions."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray, get_aval
from jax_core.lax.primitive_util import canonical_axes, is_numeric, standard_primitive


def _reduce_abstract_eval(name: str, accepts: Any) -> Any:
    def rule(x: ShapedArray, *, axes: tuple, **_: Any) -> ShapedArray:
        axes = canonical_axes(axes, x.ndim, name)
        if not accepts(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}")
        return ShapedArray(tuple(s for i, s in enumerate(x.shape) if i not in axes), x.dtype, x.weak_type)

    return rule


def _reduce_sum_impl(x: np.ndarray, *, axes: tuple, out_sharding: Any = None) -> np.ndarray:
    return np.sum(x, axis=axes, dtype=x.dtype)


reduce_sum_p = standard_primitive("reduce_sum", _reduce_abstract_eval("reduce_sum", is_numeric), _reduce_sum_impl)


def _axes(operand: Any, axes: Sequence[int]) -> tuple[int, ...]:
    ndim = get_aval(operand).ndim
    return tuple(sorted(int(a) % ndim if ndim else int(a) for a in axes))


def reduce_sum(operand: Any, axes: Sequence[int]) -> Any:
    return reduce_sum_p.bind(operand, axes=_axes(operand, axes), out_sharding=None)


__all__ = ["reduce_sum", "reduce_sum_p"]
