"""The character prefilter of the fuzzy lexicon: fewer names scored, the same matches as a full scan."""

from __future__ import annotations

import random

from index.charindex import CHARS_FILE
from index.fuzzy import Lexicon, read_lexicon, write_lexicon

NAMES = ["外事工作经费", "外事经费", "区领导慰问经费", "视频会议系统运行维护项目", "会议室系统设备保障服务",
         "满意度", "人民群众满意度", "外x事y工z作", "接诉即办", "预留机动费", "abc", "a-b-c-d", "费"]
QUERIES = ["外事工作经费", "外事工作经翡", "会议室设被保障", "视频会议运维", "满意渡", "接诉既办", "外事工作",
           "费", "经费", "ab", "x", "无关查询", "abcd"]


def _lexicon(names: list[str]) -> Lexicon:
    return Lexicon.from_items({"d": [[f"d#{i}", n] for i, n in enumerate(names)]})


def _random_names(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "外事工作经费会议室设备保障视频运维满意度接诉即办区领导慰问ab"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_the_prefilter_changes_no_match(tmp_path) -> None:
    for names in (NAMES, _random_names(1, 400)):
        lex = _lexicon(names)
        write_lexicon(tmp_path, lex)
        back = read_lexicon(tmp_path)
        assert back is not None and back.chars is not None
        for q in QUERIES + names[:30]:
            for limit in (1, 5, 60):
                assert back.match(q, limit=limit) == lex.match(q, limit=limit), (q, limit)


def test_the_prefilter_skips_names_without_enough_query_characters(tmp_path) -> None:
    write_lexicon(tmp_path, _lexicon(NAMES))
    back = read_lexicon(tmp_path)
    assert back is not None and back.chars is not None
    got = [back.names[i] for i in back.chars.candidates("外事工作经费", 3)]
    assert "外事经费" in got and "外x事y工z作" in got and "满意度" not in got and "费" not in got
    assert back.chars.candidates("无关", 1) == []


def test_a_typo_still_finds_its_target(tmp_path) -> None:
    write_lexicon(tmp_path, _lexicon(NAMES))
    back = read_lexicon(tmp_path)
    assert back is not None
    assert back.names[back.match("外事工作经翡", limit=1)[0][1]] == "外事工作经费"
    assert back.names[back.match("会议室设被保障", limit=1)[0][1]] == "会议室系统设备保障服务"


def test_an_index_without_the_character_file_scans_every_name(tmp_path) -> None:
    lex = _lexicon(NAMES)
    write_lexicon(tmp_path, lex)
    (tmp_path / CHARS_FILE).unlink()
    back = read_lexicon(tmp_path)
    assert back is not None and back.chars is None and list(back.names) == lex.names
    assert back.match("外事工作经翡") == lex.match("外事工作经翡")


def test_a_character_file_of_another_write_is_not_used(tmp_path) -> None:
    lex = _lexicon(NAMES)
    write_lexicon(tmp_path, lex)
    chars = (tmp_path / CHARS_FILE).read_bytes()
    write_lexicon(tmp_path, _lexicon(NAMES[:3]))
    (tmp_path / CHARS_FILE).write_bytes(chars)
    back = read_lexicon(tmp_path)
    assert back is not None and back.chars is None and list(back.names) == NAMES[:3]
