"""jax_numpy beyond the table: errors, indexing rules, Array methods, dtypes,
scalar types, ufunc objects, jax.ops, and the eager fast paths."""
import pickle

import numpy as np
import pytest

import jax_numpy as jnp
from jax_core import ConcretizationTypeError, make_jaxpr
from jax_core.core import Array, Tracer
from jax_core.jaxpr import eval_jaxpr


def staged(f, *args):
    closed = make_jaxpr(f)(*args)
    return eval_jaxpr(closed.jaxpr, closed.consts, *args)


# ---------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("fn, args, match", [
    (jnp.add, (jnp.ones(2), jnp.ones(3)), r"\(2,\).*\(3,\)"),
    (jnp.multiply, (jnp.ones((2, 3)), jnp.ones((4, 3))), r"\(2, 3\).*\(4, 3\)"),
    (jnp.where, (jnp.ones(2, bool), jnp.ones(3), 0.0), r"\(2,\).*\(3,\)"),
    (jnp.matmul, (jnp.ones((2, 3)), jnp.ones((2, 3))), r"\(2, 3\).*\(2, 3\)"),
    (lambda a, b: jnp.concatenate([a, b]), (jnp.ones((2, 3)), jnp.ones((3, 2))), r"\(2, 3\).*\(3, 2\)"),
    (lambda a, b: jnp.stack([a, b]), (jnp.ones((2,)), jnp.ones((3,))), r"\(2,\).*\(3,\)"),
    (lambda a: jnp.broadcast_to(a, (2, 4)), (jnp.ones(3),), r"\(3,\).*\(2, 4\)"),
    (lambda a, b: jnp.einsum("ij,jk", a, b), (jnp.ones((2, 3)), jnp.ones((4, 5))), r"\(2, 3\).*\(4, 5\)"),
])
def test_shape_errors_show_the_shapes(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)
    with pytest.raises(ValueError, match=match):
        make_jaxpr(fn)(*args)


@pytest.mark.parametrize("fn, args, match", [
    (jnp.dot, (jnp.ones((2, 3)), jnp.ones((2, 3))), r"\(2, 3\) and \(2, 3\) not aligned"),
    (lambda a: jnp.reshape(a, (4, 2)), (jnp.ones(6),), r"\(6,\).*\(4, 2\)"),
    (lambda a, b: jnp.tensordot(a, b, 1), (jnp.ones((2, 3)), jnp.ones((4,))), r"\(2, 3\).*\(4,\)"),
])
def test_shape_type_errors_show_the_shapes(fn, args, match):
    with pytest.raises(TypeError, match=match):
        fn(*args)


def test_lists_are_rejected_like_jax():
    with pytest.raises(TypeError, match="sum requires ndarray or scalar arguments"):
        jnp.sum([1, 2])
    with pytest.raises(TypeError, match="non-tuple sequence"):
        jnp.arange(5)[[0, 1]]


def test_boolean_mask_under_jit_has_size_hint():
    x = jnp.arange(5.0)
    with pytest.raises(jnp.NonConcreteBooleanIndexError, match="size="):
        make_jaxpr(lambda x: x[x > 2])(x)
    with pytest.raises(IndexError, match="concrete"):
        make_jaxpr(lambda x: x[x > 2])(x)
    # a mask that is a constant of the trace is fine
    np.testing.assert_array_equal(staged(lambda x: x[np.array([True, False, True, False, False])], x)[0],
                                  [0.0, 2.0])


@pytest.mark.parametrize("fn", [
    lambda x: jnp.nonzero(x), lambda x: jnp.where(x > 0), lambda x: jnp.unique(x),
    lambda x: jnp.argwhere(x), lambda x: jnp.flatnonzero(x), lambda x: jnp.union1d(x, x),
    lambda x: jnp.bincount(x.astype(jnp.int32)),
])
def test_data_dependent_shapes_need_size_under_tracing(fn):
    with pytest.raises(ConcretizationTypeError, match=r"size|length"):
        make_jaxpr(fn)(jnp.arange(4))


def test_size_argument_works_under_tracing():
    x = jnp.array([0, 3, 0, 5, 7])
    (idx,) = staged(lambda x: jnp.nonzero(x, size=4, fill_value=-1), x)
    np.testing.assert_array_equal(idx, [1, 3, 4, -1])
    (u,) = staged(lambda x: jnp.unique(x, size=5), x)
    np.testing.assert_array_equal(u, [0, 3, 5, 7, 0])
    (c,) = staged(lambda x: jnp.bincount(x, length=8), x)
    np.testing.assert_array_equal(c, np.bincount([0, 3, 0, 5, 7], minlength=8))


def test_item_assignment_points_to_at():
    x = jnp.zeros(3)
    with pytest.raises(TypeError, match=r"\.at\[idx\]\.set"):
        x[0] = 1.0


def test_inplace_arguments_rejected():
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put(jnp.zeros(3), 0, 1.0)
    with pytest.raises(NotImplementedError, match="inplace"):
        jnp.add.at(jnp.zeros(3), 0, 1.0)


def test_out_argument_rejected():
    with pytest.raises(NotImplementedError, match="out"):
        jnp.sum(jnp.ones(3), out=np.zeros(()))


def test_max_of_empty_and_where_without_initial():
    with pytest.raises(ValueError, match="zero-size array to reduction operation max"):
        jnp.max(jnp.ones((0, 2)), axis=0)
    with pytest.raises(ValueError, match="initial"):
        jnp.max(jnp.ones(3), where=jnp.array([True, False, True]))
    np.testing.assert_array_equal(jnp.max(jnp.ones((0, 2)), axis=0, initial=-1.0), [-1.0, -1.0])


def test_arange_needs_concrete_bounds():
    with pytest.raises(ConcretizationTypeError):
        make_jaxpr(lambda n: jnp.arange(n))(3)


# ---------------------------------------------------------------------------
# out-of-bounds indexing (documented in the package README)


def test_out_of_bounds_gather_clamps_eager_and_staged():
    x = jnp.arange(5.0)
    idx = jnp.array([0, 4, 5, 100, -1, -5, -6, -100])
    want = [0, 4, 4, 4, 4, 0, 0, 0]
    np.testing.assert_array_equal(x[idx], want)
    np.testing.assert_array_equal(staged(lambda x, i: x[i], x, idx)[0], want)
    np.testing.assert_array_equal(x[10], 4.0)
    np.testing.assert_array_equal(staged(lambda x: x[10], x)[0], 4.0)


def test_out_of_bounds_take_fills_and_scatter_drops():
    x = jnp.arange(5.0)
    np.testing.assert_array_equal(jnp.take(x, jnp.array([1, 5])), [1.0, np.nan])
    np.testing.assert_array_equal(x.at[jnp.array([1, 5])].get(mode="fill", fill_value=-1), [1.0, -1.0])
    np.testing.assert_array_equal(x.at[jnp.array([1, 5, -6])].set(9.0), [0, 9, 2, 3, 4])
    np.testing.assert_array_equal(staged(lambda x: x.at[jnp.array([1, 5])].add(9.0), x)[0], [0, 10, 2, 3, 4])
    np.testing.assert_array_equal(x.at[7].set(1.0), x)


# ---------------------------------------------------------------------------
# indexing corner cases against NumPy


_X = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)


@pytest.mark.parametrize("idx", [
    (0, slice(None), [1, 2]), (Ellipsis, None), (None, Ellipsis, 0, None),
    (slice(None), [0, 2], slice(1, 3), [1, 4]), ([0, 1], [1, 2], [2, 3], [3, 4]),
    (1, [0, 2], 2), (slice(None, None, -1), 1, [1, 0]), (np.array([[0], [1]]), slice(None), np.array([1, 3])),
    (slice(5, 0, -2),), (slice(-100, 100),), (np.array(True),), (np.array([True, False]), 0),
    (np.ones((2, 3), bool),), (slice(None), np.array([[True, False, True, False]] * 3)),
    (None, [1], None, slice(None), [2]),
])
def test_getitem_like_numpy(idx):
    want = _X[idx]
    np.testing.assert_array_equal(jnp.asarray(_X)[idx], want)
    if not any(isinstance(i, np.ndarray) and i.dtype == np.bool_ for i in idx):
        np.testing.assert_array_equal(staged(lambda x: x[idx], jnp.asarray(_X))[0], want)


@pytest.mark.parametrize("idx", [
    (0, slice(None), [1, 2]), (slice(None), [0, 2], slice(1, 3), [1, 4]), (1, [0, 2], 2),
    (slice(None, None, -1), 1, [1, 0]), (Ellipsis, slice(1, None, 2)), (None, 1, None),
])
def test_at_set_like_numpy(idx):
    want = _X.copy()
    want[idx] = -1.0
    np.testing.assert_array_equal(jnp.asarray(_X).at[idx].set(-1.0), want)
    vals = np.arange(np.size(_X[idx]), dtype=np.float32).reshape(np.shape(_X[idx]))
    want = _X.copy()
    want[idx] = vals
    np.testing.assert_array_equal(jnp.asarray(_X).at[idx].set(vals), want)


def test_old_ops_index_api():
    x = jnp.zeros((3, 3))
    y = jnp.ops.index_update(x, jnp.ops.index[1, :], 2.0)
    np.testing.assert_array_equal(y[1], [2, 2, 2])
    y = jnp.ops.index_add(y, jnp.ops.index[jnp.array([0, 0]), 1], 1.0)
    assert float(y[0, 1]) == 2.0
    np.testing.assert_array_equal(jnp.ops.index_mul(y, jnp.ops.index[1], 3.0)[1], [6, 6, 6])
    np.testing.assert_array_equal(jnp.ops.index_min(y, jnp.ops.index[1], 1.0)[1], [1, 1, 1])
    np.testing.assert_array_equal(jnp.ops.index_max(y, jnp.ops.index[0], 5.0)[0], [5, 5, 5])


def test_segment_reductions():
    data = jnp.arange(6.0)
    ids = jnp.array([0, 0, 1, 2, 2, 2])
    np.testing.assert_array_equal(jnp.ops.segment_sum(data, ids), [1, 2, 12])
    np.testing.assert_array_equal(jnp.ops.segment_max(data, ids, num_segments=4), [1, 2, 5, -np.inf])
    np.testing.assert_array_equal(jnp.ops.segment_prod(data, ids), [0, 2, 60])
    np.testing.assert_array_equal(jnp.ops.segment_min(data, ids), [0, 2, 3])


# ---------------------------------------------------------------------------
# Array methods


def test_array_methods():
    x = jnp.arange(12.0).reshape(3, 4)
    xn = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(x.sum(), xn.sum())
    np.testing.assert_allclose(x.mean(axis=0), xn.mean(axis=0))
    np.testing.assert_allclose(x.std(ddof=1), xn.std(ddof=1), rtol=1e-6)
    np.testing.assert_allclose(x.var(1), xn.var(1), rtol=1e-6)
    np.testing.assert_array_equal(x.max(1), xn.max(1))
    np.testing.assert_array_equal(x.min(), xn.min())
    np.testing.assert_array_equal(x.argmax(), xn.argmax())
    np.testing.assert_array_equal(x.argmin(axis=1), xn.argmin(axis=1))
    np.testing.assert_array_equal(x.prod(0), xn.prod(0))
    np.testing.assert_array_equal(x.cumsum(1), xn.cumsum(1))
    np.testing.assert_array_equal(x.cumprod(), xn.cumprod())
    np.testing.assert_array_equal(x.reshape(4, 3), xn.reshape(4, 3))
    np.testing.assert_array_equal(x.reshape((2, 6)), xn.reshape((2, 6)))
    np.testing.assert_array_equal(x.T, xn.T)
    np.testing.assert_array_equal(x.mT, xn.T)
    np.testing.assert_array_equal(x.transpose(1, 0), xn.transpose(1, 0))
    np.testing.assert_array_equal(x.ravel(), xn.ravel())
    np.testing.assert_array_equal(x.flatten(), xn.flatten())
    np.testing.assert_array_equal(x.clip(2, 5), xn.clip(2, 5))
    np.testing.assert_array_equal((x / 3).round(2), np.round(xn / 3, 2))
    np.testing.assert_array_equal(x.astype(jnp.int32), xn.astype(np.int32))
    np.testing.assert_array_equal(x.take(jnp.array([0, 5])), xn.take([0, 5]))
    np.testing.assert_array_equal(x.swapaxes(0, 1), xn.swapaxes(0, 1))
    np.testing.assert_array_equal(x.repeat(2, axis=0), xn.repeat(2, axis=0))
    np.testing.assert_array_equal(x.sort(axis=0), np.sort(xn, axis=0))
    np.testing.assert_array_equal(x.argsort(), xn.argsort())
    np.testing.assert_array_equal(x.diagonal(), xn.diagonal())
    np.testing.assert_array_equal(x[:, :3].trace(), xn[:, :3].trace())
    np.testing.assert_array_equal(x.dot(x.T), xn.dot(xn.T))
    np.testing.assert_array_equal(x.ptp(), np.ptp(xn))
    assert bool(x.any()) and not bool((x > 100).all())
    np.testing.assert_array_equal(x.nonzero()[0], xn.nonzero()[0])
    np.testing.assert_array_equal(x[0].searchsorted(2.5), np.searchsorted(xn[0], 2.5))
    np.testing.assert_array_equal(x.squeeze(), xn)
    np.testing.assert_array_equal(x.conj(), xn)
    np.testing.assert_array_equal(x.real, xn)
    assert x.itemsize == 4 and x.nbytes == 48 and x.size == 12 and x.ndim == 2
    assert x[1, 2].item() == 6.0
    np.testing.assert_array_equal(x.view(jnp.int32), xn.view(np.int32))
    np.testing.assert_array_equal(x.copy(), xn)
    np.testing.assert_array_equal(x.at[0, 0].set(5.0)[0, 0], 5.0)


def test_methods_on_tracers():
    def f(x):
        assert isinstance(x, Tracer) and isinstance(x, jnp.ndarray)
        return [x.sum(axis=0), x.mean(), x.at[1].add(1.0), x.T @ x, x.max(), x.clip(0, 1),
                x.reshape(-1), x[x.argmax(axis=0), 0]]

    x = jnp.asarray(np.random.RandomState(0).rand(3, 2).astype(np.float32))
    for g, w in zip(staged(f, x), f.__wrapped__(x) if hasattr(f, "__wrapped__") else _eager(f, x)):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def _eager(f, x):
    # run f's body eagerly without the tracer assertion
    return [x.sum(axis=0), x.mean(), x.at[1].add(1.0), x.T @ x, x.max(), x.clip(0, 1),
            x.reshape(-1), x[x.argmax(axis=0), 0]]


def test_ndarray_isinstance():
    assert isinstance(jnp.ones(2), jnp.ndarray)
    assert not isinstance(np.ones(2), jnp.ndarray)


# ---------------------------------------------------------------------------
# dtypes and scalar types


def test_default_dtypes_are_32_bit():
    assert jnp.array([1.5]).dtype == np.float32
    assert jnp.array([1, 2]).dtype == np.int32
    assert jnp.asarray(np.arange(3)).dtype == np.int32
    assert jnp.zeros(3).dtype == np.float32
    assert jnp.arange(3).dtype == np.int32
    assert jnp.linspace(0, 1, 3).dtype == np.float32
    assert jnp.array(1.0).weak_type and not jnp.array([1.0]).weak_type


def test_promotion_follows_jax():
    i8 = jnp.ones(2, jnp.int8)
    u8 = jnp.ones(2, jnp.uint8)
    assert (i8 + 1).dtype == np.int8
    assert (i8 + u8).dtype == np.int16
    assert (i8 * 2.5).dtype == np.float32
    assert jnp.add(jnp.ones(2, jnp.float16), 1.0).dtype == np.float16
    assert jnp.sum(i8).dtype == np.int32 and jnp.sum(u8).dtype == np.uint32
    assert jnp.mean(i8).dtype == np.float32
    assert jnp.sqrt(i8).dtype == np.float32
    assert jnp.true_divide(i8, i8).dtype == np.float32
    assert jnp.promote_types(jnp.int8, jnp.uint8) == np.int16
    assert jnp.result_type(jnp.int8, 2.0) == np.float32
    assert jnp.can_cast(jnp.int8, jnp.int32) and not jnp.can_cast(jnp.int32, jnp.float32)


def test_scalar_types():
    x = jnp.float32(3)
    assert isinstance(x, Array) and x.dtype == np.float32 and x.shape == ()
    assert jnp.int8([1, 2]).dtype == np.int8
    assert jnp.zeros(2, dtype=jnp.bfloat16).dtype == jnp.bfloat16.dtype
    assert np.dtype(jnp.float32) == np.float32
    assert jnp.issubdtype(jnp.float32, jnp.floating) and not jnp.issubdtype(jnp.int32, jnp.floating)
    assert jnp.isdtype(jnp.float32, "real floating") and jnp.isdtype(jnp.int8, ("bool", "integral"))
    assert jnp.finfo(jnp.float32).eps == np.finfo(np.float32).eps
    assert jnp.iinfo(jnp.int8).max == 127
    assert jnp.dtype("float32") == np.float32


def test_pickle_and_repr():
    x = jnp.arange(3.0)
    assert repr(x) == "Array([0., 1., 2.], dtype=float32)"
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(x)), x)
    assert "0." in jnp.array_str(x) and "Array" in jnp.array_repr(x)


# ---------------------------------------------------------------------------
# ufunc objects


def test_ufunc_objects():
    assert isinstance(jnp.add, jnp.ufunc) and jnp.add.nin == 2 and jnp.add.nout == 1
    assert jnp.add.identity == 0 and jnp.multiply.identity == 1
    assert jnp.add.__name__ == "add" and "add" in repr(jnp.add)
    f = jnp.frompyfunc(lambda a, b: a * 2 + b, 2, 1)
    np.testing.assert_array_equal(f(jnp.arange(3), 1), [1, 3, 5])
    np.testing.assert_array_equal(f.reduce(jnp.arange(4)), 2 * (2 * (2 * 0 + 1) + 2) + 3)
    v = jnp.vectorize(lambda a, b: a @ b, signature="(n),(n)->()")
    np.testing.assert_allclose(v(jnp.ones((3, 4)), jnp.arange(4.0)), [6.0, 6.0, 6.0])


def test_vectorize_excluded_and_kwargs():
    def f(x, p, scale=1.0):
        return jnp.sum(x ** p) * scale

    v = jnp.vectorize(f, excluded={1}, signature="(n)->()")
    np.testing.assert_allclose(v(jnp.ones((2, 3)), 2, scale=jnp.array([1.0, 2.0])), [3.0, 6.0])


# ---------------------------------------------------------------------------
# eager fast paths agree with the general (staged) path bit for bit


@pytest.mark.parametrize("fn", [jnp.add, jnp.subtract, jnp.multiply, jnp.divide, jnp.maximum,
                                jnp.minimum, jnp.equal, jnp.less, jnp.dot, jnp.matmul])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64])
def test_binary_fast_paths_bitwise(fn, dt):
    if fn in (jnp.maximum, jnp.minimum, jnp.less) and dt == np.complex64:
        return
    r = np.random.RandomState(0)
    a = jnp.asarray((r.randn(4, 4)).astype(dt))
    b = jnp.asarray((r.randn(4, 4)).astype(dt))
    got = fn(a, b)
    (want,) = staged(fn, a, b)
    assert got.dtype == want.dtype and got.weak_type == want.weak_type
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("fn", [jnp.exp, jnp.sin, jnp.log, jnp.sqrt, jnp.tanh, jnp.negative, jnp.abs,
                                jnp.square, jnp.sum, jnp.mean, jnp.max, jnp.min,
                                lambda x: jnp.sum(x, axis=0), lambda x: jnp.mean(x, axis=1, keepdims=True)])
@pytest.mark.parametrize("dt", [np.float32, np.float16, np.int32])
def test_unary_fast_paths_bitwise(fn, dt):
    x = jnp.asarray((np.random.RandomState(1).rand(3, 5) * 3 + 0.5).astype(dt))
    got = fn(x)
    (want,) = staged(fn, x)
    assert got.dtype == want.dtype and got.weak_type == want.weak_type
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64), rtol=1e-6)


# ---------------------------------------------------------------------------
# the rest of the namespace: aliases, I/O, constants, index helpers


def test_aliases():
    assert jnp.acos is jnp.arccos and jnp.asinh is jnp.arcsinh and jnp.atan is jnp.arctan
    assert jnp.atanh is jnp.arctanh and jnp.bitwise_invert is jnp.invert and jnp.amax is jnp.max
    assert jnp.concat is not None and jnp.pow is jnp.power and jnp.around is jnp.round
    assert jnp.int_(3).dtype == np.int32 and jnp.float_(1).dtype == np.float32
    assert jnp.double is jnp.float64 and jnp.single is jnp.float32 and jnp.cdouble is jnp.complex128
    assert jnp.e == np.e and jnp.pi == np.pi and jnp.isinf(jnp.inf) and jnp.isnan(jnp.nan)
    assert jnp.newaxis is None and jnp.euler_gamma == np.euler_gamma
    assert jnp.s_[1:3] == slice(1, 3) and jnp.index_exp[1] == (1,)
    assert jnp.iterable([1]) and not jnp.iterable(3)
    assert jnp.issubdtype(jnp.uint8, jnp.unsignedinteger) and jnp.issubdtype(jnp.int4, jnp.signedinteger)
    assert issubclass(jnp.ComplexWarning, Warning)
    with jnp.printoptions(precision=2):
        assert jnp.get_printoptions()["precision"] == 2


def test_io_round_trip(tmp_path):
    x = jnp.arange(6.0).reshape(2, 3)
    jnp.save(tmp_path / "a.npy", x)
    y = jnp.load(tmp_path / "a.npy")
    assert isinstance(y, Array) and y.dtype == np.float32
    np.testing.assert_array_equal(y, x)
    jnp.savez(tmp_path / "b.npz", x=x)
    np.testing.assert_array_equal(np.load(tmp_path / "b.npz")["x"], x)
    np.asarray(x).tofile(tmp_path / "c.bin")
    np.testing.assert_array_equal(jnp.fromfile(tmp_path / "c.bin", dtype=np.float32), x.ravel())


def test_from_buffers():
    np.testing.assert_array_equal(jnp.frombuffer(b"\x01\x02\x03", dtype=np.uint8), [1, 2, 3])
    np.testing.assert_array_equal(jnp.fromstring("1 2 3", dtype=int, sep=" "), [1, 2, 3])
    np.testing.assert_array_equal(jnp.fromiter(range(4), dtype=float), [0, 1, 2, 3])
    np.testing.assert_array_equal(jnp.from_dlpack(np.arange(3.0)), [0, 1, 2])
    assert jnp.frombuffer(b"\x00" * 8).dtype == np.float32


def test_einsum_path():
    path, info = jnp.einsum_path("ij,jk,kl->il", jnp.ones((2, 3)), jnp.ones((3, 4)), jnp.ones((4, 5)))
    assert len(path) == 2 and all(isinstance(p, tuple) for p in path) and "Optimized" in str(info)
