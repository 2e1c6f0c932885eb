"""The jaxpr IR, staging Python functions into it, and evaluating it.

Staging is one more trace (:class:`DynamicJaxprTrace`): its tracers stand for
jaxpr variables and each primitive it processes appends an equation.  Values
from outside (closed-over arrays, tracers of enclosing transformations)
become constvars; Python and 0-d NumPy scalars become literals.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from jax_core import tree_util
from jax_core.core import (
    Array,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    check_tracer_valid,
    get_aval,
    new_trace,
    short_dtype_name,
    trace_state,
)

# --------------------------------------------------------------------------
# The IR


class Var:
    __slots__ = ("aval", "count")
    _counter = itertools.count()

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.count = next(Var._counter)

    def __repr__(self) -> str:
        return f"Var({self.count}:{self.aval.str_short()})"


class Literal:
    __slots__ = ("val", "aval")

    def __init__(self, val: Any, aval: ShapedArray):
        self.val = val
        self.aval = aval

    def __repr__(self) -> str:
        return f"Literal({self.val})"


Atom = Any  # Var | Literal


class JaxprEqn:
    __slots__ = ("primitive", "invars", "params", "outvars")

    def __init__(self, primitive: Primitive, invars: list, params: dict, outvars: list):
        self.primitive = primitive
        self.invars = invars
        self.params = params
        self.outvars = outvars

    def replace(self, **kw: Any) -> "JaxprEqn":
        return JaxprEqn(kw.get("primitive", self.primitive), kw.get("invars", self.invars),
                        kw.get("params", self.params), kw.get("outvars", self.outvars))

    def __repr__(self) -> str:
        return pp_eqn(self, _Namer())


class Jaxpr:
    __slots__ = ("constvars", "invars", "outvars", "eqns")

    def __init__(self, constvars: list, invars: list, outvars: list, eqns: list):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.outvars = list(outvars)
        self.eqns = list(eqns)

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self) -> str:
        return pp_jaxpr(self)

    __repr__ = __str__


class ClosedJaxpr:
    """A jaxpr together with the values of its constvars."""

    __slots__ = ("jaxpr", "consts", "in_tree", "out_tree")

    def __init__(self, jaxpr: Jaxpr, consts: Sequence[Any], in_tree: Any = None, out_tree: Any = None):
        self.jaxpr = jaxpr
        self.consts = list(consts)
        self.in_tree = in_tree
        self.out_tree = out_tree

    @property
    def in_avals(self) -> list[ShapedArray]:
        return self.jaxpr.in_avals

    @property
    def out_avals(self) -> list[ShapedArray]:
        return self.jaxpr.out_avals

    @property
    def eqns(self) -> list[JaxprEqn]:
        return self.jaxpr.eqns

    def __call__(self, *args: Any) -> list:
        return eval_jaxpr(self.jaxpr, self.consts, *args)

    def __str__(self) -> str:
        return pp_jaxpr(self.jaxpr)

    __repr__ = __str__


# --------------------------------------------------------------------------
# Pretty printing, in JAX's style


class _Namer:
    def __init__(self) -> None:
        self.names: dict[Var, str] = {}
        self.counter = itertools.count()

    def __call__(self, v: Var) -> str:
        name = self.names.get(v)
        if name is None:
            name = self.names[v] = _var_name(next(self.counter))
        return name


def _var_name(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    s = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = letters[r] + s
    return s


def _pp_literal(lit: Literal) -> str:
    v = lit.val
    if isinstance(v, (np.ndarray, np.generic)):
        v = v.item() if np.ndim(v) == 0 else v
    if isinstance(v, bool) or isinstance(v, np.bool_):
        s = str(bool(v))
    elif isinstance(v, float):
        s = repr(v)
    else:
        s = str(v)
    return f"{s}:{lit.aval.str_short()}"


def _pp_atom(a: Any, namer: _Namer) -> str:
    if isinstance(a, Literal):
        return _pp_literal(a)
    return namer(a)


def _pp_param(v: Any, namer: _Namer) -> str:
    if isinstance(v, ClosedJaxpr):
        return pp_jaxpr(v.jaxpr, _Namer())
    if isinstance(v, Jaxpr):
        return pp_jaxpr(v, _Namer())
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, tuple) and v and all(isinstance(e, (ClosedJaxpr, Jaxpr)) for e in v):
        return "(" + ", ".join(_pp_param(e, namer) for e in v) + ")"
    if callable(v) and hasattr(v, "__name__"):
        return v.__name__
    return str(v)


def pp_eqn(eqn: JaxprEqn, namer: _Namer) -> str:
    ins = " ".join(_pp_atom(a, namer) for a in eqn.invars)
    outs = " ".join(f"{namer(v)}:{v.aval.str_short()}" for v in eqn.outvars)
    params = ""
    if eqn.params:
        params = "[" + " ".join(f"{k}={_pp_param(eqn.params[k], namer)}" for k in sorted(eqn.params)) + "]"
    return f"{outs} = {eqn.primitive.name}{params} {ins}".rstrip()


def pp_jaxpr(jaxpr: Jaxpr, namer: _Namer | None = None, width: int = 80) -> str:
    namer = namer or _Namer()
    consts = " ".join(f"{namer(v)}:{v.aval.str_short()}" for v in jaxpr.constvars)
    ins = " ".join(f"{namer(v)}:{v.aval.str_short()}" for v in jaxpr.invars)
    eqns = [pp_eqn(e, namer) for e in jaxpr.eqns]
    outs = ", ".join(_pp_atom(a, namer) for a in jaxpr.outvars)
    outs = f"({outs},)" if len(jaxpr.outvars) == 1 else f"({outs})"
    head = f"{{ lambda {consts}; {ins}. let" if consts else f"{{ lambda ; {ins}. let"
    one_line = f"{head} {'; '.join(eqns)} in {outs} }}" if eqns else f"{head} in {outs} }}"
    if len(one_line) <= width and "\n" not in one_line:
        return one_line
    body = "\n".join("    " + line for e in eqns for line in e.split("\n"))
    return f"{head}\n{body}\n  in {outs} }}"


# --------------------------------------------------------------------------
# Evaluation


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any], *args: Any) -> list:
    """Interpret ``jaxpr`` by binding each equation under the current trace."""
    env: dict[Var, Any] = {}

    def read(a: Any) -> Any:
        return a.val if type(a) is Literal else env[a]

    if len(args) != len(jaxpr.invars):
        raise TypeError(f"eval_jaxpr: jaxpr takes {len(jaxpr.invars)} arguments, got {len(args)}")
    for v, c in zip(jaxpr.constvars, consts):
        env[v] = c
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        invals = [read(a) for a in eqn.invars]
        subfuns, params = eqn.primitive.get_bind_params(eqn.params)
        outs = eqn.primitive.bind(*subfuns, *invals, **params)
        if eqn.primitive.multiple_results:
            for v, o in zip(eqn.outvars, outs):
                env[v] = o
        else:
            env[eqn.outvars[0]] = outs
    return [read(a) for a in jaxpr.outvars]


def jaxpr_as_fun(closed: ClosedJaxpr) -> Callable[..., list]:
    def fun(*args: Any) -> list:
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)

    return fun


# --------------------------------------------------------------------------
# Staging: the jaxpr trace


class DynamicJaxprTracer(Tracer):
    __slots__ = ("_aval", "atom")

    def __init__(self, trace: "DynamicJaxprTrace", aval: ShapedArray, atom: Any):
        self._trace = trace
        self._aval = aval
        self.atom = atom

    @property
    def aval(self) -> ShapedArray:
        return self._aval

    def to_concrete_value(self) -> Any:
        if type(self.atom) is Literal:
            return self.atom.val
        return None


class DynamicJaxprTrace(Trace):
    def __init__(self, name: str = "make_jaxpr") -> None:
        super().__init__()
        self.name = name
        self.eqns: list[JaxprEqn] = []
        self.invars: list[Var] = []
        self.constvars: list[Var] = []
        self.consts: list[Any] = []
        self._const_ids: dict[int, DynamicJaxprTracer] = {}

    def describe(self) -> str:
        return f"tracing of {self.name} (staging to a jaxpr)"

    def new_arg(self, aval: ShapedArray) -> DynamicJaxprTracer:
        v = Var(aval)
        self.invars.append(v)
        return DynamicJaxprTracer(self, aval, v)

    def to_tracer(self, x: Any) -> DynamicJaxprTracer:
        if isinstance(x, DynamicJaxprTracer) and x._trace is self:
            return x
        if isinstance(x, Tracer):
            check_tracer_valid(x)
        else:
            lit = _maybe_literal(x)
            if lit is not None:
                return DynamicJaxprTracer(self, lit.aval, lit)
        # a constant: closed-over value, or tracer of an enclosing trace
        t = self._const_ids.get(id(x))
        if t is not None:
            return t
        aval = get_aval(x)
        v = Var(aval)
        self.constvars.append(v)
        self.consts.append(x)
        t = DynamicJaxprTracer(self, aval, v)
        self._const_ids[id(x)] = t
        return t

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        tracers = [self.to_tracer(a) for a in args]
        out_aval = primitive.abstract_eval(*[t._aval for t in tracers], **params)  # type: ignore[misc]
        return self._emit(primitive, tracers, params, out_aval)

    def _emit(self, primitive: Primitive, tracers: Sequence[DynamicJaxprTracer], params: dict, out_aval: Any) -> Any:
        if primitive.multiple_results:
            outvars = [Var(a) for a in out_aval]
            self.eqns.append(JaxprEqn(primitive, [t.atom for t in tracers], params, outvars))
            return [DynamicJaxprTracer(self, v.aval, v) for v in outvars]
        v = Var(out_aval)
        self.eqns.append(JaxprEqn(primitive, [t.atom for t in tracers], params, [v]))
        return DynamicJaxprTracer(self, out_aval, v)

    def process_custom_jvp_call(self, prim: Primitive, fun: Callable, jvp: Callable, args: Sequence[Any], *,
                                symbolic_zeros: bool) -> Any:
        tracers = [self.to_tracer(a) for a in args]
        closed = trace_to_jaxpr(fun, [t._aval for t in tracers], name="custom_jvp_fun")
        params = dict(call_jaxpr=closed, jvp_jaxpr_fun=jvp, num_consts=0, symbolic_zeros=symbolic_zeros)
        return self._emit(prim, tracers, params, closed.out_avals)

    def process_custom_vjp_call(self, prim: Primitive, fun: Callable, fwd: Callable, bwd: Callable,
                                args: Sequence[Any], *, out_trees: Callable, symbolic_zeros: bool) -> Any:
        tracers = [self.to_tracer(a) for a in args]
        closed = trace_to_jaxpr(fun, [t._aval for t in tracers], name="custom_vjp_fun")
        params = dict(call_jaxpr=closed, fwd_jaxpr_thunk=fwd, bwd=bwd, num_consts=0,
                      out_trees=out_trees, symbolic_zeros=symbolic_zeros)
        return self._emit(prim, tracers, params, closed.out_avals)

    def finalize(self, outs: Sequence[Any]) -> ClosedJaxpr:
        out_tracers = [self.to_tracer(o) for o in outs]
        jaxpr = Jaxpr(self.constvars, self.invars, [t.atom for t in out_tracers], self.eqns)
        return ClosedJaxpr(jaxpr, self.consts)


def _maybe_literal(x: Any) -> Literal | None:
    if isinstance(x, (bool, int, float, complex)):
        return Literal(x, get_aval(x))
    if isinstance(x, np.generic) or (isinstance(x, np.ndarray) and x.ndim == 0):
        aval = get_aval(x)
        return Literal(np.asarray(x, aval.dtype), aval)
    if type(x) is Array and x.ndim == 0 and x._device_buf is None:
        return Literal(x._value, get_aval(x))
    return None


def trace_to_jaxpr(fun: Callable[..., Sequence[Any]], in_avals: Sequence[ShapedArray],
                   name: str = "make_jaxpr") -> ClosedJaxpr:
    """Stage ``fun`` (flat list in, flat list out) into a closed jaxpr."""
    trace = DynamicJaxprTrace(name)
    with new_trace(trace):
        args = [trace.new_arg(a) for a in in_avals]
        outs = fun(*args)
        return trace.finalize(outs)


def flatten_fun(fun: Callable, in_tree: Any) -> tuple[Callable[..., list], Callable[[], Any]]:
    """Wrap a pytree function as a flat one; the second result gives its out_tree."""
    store: list[Any] = []

    def flat_fun(*flat_args: Any) -> list:
        args, kwargs = tree_util.tree_unflatten(in_tree, flat_args)
        out = fun(*args, **kwargs)
        out_flat, out_tree = tree_util.tree_flatten(out)
        store[:] = [out_tree]
        return out_flat

    return flat_fun, lambda: store[0]


class ShapeDtypeStruct:
    """A stand-in for an array that has only a shape and a dtype."""

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape: Sequence[int], dtype: Any, weak_type: bool = False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ShapeDtypeStruct) and (self.shape, self.dtype, self.weak_type) == (
            other.shape, other.dtype, other.weak_type)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.weak_type))

    def __repr__(self) -> str:
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name})"


def abstractify(x: Any) -> ShapedArray:
    if isinstance(x, ShapeDtypeStruct):
        from jax_core import dtypes

        return ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), x.weak_type)
    if isinstance(x, ShapedArray):
        return x
    return get_aval(x)


def _normalize_static_argnums(static_argnums: Any, nargs: int, fname: str) -> tuple[int, ...]:
    if static_argnums is None:
        return ()
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)
    out = []
    for i in static_argnums:
        j = i + nargs if i < 0 else i
        if not 0 <= j < nargs:
            raise ValueError(
                f"static_argnums {i} is out of range for {fname} called with {nargs} positional arguments")
        out.append(j)
    return tuple(sorted(out))


def make_jaxpr(fun: Callable, static_argnums: Any = (), axis_env: Any = None,
               return_shape: bool = False) -> Callable[..., Any]:
    """Return a function that traces ``fun`` and gives its ClosedJaxpr."""
    del axis_env
    fname = getattr(fun, "__name__", "fun")

    def make(*args: Any, **kwargs: Any) -> Any:
        static = _normalize_static_argnums(static_argnums, len(args), fname)
        dyn_args = [a for i, a in enumerate(args) if i not in static]

        def bound(*dyn: Any, **kw: Any) -> Any:
            it = iter(dyn)
            full = [args[i] if i in static else next(it) for i in range(len(args))]
            return fun(*full, **kw)

        flat_args, in_tree = tree_util.tree_flatten((tuple(dyn_args), kwargs))
        flat_fun, out_tree = flatten_fun(bound, in_tree)
        closed = trace_to_jaxpr(flat_fun, [abstractify(a) for a in flat_args], name=fname)
        closed.in_tree = in_tree
        closed.out_tree = out_tree()
        if return_shape:
            shapes = [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in closed.out_avals]
            return closed, tree_util.tree_unflatten(closed.out_tree, shapes)
        return closed

    make.__name__ = f"make_jaxpr({fname})"
    return make


def eval_shape(fun: Callable, *args: Any, **kwargs: Any) -> Any:
    """Shapes and dtypes of ``fun``'s outputs, computed without FLOPs."""
    flat_args, in_tree = tree_util.tree_flatten((args, kwargs))

    def bound(*a: Any, **k: Any) -> Any:
        return fun(*a, **k)

    flat_fun, out_tree = flatten_fun(bound, in_tree)
    closed = trace_to_jaxpr(flat_fun, [abstractify(a) for a in flat_args], name="eval_shape")
    shapes = [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in closed.out_avals]
    return tree_util.tree_unflatten(out_tree(), shapes)


# --------------------------------------------------------------------------
# Call-like primitives whose parameters hold jaxprs


def _closed_call_abstract_eval(*in_avals: ShapedArray, jaxpr: ClosedJaxpr, **_: Any) -> list[ShapedArray]:
    for i, (a, b) in enumerate(zip(in_avals, jaxpr.in_avals)):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise TypeError(f"{jaxpr!s:.40}... called with argument {i} of type {a.str_short()}, "
                            f"expected {b.str_short()}")
    return jaxpr.out_avals


def _closed_call_impl(*args: Any, jaxpr: ClosedJaxpr, **_: Any) -> list:
    return eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)


class CallPrimitive(Primitive):
    """A primitive that applies a closed jaxpr (``params['jaxpr']``) to its operands."""

    multiple_results = True

    def __init__(self, name: str):
        super().__init__(name)
        self.def_abstract_eval(_closed_call_abstract_eval)
        self.def_impl(_closed_call_impl)

    def bind(self, *args: Any, **params: Any) -> Any:
        trace = trace_state.trace
        if trace.level == -1 and self.impl is _closed_call_impl:
            # eager without a compiler: just run the body, op by op
            return eval_jaxpr(params["jaxpr"].jaxpr, params["jaxpr"].consts, *args)
        return trace.process_primitive(self, args, params)


# The staged form of ``jit``: jax-xla replaces its impl with compile-and-run.
pjit_p = CallPrimitive("pjit")
# A call that keeps its body separate without compiling it.
closed_call_p = CallPrimitive("closed_call")
# ``checkpoint``/``remat``: jax-ad recomputes the body on the backward pass
# instead of storing its residuals (extra params: prevent_cse, policy).
remat_p = CallPrimitive("checkpoint")


class CustomJVPCallPrimitive(Primitive):
    """``custom_jvp`` functions: traces dispatch them to process_custom_jvp_call."""

    multiple_results = True

    def bind(self, *args: Any, **params: Any) -> Any:
        fun, jvp = args[0], args[1]
        return trace_state.trace.process_custom_jvp_call(
            self, fun, jvp, args[2:], symbolic_zeros=params.get("symbolic_zeros", False))

    def get_bind_params(self, params: dict) -> tuple[list, dict]:
        closed: ClosedJaxpr = params["call_jaxpr"]
        fun = jaxpr_as_fun(closed)
        return [fun, params["jvp_jaxpr_fun"]], dict(symbolic_zeros=params["symbolic_zeros"])


class CustomVJPCallPrimitive(Primitive):
    multiple_results = True

    def bind(self, *args: Any, **params: Any) -> Any:
        fun, fwd, bwd = args[0], args[1], args[2]
        return trace_state.trace.process_custom_vjp_call(
            self, fun, fwd, bwd, args[3:], out_trees=params["out_trees"],
            symbolic_zeros=params.get("symbolic_zeros", False))

    def get_bind_params(self, params: dict) -> tuple[list, dict]:
        closed: ClosedJaxpr = params["call_jaxpr"]
        fun = jaxpr_as_fun(closed)
        return [fun, params["fwd_jaxpr_thunk"], params["bwd"]], dict(
            out_trees=params["out_trees"], symbolic_zeros=params["symbolic_zeros"])


custom_jvp_call_p = CustomJVPCallPrimitive("custom_jvp_call")
custom_vjp_call_p = CustomVJPCallPrimitive("custom_vjp_call")


def _custom_call_abstract_eval(*in_avals: ShapedArray, call_jaxpr: ClosedJaxpr, **_: Any) -> list:
    return call_jaxpr.out_avals


custom_jvp_call_p.def_abstract_eval(_custom_call_abstract_eval)
custom_vjp_call_p.def_abstract_eval(_custom_call_abstract_eval)


def jaxpr_subcomputations(jaxpr: Jaxpr) -> Iterator[ClosedJaxpr | Jaxpr]:
    """Every jaxpr held in an equation's params (for walkers like lowering)."""
    for eqn in jaxpr.eqns:
        for v in eqn.params.values():
            if isinstance(v, (ClosedJaxpr, Jaxpr)):
                yield v
            elif isinstance(v, tuple):
                for e in v:
                    if isinstance(e, (ClosedJaxpr, Jaxpr)):
                        yield e
