"""Canonical choices among equally small worlds: the same spec gives the same witness whatever
the solver did before (the order of the checks, what it learnt, how it numbered its terms).

Of the models of a solver's constraints with the fewest true variables, the canonical one is
the one whose true variables come first in a preference order: the variables that involve the
parties a finding names (its claimant, accused, protected party, blocker), then the world's
declaration order (`preference`). It is found by questions whose answers are facts about the
constraints (sat or unsat), never by which model a solver happens to return, so it does not
depend on the solver's history. The cost is a handful of checks per true variable: for each,
a binary search over the rest of the order for the first variable that can still be true.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import z3

from dsl.model import step_of
from verifier.encode import Encoder, OpenTermKey, VarKey, and_, not_
from verifier.z3_native import Term, assert_terms, c_function, const_values, is_true_at

Check = Callable[[z3.Solver], z3.CheckSatResult]


class Truth:
    """Which of some Boolean constants a model makes true, read from the model's table of
    constants (a constant the model leaves out is false): `model.eval` of hundreds of atoms
    per question was most of the time of choosing."""

    def __init__(self, bools: Sequence[z3.BoolRef]) -> None:
        self.bools = list(bools)
        self.ctx = bools[0].ctx if bools else None
        c = self.ctx.ref() if self.ctx is not None else None
        self._decls = [_APP_DECL(c, b.as_ast()).value for b in self.bools]  # (by address)
        # Z3's own `true` and `false` (what a model's table holds for a yes/no constant), by address.
        self._true = z3.BoolVal(True, self.ctx).ast.value if self.ctx is not None else 0
        self._false = z3.BoolVal(False, self.ctx).ast.value if self.ctx is not None else 0
        self._negations: dict[int, z3.BoolRef] = {}  # index -> `not bools[index]`, made when first asked
        self.array: z3.Ast | None = None  # (`at_most`) the constants as a C array, made when first asked

    def first_true(self, start: int, end: int) -> z3.BoolRef:
        """`bools[end]` and none of `bools[start:end]`: of those, it is the first true. The
        negations are made once per Truth (a pretext's further acts ask them round after round)."""
        negations = self._negations
        for i in range(start, end):
            if i not in negations:
                negations[i] = not_(self.bools[i])
        return and_([*(negations[i] for i in range(start, end)), self.bools[end]])

    def of(self, model: z3.ModelRef) -> list[bool]:
        if self.ctx is None:
            return []
        true, false = self._true, self._false
        c = self.ctx.ref()
        return [address == true or (address != false and is_true_at(c, address))
                for address in const_values(model, self._decls, false)]

    def count(self, model: z3.ModelRef) -> int:
        return sum(self.of(model))

    def first(self, model: z3.ModelRef, start: int) -> int:
        """The index of the first constant from `start` that the model makes true."""
        assert self.ctx is not None
        true, false, c = self._true, self._false, self.ctx.ref()
        for i, address in enumerate(const_values(model, self._decls[start:], false), start):
            if address == true or (address != false and is_true_at(c, address)):
                return i
        raise ValueError("no constant from there is true")


def _any(bools: Sequence[z3.BoolRef]) -> z3.BoolRef:
    """`or_(bools)` (one of them: itself), made in one call: the canonical questions make
    tens of thousands of these, and `or_` checks the class of every part."""
    if len(bools) == 1:
        return bools[0]
    ctx = bools[0].ctx
    z3.Z3_get_sort(ctx.ref(), bools[0].as_ast())  # (as `or_` does: keeps Z3's numbering of terms)
    array = (z3.Ast * len(bools))(*[b.as_ast() for b in bools])
    return Term(_MK_OR(ctx.ref(), len(bools), array), ctx)


def at_most(truth: Truth, k: int) -> z3.BoolRef:
    """`z3.AtMost(*truth.bools, k)`, made in one call (z3py checks and converts every argument),
    over the constants' array made once per Truth (a search asks this of hundreds of atoms
    again and again)."""
    assert truth.ctx is not None
    if truth.array is None:
        truth.array = (z3.Ast * len(truth.bools))(*[b.as_ast() for b in truth.bools])
    return Term(_MK_ATMOST(truth.ctx.ref(), len(truth.bools), truth.array, k), truth.ctx)


_APP_DECL = c_function(z3.Z3_get_app_decl)
_MK_ATMOST = c_function(z3.Z3_mk_atmost)
_MK_OR = c_function(z3.Z3_mk_or)


def preference(enc: Encoder, prefer: Collection[str],
               against: Collection[tuple[str, str]] = ()) -> Callable[[VarKey], tuple[int, int, int, int, str]]:
    """A variable's place in the order: one that names a party of `prefer` first, then, in a
    timed spec, the earlier step first (a timeline that starts as early as it can), then atoms
    in declaration order (predicates, then their arguments in the order of their values),
    then open terms by term and arguments. Never the order variables were made in (that is
    history). `against`: (actor, party) pairs whose atoms (the actor's, naming the party after
    it) come last: a claimant complaining of what the accused did for it is no example to show."""
    positions = enc.positions()
    terms = {name: i for i, name in enumerate(enc.instrument.terms)}
    wanted = set(prefer)
    last = set(against)
    timed = enc.instrument.horizon is not None
    # A key's place depends only on the encoder and the two sets: remembered, since every
    # witness ranks the hundreds of atoms its formulas mention, mostly the same ones.
    known = enc.ranks.setdefault((frozenset(wanted), frozenset(last)), {})

    def rank(key: VarKey) -> tuple[int, int, int, int, str]:
        found = known.get(key)
        if found is None:
            found = known[key] = place(key)
        return found

    def place(key: VarKey) -> tuple[int, int, int, int, str]:
        if isinstance(key, OpenTermKey):
            return (0 if wanted.intersection(map(str, key.args)) else 1, 0, 1, terms.get(key.term, 0), repr(key.args))
        args = key[1]
        step = (step_of(key)[1] or 0) if timed else 0
        if last and args and any((args[0], a) in last for a in args[1:]):
            return (2, step, 0, positions.get(key, 0), "")
        return (0 if wanted.intersection(map(str, args)) else 1, step, 0, positions.get(key, 0), "")

    return rank


def fewest(solver: z3.Solver, check: Check, bools: Sequence[z3.BoolRef], most: int,
           truth: Truth | None = None) -> tuple[int, z3.ModelRef] | None:
    """The fewest of `bools` true in a model of the solver (at most `most`, which a model has),
    with such a model; None if the solver gives up. `truth`: `Truth(bools)`, if made already."""
    lo, hi, best = 0, most, None
    truth = truth or Truth(bools)
    while lo < hi:  # invariant: some model has at most hi true, none has fewer than lo
        mid = (lo + hi) // 2
        solver.push()
        assert_terms(solver, at_most(truth, mid))
        answer = check(solver)
        model = solver.model() if answer == z3.sat else None
        solver.pop()
        if answer == z3.sat:
            assert model is not None
            hi, best = truth.count(model), model
        elif answer == z3.unsat:
            lo = mid + 1
        else:
            return None
    if best is None:  # (some model has `most` true, the caller's: ask for one with that many)
        solver.push()
        if bools:
            assert_terms(solver, at_most(truth, hi))
        answer = check(solver)
        best = solver.model() if answer == z3.sat else None
        solver.pop()
        if best is None:
            return None
    return hi, best


def canonical(solver: z3.Solver, check: Check, bools: Sequence[z3.BoolRef], k: int, model: z3.ModelRef,
              first: Sequence[z3.BoolRef] = (), truth: Truth | None = None) -> z3.ModelRef | None:
    """The canonical model of the solver with `k` (the fewest possible) of `bools` true, `bools`
    in preference order; `model` is one with k true. `first`: literals to make true where they
    can be, in order, before the bools are chosen (at most one of them: a choice among
    alternatives). The solver is left as it was. None if it gives up. `truth`: `Truth(bools)`,
    if made already."""
    truth = truth or Truth(bools)
    solver.push()
    try:
        if bools:
            assert_terms(solver, at_most(truth, k))
        for lit in first:
            solver.push()
            assert_terms(solver, lit)
            answer = check(solver)
            found = solver.model() if answer == z3.sat else None
            solver.pop()
            if answer == z3.sat:
                assert found is not None
                assert_terms(solver, lit)
                model = found
                break
            if answer != z3.unsat:
                return None

        pos = 0
        for _ in range(k):
            lo, hi = pos, truth.first(model, pos)
            while lo < hi:  # the first variable from pos that can be true is in [lo, hi]
                mid = (lo + hi) // 2
                solver.push()
                assert_terms(solver, _any(bools[lo:mid + 1]))
                answer = check(solver)
                found = solver.model() if answer == z3.sat else None
                solver.pop()
                if answer == z3.sat:
                    assert found is not None
                    model, hi = found, truth.first(found, lo)
                elif answer == z3.unsat:
                    lo = mid + 1
                else:
                    return None
            assert_terms(solver, truth.first_true(pos, hi))
            pos = hi + 1
        return model
    finally:
        solver.pop()


def lowest(solver: z3.Solver, check: Check, quantities: Sequence[z3.ArithRef],
           model: z3.ModelRef) -> z3.ModelRef | None:
    """Each quantity in turn as low as it can be (binary search, from its value in `model`), the
    model that has them; None if the solver gives up. The quantities stay fixed in the solver."""
    for q in quantities:
        lo, hi = 0, model.eval(q, model_completion=True).as_long()
        while lo < hi:
            mid = (lo + hi) // 2
            solver.push()
            solver.add(q <= mid)
            answer = check(solver)
            found = solver.model() if answer == z3.sat else None
            solver.pop()
            if answer == z3.sat:
                assert found is not None
                model, hi = found, found.eval(q, model_completion=True).as_long()
            elif answer == z3.unsat:
                lo = mid + 1
            else:
                return None
        solver.add(q == hi)
    return model
