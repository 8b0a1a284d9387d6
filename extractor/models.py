"""Output records: frozen pydantic models, a tagged union on ``type``.

A quantity is a :data:`Metric`, itself a tagged union on ``kind`` (:class:`Count`,
:class:`Money`, :class:`Percentage`, :class:`Multiple`, :class:`Measure`), whose unit is a
:class:`Unit` model.  In JSON every quantity has ``type: "metric"``, its ``unit`` is the canonical
unit name (what CONVENTIONS.md compares) and ``unit_surface`` keeps the text's own unit; values
are exact numbers (``16.4亿`` is ``1640000000``).

Pydantic is used at the edges: the pipeline builds records with ``model_construct`` from data it
already checked, and :func:`validate_record` validates any dict (a JSON line) against the union.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    computed_field,
    field_serializer,
    model_validator,
)

from .lexicon import Kind, load_lexicon

__all__ = [
    "Check",
    "Count",
    "Direction",
    "DocumentInfo",
    "ErrorRecord",
    "FocusItem",
    "Measure",
    "Metric",
    "MetricBase",
    "Money",
    "Multiple",
    "Percentage",
    "Qualifier",
    "Record",
    "RecordBase",
    "RulesUsed",
    "Section",
    "Status",
    "Unit",
    "constructed",
    "decimal_to_json",
    "validate_record",
]

Qualifier = Literal["exact", "approx", "more_than", "at_least", "at_most", "less_than", "range"]
Direction = Literal["up", "down"]
Status = Literal["actual", "target"]


def decimal_to_json(value: Decimal) -> int | float:
    """An exact JSON number for ``value``.

    Integral values become ``int``.  Others become the ``float`` whose shortest repr has the same
    digits, which is exact for every value with at most 15 significant digits (all values a
    report can state); longer ones (1/3 as a percent) are rounded to the nearest double.

    >>> decimal_to_json(Decimal("1640000000.0"))
    1640000000
    >>> decimal_to_json(Decimal("13.5"))
    13.5
    """
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_M = TypeVar("_M", bound=BaseModel)


def constructed(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` for ``values`` that name every field of ``cls``.

    The pipeline's hot loop builds thousands of records from checked data; this sets the same
    instance state that :meth:`~pydantic.BaseModel.model_construct` sets (``__dict__``, the set
    fields, no extras, no private attributes) without its per-field walk for aliases and
    defaults, which is most of its cost.  ``tests/test_models.py`` checks the two agree.
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(_Frozen):
    """A unit as written (``surface``) and what it means (canonical ``name``, ``kind``, ``scale``)."""

    surface: str | None = Field(description="as written; None when the clause implies it (融资贷款8000余万)")
    name: str
    kind: Kind
    scale: Decimal = Decimal(1)


class RecordBase(_Frozen):
    """Fields every record has."""

    source: str | None = None


class SpanRecord(RecordBase):
    """A record tied to a span of the document text: ``text == document[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class MetricBase(SpanRecord):
    """A quantity stated in the text."""

    type: Literal["metric"] = "metric"
    value: Decimal
    value_max: Decimal | None = None
    unit: Unit | None = None
    qualifier: Qualifier = "exact"
    marker: str | None = Field(default=None, description="the qualifier's surface (约, 余, 以上 …)")
    kind: Kind
    object: str | None = Field(default=None, description="what is counted or measured")
    indicator: str | None = Field(default=None, description="id of a headline indicator")
    direction: Direction | None = None
    status: Status = "actual"
    period: int | None = Field(default=None, description="the year the fact is about")
    section_id: str | None = None
    item_id: str | None = None
    rule: str | None = Field(default=None, description="id of the rule that decided the record")

    @model_validator(mode="before")
    @classmethod
    def _unit_from_json(cls, data: Any) -> Any:
        # JSON carries the canonical unit name plus the surface; rebuild the Unit model.
        if isinstance(data, dict) and not isinstance(data.get("unit"), (Unit, dict)):
            data = dict(data)
            name = data.get("unit")
            surface = data.pop("unit_surface") if "unit_surface" in data else name
            if name is None:
                data["unit"] = None
            else:
                spec = load_lexicon().units.get(surface or name)
                scale = spec.scale if spec is not None and spec.name == name else Decimal(1)
                kind = spec.kind if spec is not None else data.get("kind", "other")
                data["unit"] = Unit(surface=surface, name=name, kind=kind, scale=scale)
        return data

    @field_serializer("value", "value_max", when_used="json")
    def _exact_number(self, value: Decimal | None) -> int | float | None:
        return None if value is None else decimal_to_json(value)

    @field_serializer("unit", when_used="json")
    def _unit_name(self, unit: Unit | None) -> str | None:
        return None if unit is None else unit.name

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unit_surface(self) -> str | None:
        """The unit as written in the text (万元, 个百分点, ％)."""
        return None if self.unit is None else self.unit.surface


class Count(MetricBase):
    """People and things counted with a measure word (名, 个, 项, 户 …)."""

    kind: Literal["count"] = "count"


class Money(MetricBase):
    """An amount of money; ``value`` is in the currency's base unit (元, 美元)."""

    kind: Literal["money"] = "money"


class Percentage(MetricBase):
    """A percent, percentage points or per mille."""

    kind: Literal["percent"] = "percent"


class Multiple(MetricBase):
    """A multiple (倍)."""

    kind: Literal["multiple"] = "multiple"


class Measure(MetricBase):
    """A physical measure: area, length, weight, volume, energy, duration or another unit."""

    kind: Literal["area", "length", "weight", "volume", "energy", "duration", "other"]


Metric = Annotated[Union[Count, Money, Percentage, Multiple, Measure], Field(discriminator="kind")]  # noqa: UP007


class Section(SpanRecord):
    """A heading that opens a part of the document."""

    type: Literal["section"] = "section"
    id: str
    level: int = Field(ge=1)
    index: int = Field(ge=1)
    marker: str | None = None
    heading: str
    theme: str | None = None
    action: str | None = None
    parent_id: str | None = None


class FocusItem(SpanRecord):
    """An enumerated item (一是…, 第一…, 首先…) inside a section."""

    type: Literal["focus_item"] = "focus_item"
    id: str
    level: int = Field(ge=1)
    ordinal: int = Field(ge=1)
    marker: str
    topic: str
    slogan: str | None = None
    section_id: str | None = None


class Check(SpanRecord):
    """A count the document declares about itself, compared with what was found."""

    type: Literal["check"] = "check"
    what: str
    declared: int
    found: int
    ok: bool


class RulesUsed(_Frozen):
    """The rules a document was read with: user rule files, and a hash of the effective tables."""

    files: list[str] = Field(default_factory=list, description="user rule files, in the order applied")
    sha256: str = Field(description="SHA-256 of the effective rules (built-in tables plus the files)")


class DocumentInfo(RecordBase):
    """One per input, written after the document's other records."""

    type: Literal["document"] = "document"
    title: str | None = None
    year: int | None = Field(default=None, description="the year the title or opening names")
    region: str | None = Field(default=None, description="issuing region: 全国, 浙江省, 万载县 …")
    level: Literal["national", "province", "city", "county", "township"] | None = None
    genre: (
        Literal[
            "government_work_report", "budget_report", "statistical_bulletin", "work_summary", "news_writeup"
        ]
        | None
    ) = None
    chars: int = Field(ge=0, description="length of the text in code points")
    sha256: str
    counts: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    encoding: str | None = None
    format: str | None = None
    text: str | None = Field(default=None, description="the plain text, with --with-text")
    script: Literal["simplified", "traditional"] | None = Field(
        default=None, description="what the text is written in; Traditional is read through a Simplified copy"
    )
    rules: RulesUsed | None = None


class ErrorRecord(RecordBase):
    """An input that could not be processed."""

    type: Literal["error"] = "error"
    error: str = Field(description="the error class")
    message: str


Record = Annotated[
    Union[Metric, Section, FocusItem, Check, DocumentInfo, ErrorRecord],  # noqa: UP007
    Field(discriminator="type"),
]

_RECORD_ADAPTER: TypeAdapter[Any] = TypeAdapter(Record)


def validate_record(data: dict[str, Any]) -> BaseModel:
    """Validate one record dict (e.g. a JSON line) against the union; raises ``ValidationError``."""
    result: BaseModel = _RECORD_ADAPTER.validate_python(data)
    return result
