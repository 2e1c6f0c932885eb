"""Window reductions (pooling) and the scatter/gather ops of their derivatives.

``reduce_window_{sum,max,min}`` reduce every window of a padded, dilated
operand.  ``select_and_scatter_add`` (the transpose of max-pooling's
derivative: routes each window's cotangent to the element the window
selected) and ``select_and_gather_add`` (the JVP of max-pooling: picks each
window's tangent at the selected element) complete what max-pool's gradient
needs.  ``lax.reduce_window`` dispatches add/max/min computations to the
primitives; ``padtype_to_pads`` resolves 'SAME'/'VALID' padding.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, Primitive, ShapedArray, get_aval
from jax_core.lax.primitive_util import category_name, is_any, is_float, is_numeric, standard_primitive
from jax_core.lax.reductions import broadcast_scalar, is_identity, max_identity, min_identity, monoid_primitive_name

Pads = tuple[tuple[int, int], ...]

# ---------------------------------------------------------------------------
# padding types


class PaddingType(enum.Enum):
    VALID = 1
    SAME = 2
    SAME_LOWER = 3


def padtype_to_pads(in_shape: Sequence[int], window_shape: Sequence[int], window_strides: Sequence[int],
                    padding: str | PaddingType) -> list[tuple[int, int]]:
    """Explicit (low, high) pads for a 'VALID', 'SAME' or 'SAME_LOWER' padding.

    'SAME' pads so that the output has ``ceil(in / stride)`` elements, the odd
    element going to the high side; 'SAME_LOWER' puts it on the low side.
    """
    if isinstance(padding, str):
        try:
            padding = PaddingType[padding.upper()]
        except KeyError:
            raise RuntimeError(f"Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', "
                               f"got {padding!r}.") from None
    if not isinstance(padding, PaddingType):
        raise TypeError(f"Unknown padding type: {padding!r}.")
    if not len(in_shape) == len(window_shape) == len(window_strides):
        raise ValueError(f"padtype_to_pads: in_shape {tuple(in_shape)}, window_shape {tuple(window_shape)} and "
                         f"window_strides {tuple(window_strides)} must have the same length")
    if padding is PaddingType.VALID:
        return [(0, 0)] * len(in_shape)
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides):
        out = -(-int(n) // int(s))
        total = max(0, (out - 1) * int(s) + int(w) - int(n))
        lo = total // 2 if padding is PaddingType.SAME else total - total // 2
        pads.append((lo, total - lo))
    return pads


# ---------------------------------------------------------------------------
# shared geometry


def _dilate_dim(d: int, dilation: int) -> int:
    return 0 if d == 0 else 1 + dilation * (d - 1)


def _check_window_params(name: str, shape: Sequence[int], window_dimensions: Sequence[int],
                         window_strides: Sequence[int], padding: Sequence[tuple[int, int]],
                         base_dilation: Sequence[int] | None, window_dilation: Sequence[int] | None) -> None:
    nd = len(shape)
    for what, v in (("window_dimensions", window_dimensions), ("window_strides", window_strides),
                    ("padding", padding), ("base_dilation", base_dilation),
                    ("window_dilation", window_dilation)):
        if v is not None and len(v) != nd:
            raise TypeError(f"{name}: {what} {tuple(v)} must have one entry per operand dimension "
                            f"(operand shape {tuple(shape)})")
    for what, v in (("window_dimensions", window_dimensions), ("window_strides", window_strides),
                    ("base_dilation", base_dilation), ("window_dilation", window_dilation)):
        if v is not None and any(int(d) < 1 for d in v):
            raise TypeError(f"{name}: {what} must be positive, got {tuple(v)}")
    for p in padding:
        if len(p) != 2:
            raise TypeError(f"{name}: padding must be a sequence of (low, high) pairs, got {tuple(padding)}")


def reduce_window_shape(shape: Sequence[int], window_dimensions: Sequence[int], window_strides: Sequence[int],
                        padding: Sequence[tuple[int, int]], base_dilation: Sequence[int] | None = None,
                        window_dilation: Sequence[int] | None = None) -> tuple[int, ...]:
    """Output shape of a window reduction (also conv's spatial output shape)."""
    nd = len(shape)
    bd = base_dilation or (1,) * nd
    wd = window_dilation or (1,) * nd
    out = []
    for n, w, s, (lo, hi), b, r in zip(shape, window_dimensions, window_strides, padding, bd, wd):
        padded = _dilate_dim(n, b) + lo + hi
        win = _dilate_dim(w, r)
        out.append(max(0, (padded - win) // s + 1) if padded >= win else 0)
    return tuple(out)


def dilate_and_pad(x: np.ndarray, pad_value: Any, padding: Sequence[tuple[int, int]],
                   dilation: Sequence[int] | None = None) -> np.ndarray:
    """``x`` with ``dilation - 1`` holes between elements and ``padding`` (negative: cropping)."""
    nd = x.ndim
    dilation = tuple(dilation) if dilation is not None else (1,) * nd
    if all(d == 1 for d in dilation) and all(lo == 0 and hi == 0 for lo, hi in padding):
        return x
    dil_shape = [_dilate_dim(n, d) for n, d in zip(x.shape, dilation)]
    full_shape = [max(lo, 0) + n + max(hi, 0) for n, (lo, hi) in zip(dil_shape, padding)]
    out = np.full(full_shape, pad_value, dtype=x.dtype)
    inner = tuple(slice(max(lo, 0), max(lo, 0) + n, d) for n, (lo, _), d in zip(dil_shape, padding, dilation))
    out[inner] = x
    crop = tuple(slice(max(-lo, 0), size - max(-hi, 0)) for size, (lo, hi) in zip(full_shape, padding))
    return out[crop]


def _windows(xp: np.ndarray, window_dimensions: Sequence[int], window_strides: Sequence[int],
             window_dilation: Sequence[int], out_shape: Sequence[int]) -> np.ndarray:
    """A strided view of shape ``out_shape + window_dimensions`` over the padded operand."""
    dil_win = tuple(_dilate_dim(w, r) for w, r in zip(window_dimensions, window_dilation))
    view = np.lib.stride_tricks.sliding_window_view(xp, dil_win)
    idx = tuple(slice(0, o * s, s) for o, s in zip(out_shape, window_strides)) + tuple(
        slice(None, None, r) for r in window_dilation)
    return view[idx]


def _compute_dtype(d: np.dtype) -> np.dtype:
    # half floats (bfloat16 has no fast NumPy loops) are reduced in float32
    return np.dtype(np.float32) if is_float(d) and d.itemsize < 4 else d


# ---------------------------------------------------------------------------
# reduce_window_{sum,max,min}


def _reduce_window_abstract_eval(name: str, accepts: Callable[[np.dtype], bool]) -> Callable[..., ShapedArray]:
    def rule(x: ShapedArray, *, window_dimensions: tuple, window_strides: tuple, padding: Pads,
             base_dilation: tuple, window_dilation: tuple) -> ShapedArray:
        _check_window_params(name, x.shape, window_dimensions, window_strides, padding, base_dilation,
                             window_dilation)
        if not accepts(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}; it accepts "
                            f"{category_name(accepts)} dtypes (operand {x.str_short()}).")
        shape = reduce_window_shape(x.shape, window_dimensions, window_strides, padding, base_dilation,
                                    window_dilation)
        return ShapedArray(shape, x.dtype, x.weak_type)

    return rule


def _reduce_window_impl(ufunc: np.ufunc, identity: Callable[[np.dtype], Any]) -> Callable[..., Any]:
    def impl(x: np.ndarray, *, window_dimensions: tuple, window_strides: tuple, padding: Pads,
             base_dilation: tuple, window_dilation: tuple) -> np.ndarray:
        dtype = x.dtype
        out_shape = reduce_window_shape(x.shape, window_dimensions, window_strides, padding, base_dilation,
                                        window_dilation)
        if 0 in out_shape:
            return np.zeros(out_shape, dtype)
        if 0 in window_dimensions or x.size == 0:
            return np.full(out_shape, identity(dtype), dtype)
        cdt = _compute_dtype(dtype)
        xp = dilate_and_pad(x.astype(cdt, copy=False), identity(cdt), padding, base_dilation)
        win = _windows(xp, window_dimensions, window_strides, window_dilation, out_shape)
        # one vectorized step per window position (several times faster than
        # reducing the strided window axes of the view)
        positions = np.ndindex(*window_dimensions)
        acc = np.array(win[(Ellipsis,) + next(positions)], dtype=cdt)
        for pos in positions:
            ufunc(acc, win[(Ellipsis,) + pos], out=acc)
        return acc.astype(dtype, copy=False)

    return impl


def _zero(d: np.dtype) -> Any:
    return np.zeros((), d)[()]


reduce_window_sum_p = standard_primitive(
    "reduce_window_sum", _reduce_window_abstract_eval("reduce_window_sum", is_numeric),
    _reduce_window_impl(np.add, _zero))
reduce_window_max_p = standard_primitive(
    "reduce_window_max", _reduce_window_abstract_eval("reduce_window_max", is_any),
    _reduce_window_impl(np.maximum, max_identity))
reduce_window_min_p = standard_primitive(
    "reduce_window_min", _reduce_window_abstract_eval("reduce_window_min", is_any),
    _reduce_window_impl(np.minimum, min_identity))


# ---------------------------------------------------------------------------
# select_and_scatter_add / select_and_gather_add


def _select_kind(name: str, select_prim: Any) -> str:
    pname = getattr(select_prim, "name", None)
    if pname not in ("ge", "gt", "le", "lt"):
        raise TypeError(f"{name}: select_prim must be lax.ge_p, lax.gt_p, lax.le_p or lax.lt_p, "
                        f"got {select_prim!r}")
    return pname  # type: ignore[return-value]


_select_fns = {"ge": np.greater_equal, "gt": np.greater, "le": np.less_equal, "lt": np.less}


def _selected_flat_index(xp: np.ndarray, kind: str, window_dimensions: Sequence[int],
                         window_strides: Sequence[int], window_dilation: Sequence[int],
                         out_shape: Sequence[int]) -> np.ndarray:
    """Flat index into ``xp`` of the element each window selects (shape ``out_shape``).

    XLA's rule: walk the window in row-major order, keeping the current
    element while ``select(current, candidate)`` holds.  So ge/le pick the
    first extremum, gt/lt the last, and NaNs follow the comparisons exactly.
    The walk is a loop over window positions, vectorized over all windows.
    """
    win = _windows(xp, window_dimensions, window_strides, window_dilation, out_shape)
    select = _select_fns[kind]
    positions = list(np.ndindex(*window_dimensions))
    cur = np.array(win[(Ellipsis,) + positions[0]])
    choice = np.zeros(tuple(out_shape), np.int64)
    switch = np.empty(tuple(out_shape), np.bool_)
    step = np.empty(tuple(out_shape), np.int64)
    # Without NaNs the kept value is just the running max/min; masked copies
    # are several times slower than these branch-free ufuncs.
    exact = xp.dtype.kind in "fc" and bool(np.isnan(xp).any())
    running = np.maximum if kind in ("ge", "gt") else np.minimum
    for j, pos in enumerate(positions[1:], 1):
        cand = win[(Ellipsis,) + pos]
        np.logical_not(select(cur, cand, out=switch), out=switch)
        if exact:
            np.copyto(cur, cand, where=switch)
        else:
            running(cur, cand, out=cur)
        # choice = j where switched: j exceeds every earlier choice, so a max does it
        np.multiply(switch, j, out=step)
        np.maximum(choice, step, out=choice)
    # offset of each window element inside the padded array, and of each window's origin
    pstrides = [int(np.prod(xp.shape[i + 1:], dtype=np.int64)) for i in range(xp.ndim)]
    offs = np.zeros((), np.int64)
    origin = np.zeros((), np.int64)
    for d in range(xp.ndim):
        offs = np.add.outer(offs, np.arange(window_dimensions[d], dtype=np.int64) * window_dilation[d] * pstrides[d])
        origin = np.add.outer(origin, np.arange(out_shape[d], dtype=np.int64) * window_strides[d] * pstrides[d])
    return origin + offs.reshape(-1)[choice]


def _select_pad_value(kind: str, dtype: np.dtype) -> Any:
    return max_identity(dtype) if kind in ("ge", "gt") else min_identity(dtype)


def _select_and_scatter_add_abstract_eval(source: ShapedArray, operand: ShapedArray, *, select_prim: Any,
                                          window_dimensions: tuple, window_strides: tuple,
                                          padding: Pads) -> ShapedArray:
    name = "select_and_scatter_add"
    _select_kind(name, select_prim)
    _check_window_params(name, operand.shape, window_dimensions, window_strides, padding, None, None)
    if any(lo < 0 or hi < 0 for lo, hi in padding):
        raise ValueError(f"{name}: padding must be non-negative, got {padding}")
    expected = reduce_window_shape(operand.shape, window_dimensions, window_strides, padding)
    if source.shape != expected:
        raise TypeError(f"{name}: source shape {source.shape} must be the shape of the windows of the "
                        f"operand {operand.shape}, which is {expected}")
    if source.dtype != operand.dtype:
        raise TypeError(f"{name}: source and operand must have the same dtype, got "
                        f"{source.dtype.name} and {operand.dtype.name}")
    if not is_numeric(source.dtype):
        raise TypeError(f"{name} does not accept dtype {source.dtype.name}")
    return ShapedArray(operand.shape, source.dtype, source.weak_type)


def _select_and_scatter_add_impl(source: np.ndarray, operand: np.ndarray, *, select_prim: Any,
                                 window_dimensions: tuple, window_strides: tuple,
                                 padding: Pads) -> np.ndarray:
    kind = _select_kind("select_and_scatter_add", select_prim)
    dtype = source.dtype
    out_shape = source.shape
    if source.size == 0 or operand.size == 0:
        return np.zeros(operand.shape, dtype)
    nd = operand.ndim
    cop = operand.astype(_compute_dtype(operand.dtype), copy=False)
    xp = dilate_and_pad(cop, _select_pad_value(kind, cop.dtype), padding)
    idx = _selected_flat_index(xp, kind, window_dimensions, window_strides, (1,) * nd, out_shape)
    cdt = _compute_dtype(dtype)
    acc = np.zeros(xp.size, cdt)
    np.add.at(acc, idx.reshape(-1), source.astype(cdt, copy=False).reshape(-1))
    acc = acc.reshape(xp.shape)
    inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(padding, operand.shape))
    return acc[inner].astype(dtype, copy=False)


select_and_scatter_add_p = standard_primitive("select_and_scatter_add", _select_and_scatter_add_abstract_eval,
                                              _select_and_scatter_add_impl)


def _select_and_gather_add_abstract_eval(tangents: ShapedArray, operand: ShapedArray, *, select_prim: Any,
                                         window_dimensions: tuple, window_strides: tuple, padding: Pads,
                                         base_dilation: tuple, window_dilation: tuple) -> ShapedArray:
    name = "select_and_gather_add"
    _select_kind(name, select_prim)
    _check_window_params(name, operand.shape, window_dimensions, window_strides, padding, base_dilation,
                         window_dilation)
    if tangents.shape != operand.shape:
        raise TypeError(f"{name}: tangents shape {tangents.shape} must equal operand shape {operand.shape}")
    if tangents.dtype != operand.dtype:
        raise TypeError(f"{name}: tangents and operand must have the same dtype, got "
                        f"{tangents.dtype.name} and {operand.dtype.name}")
    shape = reduce_window_shape(operand.shape, window_dimensions, window_strides, padding, base_dilation,
                                window_dilation)
    return ShapedArray(shape, tangents.dtype, tangents.weak_type)


def _select_and_gather_add_impl(tangents: np.ndarray, operand: np.ndarray, *, select_prim: Any,
                                window_dimensions: tuple, window_strides: tuple, padding: Pads,
                                base_dilation: tuple, window_dilation: tuple) -> np.ndarray:
    kind = _select_kind("select_and_gather_add", select_prim)
    out_shape = reduce_window_shape(operand.shape, window_dimensions, window_strides, padding, base_dilation,
                                    window_dilation)
    if 0 in out_shape:
        return np.zeros(out_shape, tangents.dtype)
    if operand.size == 0 or 0 in window_dimensions:
        return np.zeros(out_shape, tangents.dtype)
    cop = operand.astype(_compute_dtype(operand.dtype), copy=False)
    xp = dilate_and_pad(cop, _select_pad_value(kind, cop.dtype), padding, base_dilation)
    tp = dilate_and_pad(tangents, _zero(tangents.dtype), padding, base_dilation)
    idx = _selected_flat_index(xp, kind, window_dimensions, window_strides, window_dilation, out_shape)
    return np.ascontiguousarray(tp).reshape(-1)[idx]


select_and_gather_add_p = standard_primitive("select_and_gather_add", _select_and_gather_add_abstract_eval,
                                             _select_and_gather_add_impl)


# ---------------------------------------------------------------------------
# wrappers


def _as_operand(x: Any) -> Any:
    if isinstance(x, (bool, int, float, complex)):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), dtypes.is_weakly_typed(x))
    return x


def _ints(v: Sequence[int] | None, nd: int) -> tuple[int, ...]:
    return (1,) * nd if v is None else tuple(int(i) for i in v)


def _pairs(padding: Sequence[Sequence[int]], name: str) -> Pads:
    try:
        return tuple((int(lo), int(hi)) for lo, hi in padding)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: padding must be 'SAME', 'VALID', 'SAME_LOWER' or a sequence of "
                        f"(low, high) pairs, got {padding!r}") from None


def _window_params(operand: Any, window_dimensions: Sequence[int], window_strides: Sequence[int] | None,
                   padding: Any, base_dilation: Sequence[int] | None, window_dilation: Sequence[int] | None,
                   name: str) -> dict:
    shape = get_aval(operand).shape
    wdims = tuple(int(d) for d in window_dimensions)
    nd = len(wdims)
    strides = _ints(window_strides, nd)
    bdil = _ints(base_dilation, nd)
    wdil = _ints(window_dilation, nd)
    if isinstance(padding, (str, PaddingType)):
        if len(shape) != nd or len(strides) != nd or len(wdil) != nd:
            raise TypeError(f"{name}: window_dimensions {wdims}, window_strides {strides} and "
                            f"window_dilation {wdil} must have one entry per operand dimension "
                            f"(operand shape {shape})")
        dil_win = [_dilate_dim(w, r) for w, r in zip(wdims, wdil)]
        pads = tuple(padtype_to_pads(shape, dil_win, strides, padding))
    else:
        pads = _pairs(padding, name)
    return dict(window_dimensions=wdims, window_strides=strides, padding=pads, base_dilation=bdil,
                window_dilation=wdil)


def reduce_window_sum(operand: Any, window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                      padding: Any = "VALID", base_dilation: Sequence[int] | None = None,
                      window_dilation: Sequence[int] | None = None) -> Any:
    operand = _as_operand(operand)
    return reduce_window_sum_p.bind(operand, **_window_params(
        operand, window_dimensions, window_strides, padding, base_dilation, window_dilation, "reduce_window_sum"))


def reduce_window_max(operand: Any, window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                      padding: Any = "VALID", base_dilation: Sequence[int] | None = None,
                      window_dilation: Sequence[int] | None = None) -> Any:
    operand = _as_operand(operand)
    return reduce_window_max_p.bind(operand, **_window_params(
        operand, window_dimensions, window_strides, padding, base_dilation, window_dilation, "reduce_window_max"))


def reduce_window_min(operand: Any, window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                      padding: Any = "VALID", base_dilation: Sequence[int] | None = None,
                      window_dilation: Sequence[int] | None = None) -> Any:
    operand = _as_operand(operand)
    return reduce_window_min_p.bind(operand, **_window_params(
        operand, window_dimensions, window_strides, padding, base_dilation, window_dilation, "reduce_window_min"))


_window_reducers: dict[str, tuple[Primitive, Callable[[np.dtype], Any]]] = {
    "add": (reduce_window_sum_p, _zero),
    "max": (reduce_window_max_p, max_identity),
    "min": (reduce_window_min_p, min_identity),
}


def reduce_window(operand: Any, init_value: Any, computation: Callable[[Any, Any], Any],
                  window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                  padding: Any = "VALID", base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> Any:
    """Reduce each window of ``operand`` with ``computation`` (lax.add, lax.max or lax.min).

    ``padding`` is 'VALID', 'SAME', 'SAME_LOWER' or (low, high) pairs.  As in
    XLA, ``init_value`` starts every window's reduction; padding and dilation
    holes contribute nothing.
    """
    if isinstance(operand, (tuple, list)):
        if len(operand) != 1 or not isinstance(init_value, (tuple, list)) or len(init_value) != 1:
            raise NotImplementedError("lax.reduce_window over several operands (a variadic window "
                                      "reduction) is not supported.")
        return (reduce_window(operand[0], init_value[0], computation, window_dimensions, window_strides,
                              padding, base_dilation, window_dilation),)
    operand = _as_operand(operand)
    aval = get_aval(operand)
    init_aval = get_aval(init_value)
    if init_aval.shape != ():
        raise TypeError(f"reduce_window: init_value must be a scalar, got shape {init_aval.shape}")
    if not isinstance(init_value, (bool, int, float, complex)) and init_aval.dtype != aval.dtype:
        raise TypeError(f"reduce_window: operand dtype {aval.dtype.name} and init_value dtype "
                        f"{init_aval.dtype.name} must match")
    name = monoid_primitive_name(computation, aval)
    if name not in _window_reducers:
        raise NotImplementedError(
            "lax.reduce_window supports the computations lax.add, lax.max and lax.min (which have the "
            f"primitives reduce_window_sum/max/min); got {computation!r}.")
    prim, identity = _window_reducers[name]  # type: ignore[index]
    params = _window_params(operand, window_dimensions, window_strides, padding, base_dilation,
                            window_dilation, "reduce_window")
    out = prim.bind(operand, **params)
    if is_identity(init_value, identity(aval.dtype)):
        return out
    return computation(out, broadcast_scalar(init_value, get_aval(out)))


def select_and_scatter_add(source: Any, operand: Any, select_prim: Any, window_dimensions: Sequence[int],
                           window_strides: Sequence[int], padding: Sequence[tuple[int, int]]) -> Any:
    """Add each window's ``source`` value at the operand element the window selects."""
    return select_and_scatter_add_p.bind(
        source, operand, select_prim=select_prim, window_dimensions=tuple(int(d) for d in window_dimensions),
        window_strides=tuple(int(s) for s in window_strides), padding=_pairs(padding, "select_and_scatter_add"))


def select_and_gather_add(tangents: Any, operand: Any, select_prim: Any, window_dimensions: Sequence[int],
                          window_strides: Sequence[int], padding: Sequence[tuple[int, int]],
                          base_dilation: Sequence[int] | None = None,
                          window_dilation: Sequence[int] | None = None) -> Any:
    """For each window, the tangent at the operand element the window selects."""
    nd = len(window_dimensions)
    return select_and_gather_add_p.bind(
        tangents, operand, select_prim=select_prim, window_dimensions=tuple(int(d) for d in window_dimensions),
        window_strides=tuple(int(s) for s in window_strides), padding=_pairs(padding, "select_and_gather_add"),
        base_dilation=_ints(base_dilation, nd), window_dilation=_ints(window_dilation, nd))


__all__ = [
    "PaddingType", "padtype_to_pads", "reduce_window", "reduce_window_shape",
    "reduce_window_sum", "reduce_window_sum_p", "reduce_window_max", "reduce_window_max_p",
    "reduce_window_min", "reduce_window_min_p", "select_and_scatter_add", "select_and_scatter_add_p",
    "select_and_gather_add", "select_and_gather_add_p",
]
