"""Blockable protection requirements: a coalition that can keep anyone from being obliged to
give the response a protected party requires.

What it finds
    For `protection P against E by R`, the obligations that give R (every act they
    allow their subject is R: `must assist(to: ukraine, means: armed_force)` gives
    "armed help", `must assist(to: ukraine)` does not), and a coalition C of up to
    --coalition-size parties (P not in it) with a choice x of what C decides such
    that E can happen while C's members breach nothing, and, whatever everyone else
    does, none of those obligations binds anyone outside the attack. This is
    `blockable-guarantee` (DESIGN §12, coalitions) with T the response obliged: the
    disjunction of those obligations' conditions, for their subjects that take no
    part in E.
Why it matters
    A protection requirement states what the protected party needs; this says who can
    switch the need off. Where no obligation gives R at all, `protection-gap` says so
    ("no clause of this instrument obliges anyone to ..."), and nobody needs to block.
Query
    As blockable-guarantee, with E the requirement's event and T as above.
Evidence
    The coalition, its choice, the requirement and the obligations that give R, and a
    minimal world with E and the choice where none of them binds.
Example
    specs/istanbul_2022.nv (Russia's draft: every guarantor's refusal)
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl import formula as F
from dsl.evaluate import Evaluator, World, bindings
from dsl.model import AtomKey, Modality, Norm, Requirement
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import Target
from verifier.encode import BoolTerm, VarKey, and_, not_
from verifier.findings import ClauseRef
from verifier.witness import Claim, Holds, NotObliged


@dataclass(frozen=True)
class Protection(Target):
    requirement: Requirement
    responding: tuple[tuple[Norm, str], ...]  # (obligation, subject) that give the response


def event_atoms(ctx: CheckContext, event_keys: set[VarKey], party: str) -> list[AtomKey]:
    """The party's part in an event: the atoms of the event it controls (one of them true:
    it takes part, as an attacker does). Shared by protection-gap and protection blocking."""
    enc = ctx.enc
    return [k for k in ctx.vocab.controlled_by(party) if k in event_keys and enc.is_atom(k)]


def protections(ctx: CheckContext) -> list[Protection]:
    """The protection requirements, each with the obligations that give its response; those
    no obligation ever answers are left to protection-gap."""
    enc, session = ctx.enc, ctx.session
    out = []
    for req in ctx.instrument.requirements:
        responding = tuple(responding_obligations(ctx, req))
        if not responding:
            continue
        event = enc.formula(req.event, ctx.readings)
        event_keys = enc.keys_named(enc.mentioned([event]))
        parts: list[BoolTerm] = []
        for norm, s in responding:
            attacker = enc.disj([enc.var_of(k) for k in event_atoms(ctx, event_keys, s)])
            parts.append(and_(enc.formula(norm.condition, ctx.readings, {norm.subject_var: s}), not_(attacker)))
        trigger = enc.disj(parts)
        # (A space, which no clause id has: these keys are never a guarantee's, `(clause, index)`,
        # whose literal for the same event would otherwise stand in for the requirement's.)
        tag = (f"protection {req.party}", req.index)
        out.append(Protection(
            req.party, trigger, event,
            session.formula_lit(("trigger", *tag), f"response obliged {req.party}#{req.index}", trigger),
            session.formula_lit(("event", *tag), f"event {req.party}#{req.index}", event),
            req, responding,
        ))
    return out


def responding_obligations(ctx: CheckContext, req: Requirement) -> list[tuple[Norm, str]]:
    """(obligation, subject) pairs, the subject not P, such that every act the obligation lets
    its subject do to meet it is the response R (judged on a world with that act alone)."""
    out: list[tuple[Norm, str]] = []
    for clause in ctx.instrument.clauses:
        for norm in clause.norms:
            if norm.modality is not Modality.MUST or norm.act is None:
                continue
            for s in norm.subjects:
                if s != req.party and _gives(ctx, req, norm, s):
                    out.append((norm, s))
    return out


def _gives(ctx: CheckContext, req: Requirement, norm: Norm, subject: str) -> bool:
    env: dict[str, F.Value] = {norm.subject_var: subject}
    options = 0
    for b in bindings(norm):
        full = {**env, **b}
        if F.known(norm.where, full) is False:
            continue  # not an act this obligation allows (another party's own act, say)
        key = ctx.enc.act_key(norm, subject, full)
        if not ctx.enc.is_atom(key):
            continue
        options += 1
        world = World(frozenset({key}), draft=dict(ctx.draft))
        if not Evaluator(ctx.instrument, world, ctx.readings).holds(req.gives, {req.actor_var: subject}):
            return False
    return options > 0


def requirement_ref(req: Requirement) -> ClauseRef:
    """How findings cite a protection requirement (it has no clause of its own)."""
    return ClauseRef(f"protection_{req.party}", f"Protection of {req.party}", req.path, req.span.line,
                     req.span.column, None, None, "requirement")


def unanswered(ctx: CheckContext, p: Protection) -> list[Claim]:
    """What a witness of a blocked protection shows: the event, and no obligation that gives
    the response binding a party that takes no part in the event in that world."""
    enc = ctx.enc
    event_keys = enc.keys_named(enc.mentioned([p.event]))
    parts = {s: frozenset(event_atoms(ctx, event_keys, s)) for s in dict.fromkeys(s for _, s in p.responding)}
    return [Holds(p.requirement.event, ctx.readings, what="the event the protection is for"),
            NotObliged(p.responding, parts, ctx.readings)]
