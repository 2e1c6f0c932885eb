"""Python operators and basic methods shared by ``Array`` and every ``Tracer``.

Operators follow jax.numpy semantics: NumPy broadcasting and JAX's type
promotion, built from lax primitives.  On host ``Array`` operands outside of
any transformation a fast path calls NumPy directly when that provably gives
the same answer (same dtypes, or a Python scalar that keeps the array's
dtype); everything else goes through the primitives.

jax-numpy registers more methods (``x.sum()``, advanced indexing, ``.at``)
through :func:`register_method`.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from jax_core import dtypes
from jax_core import lax
from jax_core.core import Array, Tracer, eval_trace, get_aval, trace_state

_scalar_types = (bool, int, float, complex)


# ---------------------------------------------------------------------------
# promotion and broadcasting (also used by jax-numpy)


def promote_dtypes(*args: Any) -> list:
    """Convert all arguments to their JAX result type (weak if all were weak)."""
    if len(args) < 2:
        return list(args)
    to_dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)  # type: ignore[misc]
    return [lax.convert_element_type(a, to_dtype, weak) for a in args]


def broadcast_shapes_of(name: str, *shapes: tuple) -> tuple:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(
            f"{name}: incompatible shapes for broadcasting: "
            + ", ".join(str(tuple(s)) for s in shapes)) from None


def broadcast_arrays(name: str, *args: Any) -> list:
    shapes = [get_aval(a).shape for a in args]
    if all(s == shapes[0] for s in shapes):
        return list(args)
    out_shape = broadcast_shapes_of(name, *shapes)
    out = []
    for a, s in zip(args, shapes):
        if s == out_shape:
            out.append(a)
        else:
            nlead = len(out_shape) - len(s)
            # drop size-1 dims that must grow, keeping broadcast_in_dim's rules simple
            out.append(lax.broadcast_in_dim(a, out_shape, tuple(range(nlead, len(out_shape)))))
    return out


def promote_args(name: str, *args: Any) -> list:
    return broadcast_arrays(name, *promote_dtypes(*args))


# ---------------------------------------------------------------------------
# the fast eager path


def _host(x: Any) -> Any:
    """NumPy value of ``x`` if it can take the NumPy fast path, else None."""
    if type(x) is Array and x._npy is not None and x._device_buf is None:
        return x._npy
    return None


def _fast_binary(np_fn: Callable, x: Any, y: Any, bool_out: bool = False,
                 float_only: bool = False) -> Any:
    """NumPy fast path, or None if the general path is needed."""
    if trace_state.trace is not eval_trace:
        return None
    xv = _host(x)
    if xv is None or (float_only and xv.dtype.kind not in "fc"):
        return None
    ty = type(y)
    if ty is Array:
        yv = _host(y)
        if yv is None or yv.dtype != xv.dtype:
            return None
        weak = x.weak_type and y.weak_type
    elif (ty is float and xv.dtype.kind in "fc") or (ty is int and xv.dtype.kind in "fciu" and xv.dtype.kind != "b"):
        if ty is int and xv.dtype.kind in "iu":
            info = np.iinfo(xv.dtype)
            if not info.min <= y <= info.max:
                return None
        yv = y
        weak = x.weak_type
    else:
        return None
    out = np_fn(xv, yv)
    if type(out) is not np.ndarray:  # 0-d operands give NumPy scalars; Arrays hold ndarrays
        out = np.asarray(out)
    if bool_out:
        return Array._from_numpy(out, False)
    if out.dtype != xv.dtype:  # e.g. NumPy upcasting a float16 corner; stay exact
        return None
    return Array._from_numpy(out, weak)


# ---------------------------------------------------------------------------
# operator implementations (general path)


def _binop(lax_fn: Callable, name: str) -> Callable[[Any, Any], Any]:
    def op(x: Any, y: Any) -> Any:
        # same type on both sides (the common case under jit/grad/vmap): no promotion needed
        ax = getattr(x, "aval", None)
        if ax is not None:
            ay = getattr(y, "aval", None)
            if ay is not None and ax.dtype == ay.dtype and ax.shape == ay.shape and ax.weak_type == ay.weak_type:
                return lax_fn(x, y)
        x, y = promote_args(name, x, y)
        return lax_fn(x, y)

    op.__name__ = name
    return op


def _check_other(other: Any) -> bool:
    return isinstance(other, (Array, Tracer, np.ndarray, np.generic) + _scalar_types)


def true_divide(x: Any, y: Any) -> Any:
    x, y = promote_dtypes(x, y)
    d = get_aval(x).dtype
    if d.kind in "iub":
        fd = dtypes.default_float_dtype()
        x = lax.convert_element_type(x, fd)
        y = lax.convert_element_type(y, fd)
    x, y = broadcast_arrays("true_divide", x, y)
    return lax.div(x, y)


def floor_divide(x: Any, y: Any) -> Any:
    x, y = promote_args("floor_divide", x, y)
    d = get_aval(x).dtype
    if d.kind in "iu":
        q = lax.div(x, y)
        if d.kind == "u":
            return q
        zero = lax.full_like(x, 0)
        r = lax.rem(x, y)
        # C division truncates; floor when the signs differ and there is a remainder
        adjust = lax.bitwise_and(lax.ne(r, zero), lax.ne(lax.lt(x, zero), lax.lt(y, zero)))
        return lax.select(adjust, lax.sub(q, lax.full_like(q, 1)), q)
    if d.kind == "b":
        raise TypeError("floor_divide is not defined for boolean arrays")
    return lax.floor(lax.div(x, y))


def remainder(x: Any, y: Any) -> Any:
    x, y = promote_args("remainder", x, y)
    d = get_aval(x).dtype
    if d.kind == "b":
        raise TypeError("remainder is not defined for boolean arrays")
    r = lax.rem(x, y)
    if d.kind == "u":
        return r
    zero = lax.full_like(r, 0)
    # Python semantics: the result takes the sign of the divisor
    adjust = lax.bitwise_and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(y, zero)))
    return lax.select(adjust, lax.add(r, y), r)


def power(x: Any, y: Any) -> Any:
    if isinstance(y, int) and not isinstance(y, bool) and not isinstance(x, _scalar_types):
        return lax.integer_pow(x, y)
    x, y = promote_args("power", x, y)
    d = get_aval(x).dtype
    if d.kind in "iu":
        # integer ** integer array: repeated squaring over the bits of y
        return _integer_power(x, y)
    return lax.pow(x, y)


def _integer_power(x: Any, y: Any) -> Any:
    acc = lax.full_like(x, 1)
    base = x
    e = y
    for _ in range(8 * get_aval(y).dtype.itemsize):
        bit = lax.ne(lax.bitwise_and(e, lax.full_like(e, 1)), lax.full_like(e, 0))
        acc = lax.select(bit, lax.mul(acc, base), acc)
        base = lax.mul(base, base)
        e = lax.shift_right_logical(e, lax.full_like(e, 1))
    return lax.select(lax.lt(y, lax.full_like(y, 0)), lax.full_like(x, 0), acc)


def matmul(a: Any, b: Any) -> Any:
    a, b = promote_dtypes(a, b)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if not sa or not sb:
        raise ValueError(f"matmul: operands must not be scalars, got shapes {sa} and {sb}")
    a_vec, b_vec = len(sa) == 1, len(sb) == 1
    if a_vec:
        a = lax.expand_dims(a, (0,))
    if b_vec:
        b = lax.expand_dims(b, (1,))
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if sa[-1] != sb[-2]:
        raise ValueError(f"matmul: contracting dimensions differ: shapes {tuple(get_aval(a).shape)} "
                         f"and {tuple(get_aval(b).shape)} ({sa[-1]} != {sb[-2]})")
    batch = broadcast_shapes_of("matmul", sa[:-2], sb[:-2])
    nb = len(batch)
    a = lax.broadcast_in_dim(a, batch + sa[-2:], tuple(range(nb - (len(sa) - 2), nb + 2))) if sa[:-2] != batch else a
    b = lax.broadcast_in_dim(b, batch + sb[-2:], tuple(range(nb - (len(sb) - 2), nb + 2))) if sb[:-2] != batch else b
    out = lax.dot_general(a, b, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))
    if a_vec:
        out = lax.squeeze(out, (nb,))
    if b_vec:
        out = lax.squeeze(out, (get_aval(out).ndim - 1,))
    return out


# ---------------------------------------------------------------------------
# basic indexing: int, slice, None, Ellipsis


def _is_basic_index(idx: Any) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if i is None or i is Ellipsis or isinstance(i, slice) or (isinstance(i, (int, np.integer)) and not isinstance(i, bool)):
            continue
        return False
    return True


def getitem(x: Any, idx: Any) -> Any:
    if _is_basic_index(idx):
        xv = _host(x)
        if xv is not None and trace_state.trace is eval_trace:
            out = xv[idx]
            return Array._from_numpy(np.asarray(out), x.weak_type)
        return _basic_getitem(x, idx)
    if _advanced_getitem is not None:
        return _advanced_getitem(x, idx)
    raise TypeError(
        f"Index {idx!r} uses advanced indexing (integer or boolean arrays, or traced "
        "indices), which needs jax-numpy; install jax-numpy (or `jax`).")


_advanced_getitem: Callable[[Any, Any], Any] | None = None


def _basic_getitem(x: Any, idx: Any) -> Any:
    shape = get_aval(x).shape
    items = list(idx) if isinstance(idx, tuple) else [idx]
    n_ell = sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    n_real = sum(1 for i in items if i is not None and i is not Ellipsis)
    if n_real > len(shape):
        raise IndexError(f"Too many indices for array: {n_real} non-None/Ellipsis indices for "
                         f"dim {len(shape)}.")
    if n_ell:
        k = items.index(Ellipsis)
        items[k:k + 1] = [slice(None)] * (len(shape) - n_real)
    else:
        items += [slice(None)] * (len(shape) - n_real)
    starts, limits, strides, squeeze_dims, reverse_dims, new_axes = [], [], [], [], [], []
    dim = 0
    out_pos = 0
    for it in items:
        if it is None:
            new_axes.append(out_pos)
            out_pos += 1
            continue
        size = shape[dim]
        if isinstance(it, slice):
            start, stop, step = it.indices(size)
            if step > 0:
                n = max(0, -(-(stop - start) // step))
                starts.append(start)
                limits.append(start + (n - 1) * step + 1 if n else start)
                strides.append(step)
            else:
                n = max(0, -(-(start - stop) // -step))
                # reverse the dim, then take a forward slice
                rstart = size - 1 - start
                reverse_dims.append(dim)
                starts.append(rstart)
                limits.append(rstart + (n - 1) * (-step) + 1 if n else rstart)
                strides.append(-step)
            out_pos += 1
        else:
            i = int(it)
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for axis {dim} with size {size}")
            i %= size
            starts.append(i)
            limits.append(i + 1)
            strides.append(1)
            squeeze_dims.append(dim)
        dim += 1
    y = x
    if reverse_dims:
        y = lax.rev(y, tuple(reverse_dims))
    if tuple(starts) != (0,) * len(shape) or tuple(limits) != tuple(shape) or any(s != 1 for s in strides):
        y = lax.slice(y, tuple(starts), tuple(limits), tuple(strides))
    if squeeze_dims:
        y = lax.squeeze(y, tuple(squeeze_dims))
    if new_axes:
        y = lax.expand_dims(y, tuple(new_axes))
    return y


# ---------------------------------------------------------------------------
# attaching the methods


def _astype(x: Any, dtype: Any) -> Any:
    dtypes.check_user_dtype_supported(dtype, "astype")
    return lax.convert_element_type(x, dtype)


def _reshape(x: Any, *shape: Any, order: str = "C") -> Any:
    if order != "C":
        raise NotImplementedError("only order='C' reshapes are supported")
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    size = get_aval(x).size
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension (-1) in reshape")
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if int(np.prod(shape, dtype=np.int64)) != size:
        raise ValueError(f"cannot reshape array of shape {get_aval(x).shape} (size {size}) into shape {shape}")
    return lax.reshape(x, shape)


def _transpose(x: Any, *axes: Any) -> Any:
    nd = get_aval(x).ndim
    if not axes or axes == (None,):
        perm = tuple(reversed(range(nd)))
    elif len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        perm = tuple(a % nd for a in axes[0])
    else:
        perm = tuple(a % nd for a in axes)
    return lax.transpose(x, perm)


def _flatten(x: Any) -> Any:
    return lax.reshape(x, (get_aval(x).size,))


def _bool_op(lax_name: str) -> Callable:
    def op(x: Any, y: Any) -> Any:
        x, y = promote_args(lax_name, x, y)
        if get_aval(x).dtype.kind not in "biu":
            raise TypeError(f"{lax_name} requires integer or boolean operands, got "
                            f"{get_aval(x).dtype.name}")
        return getattr(lax, lax_name)(x, y)

    return op


def _make_binary(np_fn: Callable | None, general: Callable, reflected: bool = False,
                 bool_out: bool = False, float_only: bool = False) -> Callable:
    """An operator method: NumPy fast path when exact (np_fn None: never), else ``general``."""
    if reflected:
        def rop(self: Any, other: Any) -> Any:
            if not _check_other(other):
                return NotImplemented
            if np_fn is not None:
                r = _fast_binary(lambda a, b: np_fn(b, a), self, other, bool_out, float_only)
                if r is not None:
                    return r
            return general(other, self)

        return rop

    new_array = object.__new__
    ndarray = np.ndarray

    def op(self: Any, other: Any) -> Any:
        # the hottest eager path, inlined: two host Arrays of one dtype, no transformation
        if (np_fn is not None and type(other) is Array and type(self) is Array
                and trace_state.trace is eval_trace):
            xv = self._npy
            yv = other._npy
            if (xv is not None and yv is not None and self._device_buf is None and other._device_buf is None
                    and xv.dtype == yv.dtype and (not float_only or xv.dtype.kind in "fc")):
                try:
                    out = np_fn(xv, yv)
                except (ValueError, TypeError):  # bad shapes or dtype: the general path explains
                    return general(self, other)
                if type(out) is not ndarray:
                    out = np.asarray(out)
                if not bool_out and out.dtype != xv.dtype:
                    return general(self, other)
                r = new_array(Array)
                r._npy = out
                r._device_buf = None
                r.weak_type = False if bool_out else (self.weak_type and other.weak_type)
                return r
        if not _check_other(other):
            return NotImplemented
        if np_fn is not None:
            r = _fast_binary(np_fn, self, other, bool_out, float_only)
            if r is not None:
                return r
        return general(self, other)

    return op


def _unary(np_fn: Callable, general: Callable, kinds: str) -> Callable:
    def op(self: Any) -> Any:
        if trace_state.trace is eval_trace:
            xv = _host(self)
            if xv is not None and xv.dtype.kind in kinds:
                return Array._from_numpy(np.asarray(np_fn(xv)), self.weak_type)
        return general(self)

    return op


def _pos(x: Any) -> Any:
    return x


def _invert(x: Any) -> Any:
    if get_aval(x).dtype.kind not in "biu":
        raise TypeError(f"unary ~ requires an integer or boolean operand, got {get_aval(x).dtype.name}")
    return lax.bitwise_not(x)


def _round(x: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return int(concrete_scalar(x))
    return Array._from_numpy(np.round(np.asarray(x), ndigits))


def concrete_scalar(x: Any) -> Any:
    return x.__index__() if get_aval(x).dtype.kind in "iub" else float(x)


_methods: dict[str, Callable] = {}


def register_method(name: str, fn: Callable, *, prop: bool = False) -> None:
    """Attach ``fn`` as a method (or property) of Array and of Tracer."""
    attr: Any = property(fn) if prop else fn
    setattr(Array, name, attr)
    setattr(Tracer, name, attr)
    _methods[name] = fn


_add = _binop(lax.add, "add")
_sub = _binop(lax.sub, "subtract")
_mul = _binop(lax.mul, "multiply")
_eq = _binop(lax.eq, "equal")
_ne = _binop(lax.ne, "not_equal")
_lt = _binop(lax.lt, "less")
_le = _binop(lax.le, "less_equal")
_gt = _binop(lax.gt, "greater")
_ge = _binop(lax.ge, "greater_equal")
_and = _bool_op("bitwise_and")
_or = _bool_op("bitwise_or")
_xor = _bool_op("bitwise_xor")


def _lshift(x: Any, y: Any) -> Any:
    x, y = promote_args("left_shift", x, y)
    return lax.shift_left(x, y)


def _rshift(x: Any, y: Any) -> Any:
    x, y = promote_args("right_shift", x, y)
    if get_aval(x).dtype.kind == "u":
        return lax.shift_right_logical(x, y)
    return lax.shift_right_arithmetic(x, y)


def _divmod(x: Any, y: Any) -> tuple:
    return floor_divide(x, y), remainder(x, y)


def _install() -> None:
    binary = {
        "add": (np.add, _add, False), "sub": (np.subtract, _sub, False), "mul": (np.multiply, _mul, False),
        "truediv": (np.true_divide, true_divide, False), "floordiv": (np.floor_divide, floor_divide, False),
        "mod": (np.remainder, remainder, False), "pow": (np.power, power, False),
        "matmul": (np.matmul, matmul, False),
        "and": (np.bitwise_and, _and, False), "or": (np.bitwise_or, _or, False), "xor": (np.bitwise_xor, _xor, False),
        "lshift": (np.left_shift, _lshift, False), "rshift": (np.right_shift, _rshift, False),
    }
    for name, (np_fn, general, _) in binary.items():
        fast_ok = name not in ("truediv", "pow", "matmul", "floordiv", "mod", "lshift", "rshift")
        f_np = np_fn if fast_ok else None
        register_method(f"__{name}__", _make_binary(f_np, general))
        register_method(f"__r{name}__", _make_binary(f_np, general, reflected=True))
    # true division is exact on the fast path for floating operands
    register_method("__truediv__", _make_binary(np.true_divide, true_divide, float_only=True))
    register_method("__rtruediv__", _make_binary(np.true_divide, true_divide, reflected=True, float_only=True))
    for name, np_fn, general in [("eq", np.equal, _eq), ("ne", np.not_equal, _ne), ("lt", np.less, _lt),
                                 ("le", np.less_equal, _le), ("gt", np.greater, _gt), ("ge", np.greater_equal, _ge)]:
        register_method(f"__{name}__", _make_binary(np_fn, general, bool_out=True))
    register_method("__neg__", _unary(np.negative, lambda x: lax.neg(x), "iufc"))
    register_method("__pos__", _pos)
    register_method("__abs__", _unary(np.abs, lambda x: lax.abs(x), "iuf"))
    register_method("__invert__", _invert)
    register_method("__divmod__", _divmod)
    register_method("__rdivmod__", lambda x, y: _divmod(y, x))
    register_method("__getitem__", getitem)
    register_method("__round__", _round)
    register_method("astype", _astype)
    register_method("reshape", _reshape)
    register_method("transpose", _transpose)
    register_method("flatten", _flatten)
    register_method("ravel", _flatten)
    register_method("T", _transpose, prop=True)
    register_method("real", lambda x: lax.real(x) if get_aval(x).dtype.kind == "c" else x, prop=True)
    register_method("imag", lambda x: lax.imag(x) if get_aval(x).dtype.kind == "c" else lax.full_like(x, 0), prop=True)
    register_method("conj", lambda x: lax.conj(x) if get_aval(x).dtype.kind == "c" else x)
    register_method("squeeze", lambda x, axis=None: lax.squeeze(
        x, tuple(i for i, s in enumerate(get_aval(x).shape) if s == 1) if axis is None
        else ((axis,) if isinstance(axis, int) else tuple(axis))))


_install()
