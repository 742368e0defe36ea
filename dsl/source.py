"""Source files and spans: path -> SourceFile; offsets <-> line and column.

A Span is a half-open range of one file. Spans never take part in equality of
the IRs that carry them, so two clauses that say the same thing compare equal
wherever they were written.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A range of one source file, as offsets and as 1-based line/column."""

    path: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        """The span from the start of self to the end of other (same file)."""
        return Span(self.path, self.start, other.end, self.line, self.column, other.end_line, other.end_column)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """The text of one spec file and the index of its line starts."""

    path: str  # as shown to the user (relative where possible)
    text: str
    line_starts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @staticmethod
    def of(path: str, text: str) -> SourceFile:
        # Normalise line endings once so columns and carets agree on every platform.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        starts = [0]
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        return SourceFile(path, text, tuple(starts))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' past the end)."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(self.path, start, end, line, column, end_line, end_column)

    def whole(self) -> Span:
        return self.span(0, min(len(self.text), max(0, len(self.line_text(1)))))
