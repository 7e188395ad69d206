"""Actas (deliberación / compromiso): canonical content, numbering, SHA-256 fingerprint, verification.

The acta's content is built as a canonical JSON document from the database; its SHA-256 is
the fingerprint printed in the footer and in the QR code (and stored in the PDF's keywords).
Issuing an acta stores the content and the fingerprint (`acta` table); a printed copy can be
checked later (`verify_pdf` / `verify_hash`): is the fingerprint one we issued, and does the
database still say the same thing today?
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.events import tallies
from rcdesk.ids import utcnow
from rcdesk.models.events import ACTA_KINDS, Acta, Event
from rcdesk.services.attendance import AttendanceService
from rcdesk.services.commitments import CommitmentService
from rcdesk.services.events import EventService
from rcdesk.services.questions import QuestionService
from rcdesk.services.surveys import SurveyService

FORMAT = 1
KEYWORD_PREFIX = "rcdesk-acta"
_KEYWORDS = re.compile(rb"rcdesk-acta:([0-9a-f-]{36}):([0-9a-f]{64})")
VERIFY_STATUSES = {
    "valid": "La copia coincide con el acta registrada y con los datos actuales.",
    "outdated": "La copia corresponde a un acta emitida, pero los datos cambiaron después; emita una nueva versión.",
    "unknown": "La huella no corresponde a ninguna acta emitida en esta base de datos.",
}


@dataclass(frozen=True)
class IssuedActa:
    acta_id: str
    event_id: str
    kind: str
    number: str
    sha256: str
    content: dict


@dataclass(frozen=True)
class VerifyResult:
    status: str  # valid | outdated | unknown
    sha256: str
    acta_id: str | None = None
    number: str | None = None
    event_title: str | None = None
    kind: str | None = None

    @property
    def message(self) -> str:
        return VERIFY_STATUSES[self.status]

    def as_json(self) -> dict:
        return {"status": self.status, "message": self.message, "sha256": self.sha256, "acta_id": self.acta_id,
                "number": self.number, "event": self.event_title, "kind": self.kind}


def fingerprint(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ActaService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- content ---------------------------------------------------------------------------
    def build_content(self, event_id: str, kind: str, number: str) -> dict:
        if kind not in ACTA_KINDS:
            raise UserError(f"Tipo de acta «{kind}» desconocido; use «deliberacion» o «compromiso».")
        ev = EventService(self.db).get(event_id)
        tally = EventService(self.db).tally(event_id)
        buckets = tallies.cpccs_buckets(tally.total, tally.counts, ev.country)
        eff = tallies.effective_counts(tally.total, tally.counts, ev.country)
        dims = tallies.dimensions(ev.country)
        commitments = CommitmentService(self.db).list_commitments(event_id)
        content = {
            "format": FORMAT, "kind": kind, "title": ACTA_KINDS[kind], "number": number,
            "entity": ev.institution_name or "Entidad", "country": ev.country,
            "event": {
                "id": ev.event_id, "title": ev.title, "type": ev.type_label, "date": ev.event_date.isoformat(),
                "start_time": ev.start_time or "", "end_time": ev.end_time or "", "venue": ev.venue or "",
                "territory": ev.territory_name, "modality": ev.modality_label, "stream_url": ev.stream_url or "",
                "period": ev.period_label or "", "moderator": ev.moderator or "", "secretary": ev.secretary or "",
                "authority": ev.authority or "", "agenda": [ln.strip() for ln in (ev.agenda or "").splitlines()
                                                            if ln.strip()],
                "conclusions": ev.conclusions or "",
            },
            "commitments": [
                {"n": i, "aporte": c.contribution_text or "", "compromiso": c.description,
                 "responsable": c.responsible, "plazo": c.due_date.isoformat(), "indicador": c.deliverable or ""}
                for i, c in enumerate(commitments, start=1)
            ],
        }
        if kind == "deliberacion":
            content["attendance"] = {
                "registered": ev.attendance, "total": max(tally.total, ev.attendance),
                "genero": {dims["genero"]["categories"][c]: n for c, n in eff.get("genero", {}).items() if n},
                "pueblos_cpccs": buckets.get("etnia", {}).get("buckets", {}),
                "etnia_aparte": buckets.get("etnia", {}).get("aparte", {}),
                "etnia": {dims["etnia"]["categories"][c]: n for c, n in eff.get("etnia", {}).items() if n},
            }
            content["questions"] = [
                {"n": i, "asker": q.asker_name, "organization": q.organization or "", "text": q.text,
                 "answer": q.answer or "", "due_date": q.due_date.isoformat()}
                for i, q in enumerate(QuestionService(self.db).list_questions(event_id), start=1)
            ]
            mesas: dict[str, list[str]] = {}
            for c in CommitmentService(self.db).contributions(event_id):
                mesas.setdefault(c.mesa or "Plenaria", []).append(c.text)
            content["mesas"] = [{"mesa": m, "aportes": texts} for m, texts in mesas.items()]
            survey = SurveyService(self.db)
            content["evaluation"] = {
                "responses": survey.response_count(event_id),
                "items": [{"question": r.question.text, "answered": r.answered,
                           "options": [[o, n, pct] for o, n, pct in r.counts]}
                          for r in survey.results(event_id) if r.question.kind == "choice" and r.answered],
            }
        return content

    # -- issuing -----------------------------------------------------------------------------
    def issue(self, event_id: str, kind: str) -> IssuedActa:
        """Build the content, give it a number (the event's earlier number for this kind, or the
        next one of the year) and store it; re-issuing unchanged content returns the same acta."""
        with self.db.session() as s:
            e = s.get(Event, event_id)
            if e is None or e.deleted:
                raise NotFound(f"No existe el evento «{event_id}».")
            year = e.event_date.year
            earlier = s.scalars(select(Acta).where(Acta.event_id == event_id, Acta.kind == kind,
                                                   Acta.deleted.is_(False)).order_by(Acta.issued_at.desc())).first()
            if earlier is not None:
                number = earlier.number
            else:
                numbers = s.scalars(select(Acta.number).where(Acta.kind == kind, Acta.number.like(f"%-{year}"))).all()
                used = [int(n.split("-")[0]) for n in numbers if n.split("-")[0].isdigit()]
                number = f"{(max(used) if used else 0) + 1:03d}-{year}"
        content = self.build_content(event_id, kind, number)
        sha = fingerprint(content)
        with self.db.begin() as s:
            same = s.scalars(select(Acta).where(Acta.sha256 == sha, Acta.deleted.is_(False))).first()
            if same is not None:
                return IssuedActa(same.id, event_id, kind, number, sha, content)
            a = Acta(event_id=event_id, kind=kind, number=number, sha256=sha, content=content, issued_at=utcnow())
            s.add(a)
            s.flush()
            return IssuedActa(a.id, event_id, kind, number, sha, content)

    def write_pdf(self, event_id: str, kind: str, out: Path | str) -> IssuedActa:
        from rcdesk.reports.acta_pdf import build_acta_pdf

        out = Path(out)
        if not out.parent.exists():
            raise UserError(f"No existe la carpeta «{out.parent}».")
        issued = self.issue(event_id, kind)
        build_acta_pdf(out, issued.content, issued.sha256, issued.acta_id)
        return issued

    def issued(self, event_id: str) -> list[IssuedActa]:
        with self.db.session() as s:
            return [IssuedActa(a.id, a.event_id, a.kind, a.number, a.sha256, a.content)
                    for a in s.scalars(select(Acta).where(Acta.event_id == event_id, Acta.deleted.is_(False))
                                       .order_by(Acta.issued_at))]

    # -- verification ----------------------------------------------------------------------------
    def verify_hash(self, sha: str) -> VerifyResult:
        sha = (sha or "").strip().lower()
        if not re.fullmatch(r"[0-9a-f]{8,64}", sha):
            raise UserError("La huella debe tener entre 8 y 64 caracteres hexadecimales (0-9, a-f).")
        with self.db.session() as s:
            hits = s.scalars(select(Acta).where(Acta.sha256.like(f"{sha}%"), Acta.deleted.is_(False))).all()
            if len(hits) > 1:
                raise UserError("Hay varias actas con esa huella parcial; escriba más caracteres.")
            if not hits:
                return VerifyResult("unknown", sha)
            a = hits[0]
            acta_id, event_id, kind, number, stored = a.id, a.event_id, a.kind, a.number, a.sha256
            e = s.get(Event, event_id)
            title = e.title if e else None
        current = fingerprint(self.build_content(event_id, kind, number)) if e and not e.deleted else None
        status = "valid" if current == stored else "outdated"
        return VerifyResult(status, stored, acta_id, number, title, kind)

    def verify_pdf(self, path: Path | str) -> VerifyResult:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise UserError(f"No se puede leer «{p}»: {exc.strerror or exc}") from exc
        m = _KEYWORDS.search(data)
        if m is None:
            raise UserError(f"«{p.name}» no es un acta emitida por rcdesk (no tiene huella de verificación).")
        return self.verify_hash(m.group(2).decode())
