"""Report -> text for a terminal: each finding as a located message, its clauses
with their quoted wording, and the scenario; a summary line last.

A quotation is printed once per report: a later finding citing the same clause
says "(quoted above)". Expected findings are labelled `expected[KIND]` and folded
to one line each (location, kind, a short message, "(expected)") unless
`show_expected` (`--show-expected`, `--verbose`) asks for them in full; that full report
also prints each clause's `note` (how the spec models it, what is unsure).
Colour only when asked (the CLI turns it on for a tty), through rich's styles; widths are
in terminal cells, as rich measures them. Without colour, the text is exactly what the
layout above makes (the transcripts pin it).
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from verifier.findings import Finding, Report, Severity
from verifier.report.common import (
    empty_scenario_line,
    party_facts,
    primary_location,
    quote_key,
    readings_grouped,
    summary_line,
    timeline_rows,
)

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_EXPECTED = "green"
FOLDED_WIDTH = 110  # the short message of a folded expected finding, at most (then the parties merged)


def _paint(text: str, style: str, colour: bool) -> str:
    """The text in a rich style (`bold red`) as the terminal's escape codes; as it is without colour."""
    if not colour:
        return text
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=max(len(text), 1),
                      highlight=False, markup=False, emoji=False)
    with console.capture() as captured:
        console.print(Text(text, style=style), end="", soft_wrap=True)
    return captured.get()


def _head(f: Finding, colour: bool) -> str:
    if f.expected:
        return _paint(f"expected[{f.kind.value}]", f"bold {_EXPECTED}", colour)
    return _paint(f"{f.severity.value}[{f.kind.value}]", f"bold {_COLOURS[f.severity]}", colour)


def _folded(f: Finding, colour: bool) -> list[str]:
    """An expected finding on one line: where, what kind, the message shortened."""
    message, likewise = f.message, ""
    if f.merged:  # (keep the parties merged in sight: verifier.merge ends the message with them)
        cut = message.rfind("; likewise with ")
        if cut >= 0:
            message, likewise = message[:cut], message[cut:]
    short = _shorten(message, FOLDED_WIDTH) + likewise
    return [f"{primary_location(f)}: {_head(f, colour)}: {short}{_paint('  (expected)', _EXPECTED, colour)}"]


def _shorten(text: str, width: int) -> str:
    """The text on one line, cut at a space to at most `width` terminal cells with " ..." (rich
    measures cells: a wide letter takes two)."""
    words = " ".join(text.split())
    if cell_len(words) <= width:
        return words
    room = width - cell_len(" ...")
    out = ""
    for word in words.split(" "):
        candidate = f"{out} {word}" if out else word
        if cell_len(candidate) > room:
            break
        out = candidate
    return f"{out} ..." if out else set_cell_size(words, room) + " ..."


def _finding(f: Finding, colour: bool, quoted: set[tuple[str, str, str | None]], notes: bool = False) -> list[str]:
    location = primary_location(f)  # (where every format points: an expectation's own statement)
    tag = "  (expected)" if f.expected else ""
    out = [f"{location}: {_head(f, colour)}: {f.message}{_paint(tag, _EXPECTED, colour)}"]
    meta = [f"{label}: {names}" for label, names in party_facts(f)]
    if f.drafts:
        meta.append(f"draft{'s' if len(f.drafts) > 1 else ''}: {', '.join(f.drafts)}")
    if f.readings:
        meta.append("wording: " + readings_grouped(f))
    if not f.minimal:
        meta.append("the clauses listed may not all be needed (not proved minimal)")
    if meta:
        out.append("  " + "; ".join(meta))
    clash = dict(f.details).get("clash")
    if isinstance(clash, (list, tuple)) and clash:
        out.append("  what clashes:")
        out += [f"    - {part}" for part in clash]
    for c in f.clauses:
        role = f" [{c.role}]" if c.role else ""
        key = quote_key(c)
        again = bool(c.text or c.source) and key in quoted
        out.append(f"  - {c.label} ({c.id}){role} at {c.file}:{c.line}:{c.column}"
                   + ((" (quoted above)" if c.text else " (source above)") if again else ""))
        if again:
            continue
        if c.text or c.source:
            quoted.add(key)
        if c.text:
            for wrapped in textwrap.wrap(f"\u201c{c.text}\u201d", width=92):
                out.append(f"      {wrapped}")
        if c.source:
            out.append(f"      source: {c.source}")
        if notes and c.note:
            out += [f"      {line}" for line in textwrap.wrap(f"note: {c.note}", width=92)]
    if f.scenario is not None:
        s = f.scenario
        head = "  scenario (minimal):" if s.minimal else "  scenario (not minimised: the solver gave up; a plain witness):"
        lines = []
        if s.horizon:  # a timeline: what holds at each step where something changes
            lines.append(f"    timeline ({s.horizon}; only the steps where something changes):")
            lines += [f"      {step}: {what}" for step, what in timeline_rows(f)]
            if not s.timeline:
                lines.append("      nothing happens at any step")
        else:
            if s.facts:
                lines.append("    facts: " + ", ".join(s.facts))
            if s.acts:
                lines.append("    acts: " + ", ".join(s.acts))
            if s.terms:
                lines.append("    open wording read as true: " + ", ".join(s.terms))
            if s.quantities:
                lines.append("    quantities: " + ", ".join(f"{q} = {v:,}" for q, v in s.quantities))
        if lines:
            out += [head, *lines]
        else:
            out.append(f"{head} {empty_scenario_line(f)}")
    return out


def summary(report: Report, *, colour: bool = False) -> str:
    """The summary line (green when the run passes, red when it fails); all that `--quiet` prints."""
    return _paint(summary_line(report), "bold green" if report.exit_code == 0 else "bold red", colour)


def render(report: Report, *, colour: bool = False, with_summary: bool = True, show_expected: bool = False,
           **_: Any) -> str:
    """The findings, then the summary line (left out with `with_summary=False`: the command line
    writes it to standard error instead, when the report goes to standard output). Expected
    findings are folded to one line each unless `show_expected`."""
    lines: list[str] = []
    quoted: set[tuple[str, str, str | None]] = set()
    for f in report.findings:
        if f.expected and not show_expected:
            lines.extend(_folded(f, colour))
            continue
        if lines and lines[-1] != "":
            lines.append("")  # (a finding in full stands apart from folded ones before it)
        lines.extend(_finding(f, colour, quoted, notes=show_expected))
        lines.append("")
    if lines and lines[-1] != "":
        lines.append("")  # (a blank line after the folded findings that end the list)
    if with_summary:
        lines.append(summary(report, colour=colour))
    return "\n".join(lines) + "\n" if lines else ""
