"""What a row of an accountability plan (cronograma) can hold, for the column mapping.

The keys are what users type in `rcdesk plan import --map "ENCABEZADO=campo"` and what profile
files hold; `rcdesk import fields plan` lists them. Each key stands for one role of the layout
readers (`ROLE_OF`), so a known layout and a mapped workbook fill the same `ParsedActivity`.
"""

from __future__ import annotations

from rcdesk.imports.fields import Catalog, Field, norm, register
from rcdesk.plans.detect import ROLE_HEADERS
from rcdesk.plans.labels import GROUP_KINDS, MURC_STAGES


def _ex(*labels: str) -> tuple[str, ...]:
    return tuple(norm(x) for x in labels)


# group levels, in the order a plan usually nests them (a workbook's column order decides)
GROUP_FIELDS = ("fase", "etapa", "elemento", "componente", "subcomponente", "seccion")
CODE_PREFIX = "codigo_"
_GROUP_EXACT = {
    "fase": ("fase", "fases", "fase del proceso"),
    "etapa": ("etapa", "etapas del proceso", "etapa del proceso", "momento"),
    "elemento": ("elemento", "elementos", "elemento murc", "elemento de la rendición de cuentas"),
    "componente": ("componente", "componentes", "eje", "línea", "estrategia"),
    "subcomponente": ("subcomponente", "subcomponentes", "subcomponente / proceso", "sub componente"),
    "seccion": ("sección", "secciones", "paso", "pasos", "subfase", "proceso", "grupo", "tema"),
}
_GROUP_WORDS = {
    "fase": (("fase",),),
    "etapa": (),
    "elemento": (("elemento",),),
    "componente": (("componente",),),
    "subcomponente": (("subcomponente",), ("sub", "componente")),
    "seccion": (("seccion",),),
}
_STAGE_EXACT = {
    "aprestamiento": ("aprestamiento",),
    "diseno": ("diseño",),
    "preparacion": ("preparación", "preparación / capacitación", "capacitación", "preparación y capacitación"),
    "ejecucion": ("ejecución",),
    "seguimiento": ("seguimiento y evaluación", "seguimiento", "evaluación", "seguimiento / evaluación"),
}


def _role(role: str, *more: str) -> tuple[str, ...]:
    """A field's exact headers: the layout readers' own list for its role, plus what only mapping adds."""
    return _ex(*ROLE_HEADERS[role], *more)


_fields: list[Field] = []
for _kind in GROUP_FIELDS:
    _fields.append(
        Field(
            _kind,
            f"{GROUP_KINDS[_kind]} (grupo)",
            _ex(*_GROUP_EXACT[_kind]),
            _GROUP_WORDS[_kind],
            help="«Fase 1: Planificación» da código y nombre; columnas de grupo: de izquierda a derecha",
        )
    )
    _fields.append(
        Field(
            CODE_PREFIX + _kind,
            f"Código de {GROUP_KINDS[_kind].lower()}",
            _ex(f"código {_kind}", f"código de {_kind}", f"cod {_kind}", f"no {_kind}", f"número de {_kind}"),
            help=f"código del grupo (va con la columna «{_kind}» o solo)",
        )
    )
_fields += [
    Field(
        "numero",
        "N.º de actividad",
        _role("number", "no de actividad", "número de actividad"),
    ),
    Field(
        "actividad",
        "Actividad (descripción)",
        _role("description", "acción a realizar", "acciones a realizar", "qué se hará"),
        (("actividad*",), ("accion", "realizar"), ("accion", "desarrollar")),
        help="obligatorio: cada fila con actividad es una actividad del plan",
    ),
    Field(
        "responsable",
        "Responsable",
        _role("responsible", "a cargo de"),
        (("responsable*",), ("dependencia*",), ("encargad*",), ("lider",), ("a cargo",)),
        help="texto tal cual; se vincula con las unidades de la entidad",
    ),
    Field(
        "meta",
        "Meta / producto",
        _role("meta"),
        (("meta",), ("producto*",), ("entregable*",)),
    ),
    Field(
        "indicador",
        "Indicador",
        _role("indicator"),
        (("indicador*",),),
    ),
    Field(
        "recursos",
        "Recursos",
        _role("recursos", "costo", "financiamiento"),
        (("recurso*",), ("presupuest*",)),
    ),
    *(
        Field(code, f"Etapa MURC: {label} (marca X)", _ex(*_STAGE_EXACT[code]), help="una X (o «sí») marca la etapa")
        for code, label in MURC_STAGES
    ),
    Field(
        "etapa_murc",
        "Etapas MURC (texto)",
        _ex("etapa murc", "etapas murc", "etapa del ciclo", "etapas del ciclo", "etapa de la rendición de cuentas"),
        (("etapa*", "murc"), ("etapa*", "ciclo")),
        help="texto que nombra una o varias etapas («Diseño; Ejecución»)",
    ),
    Field(
        "inicio",
        "Fecha inicial",
        _role("start"),
        (("fecha", "inicio"), ("fecha", "inicial")),
    ),
    Field(
        "fin",
        "Fecha final",
        _role("end"),
        (("fecha", "fin*"), ("fecha", "limite"), ("fecha", "termin*"), ("fecha", "cierre")),
    ),
    Field(
        "fecha",
        "Fecha programada (texto)",
        _role("scheduled", "cuándo"),
        (("fecha*",), ("plazo",)),
        help="«Febrero a diciembre de 2022», «22 al 28 de abril»: se guarda el texto y se leen las fechas",
    ),
    Field(
        "cuatrimestre",
        "Cuatrimestre (marca X)",
        periodic=True,
        help="columnas «Cuatrimestre 1»… o «C1»…: una X marca el cuatrimestre",
    ),
    Field(
        "mes",
        "Mes (marca X)",
        periodic=True,
        help="columnas «Enero»…«Diciembre» marcadas con X: dan las fechas de inicio y fin",
    ),
]

PLAN = Catalog("plan", "plan de rendición de cuentas (cronograma)", tuple(_fields), required=("actividad",))
register(PLAN)

# field key -> the role name the layout readers use (`rcdesk.plans.detect.ROLE_HEADERS`)
ROLE_OF = {
    "numero": "number",
    "actividad": "description",
    "responsable": "responsible",
    "meta": "meta",
    "indicador": "indicator",
    "recursos": "recursos",
    "inicio": "start",
    "fin": "end",
    "fecha": "scheduled",
}
FIELD_OF_ROLE = {role: key for key, role in ROLE_OF.items()}
STAGE_FIELDS = tuple(code for code, _ in MURC_STAGES)


def score(text: str) -> int:
    """How strongly one header cell names a plan field (finds the header band)."""
    from rcdesk.imports.fields import EXACT, WORDS, read_label

    if len(text) > 60:
        return 0
    label = read_label(text)
    f, s = PLAN.match(label)
    if f is None or s < WORDS:
        return 0
    if f.periodic and label.period_kind not in ("cuatrimestre", "mes"):
        return 0
    return s if (s == EXACT or len(text) <= 40) else 0


__all__ = ["CODE_PREFIX", "FIELD_OF_ROLE", "GROUP_FIELDS", "PLAN", "ROLE_OF", "STAGE_FIELDS", "score"]
