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
the spec undecided. The spec is read by the oracle's own front end
(`tests.oracle.front`); nothing here imports z3, the verifier or the elaborator.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations, product

from tests.oracle.front import Case, G, Goal, Model, Norm, Query
from tests.oracle.oracle import Answers, Oracle, reading_sets
from tests.oracle.predict import matches, predicted_findings

Draft = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]  # (labels, figures), sorted


class Undecided(Exception):
    """A goal's verdict depends on a choice nverify may make either way."""


def figures(model: Model) -> dict[str, tuple[int, int]]:
    """Brackets whose alternatives are all plain numbers, where the text writes them (not a
    count's head count, not in a goal or query): the range they span."""
    return dict(model.reader.figures)


def _fix(f: G, numbers: dict[str, int]) -> G:
    """f with each numeric bracket of `numbers` replaced by its figure."""
    tag = f[0]
    if tag == "?":
        if f[1] in numbers:
            return ("#", numbers[f[1]])
        return ("?", f[1], tuple((lab, _fix(o, numbers)) for lab, o in f[2]))
    if tag == "n":
        return ("n", _fix(f[1], numbers))
    if tag in ("&", "|"):
        return (tag, tuple(_fix(x, numbers) for x in f[1]))
    if tag == "<":
        return ("<", f[1], _fix(f[2], numbers), _fix(f[3], numbers))
    if tag in ("+", "-"):
        return (tag, _fix(f[1], numbers), _fix(f[2], numbers))
    return f


def _fixed_norm(n: Norm, numbers: dict[str, int]) -> Norm:
    return dataclasses.replace(
        n, guard=_fix(n.guard, numbers), trigger={s: _fix(f, numbers) for s, f in n.trigger.items()},
        keep={s: _fix(f, numbers) for s, f in n.keep.items()},
        cases={s: [Case(c.args, _fix(c.cond, numbers), _fix(c.where, numbers)) for c in cs] for s, cs in n.cases.items()},
        protects=None if n.protects is None else (n.protects[0], _fix(n.protects[1], numbers)))


def with_figures(model: Model, numbers: dict[str, int]) -> Model:
    """The spec with these figures in its numeric brackets; the goals' formulas become
    scenario queries, so the world space holds what they mention."""
    goals = [Query("scenario", f"goal {i}", 0, formula=g.formula) for i, g in enumerate(model.goals)
             if g.formula is not None]
    clauses = [dataclasses.replace(c, norms=[_fixed_norm(n, numbers) for n in c.norms]) for c in model.clauses]
    return dataclasses.replace(model, clauses=clauses, assumptions=[_fix(a, numbers) for a in model.assumptions],
                               queries=[*model.queries, *goals])


@dataclass
class Expected:
    meeting: list[Draft]                             # every draft that meets every goal
    met: dict[Draft, frozenset[int]]                 # draft -> the goals (indices) it meets
    ranges: dict[str, tuple[int, int]]               # figures: the range each bracket spans
    zone: set[tuple[tuple[str, str], ...]] = field(default_factory=set)
    agreed: dict[str, tuple[int, int]] = field(default_factory=dict)
    clashes: set[frozenset[int]] = field(default_factory=set)


class NegotiationOracle:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.goals = list(model.goals)
        self.ranges = figures(model)
        self.choices = [b for b in model.brackets if b not in self.ranges]
        self._answers: dict[tuple[object, ...], Answers] = {}

    def drafts(self) -> Iterator[tuple[dict[str, int], dict[str, str]]]:
        numeric = sorted(self.ranges)
        for values in product(*(range(self.ranges[b][0], self.ranges[b][1] + 1) for b in numeric)):
            numbers = dict(zip(numeric, values, strict=True))
            for labels in product(*(self.model.brackets[b] for b in self.choices)):
                yield numbers, dict(zip(self.choices, labels, strict=True))

    def expected(self) -> Expected:
        met: dict[Draft, frozenset[int]] = {}
        oracles: dict[tuple[tuple[str, int], ...], Oracle] = {}
        for numbers, labels in self.drafts():
            key = tuple(sorted(numbers.items()))
            if key not in oracles:
                oracles[key] = Oracle(with_figures(self.model, numbers))
            oracle = oracles[key]
            # Numeric brackets no longer occur in the formulas; any label will do for them.
            draft = {**{b: self.model.brackets[b][0] for b in numbers}, **labels}
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
        readings = dict(reading_sets(oracle.model)[0][1])
        if goal.pattern is not None and goal.pattern.under_reading is not None:
            readings = dict(next((r for name, r in reading_sets(oracle.model) if name == goal.pattern.under_reading),
                                 readings))
        ctx = oracle.context(draft, readings)
        if goal.kind in ("always", "possible"):
            assert goal.formula is not None
            compliant = ctx.A & ctx.comp(None, oracle.constraining_clauses(None))
            holds = ctx.ev.holds(goal.formula)
            return not (compliant & ~holds) if goal.kind == "always" else bool(compliant & holds)
        assert goal.pattern is not None
        key = (id(oracle), tuple(sorted(draft.items())), tuple(sorted(readings.items(), key=str)))
        answers = self._answers.get(key)
        if answers is None:
            answers = self._answers[key] = oracle.answers("candidate", draft, None, readings)
        verdicts = {matches(goal.pattern, p) for p in predicted_findings(oracle, {("candidate", None): answers})}
        if True in verdicts:
            hit = True
        elif None in verdicts:
            raise Undecided(f"goal {goal.label}: a match depends on the core reported")
        else:
            hit = False
        return hit if goal.kind == "some" else not hit
