"""Builders of hostile and unusual workbooks for the tests: zip bombs, lying sizes, OLE containers.

Everything is built from bytes in a few milliseconds: a zip bomb is a deflate stream of one
compressed block repeated (each block flushed with Z_FULL_FLUSH, so copies can be concatenated),
never the gigabytes it inflates to.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _parts_of_small_workbook(tmp: Path) -> dict[str, bytes]:
    wb = Workbook()
    wb.active.title = "Asistencia"
    wb.active.append(["Nombre", "Cédula"])
    wb.active.append(["Ana", "1714307103"])
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """members: (name, raw deflate bytes, declared inflated size, crc); sizes may lie."""
    out = bytearray()
    central = bytearray()
    for name, data, size, crc in members:
        fn = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(fn), 0) + fn + data
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(fn),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + fn
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def workbook_with_sheet(path: Path, sheet_xml_deflated: bytes, declared: int, crc: int = 0) -> Path:
    """A real small workbook whose first sheet part is replaced by the given deflate stream."""
    parts = _parts_of_small_workbook(path.with_suffix(".base.xlsx"))
    members = []
    for name, data in parts.items():
        if name == "xl/worksheets/sheet1.xml":
            members.append((name, sheet_xml_deflated, declared, crc))
        else:
            members.append((name, _deflate(data), len(data), zlib.crc32(data)))
    return write_zip(path, members)


def sheet_bomb(path: Path, inflated_mb: int, *, declared: int | None = None) -> Path:
    """A workbook whose sheet inflates to `inflated_mb` MB of rows (about 3 KB per MB on disk)."""
    unit = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 21_400  # ~1 MB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(SHEET_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH) == block  # blocks are interchangeable
    tail = c.compress(SHEET_TAIL) + c.flush()
    size = len(SHEET_HEAD) + len(unit) * inflated_mb + len(SHEET_TAIL)
    return workbook_with_sheet(path, head + block * inflated_mb + tail, size if declared is None else declared)


def sheet_xml(path: Path, rows_xml: bytes) -> Path:
    data = SHEET_HEAD + rows_xml + SHEET_TAIL
    return workbook_with_sheet(path, _deflate(data), len(data), zlib.crc32(data))


# -- OLE compound files (.xls, encrypted .xlsx) ---------------------------------------------------
def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00"
    none = 0xFFFFFFFF
    return (
        raw.ljust(64, b"\x00")
        + struct.pack("<HBB", len(raw), kind, 1)
        + struct.pack("<III", none, right, child)
        + b"\x00" * 16
        + b"\x00" * 4
        + b"\x00" * 16
        + struct.pack("<IQ", start, size)
    )


def compound_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 compound file (512-byte sectors) holding `streams` (each padded to 4 KB so none
    goes to the mini stream)."""
    sector = 512
    body = b""
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT, sector 1: the directory
    entries = []
    names = list(streams)
    for i, name in enumerate(names):
        data = streams[name].ljust(4096, b"\x00")
        data = data.ljust(-(-len(data) // sector) * sector, b"\x00")
        first = 2 + len(body) // sector
        n = len(data) // sector
        fat += [first + k + 1 for k in range(n - 1)] + [0xFFFFFFFE]
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(_dir_entry(name, 2, 0xFFFFFFFF, right, first, len(streams[name].ljust(4096, b"\x00"))))
        body += data
    assert len(fat) <= 128
    directory = _dir_entry("Root Entry", 5, 1, 0xFFFFFFFF, 0xFFFFFFFE, 0) + b"".join(entries)
    directory = directory.ljust(sector, b"\x00")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *([0xFFFFFFFF] * 108))
    )
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")
    path.write_bytes(header + fat_sector + directory + body)
    return path


def _rec(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def xls_workbook(path: Path, sheet: str, rows: list[list[object]]) -> Path:
    """A real BIFF8 .xls (what Excel 97-2003 saves): shared strings and numbers."""
    strings: list[str] = []
    cells = b""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str):
                if v not in strings:
                    strings.append(v)
                cells += _rec(0x00FD, struct.pack("<HHHI", r, c, 15, strings.index(v)))
            else:
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings
    )
    bof = lambda dt: _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    name = sheet.encode("utf-16-le")
    globals_ = bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200)) + _rec(0x00FC, sst)
    sheet_at = len(globals_) + (4 + 8 + len(name)) + 4  # + BOUNDSHEET + EOF
    globals_ += _rec(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(sheet), 1) + name) + _rec(0x000A)
    assert len(globals_) == sheet_at
    stream = globals_ + bof(0x0010) + cells + _rec(0x000A)
    return compound_file(path, {"Workbook": stream})


def encrypted_xlsx(path: Path) -> Path:
    """What Excel saves for «Cifrar con contraseña»: an OLE container, not a zip."""
    return compound_file(
        path, {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 200, "EncryptedPackage": b"\x00" * 300}
    )
