"""Hollow permissions: a `may` that cannot be exercised without breaching another clause.

What it finds
    A permission of party p, and one act it grants (an instance of its
    pattern), such that doing that act breaches one of p's clauses: always
    (error), or in some situation that can happen and in which p could
    otherwise comply (warning).
Why it matters
    The permission reads as a promise that another clause takes back; the
    party that relies on it is in breach.
Query
    Always: A ∧ cond ∧ act ∧ Comp_p is unsat while A ∧ cond ∧ Comp_p and
    A ∧ cond ∧ act are sat; the minimised core names the blocking clauses.
    In a situation: ∃ s ∉ ctrl(p): (∃ x: A ∧ cond ∧ Comp_p) ∧ (∃ x: A ∧ cond ∧ act)
    ∧ ∀ x: ¬(A ∧ cond ∧ act ∧ Comp_p), by counterexample-guided search (verifier.qbf).
    In both, the act must be possible (A ∧ cond ∧ act sat, in the situation): an act
    that the situation itself rules out has no blocking clause and is not reported.
Evidence
    The permission, the act, the blocking clauses, and a minimal world in
    which p does the act and breaches them (re-checked by dsl.evaluate).
Example
    examples/16_hollow_permission.nv
"""

from __future__ import annotations

from functools import partial

from dsl.model import AtomKey, Norm
from verifier.checks.context import CheckContext
from verifier.checks.permissions import instances, permissions, usable_formulas
from verifier.encode import BoolTerm, Model, VarKey, and_, substitute
from verifier.explain import clause_list, granted_phrase, situation_phrase
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import Pick, exists_forall
from verifier.session import among, minimise_core
from verifier.witness import Breaches, Claim, Holds, Permits


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for norm, subject in permissions(ctx, reported_alone=False):
        if ctx.same_as_baseline(partial(usable_formulas, ctx, norm, subject), [norm], comp_of=subject):
            continue
        finding = _permission(ctx, norm, subject)
        if finding is not None:
            out.append(finding)
    return out


def _permission(ctx: CheckContext, norm: Norm, subject: str) -> Finding | None:
    session, enc = ctx.session, ctx.enc
    clauses = [c.id for c in ctx.clauses_of(subject)]
    lits = ctx.party_lits(subject)
    fixed = ctx.fixed()
    pending: list[tuple[AtomKey | None, BoolTerm, BoolTerm, BoolTerm]] = []
    for key, condition, exercise in instances(ctx, norm, subject):
        tag = (norm.clause, norm.index, subject, repr(key))
        cond_lit = session.formula_lit(("permission-condition", *tag), f"in force {norm.clause}#{norm.index} {key}", condition)
        use_lit = session.formula_lit(("permission-use", *tag), f"exercise {norm.clause}#{norm.index} {key}", exercise)
        # (Remembered: the vetoed-permission check asks the same, whether the act can be used.)
        always = session.remembered([*fixed, cond_lit, use_lit, *lits], "hollow-permission: always blocked?")
        if not always.sat:
            # In force in a world where the party can comply at all; otherwise the problem is a
            # contradiction or conflict (reported by those checks), not this permission. (Asked
            # only now: a world where the party does the act and complies answers it already.)
            in_force = session.check([*fixed, cond_lit, *lits], "hollow-permission: can the permission apply?")
            if not in_force.sat:
                if in_force.status == "unknown":
                    return ctx.unknown(f"the permission in {norm.clause}", in_force.reason, [ctx.clause_ref(norm.clause)])
                continue
        if always.unsat:
            # Blocked by the clauses only if the act can be done at all while the permission is in
            # force; an act the situation itself rules out has no blocking clause to report.
            possible = session.check([*fixed, cond_lit, use_lit], "hollow-permission: can the act be done?")
            if possible.status == "unknown":
                return ctx.unknown(f"the permission in {norm.clause}", possible.reason, [ctx.clause_ref(norm.clause)])
            if possible.unsat:
                continue
            core, minimal = minimise_core(session, [*fixed, cond_lit, use_lit], always.core, lits)
            return _finding(ctx, norm, subject, key, core, [*fixed, cond_lit, use_lit], clauses, minimal, always=True)
        if always.status == "unknown":
            return ctx.unknown(f"the permission in {norm.clause}", always.reason, [ctx.clause_ref(norm.clause)])
        pending.append((key, condition, exercise, cond_lit))
    # No act is always blocked: look for a situation that blocks one. One search covers
    # every pending act: which act is part of the guess, like the situation.
    if not clauses or not pending:
        return None
    comp = ctx.party_compliance(subject)
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    controlled = set(ctx.vocab.controlled_by(subject))
    pick = Pick.named(session, f"pick {norm.clause}#{norm.index} @{subject}", len(pending))
    uses = []
    for key, _, exercise, _ in pending:
        tag = (norm.clause, norm.index, subject, repr(key))
        uses.append(session.formula_lit(("permission-use", *tag), f"exercise {norm.clause}#{norm.index} {key}", exercise))
    chosen_condition = pick.implies_each([cond for _, cond, _, _ in pending])
    chosen_exercise = pick.any_of([(cond, use) for _, cond, use, _ in pending])

    # Only the party's clauses that share, directly or through one another, a variable it
    # controls with the act or the world can stand in the way: the others the party keeps
    # with its own choices apart (the guess holds its whole compliance, so it can), and the
    # inner check leaves them out.
    relevant = _connected(ctx, subject, [chosen_exercise, world, *draft])
    if len(relevant) < len(clauses):
        inner_comp = enc.conj(session.norms_of(c, ctx.readings, subject) for c in relevant)
        inner_lits = [session.clause_lit(c, ctx.readings, subject) for c in relevant]
    else:
        inner_comp, inner_lits = comp, lits

    def chosen(model: Model) -> list[BoolTerm]:
        k = pick.index(model)
        return [*fixed, pending[k][3], uses[k], *inner_lits]

    # The situation must let the party do the chosen act (with one choice of what it controls)
    # and comply (with another): otherwise no clause is what blocks the act. The second choice
    # is a copy of the party's variables, used in the guess only.
    doable = and_(world, *draft, chosen_exercise)
    in_doable = enc.keys_named(enc.mentioned([doable]))
    copies = [(enc.var_of(key), enc.renamed(enc.var_of(key), "doing the act")) for key in ctx.vocab.controlled_by(subject)
              if key in in_doable]
    if copies:
        doable = substitute(doable, copies)
    result = exists_forall(session, guess=[world, *draft, pick.exactly_one(), chosen_condition, comp,
                                           doable],
                           inner_keys=controlled, inner_formula=and_(world, *draft, chosen_exercise, inner_comp),
                           inner_assumptions=chosen,
                           base=ctx.guess_base(("hollow-permission", subject), [world, *draft, comp]),
                           prefer=(subject,), first=pick.literals)
    if result.status == "unknown":
        return ctx.unknown(f"the permission in {norm.clause}", result.reason, [ctx.clause_ref(norm.clause)])
    if result.status != "found":
        return None
    assert result.guess is not None
    k = pick.index(result.guess)
    key, _, _, cond_lit = pending[k]
    base = [*fixed, cond_lit, uses[k], *result.outer_lits]
    core, minimal = minimise_core(session, base, result.core, lits)
    again = session.check([*base, *core], "hollow-permission: situation core")
    situation = [*result.booleans, *(among(again.core, result.outer_lits) if again.unsat
                                     else result.outer_lits)]  # (as in the conflict check)
    return _finding(ctx, norm, subject, key, core, [*fixed, cond_lit, uses[k], *situation], clauses, minimal,
                    always=False)


def _connected(ctx: CheckContext, subject: str, seeds: list[BoolTerm]) -> list[str]:
    """The subject's constraining clauses (in order) linked to `seeds` through variables it
    controls: a clause that shares none with the seeds or with a linked clause constrains
    choices of its own, which no choice made for the seeds can upset."""
    enc = ctx.enc
    controlled = set(ctx.vocab.controlled_by(subject))
    mentions = ctx.controlled_mentions(subject)
    reached: set[VarKey] = {k for k in enc.keys_named(enc.mentioned(seeds)) if k in controlled}
    linked: set[str] = set()
    grew = True
    while grew:
        grew = False
        for clause_id, keys in mentions:
            if clause_id not in linked and not keys.isdisjoint(reached):
                linked.add(clause_id)
                reached |= keys
                grew = True
    return [clause_id for clause_id, _ in mentions if clause_id in linked]


def _finding(ctx: CheckContext, norm: Norm, subject: str, key: AtomKey | None, core: list[BoolTerm],
             hard: list[BoolTerm], party_clauses: list[str], minimal: bool, *, always: bool) -> Finding:
    session = ctx.session
    # In the order of the text, not of the core (which Z3 orders by its history): the message
    # and the problem's key (its clauses in order) are then the same whichever query found it.
    in_core = {session.clause_of(lit) for lit in core}
    blocking = [c for c in party_clauses if c in in_core]
    others = [session.clause_lit(c, ctx.readings, subject) for c in party_clauses if c not in blocking]
    refs = [ctx.clause_ref(norm.clause, "permission")]
    refs += [ctx.clause_ref(c, "blocking") for c in blocking if c != norm.clause]
    # Show the act done while every other clause of the party is respected, if possible (only
    # for a finding the report can show: see CheckContext.shown).
    model = None
    if ctx.shown(FindingKind.HOLLOW_PERMISSION, [r.id for r in refs], subject):
        model = minimal_model(session, [*hard, *others], prefer=(subject,)) \
            or minimal_model(session, hard, prefer=(subject,))
    seen = None
    if model is not None:
        env = {norm.subject_var: subject}
        used: Claim = Permits(norm, key[1], ctx.readings) if key is not None else \
            Holds(norm.keep, ctx.readings, what="the state the permission keeps", env=env)  # type: ignore[arg-type]  # no act: norm.keep is set
        seen = ctx.witness(model, [used, Breaches(subject, frozenset(blocking), ctx.readings)],
                           what=f"hollow permission {norm.clause} of {subject}")
    scenario = seen.scenario if seen else None
    permission = ctx.instrument.clause(norm.clause)
    what = granted_phrase(ctx.instrument, norm, subject, key)
    names = clause_list(ctx.instrument, blocking)
    if always:
        message = (f"{permission.label} ({permission.id}) permits {subject} to {what}, "
                   f"but doing so always breaches {names}")
    else:
        message = (f"{permission.label} ({permission.id}) permits {subject} to {what}, "
                   f"but {situation_phrase(scenario, ctx.instrument, subject)} doing so breaches {names}")
    details = (("act", what), ("always", always))
    return ctx.finding(FindingKind.HOLLOW_PERMISSION, Severity.ERROR if always else Severity.WARNING, message, refs,
                       party=subject, witness=seen, details=details, minimal=minimal)
