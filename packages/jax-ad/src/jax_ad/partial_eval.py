"""Partial evaluation: split a computation into what is known now and what is not.

:class:`PartialEvalTrace` computes every primitive whose operands are all
known right away (with its parent trace current: NumPy, or an enclosing
transformation) and stages the others into a jaxpr.  Known values that staged
equations use become that jaxpr's constants: the *residuals*.

``linearize`` runs the JVP of a function under this trace with the primal
inputs known and the tangent inputs unknown; what gets staged is exactly the
linear map from input tangents to output tangents.  The same trace also
splits jaxprs (``partial_eval_jaxpr``), which is how call primitives (jit's
``pjit``, ``closed_call``, ``checkpoint``) are linearized as units.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core.core import (
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    new_trace,
    set_current_trace,
    trace_state,
)
from jax_core.jaxpr import (
    ClosedJaxpr,
    DynamicJaxprTrace,
    DynamicJaxprTracer,
    Jaxpr,
    Literal,
    Var,
    eval_jaxpr,
    trace_to_jaxpr,
)

from jax_ad.jvp import _JaxprCache

# prim -> rule(trace, prim, args, params) for primitives that need more than
# "stage the whole equation when any operand is unknown"
partial_eval_rules: dict[Primitive, Callable[..., Any]] = {}


class PartialEvalTracer(Tracer):
    """An unknown value; ``staged`` is its tracer in the trace's staging jaxpr."""

    __slots__ = ("_aval", "staged")

    def __init__(self, trace: "PartialEvalTrace", aval: ShapedArray, staged: DynamicJaxprTracer):
        self._trace = trace
        self._aval = aval
        self.staged = staged

    @property
    def aval(self) -> ShapedArray:
        return self._aval


class PartialEvalTrace(Trace):
    def __init__(self, parent_trace: Trace | None = None, name: str = "linearize") -> None:
        super().__init__(parent_trace)
        self.staging = DynamicJaxprTrace(name)

    def describe(self) -> str:
        return "linearization (partial evaluation for reverse-mode differentiation)"

    def new_arg(self, aval: ShapedArray) -> PartialEvalTracer:
        return PartialEvalTracer(self, aval, self.staging.new_arg(aval))

    def is_unknown(self, x: Any) -> bool:
        return isinstance(x, PartialEvalTracer) and x._trace is self

    def stage(self, x: Any) -> DynamicJaxprTracer:
        """The staging-jaxpr tracer of ``x``; known values become residuals."""
        if isinstance(x, PartialEvalTracer) and x._trace is self:
            return x.staged
        return self.staging.to_tracer(x)

    def wrap(self, staged: Any) -> Any:
        if isinstance(staged, list):
            return [PartialEvalTracer(self, s._aval, s) for s in staged]
        return PartialEvalTracer(self, staged._aval, staged)

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        if not any(isinstance(a, PartialEvalTracer) and a._trace is self for a in args):
            with set_current_trace(self.parent_trace):
                return primitive.bind(*args, **params)
        rule = partial_eval_rules.get(primitive)
        if rule is not None:
            return rule(self, primitive, args, params)
        return self.stage_eqn(primitive, args, params)

    def stage_eqn(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        staged = [self.stage(a) for a in args]
        return self.wrap(self.staging.process_primitive(primitive, staged, params))

    def process_custom_jvp_call(self, prim: Primitive, fun: Callable, jvp: Callable, args: Sequence[Any], *,
                                symbolic_zeros: bool) -> Any:
        if not any(self.is_unknown(a) for a in args):
            with set_current_trace(self.parent_trace):
                return prim.bind(fun, jvp, *args, symbolic_zeros=symbolic_zeros)
        staged = [self.stage(a) for a in args]
        return self.wrap(self.staging.process_custom_jvp_call(prim, fun, jvp, staged, symbolic_zeros=symbolic_zeros))

    def process_custom_vjp_call(self, prim: Primitive, fun: Callable, fwd: Callable, bwd: Callable,
                                args: Sequence[Any], *, out_trees: Callable, symbolic_zeros: bool) -> Any:
        if not any(self.is_unknown(a) for a in args):
            with set_current_trace(self.parent_trace):
                return prim.bind(fun, fwd, bwd, *args, out_trees=out_trees, symbolic_zeros=symbolic_zeros)
        staged = [self.stage(a) for a in args]
        return self.wrap(self.staging.process_custom_vjp_call(
            prim, fun, fwd, bwd, staged, out_trees=out_trees, symbolic_zeros=symbolic_zeros))

    def to_jaxpr(self, outs: Sequence[Any]) -> ClosedJaxpr:
        """The staged jaxpr: its invars are the ``new_arg``s, its consts the residuals."""
        return self.staging.finalize([self.stage(o) for o in outs])


# --------------------------------------------------------------------------
# Splitting jaxprs


_pe_cache = _JaxprCache()


def partial_eval_jaxpr(closed: ClosedJaxpr, in_unknowns: Sequence[bool],
                       instantiate: bool | Sequence[bool] = False
                       ) -> tuple[ClosedJaxpr, ClosedJaxpr, list[bool], int]:
    """Split ``closed`` given which inputs are unknown.

    Returns ``(known, unknown, out_unknowns, num_res)``: ``known`` takes the
    known inputs and returns ``(*known_outs, *residuals)``; ``unknown`` takes
    ``(*residuals, *unknown_inputs)`` and returns the unknown outputs.
    Outputs flagged in ``instantiate`` are made unknown even when known.
    """
    n_out = len(closed.out_avals)
    inst = tuple([bool(instantiate)] * n_out if isinstance(instantiate, bool) else
                 [bool(i) for i in instantiate])
    key = ("pe", tuple(bool(u) for u in in_unknowns), inst)
    hit = _pe_cache.get(closed, key)
    if hit is not None:
        return hit
    in_avals = closed.in_avals
    known_avals = [a for a, u in zip(in_avals, in_unknowns) if not u]
    box: dict[str, Any] = {}

    def known_fun(*known_args: Any) -> list:
        known_trace = trace_state.trace
        pe = PartialEvalTrace(name="partial_eval")
        with new_trace(pe):
            it = iter(known_args)
            args = [pe.new_arg(a) if u else next(it) for a, u in zip(in_avals, in_unknowns)]
            outs = eval_jaxpr(closed.jaxpr, closed.consts, *args)
        out_unknowns = [pe.is_unknown(o) or i for o, i in zip(outs, inst)]
        unk = pe.to_jaxpr([o for o, u in zip(outs, out_unknowns) if u])
        res_vars, res_vals, const_vars, const_vals = [], [], [], []
        for v, c in zip(unk.jaxpr.constvars, unk.consts):
            if isinstance(c, Tracer) and c._trace is known_trace:
                res_vars.append(v)
                res_vals.append(c)
            else:
                const_vars.append(v)
                const_vals.append(c)
        j = unk.jaxpr
        box["unknown"] = ClosedJaxpr(Jaxpr(const_vars, res_vars + j.invars, j.outvars, j.eqns), const_vals)
        box["out_unknowns"] = out_unknowns
        box["num_res"] = len(res_vals)
        return [o for o, u in zip(outs, out_unknowns) if not u] + res_vals

    known = trace_to_jaxpr(known_fun, known_avals, name="partial_eval_known")
    result = (known, box["unknown"], box["out_unknowns"], box["num_res"])
    _pe_cache.put(closed, key, result)
    return result


def dce_jaxpr(jaxpr: Jaxpr, used_outputs: Sequence[bool]) -> Jaxpr:
    """Keep only the used outputs and the equations they need (invars are kept)."""
    live: set[Var] = set()
    outvars = [v for v, used in zip(jaxpr.outvars, used_outputs) if used]
    for v in outvars:
        if isinstance(v, Var):
            live.add(v)
    eqns = []
    for eqn in reversed(jaxpr.eqns):
        if any(v in live for v in eqn.outvars):
            eqns.append(eqn)
            for a in eqn.invars:
                if isinstance(a, Var):
                    live.add(a)
    eqns.reverse()
    return Jaxpr(jaxpr.constvars, jaxpr.invars, outvars, eqns)


def dce_closed(closed: ClosedJaxpr, used_outputs: Sequence[bool]) -> ClosedJaxpr:
    return ClosedJaxpr(dce_jaxpr(closed.jaxpr, used_outputs), closed.consts)


def is_literal(a: Any) -> bool:
    return isinstance(a, Literal)
