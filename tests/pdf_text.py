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


def pdf_text(path: Path | str, *, last: int | None = None) -> str:
    """Every page's text in reading order; pages end with a form feed as poppler's layout mode does.

    `last=n` reads only the last n pages: laying a page out is what costs, and a test about how a
    document ends need not lay out its beginning."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    numbers = None
    if last is not None:
        from pdfminer.pdfpage import PDFPage

        with open(path, "rb") as fp:
            count = sum(1 for _ in PDFPage.get_pages(fp))
        numbers = set(range(max(count - last, 0), count))
    pages = []
    # all_texts: lay out text inside form XObjects too (the sheets' header is one)
    for page in extract_pages(str(path), page_numbers=numbers, laparams=LAParams(all_texts=True)):
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
