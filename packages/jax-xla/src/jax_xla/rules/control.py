"""Call-like primitives (inlined) and structured control flow (cond, while, scan)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray
from jax_core.jaxpr import closed_call_p, custom_jvp_call_p, custom_vjp_call_p, pjit_p, remat_p
from jax_xla.lowering import RuleContext, register, register_primitive
from jax_xla.mlir import Value
from jax_xla.rules.reductions import reduce_values

# --------------------------------------------------------------------------
# calls: the body is inlined into the caller's module


def _call_rule(ctx: RuleContext, *args: Value, jaxpr: Any = None, call_jaxpr: Any = None,
               **_: Any) -> list[Value]:
    body = jaxpr if jaxpr is not None else call_jaxpr
    return ctx.lower_jaxpr(body, list(args))


for _p in (pjit_p, closed_call_p, remat_p, custom_jvp_call_p, custom_vjp_call_p):
    register_primitive(_p, _call_rule)
register("pjit", "jit", "closed_call", "core_call", "checkpoint", "remat", "custom_jvp_call",
         "custom_vjp_call", "custom_vjp_call_jaxpr", "custom_lin", "remat2")(_call_rule)


# --------------------------------------------------------------------------
# cond


@register("cond")
def _cond(ctx: RuleContext, index: Value, *args: Value, branches: Sequence[Any], **_: Any) -> list[Value]:
    b = ctx.block
    if index.dtype == np.bool_:
        index = b.convert(index, np.int32)
    elif index.dtype != np.int32:
        index = b.convert(index, np.int32)
    regions = []
    for br in branches:
        r = b.region()
        r.ret(ctx.lower_jaxpr(br, list(args), block=r))
        regions.append(r)
    return b.op("stablehlo.case", [index], [a.strip_weak_type() for a in ctx.avals_out], "", regions)


# --------------------------------------------------------------------------
# while


def _as_scalar_pred(b: Any, pred: Value) -> Value:
    if pred.shape:
        return reduce_values(b, "or", pred, range(len(pred.shape)))
    return pred


@register("while")
def _while(ctx: RuleContext, *args: Value, cond_jaxpr: Any, body_jaxpr: Any, cond_nconsts: int,
           body_nconsts: int, **_: Any) -> list[Value]:
    b = ctx.block
    cond_consts = list(args[:cond_nconsts])
    body_consts = list(args[cond_nconsts:cond_nconsts + body_nconsts])
    init = list(args[cond_nconsts + body_nconsts:])
    carry_avals = [v.aval.strip_weak_type() for v in init]
    cr = b.region(carry_avals)
    (pred,) = ctx.lower_jaxpr(cond_jaxpr, cond_consts + cr.args, block=cr)
    cr.ret([_as_scalar_pred(cr, pred)])
    br = b.region(carry_avals)
    br.ret(ctx.lower_jaxpr(body_jaxpr, body_consts + br.args, block=br))
    return b.op("stablehlo.while", init, carry_avals, "", [cr, br])


# --------------------------------------------------------------------------
# scan: a while loop over a counter, slicing xs and stacking ys


@register("scan")
def _scan(ctx: RuleContext, *args: Value, jaxpr: Any, length: int, reverse: bool = False, num_consts: int = 0,
          num_carry: int = 0, **_: Any) -> list[Value]:
    b = ctx.block
    length = int(length)
    consts = list(args[:num_consts])
    init = list(args[num_consts:num_consts + num_carry])
    xs = list(args[num_consts + num_carry:])
    y_avals = [a.strip_weak_type() for a in ctx.avals_out[num_carry:]]
    i32 = np.dtype(np.int32)
    counter = b.constant(np.zeros((), i32))
    ys_init = [b.full(a.shape, 0, a.dtype) for a in y_avals]
    state = [counter, *init, *ys_init]
    state_avals = [v.aval.strip_weak_type() for v in state]

    cr = b.region(state_avals)
    limit = cr.constant(np.array(length, i32))
    cr.ret([cr.compare(cr.args[0], limit, "LT", "SIGNED")])

    br = b.region(state_avals)
    i = br.args[0]
    carry = br.args[1:1 + num_carry]
    ys = br.args[1 + num_carry:]
    pos = br.sub(br.constant(np.array(length - 1, i32)), i) if reverse else i
    zero = br.constant(np.zeros((), i32))
    x_t = []
    for x in xs:
        sl = br.op1("stablehlo.dynamic_slice", [x, pos] + [zero] * (x.aval.ndim - 1),
                    ShapedArray((1,) + x.shape[1:], x.dtype),
                    f"slice_sizes = array<i64: {', '.join(str(s) for s in (1,) + x.shape[1:])}>")
        x_t.append(br.reshape(sl, x.shape[1:]))
    outs = ctx.lower_jaxpr(jaxpr, consts + list(carry) + x_t, block=br)
    new_carry, y_t = outs[:num_carry], outs[num_carry:]
    new_ys = []
    for y_buf, y in zip(ys, y_t):
        upd = br.reshape(y, (1,) + y.shape)
        new_ys.append(br.op1("stablehlo.dynamic_update_slice", [y_buf, upd, pos] + [zero] * y.aval.ndim,
                             y_buf.aval))
    one = br.constant(np.ones((), i32))
    br.ret([br.add(i, one), *new_carry, *new_ys])
    final = b.op("stablehlo.while", state, state_avals, "", [cr, br])
    return final[1:]
