"""Permissions another party can veto: hollow permissions whose `party` is the blocker.

What it finds
    A permission of party p and an act it grants, and a party b ≠ p with a
    choice x of what b controls in the permission's condition (a consent, a
    vote) such that, whatever everyone else does, p cannot do the act while
    complying with its clauses: with b's choice the permission is out of
    force, and the act it granted is forbidden. (Where the act stays lawful
    without the permission, b's choice takes nothing away: a state that does
    not attack "vetoes" no permission to help the victim of an attack.)
Why it matters
    "Exercises only with the consent of all guarantor states" lets any one
    guarantor veto every exercise: the permission is in that party's hands.
Query
    ∃ x ∈ ctrl(b) ∩ vars(cond): (∃ y: A) ∧ ∀ y: ¬(A ∧ act ∧ Comp_p), where
    vars(cond) is what the condition mentions as written (even where a reading makes it constant;
    not in a part whose value no world can change, such as `v == pb and ...` for v = pa),
    by counterexample-guided search (verifier.qbf) in which the act is part of
    the guess, only for acts that can be done at all and parties that control
    something in the condition. (What b controls elsewhere, such as its own
    attack changing which clauses apply, is the conflict and hollow-permission
    checks' business.)
Evidence
    The blocker (the finding's party), its choice, the permission, and a
    minimal world with that choice.
Example
    examples/23_vetoed_permission.nv
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from dsl.evaluate import bindings
from dsl.model import AtomKey, Norm
from verifier.checks.coalitions import Coalition, Outcome, coalition_phrase, minimal_coalitions, none_left
from verifier.checks.context import CheckContext
from verifier.checks.permissions import instances, permissions, usable_formulas
from verifier.encode import BoolTerm, Model, VarKey, and_
from verifier.explain import granted_phrase
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import Pick, exists_forall
from verifier.scenario import choice_phrase
from verifier.session import among
from verifier.symmetry import free_classes
from verifier.witness import NotExercised


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    hollow = {(f.clauses[0].id, f.party) for f in ctx.findings if f.kind is FindingKind.HOLLOW_PERMISSION and f.clauses}
    # (every finding here is about the permission's clause alone)
    for norm, subject in permissions(ctx, reported_alone=True):
        if (norm.clause, subject) in hollow:
            continue  # already hollow without anyone's veto
        if ctx.same_as_baseline(partial(usable_formulas, ctx, norm, subject), [norm], comp_of=subject):
            continue
        usable = _usable(ctx, norm, subject)
        if isinstance(usable, Finding):
            out.append(usable)  # the solver gave up: say so, never a silent "no veto"
            continue
        if not usable:
            continue
        # A veto works through the permission's own condition (a consent, a vote): what
        # the condition mentions as written, even where the readings make it constant.
        named = _condition_keys(ctx, norm, subject, {key for key, _, _, _, _ in usable})
        # Every minimal coalition (of up to --coalition-size parties, the holder not in
        # it) whose members decide something the condition mentions.
        deciders = ctx.vocab.deciders(named)
        candidates = [b for b in ctx.instrument.parties if b != subject and b in deciders]
        # Before each size, one search asks whether any coalition left can veto it at all.
        out.extend(minimal_coalitions(candidates, ctx.coalition_size,
                                      partial(_coalition_veto, ctx, norm, subject, usable, named),
                                      free_classes(ctx.instrument, [subject]),
                                      partial(_none_left, ctx, norm, subject, usable, named, candidates)))
    return out


def _none_left(ctx: CheckContext, norm: Norm, subject: str, usable: list[Usable], named: set[VarKey],
               candidates: list[str], at_least: int, found: Sequence[frozenset[str]]) -> bool:
    """Whether no coalition of `at_least` or more candidates, containing none `found`, can veto the
    permission (coalitions.none_left): `_veto`'s question for all of them at once, the act
    chosen by the guess as there, the blockers bound by nothing (a veto need not be lawful)."""
    enc = ctx.enc
    world, draft = enc.assumptions(ctx.readings), enc.draft_literals(ctx.draft)
    tag = f"{norm.clause}#{norm.index} @{subject}"
    pick = Pick.named(ctx.session, f"veto screen pick {tag}", len(usable))
    lits = ctx.party_lits(subject)

    def chosen(model: Model) -> list[BoolTerm]:
        return [*ctx.fixed(), usable[pick.index(model)][4], *lits]

    decides = {m: [k for k in ctx.vocab.controlled_by(m) if k in named] for m in candidates}
    return none_left(ctx, tag, "vetoed permission", candidates, decides, None, [pick.exactly_one()],
                     and_(world, *draft, pick.any_of([(use,) for _, _, use, _, _ in usable]),
                          ctx.party_compliance(subject)),
                     chosen, None, at_least, found)


def _coalition_veto(ctx: CheckContext, norm: Norm, subject: str, usable: list[Usable], named: set[VarKey],
                    coalition: Coalition) -> Outcome | None:
    controlled = [k for m in coalition for k in ctx.vocab.controlled_by(m) if k in named]
    finding = _veto(ctx, norm, subject, coalition, usable, controlled)
    if finding is None:
        return None
    return Outcome(finding, finding.kind is not FindingKind.UNKNOWN)


Usable = tuple[AtomKey | None, BoolTerm, BoolTerm, BoolTerm, BoolTerm]


def _condition_keys(ctx: CheckContext, norm: Norm, subject: str, usable: set[AtomKey | None]) -> set[VarKey]:
    """What the conditions of the usable acts (their keys; None for `keep`) mention as written."""
    enc, env = ctx.enc, {norm.subject_var: subject}
    if norm.act is None:
        return enc.keys_mentioned(norm.condition, ctx.readings, env)
    out: set[VarKey] = set()
    for b in bindings(norm):
        full = {**env, **b}
        if enc.act_key(norm, subject, full) in usable:
            out |= enc.keys_mentioned(norm.condition, ctx.readings, full)
            out |= enc.keys_mentioned(norm.where, ctx.readings, full)
    return out


def _usable(ctx: CheckContext, norm: Norm, subject: str) -> list[Usable] | Finding:
    """The acts the permission grants that can be done at all while the party complies."""
    session = ctx.session
    lits = ctx.party_lits(subject)
    usable: list[Usable] = []
    for key, condition, exercise in instances(ctx, norm, subject):
        tag = (norm.clause, norm.index, subject, repr(key))
        cond_lit = session.formula_lit(("permission-condition", *tag), f"in force {norm.clause}#{norm.index} {key}", condition)
        use_lit = session.formula_lit(("permission-use", *tag), f"exercise {norm.clause}#{norm.index} {key}", exercise)
        # (The hollow-permission check asked the same of each act: answered from there.)
        possible = session.status([*ctx.fixed(), cond_lit, use_lit, *lits], "vetoed permission: exercisable at all?")
        if possible.status == "unknown":
            return ctx.unknown(f"whether the permission in {norm.clause} can be used", possible.reason,
                               [ctx.clause_ref(norm.clause)])
        if possible.sat:
            usable.append((key, condition, exercise, cond_lit, use_lit))
    return usable


def _veto(ctx: CheckContext, norm: Norm, subject: str, coalition: Coalition, usable: list[Usable],
          controlled: Sequence[VarKey]) -> Finding | None:
    b = coalition_phrase(coalition)
    session, enc = ctx.session, ctx.enc
    lits = ctx.party_lits(subject)
    comp = ctx.party_compliance(subject)
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    # One search for every act the permission grants: which act is part of the guess.
    pick = Pick.named(session, f"veto pick {norm.clause}#{norm.index} @{subject} by {b}", len(usable))
    # The act done at all, the permission in force or not: a veto leaves it forbidden.
    exercised = pick.any_of([(use,) for _, _, use, _, _ in usable])

    def chosen(model: Model) -> list[BoolTerm]:
        k = pick.index(model)
        return [*ctx.fixed(), usable[k][4], *lits]

    result = exists_forall(session, guess=[world, *draft, pick.exactly_one()],
                           outer_keys=controlled, inner_formula=and_(world, *draft, exercised, comp),
                           inner_assumptions=chosen)
    if result.status == "unknown":
        return ctx.unknown(f"whether {b} can veto the permission in {norm.clause}", result.reason,
                           [ctx.clause_ref(norm.clause)])
    if result.status != "found":
        return None
    assert result.guess is not None
    k = pick.index(result.guess)
    key = usable[k][0]
    choice = among(result.core, result.outer_lits)
    group = coalition if len(coalition) > 1 else ()
    model = minimal_model(session, [*ctx.fixed(), *choice]) \
        if ctx.shown(FindingKind.HOLLOW_PERMISSION, [norm.clause], coalition[0], group) else None
    # With the blocker's choice, no world lets the holder use the permission while complying:
    # the witness world, which has the choice, must not either.
    seen = None if model is None else ctx.witness(
        model, [NotExercised(norm, subject, key, ctx.readings)], what=f"veto by {b} of {norm.clause}")
    permission = ctx.instrument.clause(norm.clause)
    what = granted_phrase(ctx.instrument, norm, subject, key)
    how = choice_phrase(sorted(choice, key=str))
    who = f"{b} together" if group else f"{b} alone"
    message = (f"{who} can stop {subject} from using {permission.label} ({permission.id}) to {what}, "
               f"by {how}")
    return ctx.finding(FindingKind.HOLLOW_PERMISSION, Severity.WARNING, message,
                       [ctx.clause_ref(norm.clause, "permission")], party=coalition[0], coalition=group, witness=seen,
                       details=(("act", what), ("holder", subject), ("choice", how), ("veto", True)))
