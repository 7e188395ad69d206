"""Build the five demo/template workbooks in rcdesk/data/seeds/ from the seed text dumps.

    python tools/build_seed_workbooks.py [--seeds DIR] [--out DIR]

The seed texts are tab-separated dumps of real institutional plans (Excel/PDF). The
workbooks reproduce what those files look like — title rows, merged cells, headers
repeated at page breaks, X marks, dates as text and as real Excel dates, wrapped text —
so they exercise the importer the way real files do. Artefacts of the text dump itself
are repaired here, each one noted in a comment (a word split across two cells, a page
number typed into a cell, a row whose tabs were lost).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = Path("/work/shared/seeds")
DEFAULT_OUT = ROOT / "rcdesk" / "data" / "seeds"

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="BDD7EE")
GROUP_FILL = PatternFill("solid", fgColor="F8CBAD")
FASE_FILL = PatternFill("solid", fgColor="FFE699")


class Sheet:
    def __init__(self, ws, widths: list[float]) -> None:
        self.ws = ws
        self.r = 1
        self.width = len(widths)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"

    def title(self, text: str, *, size: int = 14, height: float | None = None) -> None:
        c = self.ws.cell(self.r, 1, text)
        c.font = Font(bold=True, size=size)
        c.alignment = CENTER
        self.ws.merge_cells(start_row=self.r, start_column=1, end_row=self.r, end_column=self.width)
        if height:
            self.ws.row_dimensions[self.r].height = height
        self.r += 1

    def blank(self, n: int = 1) -> None:
        self.r += n

    def page_break(self) -> None:
        from openpyxl.worksheet.pagebreak import Break

        self.ws.row_breaks.append(Break(id=self.r - 1))

    def row(self, values: list, *, style: str = "data", fill=None) -> int:
        for i, v in enumerate(values, start=1):
            c = self.ws.cell(self.r, i, v if v != "" else None)
            c.border = BORDER
            if style == "header":
                c.font = BOLD
                c.fill = HEAD_FILL
                c.alignment = CENTER
            elif style == "group":
                c.font = BOLD
                c.fill = fill or GROUP_FILL
                c.alignment = Alignment(vertical="center", wrap_text=True)
            else:
                c.alignment = (
                    CENTER
                    if (isinstance(v, str) and v.strip().upper() == "X") or isinstance(v, (int, datetime))
                    else WRAP
                )
                if isinstance(v, datetime):
                    c.number_format = "dd/mm/yyyy"
        r = self.r
        self.r += 1
        return r

    def merge(self, r0: int, c0: int, r1: int, c1: int, *, align=CENTER) -> None:
        if (r0, c0) != (r1, c1):
            self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        self.ws.cell(r0, c0).alignment = align


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def fields(line: str) -> list[str]:
    return [f.strip() for f in line.split("\t")]


def unbold(text: str) -> str:
    return text.replace("**", "").strip()


# ---------------------------------------------------------------------------------------
# 000 — CPCCS phases, Gobernación de Chimborazo 2021
def build_000(text: list[str], out: Path) -> int:
    phases: list[dict] = []
    for line in text:
        if not line.strip():
            continue
        f = fields(line)
        m = re.match(r"^(FASE \d)$", f[0])
        if m:
            phases.append({"code": f[0], "name": f[1], "rows": []})
            continue
        if not phases or "\t" not in line:
            continue
        if f[1:3] == ["ACTIVIDADES", "RESPONSABLES"]:
            continue
        label, activity, resp = (f + ["", "", ""])[:3]
        if not activity and resp == "14/":
            continue  # dump artefact: a page number ("14/") typed under the responsibles
        if not activity and phases[-1]["rows"]:
            # dump artefact: "Unidad de Tic" is one cell merged over two activities; the dump
            # printed it on a row of its own
            phases[-1]["merged_resp"] = resp
            continue
        if activity.endswith("equipo Técnic Administrativo de Rendición de Cuentas"):
            # dump artefact: "Técnico" was split across the activity and the responsible cells
            activity = activity.replace("Técnic Administrativo", "Técnico Administrativo")
            resp = resp.removeprefix("co ").strip()
        phases[-1]["rows"].append([label, activity, resp])

    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma 2021"
    s = Sheet(ws, [26, 80, 34])
    s.title("RENDICION DE CUENTAS AÑO 2021", size=14)
    s.title("Gobernación de Chimborazo", size=13)
    s.title("Implementación y seguimiento proceso de Rendición de Cuentas año 2021", size=12)
    s.blank()
    s.title("CRONOGRAMA", size=12)
    s.blank()
    count = 0
    for i, ph in enumerate(phases):
        r = s.row([ph["code"], ph["name"], ""], style="group", fill=FASE_FILL)
        s.merge(r, 2, r, 3, align=Alignment(horizontal="left", vertical="center"))
        if i == 0:
            s.row(["", "ACTIVIDADES", "RESPONSABLES"], style="header")
        # a section label covers every row of its section (merged vertically); rows of a
        # phase before its first label belong to that first label, as in the original
        rows = ph["rows"]
        labels = [k for k, row in enumerate(rows) if row[0]]
        starts = ([0] + labels[1:]) if labels else []
        first_r = s.r
        row_numbers = []
        for row in rows:
            row_numbers.append(s.row(["", row[1], row[2]]))
            count += 1
        for n, k in enumerate(starts):
            end = (starts[n + 1] if n + 1 < len(starts) else len(rows)) - 1
            label = rows[labels[n]][0]
            ws.cell(row_numbers[k], 1, label).font = BOLD
            s.merge(row_numbers[k], 1, row_numbers[end], 1)
        if ph.get("merged_resp"):
            # FASE 3: "Unidad de Tic" merged over both activities
            ws.cell(row_numbers[-1], 3).value = None
            ws.cell(row_numbers[0], 3).value = ph["merged_resp"]
            s.merge(row_numbers[0], 3, row_numbers[-1], 3, align=Alignment(vertical="center", wrap_text=True))
        del first_r
        s.blank()
    wb.save(out)
    return count


# ---------------------------------------------------------------------------------------
# MURC matrices: 001 (strategy 2021) and 003 (Ibagué 2022)
STAGE_HEAD = ["Aprestamiento", "Diseño", "Preparación", "Ejecución", "Seguimiento y Evaluación"]
MURC_WIDTHS = [18, 55, 13, 11, 13, 12, 14, 45, 5, 5, 5, 34]


def murc_blocks(text: list[str]) -> tuple[list[str], list[dict]]:
    """Title lines before the first header, and blocks {label, page_title, rows, extra_header}."""
    titles: list[str] = []
    blocks: list[dict] = []
    pending_title = ""
    for line in text:
        if not line.strip() or line.startswith("--"):
            continue
        f = fields(line)
        if "ACTIVIDADES" in f and "ETAPAS" in f:
            if not blocks and titles:
                pending_title = titles[-1].strip()
            blocks.append({"label": f[0], "page_title": pending_title, "rows": [], "sub": None, "extra": False})
            pending_title = ""
            continue
        if "Aprestamiento" in f:
            blocks[-1]["sub"] = f
            continue
        if blocks and set(x for x in f if x) == {"META/PRODUCTO"}:
            blocks[-1]["extra"] = True  # seed 003: an extra header row holding only META/PRODUCTO
            continue
        if "\t" not in line:
            if blocks:
                pending_title = line.strip()
            else:
                titles.append(line)
            continue
        if pending_title:
            # rows after a page title with no header of their own (seed 001's last page)
            blocks.append({"label": None, "page_title": pending_title, "rows": [], "sub": None, "extra": False})
            pending_title = ""
        blocks[-1]["rows"].append(f)
    return titles, blocks


def murc_row(f: list[str]) -> list:
    f = (f + [""] * 13)[:13]
    return f[:12]


def write_murc(s: Sheet, block: dict, *, label_in_header: bool, stray_meta: bool) -> int:
    ws = s.ws
    label = block["label"] or ""
    r0 = s.row(
        [
            label if label_in_header else "",
            "ACTIVIDADES",
            "ETAPAS",
            "",
            "",
            "",
            "",
            "META/PRODUCTO",
            "Cuatrimestre",
            "",
            "",
            "DEPENDENCIA RESPONSABLE",
        ],
        style="header",
    )
    sub = ["", "", *STAGE_HEAD, "META/PRODUCTO" if stray_meta else "", 1, 2, 3, ""]
    s.row(sub, style="header")
    s.merge(r0, 3, r0, 7)
    s.merge(r0, 9, r0, 11)
    for c in (2, 12):
        s.merge(r0, c, r0 + 1, c)
    if not stray_meta:
        s.merge(r0, 8, r0 + 1, 8)
    if block["extra"]:
        s.row(["", "", "", "", "", "", "", "META/PRODUCTO", "", "", "", ""], style="header")
    first = s.r
    n = 0
    for f in block["rows"]:
        row = murc_row(f)
        if not label_in_header and row[0]:
            label = row[0]
        row[0] = ""
        s.row(row)
        n += 1
    last = s.r - 1
    if label_in_header:
        s.merge(r0, 1, r0 + 1, 1)
    elif label and n:
        ws.cell(first, 1, label).font = BOLD
        s.merge(first, 1, last, 1)
    return n


def build_001(text: list[str], out: Path) -> int:
    titles, blocks = murc_blocks(text)
    wb = Workbook()
    ws = wb.active
    ws.title = "Estrategia RdC 2021"
    s = Sheet(ws, MURC_WIDTHS)
    # the cover title is one multi-line cell
    s.title("Cronograma\nproceso\nESTRATÉGIA DE\nRENDICIÓN DE CUENTAS\nVIGENCIA 2021", size=14, height=95)
    s.blank()
    count = 0
    for i, b in enumerate(blocks):
        if i:
            s.page_break()
        s.title(b["page_title"], size=12)
        s.blank()
        if b["label"] is None:
            # last page: no header, one row continuing RESPONSABILIDAD. Dump artefact: its
            # tabs were partly lost; the cells are restored as in the 2022 version (seed 003).
            s.row(
                [
                    "",
                    "Evaluar y verificar, por parte de la oficina de control interno, el cumplimiento de la "
                    "estrategia de rendición de cuentas incluyendo la eficacia y pertinencia de los mecanismos "
                    "de participación ciudadana establecidos en el cronograma.",
                    "",
                    "",
                    "",
                    "",
                    "X",
                    "Informe cuatrimestral de evaluación de los resultados de implementación de la estrategia.",
                    "X",
                    "X",
                    "X",
                    "Oficina de Control Interno",
                ]
            )
            count += 1
            continue
        count += write_murc(s, b, label_in_header=bool(b["label"]), stray_meta=(i == 1))
        s.blank()
    wb.save(out)
    return count


def build_003(text: list[str], out: Path) -> int:
    titles, blocks = murc_blocks(text)
    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma 2022"
    s = Sheet(ws, MURC_WIDTHS)
    for t in titles:
        s.title(t.strip(), size=14 if "Vigencia" in t else 11)
    count = 0
    for i, b in enumerate(blocks):
        if i:
            s.blank()
            s.page_break()
            s.title(b["page_title"], size=12)
        s.blank()
        count += write_murc(s, b, label_in_header=True, stray_meta=bool(b["sub"] and "META/PRODUCTO" in b["sub"]))
    wb.save(out)
    return count


# ---------------------------------------------------------------------------------------
# 002 — dated cronograma by etapa, Itagüí 2020
def build_002(text: list[str], out: Path) -> int:
    etapas: list[dict] = []
    for line in text:
        if not line.strip():
            if etapas and etapas[-1]["rows"]:
                etapas[-1]["rows"].append(None)  # a blank row, as in the original
            continue
        f = fields(line)
        if f[0].startswith("ETAPA"):
            etapas.append({"name": f[0], "rows": []})
            continue
        if f[0] == "No.":
            continue
        if len(f) >= 5 and etapas:
            etapas[-1]["rows"].append(f[:5])
    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma RC 2020"
    s = Sheet(ws, [6, 70, 14, 14, 42])
    s.title("CRONOGRAMA DE RENDICIÓN DE CUENTAS GENERAL\nMUNICIPIO DE ITAGÜÍ\n02 DE DICIEMBRE 2020", size=13, height=52)
    s.blank()
    count = 0
    for i, e in enumerate(etapas):
        r = s.row([e["name"], "", "", "", ""], style="group")
        s.merge(r, 1, r, 5, align=Alignment(horizontal="center", vertical="center"))
        s.row(["No.", "ACTIVIDAD", "FECHA INICIAL", "FECHA FINAL", "RESPONSABLE"], style="header")
        rows = e["rows"]
        while rows and rows[-1] is None:
            rows.pop()
        for f in rows:
            if f is None:
                s.blank()
                continue
            no, act, d1, d2, resp = f
            if i >= 2:
                # later etapas carry real Excel dates; the first two keep the d/mm/yyyy text
                d1 = datetime.strptime(d1, "%d/%m/%Y")
                d2 = datetime.strptime(d2, "%d/%m/%Y")
            s.row([int(no), act, d1, d2, resp])
            count += 1
    wb.save(out)
    return count


# ---------------------------------------------------------------------------------------
# 004 — PAAC componente 3, Gobernación de Nariño 2022
def build_004(text: list[str], out: Path) -> int:
    pages: list[dict] = []
    cover: list[str] = []
    pending: list[str] = []
    for line in text:
        if not line.strip():
            continue
        f = fields(line)
        if f[0] == "Subcomponente" and "Actividades" in f:
            pages.append({"titles": pending, "rows": []})
            pending = []
            continue
        nonempty = [x for x in f if x]
        if len(nonempty) == 1 and f[0]:
            if (
                pages
                or pending
                or "RENDICION DE CUENTAS" in f[0]
                or f[0].startswith("PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO -")
            ):
                pending.append(f[0])
            else:
                cover.append(f[0])
            continue
        pages[-1]["rows"].append((f + [""] * 6)[:6])
    # the logo block of the cover is three lines of one cell
    logo = "Gobernación\nde Nariño\n¡EN DEFENSA DE LO NUESTRO!"
    cover = [c for c in cover if c not in ("Gobernación", "de Nariño", "¡EN DEFENSA DE LO NUESTRO!")]
    wb = Workbook()
    ws = wb.active
    ws.title = "Componente 3"
    s = Sheet(ws, [34, 60, 40, 17, 32, 24])
    for t in cover:
        s.title(t, size=13)
    s.title(logo, size=11, height=48)
    s.blank()
    count = 0
    continuations = 0
    for i, page in enumerate(pages):
        if i:
            s.page_break()
        for t in page["titles"]:
            s.title(t, size=12)
        s.row(
            ["Subcomponente", "Actividades", "Meta o Producto", "Recursos", "Responsable", "Fecha programada"],
            style="header",
        )
        start = s.r
        label_rows: list[int] = []
        for row in page["rows"]:
            r = s.row(row)
            if row[0]:
                label_rows.append(r)
            if row[1][:1].islower():
                continuations += 1  # an activity cut by the page break: not a new activity
            else:
                count += 1
        # each subcomponente cell is merged down to the end of its rows on this page
        for k, r in enumerate(label_rows):
            end = (label_rows[k + 1] if k + 1 < len(label_rows) else s.r) - 1
            s.merge(r, 1, end, 1, align=Alignment(vertical="center", wrap_text=True))
            ws.cell(r, 1).font = BOLD
        del start
        s.blank()
    wb.save(out)
    return count


SEEDS = {
    "000": ("000_cpccs_chimborazo_2021.xlsx", build_000),
    "001": ("001_murc_estrategia_2021.xlsx", build_001),
    "002": ("002_dated_itagui_2020.xlsx", build_002),
    "003": ("003_murc_ibague_2022.xlsx", build_003),
    "004": ("004_paac_narino_2022.xlsx", build_004),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder with the NNN_*.txt seed dumps")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for prefix, (name, build) in SEEDS.items():
        matches = sorted(args.seeds.glob(f"{prefix}_*.txt"))
        if not matches:
            print(f"missing seed text {prefix}_*.txt in {args.seeds}", file=sys.stderr)
            return 1
        n = build(lines_of(matches[0]), args.out / name)
        print(f"{name}: {n} activities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
