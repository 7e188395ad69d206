"""Find the header row of a plan table and tell which layout it is.

Header text is compared folded (no accents, lower case, single spaces, punctuation
dropped), so "ACTIVIDADES", "Actividad" and " actividades " are the same column, and
"DEPENDENCIA RESPONSABLE", "Responsables" and "Área responsable" all mean `responsible`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rcdesk.plans.parsed import MURC_STAGES
from rcdesk.plans.xlsx_grid import Grid, cell_text


def fold(text: object) -> str:
    """Accent-free, lower-case, punctuation-free, single-spaced text for comparisons."""
    if text is None:
        return ""
    return _fold(str(text))


@lru_cache(maxsize=4096)
def _fold(t: str) -> str:
    if not t.isascii():
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.casefold()
    t = t.replace("º", "o").replace("°", "o")
    t = re.sub(r"[^\w#]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


# role -> folded header variants (exact matches after folding)
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "description": (
        "actividad",
        "actividades",
        "descripcion",
        "descripcion de la actividad",
        "descripcion actividad",
        "actividad a desarrollar",
        "actividades a desarrollar",
        "accion",
        "acciones",
        "tarea",
        "tareas",
        "actividades programadas",
        "actividad programada",
        "nombre de la actividad",
        "acciones a desarrollar",
    ),
    "responsible": (
        "responsable",
        "responsables",
        "dependencia responsable",
        "dependencias responsables",
        "area responsable",
        "areas responsables",
        "unidad responsable",
        "unidades responsables",
        "responsable s",
        "lider",
        "lider responsable",
        "encargado",
        "encargados",
        "dependencia",
        "dependencias",
        "oficina responsable",
        "proceso responsable",
    ),
    "number": ("no", "n", "nro", "num", "numero", "#", "item", "no actividad", "n actividad", "codigo", "cod"),
    "meta": (
        "meta",
        "metas",
        "producto",
        "productos",
        "meta producto",
        "meta o producto",
        "metas productos",
        "producto meta",
        "entregable",
        "entregables",
        "resultado esperado",
        "meta producto esperado",
        "meta y producto",
        "meta producto entregable",
    ),
    "recursos": ("recursos", "recurso", "presupuesto", "fuente de recursos", "fuente de financiacion"),
    "indicator": ("indicador", "indicadores", "indicador de cumplimiento", "indicador de gestion"),
    "start": (
        "fecha inicial",
        "fecha inicio",
        "fecha de inicio",
        "inicio",
        "desde",
        "fecha inicio programada",
        "fecha de inicio programada",
        "fecha desde",
    ),
    "end": (
        "fecha final",
        "fecha fin",
        "fecha de finalizacion",
        "fecha de terminacion",
        "fin",
        "hasta",
        "fecha limite",
        "fecha final programada",
        "fecha de fin",
        "fecha hasta",
        "fecha de cierre",
    ),
    "scheduled": (
        "fecha programada",
        "fecha",
        "fechas",
        "plazo",
        "fecha de ejecucion",
        "tiempo de ejecucion",
        "periodo de ejecucion",
        "cronograma",
        "fecha de cumplimiento",
        "fecha programada de ejecucion",
        "periodicidad",
        "fecha de realizacion",
    ),
    "subcomponente": ("subcomponente", "subcomponentes", "subcomponente proceso", "sub componente"),
    "componente": ("componente", "componentes"),
    "elemento": ("elemento", "elementos", "informacion", "dialogo", "responsabilidad", "elemento murc"),
    "seccion": ("seccion", "secciones", "paso", "pasos", "subfase", "proceso"),
    "fase": ("fase", "fases"),
    "etapa": ("etapa", "etapas del proceso"),
    "cuatrimestre_group": ("cuatrimestre", "cuatrimestres", "cuatrimestre de ejecucion", "periodo cuatrimestre"),
    "stage_group": ("etapas", "etapas murc", "etapas del ciclo"),
    "observations": (),
}

STAGE_HEADERS: dict[str, tuple[str, ...]] = {
    "aprestamiento": ("aprestamiento",),
    "diseno": ("diseno",),
    "preparacion": ("preparacion", "preparacion capacitacion", "capacitacion", "preparacion y capacitacion"),
    "ejecucion": ("ejecucion",),
    "seguimiento": ("seguimiento y evaluacion", "seguimiento", "evaluacion", "seguimiento evaluacion"),
}
STAGE_LABELS = dict(MURC_STAGES)

CUATRI_RE = re.compile(
    r"^(?:(?:cuatrimestre|cuatr|c)\s*(1|2|3|i|ii|iii)|(1|2|3|i|ii|iii|primer|segundo|tercer)\s*"
    r"(?:er|do)?\s*cuatrimestre|(1|2|3|i|ii|iii))$"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "primer": 1, "segundo": 2, "tercer": 3}

_LOOKUP: dict[str, str] = {}
for _role, _variants in ROLE_HEADERS.items():
    for _v in _variants:
        _LOOKUP.setdefault(_v, _role)
_STAGE_LOOKUP = {v: code for code, vs in STAGE_HEADERS.items() for v in vs}

# words that only ever appear in header rows (element names such as "INFORMACIÓN" head a
# column in some files but are group labels everywhere else)
ALL_HEADER_WORDS = (set(_LOOKUP) | set(_STAGE_LOOKUP) | {"etapas", "cuatrimestre", "1", "2", "3"}) - {
    "informacion",
    "dialogo",
    "responsabilidad",
}
# headers of a group column («Subcomponente/proceso», «Fases», «Pasos»): never a group's name
GROUP_HEADER_WORDS = {
    v
    for role in ("subcomponente", "componente", "elemento", "seccion", "fase", "etapa", "stage_group")
    for v in ROLE_HEADERS[role]
} - {"informacion", "dialogo", "responsabilidad"}


def header_role(text: object) -> str | None:
    f = fold(text)
    if not f:
        return None
    if f in _LOOKUP:
        return _LOOKUP[f]
    if f in _STAGE_LOOKUP:
        return "stage:" + _STAGE_LOOKUP[f]
    # tolerant prefixes: "Actividades (descripción)", "Responsable(s) de la ejecución"
    for prefix, role in (
        ("actividad", "description"),
        ("descripcion de la actividad", "description"),
        ("dependencia responsable", "responsible"),
        ("responsable", "responsible"),
        ("fecha inicial", "start"),
        ("fecha de inicio", "start"),
        ("fecha inicio", "start"),
        ("fecha final", "end"),
        ("fecha de finalizacion", "end"),
        ("fecha fin ", "end"),
        ("fecha programada", "scheduled"),
        ("meta", "meta"),
        ("indicador", "indicator"),
        ("subcomponente", "subcomponente"),
        ("recursos", "recursos"),
    ):
        if f.startswith(prefix):
            return role
    return None


def cuatrimestre_number(text: object) -> int | None:
    m = CUATRI_RE.match(fold(text))
    if not m:
        return None
    g = m[1] or m[2] or m[3]
    return int(g) if g.isdigit() else _ROMAN[g]


@dataclass
class ColumnMap:
    """Where each field sits in a sheet, found from its header row(s)."""

    header_row: int  # 0-based index of the (first) header row
    header_rows: int = 1  # 2 when a second row names the stages / cuatrimestres
    roles: dict[str, int] = field(default_factory=dict)  # role -> column
    stages: dict[str, int] = field(default_factory=dict)  # stage code -> column
    cuatrimestres: dict[int, int] = field(default_factory=dict)  # 1..3 -> column
    group_col: int | None = None  # column holding element / section / subcomponente labels
    extra: dict[int, str] = field(default_factory=dict)  # column -> header text (kept as extra)
    headers: dict[int, str] = field(default_factory=dict)  # column -> header text as written
    ignored: dict[int, str] = field(default_factory=dict)  # column -> why: the user's mapping leaves it out
    layout: str = ""

    @property
    def description(self) -> int:
        return self.roles["description"]

    def known_columns(self) -> set[int]:
        cols = set(self.roles.values()) | set(self.stages.values()) | set(self.cuatrimestres.values())
        if self.group_col is not None:
            cols.add(self.group_col)
        return cols


def _row_texts(grid: Grid, r: int) -> list[str]:
    return [cell_text(v) for v in grid.rows[r]]


def map_header(grid: Grid, r: int) -> ColumnMap | None:
    """Build a ColumnMap if row `r` is a header row (it names the activity column)."""
    texts = _row_texts(grid, r)
    roles: dict[str, int] = {}
    stages: dict[str, int] = {}
    cuatri: dict[int, int] = {}
    headers: dict[int, str] = {}
    group_candidates: dict[int, str] = {}
    unknown: dict[int, str] = {}
    cuatri_group_col: int | None = None
    stage_group_col: int | None = None
    for c, text in enumerate(texts):
        if not text:
            continue
        headers[c] = text
        role = header_role(text)
        if role is None:
            n = cuatrimestre_number(text)
            if n is not None and fold(text) not in ("1", "2", "3", "i", "ii", "iii") and n not in cuatri:
                cuatri[n] = c
                continue
            unknown[c] = text
        elif role.startswith("stage:"):
            if role[6:] in stages:
                unknown[c] = text  # a repeated stage column: kept as extra
            else:
                stages[role[6:]] = c
        elif role == "cuatrimestre_group":
            cuatri_group_col = c
        elif role == "stage_group":
            stage_group_col = c
        elif role in ("elemento", "componente", "seccion", "fase", "etapa"):
            if role in group_candidates.values():
                unknown[c] = text
            else:
                group_candidates[c] = role
        elif role in roles:
            unknown[c] = text  # a second "Responsable" column: keep it as extra
        else:
            roles[role] = c
    if "description" not in roles:
        return None
    if len(roles) + len(stages) + len(cuatri) + len(group_candidates) < 2 and stage_group_col is None:
        return None  # a lone "Actividades" cell is not enough to be sure it is the header
    cmap = ColumnMap(header_row=r, roles=roles, stages=stages, cuatrimestres=cuatri, headers=headers)

    if r + 1 < grid.height and (stage_group_col is not None or cuatri_group_col is not None or len(stages) < 3):
        _second_header_row(grid, cmap, cuatri_group_col)
    _group_column(cmap, group_candidates, unknown)
    stage_cols = set(cmap.stages.values()) | set(cmap.cuatrimestres.values())
    for c, text in unknown.items():
        if c in stage_cols or c == cmap.group_col:
            continue
        if c == stage_group_col or c == cuatri_group_col:
            continue
        cmap.extra[c] = text
    # unlabelled columns that hold data are picked up later as extra by the parsers
    cmap.layout = classify(cmap)
    return cmap


def _second_header_row(grid: Grid, cmap: ColumnMap, cuatri_group_col: int | None) -> None:
    """A second header row naming the stages and/or the cuatrimestres 1, 2, 3 joins the header."""
    sub = _row_texts(grid, cmap.header_row + 1)
    sub_stages: dict[str, int] = {}
    sub_cuatri: dict[int, int] = {}
    other = 0
    for c, text in enumerate(sub):
        if not text:
            continue
        role = header_role(text)
        if role and role.startswith("stage:"):
            sub_stages.setdefault(role[6:], c)
        elif fold(text) in ("1", "2", "3", "i", "ii", "iii") or cuatrimestre_number(text):
            n = cuatrimestre_number(text)
            if n and (cuatri_group_col is None or c >= cuatri_group_col):
                sub_cuatri.setdefault(n, c)
        elif role is None:
            other += 1
    if (len(sub_stages) >= 2 or len(sub_cuatri) >= 2) and other <= 1:
        cmap.header_rows = 2
        for code, c in sub_stages.items():
            cmap.stages.setdefault(code, c)
        for n, c in sub_cuatri.items():
            cmap.cuatrimestres.setdefault(n, c)
        for c, text in enumerate(sub):
            if text and c not in cmap.headers:
                cmap.headers[c] = text


def _group_column(cmap: ColumnMap, group_candidates: dict[int, str], unknown: dict[int, str]) -> None:
    """A labelled group column, or the unlabelled / element-named column left of the activities
    ("INFORMACIÓN" heads column A in Ibagué's matrix); other group-like columns become unknown."""
    roles, headers = cmap.roles, cmap.headers
    desc = roles["description"]
    for c, role in sorted(group_candidates.items()):
        if c < desc:
            cmap.group_col = c
            cmap.roles.setdefault(role, c)
            break
    if "subcomponente" in roles:
        if roles["subcomponente"] < desc:
            cmap.group_col = roles["subcomponente"]
        else:
            sc = roles.pop("subcomponente")
            unknown[sc] = headers[sc]
    for c, role in group_candidates.items():
        if c != cmap.group_col:
            unknown[c] = headers[c]
    if cmap.group_col is None and desc > 0:
        left = [c for c in range(desc) if c not in cmap.known_columns()]
        if left and left[0] == 0 and (0 not in headers or 0 in unknown):
            cmap.group_col = 0
            unknown.pop(0, None)


def classify(cmap: ColumnMap) -> str:
    roles = cmap.roles
    if len(cmap.stages) >= 3 or (len(cmap.cuatrimestres) >= 2 and "start" not in roles):
        return "murc"
    if "subcomponente" in roles:
        return "paac"
    if "start" in roles and "end" in roles:
        return "dated"
    if "scheduled" in roles and "meta" in roles:
        return "paac"
    return "cpccs"


def find_header(grid: Grid, start: int = 0, limit: int = 60) -> ColumnMap | None:
    """The first header row at or after `start` (looking at most `limit` rows ahead)."""
    end = min(grid.height, start + limit)
    for r in range(start, end):
        row = grid.rows[r]
        if sum(1 for v in row if v != "") < 1:
            continue
        cmap = map_header(grid, r)
        if cmap is not None:
            return cmap
    return None


GENERIC_MARKER = "formato generico rcdesk"


def is_generic_header(grid: Grid, r: int) -> bool:
    texts = [fold(cell_text(v)) for v in grid.rows[r]]
    return "tipo de grupo 1" in texts and "descripcion" in texts
