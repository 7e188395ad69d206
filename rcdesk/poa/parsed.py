"""In-memory form of a POA workbook (what the importer produces and the exporter writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ParsedMeta:
    number: str
    description: str
    indicator: str = ""
    unit_of_measure: str = ""
    annual_target: float = 0.0
    baseline: float | None = None
    polarity: str = "INCREMENTO"
    planned: list[float] = field(default_factory=list)  # per period
    executed: list[float | None] = field(default_factory=list)  # per period (None = not reported)
    planned_budget: list[float] = field(default_factory=list)  # per period
    devengado: list[float | None] = field(default_factory=list)  # per period
    codificado: float | None = None  # annual, in force
    comprometido: float | None = None  # annual to date
    activities: list[str] = field(default_factory=list)
    narrative: str = ""
    contribution: str = ""
    # medios de verificación: (period no. or None for "the latest reported period", http(s) URL)
    links: list[tuple[int | None, str]] = field(default_factory=list)
    where: str = ""  # "hoja «X», fila N" for messages
    level: str = ""  # producto | resultado | proyecto… ("" = the office's plain meta)
    initial_budget: float | None = None  # asignación / apropiación inicial
    pagado: float | None = None  # pagos to date (Colombia)
    extra: dict[str, object] = field(default_factory=dict)  # «otros datos»: {encabezado: valor}


@dataclass
class ParsedObjective:
    description: str
    code: str = ""
    alignment: str = ""
    metas: list[ParsedMeta] = field(default_factory=list)
    level: str = ""  # eje | programa | subprograma | resultado | dimension | proyecto…
    parent: ParsedObjective | None = None  # listed before its children in ParsedPoa.objectives
    indicator: str = ""  # the result indicator of a «meta de resultado»


@dataclass
class ParsedPoa:
    unit_id: str | None  # None: a unit the file names and the database lacks, created on save
    unit_name: str
    fiscal_year: int
    period_kind: str = "trimestre"
    canton_name: str = ""
    source_name: str = ""
    sheet: str = ""
    objectives: list[ParsedObjective] = field(default_factory=list)
    report_date: date | None = None
    extra: dict[str, object] = field(default_factory=dict)  # the title block (organismo, vigencia…)

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
    mappings: list = field(default_factory=list)  # rcdesk.imports.mapping.SheetMapping per data sheet
    questions: list[str] = field(default_factory=list)  # choices the importer made that the user should confirm
    new_units: list[str] = field(default_factory=list)  # units the file names that will be created
    profile_name: str = ""  # the profile applied («recordado» or a file)
    signature: str = ""  # header signature (remembered mappings)
    year: int | None = None  # --year: only that year's columns
    entity: str | None = None  # the entity new units belong to (found or created)
    country: str | None = None  # its country when it is new (EC / CO)

    @property
    def values_count(self) -> dict[str, int]:
        """Planned and executed figures the import stores (what `values` reports)."""
        planned = executed = 0
        for p in self.poas:
            for o in p.objectives:
                for m in o.metas:
                    planned += sum(1 for v in m.planned if v is not None)
                    executed += sum(1 for v in m.executed if v is not None)
        return {"planned": planned, "executed": executed}

    @property
    def objective_count(self) -> int:
        return sum(len(p.objectives) for p in self.poas)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def meta_count(self) -> int:
        return sum(p.meta_count for p in self.poas)
