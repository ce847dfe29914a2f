import pytest

from kg.errors import InputError
from kg.reading import decode_bytes, source_from_bytes

TEXT = "北京市西城区\t预算\r\n表一\r第二行\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_decode_by_trying_and_normalize_newlines(encoding):
    text, _ = decode_bytes(TEXT.encode(encoding), "x.txt")
    assert text == "北京市西城区\t预算\n表一\n第二行\n"
    assert "\r" not in text


@pytest.mark.parametrize(
    ("data", "needle"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary" * 10, "binary"),
     (bytes(range(0x80, 0x90)) * 20 + b"\xff\xff", "decode")],
)
def test_bad_bytes_raise_input_error_naming_file(data, needle):
    with pytest.raises(InputError) as e:
        decode_bytes(data, "bad.txt")
    assert needle in str(e.value)
    assert "bad.txt" in str(e.value)


def test_source_has_hash_and_name():
    s = source_from_bytes("表一\n".encode(), "/tmp/dir/a.txt")
    assert s.name == "a.txt" and len(s.sha256) == 64 and s.lines == ["表一", ""]


def test_unterminated_last_line_is_left_out_and_warned():
    from kg.model import Document

    src = source_from_bytes("表一\n\ta\tb\n\tcut row".encode(), "t.txt")
    doc = Document(source="t.txt")
    lines = src.warn_cut_last_line(doc)
    assert lines == ["表一", "\ta\tb", ""]
    assert [(w.kind, w.line) for w in doc.warnings] == [("unterminated_last_line", 3)]
    whole = source_from_bytes("表一\n\ta\tb\n".encode(), "t.txt")
    assert whole.trusted_lines() == (["表一", "\ta\tb", ""], None)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_not_called_binary_regression(encoding):
    text, enc = decode_bytes("表一\t部门收支总表\n合计\t3,781.14\n".encode(encoding), "u16.txt")
    assert enc == encoding and text.startswith("表一\t部门收支总表")


def test_utf8_cut_inside_last_character_keeps_the_text_regression():
    data = "表一\n\t合计\t3,781.14\n最后".encode()[:-1]
    src = source_from_bytes(data, "cut.txt")
    assert src.encoding == "utf-8" and src.text == "表一\n\t合计\t3,781.14\n最"
    assert src.notes and "cut off" in src.notes[0]


def test_real_binary_with_nul_on_both_parities_stays_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 8, "bin.dat")
