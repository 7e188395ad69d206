"""Group labels as offices write them: «Subcomponente/proceso 1: Información de calidad»,
«Subcomponente 2 Diálogo», «Componente 3. Rendición de cuentas», «FASE 0», «Fase II – Evaluación».

The numbered part becomes the group's code and the rest its name, so exports and the
group list show «Subcomponente 1 – Información de calidad» instead of one long name.
"""

from __future__ import annotations

import re

_LABEL = re.compile(
    r"^\s*((fase|etapa|componente|sub\s*-?\s*componente(?:\s*/\s*proceso)?|proceso|elemento)"
    r"\s*(?:n\s*[°º.o]\s*)?(\d+|[ivx]+)(?:[a-z](?![a-z]))?)"
    r"\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_KINDS = {"fase": "fase", "etapa": "etapa", "componente": "componente", "elemento": "elemento"}


def split_label(text: str) -> tuple[str | None, str, str]:
    """(kind, code, name) of a numbered label; (None, "", text) when it carries no number.

    kind is a GROUP_KINDS key ("subcomponente", "componente", "fase"…), or None for «Proceso N».
    """
    m = _LABEL.match(text or "")
    if not m:
        return None, "", (text or "").strip()
    word = re.sub(r"\s+", "", m[2].lower())
    kind = "subcomponente" if word.startswith("sub") else _KINDS.get(word)
    return kind, re.sub(r"\s+", " ", m[1].strip()), m[4].strip()
