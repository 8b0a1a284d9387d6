"""A run stopped by Ctrl-C or SIGTERM says what happened and how to go on (issue 13.6).

The partial output was already correct (``--resume`` continues it); what was missing is a word
on stderr: ``interrupted after N documents; rerun with --resume -o OUT``, then the summary line.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_batch import MAX_BYTES, SUMMARY, make_archive

ROOT = Path(__file__).resolve().parent.parent
INTERRUPTED = re.compile(
    r"^interrupted after (\d+) documents; rerun with --resume -o (\S+) to continue$", re.M
)


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interrupt") / "big.zip"
    make_archive(path, 600)
    return path


def _run_until_output(command: list[str], out: Path, min_bytes: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < min_bytes) and proc.poll() is None:
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the run wrote nothing")
        time.sleep(0.01)
    return proc


@pytest.mark.parametrize(
    ("jobs", "signum", "group"),
    [
        ("1", signal.SIGINT, True),
        ("2", signal.SIGINT, True),
        ("1", signal.SIGTERM, False),
        ("2", signal.SIGTERM, False),
    ],
    ids=["ctrl-c-jobs-1", "ctrl-c-jobs-2", "sigterm-jobs-1", "sigterm-jobs-2"],
)
def test_an_interrupted_run_says_so_and_resumes(
    big_archive: Path, tmp_path: Path, jobs: str, signum: int, group: bool
) -> None:
    out = tmp_path / "facts.jsonl"
    command = [sys.executable, "-m", "extractor", "extract", str(big_archive), "-o", str(out)]
    command += ["--jobs", jobs, "--max-bytes", str(MAX_BYTES)]
    proc = _run_until_output(command, out, 200_000)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    # Ctrl-C reaches the whole process group; a service manager's SIGTERM the command alone.
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    try:
        _, stderr_bytes = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    stderr = stderr_bytes.decode("utf-8")
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    match = INTERRUPTED.search(stderr)
    assert match is not None, stderr
    assert match.group(2) == str(out)
    summary = SUMMARY.search(stderr)
    assert summary is not None, stderr
    assert stderr.rstrip("\n").splitlines()[-1] == summary.group(0)
    assert int(match.group(1)) == int(summary.group(1)) > 0
    assert int(summary.group(1)) < 600, "not interrupted half-way"
    written = out.read_bytes().count(b'"type": "document"') + out.read_bytes().count(b'"type": "error"')
    assert written == int(match.group(1))

    resumed = subprocess.run([*command, "--resume", "--quiet"], cwd=ROOT, capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    complete = out.read_bytes()
    assert complete.count(b'"type": "document"') + complete.count(b'"type": "error"') == 600


def test_an_interrupted_run_into_another_format_says_it_cannot_be_resumed(
    big_archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "facts.csv"
    command = [sys.executable, "-m", "extractor", "extract", str(big_archive), "-o", str(out), "--jobs", "1"]
    proc = _run_until_output(command, out, 100_000)
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr_bytes = proc.communicate(timeout=60)
    stderr = stderr_bytes.decode("utf-8")
    assert proc.returncode == 128 + signal.SIGTERM
    assert re.search(r"^interrupted after \d+ documents; a csv file cannot be resumed", stderr, re.M), stderr
    assert SUMMARY.search(stderr)
