"""The spec's own queries: `expect`, `assert no`, `assert` and `scenario`.

`expect` marks the findings it matches as expected and fails when it matches
none; `assert no` fails when it matches any. `assert NAME: F` asks for a
compliant world where F is false (a counterexample); `scenario NAME: F` asks
for a compliant world where F holds (sat with witness, unsat with the core of
clauses that rule it out). Failures are `expectation-failed` findings.

`... while P breaches C` asks the same of the worlds where P does not respect C and
everyone else complies (DESIGN 12): P's norms of C are left out of the compliance
asked for, and their breach is asked for instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection

from dsl import formula as F
from dsl.model import Instrument, Query, QueryKind
from verifier.budget import BudgetExhausted
from verifier.checks.context import CheckContext
from verifier.encode import BoolTerm, not_
from verifier.explain import clause_list
from verifier.findings import Expectation, Finding, FindingKind, Severity
from verifier.minimal import witness
from verifier.session import minimise_core
from verifier.witness import Claim, Complies, CompliesExcept, Holds


def matches(query: Query, finding: Finding) -> bool:
    if finding.kind.value != query.finding_kind:
        return False
    ids = {c.id for c in finding.clauses}
    if not set(query.clauses) <= ids:
        return False
    if query.party is not None and query.party not in (finding.coalition or finding.parties):
        return False  # `by P`: P alone, P as a member of a coalition, or one of the parties merged
    if query.draft is not None and query.draft not in (finding.drafts or ((finding.draft,) if finding.draft else ("base",))):
        return False
    return query.reading is None or dict(finding.details).get("reading") == query.reading \
        or query.reading in dict(finding.readings).values()


def apply_expectations(instrument: Instrument, findings: list[Finding],
                       checked: Collection[str] | None = None,
                       merge: Callable[[list[Finding]], list[Finding]] | None = None,
                       ) -> tuple[list[Finding], list[Expectation]]:
    """Mark expected findings; add a failure for each unmet `expect` and each violated `assert no`.

    `checked`: the drafts checked (`base` or a party's), when --draft chose some; an `expect` or
    `assert no` about another draft is skipped, neither met nor failed. None: every draft was checked.
    `merge` (verifier.merge): applied once the findings are marked, so that only findings
    alike in being expected are merged, and the expectations count the findings reported.
    """
    if merge is not None:
        marked, _ = apply_expectations(instrument, findings, checked)
        findings = merge(marked[:len(findings)])  # (the failures come after: made again below)
    expectations: list[Expectation] = []
    failures: list[Finding] = []
    expected_ids: set[int] = set()
    for q in instrument.queries:
        if q.kind not in (QueryKind.EXPECT, QueryKind.ASSERT_NO):
            continue
        if checked is not None and q.draft is not None and q.draft not in checked:
            expectations.append(Expectation(instrument.path, q.span.line, q.name, False,
                                            f"draft {q.draft} was not checked (--draft chose "
                                            f"{', '.join(sorted(checked))})", skipped=True))
            continue
        hits = [i for i, f in enumerate(findings) if matches(q, f)]
        if q.kind is QueryKind.EXPECT:
            expected_ids.update(hits)
            met = bool(hits)
            detail = f"matched {len(hits)} finding{'s' if len(hits) != 1 else ''}" if met else "no finding matches"
        else:
            met = not hits
            detail = "no finding matches" if met else \
                f"{len(hits)} finding{'s' if len(hits) != 1 else ''} match: " + "; ".join(findings[i].message for i in hits[:2])
            undecided = [f for f in findings if f.kind is FindingKind.UNKNOWN and _may_concern(q, f)]
            if met and undecided:
                # The solver gave up on a question this assertion depends on: not a pass.
                met = False
                detail = f"undecided: {undecided[0].message}"
        expectations.append(Expectation(instrument.path, q.span.line, q.name, met, detail))
        if not met:
            failures.append(Finding(FindingKind.EXPECTATION_FAILED, Severity.ERROR,
                                    f"`{q.name}` failed: {detail}", instrument.path, (),
                                    details=(("statement", q.name), ("line", q.span.line))))
    marked = [dataclasses.replace(f, expected=True) if i in expected_ids and not f.expected else f
              for i, f in enumerate(findings)]
    return marked + failures, expectations


def _may_concern(query: Query, unknown: Finding) -> bool:
    """Could the question an `unknown` finding left open have produced a finding matching query?"""
    cited = {c.id for c in unknown.clauses}
    return not cited or not query.clauses or bool(set(query.clauses) & cited)


def run_properties(ctx: CheckContext) -> tuple[list[Finding], list[Expectation]]:
    """`assert` and `scenario` statements in one draft."""
    findings: list[Finding] = []
    expectations: list[Expectation] = []
    in_draft = f" in draft {ctx.draft_name}" if ctx.draft_name else ""
    for q in ctx.instrument.queries:
        if q.kind not in (QueryKind.ASSERT, QueryKind.SCENARIO) or q.formula is None:
            continue
        try:
            _property(ctx, q, _compliance(ctx, q), in_draft, findings, expectations)
        except BudgetExhausted as spent:  # the run's time is up: this statement is undecided
            statement = f"{q.kind.value} {q.name}"
            findings.append(ctx.unknown(f"`{statement}`", str(spent), []))
            expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, False, "unknown"))
    return findings, expectations


def _compliance(ctx: CheckContext, q: Query) -> tuple[list[BoolTerm], list[BoolTerm]]:
    """The literals of the compliance a statement asks for: every clause, or, with `while`,
    every clause but the excused parties' norms of the clauses they breach; and the literal
    of those breaches, which a core never leaves out (the statement is about such worlds)."""
    session = ctx.session
    clauses = [c.id for c in ctx.clauses_of()]
    if not q.breaches:
        return [session.clause_lit(c, ctx.readings) for c in clauses], []
    excused = dict(q.breaches)
    lits: list[BoolTerm] = []
    for c in clauses:
        touched = frozenset(p for p, cs in excused.items() if not cs or c in cs)
        lits.append(session.clause_lit_except(c, ctx.readings, touched))
    return lits, [session.formula_lit(("while", q.breaches), f"{q.kind.value} {q.name}: the breaches",
                                      ctx.enc.formula(_breaches(q), ctx.readings))]


def _breaches(q: Query) -> F.Formula:
    """The breaches a `while` names, as a condition (a party named alone breaches nothing in particular)."""
    return F.conj(*(F.Breached(c, F.Const(p)) for p, cs in q.breaches for c in cs))


def _property(ctx: CheckContext, q: Query, compliance: tuple[list[BoolTerm], list[BoolTerm]], in_draft: str,
              findings: list[Finding], expectations: list[Expectation]) -> None:
    """One `assert` or `scenario` statement: its finding, if any, and its expectation."""
    assert q.formula is not None
    session = ctx.session
    lits, breaches = compliance
    fixed = [*ctx.fixed(), *breaches]
    formula = ctx.enc.formula(q.formula, ctx.readings)
    wanted = formula if q.kind is QueryKind.SCENARIO else not_(formula)
    lit = session.formula_lit(("query", q.name, q.kind.value), f"{q.kind.value} {q.name}", wanted)
    outcome = session.check([*fixed, *lits, lit], f"{q.kind.value} {q.name}")
    statement = f"{q.kind.value} {q.name}"
    compliant: list[Claim] = [Complies(None, ctx.readings)] if not q.breaches else \
        [CompliesExcept(q.breaches, ctx.readings), Holds(_breaches(q), ctx.readings, what="the breaches after `while`")]
    world = "compliant world" if not q.breaches else \
        f"world where{q.while_phrase().removeprefix(' while')} and everyone else complies"
    if outcome.status == "unknown":
        findings.append(ctx.unknown(f"`{statement}`", outcome.reason, []))
        expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, False, "unknown"))
        return
    if q.kind is QueryKind.SCENARIO:
        if outcome.sat:
            expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, True,
                                            f"a {world} exists"))
            return
        core, minimal = minimise_core(session, [*fixed, lit], outcome.core, lits)
        ids = list(dict.fromkeys(c for c in (session.clause_of(lit) for lit in core) if c))
        detail = f"no {world}: ruled out by {clause_list(ctx.instrument, ids)}" if ids else \
            "no world of the stated situation has it" + (f" where{q.while_phrase().removeprefix(' while')}"
                                                          if q.breaches else "")
        findings.append(ctx.finding(FindingKind.EXPECTATION_FAILED, Severity.ERROR,
                                    f"`scenario {q.name}` failed{in_draft}: {detail}",
                                    [ctx.clause_ref(c, "ruling out") for c in ids], minimal=minimal,
                                    details=(("statement", statement), ("line", q.span.line))))
        expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, False, detail))
        return
    if outcome.unsat:
        expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, True,
                                        f"holds in every {world}"))
        return
    model, minimal = witness(session, [*fixed, *lits, lit])
    if model is None:
        findings.append(ctx.unknown(f"`{statement}`", "no counterexample could be read", []))
        expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, False, "unknown"))
        return
    seen = ctx.witness(model, [*compliant, Holds(q.formula, ctx.readings, expected=False,
                                                 what=f"the assertion {q.name}")],
                       what=f"counterexample to assert {q.name}", minimal=minimal)
    findings.append(ctx.finding(FindingKind.EXPECTATION_FAILED, Severity.ERROR,
                                f"`assert {q.name}` failed{in_draft}: a {world} violates it", [],
                                witness=seen, details=(("statement", statement), ("line", q.span.line))))
    expectations.append(Expectation(ctx.instrument.path, q.span.line, statement + in_draft, False,
                                    "counterexample found"))
