"""The oracle of `nverify negotiate`: every draft tried, every goal judged by enumeration.

From docs/language.md ("Goals and the negotiation space") and DESIGN §10: the
draft space is every choice of one alternative per bracket, and every integer
between the lowest and highest figure of a bracket whose alternatives are all
numbers. In a draft, under the baseline readings (a pattern's `under reading
Q` puts Q's readings in force),

* `always F` holds when every compliant world (assumptions and every
  obligation and prohibition) has F; `possible F` when one has;
* `no PATTERN` / `some PATTERN` when no / some finding the checks make
  matches the pattern: the findings are the brute-force oracle's
  (`tests.oracle.oracle`), matched as `tests.oracle.compare` predicts them.

The answer: the drafts that meet every goal; from them the zone (the
combinations of alternatives) and each figure's range; when none, every
minimal set of goals that no draft meets together. A goal the oracle cannot
decide (its match depends on which of several cores a check reports) makes
the spec undecided. Nothing here imports z3 or the verifier.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Any

from dsl import formula as F
from dsl.model import Goal, Instrument, Modality, Query, QueryKind
from tests.oracle.compare import _match, _predicted
from tests.oracle.oracle import Oracle, reading_sets

Draft = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]  # (labels, figures), sorted


class Undecided(Exception):
    """A goal's verdict depends on a choice nverify may make either way."""


def _walk(obj: Any) -> Iterator[Any]:
    yield obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _walk(getattr(obj, f.name))
    elif isinstance(obj, tuple):
        for x in obj:
            yield from _walk(x)


def figures(instrument: Instrument) -> dict[str, tuple[int, int]]:
    """Brackets whose alternatives are all plain numbers: the range they span."""
    roots: list[Any] = [instrument.clauses, instrument.assumptions]
    out = {}
    for root in roots:
        for x in _walk(root):
            if isinstance(x, F.IntChoice) and x.options and all(isinstance(o, F.Num) for _, o in x.options):
                values = [o.value for _, o in x.options]  # type: ignore[union-attr]
                out[x.bracket] = (min(values), max(values))
    return out


def _fix(obj: Any, numbers: dict[str, int]) -> Any:
    """obj with each numeric bracket of `numbers` replaced by its figure."""
    if isinstance(obj, F.IntChoice) and obj.bracket in numbers:
        return F.Num(numbers[obj.bracket])
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: _fix(getattr(obj, f.name), numbers) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, tuple):
        return tuple(_fix(x, numbers) for x in obj)
    return obj


def with_figures(instrument: Instrument, numbers: dict[str, int]) -> Instrument:
    """The instrument with these figures in its numeric brackets; the goals' formulas become
    scenario queries, so the world space holds what they mention."""
    goals = tuple(Query(QueryKind.SCENARIO, f"goal {i}", formula=g.formula)
                  for i, g in enumerate(instrument.goals) if g.formula is not None)
    return dataclasses.replace(instrument, clauses=_fix(instrument.clauses, numbers),
                               assumptions=_fix(instrument.assumptions, numbers),
                               queries=instrument.queries + goals)


@dataclass
class Expected:
    meeting: list[Draft]                             # every draft that meets every goal
    met: dict[Draft, frozenset[int]]                 # draft -> the goals (indices) it meets
    ranges: dict[str, tuple[int, int]]               # figures: the range each bracket spans
    zone: set[tuple[tuple[str, str], ...]] = field(default_factory=set)
    agreed: dict[str, tuple[int, int]] = field(default_factory=dict)
    clashes: set[frozenset[int]] = field(default_factory=set)


class NegotiationOracle:
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.goals = list(instrument.goals)
        self.ranges = figures(instrument)
        self.choices = [b for b in instrument.brackets.values() if b.id not in self.ranges]
        self._answers: dict[tuple[object, ...], Any] = {}

    def drafts(self) -> Iterator[tuple[dict[str, int], dict[str, str]]]:
        numeric = sorted(self.ranges)
        for values in product(*(range(self.ranges[b][0], self.ranges[b][1] + 1) for b in numeric)):
            numbers = dict(zip(numeric, values, strict=True))
            for labels in product(*(b.labels for b in self.choices)):
                yield numbers, {b.id: lab for b, lab in zip(self.choices, labels, strict=True)}

    def expected(self) -> Expected:
        met: dict[Draft, frozenset[int]] = {}
        oracles: dict[tuple[tuple[str, int], ...], Oracle] = {}
        for numbers, labels in self.drafts():
            key = tuple(sorted(numbers.items()))
            if key not in oracles:
                oracles[key] = Oracle(with_figures(self.instrument, numbers))
            oracle = oracles[key]
            # Numeric brackets no longer occur in the formulas; any label will do for them.
            draft = {**{b: self.instrument.brackets[b].labels[0] for b in numbers}, **labels}
            met[(tuple(sorted(labels.items())), key)] = frozenset(
                i for i, g in enumerate(self.goals) if self.meets(oracle, g, draft))
        everything = frozenset(range(len(self.goals)))
        meeting = [d for d, ok in met.items() if ok == everything]
        out = Expected(meeting, met, dict(self.ranges))
        out.zone = {labels for labels, _ in meeting}
        for b in self.ranges:
            values = [dict(numbers)[b] for _, numbers in meeting]
            if values:
                out.agreed[b] = (min(values), max(values))
        if not meeting:
            infeasible = {frozenset(s) for k in range(1, len(self.goals) + 1) for s in combinations(everything, k)
                          if not any(frozenset(s) <= ok for ok in met.values())}
            out.clashes = {s for s in infeasible if not any(t < s for t in infeasible)}
        return out

    def meets(self, oracle: Oracle, goal: Goal, draft: dict[str, str]) -> bool:
        readings = dict(reading_sets(oracle.instrument)[0][1])
        if goal.pattern is not None and goal.pattern.reading is not None:
            readings = dict(next((r for name, r in reading_sets(oracle.instrument) if name == goal.pattern.reading),
                                 readings))
        ctx = oracle.context(draft, readings)
        if goal.kind in ("always", "possible"):
            assert goal.formula is not None
            compliant = ctx.A & ctx.comp(None, [c.id for c in oracle.instrument.clauses
                                                if any(n.modality is not Modality.MAY for n in c.norms)])
            holds = ctx.ev.holds(goal.formula)
            return not (compliant & ~holds) if goal.kind == "always" else bool(compliant & holds)
        assert goal.pattern is not None
        key = (id(oracle), tuple(sorted(draft.items())), tuple(sorted(readings.items(), key=str)))
        answers = self._answers.get(key)
        if answers is None:
            answers = self._answers[key] = oracle.answers("candidate", draft, None, readings)
        verdicts = {_match(goal.pattern, p) for p in _predicted(oracle, {("candidate", None): answers})}
        if True in verdicts:
            hit = True
        elif None in verdicts:
            raise Undecided(f"goal {goal.label}: a match depends on the core reported")
        else:
            hit = False
        return hit if goal.kind == "some" else not hit
