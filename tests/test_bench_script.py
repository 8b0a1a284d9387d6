"""``benchmarks/bench.py --quick`` runs end to end and writes every figure (no timing assertions)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

POSITIVE = [
    "extract_cps",
    "jieba_cps",
    "jieba_nohmm_cps",
    "extract_cache_kept_cps",
    "extract_vs_jieba",
    "extract_vs_jieba_nohmm",
    "help_s",
    "import_first_extract_s",
    "bench_wall_s",
]
STAGES = [
    "decode",
    "normalize",
    "numbers",
    "classify_incl_segmentation",
    "classify_warm_cache",
    "structure",
    "serialise",
    "extract_total",
]
# The marginal CLI rates are differences of two timings as well: on the tiny folders of a quick
# run they may come out as None ("too noisy to tell"); test_marginal_cli_throughput checks them.
MARGINAL = ["cli_jobs1_cps", "cli_jobs2_cps", "jobs2_vs_jobs1"]
# Differences of two timings (cold − warm, total − stages): present, but on a busy machine a
# tiny corpus can make them come out at or below zero, so only their presence is checked.
DERIVED_STAGES = ["segmentation", "records"]


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def test_bench_quick_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--quick",
            "--corpus-kb",
            "16",
            "--files",
            "4",
            "--archive-mb",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "extract / jieba" in proc.stdout
    res = json.loads(out.read_text(encoding="utf-8"))

    for key in POSITIVE:
        assert _positive(res.get(key)), (key, res.get(key))
    for key in MARGINAL:
        assert key in res and (res[key] is None or _positive(res[key])), (key, res.get(key))
    for key in STAGES:
        assert _positive(res["stages_s"].get(key)), (key, res["stages_s"].get(key))
    for key in DERIVED_STAGES:
        assert isinstance(res["stages_s"].get(key), float), (key, res["stages_s"].get(key))
    # one ratio a round, each that round's jieba time over its extract time
    runs = res["library_runs_s"]
    assert res["extract_vs_jieba_rounds"] == [
        j / e for j, e in zip(runs["jieba"], runs["extract"], strict=True)
    ]
    assert "round by round" in proc.stdout

    for size in ("small", "large"):  # wall-clock rates on both folders, start-up included
        wall = res["cli_wall"][size]
        assert all(_positive(wall[k]) for k in ("chars", "jobs1_cps", "jobs2_cps", "jobs2_vs_jobs1")), wall
    assert res["cli_wall"]["large"]["chars"] > res["cli_wall"]["small"]["chars"]
    with_rate = {j for j in ("1", "2") if res[f"cli_jobs{j}_cps"] is not None}
    assert set(res["cli_fixed_s"]) == with_rate  # a fixed cost wherever there is a marginal rate

    assert len(res["peak_rss_mb"]) == 2  # two archive sizes
    assert all(_positive(v) for v in res["peak_rss_mb"].values()), res["peak_rss_mb"]
    for jobs in ("jobs1", "jobs2"):
        sizes = res["peak_rss_detail"][jobs]
        assert len(sizes) == 2
        for d in sizes.values():
            assert _positive(d["rss_tree_peak_mb"]) and _positive(d["seconds"]) and _positive(d["cps"])

    # Real formats (issue 14.4): throughput per format, and the PDF engines on the same PDFs.
    real = res["real_formats"]
    assert real["documents"] == 2
    printed = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    expected = {"txt", "html", "docx"} | ({"pdf (pypdfium2)", "pdf (pdfplumber)"} if printed else set())
    assert set(real["formats"]) == expected, real["notes"]
    for label, figures in real["formats"].items():
        assert all(_positive(figures[k]) for k in ("docs_per_s", "mb_per_s", "read_s", "mb")), (
            label,
            figures,
        )
        assert figures["documents"] == 2
    if printed:
        engines = real["pdf_engines"]
        assert _positive(engines["speedup"]) and _positive(engines["pages"])
        assert engines["speedup"] == pytest.approx(engines["pdfplumber_s"] / engines["pypdfium2_s"])
        assert engines["metrics_equal"] == {"pypdfium2": 2, "pdfplumber": 2}
        assert engines["metrics_equal_between_engines"] == 2
        assert "PDF engines: pdfplumber / pypdfium2" in proc.stdout
        archive = real["pdf_archive"]
        assert archive["pdfs"] == 6 and archive["same_output"]
        assert _positive(archive["jobs1_s"]) and _positive(archive["jobs2_s"])
        assert "PDF archive: --jobs 1 / --jobs 2" in proc.stdout
    else:
        assert "no Chromium" in " ".join(real["notes"])
    assert "real formats: docx" in proc.stdout

    machine = res["machine"]
    assert _positive(machine["nproc"]) and machine["cpu_model"] and machine["python"]
    assert res["corpus"]["bytes"] >= 16 * 1024


def test_marginal_cli_throughput(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs that cost a fixed start-up plus a steady rate give back that rate and that start-up."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folders = {"small": (tmp_path / "small", 1_000_000), "large": (tmp_path / "large", 4_000_000)}
    fixed = {"1": 0.3, "2": 0.4}
    rate = {"1": 500_000.0, "2": 900_000.0}

    def fake_run(args: list[str], **kwargs: object) -> dict[str, float]:
        chars = next(c for f, c in folders.values() if str(f) in args)
        jobs = args[args.index("--jobs") + 1]
        return {"seconds": fixed[jobs] + chars / rate[jobs]}

    monkeypatch.setattr(bench, "run_cli", fake_run)
    monkeypatch.setattr(bench, "machine_ceiling", lambda *a: {"machine_two_process_speedup": 1.9})
    res = bench.bench_cli_throughput("extractor", folders, 3, True, tmp_path)
    assert res["cli_jobs1_cps"] == pytest.approx(500_000)
    assert res["cli_jobs2_cps"] == pytest.approx(900_000)
    assert res["jobs2_vs_jobs1"] == pytest.approx(1.8)
    assert res["cli_fixed_s"] == pytest.approx(fixed)
    wall = res["cli_wall"]["small"]["jobs2_vs_jobs1"]
    assert wall == pytest.approx((0.3 + 2.0) / (0.4 + 1 / 0.9))  # start-up included: lower


def test_marginal_throughput_is_none_when_the_large_folder_was_not_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folders = {"small": (tmp_path / "small", 1000), "large": (tmp_path / "large", 4000)}
    monkeypatch.setattr(bench, "run_cli", lambda args, **kw: {"seconds": 0.5})
    monkeypatch.setattr(bench, "machine_ceiling", lambda *a: {})
    res = bench.bench_cli_throughput("extractor", folders, 1, True, tmp_path)
    assert res["cli_jobs1_cps"] is None and res["jobs2_vs_jobs1"] is None
    assert res["cli_fixed_s"] == {}


def test_instruction_count_says_what_is_missing_without_valgrind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import instructions
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    assert instructions.main([]) == 2
    assert "valgrind is not installed" in capsys.readouterr().err


def test_instruction_count_of_a_run_is_read_from_valgrind(monkeypatch: pytest.MonkeyPatch) -> None:
    # The count is the "I refs" line of cachegrind's report, commas and all; a failed run is an error.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import instructions
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    def fake_run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        assert "--run" in cmd and kwargs["env"]["PYTHONHASHSEED"] == "0"  # type: ignore[index]
        return subprocess.CompletedProcess(cmd, 0, "", "==1== I   refs:      1,234,567\n")

    monkeypatch.setattr(instructions.subprocess, "run", fake_run)
    assert instructions.count("valgrind", "extract", 1) == 1234567
    monkeypatch.setattr(
        instructions.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1, "", "boom")
    )
    with pytest.raises(SystemExit, match="valgrind failed on jieba"):
        instructions.count("valgrind", "jieba", 1)
