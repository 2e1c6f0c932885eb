"""The README's install recipes, each in a fresh virtual environment.

Audience 1 (jax-core + jax-ad, CPU autodiff with NumPy only) is covered by
tests/test_repo_rules.py.  Here: audience 2, the full meta-package; and
audience 3, a downstream library that depends on one layer (jax-numpy) and
gets no jaxlib.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.test_repo_rules import PACKAGES_DIR, FreshVenv, _run

ALL = ["jax-core", "jax-ad", "jax-batching", "jax-xla", "jax-pmap", "jax-numpy", "jax-experimental", "jax"]


def test_full_meta_package_runs_the_readme(tmp_path: Path) -> None:
    env = FreshVenv(tmp_path)
    env.install(*ALL)
    out = env.run_program("""
        import jax, jax.numpy as np
        from jax import grad, jit, vmap
        assert jax.__file__.startswith(__import__("sys").prefix)
        def tanh(x):
            y = np.exp(-2.0 * x)
            return (1.0 - y) / (1.0 + y)
        print(grad(tanh)(1.0))
        print(jit(grad(grad(grad(tanh))))(1.0))
        print(vmap(grad(tanh))(np.array([0.0, 1.0])))
    """)
    lines = out.splitlines()
    assert lines[0] == "0.4199743"
    assert lines[1] == "0.6216267"
    assert lines[2] == "[1.        0.4199743]"


def test_downstream_library_depends_on_one_layer(tmp_path: Path) -> None:
    env = FreshVenv(tmp_path)
    env.install("jax-core", "jax-numpy")
    lib = tmp_path / "mylib"
    (lib / "src" / "mylib").mkdir(parents=True)
    (lib / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "mylib"
        version = "0.0.1"
        dependencies = ["jax-numpy>=0.1,<0.2"]
        [tool.hatch.build.targets.wheel]
        packages = ["src/mylib"]
    """))
    (lib / "src" / "mylib" / "__init__.py").write_text(textwrap.dedent("""
        import jax_numpy as jnp

        def softmax_rows(x):
            e = jnp.exp(x - jnp.max(x, axis=1, keepdims=True))
            return e / jnp.sum(e, axis=1, keepdims=True)
    """))
    # jax-numpy is already satisfied by the local copy; pip must not look it up elsewhere
    _run([str(env.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
          str(lib)], cwd=tmp_path)
    out = env.run_program("""
        import importlib.util, sys
        import numpy as np
        import mylib
        y = mylib.softmax_rows(np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]], np.float32))
        np.testing.assert_allclose(np.asarray(y).sum(1), [1, 1], rtol=1e-6)
        assert importlib.util.find_spec("jaxlib") is None and "jaxlib" not in sys.modules
        print("downstream: ok")
    """)
    assert "downstream: ok" in out
