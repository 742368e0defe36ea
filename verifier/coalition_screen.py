"""One question for every coalition: can any group of candidates achieve something at all?

The coalition checks ask each coalition in turn whether its members, by what they decide
and while they comply with their duties, can make a question have no answer whatever the
others do: keep a guarantee from triggering (verifier.checks.blockable_guarantee), bring a
permission into force (verifier.checks.self_granted_permission). Each is a small
exists-forall search, hundreds per guarantee, and most guarantees are blocked by no
coalition. This asks it once, of all the coalitions together:

    ∃ pick ⊆ candidates, at_least ≤ |pick| ≤ k, containing no excluded group, ∃ x:
        (∃ y: G ∧ Comp_pick ∧ y agrees with x on bound(pick))
        ∧ ∀ y agreeing with x on bound(pick): ¬F

where bound(pick) are the variables of F that a picked candidate decides, G the guess side
(the assumptions, the draft, the event) and F the inner formula. For a coalition C, its own
question is this one with pick = C, a guess side as strong or stronger (the event of C's own
making, say) and as many or fewer variables bound: binding more variables to the outer
side, or asking less of the guess, only makes an answer easier to find. So what any
coalition achieves answers this, and "none" proves that no coalition achieves it. An answer
proves nothing by itself (the coalitions' own questions decide), and neither does a search
that stops: both send the check to the coalitions.

The search is counterexample-guided, as verifier.qbf's: a guess (who is picked, a world with
their choices) is put to the session with the picked members' variables fixed; an inner
answer y* becomes the lemma ¬F[v := pick(v) ? v : y*(v)], which rules out every guess that
y*, taking over what the guess's members do not decide, also answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import z3

from verifier.encode import BoolTerm, VarKey, and_, not_, or_, substitute
from verifier.qbf import GuessBase, cone_of
from verifier.scenario import Values
from verifier.session import Session
from verifier.z3_native import assert_terms

# A screen that has not settled after this many rounds gives way to the coalitions' own
# searches (over figures, refuting one value at a time need not end).
MAX_ROUNDS = 60


def none_achieve(session: Session, *, tag: str, purpose: str, candidates: Sequence[str],
                 decides: Mapping[str, Iterable[VarKey]], lawful: Callable[[str], BoolTerm] | None, base: GuessBase,
                 guess: Sequence[BoolTerm], formula: BoolTerm,
                 assumptions: Sequence[BoolTerm] | Callable[[z3.ModelRef], Sequence[BoolTerm]],
                 first: z3.ModelRef | None, at_least: int, at_most: int,
                 excluded: Sequence[frozenset[str]] = ()) -> bool:
    """Whether it is proven that no coalition of `at_least` to `at_most` candidates, containing
    none of the `excluded` groups, can choose what its members decide (`decides`), complying
    (`lawful` of each member, if asked), so that `formula` has no answer.

    `guess`: the whole guess side (the world, the draft, an event), of which `base` holds a part;
    `assumptions` (or, given a guess, what it returns): the session's literals that make a query
    the question of `formula` once the guess's own variables (those `formula` shares with it,
    such as which act a permission's holder does) are fixed; `first`: a model of `formula`, if
    one is known (its refutation is asserted before the first guess). `tag` names the question
    (its pick variables are its own) and `purpose` its queries."""
    cone = cone_of(session, formula)
    # (A variable the world fixes outright has that value in every guess and answer: binding
    # it changes nothing.)
    held = cone.held_by(session, guess)
    controllers: dict[int, list[str]] = {}  # cone position -> the candidates that decide it
    for m in candidates:
        for k in decides[m]:
            i = cone.position.get(k)  # (by key: a party decides thousands of atoms never made)
            if i is not None and i not in held:
                controllers.setdefault(i, []).append(m)
    if not controllers:
        return True  # no candidate decides anything the formula reads that is not fixed: `first` answers
    picks = {m: z3.Bool(f"coalition screen {tag} pick {m}", session.ctx) for m in candidates}
    bound = [(i, cone.variables[i], ms, or_(*(picks[m] for m in ms))) for i, ms in controllers.items()]
    values = Values(session, cone.variables, decls=cone.decls, addresses=cone.addresses)
    chosen = Values(session, [var for _, var, _, _ in bound])  # (the members' choices in a guess)
    true = session.true.ast.value
    kept: dict[tuple[int, int | str], z3.ExprRef] = {}  # (position, value) -> pick(v) ? v : value

    def taken_over(i: int, var: z3.ExprRef, picked: z3.BoolRef, value: z3.ExprRef | int) -> z3.ExprRef:
        key = (i, value if isinstance(value, int) else value.as_string())
        term = kept.get(key)
        if term is None:
            if isinstance(value, int):  # a yes/no value, Z3's own true or false (`Values.pairs`)
                term = or_(not_(picked), var) if value == true else and_(picked, var)
            else:
                term = z3.If(picked, var, value)
            kept[key] = term
        return term

    def lemma(answer: z3.ModelRef) -> z3.BoolRef:
        """The guesses this inner answer does not refute."""
        pairs: list[tuple[z3.ExprRef, z3.ExprRef | int]] = values.pairs(answer)
        for i, var, _, picked in bound:
            pairs[i] = (var, taken_over(i, var, picked, pairs[i][1]))
        return not_(substitute(formula, pairs))

    def situation(model: z3.ModelRef) -> list[z3.BoolRef]:
        """The picked members' choices in a guess, as literals."""
        members = {m for m, p in picks.items() if z3.is_true(model.eval(p, model_completion=True))}
        return [session.value_lit(var, value == true if isinstance(value, int) else value.as_long())
                for (_, var, ms, _), (_, value) in zip(bound, chosen.pairs(model), strict=True)
                if not members.isdisjoint(ms)]

    solver = base.solver
    solver.push()
    try:
        assert_terms(solver, *(g for g in guess if g.ast.value not in base.held),
                     *([] if lawful is None else [and_(*(z3.Implies(picks[m], lawful(m)) for m in candidates))]),
                     z3.AtLeast(*picks.values(), at_least), z3.AtMost(*picks.values(), at_most),
                     *(or_(*(not_(picks[m]) for m in group)) for group in excluded),
                     *([] if first is None else [lemma(first)]))
        for _ in range(MAX_ROUNDS):
            result = session.side_check(solver, f"{purpose}: can any coalition? guess")
            if result == z3.unsat:
                return True
            if result != z3.sat:
                return False
            model = solver.model()
            asked = assumptions(model) if callable(assumptions) else assumptions
            answer = session.check([*asked, *situation(model)], f"{purpose}: can any coalition? inner check")
            if not answer.sat:
                return False  # a coalition may achieve it (or the solver gave up): asked one by one
            assert answer.model is not None
            assert_terms(solver, lemma(answer.model))
        return False
    finally:
        solver.pop()


__all__ = ["none_achieve"]
