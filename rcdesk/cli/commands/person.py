"""person search|show|export|rectify|consent|anonymize|retention: data-subject requests and retention."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.errors import UserError


def register(cli) -> None:
    g = cli.group(
        "person", "datos personales: búsqueda, acceso, rectificación, revocación, anonimización y conservación"
    )
    p = cli.command(g, "search", "buscar personas del directorio por nombre o número de documento", _search)
    p.add_argument("text", nargs="+", metavar="TEXTO")
    p = cli.command(g, "show", "resumen de lo que se conserva sobre una persona", _show)
    p.add_argument("person_id", metavar="PERSON_ID")
    p = cli.command(g, "export", "exportar todo lo que se conserva sobre una persona (.json o .pdf)", _export)
    p.add_argument("person_id", metavar="PERSON_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.json|ARCHIVO.pdf")
    p = cli.command(g, "rectify", "corregir datos de una persona (también en sus registros de asistencia)", _rectify)
    p.add_argument("person_id", metavar="PERSON_ID")
    p.add_argument("--name", metavar="NOMBRE")
    p.add_argument("--id", dest="id_number", metavar="DOCUMENTO", help="número de documento («» para borrarlo)")
    p.add_argument("--phone", metavar="TELÉFONO", help="teléfono («» para borrarlo)")
    p.add_argument("--email", metavar="CORREO", help="correo («» para borrarlo)")
    p.add_argument("--org", metavar="ORGANIZACIÓN")
    p = cli.command(g, "consent", "revocar un alcance del consentimiento de una persona", _consent)
    p.add_argument("person_id", metavar="PERSON_ID")
    p.add_argument(
        "--revoke",
        required=True,
        metavar="ALCANCE",
        help="CONTACTO (borra teléfono y correo), DATOS_SENSIBLES (borra género y autoidentificación) "
        "o IDENTIFICACION (anonimiza a la persona)",
    )
    p = cli.command(
        g, "anonymize", "anonimizar a una persona (se conservan los conteos y la historia de eventos)", _anonymize
    )
    p.add_argument("person_id", metavar="PERSON_ID")
    p = cli.command(g, "retention", "plazos de conservación y anonimización de identidades vencidas", _retention)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="TIPO=AÑOS",
        help="attendance, question, contribution o invitation; p. ej. attendance=5 (se puede repetir)",
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="anonimizar ahora lo vencido (sin esta opción solo se muestra la vista previa)",
    )
    p.add_argument("--today", metavar="AAAA-MM-DD", help="fecha de referencia (hoy por omisión)")


def _svc(ctx):
    from rcdesk.services.privacy import PrivacyService

    return PrivacyService(ctx.db)


def _search(ctx, args) -> dict:
    hits = _svc(ctx).search(" ".join(args.text))
    lines = [
        f"{h.person_id}  {h.full_name}  {h.id_number or 'sin documento'}  {h.organization or ''}".rstrip() for h in hits
    ]
    return {
        "people": [
            {
                "person_id": h.person_id,
                "full_name": h.full_name,
                "id_number": h.id_number,
                "organization": h.organization,
            }
            for h in hits
        ],
        "_text": "\n".join(lines) or "No se encontró a nadie con ese nombre o documento.",
    }


_LABELS = {
    "attendance": "asistencias",
    "consents": "consentimientos",
    "questions": "preguntas",
    "contributions": "aportes",
    "commitments": "compromisos",
    "invitations": "invitaciones",
}


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{counts.get(k, 0)} {v}" for k, v in _LABELS.items())


def _show(ctx, args) -> dict:
    svc = _svc(ctx)
    d = svc.dossier(svc.resolve_person_id(args.person_id))
    p = d.person
    lines = [
        f"{p['full_name']} ({p['id_number'] or 'sin documento'})",
        f"  Organización: {p['organization'] or '—'}; teléfono: {p['phone'] or '—'}; correo: {p['email'] or '—'}",
        f"  Se conservan: {_counts_text(d.counts())}.",
    ]
    lines += [
        f"  {a['event_date']:%d/%m/%Y}  {a['event_title']} (Nº {a['seq_no']})" for a in d.attendance if a["event_date"]
    ]
    return {**d.as_json(), "counts": d.counts(), "_text": "\n".join(lines)}


def _export(ctx, args) -> dict:
    svc = _svc(ctx)
    res = svc.export(svc.resolve_person_id(args.person_id), Path(args.out))
    return {**res, "_text": f"Datos exportados a {res['path']} ({_counts_text(res)})."}


def _rectify(ctx, args) -> dict:
    svc = _svc(ctx)
    res = svc.rectify(
        svc.resolve_person_id(args.person_id),
        full_name=args.name,
        id_number=args.id_number,
        phone=args.phone,
        email=args.email,
        organization=args.org,
    )
    names = {
        "full_name": "nombre",
        "id_number": "documento",
        "phone": "teléfono",
        "email": "correo",
        "organization": "organización",
    }
    text = (
        "No había nada que corregir."
        if not res["changed"]
        else f"Corregido: {', '.join(names[c] for c in res['changed'])} "
        f"(también en {res['attendance_rows']} registro(s) de asistencia)."
    )
    return {**res, "_text": text}


def _consent(ctx, args) -> dict:
    svc = _svc(ctx)
    res = svc.revoke_consent(svc.resolve_person_id(args.person_id), args.revoke)
    if res.get("anonymized"):
        text = "Consentimiento de identificación revocado: la persona fue anonimizada."
    else:
        text = (
            f"Alcance {res['scope']} revocado en {res['consents']} consentimiento(s); datos borrados en "
            f"{res['records_erased']} registro(s)."
        )
    return {**res, "_text": text}


def _anonymize(ctx, args) -> dict:
    svc = _svc(ctx)
    res = svc.anonymize(svc.resolve_person_id(args.person_id))
    return {
        **res,
        "_text": f"Persona anonimizada ({_counts_text(res)} quedaron sin identidad; los conteos se conservan).",
    }


def _retention(ctx, args) -> dict:
    from rcdesk.services.privacy import RECORD_TYPES

    svc = _svc(ctx)
    today = None
    if args.today:
        try:
            today = date.fromisoformat(args.today.strip())
        except ValueError:
            raise UserError(f"La fecha «{args.today}» no es válida; use AAAA-MM-DD.") from None
    if args.set:
        values = {}
        for item in args.set:
            key, _, n = item.partition("=")
            try:
                values[key.strip().lower()] = int(n)
            except ValueError:
                raise UserError(f"«{item}» no es válido; use TIPO=AÑOS, p. ej. attendance=5.") from None
        svc.set_retention_years(values)
    prev = svc.retention_preview(today)
    years = prev.years
    lines = ["Plazos de conservación (años después del año del evento o de la pregunta):"]
    lines += [f"  {k:<13} {years[k]:3d}  {label}" for k, label in RECORD_TYPES.items()]
    totals = prev.totals()
    out = {
        "years": years,
        "today": prev.today.isoformat(),
        "preview": totals,
        "events": [
            {
                "event_id": e.event_id,
                "title": e.title,
                "date": e.event_date.isoformat() if e.event_date else None,
                "attendance": e.attendance,
                "questions": e.questions,
                "contributions": e.contributions,
                "invitations": e.invitations,
            }
            for e in prev.events
        ],
    }
    if prev.empty:
        lines.append("No hay identidades vencidas: no hay nada que anonimizar.")
        return {**out, "applied": False, "_text": "\n".join(lines)}
    lines.append(
        f"Vencidos al {prev.today:%d/%m/%Y}: {totals['attendance']} asistencias, {totals['questions']} "
        f"preguntas, {totals['contributions']} aportes, {totals['invitations']} invitaciones; "
        f"{totals['people']} personas saldrían del directorio."
    )
    lines += [
        f"  {e.event_date:%d/%m/%Y}  {e.title}: {e.total}" if e.event_date else f"  {e.title}: {e.total}"
        for e in prev.events[:50]
    ]
    if not args.apply:
        lines.append("Vista previa: no se cambió nada. Para anonimizar, repita con --apply.")
        return {**out, "applied": False, "_text": "\n".join(lines)}
    res = svc.apply_retention(today, progress=ctx.progress, cancel=ctx.cancel)
    lines.append("Identidades vencidas anonimizadas; los conteos se conservan.")
    return {**out, "applied": True, "result": res, "_text": "\n".join(lines)}
