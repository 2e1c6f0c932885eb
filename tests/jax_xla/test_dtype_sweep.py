"""Elementwise lowerings in every dtype each primitive accepts: jit vs eager (NumPy).

The shared primitive table samples a few dtypes per primitive; this sweep
covers bool, int8..int64, uint8..uint64, bfloat16, float16, float32,
float64, complex64 and complex128 for the elementwise ops.
"""
import numpy as np
import pytest

pytest.importorskip("jaxlib")
ml_dtypes = pytest.importorskip("ml_dtypes")

import jax_xla  # noqa: E402
from jax_core import Array, lax  # noqa: E402
from jax_core.config import config  # noqa: E402

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
          ml_dtypes.bfloat16, np.float16, np.float32, np.float64, np.complex64, np.complex128]

# name -> (arity, domain): domain is (lo, hi) for real parts, "pos", "unit", ...
UNARY = {
    "neg": None, "sign": None, "abs": None, "floor": None, "ceil": None, "round": "halves", "exp": (-3, 3),
    "exp2": (-3, 3), "log": "pos", "expm1": (-3, 3), "log1p": (-0.5, 3), "tanh": None, "logistic": None,
    "sin": None, "cos": None, "tan": (-1.2, 1.2), "asin": "unit", "acos": "unit", "atan": None,
    "sinh": (-3, 3), "cosh": (-3, 3), "asinh": None, "acosh": (1.1, 4), "atanh": "unit", "sqrt": "pos",
    "rsqrt": "pos", "cbrt": None, "erf": None, "erfc": None, "erf_inv": "unit", "lgamma": "pos",
    "digamma": "pos", "is_finite": None, "square": None, "real": None, "imag": None, "conj": None,
    "not": None, "population_count": None, "clz": None,
}
BINARY = {
    "add": None, "sub": None, "mul": None, "div": "nonzero", "rem": "nonzero", "pow": "pos", "max": None,
    "min": None, "nextafter": None, "atan2": None, "and": None, "or": None, "xor": None,
    "shift_left": "shift", "shift_right_logical": "shift", "shift_right_arithmetic": "shift",
    "eq": None, "ne": None, "lt": None, "le": None, "gt": None, "ge": None, "complex": None,
}
# XLA's float32 transcendental approximations differ from NumPy's by a few ulps
LOOSE = {"erf_inv", "lgamma", "digamma", "tan", "acosh", "atanh", "asinh", "pow", "cbrt", "exp2",
         "sinh", "cosh", "erfc", "logistic", "tanh", "expm1", "log1p", "atan2", "acos", "asin"}


def _values(dtype, domain, rng, n=16, role="x"):
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return rng.rand(n) > 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if domain == "shift" and role == "y":
            return rng.randint(0, info.bits, n).astype(dt)
        if domain == "pos":
            return rng.randint(1, 4, n).astype(dt)
        lo = max(int(info.min), -100)
        hi = min(int(info.max), 100)
        v = rng.randint(lo, hi + 1, n).astype(dt)
        if domain == "nonzero" and role == "y":
            v[v == 0] = 1
        return v
    lo, hi = -3.0, 3.0
    if domain == "halves":
        v = rng.randint(-8, 9, n) / 2.0
        return (v + 0.25j * (v > 0)).astype(dt) if dt.kind == "c" else v.astype(dt)
    if isinstance(domain, tuple):
        lo, hi = domain
    elif domain == "pos":
        lo, hi = 0.1, 4.0
    elif domain == "unit":
        lo, hi = -0.9, 0.9
    v = rng.uniform(lo, hi, n)
    if domain == "nonzero" and role == "y":
        v = np.where(np.abs(v) < 0.1, 0.5, v)
    if dt.kind == "c":
        im = rng.uniform(-0.5, 0.5, n) if domain not in ("pos",) else rng.uniform(0, 0.3, n)
        return (v + 1j * im).astype(dt)
    return v.astype(dt)


def _tol(name, dt):
    dt = np.dtype(dt)
    if dt.itemsize <= 2 or dt == ml_dtypes.bfloat16:
        return 3e-2, 3e-2
    if dt in (np.float32, np.complex64):
        return (5e-5, 5e-5) if name in LOOSE else (2e-6, 1e-6)
    return (1e-12, 1e-12) if name not in LOOSE else (1e-10, 1e-12)


PARAMS = {"round": ({"rounding_method": 0}, {"rounding_method": 1})}
OPS = [(n, 1, d) for n, d in UNARY.items()] + [(n, 2, d) for n, d in BINARY.items()]


@pytest.mark.parametrize("name,arity,domain", OPS, ids=[o[0] for o in OPS])
def test_elementwise_all_dtypes(name, arity, domain):
    """One compiled program per primitive, applying it in every dtype it accepts."""
    prim = lax.all_primitives.get(name)
    if prim is None:
        pytest.skip(f"{name} not defined in jax_core.lax")
    with config.enable_x64(True):
        inputs, wants, dts = [], [], []
        for dtype in DTYPES:
            if name == "complex" and np.dtype(dtype).kind != "f":
                continue
            rng = np.random.RandomState(abs(hash((name, np.dtype(dtype).name))) % 2**31)
            args = [Array(_values(dtype, domain, rng, role="xy"[i])) for i in range(arity)]
            try:
                want = [prim.bind(*args, **p) for p in PARAMS.get(name, ({},))]
            except TypeError:
                continue   # the primitive does not accept this dtype
            inputs.append(args)
            wants.append(want)
            dts.append(dtype)
        assert dts, f"{name} accepts no dtype?"

        def apply_all(all_args):
            return [[prim.bind(*a, **p) for p in PARAMS.get(name, ({},))] for a in all_args]

        gots = jax_xla.jit(apply_all)(inputs)
        for dtype, got, want in [(d, g, w) for d, gs, ws in zip(dts, gots, wants) for g, w in zip(gs, ws)]:
            g, w = np.asarray(got), np.asarray(want)
            assert g.dtype == w.dtype and g.shape == w.shape
            if g.dtype.kind in "biu":
                np.testing.assert_array_equal(g, w, err_msg=f"{name} {np.dtype(dtype).name}")
            else:
                rtol, atol = _tol(name, dtype)
                if g.dtype.itemsize <= 2 or g.dtype == ml_dtypes.bfloat16:
                    g, w = g.astype(np.float32), w.astype(np.float32)
                np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True,
                                           err_msg=f"{name} {np.dtype(dtype).name}")


@pytest.mark.parametrize("src", DTYPES, ids=lambda d: np.dtype(d).name)
def test_convert_element_type_all_pairs(src):
    with config.enable_x64(True):
        rng = np.random.RandomState(0)
        x = Array(_values(src, (-5, 300), rng, n=32))
        targets = tuple(DTYPES)

        def f(x):
            return [lax.convert_element_type(x, t) for t in targets]

        got = jax_xla.jit(f)(x)
        want = f(x)
        for t, g, w in zip(targets, got, want):
            g, w = np.asarray(g), np.asarray(w)
            assert g.dtype == w.dtype == np.dtype(t)
            if g.dtype.itemsize <= 2 and g.dtype.kind == "f" or g.dtype == ml_dtypes.bfloat16:
                g, w = g.astype(np.float32), w.astype(np.float32)
            np.testing.assert_array_equal(g, w, err_msg=f"{np.dtype(src).name} -> {np.dtype(t).name}")
