"""Breach cycles: no clause may respond to its own breach (DESIGN 12).

`breached(c, by: p)` means "p does not respect its norms of c", so a norm that uses it
depends on c's norms. When those dependencies go round (c answers a breach of d, and d
a breach of c), no world decides what either clause asks: the spec is refused, at the
first `breached` of the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dsl import formula as F
from dsl.diagnostics import Code, Diagnostics
from dsl.model import Clause, Term
from dsl.source import Span


def breach_cycles(clauses: Iterable[Clause], terms: Mapping[str, Term],
                  uses: Mapping[tuple[str, str], Span], diags: Diagnostics) -> None:
    """Report every clause on a cycle of breach dependencies. `uses`: where clause c (the
    first of the pair) first names the breach of clause d (the second), for the caret."""
    clauses = list(clauses)
    answers = {c.id: sorted(_breaches_in(_formulas(c), terms)) for c in clauses}
    by_id = {c.id: c for c in clauses}
    done: set[str] = set()
    reported: set[frozenset[str]] = set()

    def visit(clause: str, stack: list[str]) -> None:
        if clause in stack:
            cycle = [*stack[stack.index(clause):], clause]
            if frozenset(cycle) in reported:
                return
            reported.add(frozenset(cycle))
            first, second = cycle[0], cycle[1]
            span = uses.get((first, second), by_id[first].span)
            path = " -> ".join(cycle)
            what = f"clause `{first}` responds to its own breach" if len(cycle) == 2 else \
                f"clause `{first}` depends on its own breach ({path})"
            diags.error(Code.BREACH_CYCLE, span, what,
                        help="a clause that answers a breach must answer another clause's: say what is owed "
                             "when that clause is breached, not when this one is")
            return
        if clause in done:
            return
        for target in answers.get(clause, ()):
            if target in by_id:
                visit(target, [*stack, clause])
        done.add(clause)

    for c in clauses:
        visit(c.id, [])


def _formulas(clause: Clause) -> list[F.Formula]:
    out: list[F.Formula] = []
    for n in clause.norms:
        out += [n.condition, n.where]
        if n.keep is not None:
            out.append(n.keep)
    return out


def _breaches_in(formulas: Iterable[F.Formula], terms: Mapping[str, Term]) -> set[str]:
    """The clauses whose breach the formulas name, also through the readings of the vague
    terms they use (any reading may be the one in force)."""
    found: set[str] = set()
    seen_terms: set[str] = set()
    todo = list(formulas)
    while todo:
        for node in F.walk(todo.pop()):
            if isinstance(node, F.Breached):
                found.add(node.clause)
            elif isinstance(node, F.TermApp) and node.term not in seen_terms and node.term in terms:
                seen_terms.add(node.term)
                todo.extend(r.body for r in terms[node.term].readings)
    return found
