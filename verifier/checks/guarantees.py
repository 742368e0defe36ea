"""What the guarantee checks share: the guarantee norms, their trigger and event.

A guarantee is an obligation with `protects P against E`. Its trigger T is
the condition under which it binds at least one of its subjects; blocking and
vacuity are asked about worlds where E happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

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


def guarantees(ctx: CheckContext) -> list[Guarantee]:
    out = []
    for clause in ctx.instrument.clauses:
        for norm in clause.norms:
            if norm.protects is None or not present(ctx, norm):
                continue
            enc, session = ctx.enc, ctx.session
            trigger = or_([enc.formula(norm.condition, ctx.readings, {norm.subject_var: s}) for s in norm.subjects])
            event = enc.formula(norm.protects.event, ctx.readings)
            tag = (clause.id, norm.index)
            out.append(Guarantee(
                norm.protects.party, trigger, event,
                session.formula_lit(("trigger", *tag), f"trigger {clause.id}#{norm.index}", trigger),
                session.formula_lit(("event", *tag), f"event {clause.id}#{norm.index}", event),
                norm,
            ))
    return out


def to_check(ctx: CheckContext) -> Iterator[Guarantee]:
    """The guarantees a check asks about: in the report, and not answered already by the
    baseline (under a claimant's readings, a guarantee whose formulas are the baseline's)."""
    for g in guarantees(ctx):
        if ctx.reported([g.norm.clause]) and not ctx.same_as_baseline(partial(guarantee_formulas, ctx, g)):
            yield g


def guarantee_formulas(ctx: CheckContext, g: Guarantee, readings: Readings) -> list[BoolTerm]:
    """What a guarantee's verdicts depend on, under readings: trigger, event, assumptions."""
    enc = ctx.enc
    n = g.norm
    assert n.protects is not None
    trigger = enc.disj(enc.formula(n.condition, readings, {n.subject_var: s}) for s in n.subjects)
    return [trigger, enc.formula(n.protects.event, readings), enc.assumptions(readings)]


def present(ctx: CheckContext, norm: Norm) -> bool:
    """Whether the draft in force contains the norm (a bracketed norm may be left out)."""
    from dsl.evaluate import Evaluator, World

    return Evaluator(ctx.instrument, World(draft=dict(ctx.draft)), ctx.readings).holds(norm.guard)


def untriggered(ctx: CheckContext, g: Guarantee) -> list[Claim]:
    """What a witness of a guarantee that stays silent shows: its event, and no trigger."""
    assert g.norm.protects is not None
    return [Holds(g.norm.protects.event, ctx.readings, what="the event the guarantee exists for"),
            Triggers(g.norm, ctx.readings, expected=False)]


def is_free(ctx: CheckContext, key: VarKey) -> bool:
    """Whether nobody decides a variable: a circumstance (the area attacked) or an open term."""
    return isinstance(key, OpenTermKey) or ctx.vocab.controller.get(key) is None
