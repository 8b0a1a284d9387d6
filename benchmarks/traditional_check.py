"""Traditional copies of reports give the metrics of the originals.

    python benchmarks/traditional_check.py corpora ../shared/corpora [--write out/traditional]

Each ``*.txt`` under the folders is converted to Traditional with OpenCC's ``s2t`` and both are
extracted (``--script auto``: the copy must be detected as Traditional).  For every document the
script prints the number of metrics, how many differ in offsets, value, unit, qualifier, kind,
object (Simplified), indicator, direction, status or period, and whether every record's offsets
index the Traditional text; ``--write`` keeps the Traditional copies (same file names) so they can
be scored against a gold file.  Exit status 1 when any document differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import opencc

from extractor.pipeline import Extraction, Extractor


def facts(result: Extraction) -> list[tuple[Any, ...]]:
    return [
        (
            *(m.start, m.end, m.value, m.value_max, m.unit.name if m.unit else None, m.qualifier, m.kind),
            *(m.object, m.indicator, m.direction, m.status, m.period, m.section_id, m.item_id),
        )
        for m in result.metrics
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--write", type=Path, help="write the Traditional copies here")
    args = parser.parse_args(argv)
    s2t = opencc.OpenCC("s2t")
    extractor = Extractor()
    failed = total = 0
    for path in sorted(p for folder in args.folders for p in folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        traditional = s2t.convert(text)
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            (args.write / path.name).write_text(traditional, encoding="utf-8")
        a, b = extractor.extract(text, path.name), extractor.extract(traditional, path.name)
        fa, fb = facts(a), facts(b)
        differ = sum(x != y for x, y in zip(fa, fb, strict=False)) + abs(len(fa) - len(fb))
        offsets = all(
            traditional[r.start : r.end] == r.text  # type: ignore[attr-defined]
            for r in b.records
            if hasattr(r, "start")
        )
        changed = sum(x != y for x, y in zip(text, traditional, strict=True))
        ok = not differ and offsets and b.document.script == "traditional"
        failed += not ok
        total += len(fa)
        print(
            f"{path.name:<50} chars {len(text):>6}  converted {changed:>5}  metrics {len(fa):>4}  "
            f"differ {differ:>3}  offsets {'ok' if offsets else 'BAD'}  read as {b.document.script}"
        )
    print(f"metrics compared: {total}; documents that differ: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
