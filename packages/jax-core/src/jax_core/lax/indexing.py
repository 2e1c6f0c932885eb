"""Indexing primitives: dynamic_slice, dynamic_update_slice, gather and the scatters.

Indices are data here (unlike ``slice``/``pad``): they are operands, may be
traced, and out-of-bounds values follow XLA's rules -- dynamic slices clamp
their start indices; gather and scatter follow a :class:`GatherScatterMode`.

As in modern JAX, the index vector of ``gather``/``scatter`` is always the
*last* dimension of the indices array; every other indices dimension is a
batch (scatter) dimension.  The NumPy implementations build the full grid of
operand coordinates with broadcasting and move data with one fancy-index or
one ``ufunc.at`` call: no Python loop runs per index.
"""
from __future__ import annotations

import enum
import functools
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.lax.elementwise import add, lt, select
from jax_core.lax.primitive_util import is_numeric, standard_primitive
from jax_core.lax.structural import convert_element_type, expand_dims, slice, squeeze

# ---------------------------------------------------------------------------
# dimension numbers and modes


def _int_tuple(xs: Any) -> tuple[int, ...]:
    return tuple(int(x) for x in xs)


class _GatherDimensionNumbers(NamedTuple):
    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class GatherDimensionNumbers(_GatherDimensionNumbers):
    """How the dimensions of ``operand``, ``start_indices`` and the output of a gather relate.

    * ``offset_dims``: output dimensions that index into a slice (sorted);
    * ``collapsed_slice_dims``: operand dimensions of slice size 1 dropped
      from the output (sorted);
    * ``start_index_map``: for each entry of the index vector (the last
      dimension of ``start_indices``), the operand dimension it starts;
    * ``operand_batching_dims`` / ``start_indices_batching_dims``: paired
      batch dimensions of the operand (slice size 1) and of the indices.

    Fields are normalized to tuples of Python ints, so values are hashable
    jaxpr parameters and print readably.
    """

    __slots__ = ()

    def __new__(cls, offset_dims: Sequence[int], collapsed_slice_dims: Sequence[int],
                start_index_map: Sequence[int], operand_batching_dims: Sequence[int] = (),
                start_indices_batching_dims: Sequence[int] = ()) -> "GatherDimensionNumbers":
        return super().__new__(cls, _int_tuple(offset_dims), _int_tuple(collapsed_slice_dims),
                               _int_tuple(start_index_map), _int_tuple(operand_batching_dims),
                               _int_tuple(start_indices_batching_dims))

    @classmethod
    def _make(cls, iterable: Any) -> "GatherDimensionNumbers":  # type: ignore[override]
        # _replace builds through _make; keep the field normalization there too
        return cls(*iterable)


class _ScatterDimensionNumbers(NamedTuple):
    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(_ScatterDimensionNumbers):
    """How the dimensions of ``operand``, ``scatter_indices`` and ``updates`` relate.

    * ``update_window_dims``: dimensions of ``updates`` that are window
      dimensions (sorted);
    * ``inserted_window_dims``: operand dimensions of window size 1 that
      have no dimension in ``updates`` (sorted; gather's collapsed dims);
    * ``scatter_dims_to_operand_dims``: for each entry of the index vector
      (the last dimension of ``scatter_indices``), the operand dimension;
    * ``operand_batching_dims`` / ``scatter_indices_batching_dims``: paired
      batch dimensions of the operand and of the indices.
    """

    __slots__ = ()

    def __new__(cls, update_window_dims: Sequence[int], inserted_window_dims: Sequence[int],
                scatter_dims_to_operand_dims: Sequence[int], operand_batching_dims: Sequence[int] = (),
                scatter_indices_batching_dims: Sequence[int] = ()) -> "ScatterDimensionNumbers":
        return super().__new__(cls, _int_tuple(update_window_dims), _int_tuple(inserted_window_dims),
                               _int_tuple(scatter_dims_to_operand_dims),
                               _int_tuple(operand_batching_dims),
                               _int_tuple(scatter_indices_batching_dims))

    @classmethod
    def _make(cls, iterable: Any) -> "ScatterDimensionNumbers":  # type: ignore[override]
        return cls(*iterable)


class GatherScatterMode(enum.Enum):
    """What gather and scatter do with out-of-bounds indices.

    * ``CLIP``: clamp start indices so that the whole window is in bounds;
    * ``FILL_OR_DROP``: a gathered window that is partly out of bounds is
      returned filled with ``fill_value``; such a scattered window is dropped;
    * ``PROMISE_IN_BOUNDS``: the caller promises in-bounds indices; as with
      XLA, gathers clamp and scatters drop.
    """

    CLIP = enum.auto()
    FILL_OR_DROP = enum.auto()
    PROMISE_IN_BOUNDS = enum.auto()

    @staticmethod
    def from_any(s: "str | GatherScatterMode | None") -> "GatherScatterMode":
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f'Unknown gather mode "{s}"')


def _as_gather_dnums(d: Any) -> GatherDimensionNumbers:
    if isinstance(d, GatherDimensionNumbers):
        return d
    if isinstance(d, dict):
        return GatherDimensionNumbers(**d)
    if isinstance(d, tuple) and hasattr(d, "_fields"):
        return GatherDimensionNumbers(*d)
    raise TypeError(f"gather dimension_numbers must be a lax.GatherDimensionNumbers, got {d!r}")


def _as_scatter_dnums(d: Any) -> ScatterDimensionNumbers:
    if isinstance(d, ScatterDimensionNumbers):
        return d
    if isinstance(d, dict):
        return ScatterDimensionNumbers(**d)
    if isinstance(d, tuple) and hasattr(d, "_fields"):
        return ScatterDimensionNumbers(*d)
    raise TypeError(f"scatter dimension_numbers must be a lax.ScatterDimensionNumbers, got {d!r}")


# ---------------------------------------------------------------------------
# checks shared by gather and scatter (messages follow XLA's / JAX's)


def _is_sorted(dims: tuple, op: str, name: str) -> None:
    if list(dims) != sorted(dims):
        raise TypeError(f"{name} in {op} op must be sorted; got {dims}")


def _dims_in_range(dims: tuple, rank: int, op: str, name: str) -> None:
    for d in dims:
        if not 0 <= d < rank:
            raise TypeError(f"Invalid {name} set in {op} op; valid range is [0, {rank}); got: {d}.")


def _no_duplicate_dims(dims: tuple, op: str, name: str) -> None:
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name} in {op} op must not repeat; got: {dims}.")


def _disjoint_dims(d1: tuple, d2: tuple, op: str, n1: str, n2: str) -> None:
    if set(d1) & set(d2):
        raise TypeError(f"{n1} and {n2} in {op} op must be disjoint; got: {d1} and {d2}.")


def _check_index_dtype(name: str, indices: ShapedArray) -> None:
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{name}: indices must have an integer type, got {indices.dtype.name}")
    if indices.ndim < 1:
        raise TypeError(f"{name}: indices must have rank >= 1 (the last dimension is the index "
                        f"vector; add a trailing dimension of size 1 for scalar indices), got "
                        f"shape {indices.shape}")


# ---------------------------------------------------------------------------
# index grids for the NumPy implementations


def _window_starts(indices: np.ndarray, operand_ndim: int, index_map: tuple,
                   operand_batching_dims: tuple, indices_batching_dims: tuple
                   ) -> tuple[np.ndarray, tuple[int, ...]]:
    """The (N, operand_ndim) int64 start of every window, and the indices' batch shape."""
    batch_shape = indices.shape[:-1]
    n = int(np.prod(batch_shape, dtype=np.int64))
    starts = np.zeros((n, operand_ndim), np.int64)
    if index_map:
        if indices.dtype == np.uint64:
            indices = np.minimum(indices, np.iinfo(np.int64).max)
        starts[:, list(index_map)] = indices.reshape(n, len(index_map))
    if operand_batching_dims:
        coords = np.unravel_index(np.arange(n), batch_shape)
        for od, idd in zip(operand_batching_dims, indices_batching_dims):
            starts[:, od] = coords[idd]
    return starts, batch_shape


def _window_index(starts: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, ...]:
    """Per operand dimension, broadcastable coordinates of shape (N, *sizes)."""
    rank = len(sizes)
    n = starts.shape[0]
    out = []
    for d, s in enumerate(sizes):
        col = starts[:, d].reshape((n,) + (1,) * rank)
        offs = np.arange(s, dtype=np.int64).reshape((1,) + (1,) * d + (s,) + (1,) * (rank - d - 1))
        out.append(col + offs)
    return tuple(out)


def _in_bounds(starts: np.ndarray, dims: list[int], upper: np.ndarray) -> np.ndarray:
    s = starts[:, dims]
    return np.all((s >= 0) & (s <= upper[dims]), axis=1)


# ---------------------------------------------------------------------------
# gather


@functools.lru_cache(maxsize=512)
def _gather_shape(operand: ShapedArray, indices: ShapedArray, dnums: GatherDimensionNumbers,
                  slice_sizes: tuple) -> tuple[int, ...]:
    _check_index_dtype("gather", indices)
    offset_dims = dnums.offset_dims
    collapsed = dnums.collapsed_slice_dims
    index_map = dnums.start_index_map
    op_batch = dnums.operand_batching_dims
    idx_batch = dnums.start_indices_batching_dims
    index_vector_dim = indices.ndim - 1

    _is_sorted(offset_dims, "gather", "offset_dims")
    _no_duplicate_dims(offset_dims, "gather", "offset_dims")
    out_rank = len(offset_dims) + indices.ndim - 1
    for i, d in enumerate(offset_dims):
        if not 0 <= d < out_rank:
            raise TypeError(f"Offset dimension {i} in gather op is out of bounds; got {d}, but "
                            f"should have been in [0, {out_rank})")
    if len(index_map) != indices.shape[index_vector_dim]:
        raise TypeError(f"Gather op has {len(index_map)} elements in start_index_map and the "
                        f"bound of dimension index_vector_dim={index_vector_dim} of indices is "
                        f"{indices.shape[index_vector_dim]}. These two numbers must be equal.")
    for i, d in enumerate(index_map):
        if not 0 <= d < operand.ndim:
            raise TypeError(f"Invalid start_index_map; domain is [0, {operand.ndim}), got: {i}->{d}.")
    _no_duplicate_dims(index_map, "gather", "start_index_map")
    _is_sorted(collapsed, "gather", "collapsed_slice_dims")
    _dims_in_range(collapsed, operand.ndim, "gather", "collapsed_slice_dims")
    _no_duplicate_dims(collapsed, "gather", "collapsed_slice_dims")
    _no_duplicate_dims(op_batch, "gather", "operand_batching_dims")
    _is_sorted(op_batch, "gather", "operand_batching_dims")
    _dims_in_range(op_batch, operand.ndim, "gather", "operand_batching_dims")
    _disjoint_dims(collapsed, op_batch, "gather", "collapsed_slice_dims", "operand_batching_dims")
    _disjoint_dims(index_map, op_batch, "gather", "start_index_map", "operand_batching_dims")
    _no_duplicate_dims(idx_batch, "gather", "start_indices_batching_dims")
    _dims_in_range(idx_batch, indices.ndim, "gather", "start_indices_batching_dims")
    if index_vector_dim in idx_batch:
        raise TypeError(f"Gather op cannot have the index vector dimension as a batching "
                        f"dimension; got {idx_batch}.")
    if len(op_batch) != len(idx_batch):
        raise TypeError(f"Gather op requires equal numbers of operand_batching_dims and "
                        f"start_indices_batching_dims, got {op_batch} and {idx_batch}.")
    op_bshape = tuple(operand.shape[i] for i in op_batch)
    idx_bshape = tuple(indices.shape[i] for i in idx_batch)
    if op_bshape != idx_bshape:
        raise TypeError(f"Gather op requires operand batching dimensions and indices batching "
                        f"dimensions to have the same shape, got {op_bshape} and {idx_bshape}.")
    if len(slice_sizes) != operand.ndim:
        raise TypeError(f"Gather op must have one slice size for every input dimension; got: "
                        f"len(slice_sizes)={len(slice_sizes)}, input_shape.rank={operand.ndim}")
    if len(slice_sizes) != len(offset_dims) + len(collapsed) + len(op_batch):
        raise TypeError(f"All components of the offset index in a gather op must either be a "
                        f"offset dimension or explicitly collapsed/batching; got "
                        f"len(slice_sizes)={len(slice_sizes)}, output_slice_sizes={offset_dims}, "
                        f"collapsed_slice_dims={collapsed}, operand_batching_dims={op_batch}.")
    for i, (s, d) in enumerate(zip(slice_sizes, operand.shape)):
        if not 0 <= s <= d:
            raise TypeError(f"Slice size at index {i} in gather op is out of range, must be "
                            f"within [0, {d} + 1), got {s}.")
    for i, d in enumerate(collapsed):
        if slice_sizes[d] != 1:
            raise TypeError(f"Gather op can only collapse slice dims with bound 1, but bound is "
                            f"{slice_sizes[d]} for index {d} at position {i}.")
    for i, d in enumerate(op_batch):
        if slice_sizes[d] > 1:
            raise TypeError(f"Gather op can only have operand batching dims with bound 0/1, but "
                            f"bound is {slice_sizes[d]} for index {d} at position {i}.")
    batch_sizes = iter(indices.shape[:-1])
    window = iter(s for i, s in enumerate(slice_sizes) if i not in collapsed and i not in op_batch)
    return tuple(next(window) if i in offset_dims else next(batch_sizes) for i in range(out_rank))


def _gather_abstract_eval(operand: ShapedArray, indices: ShapedArray, *,
                          dimension_numbers: GatherDimensionNumbers, slice_sizes: tuple,
                          unique_indices: bool, indices_are_sorted: bool,
                          mode: GatherScatterMode, fill_value: Any) -> ShapedArray:
    if not isinstance(dimension_numbers, GatherDimensionNumbers):
        raise TypeError(f"gather dimension_numbers must be a lax.GatherDimensionNumbers, got "
                        f"{dimension_numbers!r}")
    shape = _gather_shape(operand, indices, dimension_numbers, _int_tuple(slice_sizes))
    return ShapedArray(shape, operand.dtype, operand.weak_type)


class _GatherPlan(NamedTuple):
    window_shape: tuple[int, ...]
    perm: tuple[int, ...] | None  # (batch dims + window dims) -> output order; None: identity
    upper: tuple[int, ...]  # largest in-bounds start, per start_index_map entry
    simple: bool  # indexed dims have slice size 1, every other dim is taken whole


@functools.lru_cache(maxsize=512)
def _gather_plan(operand_shape: tuple, indices_shape: tuple, dn: GatherDimensionNumbers,
                 slice_sizes: tuple) -> _GatherPlan:
    rank = len(operand_shape)
    keep = [d for d in range(rank) if d not in dn.collapsed_slice_dims
            and d not in dn.operand_batching_dims]
    nb = len(indices_shape) - 1
    perm, b = [], 0
    for p in range(nb + len(keep)):
        if p in dn.offset_dims:
            perm.append(nb + dn.offset_dims.index(p))
        else:
            perm.append(b)
            b += 1
    simple = (not dn.operand_batching_dims
              and all(slice_sizes[d] == 1 for d in dn.start_index_map)
              and all(slice_sizes[d] == operand_shape[d] for d in range(rank)
                      if d not in dn.start_index_map))
    return _GatherPlan(tuple(slice_sizes[d] for d in keep),
                       None if perm == list(range(len(perm))) else tuple(perm),
                       tuple(operand_shape[d] - slice_sizes[d] for d in dn.start_index_map), simple)


def _gather_impl(operand: np.ndarray, indices: np.ndarray, *,
                 dimension_numbers: GatherDimensionNumbers, slice_sizes: tuple,
                 unique_indices: bool, indices_are_sorted: bool,
                 mode: GatherScatterMode, fill_value: Any) -> np.ndarray:
    dn = dimension_numbers
    plan = _gather_plan(operand.shape, indices.shape, dn, tuple(slice_sizes))
    batch_shape = indices.shape[:-1]
    index_map = list(dn.start_index_map)
    fill = mode == GatherScatterMode.FILL_OR_DROP and bool(index_map)
    mask = None

    if plan.simple:
        # x[idx], x[:, idx], x[i, j]...: advanced indexing with the (clamped) index columns
        if indices.dtype == np.uint64:
            indices = np.minimum(indices, np.iinfo(np.int64).max).astype(np.int64)
        cols = []
        for k, up in enumerate(plan.upper):
            col = indices[..., k]
            if fill:
                ok = (col >= 0) & (col <= up)
                mask = ok if mask is None else mask & ok
            cols.append(np.minimum(np.maximum(col, 0), up))
        src = operand
        if index_map != list(range(len(index_map))):
            src = np.moveaxis(operand, index_map, list(range(len(index_map))))
        win = src[tuple(cols)] if cols else np.broadcast_to(src, batch_shape + src.shape)
        win = win.reshape(batch_shape + plan.window_shape)
        if mask is not None and not mask.all():
            fv = np.asarray(0 if fill_value is None else fill_value).astype(operand.dtype)
            win = np.where(mask.reshape(mask.shape + (1,) * len(plan.window_shape)), win, fv)
    else:
        starts, _ = _window_starts(indices, operand.ndim, dn.start_index_map,
                                   dn.operand_batching_dims, dn.start_indices_batching_dims)
        n = starts.shape[0]
        if index_map:
            upper = np.array(plan.upper, np.int64)
            if fill:
                s = starts[:, index_map]
                mask = np.all((s >= 0) & (s <= upper), axis=1)
            starts[:, index_map] = np.clip(starts[:, index_map], 0, upper)
        if operand.ndim == 0:
            win = np.broadcast_to(operand, (n,))
        else:
            win = operand[_window_index(starts, slice_sizes)]
        win = win.reshape((n,) + plan.window_shape)
        if mask is not None and not mask.all():
            fv = np.asarray(0 if fill_value is None else fill_value).astype(operand.dtype)
            win = np.where(mask.reshape((n,) + (1,) * len(plan.window_shape)), win, fv)
        win = win.reshape(batch_shape + plan.window_shape)
    return win if plan.perm is None else np.transpose(win, plan.perm)


gather_p = standard_primitive("gather", _gather_abstract_eval, _gather_impl)


def _default_fill_value(dtype: np.dtype) -> Any:
    if dtype.kind in "fc" or dtype == dtypes.bfloat16:
        return np.nan
    if dtype.kind == "i":
        return int(np.iinfo(dtype).min)
    if dtype.kind == "u":
        return int(np.iinfo(dtype).max)
    if dtype.kind == "b":
        return True
    raise ValueError(f"Unsupported dtype for gather fill_value {dtype}")


def gather(operand: Any, start_indices: Any, dimension_numbers: GatherDimensionNumbers,
           slice_sizes: Sequence[int], *, unique_indices: bool = False,
           indices_are_sorted: bool = False, mode: "str | GatherScatterMode | None" = None,
           fill_value: Any = None) -> Any:
    """XLA's Gather: slices of ``operand`` starting at ``start_indices``.

    ``mode=None`` means ``PROMISE_IN_BOUNDS`` (out-of-bounds starts are
    clamped, as XLA does).  With ``'fill'``, windows that are partly out of
    bounds come back as ``fill_value``: by default NaN for inexact dtypes,
    the minimum of signed, the maximum of unsigned integers, True for bool.
    """
    parsed = GatherScatterMode.PROMISE_IN_BOUNDS if mode is None else GatherScatterMode.from_any(mode)
    if parsed == GatherScatterMode.FILL_OR_DROP:
        if fill_value is None:
            fill_value = _default_fill_value(get_aval(operand).dtype)
        elif isinstance(fill_value, (np.ndarray, np.generic, Array)):
            fill_value = np.asarray(fill_value).item()
    else:
        fill_value = None
    return gather_p.bind(operand, start_indices, dimension_numbers=_as_gather_dnums(dimension_numbers),
                         slice_sizes=_int_tuple(slice_sizes), unique_indices=bool(unique_indices),
                         indices_are_sorted=bool(indices_are_sorted), mode=parsed,
                         fill_value=fill_value)


# ---------------------------------------------------------------------------
# scatter family


@functools.lru_cache(maxsize=512)
def _scatter_check(name: str, operand: ShapedArray, indices: ShapedArray, updates: ShapedArray,
                   dnums: ScatterDimensionNumbers) -> None:
    _check_index_dtype(name, indices)
    if operand.dtype != updates.dtype:
        raise TypeError(f"lax.{name.replace('-', '_')} requires arguments to have the same dtypes, "
                        f"got {operand.dtype.name}, {updates.dtype.name}.")
    if name in ("scatter-add", "scatter-mul") and not is_numeric(operand.dtype):
        raise TypeError(f"{name} does not accept dtype {operand.dtype.name}; it needs a numeric "
                        f"dtype")
    uwd = dnums.update_window_dims
    iwd = dnums.inserted_window_dims
    sd2od = dnums.scatter_dims_to_operand_dims
    op_batch = dnums.operand_batching_dims
    idx_batch = dnums.scatter_indices_batching_dims
    index_vector_dim = indices.ndim - 1
    expected_rank = indices.ndim - 1 + len(uwd)
    if updates.ndim != expected_rank:
        raise TypeError(f"Updates tensor must be of rank {expected_rank}; got {updates.ndim}.")
    _is_sorted(uwd, "scatter", "update_window_dims")
    _no_duplicate_dims(uwd, "scatter", "update_window_dims")
    _dims_in_range(uwd, updates.ndim, "scatter", "update_window_dims")
    _is_sorted(iwd, "scatter", "inserted_window_dims")
    _no_duplicate_dims(iwd, "scatter", "inserted_window_dims")
    _dims_in_range(iwd, operand.ndim, "scatter", "inserted_window_dims")
    _is_sorted(op_batch, "scatter", "operand_batching_dims")
    _no_duplicate_dims(op_batch, "scatter", "operand_batching_dims")
    _dims_in_range(op_batch, operand.ndim, "scatter", "operand_batching_dims")
    _disjoint_dims(iwd, op_batch, "scatter", "inserted_window_dims", "operand_batching_dims")
    _disjoint_dims(sd2od, op_batch, "scatter", "scatter_dims_to_operand_dims",
                   "operand_batching_dims")
    _no_duplicate_dims(idx_batch, "scatter", "scatter_indices_batching_dims")
    _dims_in_range(idx_batch, indices.ndim, "scatter", "scatter_indices_batching_dims")
    if index_vector_dim in idx_batch:
        raise TypeError(f"Scatter op cannot have the index vector dimension as a batching "
                        f"dimension; got {idx_batch}.")
    if len(op_batch) != len(idx_batch):
        raise TypeError(f"Scatter op requires equal numbers of operand_batching_dims and "
                        f"scatter_indices_batching_dims, got {op_batch} and {idx_batch}.")
    op_bshape = tuple(operand.shape[i] for i in op_batch)
    idx_bshape = tuple(indices.shape[i] for i in idx_batch)
    if op_bshape != idx_bshape:
        raise TypeError(f"Scatter op requires operand batching dimensions and indices batching "
                        f"dimensions to have the same shape, got {op_bshape} and {idx_bshape}.")
    window_size = len(uwd) + len(iwd) + len(op_batch)
    if operand.ndim != window_size:
        raise TypeError(f"Scatter op has window of size {window_size}; doesn't match operand of "
                        f"rank {operand.ndim}.")
    if len(sd2od) != indices.shape[index_vector_dim]:
        raise TypeError(f"Scatter op has {len(sd2od)} elements in scatter_dims_to_operand_dims "
                        f"and the bound of dimension index_vector_dim={index_vector_dim} of "
                        f"indices is {indices.shape[index_vector_dim]}. These two numbers must be "
                        f"equal")
    for i, d in enumerate(sd2od):
        if not 0 <= d < operand.ndim:
            raise TypeError(f"Invalid scatter_dims_to_operand_dims mapping; domain is "
                            f"[0, {operand.ndim}), got: {i}->{d}.")
    _no_duplicate_dims(sd2od, "scatter", "scatter_dims_to_operand_dims")
    max_window = [operand.shape[i] for i in range(operand.ndim) if i not in iwd and i not in op_batch]
    for i, d in enumerate(uwd):
        if max_window[i] < updates.shape[d]:
            raise TypeError(f"Bounds of the window dimensions of updates must not exceed the "
                            f"bounds of the corresponding dimensions of operand. For dimension "
                            f"{d}, updates bound is {updates.shape[d]}, operand bound is "
                            f"{max_window[i]}.")
    scatter_dims = [d for d in range(updates.ndim) if d not in uwd]
    for i, d in zip(range(index_vector_dim), scatter_dims):
        if updates.shape[d] != indices.shape[i]:
            raise TypeError(f"Bounds of the scatter dimensions of updates must be the same as the "
                            f"bounds of the corresponding dimensions of scatter indices. For "
                            f"scatter dimension {d}, updates bound is {updates.shape[d]}, indices "
                            f"bound is {indices.shape[i]}.")


def _scatter_abstract_eval(name: str) -> Callable[..., ShapedArray]:
    def rule(operand: ShapedArray, indices: ShapedArray, updates: ShapedArray, *,
             dimension_numbers: ScatterDimensionNumbers, indices_are_sorted: bool,
             unique_indices: bool, mode: GatherScatterMode, update_jaxpr: Any = None,
             update_consts: Any = ()) -> ShapedArray:
        if not isinstance(dimension_numbers, ScatterDimensionNumbers):
            raise TypeError(f"{name} dimension_numbers must be a lax.ScatterDimensionNumbers, got "
                            f"{dimension_numbers!r}")
        _scatter_check(name, operand, indices, updates, dimension_numbers)
        return ShapedArray(operand.shape, operand.dtype, operand.weak_type)

    return rule


_scatter_ufuncs: dict[str, Any] = {
    "scatter-add": np.add, "scatter-mul": np.multiply,
    "scatter-min": np.minimum, "scatter-max": np.maximum,
}


class _ScatterPlan(NamedTuple):
    sizes: tuple[int, ...]  # window size per operand dimension
    upd_perm: tuple[int, ...] | None  # updates -> (scatter dims, window dims); None: identity
    strides: tuple[int, ...]  # operand strides, in elements
    upper: tuple[int, ...]  # largest in-bounds start, per scatter_dims_to_operand_dims entry
    rest_shape: tuple[int, ...] | None  # simple plans: the whole dims a window spans...
    rest_offsets: np.ndarray | None  # ...and their flat offsets, of shape rest_shape


@functools.lru_cache(maxsize=512)
def _scatter_plan(operand_shape: tuple, updates_shape: tuple, dn: ScatterDimensionNumbers) -> _ScatterPlan:
    rank = len(operand_shape)
    sizes, pos = [], 0
    for d in range(rank):
        if d in dn.inserted_window_dims or d in dn.operand_batching_dims:
            sizes.append(1)
        else:
            sizes.append(updates_shape[dn.update_window_dims[pos]])
            pos += 1
    perm = [d for d in range(len(updates_shape)) if d not in dn.update_window_dims]
    perm += list(dn.update_window_dims)
    strides = [1] * rank
    for d in range(rank - 2, -1, -1):
        strides[d] = strides[d + 1] * operand_shape[d + 1]
    index_map = dn.scatter_dims_to_operand_dims
    simple = (not dn.operand_batching_dims and all(sizes[d] == 1 for d in index_map)
              and all(sizes[d] == operand_shape[d] for d in range(rank) if d not in index_map))
    rest_shape, rest_offsets = None, None
    if simple:
        rest = [d for d in range(rank) if d not in index_map]
        rest_shape = tuple(operand_shape[d] for d in rest)
        rest_offsets = np.zeros(rest_shape, np.int64)
        for i, d in enumerate(rest):
            rest_offsets = rest_offsets + (np.arange(operand_shape[d], dtype=np.int64) * strides[d]).reshape(
                (1,) * i + (operand_shape[d],) + (1,) * (len(rest) - i - 1))
    return _ScatterPlan(tuple(sizes), None if perm == sorted(perm) else tuple(perm), tuple(strides),
                        tuple(operand_shape[d] - sizes[d] for d in index_map), rest_shape, rest_offsets)


def _scatter_impl(name: str) -> Callable[..., np.ndarray]:
    ufunc = _scatter_ufuncs.get(name)

    def impl(operand: np.ndarray, indices: np.ndarray, updates: np.ndarray, *,
             dimension_numbers: ScatterDimensionNumbers, indices_are_sorted: bool,
             unique_indices: bool, mode: GatherScatterMode, update_jaxpr: Any = None,
             update_consts: Any = ()) -> np.ndarray:
        dn = dimension_numbers
        plan = _scatter_plan(operand.shape, updates.shape, dn)
        index_map = list(dn.scatter_dims_to_operand_dims)
        clip = mode == GatherScatterMode.CLIP
        upd = updates if plan.upd_perm is None else np.transpose(updates, plan.upd_perm)
        if indices.dtype == np.uint64:
            indices = np.minimum(indices, np.iinfo(np.int64).max)

        if plan.rest_offsets is not None:
            # every window spans whole dims: one flat offset per index row plus a fixed pattern
            base = np.zeros(indices.shape[:-1], np.int64)
            cols, ok = [], None
            for k, (d, up) in enumerate(zip(index_map, plan.upper)):
                col = indices[..., k].astype(np.int64)
                if clip:
                    col = np.minimum(np.maximum(col, 0), up)
                else:  # FILL_OR_DROP, and XLA's behaviour for PROMISE_IN_BOUNDS: drop the window
                    good = (col >= 0) & (col <= up)
                    ok = good if ok is None else ok & good
                cols.append(col)
                base += col * plan.strides[d]
            upd = upd.reshape(base.shape + plan.rest_shape)  # type: ignore[operator]
            if ok is not None and not ok.all():
                base, upd, cols = base[ok], upd[ok], [c[ok] for c in cols]
            if ufunc is None and cols:  # whole-row assignment beats flat element indices here
                out = np.array(operand, copy=True)
                view = out
                if index_map != list(range(len(index_map))):
                    view = np.moveaxis(out, index_map, list(range(len(index_map))))
                view[tuple(cols)] = upd
                return out
            lin = base.reshape(base.shape + (1,) * len(plan.rest_shape)) + plan.rest_offsets  # type: ignore[arg-type]
        else:
            starts, _ = _window_starts(indices, operand.ndim, dn.scatter_dims_to_operand_dims,
                                       dn.operand_batching_dims, dn.scatter_indices_batching_dims)
            upd = upd.reshape((starts.shape[0],) + plan.sizes)
            if index_map:
                upper = np.array(plan.upper, np.int64)
                s = starts[:, index_map]
                if clip:
                    starts[:, index_map] = np.clip(s, 0, upper)
                else:
                    ok = np.all((s >= 0) & (s <= upper), axis=1)
                    if not ok.all():
                        starts, upd = starts[ok], upd[ok]
            lin = np.zeros((1,) * (operand.ndim + 1), np.int64)
            for c, stride in zip(_window_index(starts, plan.sizes), plan.strides):
                lin = lin + c * stride

        out = np.array(operand, copy=True, order="C")
        flat = out.reshape(-1)
        lin = np.broadcast_to(lin, upd.shape).reshape(-1)
        if ufunc is None:  # plain scatter: later updates overwrite earlier ones
            flat[lin] = upd.reshape(-1)
        else:
            ufunc.at(flat, lin, upd.reshape(-1))
        return out

    return impl


def _scatter_primitive(name: str) -> Any:
    return standard_primitive(name, _scatter_abstract_eval(name), _scatter_impl(name))


scatter_p = _scatter_primitive("scatter")
scatter_add_p = _scatter_primitive("scatter-add")
scatter_mul_p = _scatter_primitive("scatter-mul")
scatter_min_p = _scatter_primitive("scatter-min")
scatter_max_p = _scatter_primitive("scatter-max")


def _scatter_bind(prim: Any, operand: Any, scatter_indices: Any, updates: Any,
                  dimension_numbers: Any, indices_are_sorted: bool, unique_indices: bool,
                  mode: Any) -> Any:
    return prim.bind(operand, scatter_indices, updates,
                     dimension_numbers=_as_scatter_dnums(dimension_numbers),
                     indices_are_sorted=bool(indices_are_sorted),
                     unique_indices=bool(unique_indices),
                     mode=GatherScatterMode.from_any(mode), update_jaxpr=None, update_consts=())


def scatter(operand: Any, scatter_indices: Any, updates: Any,
            dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
            unique_indices: bool = False, mode: "str | GatherScatterMode | None" = None) -> Any:
    """XLA's Scatter where ``updates`` replace values of ``operand``.

    ``mode=None`` means ``FILL_OR_DROP``: out-of-bounds update windows are dropped.
    """
    return _scatter_bind(scatter_p, operand, scatter_indices, updates, dimension_numbers,
                         indices_are_sorted, unique_indices, mode)


def scatter_add(operand: Any, scatter_indices: Any, updates: Any,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: "str | GatherScatterMode | None" = None) -> Any:
    """Scatter where updates are added to ``operand`` (duplicates accumulate)."""
    return _scatter_bind(scatter_add_p, operand, scatter_indices, updates, dimension_numbers,
                         indices_are_sorted, unique_indices, mode)


def scatter_mul(operand: Any, scatter_indices: Any, updates: Any,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: "str | GatherScatterMode | None" = None) -> Any:
    """Scatter where ``operand`` is multiplied by the updates."""
    return _scatter_bind(scatter_mul_p, operand, scatter_indices, updates, dimension_numbers,
                         indices_are_sorted, unique_indices, mode)


def scatter_min(operand: Any, scatter_indices: Any, updates: Any,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: "str | GatherScatterMode | None" = None) -> Any:
    """Scatter keeping the minimum of ``operand`` and the updates."""
    return _scatter_bind(scatter_min_p, operand, scatter_indices, updates, dimension_numbers,
                         indices_are_sorted, unique_indices, mode)


def scatter_max(operand: Any, scatter_indices: Any, updates: Any,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: "str | GatherScatterMode | None" = None) -> Any:
    """Scatter keeping the maximum of ``operand`` and the updates."""
    return _scatter_bind(scatter_max_p, operand, scatter_indices, updates, dimension_numbers,
                         indices_are_sorted, unique_indices, mode)


# ---------------------------------------------------------------------------
# dynamic_slice / dynamic_update_slice


def _check_scalar_indices(name: str, operand: ShapedArray, idx: Sequence[ShapedArray]) -> None:
    if len(idx) != operand.ndim:
        raise TypeError(f"{name} start_indices must have length equal to the number of dimensions "
                        f"of the operand, got {len(idx)} indices for operand shape {operand.shape}.")
    if any(i.ndim != 0 for i in idx):
        raise TypeError(f"start_indices arguments to {name} must be scalars, got indices of "
                        f"shapes {[i.shape for i in idx]}")
    if any(i.dtype != idx[0].dtype or i.dtype.kind not in "iu" for i in idx):
        raise TypeError(f"index arguments to {name} must be integers of the same type, got: "
                        f"{', '.join(i.dtype.name for i in idx)}")


def _dynamic_slice_abstract_eval(operand: ShapedArray, *start_indices: ShapedArray,
                                 slice_sizes: tuple) -> ShapedArray:
    if len(start_indices) != len(slice_sizes):
        raise TypeError(f"dynamic_slice slice_sizes must have the same length as start_indices, "
                        f"got start_indices length {len(start_indices)} and slice_sizes "
                        f"{slice_sizes}.")
    _check_scalar_indices("dynamic_slice", operand, start_indices)
    if not all(0 <= s <= d for s, d in zip(slice_sizes, operand.shape)):
        raise TypeError(f"dynamic_slice slice_sizes must be non-negative and less than or equal "
                        f"to operand shape, got slice_sizes {slice_sizes} for operand shape "
                        f"{operand.shape}.")
    return ShapedArray(_int_tuple(slice_sizes), operand.dtype, operand.weak_type)


def _clamped_slices(shape: Sequence[int], starts: Sequence[Any], sizes: Sequence[int]) -> tuple:
    out = []
    for d, i, s in zip(shape, starts, sizes):
        st = min(max(int(i), 0), d - s)  # XLA clamps so the whole window is in bounds
        out.append(np.s_[st:st + s])
    return tuple(out)


def _dynamic_slice_impl(operand: np.ndarray, *start_indices: np.ndarray, slice_sizes: tuple) -> np.ndarray:
    return operand[_clamped_slices(operand.shape, start_indices, slice_sizes)]


dynamic_slice_p = standard_primitive("dynamic_slice", _dynamic_slice_abstract_eval, _dynamic_slice_impl)


def _dynamic_update_slice_abstract_eval(operand: ShapedArray, update: ShapedArray,
                                        *start_indices: ShapedArray) -> ShapedArray:
    if operand.ndim != update.ndim:
        raise TypeError(f"dynamic_update_slice update must have the same rank as operand, got "
                        f"update shape {update.shape} for operand shape {operand.shape}.")
    _check_scalar_indices("dynamic_update_slice", operand, start_indices)
    if not all(u <= d for u, d in zip(update.shape, operand.shape)):
        raise TypeError(f"dynamic_update_slice update shape must be smaller than operand shape, "
                        f"got update shape {update.shape} for operand shape {operand.shape}.")
    if operand.dtype != update.dtype:
        raise TypeError(f"lax.dynamic_update_slice requires arguments to have the same dtypes, got "
                        f"{operand.dtype.name}, {update.dtype.name}.")
    return ShapedArray(operand.shape, operand.dtype, operand.weak_type and update.weak_type)


def _dynamic_update_slice_impl(operand: np.ndarray, update: np.ndarray,
                               *start_indices: np.ndarray) -> np.ndarray:
    out = np.array(operand, copy=True)
    out[_clamped_slices(operand.shape, start_indices, update.shape)] = update
    return out


dynamic_update_slice_p = standard_primitive("dynamic_update_slice", _dynamic_update_slice_abstract_eval,
                                            _dynamic_update_slice_impl)


def _dynamic_slice_indices(shape: Sequence[int], start_indices: Any) -> list:
    """Wrap negative start indices once (as Python does) and give them one integer dtype."""
    if not isinstance(start_indices, (tuple, list)):
        nd = get_aval(start_indices).ndim
        if nd != 1:
            raise ValueError(f"Slice indices must be a 1D sequence, got {get_aval(start_indices).shape}")
        start_indices = list(start_indices)
    if len(start_indices) != len(shape):
        raise ValueError(f"Length of slice indices must match number of operand dimensions "
                         f"({len(start_indices)} vs {tuple(shape)})")
    # Python ints adapt to the dtype of the array indices (JAX's weak typing)
    array_dtypes = {get_aval(i).dtype for i in start_indices if not isinstance(i, int)}
    if len(array_dtypes) > 1:
        target = dtypes.canonicalize_dtype(np.result_type(*array_dtypes))
    elif array_dtypes:
        (target,) = array_dtypes
    else:
        target = dtypes.default_int_dtype()
    out: list = []
    for i, d in zip(start_indices, shape):
        if isinstance(i, (bool, np.bool_)):
            raise TypeError(f"dynamic slice indices must be integers, got {i!r}")
        if isinstance(i, (int, np.integer)):
            v = int(i)
            v = v + d if v < 0 else v
            out.append(v if target == dtypes.default_int_dtype() else np.asarray(v, target))
            continue
        if get_aval(i).dtype != target:
            i = convert_element_type(i, target)
        if target.kind == "u":
            out.append(i)
        elif isinstance(i, Tracer):
            d_arr = Array._from_numpy(np.asarray(d, target))
            out.append(select(lt(i, 0), add(i, d_arr), i))
        else:  # concrete: fix it up on the host instead of dispatching three ops
            arr = np.asarray(i)
            out.append(Array._from_numpy(np.asarray(arr + d, target)) if arr < 0 else i)
    return out


def dynamic_slice(operand: Any, start_indices: Any, slice_sizes: Sequence[int]) -> Any:
    """The slice of ``slice_sizes`` at (possibly traced) ``start_indices``.

    Negative start indices count from the end; a window that would overrun
    the operand is moved back inside it (XLA clamps the start indices).
    """
    idx = _dynamic_slice_indices(get_aval(operand).shape, start_indices)
    return dynamic_slice_p.bind(operand, *idx, slice_sizes=_int_tuple(slice_sizes))


def dynamic_update_slice(operand: Any, update: Any, start_indices: Any) -> Any:
    """``operand`` with ``update`` written at (clamped, possibly traced) ``start_indices``."""
    idx = _dynamic_slice_indices(get_aval(operand).shape, start_indices)
    return dynamic_update_slice_p.bind(operand, update, *idx)


# ---------------------------------------------------------------------------
# convenience wrappers (as in jax.lax)


def _axis(axis: int, ndim: int) -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % ndim


def slice_in_dim(operand: Any, start_index: int | None, limit_index: int | None,
                 stride: int = 1, axis: int = 0) -> Any:
    """``operand[..., start_index:limit_index:stride]`` along ``axis`` (a static slice)."""
    shape = get_aval(operand).shape
    axis = _axis(axis, len(shape))
    size = shape[axis]
    start = 0 if start_index is None else int(start_index)
    limit = size if limit_index is None else int(limit_index)
    start = start + size if start < 0 else start
    limit = limit + size if limit < 0 else limit
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, int(stride)
    return slice(operand, starts, limits, strides)


def index_in_dim(operand: Any, index: int, axis: int = 0, keepdims: bool = True) -> Any:
    """The static index ``operand[..., index]`` along ``axis``."""
    shape = get_aval(operand).shape
    axis = _axis(axis, len(shape))
    index = int(index)
    size = shape[axis]
    wrapped = index + size if index < 0 else index
    if not 0 <= wrapped < size:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")
    out = slice_in_dim(operand, wrapped, wrapped + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def dynamic_slice_in_dim(operand: Any, start_index: Any, slice_size: int, axis: int = 0) -> Any:
    """``dynamic_slice`` along one ``axis`` (whole extent in the others)."""
    shape = get_aval(operand).shape
    axis = _axis(axis, len(shape))
    starts: list = [0] * len(shape)
    starts[axis] = start_index
    sizes = list(shape)
    sizes[axis] = int(slice_size)
    return dynamic_slice(operand, starts, sizes)


def dynamic_index_in_dim(operand: Any, index: Any, axis: int = 0, keepdims: bool = True) -> Any:
    """``operand[..., index]`` along ``axis`` with a (possibly traced) index."""
    axis = _axis(axis, get_aval(operand).ndim)
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def dynamic_update_slice_in_dim(operand: Any, update: Any, start_index: Any, axis: int) -> Any:
    """``dynamic_update_slice`` with a start index only along ``axis``."""
    shape = get_aval(operand).shape
    axis = _axis(axis, len(shape))
    starts: list = [0] * len(shape)
    starts[axis] = start_index
    return dynamic_update_slice(operand, update, starts)


def dynamic_update_index_in_dim(operand: Any, update: Any, index: Any, axis: int) -> Any:
    """Write ``update`` (rank of ``operand``, or one less) at ``index`` along ``axis``."""
    ndim = get_aval(operand).ndim
    axis = _axis(axis, ndim)
    if get_aval(update).ndim != ndim:
        if get_aval(update).ndim + 1 != ndim:
            raise TypeError(f"dynamic_update_index_in_dim: update of rank {get_aval(update).ndim} "
                            f"does not fit an operand of rank {ndim}")
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis)


__all__ = [
    "GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode",
    "gather", "gather_p", "scatter", "scatter_p", "scatter_add", "scatter_add_p",
    "scatter_mul", "scatter_mul_p", "scatter_min", "scatter_min_p", "scatter_max", "scatter_max_p",
    "dynamic_slice", "dynamic_slice_p", "dynamic_update_slice", "dynamic_update_slice_p",
    "slice_in_dim", "index_in_dim", "dynamic_slice_in_dim", "dynamic_index_in_dim",
    "dynamic_update_slice_in_dim", "dynamic_update_index_in_dim",
]
