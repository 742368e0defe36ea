"""Report -> text for a terminal: each finding as a located message, its clauses
with their quoted wording, and the scenario; a summary line last.

Colour only when asked (the CLI turns it on for a tty).
"""

from __future__ import annotations

import textwrap
from typing import Any

from verifier.findings import Finding, Report, Severity
from verifier.report.common import primary_location, summary_line

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _finding(f: Finding, colour: bool) -> list[str]:
    location = primary_location(f)  # (where every format points: an expectation's own statement)
    head = _paint(f"{f.severity.value}[{f.kind.value}]", _COLOURS[f.severity] + ";1", colour)
    tag = "  (expected)" if f.expected else ""
    out = [f"{location}: {head}: {f.message}{_paint(tag, '32', colour)}"]
    meta = []
    if f.party:
        meta.append(f"party: {f.party}")
    if f.drafts:
        meta.append(f"draft{'s' if len(f.drafts) > 1 else ''}: {', '.join(f.drafts)}")
    shown = [f"{t}={r}" for t, r in f.readings]
    if shown:
        meta.append("readings: " + ", ".join(shown))
    if not f.minimal:
        meta.append("clause set not proved minimal")
    if meta:
        out.append("  " + "; ".join(meta))
    for c in f.clauses:
        role = f" [{c.role}]" if c.role else ""
        out.append(f"  - {c.label} ({c.id}){role} at {c.file}:{c.line}:{c.column}")
        if c.text:
            for wrapped in textwrap.wrap(f"\u201c{c.text}\u201d", width=92):
                out.append(f"      {wrapped}")
        if c.source:
            out.append(f"      source: {c.source}")
    if f.scenario is not None:
        s = f.scenario
        out.append("  scenario (minimal):" if s.minimal else "  scenario (not minimised: the solver gave up; a plain witness):")
        out.append("    facts: " + (", ".join(s.facts) or "none"))
        out.append("    acts: " + (", ".join(s.acts) or "none"))
        if s.terms:
            out.append("    open terms that hold: " + ", ".join(s.terms))
        if s.quantities:
            out.append("    quantities: " + ", ".join(f"{q} = {v:,}" for q, v in s.quantities))
    return out


def summary(report: Report, *, colour: bool = False) -> str:
    """The summary line (green when the run passes, red when it fails); all that `--quiet` prints."""
    colour_code = "32" if report.exit_code == 0 else "31"
    return _paint(summary_line(report), colour_code + ";1", colour)


def render(report: Report, *, colour: bool = False, with_summary: bool = True, **_: Any) -> str:
    """The findings, then the summary line (left out with `with_summary=False`: the command line
    writes it to standard error instead, when the report goes to standard output)."""
    lines: list[str] = []
    for f in report.findings:
        lines.extend(_finding(f, colour))
        lines.append("")
    if with_summary:
        lines.append(summary(report, colour=colour))
    return "\n".join(lines) + "\n" if lines else ""
