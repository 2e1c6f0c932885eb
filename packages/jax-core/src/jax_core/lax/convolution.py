"""conv_general_dilated: N-d convolution with strides, padding, dilations and groups.

The dimension numbers say where the batch/feature/spatial dimensions of each
operand are: ``ConvDimensionNumbers(lhs_spec, rhs_spec, out_spec)``, each a
permutation listing (batch or out-feature, feature or in-feature, spatial...)
dimensions.  ``lhs_dilation`` > 1 is a transposed ("fractionally strided")
convolution, ``rhs_dilation`` > 1 an atrous one.  ``feature_group_count`` G
splits the input features into G groups, each convolved with its own slice of
output features; ``batch_group_count`` B does the same with contiguous groups
of the batch (as the filter gradient of grouped convolutions needs).
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray, get_aval
from jax_core.lax.dot import _compute_dtype, _result_dtype
from jax_core.lax.primitive_util import standard_primitive
from jax_core.lax.structural import transpose
from jax_core.lax.windowed import PaddingType, _dilate_dim, dilate_and_pad, padtype_to_pads, reduce_window_shape


class ConvDimensionNumbers(NamedTuple):
    """Where batch, feature and spatial dimensions sit in lhs, rhs and output.

    ``lhs_spec``: (batch dim, feature dim, spatial dims...);
    ``rhs_spec``: (out-feature dim, in-feature dim, spatial dims...);
    ``out_spec``: (batch dim, feature dim, spatial dims...).
    """

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


ConvGeneralDilatedDimensionNumbers = Any  # None | ConvDimensionNumbers | (str, str, str)


def conv_general_permutations(dimension_numbers: tuple[str, str, str]) -> tuple[tuple[int, ...], ...]:
    """Permutations of layout strings like ('NHWC', 'HWIO', 'NHWC').

    Spatial dimensions are matched by letter; their order is the rhs spec's.
    """
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for spec, (a, b), what in zip(dimension_numbers, charpairs, ("lhs", "rhs", "out")):
        if spec.count(a) != 1 or spec.count(b) != 1:
            raise TypeError(f"conv_general_dilated: {what} spec {spec!r} must contain '{a}' and '{b}' "
                            "exactly once")
        if len(spec) != len(set(spec)):
            raise TypeError(f"conv_general_dilated: {what} spec {spec!r} has a repeated letter")
    if not (set(lhs_spec) - {"N", "C"} == set(rhs_spec) - {"O", "I"} == set(out_spec) - {"N", "C"}):
        raise TypeError(f"conv_general_dilated: the lhs, rhs and out specs {dimension_numbers} must have the "
                        "same spatial dimension letters")

    def perm(spec: str, pair: tuple[str, str]) -> tuple[int, ...]:
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        if spec is not rhs_spec:
            spatial.sort(key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(spatial)

    return tuple(perm(s, p) for s, p in zip(dimension_numbers, charpairs))


def conv_dimension_numbers(lhs_shape: Sequence[int], rhs_shape: Sequence[int],
                           dimension_numbers: ConvGeneralDilatedDimensionNumbers) -> ConvDimensionNumbers:
    """Normalize ``dimension_numbers`` (None, strings, or ConvDimensionNumbers)."""
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(f"conv_general_dilated: lhs and rhs must have the same rank, got shapes "
                        f"{tuple(lhs_shape)} and {tuple(rhs_shape)}")
    if len(lhs_shape) < 2:
        raise TypeError(f"conv_general_dilated: operands must have rank >= 2, got {tuple(lhs_shape)}")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if isinstance(dimension_numbers, (tuple, list)) and len(dimension_numbers) == 3:
        if all(isinstance(s, str) for s in dimension_numbers):
            for s in dimension_numbers:
                if len(s) != len(lhs_shape):
                    raise TypeError(f"conv_general_dilated: dimension_numbers {tuple(dimension_numbers)} must "
                                    f"have one letter per dimension of the rank-{len(lhs_shape)} operands")
            return ConvDimensionNumbers(*conv_general_permutations(tuple(dimension_numbers)))  # type: ignore[arg-type]
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    raise TypeError(f"conv_general_dilated: dimension_numbers must be None, a ConvDimensionNumbers or a "
                    f"tuple of three layout strings like ('NCHW', 'OIHW', 'NCHW'); got {dimension_numbers!r}")


# ---------------------------------------------------------------------------
# shape / dtype rule


def _conv_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, *, window_strides: tuple, padding: tuple,
                        lhs_dilation: tuple, rhs_dilation: tuple, dimension_numbers: ConvDimensionNumbers,
                        feature_group_count: int, batch_group_count: int, precision: Any = None,
                        preferred_element_type: Any = None) -> ShapedArray:
    name = "conv_general_dilated"
    if lhs.ndim != rhs.ndim:
        raise TypeError(f"{name}: lhs and rhs must have the same rank, got {lhs.str_short()} and "
                        f"{rhs.str_short()}")
    nd = lhs.ndim
    nsp = nd - 2
    if nsp < 0:
        raise TypeError(f"{name}: operands must have rank >= 2, got {lhs.str_short()}")
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    for what, spec in (("lhs_spec", lhs_spec), ("rhs_spec", rhs_spec), ("out_spec", out_spec)):
        if sorted(spec) != list(range(nd)):
            raise TypeError(f"{name}: dimension_numbers.{what} {spec} must be a permutation of range({nd})")
    for what, v in (("window_strides", window_strides), ("padding", padding), ("lhs_dilation", lhs_dilation),
                    ("rhs_dilation", rhs_dilation)):
        if len(v) != nsp:
            raise TypeError(f"{name}: {what} {v} must have one entry per spatial dimension ({nsp}); "
                            f"lhs shape {lhs.shape}, rhs shape {rhs.shape}")
    for what, v in (("window_strides", window_strides), ("lhs_dilation", lhs_dilation),
                    ("rhs_dilation", rhs_dilation)):
        if any(int(s) < 1 for s in v):
            raise TypeError(f"{name}: {what} must be positive, got {v}")
    G, B = int(feature_group_count), int(batch_group_count)
    if G < 1 or B < 1:
        raise ValueError(f"{name}: feature_group_count and batch_group_count must be positive, "
                         f"got {G} and {B}")
    if G > 1 and B > 1:
        raise ValueError(f"{name}: at most one of feature_group_count ({G}) and batch_group_count ({B}) "
                         "may exceed 1")
    n, c = lhs.shape[lhs_spec[0]], lhs.shape[lhs_spec[1]]
    o, i = rhs.shape[rhs_spec[0]], rhs.shape[rhs_spec[1]]
    if c % G or c // G != i:
        raise TypeError(f"{name}: lhs feature dimension size divided by feature_group_count must equal the "
                        f"rhs input feature dimension size, but {c} // {G} != {i} "
                        f"(lhs shape {lhs.shape}, rhs shape {rhs.shape})")
    if o % G:
        raise ValueError(f"{name}: rhs output feature dimension size must be a multiple of "
                         f"feature_group_count, but {o} is not a multiple of {G}")
    if n % B:
        raise ValueError(f"{name}: lhs batch dimension size must be a multiple of batch_group_count, "
                         f"but {n} is not a multiple of {B}")
    if o % B:
        raise ValueError(f"{name}: rhs output feature dimension size must be a multiple of batch_group_count, "
                         f"but {o} is not a multiple of {B}")
    out_dtype = _result_dtype(name, lhs.dtype, rhs.dtype, preferred_element_type, same_dtypes=True)
    lhs_sp = [lhs.shape[d] for d in lhs_spec[2:]]
    rhs_sp = [rhs.shape[d] for d in rhs_spec[2:]]
    for size, d, (lo, hi) in zip(lhs_sp, lhs_dilation, padding):
        if _dilate_dim(size, d) + lo + hi < 0:
            raise ValueError(f"{name}: negative padding is larger than the size of the corresponding "
                             f"dimension: got padding={padding} for lhs spatial shape {tuple(lhs_sp)}")
    out_sp = reduce_window_shape(lhs_sp, rhs_sp, window_strides, padding, lhs_dilation, rhs_dilation)
    logical = (n // B, o) + tuple(out_sp)
    shape = [0] * nd
    for pos, dim in enumerate(out_spec):
        shape[dim] = logical[pos]
    return ShapedArray(tuple(shape), out_dtype, lhs.weak_type and rhs.weak_type)


# ---------------------------------------------------------------------------
# NumPy implementation: im2col + BLAS matmuls, never a loop over output pixels

# bytes of im2col patches built at once (the work is chunked over output rows)
_PATCH_BUDGET = 32 * 2**20
# from this many input channels per group, a matmul per kernel position beats im2col
_MIN_CHANNELS_PER_MATMUL = 16


def _grouped_matmul(patches: np.ndarray, w: np.ndarray, G: int, B: int) -> np.ndarray:
    """Contract im2col ``patches`` (N, M, K, C) with filters ``w`` (K, I, O) -> (N // B, M, O).

    ``M`` output positions, ``K`` kernel positions.  With G feature groups,
    input features are G contiguous groups of I and output features G groups
    of O // G; with B batch groups, the batch is B contiguous groups.
    """
    N, M, K, C = patches.shape
    _, I, O = w.shape
    if G == 1 and B == 1:
        return (patches.reshape(N * M, K * C) @ w.reshape(K * I, O)).reshape(N, M, O)
    if G > 1:
        Og = O // G
        xs = patches.reshape(N * M, K, G, I).transpose(2, 0, 1, 3).reshape(G, N * M, K * I)
        ws = w.reshape(K, I, G, Og).transpose(2, 0, 1, 3).reshape(G, K * I, Og)
        return np.matmul(xs, ws).transpose(1, 0, 2).reshape(N, M, O)
    Nb, Og = N // B, O // B
    xs = patches.reshape(B, Nb * M, K * C)
    ws = w.reshape(K * C, B, Og).transpose(1, 0, 2)
    return np.matmul(xs, ws).transpose(1, 0, 2).reshape(Nb, M, O)


def _conv_channels_last(xp: np.ndarray, w: np.ndarray, out_sp: Sequence[int], strides: Sequence[int],
                        rhs_dilation: Sequence[int], G: int, B: int) -> np.ndarray:
    """Convolve padded/dilated ``xp`` (N, spatial..., C) with ``w`` (k..., I, O) -> (N // B, out..., O).

    When there are at least as many output positions as kernel positions, the
    loop runs over kernel positions: with many channels, one matmul each,
    accumulated; with few, im2col patches are gathered by one strided copy per
    kernel position (in chunks of output rows, to bound memory) and contracted
    in one matmul per chunk.  Otherwise (e.g. a filter gradient, whose
    "kernel" is a whole image) the loop runs over the few output positions.
    """
    N, C = xp.shape[0], xp.shape[-1]
    nsp = xp.ndim - 2
    ksp = w.shape[:nsp]
    I, O = w.shape[-2], w.shape[-1]
    K, P = math.prod(ksp), math.prod(out_sp)
    w2 = w.reshape(K, I, O)
    out = np.empty((N // B,) + tuple(out_sp) + (O,), np.result_type(xp.dtype, w.dtype))
    if nsp == 0:
        return _grouped_matmul(xp.reshape(N, 1, 1, C), w2, G, B).reshape(out.shape)
    if P >= K and I >= _MIN_CHANNELS_PER_MATMUL:
        # wide channels: one (N*P, C) x (C, O) matmul per kernel position, accumulated
        out2 = out.reshape(N // B, P, O)
        out2[...] = 0
        for kidx, kpos in enumerate(np.ndindex(*ksp)):
            sl = tuple(slice(k * r, k * r + (o - 1) * s + 1, s)
                       for k, r, o, s in zip(kpos, rhs_dilation, out_sp, strides))
            patch = xp[(slice(None),) + sl + (slice(None),)].reshape(N, P, 1, C)
            out2 += _grouped_matmul(patch, w2[kidx:kidx + 1], G, B)
    elif P >= K:
        # narrow channels: im2col patches (N, rows, ..., K, C), one matmul per chunk of output rows
        row = P // out_sp[0]
        per_row = N * row * K * C * xp.itemsize
        rows = max(1, min(out_sp[0], _PATCH_BUDGET // max(per_row, 1)))
        for r0 in range(0, out_sp[0], rows):
            r1 = min(out_sp[0], r0 + rows)
            sub = (r1 - r0,) + tuple(out_sp[1:])
            buf = np.empty((N,) + sub + (K, C), xp.dtype)
            for kidx, kpos in enumerate(np.ndindex(*ksp)):
                first = kpos[0] * rhs_dilation[0] + r0 * strides[0]
                sl = (slice(first, first + (r1 - r0 - 1) * strides[0] + 1, strides[0]),) + tuple(
                    slice(k * r, k * r + (o - 1) * s + 1, s)
                    for k, r, o, s in zip(kpos[1:], rhs_dilation[1:], out_sp[1:], strides[1:]))
                buf[..., kidx, :] = xp[(slice(None),) + sl + (slice(None),)]
            res = _grouped_matmul(buf.reshape(N, (r1 - r0) * row, K, C), w2, G, B)
            out[:, r0:r1] = res.reshape((N // B,) + sub + (O,))
    else:
        for pos in np.ndindex(*out_sp):
            sl = tuple(slice(p * s, p * s + (k - 1) * r + 1, r)
                       for p, s, k, r in zip(pos, strides, ksp, rhs_dilation))
            win = xp[(slice(None),) + sl + (slice(None),)]  # (N, k..., C)
            out[(slice(None),) + pos] = _grouped_matmul(win.reshape(N, 1, K, C), w2, G, B)[:, 0]
    return out


def _conv_impl(lhs: np.ndarray, rhs: np.ndarray, *, window_strides: tuple, padding: tuple, lhs_dilation: tuple,
               rhs_dilation: tuple, dimension_numbers: ConvDimensionNumbers, feature_group_count: int,
               batch_group_count: int, precision: Any = None, preferred_element_type: Any = None) -> np.ndarray:
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    nsp = lhs.ndim - 2
    out_dtype = _result_dtype("conv_general_dilated", lhs.dtype, rhs.dtype, preferred_element_type,
                              same_dtypes=True)
    comp = _compute_dtype(lhs.dtype, rhs.dtype, out_dtype)
    # channels-last working layouts: x (N, spatial..., C), w (spatial..., I, O)
    x = np.transpose(lhs, (lhs_spec[0],) + tuple(lhs_spec[2:]) + (lhs_spec[1],)).astype(comp, copy=False)
    w = np.transpose(rhs, tuple(rhs_spec[2:]) + (rhs_spec[1], rhs_spec[0])).astype(comp, copy=False)
    G, B = int(feature_group_count), int(batch_group_count)
    out_sp = reduce_window_shape(x.shape[1:-1], w.shape[:nsp], window_strides, padding, lhs_dilation,
                                 rhs_dilation)
    if 0 in out_sp or 0 in x.shape or 0 in w.shape:
        out = np.zeros((x.shape[0] // B,) + tuple(out_sp) + (w.shape[-1],), comp)
    else:
        xp = dilate_and_pad(x, np.zeros((), comp), ((0, 0),) + tuple(padding) + ((0, 0),),
                            (1,) + tuple(lhs_dilation) + (1,))
        out = _conv_channels_last(xp, w, out_sp, window_strides, rhs_dilation, G, B)
    # (N', out..., O) -> the layout of out_spec
    perm = [0] * (nsp + 2)
    perm[out_spec[0]] = 0
    perm[out_spec[1]] = nsp + 1
    for j, d in enumerate(out_spec[2:]):
        perm[d] = 1 + j
    out = np.transpose(out, perm)
    if out_dtype == np.bool_:
        return out != 0
    return out.astype(out_dtype, copy=False)


conv_general_dilated_p = standard_primitive("conv_general_dilated", _conv_abstract_eval, _conv_impl)


# ---------------------------------------------------------------------------
# wrappers


def _pads(padding: Any) -> tuple[tuple[int, int], ...]:
    try:
        return tuple((int(lo), int(hi)) for lo, hi in padding)
    except (TypeError, ValueError):
        raise ValueError("padding argument to conv_general_dilated should be a string or a sequence of "
                         f"(low, high) pairs, got {padding!r}") from None


def conv_general_dilated(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any,
                         lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
                         dimension_numbers: ConvGeneralDilatedDimensionNumbers = None,
                         feature_group_count: int = 1, batch_group_count: int = 1, precision: Any = None,
                         preferred_element_type: Any = None) -> Any:
    """General N-d convolution (XLA's ConvGeneralDilated).

    ``padding``: 'SAME', 'SAME_LOWER', 'VALID' or (low, high) pairs per spatial
    dimension.  ``dimension_numbers``: None (NCHW / OIHW / NCHW), a
    ConvDimensionNumbers, or layout strings like ('NHWC', 'HWIO', 'NHWC').
    """
    lhs_shape, rhs_shape = get_aval(lhs).shape, get_aval(rhs).shape
    dnums = conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    nsp = len(lhs_shape) - 2
    if lhs_dilation is None:
        lhs_dilation = (1,) * nsp
    elif isinstance(padding, (str, PaddingType)) and any(int(d) != 1 for d in lhs_dilation):
        raise ValueError("String padding is not implemented for transposed convolution using this op "
                         "(lhs_dilation > 1). Specify the padding explicitly, or use lax.conv_transpose.")
    if rhs_dilation is None:
        rhs_dilation = (1,) * nsp
    window_strides = tuple(int(s) for s in window_strides)
    if isinstance(padding, (str, PaddingType)):
        lhs_sp = [lhs_shape[d] for d in dnums.lhs_spec[2:]]
        rhs_sp = [_dilate_dim(rhs_shape[d], int(r)) for d, r in zip(dnums.rhs_spec[2:], rhs_dilation)]
        if len(window_strides) != nsp or len(rhs_sp) != nsp:
            raise TypeError(f"conv_general_dilated: window_strides {window_strides} and rhs_dilation "
                            f"{tuple(rhs_dilation)} must have {nsp} entries (one per spatial dimension)")
        pads = tuple(padtype_to_pads(lhs_sp, rhs_sp, window_strides, padding))
    else:
        pads = _pads(padding)
    pet = None if preferred_element_type is None else dtypes.canonicalize_dtype(np.dtype(preferred_element_type))
    return conv_general_dilated_p.bind(
        lhs, rhs, window_strides=window_strides, padding=pads,
        lhs_dilation=tuple(int(d) for d in lhs_dilation), rhs_dilation=tuple(int(d) for d in rhs_dilation),
        dimension_numbers=dnums, feature_group_count=int(feature_group_count),
        batch_group_count=int(batch_group_count), precision=precision, preferred_element_type=pet)


def conv(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any, precision: Any = None,
         preferred_element_type: Any = None) -> Any:
    """Convolution with NCHW / OIHW / NCHW layouts."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any,
                              lhs_dilation: Sequence[int] | None, rhs_dilation: Sequence[int] | None,
                              precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Convolution with NCHW / OIHW / NCHW layouts, explicit padding and dilations."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k: int, s: int, padding: str) -> tuple[int, int]:
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = k - 1 if s > k - 1 else int(np.ceil(pad_len / 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        pad_a = k - 1
    else:
        raise ValueError(f"conv_transpose: padding mode must be 'SAME' or 'VALID', got {padding!r}")
    return pad_a, pad_len - pad_a


def conv_transpose(lhs: Any, rhs: Any, strides: Sequence[int], padding: Any,
                   rhs_dilation: Sequence[int] | None = None,
                   dimension_numbers: ConvGeneralDilatedDimensionNumbers = None, transpose_kernel: bool = False,
                   precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Transposed convolution (the gradient of a strided conv), as an lhs-dilated conv.

    Default layouts are channels-last: ('NC', 'IO', 'NC'), ('NHC', 'HIO', 'NHC'),
    ('NHWC', 'HWIO', 'NHWC') or ('NHWDC', 'HWDIO', 'NHWDC').  With
    ``transpose_kernel`` the kernel's spatial axes are flipped and its I/O axes
    swapped, which makes this the exact gradient of ``conv_general_dilated``.
    """
    lhs_shape, rhs_shape = get_aval(lhs).shape, get_aval(rhs).shape
    if len(lhs_shape) != len(rhs_shape) or len(lhs_shape) < 2:
        raise TypeError(f"conv_transpose: lhs and rhs must have the same rank >= 2, got shapes "
                        f"{lhs_shape} and {rhs_shape}")
    nd = len(lhs_shape)
    if dimension_numbers is None:
        defaults = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC"),
                    5: ("NHWDC", "HWDIO", "NHWDC")}
        if nd not in defaults:
            raise ValueError(f"conv_transpose: no default dimension_numbers for rank-{nd} operands; pass them")
        dimension_numbers = defaults[nd]
    dn = conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    k_sdims = [rhs_shape[d] for d in dn.rhs_spec[2:]]
    if rhs_dilation is None:
        rhs_dilation = (1,) * (nd - 2)
    if isinstance(padding, str) and padding in ("SAME", "VALID"):
        eff = [_dilate_dim(k, int(r)) for k, r in zip(k_sdims, rhs_dilation)]
        pads: Any = [_conv_transpose_padding(k, int(s), padding) for k, s in zip(eff, strides)]
    else:
        pads = padding
    if transpose_kernel:
        from jax_core import lax as _lax  # rev lives with the structural ops

        rev = getattr(_lax, "rev", None)
        if rev is None:
            raise NotImplementedError("conv_transpose(transpose_kernel=True) needs lax.rev")
        rhs = rev(rhs, tuple(dn.rhs_spec[2:]))
        perm = list(range(nd))
        perm[dn.rhs_spec[0]], perm[dn.rhs_spec[1]] = perm[dn.rhs_spec[1]], perm[dn.rhs_spec[0]]
        rhs = transpose(rhs, perm)
    return conv_general_dilated(lhs, rhs, (1,) * (nd - 2), pads, strides, rhs_dilation, dn,
                                precision=precision, preferred_element_type=preferred_element_type)


__all__ = [
    "ConvDimensionNumbers", "ConvGeneralDilatedDimensionNumbers", "conv_general_permutations",
    "conv_dimension_numbers", "conv_general_dilated", "conv_general_dilated_p", "conv",
    "conv_with_general_padding", "conv_transpose",
]
