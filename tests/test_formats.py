"""The same report in every encoding and format gives the same metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extractor

PARAGRAPHS = [
    "青川县2025年国民经济运行情况",
    "全年地区生产总值286.7亿元，增长6.2%，增速高于全市平均水平0.4个百分点。",
    "城镇新增就业1.2万人，城镇调查失业率控制在5.5%以内。",
    "新建学校3所，改造老旧小区27个，惠及居民8000余户。",
]
TEXT = "\n".join(PARAGRAPHS) + "\n"


def _write_docx(path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for p in PARAGRAPHS:
        doc.add_paragraph(p)
    doc.save(str(path))


def _html() -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    return (
        "<html><head><meta charset='utf-8'><title>青川县</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/a'>政务公开</a> <a href='/b'>办事服务</a></div>"
        f"<div class='article'><h1>{PARAGRAPHS[0]}</h1>{body}</div>"
        "<div class='footer'>版权所有 青川县人民政府 网站标识码1234567890</div></body></html>"
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    out = {
        "utf8": root / "utf8.txt",
        "gb18030": root / "gb18030.txt",
        "utf16": root / "utf16.txt",
        "html": root / "page.html",
        "docx": root / "report.docx",
    }
    out["utf8"].write_bytes(TEXT.encode("utf-8"))
    out["gb18030"].write_bytes(TEXT.encode("gb18030"))
    out["utf16"].write_bytes(TEXT.encode("utf-16"))  # with a BOM
    out["html"].write_bytes(_html().encode("utf-8"))
    _write_docx(out["docx"])
    return out


def _metrics(path: Path) -> list[tuple[str, str, str | None, str, str | None]]:
    res = extractor.extract_file(path)
    return [
        (m.text, str(m.value), m.unit.name if m.unit else None, m.qualifier, m.object) for m in res.metrics
    ]


@pytest.mark.parametrize("name", ["gb18030", "utf16", "html", "docx"])
def test_same_metrics_as_utf8(files: dict[str, Path], name: str) -> None:
    want = _metrics(files["utf8"])
    assert len(want) == 8
    assert _metrics(files[name]) == want


@pytest.mark.parametrize(
    ("name", "encoding"), [("utf8", "utf-8"), ("gb18030", "gb18030"), ("utf16", "utf-16-le")]
)
def test_document_record_says_which_encoding(files: dict[str, Path], name: str, encoding: str) -> None:
    assert extractor.extract_file(files[name]).document.encoding == encoding


# --- JSON Lines written from bytes (what worker processes send) --------------------------------


def test_encoded_lines_keep_their_order_with_text_records(tmp_path: Path) -> None:
    from extractor.writers import JsonLinesWriter

    path = tmp_path / "out.jsonl"
    with path.open("w", encoding="utf-8") as f:
        writer = JsonLinesWriter(f)
        writer.write({"n": 1, "t": "一"})
        writer.write_encoded('{"n": 2, "t": "二"}\n'.encode())
        writer.write({"n": 3, "t": "三"})
        writer.write_encoded('{"n": 4, "t": "四"}\n'.encode())
        writer.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["n"] for line in lines] == [1, 2, 3, 4]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_encoded_lines_go_through_a_stream_of_another_encoding(tmp_path: Path, encoding: str) -> None:
    from extractor.writers import JsonLinesWriter

    path = tmp_path / "out.jsonl"
    with path.open("w", encoding=encoding) as f:
        writer = JsonLinesWriter(f)
        writer.write_encoded('{"t": "万人"}\n'.encode())
        writer.close()
    assert json.loads(path.read_text(encoding=encoding)) == {"t": "万人"}
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM is still written


def test_encoded_lines_into_a_string_buffer() -> None:
    import io

    from extractor.writers import JsonLinesWriter

    buf = io.StringIO()
    JsonLinesWriter(buf).write_encoded('{"t": "万人"}\n'.encode())
    assert buf.getvalue() == '{"t": "万人"}\n'
