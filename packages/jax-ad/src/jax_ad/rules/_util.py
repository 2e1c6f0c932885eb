"""Small helpers shared by the rule modules."""
from __future__ import annotations

from typing import Any, Callable

from jax_core import lax
from jax_core.core import Primitive, get_aval

from jax_ad.jvp import defjvp, defjvp2, defjvp_zero, jvp_rules
from jax_ad.transpose import deflinear, transpose_rules


def P(name: str) -> Primitive | None:
    """The core primitive called ``name`` (None if this jax-core does not have it)."""
    return lax.all_primitives.get(name)


def on(name: str, register: Callable[[Primitive], None]) -> None:
    p = P(name)
    if p is not None:
        register(p)


def jvp(name: str, rule: Callable[..., Any]) -> None:
    on(name, lambda p: jvp_rules.__setitem__(p, rule))


def transpose(name: str, rule: Callable[..., Any]) -> None:
    on(name, lambda p: transpose_rules.__setitem__(p, rule))


def zero_jvp(*names: str) -> None:
    for n in names:
        on(n, defjvp_zero)


def per_arg_jvp(name: str, *fns: Callable[..., Any] | None) -> None:
    on(name, lambda p: defjvp(p, *fns))


def per_arg_jvp2(name: str, *fns: Callable[..., Any] | None) -> None:
    on(name, lambda p: defjvp2(p, *fns))


def linear(name: str, transpose_rule: Callable[..., Any]) -> None:
    on(name, lambda p: deflinear(p, transpose_rule))


def shape(x: Any) -> tuple:
    return get_aval(x).shape


def dtype(x: Any) -> Any:
    return get_aval(x).dtype


def const(like: Any, value: Any) -> Any:
    """``value`` broadcast to the shape and dtype of ``like``."""
    return lax.full_like(like, value)


def zeros(like: Any) -> Any:
    return lax.full_like(like, 0)


def bcast_to(x: Any, like: Any) -> Any:
    """Broadcast a scalar ``x`` to ``like``'s shape (identity if the shapes agree)."""
    s = shape(like)
    if shape(x) == s:
        return x
    return lax.broadcast_in_dim(x, s, ())


def replace_zero(x: Any) -> Any:
    return lax.select(lax.eq(x, zeros(x)), const(x, 1), x)


def is_complex(x: Any) -> bool:
    return dtype(x).kind == "c"
