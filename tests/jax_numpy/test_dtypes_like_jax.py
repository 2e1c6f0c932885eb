"""Result dtypes, weak types and shapes agree with the reference JAX 0.10.2.

The reference values were recorded once from real JAX (see
jax_reference_dtypes.py); the tests never import JAX.
"""
import warnings

import numpy as np
import pytest

import jax_numpy as jnp
from jax_core.core import Array
from tests.jax_numpy.cases import CASES
from tests.jax_numpy.jax_reference_dtypes import JAX_FAILED, REFERENCE

_BY_NAME = {c.name: c for c in CASES}
_NAMES = sorted(REFERENCE)


def _leaves(x):
    if isinstance(x, (list, tuple)):
        out = []
        for e in x:
            out += _leaves(e)
        return out
    return [x]


def test_reference_covers_the_table():
    unknown = sorted(set(_BY_NAME) - set(REFERENCE) - set(JAX_FAILED))
    assert not unknown, f"cases without a JAX reference (regenerate jax_reference_dtypes.py): {unknown}"


@pytest.mark.parametrize("name", [n for n in _NAMES if n in _BY_NAME])
def test_dtype_weak_type_and_shape_like_jax(name):
    case = _BY_NAME[name]
    args = [jnp.asarray(a) if isinstance(a, (np.ndarray, np.generic)) else a for a in case.args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = _leaves(case.fn(jnp, *args))
    ref = REFERENCE[name]
    assert len(got) == len(ref), f"{name}: {len(got)} outputs, JAX gives {len(ref)}"
    for g, r in zip(got, ref):
        if r is None:
            continue
        assert isinstance(g, Array), f"{name}: expected an Array, got {type(g).__name__}"
        dt, weak, shape = r
        assert (g.dtype.name, bool(g.weak_type), tuple(g.shape)) == (dt, weak, tuple(shape)), (
            f"{name}: got {g.dtype.name} weak={g.weak_type} {g.shape}, JAX gives {dt} weak={weak} {shape}")
