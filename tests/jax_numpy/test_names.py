"""JAX 0.10's jax.numpy namespace: every name implemented or listed as left out with a reason."""
import jax_numpy as jnp
from tests.jax_numpy.jax_numpy_names import JAX_NUMPY_NAMES


def test_every_name_implemented_or_listed():
    missing = [n for n in JAX_NUMPY_NAMES if not hasattr(jnp, n) and n not in jnp.NOT_IMPLEMENTED]
    assert not missing, f"jax.numpy names neither implemented nor listed in NOT_IMPLEMENTED: {missing}"


def test_listed_names_are_really_missing_and_have_reasons():
    stale = [n for n in jnp.NOT_IMPLEMENTED if hasattr(jnp, n)]
    assert not stale, f"names listed as not implemented but present: {stale}"
    for name, reason in jnp.NOT_IMPLEMENTED.items():
        assert name in JAX_NUMPY_NAMES, name
        assert isinstance(reason, str) and len(reason) > 10, f"{name}: give a reason"


def test_at_least_95_percent_implemented():
    implemented = [n for n in JAX_NUMPY_NAMES if hasattr(jnp, n)]
    assert len(implemented) >= 0.95 * len(JAX_NUMPY_NAMES), (len(implemented), len(JAX_NUMPY_NAMES))


def test_callables_are_callable():
    not_callable = {"e", "pi", "inf", "nan", "euler_gamma", "newaxis", "c_", "r_", "s_", "mgrid",
                    "ogrid", "index_exp", "linalg", "fft"}
    for n in JAX_NUMPY_NAMES:
        if n in not_callable or n in jnp.NOT_IMPLEMENTED:
            continue
        assert callable(getattr(jnp, n)), n
