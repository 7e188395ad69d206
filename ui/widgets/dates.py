"""A date field that Tab leaves.

QDateEdit spends Tab on its own sections (day → month → year), so a keyboard user filling a
form is stuck three presses in one field and Shift+Tab walks back through them. Here Tab and
Shift+Tab move to the next field like everywhere else; typing the digits still advances from
day to month to year, and the arrow keys still pick a section.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget


class DateEdit(QDateEdit):
    """dd/mm/aaaa with a calendar popup; Tab goes to the next field."""

    def __init__(self, value: date | QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy")
        if isinstance(value, date):
            value = QDate(value.year, value.month, value.day)
        self.setDate(value if value is not None else QDate.currentDate())

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)
