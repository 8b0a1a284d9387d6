"""Tests for extractor.readers: every fixture is generated in tmp_path at test time."""

from __future__ import annotations

import codecs
import importlib.util
import io
import os
import re
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from extractor import readers
from extractor.readers import (
    BinaryFileError,
    DecodeError,
    InputDocument,
    InputFailure,
    MissingExtraError,
    TooLargeError,
    UnsupportedFormatError,
    clean_pdf_text,
    decode_bytes,
    iter_inputs,
    read_document,
)

REPORT = "2025年全区地区生产总值增长5.2%，新增就业1.2万人。\n一般公共预算收入35.6亿元。\n"
HAS_PDFPLUMBER = importlib.util.find_spec("pdfplumber") is not None
HAS_DOCX = importlib.util.find_spec("docx") is not None


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected_encoding"),
    [
        pytest.param(REPORT.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(REPORT.encode("gb18030"), "gb18030", id="gb18030"),
        pytest.param(codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), "utf-16-le", id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16-be", id="utf-16-be-bom"),
        pytest.param(codecs.BOM_UTF32_LE + REPORT.encode("utf-32-le"), "utf-32-le", id="utf-32-le-bom"),
    ],
)
def test_decode_same_text_in_every_encoding(data: bytes, expected_encoding: str) -> None:
    text, used = decode_bytes(data)
    assert text == REPORT
    assert used == expected_encoding
    doc = read_document("report.txt", data)
    assert (doc.text, doc.encoding, doc.format, doc.size) == (REPORT, expected_encoding, "txt", len(data))


@pytest.mark.parametrize("char", ["𠀀", "䶮", "𪚥"], ids=["U+20000", "U+4DAE", "U+2A6A5"])
def test_gb18030_only_characters_round_trip(char: str) -> None:
    text = f"{char}村人口增长3.1%"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")  # proves the character is outside GBK
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        pytest.param("臺北市人口增長".encode("big5"), "big5", ("臺北市人口增長", "big5"), id="big5"),
        pytest.param(REPORT.encode("gbk"), "GBK", (REPORT, "gb18030"), id="gbk-read-as-gb18030"),
        pytest.param(REPORT.encode("gb2312"), "gb2312", (REPORT, "gb18030"), id="gb2312-read-as-gb18030"),
        pytest.param(codecs.BOM_UTF8 + b"abc", "utf-8", ("abc", "utf-8"), id="utf-8-override-strips-bom"),
        pytest.param(REPORT.encode("utf-16-le"), "utf-16-le", (REPORT, "utf-16-le"), id="utf-16-no-bom"),
    ],
)
def test_encoding_override(data: bytes, encoding: str, expected: tuple[str, str]) -> None:
    assert decode_bytes(data, encoding) == expected
    assert read_document("x.txt", data, encoding=encoding).text == expected[0]


def test_encoding_override_wins_over_detection() -> None:
    data = "臺北市人口增長".encode("big5")
    assert decode_bytes(data)[0] != "臺北市人口增長"  # Big5 bytes are valid GB18030 too
    assert decode_bytes(data, "big5")[0] == "臺北市人口增長"


@pytest.mark.parametrize(
    ("data", "encoding", "error"),
    [
        pytest.param(REPORT.encode("gb18030"), "utf-8", DecodeError, id="wrong-override"),
        pytest.param(b"abc", "no-such-codec", DecodeError, id="unknown-codec"),
        pytest.param(b"PK\x03\x04\x00\x00binary", None, BinaryFileError, id="nul-bytes"),
        pytest.param(REPORT.encode("utf-16-le"), None, BinaryFileError, id="utf-16-without-bom"),
        pytest.param(codecs.BOM_UTF8 + b"\xff\xfe bad", None, DecodeError, id="bad-after-utf8-bom"),
    ],
)
def test_decode_errors(data: bytes, encoding: str | None, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        decode_bytes(data, encoding)
    assert str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("一\r\n二\r\n", "一\n二\n", id="crlf"),
        pytest.param("一\r二\r", "一\n二\n", id="cr"),
        pytest.param("一\r\n\r\n二", "一\n\n二", id="blank-line"),
        pytest.param("\ufeff一\r\n", "一\n", id="bom-and-crlf"),
    ],
)
def test_newlines_normalised(raw: str, expected: str) -> None:
    assert decode_bytes(raw.encode("utf-8"))[0] == expected
    assert decode_bytes(raw.encode("gb18030"))[0] == expected


def test_charset_normalizer_last_resort() -> None:
    text = "La croissance économique a été de 5,2 % et le chômage a baissé à 4,1 % cette année. " * 3
    decoded, used = decode_bytes(text.encode("cp1252"))  # "é " is invalid GB18030
    assert used not in ("utf-8", "gb18030")
    assert decoded.startswith("La croissance économique a été de 5,2 %")


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fmt"),
    [
        ("a.txt", "txt"),
        ("A.TXT", "txt"),
        ("notes.md", "md"),
        ("README", "txt"),
        ("<stdin>", "txt"),
        ("x.zip!dir/报告", "txt"),
        ("page.htm", "html"),
        ("x.tar.gz!page.HTML", "html"),
    ],
)
def test_format_by_extension(source: str, fmt: str) -> None:
    doc = read_document(source, "增长5%。".encode())
    assert (doc.format, doc.text) == (fmt, "增长5%。")


@pytest.mark.parametrize("source", ["a.csv", "a.text", "a.doc", "a.rtf", "x.zip!inner.zip", "a.jpg"])
def test_unsupported_extension(source: str) -> None:
    with pytest.raises(UnsupportedFormatError, match="unsupported"):
        read_document(source, b"hello")


def test_empty_text_file_is_a_document() -> None:
    doc = read_document("empty.txt", b"")
    assert (doc.text, doc.size, doc.format) == ("", 0, "txt")


def test_read_document_max_bytes() -> None:
    with pytest.raises(TooLargeError):
        read_document("a.txt", b"x" * 11, max_bytes=10)
    assert read_document("a.txt", b"x" * 10, max_bytes=10).text == "x" * 10


GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2025年政府工作报告_某某区人民政府</title><script>var menu = "脚本文字";</script></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开菜单</a></li>
<li><a href="/hdjl">互动交流菜单</a></li></ul></div>
<div id="menu"><a href="/a">网站导航菜单</a> <a href="/b">机构设置菜单</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="content">
<h1>2025年政府工作报告</h1>
<p>各位代表：</p>
<h2>一、2024年工作回顾</h2>
<p>2025年全区地区生产总值增长5.2%，新增就业1.2万人。<br>一般公共预算收入达到35.6亿元。</p>
<p>城乡居民人均可支配收入分别增长4.5%和6.3%。</p>
<p style="display:none">隐藏文字99亿元。</p>
</div>
<div class="footer"><p>主办单位：某某区人民政府办公室 版权所有</p>
<p>京ICP备12345678号 网站标识码1234</p></div>
</body></html>
"""

LAYOUT_TABLE_PAGE = """<html><head><title>t</title></head><body><form id="form1"><table width="980">
<tr><td><table width="100%"><tr><td><a href="/">首页</a> | <a href="/a">机构设置菜单</a></td></tr></table>
</td></tr>
<tr><td><div class="xyz"><h2>一、过去一年工作回顾</h2><p>全年完成固定资产投资120亿元。</p>
<p>新增市场主体3500户。</p><table border="1"><tr><td>指标</td><td>数值</td></tr>
<tr><td>GDP</td><td>500亿元</td></tr></table></div></td></tr>
<tr><td>版权所有 © 某某市人民政府 地址：某某路1号</td></tr></table></form></body></html>
"""


@pytest.mark.parametrize(
    ("html", "encoding", "present", "absent"),
    [
        pytest.param(
            GOV_PAGE,
            "utf-8",
            [
                "2025年政府工作报告",
                "各位代表：",
                "一、2024年工作回顾",
                "2025年全区地区生产总值增长5.2%，新增就业1.2万人。\n一般公共预算收入达到35.6亿元。",
                "城乡居民人均可支配收入分别增长4.5%和6.3%。",
            ],
            ["菜单", "首页", "版权所有", "ICP", "脚本文字", "隐藏文字", "当前位置"],
            id="gov-page-utf8-despite-meta",
        ),
        pytest.param(
            GOV_PAGE,
            "gb18030",
            ["一、2024年工作回顾", "城乡居民人均可支配收入分别增长4.5%和6.3%。"],
            ["菜单", "版权所有"],
            id="gov-page-gb",
        ),
        pytest.param(
            LAYOUT_TABLE_PAGE,
            "utf-8",
            ["一、过去一年工作回顾\n全年完成固定资产投资120亿元。\n新增市场主体3500户。", "500亿元"],
            ["菜单", "版权所有"],
            id="layout-tables",
        ),
    ],
)
def test_html_main_text(html: str, encoding: str, present: list[str], absent: list[str]) -> None:
    doc = read_document("report.html", html.encode(encoding))
    assert doc.format == "html"
    assert doc.encoding == encoding
    for fragment in present:
        assert fragment in doc.text
    for fragment in absent:
        assert fragment not in doc.text
    assert "\n\n" not in doc.text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(b"", "", id="empty"),
        pytest.param(b"   \n", "", id="blank"),
        pytest.param(b"<!-- only a comment -->", "", id="comment"),
        pytest.param("<p>短文本。</p>".encode(), "短文本。", id="fragment"),
        pytest.param(
            b'<?xml version="1.0" encoding="gb2312"?><html><body><p>'
            + "增长5%。".encode("gb18030")
            + b"</p></body></html>",
            "增长5%。",
            id="xhtml-declaration",
        ),
    ],
)
def test_html_edge_cases(html: bytes, expected: str) -> None:
    assert read_document("p.htm", html).text == expected


@pytest.mark.skipif(not HAS_DOCX, reason="python-docx not installed")
def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx  # type: ignore[import-untyped,unused-ignore]

    document = docx.Document()
    document.add_paragraph("2025年政府工作报告")
    document.add_paragraph("全区地区生产总值增长5.2%。")
    table = document.add_table(rows=2, cols=3)
    for col, value in enumerate(["指标", "数值", "增速"]):
        table.cell(0, col).text = value
    table.cell(1, 0).text = "GDP"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "500亿元"
    document.add_paragraph("新增就业1.2万人。")
    buf = io.BytesIO()
    document.save(buf)
    data = buf.getvalue()

    doc = read_document("report.docx", data)
    assert doc.format == "docx"
    assert doc.encoding is None
    assert (
        doc.text
        == "2025年政府工作报告\n全区地区生产总值增长5.2%。\n指标\t数值\t增速\nGDP\t500亿元\n新增就业1.2万人。"
    )

    path = tmp_path / "report.docx"
    path.write_bytes(data)
    assert list(iter_inputs([str(path)])) == [InputDocument(str(path), doc.text, None, "docx", len(data))]


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x05\x06" + b"\x00" * 18], ids=["garbage", "empty-zip"])
def test_corrupt_docx(data: bytes) -> None:
    with pytest.raises(DecodeError, match="DOCX"):
        read_document("broken.docx", data)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("增长\n5.2%。", "增长5.2%。", id="wrap-before-digit"),
        pytest.param("全区地区生产总\n值增长5.2%。", "全区地区生产总值增长5.2%。", id="wrap-between-han"),
        pytest.param("达到35.6\n亿元。", "达到35.6亿元。", id="wrap-after-number"),
        pytest.param("稳就业、\n保民生。", "稳就业、保民生。", id="wrap-after-comma-like"),
        pytest.param("增长5%。\n新增就业1万人。", "增长5%。\n新增就业1万人。", id="keep-after-period"),
        pytest.param("各位代表：\n现在", "各位代表：\n现在", id="keep-after-colon"),
        pytest.param("一是稳增长；\n二是", "一是稳增长；\n二是", id="keep-after-semicolon"),
        pytest.param("你好吗？\n很好！\n对", "你好吗？\n很好！\n对", id="keep-after-question-exclamation"),
        pytest.param("他说：“增长。”\n下一段", "他说：“增长。”\n下一段", id="keep-after-quoted-period"),
        pytest.param(
            "主要做了以下工作\n一、稳增长", "主要做了以下工作\n一、稳增长", id="keep-before-heading"
        ),
        pytest.param("工作\n（一）扩大内需", "工作\n（一）扩大内需", id="keep-before-paren-heading"),
        pytest.param("工作\n（1）扩大内需", "工作\n（1）扩大内需", id="keep-before-paren-digit"),
        pytest.param("工作\n1.扩大内需", "工作\n1.扩大内需", id="keep-before-numbered"),
        pytest.param("工作\n第二章 总则", "工作\n第二章 总则", id="keep-before-chapter"),
        pytest.param(
            "一、主要任务\n粮食产量45万吨。", "一、主要任务\n粮食产量45万吨。", id="keep-after-short-heading"
        ),
        pytest.param("增长\n\n新增", "增长\n\n新增", id="keep-blank-line"),
        pytest.param("增长\n　新增", "增长\n　新增", id="keep-before-indent"),
        pytest.param("GDP grew\nfast", "GDP grew\nfast", id="no-ascii-join"),
        pytest.param(
            "地区生产总值 500 5.2\n一般公共预算", "地区生产总值 500 5.2\n一般公共预算", id="table-row"
        ),
        pytest.param("增长5%。\n—3—\n新增", "增长5%。\n新增", id="footer-emdash"),
        pytest.param("增长5%。\n- 3 -\n新增", "增长5%。\n新增", id="footer-hyphen"),
        pytest.param("增长5%。\n－ 12 －\n新增", "增长5%。\n新增", id="footer-fullwidth"),
        pytest.param("增长5%。\n第3页\n新增", "增长5%。\n新增", id="footer-page"),
        pytest.param("增长5%。\n第 3 页 共 20 页\n新增", "增长5%。\n新增", id="footer-page-of"),
        pytest.param("增长5%。\n共20页 第3页\n新增", "增长5%。\n新增", id="footer-of-page"),
        pytest.param("全区地区生产\n— 3 —\n总值增长", "全区地区生产总值增长", id="wrap-across-page-footer"),
        pytest.param("增长5%。\n3\n新增", "增长5%。\n3\n新增", id="bare-number-kept"),
        # Headings whose numeral a font put as a Kangxi radical are headings (stats_bulletin
        # printed by Chromium and read by pdfplumber lost its "⼆、农业" heading to the next line).
        pytest.param(
            "⼆、农业\n全年粮食播种面积2万公顷。", "⼆、农业\n全年粮食播种面积2万公顷。", id="radical-heading"
        ),
        pytest.param("工作\n⼗⼀、民生", "工作\n⼗⼀、民生", id="keep-before-radical-heading"),
        pytest.param("洛  阳  市", "洛阳市", id="spaced-chars"),
        pytest.param("政 府 工 作 报 告", "政府工作报告", id="spaced-title"),
        pytest.param("洛 阳 市人民政府", "洛阳市人民政府", id="spaced-prefix"),
        pytest.param("主任 张 三", "主任张三", id="spaced-name-is-ambiguous"),
        pytest.param("指标 数值", "指标 数值", id="words-keep-space"),
        pytest.param("增长 ， 新增", "增长，新增", id="space-around-punct"),
        pytest.param("2024 2025", "2024 2025", id="digits-keep-space"),
        pytest.param("一\r\n二。\r\n三\f四", "一二。\n三四", id="crlf-and-formfeed"),
        pytest.param("增长5%。  \n", "增长5%。\n", id="trailing-space"),
        pytest.param("", "", id="empty"),
    ],
)
def test_clean_pdf_text(raw: str, expected: str) -> None:
    assert clean_pdf_text(raw) == expected


#: Twelve full lines of 30 characters, wrapped inside one paragraph: the document's line width.
_BODY = "\n".join(["各地区各部门认真落实党中央决策部署推动经济社会发展取得新成效"] * 12) + "。"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # Guangdong's 2026 report printed by Chromium: a title line above its first paragraph and an
        # appendix heading were glued to the next line (a wrong object and a metric too many).
        pytest.param("附件1\n2026年省十件民生实事\n", "附件1\n2026年省十件民生实事\n", id="short-title-kept"),
        pytest.param("附件2\n名词解释\n", "附件2\n名词解释\n", id="appendix-heading-kept"),
        pytest.param(
            "主要指标包括地区生产总值、\n", "主要指标包括地区生产总值、", id="narrow-line-going-on-joined"
        ),
    ],
)
def test_clean_pdf_text_knows_the_line_width(head: str, expected: str) -> None:
    """With enough lines to know the width, a line far narrower than it was not wrapped."""
    assert clean_pdf_text(head + _BODY) == expected + _BODY.replace("\n", "")


def _pdf_string(text: str, cjk: bool) -> bytes:
    if cjk:
        return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"
    escaped = text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def make_pdf(pages: list[list[str]], *, cjk: bool = False, image_pages: Sequence[int] = ()) -> bytes:
    """A minimal valid PDF: one text line per entry.  ASCII uses the standard Helvetica font;
    CJK uses the Adobe-GB1 predefined font STSong-Light with the UniGB-UCS2-H CMap, which
    pdfminer maps back to Unicode without any embedded font file.  The pages numbered in
    ``image_pages`` (0-based) also show a small grey image, as a scanned page does."""
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    if cjk:
        descendant = add(
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
            b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            b"/CapHeight 880 /StemV 93 >> >>"
        )
        font = add(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [%d 0 R] >>" % descendant
        )
    else:
        font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x80\x80\x80\nendstream"
    )
    pages_id = len(objects) + 2 * len(pages) + 1
    kids = []
    for number, lines in enumerate(pages):
        ops = [b"q 200 0 0 200 72 400 cm /Im1 Do Q"] if number in image_pages else []
        if lines:
            ops.append(b"BT /F1 12 Tf 14 TL 72 720 Td")
            ops += [_pdf_string(line, cjk) + b" Tj T*" for line in lines]
            ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, image, content)
            )
        )
    assert (
        add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        == pages_id
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


@pytest.mark.skipif(not HAS_PDFPLUMBER, reason="pdfplumber (the 'pdf' extra) not installed")
@pytest.mark.parametrize(
    ("pages", "cjk", "expected"),
    [
        pytest.param(
            [["Hello PDF 2025", "GDP grew 5.2%"]], False, "Hello PDF 2025\nGDP grew 5.2%", id="ascii"
        ),
        pytest.param(
            [
                ["2025年全区地区生产总值增长", "5.2%，新增就业1.2万人。", "—1—"],
                ["二、主要任务", "粮食产量45万吨。"],
            ],
            True,
            "2025年全区地区生产总值增长5.2%，新增就业1.2万人。\n二、主要任务\n粮食产量45万吨。",
            id="cjk-two-pages",
        ),
    ],
)
def test_pdf(pages: list[list[str]], cjk: bool, expected: str) -> None:
    doc = read_document("report.pdf", make_pdf(pages, cjk=cjk))
    assert (doc.text, doc.format, doc.encoding) == (expected, "pdf", None)


@pytest.mark.skipif(not HAS_PDFPLUMBER, reason="pdfplumber (the 'pdf' extra) not installed")
def test_corrupt_pdf() -> None:
    with pytest.raises(DecodeError, match="PDF"):
        read_document("broken.pdf", b"%PDF-1.4\nthis is not really a pdf")


@pytest.mark.parametrize("engine", ["pypdfium2", "pdfplumber"])
def test_pdf_without_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: str) -> None:
    monkeypatch.setitem(sys.modules, engine, None)  # makes `import <engine>` fail
    with pytest.raises(MissingExtraError, match=r"'pdf' extra: pip install 'extractor\[pdf\]'") as caught:
        read_document("report.pdf", make_pdf([["x"]]), pdf_engine=engine)
    assert f"importing {engine} failed: ModuleNotFoundError" in str(caught.value)  # the cause is carried
    assert isinstance(caught.value.__cause__, ImportError)
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([["x"]]))
    [failure] = iter_inputs([str(path)], pdf_engine=engine)
    assert isinstance(failure, InputFailure)
    assert failure.error == "MissingExtraError"


# --------------------------------------------------------------------------------------------
# Folders, stdin, missing paths
# --------------------------------------------------------------------------------------------


def _summary(results: list[InputDocument | InputFailure]) -> list[tuple[str, str]]:
    return [
        (r.source, f"doc:{r.text}" if isinstance(r, InputDocument) else f"fail:{r.error}") for r in results
    ]


def _tree(root: Path) -> None:
    files = {
        "b.txt": "乙".encode(),
        "a.txt": "甲".encode("gb18030"),
        "sub/c.md": "丙".encode(),
        "sub/deeper/d.txt": "丁".encode(),
        "sub/e.html": "<p>戊。</p>".encode(),
        "z/f.csv": b"a,b",
        "sub/._c.md": b"\x00\x05resource fork",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.mark.parametrize(
    ("glob", "expected"),
    [
        pytest.param(
            None,
            [
                ("a.txt", "doc:甲"),
                ("b.txt", "doc:乙"),
                ("sub/c.md", "doc:丙"),
                ("sub/deeper/d.txt", "doc:丁"),
                ("sub/e.html", "doc:戊。"),
                # z/f.csv is not a document format: a folder walk skips it (a named file fails)
            ],
            id="all",
        ),
        pytest.param(
            "*.txt", [("a.txt", "doc:甲"), ("b.txt", "doc:乙"), ("sub/deeper/d.txt", "doc:丁")], id="txt"
        ),
        pytest.param("*.MD", [("sub/c.md", "doc:丙")], id="case-insensitive"),
        pytest.param("sub/*.txt", [("sub/deeper/d.txt", "doc:丁")], id="relative-path"),
        pytest.param("*.pdf", [], id="none"),
    ],
)
def test_folder_recursion_and_glob(tmp_path: Path, glob: str | None, expected: list[tuple[str, str]]) -> None:
    _tree(tmp_path)
    results = list(iter_inputs([str(tmp_path)], glob=glob))
    assert _summary(results) == [(os.path.join(str(tmp_path), *s.split("/")), r) for s, r in expected]


def test_explicit_file_ignores_glob_and_paths_keep_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    paths = [str(tmp_path / "b.txt"), str(tmp_path / "missing.txt"), str(tmp_path / "a.txt")]
    results = list(iter_inputs(paths, glob="*.md"))
    assert _summary(results) == [
        (paths[0], "doc:乙"),
        (paths[1], "fail:FileNotFoundError"),
        (paths[2], "doc:甲"),
    ]
    assert isinstance(results[1], InputFailure)
    assert "No such file" in results[1].message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_folder_symlinks_are_reported(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    results = _summary(list(iter_inputs([str(tmp_path)])))
    assert results == [
        (str(tmp_path / "dangling.txt"), "fail:FileNotFoundError"),
        (str(tmp_path / "loop"), "fail:UnsupportedFormatError"),
        (str(tmp_path / "real" / "a.txt"), "doc:甲"),
    ]


def test_oversized_file_never_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000)
    [failure] = iter_inputs([str(path)], max_bytes=1000)
    assert isinstance(failure, InputFailure)
    assert failure.error == "TooLargeError"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize(
    ("data", "max_bytes", "expected"),
    [
        pytest.param(REPORT.encode("gb18030"), 1000, ("<stdin>", f"doc:{REPORT}"), id="gb18030"),
        pytest.param(b"", 1000, ("<stdin>", "doc:"), id="empty"),
        pytest.param(b"x" * 100_001, 100_000, ("<stdin>", "fail:TooLargeError"), id="too-large"),
        pytest.param(b"\x00\x01\x02", 1000, ("<stdin>", "fail:BinaryFileError"), id="binary"),
    ],
)
def test_stdin(
    monkeypatch: pytest.MonkeyPatch, data: bytes, max_bytes: int, expected: tuple[str, str]
) -> None:
    _stdin(monkeypatch, data)
    assert _summary(list(iter_inputs(["-"], max_bytes=max_bytes))) == [expected]


def test_stdin_encoding_override(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, "臺北".encode("big5"))
    [doc] = iter_inputs(["-"], encoding="big5")
    assert isinstance(doc, InputDocument)
    assert (doc.text, doc.encoding) == ("臺北", "big5")


# --------------------------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------------------------

Member = tuple[str, bytes]
ARCHIVE_KINDS = {
    "zip": ".zip",
    "tar": ".tar",
    "tgz": ".tgz",
    "tar.gz": ".tar.gz",
    "tbz2": ".tar.bz2",
    "txz": ".txz",
}
TAR_MODES = {".tar": "w", ".tgz": "w:gz", ".tar.gz": "w:gz", ".tar.bz2": "w:bz2", ".txz": "w:xz"}


def write_archive(path: Path, members: Sequence[Member], *, symlinks: Sequence[tuple[str, str]] = ()) -> Path:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                if name.endswith("/"):
                    zf.writestr(zipfile.ZipInfo(name), b"")
                else:
                    zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
        return path
    suffix = next(s for s in TAR_MODES if path.name.endswith(s))
    with tarfile.open(path, TAR_MODES[suffix]) as tf:  # type: ignore[call-overload]
        for name, data in members:
            info = tarfile.TarInfo(name)
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
            else:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        for name, target in symlinks:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return path


MIXED_MEMBERS: list[Member] = [
    ("docs/", b""),
    ("docs/report.txt", REPORT.encode("utf-8")),
    ("docs/gb.txt", REPORT.encode("gb18030")),
    ("empty.txt", b""),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("big.txt", b"x" * 5000),
    ("page.html", "<p>新增就业1.2万人。</p>".encode()),
    ("notes.md", "# 标题\r\n增长5%".encode()),
    ("data.csv", b"a,b\n1,2\n"),
    ("__MACOSX/docs/._report.txt", b"\x00\x05\x16\x07"),
    ("docs/._report.txt", b"\x00\x05\x16\x07"),
    ("../evil.txt", b"evil"),
    ("/abs.txt", b"abs"),
    ("docs/../../escape.txt", b"escape"),
]
MIXED_EXPECTED = [
    ("docs/report.txt", f"doc:{REPORT}"),
    ("docs/gb.txt", f"doc:{REPORT}"),
    ("empty.txt", "doc:"),
    ("image.txt", "fail:BinaryFileError"),
    ("big.txt", "fail:TooLargeError"),
    ("page.html", "doc:新增就业1.2万人。"),
    ("notes.md", "doc:# 标题\n增长5%"),
    ("data.csv", "fail:UnsupportedFormatError"),
    ("../evil.txt", "fail:UnsafeArchiveError"),
    ("/abs.txt", "fail:UnsafeArchiveError"),
    ("docs/../../escape.txt", "fail:UnsafeArchiveError"),
]


@pytest.mark.parametrize("suffix", list(ARCHIVE_KINDS.values()), ids=list(ARCHIVE_KINDS))
def test_archive_members(tmp_path: Path, suffix: str) -> None:
    archive = write_archive(tmp_path / f"reports{suffix}", MIXED_MEMBERS)
    results = list(iter_inputs([str(archive)], max_bytes=4096))
    assert _summary(results) == [(f"{archive}!{name}", outcome) for name, outcome in MIXED_EXPECTED]
    # every non-skipped member is accounted for exactly once
    skipped = [m for m, _ in MIXED_MEMBERS if m.endswith("/") or "__MACOSX" in m or "/._" in m]
    assert len(results) == len(MIXED_MEMBERS) - len(skipped)
    doc = results[1]
    assert isinstance(doc, InputDocument)
    assert (doc.encoding, doc.size) == ("gb18030", len(REPORT.encode("gb18030")))
    for failure in results:
        if isinstance(failure, InputFailure):
            assert failure.message


@pytest.mark.parametrize("suffix", list(ARCHIVE_KINDS.values()), ids=list(ARCHIVE_KINDS))
def test_archive_glob(tmp_path: Path, suffix: str) -> None:
    archive = write_archive(tmp_path / f"reports{suffix}", MIXED_MEMBERS)
    results = list(iter_inputs([str(archive)], glob="*.txt", max_bytes=4096))
    expected = [(f"{archive}!{n}", o) for n, o in MIXED_EXPECTED if n.endswith(".txt")]
    assert _summary(results) == expected


@pytest.mark.parametrize("suffix", [".tar", ".tgz"], ids=["tar", "tgz"])
def test_tar_links_are_failures(tmp_path: Path, suffix: str) -> None:
    archive = write_archive(
        tmp_path / f"links{suffix}", [("a.txt", "甲".encode())], symlinks=[("link.txt", "/etc/passwd")]
    )
    assert _summary(list(iter_inputs([str(archive)]))) == [
        (f"{archive}!a.txt", "doc:甲"),
        (f"{archive}!link.txt", "fail:UnsafeArchiveError"),
    ]


def test_zip_symlink_is_failure(tmp_path: Path) -> None:
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "甲".encode())
        link = zipfile.ZipInfo("link.txt")
        link.create_system = 3
        link.external_attr = 0o120777 << 16  # S_IFLNK: the content is the link target
        zf.writestr(link, "/etc/passwd")
    assert _summary(list(iter_inputs([str(archive)]))) == [
        (f"{archive}!a.txt", "doc:甲"),
        (f"{archive}!link.txt", "fail:UnsafeArchiveError"),
    ]


def test_zip_encrypted_member_is_failure(tmp_path: Path) -> None:
    archive = tmp_path / "secret.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "甲".encode())
        zf.writestr("b.txt", b"secret")
    data = bytearray(archive.read_bytes())
    # set the "encrypted" general-purpose flag of b.txt in its local and central headers
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            if data[start + name_offset : start + name_offset + 5] == b"b.txt":
                data[start + flag_offset] |= 0x1
            start += 4
    archive.write_bytes(bytes(data))
    assert _summary(list(iter_inputs([str(archive)]))) == [
        (f"{archive}!a.txt", "doc:甲"),
        (f"{archive}!b.txt", "fail:UnsupportedFormatError"),
    ]


@pytest.mark.parametrize("suffix", [".zip", ".tgz"], ids=["zip", "tgz"])
def test_archive_bomb(tmp_path: Path, suffix: str) -> None:
    zeros = b"\x00" * (20 * 2**20)
    archive = write_archive(tmp_path / f"bomb{suffix}", [("bomb.txt", zeros), ("ok.txt", "正常。".encode())])
    results = list(iter_inputs([str(archive)], max_bytes=30 * 2**20, max_ratio=50.0))
    assert _summary(results) == [
        (f"{archive}!bomb.txt", "fail:UnsafeArchiveError"),
        (f"{archive}!ok.txt", "doc:正常。"),
    ]
    assert isinstance(results[0], InputFailure)
    assert "ratio" in results[0].message


@pytest.mark.parametrize("suffix", list(ARCHIVE_KINDS.values()), ids=list(ARCHIVE_KINDS))
def test_archive_total_budget(tmp_path: Path, suffix: str) -> None:
    members = [(f"{i}.txt", b"x" * 100) for i in range(5)]
    archive = write_archive(tmp_path / f"budget{suffix}", members)
    results = list(iter_inputs([str(archive)], max_archive_bytes=250))
    assert _summary(results) == [
        (f"{archive}!0.txt", "doc:" + "x" * 100),
        (f"{archive}!1.txt", "doc:" + "x" * 100),
        (f"{archive}!2.txt", "fail:UnsafeArchiveError"),
        (f"{archive}!3.txt", "fail:UnsafeArchiveError"),
        (f"{archive}!4.txt", "fail:UnsafeArchiveError"),
    ]


def test_zip_bad_crc_only_fails_that_member(tmp_path: Path) -> None:
    archive = tmp_path / "crc.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", "甲".encode())
        zf.writestr("bad.txt", b"CORRUPT-ME payload")
        zf.writestr("c.txt", "丙".encode())
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"CORRUPT-ME", b"CORRUPT-YO"))
    results = list(iter_inputs([str(archive)]))
    assert _summary(results) == [
        (f"{archive}!a.txt", "doc:甲"),
        (f"{archive}!bad.txt", "fail:CorruptArchiveError"),
        (f"{archive}!c.txt", "doc:丙"),
    ]
    assert isinstance(results[1], InputFailure)
    assert "CRC" in results[1].message


def test_zip_gbk_member_names(tmp_path: Path) -> None:
    """Chinese Windows zips store GBK names without the UTF-8 flag."""
    archive = tmp_path / "gbk.zip"
    name = "报告.txt"
    placeholder = "XXXX.txt"
    assert len(name.encode("gbk")) == len(placeholder)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(placeholder, "增长5%".encode())
    archive.write_bytes(archive.read_bytes().replace(placeholder.encode(), name.encode("gbk")))
    assert _summary(list(iter_inputs([str(archive)]))) == [(f"{archive}!{name}", "doc:增长5%")]


@pytest.mark.parametrize(
    ("suffix", "cut"),
    [
        pytest.param(".zip", 0.5, id="zip-half"),
        pytest.param(".zip", 0.95, id="zip-no-central-directory"),
        pytest.param(".tar", 0.6, id="tar"),
        pytest.param(".tgz", 0.6, id="tgz"),
        pytest.param(".tar.bz2", 0.6, id="tbz2"),
        pytest.param(".txz", 0.6, id="txz"),
    ],
)
def test_truncated_archive(tmp_path: Path, suffix: str, cut: float) -> None:
    members = [(f"{i}.txt", os.urandom(3000).hex().encode()) for i in range(4)]
    archive = write_archive(tmp_path / f"trunc{suffix}", members)
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * cut)])
    results = list(iter_inputs([str(archive)], max_bytes=10**6))
    assert results, "a truncated archive must not be silently skipped"
    assert isinstance(results[-1], InputFailure)
    assert results[-1].source == str(archive)
    assert results[-1].error == "CorruptArchiveError"
    # members read before the damage stay yielded, and nothing is reported twice
    sources = [r.source for r in results]
    assert len(sources) == len(set(sources))
    assert all(isinstance(r, InputDocument) for r in results[:-2])


@pytest.mark.parametrize("suffix", [".zip", ".tar", ".tgz", ".tar.bz2", ".txz"])
def test_garbage_archive(tmp_path: Path, suffix: str) -> None:
    archive = tmp_path / f"garbage{suffix}"
    archive.write_bytes(b"this is not an archive at all" * 40)
    [failure] = iter_inputs([str(archive)])
    assert isinstance(failure, InputFailure)
    assert (failure.source, failure.error) == (str(archive), "CorruptArchiveError")


def test_empty_archive_yields_nothing(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "empty.zip", [])
    assert list(iter_inputs([str(archive)])) == []


def _mixed_tree(root: Path) -> list[str]:
    _tree(root / "folder")
    write_archive(root / "folder" / "inner.zip", [("z1.txt", "子".encode()), ("z2.bin", b"\x00")])
    write_archive(root / "folder" / "sub" / "inner.tgz", [("t1.md", "丑".encode())])
    write_archive(root / "top.txz", MIXED_MEMBERS)
    (root / "single.txt").write_text("寅", encoding="utf-8")
    return [str(root / "folder"), str(root / "top.txz"), str(root / "single.txt"), str(root / "nope")]


def test_named_file_with_unknown_extension_fails(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b", encoding="utf-8")
    [result] = list(iter_inputs([str(path)]))
    assert isinstance(result, InputFailure)
    assert result.error == "UnsupportedFormatError"


def test_mixed_inputs_deterministic_and_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _mixed_tree(tmp_path)
    runs = []
    for _ in range(2):
        _stdin(monkeypatch, "卯".encode())
        runs.append(list(iter_inputs([*paths, "-"], max_bytes=4096)))
    assert runs[0] == runs[1]
    summary = _summary(runs[0])
    folder = paths[0]
    assert summary[:4] == [
        (os.path.join(folder, "a.txt"), "doc:甲"),
        (os.path.join(folder, "b.txt"), "doc:乙"),
        (os.path.join(folder, "inner.zip") + "!z1.txt", "doc:子"),
        (os.path.join(folder, "inner.zip") + "!z2.bin", "fail:UnsupportedFormatError"),
    ]
    assert (os.path.join(folder, "sub", "inner.tgz") + "!t1.md", "doc:丑") in summary
    assert summary[-3:] == [(paths[2], "doc:寅"), (paths[3], "fail:FileNotFoundError"), ("<stdin>", "doc:卯")]
    # 5 folder documents (f.csv is skipped) + 2 zip members + 1 tgz member + mixed archive
    # + single + missing + stdin
    assert len(summary) == 5 + 2 + 1 + len(MIXED_EXPECTED) + 3
    assert len({s for s, _ in summary}) == len(summary)


def test_never_raises_on_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("甲", encoding="utf-8")

    def boom(*_args: object, **_kwargs: object) -> io.BufferedReader:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(readers, "open", boom, raising=False)  # root ignores chmod, so fake it
    [failure] = iter_inputs([str(path)])
    assert isinstance(failure, InputFailure)
    assert (failure.error, failure.source) == ("PermissionError", str(path))


def test_missing_module_message_carries_the_underlying_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13.1: trafilatura installed but a module it imports missing said "needs trafilatura"."""
    pytest.importorskip("trafilatura")
    for name in [m for m in sys.modules if m.split(".")[0] in ("trafilatura", "justext", "lxml_html_clean")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "lxml.html.clean", raising=False)
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)  # makes `import lxml_html_clean` fail
    with pytest.raises(MissingExtraError, match=r"importing trafilatura failed: .*lxml_html_clean"):
        read_document("page.html", "<html><body><p>新增就业1.2万人。</p></body></html>".encode())


# ---- Issue 13.11: an HTML page whose text is all dropped as boilerplate --------------------

_FACTS = "全县地区生产总值完成286.7亿元，增长6.2%；城镇新增就业1.2万人；新建学校3所，改造老旧小区27个"
_ALL_DROPPED = {
    "content-in-a-menu-class": "<div class='menu-content'>" + f"<p>{_FACTS}</p>" * 5 + "</div>",
    "content-in-links": "<div>" + f"<a href=x>{_FACTS}</a><br>" * 5 + "</div>",
    "content-in-position-block": "<div id='position'>" + f"<span>{_FACTS}</span>" * 5 + "</div>",
}


@pytest.mark.parametrize("body", list(_ALL_DROPPED.values()), ids=list(_ALL_DROPPED))
def test_html_whose_main_content_is_empty_falls_back_and_says_so(body: str) -> None:
    page = f"<html><head><title>t</title><style>p {{color: red}}</style></head><body>{body}</body></html>"
    doc = read_document("page.html", page.encode("utf-8"))
    assert doc.text.count("286.7亿元") == 5
    assert "color" not in doc.text
    visible = 5 * len(_FACTS)
    [warning] = doc.warnings
    assert f"all {visible} characters of visible text" in warning, warning
    assert "boilerplate" in warning


def test_html_that_drops_most_of_its_text_says_how_much() -> None:
    menu = "".join(f"<li><a href='/{i}'>栏目{i}：{_FACTS[:20]}</a></li>" for i in range(12))
    page = (
        f"<html><body><ul class='nav'>{menu}</ul><div class='article'><p>{_FACTS}。</p></div></body></html>"
    )
    doc = read_document("page.html", page.encode("utf-8"))
    assert doc.text == _FACTS + "。"
    [warning] = doc.warnings
    assert re.fullmatch(
        r"HTML: \d+ of \d+ characters of visible text were dropped as boilerplate .*", warning
    )


def test_html_with_little_boilerplate_says_how_little() -> None:
    # Whatever boilerplate removal drops is counted (issue 15: say how much was dropped); only
    # most or all of the text dropped gets the stronger warnings above.
    page = (
        f"<html><body><div class='nav'><a href='/'>首页</a></div><div><p>{_FACTS}。</p></div></body></html>"
    )
    doc = read_document("page.html", page.encode("utf-8"))
    assert doc.text == _FACTS + "。"
    assert doc.warnings == (
        "HTML: 2 of 56 characters of page text dropped as menus, footers and other boilerplate",
    )


def test_html_warnings_reach_the_document_record(tmp_path: Path) -> None:
    from extractor.pipeline import extract_file

    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{_ALL_DROPPED['content-in-links']}</body></html>", encoding="utf-8")
    result = extract_file(path)
    assert len(result.metrics) == 5 * 5
    assert result.document.warnings[0].startswith("HTML: ")
