"""Unanswered deadlines: a deadline whose miss obliges nobody to do anything (DESIGN 13).

What it finds
    For a deadline `P must A within N of E` of clause c (a timed spec), a world of the
    stated situation where P misses it (some instance of the norm is breached: E
    happened and A did not follow within N steps), every other party complies with
    every clause, and no obligation or prohibition that answers a breach of c
    (whose condition names `breached(c, ...)`) is in force at any step.
Why it matters
    A deadline is worth what happens when it passes. "The ship must leave within
    twenty-four hours" with no duty on anyone to act when it stays, or "consultations
    within three days" with no consequence for a guarantor that never consults, is a
    deadline only on paper: the party that misses it loses nothing, and nobody must do
    anything about it.
Query
    ∃ w, t: A ∧ ¬N_{d_t,P} ∧ Comp_{Parties - {P}} ∧ ⋀_{n answers c} ¬cond_n, where d_t are
    the deadline's instances (one per step of its event) and the answering norms are
    the obligations and prohibitions whose condition names a breach of c.
Evidence
    The deadline, the timeline of a minimal world where it passes unanswered (the event,
    the steps without the act, the step it falls due), and the answering clauses that
    exist but stay silent there, if any.
Example
    examples/32_unanswered_deadline.nv
"""

from __future__ import annotations

from dsl import formula as F
from dsl.model import Clause, Modality, Norm
from verifier.checks.context import CheckContext
from verifier.encode import not_
from verifier.explain import clause_list
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import witness
from verifier.witness import BreachesClause, Complies, Holds


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for clause in ctx.instrument.clauses:
        if not ctx.reported([clause.id]):
            continue
        for norms in clause.deadlines():
            answering = _answering(ctx, clause.id)
            for p in norms[0].subjects:
                finding = _unanswered(ctx, clause, norms, p, answering)
                if finding is not None:
                    out.append(finding)
    return out


def _answering(ctx: CheckContext, clause_id: str, permissions: bool = False) -> list[Norm]:
    """The obligations and prohibitions (or, `permissions`, the permissions) whose condition
    names a breach of the clause."""
    out = []
    for c in ctx.instrument.clauses:
        for n in c.norms:
            if (n.modality is Modality.MAY) != permissions:
                continue
            if any(isinstance(x, F.Breached) and x.clause == clause_id for x in F.walk(n.condition)):
                out.append(n)
    return out


def _unanswered(ctx: CheckContext, clause: Clause, norms: tuple[Norm, ...], p: str,
                answering: list[Norm]) -> Finding | None:
    session, enc = ctx.session, ctx.enc
    subjects = [n for n in norms if p in n.subjects]
    missed = enc.disj(not_(enc.norm(n, p, ctx.readings)) for n in subjects)
    others = enc.conj(ctx.party_compliance(q) for q in ctx.instrument.parties if q != p)
    silent = enc.conj(not_(enc.formula(n.condition, ctx.readings, {n.subject_var: s}))
                      for n in answering for s in n.subjects)
    tag = ("unanswered-deadline", clause.id, norms[0].index, p)
    lits = [*ctx.fixed(), *enc.draft_literals(ctx.draft),
            session.formula_lit((*tag, "missed"), f"deadline of {clause.id} missed by {p}", missed),
            session.formula_lit((*tag, "others"), f"everyone but {p} complies", others),
            session.formula_lit((*tag, "silent"), f"no answer to a breach of {clause.id}", silent)]
    ref = [ctx.clause_ref(clause.id, "deadline")]
    outcome = session.check(lits, f"unanswered-deadline: can {p} miss the deadline of {clause.id} unanswered?")
    if outcome.status == "unknown":
        return ctx.unknown(f"whether a miss of the deadline in {clause.id} by {p} is answered", outcome.reason, ref)
    if not outcome.sat:
        return None
    model, minimal = witness(session, lits)
    if model is None:
        return ctx.unknown(f"a scenario of {p} missing the deadline in {clause.id}", "no witness could be read", ref)
    claims = [BreachesClause(p, clause.id, ctx.readings),
              *(Complies(q, ctx.readings) for q in ctx.instrument.parties if q != p),
              *(Holds(n.condition, ctx.readings, expected=False, what=f"no answer by {s}", env={n.subject_var: s})
                for n in answering for s in n.subjects)]
    seen = ctx.witness(model, claims, what=f"unanswered deadline of {clause.id} for {p}", minimal=minimal)
    horizon = ctx.instrument.horizon
    assert horizon is not None  # a deadline exists only in a timed spec
    window = norms[0].delay
    assert window is not None  # `deadlines` gives deadlines only
    answers = sorted({n.clause for n in answering})
    silent_text = (f"; {clause_list(ctx.instrument, answers)} answer{'s' if len(answers) == 1 else ''} a breach "
                   f"of it, but not this one" if answers else "")
    allowing = sorted({n.clause for n in _answering(ctx, clause.id, permissions=True)})
    if allowing:
        silent_text += (f"; {clause_list(ctx.instrument, allowing)} allow{'s' if len(allowing) == 1 else ''} "
                        f"an answer, but oblige{'s' if len(allowing) == 1 else ''} none")
    message = (f"if {p} misses the deadline of {clause_list(ctx.instrument, [clause.id])} "
               f"({norms[0].act} within {horizon.units(window)}), no clause obliges anyone to do "
               f"anything about it{silent_text}")
    ref += [ctx.clause_ref(c, "answers a breach") for c in answers if c != clause.id]
    ref += [ctx.clause_ref(c, "allows an answer") for c in allowing if c != clause.id and c not in answers]
    details = (("deadline", norms[0].index), ("within", window), ("answered_by", tuple(answers)))
    return ctx.finding(FindingKind.UNANSWERED_DEADLINE, Severity.WARNING, message, ref, party=p, witness=seen,
                       details=details)

