"""How the GUI writes dates, numbers and percentages: the Spanish way, in one place.

Dates read dd/mm/aaaa, thousands take a dot and decimals a comma (1.234,50), percentages keep a
space before the sign («25,0 %»). Figures a person typed come back as typed (0,125 not 0,13).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def date_text(d: date | None) -> str:
    """«07/03/2026»; "" for no date (a datetime shows its day only)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else ""


def datetime_text(d: datetime | None) -> str:
    """«07/03/2026 14:05»; "" for no moment."""
    return f"{d:%d/%m/%Y %H:%M}" if d else ""


def _spanish(text: str) -> str:
    # Python writes 1,234.5; swap both separators in one pass
    return text.translate(str.maketrans(",.", ".,"))


def number(v: float | None, decimals: int = 2) -> str:
    """«1.234,50» with `decimals` places; "" for no value."""
    return "" if v is None else _spanish(f"{v:,.{decimals}f}")


def number_as_typed(v: float | None) -> str:
    """A figure as the user typed it: «1.234» for whole numbers, otherwise 2 to 4 decimals, so
    amounts keep their cents and 0,125 or 0,001 are not rounded away; "" for no value."""
    if v is None:
        return ""
    if float(v).is_integer():
        return _spanish(f"{int(v):,}")
    text = f"{v:,.4f}"
    while text.endswith("0") and len(text.rsplit(".", 1)[1]) > 2:
        text = text[:-1]
    return _spanish(text)


def decimal_text(x: Decimal | None) -> str:
    """An exact Decimal without grouping or padding: «60», «62,5»; "" for no value."""
    if x is None:
        return ""
    return (f"{x.normalize():f}" if x == x.to_integral() else f"{x}").replace(".", ",")


def percent(v: float | Decimal | None, decimals: int = 1, none: str = "N/A") -> str:
    """«25,0 %» with `decimals` places; `none` when there is nothing to measure."""
    return none if v is None else f"{v:.{decimals}f}".replace(".", ",") + " %"


def signed(v: float | None, decimals: int = 1) -> str:
    """A difference with its sign: «+3,5», «-12,0»; "" for no value."""
    return "" if v is None else f"{v:+.{decimals}f}".replace(".", ",")
