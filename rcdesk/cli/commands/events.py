"""event create|list|show|tally|stats · attendance import|sheet|add|list|export · acta · question · commitment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.errors import UserError


def _optional_date(text: str | None, field: str = "fecha") -> date | None:
    return None if text is None else _date(text, field)


def _date(text: str, field: str = "fecha") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"La {field} «{text}» no es válida; use AAAA-MM-DD (por ejemplo 2026-05-20).") from None


def register(cli) -> None:
    _register_events(cli)
    _register_attendance(cli)
    _register_acta(cli)
    _register_questions(cli)
    _register_commitments(cli)


def _register_events(cli) -> None:
    g = cli.group("event", "eventos de participación (deliberación, audiencia, mesas…)")
    p = cli.command(g, "create", "crear un evento", _event_create)
    p.add_argument("--title", required=True, metavar="TEXTO")
    p.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    p.add_argument(
        "--type",
        default="DELIBERACION_PUBLICA",
        metavar="TIPO",
        help="DELIBERACION_PUBLICA, AUDIENCIA_PUBLICA, DIALOGO, MESA_TEMATICA, FERIA, ASAMBLEA, VIRTUAL",
    )
    p.add_argument("--territory", metavar="CÓDIGO", help="código DPA/DIVIPOLA del cantón, parroquia o municipio")
    p.add_argument("--plan", metavar="PLAN_ID", help="plan cuya vigencia incluye el evento")
    p.add_argument("--venue", metavar="LUGAR")
    p.add_argument("--start", metavar="HH:MM")
    p.add_argument("--end", metavar="HH:MM")
    p.add_argument("--modality", default="PRESENCIAL", choices=["PRESENCIAL", "VIRTUAL", "MIXTA"])
    p.add_argument("--stream-url", metavar="URL")
    p.add_argument("--entity", metavar="NOMBRE", help="entidad que organiza (si no hay plan)")
    p = cli.command(g, "list", "listar eventos", _event_list)
    p.add_argument("--year", type=int, metavar="AÑO")
    p.add_argument("--month", type=int, metavar="MES")
    p = cli.command(g, "show", "mostrar un evento", _event_show)
    p.add_argument("event_id", metavar="EVENT_ID")
    p = cli.command(g, "tally", "guardar el conteo anónimo (género, autoidentificación, discapacidad, edad)", _tally)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("--total", type=int, required=True, metavar="N")
    p.add_argument(
        "--count",
        action="append",
        default=[],
        metavar="DIMENSIÓN.CATEGORÍA=N",
        help="p. ej. genero.FEMENINO=40 etnia.INDIGENA=25 (se puede repetir)",
    )
    p = cli.command(g, "stats", "estadísticas de asistencia del evento", _stats)
    p.add_argument("event_id", metavar="EVENT_ID")


def _register_attendance(cli) -> None:
    from rcdesk.cli.mapping_options import mapping_options

    a = cli.group("attendance", "registro de asistencia")
    p = cli.command(a, "import", "importar una hoja de asistencia (.xlsx, .xls o .csv)", _att_import)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("file", metavar="ARCHIVO")
    p.add_argument(
        "--invalid",
        choices=["keep", "reject"],
        default="keep",
        help="documentos no válidos: keep = guardar con aviso (por omisión); reject = no importar esas filas",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="hacer la importación completa y deshacerla: informa exactamente lo que se guardaría",
    )
    mapping_options(p)
    p = cli.command(a, "sheet", "hoja de asistencia en PDF (en blanco, llena o para publicar)", _att_sheet)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.pdf")
    p.add_argument("--blank", action="store_true", help="hoja en blanco numerada para registro en papel")
    p.add_argument(
        "--published", action="store_true", help="versión para publicar: documentos enmascarados, sin firmas"
    )
    p.add_argument("--rows", type=int, default=60, metavar="N", help="filas de la hoja en blanco (60)")
    p = cli.command(a, "add", "registrar a una persona (registro en puerta)", _att_add)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("--name", metavar="NOMBRE", help="si falta, se toma del directorio por el documento")
    p.add_argument("--id", default="", metavar="DOCUMENTO")
    p.add_argument("--org", default="", metavar="ORGANIZACIÓN")
    p.add_argument("--territory", default="", metavar="LUGAR")
    p.add_argument("--role", default="CIUDADANO")
    p.add_argument("--phone", default="")
    p.add_argument("--email", default="")
    p.add_argument("--minor", action="store_true", help="menor de edad")
    p.add_argument("--guardian", default="", metavar="NOMBRE", help="representante que autoriza (menores)")
    p.add_argument("--keep-invalid", action="store_true", help="guardar aunque el documento no sea válido")
    p = cli.command(a, "list", "listar asistentes de un evento", _att_list)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("--filter", default="", metavar="TEXTO")
    p = cli.command(a, "export", "exportar la asistencia a Excel", _att_export)
    p.add_argument("event_id", metavar="EVENT_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.xlsx")
    p.add_argument("--published", action="store_true", help="versión para publicar (documentos enmascarados)")


def _register_acta(cli) -> None:
    p = cli.command(
        None,
        "acta",
        "emitir un acta en PDF (rcdesk acta EVENT_ID --kind … --out …) o verificarla "
        "(rcdesk acta verify ARCHIVO.pdf | verify --code CÓDIGO)",
        _acta,
    )
    p.add_argument("target", nargs="*", metavar="EVENT_ID | verify ARCHIVO.pdf")
    p.add_argument("--kind", choices=["deliberacion", "compromiso"], default="deliberacion")
    p.add_argument("--out", metavar="ARCHIVO.pdf")
    p.add_argument(
        "--code",
        "--hash",
        dest="code",
        metavar="CÓDIGO",
        help="copia impresa: el código del pie de página (al menos 8 caracteres) o el texto del QR; "
        "muestra el acta archivada para compararla",
    )


def _register_questions(cli) -> None:
    q = cli.group("question", "preguntas ciudadanas")
    p = cli.command(q, "add", "registrar una pregunta", _q_add)
    p.add_argument("--event", metavar="EVENT_ID")
    p.add_argument("--name", required=True, metavar="NOMBRE")
    p.add_argument("--text", required=True, metavar="TEXTO")
    p.add_argument("--date", metavar="AAAA-MM-DD", help="fecha de recepción (hoy por omisión)")
    p.add_argument("--kind", default="PETICION", choices=["PETICION", "INFORMACION", "CONSULTA"])
    p.add_argument("--channel", default="EN_EVENTO", choices=["EN_EVENTO", "WEB", "CORREO", "FISICO", "REDES"])
    p.add_argument("--contact", metavar="CONTACTO")
    p.add_argument("--country", choices=["EC", "CO"])
    p = cli.command(q, "list", "listar preguntas (con su vencimiento)", _q_list)
    p.add_argument("--event", metavar="EVENT_ID")
    p.add_argument("--overdue", action="store_true", help="solo las vencidas sin respuesta")
    p = cli.command(q, "answer", "registrar la respuesta a una pregunta", _q_answer)
    p.add_argument("question_id", metavar="QUESTION_ID")
    p.add_argument("--text", required=True, metavar="RESPUESTA")
    p.add_argument("--date", metavar="AAAA-MM-DD")
    p.add_argument("--url", metavar="ENLACE", help="enlace publicado")


def _register_commitments(cli) -> None:
    c = cli.group("commitment", "compromisos asumidos con la ciudadanía")
    p = cli.command(c, "list", "listar compromisos", _c_list)
    p.add_argument("--event", metavar="EVENT_ID")
    p.add_argument("--overdue", action="store_true", help="solo los vencidos")
    p = cli.command(c, "followup", "registrar un seguimiento (avance %) con evidencias", _c_followup)
    p.add_argument("commitment_id", metavar="COMMITMENT_ID")
    p.add_argument("--pct", required=True, type=float, metavar="PORCENTAJE")
    p.add_argument("--date", metavar="AAAA-MM-DD", help="fecha de corte (hoy por omisión)")
    p.add_argument("--note", default="", metavar="TEXTO")
    p.add_argument("--evidence", action="append", default=[], metavar="ARCHIVO")
    p.add_argument("--link", action="append", default=[], metavar="URL")


# -- event ----------------------------------------------------------------------------------
def _event_create(ctx, args) -> dict:
    from rcdesk.services.events import EventInput, EventService
    from rcdesk.services.plans import PlanService
    from rcdesk.services.reference import ReferenceService

    territory_id = None
    ref = ReferenceService(ctx.db)
    if args.territory:
        ref.ensure_builtin_territories()
        territory_id = ref.territory_by_code(args.territory.strip()).territory_id
    plan_id = PlanService(ctx.db).resolve_plan_id(args.plan) if args.plan else None
    institution_id = ref.find_or_create_institution(args.entity).institution_id if args.entity else None
    ev = EventService(ctx.db).create(
        EventInput(
            title=args.title,
            event_date=_date(args.date),
            event_type=args.type.upper(),
            territory_id=territory_id,
            plan_id=plan_id,
            venue=args.venue,
            start_time=args.start,
            end_time=args.end,
            modality=args.modality,
            stream_url=args.stream_url,
            institution_id=institution_id,
        )
    )
    return {
        **ev.as_json(),
        "_text": f"Evento creado: {ev.event_id}\n  {ev.type_label}: {ev.title}, {ev.event_date:%d/%m/%Y} {ev.place}",
    }


def _event_list(ctx, args) -> dict:
    from rcdesk.services.events import EventService

    if args.month and not args.year:
        raise UserError("Para filtrar por mes indique también --year.")
    if args.month and not 1 <= args.month <= 12:
        raise UserError("El mes debe estar entre 1 y 12.")
    rows = EventService(ctx.db).list_events(year=args.year, month=args.month)
    text = "\n".join(
        f"{e.event_id}  {e.event_date:%d/%m/%Y}  {e.attendance:5d} asist.  {e.type_label}: {e.title}" for e in rows
    )
    return {
        "events": [e.as_json() for e in rows],
        "_text": text or "No hay eventos. Cree uno con «rcdesk event create --title … --date …».",
    }


def _event_show(ctx, args) -> dict:
    from rcdesk.services.events import EventService

    svc = EventService(ctx.db)
    ev = svc.get(svc.resolve_event_id(args.event_id))
    t = svc.tally(ev.event_id)
    lines = [
        f"{ev.type_label}: {ev.title}",
        f"  Fecha: {ev.event_date:%d/%m/%Y} {ev.start_time or ''}–{ev.end_time or ''}",
        f"  Lugar: {ev.place}",
        f"  Modalidad: {ev.modality_label}",
        f"  Estado: {ev.status_label}",
        f"  Asistentes registrados: {ev.attendance}; total del conteo anónimo: {t.total}",
    ]
    lines += [f"  Aviso: {w}" for w in t.warnings]
    return {**ev.as_json(), "tally": {"total": t.total, "counts": t.counts}, "_text": "\n".join(lines)}


def _tally(ctx, args) -> dict:
    from rcdesk.services.events import EventService

    counts: dict[str, dict[str, int]] = {}
    for item in args.count:
        try:
            key, n = item.split("=", 1)
            dim, cat = key.split(".", 1)
            counts.setdefault(dim.strip().lower(), {})[cat.strip().upper()] = int(n)
        except ValueError:
            raise UserError(f"«{item}» no es válido; use DIMENSIÓN.CATEGORÍA=N, p. ej. genero.FEMENINO=40.") from None
    svc = EventService(ctx.db)
    row = svc.save_tally(svc.resolve_event_id(args.event_id), args.total, counts)
    return {
        "event_id": row.event_id,
        "total": row.total,
        "counts": row.counts,
        "warnings": list(row.warnings),
        "_text": "\n".join(["Conteo anónimo guardado.", *row.warnings]),
    }


def _stats(ctx, args) -> dict:
    from rcdesk.services.events import EventService

    svc = EventService(ctx.db)
    stats = svc.statistics(svc.resolve_event_id(args.event_id))
    lines = []
    for title, pairs in stats.items():
        lines.append(title)
        lines += [f"  {label:<40} {n:5d}" for label, n in pairs]
    return {"statistics": {k: [list(p) for p in v] for k, v in stats.items()}, "_text": "\n".join(lines)}


# -- attendance -------------------------------------------------------------------------------
def _att_import(ctx, args) -> dict:
    from rcdesk.events.attendance_fields import ATTENDANCE
    from rcdesk.events.attendance_import import refusal
    from rcdesk.imports import profiles
    from rcdesk.imports.mapping import ledger, parse_overrides
    from rcdesk.imports.problems import problems_json
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventService

    event_id = EventService(ctx.db).resolve_event_id(args.event_id)
    svc = AttendanceService(ctx.db)
    overrides = parse_overrides(args.map)
    profile = profile_name = None
    if args.mapping:
        profile_name, profile = profiles.load(args.mapping, ATTENDANCE)
    parsed = svc.preview_import(
        event_id,
        Path(args.file),
        sheets=args.sheet or None,
        overrides=overrides,
        profile=profile,
        profile_name=profile_name or "",
        remembered=not args.no_remembered,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )
    sm = parsed.mapping
    if args.save_mapping and sm is not None:
        profiles.save(args.save_mapping, profiles.build("attendance", [sm], Path(args.file).name))
    base = {
        "event_id": event_id,
        "file": str(args.file),
        "dry_run": args.dry_run,
        "sheet": parsed.sheet,
        "profile": parsed.profile_name or None,
        "ignored_columns": [c.as_json() for c in parsed.ignored_columns],
        "questions": sm.questions if sm else [],
        "demographic_columns": parsed.demographic_columns,
        "columns": ledger([sm], ATTENDANCE) if sm else [],
    }
    if parsed.errors:
        exc = refusal(parsed)
        if ctx.json:
            return {**base, "errors": problems_json(parsed.errors), "_exit": 2, "_stderr": str(exc)}
        raise exc
    res = svc.save_import(
        event_id, parsed, invalid=args.invalid, progress=ctx.progress, cancel=ctx.cancel, dry_run=args.dry_run
    )
    if args.dry_run:
        text = [
            f"Se importarían {res.imported} de {res.rows} filas de «{parsed.source}», hoja «{parsed.sheet}» "
            f"({res.new_people} personas nuevas en el directorio)."
        ]
    else:
        text = [
            f"Asistencia importada: {res.imported} de {res.rows} filas ({res.new_people} personas nuevas en el "
            "directorio)."
        ]
    text.append(
        f"  Reparados: {res.repaired_ids}; documentos no válidos: {res.invalid_ids}; duplicados: "
        f"{res.duplicates}; rechazadas: {res.rejected}."
    )
    if parsed.profile_name:
        text.append(f"  Asignación de columnas: {parsed.profile_name}.")
    for dim, values in res.tally_added.items():
        text.append(f"  Conteo anónimo, {dim}: " + ", ".join(f"{k} {n}" for k, n in values.items()))
    if parsed.ignored_columns:
        text.append(f"  Columnas no importadas ({len(parsed.ignored_columns)}):")
        text += [f"   - {c}" + (f": {c.reason}" if c.reason else "") for c in parsed.ignored_columns[:40]]
    text += [f"  Revise: {q}" for q in base["questions"]]
    text += [f"  Aviso: {n}" for n in res.notes]
    text += [f"  - {p}" for p in res.problems[:40]]
    if args.dry_run:
        text.append("Revisión completa: no se guardó nada.")
    out = {**base, **res.as_json(), "importable": res.imported, "errors": [], "_text": "\n".join(text)}
    if args.dry_run:
        out["imported"] = 0  # nothing was stored; «importable» is what the real import stores
    return out


def _att_sheet(ctx, args) -> dict:
    from rcdesk.services.event_documents import EventDocuments
    from rcdesk.services.events import EventService

    if args.blank and args.published:
        raise UserError("Elija --blank (hoja en blanco) o --published (versión para publicar), no ambas.")
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UserError("El archivo de salida debe terminar en .pdf")
    event_id = EventService(ctx.db).resolve_event_id(args.event_id)
    mode = "blank" if args.blank else ("published" if args.published else "filled")
    n = EventDocuments(ctx.db).attendance_pdf(
        event_id, out, mode=mode, blank_rows=args.rows, progress=ctx.progress, cancel=ctx.cancel
    )
    labels = {"blank": "Hoja en blanco", "filled": "Lista de asistencia", "published": "Lista para publicar"}
    return {
        "event_id": event_id,
        "file": str(out),
        "mode": mode,
        "rows": n,
        "_text": f"{labels[mode]} guardada en {out}" + (f" ({n} asistentes)." if mode != "blank" else "."),
    }


def _att_add(ctx, args) -> dict:
    from rcdesk.services.attendance import AttendanceInput, AttendanceService
    from rcdesk.services.events import EventService

    event_id = EventService(ctx.db).resolve_event_id(args.event_id)
    svc = AttendanceService(ctx.db)
    name, org, terr = args.name, args.org, args.territory
    known = svc.lookup(args.id) if args.id else None
    if known is not None:
        name, org, terr = (
            name or known.full_name,
            org or (known.organization or ""),
            terr or (known.territory_text or ""),
        )
    if not name:
        raise UserError("Falta --name: el documento no está en el directorio.")
    row = svc.register(
        event_id,
        AttendanceInput(
            full_name=name,
            id_number=args.id,
            organization=org,
            territory_text=terr,
            role=args.role.upper(),
            phone=args.phone,
            email=args.email,
            is_minor=args.minor,
            guardian_name=args.guardian,
            keep_invalid_id=args.keep_invalid,
        ),
    )
    return {
        **row.as_json(),
        "attendance_id": row.attendance_id,
        "from_directory": known is not None,
        "_text": f"Registrado/a Nº {row.seq_no}: {row.full_name}"
        + (" (datos tomados del directorio)" if known else ""),
    }


def _att_list(ctx, args) -> dict:
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventService

    event_id = EventService(ctx.db).resolve_event_id(args.event_id)
    rows = AttendanceService(ctx.db).attendance_window(event_id, args.filter, 0, 100_000)
    return {
        "event_id": event_id,
        "attendees": [r.as_json() for r in rows],
        "_text": "\n".join(
            f"{r.seq_no:5d}  {r.id_number or '':<13} {r.full_name:<40} {r.organization or ''}" for r in rows
        )
        or "Sin asistentes.",
    }


def _att_export(ctx, args) -> dict:
    from rcdesk.services.event_documents import EventDocuments
    from rcdesk.services.events import EventService

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError("El archivo de salida debe terminar en .xlsx")
    event_id = EventService(ctx.db).resolve_event_id(args.event_id)
    n = EventDocuments(ctx.db).attendance_xlsx(
        event_id, out, published=args.published, progress=ctx.progress, cancel=ctx.cancel
    )
    return {"event_id": event_id, "file": str(out), "rows": n, "_text": f"{n} asistentes exportados a {out}."}


# -- acta ---------------------------------------------------------------------------------------
def _acta(ctx, args) -> dict:
    from rcdesk.services.actas import ActaService
    from rcdesk.services.events import EventService

    svc = ActaService(ctx.db)
    target = list(args.target)
    if target[:1] == ["verify"] or (not target and args.code):
        if args.code and len(target) <= 1:
            res = svc.verify_code(args.code)
            lines = [*res.details(), res.message]
            if not res.trusted:  # a record that fails its signature is not shown as the archived acta
                raise UserError("El registro de esta acta no se puede confiar:\n  " + "\n  ".join(lines))
        elif len(target) == 2 and not args.code:
            res = svc.verify_pdf(Path(target[1]))
            lines = [res.message, *res.details()]
        else:
            raise UserError("Uso: rcdesk acta verify ARCHIVO.pdf  (o rcdesk acta verify --code CÓDIGO)")
        return {**res.as_json(), "_text": "\n  ".join(lines)}
    if len(target) != 1 or not args.out:
        raise UserError("Uso: rcdesk acta EVENT_ID --kind deliberacion|compromiso --out ARCHIVO.pdf")
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UserError("El archivo de salida debe terminar en .pdf")
    event_id = EventService(ctx.db).resolve_event_id(target[0])
    issued = svc.write_pdf(event_id, args.kind, out)
    return {
        "event_id": event_id,
        "acta_id": issued.acta_id,
        "number": issued.number,
        "kind": args.kind,
        "sha256": issued.sha256,
        "pdf_sha256": issued.pdf_sha256,
        "file": str(out),
        "_text": f"Acta No. {issued.number} guardada en {out}\n  Código (huella del contenido): {issued.sha256}"
        f"\n  Huella SHA-256 del archivo: {issued.pdf_sha256}",
    }


# -- questions ------------------------------------------------------------------------------------
def _q_add(ctx, args) -> dict:
    from rcdesk.services.events import EventService
    from rcdesk.services.questions import QuestionInput, QuestionService

    event_id = EventService(ctx.db).resolve_event_id(args.event) if args.event else None
    q = QuestionService(ctx.db).add(
        QuestionInput(
            asker_name=args.name,
            text=args.text,
            received_on=_optional_date(args.date) or date.today(),
            kind=args.kind,
            channel=args.channel,
            event_id=event_id,
            contact=args.contact,
            country=args.country,
        )
    )
    return {
        **q.as_json(),
        "_text": f"Pregunta registrada: {q.question_id}\n  Responder hasta el {q.due_date:%d/%m/%Y}.",
    }


def _q_list(ctx, args) -> dict:
    from rcdesk.services.events import EventService
    from rcdesk.services.questions import QuestionService

    event_id = EventService(ctx.db).resolve_event_id(args.event) if args.event else None
    rows = QuestionService(ctx.db).list_questions(event_id, overdue_only=args.overdue)
    return {
        "questions": [q.as_json() for q in rows],
        "_text": "\n".join(
            f"{q.question_id}  vence {q.due_date:%d/%m/%Y}  {q.status_label:<28} {q.asker_name}: {q.text[:60]}"
            for q in rows
        )
        or "No hay preguntas.",
    }


def _q_answer(ctx, args) -> dict:
    from rcdesk.services.questions import QuestionService

    q = QuestionService(ctx.db).answer(
        args.question_id, args.text, _optional_date(args.date) or date.today(), published_url=args.url
    )
    return {**q.as_json(), "_text": f"Respuesta registrada ({q.status_label})."}


# -- commitments --------------------------------------------------------------------------------------
def _c_list(ctx, args) -> dict:
    from rcdesk.services.commitments import CommitmentService
    from rcdesk.services.events import EventService

    event_id = EventService(ctx.db).resolve_event_id(args.event) if args.event else None
    svc = CommitmentService(ctx.db)
    rows = svc.list_commitments(event_id, overdue_only=args.overdue)
    met = svc.met_pct(event_id)
    text = [
        f"{c.commitment_id}  {c.due_date:%d/%m/%Y}  {c.progress_pct:5.1f} % ({c.band:>6})  {c.status_label:<10}"
        f"{' VENCIDO' if c.overdue else ''}  {c.description[:60]}"
        for c in rows
    ]
    if met is not None:
        text.append(f"Compromisos cumplidos: {met:.1f} %")
    return {
        "commitments": [c.as_json() for c in rows],
        "met_pct": met,
        "_text": "\n".join(text) or "No hay compromisos.",
    }


def _c_followup(ctx, args) -> dict:
    from rcdesk.services.commitments import CommitmentService

    svc = CommitmentService(ctx.db)
    f = svc.add_followup(
        args.commitment_id,
        _optional_date(args.date) or date.today(),
        args.pct,
        args.note,
        files=[Path(p) for p in args.evidence],
        links=args.link,
    )
    c = svc.get(args.commitment_id)
    return {
        "followup_id": f.followup_id,
        "commitment_id": c.commitment_id,
        "progress_pct": c.progress_pct,
        "band": c.band,
        "status": c.status,
        "evidence": len(f.evidence),
        "_text": f"Seguimiento registrado: {c.progress_pct:.1f} % (banda CPCCS {c.band}), estado {c.status_label}.",
    }
