"""Benchmark driver: every workload under every implementation, side by side.

    hatch run bench:all                # the full run: RESULTS.md, the plot, README table
    hatch run bench:all --reps 9       # more repetitions (default 5)
    hatch run bench:quick              # smoke test: 1 repetition, short timings, to a temp dir
    python benchmarks/run.py --python ours=/path/to/python --python jax=/path/to/python ...

Each (workload, implementation) runs in a fresh subprocess with the Python of
that implementation's hatch environment (``bench-ours``, ``bench-jax``,
``bench-autograd``, ``bench-torch``; NumPy runs in ``bench-ours``).  One
repetition runs every workload under every implementation, in an order that
rotates between repetitions, so that slow drifts of the machine hit all of
them alike; the report gives the median over repetitions of each script's own
figure (its fastest timed batch, or with ``--stat median`` its median batch).
Workloads run at niceness -10 where permitted (``--nice``).  BLAS threads are pinned (``--threads``, default 1) in every
subprocess.  A workload that fails, times out or prints no result is
recorded as failed with the first line of its error.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# implementation -> hatch environment that runs it
ENVS = {"ours": "bench-ours", "numpy": "bench-ours", "jax": "bench-jax",
        "autograd": "bench-autograd", "torch": "bench-torch"}
IMPL_ORDER = ["ours", "jax", "numpy", "autograd", "torch"]


@dataclass
class Workload:
    name: str
    impls: list[str]
    title: str
    timeout_s: float = 240.0


WORKLOADS = [
    Workload("eager_op", ["ours", "numpy", "jax", "torch"], "Eager elementwise op latency"),
    Workload("eager_grad", ["ours", "autograd", "jax", "torch"], "Eager grad of a 3-layer tanh MLP (128x256)"),
    Workload("jit_overhead", ["ours", "jax"], "jit call overhead, x + y on two (3,) arrays"),
    Workload("trace_compile", ["ours", "jax"], "Trace + compile time"),
    Workload("mlp_step", ["ours", "jax", "torch"], "Compiled MLP training step (128, 784-1024-1024-10)"),
    Workload("perex_grads", ["ours", "jax", "torch"], "Per-example gradients, jit(vmap(grad)) (batch 128)"),
    Workload("convnet_step", ["ours", "jax", "torch"], "Small convnet training step (64x1x28x28)"),
    Workload("pmap_step", ["ours", "jax"], "pmap data-parallel MLP step on 1/2/4/8 CPU devices"),
]
BY_NAME = {w.name: w for w in WORKLOADS}
EAGER_SIZES = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
               "NUMEXPR_NUM_THREADS"]


# ---------------------------------------------------------------------------- targets
@dataclass
class Target:
    """``value(ours) / value(against)`` compared with ``limit``.

    ``mode`` "le": ratio must be <= limit.  For "faster than" targets the
    ratio is inverted (``against / ours`` must be >= limit) and ``mode`` is "ge".
    """
    label: str
    workload: str
    metrics: list[str]
    against: str
    limit: float
    mode: str  # "le": ours/against <= limit; "ge": against/ours >= limit
    requirement: str


TARGETS = [
    Target("eager x*y vs NumPy", "eager_op", [f"mul_n{n}" for n in EAGER_SIZES], "numpy", 5.0, "le",
           "≤ 5× NumPy's time"),
    Target("eager tanh vs NumPy", "eager_op", [f"tanh_n{n}" for n in EAGER_SIZES], "numpy", 5.0, "le",
           "≤ 5× NumPy's time"),
    Target("eager x*y vs JAX", "eager_op", [f"mul_n{n}" for n in EAGER_SIZES], "jax", 5.0, "ge",
           "≥ 5× faster than JAX"),
    Target("eager tanh vs JAX", "eager_op", [f"tanh_n{n}" for n in EAGER_SIZES], "jax", 5.0, "ge",
           "≥ 5× faster than JAX"),
    Target("eager grad(MLP) vs autograd", "eager_grad", ["grad_mlp"], "autograd", 1.0, "ge",
           "≥ 1× autograd's speed"),
    Target("jit call overhead vs JAX", "jit_overhead", ["jit_call"], "jax", 1.5, "le", "≤ 1.5× JAX's time"),
    Target("trace+compile jit(grad(MLP)) vs JAX", "trace_compile", ["grad_mlp"], "jax", 1.0, "le",
           "≤ 1× JAX's time"),
    Target("trace+compile scan RNN vs JAX", "trace_compile", ["scan_rnn"], "jax", 1.0, "le", "≤ 1× JAX's time"),
    Target("trace+compile grad(scan RNN) vs JAX", "trace_compile", ["grad_scan_rnn"], "jax", 1.0, "le",
           "≤ 1× JAX's time"),
    Target("compiled MLP step vs JAX", "mlp_step", ["train_step"], "jax", 1.05, "le", "within 5% of JAX"),
    Target("per-example grads (vmap) vs JAX", "perex_grads", ["perex_grads"], "jax", 1.05, "le",
           "within 5% of JAX"),
    Target("convnet step vs JAX", "convnet_step", ["train_step"], "jax", 1.05, "le", "within 5% of JAX"),
    Target("pmap step vs JAX", "pmap_step", [f"step_dev{n}" for n in (1, 2, 4, 8)], "jax", 1.05, "le",
           "within 5% of JAX"),
]


# ---------------------------------------------------------------------------- running
@dataclass
class Run:
    workload: str
    impl: str
    rep: int
    seconds: float
    record: dict[str, Any] = field(default_factory=dict)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def hatch_python(env: str) -> tuple[str | None, str | None]:
    """(python path, error) of a hatch environment, creating it if needed."""
    hatch = shutil.which("hatch")
    if hatch is None:
        return None, "hatch is not installed (pass --python IMPL=PATH instead)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_ENV_ACTIVE")}
    created = subprocess.run([hatch, "env", "create", env], cwd=ROOT, env=clean,
                             capture_output=True, text=True)
    if created.returncode != 0:
        return None, f"`hatch env create {env}` failed: {_last_line(created.stderr or created.stdout)}"
    found = subprocess.run([hatch, "env", "find", env], cwd=ROOT, env=clean, capture_output=True, text=True)
    path = Path(found.stdout.strip().splitlines()[-1]) if found.stdout.strip() else None
    if found.returncode != 0 or path is None:
        return None, f"`hatch env find {env}` failed: {_last_line(found.stderr)}"
    for cand in (path / "bin" / "python", path / "Scripts" / "python.exe"):
        if cand.exists():
            return str(cand), None
    return None, f"no python in {path}"


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "(no output)"


def _error_line(stderr: str) -> str:
    """The exception line of a traceback (or the last line of the output)."""
    lines = [ln.rstrip() for ln in (stderr or "").splitlines() if ln.strip()]
    for ln in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", ln.strip()):
            return ln.strip()[:300]
    return lines[-1].strip()[:300] if lines else "(no output)"


def child_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    # the reference environment must never see our packages through PYTHONPATH (nor the reverse)
    for k in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JAX_NUM_CPU_DEVICES", "BENCH_DEBUG"):
        env.pop(k, None)
    for k in list(env):
        if k.startswith("HATCH_ENV_ACTIVE"):
            env.pop(k)
    # OPENBLAS_CORETYPE/L2_SIZE (set on some machines for old OpenBLAS builds) slow a current NumPy
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for k in THREAD_VARS:
        env[k] = str(threads)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


_NICE = 0


def _renice() -> None:
    """preexec_fn of every workload: run at the requested niceness if allowed."""
    if _NICE:
        try:
            os.nice(_NICE)
        except OSError:
            pass


def run_one(python: str, wl: Workload, impl: str, env: dict[str, str], quick: bool) -> tuple[dict[str, Any], float]:
    cmd = [python, str(HERE / "workloads" / f"{wl.name}.py"), "--impl", impl]
    if quick:
        cmd.append("--quick")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=wl.timeout_s,
                              preexec_fn=_renice if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {wl.timeout_s:.0f} s"}, time.perf_counter() - t0
    dt = time.perf_counter() - t0
    record = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                record = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
    if record is None:
        return {"ok": False, "error": f"exit {proc.returncode}, no result: {_error_line(proc.stderr)}"}, dt
    if proc.returncode != 0 and record.get("ok"):
        record["ok"] = False
        record["error"] = f"exit {proc.returncode}: {_error_line(proc.stderr)}"
    return record, dt


def env_info(python: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([python, str(HERE / "envinfo.py")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=_renice if os.name == "posix" else None)
    try:
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    except (json.JSONDecodeError, IndexError):
        return {"error": _error_line(proc.stderr)}


def machine_info(threads: int) -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = f"{int(m.group(1)) / 2**20:.1f} GiB" if m else None
    except OSError:
        pass
    commit = None
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        commit = out.stdout.strip() or None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        if commit and dirty:
            commit += " (with uncommitted changes)"
    except OSError:
        pass
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "platform": platform.platform(),
        "driver_python": platform.python_version(), "commit": commit, "threads": threads,
        "openblas_coretype_was": os.environ.get("OPENBLAS_CORETYPE"),
        "load_start": _loadavg(),
    }


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# ---------------------------------------------------------------------------- aggregation
@dataclass
class Cell:
    """One (workload, impl, metric): median over repetitions, or why there is none."""
    value: float | None = None
    values: list[float] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None


def aggregate(runs: list[Run], stat: str = "fastest") -> dict[tuple[str, str], dict[str, Any]]:
    """(workload, impl) -> {"metrics": {m: Cell}, "checks": {m: median}, "error", "skipped"}."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in runs:
        slot = out.setdefault((r.workload, r.impl), {"metrics": {}, "checks": {}, "error": None,
                                                     "skipped": None, "_checks": {}})
        rec = r.record
        if not rec.get("ok", False):
            slot["error"] = slot["error"] or rec.get("error") or "failed"
        if rec.get("skipped"):
            slot["skipped"] = rec["skipped"]
        values = dict(rec.get("results") or {})
        if stat == "median":
            values.update(rec.get("medians") or {})
        for m, v in values.items():
            slot["metrics"].setdefault(m, Cell()).values.append(float(v))
        for m, e in (rec.get("errors") or {}).items():
            if m.startswith("check:"):
                slot["_checks"].setdefault(m, [])
                slot.setdefault("check_errors", {})[m[6:]] = e
                continue
            c = slot["metrics"].setdefault(m, Cell())
            c.error = c.error or e
        for m, v in (rec.get("checks") or {}).items():
            slot["_checks"].setdefault(m, []).append(float(v))
    for slot in out.values():
        for c in slot["metrics"].values():
            if c.values:
                c.value = statistics.median(c.values)
        slot["checks"] = {m: statistics.median(v) for m, v in slot.pop("_checks").items() if v}
    return out


def cell(agg: dict, wl: str, impl: str, metric: str) -> Cell:
    slot = agg.get((wl, impl))
    if slot is None:
        return Cell(error="not run")
    c = slot["metrics"].get(metric)
    if c is not None and c.value is not None:
        return c
    if slot.get("skipped"):
        return Cell(skipped=slot["skipped"])
    if c is not None and c.error:
        return c
    return Cell(error=slot.get("error") or "no result")


# ---------------------------------------------------------------------------- formatting
def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "—"
    if r >= 10:
        return f"{r:.3g}×" if r < 100 else f"{r:.0f}×"
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


def size_label(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if n >= 1000 else str(n)


def metric_label(metric: str) -> str:
    m = re.match(r"(mul|tanh)_n(\d+)$", metric)
    if m:
        return f"{'x*y' if m.group(1) == 'mul' else 'tanh(x)'}, n={size_label(int(m.group(2)))}"
    m = re.match(r"step_dev(\d+)$", metric)
    if m:
        return f"{m.group(1)} device{'s' if m.group(1) != '1' else ''}"
    return metric


def _rel_spread(c: Cell) -> float:
    if c.value is None or len(c.values) < 2:
        return 0.0
    return (max(c.values) - min(c.values)) / 2 / c.value


def short_label(metric: str) -> str:
    """Case name inside a target row (the row already says which op)."""
    m = re.match(r"(?:mul|tanh)_n(\d+)$", metric)
    if m:
        return f"n={size_label(int(m.group(1)))}"
    return metric_label(metric)


def evaluate(agg: dict, t: Target) -> dict[str, Any]:
    """Per metric: ratio and pass/fail; overall verdict."""
    rows: list[dict[str, Any]] = []
    for m in t.metrics:
        ours, ref = cell(agg, t.workload, "ours", m), cell(agg, t.workload, t.against, m)
        if ours.value is None or ref.value is None:
            status = "SKIPPED" if ours.skipped else ("FAILED" if ours.value is None else "NO REFERENCE")
            why = ours.skipped or ours.error if ours.value is None else ref.error or ref.skipped
            rows.append({"metric": m, "ratio": None, "ok": None, "status": status, "why": why})
            continue
        ratio = ours.value / ref.value if t.mode == "le" else ref.value / ours.value
        ok = ratio <= t.limit if t.mode == "le" else ratio >= t.limit
        # run-to-run spread of the ratio: half-spread of each side, relative, added
        spread = _rel_spread(ours) + _rel_spread(ref)
        noisy = abs(ratio / t.limit - 1.0) < spread
        rows.append({"metric": m, "ratio": ratio, "ok": ok, "status": "met" if ok else "MISSED", "why": None,
                     "ours": ours.value, "ref": ref.value, "spread": spread, "noisy": noisy})
    statuses = {r["status"] for r in rows}
    if statuses == {"met"}:
        verdict = "met"
    elif "MISSED" in statuses:
        verdict = "MISSED"
    elif statuses <= {"SKIPPED"}:
        verdict = "SKIPPED"
    elif "FAILED" in statuses:
        verdict = "FAILED"
    else:
        verdict = "NO REFERENCE"
    return {"target": t, "rows": rows, "verdict": verdict}


def targets_table(evals: list[dict[str, Any]]) -> list[str]:
    lines = ["| target | required | ours | reference | ratio | verdict |",
             "| --- | --- | --- | --- | --- | --- |"]
    for ev in evals:
        t: Target = ev["target"]
        rows = ev["rows"]
        measured = [r for r in rows if r["ratio"] is not None]
        word = "ours/" if t.mode == "le" else f"{t.against}/"
        word += t.against if t.mode == "le" else "ours"
        if len(rows) == 1:
            r = rows[0]
            ours = fmt_time(r.get("ours"))
            ref = fmt_time(r.get("ref"))
            ratio = f"{fmt_ratio(r['ratio'])} ({word})" if r["ratio"] is not None else "—"
        else:
            ours = ref = f"{len(rows)} cases"
            if measured:
                worst = max(measured, key=lambda r: r["ratio"] if t.mode == "le" else -r["ratio"])
                best = min(measured, key=lambda r: r["ratio"] if t.mode == "le" else -r["ratio"])
                ratio = (f"{fmt_ratio(best['ratio'])} … {fmt_ratio(worst['ratio'])} ({word}; worst at "
                         f"{short_label(worst['metric'])})")
            else:
                ratio = "—"
        verdict = verdict_text(ev)
        lines.append(f"| {t.label} | {t.requirement} | {ours} | {ref} | {ratio} | {verdict} |")
    return lines


def verdict_text(ev: dict[str, Any]) -> str:
    """'met', or what went wrong, case by case (grouped by status)."""
    rows = ev["rows"]
    noisy = [r for r in rows if r.get("noisy")]
    if len(rows) == 1 and noisy:
        noise = f" (not conclusive: the ratio is within the run-to-run spread, ±{noisy[0]['spread'] * 100:.0f}%)"
    elif noisy:
        noise = (f" ({len(noisy)} of {len(rows)} within the run-to-run spread: "
                 f"{', '.join(short_label(r['metric']) for r in noisy)})")
    else:
        noise = ""
    if ev["verdict"] == "met":
        return ("met" if len(rows) == 1 else f"met ({len(rows)}/{len(rows)})") + noise
    parts = []
    for status in ("MISSED", "FAILED", "SKIPPED", "NO REFERENCE"):
        group = [r for r in rows if r["status"] == status]
        if not group:
            continue
        word = {"MISSED": "**MISSED**", "FAILED": "**FAILED**", "SKIPPED": "skipped",
                "NO REFERENCE": "no reference figure"}[status]
        where = ""
        if len(rows) > 1:
            names = [short_label(r["metric"]) for r in group]
            where = f" {len(group)}/{len(rows)}" + (f" ({', '.join(names)})" if len(group) < len(rows) else "")
        why = ""
        if status != "MISSED":
            reasons = list(dict.fromkeys(str(r["why"] or "") for r in group))
            why = ": " + "; ".join(_md(x) for x in reasons[:2])
        parts.append(f"{word}{where}{why}")
    met = sum(r["status"] == "met" for r in rows)
    if met and len(rows) > 1:
        parts.insert(0, f"met {met}/{len(rows)}")
    return "; ".join(parts) + noise


def _md(text: Any) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def workload_table(agg: dict, wl: Workload, impls: list[str]) -> tuple[list[str], list[str]]:
    metrics: list[str] = []
    for impl in impls:
        slot = agg.get((wl.name, impl))
        for m in (slot or {}).get("metrics", {}):
            if m not in metrics:
                metrics.append(m)
    if wl.name == "eager_op":
        order = [f"{op}_n{n}" for op in ("mul", "tanh") for n in EAGER_SIZES]
        metrics = [m for m in order if m in metrics] + [m for m in metrics if m not in order]
    cols = [i for i in IMPL_ORDER if i in impls]
    ratio_cols: list[str] = []
    if "ours" in cols:
        ratio_cols = [i for i in ("jax", "numpy", "autograd") if i in cols]
    head = "| case | " + " | ".join(cols) + "".join(f" | ours/{r}" for r in ratio_cols) + " |"
    lines = [head, "| --- " * (1 + len(cols) + len(ratio_cols)) + "|"]
    errors: dict[str, list[str]] = {}
    for m in metrics:
        row = [metric_label(m)]
        for impl in cols:
            c = cell(agg, wl.name, impl, m)
            if c.value is not None:
                spread = ""
                if len(c.values) > 1:
                    spread = f" ±{(max(c.values) - min(c.values)) / 2 / c.value * 100:.0f}%"
                row.append(fmt_time(c.value) + spread)
            elif c.skipped:
                row.append("skipped")
                errors.setdefault(f"{impl}: skipped: {c.skipped}", []).append(metric_label(m))
            else:
                row.append("FAILED")
                errors.setdefault(f"{impl}: {c.error}", []).append(metric_label(m))
        ours = cell(agg, wl.name, "ours", m)
        for r in ratio_cols:
            ref = cell(agg, wl.name, r, m)
            row.append(fmt_ratio(ours.value / ref.value) if ours.value and ref.value else "—")
        lines.append("| " + " | ".join(_md(x) for x in row) + " |")
    if not metrics:
        for impl in cols:
            slot = agg.get((wl.name, impl)) or {}
            why = slot.get("skipped") or slot.get("error") or "no result"
            errors.setdefault(f"{impl}: {why}", []).append("all")
        lines = []
    notes = [f"- {_md(msg)} ({', '.join(ms) if len(ms) <= 4 else f'{len(ms)} cases'})"
             for msg, ms in errors.items()]
    return lines, notes


def checks_section(agg: dict, workloads: list[Workload], impls: list[str]) -> list[str]:
    """Check values (loss, gradient sums) should agree across implementations."""
    lines = ["| workload | check | " + " | ".join(i for i in IMPL_ORDER if i in impls) + " | agree |",
             "| --- " * (3 + len([i for i in IMPL_ORDER if i in impls])) + "|"]
    cols = [i for i in IMPL_ORDER if i in impls]
    any_row = False
    for wl in workloads:
        names: list[str] = []
        for impl in cols:
            for m in (agg.get((wl.name, impl)) or {}).get("checks", {}):
                if m not in names:
                    names.append(m)
        for m in names:
            vals = {i: (agg.get((wl.name, i)) or {}).get("checks", {}).get(m) for i in cols}
            present = [v for v in vals.values() if v is not None]
            agree = "—"
            if len(present) > 1:
                ref = present[0] if vals.get("jax") is None else vals["jax"]
                tol = 1e-3 * max(1.0, abs(ref))
                agree = "yes" if all(abs(v - ref) <= tol for v in present) else "**NO**"
            cells = [f"{v:.6g}" if v is not None else "—" for v in vals.values()]
            lines.append(f"| {wl.name} | {m} | " + " | ".join(cells) + f" | {agree} |")
            any_row = True
    return lines if any_row else []


def threading_lines(machine: dict[str, Any], envs: dict[str, dict[str, Any]]) -> list[str]:
    t = machine["threads"]
    out = [f"- Every workload subprocess ran with `{'='.join(THREAD_VARS[:3])}={t}` "
           f"(also `VECLIB_MAXIMUM_THREADS`, `NUMEXPR_NUM_THREADS`), so NumPy's BLAS, autograd (NumPy) and "
           f"PyTorch's intra-op pool use {t} thread{'s' if t != 1 else ''}.",
           "- XLA:CPU (the same jaxlib 0.10.2 under ours and JAX) keeps its own thread pool at its default "
           "size (all cores); compiled workloads of ours and JAX are therefore on equal terms, and torch "
           f"(pinned to {t} thread{'s' if t != 1 else ''}) is shown for context only."]
    nices = {info.get("nice") for info in envs.values() if "nice" in info}
    if nices:
        n = ", ".join(str(x) for x in sorted(x for x in nices if x is not None))
        out.append(f"- Workload processes ran at niceness {n} (`--nice`; negative = ahead of other work on "
                   "the machine), to keep other processes from disturbing the timings.")
    if machine.get("openblas_coretype_was"):
        out.append(f"- `OPENBLAS_CORETYPE={machine['openblas_coretype_was']}` was set in the shell; it was unset "
                   "(with `OPENBLAS_L2_SIZE`) for the workloads.")
    for env, info in envs.items():
        pools = info.get("threadpools")
        if pools is None:
            desc = "threadpoolctl not available" if "error" not in info else f"env info failed: {info['error']}"
        else:
            desc = "; ".join(f"{p.get('internal_api')} {p.get('version') or ''} ({p.get('user_api')}, "
                             f"{p.get('num_threads')} thread{'s' if p.get('num_threads') != 1 else ''}"
                             f"{', ' + str(p['architecture']) if p.get('architecture') else ''})"
                             for p in pools) or "no native thread pools found"
        if "torch_threads" in info:
            desc += f"; torch.get_num_threads() = {info['torch_threads']}"
        out.append(f"- `{env}` (threadpoolctl, after importing NumPy): {desc}")
    return out


def versions_table(envs: dict[str, dict[str, Any]], pythons: dict[str, str]) -> list[str]:
    pkgs = ["numpy", "jax", "jaxlib", "jax-core", "autograd", "torch"]
    lines = ["| environment | runs | python | " + " | ".join(pkgs) + " |",
             "| --- " * (3 + len(pkgs)) + "|"]
    runs_in: dict[str, list[str]] = {}
    for impl, env in ENVS.items():
        runs_in.setdefault(env, []).append(impl)
    for env, info in envs.items():
        v = info.get("versions", {})
        jax_v = v.get("jax", "—")
        if "jax-core" in v and "jax" in v:
            jax_v = f"{jax_v} (ours)"
        cells = [v.get(p, "—") if p != "jax" else jax_v for p in pkgs]
        lines.append(f"| `{env}` | {', '.join(runs_in.get(env, []))} | {info.get('python', '?')} | "
                     + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------------------- plot
def plot(agg: dict, path: Path, impls: list[str], note: str = "") -> str | None:
    """eager_latency.png; returns an error note instead when it cannot be drawn."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return f"plot not drawn (matplotlib missing in the driver's environment: {e})"
    style = {"ours": ("tab:red", "o", "-"), "numpy": ("tab:blue", "s", "-"), "jax": ("tab:green", "^", "-"),
             "torch": ("tab:gray", "v", "--")}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    for ax, op, title in zip(axes, ("mul", "tanh"), ("x * y", "tanh(x)")):
        for impl in ("ours", "numpy", "jax", "torch"):
            if impl not in impls:
                continue
            xs, ys = [], []
            for n in EAGER_SIZES:
                c = cell(agg, "eager_op", impl, f"{op}_n{n}")
                if c.value is not None:
                    xs.append(n)
                    ys.append(c.value * 1e6)
            color, marker, ls = style[impl]
            label = impl if xs else f"{impl} (failed)"
            ax.plot(xs, ys, color=color, marker=marker, linestyle=ls, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"eager {title}, float32")
        ax.set_xlabel("array size (elements)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("latency per op (µs)")
    if note:
        fig.suptitle(note, fontsize=9)
    axes[0].legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


# ---------------------------------------------------------------------------- report
def write_report(out_dir: Path, machine: dict[str, Any], envs: dict[str, dict[str, Any]],
                 pythons: dict[str, str], env_errors: dict[str, str], agg: dict,
                 workloads: list[Workload], impls: list[str], reps: int, wall_s: float, quick: bool,
                 plot_note: str | None, stat: str = "fastest") -> tuple[Path, list[str]]:
    evals = [evaluate(agg, t) for t in TARGETS if t.workload in {w.name for w in workloads}
             and t.against in impls and "ours" in impls]
    lines = ["# Benchmark results", "",
             "Generated by `hatch run bench:all` (`benchmarks/run.py`); do not edit by hand. "
             "Each workload script times several batches of calls and reports the "
             + ("fastest batch's time per call (as timeit advises on a machine shared with other "
                "processes; `--stat median` takes the median batch instead)" if stat == "fastest" else
                "median batch's time per call")
             + f"; the tables show the median over {reps} repetition{'s' if reps != 1 else ''} (separate "
             "processes, interleaved across implementations), and ±x% is half the spread between "
             "repetitions.",
             ""]
    if quick:
        lines += ["**Quick mode (`--quick`): short timings, a smoke test rather than a measurement.**", ""]
    lines += ["## Machine", "",
              f"- date: {machine['date']}; commit: {machine.get('commit') or 'unknown'}",
              f"- CPU: {machine['cpu']}, {machine['cores']} cores; memory {machine.get('memory') or '?'}",
              f"- OS: {machine['platform']}",
              f"- total wall time of this run: {wall_s / 60:.1f} min; load average (1/5/15 min) at the "
              f"start {machine.get('load_start')}, at the end {machine.get('load_end')} (anything else "
              "running on the machine adds noise to every figure)", "",
              "### Versions", ""]
    lines += versions_table(envs, pythons)
    for env, err in env_errors.items():
        lines.append(f"\n- environment `{env}` unavailable: {_md(err)}")
    lines += ["", "### Threading", ""] + threading_lines(machine, envs)
    lines += ["", "## Targets", "",
              "Ratios measured in this run, ours against the reference named in the row. "
              "A target is met only if it holds for every case listed. Where a ratio lies within the "
              "run-to-run spread of the two figures (half-spread of each, added), the verdict says so: "
              "the measurement cannot tell it from the limit.", ""]
    lines += targets_table(evals)
    missed = [ev for ev in evals if ev["verdict"] != "met"]
    summary: list[str] = []
    if missed:
        summary = ["", "**Targets not met in this run:**", ""]
        for ev in missed:
            t = ev["target"]
            bad = [f"{short_label(r['metric'])}: {fmt_ratio(r['ratio'])}" for r in ev["rows"]
                   if r["status"] == "MISSED"]
            detail = verdict_text(ev).replace("**", "")
            if bad:
                detail += " — measured: " + ", ".join(bad)
            summary.append(f"- {t.label} ({t.requirement}): {detail}")
    else:
        summary = ["", "All targets were met in this run."]
    lines += summary
    lines += ["", "## All measurements", ""]
    for wl in workloads:
        wl_impls = [i for i in wl.impls if i in impls]
        if not wl_impls:
            continue
        table, notes = workload_table(agg, wl, wl_impls)
        lines += [f"### {wl.title} (`{wl.name}`)", ""]
        lines += table
        if notes:
            lines += ["", "Failures and skips (first line of the error):", ""] + notes
        if wl.name == "eager_op":
            lines += ["", "![eager op latency](eager_latency.png)" if plot_note is None else f"({plot_note})"]
        lines.append("")
    checks = checks_section(agg, workloads, impls)
    if checks:
        lines += ["## Consistency checks", "",
                  "Loss values and gradient sums each implementation computed on the same inputs "
                  "(agreement within 1e-3 relative).", ""] + checks + [""]
    lines += ["## Notes", "",
              "- Eager op: inputs made with `jnp.asarray` from NumPy (ours keeps them as host NumPy "
              "buffers; JAX places them on its CPU device); each op's result is ready "
              "(`block_until_ready`). At large sizes the op is memory-bound and every implementation "
              "converges to the memory bandwidth, so the 'faster than JAX' target is an overhead target "
              "for small arrays.",
              "- Trace+compile: `jax.jit(f).lower(*args).compile()` of a freshly built function whose loss "
              "is scaled by a constant unique to the round, so that no jit cache and no cache keyed by the "
              "program text can answer (XLA compiles every round); 5 rounds after one untimed round in the "
              "same process.",
              "- Compiled steps: steady state after two warm-up steps; parameters are fed back into the "
              "next step; outputs ready each step.",
              "- Workload sources: `benchmarks/workloads/*.py`; raw data of this run: `results.json`.", ""]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "RESULTS.md"
    path.write_text("\n".join(lines))
    quoted = [f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores), "
              f"median of {reps} interleaved repetitions; BLAS threads pinned to {machine['threads']}; "
              f"load average at the start {machine.get('load_start')}. "
              "Full tables, versions and threading: [benchmarks/RESULTS.md](benchmarks/RESULTS.md).", ""]
    quoted += targets_table(evals) + summary
    return path, quoted


def update_readme(readme: Path, quoted: list[str]) -> bool:
    begin, end = "<!-- bench-results:begin -->", "<!-- bench-results:end -->"
    if not readme.exists():
        return False
    text = readme.read_text()
    if begin not in text or end not in text:
        return False
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + begin + "\n" + "\n".join(quoted) + "\n" + end + tail)
    return True


# ---------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="repetitions of the whole set (default 5)")
    p.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS),
                   help="comma-separated subset of: " + ", ".join(w.name for w in WORKLOADS))
    p.add_argument("--impls", default=",".join(IMPL_ORDER), help="comma-separated subset of: "
                   + ", ".join(IMPL_ORDER))
    p.add_argument("--python", action="append", default=[], metavar="IMPL=PATH",
                   help="use this interpreter for an implementation instead of its hatch environment")
    p.add_argument("--stat", choices=["fastest", "median"], default="fastest",
                   help="per-script statistic over timed batches (default: fastest); the median over "
                        "repetitions is taken either way")
    p.add_argument("--nice", type=int, default=-10,
                   help="niceness of the workload processes (default -10: ahead of other work on a shared "
                        "machine, where permitted; 0 to leave them as they are)")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads in every workload (default 1)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: short timings, 1 repetition unless --reps is given, output to a "
                        "temporary folder unless --out is given, README untouched")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: benchmarks/)")
    p.add_argument("--no-readme", action="store_true", help="do not update the table quoted in README.md")
    p.add_argument("--setup-only", action="store_true", help="create the environments, print them, stop")
    p.add_argument("--report-only", type=Path, default=None, metavar="RESULTS_JSON",
                   help="re-render RESULTS.md, the plot and the README table from a results.json; run nothing")
    args = p.parse_args(argv)
    if args.quick and "--reps" not in (argv if argv is not None else sys.argv[1:]):
        args.reps = 1
    return args


def finish(args: argparse.Namespace, raw: dict[str, Any], out_dir: Path, workloads: list[Workload],
           impls: list[str]) -> None:
    """Aggregate the raw runs; write RESULTS.md, the plot and the README table."""
    runs = [Run(**r) for r in raw["runs"]]
    stat = raw.get("stat", "fastest")
    agg = aggregate(runs, stat)
    plot_note: str | None = "no eager_op workload in this run"
    if any(w.name == "eager_op" for w in workloads):
        m = raw["machine"]
        plot_note = plot(agg, out_dir / "eager_latency.png", impls,
                         f"{m.get('cpu')}, {m.get('cores')} cores, BLAS threads {m.get('threads')}; "
                         f"{'fastest' if stat == 'fastest' else 'median'} batch per run, median of "
                         f"{raw['reps']} runs; {m.get('date')}")
    path, quoted = write_report(out_dir, raw["machine"], raw["environments"], raw.get("pythons", {}),
                                raw["env_errors"], agg, workloads, impls, raw["reps"],
                                raw["machine"].get("wall_s", 0.0), raw["quick"], plot_note, stat)
    log(f"wrote {path}" + ("" if plot_note else f" and {out_dir / 'eager_latency.png'}"))
    if not (raw["quick"] or args.no_readme or args.out):
        if update_readme(ROOT / "README.md", quoted):
            log("updated the table quoted in README.md")
        else:
            log("README.md has no bench-results markers; table not quoted there")


def render_from_json(args: argparse.Namespace, workloads: list[Workload], impls: list[str]) -> int:
    raw = json.loads(Path(args.report_only).read_text())
    if "--stat" in sys.argv[1:]:
        raw["stat"] = args.stat
    out_dir = args.out or Path(args.report_only).resolve().parent
    finish(args, raw, out_dir, workloads, impls)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workloads = [BY_NAME[n] for n in args.workloads.split(",") if n]
    impls = [i for i in args.impls.split(",") if i]
    for i in impls:
        if i not in ENVS:
            raise SystemExit(f"unknown implementation {i!r}; choose from {', '.join(IMPL_ORDER)}")
    if args.report_only is not None:
        return render_from_json(args, workloads, impls)
    global _NICE
    _NICE = args.nice
    overrides = dict(s.split("=", 1) for s in args.python)
    env = child_env(args.threads)

    # one interpreter per environment (ours and numpy share bench-ours)
    pythons: dict[str, str] = {}
    env_errors: dict[str, str] = {}
    env_python: dict[str, str] = {}
    for impl in impls:
        env_name = ENVS[impl]
        if impl in overrides:
            pythons[impl] = overrides[impl]
            env_python.setdefault(f"{env_name} (--python {impl})", overrides[impl])
            continue
        if env_name not in env_python and env_name not in env_errors:
            log(f"environment {env_name} ...")
            py, err = hatch_python(env_name)
            if py is None:
                env_errors[env_name] = err or "unavailable"
            else:
                env_python[env_name] = py
        if env_name in env_python:
            pythons[impl] = env_python[env_name]
    envs = {name: env_info(py, env) for name, py in env_python.items()}
    for name, info in envs.items():
        v = info.get("versions", {})
        log(f"  {name}: python {info.get('python')} " + " ".join(f"{k}={x}" for k, x in v.items()))
    if args.setup_only:
        return 0 if not env_errors else 1

    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="bench-quick-")) if args.quick else HERE)
    machine = machine_info(args.threads)
    jobs = [(wl, i) for wl in workloads for i in wl.impls if i in impls]
    total = len(jobs) * args.reps
    runs: list[Run] = []
    t_start = time.perf_counter()
    k = 0
    for rep in range(args.reps):
        for wl in workloads:
            wl_impls = [i for i in wl.impls if i in impls]
            shift = rep % max(1, len(wl_impls))
            for impl in wl_impls[shift:] + wl_impls[:shift]:   # rotate the order between repetitions
                k += 1
                if impl not in pythons:
                    rec: dict[str, Any] = {"ok": False, "error": f"environment {ENVS[impl]} unavailable: "
                                           f"{env_errors.get(ENVS[impl], '?')}"}
                    dt = 0.0
                else:
                    rec, dt = run_one(pythons[impl], wl, impl, env, args.quick)
                runs.append(Run(wl.name, impl, rep, dt, rec))
                status = "ok" if rec.get("ok") else f"FAILED: {rec.get('error')}"
                if rec.get("skipped"):
                    status = f"skipped: {rec['skipped']}"
                elif rec.get("ok") and rec.get("errors"):
                    status = f"ok, {len(rec['errors'])} metric error(s)"
                elapsed = time.perf_counter() - t_start
                eta = elapsed / k * (total - k)
                log(f"[{k}/{total}] rep {rep + 1} {wl.name}/{impl}: {dt:.1f} s, {status} "
                    f"(elapsed {elapsed / 60:.1f} min, ~{eta / 60:.1f} min left)")
    wall = time.perf_counter() - t_start
    machine["load_end"] = _loadavg()
    machine["wall_s"] = wall
    raw = {"machine": machine, "environments": envs, "env_errors": env_errors, "pythons": pythons,
           "reps": args.reps, "quick": args.quick, "stat": args.stat, "runs": [r.__dict__ for r in runs]}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(raw, indent=1))
    finish(args, raw, out_dir, workloads, impls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
