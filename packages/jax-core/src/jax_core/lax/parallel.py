"""Collectives over named axes (``psum``, ``all_gather``, ``ppermute``, ...) and pmap's primitive.

A collective communicates between the members of a *named axis*: the devices
of a ``pmap`` or the batch members of ``vmap(..., axis_name=...)``.  It means
nothing outside such a map, so every collective primitive carries
``requires_axis_env = True``, and its eager implementation raises the
"unbound axis name" error.  The interpreter that owns the name gives it
meaning: jax-batching rewrites a collective over its axis into array
operations over the batch axis, jax-pmap lowers it to XLA's cross-replica
operations (all-reduce, all-gather, collective-permute, all-to-all).

The primitives use JAX's names and parameters:

* ``psum`` / ``pmax`` / ``pmin`` (several operands at once): ``axes`` (a
  tuple of axis names), ``axis_index_groups``;
* ``axis_index``: ``axis_name``;
* ``all_gather``: ``all_gather_dimension``, ``axis_name``,
  ``axis_index_groups``, ``axis_size``, ``tiled``;
* ``ppermute``: ``axis_name``, ``perm`` (a tuple of (source, target) pairs);
* ``all_to_all``: ``split_axis``, ``concat_axis``, ``axis_name``,
  ``axis_index_groups``, ``tiled``;
* ``reduce_scatter`` (``psum_scatter``): ``scatter_dimension``,
  ``axis_name``, ``axis_index_groups``, ``axis_size``, ``tiled``.

The untiled forms are the user-level ones: ``all_gather`` stacks the
members' values along a new axis, ``all_to_all`` needs ``x.shape[split_axis]
== axis size`` and moves that axis (now indexed by the sender) to
``concat_axis``, ``reduce_scatter`` needs ``x.shape[scatter_dimension] ==
axis size`` and removes that axis.  The tiled forms concatenate / split the
existing axis instead.

``xla_pmap_p`` is the staged form of ``pmap`` (a call primitive like
``pjit``, holding the per-device jaxpr); jax-pmap installs its
implementation, and jax-ad / jax-batching add its rules.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from jax_core import core, dtypes, tree_util
from jax_core.core import (
    Primitive,
    ShapedArray,
    Tracer,
    UnexpectedTracerError,
    check_tracer_valid,
    get_aval,
    trace_state,
)
from jax_core.lax.primitive_util import register

# ---------------------------------------------------------------------------
# helpers


def _as_names(axis_name: Any) -> tuple:
    """A tuple of axis names from a name or a tuple/list of names."""
    if isinstance(axis_name, (tuple, list)):
        return tuple(axis_name)
    return (axis_name,)


def _group_size(axis_name: Any, axis_index_groups: Any) -> int:
    """How many members one collective over ``axis_name`` combines."""
    if axis_index_groups is not None:
        return len(axis_index_groups[0])
    return math.prod(core.axis_size(n) for n in _as_names(axis_name))


def _canonical_groups(axis_name: Any, axis_index_groups: Any) -> tuple[tuple[int, ...], ...] | None:
    """``axis_index_groups`` as a hashable tuple of tuples, checked against the axis size."""
    if axis_index_groups is None:
        return None
    groups = tuple(tuple(int(i) for i in g) for g in axis_index_groups)
    if not groups or any(len(g) != len(groups[0]) for g in groups):
        raise ValueError(f"axis_index_groups must all have the same (non-zero) size, got {axis_index_groups}")
    size = math.prod(core.axis_size(n) for n in _as_names(axis_name))
    flat = sorted(i for g in groups for i in g)
    if flat != list(range(size)):
        raise ValueError(f"axis_index_groups must cover every index of axis {axis_name!r} (size {size}) "
                         f"exactly once, got {axis_index_groups}")
    return groups


def _check_bound(axis_name: Any) -> None:
    for n in _as_names(axis_name):
        core.lookup_axis(n)  # NameError: unbound axis name


def _canonical_dim(d: int, ndim: int, what: str, prim: str) -> int:
    if not -ndim <= d < ndim:
        raise ValueError(f"{prim}: {what} {d} is out of bounds for an array of rank {ndim}")
    return d % ndim


def _unbound_impl(prim_name: str) -> Any:
    """Eager evaluation of a collective: there is no map, so no axis to talk over."""

    def impl(*args: Any, **params: Any) -> Any:
        names = params.get("axes", params.get("axis_name"))
        for n in _as_names(names):
            core.lookup_axis(n)  # raises the NameError naming the bound axes
        raise NameError(f"{prim_name} over axis {names!r} was evaluated outside of the pmap or vmap "
                        "that binds that axis name")

    return impl


def _collective(name: str, abstract_eval: Any, multiple_results: bool = False) -> Primitive:
    p = Primitive(name)
    p.multiple_results = multiple_results
    p.def_abstract_eval(abstract_eval)
    p.def_impl(_unbound_impl(name))
    # only meaningful inside a map that binds its axis name: the shared primitive
    # table (which evaluates eagerly) exempts these; tests/jax_pmap covers them
    p.requires_axis_env = True  # type: ignore[attr-defined]
    return register(p)


# ---------------------------------------------------------------------------
# psum / pmax / pmin


def _allreduce_abstract_eval(name: str) -> Any:
    def rule(*avals: ShapedArray, axes: Any, axis_index_groups: Any = None) -> list[ShapedArray]:
        if name != "psum":
            return list(avals)
        for a in avals:
            if a.dtype == np.bool_:
                raise TypeError("psum does not accept boolean operands (lax.psum converts them to int32)")
        return list(avals)

    return rule


psum_p = _collective("psum", _allreduce_abstract_eval("psum"), multiple_results=True)
pmax_p = _collective("pmax", _allreduce_abstract_eval("pmax"), multiple_results=True)
pmin_p = _collective("pmin", _allreduce_abstract_eval("pmin"), multiple_results=True)


def _leaves_for_reduction(x: Any) -> tuple[list, Any]:
    leaves, treedef = tree_util.tree_flatten(x)
    out = []
    for leaf in leaves:
        get_aval(leaf)  # a clear TypeError for non-array leaves
        out.append(leaf)
    return out, treedef


def _split_positional(axis_name: Any) -> tuple[tuple, tuple[int, ...]]:
    names = _as_names(axis_name)
    named = tuple(n for n in names if not isinstance(n, int))
    positional = tuple(n for n in names if isinstance(n, int))
    return named, positional


def _reduce_positional(x: Any, axes: tuple[int, ...], kind: str) -> Any:
    if not axes:
        return x
    from jax_core.lax.reductions import reduce_max, reduce_min, reduce_sum

    nd = get_aval(x).ndim
    ax = tuple(a % nd for a in axes) if nd else ()
    return {"sum": reduce_sum, "max": reduce_max, "min": reduce_min}[kind](x, ax)


def psum(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """Sum ``x`` (a pytree of arrays) over the members of the named axis (or axes).

    Inside ``pmap(f, axis_name='i')`` every device gets the total of its
    value and all the others'.  ``psum(1, 'i')`` is the size of the axis.
    Integer entries of ``axis_name`` name positional axes of ``x`` to sum too.
    """
    from jax_core.lax.structural import convert_element_type

    named, positional = _split_positional(axis_name)
    _check_bound(named)
    if positional and axis_index_groups is not None:
        raise ValueError("axis_index_groups only supported for sums over just named axes")
    groups = _canonical_groups(named, axis_index_groups)
    leaves, treedef = _leaves_for_reduction(x)
    leaves = [convert_element_type(leaf, np.int32) if get_aval(leaf).dtype == np.bool_ else leaf
              for leaf in leaves]
    leaves = [_reduce_positional(leaf, positional, "sum") for leaf in leaves]
    if not named:
        return tree_util.tree_unflatten(treedef, leaves)
    if all(not isinstance(leaf, Tracer) for leaf in leaves):
        # a value that is the same on every member: the sum is size * value
        size = _group_size(named, groups)
        outs = [_times(leaf, size) for leaf in leaves]
    else:
        outs = psum_p.bind(*leaves, axes=named, axis_index_groups=groups)
    return tree_util.tree_unflatten(treedef, outs)


def _times(x: Any, n: int) -> Any:
    from jax_core.lax.elementwise import mul
    from jax_core.lax.helpers import full_like

    if isinstance(x, (int, float, complex)) and not isinstance(x, bool):
        return x * n
    return mul(x, full_like(x, n))


def pmean(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """The mean of ``x`` over the members of the named axis (integers are averaged as floats)."""
    from jax_core.lax.elementwise import div
    from jax_core.lax.helpers import full_like
    from jax_core.lax.structural import convert_element_type

    named, positional = _split_positional(axis_name)
    total = psum(x, axis_name, axis_index_groups=axis_index_groups)
    n = _group_size(named, _canonical_groups(named, axis_index_groups)) if named else 1
    leaves, treedef = tree_util.tree_flatten(total)
    outs = []
    for leaf, orig in zip(leaves, tree_util.tree_leaves(x)):
        count = n * math.prod(get_aval(orig).shape[a] for a in positional)
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            outs.append(leaf / count)
            continue
        if not dtypes.is_inexact_dtype(get_aval(leaf).dtype):
            leaf = convert_element_type(leaf, dtypes.canonicalize_dtype(np.dtype(np.float64)))
        outs.append(div(leaf, full_like(leaf, count)))
    return tree_util.tree_unflatten(treedef, outs)


def _pextremum(prim: Primitive, kind: str, x: Any, axis_name: Any, axis_index_groups: Any) -> Any:
    named, positional = _split_positional(axis_name)
    _check_bound(named)
    if positional and axis_index_groups is not None:
        raise ValueError(f"axis_index_groups only supported for {prim.name} over just named axes")
    groups = _canonical_groups(named, axis_index_groups)
    leaves, treedef = _leaves_for_reduction(x)
    leaves = [_reduce_positional(leaf, positional, kind) for leaf in leaves]
    if not named or all(not isinstance(leaf, Tracer) for leaf in leaves):
        return tree_util.tree_unflatten(treedef, leaves)  # the same on every member
    return tree_util.tree_unflatten(treedef, prim.bind(*leaves, axes=named, axis_index_groups=groups))


def pmax(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """The maximum of ``x`` over the members of the named axis."""
    return _pextremum(pmax_p, "max", x, axis_name, axis_index_groups)


def pmin(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """The minimum of ``x`` over the members of the named axis."""
    return _pextremum(pmin_p, "min", x, axis_name, axis_index_groups)


# ---------------------------------------------------------------------------
# axis_index


def _axis_index_abstract_eval(*, axis_name: Any) -> ShapedArray:
    return ShapedArray((), np.dtype(np.int32))


axis_index_p = _collective("axis_index", _axis_index_abstract_eval)


def axis_index(axis_name: Any) -> Any:
    """This member's position (int32) along the named axis.

    With a tuple of names, the position in the row-major product of those axes.
    """
    from jax_core.lax.elementwise import add, mul
    from jax_core.lax.helpers import full_like

    names = _as_names(axis_name)
    _check_bound(names)
    out: Any = None
    for n in names:
        idx = axis_index_p.bind(axis_name=n)
        if out is None:
            out = idx
        else:
            out = add(mul(out, full_like(out, core.axis_size(n))), idx)
    return out


def axis_size(axis_name: Any) -> int:
    """The number of members of the named axis (or of the product of several)."""
    return math.prod(core.axis_size(n) for n in _as_names(axis_name))


# ---------------------------------------------------------------------------
# all_gather


def _all_gather_abstract_eval(x: ShapedArray, *, all_gather_dimension: int, axis_name: Any,
                              axis_index_groups: Any, axis_size: int, tiled: bool) -> ShapedArray:
    shape = list(x.shape)
    d = all_gather_dimension
    if tiled:
        if not 0 <= d < len(shape):
            raise ValueError(f"all_gather: tiled gather dimension {d} is out of bounds for {x.str_short()}")
        shape[d] *= axis_size
    else:
        if not 0 <= d <= len(shape):
            raise ValueError(f"all_gather: gather dimension {d} is out of bounds for {x.str_short()}")
        shape.insert(d, axis_size)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


all_gather_p = _collective("all_gather", _all_gather_abstract_eval)


def all_gather(x: Any, axis_name: Any, *, axis_index_groups: Any = None, axis: int = 0,
               tiled: bool = False) -> Any:
    """Every member's ``x``, stacked along a new axis ``axis`` (``tiled``: concatenated along it)."""
    _check_bound(axis_name)
    groups = _canonical_groups(axis_name, axis_index_groups)
    size = _group_size(axis_name, groups)
    name = axis_name if not isinstance(axis_name, list) else tuple(axis_name)

    def gather(leaf: Any) -> Any:
        nd = get_aval(leaf).ndim
        if tiled and nd == 0:
            raise ValueError("all_gather with tiled=True needs operands of rank at least 1; got a scalar")
        d = _canonical_dim(axis, nd + (0 if tiled else 1), "axis", "all_gather")
        return all_gather_p.bind(leaf, all_gather_dimension=d, axis_name=name, axis_index_groups=groups,
                                 axis_size=size, tiled=bool(tiled))

    return tree_util.tree_map(gather, x)


# ---------------------------------------------------------------------------
# ppermute / pshuffle


def _ppermute_abstract_eval(x: ShapedArray, *, axis_name: Any, perm: Any) -> ShapedArray:
    return x


ppermute_p = _collective("ppermute", _ppermute_abstract_eval)


def ppermute(x: Any, axis_name: Any, perm: Sequence[tuple[int, int]]) -> Any:
    """Send each member's ``x`` to another: ``perm`` lists (source, target) index pairs.

    Members that no pair targets receive zeros.
    """
    _check_bound(axis_name)
    size = axis_size(axis_name)
    pairs = []
    for pair in perm:
        s, t = (int(v) for v in pair)
        if not (-size <= s < size and -size <= t < size):
            raise ValueError(f"ppermute: pair {pair} is out of range for axis {axis_name!r} of size {size}")
        pairs.append((s % size, t % size))
    srcs = [s for s, _ in pairs]
    dsts = [t for _, t in pairs]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute sources and destinations must be unique, got {tuple(map(tuple, perm))}.")
    name = axis_name if not isinstance(axis_name, list) else tuple(axis_name)
    return tree_util.tree_map(lambda leaf: ppermute_p.bind(leaf, axis_name=name, perm=tuple(pairs)), x)


def pshuffle(x: Any, axis_name: Any, perm: Sequence[int]) -> Any:
    """Member ``i`` receives the value of member ``perm[i]`` (``perm`` a permutation)."""
    perm = [int(p) for p in perm]
    if sorted(perm) != list(range(len(perm))):
        raise ValueError(f"`perm` does not represent a permutation: {perm}")
    return ppermute(x, axis_name, list(zip(perm, range(len(perm)))))


# ---------------------------------------------------------------------------
# all_to_all / pswapaxes


def _all_to_all_abstract_eval(x: ShapedArray, *, split_axis: int, concat_axis: int, axis_name: Any,
                              axis_index_groups: Any, tiled: bool) -> ShapedArray:
    shape = list(x.shape)
    nd = len(shape)
    if not 0 <= split_axis < nd:
        raise ValueError(f"all_to_all: split_axis {split_axis} is out of bounds for {x.str_short()}")
    if tiled:
        if not 0 <= concat_axis < nd:
            raise ValueError(f"all_to_all: concat_axis {concat_axis} is out of bounds for {x.str_short()}")
        if axis_index_groups is not None:
            n = len(axis_index_groups[0])
        else:
            n = math.prod(core.axis_size(name) for name in _as_names(axis_name))
        if shape[split_axis] % n:
            raise ValueError(f"all_to_all: the split axis of {x.str_short()} (size {shape[split_axis]}) is not "
                             f"divisible by the axis size {n}")
        shape[split_axis] //= n
        shape[concat_axis] *= n
        return ShapedArray(tuple(shape), x.dtype, x.weak_type)
    if not 0 <= concat_axis < nd:
        raise ValueError(f"all_to_all: concat_axis {concat_axis} is out of bounds for {x.str_short()}")
    n = shape.pop(split_axis)
    shape.insert(concat_axis, n)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


all_to_all_p = _collective("all_to_all", _all_to_all_abstract_eval)


def all_to_all(x: Any, axis_name: Any, split_axis: int, concat_axis: int, *, axis_index_groups: Any = None,
               tiled: bool = False) -> Any:
    """Materialize the mapped axis at ``concat_axis`` and map ``split_axis`` instead.

    Untiled: ``x.shape[split_axis]`` must equal the axis size; member ``j``
    receives chunk ``j`` of every member, stacked (by sender) along
    ``concat_axis`` of the result (whose ``split_axis`` is gone).  Tiled: the
    split axis is cut into axis-size chunks and the received chunks are
    concatenated along ``concat_axis``.
    """
    _check_bound(axis_name)
    groups = _canonical_groups(axis_name, axis_index_groups)
    size = _group_size(axis_name, groups)
    name = axis_name if not isinstance(axis_name, list) else tuple(axis_name)

    def a2a(leaf: Any) -> Any:
        aval = get_aval(leaf)
        nd = aval.ndim
        s = _canonical_dim(split_axis, nd, "split_axis", "all_to_all")
        c = _canonical_dim(concat_axis, nd, "concat_axis", "all_to_all")
        if tiled:
            if aval.shape[s] % size:
                raise ValueError(f"all_to_all: the size of split_axis {s} of {aval.str_short()} must be "
                                 f"divisible by the axis size {size}")
        elif aval.shape[s] != size:
            raise ValueError(f"all_to_all: the size of split_axis {s} of {aval.str_short()} must equal the "
                             f"size of axis {axis_name!r} ({size}); use tiled=True to split it into chunks")
        return all_to_all_p.bind(leaf, split_axis=s, concat_axis=c, axis_name=name, axis_index_groups=groups,
                                 tiled=bool(tiled))

    return tree_util.tree_map(a2a, x)


def pswapaxes(x: Any, axis_name: Any, axis: int, *, axis_index_groups: Any = None) -> Any:
    """Swap the mapped axis with positional axis ``axis`` (an ``all_to_all``)."""
    return all_to_all(x, axis_name, axis, axis, axis_index_groups=axis_index_groups)


# ---------------------------------------------------------------------------
# reduce_scatter (psum_scatter)


def _reduce_scatter_abstract_eval(x: ShapedArray, *, scatter_dimension: int, axis_name: Any,
                                  axis_index_groups: Any, axis_size: int, tiled: bool) -> ShapedArray:
    shape = list(x.shape)
    d = scatter_dimension
    if not 0 <= d < len(shape):
        raise ValueError(f"psum_scatter: scatter_dimension {d} is out of bounds for {x.str_short()}")
    if tiled:
        if shape[d] % axis_size:
            raise ValueError(f"psum_scatter: dimension {d} of {x.str_short()} must be divisible by the axis "
                             f"size {axis_size} (tiled=True)")
        shape[d] //= axis_size
    else:
        if shape[d] != axis_size:
            raise ValueError(f"psum_scatter: dimension {d} of {x.str_short()} must equal the axis size "
                             f"{axis_size} (or pass tiled=True)")
        del shape[d]
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


reduce_scatter_p = _collective("reduce_scatter", _reduce_scatter_abstract_eval)


def psum_scatter(x: Any, axis_name: Any, *, scatter_dimension: int = 0, axis_index_groups: Any = None,
                 tiled: bool = False) -> Any:
    """Sum over the named axis, keeping on member ``i`` only chunk ``i`` of the result."""
    _check_bound(axis_name)
    groups = _canonical_groups(axis_name, axis_index_groups)
    size = _group_size(axis_name, groups)
    name = axis_name if not isinstance(axis_name, list) else tuple(axis_name)

    def scatter(leaf: Any) -> Any:
        aval = get_aval(leaf)
        d = _canonical_dim(scatter_dimension, aval.ndim, "scatter_dimension", "psum_scatter")
        if aval.dtype == np.bool_:
            from jax_core.lax.structural import convert_element_type

            leaf = convert_element_type(leaf, np.int32)
        return reduce_scatter_p.bind(leaf, scatter_dimension=d, axis_name=name, axis_index_groups=groups,
                                     axis_size=size, tiled=bool(tiled))

    return tree_util.tree_map(scatter, x)


# ---------------------------------------------------------------------------
# xla_pmap: the staged form of pmap


class MapPrimitive(Primitive):
    """A call primitive that maps its jaxpr over an axis of its operands, one member per device.

    Params: ``jaxpr`` (the per-device ClosedJaxpr), ``axis_name``,
    ``axis_size`` (the mapped size the operands have here),
    ``global_axis_size`` (over all processes), ``in_axes`` / ``out_axes``
    (an int or None per operand / result), ``devices``, ``backend``, ``name``.
    Evaluated eagerly, it runs the implementation jax-pmap installs on the
    operands as they are (device arrays stay on their devices).
    """

    multiple_results = True

    def bind(self, *args: Any, **params: Any) -> Any:
        trace = trace_state.trace
        if trace.level == -1:
            for a in args:
                if isinstance(a, Tracer):
                    check_tracer_valid(a)
                    raise UnexpectedTracerError(f"Tracer {a._short_repr()} of the {a._trace.describe()} "
                                                f"reached eager evaluation of {self.name}")
            if self.impl is None:
                raise NotImplementedError(f"evaluating {self.name} needs jax-pmap (import jax_pmap)")
            return self.impl(*args, **params)
        return trace.process_primitive(self, args, params)


def mapped_aval(aval: ShapedArray, size: int, axis: int | None) -> ShapedArray:
    """The aval of ``size`` stacked values of ``aval`` along ``axis`` (None: unchanged)."""
    if axis is None:
        return aval
    shape = list(aval.shape)
    shape.insert(axis, size)
    return ShapedArray(tuple(shape), aval.dtype, aval.weak_type)


def unmapped_aval(aval: ShapedArray, axis: int | None) -> ShapedArray:
    """One member's aval: ``aval`` without its mapped ``axis`` (None: unchanged)."""
    if axis is None:
        return aval
    shape = list(aval.shape)
    del shape[axis]
    return ShapedArray(tuple(shape), aval.dtype, aval.weak_type)


def _pmap_abstract_eval(*avals: ShapedArray, jaxpr: Any, axis_size: int, in_axes: Sequence[Any],
                        out_axes: Sequence[Any], **_: Any) -> list[ShapedArray]:
    if len(avals) != len(jaxpr.in_avals) or len(in_axes) != len(avals):
        raise TypeError(f"xla_pmap: {len(avals)} operands for a jaxpr of {len(jaxpr.in_avals)} inputs "
                        f"and {len(in_axes)} in_axes")
    for i, (a, ax, inner) in enumerate(zip(avals, in_axes, jaxpr.in_avals)):
        if ax is not None:
            if not 0 <= ax < a.ndim or a.shape[ax] != axis_size:
                raise ValueError(f"xla_pmap: operand {i} of type {a.str_short()} is not mapped along axis "
                                 f"{ax} with size {axis_size}")
        per_device = unmapped_aval(a, ax)
        if per_device.shape != inner.shape or per_device.dtype != inner.dtype:
            raise TypeError(f"xla_pmap: operand {i} of type {a.str_short()} (in_axis {ax}) does not match "
                            f"the mapped function's input {inner.str_short()}")
    return [mapped_aval(a, axis_size, ax) for a, ax in zip(jaxpr.out_avals, out_axes)]


xla_pmap_p = MapPrimitive("xla_pmap")
xla_pmap_p.def_abstract_eval(_pmap_abstract_eval)

#: the collectives (their rules are keyed by these objects)
collective_primitives = (psum_p, pmax_p, pmin_p, axis_index_p, all_gather_p, ppermute_p, all_to_all_p,
                         reduce_scatter_p)

__all__ = [
    "psum", "pmean", "pmax", "pmin", "all_gather", "ppermute", "pshuffle", "all_to_all", "pswapaxes",
    "axis_index", "axis_size", "psum_scatter",
    "psum_p", "pmax_p", "pmin_p", "axis_index_p", "all_gather_p", "ppermute_p", "all_to_all_p",
    "reduce_scatter_p", "xla_pmap_p", "MapPrimitive", "collective_primitives",
]
