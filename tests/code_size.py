"""Code size in logical lines: what a reader reads, whatever the formatter does to line breaks.

A call wrapped over eight physical lines by `ruff format` is one logical line, as it was when it
fitted on one. Structure tests count these, so formatting never decides whether code is too long.
"""

from __future__ import annotations

import bisect
import functools
import io
import tokenize


def _logical(source: str) -> list[tuple[int, int, list[str]]]:
    """(physical line, column, its first three tokens) of each logical line of code (comments and
    blank lines left out)."""
    lines: list[tuple[int, int, list[str]]] = []
    current: list[str] | None = None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            continue
        if tok.type == tokenize.NEWLINE:
            current = None
        elif current is None and tok.type != tokenize.ENDMARKER:
            current = [tok.string]
            lines.append((tok.start[0], tok.start[1], current))
        elif current is not None and len(current) < 3:
            current.append(tok.string)
    return lines


# structure tests ask about every function of a module in turn, or about every module of the tree:
# tokenizing a module once, not once per question, keeps a walk over a few hundred files fast
@functools.lru_cache(maxsize=16)
def _starts(source: str) -> tuple[int, ...]:
    return tuple(line for line, _col, _toks in _logical(source))


def logical_line_starts(source: str) -> list[int]:
    """The physical line where each logical line of code starts (comments and blank lines left out)."""
    return list(_starts(source))


def logical_lines(source: str, first: int = 1, last: int | None = None) -> int:
    """How many logical lines start between physical lines `first` and `last` (inclusive)."""
    starts = _starts(source)  # ascending
    end = len(starts) if last is None else bisect.bisect_right(starts, last)
    return max(end - bisect.bisect_left(starts, first), 0)


def function_sizes(source: str) -> list[tuple[str, int]]:
    """(name, logical lines) of every function of `source`, nested ones included, from one tokenizer pass.

    A function runs from its `def` line (decorators left out) to the last logical line indented
    deeper than that `def`: the count `ast` start and end lines give, without parsing the module
    a second time (a walk over the whole tree is one tokenizer pass per file)."""
    lines = _logical(source)
    out = []
    for i, (_line, col, toks) in enumerate(lines):
        k = 1 if toks[0] == "async" and len(toks) > 1 else 0
        if toks[k] != "def" or len(toks) <= k + 1:
            continue
        j = i + 1
        while j < len(lines) and lines[j][1] > col:
            j += 1
        out.append((toks[k + 1], j - i))
    return out


def long_functions(paths, limit: int = 80) -> dict[str, int]:
    """`module.function` -> logical lines, for every function of `paths` longer than `limit`."""
    out = {}
    for path in paths:
        for name, n in function_sizes(path.read_text("utf-8")):
            if n > limit:
                out[f"{path.stem}.{name}"] = n
    return out
