"""Word 97–2003 binary documents (``.doc``, and ``.wps`` files WPS saves in that format), with their tables.

The file is an OLE2 container ([MS-CFB], read with olefile); its ``WordDocument`` stream starts with the FIB,
which locates, in the ``0Table``/``1Table`` stream, the piece table (CLX: where each run of the main text lies,
8-bit or UTF-16) and the paragraph properties (PlcBtePapx → 512-byte PAPX pages). A paragraph whose properties
say it is in a table ends at a cell mark (``\\x07``); the one that also says it ends a row (TTP) closes the row
[MS-DOC 2.4.3]. So the main text becomes, in order, one-cell rows of the paragraphs outside tables (location
``para 5``) and the tables' rows of cells (``table 2 row 3``; a cell ``table 2 row 3 col 1``), a cell's paragraphs
joined. Field codes are left out (their results kept), as are object anchors. Only the main text is read (not
headers, footnotes or text boxes). An encrypted file or one with no Word stream is a one-line error.
"""

from __future__ import annotations

import io
import struct
from bisect import bisect_right
from dataclasses import dataclass

from kg.errors import InputError
from kg.native.grid import RawCell, RawRow, clean_cell, make_source
from kg.reading import SourceText

WORD_IDENT = 0xA5EC
OLD_WORD_IDENTS = (0xA5DC, 0xA5DB)  # Word 6.0/95, Word 2.0
# FIB offsets ([MS-DOC] 2.5.1): flags, ccpText, and the fc/lcb pairs of the piece table and PAPX bin table.
FIB_FLAGS, FIB_CCP_TEXT, FIB_CLX, FIB_PAPX_BINS = 0x000A, 0x004C, 0x01A2, 0x0102
F_WHICH_TBL_STM, F_ENCRYPTED = 0x0200, 0x0100
FKP_PAGE = 512
COMPRESSED = 0x40000000  # an 8-bit (cp1252) piece: its fc is twice the byte offset
# Paragraph sprms: in a table, ends a row (TTP), nesting depth; the inner-table versions for nested tables.
SPRM_IN_TABLE, SPRM_TTP, SPRM_INNER_TTP, SPRM_ITAP = 0x2416, 0x2417, 0x244B, 0x6649
# Characters of the text stream: paragraph end, cell/row mark, line break, page/section break, field marks.
PARA_END, CELL_MARK, LINE_BREAK, PAGE_BREAK = "\r", "\x07", "\x0b", "\x0c"
FIELD_BEGIN, FIELD_SEP, FIELD_END = "\x13", "\x14", "\x15"
# Anchors, footnote refs and the optional hyphen dropped; the non-breaking hyphen and space made plain.
VISIBLE = {**dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f")), 0x1E: "-", 0xA0: " "}


@dataclass
class Para:
    """A paragraph: its visible text, whether it is in a table, whether its mark ends a cell, or the row."""

    text: str
    in_table: bool
    row_end: bool
    cell_end: bool = False


def read_doc(data: bytes, path: str) -> SourceText:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        word = ole.openstream("WordDocument").read()
        flags = _u16(word, FIB_FLAGS)
        if _u16(word, 0) in OLD_WORD_IDENTS:
            raise InputError("is a Word 6.0/95 document: open it and save it as .docx", path)
        if _u16(word, 0) != WORD_IDENT:
            raise InputError("is not a Word 97–2003 document (no Word FIB)", path)
        if flags & F_ENCRYPTED:
            raise InputError("is a password-protected Word document: open it and save it without a password", path)
        table_name = "1Table" if flags & F_WHICH_TBL_STM else "0Table"
        table = ole.openstream(table_name).read()
    except InputError:
        raise
    except (OSError, struct.error, ValueError, IndexError) as e:  # olefile's and struct's errors on damage
        raise InputError(f"corrupt or truncated Word document: {type(e).__name__}: {e}", path) from None
    try:
        paras = paragraphs(word, table)
    except (struct.error, ValueError, IndexError) as e:
        raise InputError(f"corrupt Word document structure: {type(e).__name__}: {e}", path) from None
    return make_source(paras_to_rows(paras), data, path, "doc")


def _u16(b: bytes, off: int) -> int:
    return int(struct.unpack_from("<H", b, off)[0])


def _u32(b: bytes, off: int) -> int:
    return int(struct.unpack_from("<I", b, off)[0])


def pieces(word: bytes, table: bytes) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first CP, CP after, byte offset in WordDocument, 8-bit?) of each run of text."""
    fc, lcb = _u32(word, FIB_CLX), _u32(word, FIB_CLX + 4)
    clx = table[fc:fc + lcb]
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: property modifiers, skipped
        i += 3 + _u16(clx, i + 1)
    if i >= len(clx) or clx[i] != 0x02:
        raise ValueError("no piece table (Pcdt) in the CLX")
    size = _u32(clx, i + 1)
    plc = clx[i + 5:i + 5 + size]
    n = (size - 4) // 12
    cps = [_u32(plc, 4 * k) for k in range(n + 1)]
    out = []
    for k in range(n):
        fc_raw = _u32(plc, 4 * (n + 1) + 8 * k + 2)
        compressed = bool(fc_raw & COMPRESSED)
        offset = (fc_raw & ~COMPRESSED) // 2 if compressed else fc_raw
        out.append((cps[k], cps[k + 1], offset, compressed))
    return out


def main_text(word: bytes, table: bytes) -> tuple[str, list[int]]:
    """The main document's characters (CP 0 to ccpText) and the byte offset in WordDocument of each."""
    ccp = _u32(word, FIB_CCP_TEXT)
    chars: list[str] = []
    fcs: list[int] = []
    for cp0, cp1, offset, compressed in pieces(word, table):
        if cp0 >= ccp:
            break
        n = min(cp1, ccp) - cp0
        if compressed:
            chars.append(word[offset:offset + n].decode("cp1252", "replace"))
            fcs.extend(range(offset, offset + n))
        else:
            chars.append(word[offset:offset + 2 * n].decode("utf-16-le", "replace"))
            fcs.extend(range(offset, offset + 2 * n, 2))
    return "".join(chars), fcs


def paragraph_props(word: bytes, table: bytes) -> tuple[list[int], list[tuple[bool, bool]]]:
    """PAPX runs: their FC starts (sorted) and for each (in a table, ends a row)."""
    fc, lcb = _u32(word, FIB_PAPX_BINS), _u32(word, FIB_PAPX_BINS + 4)
    plc = table[fc:fc + lcb]
    n = (len(plc) - 4) // 8
    starts: list[int] = []
    props: list[tuple[bool, bool]] = []
    for k in range(n):
        pn = _u32(plc, 4 * (n + 1) + 4 * k) & 0x3FFFFF
        page = word[pn * FKP_PAGE:(pn + 1) * FKP_PAGE]
        crun = page[FKP_PAGE - 1]
        for j in range(crun):
            starts.append(_u32(page, 4 * j))
            b_offset = page[4 * (crun + 1) + 13 * j]
            props.append(_papx_flags(page, 2 * b_offset) if b_offset else (False, False))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return [starts[i] for i in order], [props[i] for i in order]


def _papx_flags(page: bytes, off: int) -> tuple[bool, bool]:
    cb = page[off]
    size = 2 * page[off + 1] if cb == 0 else 2 * cb - 1
    start = off + (2 if cb == 0 else 1)
    grpprl = page[start + 2:start + size]  # after the istd
    in_table = row_end = False
    itap = 0
    i = 0
    while i + 2 <= len(grpprl):
        sprm = _u16(grpprl, i)
        i += 2
        width = _operand_width(sprm, grpprl, i)
        operand = grpprl[i:i + width]
        i += width
        if sprm == SPRM_IN_TABLE:
            in_table = bool(operand[:1] and operand[0])
        elif sprm in (SPRM_TTP, SPRM_INNER_TTP):
            row_end = row_end or bool(operand[:1] and operand[0])
        elif sprm == SPRM_ITAP and len(operand) == 4:
            itap = _u32(operand, 0)
    return in_table or itap > 0, row_end


def _operand_width(sprm: int, grpprl: bytes, i: int) -> int:
    spra = sprm >> 13
    if spra in (0, 1):
        return 1
    if spra in (2, 4, 5):
        return 2
    if spra == 3:
        return 4
    if spra == 7:
        return 3
    if sprm == 0xD608:  # sprmTDefTable: a 2-byte size (minus one)
        return _u16(grpprl, i) + 1 if i + 2 <= len(grpprl) else len(grpprl) - i
    if sprm == 0xC615:  # sprmPChgTabs: a 1-byte size, 255 meaning a longer form
        return (grpprl[i] + 1) if i < len(grpprl) and grpprl[i] != 255 else len(grpprl) - i
    return (grpprl[i] + 1) if i < len(grpprl) else 0


def paragraphs(word: bytes, table: bytes) -> list[Para]:
    """The main text cut into paragraphs at paragraph ends and cell marks, each with its table flags."""
    text, fcs = main_text(word, table)
    starts, props = paragraph_props(word, table)
    out: list[Para] = []
    begin = 0
    for i, ch in enumerate(text):
        if ch not in (PARA_END, CELL_MARK):
            continue
        k = bisect_right(starts, fcs[i]) - 1
        in_table, row_end = props[k] if k >= 0 else (False, False)
        mark = ch == CELL_MARK
        out.append(Para(_visible(text[begin:i]), in_table or mark, row_end and mark, mark and not row_end))
        begin = i + 1
    if begin < len(text) and text[begin:].strip():
        out.append(Para(_visible(text[begin:]), False, False))
    return out


def _visible(s: str) -> str:
    """A paragraph's text as shown: field codes dropped (results kept), anchors dropped, breaks as spaces."""
    out: list[str] = []
    depth_code: list[bool] = []  # per open field: still in its code part
    for ch in s:
        if ch == FIELD_BEGIN:
            depth_code.append(True)
        elif ch == FIELD_SEP and depth_code:
            depth_code[-1] = False
        elif ch == FIELD_END and depth_code:
            depth_code.pop()
        elif not any(depth_code):
            out.append("\n" if ch in (LINE_BREAK, PAGE_BREAK) else ch)
    return "".join(out).translate(VISIBLE)


def paras_to_rows(paras: list[Para]) -> list[RawRow]:
    """Paragraphs → one-cell rows outside tables and the tables' rows (see the module doc)."""
    rows: list[RawRow] = []
    cells: list[str] = []
    cell_parts: list[str] = []
    tables = n_para = 0
    row_no = 0
    in_table = False
    for p in paras:
        if not p.in_table:
            in_table = False
            if cell_parts or cells:  # a table cut off without its row mark: keep what it held
                rows.append(_row(cells + ["\n".join(cell_parts)], tables, row_no + 1))
                cells, cell_parts = [], []
            n_para += 1
            text = clean_cell(p.text)
            if text:
                rows.append(RawRow([RawCell(text, f"para {n_para}")], f"para {n_para}"))
            continue
        if not in_table:
            in_table, tables, row_no = True, tables + 1, 0
        if p.row_end:  # the row mark after the row's last cell
            row_no += 1
            rows.append(_row(cells, tables, row_no))
            cells, cell_parts = [], []
            continue
        cell_parts.append(p.text)
        if p.cell_end:  # else a paragraph inside the cell: the cell goes on
            cells.append("\n".join(cell_parts))
            cell_parts = []
    if cells or cell_parts:
        rows.append(_row(cells + (["\n".join(cell_parts)] if cell_parts else []), tables, row_no + 1))
    return rows


def _row(cells: list[str], table: int, row: int) -> RawRow:
    loc = f"table {table} row {row}"
    return RawRow([RawCell(clean_cell(t), f"{loc} col {c}") for c, t in enumerate(cells, start=1)], loc,
                  f"table {table}")
