"""Batching primitives that hold jaxprs: calls (pjit, closed_call, checkpoint)
and control flow (cond, while, scan).

Their rules batch the inner jaxpr -- trace a batched version of it with
``trace_to_jaxpr`` -- and bind the same primitive on it.  They are
axis-aware rules (see :data:`axis_batching_rules`): even with no mapped
operand the body may use a collective over this vmap's axis.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core import core
from jax_core.core import Primitive, ShapedArray, get_aval, set_current_trace
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, Var, eval_jaxpr, trace_to_jaxpr

from jax_batching.batching import (
    AxisData,
    BatchTrace,
    BatchTracer,
    extend_axis_env,
    matchaxis,
    moveaxis,
    register_axis_rule_factory,
)

FREE = "free"  # an output whose batch dim the tracing may choose

# --------------------------------------------------------------------------
# Which axis names a jaxpr's collectives use


def _axis_names_of_params(params: dict) -> list:
    names: list = []
    for key in ("axes", "axis_name"):
        v = params.get(key)
        if v is None:
            continue
        names.extend(v if isinstance(v, (tuple, list)) else [v])
    return names


def _sub_jaxprs(params: dict) -> list[Jaxpr]:
    out = []
    for v in params.values():
        for e in (v if isinstance(v, tuple) else (v,)):
            if isinstance(e, ClosedJaxpr):
                out.append(e.jaxpr)
            elif isinstance(e, Jaxpr):
                out.append(e)
    return out


_uses_axis_cache: dict[tuple[int, Any], tuple[Jaxpr, bool]] = {}


def jaxpr_uses_axis(jaxpr: Jaxpr, name: Any) -> bool:
    """Whether a collective in ``jaxpr`` (or a sub-jaxpr) refers to axis ``name``."""
    if name is None:
        return False
    try:
        key = (id(jaxpr), name)
        hit = _uses_axis_cache.get(key)
    except TypeError:
        key, hit = None, None  # type: ignore[assignment]
    if hit is not None and hit[0] is jaxpr:
        return hit[1]
    found = False
    for eqn in jaxpr.eqns:
        if name in _axis_names_of_params(eqn.params) or any(jaxpr_uses_axis(j, name)
                                                            for j in _sub_jaxprs(eqn.params)):
            found = True
            break
    if key is not None:
        if len(_uses_axis_cache) > 2048:
            _uses_axis_cache.clear()
        _uses_axis_cache[key] = (jaxpr, found)
    return found


# --------------------------------------------------------------------------
# Batching a closed jaxpr


def _batched_aval(a: ShapedArray, d: int | None, size: int) -> ShapedArray:
    if d is None:
        return a
    shape = a.shape[:d] + (size,) + a.shape[d:]
    return ShapedArray(shape, a.dtype, a.weak_type)


_batch_jaxpr_cache: dict[Any, tuple[ClosedJaxpr, ClosedJaxpr, list]] = {}


def batch_jaxpr(closed: ClosedJaxpr, axis_data: AxisData, in_dims: Sequence[int | None],
                out_dims: Sequence[Any] | None = None) -> tuple[ClosedJaxpr, list]:
    """A jaxpr computing ``closed`` on batched inputs, and its outputs' batch dims.

    ``in_dims`` say where the inputs of the new jaxpr are batched; ``out_dims``
    (default: all FREE) where its outputs must be (an int, None for
    unmapped, or FREE to take whatever the batched computation gives).
    """
    out_dims = [FREE] * len(closed.out_avals) if out_dims is None else list(out_dims)
    try:
        key: Any = (id(closed), tuple(in_dims), tuple(out_dims), axis_data.size, axis_data.name,
                    axis_data.spmd_name)
        hash(key)
    except TypeError:
        key = None
    if key is not None:
        hit = _batch_jaxpr_cache.get(key)
        if hit is not None and hit[0] is closed:
            return hit[1], list(hit[2])
    size = axis_data.size
    in_avals = [_batched_aval(a, d, size) for a, d in zip(closed.in_avals, in_dims)]
    got_dims: list = []

    def batched_fun(*args: Any) -> list:
        trace = BatchTrace(core.current_trace(), axis_data)
        with core.new_trace(trace), extend_axis_env(axis_data):
            ins = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
            outs = eval_jaxpr(closed.jaxpr, closed.consts, *ins)
            with set_current_trace(trace.parent_trace):
                res = []
                got_dims.clear()
                for o, want in zip(outs, out_dims):
                    v, d = trace.to_batch_info(o)
                    if want is not FREE and want != d:
                        if want is None:
                            raise ValueError("a batched value cannot be made unbatched")
                        v, d = matchaxis(v, d, want, size), want
                    res.append(v)
                    got_dims.append(d)
                return res

    new = trace_to_jaxpr(batched_fun, in_avals, name="vmap")
    dims = list(got_dims)
    if key is not None:
        if len(_batch_jaxpr_cache) > 1024:
            _batch_jaxpr_cache.clear()
        _batch_jaxpr_cache[key] = (closed, new, dims)
    return new, dims


def hoist_consts(closed: ClosedJaxpr) -> tuple[ClosedJaxpr, list]:
    """The jaxpr with its constvars turned into leading invars, and the consts."""
    j = closed.jaxpr
    if not j.constvars:
        return closed, []
    return ClosedJaxpr(Jaxpr([], list(j.constvars) + list(j.invars), j.outvars, j.eqns), []), list(closed.consts)


_hoisted_cache: dict[int, tuple[ClosedJaxpr, ClosedJaxpr, list]] = {}


def batch_jaxpr_hoisted(closed: ClosedJaxpr, axis_data: AxisData, in_dims: Sequence[int | None],
                        out_dims: Sequence[Any] | None = None) -> tuple[ClosedJaxpr, list, list]:
    """:func:`batch_jaxpr` with the new jaxpr's consts turned into leading operands.

    Returns (jaxpr without consts, consts, out dims).  The same batched jaxpr
    object comes back for the same inputs, so caches keyed on the jaxpr (the
    compiled executables of jax-xla) keep hitting.
    """
    new, dims = batch_jaxpr(closed, axis_data, in_dims, out_dims)
    hit = _hoisted_cache.get(id(new))
    if hit is not None and hit[0] is new:
        return hit[1], list(hit[2]), dims
    hoisted, consts = hoist_consts(new)
    if len(_hoisted_cache) > 1024:
        _hoisted_cache.clear()
    _hoisted_cache[id(new)] = (new, hoisted, consts)
    return hoisted, list(consts), dims


def _jaxpr_of(fun: Callable[..., list], in_avals: Sequence[ShapedArray]) -> tuple[ClosedJaxpr, list]:
    return hoist_consts(trace_to_jaxpr(fun, in_avals, name="vmap"))


# --------------------------------------------------------------------------
# call primitives


def call_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr,
             **params: Any) -> tuple[Any, Any]:
        if all(d is None for d in dims) and not jaxpr_uses_axis(jaxpr.jaxpr, axis_data.name):
            return prim.bind(*vals, jaxpr=jaxpr, **params), [None] * len(jaxpr.out_avals)
        new_jaxpr, consts, out_dims = batch_jaxpr_hoisted(jaxpr, axis_data, dims)
        return prim.bind(*consts, *vals, jaxpr=new_jaxpr, **params), out_dims

    return rule


for _name in ["pjit", "closed_call", "checkpoint", "core_call", "remat"]:
    register_axis_rule_factory(_name, call_rule)


# --------------------------------------------------------------------------
# cond


def _unmapped_and_unused(dims: Sequence[int | None], jaxprs: Sequence[ClosedJaxpr], name: Any) -> bool:
    return all(d is None for d in dims) and not any(jaxpr_uses_axis(j.jaxpr, name) for j in jaxprs)


def _cond_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, branches: tuple,
             **params: Any) -> tuple[Any, Any]:
        index, ops = vals[0], list(vals[1:])
        idim, op_dims = dims[0], list(dims[1:])
        if _unmapped_and_unused(dims, branches, axis_data.name):
            return prim.bind(*vals, branches=branches, **params), [None] * len(branches[0].out_avals)
        if idim is not None:
            return _cond_to_select(axis_data, index, idim, ops, op_dims, branches)
        # the same branch for every member: batch each branch, agreeing on out dims
        results = [batch_jaxpr(b, axis_data, op_dims) for b in branches]
        all_dims = [r[1] for r in results]
        if any(ds != all_dims[0] for ds in all_dims[1:]):
            forced = [None if all(ds[i] is None for ds in all_dims) else 0 for i in range(len(all_dims[0]))]
            results = [batch_jaxpr(b, axis_data, op_dims, forced) for b in branches]
        out_dims = results[0][1]
        new_branches, consts = _join_consts([r[0] for r in results])
        outs = prim.bind(index, *consts, *ops, branches=tuple(new_branches), **params)
        return outs, out_dims

    return rule


def _join_consts(jaxprs: Sequence[ClosedJaxpr]) -> tuple[list[ClosedJaxpr], list]:
    """Branch jaxprs without constvars: each takes every branch's consts first."""
    hoisted = [hoist_consts(j) for j in jaxprs]
    all_consts = [c for _, cs in hoisted for c in cs]
    if not all_consts:
        return [h[0] for h in hoisted], []
    avals = [get_aval(c) for c in all_consts]
    out = []
    offset = 0
    for j, cs in hoisted:
        n = len(cs)
        inv = j.jaxpr.invars
        pre = [Var(a) for a in avals[:offset]]
        post = [Var(a) for a in avals[offset + n:]]
        out.append(ClosedJaxpr(Jaxpr([], pre + inv[:n] + post + inv[n:], j.jaxpr.outvars, j.jaxpr.eqns), []))
        offset += n
    return out, all_consts


def _cond_to_select(axis_data: AxisData, index: Any, idim: int, ops: list, op_dims: list,
                    branches: tuple) -> tuple[Any, Any]:
    """A batched predicate: run every branch on every member and select per member."""
    from jax_core import lax

    n_out = len(branches[0].out_avals)
    forced = [0] * n_out
    branch_outs = []
    for b in branches:
        nb, _ = batch_jaxpr(b, axis_data, op_dims, forced)
        branch_outs.append(eval_jaxpr(nb.jaxpr, nb.consts, *ops))
    index = moveaxis(index, idim, 0)
    outs = []
    for i in range(n_out):
        cases = [bo[i] for bo in branch_outs]
        shape = get_aval(cases[0]).shape
        which = lax.broadcast_in_dim(index, shape, (0,)) if len(shape) > 1 else index
        if len(cases) == 1:
            outs.append(cases[0])
        else:
            outs.append(lax.select_n(which, *cases))
    return outs, [0] * n_out


register_axis_rule_factory("cond", _cond_rule)


# --------------------------------------------------------------------------
# while


def _while_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, cond_jaxpr: ClosedJaxpr,
             body_jaxpr: ClosedJaxpr, cond_nconsts: int, body_nconsts: int) -> tuple[Any, Any]:
        if _unmapped_and_unused(dims, [cond_jaxpr, body_jaxpr], axis_data.name):
            return prim.bind(*vals, cond_jaxpr=cond_jaxpr, body_jaxpr=body_jaxpr, cond_nconsts=cond_nconsts,
                             body_nconsts=body_nconsts), [None] * (len(vals) - cond_nconsts - body_nconsts)
        size = axis_data.size
        cc = list(vals[:cond_nconsts])
        bc = list(vals[cond_nconsts:cond_nconsts + body_nconsts])
        init = list(vals[cond_nconsts + body_nconsts:])
        ccd = list(dims[:cond_nconsts])
        bcd = list(dims[cond_nconsts:cond_nconsts + body_nconsts])
        initd = list(dims[cond_nconsts + body_nconsts:])

        carry_b = [d is not None for d in initd]
        carry_b = _carry_fixpoint(body_jaxpr, axis_data, bcd, carry_b, n_prefix_out=0)
        carry_dims: list[int | None] = [0 if b else None for b in carry_b]
        _, (pred_d,) = batch_jaxpr(cond_jaxpr, axis_data, ccd + carry_dims)
        if pred_d is not None:
            carry_dims = [0] * len(init)
        body_b, _ = batch_jaxpr(body_jaxpr, axis_data, bcd + carry_dims, carry_dims)
        init = [matchaxis(x, d, cd, size) for x, d, cd in zip(init, initd, carry_dims)]
        if pred_d is None:
            cond_b, _ = batch_jaxpr(cond_jaxpr, axis_data, ccd + carry_dims, [None])
            cond_h, cconsts = hoist_consts(cond_b)
            body_h, bconsts = hoist_consts(body_b)
            outs = prim.bind(*cconsts, *cc, *bconsts, *bc, *init, cond_jaxpr=cond_h, body_jaxpr=body_h,
                             cond_nconsts=len(cconsts) + len(cc), body_nconsts=len(bconsts) + len(bc))
            return outs, carry_dims
        # A batched predicate: loop while any member continues; the members
        # that are done keep their carry.
        from jax_core import lax

        cond_b, _ = batch_jaxpr(cond_jaxpr, axis_data, ccd + carry_dims, [0])
        cc_avals = [get_aval(c) for c in cc]
        bc_avals = [get_aval(c) for c in bc]
        carry_avals = [get_aval(x) for x in init]

        def new_cond(*args: Any) -> list:
            c, carry = args[:len(cc)], args[len(cc):]
            (pred,) = eval_jaxpr(cond_b.jaxpr, cond_b.consts, *c, *carry)
            return [lax.reduce_or(pred, (0,))]

        def new_body(*args: Any) -> list:
            c = args[:len(cc)]
            b = args[len(cc):len(cc) + len(bc)]
            carry = args[len(cc) + len(bc):]
            (pred,) = eval_jaxpr(cond_b.jaxpr, cond_b.consts, *c, *carry)
            new = eval_jaxpr(body_b.jaxpr, body_b.consts, *b, *carry)
            outs = []
            for n, o in zip(new, carry):
                shape = get_aval(o).shape
                p = pred if len(shape) == 1 else lax.broadcast_in_dim(pred, shape, (0,))
                outs.append(lax.select(p, n, o))
            return outs

        cond_h, cconsts = _jaxpr_of(new_cond, cc_avals + carry_avals)
        body_h, bconsts = _jaxpr_of(new_body, cc_avals + bc_avals + carry_avals)
        outs = prim.bind(*cconsts, *cc, *bconsts, *cc, *bc, *init, cond_jaxpr=cond_h, body_jaxpr=body_h,
                         cond_nconsts=len(cconsts) + len(cc), body_nconsts=len(bconsts) + len(cc) + len(bc))
        return outs, carry_dims

    return rule


def _carry_fixpoint(body: ClosedJaxpr, axis_data: AxisData, const_dims: list, carry_b: list[bool],
                    n_prefix_out: int, extra_in_dims: Sequence[int | None] = ()) -> list[bool]:
    """Which loop carries end up batched: a carry is batched if its initial
    value or its update is."""
    for _ in range(len(carry_b) + 1):
        in_dims = const_dims + [0 if b else None for b in carry_b] + list(extra_in_dims)
        _, out_dims = batch_jaxpr(body, axis_data, in_dims)
        new = [b or out_dims[n_prefix_out + i] is not None for i, b in enumerate(carry_b)]
        if new == carry_b:
            break
        carry_b = new
    return carry_b


register_axis_rule_factory("while", _while_rule)


# --------------------------------------------------------------------------
# scan


def _scan_rule(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    def rule(axis_data: AxisData, vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr,
             num_consts: int, num_carry: int, linear: tuple, **params: Any) -> tuple[Any, Any]:
        n_out = len(jaxpr.out_avals)
        if _unmapped_and_unused(dims, [jaxpr], axis_data.name):
            return prim.bind(*vals, jaxpr=jaxpr, num_consts=num_consts, num_carry=num_carry, linear=linear,
                             **params), [None] * n_out
        size = axis_data.size
        consts = list(vals[:num_consts])
        init = list(vals[num_consts:num_consts + num_carry])
        xs = list(vals[num_consts + num_carry:])
        cd = list(dims[:num_consts])
        initd = list(dims[num_consts:num_consts + num_carry])
        xsd = list(dims[num_consts + num_carry:])
        # the scanned axis of xs is 0: their batch goes to axis 1 (axis 0 inside the body)
        xs = [x if d is None or d == 1 else moveaxis(x, d, 1) for x, d in zip(xs, xsd)]
        x_in_dims: list[int | None] = [None if d is None else 0 for d in xsd]
        carry_b = _carry_fixpoint(jaxpr, axis_data, cd, [d is not None for d in initd], 0, x_in_dims)
        carry_dims: list[Any] = [0 if b else None for b in carry_b]
        n_ys = n_out - num_carry
        body_b, out_dims = batch_jaxpr(jaxpr, axis_data, cd + carry_dims + x_in_dims,
                                       carry_dims + [FREE] * n_ys)
        body_h, new_consts = hoist_consts(body_b)
        init = [matchaxis(x, d, c, size) for x, d, c in zip(init, initd, carry_dims)]
        new_linear = (False,) * len(new_consts) + tuple(linear)
        outs = prim.bind(*new_consts, *consts, *init, *xs, jaxpr=body_h, num_consts=len(new_consts) + num_consts,
                         num_carry=num_carry, linear=new_linear, **params)
        ys_dims = [None if d is None else d + 1 for d in out_dims[num_carry:]]
        return outs, list(carry_dims) + ys_dims

    return rule


register_axis_rule_factory("scan", _scan_rule)


__all__ = ["batch_jaxpr", "batch_jaxpr_hoisted", "jaxpr_uses_axis", "hoist_consts"]
