"""pmap benchmarks, side by side with JAX: dispatch overhead, and a data-parallel MLP
training step on 1, 2, 4 and 8 CPU devices.

The workload only uses ``import jax``, so the same code times this project
(our ``jax`` meta-package) and the reference JAX.  The device count is fixed
when a backend starts, so every (implementation, device count) pair runs in
its own process:

    python benchmarks/pmap_bench.py                       # ours and JAX, 1/2/4/8 devices
    python benchmarks/pmap_bench.py --jax-python /tmp/refjax/bin/python --devices 1,8
    python benchmarks/pmap_bench.py --impl ours           # ours only

``--jax-python`` is an interpreter with the reference jax/jaxlib installed
(default: $JAX_REF_PYTHON, else /tmp/refjax/bin/python); ours runs with this
interpreter and the repository's packages on PYTHONPATH.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------
# the workload (runs inside one process, with the device count already set)


def _time(fn, reps: int, warmup: int = 3) -> float:
    """Median seconds of ``fn()`` over ``reps`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def worker(reps: int, batch: int, width: int) -> dict:
    import numpy as np

    import jax
    import jax.numpy as jnp
    from jax import lax

    n = jax.device_count()
    res: dict = {"devices": n, "impl": "jax" if hasattr(jax, "__file__") and "site-packages" in jax.__file__
                 else "ours"}

    # 1. dispatch overhead: a tiny elementwise pmap, fed its own (sharded) result
    f = jax.pmap(lambda x: x + 1.0)
    x = f(np.zeros((n, 4), np.float32))
    jax.block_until_ready(x)
    state = {"x": x}

    def step_async() -> None:
        state["x"] = f(state["x"])

    def step_sync() -> None:
        state["x"] = f(state["x"])
        jax.block_until_ready(state["x"])

    res["dispatch_us"] = 1e6 * _time(step_async, reps * 10)
    jax.block_until_ready(state["x"])
    res["roundtrip_us"] = 1e6 * _time(step_sync, reps * 10)
    host = np.zeros((n, 4), np.float32)
    res["host_input_us"] = 1e6 * _time(lambda: jax.block_until_ready(f(host)), reps * 10)

    # 2. data-parallel MLP step (strong scaling: the global batch is split over the devices)
    rng = np.random.RandomState(0)
    sizes = (width, width, width, 10)
    params = [(rng.randn(m, k).astype(np.float32) / np.sqrt(m), np.zeros(k, np.float32))
              for m, k in zip(sizes[:-1], sizes[1:])]

    def loss(params, xb, yb):
        h = xb
        for w, b in params[:-1]:
            h = jnp.tanh(h @ w + b)
        w, b = params[-1]
        logits = h @ w + b
        logp = logits - jnp.log(jnp.sum(jnp.exp(logits), axis=-1, keepdims=True))
        return -jnp.mean(jnp.sum(logp * yb, axis=-1))

    def train_step(params, xb, yb):
        grads = lax.pmean(jax.grad(loss)(params, xb, yb), "batch")
        return jax.tree_util.tree_map(lambda p, g: p - 0.01 * g, params, grads)

    step = jax.pmap(train_step, axis_name="batch")
    xb = rng.randn(n, batch // n, width).astype(np.float32)
    yb = np.eye(10, dtype=np.float32)[rng.randint(0, 10, (n, batch // n))]
    xs, ys = jax.pmap(lambda a, b: (a, b))(xb, yb)      # data already on the devices
    reps_p = jax.tree_util.tree_map(lambda p: np.broadcast_to(p, (n,) + p.shape).copy(), params)
    pstate = {"p": step(reps_p, xs, ys)}

    def train() -> None:
        pstate["p"] = step(pstate["p"], xs, ys)
        jax.block_until_ready(pstate["p"])

    t = _time(train, reps)
    res["mlp_step_ms"] = 1e3 * t
    res["mlp_examples_per_s"] = batch / t
    res["mlp"] = {"global_batch": batch, "width": width, "layers": len(sizes) - 1}
    return res


# --------------------------------------------------------------------------
# the driver


def _run(python: str, impl: str, ndev: int, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={ndev}"
    env["JAX_NUM_CPU_DEVICES"] = str(ndev)
    env["JAX_PLATFORMS"] = "cpu"
    env.pop("PYTHONPATH", None)
    if impl == "ours":
        env["PYTHONPATH"] = os.pathsep.join([str(p) for p in sorted((REPO / "packages").glob("*/src"))])
    cmd = [python, __file__, "--worker", "--reps", str(args.reps), "--batch", str(args.batch),
           "--width", str(args.width)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"{impl} with {ndev} devices failed:\n{out.stderr[-3000:]}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    res = json.loads(line)
    res["impl"] = impl
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--impl", choices=["ours", "jax", "both"], default="both")
    p.add_argument("--jax-python", default=os.environ.get("JAX_REF_PYTHON", "/tmp/refjax/bin/python"))
    p.add_argument("--devices", default="1,2,4,8")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--batch", type=int, default=2048)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.reps, args.batch, args.width)))
        return
    impls = ["ours", "jax"] if args.impl == "both" else [args.impl]
    if "jax" in impls and not Path(args.jax_python).exists():
        print(f"(no reference JAX interpreter at {args.jax_python}; timing ours only)", file=sys.stderr)
        impls = ["ours"]
    results = []
    for ndev in [int(d) for d in args.devices.split(",")]:
        for impl in impls:
            python = sys.executable if impl == "ours" else args.jax_python
            results.append(_run(python, impl, ndev, args))
            r = results[-1]
            print(f"{impl:4s} {ndev} dev: dispatch {r['dispatch_us']:8.1f} us  round trip {r['roundtrip_us']:8.1f} us"
                  f"  host input {r['host_input_us']:8.1f} us  MLP step {r['mlp_step_ms']:8.2f} ms "
                  f"({r['mlp_examples_per_s']:9.0f} ex/s)", flush=True)
    print(f"\nMLP: global batch {args.batch}, 3 layers of width {args.width}; {os.cpu_count()} CPU cores; "
          "medians of --reps runs")
    if len(impls) == 2:
        print("\nours / JAX (lower is better for times):")
        by = {(r["impl"], r["devices"]): r for r in results}
        for ndev in sorted({r["devices"] for r in results}):
            o, j = by[("ours", ndev)], by[("jax", ndev)]
            print(f"  {ndev} dev: dispatch x{o['dispatch_us'] / j['dispatch_us']:.2f}   round trip "
                  f"x{o['roundtrip_us'] / j['roundtrip_us']:.2f}   MLP step x{o['mlp_step_ms'] / j['mlp_step_ms']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
