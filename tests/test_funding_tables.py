"""Funding is not a project (issue 21, point 4) in the families that do not read transfer tables themselves:
kg.extract routes a printed 专项转移支付 / 对下转移支付 table's rows by kg.funding's rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kg.extract import extract_source
from kg.reading import source_from_bytes

SEED = Path(__file__).resolve().parents[1] / "data" / "000_a6aa16080cbf3072.txt"
ILLEGIBLE = "专项转移支付预算表\n\n单位：万元\n\n[illegible]\n"
FILLED = ("专项转移支付预算表\n\n单位：万元\n\n"
          "预算单位代码\t预算单位名称\t功能科目代码\t部门经济分类代码\t政府经济分类代码\t项目名称\t是否政府采购\t指标金额\t市指标文号\n"
          "202001\t北京市西城区人民政府办公室（本级）\t2010301\t30299\t50299\t政府办工作经费\t否\t12.50\t京财预指〔2023〕101号\n"
          "202001\t北京市西城区人民政府办公室（本级）\t2010399\t51301\t51301\t街道文化设施补助\t否\t30.00\t京财预指〔2023〕102号\n"
          "\t合 计\t\t\t\t\t\t42.50\t\n")


def _doc(text: str):
    return extract_source(source_from_bytes(text.encode("utf-8"), "t000.txt"))


def test_tabbed_transfer_rows_become_funding_lines_not_projects() -> None:
    seed = SEED.read_text(encoding="utf-8")
    assert ILLEGIBLE in seed
    before, after = _doc(seed), _doc(seed.replace(ILLEGIBLE, FILLED))
    assert after.layout == "tabbed"
    # no project added or changed: the received row names a project of the project table, the other pays out
    assert [(p.name, p.amount) for p in after.projects] == [(p.name, p.amount) for p in before.projects]
    (own,) = [p for p in after.projects if p.name == "政府办工作经费"]
    (line,) = [f for f in own.funding_lines if f.source == "专项转移支付"]
    assert (line.amount, line.doc_no, line.function_code, line.econ_gov_code) == (
        Decimal("125000.00"), "京财预指〔2023〕101号", "2010301", "50299")
    assert line.provenance is not None and line.provenance.table == "专项转移支付预算表"
    (out,) = after.funding
    assert (out.project, out.source, out.amount, out.econ_gov_code, out.doc_no) == (
        None, "对下转移支付", Decimal("300000.00"), "51301", "京财预指〔2023〕102号")
    text = seed.replace(ILLEGIBLE, FILLED).split("\n")
    assert out.provenance is not None and "街道文化设施补助" in text[out.provenance.line_start - 1]
    assert not before.funding and not any(f.source == "专项转移支付" for p in before.projects for f in p.funding_lines)


def test_transfer_words_in_a_sentence_or_an_unreadable_table_add_nothing() -> None:
    seed = SEED.read_text(encoding="utf-8")
    prose = seed.replace(ILLEGIBLE, "本单位无专项转移支付预算，专项转移支付预算表为空表\n\n单位：万元\n\n[illegible]\n")
    for text in (seed, prose):
        doc = _doc(text)
        assert not doc.funding and all(f.source != "专项转移支付" for p in doc.projects for f in p.funding_lines)
