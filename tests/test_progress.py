"""The progress bar knows the total, and so the ETA, when the inputs can be counted (issue 13.9).

:func:`extractor.readers.count_inputs` counts without reading: files, folders, zip archives and
uncompressed tar archives; a compressed tar or stdin cannot be counted cheaply (``None``).  The
count must equal what :func:`iter_inputs` yields.
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.readers import count_inputs, iter_inputs

runner = CliRunner()
TEXT = "全年新增就业1.2万人，增长5%左右。\n"


def _tar(path: Path, names: list[str], mode: str) -> None:
    with tarfile.open(path, mode) as tf:
        for name in names:
            data = TEXT.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "2024" / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.md", "2024/c.html", "2024/sub/d.txt", "notes.csv", ".DS_Store"):
        (root / name).write_text(TEXT, encoding="utf-8")
    with zipfile.ZipFile(root / "2024" / "pack.zip", "w") as zf:
        for name in ("x.txt", "y/z.txt", "__MACOSX/._x.txt", "y/", "../evil.txt", "img.png"):
            zf.writestr(name, TEXT)
    _tar(root / "plain.tar", ["t1.txt", "t2.txt", "dir/t3.md"], "w")
    return root


@pytest.mark.parametrize(
    ("paths", "glob"),
    [
        (["reports"], None),
        (["reports"], "*.txt"),
        (["reports"], "y/*"),
        (["reports/2024/pack.zip"], None),
        (["reports/plain.tar"], None),
        (["reports/a.txt", "reports/notes.csv", "missing.txt"], None),
        (["reports/2024", "reports/a.txt"], "*.md"),
    ],
    ids=["folder", "glob", "glob-path", "zip", "tar", "files", "folder-and-file"],
)
def test_count_equals_what_is_yielded(tree: Path, paths: list[str], glob: str | None) -> None:
    full = [str(tree.parent / p) for p in paths]
    assert count_inputs(full, glob=glob) == len(list(iter_inputs(full, glob=glob)))


@pytest.mark.parametrize("what", ["stdin", "tar.gz", "corrupt.zip"])
def test_what_cannot_be_counted_cheaply_is_none(tmp_path: Path, what: str) -> None:
    if what == "stdin":
        assert count_inputs(["-"]) is None
        return
    path = tmp_path / f"a.{what}"
    if what == "tar.gz":
        _tar(path, ["a.txt"], "w:gz")
        assert count_inputs([str(path)]) is None
    else:
        path.write_bytes(b"PK\x03\x04 not really")
        assert count_inputs([str(path)]) == len(list(iter_inputs([str(path)]))) == 1


def test_progress_bar_shows_the_total_and_an_eta(tree: Path) -> None:
    expected = count_inputs([str(tree)])
    assert expected is not None
    res = runner.invoke(
        app, ["extract", str(tree), "--progress", "--jobs", "1", "-o", str(tree.parent / "o.jsonl")]
    )
    assert res.exit_code == 0, res.output
    assert re.search(rf"\b{expected}/{expected} \[\d\d:\d\d<\d\d:\d\d", res.stderr), res.stderr


def test_progress_bar_without_a_total_still_counts(tmp_path: Path) -> None:
    path = tmp_path / "a.tar.gz"
    _tar(path, ["a.txt", "b.txt"], "w:gz")
    res = runner.invoke(
        app, ["extract", str(path), "--progress", "--jobs", "1", "-o", str(tmp_path / "o.jsonl")]
    )
    assert res.exit_code == 0, res.output
    assert "2doc" in res.stderr
