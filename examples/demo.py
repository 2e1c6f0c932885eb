"""Placeholder demo: checks that the packages import and prints their versions.

It will be replaced by a real demo once the core API exists.
"""
from __future__ import annotations

import importlib

PACKAGES = [
    "jax_core", "jax_ad", "jax_batching", "jax_xla",
    "jax_pmap", "jax_numpy", "jax_experimental", "jax",
]


def main() -> None:
    import jax_core

    print(f"jax_core {jax_core.__version__}")
    for name in PACKAGES[1:]:
        module = importlib.import_module(name)
        print(f"{name} {getattr(module, '__version__', '?')}")
    print("The real demo is not written yet.")


if __name__ == "__main__":
    main()
