"""``jax.scipy.ndimage.map_coordinates`` (spline orders 0 and 1).

Order 0 takes the nearest sample (ties rounded away from zero), order 1
interpolates linearly between the two neighbours along each axis.  Modes:
``'constant'`` (out-of-range neighbours read ``cval``; as SciPy's
``'grid-constant'``), ``'nearest'``, ``'wrap'``, ``'mirror'``, ``'reflect'``.
"""
from __future__ import annotations

import functools
import itertools
import operator
from typing import Any, Callable, Sequence

import numpy as np

import jax_numpy as jnp
from jax_core import lax
from jax_core.core import get_aval

Array = Any


def _round_half_away(x: Any) -> Any:
    return lax.round(x, lax.RoundingMethod.AWAY_FROM_ZERO) if get_aval(x).dtype.kind == "f" else x


def _nearest(coord: Any) -> list[tuple[Any, Any]]:
    idx = _round_half_away(coord).astype(np.int32)
    return [(idx, None)]


def _linear(coord: Any) -> list[tuple[Any, Any]]:
    lower = jnp.floor(coord)
    upper_w = coord - lower
    lower_w = 1 - upper_w
    idx = lower.astype(np.int32)
    return [(idx, lower_w), (idx + 1, upper_w)]


def _mirror(index: Any, size: int) -> Any:
    # period 2 (size - 1): ... 2 1 | 0 1 2 ... size-1 | size-2 ...
    if size == 1:
        return jnp.zeros_like(index)
    period = 2 * (size - 1)
    i = jnp.abs(index) % period
    return jnp.where(i >= size, period - i, i)


def _reflect(index: Any, size: int) -> Any:
    # period 2 size: ... 1 0 | 0 1 ... size-1 | size-1 ...
    period = 2 * size
    i = index % period
    return jnp.where(i >= size, period - 1 - i, i)


_FIXERS: dict[str, Callable[[Any, int], Any]] = {
    "constant": lambda index, size: jnp.clip(index, 0, size - 1),
    "nearest": lambda index, size: jnp.clip(index, 0, size - 1),
    "wrap": lambda index, size: index % size,
    "mirror": _mirror,
    "reflect": _reflect,
}


def map_coordinates(input: Array, coordinates: Sequence[Array], order: int, mode: str = "constant",
                    cval: Any = 0.0) -> Array:
    """Values of ``input`` at the (fractional) ``coordinates``, one array of positions per axis."""
    arr = jnp.asarray(input)
    coords = [jnp.asarray(c) for c in coordinates]
    if len(coords) != jnp.ndim(arr):
        raise ValueError(f"coordinates must be a sequence of length input.ndim, but {len(coords)} != "
                         f"{jnp.ndim(arr)}")
    shapes = {get_aval(c).shape for c in coords}
    if len(shapes) > 1:
        raise ValueError(f"coordinates must all have the same shape, got {sorted(shapes)}")
    if mode not in _FIXERS:
        raise NotImplementedError(f"jax.scipy.ndimage.map_coordinates does not yet support mode {mode}. "
                                  f"Currently supported modes are {set(_FIXERS)}.")
    if order == 0:
        interp = _nearest
    elif order == 1:
        interp = _linear
    else:
        raise NotImplementedError("jax.scipy.ndimage.map_coordinates currently requires order<=1")
    out_dt = get_aval(arr).dtype
    work_dt = out_dt if out_dt.kind in "fc" else np.dtype(np.float32)
    coords = [c.astype(work_dt) if get_aval(c).dtype.kind != "f" else c for c in coords]
    fixer = _FIXERS[mode]
    per_axis = []
    for coord, size in zip(coords, get_aval(arr).shape):
        nodes = []
        for index, weight in interp(coord):
            valid = ((index >= 0) & (index < size)) if mode == "constant" else None
            nodes.append((fixer(index, size), valid, weight))
        per_axis.append(nodes)
    outputs = []
    for combo in itertools.product(*per_axis):
        indices = tuple(n[0] for n in combo)
        values = arr[indices] if indices else arr
        valids = [n[1] for n in combo if n[1] is not None]
        if valids:
            ok = functools.reduce(operator.and_, valids)
            values = jnp.where(ok, values, jnp.asarray(cval, dtype=get_aval(values).dtype))
        weights = [n[2] for n in combo if n[2] is not None]
        contrib = values.astype(work_dt) if get_aval(values).dtype != work_dt else values
        if weights:
            contrib = functools.reduce(operator.mul, weights) * contrib
        outputs.append(contrib)
    result = functools.reduce(operator.add, outputs)
    if out_dt.kind in "iu":
        result = _round_half_away(result)
    return result.astype(out_dt)


__all__ = ["map_coordinates"]
