"""The batching interpreter: BatchTrace, BatchTracer, rule tables and helpers.

A :class:`BatchTracer` stands for a whole batch of values: its ``val`` is an
array of the parent trace with one extra axis, ``batch_dim``, along which the
members of the batch are stacked.  The :class:`BatchTrace` asks each
primitive's *batching rule* how to compute the batched result from batched
operands.  A rule receives the operands' values and batch dims (``None`` =
:data:`not_mapped`, the value is the same for every member) and returns the
output value(s) and batch dim(s).  Rules run with the parent trace current,
so the primitives they bind are processed by the parent (eager NumPy, a jaxpr
being staged, a JVP...).

Rules put the batch dim wherever it costs least (usually where the operand
already has it) and move it only when the primitive needs it elsewhere.

Two tables:

* :data:`batching_rules` -- ``rule(vals, dims, **params) -> (out, out_dim)``;
  only consulted when at least one operand is mapped (otherwise the
  primitive is simply bound at the parent).
* :data:`axis_batching_rules` -- ``rule(axis_data, vals, dims, **params)``;
  always consulted, even when nothing is mapped.  For primitives that need
  to know the mapped axis: collectives (``psum(x, 'i')`` sums over the batch
  of the ``vmap`` named ``'i'``), and primitives holding sub-jaxprs (which
  may contain such collectives).

Rules may also be registered by primitive *name* (:func:`register_rule`),
so that primitives defined after this module (or outside ``jax_core.lax``,
e.g. by a sibling package we may not import) find their rule on first use.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from contextlib import contextmanager

import numpy as np

from jax_core import core
from jax_core.core import Primitive, ShapedArray, Trace, Tracer, get_aval, set_current_trace

# --------------------------------------------------------------------------
# The "not mapped" marker and the description of a mapped axis

not_mapped = None
NotMapped = type(None)


class AxisData:
    """What a vmap maps over: its name (or None), size and spmd axis name."""

    __slots__ = ("name", "size", "spmd_name")

    def __init__(self, name: Any, size: int, spmd_name: Any = None) -> None:
        self.name = name
        self.size = int(size)
        self.spmd_name = spmd_name

    def __repr__(self) -> str:
        return f"AxisData(name={self.name!r}, size={self.size}, spmd_name={self.spmd_name!r})"


# Named axes live in jax-core's axis environment (``core.axis_env``), shared
# with pmap and the collective wrappers, which look sizes up there.


@contextmanager
def extend_axis_env(axis_data: AxisData) -> Iterator[None]:
    if axis_data.name is None:
        yield
        return
    with core.extend_axis_env(axis_data.name, axis_data.size, axis_data):
        yield


def axis_env() -> list[AxisData]:
    """The named vmap axes currently bound, outermost first."""
    return [f.owner for f in core.axis_env if isinstance(f.owner, AxisData)]


# --------------------------------------------------------------------------
# Tracers and the trace


class BatchTracer(Tracer):
    __slots__ = ("val", "batch_dim")

    def __init__(self, trace: "BatchTrace", val: Any, batch_dim: int | None):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim

    @property
    def aval(self) -> ShapedArray:
        a = get_aval(self.val)
        bd = self.batch_dim
        if bd is None:
            return a
        shape = a.shape
        return ShapedArray(shape[:bd] + shape[bd + 1:], a.dtype, a.weak_type)

    def to_concrete_value(self) -> Any:
        return None  # a batch of values has no single concrete value

    def _short_repr(self) -> str:
        return f"BatchTracer<{self.aval.str_short()}>"

    def __repr__(self) -> str:
        return f"BatchTracer(val={self.val!r}, batch_dim={self.batch_dim})"


class BatchTrace(Trace):
    """Interprets primitives on batches of values (see the module docstring)."""

    def __init__(self, parent_trace: Trace | None, axis_data: AxisData) -> None:
        super().__init__(parent_trace)
        self.axis_data = axis_data

    def describe(self) -> str:
        name = "" if self.axis_data.name is None else f" named {self.axis_data.name!r}"
        return f"vmap{name} over an axis of size {self.axis_data.size}"

    # -- entering and leaving the trace

    def to_batch_info(self, x: Any) -> tuple[Any, int | None]:
        if isinstance(x, BatchTracer) and x._trace is self:
            return x.val, x.batch_dim
        return x, None

    def wrap(self, val: Any, dim: int | None) -> Any:
        return val if dim is None else BatchTracer(self, val, dim)

    # -- primitives

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        vals = []
        dims: list[int | None] = []
        any_mapped = False
        for a in args:
            if isinstance(a, BatchTracer) and a._trace is self:
                vals.append(a.val)
                dims.append(a.batch_dim)
                if a.batch_dim is not None:
                    any_mapped = True
            else:
                vals.append(a)
                dims.append(None)
        axis_rule = axis_batching_rules.get(primitive)
        if axis_rule is None and primitive not in batching_rules:
            _resolve_rule(primitive)
            axis_rule = axis_batching_rules.get(primitive)
        parent = self.parent_trace
        if axis_rule is not None:
            with set_current_trace(parent):
                out, out_dim = axis_rule(self.axis_data, vals, dims, **params)
        elif not any_mapped:
            with set_current_trace(parent):
                return primitive.bind(*vals, **params)
        else:
            rule = batching_rules.get(primitive)
            if rule is None:
                raise NotImplementedError(f"no batching rule for {primitive.name!r}")
            with set_current_trace(parent):
                out, out_dim = rule(vals, dims, **params)
        if primitive.multiple_results:
            return [o if d is None else BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return out if out_dim is None else BatchTracer(self, out, out_dim)

    # -- custom derivatives: batch the function and its rules, keep them custom

    def process_custom_jvp_call(self, prim: Primitive, fun: Callable, jvp: Callable, args: Sequence[Any], *,
                                symbolic_zeros: bool) -> Any:
        vals, dims = _unzip_batch_info(self, args)
        parent = self.parent_trace
        if all(d is None for d in dims):
            with set_current_trace(parent):
                return prim.bind(fun, jvp, *vals, symbolic_zeros=symbolic_zeros)
        ad = self.axis_data
        fun_b = batch_subtrace(fun, ad, dims)
        jvp_b = batch_subtrace(jvp, ad, list(dims) * 2)
        with set_current_trace(parent):
            outs = prim.bind(fun_b, jvp_b, *vals, symbolic_zeros=symbolic_zeros)
        return [BatchTracer(self, o, 0) for o in outs]

    def process_custom_vjp_call(self, prim: Primitive, fun: Callable, fwd: Callable, bwd: Callable,
                                args: Sequence[Any], *, out_trees: Callable, symbolic_zeros: bool) -> Any:
        vals, dims = _unzip_batch_info(self, args)
        parent = self.parent_trace
        if all(d is None for d in dims):
            with set_current_trace(parent):
                return prim.bind(fun, fwd, bwd, *vals, out_trees=out_trees, symbolic_zeros=symbolic_zeros)
        ad = self.axis_data
        fun_b = batch_subtrace(fun, ad, dims)
        fwd_b = batch_subtrace(fwd, ad, dims)
        bwd_b = _batch_custom_vjp_bwd(bwd, ad, dims)
        with set_current_trace(parent):
            outs = prim.bind(fun_b, fwd_b, bwd_b, *vals, out_trees=out_trees, symbolic_zeros=symbolic_zeros)
        return [BatchTracer(self, o, 0) for o in outs]


def _unzip_batch_info(trace: BatchTrace, args: Sequence[Any]) -> tuple[list, list]:
    vals, dims = [], []
    for a in args:
        v, d = trace.to_batch_info(a)
        vals.append(v)
        dims.append(d)
    return vals, dims


_array_types = (Tracer, core.Array, np.ndarray, np.generic, bool, int, float, complex)


def _is_array_value(x: Any) -> bool:
    """Array-like, as opposed to markers (None, symbolic zeros) that rules pass along."""
    return isinstance(x, _array_types)


def batch_subtrace(fun: Callable, axis_data: AxisData, in_dims: Sequence[int | None]) -> Callable[..., list]:
    """``fun`` (flat values in, flat list out) lifted to batched values.

    The returned function takes values batched along ``in_dims`` (arguments
    beyond ``len(in_dims)`` and non-array arguments pass through unmapped),
    runs ``fun`` under a fresh BatchTrace over the trace current at call
    time, and returns every output batched along axis 0: custom-derivative
    rules need the outputs of ``fun``, of its JVP and of its forward pass to
    agree on where the batch lives, and axis 0 is the one choice that needs
    no bookkeeping.
    """

    def batched(*args: Any) -> list:
        trace = BatchTrace(core.current_trace(), axis_data)
        with core.new_trace(trace), extend_axis_env(axis_data):
            ins = []
            for i, a in enumerate(args):
                d = in_dims[i] if i < len(in_dims) else None
                ins.append(a if d is None or not _is_array_value(a) else BatchTracer(trace, a, d))
            outs = fun(*ins)
            with set_current_trace(trace.parent_trace):
                return [_to_dim0(trace, o) for o in outs]

    _copy_attributes(fun, batched)
    batched.__name__ = f"vmap({getattr(fun, '__name__', 'fun')})"
    return batched


def _copy_attributes(src: Callable, dst: Callable) -> None:
    """Keep markers other interpreters set on rule functions (e.g. jax-ad's ``zero_tangents``)."""
    try:
        dst.__dict__.update(getattr(src, "__dict__", {}))
    except (AttributeError, TypeError):  # pragma: no cover - builtins without __dict__
        pass


def _to_dim0(trace: BatchTrace, o: Any) -> Any:
    if not _is_array_value(o):
        return o
    v, d = trace.to_batch_info(o)
    return bdim_at_front(v, d, trace.axis_data.size)


def _batch_custom_vjp_bwd(bwd: Callable, axis_data: AxisData, in_dims: Sequence[int | None]) -> Callable[..., Any]:
    """The batched backward pass: residuals and cotangents come batched on axis 0
    (see :func:`batch_subtrace`); input cotangents go back to the primal
    inputs' batch dims, summed over the batch for unmapped inputs."""

    def batched(*args: Any) -> Any:
        trace = BatchTrace(core.current_trace(), axis_data)
        with core.new_trace(trace), extend_axis_env(axis_data):
            ins = [BatchTracer(trace, a, 0) if _is_array_value(a) else a for a in args]
            outs = bwd(*ins)
            with set_current_trace(trace.parent_trace):
                res = []
                for i, o in enumerate(outs):
                    if not _is_array_value(o):
                        res.append(o)
                        continue
                    v, d = trace.to_batch_info(o)
                    dst = in_dims[i] if i < len(in_dims) else None
                    res.append(matchaxis(v, d, dst, axis_data.size, sum_match=True))
                return type(outs)(res) if isinstance(outs, tuple) else res

    _copy_attributes(bwd, batched)
    return batched


# --------------------------------------------------------------------------
# Rule tables

BatchingRule = Callable[..., tuple[Any, Any]]

batching_rules: dict[Primitive, BatchingRule] = {}
axis_batching_rules: dict[Primitive, Callable[..., tuple[Any, Any]]] = {}

# Rules known by primitive name, made for the primitive object on first use:
# a factory takes the primitive and returns its rule.
RuleFactory = Callable[[Primitive], Callable[..., tuple[Any, Any]]]
_rule_factories: dict[str, RuleFactory] = {}
_axis_rule_factories: dict[str, RuleFactory] = {}


def _resolve_rule(prim: Primitive) -> None:
    factory = _axis_rule_factories.get(prim.name)
    if factory is not None:
        axis_batching_rules[prim] = factory(prim)
        return
    factory = _rule_factories.get(prim.name)
    if factory is not None:
        batching_rules[prim] = factory(prim)


def _all_core_primitives() -> dict[str, Primitive]:
    from jax_core.lax import all_primitives
    from jax_core import jaxpr as jaxpr_mod

    prims = dict(all_primitives)
    for p in (jaxpr_mod.pjit_p, jaxpr_mod.closed_call_p, jaxpr_mod.remat_p,
              jaxpr_mod.custom_jvp_call_p, jaxpr_mod.custom_vjp_call_p):
        prims.setdefault(p.name, p)
    return prims


def register_rule_factory(name: str, factory: RuleFactory) -> None:
    """Batching rule for the primitive called ``name`` (now, or when it first shows up)."""
    _rule_factories[name] = factory
    p = _all_core_primitives().get(name)
    if p is not None:
        batching_rules[p] = factory(p)


def register_rule(name: str, rule: BatchingRule) -> BatchingRule:
    register_rule_factory(name, lambda p: rule)
    return rule


def register_axis_rule_factory(name: str, factory: RuleFactory) -> None:
    """Axis-aware rule (see :data:`axis_batching_rules`) for the primitive called ``name``."""
    _axis_rule_factories[name] = factory
    p = _all_core_primitives().get(name)
    if p is not None:
        axis_batching_rules[p] = factory(p)


def register_axis_rule(name: str, rule: Callable[..., tuple[Any, Any]]) -> Callable[..., tuple[Any, Any]]:
    register_axis_rule_factory(name, lambda p: rule)
    return rule


def resolve_all() -> None:
    """Attach name-registered rules to every core primitive that exists now."""
    for p in _all_core_primitives().values():
        if p not in batching_rules and p not in axis_batching_rules:
            _resolve_rule(p)


# Primitives that never reach process_primitive: their bind calls a dedicated
# BatchTrace method (process_custom_jvp_call / process_custom_vjp_call).
handled_by_trace_methods = frozenset({"custom_jvp_call", "custom_vjp_call"})


def has_rule(prim: Primitive) -> bool:
    if prim.name in handled_by_trace_methods:
        return True
    if prim in batching_rules or prim in axis_batching_rules:
        return True
    return prim.name in _rule_factories or prim.name in _axis_rule_factories


def missing_rules() -> list[str]:
    """Names of core primitives without a batching rule."""
    return sorted(n for n, p in _all_core_primitives().items() if not has_rule(p))


# --------------------------------------------------------------------------
# Helpers used by the rules (they run with the parent trace current)


def ndim_of(x: Any) -> int:
    return get_aval(x).ndim


def shape_of(x: Any) -> tuple[int, ...]:
    return get_aval(x).shape


def canonicalize_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if axis < 0 else axis


def moveaxis(x: Any, src: int, dst: int) -> Any:
    from jax_core.lax import transpose

    nd = ndim_of(x)
    src = canonicalize_axis(src, nd)
    dst = canonicalize_axis(dst, nd)
    if src == dst:
        return x
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return transpose(x, tuple(perm))


def broadcast_dim(x: Any, size: int, dst: int) -> Any:
    """Insert a new axis of length ``size`` at ``dst`` (a broadcast, no copy in NumPy)."""
    from jax_core.lax import broadcast_in_dim

    shape = list(shape_of(x))
    nd = len(shape)
    shape.insert(dst, size)
    dims = tuple(i if i < dst else i + 1 for i in range(nd))
    return broadcast_in_dim(x, tuple(shape), dims)


def bdim_at_front(x: Any, bdim: int | None, size: int) -> Any:
    """``x`` with its batch dim at axis 0 (broadcast there if unmapped)."""
    if bdim is None:
        return broadcast_dim(x, size, 0)
    return moveaxis(x, bdim, 0)


def move_or_broadcast(x: Any, bdim: int | None, dst: int, size: int) -> Any:
    if bdim is None:
        return broadcast_dim(x, size, dst)
    return moveaxis(x, bdim, dst)


def matchaxis(x: Any, src: int | None, dst: int | None, size: int, sum_match: bool = False) -> Any:
    """Put ``x``'s batch dim ``src`` at ``dst`` (None: unmapped)."""
    if src == dst:
        return x
    if dst is None:
        if sum_match and src is not None:
            from jax_core.lax import reduce_sum

            return reduce_sum(x, (src,))
        raise ValueError(f"cannot make a value batched along axis {src} unbatched")
    if src is None:
        return broadcast_dim(x, size, dst)
    return moveaxis(x, src, dst)


def axis_size_of(vals: Sequence[Any], dims: Sequence[int | None]) -> int:
    for v, d in zip(vals, dims):
        if d is not None:
            return shape_of(v)[d]
    raise ValueError("no mapped operand")


def shift_axes(axes: Sequence[int], bdim: int) -> tuple[int, ...]:
    """Axes of the unbatched operand, renumbered for the batched one."""
    return tuple(a + 1 if a >= bdim else a for a in axes)


def out_dim_after_removing(bdim: int, removed: Sequence[int]) -> int:
    """Where batch dim ``bdim`` ends up once the (batched-numbering) ``removed`` axes go."""
    return bdim - sum(1 for a in removed if a < bdim)
