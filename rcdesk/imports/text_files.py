"""One reader for every CSV import: encoding, delimiter, bounds and a clear refusal of binary files.

Offices' CSV files come from Excel in Spanish (semicolons, Windows-1252), from web forms (UTF-8,
often with a BOM), from LibreOffice or Notepad "Unicode" (UTF-16 with a BOM), and sometimes are
not text at all (an .xlsx or a PDF renamed .csv). The encoding is chosen as: BOM, then strict
UTF-8, then Windows-1252; Latin-1 only stands in for the five bytes Windows-1252 leaves
undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), so a stray byte never stops an import.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports import limits

DELIMITERS = (";", ",", "\t", "|")  # ";" first: Excel in Spanish writes it, and it wins ties
DELIMITER_LABELS = {";": "punto y coma", ",": "coma", "\t": "tabulador", "|": "barra vertical"}
_SAMPLE_CHARS = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 con BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


def _latin1_for_undefined(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)  # registered for decoding only
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("rcdesk-latin1", _latin1_for_undefined)


@dataclass(frozen=True)
class TextTable:
    """The rows of a CSV file, as text, and how it was read (for the preview)."""

    source: str  # the file's name
    rows: list[list[str]] = field(hash=False)
    encoding: str  # "UTF-8", "UTF-8 con BOM", "UTF-16 LE", "Windows-1252"…
    delimiter: str  # one of DELIMITERS
    warnings: tuple[str, ...] = ()

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)

    @property
    def described(self) -> str:
        return f"codificación {self.encoding}, separador {self.delimiter_label}"


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 saved without a BOM shows as NUL in every other byte of Latin text."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """(text, encoding label) of a text file's bytes; UserError (naming the file) when binary."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec.replace("-sig", "")), label
            except UnicodeDecodeError as exc:
                raise UserError(
                    f"El archivo «{name}» dice estar en {label} pero tiene bytes no válidos "
                    f"(posición {exc.start + len(bom)}). Guárdelo de nuevo como «CSV UTF-8»."
                ) from exc
    if b"\x00" in raw:
        utf16 = _utf16_without_bom(raw)
        if utf16:
            try:
                return raw.decode(utf16), utf16.upper().replace("UTF-16-", "UTF-16 ")
            except UnicodeDecodeError:
                pass
        if raw.startswith(limits.ZIP_MAGIC) or raw.startswith(limits.CFB_MAGIC):
            hint = "parece un libro de Excel con la extensión cambiada: impórtelo como .xlsx o .xls"
        elif raw.startswith(b"%PDF"):
            hint = "es un PDF"
        else:
            hint = "contiene datos binarios"
        raise UserError(
            f"El archivo «{name}» no es un texto CSV: {hint}. Ábralo en Excel o LibreOffice y "
            "guárdelo como «CSV (delimitado por comas)» o como libro de Excel."
        )
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="rcdesk-latin1"), "Windows-1252 (con bytes Latin-1)"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one same width (> 1)."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = DELIMITERS[0], (0, 0)
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        widths = [w for w in widths if w > 1]
        if not widths:
            continue
        width, rows = Counter(widths).most_common(1)[0]
        score = (rows, width)
        if score > best_score:
            best, best_score = d, score
    return best


def read_text_table(path: str | Path) -> TextTable:
    """Read a CSV/TXT file within the limits of `rcdesk.imports.limits`; raises UserError (Spanish,
    naming the file and the row) for binary content, a file too big, or rows/cells beyond the limits."""
    path = Path(path)
    name = path.name
    limits.check_file(path, limit=limits.MAX_CSV_BYTES, kind="un archivo CSV")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"No se pudo leer el archivo «{name}»: {exc.strerror or exc}.") from exc
    text, encoding = decode(raw, name)
    del raw
    delimiter = sniff_delimiter(text)
    rows: list[list[str]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            cells += len(row)
            if len(rows) > limits.MAX_ROWS:
                raise limits.too_big(name, f"tiene más de {limits.num(limits.MAX_ROWS)} filas")
            if cells > limits.MAX_CELLS:
                raise limits.too_big(
                    name,
                    f"tiene más de {limits.num(limits.MAX_CELLS)} celdas "
                    f"(se llegó a ese total en la fila {reader.line_num})",
                )
    except csv.Error as exc:
        raise UserError(
            f"El archivo «{name}», línea {reader.line_num}: no se puede leer como CSV ({exc}). "
            "Revise las comillas de esa línea."
        ) from exc
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    warnings = []
    if rows and max(len(r) for r in rows) == 1:
        warnings.append(
            f"«{name}» tiene una sola columna: no se reconoció ningún separador (se probaron punto y "
            "coma, coma, tabulador y barra vertical)."
        )
    return TextTable(name, rows, encoding, delimiter, tuple(warnings))


def to_grid(table: TextTable, sheet: str | None = None):
    """The table as a one-sheet workbook grid (cells cleaned like a workbook's text cells), so the
    workbook pipeline can treat a CSV like an .xlsx with one sheet."""
    from rcdesk.plans.xlsx_grid import Grid, clean_cell

    rows = [[clean_cell(v) for v in r] for r in table.rows]
    return Grid(sheet or Path(table.source).stem, rows)


def read_csv_grid(path: str | Path):
    """`read_text_table` then `to_grid`; the sheet is named after the file."""
    return to_grid(read_text_table(path))
