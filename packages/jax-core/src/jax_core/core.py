"""The heart of the system: abstract values, primitives, traces and tracers.

A primitive's ``bind`` hands its arguments to the *current trace*.  With no
transformation active that is the :class:`EvalTrace`, which runs the
primitive's NumPy implementation.  Every transformation (jvp, vmap, staging
to a jaxpr) installs its own trace as the current one while the user's
function runs; its tracers remember their trace, and a trace treats any value
that is not one of its own tracers as a constant.  A trace computes on its
tracers' payloads with its *parent* trace current, which is how nested
transformations compose (the "stackless" design of modern JAX).
"""
from __future__ import annotations

import itertools
import operator
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.config import config

# --------------------------------------------------------------------------
# Errors


class JAXTypeError(TypeError):
    pass


class ConcretizationTypeError(JAXTypeError):
    """Python needed a concrete value from a traced (abstract) value."""


class TracerBoolConversionError(ConcretizationTypeError):
    pass


class TracerIntegerConversionError(ConcretizationTypeError):
    pass


class TracerArrayConversionError(JAXTypeError):
    pass


class UnexpectedTracerError(Exception):
    """A tracer was used outside the transformation that created it."""


def _concretization_message(tracer: "Tracer", context: str) -> str:
    return (
        f"Abstract tracer value encountered where concrete value is expected: "
        f"{tracer._short_repr()}\n{context}\n"
        f"The problem arose with the {tracer._trace.describe()}. "
        "Inside jit, vmap-ed code and control-flow bodies, values are abstract "
        "(only shape and dtype are known), so Python control flow on them cannot "
        "be decided while tracing.\n"
        "Fixes: use structured control flow (lax.cond, lax.switch, lax.while_loop, "
        "lax.fori_loop) or jnp.where instead of Python `if`/`while`; or, under "
        "jit, mark the argument static with static_argnums / static_argnames so "
        "that its concrete value is available."
    )


# --------------------------------------------------------------------------
# Abstract values


class ShapedArray:
    """The abstract value of an array: shape, dtype and weak-typedness."""

    __slots__ = ("shape", "dtype", "weak_type", "_hash")
    array_abstraction_level = 1

    def __init__(self, shape: Sequence[int], dtype: Any, weak_type: bool = False):
        self.shape = shape if type(shape) is tuple else tuple(shape)
        self.dtype = dtype if type(dtype) is np.dtype or isinstance(dtype, np.dtype) else np.dtype(dtype)
        self.weak_type = bool(weak_type)
        self._hash: int | None = None

    @classmethod
    def _fast(cls, shape: tuple, dtype: np.dtype, weak_type: bool) -> "ShapedArray":
        """Constructor for the eager hot path: arguments already normalized."""
        self = object.__new__(cls)
        self.shape = shape
        self.dtype = dtype
        self.weak_type = weak_type
        self._hash = None
        return self

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is ShapedArray
            and self.shape == other.shape  # type: ignore[attr-defined]
            and self.dtype == other.dtype  # type: ignore[attr-defined]
            and self.weak_type == other.weak_type  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash((self.shape, self.dtype, self.weak_type))
        return h

    def update(self, shape: Any = None, dtype: Any = None, weak_type: Any = None) -> "ShapedArray":
        return ShapedArray(
            self.shape if shape is None else shape,
            self.dtype if dtype is None else dtype,
            self.weak_type if weak_type is None else weak_type,
        )

    def strip_weak_type(self) -> "ShapedArray":
        return self if not self.weak_type else ShapedArray(self.shape, self.dtype, False)

    def str_short(self, short_dtypes: bool = True) -> str:
        dt = short_dtype_name(self.dtype) if short_dtypes else self.dtype.name
        return f"{dt}[{','.join(str(d) for d in self.shape)}]"

    def __repr__(self) -> str:
        w = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.dtype.name}[{','.join(map(str, self.shape))}]{w})"

    __str__ = __repr__


_short_names = {
    "float16": "f16", "float32": "f32", "float64": "f64", "bfloat16": "bf16",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "bool": "bool", "complex64": "c64", "complex128": "c128",
}


def short_dtype_name(dtype: np.dtype) -> str:
    if dtype == dtypes.float0:
        return "float0"
    return _short_names.get(dtype.name, dtype.name)


_python_scalar_types = (bool, int, float, complex)
_weak_scalar_types = (int, float, complex)  # Python bools are strongly typed in JAX


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of any array-like: Tracer, Array, NumPy value or scalar."""
    if type(x) is Array:
        return x._aval
    if isinstance(x, Tracer):
        return x.aval
    if isinstance(x, (np.ndarray, np.generic)):
        return ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), False)
    if isinstance(x, _python_scalar_types):
        return ShapedArray((), dtypes.dtype(x), dtypes.is_weakly_typed(x))
    raise TypeError(
        f"Value {x!r} of type {type(x).__name__} is not a valid JAX type; "
        "expected an array, a NumPy value or a Python scalar."
    )


def is_arraylike(x: Any) -> bool:
    return isinstance(x, (Tracer, np.ndarray, np.generic) + _python_scalar_types) or hasattr(
        x, "_aval"
    )


# --------------------------------------------------------------------------
# Primitives


class Primitive:
    """A named operation with a NumPy implementation and a shape/dtype rule.

    Interpreter packages keep their own rule tables keyed by primitive
    (``jax_ad.jvp_rules[add_p]``...); the primitive itself only knows how to
    run eagerly (``impl``) and how to compute its output abstract values
    (``abstract_eval``).
    """

    multiple_results = False

    def __init__(self, name: str):
        self.name = name
        self.impl: Callable[..., Any] | None = None
        self.abstract_eval: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        return self.name

    def bind(self, *args: Any, **params: Any) -> Any:
        return trace_state.trace.process_primitive(self, args, params)

    def bind_with_trace(self, trace: "Trace", args: Sequence[Any], params: dict) -> Any:
        with set_current_trace(trace):
            return trace.process_primitive(self, args, params)

    def def_impl(self, impl: Callable[..., Any]) -> Callable[..., Any]:
        self.impl = impl
        return impl

    def def_abstract_eval(self, rule: Callable[..., Any]) -> Callable[..., Any]:
        self.abstract_eval = rule
        return rule

    def get_bind_params(self, params: dict) -> tuple[list, dict]:
        """For primitives whose jaxpr params hold sub-functions (custom_jvp...)."""
        return [], params


# --------------------------------------------------------------------------
# Traces


class TraceState:
    __slots__ = ("trace",)

    def __init__(self) -> None:
        self.trace: Trace = EvalTrace()


_trace_counter = itertools.count()


class Trace:
    """Base class of all interpreters.

    ``parent_trace`` is the trace that was current when this one began: a
    trace evaluates its rules with the parent current, so its outputs are
    tracers of the parent (or concrete values under the EvalTrace).
    """

    is_valid = True

    def __init__(self, parent_trace: "Trace | None" = None) -> None:
        self.parent_trace = parent_trace if parent_trace is not None else trace_state.trace
        self.level = next(_trace_counter)
        self.is_valid = True

    def describe(self) -> str:
        return type(self).__name__

    def invalidate(self) -> None:
        self.is_valid = False

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        raise NotImplementedError

    def process_custom_jvp_call(
        self, prim: Primitive, fun: Callable, jvp: Callable, args: Sequence[Any], *, symbolic_zeros: bool
    ) -> Any:
        """``fun``/``jvp`` take and return flat lists.  Default: drop the rule."""
        del prim, jvp, symbolic_zeros
        return fun(*args)

    def process_custom_vjp_call(
        self, prim: Primitive, fun: Callable, fwd: Callable, bwd: Callable, args: Sequence[Any],
        *, out_trees: Callable, symbolic_zeros: bool
    ) -> Any:
        del prim, fwd, bwd, out_trees, symbolic_zeros
        return fun(*args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(level={self.level})"


def check_tracer_valid(x: "Tracer") -> None:
    if not x._trace.is_valid:
        raise UnexpectedTracerError(
            f"Encountered an unexpected tracer: {x._short_repr()}, created by the "
            f"{x._trace.describe()}, which has already finished. A tracer from "
            "inside a transformed function (jit, grad, vmap, a control-flow "
            "body...) escaped, e.g. by being stored in a global, a closure or an "
            "object attribute, and was used after the transformation returned. "
            "Return the value from the transformed function instead."
        )


class EvalTrace(Trace):
    """Runs primitives eagerly: NumPy on host buffers, or the device hook."""

    def __init__(self) -> None:
        self.parent_trace = None  # type: ignore[assignment]
        self.level = -1
        self.is_valid = True

    def describe(self) -> str:
        return "eager evaluation"

    def process_primitive(self, primitive: Primitive, args: Sequence[Any], params: dict) -> Any:
        vals = []
        on_device = False
        for a in args:
            if type(a) is Array:
                if a._device_buf is not None:
                    on_device = True
                vals.append(a)
            elif isinstance(a, Tracer):
                check_tracer_valid(a)
                raise UnexpectedTracerError(
                    f"Tracer {a._short_repr()} of the {a._trace.describe()} reached "
                    f"eager evaluation of {primitive.name}; it escaped its transformation."
                )
            else:
                vals.append(a)
        if on_device and device_hooks.execute_primitive is not None:
            return device_hooks.execute_primitive(primitive, vals, params)
        return eager_apply(primitive, vals, params)


_eager_aval_cache: dict = {}


def eager_apply(primitive: Primitive, vals: Sequence[Any], params: dict) -> Any:
    """Run ``primitive`` on host values with its NumPy implementation."""
    npvals = []
    sig = []
    for v in vals:
        if type(v) is Array:
            x = v._value
            weak = v.weak_type
        else:
            x = to_numpy(v)
            weak = type(v) in _weak_scalar_types
        npvals.append(x)
        sig.append((x.shape, x.dtype, weak))
    # The shape/dtype rule is pure in (avals, params, tracing flags): remember it per
    # signature, so a repeated eager op pays a dict lookup instead of the rule.
    try:
        key: Any = (primitive, tuple(sig), tuple(params.items()), config.trace_context())
        out_aval = _eager_aval_cache.get(key)
    except TypeError:  # unhashable params: no caching
        key, out_aval = None, None
    if out_aval is None:
        out_aval = primitive.abstract_eval(*[ShapedArray._fast(*s) for s in sig], **params)  # type: ignore[misc]
        if key is not None:
            if len(_eager_aval_cache) >= 8192:
                _eager_aval_cache.clear()
            _eager_aval_cache[key] = out_aval
    impl = primitive.impl
    if impl is None:
        raise NotImplementedError(f"primitive {primitive.name!r} has no eager (NumPy) implementation")
    out = impl(*npvals, **params)
    if primitive.multiple_results:
        return [_wrap(o, a) for o, a in zip(out, out_aval)]
    return _wrap(out, out_aval)


def _wrap(value: Any, aval: ShapedArray) -> "Array":
    if type(value) is Array:
        return value
    if isinstance(value, Tracer):
        return value  # type: ignore[return-value]  # impls built from other primitives
    if not isinstance(value, np.ndarray) or value.dtype != aval.dtype:
        value = np.asarray(value, dtype=aval.dtype)
    return Array._from_numpy(value, aval.weak_type)


def to_numpy(x: Any) -> Any:
    """The host value of an Array / NumPy value / Python scalar, canonicalized."""
    if type(x) is Array:
        return x._value
    if isinstance(x, np.ndarray):
        dt = dtypes.canonicalize_dtype(x.dtype)
        return x if dt == x.dtype else x.astype(dt)
    if isinstance(x, np.generic):
        return np.asarray(x, dtypes.canonicalize_dtype(x.dtype))
    if isinstance(x, _python_scalar_types):
        return np.asarray(x, dtypes.dtype(x))
    if isinstance(x, Tracer):
        raise TracerArrayConversionError(
            f"The numpy.ndarray conversion method __array__() was called on {x._short_repr()}"
        )
    return np.asarray(x)


class DeviceHooks:
    """Filled by jax-xla: how eager primitives run on device buffers."""

    execute_primitive: Callable[[Primitive, Sequence[Any], dict], Any] | None = None
    to_host: Callable[[Any], np.ndarray] | None = None
    default_device_put: Callable[[np.ndarray, bool], Any] | None = None


device_hooks = DeviceHooks()


class TransformHooks:
    """Filled by sibling packages so others can use them without importing them.

    ``vmap`` is set by jax-batching (jax-ad's jacfwd/jacrev vectorize with it
    when present and loop otherwise).
    """

    vmap: Callable[..., Any] | None = None


transform_hooks = TransformHooks()


# --------------------------------------------------------------------------
# Named axes: the ``axis_name`` of each vmap (and pmap) whose function is
# running, innermost last.  Collective wrappers (psum, all_gather, ...) look
# sizes up here when they bind; the interpreter that pushed a frame handles
# the collectives over its name.


class AxisEnvFrame:
    __slots__ = ("name", "size", "owner")

    def __init__(self, name: Any, size: int, owner: Any = None) -> None:
        self.name = name
        self.size = int(size)
        self.owner = owner  # e.g. "vmap" / "pmap", or the data of the trace that pushed it

    def __repr__(self) -> str:
        return f"AxisEnvFrame(name={self.name!r}, size={self.size})"


axis_env: list[AxisEnvFrame] = []


@contextmanager
def extend_axis_env(name: Any, size: int, owner: Any = None) -> Iterator[AxisEnvFrame]:
    frame = AxisEnvFrame(name, size, owner)
    axis_env.append(frame)
    try:
        yield frame
    finally:
        axis_env.remove(frame)


def lookup_axis(name: Any) -> AxisEnvFrame:
    """The innermost bound axis called ``name``; NameError if there is none."""
    for frame in reversed(axis_env):
        if frame.name is not None and frame.name == name:
            return frame
    bound = [f.name for f in axis_env if f.name is not None]
    raise NameError(f"unbound axis name: {name}. The following axis names (e.g. defined by pmap or "
                    f"vmap's axis_name) are available to collective operations: {bound}")


def axis_size(name: Any) -> int:
    return lookup_axis(name).size


trace_state = TraceState()
eval_trace = trace_state.trace


def current_trace() -> Trace:
    return trace_state.trace


@contextmanager
def set_current_trace(trace: Trace) -> Iterator[None]:
    prev = trace_state.trace
    trace_state.trace = trace
    try:
        yield
    finally:
        trace_state.trace = prev


@contextmanager
def new_trace(trace: Trace) -> Iterator[Trace]:
    """Make ``trace`` current for a transformation, and invalidate it after."""
    prev = trace_state.trace
    trace_state.trace = trace
    try:
        yield trace
    finally:
        trace_state.trace = prev
        trace.invalidate()


# --------------------------------------------------------------------------
# Tracers


class Tracer:
    """A value flowing through a transformation.  Subclasses set ``aval``."""

    __slots__ = ("_trace", "__weakref__")
    __array_priority__ = 1000
    __hash__ = None  # type: ignore[assignment]  # unhashable, like JAX arrays

    def __init__(self, trace: Trace):
        self._trace = trace

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    def to_concrete_value(self) -> Any:
        """The concrete value, if this trace knows it (jvp of eager code); else None."""
        return None

    # metadata
    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    @property
    def size(self) -> int:
        return self.aval.size

    @property
    def weak_type(self) -> bool:
        return self.aval.weak_type

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))  # type: ignore[index]

    def _short_repr(self) -> str:
        return f"{type(self).__name__}<{self.aval.str_short()}>"

    def __repr__(self) -> str:
        return f"Traced<{self.aval.str_short()}>with<{type(self._trace).__name__}>"

    def _concrete(self, context: str, err: type = ConcretizationTypeError) -> Any:
        v = self.to_concrete_value()
        if v is None:
            raise err(_concretization_message(self, context))
        return v

    def __bool__(self) -> bool:
        return bool(self._concrete(
            "The truth value of a traced array was requested (Python `if`, `while`, "
            "`and`/`or`, or bool()).", TracerBoolConversionError))

    def __int__(self) -> int:
        return int(self._concrete("int() was called on a traced array.", TracerIntegerConversionError))

    def __float__(self) -> float:
        return float(self._concrete("float() was called on a traced array."))

    def __complex__(self) -> complex:
        return complex(self._concrete("complex() was called on a traced array."))

    def __index__(self) -> int:
        return operator.index(self._concrete(
            "The traced array was used as a Python index (__index__).", TracerIntegerConversionError))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        v = self.to_concrete_value()
        if v is None:
            raise TracerArrayConversionError(
                f"The numpy.ndarray conversion method __array__() was called on "
                f"{self._short_repr()} of the {self._trace.describe()}. A traced value "
                "cannot be turned into a NumPy array: use jax.numpy / lax functions "
                "on it instead of NumPy functions."
            )
        return np.asarray(v, dtype=dtype)


# --------------------------------------------------------------------------
# The public array type


class Array:
    """A concrete array: a host NumPy buffer, or a device buffer from jax-xla.

    Immutable and unhashable, like JAX's arrays.  ``_value`` is the host
    buffer (materialized from the device on first use).
    """

    __slots__ = ("_npy", "_device_buf", "weak_type", "__weakref__")
    __array_priority__ = 100
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, value: Any, dtype: Any = None, weak_type: bool = False):
        if isinstance(value, Array):
            value = value._value
        arr = np.asarray(value, dtype=dtype)
        dt = dtypes.canonicalize_dtype(arr.dtype)
        if dt != arr.dtype:
            arr = arr.astype(dt)
        self._npy: np.ndarray | None = arr
        self._device_buf: Any = None
        self.weak_type = weak_type

    @classmethod
    def _from_numpy(cls, value: Any, weak_type: bool = False) -> "Array":
        self = object.__new__(cls)
        self._npy = value
        self._device_buf = None
        self.weak_type = weak_type
        return self

    @classmethod
    def _from_device(cls, buf: Any, weak_type: bool = False) -> "Array":
        self = object.__new__(cls)
        self._npy = None
        self._device_buf = buf
        self.weak_type = weak_type
        return self

    @property
    def _value(self) -> np.ndarray:
        v = self._npy
        if v is None:
            assert device_hooks.to_host is not None
            v = self._npy = device_hooks.to_host(self._device_buf)
        return v

    @property
    def _aval(self) -> ShapedArray:
        v = self._npy if self._npy is not None else self._device_buf
        return ShapedArray._fast(tuple(v.shape), np.dtype(v.dtype), self.weak_type)

    aval = _aval

    @property
    def shape(self) -> tuple[int, ...]:
        v = self._npy if self._npy is not None else self._device_buf
        return tuple(v.shape)  # type: ignore[union-attr]

    @property
    def dtype(self) -> np.dtype:
        v = self._npy if self._npy is not None else self._device_buf
        return np.dtype(v.dtype)  # type: ignore[union-attr]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        v = self._value
        if type(v) is not np.ndarray:  # NumPy scalars from 0-d fast paths
            v = np.asarray(v)
        if dtype is not None and np.dtype(dtype) != v.dtype:
            return v.astype(dtype)
        if copy:
            return v.copy()
        return v

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self) -> Iterator["Array"]:
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        v = self._value
        return (Array._from_numpy(np.asarray(v[i]), self.weak_type) for i in range(v.shape[0]))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __complex__(self) -> complex:
        return complex(self._value)

    def __index__(self) -> int:
        return operator.index(self._value)

    def item(self, *args: Any) -> Any:
        return self._value.item(*args)

    def tolist(self) -> Any:
        return self._value.tolist()

    def to_concrete_value(self) -> np.ndarray:
        return self._value

    def block_until_ready(self) -> "Array":
        if self._device_buf is not None and hasattr(self._device_buf, "block_until_ready"):
            self._device_buf.block_until_ready()
        return self

    def copy(self) -> "Array":
        return Array._from_numpy(self._value.copy(), self.weak_type)

    def __copy__(self) -> "Array":
        return self.copy()

    def __deepcopy__(self, memo: Any) -> "Array":
        return self.copy()

    def __reduce__(self) -> Any:
        return (_rebuild_array, (self._value, self.weak_type))

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return format(self._value.item(), spec)
        return format(self._value, spec)

    def __repr__(self) -> str:
        v = self._value
        dt = self.dtype
        prefix = "Array("
        if v.size == 0 and v.shape != (0,):
            body = f"[], shape={v.shape}"
        else:
            body = np.array2string(v, separator=", ", prefix=prefix, threshold=1000)
        extra = ", weak_type=True" if self.weak_type else ""
        return f"{prefix}{body}, dtype={dt.name}{extra})"

    def __str__(self) -> str:
        return str(self._value)


def _rebuild_array(value: np.ndarray, weak_type: bool) -> Array:
    return Array._from_numpy(value, weak_type)


DeviceArray = Array


def concrete_or_error(x: Any, context: str = "") -> Any:
    """The concrete value behind ``x``, or a ConcretizationTypeError."""
    if isinstance(x, Tracer):
        return x._concrete(context)
    if type(x) is Array:
        return x._value
    return x


def is_concrete(x: Any) -> bool:
    return not isinstance(x, Tracer) or x.to_concrete_value() is not None


def full_lower(x: Any) -> Any:
    return x


def valid_jaxtype(x: Any) -> bool:
    try:
        get_aval(x)
    except TypeError:
        return False
    return True
