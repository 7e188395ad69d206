"""The JSON-lines text of records members and personal members.

One JSON array per line, values as SQLite stores them (a blob as `{"$b64": …}`); JSON strings
never hold a raw newline, so lines split without parsing.
"""

from __future__ import annotations

import json

from rcdesk.sync.tables import wire_row


def parse_lines(data: bytes) -> list:
    """JSON lines -> list of values, parsed in one call (JSON strings never hold raw newlines)."""
    text = data.decode("utf-8").strip()
    if not text:
        return []
    return json.loads("[" + text.replace("\n", ",") + "]")


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(ensure_ascii=False) builds an encoder per call


def encode_lines(rows, pidx: list[int]) -> tuple[bytes, bytes]:
    """JSON lines of `rows` (stored values) with the values at `pidx` moved out into their own
    lines, each block ending in a newline, ready for a records member and its personal member."""
    enc = _ENCODE
    lines, plines = [], []
    for row in rows:
        values = list(row)
        try:
            if pidx:
                pline = enc([values[i] for i in pidx])
                for i in pidx:
                    values[i] = None
            line = enc(values)
        except TypeError:  # a blob: only then pay for the per-value conversion
            values, pvalues = wire_row(row, pidx)
            line = enc(values)
            pline = enc(pvalues) if pidx else ""
        lines.append(line)
        if pidx:
            plines.append(pline)
    lines.append("")
    plines.append("")
    return "\n".join(lines).encode("utf-8"), "\n".join(plines).encode("utf-8")
