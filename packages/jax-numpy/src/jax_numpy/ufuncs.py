"""Elementwise functions (jax.numpy's "ufuncs") on lax, with NumPy broadcasting
and JAX's type promotion.

Hot functions take a NumPy fast path when called eagerly on host Arrays of a
dtype where NumPy provably computes exactly what the lax primitive does
(the primitive's implementation *is* that NumPy function); everything else
goes through lax and therefore works under every transformation.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Callable

import numpy as np

from jax_core import dtypes, lax
from jax_core import array_methods as _am
from jax_core.core import Array, Tracer, eval_trace, get_aval, trace_state
from jax_numpy import _util
from jax_numpy._util import (
    asarray as _asarray,
    check_arraylike,
    promote_args,
    promote_dtypes,
    promote_dtypes_inexact,
    promote_dtypes_numeric,
)

_fast_binary = _am._fast_binary

# dtypes whose NumPy ufunc results equal the lax primitive's (float16..complex128)
_INEXACT_FAST = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64,
                                                np.complex64, np.complex128))
_FLOAT_FAST = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_NUMERIC_FAST = _INEXACT_FAST | frozenset(np.dtype(t) for t in (
    np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64))
_INT_BOOL_FAST = frozenset(np.dtype(t) for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64))
_ANY_FAST = _NUMERIC_FAST | {np.dtype(np.bool_)}


# ---------------------------------------------------------------------------
# the ufunc object


class ufunc:
    """A jax.numpy universal function: callable, with reduce/accumulate/at/outer/reduceat."""

    def __init__(self, func: Callable[..., Any], /, nin: int, nout: int, *, name: str | None = None,
                 nargs: int | None = None, identity: Any = None,
                 reduce: Callable[..., Any] | None = None,
                 accumulate: Callable[..., Any] | None = None,
                 at: Callable[..., Any] | None = None) -> None:
        self._func = func
        self.nin = nin
        self.nout = nout
        self.nargs = nargs if nargs is not None else nin
        self.identity = identity
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self.__doc__ = getattr(func, "__doc__", None)
        self._reduce = reduce
        self._accumulate = accumulate
        self._at = at

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<jnp.ufunc '{self.__name__}'>"

    def __hash__(self) -> int:
        return hash((self.__name__, self.nin, self.nout))

    def __eq__(self, other: object) -> bool:
        return self is other

    # -- reduce --------------------------------------------------------------
    def reduce(self, a: Any, axis: Any = 0, dtype: Any = None, out: None = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"reduce only supported for binary ufuncs with one output; "
                             f"{self.__name__} has nin={self.nin}, nout={self.nout}")
        if out is not None:
            raise NotImplementedError(f"The 'out' argument to {self.__name__}.reduce is not supported.")
        check_arraylike(f"{self.__name__}.reduce", a)
        if self._reduce is not None:
            return self._reduce(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
                                where=where)
        return self._generic_reduce(a, axis, dtype, keepdims, initial, where)

    def _generic_reduce(self, a: Any, axis: Any, dtype: Any, keepdims: bool, initial: Any,
                        where: Any) -> Any:
        a = _asarray(a)
        if dtype is not None:
            a = lax.convert_element_type(a, _util.canonical_user_dtype(dtype, "reduce"))
        nd = _util.ndim(a)
        axes = _util.canonicalize_axes(axis, nd)
        if where is not None:
            if self.identity is None and initial is None:
                raise ValueError(f"reduction operation {self.__name__} does not have an identity, "
                                 "so to use a where mask one has to specify 'initial'")
            fill = self.identity if initial is None else initial
            a = _util.where_(where, a, lax.full_like(a, fill))
        out = a
        for ax in sorted(axes, reverse=True):
            n = get_aval(out).shape[ax]
            if n == 0:
                if initial is None and self.identity is None:
                    raise ValueError(f"zero-size array to reduction operation {self.__name__} which "
                                     "has no identity")
                fill = self.identity if initial is None else initial
                shape = tuple(s for i, s in enumerate(get_aval(out).shape) if i != ax)
                out = lax.full(shape, fill, get_aval(out).dtype)
                continue
            acc = _util.index_in_dim(out, 0, ax, keepdims=False)
            for i in range(1, n):
                acc = self._func(acc, _util.index_in_dim(out, i, ax, keepdims=False))
            out = acc
        if initial is not None:
            out = self._func(out, initial)
        if keepdims:
            out = lax.expand_dims(out, axes)
        return out

    # -- accumulate ------------------------------------------------------------
    def accumulate(self, a: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"accumulate only supported for binary ufuncs with one output; "
                             f"{self.__name__} has nin={self.nin}, nout={self.nout}")
        if out is not None:
            raise NotImplementedError(f"The 'out' argument to {self.__name__}.accumulate is not "
                                      "supported.")
        check_arraylike(f"{self.__name__}.accumulate", a)
        if self._accumulate is not None:
            return self._accumulate(a, axis=axis, dtype=dtype)
        a = _asarray(a)
        if dtype is not None:
            a = lax.convert_element_type(a, _util.canonical_user_dtype(dtype, "accumulate"))
        ax = _util.canonicalize_axis(axis, _util.ndim(a))
        n = get_aval(a).shape[ax]
        if n == 0:
            return a
        acc = _util.index_in_dim(a, 0, ax, keepdims=True)
        parts = [acc]
        for i in range(1, n):
            acc = self._func(acc, _util.index_in_dim(a, i, ax, keepdims=True))
            parts.append(acc)
        parts = promote_dtypes(*parts)
        return lax.concatenate(parts, ax)

    # -- at ----------------------------------------------------------------------
    def at(self, a: Any, indices: Any, b: Any = None, /, *, inplace: bool = True) -> Any:
        if inplace:
            raise NotImplementedError("jax.numpy.ufunc.at does not support inplace=True; JAX arrays "
                                      "are immutable: pass inplace=False and use the result")
        check_arraylike(f"{self.__name__}.at", a)
        a = _asarray(a)
        if self._at is not None and b is not None:
            return self._at(a, indices, b)
        vals = a[indices]
        new = self._func(vals) if b is None else self._func(vals, b)
        return a.at[indices].set(new)  # type: ignore[attr-defined]

    # -- outer ----------------------------------------------------------------------
    def outer(self, A: Any, B: Any, /, **kwargs: Any) -> Any:
        if self.nin != 2:
            raise ValueError(f"outer only supported for binary ufuncs; {self.__name__} has "
                             f"nin={self.nin}")
        check_arraylike(f"{self.__name__}.outer", A, B)
        A, B = _asarray(A), _asarray(B)
        sa, sb = get_aval(A).shape, get_aval(B).shape
        A = lax.reshape(A, sa + (1,) * len(sb))
        return self._func(A, B, **kwargs)

    # -- reduceat ----------------------------------------------------------------------
    def reduceat(self, a: Any, indices: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        if self.nin != 2 or self.nout != 1:
            raise ValueError("reduceat only supported for binary ufuncs with one output")
        check_arraylike(f"{self.__name__}.reduceat", a, indices)
        a = _asarray(a)
        idx = np.asarray(_util.concrete_or_error(
            indices, f"{self.__name__}.reduceat needs concrete indices"))
        ax = _util.canonicalize_axis(axis, _util.ndim(a))
        n = get_aval(a).shape[ax]
        parts = []
        for j in range(idx.shape[0]):
            lo = int(idx[j])
            hi = int(idx[j + 1]) if j + 1 < idx.shape[0] else n
            if lo < hi:
                seg = _util.slice_in_dim(a, lo, hi, 1, ax)
                r = self.reduce(seg, axis=ax, dtype=dtype, keepdims=True)
            else:
                r = _util.index_in_dim(a, lo, ax, keepdims=True)
                if dtype is not None:
                    r = lax.convert_element_type(r, _util.canonical_user_dtype(dtype, "reduceat"))
            parts.append(r)
        return lax.concatenate(promote_dtypes(*parts), ax)


def _make_ufunc(func: Callable[..., Any], nin: int, nout: int = 1, **kw: Any) -> ufunc:
    """A ufunc whose ``__call__`` is ``func`` itself (no extra Python frame)."""
    cls = type(f"_ufunc_{func.__name__}", (ufunc,), {"__call__": staticmethod(func),
                                                      "__module__": __name__})
    cls.__qualname__ = "ufunc"
    return cls(func, nin, nout, name=func.__name__, **kw)


# ---------------------------------------------------------------------------
# factories


def _wrap_out(v: Any, weak: bool) -> Array:
    if type(v) is not np.ndarray:
        v = np.asarray(v)
    return Array._from_numpy(v, weak)


_new = object.__new__


def _unary_inexact(name: str, lax_fn: Callable[[Any], Any], np_fn: Callable | None,
                   fast: frozenset = _INEXACT_FAST) -> Callable[[Any], Any]:
    """An elementwise function of one argument, promoted to inexact."""

    def fn(x: Any, /) -> Any:
        if np_fn is not None and type(x) is Array and trace_state.trace is eval_trace:
            v = x._npy
            if v is not None and x._device_buf is None and v.dtype in fast:
                out = np_fn(v)
                if type(out) is not np.ndarray:
                    out = np.asarray(out)
                r = _new(Array)
                r._npy = out
                r._device_buf = None
                r.weak_type = x.weak_type
                return r
        check_arraylike(name, x)
        (x,) = promote_dtypes_inexact(x)
        return lax_fn(x)

    fn.__name__ = fn.__qualname__ = name
    return fn


def _binary(name: str, general: Callable[[Any, Any], Any], np_fn: Callable | None,
            fast: frozenset = _NUMERIC_FAST, bool_out: bool = False) -> Callable[[Any, Any], Any]:
    """An elementwise function of two arguments with an exact NumPy fast path.

    The fast path applies to host Arrays of one dtype outside any
    transformation: the lax primitive's implementation is the same NumPy
    ufunc, so the result is bit-identical to the general path.
    """

    def fn(x: Any, y: Any, /) -> Any:
        if np_fn is not None and type(x) is Array and trace_state.trace is eval_trace:
            xv = x._npy
            if type(y) is Array:
                yv = y._npy
                if xv is not None and yv is not None and x._device_buf is None and y._device_buf is None:
                    xd = xv.dtype
                    if (xd is yv.dtype or xd == yv.dtype) and xd in fast:
                        try:
                            out = np_fn(xv, yv)
                        except ValueError:  # shapes do not broadcast: the general path says so
                            out = None
                        if out is not None:
                            if type(out) is not np.ndarray:
                                out = np.asarray(out)
                            r = _new(Array)
                            r._npy = out
                            r._device_buf = None
                            r.weak_type = False if bool_out else (x.weak_type and y.weak_type)
                            return r
            elif xv is not None and xv.dtype in fast:
                r = _fast_binary(np_fn, x, y, bool_out)
                if r is not None:
                    if type(r._npy) is not np.ndarray:
                        r._npy = np.asarray(r._npy)
                    return r
        check_arraylike(name, x, y)
        return general(x, y)

    fn.__name__ = fn.__qualname__ = name
    return fn


def _broadcastable(s1: tuple, s2: tuple) -> bool:
    for a, b in zip(reversed(s1), reversed(s2)):
        if a != b and a != 1 and b != 1:
            return False
    return True


def _promoted(lax_fn: Callable[[Any, Any], Any], name: str) -> Callable[[Any, Any], Any]:
    def general(x: Any, y: Any) -> Any:
        x, y = promote_args(name, x, y)
        return lax_fn(x, y)

    return general


def _promoted_inexact(lax_fn: Callable[[Any, Any], Any], name: str) -> Callable[[Any, Any], Any]:
    def general(x: Any, y: Any) -> Any:
        x, y = promote_dtypes_inexact(x, y)
        x, y = _util.broadcast_arrays(name, x, y)
        return lax_fn(x, y)

    return general


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _const(x: Any, value: Any) -> Any:
    """``value`` as an array like ``x`` (same shape, dtype and weak type)."""
    return lax.full_like(x, value)


# ---------------------------------------------------------------------------
# arithmetic


def _add_general(x: Any, y: Any) -> Any:
    x, y = promote_args("add", x, y)
    if _dt(x) == np.bool_:
        return lax.bitwise_or(x, y)
    return lax.add(x, y)


def _multiply_general(x: Any, y: Any) -> Any:
    x, y = promote_args("multiply", x, y)
    if _dt(x) == np.bool_:
        return lax.bitwise_and(x, y)
    return lax.mul(x, y)


def _subtract_general(x: Any, y: Any) -> Any:
    x, y = promote_args("subtract", x, y)
    if _dt(x) == np.bool_:
        raise TypeError("subtract does not accept dtype bool; use logical_xor or bitwise_xor "
                        "for booleans")
    return lax.sub(x, y)


def _maximum_general(x: Any, y: Any) -> Any:
    x, y = promote_args("maximum", x, y)
    return lax.max(x, y)


def _minimum_general(x: Any, y: Any) -> Any:
    x, y = promote_args("minimum", x, y)
    return lax.min(x, y)


_add_fn = _binary("add", _add_general, np.add, _ANY_FAST)
_subtract_fn = _binary("subtract", _subtract_general, np.subtract, _NUMERIC_FAST)
_multiply_fn = _binary("multiply", _multiply_general, np.multiply, _ANY_FAST)
_maximum_fn = _binary("maximum", _maximum_general, np.maximum, _ANY_FAST)
_minimum_fn = _binary("minimum", _minimum_general, np.minimum, _ANY_FAST)


def _true_divide(x: Any, y: Any) -> Any:
    return _am.true_divide(x, y)


true_divide = _binary("true_divide", _true_divide, np.true_divide, _INEXACT_FAST)
divide = _binary("divide", _true_divide, np.true_divide, _INEXACT_FAST)


def floor_divide(x1: Any, x2: Any, /) -> Any:
    check_arraylike("floor_divide", x1, x2)
    x1, x2 = promote_args("floor_divide", x1, x2)
    d = _dt(x1)
    if d == np.bool_:
        raise TypeError("floor_divide does not accept dtype bool")
    if d.kind == "c":
        raise TypeError("floor_divide does not support complex-valued inputs")
    if d.kind in "iu":
        return _am.floor_divide(x1, x2)
    return _float_divmod(x1, x2)[0]


def _float_divmod(x1: Any, x2: Any) -> tuple:
    """Python-style divmod for floats: x1 == div * x2 + mod, mod with the sign of x2."""
    mod = lax.rem(x1, x2)
    div = lax.div(lax.sub(x1, mod), x2)
    zero = _const(mod, 0)
    fix = lax.bitwise_and(lax.ne(mod, zero), lax.ne(lax.lt(x2, zero), lax.lt(mod, zero)))
    mod = lax.select(fix, lax.add(mod, x2), mod)
    div = lax.select(fix, lax.sub(div, _const(div, 1)), div)
    # the quotient is integral up to rounding: snap it, as NumPy does
    fl = lax.floor(div)
    fl = lax.select(lax.gt(lax.sub(div, fl), _const(div, 0.5)), lax.add(fl, _const(fl, 1)), fl)
    fl = lax.select(lax.eq(div, zero), lax.mul(lax.div(x1, x2), zero), fl)
    return fl, mod


def remainder(x1: Any, x2: Any, /) -> Any:
    check_arraylike("remainder", x1, x2)
    x1, x2 = promote_args("remainder", x1, x2)
    d = _dt(x1)
    if d == np.bool_:
        raise TypeError("remainder does not accept dtype bool")
    if d.kind == "c":
        raise TypeError("remainder does not support complex-valued inputs")
    if d.kind in "iu":
        return _am.remainder(x1, x2)
    return _float_divmod(x1, x2)[1]


mod = remainder


def divmod(x1: Any, x2: Any, /) -> tuple:  # noqa: A001
    check_arraylike("divmod", x1, x2)
    x1, x2 = promote_args("divmod", x1, x2)
    if _dt(x1).kind in "iu":
        return _am.floor_divide(x1, x2), _am.remainder(x1, x2)
    return _float_divmod(x1, x2)


def fmod(x1: Any, x2: Any, /) -> Any:
    check_arraylike("fmod", x1, x2)
    x1, x2 = promote_args("fmod", x1, x2)
    if _dt(x1) == np.bool_:
        raise TypeError("fmod does not accept dtype bool")
    if _dt(x1).kind in "iu":
        # C semantics; avoid the hardware trap on division by zero
        safe = lax.select(lax.eq(x2, _const(x2, 0)), _const(x2, 1), x2)
        return lax.select(lax.eq(x2, _const(x2, 0)), _const(x1, 0), lax.rem(x1, safe))
    return lax.rem(x1, x2)


def power(x1: Any, x2: Any, /) -> Any:
    check_arraylike("power", x1, x2)
    if type(x2) is int and not isinstance(x1, (int, float, complex, bool)):
        x1 = _asarray(x1)
        if _dt(x1).kind in "iub" and x2 < 0:
            raise ValueError("Integers to negative integer powers are not allowed.")
        if _dt(x1) == np.bool_:
            x1 = lax.convert_element_type(x1, dtypes.default_int_dtype())
        return lax.integer_pow(x1, x2)
    x1, x2 = promote_args("power", x1, x2)
    d = _dt(x1)
    if d == np.bool_:
        x1 = lax.convert_element_type(x1, dtypes.default_int_dtype())
        x2 = lax.convert_element_type(x2, dtypes.default_int_dtype())
        d = _dt(x1)
    if d.kind in "iu":
        v = _util.concrete_value(x2)
        if v is not None and np.any(np.asarray(v) < 0):
            raise ValueError("Integers to negative integer powers are not allowed.")
        return _am._integer_power(x1, x2)
    return lax.pow(x1, x2)


pow = power  # noqa: A001


def float_power(x1: Any, x2: Any, /) -> Any:
    check_arraylike("float_power", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    dt = _dt(x1)
    target = dtypes.canonicalize_dtype(np.complex128 if dt.kind == "c" else np.float64)
    x1 = lax.convert_element_type(x1, target)
    x2 = lax.convert_element_type(x2, target)
    x1, x2 = _util.broadcast_arrays("float_power", x1, x2)
    return lax.pow(x1, x2)


def negative(x: Any, /) -> Any:
    if type(x) is Array and trace_state.trace is eval_trace:
        v = x._npy
        if v is not None and x._device_buf is None and v.dtype in _NUMERIC_FAST:
            return _wrap_out(np.negative(v), x.weak_type)
    check_arraylike("negative", x)
    x = _asarray(x)
    if _dt(x) == np.bool_:
        raise TypeError("negative does not accept dtype bool; use logical_not or ~")
    return lax.neg(x)


def positive(x: Any, /) -> Any:
    check_arraylike("positive", x)
    return _asarray(x)


def absolute(x: Any, /) -> Any:
    if type(x) is Array and trace_state.trace is eval_trace:
        v = x._npy
        if v is not None and x._device_buf is None and v.dtype in _NUMERIC_FAST and v.dtype.kind != "c":
            return _wrap_out(np.abs(v), x.weak_type)
    check_arraylike("absolute", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind in "ub":
        return x
    return lax.abs(x)


abs = absolute  # noqa: A001


def fabs(x: Any, /) -> Any:
    check_arraylike("fabs", x)
    (x,) = promote_dtypes_inexact(x)
    if _dt(x).kind == "c":
        raise TypeError("ufunc 'fabs' does not support complex dtypes")
    return lax.abs(x)


def sign(x: Any, /) -> Any:
    check_arraylike("sign", x)
    x = _asarray(x)
    d = _dt(x)
    if d == np.bool_:
        raise TypeError("sign does not accept dtype bool")
    if d.kind == "u":
        return lax.select(lax.eq(x, _const(x, 0)), x, _const(x, 1))
    return lax.sign(x)


def square(x: Any, /) -> Any:
    if type(x) is Array and trace_state.trace is eval_trace:
        v = x._npy
        if v is not None and x._device_buf is None and v.dtype in _INEXACT_FAST:
            return _wrap_out(np.multiply(v, v), x.weak_type)
    check_arraylike("square", x)
    (x,) = promote_dtypes_numeric(_asarray(x))
    return lax.integer_pow(x, 2)


def reciprocal(x: Any, /) -> Any:
    check_arraylike("reciprocal", x)
    (x,) = promote_dtypes_inexact(x)
    return lax.integer_pow(x, -1)


def conjugate(x: Any, /) -> Any:
    check_arraylike("conjugate", x)
    x = _asarray(x)
    return lax.conj(x) if _dt(x).kind == "c" else x


conj = conjugate


def real(val: Any, /) -> Any:
    check_arraylike("real", val)
    val = _asarray(val)
    return lax.real(val) if _dt(val).kind == "c" else val


def imag(val: Any, /) -> Any:
    check_arraylike("imag", val)
    val = _asarray(val)
    return lax.imag(val) if _dt(val).kind == "c" else lax.full_like(val, 0)


def angle(z: Any, deg: bool = False) -> Any:
    check_arraylike("angle", z)
    z = _asarray(z)
    re, im = real(z), imag(z)
    if _dt(z).kind != "c":
        re, im = promote_dtypes_inexact(re, im)
    out = lax.atan2(im, re)
    return rad2deg(out) if deg else out


# ---------------------------------------------------------------------------
# exponentials, logarithms, trigonometry

exp = _unary_inexact("exp", lax.exp, np.exp)
log = _unary_inexact("log", lax.log, np.log)
sin = _unary_inexact("sin", lax.sin, np.sin)
cos = _unary_inexact("cos", lax.cos, np.cos)
tanh = _unary_inexact("tanh", lax.tanh, np.tanh)


def _lax_fn(name: str) -> Callable[[Any], Any]:
    """``lax.<name>`` looked up at call time (lax grows while the package loads)."""
    def f(*args: Any) -> Any:
        return getattr(lax, name)(*args)

    f.__name__ = name
    return f


tan = _unary_inexact("tan", _lax_fn("tan"), np.tan)
arcsin = _unary_inexact("arcsin", _lax_fn("asin"), np.arcsin)
arccos = _unary_inexact("arccos", _lax_fn("acos"), np.arccos)
arctan = _unary_inexact("arctan", _lax_fn("atan"), np.arctan)
sinh = _unary_inexact("sinh", _lax_fn("sinh"), np.sinh)
cosh = _unary_inexact("cosh", _lax_fn("cosh"), np.cosh)
arcsinh = _unary_inexact("arcsinh", _lax_fn("asinh"), np.arcsinh)
arccosh = _unary_inexact("arccosh", _lax_fn("acosh"), np.arccosh)
arctanh = _unary_inexact("arctanh", _lax_fn("atanh"), np.arctanh)
expm1 = _unary_inexact("expm1", _lax_fn("expm1"), np.expm1)
log1p = _unary_inexact("log1p", _lax_fn("log1p"), np.log1p)
sqrt = _unary_inexact("sqrt", _lax_fn("sqrt"), np.sqrt)
cbrt = _unary_inexact("cbrt", _lax_fn("cbrt"), None)
asin, acos, atan = arcsin, arccos, arctan
asinh, acosh, atanh = arcsinh, arccosh, arctanh


def _exp2(x: Any) -> Any:
    return lax.exp2(x)


exp2 = _unary_inexact("exp2", _exp2, None)


def _log_base(base: float) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return lax.div(lax.log(x), lax.log(_const(x, base)))

    return f


log2 = _unary_inexact("log2", _log_base(2.0), None)
log10 = _unary_inexact("log10", _log_base(10.0), None)


def _scale(c: float) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return lax.mul(x, _const(x, c))

    return f


deg2rad = _unary_inexact("deg2rad", _scale(math.pi / 180), None)
rad2deg = _unary_inexact("rad2deg", _scale(180 / math.pi), None)
radians = _unary_inexact("radians", _scale(math.pi / 180), None)
degrees = _unary_inexact("degrees", _scale(180 / math.pi), None)


def arctan2(x1: Any, x2: Any, /) -> Any:
    check_arraylike("arctan2", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = _util.broadcast_arrays("arctan2", x1, x2)
    return lax.atan2(x1, x2)


atan2 = arctan2


def hypot(x1: Any, x2: Any, /) -> Any:
    check_arraylike("hypot", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    if _dt(x1).kind == "c":
        raise TypeError("hypot does not support complex-valued inputs")
    x1, x2 = _util.broadcast_arrays("hypot", lax.abs(x1), lax.abs(x2))
    big, small = lax.max(x1, x2), lax.min(x1, x2)
    zero = _const(big, 0)
    safe_big = lax.select(lax.eq(big, zero), _const(big, 1), big)
    ratio = lax.div(small, safe_big)
    out = lax.mul(big, lax.sqrt(lax.add(_const(big, 1), lax.mul(ratio, ratio))))
    out = lax.select(lax.eq(big, zero), zero, out)
    inf = _const(big, np.inf)
    return lax.select(lax.eq(big, inf), inf, out)


def logaddexp(x1: Any, x2: Any, /) -> Any:
    check_arraylike("logaddexp", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = _util.broadcast_arrays("logaddexp", x1, x2)
    amax = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    out = lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta)))))
    # equal infinities give nan in delta; the answer is then amax (or nan for nan inputs)
    return lax.select(lax.ne(delta, delta), lax.add(x1, x2), out)


def logaddexp2(x1: Any, x2: Any, /) -> Any:
    check_arraylike("logaddexp2", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = _util.broadcast_arrays("logaddexp2", x1, x2)
    amax = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    ln2 = _const(amax, math.log(2))
    out = lax.add(amax, lax.div(lax.log1p(lax.exp2(lax.neg(lax.abs(delta)))), ln2))
    return lax.select(lax.ne(delta, delta), lax.add(x1, x2), out)


def sinc(x: Any, /) -> Any:
    check_arraylike("sinc", x)
    (x,) = promote_dtypes_inexact(x)
    zero = lax.eq(x, _const(x, 0))
    safe = lax.select(zero, _const(x, 1), x)
    pix = lax.mul(safe, _const(x, math.pi))
    return lax.select(zero, _const(x, 1), lax.div(lax.sin(pix), pix))


def _i0_series(x: Any) -> Any:
    """Modified Bessel function I0 by its power series (|x| <= 15) and asymptotics."""
    ax = lax.abs(x)
    small = lax.le(ax, _const(ax, 15.0))
    xs = lax.select(small, ax, _const(ax, 0))
    q = lax.mul(lax.mul(xs, xs), _const(xs, 0.25))
    term = _const(xs, 1.0)
    total = _const(xs, 1.0)
    for k in range(1, 60):
        term = lax.div(lax.mul(term, q), _const(xs, float(k * k)))
        total = lax.add(total, term)
    # asymptotic expansion e^x / sqrt(2 pi x) * sum_k c_k / x^k
    xl = lax.select(small, _const(ax, 16.0), ax)
    inv = lax.div(_const(xl, 1.0), xl)
    coef = [1.0]
    for k in range(1, 12):
        coef.append(coef[-1] * (2 * k - 1) ** 2 / (8.0 * k))
    ser = _const(xl, coef[-1])
    for c in coef[-2::-1]:
        ser = lax.add(lax.mul(ser, inv), _const(xl, c))
    big = lax.div(lax.mul(lax.exp(xl), ser), lax.sqrt(lax.mul(xl, _const(xl, 2 * math.pi))))
    return lax.select(small, total, big)


def i0(x: Any) -> Any:
    check_arraylike("i0", x)
    (x,) = promote_dtypes_inexact(x)
    if _dt(x).kind == "c":
        raise ValueError("i0 does not support complex-valued inputs")
    if hasattr(lax, "bessel_i0e"):
        return lax.mul(lax.exp(lax.abs(x)), lax.bessel_i0e(x))
    return _i0_series(x)


# ---------------------------------------------------------------------------
# rounding


def _int_passthrough(name: str, float_fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def fn(x: Any, /) -> Any:
        check_arraylike(name, x)
        x = _asarray(x)
        d = _dt(x)
        if d.kind in "iub":
            return x
        if d.kind == "c":
            raise TypeError(f"{name} does not support complex-valued inputs")
        return float_fn(x)

    fn.__name__ = fn.__qualname__ = name
    return fn


floor = _int_passthrough("floor", _lax_fn("floor"))
ceil = _int_passthrough("ceil", _lax_fn("ceil"))


def _trunc(x: Any) -> Any:
    return lax.select(lax.lt(x, _const(x, 0)), lax.ceil(x), lax.floor(x))


trunc = _int_passthrough("trunc", _trunc)


def _round_even(x: Any) -> Any:
    if hasattr(lax, "RoundingMethod"):
        return lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    return lax.round(x, 1)


def rint(x: Any, /) -> Any:
    check_arraylike("rint", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind in "iub":
        return lax.convert_element_type(x, dtypes.default_float_dtype())
    if d.kind == "c":
        return lax.complex(_round_even(lax.real(x)), _round_even(lax.imag(x)))
    return _round_even(x)


def round(a: Any, decimals: int = 0, out: None = None) -> Any:  # noqa: A001
    check_arraylike("round", a)
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.round is not supported.")
    a = _asarray(a)
    decimals = _util.concrete_int(decimals, "round: decimals")
    d = _dt(a)
    if d.kind in "iub":
        if decimals >= 0:
            return a
        factor = _const(a, 10 ** (-decimals))
        q = _round_even(lax.div(lax.convert_element_type(a, dtypes.default_float_dtype()),
                                lax.convert_element_type(factor, dtypes.default_float_dtype())))
        return lax.mul(lax.convert_element_type(q, d), factor)

    def _round_real(x: Any) -> Any:
        if decimals == 0:
            return _round_even(x)
        factor = _const(x, 10.0 ** decimals)
        return lax.div(_round_even(lax.mul(x, factor)), factor)

    if d.kind == "c":
        return lax.complex(_round_real(lax.real(a)), _round_real(lax.imag(a)))
    return _round_real(a)


around = round


def modf(x: Any, /, out: None = None) -> tuple:
    check_arraylike("modf", x)
    (x,) = promote_dtypes_inexact(x)
    whole = _trunc(x)
    return lax.sub(x, whole), whole


def nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:
    del copy
    check_arraylike("nan_to_num", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind in "iub":
        return x
    if d.kind == "c":
        return lax.complex(nan_to_num(lax.real(x), nan=nan, posinf=posinf, neginf=neginf),
                           nan_to_num(lax.imag(x), nan=nan, posinf=posinf, neginf=neginf))
    info = dtypes.finfo(d)
    hi = info.max if posinf is None else posinf
    lo = info.min if neginf is None else neginf
    out = _util.where_(isnan(x), lax.convert_element_type(_asarray(nan), d), x)
    out = _util.where_(isposinf(out), lax.convert_element_type(_asarray(hi), d), out)
    out = _util.where_(isneginf(out), lax.convert_element_type(_asarray(lo), d), out)
    return out


# ---------------------------------------------------------------------------
# floating-point classification and manipulation


def isfinite(x: Any, /) -> Any:
    check_arraylike("isfinite", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind == "c":
        return lax.bitwise_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
    if dtypes.is_float_dtype(d):
        return lax.is_finite(x)
    return lax.full_like(x, True, np.bool_)


def isinf(x: Any, /) -> Any:
    check_arraylike("isinf", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind == "c":
        return lax.bitwise_or(isinf(lax.real(x)), isinf(lax.imag(x)))
    if dtypes.is_float_dtype(d):
        return lax.eq(lax.abs(x), _const(x, np.inf))
    return lax.full_like(x, False, np.bool_)


def isnan(x: Any, /) -> Any:
    check_arraylike("isnan", x)
    x = _asarray(x)
    d = _dt(x)
    if dtypes.is_inexact_dtype(d):
        return lax.ne(x, x)
    return lax.full_like(x, False, np.bool_)


def isposinf(x: Any, /) -> Any:
    check_arraylike("isposinf", x)
    x = _asarray(x)
    if _dt(x).kind == "c":
        raise ValueError("isposinf does not support complex-valued inputs")
    if not dtypes.is_float_dtype(_dt(x)):
        return lax.full_like(x, False, np.bool_)
    return lax.eq(x, _const(x, np.inf))


def isneginf(x: Any, /) -> Any:
    check_arraylike("isneginf", x)
    x = _asarray(x)
    if _dt(x).kind == "c":
        raise ValueError("isneginf does not support complex-valued inputs")
    if not dtypes.is_float_dtype(_dt(x)):
        return lax.full_like(x, False, np.bool_)
    return lax.eq(x, _const(x, -np.inf))


_UINT_OF_SIZE = {2: np.int16, 4: np.int32, 8: np.int64}


def signbit(x: Any, /) -> Any:
    check_arraylike("signbit", x)
    x = _asarray(x)
    d = _dt(x)
    if d.kind == "b":
        return lax.full_like(x, False, np.bool_)
    if d.kind in "iu":
        return lax.lt(x, _const(x, 0))
    if d.kind == "c":
        raise ValueError("signbit does not support complex-valued inputs")
    as_int = lax.bitcast_convert_type(x, _UINT_OF_SIZE[d.itemsize])
    return lax.lt(as_int, lax.full_like(as_int, 0))


def copysign(x1: Any, x2: Any, /) -> Any:
    check_arraylike("copysign", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    if _dt(x1).kind == "c":
        raise TypeError("copysign does not support complex-valued inputs")
    x1, x2 = _util.broadcast_arrays("copysign", x1, x2)
    a = lax.abs(x1)
    return lax.select(signbit(x2), lax.neg(a), a)


def nextafter(x1: Any, x2: Any, /) -> Any:
    check_arraylike("nextafter", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = _util.broadcast_arrays("nextafter", x1, x2)
    return lax.nextafter(x1, x2)


def spacing(x: Any, /) -> Any:
    check_arraylike("spacing", x)
    (x,) = promote_dtypes_inexact(x)
    if _dt(x).kind == "c":
        raise TypeError("spacing does not support complex-valued inputs")
    up = lax.nextafter(x, _const(x, np.inf))
    down = lax.nextafter(x, _const(x, -np.inf))
    return lax.select(lax.lt(x, _const(x, 0)), lax.sub(down, x), lax.sub(up, x))


def ldexp(x1: Any, x2: Any, /) -> Any:
    check_arraylike("ldexp", x1, x2)
    x2 = _asarray(x2)
    if _dt(x2).kind not in "iub":
        raise ValueError(f"ldexp: the exponent must be an integer array, got {_dt(x2).name}")
    (x1,) = promote_dtypes_inexact(x1)
    x2 = lax.convert_element_type(x2, dtypes.default_int_dtype())
    x1, x2 = _util.broadcast_arrays("ldexp", x1, x2)
    # multiply in two halves so that 2**x2 itself never overflows
    h1 = _am.floor_divide(x2, lax.full_like(x2, 2))
    h2 = lax.sub(x2, h1)
    f1 = lax.exp2(lax.convert_element_type(h1, _dt(x1)))
    f2 = lax.exp2(lax.convert_element_type(h2, _dt(x1)))
    return lax.mul(lax.mul(x1, f1), f2)


def frexp(x: Any, /) -> tuple:
    check_arraylike("frexp", x)
    (x,) = promote_dtypes_inexact(x)
    d = _dt(x)
    if d.kind == "c":
        raise TypeError("frexp does not support complex-valued inputs")
    idt = dtypes.default_int_dtype()
    ax = lax.abs(x)
    special = lax.bitwise_or(lax.eq(ax, _const(ax, 0)), lax.bitwise_not(lax.is_finite(x)))
    safe = lax.select(special, _const(ax, 1), ax)
    e = lax.add(lax.floor(lax.div(lax.log(safe), lax.log(_const(safe, 2.0)))), _const(safe, 1))
    m = ldexp(x, lax.neg(lax.convert_element_type(e, idt)))
    # fix rounding of the logarithm near powers of two
    am = lax.abs(m)
    too_big = lax.ge(am, _const(am, 1.0))
    e = lax.select(too_big, lax.add(e, _const(e, 1)), e)
    m = lax.select(too_big, lax.mul(m, _const(m, 0.5)), m)
    too_small = lax.lt(lax.abs(m), _const(am, 0.5))
    e = lax.select(too_small, lax.sub(e, _const(e, 1)), e)
    m = lax.select(too_small, lax.mul(m, _const(m, 2.0)), m)
    m = lax.select(special, x, m)
    e = lax.select(special, _const(e, 0), e)
    return m, lax.convert_element_type(e, idt)


def heaviside(x1: Any, x2: Any, /) -> Any:
    check_arraylike("heaviside", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = _util.broadcast_arrays("heaviside", x1, x2)
    zero = _const(x1, 0)
    return lax.select(lax.lt(x1, zero), zero, lax.select(lax.gt(x1, zero), _const(x1, 1), x2))


# ---------------------------------------------------------------------------
# fmax / fmin


def fmax(x1: Any, x2: Any) -> Any:
    check_arraylike("fmax", x1, x2)
    x1, x2 = promote_args("fmax", x1, x2)
    return _util.where_(isnan(x2), x1, _util.where_(isnan(x1), x2, lax.max(x1, x2)))


def fmin(x1: Any, x2: Any) -> Any:
    check_arraylike("fmin", x1, x2)
    x1, x2 = promote_args("fmin", x1, x2)
    return _util.where_(isnan(x2), x1, _util.where_(isnan(x1), x2, lax.min(x1, x2)))


# ---------------------------------------------------------------------------
# comparisons


def _cmp(name: str, lax_fn: Callable[[Any, Any], Any], np_fn: Callable) -> Callable[[Any, Any], Any]:
    general = _promoted(lax_fn, name)
    return _binary(name, general, np_fn, _ANY_FAST, bool_out=True)


equal = _cmp("equal", lax.eq, np.equal)
not_equal = _cmp("not_equal", lax.ne, np.not_equal)
less = _cmp("less", lax.lt, np.less)
less_equal = _cmp("less_equal", lax.le, np.less_equal)
greater = _cmp("greater", lax.gt, np.greater)
greater_equal = _cmp("greater_equal", lax.ge, np.greater_equal)


# ---------------------------------------------------------------------------
# logical and bitwise


def _to_bool(x: Any) -> Any:
    x = _asarray(x)
    if _dt(x) == np.bool_:
        return x
    return lax.ne(x, lax.full_like(x, 0))


def _logical(name: str, lax_fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def general(x: Any, y: Any) -> Any:
        x, y = _util.broadcast_arrays(name, _to_bool(x), _to_bool(y))
        return lax_fn(x, y)

    return general


def logical_not(x: Any, /) -> Any:
    check_arraylike("logical_not", x)
    return lax.bitwise_not(_to_bool(x))


def _bitwise(name: str, lax_name: str) -> Callable[[Any, Any], Any]:
    def general(x: Any, y: Any) -> Any:
        x, y = promote_args(name, x, y)
        if _dt(x).kind not in "biu":
            raise TypeError(f"{name} requires integer or boolean arguments, got {_dt(x).name}")
        return getattr(lax, lax_name)(x, y)

    return general


def invert(x: Any, /) -> Any:
    check_arraylike("invert", x)
    x = _asarray(x)
    if _dt(x).kind not in "biu":
        raise TypeError(f"invert requires an integer or boolean argument, got {_dt(x).name}")
    return lax.bitwise_not(x)


bitwise_not = invert
bitwise_invert = invert


def left_shift(x1: Any, x2: Any, /) -> Any:
    check_arraylike("left_shift", x1, x2)
    x1, x2 = promote_args("left_shift", x1, x2)
    if _dt(x1).kind not in "iu":
        raise TypeError(f"left_shift requires integer arguments, got {_dt(x1).name}")
    return lax.shift_left(x1, x2)


def right_shift(x1: Any, x2: Any, /) -> Any:
    check_arraylike("right_shift", x1, x2)
    x1, x2 = promote_args("right_shift", x1, x2)
    if _dt(x1).kind not in "iu":
        raise TypeError(f"right_shift requires integer arguments, got {_dt(x1).name}")
    if _dt(x1).kind == "u":
        return lax.shift_right_logical(x1, x2)
    return lax.shift_right_arithmetic(x1, x2)


bitwise_left_shift = left_shift
bitwise_right_shift = right_shift


def bitwise_count(x: Any, /) -> Any:
    check_arraylike("bitwise_count", x)
    x = _asarray(x)
    if _dt(x).kind not in "biu":
        raise TypeError(f"bitwise_count requires integer arguments, got {_dt(x).name}")
    if _dt(x).kind == "i":
        x = lax.abs(x)
    if _dt(x).kind == "b":
        x = lax.convert_element_type(x, np.uint8)
    return lax.convert_element_type(lax.population_count(x), np.uint8)


# ---------------------------------------------------------------------------
# gcd / lcm


def _gcd_loop(a: Any, b: Any) -> Any:
    def cond(carry: Any) -> Any:
        _, y = carry
        return lax.reduce_or(lax.ne(y, lax.full_like(y, 0)), tuple(range(_util.ndim(y))))

    def body(carry: Any) -> Any:
        x, y = carry
        nz = lax.ne(y, lax.full_like(y, 0))
        safe_y = lax.select(nz, y, lax.full_like(y, 1))
        return (lax.select(nz, y, x), lax.select(nz, lax.rem(x, safe_y), y))

    out, _ = lax.while_loop(cond, body, (a, b))
    return out


def gcd(x1: Any, x2: Any, /) -> Any:
    check_arraylike("gcd", x1, x2)
    x1, x2 = promote_args("gcd", x1, x2)
    if _dt(x1).kind not in "iu":
        raise ValueError("Arguments to jax.numpy.gcd must be integers.")
    x1, x2 = lax.abs(x1) if _dt(x1).kind == "i" else x1, lax.abs(x2) if _dt(x2).kind == "i" else x2
    return _gcd_loop(lax.max(x1, x2), lax.min(x1, x2))


def lcm(x1: Any, x2: Any, /) -> Any:
    check_arraylike("lcm", x1, x2)
    x1, x2 = promote_args("lcm", x1, x2)
    if _dt(x1).kind not in "iu":
        raise ValueError("Arguments to jax.numpy.lcm must be integers.")
    x1 = lax.abs(x1) if _dt(x1).kind == "i" else x1
    x2 = lax.abs(x2) if _dt(x2).kind == "i" else x2
    d = gcd(x1, x2)
    zero = lax.eq(d, lax.full_like(d, 0))
    safe = lax.select(zero, lax.full_like(d, 1), d)
    return lax.select(zero, lax.full_like(d, 0), lax.mul(x1, lax.div(x2, safe)))


# ---------------------------------------------------------------------------
# type predicates


def iscomplex(x: Any) -> Any:
    check_arraylike("iscomplex", x)
    x = _asarray(x)
    if _dt(x).kind == "c":
        return lax.ne(lax.imag(x), lax.full_like(lax.imag(x), 0))
    return lax.full_like(x, False, np.bool_)


def isreal(x: Any) -> Any:
    check_arraylike("isreal", x)
    x = _asarray(x)
    if _dt(x).kind == "c":
        return lax.eq(lax.imag(x), lax.full_like(lax.imag(x), 0))
    return lax.full_like(x, True, np.bool_)


def iscomplexobj(x: Any) -> bool:
    if x is None:
        return False
    try:
        return dtypes.is_complex_dtype(get_aval(x).dtype if _util.is_arraylike(x) else np.asarray(x).dtype)
    except TypeError:
        return False


def isrealobj(x: Any) -> bool:
    return not iscomplexobj(x)


# ---------------------------------------------------------------------------
# the ufunc objects


def _sum_reduce(a: Any, **kw: Any) -> Any:
    from jax_numpy import reductions

    return reductions.sum(a, **kw)


def _lazy_reduction(name: str) -> Callable[..., Any]:
    def f(a: Any, **kw: Any) -> Any:
        from jax_numpy import reductions

        if name in ("max", "min", "all", "any"):
            dtype = kw.pop("dtype", None)
            if dtype is not None:
                a = lax.convert_element_type(_asarray(a), _util.canonical_user_dtype(dtype, name))
            if name in ("all", "any"):
                kw.pop("initial", None)
        return getattr(reductions, name)(a, **kw)

    return f


def _lazy_accumulate(name: str) -> Callable[..., Any]:
    def f(a: Any, axis: int = 0, dtype: Any = None) -> Any:
        from jax_numpy import reductions

        return getattr(reductions, name)(a, axis=axis, dtype=dtype)

    return f


def _lazy_at(method: str) -> Callable[..., Any]:
    def f(a: Any, indices: Any, b: Any) -> Any:
        return getattr(a.at[indices], method)(b)

    return f


def _bitwise_reduce(kind: str) -> Callable[..., Any]:
    def f(a: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False, initial: Any = None,
          where: Any = None) -> Any:
        from jax_numpy import reductions

        return reductions._bitwise_reduction(kind, a, axis, dtype, keepdims, initial, where)

    return f


add = _make_ufunc(_add_fn, 2, identity=0, reduce=_lazy_reduction("sum"),
                  accumulate=_lazy_accumulate("cumsum"), at=_lazy_at("add"))
subtract = _make_ufunc(_subtract_fn, 2, identity=None)
multiply = _make_ufunc(_multiply_fn, 2, identity=1, reduce=_lazy_reduction("prod"),
                       accumulate=_lazy_accumulate("cumprod"), at=_lazy_at("multiply"))
maximum = _make_ufunc(_maximum_fn, 2, identity=None, reduce=_lazy_reduction("max"),
                      accumulate=_lazy_accumulate("_cummax"), at=_lazy_at("max"))
minimum = _make_ufunc(_minimum_fn, 2, identity=None, reduce=_lazy_reduction("min"),
                      accumulate=_lazy_accumulate("_cummin"), at=_lazy_at("min"))
negative = _make_ufunc(negative, 1)  # type: ignore[assignment]
logaddexp = _make_ufunc(logaddexp, 2, identity=-np.inf)  # type: ignore[assignment]
logaddexp2 = _make_ufunc(logaddexp2, 2, identity=-np.inf)  # type: ignore[assignment]

_logical_and_fn = _binary("logical_and", _logical("logical_and", lax.bitwise_and), None)
_logical_or_fn = _binary("logical_or", _logical("logical_or", lax.bitwise_or), None)
_logical_xor_fn = _binary("logical_xor", _logical("logical_xor", lax.bitwise_xor), None)
logical_and = _make_ufunc(_logical_and_fn, 2, identity=True, reduce=_lazy_reduction("all"))
logical_or = _make_ufunc(_logical_or_fn, 2, identity=False, reduce=_lazy_reduction("any"))
logical_xor = _make_ufunc(_logical_xor_fn, 2, identity=False)

_bitwise_and_fn = _binary("bitwise_and", _bitwise("bitwise_and", "bitwise_and"), np.bitwise_and,
                          _INT_BOOL_FAST)
_bitwise_or_fn = _binary("bitwise_or", _bitwise("bitwise_or", "bitwise_or"), np.bitwise_or,
                         _INT_BOOL_FAST)
_bitwise_xor_fn = _binary("bitwise_xor", _bitwise("bitwise_xor", "bitwise_xor"), np.bitwise_xor,
                          _INT_BOOL_FAST)
bitwise_and = _make_ufunc(_bitwise_and_fn, 2, identity=-1, reduce=_bitwise_reduce("and"))
bitwise_or = _make_ufunc(_bitwise_or_fn, 2, identity=0, reduce=_bitwise_reduce("or"))
bitwise_xor = _make_ufunc(_bitwise_xor_fn, 2, identity=0, reduce=_bitwise_reduce("xor"))


__all__ = [
    "ufunc", "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
    "mod", "divmod", "fmod", "power", "pow", "float_power", "negative", "positive", "absolute",
    "abs", "fabs", "sign", "square", "reciprocal", "conjugate", "conj", "real", "imag", "angle",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "asin",
    "acos", "atan", "asinh", "acosh", "atanh", "arctan2", "atan2", "hypot", "logaddexp",
    "logaddexp2", "sinc", "i0", "deg2rad", "rad2deg", "radians", "degrees", "floor", "ceil",
    "trunc", "rint", "round", "around", "modf", "nan_to_num", "isfinite", "isinf", "isnan",
    "isposinf", "isneginf", "signbit", "copysign", "nextafter", "spacing", "ldexp", "frexp",
    "heaviside", "fmax", "fmin", "maximum", "minimum", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert", "invert",
    "left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift", "bitwise_count",
    "gcd", "lcm", "iscomplex", "isreal", "iscomplexobj", "isrealobj",
]

del operator
