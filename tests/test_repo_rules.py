"""Rules of the house that hold for the repository as a whole.

- no interpreter package imports a sibling it may not see;
- every package carries its own metadata (pyproject, README, py.typed);
- layers install alone: jax-core and jax-ad go into a fresh virtual
  environment with no jaxlib anywhere, and still work.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parent.parent
PACKAGES_DIR = REPO / "packages"

# folder under packages/ -> import name
PACKAGES = {
    "jax-core": "jax_core",
    "jax-ad": "jax_ad",
    "jax-batching": "jax_batching",
    "jax-xla": "jax_xla",
    "jax-pmap": "jax_pmap",
    "jax-numpy": "jax_numpy",
    "jax-experimental": "jax_experimental",
    "jax": "jax",
}

# First-party top-level names each package may import (besides itself).
# Third-party names (numpy, ml_dtypes, opt_einsum, ...) are not checked here.
ALLOWED_IMPORTS: dict[str, set[str]] = {
    "jax_core": set(),
    "jax_ad": {"jax_core"},
    "jax_batching": {"jax_core"},
    "jax_xla": {"jax_core", "jaxlib"},
    "jax_pmap": {"jax_core", "jax_xla", "jaxlib"},
    "jax_numpy": {"jax_core"},
    "jax_experimental": {"jax_core", "jax_numpy"},
    "jax": set(PACKAGES.values()) | {"jaxlib"},
}


def _is_first_party(top: str) -> bool:
    return top in ("jax", "jaxlib") or top.startswith("jax_")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the tree.

    Covers `import x`, `from x import y` (relative imports stay inside the
    package and are skipped) and `importlib.import_module("x")` /
    `__import__("x")` with a literal name.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = (
                func.attr if isinstance(func, ast.Attribute)
                else func.id if isinstance(func, ast.Name) else None
            )
            arg = node.args[0]
            if (name in ("import_module", "__import__")
                    and isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    and not arg.value.startswith(".")):
                found.append((node.lineno, arg.value))
    return found


def _package_dirs() -> list[Path]:
    return sorted(p for p in PACKAGES_DIR.iterdir() if p.is_dir())


def test_no_sibling_imports() -> None:
    violations: list[str] = []
    checked = 0
    for pkg_dir in _package_dirs():
        src = pkg_dir / "src"
        for path in sorted(src.rglob("*.py")):
            owner = path.relative_to(src).parts[0]
            rel = path.relative_to(REPO)
            if owner not in ALLOWED_IMPORTS:
                violations.append(f"{rel}: package {owner!r} is not in the allowed import graph")
                continue
            allowed = ALLOWED_IMPORTS[owner] | {owner}
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            except SyntaxError as e:
                violations.append(f"{rel}:{e.lineno}: cannot parse: {e.msg}")
                continue
            checked += 1
            for lineno, module in _imported_modules(tree):
                top = module.split(".")[0]
                if _is_first_party(top) and top not in allowed:
                    violations.append(
                        f"{rel}:{lineno}: {owner} imports {module!r} "
                        f"(allowed first-party imports: {sorted(ALLOWED_IMPORTS[owner]) or 'none'})"
                    )
    assert checked > 0, "no source files found under packages/*/src"
    assert not violations, "forbidden imports:\n" + "\n".join(violations)


def test_each_package_has_metadata() -> None:
    found = {p.name for p in _package_dirs()}
    assert found == set(PACKAGES), f"packages/ holds {sorted(found)}, expected {sorted(PACKAGES)}"
    problems: list[str] = []
    for folder, import_name in PACKAGES.items():
        pkg = PACKAGES_DIR / folder
        for rel in ("pyproject.toml", "README.md",
                    f"src/{import_name}/py.typed", f"src/{import_name}/__init__.py"):
            if not (pkg / rel).is_file():
                problems.append(f"packages/{folder}/{rel} is missing")
        pyproject = pkg / "pyproject.toml"
        if tomllib is None or not pyproject.is_file():
            continue
        meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        project = meta.get("project", {})
        if project.get("name") != folder:
            problems.append(f"packages/{folder}/pyproject.toml: name is {project.get('name')!r}")
        wheel = meta.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
        if wheel.get("packages") != [f"src/{import_name}"]:
            problems.append(f"packages/{folder}/pyproject.toml: wheel packages should be ['src/{import_name}']")
        # Declared sibling dependencies must respect the same graph as the imports.
        for dep in project.get("dependencies", []):
            dep_name = dep.split(";")[0].split("[")[0]
            for sep in "<>=!~ ":
                dep_name = dep_name.split(sep)[0]
            dep_import = dep_name.strip().lower().replace("-", "_")
            if _is_first_party(dep_import) and dep_import not in ALLOWED_IMPORTS[import_name]:
                problems.append(f"packages/{folder}/pyproject.toml: forbidden dependency {dep!r}")
    assert not problems, "\n".join(problems)


# --- layers install alone ---------------------------------------------------

def _venv_python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    return env


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc


class FreshVenv:
    """A virtual environment made from scratch (no system site-packages)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = root / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(self.dir)
        self.python = _venv_python(self.dir)
        self.installed: set[str] = set()

    def install(self, *folders: str) -> None:
        wanted = [f for f in folders if f not in self.installed]
        if not wanted:
            return
        _run([str(self.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              *(str(PACKAGES_DIR / f) for f in folders)], cwd=self.root)
        self.installed.update(folders)

    def run_program(self, source: str) -> str:
        script = self.root / "program.py"
        script.write_text(textwrap.dedent(source), encoding="utf-8")
        # cwd is outside the repository, so only the installed copies can be imported.
        return _run([str(self.python), str(script)], cwd=self.root, timeout=120).stdout


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    return FreshVenv(tmp_path_factory.mktemp("layers"))


_COMMON_CHECKS = """
    import importlib.util, sys
    assert importlib.util.find_spec("jaxlib") is None, "jaxlib is importable in the fresh venv"
    import jax_core
    assert jax_core.__file__.startswith(sys.prefix), f"jax_core came from {jax_core.__file__}, not the venv"
    assert "jaxlib" not in sys.modules, "importing jax_core imported jaxlib"
"""


def test_core_installs_alone(fresh_venv: FreshVenv) -> None:
    fresh_venv.install("jax-core")
    out = fresh_venv.run_program(_COMMON_CHECKS + """
    import numpy as np
    from jax_core import lax, make_jaxpr, random
    jaxpr = make_jaxpr(lambda x: lax.sin(x) * 2.0)(3.0)
    assert str(jaxpr) == "{ lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }", str(jaxpr)
    x = random.normal(random.PRNGKey(0), (3,))
    np.testing.assert_array_equal(np.asarray(x), np.array([1.6226422, 2.0252647, -0.43359444], np.float32))
    assert "jaxlib" not in sys.modules, "jax_core imported jaxlib"
    print("core alone: ok")
    """)
    assert "core alone: ok" in out


def test_layers_install_alone(fresh_venv: FreshVenv) -> None:
    """Audience 1: CPU autodiff with jax-core + jax-ad only (no jaxlib, no jax-numpy)."""
    fresh_venv.install("jax-core", "jax-ad")
    out = fresh_venv.run_program(_COMMON_CHECKS + """
    import importlib.util
    import numpy as np
    from jax_core import lax
    from jax_ad import grad
    assert importlib.util.find_spec("jax_numpy") is None

    def net(params, x):
        for w, b in params[:-1]:
            x = lax.tanh(x @ w + b)
        w, b = params[-1]
        return lax.reduce_sum((x @ w + b) ** 2, (0, 1))

    rng = np.random.RandomState(0)
    params = [(rng.randn(3, 4), rng.randn(4)), (rng.randn(4, 2), rng.randn(2))]
    params = [(w.astype(np.float32), b.astype(np.float32)) for w, b in params]
    x = rng.randn(5, 3).astype(np.float32)
    g = grad(net)(params, x)
    # central finite differences on one weight of each layer
    for layer in range(2):
        w, b = params[layer]
        e = np.zeros_like(w); e[0, 1] = 1e-2
        plus = [p if i != layer else (w + e, b) for i, p in enumerate(params)]
        minus = [p if i != layer else (w - e, b) for i, p in enumerate(params)]
        fd = (float(net(plus, x)) - float(net(minus, x))) / 2e-2
        assert abs(float(g[layer][0][0, 1]) - fd) < 1e-2 * max(1.0, abs(fd)), (layer, g[layer][0][0, 1], fd)
    assert float(grad(lambda v: v * v * 3.0)(2.0)) == 12.0
    assert "jaxlib" not in sys.modules, "grad imported jaxlib"
    print("grad of a network: ok")
    """)
    assert "grad of a network: ok" in out
