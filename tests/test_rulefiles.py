"""User rule files: each kind of rule changes the output, every mistake is one clear error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.lexicon import load_lexicon
from extractor.pipeline import Extractor
from extractor.rulefiles import RuleFileError, builtin_rules, load_rules
from extractor.ruleview import format_tables, to_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

runner = CliRunner()


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def _metrics(extractor: Extractor, text: str) -> list[tuple[str, str | None, str | None, str, str | None]]:
    return [
        (m.text, m.unit.name if m.unit else None, m.object, m.status, m.indicator)
        for m in extractor.extract(text).metrics
    ]


# Each kind of rule: (rule file, sentence, metrics with the built-in rules, metrics with the file).
KINDS = [
    pytest.param(
        '[[units]]\nsurface = "列次"\nkind = "count"\n',
        "全年开行中欧班列300列次。",
        [("300列", "列", "开行中欧班列", "actual", None)],
        [("300列次", "列次", "开行中欧班列", "actual", None)],
        id="unit",
    ),
    pytest.param(
        '[traps]\nphrases = ["五个一"]\n',
        "实施五个一工程，建成示范村15个。",
        [("五个", "个", "一工程", "actual", None), ("15个", "个", "示范村", "actual", None)],
        [("15个", "个", "示范村", "actual", None)],
        id="trap",
    ),
    pytest.param(
        '[[indicator]]\nid = "tourism_revenue"\nname = "旅游总收入"\naliases = ["旅游总收入"]\n'
        'kinds = ["money", "percent"]\n',
        "全年旅游总收入增长8%。",
        [("8%", "%", "旅游总收入", "actual", None)],
        [("8%", "%", "旅游总收入", "actual", "tourism_revenue")],
        id="indicator",
    ),
    pytest.param(
        '[[rules.status]]\nid = "status.target_cue"\nwords = ["争创"]\n',
        "争创省级示范园区3个。",
        [("3个", "个", "争创省级示范园区", "actual", None)],
        [("3个", "个", "争创省级示范园区", "target", None)],
        id="cue-added-to-a-rule",
    ),
    pytest.param(
        '[[rules.status]]\nid = "status.strive"\nvalue = "target"\nwords = ["争创"]\n',
        "争创省级示范园区3个。",
        [("3个", "个", "争创省级示范园区", "actual", None)],
        [("3个", "个", "争创省级示范园区", "target", None)],
        id="cue-as-a-new-rule",
    ),
    pytest.param(
        '[remove]\nunits = ["所"]\n',
        "新建学校3所。",
        [("3所", "所", "学校", "actual", None)],
        [],
        id="removal-of-a-unit",
    ),
    pytest.param(
        '[remove.indicator]\ngdp = ["经济增长"]\n',
        "经济增长6%。",
        [("6%", "%", "经济", "actual", "gdp")],
        [("6%", "%", "经济", "actual", None)],
        id="removal-of-an-alias",
    ),
]


@pytest.mark.parametrize(("rules", "text", "before", "after"), KINDS)
def test_each_kind_of_rule_changes_the_output(
    tmp_path: Path,
    extractor_instance: Extractor,
    rules: str,
    text: str,
    before: list[object],
    after: list[object],
) -> None:
    assert _metrics(extractor_instance, text) == before
    custom = Extractor(rules=[_write(tmp_path, "mine.toml", rules)])
    assert _metrics(custom, text) == after


def test_a_removed_trap_rule_no_longer_fires(tmp_path: Path, extractor_instance: Extractor) -> None:
    text = "排名前3位。"
    assert not extractor_instance.extract(text).metrics
    custom = Extractor(rules=[_write(tmp_path, "r.toml", '[remove.traps]\nrules = ["trap.rank"]\n')])
    assert [m.text for m in custom.extract(text).metrics] == ["3位"]


def test_files_apply_in_order_and_removal_before_addition(tmp_path: Path) -> None:
    add = _write(tmp_path, "add.toml", '[traps]\nphrases = ["五个一"]\n')
    drop = _write(tmp_path, "drop.toml", '[remove.traps]\nphrases = ["五个一"]\n')
    assert "五个一" not in load_rules([add, drop]).lexicon.traps.phrases
    both = _write(
        tmp_path, "both.toml", '[remove.traps]\nphrases = ["十四五"]\n[traps]\nphrases = ["十四五"]\n'
    )
    assert "十四五" in load_rules([both]).lexicon.traps.phrases


def test_load_lexicon_takes_extra_files(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.toml", '[[units]]\nsurface = "列次"\nkind = "count"\n')
    assert "列次" in load_lexicon(extra=[path]).units
    assert "列次" not in load_lexicon().units


def test_a_structure_marker_from_a_rule_file(tmp_path: Path, extractor_instance: Extractor) -> None:
    text = "工作安排\n甲方面，抓项目，完成投资5亿元。乙方面，抓民生，新建学校3所。\n"
    rules = '[structure.items]\nsequence_first = ["甲方面"]\nsequence_middle = ["乙方面"]\n'
    before = [r for r in extractor_instance.extract(text).records if r.type == "focus_item"]  # type: ignore[attr-defined]
    custom = Extractor(rules=[_write(tmp_path, "s.toml", rules)])
    after = [r for r in custom.extract(text).records if r.type == "focus_item"]  # type: ignore[attr-defined]
    assert not before
    assert [r.marker for r in after] == ["甲方面", "乙方面"]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Hash
# --------------------------------------------------------------------------------------------


def test_the_document_record_names_the_rules(tmp_path: Path, extractor_instance: Extractor) -> None:
    path = _write(tmp_path, "u.toml", '[[units]]\nsurface = "列次"\nkind = "count"\n')
    plain = extractor_instance.extract("新建学校3所。").document
    custom = Extractor(rules=[path]).extract("新建学校3所。").document
    assert plain.rules is not None and custom.rules is not None
    assert plain.rules.files == [] and plain.rules.sha256 == builtin_rules().sha256
    assert custom.rules.files == [str(path)]
    assert custom.rules.sha256 != plain.rules.sha256
    # The hash is of the effective rules, not of the files: the same words give the same hash.
    same = _write(tmp_path, "same.toml", '# the same unit\n[[units]]\nkind = "count"\nsurface = "列次"\n')
    assert load_rules([same]).sha256 == custom.rules.sha256


def test_the_effective_tables_print_as_a_rule_file_that_reads_back(tmp_path: Path) -> None:
    rules = builtin_rules()
    for table in rules.data:
        assert tomllib.loads(format_tables(rules, table))[table] == rules.data[table]
    # Printed tables are a valid rule file: merging them over the built-ins changes nothing.
    path = _write(tmp_path, "all.toml", to_toml({"traps": rules.data["traps"]}))
    assert load_rules([path]).sha256 == rules.sha256


# --------------------------------------------------------------------------------------------
# Malformed files: one clear message, exit 2, no output
# --------------------------------------------------------------------------------------------

MALFORMED = [
    pytest.param('[traps]\nphrases = ["三零"\n', 2, "not valid TOML", id="broken-toml"),
    pytest.param('[traps]\nphrases = ["a"]\nphrases = ["b"]\n', 3, "not valid TOML", id="duplicate-key"),
    pytest.param('[unit]\nsurface = "列次"\n', 1, "unknown key (did you mean 'units'?)", id="unknown-table"),
    pytest.param(
        '# comment\n[traps]\nphrasse = ["三零"]\n',
        3,
        "table [traps], key phrasse: unknown key (did you mean 'phrases'?)",
        id="unknown-key",
    ),
    pytest.param(
        '[traps]\nphrases = "三零"\n', 2, "key phrases: Input should be a valid list", id="wrong-type"
    ),
    pytest.param(
        '[[units]]\nsurface = "列次"\nkind = "piece"\n',
        3,
        "table [[units]] #1, key kind: Input should be",
        id="bad-kind",
    ),
    pytest.param('[[units]]\nsurface = "列次"\n', 1, "key kind: the key 'kind' is missing", id="missing-key"),
    pytest.param(
        '[remove.traps]\nphrases = ["不存在的词"]\n',
        2,
        "table [remove.traps], key phrases #1: cannot remove '不存在的词': it is not in this list",
        id="removal-of-nothing",
    ),
    pytest.param('[rules]\nlinks = ["达", ""]\n', 2, "key links #2: the word '' is empty", id="empty-word"),
    pytest.param(
        '[rules]\n[[rules.status]]\nid = "status.strive"\nwords = ["争创"]\n',
        2,
        "key status #1.value: the key 'value' is missing",
        id="new-rule-without-value",
    ),
    pytest.param(
        "[qualifiers.adverb]\nmax_gap = 99\n",
        2,
        "key adverb.max_gap: Input should be less than or equal to 10",
        id="out-of-range",
    ),
    pytest.param(
        '[remove.rules.status]\n"status.plan_cue" = ["计划x"]\n',
        2,
        "(did you mean '计划'?)",
        id="removal-with-a-typo",
    ),
    pytest.param(
        '[[traps.rules]]\nid = "trap.mine"\ndoc = "mine"\n',
        2,
        "key rules #1.id: no trap rule 'trap.mine' is implemented",
        id="unknown-trap-rule",
    ),
]


@pytest.mark.parametrize(("content", "line", "message"), MALFORMED)
def test_a_malformed_rule_file_is_one_message_and_exit_2_with_nothing_written(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    rules = _write(tmp_path, "mine.toml", content)
    report = _write(tmp_path, "report.txt", "新建学校3所。")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(report), "--rules", str(rules), "-o", str(out)])
    assert res.exit_code == 2
    assert not out.exists()
    assert res.stdout == ""
    (error,) = res.stderr.splitlines()
    assert error.startswith(f"error: {rules}:{line}: ")
    assert message in error
    with pytest.raises(RuleFileError) as info:
        load_rules([rules])
    assert info.value.line == line and info.value.file == str(rules)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe[traps]", "not UTF-8"), (None, "cannot read the rule file")],
    ids=["not-utf8", "missing-file"],
)
def test_unreadable_rule_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    rules = tmp_path / "mine.toml"
    if content is not None:
        rules.write_bytes(content)
    res = runner.invoke(app, ["extract", "-", "--rules", str(rules)], input="新建学校3所。")
    assert res.exit_code == 2 and res.stdout == ""
    assert message in res.stderr and str(rules) in res.stderr


def test_rules_from_the_environment(tmp_path: Path) -> None:
    rules = _write(tmp_path, "u.toml", '[[units]]\nsurface = "列次"\nkind = "count"\n')
    res = runner.invoke(
        app, ["extract", "-", "-q"], input="全年开行中欧班列300列次。", env={"EXTRACTOR_RULES": str(rules)}
    )
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert records[0]["text"] == "300列次"
    assert records[-1]["rules"]["files"] == [str(rules.resolve())]


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_resume_with_other_rules_exits_2_and_leaves_the_output(tmp_path: Path, jobs: str) -> None:
    reports = [_write(tmp_path, f"r{i}.txt", f"全年开行中欧班列{i}00列次。") for i in range(3)]
    rules = _write(tmp_path, "u.toml", '[[units]]\nsurface = "列次"\nkind = "count"\n')
    out = tmp_path / "out.jsonl"
    args = ["extract", *map(str, reports[:2]), "-o", str(out), "-q", "--jobs", jobs]
    assert runner.invoke(app, [*args, "--rules", str(rules)]).exit_code == 0
    written = out.read_bytes()
    docs = [json.loads(line) for line in written.splitlines() if b'"document"' in line]
    assert {d["rules"]["sha256"] for d in docs} == {load_rules([rules]).sha256}
    resume = ["extract", *map(str, reports), "-o", str(out), "--resume", "-q", "--jobs", jobs]
    res = runner.invoke(app, resume)  # the built-in rules only
    assert res.exit_code == 2
    assert "other rules" in res.stderr
    assert out.read_bytes() == written
    res = runner.invoke(app, [*resume, "--rules", str(rules)])
    assert res.exit_code == 0, res.output
    texts = [json.loads(line).get("text") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [t for t in texts if t and t.endswith("列次")] == ["000列次", "100列次", "200列次"]


# --------------------------------------------------------------------------------------------
# The rules and info commands
# --------------------------------------------------------------------------------------------


def test_rules_check(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.toml", '[traps]\nphrases = ["五个一"]\n')
    bad = _write(tmp_path, "bad.toml", '[traps]\nphrasse = ["五个一"]\n')
    res = runner.invoke(app, ["rules", "--check", str(good)])
    assert res.exit_code == 0 and f"{good}: ok" in res.stdout
    assert load_rules([good]).sha256 in res.stdout
    res = runner.invoke(app, ["rules", "--check", str(bad)])
    assert res.exit_code == 2 and "did you mean 'phrases'" in res.stderr


def test_rules_table_and_unknown_table() -> None:
    res = runner.invoke(app, ["rules", "--table", "units"])
    assert res.exit_code == 0
    assert len(tomllib.loads(res.stdout)["units"]) == len(builtin_rules().data["units"])
    res = runner.invoke(app, ["rules", "--table", "unitz"])
    assert res.exit_code == 2 and "no table 'unitz'" in res.stderr


def test_rules_explain_shows_the_rule_ids_for_each_number(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "mine.toml",
        '[[indicator]]\nid = "tourism_revenue"\nname = "旅游总收入"\naliases = ["旅游总收入"]\n'
        '[traps]\nphrases = ["五个一"]\n',
    )
    sentence = "力争全年旅游总收入增长8%，排名前3位。"
    res = runner.invoke(app, ["rules", "--rules", str(rules), "--explain", sentence])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("8%  [11:13]  value 8, unit %")
    body = "\n".join(lines)
    for rule in ("unit", "direction.up", "status.target_cue", "indicator", "trap.rank"):
        assert f"  {rule} " in body, rule
    assert "(cue: 力争)" in body and "id 'tourism_revenue' (cue: 旅游总收入)" in body


def test_info_and_version(tmp_path: Path) -> None:
    rules = _write(tmp_path, "u.toml", '[[units]]\nsurface = "列次"\nkind = "count"\n')
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.startswith("extractor 0.")
    res = runner.invoke(app, ["info", "--rules", str(rules), "--json"])
    assert res.exit_code == 0, res.output
    facts = json.loads(res.stdout)
    assert facts["rule_files"] == [str(rules)]
    assert facts["rules_sha256"] == load_rules([rules]).sha256
    assert {d["table"] for d in facts["data_files"]} >= {"units", "traps", "rules", "indicator", "structure"}
    assert set(facts["extras"]) == {"pdf", "parquet", "dask", "xlsx"}
    assert facts["segmenter_cache"].endswith(".pickle")
    res = runner.invoke(app, ["info"])
    assert "user rule files: none" in res.stdout and "units.toml" in res.stdout


def test_the_readme_rule_file_does_what_the_readme_says(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n# my_rules.toml", 1)[1].split("```", 1)[0]
    path = _write(tmp_path, "my_rules.toml", "# my_rules.toml" + block)
    sentence = "全市旅游业总收入增长12%，开行中欧班列300列次，实施五个一工程，争创省级示范园区3个。"
    assert _metrics(Extractor(rules=[path]), sentence) == [
        ("12%", "%", "旅游业总收入", "actual", "tourism_revenue"),
        ("300列次", "列次", "开行中欧班列", "actual", None),
        ("3个", "个", "争创省级示范园区", "target", None),
    ]
    assert load_rules([path]).sha256 in readme


def test_resume_of_an_output_without_a_rules_hash_exits_2(tmp_path: Path) -> None:
    report = _write(tmp_path, "r.txt", "新建学校3所。")
    out = tmp_path / "out.jsonl"
    old = {"source": str(report), "type": "document", "chars": 7, "sha256": "0" * 64}
    out.write_text(json.dumps(old) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(report), "-o", str(out), "--resume", "-q"])
    assert res.exit_code == 2
    assert "without a rules hash" in res.stderr
    assert out.read_text(encoding="utf-8") == json.dumps(old) + "\n"
