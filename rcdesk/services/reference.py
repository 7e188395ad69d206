"""Institutions, territories and organizational units."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import func, insert, select

from rcdesk.db.base import check_version
from rcdesk.db.database import Database
from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.errors import NotFound, UserError
from rcdesk.ids import reference_id
from rcdesk.models.reference import (
    COUNTRIES,
    INSTITUTION_KINDS,
    TERRITORY_LEVELS,
    UNIT_TYPES,
    Institution,
    OrgUnit,
    Territory,
)
from rcdesk.text import clean, fold

BUILTIN_TERRITORY_FILES = ("ec_chimborazo.csv", "co_divipola_seeds.csv")
_CODE_LENGTHS = {
    "EC": {"PROVINCIA": 2, "CANTON": 4, "PARROQUIA_URBANA": 6, "PARROQUIA_RURAL": 6},
    "CO": {"DEPARTAMENTO": 2, "MUNICIPIO": 5, "CENTRO_POBLADO": 8},
}
_PARENT_LEVELS = {
    "CANTON": {"PROVINCIA"},
    "PARROQUIA_URBANA": {"CANTON"},
    "PARROQUIA_RURAL": {"CANTON"},
    "MUNICIPIO": {"DEPARTAMENTO"},
    "CENTRO_POBLADO": {"MUNICIPIO"},
}


@dataclass(frozen=True)
class TerritoryRow:
    territory_id: str
    country: str
    level: str
    code: str
    name: str
    parent_id: str | None
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class InstitutionRow:
    institution_id: str
    name: str
    country: str
    kind: str
    tax_id: str | None
    territory_id: str | None


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    institution_id: str
    name: str
    unit_type: str
    territory_id: str | None
    version: int = 0  # what the unit form read; given back when it saves (`check_version`)

    @property
    def type_label(self) -> str:
        return UNIT_TYPES.get(self.unit_type, self.unit_type)


class ReferenceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- territories -------------------------------------------------------------------
    def ensure_builtin_territories(self) -> int:
        """Load the shipped territory tables once; returns how many rows were added."""
        added = 0
        for name in BUILTIN_TERRITORY_FILES:
            text = resources.files("rcdesk.data.territories").joinpath(name).read_text("utf-8")
            rows = list(csv.reader(io.StringIO(text)))
            added += self._load_territory_csv(rows, source=name, only_new=True)
        return added

    def import_territories_csv(self, path: Path) -> int:
        """Any encoding and delimiter `read_text_table` recognizes (Excel's «;» CSV in cp1252 too)."""
        from rcdesk.imports.text_files import read_text_table

        table = read_text_table(path)
        return self._load_territory_csv(table.rows, source=table.source, only_new=False)

    def _load_territory_csv(self, table: list[list[str]], *, source: str, only_new: bool) -> int:
        header = [fold(h) for h in (table[0] if table else [])]
        needed = {"country", "level", "code", "name", "parent_code"}
        headers = set(header)
        missing = needed - headers
        if missing:
            raise UserError(
                f"«{source}»: faltan las columnas {', '.join(sorted(missing))}. "
                "Se esperan: country, level, code, name, parent_code[, active]."
            )
        rows, problems = [], []
        for i, raw in enumerate(table[1:], start=2):
            r = {k: clean(raw[j]) if j < len(raw) else "" for j, k in enumerate(header) if k}
            country, level, code = r["country"].upper(), r["level"].upper(), r["code"]
            if not any(r.values()):
                continue
            if country not in COUNTRIES:
                problems.append(f"fila {i}: país «{country}» desconocido (use EC o CO)")
                continue
            if level not in TERRITORY_LEVELS:
                problems.append(f"fila {i}: nivel «{level}» desconocido")
                continue
            length = _CODE_LENGTHS[country].get(level)
            if code.isdigit() and length and len(code) == length - 1:
                code = "0" + code  # leading zero lost in Excel
            if not code.isdigit() or (length and len(code) != length):
                problems.append(f"fila {i}: código «{r['code']}» no válido para {TERRITORY_LEVELS[level]}")
                continue
            if not r["name"]:
                problems.append(f"fila {i}: falta el nombre")
                continue
            parent = r["parent_code"]
            if parent.isdigit() and len(parent) % 2 == 1 and country == "EC":
                parent = "0" + parent
            if parent and not code.startswith(parent[: min(len(parent), len(code))]) and country == "EC":
                problems.append(f"fila {i}: el código {code} no pertenece al territorio superior {parent}")
                continue
            if country == "CO" and parent and not code.startswith(parent[:2]):
                problems.append(f"fila {i}: el código {code} no pertenece al departamento {parent}")
                continue
            active = r.get("active", "1") not in {"0", "no", "false", "falso"}
            rows.append((i, country, level, code, r["name"], parent, active))
        if problems:
            raise UserError(f"«{source}» tiene errores; no se importó nada.", details=problems)
        with self.db.connect() as conn:
            existing = {
                (c, code): (tid, lvl)
                for tid, c, code, lvl in conn.execute(
                    select(Territory.id, Territory.country, Territory.code, Territory.level)
                )
            }
            known = dict(existing)
            for i, country, level, code, name, parent, active in rows:
                known.setdefault((country, code), (reference_id("territory", f"{country}:{code}"), level))
            for i, country, level, code, name, parent, active in rows:
                if parent:
                    p = known.get((country, parent))
                    if p is None:
                        problems.append(f"fila {i}: el territorio superior {parent} no existe")
                    elif p[1] not in _PARENT_LEVELS.get(level, set()):
                        problems.append(
                            f"fila {i}: {TERRITORY_LEVELS[level]} no puede depender de un/a {TERRITORY_LEVELS[p[1]]}"
                        )
            if problems:
                raise UserError(f"«{source}» tiene errores; no se importó nada.", details=problems)
            new_rows = [r for r in rows if (r[1], r[3]) not in existing]
            updates = [] if only_new else [r for r in rows if (r[1], r[3]) in existing]
            seq = allocate_seq(conn, len(new_rows))
            payload = []
            for n, (i, country, level, code, name, parent, active) in enumerate(new_rows):
                vals = record_values(self.db.installation_id, seq + n)
                vals.update(
                    id=known[(country, code)][0],
                    country=country,
                    level=level,
                    code=code,
                    name=name,
                    parent_id=known[(country, parent)][0] if parent else None,
                    active=active,
                )
                payload.append(vals)
            # parents first, so the foreign key is satisfied inside the same statement batch
            payload.sort(key=lambda v: len(v["code"]))
            if payload:
                conn.execute(insert(Territory), payload)
        if updates:
            with self.db.begin() as s:
                for i, country, level, code, name, parent, active in updates:
                    t = s.get_one(Territory, existing[(country, code)][0])
                    t.name, t.level, t.active = name, level, active
                    t.parent_id = known[(country, parent)][0] if parent else None
        return len(new_rows)

    def territories(
        self,
        country: str | None = None,
        level: str | None = None,
        parent_id: str | None = None,
        include_inactive: bool = False,
    ) -> list[TerritoryRow]:
        stmt = select(Territory).where(Territory.deleted.is_(False))
        if country:
            stmt = stmt.where(Territory.country == country)
        if level:
            stmt = stmt.where(Territory.level == level)
        if parent_id:
            stmt = stmt.where(Territory.parent_id == parent_id)
        if not include_inactive:
            stmt = stmt.where(Territory.active.is_(True))
        with self.db.session() as s:
            return [
                TerritoryRow(t.id, t.country, t.level, t.code, t.name, t.parent_id, t.active)
                for t in s.scalars(stmt.order_by(Territory.code))
            ]

    def territory_by_code(self, code: str, country: str | None = None) -> TerritoryRow:
        stmt = select(Territory).where(Territory.code == code, Territory.deleted.is_(False))
        if country:
            stmt = stmt.where(Territory.country == country)
        with self.db.session() as s:
            t = s.scalars(stmt).first()
            if t is None:
                raise NotFound(f"No existe el territorio con código «{code}».")
            return TerritoryRow(t.id, t.country, t.level, t.code, t.name, t.parent_id, t.active)

    # -- institutions ------------------------------------------------------------------
    def institutions(self) -> list[InstitutionRow]:
        with self.db.session() as s:
            return [
                InstitutionRow(i.id, i.name, i.country, i.kind, i.tax_id, i.territory_id)
                for i in s.scalars(select(Institution).where(Institution.deleted.is_(False)).order_by(Institution.name))
            ]

    def find_or_create_institution(self, name: str, country: str = "EC", kind: str | None = None) -> InstitutionRow:
        name = clean(name)
        if not name:
            raise UserError("Falta el nombre de la entidad.")
        if country not in COUNTRIES:
            raise UserError(f"País «{country}» desconocido (use EC o CO).")
        key = fold(name)
        with self.db.begin() as s:
            for inst in s.scalars(select(Institution).where(Institution.deleted.is_(False))):
                if fold(inst.name) == key:
                    return InstitutionRow(inst.id, inst.name, inst.country, inst.kind, inst.tax_id, inst.territory_id)
            inst = Institution(name=name, country=country, kind=kind or _guess_kind(name, country))
            s.add(inst)
            s.flush()
            return InstitutionRow(inst.id, inst.name, inst.country, inst.kind, inst.tax_id, inst.territory_id)

    def update_institution(
        self, institution_id: str, *, expected_version: int | None = None, **fields
    ) -> InstitutionRow:
        """Save the profile form's fields; `expected_version`: the version the form read (`institution()`)."""
        allowed = {"name", "country", "kind", "tax_id", "territory_id", "address", "email", "phone", "website"}
        bad = set(fields) - allowed
        if bad:
            raise UserError(f"Campos desconocidos: {', '.join(sorted(bad))}")
        if "kind" in fields and fields["kind"] not in INSTITUTION_KINDS:
            raise UserError(f"Tipo de entidad «{fields['kind']}» desconocido.")
        if "name" in fields and not clean(fields["name"]):
            raise UserError("El nombre de la entidad no puede quedar vacío.")
        if "country" in fields and fields["country"] not in COUNTRIES:
            raise UserError(f"País «{fields['country']}» desconocido (use EC o CO).")
        for key in ("email", "phone", "address", "website", "tax_id"):
            if key in fields:
                fields[key] = clean(fields[key]) or None
        if fields.get("website") and not fields["website"].startswith(("http://", "https://")):
            raise UserError("La página web debe empezar por http:// o https://")
        with self.db.begin() as s:
            inst = s.get(Institution, institution_id)
            if inst is None or inst.deleted:
                raise NotFound("La entidad no existe.")
            check_version(inst, expected_version)
            if fields.get("tax_id"):
                fields["tax_id"] = _checked_tax_id(fields["tax_id"], fields.get("country", inst.country))
            if fields.get("territory_id") and s.get(Territory, fields["territory_id"]) is None:
                raise NotFound("El territorio no existe.")
            for k, v in fields.items():
                if getattr(inst, k) != v:
                    setattr(inst, k, v)
            return InstitutionRow(inst.id, inst.name, inst.country, inst.kind, inst.tax_id, inst.territory_id)

    # -- organizational units ----------------------------------------------------------
    def units(self, institution_id: str | None = None) -> list[UnitRow]:
        stmt = select(OrgUnit).where(OrgUnit.deleted.is_(False))
        if institution_id:
            stmt = stmt.where(OrgUnit.institution_id == institution_id)
        with self.db.session() as s:
            return [
                UnitRow(u.id, u.institution_id, u.name, u.unit_type, u.territory_id, u.version)
                for u in s.scalars(stmt.order_by(OrgUnit.name))
            ]

    def add_unit(
        self, institution_id: str, name: str, unit_type: str = "OTRA", territory_id: str | None = None
    ) -> UnitRow:
        name = clean(name)
        if not name:
            raise UserError("Falta el nombre de la dependencia.")
        if unit_type not in UNIT_TYPES:
            raise UserError(f"Tipo de dependencia «{unit_type}» desconocido.")
        with self.db.begin() as s:
            if s.get(Institution, institution_id) is None:
                raise NotFound("La entidad no existe.")
            if territory_id and s.get(Territory, territory_id) is None:
                raise NotFound("El territorio no existe.")
            dup = s.scalar(
                select(func.count())
                .select_from(OrgUnit)
                .where(
                    OrgUnit.institution_id == institution_id,
                    OrgUnit.deleted.is_(False),
                    func.lower(OrgUnit.name) == name.lower(),
                )
            )
            if dup:
                raise UserError(f"Ya existe la dependencia «{name}».")
            u = OrgUnit(institution_id=institution_id, name=name, unit_type=unit_type, territory_id=territory_id)
            s.add(u)
            s.flush()
            return UnitRow(u.id, u.institution_id, u.name, u.unit_type, u.territory_id, u.version)

    def update_unit(
        self, unit_id: str, *, name: str, unit_type: str, territory_id: str | None, expected_version: int | None = None
    ) -> UnitRow:
        name = clean(name)
        if not name:
            raise UserError("Falta el nombre de la dependencia.")
        if unit_type not in UNIT_TYPES:
            raise UserError(f"Tipo de dependencia «{unit_type}» desconocido.")
        with self.db.begin() as s:
            u = s.get(OrgUnit, unit_id)
            if u is None or u.deleted:
                raise NotFound("La dependencia no existe.")
            check_version(u, expected_version)
            if territory_id and s.get(Territory, territory_id) is None:
                raise NotFound("El territorio no existe.")
            dup = s.scalar(
                select(func.count())
                .select_from(OrgUnit)
                .where(
                    OrgUnit.institution_id == u.institution_id,
                    OrgUnit.deleted.is_(False),
                    OrgUnit.id != unit_id,
                    func.lower(OrgUnit.name) == name.lower(),
                )
            )
            if dup:
                raise UserError(f"Ya existe la dependencia «{name}».")
            for k, v in (("name", name), ("unit_type", unit_type), ("territory_id", territory_id)):
                if getattr(u, k) != v:
                    setattr(u, k, v)
            return UnitRow(u.id, u.institution_id, u.name, u.unit_type, u.territory_id, u.version)

    def delete_unit(self, unit_id: str) -> None:
        """Tombstone a unit; activities keep their free-text responsible."""
        from rcdesk.models.plans import ActivityUnit

        with self.db.begin() as s:
            u = s.get(OrgUnit, unit_id)
            if u is None or u.deleted:
                raise NotFound("La dependencia no existe.")
            u.deleted = True
            for link in s.scalars(
                select(ActivityUnit).where(ActivityUnit.unit_id == unit_id, ActivityUnit.deleted.is_(False))
            ):
                link.deleted = True

    def institution(self, institution_id: str) -> dict:
        """Every profile field of one institution (for the profile form)."""
        with self.db.session() as s:
            i = s.get(Institution, institution_id)
            if i is None or i.deleted:
                raise NotFound("La entidad no existe.")
            return {
                k: getattr(i, k)
                for k in (
                    "id",
                    "name",
                    "country",
                    "kind",
                    "tax_id",
                    "territory_id",
                    "address",
                    "email",
                    "phone",
                    "website",
                    "version",  # given back by the form when it saves
                )
            }


def _checked_tax_id(value: str, country: str) -> str:
    """RUC (Ecuador) or NIT (Colombia), normalized; checksum doubts on company RUCs only warn."""
    from rcdesk.validation.ids import check_id

    result = check_id(value, country, "RUC" if country == "EC" else "NIT")
    if result.status == "invalid":
        kind = "RUC" if country == "EC" else "NIT"
        raise UserError(f"El {kind} «{value}» no es válido: {result.message}.")
    return result.number


def _guess_kind(name: str, country: str) -> str:
    n = fold(name)
    if country == "EC":
        if "gobernacion" in n:
            return "GOBERNACION_EC"
        if "gad" in n or "municipal" in n:
            return "GAD_MUNICIPAL"
        return "EJECUTIVA"
    if "alcaldia" in n or "municipio" in n:
        return "ALCALDIA"
    if "gobernacion" in n:
        return "GOBERNACION_CO"
    return "OTRA"


def match_units(responsible: str, units: list[UnitRow]) -> list[str]:
    """Ids of known units whose name appears in a free-text responsible field."""
    text = fold(responsible)
    if not text:
        return []
    return [u.unit_id for u in units if len(fold(u.name)) >= 4 and fold(u.name) in text]
