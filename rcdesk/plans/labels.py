"""Names of plan parts shared by the readers, the writers and the first screen.

Kept apart from rcdesk/plans/parsed.py (which re-exports them) so that the plan selector and
the home page load these constants without that module's dataclasses (start-up budget).
"""

from __future__ import annotations

# MURC stages (art. 56 Ley 1757/2015), in order; codes are stable identifiers.
MURC_STAGES: tuple[tuple[str, str], ...] = (
    ("aprestamiento", "Aprestamiento"),
    ("diseno", "Diseño"),
    ("preparacion", "Preparación"),
    ("ejecucion", "Ejecución"),
    ("seguimiento", "Seguimiento y Evaluación"),
)

# Group kinds as layouts name them.
GROUP_KINDS = {
    "fase": "Fase",
    "etapa": "Etapa",
    "elemento": "Elemento",
    "componente": "Componente",
    "subcomponente": "Subcomponente",
    "seccion": "Sección",
}
