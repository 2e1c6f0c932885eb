"""Lowering collectives and nested ``pmap`` into replicated XLA programs.

A pmap compiles to one StableHLO module run by ``num_replicas`` replicas,
one per device.  The replicas form a grid whose named axes are the pmap axes
in scope, outermost first (:class:`AxisEnv`); a replica's id, read row-major
over that grid, gives its position along every axis.  A collective over some
axes talks within the *replica groups* that share every other coordinate:

* ``psum``/``pmax``/``pmin`` -> ``stablehlo.all_reduce``;
* ``all_gather`` -> ``stablehlo.all_gather``;
* ``reduce_scatter`` -> ``stablehlo.reduce_scatter``;
* ``ppermute`` -> ``stablehlo.collective_permute`` (pairs of replica ids);
* ``all_to_all`` -> ``stablehlo.all_to_all``;
* ``axis_index`` -> arithmetic on ``stablehlo.replica_id``.

A pmap nested inside another adds an axis to the grid: each replica slices
its part of the mapped operands (at its position along the new axis), runs
the body, and the results are all-gathered back along that axis.  The
program then needs ``outer size * inner size`` replicas
(:func:`jaxpr_replicas`).
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray
from jax_core import core
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, eval_jaxpr, trace_to_jaxpr
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value
from jax_xla.rules.reductions import combiner_region


class AxisEnv:
    """The replica grid of a pmap module: named axes (outermost first) and the replica count.

    Replicas beyond the product of the sizes form a trailing anonymous axis
    (they are used by nested maps elsewhere in the program).
    """

    __slots__ = ("nreps", "names", "sizes")

    def __init__(self, nreps: int, names: Sequence[Any] = (), sizes: Sequence[int] = ()):
        self.nreps = int(nreps)
        self.names = tuple(names)
        self.sizes = tuple(int(s) for s in sizes)
        if self.nreps % max(1, math.prod(self.sizes)):
            raise ValueError(f"{self.nreps} replicas do not divide into the axes {dict(zip(names, sizes))}")

    def extend(self, name: Any, size: int) -> "AxisEnv":
        return AxisEnv(self.nreps, self.names + (name,), self.sizes + (size,))

    @property
    def grid(self) -> tuple[int, ...]:
        return self.sizes + (self.nreps // max(1, math.prod(self.sizes)),)

    def position(self, name: Any) -> int:
        """The grid dimension of ``name`` (the innermost one, if the name is reused)."""
        for k in range(len(self.names) - 1, -1, -1):
            if self.names[k] == name:
                return k
        raise NameError(f"unbound axis name: {name}. The following axis names are available to collective "
                        f"operations in this pmap: {list(self.names)}")

    def size(self, name: Any) -> int:
        return self.sizes[self.position(name)]

    def stride(self, name: Any) -> int:
        return math.prod(self.grid[self.position(name) + 1:])

    def groups(self, names: Sequence[Any], axis_index_groups: Any = None) -> list[list[int]]:
        """Replica groups for a collective over ``names`` (ordered by position along them)."""
        dims = [self.position(n) for n in names]
        if len(set(dims)) != len(dims):
            raise ValueError(f"collective over repeated axis names {tuple(names)}")
        grid = self.grid
        others = [k for k in range(len(grid)) if k not in dims]
        reps = np.arange(self.nreps).reshape(grid).transpose(others + dims)
        rows = reps.reshape(-1, math.prod(grid[k] for k in dims))
        if axis_index_groups is None:
            return rows.tolist()  # type: ignore[no-any-return]
        return [[int(row[i]) for i in g] for row in rows for g in axis_index_groups]

    def __repr__(self) -> str:
        return f"AxisEnv(nreps={self.nreps}, axes={dict(zip(self.names, self.sizes))})"


def jaxpr_replicas(jaxpr: Jaxpr) -> int:
    """How many replicas the pmaps nested inside ``jaxpr`` need per replica of it."""
    need = 1
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "xla_pmap":
            inner = eqn.params["global_axis_size"] * jaxpr_replicas(eqn.params["jaxpr"].jaxpr)
            need = math.lcm(need, inner)
            continue
        for v in eqn.params.values():
            for sub in (v if isinstance(v, tuple) else (v,)):
                if isinstance(sub, ClosedJaxpr):
                    need = math.lcm(need, jaxpr_replicas(sub.jaxpr))
                elif isinstance(sub, Jaxpr):
                    need = math.lcm(need, jaxpr_replicas(sub))
    return need


# --------------------------------------------------------------------------
# helpers


def _env(ctx: RuleContext, prim: str, names: Sequence[Any]) -> AxisEnv:
    env = ctx.module.axis_env
    if not isinstance(env, AxisEnv):
        raise NameError(f"unbound axis name: {names[0] if names else None}. The collective {prim} can only be "
                        "compiled inside the pmap (or evaluated inside the vmap) that binds its axis name.")
    return env


def _names(axis_name: Any) -> tuple:
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def _groups_attr(groups: Sequence[Sequence[int]]) -> str:
    rows = "[" + ", ".join("[" + ", ".join(str(int(r)) for r in g) + "]" for g in groups) + "]"
    return f"replica_groups = dense<{rows}> : tensor<{len(groups)}x{len(groups[0])}xi64>"


def _wire_dtype(dt: np.dtype) -> np.dtype | None:
    """Booleans travel as uint8 (not every backend's collectives take PRED)."""
    return np.dtype(np.uint8) if dt == np.bool_ else None


def replica_position(b: Block, env: AxisEnv, name: Any) -> Value:
    """This replica's position along axis ``name`` (uint32)."""
    u32 = np.dtype(np.uint32)
    rid = b.op1("stablehlo.replica_id", [], ShapedArray((), u32))
    stride, size = env.stride(name), env.size(name)
    if stride != 1:
        rid = b.binary("stablehlo.divide", rid, b.constant(np.array(stride, u32)))
    if size != env.nreps // stride:
        rid = b.binary("stablehlo.remainder", rid, b.constant(np.array(size, u32)))
    return rid


def _all_reduce(b: Block, x: Value, kind: str, groups: list[list[int]]) -> Value:
    wire = _wire_dtype(x.dtype)
    v = b.convert(x, wire) if wire is not None else x
    region = combiner_region(b, kind, v.dtype)
    out = b.op1("stablehlo.all_reduce", [v], v.aval, _groups_attr(groups), [region])
    return b.convert(out, x.dtype) if wire is not None else out


def _all_gather(b: Block, x: Value, dim: int, groups: list[list[int]]) -> Value:
    """Concatenate the group's values along ``dim`` (tiled all-gather)."""
    wire = _wire_dtype(x.dtype)
    v = b.convert(x, wire) if wire is not None else x
    n = len(groups[0])
    shape = list(v.shape)
    shape[dim] *= n
    out = b.op1("stablehlo.all_gather", [v], ShapedArray(tuple(shape), v.dtype),
                [f"all_gather_dim = {dim} : i64", _groups_attr(groups)])
    return b.convert(out, x.dtype) if wire is not None else out


def _insert_unit_axis(b: Block, x: Value, dim: int) -> Value:
    shape = list(x.shape)
    shape.insert(dim, 1)
    return b.reshape(x, shape)


def _remove_axis(b: Block, x: Value, dim: int) -> Value:
    shape = list(x.shape)
    del shape[dim]
    return b.reshape(x, shape)


# --------------------------------------------------------------------------
# the collectives


def _reduction_rule(kind: str) -> Any:
    def rule(ctx: RuleContext, *xs: Value, axes: Any, axis_index_groups: Any = None, **_: Any) -> list[Value]:
        names = _names(axes)
        env = _env(ctx, f"p{kind}" if kind != "add" else "psum", names)
        groups = env.groups(names, axis_index_groups)
        return [_all_reduce(ctx.block, x, kind, groups) for x in xs]

    return rule


register("psum")(_reduction_rule("add"))
register("pmax")(_reduction_rule("max"))
register("pmin")(_reduction_rule("min"))


@register("axis_index")
def _axis_index(ctx: RuleContext, *, axis_name: Any, **_: Any) -> Value:
    env = _env(ctx, "axis_index", _names(axis_name))
    b = ctx.block
    if isinstance(axis_name, (tuple, list)):
        if len(axis_name) != 1:
            raise NotImplementedError("axis_index_p over several axes (lax.axis_index combines them)")
        axis_name = axis_name[0]
    return b.convert(replica_position(b, env, axis_name), np.int32)


@register("all_gather")
def _all_gather_rule(ctx: RuleContext, x: Value, *, all_gather_dimension: int, axis_name: Any,
                     axis_index_groups: Any = None, tiled: bool = False, **_: Any) -> Value:
    names = _names(axis_name)
    groups = _env(ctx, "all_gather", names).groups(names, axis_index_groups)
    b = ctx.block
    if not tiled:
        x = _insert_unit_axis(b, x, all_gather_dimension)
    return _all_gather(b, x, all_gather_dimension, groups)


@register("reduce_scatter")
def _reduce_scatter_rule(ctx: RuleContext, x: Value, *, scatter_dimension: int, axis_name: Any,
                         axis_index_groups: Any = None, tiled: bool = False, **_: Any) -> Value:
    names = _names(axis_name)
    groups = _env(ctx, "psum_scatter", names).groups(names, axis_index_groups)
    b = ctx.block
    n = len(groups[0])
    wire = _wire_dtype(x.dtype)
    v = b.convert(x, wire) if wire is not None else x
    shape = list(v.shape)
    shape[scatter_dimension] //= n
    region = combiner_region(b, "add", v.dtype)
    out = b.op1("stablehlo.reduce_scatter", [v], ShapedArray(tuple(shape), v.dtype),
                [f"scatter_dimension = {scatter_dimension} : i64", _groups_attr(groups)], [region])
    if wire is not None:
        out = b.convert(out, x.dtype)
    return out if tiled else _remove_axis(b, out, scatter_dimension)


@register("ppermute")
def _ppermute_rule(ctx: RuleContext, x: Value, *, axis_name: Any, perm: Any, **_: Any) -> Value:
    names = _names(axis_name)
    groups = _env(ctx, "ppermute", names).groups(names)
    b = ctx.block
    pairs = [(g[s], g[t]) for g in groups for s, t in perm]
    if not pairs:
        return b.full(x.shape, 0, x.dtype)
    wire = _wire_dtype(x.dtype)
    v = b.convert(x, wire) if wire is not None else x
    rows = "[" + ", ".join(f"[{s}, {t}]" for s, t in pairs) + "]"
    out = b.op1("stablehlo.collective_permute", [v], v.aval,
                f"source_target_pairs = dense<{rows}> : tensor<{len(pairs)}x2xi64>")
    return b.convert(out, x.dtype) if wire is not None else out


@register("all_to_all")
def _all_to_all_rule(ctx: RuleContext, x: Value, *, split_axis: int, concat_axis: int, axis_name: Any,
                     axis_index_groups: Any = None, tiled: bool = False, **_: Any) -> Value:
    names = _names(axis_name)
    groups = _env(ctx, "all_to_all", names).groups(names, axis_index_groups)
    b = ctx.block
    n = len(groups[0])
    s, c = split_axis, concat_axis
    if not tiled and s != c:
        # the untiled form moves the split axis (indexed by receiver) to concat_axis
        # (indexed by sender): with a unit axis for the senders, it is the tiled one
        if s < c:
            c += 1
            x = _insert_unit_axis(b, x, c)
        else:
            x = _insert_unit_axis(b, x, c)
            s += 1
    wire = _wire_dtype(x.dtype)
    v = b.convert(x, wire) if wire is not None else x
    shape = list(v.shape)
    shape[s] //= n
    shape[c] *= n
    out = b.op1("stablehlo.all_to_all", [v], ShapedArray(tuple(shape), v.dtype),
                [f"split_dimension = {s} : i64", f"concat_dimension = {c} : i64", f"split_count = {n} : i64",
                 _groups_attr(groups)])
    if wire is not None:
        out = b.convert(out, x.dtype)
    if not tiled and split_axis != concat_axis:
        out = _remove_axis(b, out, s)
    return out


# --------------------------------------------------------------------------
# a pmap inside a pmap


@register("xla_pmap")
def _pmap_rule(ctx: RuleContext, *args: Value, jaxpr: ClosedJaxpr, axis_name: Any, global_axis_size: int,
               in_axes: Sequence[Any], out_axes: Sequence[Any], devices: Any = None, **_: Any) -> list[Value]:
    """Each replica computes its element of the new axis; the results are all-gathered."""
    env = ctx.module.axis_env
    if not isinstance(env, AxisEnv):
        return _pmap_in_single_replica(ctx, args, jaxpr, axis_name, global_axis_size, in_axes, out_axes,
                                       _["axis_size"])
    if devices is not None:
        raise ValueError("Nested pmap with explicit devices argument.")
    new_env = env.extend(axis_name, global_axis_size)
    b = ctx.block
    u32 = np.dtype(np.uint32)
    pos = replica_position(b, new_env, axis_name)
    zero = b.constant(np.zeros((), u32))
    inner_args = []
    for x, ax in zip(args, in_axes):
        if ax is None:
            inner_args.append(x)
            continue
        sizes = list(x.shape)
        sizes[ax] = 1
        starts = [pos if d == ax else zero for d in range(len(sizes))]
        piece = b.op1("stablehlo.dynamic_slice", [x, *starts], ShapedArray(tuple(sizes), x.dtype),
                      f"slice_sizes = array<i64: {', '.join(str(s) for s in sizes)}>")
        inner_args.append(_remove_axis(b, piece, ax))
    ctx.module.axis_env = new_env
    try:
        outs = ctx.lower_jaxpr(jaxpr, inner_args)
    finally:
        ctx.module.axis_env = env
    groups = new_env.groups([axis_name])
    results = []
    for o, ax in zip(outs, out_axes):
        stacked = _all_gather(b, _insert_unit_axis(b, o, 0), 0, groups)
        if ax is None:
            results.append(_remove_axis(b, b.slice(stacked, [0] * stacked.aval.ndim,
                                                   [1] + list(stacked.shape[1:])), 0))
        else:
            perm = list(range(1, stacked.aval.ndim))
            perm.insert(ax, 0)
            results.append(b.transpose(stacked, perm))
    return results


def _pmap_in_single_replica(ctx: RuleContext, args: Sequence[Value], jaxpr: ClosedJaxpr, axis_name: Any,
                            global_axis_size: int, in_axes: Sequence[Any], out_axes: Sequence[Any],
                            axis_size: int) -> list[Value]:
    """A pmap inside a program that is not replicated (``jit`` of a pmapped function):
    its meaning, as a vectorized computation on this program's one device
    (the collectives become array operations, as under ``vmap``)."""
    vmap = core.transform_hooks.vmap
    if vmap is None or axis_size != global_axis_size:
        raise NotImplementedError(
            "a pmap inside jit (or inside another compiled function that is not itself a pmap) needs jax-batching "
            "and a single process; call the pmapped function outside of jit, or put the jit inside the pmap")

    def mapped(*xs: Any) -> list:
        fun = vmap(lambda *a: tuple(eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *a)), in_axes=tuple(in_axes),
                   out_axes=tuple(out_axes), axis_name=axis_name, axis_size=axis_size)
        return list(fun(*xs))

    closed = trace_to_jaxpr(mapped, list(ctx.avals_in), name="pmap_in_jit")
    return ctx.lower_jaxpr(closed, list(args))


__all__ = ["AxisEnv", "jaxpr_replicas", "replica_position"]
