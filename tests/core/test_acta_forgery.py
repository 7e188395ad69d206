"""Actas that cannot be forged: only an exact copy of an issued PDF verifies, the archive record is
signed by the issuing installation, and headquarters checks actas issued in the field."""

from datetime import date

import pytest
from sqlalchemy import update

from rcdesk.errors import UserError
from rcdesk.models.events import Acta
from rcdesk.services.actas import ActaService
from rcdesk.services.commitments import CommitmentService
from rcdesk.services.events import EventInput, EventService

NOT_ISSUED = "La copia no coincide con ninguna acta emitida"


@pytest.fixture
def event(db):
    return EventService(db).create(
        EventInput(title="Deliberación pública", event_date=date(2026, 5, 20), agenda="Instalación\nInforme\nCierre")
    )


@pytest.fixture
def issued(db, event, tmp_path):
    out = tmp_path / "acta.pdf"
    return ActaService(db).write_pdf(event.event_id, "deliberacion", out), out


def test_only_an_exact_copy_of_the_issued_pdf_verifies(db, issued, tmp_path):
    acta, out = issued
    svc = ActaService(db)
    data = out.read_bytes()
    res = svc.verify_pdf(out)
    assert res.status == "valid" and res.acta_id == acta.acta_id and res.signature == "valid"
    assert res.issuer == "Pruebas" and res.pdf_sha256 == acta.pdf_sha256

    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    appended = data + b"\n% un comentario anadido\n"
    # a PDF made from scratch that only copies the hidden keyword of the real acta
    keyword = f"rcdesk-acta:{acta.acta_id}:{acta.sha256}".encode()
    forged = b"%PDF-1.4\n1 0 obj << /Keywords (" + keyword + b") >> endobj\n%%EOF\n"
    for name, content in (("cambiada.pdf", bytes(flipped)), ("anadida.pdf", appended), ("falsa.pdf", forged)):
        p = tmp_path / name
        p.write_bytes(content)
        with pytest.raises(UserError, match=NOT_ISSUED) as exc:
            svc.verify_pdf(p)
        assert name in str(exc.value)


def test_reissuing_gives_the_same_bytes_and_changed_data_says_outdated(db, event, issued, tmp_path):
    acta, out = issued
    svc = ActaService(db)
    again = svc.write_pdf(event.event_id, "deliberacion", tmp_path / "otra_vez.pdf")
    assert again.acta_id == acta.acta_id
    assert (tmp_path / "otra_vez.pdf").read_bytes() == out.read_bytes()
    CommitmentService(db).add_contribution(event.event_id, "Nuevo aporte")
    res = svc.verify_pdf(out)
    assert res.status == "outdated" and res.number == acta.number
    newer = svc.write_pdf(event.event_id, "deliberacion", tmp_path / "v2.pdf")
    assert newer.number == acta.number and newer.pdf_sha256 != acta.pdf_sha256
    assert svc.verify_pdf(tmp_path / "v2.pdf").status == "valid"


def test_printed_copy_is_compared_by_its_code(db, issued):
    acta, _ = issued
    svc = ActaService(db)
    res = svc.verify_code(acta.sha256[:10].upper())
    assert res.acta_id == acta.acta_id and res.signature == "valid"
    text = "\n".join(res.details())
    assert acta.number in text and "Deliberación pública" in text and "20 de mayo de 2026" in text
    assert acta.sha256 in text and "Pruebas" in text and "firma válida" in text
    qr = f"RCDESK-ACTA;{acta.number};{acta.acta_id};{acta.sha256}"
    assert svc.verify_code(qr).acta_id == acta.acta_id
    with pytest.raises(UserError, match="no corresponde a ninguna acta"):
        svc.verify_code("0" * 64)
    with pytest.raises(UserError, match="hexadecimales"):
        svc.verify_code("zz")


def test_acta_issued_before_pdf_hashes_can_only_be_checked_by_its_code(db, issued):
    acta, out = issued
    with db.begin() as s:
        s.execute(
            update(Acta).where(Acta.id == acta.acta_id).values(pdf_sha256=None, signature=None, signer_public=None)
        )
    svc = ActaService(db)
    with pytest.raises(UserError, match="solo puede comprobarse por su código") as exc:
        svc.verify_pdf(out)
    assert acta.sha256 in str(exc.value)
    res = svc.verify_code(acta.sha256)
    assert res.signature == "unsigned" and res.trusted and res.status == "valid"


def test_a_tampered_archive_record_is_refused(db, issued, tmp_path):
    acta, _ = issued
    forged = tmp_path / "falsa.pdf"
    forged.write_bytes(b"%PDF-1.4\n% no emitida\n%%EOF\n")
    import hashlib

    # someone with write access to the database points the acta at a forged file
    with db.begin() as s:
        s.execute(
            update(Acta)
            .where(Acta.id == acta.acta_id)
            .values(pdf_sha256=hashlib.sha256(forged.read_bytes()).hexdigest())
        )
    svc = ActaService(db)
    with pytest.raises(UserError, match="NO válida"):
        svc.verify_pdf(forged)
    assert svc.verify_code(acta.sha256).signature == "invalid"


def test_a_signature_by_an_unknown_installation_is_refused(db, issued):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from rcdesk.services.actas import signed_message
    from rcdesk.sync.keys import b64

    acta, out = issued
    stranger = Ed25519PrivateKey.generate()
    sig = stranger.sign(
        signed_message(acta.acta_id, acta.number, acta.kind, acta.event_id, acta.sha256, acta.pdf_sha256)
    )
    with db.begin() as s:
        s.execute(
            update(Acta)
            .where(Acta.id == acta.acta_id)
            .values(
                signature=b64(sig),
                signer_public=b64(stranger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
            )
        )
    with pytest.raises(UserError, match="ninguna instalación conocida"):
        ActaService(db).verify_pdf(out)


def test_headquarters_verifies_an_acta_issued_in_the_field(tmp_path):
    from tests.core.sync_world import World

    w = World(tmp_path)
    try:
        w.seed_hq()
        w.join(w.a, w.A)
        ev = EventService(w.a).create(
            EventInput(title="Diálogo en Guano", event_date=date(2026, 6, 3), moderator="Lcda. Rosa Yupanqui")
        )  # a personal column
        out = tmp_path / "acta_campo.pdf"
        acta = ActaService(w.a).write_pdf(ev.event_id, "compromiso", out)
        res = w.H.import_packages([w.send(w.A)])
        assert res.packages[0].status == "consolidado", res.text()
        assert not any("evidencia" in x for x in res.packages[0].warnings)
        at_hq = ActaService(w.hq).verify_pdf(out)
        assert at_hq.acta_id == acta.acta_id and at_hq.status == "valid"
        assert at_hq.signature == "valid" and at_hq.issuer == "Técnico Guano"
        w.H.revoke(w.a.installation_id)
        with pytest.raises(UserError, match="revocada"):
            ActaService(w.hq).verify_pdf(out)
    finally:
        w.close()
