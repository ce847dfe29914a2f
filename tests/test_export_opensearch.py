"""Issue 17 point 4: ``perfkg export -f opensearch`` writes a mapping and _bulk NDJSON that load as they are."""

from __future__ import annotations

import json
from pathlib import Path

from index.schema import document_entries
from kg.export_opensearch import ANALYZER, PROPERTIES, write_opensearch
from tests.index_fixtures import gold_documents


def test_bulk_files_pair_actions_with_documents_the_mapping_knows(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("kg.export_opensearch.BULK_ENTRIES", 100)
    docs = gold_documents()
    paths = write_opensearch(docs, tmp_path / "os")
    mapping = json.loads(paths[0].read_text(encoding="utf-8"))
    assert mapping["settings"]["analysis"]["analyzer"][ANALYZER]["tokenizer"] == "standard"
    assert mapping["mappings"]["properties"]["codes"]["fields"]["keyword"]["type"] == "keyword"
    lines = [ln for p in paths[1:] for ln in p.read_text(encoding="utf-8").splitlines()]
    assert len(paths) > 2 and all(len(p.read_text(encoding="utf-8").splitlines()) <= 200 for p in paths[1:])
    actions, bodies = [json.loads(x) for x in lines[0::2]], [json.loads(x) for x in lines[1::2]]
    entries = [e for d, doc in docs for e in document_entries(d, doc)]
    assert [a["index"]["_id"] for a in actions] == [e["eid"] for e in entries]
    assert len({a["index"]["_id"] for a in actions}) == len(actions)
    assert all(set(b) <= set(PROPERTIES) for b in bodies)  # "dynamic": "strict" would refuse any other field
    project = next(b for b in bodies if b["kind"] == "project" and b.get("codes"))
    assert isinstance(project["codes"], list) and all(" " not in c for c in project["codes"])
    again = write_opensearch(docs[:1], tmp_path / "os")[1:]
    assert len(again) < len(paths) - 1
    assert sorted((tmp_path / "os").glob("bulk-*")) == again  # the longer export's files are gone
