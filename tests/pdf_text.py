"""Text of a PDF read back in pure Python (pdfminer.six), so report tests need no poppler.

Each page comes out as rows, top to bottom, and each row's pieces left to right — what a reader
sees, like poppler's layout mode: a chart's label and its value («Verde 1») share a row even
when they are drawn far apart, and headers drawn once as a form XObject are included.
"""

from __future__ import annotations

from pathlib import Path


def _lines(item):
    from pdfminer.layout import LTTextLine

    if isinstance(item, LTTextLine):
        yield item
        return
    for child in getattr(item, "_objs", ()) or ():
        yield from _lines(child)


def pdf_text(path: Path | str) -> str:
    """Every page's text in reading order; pages end with a form feed as poppler's layout mode does."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    pages = []
    # all_texts: lay out text inside form XObjects too (the sheets' header is one)
    for page in extract_pages(str(path), laparams=LAParams(all_texts=True)):
        rows: list[tuple[float, float, list]] = []  # (top, bottom, [(x0, text)])
        for line in sorted(_lines(page), key=lambda ln: -ln.y1):
            text = line.get_text().strip()
            if not text:
                continue
            middle = (line.y0 + line.y1) / 2
            row = next((r for r in rows if r[1] <= middle <= r[0]), None)
            if row is None:
                rows.append((line.y1, line.y0, [(line.x0, text)]))
            else:
                row[2].append((line.x0, text))
        rows.sort(key=lambda r: -r[0])
        pages.append("\n".join("  ".join(t for _, t in sorted(r[2], key=lambda p: p[0])) for r in rows))
    return "\n\f".join(pages) + "\n"
