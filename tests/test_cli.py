"""The command line: formats, error records, exit codes and help with examples."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app

runner = CliRunner()
REPORT = (
    "一、工作回顾\n全年新增就业1.2万人，增长5%左右。"
    "一是聚焦项目建设，完成投资8000余万。二是聚焦民生，新建学校3所。\n"
)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_extract_writes_json_lines_in_document_order(report: Path) -> None:
    res = runner.invoke(app, ["extract", str(report)])
    assert res.exit_code == 0, res.output
    records = _jsonl(res.stdout)
    assert records[-1]["type"] == "document"
    metrics = [r for r in records if r["type"] == "metric"]
    assert [m["text"] for m in metrics] == ["1.2万人", "5%左右", "8000余万", "3所"]
    starts = [r["start"] for r in records if "start" in r]
    assert starts == sorted(starts)
    assert "余" in res.stdout  # ensure_ascii=False: Chinese is written as is
    assert "documents: 1" in res.stderr


def test_unreadable_input_gives_an_error_record_and_the_rest_is_processed(
    report: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    res = runner.invoke(app, ["extract", str(missing), str(report)])
    assert res.exit_code == 0
    records = _jsonl(res.stdout)
    assert records[0]["type"] == "error"
    assert records[0]["source"].endswith("missing.txt")
    assert records[-1]["type"] == "document"
    assert "missing.txt" in res.stderr


def test_strict_exits_1_when_an_input_failed(report: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", "--strict", str(tmp_path / "missing.txt"), str(report)])
    assert res.exit_code == 1


def test_bad_usage_exits_2(report: Path) -> None:
    assert runner.invoke(app, ["extract", "--format", "xml", str(report)]).exit_code == 2
    assert runner.invoke(app, ["extract"]).exit_code == 2


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_other_formats(fmt: str, report: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    res = runner.invoke(app, ["extract", str(report), "--format", fmt, "-o", str(out)])
    assert res.exit_code == 0, res.output
    if fmt == "json":
        records = json.loads(out.read_text(encoding="utf-8"))
        assert sum(r["type"] == "metric" for r in records) == 4
    else:
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert [r["value"] for r in rows if r["type"] == "metric"] == ["12000", "5", "80000000", "3"]


def test_excel_csv_starts_with_a_bom(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    runner.invoke(app, ["extract", str(report), "--format", "csv", "--excel", "-o", str(out)])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_parquet_round_trips_through_read_records(report: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import extractor

    out = tmp_path / "out.parquet"
    res = runner.invoke(app, ["extract", str(report), "--format", "parquet", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = extractor.read_records(out)
    assert list(df["text"]) == ["1.2万人", "5%左右", "8000余万", "3所"]
    assert str(df["value"][0]) == "12000"


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_read_records_loads_every_format(fmt: str, report: Path, tmp_path: Path) -> None:
    import extractor

    out = tmp_path / f"out.{fmt}"
    runner.invoke(app, ["extract", str(report), "--format", fmt, "-o", str(out)])
    df = extractor.read_records(out)
    assert len(df) == 4
    assert str(df["kind"].dtype) == "category"
    assert df["value"].tolist()[2] == 80000000


def test_schema_command_prints_json_schema() -> None:
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert "metric" in json.dumps(schema)
    res = runner.invoke(app, ["schema", "metric"])
    assert json.loads(res.stdout)["title"] == "extractor metric record"


def test_render_one_page(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    res = runner.invoke(app, ["render", str(report), "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<mark class="metric') == 4
    assert "<script src=" not in page and "http" not in page.split("<body", 1)[1].lower()


def test_render_many_pages_with_an_index(report: Path, tmp_path: Path) -> None:
    (tmp_path / "second.txt").write_text("完成投资12亿元。", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    out_dir = tmp_path / "pages"
    res = runner.invoke(app, ["render", str(tmp_path), "--out-dir", str(out_dir)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out_dir.iterdir()) == ["index.html", "report.html", "second.html"]
    assert "second.html" in (out_dir / "index.html").read_text(encoding="utf-8")


def test_render_many_inputs_needs_out_dir(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("完成投资12亿元。", encoding="utf-8")
    assert runner.invoke(app, ["render", str(report), str(other)]).exit_code == 2


@pytest.mark.parametrize("command", [[], ["extract"], ["schema"], ["render"]])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    res = runner.invoke(app, [*command, "--help"], prog_name="extractor")
    assert res.exit_code == 0
    assert "extractor" in res.stdout
    assert "Example" in res.stdout


def test_python_dash_m_and_stdin(report: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", "-", "--quiet"],
        input=REPORT.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    records = _jsonl(proc.stdout.decode("utf-8"))
    assert records[-1]["type"] == "document"
    assert sum(r["type"] == "metric" for r in records) == 4
