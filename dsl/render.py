"""Diagnostic -> text: `file:line:col: error[code]: message`, the line, a caret.

The same layout serves clause locations in the text report, so a finding and
an error look alike to the reader.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from dsl.diagnostics import Diagnostic
from dsl.source import SourceFile, Span


def _cells(text: str) -> int:
    """Terminal columns text takes: wide (CJK) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def snippet(source: SourceFile | None, span: Span, *, marker: str = "^", label: str = "") -> list[str]:
    """The source line of span with a marker under it, mypy/rustc style."""
    if source is None:
        return []
    raw = source.line_text(span.line)
    # Expand tabs so the caret lines up with what a terminal shows.
    line = raw.expandtabs(4)
    prefix = raw[: max(0, span.column - 1)].expandtabs(4)
    if span.end_line == span.line:
        width = max(1, _cells(raw[: max(0, span.end_column - 1)].expandtabs(4)) - _cells(prefix))
    else:
        width = max(1, _cells(line) - _cells(prefix))
    gutter = f"{span.line:>5} | "
    pad = " " * (len(gutter) - 2) + "| "
    under = pad + " " * _cells(prefix) + marker * width + (f" {label}" if label else "")
    return [gutter + line, under]


def render_diagnostic(diag: Diagnostic, sources: Mapping[str, SourceFile]) -> str:
    span = diag.span
    head = f"{span.path}:{span.line}:{span.column}: {diag.severity.value}[{diag.code.value}]: {diag.message}"
    lines = [head, *snippet(sources.get(span.path), span)]
    for text, note_span in diag.notes:
        if note_span is None:
            lines.append(f"  note: {text}")
        else:
            lines.append(f"  note: {text} ({note_span.path}:{note_span.line}:{note_span.column})")
            lines.extend(snippet(sources.get(note_span.path), note_span, marker="-"))
    if diag.help:
        lines.append(f"  help: {diag.help}")
    return "\n".join(lines)
