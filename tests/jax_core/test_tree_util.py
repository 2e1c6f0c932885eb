"""Pytrees: flatten/unflatten, node types, registration, Partial, tree_map, prefixes."""
import collections
import functools
import re

import numpy as np
import pytest

from jax_core import tree_util
from jax_core.tree_util import (
    Partial,
    PyTreeDef,
    all_leaves,
    broadcast_prefix,
    keystr,
    register_pytree_node,
    register_pytree_node_class,
    tree_all,
    tree_flatten,
    tree_flatten_with_path,
    tree_leaves,
    tree_map,
    tree_map_with_path,
    tree_reduce,
    tree_structure,
    tree_transpose,
    tree_unflatten,
    treedef_children,
    treedef_is_leaf,
    treedef_is_strict_leaf,
    treedef_tuple,
)

Point = collections.namedtuple("Point", ["x", "y"])


class Box:
    """A custom node registered with register_pytree_node: children (a, b), aux name."""

    def __init__(self, a, b, name="box"):
        self.a, self.b, self.name = a, b, name

    def __eq__(self, other):
        return (type(other) is Box and self.name == other.name
                and _same(self.a, other.a) and _same(self.b, other.b))

    def __repr__(self):
        return f"Box({self.a!r}, {self.b!r}, name={self.name!r})"


register_pytree_node(Box, lambda b: ((b.a, b.b), b.name), lambda name, ch: Box(*ch, name=name))


@register_pytree_node_class
class Pair:
    """A custom node registered with the class decorator."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def tree_flatten(self):
        return (self.first, self.second), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    def __eq__(self, other):
        return type(other) is Pair and _same(self.first, other.first) and _same(self.second, other.second)


def _same(a, b):
    """Equal values *and* equal container types, recursively."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        if isinstance(a, collections.defaultdict) and a.default_factory is not b.default_factory:
            return False
        if isinstance(a, collections.OrderedDict) and list(a) != list(b):
            return False
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, functools.partial):
        return a.func == b.func and _same(a.args, b.args) and _same(a.keywords, b.keywords)
    return bool(a == b)


def add3(x, y, z=0):
    return x + y + z


ARR = np.arange(3.0)

# (id, tree, leaves in order, repr of the treedef, num_nodes)
SAMPLES = [
    ("leaf_int", 1, [1], "PyTreeDef(*)", 1),
    ("leaf_array", ARR, [ARR], "PyTreeDef(*)", 1),
    ("none", None, [], "PyTreeDef(None)", 1),
    ("empty_tuple", (), [], "PyTreeDef(())", 1),
    ("empty_list", [], [], "PyTreeDef([])", 1),
    ("empty_dict", {}, [], "PyTreeDef({})", 1),
    ("singleton_tuple", (1,), [1], "PyTreeDef((*,))", 2),
    ("tuple", (1, 2), [1, 2], "PyTreeDef((*, *))", 3),
    ("nested_list", [1, [2, 3]], [1, 2, 3], "PyTreeDef([*, [*, *]])", 5),
    ("dict_sorted", {"b": 1, "a": 2}, [2, 1], "PyTreeDef({'a': *, 'b': *})", 3),
    ("tuple_dict", (1, {"a": 2}), [1, 2], "PyTreeDef((*, {'a': *}))", 4),
    ("jit_args", ((1, 2), {"x": 3}), [1, 2, 3], "PyTreeDef(((*, *), {'x': *}))", 6),
    ("nones_inside", [None, 1, (None,)], [1], "PyTreeDef([None, *, (None,)])", 5),
    ("namedtuple", Point(1, (2, 3)), [1, 2, 3], "PyTreeDef(Point(x=*, y=(*, *)))", 5),
    ("ordered_dict", collections.OrderedDict([("b", 1), ("a", 2)]), [1, 2],
     "PyTreeDef(OrderedDict({'b': *, 'a': *}))", 3),
    ("defaultdict", collections.defaultdict(list, {"b": 1, "a": 2}), [2, 1],
     "PyTreeDef(defaultdict(<class 'list'>, {'a': *, 'b': *}))", 3),
    ("custom", Box(1, [2, 3], name="n"), [1, 2, 3], "PyTreeDef(CustomNode(Box['n'], [*, [*, *]]))", 5),
    ("custom_class", Pair(1, (2,)), [1, 2], "PyTreeDef(CustomNode(Pair[None], [*, (*,)]))", 4),
    ("partial", Partial(add3, 1, z=2), [1, 2], None, 5),
    ("mixed", {"w": [ARR, None], "b": (Point(1, 2), 3.0)}, [1, 2, 3.0, ARR], None, 9),
    ("unsortable_keys", {1: "a", "b": 2}, ["a", 2], None, 3),
    ("dict_subclass_is_leaf", type("D", (dict,), {})(a=1), None, "PyTreeDef(*)", 1),
    ("list_subclass_is_leaf", type("L", (list,), {})([1, 2]), None, "PyTreeDef(*)", 1),
]
IDS = [s[0] for s in SAMPLES]


@pytest.mark.parametrize("name,tree,leaves,rep,num_nodes", SAMPLES, ids=IDS)
def test_flatten_leaves_repr_and_counts(name, tree, leaves, rep, num_nodes):
    got_leaves, treedef = tree_flatten(tree)
    if leaves is None:  # the tree itself is a leaf
        leaves = [tree]
    assert len(got_leaves) == len(leaves)
    assert all(_same(g, w) or g is w for g, w in zip(got_leaves, leaves))
    assert len(tree_leaves(tree)) == len(got_leaves)
    assert all(a is b for a, b in zip(tree_leaves(tree), got_leaves))
    if rep is not None:
        assert repr(treedef) == rep
    assert treedef.num_leaves == len(leaves)
    assert treedef.num_nodes == num_nodes
    assert tree_structure(tree) == treedef


@pytest.mark.parametrize("name,tree,leaves,rep,num_nodes", SAMPLES, ids=IDS)
def test_round_trip_keeps_types(name, tree, leaves, rep, num_nodes):
    got_leaves, treedef = tree_flatten(tree)
    rebuilt = tree_unflatten(treedef, got_leaves)
    assert _same(rebuilt, tree) or rebuilt is tree
    # Also from an iterator and through the method.
    assert _same(treedef.unflatten(iter(got_leaves)), rebuilt) or rebuilt is tree


@pytest.mark.parametrize("name,tree,leaves,rep,num_nodes", SAMPLES, ids=IDS)
def test_tree_map_identity_and_structure(name, tree, leaves, rep, num_nodes):
    out = tree_map(lambda x: ("leaf", x), tree)
    assert tree_structure(out, is_leaf=lambda x: isinstance(x, tuple) and x[:1] == ("leaf",)) \
        == tree_structure(tree)


def test_dict_unflatten_is_in_sorted_key_order():
    leaves, treedef = tree_flatten({"c": 1, "a": 2, "b": 3})
    assert leaves == [2, 3, 1]
    out = tree_unflatten(treedef, ["A", "B", "C"])
    assert list(out) == ["a", "b", "c"] and out == {"a": "A", "b": "B", "c": "C"}


def test_ordered_dict_keeps_insertion_order_and_defaultdict_its_factory():
    od = collections.OrderedDict([("z", 1), ("a", 2)])
    out = tree_map(lambda x: x * 10, od)
    assert type(out) is collections.OrderedDict and list(out.items()) == [("z", 10), ("a", 20)]
    dd = collections.defaultdict(int, {"b": 1})
    out = tree_map(lambda x: x + 1, dd)
    assert type(out) is collections.defaultdict and out.default_factory is int and out == {"b": 2}
    assert tree_structure(collections.OrderedDict(a=1, b=2)) != tree_structure(
        collections.OrderedDict(b=1, a=2))
    assert tree_structure(collections.defaultdict(int, a=1)) != tree_structure(
        collections.defaultdict(list, a=1))


def test_none_is_an_empty_node_not_a_leaf():
    assert tree_leaves(None) == []
    assert tree_leaves([None, None]) == []
    assert tree_map(lambda x: 1 / 0, (None, {"a": None})) == (None, {"a": None})
    leaves, treedef = tree_flatten((None, 1, 0), is_leaf=lambda x: x is None)
    assert leaves == [None, 1, 0] and repr(treedef) == "PyTreeDef((*, *, *))"
    assert tree_structure(None) != tree_structure(1)
    assert treedef_is_leaf(tree_structure(None))  # as in JAX: one node
    assert not treedef_is_strict_leaf(tree_structure(None))
    assert treedef_is_strict_leaf(tree_structure(1))
    assert not all_leaves([1, None]) and all_leaves([1, ARR, "s"])
    assert all_leaves([1, None], is_leaf=lambda x: x is None)


def test_namedtuple_keeps_its_type_and_differs_from_tuple():
    p = Point(1, 2)
    out = tree_map(lambda v: v + 1, p)
    assert type(out) is Point and out == Point(2, 3)
    assert tree_structure(p) != tree_structure((1, 2))
    Other = collections.namedtuple("Other", ["x", "y"])
    assert tree_structure(p) != tree_structure(Other(1, 2))


def test_is_leaf_stops_descent():
    tree = ((1, 2), [3, (1, 2)])
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: x == (1, 2))
    assert leaves == [(1, 2), 3, (1, 2)]
    assert tree_unflatten(treedef, leaves) == tree
    assert tree_leaves(tree, is_leaf=lambda x: isinstance(x, list)) == [1, 2, [3, (1, 2)]]


def test_custom_nodes():
    b = Box(1, (2, 3), name="n")
    out = tree_map(lambda x: x * 2, b)
    assert type(out) is Box and out.name == "n" and out.a == 2 and out.b == (4, 6)
    # The aux data is part of the structure.
    assert tree_structure(Box(1, 2, "n")) == tree_structure(Box(5, 6, "n"))
    assert tree_structure(Box(1, 2, "n")) != tree_structure(Box(1, 2, "m"))
    p = tree_map(str, Pair(1, [2]))
    assert type(p) is Pair and p.first == "1" and p.second == ["2"]


def test_registering_twice_raises():
    with pytest.raises(ValueError, match="Duplicate"):
        register_pytree_node(Box, lambda b: ((), None), lambda a, c: Box(0, 0))
    with pytest.raises(ValueError, match="Duplicate"):
        register_pytree_node(dict, lambda d: ((), None), lambda a, c: {})
    with pytest.raises(ValueError):
        register_pytree_node_class(Pair)


def test_partial_is_a_pytree():
    p = Partial(add3, 1, z=10)
    leaves, treedef = tree_flatten(p)
    assert leaves == [1, 10]
    q = tree_unflatten(treedef, [2, 20])
    assert isinstance(q, Partial) and isinstance(q, functools.partial)
    assert q(5) == 27
    assert tree_map(lambda x: x * 100, p)(1) == 100 + 1 + 1000
    assert tree_structure(Partial(add3, 1)) == tree_structure(Partial(add3, 2))
    assert tree_structure(Partial(add3, 1)) != tree_structure(Partial(max, 1))


def test_nested_partial_merges_and_plain_partial_stays_opaque():
    nested = Partial(Partial(add3, 1), 2)
    assert tree_leaves(nested) == [1, 2]
    assert nested.func is add3 and nested() == 3
    assert tree_map(lambda x: x * 10, nested)() == 30
    plain = functools.partial(add3, 100)
    wrapped = Partial(plain, 1)
    assert tree_leaves(wrapped) == [1]  # plain partial's args are not leaves
    assert wrapped(2) == 103
    assert tree_structure(Partial(plain, 1)) == tree_structure(Partial(plain, 5))


# ---- tree_map over several trees ---------------------------------------------

def test_tree_map_several_trees_same_structure():
    a = {"w": 1, "b": (2, 3)}
    b = {"w": 10, "b": (20, 30)}
    c = {"b": (200, 300), "w": 100}
    assert tree_map(lambda x, y, z: x + y + z, a, b, c) == {"w": 111, "b": (222, 333)}


def test_tree_map_first_tree_is_a_prefix():
    # Leaves of the first tree match whole subtrees of the others.
    out = tree_map(lambda n, sub: (n, sub), (1, 2), ([3, 4], {"k": 5}))
    assert out == ((1, [3, 4]), (2, {"k": 5}))
    # None in the first tree is a node with no leaves, so nothing to match.
    assert tree_map(lambda a, b: a + b, (None, 1), (None, 2)) == (None, 3)
    # With is_leaf, None in the first tree matches a whole subtree.
    out = tree_map(lambda a, b: b if a is None else a, (None, 0), ((1, 2), 3),
                   is_leaf=lambda x: x is None)
    assert out == ((1, 2), 0)


def test_tree_map_mismatch_errors():
    with pytest.raises(ValueError, match="Tuple arity mismatch: 3 != 2"):
        tree_map(lambda x, y: x, (1, 2), (1, 2, 3))
    with pytest.raises(ValueError, match="Expected dict, got list"):
        tree_map(lambda x, y: x, {"a": 1}, [1])
    with pytest.raises(ValueError, match="Dict key mismatch"):
        tree_map(lambda x, y: x, {"a": 1}, {"b": 1})
    # The subtree of the first tree must exist in the others: prefix only one way.
    with pytest.raises(ValueError, match="Expected tuple, got int"):
        tree_map(lambda x, y: x, ((1, 2),), (3,))


def test_tree_map_with_path_and_keystr():
    tree = {"a": [1, Point(2, 3)], "b": Box(4, None)}
    paths = [keystr(p) for p, _ in tree_flatten_with_path(tree)[0]]
    assert paths == ["['a'][0]", "['a'][1].x", "['a'][1].y", "['b'][<flat index 0>]"]
    out = tree_map_with_path(lambda p, x: keystr(p), {"x": (1, 2)})
    assert out == {"x": ("['x'][0]", "['x'][1]")}
    leaves, treedef = tree_flatten_with_path(tree)
    assert treedef == tree_structure(tree)


# ---- flatten_up_to errors ----------------------------------------------------

MISMATCHES = [
    # (prefix tree, full tree, message regex)
    ((1, 2), (1, 2, 3), r"Tuple arity mismatch: 3 != 2"),
    ((1, 2, 3), (1, 2), r"Tuple arity mismatch: 2 != 3"),
    ([1, 2], [1], r"List arity mismatch: 1 != 2"),
    ({"a": 1}, [1], r"Expected dict, got list"),
    ((1, 2), [1, 2], r"Expected tuple, got list"),
    ({"a": 1, "b": 2}, {"a": 1, "c": 2}, r"Dict key mismatch; expected keys: \['a', 'b'\]"),
    (None, 1, r"Expected None, got int"),
    (Point(1, 2), (1, 2), r"Expected named tuple of type Point, got tuple"),
    (Box(1, 2, "n"), Box(1, 2, "m"), r"Mismatch custom node data: 'm' != 'n'"),
    (Box(1, 2), (1, 2), r"Custom node type mismatch; expected type: Box"),
    ((1, {"a": (1, 2)}), (1, {"a": (1,)}), r"Tuple arity mismatch: 1 != 2.* at key path \[1\]\['a'\]"),
    ({"p": Point(1, [1])}, {"p": Point(1, [])}, r"List arity mismatch: 0 != 1.* at key path \['p'\]\.y"),
]


@pytest.mark.parametrize("prefix,full,msg", MISMATCHES, ids=[m[2][:30] for m in MISMATCHES])
def test_flatten_up_to_error_messages(prefix, full, msg):
    treedef = tree_structure(prefix)
    with pytest.raises(ValueError, match=msg):
        treedef.flatten_up_to(full)


def test_flatten_up_to_returns_subtrees():
    treedef = tree_structure((0, {"a": 0, "b": None}))
    assert treedef.flatten_up_to(([1, 2], {"b": None, "a": (3,)})) == [[1, 2], (3,)]
    # A tuple node accepts a namedtuple value (as JAX does); a dict node any dict.
    assert tree_structure((0, 0)).flatten_up_to(Point(1, 2)) == [1, 2]
    assert tree_structure({"a": 0}).flatten_up_to(collections.OrderedDict(a=1)) == [1]


# ---- broadcast_prefix ---------------------------------------------------------

def test_broadcast_prefix_vmap_style():
    params = {"w": ARR, "b": 1.0}
    args = (params, ARR, (ARR, ARR))
    in_axes = (None, 0, 1)
    got = broadcast_prefix(in_axes, args, is_leaf=lambda x: x is None)
    assert got == [None, None, 0, 1, 1]
    assert broadcast_prefix(0, args) == [0] * 5
    assert broadcast_prefix((0, {"x": 1}), (ARR, {"x": [ARR, ARR]})) == [0, 1, 1]
    # A None value in the full tree contributes no leaves.
    assert broadcast_prefix((0, 1), (None, ARR)) == [1]


def test_broadcast_prefix_mismatch_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"not a tree prefix.*Tuple arity mismatch: 2 != 3"):
        broadcast_prefix((0, 0, 0), (ARR, ARR))
    with pytest.raises(ValueError, match="Expected dict, got"):
        broadcast_prefix({"a": 0}, [ARR])


# ---- transpose, reduce, treedef helpers -------------------------------------------

def test_tree_transpose():
    outer = tree_structure([0, 0, 0])
    inner = tree_structure((0, {"k": 0}))
    tree = [(1, {"k": 2}), (3, {"k": 4}), (5, {"k": 6})]
    out = tree_transpose(outer, inner, tree)
    assert out == ([1, 3, 5], {"k": [2, 4, 6]})
    assert tree_transpose(outer, None, tree) == out
    # Transposing twice gets back the original.
    assert tree_transpose(inner, outer, out) == tree
    with pytest.raises(TypeError, match="Mismatch"):
        tree_transpose(outer, inner, [(1, 2), (3, 4), (5, 6)])


def test_tree_all_and_reduce():
    assert tree_all((True, {"a": [1, True]}))
    assert not tree_all((True, {"a": [0]}))
    assert tree_all(None) and tree_all(())
    assert tree_reduce(lambda a, b: a + b, {"x": 1, "y": (2, 3)}) == 6
    assert tree_reduce(lambda a, b: a + b, [], 10) == 10
    assert tree_reduce(lambda a, b: a * b, (2, 3), initializer=5) == 30
    with pytest.raises(TypeError):
        tree_reduce(lambda a, b: a + b, [])


def test_treedef_children_tuple_and_compose():
    treedef = tree_structure(((1, 2), {"x": 3}, None))
    kids = treedef.children()
    assert kids == [tree_structure((0, 0)), tree_structure({"x": 0}), tree_structure(None)]
    assert treedef_children(treedef) == kids
    assert treedef_tuple(kids) == treedef
    assert treedef_tuple(kids).num_leaves == 3
    assert tree_structure(1).children() == []
    composed = tree_structure([0, 0]).compose(tree_structure((0, None)))
    assert composed == tree_structure([(1, None), (2, None)])
    assert composed.num_leaves == 2
    assert treedef.node_data() == (tuple, None)
    rebuilt = PyTreeDef.from_node_data_and_children(treedef.node_data(), kids)
    assert rebuilt == treedef


def test_unflatten_wrong_number_of_leaves():
    treedef = tree_structure((1, 2))
    with pytest.raises(ValueError, match="Too few leaves for PyTreeDef; expected 2, got 1"):
        tree_unflatten(treedef, [1])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 2, got 3"):
        tree_unflatten(treedef, [1, 2, 3])


# ---- treedef equality and hashing -----------------------------------------------

EQUAL = [
    ((1, 2), ("a", ARR)),
    ({"a": 1, "b": 2}, {"b": 3, "a": 4}),
    ([None, (1,)], [None, ("x",)]),
    (Point(1, 2), Point(3, 4)),
    (Box(1, 2, "n"), Box(3, 4, "n")),
    (((1, 2), {"x": 3}), ((ARR, ARR), {"x": ARR})),
]
UNEQUAL = [
    ((1, 2), [1, 2]),
    ((1, 2), (1, 2, 3)),
    ({"a": 1}, {"b": 1}),
    ({"a": 1, "b": 2}, {"a": 1, "c": 2}),
    (None, 1),
    ((None,), (1,)),
    (Point(1, 2), (1, 2)),
    ((1, (2, 3)), ((1, 2), 3)),
    (Box(1, 2, "n"), Box(1, 2, "m")),
    ({"a": (1, 2)}, {"a": [1, 2]}),
]


@pytest.mark.parametrize("a,b", EQUAL, ids=[str(i) for i in range(len(EQUAL))])
def test_equal_structures_are_equal_and_hash_equal(a, b):
    ta, tb = tree_structure(a), tree_structure(b)
    assert ta == tb and not (ta != tb)
    assert hash(ta) == hash(tb)
    assert {ta: "hit"}[tb] == "hit"


@pytest.mark.parametrize("a,b", UNEQUAL, ids=[str(i) for i in range(len(UNEQUAL))])
def test_different_structures_are_unequal(a, b):
    ta, tb = tree_structure(a), tree_structure(b)
    assert ta != tb and not (ta == tb)
    hash(ta), hash(tb)  # both hashable
    assert ta != tb  # still unequal once hashes are cached


def test_treedef_is_not_equal_to_other_objects():
    assert tree_structure(1) != 1
    assert tree_structure(None) != None  # noqa: E711


def test_module_exports():
    for name in ["tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map",
                 "tree_all", "tree_reduce", "tree_transpose", "treedef_is_leaf", "all_leaves",
                 "treedef_tuple", "treedef_children", "register_pytree_node",
                 "register_pytree_node_class", "Partial", "PyTreeDef", "broadcast_prefix"]:
        assert name in tree_util.__all__ and hasattr(tree_util, name)
