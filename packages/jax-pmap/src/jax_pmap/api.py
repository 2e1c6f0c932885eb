"""``pmap``: map a function over an array axis, one element per device, in one XLA program.

``pmap(f, axis_name='i')(x)`` traces ``f`` once on one element's shapes (with
``'i'`` bound in the axis environment, so collectives over it are staged),
and binds ``xla_pmap`` with that per-device jaxpr.  With no transformation
around, that compiles the jaxpr replicated over the devices (cached per
argument signature) and runs it: results stay sharded across the devices.
Under a transformation the primitive is handled like any other: ``grad`` of
a pmap differentiates the per-device jaxpr and runs forward and backward
passes as pmaps, ``vmap`` of a pmap batches it, and a pmap inside a pmap
(or inside ``jit``'s tracing of a pmapped function's body) becomes a nested
map over a device grid.
"""
from __future__ import annotations

import collections
import functools
import inspect
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import core, tree_util
from jax_core.config import config
from jax_core.core import Array, EvalTrace, ShapedArray, Tracer, trace_state
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, abstractify, trace_to_jaxpr
from jax_core.lax.parallel import unmapped_aval, xla_pmap_p
from jax_xla import backends
from jax_xla import jaxlib_shim as shim
from jax_xla.lowering import lower_closed_jaxpr

from jax_pmap.execution import PmapExecutable, executable_for
from jax_pmap.lowering import AxisEnv, jaxpr_replicas

_leaf_types = frozenset({Array, np.ndarray})


def _is_axis_leaf(x: Any) -> bool:
    return x is None


def _check_axes_spec(spec: Any, what: str) -> None:
    for leaf in tree_util.tree_leaves(spec, is_leaf=_is_axis_leaf):
        if not (leaf is None or (isinstance(leaf, int) and not isinstance(leaf, bool))):
            raise TypeError(f"pmap {what} must be an int, None, or (nested) container with those types as "
                            f"leaves, but got {spec}.")


def _broadcast_axes(what: str, spec: Any, tree: Any) -> list:
    try:
        return tree_util.broadcast_prefix(spec, tree, is_leaf=_is_axis_leaf)
    except ValueError:
        raise ValueError(f"pmap {what} specification must be a tree prefix of the corresponding value, got "
                         f"specification {spec} for value tree {tree_util.tree_structure(tree)}.") from None


def _arg_names(fun: Callable, in_tree: Any, n: int) -> list[str]:
    """'argument x' / 'args[1][0]' for each flat argument, for error messages."""
    args, kwargs = tree_util.tree_unflatten(in_tree, list(range(n)))
    try:
        params: list[str] | None = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        params = None
    names: dict[int, str] = {}
    for path, i in tree_util.tree_leaves_with_path(args):
        if params is not None and path and getattr(path[0], "idx", None) is not None and path[0].idx < len(params):
            names[i] = f"argument {params[path[0].idx]}{tree_util.keystr(path[1:])}"
        else:
            names[i] = f"args{tree_util.keystr(path)}"
    for path, i in tree_util.tree_leaves_with_path(kwargs):
        names[i] = f"kwargs{tree_util.keystr(path)}"
    return [names.get(i, f"argument {i}") for i in range(n)]


class _Entry:
    """What one argument signature traced to, and its compiled form once run eagerly."""

    __slots__ = ("jaxpr", "consts", "out_tree", "params", "exe")

    def __init__(self, jaxpr: ClosedJaxpr, consts: list, out_tree: Any, params: dict):
        self.jaxpr = jaxpr
        self.consts = consts          # tracers the function closed over (explicit unmapped operands)
        self.out_tree = out_tree
        self.params = params
        self.exe: PmapExecutable | None = None


class PmapFunction:
    """The result of :func:`pmap`: call it, or ``.lower(...)`` it."""

    def __init__(self, fun: Callable, axis_name: Any, in_axes: Any, out_axes: Any, static_broadcasted_argnums: Any,
                 devices: Any, backend: Any, axis_size: int | None, donate_argnums: Any):
        if not callable(fun):
            raise TypeError(f"pmap requires a callable as its first argument, got {fun!r} of type "
                            f"{type(fun).__name__}")
        if isinstance(in_axes, list):
            in_axes = tuple(in_axes)
        if not (in_axes is None or type(in_axes) in (int, tuple)):
            raise TypeError("pmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                            f"positional arguments passed to the function, but got {in_axes}.")
        _check_axes_spec(in_axes, "in_axes")
        _check_axes_spec(out_axes, "out_axes")
        if isinstance(static_broadcasted_argnums, int):
            static_broadcasted_argnums = (static_broadcasted_argnums,)
        self._fun = fun
        self._axis_name = axis_name
        self._in_axes = in_axes
        self._out_axes = out_axes
        self._static = tuple(sorted(int(i) for i in static_broadcasted_argnums))
        self._devices = tuple(devices) if devices is not None else None
        self._backend = backend
        if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 1):
            raise ValueError(f"pmap axis_size must be a positive int, got {axis_size!r}")
        self._axis_size = axis_size
        self._donate_argnums = donate_argnums   # accepted; buffers are not donated
        self._name = getattr(fun, "__name__", None) or type(fun).__name__
        self._cache: dict[Any, _Entry] = {}
        self._nprocs: int | None = None
        self._local_count: int | None = None
        functools.update_wrapper(self, fun, updated=())  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<pmapped function {self._name}>"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    # -- arguments ----------------------------------------------------------------

    def _split_static(self, args: tuple) -> tuple[tuple, tuple, Any]:
        nums = self._static
        if not nums:
            return args, (), self._in_axes
        for i in nums:
            if i >= len(args):
                raise ValueError(f"pmapped function has static_broadcasted_argnums={nums} but was called with "
                                 f"only {len(args)} positional argument{'s' if len(args) != 1 else ''}. All "
                                 "static broadcasted arguments must be passed positionally.")
        statics = []
        for i in nums:
            try:
                hash(args[i])
            except TypeError as err:
                raise ValueError(f"Non-hashable static arguments are not supported. An error occurred while "
                                 f"trying to hash an object of type {type(args[i])}, {args[i]!r}. The error "
                                 f"was:\nTypeError: {err}\n") from None
            statics.append((i, args[i]))
        dyn = tuple(a for i, a in enumerate(args) if i not in nums)
        in_axes = self._in_axes
        if isinstance(in_axes, tuple):
            if len(in_axes) != len(args):
                raise ValueError(f"pmap in_axes has {len(in_axes)} entries for {len(args)} positional arguments")
            in_axes = tuple(a for i, a in enumerate(in_axes) if i not in nums)
        return dyn, tuple(statics), in_axes

    def _process_info(self) -> tuple[int, int]:
        if self._nprocs is None:
            if self._devices is not None:
                self._nprocs, self._local_count = 1, len(self._devices)
            else:
                devs = backends.devices(self._backend)
                self._nprocs = 1 + max(d.process_index for d in devs)
                self._local_count = backends.local_device_count(self._backend)
        assert self._local_count is not None
        return self._nprocs, self._local_count

    # -- calling --------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        dyn, statics, in_axes = self._split_static(args)
        if not kwargs and isinstance(in_axes, int) and all(type(a) in _leaf_types for a in dyn):
            flat: Sequence[Any] = dyn
            treedef: Any = len(dyn)
            axes = [in_axes] * len(dyn)
        else:
            if isinstance(in_axes, tuple) and len(in_axes) != len(dyn):
                raise ValueError("pmap in_axes must be an int, None, or a tuple of entries corresponding to "
                                 "the positional arguments passed to the function, but got "
                                 f"len(in_axes)={len(in_axes)}, len(args)={len(dyn)}")
            flat, treedef = tree_util.tree_flatten((dyn, kwargs))
            axes = _broadcast_axes("in_axes", (in_axes, 0), (dyn, kwargs))
        sig: list[Any] = []
        for x in flat:
            if type(x) is Array:
                b = x._device_buf
                v: Any = b.aval if b is not None else x._npy
                sig.append((v.shape, v.dtype, x.weak_type))
            elif isinstance(x, Tracer):
                sig.append(None)   # under a transformation: the aval decides, and nothing is cached
            else:
                a = abstractify(x)
                sig.append((a.shape, a.dtype, a.weak_type))
        key = (treedef, tuple(sig), tuple(axes), statics, config.trace_context())
        entry = self._cache.get(key) if None not in sig else None
        if entry is None:
            entry = self._trace(flat, treedef, axes, statics)
            if None not in sig and not entry.consts:
                self._cache[key] = entry
        if type(trace_state.trace) is EvalTrace:
            exe = entry.exe
            if exe is None:
                exe = entry.exe = executable_for(entry.jaxpr, **entry.params)
            outs = exe.run(flat)
        else:
            outs = xla_pmap_p.bind(*entry.consts, *flat, jaxpr=entry.jaxpr, **entry.params)
        if type(entry.out_tree) is int:
            return outs[0]
        return tree_util.tree_unflatten(entry.out_tree, outs)

    def _trace(self, flat: Sequence[Any], treedef: Any, axes: Sequence[Any], statics: tuple) -> _Entry:
        n = len(flat)
        avals = []
        dims: list[int | None] = []
        for i, (x, ax) in enumerate(zip(flat, axes)):
            try:
                aval = abstractify(x)
            except TypeError:
                raise TypeError(f"pmap: {self._names(treedef, n)[i]} is {x!r} of type {type(x).__name__}, "
                                "which is not a valid JAX type") from None
            if ax is not None:
                if not -aval.ndim <= ax < aval.ndim:
                    min_rank = ax + 1 if ax >= 0 else -ax
                    raise ValueError(f"pmap was requested to map its argument along axis {ax}, which implies "
                                     f"that its rank should be at least {min_rank}, but is only {aval.ndim} (its "
                                     f"shape is {aval.shape}); {self._names(treedef, n)[i]}")
                ax %= aval.ndim
            avals.append(aval)
            dims.append(ax)
        size = self._mapped_size(treedef, avals, dims)
        nprocs, local_count = self._process_info()
        if size > local_count and self._devices is None:
            raise ValueError(
                f"compiling computation that requires {size} logical devices, but only {local_count} XLA devices "
                f"are available (num_replicas={size}): pmap maps each element of the mapped axis to its own "
                f"device, and the mapped axis of {self._name}'s arguments has size {size}. (On CPU, more devices "
                "come from JAX_NUM_CPU_DEVICES / the jax_num_cpu_devices flag, or "
                "XLA_FLAGS=--xla_force_host_platform_device_count=N, set before the backend starts.)")
        global_size = size * nprocs if self._devices is None else size
        per_device = [unmapped_aval(a, d) for a, d in zip(avals, dims)]
        out_store: list = []
        fun = self._fun

        def flat_fun(*xs: Any) -> list:
            if type(treedef) is int:
                a, kw = list(xs), {}
            else:
                a_t, kw = tree_util.tree_unflatten(treedef, list(xs))
                a = list(a_t)
            for i, v in statics:
                a.insert(i, v)
            out = fun(*a, **kw)
            out_flat, out_tree = tree_util.tree_flatten(out)
            out_store[:] = [out, out_tree]
            return out_flat

        name = self._axis_name
        if name is not None:
            with core.extend_axis_env(name, global_size, "pmap"):
                closed = trace_to_jaxpr(flat_fun, per_device, name=f"pmap({self._name})")
        else:
            closed = trace_to_jaxpr(flat_fun, per_device, name=f"pmap({self._name})")
        out, out_tree = out_store
        out_axes = self._out_axes_flat(out, out_tree, closed.out_avals)
        # closed-over tracers become explicit (unmapped) operands, so that the
        # transformations around see them; concrete constants stay in the jaxpr
        j = closed.jaxpr
        keep_v, keep_c, hoist_v, hoist_c = [], [], [], []
        for v, c in zip(j.constvars, closed.consts):
            if isinstance(c, Tracer):
                hoist_v.append(v)
                hoist_c.append(c)
            else:
                keep_v.append(v)
                keep_c.append(c)
        jaxpr = ClosedJaxpr(Jaxpr(keep_v, hoist_v + list(j.invars), j.outvars, j.eqns), keep_c)
        params = dict(axis_name=name, axis_size=size, global_axis_size=global_size,
                      in_axes=(None,) * len(hoist_c) + tuple(dims), out_axes=tuple(out_axes),
                      devices=self._devices, backend=self._backend, name=self._name)
        if tree_util.treedef_is_leaf(out_tree) and len(closed.out_avals) == 1:
            out_tree = 1   # a single array: skip unflattening
        return _Entry(jaxpr, hoist_c, out_tree, params)

    def _names(self, treedef: Any, n: int) -> list[str]:
        if type(treedef) is int:   # the fast path's plain positional arrays
            treedef = tree_util.tree_structure((tuple(range(n)), {}))
        return _arg_names(self._fun, treedef, n)

    def _mapped_size(self, treedef: Any, avals: list[ShapedArray], dims: list[int | None]) -> int:
        sizes = [a.shape[d] if d is not None else None for a, d in zip(avals, dims)]
        distinct = {s for s in sizes if s is not None}
        if self._axis_size is not None:
            if distinct and distinct != {self._axis_size}:
                self._raise_inconsistent(treedef, avals, dims, sizes, self._axis_size)
            return self._axis_size
        if len(distinct) == 1:
            return distinct.pop()
        if not distinct:
            raise ValueError("pmap requires at least one argument with a mapped axis (an in_axes entry that is "
                             "not None), or axis_size")
        self._raise_inconsistent(treedef, avals, dims, sizes, None)
        raise AssertionError  # unreachable

    def _raise_inconsistent(self, treedef: Any, avals: list, dims: list, sizes: list, axis_size: int | None) -> None:
        names = self._names(treedef, len(avals))
        counts = collections.Counter(s for s in sizes if s is not None).most_common()
        lines = ["pmap got inconsistent sizes for array axes to be mapped:"]
        if axis_size is not None:
            lines = [f"pmap got arg axis sizes inconsistent with axis_size={axis_size}:"]
        for k, (sz, ct) in enumerate(counts):
            i = sizes.index(sz)
            ex = f"axis {dims[i]} of {names[i]} of type {avals[i].str_short(short_dtypes=False)}"
            if ct == 1:
                lines.append(f"  * one axis had size {sz}: {ex};")
            elif k == 0:
                lines.append(f"  * most axes ({ct} of them) had size {sz}, e.g. {ex};")
            else:
                lines.append(f"  * some axes ({ct} of them) had size {sz}, e.g. {ex};")
        raise ValueError("\n".join(lines)[:-1])

    def _out_axes_flat(self, out: Any, out_tree: Any, out_avals: list[ShapedArray]) -> list:
        spec = self._out_axes
        flat = _broadcast_axes("out_axes", spec, out)
        res: list[Any] = []
        for ax, aval in zip(flat, out_avals):
            if ax is None:
                res.append(None)
                continue
            nd = aval.ndim + 1
            if not -nd <= ax < nd:
                raise ValueError(f"pmap out_axes {ax} is out of bounds for an output of rank {nd} "
                                 f"(one element's type is {aval.str_short()})")
            res.append(ax % nd)
        return res

    # -- ahead of time ------------------------------------------------------------------

    def lower(self, *args: Any, **kwargs: Any) -> "Lowered":
        dyn, statics, in_axes = self._split_static(args)
        flat, treedef = tree_util.tree_flatten((dyn, kwargs))
        axes = _broadcast_axes("in_axes", (in_axes, 0), (dyn, kwargs))
        entry = self._trace(flat, treedef, axes, statics)
        return Lowered(self, entry)

    def _cache_size(self) -> int:
        return len(self._cache)

    def clear_cache(self) -> None:
        self._cache.clear()


class Lowered:
    """``pmap(f).lower(*args)``: the replicated StableHLO module (``as_text``) and ``compile()``."""

    def __init__(self, fun: PmapFunction, entry: _Entry):
        self._fun = fun
        self._entry = entry

    def _text(self) -> str:
        e = self._entry
        p = e.params
        nreps = p["global_axis_size"] * jaxpr_replicas(e.jaxpr.jaxpr)
        env = AxisEnv(nreps, (p["axis_name"],), (p["global_axis_size"],))
        return lower_closed_jaxpr(f"pmap_{p['name']}", e.jaxpr, num_replicas=nreps, axis_env=env).text

    def as_text(self, dialect: str | None = None) -> str:
        text = self._text()
        if dialect == "raw":
            return text
        try:
            return shim.pretty_print_module(text)
        except Exception:  # noqa: BLE001 - pretty printing is best effort
            return text

    def compile(self) -> PmapExecutable:
        e = self._entry
        if e.exe is None:
            e.exe = executable_for(e.jaxpr, **e.params)
        return e.exe


def pmap(fun: Callable | None = None, axis_name: Any = None, *, in_axes: Any = 0, out_axes: Any = 0,
         static_broadcasted_argnums: int | Sequence[int] = (), devices: Sequence[Any] | None = None,
         backend: str | None = None, axis_size: int | None = None, donate_argnums: Any = (),
         global_arg_shapes: Any = None) -> Any:
    """Parallel map over an array axis: element ``i`` of the mapped axis runs on device ``i``.

    Compiles ``fun`` once into a program replicated over as many devices as
    the mapped axis is long, and runs it there (SPMD).  ``axis_name`` names
    the axis for collectives (``lax.psum(x, axis_name)`` and friends).
    ``in_axes`` (an int, None, or a tuple with one entry per positional
    argument, each a tree prefix) says which axis of each argument is mapped
    (None: the same value goes to every device); keyword arguments are
    mapped over axis 0.  ``out_axes`` says where the mapped axis goes in each
    output (None: the output must be the same on every device; device 0's is
    returned).  ``static_broadcasted_argnums`` are hashable arguments baked
    into the program.  ``devices`` picks the devices (default: the first
    ones of ``backend``); ``axis_size`` gives the size when nothing is mapped.
    Results stay on their devices, sharded along the mapped axis.
    ``donate_argnums`` and ``global_arg_shapes`` are accepted for
    compatibility.
    """
    del global_arg_shapes
    if fun is None:
        return functools.partial(pmap, axis_name=axis_name, in_axes=in_axes, out_axes=out_axes,
                                 static_broadcasted_argnums=static_broadcasted_argnums, devices=devices,
                                 backend=backend, axis_size=axis_size, donate_argnums=donate_argnums)
    return PmapFunction(fun, axis_name, in_axes, out_axes, static_broadcasted_argnums, devices, backend, axis_size,
                        donate_argnums)
