"""Scalar types (``jnp.float32(1.5)`` makes an Array), abstract NumPy type
classes, dtype queries and promotion functions, constants, ``ndarray``."""
from __future__ import annotations

import builtins
import math
from typing import Any

import ml_dtypes
import numpy as np

from jax_core import dtypes
from jax_core.core import Array, Tracer, get_aval

__all__ = [
    "ndarray", "dtype", "finfo", "iinfo", "promote_types", "result_type", "can_cast", "isdtype",
    "issubdtype", "e", "pi", "inf", "nan", "euler_gamma", "newaxis", "generic", "number", "integer",
    "signedinteger", "unsignedinteger", "inexact", "floating", "complexfloating", "character",
    "flexible", "object_", "ComplexWarning", "printoptions", "set_printoptions",
    "get_printoptions",
]


class _ScalarMeta(type):
    """The metaclass of jnp's scalar types: calling one makes a 0-d (or n-d) Array."""

    dtype: np.dtype

    def __hash__(cls) -> int:
        return hash(cls.dtype.type)

    def __eq__(cls, other: object) -> builtins.bool:
        return cls is other or other is cls.dtype.type or (
            isinstance(other, np.dtype) and other == cls.dtype)

    def __ne__(cls, other: object) -> builtins.bool:
        return not cls.__eq__(other)

    def __call__(cls, x: Any = 0) -> Any:  # type: ignore[override]
        from jax_numpy.creation import asarray

        return asarray(x, dtype=cls.dtype)

    def __instancecheck__(cls, instance: Any) -> builtins.bool:
        return isinstance(instance, cls.dtype.type)

    def __repr__(cls) -> str:
        return f"<class 'jax_numpy.{cls.__name__}'>"


def _make_scalar_type(np_type: Any, name: str | None = None) -> type:
    dt = np.dtype(np_type)
    nm = name or dt.name
    return _ScalarMeta(nm, (object,), {"dtype": dt, "__module__": "jax_numpy"})


bool_ = _make_scalar_type(np.bool_, "bool")
bool = bool_  # noqa: A001
int8 = _make_scalar_type(np.int8)
int16 = _make_scalar_type(np.int16)
int32 = _make_scalar_type(np.int32)
int64 = _make_scalar_type(np.int64)
uint8 = _make_scalar_type(np.uint8)
uint16 = _make_scalar_type(np.uint16)
uint32 = _make_scalar_type(np.uint32)
uint64 = _make_scalar_type(np.uint64)
float16 = _make_scalar_type(np.float16)
float32 = _make_scalar_type(np.float32)
float64 = _make_scalar_type(np.float64)
complex64 = _make_scalar_type(np.complex64)
complex128 = _make_scalar_type(np.complex128)
bfloat16 = _make_scalar_type(ml_dtypes.bfloat16, "bfloat16")
# the "default" names are the 64-bit types, which canonicalize to 32-bit without x64
int_ = int64
uint = uint64
float_ = float64
complex_ = complex128
single = float32
double = float64
csingle = complex64
cdouble = complex128

_ML_NAMES = ["int1", "uint1", "int2", "uint2", "int4", "uint4", "float4_e2m1fn", "float6_e2m3fn",
             "float6_e3m2fn", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz", "float8_e4m3fn",
             "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu"]
_ml_types: dict = {n: _make_scalar_type(getattr(ml_dtypes, n), n) for n in _ML_NAMES
                   if hasattr(ml_dtypes, n)}
globals().update(_ml_types)
__all__ += ["bool_", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "uint64", "float16", "float32", "float64", "complex64", "complex128", "bfloat16",
            "int_", "uint", "float_", "complex_", "single", "double", "csingle", "cdouble",
            *_ml_types]

generic = np.generic
number = np.number
integer = np.integer
signedinteger = np.signedinteger
unsignedinteger = np.unsignedinteger
inexact = np.inexact
floating = np.floating
complexfloating = np.complexfloating
character = np.character
flexible = np.flexible
object_ = np.object_

dtype = np.dtype
ComplexWarning = np.exceptions.ComplexWarning
printoptions = np.printoptions
set_printoptions = np.set_printoptions
get_printoptions = np.get_printoptions

e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
euler_gamma = 0.5772156649015329
newaxis = None


class _ArrayMeta(type):
    def __instancecheck__(cls, instance: Any) -> builtins.bool:
        return isinstance(instance, (Array, Tracer))

    def __subclasscheck__(cls, subclass: Any) -> builtins.bool:
        return isinstance(subclass, type) and issubclass(subclass, (Array, Tracer))


class ndarray(metaclass=_ArrayMeta):
    """``isinstance(x, jnp.ndarray)`` is True for Arrays and for tracers (as in JAX)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("jax_numpy.ndarray() should not be instantiated explicitly; use "
                        "jax_numpy.array or jax_numpy.zeros instead.")


def finfo(dt: Any) -> Any:
    return dtypes.finfo(_to_dtype(dt))


def iinfo(int_type: Any) -> Any:
    return dtypes.iinfo(_to_dtype(int_type))


def _to_dtype(x: Any) -> np.dtype:
    if isinstance(x, (Array, Tracer)):
        return get_aval(x).dtype
    return dtypes.dtype(x, canonicalize=False)


def issubdtype(arg1: Any, arg2: Any) -> builtins.bool:
    return dtypes.issubdtype(arg1, arg2)


def promote_types(a: Any, b: Any) -> np.dtype:
    return dtypes.promote_types(_to_dtype(a), _to_dtype(b))


def result_type(*args: Any, return_weak_type_flag: builtins.bool = False) -> Any:
    return dtypes.result_type(*args, return_weak_type_flag=return_weak_type_flag)


def can_cast(from_: Any, to: Any, casting: str = "safe") -> builtins.bool:
    return builtins.bool(np.can_cast(_to_dtype(from_), _to_dtype(to), casting=casting))  # type: ignore[arg-type]


_KIND_NAMES = {
    "bool": lambda d: d.kind == "b",
    "signed integer": lambda d: dtypes.is_signed_int_dtype(d),
    "unsigned integer": lambda d: dtypes.is_unsigned_int_dtype(d),
    "integral": lambda d: dtypes.is_int_dtype(d),
    "real floating": lambda d: dtypes.is_float_dtype(d),
    "complex floating": lambda d: dtypes.is_complex_dtype(d),
    "numeric": lambda d: d.kind != "b",
}


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """Array API: is ``dtype`` of ``kind`` (a name, a dtype, or a tuple of them)?"""
    dt = _to_dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KIND_NAMES:
                raise ValueError(f"Unrecognized kind {k!r}; expected one of {sorted(_KIND_NAMES)}")
            if _KIND_NAMES[k](dt):
                return True
        elif dt == _to_dtype(k):
            return True
    return False
