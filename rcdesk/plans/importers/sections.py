"""Text sections under a cronograma's table: «PROCEDIMIENTO», «HERRAMIENTAS», «NOTAS:»,
«OBSERVACIONES», and bullet lists («•», «-», «1.»).

CPCCS cronogramas explain the process below the table; read as rows, those lines look like
activities without dates. The parsers stop taking activities at such a heading and report the
rows as one warning instead (see `SheetParser.parse`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(
    r"^\s*(procedimientos?|herramientas?|notas?|observaci[oó]n(?:es)?|aclaraci[oó]n(?:es)?|"
    r"recomendaci[oó]n(?:es)?|metodolog[ií]a)(?:\s+generales)?\s*(?:[:.\-–—]|$)",
    re.IGNORECASE,
)
BULLET = re.compile(r"^\s*(?:[•·▪◦●■➢►✓\-–—*]|\d{1,2}[.)](?!\d))\s*\S")
BULLET_LIST = "lista con viñetas"


def heading_of(text: str) -> str | None:
    """«PROCEDIMIENTO» for «PROCEDIMIENTO:» or «Procedimiento: …»; None when `text` is no heading."""
    m = HEADING.match(text)
    return m[0].strip().rstrip(":.-–—").strip() if m else None


def is_bullet(text: str) -> bool:
    return bool(BULLET.match(text))


@dataclass
class Section:
    """Rows (0-based, first and last non-blank) of one section under the table."""

    name: str
    first: int
    last: int
