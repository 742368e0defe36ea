"""Conflicts: a situation in which a party breaches some clause whatever it does.

What it finds
    For a party p, a situation s (everything p does not decide) that can
    happen, in which every choice of p's own conduct breaches one of its norms:
    a dilemma, such as an obligation to assist meeting a prohibition to act.
Why it matters
    The party is in breach without doing anything wrong; the other side can
    always claim a violation in that situation.
Query
    ∃ s ∉ ctrl(p): A(s) ∧ ∀ x ∈ ctrl(p): ¬(A ∧ Comp_p)(s, x), solved by
    counterexample-guided search (verifier.qbf). Sat iff a conflict exists.
    Different minimal clause sets are found by searching again without one
    member of each set found (a hitting-set tree), up to a limit. A set that no
    world complies with at all (a MUS of every party's norms) is a
    contradiction, never a conflict: it is left to the contradiction check and
    does not count against the limit. A search that stops at the limit with
    subsets left says so in its last finding.
Evidence
    The minimal situation, and the minimal set of p's clauses (proved minimal
    across all situations by deletion) that cannot all be respected in it.
Example
    examples/15_conflict.nv
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from verifier.checks.context import CheckContext
from verifier.encode import BoolTerm, Readings, and_
from verifier.explain import clause_list, situation_phrase
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import exists_forall
from verifier.session import among, minimise_core
from verifier.witness import Breaches

MAX_SEARCHES = 40


@dataclass
class Dilemma:
    clauses: list[str]
    situation: list[BoolTerm]   # literals of the situation that force it
    minimal: bool


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for party in ctx.parties_with_norms():
        # Under a claimant's readings, the party's dilemmas are the baseline's when its norms are;
        # but whether one is a contradiction instead (`_contradictory`) turns on every party's
        # norms of its clauses, so those must be the baseline's too.
        if ctx.same_as_baseline(partial(_comp_of_its_clauses, ctx, party),
                                [n for c in ctx.clauses_of(party) for n in c.norms], comp_of=party):
            continue
        out.extend(_party(ctx, party))
    return out


def _comp_of_its_clauses(ctx: CheckContext, party: str, readings: Readings) -> list[BoolTerm]:
    """The party's norms and those of every party under the party's clauses, under readings."""
    session = ctx.session
    own = ctx.comp(party, readings)
    others = [session.norms_of(c.id, readings, q) for c in ctx.clauses_of(party)
              for q in ctx.instrument.parties if q != party]
    return [*own, *others]


def _party(ctx: CheckContext, party: str) -> list[Finding]:
    all_clauses = [c.id for c in ctx.clauses_of(party)]
    found: list[Dilemma] = []
    contradictions: set[frozenset[str]] = set()
    unknown = ""
    visited: set[frozenset[str]] = set()
    # Each set's answer, asked once: the shrinking asks sets the queue holds too.
    answers: dict[frozenset[str], Dilemma | None] = {}

    def ask(clauses: Iterable[str]) -> Dilemma | str | None:
        key = frozenset(clauses)
        if key in answers:
            return answers[key]
        result = _dilemma(ctx, party, sorted(key, key=all_clauses.index))
        if not isinstance(result, str):
            answers[key] = result
        return result

    queue = [frozenset(all_clauses)]
    searches = 0
    while queue and len(found) < ctx.max_findings and searches < MAX_SEARCHES:
        subset = queue.pop(0)
        if subset in visited or not subset:
            continue
        visited.add(subset)
        searches += 1
        result = ask(subset)
        if isinstance(result, str):
            unknown = result
            break
        if result is None:
            continue
        result = _shrink(ask, result, all_clauses)
        if isinstance(result, str):
            unknown = result
            break
        key = frozenset(result.clauses)
        if key not in contradictions and all(set(d.clauses) != key for d in found):
            # A set of clauses no world complies with is a contradiction, the stronger finding,
            # which the contradiction check reports (or counts, past --max-findings): never a
            # conflict, and it takes no place among the conflicts listed.
            if _contradictory(ctx, result.clauses):
                contradictions.add(key)
            else:
                found.append(result)
        for c in result.clauses:
            queue.append(subset - {c})
    # A search that stopped with subsets left to explore says so in its last finding, rather
    # than end silently.
    stopped = None
    if found and queue and (len(found) >= ctx.max_findings or searches >= MAX_SEARCHES):
        stopped = "--max-findings" if len(found) >= ctx.max_findings else f"{MAX_SEARCHES} searches"
    findings = [_finding(ctx, party, d, stopped if i == len(found) - 1 else None, len(found))
                for i, d in enumerate(found)]
    if unknown:
        findings.append(ctx.unknown(f"the conflict check for {party}", unknown,
                                    [ctx.clause_ref(c) for c in all_clauses]))
    return findings


def _contradictory(ctx: CheckContext, clauses: list[str]) -> bool:
    """Whether the clauses are a minimal set that no world of the situation complies with
    (with every party's norms of them): a MUS, which the contradiction check reports."""
    session = ctx.session
    lits = [session.clause_lit(c, ctx.readings) for c in clauses]
    if not session.check([*ctx.fixed(), *lits], "conflict: a contradiction?").unsat:
        return False
    return all(session.check([*ctx.fixed(), *(x for x in lits if x is not lit)], "conflict: a smaller one?").sat
               for lit in lits)


def _dilemma(ctx: CheckContext, party: str, clauses: list[str]) -> Dilemma | str | None:
    """A situation in which party cannot respect `clauses`; None if none; a reason if unknown."""
    session, enc = ctx.session, ctx.enc
    comp = and_([session.norms_of(c, ctx.readings, party) for c in clauses])
    world = enc.assumptions(ctx.readings)
    lits = [session.clause_lit(c, ctx.readings, party) for c in clauses]
    controlled = set(ctx.vocab.controlled_by(party))
    draft = enc.draft_literals(ctx.draft)
    result = exists_forall(session, guess=[world, *draft], inner_keys=controlled,
                           inner_formula=and_(world, comp, *draft),
                           inner_assumptions=[*ctx.fixed(), *lits],
                           base=ctx.guess_base(("world",), [world, *draft]), prefer=(party,))
    if result.status == "none":
        return None
    if result.status == "unknown":
        return result.reason
    core, minimal = minimise_core(session, [*ctx.fixed(), *result.outer_lits], result.core, lits)
    # Which parts of the situation force the dilemma for this minimal clause set.
    again = session.check([*ctx.fixed(), *core, *result.outer_lits], "conflict: situation core")
    # (The canonical situation found, whole, so the witness does not depend on which core the
    # solver returned; of the quantities, only those that force it.)
    situation = [*result.booleans, *(among(again.core, result.outer_lits) if again.unsat
                                     else result.outer_lits)]
    names = [session.clause_of(lit) for lit in core]
    return Dilemma([n for n in names if n is not None], situation, minimal)


def _shrink(ask: Callable[[Iterable[str]], Dilemma | str | None], d: Dilemma, order: list[str]) -> Dilemma | str:
    """Make the clause set minimal over all situations, not just the one found."""
    current = d
    changed = True
    while changed and len(current.clauses) > 1:
        changed = False
        for c in list(current.clauses):
            smaller = ask([x for x in current.clauses if x != c])
            if isinstance(smaller, str):
                return smaller
            if smaller is not None:
                current = smaller
                changed = True
                break
    current.clauses = sorted(current.clauses, key=order.index)
    return current


def _finding(ctx: CheckContext, party: str, d: Dilemma, stopped: str | None = None, shown: int = 0) -> Finding:
    """The conflict found; `stopped`: where the search stopped (the last finding says it, and how
    many conflicts of the party are `shown`)."""
    session = ctx.session
    # (A witness only for a finding the report can show: see CheckContext.shown.)
    model = minimal_model(session, [*ctx.fixed(), *d.situation], prefer=(party,)) \
        if ctx.shown(FindingKind.CONFLICT, d.clauses, party) else None
    # (No quantity is shown for its own sake: what the party decides is its choice, and the
    # figures that clash are named by verifier.clash.)
    seen = None if model is None else ctx.witness(
        model, [Breaches(party, frozenset(d.clauses), ctx.readings)], what=f"conflict of {party}")
    scenario = seen.scenario if seen else None
    names = clause_list(ctx.instrument, d.clauses)
    if len(d.clauses) == 1:
        message = f"{party} cannot respect {names} {situation_phrase(scenario, ctx.instrument, party)}: whatever {party} does, it is in breach"
    else:
        message = (f"{party} cannot respect {names} together {situation_phrase(scenario, ctx.instrument, party)}: "
                   f"whatever {party} does, it breaches one of them")
    message += ctx.precedence(d.clauses)
    details: tuple[tuple[str, object], ...] = ()
    if stopped is not None:
        message += f" ({shown} conflicts of {party} shown; the search stopped at {stopped}: there may be more)"
        details = (("search_stopped", stopped),)
    return ctx.finding(FindingKind.CONFLICT, Severity.ERROR, message,
                       [ctx.clause_ref(c, "conflicting") for c in d.clauses], party=party, witness=seen,
                       minimal=d.minimal, details=details)
