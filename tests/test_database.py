"""`extract -o facts.sqlite` and `extract -o facts.xlsx`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPORA = sorted(str(p) for p in (ROOT / "corpora").glob("*.txt"))
PAIRS = sorted(str(p) for p in (ROOT / "corpora" / "pairs").glob("*.txt"))
runner = CliRunner()


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def test_extract_into_sqlite_appends_without_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "facts.sqlite"
    assert runner.invoke(app, ["extract", *CORPORA, "-o", str(db), "-q"]).exit_code == 0
    first = counts(db)
    assert first["documents"] == len(CORPORA) and first["metrics"] > 100 and first["sections"] > 10
    assert runner.invoke(app, ["extract", *CORPORA, "-o", str(db), "-q"]).exit_code == 0
    assert counts(db) == first  # the same documents again: nothing added
    assert runner.invoke(app, ["extract", *CORPORA, *PAIRS, "-o", str(db), "-q"]).exit_code == 0
    assert counts(db)["documents"] == len(CORPORA) + len(PAIRS)
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("pragma foreign_key_check").fetchall() == []
    # every metric joins its document; exact text and a number side by side
    row = con.execute(
        "select m.text, m.value, m.value_num, d.region from metrics m join documents d using (doc_id) "
        "where m.text = '286.7亿元'"
    ).fetchone()
    assert row == ("286.7亿元", "28670000000", 28670000000.0, "桐岚县")


def test_extract_errors_go_to_their_table(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    db = tmp_path / "facts.sqlite"
    res = runner.invoke(app, ["extract", CORPORA[0], str(bad), "-o", str(db), "-q"])
    assert res.exit_code == 0, res.output
    c = counts(db)
    assert (c["documents"], c["errors"]) == (1, 1)


def test_extract_into_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "facts.xlsx"
    res = runner.invoke(app, ["extract", *CORPORA, "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["documents", "metrics", "sections", "items", "checks", "errors", "indicators"]
    ws = wb["metrics"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    value, start = header.index("value") + 1, header.index("start") + 1
    cells = [ws.cell(row=i, column=value).value for i in range(2, ws.max_row + 1)]
    assert all(isinstance(v, (int, float)) for v in cells)
    assert all(isinstance(ws.cell(row=i, column=start).value, int) for i in range(2, 10))
    assert "section_heading" in header and "doc_region" in header


@pytest.mark.parametrize(("fmt", "suffix"), [("sqlite", ".sqlite"), ("xlsx", ".xlsx")])
def test_file_formats_need_a_file(fmt: str, suffix: str) -> None:
    res = runner.invoke(app, ["extract", CORPORA[0], "--format", fmt])
    assert res.exit_code == 2
    assert f"-o FILE.{fmt}" in res.output


def test_an_unwritable_database_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "x.sqlite"
    folder.mkdir()
    res = runner.invoke(app, ["extract", CORPORA[0], "-o", str(folder)])
    assert res.exit_code == 2
    assert "cannot write" in res.output and "Traceback" not in res.output
