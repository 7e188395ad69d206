"""Numbers typed by people (command line, forms): finite, readable, refused in Spanish otherwise.

`Decimal("nan")`, `float("inf")` and `Decimal("1e400")` all parse without complaint, then
break a comparison far away (InvalidOperation) or store infinity; every value a user types
goes through `parse_decimal` first so the refusal names the field instead.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from rcdesk.errors import UserError

# Far beyond any budget, quantity or percentage in a plan, and well inside a float's range,
# so a value that passes survives being stored as a SQLite REAL.
LIMIT = Decimal("1e15")


def parse_decimal(value: object, what: str) -> Decimal | None:
    """Decimal from what was typed ("85", "85,5", " 1e3 ", 85.5); None when left empty.

    Raises UserError naming `what` for text that is not a number, NaN, infinities and values
    beyond ±10^15.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # True is an int to Python, not a number to a user
        raise UserError(f"{what}: «{value}» no es un número.")
    text = str(value).strip()
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, float):
            number = Decimal(repr(value)) if math.isfinite(value) else Decimal(text)
        else:
            number = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        raise UserError(f"{what}: «{text}» no es un número.") from None
    if not number.is_finite():
        raise UserError(f"{what}: «{text}» no es un número válido (escriba una cifra, por ejemplo 85).")
    if abs(number) > LIMIT:
        raise UserError(f"{what}: «{text}» es demasiado grande; revise el dato.")
    return number


def parse_float(value: object, what: str) -> float | None:
    """`parse_decimal` for callers that store floats."""
    number = parse_decimal(value, what)
    return None if number is None else float(number)
