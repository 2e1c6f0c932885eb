"""Batching rules for elementwise primitives.

The batched operands of an elementwise op usually agree on their batch axis
already (they came from the same vmap argument), so the output keeps that
axis; an operand batched elsewhere is transposed to it, and an unmapped one
is broadcast (a view in NumPy, fused under XLA).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core.core import Primitive
from jax_core.lax import broadcast_in_dim

from jax_batching.batching import (
    axis_size_of,
    move_or_broadcast,
    ndim_of,
    register_rule,
    register_rule_factory,
    shape_of,
)


def match_operands(vals: Sequence[Any], dims: Sequence[int | None]) -> tuple[list, int]:
    """All operands batched at one common dim (the first mapped operand's)."""
    out_dim = next(d for d in dims if d is not None)
    if all(d == out_dim for d in dims):
        return list(vals), out_dim
    size = axis_size_of(vals, dims)
    return [v if d == out_dim else move_or_broadcast(v, d, out_dim, size) for v, d in zip(vals, dims)], out_dim


def broadcasting_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """Rule for a primitive acting elementwise on equally-shaped operands."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        args, out_dim = match_operands(vals, dims)
        out = prim.bind(*args, **params)
        if prim.multiple_results:
            return out, [out_dim] * len(out)
        return out, out_dim

    return rule


ELEMENTWISE = [
    # arithmetic
    "add", "sub", "mul", "div", "rem", "pow", "integer_pow", "neg", "sign", "abs", "floor", "ceil", "round",
    "nextafter", "exp", "exp2", "log", "expm1", "log1p", "tanh", "logistic", "sin", "cos", "tan", "asin",
    "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "sqrt", "rsqrt", "cbrt", "erf", "erfc",
    "erf_inv", "lgamma", "digamma", "igamma", "igammac", "igamma_grad_a", "random_gamma_grad", "polygamma",
    "zeta", "bessel_i0e", "bessel_i1e", "regularized_incomplete_beta", "is_finite", "max", "min", "square",
    "real", "imag", "conj", "complex",
    # comparisons and logic
    "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "xor", "shift_left", "shift_right_logical",
    "shift_right_arithmetic", "population_count", "clz",
    # conversions
    "convert_element_type", "reduce_precision", "copy", "copy_p",
    # random bits: elementwise over key words and counters
    "threefry2x32",
    # a sum of tangents, should jax-ad define one as a primitive
    "add_any", "add_jaxvals",
]

for _name in ELEMENTWISE:
    register_rule_factory(_name, broadcasting_rule)


# --------------------------------------------------------------------------
# select_n(which, *cases) and clamp(min, x, max): scalar operands allowed


def _unbatched_ndim(v: Any, d: int | None) -> int:
    return ndim_of(v) - (0 if d is None else 1)


def _spread_scalar_batch(v: Any, full_shape: tuple[int, ...], out_dim: int) -> Any:
    """A batch of scalars (shape (B,)) broadcast to the batched full shape."""
    return broadcast_in_dim(v, full_shape, (out_dim,))


def _select_n_rule(vals: Sequence[Any], dims: Sequence[int | None]) -> tuple[Any, Any]:
    from jax_core.lax import select_n_p

    which, cases = vals[0], list(vals[1:])
    wdim, cdims = dims[0], list(dims[1:])
    scalar_which = _unbatched_ndim(which, wdim) == 0
    case_rank = _unbatched_ndim(cases[0], cdims[0])
    if not scalar_which or case_rank == 0:
        args, out_dim = match_operands(vals, dims)
        return select_n_p.bind(*args), out_dim
    # a scalar predicate with array cases
    if all(d is None for d in cdims):
        size = axis_size_of(vals, dims)
        out_dim = 0
        cases = [move_or_broadcast(c, None, 0, size) for c in cases]
    else:
        cases, out_dim = match_operands(cases, cdims)
    if wdim is not None:
        which = _spread_scalar_batch(which, shape_of(cases[0]), out_dim)
    return select_n_p.bind(which, *cases), out_dim


register_rule("select_n", _select_n_rule)


def _clamp_rule(vals: Sequence[Any], dims: Sequence[int | None]) -> tuple[Any, Any]:
    from jax_core.lax import all_primitives

    clamp_p = all_primitives["clamp"]
    lo, x, hi = vals
    ldim, xdim, hdim = dims
    size = axis_size_of(vals, dims)
    x_rank = _unbatched_ndim(x, xdim)
    if x_rank == 0:  # everything is a scalar: a plain elementwise op on (B,) vectors
        args, out_dim = match_operands(vals, dims)
        return clamp_p.bind(*args), out_dim
    out_dim = xdim if xdim is not None else next(d for d in dims if d is not None)
    if xdim is None:
        x = move_or_broadcast(x, None, out_dim, size)
    full = shape_of(x)

    def fix(b: Any, d: int | None) -> Any:
        if _unbatched_ndim(b, d) == 0:
            return b if d is None else _spread_scalar_batch(b, full, out_dim)
        return b if d == out_dim else move_or_broadcast(b, d, out_dim, size)

    return clamp_p.bind(fix(lo, ldim), x, fix(hi, hdim)), out_dim


register_rule("clamp", _clamp_rule)


# --------------------------------------------------------------------------
# bitcast_convert_type: a change of width adds or removes a trailing axis


def _bitcast_rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
    from jax_core.lax import all_primitives
    import numpy as np
    from jax_core.core import get_aval

    prim = all_primitives["bitcast_convert_type"]
    (x,), (d,) = vals, dims
    assert d is not None
    old = get_aval(x).dtype.itemsize
    new = np.dtype(params["new_dtype"]).itemsize
    if new > old and d == ndim_of(x) - 1:
        # the last axis is consumed: keep the batch axis away from it
        from jax_batching.batching import moveaxis

        x, d = moveaxis(x, d, 0), 0
    return prim.bind(x, **params), d


register_rule("bitcast_convert_type", _bitcast_rule)
