"""Tests for jax_core.dtypes (canonicalization, the promotion lattice) and jax_core.config."""
import os
import subprocess
import sys
import warnings

import ml_dtypes
import numpy as np
import pytest

import jax_core
from jax_core import dtypes, config
from jax_core.config import Config, disable_jit, enable_x64, parse_bool

# --------------------------------------------------------------------------
# JAX's documented binary promotion table ("Type promotion semantics" page of
# the JAX documentation).  Codes: b1 bool, uN/iN unsigned/signed N-byte int,
# bf bfloat16, fN N-byte float, cN N-byte complex; i*, f*, c* are weakly typed
# int/float/complex (Python scalars).  Row x column gives the join.

PROMOTION_TABLE = """
     b1  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
b1   b1  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
u1   u1  u1  u2  u4  u8  i2  i2  i4  i8  bf  f2  f4  f8  c8  c16 u1  f*  c*
u2   u2  u2  u2  u4  u8  i4  i4  i4  i8  bf  f2  f4  f8  c8  c16 u2  f*  c*
u4   u4  u4  u4  u4  u8  i8  i8  i8  i8  bf  f2  f4  f8  c8  c16 u4  f*  c*
u8   u8  u8  u8  u8  u8  f*  f*  f*  f*  bf  f2  f4  f8  c8  c16 u8  f*  c*
i1   i1  i2  i4  i8  f*  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i1  f*  c*
i2   i2  i2  i4  i8  f*  i2  i2  i4  i8  bf  f2  f4  f8  c8  c16 i2  f*  c*
i4   i4  i4  i4  i8  f*  i4  i4  i4  i8  bf  f2  f4  f8  c8  c16 i4  f*  c*
i8   i8  i8  i8  i8  f*  i8  i8  i8  i8  bf  f2  f4  f8  c8  c16 i8  f*  c*
bf   bf  bf  bf  bf  bf  bf  bf  bf  bf  bf  f4  f4  f8  c8  c16 bf  bf  c8
f2   f2  f2  f2  f2  f2  f2  f2  f2  f2  f4  f2  f4  f8  c8  c16 f2  f2  c8
f4   f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f8  c8  c16 f4  f4  c8
f8   f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  c16 c16 f8  f8  c16
c8   c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c16 c8  c16 c8  c8  c8
c16  c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16
i*   i*  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
f*   f*  f*  f*  f*  f*  f*  f*  f*  f*  bf  f2  f4  f8  c8  c16 f*  f*  c*
c*   c*  c*  c*  c*  c*  c*  c*  c*  c*  c8  c8  c8  c16 c8  c16 c*  c*  c*
"""

STRONG_CODES = {
    "b1": np.dtype(np.bool_),
    "u1": np.dtype(np.uint8), "u2": np.dtype(np.uint16),
    "u4": np.dtype(np.uint32), "u8": np.dtype(np.uint64),
    "i1": np.dtype(np.int8), "i2": np.dtype(np.int16),
    "i4": np.dtype(np.int32), "i8": np.dtype(np.int64),
    "bf": np.dtype(ml_dtypes.bfloat16), "f2": np.dtype(np.float16),
    "f4": np.dtype(np.float32), "f8": np.dtype(np.float64),
    "c8": np.dtype(np.complex64), "c16": np.dtype(np.complex128),
}
WEAK_SCALARS = {"i*": 0, "f*": 0.0, "c*": 0j}
WEAK_TYPES = {"i*": int, "f*": float, "c*": complex}
WEAK_AS_64_BIT = {"i*": np.dtype(np.int64), "f*": np.dtype(np.float64),
                  "c*": np.dtype(np.complex128)}


def _parse_table():
    lines = [line.split() for line in PROMOTION_TABLE.strip().splitlines()]
    cols = lines[0]
    table = {}
    for row in lines[1:]:
        assert len(row) == len(cols) + 1
        for col, result in zip(cols, row[1:]):
            table[row[0], col] = result
    return cols, table


CODES, TABLE = _parse_table()
PAIRS = sorted(TABLE)


class Weak:
    """Stands in for a weakly typed Array/Tracer: has .dtype and .weak_type."""

    def __init__(self, dtype, weak_type=True):
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type


def _expected(code, x64):
    """(dtype, weak) for a table entry under the given x64 setting."""
    if code.endswith("*"):
        kind = {"i*": "int", "f*": "float", "c*": "complex"}[code]
        dt = np.dtype(f"{kind}64" if kind != "complex" else "complex128")
        if not x64:
            dt = {np.dtype("int64"): np.dtype("int32"),
                  np.dtype("float64"): np.dtype("float32"),
                  np.dtype("complex128"): np.dtype("complex64")}[dt]
        return dt, True
    dt = STRONG_CODES[code]
    if not x64:
        dt = {np.dtype("uint64"): np.dtype("uint32"), np.dtype("int64"): np.dtype("int32"),
              np.dtype("float64"): np.dtype("float32"),
              np.dtype("complex128"): np.dtype("complex64")}.get(dt, dt)
    return dt, False


def _value_forms(code):
    """Ways to pass a value with lattice type `code` to result_type."""
    if code.endswith("*"):
        strong = {"i*": np.int32, "f*": np.float32, "c*": np.complex64}[code]
        return [WEAK_SCALARS[code], WEAK_TYPES[code], Weak(strong)]
    dt = STRONG_CODES[code]
    return [dt, np.zeros((2,), dt), dt.type(0)]


def test_table_is_complete_and_symmetric():
    assert CODES == list(STRONG_CODES) + ["i*", "f*", "c*"]
    for a, b in PAIRS:
        assert TABLE[a, b] == TABLE[b, a], (a, b)


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_result_type_matches_documented_table(x64):
    mismatches = []
    with enable_x64(x64):
        for a, b in PAIRS:
            want = _expected(TABLE[a, b], x64)
            for va in _value_forms(a):
                for vb in _value_forms(b):
                    got = dtypes.result_type(va, vb, return_weak_type_flag=True)
                    if got != want:
                        mismatches.append(f"{a} + {b} ({va!r}, {vb!r}): want {want}, got {got}")
    assert not mismatches, "\n".join(mismatches[:20])


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_promote_types_matches_documented_table(x64):
    # promote_types is not canonicalized and reports weak results as 64-bit
    # dtypes, as in JAX; Python types stand for the weak nodes.
    def arg(code):
        return WEAK_TYPES[code] if code.endswith("*") else STRONG_CODES[code]

    with enable_x64(x64):
        for a, b in PAIRS:
            code = TABLE[a, b]
            want = WEAK_AS_64_BIT[code] if code.endswith("*") else STRONG_CODES[code]
            assert dtypes.promote_types(arg(a), arg(b)) == want, (a, b)


def test_promote_types_doc_examples():
    assert dtypes.promote_types("int32", "float32") == np.float32
    assert dtypes.promote_types(np.int32, np.float32) == np.float32
    assert dtypes.promote_types("uint8", int) == np.uint8
    assert dtypes.promote_types("float16", float) == np.float16
    assert dtypes.promote_types(dtypes.bfloat16, np.float16) == np.float32
    assert dtypes.promote_types(np.int8, dtypes.bfloat16) == dtypes.bfloat16
    assert dtypes.promote_types(np.uint64, np.int64) == np.float64
    assert isinstance(dtypes.promote_types(np.int8, np.int8), np.dtype)


def test_result_type_is_associative_over_triples():
    codes = list(STRONG_CODES) + ["i*", "f*", "c*"]
    with enable_x64(True):
        for a in codes:
            for b in codes:
                for c in codes:
                    args = [_value_forms(x)[0] for x in (a, b, c)]
                    r1 = dtypes.result_type(*args, return_weak_type_flag=True)
                    r2 = dtypes.result_type(args[2], args[0], args[1], return_weak_type_flag=True)
                    assert r1 == r2, (a, b, c)


# --------------------------------------------------------------------------
# Weak types


def test_weak_type_examples():
    with enable_x64(False):
        assert dtypes.result_type(np.zeros(3, np.int8), 2) == np.int8
        assert dtypes.result_type(np.zeros(3, np.int8), 2, return_weak_type_flag=True) == (
            np.dtype(np.int8), False)
        # JAX's table: i4 + f* = f*, so the result is a *weakly typed* float32.
        assert dtypes.result_type(np.zeros(3, np.int32), 2.5,
                                  return_weak_type_flag=True) == (np.dtype(np.float32), True)
        assert dtypes.result_type(2, 2.5, return_weak_type_flag=True) == (
            np.dtype(np.float32), True)
        assert dtypes.result_type(np.zeros(3, dtypes.bfloat16), 1.0,
                                  return_weak_type_flag=True) == (np.dtype(dtypes.bfloat16), False)
        assert dtypes.result_type(np.float16(1), 2.0) == np.float16
        assert dtypes.result_type(np.zeros(2, np.float32), 1j) == np.complex64
        # bool is strongly typed: bool + weak int is a weak int.
        assert dtypes.result_type(True, 1, return_weak_type_flag=True) == (np.dtype(np.int32), True)
        assert dtypes.result_type(True, False, return_weak_type_flag=True) == (np.dtype(bool), False)
        # A NumPy array is strong: int16 + np.array(1) (int64) goes to int64 -> int32.
        assert dtypes.result_type(np.int16(1), np.array(1)) == np.int32
    with enable_x64(True):
        assert dtypes.result_type(np.int16(1), np.array(1)) == np.int64
        assert dtypes.result_type(np.int16(1), 1) == np.int16
        assert dtypes.result_type(2, 2.5, return_weak_type_flag=True) == (np.dtype(np.float64), True)


def test_weak_values_alone_and_together():
    with enable_x64(False):
        # A lone weak value takes the default dtype of its kind.
        assert dtypes.result_type(Weak(np.int8), return_weak_type_flag=True) == (np.dtype(np.int32), True)
        assert dtypes.result_type(Weak(dtypes.bfloat16), return_weak_type_flag=True) == (
            np.dtype(np.float32), True)
        assert dtypes.result_type(Weak(np.float32, weak_type=False),
                                  return_weak_type_flag=True) == (np.dtype(np.float32), False)
        # All weak: join the strong counterparts, then stay weak.
        assert dtypes.result_type(Weak(np.int16), 3, return_weak_type_flag=True) == (
            np.dtype(np.int32), True)
        assert dtypes.result_type(Weak(np.int16), Weak(np.float16),
                                  return_weak_type_flag=True) == (np.dtype(np.float32), True)
        assert dtypes.result_type(1, return_weak_type_flag=True) == (np.dtype(np.int32), True)
        # Weak and strong of the same dtype: strong wins.
        assert dtypes.result_type(Weak(np.float32), np.zeros(2, np.float32),
                                  return_weak_type_flag=True) == (np.dtype(np.float32), False)


def test_is_weakly_typed():
    assert dtypes.is_weakly_typed(1)
    assert dtypes.is_weakly_typed(1.5)
    assert dtypes.is_weakly_typed(1j)
    assert not dtypes.is_weakly_typed(True)  # Python bool is not weak in JAX
    assert not dtypes.is_weakly_typed(np.float32(1))
    assert not dtypes.is_weakly_typed(np.float64(1))  # a float subclass, but NumPy's
    assert not dtypes.is_weakly_typed(np.array(1.0))
    assert dtypes.is_weakly_typed(Weak(np.float32))
    assert not dtypes.is_weakly_typed(Weak(np.float32, weak_type=False))
    assert not dtypes.is_weakly_typed(object())


def test_result_type_misc():
    with enable_x64(False):
        assert dtypes.result_type(None) == np.float32
        assert dtypes.result_type("float64") == np.float32
        assert dtypes.result_type(dtypes.float0, dtypes.float0) == dtypes.float0
    with pytest.raises(ValueError):
        dtypes.result_type()
    with pytest.raises(dtypes.TypePromotionError, match="8-bit floats"):
        dtypes.result_type(ml_dtypes.float8_e4m3fn, np.float32)
    assert dtypes.result_type(ml_dtypes.float8_e5m2, 1.0) == ml_dtypes.float8_e5m2
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.result_type(np.array(["a"]), 1)


# --------------------------------------------------------------------------
# Canonicalization and dtype()

CANONICAL_32 = [
    (np.int64, np.int32), (np.uint64, np.uint32), (np.float64, np.float32),
    (np.complex128, np.complex64), (np.int8, np.int8), (np.uint16, np.uint16),
    (np.float16, np.float16), (np.bool_, np.bool_), (dtypes.bfloat16, dtypes.bfloat16),
    (np.complex64, np.complex64), (np.int32, np.int32),
]


@pytest.mark.parametrize("given,want32", CANONICAL_32)
def test_canonicalize_dtype(given, want32):
    for form in (given, np.dtype(given), np.dtype(given).name):
        with enable_x64(False):
            got = dtypes.canonicalize_dtype(form)
            assert isinstance(got, np.dtype) and got == np.dtype(want32)
        with enable_x64(True):
            assert dtypes.canonicalize_dtype(form) == np.dtype(given)


def test_canonicalize_python_types_and_byteorder():
    with enable_x64(False):
        assert dtypes.canonicalize_dtype(float) == np.float32
        assert dtypes.canonicalize_dtype(int) == np.int32
        assert dtypes.canonicalize_dtype(np.dtype(">f8")) == np.float32
        assert dtypes.canonicalize_dtype(np.dtype(">i2")).isnative
        assert dtypes.canonicalize_dtype(dtypes.float0) == dtypes.float0
    with enable_x64(True):
        assert dtypes.canonicalize_dtype(float) == np.float64


def test_dtype_of_values():
    with enable_x64(False):
        assert dtypes.dtype(True) == np.bool_
        assert dtypes.dtype(1) == np.int32
        assert dtypes.dtype(1.0) == np.float32
        assert dtypes.dtype(1j) == np.complex64
        assert dtypes.dtype(np.zeros(2)) == np.float32
        assert dtypes.dtype(np.float16(1)) == np.float16
        assert dtypes.dtype(np.zeros(2, dtypes.bfloat16)) == dtypes.bfloat16
        assert dtypes.dtype("float64") == np.float32
        assert dtypes.dtype(np.float64) == np.float32
        assert dtypes.dtype(float) == np.float32
        assert dtypes.dtype(Weak(np.int64)) == np.int32
        assert dtypes.dtype(np.dtype("int16")) == np.int16
        assert dtypes.dtype(1.0, canonicalize=False) == np.float64
    with enable_x64(True):
        assert dtypes.dtype(1) == np.int64
        assert dtypes.dtype(1.0) == np.float64
        assert dtypes.dtype(1j) == np.complex128
        assert dtypes.dtype(np.zeros(2)) == np.float64
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.dtype(np.array(["x"]))
    with pytest.raises(ValueError):
        dtypes.dtype(None)


def test_defaults():
    with enable_x64(False):
        assert dtypes.default_int_dtype() == np.int32
        assert dtypes.default_uint_dtype() == np.uint32
        assert dtypes.default_float_dtype() == np.float32
        assert dtypes.default_complex_dtype() == np.complex64
        assert dtypes.canonicalize_dtype(dtypes.float_) == np.float32
    with enable_x64(True):
        assert dtypes.default_int_dtype() == np.int64
        assert dtypes.default_uint_dtype() == np.uint64
        assert dtypes.default_float_dtype() == np.float64
        assert dtypes.default_complex_dtype() == np.complex128


def test_public_scalar_types():
    assert dtypes.bfloat16 is ml_dtypes.bfloat16
    assert dtypes.float0 == np.dtype([("float0", np.void, 0)])
    assert dtypes.float0.itemsize == 0
    for name in ["bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "float16", "float32", "float64", "complex64", "complex128"]:
        assert getattr(dtypes, name) is getattr(np, name)
    assert dtypes.python_scalar_dtypes == {
        bool: np.dtype(bool), int: np.dtype(np.int64), float: np.dtype(np.float64),
        complex: np.dtype(np.complex128)}


def test_scalar_type_of():
    assert dtypes.scalar_type_of(True) is bool
    assert dtypes.scalar_type_of(np.int8(1)) is int
    assert dtypes.scalar_type_of(np.uint32(1)) is int
    assert dtypes.scalar_type_of(np.zeros((), dtypes.bfloat16)) is float
    assert dtypes.scalar_type_of(1.0) is float
    assert dtypes.scalar_type_of(np.complex64(1)) is complex


# --------------------------------------------------------------------------
# Predicates and info


def test_issubdtype():
    assert dtypes.issubdtype(dtypes.bfloat16, np.floating)
    assert dtypes.issubdtype(dtypes.bfloat16, np.inexact)
    assert dtypes.issubdtype(dtypes.bfloat16, dtypes.bfloat16)
    assert not dtypes.issubdtype(dtypes.bfloat16, np.integer)
    assert not dtypes.issubdtype(dtypes.bfloat16, np.float16)
    assert not dtypes.issubdtype(np.float32, dtypes.bfloat16)
    assert dtypes.issubdtype(ml_dtypes.int4, np.signedinteger)
    assert dtypes.issubdtype(ml_dtypes.uint4, np.unsignedinteger)
    assert dtypes.issubdtype(dtypes.float0, dtypes.float0)
    assert not dtypes.issubdtype(dtypes.float0, np.floating)
    assert not dtypes.issubdtype(np.float32, dtypes.float0)
    assert not dtypes.issubdtype(np.dtype("V4"), dtypes.float0)
    assert dtypes.issubdtype(np.int32, np.integer)
    assert dtypes.issubdtype("float32", np.floating)
    assert not dtypes.issubdtype(np.int32, np.floating)
    assert dtypes.issubdtype(np.complex64, np.complexfloating)
    assert dtypes.issubdtype(np.floating, np.inexact)
    assert dtypes.issubdtype(np.bool_, np.bool_)


def test_iinfo_finfo():
    assert dtypes.finfo(dtypes.bfloat16).bits == 16
    assert float(dtypes.finfo(dtypes.bfloat16).eps) == 2.0 ** -7
    assert dtypes.finfo(np.float32).eps == np.finfo(np.float32).eps
    assert dtypes.finfo("float16").max == np.finfo(np.float16).max
    assert dtypes.iinfo(np.int8).max == 127
    assert dtypes.iinfo(ml_dtypes.int4).min == -8
    assert dtypes.iinfo("uint16").max == 65535


def test_kind_predicates():
    assert dtypes.is_float_dtype(np.float32) and dtypes.is_float_dtype(dtypes.bfloat16)
    assert dtypes.is_float_dtype(np.dtype("float16")) and dtypes.is_float_dtype("float64")
    assert not dtypes.is_float_dtype(np.int32) and not dtypes.is_float_dtype(np.complex64)
    assert dtypes.is_int_dtype(np.int8) and dtypes.is_int_dtype(np.uint64)
    assert not dtypes.is_int_dtype(np.bool_) and not dtypes.is_int_dtype(np.float32)
    assert dtypes.is_complex_dtype(np.complex64) and not dtypes.is_complex_dtype(np.float64)
    assert dtypes.is_bool_dtype(np.bool_) and dtypes.is_bool_dtype(bool)
    assert not dtypes.is_bool_dtype(np.int8)
    assert not dtypes.is_float_dtype(dtypes.float0)
    assert not dtypes.is_float_dtype("not a dtype")


def test_to_inexact_and_complex():
    with enable_x64(False):
        assert dtypes.to_inexact_dtype(np.int32) == np.float32
        assert dtypes.to_inexact_dtype(np.bool_) == np.float32
        assert dtypes.to_inexact_dtype(np.float16) == np.float16
        assert dtypes.to_inexact_dtype(dtypes.bfloat16) == dtypes.bfloat16
        assert dtypes.to_inexact_dtype(np.complex64) == np.complex64
        assert dtypes.to_complex_dtype(np.float32) == np.complex64
        assert dtypes.to_complex_dtype(np.int8) == np.complex64
        assert dtypes.to_complex_dtype(np.float64) == np.complex64
    with enable_x64(True):
        assert dtypes.to_inexact_dtype(np.int64) == np.float64
        assert dtypes.to_inexact_dtype(np.float32) == np.float32
        assert dtypes.to_complex_dtype(np.float64) == np.complex128
        assert dtypes.to_complex_dtype(np.float16) == np.complex64
        assert dtypes.to_complex_dtype(np.int32) == np.complex128


def test_check_user_dtype_supported():
    with enable_x64(False):
        msg = ("Explicitly requested dtype float64 requested in zeros is not available, "
               "and will be truncated to dtype float32. To enable more dtypes, set the "
               "jax_enable_x64 configuration option or the JAX_ENABLE_X64 shell "
               "environment variable.")
        with pytest.warns(UserWarning) as record:
            dtypes.check_user_dtype_supported(np.float64, "zeros")
        assert str(record[0].message) == msg
        with pytest.warns(UserWarning, match="dtype int64 requested in ones .* int32"):
            dtypes.check_user_dtype_supported("int64", "ones")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dtypes.check_user_dtype_supported(np.float32, "zeros")
            dtypes.check_user_dtype_supported(float, "zeros")
            dtypes.check_user_dtype_supported(None, "zeros")
            dtypes.check_user_dtype_supported(dtypes.bfloat16, "zeros")
            dtypes.check_user_dtype_supported(dtypes.float0, "zeros")
    with enable_x64(True):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dtypes.check_user_dtype_supported(np.float64, "zeros")
    with pytest.raises(TypeError, match="number and bool dtypes"):
        dtypes.check_user_dtype_supported(np.dtype("U3"), "zeros")


def test_itemsize_bits():
    assert dtypes.itemsize_bits(np.float32) == 32
    assert dtypes.itemsize_bits(dtypes.bfloat16) == 16
    assert dtypes.itemsize_bits(ml_dtypes.int4) == 4


# --------------------------------------------------------------------------
# config


def test_config_defaults_and_reads():
    for name in ["jax_enable_x64", "jax_disable_jit", "jax_platforms", "jax_num_cpu_devices",
                 "jax_default_matmul_precision", "jax_numpy_rank_promotion",
                 "jax_debug_nans", "jax_default_prng_impl"]:
        assert config.read(name) == getattr(config, name)
    assert isinstance(config.jax_num_cpu_devices, int)
    assert isinstance(config.jax_enable_x64, bool)
    # The documented defaults, on a fresh import with no JAX_* variables set:
    code = ("from jax_core.config import config; print(config.jax_numpy_rank_promotion, "
            "config.jax_default_prng_impl, config.jax_default_matmul_precision, "
            "config.jax_debug_nans)")
    assert _run_with_env({}, code) == ["allow", "threefry2x32", "None", "False"]


def test_config_update_errors():
    with pytest.raises(AttributeError) as info:
        config.update("jax_no_such_flag", True)
    assert "jax_no_such_flag" in str(info.value) and "jax_enable_x64" in str(info.value)
    with pytest.raises(AttributeError, match="jax_no_such_flag"):
        config.jax_no_such_flag
    with pytest.raises(AttributeError, match="jax_no_such_flag"):
        config.read("jax_no_such_flag")
    with pytest.raises(ValueError, match="jax_numpy_rank_promotion"):
        config.update("jax_numpy_rank_promotion", "sometimes")
    assert config.jax_numpy_rank_promotion == "allow"
    with pytest.raises(TypeError, match="jax_enable_x64"):
        config.update("jax_enable_x64", None)


def test_config_update_and_listeners():
    calls = []
    listener = lambda name, value: calls.append((name, value))  # noqa: E731
    config.add_listener(listener)
    old = config.jax_debug_nans
    try:
        config.update("jax_debug_nans", not old)
        assert config.jax_debug_nans is (not old)
        assert calls == [("jax_debug_nans", not old)]
        config.update("jax_debug_nans", not old)  # unchanged: no notification
        assert len(calls) == 1
        config.update("jax_debug_nans", "false" if not old else "true")  # strings parse
        assert config.jax_debug_nans is old
    finally:
        config.update("jax_debug_nans", old)
        config.remove_listener(listener)
    config.update("jax_debug_nans", not old)
    config.update("jax_debug_nans", old)
    assert calls == [("jax_debug_nans", not old), ("jax_debug_nans", old)]


def test_trace_context_is_cached_and_tracks_flags():
    ctx = config.trace_context()
    assert config.trace_context() is ctx  # no rebuild without an update
    assert ctx == (config.jax_enable_x64, config.jax_default_matmul_precision,
                   config.jax_numpy_rank_promotion, config.jax_debug_nans)
    with enable_x64(not config.jax_enable_x64):
        assert config.trace_context() != ctx
        assert config.trace_context()[0] == config.jax_enable_x64
    assert config.trace_context() == ctx
    old = config.jax_num_cpu_devices
    ctx = config.trace_context()
    config.update("jax_num_cpu_devices", old + 1)  # does not affect tracing
    try:
        assert config.trace_context() is ctx
    finally:
        config.update("jax_num_cpu_devices", old)


def test_context_managers_restore():
    before = config.jax_enable_x64
    with enable_x64(True):
        assert config.jax_enable_x64 is True
        with enable_x64(False):
            assert config.jax_enable_x64 is False
        assert config.jax_enable_x64 is True
    assert config.jax_enable_x64 is before
    with pytest.raises(RuntimeError):
        with enable_x64(not before):
            raise RuntimeError
    assert config.jax_enable_x64 is before
    jit_before = config.jax_disable_jit
    with disable_jit():
        assert config.jax_disable_jit is True
        with disable_jit(False):
            assert config.jax_disable_jit is False
    with config.disable_jit():
        assert config.jax_disable_jit is True
    assert config.jax_disable_jit is jit_before


def test_define_flag(monkeypatch):
    cfg = Config()
    monkeypatch.setenv("MY_FLAG_INT", "7")
    monkeypatch.setenv("MY_FLAG_BOOL", "Yes")
    assert cfg.define_flag("my_int", 1, env_var="MY_FLAG_INT") == 7
    assert cfg.define_flag("my_bool", False, env_var="MY_FLAG_BOOL") is True
    assert cfg.define_flag("my_unset", 3, env_var="MY_FLAG_UNSET_XYZ") == 3
    assert cfg.define_flag("my_custom", (), env_var="MY_FLAG_INT",
                           parse=lambda s: tuple(s.split(","))) == ("7",)
    cfg.define_flag("my_tracing", "a", affects_tracing=True)
    assert cfg.trace_context() == ("a",)
    cfg.update("my_tracing", "b")
    assert cfg.trace_context() == ("b",)
    cfg.update("my_int", "12")
    assert cfg.my_int == 12
    with pytest.raises(ValueError, match="already defined"):
        cfg.define_flag("my_int", 2)
    monkeypatch.setenv("MY_FLAG_BAD", "maybe")
    with pytest.raises(ValueError, match="MY_FLAG_BAD"):
        cfg.define_flag("my_bad", False, env_var="MY_FLAG_BAD")
    # jax-xla and others extend the singleton the same way
    assert "my_int" not in config.values


def test_parse_bool():
    for text in ["1", "true", "TRUE", "yes", "Yes", "on", "y", "t"]:
        assert parse_bool(text) is True
    for text in ["0", "false", "no", "off", "", "N"]:
        assert parse_bool(text) is False
    with pytest.raises(ValueError):
        parse_bool("maybe")


def _run_with_env(env_updates, code):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("JAX_"):
            del env[key]
    env.update(env_updates)
    src = os.path.dirname(os.path.dirname(os.path.abspath(jax_core.__file__)))
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_environment_variables():
    code = ("from jax_core.config import config; from jax_core import dtypes; "
            "print(config.jax_enable_x64, config.jax_disable_jit, config.jax_platforms, "
            "config.jax_num_cpu_devices, dtypes.dtype(1.0), dtypes.canonicalize_dtype('int64'))")
    assert _run_with_env(
        {"JAX_ENABLE_X64": "1", "JAX_DISABLE_JIT": "yes", "JAX_PLATFORMS": "cpu",
         "JAX_NUM_CPU_DEVICES": "4"}, code) == ["True", "True", "cpu", "4", "float64", "int64"]
    assert _run_with_env({"JAX_ENABLE_X64": "0"}, code) == [
        "False", "False", "None", "1", "float32", "int32"]
