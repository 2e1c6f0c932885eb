"""Rules of the control-flow primitives: cond, while and scan.

* JVP: the primitive applied to the JVP of its body jaxpr(s); loop carries
  whose tangents may become nonzero are found by a fixed point.
* Partial evaluation (reverse mode): ``cond`` and ``scan`` are split into a
  known primitive computed now and an unknown one staged into the linear
  jaxpr; scan residuals are stacked per iteration (loop-invariant ones are
  passed as constants).  ``while`` can be linearized (its unknown part is
  staged as a whole loop) but not transposed, as in JAX.
* Transposition: ``cond`` transposes each branch; ``scan`` becomes a scan
  running the other way whose carry accumulates the cotangents.

The core's control-flow impls ignore body consts, so every jaxpr built here
is made const-free: consts become leading operands.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core import lax
from jax_core.core import ShapedArray, Tracer, get_aval, new_trace, set_current_trace, trace_state
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, Var, eval_jaxpr, trace_to_jaxpr

from jax_ad.jvp import jvp_jaxpr, jvp_rules
from jax_ad.partial_eval import PartialEvalTrace, dce_jaxpr, partial_eval_jaxpr, partial_eval_rules
from jax_ad.transpose import UndefinedPrimal, backward_pass, is_undefined, transpose_jaxpr, transpose_rules
from jax_ad.zeros import Zero, add_tangents, instantiate, is_differentiable_dtype, tangent_aval

cond_p = lax.cond_p
while_p = lax.while_p
scan_p = lax.scan_p

# --------------------------------------------------------------------------
# helpers


def hoist_consts(closed: ClosedJaxpr) -> tuple[ClosedJaxpr, list]:
    """``closed`` without constvars (they become leading invars) and the consts."""
    j = closed.jaxpr
    if not j.constvars:
        return closed, []
    return ClosedJaxpr(Jaxpr([], list(j.constvars) + list(j.invars), j.outvars, j.eqns), []), list(closed.consts)


def trace_const_free(fun: Callable[..., list], in_avals: Sequence[ShapedArray], name: str
                     ) -> tuple[ClosedJaxpr, list]:
    return hoist_consts(trace_to_jaxpr(fun, list(in_avals), name=name))


def join_branches(branches: Sequence[ClosedJaxpr]) -> tuple[list[ClosedJaxpr], list]:
    """Branches that all take every branch's consts as leading operands."""
    hoisted = [hoist_consts(b) for b in branches]
    all_consts = [c for _, cs in hoisted for c in cs]
    const_avals = [get_aval(c) for c in all_consts]
    out = []
    offset = 0
    for (b, cs) in hoisted:
        j = b.jaxpr
        n = len(cs)
        own, rest = j.invars[:n], j.invars[n:]
        pre = [Var(a) for a in const_avals[:offset]]
        post = [Var(a) for a in const_avals[offset + n:]]
        out.append(ClosedJaxpr(Jaxpr([], pre + list(own) + post + list(rest), j.outvars, j.eqns), []))
        offset += n
    return out, all_consts


def _split(xs: Sequence[Any], sizes: Sequence[int]) -> list[list]:
    out = []
    i = 0
    for s in sizes:
        out.append(list(xs[i:i + s]))
        i += s
    out.append(list(xs[i:]))
    return out


def _zeros_of(aval: ShapedArray) -> Any:
    return lax.full(aval.shape, 0, aval.dtype)


# --------------------------------------------------------------------------
# cond


def _cond_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, branches: tuple) -> tuple[list, list]:
    index, *ops = primals
    ops_t = tangents[1:]
    nz = [type(t) is not Zero for t in ops_t]
    out_avals = branches[0].out_avals
    out_nz = [False] * len(out_avals)
    for b in branches:
        _, o = jvp_jaxpr(b, nz)
        out_nz = [x or y for x, y in zip(out_nz, o)]
    out_nz = [x and is_differentiable_dtype(a.dtype) for x, a in zip(out_nz, out_avals)]
    jvp_branches = [jvp_jaxpr(b, nz, out_nz)[0] for b in branches]
    joined, consts = join_branches(jvp_branches)
    nz_t = [t for t in ops_t if type(t) is not Zero]
    outs = cond_p.bind(index, *consts, *ops, *nz_t, branches=tuple(joined))
    n = len(out_avals)
    it = iter(outs[n:])
    return list(outs[:n]), [next(it) if z else Zero(tangent_aval(a)) for a, z in zip(out_avals, out_nz)]


def _cond_partial_eval(trace: PartialEvalTrace, prim: Any, args: Sequence[Any], params: dict) -> list:
    branches = params["branches"]
    index, *ops = args
    if trace.is_unknown(index):
        return trace.stage_eqn(prim, args, params)
    uks = [trace.is_unknown(o) for o in ops]
    n_out = len(branches[0].out_avals)
    out_uks = [False] * n_out
    for b in branches:
        out_uks = [x or y for x, y in zip(out_uks, partial_eval_jaxpr(b, uks)[2])]
    splits = [partial_eval_jaxpr(b, uks, instantiate=out_uks) for b in branches]
    n_known_out = n_out - sum(out_uks)
    res_avals = [list(k.out_avals[n_known_out:]) for k, _, _, _ in splits]
    all_res_avals = [a for ra in res_avals for a in ra]
    known_in_avals = [a for a, u in zip(branches[0].in_avals, uks) if not u]
    unknown_in_avals = [a for a, u in zip(branches[0].in_avals, uks) if u]
    offsets = [sum(len(r) for r in res_avals[:i]) for i in range(len(splits))]

    def known_branch(i: int) -> ClosedJaxpr:
        known = splits[i][0]

        def fun(*kops: Any) -> list:
            outs = eval_jaxpr(known.jaxpr, known.consts, *kops)
            res = [_zeros_of(a) for a in all_res_avals]
            res[offsets[i]:offsets[i] + len(res_avals[i])] = outs[n_known_out:]
            return list(outs[:n_known_out]) + res

        return trace_to_jaxpr(fun, known_in_avals, name="cond_known")

    def unknown_branch(i: int) -> ClosedJaxpr:
        unknown = splits[i][1]

        def fun(*args_: Any) -> list:
            res = args_[offsets[i]:offsets[i] + len(res_avals[i])]
            return eval_jaxpr(unknown.jaxpr, unknown.consts, *res, *args_[len(all_res_avals):])

        return trace_to_jaxpr(fun, all_res_avals + unknown_in_avals, name="cond_unknown")

    kb, kconsts = join_branches([known_branch(i) for i in range(len(splits))])
    ub, uconsts = join_branches([unknown_branch(i) for i in range(len(splits))])
    known_ops = [o for o, u in zip(ops, uks) if not u]
    with set_current_trace(trace.parent_trace):
        kouts = cond_p.bind(index, *kconsts, *known_ops, branches=tuple(kb))
    known_outs, residuals = kouts[:n_known_out], kouts[n_known_out:]
    staged_in = ([trace.stage(index)] + [trace.stage(c) for c in uconsts] + [trace.stage(r) for r in residuals]
                 + [o.staged for o, u in zip(ops, uks) if u])
    unknown_outs = trace.wrap(trace.staging.process_primitive(cond_p, staged_in, dict(branches=tuple(ub))))
    k_it, u_it = iter(known_outs), iter(unknown_outs)
    return [next(u_it) if u else next(k_it) for u in out_uks]


def _cond_transpose(cts: Sequence[Any], index: Any, *ops: Any, branches: tuple) -> list:
    if is_undefined(index):
        raise NotImplementedError("cond transpose with respect to the branch index")
    linear = [is_undefined(o) for o in ops]
    ct_zeros = [type(c) is Zero for c in cts]
    t_branches, consts = join_branches([transpose_jaxpr(b, linear, ct_zeros) for b in branches])
    res = [o for o, lin in zip(ops, linear) if not lin]
    nz_cts = [c for c in cts if type(c) is not Zero]
    outs = cond_p.bind(index, *consts, *res, *nz_cts, branches=tuple(t_branches))
    it = iter(outs)
    return [None] + [next(it) if lin else None for lin in linear]


jvp_rules[cond_p] = _cond_jvp
partial_eval_rules[cond_p] = _cond_partial_eval
transpose_rules[cond_p] = _cond_transpose

# --------------------------------------------------------------------------
# while


def _while_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, cond_jaxpr: ClosedJaxpr,
               body_jaxpr: ClosedJaxpr, cond_nconsts: int, body_nconsts: int) -> tuple[list, list]:
    nc, nb = cond_nconsts, body_nconsts
    cconsts, bconsts, init = _split(primals, [nc, nb])
    _, bconst_t, init_t = _split(tangents, [nc, nb])
    bconst_nz = [type(t) is not Zero for t in bconst_t]
    carry_avals = [get_aval(x) for x in init]
    carry_nz = [type(t) is not Zero and is_differentiable_dtype(a.dtype) for t, a in zip(init_t, carry_avals)]
    while True:
        _, out_nz = jvp_jaxpr(body_jaxpr, bconst_nz + carry_nz, carry_nz)
        new = [(a or b) and is_differentiable_dtype(av.dtype) for a, b, av in zip(carry_nz, out_nz, carry_avals)]
        if new == carry_nz:
            break
        carry_nz = new
    body_jvp, _ = jvp_jaxpr(body_jaxpr, bconst_nz + carry_nz, carry_nz)
    nbt, ncar = sum(bconst_nz), len(init)
    b_in = body_jaxpr.in_avals
    bconst_avals, carry_in_avals = b_in[:nb], b_in[nb:]
    bt_avals = [tangent_aval(a) for a, z in zip(bconst_avals, bconst_nz) if z]
    ct_avals = [tangent_aval(a) for a, z in zip(carry_in_avals, carry_nz) if z]

    def body(*args: Any) -> list:
        bc, bct, car, cart = _split(args, [nb, nbt, ncar])
        return eval_jaxpr(body_jvp.jaxpr, body_jvp.consts, *bc, *car, *bct, *cart)

    def cond(*args: Any) -> list:
        return eval_jaxpr(cond_jaxpr.jaxpr, cond_jaxpr.consts, *args[:nc + ncar])

    new_body, bh = trace_const_free(body, list(bconst_avals) + bt_avals + list(carry_in_avals) + ct_avals,
                                    "while_body_jvp")
    new_cond, ch = trace_const_free(cond, list(cond_jaxpr.in_avals) + ct_avals, "while_cond_jvp")
    init_t_nz = [instantiate(t) for t, z in zip(init_t, carry_nz) if z]
    bconst_t_nz = [t for t in bconst_t if type(t) is not Zero]
    outs = while_p.bind(*ch, *cconsts, *bh, *bconsts, *bconst_t_nz, *init, *init_t_nz,
                        cond_jaxpr=new_cond, body_jaxpr=new_body, cond_nconsts=len(ch) + nc,
                        body_nconsts=len(bh) + nb + nbt)
    it = iter(outs[ncar:])
    return list(outs[:ncar]), [next(it) if z else Zero(tangent_aval(a)) for a, z in zip(carry_avals, carry_nz)]


def _while_partial_eval(trace: PartialEvalTrace, prim: Any, args: Sequence[Any], params: dict) -> list:
    cond_jaxpr, body_jaxpr = params["cond_jaxpr"], params["body_jaxpr"]
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    uks = [trace.is_unknown(a) for a in args]
    cconst_uk, bconst_uk, carry_uk = _split(uks, [nc, nb])
    if any(cconst_uk):
        return trace.stage_eqn(prim, args, params)
    while True:
        out_uk = partial_eval_jaxpr(body_jaxpr, bconst_uk + carry_uk)[2]
        new = [a or b for a, b in zip(carry_uk, out_uk)]
        if new == carry_uk:
            break
        carry_uk = new
    if partial_eval_jaxpr(cond_jaxpr, cconst_uk + carry_uk)[2][0]:
        return trace.stage_eqn(prim, args, params)
    cconsts, bconsts, init = _split(args, [nc, nb])
    b_in = body_jaxpr.in_avals
    carry_avals = b_in[nb:]
    known_bc_avals = [a for a, u in zip(b_in[:nb], bconst_uk) if not u]
    known_carry_avals = [a for a, u in zip(carry_avals, carry_uk) if not u]
    nkb = len(known_bc_avals)

    def fill(known: Sequence[Any], avals: Sequence[ShapedArray], uk: Sequence[bool]) -> list:
        # unknown inputs do not affect the known outputs: any placeholder will do
        it = iter(known)
        return [_zeros_of(a) if u else next(it) for a, u in zip(avals, uk)]

    def body(*args_: Any) -> list:
        bc = fill(args_[:nkb], b_in[:nb], bconst_uk)
        car = fill(args_[nkb:], carry_avals, carry_uk)
        outs = eval_jaxpr(body_jaxpr.jaxpr, body_jaxpr.consts, *bc, *car)
        return [o for o, u in zip(outs, carry_uk) if not u]

    def cond(*args_: Any) -> list:
        car = fill(args_[nc:], carry_avals, carry_uk)
        return eval_jaxpr(cond_jaxpr.jaxpr, cond_jaxpr.consts, *args_[:nc], *car)

    kbody, bh = trace_const_free(body, known_bc_avals + known_carry_avals, "while_body_known")
    kbody = ClosedJaxpr(dce_jaxpr(kbody.jaxpr, [True] * len(kbody.out_avals)), [])
    kcond, ch = trace_const_free(cond, list(cond_jaxpr.in_avals[:nc]) + known_carry_avals, "while_cond_known")
    known_bc = [a for a, u in zip(bconsts, bconst_uk) if not u]
    known_init = [a for a, u in zip(init, carry_uk) if not u]
    with set_current_trace(trace.parent_trace):
        known_outs = while_p.bind(*ch, *cconsts, *bh, *known_bc, *known_init, cond_jaxpr=kcond, body_jaxpr=kbody,
                                  cond_nconsts=len(ch) + nc, body_nconsts=len(bh) + nkb)
    staged = trace.stage_eqn(prim, args, params)
    k_it = iter(known_outs)
    return [s if u else next(k_it) for s, u in zip(staged, carry_uk)]


def _while_transpose(cts: Sequence[Any], *args: Any, **params: Any) -> list:
    raise ValueError(
        "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic "
        "start/stop values. Try using lax.scan, or using fori_loop with static start/stop.")


jvp_rules[while_p] = _while_jvp
partial_eval_rules[while_p] = _while_partial_eval
transpose_rules[while_p] = _while_transpose

# --------------------------------------------------------------------------
# scan


def _bind_scan(args: Sequence[Any], jaxpr: ClosedJaxpr, num_consts: int, num_carry: int, length: int,
               reverse: bool, unroll: Any) -> Any:
    return scan_p.bind(*args, jaxpr=jaxpr, num_consts=num_consts, num_carry=num_carry, length=length,
                       reverse=reverse, linear=(False,) * len(args), unroll=unroll, _split_transpose=False)


def _scan_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr, num_consts: int,
              num_carry: int, length: int, reverse: bool, linear: tuple, unroll: Any,
              _split_transpose: bool = False) -> tuple[list, list]:
    nc, ncar = num_consts, num_carry
    consts, init, xs = _split(primals, [nc, ncar])
    const_t, init_t, xs_t = _split(tangents, [nc, ncar])
    const_nz = [type(t) is not Zero for t in const_t]
    xs_nz = [type(t) is not Zero for t in xs_t]
    in_avals = jaxpr.in_avals
    carry_avals = in_avals[nc:nc + ncar]
    carry_nz = [type(t) is not Zero and is_differentiable_dtype(a.dtype) for t, a in zip(init_t, carry_avals)]
    ny = len(jaxpr.out_avals) - ncar
    while True:
        _, out_nz = jvp_jaxpr(jaxpr, const_nz + carry_nz + xs_nz, carry_nz + [False] * ny)
        new = [(a or b) and is_differentiable_dtype(av.dtype) for a, b, av in zip(carry_nz, out_nz, carry_avals)]
        if new == carry_nz:
            break
        carry_nz = new
    jj, out_nz = jvp_jaxpr(jaxpr, const_nz + carry_nz + xs_nz, carry_nz + [False] * ny)
    ys_nz = out_nz[ncar:]
    nx = len(xs)
    nct, ncart = sum(const_nz), sum(carry_nz)
    const_avals, x_avals = in_avals[:nc], in_avals[nc + ncar:]

    def body(*args: Any) -> list:
        c, ctn, car, cartn, x, xtn = _split(args, [nc, nct, ncar, ncart, nx])
        outs = eval_jaxpr(jj.jaxpr, jj.consts, *c, *car, *x, *ctn, *cartn, *xtn)
        car_o, ys_o, cart_o, yst_o = _split(outs, [ncar, ny, ncart])
        return car_o + cart_o + ys_o + yst_o

    body_avals = (list(const_avals) + [tangent_aval(a) for a, z in zip(const_avals, const_nz) if z]
                  + list(carry_avals) + [tangent_aval(a) for a, z in zip(carry_avals, carry_nz) if z]
                  + list(x_avals) + [tangent_aval(a) for a, z in zip(x_avals, xs_nz) if z])
    new_jaxpr, hc = trace_const_free(body, body_avals, "scan_jvp")
    operands = ([*hc, *consts, *[t for t in const_t if type(t) is not Zero], *init,
                 *[instantiate(t) for t, z in zip(init_t, carry_nz) if z], *xs,
                 *[t for t in xs_t if type(t) is not Zero]])
    outs = _bind_scan(operands, new_jaxpr, len(hc) + nc + nct, ncar + ncart, length, reverse, unroll)
    car_o, cart_o, ys_o, yst_o = _split(outs, [ncar, ncart, ny])
    out_avals = list(carry_avals) + [ShapedArray((length,) + a.shape, a.dtype, a.weak_type)
                                     for a in jaxpr.out_avals[ncar:]]
    t_it = iter(list(cart_o) + list(yst_o))
    t_out = [next(t_it) if z else Zero(tangent_aval(a)) for a, z in zip(out_avals, carry_nz + ys_nz)]
    return list(car_o) + list(ys_o), t_out


def _scan_partial_eval(trace: PartialEvalTrace, prim: Any, args: Sequence[Any], params: dict) -> list:
    jaxpr: ClosedJaxpr = params["jaxpr"]
    nc, ncar = params["num_consts"], params["num_carry"]
    length, reverse, unroll = params["length"], params["reverse"], params["unroll"]
    uks = [trace.is_unknown(a) for a in args]
    const_uk, carry_uk, xs_uk = _split(uks, [nc, ncar])
    ny = len(jaxpr.out_avals) - ncar
    while True:
        out_uk = partial_eval_jaxpr(jaxpr, const_uk + carry_uk + xs_uk, carry_uk + [False] * ny)[2]
        new = [a or b for a, b in zip(carry_uk, out_uk[:ncar])]
        if new == carry_uk:
            break
        carry_uk = new
    in_uks = const_uk + carry_uk + xs_uk
    inst = carry_uk + [False] * ny
    in_avals = jaxpr.in_avals
    n_known_consts = sum(not u for u in const_uk)
    box: dict[str, Any] = {}

    def known_body(*known_in: Any) -> list:
        known_trace = trace_state.trace
        pe = PartialEvalTrace(name="scan_partial_eval")
        with new_trace(pe):
            it = iter(known_in)
            body_args = [pe.new_arg(a) if u else next(it) for a, u in zip(in_avals, in_uks)]
            outs = eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *body_args)
        out_uks = [pe.is_unknown(o) or i for o, i in zip(outs, inst)]
        unk = pe.to_jaxpr([o for o, u in zip(outs, out_uks) if u])
        known_consts = list(known_in[:n_known_consts])
        hoisted, stacked, outer = [], [], []
        for v, c in zip(unk.jaxpr.constvars, unk.consts):
            if isinstance(c, Tracer) and c._trace is known_trace:
                k = next((i for i, kc in enumerate(known_consts) if kc is c), None)
                if k is not None:
                    hoisted.append((v, k))   # a loop-invariant residual: one of the scan's consts
                else:
                    stacked.append((v, c))   # computed per iteration: stacked as an extra output
            else:
                outer.append((v, c))         # from outside the scan
        box.update(out_uks=out_uks, unk=unk, hoisted=hoisted, stacked=stacked, outer=outer)
        return [o for o, u in zip(outs, out_uks) if not u] + [c for _, c in stacked]

    known_in_avals = [a for a, u in zip(in_avals, in_uks) if not u]
    known_closed, kh = trace_const_free(known_body, known_in_avals, "scan_known")
    out_uks: list[bool] = box["out_uks"]
    unk: ClosedJaxpr = box["unk"]
    hoisted, stacked, outer = box["hoisted"], box["stacked"], box["outer"]
    if out_uks[:ncar] != carry_uk:
        raise NotImplementedError("scan partial evaluation: unexpected unknown carries")

    consts, init, xs = _split(args, [nc, ncar])
    known_consts = [c for c, u in zip(consts, const_uk) if not u]
    known_init = [c for c, u in zip(init, carry_uk) if not u]
    known_xs = [x for x, u in zip(xs, xs_uk) if not u]
    n_kcar = len(known_init)
    with set_current_trace(trace.parent_trace):
        kouts = _bind_scan([*kh, *known_consts, *known_init, *known_xs], known_closed,
                           len(kh) + len(known_consts), n_kcar, length, reverse, unroll)
    n_kys = ny - sum(out_uks[ncar:])
    known_carry, known_ys, stacked_res = _split(kouts, [n_kcar, n_kys])

    # the unknown scan: consts [outer, hoisted, unknown consts], carry [unknown carries],
    # xs [unknown xs, stacked residuals]
    j = unk.jaxpr
    n_uc, n_ucar = sum(const_uk), sum(carry_uk)
    uc_vars, ucar_vars, ux_vars = _split(j.invars, [n_uc, n_ucar])
    invars = ([v for v, _ in outer] + [v for v, _ in hoisted] + uc_vars + ucar_vars + ux_vars
              + [v for v, _ in stacked])
    unknown_jaxpr = ClosedJaxpr(Jaxpr([], invars, j.outvars, j.eqns), [])
    staged_in = ([trace.stage(c) for _, c in outer] + [trace.stage(known_consts[k]) for _, k in hoisted]
                 + [c.staged for c, u in zip(consts, const_uk) if u]
                 + [trace.stage(c) for c, u in zip(init, carry_uk) if u]
                 + [x.staged for x, u in zip(xs, xs_uk) if u]
                 + [trace.stage(r) for r in stacked_res])
    n_consts = len(outer) + len(hoisted) + n_uc
    staged_params = dict(jaxpr=unknown_jaxpr, num_consts=n_consts, num_carry=n_ucar, length=length,
                         reverse=reverse, linear=(False,) * len(staged_in), unroll=unroll, _split_transpose=False)
    unknown_outs = trace.wrap(trace.staging.process_primitive(scan_p, staged_in, staged_params))
    k_it = iter(list(known_carry) + list(known_ys))
    u_it = iter(unknown_outs)
    return [next(u_it) if u else next(k_it) for u in out_uks]


def _scan_transpose(cts: Sequence[Any], *args: Any, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int,
                    length: int, reverse: bool, linear: tuple, unroll: Any, _split_transpose: bool = False) -> list:
    nc, ncar = num_consts, num_carry
    consts, init, xs = _split(args, [nc, ncar])
    const_lin = [is_undefined(c) for c in consts]
    xs_lin = [is_undefined(x) for x in xs]
    in_avals = jaxpr.in_avals
    const_avals, carry_avals, x_avals = _split(in_avals, [nc, ncar])
    for a in carry_avals:
        if not is_differentiable_dtype(a.dtype):
            raise NotImplementedError(f"scan transpose with a non-differentiable carry of type {a.str_short()}")
    y_avals = jaxpr.out_avals[ncar:]
    ct_carry = [instantiate(c) for c in cts[:ncar]]
    ct_ys = list(cts[ncar:])
    ys_zero = [type(c) is Zero for c in ct_ys]
    ires = [c for c, lin in zip(consts, const_lin) if not lin]
    eres = [x for x, lin in zip(xs, xs_lin) if not lin]
    ires_avals = [a for a, lin in zip(const_avals, const_lin) if not lin]
    lin_const_avals = [tangent_aval(a) for a, lin in zip(const_avals, const_lin) if lin]
    eres_avals = [a for a, lin in zip(x_avals, xs_lin) if not lin]
    ct_y_avals = [tangent_aval(a) for a, z in zip(y_avals, ys_zero) if not z]
    n_ires, n_lc, n_cty = len(ires), len(lin_const_avals), len(ct_y_avals)

    def tbody(*targs: Any) -> list:
        ires_, ctc, ctcar, ctys, eres_ = _split(targs, [n_ires, n_lc, ncar, n_cty])
        ir_it, er_it = iter(ires_), iter(eres_)
        primals = ([UndefinedPrimal(a) if lin else next(ir_it) for a, lin in zip(const_avals, const_lin)]
                   + [UndefinedPrimal(a) for a in carry_avals]
                   + [UndefinedPrimal(a) if lin else next(er_it) for a, lin in zip(x_avals, xs_lin)])
        y_it = iter(ctys)
        cts_out = list(ctcar) + [Zero(tangent_aval(a)) if z else next(y_it) for a, z in zip(y_avals, ys_zero)]
        cts_in = backward_pass(jaxpr.jaxpr, jaxpr.consts, primals, cts_out)
        c_bar, car_bar, x_bar = _split(cts_in, [nc, ncar])
        lin_c_bar = [c for c, lin in zip(c_bar, const_lin) if lin]
        new_ctc = [instantiate(add_tangents(acc, ct)) for acc, ct in zip(ctc, lin_c_bar)]
        return (new_ctc + [instantiate(c) for c in car_bar]
                + [instantiate(c) for c, lin in zip(x_bar, xs_lin) if lin])

    t_avals = ires_avals + lin_const_avals + [tangent_aval(a) for a in carry_avals] + ct_y_avals + eres_avals
    tj, th = trace_const_free(tbody, t_avals, "scan_transpose")
    ct_consts0 = [_zeros_of(a) for a in lin_const_avals]
    outs = _bind_scan([*th, *ires, *ct_consts0, *ct_carry, *[c for c in ct_ys if type(c) is not Zero], *eres], tj,
                      len(th) + n_ires, n_lc + ncar, length, not reverse, unroll)
    ct_consts, ct_init, ct_xs = _split(outs, [n_lc, ncar])
    cc_it, cx_it = iter(ct_consts), iter(ct_xs)
    return ([next(cc_it) if lin else None for lin in const_lin] + list(ct_init)
            + [next(cx_it) if lin else None for lin in xs_lin])


jvp_rules[scan_p] = _scan_jvp
partial_eval_rules[scan_p] = _scan_partial_eval
transpose_rules[scan_p] = _scan_transpose

__all__ = ["hoist_consts", "join_branches"]
