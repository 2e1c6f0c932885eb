"""Optimizers as ``(init_fun, update_fun, get_params)`` triples over pytrees.

``init_fun(params)`` gives an :class:`OptimizerState`; ``update_fun(step,
grads, state)`` the next state; ``get_params(state)`` the parameters.  An
optimizer is written for a single array with the :func:`optimizer`
decorator, which lifts it to pytrees of arrays.  States are pytrees, so they
pass through ``jit`` and can be packed to plain nested lists for saving.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from jax_core import lax
from jax_core import tree_util
from jax_core.core import get_aval
from jax_core.tree_util import register_pytree_node, tree_flatten, tree_map, tree_unflatten

Step = int
Schedule = Callable[[Step], Any]


class Optimizer(NamedTuple):
    init_fn: Callable[[Any], Any]
    update_fn: Callable[[Step, Any, Any], Any]
    params_fn: Callable[[Any], Any]


OptimizerState = namedtuple("OptimizerState", ["packed_state", "tree_def", "subtree_defs"])
register_pytree_node(
    OptimizerState,
    lambda s: ((s.packed_state,), (s.tree_def, s.subtree_defs)),
    lambda aux, children: OptimizerState(list(children)[0], *aux),
)


def optimizer(opt_maker: Callable[..., tuple[Callable, Callable, Callable]]) -> Callable[..., Optimizer]:
    """Lift an optimizer written for one array to one over pytrees of arrays.

    ``opt_maker(*args)`` returns ``(init, update, get_params)`` where ``init``
    maps an array to a (pytree) state, ``update(step, grad, state)`` gives the
    new state and ``get_params(state)`` the array.
    """

    def tree_opt_maker(*args: Any, **kwargs: Any) -> Optimizer:
        init, update, get_params = opt_maker(*args, **kwargs)

        def tree_init(x0_tree: Any) -> OptimizerState:
            x0_flat, tree = tree_flatten(x0_tree)
            initial_states = [init(x0) for x0 in x0_flat]
            states_flat, subtrees = zip(*[tree_flatten(s) for s in initial_states]) if initial_states else ((), ())
            return OptimizerState(list(states_flat), tree, tuple(subtrees))

        def tree_update(i: Step, grad_tree: Any, opt_state: OptimizerState) -> OptimizerState:
            states_flat, tree, subtrees = opt_state
            grad_flat, tree2 = tree_flatten(grad_tree)
            if tree2 != tree:
                raise TypeError(
                    "optimizer update function was passed a gradient tree that did not match the "
                    f"parameter tree structure with which it was initialized: parameter tree {tree} "
                    f"and grad tree {tree2}.")
            states = [tree_unflatten(s, st) for s, st in zip(subtrees, states_flat)]
            new_states = [update(i, g, st) for g, st in zip(grad_flat, states)]
            new_flat, subtrees2 = zip(*[tree_flatten(s) for s in new_states]) if new_states else ((), ())
            for st, st2 in zip(subtrees, subtrees2):
                if st2 != st:
                    raise TypeError(f"optimizer update function produced an output structure that did not "
                                    f"match its input structure: input {st} and output {st2}.")
            return OptimizerState(list(new_flat), tree, subtrees)

        def tree_get_params(opt_state: OptimizerState) -> Any:
            states_flat, tree, subtrees = opt_state
            states = [tree_unflatten(s, st) for s, st in zip(subtrees, states_flat)]
            return tree_unflatten(tree, [get_params(s) for s in states])

        return Optimizer(tree_init, tree_update, tree_get_params)

    tree_opt_maker.__name__ = getattr(opt_maker, "__name__", "optimizer")
    tree_opt_maker.__doc__ = opt_maker.__doc__
    return tree_opt_maker


# ---------------------------------------------------------------------------
# array helpers built from lax (jax-core only)


def _zeros_like(x: Any) -> Any:
    return lax.full_like(x, 0)


def _sqrt(x: Any) -> Any:
    return lax.sqrt(x)


def _abs(x: Any) -> Any:
    return lax.abs(x)


def _maximum(x: Any, y: Any) -> Any:
    x, y = _promote(x, y)
    return lax.max(x, y)


def _promote(x: Any, y: Any) -> list:
    from jax_core.array_methods import promote_args

    return promote_args("optimizers", x, y)


# ---------------------------------------------------------------------------
# optimizers


@optimizer
def sgd(step_size: float | Schedule) -> tuple[Callable, Callable, Callable]:
    """Stochastic gradient descent."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0

    def update(i: Step, g: Any, x: Any) -> Any:
        return x - step_size(i) * g

    def get_params(x: Any) -> Any:
        return x

    return init, update, get_params


@optimizer
def momentum(step_size: float | Schedule, mass: float) -> tuple[Callable, Callable, Callable]:
    """Gradient descent with heavy-ball momentum."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * velocity, velocity

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def nesterov(step_size: float | Schedule, mass: float) -> tuple[Callable, Callable, Callable]:
    """Gradient descent with Nesterov momentum."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * (mass * velocity + g), velocity

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def adagrad(step_size: float | Schedule, momentum: float = 0.9) -> tuple[Callable, Callable, Callable]:
    """Adagrad (Duchi et al. 2011), with momentum."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        g_sq = _zeros_like(x0)
        m = _zeros_like(x0)
        return x0, g_sq, m

    def update(i: Step, g: Any, state: Any) -> Any:
        x, g_sq, m = state
        g_sq = g_sq + g * g
        g_sq_inv_sqrt = lax.select(g_sq > 0, 1.0 / _sqrt(lax.select(g_sq > 0, g_sq, lax.full_like(g_sq, 1))),
                                   _zeros_like(g_sq))
        m = (1.0 - momentum) * (g * g_sq_inv_sqrt) + momentum * m
        return x - step_size(i) * m, g_sq, m

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def rmsprop(step_size: float | Schedule, gamma: float = 0.9, eps: float = 1e-8) -> tuple[Callable, Callable, Callable]:
    """RMSProp (Tieleman and Hinton 2012)."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, avg_sq_grad = state
        avg_sq_grad = avg_sq_grad * gamma + g * g * (1.0 - gamma)
        return x - step_size(i) * g / _sqrt(avg_sq_grad + eps), avg_sq_grad

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def rmsprop_momentum(step_size: float | Schedule, gamma: float = 0.9, eps: float = 1e-8,
                     momentum: float = 0.9) -> tuple[Callable, Callable, Callable]:
    """RMSProp with momentum (Graves 2013)."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0), _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, avg_sq_grad, mom = state
        avg_sq_grad = avg_sq_grad * gamma + g * g * (1.0 - gamma)
        mom = momentum * mom + step_size(i) * g / _sqrt(avg_sq_grad + eps)
        return x - mom, avg_sq_grad, mom

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def adam(step_size: float | Schedule, b1: float = 0.9, b2: float = 0.999,
         eps: float = 1e-8) -> tuple[Callable, Callable, Callable]:
    """Adam (Kingma and Ba 2014)."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0), _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g * g) + b2 * v
        t = _as_float(i) + 1.0
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        return x - step_size(i) * mhat / (_sqrt(vhat) + eps), m, v

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def adamax(step_size: float | Schedule, b1: float = 0.9, b2: float = 0.999,
           eps: float = 1e-8) -> tuple[Callable, Callable, Callable]:
    """AdaMax, the infinity-norm variant of Adam."""
    step_size = make_schedule(step_size)

    def init(x0: Any) -> Any:
        return x0, _zeros_like(x0), _zeros_like(x0)

    def update(i: Step, g: Any, state: Any) -> Any:
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = _maximum(b2 * u, _abs(g))
        t = _as_float(i) + 1.0
        return x - (step_size(i) / (1 - b1 ** t)) * m / (u + eps), m, u

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


@optimizer
def sm3(step_size: float | Schedule, momentum: float = 0.9) -> tuple[Callable, Callable, Callable]:
    """SM3 (Anil et al. 2019): memory-efficient adaptive rates, one accumulator per axis."""
    step_size = make_schedule(step_size)

    def broadcast_into(ndim: int, x: Any, axis: int) -> Any:
        shape = [1] * ndim
        shape[axis] = get_aval(x).shape[0]
        return lax.reshape(x, tuple(shape))

    def init(x0: Any) -> Any:
        x_shape = get_aval(x0).shape
        x0 = _as_array(x0)
        vs = [lax.full((d,), 0, get_aval(x0).dtype) for d in x_shape]
        return x0, _zeros_like(x0), vs

    def update(i: Step, g: Any, state: Any) -> Any:
        x, m, vs = state
        nd = get_aval(g).ndim
        vs_b = [broadcast_into(nd, v, k) for k, v in enumerate(vs)]
        accum = g * g
        if vs_b:
            acc = vs_b[0]
            for v in vs_b[1:]:
                acc = _maximum(acc, v)
            accum = acc + accum
        accum_inv_sqrt = lax.select(accum > 0, 1.0 / _sqrt(lax.select(accum > 0, accum, lax.full_like(accum, 1))),
                                    _zeros_like(accum))
        m = (1.0 - momentum) * (accum_inv_sqrt * g) + momentum * m
        x = x - step_size(i) * m
        new_vs = [lax.reduce_max(accum, tuple(a for a in range(nd) if a != k)) for k in range(nd)]
        return x, m, new_vs

    def get_params(state: Any) -> Any:
        return state[0]

    return init, update, get_params


def _as_float(i: Any) -> Any:
    if isinstance(i, (int, np.integer)):
        return float(i)
    return lax.convert_element_type(i, np.float32)


def _as_array(x: Any) -> Any:
    from jax_core.core import Array

    if isinstance(x, (int, float, np.ndarray, np.generic)):
        return Array(np.asarray(x, np.float32 if isinstance(x, (int, float)) else None))
    return x


# ---------------------------------------------------------------------------
# learning-rate schedules


def constant(step_size: float) -> Schedule:
    def schedule(i: Step) -> Any:
        return step_size

    return schedule


def exponential_decay(step_size: float, decay_steps: float, decay_rate: float) -> Schedule:
    def schedule(i: Step) -> Any:
        return step_size * decay_rate ** (_as_float(i) / decay_steps)

    return schedule


def inverse_time_decay(step_size: float, decay_steps: float, decay_rate: float, staircase: bool = False) -> Schedule:
    if staircase:
        def schedule(i: Step) -> Any:
            t = _as_float(i) / decay_steps
            t = lax.floor(t) if not isinstance(t, float) else float(np.floor(t))
            return step_size / (1 + decay_rate * t)
    else:
        def schedule(i: Step) -> Any:
            return step_size / (1 + decay_rate * _as_float(i) / decay_steps)

    return schedule


def polynomial_decay(step_size: float, decay_steps: int, final_step_size: float, power: float = 1.0) -> Schedule:
    def schedule(step_num: Step) -> Any:
        s = _as_float(step_num)
        if isinstance(s, float):
            s = min(s, decay_steps)
        else:
            s = lax.min(s, lax.full_like(s, decay_steps))
        step_mult = (1 - s / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size

    return schedule


def piecewise_constant(boundaries: Any, values: Any) -> Schedule:
    boundaries = np.asarray(boundaries)
    values = np.asarray(values)
    if not boundaries.ndim == values.ndim == 1:
        raise ValueError("boundaries and values must be sequences")
    if not boundaries.shape[0] == values.shape[0] - 1:
        raise ValueError("boundaries length must be one shorter than values length")

    def schedule(i: Step) -> Any:
        if isinstance(i, (int, np.integer)):
            return values[int(np.sum(i > boundaries))]
        idx = lax.reduce_sum(lax.convert_element_type(
            lax.gt(lax.broadcast_in_dim(lax.convert_element_type(i, np.int32), boundaries.shape, ()),
                   boundaries.astype(np.int32)), np.int32), (0,))
        return lax.dynamic_index_in_dim(values.astype(np.float32), idx, 0, keepdims=False)

    return schedule


def make_schedule(scalar_or_schedule: float | Schedule) -> Schedule:
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    if np.ndim(scalar_or_schedule) == 0:
        return constant(scalar_or_schedule)  # type: ignore[arg-type]
    raise TypeError(f"step size must be a scalar or a schedule function, got {type(scalar_or_schedule)}")


# ---------------------------------------------------------------------------
# utilities


def l2_norm(tree: Any) -> Any:
    """The l2 norm of a pytree of arrays, as if they were one flat vector."""
    leaves = tree_util.tree_leaves(tree)
    total = None
    for x in leaves:
        x = _as_array(x)
        s = lax.reduce_sum(x * x, tuple(range(get_aval(x).ndim)))
        total = s if total is None else total + s
    if total is None:
        return 0.0
    return lax.sqrt(total)


def clip_grads(grad_tree: Any, max_norm: float) -> Any:
    """Rescale a gradient pytree so its l2 norm is at most ``max_norm``."""
    norm = l2_norm(grad_tree)

    def normalize(g: Any) -> Any:
        scale = lax.select(norm < max_norm, lax.full_like(norm, 1), max_norm / norm)
        return g * scale

    return tree_map(normalize, grad_tree)


class JoinPoint:
    """Marks where a subtree of the optimizer state joins the parameter tree."""

    def __init__(self, subtree: Any):
        self.subtree = subtree

    def __iter__(self) -> Any:
        yield self.subtree


def unpack_optimizer_state(opt_state: OptimizerState) -> Any:
    """Convert an OptimizerState to a marked pytree of plain containers (for saving)."""
    states_flat, tree_def, subtree_defs = opt_state
    subtrees = [tree_unflatten(s, st) for s, st in zip(subtree_defs, states_flat)]
    return tree_unflatten(tree_def, [JoinPoint(s) for s in subtrees])


def pack_optimizer_state(marked_pytree: Any) -> OptimizerState:
    """Inverse of :func:`unpack_optimizer_state`."""
    sentinels, tree_def = tree_flatten(marked_pytree, is_leaf=lambda x: isinstance(x, JoinPoint))
    if not all(isinstance(s, JoinPoint) for s in sentinels):
        raise TypeError("pack_optimizer_state expects a tree produced by unpack_optimizer_state")
    subtrees = [s.subtree for s in sentinels]
    states_flat, subtree_defs = zip(*[tree_flatten(s) for s in subtrees]) if subtrees else ((), ())
    return OptimizerState(list(states_flat), tree_def, tuple(subtree_defs))


__all__ = [
    "Optimizer", "OptimizerState", "optimizer", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
    "rmsprop_momentum", "adam", "adamax", "sm3", "constant", "exponential_decay", "inverse_time_decay",
    "polynomial_decay", "piecewise_constant", "make_schedule", "l2_norm", "clip_grads", "JoinPoint",
    "unpack_optimizer_state", "pack_optimizer_state",
]
