"""Diagnostics: what the front-end reports about bad input.

Diagnostics are collected, not raised: each stage gathers every independent
error it can find in a file, and the loader stops before the next stage when
any error was reported. Codes are stable strings that tests and editors use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dsl.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Code(StrEnum):
    """Stable diagnostic codes, one per kind of mistake."""

    IO_ERROR = "io-error"
    NOTHING_TO_CHECK = "nothing-to-check"
    TOO_LARGE = "too-large"
    SYNTAX = "syntax"
    BAD_STRING = "bad-string"
    IMPORT_NOT_FOUND = "import-not-found"
    IMPORT_CYCLE = "import-cycle"
    IMPORT_OUTSIDE = "import-outside"
    DUPLICATE_NAME = "duplicate-name"
    UNKNOWN_NAME = "unknown-name"
    UNKNOWN_TYPE = "unknown-type"
    WRONG_KIND = "wrong-kind"
    ARITY = "arity"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    DUPLICATE_ARGUMENT = "duplicate-argument"
    TYPE_MISMATCH = "type-mismatch"
    NOT_AN_ACT = "not-an-act"
    BAD_CONTROL = "bad-control"
    BAD_ACTOR = "bad-actor"
    MIXED_GROUP = "mixed-group"
    DEFINITION_CYCLE = "definition-cycle"
    BREACH_CYCLE = "breach-cycle"
    BAD_ALTERNATIVE = "bad-alternative"
    BAD_READING = "bad-reading"
    BAD_GUARANTEE = "bad-guarantee"
    BAD_OVERRIDE = "bad-override"
    BAD_QUERY = "bad-query"
    TOO_COMPLEX = "too-complex"
    BAD_LIMIT = "bad-limit"
    BAD_NORM = "bad-norm"
    BAD_TIME = "bad-time"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: Code
    message: str
    span: Span
    help: str | None = None
    notes: tuple[tuple[str, Span | None], ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.message)


class Diagnostics:
    """Collects diagnostics of one run; `has_errors` gates the next stage."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def error(self, code: Code, span: Span, message: str, *, help: str | None = None,
              notes: tuple[tuple[str, Span | None], ...] = ()) -> None:
        self._items.append(Diagnostic(Severity.ERROR, code, message, span, help, notes))

    def warning(self, code: Code, span: Span, message: str, *, help: str | None = None) -> None:
        self._items.append(Diagnostic(Severity.WARNING, code, message, span, help))

    def extend(self, other: Diagnostics) -> None:
        self._items.extend(other._items)

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self._items)

    def sorted(self) -> list[Diagnostic]:
        # Deduplicate: an error reached twice through two imports is one error.
        seen: dict[tuple[object, ...], Diagnostic] = {}
        for d in self._items:
            seen.setdefault((d.code, d.message, d.span.path, d.span.start, d.span.end), d)
        return sorted(seen.values(), key=Diagnostic.sort_key)

    def __len__(self) -> int:
        return len(self._items)
