"""The ``rules`` and ``info`` commands, and the rule-file and script options of ``extract``.

Kept light at import (typer only): the library loads inside the commands.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .options import ScriptOption

if TYPE_CHECKING:
    from .rulefiles import Rules

__all__ = [
    "RULES_HELP",
    "check_resume_rules",
    "info_command",
    "load_rules_or_exit",
    "rules_command",
    "settings_environment",
]

RULES_HELP = (
    "A rule file (TOML, the tables of the built-in data files) merged over the built-in rules; "
    "repeat for more, applied in order. Also EXTRACTOR_RULES (paths separated by ':')."
)
SCRIPT_HELP = "Traditional Chinese: detect per document (auto), or read every input as one script."


def fail(message: str) -> typer.Exit:
    """Print one clear message on stderr; the caller raises the returned exit (status 2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def load_rules_or_exit(files: Sequence[Path] | None) -> Rules:
    """The effective rules, or exit 2 with the rule file's one-line message."""
    from .rulefiles import RuleFileError, load_rules

    try:
        return load_rules(list(files or ()))
    except RuleFileError as exc:
        raise fail(str(exc)) from exc


@contextmanager
def settings_environment(rules: Rules, script: ScriptOption) -> Iterator[None]:
    """Name the rule files and script in the environment for this run.

    The default extractor of this process and of every worker process (forked, spawned or a
    local Dask cluster's) is built from ``EXTRACTOR_RULES`` and ``EXTRACTOR_SCRIPT``; the previous
    values come back afterwards.
    """
    values = {
        "EXTRACTOR_RULES": os.pathsep.join(os.path.abspath(f) for f in rules.files),
        "EXTRACTOR_SCRIPT": script.value,
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def check_resume_rules(output: Path, rules: Rules) -> None:
    """Exit 2 when the ``document`` records of ``output`` were made with other rules."""
    if not output.exists():
        return
    seen: set[str] = set()
    with output.open("rb") as fh:
        for line in fh:
            if b'"document"' not in line:
                continue
            try:
                record = json.loads(line.removeprefix(b"\xef\xbb\xbf"))
            except ValueError:
                continue  # a torn last line: the resume point drops it
            if isinstance(record, dict) and record.get("type") == "document":
                used = record.get("rules") or {}
                seen.add(str(used.get("sha256")) if isinstance(used, dict) else "None")
    other = sorted(seen - {rules.sha256})
    if other:
        files = ", ".join(rules.files) or "the built-in rules only"
        made = (
            "without a rules hash (an older extractor)"
            if other[0] == "None"
            else f"with other rules (sha256 {other[0][:12]}…)"
        )
        raise fail(
            f"cannot resume {output}: it was written {made}, not with these "
            f"({files}, sha256 {rules.sha256[:12]}…); use the same --rules, or a new output"
        )


def rules_command(
    table: Annotated[
        str | None, typer.Option("--table", "-t", help="Print only this table (units, traps, rules …).")
    ] = None,
    check: Annotated[
        list[Path] | None, typer.Option("--check", help="Check these rule files; print the rules hash.")
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="SENTENCE", help="Show, for each number, the rules that fired."),
    ] = None,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", envvar="EXTRACTOR_RULES", help=RULES_HELP)
    ] = None,
    script: Annotated[ScriptOption, typer.Option(help=SCRIPT_HELP)] = ScriptOption.auto,
) -> None:
    """Print the effective rule tables, check rule files, or explain a sentence.

    The tables print as rule-file TOML: the built-in ones with every --rules file merged over them.
    """
    if check:
        checked = load_rules_or_exit([*(rules or ()), *check])
        for file in check:
            typer.echo(f"{file}: ok")
        typer.echo(f"rules sha256 {checked.sha256}")
        return
    effective = load_rules_or_exit(rules)
    if explain is not None:
        from .pipeline import Extractor
        from .ruleview import explain as explain_sentence
        from .ruleview import format_explanations

        extractor = Extractor(rules=list(effective.files), script=script.value)
        typer.echo(format_explanations(explain_sentence(explain, extractor)), nl=False)
        return
    from .ruleview import format_tables

    try:
        typer.echo(format_tables(effective, table), nl=False)
    except ValueError as exc:
        raise fail(str(exc)) from exc


RULES_EPILOG = (
    "Examples:\n\n"
    "  extractor rules --table units\n\n"
    "  extractor rules --check my_rules.toml\n\n"
    '  extractor rules --rules my_rules.toml --explain "全市旅游总收入增长8%，新增“三零”村15个。"'
)


def info_command(
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", envvar="EXTRACTOR_RULES", help=RULES_HELP)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the facts as one JSON object.")] = False,
) -> None:
    """Print the version, Python, data files and rule counts, rule files in effect, extras and caches."""
    from .info import collect_info, format_info

    facts = collect_info(load_rules_or_exit(rules))
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_info(facts), nl=False)


INFO_EPILOG = "Examples:\n\n  extractor info\n\n  extractor info --rules my_rules.toml --json"
