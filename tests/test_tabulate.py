"""The analyst's table: long and pivot indicator tables, conflicts, attainment, SQLite and Excel."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extractor
from extractor.cli import app
from extractor.database import write_sqlite
from extractor.tabulate import TableConflict, attainment_table, indicator_table

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "corpora" / "pairs"
SHARED = ROOT.parent / "shared"
REPORT_2025 = PAIRS / "hexi_2025_work_report.txt"
REPORT_2026 = PAIRS / "hexi_2026_work_report.txt"


@pytest.fixture(scope="module")
def pair() -> list[extractor.Extraction]:
    return [extractor.extract_file(REPORT_2025), extractor.extract_file(REPORT_2026)]


def test_long_table_has_one_row_per_key_with_document_facts(pair: list[extractor.Extraction]) -> None:
    t = indicator_table(pair)
    keys = t[["source", "indicator", "measure", "period", "status"]].astype(str).agg("|".join, axis=1)
    assert keys.is_unique
    assert not t["conflict"].any()
    row = t[(t["indicator"] == "gdp") & (t["status"] == "target") & (t["period"] == 2025)].iloc[0]
    assert (row["region"], row["doc_year"], row["genre"]) == ("禾溪县", 2025, "government_work_report")
    assert (row["text"], row["value"], row["qualifier"]) == ("6%左右", Decimal(6), "approx")
    assert row["sentence"].startswith("今年经济社会发展的主要预期目标是")
    assert pair[0].text[row["start"] : row["end"]] == row["text"]


def test_rate_and_level_of_one_indicator_are_not_a_conflict(pair: list[extractor.Extraction]) -> None:
    t = indicator_table(pair[1], indicators=["gdp"], status="actual")
    assert sorted(zip(t["measure"], t["text"], strict=True)) == [("level", "198.2亿元"), ("rate", "5.8%")]


def test_a_key_stated_twice_with_different_values_is_a_conflict() -> None:
    text = (
        "禾溪县2026年政府工作报告\n一、2026年工作安排\n地区生产总值增长5%左右。\n"
        "二、重点任务\n力争地区生产总值增长6%，确保城镇新增就业5000人以上，城镇新增就业5000人以上。"
    )
    r = extractor.extract(text, "x.txt")
    t = indicator_table(r)
    gdp = t[t["indicator"] == "gdp"]
    assert list(gdp["text"]) == ["5%左右", "6%"] and gdp["conflict"].all()
    jobs = t[t["indicator"] == "urban_new_jobs"]
    assert len(jobs) == 1 and jobs.iloc[0]["mentions"] == 2 and not jobs.iloc[0]["conflict"]
    wide = indicator_table(r, pivot=True)
    assert wide.iloc[0]["gdp:rate:2026:target"] == "conflict: 5%左右 | 6%"
    assert wide.iloc[0]["urban_new_jobs:level:2026:target"] == "5000人以上"
    with pytest.raises(TableConflict, match="gdp rate 2026 target"):
        indicator_table(r, strict=True)


def test_pivot_has_text_and_typed_cells(pair: list[extractor.Extraction]) -> None:
    wide = indicator_table(pair, pivot=True, status="target")
    assert list(wide["doc_year"]) == [2025, 2026]
    row = wide[wide["doc_year"] == 2026].iloc[0]
    assert row["gdp:rate:2026:target"] == "5.5%左右"
    assert row["gdp:rate:2026:target:value"] == Decimal("5.5")


# (indicator, year) → (target, outcome, result), written for corpora/pairs.
ATTAINMENT = {
    ("gdp", 2025): ("6%左右", "5.8%", "met"),  # 左右: within ±0.5
    ("general_budget_revenue", 2025): ("5%", "4.2%", "missed"),  # exact: at least
    ("urban_new_jobs", 2025): ("5000人以上", "5230人", "met"),
    ("urban_surveyed_unemployment", 2025): ("5.5%以内", "5.1%", "met"),
    ("cpi", 2025): ("2%左右", "0.3%", "met"),  # a ceiling
    ("disposable_income", 2025): ("6%", "5.9%", "missed"),
    ("grain_output", 2025): ("12万吨以上", None, "not stated"),
    ("gdp", 2026): ("5.5%左右", None, "not stated"),
    ("general_budget_revenue", 2026): ("4%以上", None, "not stated"),
    ("urban_new_jobs", 2026): ("5000人以上", None, "not stated"),
    ("urban_surveyed_unemployment", 2026): ("5.5%左右", None, "not stated"),
    ("cpi", 2026): ("2%左右", None, "not stated"),
    ("grain_output", 2026): ("12万吨以上", None, "not stated"),
}


def test_attainment_every_cell(pair: list[extractor.Extraction]) -> None:
    t = attainment_table(pair)
    got = {
        (r.indicator, int(r.year)): (r.target, None if r.outcome != r.outcome else r.outcome, r.result)
        for r in t.itertuples()
    }
    assert got == ATTAINMENT
    gdp = t[(t["indicator"] == "gdp") & (t["year"] == 2025)].iloc[0]
    assert gdp["gap"] == Decimal("-0.2")
    assert gdp["target_source"].endswith("hexi_2025_work_report.txt")
    assert gdp["outcome_source"].endswith("hexi_2026_work_report.txt")


def test_attainment_rules_are_data() -> None:
    import extractor.lexicon

    text = (Path(extractor.lexicon.__file__).parent / "data" / "attainment.toml").read_text(encoding="utf-8")
    assert 'approx = "within"' in text and 'tolerance = "0.5"' in text


# --- SQLite -------------------------------------------------------------------------------------
def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


def test_sqlite_database_is_sound_and_appending_the_same_documents_adds_nothing(
    tmp_path: Path, pair: list[extractor.Extraction]
) -> None:
    db = tmp_path / "facts.sqlite"
    assert write_sqlite(db, [r.to_dicts() for r in pair]) == 2
    first = _counts(db)
    assert set(first) >= {"documents", "metrics", "sections", "items", "checks", "errors", "indicators"}
    assert first["documents"] == 2 and first["metrics"] == sum(len(r.metrics) for r in pair)
    assert write_sqlite(db, [r.to_dicts() for r in pair]) == 0
    assert _counts(db) == first
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("pragma foreign_key_check").fetchall() == []
    indexes = {r[0] for r in con.execute("select name from sqlite_master where type='index'")}
    assert {"metrics_indicator", "indicators_indicator", "indicators_region", "documents_region"} <= indexes
    row = con.execute(
        "select i.text, i.value, i.value_num, d.region from indicators i join documents d using (doc_id) "
        "where i.indicator = 'gdp' and i.status = 'target' and i.period = 2025"
    ).fetchone()
    assert row == ("6%左右", "6", 6.0, "禾溪县")


def test_sqlite_keeps_huge_values_exact(tmp_path: Path) -> None:
    r = extractor.extract("全县存款余额123456789012345678.5元。", "big.txt")
    db = tmp_path / "big.sqlite"
    write_sqlite(db, [r])
    value, num = sqlite3.connect(db).execute("select value, value_num from metrics").fetchone()
    assert value == "123456789012345678.5" and num == pytest.approx(1.2345678901234568e17)


def test_sqlite_errors_table(tmp_path: Path) -> None:
    db = tmp_path / "e.sqlite"
    err = {"type": "error", "source": "bad.pdf", "error": "ValueError", "message": "not a PDF"}
    write_sqlite(db, [[err], [err]])
    assert _counts(db)["errors"] == 1 and _counts(db)["documents"] == 0


# --- the command ----------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_table_from_reports_and_from_records_agree(tmp_path: Path) -> None:
    direct = tmp_path / "direct.csv"
    res = runner.invoke(app, ["table", str(REPORT_2025), str(REPORT_2026), "-o", str(direct)])
    assert res.exit_code == 0, res.output
    facts = tmp_path / "facts.jsonl"
    res = runner.invoke(app, ["extract", str(REPORT_2025), str(REPORT_2026), "-o", str(facts), "--quiet"])
    assert res.exit_code == 0, res.output
    via = tmp_path / "via.csv"
    res = runner.invoke(app, ["table", str(facts), "-o", str(via)])
    assert res.exit_code == 0, res.output
    import pandas as pd

    a, b = pd.read_csv(direct), pd.read_csv(via)
    cols = ["source", "indicator", "measure", "period", "status", "text", "qualifier", "value"]
    assert a[cols].equals(b[cols])
    assert a["sentence"].notna().all()  # the reports' text gives every row its sentence


def test_cli_filters_attainment_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "att.jsonl"
    res = runner.invoke(app, ["table", str(REPORT_2025), str(REPORT_2026), "--attainment", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {(r["indicator"], r["year"], r["result"]) for r in rows} == {
        (k[0], k[1], v[2]) for k, v in ATTAINMENT.items()
    }
    out = tmp_path / "t.csv"
    res = runner.invoke(
        app, ["table", str(REPORT_2026), "--indicator", "gdp,cpi", "--status", "target", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    import pandas as pd

    t = pd.read_csv(out)
    assert set(t["indicator"]) == {"gdp", "cpi"} and set(t["status"]) == {"target"}


def test_cli_strict_table_exits_1_on_a_conflict(tmp_path: Path) -> None:
    report = tmp_path / "c.txt"
    report.write_text(
        "禾溪县2026年政府工作报告\n一、2026年工作安排\n地区生产总值增长5%左右。\n"
        "二、重点任务\n力争地区生产总值增长6%。\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["table", str(report), "--strict-table", "-o", str(tmp_path / "t.csv")])
    assert res.exit_code == 1
    assert "different values" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "planned"], "--status must be"),
        (["-o", "out.unknown"], "cannot tell the format"),
        (["-o", "no/such/dir/t.csv"], "no such folder"),
        (["--format", "xlsx"], "needs -o FILE"),
    ],
)
def test_cli_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, ["table", str(REPORT_2026), *args])
    assert res.exit_code == 2
    assert message in res.output


def test_cli_xlsx_has_typed_cells_and_a_frozen_header(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["table", str(REPORT_2025), str(REPORT_2026), "--pivot", "-o", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and header[:3] == ["source", "region", "doc_year"]
    col = header.index("gdp:rate:2025:target:value") + 1
    values = [ws.cell(row=i, column=col).value for i in (2, 3)]
    assert 6 in values and all(v is None or isinstance(v, (int, float)) for v in values)
    assert isinstance(ws.cell(row=2, column=3).value, int)
    assert ws.column_dimensions["A"].width > 10


def test_cli_sqlite_from_the_table_command(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    for _ in range(2):
        res = runner.invoke(app, ["table", str(REPORT_2025), str(REPORT_2026), "-o", str(db)])
        assert res.exit_code == 0, res.output
    assert _counts(db)["documents"] == 2


TARGETS = SHARED / "gold" / "targets_2026.jsonl"


@pytest.mark.skipif(not TARGETS.exists(), reason="../shared is not beside the project")
def test_pivot_of_the_provincial_reports_gives_the_gold_targets() -> None:
    ids = {
        "gdp": "gdp",
        "cpi": "cpi",
        "new_urban_jobs": "urban_new_jobs",
        "unemployment": "urban_surveyed_unemployment",
        "income": "disposable_income",
        "grain": "grain_output",
    }
    gold = [json.loads(x) for x in TARGETS.read_text(encoding="utf-8").splitlines() if x.strip()]
    files = sorted({g["file"] for g in gold})
    results = [extractor.extract_file(SHARED / "corpora" / f) for f in files]
    wide = indicator_table(results, pivot=True, status="target")
    checked = 0
    for g in gold:
        if g["value"] is None:
            continue
        row = wide[wide["source"].str.endswith(g["file"])].iloc[0]
        measure = "rate" if g["unit"] == "%" else "level"
        col = f"{ids[g['indicator']]}:{measure}:2026:target"
        assert row[col] == g["text"], (g["file"], col)
        assert row[col + ":value"] == Decimal(str(g["value"]))
        checked += 1
    assert checked == 6


def test_readme_table_examples_are_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "targets.csv"
    args = ["table", "corpora/pairs/hexi_2025_work_report.txt", "corpora/pairs/hexi_2026_work_report.txt"]
    args += ["corpora/county_work_report.txt", "--pivot", "--status", "target", "--indicator"]
    res = runner.invoke(app, [*args, "gdp,urban_new_jobs", "-o", str(out)])
    assert res.exit_code == 0, res.output
    import csv

    rows = list(csv.reader(out.open(encoding="utf-8")))
    keep = [
        i for i, h in enumerate(rows[0]) if h in ("source", "region", "doc_year") or h.endswith(":target")
    ]
    for r in rows:
        assert ",".join(r[i] for i in keep) in readme
    out = tmp_path / "att.csv"
    res = runner.invoke(app, ["table", *args[1:3], "--attainment", "-o", str(out)])
    assert res.exit_code == 0, res.output
    for line in out.read_text(encoding="utf-8").splitlines()[1:4]:
        assert ",".join(line.split(",")[:12]) in readme


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".parquet"])
def test_table_from_every_record_format_equals_the_table_from_reports(tmp_path: Path, suffix: str) -> None:
    records = tmp_path / f"facts{suffix}"
    res = runner.invoke(app, ["extract", str(REPORT_2025), str(REPORT_2026), "-o", str(records), "--quiet"])
    assert res.exit_code == 0, res.output
    direct, via = tmp_path / "direct.csv", tmp_path / "via.csv"
    for inputs, out in (([str(REPORT_2025), str(REPORT_2026)], direct), ([str(records)], via)):
        res = runner.invoke(app, ["table", *inputs, "--attainment", "-o", str(out)])
        assert res.exit_code == 0, res.output
    assert via.read_text(encoding="utf-8") == direct.read_text(encoding="utf-8")
