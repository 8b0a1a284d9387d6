"""Records: the tagged unions, exact JSON numbers, and schema files that match the models."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from pydantic import ValidationError

from extractor.models import Count, Money, Percentage, Unit, validate_record
from extractor.schema import dumps, json_schemas

from .conftest import ROOT


def _money(value: str, surface: str = "亿元") -> Money:
    return Money(
        start=0,
        end=5,
        text="16.4亿元",
        value=Decimal(value),
        unit=Unit(surface=surface, name="元", kind="money", scale=Decimal(100000000)),
    )


def test_value_is_exact_in_json() -> None:
    data = json.loads(_money("1640000000").model_dump_json())
    assert data["value"] == 1640000000
    assert isinstance(data["value"], int)
    assert data["unit"] == "元"
    assert data["unit_surface"] == "亿元"


@pytest.mark.parametrize("raw", ["13.5", "0.02", "64105.2", "-3.2", "134900000000000"])
def test_decimal_values_round_trip_through_json(raw: str) -> None:
    rec = Percentage(start=0, end=1, text="x", value=Decimal(raw), unit=None)
    data = json.loads(rec.model_dump_json())
    assert Decimal(str(data["value"])) == Decimal(raw)


def test_json_line_validates_back_to_the_same_model() -> None:
    rec = _money("1640000000")
    back = validate_record(rec.model_dump(mode="json"))
    assert isinstance(back, Money)
    assert back == rec


def test_union_dispatches_on_kind() -> None:
    data = Count(start=0, end=3, text="182名", value=Decimal(182)).model_dump(mode="json")
    assert isinstance(validate_record(data), Count)
    data["kind"] = "percent"
    assert type(validate_record(data)).__name__ == "Percentage"


@pytest.mark.parametrize(
    "change",
    [{"kind": "speed"}, {"qualifier": "roughly"}, {"start": -1}, {"extra_field": 1}, {"type": "number"}],
    ids=["bad_kind", "bad_qualifier", "negative_start", "extra_field", "bad_type"],
)
def test_invalid_records_are_rejected(change: dict[str, object]) -> None:
    data = Count(start=0, end=3, text="182名", value=Decimal(182)).model_dump(mode="json")
    data.update(change)
    with pytest.raises(ValidationError):
        validate_record(data)


def test_records_are_frozen() -> None:
    rec = _money("1")
    with pytest.raises(ValidationError):
        rec.value = Decimal(2)  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_schema_files_match_the_models(name: str) -> None:
    path = ROOT / "schemas" / name
    assert path.exists(), f"{name} is missing: run make schemas"
    assert path.read_text(encoding="utf-8") == dumps(json_schemas()[name]), (
        f"{name} drifted: run make schemas"
    )


def test_output_lines_validate_against_the_schema_file() -> None:
    import extractor

    schema = json.loads((ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    result = extractor.extract(
        "一、工作回顾\n全年新增就业1.2万人，增长5%左右。一是聚焦项目建设，完成投资8000余万。"
        "二是聚焦民生，新建学校3所。\n二、今年目标\n增长6%左右。"
    )
    lines = result.to_dicts()
    assert {d["type"] for d in lines} >= {"metric", "section", "focus_item", "document"}
    for line in lines:
        jsonschema.validate(line, schema)


def test_constructed_sets_what_model_construct_sets() -> None:
    """The pipeline's fast constructor gives the same instance state as model_construct."""
    from extractor import extract
    from extractor.models import constructed

    for metric in extract("全年新增城镇就业1.2万人，增长5%左右，融资8000余万元。").metrics:
        values = {name: getattr(metric, name) for name in type(metric).model_fields}
        fast = constructed(type(metric), dict(values))
        slow = type(metric).model_construct(**values)
        assert fast == slow
        assert fast.model_fields_set == slow.model_fields_set == set(type(metric).model_fields)
        assert list(fast.__dict__) == list(slow.__dict__)  # field order, as model_construct builds it
        assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
        assert validate_record(fast.model_dump(mode="json")) == slow
        with pytest.raises(ValidationError):
            fast.value = Decimal(1)  # type: ignore[misc]  # still frozen


def test_fast_json_dicts_are_pydantics_dump() -> None:
    """Extraction.to_dicts builds a metric's JSON itself; it must be model_dump(mode="json"),
    key order included, for every record of the sample reports."""
    from extractor import extract
    from extractor.pipeline import json_dict

    from .conftest import ROOT

    seen = 0
    for path in sorted((ROOT / "corpora").rglob("*.txt")):
        result = extract(path.read_text(encoding="utf-8"), path.name)
        for record in result.all_records():
            fast, slow = json_dict(record), record.model_dump(mode="json")
            assert list(fast.items()) == list(slow.items())
            seen += record.type == "metric"  # type: ignore[attr-defined]
    assert seen > 300


def test_json_written_from_rows_is_the_models_dump() -> None:
    """to_dicts writes a pipeline result's JSON from its rows, without building the models; it
    must equal the models' own dump, key order included."""
    from extractor import extract

    from .conftest import ROOT

    for path in sorted((ROOT / "corpora").rglob("*.txt")):
        result = extract(path.read_text(encoding="utf-8"), path.name)
        fast = result.to_dicts()
        assert result._records is None  # nothing built yet
        slow = [r.model_dump(mode="json") for r in result.all_records()]
        assert [list(d.items()) for d in fast] == [list(d.items()) for d in slow]
        assert len(result) == len(slow) - 1
