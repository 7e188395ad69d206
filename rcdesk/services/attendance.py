"""Attendance and the people directory.

- Door registration: type the ID number, the rest fills from the directory (people are
  de-duplicated across events by ID number); duplicate registration in the same event is
  refused showing the earlier row; a consent record is written for every registration.
- Windowed reads (`attendance_window`, `search_people`) for lazy table models: nothing ever
  loads a whole event or the whole directory. Directory name search uses the FTS5 index
  `person_fts` (remove_diacritics 2: "garcia" finds "García"), whose prefix indexes (1-10
  characters, migration 0008) keep every keystroke («1», «10»… «comun») far under 100 ms on a
  million people.
- Import of typed sheets: `preview_import` (duplicates against the database too), then
  `save_import` writes people, consent and attendance with Core bulk inserts in ONE
  transaction (a cancel or an error leaves nothing behind).
- Gender/ethnicity on a named row only with the separate consent for sensitive data. Demographic
  columns of an imported sheet are added to the event's anonymous tally (counts only), in the
  same transaction as the rows; the rows themselves never get them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update

from rcdesk.db.bulk import bulk_insert
from rcdesk.db.database import Database
from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.errors import NotFound, UserError
from rcdesk.events import tallies
from rcdesk.events.attendance_import import IgnoredColumn, ParsedSheet, SheetRow, read_attendance, refusal
from rcdesk.events.privacy import NOTICE_VERSION
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import AuditLog
from rcdesk.models.events import ROLES, Attendance, AttendanceTally, ConsentRecord, Event, Person
from rcdesk.models.reference import Institution, Territory
from rcdesk.text import clean, fold
from rcdesk.validation.ids import IdCheck, check_id

PEOPLE_FTS_OBJECTS = (
    "person_fts",
    "person_fts_data",
    "person_fts_idx",
    "person_fts_docsize",
    "person_fts_config",
    "person_fts_ai",
    "person_fts_ad",
    "person_fts_au",
)
_BATCH = 1000


_LIVE_PEOPLE = "SELECT live FROM person_count WHERE id = 1"
_LIVE_PEOPLE_SERVER = (
    "SELECT live + COALESCE((SELECT sum(delta) FROM person_count_delta), 0) FROM person_count WHERE id = 1"
)


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    full_name: str
    id_type: str | None
    id_number: str | None
    organization: str | None
    role: str | None
    territory_id: str | None
    territory_text: str | None
    phone: str | None
    email: str | None
    is_minor: bool


@dataclass(frozen=True)
class AttendanceInput:
    full_name: str
    id_number: str = ""
    id_type: str | None = None
    organization: str = ""
    role: str = "CIUDADANO"
    territory_id: str | None = None
    territory_text: str = ""
    phone: str = ""
    email: str = ""
    is_minor: bool = False
    guardian_name: str = ""
    consent_contact: bool = True
    sensitive_consent: bool = False
    gender: str | None = None
    ethnicity: str | None = None
    signed_on_paper: bool = False
    keep_invalid_id: bool = False


@dataclass(frozen=True)
class AttendanceRow:
    attendance_id: str
    event_id: str
    seq_no: int
    full_name: str
    id_type: str | None
    id_number: str | None
    id_status: str
    id_message: str | None
    organization: str | None
    role: str
    territory: str
    phone: str | None
    email: str | None
    is_minor: bool
    source: str
    person_id: str | None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def as_json(self) -> dict:
        return {
            "seq_no": self.seq_no,
            "full_name": self.full_name,
            "id_number": self.id_number,
            "id_status": self.id_status,
            "organization": self.organization,
            "role": self.role,
            "territory": self.territory,
            "is_minor": self.is_minor,
        }


@dataclass(frozen=True)
class ImportResult:
    rows: int
    imported: int
    duplicates: int
    invalid_ids: int
    repaired_ids: int
    rejected: int
    warnings: int
    new_people: int
    problems: tuple[str, ...]
    ignored_columns: tuple[IgnoredColumn, ...] = ()
    tally_added: dict = field(default_factory=dict, hash=False)  # {dimension: {category: n}} of saved rows
    notes: tuple[str, ...] = ()  # sheet-level warnings (unrecognized values, several X in a group)

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "invalid_ids": self.invalid_ids,
            "repaired_ids": self.repaired_ids,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "new_people": self.new_people,
            "problems": list(self.problems),
            "ignored_columns": [c.as_json() for c in self.ignored_columns],
            "tally_added": self.tally_added,
            "notes": list(self.notes),
        }


class DuplicateAttendance(UserError):
    def __init__(self, earlier: AttendanceRow) -> None:
        super().__init__(
            f"{earlier.full_name} ya está registrado/a en este evento (Nº {earlier.seq_no}, documento "
            f"{earlier.id_number}). No se registró de nuevo."
        )
        self.earlier = earlier


def fts_query(text_: str) -> str | None:
    """User text → FTS5 query: every word as a prefix ("mar gar" → "mar"* "gar"*)."""
    words = re.findall(r"\w+", fold(text_))
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words[:8])


def _server_people(s, cols: str, text_: str, offset: int, limit: int) -> list:
    """The FTS5 search's answers on PostgreSQL (revision 0010): each typed word starts a word of
    the name, ID number or organization, accents and case aside; in creation order (UUIDv7 ids),
    as SQLite's rowid order is for people created here."""
    words = re.findall(r"[^\W_]+", fold(text_))[:8]
    where, params = ["p.deleted = FALSE"], {"lim": limit, "off": offset}
    for i, w in enumerate(words):
        where.append(f"rcdesk_person_words(p.full_name, p.id_number, p.organization) LIKE :w{i}")
        params[f"w{i}"] = "% " + w + "%"  # \w has no % or _ left to escape
    sql = f"SELECT {cols} FROM person p WHERE {' AND '.join(where)} ORDER BY p.id LIMIT :lim OFFSET :off"
    return list(s.execute(text(sql), params).all())


_FOLD_TABLE = {c: fold(chr(c)) or " " for c in range(0x41, 0x250) if fold(chr(c)) != chr(c)}


def fast_fold(text_: str) -> str:
    """Same result as rcdesk.text.fold for Latin text, ~10× faster (bulk imports); falls back
    to fold() for anything outside Latin-1/Latin Extended."""
    if any(ord(ch) >= 0x250 for ch in text_):
        return fold(text_)
    return " ".join(text_.translate(_FOLD_TABLE).split())


def _search_text(name: str, number: str | None, org: str | None, terr: str | None) -> str:
    return fast_fold(" ".join(p for p in (name, number, org, terr) if p))


class AttendanceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- helpers -------------------------------------------------------------------------
    def _event(self, s, event_id: str) -> Event:
        e = s.get(Event, event_id)
        if e is None or e.deleted:
            raise NotFound(f"No existe el evento «{event_id}».")
        return e

    def event_country(self, s, e: Event) -> str:
        if e.territory_id:
            t = s.get(Territory, e.territory_id)
            if t is not None:
                return t.country
        if e.institution_id:
            i = s.get(Institution, e.institution_id)
            if i is not None:
                return i.country
        return "EC"

    def check_id(self, event_id: str, value: str) -> IdCheck:
        with self.db.session() as s:
            country = self.event_country(s, self._event(s, event_id))
        return check_id(value, country)

    # -- directory -----------------------------------------------------------------------
    def lookup(self, id_number: str, country: str = "EC") -> PersonRow | None:
        """The directory entry for an ID number (normalized / repaired first), or None."""
        idc = check_id(id_number, country)
        if not idc.number:
            return None
        with self.db.session() as s:
            p = s.scalars(
                select(Person)
                .where(Person.id_number == idc.number, Person.deleted.is_(False))
                .order_by(Person.updated_at.desc())
                .limit(1)
            ).first()
            return _person_row(p) if p else None

    def people_count(self) -> int:
        """People in the directory, deleted and anonymised ones (tombstones) aside. Read from the
        counter the triggers of migration 0008 keep, since counting a million rows takes 100-300 ms;
        without it (a database those triggers never ran on) the same figure is counted. On a server
        the counter is its row plus the changes still pending beside it (revision 0015), read in
        one statement so both come from one snapshot."""
        with self.db.session() as s:
            sql = _LIVE_PEOPLE if s.get_bind().dialect.name == "sqlite" else _LIVE_PEOPLE_SERVER
            n = s.scalar(text(sql))  # plain SQL: no ORM set-up on first use
            if n is None:
                n = s.scalar(select(func.count()).select_from(Person).where(Person.deleted.is_(False)))
            return int(n)

    def search_people(self, text_: str = "", offset: int = 0, limit: int = 200) -> list[PersonRow]:
        """A window of the directory; with text, an FTS5 prefix search on name, ID and organization."""
        q = fts_query(text_)
        cols = (
            "p.id, p.full_name, p.id_type, p.id_number, p.organization, p.role, p.territory_id, "
            "p.territory_text, p.phone, p.email, p.is_minor"
        )
        rows: Sequence[Any]
        with self.db.session() as s:
            if s.get_bind().dialect.name != "sqlite":
                rows = _server_people(s, cols, text_, offset, limit)
            elif q is None:
                rows = s.execute(
                    text(
                        f"SELECT {cols} FROM person p WHERE p.deleted = FALSE ORDER BY p.rowid LIMIT :lim OFFSET :off"
                    ),
                    {"lim": limit, "off": offset},
                ).all()
            else:
                rows = s.execute(
                    text(
                        f"SELECT {cols} FROM person_fts f JOIN person p ON p.rowid = f.rowid "
                        "WHERE person_fts MATCH :q AND p.deleted = FALSE ORDER BY f.rowid LIMIT :lim OFFSET :off"
                    ),
                    {"q": q, "lim": limit, "off": offset},
                ).all()
        return [PersonRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10])) for r in rows]

    def suggest_names(self, text_: str, limit: int = 12) -> list[PersonRow]:
        return self.search_people(text_, 0, limit) if fts_query(text_) else []

    def reindex_people(self) -> None:
        """Rebuild the FTS5 index and the people counter from `person` (e.g. after restoring a
        VACUUMed copy)."""
        with self.db.connect() as conn:
            if conn.dialect.name == "sqlite":  # PostgreSQL's trigram index needs no rebuild
                conn.exec_driver_sql("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")
            else:  # the counter's row first, as its triggers take it, then the pending changes it replaces
                conn.exec_driver_sql("SELECT live FROM person_count WHERE id = 1 FOR UPDATE")
                conn.exec_driver_sql("DELETE FROM person_count_delta")
            conn.exec_driver_sql(
                "UPDATE person_count SET live = (SELECT count(*) FROM person WHERE deleted = FALSE) WHERE id = 1"
            )

    # -- attendance reads ------------------------------------------------------------------
    def _filter(self, stmt, event_id: str, text_: str):
        stmt = stmt.where(Attendance.event_id == event_id, Attendance.deleted.is_(False))
        for word in fold(text_).split():
            esc = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(Attendance.search_text.like(f"%{esc}%", escape="\\"))
        return stmt

    def attendance_count(self, event_id: str, text_: str = "") -> int:
        with self.db.session() as s:
            return int(s.scalar(self._filter(select(func.count()).select_from(Attendance), event_id, text_)))

    def attendance_window(
        self, event_id: str, text_: str = "", offset: int = 0, limit: int = 200
    ) -> list[AttendanceRow]:
        a = Attendance
        stmt = (
            self._filter(
                select(
                    a.id,
                    a.event_id,
                    a.seq_no,
                    a.full_name,
                    a.id_type,
                    a.id_number,
                    a.id_status,
                    a.id_message,
                    a.organization,
                    a.role,
                    func.coalesce(Territory.name, a.territory_text, ""),
                    a.phone,
                    a.email,
                    a.is_minor,
                    a.source,
                    a.person_id,
                ).outerjoin(Territory, Territory.id == a.territory_id),
                event_id,
                text_,
            )
            .order_by(a.seq_no)
            .offset(offset)
            .limit(limit)
        )
        with self.db.session() as s:  # plain columns, no ORM identity map: 20,000 rows stay cheap
            # one tuple spread: the type checker cannot count the fields a row's slice fills
            return [AttendanceRow(*(*r[:13], bool(r[13]), r[14], r[15])) for r in s.execute(stmt)]

    def all_attendance(self, event_id: str) -> list[AttendanceRow]:
        return self.attendance_window(event_id, "", 0, 10_000_000)

    def find_in_event(self, event_id: str, id_number: str) -> AttendanceRow | None:
        if not id_number:
            return None
        with self.db.session() as s:
            r = s.execute(
                select(Attendance, Territory.name)
                .outerjoin(Territory, Territory.id == Attendance.territory_id)
                .where(
                    Attendance.event_id == event_id, Attendance.id_number == id_number, Attendance.deleted.is_(False)
                )
                .limit(1)
            ).first()
            return _att_row(*r) if r else None

    # -- door registration -------------------------------------------------------------------
    def register(self, event_id: str, data: AttendanceInput, *, channel: str = "PUERTA") -> AttendanceRow:
        name = clean(data.full_name)
        problems = []
        if not name:
            problems.append("Falta el nombre de la persona.")
        if data.role not in ROLES:
            problems.append(f"Rol «{data.role}» desconocido.")
        if (data.gender or data.ethnicity) and not data.sensitive_consent:
            problems.append(
                "El género y la autoidentificación solo se guardan con nombre si la persona dio el "
                "consentimiento aparte para datos sensibles; use el conteo anónimo del evento."
            )
        if data.email and "@" not in data.email:
            problems.append(f"El correo «{data.email}» no es válido.")
        if problems:
            raise UserError("No se registró la asistencia.", details=problems)
        with self.db.begin() as s:
            e = self._event(s, event_id)
            terr_name = None
            if data.territory_id:
                terr = s.get(Territory, data.territory_id)
                if terr is None:
                    raise UserError(f"No existe el territorio «{data.territory_id}»; no se registró la asistencia.")
                terr_name = terr.name
            country = self.event_country(s, e)
            idc = check_id(data.id_number, country, data.id_type)
            if idc.status == "invalid" and not data.keep_invalid_id:
                raise UserError(
                    f"Documento «{idc.raw}» no válido: {idc.message}. Corríjalo, déjelo vacío o "
                    "márquelo para guardarlo con aviso."
                )
            number, phone, email = idc.number or None, clean(data.phone) or None, clean(data.email) or None
            if data.is_minor and not clean(data.guardian_name):
                # Minors without a guardian's consent: no identity or contact capture (§9.3-5).
                number, phone, email = None, None, None
            if number:
                dup = s.execute(
                    select(Attendance, Territory.name)
                    .outerjoin(Territory, Territory.id == Attendance.territory_id)
                    .where(
                        Attendance.event_id == event_id, Attendance.id_number == number, Attendance.deleted.is_(False)
                    )
                    .limit(1)
                ).first()
                if dup:
                    raise DuplicateAttendance(_att_row(*dup))
            if not data.consent_contact:
                phone, email = None, None
            person = None
            if number and idc.status != "invalid":
                person = s.scalars(
                    select(Person)
                    .where(Person.id_number == number, Person.deleted.is_(False))
                    .order_by(Person.updated_at.desc())
                    .limit(1)
                ).first()
            org, terr_text = clean(data.organization) or None, clean(data.territory_text) or None
            if person is None and number and idc.status != "invalid":
                person = Person(
                    id_type=idc.id_type or None,
                    id_number=number,
                    full_name=name,
                    organization=org,
                    role=data.role,
                    territory_id=data.territory_id,
                    territory_text=terr_text,
                    phone=phone,
                    email=email,
                    is_minor=data.is_minor,
                )
                s.add(person)
            elif person is not None:
                for k, v in (
                    ("full_name", name),
                    ("organization", org),
                    ("role", data.role),
                    ("territory_id", data.territory_id),
                    ("territory_text", terr_text),
                    ("phone", phone),
                    ("email", email),
                    ("is_minor", data.is_minor),
                ):
                    if v is not None and getattr(person, k) != v:
                        setattr(person, k, v)
            s.flush()
            scopes = (
                ["IDENTIFICACION"]
                + (["CONTACTO"] if (phone or email) else [])
                + (["DATOS_SENSIBLES"] if data.sensitive_consent else [])
            )
            consent = ConsentRecord(
                person_id=person.id if person else None,
                event_id=event_id,
                form="ASISTENCIA",
                notice_version=NOTICE_VERSION,
                scopes=scopes,
                channel=channel,
                given_at=utcnow(),
                guardian_name=clean(data.guardian_name) or None,
            )
            s.add(consent)
            s.flush()
            seq = (s.scalar(select(func.max(Attendance.seq_no)).where(Attendance.event_id == event_id)) or 0) + 1
            a = Attendance(
                event_id=event_id,
                person_id=person.id if person else None,
                consent_id=consent.id,
                seq_no=seq,
                full_name=name,
                id_type=idc.id_type or None,
                id_number=number,
                id_status=idc.status if number else "empty",
                id_message=(idc.message or None) if number else None,
                organization=org,
                role=data.role,
                territory_id=data.territory_id,
                territory_text=terr_text,
                phone=phone,
                email=email,
                is_minor=data.is_minor,
                signed_on_paper=data.signed_on_paper,
                source="PUERTA" if channel == "PUERTA" else "MANUAL",
                search_text=_search_text(name, number, org, terr_name or terr_text),
                gender=data.gender if data.sensitive_consent else None,
                ethnicity=data.ethnicity if data.sensitive_consent else None,
            )
            s.add(a)
            s.flush()
            return _att_row(a, terr_name)

    def remove(self, attendance_id: str) -> None:
        with self.db.begin() as s:
            a = s.get(Attendance, attendance_id)
            if a is None or a.deleted:
                raise NotFound("El registro de asistencia no existe.")
            a.deleted = True

    def consents(self, person_id: str) -> list[dict]:
        with self.db.session() as s:
            return [
                {
                    "consent_id": c.id,
                    "event_id": c.event_id,
                    "form": c.form,
                    "version": c.notice_version,
                    "scopes": list(c.scopes or []),
                    "channel": c.channel,
                    "given_at": c.given_at,
                    "revoked_at": c.revoked_at,
                }
                for c in s.scalars(
                    select(ConsentRecord)
                    .where(ConsentRecord.person_id == person_id, ConsentRecord.deleted.is_(False))
                    .order_by(ConsentRecord.given_at)
                )
            ]

    def revoke_consent(self, consent_id: str) -> None:
        with self.db.begin() as s:
            c = s.get(ConsentRecord, consent_id)
            if c is None or c.deleted:
                raise NotFound("El consentimiento no existe.")
            c.revoked_at = utcnow()

    # -- import ------------------------------------------------------------------------------
    def preview_import(
        self,
        event_id: str,
        path: Path | str,
        *,
        sheets: list[str] | None = None,
        overrides: dict[str, str] | None = None,
        profile: dict[str, str] | None = None,
        profile_name: str = "",
        remembered: bool = True,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> ParsedSheet:
        """Read and map a sheet and mark rows already registered in the event (writes nothing).

        The mapping is the importer's proposal, then `profile` (a file) or else the mapping
        remembered for sheets with the same headers, then `overrides` (the user's choices).
        Problems the mapping can fix come back in `parsed.errors` (the preview shows them)."""
        with self.db.session() as s:
            country = self.event_country(s, self._event(s, event_id))
        lookup = None
        if remembered and profile is None:
            from rcdesk.services.import_mappings import ImportMappings

            store = ImportMappings(self.db)

            def lookup(signature: str) -> dict | None:
                return store.remembered("attendance", signature)

        parsed = read_attendance(
            path,
            country,
            sheets=sheets,
            overrides=overrides,
            profile=profile,
            profile_name=profile_name,
            remembered=lookup,
            progress=progress,
            cancel=cancel,
        )
        return parsed if parsed.errors else self.mark_registered(event_id, parsed)

    def read_file(
        self,
        event_id: str,
        path: Path | str,
        *,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        **mapping,
    ) -> ParsedSheet:
        """`preview_import` that refuses (UserError) a sheet with errors."""
        parsed = self.preview_import(event_id, path, progress=progress, cancel=cancel, **mapping)
        if parsed.errors:
            raise refusal(parsed)
        return parsed

    def mark_registered(self, event_id: str, parsed: ParsedSheet) -> ParsedSheet:
        numbers = {r.id_check.number for r in parsed.rows if r.id_check.number}
        existing = self._existing(event_id, numbers)
        if existing:
            rows = []
            for r in parsed.rows:
                hit = existing.get(r.id_check.number)
                if hit and r.status not in ("duplicate", "error"):
                    seq, name = hit
                    r = replace(
                        r,
                        status="duplicate",
                        duplicate_of=f"Nº {seq} {name}",
                        message=f"fila {r.line}: {r.id_check.number} ya está registrado/a en el evento "
                        f"(Nº {seq}, {name})",
                    )
                rows.append(r)
            parsed.rows = rows
        return parsed

    def _existing(self, event_id: str, numbers: set[str]) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        nums = list(numbers)
        with self.db.session() as s:
            for i in range(0, len(nums), 500):
                for num, seq, name in s.execute(
                    select(Attendance.id_number, Attendance.seq_no, Attendance.full_name).where(
                        Attendance.event_id == event_id,
                        Attendance.id_number.in_(nums[i : i + 500]),
                        Attendance.deleted.is_(False),
                    )
                ):
                    if num is not None:  # asked by number: never None, but the column allows it
                        out[num] = (seq, name)
        return out

    def import_file(
        self,
        event_id: str,
        path: Path | str,
        *,
        invalid: str = "keep",
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        dry_run: bool = False,
        **mapping,
    ) -> ImportResult:
        parsed = self.read_file(event_id, path, progress=progress, cancel=cancel, **mapping)
        return self.save_import(event_id, parsed, invalid=invalid, progress=progress, cancel=cancel, dry_run=dry_run)

    def save_import(
        self,
        event_id: str,
        parsed: ParsedSheet,
        *,
        invalid: str = "keep",
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        dry_run: bool = False,
        remember: bool = True,
    ) -> ImportResult:
        """Write the importable rows of a preview in one transaction.

        invalid="keep": rows with an invalid ID are saved with status "invalid" (a warning);
        invalid="reject": those rows are not saved. Duplicates and rows without a name are
        never saved (they are counted and listed in `problems`). `dry_run` runs exactly the same
        writes and rolls them back, so what it reports is what the real import stores. A real
        import remembers the column mapping for sheets with the same headers.
        """
        if invalid not in ("keep", "reject"):
            raise UserError("Opción --invalid desconocida: use «keep» (guardar con aviso) o «reject» (rechazar).")
        if parsed.errors:
            raise refusal(parsed)
        try:
            result = self._save_rows(event_id, parsed, invalid, progress, cancel, dry_run)
        except _DryRun as done:
            progress(1, 1, "Revisión terminada; no se guardó nada")
            return done.result
        if remember and not dry_run and parsed.mapping is not None and parsed.signature:
            from rcdesk.imports import profiles
            from rcdesk.services.import_mappings import ImportMappings

            ImportMappings(self.db).remember(
                "attendance", parsed.signature, profiles.build("attendance", [parsed.mapping], parsed.source)
            )
        return result

    def _save_rows(
        self, event_id: str, parsed: ParsedSheet, invalid: str, progress: ProgressFn, cancel: CancelToken, dry_run: bool
    ) -> ImportResult:
        parsed = self.mark_registered(event_id, parsed)
        to_save: list[SheetRow] = []
        problems, rejected = [], 0
        for r in parsed.rows:
            if r.status == "error" or (r.status == "invalid" and invalid == "reject"):
                rejected += 1
                problems.append(r.message)
            elif r.status == "duplicate":
                problems.append(r.message)
            else:
                to_save.append(r)
        nothing_saved = ImportResult(
            rows=len(parsed.rows),
            imported=0,
            duplicates=parsed.count("duplicate"),
            invalid_ids=parsed.count("invalid"),
            repaired_ids=parsed.count("repaired"),
            rejected=rejected,
            warnings=parsed.count("warning"),
            new_people=0,
            problems=tuple(problems),
            ignored_columns=tuple(parsed.ignored_columns),
            notes=tuple(parsed.warnings),
        )
        if not to_save:  # e.g. the same sheet imported twice: report, write nothing
            return nothing_saved
        # only the rows saved are counted: a duplicate is a person already counted
        added = parsed.tally(to_save)
        installation = self.db.installation_id
        now = utcnow()
        total = len(to_save)
        with self.db.connect() as conn:
            country = _import_country(conn, event_id)
            territories = _territory_index(conn, country)
            people = _people_by_number(conn, sorted({r.id_check.number for r in to_save if _directory_number(r)}))
            new_people = [r for r in _unique_by_number(to_save) if r.id_check.number not in people]
            seq0 = allocate_seq(conn, len(new_people) + 2 * total)
            seq = seq0
            person_rows = []
            for r in new_people:
                v = record_values(installation, seq, now=now)
                seq += 1
                tid = territories.get(fast_fold(r.territory)) if r.territory else None
                v.update(
                    id_type=r.id_check.id_type or None,
                    id_number=r.id_check.number,
                    full_name=r.name,
                    organization=r.organization or None,
                    role=r.role,
                    territory_id=tid,
                    territory_text=r.territory or None,
                    phone=r.phone or None,
                    email=r.email or None,
                    is_minor=r.is_minor,
                )
                people[r.id_check.number] = v["id"]
                person_rows.append(v)
            for i in range(0, len(person_rows), _BATCH):
                cancel.check()
                bulk_insert(conn, Person.__table__, person_rows[i : i + _BATCH])
            next_no = (
                conn.execute(select(func.max(Attendance.seq_no)).where(Attendance.event_id == event_id)).scalar() or 0
            ) + 1
            consent_batch, att_batch = [], []
            done = 0
            for r in to_save:
                person_id = people.get(r.id_check.number) if _directory_number(r) else None
                c = record_values(installation, seq, now=now)
                seq += 1
                c.update(
                    person_id=person_id,
                    event_id=event_id,
                    form="ASISTENCIA",
                    notice_version=NOTICE_VERSION,
                    scopes=["IDENTIFICACION"] + (["CONTACTO"] if (r.phone or r.email) else []),
                    channel="PAPEL",
                    given_at=now,
                    guardian_name=None,
                    revoked_at=None,
                )
                a = record_values(installation, seq, now=now)
                seq += 1
                tid = territories.get(fast_fold(r.territory)) if r.territory else None
                a.update(
                    event_id=event_id,
                    person_id=person_id,
                    consent_id=c["id"],
                    seq_no=next_no,
                    full_name=r.name,
                    id_type=r.id_check.id_type or None,
                    id_number=r.id_check.number or None,
                    id_status=r.id_check.status,
                    id_message=r.id_check.message or None,
                    organization=r.organization or None,
                    role=r.role,
                    territory_id=tid,
                    territory_text=r.territory or None,
                    phone=r.phone or None,
                    email=r.email or None,
                    is_minor=r.is_minor,
                    signed_on_paper=True,
                    source="IMPORTACION",
                    search_text=_search_text(r.name, r.id_check.number, r.organization, r.territory),
                    gender=None,
                    ethnicity=None,
                )
                next_no += 1
                consent_batch.append(c)
                att_batch.append(a)
                if len(att_batch) >= _BATCH:
                    cancel.check()
                    bulk_insert(conn, ConsentRecord.__table__, consent_batch)
                    bulk_insert(conn, Attendance.__table__, att_batch)
                    done += len(att_batch)
                    consent_batch, att_batch = [], []
                    progress(done, total, "Guardando asistentes…")
            if att_batch:
                cancel.check()
                bulk_insert(conn, ConsentRecord.__table__, consent_batch)
                bulk_insert(conn, Attendance.__table__, att_batch)
            if added:
                _add_to_tally(conn, event_id, country, total, added, installation, now)
            conn.execute(
                insert(AuditLog),
                [
                    {
                        "installation_id": installation,
                        "user": self.db.user,
                        "table_name": "attendance",
                        "record_id": event_id,
                        "action": "import",
                        "at": now,
                        "changes": json.dumps(
                            {"source": parsed.source, "sheet": parsed.sheet, "imported": total, "tally_added": added},
                            ensure_ascii=False,
                        ),
                    }
                ],
            )
            cancel.check()
            result = replace(nothing_saved, imported=total, new_people=len(new_people), tally_added=added)
            if dry_run:
                raise _DryRun(result)  # leaves the transaction: everything above is rolled back
        progress(total, total, "Asistencia importada")
        return result


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def _add_to_tally(
    conn, event_id: str, country: str, imported: int, added: dict[str, dict[str, int]], installation: str | None, now
) -> None:
    """Add an imported sheet's counts to the event's anonymous tally (created on first use).

    Without a tally the event's total was its registered attendees; those registered before this
    sheet stay in the total without categories, i.e. «No responde».
    """
    t = AttendanceTally.__table__
    row = conn.execute(
        select(t.c.id, t.c.total, t.c.counts).where(t.c.event_id == event_id, t.c.deleted.is_(False))
    ).first()
    if row is None:
        before = (
            conn.execute(
                select(func.count())
                .select_from(Attendance)
                .where(Attendance.event_id == event_id, Attendance.deleted.is_(False))
            ).scalar()
            - imported
        )
        total, counts = before, {}
    else:
        total, counts = int(row.total), {d: dict(v) for d, v in (row.counts or {}).items()}
    total += imported
    for dim, values in added.items():
        bucket = counts.setdefault(dim, {})
        for code, n in values.items():
            bucket[code] = int(bucket.get(code, 0)) + n
    checked = tallies.validate_tally(total, counts, country).counts
    seq = allocate_seq(conn, 1)
    if row is None:
        v = record_values(installation, seq, now=now)
        v.update(event_id=event_id, total=total, counts=checked)
        conn.execute(insert(t), [v])
    else:
        conn.execute(
            update(t)
            .where(t.c.id == row.id)
            .values(
                total=total,
                counts=checked,
                version=t.c.version + 1,
                updated_at=now,
                modified_by=installation,
                change_seq=seq,
            )
        )


def _import_country(conn, event_id: str) -> str:
    """The country whose ID rules an import into the event follows (its territory's, else its
    institution's, else Ecuador); NotFound for an event that does not exist."""
    e = conn.execute(
        select(Event.id, Event.territory_id, Event.institution_id, Event.deleted).where(Event.id == event_id)
    ).first()
    if e is None or e.deleted:
        raise NotFound(f"No existe el evento «{event_id}».")
    country = None
    if e.territory_id:
        country = conn.execute(select(Territory.country).where(Territory.id == e.territory_id)).scalar()
    if country is None and e.institution_id:
        country = conn.execute(select(Institution.country).where(Institution.id == e.institution_id)).scalar()
    return country or "EC"


def _people_by_number(conn, numbers: list[str]) -> dict[str, str]:
    """ID number -> id of the directory's person with it (the first found)."""
    people: dict[str, str] = {}
    for i in range(0, len(numbers), 500):
        for pid, num in conn.execute(
            select(Person.id, Person.id_number).where(
                Person.id_number.in_(numbers[i : i + 500]), Person.deleted.is_(False)
            )
        ):
            if num is not None:  # asked by number: never None, but the column allows it
                people.setdefault(num, pid)
    return people


def _directory_number(r: SheetRow) -> bool:
    """Only valid (or repaired / warned) ID numbers identify a person in the directory."""
    return bool(r.id_check.number) and r.id_check.status != "invalid"


def _unique_by_number(rows: list[SheetRow]) -> list[SheetRow]:
    seen, out = set(), []
    for r in rows:
        n = r.id_check.number
        if _directory_number(r) and n not in seen:
            seen.add(n)
            out.append(r)
    return out


def _territory_index(conn, country: str) -> dict[str, str]:
    """fold(name) → territory id; cantons/municipalities win over parishes of the same name."""
    rank = {"CANTON": 0, "MUNICIPIO": 0, "PARROQUIA_RURAL": 1, "PARROQUIA_URBANA": 2, "CENTRO_POBLADO": 2}
    out: dict[str, tuple[int, str]] = {}
    for tid, name, level in conn.execute(
        select(Territory.id, Territory.name, Territory.level).where(
            Territory.country == country, Territory.deleted.is_(False)
        )
    ):
        key, r = fold(name), rank.get(level, 3)
        if key not in out or r < out[key][0]:
            out[key] = (r, tid)
    return {k: v for k, (_, v) in out.items()}


def _person_row(p: Person) -> PersonRow:
    return PersonRow(
        p.id,
        p.full_name,
        p.id_type,
        p.id_number,
        p.organization,
        p.role,
        p.territory_id,
        p.territory_text,
        p.phone,
        p.email,
        bool(p.is_minor),
    )


def _att_row(a: Attendance, territory_name: str | None) -> AttendanceRow:
    return AttendanceRow(
        a.id,
        a.event_id,
        a.seq_no,
        a.full_name,
        a.id_type,
        a.id_number,
        a.id_status,
        a.id_message,
        a.organization,
        a.role,
        territory_name or a.territory_text or "",
        a.phone,
        a.email,
        bool(a.is_minor),
        a.source,
        a.person_id,
    )


__all__ = [
    "AttendanceInput",
    "AttendanceRow",
    "AttendanceService",
    "DuplicateAttendance",
    "ImportResult",
    "PEOPLE_FTS_OBJECTS",
    "PersonRow",
]
