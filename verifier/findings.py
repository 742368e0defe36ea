"""Findings and reports: the JSON contract of DESIGN section 7, as typed data.

Field names and kind strings are stable: other tools script against them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dsl.evaluate import World
from verifier.registry import FindingKind, Severity


@dataclass(frozen=True)
class ClauseRef:
    """A clause as a finding cites it: where it is and what it says."""

    id: str
    label: str
    file: str
    line: int
    column: int
    text: str | None
    source: str | None = None
    role: str | None = None  # what the clause does in this finding ("permission", "blocking", ...)
    note: str | None = None  # the spec's note on the clause (how it is modelled, what is unsure)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "file": self.file, "line": self.line, "column": self.column,
                "text": self.text, "source": self.source, "role": self.role, "note": self.note}


@dataclass(frozen=True)
class Scenario:
    """A world: the facts and acts that are true (everything else is false); minimal (fewest
    true atoms) unless the solver gave up minimising it."""

    facts: tuple[str, ...] = ()
    acts: tuple[str, ...] = ()
    quantities: tuple[tuple[str, int], ...] = ()
    terms: tuple[str, ...] = ()  # open terms that hold
    minimal: bool = True  # False: a plain witness (minimising it ran out of time or resources)
    # A timed spec's witness step by step: (step, what holds there), for the steps where
    # something changes; `facts`, `acts` and `quantities` then name each item's step too.
    timeline: tuple[tuple[str, tuple[str, ...]], ...] = ()
    horizon: str = ""  # `day 0 to day 10`: how far the timeline was checked
    # The world itself, for the stages that read it after the check (verifier.clash names what
    # clashes in it); not part of the report, nor of a finding's identity.
    world: World | None = field(default=None, compare=False, repr=False)
    # Whom a party the witness names stands for, where it is a representative of parties that no
    # clause tells apart (`nverify diff`: `p1 stands for any of the 5 parties in guarantors ...`).
    stands_for: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"facts": list(self.facts), "acts": list(self.acts), "quantities": dict(self.quantities),
                               "terms": list(self.terms), "minimal": self.minimal}
        if self.stands_for:
            out["stands_for"] = list(self.stands_for)
        if self.horizon:
            out["steps"] = [{"step": step, "holds": list(items)} for step, items in self.timeline]
            out["horizon"] = self.horizon
        return out

    @property
    def size(self) -> int:
        return len(self.facts) + len(self.acts) + len(self.terms)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    severity: Severity
    message: str
    file: str
    clauses: tuple[ClauseRef, ...] = ()
    party: str | None = None
    # A coalition's members in declaration order (`party` is the first), for blocking and
    # vetoes that several parties achieve together; () for a single party.
    coalition: tuple[str, ...] = ()
    readings: tuple[tuple[str, str], ...] = ()   # term -> reading in force ("open" when none)
    draft: str | None = None                     # the draft of the scenario; None without brackets
    drafts: tuple[str, ...] = ()                 # every draft in which the finding holds
    scenario: Scenario | None = None
    details: tuple[tuple[str, Any], ...] = ()    # kind-specific evidence
    expected: bool = False
    minimal: bool = True                         # the clause set was proved minimal
    # One finding standing for several that differ only in one party (verifier.merge): those
    # parties in declaration order (the first is the one shown), and where that party is:
    # "party", or the detail that names it ("against", "holder"); () and None otherwise.
    merged: tuple[str, ...] = ()
    merged_on: str | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party the finding's `party` stands for: the merged parties when they differ in
        `party`, else the party alone (() with none). `by P` matches any of them."""
        if self.merged_on == "party":
            return self.merged
        return (self.party,) if self.party else ()

    def problem_key(self) -> tuple[Any, ...]:
        """What a finding is about: its kind, clauses and party (see `problem_key`)."""
        return problem_key(self.kind, [c.id for c in self.clauses], self.party, self.coalition)

    def sort_key(self) -> tuple[Any, ...]:
        first = self.clauses[0] if self.clauses else None
        return (self.file, first.line if first else 0, self.kind.value, self.draft or "", self.party or "",
                self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "expected": self.expected,
            "party": self.party,
            "parties": list(self.parties),
            "coalition": list(self.coalition) or None,
            "merged": {"on": self.merged_on, "parties": list(self.merged)} if self.merged_on else None,
            "message": self.message,
            "file": self.file,
            "clauses": [c.to_json() for c in self.clauses],
            "readings": dict(self.readings),
            "draft": self.draft,
            "drafts": list(self.drafts),
            "scenario": self.scenario.to_json() if self.scenario else None,
            "details": _jsonable(dict(self.details)),
            "minimal": self.minimal,
        }


def problem_key(kind: FindingKind, clause_ids: Iterable[str], party: str | None,
                coalition: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """A finding's problem, known before its witness is: under a claimant's readings, a
    finding whose problem the baseline has already is left out of the report."""
    return (kind, tuple(clause_ids), party, coalition)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Expectation:
    """The outcome of one `expect`, `assert` or `scenario` statement."""

    file: str
    line: int
    statement: str
    met: bool
    detail: str
    skipped: bool = False  # about a draft that --draft left out: neither met nor failed

    @property
    def failed(self) -> bool:
        return not self.met and not self.skipped

    @property
    def result(self) -> str:
        return "skipped" if self.skipped else "met" if self.met else "failed"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "statement": self.statement, "met": self.met,
                "skipped": self.skipped, "detail": self.detail}


@dataclass(frozen=True)
class FileResult:
    path: str
    instrument: str | None
    title: str | None
    drafts: tuple[str, ...] = ()
    horizon: str = ""  # a timed instrument's timeline (`day 0 to day 4`): what every answer holds up to

    def to_json(self) -> dict[str, Any]:
        out = {"path": self.path, "instrument": self.instrument, "title": self.title, "drafts": list(self.drafts)}
        if self.horizon:
            out["horizon"] = self.horizon
        return out


@dataclass
class Report:
    files: list[FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind.value] = by_kind.get(f.kind.value, 0) + 1
        return {
            "findings": len(self.findings),
            "by_kind": dict(sorted(by_kind.items())),
            "expected": sum(1 for f in self.findings if f.expected),
            "unexpected": sum(1 for f in self.findings if not f.expected),
            "expectations_met": sum(1 for e in self.expectations if e.met),
            "expectations_failed": sum(1 for e in self.expectations if e.failed),
            "expectations_skipped": sum(1 for e in self.expectations if e.skipped),
            "unknown": by_kind.get(FindingKind.UNKNOWN.value, 0),
        }

    @property
    def exit_code(self) -> int:
        return 1 if any(not f.expected for f in self.findings) else 0


# FindingKind and Severity are declared with the registry of checks; findings carry them.
__all__ = ["ClauseRef", "Expectation", "FileResult", "Finding", "FindingKind", "Report", "Scenario", "Severity",
           "problem_key"]
