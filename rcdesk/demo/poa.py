"""Example POA follow-up: the Gobernación de Chimborazo, its 10 Jefaturas Políticas, the
Tenencias Políticas of the rural parishes, the Intendencia and the Comisarías, each with a
POA for last year fully executed (some units behind), plus field visits and oficios.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

ORDER = 30
INSTITUTION = "Gobernación de Chimborazo"
COMISARIA_CANTONS = ("0601", "0602", "0603", "0606", "0607")
BEHIND = {"Pallatanga", "Cebadas", "Palmira", "Columbe", "Comisaría Nacional de Policía de Colta", "Achupallas"}

_JP = [
    (
        "Fortalecer la gobernabilidad y la seguridad ciudadana en el cantón",
        "PND 2024-2025, Eje Social, Objetivo 3: Garantizar la seguridad integral",
        [
            (
                "Realizar mesas técnicas cantonales de seguridad ciudadana",
                "Número de mesas de seguridad realizadas",
                "Mesa",
                12,
                2500,
            ),
            (
                "Ejecutar operativos de control conjunto con Policía Nacional y Comisaría",
                "Número de operativos conjuntos ejecutados",
                "Operativo",
                24,
                4000,
            ),
            ("Atender conflictos sociales y denuncias ciudadanas", "Número de casos atendidos", "Caso", 120, 0),
        ],
    ),
    (
        "Mejorar la atención a la ciudadanía y la coordinación interinstitucional en el territorio",
        "PND 2024-2025, Eje Institucional, Objetivo 9: Propender a la gobernanza",
        [
            (
                "Coordinar reuniones de trabajo con el GAD municipal y los GAD parroquiales",
                "Número de reuniones interinstitucionales",
                "Reunión",
                8,
                0,
            ),
            (
                "Socializar la gestión del Ejecutivo desconcentrado en las parroquias",
                "Número de eventos de socialización",
                "Evento",
                6,
                1800,
            ),
            (
                "Emitir permisos para eventos públicos y certificaciones",
                "Número de trámites atendidos",
                "Trámite",
                200,
                0,
            ),
        ],
    ),
]
_TP = [
    (
        "Garantizar la convivencia pacífica en la parroquia",
        "PND 2024-2025, Eje Social, Objetivo 3: Garantizar la seguridad integral",
        [
            ("Atender conflictos vecinales, de linderos y de convivencia", "Número de casos atendidos", "Caso", 40, 0),
            (
                "Realizar recorridos de control en las comunidades",
                "Número de recorridos realizados",
                "Recorrido",
                24,
                600,
            ),
        ],
    ),
    (
        "Articular la gestión del Ejecutivo con la comunidad",
        "PND 2024-2025, Eje Institucional, Objetivo 9: Propender a la gobernanza",
        [
            (
                "Participar en asambleas comunitarias y mingas",
                "Número de asambleas con participación",
                "Asamblea",
                8,
                300,
            ),
        ],
    ),
]
_CN = [
    (
        "Controlar precios, pesos y medidas y la calidad de productos de consumo masivo",
        "PND 2024-2025, Eje Económico, Objetivo 5: Fomentar un sistema económico justo",
        [
            (
                "Realizar operativos de control de precios en mercados y ferias",
                "Número de operativos de control",
                "Operativo",
                48,
                3000,
            ),
            ("Sustanciar procesos por contravenciones", "Número de procesos resueltos", "Proceso", 60, 0),
        ],
    ),
    (
        "Controlar espectáculos públicos y locales de diversión",
        "PND 2024-2025, Eje Social, Objetivo 3: Garantizar la seguridad integral",
        [
            ("Inspeccionar locales de diversión nocturna", "Número de inspecciones realizadas", "Inspección", 36, 1500),
        ],
    ),
]
_IG = [
    (
        "Regular el funcionamiento de establecimientos y la seguridad en la provincia",
        "PND 2024-2025, Eje Social, Objetivo 3: Garantizar la seguridad integral",
        [
            ("Emitir permisos anuales de funcionamiento", "Número de permisos emitidos", "Permiso", 1200, 6000),
            (
                "Coordinar operativos provinciales de control",
                "Número de operativos provinciales",
                "Operativo",
                24,
                8000,
            ),
        ],
    ),
    (
        "Fortalecer las capacidades de las autoridades de policía",
        "PND 2024-2025, Eje Institucional, Objetivo 9: Propender a la gobernanza",
        [
            (
                "Capacitar a comisarios, jefes y tenientes políticos",
                "Número de talleres de capacitación",
                "Taller",
                4,
                2500,
            ),
        ],
    ),
]

_NARRATIVES = {
    True: "Se cumplió lo programado con apoyo de la Policía Nacional y los GAD; medios de verificación en el "
    "archivo de la unidad.",
    False: "Cumplimiento parcial: falta de movilización y de personal; se reprogramaron actividades para el "
    "siguiente periodo.",
}


def _split(total: float, n: int, rnd: random.Random) -> list[float]:
    if total <= 0:
        return [0.0] * n
    if total < n:
        out = [0.0] * n
        out[-1] = float(total)
        return out
    base = [total // n] * n
    for i in range(int(total - sum(base))):
        base[i] += 1
    return [float(v) for v in base]


def load(db, progress) -> dict:
    from rcdesk.poa.parsed import ImportPreview, ParsedMeta, ParsedObjective, ParsedPoa
    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_visits import VisitService
    from rcdesk.services.reference import ReferenceService

    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    inst = ref.find_or_create_institution(INSTITUTION, "EC", "GOBERNACION_EC")
    year = date.today().year - 1
    svc = PoaService(db)
    if any(r.fiscal_year == year for r in svc.list_poas(year=year)):
        return {"poa": 0}
    progress(0, None, "Creando unidades de la Gobernación…")
    cantons = ref.territories("EC", "CANTON")
    parishes = ref.territories("EC", "PARROQUIA_RURAL")
    province = next((t for t in ref.territories("EC", "PROVINCIA") if t.code == "06"), None)
    existing = {u.name: u for u in ref.units(inst.institution_id)}
    wanted: list[tuple[str, str, str | None]] = []
    for c in cantons:
        if c.code.startswith("06"):
            wanted.append((f"Jefatura Política de {c.name}", "JEFATURA_POLITICA", c.territory_id))
    for p in parishes:
        if p.code.startswith("06"):
            wanted.append((f"Tenencia Política de {p.name}", "TENENCIA_POLITICA", p.territory_id))
    wanted.append(
        (
            "Intendencia General de Policía de Chimborazo",
            "INTENDENCIA_POLICIA",
            province.territory_id if province else None,
        )
    )
    for c in cantons:
        if c.code in COMISARIA_CANTONS:
            wanted.append((f"Comisaría Nacional de Policía de {c.name}", "COMISARIA_NACIONAL", c.territory_id))
    units = []
    for name, utype, tid in wanted:
        u = existing.get(name) or ref.add_unit(inst.institution_id, name, utype, tid)
        units.append(u)

    rnd = random.Random(year)
    templates = {
        "JEFATURA_POLITICA": _JP,
        "TENENCIA_POLITICA": _TP,
        "COMISARIA_NACIONAL": _CN,
        "INTENDENCIA_POLICIA": _IG,
    }
    places = {p.unit_id: p for p in svc.unit_places(inst.institution_id)}
    poas = []
    for u in units:
        behind = any(b in u.name for b in BEHIND)
        factor = rnd.uniform(0.45, 0.68) if behind else rnd.uniform(0.86, 1.06)
        objectives = []
        n_meta = 0
        for o_no, (odesc, align, metas) in enumerate(templates[u.unit_type], start=1):
            po = ParsedObjective(odesc, f"OE{o_no}", align)
            for mdesc, ind, uom, target, budget in metas:
                n_meta += 1
                if u.unit_type == "TENENCIA_POLITICA":
                    target = max(4, round(target * rnd.uniform(0.7, 1.2)))
                planned = _split(target, 4, rnd)
                executed: list[float | None] = [max(0.0, round(p * factor * rnd.uniform(0.85, 1.15))) for p in planned]
                cod = round(budget * rnd.uniform(0.9, 1.2), 2) if budget else None
                pbud = [round(cod / 4, 2)] * 4 if cod else [0.0] * 4
                fin = factor * rnd.uniform(0.55, 1.0) if cod else 0
                dev: list[float | None] = [round(b * fin, 2) for b in pbud] if cod else [None] * 4
                po.metas.append(
                    ParsedMeta(
                        number=f"{o_no}.{len(po.metas) + 1}",
                        description=mdesc,
                        indicator=ind,
                        unit_of_measure=uom,
                        annual_target=float(target),
                        baseline=None,
                        polarity="INCREMENTO",
                        planned=planned,
                        executed=executed,
                        planned_budget=pbud,
                        devengado=dev,
                        codificado=cod,
                        comprometido=round(sum(d or 0 for d in dev) * 1.05, 2) if cod else None,
                        activities=[f"Planificar y convocar: {mdesc.lower()}", "Registrar medios de verificación"],
                        narrative=_NARRATIVES[not behind],
                        contribution="Contribuye a la seguridad integral y a la gobernanza en el territorio.",
                    )
                )
            objectives.append(po)
        place = places[u.unit_id]
        poas.append(ParsedPoa(u.unit_id, u.name, year, "trimestre", place.canton_name, "demo", "", objectives))
    preview = ImportPreview("Datos de ejemplo", poas)
    progress(0, None, "Guardando los POA de ejemplo…")
    saved = svc.save_import(preview, progress=progress)

    # validate the first three quarters of the Jefaturas (HQ reviewed them)
    validated = 0
    for row in svc.list_poas(year=year):
        if row.unit_type != "JEFATURA_POLITICA":
            continue
        for meta_id, execs in svc.executions(row.poa_id).items():
            for e in execs[:3]:
                if e.execution_id:
                    svc.set_validation(meta_id, e.period_no, "VALIDADO")
                    validated += 1
            if "Pallatanga" in row.unit_name and execs[3].execution_id:
                svc.set_validation(meta_id, 4, "OBSERVADO", "Faltan las actas firmadas de las mesas de seguridad.")

    # field visits and oficios
    visits = VisitService(db)
    by_name = {u.name: u for u in units}
    n_visits = _field_visits(visits, by_name, {c.name: c.territory_id for c in cantons}, year)
    n_oficios = _oficios(visits, by_name)
    progress(1, 1, "POA de ejemplo cargados")
    return {
        "poa": saved.poas,
        "poa_metas": saved.metas,
        "poa_executions": saved.executions,
        "poa_validated": validated,
        "field_visits": n_visits,
        "oficios": n_oficios,
    }


def _field_visits(visits, by_name: dict, canton_ids: dict[str, str], year: int) -> int:
    """Visits to cantons with their findings and the commitments the visited units made; how many."""
    n_visits = 0
    plan = [
        (
            "Guamote",
            date(year, 6, 18),
            [
                "Jefatura Política de Guamote",
                "Tenencia Política de Cebadas",
                "Tenencia Política de Palmira",
                "Comisaría Nacional de Policía de Guamote",
            ],
            "Las tenencias de Cebadas y Palmira no cuentan con vehículo para los recorridos; el avance del segundo "
            "trimestre es bajo. La Jefatura mantiene archivo ordenado de actas.",
            [
                (
                    "Remitir actas firmadas de las mesas de seguridad del segundo trimestre",
                    "Jefatura Política de Guamote",
                    10,
                ),
                ("Presentar plan de recuperación de recorridos comunitarios", "Tenencia Política de Cebadas", 15),
            ],
        ),
        (
            "Pallatanga",
            date(year, 7, 9),
            ["Jefatura Política de Pallatanga"],
            "Retraso en operativos conjuntos por falta de coordinación con la Policía Nacional; no hay medios de "
            "verificación del primer trimestre.",
            [("Entregar los medios de verificación del primer semestre", "Jefatura Política de Pallatanga", 10)],
        ),
        (
            "Alausí",
            date(year, 9, 24),
            [
                "Jefatura Política de Alausí",
                "Tenencia Política de Achupallas",
                "Comisaría Nacional de Policía de Alausí",
            ],
            "Cumplimiento adecuado en la Jefatura y la Comisaría; Achupallas requiere apoyo por la distancia a las "
            "comunidades.",
            [("Coordinar con el GAD parroquial transporte para los recorridos", "Tenencia Política de Achupallas", 20)],
        ),
        (
            "Colta",
            date(year, 11, 12),
            ["Jefatura Política de Colta", "Comisaría Nacional de Policía de Colta", "Tenencia Política de Columbe"],
            "La Comisaría de Colta presenta bajo número de operativos de control de precios; se acordó calendario de "
            "operativos en la feria de Cajabamba.",
            [
                (
                    "Ejecutar cuatro operativos de control de precios en diciembre",
                    "Comisaría Nacional de Policía de Colta",
                    15,
                )
            ],
        ),
    ]
    for canton, day, unit_names, findings, commitments in plan:
        ids = [by_name[n].unit_id for n in unit_names if n in by_name]
        v = visits.add_visit(
            canton_ids[canton],
            day,
            team="Ing. Marcela Guamán (Planificación); Lcdo. Jorge Yépez",
            unit_ids=ids,
            purpose=f"Seguimiento y evaluación del POA {year} en el cantón {canton}",
            findings=findings,
            recommendations="Registrar los medios de verificación en el sistema al cierre de cada trimestre.",
        )
        for desc, uname, days in commitments:
            visits.add_commitment(
                v.visit_id,
                desc,
                unit_id=by_name[uname].unit_id if uname in by_name else None,
                responsible="Titular de la unidad",
                due_date=day + timedelta(days=days),
            )
        n_visits += 1
    return n_visits


def _oficios(visits, by_name: dict) -> int:
    """Oficios asking units for their verification documents, some answered; how many."""
    today = date.today()
    oficios = [  # relative to today so that the alerts look like a live desk
        (
            "GCH-PLA-{y}-0041-O",
            today - timedelta(days=45),
            "Jefatura Política de Riobamba",
            "Solicitud de información del tercer trimestre para la evaluación del POA",
            5,
            today - timedelta(days=40),
        ),
        (
            "GCH-PLA-{y}-0187-O",
            today - timedelta(days=30),
            "Intendencia General de Policía de Chimborazo",
            "Solicitud de reporte de permisos de funcionamiento del tercer trimestre",
            10,
            today - timedelta(days=18),
        ),
        (
            "GCH-PLA-{y}-0302-O",
            today - timedelta(days=28),
            "Jefatura Política de Pallatanga",
            "Solicitud de medios de verificación del tercer trimestre",
            10,
            None,
        ),
        (
            "GCH-PLA-{y}-0455-O",
            today - timedelta(days=5),
            "Comisaría Nacional de Policía de Colta",
            "Solicitud de informe de operativos de control de precios",
            8,
            None,
        ),
        (
            "GCH-PLA-{y}-0459-O",
            today - timedelta(days=20),
            "Tenencia Política de Cebadas",
            "Solicitud de informe de recorridos comunitarios del tercer trimestre",
            5,
            None,
        ),
    ]
    n_oficios = 0
    for num, sent, uname, subject, term, answered in oficios:
        if uname not in by_name:
            continue
        o = visits.add_oficio(
            num.format(y=sent.year),
            sent,
            by_name[uname].unit_id,
            subject,
            term_days=term,
            requested_items="Matriz de seguimiento del POA y medios de verificación.",
        )
        if answered:
            visits.answer_oficio(o.oficio_id, answered, response_ref=f"Memorando de respuesta {n_oficios + 1}")
        n_oficios += 1
    return n_oficios
