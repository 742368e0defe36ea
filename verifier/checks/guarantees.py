"""What the guarantee checks share: the guarantee norms, their trigger and event.

A guarantee is an obligation with `protects P against E`. Its trigger T is
the condition under which it binds at least one of its subjects; blocking and
vacuity are asked about worlds where E happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from dsl import formula as F
from dsl.model import Norm
from verifier.checks.context import CheckContext
from verifier.encode import BoolTerm, OpenTermKey, Readings, VarKey, or_
from verifier.witness import Claim, Holds, Triggers


@dataclass(frozen=True)
class Target:
    """What blocking is asked of: a party protected against an event, and the trigger that
    answers it (a guarantee's condition; for a protection requirement, the conditions of the
    obligations that give the response)."""

    protected: str
    trigger: BoolTerm
    event: BoolTerm
    trigger_lit: BoolTerm
    event_lit: BoolTerm


@dataclass(frozen=True)
class Guarantee(Target):
    norm: Norm
    # In a timed spec, the norm's instances at every step, `norm` the first: one guarantee,
    # which answers the event when it triggers at some step (DESIGN 13); () without time.
    steps: tuple[Norm, ...] = ()

    @property
    def instances(self) -> tuple[Norm, ...]:
        return self.steps or (self.norm,)

    @property
    def event_formula(self) -> F.Formula:
        """The event the guarantee is for, as a formula (at some step, in a timed spec)."""
        return F.disj(*(n.protects.event for n in self.instances if n.protects is not None))


def guarantees(ctx: CheckContext) -> list[Guarantee]:
    out = []
    enc, session = ctx.enc, ctx.session
    for clause in ctx.instrument.clauses:
        # A timed norm is one per step: its instances (same wording, same draft) are one guarantee.
        grouped: dict[int, list[Norm]] = {}
        for norm in clause.norms:
            if norm.protects is None or not present(ctx, norm):
                continue
            grouped.setdefault(norm.index if norm.first is None else norm.first, []).append(norm)
        for norms in grouped.values():
            norm = norms[0]
            assert norm.protects is not None
            trigger = or_([enc.formula(n.condition, ctx.readings, {n.subject_var: s}) for n in norms for s in n.subjects])
            # E at some step, constants folded as in `event_formula`: an event that happens at one
            # step whatever anyone does mentions no atom of the other steps' events.
            event = enc.formula(F.disj(*(n.protects.event for n in norms if n.protects is not None)), ctx.readings)
            tag = (clause.id, norm.index)
            out.append(Guarantee(
                norm.protects.party, trigger, event,
                session.formula_lit(("trigger", *tag), f"trigger {clause.id}#{norm.index}", trigger),
                session.formula_lit(("event", *tag), f"event {clause.id}#{norm.index}", event),
                norm, tuple(norms) if norm.step is not None else (),
            ))
    return out


def to_check(ctx: CheckContext) -> Iterator[Guarantee]:
    """The guarantees a check asks about: in the report, and not answered already by the
    baseline (under a claimant's readings, a guarantee whose formulas are the baseline's)."""
    for g in guarantees(ctx):
        reads = [*g.instances, g.event_formula, *ctx.instrument.assumptions]
        if ctx.reported([g.norm.clause]) and not ctx.same_as_baseline(partial(guarantee_formulas, ctx, g), reads):
            yield g


def guarantee_formulas(ctx: CheckContext, g: Guarantee, readings: Readings) -> list[BoolTerm]:
    """What a guarantee's verdicts depend on, under readings: trigger, event, assumptions."""
    enc = ctx.enc
    trigger = enc.disj(enc.formula(n.condition, readings, {n.subject_var: s}) for n in g.instances for s in n.subjects)
    return [trigger, enc.formula(g.event_formula, readings), enc.assumptions(readings)]


def present(ctx: CheckContext, norm: Norm) -> bool:
    """Whether the draft in force contains the norm (a bracketed norm may be left out)."""
    from dsl.evaluate import Evaluator, World

    return Evaluator(ctx.instrument, World(draft=dict(ctx.draft)), ctx.readings).holds(norm.guard)


def untriggered(ctx: CheckContext, g: Guarantee) -> list[Claim]:
    """What a witness of a guarantee that stays silent shows: its event, and no trigger."""
    return [Holds(g.event_formula, ctx.readings, what="the event the guarantee exists for"),
            Triggers(g.norm, ctx.readings, expected=False, more=g.steps)]


def is_free(ctx: CheckContext, key: VarKey) -> bool:
    """Whether nobody decides a variable: a circumstance (the area attacked) or an open term."""
    return isinstance(key, OpenTermKey) or ctx.vocab.controller.get(key) is None
