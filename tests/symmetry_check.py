"""Interchangeable parties checked through representatives against every party as declared.

`compare(root, readings, drafts)` runs nverify on a spec twice, with the symmetry reduction
(dsl.symmetry) and with `--no-symmetry`, and lists where they differ: the expectations'
outcomes, and the findings party by party (a finding merged over several parties, or said
of a whole class, counted once per party; a coalition with each class member replaced by
its class and rank, since coalitions are asked up to renaming). Used by
tests/unit/test_symmetry.py and scripts/symmetry_campaign.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dsl.model import PartyClass
from verifier.findings import Finding, FindingKind
from verifier.merge import expand
from verifier.pipeline import Options, run

Key = tuple[str, tuple[str, ...], str, str]


@dataclass
class Outcome:
    differences: list[str] = field(default_factory=list)
    classes: tuple[PartyClass, ...] = ()
    unknown: bool = False  # a solver gave up on either side, or every party is past the limits
    findings: int = 0


def compare(root: Path, readings: tuple[str, ...] = (), drafts: tuple[str, ...] = ()) -> Outcome:
    out = Outcome()
    sides = []
    for symmetry in (True, False):
        options = Options(readings=list(readings), drafts=list(drafts))
        options.symmetry = symmetry
        options.jobs = 1
        loaded, report = run([root], options)
        if report is None:
            if not symmetry and any(d.code.value == "too-complex" for d in loaded.diagnostics.sorted()):
                out.unknown = True  # every party, as declared, is past the limits: nothing to compare
            else:
                out.differences.append("does not load: " + "; ".join(d.message for d in loaded.diagnostics.sorted()))
            return out
        if symmetry:
            out.classes = loaded.instruments[0].symmetry if loaded.instruments else ()
        sides.append(report)
    reduced, full = sides
    if any(f.kind is FindingKind.UNKNOWN for r in sides for f in r.findings):
        out.unknown = True
        return out
    out.findings = len(full.findings)
    met_r = {(e.line, e.statement): (e.met, getattr(e, "skipped", False)) for e in reduced.expectations}
    met_f = {(e.line, e.statement): (e.met, getattr(e, "skipped", False)) for e in full.expectations}
    for key in sorted(set(met_r) | set(met_f)):
        if met_r.get(key) != met_f.get(key):
            out.differences.append(f"`{key[1]}` (line {key[0]}): {met_r.get(key)} through representatives, "
                                   f"{met_f.get(key)} with every party")
    by_member = {m: c.members[0] for c in out.classes for m in c.members}
    keys_r, keys_f = per_party(reduced.findings, by_member), per_party(full.findings, by_member)
    for k in sorted(keys_r - keys_f):
        out.differences.append(f"only through representatives: {k}")
    for k in sorted(keys_f - keys_r):
        out.differences.append(f"only with every party: {k}")
    return out


def per_party(findings: list[Finding], classes: dict[str, str]) -> set[Key]:
    """(kind, clauses, who, whom) for each party a finding stands for; `whom` is the accused or
    the holder. In a coalition's finding, the members of a class (the holder first, then the
    coalition's) are named CLASS#1, CLASS#2 ... in the order met: coalitions are asked and
    reported up to renaming within a class. Clauses as a set: the order they are cited in is
    the search's."""
    out: set[Key] = set()
    for f in findings:
        if f.kind is FindingKind.EXPECTATION_FAILED:
            continue  # compared as expectations
        for one in expand(f):
            details = dict(one.details)
            whom = str(details.get("against") or details.get("holder") or "")
            clauses = tuple(sorted(c.id for c in one.clauses))
            if one.coalition:
                labels = _Labels(classes)
                holder = labels.of(whom) if whom else ""
                who = sorted(labels.of(m) for m in one.coalition)
                out.add((one.kind.value, clauses, "+".join(who), holder))
            else:
                out.add((one.kind.value, clauses, one.party or "", whom))
    return out


class _Labels:
    """CLASS#1, CLASS#2 ... for the members of each class, in the order they are met."""

    def __init__(self, classes: dict[str, str]) -> None:
        self.classes = classes
        self.seen: dict[str, int] = {}
        self.names: dict[str, str] = {}

    def of(self, member: str) -> str:
        c = self.classes.get(member)
        if c is None:
            return member
        if member not in self.names:
            self.seen[c] = self.seen.get(c, 0) + 1
            self.names[member] = f"{c}#{self.seen[c]}"
        return self.names[member]

