"""What trace and show share: open the store read-only, answer, and print the answer as JSON, CSV/TSV or text.

One contract for both (and for search's exit codes): status ``ok`` exits 0; ``not_found`` (nothing matches)
and ``ambiguous`` (show: candidates listed, nothing shown: choose with ``--pick N``) exit 1; a bad query,
option or store exits 2. trace answers every match: its ``several`` (one trace per project) exits 0. The JSON always has ``query``, ``status``, ``candidates`` (a list) and the items.

CSV/TSV rows are the facts of every answer under one header (:data:`FACT_COLS`): a target, its project, each
funding line, department, document, targets, department-wide rows and other years; a classification's projects;
a department's projects per document; or, for an ambiguous query, the candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import EXIT_FINDINGS, print_json, run
from cli.output import Col, console, print_rows
from cli.plain import escape

if TYPE_CHECKING:
    from rich.console import Console

    from cli.plain import Tree

FACT_COLS = (Col("answer", True), Col("step", True), Col("text"), Col("amount (元)", True), Col("code", True),
             Col("department", drop=2), Col("year", True), Col("method", True, drop=3),
             Col("confidence", True, drop=3), Col("cite", True))
CANDIDATE_COLS = (Col("N", True), Col("kind", True), Col("text"), Col("project"), Col("department", drop=1),
                  Col("year", True), Col("score", True, drop=2), Col("how", True, drop=2), Col("file", True, drop=3))


def answer_from_store(store: Path | None, answer: Callable[[Any], dict[str, Any]], as_json: bool, items_key: str,
                      render: Callable[[Console, dict[str, Any]], None], fmt: str = "text") -> None:
    """Open the store, compute ``answer(store)``, print it as JSON, CSV/TSV, a candidate list when ambiguous,
    or each of ``result[items_key]`` with ``render``; exit 1 when the answer is not_found or ambiguous."""
    from kg.store import open_store

    def go() -> dict[str, Any]:
        with open_store(store) as st:
            return answer(st)

    result = run(go)
    if as_json:
        print_json(result)
    elif fmt != "text" and result["status"] == "several" and not result[items_key]:
        print_rows(CANDIDATE_COLS, candidate_rows(result["candidates"]), fmt)
    elif fmt != "text":
        if result["status"] == "ambiguous":
            print_rows(CANDIDATE_COLS, candidate_rows(result["candidates"]), fmt)
        else:
            print_rows(FACT_COLS, [r for n, item in enumerate(result[items_key], 1) for r in fact_rows(n, item)], fmt)
    else:
        con = console()
        if result["status"] == "not_found":
            con.print(f"no matches for {result['query']}", markup=False)
        elif result["status"] == "ambiguous":
            render_candidates(con, result)
        elif result["status"] == "several":
            render_several(con, result, items_key)
        for item in result[items_key]:
            render(con, item)
    if result["status"] not in ("ok", "several"):
        raise SystemExit(EXIT_FINDINGS)


def money(amount: Any) -> str:
    """An amount in text output: exact yuan as stored (``2413800.00``), ``?`` when unknown; always with 元."""
    return f"{amount} 元" if amount not in (None, "") else "? 元"


def _link(x: dict[str, Any]) -> str:
    if x.get("method") in (None, "exact"):
        return ""
    return f" [magenta]({x['method']} {x['confidence']:.2f})[/magenta]"


def _cite(x: dict[str, Any]) -> str:
    return f" [dim]{escape(x['cite'])}[/dim]" if x.get("cite") else ""


def class_path_text(path: list[dict[str, Any]]) -> str:
    return " › ".join(f"{p['code']}{' ' + p['name'] if p.get('name') else ''}" for p in path)


def target_text(x: dict[str, Any]) -> str:
    op = "" if x.get("op") in (None, "定性") else f"{x['op']} "
    value = "" if x.get("value") == x.get("l3") else f"{x.get('value') or ''}{x.get('unit') or ''}"
    return f"{x.get('l3') or ''} {op}{value}".strip()


def project_tree(t: dict[str, Any]) -> Tree:
    """A project trace as a tree: (start →) project → funding → department / document, indicators, other years."""
    from cli.plain import Tree

    start = t.get("start")
    p = t.get("project")
    head = f"[bold]target[/bold] {escape(target_text(start))}{_link(start)}{_cite(start)}" if start else ""
    if p is None:
        root = Tree(head or "?")
        root.add("[yellow]not tied to any project of its document[/yellow]")
        return root
    code = f" [{escape(p['code'])}]" if p.get("code") else ""
    label = f"[bold cyan]project[/bold cyan] {escape(p['name'])}{code}  {money(p.get('amount'))}{_cite(p)}"
    root = Tree(head) if start else Tree(label)
    node = root.add(label) if start else root
    if p.get("aliases"):
        node.add(f"aliases: {escape(', '.join(p['aliases']))}")
    if p.get("seen_in"):
        node.add(f"also printed in: {escape('; '.join(p['seen_in']))}")
    for f in t["funding"]:
        line = node.add(f"[green]funding[/green] {money(f.get('amount'))} {escape(f.get('source') or '')}"
                        f"{_link(f)}{_cite(f)}")
        for scheme in ("function", "econ_gov", "econ_dept"):
            if f[scheme]:
                line.add(f"{scheme}: {escape(class_path_text(f[scheme]))}")
    dep, doc = t["department"], t["document"]
    node.add(f"[bold]department[/bold] {escape(dep.get('name') or '?')} ({dep.get('code') or '-'})")
    node.add(f"[bold]document[/bold] {escape(doc.get('source') or '?')}  {doc.get('year') or '?'} "
             f"{doc.get('doc_kind') or '?'}")
    if t["indicators"] and not start:
        inds = node.add(f"{len(t['indicators'])} targets")
        for i in t["indicators"]:
            inds.add(f"{escape(i.get('l2') or '')}: {escape(target_text(i))}{_link(i)}{_cite(i)}")
    if t.get("department_indicators"):
        rows = node.add(f"{len(t['department_indicators'])} department-wide table rows")
        for x in t["department_indicators"]:
            rows.add(f"{escape(target_text(x))}{_link(x)}{_cite(x)}")
    _evaluation_branches(node, t)
    for o in t.get("other_years", []):
        node.add(f"[blue]other year[/blue] {o.get('year') or '?'} {escape(o.get('name') or '')} "
                 f"{money(o.get('amount'))} ({escape(o.get('source') or '')}){_link(o) or ' (code 1.00)'}")
    return root


def _evaluation_branches(node: Tree, t: dict[str, Any]) -> None:
    """A self-evaluation: promised → achieved → score, the funds row, the budget project and both documents'
    targets side by side."""
    if t.get("chain"):
        node.add(f"[magenta]promised → achieved[/magenta] {escape(t['chain'])}")
    ev = t.get("evaluation")
    if ev:
        f = ev.get("funds") or {}
        node.add(f"[magenta]self-evaluation[/magenta] 总分 {escape(ev.get('total_score') or '?')}; funds: budget "
                 f"{money(f.get('budget'))}, spent {money(f.get('spent'))}, 执行率 {escape(f.get('rate') or '?')}, "
                 f"score {escape(f.get('score') or '?')}/{escape(f.get('weight') or '?')}")
    for key, what in (("budget_project", "evaluates budget project"), ("evaluated_by", "evaluated in")):
        links = t.get(key) or []
        for b in [links] if isinstance(links, dict) else links:
            node.add(f"[magenta]{what}[/magenta] {escape(b.get('name') or '')} ({escape(b.get('source') or '')} "
                     f"{b.get('year') or '?'}){_link(b)}{_cite(b)}")
    rows = t.get("side_by_side") or []
    if rows:
        side = node.add(f"{len(rows)} targets: budget | self-evaluation (achieved, score)")
        for r in rows:
            b, e = r.get("budget"), r.get("evaluation")
            left = escape(target_text(b)) if b else "—"
            right = (f"{escape(target_text(e))}, achieved {escape(e.get('actual') or '?')}, score "
                     f"{escape(e.get('score') or '?')}/{escape(e.get('weight') or '?')}"
                     + {True: " (met)", False: " [red](not met)[/red]"}.get(e.get("met"), "")) if e else "—"
            side.add(f"{escape(r.get('l3') or '')}: {left} | {right}")


def candidate_rows(cands: list[dict[str, Any]]) -> list[list[Any]]:
    return [[n, c["kind"], c.get("text") or c["label"], c.get("project"), c.get("department"), c.get("year"),
             f"{c['score']:.0f}", c["how"], c.get("source")] for n, c in enumerate(cands, 1)]


SEVERAL_COLS = (Col("N", True), Col("project"), Col("code", True, drop=2), Col("amount (元)", True),
                Col("department", drop=1), Col("year", True), Col("score", True, drop=3), Col("matching target"),
                Col("cite", True, drop=3))


def several_rows(traces: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per trace of a query several projects carry: the project, its money, year and the match."""
    rows = []
    for n, t in enumerate(traces, 1):
        p = t.get("project") or {}
        m = (t.get("matched") or [{}])[0]
        rows.append([n, p.get("name") or "(no project)", p.get("code"), p.get("amount"),
                     (t.get("department") or {}).get("name"), (t.get("document") or {}).get("year"),
                     t.get("score"), target_text(m) if m else None, m.get("cite") or p.get("cite")])
    return rows


def render_several(con: Console, result: dict[str, Any], items_key: str) -> None:
    items = result[items_key]
    con.print(f"[yellow]{escape(result['query'])!s}[/yellow] matches {len(items)} projects (best match first; "
              "--pick N traces candidate N, --limit N keeps the N best)")
    print_rows(SEVERAL_COLS, several_rows(items), con=con)


def render_candidates(con: Console, result: dict[str, Any]) -> None:
    con.print(f"[yellow]{escape(result['query'])!s} is ambiguous[/yellow]: choose one with --pick N")
    print_rows(CANDIDATE_COLS, candidate_rows(result["candidates"]), con=con)


def _fact(n: int, step: str, x: dict[str, Any], text: str, amount: Any = None, code: Any = None,
          department: Any = None, year: Any = None) -> list[Any]:
    return [n, step, text, amount, code, department, year, x.get("method"), x.get("confidence"), x.get("cite")]


def fact_rows(n: int, item: dict[str, Any]) -> Iterator[list[Any]]:
    """The facts of answer ``n`` (a project / target trace, a classification, or a department) as rows."""
    if item.get("kind") == "classification":
        c = item["classification"]
        yield [n, "classification", f"{c['scheme']} {class_path_text(c['path'])}", None, c["code"], None, None,
               None, None, None]
        for p in item["projects"]:
            pr = p["project"]
            yield [n, "project under code", pr["name"], p.get("amount_under_code"), pr.get("code"),
                   p["department"].get("name"), p["document"].get("year"), ", ".join(p["via"]), None, pr.get("cite")]
        return
    if item.get("kind") == "department":
        d = item["department"]
        for doc in item["documents"]:
            yield [n, "document", f"{doc.get('source')} {doc.get('doc_kind') or ''}".strip(),
                   doc["totals"].get("total"), d.get("code"), d.get("name"), doc.get("year"), None, None,
                   doc.get("source")]
            for p in doc["projects"]:
                yield [n, "project", p["name"], p.get("amount"), p.get("code"), d.get("name"), doc.get("year"),
                       f"{p['indicators']} targets", None, p.get("cite")]
            for f in doc.get("funding") or []:
                yield [n, "funding", f.get("recipient") or f.get("purpose"), f.get("amount"), f.get("econ_gov_code"),
                       d.get("name"), doc.get("year"), f.get("source"), None, f.get("cite")]
        return
    yield from _project_facts(n, item)


def _project_facts(n: int, t: dict[str, Any]) -> Iterator[list[Any]]:
    start, p = t.get("start"), t.get("project")
    dep = (t.get("department") or {}).get("name")
    year = (t.get("document") or {}).get("year")
    if start:
        yield _fact(n, "target", start, target_text(start), department=dep, year=year)
    if p is None:
        return
    yield [n, "project", p["name"], p.get("amount"), p.get("code"), dep, year, None, None, p.get("cite")]
    for f in t["funding"]:
        codes = "; ".join(f[s][-1]["code"] for s in ("function", "econ_gov", "econ_dept") if f[s])
        yield _fact(n, "funding", f, f.get("source") or "", f.get("amount"), codes, dep, year)
    doc = t["document"]
    yield [n, "document", f"{doc.get('source')} {doc.get('doc_kind') or ''}".strip(), None,
           t["department"].get("code"), dep, year, None, None, doc.get("source")]
    if not start:
        for i in t["indicators"]:
            yield _fact(n, "target", i, f"{i.get('l2') or ''}: {target_text(i)}".lstrip(": "), department=dep,
                        year=year)
    for x in t.get("department_indicators", []):
        yield _fact(n, "department-wide target", x, target_text(x), department=dep, year=year)
    yield from _evaluation_facts(n, t, dep, year)
    for o in t.get("other_years", []):
        yield _fact(n, "other year", o, o.get("name") or "", o.get("amount"), o.get("code"), dep, o.get("year"))


def _evaluation_facts(n: int, t: dict[str, Any], dep: Any, year: Any) -> Iterator[list[Any]]:
    if t.get("chain"):
        yield _fact(n, "promised → achieved", t["start"], t["chain"], department=dep, year=year)
    b = t.get("budget_project")
    if b:
        yield _fact(n, "budget project", b, b.get("name") or "", b.get("amount"), b.get("code"), dep, b.get("year"))
    for e in t.get("evaluated_by") or []:
        yield _fact(n, "evaluated in", e, e.get("name") or "", e.get("amount"), e.get("code"), dep, e.get("year"))
    for r in t.get("side_by_side") or []:
        b, e = r.get("budget"), r.get("evaluation")
        text = (f"{r.get('l3') or ''}: budget {target_text(b) if b else '—'} | evaluated "
                f"{target_text(e) if e else '—'}" + (f", achieved {e.get('actual')}, score {e.get('score')}/"
                                                     f"{e.get('weight')}" if e else ""))
        yield _fact(n, "side by side", {**r, "cite": (e or b or {}).get("cite")}, text, department=dep, year=year)
