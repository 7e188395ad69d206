"""The CPCCS «Formulario de Informe de Rendición de Cuentas» (Función Ejecutiva) as data: its
sections in order, their labels exactly as the CPCCS system words them (reference:
cpccs_form.md), and the fields the user fills in, with the checks the system applies.

A section's answers are stored as one JSON document (`cpccs_form.data`):
- "fields" layout: {field: value}
- "grid" layout (fixed rows): {row: {field: value}}
- "table" layout (one row per item): {"filas": [{field: value}, ...]}
Every section may also hold {"no_aplica": true}. Values are normalised on the way in (SI/NO,
integers, amounts, dd/mm/aaaa dates, http(s) links, the form's option texts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rcdesk.errors import UserError
from rcdesk.text import fold

NO_APLICA = "NO APLICA"
LINK_LABEL = "LINK AL MEDIO DE VERIFICACIÓN PUBLICADO EN LA PÁG. WEB DE LA INSTITUCIÓN"
# labels of the report's workbook that its import looks for
NA_LABEL = "¿ESTA SECCIÓN NO APLICA? (SI / NO)"
MISSING_HEAD = "Lo que falta"
NOTES_HEAD = "Notas"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text | int | money | pct | yesno | date | link | choice
    choices: tuple[str, ...] = ()
    required: bool = True
    when_yes: bool = False  # in a grid/table row: required only when the row's «aplica» is SI


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # the form's heading, verbatim
    sheet: str  # workbook sheet name (≤ 31 characters)
    source: str  # "form" | "computed" | "mixed"
    layout: str = ""  # "fields" | "grid" | "table" | "" (nothing typed)
    fields: tuple[Field, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()  # grid rows: (key, label)
    row_header: str = ""  # label of the grid's first column
    note: str = ""
    extra: tuple[Field, ...] = ()  # a grid's fields outside its rows (one value for the section)

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def extra_field(self, key: str) -> Field | None:
        return next((f for f in self.extra if f.key == key), None)


YESNO = Field("aplica", "PONGA SI O NO", "yesno")


def _link(required: bool = True, when_yes: bool = True) -> Field:
    return Field("link", LINK_LABEL, "link", required=required, when_yes=when_yes)


# Section «RENDICIÓN DE CUENTAS» (the process phases): (phase, row key, row label as the form words it)
PHASE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("FASE 0", "equipo", "CONFORMACIÓN DEL EQUIPO DE RENDICIÓN DE CUENTAS"),
    ("FASE 0", "diseno", "DISEÑO DE LA PROPUESTA DEL PROCESO DE RENDICIÓN DE CUENTAS"),
    ("FASE 1", "evaluacion", "EVALUACIÓN DE LA GESTIÓN INSTITUCIONAL:"),
    ("FASE 1", "formulario", "LLENADO DEL FORMULARIO DE INFORME DE RENDICIÓN DE CUENTAS ESTABLECIDO POR EL CPCCS"),
    ("FASE 1", "redaccion", "REDACCIÓN DEL INFORME DE RENDICIÓN DE CUENTAS"),
    (
        "FASE 1",
        "socializacion",
        "SOCIALIZACIÓN INTERNA Y APROBACIÓN DEL INFORME DE RENDICIÓN DE CUENTAS POR PARTE DE LOS RESPONSABLES",
    ),
    ("FASE 2", "difusion", "DIFUSIÓN DEL INFORME DE RENDICIÓN DE CUENTAS A TRAVÉS DE DISTINTOS MEDIOS"),
    ("FASE 2", "planificacion", "PLANIFICACIÓN DE LOS EVENTOS PARTICIPATIVOS"),
    ("FASE 2", "evento", "REALIZACIÓN DEL EVENTO DE RENDICIÓN DE CUENTAS A LA CIUDADANÍA"),
    ("FASE 2", "plazo", "RINDIÓ CUENTAS A LA CIUDADANÍA EN LA PLAZO ESTABLECIDO"),
    ("FASE 2", "aportes", "INCORPORACIÓN DE LOS APORTES CIUDADANOS EN EL INFORME DE RENDICIÓN DE CUENTAS"),
    (
        "FASE 3",
        "entrega",
        "ENTREGA DEL INFORME DE RENDICIÓN DE CUENTAS AL CPCCS, A TRAVÉS DEL INGRESO DEL INFORME EN EL SISTEMA VIRTUAL",
    ),
)
PHASE_OF = {key: phase for phase, key, _label in PHASE_ROWS}

SECTIONS: tuple[Section, ...] = (
    Section(
        "datos_generales",
        "DATOS GENERALES",
        "Datos generales",
        "mixed",
        "fields",
        (
            Field("ruc", "Ruc:", "text"),
            Field("funcion", "Funcion:", "text"),
            Field("tipo", "Tipo:", "text", required=False),
            Field("pertenece_a", "Pertenece a:", "text", required=False),
            Field("nivel", "Nivel que Rinde Cuentas:", "text", required=False),
            Field("sector", "Sector:", "text"),
            Field("representante_legal", "Representante Legal:", "text"),
            Field("responsable_proceso", "Responsable del Proceso de Rendición de Cuentas:", "text"),
            Field(
                "responsable_registro",
                "Responsable del Registro del Informe de Rendición de Cuentas:",
                "text",
                required=False,
            ),
            Field("fecha_inicio", "Fecha de inicio:", "date", required=False),
            Field("fecha_fin", "Fecha fin:", "date", required=False),
        ),
        note="Nombre y RUC vienen del registro de la institución; el periodo, por omisión, es el año fiscal.",
    ),
    Section(
        "cobertura",
        "COBERTURA GEOGRÁFICA: UNIDADES DE ATENCIÓN O GESTIÓN QUE INTEGRA",
        "Cobertura geográfica",
        "mixed",
        "fields",
        (Field("link", "LINK AL MEDIO DE VERIFICACIÓN", "link"),),
        note="Calculada de las unidades registradas y sus territorios. rcdesk no registra usuarios atendidos: "
        "N. USUARIOS, GÉNERO y PUEBLOS Y NACIONALIDADES se completan en el sistema del CPCCS.",
    ),
    Section(
        "politicas_igualdad",
        "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS PARA LA IGUALDAD",
        "Políticas igualdad",
        "form",
        "grid",
        (
            YESNO,
            Field("descripcion", "DESCRIBA LA POLÍTICA / PROYECTO / ACCIÓN IMPLEMENTADA", when_yes=True),
            Field("resultados", "DETALLE PRINCIPALES RESULTADOS OBTENIDOS", when_yes=True),
            Field(
                "aporte", "EXPLIQUE CÓMO APORTA EL RESULTADO AL CUMPLIMIENTO DE LAS AGENDAS DE IGUALDAD", when_yes=True
            ),
        ),
        (
            ("interculturales", "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS INTERCULTURALES"),
            ("generacionales", "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS GENERACIONALES"),
            ("discapacidades", "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS DE DISCAPACIDADES"),
            ("genero", "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS DE GÉNERO"),
            ("movilidad_humana", "IMPLEMENTACIÓN DE POLÍTICAS PÚBLICAS DE MOVILIDAD HUMANA"),
        ),
        "POLÍTICAS PÚBLICAS PARA LA IGUALDAD",
    ),
    Section(
        "planificacion_participativa",
        "PLANIFICACIÓN PARTICIPATIVA",
        "Planificación participativa",
        "form",
        "grid",
        (YESNO, Field("link", "LINK DE VERIFICACIÓN", "link", when_yes=True)),
        (
            (
                "formulacion",
                "SE HAN IMPLEMENTADO MECANISMOS DE PARTICIPACIÓN CIUDADANA PARA LA FORMULACIÓN DE "
                "POLÍTICAS Y PLANES INSTITUCIONALES",
            ),
            ("coordinacion", "SE COORDINA CON LAS INSTANCIAS DE PARTICIPACIÓN EXISTENTES EN EL TERRITORIO"),
        ),
        "PLANIFICACIÓN PARTICIPATIVA",
    ),
    Section(
        "articulacion",
        "PLANIFICACIÓN: SE REFIERE A LA ARTICULACIÓN DE POLÍTICAS",
        "Articulación POA",
        "mixed",
        "grid",
        (Field("aplica", "PONGA SI O NO", "yesno", required=False), _link()),
        (
            ("pnd", "LA INSTITUCIÓN TIENE ARTICULADAS SUS POA AL PLAN NACIONAL DE DESARROLLO"),
            ("pei", "EL POA ESTÁ ARTICULADO AL PLAN ESTRATÉGICO"),
        ),
        "LA INSTITUCIÓN TIENE ARTICULADO EL PLAN ESTRATÉGICO INSTITUCIONAL",
        note="SI/NO se propone de la alineación de los objetivos del POA (PND / plan estratégico); "
        "lo escrito en el formulario prevalece.",
    ),
    Section(
        "mecanismos_participacion",
        "MECANISMOS DE PARTICIPACIÓN CIUDADANA",
        "Mecanismos participación",
        "mixed",
        "grid",
        (
            Field("aplica", "PONGA SI O NO", "yesno", required=False),
            Field("numero", "NÚMERO DE MECANISMOS IMPLEMENTADOS EN EL AÑO", "int", required=False),
            Field("link", "MEDIO DE VERIFICACIÓN PUBLICADO EN LA PÁG. WEB DE LA INSTITUCIÓN", "link", when_yes=True),
        ),
        (
            ("audiencia_publica", "AUDIENCIA PÚBLICA"),
            ("consejos_consultivos", "CONSEJOS CONSULTIVOS"),
            ("consejos_sectoriales", "CONSEJOS CIUDADANOS SECTORIALES"),
            ("dialogos", "DIÁLOGOS PERIÓDICOS DE DELIBERACIÓN"),
            ("agenda_publica", "AGENDA PÚBLICA DE CONSULTA A LA CIUDADANÍA"),
            ("otros", "OTROS"),
        ),
        "MECANISMOS DE PARTICIPACIÓN CIUDADANA",
        note="Los números se cuentan de los eventos del año por tipo (audiencias públicas; diálogos y mesas "
        "temáticas; asambleas, ferias y espacios virtuales como «OTROS»); un número escrito prevalece.",
    ),
    Section(
        "control_social",
        "MECANISMOS DE CONTROL SOCIAL",
        "Control social",
        "form",
        "grid",
        (
            YESNO,
            Field("numero", "NÚMERO DE MECANISMOS", "int", when_yes=True),
            Field(
                "link",
                "LINK AL MEDIO DE VERIFICACIÓN PUBLICADO EN LA PÁG. WEB DE LA INSTITUCIÓN",
                "link",
                when_yes=True,
            ),
        ),
        (
            ("veedurias", "VEEDURÍAS CIUDADANAS"),
            ("observatorios", "OBSERVATORIOS CIUDADANOS"),
            ("defensorias", "DEFENSORÍAS COMUNITARIAS"),
            ("comites_usuarios", "COMITÉS DE USUARIOS DE SERVICIOS"),
            ("otros", "OTROS"),
        ),
        "MECANISMOS DE CONTROL SOCIAL GENERADOS POR LA COMUNIDAD",
    ),
    Section(
        "fases",
        "RENDICIÓN DE CUENTAS",
        "Fases del proceso",
        "mixed",
        "grid",
        (
            Field("aplica", "PONGA SI O NO", "yesno", required=False),
            Field("descripcion", "DESCRIBA LA EJECUCIÓN DE LOS PASOS", required=False),
            Field("link", "LINK AL MEDIO DE VERIFICACIÓN", "link", required=False),
        ),
        tuple((key, label) for _phase, key, label in PHASE_ROWS),
        "PROCESO DE RENDICIÓN DE CUENTAS",
        note="Propuesta de las actividades del plan de rendición de cuentas (fases y secciones, cumplidas al "
        "día de hoy, con las evidencias de sus reportes) y de los eventos de deliberación pública del periodo "
        "y sus aportes; lo escrito en el formulario prevalece. «RINDIÓ CUENTAS… EN LA PLAZO ESTABLECIDO» se "
        "responde con el cronograma del CPCCS de ese año.",
        extra=(Field("aportes_recibidos", "DESCRIBA LOS PRINCIPALES APORTES CIUDADANOS RECIBIDOS:", required=False),),
    ),
    Section(
        "deliberacion",
        "DATOS DE LA DELIBERACIÓN PÚBLICA Y EVALUACIÓN CIUDADANA DE RENDICIÓN DE CUENTAS",
        "Deliberación pública",
        "computed",
        note="Calculada de los eventos de deliberación pública y sus conteos anónimos de asistencia.",
    ),
    Section(
        "aportes",
        "INCORPORACIÓN DE LOS APORTES CIUDADANOS DE LA RENDICIÓN DE CUENTAS DEL AÑO ANTERIOR EN LA "
        "GESTIÓN INSTITUCIONAL",
        "Aportes ciudadanos",
        "computed",
        note="Calculada de los compromisos nacidos de aportes ciudadanos de la rendición del año anterior "
        "(sus seguimientos y evidencias).",
    ),
    Section(
        "difusion",
        "DIFUSIÓN Y COMUNICACIÓN DE LA GESTIÓN INSTITUCIONAL:",
        "Difusión y comunicación",
        "mixed",
        "grid",
        (
            Field("numero", "NO. DE MEDIOS", "int", required=False),
            Field(
                "pct_local",
                "PORCENTAJE DEL PPTO. DEL PAUTAJE QUE SE DESTINÓ A MEDIOS LOCALES Y REGIONALES",
                "pct",
                required=False,
            ),
            Field(
                "pct_nacional",
                "PORCENTAJE DEL PPTO. DEL PAUTAJE QUE SE DESTINÓ A MEDIOS NACIONAL",
                "pct",
                required=False,
            ),
            Field(
                "pct_internacional",
                "PORCENTAJE DEL PPTO DEL PAUTAJE QUE SE DESTINÓ A MEDIOS INTERNACIONALES",
                "pct",
                required=False,
            ),
            Field("link", LINK_LABEL, "link", required=False),
        ),
        (("radio", "Radio"), ("prensa", "Prensa"), ("television", "Televisión"), ("digitales", "Medios digitales")),
        "MEDIOS DE COMUNICACIÓN",
        note="NO. DE MEDIOS 0 deja los porcentajes en 0 y el link en «NO APLICA», como el formulario del CPCCS. "
        "«Medios digitales» se propone de las transmisiones en vivo (enlaces) de los eventos del periodo; "
        "lo escrito en el formulario prevalece. El detalle por medio (nombre, monto, minutos) se ingresa "
        "en el sistema del CPCCS.",
    ),
    Section(
        "recomendaciones",
        "INCORPORACIÓN DE RECOMENDACIONES Y DICTÁMENES",
        "Recomendaciones",
        "form",
        "table",
        (
            Field(
                "entidad",
                "ENTIDAD QUE RECOMIENDA",
                "choice",
                (
                    "CONTRALORÍA GENERAL DEL ESTADO",
                    "SUPERINTENDENCIA DE ORDENAMIENTO TERRITORIAL",
                    "SUPERINTENDENCIA DE BANCOS Y SEGUROS",
                    "SUPERINTENDENCIA DE COMPAÑIAS Y VALORES",
                    "SUPERINTENDENCIA DE TELECOMUNICACIONES",
                    "DEFENSORÍA DEL PUEBLO",
                    "CONSEJO DE PARTICIPACIÓN CIUDADANA Y CONTROL SOCIAL",
                    "SUPERINTENDENCIA DE ECONOMÍA POPULAR Y SOLIDARIA",
                    "SUPERINTENDENCIA DE CONTROL DEL PODER DE MERCADO",
                    "CONSEJO DE REGULACION Y DESARROLLO DE LA INFORMACION Y COMUNICACIÓN",
                    "PROCURADURÍA GENERAL DEL ESTADO",
                    "CONSEJO DE ASEGURAMIENTO DE LA CALIDAD DE LA EDUCACIÓN SUPERIOR",
                    "NO HE RECIBIDO OBSERVACIONES NI DICTÁMENES EN EL AÑO ANTERIOR",
                ),
            ),
            Field("informe_entidad", "NO. DE INFORME DE LA ENTIDAD QUE RECOMIENDA"),
            Field("informe_cumplimiento", "NO. DE INFORME DE CUMPLIMIENTO"),
            Field("porcentaje", "% DE CUMPLIMIENTO DE LAS RECOMENDACIONES", "pct", required=False),
            Field("observaciones", "OBSERVACIONES", required=False),
            _link(when_yes=False),
        ),
        note="Entidades de la Función de Transparencia y Control Social, Procuraduría y CACES.",
    ),
    Section(
        "ejecucion_programatica",
        "EJECUCIÓN PROGRAMÁTICA",
        "Ejecución programática",
        "mixed",
        "fields",
        (Field("tipo", "Tipo:", "choice", ("OBJETIVOS ESTRATÉGICOS", "FUNCIONES", "FINES"), required=False),),
        note="Una fila por meta del POA al cierre del año; % DE LA GESTIÓN = cumplidos / planificados × 100 "
        "(0 sin planificación); links de las evidencias registradas en los reportes de la meta.",
    ),
    Section(
        "presupuesto",
        "PRESUPUESTO INSTITUCIONAL",
        "Presupuesto institucional",
        "mixed",
        "fields",
        note="Cada línea presupuestaria del POA (el presupuesto de una meta) se clasifica como gasto corriente o "
        "de inversión; sin clasificar se propone por su partida (5… corriente; 7… y 8… inversión). "
        "Planificado = codificado; ejecutado = devengado.",
    ),
    Section(
        "cumplimiento_presupuestario",
        "CUMPLIMIENTO DE EJECUCIÓN PRESUPUESTARIA",
        "Cumplimiento ejec. presup.",
        "computed",
        note="Tipo de ejecución META: una fila por meta con presupuesto codificado.",
    ),
    Section(
        "contratacion",
        "PROCESOS DE CONTRATACIÓN Y COMPRAS PÚBLICAS DE BIENES Y SERVICIOS:",
        "Contratación pública",
        "form",
        "table",
        (
            Field(
                "tipo",
                "TIPO DE CONTRATACIÓN",
                "choice",
                (
                    "ÍNFIMA CUANTÍA",
                    "PUBLICACIÓN",
                    "TERMINACIÓN UNILATERAL",
                    "CONSULTORÍA",
                    "SEGUROS",
                    "LICITACIÓN",
                    "SUBASTA INVERSA ELECTRÓNICA",
                    "FERIA INCLUSIVA",
                    "PROCESOS DE DECLARATORIA DE EMERGENCIA",
                    "CONCURSO PÚBLICO",
                    "CONTRATACIÓN DIRECTA",
                    "MENOR CUANTÍA OBRAS",
                    "LISTA CORTA",
                    "CONTRATACIÓN EN SITUACIONES DE EMERGENCIA",
                    "COMPRA DE BIENES INMUEBLES",
                    "ARRENDAMIENTO DE BIENES INMUEBLES",
                    "ARRENDAMIENTO DE BIENES MUEBLES",
                    "CATÁLOGO ELECTRÓNICO",
                    "RÉGIMEN ESPECIAL (Todos los procesos)",
                    "COTIZACIÓN",
                    "FERIAS INCLUSIVAS",
                    "COMPRA POR CATALOGO",
                    "PRODUCCIÓN NACIONAL",
                    "MENOR CUANTÍA B Y S",
                    "CONTRATO INTEGRAL POR PRECIO FIJO",
                    "OTRAS",
                    "NO SE REALIZARON CONTRATACIONES",
                ),
            ),
            Field("numero_adjudicados", "NÚMERO TOTAL ADJUDICADOS", "int"),
            Field("valor_adjudicados", "VALOR TOTAL ADJUDICADOS", "money"),
            Field("numero_finalizados", "NÚMERO TOTAL FINALIZADOS", "int"),
            Field("valor_finalizados", "VALOR TOTAL FINALIZADOS", "money"),
            _link(when_yes=False),
        ),
    ),
    Section(
        "enajenacion",
        "ENAJENACIÓN, DONACIONES Y EXPROPIACIONES DE BIENES:",
        "Enajenación y donaciones",
        "form",
        "table",
        (
            Field(
                "tipo",
                "TIPO",
                "choice",
                ("ENAJENACIÓN", "EXPROPIACIONES", "DONACIONES RECIBIDAS", "DONACIONES REALIZADAS", "NINGUNA"),
            ),
            Field("bien", "BIEN"),
            Field("valor", "VALOR TOTAL", "money"),
            _link(when_yes=False),
        ),
    ),
    Section(
        "transparencia",
        "TRANSPARENCIA Y ACCESO A LA INFORMACIÓN DE LA GESTIÓN INSTITUCIONAL Y DE SU RENDICIÓN DE CUENTAS:",
        "Transparencia",
        "form",
        "grid",
        (YESNO, _link()),
        (
            ("art19", "PUBLICACIÓN EN LA PÁG. WEB DE LOS CONTENIDOS ESTABLECIDOS EN EL ART. 19 DE LA LOTAIP"),
            ("art29", "PUBLICACIÓN EN LA PÁG. WEB DE LOS CONTENIDOS ESTABLECIDOS EN EL ART. 29 DE LA LOTAIP"),
        ),
        "MECANISMOS ADOPTADOS",
    ),
)

BY_KEY = {s.key: s for s in SECTIONS}
# the option of a table section that means «nothing to report»: its row needs no other value
NONE_OPTIONS = {
    "recomendaciones": "NO HE RECIBIDO OBSERVACIONES NI DICTÁMENES EN EL AÑO ANTERIOR",
    "contratacion": "NO SE REALIZARON CONTRATACIONES",
    "enajenacion": "NINGUNA",
}
BUDGET_CLASSES = {"CORRIENTE": "Gasto corriente", "INVERSION": "Gasto de inversión"}


def section(key: str) -> Section:
    s = BY_KEY.get(key)
    if s is None:
        raise UserError(f"Sección del informe CPCCS «{key}» desconocida. Secciones válidas: {', '.join(BY_KEY)}.")
    return s


def editable(s: Section) -> bool:
    """Whether the user fills anything in for this section (computed ones only take «no aplica»)."""
    return bool(s.fields) or s.key == "presupuesto"


# -- normalising what people type ------------------------------------------------------------------
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def normalise(value: object, f: Field, where: str) -> object:
    """The stored form of `value` for field `f`; None for an empty value. UserError names `where`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if f.kind == "yesno":
        if isinstance(value, bool):
            return "SI" if value else "NO"
        folded = fold(text)
        if folded in ("si", "s", "yes", "true", "1", "x"):
            return "SI"
        if folded in ("no", "n", "false", "0"):
            return "NO"
        raise UserError(f"{where}: «{text}» no es SI ni NO.")
    if f.kind in ("int", "money", "pct"):
        from rcdesk.services.poa import check_amount

        v = check_amount(value, f.label, f"{where}: ")
        if v is None:
            return None
        if f.kind == "int":
            if v != int(v):
                raise UserError(f"{where}: «{text}» debe ser un número entero.")
            return int(v)
        if f.kind == "pct" and v > 100:
            raise UserError(f"{where}: el porcentaje debe estar entre 0 y 100 (es {text}).")
        return round(v, 2)
    if f.kind == "date":
        if isinstance(value, (date, datetime)):
            d = value if isinstance(value, date) else value.date()
            return d.strftime("%d/%m/%Y")
        m = _DATE_RE.match(text)
        try:
            if m:
                d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            else:
                d = date.fromisoformat(text)
        except ValueError:
            raise UserError(f"{where}: «{text}» no es una fecha (dd/mm/aaaa).") from None
        return d.strftime("%d/%m/%Y")
    if f.kind == "link":
        if fold(text) == fold(NO_APLICA):
            return NO_APLICA
        if not re.match(r"^https?://\S+\.\S+$", text):
            raise UserError(
                f"{where}: «{text}» no es un enlace; escríbalo con el formato "
                "http://direccionDePaginaWeb o https://… (o «NO APLICA»)."
            )
        return text
    if f.kind == "choice":
        wanted = fold(text)
        for c in f.choices:
            if fold(c) == wanted:
                return c
        raise UserError(f"{where}: «{text}» no es una opción del formulario. Opciones: {'; '.join(f.choices)}.")
    return text


def _label(s: Section) -> str:
    return f"Informe CPCCS, sección «{s.title.rstrip(':')}»"


def _fields_help(s: Section) -> str:
    return ", ".join(f.key for f in s.fields)


def clean_data(s: Section, data: object) -> dict:
    """Validated, normalised answers of section `s` (the whole document); raises UserError."""
    if not isinstance(data, dict):
        raise UserError(f"{_label(s)}: se esperaba un objeto JSON con los campos de la sección.")
    where = _label(s)
    out: dict = {}
    data = dict(data)
    if "no_aplica" in data:
        na = normalise(data.pop("no_aplica"), YESNO, f"{where}, «no_aplica»")
        if na == "SI":
            out["no_aplica"] = True
    if s.key == "presupuesto":
        clean_cls = _clean_classification(data.pop("clasificacion", {}) or {}, where)
        if clean_cls:
            out["clasificacion"] = clean_cls
    if s.layout == "fields":
        out.update(_clean_fields(s, data, where))
    elif s.layout == "grid":
        out.update(_clean_grid(s, data, where))
    elif s.layout == "table":
        out.update(_clean_table(s, data, where))
    elif data:
        raise UserError(f"{where}: esta sección se calcula de los datos de rcdesk; solo admite «no_aplica».")
    return out


def _clean_classification(cls: object, where: str) -> dict[str, str]:
    """The budget section's {meta: CORRIENTE|INVERSION}, blanks left out."""
    if not isinstance(cls, dict):
        raise UserError(f"{where}: «clasificacion» debe ser un objeto {{meta: CORRIENTE|INVERSION}}.")
    clean_cls = {}
    for meta_id, v in cls.items():
        code = fold(str(v or "")).upper()
        if not code:
            continue
        if code not in BUDGET_CLASSES:
            raise UserError(
                f"{where}, línea «{meta_id}»: clasificación «{v}» desconocida (use {' o '.join(BUDGET_CLASSES)})."
            )
        clean_cls[str(meta_id)] = code
    return clean_cls


def _clean_fields(s: Section, data: dict, where: str) -> dict:
    out = {}
    for k, v in data.items():
        f = s.field(k)
        if f is None:
            raise UserError(
                f"{where}: campo «{k}» desconocido. Campos válidos: {_fields_help(s) or 'ninguno'}, no_aplica."
            )
        nv = normalise(v, f, f"{where}, campo «{f.label.rstrip(':')}»")
        if nv is not None:
            out[k] = nv
    return out


def _clean_grid(s: Section, data: dict, where: str) -> dict:
    """Answers by fixed row (plus the section's extra fields); empty rows left out."""
    out: dict = {}
    rows = dict(s.rows)
    for rk, values in data.items():
        ef = s.extra_field(rk)
        if ef is not None:
            nv = normalise(values, ef, f"{where}, campo «{ef.label.rstrip(':')}»")
            if nv is not None:
                out[rk] = nv
            continue
        if rk not in rows:
            valid = ", ".join([*rows, *(f.key for f in s.extra)])
            raise UserError(f"{where}: fila «{rk}» desconocida. Filas válidas: {valid}.")
        row = _clean_row(s, values, f"{where}, fila «{rows[rk]}»")
        if row:
            out[rk] = row
    return out


def _clean_table(s: Section, data: dict, where: str) -> dict:
    """Free rows under «filas»; empty rows left out."""
    rows_in = data.pop("filas", [])
    if data:
        raise UserError(f"{where}: clave «{next(iter(data))}» desconocida; las filas van en «filas».")
    if not isinstance(rows_in, list):
        raise UserError(f"{where}: «filas» debe ser una lista de filas.")
    rows_out = [
        row for n, values in enumerate(rows_in, start=1) if (row := _clean_row(s, values, f"{where}, fila {n}"))
    ]
    return {"filas": rows_out} if rows_out else {}


def _clean_row(s: Section, values: object, at: str) -> dict:
    """One row of a grid or table section; `at` names it in messages."""
    if not isinstance(values, dict):
        raise UserError(f"{at}: se esperaba un objeto con los campos {_fields_help(s)}.")
    row = {}
    for k, v in values.items():
        f = s.field(k)
        if f is None:
            raise UserError(f"{at}: campo «{k}» desconocido. Campos válidos: {_fields_help(s)}.")
        nv = normalise(v, f, f"{at}, campo «{f.label}»")
        if nv is not None:
            row[k] = nv
    return row


def merge_fields(s: Section, current: dict, pairs: list[tuple[str, str]]) -> dict:
    """`current` answers with CAMPO=VALOR pairs applied (grid: fila.campo; table: N.campo, N from 1)."""
    data: dict[str, Any] = {
        k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in current.items()
    }
    if "filas" in data:
        data["filas"] = [dict(r) for r in data["filas"]]
    for name, value in pairs:
        if name == "no_aplica":
            data["no_aplica"] = value
            continue
        if s.key == "presupuesto" and name.startswith("clasificacion."):
            data.setdefault("clasificacion", {})[name.split(".", 1)[1]] = value
            continue
        if s.layout == "fields":
            data[name] = value
        elif s.layout == "grid":
            row, _, col = name.partition(".")
            if not col and s.extra_field(name) is not None:
                data[name] = value
                continue
            if not col:
                raise UserError(
                    f"{_label(s)}: escriba el campo como fila.campo (p. ej. "
                    f"{s.rows[0][0]}.{s.fields[0].key}). Filas: {', '.join(k for k, _ in s.rows)}; "
                    f"campos: {_fields_help(s)}."
                )
            data.setdefault(row, {})[col] = value
        elif s.layout == "table":
            idx, _, col = name.partition(".")
            if not idx.isdigit() or not col or int(idx) < 1:
                raise UserError(
                    f"{_label(s)}: escriba el campo como N.campo, con N el número de fila desde 1 "
                    f"(p. ej. 1.{s.fields[0].key}). Campos: {_fields_help(s)}."
                )
            rows = data.setdefault("filas", [])
            i = int(idx) - 1
            if i > len(rows):
                raise UserError(f"{_label(s)}: la fila {idx} no existe; la siguiente fila nueva es la {len(rows) + 1}.")
            if i == len(rows):
                rows.append({})
            rows[i][col] = value
        else:
            raise UserError(f"{_label(s)}: esta sección se calcula de los datos de rcdesk; solo admite «no_aplica».")
    return data


def missing_in_form(s: Section, data: dict) -> list[str]:
    """What the user still has to type in section `s` (an empty list: nothing)."""
    out: list[str] = []
    if s.layout == "fields":
        for f in s.fields:
            if f.required and data.get(f.key) in (None, ""):
                out.append(f"falta «{f.label.rstrip(':')}»")
    elif s.layout == "grid":
        for rk, rl in s.rows:
            row = data.get(rk) or {}
            yes = row.get("aplica") == "SI"
            lacks = [
                f.label
                for f in s.fields
                if row.get(f.key) in (None, "") and ((f.required and not f.when_yes) or (f.when_yes and yes))
            ]
            if lacks:
                out.append(f"{rl}: falta {', '.join('«' + x + '»' for x in lacks)}")
    elif s.layout == "table":
        rows = data.get("filas") or []
        if not rows:
            out.append("sin filas: registre al menos una (o la opción «" + NONE_OPTIONS.get(s.key, NO_APLICA) + "»)")
        for n, row in enumerate(rows, start=1):
            if row.get(s.fields[0].key) == NONE_OPTIONS.get(s.key):
                continue
            lacks = [f.label for f in s.fields if f.required and row.get(f.key) in (None, "")]
            if lacks:
                out.append(f"fila {n}: falta {', '.join('«' + x + '»' for x in lacks)}")
    return out


@dataclass
class SectionView:
    """One section as computed for a year: state, what is missing, and what to print."""

    key: str
    title: str
    sheet: str
    source: str
    state: str  # completa | incompleta | no_aplica
    missing: list[str] = field(default_factory=list)
    facts: list[tuple[str, object]] = field(default_factory=list)  # label/value pairs
    headers: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    form: dict = field(default_factory=dict)
    # where the user's answers sit, for the workbook (highlighted cells) and its import:
    fact_paths: dict[int, tuple] = field(default_factory=dict)  # facts[i] -> path in `form`
    col_fields: dict[int, str] = field(default_factory=dict)  # column -> field ("": the row's path is the field)
    row_paths: list[tuple | None] = field(default_factory=list)  # rows[i] -> path of its answers in `form`
    key_col: int = 0  # the column that names a row (checked on import)
    open_rows: bool = False  # a table of the form: the user adds and removes rows

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def as_json(self) -> dict:
        return {
            "section": self.key,
            "title": self.title,
            "state": self.state,
            "state_label": self.state_label,
            "missing": list(self.missing),
            "facts": [[k, v] for k, v in self.facts],
            "headers": list(self.headers),
            "rows": [list(r) for r in self.rows],
            "notes": list(self.notes),
            "form": self.form,
        }


STATE_LABELS = {"completa": "Completa", "incompleta": "Incompleta", "no_aplica": "No aplica"}
