"""Emitting StableHLO as MLIR text.

We write the textual form ourselves (generic op syntax, which every MLIR
parser accepts and whose shape is the same for every op) and hand the text to
jaxlib's PjRt client, which parses and compiles it.  A :class:`Value` is an
SSA name with the abstract value it carries; a :class:`Block` appends ops to a
function body or to an op's region and hands out fresh names from a counter
shared by the whole function.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from jax_core import dtypes
from jax_core.core import ShapedArray

# --------------------------------------------------------------------------
# Types

_ELEM_TYPES = {
    "bool": "i1", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "ui8", "uint16": "ui16", "uint32": "ui32", "uint64": "ui64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "complex<f32>", "complex128": "complex<f64>",
    "float8_e4m3fn": "f8E4M3FN", "float8_e5m2": "f8E5M2", "float8_e4m3b11fnuz": "f8E4M3B11FNUZ",
    "float8_e4m3fnuz": "f8E4M3FNUZ", "float8_e5m2fnuz": "f8E5M2FNUZ",
    "int4": "i4", "uint4": "ui4",
}


def elem_type(dtype: Any) -> str:
    dt = np.dtype(dtype)
    if dt == dtypes.float0:
        return "i1"  # float0 (tangents of integers) travels as booleans, like in JAX
    try:
        return _ELEM_TYPES[dt.name]
    except KeyError:
        raise TypeError(f"dtype {dt.name} has no StableHLO element type") from None


def tensor_type(shape: Sequence[int], dtype: Any) -> str:
    et = elem_type(dtype)
    if not shape:
        return f"tensor<{et}>"
    return f"tensor<{'x'.join(str(int(d)) for d in shape)}x{et}>"


def aval_type(aval: ShapedArray) -> str:
    return tensor_type(aval.shape, aval.dtype)


def i64_array(xs: Sequence[int]) -> str:
    """A ``DenseI64ArrayAttr``: ``array<i64: 1, 2>``."""
    xs = [int(x) for x in xs]
    return f"array<i64: {', '.join(map(str, xs))}>" if xs else "array<i64>"


def bool_array(xs: Sequence[bool]) -> str:
    return f"array<i1: {', '.join('true' if x else 'false' for x in xs)}>" if xs else "array<i1>"


def i64_list(xs: Sequence[int]) -> str:
    """A plain list inside a structured attribute: ``[1, 2]``."""
    return "[" + ", ".join(str(int(x)) for x in xs) + "]"


def dense_i64_2d(rows: Sequence[Sequence[int]]) -> str:
    """``dense<[[0, 1], [2, 3]]> : tensor<2x2xi64>`` (padding attributes)."""
    rows = [tuple(int(v) for v in r) for r in rows]
    n = len(rows)
    if n == 0:
        return "dense<> : tensor<0x2xi64>"
    body = "[" + ", ".join("[" + ", ".join(map(str, r)) + "]" for r in rows) + "]"
    return f"dense<{body}> : tensor<{n}x2xi64>"


def dense_elements(value: np.ndarray) -> str:
    """The ``dense<...>`` payload of a constant, bit-exact (hex of the raw bytes)."""
    v = np.ascontiguousarray(value)
    if v.dtype == dtypes.float0:
        v = np.zeros(v.shape, np.bool_)
    if v.size == 0:
        return "dense<>"
    flat = v.reshape(-1)
    first = flat[:1]
    raw = flat.view(np.uint8).reshape(flat.size, -1) if v.dtype.itemsize else None
    if raw is not None and flat.size > 1 and (raw == raw[:1]).all():
        v = first  # a splat: the bytes of one element stand for all
    if v.dtype == np.bool_:
        vals = v.reshape(-1)
        if vals.size == 1:
            return "dense<true>" if bool(vals[0]) else "dense<false>"
    return f'dense<"0x{np.ascontiguousarray(v).tobytes().hex().upper()}">'


# --------------------------------------------------------------------------
# Values and blocks


class Value:
    """An SSA value: its name in the text and its abstract value."""

    __slots__ = ("name", "aval")

    def __init__(self, name: str, aval: ShapedArray):
        self.name = name
        self.aval = aval

    @property
    def type(self) -> str:
        return aval_type(self.aval)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    def __repr__(self) -> str:
        return f"Value({self.name}: {self.type})"


class _Counter:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        n = self.n
        self.n += 1
        return n


class Block:
    """A list of ops being emitted; ``args`` are its block arguments."""

    def __init__(self, counter: _Counter, arg_avals: Sequence[ShapedArray] = (), indent: int = 4):
        self.counter = counter
        self.indent = indent
        self.lines: list[str] = []
        self.args = [Value(f"%{counter()}", a) for a in arg_avals]
        self.terminated = False

    # -- emission ----------------------------------------------------------

    def region(self, arg_avals: Sequence[ShapedArray] = ()) -> "Block":
        """A new block for a region of an op emitted into this block."""
        return Block(self.counter, arg_avals, self.indent + 2)

    def op(self, name: str, operands: Sequence[Value], out_avals: Sequence[ShapedArray],
           attrs: str | Sequence[str] = "", regions: Sequence["Block"] = (), extra: str = "") -> list[Value]:
        """Emit ``name`` in generic form; returns one Value per result.

        ``attrs`` are the op's inherent attributes (its properties), ``extra``
        discardable ones (``mhlo.backend_config = {...}``).
        """
        if not isinstance(attrs, str):
            attrs = ", ".join(a for a in attrs if a)
        n = len(out_avals)
        ops = ", ".join(o.name for o in operands)
        in_types = ", ".join(o.type for o in operands)
        out_types = [aval_type(a) for a in out_avals]
        if n == 0:
            lhs, results = "", []
        elif n == 1:
            r = f"%{self.counter()}"
            lhs, results = f"{r} = ", [Value(r, out_avals[0])]
        else:
            r = f"%{self.counter()}"
            lhs, results = f"{r}:{n} = ", [Value(f"{r}#{i}", a) for i, a in enumerate(out_avals)]
        attr_s = f" <{{{attrs}}}>" if attrs else ""
        if extra:
            attr_s += f" {{{extra}}}"
        out_s = out_types[0] if n == 1 else f"({', '.join(out_types)})"
        pad = " " * self.indent
        if regions:
            region_texts = ", ".join(r._render() for r in regions)
            self.lines.append(f'{pad}{lhs}"{name}"({ops}){attr_s} ({region_texts}) : ({in_types}) -> {out_s}')
        else:
            self.lines.append(f'{pad}{lhs}"{name}"({ops}){attr_s} : ({in_types}) -> {out_s}')
        return results

    def op1(self, name: str, operands: Sequence[Value], out_aval: ShapedArray,
            attrs: str | Sequence[str] = "", regions: Sequence["Block"] = ()) -> Value:
        return self.op(name, operands, [out_aval], attrs, regions)[0]

    def ret(self, values: Sequence[Value], op: str = "stablehlo.return") -> None:
        """Terminate a region block."""
        self.op(op, values, [])
        self.terminated = True

    def _render(self) -> str:
        pad = " " * (self.indent - 2)
        head = ""
        if self.args:
            head = f"\n{pad}^bb0(" + ", ".join(f"{a.name}: {a.type}" for a in self.args) + "):"
        return "{" + head + "\n" + "\n".join(self.lines) + f"\n{pad}}}"

    # -- common ops ----------------------------------------------------------

    def constant(self, value: Any, dtype: Any = None) -> Value:
        v = np.asarray(value, dtype=dtype)
        aval = ShapedArray(v.shape, v.dtype)
        if v.size == 0 and v.ndim > 0:
            z = self.constant(np.zeros((), v.dtype))
            return self.broadcast_in_dim(z, v.shape, ())
        return self.op1("stablehlo.constant", [], aval,
                        f"value = {dense_elements(v)} : {aval_type(aval)}")

    def full(self, shape: Sequence[int], value: Any, dtype: Any) -> Value:
        """A constant array filled with ``value`` (a splat)."""
        c = self.constant(np.asarray(value, dtype=dtype))
        return c if not shape else self.broadcast_in_dim(c, shape, ())

    def broadcast_in_dim(self, x: Value, shape: Sequence[int], dims: Sequence[int]) -> Value:
        shape = tuple(int(s) for s in shape)
        if x.shape == shape and tuple(dims) == tuple(range(len(shape))):
            return x
        return self.op1("stablehlo.broadcast_in_dim", [x], ShapedArray(shape, x.dtype),
                        f"broadcast_dimensions = {i64_array(dims)}")

    def broadcast_to(self, x: Value, shape: Sequence[int]) -> Value:
        """Broadcast a scalar or same-shaped value to ``shape``."""
        shape = tuple(shape)
        if x.shape == shape:
            return x
        nlead = len(shape) - len(x.shape)
        return self.broadcast_in_dim(x, shape, tuple(range(nlead, len(shape))))

    def convert(self, x: Value, dtype: Any) -> Value:
        dt = np.dtype(dtype)
        if x.dtype == dt:
            return x
        return self.op1("stablehlo.convert", [x], ShapedArray(x.shape, dt))

    def reshape(self, x: Value, shape: Sequence[int]) -> Value:
        shape = tuple(int(s) for s in shape)
        if x.shape == shape:
            return x
        return self.op1("stablehlo.reshape", [x], ShapedArray(shape, x.dtype))

    def unary(self, name: str, x: Value, dtype: Any = None) -> Value:
        dt = x.dtype if dtype is None else np.dtype(dtype)
        return self.op1(name, [x], ShapedArray(x.shape, dt))

    def binary(self, name: str, x: Value, y: Value, dtype: Any = None) -> Value:
        dt = x.dtype if dtype is None else np.dtype(dtype)
        return self.op1(name, [x, y], ShapedArray(x.shape, dt))

    def add(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.add", x, y)

    def sub(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.subtract", x, y)

    def mul(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.multiply", x, y)

    def div(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.divide", x, y)

    def max(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.maximum", x, y)

    def min(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.minimum", x, y)

    def and_(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.and", x, y)

    def or_(self, x: Value, y: Value) -> Value:
        return self.binary("stablehlo.or", x, y)

    def not_(self, x: Value) -> Value:
        return self.unary("stablehlo.not", x)

    def neg(self, x: Value) -> Value:
        return self.unary("stablehlo.negate", x)

    def compare(self, x: Value, y: Value, direction: str, compare_type: str | None = None) -> Value:
        if compare_type is None:
            compare_type = default_compare_type(x.dtype)
        return self.op1(
            "stablehlo.compare", [x, y], ShapedArray(x.shape, np.bool_),
            f"compare_type = #stablehlo<comparison_type {compare_type}>, "
            f"comparison_direction = #stablehlo<comparison_direction {direction}>")

    def select(self, pred: Value, on_true: Value, on_false: Value) -> Value:
        return self.op1("stablehlo.select", [pred, on_true, on_false], on_true.aval.strip_weak_type())

    def iota(self, shape: Sequence[int], dtype: Any, dimension: int) -> Value:
        return self.op1("stablehlo.iota", [], ShapedArray(tuple(shape), dtype),
                        f"iota_dimension = {int(dimension)} : i64")

    def slice(self, x: Value, start: Sequence[int], limit: Sequence[int],
              strides: Sequence[int] | None = None) -> Value:
        strides = tuple(strides) if strides is not None else (1,) * len(start)
        shape = tuple(max(0, -(-(int(l) - int(s)) // int(st))) for s, l, st in zip(start, limit, strides))
        return self.op1("stablehlo.slice", [x], ShapedArray(shape, x.dtype),
                        [f"limit_indices = {i64_array(limit)}", f"start_indices = {i64_array(start)}",
                         f"strides = {i64_array(strides)}"])

    def transpose(self, x: Value, perm: Sequence[int]) -> Value:
        if tuple(perm) == tuple(range(len(perm))):
            return x
        return self.op1("stablehlo.transpose", [x], ShapedArray(tuple(x.shape[p] for p in perm), x.dtype),
                        f"permutation = {i64_array(perm)}")

    def reverse(self, x: Value, dims: Sequence[int]) -> Value:
        if not dims:
            return x
        return self.op1("stablehlo.reverse", [x], x.aval, f"dimensions = {i64_array(dims)}")

    def real(self, x: Value) -> Value:
        return self.unary("stablehlo.real", x, real_dtype(x.dtype))

    def imag(self, x: Value) -> Value:
        return self.unary("stablehlo.imag", x, real_dtype(x.dtype))

    def complex(self, re: Value, im: Value) -> Value:
        return self.binary("stablehlo.complex", re, im, complex_dtype(re.dtype))

    def is_nan(self, x: Value) -> Value:
        return self.compare(x, x, "NE", "FLOAT")

    def scalar_region(self, dtypes_: Sequence[Any], nargs_each: int = 2) -> "Block":
        """A region with ``nargs_each`` scalar block args per dtype (reducers)."""
        avals = [ShapedArray((), d) for d in dtypes_] * nargs_each
        return self.region(avals)


def default_compare_type(dtype: Any) -> str:
    dt = np.dtype(dtype)
    if dt.kind in "fcV" or dt == dtypes.bfloat16:
        return "FLOAT"
    if dt.kind == "i":
        return "SIGNED"
    return "UNSIGNED"


def real_dtype(dtype: Any) -> np.dtype:
    dt = np.dtype(dtype)
    if dt == np.complex64:
        return np.dtype(np.float32)
    if dt == np.complex128:
        return np.dtype(np.float64)
    return dt


def complex_dtype(dtype: Any) -> np.dtype:
    dt = np.dtype(dtype)
    return np.dtype(np.complex128) if dt == np.float64 else np.dtype(np.complex64)


def sanitize_name(name: str) -> str:
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return out or "fun"


def module_text(name: str, arg_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray],
                body: Block, results: Sequence[Value], num_replicas: int = 1,
                num_partitions: int = 1, arg_attrs: Sequence[str] | None = None) -> str:
    """A whole module with one public function ``@main``."""
    args = []
    for i, (a, v) in enumerate(zip(arg_avals, body.args)):
        attr = f" {{{arg_attrs[i]}}}" if arg_attrs and arg_attrs[i] else ""
        args.append(f"{v.name}: {aval_type(a)}{attr}")
    out_types = ", ".join(aval_type(a) for a in out_avals)
    lines = [
        f"module @{sanitize_name(name)} attributes {{mhlo.num_partitions = {num_partitions} : i32, "
        f"mhlo.num_replicas = {num_replicas} : i32}} {{",
        f"  func.func public @main({', '.join(args)}) -> ({out_types}) {{",
        *body.lines,
    ]
    if results:
        lines.append(f"    func.return {', '.join(r.name for r in results)} : "
                     f"{', '.join(r.type for r in results)}")
    else:
        lines.append("    func.return")
    lines += ["  }", "}", ""]
    return "\n".join(lines)
