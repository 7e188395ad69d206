"""progress add|validate|history · report seguimiento · deadlines · compliance · holidays list|add|remove.

Periods for `progress add --period`: "2022-C1" (cuatrimestre), "2022-T2" (trimestre), "2022-05"
(month) or just the plan's period number ("1"). Activity, report and plan ids may be given as
an unambiguous prefix of at least 6 characters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.errors import UserError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"Fecha «{text}» no válida; use AAAA-MM-DD (por ejemplo 2022-04-30).") from exc


def register(cli) -> None:
    g = cli.group("progress", "reportes de avance de las actividades (seguimiento)")
    p = cli.command(g, "add", "registrar el avance de una actividad en un periodo", _add)
    p.add_argument("activity_id", metavar="ACTIVITY_ID")
    p.add_argument(
        "--period",
        required=True,
        metavar="P",
        help="periodo: 2022-C1 (cuatrimestre), 2022-T2 (trimestre), 2022-05 (mes) o el número 1, 2…",
    )
    p.add_argument("--percent", metavar="N", help="%% de avance respecto de lo programado al periodo (0 a 100)")
    p.add_argument("--quantity", metavar="Q", help="cantidad lograda (en lugar del porcentaje)")
    p.add_argument("--target", metavar="T", help="meta del periodo, para calcular el avance con --quantity")
    p.add_argument("--note", default="", metavar="TEXTO", help="qué se hizo (actividades realizadas)")
    p.add_argument("--difficulties", default="", metavar="TEXTO", help="dificultades encontradas")
    p.add_argument(
        "--justification", default="", metavar="TEXTO", help="justificación obligatoria si el avance supera el 100 %%"
    )
    p.add_argument("--reporter", default="", metavar="NOMBRE", help="quién reporta")
    p.add_argument("--date", metavar="AAAA-MM-DD", help="fecha del reporte (por omisión, hoy)")
    p.add_argument(
        "--evidence", action="append", default=[], metavar="ARCHIVO", help="archivo de evidencia (se puede repetir)"
    )
    p.add_argument(
        "--link", action="append", default=[], metavar="URL", help="enlace de evidencia http(s) (se puede repetir)"
    )

    p = cli.command(g, "validate", "validar u observar un reporte de avance", _validate)
    p.add_argument("report_id", metavar="REPORT_ID")
    p.add_argument("--observe", metavar="TEXTO", help="observar (devolver) el reporte con esta observación")
    p.add_argument("--reviewer", default="", metavar="NOMBRE", help="quién revisa")

    p = cli.command(g, "withdraw", "retirar un reporte aún no validado (reportado u observado)", _withdraw)
    p.add_argument("report_id", metavar="REPORT_ID")

    p = cli.command(g, "history", "historial de reportes de una actividad", _history)
    p.add_argument("activity_id", metavar="ACTIVITY_ID")

    r = cli.group("report", "informes")
    p = cli.command(
        r, "seguimiento", "informe de seguimiento de un plan a una fecha de corte (PDF o XLSX)", _seguimiento
    )
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("--cut", required=True, metavar="AAAA-MM-DD", help="fecha de corte, p. ej. 2022-04-30")
    p.add_argument("--out", required=True, metavar="ARCHIVO", help="archivo de salida .pdf o .xlsx")
    p.add_argument("--signer", default="", metavar="NOMBRE", help="nombre de quien firma el informe")
    p.add_argument("--published", metavar="AAAA-MM-DD", help="fecha de publicación (por omisión, hoy)")

    p = cli.command(
        None, "deadlines", "plazos: actividades pendientes por urgencia y cortes de seguimiento", _deadlines
    )
    p.add_argument("--plan", metavar="PLAN_ID", help="solo este plan (por omisión, todos)")
    p.add_argument("--today", metavar="AAAA-MM-DD", help="calcular como si hoy fuera esta fecha")

    p = cli.command(None, "compliance", "cumplimiento y semáforo por grupo de un plan", _compliance)
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("--cut", metavar="AAAA-MM-DD", help="fecha de corte (por omisión, hoy)")
    p.add_argument("--weighted", action="store_true", help="promedio ponderado por el peso de cada actividad")

    h = cli.group("holidays", "calendario de días hábiles y feriados")
    p = cli.command(h, "list", "listar los feriados de un país y año", _hol_list)
    p.add_argument("--country", required=True, choices=["EC", "CO"])
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p = cli.command(h, "add", "agregar un feriado local o un día de descanso decretado (puente)", _hol_add)
    p.add_argument("--country", required=True, choices=["EC", "CO"])
    p.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    p.add_argument("--name", required=True, metavar="NOMBRE")
    p.add_argument("--local", metavar="LOCALIDAD", help="feriado solo de este cantón o municipio")
    p = cli.command(h, "remove", "quitar un feriado (por id o por país y fecha)", _hol_remove)
    p.add_argument("holiday_id", nargs="?", metavar="HOLIDAY_ID")
    p.add_argument("--country", choices=["EC", "CO"])
    p.add_argument("--date", metavar="AAAA-MM-DD")


# -- progress ---------------------------------------------------------------------------------
def _add(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService, ReportInput

    fu = FollowupService(ctx.db)
    activity_id = fu.resolve_activity_id(args.activity_id)
    r = fu.add_report(
        ReportInput(
            activity_id,
            args.period,
            args.percent,
            quantity=args.quantity,
            target_quantity=args.target,
            done_text=args.note,
            difficulties=args.difficulties,
            justification=args.justification,
            reporter=args.reporter or ctx.db.user,
            reported_on=_date(args.date) if args.date else None,
            evidence_files=tuple(Path(f) for f in args.evidence),
            evidence_links=tuple(args.link),
        )
    )
    pct = f"{r.percent:.2f}".replace(".", ",") + " %" if r.percent is not None else "sin porcentaje"
    return {
        **r.as_json(),
        "evidence_count": len(r.evidence),
        "_text": f"Reporte registrado: {r.report_id}\n  {r.period_label}: {pct}, "
        f"{len(r.evidence)} evidencia(s). Estado: {r.status_label}.",
    }


def _validate(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService

    fu = FollowupService(ctx.db)
    report_id = fu.resolve_report_id(args.report_id)
    observe = args.observe is not None
    if observe and not args.observe.strip():
        raise UserError("Escriba la observación después de --observe.")
    r = fu.review(report_id, validate=not observe, note=args.observe or "", reviewer=args.reviewer)
    return {
        "report_id": r.report_id,
        "status": r.status,
        "review_note": r.review_note,
        "reviewer": r.reviewer,
        "_text": f"Reporte {r.report_id}: {r.status_label.lower()}.",
    }


def _withdraw(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService

    fu = FollowupService(ctx.db)
    report_id = fu.resolve_report_id(args.report_id)
    fu.withdraw(report_id)
    return {"report_id": report_id, "withdrawn": True, "_text": f"Reporte {report_id} retirado."}


def _history(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService

    fu = FollowupService(ctx.db)
    activity_id = fu.resolve_activity_id(args.activity_id)
    rows = fu.history(activity_id)
    lines = [
        f"{r.period_code}  {r.status_label:<10} {_pct(r.percent):>10}  {r.reported_on:%d/%m/%Y}  "
        f"{r.report_id}  {r.review_note}"
        for r in rows
    ]
    return {
        "activity_id": activity_id,
        "reports": [r.as_json() for r in rows],
        "count": len(rows),
        "_text": "\n".join(lines) or "La actividad no tiene reportes.",
    }


def _pct(v) -> str:
    return "N/A" if v is None else f"{v:.2f}".replace(".", ",") + " %"


# -- reports ----------------------------------------------------------------------------------
def _seguimiento(ctx, args) -> dict:
    from rcdesk.followup.informe import build_seguimiento
    from rcdesk.services.plans import PlanService

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError("El archivo de salida debe terminar en .pdf o .xlsx.")
    if not out.parent.exists():
        raise UserError(f"La carpeta «{out.parent}» no existe.")
    plan_id = PlanService(ctx.db).resolve_plan_id(args.plan_id)
    data = build_seguimiento(
        ctx.db,
        plan_id,
        _date(args.cut),
        signer_name=args.signer,
        published_on=_date(args.published) if args.published else None,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )
    if suffix == ".pdf":
        from rcdesk.reports.seguimiento_pdf import write_pdf

        write_pdf(data, out, progress=ctx.progress, cancel=ctx.cancel)
    else:
        from rcdesk.reports.seguimiento_xlsx import write_xlsx

        write_xlsx(data, out, progress=ctx.progress, cancel=ctx.cancel)
    return {
        "plan_id": plan_id,
        "file": str(out),
        "cut": data.cut,
        "activities": data.activity_count,
        "components": len(data.components),
        "compliance": _num(data.plan.raw),
        "light": data.plan_light.color,
        "publish_by": data.publish_by,
        "published_on": data.published_on,
        "late": data.late,
        "warnings": [data.late_warning] if data.late else [],
        "_text": f"Informe de seguimiento guardado en {out}\n  {data.entity}, corte {data.cut:%d/%m/%Y}: "
        f"{data.activity_count} actividades, avance {_pct(data.plan.raw)}."
        + (f"\n  Atención: {data.late_warning}" if data.late else ""),
    }


def _num(v) -> float | None:
    return None if v is None else float(v)


def _deadlines(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    svc = PlanService(ctx.db)
    fu = FollowupService(ctx.db)
    today = _date(args.today) if args.today else date.today()
    plan_ids = [svc.resolve_plan_id(args.plan)] if args.plan else [p.plan_id for p in svc.list_plans()]
    out, lines = [], []
    for pid in plan_ids:
        summary = svc.summary(pid)
        pending = fu.pending(pid, today=today)
        cuts = fu.cuts(pid, today=today)
        lines.append(f"\n{summary.entity} — vigencia {summary.year} ({pid})")
        for c in cuts:
            state = "publicación vencida" if c.days_to_publish < 0 else f"faltan {c.days_to_publish} días"
            lines.append(
                f"  Corte {c.code} al {c.cut:%d/%m/%Y}: publicar a más tardar el {c.publish_by:%d/%m/%Y} ({state})"
            )
        for a in pending[:50]:
            when = (
                "sin fecha"
                if a.days_left is None
                else (
                    f"vencida hace {-a.days_left} días"
                    if a.overdue
                    else f"faltan {a.days_left} días ({a.business_days_left} hábiles)"
                )
            )
            lines.append(
                f"  {a.due.strftime('%d/%m/%Y') if a.due else '          '}  {when:<28} "
                f"{(a.number + ' ') if a.number else ''}{a.description[:70]}"
            )
        if len(pending) > 50:
            lines.append(f"  … y {len(pending) - 50} más")
        out.append(
            {
                "plan_id": pid,
                "entity": summary.entity,
                "year": summary.year,
                "cuts": [
                    {
                        "no": c.no,
                        "code": c.code,
                        "cut": c.cut,
                        "publish_by": c.publish_by,
                        "days_to_publish": c.days_to_publish,
                    }
                    for c in cuts
                ],
                "pending": [
                    {
                        "activity_id": a.activity_id,
                        "number": a.number,
                        "description": a.description,
                        "responsible": a.responsible,
                        "due": a.due,
                        "days_left": a.days_left,
                        "business_days_left": a.business_days_left,
                        "overdue": a.overdue,
                        "compliance": _num(a.pct),
                    }
                    for a in pending
                ],
                "overdue": sum(1 for a in pending if a.overdue),
            }
        )
    return {"today": today, "plans": out, "_text": "\n".join(lines).strip() or "No hay planes."}


def _compliance(ctx, args) -> dict:
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    plan_id = PlanService(ctx.db).resolve_plan_id(args.plan_id)
    d = FollowupService(ctx.db).dashboard(plan_id, cut=_date(args.cut) if args.cut else None, weighted=args.weighted)
    lines = [
        f"{d.entity} — vigencia {d.year}, corte {d.cut:%d/%m/%Y} (semáforo {d.profile.name})",
        f"Plan: {_pct(d.plan.raw)} [{d.plan_light.label}]",
    ]
    lines += [f"{'  ' * (g.depth + 1)}{g.label[:70]}: {_pct(g.compliance.raw)} [{g.light.label}]" for g in d.groups]
    return {
        "plan_id": plan_id,
        "cut": d.cut,
        "compliance": _num(d.plan.raw),
        "light": d.plan_light.color,
        "colors": d.colors,
        "pending_review": d.pending_review,
        "groups": [
            {
                "group_id": g.group_id,
                "parent_id": g.parent_id,
                "label": g.label,
                "depth": g.depth,
                "compliance": _num(g.compliance.raw),
                "light": g.light.color,
                "activities": g.activities,
            }
            for g in d.groups
        ],
        "_text": "\n".join(lines),
    }


_WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")


# -- holidays ---------------------------------------------------------------------------------
def _hol_list(ctx, args) -> dict:
    from rcdesk.services.calendar import CalendarService

    rows = CalendarService(ctx.db).holidays(args.country, args.year)
    lines = [
        f"{h.day:%d/%m/%Y} {_WEEKDAYS[h.day.weekday()]}  {h.name:<45} {h.scope_label:<20} {h.holiday_id}" for h in rows
    ]
    return {
        "country": args.country,
        "year": args.year,
        "holidays": [h.as_json() for h in rows],
        "count": len(rows),
        "_text": "\n".join(lines) or "Sin feriados.",
    }


def _hol_add(ctx, args) -> dict:
    from rcdesk.services.calendar import CalendarService

    h = CalendarService(ctx.db).add_holiday(
        args.country, _date(args.date), args.name, scope="local" if args.local else "nacional", locality=args.local
    )
    return {**h.as_json(), "_text": f"Feriado agregado: {h.day:%d/%m/%Y} {h.name} ({h.scope_label}) — {h.holiday_id}"}


def _hol_remove(ctx, args) -> dict:
    from rcdesk.services.calendar import CalendarService

    svc = CalendarService(ctx.db)
    hid = args.holiday_id
    if not hid:
        if not (args.country and args.date):
            raise UserError("Indique el id del feriado, o --country y --date.")
        found = svc.find_holiday(args.country, _date(args.date))
        if not found:
            raise UserError(f"No hay feriado el {args.date} en {args.country}.")
        if len(found) > 1:
            raise UserError(
                f"Hay {len(found)} feriados el {args.date}; indique el id.",
                details=[f"{h.holiday_id}  {h.name} ({h.scope_label})" for h in found],
            )
        hid = found[0].holiday_id
    h = svc.remove_holiday(hid)
    return {**h.as_json(), "removed": True, "_text": f"Feriado quitado: {h.day:%d/%m/%Y} {h.name}"}
