"""Elementwise primitives beyond the shared table: special-function accuracy
against SciPy, XLA's edge-case semantics, dtype rules and error messages,
Python-scalar operands and result dtypes."""
import warnings

import numpy as np
import pytest

from jax_core import dtypes, lax
from jax_core.config import config
from jax_core.core import Array, Primitive, ShapedArray
from jax_core.lax import elementwise

sp = pytest.importorskip("scipy.special")

bf16 = np.dtype(dtypes.bfloat16)


def _max_rel_err(got, want):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])
    fin = np.isfinite(want) & (want != 0)
    return float(np.max(np.abs(got[fin] - want[fin]) / np.abs(want[fin]), initial=0.0))


_RNG = np.random.RandomState(0)
_ERF_X = np.concatenate([_RNG.randn(3000) * 3, np.linspace(-27, 27, 2000),
                         [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, 0.84375, 1.25, 6.0, 28.0, 1 / 0.35]])


@pytest.mark.parametrize("name", ["erf", "erfc"])
@pytest.mark.parametrize("size", ["vectorized", "small"])
def test_erf_erfc_float64_accuracy(name, size):
    fn, oracle = getattr(lax, name), getattr(sp, name)
    with config.enable_x64():
        if size == "vectorized":
            got = np.asarray(fn(_ERF_X))
        else:  # arrays below the size threshold use the C library one element at a time
            got = np.concatenate([np.asarray(fn(_ERF_X[i:i + 20])) for i in range(0, len(_ERF_X), 20)])
    want = oracle(_ERF_X)
    # SciPy loses accuracy in erfc's far tail (values below ~1e-200); checked below instead
    keep = np.abs(want) > 1e-200
    # (erf agrees with SciPy to 4e-16; SciPy's own erfc tail is good to ~3e-14)
    assert _max_rel_err(got[keep], want[keep]) < (1e-15 if name == "erf" else 1e-13)
    if name == "erfc":
        with config.enable_x64():
            tail = np.asarray(lax.erfc(np.array([24.46073036518259, -24.46073036518259, 27.0])))
        np.testing.assert_allclose(tail[:2], [3.25338668161049862012e-262, 2.0], rtol=1e-15)  # mpmath
        assert 0 < tail[2] < 1e-300


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_erfc_float32_accuracy(name):
    x = _ERF_X.astype(np.float32)
    got = getattr(lax, name)(x)
    assert np.asarray(got).dtype == np.float32
    want = getattr(sp, name)(x.astype(np.float64)).astype(np.float32)
    assert _max_rel_err(got, want) < 3e-7


def test_erf_inv_accuracy_including_tails():
    tails = 1 - np.logspace(-16, -1, 300)
    y = np.concatenate([_RNG.uniform(-1, 1, 3000), tails, -tails, np.logspace(-300, -1, 50),
                        [0.0, -0.0, 1.0, -1.0, 1.5, -2.0, np.nan, 0.5, -0.5]])
    with config.enable_x64():
        got = np.asarray(lax.erf_inv(y))
        small = np.concatenate([np.asarray(lax.erf_inv(y[i:i + 20])) for i in range(0, len(y), 20)])
    want = sp.erfinv(y)
    assert _max_rel_err(got, want) < 1e-14
    assert _max_rel_err(small, want) < 1e-14
    y32 = np.concatenate([_RNG.uniform(-1, 1, 3000), 1 - np.logspace(-7, -1, 100)]).astype(np.float32)
    # float32 uses Giles' single-precision polynomial, as XLA does (so that random.normal
    # reproduces JAX's streams); it is good to a few float32 ulps, a bit less in the far tail
    assert _max_rel_err(lax.erf_inv(y32), sp.erfinv(y32.astype(np.float64))) < 1e-5
    y_mid = _RNG.uniform(-0.99, 0.99, 3000).astype(np.float32)
    assert _max_rel_err(lax.erf_inv(y_mid), sp.erfinv(y_mid.astype(np.float64))) < 1e-6


def test_lgamma_accuracy_and_poles():
    x = np.concatenate([_RNG.uniform(-20, 20, 3000), _RNG.uniform(0, 5, 1000), np.logspace(-5, 10, 200),
                        [0.0, -1.0, -2.0, np.inf, -np.inf, np.nan, 1.0, 2.0, 0.5, -0.5]])
    want = sp.gammaln(x)
    want[x == -np.inf] = np.inf  # XLA (and C99): lgamma(-inf) = +inf
    with config.enable_x64():
        got = lax.lgamma(x)
    got = np.asarray(got)
    positive = x > 0
    # near the zeros at 1 and 2 only the absolute error is small (as with libm and XLA)
    zeros = (np.abs(x - 1) < 0.1) | (np.abs(x - 2) < 0.1)
    assert _max_rel_err(got[positive & ~zeros], want[positive & ~zeros]) < 1e-13
    np.testing.assert_allclose(got[zeros], want[zeros], rtol=0, atol=2e-15)
    # on the negative axis the function is ill-conditioned near its poles and zeros
    np.testing.assert_allclose(got[~positive], want[~positive], rtol=1e-10, atol=1e-12)
    # float32: the vectorized (Lanczos) path for large arrays, libm for small ones
    x32 = x.astype(np.float32)
    want32 = sp.gammaln(x32.astype(np.float64))
    want32[x32 == -np.inf] = np.inf
    keep = np.abs(want32) > 1e-2
    got_large = np.asarray(lax.lgamma(x32))
    assert got_large.dtype == np.float32
    assert _max_rel_err(got_large[keep], want32[keep]) < 1e-6
    assert _max_rel_err(np.asarray(lax.lgamma(x32[:30])), want32[:30]) < 1e-6


def test_digamma_accuracy_and_poles():
    root = 1.4616321449683623  # digamma's positive zero: relative error is meaningless there
    x = np.concatenate([_RNG.uniform(-20, 20, 3000), _RNG.uniform(0, 5, 1000), np.logspace(-5, 10, 200)])
    x = x[(np.abs(x - root) > 1e-2) & ~((x <= 0) & (x == np.floor(x)))]
    want = sp.digamma(x)
    with config.enable_x64():
        got = np.asarray(lax.digamma(x))
        specials = np.asarray(lax.digamma(np.array([0.0, -1.0, -5.0, np.inf, np.nan, 1.0])))
    positive = x > 0
    # near the zeros at 1 and 2 only the absolute error is small (as with libm and XLA)
    zeros = (np.abs(x - 1) < 0.1) | (np.abs(x - 2) < 0.1)
    assert _max_rel_err(got[positive & ~zeros], want[positive & ~zeros]) < 1e-13
    np.testing.assert_allclose(got[zeros], want[zeros], rtol=0, atol=2e-15)
    # near the poles on the negative axis the function itself is ill-conditioned
    np.testing.assert_allclose(got[~positive], want[~positive], rtol=1e-9)
    # XLA's convention: NaN at the poles (0 included)
    np.testing.assert_array_equal(specials[:3], [np.nan] * 3)
    assert specials[3] == np.inf and np.isnan(specials[4])
    np.testing.assert_allclose(specials[5], -0.5772156649015329, rtol=1e-15)
    x32 = x.astype(np.float32)
    want32 = sp.digamma(x32.astype(np.float64))
    pos32 = x32 > 0
    assert _max_rel_err(np.asarray(lax.digamma(x32))[pos32], want32[pos32]) < 1e-6


def test_special_functions_low_precision_dtypes():
    x = np.array([0.25, 0.5, 1.5, 3.0], np.float32)
    for dt in (bf16, np.dtype(np.float16)):
        for fn, oracle in [(lax.erf, sp.erf), (lax.lgamma, sp.gammaln), (lax.digamma, sp.digamma),
                           (lax.erf_inv, lambda v: sp.erfinv(v / 4))]:
            arg = x.astype(dt) if fn is not lax.erf_inv else (x / 4).astype(dt)
            out = fn(arg)
            assert np.asarray(out).dtype == dt
            np.testing.assert_allclose(np.asarray(out).astype(np.float64), oracle(x.astype(np.float64)),
                                       rtol=2e-2, atol=1e-2)


# --- XLA semantics on edge cases -------------------------------------------------------------


def test_integer_division_and_remainder_follow_xla():
    x = np.array([7, -7, 7, -7, 5, -5, 0, -2**31, -2**31], np.int32)
    y = np.array([2, 2, -2, -2, 0, 0, 0, -1, 1], np.int32)
    np.testing.assert_array_equal(lax.div(x, y), [3, -3, -3, 3, -1, -1, -1, -2**31, -2**31])
    np.testing.assert_array_equal(lax.rem(x, y), [1, -1, 1, -1, 5, -5, 0, 0, 0])
    u = np.array([7, 200, 9], np.uint8)
    v = np.array([2, 0, 0], np.uint8)
    np.testing.assert_array_equal(lax.div(u, v), [3, 255, 255])
    np.testing.assert_array_equal(lax.rem(u, v), [1, 200, 9])
    # floats: C fmod, sign of the dividend
    np.testing.assert_array_equal(lax.rem(np.float32([-7.5, 7.5]), np.float32([2.0, -2.0])), [-1.5, 1.5])


def test_shifts_follow_xla_for_out_of_range_amounts():
    x = np.array([1, -1, -8, 8, 3], np.int32)
    s = np.array([31, 32, 1, -1, 100], np.int32)
    np.testing.assert_array_equal(lax.shift_left(x, s), [-2**31, 0, -16, 0, 0])
    np.testing.assert_array_equal(lax.shift_right_logical(x, s), [0, 0, 2**31 - 4, 0, 0])
    np.testing.assert_array_equal(lax.shift_right_arithmetic(x, s), [0, -1, -4, 0, 0])
    # arithmetic shifts of unsigned values fill with the top bit, as in XLA
    np.testing.assert_array_equal(
        lax.shift_right_arithmetic(np.array([0x80, 0x80, 0x40], np.uint8), np.array([1, 200, 9], np.uint8)),
        [0xC0, 0xFF, 0])


def test_bit_counting():
    x = np.array([0, 1, -1, 2**30, -2**31, 12345], np.int32)
    np.testing.assert_array_equal(lax.population_count(x), [0, 1, 32, 1, 1, 6])
    np.testing.assert_array_equal(lax.clz(x), [32, 31, 0, 1, 0, 18])
    np.testing.assert_array_equal(lax.clz(np.array([0, 1, 255], np.uint8)), [8, 7, 0])
    with config.enable_x64():
        big = np.array([0, 1, 2**63, 2**40, 2**64 - 1], np.uint64)
        np.testing.assert_array_equal(lax.clz(big), [64, 63, 0, 23, 0])
        np.testing.assert_array_equal(lax.population_count(big), [0, 1, 1, 1, 64])
        assert np.asarray(lax.clz(big)).dtype == np.uint64


def test_sign_round_and_nextafter_edge_cases():
    s = np.asarray(lax.sign(np.float32([-0.0, 0.0, -2.0, np.nan, np.inf])))
    assert np.signbit(s[0]) and not np.signbit(s[1])
    np.testing.assert_array_equal(s[2:], [-1.0, np.nan, 1.0])
    halves = np.float32([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997, -0.3])
    np.testing.assert_array_equal(lax.round(halves), [1, 2, 3, -1, -3, 0, -0.0])
    np.testing.assert_array_equal(lax.round(halves, lax.RoundingMethod.TO_NEAREST_EVEN), [0, 2, 2, -0.0, -2, 0, -0.0])
    assert np.signbit(np.asarray(lax.round(np.float32(-0.3))))
    assert lax.round(np.float32(2.5), 1) == 2.0 and lax.round(np.float32(2.5), "to_nearest_even") == 2.0
    tiny = np.asarray(lax.nextafter(np.float32([0.0, 0.0]), np.float32([1.0, -1.0])))
    np.testing.assert_array_equal(tiny.view(np.uint32), [1, 0x80000001])
    np.testing.assert_array_equal(lax.nextafter(np.array([1.0], bf16), np.array([2.0], bf16)).astype(np.float32),
                                  [1.0078125])


def test_max_min_propagate_nan_and_order_complex_lexicographically():
    np.testing.assert_array_equal(lax.max(np.float32([np.nan, 1.0]), np.float32([0.0, np.nan])), [np.nan, np.nan])
    np.testing.assert_array_equal(lax.min(np.float32([np.nan, 1.0]), np.float32([0.0, 3.0])), [np.nan, 1.0])
    a = np.complex64([1 + 5j, 2 + 0j])
    b = np.complex64([1 + 6j, 1 + 9j])
    np.testing.assert_array_equal(lax.max(a, b), [1 + 6j, 2 + 0j])


def test_integer_pow_matches_repeated_multiplication():
    x = np.float32([1.1, -2.3, 0.7])
    for y in range(-4, 9):
        want = np.ones(3, np.float32) if y == 0 else np.float32(1) / np.prod([x] * -y, axis=0) if y < 0 else None
        got = np.asarray(lax.integer_pow(x, y))
        np.testing.assert_allclose(got, np.power(x.astype(np.float64), y), rtol=3e-6)
        if want is not None and y == 0:
            np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(lax.integer_pow(np.int8([3, -2]), 5), np.int8([3, -2]) ** 5)  # wraps
    with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
        lax.integer_pow(np.int32([2]), -1)
    assert np.isinf(np.asarray(lax.integer_pow(np.float32(0.0), -1)))


def test_pow_accepts_integer_exponents():
    x = np.float32([2.0, 3.0, -2.0])
    np.testing.assert_allclose(lax.pow(x, np.int32([3, -1, 2])), [8.0, 1 / 3, 4.0], rtol=1e-6)
    np.testing.assert_allclose(lax.pow(x, 2), [4.0, 9.0, 4.0])
    assert np.isnan(np.asarray(lax.pow(np.float32(-2.0), np.float32(0.5))))
    with pytest.raises(TypeError, match="pow"):
        lax.pow(np.float32([1.0]), np.float64([1.0]).astype(np.float16))


def test_reduce_precision_rounds_like_smaller_formats():
    x = np.float32([1 + 2**-8, 1 + 3 * 2**-8, 3.4e38, 1e-30, np.nan, -np.inf, 70000.0])
    got = np.asarray(lax.reduce_precision(x, exponent_bits=8, mantissa_bits=7))
    np.testing.assert_array_equal(got[:4], x[:4].astype(bf16).astype(np.float32))
    assert np.isnan(got[4]) and got[5] == -np.inf
    f16_like = np.asarray(lax.reduce_precision(x, exponent_bits=5, mantissa_bits=10))
    assert f16_like[6] == np.inf and f16_like[3] == 0.0
    # NaN stays NaN even with no mantissa bits, as in XLA; infinities stay infinite
    assert np.isnan(np.asarray(lax.reduce_precision(np.float32(np.nan), 8, 0)))
    assert np.asarray(lax.reduce_precision(np.float32(-np.inf), 8, 0)) == -np.inf
    with config.enable_x64():
        d = np.array([1 + 2**-30, np.pi])
        np.testing.assert_array_equal(lax.reduce_precision(d, 8, 23), d.astype(np.float32).astype(np.float64))


def test_bitcast_convert_type_shapes_and_errors():
    x = np.float32([[1.0, -2.0]])
    assert lax.bitcast_convert_type(x, np.uint8).shape == (1, 2, 4)
    back = lax.bitcast_convert_type(lax.bitcast_convert_type(x, np.uint8), np.float32)
    np.testing.assert_array_equal(back, x)
    assert lax.bitcast_convert_type(np.float32(1.0), np.uint16).shape == (2,)
    # the trailing dimension holds the pieces in little-endian memory order
    np.testing.assert_array_equal(lax.bitcast_convert_type(np.uint16([0, 0x3F80]), np.float32), 1.0)
    assert np.asarray(lax.bitcast_convert_type(x, np.int32)).dtype == np.int32
    with pytest.raises(TypeError, match="does not support bool or complex"):
        lax.bitcast_convert_type(np.int8([1]), np.bool_)
    with pytest.raises(ValueError, match="Attempting to convert array of shape"):
        lax.bitcast_convert_type(np.uint8([1, 2, 3]), np.float32)


def test_complex_parts():
    z = lax.complex(np.float32([1.0, np.inf]), np.float32([np.inf, 2.0]))
    np.testing.assert_array_equal(np.asarray(z), np.array([complex(1, np.inf), complex(np.inf, 2)], np.complex64))
    assert np.asarray(lax.conj(np.float32([1.0]))).dtype == np.complex64
    assert np.asarray(lax.abs(np.complex64([3 + 4j]))).dtype == np.float32
    np.testing.assert_allclose(lax.atan2(np.complex64([1.0]), np.complex64([-1.0])), [3 * np.pi / 4], rtol=1e-6)


# --- dtype rules ----------------------------------------------------------------------------------

_REJECTS = [
    (lax.sin, [np.int32]), (lax.exp, [np.bool_]), (lax.cbrt, [np.complex64]), (lax.erf, [np.complex64]),
    (lax.floor, [np.int32]), (lax.is_finite, [np.int32]), (lax.neg, [np.bool_]), (lax.abs, [np.uint8]),
    (lax.bitwise_not, [np.float32]), (lax.population_count, [np.bool_]), (lax.clz, [np.float32]),
    (lax.real, [np.float32]), (lax.add, [np.bool_, np.bool_]), (lax.rem, [np.complex64, np.complex64]),
    (lax.lt, [np.complex64, np.complex64]), (lax.bitwise_and, [np.float32, np.float32]),
    (lax.shift_left, [np.bool_, np.bool_]), (lax.nextafter, [np.int32, np.int32]),
    (lax.complex, [np.float16, np.float16]), (lax.atan2, [np.int32, np.int32]),
]


@pytest.mark.parametrize("fn,arg_dtypes", _REJECTS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_rejected_dtypes_name_the_primitive(fn, arg_dtypes):
    args = [np.ones(2, dt) for dt in arg_dtypes]
    with pytest.raises(TypeError, match=rf"{np.dtype(arg_dtypes[0]).name}"):
        fn(*args)


def test_mismatched_dtypes_and_shapes():
    with pytest.raises(TypeError, match="lax.mul requires arguments to have the same dtypes"):
        lax.mul(np.ones(2, np.float32), np.ones(2, np.float16))
    with pytest.raises(TypeError, match="shift_left got incompatible shapes"):
        lax.shift_left(np.ones(2, np.int32), np.ones(3, np.int32))
    with pytest.raises(TypeError, match="clamp requires min.shape"):
        lax.clamp(np.ones(3, np.float32), np.ones(2, np.float32), np.float32(1))


def _sample(dtype, shape=(3,)):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return np.array([True, False, True])[: shape[0]] if shape else np.array(True)
    if dtype.kind in "iu":
        return np.ones(shape, dtype) * 2
    return np.full(shape, 0.5, dtype)


_ALL_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32, np.float16, bf16,
               np.float32, np.complex64]


_PLAIN_ELEMENTWISE = sorted(
    {p.name for k, p in vars(elementwise).items() if k.endswith("_p") and isinstance(p, Primitive)}
    - {"select_n", "clamp", "bitcast_convert_type", "integer_pow", "round", "reduce_precision", "conj"})


@pytest.mark.parametrize("prim_name", _PLAIN_ELEMENTWISE)
def test_impl_dtype_matches_abstract_eval(prim_name):
    """Every accepted dtype: the NumPy result already has the abstract dtype (no silent casts)."""
    prim = lax.all_primitives[prim_name]
    nargs = 2 if prim_name in {"add", "sub", "mul", "div", "rem", "pow", "max", "min", "nextafter", "atan2",
                               "complex", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor",
                               "shift_left", "shift_right_logical", "shift_right_arithmetic"} else 1
    accepted = 0
    for dt in _ALL_DTYPES:
        avals = [ShapedArray((3,), dt)] * nargs
        try:
            out_aval = prim.abstract_eval(*avals)
        except TypeError:
            continue
        accepted += 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = prim.impl(*[_sample(dt) for _ in range(nargs)])
        assert np.asarray(out).dtype == out_aval.dtype, (prim_name, dt)
        assert np.shape(out) == out_aval.shape
    assert accepted


# --- Python scalars, weak types, warnings -----------------------------------------------------------


def test_python_scalars_take_the_array_dtype():
    out = lax.add(np.int8([1, 2]), 3)
    assert np.asarray(out).dtype == np.int8 and not out.weak_type
    out = lax.mul(2.0, np.ones((2, 2), bf16))
    assert np.asarray(out).dtype == bf16
    out = lax.shift_left(np.uint8([1]), 3)
    np.testing.assert_array_equal(out, [8])
    out = lax.clamp(0.0, np.float32([-1.0, 0.5, 2.0]), 1.0)
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])
    assert lax.add(1.0, 2.0).weak_type


def test_unary_ops_keep_weak_types():
    w = Array(np.complex64(3 + 4j), weak_type=True)
    assert lax.abs(w).weak_type and lax.real(w).weak_type and lax.exp(w).weak_type
    assert not lax.is_finite(Array(np.float32(1.0), weak_type=True)).weak_type


def test_eager_ops_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lax.log(np.float32([0.0, -1.0]))
        lax.div(np.float32([1.0, 0.0]), np.float32([0.0, 0.0]))
        lax.exp(np.float32([1000.0]))
        lax.sqrt(np.float32([-1.0]))
        lax.pow(np.float32([0.0]), np.float32([-1.0]))
        lax.lgamma(np.float32([0.0, -1.0]))
        lax.digamma(np.float32([0.0]))
        lax.erf_inv(np.float32([1.0, 2.0]))
        lax.integer_pow(np.int8([100]), 3)
        lax.rem(np.float32([1.0]), np.float32([0.0]))


def test_jaxpr_params_use_jax_names():
    from jax_core import make_jaxpr

    text = str(make_jaxpr(lambda x: lax.round(lax.integer_pow(x, 3), lax.RoundingMethod.TO_NEAREST_EVEN))(1.0))
    assert "integer_pow[y=3]" in text and "round[rounding_method=" in text
    text = str(make_jaxpr(lambda x: lax.reduce_precision(x, 5, 10))(1.0))
    assert "reduce_precision[exponent_bits=5 mantissa_bits=10]" in text
    text = str(make_jaxpr(lambda x: lax.bitcast_convert_type(x, np.int32))(1.0))
    assert "bitcast_convert_type[new_dtype=int32]" in text


@pytest.mark.parametrize("name", ["exp", "log", "tan", "cbrt", "erf", "erfc", "erf_inv", "lgamma", "digamma", "round",
                                  "sign", "is_finite"])
@pytest.mark.parametrize("shape", [(), (70,), (2, 40)])  # 0-d, and above the special functions' size threshold
def test_unary_shapes_and_dtypes(name, shape):
    for dt in (np.float32, np.float16, bf16):
        x = np.full(shape, 0.3, dt)
        out = np.asarray(getattr(lax, name)(x))
        assert out.shape == shape
        assert out.dtype == (np.bool_ if name == "is_finite" else dt)


def test_zero_dimensional_bit_ops():
    assert np.asarray(lax.reduce_precision(np.float32(1.1), 5, 2)).shape == ()
    assert lax.bitcast_convert_type(np.float32(1.0), np.uint8).shape == (4,)
    assert int(lax.clz(np.int32(5))) == 29 and int(lax.population_count(np.uint8(7))) == 3
    assert int(lax.div(np.int32(7), np.int32(0))) == -1 and int(lax.rem(7, np.int32(0))) == 7
    assert lax.real(np.complex64(1 + 2j)).shape == () and float(lax.imag(np.complex64(1 + 2j))) == 2.0
