"""What the user asked for is what they get, and a mistake costs one clear line (issue 13).

Output format from the file name (13.2), ``--excel`` only for CSV (13.3), unwritable outputs
(13.7), inputs that match nothing, bad encodings and ``--errors replace`` (13.8).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app

runner = CliRunner()
REPORT = "一、工作回顾\n全年新增就业1.2万人，增长5%左右。一是聚焦民生，新建学校3所。\n"
METRICS = ["1.2万人", "5%左右", "3所"]


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ---- 13.2: the format follows the output file's extension ------------------------------------


def _csv_metrics(path: Path) -> list[str]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return [r["text"] for r in rows if r["type"] == "metric"]


@pytest.mark.parametrize("suffix", [".csv", ".CSV"])
def test_output_csv_without_format_writes_csv(report: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"facts{suffix}"
    res = runner.invoke(app, ["extract", str(report), "-o", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert _csv_metrics(out) == METRICS


def test_output_json_without_format_writes_a_json_array(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    assert runner.invoke(app, ["extract", str(report), "-o", str(out)]).exit_code == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["text"] for r in records if r["type"] == "metric"] == METRICS


def test_output_parquet_without_format_writes_parquet(report: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "facts.parquet"
    assert runner.invoke(app, ["extract", str(report), "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:4] == b"PAR1"


@pytest.mark.parametrize("name", ["facts.jsonl", "facts.ndjson", "facts.out", "facts"])
def test_other_names_get_json_lines(report: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    assert runner.invoke(app, ["extract", str(report), "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["type"] == "document"


@pytest.mark.parametrize(
    ("fmt", "name"), [("jsonl", "facts.csv"), ("csv", "facts.parquet"), ("json", "x.jsonl")]
)
def test_a_format_contradicting_the_extension_is_refused(
    report: Path, tmp_path: Path, fmt: str, name: str
) -> None:
    out = tmp_path / name
    res = runner.invoke(app, ["extract", str(report), "-f", fmt, "-o", str(out)])
    assert res.exit_code == 2
    assert "extension" in res.stderr
    assert not out.exists()


def test_a_format_matching_the_extension_is_fine(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.csv"
    assert runner.invoke(app, ["extract", str(report), "-f", "csv", "-o", str(out)]).exit_code == 0
    assert _csv_metrics(out) == METRICS


# ---- 13.3: --excel is for CSV -----------------------------------------------------------------


@pytest.mark.parametrize("args", [["-f", "jsonl"], ["-f", "json"], [], ["-o", "facts.jsonl"]])
def test_excel_with_json_is_refused(report: Path, tmp_path: Path, args: list[str]) -> None:
    args = [a if a != "facts.jsonl" else str(tmp_path / a) for a in args]
    res = runner.invoke(app, ["extract", str(report), "--excel", *args])
    assert res.exit_code == 2
    assert "--excel" in res.stderr and "CSV" in res.stderr
    assert res.stdout == ""


def test_excel_csv_to_stdout_has_one_bom(report: Path) -> None:
    res = runner.invoke(app, ["extract", str(report), "-f", "csv", "--excel", "--quiet"])
    assert res.exit_code == 0
    assert res.stdout.startswith("\ufeff") and not res.stdout.startswith("\ufeff\ufeff")


def test_excel_csv_reads_back(report: Path, tmp_path: Path) -> None:
    import extractor

    out = tmp_path / "facts.csv"
    assert runner.invoke(app, ["extract", str(report), "--excel", "-o", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(extractor.read_records(out)["text"]) == METRICS


# ---- 13.7: an output that cannot be written ---------------------------------------------------


def _unwritable(tmp_path: Path, kind: str, fmt: str) -> Path:
    if kind == "missing-folder":
        return tmp_path / "no" / "such" / f"facts.{fmt}"
    if kind == "directory":
        (tmp_path / f"adir.{fmt}").mkdir()
        return tmp_path / f"adir.{fmt}"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / f"facts.{fmt}"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("kind", ["missing-folder", "directory", "no-permission"])
def test_unwritable_output_is_one_line_and_exit_2(report: Path, tmp_path: Path, kind: str, fmt: str) -> None:
    if kind == "no-permission" and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = _unwritable(tmp_path, kind, fmt)
    res = runner.invoke(app, ["extract", str(report), "-f", fmt, "-o", str(out)])
    assert res.exit_code == 2, res.output
    line = _one_line_error(res.stderr)
    assert line.startswith("error: cannot write") and str(out) in line
    assert res.stdout == ""


def test_render_into_a_missing_folder_is_one_line_and_exit_2(report: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["render", str(report), "-o", str(tmp_path / "no" / "page.html")])
    assert res.exit_code == 2, res.output
    assert _one_line_error(res.stderr).startswith("error: cannot write")


def test_render_out_dir_that_is_a_file_is_one_line_and_exit_2(report: Path, tmp_path: Path) -> None:
    afile = tmp_path / "pages"
    afile.write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["render", str(report), "--out-dir", str(afile)])
    assert res.exit_code == 2, res.output
    assert _one_line_error(res.stderr).startswith("error: cannot write")


def test_render_with_no_documents_into_an_empty_out_dir(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["render", str(empty), "--out-dir", str(tmp_path / "pages")])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "no input" in res.stderr


# ---- 13.8: inputs that match nothing, bad encodings, --errors replace -------------------------


@pytest.mark.parametrize("out", [["-o", "page.html"], ["--out-dir", "pages"]], ids=["one-page", "out-dir"])
def test_render_of_a_missing_input_alone_exits_2(tmp_path: Path, out: list[str]) -> None:
    out[1] = str(tmp_path / out[1])
    res = runner.invoke(app, ["render", str(tmp_path / "missing.txt"), *out])
    assert res.exit_code == 2
    assert "missing.txt" in res.stderr and "nothing could be read" in res.stderr
    assert not (tmp_path / "page.html").exists()


def test_a_missing_input_alone_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "missing.txt" in res.stderr
    assert "nothing could be read" in res.stderr


def test_a_missing_input_next_to_a_good_one_warns_and_the_rest_is_kept(report: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.txt"), str(report)])
    assert res.exit_code == 0
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert records[0]["type"] == "error" and records[-1]["type"] == "document"
    assert "missing.txt" in res.stderr


def test_an_empty_folder_warns_and_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    res = runner.invoke(app, ["extract", str(folder)])
    assert res.exit_code == 2
    assert f"warning: {folder}: no input found" in res.stderr
    assert "documents: 0" in res.stderr


def test_a_glob_that_matches_nothing_warns(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "more"
    other.mkdir()
    (other / "a.txt").write_text("新建学校3所。", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(other), str(tmp_path), "--glob", "*.md"])
    assert res.exit_code == 2
    assert f"warning: {other}: no input found (--glob '*.md')" in res.stderr


def test_a_folder_matching_nothing_next_to_a_good_file_only_warns(report: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    res = runner.invoke(app, ["extract", str(folder), str(report)])
    assert res.exit_code == 0
    assert f"warning: {folder}: no input found" in res.stderr
    assert "documents: 1" in res.stderr


@pytest.mark.parametrize("command", ["extract", "render"])
def test_an_unknown_encoding_is_a_usage_error(report: Path, command: str) -> None:
    res = runner.invoke(app, [command, str(report), "--encoding", "nonsense"])
    assert res.exit_code == 2
    assert "nonsense" in res.stderr
    assert res.stdout == ""


def _with_bad_byte(tmp_path: Path, encoding: str) -> Path:
    path = tmp_path / f"bad-{encoding}.txt"
    good = REPORT.encode(encoding)
    cut = good.index("新建".encode(encoding))
    path.write_bytes(good[:cut] + b"\xff" + good[cut:])
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_errors_replace_keeps_a_document_with_one_bad_byte(tmp_path: Path, encoding: str) -> None:
    path = _with_bad_byte(tmp_path, encoding)
    strict = runner.invoke(app, ["extract", str(path), "--encoding", encoding])
    assert json.loads(strict.stdout.splitlines()[-1])["type"] == "error"
    res = runner.invoke(app, ["extract", str(path), "--errors", "replace", "--encoding", encoding])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in records if r["type"] == "metric"] == METRICS
    document = records[-1]
    assert document["type"] == "document"
    assert (
        f"1 character was not valid {encoding} and replaced by U+FFFD (--errors replace)"
        in (document["warnings"])
    )


def test_errors_replace_with_detection_picks_the_encoding_with_fewest_errors(tmp_path: Path) -> None:
    path = _with_bad_byte(tmp_path, "utf-8")
    res = runner.invoke(app, ["extract", str(path), "--errors", "replace"])
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in records if r["type"] == "metric"] == METRICS
    assert records[-1]["encoding"] == "utf-8"
    assert records[-1]["warnings"][0].startswith("1 character was not valid utf-8")


def test_a_clean_document_reports_no_replacement(report: Path) -> None:
    res = runner.invoke(app, ["extract", str(report), "--errors", "replace"])
    assert json.loads(res.stdout.splitlines()[-1])["warnings"] == []


def test_errors_is_a_choice(report: Path) -> None:
    assert runner.invoke(app, ["extract", str(report), "--errors", "ignore"]).exit_code == 2
