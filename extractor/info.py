"""What is installed and in effect (``extractor info``): version, Python, data files and their
rule counts, user rule files, optional extras, the segmenter's cache."""

from __future__ import annotations

import platform
import sys
from importlib import metadata, resources
from importlib.util import find_spec
from typing import Any

from .rulefiles import TABLES, Rules, builtin_rules

__all__ = ["EXTRAS", "collect_info", "format_info"]

#: Optional extras and the distributions each needs.
EXTRAS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdfplumber",),
    "parquet": ("pyarrow",),
    "dask": ("dask", "distributed"),
    "xlsx": ("openpyxl",),
}


def _version(dist: str) -> str | None:
    if find_spec(dist) is None:
        return None
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def collect_info(rules: Rules) -> dict[str, Any]:
    """The facts ``extractor info`` prints, as a JSON-ready dict."""
    from . import __version__
    from .script import opencc_version
    from .segment import cache_location

    data = resources.files("extractor.data")
    counts, effective = builtin_rules().counts(), rules.counts()
    files = [
        {"file": str(data.joinpath(f)), "table": t, "rules": counts[t], "effective": effective[t]}
        for t, (f, _) in TABLES.items()
    ]
    extras: dict[str, str | None] = {}
    for extra, dists in EXTRAS.items():
        versions = [_version(d) for d in dists]
        extras[extra] = (
            None if None in versions else ", ".join(f"{d} {v}" for d, v in zip(dists, versions, strict=True))
        )
    cache = cache_location()
    return {
        "extractor": __version__,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "data_files": files,
        "rule_files": list(rules.files),
        "rules_sha256": rules.sha256,
        "extras": extras,
        "opencc": opencc_version(),
        "segmenter_cache": str(cache),
        "segmenter_cache_exists": cache.exists(),
    }


def format_info(info: dict[str, Any]) -> str:
    """The info as aligned text."""
    lines = [
        f"extractor        {info['extractor']}",
        f"python           {info['python']}",
        f"platform         {info['platform']}",
        "data files:",
        *(
            f"  {d['file']}  [{d['table']}] {d['rules']} rules"
            + (f" ({d['effective']} with the rule files)" if d["effective"] != d["rules"] else "")
            for d in info["data_files"]
        ),
        "user rule files: " + (", ".join(info["rule_files"]) if info["rule_files"] else "none"),
        f"rules sha256     {info['rules_sha256']}",
        "extras:",
        *(f"  {name:<8} {v or 'not installed'}" for name, v in info["extras"].items()),
        f"opencc           {info['opencc']}",
        f"segmenter cache  {info['segmenter_cache']}"
        + ("" if info["segmenter_cache_exists"] else " (not built yet: the first extraction builds it)"),
    ]
    return "\n".join(lines) + "\n"
