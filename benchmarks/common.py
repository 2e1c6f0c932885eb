"""Shared helpers for the workload scripts in ``benchmarks/workloads``.

A workload script runs in one hatch environment and measures one
implementation (``--impl``).  For ``ours`` and ``jax`` the workload code is the
same: it imports ``jax``, and the environment decides whether that is our
meta-package (``bench-ours``) or the real JAX 0.10.2 (``bench-jax``).

Every script prints exactly one JSON line on stdout (the driver reads the last
line that starts with ``{``)::

    {"workload": ..., "impl": ..., "ok": true,
     "results": {metric: seconds (fastest batch)}, "medians": {metric: seconds (median batch)},
     "errors": {metric: "first line"},
     "checks": {metric: float}, "info": {...}, "skipped": null}

A metric that raises is recorded in ``errors`` and the script carries on with
the next one; an error outside any metric makes ``ok`` false.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import traceback
from typing import Any, Callable, Iterator
from contextlib import contextmanager

IMPLS = ("ours", "jax", "numpy", "autograd", "torch")


def first_line(exc: BaseException) -> str:
    """``TypeName: first line of the message`` (what RESULTS.md shows for a failure)."""
    msg = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {msg[0]}" if msg else type(exc).__name__
    return text[:300]


def time_fn(fn: Callable[[], Any], *, min_batch_s: float = 0.02, repeats: int = 7,
            max_total_s: float = 3.0, warmup: int = 2) -> tuple[float, float]:
    """(fastest, median) seconds per call of ``fn`` over the timed batches.

    Like ``timeit``: calls are grouped into batches long enough
    (``min_batch_s``) for the clock to be accurate, the garbage collector is
    off inside a batch, and ``repeats`` batches are timed (fewer, at least 3,
    when ``max_total_s`` runs out first).  As timeit's documentation argues,
    the fastest batch is the figure least disturbed by other processes; the
    median is kept too.
    """
    for _ in range(warmup):
        fn()
    number = 1
    while True:   # calibrate the batch size
        dt = _batch(fn, number)
        if dt >= min_batch_s or number >= 1 << 20:
            break
        number *= 2 if dt <= 0 else max(2, min(10, int(min_batch_s / dt * 1.2) + 1))
    per_call = [dt / number]
    start = time.perf_counter()
    while len(per_call) < repeats:
        if len(per_call) >= 3 and time.perf_counter() - start > max_total_s:
            break
        per_call.append(_batch(fn, number) / number)
    return min(per_call), statistics.median(per_call)


def _batch(fn: Callable[[], Any], number: int) -> float:
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        return time.perf_counter() - t0
    finally:
        if gc_was_on:
            gc.enable()


class Bench:
    """Collects one workload's results under one implementation and prints them."""

    def __init__(self, workload: str, supported: tuple[str, ...],
                 argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(description=f"benchmark workload {workload!r}")
        parser.add_argument("--impl", required=True, choices=supported)
        parser.add_argument("--quick", action="store_true",
                            help="fewer repetitions (a smoke test, not a measurement)")
        args = parser.parse_args(argv)
        self.workload = workload
        self.impl: str = args.impl
        self.quick: bool = args.quick
        self.results: dict[str, float] = {}
        self.medians: dict[str, float] = {}
        self.errors: dict[str, str] = {}
        self.checks: dict[str, float] = {}
        self.info: dict[str, Any] = {}
        self.skipped: str | None = None
        self.fatal: str | None = None

    # -- timing ------------------------------------------------------------------
    def timing_options(self, **kw: Any) -> dict[str, Any]:
        if self.quick:
            kw.setdefault("repeats", 3)
            kw["max_total_s"] = min(kw.get("max_total_s", 3.0), 0.5)
            kw["min_batch_s"] = min(kw.get("min_batch_s", 0.02), 0.01)
        return kw

    def time(self, name: str, fn: Callable[[], Any], **kw: Any) -> float | None:
        """Record the seconds per call of ``fn`` as metric ``name`` (fastest batch in
        ``results``, median batch in ``medians``)."""
        try:
            t, med = time_fn(fn, **self.timing_options(**kw))
        except Exception as e:  # noqa: BLE001  (a failing metric is a result too)
            self.errors[name] = first_line(e)
            self._debug(e)
            return None
        self.results[name] = t
        self.medians[name] = med
        return t

    def record(self, name: str, fn: Callable[[], Any]) -> float | None:
        """Record durations that ``fn`` measured itself (e.g. compile times):
        ``fn`` returns a list of seconds; fastest and median are kept as for ``time``."""
        try:
            ts = [float(t) for t in fn()]
        except Exception as e:  # noqa: BLE001
            self.errors[name] = first_line(e)
            self._debug(e)
            return None
        self.results[name] = min(ts)
        self.medians[name] = statistics.median(ts)
        return self.results[name]

    def check(self, name: str, fn: Callable[[], Any]) -> None:
        """A number that every implementation should agree on (a sanity check)."""
        try:
            self.checks[name] = float(fn())
        except Exception as e:  # noqa: BLE001
            self.errors[f"check:{name}"] = first_line(e)
            self._debug(e)

    @contextmanager
    def guard(self, name: str) -> Iterator[None]:
        """Run setup code for a metric: an exception is recorded as that metric's error."""
        try:
            yield
        except Exception as e:  # noqa: BLE001
            self.errors.setdefault(name, first_line(e))
            self._debug(e)

    @staticmethod
    def _debug(e: BaseException) -> None:
        if os.environ.get("BENCH_DEBUG"):
            traceback.print_exception(e, file=sys.stderr)

    # -- output ------------------------------------------------------------------
    def emit(self) -> None:
        out = {
            "workload": self.workload,
            "impl": self.impl,
            "ok": self.fatal is None,
            "error": self.fatal,
            "skipped": self.skipped,
            "results": self.results,
            "medians": self.medians,
            "errors": self.errors,
            "checks": self.checks,
            "info": self.info,
        }
        sys.stdout.flush()
        print(json.dumps(out), flush=True)

    def run(self, body: Callable[["Bench"], None]) -> None:
        """Run ``body(self)``; whatever happens, print the JSON line."""
        try:
            body(self)
        except Exception as e:  # noqa: BLE001
            self.fatal = first_line(e)
            self._debug(e)
        finally:
            self.emit()


def import_jax(impl: str) -> Any:
    """Import ``jax`` and make sure it is the implementation the driver asked for.

    The environment decides what ``import jax`` means; a mix-up (our packages
    visible in the reference environment, or the reverse) would silently time
    the wrong thing, so it is an error here.
    """
    import jax

    ours = hasattr(jax, "_jax_core") or "jax_core" in sys.modules
    if impl == "ours" and not ours:
        raise RuntimeError(f"--impl ours but 'import jax' gave the real JAX {jax.__version__} "
                           f"({jax.__file__}); run it in the bench-ours environment")
    if impl == "jax" and ours:
        raise RuntimeError(f"--impl jax but 'import jax' gave our packages ({jax.__file__}); "
                           "run it in the bench-jax environment")
    return jax


def block(jax: Any, tree: Any) -> Any:
    """Wait for every array in ``tree`` (JAX dispatches asynchronously)."""
    return jax.block_until_ready(tree)


def tree_sum(jax: Any, tree: Any) -> float:
    """Sum of every leaf of a pytree, as a Python float (a check value)."""
    import numpy as np

    return float(sum(float(np.asarray(leaf, dtype=np.float64).sum())
                     for leaf in jax.tree_util.tree_leaves(tree)))
