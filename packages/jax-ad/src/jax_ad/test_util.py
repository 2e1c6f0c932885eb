"""``check_grads``: compare JVPs and VJPs with central finite differences (jax.test_util).

Tolerances are JAX's: by default 2e-3 (float32), 1e-5 (float64), 1e-2
(float16), 1e-1 (bfloat16), 1e-3 (complex64), 1e-5 (complex128), for both
``atol`` and ``rtol``; ``eps`` defaults to 1e-4.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, tree_util

from jax_ad import api
from jax_ad.zeros import float0

EPS = 1e-4

default_gradient_tolerance: dict[np.dtype, float] = {
    np.dtype(dtypes.bfloat16): 1e-1,
    np.dtype(np.float16): 1e-2,
    np.dtype(np.float32): 2e-3,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.complex64): 1e-3,
    np.dtype(np.complex128): 1e-5,
}

_default_tolerance: dict[np.dtype, float] = {
    np.dtype(float0): 0,
    np.dtype(np.bool_): 0,
    **{np.dtype(t): 0 for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                                np.uint64)},
    np.dtype(dtypes.bfloat16): 1e-2,
    np.dtype(np.float16): 1e-3,
    np.dtype(np.float32): 1e-6,
    np.dtype(np.float64): 1e-15,
    np.dtype(np.complex64): 1e-6,
    np.dtype(np.complex128): 1e-15,
}


def _np(x: Any) -> np.ndarray:
    """``np.asarray`` that also copes with Arrays holding NumPy scalars."""
    v = getattr(x, "_value", None) if type(x).__name__ == "Array" else None
    return np.asarray(x if v is None else v)


def _dtype(x: Any) -> np.dtype:
    dt = getattr(x, "dtype", None)
    if dt is not None:
        return np.dtype(dt)
    if isinstance(x, (bool, int, float, complex)):
        return dtypes.dtype(x)
    return np.asarray(x).dtype


def tolerance(dtype: Any, tol: Any = None) -> float:
    tol = {} if tol is None else tol
    if not isinstance(tol, dict):
        return float(tol)
    tol = {np.dtype(k): v for k, v in tol.items()}
    dt = dtypes.canonicalize_dtype(np.dtype(dtype))
    return tol.get(dt, _default_tolerance.get(dt, 0.0))


def _merge_tolerance(tol: Any, default: dict) -> Any:
    if tol is None:
        return default
    if not isinstance(tol, dict):
        return tol
    out = dict(default)
    out.update({np.dtype(k): v for k, v in tol.items()})
    return out


def _assert_numpy_allclose(a: np.ndarray, b: np.ndarray, atol: float | None = None, rtol: float | None = None,
                           err_msg: str = "") -> None:
    if a.dtype == b.dtype == float0:
        np.testing.assert_array_equal(a, b, err_msg=err_msg)
        return
    if a.dtype == dtypes.bfloat16 or a.dtype.kind == "V":
        a = a.astype(np.float32)
    if b.dtype == dtypes.bfloat16 or b.dtype.kind == "V":
        b = b.astype(np.float32)
    kw: dict[str, Any] = {}
    if atol:
        kw["atol"] = atol
    if rtol:
        kw["rtol"] = rtol
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(a, b, **kw, err_msg=err_msg)


def check_close(xs: Any, ys: Any, atol: Any = None, rtol: Any = None, err_msg: str = "") -> None:
    x_leaves, x_tree = tree_util.tree_flatten(xs)
    y_leaves, y_tree = tree_util.tree_flatten(ys)
    if x_tree != y_tree:
        raise AssertionError(f"{err_msg}: tree structures differ: {x_tree} vs {y_tree}")
    for x, y in zip(x_leaves, y_leaves):
        xa, ya = _np(x), _np(y)
        if xa.shape != ya.shape:
            raise AssertionError(f"{err_msg}: shapes differ: {xa.shape} vs {ya.shape}")
        _assert_numpy_allclose(xa, ya, atol=tolerance(_dtype(x), atol), rtol=tolerance(_dtype(x), rtol),
                               err_msg=err_msg)


def _check_dtypes_match(xs: Any, ys: Any) -> None:
    def canon(x: Any) -> np.dtype:
        dt = _dtype(x)
        return dt if dt == float0 else dtypes.canonicalize_dtype(dt)

    x_dts = [canon(x) for x in tree_util.tree_leaves(xs)]
    y_dts = [canon(y) for y in tree_util.tree_leaves(ys)]
    if x_dts != y_dts:
        raise AssertionError(f"dtypes do not match: {x_dts} vs {y_dts}")


def inner_prod(xs: Any, ys: Any) -> Any:
    def contract(x: Any, y: Any) -> Any:
        return np.real(np.dot(np.conj(_np(x)).reshape(-1), _np(y).reshape(-1)))

    return tree_util.tree_reduce(np.add, tree_util.tree_map(contract, xs, ys))


def _add(xs: Any, ys: Any) -> Any:
    return tree_util.tree_map(lambda x, y: np.add(_np(x), _np(y), dtype=_dtype(x)), xs, ys)


def _sub(xs: Any, ys: Any) -> Any:
    return tree_util.tree_map(lambda x, y: np.subtract(_np(x), _np(y), dtype=_dtype(x)), xs, ys)


def _safe_sub(xs: Any, ys: Any) -> Any:
    def sub(x: Any, y: Any) -> Any:
        dt = _dtype(x)
        x, y = _np(x), _np(y)
        with np.errstate(invalid="ignore"):
            return np.where(np.equal(x, y), np.array(0, dtype=dt), np.subtract(x, y, dtype=dt))

    return tree_util.tree_map(sub, xs, ys)


def _scalar_mul(xs: Any, a: float) -> Any:
    def mul(x: Any) -> Any:
        dt = _dtype(x)
        return np.multiply(_np(x), a, dtype=dt) if dt != float0 else x

    return tree_util.tree_map(mul, xs)


def numerical_jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any], eps: float = EPS) -> Any:
    """Central finite difference of ``f`` at ``primals`` along ``tangents``."""
    delta = _scalar_mul(tangents, eps)
    f_pos = f(*_add(primals, delta))
    f_neg = f(*_sub(primals, delta))
    return _scalar_mul(_safe_sub(f_pos, f_neg), 0.5 / eps)


def rand_like(rng: np.random.RandomState, x: Any) -> Any:
    shape = np.shape(x)
    dt = _dtype(x)
    if dt == float0:
        return np.zeros(shape, float0)

    def randn() -> np.ndarray:
        return np.asarray(rng.randn(*shape), dtype=dt)

    if dt.kind == "c":
        return randn() + 1j * randn()
    return randn()


def check_jvp(f: Callable, f_jvp: Callable, args: Sequence[Any], atol: Any = None, rtol: Any = None,
              eps: float = EPS, err_msg: str = "") -> None:
    atol = _merge_tolerance(atol, default_gradient_tolerance)
    rtol = _merge_tolerance(rtol, default_gradient_tolerance)
    rng = np.random.RandomState(0)
    tangent = tree_util.tree_map(functools.partial(rand_like, rng), args)
    v_out, t_out = f_jvp(args, tangent)
    _check_dtypes_match(v_out, t_out)
    v_out_expected = f(*args)
    _check_dtypes_match(v_out, v_out_expected)
    t_out_expected = numerical_jvp(f, args, tangent, eps=eps)
    check_close(v_out, v_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} primal" if err_msg else "primal")
    check_close(t_out, t_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} tangent" if err_msg else "tangent")


def check_vjp(f: Callable, f_vjp: Callable, args: Sequence[Any], atol: Any = None, rtol: Any = None,
              eps: float = EPS, err_msg: str = "") -> None:
    atol = _merge_tolerance(atol, default_gradient_tolerance)
    rtol = _merge_tolerance(rtol, default_gradient_tolerance)
    rng = np.random.RandomState(0)
    v_out, vjpfun = f_vjp(*args)
    v_out_expected = f(*args)
    check_close(v_out, v_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} primal" if err_msg else "primal")
    tangent = tree_util.tree_map(functools.partial(rand_like, rng), args)
    tangent_out = numerical_jvp(f, args, tangent, eps=eps)
    cotangent = tree_util.tree_map(functools.partial(rand_like, rng), v_out)
    cotangent_out = tree_util.tree_map(lambda c: np.conj(_np(c)), vjpfun(tree_util.tree_map(np.conj, cotangent)))
    ip = inner_prod(tangent, cotangent_out)
    ip_expected = inner_prod(tangent_out, cotangent)
    check_close(ip, ip_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} cotangent projection" if err_msg else "cotangent projection")


def check_grads(f: Callable, args: Sequence[Any], order: int, modes: Sequence[str] = ("fwd", "rev"),
                atol: Any = None, rtol: Any = None, eps: float | None = None) -> None:
    """Check forward- and/or reverse-mode derivatives of ``f`` at ``args`` up to ``order``.

    Raises AssertionError when a derivative disagrees with finite differences.
    """
    args = tuple(args)
    eps = eps or EPS
    _check_jvp = functools.partial(check_jvp, atol=atol, rtol=rtol, eps=eps)
    _check_vjp = functools.partial(check_vjp, atol=atol, rtol=rtol, eps=eps)

    def _check_grads(f: Callable, args: tuple, order: int, err_msg: str = "") -> None:
        if "fwd" in modes:
            fwd_msg = f"JVP of {err_msg}" if err_msg else "JVP"
            _check_jvp(f, functools.partial(api.jvp, f), args, err_msg=fwd_msg)
            if order > 1:
                _check_grads(functools.partial(api.jvp, f), (args, args), order - 1, fwd_msg)
        if "rev" in modes:
            rev_msg = f"VJP of {err_msg}" if err_msg else "VJP"
            _check_vjp(f, functools.partial(api.vjp, f), args, err_msg=rev_msg)
            if order > 1:
                def f_vjp(*args: Any) -> Any:
                    out_primal_py, vjp_py = api.vjp(f, *args)
                    return vjp_py(out_primal_py)

                _check_grads(f_vjp, args, order - 1, rev_msg)

    _check_grads(f, args, order)


__all__ = ["check_grads", "check_jvp", "check_vjp", "numerical_jvp", "EPS", "default_gradient_tolerance"]
