"""A small Colombian accountability strategy (MURC) with its events, hand-countable.

Plan «Estrategia de rendición de cuentas 2024» (Alcaldía de Prueba, CO), followed by cuatrimestre:
  1.1 caracterización (Aprestamiento, C1)  — validated 100 % in C1
  2.1 audiencia pública (Ejecución, C2)    — validated 100 % in C2
  2.2 diálogos con JAC (Ejecución, C2)     — validated 50 % in C2
  3.1 documento de evaluación (Seguimiento y Evaluación, C3) — nothing reported
At the cut 31/08/2024: programmed 1.1, 2.1, 2.2 → compliance (100 + 100 + 50) / 3 = 83,33 %.

Events:
  audiencia   15/06/2024 Audiencia pública, REALIZADO, plan + 2.1, groups JAC + Veedurías, tally 40 (22 F, 18 M),
              aportes 2 (one incorporated as a commitment, fulfilled), question 1 (answered),
              second commitment from the question due 15/08/2024 still pending (overdue at the cut),
              survey 3 responses: clarity Clara, Clara, Confusa; suggestion «Más tiempo para preguntas».
  dialogo     20/07/2024 Diálogo ciudadano, REALIZADO, plan + 2.2, groups JAC + Jóvenes, tally 15
  reunion     01/03/2024 Reunión de equipo, REALIZADO, plan (not a dialogue space), tally 8
  pendiente   10/10/2024 Diálogo ciudadano, PLANIFICADO, plan
  otro        05/05/2024 Deliberación pública, REALIZADO, not linked to the plan, tally 99
"""

from __future__ import annotations

from datetime import date

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.commitments import CommitmentInput, CommitmentService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService
from rcdesk.services.questions import QuestionInput, QuestionService
from rcdesk.services.surveys import SurveyService


def build(db) -> dict:
    parsed = ParsedPlan(
        layout="murc",
        title="Estrategia de rendición de cuentas 2024",
        entity="Alcaldía de Prueba",
        year=2024,
        source_name="estrategia.xlsx",
        groups=[
            ParsedGroup(
                "elemento",
                "INFORMACIÓN",
                activities=[
                    ParsedActivity(
                        "Actualizar la caracterización de los grupos de valor",
                        number="1.1",
                        responsible="Dirección de Participación",
                        meta="Documento de caracterización",
                        stages=["aprestamiento"],
                        cuatrimestres=[1],
                    )
                ],
            ),
            ParsedGroup(
                "elemento",
                "DIÁLOGO",
                activities=[
                    ParsedActivity(
                        "Realizar la audiencia pública de rendición de cuentas",
                        number="2.1",
                        responsible="Despacho del Alcalde",
                        meta="Una audiencia pública",
                        stages=["ejecucion"],
                        cuatrimestres=[2],
                    ),
                    ParsedActivity(
                        "Diálogos con las juntas de acción comunal",
                        number="2.2",
                        responsible="Secretaría de Gobierno",
                        meta="Dos diálogos barriales",
                        stages=["ejecucion"],
                        cuatrimestres=[2],
                    ),
                ],
            ),
            ParsedGroup(
                "elemento",
                "RESPONSABILIDAD",
                activities=[
                    ParsedActivity(
                        "Elaborar el documento de evaluación de la estrategia",
                        number="3.1",
                        responsible="Oficina de Planeación",
                        meta="Documento de evaluación",
                        stages=["seguimiento"],
                        cuatrimestres=[3],
                    )
                ],
            ),
        ],
    )
    plans = PlanService(db)
    plan = plans.save_parsed(parsed, country="CO")
    acts = {a.number: a.activity_id for a in plans.activities(plan.plan_id)}
    fu = FollowupService(db)
    for number, period, pct in (("1.1", 1, 100), ("2.1", 2, 100), ("2.2", 2, 50)):
        r = fu.add_report(
            ReportInput(
                acts[number],
                period,
                pct,
                done_text=f"Avance de {number}",
                evidence_links=(f"https://alcaldia.gov.co/evidencia/{number}",),
                reported_on=date(2024, 4 * period, 28),
            ),
            today=date(2024, 4 * period, 28),
        )
        fu.review(r.report_id, validate=True)

    ev = EventService(db)
    inst = plan.institution_id

    def event(title, day, kind, status, *, linked=True, activities=(), groups=(), tally=None):
        e = ev.create(
            EventInput(
                title=title,
                event_date=day,
                event_type=kind,
                status=status,
                plan_id=plan.plan_id if linked else None,
                institution_id=inst,
                activity_ids=tuple(acts[n] for n in activities),
                stakeholder_groups=tuple(groups),
                venue="Concejo Municipal",
            )
        )
        if tally is not None:
            ev.save_tally(e.event_id, *tally)
        return e.event_id

    audiencia = event(
        "Audiencia pública de rendición de cuentas 2024",
        date(2024, 6, 15),
        "AUDIENCIA_PUBLICA",
        "REALIZADO",
        activities=("2.1",),
        groups=("Juntas de acción comunal", "Veedurías ciudadanas"),
        tally=(40, {"genero": {"FEMENINO": 22, "MASCULINO": 18}}),
    )
    dialogo = event(
        "Diálogo con las JAC del norte",
        date(2024, 7, 20),
        "DIALOGO",
        "REALIZADO",
        activities=("2.2",),
        groups=("Juntas de acción comunal", "Jóvenes"),
        tally=(15, {}),
    )
    reunion = event(
        "Reunión del equipo de rendición de cuentas", date(2024, 3, 1), "REUNION", "REALIZADO", tally=(8, {})
    )
    pendiente = event("Diálogo rural", date(2024, 10, 10), "DIALOGO", "PLANIFICADO")
    otro = event(
        "Evento de otra entidad", date(2024, 5, 5), "DELIBERACION_PUBLICA", "REALIZADO", linked=False, tally=(99, {})
    )

    cs = CommitmentService(db)
    a1 = cs.add_contribution(audiencia, "Arreglar el alumbrado del parque central", mesa="Infraestructura")
    cs.add_contribution(audiencia, "Publicar los contratos del año", mesa="Transparencia")
    c1 = cs.add(
        CommitmentInput(
            "Reparar el alumbrado del parque central",
            date(2024, 7, 30),
            responsible_text="Secretaría de Infraestructura",
            contribution_id=a1.contribution_id,
        )
    )
    cs.add_followup(c1.commitment_id, date(2024, 7, 25), 100, "Luminarias cambiadas")
    cs.add(
        CommitmentInput(
            "Publicar el informe de contratación",
            date(2024, 8, 15),
            source="PREGUNTA",
            responsible_text="Secretaría Jurídica",
            event_id=audiencia,
        )
    )
    qs = QuestionService(db)
    q = qs.add(
        QuestionInput(
            "Marta Gómez",
            "¿Cuándo se arregla la vía a la vereda El Salto?",
            date(2024, 6, 15),
            event_id=audiencia,
            topic="Vías",
            country="CO",
        )
    )
    qs.answer(q.question_id, "En el segundo semestre", date(2024, 6, 20))

    sv = SurveyService(db)
    questions = sv.questions(audiencia)
    clarity = questions[1].question_id
    suggestions = questions[9].question_id
    sv.add_responses(
        audiencia,
        [{clarity: "Clara", suggestions: "Más tiempo para preguntas"}, {clarity: "Clara"}, {clarity: "Confusa"}],
    )
    return {
        "plan_id": plan.plan_id,
        "acts": acts,
        "audiencia": audiencia,
        "dialogo": dialogo,
        "reunion": reunion,
        "pendiente": pendiente,
        "otro": otro,
    }
