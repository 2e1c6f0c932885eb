"""The record type of the shared primitive table."""
from __future__ import annotations

import dataclasses
import zlib
from typing import Any, Callable, Sequence

import numpy as np


@dataclasses.dataclass
class PrimCase:
    """One primitive applied to sample inputs.

    ``fun`` calls the lax wrapper (closing over static parameters) on the
    positional ``args`` (NumPy arrays).  ``expected`` is the NumPy/SciPy
    oracle computing the same thing from the same NumPy args (None: the
    eager result is checked only against the other interpreters).
    ``diff_argnums`` are the positions that check_grads differentiates
    (empty: not differentiable, or only integer inputs); ``grad_order`` the
    highest order checked.  ``batch_argnums`` are the args that vmap may map
    (default: all).  ``exact`` asks for bit-exact agreement across
    interpreters (integer, bitwise, structural ops).
    """

    name: str
    prim: str
    fun: Callable[..., Any]
    args: Sequence[np.ndarray]
    expected: Callable[..., Any] | None = None
    diff_argnums: tuple[int, ...] = ()
    grad_order: int = 2
    batch_argnums: tuple[int, ...] | None = None
    exact: bool = False
    rtol: float | None = None
    atol: float | None = None
    grad_rtol: float | None = None

    def __repr__(self) -> str:
        return self.name

    @property
    def id(self) -> str:
        return self.name


def rng_for(name: str) -> np.random.RandomState:
    """A deterministic generator per case name."""
    return np.random.RandomState(zlib.crc32(name.encode()) % (2**31))


def default_tol(dtype: np.dtype) -> tuple[float, float]:
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":
        return 0.0, 0.0
    if dtype.itemsize <= 2:
        return 2e-2, 2e-2
    if dtype in (np.float32, np.complex64):
        return 2e-5, 2e-6
    return 1e-12, 1e-13
