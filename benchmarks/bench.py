"""Speed and memory benchmark of the extractor (``make bench``).

One run measures, interleaving the contenders round by round so that machine drift cancels out:

* characters per second of ``extractor.extract`` and of ``jieba.lcut`` on the same text, and
  their ratio (against jieba's everyday call, ``HMM=True``; ``HMM=False`` is shown too);
* time per stage: decode, normalise, numbers, classification (including segmentation),
  segmentation alone (≈ classify with a cold cache − with a warm cache), structure, records
  (the rest of ``extract``) and serialisation;
* CLI throughput with ``--jobs 1`` and ``--jobs 2``: wall-clock rates on a folder of the same
  text and on one four times its size (``--cli-scale``), and the marginal rate between the two
  (extra characters over extra seconds), which leaves out what every run pays once;
* peak memory (RSS, summed over the CLI's process tree) on generated zip archives of two sizes;
* start-up: ``extractor --help``, and ``import extractor`` plus the first ``extract`` call;
* real formats (``benchmarks/real_formats.py``): the base documents as HTML, DOCX and, printed by
  headless Chromium (skipped with a note when absent), PDF: documents/s and MB/s of each format,
  and the PDF engines compared on the same PDFs (pypdfium2 and pdfplumber seconds, their ratio,
  and whether the metrics equal those of the text).

It prints a table and writes ``benchmarks/results.json`` (``--out`` elsewhere).

The corpus is the ``.txt`` files of ``corpora/`` and ``../shared/corpora/`` (when present),
repeated until it holds at least 2 MiB of UTF-8.  Repeated text would flatter the extractor,
which caches the segmentation of clauses, so every repetition gets fresh random numbers (a
seeded RNG replaces each run of ASCII digits; years stay years) and the segmentation cache is
cleared before each repetition inside a timed run (outside the timer).  The figure with the
cache kept across repetitions is printed as well, for information.

``--quick`` is a smoke run (small corpus, small archives, one round); it is what the test suite
runs.  Timing figures from ``--quick`` mean nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIRS = (ROOT / "corpora", ROOT.parent / "shared" / "corpora")
DEFAULT_OUT = ROOT / "benchmarks" / "results.json"
MiB = 1 << 20
SEED = 20240501
MEMBER_BYTES = 200_000  # size of one archive member
SAMPLE_INTERVAL = 0.05  # seconds between RSS samples

TARGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    # Issue 14's figures.
    "extract_vs_jieba": ("≥ 3.0×", lambda v: v >= 3.0),
    "jobs2_vs_jobs1": ("≥ 1.85×", lambda v: v >= 1.85),
    "peak_rss_large_mb": ("≤ 300 MB", lambda v: v <= 300),
    "help_s": ("≤ 0.1 s", lambda v: v <= 0.1),
    "import_first_extract_s": ("≤ 1.5 s", lambda v: v <= 1.5),
    "pdf_engine_speedup": ("≥ 20×", lambda v: v >= 20),
}


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")


def vary_numbers(text: str, rng: random.Random) -> str:
    """``text`` with every run of ASCII digits replaced by a random one of the same length.

    A year (19xx/20xx) stays a plausible year and a multi-digit number gets no leading zero, so
    the text stays report-like and its length does not change.
    """

    def repl(m: re.Match[str]) -> str:
        s = m.group()
        n = len(s)
        if n == 4 and s[:2] in ("19", "20"):
            return str(rng.randint(1990, 2035))
        if n == 1:
            return str(rng.randint(0, 9))
        return str(rng.randint(10 ** (n - 1), 10**n - 1))

    return _DIGITS.sub(repl, text)


def base_documents(dirs: Sequence[Path] = CORPUS_DIRS) -> list[tuple[str, str]]:
    """``(name, text)`` of every ``.txt`` file in the corpus folders that exist."""
    docs = []
    for d in dirs:
        if d.is_dir():
            for p in sorted(d.glob("*.txt")):
                docs.append((f"{d.parent.name}/{d.name}/{p.name}", p.read_text(encoding="utf-8")))
    if not docs:
        raise SystemExit(f"no corpus: no .txt files in {', '.join(map(str, dirs))}")
    return docs


def build_corpus(base: list[tuple[str, str]], min_bytes: int, seed: int = SEED) -> list[list[str]]:
    """Repetitions of the base documents (fresh numbers each) until ``min_bytes`` of UTF-8."""
    rng = random.Random(seed)
    reps: list[list[str]] = []
    size = 0
    while size < min_bytes:
        rep = [vary_numbers(text, rng) for _, text in base]
        reps.append(rep)
        size += sum(len(t.encode("utf-8")) for t in rep)
    return reps


def split_lines(text: str, pieces: int) -> list[str]:
    """``text`` cut at line ends into about ``pieces`` parts of about the same size."""
    target = max(1, len(text) // max(1, pieces))
    out = []
    start = 0
    while start < len(text):
        end = text.find("\n", min(len(text), start + target))
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def write_folder(reps: list[list[str]], folder: Path, files: int) -> int:
    """The corpus as about ``files`` text files; returns their characters."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(t for rep in reps for t in rep)
    parts = split_lines(text, files)
    for i, part in enumerate(parts):
        (folder / f"report_{i:04d}.txt").write_text(part, encoding="utf-8")
    return sum(len(p) for p in parts)


def member_stream(base: list[tuple[str, str]], seed: int) -> Iterator[str]:
    """Endless ~200 KB report texts: the base documents with fresh numbers, cut at line ends."""
    rng = random.Random(seed)
    buf = ""
    while True:
        buf += "\n".join(vary_numbers(text, rng) for _, text in base) + "\n"
        while len(buf.encode("utf-8")) >= MEMBER_BYTES * 2:
            # ~3 bytes a character in this text; cut near MEMBER_BYTES at a line end
            cut = buf.find("\n", MEMBER_BYTES // 3)
            cut = len(buf) if cut < 0 else cut + 1
            yield buf[:cut]
            buf = buf[cut:]


def write_archives(base: list[tuple[str, str]], large: Path, small: Path, large_bytes: int) -> dict[str, Any]:
    """A zip of at least ``large_bytes`` of report text, and one of half that (its first members)."""
    info: dict[str, Any] = {}
    sizes = {"large": 0, "small": 0}
    chars = {"large": 0, "small": 0}
    members = {"large": 0, "small": 0}
    with (
        zipfile.ZipFile(large, "w", zipfile.ZIP_STORED) as zl,
        zipfile.ZipFile(small, "w", zipfile.ZIP_STORED) as zs,
    ):
        for i, text in enumerate(member_stream(base, SEED + 1)):
            if sizes["large"] >= large_bytes:
                break
            data = text.encode("utf-8")
            name = f"reports/{i // 100:03d}/report_{i:05d}.txt"
            targets = ["large"] + (["small"] if sizes["small"] < large_bytes // 2 else [])
            for key in targets:
                (zl if key == "large" else zs).writestr(name, data)
                sizes[key] += len(data)
                chars[key] += len(text)
                members[key] += 1
    for key, path in (("large", large), ("small", small)):
        info[key] = {
            "path": str(path),
            "text_bytes": sizes[key],
            "chars": chars[key],
            "members": members[key],
            "file_bytes": path.stat().st_size,
        }
    return info


# --------------------------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------------------------


def clear_segment_cache() -> None:
    """Empty the extractor's clause-segmentation cache, if it has one."""
    try:
        from extractor.segment import get_segmenter
    except ImportError:
        return
    clear = getattr(getattr(get_segmenter(), "boundaries", None), "cache_clear", None)
    if callable(clear):
        clear()


def timed_over(reps: list[list[str]], fn: Callable[[str], Any], *, clear_per_rep: bool) -> float:
    """Seconds ``fn`` takes over every document (cache cleared outside the timer)."""
    gc.collect()
    total = 0.0
    if not clear_per_rep:
        clear_segment_cache()
    for rep in reps:
        if clear_per_rep:
            clear_segment_cache()
        for text in rep:
            t = time.perf_counter()
            fn(text)
            total += time.perf_counter() - t
    return total


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs))


# --------------------------------------------------------------------------------------------
# Library: extract vs jieba, stages
# --------------------------------------------------------------------------------------------


def stage_times(reps: list[list[str]]) -> dict[str, float | None]:
    """Seconds of each stage over the corpus, called as :meth:`Extractor.extract` calls them.

    The segmentation cache is cleared before each repetition, as in the timed ``extract`` run, so
    the cold classification sees the cache state that ``extract`` saw.
    """
    from extractor.metadata import read_metadata
    from extractor.normalize import normalize
    from extractor.pipeline import get_extractor
    from extractor.readers import read_document
    from extractor.structure import find_structure

    ex = get_extractor()
    keys = ("decode", "normalize", "numbers", "structure", "classify_cold", "classify_warm", "serialise")
    acc: dict[str, float | None] = dict.fromkeys(keys, 0.0)

    def add(key: str, seconds: float) -> None:
        value = acc[key]
        if value is not None:
            acc[key] = value + seconds

    gc.collect()
    for rep in reps:
        clear_segment_cache()
        for i, text in enumerate(rep):
            data = text.encode("utf-8")
            t0 = time.perf_counter()
            read_document(f"doc_{i}.txt", data)
            t1 = time.perf_counter()
            norm = normalize(text)
            t2 = time.perf_counter()
            cands, _ = ex.finder.find(norm.text)
            t3 = time.perf_counter()
            structure = find_structure(text)
            t4 = time.perf_counter()
            add("decode", t1 - t0)
            add("normalize", t2 - t1)
            add("numbers", t3 - t2)
            add("structure", t4 - t3)
            if acc["classify_cold"] is None:
                continue
            try:
                meta = read_metadata(text)
                t5 = time.perf_counter()
                ex.meanings(text, norm, cands, structure, meta)
                t6 = time.perf_counter()
                ex.meanings(text, norm, cands, structure, meta)
                t7 = time.perf_counter()
            except Exception as exc:  # the pipeline changed under us: report, do not fail
                print(f"warning: cannot time classification: {exc!r}", file=sys.stderr)
                acc["classify_cold"] = acc["classify_warm"] = None
                continue
            add("classify_cold", t6 - t5)
            add("classify_warm", t7 - t6)
            result = ex.extract(text)  # untimed; only its serialisation is timed
            t8 = time.perf_counter()
            result.to_jsonl()
            add("serialise", time.perf_counter() - t8)
    return acc


def bench_library(reps: list[list[str]], rounds: int) -> dict[str, Any]:
    import jieba

    import extractor

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    extractor.extract("全年新增就业1.2万人")  # loads the extractor's own tokenizer, untimed
    chars = sum(len(t) for rep in reps for t in rep)

    times: dict[str, list[float]] = {k: [] for k in ("jieba", "extract", "jieba_nohmm", "extract_keep")}
    stages: list[dict[str, float | None]] = []
    for r in range(rounds):
        print(f"  library round {r + 1}/{rounds}", file=sys.stderr, flush=True)
        times["jieba"].append(timed_over(reps, tokenizer.lcut, clear_per_rep=True))
        # Results are dropped as they come, as a pipeline does (and as jieba's are): holding the
        # whole corpus's records alive would time the garbage collector, not the extractor.
        times["extract"].append(timed_over(reps, extractor.extract, clear_per_rep=True))
        times["jieba_nohmm"].append(
            timed_over(reps, lambda t: tokenizer.lcut(t, HMM=False), clear_per_rep=True)
        )
        times["extract_keep"].append(timed_over(reps, extractor.extract, clear_per_rep=False))
        stages.append(stage_times(reps))

    med = {k: median(v) for k, v in times.items()}
    out: dict[str, Any] = {
        "extract_cps": chars / med["extract"],
        "jieba_cps": chars / med["jieba"],
        "jieba_nohmm_cps": chars / med["jieba_nohmm"],
        "extract_cache_kept_cps": chars / med["extract_keep"],
        "extract_vs_jieba": med["jieba"] / med["extract"],
        "extract_vs_jieba_nohmm": med["jieba_nohmm"] / med["extract"],
        # Each round's own ratio (its two runs are next to each other in time): rounds that
        # disagree say the machine's load moved during the run, and which figure it moved.
        "extract_vs_jieba_rounds": [j / e for j, e in zip(times["jieba"], times["extract"], strict=True)],
        "library_runs_s": times,
    }

    def stage(key: str) -> float | None:
        vals = [s[key] for s in stages]
        return None if any(v is None for v in vals) else median([v for v in vals if v is not None])

    s: dict[str, float | None] = {
        "decode": stage("decode"),
        "normalize": stage("normalize"),
        "numbers": stage("numbers"),
        "classify_incl_segmentation": stage("classify_cold"),
        "classify_warm_cache": stage("classify_warm"),
        "segmentation": None,
        "structure": stage("structure"),
        "records": None,
        "serialise": stage("serialise"),
        "extract_total": med["extract"],
    }
    cold, warm = s["classify_incl_segmentation"], s["classify_warm_cache"]
    if cold is not None and warm is not None:
        s["segmentation"] = cold - warm
        s["records"] = med["extract"] - sum(
            v for v in (s["normalize"], s["numbers"], s["structure"], cold) if v is not None
        )
    out["stages_s"] = s
    return out


# --------------------------------------------------------------------------------------------
# CLI: throughput, memory, start-up
# --------------------------------------------------------------------------------------------


def cli_path() -> str:
    exe = Path(sys.executable).parent / "extractor"
    if exe.exists():
        return str(exe)
    found = shutil.which("extractor")
    if found is None:
        raise SystemExit("the extractor command is not installed (make install)")
    return found


def cli_has_jobs(exe: str) -> bool:
    r = subprocess.run([exe, "extract", "--help"], capture_output=True, text=True, check=False)
    return "--jobs" in r.stdout


def _proc_children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _proc_kb(pid: int, fname: str, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/{fname}", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler(threading.Thread):
    """Samples the RSS (and PSS) of a process tree every 50 ms; keeps the peaks of the sums.

    RSS sums count pages shared between the CLI and its forked workers once per process, so
    they overstate the memory used; PSS shares them out.  ``main_peak_mb`` is the peak of the
    CLI's own process.
    """

    def __init__(self, root: int, *, skip_root: bool, use_psutil: bool) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.skip_root = skip_root
        self.stop = threading.Event()
        self.rss_peak = 0
        self.pss_peak = 0
        self.main_peak = 0
        self.largest_peak = 0
        self.max_procs = 0
        self.samples = 0
        self.psutil: Any = None
        if use_psutil:
            try:
                import psutil  # type: ignore[import-untyped,unused-ignore]

                self.psutil = psutil
            except ImportError:
                pass
        self.method = "psutil" if self.psutil else "/proc"

    def _tree_psutil(self) -> list[tuple[int, int, int | None]]:
        ps = self.psutil
        try:
            root = ps.Process(self.root)
            procs = root.children(recursive=True)
        except ps.Error:
            return []
        if not self.skip_root:
            procs.insert(0, root)
        out = []
        for p in procs:
            try:
                rss = p.memory_info().rss
                try:
                    pss: int | None = p.memory_full_info().pss
                except (ps.Error, AttributeError):
                    pss = None
                out.append((p.pid, rss, pss))
            except ps.Error:
                continue
        return out

    def _tree_proc(self) -> list[tuple[int, int, int | None]]:
        kids = _proc_children()
        pids = [] if self.skip_root else [self.root]
        todo = list(kids.get(self.root, []))
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(kids.get(pid, []))
        out = []
        for pid in pids:
            rss = _proc_kb(pid, "status", "VmRSS")
            if rss is None:
                continue
            pss = _proc_kb(pid, "smaps_rollup", "Pss")
            out.append((pid, rss * 1024, None if pss is None else pss * 1024))
        return out

    def sample(self) -> None:
        tree = self._tree_psutil() if self.psutil else self._tree_proc()
        if not tree:
            return
        self.samples += 1
        self.max_procs = max(self.max_procs, len(tree))
        self.rss_peak = max(self.rss_peak, sum(rss for _, rss, _ in tree))
        if all(pss is not None for _, _, pss in tree):
            self.pss_peak = max(self.pss_peak, sum(pss or 0 for _, _, pss in tree))
        self.main_peak = max(self.main_peak, tree[0][1])
        self.largest_peak = max(self.largest_peak, max(rss for _, rss, _ in tree))

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_INTERVAL)


def run_cli(args: list[str], *, measure_memory: bool = False, use_psutil: bool = True) -> dict[str, Any]:
    """Run the CLI; wall seconds and, with ``measure_memory``, the peaks of its process tree."""
    time_bin = "/usr/bin/time" if measure_memory and os.access("/usr/bin/time", os.X_OK) else None
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        err_path = Path(tmp) / "stderr"
        time_path = Path(tmp) / "time"
        cmd = [time_bin, "-f", "%M", "-o", str(time_path), *args] if time_bin else args
        with err_path.open("wb") as err:
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            sampler = None
            if measure_memory:
                sampler = TreeSampler(proc.pid, skip_root=time_bin is not None, use_psutil=use_psutil)
                sampler.start()
            rc = proc.wait()
            seconds = time.perf_counter() - t
            if sampler is not None:
                sampler.stop.set()
                sampler.join()
        if rc != 0:
            raise RuntimeError(f"{' '.join(args)} exited with {rc}: {err_path.read_text(errors='replace')}")
        out: dict[str, Any] = {"seconds": seconds}
        if sampler is not None:
            out.update(
                rss_tree_peak_mb=sampler.rss_peak / MiB,
                pss_tree_peak_mb=sampler.pss_peak / MiB if sampler.pss_peak else None,
                main_peak_mb=sampler.main_peak / MiB,
                largest_process_peak_mb=sampler.largest_peak / MiB,
                processes=sampler.max_procs,
                samples=sampler.samples,
                method=sampler.method,
            )
            if time_bin:
                # wait4's ru_maxrss: the largest single process of the tree, exact
                with contextlib.suppress(OSError, ValueError, IndexError):
                    out["largest_process_maxrss_mb_time"] = int(time_path.read_text().split()[-1]) / 1024
        return out


def bench_cli_throughput(
    exe: str, folders: dict[str, tuple[Path, int]], rounds: int, has_jobs: bool, tmp: Path
) -> dict[str, Any]:
    """Wall time of the CLI on each folder with ``--jobs 1`` and ``--jobs 2``, interleaved.

    ``folders`` maps ``"small"`` (the corpus) and ``"large"`` (the corpus and further
    repetitions, a few times its size) to (folder, characters).  Besides each run's wall-clock
    rate, the throughput is the marginal rate between the two folders: the extra characters over
    the extra seconds.  It leaves out what every run pays once whatever its size (start-up,
    creating the pool, the last worker finishing alone, exit), which the start-up figures measure
    on their own; on the small folder that is about a seventh of a ``--jobs 1`` run.
    """
    out_file = tmp / "cli_out.jsonl"
    contenders = ["1", "2"] if has_jobs else [None]
    times: dict[str, dict[str, list[float]]] = {size: {str(j): [] for j in contenders} for size in folders}
    for r in range(rounds):
        print(f"  CLI round {r + 1}/{rounds}", file=sys.stderr, flush=True)
        for size, (folder, _) in folders.items():
            for j in contenders:
                jobs = ["--jobs", j] if j else []
                res = run_cli([exe, "extract", str(folder), "-o", str(out_file), "--quiet", *jobs])
                times[size][str(j)].append(res["seconds"])
                out_file.unlink(missing_ok=True)
    small_chars, large_chars = folders["small"][1], folders["large"][1]

    def wall_cps(size: str, j: str) -> float:
        return folders[size][1] / median(times[size][j])

    def marginal_cps(j: str) -> float | None:
        extra = median(times["large"][j]) - median(times["small"][j])
        return (large_chars - small_chars) / extra if extra > 0 else None  # None: too noisy to tell

    if not has_jobs:
        return {
            "cli_default_cps": marginal_cps("None"),
            "cli_jobs1_cps": None,
            "cli_jobs2_cps": None,
            "jobs2_vs_jobs1": None,
            "cli_runs_s": times,
        }
    small = {j: wall_cps("small", j) for j in ("1", "2")}
    large = {j: wall_cps("large", j) for j in ("1", "2")}
    marginal = {j: marginal_cps(j) for j in ("1", "2")}
    m1, m2 = marginal["1"], marginal["2"]
    return {
        "cli_jobs1_cps": m1,
        "cli_jobs2_cps": m2,
        "jobs2_vs_jobs1": m2 / m1 if m1 is not None and m2 is not None else None,
        "cli_wall": {
            size: {
                "chars": folders[size][1],
                "jobs1_cps": rates["1"],
                "jobs2_cps": rates["2"],
                "jobs2_vs_jobs1": rates["2"] / rates["1"],
            }
            for size, rates in (("small", small), ("large", large))
        },
        "cli_fixed_s": {
            j: median(times["small"][j]) - small_chars / m for j, m in marginal.items() if m is not None
        },
        "cli_runs_s": times,
        **machine_ceiling(exe, folders["small"][0], rounds, tmp),
    }


def machine_ceiling(exe: str, folder: Path, rounds: int, tmp: Path) -> dict[str, Any]:
    """How well this machine runs two of these processes at once, whatever our code does.

    The folder is split in two halves; each round times ``--jobs 1`` on one half then the other,
    and both halves at once in two independent processes.  serial / concurrent is the most any
    ``--jobs 2`` can gain here (shared caches, memory bandwidth, SMT siblings all show up in it).
    """
    files = sorted(folder.iterdir())
    halves = [tmp / "half_a", tmp / "half_b"]
    for half, part in zip(halves, (files[::2], files[1::2]), strict=True):
        half.mkdir(exist_ok=True)
        for f in part:
            shutil.copyfile(f, half / f.name)
    serial: list[float] = []
    concurrent: list[float] = []

    def cmd(half: Path) -> list[str]:
        return [exe, "extract", str(half), "-o", str(tmp / f"{half.name}.jsonl"), "--quiet", "--jobs", "1"]

    for _ in range(rounds):
        t = time.perf_counter()
        for half in halves:
            subprocess.run(cmd(half), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        serial.append(time.perf_counter() - t)
        t = time.perf_counter()
        procs = [
            subprocess.Popen(cmd(h), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for h in halves
        ]
        if any(p.wait() != 0 for p in procs):
            raise RuntimeError("a concurrent --jobs 1 run failed")
        concurrent.append(time.perf_counter() - t)
    for half in halves:
        shutil.rmtree(half)
    return {"machine_two_process_speedup": median(serial) / median(concurrent)}


def bench_memory(
    exe: str, archives: dict[str, Any], has_jobs: bool, tmp: Path, use_psutil: bool
) -> dict[str, Any]:
    out_file = tmp / "rss_out.jsonl"
    detail: dict[str, dict[str, Any]] = {}
    peak: dict[str, float] = {}
    jobs_list = ["1", "2"] if has_jobs else [None]
    for key in ("small", "large"):
        arch = archives[key]
        label = f"{arch['target_mb']:g}MB"
        for j in jobs_list:
            name = f"jobs{j}" if j else "default"
            print(f"  memory: {label} archive, {name}", file=sys.stderr, flush=True)
            jobs = ["--jobs", j] if j else []
            res = run_cli(
                [exe, "extract", arch["path"], "-o", str(out_file), "--quiet", *jobs],
                measure_memory=True,
                use_psutil=use_psutil,
            )
            res["cps"] = arch["chars"] / res["seconds"]
            res["output_mb"] = out_file.stat().st_size / MiB
            out_file.unlink(missing_ok=True)
            detail.setdefault(name, {})[label] = res
            peak[label] = max(peak.get(label, 0.0), res["rss_tree_peak_mb"])
    return {"peak_rss_mb": peak, "peak_rss_detail": detail}


def bench_startup(exe: str, help_runs: int, import_runs: int) -> dict[str, Any]:
    def wall(cmd: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t

    code = "import extractor; extractor.extract('全年新增就业1.2万人')"
    imp = [sys.executable, "-c", code]
    help_cmd = [exe, "--help"]
    wall(help_cmd)  # warm the file cache; untimed
    wall(imp)
    helps = [wall(help_cmd) for _ in range(help_runs)]
    imports = [wall(imp) for _ in range(import_runs)]
    return {
        "help_s": median(helps),
        "import_first_extract_s": median(imports),
        "startup_runs_s": {"help": helps, "import_first_extract": imports},
    }


# --------------------------------------------------------------------------------------------
# Machine, table
# --------------------------------------------------------------------------------------------


def bench_database(base: list[tuple[str, str]], n_docs: int, tmp: Path) -> dict[str, Any]:
    """Seconds to read ``n_docs`` documents' records into a new SQLite database (write_sqlite).

    The corpus documents are extracted once; copies with distinct sha256 stand for the rest, so the
    figure is the database writer's own cost (extraction is measured above).
    """
    import extractor
    from extractor.database import write_sqlite

    once = [extractor.extract(text, name).to_dicts() for name, text in base]

    def documents() -> Iterator[list[dict[str, Any]]]:
        for i in range(n_docs):
            records = once[i % len(once)]
            doc = dict(records[-1], sha256=f"{i:064x}", source=f"doc{i}.txt")
            yield [dict(r, source=doc["source"]) for r in records[:-1]] + [doc]

    path = tmp / "bench.sqlite"
    t0 = time.perf_counter()
    added = write_sqlite(path, documents())
    seconds = time.perf_counter() - t0
    import sqlite3

    con = sqlite3.connect(path)
    metrics = con.execute("select count(*) from metrics").fetchone()[0]
    con.close()
    return {"documents": added, "metrics": metrics, "seconds": seconds, "docs_per_s": added / seconds}


def bench_real_formats(base: list[tuple[str, str]], args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """The base documents as HTML, DOCX and PDF (``real_formats.py``); with ``--quick``, only the
    first of them (the project's own reports come first) and one round."""
    docs = base[: args.format_docs] if args.format_docs else base
    result: dict[str, Any] = real_formats_module().bench_formats(docs, args.rounds, tmp, clear_segment_cache)
    return result


def real_formats_module() -> Any:
    """``benchmarks/real_formats.py``, imported from beside this file however bench was started."""
    here = str(Path(__file__).resolve().parent)
    sys.path.insert(0, here)
    try:
        import real_formats
    finally:
        sys.path.remove(here)
    return real_formats


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    info: dict[str, Any] = {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "mem_total_mb": None if mem is None else round(mem / 1024),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "loadavg_start": list(os.getloadavg()),
    }
    try:
        import jieba

        info["jieba"] = jieba.__version__
        import extractor

        info["extractor"] = extractor.__version__
    except (ImportError, AttributeError):
        pass
    try:  # read-only git queries
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            info["git_commit"] = head.stdout.strip()
            info["git_dirty"] = bool(dirty.stdout.strip())
    except OSError:
        pass
    return info


def cpu_seconds() -> tuple[float | None, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process and its children)."""
    ours = sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None, ours
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK"), ours


def _num(v: float | None, fmt: str) -> str:
    return "n/a" if v is None else format(v, fmt)


def render_table(res: dict[str, Any]) -> str:
    m = res["machine"]
    c = res["corpus"]
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))

    def check(key: str, value: float | None) -> str:
        target, ok = TARGETS[key]
        if value is None:
            return f"target {target}: not available"
        return f"target {target}: {'PASS' if ok(value) else 'FAIL'}"

    row(
        "corpus",
        f"{c['bytes'] / MiB:.2f} MiB",
        f"{c['chars']:,} chars, {c['documents']} docs, {c['sources']}",
    )
    row("rounds", str(res["rounds"]), "contenders interleaved; medians")
    db = res.get("sqlite")
    if db:
        row(
            "SQLite: records of documents",
            f"{db['documents']:,} in {db['seconds']:.1f} s",
            f"{db['docs_per_s']:,.0f} docs/s, {db['metrics']:,} metrics (write_sqlite)",
        )
    row("extract", f"{res['extract_cps']:,.0f} chars/s", "segmentation cache cleared per repetition")
    row("jieba.lcut (HMM=True)", f"{res['jieba_cps']:,.0f} chars/s", "own jieba.Tokenizer, default call")
    row("jieba.lcut (HMM=False)", f"{res['jieba_nohmm_cps']:,.0f} chars/s", "")
    row(
        "extract / jieba (HMM=True)",
        f"{res['extract_vs_jieba']:.2f}×",
        check("extract_vs_jieba", res["extract_vs_jieba"]),
    )
    runs = res.get("library_runs_s", {})
    # (computed from the run times, so that older result files show it too)
    rounds = [j / e for j, e in zip(runs.get("jieba", []), runs.get("extract", []), strict=True)]
    if rounds:
        row(
            "  the same, round by round",
            " / ".join(f"{r:.2f}" for r in rounds),
            "jieba "
            + " / ".join(f"{x:.2f}" for x in runs.get("jieba", []))
            + " s, extract "
            + " / ".join(f"{x:.2f}" for x in runs.get("extract", []))
            + " s: rounds that disagree are the machine's load",
        )
    row("extract / jieba (HMM=False)", f"{res['extract_vs_jieba_nohmm']:.2f}×", "for information")
    row(
        "extract, cache kept", f"{res['extract_cache_kept_cps']:,.0f} chars/s", "cache not cleared: flattered"
    )
    st = res["stages_s"]
    total = st["extract_total"]
    labels = [
        ("decode", "decode (read_document)"),
        ("normalize", "normalise"),
        ("numbers", "numbers (finder.find)"),
        ("classify_incl_segmentation", "classify (incl. segmentation)"),
        ("segmentation", "  segmentation ≈ cold − warm"),
        ("structure", "structure"),
        ("records", "records (rest of extract)"),
        ("serialise", "serialise (to_jsonl)"),
        ("extract_total", "extract total"),
    ]
    for key, label in labels:
        v = st.get(key)
        share = (
            ""
            if v is None or key in ("decode", "serialise", "extract_total")
            else f"{100 * v / total:.0f}% of extract"
        )
        row(f"stage: {label}", f"{_num(v, '.3f')} s", share)
    if res.get("cli_jobs1_cps") is None and "cli_wall" not in res:
        row("CLI --jobs 1 / --jobs 2", "n/a", "not available: the CLI has no --jobs")
    else:
        wall = res.get("cli_wall", {})
        for size, label in (("small", "CLI wall"), ("large", "CLI wall")):
            w = wall.get(size)
            if w is None:
                continue
            files = res["cli_files"] if size == "small" else res.get("cli_large_files")
            note = f"{files} files, {w['chars']:,} chars, start-up included"
            row(f"{label}, {size} folder, --jobs 1", f"{w['jobs1_cps']:,.0f} chars/s", note)
            row(f"{label}, {size} folder, --jobs 2", f"{w['jobs2_cps']:,.0f} chars/s", "")
            row(f"{label}, {size} folder, jobs 2 / jobs 1", f"{w['jobs2_vs_jobs1']:.2f}×", "for information")
        fixed = res.get("cli_fixed_s", {})
        row(
            "CLI throughput, --jobs 1",
            f"{_num(res['cli_jobs1_cps'], ',.0f')} chars/s",
            "extra chars / extra seconds, small → large folder"
            + (f"; fixed cost of a run {fixed['1']:.2f} s" if "1" in fixed else ""),
        )
        row(
            "CLI throughput, --jobs 2",
            f"{_num(res['cli_jobs2_cps'], ',.0f')} chars/s",
            f"fixed cost of a run {fixed['2']:.2f} s" if "2" in fixed else "",
        )
        row(
            "CLI throughput, jobs 2 / jobs 1",
            f"{_num(res['jobs2_vs_jobs1'], '.2f')}×",
            check("jobs2_vs_jobs1", res["jobs2_vs_jobs1"]),
        )
        if res.get("machine_two_process_speedup") is not None:
            row(
                "machine: 2 independent runs at once",
                f"{res['machine_two_process_speedup']:.2f}×",
                "small folder in halves, start-up included in both",
            )
    for name, sizes in res["peak_rss_detail"].items():
        for label, d in sizes.items():
            pss = d.get("pss_tree_peak_mb")
            note = (
                f"{d['processes']} procs, PSS {_num(pss, '.0f')} MB, "
                f"main process {d['main_peak_mb']:.0f} MB, "
                f"{d['cps']:,.0f} chars/s"
            )
            row(f"peak RSS, {label} archive, {name}", f"{d['rss_tree_peak_mb']:.0f} MB", note)
    labels_rss = list(res["peak_rss_mb"])
    big = res["peak_rss_mb"][labels_rss[-1]]
    row(
        "peak RSS (worst), " + " → ".join(labels_rss),
        " → ".join(f"{res['peak_rss_mb'][k]:.0f}" for k in labels_rss) + " MB",
        check("peak_rss_large_mb", big),
    )
    row("extractor --help", f"{res['help_s']:.3f} s", check("help_s", res["help_s"]))
    row(
        "import + first extract",
        f"{res['import_first_extract_s']:.3f} s",
        check("import_first_extract_s", res["import_first_extract_s"]),
    )
    if "real_formats" in res:
        for name, value, note in real_formats_module().table_rows(res["real_formats"]):
            row(name, value, note)
    row("benchmark wall time", f"{res['bench_wall_s']:.0f} s", "")

    head = (
        f"machine: {m['cpu_model']}, {m['nproc']} CPUs, {m.get('mem_total_mb')} MB RAM, "
        f"Python {m['python']}, jieba {m.get('jieba', '?')}, extractor {m.get('extractor', '?')} "
        f"@ {m.get('git_commit', '?')}{' (dirty)' if m.get('git_dirty') else ''}, {m['date']}"
    )
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines = [head]
    other = m.get("other_cpu_share")
    if other is not None:
        lines.append(
            f"other processes used {100 * other:.0f}% of the machine's CPU during the run"
            + (": figures are noisy" if other > 0.05 else "")
        )
    lines.append("")
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="a short smoke run (figures mean nothing)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results file (default {DEFAULT_OUT})")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 3; 1 with --quick)")
    ap.add_argument("--corpus-kb", type=int, help="least corpus size in KiB (default 2048; 256 with --quick)")
    ap.add_argument("--files", type=int, help="files in the CLI folder (default 200; 20 with --quick)")
    ap.add_argument(
        "--cli-scale",
        type=int,
        default=4,
        help="the large CLI folder is this many times the corpus (default 4)",
    )
    ap.add_argument(
        "--archive-mb", type=float, help="large archive in MB; the small one is half (default 200)"
    )
    ap.add_argument("--show", type=Path, metavar="RESULTS", help="print the table of a results file and exit")
    ap.add_argument(
        "--db-docs", type=int, help="documents read into SQLite (default 10000; 200 with --quick)"
    )
    ap.add_argument(
        "--no-psutil", action="store_true", help="sample memory from /proc even if psutil is there"
    )
    ap.add_argument(
        "--format-docs",
        type=int,
        help="base documents written as HTML, DOCX and PDF (default all; 2 with --quick)",
    )
    args = ap.parse_args(argv)
    q = args.quick
    args.rounds = args.rounds or (1 if q else 3)
    args.corpus_kb = args.corpus_kb or (256 if q else 2048)
    args.files = args.files or (20 if q else 200)
    args.archive_mb = args.archive_mb or (4.0 if q else 200.0)
    args.help_runs, args.import_runs = (2, 1) if q else (5, 3)
    args.db_docs = args.db_docs or (200 if q else 10_000)
    args.format_docs = args.format_docs or (2 if q else 0)
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.show is not None:
        shown: dict[str, Any] = json.loads(args.show.read_text(encoding="utf-8"))
        print(render_table(shown))
        return shown
    started = time.perf_counter()
    busy0, ours0 = cpu_seconds()
    base = base_documents()
    reps = build_corpus(base, args.corpus_kb * 1024)
    dirs_used = sorted({name.rsplit("/", 1)[0] for name, _ in base})
    res: dict[str, Any] = {
        "machine": machine_info(),
        "quick": args.quick,
        "rounds": args.rounds,
        "corpus": {
            "bytes": sum(len(t.encode("utf-8")) for rep in reps for t in rep),
            "chars": sum(len(t) for rep in reps for t in rep),
            "documents": sum(len(rep) for rep in reps),
            "repetitions": len(reps),
            "base_documents": len(base),
            "sources": " + ".join(dirs_used),
        },
    }
    exe = cli_path()
    has_jobs = cli_has_jobs(exe)

    print("start-up …", file=sys.stderr, flush=True)
    res.update(bench_startup(exe, args.help_runs, args.import_runs))
    print("library: extract vs jieba, stages …", file=sys.stderr, flush=True)
    res.update(bench_library(reps, args.rounds))

    with tempfile.TemporaryDirectory(prefix="extractor-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # The large folder starts with the corpus (same seed, same repetitions) and goes on with
        # fresh ones; files of the same size in both.
        large_reps = build_corpus(base, res["corpus"]["bytes"] * args.cli_scale)
        folders = {
            "small": (tmp / "corpus", write_folder(reps, tmp / "corpus", args.files)),
            "large": (
                tmp / "corpus_large",
                write_folder(large_reps, tmp / "corpus_large", args.files * len(large_reps) // len(reps)),
            ),
        }
        res["cli_files"] = len(list(folders["small"][0].iterdir()))
        res["cli_chars"] = folders["small"][1]
        res["cli_large_files"] = len(list(folders["large"][0].iterdir()))
        res["cli_large_chars"] = folders["large"][1]
        print("CLI throughput …", file=sys.stderr, flush=True)
        res.update(bench_cli_throughput(exe, folders, args.rounds, has_jobs, tmp))
        for folder, _ in folders.values():
            shutil.rmtree(folder)

        print(
            f"archives: {args.archive_mb:g} MB and {args.archive_mb / 2:g} MB …", file=sys.stderr, flush=True
        )
        large_bytes = int(args.archive_mb * 1_000_000)
        archives = write_archives(base, tmp / "large.zip", tmp / "small.zip", large_bytes)
        archives["large"]["target_mb"] = args.archive_mb
        archives["small"]["target_mb"] = args.archive_mb / 2
        res["archives"] = {k: {kk: vv for kk, vv in v.items() if kk != "path"} for k, v in archives.items()}
        res.update(bench_memory(exe, archives, has_jobs, tmp, use_psutil=not args.no_psutil))
        print(f"SQLite: {args.db_docs} documents …", file=sys.stderr, flush=True)
        res["sqlite"] = bench_database(base, args.db_docs, tmp)
        print("real formats: HTML, DOCX, PDF …", file=sys.stderr, flush=True)
        res["real_formats"] = bench_real_formats(base, args, tmp)

    res["bench_wall_s"] = time.perf_counter() - started
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    busy1, ours1 = cpu_seconds()
    if busy0 is not None and busy1 is not None:
        other = max(0.0, (busy1 - busy0) - (ours1 - ours0))
        res["machine"]["other_cpu_s"] = other
        res["machine"]["other_cpu_share"] = other / (res["bench_wall_s"] * (os.cpu_count() or 1))
    checks: dict[str, bool | None] = {}
    big_label = list(res["peak_rss_mb"])[-1]
    values = {
        "extract_vs_jieba": res["extract_vs_jieba"],
        "jobs2_vs_jobs1": res.get("jobs2_vs_jobs1"),
        "peak_rss_large_mb": res["peak_rss_mb"][big_label],
        "help_s": res["help_s"],
        "import_first_extract_s": res["import_first_extract_s"],
        "pdf_engine_speedup": res["real_formats"].get("pdf_engines", {}).get("speedup"),
    }
    for key, value in values.items():
        checks[key] = None if value is None else bool(TARGETS[key][1](value))
    res["targets"] = {k: TARGETS[k][0] for k in TARGETS}
    res["targets_met"] = checks

    table = render_table(res)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)
    return res


if __name__ == "__main__":
    main()
