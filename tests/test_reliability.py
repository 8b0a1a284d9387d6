"""Regressions from issue 15 (and issue 13 item 12): one odd number, file name or page must never
cost a document, a run, or silent text.  Every input here is invented or generated in the test.
"""

from __future__ import annotations

import decimal
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor import batch, readers
from extractor.batch import DocumentOutput, run_batch
from extractor.pipeline import Extractor
from extractor.readers import InputDocument, InputFailure, iter_inputs, read_document
from extractor.writers import JsonLinesWriter


def _metric_values(ex: Extractor, text: str) -> list[tuple[str, Decimal, Decimal | None]]:
    res = ex.extract(text, "x.txt")
    return [(m.text, m.value, m.value_max) for m in res.metrics]


# ---------------------------------------------------------------------------------------------
# Item 1 / issue 13 item 12: big numbers, absurd magnitudes and the caller's decimal context.
# ---------------------------------------------------------------------------------------------
ABSURD = [
    pytest.param("投资10000000000000000000000000000元，新增就业1200人。", id="29-digit-yuan"),
    pytest.param("规模达1万亿亿亿元，新增就业1200人。", id="wan-yi-yi-yi"),
    pytest.param("图表3607536990389984081942750300002000013000亿，新增就业1200人。", id="glued-axis-labels"),
    pytest.param("投资" + "9" * 150 + "元，新增就业1200人。", id="150-digit-run"),
    pytest.param("规模达1" + "亿" * 200 + "元，新增就业1200人。", id="200-yi"),
]


@pytest.mark.parametrize("text", ABSURD)
def test_absurd_magnitude_is_rejected_with_a_reason_and_costs_nothing_else(
    extractor_instance: Extractor, text: str
) -> None:
    res = extractor_instance.extract(text, "x.txt")
    assert [(m.text, m.value) for m in res.metrics] == [("1200人", Decimal(1200))]
    magnitude = [r for r in res.rejections if r.rule == "trap.magnitude"]
    assert len(magnitude) == 1
    assert "digits" in magnitude[0].reason
    assert res.text[magnitude[0].start : magnitude[0].end].endswith(("元", "亿"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("投资12345678元。", "12345678", id="8"),
        pytest.param("投资12345678.125元。", "12345678.125", id="11"),
        pytest.param("增长1.2345678912345678912345678912%。", "1.2345678912345678912345678912", id="29"),
        pytest.param("投资12345678901234.5678万元。", "123456789012345678", id="mixed-magnitude"),
    ],
)
@pytest.mark.parametrize("prec", [3, 6, 28])
def test_values_are_exact_whatever_the_callers_decimal_context(
    extractor_instance: Extractor, text: str, value: str, prec: int
) -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = prec
        ctx.traps[decimal.Inexact] = False
        values = _metric_values(extractor_instance, text)
    assert [v for _, v, _ in values] == [Decimal(value)]
    assert str(values[0][1]) == value


def test_limit_is_on_the_integer_digits_not_on_the_fraction(extractor_instance: Extractor) -> None:
    # 10**17 is the largest magnitude kept (one more digit than any real statistic needs).
    assert _metric_values(extractor_instance, "投资10亿亿元。") == [("10亿亿元", Decimal(10**17), None)]
    assert _metric_values(extractor_instance, "投资100亿亿元。") == []


# ---------------------------------------------------------------------------------------------
# Item 9: reversed ranges.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        pytest.param("增长7%—6.5%。", "6.5", "7", id="percent"),
        pytest.param("新增5至3个。", "3", "5", id="count"),
        pytest.param("投资1.5万—1.2万元。", "12000", "15000", id="magnitude"),
    ],
)
def test_reversed_range_is_ordered(extractor_instance: Extractor, text: str, low: str, high: str) -> None:
    [(_, value, value_max)] = _metric_values(extractor_instance, text)
    assert (value, value_max) == (Decimal(low), Decimal(high))


# ---------------------------------------------------------------------------------------------
# Item 2: a file name that is not UTF-8 (GBK bytes in a tar member or a folder entry).
# ---------------------------------------------------------------------------------------------
GBK_NAME = "报告".encode("gbk")  # b"\xb1\xa8\xb8\xe6": not UTF-8
REPORT = "全县新增城镇就业1200人，增长5%。\n"


def _extract(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", "extract", *args, "--jobs", "1", "--quiet"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _sources(out: Path) -> list[tuple[str, str]]:
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [(r["type"], r["source"]) for r in lines if r["type"] in ("document", "error")]


def test_gbk_tar_member_name_is_decoded_and_the_run_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    # A GNU tar written by a Chinese Windows tool: the name bytes are GBK.
    with tarfile.open(
        archive, "w", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape"
    ) as tar:
        for name in (b"first.txt", GBK_NAME + b".txt", b"\xff\xfe.txt", b"last.txt"):
            data = REPORT.encode("utf-8")
            info = tarfile.TarInfo(name.decode("utf-8", "surrogateescape"))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out.jsonl"
    proc = _extract("a.tar", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _sources(out) == [
        ("document", "a.tar!first.txt"),
        ("document", "a.tar!报告.txt"),
        ("document", "a.tar!\\xff\\xfe.txt"),  # neither UTF-8 nor GB18030: escaped, still read
        ("document", "a.tar!last.txt"),
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any name bytes")
def test_gbk_folder_entry_is_decoded_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (b"a.txt", GBK_NAME + b".txt", b"z.txt"):
        with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
            fh.write(REPORT.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    proc = _extract("in", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [s for _, s in _sources(out)] == ["in/a.txt", "in/z.txt", "in/报告.txt"]


def test_a_record_holding_a_lone_surrogate_never_breaks_the_writer() -> None:
    record = {"type": "error", "source": "x\udcb1.txt", "error": "E", "message": "m"}
    out = DocumentOutput.from_records("x", [record], True, 0)
    assert json.loads(out.data.decode("utf-8")) == record  # escaped as \udcb1 in JSON: lossless
    buf = io.StringIO()
    JsonLinesWriter(buf).write(record)
    assert json.loads(buf.getvalue()) == record


# ---------------------------------------------------------------------------------------------
# Item 4: oversized members of a compressed tar cost the time to inflate them.
# ---------------------------------------------------------------------------------------------
MiB = 2**20


def _zeros_tgz(path: Path, members: list[tuple[str, int | bytes]]) -> Path:
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = content if isinstance(content, int) else len(content)
            stream = _Zeros(content) if isinstance(content, int) else io.BytesIO(content)
            tar.addfile(info, stream)
    return path


class _Zeros(io.RawIOBase):
    """``size`` zero bytes, made as they are read."""

    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._left)
        buffer[:n] = bytes(n)
        self._left -= n
        return n


def _summary(results: list[InputDocument | InputFailure]) -> list[tuple[str, str]]:
    return [(r.source, f"fail:{r.error}" if isinstance(r, InputFailure) else "doc") for r in results]


def test_tar_stops_before_inflating_a_huge_refused_member(tmp_path: Path) -> None:
    ok = "新增就业1200人。".encode()
    archive = _zeros_tgz(
        tmp_path / "bomb.tgz",
        [("ok1.txt", ok), ("big1.txt", 64 * MiB), ("big2.txt", 64 * MiB), ("ok2.txt", ok)],
    )
    results = list(iter_inputs([str(archive)], max_bytes=MiB))
    assert _summary(results) == [
        (f"{archive}!ok1.txt", "doc"),
        (f"{archive}!big1.txt", "fail:TooLargeError"),
        (str(archive), "fail:UnsafeArchiveError"),
    ]
    assert "not listed" in results[-1].message  # type: ignore[union-attr]


def test_refused_members_count_toward_the_archive_budget(tmp_path: Path) -> None:
    ok = "新增就业1200人。".encode()
    archive = _zeros_tgz(tmp_path / "b.tgz", [("a.txt", 3 * MiB), ("b.txt", 3 * MiB), ("c.txt", ok)])
    results = list(iter_inputs([str(archive)], max_bytes=2 * MiB, max_archive_bytes=5 * MiB))
    assert _summary(results) == [
        (f"{archive}!a.txt", "fail:TooLargeError"),
        (f"{archive}!b.txt", "fail:TooLargeError"),
        (f"{archive}!c.txt", "fail:UnsafeArchiveError"),
    ]


# ---------------------------------------------------------------------------------------------
# Item 6: --resume compares content, not only names.
# ---------------------------------------------------------------------------------------------
def test_resume_refuses_when_a_complete_document_changed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, n in (("a.txt", 100), ("b.txt", 200)):
        (folder / name).write_text(f"新增就业{n}人。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _extract("in", "-o", str(out), cwd=tmp_path).returncode == 0
    written = out.read_bytes()
    (folder / "a.txt").write_text("新增就业999人。\n", encoding="utf-8")  # changed after the run
    proc = _extract("in", "-o", str(out), "--resume", cwd=tmp_path)
    assert proc.returncode == 2
    assert "in/a.txt" in proc.stderr and "changed" in proc.stderr
    assert out.read_bytes() == written  # untouched


def test_resume_accepts_unchanged_documents(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("新增就业100人。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _extract("in", "-o", str(out), cwd=tmp_path).returncode == 0
    written = out.read_bytes()
    (folder / "b.txt").write_text("新增就业200人。\n", encoding="utf-8")
    proc = _extract("in", "-o", str(out), "--resume", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(written)
    assert [s for _, s in _sources(out)] == ["in/a.txt", "in/b.txt"]


# ---------------------------------------------------------------------------------------------
# Item 8: two runs writing the same -o.
# ---------------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX flock")
def test_second_writer_of_the_same_output_exits_2_and_leaves_it_alone(tmp_path: Path) -> None:
    import fcntl

    (tmp_path / "a.txt").write_text("新增就业100人。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("held by a running extractor\n", encoding="utf-8")
    with open(out, "rb+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a first run holds it
        proc = _extract("a.txt", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    assert "another" in proc.stderr and "out.jsonl" in proc.stderr
    assert out.read_text(encoding="utf-8") == "held by a running extractor\n"  # not truncated
    # Once the first run is done, the output is free again.
    assert _extract("a.txt", "-o", str(out), cwd=tmp_path).returncode == 0
    assert _sources(out) == [("document", "a.txt")]


# ---------------------------------------------------------------------------------------------
# Item 7: --doc-timeout covers reading (HTML parsing, decompression), not only extraction.
# ---------------------------------------------------------------------------------------------
def _slow_reader(monkeypatch: pytest.MonkeyPatch, seconds: dict[str, float]) -> None:
    real = readers.read_document

    def slow(source: str, data: bytes, **kwargs: Any) -> InputDocument:
        time.sleep(seconds.get(Path(source).name, 0.0))
        return real(source, data, **kwargs)

    monkeypatch.setattr(readers, "read_document", slow)


def test_doc_timeout_stops_a_slow_read_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("fast.txt", "slow.txt", "z.txt"):
        (tmp_path / name).write_text("新增就业100人。\n", encoding="utf-8")
    _slow_reader(monkeypatch, {"slow.txt": 30.0})
    started = time.monotonic()
    outputs = list(run_batch([str(tmp_path)], jobs=1, timeout=0.5))
    assert time.monotonic() - started < 10
    kinds = [(Path(o.source).name, o.records[-1]["type"], o.records[-1].get("error")) for o in outputs]
    assert kinds == [
        ("fast.txt", "document", None),
        ("slow.txt", "error", "TimeoutError"),
        ("z.txt", "document", None),
    ]
    assert "reading" in outputs[1].records[-1]["message"]


def test_doc_timeout_is_one_budget_for_reading_and_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("新增就业100人。\n", encoding="utf-8")
    _slow_reader(monkeypatch, {"a.txt": 0.6})
    real = Extractor.extract

    def slow_extract(self: Extractor, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)
        return real(self, *args, **kwargs)

    batch.warm_up()
    monkeypatch.setattr(Extractor, "extract", slow_extract)
    [out] = list(run_batch([str(tmp_path)], jobs=1, timeout=1.0))  # 0.6 s + 0.6 s > 1 s
    assert out.records[-1]["error"] == "TimeoutError"


# ---------------------------------------------------------------------------------------------
# Item 5: HTML text must not vanish silently.
# ---------------------------------------------------------------------------------------------
def _paragraphs(n: int, start: int = 0) -> str:
    return "".join(f"<p>全县新增城镇就业{i}人，增长{i % 10}%。</p>" for i in range(start, start + n))


@pytest.mark.parametrize("depth", [100, 254, 255, 300, 3000])
def test_deeply_nested_html_keeps_all_its_text(depth: int) -> None:
    page = (
        "<html><body><p>开头文本5人。</p>"
        + "<div>" * depth
        + "<p>深层内容100人。</p>"
        + "</div>" * depth
        + "<p>结尾文本7人。</p></body></html>"
    )
    doc = read_document("deep.html", page.encode("utf-8"))
    assert doc.text.split("\n") == ["开头文本5人。", "深层内容100人。", "结尾文本7人。"]
    assert doc.warnings == ()


def test_repeated_paragraphs_are_kept_each_time() -> None:
    page = f"<html><body>{_paragraphs(50) * 2}</body></html>"
    doc = read_document("twice.html", page.encode("utf-8"))
    assert doc.text.count("全县新增城镇就业7人") == 2
    assert len(doc.text.split("\n")) == 100


def test_large_page_keeps_all_its_text_in_bounded_time() -> None:
    page = f"<html><body><div class='content'>{_paragraphs(60_000)}</div></body></html>"  # 1.6 MB
    started = time.monotonic()
    doc = read_document("big.html", page.encode("utf-8"))
    assert len(doc.text.split("\n")) == 60_000
    assert doc.text.count("就业") == 60_000
    assert time.monotonic() - started < 10


def test_dropped_boilerplate_is_counted_in_the_document_warnings(tmp_path: Path) -> None:
    menu = "<div class='nav'><a href='/'>首页</a><a href='/a'>机构概况</a><a href='/b'>政务公开</a></div>"
    page = f"<html><body>{menu}<div class='content'>{_paragraphs(5)}</div></body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [out] = list(run_batch([str(tmp_path / "page.html")], jobs=1))
    warnings = out.records[-1]["warnings"]
    assert any("10 of" in w and "dropped" in w for w in warnings), warnings  # 首页机构概况政务公开


def test_html_view_rounds_in_its_own_context(extractor_instance: Extractor) -> None:
    from extractor.render import render_html

    res = extractor_instance.extract("投资12345678.123456元。", "x.txt")
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        page = render_html(res)
    assert "≈12,345,678.1235" in page


def test_absurd_magnitude_under_a_tiny_caller_context_is_still_a_rejection(
    extractor_instance: Extractor,
) -> None:
    text = "投资" + "9" * 200 + "元，规模1" + "亿" * 30 + "元，新增100人。"
    with decimal.localcontext() as ctx:
        ctx.prec, ctx.Emax = 3, 50
        res = extractor_instance.extract(text, "x.txt")
    assert [m.text for m in res.metrics] == ["100人"]
    assert [r.rule for r in res.rejections] == ["trap.magnitude", "trap.magnitude"]
