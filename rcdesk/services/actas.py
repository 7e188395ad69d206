"""Actas (deliberación / compromiso): canonical content, numbering, fingerprints, signature, verification.

The acta's content is built as a canonical JSON document from the database; its SHA-256 (the
"código" printed in the footer and in the QR code) identifies what was printed. Issuing an
acta also stores the SHA-256 of the exact PDF bytes written and an Ed25519 signature of the
issuing installation over both fingerprints, the acta id and its number (`signed_message`).
The signature travels with the acta row in field packages, so headquarters can check actas
issued in the field against the keys of the installations it trusts.

Verification: a file is valid only when its bytes hash to an issued PDF whose signature holds
(`verify_pdf`); a printed copy is compared by its code (`verify_code`), which shows the
archived acta. Both also say whether the database still says the same thing today.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.events import tallies
from rcdesk.ids import new_id, utcnow
from rcdesk.models.events import ACTA_KINDS, Acta, Event
from rcdesk.services.commitments import CommitmentService
from rcdesk.services.events import EventService
from rcdesk.services.questions import QuestionService
from rcdesk.services.surveys import SurveyService

FORMAT = 1
KEYWORD_PREFIX = "rcdesk-acta"
_KEYWORDS = re.compile(rb"rcdesk-acta:([0-9a-f-]{36}):([0-9a-f]{64})")
_QR = re.compile(r"RCDESK-ACTA;[^;]*;([0-9a-f-]{36});([0-9a-f]{64})", re.IGNORECASE)
# domain separation: an acta signature can never be mistaken for a package signature
SIGNATURE_CONTEXT = b"rcdesk-acta-firma-v1\n"
VERIFY_STATUSES = {
    "valid": "La copia coincide con el acta registrada y con los datos actuales.",
    "outdated": "La copia corresponde a un acta emitida, pero los datos cambiaron después; emita una nueva versión.",
}
MISMATCH = (
    "La copia no coincide con ninguna acta emitida: «{name}» no es una copia exacta de un acta emitida "
    "por rcdesk (basta un byte cambiado o añadido). Para una copia impresa use el código del pie de "
    "página: rcdesk acta verify --code CÓDIGO."
)
SIGNATURE_STATUSES = {
    "valid": "firma válida",
    "unsigned": "sin firma (emitida antes de que rcdesk firmara las actas)",
    "invalid": "firma NO válida: el registro del acta fue alterado",
    "unknown": "firmada con una clave que no pertenece a ninguna instalación conocida",
    "revoked": "firmada por una instalación revocada",
}


@dataclass(frozen=True)
class IssuedActa:
    acta_id: str
    event_id: str
    kind: str
    number: str
    sha256: str
    content: dict
    pdf_sha256: str | None = None
    issued_at: datetime | None = None
    signed: bool = False


@dataclass(frozen=True)
class VerifyResult:
    status: str  # valid | outdated (the current database compared with the archived content)
    sha256: str
    acta_id: str | None = None
    number: str | None = None
    event_title: str | None = None
    kind: str | None = None
    pdf_sha256: str | None = None
    event_date: str | None = None
    entity: str | None = None
    issued_at: datetime | None = None
    signature: str = "unsigned"  # a key of SIGNATURE_STATUSES
    issuer: str | None = None  # name of the installation that signed (or last wrote an unsigned acta)
    signer_fingerprint: str | None = None

    @property
    def message(self) -> str:
        return VERIFY_STATUSES[self.status]

    @property
    def trusted(self) -> bool:
        """The archived record is what its issuer signed (or predates signatures)."""
        return self.signature in ("valid", "unsigned")

    @property
    def signature_label(self) -> str:
        return SIGNATURE_STATUSES[self.signature]

    def details(self) -> list[str]:
        """The archived acta, line by line, to compare with a printed copy."""
        from rcdesk.reports.events_common import long_date

        kind = self.kind or ""
        out = [f"Acta No. {self.number} ({ACTA_KINDS.get(kind, kind)})", f"Evento: {self.event_title}"]
        if self.event_date:
            out.append(f"Fecha del evento: {long_date(self.event_date)}")
        if self.entity:
            out.append(f"Entidad: {self.entity}")
        out.append(f"Código (huella del contenido): {self.sha256}")
        if self.issued_at is not None:
            out.append(f"Emitida: {self.issued_at:%d/%m/%Y %H:%M} UTC")
        issuer = self.issuer or "desconocida"
        if self.signer_fingerprint:
            issuer += f" (clave {self.signer_fingerprint})"
        out.append(f"Instalación emisora: {issuer}")
        out.append(f"Firma: {self.signature_label}")
        return out

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "message": self.message,
            "sha256": self.sha256,
            "acta_id": self.acta_id,
            "number": self.number,
            "event": self.event_title,
            "kind": self.kind,
            "event_date": self.event_date,
            "entity": self.entity,
            "pdf_sha256": self.pdf_sha256,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            "signature": self.signature,
            "signature_message": self.signature_label,
            "issuer": self.issuer,
            "signer_fingerprint": self.signer_fingerprint,
        }


def fingerprint(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def signed_message(acta_id: str, number: str, kind: str, event_id: str, sha256: str, pdf_sha256: str) -> bytes:
    """The bytes an acta signature covers: both fingerprints and the acta's identity."""
    doc = {
        "acta": acta_id,
        "number": number,
        "kind": kind,
        "event": event_id,
        "sha256": sha256,
        "pdf_sha256": pdf_sha256,
    }
    return SIGNATURE_CONTEXT + json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


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
            "format": FORMAT,
            "kind": kind,
            "title": ACTA_KINDS[kind],
            "number": number,
            "entity": ev.institution_name or "Entidad",
            "country": ev.country,
            "event": {
                "id": ev.event_id,
                "title": ev.title,
                "type": ev.type_label,
                "date": ev.event_date.isoformat(),
                "start_time": ev.start_time or "",
                "end_time": ev.end_time or "",
                "venue": ev.venue or "",
                "territory": ev.territory_name,
                "modality": ev.modality_label,
                "stream_url": ev.stream_url or "",
                "period": ev.period_label or "",
                "moderator": ev.moderator or "",
                "secretary": ev.secretary or "",
                "authority": ev.authority or "",
                "agenda": [ln.strip() for ln in (ev.agenda or "").splitlines() if ln.strip()],
                "conclusions": ev.conclusions or "",
            },
            "commitments": [
                {
                    "n": i,
                    "aporte": c.contribution_text or "",
                    "compromiso": c.description,
                    "responsable": c.responsible,
                    "plazo": c.due_date.isoformat(),
                    "indicador": c.deliverable or "",
                }
                for i, c in enumerate(commitments, start=1)
            ],
        }
        if kind == "deliberacion":
            content["attendance"] = {
                "registered": ev.attendance,
                "total": max(tally.total, ev.attendance),
                "genero": {dims["genero"]["categories"][c]: n for c, n in eff.get("genero", {}).items() if n},
                "pueblos_cpccs": buckets.get("etnia", {}).get("buckets", {}),
                "etnia_aparte": buckets.get("etnia", {}).get("aparte", {}),
                "etnia": {dims["etnia"]["categories"][c]: n for c, n in eff.get("etnia", {}).items() if n},
            }
            content["questions"] = [
                {
                    "n": i,
                    "asker": q.asker_name,
                    "organization": q.organization or "",
                    "text": q.text,
                    "answer": q.answer or "",
                    "due_date": q.due_date.isoformat(),
                }
                for i, q in enumerate(QuestionService(self.db).list_questions(event_id), start=1)
            ]
            mesas: dict[str, list[str]] = {}
            for c in CommitmentService(self.db).contributions(event_id):
                mesas.setdefault(c.mesa or "Plenaria", []).append(c.text)
            content["mesas"] = [{"mesa": m, "aportes": texts} for m, texts in mesas.items()]
            survey = SurveyService(self.db)
            content["evaluation"] = {
                "responses": survey.response_count(event_id),
                "items": [
                    {
                        "question": r.question.text,
                        "answered": r.answered,
                        "options": [[o, n, pct] for o, n, pct in r.counts],
                    }
                    for r in survey.results(event_id)
                    if r.question.kind == "choice" and r.answered
                ],
            }
        return content

    # -- issuing -----------------------------------------------------------------------------
    def issue(self, event_id: str, kind: str) -> IssuedActa:
        """Issue (or re-issue) the acta: see `issue_pdf`; the PDF bytes are not kept."""
        return self.issue_pdf(event_id, kind)[0]

    def issue_pdf(self, event_id: str, kind: str) -> tuple[IssuedActa, bytes]:
        """Build the content, give it a number (the event's earlier number for this kind, or the
        next one of the year), render the PDF and store both fingerprints with this installation's
        signature. Re-issuing unchanged content renders the archived acta again, byte for byte,
        and changes nothing; only if the renderer changed (another reportlab) is a new copy
        registered, with the same number."""
        from rcdesk.reports.acta_pdf import render_acta_pdf
        from rcdesk.sync.keys import b64, load_or_create

        with self.db.session() as s:
            e = s.get(Event, event_id)
            if e is None or e.deleted:
                raise NotFound(f"No existe el evento «{event_id}».")
            year = e.event_date.year
            earlier = s.scalars(
                select(Acta)
                .where(Acta.event_id == event_id, Acta.kind == kind, Acta.deleted.is_(False))
                .order_by(Acta.issued_at.desc())
            ).first()
            if earlier is not None:
                number = earlier.number
            else:
                numbers = s.scalars(select(Acta.number).where(Acta.kind == kind, Acta.number.like(f"%-{year}"))).all()
                used = [int(n.split("-")[0]) for n in numbers if n.split("-")[0].isdigit()]
                number = f"{(max(used) if used else 0) + 1:03d}-{year}"
        content = self.build_content(event_id, kind, number)
        sha = fingerprint(content)
        with self.db.session() as s:
            same = s.scalars(
                select(Acta).where(Acta.sha256 == sha, Acta.deleted.is_(False)).order_by(Acta.issued_at.desc())
            ).first()
            if same is not None:
                acta_id, issued_at, number, kept_pdf = same.id, same.issued_at, same.number, same.pdf_sha256
        if same is not None:
            data = render_acta_pdf(content, sha, acta_id, issued_at)
            pdf_sha = hashlib.sha256(data).hexdigest()
            if pdf_sha == kept_pdf:
                return self._issued(acta_id), data
        if same is None or kept_pdf is not None:
            acta_id, issued_at = new_id(), utcnow().replace(microsecond=0)
            data = render_acta_pdf(content, sha, acta_id, issued_at)
            pdf_sha = hashlib.sha256(data).hexdigest()
        ring = load_or_create(self.db)  # created on first use, the way sync creates it
        signature = ring.sign(signed_message(acta_id, number, kind, event_id, sha, pdf_sha))
        with self.db.begin() as s:
            a = s.get(Acta, acta_id)
            if a is None:  # a new acta (or a new copy of one whose renderer changed)
                a = Acta(
                    id=acta_id,
                    event_id=event_id,
                    kind=kind,
                    number=number,
                    sha256=sha,
                    content=content,
                    issued_at=issued_at,
                )
                s.add(a)
            # an acta issued before PDF hashes existed gets its exact file registered now
            a.pdf_sha256, a.signature, a.signer_public = pdf_sha, b64(signature), ring.sign_public
        return self._issued(acta_id), data

    def write_pdf(self, event_id: str, kind: str, out: Path | str) -> IssuedActa:
        from rcdesk.reports.output import write_bytes

        issued, data = self.issue_pdf(event_id, kind)
        try:
            write_bytes(out, data)
        except UserError as exc:
            raise UserError(
                f"{exc} El acta No. {issued.number} quedó registrada; vuelva a guardarla para obtener el archivo."
            ) from exc
        return issued

    def _issued(self, acta_id: str) -> IssuedActa:
        with self.db.session() as s:
            return _issued_row(s.get_one(Acta, acta_id))

    def issued(self, event_id: str) -> list[IssuedActa]:
        with self.db.session() as s:
            return [
                _issued_row(a)
                for a in s.scalars(
                    select(Acta).where(Acta.event_id == event_id, Acta.deleted.is_(False)).order_by(Acta.issued_at)
                )
            ]

    # -- verification ----------------------------------------------------------------------------
    def verify_pdf(self, path: Path | str) -> VerifyResult:
        """An exact copy of an issued PDF, signed by a known installation; anything else raises."""
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise UserError(f"No se puede leer «{p}»: {exc.strerror or exc}") from exc
        pdf_sha = hashlib.sha256(data).hexdigest()
        with self.db.session() as s:
            a = s.scalars(select(Acta).where(Acta.pdf_sha256 == pdf_sha, Acta.deleted.is_(False))).first()
            if a is None:
                # a pre-signature acta can only be recognised by the code it carries, never by its bytes
                m = _KEYWORDS.search(data)
                legacy = (
                    None
                    if m is None
                    else s.scalars(
                        select(Acta).where(
                            Acta.id == m.group(1).decode(),
                            Acta.sha256 == m.group(2).decode(),
                            Acta.pdf_sha256.is_(None),
                            Acta.deleted.is_(False),
                        )
                    ).first()
                )
                if legacy is not None:
                    raise UserError(
                        f"«{p.name}» dice ser el acta No. {legacy.number}, emitida antes de que rcdesk "
                        "guardara la huella de cada archivo: esta acta solo puede comprobarse por su "
                        f"código (rcdesk acta verify --code {legacy.sha256}) comparando los datos "
                        "archivados con la copia."
                    )
                raise UserError(MISMATCH.format(name=p.name))
            result = self._result(s, a)
        if not result.trusted:
            raise UserError(
                f"«{p.name}» es una copia exacta del acta No. {result.number}, pero el registro no se puede "
                f"confiar: {result.signature_label}."
            )
        return result

    def verify_code(self, code: str) -> VerifyResult:
        """The archived acta for the code printed on a copy: the content fingerprint (at least 8
        hexadecimal characters) or the text of the QR code."""
        code = (code or "").strip()
        qr = _QR.search(code)
        with self.db.session() as s:
            if qr is not None:
                hits = s.scalars(
                    select(Acta).where(
                        Acta.id == qr.group(1).lower(), Acta.sha256 == qr.group(2).lower(), Acta.deleted.is_(False)
                    )
                ).all()
            else:
                sha = code.lower()
                if not re.fullmatch(r"[0-9a-f]{8,64}", sha):
                    raise UserError(
                        "El código debe ser la huella impresa en el pie de página (entre 8 y 64 "
                        "caracteres hexadecimales, 0-9 y a-f) o el texto del código QR."
                    )
                hits = s.scalars(
                    select(Acta)
                    .where(Acta.sha256.like(f"{sha}%"), Acta.deleted.is_(False))
                    .order_by(Acta.issued_at.desc())
                ).all()
            if len({a.sha256 for a in hits}) > 1:
                raise UserError("Hay varias actas con ese código parcial; escriba más caracteres.")
            if not hits:
                raise UserError(f"El código «{code[:80]}» no corresponde a ninguna acta emitida en esta base de datos.")
            # copies with the same content are the same acta; prefer a signed one
            return self._result(s, max(hits, key=lambda a: (a.signature is not None, a.issued_at)))

    def verify_hash(self, sha: str) -> VerifyResult:
        """Kept for callers of the first version: same as `verify_code`."""
        return self.verify_code(sha)

    def _result(self, s, a: Acta) -> VerifyResult:
        signature, issuer, key_fp = self._check_signature(s, a)
        e = s.get(Event, a.event_id)
        archived = a.content or {}
        ev = archived.get("event") or {}
        current = (
            fingerprint(self.build_content(a.event_id, a.kind, a.number)) if e is not None and not e.deleted else None
        )
        return VerifyResult(
            "valid" if current == a.sha256 else "outdated",
            a.sha256,
            a.id,
            a.number,
            ev.get("title") or (e.title if e else None),
            a.kind,
            a.pdf_sha256,
            ev.get("date"),
            archived.get("entity"),
            a.issued_at,
            signature,
            issuer,
            key_fp,
        )

    def _check_signature(self, s, a: Acta) -> tuple[str, str | None, str | None]:
        """(status, issuing installation's name, its key's fingerprint) for an acta row."""
        from rcdesk.models.core import Installation
        from rcdesk.models.sync import SyncKey, SyncPeer
        from rcdesk.sync.keys import SIGN, unb64, verify
        from rcdesk.sync.keys import fingerprint as key_fingerprint

        if a.content is not None and fingerprint(a.content) != a.sha256:
            return "invalid", None, None
        if not a.signature or not a.signer_public or not a.pdf_sha256:
            inst = s.get(Installation, a.modified_by) if a.modified_by else None
            return "unsigned", inst.name if inst else None, None
        key_fp = key_fingerprint(a.signer_public)
        try:
            sig = unb64(a.signature)
        except ValueError:
            return "invalid", None, key_fp
        if not verify(a.signer_public, sig, signed_message(a.id, a.number, a.kind, a.event_id, a.sha256, a.pdf_sha256)):
            return "invalid", None, key_fp
        own = s.get(SyncKey, SIGN)
        if own is not None and a.signer_public == own.public_b64:
            return "valid", self.db.installation_name, key_fp
        peer = s.scalars(select(SyncPeer).where(SyncPeer.sign_public == a.signer_public)).first()
        if peer is None or not (peer.trusted or peer.revoked):
            return "unknown", None, key_fp
        inst = s.get(Installation, peer.installation_id)
        return ("revoked" if peer.revoked else "valid"), (inst.name if inst else peer.installation_id), key_fp


def _issued_row(a: Acta) -> IssuedActa:
    return IssuedActa(
        a.id, a.event_id, a.kind, a.number, a.sha256, a.content, a.pdf_sha256, a.issued_at, a.signature is not None
    )
