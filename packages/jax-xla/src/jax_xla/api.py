"""``jit``: stage a function to a jaxpr, compile it with XLA, call it fast.

The steady-state call is the hot path: flatten the arguments (a plain tuple
when they are all arrays), build the signature (shape, dtype, weak_type)
per leaf, look it up together with the static arguments and the config's
trace context, and run the cached executable.  Anything else (a cache miss,
static arguments, a transformation being active) takes the slower paths.

Under a transformation (grad, vmap, an enclosing jit...), calling a jitted
function binds ``pjit_p`` with the traced jaxpr, so every transformation
sees one equation whose body it can rewrite; evaluating that equation
eagerly compiles it (``pjit_p``'s impl, :func:`dispatch.pjit_impl`).
"""
from __future__ import annotations

import functools
import inspect
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, tree_util
from jax_core.config import config
from jax_core.core import (
    Array,
    EvalTrace,
    ShapedArray,
    Tracer,
    UnexpectedTracerError,
    check_tracer_valid,
    get_aval,
    trace_state,
)
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, ShapeDtypeStruct, abstractify, pjit_p, trace_to_jaxpr
from jax_xla import backends, dispatch
from jax_xla import jaxlib_shim as shim
from jax_xla.lowering import LoweredModule, lower_closed_jaxpr

_trace_context = config.trace_context
_tree_flatten = tree_util.tree_flatten
_python_scalars = (bool, int, float, complex)
# argument types that are always pytree leaves (the hot path skips flattening for them)
_leaf_types = frozenset({Array, np.ndarray, float, int, bool, complex})


# --------------------------------------------------------------------------
# Static arguments


def _infer_static(fun: Callable, static_argnums: Any, static_argnames: Any
                  ) -> tuple[tuple[int, ...], tuple[str, ...]]:
    nums = () if static_argnums is None else (
        (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums))
    names = () if static_argnames is None else (
        (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames))
    for n in nums:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"static_argnums must be ints, got {n!r}")
    try:
        sig = inspect.signature(fun)
    except (TypeError, ValueError):
        return tuple(int(n) for n in nums), names
    params = list(sig.parameters.values())
    has_varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not has_varargs:
        for n in nums:
            if not -len(positional) <= n < len(positional):
                raise ValueError(
                    f"Jitted function has static_argnums={tuple(nums)}, but only accepts "
                    f"{len(positional)} positional arguments.")
    nums = tuple(n % len(positional) if n < 0 and not has_varargs else int(n) for n in nums)
    # like JAX: a static argument may be given by position or by name
    by_name = {p.name: i for i, p in enumerate(positional) if p.kind == p.POSITIONAL_OR_KEYWORD}
    inferred_names = tuple(p.name for i, p in enumerate(positional)
                           if i in nums and p.kind == p.POSITIONAL_OR_KEYWORD)
    inferred_nums = tuple(by_name[n] for n in names if n in by_name)
    has_varkw = any(p.kind == p.VAR_KEYWORD for p in params)
    if not has_varkw:
        known = {p.name for p in params if p.kind != p.POSITIONAL_ONLY}
        for n in names:
            if n not in known:
                raise ValueError(f"Jitted function has static_argnames={names}, but {n!r} is not "
                                 f"one of its parameters ({', '.join(sorted(known)) or 'none'}).")
    all_nums = tuple(sorted(set(nums) | set(inferred_nums)))
    all_names = tuple(dict.fromkeys(names + inferred_names))
    return all_nums, all_names


def _hashable_static(x: Any) -> Any:
    try:
        hash(x)
    except TypeError as err:
        raise ValueError(
            "Non-hashable static arguments are not supported. An error occurred while trying to hash "
            f"an object of type {type(x)}, {x!r}. The error was:\nTypeError: {err}\n") from None
    return x


# --------------------------------------------------------------------------
# Signatures


def _leaf_sig(x: Any) -> Any:
    """(shape, dtype, weak_type) of one argument leaf (the slow, general path)."""
    t = type(x)
    if t is Array:
        b = x._device_buf
        v = b.aval if b is not None else x._npy
        return (v.shape, v.dtype, x.weak_type)
    if isinstance(x, Tracer):
        check_tracer_valid(x)
        raise UnexpectedTracerError(
            f"Encountered an unexpected tracer {x._short_repr()} of the {x._trace.describe()} passed "
            "to a jitted function outside of that transformation; it escaped its transformation.")
    if t in _python_scalars:
        return (t, dtypes.is_weakly_typed(x))
    if isinstance(x, (np.ndarray, np.generic)):
        return (x.shape, dtypes.canonicalize_dtype(x.dtype), False)
    if isinstance(x, ShapeDtypeStruct):
        return (x.shape, dtypes.canonicalize_dtype(x.dtype), x.weak_type)
    get_aval(x)  # raises the clear "not a valid JAX type" error
    raise TypeError(f"Argument {x!r} of type {t.__name__} is not a valid JAX type")


# --------------------------------------------------------------------------
# The compiled function


class _Entry:
    __slots__ = ("exe", "out_tree", "out_leaf", "closed")

    def __init__(self, exe: dispatch.Executable, out_tree: Any, closed: ClosedJaxpr):
        self.exe = exe
        self.out_tree = out_tree
        self.out_leaf = tree_util.treedef_is_leaf(out_tree)
        self.closed = closed


_caches: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _shared_cache(fun: Callable, options: tuple) -> dict:
    """One cache per (function, jit options): jit(f) twice reuses compilations."""
    try:
        per_fun = _caches.get(fun)
        if per_fun is None:
            per_fun = _caches[fun] = {}
    except TypeError:  # not weak-referenceable
        return {}
    cache = per_fun.get(options)
    if cache is None:
        cache = per_fun[options] = {}
    return cache


class JitFunction:
    """The result of :func:`jit`: call it, ``.lower(...)`` it, or ``.trace(...)`` it."""

    def __init__(self, fun: Callable, static_argnums: Any = None, static_argnames: Any = None,
                 donate_argnums: Any = None, donate_argnames: Any = None, device: Any = None,
                 backend: str | None = None, inline: bool = False, keep_unused: bool = False):
        if not callable(fun):
            raise TypeError(f"jit expects a callable, got {fun!r} of type {type(fun).__name__}")
        if device is not None and backend is not None:
            raise ValueError("can't specify both a device and a backend for jit, got "
                             f"device={device!r} and backend={backend!r}")
        self._fun = fun
        self._static_argnums, self._static_argnames = _infer_static(fun, static_argnums, static_argnames)
        self._donate_argnums = () if donate_argnums is None else (
            (donate_argnums,) if isinstance(donate_argnums, int) else tuple(donate_argnums))
        self._donate_argnames = () if donate_argnames is None else (
            (donate_argnames,) if isinstance(donate_argnames, str) else tuple(donate_argnames))
        self._has_static = bool(self._static_argnums or self._static_argnames)
        self._device = device
        self._backend = backend
        self._inline = inline
        self._keep_unused = keep_unused
        self._name = getattr(fun, "__name__", None) or type(fun).__name__
        options = (self._static_argnums, self._static_argnames, device, backend)
        self._cache: dict = _shared_cache(fun, options)
        self._trace_cache: dict = {}
        self._multi_device: bool | None = None   # known after the first compilation
        functools.update_wrapper(self, fun, updated=())  # type: ignore[arg-type]

    # -- descriptor: @jit on a method binds self ------------------------------

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<jitted function {self._name}>"

    # -- the hot path -----------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if config.jax_disable_jit:
            return self._fun(*args, **kwargs)
        if self._has_static:
            args, kwargs, statics = self._split_static(args, kwargs)
        else:
            statics = ()
        flat: Any = None
        treedef: Any = None
        if not kwargs:
            for a in args:
                if type(a) not in _leaf_types:
                    break
            else:
                treedef = len(args)      # all plain array leaves: skip pytree flattening
                flat = args
        if flat is None:
            flat, treedef = _tree_flatten((args, kwargs))
        trace = trace_state.trace
        if type(trace) is not EvalTrace:
            return self._call_traced(trace, flat, treedef, statics, args, kwargs)
        sig = []
        for x in flat:
            if type(x) is Array:
                b = x._device_buf
                v: Any = b.aval if b is not None else x._npy
                sig.append((v.shape, v.dtype, x.weak_type))
            else:
                sig.append(_leaf_sig(x))
        key: tuple = (treedef, tuple(sig), statics, _trace_context())
        if self._multi_device:
            key = key + (dispatch.device_of_args(flat),)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, flat, treedef, statics)
        outs = entry.exe.run(flat)
        if entry.out_leaf:
            return outs[0]
        return entry.out_tree.unflatten(outs)

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _flatten(args: tuple, kwargs: dict) -> tuple[Any, Any]:
        """Flat leaves and the tree key, exactly as the hot path computes them."""
        if not kwargs and all(type(a) in _leaf_types for a in args):
            return args, len(args)
        return _tree_flatten((args, kwargs))

    def _split_static(self, args: tuple, kwargs: dict) -> tuple[tuple, dict, tuple]:
        nums = self._static_argnums
        if nums and nums[0] < 0:   # only left negative when the signature has *args
            nums = tuple(sorted(i % len(args) for i in nums if -len(args) <= i))
        static_pos = tuple((i, _hashable_static(args[i])) for i in nums if i < len(args))
        dyn_args = tuple(a for i, a in enumerate(args) if i not in nums) if static_pos else args
        static_kw: tuple = ()
        if kwargs and self._static_argnames:
            names = self._static_argnames
            static_kw = tuple(sorted((k, _hashable_static(v)) for k, v in kwargs.items() if k in names))
            if static_kw:
                kwargs = {k: v for k, v in kwargs.items() if k not in names}
        return dyn_args, kwargs, (static_pos, static_kw)

    def _flat_fun(self, treedef: Any, statics: tuple, n_args: int | None = None) -> tuple[Callable, list]:
        out_store: list = []
        fun = self._fun

        def flat_fun(*flat_args: Any) -> list:
            if type(treedef) is int:
                args, kwargs = tuple(flat_args), {}
            else:
                args, kwargs = tree_util.tree_unflatten(treedef, flat_args)
            if statics:
                static_pos, static_kw = statics
                if static_pos:
                    full = list(args)
                    for i, v in static_pos:
                        full.insert(i, v)
                    args = tuple(full)
                if static_kw:
                    kwargs = {**kwargs, **dict(static_kw)}
            out = fun(*args, **kwargs)
            out_flat, out_tree = _tree_flatten(out)
            out_store[:] = [out_tree]
            return out_flat

        return flat_fun, out_store

    def _trace(self, flat_avals: Sequence[ShapedArray], treedef: Any, statics: tuple
               ) -> tuple[ClosedJaxpr, Any]:
        flat_fun, out_store = self._flat_fun(treedef, statics)
        closed = trace_to_jaxpr(flat_fun, list(flat_avals), name=f"jit({self._name})")
        return closed, out_store[0]

    def _target_device(self, flat: Sequence[Any]) -> Any:
        if self._device is not None:
            return self._device
        if self._backend is not None:
            return backends.get_backend(self._backend).local_devices()[0]
        dev = dispatch.device_of_args(flat)
        return dev if dev is not None else backends.default_device()

    def _compile(self, key: Any, flat: Sequence[Any], treedef: Any, statics: tuple) -> _Entry:
        for x in flat:
            if isinstance(x, Tracer):
                _leaf_sig(x)  # raises the escaped-tracer error
        avals = [abstractify(x) for x in flat]
        closed, out_tree = self._trace(avals, treedef, statics)
        device = self._target_device(flat)
        exe = dispatch.executable_for(self._name, closed, device)
        entry = _Entry(exe, out_tree, closed)
        if self._multi_device is None:
            self._multi_device = not backends.single_device()
            if self._multi_device:
                key = key + (dispatch.device_of_args(flat),)
        self._cache[key] = entry
        return entry

    def _call_traced(self, trace: Any, flat: Sequence[Any], treedef: Any, statics: tuple,
                     args: tuple, kwargs: dict) -> Any:
        """Under a transformation: bind pjit_p (or inline the function)."""
        if self._inline:
            flat_fun, out_store = self._flat_fun(treedef, statics)
            outs = flat_fun(*flat)
            return tree_util.tree_unflatten(out_store[0], outs)
        avals = [abstractify(x) for x in flat]
        key = (treedef, tuple(avals), statics, _trace_context())
        cached = self._trace_cache.get(key)
        if cached is None:
            closed, out_tree = self._trace(avals, treedef, statics)
            consts = closed.consts
            jaxpr = closed.jaxpr
            # closed-over values become explicit leading operands, so that the
            # transformations see them (they may be tracers of this very trace)
            hoisted = ClosedJaxpr(Jaxpr([], list(jaxpr.constvars) + list(jaxpr.invars), jaxpr.outvars,
                                        jaxpr.eqns), [])
            cached = (hoisted, out_tree, consts)
            if not any(isinstance(c, Tracer) for c in consts):
                self._trace_cache[key] = cached
        hoisted, out_tree, consts = cached
        params: dict[str, Any] = dict(jaxpr=hoisted, name=self._name)
        if self._device is not None:
            params["device"] = self._device
        if self._backend is not None:
            params["backend"] = self._backend
        outs = pjit_p.bind(*consts, *flat, **params)
        return tree_util.tree_unflatten(out_tree, outs)

    # -- ahead-of-time API --------------------------------------------------------

    def trace(self, *args: Any, **kwargs: Any) -> "Traced":
        if self._has_static:
            args, kwargs, statics = self._split_static(args, kwargs)
        else:
            statics = ()
        flat, treedef = self._flatten(args, kwargs)
        avals = [abstractify(x) for x in flat]
        closed, out_tree = self._trace(avals, treedef, statics)
        return Traced(self, closed, treedef, out_tree, avals, self._target_device(flat))

    def lower(self, *args: Any, **kwargs: Any) -> "Lowered":
        return self.trace(*args, **kwargs).lower()

    def eval_shape(self, *args: Any, **kwargs: Any) -> Any:
        t = self.trace(*args, **kwargs)
        return tree_util.tree_unflatten(t.out_tree, [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                                                     for a in t.jaxpr.out_avals])

    def clear_cache(self) -> None:
        self._cache.clear()
        self._trace_cache.clear()

    def _cache_size(self) -> int:
        return len(self._cache)


class Traced:
    """``jit(f).trace(*args)``: the jaxpr, and a way on to lowering."""

    def __init__(self, fun: JitFunction, jaxpr: ClosedJaxpr, in_tree: Any, out_tree: Any,
                 in_avals: list[ShapedArray], device: Any):
        self.fun = fun
        self.jaxpr = jaxpr
        self.in_tree = in_tree
        self.out_tree = out_tree
        self.in_avals = in_avals
        self.device = device

    def lower(self) -> "Lowered":
        platform = backends.device_platform(self.device)
        lowered = lower_closed_jaxpr(f"jit_{self.fun._name}", self.jaxpr, platform=platform)
        return Lowered(self, lowered)


class Lowered:
    """``jit(f).lower(*args)``: the StableHLO module; ``.compile()`` builds the executable."""

    def __init__(self, traced: Traced, lowered: LoweredModule):
        self._traced = traced
        self._lowered = lowered

    @property
    def in_avals(self) -> list[ShapedArray]:
        return self._traced.in_avals

    @property
    def out_info(self) -> Any:
        t = self._traced
        return tree_util.tree_unflatten(t.out_tree, [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                                                     for a in t.jaxpr.out_avals])

    def as_text(self, dialect: str | None = None, *, debug_info: bool = False) -> str:
        """The StableHLO module, pretty-printed like JAX's (``dialect='raw'``: as emitted)."""
        if dialect == "raw":
            return self._lowered.text
        try:
            return shim.pretty_print_module(self._lowered.text)
        except Exception:  # noqa: BLE001 - printing is best effort; the raw text is valid too
            return self._lowered.text

    def compiler_ir(self, dialect: str | None = None) -> str:
        return self.as_text(dialect)

    def compile(self) -> "Compiled":
        t = self._traced
        exe = dispatch.Executable(t.fun._name, self._lowered, t.device)
        return Compiled(t, exe)


class Compiled:
    """``jit(f).lower(*args).compile()``: call it with arguments of the lowered types."""

    def __init__(self, traced: Traced, exe: dispatch.Executable):
        self._traced = traced
        self._exe = exe

    def as_text(self) -> str:
        return self._exe.as_hlo_text()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = self._traced
        if t.fun._has_static:
            args, kwargs, _ = t.fun._split_static(args, kwargs)
        flat, treedef = t.fun._flatten(args, kwargs)
        if treedef != t.in_tree:
            raise TypeError(f"Compiled function called with a different argument structure: "
                            f"expected {t.in_tree}, got {treedef}")
        for i, (x, aval) in enumerate(zip(flat, t.in_avals)):
            a = abstractify(x)
            if a.shape != aval.shape or a.dtype != aval.dtype:
                raise TypeError(f"Compiled function called with argument {i} of type {a.str_short()}, "
                                f"but it was compiled for {aval.str_short()}")
        outs = self._exe.run(flat)
        return tree_util.tree_unflatten(t.out_tree, outs)


def jit(fun: Callable | None = None, *, static_argnums: int | Sequence[int] | None = None,
        static_argnames: str | Sequence[str] | None = None, donate_argnums: Any = None,
        donate_argnames: Any = None, device: Any = None, backend: str | None = None,
        inline: bool = False, keep_unused: bool = False, abstracted_axes: Any = None,
        in_shardings: Any = None, out_shardings: Any = None) -> Any:
    """Compile ``fun`` with XLA: traced once per argument signature, then cached.

    ``static_argnums`` / ``static_argnames`` mark arguments whose (hashable)
    Python values are baked into the compiled program; a new value retraces.
    ``device`` / ``backend`` choose where it runs (default: where its
    arguments live, else the default device).  ``inline`` inlines the body
    into an enclosing traced function instead of emitting a call.
    ``donate_argnums`` is accepted for compatibility (buffers are not donated).
    """
    del abstracted_axes, in_shardings, out_shardings
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums, static_argnames=static_argnames,
                                 donate_argnums=donate_argnums, donate_argnames=donate_argnames,
                                 device=device, backend=backend, inline=inline, keep_unused=keep_unused)
    return JitFunction(fun, static_argnums, static_argnames, donate_argnums, donate_argnames, device,
                       backend, inline, keep_unused)
