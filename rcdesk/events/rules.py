"""Small calculations of the events capability (domain.md §4.4, §4.5, §5)."""

from __future__ import annotations

from datetime import date

CPCCS_BANDS = ("0", "1-25", "26-50", "51-75", "76-100")

# Business days to answer a citizen question (Ley 1755/2015 art. 14); configurable in settings.
DEFAULT_ANSWER_DAYS = {"PETICION": 15, "INFORMACION": 10, "CONSULTA": 30}
ANSWER_DAYS_SETTING = "events.answer_days"


def cpccs_band(pct: float | None) -> str:
    """0 → "0"; (0,25] → "1-25"; (25,50] → "26-50"; (50,75] → "51-75"; (75,100+] → "76-100"."""
    if pct is None:
        return "0"
    p = round(float(pct), 2)
    if p <= 0:
        return "0"
    if p <= 25:
        return "1-25"
    if p <= 50:
        return "26-50"
    if p <= 75:
        return "51-75"
    return "76-100"


def commitment_overdue(status: str, due: date, today: date | None = None) -> bool:
    return status not in ("CUMPLIDO", "NO_APLICA") and (today or date.today()) > due


def commitments_met_pct(statuses: list[str]) -> float | None:
    """#CUMPLIDO / (#total − #NO_APLICA) × 100; None when nothing applies."""
    applicable = [s for s in statuses if s != "NO_APLICA"]
    if not applicable:
        return None
    return round(sum(1 for s in applicable if s == "CUMPLIDO") * 100.0 / len(applicable), 2)


def status_for_progress(pct: float, current: str) -> str:
    """Status implied by a follow-up percentage (NO_APLICA/INCUMPLIDO are set explicitly)."""
    if current in ("NO_APLICA", "INCUMPLIDO") and pct < 100:
        return current
    if pct >= 100:
        return "CUMPLIDO"
    if pct > 0:
        return "EN_CURSO"
    return "PENDIENTE"
