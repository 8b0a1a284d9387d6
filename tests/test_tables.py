"""CSV and Parquet tables, and reading every output format back (issue 13.4, 13.5).

Parquet stores ``value`` as exact decimals (``decimal128(38, 10)``) that pandas and DuckDB sum
as numbers; every row of a document carries its context (section heading, item topic, the
document's title, year, region, level and genre); every record type is written and read back.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import extractor
from extractor.cli import app

runner = CliRunner()
REPORT = (
    "青川县2025年政府工作报告\n"
    "一、2024年工作回顾\n"
    "全年地区生产总值增长6.5%。一是聚焦项目建设，完成投资12.25亿元。二是聚焦民生，新建学校3所。\n"
    "二、2025年主要目标\n"
    "城镇新增就业1.2万人。\n"
)
FORMATS = ["jsonl", "json", "csv", "parquet"]
TYPES = ["metric", "section", "focus_item", "check", "document", "error"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tables")
    report = root / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    second = root / "second.txt"
    second.write_text("坚持“两个聚焦”。一是聚焦产业，引进项目8个。\n", encoding="utf-8")
    broken = root / "broken.txt"
    broken.write_bytes(b"\xef\xbb\xbf" + "无效".encode("gb18030"))
    paths: dict[str, Path] = {}
    for fmt in FORMATS:
        if fmt == "parquet":
            pytest.importorskip("pyarrow")
        out = root / f"facts.{fmt}"
        res = runner.invoke(app, ["extract", str(report), str(broken), str(second), "-o", str(out), "-q"])
        assert res.exit_code == 0, res.output
        paths[fmt] = out
    return paths


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ---- 13.4: exact decimals in Parquet ---------------------------------------------------------


def test_parquet_value_is_an_exact_decimal_column(outputs: dict[str, Path]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    schema = pq.read_schema(outputs["parquet"])
    for column in ("value", "value_max"):
        assert schema.field(column).type == pa.decimal128(38, 10)
    table = pd.read_parquet(outputs["parquet"])
    metrics = table[table["type"] == "metric"]
    assert metrics["value"].sum() == Decimal("1225000000") + Decimal("6.5") + 3 + 12000 + 8
    assert isinstance(metrics["value"].iloc[0], Decimal)


def test_parquet_refuses_a_value_it_cannot_store_exactly(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from extractor.writers import ParquetWriter

    writer = ParquetWriter(str(tmp_path / "x.parquet"))
    record = {"type": "metric", "source": "a.txt", "text": "x", "value": 10**40, "kind": "count"}
    with pytest.raises(ValueError, match=r"decimal\(38, 10\).*a\.txt"):
        writer.write(record)
        writer.write({"type": "document", "source": "a.txt", "chars": 1, "sha256": "0"})
    writer.close()


# ---- 13.5: context on every row; every record type read back ---------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_metric_rows_carry_section_item_and_document_context(outputs: dict[str, Path], fmt: str) -> None:
    if fmt == "csv":
        with outputs[fmt].open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = pytest.importorskip("pyarrow.parquet").read_table(outputs[fmt]).to_pylist()
    table = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in rows])
    row = table[table["text"] == "12.25亿元"].iloc[0]
    assert row["section_heading"] == "2024年工作回顾"
    assert row["item_topic"] == "项目建设"
    assert (row["doc_title"], row["doc_year"], row["doc_region"]) == (
        "青川县2025年政府工作报告",
        "2025",
        "青川县",
    )
    assert (row["doc_level"], row["doc_genre"]) == ("county", "government_work_report")
    for kind in ("section", "focus_item", "check", "document", "error"):
        assert kind in set(table["type"])


def test_read_records_metrics_have_context(outputs: dict[str, Path]) -> None:
    df = extractor.read_records(outputs["jsonl"])
    row = df[df["text"] == "3所"].iloc[0]
    assert (row["section_heading"], row["item_topic"], row["doc_year"]) == ("2024年工作回顾", "民生", 2025)


@pytest.mark.parametrize("record_type", [*TYPES, "all"])
@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_every_format_reads_back_like_json_lines(
    outputs: dict[str, Path], fmt: str, record_type: str
) -> None:
    want = extractor.read_records(outputs["jsonl"], type=record_type)
    got = extractor.read_records(outputs[fmt], type=record_type)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("record_type", TYPES)
def test_read_records_gives_the_records_of_a_type(outputs: dict[str, Path], record_type: str) -> None:
    records = [r for r in _jsonl(outputs["jsonl"]) if r["type"] == record_type]
    df = extractor.read_records(outputs["jsonl"], type=record_type)
    assert len(df) == len(records) > 0
    for column in ("source", "text", "heading", "topic", "what", "year", "region", "sha256", "error"):
        if column in records[0]:
            got = [None if pd.isna(v) else v for v in df[column]]
            assert got == [r[column] for r in records]
    if record_type == "document":
        assert df["counts"].iloc[0] == records[0]["counts"]
        assert df["warnings"].iloc[0] == records[0]["warnings"]


def test_read_records_all_has_one_row_per_record(outputs: dict[str, Path]) -> None:
    df = extractor.read_records(outputs["jsonl"], type="all")
    assert list(df["type"]) == [r["type"] for r in _jsonl(outputs["jsonl"])]


def test_read_records_refuses_an_unknown_type(outputs: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="metric"):
        extractor.read_records(outputs["jsonl"], type="metrics")


def test_to_dataframe_has_context() -> None:
    df = extractor.to_dataframe(extractor.extract(REPORT, source="r.txt"))
    assert df.loc[df["text"] == "1.2万人", "section_heading"].item() == "2025年主要目标"
    assert df["doc_region"].unique().tolist() == ["青川县"]


@pytest.mark.parametrize("record_type", TYPES)
def test_table_columns_are_the_record_fields(record_type: str) -> None:
    """The column lists of :mod:`extractor.tables` follow the models (a new field needs a column)."""
    import typing

    from extractor import models
    from extractor.tables import TYPE_COLUMNS

    classes = {
        "metric": models.MetricBase,
        "section": models.Section,
        "focus_item": models.FocusItem,
        "check": models.Check,
        "document": models.DocumentInfo,
        "error": models.ErrorRecord,
    }
    model = classes[record_type]
    fields = set(model.model_fields) | set(model.model_computed_fields)
    assert set(TYPE_COLUMNS[record_type]) == fields - {"type"}
    assert typing.get_args(model.model_fields["type"].annotation) == (record_type,)


def test_an_unrepresentable_value_in_parquet_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from extractor import writers

    monkeypatch.setattr(writers, "PARQUET_DECIMAL", (11, 2))  # 9 digits before the point
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(report), "-o", str(tmp_path / "facts.parquet")])
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: cannot write"), res.stderr
    assert "decimal(11, 2)" in lines[0] and "12.25亿元" in lines[0]
