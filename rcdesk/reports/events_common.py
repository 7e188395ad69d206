"""Spanish dates of the event documents and fitting plain text into a table column (styles,
escaping and page numbers are in `rcdesk.reports.pdf_kit`).

reportlab is imported inside functions only (this module is imported by the command line and
the GUI at start-up time through the services).
"""

from __future__ import annotations

from datetime import date

from rcdesk.poa.periods import MONTHS
from rcdesk.reports.pdf_kit import form_table_style as table_style  # noqa: F401 - bench/bench_events.py imports it here


def long_date(d: date | str | None) -> str:
    if not d:
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"


def short_date(d: date | str | None) -> str:
    if not d:
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return d.strftime("%d/%m/%Y")


def fit(text: object, width: float, style=None, font: str = "Helvetica", size: float = 8) -> str:
    """Cell text that fits the column: unchanged when it fits, else broken into lines with "\n"
    (plain strings draw far faster than Paragraphs in long tables). `style` is unused (kept for
    callers that pass it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    s = "" if text is None else str(text)
    room = width - 6
    if stringWidth(s, font, size) <= room:
        return s
    lines, cur = [], ""
    for word in s.split():
        trial = f"{cur} {word}" if cur else word
        if stringWidth(trial, font, size) <= room:
            cur = trial
            continue
        if cur:
            lines.append(cur)
        while stringWidth(word, font, size) > room and len(word) > 1:  # a very long word: cut it
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], font, size) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        cur = word
    if cur:
        lines.append(cur)
    return "\n".join(lines)
