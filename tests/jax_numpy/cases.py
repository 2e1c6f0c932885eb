"""The table of jax_numpy test cases: each applies one function to sample inputs.

A case's ``fn(m, *args)`` takes a NumPy-like module ``m`` first: the tests call
it with ``jax_numpy`` and compare with the oracle, ``oracle(*args)`` if given,
else ``fn(numpy, *args)`` -- so most cases are a single lambda, written once
for both libraries.  This module imports only NumPy.
"""
from __future__ import annotations

import dataclasses
import zlib
from typing import Any, Callable, Sequence

import numpy as np


@dataclasses.dataclass
class Case:
    name: str
    fn: Callable[..., Any]
    args: Sequence[Any]
    oracle: Callable[..., Any] | None = None
    rtol: float | None = None
    atol: float | None = None
    grad: tuple = ()          # positions of args that check_grads differentiates
    jit: bool = True          # traceable with abstract inputs (static output shapes)
    vmap: bool = True         # batchable over a leading axis of the first argument
    exact: bool = False
    grad_order: int = 1

    def __repr__(self) -> str:
        return self.name


def rng_for(name: str) -> np.random.RandomState:
    return np.random.RandomState(zlib.crc32(name.encode()) % (2 ** 31))


def _shape_str(shape: tuple) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def sample(name: str, shape: tuple, dtype: Any, low: float = -3.0, high: float = 3.0,
           nonzero: bool = False, special: bool = False) -> np.ndarray:
    """Deterministic random input for a case."""
    r = rng_for(name)
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return r.rand(*shape) > 0.5
    if dt.kind in "iu":
        lo = int(max(low, np.iinfo(dt).min)) if dt.kind == "i" else max(int(low), 0)
        hi = int(min(high, np.iinfo(dt).max))
        v = r.randint(lo, hi + 1, size=shape).astype(dt)
        if nonzero:
            v = np.where(v == 0, 1, v).astype(dt)
        return v
    if dt.kind == "c":
        v = (r.uniform(low, high, size=shape) + 1j * r.uniform(low, high, size=shape)).astype(dt)
    else:
        v = r.uniform(low, high, size=shape).astype(dt)
    if nonzero:
        v = np.where(np.abs(v) < 0.1, 0.5, v).astype(dt)
    if special and v.size >= 4 and dt.kind == "f":
        flat = v.reshape(-1)
        flat[0], flat[1], flat[2], flat[3] = np.inf, -np.inf, np.nan, -0.0
    return v


CASES: list[Case] = []


def add(name: str, fn: Callable[..., Any], args: Sequence[Any], **kw: Any) -> None:
    CASES.append(Case(name, fn, list(args), **kw))


F32, F16, I32, I8, U8, BOOL, C64 = "float32", "float16", "int32", "int8", "uint8", "bool", "complex64"

# ---------------------------------------------------------------------------
# unary elementwise


_UNARY = [
    # name, numpy oracle, domain (low, high), dtypes, differentiable
    ("sin", np.sin, (-3, 3), (F32, I32, C64, F16), True),
    ("cos", np.cos, (-3, 3), (F32, C64), True),
    ("tan", np.tan, (-1.2, 1.2), (F32,), True),
    ("arcsin", np.arcsin, (-0.9, 0.9), (F32,), True),
    ("arccos", np.arccos, (-0.9, 0.9), (F32,), True),
    ("arctan", np.arctan, (-3, 3), (F32,), True),
    ("sinh", np.sinh, (-3, 3), (F32,), True),
    ("cosh", np.cosh, (-3, 3), (F32,), True),
    ("tanh", np.tanh, (-3, 3), (F32, C64), True),
    ("arcsinh", np.arcsinh, (-3, 3), (F32,), True),
    ("arccosh", np.arccosh, (1.1, 4), (F32,), True),
    ("arctanh", np.arctanh, (-0.9, 0.9), (F32,), True),
    ("asin", np.arcsin, (-0.9, 0.9), (F32,), False),
    ("acosh", np.arccosh, (1.1, 4), (F32,), False),
    ("exp", np.exp, (-3, 3), (F32, I32, C64, F16), True),
    ("exp2", np.exp2, (-3, 3), (F32,), True),
    ("expm1", np.expm1, (-3, 3), (F32,), True),
    ("log", np.log, (0.1, 4), (F32, C64), True),
    ("log2", np.log2, (0.1, 4), (F32,), True),
    ("log10", np.log10, (0.1, 4), (F32,), True),
    ("log1p", np.log1p, (-0.5, 4), (F32,), True),
    ("sqrt", np.sqrt, (0.1, 4), (F32, C64), True),
    ("cbrt", np.cbrt, (-3, 3), (F32,), False),
    ("deg2rad", np.deg2rad, (-3, 3), (F32, I32), True),
    ("rad2deg", np.rad2deg, (-3, 3), (F32,), True),
    ("degrees", np.degrees, (-3, 3), (F32,), False),
    ("radians", np.radians, (-3, 3), (F32,), False),
    ("sinc", np.sinc, (-3, 3), (F32,), True),
    ("i0", np.i0, (-20, 20), (F32,), True),
    ("reciprocal", lambda x: np.reciprocal(x.astype(np.float64) if x.dtype.kind in "iu" else x),
     (0.5, 3), (F32, C64), True),
    ("square", np.square, (-3, 3), (F32, I32, C64), True),
    ("abs", np.abs, (-3, 3), (F32, I32, C64, I8), True),
    ("absolute", np.absolute, (-3, 3), (F32,), False),
    ("fabs", np.fabs, (-3, 3), (F32,), True),
    ("negative", np.negative, (-3, 3), (F32, I32, C64, U8), True),
    ("positive", np.positive, (-3, 3), (F32, I32), False),
    ("sign", np.sign, (-3, 3), (F32, I32, U8), False),
    ("floor", np.floor, (-3, 3), (F32, I32), False),
    ("ceil", np.ceil, (-3, 3), (F32, I32), False),
    ("trunc", np.trunc, (-3, 3), (F32,), False),
    ("rint", np.rint, (-3, 3), (F32, I32), False),
    ("round", np.round, (-3, 3), (F32, I32, C64), False),
    ("around", np.around, (-3, 3), (F32,), False),
    ("isfinite", np.isfinite, (-3, 3), (F32, I32, C64), False),
    ("isinf", np.isinf, (-3, 3), (F32, I32), False),
    ("isnan", np.isnan, (-3, 3), (F32, I32, C64), False),
    ("isposinf", np.isposinf, (-3, 3), (F32,), False),
    ("isneginf", np.isneginf, (-3, 3), (F32,), False),
    ("signbit", np.signbit, (-3, 3), (F32, I32), False),
    ("spacing", np.spacing, (-3, 3), (F32,), False),
    ("nan_to_num", np.nan_to_num, (-3, 3), (F32,), False),
    ("real", np.real, (-3, 3), (F32, C64), True),
    ("imag", np.imag, (-3, 3), (F32, C64), False),
    ("conj", np.conj, (-3, 3), (F32, C64), True),
    ("conjugate", np.conjugate, (-3, 3), (C64,), False),
    ("angle", np.angle, (-3, 3), (F32, C64), False),
    ("logical_not", np.logical_not, (-3, 3), (BOOL, I32), False),
    ("invert", np.invert, (-3, 3), (BOOL, I32, U8), False),
    ("bitwise_not", np.bitwise_not, (-3, 3), (I8,), False),
    ("bitwise_count", np.bitwise_count, (-100, 100), (I32, U8), False),
    ("iscomplex", np.iscomplex, (-3, 3), (F32, C64), False),
    ("isreal", np.isreal, (-3, 3), (F32, C64), False),
]

_SPECIAL = {"isfinite", "isinf", "isnan", "isposinf", "isneginf", "signbit", "nan_to_num", "spacing"}

for _name, _np_fn, (_lo, _hi), _dts, _diff in _UNARY:
    for _dt in _dts:
        for _shape in [(), (7,), (2, 3)]:
            if _shape == () and _dt not in (F32,):
                continue
            _cname = f"{_name}_{_dt}_{_shape_str(_shape)}"
            _x = sample(_cname, _shape, _dt, _lo, _hi, special=_name in _SPECIAL and _shape != ())
            if _name == "spacing":
                _x = np.where(np.isfinite(_x), _x, 1.0).astype(_x.dtype)
            if _name == "round" and _dt == C64:
                _x = np.round(_x * 4) / 4 + 0.01
            add(_cname, (lambda n: lambda m, x: getattr(m, n)(x))(_name), [_x],
                oracle=(lambda f: lambda x: f(x))(_np_fn),
                grad=(0,) if _diff and _dt == F32 and _shape != () else (),
                rtol=2e-2 if _dt == F16 else (1e-4 if _name in ("i0", "cosh", "sinh", "exp2", "expm1")
                                              else None),
                atol=2e-2 if _dt == F16 else None)

add("round_decimals_f32", lambda m, x: m.round(x, 2), [sample("rd", (6,), F32)],
    oracle=lambda x: np.round(x, 2), atol=1e-6)
add("round_negative_decimals_i32", lambda m, x: m.round(x, -1), [sample("rdi", (6,), I32, -99, 99)],
    oracle=lambda x: np.round(x, -1))
add("nan_to_num_kwargs", lambda m, x: m.nan_to_num(x, nan=1.5, posinf=9.0, neginf=-9.0),
    [sample("ntn", (6,), F32, special=True)])
add("modf_f32", lambda m, x: m.modf(x), [sample("modf", (7,), F32)])
add("frexp_f32", lambda m, x: m.frexp(x),
    [np.array([0.0, 1.0, -3.5, 1e-30, 1024.0, 0.75, np.inf, np.nan, 3e38], np.float32)])

# ---------------------------------------------------------------------------
# binary elementwise

_BIN_SHAPES = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)), ((), (5,))]

_BINARY = [
    # name, dtype pairs, domain of x, domain of y (None: same as x), y nonzero, differentiable
    ("add", [(F32, F32), (I32, I32), (F32, I32), (BOOL, BOOL), (C64, C64), (I8, U8)], (-3, 3), None, False, True),
    ("subtract", [(F32, F32), (I32, I32), (I8, F32)], (-3, 3), None, False, True),
    ("multiply", [(F32, F32), (I32, I32), (BOOL, BOOL), (C64, F32)], (-3, 3), None, False, True),
    ("divide", [(F32, F32), (I32, I32), (C64, C64)], (-3, 3), None, True, True),
    ("true_divide", [(F32, F32), (I8, I8)], (-3, 3), None, True, False),
    ("floor_divide", [(F32, F32), (I32, I32), (U8, U8)], (-9, 9), None, True, False),
    ("remainder", [(F32, F32), (I32, I32)], (-9, 9), None, True, False),
    ("mod", [(F32, F32)], (-9, 9), None, True, False),
    ("fmod", [(F32, F32), (I32, I32)], (-9, 9), None, True, False),
    ("power", [(F32, F32), (I32, I32), (C64, C64)], (0.5, 2), (0, 3), False, True),
    ("pow", [(F32, F32)], (0.5, 2), (0, 3), False, False),
    ("float_power", [(F32, F32), (I32, I32)], (0.5, 3), (0, 3), False, True),
    ("arctan2", [(F32, F32), (I32, I32)], (-3, 3), None, True, True),
    ("atan2", [(F32, F32)], (-3, 3), None, True, False),
    ("hypot", [(F32, F32)], (-3, 3), None, False, True),
    ("logaddexp", [(F32, F32)], (-3, 3), None, False, True),
    ("logaddexp2", [(F32, F32)], (-3, 3), None, False, True),
    ("maximum", [(F32, F32), (I32, I32), (BOOL, BOOL)], (-3, 3), None, False, True),
    ("minimum", [(F32, F32), (I32, F32)], (-3, 3), None, False, True),
    ("fmax", [(F32, F32)], (-3, 3), None, False, False),
    ("fmin", [(F32, F32)], (-3, 3), None, False, False),
    ("copysign", [(F32, F32)], (-3, 3), None, False, False),
    ("nextafter", [(F32, F32)], (-3, 3), None, False, False),
    ("heaviside", [(F32, F32)], (-3, 3), None, False, False),
    ("equal", [(F32, F32), (I32, I32), (C64, C64), (BOOL, BOOL)], (-2, 2), None, False, False),
    ("not_equal", [(F32, F32), (I32, F32)], (-2, 2), None, False, False),
    ("less", [(F32, F32), (I32, I32), (U8, I8)], (-2, 2), None, False, False),
    ("less_equal", [(F32, F32)], (-2, 2), None, False, False),
    ("greater", [(F32, F32), (I32, I32)], (-2, 2), None, False, False),
    ("greater_equal", [(F32, F32)], (-2, 2), None, False, False),
    ("logical_and", [(BOOL, BOOL), (F32, I32)], (-2, 2), None, False, False),
    ("logical_or", [(BOOL, BOOL)], (-2, 2), None, False, False),
    ("logical_xor", [(BOOL, BOOL), (I32, I32)], (-2, 2), None, False, False),
    ("bitwise_and", [(I32, I32), (BOOL, BOOL), (U8, U8)], (-50, 50), None, False, False),
    ("bitwise_or", [(I32, I32), (BOOL, BOOL)], (-50, 50), None, False, False),
    ("bitwise_xor", [(I32, I32), (I8, I8)], (-50, 50), None, False, False),
    ("left_shift", [(I32, I32), (U8, U8)], (0, 20), (0, 7), False, False),
    ("right_shift", [(I32, I32), (U8, U8)], (-100, 100), (0, 7), False, False),
    ("bitwise_left_shift", [(I32, I32)], (0, 20), (0, 7), False, False),
    ("bitwise_right_shift", [(I32, I32)], (0, 100), (0, 7), False, False),
    ("gcd", [(I32, I32), (I8, I8)], (-60, 60), None, False, False),
    ("lcm", [(I32, I32)], (-30, 30), None, False, False),
    ("divmod", [(F32, F32), (I32, I32)], (-9, 9), None, True, False),
]

for _name, _pairs, _xdom, _ydom, _nz, _diff in _BINARY:
    for _dx, _dy in _pairs:
        for _sx, _sy in _BIN_SHAPES:
            if (_dx, _dy) != _pairs[0] and (_sx, _sy) != _BIN_SHAPES[1]:
                continue
            _cname = f"{_name}_{_dx}_{_dy}_{_shape_str(_sx)}_{_shape_str(_sy)}"
            _yd = _ydom if _ydom is not None else _xdom
            _x = sample(_cname + "x", _sx, _dx, *_xdom)
            _y = sample(_cname + "y", _sy, _dy, *_yd, nonzero=_nz)
            if _name in ("floor_divide", "remainder", "mod", "divmod") and _dx == F32:
                _x = np.round(_x * 4) / 4 + 0.013
                _x = _x.astype(np.float32)
            add(_cname, (lambda n: lambda m, x, y: getattr(m, n)(x, y))(_name), [_x, _y],
                grad=(0, 1) if _diff and _dx == F32 and _dy == F32 and _sx != () else (),
                rtol=1e-4 if _name in ("power", "float_power", "logaddexp2") else None)

add("ldexp_f32_i32", lambda m, x, e: m.ldexp(x, e), [sample("ldx", (3, 4), F32), sample("lde", (3, 4), I32, -5, 5)])
add("ldexp_big_exponent", lambda m, x, e: m.ldexp(x, e),
    [np.array([1e-30, 3.0, 1e30], np.float32), np.array([120, -130, -100], np.int32)])
add("add_python_scalar", lambda m, x: m.add(x, 2.5), [sample("aps", (4,), F32)])
add("multiply_int_scalar", lambda m, x: m.multiply(x, 3), [sample("mis", (4,), I8, -20, 20)])
add("power_int_scalar", lambda m, x: m.power(x, 3), [sample("pis", (5,), F32)], grad=(0,))
add("power_int_neg_exponent_float", lambda m, x: m.power(x, -2), [sample("pin", (5,), F32, 0.5, 2)])
add("sqrt_python_scalar", lambda m: m.sqrt(4.0), [])

# ---------------------------------------------------------------------------
# ufunc methods

add("add_reduce", lambda m, x: m.add.reduce(x, axis=1), [sample("ar", (3, 4), F32)])
add("multiply_reduce_all", lambda m, x: m.multiply.reduce(x, axis=None), [sample("mr", (3, 2), F32, 0.5, 1.5)])
add("maximum_reduce", lambda m, x: m.maximum.reduce(x), [sample("mxr", (3, 4), I32)])
add("logaddexp_reduce", lambda m, x: m.logaddexp.reduce(x, axis=0), [sample("lr", (4, 3), F32)])
add("subtract_reduce", lambda m, x: m.subtract.reduce(x, axis=0), [sample("sr", (4, 3), F32)])
add("add_accumulate", lambda m, x: m.add.accumulate(x, axis=1), [sample("aa", (3, 4), F32)])
add("multiply_accumulate", lambda m, x: m.multiply.accumulate(x), [sample("ma", (5,), F32, 0.5, 1.5)])
add("minimum_accumulate", lambda m, x: m.minimum.accumulate(x), [sample("mina", (6,), F32)])
add("subtract_accumulate", lambda m, x: m.subtract.accumulate(x), [sample("suba", (5,), F32)])
add("add_outer", lambda m, x, y: m.add.outer(x, y), [sample("ao1", (3,), F32), sample("ao2", (4,), F32)])
add("multiply_outer_2d", lambda m, x, y: m.multiply.outer(x, y), [sample("mo1", (2, 2), F32),
                                                                  sample("mo2", (3,), F32)])
add("bitwise_or_reduce", lambda m, x: m.bitwise_or.reduce(x, axis=0), [sample("bor", (4, 3), I32, 0, 64)])
add("logical_and_reduce", lambda m, x: m.logical_and.reduce(x, axis=1), [sample("lar", (4, 3), BOOL)])
add("add_reduceat", lambda m, x: m.add.reduceat(x, np.array([0, 2, 2, 5])), [sample("rat", (7,), F32)],
    oracle=lambda x: np.add.reduceat(x, [0, 2, 2, 5]))
add("add_at", lambda m, x: m.add.at(x, np.array([0, 1, 1, 3]), 2.0, inplace=False),
    [sample("aat", (5,), F32)], oracle=lambda x: _np_ufunc_at(np.add, x, [0, 1, 1, 3], 2.0))
add("negative_at", lambda m, x: m.negative.at(x, np.array([0, 2]), inplace=False),
    [sample("nat", (5,), F32)], oracle=lambda x: _np_ufunc_at(np.negative, x, [0, 2]))


def _np_ufunc_at(uf: Any, x: np.ndarray, idx: Any, *b: Any) -> np.ndarray:
    x = x.copy()
    uf.at(x, idx, *b)
    return x


# ---------------------------------------------------------------------------
# reductions

_AXES = [(None, (2, 3, 4)), (0, (2, 3, 4)), (-1, (2, 3, 4)), ((0, 2), (2, 3, 4)), (1, (4, 5)),
         (None, ())]
_REDUCTIONS = [
    # name, dtypes, differentiable
    ("sum", (F32, I32, BOOL, I8, C64), True),
    ("prod", (F32, I32), True),
    ("max", (F32, I32, BOOL), True),
    ("min", (F32, U8), True),
    ("amax", (F32,), False),
    ("amin", (F32,), False),
    ("mean", (F32, I32, C64), True),
    ("var", (F32, I32, C64), True),
    ("std", (F32,), True),
    ("ptp", (F32, I32), False),
    ("any", (BOOL, F32), False),
    ("all", (BOOL, I32), False),
    ("nansum", (F32,), False),
    ("nanprod", (F32,), False),
    ("nanmax", (F32,), False),
    ("nanmin", (F32,), False),
    ("nanmean", (F32,), False),
    ("nanvar", (F32,), False),
    ("nanstd", (F32,), False),
    ("median", (F32, I32), False),
    ("nanmedian", (F32,), False),
    ("count_nonzero", (F32, BOOL), False),
]

for _name, _dts, _diff in _REDUCTIONS:
    for _dt in _dts:
        for _ax, _shape in _AXES:
            if _dt != _dts[0] and _ax not in (None, 1):
                continue
            _cname = f"{_name}_{_dt}_{_shape_str(_shape)}_axis{_ax}"
            _lo, _hi = (0.5, 1.5) if _name in ("prod", "nanprod") else (-3, 3)
            if _name == "prod" and _dt == I32:
                _lo, _hi = (-2, 2)
            _x = sample(_cname, _shape, _dt, _lo, _hi)
            if _name.startswith("nan") and _x.size > 3:
                _x = _x.copy()
                _x.reshape(-1)[1] = np.nan
            if _name == "count_nonzero" and _dt == F32:
                _x = np.round(_x).astype(np.float32)
            add(_cname, (lambda n, a: lambda m, x: getattr(m, n)(x, axis=a))(_name, _ax), [_x],
                grad=(0,) if _diff and _dt == F32 and _shape != () and _name not in ("max", "min") else (),
                rtol=1e-4 if _name in ("var", "std", "prod") else None, atol=1e-5)
    _cname = f"{_name}_keepdims"
    _x = sample(_cname, (3, 4), _dts[0], 0.5, 1.5)
    add(_cname, (lambda n: lambda m, x: getattr(m, n)(x, axis=1, keepdims=True))(_name), [_x])

for _name in ("sum", "prod", "max", "min", "mean", "var", "std", "any", "all"):
    _cname = f"{_name}_where"
    _dt = BOOL if _name in ("any", "all") else F32
    _x = sample(_cname, (3, 4), _dt, 0.5, 1.5)
    _w = sample(_cname + "w", (4,), BOOL)
    _w[0] = True
    if _name in ("max", "min"):
        add(_cname, (lambda n: lambda m, x, w: getattr(m, n)(x, axis=1, where=w, initial=0.7))(_name),
            [_x, _w])
    else:
        add(_cname, (lambda n: lambda m, x, w: getattr(m, n)(x, axis=1, where=w))(_name), [_x, _w],
            rtol=1e-5)
for _name in ("sum", "prod", "max", "min"):
    _cname = f"{_name}_initial"
    add(_cname, (lambda n: lambda m, x: getattr(m, n)(x, axis=0, initial=2.5))(_name),
        [sample(_cname, (3, 4), F32, 0.5, 3)])
add("sum_dtype_f32_from_i8", lambda m, x: m.sum(x, dtype=m.float32), [sample("sdt", (5,), I8, -9, 9)])
add("sum_promote_integers_false", lambda m, x: m.sum(x, promote_integers=False),
    [sample("spi", (5,), I8, -9, 9)], oracle=lambda x: np.sum(x, dtype=np.int8))
add("mean_dtype", lambda m, x: m.mean(x, dtype=m.float32), [sample("mdt", (5,), I32)])
add("var_ddof1", lambda m, x: m.var(x, axis=0, ddof=1), [sample("vdd", (5, 3), F32)], grad=(0,))
add("std_ddof2", lambda m, x: m.std(x, ddof=2), [sample("sdd", (6,), F32)])
add("var_correction", lambda m, x: m.var(x, correction=1), [sample("vcor", (6,), F32)],
    oracle=lambda x: np.var(x, ddof=1))
add("nanvar_ddof", lambda m, x: m.nanvar(x, axis=1, ddof=1),
    [np.array([[1, np.nan, 3, 4], [2, 2, np.nan, np.nan]], np.float32)])
add("nanmax_all_nan", lambda m, x: m.nanmax(x, axis=1),
    [np.array([[np.nan, np.nan], [1, np.nan]], np.float32)])
add("nanargmax", lambda m, x: m.nanargmax(x, axis=1), [np.array([[np.nan, 2, 5], [1, np.nan, 0]], np.float32)])
add("nanargmin", lambda m, x: m.nanargmin(x), [np.array([[np.nan, 2, 5], [1, np.nan, 0]], np.float32)])
for _name in ("argmax", "argmin"):
    for _ax in (None, 0, 1):
        _cname = f"{_name}_axis{_ax}"
        add(_cname, (lambda n, a: lambda m, x: getattr(m, n)(x, axis=a))(_name, _ax),
            [sample(_cname, (4, 5), F32)])
    add(f"{_name}_keepdims", (lambda n: lambda m, x: getattr(m, n)(x, axis=1, keepdims=True))(_name),
        [sample(f"{_name}kd", (4, 5), I32)])
    add(f"{_name}_nan_first", (lambda n: lambda m, x: getattr(m, n)(x))(_name),
        [np.array([1, np.nan, 5, np.nan], np.float32)])
    add(f"{_name}_ties_first", (lambda n: lambda m, x: getattr(m, n)(x))(_name),
        [np.array([2, 7, 7, 0, 0], np.int32)])

for _name in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
    for _dt, _ax in ((F32, None), (F32, 0), (F32, -1), (I32, 1), (BOOL, 1)):
        _cname = f"{_name}_{_dt}_axis{_ax}"
        _x = sample(_cname, (3, 4), _dt, 0.5, 1.5) if _dt == F32 else sample(_cname, (3, 4), _dt, -2, 2)
        if _name.startswith("nan") and _dt == F32:
            _x.reshape(-1)[2] = np.nan
        add(_cname, (lambda n, a: lambda m, x: getattr(m, n)(x, axis=a))(_name, _ax), [_x],
            grad=(0,) if _dt == F32 and not _name.startswith("nan") else (), rtol=1e-5)
add("cumsum_dtype", lambda m, x: m.cumsum(x, dtype=m.float32), [sample("csd", (5,), I32)])
add("cumulative_sum", lambda m, x: m.cumulative_sum(x, axis=1, include_initial=True),
    [sample("cums", (3, 4), F32)],
    oracle=lambda x: np.concatenate([np.zeros((3, 1), np.float32), np.cumsum(x, axis=1)], 1))
add("cumulative_prod", lambda m, x: m.cumulative_prod(x), [sample("cump", (5,), F32)],
    oracle=lambda x: np.cumprod(x))

for _q, _meth in ((0.3, "linear"), (np.array([0.0, 0.25, 0.5, 1.0], np.float32), "linear"),
                  (0.6, "lower"), (0.6, "higher"), (0.5, "midpoint"), (0.4, "nearest")):
    for _ax in (None, 1):
        _cname = f"quantile_{_meth}_{np.ndim(_q)}d_axis{_ax}"
        add(_cname, (lambda q, a, mt: lambda m, x: m.quantile(x, q, axis=a, method=mt))(_q, _ax, _meth),
            [sample(_cname, (4, 7), F32)], rtol=1e-5)
add("quantile_keepdims", lambda m, x: m.quantile(x, 0.25, axis=0, keepdims=True), [sample("qk", (5, 3), F32)])
add("quantile_grad", lambda m, x: m.quantile(x, 0.3), [sample("qg", (9,), F32)], grad=(0,))
add("percentile", lambda m, x: m.percentile(x, 40.0, axis=0), [sample("pct", (6, 3), F32)])
add("nanquantile", lambda m, x: m.nanquantile(x, 0.5, axis=1),
    [np.array([[1, np.nan, 3, 4], [np.nan, np.nan, 2, 8], [np.nan] * 4], np.float32)])
add("nanpercentile", lambda m, x: m.nanpercentile(x, 75.0),
    [np.array([1, np.nan, 3, 4, 7], np.float32)])
add("quantile_with_nan", lambda m, x: m.quantile(x, 0.5), [np.array([1, np.nan, 3], np.float32)])
add("median_even", lambda m, x: m.median(x), [sample("med", (6,), F32)], grad=(0,))
add("median_axis0_keepdims", lambda m, x: m.median(x, axis=0, keepdims=True), [sample("medk", (4, 3), F32)])
add("average", lambda m, x: m.average(x), [sample("avg", (3, 4), F32)])
add("average_weights", lambda m, x, w: m.average(x, axis=1, weights=w),
    [sample("avw", (3, 4), F32), sample("avww", (4,), F32, 0.1, 1)], grad=(0, 1))
add("average_weights_full", lambda m, x, w: m.average(x, weights=w, returned=True),
    [sample("avf", (3, 4), F32), sample("avfw", (3, 4), F32, 0.1, 1)])

# ---------------------------------------------------------------------------
# creation

add("zeros", lambda m: m.zeros((2, 3)), [])
add("zeros_int", lambda m: m.zeros(4, dtype=m.int32), [])
add("ones", lambda m: m.ones((3,), dtype=m.float32), [])
add("empty_shape", lambda m: m.empty((2, 2)).shape, [], oracle=lambda: (2, 2))
add("full", lambda m: m.full((2, 3), 7.5), [])
add("full_array_fill", lambda m, v: m.full((2, 3), v), [sample("fa", (3,), F32)])
add("zeros_like", lambda m, x: m.zeros_like(x), [sample("zl", (2, 3), I32)])
add("ones_like_dtype", lambda m, x: m.ones_like(x, dtype=m.float32), [sample("ol", (2, 3), I32)])
add("full_like", lambda m, x: m.full_like(x, 3), [sample("fl", (4,), F32)])
add("full_like_shape", lambda m, x: m.full_like(x, 2, shape=(2, 2)), [sample("fls", (4,), F32)])
add("empty_like", lambda m, x: m.empty_like(x).shape, [sample("el", (4, 2), F32)],
    oracle=lambda x: (4, 2))
add("arange_stop", lambda m: m.arange(7), [])
add("arange_start_stop_step", lambda m: m.arange(2, 11, 3), [])
add("arange_float", lambda m: m.arange(0.0, 1.0, 0.25), [])
add("arange_negative_step", lambda m: m.arange(5, -3, -2), [])
add("linspace", lambda m: m.linspace(0.0, 1.0, 7), [])
add("linspace_no_endpoint", lambda m: m.linspace(2, 3, 5, endpoint=False), [])
add("linspace_retstep", lambda m: m.linspace(0, 10, 5, retstep=True), [])
add("linspace_int", lambda m: m.linspace(0, 10, 5, dtype=int), [],
    oracle=lambda: np.linspace(0, 10, 5).astype(int))
add("linspace_arrays", lambda m, a, b: m.linspace(a, b, 4, axis=1), [sample("lsa", (3,), F32),
                                                                     sample("lsb", (3,), F32)],
    grad=(0, 1), rtol=1e-5, atol=1e-6)
add("linspace_num1", lambda m: m.linspace(3.0, 4.0, 1), [])
add("logspace", lambda m: m.logspace(0, 2, 5), [], rtol=1e-5)
add("logspace_base2", lambda m: m.logspace(0, 3, 4, base=2.0), [], rtol=1e-5)
add("geomspace", lambda m: m.geomspace(1, 1000, 4), [], rtol=1e-5)
add("geomspace_negative", lambda m: m.geomspace(-1, -100, 3), [], rtol=1e-5)
add("eye", lambda m: m.eye(3), [])
add("eye_rect_k", lambda m: m.eye(3, 5, k=1, dtype=m.int32), [])
add("eye_neg_k", lambda m: m.eye(4, k=-2), [])
add("identity", lambda m: m.identity(4), [])
add("tri", lambda m: m.tri(3, 4, k=1), [])
add("tril", lambda m, x: m.tril(x), [sample("tril", (4, 4), F32)], grad=(0,))
add("tril_k", lambda m, x: m.tril(x, k=-1), [sample("trilk", (2, 3, 4), F32)])
add("triu", lambda m, x: m.triu(x, 1), [sample("triu", (3, 5), I32)])
for _k in (0, 1, -2):
    add(f"diag_1d_k{_k}", (lambda k: lambda m, v: m.diag(v, k))(_k), [sample(f"d1{_k}", (3,), F32)],
        grad=(0,))
    add(f"diag_2d_k{_k}", (lambda k: lambda m, v: m.diag(v, k))(_k), [sample(f"d2{_k}", (4, 5), F32)],
        grad=(0,))
add("diagflat", lambda m, v: m.diagflat(v, 1), [sample("dfl", (2, 2), F32)])
add("diagonal_3d", lambda m, x: m.diagonal(x, 1, 0, 2), [sample("dg3", (3, 2, 4), F32)], grad=(0,))
add("diagonal_offset_big", lambda m, x: m.diagonal(x, 7), [sample("dgb", (3, 4), F32)])
add("meshgrid_xy", lambda m, x, y: m.meshgrid(x, y), [sample("mgx", (3,), F32), sample("mgy", (4,), F32)])
add("meshgrid_ij_sparse", lambda m, x, y, z: m.meshgrid(x, y, z, indexing="ij", sparse=True),
    [sample("mga", (2,), F32), sample("mgb", (3,), F32), sample("mgc", (4,), F32)])
add("indices", lambda m: m.indices((2, 3)), [])
add("indices_sparse", lambda m: m.indices((2, 3), sparse=True), [])
add("fromfunction", lambda m: m.fromfunction(lambda i, j: i * 10 + j, (3, 4), dtype=int), [])
add("vander", lambda m, x: m.vander(x), [sample("vd", (4,), F32)], grad=(0,), rtol=1e-5)
add("vander_N_increasing", lambda m, x: m.vander(x, 3, increasing=True), [sample("vdi", (4,), I32)])
add("tril_indices", lambda m: m.tril_indices(4, -1), [])
add("triu_indices_m", lambda m: m.triu_indices(3, 1, 5), [])
add("tril_indices_from", lambda m, x: m.tril_indices_from(x), [sample("tif", (3, 3), F32)])
add("triu_indices_from", lambda m, x: m.triu_indices_from(x, 1), [sample("tuf", (3, 4), F32)])
add("diag_indices", lambda m: m.diag_indices(3, 3), [])
add("diag_indices_from", lambda m, x: m.diag_indices_from(x), [sample("dif", (3, 3), F32)])
add("mask_indices", lambda m: m.mask_indices(3, m.triu), [], jit=False)
add("mgrid", lambda m: m.mgrid[0:3, 1:5:2], [])
add("mgrid_complex_step", lambda m: m.mgrid[0:1:5j], [])
add("ogrid", lambda m: m.ogrid[0:3, 0:2], [])
add("r_", lambda m: m.r_[1:4, 7, np.array([9, 10])], [])
add("r_arrays", lambda m, x, y: m.r_[x, y], [sample("ra", (2, 3), F32), sample("rb", (1, 3), F32)])
add("r_axis_directive", lambda m, x, y: m.r_["-1", x, y], [sample("rda", (2, 3), F32), sample("rdb", (2, 2), F32)])
add("c_", lambda m, x, y: m.c_[x, y], [sample("ca", (3,), F32), sample("cb", (3,), F32)])
add("c_2d", lambda m, x, y: m.c_[x, y], [sample("c2a", (2, 2), F32), sample("c2b", (2, 1), F32)])
add("ix_", lambda m, a, b: m.ix_(a, b), [np.array([0, 2]), np.array([1, 3, 4])])
add("array_nested_list", lambda m: m.array([[1, 2.5], [3, 4]]), [])
add("array_ndmin", lambda m, x: m.array(x, ndmin=3), [sample("andm", (4,), F32)])
add("asarray_dtype", lambda m, x: m.asarray(x, dtype=m.int32), [sample("asd", (4,), F32)],
    oracle=lambda x: x.astype(np.int32))
add("copy", lambda m, x: m.copy(x), [sample("copy", (3,), F32)])
add("astype", lambda m, x: m.astype(x, m.int8), [sample("ast", (5,), F32, -50, 50)],
    oracle=lambda x: x.astype(np.int8))

# ---------------------------------------------------------------------------
# shape manipulation

_X234 = sample("x234", (2, 3, 4), F32)
add("reshape", lambda m, x: m.reshape(x, (4, 6)), [_X234], grad=(0,))
add("reshape_minus_one", lambda m, x: m.reshape(x, (-1, 2)), [_X234])
add("reshape_F", lambda m, x: m.reshape(x, (4, 6), order="F"), [_X234])
add("ravel", lambda m, x: m.ravel(x), [_X234])
add("ravel_F", lambda m, x: m.ravel(x, order="F"), [_X234])
add("transpose", lambda m, x: m.transpose(x), [_X234], grad=(0,))
add("transpose_axes", lambda m, x: m.transpose(x, (1, 0, 2)), [_X234])
add("permute_dims", lambda m, x: m.permute_dims(x, (2, 0, 1)), [_X234],
    oracle=lambda x: np.transpose(x, (2, 0, 1)))
add("matrix_transpose", lambda m, x: m.matrix_transpose(x), [_X234],
    oracle=lambda x: np.swapaxes(x, -1, -2))
add("moveaxis", lambda m, x: m.moveaxis(x, 0, -1), [_X234])
add("moveaxis_multi", lambda m, x: m.moveaxis(x, (0, 1), (2, 0)), [_X234])
add("rollaxis", lambda m, x: m.rollaxis(x, 2, 0), [_X234])
add("swapaxes", lambda m, x: m.swapaxes(x, 0, 2), [_X234])
add("squeeze", lambda m, x: m.squeeze(x), [sample("sq", (1, 3, 1), F32)])
add("squeeze_axis", lambda m, x: m.squeeze(x, axis=2), [sample("sqa", (1, 3, 1), F32)])
add("expand_dims", lambda m, x: m.expand_dims(x, (0, 3)), [sample("ed", (2, 3), F32)])
add("expand_dims_neg", lambda m, x: m.expand_dims(x, -1), [sample("edn", (2, 3), F32)])
_A, _B = sample("ca1", (2, 3), F32), sample("ca2", (1, 3), F32)
add("concatenate", lambda m, a, b: m.concatenate([a, b]), [_A, _B], grad=(0, 1))
add("concatenate_axis1", lambda m, a, b: m.concatenate([a, b], axis=1),
    [_A, sample("ca3", (2, 2), I32)])
add("concatenate_none", lambda m, a, b: m.concatenate([a, b], axis=None), [_A, _B])
add("concat", lambda m, a, b: m.concat([a, b]), [_A, _B], oracle=lambda a, b: np.concatenate([a, b]))
add("stack", lambda m, a, b: m.stack([a, b], axis=1), [_A, sample("st2", (2, 3), F32)], grad=(0, 1))
add("stack_neg_axis", lambda m, a, b: m.stack([a, b], axis=-1), [_A, sample("st3", (2, 3), F32)])
add("unstack", lambda m, x: m.unstack(x, axis=1), [_X234], oracle=lambda x: tuple(np.moveaxis(x, 1, 0)))
add("hstack", lambda m, a, b: m.hstack([a, b]), [sample("hs1", (3,), F32), sample("hs2", (2,), F32)])
add("hstack_2d", lambda m, a, b: m.hstack([a, b]), [_A, sample("hs3", (2, 1), F32)])
add("vstack", lambda m, a, b: m.vstack([a, b]), [sample("vs1", (3,), F32), sample("vs2", (3,), F32)])
add("dstack", lambda m, a, b: m.dstack([a, b]), [_A, sample("ds2", (2, 3), F32)])
add("column_stack", lambda m, a, b: m.column_stack([a, b]), [sample("cs1", (3,), F32),
                                                               sample("cs2", (3, 2), F32)])
add("atleast_1d", lambda m, x: m.atleast_1d(x), [np.float32(3.0)])
add("atleast_2d", lambda m, x: m.atleast_2d(x), [sample("a2", (3,), F32)])
add("atleast_3d", lambda m, x, y: m.atleast_3d(x, y), [sample("a3a", (3,), F32), sample("a3b", (2, 3), F32)])
add("block", lambda m, a, b, c, d: m.block([[a, b], [c, d]]),
    [sample("bk1", (2, 2), F32), sample("bk2", (2, 1), F32), sample("bk3", (1, 2), F32),
     sample("bk4", (1, 1), F32)])
add("block_1d", lambda m, a, b: m.block([a, b]), [sample("bkk1", (2,), F32), sample("bkk2", (3,), F32)])
add("append", lambda m, a, b: m.append(a, b), [_A, _B])
add("append_axis", lambda m, a, b: m.append(a, b, axis=0), [_A, _B])
add("split_sections", lambda m, x: m.split(x, 2, axis=2), [_X234], grad=(0,))
add("split_indices", lambda m, x: m.split(x, [1, 3], axis=1), [_X234])
add("array_split", lambda m, x: m.array_split(x, 3, axis=2), [_X234])
add("hsplit", lambda m, x: m.hsplit(x, 2), [sample("hsp", (2, 4), F32)])
add("vsplit", lambda m, x: m.vsplit(x, [1]), [sample("vsp", (3, 4), F32)])
add("dsplit", lambda m, x: m.dsplit(x, 2), [_X234])
add("tile", lambda m, x: m.tile(x, (2, 1, 3)), [sample("tile", (2, 3), F32)], grad=(0,))
add("tile_int", lambda m, x: m.tile(x, 3), [sample("tile1", (2,), I32)])
add("repeat_scalar", lambda m, x: m.repeat(x, 3, axis=1), [sample("rep", (2, 3), F32)], grad=(0,))
add("repeat_flat", lambda m, x: m.repeat(x, 2), [sample("repf", (2, 2), I32)])
add("repeat_array", lambda m, x: m.repeat(x, np.array([1, 0, 3]), axis=0), [sample("repa", (3, 2), F32)])
add("repeat_total_length", lambda m, x, r: m.repeat(x, r, total_repeat_length=6),
    [sample("rtl", (3,), F32), np.array([2, 1, 3], np.int32)],
    oracle=lambda x, r: np.repeat(x, r))
add("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3, 4)), [sample("bt", (3, 1), F32)], grad=(0,))
add("broadcast_arrays", lambda m, x, y: m.broadcast_arrays(x, y), [sample("ba1", (3, 1), F32),
                                                                  sample("ba2", (4,), I32)])
add("broadcast_shapes", lambda m: m.broadcast_shapes((3, 1), (1, 4), (4,)), [])
add("flip", lambda m, x: m.flip(x), [_X234], grad=(0,))
add("flip_axis", lambda m, x: m.flip(x, (0, 2)), [_X234])
add("fliplr", lambda m, x: m.fliplr(x), [_A])
add("flipud", lambda m, x: m.flipud(x), [_A])
for _sh, _ax in ((2, None), (-1, 1), ((1, 2), (0, 2)), (7, 2)):
    add(f"roll_{_sh}_{_ax}", (lambda s, a: lambda m, x: m.roll(x, s, a))(_sh, _ax), [_X234], grad=(0,))
add("roll_traced_shift", lambda m, x, s: m.roll(x, s, 1), [sample("rts", (3, 5), F32), np.int32(2)],
    vmap=False)
for _k in (0, 1, 2, 3, -1):
    add(f"rot90_k{_k}", (lambda k: lambda m, x: m.rot90(x, k))(_k), [sample(f"rot{_k}", (2, 3), F32)])
add("rot90_axes", lambda m, x: m.rot90(x, 1, (1, 2)), [_X234])
add("resize", lambda m, x: m.resize(x, (3, 5)), [sample("rsz", (2, 3), F32)])
add("trim_zeros", lambda m, x: m.trim_zeros(x), [np.array([0, 0, 1, 2, 0, 3, 0], np.int32)], jit=False)
add("trim_zeros_f", lambda m, x: m.trim_zeros(x, "f"), [np.array([0, 0, 1, 2, 0], np.int32)], jit=False)
add("delete_int", lambda m, x: m.delete(x, 1, axis=1), [sample("del", (3, 4), F32)])
add("delete_array", lambda m, x: m.delete(x, np.array([0, 3])), [sample("dela", (6,), I32)])
add("delete_slice", lambda m, x: m.delete(x, slice(1, 3), axis=0), [sample("dels", (5, 2), F32)])
add("delete_step_slice", lambda m, x: m.delete(x, slice(0, 5, 2)), [sample("delss", (6,), F32)])
add("insert_scalar", lambda m, x: m.insert(x, 2, 9.0), [sample("ins", (5,), F32)])
add("insert_axis", lambda m, x: m.insert(x, 1, 5.0, axis=1), [sample("insa", (2, 3), F32)])
add("insert_multi", lambda m, x: m.insert(x, np.array([1, 1, 3]), np.array([7.0, 8.0, 9.0], np.float32)),
    [sample("insm", (4,), F32)])
add("insert_block", lambda m, x, v: m.insert(x, 1, v, axis=0), [sample("insb", (3, 2), F32),
                                                                 sample("insbv", (2,), F32)])
add("ravel_multi_index", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4)),
    [np.array([0, 2, 1], np.int32), np.array([3, 1, 0], np.int32)], jit=False)
add("ravel_multi_index_wrap", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), mode="wrap"),
    [np.array([0, 5, -1], np.int32), np.array([3, 1, 9], np.int32)])
add("unravel_index", lambda m, i: m.unravel_index(i, (3, 4)), [np.array([0, 5, 11, 7], np.int32)])
add("shape_fn", lambda m, x: m.shape(x), [_X234])
add("ndim_fn", lambda m, x: m.ndim(x), [_X234])
add("size_fn", lambda m, x: m.size(x, 1), [_X234])
add("apply_along_axis", lambda m, x: m.apply_along_axis(lambda v: v.sum() * v[0], 1, x),
    [sample("aaa", (3, 4), F32)])
add("apply_along_axis_vector_out", lambda m, x: m.apply_along_axis(lambda v: v[::-1] * 2, 0, x),
    [sample("aav", (3, 4), F32)])
add("apply_over_axes", lambda m, x: m.apply_over_axes(m.sum, x, [0, 2]), [_X234])
add("packbits", lambda m, x: m.packbits(x), [sample("pb", (13,), BOOL)])
add("packbits_axis_little", lambda m, x: m.packbits(x, axis=1, bitorder="little"),
    [sample("pbl", (2, 10), BOOL)])
add("unpackbits", lambda m, x: m.unpackbits(x), [sample("upb", (3,), U8, 0, 255)])
add("unpackbits_axis_count", lambda m, x: m.unpackbits(x, axis=1, count=5),
    [sample("upc", (2, 2), U8, 0, 255)])

# pad in every mode
_P = sample("pad", (3, 4), F32)
_PAD_MODES = [
    ("constant", {}), ("constant", {"constant_values": 1.5}),
    ("constant", {"constant_values": ((1, 2), (3, 4))}), ("edge", {}), ("reflect", {}),
    ("reflect", {"reflect_type": "odd"}), ("symmetric", {}), ("symmetric", {"reflect_type": "odd"}),
    ("wrap", {}), ("linear_ramp", {}), ("linear_ramp", {"end_values": (5, -1)}), ("maximum", {}),
    ("minimum", {"stat_length": 2}), ("mean", {}), ("median", {"stat_length": ((1, 2), (2, 3))}),
    ("empty", {}),
]
for _i, (_mode, _kw) in enumerate(_PAD_MODES):
    for _pw in (2, ((1, 2), (0, 3)), ((5, 6), (7, 0))):
        _cname = f"pad_{_mode}_{_i}_{_pw}"
        if _mode == "empty":
            add(_cname, (lambda pw: lambda m, x: m.pad(x, pw, mode="empty").shape)(_pw), [_P])
            continue
        add(_cname, (lambda pw, md, kw: lambda m, x: m.pad(x, pw, mode=md, **kw))(_pw, _mode, _kw), [_P],
            grad=(0,) if _mode in ("constant", "edge", "reflect", "wrap", "symmetric") and _pw == 2 else (),
            rtol=1e-5, atol=1e-5)
add("pad_int_linear_ramp", lambda m, x: m.pad(x, 3, mode="linear_ramp", end_values=10),
    [sample("pil", (4,), I32, 0, 20)])
add("pad_int_mean", lambda m, x: m.pad(x, 2, mode="mean"), [sample("pim", (5,), I32, 0, 20)])
add("pad_1d_reflect_long", lambda m, x: m.pad(x, (7, 9), mode="reflect"), [sample("p1r", (3,), F32)])
add("pad_callable", lambda m, x: m.pad(x, 1, mode=_pad_fn), [sample("pcall", (2, 3), F32)],
    oracle=lambda x: np.pad(x, 1, mode=_np_pad_fn))


def _pad_fn(vector: Any, pad_width: tuple, iaxis: int, kwargs: dict) -> Any:
    lo, hi = pad_width
    n = vector.shape[0]
    vector = vector.at[:lo].set(-1.0)
    return vector.at[n - hi:].set(-2.0) if hi else vector


def _np_pad_fn(vector: Any, pad_width: tuple, iaxis: int, kwargs: dict) -> None:
    lo, hi = pad_width
    vector[:lo] = -1.0
    if hi:
        vector[-hi:] = -2.0


# ---------------------------------------------------------------------------
# indexing

_I = sample("idx", (4, 5, 6), F32)
_INDEX_EXPRS = {
    "int": (1,), "neg_int": (-1,), "slice": (slice(1, 3),), "slice_step": (slice(None, None, 2),),
    "slice_neg_step": (slice(None, None, -2),), "ellipsis": (Ellipsis, 1), "newaxis": (None, 1),
    "mixed_basic": (1, slice(None), None, slice(4, 0, -1)),
    "array_1d": (np.array([0, 2, 3]),), "array_neg": (np.array([-1, 0, -4]),),
    "array_2d": (np.array([[0, 1], [3, 2]]),), "two_arrays": (np.array([0, 1]), np.array([4, 2])),
    "array_slice_array": (np.array([0, 3]), slice(None), np.array([1, 5])),
    "array_broadcast": (np.array([[0], [1]]), np.array([1, 2, 3])),
    "slice_array": (slice(1, 3), np.array([0, 4])),
    "int_slice_array": (1, slice(None), np.array([2, 3])),
    "none_between_arrays": (np.array([0, 1]), None, np.array([1, 2])),
    "ellipsis_array": (Ellipsis, np.array([5, 0])),
    "list_in_tuple": (slice(None), [1, 3]),
    "bool_mask_1d": (np.array([True, False, True, True]),),
    "bool_mask_2d": (np.array([[True, False, True, False, False]] * 4),),
    "bool_mask_and_int": (np.array([True, False, True, False]), 2),
    "scalar_array": (np.int32(2),),
    "scalar_true": (True,),
    "empty_array": (np.zeros(0, np.int32),),
}
for _nm, _ix in _INDEX_EXPRS.items():
    _has_bool = any(isinstance(i, np.ndarray) and i.dtype == np.bool_ for i in _ix)
    add(f"getitem_{_nm}", (lambda ix: lambda m, x: x[ix])(_ix), [_I], grad=(0,) if _nm in (
        "array_1d", "two_arrays", "slice_step", "bool_mask_1d") else (),
        oracle=(lambda ix: lambda x: x[ix])(_ix), vmap=not _has_bool)
add("getitem_traced_int", lambda m, x, i: x[i], [_I, np.int32(2)])
add("getitem_traced_array", lambda m, x, i: x[:, i], [_I, np.array([4, 0, 1], np.int32)], grad=(0,))
add("getitem_out_of_bounds_clamps", lambda m, x: x[np.array([1, 9, -9])],
    [sample("oob", (5,), F32)], oracle=lambda x: x[np.clip(np.where(np.array([1, 9, -9]) < 0,
                                                                      np.array([1, 9, -9]) + 5,
                                                                      np.array([1, 9, -9])), 0, 4)])
add("getitem_static_out_of_bounds_int", lambda m, x: x[7], [sample("oobi", (5,), F32)],
    oracle=lambda x: x[4])

_U = sample("upd", (4, 5), F32)
_SET_CASES = {
    "int": ((1,), 2.0), "row": ((1,), np.arange(5, dtype=np.float32)),
    "slice": ((slice(1, 3),), 7.0), "slice_step_neg": ((slice(None, None, -2), 1), 3.0),
    "array": ((np.array([0, 3]),), 1.0), "array_pair": ((np.array([0, 3]), np.array([4, 1])), -1.0),
    "array_slice": ((np.array([2, 0]), slice(1, 4)), np.ones((2, 3), np.float32)),
    "slice_array": ((slice(None), np.array([1, 3])), 5.0),
    "none": ((None, 1), 4.0), "ellipsis": ((Ellipsis, 2), 6.0),
    "bool_mask": ((np.array([True, False, False, True]),), 9.0),
    "full": ((slice(None),), 0.5),
}
for _nm, (_ix, _v) in _SET_CASES.items():
    add(f"at_set_{_nm}", (lambda ix, v: lambda m, x: x.at[ix].set(v))(_ix, _v), [_U],
        oracle=(lambda ix, v: lambda x: _np_set(x, ix, v))(_ix, _v),
        grad=(0,) if _nm in ("array", "slice") else ())


def _np_set(x: np.ndarray, ix: Any, v: Any) -> np.ndarray:
    x = x.copy()
    x[ix] = v
    return x


def _np_at(ufunc: Any, x: np.ndarray, ix: Any, v: Any) -> np.ndarray:
    x = x.copy()
    ufunc.at(x, ix, v)
    return x


_DUP = np.array([0, 2, 2, 4])
add("at_add_duplicates", lambda m, x: x.at[_DUP].add(1.5), [sample("atd", (5,), F32)],
    oracle=lambda x: _np_at(np.add, x, _DUP, 1.5), grad=(0,))
add("at_add_rows", lambda m, x, v: x.at[np.array([1, 1])].add(v), [_U, sample("atr", (2, 5), F32)],
    oracle=lambda x, v: _np_at(np.add, x, np.array([1, 1]), v), grad=(0, 1))
add("at_multiply", lambda m, x: x.at[_DUP].multiply(2.0), [sample("atm", (5,), F32)],
    oracle=lambda x: _np_at(np.multiply, x, _DUP, 2.0))
add("at_divide", lambda m, x: x.at[np.array([1, 3])].divide(4.0), [sample("atdv", (5,), F32)],
    oracle=lambda x: _np_at(np.divide, x, np.array([1, 3]), 4.0))
add("at_power", lambda m, x: x.at[np.array([1, 3])].power(2.0), [sample("atp", (5,), F32)],
    oracle=lambda x: _np_at(np.power, x, np.array([1, 3]), 2.0))
add("at_min", lambda m, x: x.at[_DUP].min(0.0), [sample("atmn", (5,), F32)],
    oracle=lambda x: _np_at(np.minimum, x, _DUP, 0.0))
add("at_max", lambda m, x: x.at[_DUP].max(0.0), [sample("atmx", (5,), F32)],
    oracle=lambda x: _np_at(np.maximum, x, _DUP, 0.0))
add("at_subtract", lambda m, x: x.at[1:3].subtract(1.0), [sample("atsb", (5,), F32)],
    oracle=lambda x: _np_at(np.subtract, x, slice(1, 3), 1.0))
add("at_get", lambda m, x: x.at[np.array([1, 3])].get(), [sample("atg", (5,), F32)],
    oracle=lambda x: x[[1, 3]])
add("at_get_fill", lambda m, x: x.at[np.array([1, 7, -9])].get(mode="fill", fill_value=-1.0),
    [sample("atgf", (5,), F32)], oracle=lambda x: np.array([x[1], -1.0, -1.0], np.float32))
add("at_apply", lambda m, x: x.at[np.array([0, 0, 2])].apply(lambda v: v * 10), [sample("ata", (4,), F32)],
    oracle=lambda x: _np_set(x, [0, 2], x[[0, 2]] * 10))
add("at_set_out_of_bounds_dropped", lambda m, x: x.at[np.array([1, 9])].set(0.0), [sample("atoob", (5,), F32)],
    oracle=lambda x: _np_set(x, [1], 0.0))
add("at_add_int_array", lambda m, x: x.at[np.array([0, 0])].add(3), [sample("atai", (3,), I32)],
    oracle=lambda x: _np_at(np.add, x, np.array([0, 0]), 3))
add("at_set_traced_index", lambda m, x, i: x.at[i].set(0.0), [sample("atti", (5,), F32), np.int32(3)],
    oracle=lambda x, i: _np_set(x, i, 0.0))
add("at_set_mask_traced", lambda m, x, mask: x.at[mask].set(0.0),
    [sample("atmt", (2, 3), F32), sample("atmtm", (2, 3), BOOL)],
    oracle=lambda x, mask: _np_set(x, mask, 0.0))
add("at_add_scalar_bool_array", lambda m, x: x.at[0].add(True), [sample("atb", (3,), BOOL)],
    oracle=lambda x: _np_set(x, 0, True))

add("take", lambda m, x, i: m.take(x, i), [sample("tk", (3, 4), F32), np.array([0, 5, 11], np.int32)], grad=(0,))
add("take_axis", lambda m, x, i: m.take(x, i, axis=1), [sample("tka", (3, 4), F32), np.array([[0, 3], [2, 2]])])
add("take_fill_default", lambda m, x: m.take(x, np.array([0, 9, -1])), [sample("tkf", (4,), F32)],
    oracle=lambda x: np.array([x[0], np.nan, x[3]], np.float32))
add("take_mode_clip", lambda m, x: m.take(x, np.array([0, 9, -9]), mode="clip"), [sample("tkc", (4,), F32)],
    oracle=lambda x: np.take(x, np.array([0, 9, -9]), mode="clip"))
add("take_mode_wrap", lambda m, x: m.take(x, np.array([0, 9, -9]), mode="wrap"), [sample("tkw", (4,), F32)])
add("take_along_axis", lambda m, x, i: m.take_along_axis(x, i, axis=1),
    [sample("tal", (3, 4), F32), np.array([[0, 3], [2, 2], [1, 0]])], grad=(0,))
add("take_along_axis_argsort", lambda m, x: m.take_along_axis(x, m.argsort(x, axis=0), axis=0),
    [sample("tas", (4, 3), F32)])
add("take_along_axis_broadcast", lambda m, x, i: m.take_along_axis(x, i, axis=0),
    [sample("tab", (4, 3), F32), np.array([[1], [3]])])
add("take_along_axis_none", lambda m, x, i: m.take_along_axis(x, i, axis=None),
    [sample("tan", (2, 3), F32), np.array([5, 0, 2])])
add("put", lambda m, x: m.put(x, np.array([0, 5]), np.array([-1.0, -2.0], np.float32), inplace=False),
    [sample("put", (2, 3), F32)], oracle=lambda x: _np_put(x, [0, 5], [-1.0, -2.0]))
add("put_along_axis", lambda m, x, i: m.put_along_axis(x, i, 0.0, axis=1, inplace=False),
    [sample("pal", (3, 4), F32), np.array([[0], [3], [1]])],
    oracle=lambda x, i: _np_put_along(x, i, 0.0, 1))
add("place", lambda m, x, mask: m.place(x, mask, np.array([10.0, 20.0], np.float32), inplace=False),
    [sample("place", (5,), F32), np.array([True, False, True, True, False])],
    oracle=lambda x, mask: _np_place(x, mask, [10.0, 20.0]), jit=False)
add("extract", lambda m, c, x: m.extract(c, x), [sample("extc", (3, 4), BOOL), sample("ext", (3, 4), F32)],
    jit=False)
add("extract_size", lambda m, c, x: m.extract(c, x, size=8, fill_value=-1),
    [sample("extsc", (3, 4), BOOL), sample("exts", (3, 4), F32)],
    oracle=lambda c, x: _pad_np(np.extract(c, x), 8, -1))
add("compress", lambda m, c, x: m.compress(c, x, axis=1), [np.array([True, False, True]),
                                                          sample("cmp", (2, 4), F32)], jit=False)
add("compress_size", lambda m, c, x: m.compress(c, x, size=3), [np.array([False, True]),
                                                               sample("cmps", (5,), F32)],
    oracle=lambda c, x: np.array([x[1], 0, 0], np.float32))
add("choose", lambda m, a, b, c: m.choose(a, [b, c]), [np.array([[0, 1], [1, 0]]),
                                                      sample("chb", (2, 2), F32), sample("chc", (2, 2), F32)],
    jit=False)
add("choose_clip", lambda m, a, b, c: m.choose(a, [b, c], mode="clip"),
    [np.array([0, 3, -1]), sample("chcb", (3,), F32), sample("chcc", (3,), F32)])
add("choose_wrap", lambda m, a, b, c: m.choose(a, [b, c], mode="wrap"),
    [np.array([0, 3, -1]), sample("chwb", (3,), F32), sample("chwc", (3,), F32)])
add("select", lambda m, x: m.select([x < -1, x > 1], [x * 10, x * 100], default=-5.0), [sample("sel", (8,), F32)],
    grad=(0,))
add("piecewise", lambda m, x: m.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v * 2]),
    [sample("pw", (7,), F32)], grad=(0,))
add("piecewise_default", lambda m, x: m.piecewise(x, [x < -1, x > 1], [-1.0, 1.0, lambda v: v * 0.5]),
    [sample("pwd", (9,), F32)])
add("fill_diagonal", lambda m, x: m.fill_diagonal(x, 5.0, inplace=False), [sample("fd", (3, 4), F32)],
    oracle=lambda x: _np_fill_diag(x, 5.0, False))
add("fill_diagonal_wrap", lambda m, x: m.fill_diagonal(x, 5.0, wrap=True, inplace=False),
    [sample("fdw", (7, 3), F32)], oracle=lambda x: _np_fill_diag(x, 5.0, True))


def _np_put(x: np.ndarray, ind: Any, v: Any) -> np.ndarray:
    x = x.copy()
    np.put(x, ind, v)
    return x


def _np_put_along(x: np.ndarray, i: Any, v: Any, axis: int) -> np.ndarray:
    x = x.copy()
    np.put_along_axis(x, i, v, axis)
    return x


def _np_place(x: np.ndarray, mask: Any, v: Any) -> np.ndarray:
    x = x.copy()
    np.place(x, mask, v)
    return x


def _np_fill_diag(x: np.ndarray, v: Any, wrap: bool) -> np.ndarray:
    x = x.copy()
    np.fill_diagonal(x, v, wrap)
    return x


def _pad_np(v: np.ndarray, size: int, fill: Any) -> np.ndarray:
    out = np.full((size,) + v.shape[1:], fill, dtype=v.dtype)
    out[:min(size, v.shape[0])] = v[:size]
    return out


# ---------------------------------------------------------------------------
# sorting, searching, counting, sets

for _dt in (F32, I32, BOOL):
    for _ax in (-1, 0, None):
        _cname = f"sort_{_dt}_axis{_ax}"
        add(_cname, (lambda a: lambda m, x: m.sort(x, axis=a))(_ax), [sample(_cname, (3, 5), _dt)],
            grad=(0,) if _dt == F32 else ())
        _cname = f"argsort_{_dt}_axis{_ax}"
        add(_cname, (lambda a: lambda m, x: m.argsort(x, axis=a, stable=True))(_ax),
            [sample(_cname, (3, 5), _dt, -2, 2)],
            oracle=(lambda a: lambda x: np.argsort(x, axis=a, kind="stable"))(_ax))
add("sort_nan_last", lambda m, x: m.sort(x), [np.array([3, np.nan, -1, np.inf, 0], np.float32)])
add("sort_descending", lambda m, x: m.sort(x, descending=True), [sample("sd", (7,), I32, -3, 3)],
    oracle=lambda x: np.sort(x)[::-1])
add("argsort_descending_stable", lambda m, x: m.argsort(x, descending=True),
    [np.array([1, 3, 1, 2, 3], np.int32)], oracle=lambda x: np.array([1, 4, 3, 0, 2]))
add("sort_complex", lambda m, x: m.sort_complex(x), [sample("sc", (5,), F32)])
add("lexsort", lambda m, a, b: m.lexsort((a, b)), [sample("lx1", (8,), I32, 0, 3), sample("lx2", (8,), I32, 0, 2)])
add("partition", lambda m, x: m.partition(x, 2)[2], [sample("part", (7,), F32)],
    oracle=lambda x: np.partition(x, 2)[2])
add("argpartition", lambda m, x: x[m.argpartition(x, 3)][3], [sample("apart", (7,), F32)],
    oracle=lambda x: np.partition(x, 3)[3])
for _side in ("left", "right"):
    add(f"searchsorted_{_side}", (lambda s: lambda m, a, v: m.searchsorted(a, v, side=s))(_side),
        [np.array([1, 2, 2, 3, 5, 8], np.float32), np.array([[0, 2, 2.5], [8, 9, 1]], np.float32)])
    add(f"searchsorted_nan_{_side}", (lambda s: lambda m, a, v: m.searchsorted(a, v, side=s))(_side),
        [np.array([1, 2, 3, np.nan], np.float32), np.array([np.nan, 2, 5], np.float32)])
add("searchsorted_sorter", lambda m, a, v, s: m.searchsorted(a, v, sorter=s),
    [np.array([3, 1, 2], np.float32), np.array([2.5, 0], np.float32), np.array([1, 2, 0])])
add("searchsorted_int", lambda m, a, v: m.searchsorted(a, v), [np.arange(0, 20, 3, dtype=np.int32),
                                                               sample("ssi", (6,), I32, -2, 22)])
add("digitize", lambda m, x, b: m.digitize(x, b), [sample("dig", (8,), F32), np.array([-1, 0, 1.5], np.float32)])
add("digitize_right", lambda m, x, b: m.digitize(x, b, right=True),
    [np.array([-1, 0, 0.5, 1.5, 3], np.float32), np.array([-1, 0, 1.5], np.float32)])
add("digitize_decreasing", lambda m, x, b: m.digitize(x, b),
    [sample("digd", (8,), F32), np.array([2, 0.5, -1], np.float32)])
add("where3", lambda m, c, x, y: m.where(c, x, y), [sample("wc", (3, 4), BOOL), sample("wx", (3, 4), F32),
                                                     sample("wy", (4,), I32)], grad=(1,))
add("where3_scalars", lambda m, c: m.where(c, 1.0, 0), [sample("wcs", (5,), BOOL)])
add("where1", lambda m, c: m.where(c), [sample("w1", (3, 4), BOOL)], jit=False)
add("where1_size", lambda m, c: m.where(c, size=6, fill_value=-1), [sample("w1s", (3, 4), BOOL)],
    oracle=lambda c: tuple(_pad_np(a, 6, -1) for a in np.where(c)))
add("nonzero", lambda m, x: m.nonzero(x), [sample("nz", (3, 4), I32, -1, 1)], jit=False)
add("nonzero_size", lambda m, x: m.nonzero(x, size=3), [sample("nzs", (3, 4), I32, -1, 1)],
    oracle=lambda x: tuple(_pad_np(a, 3, 0) for a in np.nonzero(x)))
add("nonzero_size_big_fill_tuple", lambda m, x: m.nonzero(x, size=20, fill_value=(7, 8)),
    [sample("nzb", (3, 4), I32, -1, 1)],
    oracle=lambda x: tuple(_pad_np(a, 20, f) for a, f in zip(np.nonzero(x), (7, 8))))
add("flatnonzero", lambda m, x: m.flatnonzero(x), [sample("fnz", (3, 4), I32, -1, 1)], jit=False)
add("flatnonzero_size", lambda m, x: m.flatnonzero(x, size=5, fill_value=99),
    [sample("fnzs", (3, 4), I32, -1, 1)], oracle=lambda x: _pad_np(np.flatnonzero(x), 5, 99))
add("argwhere", lambda m, x: m.argwhere(x), [sample("aw", (3, 4), I32, -1, 1)], jit=False)
add("argwhere_size", lambda m, x: m.argwhere(x, size=4), [sample("aws", (3, 4), I32, -1, 1)],
    oracle=lambda x: _pad_np(np.argwhere(x), 4, 0))
add("count_nonzero_axis", lambda m, x: m.count_nonzero(x, axis=0), [sample("cnz", (3, 4), I32, -1, 1)])
add("clip", lambda m, x: m.clip(x, -1, 1.5), [sample("clip", (3, 4), F32)], grad=(0,))
add("clip_arrays", lambda m, x, lo, hi: m.clip(x, lo, hi),
    [sample("clipa", (3, 4), F32), sample("cliplo", (4,), F32, -2, -1), sample("cliphi", (3, 1), F32, 0, 1)])
add("clip_only_max", lambda m, x: m.clip(x, max=0), [sample("clipm", (5,), I32)],
    oracle=lambda x: np.minimum(x, 0))
add("unique", lambda m, x: m.unique(x), [sample("uq", (12,), I32, 0, 5)], jit=False)
add("unique_all_returns", lambda m, x: m.unique(x, return_index=True, return_inverse=True, return_counts=True),
    [sample("uqa", (3, 4), I32, 0, 5)], jit=False,
    oracle=lambda x: _np_unique_all(x))
add("unique_size", lambda m, x: m.unique(x, size=8),
    [np.array([3, 1, 1, 7, 3], np.int32)], oracle=lambda x: np.array([1, 3, 7, 1, 1, 1, 1, 1]))
add("unique_size_fill_returns", lambda m, x: m.unique(x, return_index=True, return_inverse=True,
                                                     return_counts=True, size=5, fill_value=-1),
    [np.array([3, 1, 1, 7, 3], np.int32)],
    oracle=lambda x: (np.array([1, 3, 7, -1, -1]), np.array([1, 0, 3, 1, 1]), np.array([1, 0, 0, 2, 1]),
                      np.array([2, 2, 1, 0, 0])))
add("unique_nan", lambda m, x: m.unique(x), [np.array([1.0, np.nan, 2.0, np.nan], np.float32)], jit=False)
add("unique_axis", lambda m, x: m.unique(x, axis=0), [np.array([[1, 2], [0, 1], [1, 2]], np.int32)], jit=False)
add("unique_values", lambda m, x: m.unique_values(x), [sample("uqv", (9,), I32, 0, 4)], jit=False,
    oracle=lambda x: np.unique(x))
add("unique_counts", lambda m, x: tuple(m.unique_counts(x)), [sample("uqc", (9,), I32, 0, 4)], jit=False,
    oracle=lambda x: np.unique(x, return_counts=True))
add("unique_inverse", lambda m, x: tuple(m.unique_inverse(x)), [sample("uqi", (9,), I32, 0, 4)], jit=False,
    oracle=lambda x: np.unique(x, return_inverse=True))
add("unique_all", lambda m, x: tuple(m.unique_all(x)), [sample("uqal", (9,), I32, 0, 4)], jit=False,
    oracle=lambda x: np.unique(x, return_index=True, return_inverse=True, return_counts=True))
add("isin", lambda m, x, t: m.isin(x, t), [sample("isin", (3, 4), I32, 0, 9), np.array([1, 5, 7, 9])])
add("isin_invert", lambda m, x, t: m.isin(x, t, invert=True), [sample("isinv", (6,), F32, 0, 3).round(),
                                                               np.array([1.0, 2.0], np.float32)])
_S1, _S2 = np.array([5, 1, 3, 3, 9, 2], np.int32), np.array([3, 4, 5, 6, 5], np.int32)
for _fn in ("intersect1d", "union1d", "setdiff1d", "setxor1d"):
    add(f"{_fn}", (lambda f: lambda m, a, b: getattr(m, f)(a, b))(_fn), [_S1, _S2], jit=False)
add("intersect1d_size", lambda m, a, b: m.intersect1d(a, b, size=4), [_S1, _S2],
    oracle=lambda a, b: np.array([3, 5, 3, 3]))
add("union1d_size", lambda m, a, b: m.union1d(a, b, size=10), [_S1, _S2],
    oracle=lambda a, b: _pad_np(np.union1d(a, b), 10, 1))
add("setdiff1d_size", lambda m, a, b: m.setdiff1d(a, b, size=5), [_S1, _S2],
    oracle=lambda a, b: _pad_np(np.setdiff1d(a, b), 5, 0))
add("setdiff1d_size_fill", lambda m, a, b: m.setdiff1d(a, b, size=5, fill_value=-7), [_S1, _S2],
    oracle=lambda a, b: _pad_np(np.setdiff1d(a, b), 5, -7))
add("setxor1d_size", lambda m, a, b: m.setxor1d(a, b, size=6), [_S1, _S2],
    oracle=lambda a, b: _pad_np(np.setxor1d(a, b), 6, 1))
add("intersect1d_indices", lambda m, a, b: m.intersect1d(a, b, return_indices=True), [_S1, _S2], jit=False)


def _np_unique_all(x: np.ndarray) -> tuple:
    vals, idx, inv, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    return vals, idx, inv.reshape(x.shape), counts


# ---------------------------------------------------------------------------
# products

for _sa, _sb in (((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((3, 4), (4, 5)), ((2, 3, 4), (4, 5)),
                 ((2, 3, 4), (3, 4, 2)), ((), (3,))):
    _cname = f"dot_{_shape_str(_sa)}_{_shape_str(_sb)}"
    add(_cname, lambda m, a, b: m.dot(a, b), [sample(_cname + "a", _sa, F32), sample(_cname + "b", _sb, F32)],
        grad=(0, 1), rtol=1e-5, atol=1e-5)
add("dot_int", lambda m, a, b: m.dot(a, b), [sample("doti1", (3, 4), I32), sample("doti2", (4,), I32)])
add("dot_mixed", lambda m, a, b: m.dot(a, b), [sample("dotm1", (3, 4), I32), sample("dotm2", (4,), F32)])
add("dot_complex", lambda m, a, b: m.dot(a, b), [sample("dotc1", (3, 4), C64), sample("dotc2", (4, 2), C64)],
    rtol=1e-5, atol=1e-5)
add("dot_bool", lambda m, a, b: m.dot(a, b), [sample("dotb1", (3, 4), BOOL), sample("dotb2", (4,), BOOL)])
for _sa, _sb in (((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                 ((2, 3, 4), (2, 4, 1))):
    _cname = f"matmul_{_shape_str(_sa)}_{_shape_str(_sb)}"
    add(_cname, lambda m, a, b: m.matmul(a, b), [sample(_cname + "a", _sa, F32), sample(_cname + "b", _sb, F32)],
        grad=(0, 1), rtol=1e-5, atol=1e-5)
add("matmul_operator", lambda m, a, b: a @ b, [sample("mop1", (3, 4), F32), sample("mop2", (4, 2), F32)],
    rtol=1e-5, atol=1e-5)
add("vdot", lambda m, a, b: m.vdot(a, b), [sample("vdot1", (2, 3), C64), sample("vdot2", (6,), C64)],
    rtol=1e-5, atol=1e-5)
add("vecdot", lambda m, a, b: m.vecdot(a, b), [sample("vcd1", (3, 4), F32), sample("vcd2", (4,), F32)],
    oracle=lambda a, b: np.sum(a * b, axis=-1), rtol=1e-5, atol=1e-5)
add("vecdot_axis0_complex", lambda m, a, b: m.vecdot(a, b, axis=0),
    [sample("vcdc1", (3, 2), C64), sample("vcdc2", (3, 2), C64)],
    oracle=lambda a, b: np.sum(np.conj(a) * b, axis=0), rtol=1e-5, atol=1e-5)
add("matvec", lambda m, a, b: m.matvec(a, b), [sample("mv1", (2, 3, 4), F32), sample("mv2", (4,), F32)],
    oracle=lambda a, b: a @ b, rtol=1e-5, atol=1e-5)
add("vecmat", lambda m, a, b: m.vecmat(a, b), [sample("vm1", (3,), F32), sample("vm2", (2, 3, 4), F32)],
    oracle=lambda a, b: a @ b, rtol=1e-5, atol=1e-5)
add("inner", lambda m, a, b: m.inner(a, b), [sample("in1", (2, 4), F32), sample("in2", (3, 4), F32)],
    grad=(0, 1), rtol=1e-5, atol=1e-5)
add("inner_scalar", lambda m, a, b: m.inner(a, b), [np.float32(2.0), sample("in3", (3,), F32)])
add("outer", lambda m, a, b: m.outer(a, b), [sample("out1", (2, 2), F32), sample("out2", (3,), F32)], grad=(0, 1))
for _axes in (2, 1, 0, ((0, 2), (1, 0)), ([1], [0])):
    _cname = f"tensordot_{_axes}"
    _b = (3, 4, 5) if _axes == 2 else ((4, 5) if _axes == 1 else ((5,) if _axes == 0 else
                                                                  ((4, 2) if _axes == ((0, 2), (1, 0)) else (3, 6))))
    add(_cname, (lambda ax: lambda m, a, b: m.tensordot(a, b, ax))(_axes),
        [sample(_cname + "a", (2, 3, 4), F32), sample(_cname + "b", _b, F32)], rtol=1e-5, atol=1e-5,
        grad=(0, 1))
_EINSUMS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("ii->i", [(4, 4)]), ("ii", [(4, 4)]),
    ("ij->", [(3, 4)]), ("ij->ji", [(3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(5,), (5,)]), ("i,j->ij", [(3,), (4,)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("ij,jk,kl->il", [(3, 4), (4, 5), (5, 2)]), ("iij->j", [(3, 3, 4)]), ("ijk,ikj->i", [(2, 3, 4), (2, 4, 3)]),
    ("i...->...", [(3, 4, 5)]), ("ij,ij->i", [(3, 4), (3, 4)]), ("abc,cd,db->a", [(2, 3, 4), (4, 5), (5, 3)]),
    ("bi,bi->b", [(1, 3), (4, 3)]),
]
for _k, (_spec, _shapes) in enumerate(_EINSUMS):
    _cname = f"einsum_{_k}_{_spec}"
    add(_cname, (lambda sp: lambda m, *ops: m.einsum(sp, *ops))(_spec),
        [sample(f"{_cname}{j}", s, F32) for j, s in enumerate(_shapes)], rtol=1e-4, atol=1e-5,
        grad=tuple(range(len(_shapes))) if _k in (0, 2, 6, 10) else ())
add("einsum_int", lambda m, a, b: m.einsum("ij,j->i", a, b), [sample("ei1", (3, 4), I32), sample("ei2", (4,), I32)])
add("einsum_interleaved", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    [sample("eil1", (2, 3), F32), sample("eil2", (3, 4), F32)], rtol=1e-5, atol=1e-5)
add("einsum_optimize_false", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c, optimize=False),
    [sample("eo1", (2, 3), F32), sample("eo2", (3, 4), F32), sample("eo3", (4, 2), F32)], rtol=1e-5, atol=1e-5)
add("kron", lambda m, a, b: m.kron(a, b), [sample("kr1", (2, 3), F32), sample("kr2", (3, 2), F32)], grad=(0, 1))
add("kron_mixed_ndim", lambda m, a, b: m.kron(a, b), [sample("kr3", (2,), I32), sample("kr4", (2, 3), I32)])
add("trace", lambda m, x: m.trace(x), [sample("tr", (4, 4), F32)], grad=(0,))
add("trace_offset_axes", lambda m, x: m.trace(x, 1, 0, 2), [sample("tro", (3, 2, 4), F32)])
add("cross_3", lambda m, a, b: m.cross(a, b), [sample("cr1", (4, 3), F32), sample("cr2", (3,), F32)],
    grad=(0, 1), rtol=1e-5, atol=1e-5)
add("cross_2", lambda m, a, b: m.cross(a, b), [sample("cr3", (4, 2), F32), sample("cr4", (4, 2), F32)],
    rtol=1e-5, atol=1e-5)
add("cross_2_3", lambda m, a, b: m.cross(a, b), [sample("cr5", (2,), F32), sample("cr6", (3,), F32)],
    rtol=1e-5, atol=1e-5)
add("cross_axis", lambda m, a, b: m.cross(a, b, axis=0), [sample("cr7", (3, 2), F32), sample("cr8", (3, 2), F32)],
    rtol=1e-5, atol=1e-5)

# ---------------------------------------------------------------------------
# convolution, polynomials, interpolation

for _mode in ("full", "same", "valid"):
    for _na, _nv in ((6, 3), (3, 6), (5, 5), (4, 1)):
        for _fn in ("convolve", "correlate"):
            _cname = f"{_fn}_{_mode}_{_na}_{_nv}"
            add(_cname, (lambda f, md: lambda m, a, v: getattr(m, f)(a, v, mode=md))(_fn, _mode),
                [sample(_cname + "a", (_na,), F32), sample(_cname + "v", (_nv,), F32)], rtol=1e-5, atol=1e-5,
                grad=(0, 1) if _na == 6 else ())
add("convolve_int", lambda m, a, v: m.convolve(a, v), [sample("cvi1", (5,), I32), sample("cvi2", (3,), I32)])
add("correlate_complex", lambda m, a, v: m.correlate(a, v, "full"),
    [sample("cc1", (5,), C64), sample("cc2", (3,), C64)], rtol=1e-5, atol=1e-5)
add("polyval", lambda m, p, x: m.polyval(p, x), [sample("pv1", (4,), F32), sample("pv2", (3, 2), F32)],
    grad=(0, 1), rtol=1e-5, atol=1e-5)
add("polyval_int", lambda m, p, x: m.polyval(p, x), [np.array([1, -2, 3]), sample("pvi", (5,), I32)])
add("polyadd", lambda m, a, b: m.polyadd(a, b), [sample("pa1", (4,), F32), sample("pa2", (2,), F32)])
add("polysub", lambda m, a, b: m.polysub(a, b), [sample("ps1", (2,), F32), sample("ps2", (4,), F32)])
add("polymul", lambda m, a, b: m.polymul(a, b), [sample("pm1", (3,), F32), sample("pm2", (4,), F32)],
    rtol=1e-5, atol=1e-5)
add("polydiv", lambda m, u, v: m.polydiv(u, v), [np.array([1.0, -3, 2, 5], np.float32),
                                                 np.array([2.0, 1], np.float32)], rtol=1e-5, atol=1e-5,
    oracle=lambda u, v: (np.polydiv(u, v)[0], np.array([0, 0, 0, 3.125])))
add("polydiv_trim", lambda m, u, v: m.polydiv(u, v, trim_leading_zeros=True),
    [np.array([1.0, -3, 2, 5], np.float32), np.array([2.0, 1], np.float32)], rtol=1e-5, atol=1e-5, jit=False,
    oracle=lambda u, v: np.polydiv(u, v))
add("polyder", lambda m, p: m.polyder(p), [sample("pd", (5,), F32)], grad=(0,))
add("polyder_m2", lambda m, p: m.polyder(p, 2), [sample("pd2", (5,), F32)])
add("polyint", lambda m, p: m.polyint(p), [sample("pi", (4,), F32)], rtol=1e-5, atol=1e-6)
add("polyint_m2_k", lambda m, p: m.polyint(p, 2, k=[1.0, 2.0]), [sample("pi2", (3,), F32)], rtol=1e-5, atol=1e-6)
add("poly_roots", lambda m, r: m.poly(r), [np.array([1.0, -2.0, 0.5], np.float32)], rtol=1e-5, atol=1e-5)
add("roots", lambda m, p: m.sort_complex(m.roots(p)), [np.array([1.0, -6.0, 11.0, -6.0], np.float32)],
    oracle=lambda p: np.sort_complex(np.roots(p)), rtol=1e-4, atol=1e-4, jit=False)
add("roots_leading_zeros", lambda m, p: m.sort_complex(m.roots(p)), [np.array([0, 0, 1.0, 0, -4.0, 0], np.float32)],
    oracle=lambda p: np.sort_complex(np.roots(p)), rtol=1e-4, atol=1e-4, jit=False)
add("polyfit_full", lambda m, x, y: m.polyfit(x, y, 2, full=True)[:4],
    [np.linspace(-1, 1, 9).astype(np.float32), sample("pff", (9,), F32)], rtol=1e-3, atol=1e-4)
add("polyfit_cov", lambda m, x, y: m.polyfit(x, y, 2, cov=True),
    [np.linspace(-1, 1, 9).astype(np.float32), sample("pfc", (9, 2), F32)], rtol=1e-3, atol=1e-4)
add("polyfit_cov_unscaled", lambda m, x, y: m.polyfit(x, y, 1, cov="unscaled"),
    [np.linspace(-1, 1, 9).astype(np.float32), sample("pfcu", (9,), F32)], rtol=1e-3, atol=1e-4)
add("roots_traced", lambda m, p: m.sort_complex(m.roots(p, strip_zeros=False)),
    [np.array([1.0, -6.0, 11.0, -6.0], np.float32)],
    oracle=lambda p: np.sort_complex(np.roots(p)), rtol=1e-4, atol=1e-4)
add("poly_matrix", lambda m, a: m.poly(a), [np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)],
    rtol=1e-4, atol=1e-4, vmap=False)
add("polyfit", lambda m, x, y: m.polyfit(x, y, 2), [np.linspace(-1, 1, 9).astype(np.float32),
                                                    sample("pfy", (9,), F32)], rtol=1e-3, atol=1e-4)
add("polyfit_weights_2d", lambda m, x, y, w: m.polyfit(x, y, 1, w=w),
    [np.linspace(0, 1, 6).astype(np.float32), sample("pfy2", (6, 2), F32), sample("pfw", (6,), F32, 0.5, 1)],
    rtol=1e-3, atol=1e-4)
add("interp", lambda m, x, xp, fp: m.interp(x, xp, fp),
    [np.array([-1, 0, 0.5, 1.7, 2, 3.5], np.float32), np.array([0, 1, 2, 3], np.float32), sample("ifp", (4,), F32)],
    grad=(2,), rtol=1e-5, atol=1e-6)
add("interp_left_right", lambda m, x, xp, fp: m.interp(x, xp, fp, left=-9.0, right=9.0),
    [np.array([-1, 0.5, 5], np.float32), np.array([0, 1, 2], np.float32), sample("ifp2", (3,), F32)])
add("interp_period", lambda m, x, xp, fp: m.interp(x, xp, fp, period=360),
    [np.array([-180, -170, -185, 185, -10, -5, 0, 365], np.float32),
     np.array([190, -190, 350, -350], np.float32), np.array([5, 10, 3, 4], np.float32)], rtol=1e-5, atol=1e-5)

# ---------------------------------------------------------------------------
# statistics, histograms, differences, windows

add("bincount", lambda m, x: m.bincount(x), [np.array([0, 1, 1, 3, 2, 1, 7])], jit=False)
add("bincount_weights_minlength", lambda m, x, w: m.bincount(x, w, minlength=10),
    [np.array([0, 1, 1, 3]), sample("bcw", (4,), F32)], jit=False)
add("bincount_length", lambda m, x: m.bincount(x, length=4), [np.array([0, 1, 1, 3, 5, 2])],
    oracle=lambda x: np.bincount(x)[:4])
add("histogram", lambda m, x: m.histogram(x, bins=5), [sample("hist", (30,), F32)], rtol=1e-5, atol=1e-5)
add("histogram_range_weights_density", lambda m, x, w: m.histogram(x, bins=4, range=(-1, 2), weights=w, density=True),
    [sample("histr", (30,), F32), sample("histw", (30,), F32, 0, 1)], rtol=1e-4, atol=1e-5)
add("histogram_edges", lambda m, x: m.histogram(x, bins=np.array([-3, -1, 0, 3], np.float32)),
    [sample("histe", (20,), F32)])
add("histogram_bin_edges", lambda m, x: m.histogram_bin_edges(x, bins=6), [sample("hbe", (20,), F32)], rtol=1e-5)
add("histogram2d", lambda m, x, y: m.histogram2d(x, y, bins=3), [sample("h2x", (25,), F32), sample("h2y", (25,), F32)],
    rtol=1e-5, atol=1e-5)
add("histogramdd", lambda m, s: m.histogramdd(s, bins=(2, 3, 2)), [sample("hdd", (20, 3), F32)], rtol=1e-5,
    atol=1e-5)
add("cov", lambda m, x: m.cov(x), [sample("cov", (3, 8), F32)], grad=(0,), rtol=1e-4, atol=1e-5)
add("cov_rowvar_bias", lambda m, x: m.cov(x, rowvar=False, bias=True), [sample("covr", (8, 3), F32)],
    rtol=1e-4, atol=1e-5)
add("cov_xy", lambda m, x, y: m.cov(x, y), [sample("covx", (6,), F32), sample("covy", (6,), F32)], rtol=1e-4, atol=1e-5)
add("cov_weights", lambda m, x, f, a: m.cov(x, fweights=f, aweights=a),
    [sample("covw", (2, 6), F32), np.array([1, 2, 1, 3, 1, 1]), sample("cova", (6,), F32, 0.2, 1)],
    rtol=1e-4, atol=1e-5)
add("cov_1d", lambda m, x: m.cov(x), [sample("cov1", (7,), F32)], rtol=1e-4, atol=1e-5)
add("corrcoef", lambda m, x: m.corrcoef(x), [sample("corr", (3, 8), F32)], rtol=1e-4, atol=1e-5, grad=(0,))
add("corrcoef_xy", lambda m, x, y: m.corrcoef(x, y), [sample("corx", (6,), F32), sample("cory", (6,), F32)],
    rtol=1e-4, atol=1e-5)
add("diff", lambda m, x: m.diff(x), [sample("diff", (3, 5), F32)], grad=(0,))
add("diff_n2_axis0", lambda m, x: m.diff(x, 2, axis=0), [sample("diff2", (4, 3), I32)])
add("diff_prepend_append", lambda m, x: m.diff(x, prepend=0.0, append=np.array([1.0, 2.0], np.float32)),
    [sample("diffpa", (4,), F32)])
add("diff_bool", lambda m, x: m.diff(x), [sample("diffb", (6,), BOOL)])
add("ediff1d", lambda m, x: m.ediff1d(x, to_end=[9, 9], to_begin=-1), [sample("ed1", (2, 3), F32)])
add("gradient", lambda m, x: m.gradient(x), [sample("grad", (6,), F32)], grad=(0,))
add("gradient_2d_spacing", lambda m, x: m.gradient(x, 2.0, axis=1), [sample("grad2", (3, 5), F32)])
add("gradient_coords", lambda m, x, c: m.gradient(x, c), [sample("gradc", (5,), F32),
                                                          np.array([0, 1, 1.5, 3.5, 4], np.float32)],
    rtol=1e-5, atol=1e-5)
add("gradient_all_axes", lambda m, x: m.gradient(x), [sample("grada", (3, 4), F32)])
add("trapezoid", lambda m, y: m.trapezoid(y), [sample("trap", (3, 5), F32)], oracle=lambda y: np.trapezoid(y),
    grad=(0,), rtol=1e-5, atol=1e-5)
add("trapezoid_x", lambda m, y, x: m.trapezoid(y, x, axis=0), [sample("trapy", (4, 2), F32),
                                                              np.array([0, 1, 3, 4], np.float32)],
    oracle=lambda y, x: np.trapezoid(y, x, axis=0), rtol=1e-5, atol=1e-5)
add("trapezoid_dx", lambda m, y: m.trapezoid(y, dx=0.5), [sample("trapd", (6,), F32)],
    oracle=lambda y: np.trapezoid(y, dx=0.5), rtol=1e-5, atol=1e-5)
add("unwrap", lambda m, p: m.unwrap(p), [np.array([0, 3, 6.5, 1.0, -2.5, 12, 13], np.float32)], rtol=1e-5, atol=1e-5)
add("unwrap_period", lambda m, p: m.unwrap(p, period=4), [np.array([0, 1.5, 3.5, 0.2, 4.1], np.float32)],
    rtol=1e-5, atol=1e-5)
for _w in ("bartlett", "blackman", "hamming", "hanning"):
    for _M in (0, 1, 6, 7):
        add(f"{_w}_{_M}", (lambda w, M: lambda m: getattr(m, w)(M))(_w, _M), [], rtol=1e-5, atol=1e-5)
add("kaiser", lambda m: m.kaiser(7, 3.5), [], rtol=1e-4, atol=1e-5)
add("kaiser_1", lambda m: m.kaiser(1, 3.5), [])

# ---------------------------------------------------------------------------
# comparisons and predicates

add("isclose", lambda m, a, b: m.isclose(a, b),
    [np.array([1, 1.00001, np.inf, np.nan, -np.inf, 0], np.float32),
     np.array([1.00001, 1, np.inf, np.nan, np.inf, 1e-9], np.float32)])
add("isclose_equal_nan_tols", lambda m, a, b: m.isclose(a, b, rtol=0.1, atol=0.01, equal_nan=True),
    [np.array([1, 1.05, np.nan, 0.02], np.float32), np.array([1.09, 1, np.nan, 0.0], np.float32)])
add("isclose_int", lambda m, a, b: m.isclose(a, b), [np.array([1, 2, 3]), np.array([1, 2, 4])])
add("allclose", lambda m, a, b: m.allclose(a, b), [sample("ac", (3,), F32), sample("ac", (3,), F32) + 1e-7])
add("array_equal", lambda m, a, b: m.array_equal(a, b), [sample("ae", (3,), I32), sample("ae", (3,), I32)])
add("array_equal_shapes", lambda m, a, b: m.array_equal(a, b), [sample("aes", (3,), I32), sample("aes2", (4,), I32)])
add("array_equal_nan", lambda m, a, b: m.array_equal(a, b, equal_nan=True),
    [np.array([1, np.nan], np.float32), np.array([1, np.nan], np.float32)])
add("array_equiv", lambda m, a, b: m.array_equiv(a, b), [np.array([1, 2]), np.array([[1, 2], [1, 2]])])
add("array_equiv_false", lambda m, a, b: m.array_equiv(a, b), [np.array([1, 2]), np.array([1, 2, 3])])
add("iscomplexobj", lambda m, x: m.iscomplexobj(x), [sample("ico", (2,), C64)])
add("isrealobj", lambda m, x: m.isrealobj(x), [sample("iro", (2,), F32)])
add("isscalar", lambda m, x: m.isscalar(x), [np.float32(1)])
