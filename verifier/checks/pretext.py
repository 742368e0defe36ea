"""Pretexts: conduct lawful under the ordinary reading that a party's reading makes a breach.

What it finds
    For a vague term t with a reading named after party q, a clause c of
    party p (q ≠ p) that uses t, and conduct of p that complies with every
    clause under the baseline readings but breaches c when t is read as q
    reads it: q can claim a violation (a pretext, lawful or not).
Why it matters
    Open-textured wording ("harm the security of other parties", "the status
    of permanent neutrality") hands the other side a ready-made accusation.
Query
    ∃ w: A ∧ Comp_p(ρ₀) ∧ ¬norm_{c,p}(ρ₀[t := q]); sat iff a pretext exists.
    The conduct is then blocked (its act assumed false) and the query repeated
    to list the distinct acts q could object to, up to --max-findings, so one
    finding per clause and term names the distinct conduct found; past the
    cap the enumeration goes on to count the acts not listed (exactly, or "at
    least N" past COUNT_FACTOR times the cap), and the finding says so.
Evidence
    The claimant q, the term with both readings, the clause q would invoke,
    the distinct conduct, and a minimal world (re-checked by dsl.evaluate:
    compliant under ρ₀, in breach of c under q's reading).
Example
    examples/20_pretext.nv
"""

from __future__ import annotations

from dsl import formula as F
from dsl.evaluate import Evaluator, World, norm_breaches
from dsl.model import AtomKey, Clause, Instrument, Modality
from verifier.checks.context import CheckContext
from verifier.encode import BoolTerm, VarKey, not_
from verifier.explain import act_phrase, clause_list
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import FewestAtoms, Question, witness
from verifier.scenario import world_over
from verifier.symmetry import canonical, clause_classes, full_count, renamings
from verifier.witness import BreachesClause, Complies, Witness, WitnessError


def terms_used(clause: Clause) -> list[str]:
    """The vague terms a clause's norms mention, in order of appearance."""
    found: list[str] = []
    for n in clause.norms:
        if n.modality is Modality.MAY:
            continue
        for part in (n.condition, n.where, n.keep):
            if part is None:
                continue
            for node in F.walk(part):
                if isinstance(node, F.TermApp) and node.term not in found:
                    found.append(node.term)
    return found


def claimants(instrument: Instrument) -> list[str]:
    """Parties that have a reading of some term, in declaration order."""
    names = {r.name for t in instrument.terms.values() for r in t.readings}
    return [p for p in instrument.parties if p in names]


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for q in claimants(ctx.instrument):
        for clause in ctx.instrument.clauses:
            if not ctx.reported([clause.id]):
                continue  # (every finding here is about this clause alone)
            for term in terms_used(clause):
                t = ctx.instrument.terms[term]
                if t.reading(q) is None or ctx.readings.get(term) == q:
                    continue
                claimed = {**ctx.readings, term: q}
                accused = sorted({s for n in clause.norms if n.modality is not Modality.MAY for s in n.subjects},
                                 key=ctx.instrument.parties.index)
                # Of interchangeable accused parties, only the first is asked: the question is
                # about the clause whole, which a renaming within a class maps onto itself.
                for p in canonical(accused, clause_classes(ctx.instrument, [q])):
                    if p == q:
                        continue
                    finding = _pretext(ctx, q, p, clause, term, claimed)
                    if finding is not None:
                        out.append(finding)
    return out


def _pretext(ctx: CheckContext, q: str, p: str, clause: Clause, term: str,
             claimed: dict[str, str | None]) -> Finding | None:
    session = ctx.session
    lits = [ctx.compliance_lit(p)]  # (no core is read: one literal for the party's clauses)
    breach = not_(session.norms_of(clause.id, claimed, p))
    claim_lit = session.formula_lit(("pretext", clause.id, p, term, q), f"breach of {clause.id} @{p} as {q} reads {term}",
                                    breach)
    base = [*ctx.fixed(), *lits, claim_lit]
    conduct: list[str] = []
    blocked: list[BoolTerm] = []
    # Conduct renamed within classes of interchangeable parties (p and q fixed) is the same
    # objection: it is found once, blocked whole, and counted as the acts it stands for in the
    # world with every member (`full_count`).
    classes = clause_classes(ctx.instrument, [p, q])
    total = 0
    first: Witness | None = None
    # The first witness and the further acts' canonical worlds ask about the same formulas
    # (and the acts ruled out): one question, one solver holding them.
    question: Question | None = None
    chooser: FewestAtoms | None = None
    keys: list[VarKey] = []  # (the further acts') what the claimed breach mentions
    # Up to --max-findings acts are listed; the enumeration goes on to count the others, up to
    # COUNT_FACTOR times the cap, past which the count is a lower bound.
    count_limit = ctx.max_findings * COUNT_FACTOR
    exact = True
    while True:
        if len(conduct) >= count_limit:
            more = session.check([*base, *blocked], f"pretext by {q} via {clause.id} ({term}): more?")
            exact = not (more.sat or more.status == "unknown")
            break
        outcome = session.check([*base, *blocked], f"pretext by {q} via {clause.id} ({term})")
        if outcome.status == "unknown":
            if len(conduct) >= ctx.max_findings:
                exact = False  # (counting what is not listed: what was found stands)
                break
            return ctx.unknown(f"the pretext check of {clause.id} for {q}", outcome.reason, [ctx.clause_ref(clause.id)])
        if not outcome.sat:
            break
        # Only the first witness is shown, so only it is minimised and re-checked whole; the
        # others name conduct: they are read and re-checked on what the claimed breach mentions
        # (re-checking every clause for every variant made the check quadratic in clauses).
        if first is None:
            question = Question(session, base, prefer=(q, p), against=((p, q),))
            model, minimal = witness(session, base, prefer=(q, p), against=((p, q),), question=question)
            if model is None:
                return ctx.unknown(f"the pretext check of {clause.id} for {q}", "no witness could be read",
                                   [ctx.clause_ref(clause.id)])
            # Compliant under the baseline readings, a breach of the clause under the claimant's.
            first = ctx.witness(model, [Complies(p, ctx.readings), BreachesClause(p, clause.id, claimed)],
                                what=f"pretext by {q} via {clause.id}", minimal=minimal)
            world = first.world
        else:
            assert outcome.model is not None and question is not None
            # The canonical minimal world, not the solver's: which conduct is listed (up to the
            # cap) would otherwise depend on what the solver did before.
            if chooser is None:
                by_name = ctx.enc.by_name  # (in the order of names: reading a model makes terms, and their order counts)
                keys = [by_name[n][0] for n in sorted(ctx.enc.mentioned([breach])) if n in by_name]
                chooser = FewestAtoms(question, over=keys)
            further = chooser.choose(outcome.model)
            world = world_over(session, further, keys, ctx.draft)
            problem = BreachesClause(p, clause.id, claimed).problem(ctx.instrument, world)
            if problem is not None:  # (a part of a world: it names conduct, and is no scenario)
                raise WitnessError(f"pretext by {q} via {clause.id}: a further witness {problem}")
        acts = _breached_acts(ctx, world, p, clause, claimed)
        if not acts:
            # A breach with no act to block (an obligation or a state): one pretext, no variants.
            conduct.append("")
            break
        for name, args in acts:
            conduct.append(act_phrase(ctx.instrument, (name, args)))
            total += full_count(args, classes, (p, q))
            ruled = [not_(ctx.enc.atom((name, image))) for image in renamings(args, classes)]
            blocked.extend(ruled)
            if question is not None:
                question.hold(ruled)
    if first is None:
        return None
    found = [c for c in conduct if c]
    shown = found[:ctx.max_findings]
    t = ctx.instrument.terms[term]
    baseline = ctx.readings.get(term) or "open"
    listed: tuple[tuple[str, str], ...] = ()
    if shown:
        others = total - 1
        at_least = "" if exact else "at least "
        what = shown[0] + (f" (and {at_least}{others} other distinct act{'s' if others > 1 else ''})" if others else "")
        message = (f"{q} can claim that {p} breaches {clause_list(ctx.instrument, [clause.id])} by {what}: "
                   f"lawful under {_baseline_phrase(baseline, term)}, a breach under {q}'s reading")
        if total > len(shown) or not exact:
            once = "; an act that names a party standing for its class is listed once" if total > len(found) else ""
            message += (f" (the details list {len(shown)} of {'the ' if exact else 'at least '}{total}{once}; "
                        f"raise --max-findings to list {'them all' if exact and not once else 'more'})")
            listed = (("conduct_listed", f"{len(shown)} of {at_least}{total}"),)
    else:
        message = (f"{q} can claim that {p} breaches {clause_list(ctx.instrument, [clause.id])} in a situation "
                   f"where {p} complies under {_baseline_phrase(baseline, term)}")
    reading_q = t.reading(q)
    details = (("term", term), ("reading", q), ("baseline", baseline),
               ("claimant_reading_alias", reading_q.alias_of if reading_q else None),
               ("conduct", shown), *listed, ("against", p))
    return ctx.finding(FindingKind.PRETEXT, Severity.WARNING, message, [ctx.clause_ref(clause.id, "invoked")],
                       party=q, witness=first, details=details)


# Past --max-findings, the conduct is still enumerated (not listed) to count it, up to this many
# times the cap: beyond it, the count is a lower bound ("at least N").
COUNT_FACTOR = 4


def _baseline_phrase(baseline: str, term: str) -> str:
    """`the ordinary reading of `t``; for an open term, the reading that leaves it open."""
    if baseline == "open":
        return f"some reasonable reading of `{term}` (the spec gives the term no ordinary reading)"
    return f"the {baseline} reading of `{term}`"


def _breached_acts(ctx: CheckContext, world: World, p: str, clause: Clause,
                   claimed: dict[str, str | None]) -> list[AtomKey]:
    ev = Evaluator(ctx.instrument, world, claimed)
    keys: list[AtomKey] = []
    for n in clause.norms:
        for b in norm_breaches(ev, n, (p,)):
            if b.act_args is not None and n.act is not None:
                key = (n.act, b.act_args)
                if key not in keys:
                    keys.append(key)
    return keys
