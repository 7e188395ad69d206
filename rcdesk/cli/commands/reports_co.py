"""report murc | actividades | ciudadano: the Colombian strategy documents and the citizen summary.

`report murc PLAN --out F.pdf|.xlsx` (documento de evaluación de la estrategia),
`report actividades PLAN --out F.pdf|.xlsx` (formato interno de reporte de actividades),
`report ciudadano --period 2025|2025-C2|2025-T3 --out F.pdf` (informe en lenguaje claro).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.errors import UserError


def register(cli) -> None:
    r = cli.group("report", "informes")
    p = cli.command(r, "murc", "documento de evaluación de la estrategia de rendición de cuentas (PDF o XLSX)", _murc)
    _plan_options(p)
    p = cli.command(
        r,
        "actividades",
        "formato interno de reporte de las actividades de rendición de cuentas (PDF o XLSX)",
        _actividades,
    )
    _plan_options(p)
    p = cli.command(
        r, "ciudadano", "informe en lenguaje claro de un periodo: una página para la ciudadanía (PDF)", _ciudadano
    )
    p.add_argument(
        "--period",
        required=True,
        metavar="P",
        help="periodo: un año (2025), un cuatrimestre (2025-C2) o un trimestre (2025-T3)",
    )
    p.add_argument("--out", required=True, metavar="ARCHIVO", help="archivo de salida .pdf")
    p.add_argument("--plan", metavar="PLAN_ID", help="solo este plan y sus eventos (por omisión, todos los del año)")


def _plan_options(p) -> None:
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO", help="archivo de salida .pdf o .xlsx")
    p.add_argument("--cut", metavar="AAAA-MM-DD", help="fecha de corte (por omisión, hoy dentro de la vigencia)")


def _out(text: str, suffixes: tuple[str, ...]) -> Path:
    out = Path(text)
    if out.suffix.lower() not in suffixes:
        raise UserError(f"El archivo de salida «{out.name}» debe terminar en {' o '.join(suffixes)}.")
    if not out.parent.exists():
        raise UserError(f"La carpeta «{out.parent}» no existe.")
    return out


def _cut(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"Fecha de corte «{text}» no válida; use AAAA-MM-DD (por ejemplo 2024-08-31).") from exc


def _murc(ctx, args) -> dict:
    from rcdesk.services.murc_report import build_murc
    from rcdesk.services.plans import PlanService

    out = _out(args.out, (".pdf", ".xlsx"))
    plan_id = PlanService(ctx.db).resolve_plan_id(args.plan_id)
    data = build_murc(ctx.db, plan_id, _cut(args.cut))
    if out.suffix.lower() == ".pdf":
        from rcdesk.reports.murc_pdf import write_pdf

        write_pdf(data, out)
    else:
        from rcdesk.reports.murc_xlsx import write_xlsx

        write_xlsx(data, out)
    return {
        "plan_id": plan_id,
        "file": str(out),
        "cut": data.cut,
        "spaces": len(data.spaces),
        "participants": data.participants,
        "groups": len(data.groups),
        "metas": len(data.metas),
        "commitments": len(data.commitments),
        "commitments_met": data.commitments_met,
        "compliance": None if data.plan.raw is None else float(data.plan.raw),
        "_text": f"Documento de evaluación guardado en {out}\n  " + "\n  ".join(data.findings),
    }


def _actividades(ctx, args) -> dict:
    from rcdesk.services.murc_report import build_activity_report
    from rcdesk.services.plans import PlanService

    out = _out(args.out, (".pdf", ".xlsx"))
    plan_id = PlanService(ctx.db).resolve_plan_id(args.plan_id)
    data = build_activity_report(ctx.db, plan_id, _cut(args.cut))
    if out.suffix.lower() == ".pdf":
        from rcdesk.reports.activity_report_pdf import write_pdf

        write_pdf(data, out)
    else:
        from rcdesk.reports.activity_report_xlsx import write_xlsx

        write_xlsx(data, out)
    return {
        "plan_id": plan_id,
        "file": str(out),
        "cut": data.cut,
        "events": len(data.spaces),
        "activities": len(data.activities),
        "_text": f"Reporte de actividades guardado en {out}\n  {len(data.spaces)} evento(s) y "
        f"{len(data.activities)} actividad(es) de la estrategia al {data.cut:%d/%m/%Y}.",
    }


def _ciudadano(ctx, args) -> dict:
    from rcdesk.services.citizen_summary import build_citizen_summary, parse_period

    period = parse_period(args.period)  # before anything else: a bad period touches nothing
    out = _out(args.out, (".pdf",))
    plan_id = None
    if args.plan:
        from rcdesk.services.plans import PlanService

        plan_id = PlanService(ctx.db).resolve_plan_id(args.plan)
    data = build_citizen_summary(ctx.db, period, plan_id=plan_id)
    from rcdesk.reports.citizen_pdf import write_pdf

    write_pdf(data, out)
    return {
        "file": str(out),
        "period": period.code,
        "start": period.start,
        "end": period.end,
        "activities_planned": data.activities_planned,
        "activities_done": data.activities_done,
        "compliance": None if data.compliance.rated is None else float(data.compliance.rated),
        "spaces": data.spaces,
        "participants": data.participants,
        "contributions": data.contributions,
        "incorporated": data.incorporated,
        "commitments_due": data.commitments_due,
        "commitments_met": data.commitments_met,
        "sentences": list(data.sentences),
        "_text": f"Informe en lenguaje claro guardado en {out}\n  " + "\n  ".join(data.sentences),
    }
