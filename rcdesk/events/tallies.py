"""Anonymous attendance tallies: categories and CPCCS mapping as data (rcdesk/data/events/tallies.json).

Gender and self-identified ethnicity are sensitive data (LOPDP art. 4, Ley 1581): they are
collected only as counts per event, never linked to a named attendee (domain.md §4.6, §9).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rcdesk.errors import UserError

NO_RESPONSE = "NO_RESPONDE"


@lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("rcdesk.data.events").joinpath("tallies.json").read_text("utf-8")
    return json.loads(text)


def dimensions(country: str = "EC") -> dict[str, dict]:
    """{dimension: {"label": str, "categories": {code: label}}} for the country."""
    return _data().get(country, _data()["EC"])["dimensions"]


def cpccs_mapping(country: str = "EC") -> dict[str, dict[str, list[str]]]:
    return _data().get(country, _data()["EC"]).get("cpccs", {})


@dataclass(frozen=True)
class TallyCheck:
    counts: dict[str, dict[str, int]]   # cleaned counts (unknown/zero entries dropped)
    warnings: tuple[str, ...]


def validate_tally(total: int, counts: dict[str, dict[str, int]], country: str = "EC") -> TallyCheck:
    """Check the rules of §4.6/§8.3: non-negative integers, known categories, Σ bucket ≤ total.

    A dimension whose sum is below the total is accepted with a warning: the difference is
    counted as "No responde". Raises UserError (nothing saved) on any hard problem.
    """
    dims = dimensions(country)
    problems: list[str] = []
    warnings: list[str] = []
    if not isinstance(total, int) or total < 0:
        raise UserError("El total de asistentes debe ser un número entero mayor o igual a cero.")
    clean: dict[str, dict[str, int]] = {}
    for dim, values in (counts or {}).items():
        if dim not in dims:
            problems.append(f"dimensión desconocida «{dim}»")
            continue
        cats = dims[dim]["categories"]
        out: dict[str, int] = {}
        for cat, n in (values or {}).items():
            if cat not in cats:
                problems.append(f"{dims[dim]['label']}: categoría desconocida «{cat}»")
                continue
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                problems.append(f"{dims[dim]['label']} – {cats[cat]}: debe ser un entero ≥ 0")
                continue
            if n:
                out[cat] = n
        s = sum(out.values())
        if s > total:
            problems.append(f"{dims[dim]['label']}: la suma ({s}) supera el total de asistentes ({total})")
        elif s < total and s > 0:
            warnings.append(f"{dims[dim]['label']}: {total - s} persona(s) sin dato se cuentan como «No responde».")
        clean[dim] = out
    if problems:
        raise UserError("El conteo anónimo tiene errores; no se guardó.", details=problems)
    return TallyCheck(clean, tuple(warnings))


def effective_counts(total: int, counts: dict[str, dict[str, int]], country: str = "EC") -> dict[str, dict[str, int]]:
    """Counts per dimension with the difference to the total absorbed by "No responde"."""
    out = {}
    for dim, spec in dimensions(country).items():
        values = {c: int((counts.get(dim) or {}).get(c, 0)) for c in spec["categories"]}
        missing = total - sum(values.values())
        if missing > 0 and NO_RESPONSE in values:
            values[NO_RESPONSE] += missing
        out[dim] = values
    return out


def cpccs_buckets(total: int, counts: dict[str, dict[str, int]], country: str = "EC") -> dict[str, dict]:
    """CPCCS report buckets per dimension, plus the categories it has no bucket for ("aparte")."""
    eff = effective_counts(total, counts, country)
    result = {}
    for dim, mapping in cpccs_mapping(country).items():
        mapped = set()
        buckets = {}
        for bucket, cats in mapping.items():
            buckets[bucket] = sum(eff[dim].get(c, 0) for c in cats)
            mapped.update(cats)
        labels = dimensions(country)[dim]["categories"]
        separate = {labels[c]: n for c, n in eff[dim].items() if c not in mapped and n}
        result[dim] = {"buckets": buckets, "aparte": separate}
    return result
