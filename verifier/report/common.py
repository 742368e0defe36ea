"""What every report writer shows the same way: locations, the summary, scenarios, message parts.

Writers format; this module decides *what* is shown, so the text, Markdown,
HTML and SARIF reports agree on where a finding points and what it says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from verifier.findings import ClauseRef, Finding, FindingKind, Report

# Details a writer shows elsewhere (the location, the sentence), not in the evidence list.
SHOWN_ELSEWHERE = frozenset({"line", "statement"})


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int
    clause: ClauseRef | None  # the clause the location is, if any

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def primary_location(f: Finding) -> Location:
    """Where a finding points: its first clause; an expectation's own statement line."""
    line = dict(f.details).get("line")
    if f.kind is FindingKind.EXPECTATION_FAILED and isinstance(line, int):
        return Location(f.file, line, 1, None)
    if f.clauses:
        c = f.clauses[0]
        return Location(c.file, c.line, c.column, c)
    return Location(f.file, line if isinstance(line, int) else 1, 1, None)


def related_clauses(f: Finding) -> tuple[ClauseRef, ...]:
    """The clauses other than the one the primary location is."""
    first = primary_location(f).clause
    return tuple(c for c in f.clauses if c is not first)


def message_parts(message: str) -> list[tuple[str, bool]]:
    """A message -> [(text, is_code)]: `backticked` spans are code (spec syntax), the rest prose.

    An odd number of backticks leaves the whole message prose.
    """
    pieces = message.split("`")
    if len(pieces) % 2 == 0:
        return [(message, False)]
    return [(p, i % 2 == 1) for i, p in enumerate(pieces) if p]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def summary_line(report: Report) -> str:
    """The one-line summary every format ends with (and all `--quiet` prints)."""
    s = report.summary()
    checked = sum(1 for f in report.files if f.instrument)
    line = (f"{plural(checked, 'instrument')} checked; {plural(s['findings'], 'finding')} "
            f"({s['expected']} expected, {s['unexpected']} unexpected); "
            f"expectations: {s['expectations_met']} met, {s['expectations_failed']} failed")
    if s["expectations_skipped"]:
        line += f", {s['expectations_skipped']} skipped (about drafts not checked)"
    if s["unknown"]:
        line += f"; {s['unknown']} unknown"
    return line


def kind_rows(report: Report) -> list[tuple[str, int, int, int]]:
    """(kind, findings, expected, unexpected) for each kind found, in the order of FindingKind."""
    rows = []
    for kind in FindingKind:
        found = [f for f in report.findings if f.kind is kind]
        if found:
            expected = sum(1 for f in found if f.expected)
            rows.append((kind.value, len(found), expected, len(found) - expected))
    return rows


def party_facts(f: Finding) -> list[tuple[str, str]]:
    """Who the finding is about, as (label, names): `party` (`parties` when it stands for several,
    verifier.merge), and the parties merged in a detail (`against: usa, uk`)."""
    if f.merged_on == "party":
        return [("parties", ", ".join(f.merged))]
    out = [("party", f.party)] if f.party else []
    if f.merged_on:
        out.append((f.merged_on.replace("_", " "), ", ".join(f.merged)))
    return out


def quote_key(c: ClauseRef) -> tuple[str, str, str | None]:
    """What makes two citations the same quotation: a report prints each once."""
    return (c.file, c.id, c.text)


def empty_scenario_line(f: Finding) -> str:
    """What a scenario with nothing in it says: the finding's choice, if it has one."""
    choice = dict(f.details).get("choice")
    if isinstance(choice, str) and choice:
        return f"nothing happens but the choice: {choice}"
    return "nothing happens: every fact and act is false"


def drafts_of(f: Finding) -> tuple[str, ...]:
    return f.drafts or ((f.draft,) if f.draft else ())


def scenario_rows(f: Finding) -> list[tuple[str, str, str]]:
    """The scenario as (what, atom, value) rows: true facts, acts done, open terms that hold, quantities."""
    s = f.scenario
    if s is None:
        return []
    rows = [("fact", a, "true") for a in s.facts]
    rows += [("act", a, "done") for a in s.acts]
    rows += [("open term", t, "holds") for t in s.terms]
    rows += [("quantity", q, f"{v:,}") for q, v in s.quantities]
    return rows


def evidence(f: Finding) -> list[tuple[str, str]]:
    """The kind-specific details a reader has not seen elsewhere, as (name in words, text)."""
    return [(k.replace("_", " "), show_value(v)) for k, v in f.details if k not in SHOWN_ELSEWHERE]


def show_value(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)) and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
        return ", ".join(str(x) for x in v)
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def tool_version() -> str:
    try:
        return metadata.version("nverify")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def z3_version() -> str:
    import z3

    return str(z3.get_version_string())
