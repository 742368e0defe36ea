"""Goals over every draft -> the zone of possible agreement, the best draft, or the goals that clash.

The draft space is every choice of bracketed alternatives, and every number
between a bracket's alternative figures. A candidate solver over the draft
selectors (and those numbers) proposes a draft; each goal is checked on it
with the ordinary checks; a goal that fails teaches the candidate solver a
lemma over the selectors, guarded by the goal's literal:

* `always F` fails with a compliant world w where F is false: the lemma is
  "w is not compliant, or F holds in w", a formula over selectors and numbers
  (exact, like the inner step of counterexample-guided search);
* `possible F` is built into the candidate solver with a world of its own,
  so every candidate meets it;
* `no KIND ...` / `some KIND ...` run the check on the candidate: the lemma
  forbids the choices made in the brackets whose choice the checks read (a
  bracketed formula translated or evaluated: `dsl.formula.brackets_read`),
  since they answer alike on every draft that chooses so there; for `no`,
  of those only the brackets that the meaning of the finding's clauses can
  read (an overriding clause's, a breached clause's) and those of no clause,
  for checks whose verdict depends on nothing else.

Lemmas are necessary conditions, so an unsat core over goal literals names
goals that cannot be met together; it is shrunk by deletion to a minimal set.
Drafts are never enumerated one by one.

A candidate's goals are asked cheapest first (`possible`, then `always`, then
finding goals), and a candidate that fails a cheap goal is not checked for the
finding goals. A finding goal runs only the checks that report its kind
(registry.checks_for), in a text where each figure records whether anything
reads it (`_Figure`): a figure the checks never read, or that cannot change any
answer (`free_figures`), is left out of the goal's lemma, and a draft that
differs from one that met the goal only in such figures meets it too. So a
search over a figure's range runs a finding goal's checks once per choice of
alternatives, not once per figure tried (negotiation_istanbul_imported.nv).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import cast

import z3

from dsl import formula as F
from dsl.model import Clause, Goal, Instrument, Norm
from dsl.source import Span
from verifier.budget import BudgetExhausted
from verifier.checks import CheckContext
from verifier.checks.context import Wanted
from verifier.checks.queries import matches
from verifier.encode import Encoder, Readings
from verifier.findings import Finding, FindingKind
from verifier.ground import vocabulary
from verifier.minimal import witness
from verifier.pipeline import baseline_readings, claimant_readings
from verifier.registry import LOCAL_KINDS, checks_for
from verifier.session import Limits, Session

MAX_ROUNDS = 300
MAX_ZONE = 16
MAX_CLASHES = 4


@dataclass(frozen=True)
class Draft:
    labels: tuple[tuple[str, str], ...]
    numbers: tuple[tuple[str, int], ...]
    objective: int | None = None

    def to_json(self) -> dict[str, object]:
        return {"choices": dict(self.labels), "numbers": dict(self.numbers), "objective": self.objective}


@dataclass
class NegotiationResult:
    path: str
    goals: list[Goal]
    brackets: dict[str, tuple[str, ...]]
    ranges: dict[str, tuple[int, int]]
    status: str = "unknown"          # "agreement" | "no agreement" | "unknown"
    zone: list[Draft] = field(default_factory=list)
    zone_complete: bool = True
    agreed_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    best: Draft | None = None
    objective: str | None = None
    clashes: list[list[Goal]] = field(default_factory=list)
    reason: str = ""
    rounds: int = 0

    def to_json(self) -> dict[str, object]:
        def goal(g: Goal) -> dict[str, object]:
            return {"party": g.party, "goal": g.label, "line": g.span.line if g.span else None}

        return {
            "version": 1, "file": self.path, "status": self.status, "reason": self.reason,
            "brackets": {b: list(labels) for b, labels in self.brackets.items()},
            "number_ranges": {b: list(r) for b, r in self.ranges.items()},
            "goals": [goal(g) for g in self.goals],
            "zone": [d.to_json() for d in self.zone], "zone_complete": self.zone_complete,
            "agreed_ranges": {b: list(r) for b, r in self.agreed_ranges.items()},
            "objective": self.objective, "best": self.best.to_json() if self.best else None,
            "clashes": [[goal(g) for g in c] for c in self.clashes],
        }


def numeric_brackets(instrument: Instrument) -> dict[str, tuple[int, int]]:
    """Brackets that choose between figures: the range their alternatives span, as written
    (`Bracket.figures`), whether or not a formula still reads them. The number of a count
    (`at least [russia: 3 | ukraine: 2] of ...`) is a head count, not a figure: its bracket
    stays a choice between the alternatives as written."""
    return {b.id: b.figures for b in instrument.brackets.values() if b.figures is not None}


# The brackets whose figure was read while a candidate's checks ran (see `_Figure`).
_figures_read: list[set[str | None]] = []


class _Figure(F.Num):
    """A bracket's figure in a candidate's text (`with_figures(..., traced=True)`): reading its
    value records the bracket in `_figures_read`. Checks on a candidate are deterministic, so
    checks that never read a figure give the same findings whatever the figure: the search
    learns that for every figure of the bracket at once. A copy made by `dataclasses.replace`
    knows no bracket and records None: every figure then counts as read."""

    __slots__ = ("bracket",)

    def __init__(self, value: int, bracket: str | None = None) -> None:
        super().__init__(value)
        object.__setattr__(self, "bracket", bracket)

    def __getattribute__(self, name: str) -> object:
        if name == "value":
            for seen in _figures_read:
                seen.add(object.__getattribute__(self, "bracket"))
        return object.__getattribute__(self, name)


def clause_brackets(instrument: Instrument, clauses: Iterable[str]) -> set[str]:
    """The brackets whose choice the meaning of these clauses can read: those whose alternatives
    occur in their norms' formulas (a clause that another overrides holds, in its conditions,
    the overriding clause's: dsl.elaborate), in the readings of the vague terms they use, and
    in the clauses whose breach they name, and so on (`Instrument.reached`)."""
    def parts(n: Norm) -> tuple[F.Formula | None, ...]:
        return (n.condition, n.where, n.guard, n.keep, n.protects.event if n.protects else None)
    roots = [p for c in clauses for n in instrument.clause(c).norms for p in parts(n) if p is not None]
    return {node.bracket for node in instrument.reached(roots, parts) if isinstance(node, (F.Choice, F.IntChoice))}


def free_figures(instrument: Instrument) -> frozenset[str]:
    """Numeric brackets whose figure no finding can depend on: the bracket compares one
    quantity with a constant (`limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000]`),
    and that quantity occurs nowhere else in the text (assumptions, clauses, terms, protection
    requirements; goals are the search's own). A quantity is a whole number at least 0 and
    without upper bound, so for every figure from 1 up the comparison can be true and can be
    false, and it is the only thing about the quantity any check can ask: the figure changes no
    answer of any query, only the values a witness shows. (A timed spec's quantities are left
    out.)"""
    if instrument.horizon is not None:
        return frozenset()
    ranges = numeric_brackets(instrument)
    atoms: dict[str, set[tuple[str, bool, str, tuple[object, ...]]]] = {}  # bracket -> the comparisons it is in
    quantities: dict[str, set[tuple[object, ...]]] = {}  # quantity name -> how it occurs
    unfit: set[str] = set()
    seen: set[int] = set()

    def qty_key(q: F.Qty) -> tuple[object, ...]:
        return (q.name, tuple((type(a).__name__, getattr(a, "value", getattr(a, "name", None))) for a in q.args))

    def walk(x: object, parent: object) -> None:
        if isinstance(x, (str, int, float, bool, type(None), Span, type)):
            return
        if isinstance(x, Mapping):
            for v in x.values():
                walk(v, parent)
            return
        if isinstance(x, (tuple, list, frozenset, set)):
            for v in x:
                walk(v, parent)
            return
        if not dataclasses.is_dataclass(x):
            return
        if isinstance(x, F.IntChoice):
            cmp = parent
            if not isinstance(cmp, F.Cmp) or not any(o is x for o in (cmp.left, cmp.right)):
                unfit.add(x.bracket)
            else:
                other = cmp.right if cmp.left is x else cmp.left
                if isinstance(other, F.Qty) and all(isinstance(a, F.Const) for a in other.args):
                    atoms.setdefault(x.bracket, set()).add((cmp.op, cmp.left is x, other.name, qty_key(other)))
                    quantities.setdefault(other.name, set()).add(("bracket", x.bracket, qty_key(other)))
                else:
                    unfit.add(x.bracket)
        elif isinstance(x, F.Qty) and not (isinstance(parent, F.Cmp) and any(
                isinstance(o, F.IntChoice) for o in (parent.left, parent.right))):
            quantities.setdefault(x.name, set()).add(("elsewhere", id(x)))
        if id(x) in seen:
            return
        seen.add(id(x))
        for f in dataclasses.fields(x):
            if f.name not in ("span", "sources", "goals", "objectives", "queries"):
                walk(getattr(x, f.name), x)

    walk(instrument, None)
    free = set()
    for b, found in atoms.items():
        if b in unfit or len(found) != 1 or b not in ranges or ranges[b][0] < 1:
            continue
        (_, _, name, key), = found
        if quantities.get(name) == {("bracket", b, key)}:
            free.add(b)
    return frozenset(free)


def with_figures(instrument: Instrument, figures: Mapping[str, int], *, traced: bool = False) -> Instrument:
    """The text of a draft whose numeric brackets hold these figures, each bracket replaced by
    its figure: the checks and the re-check of their witnesses (dsl.evaluate, which reads a
    bracket by its label and knows no figure between the alternatives) read the same text.
    `traced`: each figure a `_Figure`, which says when it is read."""
    if not figures:
        return instrument
    done: dict[int, object] = {}  # by id: shared nodes (a definition used twice) are rebuilt once

    def put(x: object) -> object:
        if isinstance(x, F.IntChoice) and x.bracket in figures:
            return _Figure(figures[x.bracket], x.bracket) if traced else F.Num(figures[x.bracket])
        if isinstance(x, tuple):
            return tuple(put(y) for y in x)
        if isinstance(x, Span) or not dataclasses.is_dataclass(x) or isinstance(x, type):
            return x
        if id(x) not in done:
            done[id(x)] = dataclasses.replace(x, **{f.name: put(getattr(x, f.name))
                                                    for f in dataclasses.fields(x) if f.init})
        return done[id(x)]

    return dataclasses.replace(instrument, clauses=cast(tuple[Clause, ...], put(instrument.clauses)),
                               assumptions=cast(tuple[F.Formula, ...], put(instrument.assumptions)))


class Negotiator:
    # Whether a finding goal's checks stop at the first finding its pattern matches (`_findings`);
    # they give the same answers either way (tests/unit/test_wanted.py compares them).
    first_match = True

    def __init__(self, instrument: Instrument, limits: Limits | None = None) -> None:
        self.instrument = instrument
        self.limits = limits or Limits()
        self.ctx = z3.Context()
        self.ranges = numeric_brackets(instrument)
        self.numbers = {b: z3.Int(f"number {b}", self.ctx) for b in self.ranges}
        self.vocab = vocabulary(instrument)
        self.enc = Encoder(instrument, self.vocab, self.ctx, numbers=dict(self.numbers))
        self.readings = baseline_readings(instrument, [])
        self.session = Session(self.enc, self.limits)
        self.drafts_checked = 0  # names each candidate draft's session (its --emit-smt2 files)
        self.goals = list(instrument.goals)
        self.goal_lits = [z3.Bool(f"goal {i}: {g.label}", self.ctx) for i, g in enumerate(self.goals)]
        self.solver = self.session.side_solver(simple=False)
        self.solver.add(*self.enc.background)
        for b, (lo, hi) in self.ranges.items():
            self.solver.add(self.numbers[b] >= lo, self.numbers[b] <= hi)
        self.rounds = 0
        self.undecided = ""  # why the last search answered unknown
        self.free = free_figures(instrument)
        # Per finding goal, the drafts that met it: their labels, and the figures their checks read.
        self._met: dict[Goal, list[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]]] = {}
        self._objective_var: z3.ArithRef | None = None
        for i, g in enumerate(self.goals):
            if g.kind == "possible":
                # A world of its own in which the goal's formula holds and every clause is respected.
                copy = self._world_copy(f"goal{i}:")
                assert g.formula is not None
                self.solver.add(z3.Implies(self.goal_lits[i],
                                           z3.And(self._compliant(copy), copy.formula(g.formula, self.readings))))
        if instrument.objectives:
            obj = instrument.objectives[0]
            copy = self._world_copy("objective:")
            self._objective_var = copy.integer(obj.expr, {})
            self._objective_world = self._compliant(copy)

    # ---- encodings ------------------------------------------------------------------
    def _world_copy(self, prefix: str) -> Encoder:
        return Encoder(self.instrument, self.vocab, self.ctx, numbers=dict(self.numbers), atom_prefix=prefix)

    def _compliant(self, enc: Encoder) -> z3.BoolRef:
        parts = [enc.assumptions(self.readings)]
        parts += [enc.norm(n, s, self.readings) for n in self.instrument.norms for s in n.subjects]
        return z3.And(parts)

    # ---- candidates ---------------------------------------------------------------------
    def _candidate(self, model: z3.ModelRef) -> Draft:
        labels = tuple((b, lab) for (b, lab), sel in sorted(self.enc.selectors.items())
                       if z3.is_true(model.eval(sel, model_completion=True)))
        numbers = tuple((b, model.eval(v, model_completion=True).as_long())
                        for b, v in sorted(self.numbers.items()))
        value = None
        if self._objective_var is not None:
            value = model.eval(self._objective_var, model_completion=True).as_long()
        return Draft(labels, numbers, value)

    def _propose(self, goals: list[int], extra: Iterable[z3.BoolRef], optimise: bool) -> tuple[str, Draft | None, list[int]]:
        """("sat", draft, []) | ("unsat", None, core goal indices) | ("unknown", None, [])."""
        extra = list(extra)
        if optimise and self._objective_var is not None:
            opt = self.session.optimize()
            opt.add(self.solver.assertions())
            opt.add(*extra, *(self.goal_lits[i] for i in goals), self._objective_world)
            direction = self.instrument.objectives[0].direction
            (opt.maximize if direction == "maximize" else opt.minimize)(self._objective_var)
            result = self.session.side_check(opt, "negotiate: the best draft")
            if result == z3.sat:
                return "sat", self._candidate(opt.model()), []
            if result == z3.unsat:
                return self._propose(goals, extra, optimise=False)
            return "unknown", None, []
        result = self.session.side_check(self.solver, "negotiate: a draft",
                                         [*extra, *(self.goal_lits[i] for i in goals)])
        if result == z3.sat:
            return "sat", self._candidate(self.solver.model()), []
        if result == z3.unsat:
            core = {str(c) for c in self.solver.unsat_core()}
            return "unsat", None, [i for i in goals if str(self.goal_lits[i]) in core]
        return "unknown", None, []

    def solve(self, goals: list[int], extra: Iterable[z3.BoolRef] = (), optimise: bool = False) -> tuple[str, Draft | None, list[int]]:
        """Search for a draft meeting `goals` (and `extra`), learning from each failure; unknown
        also once the run's time budget is spent."""
        try:
            return self._solve(goals, list(extra), optimise)
        except BudgetExhausted:
            return "unknown", None, []

    def _solve(self, goals: list[int], extra: list[z3.BoolRef], optimise: bool) -> tuple[str, Draft | None, list[int]]:
        for _ in range(MAX_ROUNDS):
            self.rounds += 1
            status, draft, core = self._propose(goals, extra, optimise)
            if status == "unknown":
                self.undecided = "the solver gave up"
            if status != "sat":
                return status, None, core
            assert draft is not None
            failed = False
            for i in sorted(goals, key=self._cost):
                if failed and self._cost(i) > 1:
                    break  # the draft fails already: the dear goals are not asked of it
                lemma = self._check_goal(i, draft)
                if lemma is None:
                    continue
                if isinstance(lemma, str):
                    self.undecided = lemma
                    return "unknown", None, []
                self.solver.add(z3.Implies(self.goal_lits[i], lemma))
                failed = True
            if not failed:
                return "sat", draft, []
        self.undecided = f"no draft settled it in {MAX_ROUNDS} candidate drafts"
        return "unknown", None, []

    # ---- goals ------------------------------------------------------------------------------
    def _cost(self, i: int) -> int:
        """The order in which a candidate's goals are checked: `possible` goals hold by
        construction, an `always` goal is one query, a finding goal runs whole checks. A candidate
        that fails a cheap goal is not asked the dear ones (every cheap goal is asked: each
        failure teaches a lemma for one query)."""
        return {"possible": 0, "always": 1}.get(self.goals[i].kind, 2)

    def _fix(self, draft: Draft) -> list[z3.BoolRef]:
        lits = [self.enc.selector(b, lab) for b, lab in draft.labels]
        lits += [self.session.value_lit(self.numbers[b], v) for b, v in draft.numbers]
        return lits

    def _check_goal(self, i: int, draft: Draft) -> z3.BoolRef | str | None:
        """None if met; a lemma (over selectors and numbers) if not; a reason if unknown."""
        g = self.goals[i]
        if g.kind == "possible":
            return None
        if g.kind == "always":
            return self._always(g, draft)
        return self._finding_goal(g, draft)

    def _always(self, g: Goal, draft: Draft) -> z3.BoolRef | str | None:
        assert g.formula is not None
        s = self.session
        comp = self._compliant(self.enc)
        violated = z3.And(comp, z3.Not(self.enc.formula(g.formula, self.readings)))
        lit = s.formula_lit(("always", g.label), f"violates {g.label}", violated)
        outcome = s.check([*self._fix(draft), lit], f"goal {g.label}")
        if outcome.unsat:
            return None
        if not outcome.sat:
            return outcome.reason or "unknown"
        # The smallest counterexample (fewest atoms, then the lowest figures) makes the lemma
        # as general as it can be: a cap is cut to just below it, not one figure at a time.
        model, _ = witness(s, [*self._fix(draft), lit])
        if model is None:
            return "no counterexample could be read"
        world_vars = [*self.enc.atom_vars.made().values(), *self.enc.qty_vars.values(), *self.enc.open_vars.values()]
        pairs = [(v, model.eval(v, model_completion=True)) for v in world_vars]
        return z3.Not(z3.substitute(violated, *pairs))

    def _finding_goal(self, g: Goal, draft: Draft) -> z3.BoolRef | str | None:
        assert g.pattern is not None
        met = self._met.setdefault(g, [])
        numbers = dict(draft.numbers)
        if any(labels == draft.labels and all(numbers[b] == v for b, v in figures) for labels, figures in met):
            return None  # met by a draft that differs only in figures its checks did not read
        read: set[str | None] = set()
        _figures_read.append(read)
        try:
            with F.brackets_read() as chosen:
                findings = self._findings(g, draft)
        finally:
            _figures_read.pop()
        if isinstance(findings, str):
            return findings
        if None in read:
            read = set(numbers)
        read -= self.free
        hits = [f for f in findings if matches(g.pattern, f)]
        if (g.kind == "no" and not hits) or (g.kind == "some" and hits):
            met.append((draft.labels, tuple((b, v) for b, v in draft.numbers if b in read)))
            return None
        # The checks answer alike on every draft that chooses as this one in the brackets whose
        # choice they read (`chosen`): the lemma forbids those choices. A local finding, besides,
        # stands while its clauses mean what they mean: of those, the brackets their meaning can
        # read (`clause_brackets`: an overriding clause's too, seed 10388) and those of no clause.
        # (A `some` goal's missing finding is no local fact: one on the clauses it names may need
        # another clause, in any of its alternatives: seed 6162. Where that other clause's choice
        # matters, its bracket was read.)
        own = clause_brackets(self.instrument, {c.id for c in hits[0].clauses}) \
            if g.kind == "no" and hits[0].kind in LOCAL_KINDS else None

        def bears(b: str) -> bool:
            return own is None or b in own or self.instrument.brackets[b].clause is None
        parts = [self.enc.selector(b, lab) for b, lab in draft.labels if b in chosen and bears(b) and b not in self.numbers]
        parts += [self.numbers[b] == v for b, v in draft.numbers if b in read and bears(b)]
        return z3.Not(z3.And(parts)) if parts else z3.BoolVal(False, self.ctx)

    def _findings(self, g: Goal, draft: Draft) -> list[Finding] | str:
        """Run the checks the goal's kind needs on one concrete draft, in a session of its own:
        their findings, or only the first the goal's pattern matches, which decides the goal
        whether or not a later question would give up (the checks stop there: `Wanted`)."""
        ctx = z3.Context()
        text = with_figures(self.instrument, dict(draft.numbers), traced=True)
        enc = Encoder(text, self.vocab, ctx)
        self.drafts_checked += 1
        session = Session(enc, self.limits, label=f"{self.session.label}-draft{self.drafts_checked}")
        assert g.pattern is not None
        readings: Readings = self.readings
        if g.pattern.reading is not None:
            for name, claimed in claimant_readings(self.instrument, self.readings):
                if name == g.pattern.reading:
                    readings = claimed
        check = CheckContext(text, session, readings, "candidate", dict(draft.labels),
                             wanted=partial(matches, g.pattern) if self.first_match else None)
        try:
            for step in checks_for(FindingKind(g.pattern.finding_kind or "contradiction")):
                check.findings.extend(step.run(check))
        except Wanted as found:
            return [found.finding]
        if any(f.kind.value == "unknown" for f in check.findings):
            return "a check on a candidate draft gave up"
        return list(check.findings)

    # ---- the questions ----------------------------------------------------------------------
    def clash(self, goals: list[int], core: list[int]) -> list[int] | None:
        """Shrink an infeasible goal set to a minimal one by deletion."""
        current = list(core) or list(goals)
        i = 0
        while i < len(current):
            trial = current[:i] + current[i + 1:]
            status, _, smaller = self.solve(trial)
            if status == "unsat":
                current = [g for g in trial if g in smaller] or trial
                continue
            if status == "unknown":
                return None
            i += 1
        return current


def negotiate(instrument: Instrument, timeout_s: float = 10.0, limits: Limits | None = None) -> NegotiationResult:
    """`limits`, if given, in place of the timeout alone (`--rlimit`, `--emit-smt2`)."""
    n = Negotiator(instrument, limits or Limits(timeout_ms=int(timeout_s * 1000)))
    result = NegotiationResult(instrument.path, n.goals, {b.id: b.labels for b in instrument.brackets.values()},
                               dict(n.ranges))
    if instrument.objectives:
        result.objective = instrument.objectives[0].text
    everything = list(range(len(n.goals)))
    status, draft, core = n.solve(everything, optimise=True)
    if status == "unknown":
        budget = n.limits.budget
        if budget is not None and budget.exhausted():
            why = f"the solver gave up ({budget.reason})"
        else:
            why = n.undecided or "the solver gave up"
        result.status, result.reason, result.rounds = "unknown", why, n.rounds
        return result
    if status == "unsat":
        result.status = "no agreement"
        _clashes(n, everything, core, result)
        result.rounds = n.rounds
        return result
    result.status = "agreement"
    result.best = draft if instrument.objectives else None
    # The zone: every combination of alternatives that meets every goal (numbers left free).
    blocked: list[z3.BoolRef] = []
    while len(result.zone) < MAX_ZONE:
        status, found, _ = n.solve(everything, extra=blocked)
        if status == "unknown":
            result.zone_complete = False
            break
        if status != "sat" or found is None:
            break
        result.zone.append(found)
        choice = [n.enc.selector(b, lab) for b, lab in found.labels if b not in n.numbers]
        if not choice:
            break
        blocked.append(z3.Not(z3.And(choice)))
    else:
        result.zone_complete = False
    for b, var in n.numbers.items():
        lo = _extreme(n, everything, var, n.ranges[b], lowest=True)
        hi = _extreme(n, everything, var, n.ranges[b], lowest=False)
        if lo is not None and hi is not None:
            result.agreed_ranges[b] = (lo, hi)
    result.rounds = n.rounds
    return result


def _extreme(n: Negotiator, goals: list[int], var: z3.ArithRef, bounds: tuple[int, int], *, lowest: bool) -> int | None:
    """The lowest (or highest) figure of a numeric bracket in a draft meeting every goal, by bisection."""
    lo, hi = bounds
    best: int | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        status, draft, _ = n.solve(goals, extra=[var <= mid] if lowest else [var >= mid])
        if status == "unknown":
            return None
        if status == "sat" and draft is not None:
            value = dict(draft.numbers)[str(var).removeprefix("number ")]
            best = value
            if lowest:
                hi = value - 1
            else:
                lo = value + 1
        elif lowest:
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _clashes(n: Negotiator, goals: list[int], core: list[int], result: NegotiationResult) -> None:
    """Minimal sets of goals that cannot be met together, by a hitting-set tree over goal sets."""
    found: list[list[int]] = []
    queue = [goals]
    seen: set[frozenset[int]] = set()
    first_core: list[int] | None = core
    while queue and len(found) < MAX_CLASHES:
        subset = queue.pop(0)
        if frozenset(subset) in seen:
            continue
        seen.add(frozenset(subset))
        if first_core is not None:
            status, sub_core = "unsat", first_core
            first_core = None
        else:
            status, _, sub_core = n.solve(subset)
        if status == "unknown":
            # Clashes within this set may exist: the list is not known to be complete.
            result.reason = result.reason or ("more clashes may exist: a set of goals was left undecided, by the "
                                              f"solver or by the limit of {MAX_ROUNDS} candidate drafts")
            continue
        if status != "unsat":
            continue
        clash = n.clash(subset, sub_core)
        if clash is None:
            result.reason = "the solver gave up while shrinking a clash"
            break
        if sorted(clash) not in [sorted(c) for c in found]:
            found.append(clash)
        for g in clash:
            queue.append([x for x in subset if x != g])
    result.clashes = [[n.goals[i] for i in sorted(c)] for c in found]
