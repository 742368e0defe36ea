"""Report writers: Report -> text. FORMATS maps each --format value to its writer."""

from __future__ import annotations

from collections.abc import Callable

from verifier.findings import Report
from verifier.report import json_report, text

FORMATS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_report.render,
}
