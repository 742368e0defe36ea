"""One question for every coalition: can any group of up to --coalition-size candidates block
a guarantee at all?

The blockable-guarantee check asks each coalition in turn (verifier.checks.blockable_guarantee):
hundreds of small exists-forall searches per guarantee, and most guarantees are blocked by
none of them. This asks it once, of all of them together, and the check asks coalition by
coalition only when the answer is not "none".

    ∃ pick ⊆ candidates, 1 ≤ |pick| ≤ k, ∃ x:
        (∃ y: A ∧ E ∧ Comp⁻_pick ∧ y agrees with x on bound(pick))
        ∧ ∀ y agreeing with x on bound(pick): ¬(A ∧ E ∧ T)

where bound(pick) are the variables a picked candidate decides (those the trigger, the event
or the assumptions mention). For a coalition C, the per-coalition question is this one with
pick = C, a guess side as strong or stronger (the event of C's own making also holds there)
and as many or fewer variables bound (its decisions, or its decisions and its part in the
event): binding more variables to the outer side, or asking less of the guess, only makes an
answer easier to find. So a block by any coalition answers this, and "none" proves that no
coalition blocks. An answer proves nothing by itself (the per-coalition questions decide),
and neither does a search that stops: both send the check to the coalitions.

The search is counterexample-guided, as verifier.qbf's: a guess (who is picked, the world
with their choices) is put to the session with the picked members' variables fixed; an
inner answer y* becomes the lemma ¬(A ∧ E ∧ T)[v := pick(v) ? v : y*(v)], which rules out
every guess that y*, taking over what the guess's members do not decide, also answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import z3

from verifier.checks.coalitions import lawful_conduct
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import Target
from verifier.encode import VarKey, and_, not_, or_, substitute
from verifier.qbf import cone_of
from verifier.scenario import Values
from verifier.z3_native import assert_terms

# A screen that has not settled after this many rounds gives way to the coalitions' own
# searches (over figures, refuting one value at a time need not end).
MAX_ROUNDS = 60


def no_coalition_blocks(ctx: CheckContext, g: Target, tag: str, candidates: Sequence[str],
                        decides: Mapping[str, list[VarKey]], event_keys: set[VarKey], bind_event: bool,
                        first: z3.ModelRef, at_least: int = 1, excluded: Sequence[frozenset[str]] = ()) -> bool:
    """Whether it is proven that no coalition of `at_least` to ctx.coalition_size candidates,
    containing none of the `excluded` groups, can keep the target's trigger false while its
    event happens (with `bind_event`, also by choosing its members' part in the event, as a
    guarantee's own-event blocks do). `tag` names the target (its pick variables are its own);
    `first` is a world where the event triggers it."""
    enc, session = ctx.enc, ctx.session
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    formula = and_(world, g.event, g.trigger, *draft)
    cone = cone_of(session, formula)
    at = {address: i for i, address in enumerate(cone.addresses)}
    # (A variable the world fixes outright has that value in every guess and answer: binding
    # it changes nothing.)
    held = cone.held_by(session, [world, g.event, *draft])
    controllers: dict[int, list[str]] = {}  # cone position -> the candidates that decide it
    for m in candidates:
        for k in decides[m]:
            i = at.get(enc.var_of(k).ast.value)
            if i is not None and i not in held and (bind_event or k not in event_keys):
                controllers.setdefault(i, []).append(m)
    if not controllers:
        return True  # no candidate decides anything that is not fixed, and `first` triggers it
    picks = {m: z3.Bool(f"block screen {tag} pick {m}", session.ctx) for m in candidates}
    bound = [(i, cone.variables[i], ms, or_(*(picks[m] for m in ms))) for i, ms in controllers.items()]
    values = Values(session, cone.variables, decls=cone.decls, addresses=cone.addresses)
    chosen = Values(session, [var for _, var, _, _ in bound])  # (the members' choices in a guess)
    lawful = and_(*(z3.Implies(picks[m], lawful_conduct(ctx, (m,), event_keys)) for m in candidates))
    inner_assumptions = [*ctx.fixed(), g.event_lit, g.trigger_lit]
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

    def situation(guess: z3.ModelRef) -> list[z3.BoolRef]:
        """The picked members' choices in the guess, as literals."""
        members = {m for m, p in picks.items() if z3.is_true(guess.eval(p, model_completion=True))}
        return [session.value_lit(var, value == true if isinstance(value, int) else value.as_long())
                for (_, var, ms, _), (_, value) in zip(bound, chosen.pairs(guess), strict=True)
                if not members.isdisjoint(ms)]

    solver = ctx.guess_base(("world",), [world, *draft]).solver
    solver.push()
    try:
        assert_terms(solver, g.event, lawful, z3.AtLeast(*picks.values(), at_least),
                     z3.AtMost(*picks.values(), ctx.coalition_size), lemma(first),
                     *(or_(*(not_(picks[m]) for m in group)) for group in excluded))
        for _ in range(MAX_ROUNDS):
            result = session.side_check(solver, "blockable-guarantee: can any coalition block it? guess")
            if result == z3.unsat:
                return True
            if result != z3.sat:
                return False
            answer = session.check([*inner_assumptions, *situation(solver.model())],
                                   "blockable-guarantee: can any coalition block it? inner check")
            if not answer.sat:
                return False  # a coalition may block (or the solver gave up): asked one by one
            assert answer.model is not None
            assert_terms(solver, lemma(answer.model))
        return False
    finally:
        solver.pop()


__all__ = ["no_coalition_blocks"]
