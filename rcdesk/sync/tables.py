"""Generic access to every exchanged table (every `Record` table), in stored form.

Packages carry values exactly as SQLite stores them (text, integers, reals, NULL), read
and written through typeless Core table clauses, so a record round-trips bit for bit and no
per-type conversion costs time on the bulk paths. Tables are visited in foreign-key
dependency order (`metadata.sorted_tables`); nothing here names a table by hand, so the
tables other capabilities add are exchanged automatically.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import sqlalchemy as sa

from rcdesk.db.base import Base, record_tables

ID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Columns that never travel as "content": the local change counter.
LOCAL_COLUMNS = ("change_seq",)
# Columns compared to decide whether two copies of a record hold the same data.
META_COLUMNS = ("id", "created_at", "updated_at", "modified_by", "version", "change_seq")
# A column with this name holds the SHA-256 of an evidence file in the content store.
EVIDENCE_HASH_COLUMN = "sha256"


def exchange_tables() -> list[sa.Table]:
    """Record tables in foreign-key dependency order (parents first)."""
    wanted = {t.name for t in record_tables()}
    return [t for t in Base.metadata.sorted_tables if t.name in wanted]


def table_by_name(name: str) -> sa.Table | None:
    t = Base.metadata.tables.get(name)
    if t is None or t.name not in {x.name for x in record_tables()}:
        return None
    return t


def personal_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if c.info.get("personal")]


def wire_columns(table: sa.Table) -> list[str]:
    """Columns written in packages, in table order."""
    return [c.name for c in table.columns if c.name not in LOCAL_COLUMNS]


def content_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if c.name not in META_COLUMNS]


def binary_columns(table: sa.Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, sa.LargeBinary)}


@cache
def raw_table(name: str) -> sa.TableClause:
    """A clause for table `name` whose values go in and out in the package's wire form: exactly as
    stored on SQLite, converted to and from that form on a server (`rcdesk/sync/wire.py`)."""
    from rcdesk.sync.wire import wire_type

    t = Base.metadata.tables[name]
    return sa.table(name, *[sa.column(c.name, wire_type(c.type)) for c in t.columns])


def fk_columns(table: sa.Table) -> list[tuple[str, str]]:
    """(column, referenced table) for every foreign key of `table`."""
    out = []
    for fk in table.foreign_keys:
        out.append((fk.parent.name, fk.column.table.name))
    return out


def label(table_name: str) -> str:
    """Spanish-ish readable name of a table for messages (its name with spaces)."""
    return KIND_LABELS.get(table_name, table_name.replace("_", " "))


KIND_LABELS = {
    "territory": "territorios",
    "institution": "instituciones",
    "org_unit": "unidades",
    "plan": "planes",
    "plan_group": "grupos del plan",
    "plan_activity": "actividades",
    "activity_unit": "responsables de actividades",
    "holiday": "feriados",
    "evidence": "evidencias",
    "progress_report": "reportes de avance",
    "poa": "POA",
    "field_visit": "visitas de campo",
    "field_visit_commitment": "compromisos de visitas",
    "field_visit_unit": "unidades visitadas",
    "person": "personas",
    "document_request": "oficios",
    "event": "eventos",
    "acta": "actas",
    "attendance_tally": "conteos de asistencia",
    "citizen_question": "preguntas ciudadanas",
    "consent_record": "consentimientos",
    "contribution": "aportes",
    "event_invitation": "invitaciones",
    "poa_objective": "objetivos del POA",
    "survey_question": "preguntas de encuesta",
    "survey_response": "respuestas de encuesta",
    "attendance": "asistencia",
    "commitment": "compromisos",
    "poa_meta": "metas del POA",
    "commitment_followup": "seguimiento de compromisos",
    "commitment_status_change": "historial de estados de compromisos",
    "poa_activity": "actividades del POA",
    "poa_execution": "ejecución del POA",
    "poa_indicator": "indicadores del POA",
    "poa_programming": "programación del POA",
    "cpccs_form": "formularios del informe CPCCS",
}


def to_wire(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def wire_row(row, personal_idx: list[int]) -> tuple[list, list | None]:
    """Wire values of `row` with its personal values (at `personal_idx`) moved out into their own
    list, to be encrypted apart; the row keeps None in their place."""
    values = [to_wire(v) for v in row]
    if not personal_idx:
        return values, None
    personal = [values[i] for i in personal_idx]
    for i in personal_idx:
        values[i] = None
    return values, personal


def from_wire(value: Any) -> Any:
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


# -- base package filters ----------------------------------------------------------------
# table name -> fn(raw table clause, target installation id, assignments) returning a WHERE
# clause, or None to send the whole table. Capabilities may register their own.
BaseFilter = Callable[[sa.TableClause, str, list[dict]], Any]
BASE_FILTERS: dict[str, BaseFilter] = {}


def register_base_filter(table_name: str, fn: BaseFilter) -> None:
    BASE_FILTERS[table_name] = fn


def in_base_package(table: sa.Table) -> bool:
    """Tables whose rows are about people (a required personal column: attendance lists,
    the people directory…) never go in base packages; other tables go without their
    personal columns (e.g. an event without its moderator's name)."""
    return not any(c.info.get("personal") and not c.nullable for c in table.columns)


def base_columns(table: sa.Table) -> list[str]:
    personal = set(personal_columns(table))
    return [c for c in wire_columns(table) if c not in personal]
