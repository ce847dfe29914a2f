"""Annotated PDFs: a copy of each PDF source with every finding's evidence boxed on its page and numbered by
its finding, and a legend page (number, severity, kind, project, message, citation) at the end.

Evidence is found on the page by its own words: the quoted cells of the evidence (compared squeezed, as the
audit compares text) are looked up in each page's characters, and the line of the page where most of them
sit is boxed. This needs no bounding boxes from the reader; evidence whose words are not on any page is
listed on the legend as "not located" rather than boxed somewhere doubtful.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from kg.audit.findings import Evidence, Finding
from kg.audit.tolerances import squeeze
from kg.errors import InputError

# Cells of an evidence text looked up (the first ones), and the characters of each used.
CELLS_USED, CELL_CHARS = 6, 12
# The shortest cell (squeezed) that may locate evidence alone.
MIN_CELL_CHARS = 2
# Characters whose tops differ by less than this (points) are on one line.
LINE_TOLERANCE = 3.0
BOX_PAD = 2.0
COLORS = {"error": (200, 30, 30), "warning": (230, 140, 0), "info": (120, 120, 120)}
LEGEND_FONT, LEGEND_SIZE, LEGEND_LINE, LEGEND_MARGIN, LEGEND_CHARS = "STSong-Light", 8, 11, 40, 95


@dataclass
class Box:
    page: int  # 0-based
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageChars:
    text: str  # squeezed characters of the page, in reading order
    boxes: list[tuple[float, float, float, float]]  # x0, top, x1, bottom of each character of text


def page_chars(page: object) -> PageChars:
    text, boxes = [], []
    for c in page.chars:  # type: ignore[attr-defined]
        for ch in squeeze(c["text"]):
            text.append(ch)
            boxes.append((c["x0"], c["top"], c["x1"], c["bottom"]))
    return PageChars("".join(text), boxes)


def evidence_cells(e: Evidence) -> list[str]:
    cells = [squeeze(t)[:CELL_CHARS] for t in re.split(r"\s+", e.text or "")]
    return [c for c in cells if len(c) >= MIN_CELL_CHARS][:CELLS_USED]


def locate(e: Evidence, pages: list[PageChars]) -> Box | None:
    """The line of a page holding most of the evidence's cells (at least two, or its only cell)."""
    cells = evidence_cells(e)
    if not cells:
        return None
    best: tuple[int, Box] | None = None
    for n, pc in enumerate(pages):
        lines: dict[int, list[tuple[str, tuple[float, float, float, float]]]] = {}
        for cell in cells:
            start = pc.text.find(cell)
            while start >= 0:
                bs = pc.boxes[start:start + len(cell)]
                if max(b[1] for b in bs) - min(b[1] for b in bs) < LINE_TOLERANCE:
                    box = (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
                    lines.setdefault(round(box[1] / LINE_TOLERANCE), []).append((cell, box))
                start = pc.text.find(cell, start + 1)
        for hits in lines.values():
            found = len({c for c, _ in hits})
            if found < min(2, len(cells)) or (best and found <= best[0]):
                continue
            bs = [b for _, b in hits]
            best = (found, Box(n, min(b[0] for b in bs) - BOX_PAD, min(b[1] for b in bs) - BOX_PAD,
                               max(b[2] for b in bs) + BOX_PAD, max(b[3] for b in bs) + BOX_PAD))
    return best[1] if best else None


def annotate_pdf(src: Path, out: Path, findings: list[tuple[int, Finding]]) -> tuple[int, int]:
    """Write ``out``: ``src`` with the evidence of the numbered findings boxed, and a legend. Returns (boxed,
    not located)."""
    import pdfplumber
    import pypdfium2 as pdfium

    try:
        with pdfplumber.open(src) as doc:
            pages = [page_chars(p) for p in doc.pages]
            heights = [float(p.height) for p in doc.pages]
        pdf = pdfium.PdfDocument(str(src))
    except Exception as e:  # noqa: BLE001 - any unreadable PDF is one input error
        raise InputError(f"cannot read the PDF ({e})", str(src)) from None
    boxed, missing = 0, []
    opened: dict[int, object] = {}  # one handle per page: objects are written when that handle generates content
    for number, f in findings:
        for e in f.evidence:
            box = locate(e, pages)
            if box is None:
                missing.append((number, e))
                continue
            page = opened.setdefault(box.page, pdf[box.page])
            _draw(pdf, page, box, heights[box.page], number, COLORS.get(f.severity, COLORS["info"]))
            boxed += 1
    for page in opened.values():
        page.gen_content()  # type: ignore[attr-defined]
    pdf.import_pages(pdfium.PdfDocument(_legend(src.name, findings, missing)))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(str(out))
    except OSError as e:
        raise InputError(f"cannot write the annotated PDF ({e.strerror or e})", str(out)) from None
    return boxed, len(missing)


def _draw(pdf: object, page: object, box: Box, height: float, number: int, rgb: tuple[int, int, int]) -> None:
    import pypdfium2.raw as raw

    y = height - box.bottom
    rect = raw.FPDFPageObj_CreateNewRect(box.x0, y, box.x1 - box.x0, box.bottom - box.top)
    raw.FPDFPageObj_SetStrokeColor(rect, *rgb, 255)
    raw.FPDFPageObj_SetStrokeWidth(rect, 1.2)
    raw.FPDFPath_SetDrawMode(rect, raw.FPDF_FILLMODE_NONE, True)
    raw.FPDFPage_InsertObject(page.raw, rect)  # type: ignore[attr-defined]
    label = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica-Bold", 7.0)  # type: ignore[attr-defined]
    text = (str(number) + "\x00").encode("utf-16-le")
    raw.FPDFText_SetText(label, raw.cast(raw.c_char_p(text), raw.POINTER(raw.FPDF_WCHAR)))
    raw.FPDFPageObj_SetFillColor(label, *rgb, 255)
    raw.FPDFPageObj_Transform(label, 1, 0, 0, 1, box.x0, height - box.top + 1)
    raw.FPDFPage_InsertObject(page.raw, label)  # type: ignore[attr-defined]


def _legend(name: str, findings: list[tuple[int, Finding]], missing: list[tuple[int, Evidence]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(LEGEND_FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    lines = [f"perfkg audit — {name}: {len(findings)} findings", ""]
    for n, f in findings:
        text = f"{n}. [{f.severity}] {f.kind} {f.project or ''}: {f.message}"
        lines += [text[i:i + LEGEND_CHARS] for i in range(0, len(text), LEGEND_CHARS)]
    if missing:
        lines += ["", "not located on any page:"]
        lines += [f"{n}. {e.cite()} {e.text[:60]}" for n, e in missing]
    y = A4[1] - LEGEND_MARGIN
    for line in lines:
        if y < LEGEND_MARGIN:
            c.showPage()
            y = A4[1] - LEGEND_MARGIN
        c.setFont(LEGEND_FONT, LEGEND_SIZE)
        c.drawString(LEGEND_MARGIN, y, line)
        y -= LEGEND_LINE
    c.showPage()
    c.save()
    return buf.getvalue()


def annotate_sources(findings: list[Finding], sources: dict[str, Path], out_dir: Path) -> list[tuple[Path, int, int]]:
    """One annotated copy per PDF source (file name → path) with findings; findings numbered in report order."""
    numbered = list(enumerate(findings, 1))
    out = []
    for name, path in sorted(sources.items()):
        mine = [(n, f) for n, f in numbered if f.file == name]
        if path.suffix.lower() == ".pdf" and path.is_file() and mine:
            target = Path(out_dir) / f"{path.stem}.annotated.pdf"
            boxed, missing = annotate_pdf(path, target, mine)
            out.append((target, boxed, missing))
    return out
