"""``perfkg export -f opensearch``: the search entries as an OpenSearch / Elasticsearch index, ready to load.

Writes ``opensearch/mapping.json`` (index settings and mapping: a CJK analyzer — unigrams and bigrams of Chinese
runs, width-folded, lower-cased, the embedded index's analysis — and ``keyword`` sub-fields for codes and names)
and ``opensearch/bulk-NNNN.ndjson`` (the ``_bulk`` API's action/document line pairs, :data:`BULK_ENTRIES`
entries a file, each well under the default 100 MB request limit). One document per search entry
(:func:`index.schema.document_entries`: departments, projects, indicators, department-wide indicators), ``_id``
its eid. Loading (README, "Scale-out")::

    curl -XPUT  "$OS/perfkg" -H 'Content-Type: application/json' --data-binary @opensearch/mapping.json
    for f in opensearch/bulk-*.ndjson; do
      curl -XPOST "$OS/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary @"$f"; done
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from index.schema import ALIAS_SEP, document_entries
from kg.model import Document

INDEX_NAME = "perfkg"
BULK_ENTRIES = 5_000
ANALYZER = "perfkg_cjk"
_TEXT = {"type": "text", "analyzer": ANALYZER}
_TEXT_KW = {**_TEXT, "fields": {"keyword": {"type": "keyword", "ignore_above": 512}}}
_KW = {"type": "keyword"}
PROPERTIES: dict[str, Any] = {
    "eid": _KW, "doc_id": _KW, "kind": _KW, "title": _TEXT_KW, "aliases": _TEXT_KW, "codes": _TEXT_KW,
    "project": _TEXT_KW, "department": {**_KW, "fields": {"text": _TEXT}}, "levels": _TEXT, "l1": _TEXT_KW,
    "l2": _TEXT_KW, "context": _TEXT, "goal": _TEXT, "text": _TEXT, "year": {"type": "integer"}, "doc_kind": _KW,
    "op": _KW, "unit": _KW, "met": _KW, "value": _KW, "amount": {"type": "double"}, "amount_text": _KW,
    "file": _KW, "line": {"type": "integer"}, "table": _KW, "code": _KW,
}
SETTINGS: dict[str, Any] = {"analysis": {
    "filter": {"perfkg_bigrams": {"type": "cjk_bigram", "output_unigrams": True}},
    "analyzer": {ANALYZER: {"type": "custom", "tokenizer": "standard",
                            "filter": ["cjk_width", "lowercase", "perfkg_bigrams"]}}}}


def mapping() -> dict[str, Any]:
    """The body of ``PUT /perfkg``."""
    return {"settings": SETTINGS, "mappings": {"dynamic": "strict", "properties": PROPERTIES}}


def os_document(entry: dict[str, Any]) -> dict[str, Any]:
    """One search entry as an OpenSearch document: codes and aliases as lists (one keyword each)."""
    doc = dict(entry)
    if "codes" in doc:
        doc["codes"] = doc["codes"].split()
    if "aliases" in doc:
        doc["aliases"] = [a for a in doc["aliases"].split(ALIAS_SEP) if a]
    return doc


def write_opensearch(docs: Iterable[tuple[str, Document]], folder: Path, index: str = INDEX_NAME) -> list[Path]:
    """mapping.json and the bulk files under ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bulk-*.ndjson"):
        old.unlink()
    written = [folder / "mapping.json"]
    written[0].write_text(json.dumps(mapping(), ensure_ascii=False, indent=1), encoding="utf-8")
    out, n = None, 0
    try:
        for doc_id, doc in docs:
            for e in document_entries(doc_id, doc):
                if n % BULK_ENTRIES == 0:
                    if out:
                        out.close()
                    written.append(folder / f"bulk-{n // BULK_ENTRIES + 1:04d}.ndjson")
                    out = written[-1].open("w", encoding="utf-8")
                assert out is not None
                out.write(json.dumps({"index": {"_index": index, "_id": e["eid"]}}) + "\n")
                out.write(json.dumps(os_document(e), ensure_ascii=False) + "\n")
                n += 1
    finally:
        if out:
            out.close()
    return written
