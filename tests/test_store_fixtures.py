"""Shared builders for the store / graph / trace / export tests: gold-built and synthetic documents."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

from kg.errors import ParseError
from kg.model import Classification, DepartmentIndicator, Document, FundingLine, Indicator, Project, Provenance
from kg.reading import sha256_bytes
from kg.store import Store
from tests.conftest import GOLD, SEEDS, gold_document

SYN = "syn_2024.txt"


def gold_store(path: Path) -> Store:
    """A store holding the five seeds as their gold Documents, doc_id = /gold/<stem>.txt."""
    st = Store(path)
    for stem in SEEDS:
        st.put_document(f"/gold/{stem}.txt", gold_document(stem), sha256="gold-" + stem)
    return st


def gold_extractor(path: Path) -> Document:
    """Test extractor: the 'document' file holds a gold JSON answer key."""
    data = path.read_bytes()
    try:
        d = json.loads(data)
    except ValueError:
        raise ParseError("not a gold JSON file", str(path)) from None
    doc = Document.from_dict(d)
    doc.sha256 = sha256_bytes(data)
    return doc


def slow_gold_extractor(path: Path) -> Document:
    time.sleep(0.03)
    return gold_extractor(path)


def write_gold_files(folder: Path, copies: int = 1) -> list[Path]:
    """Gold keys copied into ``folder`` as ``<n>_<stem>.txt`` files (``copies`` rounds of the five seeds); each
    round's bytes differ (n trailing newlines), as identical bytes would be one document."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(copies):
        for stem in SEEDS:
            p = folder / f"{n:03d}_{stem}.txt"
            p.write_text((GOLD / f"{stem}.json").read_text(encoding="utf-8") + "\n" * n, encoding="utf-8")
            out.append(p)
    return out


def _p(line: int, table: str = "表四") -> Provenance:
    return Provenance(SYN, table, line, line)


def synthetic_document(year: int = 2024, source: str = SYN) -> Document:
    """A small document with provenance everywhere: one project printed in 表四, 表十一 and 表十三,
    two funding lines, named classifications, one target, one department-wide row."""
    def prov(line: int, table: str = "表四") -> Provenance:
        return Provenance(source, table, line, line)

    target = Indicator("产出指标", "数量指标", "接待外宾团组", "≥", "30", "批次", "正向指标",
                       text="产出指标\t数量指标\t接待外宾团组\t≥\t30\t批次", provenance=prov(42, "表十三"))
    lines = [
        FundingLine("外事工作经费", Decimal("500000.00"), "50", "2010301", "行政运行", "50201", "办公经费",
                    "30201", "办公费", "财政拨款", provenance=prov(20, "表十一")),
        FundingLine("外事工作经费", Decimal("200000.00"), "20", "2010302", "一般行政管理事务", "50299",
                    "其他商品和服务支出", "30299", "其他商品和服务支出", "财政拨款", link_method="sum_match",
                    confidence=0.9, provenance=prov(21, "表十一")),
    ]
    project = Project("外事工作经费", Decimal("700000.00"), "70", code="11010223T000001997670",
                      function_code="2010302", econ_gov_code="50299", econ_dept_code="30299",
                      indicators=[target], funding_lines=lines, provenance=prov(10),
                      seen_in=[prov(20, "表十一"), prov(40, "表十三")])
    other = Project("因公出国经费", Decimal("100000.00"), "10", function_code="2010302", provenance=prov(11),
                    indicators=[Indicator("效益指标", "社会效益指标", "服务对象满意度", "≥", "90", "%",
                                          provenance=prov(50, "表十三"))])
    return Document(
        source=source, layout="synthetic", sha256="syn", department="北京市西城区人民政府外事办公室",
        department_code="223001", year=year, doc_kind="budget", projects=[project, other],
        department_indicators=[DepartmentIndicator("对外交往", "外事工作经费", "数量指标", "接待外宾团组", "≥",
                                                   "30", "批次", provenance=prov(60, "表十四"))],
        classifications=[Classification("function", "201", "一般公共服务支出", prov(5, "表二")),
                         Classification("function", "20103", "政府办公厅（室）及相关机构事务", prov(6, "表二")),
                         Classification("function", "2010301", "行政运行", prov(7, "表二"))],
    )
