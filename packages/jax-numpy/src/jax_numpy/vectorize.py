"""``vectorize`` and ``frompyfunc``.

With jax-batching installed (it registers ``core.transform_hooks.vmap``) the
loop dimensions are mapped with ``vmap``; otherwise the function is applied
to each element (or core-dimension block) in a Python loop over the static
loop shape and the results are stacked -- correct under every
transformation, only slower.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable

import numpy as np

from jax_core import lax
from jax_core.core import get_aval, transform_hooks
from jax_numpy import _util
from jax_numpy._util import asarray as _asarray

__all__ = ["vectorize", "frompyfunc"]

_DIM = r"\w+"
_CORE = rf"(?:{_DIM}(?:,{_DIM})*)?"
_ARG = rf"\({_CORE}\)"
_ARGLIST = rf"{_ARG}(?:,{_ARG})*"
_SIGNATURE = rf"^{_ARGLIST}->{_ARGLIST}$"


def _parse_signature(signature: str) -> tuple:
    sig = signature.replace(" ", "")
    if not re.match(_SIGNATURE, sig):
        raise ValueError(f"not a valid gufunc signature: {signature}")
    ins, outs = sig.split("->")

    def parse(s: str) -> list:
        return [tuple(re.findall(_DIM, a)) for a in re.findall(_ARG, s)]

    return parse(ins), parse(outs)


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = frozenset(),
              signature: str | None = None) -> Callable[..., Any]:
    """Vectorize ``pyfunc`` over the leading (loop) dimensions of its arguments."""
    excluded = frozenset(excluded)
    in_core, out_core = _parse_signature(signature) if signature else (None, None)

    @functools.wraps(pyfunc)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        excluded_kw = {k: v for k, v in kwargs.items() if k in excluded}
        other_kw = {k: v for k, v in kwargs.items() if k not in excluded}
        if other_kw:
            # keyword arguments that are not excluded are vectorized like positionals
            names = list(other_kw)
            args = args + tuple(other_kw[k] for k in names)
        else:
            names = []
        n_pos = len(args) - len(names)
        excl_pos = {i for i in excluded if isinstance(i, int)}
        dyn_idx = [i for i in range(len(args)) if i not in excl_pos]
        dyn = [_asarray(args[i]) for i in dyn_idx]
        n_dyn_pos = len([i for i in dyn_idx if i < n_pos])
        if in_core is not None and len(in_core) != n_dyn_pos:
            raise TypeError(f"wrong number of positional arguments: expected {len(in_core)}, got "
                            f"{n_dyn_pos}")
        # keyword arguments that are not excluded are mapped elementwise (no core dimensions)
        cores = (list(in_core) if in_core is not None else [()] * n_dyn_pos) + [()] * len(names)
        loop_shapes = []
        for a, c in zip(dyn, cores):
            nd = _util.ndim(a)
            if nd < len(c):
                raise ValueError(f"input with shape {get_aval(a).shape} does not have enough "
                                 f"dimensions for the core dimensions {c}")
            loop_shapes.append(get_aval(a).shape[:nd - len(c)])
        loop = tuple(np.broadcast_shapes(*loop_shapes)) if loop_shapes else ()
        dyn = [_util.broadcast_to_shape(a, loop + get_aval(a).shape[_util.ndim(a) - len(c):])
               for a, c in zip(dyn, cores)]

        def call(*dyn_vals: Any) -> Any:
            full = list(args)
            for i, v in zip(dyn_idx, dyn_vals):
                full[i] = v
            pos = full[:n_pos]
            kw = dict(excluded_kw)
            kw.update({k: full[n_pos + j] for j, k in enumerate(names)})
            return pyfunc(*pos, **kw)

        if not loop:
            return call(*dyn)
        vmap = transform_hooks.vmap
        if vmap is not None:
            f = call
            for _ in loop:
                f = vmap(f)
            return f(*dyn)
        return _loop(call, dyn, loop)

    return wrapped


def _loop(call: Callable[..., Any], dyn: list, loop: tuple) -> Any:
    n = int(np.prod(loop, dtype=np.int64))
    flat = [lax.reshape(a, (n,) + get_aval(a).shape[len(loop):]) for a in dyn]
    results = [call(*[_util.index_in_dim(a, i, 0, keepdims=False) for a in flat]) for i in range(n)]
    if n == 0:
        raise ValueError("cannot vectorize over an empty loop dimension without jax-batching")
    first = results[0]
    if isinstance(first, tuple):
        outs = []
        for k in range(len(first)):
            outs.append(_stack([r[k] for r in results], loop))
        return tuple(outs)
    return _stack(results, loop)


def _stack(parts: list, loop: tuple) -> Any:
    parts = [_asarray(p) for p in parts]
    parts = _util.promote_dtypes(*parts)
    stacked = lax.concatenate([lax.expand_dims(p, (0,)) for p in parts], 0)
    return lax.reshape(stacked, loop + get_aval(parts[0]).shape)


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> Any:
    """A :class:`jax_numpy.ufunc` from a scalar function (vectorized over its inputs)."""
    from jax_numpy.ufuncs import ufunc

    return ufunc(vectorize(func), nin, nout, name=getattr(func, "__name__", "frompyfunc"),
                 identity=identity)
