"""Control-flow programs, each with a plain-Python/NumPy loop equivalent."""
import numpy as np

from jax_core import lax
from tests.prim_table.case import PrimCase, rng_for

CASES: list[PrimCase] = []


def _f32(name, *shape):
    return rng_for(name).randn(*shape).astype(np.float32)


def _cond_fun(x, y):
    return lax.cond(lax.reduce_sum(x, (0,)) > 0, lambda a, b: lax.sin(a) * b, lambda a, b: lax.cos(a) + b, x, y)


def _cond_np(x, y):
    return np.sin(x) * y if x.sum() > 0 else np.cos(x) + y


def _switch_fun(x):
    i = lax.convert_element_type(lax.reduce_sum(x, (0,)) > 0, np.int32) + 1
    return lax.switch(i, [lambda a: a * 2.0, lambda a: lax.sin(a), lambda a: lax.exp(a)], x)


def _switch_np(x):
    return [x * 2, np.sin(x), np.exp(x)][1 + int(x.sum() > 0)]


def _while_fun(x):
    # repeat x <- 0.5 * x + 1 until the first entry exceeds 1.5 (at most a few steps)
    def body(c):
        i, v = c
        return i + 1, v * 0.5 + 1.0

    return lax.while_loop(lambda c: c[0] < 5, body, (0, x))[1]


def _while_np(x):
    for _ in range(5):
        x = x * 0.5 + 1.0
    return x


def _scan_fun(c0, xs):
    def step(c, x):
        c = lax.tanh(c * 0.9 + x)
        return c, c * 2.0

    return lax.scan(step, c0, xs)


def _scan_np(c0, xs):
    c = c0
    ys = []
    for x in xs:
        c = np.tanh(c * np.float32(0.9) + x)
        ys.append(c * 2)
    return c, np.stack(ys)


def _scan_rev_fun(xs):
    return lax.scan(lambda c, x: (c + x, c * x), np.zeros(3, np.float32), xs, reverse=True)


def _scan_rev_np(xs):
    c = np.zeros(3, np.float32)
    ys = [None] * len(xs)
    for i in reversed(range(len(xs))):
        ys[i] = c * xs[i]
        c = c + xs[i]
    return c, np.stack(ys)


def _fori_fun(x):
    return lax.fori_loop(0, 4, lambda i, v: v * lax.convert_element_type(i + 1, np.float32) + lax.sin(v), x)


def _fori_np(x):
    for i in range(4):
        x = x * np.float32(i + 1) + np.sin(x)
    return x


CASES += [
    PrimCase("cond_f32", "cond", _cond_fun, [_f32("cond1", 4), _f32("cond2", 4)], _cond_np, diff_argnums=(0, 1)),
    PrimCase("cond_other_branch_f32", "cond", _cond_fun, [-np.abs(_f32("cond3", 4)), _f32("cond4", 4)], _cond_np,
             diff_argnums=(0, 1)),
    PrimCase("switch_f32", "cond", _switch_fun, [_f32("switch", 3)], _switch_np, diff_argnums=(0,)),
    PrimCase("while_f32", "while", _while_fun, [_f32("while", 3)], _while_np),
    PrimCase("scan_f32", "scan", _scan_fun, [_f32("scan1", 3), _f32("scan2", 5, 3)], _scan_np, diff_argnums=(0, 1)),
    PrimCase("scan_reverse_f32", "scan", _scan_rev_fun, [_f32("scanr", 4, 3)], _scan_rev_np, diff_argnums=(0,)),
    PrimCase("fori_loop_f32", "scan", _fori_fun, [_f32("fori", 3)], _fori_np, diff_argnums=(0,)),
]
