"""Which primitives are linear, and which are deliberately not differentiable.

``LINEAR_PRIMITIVES`` lists the core primitives that can appear in linear
jaxprs (a JVP rule emits them on tangents), so each needs a transpose rule.
``NON_DIFFERENTIABLE`` maps a primitive's name to the reason it has no JVP
rule at all.  A test checks that every primitive of ``jax_core.lax`` is
covered one way or the other.
"""
from __future__ import annotations

LINEAR_PRIMITIVES: frozenset[str] = frozenset({
    # elementwise
    "add", "sub", "neg", "mul", "div", "real", "imag", "complex", "conj", "select_n",
    # structural
    "convert_element_type", "reduce_precision", "broadcast_in_dim", "reshape", "squeeze", "transpose",
    "rev", "pad", "concatenate", "slice",
    # indexing
    "dynamic_slice", "dynamic_update_slice", "gather", "scatter", "scatter-add", "scatter-mul",
    # reductions and windows
    "reduce_sum", "cumsum", "reduce_window_sum", "select_and_gather_add", "select_and_scatter_add",
    # contractions
    "dot_general", "conv_general_dilated",
    # control flow
    "cond", "scan",
    # collectives
    "psum", "all_gather", "reduce_scatter", "ppermute", "all_to_all",
})

NON_DIFFERENTIABLE: dict[str, str] = {
}
