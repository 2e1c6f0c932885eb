"""JVP, partial-evaluation and transpose rules for collectives and for ``xla_pmap``.

Collectives are linear in their operands (except ``pmax``/``pmin``), so
their JVP applies the same collective to the tangents, and their transposes
are the "dual" collectives, read in the per-device view of SPMD programs
(each member's value is a separate variable):

* ``psum`` is its own transpose (every member's output depends on every
  member's input);
* ``all_gather`` and ``psum_scatter`` transpose into each other;
* ``ppermute`` transposes into the inverse permutation;
* ``all_to_all`` transposes into the ``all_to_all`` with split and concat
  axes swapped.

``xla_pmap`` (pmap's primitive) is differentiated as a unit, like jit's
``pjit``: the JVP maps the JVP of its per-device jaxpr, partial evaluation
splits that jaxpr into a known and an unknown map (residuals travel between
them mapped along axis 0), and the transpose maps the transposed jaxpr.
Cotangents of unmapped (``in_axes=None``) inputs are summed over the members
with a ``psum`` inside the transposed map; the cotangent of an unmapped output
(``out_axes=None``, taken from member 0) goes to member 0 only.
"""
from __future__ import annotations

from typing import Any, Sequence

from jax_core import core, lax
from jax_core.core import get_aval, set_current_trace
from jax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr
from jax_core.lax.parallel import (
    all_gather_p,
    all_to_all_p,
    axis_index_p,
    mapped_aval,
    pmax_p,
    pmin_p,
    ppermute_p,
    psum_p,
    reduce_scatter_p,
    xla_pmap_p,
)

from jax_ad.jvp import _JaxprCache, defjvp_zero, jvp_jaxpr, jvp_rules, linear_jvp
from jax_ad.partial_eval import PartialEvalTrace, partial_eval_jaxpr, partial_eval_rules
from jax_ad.transpose import UndefinedPrimal, aval_of, transpose_jaxpr, transpose_rules
from jax_ad.zeros import Zero, instantiate, tangent_aval

# --------------------------------------------------------------------------
# psum / pmax / pmin


def _psum_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[list, list]:
    outs = psum_p.bind(*primals, **params)
    nz = [t for t in tangents if type(t) is not Zero]
    t_outs = iter(psum_p.bind(*nz, **params) if nz else [])
    return outs, [Zero(tangent_aval(get_aval(p))) if type(t) is Zero else next(t_outs)
                  for p, t in zip(primals, tangents)]


def _psum_transpose(cts: Sequence[Any], *args: Any, **params: Any) -> list:
    nz = [c for c in cts if type(c) is not Zero]
    summed = iter(psum_p.bind(*nz, **params) if nz else [])
    out: list[Any] = []
    for a, c in zip(args, cts):
        if type(a) is not UndefinedPrimal:
            out.append(None)
        elif type(c) is Zero:
            out.append(Zero(tangent_aval(aval_of(a))))
        else:
            out.append(next(summed))
    return out


def _pextremum_jvp(prim: Any) -> Any:
    """Ties share the derivative equally (like ``reduce_max``): the tangent is the
    mean of the tangents of the members that hold the extremum."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[list, list]:
        outs = prim.bind(*primals, **params)
        t_outs: list = []
        for p, t, o in zip(primals, tangents, outs):
            if type(t) is Zero:
                t_outs.append(Zero(tangent_aval(get_aval(p))))
                continue
            hit = lax.convert_element_type(lax.eq(p, o), get_aval(t).dtype)
            # separate binds: the count is known (primal-only) under linearization
            (den,) = psum_p.bind(hit, **params)
            (num,) = psum_p.bind(lax.mul(hit, t), **params)
            t_outs.append(lax.div(num, den))
        return outs, t_outs

    return rule


jvp_rules[psum_p] = _psum_jvp
transpose_rules[psum_p] = _psum_transpose
jvp_rules[pmax_p] = _pextremum_jvp(pmax_p)
jvp_rules[pmin_p] = _pextremum_jvp(pmin_p)
defjvp_zero(axis_index_p)


# --------------------------------------------------------------------------
# the linear single-operand collectives


def _linear_transpose(make: Any) -> Any:
    def rule(ct: Any, x: Any, **params: Any) -> list:
        if type(ct) is Zero:
            return [Zero(tangent_aval(aval_of(x)))]
        return [make(ct, **params)]

    return rule


def _all_gather_t(ct: Any, *, all_gather_dimension: int, axis_name: Any, axis_index_groups: Any,
                  axis_size: int, tiled: bool) -> Any:
    return reduce_scatter_p.bind(ct, scatter_dimension=all_gather_dimension, axis_name=axis_name,
                                 axis_index_groups=axis_index_groups, axis_size=axis_size, tiled=tiled)


def _reduce_scatter_t(ct: Any, *, scatter_dimension: int, axis_name: Any, axis_index_groups: Any,
                      axis_size: int, tiled: bool) -> Any:
    return all_gather_p.bind(ct, all_gather_dimension=scatter_dimension, axis_name=axis_name,
                             axis_index_groups=axis_index_groups, axis_size=axis_size, tiled=tiled)


def _ppermute_t(ct: Any, *, axis_name: Any, perm: Any) -> Any:
    return ppermute_p.bind(ct, axis_name=axis_name, perm=tuple((t, s) for s, t in perm))


def _all_to_all_t(ct: Any, *, split_axis: int, concat_axis: int, axis_name: Any, axis_index_groups: Any,
                  tiled: bool) -> Any:
    return all_to_all_p.bind(ct, split_axis=concat_axis, concat_axis=split_axis, axis_name=axis_name,
                             axis_index_groups=axis_index_groups, tiled=tiled)


for _p, _t in ((all_gather_p, _all_gather_t), (reduce_scatter_p, _reduce_scatter_t), (ppermute_p, _ppermute_t),
               (all_to_all_p, _all_to_all_t)):
    jvp_rules[_p] = linear_jvp(_p)
    transpose_rules[_p] = _linear_transpose(_t)


# --------------------------------------------------------------------------
# xla_pmap


def _axis_frame(params: dict) -> Any:
    """Rebuilding the body re-binds its collectives, whose shape rules may look the axis up."""
    return core.extend_axis_env(params["axis_name"], params["global_axis_size"], "pmap")


def _pmap_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr, in_axes: Sequence[Any],
              out_axes: Sequence[Any], **params: Any) -> tuple[list, list]:
    nonzeros = [type(t) is not Zero for t in tangents]
    with _axis_frame(params):
        jvp_closed, out_nz = jvp_jaxpr(jaxpr, nonzeros)
    nz_tangents = [t for t in tangents if type(t) is not Zero]
    new_in = tuple(in_axes) + tuple(ax for ax, nz in zip(in_axes, nonzeros) if nz)
    new_out = tuple(out_axes) + tuple(ax for ax, nz in zip(out_axes, out_nz) if nz)
    outs = xla_pmap_p.bind(*primals, *nz_tangents, jaxpr=jvp_closed, in_axes=new_in, out_axes=new_out, **params)
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    t_out = [next(it) if nz else Zero(tangent_aval(mapped_aval(a, params["axis_size"], ax)))
             for a, ax, nz in zip(jaxpr.out_avals, out_axes, out_nz)]
    return list(outs[:n]), t_out


def _pmap_partial_eval(trace: PartialEvalTrace, prim: Any, args: Sequence[Any], params: dict) -> list:
    closed: ClosedJaxpr = params["jaxpr"]
    in_axes, out_axes = params["in_axes"], params["out_axes"]
    unknowns = [trace.is_unknown(a) for a in args]
    with _axis_frame(params):
        known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, unknowns)
    known_args = [a for a, u in zip(args, unknowns) if not u]
    # residuals differ between members: they leave the known map stacked along axis 0
    known_params = dict(params, jaxpr=known, in_axes=tuple(ax for ax, u in zip(in_axes, unknowns) if not u),
                        out_axes=tuple(ax for ax, u in zip(out_axes, out_unknowns) if not u) + (0,) * num_res)
    with set_current_trace(trace.parent_trace):
        known_outs_res = prim.bind(*known_args, **known_params)
    n_known = len(known_outs_res) - num_res
    known_outs, residuals = known_outs_res[:n_known], known_outs_res[n_known:]
    unknown_outs: list = []
    if any(out_unknowns):
        unknown_params = dict(params, jaxpr=unknown,
                              in_axes=(0,) * num_res + tuple(ax for ax, u in zip(in_axes, unknowns) if u),
                              out_axes=tuple(ax for ax, u in zip(out_axes, out_unknowns) if u))
        staged_in = [trace.stage(r) for r in residuals] + [a.staged for a, u in zip(args, unknowns) if u]
        unknown_outs = trace.wrap(trace.staging.process_primitive(prim, staged_in, unknown_params))
    k_it, u_it = iter(known_outs), iter(unknown_outs)
    return [next(u_it) if u else next(k_it) for u in out_unknowns]


_pmap_transpose_cache = _JaxprCache()


def _transposed_body(closed: ClosedJaxpr, linear: Sequence[bool], ct_zeros: Sequence[bool],
                     in_axes: Sequence[Any], out_axes: Sequence[Any], params: dict) -> ClosedJaxpr:
    """The per-device transpose, with cotangents of unmapped inputs psum'd over the axis
    and the cotangents of unmapped outputs given to member 0 only."""
    key = (tuple(linear), tuple(ct_zeros), tuple(in_axes), tuple(out_axes), params["axis_name"])
    hit = _pmap_transpose_cache.get(closed, key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    name = params["axis_name"]
    with _axis_frame(params):
        t_closed = transpose_jaxpr(closed, linear, ct_zeros)
        res_avals = [a for a, lin in zip(closed.in_avals, linear) if not lin]
        ct_avals = [tangent_aval(a) for a, z in zip(closed.out_avals, ct_zeros) if not z]
        ct_axes = [ax for ax, z in zip(out_axes, ct_zeros) if not z]
        lin_axes = [ax for ax, lin in zip(in_axes, linear) if lin]
        nres = len(res_avals)

        def body(*res_and_cts: Any) -> list:
            res, cts = list(res_and_cts[:nres]), list(res_and_cts[nres:])
            first = None
            for i, ax in enumerate(ct_axes):
                if ax is None:
                    if first is None:
                        first = lax.eq(axis_index_p.bind(axis_name=name), lax.full((), 0, "int32"))
                    c = cts[i]
                    cts[i] = lax.select(lax.broadcast_in_dim(first, get_aval(c).shape, ()), c,
                                        lax.full_like(c, 0))
            outs = eval_jaxpr(t_closed.jaxpr, t_closed.consts, *res, *cts)
            return [psum_p.bind(o, axes=(name,), axis_index_groups=None)[0] if ax is None else o
                    for o, ax in zip(outs, lin_axes)]

        out = trace_to_jaxpr(body, res_avals + ct_avals, name="pmap_transpose")
    _pmap_transpose_cache.put(closed, key, out)
    return out


def _pmap_transpose(cts: Sequence[Any], *args: Any, jaxpr: ClosedJaxpr, in_axes: Sequence[Any],
                    out_axes: Sequence[Any], **params: Any) -> list:
    linear = [type(a) is UndefinedPrimal for a in args]
    ct_zeros = [type(c) is Zero for c in cts]
    if all(ct_zeros):
        return [Zero(tangent_aval(a.aval)) if lin else None for a, lin in zip(args, linear)]
    body = _transposed_body(jaxpr, linear, ct_zeros, in_axes, out_axes, params)
    res = [a for a, lin in zip(args, linear) if not lin]
    nz_cts = [instantiate(c) for c in cts if type(c) is not Zero]
    new_in = tuple(ax for ax, lin in zip(in_axes, linear) if not lin) + tuple(
        ax for ax, z in zip(out_axes, ct_zeros) if not z)
    new_out = tuple(ax for ax, lin in zip(in_axes, linear) if lin)
    outs = xla_pmap_p.bind(*res, *nz_cts, jaxpr=body, in_axes=new_in, out_axes=new_out, **params)
    it = iter(outs)
    return [next(it) if lin else None for lin in linear]


jvp_rules[xla_pmap_p] = _pmap_jvp
partial_eval_rules[xla_pmap_p] = _pmap_partial_eval
transpose_rules[xla_pmap_p] = _pmap_transpose
