"""Code size in logical lines: what a reader reads, whatever the formatter does to line breaks.

A call wrapped over eight physical lines by `ruff format` is one logical line, as it was when it
fitted on one. Structure tests count these, so formatting never decides whether code is too long.
"""

from __future__ import annotations

import bisect
import functools
import io
import tokenize


# structure tests ask about every function of a module in turn: tokenizing the module once, not once
# per function, keeps a walk over a few hundred files under a second
@functools.lru_cache(maxsize=16)
def _starts(source: str) -> tuple[int, ...]:
    return tuple(logical_line_starts(source))


def logical_line_starts(source: str) -> list[int]:
    """The physical line where each logical line of code starts (comments and blank lines left out)."""
    starts: list[int] = []
    start = None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            continue
        if tok.type == tokenize.NEWLINE:
            if start is not None:
                starts.append(start)
            start = None
        elif start is None and tok.type != tokenize.ENDMARKER:
            start = tok.start[0]
    return starts


def logical_lines(source: str, first: int = 1, last: int | None = None) -> int:
    """How many logical lines start between physical lines `first` and `last` (inclusive)."""
    starts = _starts(source)  # ascending
    end = len(starts) if last is None else bisect.bisect_right(starts, last)
    return max(end - bisect.bisect_left(starts, first), 0)


def long_functions(paths, limit: int = 80) -> dict[str, int]:
    """`module.function` -> logical lines, for every function of `paths` longer than `limit`."""
    import ast

    out = {}
    for path in paths:
        source = path.read_text("utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = logical_lines(source, node.lineno, node.end_lineno)
                if n > limit:
                    out[f"{path.stem}.{node.name}"] = n
    return out
