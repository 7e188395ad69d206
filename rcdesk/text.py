"""Text helpers for matching Spanish text the way users expect ("garcia" finds "García")."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form used for matching and searching."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.replace("\u00a0", " ")).strip().casefold()


def clean(text: object) -> str:
    """Trim and collapse white space (including non-breaking spaces) in a cell value."""
    if text is None:
        return ""
    return _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip()


_SMALL_WORDS = {"de", "del", "la", "las", "los", "el", "y", "e", "en", "para", "por", "a"}


def smart_title(text: str) -> str:
    """ "MUNICIPIO DE ITAGÜÍ" -> "Municipio de Itagüí"; text already in mixed case is kept."""
    text = clean(text)
    if not text or text != text.upper():
        return text
    words = text.lower().split(" ")
    return " ".join(w if (i > 0 and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))
