"""What each kind of import can take, and how a header names it.

A header is read as a path of texts («2024» / «T1» / «Planeado»). `read_label` pulls out the
year, the period (T1, «I trimestre», «primer trimestre», «ene-mar», a month…) and what is left;
`Catalog.match` turns what is left into a field with a strength: EXACT when the text is one of
the field's known labels, WORDS when key words point to it, NEAR for a close spelling. Field
keys are what users type in `--map "ENCABEZADO=campo"` and what profile files hold, so they are
short Spanish words; `rcdesk import fields KIND` lists them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rcdesk.poa.periods import MONTHS as _MONTHS
from rcdesk.text import fold

EXACT, WORDS, NEAR = 100, 80, 60

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINALS = {
    "primer": 1,
    "primero": 1,
    "1er": 1,
    "segundo": 2,
    "2do": 2,
    "tercer": 3,
    "tercero": 3,
    "3er": 3,
    "cuarto": 4,
    "4to": 4,
}
_MONTH_ABBR = {m[:3]: i for i, m in enumerate(_MONTHS, start=1)}
_QUARTER_SPANS = {("ene", "mar"): 1, ("abr", "jun"): 2, ("jul", "sep"): 3, ("oct", "dic"): 4}
_KINDS = {
    "t": "trimestre",
    "trim": "trimestre",
    "trimestre": "trimestre",
    "q": "trimestre",
    "c": "cuatrimestre",
    "cuatrim": "cuatrimestre",
    "cuatrimestre": "cuatrimestre",
    "m": "mes",
    "mes": "mes",
    "s": "semestre",
    "sem": "semestre",
    "semestre": "semestre",
}
_PERIOD_CODE = re.compile(
    r"(?:^|[\s_.\-(/])(t|trim|trimestre|q|c|cuatrim|cuatrimestre|m|mes)\s*\.?\s*(\d{1,2})"
    r"(?=$|[\s)_.\-/:])"
)
_PERIOD_ORD = re.compile(r"(\d{1,2})\s*(?:er|ero|do|ro|to|vo|mo|no|°|º|o)?\s*\.?\s*(trimestre|cuatrimestre|mes)\b")
_PERIOD_ROMAN = re.compile(r"(?:^|\s)(i|ii|iii|iv)\s*\.?\s*(trimestre|trim|cuatrimestre|cuatrim)\b")
_PERIOD_WORD = re.compile(
    r"\b(primer|primero|1er|segundo|2do|tercer|tercero|3er|cuarto|4to)\s+"
    r"(trimestre|cuatrimestre)\b"
)
_PERIOD_SPAN = re.compile(r"\b(ene|abr|jul|oct)[a-z]*\.?\s*(?:-|a|al|/)\s*(mar|jun|sep|dic)[a-z]*\b")
_PUNCT = re.compile(r"[\s.:;,_/\\()\[\]\-–—#°º*?¿\"'“”]+")


@dataclass(frozen=True)
class Label:
    text: str  # folded header text without year and period
    year: int | None
    period: int | None
    period_kind: str | None


def _take(text: str, m: re.Match) -> str:
    return (text[: m.start()] + " " + text[m.end() :]).strip()


def read_label(path: tuple[str, ...] | str) -> Label:
    """Split a header (path) into what it names, its year and its period."""
    parts = (path,) if isinstance(path, str) else path
    text = " / ".join(fold(p) for p in parts if p)
    year = None
    m = _YEAR.search(text)
    if m:
        year = int(m.group(1))
        text = _YEAR.sub(" ", text)
    period = kind = None
    for rx in (_PERIOD_SPAN, _PERIOD_WORD, _PERIOD_ROMAN, _PERIOD_ORD, _PERIOD_CODE):
        m = rx.search(text)
        if not m:
            continue
        if rx is _PERIOD_SPAN:
            period, kind = _QUARTER_SPANS.get((m.group(1)[:3], m.group(2)[:3])), "trimestre"
        elif rx is _PERIOD_WORD:
            period, kind = _ORDINALS[m.group(1)], _KINDS[m.group(2)]
        elif rx is _PERIOD_ROMAN:
            period, kind = _ROMAN[m.group(1)], _KINDS[m.group(2)]
        elif rx is _PERIOD_ORD:
            period, kind = int(m.group(1)), m.group(2)
        else:
            period, kind = int(m.group(2)), _KINDS[m.group(1)]
        if period:
            text = _take(text, m)
            break
    if period is None:
        for word in _PUNCT.split(text):
            if word in _MONTHS or (len(word) == 3 and word in _MONTH_ABBR and word not in ("mar", "may")):
                period, kind = (_MONTHS.index(word) + 1 if word in _MONTHS else _MONTH_ABBR[word]), "mes"
                text = re.sub(rf"\b{word}\b", " ", text)
                break
    text = _PUNCT.sub(" ", text).strip()
    return Label(text, year, period, kind)


@dataclass(frozen=True)
class Field:
    key: str  # what users type: --map "Meta de producto=meta"
    label: str  # Spanish name shown in lists and the mapping page
    exact: tuple[str, ...] = ()  # folded labels (punctuation as spaces) that name it exactly
    words: tuple[tuple[str, ...], ...] = ()  # every word of one tuple present -> this field
    periodic: bool = False  # comes per period (T1…T4) and needs one
    yearly: bool = False  # may come once per year (a block per year)
    help: str = ""


@dataclass(frozen=True)
class Catalog:
    kind: str
    title: str
    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()
    # False for personal data (attendance): no «otros datos», an unmapped column is ignored
    keeps_other_data: bool = True

    def get(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def match(self, label: Label) -> tuple[Field | None, int]:
        """The field a header names and how strongly (EXACT, WORDS, NEAR or 0).

        A header with a period («T1 Planeado») can only name a per-period field, one without a
        period only the others: «Programado» alone is the annual target, «Programado T1» the
        first quarter's programming.
        """
        text = label.text
        periodic = label.period is not None
        pool = [f for f in self.fields if f.periodic == periodic]
        if not pool:
            return None, 0
        if not text:
            first = pool[0] if periodic else None  # a bare «T1» is that period's programming
            return first, (WORDS if first else 0)
        for f in pool:
            if text in f.exact:
                return f, EXACT
        words = set(text.split())
        best: tuple[Field | None, int] = (None, 0)
        for f in pool:
            for need in f.words:
                if all(_has(words, text, w) for w in need) and len(need) > best[1]:
                    best = (f, len(need))
        if best[0] is not None:
            return best[0], WORDS
        if len(text) >= 5:
            labels = {e: f for f in pool for e in f.exact if len(e) >= 5}
            near = difflib.get_close_matches(text, list(labels), n=1, cutoff=0.86)
            if near:
                return labels[near[0]], NEAR
        return None, 0


def _has(words: set[str], text: str, w: str) -> bool:
    if w.endswith("*"):
        stem = w[:-1]
        return any(x.startswith(stem) for x in words)
    if " " in w:
        return f" {w} " in f" {text} "
    return w in words


def norm(text: str) -> str:
    """Folded, punctuation-free form of a header used for exact lists, profiles and --map."""
    return _PUNCT.sub(" ", fold(text)).strip()


def _ex(*labels: str) -> tuple[str, ...]:
    return tuple(norm(x) for x in labels)


POA = Catalog(
    "poa",
    "POA / plan de acción / plan indicativo",
    (
        Field(
            "unidad",
            "Unidad responsable",
            _ex(
                "unidad",
                "unidad administrativa",
                "dependencia",
                "unidad responsable",
                "responsable",
                "responsables",
                "unidad de atención",
                "unidad de gestión",
                "área",
                "área responsable",
                "organismo",
                "secretaría",
                "secretaría responsable",
                "dependencia responsable",
                "jefatura / tenencia",
                "sectorial",
                "entidad responsable",
            ),
            (("dependencia",), ("responsable",), ("organismo",)),
            help="una unidad por valor distinto; las nuevas se crean al guardar",
        ),
        Field("canton", "Cantón", _ex("cantón", "cantones", "municipio")),
        Field(
            "anio",
            "Año fiscal",
            _ex("año", "ano", "año fiscal", "ejercicio fiscal", "ejercicio", "periodo fiscal", "vigencia"),
        ),
        Field(
            "clase",
            "Clase de fila (D/L/P/I/Pr)",
            _ex("clase", "tipo", "nivel", "tipo de fila", "clase de registro"),
            help="D dimensión, L línea, P programa, I indicador de resultado, Pr proyecto; el resto, metas",
        ),
        Field(
            "codigo",
            "Código de la fila",
            _ex(
                "código",
                "codigo",
                "cod",
                "cód",
                "código bpin",
                "bpin",
                "código presupuestal",
                "código programa",
                "código del proyecto",
            ),
            help="con «clase» o por la longitud del código da el nivel de cada fila",
        ),
        Field(
            "nombre",
            "Nombre / descripción de la fila",
            _ex("nombre", "descripción", "descripcion", "denominación", "nombre del registro", "detalle"),
        ),
        Field(
            "eje",
            "Eje / dimensión",
            _ex(
                "eje",
                "eje estratégico",
                "dimensión",
                "dimension",
                "sector",
                "pilar",
                "componente",
                "eje temático",
                "ejes",
            ),
            (("eje",), ("dimension",)),
        ),
        Field(
            "linea",
            "Línea estratégica",
            _ex("línea", "línea estratégica", "líneas estratégicas", "linea de accion", "línea de acción"),
            (("linea", "estrategica"),),
        ),
        Field(
            "programa",
            "Programa",
            _ex("programa", "programas", "nombre del programa", "programa presupuestal"),
            (("programa",),),
        ),
        Field("subprograma", "Subprograma", _ex("subprograma", "subprogramas"), (("subprograma",),)),
        Field(
            "proyecto",
            "Proyecto",
            _ex("proyecto", "proyectos", "nombre del proyecto", "proyecto de inversión"),
            (("proyecto",),),
        ),
        Field(
            "objetivo",
            "Objetivo",
            _ex(
                "objetivo",
                "objetivos",
                "objetivo estratégico",
                "objetivo operativo",
                "objetivo institucional",
                "objetivo estratégico / competencia / función",
                "objetivo estratégico, competencia o función",
                "objetivo poa",
            ),
            (("objetivo",),),
        ),
        Field(
            "codigo_objetivo",
            "Código del objetivo",
            _ex("código objetivo", "cod objetivo", "no objetivo", "n objetivo", "nro objetivo", "código del objetivo"),
        ),
        Field(
            "alineacion",
            "Alineación (PND / PDOT / PEI)",
            _ex(
                "alineación",
                "alineación pnd",
                "alineación al pnd",
                "objetivo pnd",
                "articulación",
                "alineación al plan nacional de desarrollo",
                "alineación pdot",
                "alineación pei",
            ),
            (("alineacion",), ("articulacion",)),
        ),
        Field(
            "meta_resultado",
            "Meta de resultado",
            _ex("meta de resultado", "metas de resultado", "meta resultado", "resultado"),
            (("meta", "resultado"),),
        ),
        Field(
            "indicador_resultado",
            "Indicador de resultado",
            _ex("indicador de resultado", "indicadores de resultado", "indicador resultado"),
            (("indicador", "resultado"),),
        ),
        Field(
            "nivel_meta",
            "Nivel de la meta",
            _ex("nivel de la meta", "nivel meta", "tipo de meta"),
            help="producto, resultado, proyecto…",
        ),
        Field(
            "numero",
            "No. de meta",
            _ex(
                "no meta",
                "n meta",
                "nº meta",
                "numero de meta",
                "nro meta",
                "meta no",
                "no de meta",
                "n de meta",
                "cod meta",
                "código meta",
                "número meta",
                "item",
                "no",
                "n",
                "nro",
            ),
        ),
        Field(
            "meta",
            "Meta (de producto)",
            _ex(
                "meta",
                "metas",
                "descripción de la meta",
                "meta poa",
                "descripción meta",
                "meta operativa",
                "meta / producto",
                "meta o producto",
                "meta de producto",
                "metas de producto",
                "meta producto",
                "producto",
                "descripción de la meta de producto",
            ),
            (("meta", "producto"), ("descripcion", "meta")),
        ),
        Field(
            "indicador",
            "Indicador (de producto)",
            _ex(
                "indicador",
                "indicadores",
                "indicador de la meta",
                "nombre del indicador",
                "indicador de gestión",
                "indicador de producto",
                "indicadores de producto",
                "indicador producto",
            ),
            (("indicador",),),
        ),
        Field(
            "unidad_medida",
            "Unidad de medida",
            _ex("unidad de medida", "u de medida", "u medida", "unidad medida", "um"),
            (("unidad", "medida"),),
        ),
        Field(
            "linea_base",
            "Línea base",
            _ex("línea base", "línea de base", "lb", "l b", "valor línea base", "linea base"),
            (("linea", "base"),),
        ),
        Field(
            "meta_anual",
            "Meta anual / valor de la meta",
            _ex(
                "meta anual",
                "meta programada anual",
                "total programado",
                "programado anual",
                "programación anual",
                "meta total",
                "total planificado",
                "meta programada",
                "valor de la meta",
                "valor meta",
                "meta física",
                "meta cuatrienio",
                "valor esperado",
                "meta del año",
                "meta de la vigencia",
                "programado",
            ),
            (("meta", "anual"), ("valor", "meta")),
            yearly=True,
        ),
        Field(
            "tendencia",
            "Tendencia / polaridad",
            _ex("tendencia", "polaridad", "sentido", "sentido del indicador", "comportamiento"),
            (("tendencia",), ("polaridad",)),
        ),
        Field(
            "actividades",
            "Actividades",
            _ex("actividades", "actividad", "actividades principales", "principales actividades"),
        ),
        Field(
            "gestion",
            "Gestión realizada / explicación del avance",
            _ex(
                "descripción de la gestión",
                "descripción de la gestión por meta",
                "gestión realizada",
                "logros",
                "resultados alcanzados",
                "descripción de resultados",
                "explicación del avance",
                "análisis del avance",
                "descripción del avance",
                "avance cualitativo",
                "observaciones del avance",
                "observaciones",
                "observación",
            ),
            (("explicacion",), ("gestion", "realizada"), ("descripcion", "avance")),
        ),
        Field(
            "aporte",
            "Cómo aporta al plan de desarrollo",
            _ex(
                "cómo aporta al plan de desarrollo",
                "aporte al plan de desarrollo",
                "cómo aporta el resultado alcanzado al logro del plan de desarrollo",
            ),
        ),
        Field(
            "enlaces",
            "Medios de verificación (enlaces)",
            _ex(
                "medio de verificación",
                "medios de verificación",
                "medio de verificación enlace",
                "link",
                "links",
                "enlace",
                "enlaces",
                "evidencia",
                "evidencias",
                "url",
                "soportes",
                "soporte",
                "link al medio de verificación",
                "enlace al medio de verificación",
                "fuente de verificación",
            ),
            (("medio", "verificacion"), ("medios", "verificacion"), ("soporte*",), ("evidencia*",)),
            periodic=False,
        ),
        Field(
            "presupuesto_inicial",
            "Presupuesto inicial (asignación / apropiación inicial)",
            _ex(
                "presupuesto inicial",
                "apropiación inicial",
                "asignación inicial",
                "presupuesto asignado",
                "asignado",
                "monto asignado",
                "presupuesto aprobado",
            ),
            (("inicial",), ("apropiacion", "inicial")),
            yearly=True,
        ),
        Field(
            "codificado",
            "Codificado / apropiación definitiva",
            _ex(
                "presupuesto codificado",
                "codificado",
                "monto codificado",
                "codificado usd",
                "apropiación definitiva",
                "presupuesto definitivo",
                "apropiación vigente",
                "presupuesto vigente",
                "apropiación",
                "apropiaciones",
                "presupuesto",
            ),
            (("codificad*",), ("definitiv*",), ("apropiacion",), ("vigente",)),
            yearly=True,
        ),
        Field(
            "comprometido",
            "Comprometido / compromisos",
            _ex("presupuesto comprometido", "comprometido", "monto comprometido", "compromisos", "compromiso"),
            (("comprometid*",), ("compromiso*",)),
            yearly=True,
        ),
        Field(
            "devengado",
            "Devengado / obligaciones",
            _ex(
                "presupuesto devengado",
                "devengado",
                "monto devengado",
                "devengado usd",
                "devengado total",
                "obligaciones",
                "obligación",
                "presupuesto ejecutado",
                "ejecución presupuestal",
                "ejecutado presupuesto",
            ),
            (("devengad*",), ("obligacion*",), ("presupuesto", "ejecutado")),
            yearly=True,
        ),
        Field(
            "pagado",
            "Pagos",
            _ex("pagos", "pagado", "pago", "valor pagado", "presupuesto pagado"),
            (("pago*",), ("pagad*",)),
            yearly=True,
        ),
        Field(
            "ejecutado_anual",
            "Valor ejecutado (acumulado)",
            _ex(
                "valor ejecutado",
                "ejecutado",
                "ejecución",
                "avance",
                "avance físico",
                "logro",
                "valor alcanzado",
                "ejecutado acumulado",
                "resultado alcanzado",
            ),
            yearly=True,
            help="sin periodo: se guarda en el periodo de la fecha de reporte",
        ),
        Field(
            "programado",
            "Programado del periodo",
            _ex("programado", "planeado", "planificado", "meta", "programación", "plan", "p", "prog", ""),
            (("program*",), ("plane*",), ("planific*",), ("meta",)),
            periodic=True,
            yearly=True,
        ),
        Field(
            "ejecutado",
            "Ejecutado del periodo",
            _ex("ejecutado", "ejecución", "ejec", "real", "alcanzado", "logrado", "cumplido", "avance", "e"),
            (("ejecut*",), ("ejec",), ("alcanzad*",), ("logrado",), ("cumplid*",), ("avance",), ("realizad*",)),
            periodic=True,
            yearly=True,
        ),
        Field(
            "presupuesto",
            "Presupuesto programado del periodo",
            _ex("presupuesto", "presupuesto programado", "monto", "asignado", "presupuesto planificado"),
            (("presupuest*",), ("monto",), ("asignad*",)),
            periodic=True,
            yearly=True,
        ),
        Field(
            "devengado_periodo",
            "Devengado / obligaciones del periodo",
            _ex("devengado", "obligaciones", "presupuesto ejecutado"),
            (("devengad*",), ("obligacion*",)),
            periodic=True,
            yearly=True,
        ),
        Field(
            "enlaces_periodo",
            "Medios de verificación del periodo",
            _ex("medio de verificación", "medios de verificación", "link", "enlace", "evidencia", "soportes"),
            (("verificacion",), ("link",), ("enlace*",), ("evidencia*",), ("soporte*",)),
            periodic=True,
        ),
    ),
    required=("meta",),
)

CATALOGS: dict[str, Catalog] = {"poa": POA}
KEEP, IGNORE = "otros", "ignorar"
# rcdesk writes «otros datos» back under this prefix so that a re-import keeps them again
KEPT_PREFIX = "Otros datos: "


def catalog(kind: str) -> Catalog:
    from rcdesk.errors import UserError

    try:
        return CATALOGS[kind]
    except KeyError:
        raise UserError(f"Tipo de importación desconocido: «{kind}» (use {', '.join(sorted(CATALOGS))}).") from None


def register(cat: Catalog) -> None:
    """Plan and attendance imports add their catalogs here (kept next to their parsers)."""
    CATALOGS[cat.kind] = cat


__all__ = [
    "CATALOGS",
    "Catalog",
    "EXACT",
    "Field",
    "IGNORE",
    "KEEP",
    "Label",
    "NEAR",
    "POA",
    "WORDS",
    "catalog",
    "norm",
    "read_label",
    "register",
]
