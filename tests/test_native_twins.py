"""The same content in any format gives the same records: native twins of tab-separated text documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.extract import extract_file, extract_source
from kg.reading import read_source
from tests.native_fixtures import (
    text_rows,
    write_csv,
    write_doc_table,
    write_docx_table,
    write_html_table,
    write_mhtml,
    write_spreadsheetml,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
TWINS = [ROOT / "data" / "000_a6aa16080cbf3072.txt",
         *sorted((ROOT / "tests" / "fixtures" / "tabbed").glob("*.txt"))]
# tab-separated target and self-evaluation forms, read by the label-driven reader in every format
FORM_TWINS = [ROOT / "tests" / "fixtures" / "forms" / f"{stem}.txt" for stem in (
    "f11_tabs_wide_table_operator_column_2025", "f12_tabs_yuan_operator_column_2024",
    "f20_department_whole_and_projects_2022", "f21_tabs_six_projects_unit_before_value_2025",
    "f26_tabs_packed_indicator_cell_2025")] + [ROOT / "tests" / "fixtures" / "selfeval" / "S6_selfeval_2023.txt"]
WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "docx": write_docx_table, "html": write_html_table,
           "xml": write_spreadsheetml, "mht": write_mhtml, "doc": write_doc_table}


def _gold(doc):  # type: ignore[no-untyped-def]
    return {**doc.to_gold_dict(), "source": None}


@pytest.mark.parametrize("fmt", list(WRITERS))
@pytest.mark.parametrize("txt", TWINS + FORM_TWINS, ids=[p.name for p in TWINS + FORM_TWINS])
def test_native_twin_gives_the_text_records(tmp_path: Path, txt: Path, fmt: str) -> None:
    src = read_source(txt)  # a native file has no cut-off last line: compare with the text ending in a newline
    text_doc = extract_source(replace(src, text=src.text if src.text.endswith("\n") else src.text + "\n"))
    twin = WRITERS[fmt](text_rows(txt.read_text(encoding="utf-8")), tmp_path / f"twin.{fmt}")
    doc = extract_file(twin)
    assert doc.layout == text_doc.layout
    assert _gold(doc) == _gold(text_doc)


LOC_OF_LINE = {"xlsx": "Sheet1!A{}", "csv": "row {}", "docx": "table 1 row {}", "html": "table 1 row {}",
               "xml": "Sheet1!A{}", "mht": "table 1 row {}", "doc": "table 1 row {}"}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_twin_records_cite_native_locations(tmp_path: Path, fmt: str) -> None:
    from kg.extract import provenances

    txt = TWINS[0]
    doc = extract_file(WRITERS[fmt](text_rows(txt.read_text(encoding="utf-8")), tmp_path / f"twin.{fmt}"))
    provs = list(provenances(doc))
    assert len(provs) > 100
    for p in provs:
        if p.line_start is not None:
            assert p.loc == LOC_OF_LINE[fmt].format(p.line_start)
    first = doc.projects[0].provenance
    assert first is not None and first.cite() == f"twin.{fmt} " + LOC_OF_LINE[fmt].format(first.line_start)
    assert doc.to_dict()["projects"][0]["provenance"]["loc"] == first.loc
