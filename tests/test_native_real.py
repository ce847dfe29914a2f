"""Real disclosures as published (../shared/real-native, skipped when absent): what the rows hold.

Each hard case SOURCES.md names for reading is a test of the cells, not of the final records."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.reading import SourceText, read_source

# ../shared/real-native from the repository (a worktree one level deeper also finds it)
REAL = next((p / "shared" / "real-native" for p in Path(__file__).resolve().parents[2:4]
             if (p / "shared" / "real-native").is_dir()), Path(__file__).resolve().parents[2] / "shared" / "real-native")
pytestmark = pytest.mark.skipif(not (REAL / "expect.json").is_file(), reason="../shared/real-native absent")
PDFS = sorted(p.name for p in REAL.glob("*.pdf")) if REAL.is_dir() else []
SCANNED = "14_changsha_scjg_perfeval2022_scanned.pdf"
# Files whose project list prints name and amount in one table row (the others put them in form rows).
NAME_AMOUNT_ONE_ROW = ("01_", "02_", "03_", "04_", "07_", "08_")
NUM = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@cache
def src(name: str) -> SourceText:
    return read_source(REAL / name)


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def numbers(text: str) -> set[Decimal]:
    out = set()
    for m in NUM.findall(text):
        try:
            out.add(Decimal(m.replace(",", "")))
        except InvalidOperation:
            pass
    return out


def rows_of(name: str, where: str = "") -> list[tuple[str, list[str]]]:
    s = src(name)
    return [(loc or "", r.texts) for loc, r in zip(s.locations or (), s.rows or (), strict=True)
            if (loc or "").startswith(where)]


@pytest.mark.parametrize("name", [p for p in PDFS if p != SCANNED])
def test_every_text_pdf_yields_rows(name: str) -> None:
    s = src(name)
    assert s.format == "pdf" and s.rows and len(s.rows) >= 30
    assert len(s.locations or ()) == len(s.rows) and all(loc and loc.startswith("p") for loc in s.locations or ())
    assert "(cid:" not in s.text


def test_scanned_pdf_asks_for_ocr_naming_pages() -> None:
    with pytest.raises(InputError) as e:
        read_source(REAL / SCANNED)
    assert e.value.one_line().endswith(f"{SCANNED}: no text layer (pages 1-6): run OCR first (e.g. ocrmypdf)")


def _facts() -> list[tuple[str, dict]]:
    if not (REAL / "expect.json").is_file():
        return []
    return [(e["file"], p) for e in json.loads((REAL / "expect.json").read_text(encoding="utf-8"))
            for p in e.get("projects", [])]


@pytest.mark.parametrize("file,project", _facts(), ids=lambda x: x if isinstance(x, str) else x["name"])
def test_keyed_project_and_indicators_are_in_the_cells(file: str, project: dict) -> None:
    rows = [squeeze(" ".join(texts)) for _, texts in rows_of(file)]
    nums = [numbers(" ".join(texts)) for _, texts in rows_of(file)]
    name = squeeze(project["name"])
    hits = [i for i, r in enumerate(rows) if name in r]
    assert hits, f"{name} in no row"
    if project.get("amount_wan"):
        amount = Decimal(project["amount_wan"])
        near = 1 if file.startswith(NAME_AMOUNT_ONE_ROW) else 8  # the same row / the form's next rows
        assert any(amount in n or amount * 10000 in n for i in hits for n in nums[i:i + near]), \
            f"{name} {amount} not in its row"
    for ind in project.get("indicators", []):
        l3, value = squeeze(ind.get("l3") or ""), squeeze(str(ind.get("value") or ""))
        assert any(l3 in r and value in r for r in rows), f"{l3} {value} not in one row"


def test_html_rendering_of_a_pdf_is_read_in_visual_order() -> None:
    rows = [" ".join(t) for _, t in rows_of("02_yantai_tuiyijunren_budget2026.html")]
    title = next(i for i, r in enumerate(rows) if r == "公开表11")
    header = next(i for i in range(title, len(rows)) if rows[i].startswith("项目名称 项目类别 合计"))
    first = next(i for i, r in enumerate(rows) if r.startswith("实施公车统管费用 其他运转类 15.00"))
    assert title < header < first
    # a form's title comes before its body, though the markup has it after
    form_title = next(i for i, r in enumerate(rows) if r == "政策和项目预算绩效目标表")
    assert form_title < next(i for i, r in enumerate(rows) if squeeze(r) == "项目名称实施公车统管费用")
    assert not any(re.fullmatch(r"— \d+ —", r) for r in rows)  # page numbers left out


def test_01_overlapping_runs_on_page_34_are_separate_rows() -> None:
    texts = [t for _, t in rows_of("01_yantai_minzheng_budget2026.pdf", "p34")]
    assert texts[:2] == [["（三）部门预算项目绩效目标表"], ["政策和项目预算绩效目标表"]]
    assert not any("绩政效策" in "".join(t) for t in texts)
    assert ["绩效指标", "成本指标", "经济成本", "项目年度总支出控制数", "≤176万元"] in [t[:5] for t in texts]


def test_01_page_numbers_are_left_out() -> None:
    assert not any(re.fullmatch(r"—\d+—", " ".join(t)) for _, t in rows_of("01_yantai_minzheng_budget2026.pdf"))


def test_05_split_page_numbers_are_left_out() -> None:
    rows = rows_of("05_quanzhou_zfb_budget2026.pdf")
    assert not any(re.fullmatch(r"[\d ]+", " ".join(t)) for _, t in rows)


def test_04_mixed_page_sizes_wide_pages_read() -> None:
    rows = rows_of("04_changsha_xinfang_budget2026.pdf")
    wide = [t for loc, t in rows if int(loc.split()[0][1:]) >= 22]  # pages 22-32 are 1261×913
    assert any("信访业务工作专项" in " ".join(t) and "138.11" in t for t in wide)


def test_08_glued_codes_stay_whole_in_their_cell() -> None:
    rows = rows_of("08_beijing_ybj_budget2026.pdf")
    row = next(t for _, t in rows if t and t[0].startswith("11000022T000000444016-"))
    assert row[:3] == ["11000022T000000444016-医疗保障公众评价", "76.436338", "76.436338"]


def test_09_vertical_label_is_one_cell() -> None:
    rows = rows_of("09_gjxfj_budget2026.pdf")
    assert sum(1 for _, t in rows if t and t[0] == "年度总体目标") >= 3


def test_15_self_evaluation_total_row() -> None:
    rows = rows_of("15_ningde_zfb_selfeval2024.pdf")
    assert ("p1 t1 r5", ["", "合计", "", "9209.55", "790.22", "9999.77", "8874.74", "88.75", "1125.03", "",
                         "11.2500", "10", "7"]) in rows


def test_07_packed_indicators_stay_in_one_cell() -> None:
    row = next(t for _, t in rows_of("07_guangzhou_zwsj_xmjxmb2026.pdf") if t and t[0] == "电子政务工作项目")
    packed = next(c for c in row if c.startswith("1、1-产出指标；11-数量指标；"))
    assert "实施周期指标值:≥10；年度指标值:≥5。" in packed and "2、1-产出指标" in packed


def test_01_table_11_spilling_onto_the_next_page_is_one_table() -> None:
    s = src("01_yantai_minzheng_budget2026.pdf")
    row = next(r for loc, r in zip(s.locations or (), s.rows or (), strict=True)
               if r.texts[:1] == ["市级精神障碍社区康复服务技术指导中心建设项目"])
    before = s.rows[row.line - 2]  # the row above it in the text: 表11's last row on the page before
    assert row.table == before.table and before.texts[0] == "困难群众救助补助资金-救助中心"
    assert s.location_of(row.line) == "p27 t1 r3"
