"""Device arrays, backends, and eager primitives on device buffers."""
import numpy as np
import pytest

pytest.importorskip("jaxlib")

import jax_xla  # noqa: E402
from jax_core import Array, lax, tree_util  # noqa: E402
from jax_xla import dispatch  # noqa: E402
from tests.jax_xla.test_prims_jit import assert_agree  # noqa: E402
from tests.prim_table import ALL_CASES  # noqa: E402


def test_backend_queries():
    devs = jax_xla.devices()
    assert len(devs) >= 1 and jax_xla.device_count() == len(devs)
    assert jax_xla.local_devices() == devs
    assert jax_xla.default_backend() in ("cpu", "gpu")
    assert jax_xla.devices("cpu")[0].platform == "cpu"
    assert jax_xla.process_index() == 0
    with pytest.raises(RuntimeError, match="Unknown backend"):
        jax_xla.devices("tpu_nonexistent")


def test_device_put_get_roundtrip():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    d = jax_xla.device_put(x)
    assert type(d) is Array and d._device_buf is not None
    assert d.shape == (3, 4) and d.dtype == np.float32 and d.ndim == 2
    np.testing.assert_array_equal(np.asarray(d), x)
    np.testing.assert_array_equal(jax_xla.device_get(d), x)
    tree = jax_xla.device_put({"a": x, "b": (1.0, np.int32(3))})
    assert tree["b"][0].weak_type and tree["b"][1].dtype == np.int32
    got = jax_xla.device_get(tree)
    assert isinstance(got["a"], np.ndarray)
    assert d.devices() == {jax_xla.devices()[0]}
    assert jax_xla.device_put(x, jax_xla.devices()[0]).device == jax_xla.devices()[0]


def test_device_put_canonicalizes_dtype_and_keeps_weak_type():
    d = jax_xla.device_put(np.arange(3, dtype=np.float64))
    assert d.dtype == np.float32
    w = jax_xla.device_put(Array(np.float32(2.0), weak_type=True))
    assert w.weak_type


def test_block_until_ready_and_async_results():
    f = jax_xla.jit(lambda x: lax.dot_general(x, x, (((1,), (0,)), ((), ()))))
    x = jax_xla.device_put(np.eye(64, dtype=np.float32))
    out = f(x)
    assert out.block_until_ready() is out
    assert jax_xla.block_until_ready([out, (out,)])[0] is out
    np.testing.assert_array_equal(np.asarray(out), np.eye(64))


def test_host_view_of_cpu_result_is_cheap_and_read_only():
    if jax_xla.default_backend() != "cpu":
        pytest.skip("CPU only")
    out = jax_xla.jit(lambda x: x + 1)(np.zeros(1000, np.float32))
    v = np.asarray(out)
    assert not v.flags.writeable
    assert np.asarray(out) is v   # cached on the Array after the first fetch
    np.testing.assert_array_equal(v, 1)


def test_eager_op_on_device_arrays_uses_cached_executable():
    x = jax_xla.device_put(np.arange(4, dtype=np.float32))
    y = jax_xla.device_put(np.ones(4, np.float32))
    z = lax.add(x, y)
    assert z._device_buf is not None
    n = dispatch.compile_count
    for _ in range(3):
        z = lax.add(x, y)
    assert dispatch.compile_count == n
    np.testing.assert_array_equal(np.asarray(z), [1, 2, 3, 4])
    # mixed host/device operands and operators
    w = x * 2.0 + np.float32(1)
    np.testing.assert_array_equal(np.asarray(w), [1, 3, 5, 7])
    assert w._device_buf is not None


def _to_device(a):
    return jax_xla.device_put(a) if isinstance(a, np.ndarray) else a


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_eager_device_matches_eager_host(case):
    want = case.fun(*case.args)
    got = case.fun(*[_to_device(a) for a in case.args])
    for leaf in tree_util.tree_leaves(got):
        assert type(leaf) is not Array or leaf._device_buf is not None or not case.args, case.name
    assert_agree(got, want, case, "eager on device vs eager on host")


def test_large_host_array_is_aligned_once_for_zero_copy_transfers():
    from jax_xla.dispatch import _ALIGN

    raw = np.arange(100_001, dtype=np.float32)[1:]          # deliberately misaligned view
    x = Array(raw)
    assert x._npy.ctypes.data % _ALIGN != 0
    f = jax_xla.jit(lambda a: a + 1)
    np.testing.assert_array_equal(np.asarray(f(x)), raw + 1)
    assert x._npy.ctypes.data % _ALIGN == 0 and x._device_buf is None
    np.testing.assert_array_equal(np.asarray(x), raw)


def test_disable_jit_also_covers_pjit_equations():
    from jax_core import make_jaxpr
    from jax_core.config import config
    from jax_core.jaxpr import eval_jaxpr

    g = jax_xla.jit(lambda x: x * 2)
    closed = make_jaxpr(lambda x: g(x))(Array(np.ones(2, np.float32)))
    with config.disable_jit():
        (out,) = eval_jaxpr(closed.jaxpr, closed.consts, Array(np.ones(2, np.float32)))
    assert out._device_buf is None
    np.testing.assert_array_equal(np.asarray(out), [2, 2])
