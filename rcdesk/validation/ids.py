"""Identity numbers of Ecuador and Colombia (domain.md §8.1), validated with python-stdnum.

`check_id()` takes what a person typed (or what a spreadsheet cell held) and returns an
`IdCheck`: the normalized number, its type, a status and a Spanish message. It also repairs
the two damages spreadsheets do to ID numbers: a lost leading zero (0912345678 stored as the
number 912345678) and float/scientific renderings (1714307103.0, 1.714307103E+09).

Statuses:
- ``ok``        valid number;
- ``repaired``  valid after restoring a lost leading zero / float rendering (message says so);
- ``warning``   accepted with a warning (RUC of a company or public entity whose check digit
                fails: the SRI does not compute those with an algorithm, §8.1);
- ``invalid``   wrong length, province or check digit (the user decides: keep or reject);
- ``empty``     nothing typed (the ID number is optional, §9.3 minimisation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.co import nit as co_nit
from stdnum.ec import ci as ec_ci
from stdnum.ec import ruc as ec_ruc

ID_TYPES = {
    "CEDULA_EC": "Cédula (Ecuador)",
    "RUC": "RUC (Ecuador)",
    "CC_CO": "Cédula de ciudadanía (Colombia)",
    "NIT": "NIT (Colombia)",
    "PASAPORTE": "Pasaporte / otro documento",
}
STATUSES = {
    "ok": "Válido",
    "repaired": "Reparado",
    "warning": "Aviso",
    "invalid": "No válido",
    "empty": "Sin documento",
}

_FLOAT = re.compile(r"^(\d+)\.0+$")
_SCI = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")
_SEPARATORS = re.compile(r"[\s.\-_/]")


@dataclass(frozen=True)
class IdCheck:
    raw: str
    number: str  # normalized (digits; NIT with its DV), "" when empty
    id_type: str  # key of ID_TYPES, "" when empty
    status: str  # key of STATUSES
    message: str = ""  # Spanish, empty when ok

    @property
    def acceptable(self) -> bool:
        """True when the number may be saved without the user's explicit choice."""
        return self.status in ("ok", "repaired", "warning", "empty")


def _raw_text(value: object) -> str:
    """Cell value → text, undoing float renderings of integer ID numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).strip().replace("\u00a0", " ")
    m = _FLOAT.match(text)
    if m:
        return m.group(1)
    if _SCI.match(text):
        try:
            f = float(text.replace(",", "."))
        except ValueError:
            return text
        if f.is_integer():
            return str(int(f))
    return text


def _ec_cedula(digits: str) -> str | None:
    """None when valid; else the Spanish reason."""
    try:
        ec_ci.validate(digits)
        return None
    except stdnum_errors.InvalidLength:
        return "la cédula debe tener 10 dígitos"
    except stdnum_errors.InvalidComponent:
        return "los dos primeros dígitos no son una provincia válida (01–24 o 30)"
    except stdnum_errors.InvalidChecksum:
        return "el dígito verificador no corresponde"
    except stdnum_errors.ValidationError:
        return "no es una cédula válida"


def _ec_ruc(digits: str) -> tuple[str, str | None]:
    """(status, reason) for a 13-digit RUC: checksum failures of companies only warn."""
    try:
        ec_ruc.validate(digits)
        return "ok", None
    except stdnum_errors.InvalidChecksum:
        if digits[2] in "69":
            return "warning", (
                "el dígito verificador del RUC no corresponde; el SRI no calcula todos los "
                "RUC de sociedades y entidades públicas con ese algoritmo, revíselo"
            )
        return "invalid", "los 10 primeros dígitos no son una cédula válida"
    except stdnum_errors.InvalidComponent:
        return "invalid", "provincia, tercer dígito o establecimiento (001) no válidos"
    except stdnum_errors.ValidationError:
        return "invalid", "no es un RUC válido"


def check_id(value: object, country: str = "EC", id_type: str | None = None) -> IdCheck:
    """Validate and normalize one ID number (see module docstring)."""
    raw = _raw_text(value)
    if not raw:
        return IdCheck("", "", "", "empty")
    if id_type == "PASAPORTE":
        text = re.sub(r"\s", "", raw).upper()
        if not re.fullmatch(r"[A-Z0-9]{5,20}", text):
            return IdCheck(raw, text, "PASAPORTE", "invalid", "el pasaporte debe tener de 5 a 20 letras o dígitos")
        return IdCheck(raw, text, "PASAPORTE", "ok")
    compact = _SEPARATORS.sub("", raw)
    if not compact.isdigit():
        if re.fullmatch(r"[A-Za-z0-9]{5,20}", compact) and not id_type:
            return IdCheck(
                raw,
                compact.upper(),
                "PASAPORTE",
                "warning",
                "no es una cédula; se registra como pasaporte u otro documento",
            )
        return IdCheck(raw, compact, id_type or "", "invalid", "contiene caracteres que no son dígitos")
    if country == "CO":
        return _check_co(raw, compact, id_type)
    return _check_ec(raw, compact, id_type)


def _check_ec(raw: str, digits: str, id_type: str | None) -> IdCheck:
    repaired = False
    if len(digits) in (9, 12) and (id_type in (None, "", "CEDULA_EC", "RUC")):
        # Excel stored the number as a number and dropped the leading zero (provinces 01–09).
        candidate = "0" + digits
        if len(candidate) == 10 and _ec_cedula(candidate) is None:
            digits, repaired = candidate, True
        elif len(candidate) == 13 and _ec_ruc(candidate)[0] != "invalid":
            digits, repaired = candidate, True
    if id_type == "RUC" or (not id_type and len(digits) == 13):
        if len(digits) != 13:
            return IdCheck(raw, digits, "RUC", "invalid", "el RUC debe tener 13 dígitos")
        status, reason = _ec_ruc(digits)
        if status == "ok" and repaired:
            return IdCheck(raw, digits, "RUC", "repaired", "se restituyó el cero inicial perdido en Excel")
        return IdCheck(raw, digits, "RUC", status, reason or "")
    reason = _ec_cedula(digits)
    if reason:
        return IdCheck(raw, digits, "CEDULA_EC", "invalid", reason)
    if repaired:
        return IdCheck(raw, digits, "CEDULA_EC", "repaired", "se restituyó el cero inicial perdido en Excel")
    return IdCheck(raw, digits, "CEDULA_EC", "ok")


def _check_co(raw: str, digits: str, id_type: str | None) -> IdCheck:
    looks_nit = "-" in raw or (not id_type and len(digits) == 10 and digits[0] in "89")
    if id_type == "NIT" or (not id_type and looks_nit):
        if len(digits) < 6 or len(digits) > 16:
            return IdCheck(
                raw, digits, "NIT", "invalid", "el NIT debe tener de 5 a 15 dígitos más el dígito de verificación"
            )
        try:
            co_nit.validate(digits)
            return IdCheck(raw, digits, "NIT", "ok")
        except stdnum_errors.ValidationError:
            dv = co_nit.calc_check_digit(digits[:-1])
            return IdCheck(raw, digits, "NIT", "invalid", f"el dígito de verificación debería ser {dv}")
    if digits.startswith("0"):
        return IdCheck(raw, digits, "CC_CO", "invalid", "la cédula colombiana no empieza por cero")
    if not 3 <= len(digits) <= 10:
        return IdCheck(raw, digits, "CC_CO", "invalid", "la cédula colombiana tiene de 3 a 10 dígitos")
    return IdCheck(raw, digits, "CC_CO", "ok")


def format_id(number: str, id_type: str) -> str:
    """Display form: NIT as 900.373.923-8; others as stored."""
    if id_type == "NIT" and number.isdigit() and len(number) >= 2:
        try:
            return co_nit.format(number)
        except Exception:
            return number
    return number


def mask_id(number: str | None) -> str:
    """Published lists show only the first 2 and last 3 characters: 17•••••103 (§9.3)."""
    if not number:
        return ""
    n = str(number)
    if len(n) <= 5:
        return "•" * len(n)
    return n[:2] + "•" * (len(n) - 5) + n[-3:]
