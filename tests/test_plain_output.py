"""Issue 16: off a terminal, :class:`cli.plain.PlainConsole` prints what rich's pipe console prints — markup
strings, escaped user text and trees — without importing rich; what it does not copy goes to rich."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.tree import Tree as RichTree

from cli.output import PIPE_WIDTH
from cli.plain import PlainConsole, Tree, escape, render_markup

# characters that make markup, escapes, emoji codes, wide cells, control codes and line breaks
ALPHABET = st.sampled_from(list("ab/[]\\@=:#  中«»\n\t\r-x") + ["[bold]", "[/bold]", "[/]", "[dim]", ":smile:"])
TEXT = st.lists(ALPHABET, max_size=14).map("".join)


def rich_pipe(obj: object, **kw: object) -> str:
    con = Console(width=PIPE_WIDTH, no_color=True, highlight=False, file=None, record=False)
    with con.capture() as cap:
        con.print(obj, **kw)  # type: ignore[arg-type]
    return cap.get()


def plain(obj: object, capsys: pytest.CaptureFixture[str], **kw: object) -> tuple[str, bool]:
    """What PlainConsole prints, and whether it printed it itself (not through rich)."""
    con = PlainConsole(PIPE_WIDTH)
    con.print(obj, **kw)  # type: ignore[arg-type]
    return capsys.readouterr().out, con._rich is None


def rich_of(markup: str) -> str | Exception:
    try:
        return rich_pipe(markup)
    except Exception as e:  # MarkupError
        return e


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_escape_is_riches(text: str) -> None:
    assert escape(text) == rich_escape(text)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_markup_prints_as_rich_prints_it(text: str) -> None:
    import io
    import sys

    for markup in (None, False):
        expected = rich_of(text) if markup is None else rich_pipe(text, markup=False)
        buf, old = io.StringIO(), sys.stdout
        sys.stdout = buf
        try:
            con = PlainConsole(PIPE_WIDTH)
            if isinstance(expected, Exception):
                with pytest.raises(type(expected)):
                    con.print(text, markup=markup)
                continue
            con.print(text, markup=markup)
        finally:
            sys.stdout = old
        assert buf.getvalue() == expected


def test_escaped_text_in_markup_comes_back_as_is() -> None:
    for text in ("[bold]x[/bold]", "a\\", "[/]", "\\[x]", "项目[a-b]"):
        assert render_markup(f"[dim]{escape(text)}[/dim]") == text


def _trees() -> st.SearchStrategy[Tree]:
    label = st.sampled_from(["project [bold]x[/bold]", "a\nb", "", "中文 «m»", "[dim]f.txt:1-2[/dim]", "x [1]"])

    def build(labels: list[str], shape: list[int]) -> Tree:
        nodes = [Tree(labels[0])]
        for k, lab in enumerate(labels[1:]):
            nodes.append(nodes[shape[k % len(shape)] % len(nodes)].add(lab))
        return nodes[0]

    return st.builds(build, st.lists(label, min_size=1, max_size=9), st.lists(st.integers(0, 8), min_size=1,
                                                                                    max_size=9))


@settings(max_examples=200, deadline=None)
@given(_trees())
def test_trees_print_as_rich_trees(tree: Tree) -> None:
    import io
    import sys

    buf, old = io.StringIO(), sys.stdout
    sys.stdout = buf
    try:
        con = PlainConsole(PIPE_WIDTH)
        con.print(tree)
    finally:
        sys.stdout = old
    assert con._rich is None and buf.getvalue() == rich_pipe(tree.to_rich())


def test_the_usual_answer_lines_need_no_rich(capsys: pytest.CaptureFixture[str]) -> None:
    tree = Tree("[bold cyan]project[/bold cyan] 外事工作经费 [11010223T000004048691]  700000.08 元 [dim]a.txt:5[/dim]")
    tree.add("[green]funding[/green] 7 元 ").add("function: 201 一般公共服务支出 › 20103")
    tree.add("[bold]department[/bold] 外事办公室 (-)")
    out, own = plain(tree, capsys)
    assert own and out.splitlines()[1].startswith("├── funding 7 元 ") and "│   └── function" in out
    assert plain("did you mean: 外事 · " + escape("[x]"), capsys) == ("did you mean: 外事 · [x]\n", True)


def test_what_plain_does_not_copy_goes_to_rich(capsys: pytest.CaptureFixture[str]) -> None:
    out, own = plain("a :smile: b", capsys)
    assert not own and out == rich_pipe("a :smile: b")
    out, own = plain("a\tb", capsys, markup=False)
    assert not own and out == rich_pipe("a\tb", markup=False)
    wide = "中" * (PIPE_WIDTH // 2 + 1)
    out, own = plain(wide, capsys)
    assert not own and out == rich_pipe(wide)


def test_rich_tree_conversion_keeps_the_shape() -> None:
    t = Tree("root")
    t.add("a").add("b")
    r = t.__rich__()
    assert isinstance(r, RichTree) and r.children[0].children[0].label == "b"
