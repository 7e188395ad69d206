"""Privacy notice printed on attendance sheets, question forms and surveys (domain.md §9.3)."""

from __future__ import annotations

NOTICE_VERSION = "2026-01"

NOTICE_EC = (
    "Aviso de privacidad: {entity} es responsable del tratamiento de los datos de este registro, que se usan "
    "únicamente para la rendición de cuentas y el control social (LOPDP, arts. 7 y 8; Reglamento de Rendición "
    "de Cuentas del CPCCS). El número de documento y el contacto son opcionales. Los datos de género y "
    "autoidentificación se recogen solo como conteo anónimo, en hoja aparte. {retention} Puede ejercer sus "
    "derechos de acceso, rectificación, eliminación y oposición, y revocar esta autorización, ante la entidad. "
    "Al firmar autoriza este tratamiento. Versión {version}."
)
NOTICE_CO = (
    "Aviso de privacidad: {entity} es responsable del tratamiento de los datos de este registro, que se usan "
    "únicamente para la rendición de cuentas y el control social (Ley 1581 de 2012, Decreto 1377 de 2013). "
    "El número de documento y el contacto son opcionales. No está obligado/a a entregar datos sensibles "
    "(origen étnico, género): se recogen solo como conteo anónimo. {retention} Puede conocer, actualizar, "
    "rectificar y suprimir sus datos y revocar esta autorización ante la entidad. Al firmar autoriza este "
    "tratamiento. Versión {version}."
)


def retention_sentence(years: int | None) -> str:
    if not years:
        return "Los datos se conservan el tiempo que exige la normativa de archivo."
    return (
        f"Su nombre, documento y contacto se conservan {years} año{'s' if years != 1 else ''} después del año "
        "del evento y luego se anonimizan; los totales se conservan."
    )


def notice_text(entity: str, country: str = "EC", retention_years: int | None = None) -> str:
    """The privacy notice; with `retention_years` (setting of the attendance record type) it says how long
    identities are kept (domain.md §9.3-1 asks the notice to state the retention)."""
    template = NOTICE_CO if country == "CO" else NOTICE_EC
    return template.format(
        entity=entity or "La entidad", version=NOTICE_VERSION, retention=retention_sentence(retention_years)
    )
