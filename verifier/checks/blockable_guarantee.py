"""Blockable guarantees: a party can keep a guarantee from triggering while its event happens.

What it finds
    For a guarantee protecting p against E with trigger T, a party b ≠ p and
    a choice x of what b controls (its votes, its consent, its own attack)
    such that E can happen and, whatever everyone else does, T stays false.
Why it matters
    A guarantee that the aggressor can switch off deters nobody; the gravest
    case is a blocker that controls E itself (vetoing the answer to its own
    attack), which is reported first.
Query
    ∃ x ∈ ctrl(b): (∃ y: A ∧ E) ∧ ∀ y: ¬(A ∧ E ∧ T), by counterexample-guided
    search (verifier.qbf); where one is found, again with E caused by b's own atoms.
Evidence
    The blocker, its blocking choice (the minimal part of x that forces T
    false), the guarantee clause, and a minimal world with E and the choice.
Example
    examples/21_blockable_guarantee.nv
"""

from __future__ import annotations

from collections.abc import Sequence

from verifier.checks.context import CheckContext
from verifier.checks.guarantees import Guarantee, to_check, untriggered
from verifier.encode import BoolTerm, VarKey, and_
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import EFResult, exists_forall
from verifier.scenario import choice_phrase
from verifier.session import among


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for g in to_check(ctx):
        answered = ctx.session.check([*ctx.fixed(), g.event_lit, g.trigger_lit], "blockable-guarantee: can it answer E?")
        if not answered.sat:
            continue  # never triggers with its event: a vacuous guarantee, reported by that check
        # Only what the trigger, the event or the assumptions mention can block.
        names = ctx.enc.mentioned([g.trigger, g.event, ctx.enc.assumptions(ctx.readings)])
        for b in ctx.instrument.parties:
            if b == g.protected:
                continue
            finding = _blocker(ctx, g, b, names)
            if finding is not None:
                out.append(finding)
    return out


def blocking_search(ctx: CheckContext, g: Guarantee, outer_keys: Sequence[VarKey], own_event: BoolTerm | None) -> EFResult:
    enc = ctx.enc
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    guess = [world, g.event, *draft] + ([own_event] if own_event is not None else [])
    return exists_forall(ctx.session, guess=guess, outer_keys=outer_keys,
                         inner_formula=and_(world, g.event, g.trigger, *draft),
                         inner_assumptions=[*ctx.fixed(), g.event_lit, g.trigger_lit],
                         base=ctx.guess_base(("world",), [world, *draft]))


def _preferring_decisions(ctx: CheckContext, g: Guarantee, controlled: Sequence[VarKey], own_event: BoolTerm | None,
                          found: EFResult, event_names: set[str]) -> EFResult:
    """A blocking found by shaping the event itself (where b attacks) gives way to one by b's
    other decisions (a veto, a vote), when there is one: that is the graver finding, and the
    one the text can be asked to change. Which of several blockings a search comes upon is
    otherwise the solver's choice, and drafts would be told apart by chance."""
    choice = among(found.core, found.outer_lits)
    if not event_names & ctx.enc.mentioned(choice):
        return found
    decisions = [k for k in controlled if k not in ctx.enc.keys_named(event_names)]
    if not decisions:
        return found
    other = blocking_search(ctx, g, decisions, own_event)
    return other if other.status == "found" else found


def _blocker(ctx: CheckContext, g: Guarantee, b: str, names: set[str]) -> Finding | None:
    named = ctx.enc.keys_named(names)
    controlled = [k for k in ctx.vocab.controlled_by(b) if k in named]
    if not controlled:
        return None
    result = blocking_search(ctx, g, controlled, None)
    if result.status == "unknown":
        return ctx.unknown(f"whether {b} can block {g.norm.clause}", result.reason, [ctx.clause_ref(g.norm.clause)])
    if result.status != "found":
        return None  # (most parties: one search, since no blocking means none with b's own attack either)
    # b can block: can it also when the event is its own attack (the gravest case)? E caused by
    # b alone: every atom b does not control set false in E.
    event_names = ctx.enc.mentioned([g.event])
    others = []
    for name in sorted(event_names):
        key, var = ctx.enc.by_name.get(name, (None, None))
        if ctx.enc.is_atom(key) and ctx.vocab.controller.get(key) != b:
            others.append(var)
    own_event = ctx.enc.falsified(g.event, others)
    own_result = blocking_search(ctx, g, controlled, own_event)
    own = own_result.status == "found"  # (if unknown, the general case found stands on its own)
    if own:
        result = own_result
    result = _preferring_decisions(ctx, g, controlled, own_event if own else None, result, event_names)
    choice = among(result.core, result.outer_lits)
    shown = [*ctx.fixed(), g.event_lit, *choice]
    if own:
        # Show the gravest case as found: the blocker's own attack is the event.
        shown.append(ctx.session.formula_lit(("own-event", g.norm.clause, g.norm.index, b),
                                             f"event by {b} {g.norm.clause}#{g.norm.index}", own_event))
    model = minimal_model(ctx.session, shown) \
        if ctx.shown(FindingKind.BLOCKABLE_GUARANTEE, [g.norm.clause], b) else None
    seen = None if model is None else ctx.witness(model, untriggered(ctx, g),
                                                  what=f"blocking of {g.norm.clause} by {b}")
    clause = ctx.instrument.clause(g.norm.clause)
    how = choice_phrase(choice)
    if own:
        message = (f"{b} can attack {g.protected} itself and still keep {clause.label} ({clause.id}) from triggering, "
                   f"by {how}")
    else:
        message = (f"{b} can keep {clause.label} ({clause.id}) from triggering while {g.protected} is attacked, "
                   f"by {how}")
    details = (("choice", how), ("protected", g.protected), ("controls_event", own))
    return ctx.finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, message, [ctx.clause_ref(clause.id, "guarantee")],
                       party=b, witness=seen, details=details)
