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
