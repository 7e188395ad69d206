"""Compliance (% cumplimiento) and traffic lights (semáforo), as pure functions (domain.md §4).

- `compliance(executed, planned)`: None when nothing was planned; the raw value is kept
  (it may exceed 100 = sobrecumplimiento, flagged for review); `rated` is capped at 100 and
  is what ratings and aggregates use. Values are rounded half-up to 2 decimals.
- `aggregate(values, weights=None)`: simple mean of the capped values (CPCCS parity) or a
  weighted mean; values that are None ("sin programación") are left out.
- `ThresholdProfile`: a traffic-light profile as data (bands with inclusive lower and
  exclusive upper bounds), compared against the ROUNDED value. Grey means "sin
  programación / no aplica" and blue means "más de 100 %".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import overload

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_ZERO = Decimal(0)

GREY = "gris"
BLUE = "azul"
RED = "rojo"
YELLOW = "amarillo"
GREEN = "verde"

COLOR_LABELS = {
    RED: "Rojo",
    YELLOW: "Amarillo",
    GREEN: "Verde",
    GREY: "Gris",
    BLUE: "Azul",
}
# Screen/print colours (hex) for each light; shared by the PDF, the workbook and the GUI.
COLOR_HEX = {
    RED: "#D32F2F",
    YELLOW: "#F9A825",
    GREEN: "#2E7D32",
    GREY: "#9E9E9E",
    BLUE: "#1565C0",
}
LIGHT_ORDER = (RED, YELLOW, GREEN, BLUE, GREY)


def to_decimal(value: object) -> Decimal | None:
    """Decimal from int/float/str/Decimal (None and '' stay None)."""
    if value.__class__ is float:  # the common case first: stored quantities and money
        return Decimal(repr(value))
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        if isinstance(value, float):
            return Decimal(repr(value))
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"no es un número: {value!r}") from exc


@overload
def round2(value: None) -> None: ...
@overload
def round2(value: Decimal | float | int) -> Decimal: ...
def round2(value: Decimal | float | int | None) -> Decimal | None:
    d = to_decimal(value)
    if d is None:
        return None
    return d.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Compliance:
    """One computed compliance: `raw` (rounded, may exceed 100) and `rated` (≤ 100)."""

    raw: Decimal | None
    over: bool = False

    @property
    def rated(self) -> Decimal | None:
        raw = self.raw
        if raw is None:
            return None
        return raw if raw <= HUNDRED else HUNDRED  # min(raw, HUNDRED), without the call

    @property
    def programmed(self) -> bool:
        return self.raw is not None


NOT_PROGRAMMED = Compliance(None)


def compliance(executed: object, planned: object) -> Compliance:
    """`executed / planned × 100` rounded to 2 decimals; `Compliance(None)` when planned is 0 or missing."""
    p = to_decimal(planned)
    if p is None or p == 0:
        return NOT_PROGRAMMED
    e = to_decimal(executed) or _ZERO
    raw = (e / p * HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)  # round2() of a Decimal
    return Compliance(raw, over=raw > HUNDRED)


def from_percent(percent: object) -> Compliance:
    """Compliance from a percentage that was reported directly."""
    v = to_decimal(percent)
    if v is None:
        return NOT_PROGRAMMED
    raw = round2(v)
    return Compliance(raw, over=raw > HUNDRED)


def aggregate(
    values: Iterable[Compliance | Decimal | float | None], weights: Sequence[object] | None = None
) -> Compliance:
    """Mean of capped values (None values are left out); weighted when `weights` is given.

    Returns `Compliance(None)` when no value takes part (all not programmed, or all weights 0).
    """
    vals = [v.rated if v.__class__ is Compliance else _rated(v) for v in values]
    if weights is None:
        used = [v for v in vals if v is not None]
        if not used:
            return NOT_PROGRAMMED
        return Compliance(round2(sum(used, Decimal(0)) / len(used)))
    ws = [to_decimal(w) or Decimal(0) for w in weights]
    if len(ws) != len(vals):
        raise ValueError("aggregate(): values and weights differ in length")
    if any(w < 0 for w in ws):
        raise ValueError("aggregate(): negative weight")
    pairs = [(v, w) for v, w in zip(vals, ws) if v is not None and w > 0]
    total_w = sum((w for _, w in pairs), Decimal(0))
    if not pairs or total_w == 0:
        return NOT_PROGRAMMED
    return Compliance(round2(sum((v * w for v, w in pairs), Decimal(0)) / total_w))


def _rated(v: Compliance | Decimal | float | None) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, Compliance):
        return v.rated
    d = round2(v)
    return min(d, HUNDRED)


# -- traffic lights -----------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    color: str
    min_inclusive: Decimal
    max_exclusive: Decimal | None  # None = no upper bound
    label: str

    def contains(self, value: Decimal) -> bool:
        return value >= self.min_inclusive and (self.max_exclusive is None or value < self.max_exclusive)

    def as_json(self) -> dict:
        return {
            "color": self.color,
            "min": str(self.min_inclusive),
            "max": None if self.max_exclusive is None else str(self.max_exclusive),
            "label": self.label,
        }


@dataclass(frozen=True)
class Light:
    color: str
    label: str

    @property
    def hex(self) -> str:
        return COLOR_HEX.get(self.color, "#9E9E9E")


@dataclass(frozen=True)
class ThresholdProfile:
    code: str
    name: str
    bands: tuple[Band, ...]
    grey_label: str = "Sin programación"
    blue_label: str = "Más de 100 % (revisar)"
    notes: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def classify(self, value: Compliance | Decimal | float | None) -> Light:
        """Light for a compliance: grey when not programmed, blue over 100 %, else by band.

        Bands are compared with the value rounded to 2 decimals (69.995 → 70.00 → amarillo
        in the Ecuadorian profile).
        """
        if isinstance(value, Compliance):
            raw = value.raw
        else:
            raw = round2(value) if value is not None else None
        if raw is None:
            return Light(GREY, self.grey_label)
        if raw > HUNDRED:
            return Light(BLUE, self.blue_label)
        for band in self.bands:
            if band.contains(raw):
                return Light(band.color, band.label)
        return Light(GREY, self.grey_label)  # below every band (negative): treat as not rated

    def validate(self) -> list[str]:
        """Spanish problems with the bands (empty when the profile is usable)."""
        problems = []
        if not self.code.strip():
            problems.append("El perfil necesita un código.")
        if not self.bands:
            problems.append(f"El perfil «{self.name}» no tiene rangos.")
            return problems
        # NaN/infinite bounds (typed "nan" in a form) would make every comparison below raise
        odd = [
            b
            for b in self.bands
            if not b.min_inclusive.is_finite() or (b.max_exclusive is not None and not b.max_exclusive.is_finite())
        ]
        if odd:
            problems.extend(
                f"El rango «{b.label}» de «{self.name}» tiene un límite que no es un número válido." for b in odd
            )
            return problems
        bands = sorted(self.bands, key=lambda b: b.min_inclusive)
        if bands[0].min_inclusive != 0:
            problems.append(f"El primer rango de «{self.name}» debe empezar en 0 %.")
        if not self.name.strip():
            problems.append("El perfil necesita un nombre.")
        for a, b in zip(bands, bands[1:]):
            if a.max_exclusive is None or a.max_exclusive > b.min_inclusive:
                upto = "sin límite" if a.max_exclusive is None else f"hasta {_num(a.max_exclusive)}"
                problems.append(
                    f"Los rangos «{a.label}» ({upto}) y «{b.label}» (desde {_num(b.min_inclusive)}) de "
                    f"«{self.name}» se superponen."
                )
            elif a.max_exclusive < b.min_inclusive:
                problems.append(
                    f"Los rangos «{a.label}» y «{b.label}» de «{self.name}» dejan un hueco entre "
                    f"{_num(a.max_exclusive)} y {_num(b.min_inclusive)}."
                )
        last = bands[-1]
        if last.max_exclusive is not None and last.max_exclusive <= HUNDRED:
            problems.append(f"El último rango de «{self.name}» debe incluir el 100 %.")
        for b in bands:
            if b.color not in COLOR_HEX:
                problems.append(f"Color «{b.color}» desconocido (use rojo, amarillo o verde).")
            if b.max_exclusive is not None and b.max_exclusive <= b.min_inclusive:
                problems.append(f"El rango «{b.label}» está vacío.")
            if not b.label.strip():
                problems.append(f"El rango desde {_num(b.min_inclusive)} necesita una etiqueta.")
        return problems

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "bands": [b.as_json() for b in self.bands],
            "grey_label": self.grey_label,
            "blue_label": self.blue_label,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict) -> ThresholdProfile:
        bands = tuple(
            Band(
                str(b["color"]),
                _lower_bound(b),
                None if b.get("max") in (None, "") else to_decimal(b["max"]),
                str(b.get("label", "")),
            )
            for b in data.get("bands", [])
        )
        return cls(
            code=str(data["code"]),
            name=str(data.get("name", data["code"])),
            bands=bands,
            grey_label=str(data.get("grey_label", "Sin programación")),
            blue_label=str(data.get("blue_label", "Más de 100 % (revisar)")),
            notes=str(data.get("notes", "")),
        )


def _num(x: Decimal) -> str:
    """85 → '85'; 84.99 → '84,99' (Spanish decimals in messages)."""
    return (f"{x.normalize():f}" if x == x.to_integral() else f"{x}").replace(".", ",")


def _d(x: str) -> Decimal:
    return Decimal(x)


CO_PAAC = ThresholdProfile(
    code="CO-PAAC",
    name="Colombia – PAAC (Control Interno)",
    bands=(
        Band(RED, _d("0"), _d("60"), "Zona baja (0–59 %)"),
        Band(YELLOW, _d("60"), _d("80"), "Zona media (60–79 %)"),
        Band(GREEN, _d("80"), None, "Zona alta (80–100 %)"),
    ),
    notes="Rangos de las estrategias PAAC; confirmar con la Oficina de Control Interno.",
)

EC_POA = ThresholdProfile(
    code="EC-POA",
    name="Ecuador – POA (predeterminado)",
    bands=(
        Band(RED, _d("0"), _d("70"), "Incumplida (< 70 %)"),
        Band(YELLOW, _d("70"), _d("85"), "Parcialmente cumplida (70–84,99 %)"),
        Band(GREEN, _d("85"), None, "Cumplida (85 % o más)"),
    ),
    notes="Convención habitual de seguimiento del POA; configurable.",
)

DEFAULT_PROFILES: tuple[ThresholdProfile, ...] = (CO_PAAC, EC_POA)
DEFAULT_PROFILE_BY_COUNTRY = {"CO": CO_PAAC.code, "EC": EC_POA.code}


def cpccs_band(value: Compliance | Decimal | float | None) -> str:
    """CPCCS % avance band for aportes (§4.5): "0", "1-25", "26-50", "51-75", "76-100"."""
    if isinstance(value, Compliance):
        v = value.raw
    else:
        v = round2(value) if value is not None else None
    if v is None or v <= 0:
        return "0"
    if v <= 25:
        return "1-25"
    if v <= 50:
        return "26-50"
    if v <= 75:
        return "51-75"
    return "76-100"


def distribution(lights: Iterable[Light]) -> dict[str, int]:
    """How many of each colour (every colour present, in `LIGHT_ORDER`)."""
    out = {c: 0 for c in LIGHT_ORDER}
    for light in lights:
        out[light.color] = out.get(light.color, 0) + 1
    return out


def format_pct(value: Compliance | Decimal | None, *, none: str = "N/A") -> str:
    """Spanish display: '84,50 %' (comma decimals); `none` when not programmed."""
    v = value.raw if isinstance(value, Compliance) else value
    if v is None:
        return none
    return f"{v:.2f}".replace(".", ",") + " %"


def _lower_bound(band: dict) -> Decimal:
    """A stored band's lower bound; a band without one would make every classify() fail later."""
    low = to_decimal(band.get("min"))
    if low is None:
        raise ValueError(f"El rango «{band.get('label', '')}» no tiene límite inferior.")
    return low
