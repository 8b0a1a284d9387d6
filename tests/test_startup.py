"""Start-up: a command loads only what it uses (the timings are benchmarks/bench.py's business)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["jieba", "pandas", "spacy", "pyarrow", "pkg_resources", "tqdm", "extractor.pipeline"]


def _modules_after(args: list[str]) -> set[str]:
    """The heavy modules loaded in a fresh interpreter that ran ``extractor ARGS``."""
    code = (
        "import sys\n"
        "from extractor.cli import main\n"
        f"sys.argv = ['extractor', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        f"print('LOADED:', *(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    (line,) = (line for line in out.stdout.splitlines() if line.startswith("LOADED:"))
    return set(line.split()[1:])


def test_help_loads_none_of_the_heavy_modules() -> None:
    assert _modules_after(["--help"]) == set()
    assert _modules_after(["extract", "--help"]) == set()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_quiet_extraction_loads_only_what_it_uses(tmp_path: Path, jobs: str) -> None:
    reports = []
    for i in range(3):
        reports.append(tmp_path / f"r{i}.txt")
        reports[-1].write_text("全年新增城镇就业1.2万人，完成投资5亿元。", encoding="utf-8")
    args = ["extract", *map(str, reports), "-o", str(tmp_path / "out.jsonl"), "--quiet", "--jobs", jobs]
    # With --jobs 2 the command loads the extractor itself only to fork warm workers (Linux).
    warm_parent = jobs == "1" or sys.platform.startswith("linux")
    assert _modules_after(args) == ({"jieba", "extractor.pipeline"} if warm_parent else set())
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count('"type": "document"') == 3
