"""A user's install: the built wheel in a fresh venv made with the system's own pip (issue 13.1).

The Makefile upgrades pip first, so the project's own venv never sees what an older pip does
with our dependencies' metadata (pip 23 ignored justext's ``lxml[html_clean]``, an extra lxml
spells ``html-clean``, and HTML input broke).  This test builds the wheel, installs it into a new
venv without upgrading pip, and reads an HTML page with the installed command.  It needs the
package index (for the dependencies): it skips, with the reason, when the index is unreachable.
About a minute, most of it pip installing spaCy and pandas from its cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (
    "<html><head><meta charset='utf-8'><title>某县2025年工作总结</title></head><body>"
    "<div class='nav'><a href='/'>首页</a> <a href='/a'>政务公开</a></div>"
    "<div class='article'><h1>某县2025年工作总结</h1>"
    "<p>全年新增城镇就业1.2万人，地区生产总值增长5%左右。</p>"
    "<p>新建学校3所，改造老旧小区27个。</p></div></body></html>"
)


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def test_wheel_in_a_fresh_venv_with_the_system_pip_reads_html(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    base_python = getattr(sys, "_base_executable", sys.executable)  # the interpreter, not our venv
    venv = tmp_path / "venv"
    made = _run([base_python, "-m", "venv", str(venv)], tmp_path, env)
    if made.returncode != 0:
        pytest.skip(f"cannot create a venv with pip here: {_last_line(made.stderr)}")
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    # Is the package index reachable?  (A small package, not kept.)
    probe = _run(
        [*pip, "download", "--no-deps", "--dest", str(tmp_path / "probe"), "lxml-html-clean"],
        tmp_path,
        env,
        120,
    )
    if probe.returncode != 0:
        pytest.skip(f"the package index is not reachable: {_last_line(probe.stderr)}")

    dist = tmp_path / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT)], tmp_path, env
    )
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("extractor-*.whl")
    installed = _run([*pip, "install", str(wheel)], tmp_path, env)
    assert installed.returncode == 0, installed.stderr

    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    res = _run([str(venv / "bin" / "extractor"), "extract", str(page), "--strict"], tmp_path, env, 300)
    assert res.returncode == 0, res.stdout + res.stderr
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in records if r["type"] == "metric"] == ["1.2万人", "5%左右", "3所", "27个"]
    assert records[-1]["type"] == "document"
    assert records[-1]["format"] == "html"
