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
