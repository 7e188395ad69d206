"""What a mapping page offers for each source column, in the words the user reads.

The page shows one choice per column: «Ignorar», «Guardar como otros datos» or a catalog field,
a per-period field once per period (and per year when the file holds several years, so
«T1. PLANEADO 2025» can be moved to 2024 by hand). Choices travel as the same specs the command
line takes (`--map "ENCABEZADO=programado:T1@2024"`), so what the page sends to the importer is
exactly what a user could type. Nothing here touches Qt or the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from rcdesk.imports.fields import IGNORE, KEEP, Catalog, read_label
from rcdesk.imports.mapping import ACTION_LABELS, MAP, Decision, SheetMapping, Target, parse_spec
from rcdesk.imports.profiles import build
from rcdesk.poa.periods import MONTHS as _MONTHS

PERIODS = {"trimestre": 4, "cuatrimestre": 3, "semestre": 2, "mes": 12}


@dataclass(frozen=True)
class Choice:
    label: str
    spec: str


def period_label(kind: str | None, n: int) -> str:
    kind = kind or "trimestre"
    if kind == "trimestre":
        return f"T{n}"
    if kind == "mes" and 1 <= n <= 12:
        return _MONTHS[n - 1]
    return f"{kind} {n}"


def target_label(target: Target, catalog: Catalog, period_kind: str | None = None) -> str:
    f = catalog.get(target.field)
    text = f.label if f else target.field
    if target.period is not None:
        text += f" {period_label(period_kind, target.period)}"
    if target.year is not None:
        text += f" {target.year}"
    return text


def spec_label(spec: str, catalog: Catalog, period_kind: str | None = None) -> str:
    action, target = parse_spec(spec, catalog)
    if action != MAP or target is None:
        return ACTION_LABELS[action]
    return target_label(target, catalog, period_kind)


def current_spec(d: Decision) -> str:
    """The spec the column is imported with now (a column left out by the year chooser is «ignorar»)."""
    if d.action == MAP and d.target is not None:
        return d.target.spec
    return d.action


def override_key(d: Decision) -> str:
    """How a choice names the column for the importer: its header text, which applies the choice on
    every sheet with that header; the letter when the header is missing or repeated on the sheet."""
    if not d.column.path or "#" in d.key:
        return d.letter
    return d.header


def file_years(mappings: list[SheetMapping]) -> list[int]:
    """Years the file's headers name (also those the year chooser has set aside)."""
    years = {d.target.year for sm in mappings for d in sm.decisions if d.target is not None and d.target.year}
    years |= {y for sm in mappings for d in sm.decisions if (y := read_label(d.column.path).year)}
    return sorted(years)


def period_kinds(sm: SheetMapping) -> list[str]:
    kinds = {d.period_kind for d in sm.decisions if d.period_kind in PERIODS}
    return sorted(kinds, key=list(PERIODS).index) or ["trimestre"]


def field_choices(catalog: Catalog, *, kinds: list[str], years: list[int]) -> list[Choice]:
    """Every choice the page offers for a sheet whose headers have `kinds` of periods and `years`."""
    out = [Choice(ACTION_LABELS[IGNORE], IGNORE)]
    if catalog.keeps_other_data:
        out.append(Choice(ACTION_LABELS[KEEP], KEEP))
    per_year = years if len(years) > 1 else [None]
    for f in catalog.fields:
        ys = per_year if f.yearly else [None]
        if not f.periodic:
            out += [Choice(target_label(Target(f.key, None, y), catalog), Target(f.key, None, y).spec) for y in ys]
            continue
        for kind in kinds:
            for y in ys:
                for n in range(1, PERIODS[kind] + 1):
                    t = Target(f.key, n, y)
                    out.append(Choice(target_label(t, catalog, kind), t.spec))
    return out


def choices_for(d: Decision, base: list[Choice], catalog: Catalog) -> list[Choice]:
    """`base`, plus the column's current choice when the base list lacks it (a year the chooser
    does not list, a fifth period…), so the combo always shows what will happen."""
    spec = current_spec(d)
    if any(c.spec == spec for c in base):
        return base
    return [*base, Choice(spec_label(spec, catalog, d.period_kind), spec)]


def sheet_groups(mappings: list[SheetMapping]) -> list[tuple[str, SheetMapping]]:
    """(label, first sheet) per set of sheets with the same headers: a choice made by header text
    applies to each of them, so they are shown and decided once."""
    groups: dict[tuple[str, ...], list[SheetMapping]] = {}
    for sm in mappings:
        groups.setdefault(tuple(d.key for d in sm.decisions), []).append(sm)
    out = []
    for sheets in groups.values():
        names = [f"«{sm.sheet}»" for sm in sheets]
        label = (
            names[0]
            if len(names) == 1
            else f"{', '.join(names[:3])}{'…' if len(names) > 3 else ''} ({len(names)} hojas con los mismos encabezados)"
        )
        out.append((label, sheets[0]))
    return out


def profile_document(kind: str, mappings: list[SheetMapping], name: str = "") -> dict:
    """`profiles.build`, except that columns the year chooser set aside keep their field: a profile
    saved while importing 2024 must still take the 2025 block when the user imports 2025."""
    doc = build(kind, mappings, name)
    cols = doc["columnas"]
    for sm in mappings:
        for d in sm.decisions:
            head = d.key if "#" in d.key else d.header
            if d.action == IGNORE and d.target is not None and cols.get(head) == IGNORE:
                cols[head] = d.target.spec
    return doc


__all__ = [
    "Choice",
    "PERIODS",
    "choices_for",
    "current_spec",
    "field_choices",
    "file_years",
    "override_key",
    "period_kinds",
    "period_label",
    "profile_document",
    "sheet_groups",
    "spec_label",
    "target_label",
]
