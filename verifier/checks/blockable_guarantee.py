"""Blockable guarantees: a party, or a group of parties, can keep a guarantee from triggering
while its event happens.

What it finds
    For a guarantee protecting p against E with trigger T, a coalition C of up
    to --coalition-size parties (p not in it) and a choice x of what C decides
    such that E can happen while C's members breach nothing, and, whatever
    everyone else does, T stays false. Only minimal coalitions are reported:
    a pair is shown only when neither member can block alone. The same is
    asked of each protection requirement, with T "an obligation that gives
    the required response binds a party outside the event"
    (verifier.checks.protection_blocking).
Why it matters
    A guarantee that the aggressor can switch off deters nobody; the gravest
    case is a coalition that causes E itself (an attacker vetoing the answer
    to its own attack), which is reported first. A majority vote is not
    blocked by one guarantor, but may be by two.
Query
    ∃ x ∈ ctrl(C): (∃ y: A ∧ E ∧ Comp⁻_C) ∧ ∀ y: ¬(A ∧ E ∧ T), by
    counterexample-guided search (verifier.qbf), where Comp⁻_C is the members'
    compliance with their norms that do not mention E's atoms
    (coalitions.lawful_conduct). x is first what C decides besides the event
    (votes, consents, requests): C's own part in E stays on the ∀ side, so
    not attacking is no block. Then, for a coalition that can cause E, with
    C's part in E chosen too and E caused by C alone (the gravest case).
Evidence
    The coalition (the finding's party is its first member), its blocking
    choice (the minimal part of x that forces T false), the guarantee clause,
    and a minimal world with E and the choice.
Example
    examples/21_blockable_guarantee.nv
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial
from itertools import combinations

from verifier.checks.coalitions import (
    Coalition,
    Outcome,
    coalition_phrase,
    lawful_conduct,
    minimal_coalitions,
    none_left,
)
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import Guarantee, Target, to_check, untriggered
from verifier.checks.protection_blocking import Protection, protections, requirement_ref, unanswered
from verifier.encode import BoolTerm, Model, VarKey, and_, or_
from verifier.findings import ClauseRef, Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import EFResult, exists_forall
from verifier.scenario import choice_phrase
from verifier.session import among
from verifier.symmetry import free_classes


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    # Guarantees, then protection requirements (verifier.checks.protection_blocking).
    targets: list[Target] = [*to_check(ctx), *protections(ctx)]
    for g in targets:
        answered = ctx.session.check([*ctx.fixed(), g.event_lit, g.trigger_lit], "blockable-guarantee: can it answer E?")
        if not answered.sat:
            continue  # never triggers with its event: vacuous, or a protection gap (those checks say so)
        triggered = answered.model
        assert triggered is not None
        # Only what the trigger, the event or the assumptions mention can block (a member that
        # decides none of it adds nothing to a coalition: it is never minimal).
        enc = ctx.enc
        named = enc.keys_named(enc.mentioned([g.trigger, g.event, enc.assumptions(ctx.readings)]))
        event_keys = enc.keys_named(enc.mentioned([g.event]))
        deciders = ctx.vocab.deciders(named)
        candidates = [b for b in ctx.instrument.parties if b != g.protected and b in deciders]
        decides = _Decides(ctx, named)
        # Most guarantees are blocked by no coalition, or by a few small ones: before each size
        # of coalition, one search asks whether any coalition left can block at all.
        screen = partial(_none_left, ctx, g, candidates, decides, event_keys, triggered)
        out.extend(minimal_coalitions(candidates, ctx.coalition_size,
                                      partial(_blocking, ctx, g, decides, event_keys, {}),
                                      free_classes(ctx.instrument, [g.protected]), screen))
    return out


class _Decides(dict[str, list[VarKey]]):
    """What each party decides of the keys named, in the vocabulary's order: made when a
    coalition first asks, once per target (a party of a real membership controls hundreds of
    atoms; a class of interchangeable parties is asked through its representatives only)."""

    def __init__(self, ctx: CheckContext, named: set[VarKey]) -> None:
        super().__init__()
        self.ctx, self.named = ctx, named

    def __missing__(self, party: str) -> list[VarKey]:
        found = self[party] = [k for k in self.ctx.vocab.controlled_by(party) if k in self.named]
        return found


def blocking_search(ctx: CheckContext, g: Target, outer_keys: Sequence[VarKey], own_event: BoolTerm | None,
                    lawful: BoolTerm | None = None, prefer: Collection[str] = ()) -> EFResult:
    """∃ x ∈ outer_keys: (∃ y: A ∧ E [∧ own_event] [∧ lawful]) ∧ ∀ y: ¬(A ∧ E ∧ T); the canonical
    choice (`prefer`: the parties the finding names)."""
    enc = ctx.enc
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    guess = [world, g.event, *draft] + [f for f in (own_event, lawful) if f is not None]
    return exists_forall(ctx.session, guess=guess, outer_keys=outer_keys,
                         inner_formula=and_(world, g.event, g.trigger, *draft),
                         inner_assumptions=[*ctx.fixed(), g.event_lit, g.trigger_lit],
                         base=ctx.guess_base(("world",), [world, *draft]), prefer=prefer)


def _blocking(ctx: CheckContext, g: Target, decides: _Decides, event_keys: set[VarKey],
              caused: dict[Coalition, BoolTerm], coalition: Coalition) -> Outcome | None:
    controlled = [k for m in coalition for k in decides[m]]
    decisions = [k for k in controlled if k not in event_keys]
    lawful = lawful_conduct(ctx, coalition, event_keys)
    who = coalition_phrase(coalition)
    ref = _refs(ctx, g)
    result: EFResult | None = None
    if decisions:
        result = blocking_search(ctx, g, decisions, None, lawful, (*coalition, g.protected))
        if result.status == "unknown":
            return Outcome(ctx.unknown(f"whether {who} can block {ref[0].id}", result.reason, ref), False)
        if result.status != "found":
            result = None
    own = _own_blocking(ctx, g, coalition, decides, decisions if result is not None else None, event_keys, lawful,
                        caused)
    if own is not None:
        return Outcome(_finding(ctx, g, coalition, own[0], own[1], own[2], lawful), True)
    if result is None:
        return None
    return Outcome(_finding(ctx, g, coalition, result, None, (), lawful), True)


def _own_blocking(ctx: CheckContext, g: Target, coalition: Coalition, decides: _Decides,
                  decisions: Sequence[VarKey] | None, event_keys: set[VarKey], lawful: BoolTerm,
                  caused: dict[Coalition, BoolTerm]) -> tuple[EFResult, BoolTerm, Coalition] | None:
    """The gravest case: the event caused by members S of the coalition alone, each taking part
    in it (doing an atom of E), every other atom of E set false. S's part in the event may be
    chosen with the block (where they strike); the other members' part stays on the ∀ side,
    since not taking part in the event is no block. A block by what the members decide
    (`decisions`, where they block without the event) is preferred: a veto is what a text can
    change. Found as (search, the event so caused, S)."""
    enc = ctx.enc
    controlled = [k for m in coalition for k in decides[m]]
    # The members' part in E (what they control that E mentions, which the trigger, the event
    # or the assumptions mention): key -> member.
    owner = {k: m for m in coalition for k in decides[m] if k in event_keys}
    atoms = {m: [k for k, o in owner.items() if o == m and enc.is_atom(k)] for m in coalition}
    takers = [m for m in coalition if atoms[m]]
    groups = [s for k in range(1, len(takers) + 1) for s in combinations(takers, k)]
    part = {s: [k for k, o in owner.items() if o in s] for s in groups}

    def cause(attackers: Coalition) -> BoolTerm:
        """The event caused by these members alone, made when first tried (the tries stop at a
        block), and kept in `caused` for the target's other coalitions with these members: it
        depends on them alone."""
        if attackers not in caused:
            others = [enc.var_of(k) for k in event_keys if enc.is_atom(k) and k not in part[attackers]]
            caused[attackers] = and_(enc.falsified(g.event, others),
                                     *(or_(*(enc.var_of(k) for k in atoms[m])) for m in attackers))
        return caused[attackers]

    tries = [(s, decisions) for s in groups] if decisions else []
    if isinstance(g, Guarantee):
        # The members' part in E chosen with the block (where they strike). Not for a protection
        # requirement: an event that obliges nobody however it happens is a protection gap.
        tries += [(s, [*_not_in(controlled, event_keys), *part[s]]) for s in groups]
    for attackers, keys in tries:
        own = blocking_search(ctx, g, keys, cause(attackers), lawful, (*coalition, g.protected))
        if own.status == "found":
            return own, cause(attackers), attackers
    return None  # (an unknown here leaves a blocking found without the event standing on its own)


def _none_left(ctx: CheckContext, g: Target, candidates: Sequence[str], decides: _Decides, event_keys: set[VarKey],
               triggered: Model, at_least: int, found: Sequence[frozenset[str]]) -> bool:
    """Whether no coalition of `at_least` or more candidates, containing none `found`, can block g
    (coalitions.none_left). A guarantee's coalition may also choose its members' part in the
    event (where they strike); a protection requirement's may not."""
    enc = ctx.enc
    own_part = isinstance(g, Guarantee)
    world, draft = enc.assumptions(ctx.readings), enc.draft_literals(ctx.draft)
    return none_left(ctx, _tag(g), "blockable-guarantee", candidates,
                     {m: [k for k in decides[m] if own_part or k not in event_keys] for m in candidates},
                     lambda m: lawful_conduct(ctx, (m,), event_keys), [g.event],
                     and_(world, g.event, g.trigger, *draft), [*ctx.fixed(), g.event_lit, g.trigger_lit],
                     triggered, at_least, found)


def _tag(g: Target) -> str:
    """The target's name among the session's variables: its clause and norm, or its requirement."""
    if isinstance(g, Guarantee):
        return f"{g.norm.clause}#{g.norm.index}"
    assert isinstance(g, Protection)
    return f"requirement {g.requirement.index}"


def _not_in(keys: Sequence[VarKey], excluded: set[VarKey]) -> list[VarKey]:
    return [k for k in keys if k not in excluded]


def _refs(ctx: CheckContext, g: Target) -> list[ClauseRef]:
    """A guarantee's clause; a protection requirement, then the clauses that give its response."""
    if isinstance(g, Guarantee):
        return [ctx.clause_ref(g.norm.clause, "guarantee")]
    assert isinstance(g, Protection)
    return [requirement_ref(g.requirement),
            *(ctx.clause_ref(c, "obliging") for c in dict.fromkeys(n.clause for n, _ in g.responding))]


def _finding(ctx: CheckContext, g: Target, coalition: Coalition, result: EFResult, own_event: BoolTerm | None,
             attackers: Coalition, lawful: BoolTerm) -> Finding:
    session = ctx.session
    refs = _refs(ctx, g)
    name = refs[0].id
    choice = sorted(among(result.core, result.outer_lits), key=str)  # one order, whatever the solver's
    tag = (name, g.norm.index if isinstance(g, Guarantee) else -1, coalition)
    shown = [*ctx.fixed(), g.event_lit, *choice,
             session.formula_lit(("lawful", *tag), f"lawful {'+'.join(coalition)} {name}", lawful)]
    if own_event is not None:
        # Show the gravest case as found: the coalition's own act is the event.
        shown.append(session.formula_lit(("own-event", *tag), f"event by {'+'.join(coalition)} {name}", own_event))
    who = coalition_phrase(coalition)
    model = minimal_model(session, shown, prefer=(*coalition, g.protected)) \
        if ctx.shown(FindingKind.BLOCKABLE_GUARANTEE, [name], coalition[0], _group(coalition)) else None
    if isinstance(g, Guarantee):
        assert g.norm.protects is not None
        clause = ctx.instrument.clause(g.norm.clause)
        claims = untriggered(ctx, g)
        what, event = f"keep {clause.label} ({clause.id}) from triggering", g.norm.protects.phrase
    else:
        assert isinstance(g, Protection)
        claims = unanswered(ctx, g)
        what = f"keep anyone from being obliged to {g.requirement.response_text} for {g.protected}"
        event = g.requirement.phrase
    seen = None if model is None else ctx.witness(model, claims, what=f"blocking of {name} by {who}")
    how = choice_phrase(choice)
    who = who + (" together" if len(coalition) > 1 else "")
    if own_event is not None:
        if attackers == coalition:
            they = "they cause {} themselves" if len(coalition) > 1 else "it causes {} itself"
        else:
            they = coalition_phrase(attackers) + (" cause {} themselves" if len(attackers) > 1 else " causes {} itself")
        message = f"{who} can {what} even when {they.format(event)}, by {how}"
    else:
        message = f"{who} can {what} in the event of {event}, by {how}"
    details = (("choice", how), ("protected", g.protected), ("controls_event", own_event is not None))
    return ctx.finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, message, refs,
                       party=coalition[0], coalition=_group(coalition), witness=seen, details=details)


def _group(coalition: Coalition) -> Coalition:
    """The `coalition` field of a finding: the members of a group of two or more, else ()."""
    return coalition if len(coalition) > 1 else ()
