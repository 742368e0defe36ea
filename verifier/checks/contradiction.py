"""Contradictions: no world of the stated situation complies with every clause.

What it finds
    Sets of clauses that cannot all be respected at once, whatever happens.
Why it matters
    A contradictory instrument obliges the impossible; whichever clause is
    breached, the other side can point to it.
Query
    `A ∧ Comp` is unsat (every clause literal assumed). Then every minimal
    unsatisfiable subset (MUS) of clause literals, up to a limit, by MARCO: a
    map solver proposes unexplored subsets, sat ones grow to maximal
    satisfiable sets, unsat ones shrink to MUSes by deletion.
Evidence
    Each MUS (proved minimal), with the clauses' quoted wording. No scenario:
    none exists.
Example
    examples/14_contradiction.nv
"""

from __future__ import annotations

from verifier.checks.context import CheckContext
from verifier.explain import clause_list
from verifier.findings import Finding, FindingKind, Severity
from verifier.mus import marco


def run(ctx: CheckContext) -> list[Finding]:
    clauses = [c.id for c in ctx.clauses_of()]
    fixed = ctx.fixed()
    # Contradictory assumptions leave nothing to check, whether or not any clause constrains.
    situation = ctx.session.check(fixed, "contradiction: the stated situation alone")
    if situation.unsat:
        return [ctx.finding(FindingKind.CONTRADICTION, Severity.ERROR,
                            "the `assume` statements contradict each other: no situation is left to check", [])]
    if situation.status == "unknown":
        return [ctx.unknown("whether the `assume` statements can hold together", situation.reason, [])]
    if not clauses:
        return []
    lits = {c: ctx.session.clause_lit(c, ctx.readings) for c in clauses}
    first = ctx.session.check([*fixed, *lits.values()], "contradiction: all clauses")
    if first.sat:
        return []
    refs = [ctx.clause_ref(c) for c in clauses]
    if not first.unsat:
        return [ctx.unknown("the contradiction check", first.reason, refs)]
    out: list[Finding] = []
    for mus, minimal, unknown in marco(ctx.session, fixed, lits, ctx.max_findings):
        if unknown:
            out.append(ctx.unknown("the search for further contradictions", unknown, refs))
            break
        ids = sorted(mus, key=clauses.index)
        if len(ids) == 1:
            message = f"{clause_list(ctx.instrument, ids)} can never be respected in the stated situation"
        else:
            message = f"{clause_list(ctx.instrument, ids)} cannot all be respected: no world complies with them together"
        message += ctx.precedence(ids)
        out.append(ctx.finding(FindingKind.CONTRADICTION, Severity.ERROR, message,
                               [ctx.clause_ref(c, "conflicting") for c in ids], minimal=minimal))
    return out

