"""Batching rules for linear-algebra and FFT primitives.

Like JAX's, these primitives act on a few trailing ("core") dimensions --
the matrix, or the transformed axes -- and accept any number of leading
batch dimensions.  A vmap batch axis that is already among the leading
dimensions stays where it is; otherwise it moves to the front.  Operands of
multi-operand primitives (triangular_solve) all get the batch at axis 0.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax_core.core import Primitive

from jax_batching.batching import axis_size_of, bdim_at_front, moveaxis, ndim_of, register_rule_factory, shape_of


def leading_batch_rule(core_rank: Callable[[dict], int]) -> Callable[[Primitive], Callable[..., tuple[Any, Any]]]:
    def factory(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
        def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
            if len(vals) == 1 and dims[0] is not None and dims[0] < ndim_of(vals[0]) - core_rank(params):
                out_dim = dims[0]  # already a leading batch dimension
                args = list(vals)
            else:
                size = axis_size_of(vals, dims)
                args = [v if d == 0 else bdim_at_front(v, d, size) for v, d in zip(vals, dims)]
                out_dim = 0
            out = prim.bind(*args, **params)
            if prim.multiple_results:
                return out, [out_dim] * len(out)
            return out, out_dim

        return rule

    return factory


_matrix = leading_batch_rule(lambda params: 2)

for _name in ["cholesky", "cholesky_update", "eig", "eigh", "lu", "qr", "householder_product", "svd",
              "tridiagonal", "tridiagonal_solve", "schur", "hessenberg", "geqrf", "geqp3",
              "orgqr"]:
    register_rule_factory(_name, _matrix)

register_rule_factory("lu_pivots_to_permutation", leading_batch_rule(lambda params: 1))
register_rule_factory("fft", leading_batch_rule(lambda params: len(params["fft_lengths"])))


def _triangular_solve_factory(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    general = _matrix(prim)

    def rule(vals: Sequence[Any], dims: Sequence[int | None], *, left_side: bool, **params: Any) -> tuple[Any, Any]:
        from jax_core.lax import reshape

        a, b = vals
        ad, bd = dims
        if ad is not None or bd is None:
            return general(vals, dims, left_side=left_side, **params)
        # one matrix for the whole batch: the batch of right-hand sides becomes
        # more columns (left_side) or more rows (right side) of one solve
        nd = ndim_of(b)
        if left_side:
            b = moveaxis(b, bd, nd - 1)  # (..., m, n, B): more columns
            shape = shape_of(b)
            out = prim.bind(a, reshape(b, shape[:-2] + (shape[-2] * shape[-1],)), left_side=left_side, **params)
            return reshape(out, shape), nd - 1
        b = moveaxis(b, bd, nd - 3)
        shape = shape_of(b)
        out = prim.bind(a, reshape(b, shape[:-3] + (shape[-3] * shape[-2], shape[-1])), left_side=left_side,
                        **params)
        return reshape(out, shape), nd - 3

    return rule


register_rule_factory("triangular_solve", _triangular_solve_factory)
