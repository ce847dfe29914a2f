"""A minimal Word 97–2003 (.doc) writer for tests: paragraphs and tables in an OLE2 container.

It writes what :mod:`kg.native.doc` reads and what Word itself writes for plain text: a FIB (nFib 0xC1, table
stream 1Table), the main text as one UTF-16 piece (CLX), and paragraph properties in PAPX pages marking table
paragraphs (sprmPFInTable) and row ends (sprmPFTtp) [MS-DOC]; the container is a version-3 compound file with
512-byte sectors and every stream past the 4,096-byte mini-stream cutoff [MS-CFB].
"""

from __future__ import annotations

import struct

FIB_SIZE = 0x0800  # the text starts here
SECTOR = 512
MIN_STREAM = 4096
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
PAPX_PLAIN, PAPX_CELL, PAPX_ROW_END = b"\x00\x00", b"\x00\x00\x16\x24\x01", b"\x00\x00\x16\x24\x01\x17\x24\x01"
RUNS_PER_PAGE = 20

Block = str | list[list[str]]  # a paragraph, or a table as rows of cell texts


def doc_bytes(blocks: list[Block], encrypted: bool = False, compressed: bool = False) -> bytes:
    """A .doc holding the paragraphs and tables in order; ``compressed``: the text as one 8-bit (cp1252) piece,
    as Word stores text without characters beyond it."""
    text, runs = _text_and_runs(blocks)
    word, table = _streams(text, runs, encrypted, compressed)
    return _compound({"WordDocument": word, "1Table": table})


def rows_doc(rows: list[list[str]]) -> bytes:
    """A tab export's rows as one Word table (a ragged row keeps its own cell count)."""
    return doc_bytes([[r if r else [""] for r in rows]])


def _text_and_runs(blocks: list[Block]) -> tuple[str, list[tuple[int, bytes]]]:
    """The main text and its paragraphs as (length in characters, papx)."""
    parts: list[str] = []
    runs: list[tuple[int, bytes]] = []
    for block in blocks:
        if isinstance(block, str):
            for para in block.split("\n"):
                parts.append(para + "\r")
                runs.append((len(para) + 1, PAPX_PLAIN))
            continue
        for row in block:
            for cell in row:
                paras = cell.split("\n")  # a cell's paragraphs: all but the last end in \r
                for p in paras[:-1]:
                    parts.append(p + "\r")
                    runs.append((len(p) + 1, PAPX_CELL))
                parts.append(paras[-1] + "\x07")
                runs.append((len(paras[-1]) + 1, PAPX_CELL))
            parts.append("\x07")
            runs.append((1, PAPX_ROW_END))
    parts.append("\r")  # Word ends the document with a paragraph mark
    runs.append((1, PAPX_PLAIN))
    return "".join(parts), runs


def _streams(text: str, runs: list[tuple[int, bytes]], encrypted: bool, compressed: bool) -> tuple[bytes, bytes]:
    body = text.encode("cp1252") if compressed else text.encode("utf-16-le")
    width = 1 if compressed else 2
    fkp_start = _round_up(FIB_SIZE + len(body), SECTOR)
    pages: list[bytes] = []
    bins_fc: list[int] = []
    fc = FIB_SIZE
    for k in range(0, len(runs), RUNS_PER_PAGE):
        chunk = runs[k:k + RUNS_PER_PAGE]
        fcs = [fc]
        for n, _ in chunk:
            fc += width * n
            fcs.append(fc)
        bins_fc.append(fcs[0])
        pages.append(_fkp(fcs, [p for _, p in chunk]))
    bins_fc.append(fc)
    word = bytearray(fkp_start + SECTOR * len(pages))
    word[FIB_SIZE:FIB_SIZE + len(body)] = body
    for i, page in enumerate(pages):
        word[fkp_start + SECTOR * i:fkp_start + SECTOR * (i + 1)] = page
    plc = b"".join(struct.pack("<I", f) for f in bins_fc)
    plc += b"".join(struct.pack("<I", fkp_start // SECTOR + i) for i in range(len(pages)))
    piece_fc = (2 * FIB_SIZE) | 0x40000000 if compressed else FIB_SIZE
    clx = b"\x02" + struct.pack("<I", 8 + 8) + struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, piece_fc, 0)
    table = plc + clx
    fib = bytearray(FIB_SIZE)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x000A, 0x0200 | (0x0100 if encrypted else 0))
    struct.pack_into("<H", fib, 32, 14)
    struct.pack_into("<H", fib, 62, 22)
    struct.pack_into("<I", fib, 76, len(text))  # ccpText
    struct.pack_into("<H", fib, 152, 0x5D)
    struct.pack_into("<II", fib, 0x0102, 0, len(plc))  # PlcBtePapx
    struct.pack_into("<II", fib, 0x01A2, len(plc), len(clx))  # CLX
    word[:FIB_SIZE] = fib
    return _padded(bytes(word)), _padded(table)


def _fkp(fcs: list[int], papxs: list[bytes]) -> bytes:
    crun = len(papxs)
    page = bytearray(SECTOR)
    for i, f in enumerate(fcs):
        struct.pack_into("<I", page, 4 * i, f)
    top = SECTOR - 1  # the last byte holds crun; PAPXs are stored from the end down
    for j, grp in enumerate(papxs):
        stored = (bytes([len(grp) // 2 + 1]) if len(grp) % 2 else b"\x00" + bytes([len(grp) // 2])) + grp
        top = (top - len(stored)) & ~1
        page[top:top + len(stored)] = stored
        page[4 * (crun + 1) + 13 * j] = top // 2
    page[SECTOR - 1] = crun
    return bytes(page)


def _padded(b: bytes) -> bytes:
    return b + bytes(max(MIN_STREAM, _round_up(len(b), SECTOR)) - len(b))


def _round_up(n: int, m: int) -> int:
    return (n + m - 1) // m * m


def _compound(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file: the FAT sectors first, then the directory sector, then each stream."""
    names = list(streams)
    counts = [len(streams[n]) // SECTOR for n in names]
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + 1 + sum(counts):
        n_fat += 1
    assert n_fat <= 109, "test documents stay within the header's FAT list"
    fat = [FATSECT] * n_fat + [END]  # the FAT's own sectors, then the directory's one
    sectors: list[bytes] = []
    starts = []
    for name, n in zip(names, counts, strict=True):
        first = n_fat + 1 + len(sectors)
        starts.append(first)
        fat.extend(list(range(first + 1, first + n)) + [END])
        data = streams[name]
        sectors.extend(data[i * SECTOR:(i + 1) * SECTOR] for i in range(n))
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    fat_sectors = b"".join(struct.pack("<I", x) for x in fat)
    entries = [_entry("Root Entry", 5, child=1, start=END, size=0)]
    # Root → WordDocument (entry 1); 1Table (entry 2) sorts before it (shorter name) and is its left sibling
    entries.append(_entry(names[0], 2, left=2 if len(names) > 1 else NOSTREAM, start=starts[0],
                          size=len(streams[names[0]])))
    for i, name in enumerate(names[1:], start=1):
        entries.append(_entry(name, 2, start=starts[i], size=len(streams[name])))
    while len(entries) < SECTOR // 128:
        entries.append(_entry("", 0, start=0, size=0))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, n_fat, n_fat, 0, MIN_STREAM, END, 0, END, 0)
    for i in range(109):
        struct.pack_into("<I", header, 76 + 4 * i, i if i < n_fat else FREE)
    return bytes(header) + fat_sectors + b"".join(entries) + b"".join(sectors)


def _entry(name: str, kind: int, left: int = NOSTREAM, right: int = NOSTREAM, child: int = NOSTREAM,
           start: int = 0, size: int = 0) -> bytes:
    e = bytearray(128)
    raw = name.encode("utf-16-le")
    e[0:len(raw)] = raw
    struct.pack_into("<H", e, 64, len(raw) + 2 if name else 0)
    e[66], e[67] = kind, 1
    struct.pack_into("<III", e, 68, left, right, child)
    struct.pack_into("<I", e, 116, start)
    struct.pack_into("<Q", e, 120, size)
    return bytes(e)
