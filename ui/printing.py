"""Printing a PDF the app made: each page rasterized with QtPdf and drawn on the printer chosen.

A high-resolution printer reports 600–1200 dots per inch; a page rendered at that resolution is a
140-megapixel image (over 500 MB) that takes seconds to draw. 300 dpi keeps text, signatures and an
acta's QR code sharp on paper at a sixteenth of that, and the painter scales it to the page.
"""

from __future__ import annotations

from pathlib import Path

PRINT_DPI = 300


def print_pdf_pages(pdf_path: Path | str, printer) -> int:
    """Draw every page of `pdf_path` on `printer`, fitted to the printable area; returns pages printed
    (0 when the printer cannot be painted on)."""
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(pdf_path))
    painter = QPainter()
    if not painter.begin(printer):
        doc.close()
        return 0
    pages = doc.pageCount()
    raster = min(PRINT_DPI, printer.resolution()) / max(printer.resolution(), 1)
    try:
        for i in range(pages):
            if i:
                printer.newPage()
            target = painter.viewport()
            size = doc.pagePointSize(i)
            scale = min(target.width() / size.width(), target.height() / size.height())
            w, h = int(size.width() * scale), int(size.height() * scale)
            image = doc.render(i, QSize(max(int(w * raster), 1), max(int(h * raster), 1)))
            painter.drawImage(QRect(target.x() + (target.width() - w) // 2, target.y(), w, h), image)
    finally:
        painter.end()
        doc.close()
    return pages
