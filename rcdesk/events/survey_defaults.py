"""Default evaluation questionnaire (domain.md §7.4); copied per event, then editable."""

from __future__ import annotations

DEFAULT_QUESTIONS: list[tuple[str, str, list[str]]] = [
    (
        "¿Cómo se enteró del evento?",
        "choice",
        ["Invitación directa", "Redes sociales", "Radio", "Prensa", "Página web", "Carteleras", "Otro"],
    ),
    ("La información presentada fue:", "choice", ["Clara", "Parcialmente clara", "Confusa"]),
    ("¿Se presentaron los resultados de la gestión y del presupuesto?", "choice", ["Sí", "No", "Parcialmente"]),
    ("La organización del evento fue:", "choice", ["Buena", "Regular", "Mala"]),
    ("La oportunidad para intervenir y preguntar fue:", "choice", ["Adecuada", "Inadecuada"]),
    ("¿Sus preguntas fueron respondidas?", "choice", ["Sí", "Parcialmente", "No", "No preguntó"]),
    ("¿Considera útil este espacio para el control de la gestión pública?", "choice", ["Sí", "No"]),
    ("¿Volvería a participar?", "choice", ["Sí", "No"]),
    ("Temas que desea que se informen el próximo año", "text", []),
    ("Sugerencias de mejora", "text", []),
]
