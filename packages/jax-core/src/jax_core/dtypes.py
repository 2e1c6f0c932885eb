"""Dtypes, canonicalization and JAX's type promotion lattice.

Two ideas from JAX shape this module:

* **Canonical dtypes.**  Unless ``jax_enable_x64`` is set, 64-bit types are
  stored as their 32-bit counterparts (int64 -> int32, uint64 -> uint32,
  float64 -> float32, complex128 -> complex64).  :func:`canonicalize_dtype`
  does that mapping and is memoised because every eager operation calls it.

* **Promotion on a lattice.**  The result type of a binary operation is the
  least upper bound (join) of its operands on the lattice documented in JAX's
  "Type promotion semantics" page.  Python scalars (``int``, ``float``,
  ``complex``, but not ``bool``) and values flagged ``weak_type`` sit on the
  lattice as the *weak* nodes ``i*``, ``f*``, ``c*``, below every strong type
  of their category, so ``int8_array * 2`` stays int8.  The join is
  precomputed for every pair of nodes at import time.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, FrozenSet, List, Optional, Tuple, Union

import ml_dtypes
import numpy as np

from jax_core.config import config

__all__ = [
    # scalar types
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "float16", "float32", "float64", "complex64", "complex128",
    "bfloat16", "float0", "int_", "uint", "float_", "complex_",
    "int4", "uint4", "float8_e4m3fn", "float8_e5m2",
    # defaults and canonicalization
    "default_int_dtype", "default_uint_dtype", "default_float_dtype",
    "default_complex_dtype", "canonicalize_dtype", "dtype",
    "python_scalar_dtypes", "scalar_type_of", "is_python_scalar",
    "is_weakly_typed",
    # promotion
    "TypePromotionError", "promote_types", "result_type",
    # predicates and info
    "issubdtype", "iinfo", "finfo", "is_bool_dtype", "is_int_dtype",
    "is_signed_int_dtype", "is_unsigned_int_dtype", "is_float_dtype",
    "is_complex_dtype", "is_inexact_dtype", "to_inexact_dtype",
    "to_complex_dtype", "itemsize_bits", "check_user_dtype_supported",
]

DTypeLike = Any

# --------------------------------------------------------------------------
# Scalar types

bool_ = np.bool_
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
uint16 = np.uint16
uint32 = np.uint32
uint64 = np.uint64
float16 = np.float16
float32 = np.float32
float64 = np.float64
complex64 = np.complex64
complex128 = np.complex128

bfloat16: type = ml_dtypes.bfloat16
int4: type = ml_dtypes.int4
uint4: type = ml_dtypes.uint4
float8_e4m3fn: type = ml_dtypes.float8_e4m3fn
float8_e5m2: type = ml_dtypes.float8_e5m2

# The dtype of tangents of integer/boolean values: zero bytes per element.
float0: np.dtype = np.dtype([("float0", np.void, 0)])

# As in JAX, the "default" names are the 64-bit types; they canonicalize to
# 32-bit ones when x64 is off.  Use the default_*_dtype() functions for the
# dtype actually in effect.
int_ = np.int64
uint = np.uint64
float_ = np.float64
complex_ = np.complex128

_BOOL = np.dtype(np.bool_)
_I32, _I64 = np.dtype(np.int32), np.dtype(np.int64)
_U32, _U64 = np.dtype(np.uint32), np.dtype(np.uint64)
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_C64, _C128 = np.dtype(np.complex64), np.dtype(np.complex128)


def _optional_ml_dtypes(names: List[str]) -> List[np.dtype]:
    # Newer ml_dtypes releases add formats; take the ones this one has.
    return [np.dtype(getattr(ml_dtypes, n)) for n in names if hasattr(ml_dtypes, n)]


# Low-precision floats from ml_dtypes.  bfloat16 promotes like any float; the
# 8-bit (and 4-bit) floats are deliberately leaves of the lattice, so mixing
# them with another float is an error rather than a silent precision change.
_BF16 = np.dtype(bfloat16)
_SMALL_FLOATS: List[np.dtype] = _optional_ml_dtypes([
    "float8_e4m3fn", "float8_e5m2", "float8_e4m3b11fnuz", "float8_e4m3fnuz",
    "float8_e5m2fnuz", "float8_e3m4", "float8_e4m3", "float8_e8m0fnu",
    "float4_e2m1fn"])
_SMALL_SIGNED: List[np.dtype] = _optional_ml_dtypes(["int2", "int4"])
_SMALL_UNSIGNED: List[np.dtype] = _optional_ml_dtypes(["uint2", "uint4"])
# ml_dtypes' types report kind 'V'; this says what they really are.
_ML_DTYPE_KIND: Dict[np.dtype, str] = {
    _BF16: "f", **{d: "f" for d in _SMALL_FLOATS},
    **{d: "i" for d in _SMALL_SIGNED}, **{d: "u" for d in _SMALL_UNSIGNED}}

_SIGNED: List[np.dtype] = [np.dtype(t) for t in ("int8", "int16", "int32", "int64")]
_UNSIGNED: List[np.dtype] = [np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64")]
_FLOATS: List[np.dtype] = [np.dtype(np.float16), _F32, _F64]
_COMPLEX: List[np.dtype] = [_C64, _C128]

_KIND: Dict[np.dtype, str] = {
    _BOOL: "b", **{d: "i" for d in _SIGNED}, **{d: "u" for d in _UNSIGNED},
    **{d: "f" for d in _FLOATS}, **{d: "c" for d in _COMPLEX}, **_ML_DTYPE_KIND}

# Every dtype an array may hold.
_JAX_DTYPES: FrozenSet[np.dtype] = frozenset([*_KIND, float0])

python_scalar_dtypes: Dict[type, np.dtype] = {
    bool: _BOOL, int: _I64, float: _F64, complex: _C128}

# The weak lattice nodes stand for Python int/float/complex.
_WEAK_PY_TYPES = (int, float, complex)
_WEAK_NODE_OF_KIND = {"i": "i*", "u": "i*", "f": "f*", "c": "c*"}

# --------------------------------------------------------------------------
# Defaults and canonicalization

_DEFAULT_OF_KIND_64: Dict[str, np.dtype] = {
    "b": _BOOL, "i": _I64, "u": _U64, "f": _F64, "c": _C128}
_DEFAULT_OF_KIND_32: Dict[str, np.dtype] = {
    "b": _BOOL, "i": _I32, "u": _U32, "f": _F32, "c": _C64}


def default_int_dtype() -> np.dtype:
    return _I64 if config.jax_enable_x64 else _I32


def default_uint_dtype() -> np.dtype:
    return _U64 if config.jax_enable_x64 else _U32


def default_float_dtype() -> np.dtype:
    return _F64 if config.jax_enable_x64 else _F32


def default_complex_dtype() -> np.dtype:
    return _C128 if config.jax_enable_x64 else _C64


def _default_of_kind(kind: str) -> np.dtype:
    table = _DEFAULT_OF_KIND_64 if config.jax_enable_x64 else _DEFAULT_OF_KIND_32
    return table[kind]


_TO_32_BIT: Dict[np.dtype, np.dtype] = {_I64: _I32, _U64: _U32, _F64: _F32, _C128: _C64}

# One memo per x64 setting, indexed by the flag (False -> 0, True -> 1).  Keys
# are whatever dtype-likes callers pass (np.dtype, scalar types, strings);
# keys that compare equal always name the same dtype, so sharing slots is safe.
_canonical_cache: Tuple[Dict[Any, np.dtype], Dict[Any, np.dtype]] = ({}, {})


def canonicalize_dtype(dtype: DTypeLike) -> np.dtype:
    """The dtype that values of ``dtype`` are stored as under the current x64 flag."""
    try:
        return _canonical_cache[config.jax_enable_x64][dtype]
    except KeyError:
        pass
    except TypeError:  # an unhashable dtype-like
        return _canonicalize_uncached(dtype)
    result = _canonicalize_uncached(dtype)
    _canonical_cache[config.jax_enable_x64][dtype] = result
    return result


def _canonicalize_uncached(dtype: DTypeLike) -> np.dtype:
    dt = _to_np_dtype(dtype)
    if not config.jax_enable_x64:
        dt = _TO_32_BIT.get(dt, dt)
    return dt


def _to_np_dtype(dtype: DTypeLike) -> np.dtype:
    """np.dtype(dtype), also for objects carrying a ``.dtype`` (JAX scalar types)."""
    if isinstance(dtype, np.dtype):
        dt = dtype
    elif isinstance(dtype, (str, type)) or dtype is None:
        if isinstance(dtype, type) and not issubclass(dtype, np.generic) \
                and dtype not in python_scalar_dtypes \
                and isinstance(getattr(dtype, "dtype", None), np.dtype):
            dt = getattr(dtype, "dtype")
        else:
            dt = np.dtype(dtype)
    elif isinstance(getattr(dtype, "dtype", None), np.dtype):
        dt = dtype.dtype
    else:
        dt = np.dtype(dtype)
    if not dt.isnative:
        dt = dt.newbyteorder("=")
    # Return our own instance for each kind of dtype, so that aliases such
    # as 'q' and 'l' (both int64 on Linux) come back identical.
    return _CANONICAL_INSTANCE.get(dt, dt)


_CANONICAL_INSTANCE: Dict[np.dtype, np.dtype] = {d: d for d in _JAX_DTYPES}


def is_python_scalar(x: Any) -> bool:
    """True for Python bool/int/float/complex values (not NumPy scalars)."""
    return type(x) in python_scalar_dtypes or (
        isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic))


def _python_scalar_type(x: Any) -> Optional[type]:
    t = type(x)
    if t in python_scalar_dtypes:
        return t
    if isinstance(x, np.generic):
        return None
    for base in (bool, int, float, complex):  # subclasses, e.g. IntEnum
        if isinstance(x, base):
            return base
    return None


def _raw_dtype(x: Any) -> np.dtype:
    """The dtype of a value or dtype-like, before canonicalization."""
    t = type(x)
    dt = python_scalar_dtypes.get(t)
    if dt is not None:
        return dt
    if isinstance(x, (np.ndarray, np.generic)):
        dt = x.dtype
    elif x is None:
        raise ValueError("Invalid argument to dtype: None.")
    elif isinstance(x, (np.dtype, str, type)):
        if isinstance(x, type) and x in python_scalar_dtypes:
            return python_scalar_dtypes[x]
        try:
            dt = _to_np_dtype(x)
        except TypeError as err:
            raise TypeError(f"Cannot determine dtype of {x!r}: {err}") from None
    else:
        attr = getattr(x, "dtype", None)
        if isinstance(attr, np.dtype):
            dt = attr
        else:
            py_type = _python_scalar_type(x)
            if py_type is not None:
                return python_scalar_dtypes[py_type]
            try:
                dt = np.result_type(x)
            except (TypeError, ValueError):
                raise TypeError(f"Cannot determine dtype of {x!r}") from None
    if not dt.isnative:
        dt = dt.newbyteorder("=")
    dt = _CANONICAL_INSTANCE.get(dt, dt)
    if dt not in _JAX_DTYPES:
        raise TypeError(
            f"Value {x!r} with dtype {dt} is not a valid JAX array type. Only "
            "arrays of numeric types are supported by JAX.")
    return dt


def dtype(x: Any, *, canonicalize: bool = True) -> np.dtype:
    """The (canonical) dtype of a value or dtype-like.

    Python scalars get the default dtype of their kind (``int`` -> int32 with
    x64 off), arrays and NumPy scalars their own dtype, objects with a
    ``.dtype`` (tracers, Arrays) that dtype, and dtype-likes (``'float32'``,
    ``np.float32``, ``np.dtype(...)``) what they name.
    """
    t = type(x)
    if t is np.ndarray:
        dt = x.dtype
        if dt in _JAX_DTYPES:
            return canonicalize_dtype(dt) if canonicalize else dt
    elif t in python_scalar_dtypes:
        dt = python_scalar_dtypes[t]
        return canonicalize_dtype(dt) if canonicalize else dt
    dt = _raw_dtype(x)
    return canonicalize_dtype(dt) if canonicalize else dt


def is_weakly_typed(x: Any) -> bool:
    """True for Python int/float/complex scalars and values with ``weak_type``.

    Python ``bool`` is *not* weakly typed in JAX: there is only one boolean
    type, so it has no width to defer to.
    """
    t = type(x)
    if t in _WEAK_PY_TYPES:
        return True
    if t is bool or isinstance(x, (np.ndarray, np.generic)):
        return False
    weak = getattr(x, "weak_type", None)
    if weak is None:
        aval = getattr(x, "aval", None)
        weak = getattr(aval, "weak_type", False) if aval is not None else False
    return weak is True or (isinstance(weak, (bool, np.bool_)) and bool(weak))


def scalar_type_of(x: Any) -> type:
    """The Python scalar type (bool/int/float/complex) matching ``x``'s dtype."""
    dt = dtype(x, canonicalize=False)
    kind = _KIND.get(dt)
    if kind == "b":
        return bool
    if kind in ("i", "u"):
        return int
    if kind == "f":
        return float
    if kind == "c":
        return complex
    raise TypeError(f"Invalid scalar value {x!r}")


# --------------------------------------------------------------------------
# The promotion lattice

# Nodes are strings: dtype names for strong types, 'i*'/'f*'/'c*' for weak
# ones.  (Keying on np.dtype and Python types together is fragile because
# np.dtype('float64') == float.)  Edges go from a type to the types it
# promotes to directly, as in JAX's documented lattice.
_LATTICE_EDGES: Dict[str, List[str]] = {
    "bool": ["i*"],
    "i*": ["uint8", "int8"] + [d.name for d in _SMALL_SIGNED + _SMALL_UNSIGNED],
    "uint8": ["uint16", "int16"], "uint16": ["uint32", "int32"],
    "uint32": ["uint64", "int64"], "uint64": ["f*"],
    "int8": ["int16"], "int16": ["int32"], "int32": ["int64"], "int64": ["f*"],
    "f*": ["c*", "float16", "bfloat16"] + [d.name for d in _SMALL_FLOATS],
    "bfloat16": ["float32"], "float16": ["float32"],
    "float32": ["float64", "complex64"], "float64": ["complex128"],
    "c*": ["complex64"], "complex64": ["complex128"], "complex128": [],
}
# The sub-byte integers chain upwards to the 8-bit ones.
for _small in (_SMALL_SIGNED, _SMALL_UNSIGNED):
    for _lo, _hi in zip(_small, _small[1:]):
        _LATTICE_EDGES[_lo.name] = [_hi.name]
    if _small:
        _LATTICE_EDGES[_small[-1].name] = ["int8" if _small is _SMALL_SIGNED else "uint8"]
for _d in _SMALL_FLOATS:
    _LATTICE_EDGES[_d.name] = []

_WEAK_NODES = frozenset({"i*", "f*", "c*"})
_NODE_TO_DTYPE: Dict[str, np.dtype] = {d.name: d for d in _KIND}
_NODE_TO_DTYPE.update({"i*": _I64, "f*": _F64, "c*": _C128})
_DTYPE_TO_NODE: Dict[np.dtype, str] = {d: d.name for d in _KIND}


def _upper_bounds() -> Dict[str, FrozenSet[str]]:
    bounds: Dict[str, FrozenSet[str]] = {}

    def visit(node: str) -> FrozenSet[str]:
        if node not in bounds:
            above = {node}
            for parent in _LATTICE_EDGES[node]:
                above |= visit(parent)
            bounds[node] = frozenset(above)
        return bounds[node]

    for node in _LATTICE_EDGES:
        visit(node)
    return bounds


_UPPER = _upper_bounds()


def _compute_join(a: str, b: str) -> Optional[str]:
    common = _UPPER[a] & _UPPER[b]
    least = [c for c in common if common <= _UPPER[c]]
    return least[0] if least else None


# Every pairwise join, computed once.  Missing entries have no upper bound.
_JOIN: Dict[Tuple[str, str], str] = {}
for _a in _LATTICE_EDGES:
    for _b in _LATTICE_EDGES:
        _j = _compute_join(_a, _b)
        if _j is not None:
            _JOIN[_a, _b] = _j


class TypePromotionError(ValueError):
    """Raised when two dtypes have no implicit promotion path."""


def _join(a: str, b: str) -> str:
    try:
        return _JOIN[a, b]
    except KeyError:
        pass
    small_float_names = {d.name for d in _SMALL_FLOATS}
    if a in small_float_names or b in small_float_names:
        why = ("8-bit floats do not support implicit promotion; convert one "
               "operand explicitly, e.g. with .astype(...)")
    else:
        why = "they have no common type on JAX's promotion lattice"
    raise TypePromotionError(
        f"Input dtypes {_node_label(a)!r} and {_node_label(b)!r} have no "
        f"available implicit dtype promotion path: {why}.")


def _node_label(node: str) -> str:
    return {"i*": "int (weak)", "f*": "float (weak)", "c*": "complex (weak)"}.get(node, node)


def _node_of(dt: np.dtype, weak: bool) -> str:
    """The lattice node of a dtype, given whether the value is weakly typed."""
    node = _DTYPE_TO_NODE.get(dt)
    if node is None:
        raise TypePromotionError(f"dtype {dt} does not take part in type promotion")
    if weak:
        kind = _KIND[dt]
        if kind != "b":  # there is no weak bool
            return _WEAK_NODE_OF_KIND[kind]
    return node


def promote_types(a: DTypeLike, b: DTypeLike) -> np.dtype:
    """The dtype a binary operation casts both arguments to (JAX's lattice).

    The Python types ``int``, ``float`` and ``complex`` stand for weakly typed
    values, so ``promote_types('uint8', int)`` is uint8; everything else is a
    strong type.  As in JAX the result is not canonicalized, and a weak
    result is reported as its 64-bit dtype (``promote_types(int, float)`` is
    float64).
    """
    node = _join(_promotion_node(a), _promotion_node(b))
    return _NODE_TO_DTYPE[node]


def _promotion_node(t: DTypeLike) -> str:
    if t is int or t is float or t is complex:
        return _WEAK_NODE_OF_KIND[python_scalar_dtypes[t].kind]
    return _node_of(_to_np_dtype(t), False)


def _dtype_and_weak(x: Any) -> Tuple[np.dtype, bool]:
    t = type(x)
    if t in _WEAK_PY_TYPES:
        return python_scalar_dtypes[t], True
    if t is bool:
        return _BOOL, False
    if x is int or x is float or x is complex:
        return python_scalar_dtypes[x], True
    if x is None:  # NumPy's convention: result_type(None) is the float default
        return _F64, False
    if t is np.ndarray:
        dt = x.dtype
        if dt in _JAX_DTYPES:
            return dt, False
    return _raw_dtype(x), is_weakly_typed(x)


# Memo of result_type over (x64, (dtype, weak), ...) keys; bounded.
_result_cache: Dict[Tuple[Any, ...], Tuple[np.dtype, bool]] = {}
_RESULT_CACHE_LIMIT = 8192


def result_type(*args: Any, return_weak_type_flag: bool = False
                ) -> Union[np.dtype, Tuple[np.dtype, bool]]:
    """The canonical dtype of combining ``args`` (values or dtype-likes).

    Follows JAX: Python int/float/complex and values whose ``weak_type`` is
    set are weak and defer to strongly typed operands of the same category;
    the result is weak when it lands on a weak lattice node (so
    ``result_type(int32_array, 2.5)`` is float32, weakly typed) or when every
    input is weak.  A weak result takes the default dtype of its kind.
    """
    if not args:
        raise ValueError("at least one array or dtype is required")
    pairs = tuple(_dtype_and_weak(arg) for arg in args)
    key = (config.jax_enable_x64,) + pairs
    try:
        out = _result_cache[key]
    except KeyError:
        out = _result_type_uncached(pairs)
        if len(_result_cache) >= _RESULT_CACHE_LIMIT:
            _result_cache.clear()
        _result_cache[key] = out
    return out if return_weak_type_flag else out[0]


def _result_type_uncached(pairs: Tuple[Tuple[np.dtype, bool], ...]) -> Tuple[np.dtype, bool]:
    dtypes_ = [dt for dt, _ in pairs]
    weaks = [w for _, w in pairs]
    first = dtypes_[0]
    if len(pairs) == 1:
        out_dt, weak = first, weaks[0]
    elif all(dt == first for dt in dtypes_) and not all(weaks):
        # Nothing to promote; this also lets float0 through.
        out_dt, weak = first, False
    elif all(weaks):
        # Join the strong counterparts, then make the result weak; this keeps
        # e.g. a weak int16 and a Python int from landing on a weak int16.
        node = _node_of(first, False)
        for dt in dtypes_[1:]:
            node = _join(node, _node_of(dt, False))
        out_dt, weak = _NODE_TO_DTYPE[node], True
    else:
        node = _node_of(first, weaks[0])
        for dt, w in zip(dtypes_[1:], weaks[1:]):
            node = _join(node, _node_of(dt, w))
        out_dt, weak = _NODE_TO_DTYPE[node], node in _WEAK_NODES
    kind = _KIND.get(out_dt)
    if weak and kind is not None and kind != "b":  # there are no weak bools
        # A weak value takes the default width of its kind (weak bf16 -> float).
        return _default_of_kind(kind), True
    return canonicalize_dtype(out_dt), False


# --------------------------------------------------------------------------
# Predicates and dtype info

_ABSTRACT_NUMPY_TYPES = (np.generic, np.number, np.integer, np.signedinteger,
                         np.unsignedinteger, np.inexact, np.floating,
                         np.complexfloating)
# Where NumPy's class hierarchy does not know ml_dtypes' types, this does.
_ML_DTYPE_PARENTS: Dict[str, Tuple[type, ...]] = {
    "f": (np.floating, np.inexact, np.number, np.generic),
    "i": (np.signedinteger, np.integer, np.number, np.generic),
    "u": (np.unsignedinteger, np.integer, np.number, np.generic),
}


def _is_float0(x: Any) -> bool:
    try:
        return bool(_to_np_dtype(x) == float0)
    except TypeError:
        return False


def issubdtype(a: DTypeLike, b: DTypeLike) -> bool:
    """np.issubdtype that also knows bfloat16 and friends are floating and float0."""
    if b is float0 or (isinstance(b, np.dtype) and b == float0):
        return _is_float0(a)
    if isinstance(a, type) and a in _ABSTRACT_NUMPY_TYPES:
        return isinstance(b, type) and issubclass(b, np.generic) and issubclass(a, b)
    a_dt = _to_np_dtype(a)
    if a_dt == float0:
        return b is float0 or b in (np.void, np.generic)
    if isinstance(b, type) and b in _ABSTRACT_NUMPY_TYPES:
        ml_kind = _ML_DTYPE_KIND.get(a_dt)
        if ml_kind is not None:
            return b in _ML_DTYPE_PARENTS[ml_kind]
        return issubclass(a_dt.type, b)
    b_dt = _to_np_dtype(b)
    if a_dt in _ML_DTYPE_KIND or b_dt in _ML_DTYPE_KIND:
        return a_dt == b_dt
    return bool(np.issubdtype(a_dt, b_dt))


def iinfo(int_type: DTypeLike) -> Any:
    """Integer limits; works for int4/uint4 as well as NumPy's integers."""
    return ml_dtypes.iinfo(_to_np_dtype(int_type))


def finfo(float_type: DTypeLike) -> Any:
    """Float limits; works for bfloat16 and the 8-bit floats too."""
    return ml_dtypes.finfo(_to_np_dtype(float_type))


def _kind_of(dt: DTypeLike) -> Optional[str]:
    kind = _KIND.get(dt)
    if kind is None:
        try:
            kind = _KIND.get(_to_np_dtype(dt))
        except TypeError:
            return None
    return kind


def is_bool_dtype(dt: DTypeLike) -> bool:
    return _kind_of(dt) == "b"


def is_int_dtype(dt: DTypeLike) -> bool:
    """Signed or unsigned integer."""
    return _kind_of(dt) in ("i", "u")


def is_signed_int_dtype(dt: DTypeLike) -> bool:
    return _kind_of(dt) == "i"


def is_unsigned_int_dtype(dt: DTypeLike) -> bool:
    return _kind_of(dt) == "u"


def is_float_dtype(dt: DTypeLike) -> bool:
    """Real floating point, bfloat16 and the ml_dtypes floats included."""
    return _kind_of(dt) == "f"


def is_complex_dtype(dt: DTypeLike) -> bool:
    return _kind_of(dt) == "c"


def is_inexact_dtype(dt: DTypeLike) -> bool:
    return _kind_of(dt) in ("f", "c")


def to_inexact_dtype(dt: DTypeLike) -> np.dtype:
    """Floats and complexes stay; bools and integers become the default float."""
    kind = _kind_of(dt)
    if kind in ("f", "c"):
        return canonicalize_dtype(dt)
    if kind is None:
        raise TypeError(f"{dt!r} is not a numeric dtype")
    return default_float_dtype()


def to_complex_dtype(dt: DTypeLike) -> np.dtype:
    """complex128 for 64-bit inputs (when x64 allows), complex64 otherwise."""
    inexact = _to_np_dtype(to_inexact_dtype(dt))
    if inexact in (_F64, _C128):
        return canonicalize_dtype(_C128)
    return _C64


_SUB_BYTE_BITS: Dict[str, int] = {"int2": 2, "uint2": 2, "int4": 4, "uint4": 4,
                                  "float4_e2m1fn": 4}


def itemsize_bits(dt: DTypeLike) -> int:
    """Bits per element (4 for int4, although NumPy stores it in a byte)."""
    d = _to_np_dtype(dt)
    return _SUB_BYTE_BITS.get(d.name, d.itemsize * 8)


def check_user_dtype_supported(dtype: DTypeLike, fun_name: Optional[str] = None) -> None:
    """Rejects non-numeric dtypes and warns when x64 is off and a 64-bit one is asked for."""
    if dtype is None or (isinstance(dtype, type) and dtype in python_scalar_dtypes):
        return
    try:
        dt = _to_np_dtype(dtype)
    except TypeError as err:
        where = f" in {fun_name}" if fun_name else ""
        raise TypeError(f"Invalid dtype {dtype!r}{where}: {err}") from None
    if dt not in _JAX_DTYPES:
        where = f" in {fun_name}" if fun_name else ""
        raise TypeError(f"JAX only supports number and bool dtypes, got dtype {dt}{where}")
    canonical = canonicalize_dtype(dt)
    if canonical != dt:
        requested = f" requested in {fun_name}" if fun_name else ""
        warnings.warn(
            f"Explicitly requested dtype {dt.name}{requested} is not available, "
            f"and will be truncated to dtype {canonical.name}. To enable more "
            "dtypes, set the jax_enable_x64 configuration option or the "
            "JAX_ENABLE_X64 shell environment variable.",
            UserWarning, stacklevel=3)
