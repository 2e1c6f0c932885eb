"""Structured control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan.

The primitives (``cond``, ``while``, ``scan``) take closed jaxprs as
parameters.  Bodies are traced once, to jaxprs; values they close over
(arrays, or tracers of enclosing transformations) are hoisted into explicit
operands, so each body jaxpr has no constvars.  Eagerly, the bodies are
interpreted with ``eval_jaxpr``: the Python function is not re-run per
iteration.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, tree_util
from jax_core.core import Array, ShapedArray, Tracer, get_aval
from jax_core.jaxpr import ClosedJaxpr, Jaxpr, Var, eval_jaxpr, flatten_fun, trace_to_jaxpr
from jax_core.lax.primitive_util import standard_primitive

# ---------------------------------------------------------------------------
# helpers


def _hoist_consts(closed: ClosedJaxpr) -> tuple[ClosedJaxpr, list]:
    """Turn a closed jaxpr's constvars into leading invars; return the consts."""
    j = closed.jaxpr
    if not j.constvars:
        return closed, []
    new = Jaxpr([], list(j.constvars) + list(j.invars), j.outvars, j.eqns)
    return ClosedJaxpr(new, []), list(closed.consts)


def _trace_fun(fun: Callable, in_tree: Any, in_avals: Sequence[ShapedArray], name: str) -> tuple[ClosedJaxpr, list, Any]:
    flat_fun, out_tree = flatten_fun(fun, in_tree)
    closed = trace_to_jaxpr(flat_fun, in_avals, name=name)
    jaxpr, consts = _hoist_consts(closed)
    return jaxpr, consts, out_tree()


def _avals_str(avals: Sequence[ShapedArray]) -> str:
    return "(" + ", ".join(a.str_short() for a in avals) + ")"


def _same_types(a: Sequence[ShapedArray], b: Sequence[ShapedArray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and x.dtype == y.dtype for x, y in zip(a, b))


def _join_branch_consts(jaxprs: Sequence[ClosedJaxpr], consts: Sequence[list]) -> tuple[list[ClosedJaxpr], list]:
    """Branches with different closed-over consts all take the concatenation."""
    all_consts: list = [c for cs in consts for c in cs]
    const_avals = [get_aval(c) for c in all_consts]
    out = []
    offset = 0
    for jx, cs in zip(jaxprs, consts):
        j = jx.jaxpr
        n = len(cs)
        own_const_vars = j.invars[:n]
        rest = j.invars[n:]
        pre = [Var(a) for a in const_avals[:offset]]
        post = [Var(a) for a in const_avals[offset + n:]]
        out.append(ClosedJaxpr(Jaxpr([], pre + own_const_vars + post + rest, j.outvars, j.eqns), []))
        offset += n
    return out, all_consts


def _weak_join(avals_list: Sequence[Sequence[ShapedArray]]) -> list[ShapedArray]:
    first = avals_list[0]
    return [ShapedArray(a.shape, a.dtype, all(al[i].weak_type for al in avals_list)) for i, a in enumerate(first)]


def _to_numpy_list(vals: Sequence[Any]) -> list:
    return [np.asarray(v) for v in vals]


# ---------------------------------------------------------------------------
# cond / switch


def _cond_abstract_eval(index: ShapedArray, *ops: ShapedArray, branches: tuple) -> list[ShapedArray]:
    if index.shape != () or index.dtype != np.int32:
        raise TypeError(f"cond: the branch index must be an int32 scalar, got {index.str_short()}")
    for b in branches:
        if not _same_types(b.in_avals, ops):
            raise TypeError(f"cond: branch takes {_avals_str(b.in_avals)}, called with {_avals_str(ops)}")
    return _weak_join([b.out_avals for b in branches])


def _cond_impl(index: np.ndarray, *ops: Any, branches: tuple) -> list:
    i = int(np.clip(int(index), 0, len(branches) - 1))
    return _to_numpy_list(eval_jaxpr(branches[i].jaxpr, [], *ops))


cond_p = standard_primitive("cond", _cond_abstract_eval, _cond_impl, multiple_results=True)


def _branch_index(pred: Any, n: int, name: str) -> Any:
    from jax_core import lax

    aval = get_aval(pred)
    if aval.shape != ():
        raise TypeError(f"{name}: the predicate/index must be a scalar, got shape {aval.shape}")
    if aval.dtype == np.bool_:
        return lax.convert_element_type(pred, np.int32)
    if aval.dtype.kind not in "iu":
        raise TypeError(f"{name}: the predicate must be boolean or an integer scalar, got {aval.dtype.name}")
    idx = lax.convert_element_type(pred, np.int32)
    if name == "cond":
        return lax.convert_element_type(lax.ne(idx, 0), np.int32)
    return lax.clamp(np.int32(0), idx, np.int32(n - 1))


def _cond_branches(branch_funs: Sequence[Callable], operands: tuple, name: str) -> tuple:
    flat_ops, in_tree = tree_util.tree_flatten((operands, {}))
    avals = [get_aval(o) for o in flat_ops]
    jaxprs, consts, out_trees = [], [], []
    for k, f in enumerate(branch_funs):
        if not callable(f):
            raise TypeError(f"{name}: branch {k} is not callable: {f!r}")
        j, c, t = _trace_fun(f, in_tree, avals, f"{name}_branch_{k}")
        jaxprs.append(j)
        consts.append(c)
        out_trees.append(t)
    for k in range(1, len(jaxprs)):
        if out_trees[k] != out_trees[0]:
            what = ("true_fun and false_fun" if name == "cond" else f"branch 0 and branch {k}")
            raise TypeError(f"{what} output must have same type structure, got {out_trees[0]} and {out_trees[k]}.")
        if not _same_types(jaxprs[k].out_avals, jaxprs[0].out_avals):
            what = ("true_fun and false_fun" if name == "cond" else f"branch 0 and branch {k}")
            raise TypeError(
                f"{what} output must have identical types, got {_avals_str(jaxprs[0].out_avals)} and "
                f"{_avals_str(jaxprs[k].out_avals)}.")
    joined, all_consts = _join_branch_consts(jaxprs, consts)
    return joined, all_consts, flat_ops, out_trees[0]


_no_operand = object()


def cond(pred: Any, true_fun: Any, false_fun: Any, *operands: Any, operand: Any = _no_operand) -> Any:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, traced as one primitive.

    Also accepts the old form ``cond(pred, true_operand, true_fun, false_operand, false_fun)``.
    """
    if operand is not _no_operand:
        operands = (operand,)
    if not callable(true_fun) and callable(false_fun) and len(operands) == 2 and callable(operands[1]):
        # old signature: cond(pred, true_operand, true_fun, false_operand, false_fun)
        true_op, t_fun, false_op, f_fun = true_fun, false_fun, operands[0], operands[1]
        return cond(pred, lambda ops: t_fun(ops[0]), lambda ops: f_fun(ops[1]), (true_op, false_op))
    branches, consts, flat_ops, out_tree = _cond_branches([false_fun, true_fun], operands, "cond")
    index = _branch_index(pred, 2, "cond")
    outs = cond_p.bind(index, *consts, *flat_ops, branches=tuple(branches))
    return tree_util.tree_unflatten(out_tree, outs)


def switch(index: Any, branches: Sequence[Callable], *operands: Any, operand: Any = _no_operand) -> Any:
    """Apply ``branches[index]`` (index clamped into range) to ``operands``."""
    if operand is not _no_operand:
        operands = (operand,)
    branches = list(branches)
    if not branches:
        raise ValueError("switch: empty branch sequence")
    if len(branches) == 1:
        return branches[0](*operands)
    jaxprs, consts, flat_ops, out_tree = _cond_branches(branches, operands, "switch")
    idx = _branch_index(index, len(branches), "switch")
    outs = cond_p.bind(idx, *consts, *flat_ops, branches=tuple(jaxprs))
    return tree_util.tree_unflatten(out_tree, outs)


# ---------------------------------------------------------------------------
# while_loop


def _while_abstract_eval(*args: ShapedArray, cond_jaxpr: ClosedJaxpr, body_jaxpr: ClosedJaxpr,
                         cond_nconsts: int, body_nconsts: int) -> list[ShapedArray]:
    return list(args[cond_nconsts + body_nconsts:])


def _while_impl(*args: Any, cond_jaxpr: ClosedJaxpr, body_jaxpr: ClosedJaxpr, cond_nconsts: int,
                body_nconsts: int) -> list:
    cconsts = args[:cond_nconsts]
    bconsts = args[cond_nconsts:cond_nconsts + body_nconsts]
    carry = list(args[cond_nconsts + body_nconsts:])
    while bool(np.asarray(eval_jaxpr(cond_jaxpr.jaxpr, [], *cconsts, *carry)[0])):
        carry = eval_jaxpr(body_jaxpr.jaxpr, [], *bconsts, *carry)
    return _to_numpy_list(carry)


while_p = standard_primitive("while", _while_abstract_eval, _while_impl, multiple_results=True)


def _carry_avals(flat: Sequence[Any]) -> list[ShapedArray]:
    return [get_aval(x) for x in flat]


def while_loop(cond_fun: Callable, body_fun: Callable, init_val: Any) -> Any:
    """``while cond_fun(val): val = body_fun(val)``, as one primitive."""
    flat_init, in_tree = tree_util.tree_flatten(((init_val,), {}))
    init_tree = tree_util.tree_structure(init_val)
    avals = _carry_avals(flat_init)
    for attempt in range(2):
        cj, cconsts, ctree = _trace_fun(cond_fun, in_tree, avals, "while_cond")
        c_out = cj.out_avals
        if len(c_out) != 1 or c_out[0].shape != () or c_out[0].dtype != np.bool_:
            raise TypeError(f"cond_fun must return a boolean scalar, but got output type(s) {_avals_str(c_out)}.")
        bj, bconsts, btree = _trace_fun(body_fun, in_tree, avals, "while_body")
        if btree != init_tree:
            raise TypeError(f"body_fun output and input must have identical types (structures), got input "
                            f"{init_tree} and output {btree}.")
        if not _same_types(bj.out_avals, avals):
            raise TypeError(f"body_fun output and input must have identical types, got input "
                            f"{_avals_str(avals)} and output {_avals_str(bj.out_avals)}.")
        if all(a.weak_type == b.weak_type for a, b in zip(avals, bj.out_avals)) or attempt:
            break
        avals = [ShapedArray(a.shape, a.dtype, a.weak_type and b.weak_type) for a, b in zip(avals, bj.out_avals)]
    flat_init = [_as_type(x, a) for x, a in zip(flat_init, avals)]
    outs = while_p.bind(*cconsts, *bconsts, *flat_init, cond_jaxpr=cj, body_jaxpr=bj,
                        cond_nconsts=len(cconsts), body_nconsts=len(bconsts))
    return tree_util.tree_unflatten(init_tree, outs)


def _as_type(x: Any, aval: ShapedArray) -> Any:
    from jax_core import lax

    a = get_aval(x)
    if a.dtype == aval.dtype and a.weak_type == aval.weak_type:
        return x
    return lax.convert_element_type(x, aval.dtype, aval.weak_type)


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any, *, unroll: Any = None) -> Any:
    """``for i in range(lower, upper): val = body_fun(i, val)``.

    With concrete bounds this is a ``scan`` (so reverse-mode differentiable);
    otherwise a ``while_loop``.
    """
    concrete = not isinstance(lower, Tracer) and not isinstance(upper, Tracer)
    if concrete:
        lo, hi = int(np.asarray(lower)), int(np.asarray(upper))
        idx_dtype = dtypes.result_type(lower, upper) if not isinstance(lower, int) or not isinstance(upper, int) \
            else np.dtype(np.int32)

        def step(carry: Any, _: Any) -> Any:
            i, x = carry
            from jax_core import lax

            return (lax.add(i, np.asarray(1, idx_dtype)), body_fun(i, x)), None

        (_, out), _ = scan(step, (np.asarray(lo, idx_dtype), init_val), None, length=max(hi - lo, 0),
                           unroll=1 if unroll is None else unroll)
        return out
    from jax_core import lax

    dt = dtypes.result_type(lower, upper)
    lower = lax.convert_element_type(lower, dt)
    upper = lax.convert_element_type(upper, dt)

    def wcond(c: Any) -> Any:
        return lax.lt(c[0], c[2])

    def wbody(c: Any) -> Any:
        i, x, u = c
        return lax.add(i, lax.convert_element_type(1, dt)), body_fun(i, x), u

    return while_loop(wcond, wbody, (lower, init_val, upper))[1]


# ---------------------------------------------------------------------------
# scan


def _scan_abstract_eval(*args: ShapedArray, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int, length: int,
                        reverse: bool, linear: tuple, unroll: int, _split_transpose: bool = False) -> list[ShapedArray]:
    carry_out = jaxpr.out_avals[:num_carry]
    ys = [ShapedArray((length,) + a.shape, a.dtype, a.weak_type) for a in jaxpr.out_avals[num_carry:]]
    return list(carry_out) + ys


def _scan_impl(*args: Any, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int, length: int, reverse: bool,
               linear: tuple, unroll: int, _split_transpose: bool = False) -> list:
    consts = args[:num_consts]
    carry = list(args[num_consts:num_consts + num_carry])
    xs = args[num_consts + num_carry:]
    ys_avals = jaxpr.out_avals[num_carry:]
    ys = [np.empty((length,) + a.shape, a.dtype) for a in ys_avals]
    for t in range(length):
        i = length - 1 - t if reverse else t
        outs = eval_jaxpr(jaxpr.jaxpr, [], *consts, *carry, *[x[i] for x in xs])
        carry = outs[:num_carry]
        for buf, y in zip(ys, outs[num_carry:]):
            buf[i] = np.asarray(y)
    return _to_numpy_list(carry) + ys


scan_p = standard_primitive("scan", _scan_abstract_eval, _scan_impl, multiple_results=True)


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1, _split_transpose: bool = False) -> tuple[Any, Any]:
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; stack the ys."""
    flat_xs, xs_tree = tree_util.tree_flatten(xs)
    xs_avals = [get_aval(x) for x in flat_xs]
    if any(not a.shape for a in xs_avals):
        raise ValueError("scan got value with no leading axis to scan over: "
                         + ", ".join(a.str_short() for a in xs_avals if not a.shape))
    lengths: set[int] = {a.shape[0] for a in xs_avals}
    if length is not None:
        length = int(length)
        if lengths and lengths != {length}:
            raise ValueError(f"scan got `length` argument of {length} which disagrees with leading axis sizes "
                             f"{sorted(lengths)}.")
    else:
        if not lengths:
            raise ValueError("scan got no values to scan over and `length` not provided.")
        if len(lengths) > 1:
            raise ValueError(f"scan got values with different leading axis sizes: {sorted(lengths)}.")
        length = lengths.pop()
    flat_init, init_tree = tree_util.tree_flatten(init)
    carry_avals = [get_aval(c) for c in flat_init]
    x_avals = [ShapedArray(a.shape[1:], a.dtype, a.weak_type) for a in xs_avals]
    in_tree = tree_util.tree_structure(((init, xs), {}))
    del in_tree

    def flat_body(*flat: Any) -> list:
        c = tree_util.tree_unflatten(init_tree, flat[:len(flat_init)])
        x = tree_util.tree_unflatten(xs_tree, flat[len(flat_init):])
        out = f(c, x)
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError(f"scan body function must return a pair (carry, y), got {type(out).__name__}")
        new_c, y = out
        c_flat, c_tree = tree_util.tree_flatten(new_c)
        if c_tree != init_tree:
            raise TypeError(f"scan body function carry input and carry output must have the same pytree "
                            f"structure, but they differ: input {init_tree}, output {c_tree}.")
        y_flat, y_tree = tree_util.tree_flatten(y)
        store[:] = [y_tree]
        return list(c_flat) + list(y_flat)

    store: list = []
    for attempt in range(2):
        closed = trace_to_jaxpr(flat_body, carry_avals + x_avals, name="scan_body")
        out_carry = closed.out_avals[:len(flat_init)]
        if not _same_types(out_carry, carry_avals):
            raise TypeError(
                f"scan body function carry input and carry output must have equal types, got input "
                f"{_avals_str(carry_avals)} and output {_avals_str(out_carry)}.")
        if all(a.weak_type == b.weak_type for a, b in zip(carry_avals, out_carry)) or attempt:
            break
        carry_avals = [ShapedArray(a.shape, a.dtype, a.weak_type and b.weak_type)
                       for a, b in zip(carry_avals, out_carry)]
    jaxpr, consts = _hoist_consts(closed)
    flat_init = [_as_type(x, a) for x, a in zip(flat_init, carry_avals)]
    n_in = len(consts) + len(flat_init) + len(flat_xs)
    outs = scan_p.bind(*consts, *flat_init, *flat_xs, jaxpr=jaxpr, num_consts=len(consts),
                       num_carry=len(flat_init), length=length, reverse=bool(reverse),
                       linear=(False,) * n_in, unroll=int(unroll) if not isinstance(unroll, bool) else
                       (length if unroll else 1), _split_transpose=False)
    carry_out = tree_util.tree_unflatten(init_tree, outs[:len(flat_init)])
    ys = tree_util.tree_unflatten(store[0], outs[len(flat_init):])
    return carry_out, ys


def map(f: Callable, xs: Any, *, batch_size: int | None = None) -> Any:  # noqa: A001 - lax's name
    """``stack([f(x) for x in xs])`` as a scan."""
    if batch_size is not None:
        raise NotImplementedError("lax.map(batch_size=...) is not supported yet")
    _, ys = scan(lambda c, x: ((), f(x)), (), xs)
    return ys


# ---------------------------------------------------------------------------
# associative_scan (built from slicing ops; not a primitive)


def associative_scan(fn: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan with an associative binary ``fn`` in O(log n) parallel steps."""
    from jax_core import lax

    flat, tree = tree_util.tree_flatten(elems)
    if not flat:
        return elems
    ndims = {get_aval(x).ndim for x in flat}
    nd = ndims.pop()
    axis = axis % nd if nd else 0
    if reverse:
        flat = [lax.rev(x, (axis,)) for x in flat]
    sizes = {get_aval(x).shape[axis] for x in flat}
    if len(sizes) != 1:
        raise ValueError(f"associative_scan: array inputs must have the same size along axis {axis}, "
                         f"got {sorted(sizes)}")
    n = sizes.pop()

    def combine(a: list, b: list) -> list:
        out = fn(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        return tree_util.tree_leaves(out)

    def take(xs: list, start: int, stop: int | None, step: int) -> list:
        return [lax.slice_in_dim(x, start, stop, step, axis) for x in xs]

    def interleave(a: Any, b: Any) -> Any:
        # a has ceil(k), b has floor(k) elements along axis: result a0 b0 a1 b1 ...
        na, nb = get_aval(a).shape[axis], get_aval(b).shape[axis]
        if na == nb:
            st = lax.concatenate([lax.expand_dims(a, (axis + 1,)), lax.expand_dims(b, (axis + 1,))], axis + 1)
            shape = list(get_aval(a).shape)
            shape[axis] = na + nb
            return lax.reshape(st, tuple(shape))
        pad_cfg = [(0, 0, 0)] * get_aval(b).ndim
        pad_cfg[axis] = (0, 1, 0)
        b_pad = lax.pad(b, lax.convert_element_type(0, get_aval(b).dtype), pad_cfg)
        full = interleave(a, b_pad)
        return lax.slice_in_dim(full, 0, na + nb, 1, axis)

    def scan_rec(xs: list) -> list:
        k = get_aval(xs[0]).shape[axis]
        if k < 2:
            return xs
        reduced = combine(take(xs, 0, k - 1, 2), take(xs, 1, None, 2))
        odd = scan_rec(reduced)
        if k % 2 == 0:
            even = combine(take(odd, 0, -1, 1), take(xs, 2, None, 2))
        else:
            even = combine(odd, take(xs, 2, None, 2))
        even = [lax.concatenate([lax.slice_in_dim(x, 0, 1, 1, axis), e], axis) for x, e in zip(xs, even)]
        return [interleave(e, o) for e, o in zip(even, odd)]

    del n
    out = scan_rec(flat)
    if reverse:
        out = [lax.rev(x, (axis,)) for x in out]
    return tree_util.tree_unflatten(tree, out)


__all__ = ["cond", "switch", "while_loop", "fori_loop", "scan", "map", "associative_scan",
           "cond_p", "while_p", "scan_p"]
