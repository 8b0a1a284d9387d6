"""The batch's acceptance check: 2,000 generated documents, 2% broken, four ways.

Builds a zip of 2,000 generated reports (one member in 50 broken: undecodable, binary, path
traversal, oversized, bad CRC, unsupported type) in a temporary folder, then runs the CLI

* ``--jobs 1``, ``--jobs 2`` and ``--engine dask`` (a local cluster of ``--jobs`` workers);
* ``--jobs 2`` killed (SIGKILL) half-way, then ``--resume``;

and prints, for each run, the documents, failures and seconds, whether every member is
accounted for, and whether all outputs are identical.  Also times reading alone (the parent
process's share of the work).  Exit status 1 when a check fails.

    .venv/bin/python benchmarks/archive_check.py [--documents 2000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.readers import iter_inputs  # noqa: E402
from tests.test_batch import BROKEN_KINDS, MAX_BYTES, make_archive  # noqa: E402

SUMMARY = re.compile(r"documents: (\d+), records: (\d+), failed: (\d+), seconds: ([\d.]+)")


def _command(archive: Path, out: Path, *options: str) -> list[str]:
    limit = ["--max-bytes", str(MAX_BYTES)]
    return [sys.executable, "-m", "extractor", "extract", str(archive), "-o", str(out), *limit, *options]


def _run(archive: Path, out: Path, *options: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(_command(archive, out, *options), cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(options)} exited with {proc.returncode}:\n{proc.stderr}")
    return seconds, proc.stderr


def _kill_half_way(archive: Path, out: Path, size: int, jobs: int) -> tuple[float, int]:
    """Start a run and SIGKILL it (and its workers) once it has written half of ``size`` bytes."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        _command(archive, out, "--jobs", str(jobs), "--quiet"),
        cwd=ROOT,
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    while proc.poll() is None and (not out.exists() or out.stat().st_size < size // 2):
        time.sleep(0.01)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return time.perf_counter() - started, out.stat().st_size


def _commit_sources(data: bytes) -> list[tuple[str, str | None]]:
    import json

    commits = []
    for line in data.splitlines():
        record = json.loads(line)
        if record["type"] in ("document", "error"):
            commits.append((record["source"], record.get("error")))
    return commits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask engine")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="archive_check-") as tmp:
        folder = Path(tmp)
        archive = folder / "reports.zip"
        members = make_archive(archive, args.documents)
        broken = sum(m.broken is not None for m in members)
        print(
            f"archive: {args.documents} members, {broken} broken ({broken / args.documents:.1%}), "
            f"{archive.stat().st_size / 2**20:.1f} MiB zipped"
        )

        started = time.perf_counter()
        chars = sum(len(getattr(i, "text", "")) for i in iter_inputs([str(archive)], max_bytes=MAX_BYTES))
        reading = time.perf_counter() - started
        print(
            f"reading alone (parent process): {reading:.2f} s, {args.documents / reading:,.0f} documents/s, "
            f"{chars / reading / 1e6:.1f} M chars/s"
        )

        runs: dict[str, tuple[float, str]] = {}
        outputs: dict[str, Path] = {}
        plans = [("--jobs 1", ["--jobs", "1"]), (f"--jobs {args.jobs}", ["--jobs", str(args.jobs)])]
        if not args.no_dask:
            dask = ["--engine", "dask", "--jobs", str(args.jobs)]
            plans.append((" ".join(dask), dask))
        for name, options in plans:
            outputs[name] = folder / f"run{len(outputs)}.jsonl"
            runs[name] = _run(archive, outputs[name], *options)

        reference = outputs["--jobs 1"].read_bytes()
        resumed = folder / "resumed.jsonl"
        killed_after, killed_size = _kill_half_way(archive, resumed, len(reference), args.jobs)
        kept = resumed.read_bytes()
        done_before = len(_commit_sources(kept[: kept.rfind(b"\n") + 1]))
        name = f"killed after {killed_after:.1f} s, then --resume --jobs {args.jobs}"
        runs[name] = _run(archive, resumed, "--jobs", str(args.jobs), "--resume")
        outputs[name] = resumed

        print(f"\n{'run':<48} {'documents':>9} {'records':>8} {'failed':>6} {'seconds':>8}  identical")
        ok = True
        for name, (seconds, stderr) in runs.items():
            match = SUMMARY.search(stderr)
            if match is None:
                raise SystemExit(f"no summary line from {name}:\n{stderr}")
            documents, records, failed, _ = match.groups()
            same = outputs[name].read_bytes() == reference
            ok &= same
            print(f"{name:<48} {documents:>9} {records:>8} {failed:>6} {seconds:>8.2f}  {same}")
        print(
            f"\nkilled run: {killed_size / 2**20:.1f} of {len(reference) / 2**20:.1f} MiB written, "
            f"{done_before} documents complete; resumed from there"
        )

        commits = _commit_sources(reference)
        expected = [(f"{archive}!{m.name}", BROKEN_KINDS[m.broken] if m.broken else None) for m in members]
        accounted = commits == expected
        ok &= accounted
        print(f"every member accounted for (one document or error record each, in order): {accounted}")
        print(f"all outputs identical: {all(o.read_bytes() == reference for o in outputs.values())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
