"""The Chinese analyzers, on token lists; the fuzzy scorer; the highlighter."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from index.analysis import QUERY_UNIGRAM_BOOST, ChineseAnalyzer, pieces, token_texts
from index.fuzzy import Lexicon, score
from index.query import highlight
from tests.conftest import ROOT


def test_cjk_index_mode_is_unigrams_and_bigrams():
    assert token_texts("会议室") == ["会", "会议", "议", "议室", "室"]


def test_cjk_query_mode_keeps_unigrams_at_low_boost():
    ps = pieces("运维", "cjk", query=True)
    assert [(p.text, p.boost) for p in ps] == [("运", QUERY_UNIGRAM_BOOST), ("运维", 1.0),
                                               ("维", QUERY_UNIGRAM_BOOST)]
    assert token_texts("运", query=True) == ["运"]


def test_codes_and_numbers_stay_whole_and_lowercase():
    assert token_texts("11010224T000002931457") == ["11010224t000002931457"]
    assert token_texts("功能科目2010301，值98.5%") == ["功", "功能", "能", "能科", "科", "科目", "目", "2010301",
                                                   "值", "98.5", "%"]


def test_fullwidth_is_folded_and_punctuation_dropped():
    assert token_texts("９８％（≥）") == ["98", "%"]
    assert token_texts("，。、“”") == []


def test_whoosh_analyzer_offsets_point_into_the_text():
    text = "12345市民热线"
    # one Token object is reused for every token (as whoosh's tokenizers do): read each as it comes
    toks = [(t.text, t.startchar, t.endchar) for t in ChineseAnalyzer("cjk")(text, positions=True, chars=True)]
    assert [(w, text[s:e]) for w, s, e in toks][:3] == [("12345", "12345"), ("市", "市"), ("市民", "市民")]
    assert all(text[s:e] == w for w, s, e in toks)


def test_analyzer_pickles_by_method():
    a = pickle.loads(pickle.dumps(ChineseAnalyzer("both")))
    assert a == ChineseAnalyzer("both") and a != ChineseAnalyzer("cjk")
    with pytest.raises(ValueError):
        ChineseAnalyzer("nope")


def test_jieba_words_and_both_merge_without_duplicates():
    words = token_texts("视频会议系统运行维护", "jieba")
    assert {"视频", "会议", "系统", "运行", "维护"} <= set(words)
    both = pieces("运行维护", "both")
    assert len({(p.text, p.start) for p in both}) == len(both)
    assert "运行" in [p.text for p in both] and "行" in [p.text for p in both]


def test_cjk_search_never_imports_jieba():
    code = ("import sys; from index import build_index, search; from tests.index_fixtures import gold_documents;"
            "si = build_index(gold_documents()[2:3], 'cjk'); search(si, '区委办'); print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("query", "name", "low"), [
    ("外事经费", "外事工作经费", 0.9),  # alias with a dropped word
    ("运维", "运行维护", 0.8),  # abbreviation
    ("会议室设被保障", "西城区政府会议室系统设备保障服务", 0.6),  # typo, gapped
])
def test_fuzzy_score_finds_aliases_abbreviations_typos(query, name, low):
    assert score(query, name) >= low


def test_fuzzy_score_penalizes_scattered_characters():
    near = score("人工接通率", "人工接通率")
    scattered = score("人工接通率", "人" + "一" * 30 + "工" + "二" * 30 + "接通" + "三" * 40 + "率")
    assert near == 1.0 and scattered < 0.6


def test_lexicon_maps_names_to_all_entries():
    lex = Lexicon.from_items({"a": [["a#p0", "外事工作经费"], ["a#p1", "法律服务费"]], "b": [["b#p0", "外事工作经费"]]})
    (sc, i), *_ = lex.match("外事经费")
    assert lex.display[i] == "外事工作经费" and lex.eids[i] == ["a#p0", "b#p0"] and sc > 0.85
    assert lex.match("") == [] and lex.match("xyz") == []


def test_highlight_marks_terms_and_falls_back_to_alignment():
    assert highlight("西城区政府会议室系统", {"会议", "议室"}) == "西城区政府«会议室»系统"
    assert highlight("外事工作经费", set(), "外事经费") == "«外事»工作«经费»"
    long = "甲" * 100 + "满意度" + "乙" * 100
    snip = highlight(long, {"满意"})
    assert snip.startswith("…") and snip.endswith("…") and "«满意»度" in snip and len(snip) < 100
