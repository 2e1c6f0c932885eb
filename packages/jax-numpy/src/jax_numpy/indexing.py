"""NumPy indexing on lax: advanced getitem lowered to ``gather``, the ``.at[]``
update API lowered to the ``scatter`` family, and take/put and friends.

Out-of-bounds indices follow JAX: reads clamp to the last valid element
(``mode='fill'`` returns ``fill_value`` instead), updates at out-of-bounds
positions are dropped.  Negative indices count from the end, as in NumPy.
Boolean masks must be concrete (their number of True values sets the output
shape); under ``jit`` use ``jnp.where`` or the ``size=`` argument of
``nonzero``/``where``.

An index expression is first normalized into an :class:`_Index`: the
per-dimension items (slice, integer array, or new axis) and the NumPy rule
for where the broadcast "advanced" dimensions land in the result.  Both
gather and scatter are built from that one description.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from jax_core import dtypes, lax
from jax_core import array_methods as _am
from jax_core.core import Array, Tracer, eval_trace, get_aval, trace_state
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray, check_arraylike

__all__ = [
    "NonConcreteBooleanIndexError", "take", "take_along_axis", "put", "put_along_axis", "place",
    "extract", "compress", "choose", "select", "piecewise", "getitem", "fill_diagonal",
]


class NonConcreteBooleanIndexError(IndexError):
    """A boolean mask that is only known abstractly (under jit/vmap) was used as an index."""

    def __init__(self, aval: Any):
        super().__init__(
            f"Array boolean indices must be concrete; got {aval.str_short()}.\n"
            "Under jit (and other transformations that trace values) the number of True entries of "
            "a mask, and so the shape of the result, is unknown. Use instead:\n"
            "  - jnp.where(mask, x, fill) to keep the shape, or\n"
            "  - jnp.nonzero(mask, size=N, fill_value=...) / jnp.where(mask, size=N) to get a "
            "fixed-size array of indices, then index with those,\n"
            "  - or x.at[mask].set(scalar) (lowered to jnp.where).")


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _shape(x: Any) -> tuple:
    return get_aval(x).shape


# ---------------------------------------------------------------------------
# normalizing an index expression


class _Index(NamedTuple):
    """A normalized index over an operand of rank ``ndim``.

    ``items`` has one entry per operand dimension: a ``slice`` (static) or
    an integer index (``int`` or an integer array, already made non-negative
    when it is concrete).  ``layout`` lists the result's dimensions in
    order: ``("B",)`` for the broadcast block of the advanced indices, ``("S",
    dim)`` for a sliced operand dimension and ``("N",)`` for a new axis.
    """

    items: list
    layout: list
    adv_shape: tuple
    has_adv: bool
    src: list  # the index positions in source order: operand dim, or None for a new axis


def _is_int_scalar(i: Any) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))


def _is_array_index(i: Any) -> bool:
    return isinstance(i, (Array, Tracer, np.ndarray))


def _concrete_slice_part(v: Any, what: str) -> int | None:
    if v is None:
        return None
    if _is_int_scalar(v):
        return int(v)
    if isinstance(v, Tracer):
        c = v.to_concrete_value()
        if c is None:
            raise IndexError(
                f"Array slice indices must have static start/stop/step to be used with NumPy "
                f"indexing syntax. Found slice({what}) with a traced value; to index a "
                "statically sized array at a dynamic position, try lax.dynamic_slice / "
                "lax.dynamic_slice_in_dim.")
        v = c
    try:
        return int(np.asarray(v).item()) if np.ndim(v) == 0 else int(v)
    except (TypeError, ValueError):
        raise TypeError(f"slice indices must be integers or None, got {v!r}") from None


def _expand_bool(item: Any) -> list:
    """A boolean mask as its integer coordinate arrays (it must be concrete)."""
    if isinstance(item, Tracer):
        v = item.to_concrete_value()
        if v is None:
            raise NonConcreteBooleanIndexError(item.aval)
    else:
        v = np.asarray(item)
    idt = dtypes.default_int_dtype()
    return [Array._from_numpy(c.astype(idt), False) for c in np.nonzero(np.asarray(v))]


def _parse_index(shape: tuple, idx: Any) -> _Index:
    if isinstance(idx, list):
        raise TypeError("Using a non-tuple sequence for multidimensional indexing is not allowed; "
                        "use `arr[array(seq)]` instead of `arr[seq]`.")
    raw = idx if isinstance(idx, tuple) else (idx,)
    # 1. booleans -> integer arrays; scalar booleans -> a new axis (of size 1 or 0)
    items: list = []
    for i in raw:
        if isinstance(i, (bool, np.bool_)) or (_is_array_index(i) and _dt(i) == np.bool_):
            if np.ndim(i) == 0 if not isinstance(i, Tracer) else i.ndim == 0:
                val = bool(i) if not isinstance(i, Tracer) else i.to_concrete_value()
                if val is None:
                    raise NonConcreteBooleanIndexError(i.aval)  # type: ignore[union-attr]
                items.append(None)
                items.append(("bool0", bool(val)))
                continue
            items.extend(_expand_bool(i))
        elif isinstance(i, list):
            # a list inside a tuple index is an index array (NumPy and JAX agree here)
            arr = np.asarray(i) if i else np.zeros(0, np.int64)
            if arr.dtype == np.bool_:
                items.extend(_expand_bool(arr))
            else:
                items.append(arr)
        else:
            items.append(i)
    # 2. Ellipsis
    n_real = builtins.sum(1 for i in items if i is not None and i is not Ellipsis
                          and not (isinstance(i, tuple) and i[0] == "bool0"))
    n_ell = builtins.sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > len(shape):
        raise IndexError(f"Too many indices for array: {n_real} non-None/Ellipsis indices for dim "
                         f"{len(shape)}.")
    if n_ell:
        k = items.index(Ellipsis)
        items[k:k + 1] = [slice(None)] * (len(shape) - n_real)
    else:
        items += [slice(None)] * (len(shape) - n_real)
    # 3. one entry per operand dimension; record the layout
    dim_items: list = []
    kinds: list = []  # per position of `items`: 'A', 'S' or 'N'
    positions: list = []  # operand dim for A/S kinds
    adv_arrays: list = []
    dim = 0
    bool0_extra: list = []
    for i in items:
        if i is None:
            kinds.append("N")
            positions.append(None)
            continue
        if isinstance(i, tuple) and i[0] == "bool0":
            # x[False]: a new axis that selects nothing
            if not i[1]:
                bool0_extra.append(len(kinds) - 1)
            continue
        size = shape[dim]
        if isinstance(i, slice):
            st = _concrete_slice_part(i.start, "start")
            sp = _concrete_slice_part(i.stop, "stop")
            se = _concrete_slice_part(i.step, "step")
            if se == 0:
                raise ValueError("slice step cannot be zero")
            dim_items.append(slice(st, sp, se))
            kinds.append("S")
        elif _is_int_scalar(i):
            v = int(i)
            v = v + size if v < 0 else v
            dim_items.append(v)
            adv_arrays.append(np.asarray(v))
            kinds.append("A")
        elif _is_array_index(i) or isinstance(i, (np.generic,)):
            a = i if isinstance(i, (Array, Tracer)) else np.asarray(i)
            d = get_aval(a).dtype if isinstance(a, (Array, Tracer)) else a.dtype
            if d.kind not in "iu":
                raise IndexError(f"Indexer must have integer or boolean type, got indexer with "
                                 f"type {d.name} at position {len(kinds)}, indexer value {i!r}")
            dim_items.append(a)
            adv_arrays.append(a)
            kinds.append("A")
        elif isinstance(i, (float, complex, np.floating)):
            raise TypeError(f"Indexer must have integer or boolean type, got indexer with type "
                            f"{type(i).__name__} at position {len(kinds)}, indexer value {i!r}")
        else:
            raise TypeError(f"Index {i!r} of type {type(i).__name__} is not a valid index: use "
                            "integers, slices, None, Ellipsis or integer/boolean arrays.")
        positions.append(dim)
        dim += 1
    if bool0_extra:
        # x[False]: handled by the caller as an empty result
        raise _EmptyBoolIndex(kinds, positions, dim_items)
    adv_pos = [k for k, kind in enumerate(kinds) if kind == "A"]
    has_adv = bool(adv_pos)
    try:
        adv_shape = tuple(np.broadcast_shapes(*[np.shape(a) if isinstance(a, np.ndarray) else
                                                _shape(a) for a in adv_arrays])) if adv_arrays else ()
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with "
                         "shapes " + " ".join(str(np.shape(a) if isinstance(a, np.ndarray) else _shape(a))
                                              for a in adv_arrays)) from None
    adjacent = not adv_pos or adv_pos == list(range(adv_pos[0], adv_pos[0] + len(adv_pos)))
    layout: list = []
    if has_adv and not adjacent:
        layout.append(("B",))
    placed = False
    for k, kind in enumerate(kinds):
        if kind == "A":
            if adjacent and not placed:
                layout.append(("B",))
                placed = True
        elif kind == "S":
            layout.append(("S", positions[k]))
        else:
            layout.append(("N",))
    src = [None if kind == "N" else positions[k] for k, kind in enumerate(kinds)]
    return _Index(dim_items, layout, adv_shape, has_adv, src)


class _EmptyBoolIndex(Exception):
    def __init__(self, kinds: list, positions: list, items: list):
        self.kinds = kinds
        self.positions = positions
        self.items = items


def _normalize_int_index(a: Any, size: int) -> Any:
    """Integer index array -> default int dtype with negative entries counted from the end."""
    idt = dtypes.default_int_dtype()
    if isinstance(a, np.ndarray) or type(a) is Array and a._npy is not None and trace_state.trace is eval_trace:
        v = np.asarray(a)
        v = v.astype(np.int64)
        v = np.where(v < 0, v + size, v)
        return Array._from_numpy(v.astype(idt), False)
    a = lax.convert_element_type(a, idt) if _dt(a) != idt else a
    if _dt(a).kind == "u":
        return a
    return lax.select(lax.lt(a, lax.full_like(a, 0)), lax.add(a, lax.full_like(a, size)), a)


def _slice_len(s: slice, size: int) -> tuple:
    start, stop, step = s.indices(size)
    return start, step, len(range(start, stop, step))


# ---------------------------------------------------------------------------
# gather


def _final_shape(layout: list, adv_shape: tuple, shape_of_dim: Callable[[int], int]) -> tuple:
    out: list = []
    for e in layout:
        if e[0] == "B":
            out += list(adv_shape)
        elif e[0] == "S":
            out.append(shape_of_dim(e[1]))
        else:
            out.append(1)
    return tuple(out)


def _gather(x: Any, ix: _Index, mode: Any, fill_value: Any, unique_indices: bool = False,
            indices_are_sorted: bool = False) -> Any:
    shape = _shape(x)
    # 1. static slices first, on the operand
    if builtins.any(isinstance(it, slice) and it != slice(None) for it in ix.items):
        sl = tuple(it if isinstance(it, slice) else slice(None) for it in ix.items)
        x = _am._basic_getitem(x, sl)
        shape = _shape(x)
    adv_dims = [d for d, it in enumerate(ix.items) if not isinstance(it, slice)]
    if not adv_dims:
        return lax.reshape(x, _final_shape(ix.layout, ix.adv_shape, lambda d: shape[d]))
    idt = dtypes.default_int_dtype()
    comps = []
    for d in adv_dims:
        it = ix.items[d]
        a = Array._from_numpy(np.asarray(it, idt), False) if isinstance(it, int) else \
            _normalize_int_index(it, shape[d])
        a = _util.broadcast_to_shape(a, ix.adv_shape, "indexing")
        comps.append(lax.expand_dims(a, (len(ix.adv_shape),)))
    indices = lax.concatenate(comps, len(ix.adv_shape)) if len(comps) > 1 else comps[0]
    # output (without new axes): the B block and the sliced dims in layout order
    out_layout = [e for e in ix.layout if e[0] != "N"]
    offset_dims = []
    pos = 0
    for e in out_layout:
        if e[0] == "B":
            pos += len(ix.adv_shape)
        else:
            offset_dims.append(pos)
            pos += 1
    slice_sizes = tuple(1 if d in adv_dims else shape[d] for d in range(len(shape)))
    dnums = lax.GatherDimensionNumbers(offset_dims=tuple(offset_dims),
                                       collapsed_slice_dims=tuple(adv_dims),
                                       start_index_map=tuple(adv_dims))
    # gather emits the batch (B) dims in order and the offset dims in operand order; the
    # offset dims of a sliced operand come out in increasing operand order, as in the layout
    if mode is None or mode == "promise_in_bounds" or mode == "clip" or \
            mode == lax.GatherScatterMode.CLIP or mode == lax.GatherScatterMode.PROMISE_IN_BOUNDS:
        gmode = lax.GatherScatterMode.CLIP
        fv = None
    else:
        gmode = lax.GatherScatterMode.FILL_OR_DROP
        fv = fill_value
    if builtins.any(shape[d] == 0 for d in adv_dims):
        if gmode == lax.GatherScatterMode.CLIP and builtins.any(
                s != 0 for s in ix.adv_shape) and np.prod(ix.adv_shape) > 0:
            raise IndexError("index is out of bounds for an axis of size 0")
        out_shape = _final_shape(out_layout, ix.adv_shape, lambda d: shape[d])
        return lax.reshape(lax.full(out_shape, 0, _dt(x)), _final_shape(ix.layout, ix.adv_shape,
                                                                         lambda d: shape[d]))
    out = lax.gather(x, indices, dnums, slice_sizes, unique_indices=unique_indices,
                     indices_are_sorted=indices_are_sorted, mode=gmode, fill_value=fv)
    final = _final_shape(ix.layout, ix.adv_shape, lambda d: shape[d])
    if _shape(out) != final:
        out = lax.reshape(out, final)
    return out


def _rewriting_take(x: Any, idx: Any, mode: Any = None, fill_value: Any = None,
                    unique_indices: bool = False, indices_are_sorted: bool = False) -> Any:
    x = _asarray(x)
    shape = _shape(x)
    try:
        ix = _parse_index(shape, idx)
    except _EmptyBoolIndex as e:
        return _empty_bool_take(x, idx, e)
    clamp_mode = mode is None or mode in ("clip", "promise_in_bounds", lax.GatherScatterMode.CLIP,
                                          lax.GatherScatterMode.PROMISE_IN_BOUNDS)
    if clamp_mode and trace_state.trace is eval_trace and type(x) is Array and x._device_buf is None:
        fast = _eager_take(x._value, ix)
        if fast is not None:
            return Array._from_numpy(fast, x.weak_type)
    return _gather(x, ix, mode, fill_value, unique_indices, indices_are_sorted)


def _eager_take(xv: np.ndarray, ix: _Index) -> np.ndarray | None:
    """NumPy evaluation of a gather with clamped indices, when every index is concrete."""
    tup: list = []
    for d, item in enumerate(ix.items):
        size = xv.shape[d]
        if isinstance(item, slice):
            tup.append(item)
            continue
        if size == 0:
            return None
        if isinstance(item, int):
            tup.append(np.asarray(builtins.min(builtins.max(item, 0), size - 1)))
            continue
        if isinstance(item, Tracer) or (type(item) is Array and item._device_buf is not None):
            return None
        v = item._value if isinstance(item, Array) else np.asarray(item)
        v = v.astype(np.int64, copy=False)
        v = np.where(v < 0, v + size, v)
        tup.append(np.clip(v, 0, size - 1))
    # NumPy places the broadcast block of the advanced indices by the same rule as we do
    # (new axes included), so its result is ours; check the shape to be sure.
    out = np.asarray(xv[tuple(None if d is None else tup[d] for d in ix.src)])
    final = _final_shape(ix.layout, ix.adv_shape, lambda d: len(range(*ix.items[d].indices(xv.shape[d]))))
    if out.shape != final:
        return None
    return out


def _empty_bool_take(x: Any, idx: Any, e: _EmptyBoolIndex) -> Any:
    # x[..., False, ...]: the result has a zero-length axis where the False stood
    raw = list(idx) if isinstance(idx, tuple) else [idx]
    k = next(i for i, v in enumerate(raw) if isinstance(v, (bool, np.bool_)) and not v)
    raw[k] = None
    out = _rewriting_take(x, tuple(raw))
    s = list(_shape(out))
    # the False contributes the new axis at the position NumPy puts it: take it empty
    axis = builtins.sum(1 for v in raw[:k] if v is not Ellipsis and not _is_int_scalar(v))
    axis = builtins.min(axis, len(s) - 1)
    return _util.slice_in_dim(out, 0, 0, 1, axis)


def getitem(x: Any, idx: Any) -> Any:
    """``x[idx]`` for advanced indices (the hook jax_core's ``__getitem__`` calls)."""
    return _rewriting_take(x, idx)


# ---------------------------------------------------------------------------
# scatter


def _scatter(x: Any, idx: Any, values: Any, kind: str, mode: Any = None,
             indices_are_sorted: bool = False, unique_indices: bool = False) -> Any:
    x = _asarray(x)
    shape = _shape(x)
    dt = _dt(x)
    weak = get_aval(x).weak_type
    values = _asarray(values)
    # a full-shape boolean mask with a scalar update: a select, valid under jit too
    if _is_mask_index(idx, shape) and _util.ndim(values) == 0:
        mask = idx[0] if isinstance(idx, tuple) else idx
        v = lax.convert_element_type(values, dt, weak)
        new = _combine(kind, x, lax.broadcast_in_dim(v, shape, ()))
        return lax.select(mask, new, x)
    try:
        ix = _parse_index(shape, idx)
    except _EmptyBoolIndex:
        return x
    values = lax.convert_element_type(values, dt, weak)
    full_layout_shape = _final_shape(ix.layout, ix.adv_shape,
                                     lambda d: _slice_len(ix.items[d], shape[d])[2])
    try:
        values = _util.broadcast_to_shape(values, full_layout_shape, "scatter")
    except ValueError:
        raise ValueError(f"shape mismatch: value array of shape {_shape(values)} could not be "
                         f"broadcast to indexing result of shape {full_layout_shape}") from None
    layout = [e for e in ix.layout if e[0] != "N"]
    upd_shape = _final_shape(layout, ix.adv_shape, lambda d: _slice_len(ix.items[d], shape[d])[2])
    if _shape(values) != upd_shape:
        values = lax.reshape(values, upd_shape)
    # which operand dims are indexed (advanced, or partially sliced) vs whole windows
    def is_window(d: int) -> bool:
        it = ix.items[d]
        return isinstance(it, slice) and _slice_len(it, shape[d]) == (0, 1, shape[d])

    indexed_dims = [d for d in range(len(shape)) if not is_window(d)]
    if not indexed_dims:
        return _combine(kind, x, values)
    # positions of the scatter (batch) dims within the update layout
    sb_shape: list = []
    b_start = None
    partial_pos: dict = {}
    window_pos: list = []
    pos = 0
    for e in layout:
        if e[0] == "B":
            b_start = len(sb_shape)
            sb_shape += list(ix.adv_shape)
            pos += len(ix.adv_shape)
        else:
            d = e[1]
            if is_window(d):
                window_pos.append(pos)
            else:
                partial_pos[d] = len(sb_shape)
                sb_shape.append(_slice_len(ix.items[d], shape[d])[2])
            pos += 1
    sb = tuple(sb_shape)
    idt = dtypes.default_int_dtype()
    comps = []
    for d in indexed_dims:
        it = ix.items[d]
        if isinstance(it, slice):
            start, step, m = _slice_len(it, shape[d])
            ar = np.arange(m, dtype=np.int64) * step + start
            r = [1] * len(sb)
            r[partial_pos[d]] = m
            comp = Array._from_numpy(ar.astype(idt).reshape(r), False)
        else:
            a = Array._from_numpy(np.asarray(it, idt), False) if isinstance(it, int) else \
                _normalize_int_index(it, shape[d])
            a = _util.broadcast_to_shape(a, ix.adv_shape, "indexing")
            assert b_start is not None
            r = [1] * len(sb)
            r[b_start:b_start + len(ix.adv_shape)] = ix.adv_shape
            comp = lax.reshape(a, tuple(r))
        comp = _util.broadcast_to_shape(comp, sb)
        comps.append(lax.expand_dims(comp, (len(sb),)))
    indices = lax.concatenate(comps, len(sb)) if len(comps) > 1 else comps[0]
    dnums = lax.ScatterDimensionNumbers(update_window_dims=tuple(window_pos),
                                        inserted_window_dims=tuple(indexed_dims),
                                        scatter_dims_to_operand_dims=tuple(indexed_dims))
    fn = {"set": lax.scatter, "add": lax.scatter_add, "mul": lax.scatter_mul,
          "min": lax.scatter_min, "max": lax.scatter_max}[kind]
    smode = lax.GatherScatterMode.FILL_OR_DROP if mode in (None, "drop", "fill", "promise_in_bounds") \
        or mode == lax.GatherScatterMode.FILL_OR_DROP else lax.GatherScatterMode.from_any(mode)
    if kind == "add" and dt == np.bool_:
        out = lax.scatter_max(x, indices, values, dnums, indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=smode)
    elif kind == "mul" and dt == np.bool_:
        out = lax.scatter_min(x, indices, values, dnums, indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=smode)
    else:
        out = fn(x, indices, values, dnums, indices_are_sorted=indices_are_sorted,
                 unique_indices=unique_indices, mode=smode)
    return out


def _is_mask_index(idx: Any, shape: tuple) -> bool:
    m = idx[0] if isinstance(idx, tuple) and len(idx) == 1 else idx
    return _is_array_index(m) and _dt(m) == np.bool_ and _shape(m) == shape and len(shape) > 0


def _combine(kind: str, x: Any, v: Any) -> Any:
    if kind == "set":
        return v
    if kind == "add":
        return lax.bitwise_or(x, v) if _dt(x) == np.bool_ else lax.add(x, v)
    if kind == "mul":
        return lax.bitwise_and(x, v) if _dt(x) == np.bool_ else lax.mul(x, v)
    if kind == "min":
        return lax.min(x, v)
    return lax.max(x, v)


# ---------------------------------------------------------------------------
# the .at[] API


class _IndexUpdateHelper:
    """``x.at``: ``x.at[idx]`` gives an :class:`_IndexUpdateRef`."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array = array

    def __getitem__(self, index: Any) -> "_IndexUpdateRef":
        return _IndexUpdateRef(self.array, index)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """``x.at[idx]``: functional updates of ``x`` at ``idx`` (out-of-bounds updates are dropped)."""

    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any):
        self.array = array
        self.index = index

    def __repr__(self) -> str:
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None, fill_value: Any = None, out_sharding: Any = None) -> Any:
        return _rewriting_take(self.array, self.index, mode, fill_value, unique_indices,
                               indices_are_sorted)

    def set(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        return _scatter(self.array, self.index, values, "set", mode, indices_are_sorted, unique_indices)

    def add(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        return _scatter(self.array, self.index, values, "add", mode, indices_are_sorted, unique_indices)

    def subtract(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None) -> Any:
        return self.add(lax.neg(_asarray(values)), indices_are_sorted=indices_are_sorted,
                        unique_indices=unique_indices, mode=mode)

    def multiply(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None) -> Any:
        return _scatter(self.array, self.index, values, "mul", mode, indices_are_sorted, unique_indices)

    mul = multiply

    def divide(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
               mode: Any = None) -> Any:
        from jax_numpy import ufuncs

        x = _asarray(self.array)
        ones = lax.full_like(x, 1)
        denom = _scatter(ones, self.index, values, "mul", mode, indices_are_sorted, unique_indices)
        return ufuncs.divide(x, denom)

    def power(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
              mode: Any = None) -> Any:
        from jax_numpy import ufuncs

        x = _asarray(self.array)
        ones = lax.full_like(x, 1)
        expo = _scatter(ones, self.index, values, "mul", mode, indices_are_sorted, unique_indices)
        return ufuncs.power(x, expo)

    def min(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        return _scatter(self.array, self.index, values, "min", mode, indices_are_sorted, unique_indices)

    def max(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        return _scatter(self.array, self.index, values, "max", mode, indices_are_sorted, unique_indices)

    def apply(self, func: Callable[[Any], Any], *, indices_are_sorted: bool = False,
              unique_indices: bool = False, mode: Any = None) -> Any:
        vals = self.get(indices_are_sorted=indices_are_sorted, unique_indices=unique_indices,
                        mode=None if mode in (None, "drop", "promise_in_bounds") else mode)
        return self.set(func(vals), indices_are_sorted=indices_are_sorted,
                        unique_indices=unique_indices, mode=mode)


# ---------------------------------------------------------------------------
# take / take_along_axis / put


def take(a: Any, indices: Any, axis: int | None = None, out: None = None, mode: str | None = None,
         unique_indices: bool = False, indices_are_sorted: bool = False,
         fill_value: Any = None) -> Any:
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.take is not supported.")
    check_arraylike("take", a, indices)
    a = _asarray(a)
    indices = _asarray(indices)
    if _dt(indices).kind not in "iu":
        raise TypeError(f"take: indices must be integers, got {_dt(indices).name}")
    if axis is None:
        a = lax.reshape(a, (get_aval(a).size,))
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    if mode == "wrap":
        n = _shape(a)[ax]
        indices = _am.remainder(indices, lax.full_like(indices, n)) if n else indices
        mode = "clip"
    elif mode == "raise":
        raise NotImplementedError("The 'raise' mode to jnp.take is not supported (indices are data "
                                  "and cannot raise); use mode='clip', 'wrap' or 'fill'.")
    elif mode is None:
        mode = "fill"
    idx = (slice(None),) * ax + (indices,)
    return _rewriting_take(a, idx, mode=mode, fill_value=fill_value, unique_indices=unique_indices,
                           indices_are_sorted=indices_are_sorted)


def take_along_axis(arr: Any, indices: Any, axis: int | None, mode: Any = None,
                    fill_value: Any = None) -> Any:
    check_arraylike("take_along_axis", arr, indices)
    a = _asarray(arr)
    idx = _asarray(indices)
    if _dt(idx).kind not in "iu":
        raise TypeError(f"take_along_axis indices must be of integer type, got {_dt(idx).name}")
    if axis is None:
        if _util.ndim(idx) != 1:
            raise ValueError(f"when axis=None, `indices` must have a single dimension, got shape "
                             f"{_shape(idx)}")
        a = lax.reshape(a, (get_aval(a).size,))
        axis = 0
    nd = _util.ndim(a)
    if _util.ndim(idx) != nd:
        raise ValueError(f"indices and arr must have the same number of dimensions; "
                         f"{_util.ndim(idx)} vs. {nd}")
    ax = _util.canonicalize_axis(axis, nd)
    a_shape, i_shape = _shape(a), _shape(idx)
    out_shape = []
    for d in range(nd):
        if d == ax:
            out_shape.append(i_shape[d])
        else:
            s = np.broadcast_shapes((a_shape[d],), (i_shape[d],))[0]
            out_shape.append(s)
    out_t = tuple(out_shape)
    n = a_shape[ax]
    idx = _normalize_int_index(idx, n)
    idx = _util.broadcast_to_shape(idx, out_t, "take_along_axis")
    # broadcast arr's other dims to the output where they are 1
    target = tuple(a_shape[d] if d == ax else out_t[d] for d in range(nd))
    a = _util.broadcast_to_shape(a, target, "take_along_axis")
    if mode is None:
        mode = "fill"
    clamp = mode in ("clip", "promise_in_bounds")
    hv = _util.all_host(a, idx) if clamp else None
    if hv is not None and n > 0:
        return Array._from_numpy(np.take_along_axis(hv[0], np.clip(hv[1], 0, n - 1), axis=ax),
                                 get_aval(a).weak_type)
    if n == 0:
        return lax.full(out_t, 0, _dt(a))
    # a gather with the other dimensions as paired batch dimensions
    other = tuple(d for d in range(nd) if d != ax)
    indices_ = lax.expand_dims(idx, (nd,))
    dnums = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(ax,),
                                       start_index_map=(ax,), operand_batching_dims=other,
                                       start_indices_batching_dims=other)
    gmode = lax.GatherScatterMode.CLIP if clamp else lax.GatherScatterMode.FILL_OR_DROP
    return lax.gather(a, indices_, dnums, (1,) * nd, mode=gmode,
                      fill_value=None if clamp else fill_value)


def put(a: Any, ind: Any, v: Any, mode: str | None = None, *, inplace: bool = True) -> Any:
    if inplace:
        raise ValueError("jax.numpy.put cannot modify arrays in-place, because JAX arrays are "
                         "immutable. Pass inplace=False to instead return an updated array.")
    check_arraylike("put", a, ind, v)
    a = _asarray(a)
    flat = lax.reshape(a, (get_aval(a).size,))
    ind = lax.reshape(_asarray(ind), (get_aval(_asarray(ind)).size,))
    v = _asarray(v)
    v = lax.reshape(v, (get_aval(v).size,))
    n = get_aval(ind).size
    if get_aval(v).size != n and get_aval(v).size:
        from jax_numpy.shape_ops import resize

        v = resize(v, (n,))
    size = get_aval(flat).size
    if mode == "wrap":
        ind = _am.remainder(ind, lax.full_like(ind, size))
    elif mode == "clip":
        ind = lax.clamp(lax.full_like(ind, 0), ind, lax.full_like(ind, size - 1))
    elif mode not in (None, "raise"):
        raise ValueError(f"mode should be one of 'wrap' or 'clip'; got {mode!r}")
    out = _scatter(flat, ind, v, "set")
    return lax.reshape(out, _shape(a))


def put_along_axis(arr: Any, indices: Any, values: Any, axis: int | None, inplace: bool = True, *,
                   mode: Any = None) -> Any:
    if inplace:
        raise ValueError("jax.numpy.put_along_axis cannot modify arrays in-place, because JAX "
                         "arrays are immutable. Pass inplace=False to instead return an updated "
                         "array.")
    check_arraylike("put_along_axis", arr, indices, values)
    a = _asarray(arr)
    idx = _asarray(indices)
    if axis is None:
        a_shape = _shape(a)
        flat = lax.reshape(a, (get_aval(a).size,))
        return lax.reshape(put_along_axis(flat, idx, values, 0, inplace=False, mode=mode), a_shape)
    nd = _util.ndim(a)
    ax = _util.canonicalize_axis(axis, nd)
    i_shape = _shape(idx)
    if len(i_shape) != nd:
        raise ValueError(f"indices and arr must have the same number of dimensions; "
                         f"{len(i_shape)} vs. {nd}")
    full = tuple(i_shape[d] if d == ax else _shape(a)[d] for d in range(nd))
    idx = _util.broadcast_to_shape(idx, full, "put_along_axis")
    grid: list = []
    for d in range(nd):
        if d == ax:
            grid.append(idx)
        else:
            r = [1] * nd
            r[d] = full[d]
            grid.append(Array._from_numpy(np.arange(full[d], dtype=dtypes.default_int_dtype()).reshape(r),
                                          False))
    return _scatter(a, tuple(grid), values, "set", mode)


def place(arr: Any, mask: Any, vals: Any, *, inplace: bool = True) -> Any:
    if inplace:
        raise ValueError("jax.numpy.place cannot modify arrays in-place, because JAX arrays are "
                         "immutable. Pass inplace=False to instead return an updated array.")
    check_arraylike("place", arr, mask, vals)
    a = _asarray(arr)
    m = _util.concrete_or_error(mask, "jnp.place: the mask must be concrete")
    m = np.asarray(m, dtype=bool).reshape(-1)
    flat = lax.reshape(a, (get_aval(a).size,))
    pos = np.nonzero(m)[0]
    if pos.size == 0:
        return a
    v = lax.reshape(_asarray(vals), (get_aval(_asarray(vals)).size,))
    if get_aval(v).size == 0:
        raise ValueError("Cannot insert from an empty array!")
    from jax_numpy.shape_ops import resize

    v = resize(v, (pos.size,))
    out = _scatter(flat, Array._from_numpy(pos.astype(dtypes.default_int_dtype()), False), v, "set")
    return lax.reshape(out, _shape(a))


# ---------------------------------------------------------------------------
# compress / extract / choose / select / piecewise


def compress(condition: Any, a: Any, axis: int | None = None, *, size: int | None = None,
             fill_value: Any = 0, out: None = None) -> Any:
    from jax_numpy.sorting import nonzero

    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.compress is not supported.")
    check_arraylike("compress", condition, a)
    cond = _asarray(condition)
    if _util.ndim(cond) != 1:
        raise ValueError("condition must be a 1D array")
    a = _asarray(a)
    if axis is None:
        a = lax.reshape(a, (get_aval(a).size,))
        axis = 0
    ax = _util.canonicalize_axis(axis, _util.ndim(a))
    n = _shape(a)[ax]
    c = _shape(cond)[0]
    if c > n:
        cond = _util.slice_in_dim(cond, 0, n)
    elif c < n:
        cond = lax.pad(cond if _dt(cond) == np.bool_ else lax.ne(cond, lax.full_like(cond, 0)),
                       lax.full((), False, np.bool_), [(0, n - c, 0)])
    if size is None:
        (idx,) = nonzero(cond)
        return take(a, idx, axis=ax, mode="clip")
    (idx,) = nonzero(cond, size=size, fill_value=0)
    count = lax.reduce_sum(lax.convert_element_type(
        cond if _dt(cond) == np.bool_ else lax.ne(cond, lax.full_like(cond, 0)),
        dtypes.default_int_dtype()), (0,))
    res = take(a, idx, axis=ax, mode="clip")
    valid = lax.lt(lax.iota(dtypes.default_int_dtype(), size), lax.broadcast_in_dim(count, (size,), ()))
    valid = lax.broadcast_in_dim(valid, _shape(res), (ax,))
    fv = lax.convert_element_type(_asarray(fill_value), _dt(res))
    return lax.select(valid, res, lax.broadcast_in_dim(fv, _shape(res), ()))


def extract(condition: Any, arr: Any, *, size: int | None = None, fill_value: Any = 0) -> Any:
    check_arraylike("extract", condition, arr)
    cond = _asarray(condition)
    arr = _asarray(arr)
    return compress(lax.reshape(cond, (get_aval(cond).size,)),
                    lax.reshape(arr, (get_aval(arr).size,)), size=size, fill_value=fill_value)


def choose(a: Any, choices: Sequence[Any], out: None = None, mode: str = "raise") -> Any:
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.choose is not supported.")
    check_arraylike("choose", a, *choices)
    a = _asarray(a)
    if _dt(a).kind not in "iu":
        raise ValueError("`a` array must be integer typed")
    n = len(choices)
    if mode == "raise":
        v = _util.concrete_value(a)
        if v is None:
            raise _util.ConcretizationTypeError(
                "jnp.choose with mode='raise' needs concrete indices; use mode='clip' or "
                "mode='wrap' under jit")
        if np.any((np.asarray(v) < 0) | (np.asarray(v) >= n)):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        a = _am.remainder(a, lax.full_like(a, n))
    elif mode == "clip":
        a = lax.clamp(lax.full_like(a, 0), a, lax.full_like(a, n - 1))
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    arrs = _util.promote_dtypes(*[_asarray(c) for c in choices])
    arrs = _util.broadcast_arrays("choose", a, *arrs)
    which = lax.convert_element_type(arrs[0], np.int32)
    return lax.select_n(which, *arrs[1:])


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    if len(condlist) != len(choicelist):
        raise ValueError(f"list of cases must be same length as list of conditions; got "
                         f"{len(condlist)} conditions and {len(choicelist)} choices")
    if not condlist:
        raise ValueError("condlist must be non-empty")
    check_arraylike("select", *condlist, *choicelist, default)
    conds = [_asarray(c) for c in condlist]
    for c in conds:
        if _dt(c) != np.bool_:
            raise TypeError(f"condlist arrays must be of boolean type, got {_dt(c).name}")
    choices = _util.promote_dtypes(_asarray(default), *[_asarray(c) for c in choicelist])
    out = choices[0]
    for c, ch in zip(reversed(conds), reversed(choices[1:])):
        out = _util.where_(c, ch, out)
    return out


def piecewise(x: Any, condlist: Any, funclist: Sequence[Any], *args: Any, **kw: Any) -> Any:
    check_arraylike("piecewise", x)
    x = _asarray(x)
    if isinstance(condlist, (Array, Tracer, np.ndarray)) and _util.ndim(condlist) == _util.ndim(x):
        conds = [_asarray(condlist)]
    elif isinstance(condlist, (bool, np.bool_)):
        conds = [_asarray(condlist)]
    else:
        conds = [_asarray(c) for c in condlist]
    nc, nf = len(conds), len(funclist)
    if nf == nc + 1:
        from jax_numpy.reductions import any as _any

        stacked = lax.concatenate([lax.expand_dims(_util.broadcast_to_shape(c, _shape(x)), (0,))
                                   for c in conds], 0) if conds else None
        other = lax.bitwise_not(_any(stacked, axis=0)) if stacked is not None else \
            lax.full(_shape(x), True, np.bool_)
        conds = conds + [other]
    elif nf != nc:
        raise ValueError(f"with {nc} condition(s), either {nc} or {nc + 1} functions are expected")
    out = lax.full_like(x, 0)
    dt = _dt(x)
    for c, f in zip(conds, funclist):
        val = f(x, *args, **kw) if callable(f) else f
        val = lax.convert_element_type(_asarray(val), dt)
        out = _util.where_(c, val, out)
    return lax.convert_element_type(out, dt)


def fill_diagonal(a: Any, val: Any, wrap: bool = False, *, inplace: bool = True) -> Any:
    if inplace:
        raise ValueError("jax.numpy.fill_diagonal cannot modify arrays in-place, because JAX arrays "
                         "are immutable. Pass inplace=False to instead return an updated array.")
    check_arraylike("fill_diagonal", a, val)
    a = _asarray(a)
    shape = _shape(a)
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    n = builtins.min(shape)
    if len(shape) == 2 and wrap:
        # NumPy's wrap for tall matrices: the diagonal restarts every n+1 rows
        rows = np.arange(0, shape[0] * shape[1], shape[1] + 1) // shape[1]
        rows = rows[rows < shape[0]]
        cols = np.arange(rows.size) % shape[1]
        idx = tuple(Array._from_numpy(r.astype(dtypes.default_int_dtype()), False) for r in (rows, cols))
        count = rows.size
    else:
        r = Array._from_numpy(np.arange(n, dtype=dtypes.default_int_dtype()), False)
        idx = (r,) * len(shape)
        count = n
    v = _asarray(val)
    v = lax.reshape(v, (get_aval(v).size,))
    if get_aval(v).size != count:
        from jax_numpy.shape_ops import resize

        v = resize(v, (count,)) if get_aval(v).size else v
    return _scatter(a, idx, v, "set")
