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
    none exists. When --max-findings stops the listing, the enumeration goes
    on without reporting, to count the sets not shown (exactly, or "at least N"
    past COUNT_FACTOR times the cap or when the solver gives up, even just at
    the cap), and the first finding says how many.
Example
    examples/14_contradiction.nv
"""

from __future__ import annotations

import dataclasses

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
    count_limit = ctx.max_findings * COUNT_FACTOR
    total, exact = 0, True
    for mus, minimal, unknown in marco(ctx.session, fixed, lits, count_limit):
        if unknown:
            if total < ctx.max_findings:
                out.append(ctx.unknown("the search for further contradictions", unknown, refs))
            else:
                exact = False  # (counting what is not shown: what was found stands)
            break
        total += 1
        if total > ctx.max_findings:
            continue  # past the cap: counted, not reported
        ids = sorted(mus, key=clauses.index)
        if len(ids) == 1:
            message = f"{clause_list(ctx.instrument, ids)} can never be respected in the stated situation"
        else:
            message = f"{clause_list(ctx.instrument, ids)} cannot all be respected: no world complies with them together"
        message += ctx.precedence(ids)
        out.append(ctx.finding(FindingKind.CONTRADICTION, Severity.ERROR, message,
                               [ctx.clause_ref(c, "conflicting") for c in ids], minimal=minimal))
    if total > ctx.max_findings or not exact:
        # (not exact: the solver gave up past the cap, maybe just after the last set shown)
        out = _say_not_shown(out, ctx.max_findings, total, exact and total < count_limit)
    return out


# Past --max-findings, the MUSes are still enumerated (not reported) to count them, up to this
# many times the cap: beyond it, the count is a lower bound ("at least N").
COUNT_FACTOR = 4


def not_shown_note(shown: int, total: int, exact: bool) -> str:
    """`8 of 10 minimal sets shown; raise --max-findings to list them all`."""
    return (f"{shown} of {'' if exact else 'at least '}{total} minimal sets of contradictory clauses shown; "
            f"raise --max-findings to list {'them all' if exact else 'more'}")


def _say_not_shown(findings: list[Finding], shown: int, total: int, exact: bool) -> list[Finding]:
    """The contradiction the report lists first says how many were not shown (and all carry the count)."""
    note = not_shown_note(shown, total, exact)
    first = min(range(len(findings)), key=lambda i: findings[i].sort_key())
    out = []
    for i, f in enumerate(findings):
        details = (*f.details, ("sets_shown", f"{shown} of {'' if exact else 'at least '}{total}"))
        message = f"{f.message} ({note})" if i == first else f.message
        out.append(dataclasses.replace(f, message=message, details=details))
    return out
