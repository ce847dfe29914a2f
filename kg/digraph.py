"""A small directed graph with the part of networkx's ``DiGraph`` interface that trace / show read and build.

``perfkg trace`` and ``perfkg show`` build the graph of a few departments and walk a few edges; importing
networkx costs ~0.2 CPU-s of every such answer (issue 16), so :mod:`kg.scope` builds a :class:`DiGraph` instead.
Same semantics as networkx where used: nodes and each node's successors / predecessors in insertion order,
``add_node`` / ``add_edge`` on an existing node / edge update its attributes in place (keeping its position),
``add_edge`` adds missing end nodes, an edge's attribute dict is shared by both directions. Export and the
whole-store graph keep using networkx (:func:`kg.graph.build_graph`); ``tests/test_digraph16.py`` checks that
both kinds answer alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class NodeView:
    """``g.nodes``: ``g.nodes[n]``, ``g.nodes.get(n, default)``, ``g.nodes(data=True)``, iteration, ``in``."""

    def __init__(self, nodes: dict[str, dict[str, Any]]):
        self._nodes = nodes

    def __getitem__(self, n: str) -> dict[str, Any]:
        return self._nodes[n]

    def get(self, n: Any, default: Any = None) -> Any:
        return self._nodes.get(n, default) if isinstance(n, str) else default

    def __call__(self, data: bool = False) -> Any:
        return list(self._nodes.items()) if data else list(self._nodes)

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, n: object) -> bool:
        return n in self._nodes


class EdgeView:
    """``g.edges``: ``g.edges[u, v]`` and ``g.edges(data=True)`` (in the order networkx gives: by source node)."""

    def __init__(self, g: DiGraph):
        self._g = g

    def __getitem__(self, uv: tuple[str, str]) -> dict[str, Any]:
        return self._g._succ[uv[0]][uv[1]]

    def __call__(self, data: bool = False) -> list[Any]:
        out = [(u, v, d) for u, nbrs in self._g._succ.items() for v, d in nbrs.items()]
        return out if data else [(u, v) for u, v, _ in out]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self(data=False))

    def __len__(self) -> int:
        return self._g.number_of_edges()


class DiGraph:
    """Directed graph: nodes with attribute dicts, at most one edge per ordered pair."""

    def __init__(self) -> None:
        self._node: dict[str, dict[str, Any]] = {}
        self._succ: dict[str, dict[str, dict[str, Any]]] = {}
        self._pred: dict[str, dict[str, dict[str, Any]]] = {}
        self.nodes = NodeView(self._node)
        self.edges = EdgeView(self)

    def add_node(self, n: str, /, **attr: Any) -> None:
        if n not in self._node:
            self._node[n] = {}
            self._succ[n] = {}
            self._pred[n] = {}
        self._node[n].update(attr)

    def add_edge(self, u: str, v: str, /, **attr: Any) -> None:
        for n in (u, v):
            if n not in self._node:
                self.add_node(n)
        d = self._succ[u].get(v)
        if d is None:
            d = {}
            self._succ[u][v] = d
            self._pred[v][u] = d
        d.update(attr)

    def has_edge(self, u: str, v: str) -> bool:
        return u in self._succ and v in self._succ[u]

    def remove_edge(self, u: str, v: str) -> None:
        del self._succ[u][v]
        del self._pred[v][u]

    def out_edges(self, n: str, data: bool = False) -> list[Any]:
        nbrs = self._succ.get(n, {})
        return [(n, v, d) for v, d in nbrs.items()] if data else [(n, v) for v in nbrs]

    def in_edges(self, n: str, data: bool = False) -> list[Any]:
        nbrs = self._pred.get(n, {})
        return [(u, n, d) for u, d in nbrs.items()] if data else [(u, n) for u in nbrs]

    def successors(self, n: str) -> Iterator[str]:
        return iter(self._succ[n])

    def predecessors(self, n: str) -> Iterator[str]:
        return iter(self._pred[n])

    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self) -> int:
        return sum(len(nbrs) for nbrs in self._succ.values())

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)
