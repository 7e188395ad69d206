"""Bounds on the files users bring in, checked before any reader loads them.

A workbook is a zip of XML parts that the readers (python-calamine, openpyxl) inflate whole,
and calamine allocates every cell from A1 to the last value of a sheet. A few kilobytes can
therefore ask for gigabytes: a "zip bomb" part, a part that lies about its inflated size, or a
single value in cell Z900000. `check_workbook` streams every part through a byte cap, counting
rows and the cell area actually used, and refuses with a Spanish message naming the file (and
the sheet) before anything big is allocated. The sheet's ``<dimension>`` is not trusted: neither
Excel's writers nor calamine are bound by it (a lying dimension allocates nothing, a true one
does not prove the cells stay inside it).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from rcdesk.errors import UserError

MB = 1 << 20
MAX_FILE_BYTES = 100 * MB  # a workbook on disk
MAX_XLS_BYTES = 64 * MB  # old .xls (BIFF is not compressed: size ~ memory)
MAX_CSV_BYTES = 50 * MB
MAX_MEMBERS = 10_000  # parts inside one zip; real workbooks have tens
MAX_INFLATED_BYTES = 400 * MB  # all parts of a workbook, inflated
MAX_RATIO = 200  # inflated / compressed for a part above RATIO_FLOOR
RATIO_FLOOR = 16 * MB
MAX_ROWS = 200_000  # per workbook (and per CSV file)
MAX_CELLS = 3_000_000  # cell area (rows × columns used) per workbook; ~0.3 GB once read
MAX_METADATA_BYTES = 8 * MB  # workbook.xml, rels: read whole to name the sheets

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_CHUNK = MB

# parts the readers never open: pictures, embedded objects, printer settings, macros
_UNREAD = re.compile(
    r"(^|/)(media|embeddings|printerSettings|Pictures|Thumbnails)/|vbaProject\.bin$|"
    r"\.(png|jpe?g|gif|bmp|emf|wmf|tiff?|svg)$",
    re.IGNORECASE,
)


def mb(n: int) -> str:
    return f"{n / MB:,.0f}".replace(",", " ") if n >= MB else f"{n / MB:.2f}".replace(".", ",")


def num(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def too_big(name: str, what: str) -> UserError:
    return UserError(
        f"El archivo «{name}» {what}; rcdesk no lo abre para no agotar la memoria del equipo. "
        "Si el libro es legítimo, divídalo en archivos más pequeños o elimine las hojas, filas y "
        "columnas vacías o de formato al final de las hojas."
    )


def _damaged(name: str, detail: str = "") -> UserError:
    return UserError(
        f"El archivo «{name}» está dañado o incompleto y no se puede leer como libro de cálculo"
        + (f" ({detail})" if detail else "")
        + ". Vuelva a descargarlo o a guardarlo desde Excel o LibreOffice."
    )


def check_file(path: Path, *, limit: int, kind: str) -> int:
    """Existence, type and size of `path`; returns its size in bytes."""
    name = path.name
    if not path.exists():
        raise UserError(f"No se encontró el archivo «{name}».", details=[str(path)])
    if path.is_dir():
        raise UserError(f"«{name}» es una carpeta, no {kind}.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"No se pudo abrir el archivo «{name}»: {exc.strerror or exc}.") from exc
    if size == 0:
        raise UserError(f"El archivo «{name}» está vacío (0 bytes).")
    if size > limit:
        raise too_big(name, f"ocupa {mb(size)} MB, más que el máximo de {mb(limit)} MB para {kind}")
    return size


def workbook_kind(path: Path) -> str:
    """ "zip" (to be checked part by part) or "xls", from the first bytes; raises UserError for the rest."""
    name = path.name
    check_file(path, limit=MAX_FILE_BYTES, kind="un libro de cálculo")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UserError(f"No se pudo abrir el archivo «{name}»: {exc.strerror or exc}.") from exc
    if head.startswith(CFB_MAGIC):
        return _cfb_kind(path)
    if head.startswith(EMPTY_ZIP_MAGIC):
        raise UserError(f"El archivo «{name}» es un archivo comprimido vacío, no un libro de Excel.")
    if not head.startswith(ZIP_MAGIC):
        raise UserError(
            f"El archivo «{name}» no es un libro de Excel (.xlsx, .xls) ni de LibreOffice (.ods). "
            "Si es un CSV, impórtelo con la extensión .csv; si es un PDF u otro formato, ábralo en Excel o "
            "LibreOffice y guárdelo como «Libro de Excel (.xlsx)»."
        )
    return "zip"


def check_workbook(path: str | Path) -> str:
    """Refuse (UserError, Spanish, naming the file and sheet) any workbook that a reader could not
    load within the limits above; returns "xlsx", "xlsb", "ods" or "xls". Reads in bounded memory."""
    path = Path(path)
    kind = workbook_kind(path)
    if kind == "xls":
        return kind
    return _check_zip(path)


# -- zip workbooks (.xlsx, .xlsm, .xlsb, .ods) ---------------------------------------------------
def _member_count(path: Path) -> int | None:
    """Entries declared by the end-of-central-directory record, read before zipfile builds an
    object per entry (None when it is not found: zipfile will then say the file is damaged)."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(EMPTY_ZIP_MAGIC)
    if at < 0 or at + 22 > len(tail):
        return None
    return struct.unpack_from("<H", tail, at + 10)[0]


def _zip_kind(names: set[str], name: str) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        if "mimetype" in names or "META-INF/manifest.xml" in names:
            return "ods"
        raise UserError(
            f"El archivo «{name}» parece una hoja de cálculo de LibreOffice (.ods) incompleta: le "
            "faltan partes. Ábrala en LibreOffice y guárdela de nuevo (.ods o .xlsx)."
        )
    if "word/document.xml" in names:
        what = "un documento de Word (.docx)"
    elif "ppt/presentation.xml" in names:
        what = "una presentación de PowerPoint (.pptx)"
    elif any(n.startswith("xl/") for n in names):
        raise UserError(
            f"El archivo «{name}» está incompleto: le falta la parte «xl/workbook.xml» del libro. "
            "Vuelva a guardarlo desde Excel."
        )
    else:
        what = "un archivo comprimido que no es un libro de Excel"
    raise UserError(
        f"El archivo «{name}» es {what}. Ábralo en Excel o LibreOffice y guárdelo como «Libro de Excel (.xlsx)»."
    )


def _check_zip(path: Path) -> str:
    name = path.name
    try:
        declared = _member_count(path)
        if declared is not None and declared > MAX_MEMBERS:
            raise too_big(name, f"contiene {num(declared)} partes (un libro real tiene decenas)")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise too_big(name, f"contiene {num(len(infos))} partes (un libro real tiene decenas)")
            kind = _zip_kind({i.filename for i in infos}, name)
            read = [i for i in infos if not i.is_dir() and not _UNREAD.search(i.filename)]
            _check_declared(name, read)
            sheets = _sheet_parts(zf, kind, name)
            budget = MAX_INFLATED_BYTES
            area = 0
            with path.open("rb") as raw:
                for info in read:
                    scan = _scanner(kind, info.filename, sheets)
                    budget -= _inflate(raw, info, name, budget, scan.feed if scan else None)
                    if scan:
                        area += scan.finish(name)
    except UserError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        KeyError,
        NotImplementedError,
        RuntimeError,
        struct.error,
    ) as exc:
        raise _damaged(name) from exc
    except OSError as exc:
        raise UserError(f"No se pudo leer el archivo «{name}»: {exc.strerror or exc}.") from exc
    if area > MAX_CELLS:
        raise too_big(name, f"usa {num(area)} celdas entre todas sus hojas (máximo {num(MAX_CELLS)})")
    return kind


def _check_declared(name: str, infos: list[zipfile.ZipInfo]) -> None:
    total = sum(i.file_size for i in infos)
    if total > MAX_INFLATED_BYTES:
        raise too_big(name, f"se expande a {mb(total)} MB al abrirlo (máximo {mb(MAX_INFLATED_BYTES)} MB)")
    for i in infos:
        if i.flag_bits & 0x1:
            raise UserError(
                f"El archivo «{name}» tiene partes cifradas («{i.filename}»). Quite la contraseña "
                "en Excel y guárdelo de nuevo antes de importarlo."
            )
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(name, f"la parte «{i.filename}» usa una compresión no admitida")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise too_big(
                name,
                f"contiene una parte («{i.filename}») que se expande {i.file_size // max(i.compress_size, 1)} "
                f"veces, de {mb(i.compress_size)} a {mb(i.file_size)} MB, como una «bomba zip»",
            )


def _inflate(raw, info: zipfile.ZipInfo, name: str, budget: int, feed) -> int:
    """Inflate one part in 1 MB steps, never past its declared size nor the workbook's budget
    (a part may lie about its size, and the readers would believe the stream, not the header)."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise _damaged(name, f"falta el encabezado de la parte «{info.filename}»")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    cap = min(info.file_size, budget)
    out = 0
    crc = 0
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                break
            pending = raw.read(min(_CHUNK, left))
            if not pending:
                raise _damaged(name, f"la parte «{info.filename}» está cortada")
            left -= len(pending)
        if inflater is None:
            data, pending = pending, b""
        else:
            data = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
        out += len(data)
        if out > cap:
            if out > budget:
                raise too_big(name, f"se expande a más de {mb(MAX_INFLATED_BYTES)} MB al abrirlo")
            raise _damaged(name, f"la parte «{info.filename}» ocupa más de lo que declara")
        crc = zlib.crc32(data, crc)
        if feed is not None and data:
            feed(data)
        if inflater is not None and inflater.eof:
            break
    if out != info.file_size or crc != info.CRC:
        raise _damaged(name, f"la parte «{info.filename}» no coincide con su suma de control")
    return out


# -- naming the sheets ----------------------------------------------------------------------
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb'([\w.:-]+)\s*=\s*"([^"]*)"')


def _attrs(raw: bytes) -> dict[str, str]:
    import html

    out = {}
    for k, v in _ATTR.findall(raw):
        key = k.decode("ascii", "replace")
        local = key.split(":")[-1]
        out["rid" if ":" in key and local == "id" else local] = html.unescape(v.decode("utf-8", "replace"))
    return out


def _small(zf: zipfile.ZipFile, member: str) -> bytes:
    try:
        info = zf.getinfo(member)
    except KeyError:
        return b""
    if info.file_size > MAX_METADATA_BYTES:
        raise UserError(
            f"La parte «{member}» del archivo «{zf.filename and Path(zf.filename).name}» es "
            "demasiado grande para ser la lista de hojas de un libro."
        )
    with zf.open(info) as fh:
        return fh.read(MAX_METADATA_BYTES + 1)


def _sheet_parts(zf: zipfile.ZipFile, kind: str, name: str) -> dict[str, str]:
    """Zip member → sheet name, for the parts holding cells (xlsx); {} when unknown."""
    if kind != "xlsx":
        return {}
    targets = {}
    for raw in _REL.findall(_small(zf, "xl/_rels/workbook.xml.rels")):
        a = _attrs(raw)
        target = a.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[a.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    out = {}
    for raw in _SHEET.findall(_small(zf, "xl/workbook.xml")):
        a = _attrs(raw)
        member = targets.get(a.get("rid") or a.get("id", ""))
        if member:
            out[member] = a.get("name", "")
    return out


def _scanner(kind: str, member: str, sheets: dict[str, str]):
    if kind == "xlsx" and (member in sheets or re.match(r"xl/worksheets/[^/]+\.xml$", member)):
        return _XlsxSheetScan(sheets.get(member) or member.rsplit("/", 1)[-1])
    if kind == "ods" and member == "content.xml":
        return _OdsScan()
    return None


# -- counting what a reader would allocate ----------------------------------------------------------
def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_extent(name: str, sheet: str, rows: int, cols: int) -> int:
    if rows > MAX_ROWS:
        raise too_big(
            name, f"tiene datos hasta la fila {num(rows)} en la hoja «{sheet}» (máximo {num(MAX_ROWS)} filas)"
        )
    area = rows * cols
    if area > MAX_CELLS:
        raise too_big(
            name,
            f"usa {num(rows)} filas × {num(cols)} columnas = {num(area)} celdas en la hoja "
            f"«{sheet}» (máximo {num(MAX_CELLS)})",
        )
    return area


class _XlsxSheetScan:
    """Rows and columns holding a value in one worksheet part, from the XML stream.

    A cell without content (``<c r="Z9" s="3"/>``, formatting only) is not read by calamine,
    so only cells with content count. Cells normally carry ``r="A1"`` as first attribute (the
    fast path, all in the regex engine); any other form is walked tag by tag.
    """

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.tail = b""
        self.pattern_for: bytes | None = None
        self.max_row = 0
        self.max_col = 0
        self.row = 0
        self.col = 0

    def _compile(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.valued_ref = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
        self.valued_any = re.compile(rb"<" + p + rb"c(?:\s[^>/]*)?>")
        self.tags = re.compile(rb"<" + p + rb"(row|c)\b([^>]*)>")
        self.pattern_for = prefix

    def feed(self, data: bytes) -> None:
        data = self.tail + data
        cut = data.rfind(b"<")
        if cut < 0 or len(data) - cut > 65_536:
            cut = len(data)
        data, self.tail = data[:cut], data[cut:]
        if self.pattern_for is None:
            m = re.search(rb"<([\w.-]+:)?worksheet\b", data)
            self._compile(m.group(1) or b"" if m else b"")
        found = self.valued_ref.findall(data)
        if len(found) == len(self.valued_any.findall(data)):
            if found:
                self.max_col = max(self.max_col, max(map(_col_index, {c for c, _ in found})))
                self.max_row = max(self.max_row, int(found[-1][1]))
                self.row = self.max_row
            return
        self._walk(data)

    def _walk(self, data: bytes) -> None:
        for m in self.tags.finditer(data):
            kind, attrs = m.group(1), m.group(2)
            if kind == b"row":
                r = re.search(rb'\br="([0-9]+)"', attrs)
                self.row, self.col = (int(r[1]) if r else self.row + 1), 0
                continue
            ref = re.search(rb'\br="([A-Z]{1,3})([0-9]+)"', attrs)
            if ref:
                self.col, self.row = _col_index(ref[1]), int(ref[2])
            else:
                self.col += 1
            if not attrs.rstrip().endswith(b"/"):
                self.max_row = max(self.max_row, self.row)
                self.max_col = max(self.max_col, self.col)

    def finish(self, name: str) -> int:
        self.feed(b"")
        return _check_extent(name, self.sheet, self.max_row, self.max_col)


class _OdsScan:
    """Rows and columns holding a value per table of an .ods content.xml; repeated rows and
    columns (``number-rows-repeated``) count as many times as calamine would expand them."""

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

    def __init__(self) -> None:
        import pyexpat

        self.parser = pyexpat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.tables: list[tuple[str, int, int]] = []
        self.sheet = ""
        self.row = self.col = self.max_row = self.max_col = 0
        self.repeat = 1
        self.row_valued = False
        self.broken: Exception | None = None

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        t = self.TABLE + " "
        if tag == t + "table":
            self.sheet = attrs.get(t + "name", "")
            self.row = self.max_row = self.max_col = 0
        elif tag == t + "table-row":
            self.repeat = max(1, int(attrs.get(t + "number-rows-repeated", "1") or 1))
            self.col, self.row_valued = 0, False
        elif tag in (t + "table-cell", t + "covered-table-cell"):
            n = max(1, int(attrs.get(t + "number-columns-repeated", "1") or 1))
            if self.OFFICE + " value-type" in attrs:
                self.max_col = max(self.max_col, self.col + n)
                self.row_valued = True
            self.col += n

    def _end(self, tag: str) -> None:
        t = self.TABLE + " "
        if tag == t + "table-row":
            if self.row_valued:
                self.max_row = self.row + self.repeat
            self.row += self.repeat
        elif tag == t + "table":
            self.tables.append((self.sheet, self.max_row, self.max_col))

    def feed(self, data: bytes) -> None:
        if self.broken is None:
            try:
                self.parser.Parse(data, False)
            except Exception as exc:
                self.broken = exc

    def finish(self, name: str) -> int:
        if self.broken is None:
            try:
                self.parser.Parse(b"", True)
            except Exception as exc:
                self.broken = exc
        if self.broken is not None:
            raise UserError(
                f"El archivo «{name}» es una hoja de cálculo de LibreOffice (.ods) dañada: su contenido "
                "no es XML válido. Ábrala en LibreOffice y guárdela de nuevo."
            ) from self.broken
        return sum(_check_extent(name, sheet, rows, cols) for sheet, rows, cols in self.tables)


# -- OLE/CFB containers: an old .xls, or an .xlsx encrypted with a password -----------------------
_CFB_KNOWN = ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument")


def _cfb_kind(path: Path) -> str:
    name = path.name
    check_file(path, limit=MAX_XLS_BYTES, kind="un libro de Excel antiguo (.xls)")
    try:
        streams = _cfb_stream_names(path)
    except (OSError, struct.error, ValueError, IndexError):
        streams = set()
    if not streams & set(_CFB_KNOWN):
        # a directory we could not walk: the stream names still sit in the bytes
        data = path.read_bytes()
        streams = {s for s in _CFB_KNOWN if s.encode("utf-16-le") in data or s.encode() in data}
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise UserError(
            f"El libro «{name}» está protegido con contraseña (cifrado). Ábralo en Excel, quite la contraseña "
            "(Archivo › Información › Proteger libro) y guárdelo de nuevo antes de importarlo."
        )
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if not streams:
        raise _damaged(name, "contenedor OLE ilegible")
    raise UserError(
        f"El archivo «{name}» es un documento de Word antiguo (.doc), no un libro de Excel. "
        "Ábralo en Excel o LibreOffice y guárdelo como «Libro de Excel (.xlsx)»."
    )


def _cfb_stream_names(path: Path) -> set[str]:
    """Names in the directory of a Compound File (MS-CFB §2.2, §2.6), following the FAT chain of
    the directory only; every loop is bounded so a looping chain cannot hang the check."""
    with path.open("rb") as fh:
        header = fh.read(512)
        if len(header) < 512:
            raise ValueError("short header")
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError("sector size")
        size = 1 << shift
        per = size // 4
        (first_dir,) = struct.unpack_from("<I", header, 0x30)
        first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
        difat = list(struct.unpack_from("<109I", header, 0x4C))
        sector = first_difat
        for _ in range(min(n_difat, 4096)):
            if sector >= 0xFFFFFFFA:
                break
            fh.seek((sector + 1) * size)
            block = fh.read(size)
            entries = struct.unpack(f"<{per}I", block)
            difat.extend(entries[:-1])
            sector = entries[-1]

        def next_sector(s: int) -> int:
            fat_sector = difat[s // per]
            fh.seek((fat_sector + 1) * size + (s % per) * 4)
            return struct.unpack("<I", fh.read(4))[0]

        names: set[str] = set()
        sector, seen = first_dir, set[int]()
        while sector < 0xFFFFFFFA and sector not in seen and len(seen) < 65_536:
            seen.add(sector)
            fh.seek((sector + 1) * size)
            block = fh.read(size)
            for off in range(0, len(block) - 127, 128):
                n = struct.unpack_from("<H", block, off + 0x40)[0]
                if 2 <= n <= 64:
                    names.add(block[off : off + n - 2].decode("utf-16-le", "replace"))
            sector = next_sector(sector)
        return names
