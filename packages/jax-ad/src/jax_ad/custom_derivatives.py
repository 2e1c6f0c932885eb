"""User-defined derivatives: ``custom_jvp`` and ``custom_vjp``.

Both wrap the user's function into flat-list callables and bind the core
primitives ``custom_jvp_call`` / ``custom_vjp_call`` (in :mod:`jax_core.jaxpr`);
each trace decides what to do with the rules.  The calling conventions of
those callables (any trace may call them) are:

* custom_jvp: ``fun(*args) -> outs``; ``jvp(*primals, *tangents) ->
  [*primal_outs, *tangent_outs]`` (tangents instantiated; float0 for integer
  inputs).
* custom_vjp: ``fun(*args) -> outs``; ``fwd(*args) -> [*residuals, *outs]``,
  after which ``out_trees()`` gives ``(out_tree, res_tree)``;
  ``bwd(*residuals, *cotangents) -> [ct per arg]`` (a ``Zero`` for arguments
  that get no cotangent).

Under ``linearize``/``vjp`` the JVP of a custom_vjp function is the forward
rule plus one ``custom_lin`` equation holding the backward rule; transposing
that equation calls it.  ``custom_lin`` is internal to jax-ad: it only lives
inside linear jaxprs, which are transposed, never evaluated.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import lax, tree_util
from jax_core.core import Primitive, ShapedArray, Tracer, get_aval, valid_jaxtype
from jax_core.jaxpr import custom_jvp_call_p, custom_vjp_call_p

from jax_ad.transpose import transpose_rules
from jax_ad.zeros import Zero, float0, instantiate, is_differentiable_dtype, is_float0, tangent_aval


def _resolve_kwargs(fun: Callable, args: tuple, kwargs: dict) -> tuple:
    if not kwargs:
        return args
    try:
        ba = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise TypeError(f"could not resolve the keyword arguments of {getattr(fun, '__name__', fun)}: {e}") from None
    ba.apply_defaults()
    if ba.kwargs:
        raise TypeError("keyword arguments that cannot be passed positionally are not supported by "
                        f"custom_jvp/custom_vjp functions: {sorted(ba.kwargs)}")
    return ba.args


def _name(f: Any) -> str:
    return getattr(f, "__name__", repr(f))


def _check_nondiff_argnums(nondiff_argnums: Sequence[int], nargs: int, name: str) -> tuple[int, ...]:
    out = []
    for i in nondiff_argnums:
        j = i + nargs if i < 0 else i
        if not 0 <= j < nargs:
            raise TypeError(f"nondiff_argnums {i} is out of range for {name} called with {nargs} "
                            "positional arguments")
        out.append(j)
    return tuple(out)


def _split_args(args: tuple, nondiff: tuple[int, ...]) -> tuple[list, list]:
    return ([args[i] for i in nondiff], [a for i, a in enumerate(args) if i not in nondiff])


def _merge_args(nondiff: tuple[int, ...], nondiff_vals: Sequence[Any], dyn: Sequence[Any]) -> list:
    n = len(nondiff) + len(dyn)
    nd = dict(zip(nondiff, nondiff_vals))
    it = iter(dyn)
    return [nd[i] if i in nd else next(it) for i in range(n)]


class custom_jvp:
    """A function with a custom JVP rule (``defjvp``/``defjvps``)."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None
        self.symbolic_zeros = False

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """``jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)``."""
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """One rule per argument: ``jvp_i(g, ans, *args)`` is argument i's tangent contribution."""
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
            primal_out = self(*primals)
            out_leaves, out_tree = tree_util.tree_flatten(primal_out)
            acc: list[Any] = [None] * len(out_leaves)
            for f, t in zip(jvps, tangents):
                if f is None:
                    continue
                if all(is_float0(leaf) for leaf in tree_util.tree_leaves(t)):
                    continue
                contrib = tree_util.tree_leaves(f(t, primal_out, *primals))
                acc = [c if a is None else a + c for a, c in zip(acc, contrib)] if contrib else acc
            tangent_leaves = [lax.full_like(o, 0) if a is None else a for a, o in zip(acc, out_leaves)]
            return primal_out, tree_util.tree_unflatten(out_tree, tangent_leaves)

        self.defjvp(jvp)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _name(self.fun)
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        args = _resolve_kwargs(self.fun, args, kwargs)
        nondiff = _check_nondiff_argnums(self.nondiff_argnums, len(args), name)
        nondiff_vals, dyn_args = _split_args(args, nondiff)
        nondiff_vals = [lax.stop_gradient(v) if _is_arraylike_tree(v) else v for v in nondiff_vals]
        fun, rule = self.fun, self.jvp
        flat_args, in_tree = tree_util.tree_flatten(tuple(dyn_args))
        out_tree_box: list[Any] = []

        def flat_fun(*xs: Any) -> list:
            dyn = tree_util.tree_unflatten(in_tree, xs)
            out = fun(*_merge_args(nondiff, nondiff_vals, dyn))
            leaves, tree = tree_util.tree_flatten(out)
            _check_jaxtypes(leaves, f"the output of custom_jvp function {name}")
            out_tree_box[:] = [tree]
            return leaves

        def flat_jvp(*pt: Any) -> list:
            n = len(pt) // 2
            primals = tree_util.tree_unflatten(in_tree, pt[:n])
            tangents = tree_util.tree_unflatten(in_tree, pt[n:])
            res = rule(*nondiff_vals, tuple(primals), tuple(tangents))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(
                    f"Custom JVP rule {_name(rule)} for function {name} must produce a pair (list or tuple "
                    f"of length two) representing primal and tangent outputs, but got {res!r}.")
            p_leaves, p_tree = tree_util.tree_flatten(res[0])
            t_leaves, t_tree = tree_util.tree_flatten(res[1])
            if p_tree != t_tree:
                raise TypeError(
                    f"Custom JVP rule {_name(rule)} for function {name} must produce primal and tangent "
                    f"outputs with equal container (pytree) structures, but got {p_tree} and {t_tree} "
                    "respectively.")
            if out_tree_box and out_tree_box[0] != p_tree:
                raise TypeError(
                    f"Custom JVP rule {_name(rule)} for function {name} must produce a primal output with the "
                    f"same container (pytree) structure as the output of the function, but got {p_tree} "
                    f"and {out_tree_box[0]}.")
            out_tree_box[:] = [p_tree]
            t_leaves = [_check_custom_tangent(p, t, rule, name) for p, t in zip(p_leaves, t_leaves)]
            return list(p_leaves) + t_leaves

        outs = custom_jvp_call_p.bind(flat_fun, flat_jvp, *flat_args, symbolic_zeros=self.symbolic_zeros)
        return tree_util.tree_unflatten(out_tree_box[0], outs)


def _is_arraylike_tree(x: Any) -> bool:
    leaves = tree_util.tree_leaves(x)
    return bool(leaves) and all(isinstance(leaf, Tracer) for leaf in leaves)


def _check_jaxtypes(leaves: Sequence[Any], what: str) -> None:
    for leaf in leaves:
        if not valid_jaxtype(leaf):
            raise TypeError(f"{what} contains a value of type {type(leaf).__name__}, which is not a valid "
                            "JAX type (arrays and scalars only).")


def _check_custom_tangent(p: Any, t: Any, rule: Any, name: str) -> Any:
    p_aval = get_aval(p)
    if not is_differentiable_dtype(p_aval.dtype):
        return np.zeros(p_aval.shape, float0)
    if isinstance(t, (int, float, complex)) and not isinstance(t, bool):
        return lax.full(p_aval.shape, t, p_aval.dtype)
    if is_float0(t):
        t_aval: Any = ShapedArray(np.shape(t), float0)
    else:
        t_aval = get_aval(t)
    expected = tangent_aval(p_aval)
    if t_aval.shape != expected.shape or t_aval.dtype != expected.dtype:
        raise TypeError(
            f"Custom JVP rule {_name(rule)} for function {name} must produce primal and tangent outputs "
            f"with corresponding shapes and dtypes. Expected {expected.str_short()} (the tangent type of "
            f"{p_aval.str_short()}) but got {t_aval.str_short()}.")
    return t


# --------------------------------------------------------------------------
# custom_vjp


class custom_vjp:
    """A function with a custom VJP rule (``defvjp(fwd, bwd)``)."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None
        self.symbolic_zeros = False

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False) -> None:
        """``fwd(*args) -> (out, residuals)``; ``bwd(*nondiff_args, residuals, ct_out) -> ct per arg``."""
        self.fwd = fwd
        self.bwd = bwd
        self.symbolic_zeros = symbolic_zeros

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _name(self.fun)
        if self.fwd is None or self.bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        args = _resolve_kwargs(self.fun, args, kwargs)
        nondiff = _check_nondiff_argnums(self.nondiff_argnums, len(args), name)
        nondiff_vals, dyn_args = _split_args(args, nondiff)
        for v in nondiff_vals:
            if any(isinstance(leaf, Tracer) for leaf in tree_util.tree_leaves(v)):
                raise TypeError(
                    "Found a JAX Tracer object passed as an argument to a custom_vjp function in a "
                    "position indicated by nondiff_argnums as non-differentiable. Tracers cannot be passed "
                    "as non-differentiable arguments to custom_vjp functions; instead, nondiff_argnums "
                    "should only be used for arguments that can't be or contain JAX tracers, e.g. "
                    "function-valued arguments. In particular, array-valued arguments should typically not "
                    "be indicated as nondiff_argnums.")
        fun, fwd, bwd = self.fun, self.fwd, self.bwd
        flat_args, in_tree = tree_util.tree_flatten(tuple(dyn_args))
        in_avals = [get_aval(x) for x in flat_args]
        trees: dict[str, Any] = {}

        def flat_fun(*xs: Any) -> list:
            dyn = tree_util.tree_unflatten(in_tree, xs)
            out = fun(*_merge_args(nondiff, nondiff_vals, dyn))
            leaves, tree = tree_util.tree_flatten(out)
            _check_jaxtypes(leaves, f"the output of custom_vjp function {name}")
            trees["out"] = tree
            return leaves

        def flat_fwd(*xs: Any) -> list:
            dyn = tree_util.tree_unflatten(in_tree, xs)
            res = fwd(*_merge_args(nondiff, nondiff_vals, dyn))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(
                    f"Custom VJP fwd rule {_name(fwd)} for function {name} must produce a pair (list or tuple "
                    "of length two) where the first element represents the primal output (equal to the "
                    f"output of the custom_vjp-decorated function {name}) and the second element represents "
                    "residuals (i.e. values stored from the forward pass for use on the backward pass), but "
                    f"instead the fwd rule output's type was {type(res).__name__}.")
            out, residuals = res
            out_leaves, out_tree = tree_util.tree_flatten(out)
            res_leaves, res_tree = tree_util.tree_flatten(residuals)
            if "out" in trees and trees["out"] != out_tree:
                raise TypeError(
                    f"Custom VJP fwd rule {_name(fwd)} for function {name} must produce a pair (list or tuple "
                    "of length two) where the first element represents the primal output (equal in value "
                    f"to the output of the custom_vjp-decorated function {name}, and in particular of the "
                    f"same container/pytree structure), but instead the fwd rule output's first element had "
                    f"container/pytree structure {out_tree} while the custom_vjp-decorated function had "
                    f"output container/pytree structure {trees['out']}.")
            _check_jaxtypes(res_leaves, f"the residuals of custom_vjp fwd rule {_name(fwd)}")
            _check_jaxtypes(out_leaves, f"the output of custom_vjp fwd rule {_name(fwd)}")
            trees["out"], trees["res"] = out_tree, res_tree
            return list(res_leaves) + list(out_leaves)

        def out_trees() -> tuple[Any, Any]:
            return trees["out"], trees["res"]

        def flat_bwd(*res_and_cts: Any) -> list:
            res_tree, out_tree = trees["res"], trees["out"]
            nres = res_tree.num_leaves
            residuals = tree_util.tree_unflatten(res_tree, res_and_cts[:nres])
            cts = tree_util.tree_unflatten(out_tree, res_and_cts[nres:])
            result = bwd(*nondiff_vals, residuals, cts)
            return _flatten_bwd_output(result, dyn_args, in_tree, in_avals, bwd, name)

        outs = custom_vjp_call_p.bind(flat_fun, flat_fwd, flat_bwd, *flat_args, out_trees=out_trees,
                                      symbolic_zeros=self.symbolic_zeros)
        return tree_util.tree_unflatten(trees["out"], outs)


def _flatten_bwd_output(result: Any, dyn_args: Sequence[Any], in_tree: Any, in_avals: Sequence[ShapedArray],
                        bwd: Any, name: str) -> list:
    if isinstance(result, list):
        result = tuple(result)
    if not isinstance(result, tuple) or len(result) != len(dyn_args):
        got = tree_util.tree_structure(result, is_leaf=lambda x: x is None)
        raise TypeError(
            "Custom VJP bwd rule must produce an output with the same container (pytree) structure as the "
            "args tuple of the primal function, and in particular must produce a tuple of length equal to "
            f"the number of arguments to the primal function, but got bwd output structure {got} for "
            f"primal input structure {in_tree}.")
    flat: list[Any] = []
    for i, (ct, arg) in enumerate(zip(result, dyn_args)):
        arg_leaves, arg_tree = tree_util.tree_flatten(arg)
        if ct is None:
            flat.extend([None] * len(arg_leaves))
            continue
        ct_leaves, ct_tree = tree_util.tree_flatten(ct, is_leaf=lambda x: x is None)
        if ct_tree != arg_tree:
            raise TypeError(
                "Custom VJP bwd rule must produce an output with the same container (pytree) structure as "
                f"the args tuple of the primal function, but the output of bwd rule {_name(bwd)} for "
                f"function {name} had structure {ct_tree} at position {i} for an argument of structure "
                f"{arg_tree}.")
        flat.extend(ct_leaves)
    out = []
    for k, (ct, aval) in enumerate(zip(flat, in_avals)):
        expected = tangent_aval(aval)
        if ct is None or type(ct) is Zero or not is_differentiable_dtype(aval.dtype):
            out.append(Zero(expected))
            continue
        if isinstance(ct, (int, float, complex)) and not isinstance(ct, bool):
            ct = lax.full(aval.shape, ct, aval.dtype)
        ct_aval = get_aval(ct)
        if ct_aval.shape != expected.shape or ct_aval.dtype != expected.dtype:
            raise ValueError(
                f"Custom VJP bwd rule {_name(bwd)} for function {name} must produce an output with the "
                "same shape/dtypes as the args tuple of the primal function, but at output leaf "
                f"{k} the bwd rule produced an output of shape/dtype {ct_aval.str_short()} corresponding "
                f"to an input of shape/dtype {aval.str_short()}.")
        out.append(ct)
    return out


# --------------------------------------------------------------------------
# custom_lin: the linear part of a custom_vjp function's JVP


def _custom_lin_abstract_eval(*avals: ShapedArray, num_res: int, bwd: Any, in_avals: Sequence[ShapedArray],
                              out_avals: Sequence[ShapedArray], symbolic_zeros: bool) -> list:
    return [tangent_aval(a) for a in out_avals if is_differentiable_dtype(a.dtype)]


def _custom_lin_impl(*args: Any, **params: Any) -> Any:
    raise TypeError("can't apply forward-mode autodiff (jvp) to a custom_vjp function.")


custom_lin_p = Primitive("custom_lin")
custom_lin_p.multiple_results = True
custom_lin_p.def_abstract_eval(_custom_lin_abstract_eval)
custom_lin_p.def_impl(_custom_lin_impl)


def _custom_lin_transpose(cts: Sequence[Any], *args: Any, num_res: int, bwd: Callable,
                          in_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray],
                          symbolic_zeros: bool) -> list:
    res = args[:num_res]
    it = iter(cts)
    cts_full = [instantiate(next(it)) if is_differentiable_dtype(a.dtype) else np.zeros(a.shape, float0)
                for a in out_avals]
    cts_in = bwd(*res, *cts_full)
    lin = [ct for ct, a in zip(cts_in, in_avals) if is_differentiable_dtype(a.dtype)]
    return [None] * num_res + lin


transpose_rules[custom_lin_p] = _custom_lin_transpose

__all__ = ["custom_jvp", "custom_vjp", "custom_lin_p"]
