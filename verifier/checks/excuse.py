"""Excuses: a party's own reading turns its breach into lawful conduct (the mirror of a pretext).

What it finds
    For a vague term t with a reading named after party p, and a clause c with
    norms for p that uses t, conduct of p that breaches c under the baseline
    readings but complies with every clause of p when t is read as p reads
    it: p can present its breach as lawful.
Why it matters
    A party that reads "the necessary measures" as including armed force turns
    its own intervention, a breach under the ordinary reading, into conduct it
    will defend as lawful. A pretext accuses another party; an excuse
    absolves oneself.
Query
    ∃ w: A ∧ ¬N_{c,p}(ρ₀) ∧ Comp_p(ρ₀[t := p]); sat iff an excuse exists.
Evidence
    The party, the term with both readings, the clause breached under the
    baseline, the conduct, and a minimal world (re-checked by dsl.evaluate: in
    breach of c under ρ₀, compliant under p's reading).
Example
    examples/30_excuse.nv
"""

from __future__ import annotations

from dsl.evaluate import Evaluator, World, norm_breaches
from dsl.model import AtomKey, Clause, Modality
from verifier.checks.context import CheckContext
from verifier.checks.pretext import claimants, terms_used
from verifier.encode import not_
from verifier.explain import act_phrase, clause_list
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import witness
from verifier.witness import BreachesClause, Complies


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for p in claimants(ctx.instrument):
        for clause in ctx.instrument.clauses:
            if not ctx.reported([clause.id]):
                continue
            if not any(n.modality is not Modality.MAY and p in n.subjects for n in clause.norms):
                continue
            for term in terms_used(clause):
                t = ctx.instrument.terms[term]
                if t.reading(p) is None or ctx.readings.get(term) == p:
                    continue
                finding = _excuse(ctx, p, clause, term, {**ctx.readings, term: p})
                if finding is not None:
                    out.append(finding)
    return out


def _excuse(ctx: CheckContext, p: str, clause: Clause, term: str, own: dict[str, str | None]) -> Finding | None:
    session, enc = ctx.session, ctx.enc
    breach = not_(session.norms_of(clause.id, ctx.readings, p))
    lawful = enc.conj(session.norms_of(c.id, own, p) for c in ctx.clauses_of(p))
    tag = ("excuse", clause.id, p, term)
    lits = [*ctx.fixed(), session.formula_lit((*tag, "breach"), f"breach of {clause.id} @{p}", breach),
            session.formula_lit((*tag, "lawful"), f"lawful @{p} as {p} reads {term}", lawful)]
    outcome = session.check(lits, f"excuse of {p} via {clause.id} ({term})")
    if outcome.status == "unknown":
        return ctx.unknown(f"the excuse check of {clause.id} for {p}", outcome.reason, [ctx.clause_ref(clause.id)])
    if not outcome.sat:
        return None
    model, minimal = witness(session, lits)
    if model is None:
        return ctx.unknown(f"the excuse check of {clause.id} for {p}", "no witness could be read",
                           [ctx.clause_ref(clause.id)])
    seen = ctx.witness(model, [BreachesClause(p, clause.id, ctx.readings), Complies(p, own)],
                       what=f"excuse of {p} via {clause.id}", minimal=minimal)
    acts = [act_phrase(ctx.instrument, k) for k in _breached_acts(ctx, seen.world, p, clause)]
    baseline = ctx.readings.get(term) or "open"
    how = f" by {acts[0]}" if acts else ""
    message = (f"{p} can present its breach of {clause_list(ctx.instrument, [clause.id])}{how} as lawful: "
               f"a breach under the {baseline} reading of `{term}`, lawful under {p}'s own reading"
               + ctx.rank_of(clause.id))
    details = (("term", term), ("reading", p), ("baseline", baseline), ("conduct", acts))
    return ctx.finding(FindingKind.EXCUSE, Severity.WARNING, message, [ctx.clause_ref(clause.id, "breached")],
                       party=p, witness=seen, details=details)


def _breached_acts(ctx: CheckContext, world: World, p: str, clause: Clause) -> list[AtomKey]:
    ev = Evaluator(ctx.instrument, world, ctx.readings)
    keys: list[AtomKey] = []
    for n in clause.norms:
        for b in norm_breaches(ev, n, (p,)):
            if b.act_args is not None and n.act is not None and (n.act, b.act_args) not in keys:
                keys.append((n.act, b.act_args))
    return keys
