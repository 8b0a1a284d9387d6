"""Instructions, not seconds: ``extract`` against ``jieba.lcut`` counted under Valgrind.

Timings on a shared machine move by ten percent and more from one run to the next (the other
machines' load, the CPU's clock), which hides the effect of most single changes to the
extractor.  The number of instructions a pass over the same documents executes does not move:
this script counts them with Valgrind's ``cachegrind`` tool (no cache simulation) for

* ``extract`` over the base documents of the bench corpus (``corpora/`` and, when present,
  ``../shared/corpora``), the segmentation cache cleared first, as ``make bench`` does;
* ``jieba.lcut`` (its own ``jieba.Tokenizer``, the default call) over the same text.

Each is counted in a process making one pass and in one making ``1 + --passes``: the difference
over ``--passes`` is the instructions of one pass, without start-up.  ``PYTHONHASHSEED`` is fixed
so that two counts of the same code agree (to about 1%).  The ratio of the two counts is not
the time ratio of ``make bench`` (the dictionary look-ups of jieba miss the processor's caches
more often), but a change that saves instructions in ``extract`` saves time.

    .venv/bin/python benchmarks/instructions.py [--passes 2]

About two minutes on the project's machine (the four processes run two at a time); exits with
status 2 and a message when Valgrind is not installed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def run_passes(which: str, passes: int) -> None:
    """The work counted: ``passes`` passes of ``which`` over the base documents."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench

    texts = [text for _, text in bench.base_documents()]
    if which == "extract":
        import extractor

        extractor.extract("全年新增就业1.2万人")  # loads the tables: start-up, as in both counts
        for _ in range(passes):
            bench.clear_segment_cache()
            for text in texts:
                extractor.extract(text)
    else:
        import jieba

        jieba.setLogLevel(60)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for _ in range(passes):
            for text in texts:
                tokenizer.lcut(text)


def count(valgrind: str, which: str, passes: int) -> int:
    """Instructions of a process making ``passes`` passes of ``which``."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    cmd = [
        valgrind,
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--run",
        which,
        "--passes",
        str(passes),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed on {which} ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--passes", type=int, default=2, help="passes counted beyond the first (default 2)")
    ap.add_argument("--run", choices=("extract", "jieba"), help=argparse.SUPPRESS)  # the counted child
    args = ap.parse_args(argv)
    if args.run:
        run_passes(args.run, args.passes)
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    jobs = [(which, n) for which in ("extract", "jieba") for n in (1, 1 + args.passes)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: count(valgrind, *job), jobs), strict=True))
    per_pass = {
        which: (counts[which, 1 + args.passes] - counts[which, 1]) / args.passes
        for which in ("extract", "jieba")
    }
    print(f"extract      {per_pass['extract'] / 1e6:10.1f} M instructions a pass over the base documents")
    print(f"jieba.lcut   {per_pass['jieba'] / 1e6:10.1f} M instructions a pass over the same text")
    print(f"jieba / extract        {per_pass['jieba'] / per_pass['extract']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
