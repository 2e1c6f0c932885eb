"""JAX's README programs and the demo, run unchanged against our `import jax`."""
import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("jaxlib")

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_example(name, *args, env_extra=None, timeout=600):
    env = dict(os.environ)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_readme_autodiff_prints_what_the_readme_documents():
    out = run_example("readme_autodiff.py").split("\n")
    assert out[0] == "0.4199743"
    assert out[1] == "0.6216267"
    assert out[2] == "1.0"
    assert out[3] == "-1.0"
    assert out[4].split() == ["[[", "6.", "1.]"]
    assert out[5].split() == ["[", "1.", "12.]]"]


def test_readme_intro_and_vmap():
    assert "sum of per-example grads equals the batch grad" in run_example("readme_intro.py")
    out = run_example("readme_vmap.py")
    assert "max |per-example vmap grads - loop of grads|" in out


def test_readme_jit():
    out = run_example("readme_jit.py")
    assert "fast_f(x) == slow_f(x): True" in out


def test_readme_pmap_on_eight_cpu_devices():
    pytest.importorskip("jax_pmap")
    import jax_pmap

    if not hasattr(jax_pmap, "pmap"):
        pytest.skip("jax-pmap does not provide pmap yet")
    out = run_example("readme_pmap.py", env_extra={"JAX_NUM_CPU_DEVICES": "8"})
    lines = out.splitlines()
    # (the first print, 8 means, may wrap over two lines)
    assert "[0.         0.16666667 0.33333334 0.5       ]" in lines


def test_demo_reaches_97_percent():
    out = run_example("demo.py")
    final = [line for line in out.splitlines() if line.startswith("final test accuracy")][0]
    assert float(final.split()[3]) >= 0.97
    assert "max |vmap - loop|" in out


@pytest.mark.parametrize("name,threshold", [("mnist_classifier_fromscratch.py", 0.93), ("mnist_classifier.py", 0.93)])
def test_seed_era_mnist_examples_on_digits(name, threshold):
    out = run_example(name)
    last = [line for line in out.splitlines() if line.startswith("Test set accuracy")][-1]
    assert float(last.split()[-1]) >= threshold
