"""Shared helpers for the SPMD tests: the device requirement and NumPy comparisons."""
import os

import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax_xla  # noqa: E402
from jax_core import tree_util  # noqa: E402

NDEV = 8


def needs_devices(n: int = NDEV):
    """Skip unless the backend has ``n`` devices (tests/conftest.py asks for 8 CPU devices)."""
    have = jax_xla.device_count()
    return pytest.mark.skipif(
        have < n, reason=f"needs {n} devices, the backend has {have} (set JAX_NUM_CPU_DEVICES={n} before it "
                         f"starts; JAX_NUM_CPU_DEVICES={os.environ.get('JAX_NUM_CPU_DEVICES')})")


def assert_close(got, want, rtol=1e-5, atol=1e-5, err_msg=""):
    got_l, want_l = tree_util.tree_leaves(got), tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l), (len(got_l), len(want_l))
    for g, w in zip(got_l, want_l):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{err_msg}: shape {g.shape} != {w.shape}"
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=err_msg)
