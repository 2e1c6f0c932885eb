"""The user-facing transformations: jvp, linearize, vjp, grad, jacobians, hessian."""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from jax_core import dtypes, lax, tree_util
from jax_core.core import Array, Tracer, get_aval, new_trace, transform_hooks
from jax_core.jaxpr import ClosedJaxpr, eval_jaxpr

from jax_ad.jvp import JVPTrace, JVPTracer, _lower_out, jvp_flat
from jax_ad.partial_eval import PartialEvalTrace
from jax_ad.transpose import UndefinedPrimal, backward_pass
from jax_ad.zeros import Zero, float0, instantiate, is_differentiable_dtype, is_float0, tangent_aval

# --------------------------------------------------------------------------
# helpers


def _fun_name(f: Any) -> str:
    return getattr(f, "__name__", type(f).__name__)


def _as_value(x: Any) -> Any:
    """Canonicalize a leaf: NumPy values and Python scalars become Arrays."""
    if isinstance(x, (Tracer, Array)):
        return x
    if isinstance(x, (bool, int, float, complex)):
        return Array._from_numpy(np.asarray(x, dtypes.dtype(x)), dtypes.is_weakly_typed(x))
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype == float0:
            return x
        return Array(x)
    get_aval(x)  # raises a clear TypeError for non-JAX types
    return x


def _check_tangent_matches(p: Any, t: Any) -> Any:
    p_aval = get_aval(p)
    if is_float0(t):
        if is_differentiable_dtype(p_aval.dtype):
            raise TypeError(
                "primal and tangent arguments to jax.jvp do not match; dtypes must be equal, or in case of "
                f"int/bool primal dtype the tangent dtype must be float0. Got primal dtype "
                f"{p_aval.dtype.name} and so expected tangent dtype {p_aval.dtype.name}, but got tangent "
                "dtype float0 instead.")
        if np.shape(t) != p_aval.shape:
            raise ValueError(
                "jvp called with different primal and tangent shapes; Got primal shape "
                f"{p_aval.shape} and tangent shape as {np.shape(t)}")
        return Zero(tangent_aval(p_aval))
    t = _as_value(t)
    t_aval = get_aval(t)
    if t_aval.shape != p_aval.shape:
        raise ValueError(
            "jvp called with different primal and tangent shapes; Got primal shape "
            f"{p_aval.shape} and tangent shape as {t_aval.shape}")
    expected = tangent_aval(p_aval).dtype
    if t_aval.dtype != expected:
        raise TypeError(
            "primal and tangent arguments to jax.jvp do not match; dtypes must be equal, or in case of "
            f"int/bool primal dtype the tangent dtype must be float0. Got primal dtype {p_aval.dtype.name} "
            f"and so expected tangent dtype {np.dtype(expected).name if expected != float0 else 'float0'}, "
            f"but got tangent dtype {t_aval.dtype.name} instead.")
    if not is_differentiable_dtype(p_aval.dtype):
        return Zero(tangent_aval(p_aval))
    return t


def _split_aux(out: Any, has_aux: bool, what: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{what} with has_aux=True requires the function to return a pair (output, aux); "
                        f"got {type(out).__name__}")
    return out[0], out[1]


def _strip_aux(trace: Any, aux: Any) -> Any:
    """Aux outputs are returned as primal values, without derivatives."""

    def strip(x: Any) -> Any:
        while isinstance(x, JVPTracer) and x._trace is trace:
            x = x.primal
        return x

    return tree_util.tree_map(strip, aux)


# --------------------------------------------------------------------------
# jvp


def jvp(fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    """``(fun(*primals), d fun(primals) . tangents)``, plus aux when ``has_aux``."""
    if not isinstance(primals, (tuple, list)):
        raise TypeError("primal and tangent arguments to jax.jvp must be tuples or lists; found "
                        f"{type(primals).__name__}.")
    if not isinstance(tangents, (tuple, list)):
        raise TypeError("primal and tangent arguments to jax.jvp must be tuples or lists; found "
                        f"{type(tangents).__name__}.")
    ps_flat, tree_def = tree_util.tree_flatten(tuple(primals))
    ts_flat, tree_def_2 = tree_util.tree_flatten(tuple(tangents))
    if tree_def != tree_def_2:
        raise TypeError("primal and tangent arguments to jax.jvp must have the same tree structure; "
                        f"primals have tree structure {tree_def} whereas tangents have tree structure "
                        f"{tree_def_2}.")
    ps_flat = [_as_value(p) for p in ps_flat]
    ts_flat = [_check_tangent_matches(p, t) for p, t in zip(ps_flat, ts_flat)]
    out_store: dict[str, Any] = {}

    def flat_fun(*xs: Any) -> list:
        out = fun(*tree_util.tree_unflatten(tree_def, xs))
        out, aux = _split_aux(out, has_aux, "jvp")
        leaves, out_tree = tree_util.tree_flatten(out)
        out_store["tree"] = out_tree
        if has_aux:
            out_store["aux"] = aux
        return leaves

    p_out, t_out = _jvp_with_aux(flat_fun, ps_flat, ts_flat, out_store)
    out_tree = out_store["tree"]
    primal_out = tree_util.tree_unflatten(out_tree, p_out)
    tangent_out = tree_util.tree_unflatten(out_tree, [instantiate(t) for t in t_out])
    if has_aux:
        return primal_out, tangent_out, out_store["aux"]
    return primal_out, tangent_out


def _jvp_with_aux(flat_fun: Callable, primals: list, tangents: list, out_store: dict) -> tuple[list, list]:
    trace = JVPTrace()
    with new_trace(trace):
        ins = [p if type(t) is Zero else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
        outs = flat_fun(*ins)
        pairs = [_lower_out(trace, o) for o in outs]
        if "aux" in out_store:
            out_store["aux"] = _strip_aux(trace, out_store["aux"])
    return [p for p, _ in pairs], [t for _, t in pairs]


# --------------------------------------------------------------------------
# linearize


class _Linearized:
    """The result of linearizing a flat function at a point."""

    def __init__(self, primals_out: list, jaxpr: ClosedJaxpr, in_avals: list, lin_in: list[bool],
                 out_avals: list, out_nonzero: list[bool]):
        self.primals_out = primals_out
        self.jaxpr = jaxpr
        self.in_avals = in_avals          # avals of all primal inputs
        self.lin_in = lin_in              # which inputs are jaxpr invars (differentiable ones)
        self.out_avals = out_avals
        self.out_nonzero = out_nonzero    # which outputs are jaxpr outvars

    def with_consts(self, consts: Sequence[Any]) -> "_Linearized":
        return _Linearized(self.primals_out, ClosedJaxpr(self.jaxpr.jaxpr, list(consts)), self.in_avals,
                           self.lin_in, self.out_avals, self.out_nonzero)

    def jvp(self, tangents: Sequence[Any]) -> list:
        lin_tangents = [t for t, lin in zip(tangents, self.lin_in) if lin]
        outs = eval_jaxpr(self.jaxpr.jaxpr, self.jaxpr.consts, *lin_tangents)
        it = iter(outs)
        return [next(it) if nz else instantiate(Zero(tangent_aval(a)))
                for a, nz in zip(self.out_avals, self.out_nonzero)]

    def vjp(self, cts: Sequence[Any]) -> list:
        """Cotangents of the inputs (float0 zeros for integer inputs)."""
        args = [UndefinedPrimal(tangent_aval(a)) for a, lin in zip(self.in_avals, self.lin_in) if lin]
        lin_cts = [ct for ct, nz in zip(cts, self.out_nonzero) if nz]
        cts_in = backward_pass(self.jaxpr.jaxpr, self.jaxpr.consts, args, lin_cts)
        it = iter(cts_in)
        return [instantiate(next(it)) if lin else np.zeros(a.shape, float0)
                for a, lin in zip(self.in_avals, self.lin_in)]


def linearize_flat(flat_fun: Callable[..., Sequence[Any]], primals: Sequence[Any],
                   aux_store: dict | None = None) -> _Linearized:
    """JVP ``flat_fun`` at ``primals`` with the tangents left unknown (staged)."""
    in_avals = [get_aval(p) for p in primals]
    lin_in = [is_differentiable_dtype(a.dtype) for a in in_avals]
    pe = PartialEvalTrace()
    with new_trace(pe):
        tangents: list[Any] = [pe.new_arg(tangent_aval(a)) if lin else Zero(tangent_aval(a))
                               for a, lin in zip(in_avals, lin_in)]
        trace = JVPTrace()
        with new_trace(trace):
            ins = [p if type(t) is Zero else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
            outs = flat_fun(*ins)
            pairs = [_lower_out(trace, o) for o in outs]
            if aux_store is not None and "aux" in aux_store:
                aux_store["aux"] = _strip_aux(trace, aux_store["aux"])
        primals_out = [p for p, _ in pairs]
        for p in primals_out:
            if pe.is_unknown(p):
                raise NotImplementedError(
                    "linearize: a primal output depends on the tangents (a primitive's JVP rule mixed "
                    "primal and tangent computation in one operation that partial evaluation cannot split)")
        out_nonzero = [type(t) is not Zero and not is_float0(t) for _, t in pairs]
        lin_outs = [t for (_, t), nz in zip(pairs, out_nonzero) if nz]
        jaxpr = pe.to_jaxpr(lin_outs)
    if aux_store is not None and "aux" in aux_store:
        for leaf in tree_util.tree_leaves(aux_store["aux"]):
            if pe.is_unknown(leaf):
                raise TypeError("linearize/vjp: an aux output depends on the tangents")
    out_avals = [get_aval(p) for p in primals_out]
    return _Linearized(primals_out, jaxpr, in_avals, lin_in, out_avals, out_nonzero)


def linearize(fun: Callable, *primals: Any, has_aux: bool = False) -> Any:
    """``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)`` evaluates the linearization."""
    ps_flat, in_tree = tree_util.tree_flatten(primals)
    ps_flat = [_as_value(p) for p in ps_flat]
    store: dict[str, Any] = {}
    flat_fun = _flatten_fun(fun, in_tree, store, has_aux, "linearize")
    lin = linearize_flat(flat_fun, ps_flat, store)
    out_tree = store["tree"]
    primal_out = tree_util.tree_unflatten(out_tree, lin.primals_out)

    def f_jvp(*tangents: Any) -> Any:
        ts_flat, t_tree = tree_util.tree_flatten(tangents)
        if t_tree != in_tree:
            raise TypeError(f"linearized function called on tangent values inconsistent with the original "
                            f"primal values: got tangent tree {t_tree} for primal tree {in_tree}.")
        checked = [_check_tangent_matches(p, t) for p, t in zip(ps_flat, ts_flat)]
        ts = [instantiate(t) for t in checked]
        return tree_util.tree_unflatten(out_tree, lin.jvp(ts))

    if has_aux:
        return primal_out, f_jvp, store["aux"]
    return primal_out, f_jvp


def _flatten_fun(fun: Callable, in_tree: Any, store: dict, has_aux: bool, what: str) -> Callable[..., list]:
    def flat_fun(*xs: Any) -> list:
        out = fun(*tree_util.tree_unflatten(in_tree, xs))
        out, aux = _split_aux(out, has_aux, what)
        leaves, out_tree = tree_util.tree_flatten(out)
        store["tree"] = out_tree
        if has_aux:
            store["aux"] = aux
        return leaves

    return flat_fun


# --------------------------------------------------------------------------
# vjp


def vjp(fun: Callable, *primals: Any, has_aux: bool = False) -> Any:
    """``(fun(*primals), vjp_fun)``: ``vjp_fun(ct)`` pulls an output cotangent back to the inputs."""
    ps_flat, in_tree = tree_util.tree_flatten(primals)
    ps_flat = [_as_value(p) for p in ps_flat]
    store: dict[str, Any] = {}
    flat_fun = _flatten_fun(fun, in_tree, store, has_aux, "vjp")
    lin = linearize_flat(flat_fun, ps_flat, store)
    out_tree = store["tree"]
    primal_out = tree_util.tree_unflatten(out_tree, lin.primals_out)
    # A Partial whose leaves are the residuals: it can cross jit boundaries like JAX's.
    template = lin.with_consts([])
    template.primals_out = []

    def unbound_pullback(*res_and_ct: Any) -> Any:
        *res, ct = res_and_ct
        return _vjp_pullback(template.with_consts(res), in_tree, out_tree, ct)

    vjp_fun = tree_util.Partial(unbound_pullback, *lin.jaxpr.consts)
    if has_aux:
        return primal_out, vjp_fun, store["aux"]
    return primal_out, vjp_fun


def _vjp_pullback(lin: _Linearized, in_tree: Any, out_tree: Any, ct: Any) -> Any:
    ct_flat, ct_tree = tree_util.tree_flatten(ct)
    if ct_tree != out_tree:
        raise TypeError(f"Tree structure of cotangent input {ct_tree}, does not match structure of "
                        f"primal output {out_tree}.")
    cts = []
    for c, aval in zip(ct_flat, lin.out_avals):
        expected = tangent_aval(aval)
        if is_float0(c) or not is_differentiable_dtype(aval.dtype):
            cts.append(Zero(expected))
            continue
        c = _as_value(c)
        c_aval = get_aval(c)
        if c_aval.shape != expected.shape or c_aval.dtype != expected.dtype:
            raise ValueError(
                f"Type of cotangent input to vjp pullback function ({c_aval.str_short()}) is not the "
                f"expected tangent type ({expected.str_short()}) of corresponding primal output with shape "
                f"{aval.shape} and dtype {aval.dtype.name}.")
        cts.append(c)
    return tree_util.tree_unflatten(in_tree, lin.vjp(cts))


# --------------------------------------------------------------------------
# grad and value_and_grad


def _normalize_argnums(argnums: Any, nargs: int, fname: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not isinstance(a, int) or isinstance(a, bool):
            raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
    if not nums:
        raise ValueError("argnums must be a non-empty int or tuple of ints")
    max_argnum = max(nums) if max(nums) >= 0 else -1
    min_argnum = min(nums)
    if max_argnum >= nargs or min_argnum < -nargs:
        raise TypeError(
            f"differentiating with respect to argnums={argnums} requires at least "
            f"{max(max_argnum + 1, -min_argnum)} positional arguments to be passed by the caller, but got "
            f"only {nargs} positional arguments.")
    return tuple(a % nargs for a in nums)


def _check_input_dtype(what: str, holomorphic: bool, allow_int: bool, x: Any) -> None:
    aval = get_aval(x)
    dt = aval.dtype
    if holomorphic:
        if not dtypes.is_complex_dtype(dt):
            raise TypeError(f"{what} with holomorphic=True requires inputs with complex dtype, but got "
                            f"{dt.name}.")
        return
    if dtypes.is_inexact_dtype(dt):
        if what in ("jacfwd",) and dtypes.is_complex_dtype(dt):
            raise TypeError(
                f"jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), but "
                f"got {dt.name}. For holomorphic differentiation, pass holomorphic=True. For "
                "differentiation of non-holomorphic functions involving complex inputs or integer inputs, "
                "use jax.jvp directly.")
        return
    if what == "jacfwd":
        raise TypeError(
            f"jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), but got "
            f"{dt.name}. For holomorphic differentiation, pass holomorphic=True. For differentiation of "
            "non-holomorphic functions involving complex inputs or integer inputs, use jax.jvp directly.")
    if allow_int:
        return
    if dtypes.is_int_dtype(dt) or dtypes.is_bool_dtype(dt):
        raise TypeError(
            f"{what} requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), "
            f"but got {dt.name}. If you want to use Boolean- or integer-valued inputs, use vjp or set "
            "allow_int to True.")
    raise TypeError(f"{what} requires numerical-valued inputs (input dtype that is a sub-dtype of np.bool_ "
                    f"or np.number), but got {dt.name}.")


def _check_scalar(x: Any) -> None:
    msg = "Gradient only defined for scalar-output functions. Output {}."
    try:
        aval = get_aval(x)
    except TypeError as e:
        raise TypeError(msg.format(f"was {x!r}")) from e
    if aval.shape != ():
        raise TypeError(msg.format(f"had shape: {aval.shape}"))


def _check_output_dtype(what: str, holomorphic: bool, x: Any) -> None:
    dt = get_aval(x).dtype
    if holomorphic:
        if not dtypes.is_complex_dtype(dt):
            raise TypeError(f"{what} with holomorphic=True requires outputs with complex dtype, but got "
                            f"{dt.name}.")
        return
    if dtypes.is_complex_dtype(dt):
        raise TypeError(
            f"{what} requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
            f"{dt.name}. For holomorphic differentiation, pass holomorphic=True. For differentiation of "
            "non-holomorphic functions involving complex outputs, use jax.vjp directly.")
    if not dtypes.is_float_dtype(dt):
        raise TypeError(
            f"{what} requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
            f"{dt.name}. For differentiation of functions with integer outputs, use jax.vjp directly.")


def _dyn_args_fun(fun: Callable, args: tuple, kwargs: dict, argnums: tuple[int, ...]) -> tuple[Callable, tuple]:
    """``fun`` as a function of the arguments at ``argnums`` only, and those arguments."""
    dyn = tuple(args[i] for i in argnums)

    def f_partial(*dyn_args: Any) -> Any:
        full = list(args)
        for i, a in zip(argnums, dyn_args):
            full[i] = a
        return fun(*full, **kwargs)

    return f_partial, dyn


def value_and_grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False, allow_int: bool = False, reduce_axes: Sequence[Any] = ()
                   ) -> Callable:
    """A function returning ``(fun(*args), grad(fun)(*args))``."""
    if reduce_axes:
        raise NotImplementedError("reduce_axes is not supported (it was removed from JAX)")
    fname = _fun_name(fun)

    @functools.wraps(fun)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums = _normalize_argnums(argnums, len(args), fname)
        f_partial, dyn_args = _dyn_args_fun(fun, args, kwargs, nums)
        for leaf in tree_util.tree_leaves(dyn_args):
            _check_input_dtype("grad", holomorphic, allow_int, leaf)
        if has_aux:
            ans, vjp_py, aux = vjp(f_partial, *dyn_args, has_aux=True)
        else:
            ans, vjp_py = vjp(f_partial, *dyn_args)
        _check_scalar(ans)
        _check_output_dtype("grad", holomorphic, ans)
        ct = lax.full((), 1, get_aval(ans).dtype)
        g = vjp_py(ct)
        g = g[0] if isinstance(argnums, int) else g
        if has_aux:
            return (ans, aux), g
        return ans, g

    return value_and_grad_f


def grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False,
         allow_int: bool = False, reduce_axes: Sequence[Any] = ()) -> Callable:
    """The gradient of scalar-valued ``fun`` with respect to the arguments at ``argnums``."""
    vg = value_and_grad(fun, argnums, has_aux=has_aux, holomorphic=holomorphic, allow_int=allow_int,
                        reduce_axes=reduce_axes)

    @functools.wraps(fun)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        _, g = vg(*args, **kwargs)
        return g

    return grad_f


# --------------------------------------------------------------------------
# Jacobians


def _std_basis(leaves: Sequence[Any]) -> tuple[int, list]:
    """Rows of the identity over all leaves: one (N, *leaf.shape) array per leaf."""
    sizes = [get_aval(x).size for x in leaves]
    n = int(sum(sizes))
    dts = [get_aval(x).dtype for x in leaves]
    eye = np.eye(n)
    out = []
    start = 0
    for x, s, dt in zip(leaves, sizes, dts):
        block = eye[:, start:start + s].reshape((n,) + get_aval(x).shape)
        out.append(Array(block.astype(tangent_aval(get_aval(x)).dtype if is_differentiable_dtype(dt) else dt)))
        start += s
    return n, out


def _stack_rows(rows: Sequence[Any]) -> Any:
    """Stack equally shaped arrays along a new leading axis (works under any trace)."""
    aval = get_aval(rows[0])
    expanded = [lax.broadcast_in_dim(r, (1,) + aval.shape, tuple(range(1, aval.ndim + 1))) for r in rows]
    if len(expanded) == 1:
        return expanded[0]
    return lax.concatenate(expanded, 0)


def _batched(f: Callable[[list], list], basis: list, n: int) -> list:
    """Apply ``f`` (list of rows -> list of outputs) to each of the ``n`` basis rows; stack on axis 0."""
    vmap = transform_hooks.vmap
    if vmap is not None:
        return list(vmap(lambda *b: f(list(b)), in_axes=0, out_axes=0)(*basis))
    per_row = [f([b[i] for b in basis]) for i in range(n)]
    if n == 0:
        raise ValueError("cannot take a Jacobian with respect to zero-size inputs without jax-batching")
    return [_stack_rows([row[k] for row in per_row]) for k in range(len(per_row[0]))]


def _moveaxis0_to_end(x: Any) -> Any:
    nd = get_aval(x).ndim
    if nd <= 1:
        return x
    return lax.transpose(x, tuple(range(1, nd)) + (0,))


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """The Jacobian of ``fun`` by forward mode (one JVP per input basis vector, vectorized)."""
    fname = _fun_name(fun)

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        nums = _normalize_argnums(argnums, len(args), fname)
        f_partial, dyn_args = _dyn_args_fun(fun, args, kwargs, nums)
        in_leaves, in_tree = tree_util.tree_flatten(dyn_args)
        in_leaves = [_as_value(x) for x in in_leaves]
        for leaf in in_leaves:
            _check_input_dtype("jacfwd", holomorphic, False, leaf)
        store: dict[str, Any] = {}
        flat_fun = _flatten_fun(f_partial, in_tree, store, has_aux, "jacfwd")
        y = list(flat_fun(*in_leaves))
        out_tree = store["tree"]
        aux = store.get("aux")
        no_aux_store: dict[str, Any] = {}
        flat_fun_no_aux = _flatten_fun(f_partial, in_tree, no_aux_store, has_aux, "jacfwd")

        def pushfwd(tangent_rows: list) -> list:
            _, t_out = jvp_flat(lambda *xs: _drop_aux(flat_fun_no_aux, no_aux_store, xs), in_leaves,
                                list(tangent_rows))
            return [instantiate(t) for t in t_out]

        n, basis = _std_basis(in_leaves)
        jac_stacked = _batched(pushfwd, basis, n)  # each: (N, *out_shape)
        jac_in_tree = tree_util.tree_structure(dyn_args[0]) if isinstance(argnums, int) else in_tree
        # split the N axis per input leaf and move it last: out_shape + in_shape
        jac_leaves = []
        for y_leaf, jst in zip(y, jac_stacked):
            y_shape = get_aval(y_leaf).shape
            per_in = []
            start = 0
            for x in in_leaves:
                xa = get_aval(x)
                piece = lax.slice_in_dim(jst, start, start + xa.size, axis=0) if len(in_leaves) > 1 else jst
                start += xa.size
                piece = lax.reshape(_moveaxis0_to_end(piece), y_shape + xa.shape)
                per_in.append(piece)
            jac_leaves.append(tree_util.tree_unflatten(jac_in_tree, per_in))
        jac = tree_util.tree_unflatten(out_tree, jac_leaves)
        if has_aux:
            return jac, aux
        return jac

    return jacfun


def _drop_aux(flat_fun: Callable, store: dict, xs: Sequence[Any]) -> list:
    return list(flat_fun(*xs))


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False, allow_int: bool = False) -> Callable:
    """The Jacobian of ``fun`` by reverse mode (one VJP per output basis vector, vectorized)."""
    fname = _fun_name(fun)

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        nums = _normalize_argnums(argnums, len(args), fname)
        f_partial, dyn_args = _dyn_args_fun(fun, args, kwargs, nums)
        in_leaves, in_tree = tree_util.tree_flatten(dyn_args)
        in_leaves = [_as_value(x) for x in in_leaves]
        for leaf in in_leaves:
            _check_input_dtype("jacrev", holomorphic, allow_int, leaf)
        store: dict[str, Any] = {}
        flat_fun = _flatten_fun(f_partial, in_tree, store, has_aux, "jacrev")
        lin = linearize_flat(flat_fun, in_leaves, store)
        out_tree = store["tree"]
        y = lin.primals_out
        for leaf in y:
            _check_output_dtype_jacrev(holomorphic, leaf)
        n, basis = _std_basis(y)

        def pullback(ct_rows: list) -> list:
            return lin.vjp(list(ct_rows))

        aux = store.get("aux")
        jac_stacked = _batched(pullback, basis, n)  # per input leaf: (N_out, *in_shape)
        jac_in_tree = tree_util.tree_structure(dyn_args[0]) if isinstance(argnums, int) else in_tree
        # split N_out per output leaf: out_shape + in_shape
        jac_leaves = []
        start = 0
        for y_leaf in y:
            ya = get_aval(y_leaf)
            per_in = []
            for x, jst in zip(in_leaves, jac_stacked):
                xa = get_aval(x)
                piece = lax.slice_in_dim(jst, start, start + ya.size, axis=0) if len(y) > 1 else jst
                per_in.append(lax.reshape(piece, ya.shape + xa.shape))
            start += ya.size
            jac_leaves.append(tree_util.tree_unflatten(jac_in_tree, per_in))
        jac = tree_util.tree_unflatten(out_tree, jac_leaves)
        if has_aux:
            return jac, aux
        return jac

    return jacfun


def _check_output_dtype_jacrev(holomorphic: bool, x: Any) -> None:
    dt = get_aval(x).dtype
    if holomorphic:
        if not dtypes.is_complex_dtype(dt):
            raise TypeError(f"jacrev with holomorphic=True requires outputs with complex dtype, but got "
                            f"{dt.name}.")
    elif dtypes.is_complex_dtype(dt):
        raise TypeError(
            f"jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
            f"{dt.name}. For holomorphic differentiation, pass holomorphic=True. For differentiation of "
            "non-holomorphic functions involving complex outputs, use jax.vjp directly.")
    elif not dtypes.is_float_dtype(dt):
        raise TypeError(
            f"jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
            f"{dt.name}. For differentiation of functions with integer outputs, use jax.vjp directly.")


jacobian = jacrev


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable:
    """The Hessian of scalar-valued ``fun``: ``jacfwd(jacrev(fun))``."""
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)
