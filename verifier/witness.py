"""The one door through which a solver's world becomes a finding's scenario.

A check hands over the solver's model and the claims the world must bear out (a breach,
a permission in force, compliance, a guarantee's event without its trigger, ...). The
door reads the world from the model, re-checks every claim, and that the world is one of
the stated situation, with the plain evaluator (`dsl.evaluate`, which never uses Z3), and
only then makes the scenario people read. A claim that fails is a bug in nverify, never a
finding: `WitnessError`. A finding gets its scenario only from a `Witness`, which only
`witness` makes (tests/test_witness.py checks the check modules for any other way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import z3

from dsl import formula as F
from dsl.evaluate import Evaluator, World, assumptions_hold, breaches, compliant, norm_breaches, permitted_instances
from dsl.model import Instrument, Norm
from verifier.findings import Scenario
from verifier.scenario import scenario_of, world_of
from verifier.session import Session

Readings = Mapping[str, str | None]


class WitnessError(AssertionError):
    """A solver witness failed the independent re-check: a bug in nverify, never a finding."""


class Claim:
    """Something a witness world must show; `problem` says what is wrong, or None."""

    def problem(self, instrument: Instrument, world: World) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Breaches(Claim):
    """`party` breaches one of `clauses` (under `readings`)."""

    party: str
    clauses: frozenset[str]
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        found = {b.norm.clause for b in breaches(instrument, world, self.readings, self.party)}
        if found & self.clauses:
            return None
        return f"does not breach any of {sorted(self.clauses)} for {self.party}; breaches {sorted(found)}"


@dataclass(frozen=True)
class BreachesClause(Claim):
    """`party` breaches a norm of `clause` itself (not only some other clause's), under `readings`."""

    party: str
    clause: str
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        ev = Evaluator(instrument, world, self.readings)
        if any(norm_breaches(ev, n, (self.party,)) for n in instrument.clause(self.clause).norms):
            return None
        return f"does not breach {self.clause} for {self.party} under the readings {dict(self.readings)}"


@dataclass(frozen=True)
class Complies(Claim):
    """`party` (every party when None) complies with every clause under `readings`."""

    party: str | None
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        if compliant(instrument, world, self.readings, self.party):
            return None
        return f"is not compliant for {self.party or 'every party'} under the readings {dict(self.readings)}"


@dataclass(frozen=True)
class CompliesExcept(Claim):
    """Every norm is respected under `readings` but those of the excused parties and
    clauses (`while P breaches C`): a party excused with no clauses owes nothing."""

    excused: tuple[tuple[str, tuple[str, ...]], ...]
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        excused = dict(self.excused)
        for b in breaches(instrument, world, self.readings):
            clauses = excused.get(b.subject)
            if clauses is None or (clauses and b.norm.clause not in clauses):
                return f"shows {b.subject} breaching {b.norm.clause}, which no `while` excuses"
        return None


@dataclass(frozen=True)
class NotObliged(Claim):
    """None of these obligations binds its subject, unless the subject takes part in the event
    in this world (one of `event_atoms[subject]` true): the response is owed by nobody outside
    the attack."""

    obligations: tuple[tuple[Norm, str], ...]
    event_atoms: Mapping[str, frozenset[tuple[str, tuple[F.Value, ...]]]]
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        ev = Evaluator(instrument, world, self.readings)
        for norm, s in self.obligations:
            if self.event_atoms.get(s, frozenset()) & world.atoms:
                continue  # s takes part in the event: its duty is no answer to it
            if ev.holds(norm.condition, {norm.subject_var: s}):
                return f"shows an obligation of {s} to give the response ({norm.clause})"
        return None


@dataclass(frozen=True)
class Permits(Claim):
    """The permission `norm` is in force for the act instance `args` (its actor first)."""

    norm: Norm
    args: tuple[F.Value, ...]
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        if tuple(self.args) in permitted_instances(instrument, self.norm, world, self.readings):
            return None
        return f"does not put permission {self.norm.clause} in force for {self.args}"


@dataclass(frozen=True)
class NotExercised(Claim):
    """The holder does not do the act (None: keep the state) with the permission `norm` in
    force while complying with its clauses: the permission is of no use to it in this world."""

    norm: Norm
    holder: str
    act: tuple[str, tuple[F.Value, ...]] | None
    readings: Readings

    def problem(self, instrument: Instrument, world: World) -> str | None:
        ev = Evaluator(instrument, world, self.readings)
        env = {self.norm.subject_var: self.holder}
        if self.act is None:
            assert self.norm.keep is not None
            used = ev.holds(self.norm.condition, env) and ev.holds(self.norm.keep, env)
        else:
            used = self.act in world.atoms and \
                tuple(self.act[1]) in permitted_instances(instrument, self.norm, world, self.readings)
        if used and compliant(instrument, world, self.readings, self.holder):
            return f"lets {self.holder} use the permission in {self.norm.clause} while complying"
        return None


@dataclass(frozen=True)
class Holds(Claim):
    """`formula` holds (or, with `expected` False, does not) in the world, under `readings`."""

    formula: F.Formula
    readings: Readings
    expected: bool = True
    what: str = "the formula"
    env: Mapping[str, F.Value] = field(default_factory=dict)

    def problem(self, instrument: Instrument, world: World) -> str | None:
        if Evaluator(instrument, world, self.readings).holds(self.formula, self.env) == self.expected:
            return None
        return f"{'does not show' if self.expected else 'shows'} {self.what}"


@dataclass(frozen=True)
class Triggers(Claim):
    """Whether the guarantee `norm` triggers (its condition holds for one of its subjects)."""

    norm: Norm
    readings: Readings
    expected: bool
    more: tuple[Norm, ...] = ()  # its instances at the other steps, in a timed spec: it triggers at some step

    def problem(self, instrument: Instrument, world: World) -> str | None:
        ev = Evaluator(instrument, world, self.readings)
        fired = any(ev.holds(n.condition, {n.subject_var: s}) for n in (self.norm, *self.more) for s in n.subjects)
        if fired == self.expected:
            return None
        return f"{'does not trigger' if self.expected else 'triggers'} the guarantee in {self.norm.clause}"


@dataclass(frozen=True)
class Witness:
    """A re-checked world and its scenario: what `CheckContext.finding` takes in place of a scenario."""

    world: World
    scenario: Scenario


def witness(session: Session, model: z3.ModelRef, draft: Mapping[str, str], readings: Readings,
            claims: Iterable[Claim], *, what: str, show_quantities: Iterable[str] = (),
            minimal: bool = True) -> Witness:
    """The door: the model's world, re-checked against the stated situation (under `readings`)
    and every claim, as a scenario. `what` names the witness in the error."""
    world = world_of(session, model, draft)
    return recheck(session, world, readings, claims, what=what, show_quantities=show_quantities, minimal=minimal)


def recheck(session: Session, world: World, readings: Readings, claims: Iterable[Claim], *, what: str,
            show_quantities: Iterable[str] = (), minimal: bool = True) -> Witness:
    """`witness` for a world already read from a model."""
    instrument = session.enc.instrument
    if not assumptions_hold(instrument, world, readings):
        raise WitnessError(f"{what}: the witness is not a world of the stated situation")
    for claim in claims:
        problem = claim.problem(instrument, world)
        if problem is not None:
            raise WitnessError(f"{what}: the witness {problem}")
    return Witness(world, scenario_of(session, world, show_quantities, minimal))
