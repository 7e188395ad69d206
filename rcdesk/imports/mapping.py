"""The column ledger: every source column gets exactly one decision.

- «campo»: mapped to a field of the kind's catalog (with the period and year its header names);
- «otros»: kept with the record as «otros datos» (shown in the GUI, written back on export);
- «ignorar»: not taken, and reported as such in the preview and the result.

`propose` reads each header, proposes a field with the reason («exacto», «probable», «parecido»),
applies a remembered or loaded profile («perfil») and the user's choices («usuario»), and where
several columns fit one field it picks one and records a question instead of refusing. Nothing
here reads cell values beyond the samples of `Table`, and nothing touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rcdesk.errors import UserError
from rcdesk.imports.fields import EXACT, IGNORE, KEEP, KEPT_PREFIX, NEAR, WORDS, Catalog, norm, read_label
from rcdesk.imports.headers import SourceColumn, Table

MAP = "campo"
_STRENGTH = {EXACT: "exacto", WORDS: "probable", NEAR: "parecido"}
_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?::\s*(?:[tcm]|trim|mes)?\s*(\d{1,2}))?\s*(?:@\s*(\d{4}))?\s*$", re.I)
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
ACTION_LABELS = {MAP: "Campo", KEEP: "Guardar como otros datos", IGNORE: "Ignorar"}


@dataclass(frozen=True)
class Target:
    field: str
    period: int | None = None
    year: int | None = None

    @property
    def spec(self) -> str:
        s = self.field
        if self.period is not None:
            s += f":T{self.period}"
        if self.year is not None:
            s += f"@{self.year}"
        return s


@dataclass
class Decision:
    column: SourceColumn
    key: str  # the header as profiles and --map name it (norm, «#2» for a repeat)
    action: str  # MAP | KEEP | IGNORE
    target: Target | None = None
    source: str = ""  # exacto | probable | parecido | perfil | usuario | ""
    note: str = ""  # why, in Spanish, for the preview
    question: bool = False  # the importer chose between candidates: the user should confirm
    ask: str = ""  # that question, in Spanish
    set_aside: Target | None = None  # the field of a column left out only by the year chosen
    period_kind: str | None = None

    @property
    def header(self) -> str:
        return self.column.header

    @property
    def field_target(self) -> Target:
        """The target of a mapped column (callers ask only columns they got from `mapped()`)."""
        if self.target is None:
            raise ValueError(f"column {self.letter} is not mapped")
        return self.target

    @property
    def kept_name(self) -> str:
        """The name a kept value is stored under: the header, without rcdesk's export prefix."""
        h = self.column.path[-1] if self.column.path else self.column.header
        return h[len(KEPT_PREFIX) :] if h.startswith(KEPT_PREFIX) else self.column.header

    @property
    def letter(self) -> str:
        return self.column.letter

    def describe(self, catalog: Catalog) -> str:
        if self.action == MAP and self.target is not None:
            f = catalog.get(self.target.field)
            label = f.label if f else self.target.field
            if self.target.period is not None:
                label += (
                    f" T{self.target.period}"
                    if (self.period_kind or "trimestre") == "trimestre"
                    else f" ({self.period_kind} {self.target.period})"
                )
            if self.target.year is not None:
                label += f" {self.target.year}"
            return label
        return ACTION_LABELS[self.action]


@dataclass
class SheetMapping:
    table: Table
    decisions: list[Decision]

    @property
    def questions(self) -> list[str]:
        return [d.ask for d in self.decisions if d.question and d.ask]

    @property
    def sheet(self) -> str:
        return self.table.grid.name

    def mapped(self, key: str) -> list[Decision]:
        return [d for d in self.decisions if d.action == MAP and d.target and d.target.field == key]

    def one(self, key: str, year: int | None = None) -> Decision | None:
        found = [d for d in self.mapped(key) if year is None or d.field_target.year in (None, year)]
        exact = [d for d in found if d.field_target.year == year]
        return exact[0] if exact else (found[0] if found else None)

    def kept(self) -> list[Decision]:
        return [d for d in self.decisions if d.action == KEEP]

    def ignored(self) -> list[Decision]:
        return [d for d in self.decisions if d.action == IGNORE]

    def years(self) -> list[int]:
        return sorted({d.target.year for d in self.decisions if d.action == MAP and d.target and d.target.year})

    def period_kinds(self) -> set[str]:
        return {
            d.period_kind for d in self.decisions if d.action == MAP and d.target and d.target.period and d.period_kind
        }


def parse_spec(text: str, catalog: Catalog) -> tuple[str, Target | None]:
    """«meta», «programado:T2@2024», «otros», «ignorar» -> (action, target)."""
    t = norm(text).replace(" ", "_") if text else ""
    if t in (IGNORE, "ignore", "ninguno", ""):
        return IGNORE, None
    if t in (KEEP, "otros_datos", "guardar", "keep"):
        if not catalog.keeps_other_data:
            raise UserError(
                f"La importación de {catalog.title} no guarda «otros datos» (son datos personales): "
                f"asigne la columna a un campo o a «{IGNORE}»."
            )
        return KEEP, None
    m = _SPEC.match(text.strip().lower())
    if not m or catalog.get(m.group(1)) is None:
        names = ", ".join(f.key for f in catalog.fields)
        extra = f"«{KEEP}» y «{IGNORE}»" if catalog.keeps_other_data else f"«{IGNORE}»"
        raise UserError(
            f"«{text}» no es un campo de la importación de {catalog.title}. Campos: {names}, además de {extra}."
        )
    return MAP, Target(m.group(1), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None)


def parse_overrides(items: list[str] | None) -> dict[str, str]:
    """--map "ENCABEZADO=campo" (repeatable) -> {header: spec}."""
    out: dict[str, str] = {}
    for item in items or []:
        head, sep, spec = item.rpartition("=")
        if not sep or not head.strip():
            raise UserError(f'--map «{item}»: escriba «ENCABEZADO=campo», por ejemplo --map "Meta de producto=meta".')
        out[head.strip()] = spec.strip()
    return out


def _keys(columns: list[SourceColumn]) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for col in columns:
        base = norm(col.header) if col.path else f"columna {col.letter.lower()}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base} #{seen[base]}")
    return keys


def propose(
    table: Table,
    catalog: Catalog,
    *,
    year: int | None = None,
    profile: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    profile_name: str = "",
) -> SheetMapping:
    """The proposed decision for every column of `table` (see the module docstring)."""
    decisions: list[Decision] = []
    for col, key in zip(table.columns, _keys(table.columns), strict=True):
        label = read_label(col.path)
        d = Decision(col, key, IGNORE, period_kind=label.period_kind)
        if not col.path:
            d.note = "columna sin encabezado" if col.samples else "columna vacía"
        elif col.path[-1].startswith(KEPT_PREFIX):
            d.action, d.source, d.note = KEEP, "exacto", "otros datos exportados por rcdesk"
        else:
            f, score = catalog.match(label)
            if f is not None:
                d.action, d.source = MAP, _STRENGTH[score]
                d.target = Target(f.key, label.period if f.periodic else None, label.year if f.yearly else None)
                if label.year and not f.yearly:
                    d.note = f"el año {label.year} del encabezado no se usa para «{f.label}»"
            else:
                d.note = "ningún campo corresponde a este encabezado"
        decisions.append(d)
    sm = SheetMapping(table, decisions)
    _resolve_collisions(sm, catalog)
    apply_choices(sm, catalog, profile=profile, overrides=overrides, profile_name=profile_name)
    if year is not None:
        for d in sm.decisions:
            if d.action == MAP and d.target and d.target.year is not None and d.target.year != year:
                d.set_aside = d.target
                d.action, d.target = IGNORE, None
                d.note = f"columna del año {d.set_aside.year}; se importa el año {year}"
    # the catalog's required fields must be mapped on a sheet that has any mapped column
    return sm


def apply_choices(
    sm: SheetMapping,
    catalog: Catalog,
    *,
    profile: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    profile_name: str = "",
) -> None:
    """A profile's choices, then the user's (which win, and settle any collision they create)."""
    if profile:
        _apply(sm, catalog, profile, "perfil", profile_name)
    if overrides:
        _apply(sm, catalog, overrides, "usuario", "", strict=True)
        _resolve_collisions(sm, catalog, keep_sources=("usuario",))


def _result_section(sm: SheetMapping) -> tuple[int, int] | None:
    """Columns between «meta de resultado» and the product «meta»: the result level's own block."""
    res = [d.column.index for d in sm.mapped("meta_resultado")]
    prod = [d.column.index for d in sm.mapped("meta")]
    if res and prod and min(res) < min(prod):
        return min(res), min(prod)
    return None


def _resolve_collisions(sm: SheetMapping, catalog: Catalog, keep_sources: tuple[str, ...] = ()) -> None:
    section = _result_section(sm)
    groups: dict[Target, list[Decision]] = {}
    for d in sm.decisions:
        if d.action == MAP and d.target is not None:
            groups.setdefault(d.target, []).append(d)
    rank = {"usuario": 0, "perfil": 1, "exacto": 2, "probable": 3, "parecido": 4}
    for target, ds in groups.items():
        if len(ds) < 2:
            continue

        def in_result(d: Decision) -> bool:
            return section is not None and section[0] < d.column.index < section[1]

        ds.sort(key=lambda d: (d.source not in keep_sources, in_result(d), rank.get(d.source, 9), d.column.index))
        winner, losers = ds[0], ds[1:]
        f = catalog.get(target.field)
        flabel = f.label if f else target.field
        for d in losers:
            if in_result(d) and target.field == "indicador" and not sm.mapped("indicador_resultado"):
                d.target = Target("indicador_resultado")
                d.note = "indicador del nivel de resultado (está junto a la meta de resultado)"
                continue
            if in_result(d):
                d.action, d.target = KEEP, None
                d.note = f"«{flabel}» del nivel de resultado: se guarda como otros datos"
                continue
            d.action, d.target, d.question = IGNORE, None, True
            d.note = (
                f"también parece «{flabel}», que ya toma la columna {winner.letter} («{winner.header}»); "
                "elija otro campo si hace falta"
            )
            d.ask = (
                f"hoja «{sm.sheet}»: las columnas {winner.letter} («{winner.header}») y {d.letter} («{d.header}») "
                f"parecen ser «{flabel}»; se usa {winner.letter}. Cambie la asignación si no es así "
                f'(--map "{d.header if "#" not in d.key else d.letter}=campo").'
            )


def _find(sm: SheetMapping, head: str) -> list[Decision]:
    m = re.match(r"^(.*?)\s*#\s*(\d+)$", head)
    key = f"{norm(m.group(1))} #{m.group(2)}" if m else norm(head)
    found = [d for d in sm.decisions if d.key == key]
    if not found:
        found = [d for d in sm.decisions if norm(d.header) == key]
    if not found and _LETTERS.match(head.strip()):
        found = [d for d in sm.decisions if d.letter == head.strip()]
    if not found:
        found = [d for d in sm.decisions if d.column.path and norm(d.column.path[-1]) == key]
    return found


def _apply(
    sm: SheetMapping, catalog: Catalog, choices: dict[str, str], source: str, name: str, *, strict: bool = False
) -> None:
    for head, spec in choices.items():
        found = _find(sm, head)
        if not found:
            continue  # another sheet's column, or a profile naming a column this file lacks
        action, target = parse_spec(spec, catalog)
        for d in found:
            label = read_label(d.column.path)
            d.action, d.source, d.question = action, source, False
            d.note = (
                f"perfil «{name}»"
                if source == "perfil" and name
                else ("elegido por usted" if source == "usuario" else "del perfil")
            )
            if action != MAP or target is None:
                d.target = None
                continue
            f = catalog.get(target.field)
            if f is None:  # parse_spec only returns catalog fields
                raise UserError(f"«{spec}» no es un campo de la importación de {catalog.title}.")
            period = target.period if target.period is not None else (label.period if f.periodic else None)
            year = target.year if target.year is not None else (label.year if f.yearly else None)
            if f.periodic and period is None:
                raise UserError(
                    f"hoja «{sm.sheet}», columna {d.letter} («{d.header}»): el campo «{f.key}» va por "
                    f"periodo; escriba por ejemplo «{f.key}:T1»."
                )
            if not f.periodic and target.period is not None:
                raise UserError(f"El campo «{f.key}» no va por periodo (--map «{head}={spec}»).")
            d.target = Target(f.key, period, year)
            if d.period_kind is None and period is not None:
                d.period_kind = "trimestre"


def unknown_overrides(mappings: list[SheetMapping], overrides: dict[str, str]) -> list[str]:
    """--map entries that name no column of any sheet (a typo must not pass silently)."""
    return [h for h in overrides if not any(_find(sm, h) for sm in mappings)]


def ledger(mappings: list[SheetMapping], catalog: Catalog) -> list[dict]:
    """Every column of every sheet with its decision (the JSON result and the preview table)."""
    out = []
    for sm in mappings:
        for d in sm.decisions:
            out.append(
                {
                    "sheet": sm.sheet,
                    "column": d.letter,
                    "header": d.header,
                    "action": d.action,
                    "field": d.target.spec if d.target else None,
                    "label": d.describe(catalog),
                    "source": d.source,
                    "note": d.note,
                    "samples": list(d.column.samples),
                }
            )
    return out


def ignored_columns(mappings: list[SheetMapping]) -> list[dict]:
    return [
        {"sheet": sm.sheet, "column": d.letter, "header": d.header, "reason": d.note}
        for sm in mappings
        for d in sm.ignored()
        if d.column.path or d.column.samples
    ]


def kept_columns(mappings: list[SheetMapping]) -> list[dict]:
    return [{"sheet": sm.sheet, "column": d.letter, "header": d.header} for sm in mappings for d in sm.kept()]


__all__ = [
    "ACTION_LABELS",
    "Decision",
    "MAP",
    "SheetMapping",
    "Target",
    "apply_choices",
    "ignored_columns",
    "kept_columns",
    "ledger",
    "parse_overrides",
    "parse_spec",
    "propose",
    "unknown_overrides",
]
