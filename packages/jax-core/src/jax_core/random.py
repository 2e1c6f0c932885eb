"""``jax_core.random``: JAX's counter-based PRNG (threefry2x32), built on lax.

Streams are those of JAX 0.10 with its defaults (``jax_threefry_partitionable``
on): the random bits for an array of ``shape`` are the threefry2x32 hash, under
the key, of a 64-bit iota over the flattened shape (split into high and low
32-bit words); 32-bit samples are ``bits1 ^ bits2``, 64-bit ones
``bits1 << 32 | bits2``.  ``split`` hashes the same iota and stacks the two
output words as the new keys; ``fold_in`` hashes the pair ``(0, data)``.

Keys are ``uint32[..., 2]`` arrays, JAX's legacy ``PRNGKey`` form.  JAX's typed
keys (``random.key``) are not a separate type here: :func:`key` returns the
same ``uint32[2]`` array as :func:`PRNGKey`, and :func:`key_data` /
:func:`wrap_key_data` are identities (with checks).

Everything is expressed with lax primitives, so every interpreter (``jit``,
``vmap``, ``grad``...) handles random functions with no rules of its own.  In
eager mode, the threefry hash itself runs directly in NumPy on the concrete
key (the same wrapping uint32 arithmetic, so the same bits), which keeps eager
sampling fast.

Rejection samplers (``gamma``, ``loggamma``, ``beta``, ``dirichlet``, ``t``,
``generalized_normal``, ``ball``, ``poisson``) follow JAX's algorithms and key
usage exactly: JAX runs one ``while_loop`` per element (vmapped) for gamma and
one ``while_loop`` over the whole array for poisson.  Here the per-element
loops are run as one vectorized loop in which each element advances its own
state and stops when it is done; eagerly that loop is a Python loop, and under
a transformation it is a ``lax.while_loop``.  Either way each element sees the
same sequence of keys and proposals as in JAX, so these streams match JAX's
too (to the last ulp or two of the transcendental functions involved).

Sampling through ``erf_inv``/``log``/``tan``... can differ from JAX by an ulp
or two, as the elementwise functions are not bit-identical to XLA's; bits,
keys and ``uniform`` are bit-exact.

Not implemented: the implicit reparameterization gradient of ``gamma`` (and
``beta``, ``dirichlet``...) with respect to the shape parameter, which JAX
attaches with a custom JVP using ``random_gamma_grad``; lax has no such
primitive yet.  Differentiating these samplers differentiates through their
``while_loop``s instead.
"""
from __future__ import annotations

import math
import operator
import warnings
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, lax, tree_util
from jax_core.config import config
from jax_core.core import Array, Tracer, eval_trace, get_aval, trace_state

__all__ = [
    "PRNGKey", "key", "key_data", "wrap_key_data", "key_impl", "split", "fold_in", "bits",
    "uniform", "normal", "randint", "bernoulli", "categorical", "permutation", "shuffle",
    "choice", "truncated_normal", "gamma", "loggamma", "beta", "dirichlet", "exponential",
    "laplace", "logistic", "cauchy", "gumbel", "poisson", "rademacher", "ball", "orthogonal",
    "t", "chisquare", "f", "maxwell", "double_sided_maxwell", "weibull_min", "pareto",
    "generalized_normal", "lognormal", "rayleigh", "wald", "geometric", "triangular",
    "multivariate_normal", "clone", "threefry_2x32", "threefry2x32", "default_prng_impl",
]

_U32 = np.dtype(np.uint32)
_UINT_DTYPES: dict[int, np.dtype] = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: _U32, 64: np.dtype(np.uint64)}
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_KS_PARITY = 0x1BD11BDA
_IMPL_NAME = "threefry2x32"
_SMALL = 4  # up to this many counters, hash with Python ints


# ===========================================================================
# Values: NumPy on the eager fast path, lax otherwise.
#
# Internal helpers take "values" that are either NumPy arrays (only ever
# produced on the eager path, from concrete keys) or lax operands (Array,
# Tracer).  A helper computes in NumPy when all its operands are concrete and
# no transformation is active, and with lax primitives otherwise.


def _numpy_values(*xs: Any) -> list | None:
    """The NumPy values of ``xs`` if the fast path applies, else None."""
    if trace_state.trace is not eval_trace:
        return None
    out = []
    for x in xs:
        if isinstance(x, np.ndarray):
            out.append(x)
        elif type(x) is Array:
            out.append(x._value)
        elif isinstance(x, (np.generic, int, float)):
            out.append(np.asarray(x))
        else:
            return None
    return out


def _to_array(x: Any) -> Any:
    """Public outputs are Arrays (NumPy values from the fast path get wrapped)."""
    if isinstance(x, np.ndarray):
        return Array._from_numpy(x, False)
    return x


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(x)) if isinstance(x, (np.ndarray, np.generic)) else get_aval(x).shape


def _dtype(x: Any) -> np.dtype:
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype
    return get_aval(x).dtype


def _bcast(x: Any, shape: tuple[int, ...]) -> Any:
    """NumPy-style broadcast of a lax operand to ``shape``."""
    xs = _shape(x)
    if xs == shape:
        return x
    nlead = len(shape) - len(xs)
    if nlead < 0:
        raise ValueError(f"cannot broadcast shape {xs} to {shape}")
    keep = [i for i, d in enumerate(xs) if d == shape[nlead + i]]
    if len(keep) != len(xs):
        # size-1 dims that grow: drop them first
        for i, d in enumerate(xs):
            if d != 1 and d != shape[nlead + i]:
                raise ValueError(f"cannot broadcast shape {xs} to {shape}")
        x = lax.reshape(x, tuple(xs[i] for i in keep))
    return lax.broadcast_in_dim(x, shape, tuple(nlead + i for i in keep))


def _full(shape: tuple[int, ...], value: Any, dtype: Any) -> Any:
    if trace_state.trace is eval_trace:
        # eagerly, a broadcast NumPy view is what lax.full would produce, minus the dispatch
        return Array._from_numpy(np.broadcast_to(np.asarray(value, dtype), shape), False)
    return lax.full(shape, value, dtype)


def _u32(x: Any) -> Any:
    """A lax operand as uint32 (NumPy values are converted, lax values checked)."""
    if isinstance(x, (np.ndarray, np.generic, int)):
        return Array._from_numpy(np.asarray(x, _U32), False)
    return x


# ===========================================================================
# The threefry2x32 hash


def _threefry_numpy(k1: np.ndarray, k2: np.ndarray, x1: np.ndarray, x2: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    k1, k2, x1, x2 = (np.asarray(v, _U32) for v in (k1, k2, x1, x2))
    shape = np.broadcast_shapes(k1.shape, k2.shape, x1.shape, x2.shape)
    ks = (k1, k2, k1 ^ k2 ^ np.uint32(_KS_PARITY))
    a = np.add(x1, ks[0], dtype=_U32)
    b = np.add(x2, ks[1], dtype=_U32)
    if a.shape != shape:
        a = np.array(np.broadcast_to(a, shape))
    if b.shape != shape:
        b = np.array(np.broadcast_to(b, shape))
    tmp = np.empty_like(b)
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            a += b
            np.left_shift(b, np.uint32(r), out=tmp)
            b >>= np.uint32(32 - r)
            b |= tmp
            b ^= a
        a += ks[(i + 1) % 3]
        b += ks[(i + 2) % 3]
        b += np.uint32(i + 1)
    return a, b


def _threefry_scalar(k1: int, k2: int, x1: int, x2: int) -> tuple[int, int]:
    """The hash of one counter pair with Python ints (faster than NumPy for a few elements)."""
    m = 0xFFFFFFFF
    ks = (k1, k2, k1 ^ k2 ^ _KS_PARITY)
    a = (x1 + k1) & m
    b = (x2 + k2) & m
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            a = (a + b) & m
            b = (((b << r) & m) | (b >> (32 - r))) ^ a
        a = (a + ks[(i + 1) % 3]) & m
        b = (b + ks[(i + 2) % 3] + i + 1) & m
    return a, b


def _threefry_small(k1: np.ndarray, k2: np.ndarray, x1: np.ndarray, x2: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    shape = np.broadcast_shapes(k1.shape, k2.shape, x1.shape, x2.shape)
    args = [np.broadcast_to(v, shape).ravel().tolist() for v in (k1, k2, x1, x2)]
    outs = [_threefry_scalar(*e) for e in zip(*args)]
    a = np.array([o[0] for o in outs], _U32).reshape(shape)
    b = np.array([o[1] for o in outs], _U32).reshape(shape)
    return a, b


def _threefry_lax(k1: Any, k2: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    vals = [_u32(v) for v in (k1, k2, x1, x2)]
    for v in vals:
        if _dtype(v) != _U32:
            raise TypeError(f"threefry2x32 requires uint32 arguments, got {[str(_dtype(w)) for w in vals]}")
    shape = tuple(np.broadcast_shapes(*[_shape(v) for v in vals]))
    k1, k2, x1, x2 = (_bcast(v, shape) for v in vals)
    consts: dict[int, Any] = {}

    def c(v: int) -> Any:
        if v not in consts:
            consts[v] = _full(shape, v, _U32)
        return consts[v]

    ks = (k1, k2, lax.bitwise_xor(lax.bitwise_xor(k1, k2), c(_KS_PARITY)))
    a = lax.add(x1, ks[0])
    b = lax.add(x2, ks[1])
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            a = lax.add(a, b)
            b = lax.bitwise_or(lax.shift_left(b, c(r)), lax.shift_right_logical(b, c(32 - r)))
            b = lax.bitwise_xor(a, b)
        a = lax.add(a, ks[(i + 1) % 3])
        b = lax.add(lax.add(b, ks[(i + 2) % 3]), c(i + 1))
    return a, b


def threefry2x32(k1: Any, k2: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    """The Threefry-2x32 hash (20 rounds) of the counter pairs ``(x1, x2)`` under key ``(k1, k2)``.

    All arguments are uint32 and broadcast against each other.  Returns the
    two output words.
    """
    vals = _numpy_values(k1, k2, x1, x2)
    if vals is not None:
        vals = [np.asarray(v, _U32) for v in vals]
        if max(v.size for v in vals) <= _SMALL and math.prod(np.broadcast_shapes(*[v.shape for v in vals])) <= _SMALL:
            return _threefry_small(*vals)
        return _threefry_numpy(*vals)
    return _threefry_lax(k1, k2, x1, x2)


def threefry_2x32(keypair: Any, count: Any) -> Any:
    """JAX's ``threefry_2x32(keypair, count)``: hash a uint32 array of counts.

    The flattened counts are split in two halves (padded with a zero when odd),
    hashed as pairs, and the outputs concatenated back.
    """
    k1, k2 = keypair
    for x in (k1, k2, count):
        if _dtype(x) != _U32:
            raise TypeError(f"threefry_2x32 requires uint32 arguments, got "
                            f"{[str(_dtype(v)) for v in (k1, k2, count)]}")
    shape = _shape(count)
    n = int(np.prod(shape, dtype=np.int64))
    vals = _numpy_values(k1, k2, count)
    if vals is not None:
        flat = vals[2].reshape(-1)
        if n % 2:
            flat = np.concatenate([flat, np.zeros(1, _U32)])
        half = flat.shape[0] // 2
        y1, y2 = _threefry_numpy(vals[0], vals[1], flat[:half], flat[half:])
        out = np.concatenate([y1, y2])[:n].reshape(shape)
        return _to_array(out)
    flat = lax.reshape(count, (n,))
    if n % 2:
        flat = lax.concatenate([flat, _full((1,), 0, _U32)], 0)
    half = (n + 1) // 2
    y1, y2 = _threefry_lax(k1, k2, lax.slice(flat, (0,), (half,)), lax.slice(flat, (half,), (2 * half,)))
    out = lax.concatenate([y1, y2], 0)
    if n % 2:
        out = lax.slice(out, (0,), (n,))
    return lax.reshape(out, shape)


# ===========================================================================
# Counters, key words, random bits


def _iota_2x32(shape: tuple[int, ...], numpy: bool) -> tuple[Any, Any]:
    """High and low words of a 64-bit iota over ``shape`` (row-major)."""
    n = int(np.prod(shape, dtype=np.int64))
    if n > 2 ** 64:
        raise NotImplementedError("random bits array of size exceeding 2 ** 64")
    if numpy:
        if n <= 2 ** 32:
            lo = np.arange(n, dtype=_U32).reshape(shape)
            return np.zeros((1,) * len(shape), _U32), lo   # the high words are all 0: broadcast
        c = np.arange(n, dtype=np.uint64).reshape(shape)
        return (c >> np.uint64(32)).astype(_U32), c.astype(_U32)
    if not shape:
        return _full((), 0, _U32), _full((), 0, _U32)
    if n > 2 ** 32:
        raise NotImplementedError("traced random bits for more than 2 ** 32 elements")
    lo = lax.reshape(lax.iota(_U32, n), shape)
    return _full(shape, 0, _U32), lo


def _words(keys: Any) -> tuple[Any, Any]:
    """The two uint32 words of keys ``uint32[..., 2]`` (NumPy on the fast path)."""
    vals = _numpy_values(keys)
    if vals is not None:
        v = vals[0]
        return v[..., 0], v[..., 1]
    shape = _shape(keys)
    nd = len(shape)
    batch = shape[:-1]
    w1 = lax.reshape(lax.slice(keys, (0,) * nd, batch + (1,)), batch)
    w2 = lax.reshape(lax.slice(keys, (0,) * (nd - 1) + (1,), shape), batch)
    return w1, w2


def _stack_words(w1: Any, w2: Any) -> Any:
    vals = _numpy_values(w1, w2)
    if vals is not None:
        return np.stack(vals, axis=-1)
    shape = _shape(w1)
    return lax.concatenate([lax.reshape(w1, shape + (1,)), lax.reshape(w2, shape + (1,))], len(shape))


def _hash_iota(w1: Any, w2: Any, shape: tuple[int, ...]) -> tuple[Any, Any]:
    """threefry of the iota over ``shape`` under keys ``(w1, w2)`` of batch shape B: B + shape."""
    numpy = _numpy_values(w1, w2) is not None
    hi, lo = _iota_2x32(shape, numpy)
    batch = _shape(w1)
    if batch:
        pad = (1,) * len(shape)
        if numpy:
            w1 = np.reshape(w1, batch + pad)
            w2 = np.reshape(w2, batch + pad)
        else:
            w1 = lax.reshape(w1, batch + pad)
            w2 = lax.reshape(w2, batch + pad)
    return threefry2x32(w1, w2, hi, lo)


def _combine_bits(b1: Any, b2: Any, bit_width: int) -> Any:
    dtype = _UINT_DTYPES[bit_width]
    vals = _numpy_values(b1, b2)
    if vals is not None:
        h, l = vals
        if bit_width == 64:
            return (h.astype(np.uint64) << np.uint64(32)) | l.astype(np.uint64)
        out = h ^ l
        return out if bit_width == 32 else out.astype(dtype)
    if bit_width == 64:
        h = lax.convert_element_type(b1, dtype)
        l = lax.convert_element_type(b2, dtype)
        return lax.bitwise_or(lax.shift_left(h, _full(_shape(h), 32, dtype)), l)
    out = lax.bitwise_xor(b1, b2)
    return out if bit_width == 32 else lax.convert_element_type(out, dtype)


def _random_bits_words(w1: Any, w2: Any, bit_width: int, shape: tuple[int, ...]) -> Any:
    if bit_width == 64 and not config.jax_enable_x64:
        raise TypeError("64-bit random bits need jax_enable_x64")
    b1, b2 = _hash_iota(w1, w2, shape)
    return _combine_bits(b1, b2, bit_width)


def _random_bits(key: Any, bit_width: int, shape: tuple[int, ...]) -> Any:
    w1, w2 = _words(key)
    return _random_bits_words(w1, w2, bit_width, shape)


def _split_words(w1: Any, w2: Any, shape: tuple[int, ...]) -> tuple[Any, Any]:
    return _hash_iota(w1, w2, shape)


def _split(key: Any, shape: tuple[int, ...]) -> Any:
    w1, w2 = _words(key)
    b1, b2 = _split_words(w1, w2, shape)
    return _stack_words(b1, b2)


def _split_list(key: Any, num: int) -> list:
    """``split(key, num)`` unpacked into a list of keys."""
    w1, w2 = _words(key)
    b1, b2 = _split_words(w1, w2, (num,))
    vals = _numpy_values(b1, b2)
    if vals is not None:
        return [np.stack([vals[0][i], vals[1][i]]) for i in range(num)]
    keys = _stack_words(b1, b2)
    return [lax.reshape(lax.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in range(num)]


# ===========================================================================
# Argument checking


def _check_key(name: str, key: Any, allow_batched: bool = False) -> Any:
    """Validate a uint32[2] key (or uint32[..., 2] keys); returns an Array/Tracer/NumPy key."""
    if isinstance(key, (list, tuple)) or not (
            isinstance(key, (Array, Tracer, np.ndarray, np.generic))):
        raise TypeError(f"unexpected PRNG key type {type(key)}")
    shape = _shape(key)
    dtype = _dtype(key)
    if shape[-1:] != (2,):
        raise TypeError(f"JAX encountered invalid PRNG key data: expected key_data.shape to end with "
                        f"(2,); got shape={shape} for impl={_IMPL_NAME}")
    if dtype != _U32:
        raise TypeError(f"JAX encountered invalid PRNG key data: expected key_data.dtype = uint32; "
                        f"got dtype={dtype}")
    if not allow_batched and len(shape) > 1:
        raise ValueError(f"{name} accepts a single key, but was given a key array of shape {shape} "
                         f"!= (). Use jax.vmap for batching.")
    if isinstance(key, np.generic):
        key = np.asarray(key)
    return key


def _canonicalize_shape(shape: Any, name: str = "shape") -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        out = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, "
                        f"got {shape!r}.") from None
    if any(d < 0 for d in out):
        raise ValueError(f"Shapes must be nonnegative, got {out} for {name}.")
    return out


def _user_dtype(dtype: Any, default: Any, name: str) -> np.dtype:
    if dtype is None:
        dtype = default
    dtypes.check_user_dtype_supported(dtype, name)
    return dtypes.canonicalize_dtype(dtype)


def _float_dtype(dtype: Any, name: str, what: str = "a float dtype") -> np.dtype:
    dt = _user_dtype(dtype, float, name)
    if not dtypes.issubdtype(dt, np.floating):
        raise ValueError(f"dtype argument to `{name}` must be {what}, got {dt}")
    return dt


def _check_shape(name: str, shape: tuple[int, ...], *param_shapes: tuple[int, ...]) -> None:
    if param_shapes:
        try:
            result = tuple(np.broadcast_shapes(shape, *param_shapes))
        except ValueError:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes="
                             f"{[tuple(shape), *map(tuple, param_shapes)]}") from None
        if result != tuple(shape):
            raise ValueError(
                f"{name} parameter shapes must be broadcast-compatible with shape argument, and the "
                f"result of broadcasting the shapes must equal the shape argument, but got result "
                f"{result} for shape argument {tuple(shape)}.")


def _broadcast_shapes(name: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(f"{name}: incompatible shapes for broadcasting: "
                         + ", ".join(str(tuple(s)) for s in shapes)) from None


def _check_broadcast_shapes(name: str, shape: Any, *args: Any) -> tuple[int, ...]:
    arg_shapes = [_arg_shape(a) for a in args]
    if shape is None:
        return _broadcast_shapes(name, *arg_shapes) if arg_shapes else ()
    shape = _canonicalize_shape(shape)
    _check_shape(name, shape, *arg_shapes)
    return shape


def _arg_shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, (Array, Tracer)):
        return get_aval(x).shape
    return tuple(np.shape(x))


def _check_safe_cast(name: str, dtype: np.dtype, *args: Any) -> None:
    for a in args:
        if isinstance(a, (bool, int, float, complex)):
            continue
        adt = dtypes.dtype(a)
        if adt.kind == "c" and dtype.kind != "c":
            raise dtypes.TypePromotionError(
                f"In arguments to {name}, cannot safely cast argument of type {adt} to {dtype}")


def _as_operand(x: Any) -> Any:
    """Python scalars, lists and NumPy values as lax operands (Arrays); lax values as they are."""
    if isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, (bool, int, float, complex)):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), dtypes.is_weakly_typed(x))
    arr = np.asarray(x)
    return Array._from_numpy(arr.astype(dtypes.canonicalize_dtype(arr.dtype), copy=False), False)


def _convert(x: Any, dtype: np.dtype) -> Any:
    return lax.convert_element_type(_as_operand(x), dtype)


# ===========================================================================
# Keys


def default_prng_impl() -> str:
    """The name of the PRNG implementation (always ``'threefry2x32'`` here)."""
    return _IMPL_NAME


def _check_impl(impl: Any) -> None:
    if impl is None or impl == _IMPL_NAME:
        return
    if isinstance(impl, str):
        raise ValueError(f'unrecognized PRNG implementation "{impl}". Did you mean one of: '
                         f'"{_IMPL_NAME}"? (only threefry2x32 is implemented)')
    raise TypeError(f"unrecognized type {type(impl)} for specifying PRNG implementation.")


def _seed_to_key(ctor_name: str, seed: Any) -> Any:
    if isinstance(seed, (Array, Tracer, np.ndarray, np.generic)) or isinstance(seed, (list, tuple)):
        if np.ndim(seed) if not isinstance(seed, (Array, Tracer)) else get_aval(seed).ndim:
            raise TypeError(f"{ctor_name} accepts a scalar seed, but was given an array of shape "
                            f"{_arg_shape(seed)} != (). Use jax.vmap for batching")
    if isinstance(seed, bool) or (not isinstance(seed, int) and not dtypes.issubdtype(
            _dtype(_as_operand(seed)), np.integer)):
        raise TypeError(f"PRNG key seed must be an integer; got {seed!r}")
    if isinstance(seed, int):
        # JAX goes through int64 (wrapping to int32 when x64 is off)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise OverflowError(f"Python int {seed} too large to convert to int64")
        s = np.asarray(seed if seed < 2 ** 63 else seed - 2 ** 64, np.int64)
        s = s.astype(dtypes.canonicalize_dtype(np.int64))
        seed = s
    vals = _numpy_values(seed)
    if vals is not None:
        s = vals[0]
        if s.dtype.itemsize == 8:
            u = s.astype(np.uint64)
            hi = (u >> np.uint64(32)).astype(_U32)
            lo = (u & np.uint64(0xFFFFFFFF)).astype(_U32)
        else:
            hi = np.zeros((), _U32)
            lo = s.astype(_U32)
        return np.stack([hi, lo])
    s = _as_operand(seed)
    sdt = _dtype(s)
    if sdt.itemsize == 8:
        udt = _UINT_DTYPES[64]
        u = lax.convert_element_type(s, udt)
        hi = lax.convert_element_type(lax.shift_right_logical(u, _full((), 32, udt)), _U32)
        lo = lax.convert_element_type(lax.bitwise_and(u, _full((), 0xFFFFFFFF, udt)), _U32)
    else:
        hi = _full((), 0, _U32)
        lo = lax.convert_element_type(s, _U32)
    return _stack_words(hi, lo)


def PRNGKey(seed: Any, *, impl: Any = None) -> Any:
    """A legacy PRNG key, ``uint32[2]``, from an integer seed (64-bit seeds use both words)."""
    _check_impl(impl)
    return _to_array(_seed_to_key("PRNGKey", seed))


def key(seed: Any, *, impl: Any = None, dtype: Any = None) -> Any:
    """Like :func:`PRNGKey`.

    JAX returns a typed scalar key here; this implementation has no key
    dtype, so the result is the same ``uint32[2]`` array as ``PRNGKey(seed)``
    and works with every function of this module.
    """
    if dtype is not None and impl is not None:
        raise ValueError("Cannot specify both `impl` and `dtype` arguments to jax.random.key")
    _check_impl(impl if dtype is None else dtype)
    return _to_array(_seed_to_key("key", seed))


def key_data(keys: Any) -> Any:
    """The ``uint32[..., 2]`` data of keys (keys are already their data here)."""
    return _to_array(_check_key("key_data", keys, allow_batched=True))


def wrap_key_data(key_bits_array: Any, *, impl: Any = None, dtype: Any = None) -> Any:
    """Keys from ``uint32[..., 2]`` data (the identity here, after checks)."""
    _check_impl(impl if dtype is None else dtype)
    return _to_array(_check_key("wrap_key_data", key_bits_array, allow_batched=True))


def clone(key: Any) -> Any:
    """A copy of ``key`` (keys are immutable values here, so this is the identity)."""
    return key


def key_impl(keys: Any) -> str:
    _check_key("key_impl", keys, allow_batched=True)
    return _IMPL_NAME


def split(key: Any, num: int | Sequence[int] = 2) -> Any:
    """Split a key into ``num`` new keys (or an array of keys of shape ``num``)."""
    key = _check_key("split", key)
    shape = tuple(num) if isinstance(num, Sequence) else (num,)
    shape = _canonicalize_shape(shape)
    return _to_array(_split(key, shape))


def fold_in(key: Any, data: Any) -> Any:
    """A new key, a deterministic function of ``key`` and the 32-bit integer ``data``."""
    key = _check_key("fold_in", key)
    if _arg_shape(data):
        raise TypeError("fold_in accepts a scalar, but was given an array of"
                        f"shape {_arg_shape(data)} != (). Use jax.vmap for batching.")
    w1, w2 = _words(key)
    if isinstance(data, int) and not isinstance(data, bool):
        if not 0 <= data < 2 ** 32:
            raise OverflowError(f"Python integer {data} out of bounds for uint32")
        d: Any = np.asarray(data, _U32)
    elif isinstance(data, (Array, Tracer)):
        d = lax.convert_element_type(data, _U32)
    else:
        d = np.asarray(np.asarray(data).astype(_U32))
    vals = _numpy_values(w1, w2, d)
    if vals is not None:
        b1, b2 = threefry2x32(vals[0], vals[1], np.zeros((), _U32), vals[2])
        return _to_array(np.stack([b1, b2]))
    b1, b2 = threefry2x32(w1, w2, _full((), 0, _U32), d)
    return _stack_words(b1, b2)


# ===========================================================================
# Uniform samplers


def bits(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Uniform random bits as unsigned integers (uint32 by default, uint64 with x64)."""
    key = _check_key("bits", key)
    if dtype is None:
        dt = dtypes.default_uint_dtype()
    else:
        dt = _user_dtype(dtype, None, "bits")
    if not dtypes.issubdtype(dt, np.unsignedinteger):
        raise ValueError(f"dtype argument to `bits` must be an unsigned int dtype, got {dt}")
    shape = _canonicalize_shape(shape)
    return _to_array(_random_bits(key, dt.itemsize * 8, shape))


def _uniform_from_bits(bits_: Any, rng_bits: int, shape: tuple[int, ...], dtype: np.dtype,
                       minval: Any, maxval: Any) -> Any:
    finfo = dtypes.finfo(dtype)
    nbits, nmant = int(finfo.bits), int(finfo.nmant)
    uint = _UINT_DTYPES[nbits]
    if dtype in (np.float32, np.float64):
        vals = _numpy_values(bits_, minval, maxval)
        if vals is not None:
            return _to_array(_uniform_numpy(vals[0], vals[1], vals[2], nmant, shape, dtype))
    bits_ = _to_array(bits_)
    if rng_bits != nbits:
        bits_ = lax.convert_element_type(bits_, uint)
    bshape = _shape(bits_)
    one_bits = int(np.array(1.0, dtype).view(uint))
    float_bits = lax.bitwise_or(lax.shift_right_logical(bits_, _full(bshape, rng_bits - nmant, uint)),
                                _full(bshape, one_bits, uint))
    floats = lax.sub(lax.bitcast_convert_type(float_bits, dtype), _full(bshape, 1.0, dtype))
    minval = _convert(minval, dtype)
    maxval = _convert(maxval, dtype)
    pshape = _broadcast_shapes("uniform", _shape(minval), _shape(maxval))
    out_shape = _broadcast_shapes("uniform", bshape, pshape)
    if out_shape != bshape:
        raise ValueError(f"uniform: minval and maxval of shapes {_shape(minval)} and {_shape(maxval)} "
                         f"are not broadcast-compatible with shape {shape}")
    span = lax.sub(_bcast(maxval, pshape), _bcast(minval, pshape))
    lo = _bcast(minval, bshape)
    out = lax.add(lax.mul(floats, _bcast(span, bshape)), lo)
    return lax.max(lo, out)


def _uniform_numpy(b: np.ndarray, minval: np.ndarray, maxval: np.ndarray, nmant: int,
                   shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The eager fast path of ``_uniform_from_bits`` for float32/float64 (same IEEE operations)."""
    uint: np.dtype = b.dtype
    one_bits = np.array(1.0, dtype).view(uint)
    floats = ((b >> uint.type(8 * uint.itemsize - nmant)) | one_bits).view(dtype) - dtype.type(1.0)
    lo = np.asarray(minval).astype(dtype)
    hi = np.asarray(maxval).astype(dtype)
    try:
        if np.broadcast_shapes(lo.shape, hi.shape, b.shape) != b.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"uniform: minval and maxval of shapes {lo.shape} and {hi.shape} are not "
                         f"broadcast-compatible with shape {shape}") from None
    out = floats * (hi - lo) + lo
    return np.maximum(np.broadcast_to(lo, b.shape), out)


def _rng_bits_for(dtype: np.dtype) -> int:
    finfo = dtypes.finfo(dtype)
    nbits = int(finfo.bits)
    if nbits not in (8, 16, 32, 64):
        raise TypeError(f"uniform only accepts 8-, 16-, 32-, or 64-bit dtypes, got {dtype}.")
    return 8 if int(finfo.nmant) < 8 else nbits


def _uniform(key: Any, shape: tuple[int, ...], dtype: np.dtype, minval: Any = 0.0, maxval: Any = 1.0) -> Any:
    rng_bits = _rng_bits_for(dtype)
    return _uniform_from_bits(_random_bits(key, rng_bits, shape), rng_bits, shape, dtype, minval, maxval)


def _uniform_words(w1: Any, w2: Any, dtype: np.dtype, shape: tuple[int, ...] = ()) -> Any:
    """Uniform [0, 1) samples of ``shape`` for each key of a batch given by its words."""
    rng_bits = _rng_bits_for(dtype)
    bshape = _shape(w1) + shape
    return _uniform_from_bits(_random_bits_words(w1, w2, rng_bits, shape), rng_bits, bshape, dtype, 0.0, 1.0)


def uniform(key: Any, shape: Any = (), dtype: Any = None, minval: Any = 0.0, maxval: Any = 1.0) -> Any:
    """Uniform random values in ``[minval, maxval)``."""
    key = _check_key("uniform", key)
    dt = _float_dtype(dtype, "uniform")
    shape = _canonicalize_shape(shape)
    return _uniform(key, shape, dt, minval, maxval)


def _nextafter_np(x: float, toward: float, dtype: np.dtype) -> Any:
    return np.nextafter(np.array(x, dtype), np.array(toward, dtype))


def _normal_from_uniform(u: Any, dtype: np.dtype) -> Any:
    return lax.mul(_full(_shape(u), np.sqrt(2), dtype), lax.erf_inv(u))


def _normal_real(key: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    lo = _nextafter_np(-1.0, 0.0, dtype)
    return _normal_from_uniform(_uniform(key, shape, dtype, lo, 1.0), dtype)


def _normal_words(w1: Any, w2: Any, dtype: np.dtype) -> Any:
    """One standard normal sample per key of a batch of keys given by words."""
    rng_bits = _rng_bits_for(dtype)
    bshape = _shape(w1)
    lo = _nextafter_np(-1.0, 0.0, dtype)
    u = _uniform_from_bits(_random_bits_words(w1, w2, rng_bits, ()), rng_bits, bshape, dtype, lo, 1.0)
    return _normal_from_uniform(u, dtype)


def _normal(key: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    if dtypes.issubdtype(dtype, np.complexfloating):
        key_re, key_im = _split_list(key, 2)
        real_dtype = np.dtype(np.array(0, dtype).real.dtype)
        re = lax.convert_element_type(_normal_real(key_re, shape, real_dtype), dtype)
        im = lax.convert_element_type(_normal_real(key_im, shape, real_dtype), dtype)
        z = lax.add(re, lax.mul(_full(shape, 1j, dtype), im))
        return lax.div(z, _full(shape, np.sqrt(2), dtype))
    return _normal_real(key, shape, dtype)


def normal(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Standard normal samples (complex dtypes: independent real and imaginary parts, variance 1)."""
    key = _check_key("normal", key)
    shape = _canonicalize_shape(shape)
    dt = _user_dtype(dtype, float, "normal")
    if not dtypes.issubdtype(dt, np.inexact):
        raise ValueError(f"dtype argument to `normal` must be a float or complex dtype, got {dt}")
    return _normal(key, shape, dt)


# ===========================================================================
# Integers


def _clip_convert_int(val: Any, dtype: np.dtype) -> Any:
    """Convert an integer array to ``dtype``, clipping to its range instead of wrapping."""
    vdt = _dtype(val)
    lo = max(int(dtypes.iinfo(dtype).min), int(dtypes.iinfo(vdt).min))
    hi = min(int(dtypes.iinfo(dtype).max), int(dtypes.iinfo(vdt).max))
    shape = _shape(val)
    clipped = lax.min(lax.max(val, _full(shape, lo, vdt)), _full(shape, hi, vdt))
    return lax.convert_element_type(clipped, dtype)


def _int_operand(x: Any) -> Any:
    x = _as_operand(x)
    if not dtypes.issubdtype(_dtype(x), np.integer):
        x = lax.convert_element_type(x, dtypes.default_int_dtype())
    return x


def _randint(key: Any, minval: Any, maxval: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    minval = _int_operand(minval)
    maxval = _int_operand(maxval)
    _check_shape("randint", shape, _shape(minval), _shape(maxval))
    info = dtypes.iinfo(dtype)
    nbits = int(info.bits)
    if nbits not in (8, 16, 32, 64):
        raise TypeError(f"randint only accepts 8-, 16-, 32-, or 64-bit dtypes, got {dtype}")
    mdt = _dtype(maxval)
    top = int(info.max)
    top_in_mdt = min(top, int(dtypes.iinfo(mdt).max))
    maxval_out_of_range = lax.gt(maxval, _full(_shape(maxval), top_in_mdt, mdt))
    minval = _bcast(_clip_convert_int(minval, dtype), shape)
    maxval = _bcast(_clip_convert_int(maxval, dtype), shape)
    maxval_out_of_range = _bcast(maxval_out_of_range, shape)

    k1, k2 = _split_list(key, 2)
    higher_bits = _to_array(_random_bits(k1, nbits, shape))
    lower_bits = _to_array(_random_bits(k2, nbits, shape))
    unsigned = _UINT_DTYPES[nbits]
    span = lax.convert_element_type(lax.sub(maxval, minval), unsigned)
    one = _full(shape, 1, unsigned)
    span = lax.select(lax.le(maxval, minval), one, span)
    span = lax.select(lax.bitwise_and(maxval_out_of_range, lax.gt(maxval, minval)), lax.add(span, one), span)
    multiplier = lax.rem(_full(shape, 2 ** (nbits // 2), unsigned), span)
    multiplier = lax.rem(lax.mul(multiplier, multiplier), span)
    offset = lax.add(lax.mul(lax.rem(higher_bits, span), multiplier), lax.rem(lower_bits, span))
    offset = lax.rem(offset, span)
    return lax.add(minval, lax.convert_element_type(offset, dtype))


def randint(key: Any, shape: Any, minval: Any, maxval: Any, dtype: Any = None) -> Any:
    """Uniform integers in ``[minval, maxval)`` (modulo-based, like JAX: biased when the span is not a power of 2)."""
    key = _check_key("randint", key)
    dt = _user_dtype(dtype, int, "randint")
    shape = _canonicalize_shape(shape)
    if not dtypes.issubdtype(dt, np.integer):
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    info = dtypes.iinfo(dt)
    sample_dt = dt
    if info.bits < 32:
        # sample in 32 bits to avoid biased results, as JAX does
        sample_dt = np.dtype(np.int32)
        i32 = np.dtype(np.int32)

        def clip32(v: Any, hi: int) -> Any:
            v = lax.convert_element_type(_int_operand(v), i32)
            s = _shape(v)
            return lax.min(lax.max(v, _full(s, int(info.min), i32)), _full(s, hi, i32))

        minval = clip32(minval, int(info.max))
        maxval = clip32(maxval, int(info.max) + 1)
    out = _randint(key, minval, maxval, shape, sample_dt)
    return lax.convert_element_type(out, dt)


# ===========================================================================
# Permutations and choices


def _sort_along(sort_keys: Any, x: Any, axis: int) -> Any:
    return lax.sort((sort_keys, x), dimension=axis, is_stable=True, num_keys=1)[1]


def _shuffle(key: Any, x: Any, axis: int) -> Any:
    size = int(np.prod(_shape(x), dtype=np.int64))
    uint32max = np.iinfo(np.uint32).max
    num_rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(uint32max)))
    for _ in range(num_rounds):
        key, subkey = _split_list(key, 2)
        sort_keys = _to_array(_random_bits(subkey, 32, _shape(x)))
        x = _sort_along(sort_keys, x, axis)
    return x


def _arange(n: int) -> Any:
    return lax.iota(dtypes.default_int_dtype(), n)


def _take(arr: Any, ind: Any, axis: int) -> Any:
    """``jnp.take(arr, ind, axis)`` for in-bounds integer indices."""
    ashape = _shape(arr)
    ishape = _shape(ind)
    idx = lax.reshape(ind, ishape + (1,))
    offset_dims = tuple(range(axis)) + tuple(range(axis + len(ishape), len(ashape) - 1 + len(ishape)))
    dnums = lax.GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=(axis,),
                                       start_index_map=(axis,))
    slice_sizes = tuple(1 if i == axis else d for i, d in enumerate(ashape))
    return lax.gather(arr, idx, dnums, slice_sizes, mode="clip")


def _canonical_axis(axis: int, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _concrete_int(x: Any, context: str) -> int:
    if isinstance(x, Tracer):
        v = x.to_concrete_value()
        if v is None:
            from jax_core.core import concrete_or_error
            return int(concrete_or_error(x, context))
        return int(v)
    return int(np.asarray(x._value if type(x) is Array else x))


def permutation(key: Any, x: Any, axis: int = 0, independent: bool = False) -> Any:
    """A random permutation of ``arange(x)`` (int ``x``) or of ``x`` along ``axis``."""
    key = _check_key("permutation", key)
    if isinstance(x, (list, tuple)):
        raise TypeError(f"permutation requires ndarray or scalar arguments, got {type(x).__name__}")
    ndim = len(_arg_shape(x))
    axis = _canonical_axis(axis, ndim or 1)
    if not ndim:
        if not dtypes.issubdtype(dtypes.dtype(x), np.integer):
            raise TypeError("x must be an integer or at least 1-dimensional")
        r = _concrete_int(x, "argument x of jax.random.permutation()")
        return _to_array(_shuffle(key, _arange(r), axis))
    x = _as_operand(x)
    if independent or ndim == 1:
        return _shuffle(key, x, axis)
    ind = _shuffle(key, _arange(_shape(x)[axis]), 0)
    return _take(x, ind, axis)


def shuffle(key: Any, x: Any, axis: int = 0) -> Any:
    """Shuffle each slice of ``x`` along ``axis`` independently (deprecated in JAX).

    Same as ``permutation(key, x, axis, independent=True)``.
    """
    warnings.warn("jax.random.shuffle is deprecated and will be removed in a future release. "
                  "Use jax.random.permutation with independent=True.", FutureWarning, stacklevel=2)
    key = _check_key("shuffle", key)
    x = _as_operand(x)
    return _shuffle(key, x, _canonical_axis(axis, len(_shape(x)) or 1))


def _inexact_operand(x: Any) -> Any:
    x = _as_operand(x)
    dt = _dtype(x)
    if not dtypes.issubdtype(dt, np.inexact):
        x = lax.convert_element_type(x, dtypes.to_inexact_dtype(dt), get_aval(x).weak_type)
    return x


def _searchsorted_left(sorted_arr: Any, values: Any) -> Any:
    """Number of elements of 1-D ``sorted_arr`` strictly less than each of ``values``."""
    n = _shape(sorted_arr)[0]
    vshape = _shape(values)
    a = lax.broadcast_in_dim(sorted_arr, vshape + (n,), (len(vshape),))
    v = lax.broadcast_in_dim(values, vshape + (n,), tuple(range(len(vshape))))
    less = lax.convert_element_type(lax.lt(a, v), dtypes.default_int_dtype())
    return lax.reduce_sum(less, (len(vshape),))


def choice(key: Any, a: Any, shape: Sequence[int] = (), replace: bool = True, p: Any = None,
           axis: int = 0, mode: str | None = None) -> Any:
    """Random samples from ``a`` (an array, or ``arange(a)`` for an int), optionally weighted by ``p``."""
    key = _check_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"shape argument of jax.random.choice must be a sequence, got {shape}")
    shape = _canonicalize_shape(shape)
    arr = _as_operand(a)
    ashape = _shape(arr)
    if not ashape:
        n_inputs = _concrete_int(a, "The error occurred in jax.random.choice()")
    else:
        axis = _canonical_axis(axis, len(ashape))
        n_inputs = ashape[axis]
    n_draws = int(np.prod(shape, dtype=np.int64))
    if n_draws == 0:
        return lax.full(shape, 0, _dtype(arr))
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
                         f"when 'replace=False'")
    int_dt = dtypes.default_int_dtype()
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
            result = ind if not ashape else _take(arr, ind, axis)
        else:
            perm = permutation(key, n_inputs if not ashape else arr, axis)
            pshape = _shape(perm)
            start = [0] * len(pshape)
            limit = list(pshape)
            limit[axis] = n_draws
            result = lax.slice(perm, start, limit)
    else:
        p_arr = _inexact_operand(p)
        if _shape(p_arr) != (n_inputs,):
            raise ValueError("p must be None or a 1D vector with the same size as a.shape[axis]. "
                             f"p has shape {_shape(p_arr)} and a.shape[axis] is {n_inputs}.")
        pdt = _dtype(p_arr)
        if replace:
            p_cuml = lax.cumsum(p_arr, 0)
            total = lax.reshape(lax.slice(p_cuml, (n_inputs - 1,), (n_inputs,)), ())
            u = _uniform(key, shape, pdt)
            r = lax.mul(_bcast(total, shape), lax.sub(_full(shape, 1, pdt), u))
            ind = lax.convert_element_type(_searchsorted_left(p_cuml, r), int_dt)
        else:
            g = lax.add(_gumbel(key, (n_inputs,), pdt, _gumbel_mode(mode)), lax.log(p_arr))
            ind = lax.convert_element_type(lax.top_k(g, n_draws)[1], int_dt)
        result = ind if not ashape else _take(arr, ind, axis)
    out_shape = shape if not ashape else ashape[:axis] + shape + ashape[axis + 1:]
    return lax.reshape(result, out_shape)


# ===========================================================================
# Continuous distributions from one uniform


def truncated_normal(key: Any, lower: Any, upper: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Standard normal samples truncated to the open interval ``(lower, upper)``."""
    if shape is not None:
        shape = _canonicalize_shape(shape)
    key = _check_key("truncated_normal", key)
    dt = _float_dtype(dtype, "truncated_normal")
    if shape is None:
        shape = _broadcast_shapes("truncated_normal", _arg_shape(lower), _arg_shape(upper))
    else:
        _check_shape("truncated_normal", shape, _arg_shape(lower), _arg_shape(upper))
    lower = _convert(lower, dt)
    upper = _convert(upper, dt)
    sqrt2 = np.sqrt(2)
    a = lax.erf(lax.div(lower, _full(_shape(lower), sqrt2, dt)))
    b = lax.erf(lax.div(upper, _full(_shape(upper), sqrt2, dt)))
    u = _uniform(key, shape, dt, a, b)
    out = lax.mul(_full(shape, sqrt2, dt), lax.erf_inv(u))
    # clamp to the open interval (rounding could reach the bounds); no gradient through the clamp bounds
    lo = lax.nextafter(lax.stop_gradient(lower), _full(_shape(lower), np.inf, dt))
    hi = lax.nextafter(lax.stop_gradient(upper), _full(_shape(upper), -np.inf, dt))
    return lax.min(lax.max(out, _bcast(lo, shape)), _bcast(hi, shape))


def bernoulli(key: Any, p: Any = 0.5, shape: Any = None, mode: str = "low") -> Any:
    """Boolean samples, True with probability ``p``."""
    if shape is not None:
        shape = _canonicalize_shape(shape)
    if mode not in ("high", "low"):
        raise ValueError(f"got mode={mode!r}, expected 'high' or 'low'")
    key = _check_key("bernoulli", key)
    p = _as_operand(p)
    dt = _dtype(p)
    if not dtypes.issubdtype(dt, np.floating):
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dt}.")
    p = lax.convert_element_type(p, dt)
    if shape is None:
        shape = _shape(p)
    else:
        _check_shape("bernoulli", shape, _shape(p))
    pb = _bcast(p, shape)
    if mode == "high":
        u = _uniform(key, (2,) + shape, dt)
        nd = len(shape)
        u1 = lax.reshape(lax.slice(u, (0,) * (nd + 1), (1,) + shape), shape)
        u2 = lax.reshape(lax.slice(u, (1,) + (0,) * nd, (2,) + shape), shape)
        u2 = lax.mul(u2, _full(shape, 2.0 ** -int(dtypes.finfo(dt).nmant), dt))
        return lax.lt(u2, lax.sub(pb, u1))
    return lax.lt(_uniform(key, shape, dt), pb)


def rademacher(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Random signs, -1 or +1 with equal probability."""
    key = _check_key("rademacher", key)
    dt = _user_dtype(dtype, int, "rademacher")
    shape = _canonicalize_shape(shape)
    b = bernoulli(key, 0.5, shape)
    i = lax.convert_element_type(b, dtypes.default_int_dtype())
    two = _full(shape, 2, dtypes.default_int_dtype())
    return lax.convert_element_type(lax.sub(lax.mul(two, i), _full(shape, 1, dtypes.default_int_dtype())), dt)


def exponential(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Exponential samples with rate 1."""
    key = _check_key("exponential", key)
    dt = _float_dtype(dtype, "exponential")
    shape = _canonicalize_shape(shape)
    return _exponential(key, shape, dt)


def _exponential(key: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    u = _uniform(key, shape, dt)
    return lax.neg(lax.log1p(lax.neg(u)))


def laplace(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Laplace samples (density exp(-|x|)/2)."""
    key = _check_key("laplace", key)
    dt = _float_dtype(dtype, "laplace")
    shape = _canonicalize_shape(shape)
    u = _uniform(key, shape, dt, -1.0 + float(dtypes.finfo(dt).epsneg), 1.0)
    return lax.mul(lax.sign(u), lax.log1p(lax.neg(lax.abs(u))))


def logistic(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Standard logistic samples."""
    key = _check_key("logistic", key)
    dt = _float_dtype(dtype, "logistic")
    shape = _canonicalize_shape(shape)
    x = _uniform(key, shape, dt, float(dtypes.finfo(dt).tiny), 1.0)
    return lax.sub(lax.log(x), lax.log1p(lax.neg(x)))


def cauchy(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Standard Cauchy samples."""
    key = _check_key("cauchy", key)
    dt = _float_dtype(dtype, "cauchy")
    shape = _canonicalize_shape(shape)
    u = _uniform(key, shape, dt, float(dtypes.finfo(dt).eps), 1.0)
    return lax.tan(lax.mul(_full(shape, np.pi, dt), lax.sub(u, _full(shape, 0.5, dt))))


def _gumbel_mode(mode: str | None) -> str:
    if mode is None:
        mode = "high" if getattr(config, "jax_use_high_dynamic_range_gumbel", False) else "low"
    if mode not in ("highest", "high", "low"):
        raise ValueError("Must provide valid mode for gumbel got: %s" % mode)
    return mode


def _safe_int_to_float(hi: Any, lo: Any) -> Any:
    """uint32 pairs (a 64-bit fixed-point fraction) to float32 in (0, 1), keeping low bits."""
    finfo = dtypes.finfo(np.float32)
    shape = _shape(hi)
    u = lambda v: _full(shape, v, _U32)  # noqa: E731
    hiclz = lax.clz(hi)
    loclz = lax.clz(lo)
    hi_zero = lax.eq(hiclz, u(32))
    mantissa = lax.bitwise_or(
        lax.shift_left(hi, hiclz),
        lax.select(hi_zero, lax.shift_left(lo, loclz), lax.shift_right_logical(lo, lax.sub(u(32), hiclz))))
    mantissa = lax.shift_right_logical(mantissa, u(32 - int(finfo.nmant) - 1))
    mantissa = lax.bitwise_and(mantissa, u((1 << int(finfo.nmant)) - 1))
    lead = lax.select(hi_zero, lax.add(u(32), loclz), hiclz)
    exp = lax.shift_left(lax.sub(u(-int(finfo.minexp)), lead), u(int(finfo.nmant)))
    exp = lax.bitwise_and(exp, u((1 << 30) - (1 << (int(finfo.nmant) - 1))))
    return lax.bitcast_convert_type(lax.bitwise_or(exp, mantissa), np.float32)


def _gumbel(key: Any, shape: tuple[int, ...], dt: np.dtype, mode: str) -> Any:
    info = dtypes.finfo(dt)
    if dt == np.float32 and mode == "highest":
        w1, w2 = _words(key)
        b1, b2 = _hash_iota(w1, w2, (2,) + shape)
        rb = _to_array(_combine_bits(b1, b2, 32))
        nd = len(shape)
        hi = lax.reshape(lax.slice(rb, (0,) * (nd + 1), (1,) + shape), shape)
        lo = lax.reshape(lax.slice(rb, (1,) + (0,) * nd, (2,) + shape), shape)
        u = lambda v: _full(shape, v, _U32)  # noqa: E731
        nhi, nlo = lax.bitwise_not(hi), lax.bitwise_not(lo)
        # 1 - bits as a 64-bit fixed-point number
        carry = lax.convert_element_type(lax.eq(nlo, u(0xFFFFFFFF)), _U32)
        nhi = lax.add(nhi, carry)
        nlo = lax.add(nlo, u(1))
        flip = lax.lt(hi, u(1 << 31))
        x = _safe_int_to_float(lax.select(flip, hi, nhi), lax.select(flip, lo, nlo))
        a = lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x)))))
        b = lax.neg(lax.log(lax.neg(lax.log(x))))
        return lax.select(flip, a, b)
    if mode in ("high", "highest"):
        u2 = _uniform(key, (2,) + shape, dt)
        nd = len(shape)
        high = lax.reshape(lax.slice(u2, (0,) * (nd + 1), (1,) + shape), shape)
        low = lax.reshape(lax.slice(u2, (1,) + (0,) * nd, (2,) + shape), shape)
        x = lax.select(
            lax.ge(high, _full(shape, 0.5, dt)), high,
            lax.add(lax.add(high, lax.mul(_full(shape, 2.0 ** -int(info.nmant), dt), low)),
                    _full(shape, float(info.tiny), dt)))
        return lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x)))))
    u = _uniform(key, shape, dt, float(info.tiny), 1.0)
    return lax.neg(lax.log(lax.neg(lax.log(u))))


def gumbel(key: Any, shape: Any = (), dtype: Any = None, mode: str | None = None) -> Any:
    """Standard Gumbel samples (mode 'high'/'highest' use more bits for the tail)."""
    key = _check_key("gumbel", key)
    dt = _float_dtype(dtype, "gumbel")
    shape = _canonicalize_shape(shape)
    return _gumbel(key, shape, dt, _gumbel_mode(mode))


def categorical(key: Any, logits: Any, axis: int = -1, shape: Any = None, replace: bool = True,
                mode: str | None = None) -> Any:
    """Samples from categorical distributions given by unnormalized log-probabilities along ``axis``."""
    key = _check_key("categorical", key)
    if isinstance(logits, (list, tuple)):
        raise TypeError(f"categorical requires ndarray or scalar arguments, got {type(logits).__name__}")
    logits = _as_operand(logits)
    lshape = _shape(logits)
    nd = len(lshape)
    axis = _canonical_axis(axis, nd)
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    if shape is None:
        shape = batch_shape
    else:
        shape = _canonicalize_shape(shape)
        _check_shape("categorical", shape, batch_shape)
    dt = _dtype(logits)
    if not dtypes.issubdtype(dt, np.floating):
        raise ValueError(f"dtype argument to `gumbel` must be a float dtype, got {dt}")
    mode = _gumbel_mode(mode)
    shape_prefix = shape[:len(shape) - len(batch_shape)]
    int_dt = dtypes.default_int_dtype()
    if replace:
        logits_shape = list(shape[len(shape) - len(batch_shape):])
        logits_shape.insert(axis, lshape[axis])
        full_shape = tuple(shape_prefix) + tuple(logits_shape)
        g = _gumbel(key, full_shape, dt, mode)
        expanded = lax.reshape(logits, (1,) * len(shape_prefix) + lshape)
        out = lax.add(g, _bcast(expanded, full_shape))
        return lax.argmax(out, len(shape_prefix) + axis, int_dt)
    noisy = lax.add(logits, _gumbel(key, lshape, dt, mode))
    k = int(np.prod(shape_prefix, dtype=np.int64))
    if k > lshape[axis]:
        raise ValueError(f"Number of samples without replacement ({k}) cannot exceed number of "
                         f"categories ({lshape[axis]}).")
    perm = tuple(i for i in range(nd) if i != axis) + (axis,)
    _, indices = lax.top_k(lax.transpose(noisy, perm), k)
    ind_nd = len(batch_shape) + 1
    dimensions = (ind_nd - 1,) + tuple(range(ind_nd - 1))
    return lax.reshape(indices, shape, dimensions)


def _param_operand(x: Any, dt: np.dtype) -> Any:
    return _convert(x, dt)


def pareto(key: Any, b: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Pareto samples with shape ``b`` (density b / x^(b+1) on x >= 1)."""
    key = _check_key("pareto", key)
    dt = _float_dtype(dtype, "pareto")
    shape = _check_broadcast_shapes("pareto", shape, b)
    _check_safe_cast("pareto", dt, b)
    b = _bcast(_param_operand(b, dt), shape)
    e = _exponential(key, shape, dt)
    return lax.exp(lax.div(e, b))


def weibull_min(key: Any, scale: Any, concentration: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Weibull samples by inverting the CDF."""
    key = _check_key("weibull_min", key)
    dt = _float_dtype(dtype, "weibull_min")
    shape = _canonicalize_shape(shape)
    u = _uniform(key, shape, dt, 0, 1)
    scale = _param_operand(scale, dt)
    conc = _param_operand(concentration, dt)
    out_shape = _broadcast_shapes("weibull_min", shape, _shape(scale), _shape(conc))
    inv_c = lax.div(_full(_shape(conc), 1.0, dt), conc)
    base = _bcast(lax.neg(lax.log1p(lax.neg(u))), out_shape)
    return lax.mul(lax.pow(base, _bcast(inv_c, out_shape)), _bcast(scale, out_shape))


def maxwell(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """One-sided Maxwell samples: the norm of three standard normals."""
    key = _check_key("maxwell", key)
    dt = _float_dtype(dtype, "maxwell")
    shape = _canonicalize_shape(shape)
    return _maxwell(key, shape, dt)


def _maxwell(key: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    z = _normal_real(key, shape + (3,), dt)
    return lax.sqrt(lax.reduce_sum(lax.mul(z, z), (len(shape),)))


def double_sided_maxwell(key: Any, loc: Any, scale: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Double-sided Maxwell samples with location ``loc`` and scale ``scale``."""
    key = _check_key("double_sided_maxwell", key)
    dt = _float_dtype(dtype, "double_sided_maxwell")
    shape = _canonicalize_shape(shape)
    params_shape = _broadcast_shapes("double_sided_maxwell", _arg_shape(loc), _arg_shape(scale))
    if not shape:
        shape = params_shape
    shape = shape + params_shape
    maxwell_key, rademacher_key = _split_list(key, 2)
    m = _maxwell(maxwell_key, shape, dt)
    sign = rademacher(_to_array(rademacher_key), shape, dt)
    loc_ = _as_operand(loc)
    scale_ = _as_operand(scale)
    out = lax.mul(sign, m)
    # JAX computes random_sign * maxwell_rvs * scale + loc with jnp promotion
    from jax_core.array_methods import promote_args
    out, scale_ = promote_args("double_sided_maxwell", out, scale_)
    out = lax.mul(out, scale_)
    out, loc_ = promote_args("double_sided_maxwell", out, loc_)
    return lax.add(out, loc_)


def lognormal(key: Any, sigma: Any = 1.0, shape: Any = None, dtype: Any = None) -> Any:
    """Log-normal samples: exp(sigma * normal)."""
    key = _check_key("lognormal", key)
    dt = _float_dtype(dtype, "lognormal")
    shape = _check_broadcast_shapes("lognormal", shape, sigma)
    sigma = _bcast(_param_operand(sigma, dt), shape)
    return lax.exp(lax.mul(_normal_real(key, shape, dt), sigma))


def rayleigh(key: Any, scale: Any = 1.0, shape: Any = None, dtype: Any = None) -> Any:
    """Rayleigh samples: scale * sqrt(-2 log u)."""
    key = _check_key("rayleigh", key)
    dt = _float_dtype(dtype, "rayleigh")
    shape = _check_broadcast_shapes("rayleigh", shape, scale)
    scale = _bcast(_param_operand(scale, dt), shape)
    u = _uniform(key, shape, dt, 0.0, 1.0)
    log_u = lax.log(u)
    n_two = _full(shape, -2, dt)
    sqrt_u = lax.sqrt(lax.mul(log_u, n_two))
    return lax.mul(scale, sqrt_u)


def wald(key: Any, mean: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Wald (inverse Gaussian) samples with the given mean and unit scale."""
    key = _check_key("wald", key)
    dt = _float_dtype(dtype, "wald")
    shape = _check_broadcast_shapes("wald", shape, mean)
    k1, k2 = _split_list(key, 2)
    mean = _bcast(_param_operand(mean, dt), shape)
    v = _normal_real(k1, shape, dt)
    z = _uniform(k2, shape, dt, 0.0, 1.0)
    y = lax.integer_pow(v, 2)
    y_sq = lax.integer_pow(y, 2)
    mean_sq = lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(lax.add(lax.mul(_full(shape, 4, dt), lax.mul(mean, y)), lax.mul(mean_sq, y_sq)))
    x = lax.sub(lax.add(mean, lax.div(lax.mul(mean_sq, y), _full(shape, 2, dt))),
                lax.mul(lax.div(mean, _full(shape, 2, dt)), sqrt_term))
    w = lax.select(lax.le(z, lax.div(mean, lax.add(mean, x))), x, lax.div(mean_sq, x))
    return w


def geometric(key: Any, p: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Geometric samples: number of trials until the first success (>= 1)."""
    key = _check_key("geometric", key)
    dt = _user_dtype(dtype, int, "geometric")
    if not dtypes.issubdtype(dt, np.integer):
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dt}")
    shape = _check_broadcast_shapes("geometric", shape, p)
    p = _inexact_operand(p)
    pdt = _dtype(p)
    p = _bcast(p, shape)
    u = _uniform(key, shape, pdt, 0.0, 1.0)
    log_u = lax.log(u)
    log_one_minus_p = lax.log1p(lax.neg(p))
    g = lax.add(lax.floor(lax.div(log_u, log_one_minus_p)), _full(shape, 1, pdt))
    return lax.convert_element_type(g, dt)


def triangular(key: Any, left: Any, mode: Any, right: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Triangular samples on [left, right] with peak at ``mode``."""
    key = _check_key("triangular", key)
    dt = _float_dtype(dtype, "triangular")
    shape = _check_broadcast_shapes("triangular", shape, left, mode, right)
    left, mode, right = (_bcast(_param_operand(v, dt), shape) for v in (left, mode, right))
    fc = lax.div(lax.sub(mode, left), lax.sub(right, left))
    u = _uniform(key, shape, dt)
    out1 = lax.add(left, lax.sqrt(lax.mul(lax.mul(u, lax.sub(right, left)), lax.sub(mode, left))))
    out2 = lax.sub(right, lax.sqrt(lax.mul(lax.mul(lax.sub(_full(shape, 1, dt), u), lax.sub(right, left)),
                                           lax.sub(right, mode))))
    return lax.select(lax.lt(u, fc), out1, out2)


# ===========================================================================
# Loops for rejection samplers


def _all_concrete(tree: Any) -> bool:
    if trace_state.trace is not eval_trace:
        return False
    return not any(isinstance(x, Tracer) for x in tree_util.tree_leaves(tree))


def _loop(cond_fn: Callable[[Any], Any], body_fn: Callable[[Any], Any], state: Any) -> Any:
    """``while cond_fn(state): state = body_fn(state)``.

    A Python loop on concrete values (eagerly), a ``lax.while_loop`` under a
    transformation.  The bodies here are written so that both give the same
    values.
    """
    if _all_concrete(state):
        while bool(cond_fn(state)):
            state = body_fn(state)
        return state
    state = tree_util.tree_map(_to_array, state)
    return lax.while_loop(cond_fn, body_fn, state)


def _any(x: Any) -> Any:
    return lax.reduce_or(x, tuple(range(len(_shape(x)))))


def _where(c: Any, a: Any, b: Any) -> Any:
    """Elementwise select with NumPy broadcasting (NumPy fast path for key words)."""
    vals = _numpy_values(c, a, b)
    if vals is not None:
        return np.where(*vals)
    shape = _broadcast_shapes("where", _shape(c), _shape(a), _shape(b))
    return lax.select(_bcast(_to_array(c), shape), _bcast(_to_array(a), shape), _bcast(_to_array(b), shape))


# ===========================================================================
# Gamma family (Marsaglia & Tsang, per element, as JAX)


def _gamma_flat(key: Any, alphas: Any, log_space: bool) -> Any:
    """Gamma(alpha) samples for a flat array of alphas, element i using split(key, n)[i]."""
    n = _shape(alphas)[0]
    dt = _dtype(alphas)
    shape = (n,)
    w1, w2 = _words(key)
    kw1, kw2 = _split_words(w1, w2, shape)          # per-element keys

    def c(v: float) -> Any:
        return _full(shape, v, dt)

    zero, one = c(0.0), c(1.0)
    boost_mask = lax.ge(alphas, one)
    alpha = lax.select(boost_mask, alphas, lax.add(alphas, one))
    d = lax.sub(alpha, c(1.0 / 3.0))
    cc = lax.div(c(1.0 / 3.0), lax.sqrt(d))

    def rejects(X: Any, V: Any, U: Any) -> Any:
        a = lax.ge(U, lax.sub(one, lax.mul(c(0.0331), lax.mul(X, X))))
        b = lax.ge(lax.log(U), lax.add(lax.mul(X, c(0.5)),
                                       lax.mul(d, lax.add(lax.sub(one, V), lax.log(V)))))
        return lax.bitwise_and(a, b)

    # per element: key, subkey = split(key); subkey draws the boost
    (ok1, sk1), (ok2, sk2) = _split_pairs(kw1, kw2, 2)
    need_outer = rejects(zero, one, c(2.0))        # JAX's initial loop state (X, V, U) = (0, 1, 2)
    zeros_u32 = np.zeros(shape, _U32) if isinstance(ok1, np.ndarray) else _full(shape, 0, _U32)
    state = dict(ok1=ok1, ok2=ok2, ik1=zeros_u32, ik2=zeros_u32, uk1=zeros_u32, uk2=zeros_u32,
                 need_outer=need_outer, done=lax.bitwise_not(need_outer), V=one)

    def cond(s: dict) -> Any:
        return _any(lax.bitwise_not(s["done"]))

    def body(s: dict) -> dict:
        active = lax.bitwise_not(s["done"])
        start = lax.bitwise_and(active, s["need_outer"])
        # outer iteration: key, x_key, U_key = split(key, 3)
        (o1, x1, u1), (o2, x2, u2) = _split_pairs(s["ok1"], s["ok2"], 3)
        ok1, ok2 = _where(start, o1, s["ok1"]), _where(start, o2, s["ok2"])
        ik1, ik2 = _where(start, x1, s["ik1"]), _where(start, x2, s["ik2"])
        uk1, uk2 = _where(start, u1, s["uk1"]), _where(start, u2, s["uk2"])
        # inner iteration: key, subkey = split(key); x = normal(subkey); v = 1 + x * c
        (n1, sub1), (n2, sub2) = _split_pairs(ik1, ik2, 2)
        x = _normal_words(sub1, sub2, dt)
        v = lax.add(one, lax.mul(x, cc))
        ik1, ik2 = _where(active, n1, ik1), _where(active, n2, ik2)
        inner_done = lax.bitwise_and(active, lax.bitwise_not(lax.le(v, zero)))
        X = lax.mul(x, x)
        V_new = lax.select(inner_done, lax.mul(lax.mul(v, v), v), one)
        U = _uniform_words(uk1, uk2, dt)
        rej = rejects(X, V_new, U)
        return dict(ok1=ok1, ok2=ok2, ik1=ik1, ik2=ik2, uk1=uk1, uk2=uk2,
                    need_outer=lax.select(active, lax.bitwise_and(inner_done, rej), s["need_outer"]),
                    done=lax.bitwise_or(s["done"], lax.bitwise_and(inner_done, lax.bitwise_not(rej))),
                    V=lax.select(inner_done, V_new, s["V"]))

    state = _loop(cond, body, state)
    V = state["V"]
    if log_space:
        log_samples = lax.neg(_exponential_words(sk1, sk2, dt))
        log_boost = lax.select(lax.bitwise_or(boost_mask, lax.eq(log_samples, zero)), zero,
                               lax.mul(log_samples, lax.div(one, alphas)))
        return lax.add(lax.add(lax.log(d), lax.log(V)), log_boost)
    samples = lax.sub(one, _uniform_words(sk1, sk2, dt))
    boost = lax.select(boost_mask, one, lax.pow(samples, lax.div(one, alphas)))
    return lax.mul(lax.mul(d, V), boost)


def _split_pairs(w1: Any, w2: Any, num: int) -> tuple[list, list]:
    """Split each key of a batch (given by words) into ``num``: lists of the new first and second words."""
    b1, b2 = _split_words(w1, w2, (num,))
    vals = _numpy_values(b1, b2)
    if vals is not None:
        return [vals[0][..., i] for i in range(num)], [vals[1][..., i] for i in range(num)]
    batch = _shape(w1)
    nd = len(batch)

    def take(b: Any, i: int) -> Any:
        return lax.reshape(lax.slice(b, (0,) * nd + (i,), batch + (i + 1,)), batch)

    return [take(b1, i) for i in range(num)], [take(b2, i) for i in range(num)]


def _exponential_words(w1: Any, w2: Any, dt: np.dtype) -> Any:
    u = _uniform_words(w1, w2, dt)
    return lax.neg(lax.log1p(lax.neg(u)))


def _gamma(key: Any, a: Any, shape: Any, dt: np.dtype, log_space: bool = False) -> Any:
    a = _convert(a, dt)
    if shape is None:
        shape = _shape(a)
    else:
        _check_shape("gamma", shape, _shape(a))
    a = _bcast(a, shape)
    n = int(np.prod(shape, dtype=np.int64))
    if n == 0:
        return lax.full(shape, 0, dt)
    out = _gamma_flat(key, lax.reshape(a, (n,)), log_space)
    return lax.reshape(out, shape)


def gamma(key: Any, a: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Standard gamma samples with shape parameter ``a`` (unit scale)."""
    key = _check_key("gamma", key)
    dt = _float_dtype(dtype, "gamma")
    if shape is not None:
        shape = _canonicalize_shape(shape)
    return _gamma(key, a, shape, dt)


def loggamma(key: Any, a: Any, shape: Any = None, dtype: Any = None) -> Any:
    """log of gamma samples, computed in log space (accurate for small ``a``)."""
    key = _check_key("loggamma", key)
    dt = _float_dtype(dtype, "gamma")
    if shape is not None:
        shape = _canonicalize_shape(shape)
    return _gamma(key, a, shape, dt, log_space=True)


def beta(key: Any, a: Any, b: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Beta(a, b) samples, from two log-gamma samples."""
    key = _check_key("beta", key)
    dt = _float_dtype(dtype, "beta")
    _check_safe_cast("beta", dt, a, b)
    shape = _check_broadcast_shapes("beta", shape, a, b)
    a = _bcast(_convert(a, dt), shape)
    b = _bcast(_convert(b, dt), shape)
    key_a, key_b = _split_list(key, 2)
    log_gamma_a = _gamma(key_a, a, shape, dt, log_space=True)
    log_gamma_b = _gamma(key_b, b, shape, dt, log_space=True)
    log_max = lax.max(log_gamma_a, log_gamma_b)
    ga = lax.exp(lax.sub(log_gamma_a, log_max))
    gb = lax.exp(lax.sub(log_gamma_b, log_max))
    return lax.div(ga, lax.add(ga, gb))


def dirichlet(key: Any, alpha: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Dirichlet samples with concentration ``alpha`` (last axis), via a softmax of log-gammas."""
    key = _check_key("dirichlet", key)
    dt = _float_dtype(dtype, "dirichlet")
    if shape is not None:
        shape = _canonicalize_shape(shape)
    ashape = _arg_shape(alpha)
    if not len(ashape) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {len(ashape)}")
    if shape is None:
        shape = ashape[:-1]
    else:
        _check_shape("dirichlet", shape, ashape[:-1])
    alpha = _convert(alpha, dt)
    full_shape = tuple(shape) + ashape[-1:]
    log_g = _gamma(key, alpha, full_shape, dt, log_space=True)
    ax = len(full_shape) - 1
    m = lax.reduce_max(log_g, (ax,))
    unnorm = lax.exp(lax.sub(log_g, lax.broadcast_in_dim(m, full_shape, tuple(range(ax)))))
    total = lax.reduce_sum(unnorm, (ax,))
    return lax.div(unnorm, lax.broadcast_in_dim(total, full_shape, tuple(range(ax))))


def t(key: Any, df: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Student's t samples with ``df`` degrees of freedom."""
    key = _check_key("t", key)
    dt = _float_dtype(dtype, "t")
    shape = _check_broadcast_shapes("t", shape, df)
    _check_safe_cast("t", dt, df)
    df = _convert(df, dt)
    key_n, key_g = _split_list(key, 2)
    n = _normal_real(key_n, shape, dt)
    half_df = lax.div(df, _full(_shape(df), 2, dt))
    g = _gamma(key_g, half_df, shape, dt)
    return lax.mul(n, lax.sqrt(lax.div(_bcast(half_df, shape), g)))


def chisquare(key: Any, df: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Chi-square samples with ``df`` degrees of freedom."""
    key = _check_key("chisquare", key)
    dt = _float_dtype(dtype, "chisquare")
    shape = _check_broadcast_shapes("chisquare", shape, df)
    _check_safe_cast("chisquare", dt, df)
    return _chisquare(key, df, shape, dt)


def _chisquare(key: Any, df: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    df = _convert(df, dt)
    half_df = lax.div(df, _full(_shape(df), 2, dt))
    log_g = _gamma(key, half_df, shape, dt, log_space=True)
    return lax.mul(lax.exp(log_g), _full(shape, 2, dt))


def f(key: Any, dfnum: Any, dfden: Any, shape: Any = None, dtype: Any = None) -> Any:
    """F-distribution samples."""
    key = _check_key("f", key)
    dt = _float_dtype(dtype, "f")
    shape = _check_broadcast_shapes("f", shape, dfnum, dfden)
    _check_safe_cast("f", dt, dfnum, dfden)
    dfden = _convert(dfden, dt)
    dfnum = _convert(dfnum, dt)
    key_dfd, key_dfn = _split_list(key, 2)
    chi2_dfn = _chisquare(key_dfn, dfnum, shape, dt)
    chi2_dfd = _chisquare(key_dfd, dfden, shape, dt)
    num = lax.div(chi2_dfn, _bcast(dfnum, shape))
    den = lax.div(chi2_dfd, _bcast(dfden, shape))
    return lax.div(num, den)


def generalized_normal(key: Any, p: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Generalized normal samples (density proportional to exp(-|x|^p))."""
    shape = _canonicalize_shape(shape)
    key = _check_key("generalized_normal", key)
    dt = _float_dtype(dtype, "generalized_normal")
    return _generalized_normal(key, p, shape, dt)


def _generalized_normal(key: Any, p: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    k0, k1 = _split_list(key, 2)
    p = _convert(p, dt)
    inv_p = lax.div(_full(_shape(p), 1, dt), p)
    g = _gamma(k0, inv_p, shape, dt)
    r = rademacher(_to_array(k1), shape, dt)
    return lax.mul(r, lax.pow(g, _bcast(inv_p, shape)))


def ball(key: Any, d: int, p: float = 2, shape: Any = (), dtype: Any = None) -> Any:
    """Uniform samples from the unit Lp ball in ``d`` dimensions: shape ``(*shape, d)``."""
    shape = _canonicalize_shape(shape)
    key = _check_key("ball", key)
    dt = _float_dtype(dtype, "ball")
    d = operator.index(d)
    k1, k2 = _split_list(key, 2)
    g = _generalized_normal(k1, p, shape + (d,), dt)
    e = _exponential(k2, shape, dt)
    pp = _convert(p, dt)
    full_shape = shape + (d,)
    s = lax.reduce_sum(lax.pow(lax.abs(g), _bcast(pp, full_shape)), (len(shape),))
    inv_p = lax.div(_full(_shape(pp), 1, dt), pp)
    r = lax.pow(lax.add(s, e), _bcast(inv_p, shape))
    return lax.div(g, lax.broadcast_in_dim(r, full_shape, tuple(range(len(shape)))))


def orthogonal(key: Any, n: int, shape: Any = (), dtype: Any = None, m: int | None = None) -> Any:
    """A random (semi-)orthogonal ``n x m`` matrix (Haar measure), batched by ``shape``."""
    shape = _canonicalize_shape(shape)
    key = _check_key("orthogonal", key)
    dt = _user_dtype(dtype, float, "orthogonal")
    n = operator.index(n)
    mm = n if m is None else operator.index(m)
    rows, cols = max(n, mm), min(n, mm)
    z = _normal(key, shape + (rows, cols), dt)
    q, r = _linalg("orthogonal").qr(z, full_matrices=False)
    nd = len(shape)
    diag = _diagonal(r, nd)
    sign = lax.sign(diag)
    x = lax.mul(q, lax.broadcast_in_dim(sign, shape + (rows, cols), tuple(range(nd)) + (nd + 1,)))
    if n < mm:
        perm = tuple(range(nd)) + (nd + 1, nd)
        return lax.transpose(x, perm)
    return x


def _linalg(name: str) -> Any:
    linalg = getattr(lax, "linalg", None)
    if linalg is None:
        raise NotImplementedError(f"random.{name} needs the linear algebra primitives of lax.linalg, "
                                  "which are not available")
    return linalg


def _diagonal(r: Any, nd: int) -> Any:
    """The diagonal of the trailing square matrices of ``r``."""
    shape = _shape(r)
    k = shape[-1]
    eye = lax.eq(lax.broadcasted_iota(np.int32, (k, k), 0), lax.broadcasted_iota(np.int32, (k, k), 1))
    sq = lax.slice(r, (0,) * len(shape), shape[:-2] + (k, k))
    masked = lax.select(lax.broadcast_in_dim(eye, shape[:-2] + (k, k), (nd, nd + 1)), sq,
                        _full(shape[:-2] + (k, k), 0, _dtype(r)))
    return lax.reduce_sum(masked, (nd + 1,))


def multivariate_normal(key: Any, mean: Any, cov: Any, shape: Any = None, dtype: Any = None,
                        method: str = "cholesky") -> Any:
    """Multivariate normal samples ``mean + factor @ z`` with ``cov = factor @ factor.T``."""
    key = _check_key("multivariate_normal", key)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    mean = _inexact_operand(mean)
    cov = _inexact_operand(cov)
    from jax_core.array_methods import promote_dtypes
    mean, cov = promote_dtypes(mean, cov)
    dt = _dtype(mean) if dtype is None else _user_dtype(dtype, None, "multivariate_normal")
    if not dtypes.issubdtype(dt, np.floating):
        raise ValueError(f"dtype argument to `multivariate_normal` must be a float dtype, got {dt}")
    mshape, cshape = _shape(mean), _shape(cov)
    if not len(mshape) >= 1:
        raise ValueError(f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == {len(mshape)}")
    if not len(cshape) >= 2:
        raise ValueError(f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {len(cshape)}")
    nn = mshape[-1]
    if cshape[-2:] != (nn, nn):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={nn}, but got "
                         f"cov.shape == {cshape}.")
    if shape is None:
        shape = _broadcast_shapes("multivariate_normal", mshape[:-1], cshape[:-2])
    else:
        shape = _canonicalize_shape(shape)
        _check_shape("normal", shape, mshape[:-1], cshape[:-2])
    if method == "cholesky":
        factor = _linalg("multivariate_normal").cholesky(cov)
    elif method == "eigh":
        v, w = _linalg("multivariate_normal").eigh(cov)
        factor = lax.mul(v, _bcast(lax.reshape(lax.sqrt(w), _shape(w)[:-1] + (1, nn)), _shape(v)))
    else:
        u, s, _ = _linalg("multivariate_normal").svd(cov)
        factor = lax.mul(u, _bcast(lax.reshape(lax.sqrt(s), _shape(s)[:-1] + (1, nn)), _shape(u)))
    z = _normal_real(key, tuple(shape) + (nn,), dt)
    out_batch = tuple(shape)
    fb = _bcast(lax.convert_element_type(factor, dt), out_batch + (nn, nn))
    nb = len(out_batch)
    prod = lax.dot_general(fb, z, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))
    return lax.add(_bcast(lax.convert_element_type(mean, dt), out_batch + (nn,)), prod)


# ===========================================================================
# Poisson (Knuth for small rates, Hormann's transformed rejection otherwise)


def _poisson_knuth(key: Any, lam: Any, shape: tuple[int, ...], dtype: np.dtype, max_iters: int) -> Any:
    lf = _dtype(lam)
    neg_lam = lax.neg(lam)

    def cond(s: tuple) -> Any:
        i, _, _, log_prod = s
        return lax.bitwise_and(_any(lax.gt(log_prod, neg_lam)), lax.lt(i, _full((), max_iters, np.int32)))

    def body(s: tuple) -> tuple:
        i, k, rng, log_prod = s
        rng, subkey = _split_list(rng, 2)
        k = lax.select(lax.gt(log_prod, neg_lam), lax.add(k, _full(shape, 1, dtype)), k)
        u = _uniform(subkey, shape, np.dtype(np.float32))
        return (lax.add(i, _full((), 1, np.int32)), k, _to_array(rng), lax.add(log_prod, lax.log(u)))

    init = (_full((), 0, np.int32), _full(shape, 0, dtype), _to_array(key), _full(shape, 0, lf))
    k = _loop(cond, body, init)[1]
    return lax.sub(k, _full(shape, 1, dtype))


def _poisson_rejection(key: Any, lam: Any, shape: tuple[int, ...], dtype: np.dtype, max_iters: int) -> Any:
    lf = _dtype(lam)

    def c(v: float) -> Any:
        return _full(shape, v, lf)

    log_lam = lax.log(lam)
    b = lax.add(c(0.931), lax.mul(c(2.53), lax.sqrt(lam)))
    a = lax.add(c(-0.059), lax.mul(c(0.02483), b))
    inv_alpha = lax.add(c(1.1239), lax.div(c(1.1328), lax.sub(b, c(3.4))))
    v_r = lax.sub(c(0.9277), lax.div(c(3.6224), lax.sub(b, c(2))))

    def cond(s: tuple) -> Any:
        i, _, accepted, _ = s
        return lax.bitwise_and(_any(lax.bitwise_not(accepted)), lax.lt(i, _full((), max_iters, np.int32)))

    def body(s: tuple) -> tuple:
        i, k_out, accepted, rng = s
        rng, sk0, sk1 = _split_list(rng, 3)
        u = lax.sub(_uniform(sk0, shape, lf), c(0.5))
        v = _uniform(sk1, shape, lf)
        u_shifted = lax.sub(c(0.5), lax.abs(u))
        k = lax.floor(lax.add(lax.add(lax.mul(lax.add(lax.div(lax.mul(c(2), a), u_shifted), b), u), lam),
                              c(0.43)))
        s_ = lax.log(lax.div(lax.mul(v, inv_alpha),
                             lax.add(lax.div(a, lax.mul(u_shifted, u_shifted)), b)))
        t_ = lax.sub(lax.add(lax.neg(lam), lax.mul(k, log_lam)), lax.lgamma(lax.add(k, c(1))))
        accept1 = lax.bitwise_and(lax.ge(u_shifted, c(0.07)), lax.le(v, v_r))
        reject = lax.bitwise_or(lax.lt(k, c(0)),
                                lax.bitwise_and(lax.lt(u_shifted, c(0.013)), lax.gt(v, u_shifted)))
        accept2 = lax.le(s_, t_)
        accept = lax.bitwise_or(accept1, lax.bitwise_and(lax.bitwise_not(reject), accept2))
        k_out = lax.select(accept, k, k_out)
        accepted = lax.bitwise_or(accepted, accept)
        return (lax.add(i, _full((), 1, np.int32)), k_out, accepted, _to_array(rng))

    init = (_full((), 0, np.int32), c(-1), _full(shape, False, np.bool_), _to_array(key))
    k = _loop(cond, body, init)[1]
    return lax.convert_element_type(k, dtype)


def poisson(key: Any, lam: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Poisson samples with rate ``lam`` (Knuth's algorithm below 10, transformed rejection above)."""
    key = _check_key("poisson", key)
    dt = _user_dtype(dtype, int, "poisson")
    if not dtypes.issubdtype(dt, np.integer):
        raise ValueError(f"dtype argument to `poisson` must be an int dtype, got {dt}")
    if shape is not None:
        shape = _canonicalize_shape(shape)
    else:
        shape = _arg_shape(lam)
    lam = _as_operand(lam)
    _check_shape("poisson", shape, _shape(lam))
    lam = lax.convert_element_type(_bcast(lam, shape), np.float32)
    f32 = np.dtype(np.float32)
    use_knuth = lax.bitwise_or(lax.ne(lam, lam), lax.lt(lam, _full(shape, 10, f32)))
    lam_knuth = lax.select(use_knuth, lam, _full(shape, 0.0, f32))
    lam_rejection = lax.select(use_knuth, _full(shape, 1e5, f32), lam)
    # JAX bounds the loops by the dtype's max; a 32-bit counter is plenty
    max_iters = min(int(dtypes.iinfo(dt).max), 2 ** 31 - 1)
    result = lax.select(use_knuth,
                        _poisson_knuth(key, lam_knuth, shape, dt, max_iters),
                        _poisson_rejection(key, lam_rejection, shape, dt, max_iters))
    return lax.select(lax.eq(lam, _full(shape, 0, f32)), _full(shape, 0, dt), result)
