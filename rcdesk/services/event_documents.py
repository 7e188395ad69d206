"""Printed documents of an event: attendance sheets (PDF) and the attendance workbook (XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.events import tallies
from rcdesk.events.privacy import notice_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.events_common import long_date
from rcdesk.services.attendance import AttendanceRow, AttendanceService
from rcdesk.services.events import EventRow, EventService
from rcdesk.validation.ids import mask_id

if TYPE_CHECKING:
    from rcdesk.reports.attendance_pdf import SheetHeader


def sheet_header(ev: EventRow, retention_years: int | None = None) -> SheetHeader:
    from rcdesk.reports.attendance_pdf import SheetHeader

    entity = ev.institution_name or "Entidad"
    times = "–".join(t for t in (ev.start_time, ev.end_time) if t)
    dims = {spec["label"]: list(spec["categories"].values()) for spec in tallies.dimensions(ev.country).values()}
    return SheetHeader(
        entity,
        ev.title,
        ev.type_label,
        long_date(ev.event_date),
        times,
        ev.place,
        notice_text(entity, ev.country, retention_years),
        dims,
        ev.country,
    )


def _sheet_rows(rows: list[AttendanceRow]) -> list:
    from rcdesk.reports.attendance_pdf import SheetRow

    return [
        SheetRow(
            r.seq_no,
            r.full_name,
            r.id_number,
            r.organization,
            r.territory,
            " / ".join(x for x in (r.phone, r.email) if x),
        )
        for r in rows
    ]


class EventDocuments:
    def __init__(self, db: Database) -> None:
        self.db = db

    def attendance_pdf(
        self,
        event_id: str,
        out: Path | str,
        *,
        mode: str = "filled",
        blank_rows: int = 60,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> int:
        from rcdesk.reports.attendance_pdf import MODES, build_attendance_pdf

        if mode not in MODES:
            raise UserError(f"Tipo de hoja «{mode}» desconocido.")
        if not 1 <= blank_rows <= 2000:
            raise UserError("El número de filas en blanco debe estar entre 1 y 2000.")
        ev = EventService(self.db).get(event_id)
        rows = [] if mode == "blank" else AttendanceService(self.db).all_attendance(event_id)
        from rcdesk.services.privacy import PrivacyService

        years = PrivacyService(self.db).retention_years()["attendance"]
        return build_attendance_pdf(
            out,
            sheet_header(ev, years),
            _sheet_rows(rows),
            mode=mode,
            blank_rows=blank_rows,
            progress=progress,
            cancel=cancel,
        )

    def attendance_xlsx(
        self,
        event_id: str,
        out: Path | str,
        *,
        published: bool = False,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> int:
        """The attendance list as a workbook (write-only), under the safe-cell rule: a name typed as
        "=HYPERLINK(…)" or a phone "+593…" is quote-prefixed text, never a formula."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        from rcdesk.reports.cells import print_layout, put
        from rcdesk.reports.output import save_workbook

        ev = EventService(self.db).get(event_id)
        rows = AttendanceService(self.db).all_attendance(event_id)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Asistencia")
        print_layout(ws, title_rows="5:5")  # the column headers under the event's three lines
        bold = Font(bold=True)

        def cell(value, font=None):
            c = put(WriteOnlyCell(ws), value)
            if font is not None:
                c.font = font
            return c

        ws.append([cell(ev.institution_name or "Entidad", bold)])
        ws.append([cell(f"{ev.type_label}: {ev.title}")])
        ws.append([cell(f"Fecha: {long_date(ev.event_date)}   Lugar: {ev.place}")])
        ws.append([])
        if published:
            headers = ["Nº", "Nombres y apellidos", "Nº de documento", "Organización / sector", "Territorio"]
        else:
            headers = [
                "Nº",
                "Nombres y apellidos",
                "Nº de documento",
                "Estado del documento",
                "Organización / sector",
                "Rol",
                "Territorio",
                "Teléfono",
                "Correo",
                "Menor de edad",
                "Origen",
            ]
        ws.append([cell(h, bold) for h in headers])
        for i, r in enumerate(rows):
            if i % 1000 == 0:
                cancel.check()
                progress(i, len(rows), "Escribiendo el libro…")
            if published:
                values = [r.seq_no, r.full_name, mask_id(r.id_number), r.organization or "Ciudadano/a", r.territory]
            else:
                values = [
                    r.seq_no,
                    r.full_name,
                    r.id_number or "",
                    r.id_status,
                    r.organization or "",
                    r.role_label,
                    r.territory,
                    r.phone or "",
                    r.email or "",
                    "Sí" if r.is_minor else "No",
                    r.source,
                ]
            ws.append([cell(v) for v in values])
        save_workbook(wb, out)
        return len(rows)
