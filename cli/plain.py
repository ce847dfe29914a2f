"""Text output off a terminal without importing rich (about 40 ms of every ``perfkg search`` / ``trace`` /
``show`` in a pipe; issue 16).

Off a terminal, :func:`cli.output.console` is a rich ``Console`` that never wraps, crops or colours: what it
prints is the text with the console markup taken out, and a tree drawn with rich's guides. :class:`PlainConsole`
prints exactly that itself for a string or a :class:`Tree`, and hands everything else to a real rich console
made on first use — another renderable (a table), or a string rich would change in a way this module does not
copy (an emoji code such as ``:smile:``, a tab, a control character, a line near the console's width, markup
rich would refuse). ``tests/test_plain_output.py`` checks it against rich.

:class:`Tree` is the part of ``rich.tree.Tree`` the answer renderers use (``Tree(label)``, ``.add(label)``);
a rich console draws it as a ``rich.tree.Tree`` (:meth:`Tree.to_rich`).
"""

from __future__ import annotations

import re
import sys
from typing import Any

# rich.markup.RE_TAGS and rich._emoji_replace's pattern
_TAGS = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_EMOJI = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")
_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")  # rich.markup.escape's pattern
_RICH_CHANGES = re.compile(r"[\t\r\x07\x08\x0b\x0c]")  # tabs expanded, control codes stripped by rich.text.Text
# rich.tree.Tree's guides (standard style, not ASCII): continuation, fork, end, space
_CONTINUE, _FORK, _END, _SPACE = "│   ", "├── ", "└── ", "    "


class Tree:
    """A label and children, each child a :class:`Tree`."""

    def __init__(self, label: str):
        self.label = label
        self.children: list[Tree] = []

    def add(self, label: str) -> Tree:
        node = Tree(label)
        self.children.append(node)
        return node

    def __rich__(self) -> Any:  # a rich console prints it as a rich.tree.Tree
        return self.to_rich()

    def to_rich(self) -> Any:
        from rich.tree import Tree as RichTree

        def build(node: Tree, into: Any) -> None:
            for c in node.children:
                build(c, into.add(c.label))

        root = RichTree(self.label)
        build(self, root)
        return root

    def lines(self) -> list[str] | None:
        """The tree as rich draws it, one string per line (None: a label this module does not render)."""
        out: list[str] = []
        ok = _tree_lines(self, "", "", out)
        return out if ok else None


def _tree_lines(node: Tree, first: str, rest: str, out: list[str]) -> bool:
    text = render_markup(node.label)
    if text is None:
        return False
    for k, line in enumerate(text.split("\n")):
        out.append((first if k == 0 else rest) + line)
    for k, child in enumerate(node.children):
        last = k == len(node.children) - 1
        if not _tree_lines(child, rest + (_END if last else _FORK), rest + (_SPACE if last else _CONTINUE), out):
            return False
    return True


def escape(text: str) -> str:
    """``rich.markup.escape``: the same result, without importing rich."""
    out = _ESCAPE.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", text)
    return out + "\\" if out.endswith("\\") and not out.endswith("\\\\") else out


def render_markup(markup: str) -> str | None:
    """The plain text of rich console markup (``rich.markup.render`` without styles), or None where rich would
    raise (a closing tag that closes nothing) or a ``[@…]`` handler tag is used."""
    if "[" not in markup:
        return markup
    parts: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _TAGS.finditer(markup):
        full_text, escapes, tag_text = match.groups()
        start, end = match.span()
        if start > position:
            parts.append(markup[position:start].replace("\\[", "["))
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            if backslashes:
                parts.append("\\" * backslashes)
            if escaped:
                parts.append(full_text[len(escapes):].replace("\\[", "["))
                position = end
                continue
        name = tag_text.partition("=")[0]
        if name.startswith("@"):
            return None
        if name.startswith("/"):
            closing = _normal(name[1:])
            if closing:
                if closing not in stack:
                    return None
                del stack[len(stack) - 1 - stack[::-1].index(closing)]
            elif not stack:
                return None
            else:
                stack.pop()
        else:
            stack.append(_normal(name))
        position = end
    if position < len(markup):
        parts.append(markup[position:].replace("\\[", "["))
    return "".join(parts)


def _normal(style: str) -> str:
    return " ".join(style.lower().split())


class PlainConsole:
    """Prints strings and :class:`Tree` as the pipe console of :func:`cli.output.console` does; anything else
    goes to that rich console (made on first use)."""

    def __init__(self, width: int):
        self.width = width
        self._rich: Any = None

    def rich(self) -> Any:
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(width=self.width, no_color=True, highlight=False)
        return self._rich

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich(), name)

    def print(self, *objects: Any, markup: bool | None = None, highlight: bool | None = None, **kw: Any) -> None:
        text = self._plain(objects, markup, kw)
        if text is None:
            rich_objects = [o.to_rich() if isinstance(o, Tree) else o for o in objects]
            self.rich().print(*rich_objects, markup=markup, highlight=highlight, **kw)
            return
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def _plain(self, objects: tuple[Any, ...], markup: bool | None, kw: dict[str, Any]) -> str | None:
        if kw or len(objects) != 1:
            return None
        obj = objects[0]
        if isinstance(obj, Tree):
            lines = obj.lines()
            text = None if lines is None else "\n".join(lines)
        elif isinstance(obj, str):
            text = obj if markup is False else render_markup(obj)
        else:
            return None
        if text is None or _RICH_CHANGES.search(text) or _EMOJI.search(text):
            return None
        if any(len(line) * 2 >= self.width for line in text.split("\n")):  # a wide character takes two cells
            return None
        return text
