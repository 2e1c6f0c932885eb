"""Forward mode: the JVP trace, its rule table, and JVP of jaxprs.

A :class:`JVPTracer` carries a primal value and its tangent (possibly a
symbolic :class:`~jax_ad.zeros.Zero`).  The trace computes every rule with its
parent trace current, so primal and tangent computations are handed to
whatever interpreter sits underneath: NumPy when differentiating eager code,
the partial evaluator under ``linearize``/``vjp``, a jaxpr trace under ``jit``.
"""
from __future__ import annotations

import collections
from typing import Any, Callable, Sequence

from jax_core.core import (
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    check_tracer_valid,
    get_aval,
    new_trace,
    set_current_trace,
    to_numpy,
)
from jax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr

from jax_ad.zeros import Zero, add_tangents, instantiate, is_differentiable_dtype, is_float0, tangent_aval

JVPRule = Callable[..., Any]

# prim -> rule(primals, tangents, **params) -> (primal_out, tangent_out)
jvp_rules: dict[Primitive, JVPRule] = {}


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent", "_aval")

    def __init__(self, trace: "JVPTrace", primal: Any, tangent: Any):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self._aval: ShapedArray | None = None

    @property
    def aval(self) -> ShapedArray:
        a = self._aval
        if a is None:
            a = self._aval = get_aval(self.primal)
        return a

    def to_concrete_value(self) -> Any:
        p = self.primal
        if isinstance(p, Tracer):
            return p.to_concrete_value()
        return to_numpy(p)


class JVPTrace(Trace):
    def describe(self) -> str:
        return "JVP trace (forward-mode differentiation)"

    def to_primal_tangent(self, x: Any) -> tuple[Any, Any]:
        if isinstance(x, JVPTracer) and x._trace is self:
            return x.primal, x.tangent
        return x, Zero(tangent_aval(get_aval(x)))

    def _unzip(self, args: Sequence[Any]) -> tuple[list, list, bool]:
        primals: list = []
        tangents: list = []
        nonzero = False
        for a in args:
            if isinstance(a, JVPTracer) and a._trace is self:
                primals.append(a.primal)
                t = a.tangent
                if type(t) is not Zero:
                    nonzero = True
                tangents.append(t)
            else:
                primals.append(a)
                tangents.append(None)
        if nonzero:
            tangents = [Zero(tangent_aval(get_aval(p))) if t is None else t
                        for p, t in zip(primals, tangents)]
        return primals, tangents, nonzero

    def wrap(self, primal: Any, tangent: Any) -> Any:
        if type(tangent) is Zero:
            return primal
        if is_float0(tangent):
            return primal
        return JVPTracer(self, primal, tangent)

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        primals, tangents, nonzero = self._unzip(args)
        if not nonzero:
            with set_current_trace(self.parent_trace):
                return primitive.bind(*primals, **params)
        rule = jvp_rules.get(primitive)
        if rule is None:
            raise NotImplementedError(
                f"Differentiation rule for '{primitive.name}' not implemented (jax-ad has no "
                f"JVP rule for the primitive {primitive.name!r}).")
        with set_current_trace(self.parent_trace):
            primal_out, tangent_out = rule(primals, tangents, **params)
        if primitive.multiple_results:
            return [self.wrap(p, _check_tangent(primitive, p, t)) for p, t in zip(primal_out, tangent_out)]
        return self.wrap(primal_out, _check_tangent(primitive, primal_out, tangent_out))

    def process_custom_jvp_call(self, prim: Primitive, fun: Callable, jvp: Callable, args: Sequence[Any], *,
                                symbolic_zeros: bool) -> Any:
        primals, tangents, nonzero = self._unzip(args)
        if not nonzero or getattr(jvp, "zero_tangents", False):
            # zero_tangents: stop_gradient-like rules whose output tangents are zero
            with set_current_trace(self.parent_trace):
                return prim.bind(fun, jvp, *primals, symbolic_zeros=symbolic_zeros)
        with set_current_trace(self.parent_trace):
            outs = jvp(*primals, *[instantiate(t) for t in tangents])
        n = len(outs) // 2
        primal_outs, tangent_outs = outs[:n], outs[n:]
        res = []
        for p, t in zip(primal_outs, tangent_outs):
            if type(t) is not Zero and (is_float0(t) or not is_differentiable_dtype(get_aval(p).dtype)):
                t = Zero(tangent_aval(get_aval(p)))
            res.append(self.wrap(p, t))
        return res

    def process_custom_vjp_call(self, prim: Primitive, fun: Callable, fwd: Callable, bwd: Callable,
                                args: Sequence[Any], *, out_trees: Callable, symbolic_zeros: bool) -> Any:
        primals, tangents, nonzero = self._unzip(args)
        if not nonzero:
            with set_current_trace(self.parent_trace):
                return prim.bind(fun, fwd, bwd, *primals, out_trees=out_trees, symbolic_zeros=symbolic_zeros)
        from jax_ad.custom_derivatives import custom_lin_p

        with set_current_trace(self.parent_trace):
            res_and_outs = list(fwd(*primals))
            _, res_tree = out_trees()
            num_res = res_tree.num_leaves
            res, primal_outs = res_and_outs[:num_res], res_and_outs[num_res:]
            in_avals = tuple(get_aval(p) for p in primals)
            out_avals = tuple(get_aval(p) for p in primal_outs)
            lin_in = [instantiate(t) for t, a in zip(tangents, in_avals) if is_differentiable_dtype(a.dtype)]
            diff_outs = [is_differentiable_dtype(a.dtype) for a in out_avals]
            lin_out = custom_lin_p.bind(*res, *lin_in, num_res=num_res, bwd=bwd, in_avals=in_avals,
                                        out_avals=out_avals, symbolic_zeros=symbolic_zeros)
        it = iter(lin_out)
        return [self.wrap(p, next(it)) if d else p for p, d in zip(primal_outs, diff_outs)]


def _check_tangent(prim: Primitive, primal: Any, tangent: Any) -> Any:
    if type(tangent) is Zero:
        return tangent
    aval = get_aval(primal)
    if not is_differentiable_dtype(aval.dtype):
        return Zero(tangent_aval(aval))
    return tangent


# --------------------------------------------------------------------------
# helpers for writing rules


def defjvp(prim: Primitive, *jvps: Callable[..., Any] | None) -> None:
    """One function per operand: ``jvp_i(g, *primals, **params)`` is the
    tangent contribution of operand i (None: that operand is not differentiable)."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        out: Any = Zero(tangent_aval(get_aval(ans)))
        for f, t in zip(jvps, tangents):
            if f is not None and type(t) is not Zero:
                out = add_tangents(out, f(t, *primals, **params))
        return ans, out

    jvp_rules[prim] = rule


def defjvp2(prim: Primitive, *jvps: Callable[..., Any] | None) -> None:
    """Like :func:`defjvp` but each function also gets the output: ``jvp_i(g, ans, *primals)``."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        out: Any = Zero(tangent_aval(get_aval(ans)))
        for f, t in zip(jvps, tangents):
            if f is not None and type(t) is not Zero:
                out = add_tangents(out, f(t, ans, *primals, **params))
        return ans, out

    jvp_rules[prim] = rule


def defjvp_zero(prim: Primitive) -> None:
    """The primitive's output does not depend differentiably on its inputs."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero(tangent_aval(get_aval(a))) for a in ans]
        return ans, Zero(tangent_aval(get_aval(ans)))

    jvp_rules[prim] = rule


def linear_jvp(prim: Primitive) -> JVPRule:
    """The JVP of a primitive that is linear in all of its operands jointly."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        return ans, prim.bind(*[instantiate(t) for t in tangents], **params)

    return rule


# --------------------------------------------------------------------------
# JVP of functions on flat lists, and of closed jaxprs


def jvp_flat(fun: Callable[..., Sequence[Any]], primals: Sequence[Any], tangents: Sequence[Any]
             ) -> tuple[list, list]:
    """Run ``fun`` (flat list in and out) on primals with tangents (Zero allowed)."""
    trace = JVPTrace()
    with new_trace(trace):
        ins = [p if type(t) is Zero else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
        outs = fun(*ins)
        pairs = [_lower_out(trace, o) for o in outs]
    return [p for p, _ in pairs], [t for _, t in pairs]


def _lower_out(trace: JVPTrace, x: Any) -> tuple[Any, Any]:
    if isinstance(x, Tracer) and not (isinstance(x, JVPTracer) and x._trace is trace):
        check_tracer_valid(x)
    return trace.to_primal_tangent(x)


class _JaxprCache:
    """A small LRU of jaxpr transformations, keyed on the input jaxpr's identity.

    Holding the input jaxpr keeps its ``id`` from being reused; transformed
    jaxprs are reused so that compiled executables downstream are too.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self.data: collections.OrderedDict[tuple, tuple[Any, Any]] = collections.OrderedDict()

    def get(self, closed: Any, key: tuple) -> Any:
        k = (id(closed),) + key
        hit = self.data.get(k)
        if hit is None or hit[0] is not closed:
            return None
        self.data.move_to_end(k)
        return hit[1]

    def put(self, closed: Any, key: tuple, value: Any) -> None:
        self.data[(id(closed),) + key] = (closed, value)
        if len(self.data) > self.size:
            self.data.popitem(last=False)


_jvp_jaxpr_cache = _JaxprCache()


def jvp_jaxpr(closed: ClosedJaxpr, nonzeros: Sequence[bool], instantiate_out: bool | Sequence[bool] = False
              ) -> tuple[ClosedJaxpr, list[bool]]:
    """The JVP of a closed jaxpr.

    The result takes ``(*primals, *nonzero_tangents)`` and returns
    ``(*primal_outs, *nonzero_tangent_outs)``; the second result says which
    output tangents are present.  ``instantiate_out`` (one flag per output,
    or one for all) forces zero tangents of differentiable outputs to be
    present.
    """
    n_out = len(closed.out_avals)
    inst = tuple([bool(instantiate_out)] * n_out if isinstance(instantiate_out, bool) else
                 [bool(i) for i in instantiate_out])
    key = (tuple(bool(nz) for nz in nonzeros), inst)
    hit = _jvp_jaxpr_cache.get(closed, key)
    if hit is not None:
        return hit
    in_avals = closed.in_avals
    n = len(in_avals)
    out_nz: list[bool] = []

    def fun(*args: Any) -> list:
        primals = list(args[:n])
        it = iter(args[n:])
        tangents = [next(it) if nz else Zero(tangent_aval(a)) for a, nz in zip(in_avals, nonzeros)]
        p_out, t_out = jvp_flat(lambda *xs: eval_jaxpr(closed.jaxpr, closed.consts, *xs), primals, tangents)
        t_out = [instantiate(t) if i and type(t) is Zero and is_differentiable_dtype(t.aval.dtype) else t
                 for t, i in zip(t_out, inst)]
        out_nz[:] = [type(t) is not Zero and not is_float0(t) for t in t_out]
        return list(p_out) + [t for t, nz in zip(t_out, out_nz) if nz]

    tangent_avals = [tangent_aval(a) for a, nz in zip(in_avals, nonzeros) if nz]
    out = trace_to_jaxpr(fun, list(in_avals) + tangent_avals, name="jvp")
    result = (out, list(out_nz))
    _jvp_jaxpr_cache.put(closed, key, result)
    return result


__all__ = ["JVPTrace", "JVPTracer", "jvp_rules", "defjvp", "defjvp2", "defjvp_zero", "linear_jvp",
           "jvp_flat", "jvp_jaxpr"]
