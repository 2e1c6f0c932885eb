"""Products and contractions: dot, vdot, matmul, inner, outer, tensordot, einsum
(paths from opt_einsum), kron, trace, cross, vecdot, matvec, vecmat."""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np
import opt_einsum

from jax_core import dtypes, lax
from jax_core import array_methods as _am
from jax_core.core import Array, eval_trace, get_aval, trace_state
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = ["dot", "vdot", "matmul", "inner", "outer", "tensordot", "einsum", "einsum_path", "kron",
           "trace", "cross", "vecdot", "matvec", "vecmat"]

_new = object.__new__
_BLAS_FAST = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _pet(preferred_element_type: Any) -> Any:
    if preferred_element_type is None:
        return None
    return dtypes.canonicalize_dtype(dtypes.dtype(preferred_element_type))


def _bool_or(x: Any) -> Any:
    return x


def dot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    if type(a) is Array and type(b) is Array and trace_state.trace is eval_trace:
        av, bv = a._npy, b._npy
        if av is not None and bv is not None and preferred_element_type is None \
                and a._device_buf is None and b._device_buf is None:
            dt = av.dtype
            if (dt is bv.dtype or dt == bv.dtype) and dt in _BLAS_FAST and 0 < av.ndim <= 2 \
                    and 0 < bv.ndim <= 2:
                if av.shape[-1] != bv.shape[0]:
                    _dot_shape_error(av.shape, bv.shape, av.ndim - 1, 0)
                out = av.dot(bv)
                if type(out) is not np.ndarray:
                    out = np.asarray(out)
                r = _new(Array)
                r._npy = out
                r._device_buf = None
                r.weak_type = a.weak_type and b.weak_type
                return r
    check_arraylike("dot", a, b)
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    pet = _pet(preferred_element_type)
    na, nb = _util.ndim(a), _util.ndim(b)
    if na == 0 or nb == 0:
        out = lax.mul(*_util.broadcast_arrays("dot", a, b)) if _dt(a) != np.bool_ else \
            lax.bitwise_and(*_util.broadcast_arrays("dot", a, b))
        return lax.convert_element_type(out, pet) if pet is not None else out
    cb = 0 if nb == 1 else nb - 2
    if _shape(a)[-1] != _shape(b)[cb]:
        _dot_shape_error(_shape(a), _shape(b), na - 1, cb)
    return lax.dot_general(a, b, (((na - 1,), (cb,)), ((), ())), precision=precision,
                           preferred_element_type=pet)


def _dot_shape_error(sa: tuple, sb: tuple, ia: int, ib: int) -> None:
    raise TypeError(f"dot: shapes {tuple(sa)} and {tuple(sb)} not aligned: {sa[ia]} (dim {ia}) != "
                    f"{sb[ib]} (dim {ib})")


def matmul(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    if type(a) is Array and type(b) is Array and preferred_element_type is None \
            and trace_state.trace is eval_trace and a._device_buf is None and b._device_buf is None:
        av, bv = a._npy, b._npy
        if av is not None and bv is not None and av.dtype == bv.dtype and av.dtype in _BLAS_FAST \
                and av.ndim >= 1 and bv.ndim >= 1 and av.ndim <= 2 and bv.ndim <= 2:
            if av.shape[-1] != bv.shape[0]:
                raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0: "
                                 f"shapes {av.shape} and {bv.shape} ({av.shape[-1]} != {bv.shape[0]})")
            out = np.matmul(av, bv)
            return Array._from_numpy(out if type(out) is np.ndarray else np.asarray(out),
                                     a.weak_type and b.weak_type)
    check_arraylike("matmul", a, b)
    a, b = _asarray(a), _asarray(b)
    out = _am.matmul(a, b)
    pet = _pet(preferred_element_type)
    return lax.convert_element_type(out, pet) if pet is not None else out


def vdot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    check_arraylike("vdot", a, b)
    a, b = _asarray(a), _asarray(b)
    if _dt(a).kind == "c":
        a = lax.conj(a)
    return dot(lax.reshape(a, (get_aval(a).size,)), lax.reshape(b, (get_aval(b).size,)),
               precision=precision, preferred_element_type=preferred_element_type)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, precision: Any = None,
           preferred_element_type: Any = None) -> Any:
    check_arraylike("vecdot", x1, x2)
    x1, x2 = _util.promote_dtypes(_asarray(x1), _asarray(x2))
    s1, s2 = _shape(x1), _shape(x2)
    a1 = _util.canonicalize_axis(axis, len(s1))
    a2 = _util.canonicalize_axis(axis, len(s2))
    if s1[a1] != s2[a2]:
        raise ValueError(f"vecdot: axes must have equal sizes, got shapes {s1} and {s2} with "
                         f"axis={axis}")
    from jax_numpy.shape_ops import moveaxis

    x1 = moveaxis(x1, a1, -1)
    x2 = moveaxis(x2, a2, -1)
    if _dt(x1).kind == "c":
        x1 = lax.conj(x1)
    out = _am.matmul(lax.expand_dims(x1, (_util.ndim(x1) - 1,)), lax.expand_dims(x2, (_util.ndim(x2),)))
    out = lax.squeeze(out, (_util.ndim(out) - 2, _util.ndim(out) - 1))
    pet = _pet(preferred_element_type)
    return lax.convert_element_type(out, pet) if pet is not None else out


def matvec(x1: Any, x2: Any, /) -> Any:
    check_arraylike("matvec", x1, x2)
    x1, x2 = _asarray(x1), _asarray(x2)
    if _util.ndim(x1) < 2 or _util.ndim(x2) < 1:
        raise ValueError(f"matvec requires x1 of rank >= 2 and x2 of rank >= 1, got shapes "
                         f"{_shape(x1)} and {_shape(x2)}")
    out = _am.matmul(x1, lax.expand_dims(x2, (_util.ndim(x2),)))
    return lax.squeeze(out, (_util.ndim(out) - 1,))


def vecmat(x1: Any, x2: Any, /) -> Any:
    check_arraylike("vecmat", x1, x2)
    x1, x2 = _asarray(x1), _asarray(x2)
    if _util.ndim(x1) < 1 or _util.ndim(x2) < 2:
        raise ValueError(f"vecmat requires x1 of rank >= 1 and x2 of rank >= 2, got shapes "
                         f"{_shape(x1)} and {_shape(x2)}")
    if _dt(x1).kind == "c":
        x1 = lax.conj(x1)
    out = _am.matmul(lax.expand_dims(x1, (_util.ndim(x1) - 1,)), x2)
    return lax.squeeze(out, (_util.ndim(out) - 2,))


def inner(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    check_arraylike("inner", a, b)
    a, b = _asarray(a), _asarray(b)
    if _util.ndim(a) == 0 or _util.ndim(b) == 0:
        from jax_numpy.ufuncs import multiply

        return multiply(a, b)
    return tensordot(a, b, (-1, -1), precision=precision,
                     preferred_element_type=preferred_element_type)


def outer(a: Any, b: Any, out: None = None) -> Any:
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.outer is not supported.")
    check_arraylike("outer", a, b)
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    a = lax.reshape(a, (get_aval(a).size, 1))
    b = lax.reshape(b, (1, get_aval(b).size))
    a, b = _util.broadcast_arrays("outer", a, b)
    return lax.bitwise_and(a, b) if _dt(a) == np.bool_ else lax.mul(a, b)


def tensordot(a: Any, b: Any, axes: Any = 2, *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:
    check_arraylike("tensordot", a, b)
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    na, nb = _util.ndim(a), _util.ndim(b)
    if isinstance(axes, (int, np.integer)):
        k = int(axes)
        if k < 0 or k > builtins.min(na, nb):
            raise TypeError(f"Number of tensordot axes (axes {k}) exceeds input ranks ({na} and {nb})")
        ca = tuple(range(na - k, na))
        cb = tuple(range(k))
    elif isinstance(axes, (list, tuple)) and len(axes) == 2:
        ax_a, ax_b = axes
        ax_a = (ax_a,) if isinstance(ax_a, (int, np.integer)) else tuple(ax_a)
        ax_b = (ax_b,) if isinstance(ax_b, (int, np.integer)) else tuple(ax_b)
        if len(ax_a) != len(ax_b):
            raise TypeError(f"tensordot requires axes lists to have equal length, got {ax_a} and {ax_b}.")
        ca = tuple(_util.canonicalize_axis(i, na) for i in ax_a)
        cb = tuple(_util.canonicalize_axis(i, nb) for i in ax_b)
    else:
        raise TypeError(f"tensordot axes argument must be an int, a pair of ints, or a pair of "
                        f"lists/tuples of ints, got {axes!r}")
    for i, j in zip(ca, cb):
        if _shape(a)[i] != _shape(b)[j]:
            raise TypeError(f"tensordot: shape mismatch for sum: shapes {_shape(a)} and {_shape(b)} "
                            f"with axes {ca} and {cb} ({_shape(a)[i]} != {_shape(b)[j]})")
    return lax.dot_general(a, b, ((ca, cb), ((), ())), precision=precision,
                           preferred_element_type=_pet(preferred_element_type))


# ---------------------------------------------------------------------------
# einsum


def _interleaved_to_subscripts(args: tuple) -> tuple:
    """einsum(op0, sub0, op1, sub1, ..., [sublist_out]) -> (string, operands)."""
    if len(args) % 2 == 1:
        ops, subs, out = list(args[:-1:2]), list(args[1:-1:2]), args[-1]
    else:
        ops, subs, out = list(args[0::2]), list(args[1::2]), None
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def conv(sub: Sequence[Any]) -> str:
        s = ""
        for i in sub:
            if i is Ellipsis:
                s += "..."
            else:
                s += letters[int(i)]
        return s

    spec = ",".join(conv(s) for s in subs)
    if out is not None:
        spec += "->" + conv(out)
    return spec, ops


def einsum_path(subscripts: Any, *operands: Any, optimize: Any = "greedy") -> tuple:
    if not isinstance(subscripts, str):
        subscripts, ops = _interleaved_to_subscripts((subscripts,) + operands)
        operands = tuple(ops)
    shapes = [tuple(_shape(_asarray(o))) if not isinstance(o, (list, tuple)) else np.shape(o)
              for o in operands]
    opt = "greedy" if optimize is True or optimize == "auto" else optimize
    if opt is False:
        opt = [tuple(range(len(shapes)))]
    return opt_einsum.contract_path(subscripts, *shapes, shapes=True, optimize=opt)


def einsum(subscripts: Any, /, *operands: Any, out: None = None, optimize: Any = "auto",
           precision: Any = None, preferred_element_type: Any = None, _use_xeinsum: bool = False,
           _dot_general: Any = None) -> Any:
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.einsum is not supported.")
    if not isinstance(subscripts, str):
        subscripts, ops = _interleaved_to_subscripts((subscripts,) + operands)
        operands = tuple(ops)
    check_arraylike("einsum", *operands)
    arrs = _util.promote_dtypes(*[_asarray(o) for o in operands])
    arrs = [_asarray(a) for a in arrs]
    shapes = [tuple(_shape(a)) for a in arrs]
    if optimize is True or optimize == "auto":
        opt: Any = "greedy" if len(arrs) > 2 else True
    elif optimize is False:
        opt = [tuple(range(len(arrs)))] if len(arrs) > 1 else False
    else:
        opt = optimize
    try:
        _, contractions = opt_einsum.contract_path(subscripts, *shapes, shapes=True, optimize=opt,
                                                   einsum_call=True)
    except ValueError as err:
        raise ValueError(f"einsum: {err} (operand shapes: {', '.join(str(s) for s in shapes)})") from None
    pet = _pet(preferred_element_type)
    ops = list(arrs)
    for contract_inds, _, spec, _, _ in contractions:
        picked = [ops.pop(i) for i in contract_inds]
        ins, result = spec.split("->")
        in_subs = ins.split(",")
        if len(picked) == 1:
            ops.append(_einsum_unary(picked[0], in_subs[0], result))
        elif len(picked) == 2:
            ops.append(_einsum_pair(picked[0], in_subs[0], picked[1], in_subs[1], result, precision))
        else:  # pragma: no cover - opt_einsum contracts pairwise
            acc, acc_s = picked[0], in_subs[0]
            for p, s in zip(picked[1:], in_subs[1:]):
                keep = "".join(sorted(set(acc_s + s) & (set(result) | set("".join(in_subs)))))
                acc = _einsum_pair(acc, acc_s, p, s, keep, precision)
                acc_s = keep
            ops.append(_einsum_unary(acc, acc_s, result))
    (res,) = ops
    return lax.convert_element_type(res, pet) if pet is not None else res


def _take_diagonal(x: Any, subs: str) -> tuple:
    """Resolve repeated letters in one operand's subscripts by taking diagonals."""
    while True:
        dup = next((c for c in subs if subs.count(c) > 1), None)
        if dup is None:
            return x, subs
        i = subs.index(dup)
        j = subs.index(dup, i + 1)
        from jax_numpy.creation import diagonal

        x = diagonal(x, 0, i, j)  # diagonal goes last
        subs = "".join(c for k, c in enumerate(subs) if k not in (i, j)) + dup


def _sum_letters(x: Any, subs: str, letters: set) -> tuple:
    axes = tuple(i for i, c in enumerate(subs) if c in letters)
    if not axes:
        return x, subs
    x = lax.reduce_or(x, axes) if _dt(x) == np.bool_ else lax.reduce_sum(x, axes)
    return x, "".join(c for c in subs if c not in letters)


def _transpose_to(x: Any, subs: str, result: str) -> Any:
    if subs == result:
        return x
    return lax.transpose(x, tuple(subs.index(c) for c in result))


def _einsum_unary(x: Any, subs: str, result: str) -> Any:
    x, subs = _take_diagonal(x, subs)
    x, subs = _sum_letters(x, subs, set(subs) - set(result))
    return _transpose_to(x, subs, result)


def _broadcast_letter_sizes(x: Any, xs: str, y: Any, ys: str) -> tuple:
    sx, sy = list(_shape(x)), list(_shape(y))
    for c in set(xs) & set(ys):
        i, j = xs.index(c), ys.index(c)
        if sx[i] != sy[j]:
            if sx[i] == 1:
                sx[i] = sy[j]
            elif sy[j] == 1:
                sy[j] = sx[i]
            else:
                raise ValueError(f"einsum: size of label '{c}' differs between operands: "
                                 f"{_shape(x)} ('{xs}') and {_shape(y)} ('{ys}')")
    if tuple(sx) != _shape(x):
        x = _util.broadcast_to_shape(x, tuple(sx))
    if tuple(sy) != _shape(y):
        y = _util.broadcast_to_shape(y, tuple(sy))
    return x, y


def _einsum_pair(x: Any, xs: str, y: Any, ys: str, result: str, precision: Any) -> Any:
    x, xs = _take_diagonal(x, xs)
    y, ys = _take_diagonal(y, ys)
    # letters only in one operand and not in the result are summed right away
    x, xs = _sum_letters(x, xs, set(xs) - set(ys) - set(result))
    y, ys = _sum_letters(y, ys, set(ys) - set(xs) - set(result))
    x, y = _broadcast_letter_sizes(x, xs, y, ys)
    shared = [c for c in xs if c in ys]
    batch = [c for c in shared if c in result]
    contract = [c for c in shared if c not in result]
    if _dt(x) == np.bool_:
        x = lax.convert_element_type(x, np.int32)
        y = lax.convert_element_type(y, np.int32)
        out = _einsum_pair(x, xs, y, ys, result, precision)
        return lax.ne(out, lax.full_like(out, 0))
    free_x = "".join(c for c in xs if c not in shared)
    free_y = "".join(c for c in ys if c not in shared)
    if "".join(batch) + free_y + free_x == result and free_x and free_y:
        # operands in the other order give the result layout directly (no transpose)
        x, xs, y, ys = y, ys, x, xs
    dn = ((tuple(xs.index(c) for c in contract), tuple(ys.index(c) for c in contract)),
          (tuple(xs.index(c) for c in batch), tuple(ys.index(c) for c in batch)))
    out = lax.dot_general(x, y, dn, precision=precision)
    out_subs = "".join(batch) + "".join(c for c in xs if c not in shared) + \
        "".join(c for c in ys if c not in shared)
    return _transpose_to(out, out_subs, result)


# ---------------------------------------------------------------------------
# kron / trace / cross


def kron(a: Any, b: Any) -> Any:
    check_arraylike("kron", a, b)
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    nd = builtins.max(_util.ndim(a), _util.ndim(b))
    a = lax.reshape(a, (1,) * (nd - _util.ndim(a)) + _shape(a))
    b = lax.reshape(b, (1,) * (nd - _util.ndim(b)) + _shape(b))
    sa, sb = _shape(a), _shape(b)
    inter = []
    for i in range(nd):
        inter += [sa[i], sb[i]]
    ab = lax.broadcast_in_dim(a, tuple(inter), tuple(range(0, 2 * nd, 2)))
    bb = lax.broadcast_in_dim(b, tuple(inter), tuple(range(1, 2 * nd, 2)))
    prod_ = lax.bitwise_and(ab, bb) if _dt(ab) == np.bool_ else lax.mul(ab, bb)
    return lax.reshape(prod_, tuple(x * y for x, y in zip(sa, sb)))


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: None = None) -> Any:
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.trace is not supported.")
    check_arraylike("trace", a)
    from jax_numpy.creation import diagonal
    from jax_numpy.reductions import sum as _sum

    d = diagonal(_asarray(a), offset, axis1, axis2)
    return _sum(d, axis=-1, dtype=dtype)


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Any:
    check_arraylike("cross", a, b)
    from jax_numpy.shape_ops import moveaxis

    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _util.promote_dtypes(_asarray(a), _asarray(b))
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = _shape(a)[-1], _shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"Dimension must be either 2 or 3 for cross product, got shapes "
                         f"{_shape(a)} and {_shape(b)}")

    def comp(x: Any, i: int) -> Any:
        return _util.index_in_dim(x, i, _util.ndim(x) - 1, keepdims=False)

    a0, a1 = comp(a, 0), comp(a, 1)
    b0, b1 = comp(b, 0), comp(b, 1)
    a2 = comp(a, 2) if na == 3 else None
    b2 = comp(b, 2) if nb == 3 else None

    def m(x: Any, y: Any) -> Any:
        x, y = _util.broadcast_arrays("cross", x, y)
        return lax.mul(x, y)

    def s(x: Any, y: Any) -> Any:
        x, y = _util.broadcast_arrays("cross", x, y)
        return lax.sub(x, y)

    if na == 2 and nb == 2:
        return s(m(a0, b1), m(a1, b0))
    zero_a = a2 if a2 is not None else lax.full_like(a0, 0)
    zero_b = b2 if b2 is not None else lax.full_like(b0, 0)
    c0 = s(m(a1, zero_b), m(zero_a, b1))
    c1 = s(m(zero_a, b0), m(a0, zero_b))
    c2 = s(m(a0, b1), m(a1, b0))
    c0, c1, c2 = _util.broadcast_arrays("cross", c0, c1, c2)
    out = lax.concatenate([lax.expand_dims(c, (_util.ndim(c),)) for c in (c0, c1, c2)], _util.ndim(c0))
    return moveaxis(out, -1, axisc)
