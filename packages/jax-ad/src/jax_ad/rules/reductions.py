"""Rules of the reductions and cumulative reductions."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import get_aval

from jax_ad.jvp import jvp_flat
from jax_ad.rules._util import P, jvp, linear, shape, zero_jvp
from jax_ad.transpose import aval_of
from jax_ad.zeros import Zero, instantiate, tangent_aval

# --------------------------------------------------------------------------
# reduce_sum / max / min / prod


def _reduce_sum_transpose(ct: Any, x: Any, *, axes: tuple, out_sharding: Any = None) -> list:
    in_shape = aval_of(x).shape
    kept = tuple(d for d in range(len(in_shape)) if d not in axes)
    return [lax.broadcast_in_dim(ct, in_shape, kept)]


linear("reduce_sum", _reduce_sum_transpose)


def _keepdims_shape(in_shape: Sequence[int], axes: Sequence[int]) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(in_shape))


def _reduce_chooser_jvp(name: str) -> Callable[..., Any]:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], *, axes: tuple, out_sharding: Any = None
             ) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        p = P(name)
        assert p is not None
        ans = p.bind(x, axes=axes, out_sharding=out_sharding)
        if type(t) is Zero:
            return ans, Zero(tangent_aval(get_aval(ans)))
        in_shape = shape(x)
        # ties share the derivative equally
        ans_b = lax.broadcast_in_dim(lax.reshape(ans, _keepdims_shape(in_shape, axes)), in_shape,
                                     tuple(range(len(in_shape))))
        loc = lax.convert_element_type(lax.eq(x, ans_b), get_aval(t).dtype)
        counts = lax.reduce_sum(loc, axes)
        return ans, lax.div(lax.reduce_sum(lax.mul(t, loc), axes), counts)

    return rule


jvp("reduce_max", _reduce_chooser_jvp("reduce_max"))
jvp("reduce_min", _reduce_chooser_jvp("reduce_min"))


def _tree_product(x: Any) -> Any:
    """Product over axis 0 by repeated halving (multiplications only, so differentiable to any order)."""
    while shape(x)[0] > 1:
        n = shape(x)[0]
        n1 = (n + 1) // 2
        a = lax.slice_in_dim(x, 0, n1, axis=0)
        b = lax.slice_in_dim(x, n1, n, axis=0)
        if n - n1 != n1:
            cfg = [(0, 0, 0)] * len(shape(x))
            cfg[0] = (0, 1, 0)
            b = lax.pad(b, lax.full((), 1, get_aval(x).dtype), cfg)
        x = lax.mul(a, b)
    if shape(x)[0] == 0:
        return lax.full(shape(x)[1:], 1, get_aval(x).dtype)
    return lax.squeeze(x, (0,))


def _reduce_prod_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, axes: tuple, out_sharding: Any = None
                     ) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    ans = lax.reduce_prod_p.bind(x, axes=axes, out_sharding=out_sharding)
    if type(t) is Zero:
        return ans, Zero(tangent_aval(get_aval(ans)))
    in_shape = shape(x)
    non_axes = tuple(d for d in range(len(in_shape)) if d not in axes)
    n = int(np.prod([in_shape[a] for a in axes], dtype=np.int64))
    new_shape = (n,) + tuple(in_shape[d] for d in non_axes)
    perm = tuple(axes) + non_axes

    def flat_prod(xx: Any) -> list:
        return [_tree_product(lax.reshape(xx, new_shape, perm))]

    _, (t_out,) = jvp_flat(flat_prod, [x], [t])
    return ans, t_out


jvp("reduce_prod", _reduce_prod_jvp)
zero_jvp("reduce_and", "reduce_or", "reduce_xor", "argmax", "argmin")

# --------------------------------------------------------------------------
# cumulative reductions


def _cumsum_transpose(ct: Any, x: Any, *, axis: int, reverse: bool) -> list:
    return [lax.cumsum(ct, axis, not reverse)]


linear("cumsum", _cumsum_transpose)


def _logaddexp(a: Any, b: Any) -> Any:
    amax = lax.max(a, b)
    delta = lax.sub(a, b)
    # NaN delta: NaNs, or infinities of the same sign (whose sum is the answer)
    return lax.select(lax.ne(delta, delta), lax.add(a, b),
                      lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta))))))


def _cumulative_jvp(name: str, combine: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], *, axis: int, reverse: bool) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        p = P(name)
        assert p is not None
        ans = p.bind(x, axis=axis, reverse=reverse)
        if type(t) is Zero:
            return ans, Zero(tangent_aval(get_aval(ans)))

        def scan(xx: Any) -> list:
            return [lax.associative_scan(combine, xx, reverse=reverse, axis=axis)]

        _, (t_out,) = jvp_flat(scan, [x], [instantiate(t)])
        return ans, t_out

    return rule


jvp("cumprod", _cumulative_jvp("cumprod", lax.mul))
jvp("cummax", _cumulative_jvp("cummax", lax.max))
jvp("cummin", _cumulative_jvp("cummin", lax.min))
jvp("cumlogsumexp", _cumulative_jvp("cumlogsumexp", _logaddexp))

__all__: list[str] = []
