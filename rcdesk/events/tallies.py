"""Anonymous attendance tallies: categories and CPCCS mapping as data (rcdesk/data/events/tallies.json).

Gender and self-identified ethnicity are sensitive data (LOPDP art. 4, Ley 1581): they are
collected only as counts per event, never linked to a named attendee (domain.md §4.6, §9).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rcdesk.errors import UserError
from rcdesk.text import fold

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
    counts: dict[str, dict[str, int]]  # cleaned counts (unknown/zero entries dropped)
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


# -- reading demographic values typed in attendance sheets ------------------------------------
# Folded words → category per country. Pueblos and nationalities count as their census group
# (CPCCS asks for «pueblos y nacionalidades»: a Kichwa or Shuar attendee is «Indígena»).
_EC_INDIGENOUS = (
    "indigena",
    "kichwa",
    "quichua",
    "shuar",
    "achuar",
    "waorani",
    "huaorani",
    "cofan",
    "ai cofan",
    "siona",
    "secoya",
    "siekopai",
    "shiwiar",
    "zapara",
    "sapara",
    "andoa",
    "chachi",
    "epera",
    "awa",
    "tsachila",
    "otavalo",
    "saraguro",
    "puruha",
    "kanari",
    "canari",
    "panzaleo",
    "salasaka",
    "salasaca",
    "chibuleo",
    "kayambi",
    "cayambi",
    "karanki",
    "caranqui",
    "natabuela",
    "kitu kara",
    "tomabela",
    "waranka",
    "palta",
    "kisapincha",
    "pasto",
    "manta",
    "huancavilca",
    "nacionalidad",
    "pueblo",
)
_CO_INDIGENOUS = (
    "indigena",
    "wayuu",
    "nasa",
    "zenu",
    "embera",
    "pasto",
    "misak",
    "guambiano",
    "arhuaco",
    "kogui",
    "wiwa",
    "kankuamo",
    "yanacona",
    "pijao",
    "inga",
    "kamentsa",
    "sikuani",
    "tikuna",
    "awa",
    "cubeo",
    "u wa",
    "uwa",
    "muisca",
    "wounaan",
)
_WORDS = {
    "EC": {
        "genero": {
            "FEMENINO": ("f", "fem", "femenino", "mujer", "mujeres"),
            "MASCULINO": ("m", "masc", "masculino", "hombre", "hombres"),
            "GLBTI": (
                "lgbtiq",
                "lgbtiq+",
                "lgbti",
                "lgbt",
                "glbti",
                "glbt",
                "lgtbi",
                "lgtbiq",
                "otro",
                "otra",
                "no binario",
                "no binaria",
                "diverso",
                "diversa",
                "otra identidad",
            ),
            NO_RESPONSE: ("no responde", "prefiere no decir", "prefiero no decir", "no contesta"),
        },
        "etnia": {
            "INDIGENA": _EC_INDIGENOUS,
            "AFROECUATORIANO": ("afroecuatoriano", "afroecuatoriana", "afro", "afrodescendiente", "afroecuatorianos"),
            "NEGRO": ("negro", "negra"),
            "MULATO": ("mulato", "mulata"),
            "MONTUBIO": ("montubio", "montubia", "montuvio", "montuvia", "montubios"),
            "CHOLO": ("cholo", "chola"),
            "MESTIZO": ("mestizo", "mestiza", "mestizos"),
            "BLANCO": ("blanco", "blanca"),
            "OTRO": ("otro", "otra"),
            NO_RESPONSE: ("no responde", "prefiere no decir", "prefiero no decir", "no contesta"),
        },
    },
    "CO": {
        "genero": {
            "FEMENINO": ("f", "fem", "femenino", "mujer", "mujeres"),
            "MASCULINO": ("m", "masc", "masculino", "hombre", "hombres"),
            "OTRO": (
                "lgbtiq",
                "lgbtiq+",
                "lgbti",
                "lgbt",
                "glbti",
                "otro",
                "otra",
                "no binario",
                "no binaria",
                "otra identidad",
                "diverso",
                "diversa",
            ),
            NO_RESPONSE: ("no responde", "prefiere no decir", "prefiero no decir", "no contesta"),
        },
        "etnia": {
            "INDIGENA": _CO_INDIGENOUS,
            "RROM": ("rrom", "rom", "gitano", "gitana"),
            "RAIZAL": ("raizal",),
            "PALENQUERO": ("palenquero", "palenquera"),
            "AFRO": (
                "negro",
                "negra",
                "mulato",
                "mulata",
                "afro",
                "afrodescendiente",
                "afrocolombiano",
                "afrocolombiana",
            ),
            "NINGUNO": (
                "ninguno",
                "ninguna",
                "ningun grupo",
                "ningun grupo etnico",
                "mestizo",
                "mestiza",
                "blanco",
                "blanca",
            ),
            NO_RESPONSE: ("no responde", "prefiere no decir", "prefiero no decir", "no contesta"),
        },
    },
}
_YES_NO = {"SI": ("si", "s", "x", "1", "con discapacidad"), "NO": ("no", "n", "0", "sin discapacidad", "ninguna")}
_NUMBERS = re.compile(r"\d+")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w+ ]+", " ", fold(text)).split())


def _age_bounds(code: str) -> tuple[int, int] | None:
    if code == "MENOR_18":
        return (0, 17)
    parts = code.split("_")
    if len(parts) == 2 and parts[0].isdigit():
        return (int(parts[0]), 200 if parts[1] == "MAS" else int(parts[1]) if parts[1].isdigit() else -1)
    return None


def age_category(text: object, country: str = "EC") -> str | None:
    """«18-29», «30 a 64», «65+», «65 o más», «menor de 18» or an age (42) → the country's age band;
    None when the text names no band of this country (e.g. «18-35» where bands are 18-29, 30-64)."""
    t = _words(str(text))
    if not t:
        return None
    if t in ("no responde", "prefiere no decir"):
        return NO_RESPONSE
    nums = [int(n) for n in _NUMBERS.findall(t)]
    if not nums:
        return None
    if "menor" in t or "menos" in t or "<" in str(text):
        lo, hi = 0, max(nums[0] - 1, 0)
    elif "+" in t or "mas" in t.split() or "mayor" in t:
        lo, hi = nums[0], 200
    else:
        lo, hi = nums[0], nums[1] if len(nums) > 1 else nums[0]
    for code in dimensions(country)["edad"]["categories"]:
        b = _age_bounds(code)
        if b and b[0] <= lo and hi <= b[1]:
            return code
    return None


def category(dimension: str, text: object, country: str = "EC") -> str | None:
    """The tally category a typed value names (None when not recognized). `dimension` is one of
    dimensions(country): genero, etnia, edad, discapacidad."""
    if dimension == "edad":
        return age_category(text, country)
    t = _words(str(text))
    if not t:
        return None
    table = _YES_NO if dimension == "discapacidad" else _WORDS.get(country, _WORDS["EC"]).get(dimension, {})
    for code, words in table.items():
        if t in words:
            return code
    if dimension == "etnia":  # «Pueblo Kichwa Saraguro», «nacionalidad Shuar»
        found = {code for code, words in table.items() for w in words if f" {w} " in f" {t} "}
        if len(found) == 1:
            return found.pop()
    return None
