"""Plain data for a plan read from (or written to) a workbook.

Importers produce a `ParsedPlan`; `PlanService` stores it; `PlanService.as_parsed()`
rebuilds the same structure from the database so exporters only ever see this shape.
Nothing here knows about SQLAlchemy or Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rcdesk.plans.labels import GROUP_KINDS, MURC_STAGES  # noqa: F401 - defined there, importable here

Layout = Literal["cpccs", "murc", "dated", "paac", "generic"]
LAYOUTS: tuple[str, ...] = ("cpccs", "murc", "dated", "paac", "generic")

LAYOUT_LABELS = {
    "cpccs": "Fases CPCCS (Ecuador)",
    "murc": "Matriz MURC con etapas y cuatrimestres (Colombia)",
    "dated": "Cronograma con fechas por etapa (Colombia)",
    "paac": "PAAC componente 3 (Colombia)",
    "generic": "Formato genérico rcdesk",
}

Severity = Literal["error", "warning"]


@dataclass
class Problem:
    """Something found while reading a file. Messages are Spanish, for the user."""

    severity: Severity
    message: str
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel shows it
    column: str | None = None  # header text or column letter
    last_row: int | None = None  # set when the problem covers rows row..last_row

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"hoja «{self.sheet}»")
        if self.row and self.last_row and self.last_row != self.row:
            parts.append(f"filas {self.row}–{self.last_row}")
        elif self.row:
            parts.append(f"fila {self.row}")
        if self.column:
            parts.append(f"columna «{self.column}»")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "last_row": self.last_row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class SourceColumn:
    """One column of the source workbook and what the import did with it.

    `use` is a field name ("description", "stage:diseno", "group"…), EXTRA ("kept in the
    activity's otros datos") or IGNORED (read by nobody: reported, never silently dropped).
    """

    sheet: str
    column: str  # letter, as Excel shows it
    header: str
    use: str
    reason: str = ""  # why an ignored column was left out, in Spanish

    def as_json(self) -> dict:
        out = {"sheet": self.sheet, "column": self.column, "header": self.header}
        if self.reason:
            out["reason"] = self.reason
        return out


EXTRA, IGNORED = "extra", "ignored"


@dataclass
class ParsedActivity:
    description: str
    number: str = ""  # as written in the file ("1", "1.1"); empty when the layout has none
    responsible: str = ""  # free text, kept verbatim
    meta: str = ""  # meta / producto
    recursos: str = ""
    indicator: str = ""
    stages: list[str] = field(default_factory=list)  # MURC stage codes
    cuatrimestres: list[int] = field(default_factory=list)  # subset of 1, 2, 3
    start_date: date | None = None
    end_date: date | None = None
    scheduled_text: str = ""  # "Febrero a diciembre de 2022", kept verbatim
    extra: dict[str, str] = field(default_factory=dict)  # unmapped columns: header -> text
    source_sheet: str | None = None
    source_row: int | None = None
    activity_id: str | None = None  # set when rebuilt from the database


@dataclass
class ParsedGroup:
    kind: str  # a key of GROUP_KINDS
    name: str
    code: str = ""  # "FASE 0", "Subcomponente 1", "INFORMACIÓN"...
    children: list[ParsedGroup] = field(default_factory=list)
    activities: list[ParsedActivity] = field(default_factory=list)
    group_id: str | None = None  # set when rebuilt from the database

    def walk(self) -> Iterator[ParsedGroup]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ParsedPlan:
    layout: str  # one of LAYOUTS
    title: str = ""
    entity: str = ""  # institution name as found in the title rows ("Gobernación de Chimborazo")
    year: int | None = None  # vigencia
    header_lines: list[str] = field(default_factory=list)  # title rows above the table, verbatim
    groups: list[ParsedGroup] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source_name: str = ""  # file name the plan came from
    sheet_names: list[str] = field(default_factory=list)
    columns: list[SourceColumn] = field(default_factory=list)  # every source column and its use
    # the column mapping (rcdesk.imports.mapping.SheetMapping per sheet with a table), its header
    # signature, the profile applied («recordado» for a remembered one) and the questions it asks
    mappings: list = field(default_factory=list)
    signature: str = ""
    profile_name: str = ""
    questions: list[str] = field(default_factory=list)
    mapped: bool = False  # read through the user's mapping (or one proposed for an unknown layout)
    layout_guessed: bool = False  # no layout was recognised: `layout` only names the closest one

    @property
    def ignored_columns(self) -> list[SourceColumn]:
        return [c for c in self.columns if c.use == IGNORED]

    def walk_groups(self) -> Iterator[ParsedGroup]:
        for g in self.groups:
            yield from g.walk()

    def activities(self) -> Iterator[ParsedActivity]:
        for g in self.walk_groups():
            yield from g.activities

    @property
    def activity_count(self) -> int:
        return sum(1 for _ in self.activities())

    @property
    def group_count(self) -> int:
        return sum(1 for _ in self.walk_groups())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
