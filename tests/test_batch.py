"""Batch runs: input order whatever the engine, nothing lost, time limits, resume, Dask.

Every archive here is generated in ``tmp_path``; ``make_archive`` is also what
``benchmarks/archive_check.py`` uses for its 2,000-document check.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor import batch
from extractor.batch import (
    LocalEngine,
    ResumeError,
    process_input,
    read_resume_point,
    skip_completed,
)
from extractor.cli import app
from extractor.pipeline import Extraction, Extractor
from extractor.readers import InputDocument, InputFailure

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
FORK = multiprocessing.get_start_method() == "fork"
needs_fork = pytest.mark.skipif(not FORK, reason="a monkeypatched extractor reaches workers only by fork")

#: Small enough that the oversized member is over it, large enough for every generated report.
MAX_BYTES = 64 * 1024
SUMMARY = re.compile(r"^documents: (\d+), records: (\d+), failed: (\d+), seconds: \d+\.\d\d$", re.MULTILINE)

# --------------------------------------------------------------------------------------------
# Generated archives
# --------------------------------------------------------------------------------------------

_SECTIONS = ("一、{prev}年工作回顾", "二、{year}年主要目标", "三、重点工作")
_SENTENCES = (
    "全县完成固定资产投资{a}亿元，增长{p}%。",
    "地区生产总值达到{a}.{b}亿元，同比增长{p}.{b}%左右。",
    "新增城镇就业{c}人，城镇登记失业率控制在{p}%以内。",
    "一是聚焦项目建设，实施重点项目{d}个，完成投资{a}余亿元。",
    "二是聚焦民生保障，新建学校{d}所，改造农村公路{c}公里。",
    "城乡居民人均可支配收入分别增长{p}.{b}%和{p}%。",
    "粮食总产量稳定在{c}万吨以上，农民人均收入{c}元。",
)


def report_text(i: int) -> str:
    """A short county work report whose numbers vary with ``i`` (deterministic)."""
    rng = random.Random(i)
    year = 2015 + i % 10
    lines = [f"某县{year}年政府工作报告"]
    for head in _SECTIONS:
        lines.append(head.format(prev=year - 1, year=year))
        body = "".join(
            rng.choice(_SENTENCES).format(
                a=rng.randint(1, 999),
                b=rng.randint(1, 9),
                p=rng.randint(1, 12),
                c=rng.randint(100, 99999),
                d=rng.randint(2, 60),
            )
            for _ in range(rng.randint(2, 8))
        )
        lines.append(f"全县完成投资{i}亿元，增长{i % 9}.5%。{body}")
    return "\n".join(lines) + "\n"


#: kind of broken member -> the error class its record must carry
BROKEN_KINDS = {
    "undecodable": "DecodeError",  # GB18030 bytes behind a UTF-8 byte-order mark
    "binary": "BinaryFileError",
    "traversal": "UnsafeArchiveError",
    "oversized": "TooLargeError",
    "corrupt": "CorruptArchiveError",  # bad CRC
    "unsupported": "UnsupportedFormatError",
}


@dataclass(frozen=True)
class Member:
    name: str
    broken: str | None  # a key of BROKEN_KINDS


def make_archive(path: Path, documents: int, broken_every: int = 50) -> list[Member]:
    """A zip of ``documents`` members, one in ``broken_every`` broken (2% by default).

    Good members vary: UTF-8 and GB18030, LF and CRLF, nested folders.  Returns the members in
    archive order.
    """
    members: list[Member] = []
    kinds = list(BROKEN_KINDS)
    corrupt: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(documents):
            folder = f"{2015 + i % 10}年"
            if i % broken_every == broken_every // 2:
                kind = kinds[(i // broken_every) % len(kinds)]
                name = f"{folder}/broken_{i:05d}.txt"
                text = report_text(i)
                if kind == "undecodable":
                    zf.writestr(name, b"\xef\xbb\xbf" + text.encode("gb18030"))
                elif kind == "binary":
                    zf.writestr(name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
                elif kind == "traversal":
                    name = f"../../etc/report_{i:05d}.txt"
                    zf.writestr(name, text)
                elif kind == "oversized":
                    zf.writestr(name, text * (MAX_BYTES // len(text.encode()) + 1))
                elif kind == "corrupt":
                    zf.writestr(name, text.encode(), compress_type=zipfile.ZIP_STORED)
                    corrupt.append(name)
                else:
                    name = f"{folder}/report_{i:05d}.exe"
                    zf.writestr(name, b"MZ\x90\x00")
                members.append(Member(name, kind))
                continue
            name = f"{folder}/report_{i:05d}.txt"
            text = report_text(i)
            if i % 7 == 3:  # a Windows tool's GB18030 with CRLF
                zf.writestr(name, text.replace("\n", "\r\n").encode("gb18030"))
            else:
                zf.writestr(name, text.encode("utf-8"))
            members.append(Member(name, None))
    if corrupt:  # flip a byte of each stored member's data: its CRC no longer matches
        with zipfile.ZipFile(path) as zf:
            offsets = [zf.getinfo(name).header_offset for name in corrupt]
        with path.open("r+b") as fh:
            for offset in offsets:
                fh.seek(offset + 26)
                name_len = int.from_bytes(fh.read(2), "little")
                extra_len = int.from_bytes(fh.read(2), "little")
                fh.seek(offset + 30 + name_len + extra_len + 5)
                byte = fh.read(1)
                fh.seek(-1, os.SEEK_CUR)
                fh.write(bytes([byte[0] ^ 0xFF]))
    return members


# --------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Member]]:
    path = tmp_path_factory.mktemp("batch") / "reports.zip"
    return path, make_archive(path, 200)


def _extract(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["extract", *args])
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture(scope="module")
def reference(archive: tuple[Path, list[Member]], tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The uninterrupted ``--jobs 1`` output that every other run must equal, byte for byte."""
    out = tmp_path_factory.mktemp("reference") / "facts.jsonl"
    code, _, stderr = _extract(str(archive[0]), "-o", str(out), "--jobs", "1", "--max-bytes", str(MAX_BYTES))
    assert code == 0, stderr
    return out.read_bytes()


def _records(data: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.splitlines()]


def _commits(data: bytes) -> list[dict[str, object]]:
    return [r for r in _records(data) if r["type"] in ("document", "error")]


def _run_to_file(archive: Path, out: Path, *options: str) -> tuple[int, str]:
    code, _, stderr = _extract(str(archive), "-o", str(out), "--max-bytes", str(MAX_BYTES), *options)
    return code, stderr


# --------------------------------------------------------------------------------------------
# Order and completeness
# --------------------------------------------------------------------------------------------


def test_jobs_2_writes_the_same_bytes_as_jobs_1(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "jobs2.jsonl"
    code, stderr = _run_to_file(archive[0], out, "--jobs", "2")
    assert code == 0, stderr
    assert out.read_bytes() == reference


def test_every_member_ends_as_a_document_or_an_error_record(
    archive: tuple[Path, list[Member]], reference: bytes
) -> None:
    path, members = archive
    commits = _commits(reference)
    assert [c["source"] for c in commits] == [f"{path}!{m.name}" for m in members]
    got = [(c["type"], c.get("error")) for c in commits]
    want = [("error", BROKEN_KINDS[m.broken]) if m.broken else ("document", None) for m in members]
    assert got == want
    assert sum(m.broken is not None for m in members) == 4  # 2% of 200


def test_records_of_a_document_come_before_its_document_record(reference: bytes) -> None:
    records = _records(reference)
    source = None
    for record in records:
        if source is None:
            source = record["source"]
        assert record["source"] == source
        if record["type"] in ("document", "error"):
            source = None


def test_summary_line_counts_documents_records_and_failures(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path
) -> None:
    code, stderr = _run_to_file(archive[0], tmp_path / "out.jsonl", "--jobs", "1")
    assert code == 0
    match = SUMMARY.search(stderr)
    assert match is not None, stderr
    assert stderr.rstrip("\n").splitlines()[-1] == match.group(0)
    documents, records, failed = map(int, match.groups())
    assert (documents, records, failed) == (200, len(_records(reference)), 4)
    for member in archive[1]:  # each failure is also reported on stderr, by source
        if member.broken:
            assert f"!{member.name}: {BROKEN_KINDS[member.broken]}:" in stderr


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)], ids=["default", "strict"])
def test_exit_status_with_failed_inputs(
    archive: tuple[Path, list[Member]], tmp_path: Path, strict: bool, code: int
) -> None:
    options = ["--jobs", "1", "--quiet", *(["--strict"] if strict else [])]
    assert _run_to_file(archive[0], tmp_path / "out.jsonl", *options)[0] == code


@pytest.mark.parametrize(
    "args",
    [
        ["--jobs", "0"],
        ["--max-bytes", "0"],
        ["--doc-timeout", "-1"],
        ["--scheduler", "tcp://127.0.0.1:8786"],
        ["--engine", "spark"],
        ["--resume"],
    ],
    ids=[
        "jobs-0",
        "max-bytes-0",
        "negative-timeout",
        "scheduler-without-dask",
        "unknown-engine",
        "resume-no-o",
    ],
)
def test_bad_usage_exits_with_status_2(archive: tuple[Path, list[Member]], args: list[str]) -> None:
    code, stdout, stderr = _extract(str(archive[0]), *args)
    assert code == 2, stderr
    assert stdout == ""


def test_the_pool_reads_ahead_only_a_bounded_window() -> None:
    pulled = 0

    def inputs() -> Iterator[InputDocument]:
        nonlocal pulled
        for i in range(400):
            pulled += 1
            yield InputDocument(f"doc{i}.txt", f"全县完成投资{i}亿元，增长{i % 9}.5%。", "utf-8", "txt", 10)

    with LocalEngine(2, timeout=None) as engine:
        outputs = engine.run(inputs())
        first = next(outputs)
        ahead = pulled
        rest = list(outputs)
    assert first.source == "doc0.txt"
    assert [o.source for o in rest] == [f"doc{i}.txt" for i in range(1, 400)]
    assert ahead <= batch.TASKS_PER_WORKER * 2 * batch.CHUNK_DOCS + 2


# --------------------------------------------------------------------------------------------
# Limits: time per document, crashes, bugs
# --------------------------------------------------------------------------------------------

_real_extract = Extractor.extract


def _slow_on(marker: str, how: str) -> Callable[..., Extraction]:
    """``Extractor.extract`` that misbehaves (``how``) on sources containing ``marker``."""

    def extract(self: Extractor, text: str, source: str | None = None, **kw: Any) -> Extraction:
        if source is not None and marker in source:
            if how == "sleep":
                time.sleep(30)
            elif how == "regex":  # catastrophic backtracking inside the regex module's C code
                import regex

                regex.search(r"(a|aa)+$", "a" * 64 + "!")
            elif how == "loop":
                while True:
                    pass
            elif how == "crash":
                os._exit(3)
            elif how == "bug":
                raise KeyError("no such rule")
        return _real_extract(self, text, source, **kw)

    return extract


def _three_reports(tmp_path: Path) -> list[str]:
    paths = []
    for i, name in enumerate(["a.txt", "slow.txt", "c.txt"]):
        path = tmp_path / name
        path.write_text(report_text(i), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize(
    ("how", "jobs"),
    [
        ("sleep", "1"),
        ("regex", "1"),
        pytest.param("sleep", "2", marks=needs_fork),
        pytest.param("loop", "2", marks=needs_fork),
    ],
    ids=["sleep-in-process", "regex-backtracking-in-process", "sleep-in-worker", "busy-loop-in-worker"],
)
def test_a_document_over_its_time_limit_becomes_a_timeout_error_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str, jobs: str
) -> None:
    monkeypatch.setattr(Extractor, "extract", _slow_on("slow", how))
    paths = _three_reports(tmp_path)
    started = time.perf_counter()
    code, stdout, stderr = _extract(*paths, "--jobs", jobs, "--doc-timeout", "0.5")
    assert time.perf_counter() - started < 15
    assert code == 0, stderr
    commits = _commits(stdout.encode())
    assert [(c["type"], c.get("error")) for c in commits] == [
        ("document", None),
        ("error", "TimeoutError"),
        ("document", None),
    ]
    assert "--doc-timeout" in str(commits[1]["message"])
    assert "slow.txt: TimeoutError" in stderr


def test_the_time_limit_also_stops_python_code_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # Dask runs tasks in worker threads, where no SIGALRM can be used.
    monkeypatch.setattr(Extractor, "extract", _slow_on("slow", "loop"))
    item = InputDocument("slow.txt", "增长5%。", "utf-8", "txt", 10)
    result: list[batch.DocumentOutput] = []
    thread = threading.Thread(target=lambda: result.append(process_input(item, timeout=0.3)))
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert result[0].records[0]["error"] == "TimeoutError"


def test_a_document_within_its_time_limit_is_not_disturbed() -> None:
    item = InputDocument("a.txt", report_text(1), "utf-8", "txt", 10)
    handler = signal.getsignal(signal.SIGALRM)
    assert process_input(item, timeout=30) == process_input(item, timeout=None)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


class _CallerAlarm(BaseException):  # like pytest-timeout's: an Exception would become a record
    pass


def test_a_timer_the_caller_set_still_fires_during_an_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    def on_alarm(signum: int, frame: object) -> None:
        raise _CallerAlarm

    batch.warm_up()  # before the caller's timer: jieba's loader swallows exceptions
    monkeypatch.setattr(Extractor, "extract", _slow_on("slow", "sleep"))
    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(_CallerAlarm):  # the caller's 0.3 s, not the document's 20 s
            process_input(InputDocument("slow.txt", "增长5%。", "utf-8", "txt", 10), timeout=20)
        signal.setitimer(signal.ITIMER_REAL, 30)
        process_input(InputDocument("a.txt", report_text(1), "utf-8", "txt", 10), timeout=20)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < remaining <= 30  # given back
        assert signal.getsignal(signal.SIGALRM) is on_alarm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@needs_fork
def test_a_worker_that_dies_costs_only_its_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paths = _three_reports(tmp_path)
    expected = _commits(_extract(*paths, "--jobs", "1")[1].encode())
    monkeypatch.setattr(Extractor, "extract", _slow_on("slow", "crash"))
    code, stdout, stderr = _extract(*paths, "--jobs", "2")
    assert code == 0, stderr
    commits = _commits(stdout.encode())
    assert [c.get("error") for c in commits] == [None, "WorkerCrashError", None]
    assert [commits[0], commits[2]] == [expected[0], expected[2]]


def test_an_unexpected_exception_becomes_an_error_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(Extractor, "extract", _slow_on("slow", "bug"))
    code, stdout, _ = _extract(*_three_reports(tmp_path), "--jobs", "1")
    assert code == 0
    error = _commits(stdout.encode())[1]
    assert (error["error"], "please report" in str(error["message"])) == ("KeyError", True)


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------


def _cut_points(reference: bytes) -> dict[str, int]:
    lines = reference.splitlines(keepends=True)
    ends = list(accumulate(map(len, lines)))
    commit_lines = [i for i, line in enumerate(lines) if b'"type": "document"' in line]
    middle = commit_lines[len(commit_lines) // 2]  # a document with records before its commit
    first_of_next = middle + 1
    return {
        "empty": 0,
        "mid-line": ends[first_of_next] + 7,
        "between-records": ends[first_of_next + 1],
        "after-commit": ends[middle],
        "torn-commit": ends[middle] - 3,
        "complete": len(reference),
    }


@pytest.mark.parametrize(
    "cut", ["empty", "mid-line", "between-records", "after-commit", "torn-commit", "complete"]
)
def test_resume_after_a_cut_equals_the_uninterrupted_run(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path, cut: str
) -> None:
    out = tmp_path / "facts.jsonl"
    out.write_bytes(reference[: _cut_points(reference)[cut]])
    code, stderr = _run_to_file(archive[0], out, "--jobs", "1", "--resume")
    assert code == 0, stderr
    assert out.read_bytes() == reference
    match = SUMMARY.search(stderr)
    assert match is not None and match.groups() == ("200", str(len(_records(reference))), "4")


def test_resume_with_worker_processes(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "facts.jsonl"
    out.write_bytes(reference[: _cut_points(reference)["mid-line"]])
    assert _run_to_file(archive[0], out, "--jobs", "2", "--resume")[0] == 0
    assert out.read_bytes() == reference


def test_resume_point_counts_the_complete_inputs(reference: bytes, tmp_path: Path) -> None:
    out = tmp_path / "facts.jsonl"
    cut = _cut_points(reference)["mid-line"]
    out.write_bytes(reference[:cut])
    point = read_resume_point(out)
    kept = reference[: point.offset]
    assert kept.endswith(b"\n") and point.offset < cut
    assert point.sources == [c["source"] for c in _commits(kept)]
    assert point.records == len(_records(kept))
    assert point.dropped_bytes == cut - point.offset


def test_resume_refuses_an_output_written_from_other_inputs(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text(report_text(1), encoding="utf-8")
    out = tmp_path / "facts.jsonl"
    written = reference[: _cut_points(reference)["mid-line"]]
    out.write_bytes(written)
    code, _, stderr = _extract(str(other), "-o", str(out), "--resume")
    assert code == 2
    assert "other inputs" in stderr
    assert out.read_bytes() == written  # untouched, partial tail included


def test_skip_completed_checks_sources_in_order() -> None:
    items = [InputFailure(f"s{i}", "DecodeError", "x") for i in range(3)]
    point = batch.ResumePoint(["s0", "s1"], 10, 10, 2, 2)
    assert list(skip_completed(items, point)) == items[2:]
    with pytest.raises(ResumeError, match="only 3"):
        skip_completed(items, batch.ResumePoint(["s0", "s1", "s2", "s3"], 10, 10, 4, 4))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_resume_needs_json_lines(archive: tuple[Path, list[Member]], tmp_path: Path, fmt: str) -> None:
    code, _, stderr = _extract(str(archive[0]), "-o", str(tmp_path / f"out.{fmt}"), "-f", fmt, "--resume")
    assert code == 2
    assert "--resume needs --format jsonl" in stderr


def test_resume_after_killing_a_run(tmp_path: Path) -> None:
    archive = tmp_path / "big.zip"
    members = make_archive(archive, 400)
    out = tmp_path / "facts.jsonl"
    command = [sys.executable, "-m", "extractor", "extract", str(archive), "-o", str(out), "--jobs", "2"]
    command += ["--max-bytes", str(MAX_BYTES), "--quiet"]
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while (not out.exists() or out.stat().st_size < 400_000) and proc.poll() is None:
            assert time.monotonic() < deadline, "the run wrote nothing"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes, at once
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    killed = out.read_bytes()
    assert 0 < len(_commits(killed[: killed.rfind(b"\n") + 1])) < len(members), "not killed half-way"

    code, stderr = _run_to_file(archive, out, "--jobs", "2", "--resume")
    assert code == 0, stderr
    uninterrupted = tmp_path / "uninterrupted.jsonl"
    assert _run_to_file(archive, uninterrupted, "--jobs", "1")[0] == 0
    assert out.read_bytes() == uninterrupted.read_bytes()


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


def test_progress_bar_on_stderr_with_progress(archive: tuple[Path, list[Member]], tmp_path: Path) -> None:
    code, stderr = _run_to_file(archive[0], tmp_path / "out.jsonl", "--jobs", "1", "--progress")
    assert code == 0
    assert "200/200" in stderr  # the zip is counted first: a total, and so a time left
    assert "chars/s" in stderr
    assert "failed 4" in stderr
    assert SUMMARY.search(stderr)


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    archive: tuple[Path, list[Member]], tmp_path: Path
) -> None:
    code, stderr = _run_to_file(archive[0], tmp_path / "out.jsonl", "--jobs", "1")
    assert code == 0
    assert "chars/s" not in stderr


# --------------------------------------------------------------------------------------------
# Dask (last: a distributed client leaves threads behind, and the tests above fork)
# --------------------------------------------------------------------------------------------


def test_engine_dask_without_the_extra_names_it(
    archive: tuple[Path, list[Member]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    code, stdout, stderr = _extract(str(archive[0]), "--engine", "dask")
    assert code == 2
    assert "extractor[dask]" in stderr
    assert stdout == ""


def test_extract_bag_gives_the_records_of_the_default_engine(
    archive: tuple[Path, list[Member]], reference: bytes
) -> None:
    pytest.importorskip("dask.bag")
    from extractor.dask import extract_bag

    bag = extract_bag([str(archive[0])], max_bytes=MAX_BYTES, records=True, partition_size=16)
    assert bag.npartitions == 13
    assert bag.compute(scheduler="sync") == _records(reference)


def test_extract_bag_leaves_decoding_to_the_workers(
    archive: tuple[Path, list[Member]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bag is built from the inputs' bytes (a PendingInput each) or their reading failures,
    # never from decoded text: the workers decode, PDFs above all.
    pytest.importorskip("dask.bag")
    from extractor import dask as engine
    from extractor.readers import InputDocument, PendingInput

    seen: list[object] = []
    built = engine.bag_of_inputs

    def spy(items: list[object], **options: object) -> object:
        seen.extend(items)
        return built(items, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "bag_of_inputs", spy)
    engine.extract_bag([str(archive[0])], max_bytes=MAX_BYTES)
    assert seen and not any(isinstance(item, InputDocument) for item in seen)
    assert sum(isinstance(item, PendingInput) for item in seen) > len(seen) // 2


def test_engine_dask_on_a_local_cluster_equals_jobs_1(
    archive: tuple[Path, list[Member]], reference: bytes, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask.jsonl"
    code, stderr = _run_to_file(archive[0], out, "--engine", "dask", "--jobs", "2")
    assert code == 0, stderr
    assert out.read_bytes() == reference
    assert SUMMARY.search(stderr)


def test_run_batch_library_entry_point(tmp_path: Path) -> None:
    from extractor.batch import run_batch

    (tmp_path / "a.txt").write_text("全年完成投资12亿元。", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00bad\x00\x00")
    outputs = list(run_batch([str(tmp_path), str(tmp_path / "missing.txt")]))
    assert [Path(o.source).name for o in outputs] == ["a.txt", "b.txt", "missing.txt"]
    assert [o.failed for o in outputs] == [False, True, True]
    assert outputs[0].records[0]["value"] == 1200000000
    assert outputs[0].records[-1]["type"] == "document"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is chosen on Linux only")
def test_workers_are_forked_only_from_a_single_threaded_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch.threading, "active_count", lambda: 1)
    context = batch._fork_context()
    assert context is not None and context.get_start_method() == "fork"
    monkeypatch.setattr(batch.threading, "active_count", lambda: 2)
    assert batch._fork_context() is None  # forking beside another thread may deadlock


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is chosen on Linux only")
def test_forked_workers_start_warm(tmp_path: Path) -> None:
    # In a fresh process: the segmenter (jieba's dictionary) is loaded once, in the parent before
    # it forks, and never in a worker.
    log = tmp_path / "loads.txt"
    code = (
        "import os, sys\n"
        "from extractor import batch, segment\n"
        "from extractor.readers import InputDocument\n"
        "real = segment.Segmenter.__init__\n"
        "def counting(self):\n"
        f"    with open({str(log)!r}, 'a') as f: f.write(f'{{os.getpid()}}\\n')\n"
        "    real(self)\n"
        "segment.Segmenter.__init__ = counting\n"
        "text = '全年新增城镇就业1.2万人，完成投资5亿元。'\n"
        "docs = [InputDocument(f'd{i}', text, 'utf-8', 'text', len(text)) for i in range(12)]\n"
        "with batch.LocalEngine(2) as engine:\n"
        "    outs = list(engine.run(docs))\n"
        "assert [o.source for o in outs] == [d.source for d in docs]\n"
        "assert not any(o.failed for o in outs) and all(o.n_records > 1 for o in outs)\n"
        "print(os.getpid())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert log.read_text().split() == [out.stdout.strip()]


def test_records_survive_line_separators_inside_text() -> None:
    # json.dumps(ensure_ascii=False) leaves U+2028 and U+0085 as they are; str.splitlines would
    # cut a record there.
    records = [{"type": "metric", "text": "1万\u2028人"}, {"type": "document", "title": "a\x85b"}]
    out = batch.DocumentOutput.from_records("a.txt", records, False, 5)
    assert out.records == records
    assert out.n_records == 2
    assert out.lines.endswith("\n") and out.data == out.lines.encode("utf-8")


def test_inputs_in_flight_are_bounded_by_their_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers decode, so the command holds each input's bytes until its turn: past
    WINDOW_BYTES only one task per worker is in flight (not TASKS_PER_WORKER of them)."""
    from extractor.readers import PendingInput

    text = "全年新增就业1.2万人，增长5%。" * 40
    items = [PendingInput(f"d{i}.txt", text.encode(), None, 10**6) for i in range(10)]
    with LocalEngine(2, chunk_docs=1) as engine:
        in_flight: list[int] = []
        yielded = 0
        real = engine._submit

        def submit(chunk: list[Any]) -> Any:
            in_flight.append(len(in_flight) + 1 - yielded)  # tasks submitted and not yet yielded
            return real(chunk)

        monkeypatch.setattr(engine, "_submit", submit)
        monkeypatch.setattr(batch, "WINDOW_BYTES", 100)
        sources = []
        for out in engine.run(items):
            yielded += 1
            sources.append(out.source)
    assert sources == [f"d{i}.txt" for i in range(10)]
    assert max(in_flight) <= 2  # one a worker, against TASKS_PER_WORKER * 2 = 6 without the bound
