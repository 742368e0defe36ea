"""Protection gaps: an attack in which nobody must give the protection the spec requires.

What it finds
    For a protection requirement `protection P against E by R` (P the protected
    party, E the event, R the response that counts as protection), a way E
    happens such that, whatever P itself decides (its requests, its consent),
    the parties other than P and the ones causing E can all comply with every
    clause without any of them giving R. A guarantee that obliges only
    consultation, or a referral to the Security Council, leaves such a gap.
Why it matters
    A guarantee is judged by what it makes someone do. Triggering reliably is
    worth little when what it triggers is talk: the protected party is then
    protected in no attack.
Query
    ∃ e: (∃ x: A ∧ E ∧ Comp_P) ∧ ∀ x: (∃ r: A ∧ E ∧ Comp_P) → (∃ r: A ∧ E ∧
    Comp_O ∧ ¬R_O), where e is what E mentions and the circumstances nobody
    controls, x what P decides (its requests, its consent, its conduct), r
    everything else; O is
    every party but P and the attackers (the parties with an atom of E true in
    e), R_O the response given by a member of O. Counterexample-guided over e
    (verifier.qbf.exists_for_every_choice), each guess answered by an
    exists-forall search for a choice of P against it.
Evidence
    The event as it happens (who attacks, where), P's choice (every request
    made), the obligations of the others in force in that world, and a
    minimal world where they comply and nobody responds. When no attack
    obliges the response at all, the message says so plainly.
Example
    examples/28_protection_gap.nv
"""

from __future__ import annotations

from dsl import formula as F
from dsl.evaluate import Evaluator
from dsl.model import STEP, Modality, Norm, Requirement, step_of
from verifier.checks.coalitions import coalition_phrase
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import is_free
from verifier.checks.protection_blocking import event_atoms, requirement_ref
from verifier.encode import BoolTerm, and_, not_, or_
from verifier.explain import formula_text
from verifier.findings import Finding, FindingKind, Severity
from verifier.ground import format_atom
from verifier.minimal import minimal_model
from verifier.qbf import exists_for_every_choice, exists_forall
from verifier.witness import Claim, Complies, Holds


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for req in ctx.instrument.requirements:
        finding = _gap(ctx, req)
        if finding is not None:
            out.append(finding)
    return out


def _parts(ctx: CheckContext, req: Requirement) -> tuple[BoolTerm, dict[str, BoolTerm], dict[str, BoolTerm]]:
    """E, and for each party other than P: whether it takes part in E (one of its atoms of E
    true), and R done by it."""
    enc = ctx.enc
    event = enc.formula(req.event, ctx.readings)
    event_keys = enc.keys_named(enc.mentioned([event]))
    attacker: dict[str, BoolTerm] = {}
    response: dict[str, BoolTerm] = {}
    for q in ctx.instrument.parties:
        if q == req.party:
            continue
        attacker[q] = enc.disj([enc.var_of(k) for k in event_atoms(ctx, event_keys, q)])  # (false: no part in E)
        response[q] = enc.formula(req.response, ctx.readings, {req.actor_var: q})
    return event, attacker, response


def _gap(ctx: CheckContext, req: Requirement) -> Finding | None:
    enc, session = ctx.enc, ctx.session
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    event, attacker, response = _parts(ctx, req)
    comp = {q: ctx.party_compliance(q) for q in ctx.instrument.parties}
    others_comply = enc.conj(or_(attacker[q], comp[q]) for q in attacker)
    nobody_responds = not_(enc.disj(and_(not_(attacker[q]), response[q]) for q in attacker))
    able = and_(world, event, comp[req.party])
    outcome = and_(world, event, others_comply, nobody_responds)
    # e: what E mentions and what nobody controls; x: what P decides (its Boolean choices).
    relevant = enc.keys_named(enc.mentioned([world, event, *comp.values(), *response.values()]))
    event_keys = enc.keys_named(enc.mentioned([event]))
    outer = sorted((k for k in relevant if k in event_keys or is_free(ctx, k)), key=repr)
    choice_keys = [k for k in ctx.vocab.controlled_by(req.party) if k in relevant and k not in event_keys]
    ref = [requirement_ref(req)]
    name = f"{req.party}#{req.index}"
    # Look first where one atom of the event happens alone (one attacker, one area).
    atoms = [enc.var_of(k) for k in outer if k in event_keys and enc.is_atom(k)]
    focus = [[a, *(session.negation(b) for b in atoms if b is not a)] for a in atoms]
    result = exists_for_every_choice(session, guess=[world, event, *draft], outer_keys=outer,
                                     choice_keys=choice_keys, fixed=ctx.fixed(), draft=draft, able=able,
                                     able_depends=and_(world, comp[req.party]), outcome=outcome, name=name,
                                     focus=focus)
    if result.status == "unknown":
        return ctx.unknown(f"whether the protection of {req.party} can fail", result.reason, ref)
    if result.status != "found":
        return None
    # In some attack, must someone respond? (∃ e, x: P can comply, and no world lets the
    # others comply without responding.) If not, the gap is everywhere: say so plainly.
    obliging = exists_forall(session, guess=[able, *draft], outer_keys=[*outer, *choice_keys],
                             inner_formula=and_(outcome, *draft),
                             inner_assumptions=[*ctx.fixed(), session.formula_lit(("outcome", name),
                                                                                  f"outcome {name}", outcome)])
    never = obliging.status == "none"
    # The witness: the event as found, the others complying without responding. (P's own
    # conduct is whatever it is there: the gap holds whatever P decides.)
    lits = [*ctx.fixed(), *result.situation, session.formula_lit(("outcome", name), f"outcome {name}", outcome)]
    model = minimal_model(session, lits)
    if model is None:
        return ctx.unknown(f"a scenario of the gap in the protection of {req.party}", "no witness could be read", ref)
    claims: list[Claim] = [Holds(req.event, ctx.readings, what="the event the protection is for")]
    seen = ctx.witness(model, claims, what=f"protection gap of {req.party}")
    attackers = [q for q in ctx.instrument.parties if q != req.party and any(
        k in seen.world.atoms for k in ctx.vocab.controlled_by(q) if k in event_keys)]
    others = [q for q in ctx.instrument.parties if q != req.party and q not in attackers]
    ev = Evaluator(ctx.instrument, seen.world, ctx.readings)
    claims += [Complies(q, ctx.readings) for q in others]
    claims += [Holds(req.response, ctx.readings, expected=False, what=f"no response by {q}", env={req.actor_var: q})
               for q in others]
    seen = ctx.witness(model, claims, what=f"protection gap of {req.party}")
    obligations = _obligations_in_force(ctx, ev, others)
    obliged = [text for text, _ in obligations]
    # The clauses that oblige the others to something else are quoted with the requirement.
    ref += [ctx.clause_ref(c, "obliging instead") for c in dict.fromkeys(c for _, c in obligations)]
    what = req.response_text
    # The atoms of the event that happened, in the order of their values and steps (day 2 before day 10).
    happened = [k for k in event_keys if enc.is_atom(k) and k in seen.world.atoms]
    by = (f" by {coalition_phrase(attackers)}" if attackers else "") + \
        (f" ({', '.join(format_atom(k, ctx.instrument.horizon) for k in sorted(happened, key=step_of))})" if happened else "")
    if never:
        message = (f"no clause of this instrument obliges anyone to {what} in the event of {req.phrase}: "
                   f"in no such event is {req.party} protected as it asks"
                   + (f"; what the others must do instead: {'; '.join(obliged)}" if obliged else ""))
    elif obliged:
        message = (f"in the event of {req.phrase}{by}, no one must {what}; what the others must do instead: "
                   f"{'; '.join(obliged)}")
    else:
        message = f"in the event of {req.phrase}{by}, no clause obliges anyone to {what}"
    details = (("protected", req.party), ("requirement", req.index), ("attackers", tuple(attackers)),
               ("obliged", tuple(obliged)), ("never", never))
    return ctx.finding(FindingKind.PROTECTION_GAP, Severity.ERROR, message, ref, party=req.party, witness=seen,
                       details=details)


def _obligations_in_force(ctx: CheckContext, ev: Evaluator, parties: list[str]) -> list[tuple[str, str]]:
    """(`usa, france and germany must assist(to: uk) (Art. 5)`, clause id): the obligations to
    act of these parties whose condition holds in the witness world, one per norm."""
    out: list[tuple[str, str]] = []
    for clause in ctx.instrument.clauses:
        for norm in clause.norms:
            if norm.modality is not Modality.MUST or norm.act is None:
                continue  # (a state to keep, such as not attacking, is no answer to the event)
            bound = [q for q in norm.subjects if q in parties and ev.holds(norm.condition, {norm.subject_var: q})]
            if bound:
                out.append((f"{coalition_phrase(bound)} must {_duty(ctx, norm)} ({clause.label})", clause.id))
    return list(dict.fromkeys(out))


def _duty(ctx: CheckContext, norm: Norm) -> str:
    """`assist(to: uk)`, `assist(to: ukraine, means: consultation)`: the act an obligation asks
    for, with the arguments its pattern fixes (those it leaves open are not shown)."""
    assert norm.act is not None
    params = ctx.instrument.predicates[norm.act].params[1:]
    fixed = [f"{p.name}: {str(t.value).lower() if isinstance(t.value, bool) else t.value}"
             for p, t in zip(params, norm.pattern, strict=True) if isinstance(t, F.Const) and p.type != STEP]
    # In a timed spec a deadline's act falls due at the norm's step (the step of a plain
    # norm's act is the step it is in force: the witness's timeline shows it).
    due = ""
    horizon = ctx.instrument.horizon
    if horizon is not None and norm.step is not None and norm.pattern and isinstance(norm.pattern[-1], F.Var):
        due = f" by {horizon.label(norm.step)}"
    # `where` as written, without the part that only keeps the subject apart from an
    # `other party` argument (`not m == uk`): that is the act's own shape, not a condition.
    parts = norm.where.operands if isinstance(norm.where, F.And) else (norm.where,)
    shown = [p for p in parts if p != F.TRUE and not (isinstance(p, F.Not) and isinstance(p.operand, F.Eq)
                                                      and F.Var(norm.subject_var) in (p.operand.left, p.operand.right))]
    where = f" where {norm.where_text or formula_text(F.conj(*shown))}" if shown else ""
    act = f"{norm.act}({', '.join(fixed)})" if fixed or not where else norm.act  # `consult where ...`
    return f"{act}{where}{due}"



