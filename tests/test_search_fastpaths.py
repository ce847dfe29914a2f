"""The search hot path's shortcuts give what whoosh's own calls give: block-wise postings, eid → doc number
from term info, a kept searcher that sees updates, regex full-width folding, whoosh without urllib."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

from index import SearchIndex, build_index, search
from index.analysis import _FULLWIDTH, fold
from index.build import FUZZY
from index.fuzzy import NAMES_FILE, ROWS_FILE, Lexicon, read_lexicon, write_lexicon
from index.query import document_number, posting_blocks
from tests.conftest import ROOT
from tests.index_fixtures import gold_documents


def _updated_index(tmp_path) -> SearchIndex:
    """An on-disk index of two segments where one document was re-added (its old entries deleted)."""
    docs = gold_documents()
    si = build_index(docs[:3], path=tmp_path / "index")
    stem, doc = docs[0]
    doc = copy.deepcopy(doc)
    doc.sha256 = "changed"
    si.update([(stem, "changed", doc), *((s, d.sha256, d) for s, d in docs[3:])])
    return si


def test_posting_blocks_equal_whoosh_postings_with_deletions_and_segments(tmp_path) -> None:
    si = _updated_index(tmp_path)
    reader = si.searcher().reader()
    assert reader.has_deletions() and len(list(reader.leaf_readers())) >= 2
    checked = 0
    for field in ("title", "project", "codes"):
        for term in list(reader.lexicon(field))[:300]:
            text = term.decode("utf-8")
            got = sorted(base + d for base, ids in posting_blocks(reader, field, text) for d in ids)
            assert got == sorted(reader.postings(field, text).all_ids())
            checked += 1
    assert checked > 300


def test_document_number_equals_whoosh_for_live_deleted_and_unknown_eids(tmp_path) -> None:
    si = _updated_index(tmp_path)
    s = si.searcher()
    eids = [e.decode("utf-8") for e in s.reader().lexicon("eid")] + ["no-such#p0", ""]
    assert [document_number(s.reader(), e) for e in eids] == [s.document_number(eid=e) for e in eids]
    assert document_number(s.reader(), "no-such#p0") is None


def test_kept_searcher_sees_documents_added_later(tmp_path) -> None:
    docs = gold_documents()
    later_stem, later_doc = docs[1]
    name = later_doc.projects[0].name
    si = build_index(docs[:1], path=tmp_path / "index")
    assert later_stem not in {h.doc_id for h in search(si, name).hits}
    kept = si.searcher()
    assert si.searcher() is kept  # kept between queries
    si.update((s, d.sha256, d) for s, d in docs[1:])
    after = search(si, name)
    assert si.searcher() is not kept and later_stem in {h.doc_id for h in after.hits}
    assert search(SearchIndex.open(tmp_path / "index"), name).to_dict() == after.to_dict()


def test_fold_equals_the_translate_table_on_every_character_near_the_fullwidth_block() -> None:
    text = "".join(chr(c) for c in range(0x2F00, 0x3100)) + "".join(chr(c) for c in range(0xFE00, 0x10000))
    assert fold(text) == text.translate(_FULLWIDTH)
    assert fold("（２０２１）ＡＢ％\u3000经费") == "(2021)AB% 经费"


def test_importing_index_skips_urllib_request_but_whoosh_still_has_urlretrieve() -> None:
    # importing ``index`` loads no whoosh at all (issue 16); whoosh is imported through index._whoosh where used
    code = ("import json, sys, index; bare = 'whoosh' in sys.modules; import index._whoosh, whoosh.compat; "
            "loaded = 'urllib.request' in sys.modules; import urllib.request; "
            "print(json.dumps([bare, loaded, callable(whoosh.compat.urlretrieve), hasattr(urllib.request, 'Request')]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [False, False, True, True]


def test_lexicon_files_round_trip_and_a_mismatched_pair_is_not_used(tmp_path) -> None:
    lex = Lexicon.from_items({"a": [["a#p0", "外事工作经费"], ["a#p1", "Ｖ视频\n会议"]], "b": [["b#p0", "外事工作经费"]]})
    write_lexicon(tmp_path, lex)
    back = read_lexicon(tmp_path)
    assert back is not None and list(back.names) == lex.names and back.chars is not None
    assert list(back.display) == list(lex.display) and list(back.eids) == list(lex.eids)
    assert back.match("外事经费", limit=1)[0][1] == 0 and back.eids[-1] == lex.eids[-1]
    rows = (tmp_path / ROWS_FILE).read_bytes()
    write_lexicon(tmp_path, lex)  # a new token in both files
    (tmp_path / ROWS_FILE).write_bytes(rows)  # rows of another write: not paired with these names
    assert read_lexicon(tmp_path) is None


def test_an_older_index_with_one_fuzzy_json_still_searches_the_same(tmp_path) -> None:
    si = build_index(gold_documents()[:2], path=tmp_path / "index")
    query = "接诉既办"  # a typo: needs the fuzzy scan
    want = search(SearchIndex.open(tmp_path / "index"), query).to_dict()
    lex = si.fuzzy_lexicon()
    (tmp_path / "index" / FUZZY).write_text(json.dumps({"names": lex.names, "display": list(lex.display),
                                                         "eids": list(lex.eids)}), encoding="utf-8")
    (tmp_path / "index" / NAMES_FILE).unlink()
    old = SearchIndex.open(tmp_path / "index")
    assert search(old, query).to_dict() == want and isinstance(old.fuzzy_lexicon().display, list)
