"""«Borrador del informe de rendición de cuentas» (PDF, A4 horizontal) for internal approval:
the state of every section, then each section with the CPCCS labels, what it still lacks and
its notes. Long tables are laid out in chunks that repeat their header row.
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.reports.pdf_kit import build_pdf, esc, grid_tables, page_footer, report_styles
from rcdesk.services.cpccs import CpccsReport
from rcdesk.services.cpccs_schema import SectionView

CHUNK = 50
PAGE_WIDTH = 782  # landscape A4 less both margins, in points
CELL_PADDING = 3  # left and right padding of a grid cell (pdf_kit.grid_style)
STATE_HEX = {"completa": "#C8E6C9", "incompleta": "#FFE0B2", "no_aplica": "#E0E0E0"}


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(v)


def _widths(headers: tuple, rows: list, st: dict) -> list[float]:
    """Column widths shared out by how much each column holds (capped, so one long text cannot starve the rest),
    each at least as wide as the longest word of its header: «PONGA SI O NO» must not break inside «PONGA»."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    head = st["head"]
    weights, floors = [], []
    for c, h in enumerate(headers):
        longest = max([len(_text(r[c])) for r in rows if c < len(r)] or [0])
        weights.append(min(40, max(6, len(h) / 3, longest)))
        word = max(str(h).split() or [""], key=lambda w: stringWidth(w, head.fontName, head.fontSize))
        floors.append(stringWidth(word, head.fontName, head.fontSize) + 2 * CELL_PADDING + 1)
    total = sum(weights)
    widths = [PAGE_WIDTH * w / total for w in weights]
    short = sum(max(0.0, f - w) for f, w in zip(floors, widths))
    slack = sum(max(0.0, w - f) for f, w in zip(floors, widths))
    if short and slack > short:  # raise the narrow columns, taken from the others' room above their floor
        widths = [f if w <= f else w - (w - f) * short / slack for f, w in zip(floors, widths)]
    return widths


def _table(headers: tuple, rows: list, st: dict, widths: list[float] | None = None, fills: dict | None = None) -> list:
    return grid_tables(
        list(headers),
        [[_text(v) for v in r] for r in rows],
        widths or _widths(headers, rows, st),
        st,
        chunk=CHUNK,
        fills=fills,
        head_color="#1F4E79",
        line="#B0BEC5",
        zebra=None,
    )


def _section(i: int, s: SectionView, st: dict) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    story = [Paragraph(f"{i}. {esc(s.title)} — <font color='#37474F'>{esc(s.state_label)}</font>", st["h1"])]
    if s.facts:
        data = [[Paragraph(esc(k), st["bold"]), Paragraph(esc(_text(v)), st["cell"])] for k, v in s.facts]
        t = Table(data, colWidths=[PAGE_WIDTH * 0.45, PAGE_WIDTH * 0.55])
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B0BEC5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#ECEFF1")),
                ]
            )
        )
        story += [t, Spacer(1, 4)]
    if s.headers:
        tables = _table(s.headers, s.rows, st)
        if not s.rows:
            tables.append(Paragraph("Sin filas.", st["small"]))
        story.append(tables.pop(0))
    # the heading stays with its first lines (reportlab splits the group anyway when it is too long)
    story = [KeepTogether(story)]
    if s.headers:
        story += tables
    tail = []
    if s.missing:
        tail.append(Paragraph("<b>Lo que falta:</b> " + "; ".join(esc(m) for m in s.missing) + ".", st["body"]))
    for n in s.notes:
        tail.append(Paragraph(esc(n), st["small"]))
    story.append(KeepTogether([Spacer(1, 3), *tail]))
    return story


def write_pdf(out: Path, report: CpccsReport) -> Path:
    from reportlab.platypus import Paragraph

    st = report_styles(cell=7.5, body=9)
    inst = report.institution
    stamp = report.generated.strftime("%d/%m/%Y %H:%M")
    story = [
        Paragraph("Borrador del informe de rendición de cuentas", st["title"]),
        Paragraph(
            f"{esc(inst.name)} · periodo {report.year} · corte {report.cut.strftime('%d/%m/%Y')}", st["subtitle"]
        ),
        Paragraph("BORRADOR PARA APROBACIÓN INTERNA — no es el informe presentado al CPCCS", st["draft"]),
        Paragraph("Estado del informe", st["h1"]),
    ]
    rows = [(i, s.title, s.state_label, "; ".join(s.missing) or "—") for i, s in enumerate(report.sections, 1)]
    fills = {(i, 2): STATE_HEX[s.state] for i, s in enumerate(report.sections, 1)}
    story += _table(
        ("No.", "Sección del formulario", "Estado", "Lo que falta"),
        rows,
        st,
        widths=[28, 290, 70, PAGE_WIDTH - 388],
        fills=fills,
    )
    for i, s in enumerate(report.sections, 1):
        story += _section(i, s, st)
    build_pdf(
        out,
        story,
        title=f"Borrador del informe de rendición de cuentas {report.year}",
        author=inst.name,
        top=32,
        bottom=32,
        footer=page_footer(
            f"Borrador para aprobación interna · generado con rcdesk el {stamp}",
            header=f"{inst.name} — Borrador del informe de rendición de cuentas {report.year}",
        ),
    )
    return Path(out)
