"""Graph attribute helpers shared by the builders: scalar attributes, cited edges, edges of one relation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from kg.model import Provenance


def scalars(**kw: Any) -> dict[str, Any]:
    """Attributes without None; lists joined with '; ' (GraphML holds scalars only)."""
    out: dict[str, Any] = {}
    for k, v in kw.items():
        if v is None or v == "" or v == []:
            continue
        out[k] = "; ".join(map(str, v)) if isinstance(v, list) else v
    return out


def add_edge(g: nx.DiGraph, a: str, b: str, rel: str, method: str = "exact", confidence: float = 1.0,
          prov: Provenance | None = None) -> None:
    cite = prov.cite() if prov is not None and prov.line_start is not None else None
    g.add_edge(a, b, **scalars(rel=rel, method=method, confidence=float(confidence), cite=cite))


def out_edges(g: nx.DiGraph, node: str, rel: str) -> list[tuple[str, dict[str, Any]]]:
    return [(v, d) for _, v, d in g.out_edges(node, data=True) if d.get("rel") == rel]


def in_edges(g: nx.DiGraph, node: str, rel: str) -> list[tuple[str, dict[str, Any]]]:
    return [(u, d) for u, _, d in g.in_edges(node, data=True) if d.get("rel") == rel]
