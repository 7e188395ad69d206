"""Page furniture shared by every PDF report: "Página x de y" needs the total page count."""
from __future__ import annotations

from typing import Callable


def numbered_canvas(footer: Callable) -> type:  # noqa: ANN001
    """A Canvas class that knows the page count: `footer(canvas, page, total)` draws each footer."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            self._saved = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas
