"""Pytrees: nested containers of leaves, flattened to a list plus a ``PyTreeDef``.

A pytree is built from *nodes* (tuple, list, dict, None, namedtuples,
``OrderedDict``, ``defaultdict`` and any registered type) and *leaves*
(everything else).  ``tree_flatten`` turns a pytree into its leaves, in a fixed
order, and a ``PyTreeDef`` describing the nodes; ``tree_unflatten`` rebuilds.

Flattening sits on the ``jit`` call path, so the representation is chosen for
speed in pure Python: a treedef wraps a nested tuple ``(type, aux, children)``
with ``None`` standing for a leaf.  Nested tuples hash and compare in C, so
treedef equality and hashing (the compile cache key) are cheap; the hash is
cached on the treedef as well.
"""
from __future__ import annotations

import collections
import functools
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Sequence, TypeVar

__all__ = [
    "PyTreeDef",
    "Partial",
    "tree_flatten",
    "tree_unflatten",
    "tree_leaves",
    "tree_structure",
    "tree_map",
    "tree_all",
    "tree_reduce",
    "tree_transpose",
    "treedef_is_leaf",
    "treedef_is_strict_leaf",
    "treedef_tuple",
    "treedef_children",
    "all_leaves",
    "broadcast_prefix",
    "register_pytree_node",
    "register_pytree_node_class",
    "register_pytree_with_keys",
    "tree_flatten_with_path",
    "tree_leaves_with_path",
    "tree_map_with_path",
    "keystr",
    "SequenceKey",
    "DictKey",
    "GetAttrKey",
    "FlattenedIndexKey",
]

# A treedef node: ``None`` for a leaf, else ``(node_type, aux_data, children)``
# where ``children`` is a tuple of nodes.  For namedtuples ``node_type`` is the
# namedtuple class (not in the registry); for dicts ``aux_data`` is the tuple of
# keys in flattening order.
_Node = Any
_LEAF: None = None
_NoneType = type(None)
_NONE_NODE = (_NoneType, None, ())


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

class _NodeKind:
    """How to take apart and rebuild one registered node type."""

    __slots__ = ("nodetype", "flatten", "unflatten", "flatten_with_keys")

    def __init__(
        self,
        nodetype: type,
        flatten: Callable[[Any], tuple[Iterable[Any], Any]],
        unflatten: Callable[[Any, Iterable[Any]], Any],
        flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]] | None = None,
    ) -> None:
        self.nodetype = nodetype
        self.flatten = flatten
        self.unflatten = unflatten
        self.flatten_with_keys = flatten_with_keys


# Keyed on the exact type: subclasses of registered types are leaves (except
# tuple subclasses with ``_fields``, i.e. namedtuples).
_registry: dict[type, _NodeKind] = {}


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:  # keys of mixed, unorderable types: keep insertion order
        return tuple(d)


def register_pytree_node(
    nodetype: type,
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
    flatten_with_keys_func: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]] | None = None,
) -> None:
    """Make ``nodetype`` a pytree node.

    ``flatten_func(x) -> (children, aux_data)``; ``aux_data`` must be hashable
    and comparable (it becomes part of the treedef).
    ``unflatten_func(aux_data, children) -> x``.
    """
    if nodetype in _registry:
        raise ValueError(f"Duplicate custom PyTreeDef type registration for {nodetype}.")
    _registry[nodetype] = _NodeKind(nodetype, flatten_func, unflatten_func, flatten_with_keys_func)


def register_pytree_with_keys(
    nodetype: type,
    flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]] | None = None,
) -> None:
    """Like ``register_pytree_node`` but children come with keys for key paths."""
    if flatten_func is None:
        def flatten_func(x: Any) -> tuple[Iterable[Any], Any]:
            keyed, aux = flatten_with_keys(x)
            return [c for _, c in keyed], aux
    register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


_C = TypeVar("_C", bound=type)


def register_pytree_node_class(cls: _C) -> _C:
    """Class decorator: ``cls`` has ``tree_flatten(self)`` and classmethod ``tree_unflatten``."""
    register_pytree_node(cls, cls.tree_flatten, cls.tree_unflatten)  # type: ignore[attr-defined]
    return cls


def _dict_flatten(x: dict) -> tuple[list[Any], tuple]:
    keys = _sorted_keys(x)
    return [x[k] for k in keys], keys


def _defaultdict_flatten(x: collections.defaultdict) -> tuple[list[Any], tuple]:
    keys = _sorted_keys(x)
    return [x[k] for k in keys], (x.default_factory, keys)


register_pytree_node(tuple, lambda x: (x, None), lambda _, xs: tuple(xs))
register_pytree_node(list, lambda x: (x, None), lambda _, xs: list(xs))
register_pytree_node(dict, _dict_flatten, lambda keys, xs: dict(zip(keys, xs)))
register_pytree_node(_NoneType, lambda x: ((), None), lambda _, xs: None)
register_pytree_node(
    collections.OrderedDict,
    lambda x: (list(x.values()), tuple(x)),
    lambda keys, xs: collections.OrderedDict(zip(keys, xs)),
)
register_pytree_node(
    collections.defaultdict,
    _defaultdict_flatten,
    lambda aux, xs: collections.defaultdict(aux[0], zip(aux[1], xs)),
)

_DICT_LIKE = (dict, collections.OrderedDict, collections.defaultdict)


# --------------------------------------------------------------------------
# Flatten / unflatten (the hot path)
# --------------------------------------------------------------------------

def _flatten(x: Any, leaves: list) -> _Node:
    # Hot path (no ``is_leaf``).  Plain loops beat comprehensions here on
    # CPython 3.11, and children that are obviously leaves (their type is not
    # registered and is no tuple) skip the recursive call.
    t = type(x)
    if t is tuple or t is list:
        kids = []
        for c in x:
            if type(c) in _registry or isinstance(c, tuple):
                kids.append(_flatten(c, leaves))
            else:
                leaves.append(c)
                kids.append(_LEAF)
        return (t, None, tuple(kids))
    if t is dict:
        try:
            keys = tuple(sorted(x))
        except TypeError:
            keys = tuple(x)
        kids = []
        for k in keys:
            c = x[k]
            if type(c) in _registry or isinstance(c, tuple):
                kids.append(_flatten(c, leaves))
            else:
                leaves.append(c)
                kids.append(_LEAF)
        return (dict, keys, tuple(kids))
    if x is None:
        return _NONE_NODE
    kind = _registry.get(t)
    if kind is not None:
        children, aux = kind.flatten(x)
        kids = []
        for c in children:
            kids.append(_flatten(c, leaves))
        return (t, aux, tuple(kids))
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        kids = []
        for c in x:
            kids.append(_flatten(c, leaves))
        return (t, None, tuple(kids))
    leaves.append(x)
    return _LEAF


def _flatten_is_leaf(x: Any, leaves: list, is_leaf: Callable[[Any], bool]) -> _Node:
    if is_leaf(x):
        leaves.append(x)
        return _LEAF
    t = type(x)
    kind = _registry.get(t)
    if kind is not None:
        if x is None:
            return _NONE_NODE
        children, aux = kind.flatten(x)
    elif isinstance(x, tuple) and hasattr(t, "_fields"):
        children, aux = x, None
    else:
        leaves.append(x)
        return _LEAF
    kids = []
    for c in children:
        kids.append(_flatten_is_leaf(c, leaves, is_leaf))
    return (t, aux, tuple(kids))


def _collect_leaves(x: Any, leaves: list) -> None:
    t = type(x)
    if t is tuple or t is list:
        for c in x:
            if type(c) in _registry or isinstance(c, tuple):
                _collect_leaves(c, leaves)
            else:
                leaves.append(c)
        return
    if t is dict:
        try:
            keys = sorted(x)
        except TypeError:
            keys = list(x)
        for k in keys:
            _collect_leaves(x[k], leaves)
        return
    if x is None:
        return
    kind = _registry.get(t)
    if kind is not None:
        for c in kind.flatten(x)[0]:
            _collect_leaves(c, leaves)
        return
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        for c in x:
            _collect_leaves(c, leaves)
        return
    leaves.append(x)


def _rebuild(t: type, aux: Any, children: list) -> Any:
    if t is tuple:
        return tuple(children)
    if t is list:
        return children
    if t is dict:
        return dict(zip(aux, children))
    if t is _NoneType:
        return None
    kind = _registry.get(t)
    if kind is not None:
        return kind.unflatten(aux, tuple(children))
    return t(*children)  # namedtuple


def _unflatten(node: _Node, it: Any) -> Any:
    t, aux, kids = node
    children = []
    for k in kids:
        children.append(next(it) if k is None else _unflatten(k, it))
    if t is tuple:
        return tuple(children)
    if t is list:
        return children
    if t is dict:
        return dict(zip(aux, children))
    return _rebuild(t, aux, children)


def _count(node: _Node) -> tuple[int, int]:
    """(num_leaves, num_nodes) of a node."""
    if node is None:
        return 1, 1
    leaves, nodes = 0, 1
    for k in node[2]:
        kl, kn = _count(k)
        leaves += kl
        nodes += kn
    return leaves, nodes


class PyTreeDef:
    """The structure of a pytree: its nodes with their types and aux data, leaves as ``*``.

    Built by ``tree_flatten``/``tree_structure``; hashable and comparable, so it
    can key caches.
    """

    __slots__ = ("_node", "_num_leaves", "_num_nodes", "_hash")

    def __init__(self, node: _Node, num_leaves: int | None = None) -> None:
        self._node = node
        self._num_nodes = -1
        if num_leaves is None:
            num_leaves, self._num_nodes = _count(node)
        self._num_leaves = num_leaves
        self._hash: int | None = None

    @property
    def num_leaves(self) -> int:
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        if self._num_nodes < 0:
            self._num_nodes = _count(self._node)[1]
        return self._num_nodes

    # -- structure ---------------------------------------------------------
    def children(self) -> list[PyTreeDef]:
        """Treedefs of the root's children (empty for a leaf)."""
        if self._node is None:
            return []
        return [PyTreeDef(k) for k in self._node[2]]

    def node_data(self) -> tuple[type, Any] | None:
        """``(node_type, aux_data)`` of the root, or None for a leaf."""
        if self._node is None:
            return None
        return self._node[0], self._node[1]

    @staticmethod
    def from_node_data_and_children(
        node_data: tuple[type, Any] | None, children: Iterable[PyTreeDef]
    ) -> PyTreeDef:
        if node_data is None:
            return PyTreeDef(_LEAF, 1)
        t, aux = node_data
        return PyTreeDef((t, aux, tuple(c._node for c in children)))

    def compose(self, inner: PyTreeDef) -> PyTreeDef:
        """The treedef obtained by replacing every leaf of ``self`` with ``inner``."""
        inner_node = inner._node

        def sub(node: _Node) -> _Node:
            if node is None:
                return inner_node
            return (node[0], node[1], tuple([sub(k) for k in node[2]]))

        return PyTreeDef(sub(self._node), self.num_leaves * inner.num_leaves)

    # -- flatten / unflatten ----------------------------------------------
    def unflatten(self, leaves: Iterable[Any]) -> Any:
        """Build a pytree of this structure from ``leaves`` (in flattening order)."""
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        n = self._num_leaves
        if len(leaves) != n:
            few = "few" if len(leaves) < n else "many"
            raise ValueError(
                f"Too {few} leaves for PyTreeDef; expected {n}, got {len(leaves)}: {self}"
            )
        node = self._node
        if node is None:
            return leaves[0]
        return _unflatten(node, iter(leaves))

    def flatten_up_to(self, tree: Any) -> list[Any]:
        """The subtrees of ``tree`` sitting where this treedef has leaves.

        ``self`` must be a prefix of ``tree``'s structure; otherwise a
        ValueError names the first mismatch and its key path.
        """
        out: list[Any] = []
        try:
            _flatten_up_to(self._node, tree, out)
        except _PrefixMismatch as e:
            path = keystr(tuple(reversed(e.keys)))
            where = f"; at key path {path}" if path else ""
            raise ValueError(f"{e.msg}{where}.") from None
        return out

    # -- identity ----------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        h1, h2 = self._hash, other._hash
        if h1 is not None and h2 is not None and h1 != h2:
            return False
        return bool(self._node == other._node)

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash(self._node)
        return h

    def __repr__(self) -> str:
        return f"PyTreeDef({_node_repr(self._node)})"


def _node_repr(node: _Node) -> str:
    if node is None:
        return "*"
    t, aux, kids = node
    parts = [_node_repr(k) for k in kids]
    if t is tuple:
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    if t is list:
        return "[" + ", ".join(parts) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(aux, parts)) + "}"
    if t is _NoneType:
        return "None"
    if t is collections.OrderedDict:
        return "OrderedDict({" + ", ".join(f"{k!r}: {p}" for k, p in zip(aux, parts)) + "})"
    if t is collections.defaultdict:
        body = ", ".join(f"{k!r}: {p}" for k, p in zip(aux[1], parts))
        return f"defaultdict({aux[0]!r}, {{{body}}})"
    if t not in _registry:  # namedtuple
        return f"{t.__name__}(" + ", ".join(f"{f}={p}" for f, p in zip(t._fields, parts)) + ")"
    return f"CustomNode({t.__name__}[{aux!r}], [{', '.join(parts)}])"


# --------------------------------------------------------------------------
# Prefix matching
# --------------------------------------------------------------------------

class _PrefixMismatch(Exception):
    """Raised inside ``_flatten_up_to``; callers collect the key path on the way out."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.keys: list[Any] = []


def _type_name(x: Any) -> str:
    return type(x).__name__


def _flatten_up_to(node: _Node, x: Any, out: list) -> None:
    if node is None:
        out.append(x)
        return
    t, aux, kids = node
    if t is tuple or t is list:
        if not isinstance(x, t):
            raise _PrefixMismatch(f"Expected {t.__name__}, got {_type_name(x)}: {x!r}")
        if len(x) != len(kids):
            raise _PrefixMismatch(
                f"{t.__name__.capitalize()} arity mismatch: {len(x)} != {len(kids)}; "
                f"{t.__name__}: {x!r}"
            )
        children: Sequence[Any] = x
        keys: Sequence[Any] = [SequenceKey(i) for i in range(len(kids))]
    elif t in _DICT_LIKE:
        dict_keys = aux[1] if t is collections.defaultdict else aux
        if not (isinstance(x, t) if t is dict else type(x) is t):
            raise _PrefixMismatch(f"Expected {t.__name__}, got {_type_name(x)}: {x!r}")
        if len(x) != len(dict_keys) or any(k not in x for k in dict_keys):
            raise _PrefixMismatch(
                f"Dict key mismatch; expected keys: {list(dict_keys)!r}; dict: {x!r}"
            )
        children = [x[k] for k in dict_keys]
        keys = [DictKey(k) for k in dict_keys]
    elif t is _NoneType:
        if x is not None:
            raise _PrefixMismatch(f"Expected None, got {_type_name(x)}: {x!r}")
        return
    elif t in _registry:
        if type(x) is not t:
            raise _PrefixMismatch(
                f"Custom node type mismatch; expected type: {t.__name__}, "
                f"got {_type_name(x)}: {x!r}"
            )
        raw_children, x_aux = _registry[t].flatten(x)
        children = list(raw_children)
        if x_aux != aux:
            raise _PrefixMismatch(
                f"Mismatch custom node data: {x_aux!r} != {aux!r}; value: {x!r}"
            )
        if len(children) != len(kids):
            raise _PrefixMismatch(
                f"Custom node arity mismatch: {len(children)} != {len(kids)}; value: {x!r}"
            )
        keys = [FlattenedIndexKey(i) for i in range(len(kids))]
    else:  # namedtuple
        if type(x) is not t:
            raise _PrefixMismatch(
                f"Expected named tuple of type {t.__name__}, got {_type_name(x)}: {x!r}"
            )
        children = x
        keys = [GetAttrKey(f) for f in t._fields]
    i = 0
    try:
        for i, k in enumerate(kids):
            _flatten_up_to(k, children[i], out)
    except _PrefixMismatch as e:
        e.keys.append(keys[i])
        raise


def broadcast_prefix(
    prefix_tree: Any, full_tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> list[Any]:
    """For each leaf of ``full_tree``, the leaf of ``prefix_tree`` that covers it.

    ``prefix_tree``'s structure must be a prefix of ``full_tree``'s (as with
    vmap's ``in_axes``).  ``is_leaf`` applies to ``prefix_tree`` only; pass
    ``lambda x: x is None`` to treat None in the prefix as a leaf.
    """
    prefix_leaves, prefix_def = tree_flatten(prefix_tree, is_leaf)
    try:
        subtrees = prefix_def.flatten_up_to(full_tree)
    except ValueError as e:
        raise ValueError(
            f"Prefix tree {prefix_def} is not a tree prefix of the full tree "
            f"{tree_structure(full_tree)}: {e}"
        ) from None
    result: list[Any] = []
    for p, sub in zip(prefix_leaves, subtrees):
        n = len(tree_leaves(sub))
        if n == 1:
            result.append(p)
        elif n:
            result.extend([p] * n)
    return result


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------

def tree_flatten(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[Any], PyTreeDef]:
    """``(leaves, treedef)``; dict leaves come in sorted key order."""
    leaves: list[Any] = []
    if is_leaf is None:
        node = _flatten(tree, leaves)
    else:
        node = _flatten_is_leaf(tree, leaves, is_leaf)
    return leaves, PyTreeDef(node, len(leaves))


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> Any:
    return treedef.unflatten(leaves)


def tree_leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list[Any]:
    if is_leaf is not None:
        return tree_flatten(tree, is_leaf)[0]
    leaves: list[Any] = []
    _collect_leaves(tree, leaves)
    return leaves


def tree_structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    return tree_flatten(tree, is_leaf)[1]


def tree_map(
    f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """Apply ``f`` leafwise.  ``tree``'s structure must be a prefix of each of ``rest``:
    a leaf of ``tree`` is matched with the whole corresponding subtree of the others."""
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves])
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(*xs) for xs in zip(leaves, *others)])


def tree_all(tree: Any, *, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    return all(tree_leaves(tree, is_leaf))


_NO_INITIALIZER: Any = object()


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: Any,
    initializer: Any = _NO_INITIALIZER,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_transpose(
    outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: Any
) -> Any:
    """Turn an outer-of-inner pytree into an inner-of-outer one.

    ``inner_treedef=None`` infers it from the first outer subtree.
    """
    if inner_treedef is None:
        first = outer_treedef.flatten_up_to(pytree_to_transpose)
        inner_treedef = tree_structure(first[0]) if first else PyTreeDef(_LEAF, 1)
    flat, treedef = tree_flatten(pytree_to_transpose)
    expected = outer_treedef.compose(inner_treedef)
    if treedef != expected:
        raise TypeError(f"Mismatch\n{treedef}\n != \n{expected}")
    n_inner = inner_treedef.num_leaves
    rows = [flat[i * n_inner:(i + 1) * n_inner] for i in range(outer_treedef.num_leaves)]
    columns = [outer_treedef.unflatten(col) for col in zip(*rows)] if rows else [
        outer_treedef.unflatten([]) for _ in range(n_inner)]
    return inner_treedef.unflatten(columns)


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """True for a single leaf or a childless node such as None (as in JAX)."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef: PyTreeDef) -> bool:
    return treedef._node is None


def treedef_tuple(treedefs: Iterable[PyTreeDef]) -> PyTreeDef:
    treedefs = list(treedefs)
    return PyTreeDef((tuple, None, tuple(td._node for td in treedefs)),
                     sum(td.num_leaves for td in treedefs))


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    return treedef.children()


def _is_node(x: Any) -> bool:
    t = type(x)
    return t in _registry or (isinstance(x, tuple) and hasattr(t, "_fields"))


def all_leaves(iterable: Iterable[Any], is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if every element is a leaf (None is a node, hence not a leaf)."""
    for x in iterable:
        if is_leaf is not None and is_leaf(x):
            continue
        if _is_node(x):
            return False
    return True


# --------------------------------------------------------------------------
# Key paths
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


@dataclass(frozen=True)
class DictKey:
    key: Hashable

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclass(frozen=True)
class FlattenedIndexKey:
    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


KeyPath = tuple[Any, ...]


def keystr(keys: KeyPath) -> str:
    """``keystr((SequenceKey(0), DictKey('a'))) == "[0]['a']"``."""
    return "".join(str(k) for k in keys)


def _keyed_children(x: Any) -> tuple[type, Any, list[tuple[Any, Any]]] | None:
    """``(type, aux, [(key, child), ...])`` for a node, None for a leaf."""
    t = type(x)
    if t is tuple or t is list:
        return t, None, [(SequenceKey(i), c) for i, c in enumerate(x)]
    if t is dict or t is collections.OrderedDict:
        keys = _sorted_keys(x) if t is dict else tuple(x)
        return t, keys, [(DictKey(k), x[k]) for k in keys]
    if t is collections.defaultdict:
        keys = _sorted_keys(x)
        return t, (x.default_factory, keys), [(DictKey(k), x[k]) for k in keys]
    if t is _NoneType:
        return t, None, []
    kind = _registry.get(t)
    if kind is not None:
        if kind.flatten_with_keys is not None:
            keyed, aux = kind.flatten_with_keys(x)
            return t, aux, list(keyed)
        children, aux = kind.flatten(x)
        return t, aux, [(FlattenedIndexKey(i), c) for i, c in enumerate(children)]
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return t, None, [(GetAttrKey(f), c) for f, c in zip(t._fields, x)]
    return None


def _flatten_with_path(x: Any, path: KeyPath, out: list,
                       is_leaf: Callable[[Any], bool] | None) -> _Node:
    if is_leaf is not None and is_leaf(x):
        out.append((path, x))
        return _LEAF
    split = _keyed_children(x)
    if split is None:
        out.append((path, x))
        return _LEAF
    t, aux, keyed = split
    return (t, aux, tuple([_flatten_with_path(c, path + (k,), out, is_leaf) for k, c in keyed]))


def tree_flatten_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """Like ``tree_flatten`` but each leaf comes as ``(key_path, leaf)``."""
    out: list[tuple[KeyPath, Any]] = []
    node = _flatten_with_path(tree, (), out, is_leaf)
    return out, PyTreeDef(node, len(out))


def tree_leaves_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> list[tuple[KeyPath, Any]]:
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_with_path(
    f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """Like ``tree_map`` but ``f(key_path, leaf, *rest_leaves)``."""
    keyed, treedef = tree_flatten_with_path(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(kp, x, *xs) for (kp, x), *xs in zip(keyed, *others)])


# --------------------------------------------------------------------------
# Partial
# --------------------------------------------------------------------------

class _OpaqueCallable:
    """Hides a plain ``functools.partial`` from ``Partial``'s argument merging.

    ``functools.partial`` flattens a partial passed as ``func``, which would
    turn its bound arguments into pytree leaves; the user meant it as a static
    function, so it stays whole, in the treedef's aux data.
    """

    __slots__ = ("wrapped",)

    def __init__(self, wrapped: Callable[..., Any]) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.wrapped(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _OpaqueCallable):
            return bool(self.wrapped == other.wrapped)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.wrapped)

    def __repr__(self) -> str:
        return repr(self.wrapped)


class Partial(functools.partial):
    """``functools.partial`` that is a pytree: the bound args and keywords are its
    children, the function is static aux data.  So a ``Partial`` can be passed
    to and returned from transformed functions.

    ``Partial(Partial(f, a), b)`` is ``Partial(f, a, b)``: both ``a`` and ``b``
    are leaves.  A plain ``functools.partial`` given as the function stays
    opaque (its arguments are not leaves).
    """

    def __new__(cls, func: Callable[..., Any], /, *args: Any, **keywords: Any) -> Partial:
        if isinstance(func, Partial):
            args = func.args + args
            keywords = {**func.keywords, **keywords}
            func = func.func
        elif isinstance(func, functools.partial):
            func = _OpaqueCallable(func)
        return super().__new__(cls, func, *args, **keywords)


def _partial_flatten(p: Partial) -> tuple[tuple[Any, Any], Any]:
    return (p.args, p.keywords), p.func


def _partial_unflatten(func: Any, children: Iterable[Any]) -> Partial:
    args, keywords = children
    return Partial(func, *args, **keywords)


def _partial_flatten_with_keys(p: Partial) -> tuple[list[tuple[Any, Any]], Any]:
    return [(GetAttrKey("args"), p.args), (GetAttrKey("keywords"), p.keywords)], p.func


register_pytree_node(Partial, _partial_flatten, _partial_unflatten, _partial_flatten_with_keys)
