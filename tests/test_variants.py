"""Derived documents (other district, unit code, year and amounts) parse to the same record structure as the seed."""

from __future__ import annotations

import pytest

from bench.gen_corpus import vary
from kg.extract import extract_source
from kg.reading import source_from_bytes
from tests.conftest import SEEDS, load_gold, seed_path


@pytest.mark.parametrize("stem", SEEDS)
@pytest.mark.parametrize("n", [3, 17])
def test_variant_keeps_structure_and_takes_new_names(stem: str, n: int):
    gold = load_gold(stem)
    text = vary(seed_path(stem).read_text(encoding="utf-8"), gold, n)
    doc = extract_source(source_from_bytes(text.encode("gb18030"), f"variant_{n}_{stem}.txt"))
    assert doc.department and doc.department != gold["department"]
    assert "西城" not in doc.department
    assert len(doc.projects) == len(gold["projects"])
    assert [len(p.indicators) for p in doc.projects] == [len(p["indicators"]) for p in gold["projects"]]
    assert len(doc.department_indicators) == len(gold["department_indicators"])
    assert doc.doc_kind == gold["doc_kind"]
    if gold["year"] and n % 5:
        assert doc.year != gold["year"]
