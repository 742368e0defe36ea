"""Report writers: Report -> text. FORMATS maps each --format value to its writer.

One module per format; each `render(report, **options)` returns the whole
document as a string (the CLI writes it to standard output or, atomically, to
`-o FILE`). Writers ignore options they do not know (`colour`, ...).
"""

from __future__ import annotations

from collections.abc import Callable

from verifier.report import html_report, json_report, markdown, sarif, text

FORMATS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
    "html": html_report.render,
}

__all__ = ["FORMATS"]
