"""Example events: a deliberación pública of the Gobernación de Chimborazo in Riobamba with ~200
attendees (fake cédulas with valid check digits), anonymous tallies, questions, aportes per mesa
turned into commitments with follow-ups, and evaluation surveys; plus a planned mesa temática."""

from __future__ import annotations

import random
from datetime import date, timedelta

ORDER = 40
DEMO_TITLE = "Deliberación pública de rendición de cuentas 2020"

FIRST = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Carmen",
    "Juan",
    "Rosa",
    "Manuel",
    "Lucía",
    "Segundo",
    "Mercedes",
    "Pedro",
    "Gloria",
    "Jorge",
    "Martha",
    "Diego",
    "Andrea",
    "Carlos",
    "Verónica",
    "Miguel",
    "Nelly",
    "Fernando",
    "Patricia",
    "Ángel",
    "Sisa",
    "Inti",
    "Wayra",
    "Tránsito",
    "Dolores",
    "Byron",
]
LAST = [
    "Guamán",
    "Yupanqui",
    "Pilco",
    "Caiza",
    "Chimbolema",
    "Guaranga",
    "Morocho",
    "Quishpe",
    "Tenelema",
    "García",
    "Pérez",
    "Sánchez",
    "López",
    "Ramírez",
    "Vallejo",
    "Cáceres",
    "Naranjo",
    "Oleas",
    "Bonilla",
    "Yépez",
    "Paguay",
    "Lema",
    "Cepeda",
    "Haro",
    "Núñez",
]
ORGS = [
    "",
    "",
    "",
    "Comunidad Cacha Obraje",
    "Barrio La Politécnica",
    "Asociación de Mujeres Warmi Pakari",
    "Federación de Barrios de Riobamba",
    "Comité de Seguridad Ciudadana",
    "Junta Parroquial de Licto",
    "Asamblea Ciudadana Local de Riobamba",
    "Colegio de Abogados de Chimborazo",
    "Radio Bonita",
]
PLACES = [
    "Riobamba",
    "Riobamba",
    "Riobamba",
    "Licto",
    "Cacha",
    "Calpi",
    "Guano",
    "Colta",
    "Chambo",
    "Penipe",
    "Quimiag",
    "San Luis",
]


def fake_cedula(rng: random.Random, province: str = "06") -> str:
    body = province + str(rng.randint(0, 5)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
    total = 0
    for i, ch in enumerate(body):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return body + str((10 - total % 10) % 10)


def load(db, progress) -> dict:
    from rcdesk.events.attendance_import import ParsedSheet, SheetRow
    from rcdesk.services.attendance import AttendanceInput, AttendanceService
    from rcdesk.services.events import EventInput, EventService
    from rcdesk.services.plans import PlanService
    from rcdesk.services.reference import ReferenceService
    from rcdesk.validation.ids import check_id

    events = EventService(db)
    if any(e.title == DEMO_TITLE for e in events.list_events()):
        return {}
    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    plan = next((p for p in PlanService(db).list_plans() if "chimborazo" in p.entity.lower()), None)
    if plan is not None:
        inst_id, year = plan.institution_id, plan.year
    else:
        inst_id, year = ref.find_or_create_institution("Gobernación de Chimborazo", "EC").institution_id, 2021
    units = {u.name: u.unit_id for u in ref.units(inst_id)}
    for name, kind in (
        ("Jefatura Política de Riobamba", "JEFATURA_POLITICA"),
        ("Comisaría Nacional de Policía de Riobamba", "COMISARIA_NACIONAL"),
        ("Tenencia Política de Licto", "TENENCIA_POLITICA"),
        ("Unidad de Planificación", "UNIDAD"),
        ("Dirección Administrativa Financiera", "DIRECCION"),
    ):
        if name not in units:
            units[name] = ref.add_unit(inst_id, name, kind).unit_id
    riobamba = ref.territory_by_code("0601", "EC")
    guano = ref.territory_by_code("0603", "EC")
    acts = [a.activity_id for a in PlanService(db).activities(plan.plan_id)][:3] if plan else []
    day = date(year, 5, 27)
    progress(0, 6, "Creando eventos…")
    ev = events.create(
        EventInput(
            title=DEMO_TITLE,
            event_date=day,
            event_type="DELIBERACION_PUBLICA",
            start_time="09:00",
            end_time="12:30",
            modality="MIXTA",
            stream_url="https://www.facebook.com/GobernacionChimborazo/live",
            venue="Coliseo Teodoro Gallegos Borja",
            territory_id=riobamba.territory_id,
            plan_id=plan.plan_id if plan else None,
            institution_id=inst_id,
            period_label=f"Enero – diciembre {year - 1}",
            agenda="Saludo e instalación\nVerificación de asistencia\nLectura de las reglas de la deliberación\n"
            "Intervención de la Asamblea Ciudadana Local\nPresentación del informe por el Gobernador\n"
            "Mesas de trabajo\nPlenaria: aportes y compromisos\nEvaluación y cierre",
            moderator="Lcda. Paulina Cevallos",
            secretary="Ing. Marco Logroño",
            authority="Gobernador de Chimborazo",
            status="REALIZADO",
            activity_ids=tuple(acts),
            stakeholder_groups=(
                "Asamblea Ciudadana Local",
                "Juntas parroquiales",
                "Organizaciones indígenas",
                "Barrios urbanos",
                "Medios de comunicación",
            ),
            conclusions="La ciudadanía valoró la presentación del informe y pidió priorizar la seguridad en las "
            "parroquias rurales y la atención de las Tenencias Políticas.",
        )
    )
    events.create(
        EventInput(
            title="Mesa temática de seguridad ciudadana",
            event_date=day + timedelta(days=14),
            event_type="MESA_TEMATICA",
            start_time="15:00",
            end_time="17:00",
            venue="Casa Barrial La Inmaculada",
            territory_id=guano.territory_id,
            plan_id=plan.plan_id if plan else None,
            institution_id=inst_id,
            moderator="Jefe Político de Guano",
        )
    )
    for name, org, group in (
        ("Presidente de la Asamblea Ciudadana Local", "ACL Riobamba", "Asamblea Ciudadana"),
        ("Presidenta de la Junta Parroquial de Licto", "GAD Parroquial Licto", "Juntas parroquiales"),
        ("Director de Radio Bonita", "Radio Bonita", "Medios de comunicación"),
    ):
        inv = events.add_invitation(ev.event_id, name, org, group)
        events.set_invitation_status(inv.invitation_id, "ASISTIO")

    rng = random.Random(2021)
    att = AttendanceService(db)
    rows, used = [], set()
    progress(1, 6, "Registrando asistentes…")
    for i in range(150):
        ced = fake_cedula(rng)
        while ced in used:
            ced = fake_cedula(rng)
        used.add(ced)
        name = f"{rng.choice(FIRST)} {rng.choice(FIRST) if rng.random() < 0.5 else ''} {rng.choice(LAST)} {rng.choice(LAST)}"
        raw = ced[1:] if i % 25 == 0 else ced  # a few typed as numbers in Excel (leading zero lost)
        idc = check_id(raw, "EC")
        status = "repaired" if idc.status == "repaired" else "ok"
        rows.append(
            SheetRow(
                i + 5,
                " ".join(name.split()),
                idc,
                rng.choice(ORGS),
                "CIUDADANO",
                rng.choice(PLACES),
                f"09{rng.randint(10000000, 99999999)}" if rng.random() < 0.4 else "",
                "",
                False,
                status,
            )
        )
    sheet = ParsedSheet("asistencia_mesa_1.xlsx", "Hoja1", 4, {"name": "Nombres y apellidos"}, rows)
    att.save_import(ev.event_id, sheet)
    roles = ["CIUDADANO"] * 6 + ["DELEGADO", "SERVIDOR", "AUTORIDAD", "ORGANIZACION"]
    for i in range(52):
        ced = fake_cedula(rng)
        if ced in used:
            continue
        used.add(ced)
        minor = i in (7, 31)
        att.register(
            ev.event_id,
            AttendanceInput(
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
                id_number=ced,
                organization=rng.choice(ORGS),
                role=rng.choice(roles),
                territory_text=rng.choice(PLACES),
                is_minor=minor,
                guardian_name="Rosa Guamán" if i == 7 else "",
            ),
        )
    total = len(att.all_attendance(ev.event_id)) + 14  # some people did not register by name
    women = total * 52 // 100
    glbti = 3
    ind = total * 38 // 100
    events.save_tally(
        ev.event_id,
        total,
        {
            "genero": {"FEMENINO": women, "MASCULINO": total - women - glbti - 6, "GLBTI": glbti, "NO_RESPONDE": 6},
            "etnia": {
                "INDIGENA": ind,
                "MESTIZO": total - ind - 21,
                "AFROECUATORIANO": 3,
                "NEGRO": 1,
                "MONTUBIO": 2,
                "BLANCO": 4,
                "NO_RESPONDE": 11,
            },
            "discapacidad": {"SI": 9, "NO": total - 15},
            "edad": {"MENOR_18": 2, "18_29": 41, "30_64": total - 70, "65_MAS": 27},
        },
    )

    progress(2, 6, "Preguntas ciudadanas…")
    n_questions = _questions(db, ev, day, units)

    progress(3, 6, "Aportes y compromisos…")
    _contributions(db, ev, day, units)

    progress(4, 6, "Encuestas de evaluación…")
    n_responses = _survey_responses(db, ev, rng)
    progress(6, 6, "Eventos de ejemplo listos")
    return {
        "events": 2,
        "attendees": total - 14,
        "questions": n_questions,
        "commitments": 4,
        "survey_responses": n_responses,
    }


def _questions(db, ev, day: date, units: dict[str, str]) -> int:
    """Citizens' questions at the event, some answered; how many."""
    from rcdesk.services.questions import QuestionInput, QuestionService

    qs = QuestionService(db)
    questions = [
        (
            "Segundo Guamán",
            "Comunidad Cacha Obraje",
            "¿Cuántos operativos de control se hicieron en las parroquias rurales?",
            "Se realizaron 148 operativos; 61 en parroquias rurales.",
            0,
        ),
        (
            "Gloria Naranjo",
            "Barrio La Politécnica",
            "¿Qué presupuesto se ejecutó en la Jefatura Política de Riobamba?",
            None,
            None,
        ),
        (
            "Inti Paguay",
            "Asamblea Ciudadana Local de Riobamba",
            "¿Cuándo se publicará el informe final con los aportes de esta deliberación?",
            "En un plazo de 15 días hábiles, en la página web.",
            0,
        ),
        ("Martha Cepeda", "", "¿Por qué no hay Teniente Político en la parroquia Flores desde hace meses?", None, None),
        ("Luis Vallejo", "Radio Bonita", "Solicito la lista de contratos de la Gobernación del año 2020.", None, None),
    ]
    for n, (asker, org, text, answer, after) in enumerate(questions):
        q = qs.add(
            QuestionInput(
                asker_name=asker,
                text=text,
                received_on=day,
                channel="EN_EVENTO",
                kind="INFORMACION" if "contratos" in text else "PETICION",
                event_id=ev.event_id,
                organization=org,
                topic="Gestión",
                assigned_unit_id=units["Unidad de Planificación"],
            )
        )
        if answer:
            qs.answer(q.question_id, answer, day + timedelta(days=after or 0))
        elif n == 1:
            qs.answer(
                q.question_id,
                "La Jefatura ejecutó USD 84.320,15 (96,4 % del codificado).",
                day + timedelta(days=9),
                published_url="https://www.gobernacionchimborazo.gob.ec/rendicion-2020",
            )
    return len(questions)


def _contributions(db, ev, day: date, units: dict[str, str]) -> None:
    """The mesas' contributions, the commitments made from them and their follow-ups."""
    from rcdesk.services.commitments import CommitmentInput, CommitmentService

    cs = CommitmentService(db)
    aportes = [
        (
            "Mesa 1: Seguridad ciudadana",
            "Aumentar patrullajes nocturnos en Licto y Cacha con la Policía Nacional.",
            "Coordinar con la Policía Nacional un plan de patrullajes nocturnos en Licto y Cacha",
            "Comisaría Nacional de Policía de Riobamba",
            "Plan de patrullajes aprobado y 12 informes mensuales",
            [(60, 35), (150, 80)],
        ),
        (
            "Mesa 1: Seguridad ciudadana",
            "Capacitar a las brigadas barriales en prevención de violencia.",
            None,
            None,
            None,
            [],
        ),
        (
            "Mesa 2: Atención ciudadana",
            "Designar Teniente Político en la parroquia Flores.",
            "Tramitar la designación del Teniente Político de Flores ante el Ministerio de Gobierno",
            "Jefatura Política de Riobamba",
            "Acción de personal de designación",
            [(45, 100)],
        ),
        (
            "Mesa 2: Atención ciudadana",
            "Atender en kichwa en la Jefatura Política.",
            "Incorporar un servidor bilingüe kichwa–español en la ventanilla de la Jefatura Política",
            "Jefatura Política de Riobamba",
            "Servidor designado y rótulos bilingües",
            [(90, 20)],
        ),
        (
            "Mesa 3: Transparencia",
            "Publicar mensualmente los operativos realizados por parroquia.",
            "Publicar en la página web un reporte mensual de operativos por parroquia",
            "Unidad de Planificación",
            "Reportes mensuales publicados (enlace)",
            [],
        ),
    ]
    for mesa, text, commitment, unit, deliverable, follows in aportes:
        c = cs.add_contribution(ev.event_id, text, mesa)
        if commitment and unit:
            cm = cs.add(
                CommitmentInput(
                    description=commitment,
                    due_date=day + timedelta(days=180),
                    responsible_unit_id=units[unit],
                    deliverable=deliverable,
                    contribution_id=c.contribution_id,
                    responsible_person="Responsable de la unidad",
                )
            )
            for offset, pct in follows:
                cs.add_followup(
                    cm.commitment_id,
                    day + timedelta(days=offset),
                    pct,
                    f"Avance reportado por {unit}.",
                    "Control interno",
                    links=[f"https://www.gobernacionchimborazo.gob.ec/compromisos/{cm.commitment_id[:8]}"],
                )


def _survey_responses(db, ev, rng: random.Random) -> int:
    """The evaluation survey filled in by attendees; how many responses."""
    from rcdesk.services.surveys import SurveyService

    sv = SurveyService(db)
    qlist = sv.questions(ev.event_id)
    weights = {
        0: [30, 25, 20, 5, 8, 7, 5],
        1: [60, 32, 8],
        2: [70, 5, 25],
        3: [72, 24, 4],
        4: [80, 20],
        5: [45, 20, 10, 25],
        6: [92, 8],
        7: [88, 12],
    }
    topics = [
        "Seguridad en parroquias rurales",
        "Presupuesto de las Tenencias Políticas",
        "Atención en kichwa",
        "Control de precios",
        "",
    ]
    responses = []
    for _ in range(124):
        r = {}
        for i, sq in enumerate(qlist):
            if sq.kind == "choice" and i in weights:
                r[sq.question_id] = rng.choices(sq.options, weights=weights[i])[0]
            elif sq.kind == "text" and rng.random() < 0.3:
                r[sq.question_id] = rng.choice(topics)
        responses.append(r)
    sv.add_responses(ev.event_id, responses)
    return len(responses)
