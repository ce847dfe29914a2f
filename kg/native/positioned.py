"""Tables from ruling lines and positioned text (an HTML rendering of a PDF: ``div.r`` rules, ``div.p`` text).

The rules become edges for pdfplumber's table geometry (merge, intersections, cells, tables); each text run
goes to the cell its left end starts in; a cell's runs are ordered top-down, left-right and joined as a
wrapped cell (:func:`kg.native.grid.join_broken`). Runs outside every table stay lines of words.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.native.grid import RawCell, RawRow, Word, join_broken

Edge = dict[str, float | str]
BBox = tuple[float, float, float, float]
# pdfplumber's default snap/join/intersection tolerances (points)
SNAP = 3.0
JOIN = 3.0
MIN_EDGE = 3.0


def edge(x0: float, top: float, x1: float, bottom: float) -> Edge | None:
    """A horizontal or vertical rule as a pdfplumber edge (None when it is neither or too short)."""
    w, h = x1 - x0, bottom - top
    if w >= MIN_EDGE and h <= 1.5:
        return {"x0": x0, "x1": x1, "top": top, "bottom": top, "width": w, "height": 0.0, "orientation": "h",
                "object_type": "line"}
    if h >= MIN_EDGE and w <= 1.5:
        return {"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0, "height": h, "orientation": "v",
                "object_type": "line"}
    return None


@dataclass
class Table:
    bbox: BBox
    cells: list[BBox]


def find_tables(edges: list[Edge]) -> list[Table]:
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    if not edges:
        return []
    merged = merge_edges(edges, SNAP, SNAP, JOIN, JOIN)
    cells = intersections_to_cells(edges_to_intersections(merged, 1, 1))
    out = []
    for group in cells_to_tables(cells):
        if len(group) < 2:
            continue
        bbox = (min(c[0] for c in group), min(c[1] for c in group), max(c[2] for c in group),
                max(c[3] for c in group))
        out.append(Table(bbox, group))
    return sorted(out, key=lambda t: (t.bbox[1], t.bbox[0]))


def inside(w: Word, box: BBox) -> bool:
    """Whether a run starts in ``box`` (its left end, half a line down)."""
    x, y = w.x0 + 0.5, (w.top + w.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def table_rows(table: Table, words: list[Word], page: int, t: int) -> list[RawRow]:
    """The table's grid rows (location ``p3 t1 r2``; merged cells as in the PDF reader)."""
    xs = sorted({c[0] for c in table.cells})
    tops = sorted({c[1] for c in table.cells})
    col = {x: i for i, x in enumerate(xs)}
    row = {y: i for i, y in enumerate(tops)}
    grid: dict[tuple[int, int], tuple[str, str | None, BBox]] = {}
    # a frame drawn around a table is a cell holding cells: each run goes to the smallest cell it starts in,
    # and grid positions go to the smallest cell covering them
    by_area = sorted(table.cells, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    owned: dict[BBox, list[Word]] = {}
    for w in words:
        box = next((b for b in by_area if inside(w, b)), None)
        if box is not None:
            owned.setdefault(box, []).append(w)
    for box in by_area:
        r0, c0 = row[box[1]], col[box[0]]
        c1 = max((i for i, x in enumerate(xs) if x < box[2] - 0.5), default=c0)  # a cell thinner than half a
        r1 = max((i for i, y in enumerate(tops) if y < box[3] - 0.5), default=r0)  # point spans its own column
        c1, r1 = max(c1, c0), max(r1, r0)
        mine = sorted(owned.get(box, []), key=lambda w: (round(w.top, 1), w.x0))
        text = join_broken(_lines(mine))
        ref = f"R{r0 + 1}C{c0 + 1}:R{r1 + 1}C{c1 + 1}" if (r1, c1) != (r0, c0) else None
        if (r0, c0) in grid:  # a frame whose corner a smaller cell holds: its text (if any) goes first free
            free = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) not in grid]
            if not free:
                continue
            r0, c0 = free[0]
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                grid.setdefault((r, c), (text if (r, c) == (r0, c0) else "", ref, box))
    out = []
    for r in range(len(tops)):
        cells = [RawCell(grid[(r, c)][0], f"p{page} t{t} r{r + 1} c{c + 1}",
                         tuple(round(v, 2) for v in grid[(r, c)][2]), grid[(r, c)][1])  # type: ignore[arg-type]
                 if (r, c) in grid else RawCell("", f"p{page} t{t} r{r + 1} c{c + 1}", present=False)
                 for c in range(len(xs))]
        out.append(RawRow(cells, f"p{page} t{t} r{r + 1}", f"p{page} t{t}"))
    return [r for r in out if any(c.text for c in r.cells)]


def _lines(words: list[Word]) -> list[str]:
    """A cell's runs as its lines: runs on one line (tops within half a font size) joined by a space."""
    lines: list[list[Word]] = []
    for w in words:
        if lines and abs(w.top - lines[-1][0].top) < 0.5 * max(w.size, 1.0):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [" ".join(x.text for x in sorted(line, key=lambda w: w.x0)) for line in lines]
