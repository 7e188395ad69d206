"""In-memory form of a POA workbook (what the importer produces and the exporter writes)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedMeta:
    number: str
    description: str
    indicator: str = ""
    unit_of_measure: str = ""
    annual_target: float = 0.0
    baseline: float | None = None
    polarity: str = "INCREMENTO"
    planned: list[float] = field(default_factory=list)           # per period
    executed: list[float | None] = field(default_factory=list)   # per period (None = not reported)
    planned_budget: list[float] = field(default_factory=list)    # per period
    devengado: list[float | None] = field(default_factory=list)  # per period
    codificado: float | None = None                               # annual, in force
    comprometido: float | None = None                             # annual to date
    activities: list[str] = field(default_factory=list)
    narrative: str = ""
    contribution: str = ""
    # medios de verificación: (period no. or None for "the latest reported period", http(s) URL)
    links: list[tuple[int | None, str]] = field(default_factory=list)
    where: str = ""  # "hoja «X», fila N" for messages


@dataclass
class ParsedObjective:
    description: str
    code: str = ""
    alignment: str = ""
    metas: list[ParsedMeta] = field(default_factory=list)


@dataclass
class ParsedPoa:
    unit_id: str
    unit_name: str
    fiscal_year: int
    period_kind: str = "trimestre"
    canton_name: str = ""
    source_name: str = ""
    sheet: str = ""
    objectives: list[ParsedObjective] = field(default_factory=list)

    @property
    def meta_count(self) -> int:
        return sum(len(o.metas) for o in self.objectives)


@dataclass
class ImportPreview:
    source_name: str
    poas: list[ParsedPoa] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    replace: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def meta_count(self) -> int:
        return sum(p.meta_count for p in self.poas)
