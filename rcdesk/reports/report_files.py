"""Writing a report file the safe way, and the small table helpers the Colombian documents share.

A report is written to "<name>.tmp" next to the target and moved over it only when complete,
so a failure (or Cancelar) never leaves half a file where the last good one was.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from rcdesk.errors import UserError


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(tmp)` and move the finished temporary file over `path`."""
    path = Path(path)
    if not path.parent.exists():
        raise UserError(f"La carpeta «{path.parent}» no existe.")
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        tmp.replace(path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"No se pudo escribir «{path}»: el archivo está abierto en otro programa o la carpeta "
                        "no permite escribir.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def pdf_table(head: list[str], rows: list[list], widths: tuple, st: dict, *,  # noqa: ANN001
              lights: dict[int, tuple[int, str]] | None = None, center: tuple[int, ...] = ()):  # noqa: ANN201
    """A grid of wrapped Paragraph cells with a dark header row repeated on each page.

    `lights` = {row: (column, hex)} paints a traffic-light cell; `center` columns are centred.
    """
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    from rcdesk.reports.seguimiento_pdf import _esc

    body = [[Paragraph(_esc(h), st["head"]) for h in head]]
    for r in rows:
        body.append([c if not isinstance(c, (str, int, float)) else
                     Paragraph(_esc(str(c)), st["center"] if k in center else st["cell"]) for k, c in enumerate(r)])
    t = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    cmds = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#37474F")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9E9E9E")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i in range(2, len(body), 2):
        cmds.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F5F5F5")))
    for row, (col, hexcolor) in (lights or {}).items():
        cmds.append(("BACKGROUND", (col, row), (col, row), colors.HexColor(hexcolor)))
    t.setStyle(TableStyle(cmds))
    return t


def light_paragraph(color: str, label: str, st: dict):  # noqa: ANN201
    """The text of a Semáforo cell: dark on yellow, white on the other lights."""
    from reportlab.platypus import Paragraph

    from rcdesk.reports.seguimiento_pdf import _esc

    return Paragraph(_esc(label), st["light_dark"] if color == "amarillo" else st["light"])


def build_pdf(path: Path, story: list, *, title: str, author: str, footer: str, landscape: bool = True) -> Path:
    """Lay out `story` on A4 with "Página x de y" and write it atomically."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    from rcdesk.reports.seguimiento_pdf import _numbered_canvas

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(str(tmp), pagesize=turn(A4) if landscape else A4, leftMargin=30, rightMargin=30,
                                topMargin=1.2 * cm, bottomMargin=1.2 * cm, title=title, author=author,
                                subject=title, lang="es")
        doc.build(story, canvasmaker=_numbered_canvas(footer))

    return write_atomically(path, write)
