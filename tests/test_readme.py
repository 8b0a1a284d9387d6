"""The README's examples run and print what the README shows.

Python blocks run in a folder holding the files they name (report.txt, report.docx, out.jsonl,
out.csv, rule files); a comment line on its own after a ``print`` or a bare expression is the
output the README promises.  The first command-line example runs through the installed command.
The Dask block needs a cluster and is left out.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
RUNNABLE = [b for b in BLOCKS if "Client(" not in b]


def _program(block: str) -> tuple[str, list[str]]:
    """The block with each bare expression followed by a comment printed, and the comments."""
    lines = block.splitlines()
    code: list[str] = []
    expected: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("# "):
            expected.append(line[2:])
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following.startswith("# ") and not line.startswith((" ", "for ", "print(")):
            with contextlib.suppress(SyntaxError):
                ast.parse(line, mode="eval")
                line = f"print(repr({line}))"
        code.append(line)
    return "\n".join(code), expected


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    docx = pytest.importorskip("docx")
    text = "城镇新增就业1256万人，国内生产总值增长5%左右。"
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(tmp_path / "report.docx"))
    for out in ("out.jsonl", "out.csv"):
        subprocess.run(
            [sys.executable, "-m", "extractor", "extract", "report.txt", "-o", out, "-q"],
            cwd=tmp_path,
            check=True,
        )
    for name in ("rules.toml", "indicators.toml"):
        shutil.copy(ROOT / "extractor" / "data" / name, tmp_path / f"my_{name}")
    return tmp_path


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"block{i}" for i in range(len(RUNNABLE))])
def test_python_example(block: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "spacy" in block:
        pytest.importorskip("spacy")
    monkeypatch.chdir(workdir)
    code, expected = _program(block)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == expected


def test_there_are_python_examples() -> None:
    assert len(RUNNABLE) >= 3


def test_first_command_line_example() -> None:
    match = re.search(r"\$ echo '(.*?)' \| extractor extract - --quiet\n(.*?)```", README, re.S)
    assert match is not None
    text, shown = match.group(1), match.group(2)
    proc = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", "-", "--quiet"],
        input=(text + "\n").encode("utf-8"),  # echo ends the line
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) == len(records)
    for line, record in zip(lines, records, strict=True):
        promised = json.loads(line.replace(", …}", "}").replace('"…"', "null"))
        for key, value in promised.items():
            if value is not None:
                assert record[key] == value, (key, record)
