"""Rules for the core's call primitives: ``pjit`` (jit), ``closed_call``, ``checkpoint``.

Each is differentiated as a unit, so ``grad(jit(f))`` still contains ``pjit``
equations (compiled by jax-xla): the JVP binds the primitive on the JVP of
its jaxpr, partial evaluation splits the jaxpr into a known and an unknown
call, and transposition binds the primitive on the transposed jaxpr.
"""
from __future__ import annotations

from typing import Any, Sequence

from jax_core.core import Primitive, set_current_trace
from jax_core.jaxpr import (
    ClosedJaxpr,
    closed_call_p,
    custom_jvp_call_p,
    custom_vjp_call_p,
    eval_jaxpr,
    pjit_p,
    remat_p,
    trace_to_jaxpr,
)

from jax_ad.jvp import _JaxprCache, jvp_jaxpr, jvp_rules
from jax_ad.partial_eval import PartialEvalTrace, dce_closed, partial_eval_jaxpr, partial_eval_rules
from jax_ad.transpose import UndefinedPrimal, backward_pass, transpose_jaxpr, transpose_rules
from jax_ad.zeros import Zero, tangent_aval

# Call params that hold one entry per input / per output (set by jax-xla's jit);
# they are reset to their defaults when the jaxpr changes arity.
_PER_INPUT = {"donated_invars": False, "in_shardings": None, "in_layouts": None}
_PER_OUTPUT = {"out_shardings": None, "out_layouts": None}


def call_params(params: dict, closed: ClosedJaxpr) -> dict:
    new = dict(params)
    new["jaxpr"] = closed
    n_in, n_out = len(closed.in_avals), len(closed.out_avals)
    for k, default in _PER_INPUT.items():
        if isinstance(new.get(k), tuple):
            new[k] = (default,) * n_in
    for k, default in _PER_OUTPUT.items():
        if isinstance(new.get(k), tuple):
            new[k] = (default,) * n_out
    return new


def _make_call_jvp(prim: Primitive) -> Any:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr, **params: Any
             ) -> tuple[list, list]:
        nonzeros = [type(t) is not Zero for t in tangents]
        jvp_closed, out_nz = jvp_jaxpr(jaxpr, nonzeros)
        nz_tangents = [t for t in tangents if type(t) is not Zero]
        outs = prim.bind(*primals, *nz_tangents, **call_params(dict(params, jaxpr=jaxpr), jvp_closed))
        n = len(jaxpr.out_avals)
        it = iter(outs[n:])
        t_out = [next(it) if nz else Zero(tangent_aval(a)) for a, nz in zip(jaxpr.out_avals, out_nz)]
        return list(outs[:n]), t_out

    return rule


def _make_call_partial_eval(prim: Primitive) -> Any:
    def rule(trace: PartialEvalTrace, prim_: Primitive, args: Sequence[Any], params: dict) -> list:
        closed: ClosedJaxpr = params["jaxpr"]
        unknowns = [trace.is_unknown(a) for a in args]
        known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, unknowns)
        known_args = [a for a, u in zip(args, unknowns) if not u]
        with set_current_trace(trace.parent_trace):
            known_outs_res = prim.bind(*known_args, **call_params(params, known))
        n_known = len(known_outs_res) - num_res
        known_outs, residuals = known_outs_res[:n_known], known_outs_res[n_known:]
        unknown_outs: list = []
        if any(out_unknowns):
            staged_in = [trace.stage(r) for r in residuals] + [a.staged for a, u in zip(args, unknowns) if u]
            unknown_outs = trace.wrap(trace.staging.process_primitive(prim, staged_in,
                                                                      call_params(params, unknown)))
        k_it, u_it = iter(known_outs), iter(unknown_outs)
        return [next(u_it) if u else next(k_it) for u in out_unknowns]

    return rule


_remat_cache = _JaxprCache()


def _remat_partial_eval(trace: PartialEvalTrace, prim: Primitive, args: Sequence[Any], params: dict) -> list:
    """Known outputs now, without residuals; the staged part recomputes what it needs."""
    closed: ClosedJaxpr = params["jaxpr"]
    unknowns = [trace.is_unknown(a) for a in args]
    key = ("remat", tuple(unknowns))
    hit = _remat_cache.get(closed, key)
    if hit is None:
        known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, unknowns)
        n_known = len(known.out_avals) - num_res
        known_only = dce_closed(known, [True] * n_known + [False] * num_res)
        res_only = dce_closed(known, [False] * n_known + [True] * num_res)
        in_avals = closed.in_avals
        known_avals = [a for a, u in zip(in_avals, unknowns) if not u]
        unknown_avals = [a for a, u in zip(in_avals, unknowns) if u]
        nk = len(known_avals)

        def recompute(*ins: Any) -> list:
            res = eval_jaxpr(res_only.jaxpr, res_only.consts, *ins[:nk])
            return eval_jaxpr(unknown.jaxpr, unknown.consts, *res, *ins[nk:])

        staged_jaxpr = trace_to_jaxpr(recompute, known_avals + unknown_avals, name="checkpoint")
        hit = (known_only, staged_jaxpr, out_unknowns)
        _remat_cache.put(closed, key, hit)
    known_only, staged_jaxpr, out_unknowns = hit
    known_args = [a for a, u in zip(args, unknowns) if not u]
    with set_current_trace(trace.parent_trace):
        known_outs = prim.bind(*known_args, **dict(params, jaxpr=known_only))
    unknown_outs: list = []
    if any(out_unknowns):
        staged_in = [trace.stage(a) for a in known_args] + [a.staged for a, u in zip(args, unknowns) if u]
        unknown_outs = trace.wrap(trace.staging.process_primitive(prim, staged_in, dict(params, jaxpr=staged_jaxpr)))
    k_it, u_it = iter(known_outs), iter(unknown_outs)
    return [next(u_it) if u else next(k_it) for u in out_unknowns]


def _make_call_transpose(prim: Primitive) -> Any:
    def rule(cts: Sequence[Any], *args: Any, jaxpr: ClosedJaxpr, **params: Any) -> list:
        linear = [type(a) is UndefinedPrimal for a in args]
        ct_zeros = [type(c) is Zero for c in cts]
        t_closed = transpose_jaxpr(jaxpr, linear, ct_zeros)
        res = [a for a, lin in zip(args, linear) if not lin]
        nz_cts = [c for c in cts if type(c) is not Zero]
        outs = prim.bind(*res, *nz_cts, **call_params(dict(params, jaxpr=jaxpr), t_closed))
        it = iter(outs)
        return [next(it) if lin else None for lin in linear]

    return rule


for _p in (pjit_p, closed_call_p, remat_p):
    jvp_rules[_p] = _make_call_jvp(_p)
    transpose_rules[_p] = _make_call_transpose(_p)
partial_eval_rules[pjit_p] = _make_call_partial_eval(pjit_p)
partial_eval_rules[closed_call_p] = _make_call_partial_eval(closed_call_p)
partial_eval_rules[remat_p] = _remat_partial_eval


def _custom_call_transpose(cts: Sequence[Any], *args: Any, call_jaxpr: ClosedJaxpr, **params: Any) -> list:
    # a custom_jvp/custom_vjp function applied to tangents: transpose its body
    return backward_pass(call_jaxpr.jaxpr, call_jaxpr.consts, args, list(cts))


transpose_rules[custom_jvp_call_p] = _custom_call_transpose
transpose_rules[custom_vjp_call_p] = _custom_call_transpose
