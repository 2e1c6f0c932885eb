"""``vmap``: the user-facing vectorizing map."""
from __future__ import annotations

import collections
import functools
import inspect
from typing import Any, Callable

from jax_core import core, tree_util
from jax_core.core import set_current_trace

from jax_batching.batching import (
    AxisData,
    BatchTrace,
    BatchTracer,
    broadcast_dim,
    extend_axis_env,
    moveaxis,
)

_int_types = (int,)


def _is_axis_leaf(x: Any) -> bool:
    return x is None


def _check_axes_spec(spec: Any, what: str) -> None:
    leaves = tree_util.tree_leaves(spec, is_leaf=_is_axis_leaf)
    for leaf in leaves:
        if not (leaf is None or (isinstance(leaf, int) and not isinstance(leaf, bool))):
            raise TypeError(f"vmap {what} must be an int, None, or (nested) container with those types "
                            f"as leaves, but got {spec}.")


def _flatten_axes(what: str, treedef: Any, full_tree: Any, spec: Any) -> list:
    """``spec`` (a tree prefix of ``full_tree``) broadcast to one entry per leaf."""
    try:
        return tree_util.broadcast_prefix(spec, full_tree, is_leaf=_is_axis_leaf)
    except ValueError:
        raise ValueError(
            f"{what} specification must be a tree prefix of the corresponding value, got "
            f"specification {spec} for value tree {treedef}.") from None


def vmap(fun: Callable, in_axes: Any = 0, out_axes: Any = 0, axis_name: Any = None,
         axis_size: int | None = None, spmd_axis_name: Any = None) -> Callable:
    """Vectorizing map: ``fun`` mapped over array axes of its arguments.

    ``in_axes`` is an int, None, or a tree prefix of the positional
    arguments (a tuple with one entry per argument) giving, for each array,
    the axis to map over (None: broadcast it); keyword arguments are mapped
    over axis 0.  ``out_axes`` says where the mapped axis goes in each
    output (None: the output must not depend on the mapped axis).
    ``axis_name`` names the axis for collectives (``psum(x, name)`` sums over
    the batch); ``axis_size`` gives the size when no argument is mapped.
    """
    if not callable(fun):
        raise TypeError(f"vmap requires a callable as its first argument, got {fun!r} of type "
                        f"{type(fun).__name__}")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)  # users mean a tuple (as JAX allows)
    if not (in_axes is None or type(in_axes) in (int, tuple)):
        raise TypeError("vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                        f"positional arguments passed to the function, but got {in_axes}.")
    _check_axes_spec(in_axes, "in_axes")
    _check_axes_spec(out_axes, "out_axes")
    if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 0):
        raise ValueError(f"vmap axis_size must be a non-negative int, got {axis_size!r}")
    if spmd_axis_name is not None and not isinstance(spmd_axis_name, tuple):
        spmd_axis_name = (spmd_axis_name,)

    @functools.wraps(fun)
    def vmap_f(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError("vmap in_axes must be an int, None, or a tuple of entries corresponding to "
                             "the positional arguments passed to the function, but got "
                             f"len(in_axes)={len(in_axes)}, len(args)={len(args)}")
        args_flat, in_tree = tree_util.tree_flatten((args, kwargs))
        in_axes_flat = _flatten_axes("vmap in_axes", in_tree, (args, kwargs), (in_axes, 0))
        in_dims = _canonical_in_dims(fun, in_tree, args_flat, in_axes_flat)
        size = axis_size if axis_size is not None else _mapped_axis_size(fun, in_tree, args_flat, in_dims)
        if axis_size is not None:
            _check_axis_size(fun, in_tree, args_flat, in_dims, axis_size)
        axis_data = AxisData(axis_name, size, spmd_axis_name)
        trace = BatchTrace(core.current_trace(), axis_data)
        with core.new_trace(trace), extend_axis_env(axis_data):
            tracers = [x if d is None else BatchTracer(trace, x, d) for x, d in zip(args_flat, in_dims)]
            a, kw = tree_util.tree_unflatten(in_tree, tracers)
            out = fun(*a, **kw)
            out_flat, out_tree = tree_util.tree_flatten(out)
            out_axes_flat = _flatten_axes("vmap out_axes", out_tree, out, out_axes)
            with set_current_trace(trace.parent_trace):
                results = [_to_out_axis(trace, o, d, out_tree, out_axes, i)
                           for i, (o, d) in enumerate(zip(out_flat, out_axes_flat))]
        return tree_util.tree_unflatten(out_tree, results)

    return vmap_f


def _canonical_in_dims(fun: Callable, in_tree: Any, args_flat: list, in_axes_flat: list) -> list:
    dims: list[int | None] = []
    for x, d in zip(args_flat, in_axes_flat):
        if d is None:
            dims.append(None)
            continue
        try:
            shape = core.get_aval(x).shape
        except TypeError:
            raise TypeError(f"vmap was asked to map over argument {x!r} of type {type(x).__name__} along "
                            f"axis {d}, which is not an array; use in_axes=None for it.") from None
        nd = len(shape)
        if not -nd <= d < nd:
            min_rank = d + 1 if d >= 0 else -d
            raise ValueError(f"vmap was requested to map its argument along axis {d}, which implies that "
                             f"its rank should be at least {min_rank}, but is only {nd} (its shape is "
                             f"{shape})")
        dims.append(d % nd)
    return dims


def _arg_descriptions(fun: Callable, in_tree: Any, vals: list) -> list[str]:
    """'argument x of type float32[3]' for each flat argument, like JAX's messages."""
    args, kwargs = tree_util.tree_unflatten(in_tree, list(range(len(vals))))
    try:
        params: list[str] | None = list(inspect.signature(fun).bind(*args, **kwargs).signature.parameters)
    except (TypeError, ValueError):
        params = None
    descr: dict[int, str] = {}

    def type_str(i: int) -> str:
        try:
            return core.get_aval(vals[i]).str_short(short_dtypes=False)
        except TypeError:
            return "unknown"

    for path, i in tree_util.tree_leaves_with_path(args):
        if params is not None and path and path[0].idx < len(params):
            name = f"argument {params[path[0].idx]}{tree_util.keystr(path[1:])}"
        else:
            name = f"args{tree_util.keystr(path)}"
        descr[i] = f"{name} of type {type_str(i)}"
    for path, i in tree_util.tree_leaves_with_path(kwargs):
        descr[i] = f"kwargs{tree_util.keystr(path)} of type {type_str(i)}"
    return [descr[i] for i in range(len(vals))]


def _mapped_axis_size(fun: Callable, in_tree: Any, vals: list, dims: list) -> int:
    if not vals:
        args, kwargs = tree_util.tree_unflatten(in_tree, vals)
        raise ValueError("vmap wrapped function must be passed at least one argument containing an array, "
                         f"got empty *args={args} and **kwargs={kwargs}")
    sizes = [core.get_aval(x).shape[d] if d is not None else None for x, d in zip(vals, dims)]
    distinct = {s for s in sizes if s is not None}
    if len(distinct) == 1:
        return distinct.pop()
    if not distinct:
        raise ValueError("vmap must have at least one non-None value in in_axes (or pass axis_size)")
    _raise_inconsistent_sizes(fun, in_tree, vals, dims, sizes)
    raise AssertionError  # unreachable


def _raise_inconsistent_sizes(fun: Callable, in_tree: Any, vals: list, dims: list, sizes: list,
                              axis_size: int | None = None) -> None:
    descr = _arg_descriptions(fun, in_tree, vals)
    counts = collections.Counter(s for s in sizes if s is not None).most_common()
    lines = ["vmap got inconsistent sizes for array axes to be mapped:"]
    if axis_size is not None:
        lines = [f"vmap got arg axis sizes inconsistent with axis_size={axis_size}:"]
    for k, (sz, ct) in enumerate(counts):
        i = sizes.index(sz)
        ex = f"axis {dims[i]} of {descr[i]}"
        if ct == 1:
            lines.append(f"  * one axis had size {sz}: {ex};")
        elif k == 0:
            lines.append(f"  * most axes ({ct} of them) had size {sz}, e.g. {ex};")
        else:
            lines.append(f"  * some axes ({ct} of them) had size {sz}, e.g. {ex};")
    raise ValueError("\n".join(lines)[:-1])


def _check_axis_size(fun: Callable, in_tree: Any, vals: list, dims: list, axis_size: int) -> None:
    sizes = [core.get_aval(x).shape[d] if d is not None else None for x, d in zip(vals, dims)]
    if any(s is not None and s != axis_size for s in sizes):
        _raise_inconsistent_sizes(fun, in_tree, vals, dims, sizes, axis_size)


def _out_path(out_tree: Any, out_axes: Any, i: int) -> str:
    try:
        leaves = tree_util.tree_leaves_with_path(tree_util.tree_unflatten(out_tree, list(range(out_tree.num_leaves))))
        return tree_util.keystr(leaves[i][0])
    except Exception:  # pragma: no cover - only decorates an error message
        return f"[{i}]"


def _to_out_axis(trace: BatchTrace, out: Any, dst: int | None, out_tree: Any, out_axes: Any, i: int) -> Any:
    val, src = trace.to_batch_info(out)
    if isinstance(val, core.Tracer):
        core.check_tracer_valid(val)
    try:
        aval = core.get_aval(val)
    except TypeError:
        raise TypeError(f"vmap output at {_out_path(out_tree, out_axes, i)} is {val!r} of type "
                        f"{type(val).__name__}, which is not a JAX type") from None
    size = trace.axis_data.size
    if dst is None:
        if src is not None:
            raise ValueError(f"at vmap out_axes{_out_path(out_tree, out_axes, i)}, got axis spec None but "
                             f"output was batched on axis {src}")
        return val
    nd = aval.ndim + (1 if src is None else 0)  # rank of the batched output
    if not -nd <= dst < nd:
        raise ValueError(f"vmap out_axes{_out_path(out_tree, out_axes, i)} is {dst}, which is out of bounds "
                         f"for a batched output of rank {nd} (shape "
                         f"{aval.shape if src is not None else (size,) + aval.shape})")
    dst %= nd
    if src is None:
        return broadcast_dim(val, size, dst)
    return moveaxis(val, src, dst)
