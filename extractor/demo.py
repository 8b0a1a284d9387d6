"""Summary of an output file, printed by ``make demo``."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict


def main(path: str) -> None:
    by_doc: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: Counter[str] = Counter()
    examples: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            by_doc[rec.get("source") or "?"][rec["type"]] += 1
            if rec["type"] == "metric":
                kinds[rec["kind"]] += 1
                if len(examples) < 8:
                    examples.append(
                        f"  {rec['text']:<14} value={rec['value']} unit={rec['unit']} "
                        f"qualifier={rec['qualifier']} object={rec['object']} status={rec['status']}"
                    )
    print(f"records written to {path}")
    for doc, counts in by_doc.items():
        parts = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        print(f"  {doc}: {parts}")
    print("metrics by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("first metrics:")
    print("\n".join(examples))


if __name__ == "__main__":
    main(sys.argv[1])
