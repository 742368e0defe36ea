"""Permissions another party can veto: hollow permissions whose `party` is the blocker.

What it finds
    A permission of party p and an act it grants, and a party b ≠ p with a
    choice x of what b controls (a consent, a vote) such that, whatever
    everyone else does, p cannot do the act with the permission in force
    while complying with its clauses.
Why it matters
    "Exercises only with the consent of all guarantor states" lets any one
    guarantor veto every exercise: the permission is in that party's hands.
Query
    ∃ x ∈ ctrl(b): (∃ y: A) ∧ ∀ y: ¬(A ∧ cond ∧ act ∧ Comp_p), by
    counterexample-guided search (verifier.qbf), only for permissions that
    can be exercised at all and for parties that control something.
Evidence
    The blocker (the finding's party), its choice, the permission, and a
    minimal world with that choice.
Example
    examples/23_vetoed_permission.nv
"""

from __future__ import annotations

import z3

from dsl.model import Modality, Norm
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import choice_phrase
from verifier.checks.hollow_permission import _instances
from verifier.explain import act_phrase, formula_text
from verifier.findings import Finding, FindingKind, Severity
from verifier.qbf import exists_forall
from verifier.scenario import minimal_model, scenario_of, world_of


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    hollow = {(f.clauses[0].id, f.party) for f in ctx.findings if f.kind is FindingKind.HOLLOW_PERMISSION and f.clauses}
    for clause in ctx.instrument.clauses:
        for norm in clause.norms:
            if norm.modality is not Modality.MAY:
                continue
            for subject in norm.subjects:
                if (clause.id, subject) in hollow:
                    continue  # already hollow without anyone's veto
                for b in ctx.instrument.parties:
                    if b == subject or not ctx.vocab.controlled_by(b):
                        continue
                    finding = _veto(ctx, norm, subject, b)
                    if finding is not None:
                        out.append(finding)
    return out


def _veto(ctx: CheckContext, norm: Norm, subject: str, b: str) -> Finding | None:
    session, enc = ctx.session, ctx.enc
    clauses = [c.id for c in ctx.clauses_of(subject)]
    lits = [session.clause_lit(c, ctx.readings, subject) for c in clauses]
    comp = z3.And([session.norms_of(c, ctx.readings, subject) for c in clauses]) if clauses else z3.BoolVal(True, ctx.session.ctx)
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    controlled = list(ctx.vocab.controlled_by(b))
    for key, condition, exercise in _instances(ctx, norm, subject):
        tag = (norm.clause, norm.index, subject, repr(key))
        cond_lit = session.formula_lit(("permission-condition", *tag), f"in force {norm.clause}#{norm.index} {key}", condition)
        use_lit = session.formula_lit(("permission-use", *tag), f"exercise {norm.clause}#{norm.index} {key}", exercise)
        possible = session.check([*ctx.fixed(), cond_lit, use_lit, *lits], "vetoed permission: exercisable at all?")
        if not possible.sat:
            continue
        result = exists_forall(session, guess=[world, *draft], outer_keys=controlled,
                               inner_formula=z3.And(world, *draft, condition, exercise, comp),
                               inner_assumptions=[*ctx.fixed(), cond_lit, use_lit, *lits])
        if result.status == "unknown":
            return ctx.unknown(f"whether {b} can veto the permission in {norm.clause}", result.reason,
                               [ctx.clause_ref(norm.clause)])
        if result.status != "found":
            continue
        choice = [l for l in result.core if any(l.eq(o) for o in result.outer_lits)]
        model = minimal_model(session, [*ctx.fixed(), *choice])
        scenario = scenario_of(session, world_of(session, model, ctx.draft)) if model is not None else None
        permission = ctx.instrument.clause(norm.clause)
        what = act_phrase(ctx.instrument, key) if key is not None else \
        "keep " + formula_text(norm.keep, {norm.subject_var: subject})
        how = choice_phrase(choice)
        message = (f"{b} alone can stop {subject} from using {permission.label} ({permission.id}) to {what}, "
                   f"by {how}")
        return ctx.finding(FindingKind.HOLLOW_PERMISSION, Severity.WARNING, message,
                           [ctx.clause_ref(norm.clause, "permission")], party=b, scenario=scenario,
                           details=(("act", what), ("holder", subject), ("choice", how), ("veto", True)))
    return None
