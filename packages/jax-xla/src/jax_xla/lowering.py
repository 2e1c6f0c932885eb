"""Lowering jaxprs to StableHLO modules, one rule per primitive.

``lowering_rules[prim](ctx, *operands, **params)`` emits ops into
``ctx.block`` and returns the result :class:`~jax_xla.mlir.Value` (a list for
primitives with several results).  ``ctx.avals_in`` / ``ctx.avals_out`` are
the equation's abstract values.  Rule modules register by primitive *name*
(:func:`register`), so a rule written for a primitive that jax-core has not
defined yet simply waits for it; :func:`get_rule` resolves names lazily.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core import lax
from jax_core.core import Array, Primitive, ShapedArray, Tracer
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, Literal
from jax_xla.mlir import Block, Value, _Counter, module_text

Rule = Callable[..., Any]

#: The lowering rule of every primitive, keyed by the Primitive object.
lowering_rules: dict[Primitive, Rule] = {}
_rules_by_name: dict[str, Rule] = {}


def register(*names: str) -> Callable[[Rule], Rule]:
    """Decorator: the rule lowers the primitives called ``names``."""

    def wrap(rule: Rule) -> Rule:
        for n in names:
            _rules_by_name[n] = rule
            prim = lax.all_primitives.get(n)
            if prim is not None:
                lowering_rules[prim] = rule
        return rule

    return wrap


def register_primitive(prim: Primitive, rule: Rule) -> None:
    lowering_rules[prim] = rule


def get_rule(prim: Primitive) -> Rule:
    rule = lowering_rules.get(prim)
    if rule is None:
        rule = _rules_by_name.get(prim.name)
        if rule is None:
            raise NotImplementedError(f"no lowering rule for '{prim.name}'")
        lowering_rules[prim] = rule
    return rule


def has_rule(prim: Primitive) -> bool:
    return prim in lowering_rules or prim.name in _rules_by_name


class ModuleContext:
    """What the whole module being built knows (replicas, the axis env for pmap)."""

    def __init__(self, name: str = "main", num_replicas: int = 1, axis_env: Any = None,
                 platform: str = "cpu"):
        self.name = name
        self.num_replicas = num_replicas
        self.axis_env = axis_env      # filled by jax-pmap: named axes -> sizes
        self.platform = platform
        self.counter = _Counter()


class RuleContext:
    """Handed to a lowering rule: where to emit and the equation's avals."""

    __slots__ = ("module", "block", "primitive", "avals_in", "avals_out")

    def __init__(self, module: ModuleContext, block: Block, primitive: Primitive | None,
                 avals_in: Sequence[ShapedArray], avals_out: Sequence[ShapedArray]):
        self.module = module
        self.block = block
        self.primitive = primitive
        self.avals_in = list(avals_in)
        self.avals_out = list(avals_out)

    @property
    def aval_out(self) -> ShapedArray:
        return self.avals_out[0]

    def lower_jaxpr(self, closed: ClosedJaxpr | Jaxpr, args: Sequence[Value],
                    block: Block | None = None, consts: Sequence[Value] | None = None) -> list[Value]:
        """Inline a sub-jaxpr into ``block`` (default: the current block)."""
        b = block if block is not None else self.block
        if isinstance(closed, ClosedJaxpr):
            jaxpr = closed.jaxpr
            const_vals = consts if consts is not None else [const_value(b, c) for c in closed.consts]
        else:
            jaxpr = closed
            const_vals = list(consts or [])
        return lower_jaxpr(self.module, b, jaxpr, const_vals, args)


def host_value(x: Any) -> np.ndarray:
    if isinstance(x, Tracer):
        raise TypeError(f"cannot lower a jaxpr that closes over the tracer {x!r}; "
                        "it should have been an explicit argument")
    if type(x) is Array:
        return x._value
    return np.asarray(x)


def const_value(block: Block, x: Any, aval: ShapedArray | None = None) -> Value:
    """Embed a concrete value as a constant."""
    v = host_value(x)
    if aval is not None and v.dtype != aval.dtype:
        v = v.astype(aval.dtype)
    out = block.constant(v)
    if aval is not None:
        out.aval = aval
    return out


def lower_jaxpr(module: ModuleContext, block: Block, jaxpr: Jaxpr, consts: Sequence[Value],
                args: Sequence[Value]) -> list[Value]:
    env: dict[Any, Value] = {}

    def read(a: Any) -> Value:
        if type(a) is Literal:
            return const_value(block, a.val, a.aval)
        return env[a]

    if len(args) != len(jaxpr.invars):
        raise TypeError(f"lowering: jaxpr takes {len(jaxpr.invars)} arguments, got {len(args)}")
    for v, c in zip(jaxpr.constvars, consts):
        env[v] = c
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        prim = eqn.primitive
        rule = get_rule(prim)
        ins = [read(a) for a in eqn.invars]
        ctx = RuleContext(module, block, prim, [a.aval for a in eqn.invars], [v.aval for v in eqn.outvars])
        try:
            out = rule(ctx, *ins, **eqn.params)
        except NotImplementedError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as err:
            raise type(err)(f"while lowering '{prim.name}' with inputs "
                            f"{', '.join(a.str_short() for a in ctx.avals_in)}: {err}") from err
        if prim.multiple_results:
            outs = list(out)
            if len(outs) != len(eqn.outvars):
                raise ValueError(f"lowering rule of '{prim.name}' returned {len(outs)} results, "
                                 f"expected {len(eqn.outvars)}")
            for v, o in zip(eqn.outvars, outs):
                env[v] = _with_aval(o, v.aval)
        else:
            env[eqn.outvars[0]] = _with_aval(out, eqn.outvars[0].aval)
    return [read(a) for a in jaxpr.outvars]


def _with_aval(v: Value, aval: ShapedArray) -> Value:
    if v.aval.shape != aval.shape or v.aval.dtype != aval.dtype:
        raise TypeError(f"lowering produced {v.type} where the jaxpr says {aval.str_short()}")
    return v if v.aval is aval else Value(v.name, aval)


class LoweredModule:
    """A module's text plus what running it needs to know."""

    def __init__(self, text: str, in_avals: list[ShapedArray], out_avals: list[ShapedArray],
                 const_args: list[Any]):
        self.text = text
        self.in_avals = in_avals        # the function's own arguments (after hoisted consts)
        self.out_avals = out_avals
        self.const_args = const_args    # values passed as the leading arguments


# constants up to this many elements are embedded in the module text; larger
# ones are passed as (device-resident) leading arguments
EMBED_CONST_MAX_SIZE = 16


def lower_closed_jaxpr(name: str, closed: ClosedJaxpr, num_replicas: int = 1, axis_env: Any = None,
                       platform: str = "cpu", arg_attrs: Sequence[str] | None = None) -> LoweredModule:
    """The module for ``closed`` (its big consts become leading arguments)."""
    jaxpr = closed.jaxpr
    module = ModuleContext(name, num_replicas, axis_env, platform)
    hoisted: list[tuple[Any, Any]] = []   # (constvar, value)
    embedded: list[tuple[Any, Any]] = []
    for v, c in zip(jaxpr.constvars, closed.consts):
        if isinstance(c, Tracer):
            raise TypeError(f"cannot lower {name}: it closes over the tracer {c!r}")
        if v.aval.size > EMBED_CONST_MAX_SIZE:
            hoisted.append((v, c))
        else:
            embedded.append((v, c))
    in_avals = [v.aval for v, _ in hoisted] + [v.aval for v in jaxpr.invars]
    body = Block(module.counter, in_avals)
    nh = len(hoisted)
    const_env = {v: body.args[i] for i, (v, _) in enumerate(hoisted)}
    for v, c in embedded:
        const_env[v] = const_value(body, c, v.aval)
    consts = [const_env[v] for v in jaxpr.constvars]
    outs = lower_jaxpr(module, body, jaxpr, consts, body.args[nh:])
    out_avals = [v.aval for v in jaxpr.outvars]
    attrs = ([""] * nh + list(arg_attrs)) if arg_attrs else None
    text = module_text(name, in_avals, out_avals, body, outs, num_replicas=num_replicas,
                       arg_attrs=attrs)
    return LoweredModule(text, [v.aval for v in jaxpr.invars], out_avals, [c for _, c in hoisted])
