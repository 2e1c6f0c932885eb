"""How a lax primitive is declared: the registration pattern every op follows.

A primitive is a :class:`~jax_core.core.Primitive` with

* a *shape rule* and a *dtype rule* (combined into ``abstract_eval``), which
  raise ``TypeError``/``ValueError`` naming the primitive and the offending
  shapes or dtypes, and
* a NumPy implementation for the eager interpreter.

Interpreter packages add their own rules for the same primitive object
(jvp/transpose in jax-ad, batching in jax-batching, lowering in jax-xla).
Every primitive is recorded in :data:`all_primitives` so those packages (and
their tests) can check that their rule tables are complete.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Primitive, ShapedArray

all_primitives: dict[str, Primitive] = {}


def register(prim: Primitive) -> Primitive:
    if prim.name in all_primitives and all_primitives[prim.name] is not prim:
        raise ValueError(f"primitive {prim.name!r} is registered twice")
    all_primitives[prim.name] = prim
    return prim


# dtype categories, as predicates on np.dtype ------------------------------

def is_float(d: np.dtype) -> bool:
    return d.kind == "f" or d == dtypes.bfloat16


def is_complex(d: np.dtype) -> bool:
    return d.kind == "c"


def is_int(d: np.dtype) -> bool:
    return d.kind in "iu"


def is_signed_int(d: np.dtype) -> bool:
    return d.kind == "i"


def is_unsigned(d: np.dtype) -> bool:
    return d.kind == "u"


def is_bool(d: np.dtype) -> bool:
    return d.kind == "b"


def is_inexact(d: np.dtype) -> bool:
    return is_float(d) or is_complex(d)


def is_numeric(d: np.dtype) -> bool:
    return not is_bool(d)


def is_any(d: np.dtype) -> bool:
    return True


def is_int_or_bool(d: np.dtype) -> bool:
    return is_int(d) or is_bool(d)


def is_float_or_int(d: np.dtype) -> bool:
    return is_float(d) or is_int(d)


def is_signed_numeric(d: np.dtype) -> bool:
    return is_float(d) or is_complex(d) or is_signed_int(d)


_category_names: dict[Callable[[np.dtype], bool], str] = {
    is_float: "floating-point", is_complex: "complex", is_int: "integer",
    is_signed_int: "signed integer", is_unsigned: "unsigned integer", is_bool: "boolean",
    is_inexact: "floating-point or complex", is_numeric: "numeric", is_any: "any",
    is_int_or_bool: "integer or boolean", is_float_or_int: "floating-point or integer",
    is_signed_numeric: "signed numeric",
}


def category_name(pred: Callable[[np.dtype], bool]) -> str:
    return _category_names.get(pred, pred.__name__)


# generic rules --------------------------------------------------------------

def _shape_str(avals: Sequence[ShapedArray]) -> str:
    return ", ".join(a.str_short() for a in avals)


def naryop_abstract_eval(name: str, accepts: Callable[[np.dtype], bool],
                         result_dtype: Callable[[np.dtype], np.dtype] | None = None,
                         require_same_dtypes: bool = True) -> Callable[..., ShapedArray]:
    """Abstract eval of an elementwise op: equal shapes, equal dtypes, allowed kind."""

    def rule(*avals: ShapedArray, **params: Any) -> ShapedArray:
        first = avals[0]
        shape, dtype = first.shape, first.dtype
        weak = first.weak_type
        for a in avals[1:]:
            if a.shape != shape:
                raise TypeError(
                    f"{name} got incompatible shapes for broadcasting: {_shape_str(avals)}. "
                    f"lax.{name} requires all operands to have the same shape; use "
                    "jax.numpy functions for NumPy-style broadcasting, or lax.broadcast_in_dim.")
            if require_same_dtypes and a.dtype != dtype:
                raise TypeError(
                    f"lax.{name} requires arguments to have the same dtypes, got "
                    f"{', '.join(x.dtype.name for x in avals)}. (Tip: jax.numpy.{name} does "
                    "automatic type promotion; or cast with lax.convert_element_type.)")
            weak = weak and a.weak_type
        for a in avals:
            if not accepts(a.dtype):
                raise TypeError(
                    f"lax.{name} does not accept dtype {a.dtype.name}; it accepts "
                    f"{category_name(accepts)} dtypes (got {_shape_str(avals)}).")
        out_dtype = result_dtype(dtype) if result_dtype is not None else dtype
        return ShapedArray(shape, out_dtype, weak and result_dtype is None)

    return rule


def elementwise(name: str, np_impl: Callable[..., Any], accepts: Callable[[np.dtype], bool],
                result_dtype: Callable[[np.dtype], np.dtype] | None = None,
                require_same_dtypes: bool = True) -> Primitive:
    """Declare an elementwise primitive from its NumPy implementation."""
    p = Primitive(name)
    p.def_abstract_eval(naryop_abstract_eval(name, accepts, result_dtype, require_same_dtypes))
    p.def_impl(np_impl)
    return register(p)


def standard_primitive(name: str, abstract_eval: Callable[..., Any], impl: Callable[..., Any],
                       multiple_results: bool = False) -> Primitive:
    p = Primitive(name)
    p.multiple_results = multiple_results
    p.def_abstract_eval(abstract_eval)
    p.def_impl(impl)
    return register(p)


def to_bool_dtype(d: np.dtype) -> np.dtype:
    return np.dtype(np.bool_)


def real_dtype(d: np.dtype) -> np.dtype:
    if d.kind == "c":
        return np.dtype(np.float32) if d == np.complex64 else np.dtype(np.float64)
    return d


def canonical_axes(axes: Sequence[int], ndim: int, name: str) -> tuple[int, ...]:
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"{name}: axis {a} is out of bounds for an array of rank {ndim}")
        out.append(a % ndim if ndim else a)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: duplicate axes {tuple(axes)}")
    return tuple(out)
