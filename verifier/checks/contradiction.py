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

import z3

from verifier.checks.context import CheckContext
from verifier.explain import clause_list
from verifier.findings import Finding, FindingKind, Severity
from verifier.session import minimise_core


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
    for mus, minimal, unknown in marco(ctx, fixed, lits):
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


def marco(ctx: CheckContext, fixed: list[z3.BoolRef], lits: dict[str, z3.BoolRef]):  # type: ignore[no-untyped-def]
    """Yield (MUS clause ids, proved minimal, unknown reason) up to ctx.max_findings."""
    names = list(lits)
    mapvars = {c: z3.Bool(f"map {c}", ctx.session.ctx) for c in names}
    map_solver = ctx.session.side_solver(limited=False)  # a small Boolean map: no limit needed
    found = 0
    by_lit = {str(v): c for c, v in lits.items()}
    while found < ctx.max_findings:
        answer = ctx.session.side_check(map_solver, "contradiction: MARCO map")
        if answer == z3.unsat:
            return  # every subset is known: the enumeration is complete
        if answer != z3.sat:
            yield [], False, map_solver.reason_unknown() or "unknown"  # never a silent end: the rest is unknown
            return
        model = map_solver.model()
        seed = [c for c in names if z3.is_true(model.eval(mapvars[c], model_completion=True))]
        outcome = ctx.session.check([*fixed, *(lits[c] for c in seed)], "contradiction: MARCO seed")
        if outcome.sat:
            # Grow to a maximal satisfiable set, then block all its subsets.
            grown = list(seed)
            for c in names:
                if c in grown:
                    continue
                trial = ctx.session.check([*fixed, *(lits[x] for x in grown), lits[c]], "contradiction: grow")
                if trial.sat:
                    grown.append(c)
                elif not trial.unsat:
                    yield [], False, trial.reason
                    return
            rest = [mapvars[c] for c in names if c not in grown]
            if not rest:
                return
            map_solver.add(z3.Or(rest))
        elif outcome.unsat:
            core, minimal = minimise_core(ctx.session, fixed, outcome.core, (lits[c] for c in seed))
            mus = [by_lit[str(l)] for l in core]
            map_solver.add(z3.Or([z3.Not(mapvars[c]) for c in mus]))
            found += 1
            yield mus, minimal, ""
        else:
            yield [], False, outcome.reason
            return
