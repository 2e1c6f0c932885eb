"""Methods of ``Array`` and every ``Tracer`` that come from jax.numpy:
``x.sum()``, ``x.mean()``, ``x.at[...]``, ``x.clip()``... and advanced indexing.

jax_core attaches the operators and a few basic methods; this module adds the
rest through :func:`jax_core.array_methods.register_method` and installs the
advanced-indexing hook.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from jax_core import array_methods as _am
from jax_core import dtypes, lax
from jax_core.core import get_aval
from jax_numpy import creation, indexing, products, reductions, shape_ops, sorting, ufuncs

__all__ = ["install"]


def _getitem(x: Any, idx: Any) -> Any:
    try:
        return _am.getitem(x, idx)
    except IndexError:
        # JAX clamps out-of-bounds static integer indices instead of raising
        if _am._is_basic_index(idx):
            return indexing._rewriting_take(x, idx)
        raise


def _setitem(x: Any, idx: Any, value: Any) -> None:
    raise TypeError(
        f"JAX arrays are immutable and do not support in-place item assignment. Instead of "
        f"x[idx] = y, use x = x.at[idx].set(y) or another .at[] method: "
        f"https://docs.jax.dev/en/latest/_autosummary/jax.numpy.ndarray.at.html")


def _matmul(x: Any, y: Any) -> Any:
    if not _am._check_other(y):
        return NotImplemented
    return products.matmul(x, y)


def _rmatmul(x: Any, y: Any) -> Any:
    if not _am._check_other(y):
        return NotImplemented
    return products.matmul(y, x)


def _at(x: Any) -> Any:
    return indexing._IndexUpdateHelper(x)


def _mT(x: Any) -> Any:
    return shape_ops.matrix_transpose(x)


def _view(x: Any, dtype: Any = None, type: Any = None) -> Any:  # noqa: A002
    if type is not None:
        raise NotImplementedError("`type` argument of array.view() is not supported.")
    if dtype is None:
        return x
    dt = dtypes.canonicalize_dtype(dtypes.dtype(dtype))
    src = get_aval(x).dtype
    if dt == src:
        return x
    if dt.itemsize != src.itemsize:
        raise NotImplementedError(f"view of {src.name} as {dt.name}: only same-size dtypes are "
                                  "supported")
    if src == np.bool_:
        x = lax.convert_element_type(x, np.uint8)
    if dt == np.bool_:
        return lax.ne(lax.bitcast_convert_type(x, np.uint8), lax.full(get_aval(x).shape, 0, np.uint8))
    return lax.bitcast_convert_type(x, dt)


def _item(x: Any, *args: Any) -> Any:
    v = np.asarray(x)
    return v.item(*args)


def _round(x: Any, decimals: int = 0, out: None = None) -> Any:
    return ufuncs.round(x, decimals, out)


def _nonzero(x: Any, *, size: int | None = None, fill_value: Any = None) -> tuple:
    return sorting.nonzero(x, size=size, fill_value=fill_value)


def _reshape(x: Any, *args: Any, order: str = "C", **kwargs: Any) -> Any:
    if "shape" in kwargs:
        shape = kwargs.pop("shape")
    elif len(args) == 1 and not isinstance(args[0], int):
        shape = args[0]
    else:
        shape = args
    if kwargs:
        raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
    return shape_ops.reshape(x, shape, order)


def _transpose(x: Any, *args: Any) -> Any:
    if not args or args == (None,):
        return shape_ops.transpose(x)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return shape_ops.transpose(x, args[0])
    return shape_ops.transpose(x, args)


def _squeeze(x: Any, axis: Any = None) -> Any:
    return shape_ops.squeeze(x, axis)


def _sort(x: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None,
          stable: bool = True, descending: bool = False) -> Any:
    return sorting.sort(x, axis, kind=kind, order=order, stable=stable, descending=descending)


def _argsort(x: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None,
             stable: bool = True, descending: bool = False) -> Any:
    return sorting.argsort(x, axis, kind=kind, order=order, stable=stable, descending=descending)


def _clip(x: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    return sorting.clip(x, min, max)


def _astype(x: Any, dtype: Any, copy: bool = False, device: Any = None) -> Any:
    return creation.astype(x, dtype)


def _to_device(x: Any, device: Any, *, stream: Any = None) -> Any:
    return x


_METHODS: dict[str, Any] = {
    "all": reductions.all, "any": reductions.any, "argmax": reductions.argmax,
    "argmin": reductions.argmin, "argpartition": sorting.argpartition, "argsort": _argsort,
    "astype": _astype, "choose": indexing.choose, "clip": _clip, "compress": indexing.compress,
    "conjugate": ufuncs.conjugate, "cumprod": reductions.cumprod, "cumsum": reductions.cumsum,
    "diagonal": creation.diagonal, "dot": products.dot, "max": reductions.max,
    "mean": reductions.mean, "min": reductions.min, "nonzero": _nonzero,
    "prod": reductions.prod, "ptp": reductions.ptp, "repeat": shape_ops.repeat,
    "reshape": _reshape, "round": _round, "searchsorted": sorting.searchsorted,
    "sort": _sort, "squeeze": _squeeze, "std": reductions.std, "sum": reductions.sum,
    "swapaxes": shape_ops.swapaxes, "take": indexing.take, "trace": products.trace,
    "transpose": _transpose, "var": reductions.var, "view": _view, "item": _item,
    "__getitem__": _getitem, "__setitem__": _setitem, "to_device": _to_device,
    "copy": creation.copy,
    # same semantics as jax_core's operator, plus jnp.matmul's NumPy fast path
    "__matmul__": _matmul, "__rmatmul__": _rmatmul,
}

_PROPERTIES: dict[str, Any] = {
    "at": _at, "mT": _mT,
    "itemsize": lambda x: get_aval(x).dtype.itemsize,
    "nbytes": lambda x: get_aval(x).size * get_aval(x).dtype.itemsize,
}


def install() -> None:
    for name, fn in _METHODS.items():
        _am.register_method(name, fn)
    for name, fn in _PROPERTIES.items():
        _am.register_method(name, fn, prop=True)
    _am._advanced_getitem = indexing.getitem
