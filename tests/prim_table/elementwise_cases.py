"""Cases for elementwise primitives, across dtypes.

Names are ``<prim>_<dtype>[_variant]``.  Float32 cases of differentiable
primitives list ``diff_argnums`` and draw their inputs from domains where
finite differences are well conditioned (away from poles, branch points,
kinks and ties).  Low-precision (bf16/f16) cases compare against the NumPy
oracle evaluated in float32 on the same (rounded) inputs.  The float64 cases
are robust with x64 off too (they then run in float32).
"""
import numpy as np

from jax_core import dtypes, lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []

bf16 = np.dtype(dtypes.bfloat16)
f16 = np.dtype(np.float16)
f32 = np.dtype(np.float32)
f64 = np.dtype(np.float64)
c64 = np.dtype(np.complex64)
_SHORT = {"bfloat16": "bf16", "float16": "f16", "float32": "f32", "float64": "f64",
          "complex64": "c64", "complex128": "c128", "int8": "i8", "int16": "i16", "int32": "i32",
          "uint8": "u8", "uint16": "u16", "uint32": "u32", "bool": "bool"}
SHAPE = (3, 4)


def _short(dtype):
    return _SHORT[np.dtype(dtype).name]


def _add(name, prim, fun, args, expected, **kw):
    CASES.append(PrimCase(name, prim, fun, args, expected, **kw))


# --- sample inputs -------------------------------------------------------------


def normal(name, dtype=f32, shape=SHAPE, scale=1.0):
    return np.asarray(rng_for(name).randn(*shape) * scale).astype(dtype)


def uniform(name, lo, hi, dtype=f32, shape=SHAPE):
    return np.asarray(rng_for(name).uniform(lo, hi, shape)).astype(dtype)


def away_from_zero(name, lo, hi, dtype=f32, shape=SHAPE):
    """Magnitudes in [lo, hi) with random signs."""
    rng = rng_for(name)
    return (rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)).astype(dtype)


def ints(name, lo, hi, dtype, shape=SHAPE):
    return rng_for(name).randint(lo, hi, shape).astype(dtype)


def full_range_ints(name, dtype, shape=SHAPE):
    info = np.iinfo(dtype)
    return rng_for(name).randint(int(info.min), int(info.max) + 1, shape, dtype=np.int64).astype(dtype)


def bools(name, shape=SHAPE):
    return rng_for(name).rand(*shape) < 0.5


def complexes(name, dtype=c64, shape=SHAPE, scale=0.7):
    rng = rng_for(name)
    return ((rng.randn(*shape) + 1j * rng.randn(*shape)) * scale).astype(dtype)


def in_f32(np_fn):
    """Oracle for low-precision inputs: NumPy in float32 on the rounded inputs."""
    return lambda *a: np_fn(*(x.astype(np.float32) for x in a))


def in_c128(np_fn):
    return lambda *a: np_fn(*(x.astype(np.complex128) for x in a))


def scipy_special(name):
    def oracle(*a):
        import scipy.special

        return getattr(scipy.special, name)(*(np.asarray(x, np.float64) for x in a))

    return oracle


def distinct_pair(name, dtype=f32, shape=SHAPE):
    """Two float arrays whose elements differ by at least 0.1 (no ties for max/min)."""
    x = normal(name + "x", dtype, shape)
    gap = away_from_zero(name + "gap", 0.1, 1.0, dtype, shape)
    return [x, (x + gap).astype(dtype)]


# --- n-ary arithmetic -----------------------------------------------------------

for prim, op in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply)]:
    fun = getattr(lax, prim)
    _add(f"{prim}_f32", prim, fun, [normal(prim + "1"), normal(prim + "2")], op, diff_argnums=(0, 1))
    _add(f"{prim}_f32_scalar", prim, fun, [normal(prim + "s1", shape=()), normal(prim + "s2", shape=())],
         op, diff_argnums=(0, 1))
    _add(f"{prim}_f64", prim, fun, [normal(prim + "d1", f64), normal(prim + "d2", f64)], op,
         diff_argnums=(0, 1))
    _add(f"{prim}_i32", prim, fun, [ints(prim + "i1", -1000, 1000, np.int32),
                                    ints(prim + "i2", -1000, 1000, np.int32)], op, exact=True)
    # wrap-around arithmetic, as in XLA
    _add(f"{prim}_i8_wrap", prim, fun, [full_range_ints(prim + "w1", np.int8),
                                        full_range_ints(prim + "w2", np.int8)], op, exact=True)
    _add(f"{prim}_u8", prim, fun, [full_range_ints(prim + "u1", np.uint8),
                                   full_range_ints(prim + "u2", np.uint8)], op, exact=True)
    _add(f"{prim}_u32", prim, fun, [full_range_ints(prim + "u32a", np.uint32),
                                    full_range_ints(prim + "u32b", np.uint32)], op, exact=True)
    _add(f"{prim}_bf16", prim, fun, [normal(prim + "b1", bf16), normal(prim + "b2", bf16)], in_f32(op))
    _add(f"{prim}_f16", prim, fun, [normal(prim + "h1", f16), normal(prim + "h2", f16)], in_f32(op))
    _add(f"{prim}_c64", prim, fun, [complexes(prim + "c1"), complexes(prim + "c2")], in_c128(op))


def _trunc_div(x, y):
    return (np.sign(x) * np.sign(y) * (np.abs(x) // np.abs(y))).astype(x.dtype)


_add("div_f32", "div", lax.div, [normal("div1"), away_from_zero("div2", 0.5, 2.0)], np.divide,
     diff_argnums=(0, 1))
_add("div_f64", "div", lax.div, [normal("divd1", f64), away_from_zero("divd2", 0.5, 2.0, f64)],
     np.divide, diff_argnums=(0, 1))
_add("div_i32", "div", lax.div, [ints("divi1", -100, 100, np.int32), away_from_zero("divi2", 1, 9).astype(np.int32)],
     _trunc_div, exact=True)
# XLA's answers: x / 0 == -1 and INT_MIN / -1 == INT_MIN
_add("div_i32_edge", "div", lax.div,
     [np.array([7, -7, 0, -2**31, -2**31, 2**31 - 1], np.int32), np.array([0, 0, 0, -1, 1, -1], np.int32)],
     lambda x, y: np.array([-1, -1, -1, -2**31, -2**31, -(2**31 - 1)], np.int32), exact=True)
_add("div_u8", "div", lax.div, [full_range_ints("divu1", np.uint8), ints("divu2", 1, 256, np.uint8)],
     np.floor_divide, exact=True)
_add("div_u8_zero", "div", lax.div, [np.array([0, 5, 255], np.uint8), np.array([0, 0, 0], np.uint8)],
     lambda x, y: np.full(3, 255, np.uint8), exact=True)
_add("div_bf16", "div", lax.div, [normal("divb1", bf16), away_from_zero("divb2", 0.5, 2.0, bf16)],
     in_f32(np.divide))
_add("div_c64", "div", lax.div, [complexes("divc1"), complexes("divc2") + np.complex64(2)], in_c128(np.divide))


def _rem_args(name, dtype=f32):
    # x / y stays at least 0.2 away from an integer, where rem's derivative in y jumps
    rng = rng_for(name)
    y = rng.uniform(1.0, 2.0, SHAPE) * rng.choice([-1.0, 1.0], SHAPE)
    x = (rng.randint(-3, 4, SHAPE) + rng.uniform(0.2, 0.8, SHAPE)) * y
    return [x.astype(dtype), y.astype(dtype)]


_add("rem_f32", "rem", lax.rem, _rem_args("rem"), np.fmod, diff_argnums=(0, 1))
_add("rem_f64", "rem", lax.rem, _rem_args("remd", f64), np.fmod, diff_argnums=(0, 1))
_add("rem_i32", "rem", lax.rem, [ints("remi1", -100, 100, np.int32), away_from_zero("remi2", 1, 9).astype(np.int32)],
     np.fmod, exact=True)
# XLA's answers: x % 0 == x and INT_MIN % -1 == 0
_add("rem_i32_edge", "rem", lax.rem,
     [np.array([7, -7, 0, -2**31, -2**31], np.int32), np.array([0, 0, 0, -1, 1], np.int32)],
     lambda x, y: np.array([7, -7, 0, 0, 0], np.int32), exact=True)
_add("rem_u8", "rem", lax.rem, [full_range_ints("remu1", np.uint8), ints("remu2", 1, 256, np.uint8)],
     np.fmod, exact=True)
_add("rem_bf16", "rem", lax.rem, _rem_args("remb", bf16), in_f32(np.fmod))

_add("pow_f32", "pow", lax.pow, [uniform("pow1", 0.5, 2.0), normal("pow2")], np.power, diff_argnums=(0, 1))
_add("pow_f64", "pow", lax.pow, [uniform("powd1", 0.5, 2.0, f64), normal("powd2", f64)], np.power,
     diff_argnums=(0, 1))
_add("pow_f32_int_exponent", "pow", lax.pow, [away_from_zero("powi1", 0.5, 2.0), ints("powi2", -3, 4, np.int32)],
     lambda x, y: np.power(x.astype(np.float64), y), diff_argnums=(0,))
_add("pow_bf16", "pow", lax.pow, [uniform("powb1", 0.5, 2.0, bf16), normal("powb2", bf16)], in_f32(np.power))
_add("pow_c64", "pow", lax.pow, [complexes("powc1") + np.complex64(1.5), complexes("powc2")], in_c128(np.power))

for y in (0, 1, 2, 3, 5, -1, -2):
    tag = f"m{-y}" if y < 0 else str(y)
    x = normal(f"ipow{tag}") if y >= 0 else away_from_zero(f"ipow{tag}", 0.5, 2.0)
    _add(f"integer_pow_f32_y{tag}", "integer_pow", lambda x, y=y: lax.integer_pow(x, y), [x],
         lambda x, y=y: np.power(x.astype(np.float64), y), diff_argnums=(0,))
_add("integer_pow_i32_y3", "integer_pow", lambda x: lax.integer_pow(x, 3), [ints("ipowi", -100, 100, np.int32)],
     lambda x: x ** 3, exact=True)
_add("integer_pow_i8_y7_wrap", "integer_pow", lambda x: lax.integer_pow(x, 7), [full_range_ints("ipowi8", np.int8)],
     lambda x: x ** 7, exact=True)
_add("integer_pow_bf16_y2", "integer_pow", lambda x: lax.integer_pow(x, 2), [normal("ipowb", bf16)],
     in_f32(np.square))
_add("integer_pow_c64_y3", "integer_pow", lambda x: lax.integer_pow(x, 3), [complexes("ipowc")],
     in_c128(lambda x: x ** 3))
_add("integer_pow_c64_ym2", "integer_pow", lambda x: lax.integer_pow(x, -2), [complexes("ipowc2") + np.complex64(1)],
     in_c128(lambda x: x ** -2.0))

# --- unary arithmetic ---------------------------------------------------------------

_add("neg_f32", "neg", lax.neg, [normal("neg")], np.negative, diff_argnums=(0,), exact=True)
_add("neg_i32", "neg", lax.neg, [ints("negi", -1000, 1000, np.int32)], np.negative, exact=True)
_add("neg_i8_wrap", "neg", lax.neg, [np.array([-128, -1, 0, 127], np.int8)], np.negative, exact=True)
_add("neg_u8", "neg", lax.neg, [full_range_ints("negu", np.uint8)], np.negative, exact=True)
_add("neg_bf16", "neg", lax.neg, [normal("negb", bf16)], np.negative, exact=True)
_add("neg_c64", "neg", lax.neg, [complexes("negc")], np.negative, exact=True)

_add("sign_f32", "sign", lax.sign, [away_from_zero("sign", 0.1, 3.0)], np.sign, diff_argnums=(0,), exact=True)
_add("sign_f32_special", "sign", lax.sign, [np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -2.0], np.float32)],
     np.sign, exact=True)
_add("sign_i32", "sign", lax.sign, [ints("signi", -3, 4, np.int32)], np.sign, exact=True)
_add("sign_u8", "sign", lax.sign, [ints("signu", 0, 3, np.uint8)], np.sign, exact=True)
_add("sign_bf16", "sign", lax.sign, [normal("signb", bf16)], in_f32(np.sign), exact=True)
_add("sign_c64", "sign", lax.sign, [complexes("signc")], in_c128(lambda x: x / np.abs(x)))

_add("abs_f32", "abs", lax.abs, [away_from_zero("abs", 0.1, 3.0)], np.abs, diff_argnums=(0,), exact=True)
_add("abs_i32", "abs", lax.abs, [ints("absi", -1000, 1000, np.int32)], np.abs, exact=True)
_add("abs_i8_min", "abs", lax.abs, [np.array([-128, -127, 0, 5], np.int8)], np.abs, exact=True)
_add("abs_bf16", "abs", lax.abs, [normal("absb", bf16)], np.abs, exact=True)
_add("abs_c64", "abs", lax.abs, [complexes("absc")], in_c128(np.abs))

_add("square_f32", "square", lax.square, [normal("sq")], np.square, diff_argnums=(0,))
_add("square_i32", "square", lax.square, [ints("sqi", -1000, 1000, np.int32)], np.square, exact=True)
_add("square_bf16", "square", lax.square, [normal("sqb", bf16)], in_f32(np.square))
_add("square_c64", "square", lax.square, [complexes("sqc")], in_c128(np.square))

for prim, op in [("max", np.maximum), ("min", np.minimum)]:
    fun = getattr(lax, prim)
    _add(f"{prim}_f32", prim, fun, distinct_pair(prim), op, diff_argnums=(0, 1), exact=True)
    _add(f"{prim}_f32_nan", prim, fun, [np.array([np.nan, 1.0, np.nan, -np.inf], np.float32),
                                        np.array([0.0, np.nan, np.nan, 2.0], np.float32)], op, exact=True)
    _add(f"{prim}_i32", prim, fun, [ints(prim + "i1", -50, 50, np.int32), ints(prim + "i2", -50, 50, np.int32)],
         op, exact=True)
    _add(f"{prim}_u8", prim, fun, [full_range_ints(prim + "u1", np.uint8), full_range_ints(prim + "u2", np.uint8)],
         op, exact=True)
    _add(f"{prim}_bool", prim, fun, [bools(prim + "b1"), bools(prim + "b2")], op, exact=True)
    _add(f"{prim}_bf16", prim, fun, distinct_pair(prim + "bf", bf16), in_f32(op), exact=True)

_NEXTAFTER_X = np.array([1.0, 1.0, -1.0, 3.5, np.inf, -np.inf, 2.0, np.nan], np.float32)
_NEXTAFTER_Y = np.array([2.0, 0.0, 0.0, 3.5, 0.0, 0.0, np.nan, 1.0], np.float32)
_add("nextafter_f32", "nextafter", lax.nextafter, [_NEXTAFTER_X, _NEXTAFTER_Y], np.nextafter, exact=True)
_add("nextafter_f32_random", "nextafter", lax.nextafter, [normal("nxa1"), normal("nxa2")], np.nextafter, exact=True)
# (the test helpers cannot match NaNs in bfloat16 arrays exactly: no NaNs there)
_add("nextafter_bf16", "nextafter", lax.nextafter, [_NEXTAFTER_X[:6].astype(bf16), _NEXTAFTER_Y[:6].astype(bf16)],
     np.nextafter, exact=True)
_add("nextafter_f16", "nextafter", lax.nextafter, [_NEXTAFTER_X.astype(f16), _NEXTAFTER_Y.astype(f16)],
     np.nextafter, exact=True)

# --- rounding -------------------------------------------------------------------------

_HALVES = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.3, 7.0, np.inf, np.nan, 1e30],
                   np.float32)


def _round_half_away(x):
    return np.where(np.abs(x - np.trunc(x)) >= 0.5, np.trunc(x) + np.sign(x), np.trunc(x)).astype(x.dtype)


for prim, op in [("floor", np.floor), ("ceil", np.ceil)]:
    fun = getattr(lax, prim)
    _add(f"{prim}_f32", prim, fun, [normal(prim, scale=3.0)], op, exact=True)
    _add(f"{prim}_f32_special", prim, fun, [_HALVES], op, exact=True)
    _add(f"{prim}_bf16", prim, fun, [normal(prim + "b", bf16, scale=3.0)], in_f32(op), exact=True)
    _add(f"{prim}_f16", prim, fun, [normal(prim + "h", f16, scale=3.0)], in_f32(op), exact=True)
_add("round_f32_away_from_zero", "round", lax.round, [_HALVES], _round_half_away, exact=True)
_add("round_f32_to_nearest_even", "round",
     lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), [_HALVES], np.rint, exact=True)
_add("round_f32_random", "round", lax.round, [normal("round", scale=3.0)], _round_half_away, exact=True)
_add("round_bf16", "round", lax.round, [_HALVES[:10].astype(bf16)], in_f32(_round_half_away), exact=True)

_SPECIALS = np.array([1.0, -np.inf, np.inf, np.nan, 0.0, -3e38], np.float32)
_add("is_finite_f32", "is_finite", lax.is_finite, [_SPECIALS], np.isfinite, exact=True)
_add("is_finite_bf16", "is_finite", lax.is_finite, [_SPECIALS[:5].astype(bf16)], in_f32(np.isfinite),
     exact=True)
_add("is_finite_f16", "is_finite", lax.is_finite, [_SPECIALS[:5].astype(f16)], in_f32(np.isfinite),
     exact=True)

# --- transcendental functions -----------------------------------------------------------


def _logistic(x):
    return 1 / (1 + np.exp(-x))


def _rsqrt(x):
    return 1 / np.sqrt(x)


# name: (NumPy oracle, float sampler (name, dtype) -> array, complex ok, low-precision dtype)
_UNARY = {
    "exp": (np.exp, lambda n, d: normal(n, d), True, bf16),
    "exp2": (np.exp2, lambda n, d: normal(n, d), True, f16),
    "log": (np.log, lambda n, d: uniform(n, 0.5, 3.0, d), True, bf16),
    "expm1": (np.expm1, lambda n, d: normal(n, d, scale=0.5), True, f16),
    "log1p": (np.log1p, lambda n, d: uniform(n, -0.5, 2.0, d), True, bf16),
    "tanh": (np.tanh, lambda n, d: normal(n, d), True, bf16),
    "logistic": (_logistic, lambda n, d: normal(n, d, scale=2.0), True, bf16),
    "sin": (np.sin, lambda n, d: normal(n, d, scale=2.0), True, bf16),
    "cos": (np.cos, lambda n, d: normal(n, d, scale=2.0), True, f16),
    "tan": (np.tan, lambda n, d: uniform(n, -1.2, 1.2, d), True, bf16),
    "asin": (np.arcsin, lambda n, d: uniform(n, -0.9, 0.9, d), True, f16),
    "acos": (np.arccos, lambda n, d: uniform(n, -0.9, 0.9, d), True, bf16),
    "atan": (np.arctan, lambda n, d: normal(n, d), True, bf16),
    "sinh": (np.sinh, lambda n, d: uniform(n, -2.0, 2.0, d), True, f16),
    "cosh": (np.cosh, lambda n, d: uniform(n, -2.0, 2.0, d), True, bf16),
    "asinh": (np.arcsinh, lambda n, d: normal(n, d), True, bf16),
    "acosh": (np.arccosh, lambda n, d: uniform(n, 1.2, 3.0, d), True, f16),
    "atanh": (np.arctanh, lambda n, d: uniform(n, -0.9, 0.9, d), True, bf16),
    "sqrt": (np.sqrt, lambda n, d: uniform(n, 0.5, 3.0, d), True, bf16),
    "rsqrt": (_rsqrt, lambda n, d: uniform(n, 0.5, 3.0, d), True, f16),
    "cbrt": (np.cbrt, lambda n, d: away_from_zero(n, 0.5, 3.0, d), False, bf16),
}

for prim, (op, sample, has_complex, low) in _UNARY.items():
    fun = getattr(lax, prim)
    _add(f"{prim}_f32", prim, fun, [sample(prim, f32)], op, diff_argnums=(0,))
    _add(f"{prim}_f64", prim, fun, [sample(prim + "d", f64)], op, diff_argnums=(0,))
    _add(f"{prim}_{_short(low)}", prim, fun, [sample(prim + "low", low)], in_f32(op))
    if has_complex:
        _add(f"{prim}_c64", prim, fun, [complexes(prim + "c")], in_c128(op))
_add("exp_f32_special", "exp", lax.exp, [np.array([-np.inf, np.inf, np.nan, 0.0, -200.0, 100.0], np.float32)],
     np.exp)
_add("log_f32_special", "log", lax.log, [np.array([0.0, -1.0, np.inf, np.nan, 1.0], np.float32)], np.log)
_add("sqrt_f32_special", "sqrt", lax.sqrt, [np.array([0.0, -1.0, np.inf, np.nan, 4.0], np.float32)], np.sqrt)
_add("logistic_f32_extreme", "logistic", lax.logistic, [np.array([-200.0, -30.0, 0.0, 30.0, 200.0], np.float32)],
     lambda x: _logistic(x.astype(np.float64)))


def _atan2_complex(x, y):
    return -1j * np.log((y + 1j * x) / np.sqrt(x * x + y * y))


_add("atan2_f32", "atan2", lax.atan2, [normal("atan2x"), away_from_zero("atan2y", 0.5, 2.0)], np.arctan2,
     diff_argnums=(0, 1))
_add("atan2_f32_quadrants", "atan2", lax.atan2,
     [np.array([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, -0.0], np.float32),
      np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, -1.0], np.float32)], np.arctan2)
_add("atan2_f64", "atan2", lax.atan2, [normal("atan2dx", f64), away_from_zero("atan2dy", 0.5, 2.0, f64)],
     np.arctan2, diff_argnums=(0, 1))
_add("atan2_bf16", "atan2", lax.atan2, [normal("atan2bx", bf16), normal("atan2by", bf16)], in_f32(np.arctan2))
_add("atan2_c64", "atan2", lax.atan2, [complexes("atan2cx"), complexes("atan2cy") + np.complex64(1.5)],
     in_c128(_atan2_complex))

# --- special functions --------------------------------------------------------------------

_add("erf_f32", "erf", lax.erf, [normal("erf", scale=1.5)], scipy_special("erf"), diff_argnums=(0,))
_add("erf_f64", "erf", lax.erf, [normal("erfd", f64, scale=2.0)], scipy_special("erf"), diff_argnums=(0,))
_add("erf_f32_large", "erf", lax.erf, [normal("erfl", shape=(100,), scale=3.0)], scipy_special("erf"))
_add("erf_bf16", "erf", lax.erf, [normal("erfb", bf16)], in_f32(scipy_special("erf")))
_add("erf_f16", "erf", lax.erf, [normal("erfh", f16)], in_f32(scipy_special("erf")))
_add("erfc_f32", "erfc", lax.erfc, [normal("erfc", scale=1.5)], scipy_special("erfc"), diff_argnums=(0,))
_add("erfc_f64", "erfc", lax.erfc, [normal("erfcd", f64, scale=2.0)], scipy_special("erfc"), diff_argnums=(0,))
_add("erfc_f32_large", "erfc", lax.erfc, [normal("erfcl", shape=(100,), scale=3.0)], scipy_special("erfc"))
_add("erfc_bf16", "erfc", lax.erfc, [normal("erfcb", bf16)], in_f32(scipy_special("erfc")))
_add("erf_inv_f32", "erf_inv", lax.erf_inv, [uniform("erfinv", -0.9, 0.9)], scipy_special("erfinv"),
     diff_argnums=(0,))
_add("erf_inv_f64", "erf_inv", lax.erf_inv, [uniform("erfinvd", -0.8, 0.8, f64)], scipy_special("erfinv"),
     diff_argnums=(0,))
_add("erf_inv_f32_large", "erf_inv", lax.erf_inv, [uniform("erfinvl", -0.9999, 0.9999, shape=(100,))],
     scipy_special("erfinv"), rtol=1e-4)
_add("erf_inv_f32_special", "erf_inv", lax.erf_inv, [np.array([-1.0, 1.0, 0.0, 2.0, np.nan], np.float32)],
     scipy_special("erfinv"))
_add("erf_inv_bf16", "erf_inv", lax.erf_inv, [uniform("erfinvb", -0.9, 0.9, bf16)],
     in_f32(scipy_special("erfinv")))
# lgamma's second derivative needs polygamma, which the table does not have
_add("lgamma_f32", "lgamma", lax.lgamma, [uniform("lgamma", 0.5, 5.0)], scipy_special("gammaln"),
     diff_argnums=(0,), grad_order=1)
_add("lgamma_f32_negative", "lgamma", lax.lgamma, [uniform("lgamman", -3.8, -3.2)], scipy_special("gammaln"),
     diff_argnums=(0,), grad_order=1)
_add("lgamma_f64", "lgamma", lax.lgamma, [uniform("lgammad", 0.5, 20.0, f64)], scipy_special("gammaln"),
     diff_argnums=(0,), grad_order=1)
_add("lgamma_f32_large", "lgamma", lax.lgamma, [uniform("lgammal", -10.0, 30.0, shape=(100,))],
     scipy_special("gammaln"), rtol=1e-4, atol=1e-5)
_add("lgamma_f32_poles", "lgamma", lax.lgamma, [np.array([0.0, -1.0, -2.0, np.inf, 1.0, 2.0], np.float32)],
     lambda x: np.array([np.inf, np.inf, np.inf, np.inf, 0.0, 0.0]))
_add("lgamma_bf16", "lgamma", lax.lgamma, [uniform("lgammab", 0.5, 5.0, bf16)],
     in_f32(scipy_special("gammaln")), atol=5e-2)
# digamma's derivative is polygamma(1, x): not differentiated here
_add("digamma_f32", "digamma", lax.digamma, [uniform("digamma", 2.0, 6.0)], scipy_special("digamma"))
_add("digamma_f32_negative", "digamma", lax.digamma, [uniform("digamman", -2.8, -2.2)], scipy_special("digamma"))
_add("digamma_f64", "digamma", lax.digamma, [uniform("digammad", 0.2, 1.3, f64)], scipy_special("digamma"))
_add("digamma_f32_large", "digamma", lax.digamma, [uniform("digammal", 2.0, 50.0, shape=(100,))],
     scipy_special("digamma"))
_add("digamma_f32_poles", "digamma", lax.digamma, [np.array([0.0, -1.0, -3.0, np.inf, 1.0], np.float32)],
     lambda x: np.array([np.nan, np.nan, np.nan, np.inf, -0.5772156649015329]))
_add("digamma_bf16", "digamma", lax.digamma, [uniform("digammab", 2.0, 6.0, bf16)],
     in_f32(scipy_special("digamma")))

# --- complex numbers ------------------------------------------------------------------------

_add("real_c64", "real", lax.real, [complexes("real")], np.real, exact=True)
_add("imag_c64", "imag", lax.imag, [complexes("imag")], np.imag, exact=True)
_add("complex_f32", "complex", lax.complex, [normal("cplx1"), normal("cplx2")], lambda x, y: x + 1j * y,
     exact=True)
_add("complex_f64", "complex", lax.complex, [normal("cplxd1", f64), normal("cplxd2", f64)],
     lambda x, y: x + 1j * y)
_add("conj_c64", "conj", lax.conj, [complexes("conj")], np.conj, exact=True)
_add("conj_f32", "conj", lax.conj, [normal("conjf")], lambda x: x.astype(np.complex64), exact=True)

# --- comparisons ----------------------------------------------------------------------------

_CMP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
        "ge": np.greater_equal}
for prim, op in _CMP.items():
    fun = getattr(lax, prim)
    a = normal(prim + "f1")
    b = np.where(rng_for(prim + "tie").rand(*SHAPE) < 0.3, a, normal(prim + "f2")).astype(np.float32)
    _add(f"{prim}_f32", prim, fun, [a, b], op, exact=True)
    _add(f"{prim}_f32_nan", prim, fun, [np.array([np.nan, 1.0, np.nan, np.inf, -0.0], np.float32),
                                        np.array([1.0, np.nan, np.nan, np.inf, 0.0], np.float32)], op, exact=True)
    _add(f"{prim}_i32", prim, fun, [ints(prim + "i1", -3, 3, np.int32), ints(prim + "i2", -3, 3, np.int32)], op,
         exact=True)
    _add(f"{prim}_u8", prim, fun, [full_range_ints(prim + "u1", np.uint8), full_range_ints(prim + "u2", np.uint8)],
         op, exact=True)
    _add(f"{prim}_bool", prim, fun, [bools(prim + "b1"), bools(prim + "b2")], op, exact=True)
    _add(f"{prim}_bf16", prim, fun, [a.astype(bf16), b.astype(bf16)], in_f32(op), exact=True)
for prim in ("eq", "ne"):
    c = complexes(prim + "c1")
    d = np.where(rng_for(prim + "ctie").rand(*SHAPE) < 0.3, c, complexes(prim + "c2"))
    _add(f"{prim}_c64", prim, getattr(lax, prim), [c, d], _CMP[prim], exact=True)

# --- bitwise operations -------------------------------------------------------------------

for prim, fun, op in [("and", lax.bitwise_and, np.bitwise_and), ("or", lax.bitwise_or, np.bitwise_or),
                      ("xor", lax.bitwise_xor, np.bitwise_xor)]:
    _add(f"{prim}_bool", prim, fun, [bools(prim + "b1"), bools(prim + "b2")], op, exact=True)
    _add(f"{prim}_i32", prim, fun, [full_range_ints(prim + "i1", np.int32), full_range_ints(prim + "i2", np.int32)],
         op, exact=True)
    _add(f"{prim}_u8", prim, fun, [full_range_ints(prim + "u1", np.uint8), full_range_ints(prim + "u2", np.uint8)],
         op, exact=True)
_add("not_bool", "not", lax.bitwise_not, [bools("notb")], np.logical_not, exact=True)
_add("not_i32", "not", lax.bitwise_not, [full_range_ints("noti", np.int32)], np.invert, exact=True)
_add("not_u8", "not", lax.bitwise_not, [full_range_ints("notu", np.uint8)], np.invert, exact=True)


def _shift_oracle(kind):
    def oracle(x, y):
        bits = x.dtype.itemsize * 8
        unsigned = np.dtype(f"u{x.dtype.itemsize}")
        xs = [int(v) for v in x.ravel()]
        ys = [int(v) for v in y.astype(unsigned).ravel()]  # negative amounts are huge
        out = []
        for a, s in zip(xs, ys):
            if kind == "left":
                out.append(0 if s >= bits else (a << s))
            elif kind == "logical":
                out.append(0 if s >= bits else (a % (1 << bits)) >> s)
            else:
                signed = a - (1 << bits) if a >= (1 << (bits - 1)) else a
                out.append(signed >> min(s, bits - 1))
        return np.array([v % (1 << bits) for v in out], np.uint64).astype(unsigned).view(x.dtype).reshape(x.shape)

    return oracle


_SHIFT_AMOUNTS_I32 = np.array([0, 1, 5, 31, 32, 33, -1, 100, 7, 3, 16, 30], np.int32).reshape(SHAPE)
_SHIFT_AMOUNTS_U8 = np.array([0, 1, 5, 7, 8, 9, 255, 100, 7, 3, 2, 6], np.uint8).reshape(SHAPE)
for prim, fun, kind in [("shift_left", lax.shift_left, "left"),
                        ("shift_right_logical", lax.shift_right_logical, "logical"),
                        ("shift_right_arithmetic", lax.shift_right_arithmetic, "arithmetic")]:
    _add(f"{prim}_i32", prim, fun, [full_range_ints(prim + "i", np.int32), _SHIFT_AMOUNTS_I32],
         _shift_oracle(kind), exact=True)
    _add(f"{prim}_u8", prim, fun, [full_range_ints(prim + "u", np.uint8), _SHIFT_AMOUNTS_U8],
         _shift_oracle(kind), exact=True)
    _add(f"{prim}_i8", prim, fun, [full_range_ints(prim + "i8", np.int8), ints(prim + "i8s", -2, 10, np.int8)],
         _shift_oracle(kind), exact=True)
    _add(f"{prim}_u32", prim, fun, [full_range_ints(prim + "u32", np.uint32), ints(prim + "u32s", 0, 40, np.uint32)],
         _shift_oracle(kind), exact=True)


def _popcount(x):
    unsigned = np.dtype(f"u{x.dtype.itemsize}")
    return np.array([bin(int(v)).count("1") for v in x.astype(unsigned).ravel()]).astype(x.dtype).reshape(x.shape)


def _clz(x):
    bits = x.dtype.itemsize * 8
    unsigned = np.dtype(f"u{x.dtype.itemsize}")
    return np.array([bits - int(v).bit_length() for v in x.astype(unsigned).ravel()]).astype(x.dtype).reshape(x.shape)


for dt in (np.int32, np.uint8, np.int8, np.uint32, np.int16):
    x = full_range_ints("popc" + np.dtype(dt).name, dt)
    x.flat[0] = 0
    _add(f"population_count_{_short(dt)}", "population_count", lax.population_count, [x], _popcount, exact=True)
    _add(f"clz_{_short(dt)}", "clz", lax.clz, [x], _clz, exact=True)

# --- selection and clamping ----------------------------------------------------------------

_add("select_n_bool_f32", "select_n", lax.select_n, [bools("seln"), normal("seln1"), normal("seln2")],
     lambda p, a, b: np.where(p, b, a), diff_argnums=(1, 2), exact=True)
_add("select_n_i32_three_cases", "select_n", lax.select_n,
     [ints("seln3", 0, 3, np.int32), normal("seln31"), normal("seln32"), normal("seln33")],
     lambda w, a, b, c: np.choose(w, [a, b, c]), diff_argnums=(1, 2, 3), exact=True)
_add("select_n_scalar_which", "select_n", lax.select_n,
     [np.array(True), ints("selns1", -9, 9, np.int32), ints("selns2", -9, 9, np.int32)],
     lambda p, a, b: b if p else a, exact=True)
_add("select_f32", "select_n", lax.select, [bools("sel"), normal("sel1"), normal("sel2")], np.where,
     diff_argnums=(1, 2), exact=True)


def _clamp(lo, x, hi):
    return np.minimum(np.maximum(x, lo), hi)


_clamp_x = normal("clampx", scale=2.0)
_clamp_x = np.where(np.abs(np.abs(_clamp_x) - 1.0) < 0.1, 0.3, _clamp_x).astype(np.float32)  # no ties
_add("clamp_f32", "clamp", lax.clamp, [uniform("clamplo", -1.5, -0.5), normal("clampx2"), uniform("clamphi", 0.5, 1.5)],
     _clamp, exact=True)
_add("clamp_f32_scalar_bounds", "clamp", lax.clamp, [np.float32(-1.0), _clamp_x, np.float32(1.0)], _clamp,
     diff_argnums=(1,), exact=True)
_add("clamp_f32_python_bounds", "clamp", lambda x: lax.clamp(-1.0, x, 1.0), [_clamp_x],
     lambda x: np.clip(x, -1.0, 1.0), diff_argnums=(0,), exact=True)
_add("clamp_i32", "clamp", lax.clamp, [np.int32(-5), ints("clampi", -10, 10, np.int32), np.int32(5)], _clamp,
     exact=True)
_add("clamp_bf16", "clamp", lax.clamp, [np.array(-1.0, bf16), normal("clampb", bf16, scale=2.0), np.array(1.0, bf16)],
     in_f32(_clamp), exact=True)

# --- bit-level conversions -------------------------------------------------------------------

_add("bitcast_convert_type_f32_to_i32", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.int32), [normal("bc1")], lambda x: x.view(np.int32), exact=True)
_add("bitcast_convert_type_i32_to_f32", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.float32), [normal("bc2").view(np.int32)],
     lambda x: x.view(np.float32), exact=True)
_add("bitcast_convert_type_f32_to_u8", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.uint8), [normal("bc3")],
     lambda x: x.view(np.uint8).reshape(x.shape + (4,)), exact=True)
_add("bitcast_convert_type_u8_to_f32", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.float32), [normal("bc4").view(np.uint8).reshape(SHAPE + (4,))],
     lambda x: x.reshape(-1).view(np.float32).reshape(x.shape[:-1]), exact=True)
_add("bitcast_convert_type_bf16_to_u16", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.uint16), [normal("bc5", bf16)], lambda x: x.view(np.uint16),
     exact=True)
_add("bitcast_convert_type_i8_to_u8", "bitcast_convert_type",
     lambda x: lax.bitcast_convert_type(x, np.uint8), [full_range_ints("bc6", np.int8)], lambda x: x.view(np.uint8),
     exact=True)


def _normal_range(name, lo_exp, hi_exp, dtype=f32):
    """Random signs and magnitudes 2**[lo_exp, hi_exp): no denormals, no overflow."""
    rng = rng_for(name)
    mag = np.exp2(rng.uniform(lo_exp, hi_exp, SHAPE))
    return (mag * rng.choice([-1.0, 1.0], SHAPE)).astype(dtype)


_add("reduce_precision_f32_bf16_format", "reduce_precision",
     lambda x: lax.reduce_precision(x, exponent_bits=8, mantissa_bits=7), [_normal_range("rp1", -20, 20)],
     lambda x: x.astype(bf16).astype(np.float32), exact=True)
_add("reduce_precision_f32_f16_format", "reduce_precision",
     lambda x: lax.reduce_precision(x, exponent_bits=5, mantissa_bits=10), [_normal_range("rp2", -13, 15)],
     lambda x: x.astype(np.float16).astype(np.float32), exact=True)
_add("reduce_precision_f32_special", "reduce_precision",
     lambda x: lax.reduce_precision(x, exponent_bits=5, mantissa_bits=10),
     [np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1e6, -1e6, 1e-9], np.float32)],
     lambda x: np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, np.inf, -np.inf, 0.0], np.float32), exact=True)
_add("reduce_precision_bf16", "reduce_precision",
     lambda x: lax.reduce_precision(x, exponent_bits=5, mantissa_bits=2), [_normal_range("rp3", -10, 10, bf16)],
     lambda x: x.astype(np.float32).astype(dtypes.float8_e5m2).astype(np.float32), exact=True)
