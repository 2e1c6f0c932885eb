"""``checkpoint`` (a.k.a. ``remat``): recompute instead of storing residuals.

The function body is staged into one ``checkpoint`` equation (the core's
``remat_p``).  Its JVP is another checkpoint of the body's JVP; when that is
partially evaluated for reverse mode, the known half runs now but keeps no
residuals, and the staged half starts by recomputing them from the
checkpoint's primal inputs (see ``rules/calls.py``).
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from jax_core import tree_util
from jax_core.jaxpr import abstractify, remat_p, trace_to_jaxpr


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy: Callable | None = None,
               static_argnums: int | Sequence[int] = ()) -> Callable:
    """Make ``fun`` recompute its intermediate values on the backward pass."""
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    if policy is checkpoint_policies.everything_saveable:
        return fun  # saving every residual is what differentiating without checkpoint does

    @functools.wraps(fun)
    def remat_f(*args: Any, **kwargs: Any) -> Any:
        nargs = len(args)
        stat = tuple(i % nargs for i in static) if nargs else ()
        dyn_args = [a for i, a in enumerate(args) if i not in stat]
        flat_args, in_tree = tree_util.tree_flatten((tuple(dyn_args), kwargs))
        out_store: list[Any] = []

        def flat_fun(*xs: Any) -> list:
            dyn, kw = tree_util.tree_unflatten(in_tree, xs)
            it = iter(dyn)
            full = [args[i] if i in stat else next(it) for i in range(nargs)]
            out = fun(*full, **kw)
            leaves, tree = tree_util.tree_flatten(out)
            out_store[:] = [tree]
            return leaves

        closed = trace_to_jaxpr(flat_fun, [abstractify(a) for a in flat_args], name="checkpoint")
        outs = remat_p.bind(*flat_args, jaxpr=closed, prevent_cse=prevent_cse, policy=policy)
        return tree_util.tree_unflatten(out_store[0], outs)

    return remat_f


remat = checkpoint


class checkpoint_policies:
    """Names of JAX's rematerialization policies.

    Policies choose which intermediate values a checkpoint may save instead
    of recomputing.  This implementation saves none of them (every policy
    but ``everything_saveable`` recomputes the whole body), which gives the
    same values and gradients with the least memory.
    """

    @staticmethod
    def everything_saveable(*_: Any, **__: Any) -> bool:
        return True

    @staticmethod
    def nothing_saveable(*_: Any, **__: Any) -> bool:
        return False

    dots_saveable = nothing_saveable
    checkpoint_dots = nothing_saveable
    dots_with_no_batch_dims_saveable = nothing_saveable
    checkpoint_dots_with_no_batch_dims = nothing_saveable

    @staticmethod
    def save_only_these_names(*names: str) -> Callable:
        return checkpoint_policies.nothing_saveable

    @staticmethod
    def save_any_names_but_these(*names: str) -> Callable:
        return checkpoint_policies.nothing_saveable


def checkpoint_name(x: Any, name: str) -> Any:
    """Names a value for checkpoint policies (policies are not implemented: identity)."""
    del name
    return x


__all__ = ["checkpoint", "remat", "checkpoint_name", "checkpoint_policies"]
