"""Print one JSON line describing this environment: versions and threading.

Run by the driver once in each benchmark environment, with the same thread
settings as the workloads.
"""
from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata
from typing import Any

PACKAGES = ["numpy", "jax", "jaxlib", "jax-core", "ml_dtypes", "autograd", "torch", "threadpoolctl"]
THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS",
               "OPENBLAS_CORETYPE"]


def main() -> None:
    info: dict[str, Any] = {"python": platform.python_version(), "executable": sys.executable,
                            "versions": {}, "env": {k: os.environ.get(k) for k in THREAD_VARS},
                            "nice": os.nice(0) if hasattr(os, "nice") else None}
    for name in PACKAGES:
        try:
            info["versions"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    import numpy  # noqa: F401  (load its BLAS before asking threadpoolctl)

    if "torch" in info["versions"]:
        try:
            import torch

            info["torch_threads"] = torch.get_num_threads()
            info["torch_interop_threads"] = torch.get_num_interop_threads()
        except Exception as e:  # noqa: BLE001
            info["torch_error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [
            {k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "version", "architecture",
                                   "threading_layer", "prefix")}
            for p in threadpool_info()
        ]
    except ImportError:
        info["threadpools"] = None
    print(json.dumps(info))


if __name__ == "__main__":
    main()
