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
    timed = [f"{f.instrument} ({f.horizon})" for f in report.files if f.instrument and f.horizon]
    if timed:  # a timed answer holds up to the end of its timeline, not beyond
        line += f"; checked over {'its timeline' if len(timed) == 1 else 'their timelines'}: {', '.join(timed)}"
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
        return [("parties", _names(f.merged))]
    out = [("party", f.party)] if f.party else []
    if f.merged_on:
        out.append((f.merged_on.replace("_", " "), _names(f.merged)))
    return out


NAMES_SHOWN = 10  # a longer list (a class of interchangeable parties, say) is cut


def _names(names: tuple[str, ...]) -> str:
    """`usa, uk, france`; past NAMES_SHOWN, the first ones and how many more (JSON lists them all)."""
    if len(names) <= NAMES_SHOWN + 2:
        return ", ".join(names)
    return f"{', '.join(names[:NAMES_SHOWN])} and {len(names) - NAMES_SHOWN} more"


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
    """The scenario as (what, atom, value) rows: true facts, acts done, open wording read as true, quantities."""
    s = f.scenario
    if s is None:
        return []
    rows = [("fact", a, "true") for a in s.facts]
    rows += [("act", a, "done") for a in s.acts]
    rows += [("open wording", t, "read as true") for t in s.terms]
    rows += [("quantity", q, f"{v:,}") for q, v in s.quantities]
    return rows


# A step of a timeline where nothing holds any more (listed because something stopped).
NOTHING_AT_A_STEP = "no fact true, no act done"


def timeline_rows(f: Finding) -> list[tuple[str, str]]:
    """A timed witness step by step, as (step, what holds there), for the steps where
    something changes; [] for a witness without time."""
    s = f.scenario
    if s is None or not s.horizon:
        return []
    return [(step, ", ".join(items) or NOTHING_AT_A_STEP) for step, items in s.timeline]


def evidence(f: Finding) -> list[tuple[str, str]]:
    """The kind-specific details a reader has not seen elsewhere, as (name in words, text in words).

    The JSON keeps the details' stable names and values; a report says them for a legal adviser
    (`nverify explain KIND` has the precise terms). A detail with nothing to say is left out."""
    out = []
    for k, v in f.details:
        if k in SHOWN_ELSEWHERE:
            continue
        said = _said(f.kind, k, v)
        if said is not None:
            out.append(said)
    return out


# Details said in words: (label, the text for True, the text for False) for yes/no details.
_YES_NO = {
    "controls_event": ("the blocker", "also causes the event itself", "does not cause the event itself"),
    "always": ("blocked", "in every situation", "in the situation of the scenario"),
    "veto": ("blocked by", "the decision of the parties named", "the situation"),
}
_LABELS = {
    "act": "the act", "against": "party accused", "term": "wording", "conduct": "conduct",
    "conduct_listed": "conduct listed", "choice": "decision", "circumstance": "circumstance",
    "protected": "protected party", "holder": "holder of the permission",
    "others": "parties whose say the permission depends on", "attackers": "attacker",
    "obliged": "obliged to respond", "sets_shown": "minimal sets shown", "search_stopped": "search stopped at",
    "reason": "why the solver stopped", "clash": "what clashes",
}
_HIDDEN = frozenset({"requirement"})  # (an index into the spec's protection requirements: the location shows it)


def _said(kind: FindingKind, key: str, v: Any) -> tuple[str, str] | None:
    if key in _HIDDEN or v is None:
        return None
    if key in _YES_NO and isinstance(v, bool):
        label, yes, no = _YES_NO[key]
        return label, yes if v else no
    if key == "never" and isinstance(v, bool):
        if kind is FindingKind.PROTECTION_GAP:
            return "response owed", "in no attack at all" if v else "not in the attack of the scenario"
        return "triggers", "never" if v else "not in the circumstance shown"
    if key == "claimant_reading_alias":
        return "the claimant's reading", f"the same as the {v} reading"
    if key in ("baseline", "reading"):
        return ("lawful under" if key == "baseline" else "claimed under"), reading_words(str(v))
    if key == "clash" and isinstance(v, (list, tuple)):
        return _LABELS[key], "; ".join(str(x) for x in v)
    if key == "obliged" and isinstance(v, (list, tuple)) and not v:
        return _LABELS[key], "nobody"
    return _LABELS.get(key, key.replace("_", " ")), show_value(v)


def reading_words(reading: str) -> str:
    """`the ordinary meaning`, `the russia reading`, `no reading (left open)`: a reading in words."""
    if reading == "ordinary":
        return "the ordinary meaning"
    if reading == "open":
        return "no reading (left open)"
    return f"the {reading} reading"


def readings_grouped(f: Finding) -> str:
    """`forces_needed and harms_security in their ordinary meaning; x left open (no reading)`."""
    groups: dict[str, list[str]] = {}
    for t, r in f.readings:
        groups.setdefault(r, []).append(t)
    parts = []
    for r, terms in groups.items():
        names = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
        if r == "ordinary":
            how = "in its ordinary meaning" if len(terms) == 1 else "in their ordinary meaning"
        elif r == "open":
            how = "left open (no reading)"
        else:
            how = f"in the {r} reading"
        parts.append(f"{names} {how}")
    return "; ".join(parts)


def readings_words(f: Finding) -> list[tuple[str, str]]:
    """(term, how it is read) for each term of the finding: what the report says of readings."""
    return [(t, reading_words(r)) for t, r in f.readings]


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
