"""Session-wide test setup.

pmap and the SPMD tests (tests/jax_pmap) need several devices; on a CPU-only
machine those come from the CPU client's device count, which is fixed when
the backend starts.  So the whole suite runs with 8 CPU devices (unless the
environment already says otherwise); every other test is indifferent to it.
"""
import os

os.environ.setdefault("JAX_NUM_CPU_DEVICES", "8")
