"""Mapping profiles: a confirmed mapping as a small JSON document.

A profile names columns by their header text (not by position or file name), so it applies to
next month's copy of the same workbook, to every sheet that shares the headers, and survives
columns being moved. Its `signature` (kind + normalised headers) is how a remembered mapping is
offered again for a workbook with the same headers.

    {"rcdesk_mapeo": 1, "tipo": "poa", "nombre": "Plan indicativo",
     "columnas": {"RESPONSABLE": "unidad", "T1. PLANEADO 2024": "programado:T1@2024", "Soportes": "otros"}}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports.fields import Catalog
from rcdesk.imports.mapping import MAP, SheetMapping, parse_spec

VERSION = 1
MAX_PROFILE_BYTES = 1_000_000


def signature(kind: str, mappings: list[SheetMapping]) -> str:
    keys = sorted({d.key for sm in mappings for d in sm.decisions if d.column.path})
    return hashlib.sha256("\n".join([kind, *keys]).encode("utf-8")).hexdigest()


def build(kind: str, mappings: list[SheetMapping], name: str = "") -> dict:
    """The profile of the decisions as they stand (the first sheet naming a header wins)."""
    columns: dict[str, str] = {}
    seen: set[str] = set()
    for sm in mappings:
        for d in sm.decisions:
            if not d.column.path or d.key in seen:
                continue
            seen.add(d.key)
            # a repeated header is named by its key («indicador #2»); the others as the file writes them
            if d.action == MAP and d.target:
                spec = d.target.spec
            elif d.set_aside is not None:  # left out for this year only: next year's import wants it
                spec = d.set_aside.spec
            else:
                spec = d.action
            columns[d.key if "#" in d.key else d.header] = spec
    return {"rcdesk_mapeo": VERSION, "tipo": kind, "nombre": name, "columnas": columns}


def columns_of(doc: dict, catalog: Catalog, *, source: str = "") -> dict[str, str]:
    """Check a profile document for `catalog` and return its {header: spec}."""
    where = f"El perfil «{source}»" if source else "El perfil de columnas"
    if not isinstance(doc, dict) or doc.get("rcdesk_mapeo") is None or not isinstance(doc.get("columnas"), dict):
        raise UserError(f"{where} no es un perfil de columnas de rcdesk.")
    if doc.get("rcdesk_mapeo") != VERSION:
        raise UserError(f"{where} es de una versión de rcdesk que esta no conoce ({doc.get('rcdesk_mapeo')}).")
    if doc.get("tipo") != catalog.kind:
        raise UserError(f"{where} es para importar «{doc.get('tipo')}», no «{catalog.kind}».")
    cols: dict[str, str] = {}
    for head, spec in doc["columnas"].items():
        if not isinstance(head, str) or not isinstance(spec, str):
            raise UserError(f"{where}: cada columna debe ser «encabezado»: «campo».")
        parse_spec(spec, catalog)  # raises with the list of fields
        cols[head] = spec
    return cols


def load(path: str | Path, catalog: Catalog) -> tuple[str, dict[str, str]]:
    """(name, {header: spec}) of a profile file; Spanish errors naming the file."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_PROFILE_BYTES:
            raise UserError(f"«{p.name}» es demasiado grande para ser un perfil de columnas.")
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"No se encontró el perfil «{p.name}».") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            f"El perfil «{p.name}» no se puede leer: no es un archivo JSON válido.", details=[str(exc)]
        ) from None
    return str(doc.get("nombre") or p.stem) if isinstance(doc, dict) else p.stem, columns_of(
        doc, catalog, source=p.name
    )


def save(path: str | Path, doc: dict) -> Path:
    """Write the profile atomically (a power cut leaves the old file or the new one)."""
    from rcdesk.reports.output import write_text

    return write_text(path, json.dumps(doc, ensure_ascii=False, indent=2))


__all__ = ["VERSION", "build", "columns_of", "load", "save", "signature"]
