"""Every minimal unsatisfiable set of clause literals, by MARCO (Liffiton et al.).

A map solver over one Boolean per clause proposes a subset not yet explored; the session
says whether its clauses can hold together. A satisfiable seed grows to a maximal
satisfiable set, whose subsets are then all blocked; an unsatisfiable one shrinks to a
minimal core (`minimise_core`), whose supersets are blocked. The enumeration ends when the
map has no subset left, or after `limit` sets, or at an `unknown`, which it reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import z3

from verifier.session import Session, minimise_core


def marco(session: Session, fixed: Sequence[z3.BoolRef], lits: Mapping[str, z3.BoolRef],
          limit: int | None) -> Iterator[tuple[list[str], bool, str]]:
    """Yield (the names of a MUS among `lits`, proved minimal, "") up to `limit` of them (None:
    all of them); on an `unknown` answer, ([], False, its reason) and stop: never a silent end.
    The caller can stop earlier (a generator): the MUSes are found one by one."""
    names = list(lits)
    mapvars = {c: z3.Bool(f"map {c}", session.ctx) for c in names}
    map_solver = session.side_solver(limited=False)  # a small Boolean map: no limit needed
    found = 0
    by_lit = {str(v): c for c, v in lits.items()}
    while limit is None or found < limit:
        answer = session.side_check(map_solver, "contradiction: MARCO map")
        if answer == z3.unsat:
            return  # every subset is known: the enumeration is complete
        if answer != z3.sat:
            yield [], False, map_solver.reason_unknown() or "unknown"
            return
        model = map_solver.model()
        seed = [c for c in names if z3.is_true(model.eval(mapvars[c], model_completion=True))]
        outcome = session.check([*fixed, *(lits[c] for c in seed)], "contradiction: MARCO seed")
        if outcome.sat:
            # Grow to a maximal satisfiable set, then block all its subsets.
            grown = list(seed)
            for c in names:
                if c in grown:
                    continue
                trial = session.check([*fixed, *(lits[x] for x in grown), lits[c]], "contradiction: grow")
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
            core, minimal = minimise_core(session, fixed, outcome.core, (lits[c] for c in seed))
            mus = [by_lit[str(lit)] for lit in core]
            map_solver.add(z3.Or([z3.Not(mapvars[c]) for c in mus]))
            found += 1
            yield mus, minimal, ""
        else:
            yield [], False, outcome.reason
            return
