"""Convenience functions built from primitives (not primitives themselves)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, get_aval
from jax_core.lax.structural import broadcast_in_dim, convert_element_type


def full(shape: Sequence[int], fill_value: Any, dtype: Any = None) -> Any:
    """An array of ``shape`` filled with ``fill_value`` (a broadcast scalar)."""
    shape = tuple(int(s) for s in shape)
    if dtype is None:
        dtype = dtypes.dtype(fill_value)
        weak = dtypes.is_weakly_typed(fill_value)
    else:
        dtypes.check_user_dtype_supported(dtype, "full")
        dtype = dtypes.canonicalize_dtype(np.dtype(dtype))
        weak = False
    if isinstance(fill_value, (bool, int, float, complex, np.generic, np.ndarray)):
        scalar: Any = Array._from_numpy(np.asarray(fill_value, dtype=dtype), weak)
    else:
        if get_aval(fill_value).shape != ():
            raise TypeError(f"full must be called with a scalar fill_value, got shape "
                            f"{get_aval(fill_value).shape}")
        scalar = convert_element_type(fill_value, dtype, weak)
    return broadcast_in_dim(scalar, shape, ())


def full_like(x: Any, fill_value: Any, dtype: Any = None, shape: Any = None) -> Any:
    aval = get_aval(x)
    dt = aval.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    shp = aval.shape if shape is None else tuple(shape)
    out = full(shp, fill_value, dt)
    if dtype is None and aval.weak_type:
        out = convert_element_type(out, dt, True)
    return out


def zeros_like_array(x: Any) -> Any:
    return full_like(x, 0)


def _stop_gradient_fun(x: Any) -> list:
    return [x]


def _stop_gradient_jvp(x: Any, t: Any) -> list:
    return [x, zeros_like_array(x)]


# Tells jax-ad the output tangent is a (symbolic) zero without calling the rule.
setattr(_stop_gradient_jvp, "zero_tangents", True)


def stop_gradient(x: Any) -> Any:
    """The identity, whose derivative is zero (on every leaf of a pytree).

    Not a primitive: an identity ``custom_jvp_call`` whose JVP rule returns
    zeros, so it survives staging (jit, control flow) and every interpreter
    that handles custom_jvp functions handles it.  Integer and boolean
    leaves are returned unchanged.
    """
    from jax_core import tree_util
    from jax_core.jaxpr import custom_jvp_call_p

    def stop(leaf: Any) -> Any:
        if isinstance(leaf, (bool, int, float, complex)):
            leaf = Array._from_numpy(np.asarray(leaf, dtypes.dtype(leaf)), dtypes.is_weakly_typed(leaf))
        if not dtypes.is_inexact_dtype(get_aval(leaf).dtype):
            return leaf
        return custom_jvp_call_p.bind(_stop_gradient_fun, _stop_gradient_jvp, leaf, symbolic_zeros=False)[0]

    return tree_util.tree_map(stop, x)


__all__ = ["full", "full_like", "zeros_like_array", "stop_gradient"]
