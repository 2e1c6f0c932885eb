"""Reverse mode: transposing linear jaxprs.

``backward_pass`` walks a jaxpr backwards, feeding output cotangents through
each equation's transpose rule and summing the cotangents that reach each
variable.  Inputs that are linear are marked :class:`UndefinedPrimal`;
everything else (residuals, literals, and equations that do not depend on a
linear input, such as the recomputed primal inside a ``checkpoint``) is
evaluated forward first.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core.core import Primitive, ShapedArray, get_aval
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, Literal, trace_to_jaxpr

from jax_ad.jvp import _JaxprCache
from jax_ad.zeros import Zero, add_tangents, instantiate, is_float0, tangent_aval

# prim -> rule(cts_out, *args, **params) -> list of cotangents, one per arg
# (None or Zero for arguments that are not linear)
transpose_rules: dict[Primitive, Callable[..., Any]] = {}


class UndefinedPrimal:
    """Stands for a linear input of a transposed equation (only its type is known)."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self) -> str:
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x: Any) -> bool:
    return type(x) is UndefinedPrimal


def aval_of(x: Any) -> ShapedArray:
    return x.aval if type(x) is UndefinedPrimal else get_aval(x)


def _same_type(a: ShapedArray, b: ShapedArray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype


def backward_pass(jaxpr: Jaxpr, consts: Sequence[Any], args: Sequence[Any], cts_out: Sequence[Any]) -> list:
    """Cotangents of ``jaxpr``'s inputs (Zero where none reached them).

    ``args`` holds a value for each non-linear input and an
    :class:`UndefinedPrimal` for each linear one; ``cts_out`` one cotangent
    (or Zero) per output.
    """
    if len(args) != len(jaxpr.invars):
        raise TypeError(f"backward_pass: jaxpr takes {len(jaxpr.invars)} inputs, got {len(args)}")
    primal_env: dict[Any, Any] = {}
    linear: set[Any] = set()
    for v, c in zip(jaxpr.constvars, consts):
        primal_env[v] = c
    for v, a in zip(jaxpr.invars, args):
        if type(a) is UndefinedPrimal:
            linear.add(v)
        else:
            primal_env[v] = a

    def read_primal(a: Any) -> Any:
        if type(a) is Literal:
            return a.val
        if a in linear:
            return UndefinedPrimal(a.aval)
        return primal_env[a]

    # forward: evaluate what does not depend on linear inputs, mark the rest
    linear_eqns = []
    for eqn in jaxpr.eqns:
        if any(type(a) is not Literal and a in linear for a in eqn.invars):
            linear_eqns.append(eqn)
            linear.update(eqn.outvars)
            continue
        invals = [read_primal(a) for a in eqn.invars]
        subfuns, params = eqn.primitive.get_bind_params(eqn.params)
        outs = eqn.primitive.bind(*subfuns, *invals, **params)
        if eqn.primitive.multiple_results:
            for v, o in zip(eqn.outvars, outs):
                primal_env[v] = o
        else:
            primal_env[eqn.outvars[0]] = outs

    ct_env: dict[Any, Any] = {}

    def write_ct(v: Any, ct: Any, prim: Any = None) -> None:
        if type(v) is Literal or v not in linear or ct is None or type(ct) is Zero:
            return
        if not is_float0(ct):
            ct_aval = get_aval(ct)
            if not _same_type(ct_aval, tangent_aval(v.aval)):
                who = f"Transpose rule (for reverse-mode differentiation) for '{prim}'" if prim is not None \
                    else "The cotangent"
                raise TypeError(
                    f"{who} produced a cotangent of type {ct_aval.str_short()} for a value of "
                    f"type {v.aval.str_short()}; cotangents must have the shape and dtype of the "
                    "tangent type of their primal value.")
        prev = ct_env.get(v)
        ct_env[v] = ct if prev is None else add_tangents(prev, ct)

    for v, ct in zip(jaxpr.outvars, cts_out):
        write_ct(v, ct)

    for eqn in reversed(linear_eqns):
        prim = eqn.primitive
        cts = [ct_env.pop(v, None) for v in eqn.outvars]
        if all(c is None for c in cts):
            continue
        cts = [Zero(tangent_aval(v.aval)) if c is None else c for v, c in zip(eqn.outvars, cts)]
        invals = [read_primal(a) for a in eqn.invars]
        rule = transpose_rules.get(prim)
        if rule is None:
            raise NotImplementedError(
                f"Transpose rule (for reverse-mode differentiation) for '{prim.name}' not implemented")
        ct_arg = cts if prim.multiple_results else cts[0]
        cts_in = rule(ct_arg, *invals, **eqn.params)
        if len(cts_in) != len(eqn.invars):
            raise ValueError(f"transpose rule of '{prim.name}' returned {len(cts_in)} cotangents for "
                             f"{len(eqn.invars)} operands")
        for a, ct in zip(eqn.invars, cts_in):
            write_ct(a, ct, prim.name)

    out = []
    for v, a in zip(jaxpr.invars, args):
        if type(a) is UndefinedPrimal:
            ct = ct_env.get(v)
            out.append(Zero(tangent_aval(a.aval)) if ct is None else ct)
        else:
            out.append(Zero(tangent_aval(v.aval)))
    return out


_transpose_cache = _JaxprCache()


def transpose_jaxpr(closed: ClosedJaxpr, linear: Sequence[bool], ct_zeros: Sequence[bool]) -> ClosedJaxpr:
    """A jaxpr computing ``closed``'s transpose.

    It takes ``(*non_linear_inputs, *nonzero_output_cotangents)`` and returns
    one cotangent (instantiated) per linear input.
    """
    key = ("transpose", tuple(bool(x) for x in linear), tuple(bool(z) for z in ct_zeros))
    hit = _transpose_cache.get(closed, key)
    if hit is not None:
        return hit
    in_avals, out_avals = closed.in_avals, closed.out_avals
    res_avals = [a for a, lin in zip(in_avals, linear) if not lin]
    ct_avals = [tangent_aval(a) for a, z in zip(out_avals, ct_zeros) if not z]
    nres = len(res_avals)

    def fun(*res_and_cts: Any) -> list:
        res_it = iter(res_and_cts[:nres])
        args = [UndefinedPrimal(a) if lin else next(res_it) for a, lin in zip(in_avals, linear)]
        ct_it = iter(res_and_cts[nres:])
        cts = [Zero(tangent_aval(a)) if z else next(ct_it) for a, z in zip(out_avals, ct_zeros)]
        cts_in = backward_pass(closed.jaxpr, closed.consts, args, cts)
        return [instantiate(c) for c, lin in zip(cts_in, linear) if lin]

    out = trace_to_jaxpr(fun, res_avals + ct_avals, name="transpose")
    _transpose_cache.put(closed, key, out)
    return out


def deflinear(prim: Primitive, transpose_rule: Callable[..., Any]) -> None:
    """Register the JVP (apply ``prim`` to the tangents) and transpose of a linear primitive."""
    from jax_ad.jvp import jvp_rules, linear_jvp

    jvp_rules[prim] = linear_jvp(prim)
    transpose_rules[prim] = transpose_rule


def zeros_ct(x: Any) -> Any:
    """A symbolic zero cotangent for operand ``x`` (UndefinedPrimal or value)."""
    return Zero(tangent_aval(aval_of(x)))


def float0_zeros(aval: ShapedArray) -> np.ndarray:
    return np.zeros(aval.shape, dtype=tangent_aval(aval).dtype)


__all__ = ["UndefinedPrimal", "backward_pass", "transpose_jaxpr", "transpose_rules", "deflinear",
           "is_undefined", "instantiate"]
