"""Lowering of the linear-algebra and FFT primitives.

On CPU the factorizations call the LAPACK kernels that jaxlib ships as XLA
FFI custom calls (``lapack_{s,d,c,z}{potrf,getrf,geqrf,orgqr/ungqr,
syevd/heevd,gesdd,geev}_ffi``), exactly as JAX does: batched over the leading
dimensions by the handler, matrices in column-major layout, and a LAPACK
``info`` output that turns a failed batch member into NaNs.
``triangular_solve`` lowers to StableHLO's ``triangular_solve`` and ``fft`` to
``stablehlo.fft`` (XLA expands or implements both on every backend);
off CPU, ``cholesky`` falls back to ``stablehlo.cholesky`` and ``lu`` to an
elimination loop built from ordinary primitives.  QR, eigh, SVD and eig
have no portable StableHLO form, so they are CPU-only here.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core.core import ShapedArray
from jax_core.jaxpr import trace_to_jaxpr
from jax_core.lax import linalg as lax_linalg
from jax_core.lax.fft import FftType
from jax_xla import jaxlib_shim as shim
from jax_xla.lowering import RuleContext, register
from jax_xla.mlir import Block, Value, i64_array

_I32 = np.dtype(np.int32)


# --------------------------------------------------------------------------
# helpers


def _layout(rank: int, column_major: bool) -> str:
    if column_major and rank >= 2:
        dims = (rank - 2, rank - 1) + tuple(range(rank - 3, -1, -1))
    else:
        dims = tuple(range(rank - 1, -1, -1))
    if not dims:
        return "dense<> : tensor<0xindex>"
    body = str(dims[0]) if len(dims) == 1 else "[" + ", ".join(map(str, dims)) + "]"
    return f"dense<{body}> : tensor<{len(dims)}xindex>"


def _u8(c: str) -> str:
    return f"{ord(c)} : ui8"


def _ffi_call(b: Block, target: str, operands: Sequence[Value], out_avals: Sequence[ShapedArray],
              config: dict[str, str] | None = None, aliases: dict[int, int] | None = None) -> list[Value]:
    """A typed-FFI ``stablehlo.custom_call``; matrices (the highest-rank values) column-major."""
    max_rank = max(o.aval.ndim for o in operands)
    op_layouts = ", ".join(_layout(o.aval.ndim, o.aval.ndim == max_rank) for o in operands)
    res_layouts = ", ".join(_layout(a.ndim, a.ndim == max_rank) for a in out_avals)
    cfg = ", ".join(f"{k} = {v}" for k, v in sorted((config or {}).items()))
    attrs = [
        "api_version = 4 : i32",
        f"backend_config = {{{cfg}}}",
        f'call_target_name = "{target}"',
        f"operand_layouts = [{op_layouts}]",
    ]
    if aliases:
        alias = ", ".join(
            f"#stablehlo.output_operand_alias<output_tuple_indices = [{o}], operand_index = {i}, "
            "operand_tuple_indices = []>" if len(out_avals) > 1 else
            f"#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = {i}, "
            "operand_tuple_indices = []>"
            for i, o in aliases.items())
        attrs.append(f"output_operand_aliases = [{alias}]")
    attrs.append(f"result_layouts = [{res_layouts}]")
    return b.op("stablehlo.custom_call", list(operands), list(out_avals), attrs)


def _lapack(ctx: RuleContext, fn_base: str, dtype: Any) -> str:
    if ctx.module.platform != "cpu":
        raise NotImplementedError(
            f"'{ctx.primitive}' is lowered through jaxlib's CPU LAPACK kernels and is not available on the "
            f"{ctx.module.platform} backend here; run it on CPU (jax.devices('cpu')).")
    from jax_xla import backends

    backends.get_backend("cpu")  # the CPU client must exist before custom-call targets register
    return shim.lapack_target(fn_base, dtype)


def _nan_where_not_ok(b: Block, ok: Value, x: Value) -> Value:
    """Replace the batch members of ``x`` whose ``ok`` is false by NaN."""
    nb = ok.aval.ndim
    okb = b.broadcast_in_dim(ok, x.shape, tuple(range(nb)))
    nan = b.full(x.shape, np.nan if x.dtype.kind != "c" else complex(np.nan, np.nan), x.dtype)
    return b.select(okb, x, nan)


def _info_ok(b: Block, info: Value, direction: str = "EQ") -> Value:
    zero = b.full(info.shape, 0, _I32)
    return b.compare(info, zero, direction, "SIGNED")


def _tri_mask(b: Block, shape: Sequence[int], k: int, lower: bool) -> Value:
    nd = len(shape)
    rows = b.iota(shape, _I32, nd - 2)
    cols = b.iota(shape, _I32, nd - 1)
    if k:
        rows = b.add(rows, b.full(shape, k, _I32))
    return b.compare(cols, rows, "LE" if lower else "GE", "SIGNED")


def _tril(b: Block, x: Value, k: int = 0) -> Value:
    return b.select(_tri_mask(b, x.shape, k, True), x, b.full(x.shape, 0, x.dtype))


def _triu(b: Block, x: Value, k: int = 0) -> Value:
    return b.select(_tri_mask(b, x.shape, k, False), x, b.full(x.shape, 0, x.dtype))


def _slice_matrix(b: Block, x: Value, rows: int, cols: int) -> Value:
    nd = x.aval.ndim
    return b.slice(x, (0,) * nd, x.shape[:-2] + (rows, cols))


def _pad_cols(b: Block, x: Value, cols: int) -> Value:
    """Zero-pad the trailing matrices of ``x`` to ``cols`` columns."""
    extra = cols - x.shape[-1]
    if extra == 0:
        return x
    nd = x.aval.ndim
    zero = b.constant(np.zeros((), x.dtype))
    lo = [0] * nd
    hi = [0] * (nd - 1) + [extra]
    return b.op1("stablehlo.pad", [x, zero], ShapedArray(x.shape[:-1] + (cols,), x.dtype),
                 [f"edge_padding_high = {i64_array(hi)}", f"edge_padding_low = {i64_array(lo)}",
                  f"interior_padding = {i64_array([0] * nd)}"])


def _real_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dt in (np.float64, np.complex128) else np.dtype(np.float32)


def _empty_result(b: Block, aval: ShapedArray, identity: bool = False) -> Value:
    """Zeros (or identity matrices) of ``aval``: the answers for empty operands."""
    if identity and aval.ndim >= 2 and min(aval.shape[-2:]) > 0:
        nd = aval.ndim
        eq = b.compare(b.iota(aval.shape, _I32, nd - 2), b.iota(aval.shape, _I32, nd - 1), "EQ", "SIGNED")
        return b.convert(eq, aval.dtype)
    return b.full(aval.shape, 0, aval.dtype)


# --------------------------------------------------------------------------
# cholesky


@register("cholesky")
def _cholesky(ctx: RuleContext, x: Value, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    if x.aval.size == 0:
        return _empty_result(b, out)
    if ctx.module.platform != "cpu":
        res = b.op1("stablehlo.cholesky", [x], ShapedArray(out.shape, out.dtype), "lower = true")
        return _tril(b, res)
    target = _lapack(ctx, "potrf_ffi", x.dtype)
    batch = x.shape[:-2]
    res, info = _ffi_call(b, target, [x], [ShapedArray(x.shape, x.dtype), ShapedArray(batch, _I32)],
                          {"uplo": _u8("L")}, {0: 0})
    res = _nan_where_not_ok(b, _info_ok(b, info), res)
    # potrf leaves the input's upper triangle in place: zero it, as the eager path does
    return _tril(b, res)


# --------------------------------------------------------------------------
# triangular_solve


@register("triangular_solve")
def _triangular_solve(ctx: RuleContext, a: Value, rhs: Value, *, left_side: bool, lower: bool, transpose_a: bool,
                      conjugate_a: bool, unit_diagonal: bool, **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    if rhs.aval.size == 0:
        return _empty_result(b, out)
    if conjugate_a and not transpose_a and a.dtype.kind == "c":
        a = b.complex(b.real(a), b.neg(b.imag(a)))
        conjugate_a = False
    if not transpose_a:
        trans = "NO_TRANSPOSE"
    else:
        trans = "ADJOINT" if conjugate_a and a.dtype.kind == "c" else "TRANSPOSE"
    flag = {True: "true", False: "false"}
    return b.op1("stablehlo.triangular_solve", [a, rhs], ShapedArray(out.shape, out.dtype),
                 [f"left_side = {flag[bool(left_side)]}", f"lower = {flag[bool(lower)]}",
                  f"transpose_a = #stablehlo<transpose {trans}>", f"unit_diagonal = {flag[bool(unit_diagonal)]}"])


# --------------------------------------------------------------------------
# lu


@register("lu")
def _lu(ctx: RuleContext, x: Value, **_: Any) -> list[Value]:
    b = ctx.block
    lu_aval, piv_aval, perm_aval = ctx.avals_out
    m = x.shape[-2]
    if x.aval.size == 0:
        lu_ = _empty_result(b, lu_aval)
        piv = b.full(piv_aval.shape, 0, _I32)
        return [lu_, piv, b.iota(perm_aval.shape, _I32, perm_aval.ndim - 1)]
    if ctx.module.platform != "cpu":
        # no LAPACK kernel here: the same elimination written with ordinary primitives
        closed = trace_to_jaxpr(lambda a: list(lax_linalg.lu_by_elimination(a)), [x.aval], name="lu")
        return ctx.lower_jaxpr(closed, [x])
    target = _lapack(ctx, "getrf_ffi", x.dtype)
    batch = x.shape[:-2]
    lu_, piv, info = _ffi_call(b, target, [x], [ShapedArray(x.shape, x.dtype), ShapedArray(piv_aval.shape, _I32),
                                                ShapedArray(batch, _I32)], None, {0: 0})
    piv = b.sub(piv, b.full(piv.shape, 1, _I32))        # LAPACK's pivots are 1-based
    lu_ = _nan_where_not_ok(b, _info_ok(b, info, "GE"), lu_)
    closed = trace_to_jaxpr(lambda p: [lax_linalg.lu_pivots_to_permutation(p, m)], [piv.aval],
                            name="lu_pivots_to_permutation")
    perm, = ctx.lower_jaxpr(closed, [piv])
    return [lu_, piv, perm]


# --------------------------------------------------------------------------
# qr


@register("qr")
def _qr(ctx: RuleContext, x: Value, *, pivoting: bool = False, full_matrices: bool = True, **_: Any) -> list[Value]:
    b = ctx.block
    q_aval, r_aval = ctx.avals_out
    if pivoting:
        raise NotImplementedError("qr with pivoting=True is not implemented")
    m, n = x.shape[-2:]
    k = min(m, n)
    if x.aval.size == 0:
        return [_empty_result(b, q_aval, identity=True), _empty_result(b, r_aval)]
    geqrf = _lapack(ctx, "geqrf_ffi", x.dtype)
    orgqr = _lapack(ctx, ("ungqr_ffi" if x.dtype.kind == "c" else "orgqr_ffi"), x.dtype)
    batch = x.shape[:-2]
    r, taus = _ffi_call(b, geqrf, [x], [ShapedArray(x.shape, x.dtype), ShapedArray(batch + (k,), x.dtype)],
                        None, {0: 0})
    if m < n:
        reflectors = _slice_matrix(b, r, m, m)
    elif full_matrices:
        reflectors = _pad_cols(b, r, m)
    else:
        reflectors = r
    q, = _ffi_call(b, orgqr, [reflectors, taus], [reflectors.aval], None, {0: 0})
    if not full_matrices and m > n:
        r = _slice_matrix(b, r, k, n)
    return [q, _triu(b, r)]


# --------------------------------------------------------------------------
# eigh


@register("eigh")
def _eigh(ctx: RuleContext, x: Value, *, lower: bool = True, subset_by_index: Any = None, **_: Any) -> list[Value]:
    b = ctx.block
    v_aval, w_aval = ctx.avals_out
    n = x.shape[-1]
    if x.aval.size == 0:
        return [_empty_result(b, v_aval), _empty_result(b, w_aval)]
    prefix = "he" if x.dtype.kind == "c" else "sy"
    target = _lapack(ctx, f"{prefix}evd_ffi", x.dtype)
    batch = x.shape[:-2]
    v, w, info = _ffi_call(b, target, [x], [ShapedArray(x.shape, x.dtype),
                                            ShapedArray(batch + (n,), _real_dtype(x.dtype)),
                                            ShapedArray(batch, _I32)],
                           {"mode": _u8("V"), "uplo": _u8("L" if lower else "U")}, {0: 0})
    ok = _info_ok(b, info)
    v = _nan_where_not_ok(b, ok, v)
    w = _nan_where_not_ok(b, ok, w)
    lo, hi = (0, n) if subset_by_index is None else (int(subset_by_index[0]), int(subset_by_index[1]))
    if (lo, hi) != (0, n):
        nd = x.aval.ndim
        v = b.slice(v, (0,) * (nd - 1) + (lo,), v.shape[:-1] + (hi,))
        w = b.slice(w, (0,) * (nd - 2) + (lo,), w.shape[:-1] + (hi,))
    return [v, w]


# --------------------------------------------------------------------------
# svd


@register("svd")
def _svd(ctx: RuleContext, x: Value, *, full_matrices: bool = True, compute_uv: bool = True,
         subset_by_index: Any = None, **_: Any) -> list[Value]:
    b = ctx.block
    m, n = x.shape[-2:]
    k = min(m, n)
    if x.aval.size == 0:
        return [_empty_result(b, a, identity=(i > 0)) for i, a in enumerate(ctx.avals_out)]
    target = _lapack(ctx, "gesdd_ffi", x.dtype)
    batch = x.shape[:-2]
    mode = "N" if not compute_uv else ("A" if full_matrices else "S")
    ku, kv = (m, n) if full_matrices else (k, k)
    avals = [ShapedArray(x.shape, x.dtype), ShapedArray(batch + (k,), _real_dtype(x.dtype)),
             ShapedArray(batch + (m, ku), x.dtype), ShapedArray(batch + (kv, n), x.dtype), ShapedArray(batch, _I32)]
    _a_out, s, u, vt, info = _ffi_call(b, target, [x], avals, {"mode": _u8(mode)}, {0: 0})
    ok = _info_ok(b, info)
    s = _nan_where_not_ok(b, ok, s)
    lo, hi = (0, k) if subset_by_index is None else (int(subset_by_index[0]), int(subset_by_index[1]))
    nd = x.aval.ndim
    if (lo, hi) != (0, k):
        s = b.slice(s, (0,) * (nd - 2) + (lo,), s.shape[:-1] + (hi,))
    if not compute_uv:
        return [s]
    u = _nan_where_not_ok(b, ok, u)
    vt = _nan_where_not_ok(b, ok, vt)
    if (lo, hi) != (0, k):
        u = b.slice(u, (0,) * (nd - 1) + (lo,), u.shape[:-1] + (hi,))
        vt = b.slice(vt, (0,) * (nd - 2) + (lo, 0), vt.shape[:-2] + (hi, n))
    return [s, u, vt]


# --------------------------------------------------------------------------
# eig


@register("eig")
def _eig(ctx: RuleContext, x: Value, *, compute_left_eigenvectors: bool = True,
         compute_right_eigenvectors: bool = True, **_: Any) -> list[Value]:
    b = ctx.block
    if x.aval.size == 0:
        return [_empty_result(b, a) for a in ctx.avals_out]
    target = _lapack(ctx, "geev_ffi", x.dtype)
    batch = x.shape[:-2]
    n = x.shape[-1]
    real = x.dtype.kind == "f"
    cdt = ctx.avals_out[0].dtype
    vec = ShapedArray(x.shape, cdt)
    info_aval = ShapedArray(batch, _I32)
    if real:
        w_avals = [ShapedArray(batch + (n,), x.dtype)] * 2
    else:
        w_avals = [ShapedArray(batch + (n,), x.dtype)]
    mode = {True: _u8("V"), False: _u8("N")}
    outs = _ffi_call(b, target, [x], w_avals + [vec, vec, info_aval],
                     {"compute_left": mode[bool(compute_left_eigenvectors)],
                      "compute_right": mode[bool(compute_right_eigenvectors)]})
    *w, vl, vr, info = outs
    w_c = b.complex(w[0], w[1]) if real else w[0]
    ok = _info_ok(b, info)
    result = [_nan_where_not_ok(b, ok, w_c)]
    if compute_left_eigenvectors:
        result.append(_nan_where_not_ok(b, ok, vl))
    if compute_right_eigenvectors:
        result.append(_nan_where_not_ok(b, ok, vr))
    return result


# --------------------------------------------------------------------------
# fft


@register("fft")
def _fft(ctx: RuleContext, x: Value, *, fft_type: Any, fft_lengths: Sequence[int], **_: Any) -> Value:
    b = ctx.block
    out = ctx.aval_out
    if out.size == 0 or x.aval.size == 0:
        return b.full(out.shape, 0, out.dtype)
    name = FftType(int(fft_type)).name
    return b.op1("stablehlo.fft", [x], ShapedArray(out.shape, out.dtype),
                 [f"fft_length = {i64_array(fft_lengths)}", f"fft_type = #stablehlo<fft_type {name}>"])


__all__: list[str] = []
