"""Exists-forall questions over finite atoms, by counterexample-guided search.

"Is there a choice of the outer variables such that no choice of the inner
ones satisfies F?" A guess solver proposes outer values; the session checks F
under them (with assumption literals, so the unsat core names clauses); each
inner witness becomes a lemma that rules out every guess it also answers.
The search is exact and ends because the atoms are finite; a round limit or a
solver `unknown` ends it as `unknown`, never as "none". Over quantities, refuting one
figure at a time need not end, so past QUANTIFIED_AFTER rounds Z3 is asked the
question whole (`forall` over the inner variables, which it decides for linear
integer arithmetic); if it gives up, the search goes on as before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar

import z3

from verifier.canonical import Truth, canonical, fewest, lowest, preference
from verifier.encode import VarKey, and_, not_, or_
from verifier.scenario import Situation, Values
from verifier.session import Outcome, Session, among
from verifier.z3_native import assert_terms

MAX_ROUNDS = 400
_T = TypeVar("_T")
# Past this many rounds of a search with integers, Z3 is asked the quantified question itself:
# refuting one integer value at a time need never end (`x >= t + 1` against every t).
QUANTIFIED_AFTER = 20


@dataclass(frozen=True)
class GuessBase:
    """A side solver holding formulas that many searches' guesses share, and which those are
    (term addresses; the formulas live as long as the solver holds them)."""

    solver: z3.Solver
    held: frozenset[int]

    @staticmethod
    def of(session: Session, formulas: Sequence[z3.BoolRef]) -> GuessBase:
        solver = session.side_solver()
        solver.add(*formulas)
        return GuessBase(solver, frozenset(f.ast.value for f in formulas))


@dataclass(frozen=True)
class Pick:
    """A choice of one among several candidates, made by the guess of an exists-forall search
    (which act of a permission, say): one literal per candidate, exactly one of them true."""

    literals: tuple[z3.BoolRef, ...]

    @staticmethod
    def named(session: Session, name: str, count: int) -> Pick:
        """`count` literals named `<name> <k>` (Z3 knows a constant by its name: make the name unique)."""
        return Pick(tuple(z3.Bool(f"{name} {k}", session.ctx) for k in range(count)))

    def exactly_one(self) -> z3.BoolRef:
        """The guess's constraint: one candidate is chosen."""
        return z3.PbEq([(p, 1) for p in self.literals], 1)

    def implies_each(self, formulas: Sequence[z3.BoolRef]) -> z3.BoolRef:
        """The chosen candidate's formula holds (the k-th pick implies the k-th formula)."""
        return and_([z3.Implies(p, f) for p, f in zip(self.literals, formulas, strict=True)])

    def any_of(self, parts: Sequence[Sequence[z3.BoolRef]]) -> z3.BoolRef:
        """Some candidate is chosen and its parts hold (`or` of `pick_k and parts_k`)."""
        return or_([and_(p, *ps) for p, ps in zip(self.literals, parts, strict=True)])

    def index(self, model: z3.ModelRef) -> int:
        """Which candidate a model of the guess chose."""
        return next(i for i, p in enumerate(self.literals) if z3.is_true(model.eval(p, model_completion=True)))


@dataclass(frozen=True)
class Order:
    """What makes a search's answer canonical (`exists_forall`'s `prefer`): the outer yes/no
    variables in preference order, the guess literals to make true where they can (`first`),
    then the outer figures (quantities) in preference order, each as low as it goes."""

    bools: list[z3.BoolRef]
    first: Sequence[z3.BoolRef]
    figures: list[z3.ArithRef]


@dataclass(frozen=True)
class EFResult:
    status: str  # "found" | "none" | "unknown"
    guess: z3.ModelRef | None = None
    outer_lits: tuple[z3.BoolRef, ...] = ()
    core: tuple[z3.BoolRef, ...] = ()
    reason: str = ""
    rounds: int = 0
    # Of outer_lits, those of yes/no variables (canonical answers: the whole situation found).
    booleans: tuple[z3.BoolRef, ...] = ()


def exists_forall(session: Session, *, guess: Sequence[z3.BoolRef], outer_keys: Iterable[VarKey] = (),
                  inner_keys: Collection[VarKey] | None = None, inner_formula: z3.BoolRef,
                  inner_assumptions: Sequence[z3.BoolRef] | Callable[[z3.ModelRef], Sequence[z3.BoolRef]],
                  max_rounds: int = MAX_ROUNDS, base: GuessBase | None = None,
                  prefer: Collection[str] | None = None, first: Sequence[z3.BoolRef] = ()) -> EFResult:
    """Find outer values satisfying `guess` under which `inner_formula` is unsat.

    With `prefer` (the parties a finding names), the values found are the canonical ones of
    all that answer (`verifier.canonical`): the fewest true outer atoms over the whole search,
    not only near the first answer, then those naming the `prefer` parties, then declaration
    order; `first` are guess literals to make true where they can (which act a search picks).

    `base`, if given, holds in a side solver a part of the guess that many searches share
    (a party's compliance): the search works in a scope of it (push/pop), so that part is
    taken in once, not once per search. `guess` must then include it all the same.

    `inner_assumptions` (or, given the guess's model, what it returns) must make
    the session's check equivalent to `inner_formula` once the outer variables
    are fixed. Variables of `guess` that are not atoms of the world (such as a
    choice among act instances) belong to the outer side. The outer atoms,
    quantities and open terms are `outer_keys`, or, given `inner_keys`, all
    but those (a party's choices against the whole situation).
    """
    # Cone of influence: only the variables the inner question mentions can matter to it;
    # fixing the rest would only slow every round down (thousands of atoms in a regime).
    # (What only the guess mentions, the guess solver decides on its own.)
    cone = cone_of(session, inner_formula)
    # What the inner formula and the guess both fix (the world's `not exists p: ...`, most of
    # the cone on real memberships) takes no part: every guess and every inner choice has it.
    held = cone.held_by(session, guess)
    # (Keys are typed: no two differ only as True and 1, so they compare as their reprs did.)
    if inner_keys is not None:
        outer_at = [i for i, key in enumerate(cone.keys) if key not in inner_keys and i not in held]
    else:
        position = cone.position
        outer_at = sorted({position[key] for key in outer_keys if key in position} - held)
    outer = _at(cone.keys, outer_at)
    order: Order | None = None
    if prefer is not None:
        rank, keys, booleans = preference(session.enc, prefer), cone.keys, cone.booleans
        chosen = sorted((i for i in outer_at if booleans[i]), key=lambda i: rank(keys[i]))
        figures = sorted((i for i in outer_at if not booleans[i]), key=lambda i: rank(keys[i]))
        order = Order(_at(cone.variables, chosen), first, _at(cone.variables, figures))
    if base is None:
        solver = session.side_solver()
        assert_terms(solver, *guess)
        return _search(session, solver, cone, outer, outer_at, held, inner_formula, inner_assumptions, max_rounds,
                       order)
    solver = base.solver
    solver.push()
    try:
        assert_terms(solver, *(g for g in guess if g.ast.value not in base.held))
        return _search(session, solver, cone, outer, outer_at, held, inner_formula, inner_assumptions, max_rounds,
                       order)
    finally:
        solver.pop()


class Cone:
    """The variables an inner formula mentions, in the order of their names, then the bracket
    selectors it mentions, with what a search reads of each (its key, declaration and address,
    whether it is a yes/no one), made once per formula: the searches of a guarantee's
    coalitions ask one inner formula, which mentions hundreds of atoms on real memberships,
    and each parts it anew into its own outer and inner sides."""

    def __init__(self, session: Session, formula: z3.BoolRef, entries: list[tuple[VarKey, z3.ExprRef]],
                 selectors: list[z3.ExprRef]) -> None:
        self.formula = formula  # (held: its address stays its own)
        self.keys = [key for key, _ in entries]  # (the selectors have none: always inner)
        self.position = {key: i for i, key in enumerate(self.keys)}
        self.variables = [*(var for _, var in entries), *selectors]
        self.decls = [session.decl(var).value for var in self.variables]  # (by address)
        self.addresses = [var.ast.value for var in self.variables]
        # (Every variable is a yes/no one or a quantity: told apart by class, not by asking Z3 its sort.)
        self.booleans = [isinstance(var, z3.BoolRef) for var in self.variables]
        self.has_integers = not all(self.booleans)
        self._conjuncts: set[int] | None = None  # (`held_by`) the formula's conjuncts, by address
        self._held: dict[tuple[int, ...], frozenset[int]] = {}  # (`held_by`) by the conjuncts the guess shares
        # (`first_refutation`) by outer side, held positions and first choice (held: its address stays its own)
        self._first: dict[tuple[tuple[int, ...], frozenset[int], int], tuple[z3.ModelRef, z3.BoolRef]] = {}

    def held_by(self, session: Session, guess: Sequence[z3.BoolRef]) -> frozenset[int]:
        """The positions of the variables fixed outright (`encode.forced`) by a conjunct of the
        formula that is also a formula of the guess (the world's `not exists p: ...`: most of
        the cone on real memberships). A search leaves them out of both sides: the guess solver
        gives them that value in every guess, and every inner choice has it, so neither a
        situation nor a refutation needs to name them."""
        if self._conjuncts is None:
            self._conjuncts = session.conjunct_addresses(self.formula)
        conjuncts = self._conjuncts
        shared = tuple(g for g in guess if g.ast.value in conjuncts)
        key = tuple(g.ast.value for g in shared)  # (the formula holds its conjuncts: no other term takes their address)
        found = self._held.get(key)
        if found is None:
            fixed = frozenset().union(*(session.forced(g) for g in shared))
            at = {address: i for i, address in enumerate(self.addresses)} if fixed else {}
            found = self._held[key] = frozenset(at[a] for a, _ in fixed if a in at)
        return found

    def first_refutation(self, session: Session, outer_at: list[int], held: frozenset[int],
                         model: z3.ModelRef) -> z3.BoolRef:
        """The lemma a first inner choice (`_first_choice`, one per inner question) gives a search
        with this outer side: made once for all the searches that share both. A coalition's
        searches for a guarantee (with and without the event of its own making) differ only in
        their guess: each would substitute the same choice into the same formula."""
        key = (tuple(outer_at), held, model.model.value)
        found = self._first.get(key)
        if found is None:
            values = self.values(session, outer_at, held)
            found = self._first[key] = (model, not_(values.substituted(self.formula, model)))
        return found[1]

    def values(self, session: Session, outer_at: Sequence[int], held: frozenset[int] = frozenset()) -> Values:
        """The values of the inner side: every variable but those at `outer_at` and those `held`."""
        outer = held.union(outer_at)
        inner = [i for i in range(len(self.variables)) if i not in outer]
        quantities = [j for j, i in enumerate(inner) if not self.booleans[i]] if self.has_integers else []
        return Values(session, _at(self.variables, inner), decls=_at(self.decls, inner),
                      addresses=_at(self.addresses, inner), quantities=quantities)


def _at(items: list[_T], positions: list[int]) -> list[_T]:
    """`[items[i] for i in positions]`, picked in C (a search picks hundreds per side)."""
    if len(positions) < 2:
        return [items[i] for i in positions]
    return list(itemgetter(*positions)(items))


def cone_of(session: Session, formula: z3.BoolRef) -> Cone:
    """The cone of the formula, remembered per formula for the session."""
    found = session.cones.get(formula.ast.value)
    if found is not None:
        return found
    enc = session.enc
    names = enc.mentioned([formula])
    entries = [entry for entry in (enc.by_name.get(name) for name in sorted(names)) if entry is not None]
    selectors = [v for name, v in enc.selectors_by_name.items() if name in names]
    found = session.cones[formula.ast.value] = Cone(session, formula, entries, selectors)
    return found


def _search(session: Session, solver: z3.Solver, cone: Cone, outer: list[VarKey], outer_at: list[int],
            held: frozenset[int], inner_formula: z3.BoolRef,
            inner_assumptions: Sequence[z3.BoolRef] | Callable[[z3.ModelRef], Sequence[z3.BoolRef]],
            max_rounds: int, order: Order | None = None) -> EFResult:
    situation = Situation.of(session, outer, _at(cone.variables, outer_at), _at(cone.decls, outer_at))
    values: Values | None = None  # (the inner side's, made when a refutation first needs them)

    def refute(model: z3.ModelRef) -> None:
        """Rule out every guess that the inner choice in model answers too."""
        nonlocal values
        if values is None:
            values = cone.values(session, outer_at, held)
        assert_terms(solver, not_(values.substituted(inner_formula, model)))

    def inner(model: z3.ModelRef, purpose: str) -> tuple[list[z3.BoolRef], Outcome]:
        """The inner question under the guess's values."""
        lits = situation.literals(model)
        assumed = inner_assumptions(model) if callable(inner_assumptions) else inner_assumptions
        return lits, session.check([*assumed, *lits], purpose)

    def answered(model: z3.ModelRef, lits: list[z3.BoolRef], answer: Outcome, rounds: int) -> EFResult:
        """A guess the inner side cannot answer, made canonical when asked (a guess that Z3's
        quantified answer gave too: its situation may hold more than it needs)."""
        found = EFResult("found", model, tuple(lits), answer.core, rounds=rounds,
                         booleans=tuple(situation.booleans(lits)))
        if order is None:
            return found
        found = _canonical(session, solver, situation, order, found, refute, inner_assumptions, max_rounds)
        return _lowest_figures(session, solver, situation, order, found, inner_formula, inner_assumptions,
                               lambda: cone.values(session, outer_at, held).variables)

    if not callable(inner_assumptions):
        # A first inner choice needs no situation: any choice the inner side can make at all
        # is one to refute (most searches end "none" right after, one guess later). This
        # spares a guess and the reading of hundreds of situation literals.
        answer = _first_choice(session, inner_formula, inner_assumptions)
        if answer.sat:
            assert answer.model is not None
            assert_terms(solver, cone.first_refutation(session, outer_at, held, answer.model))
        elif not answer.unsat:
            return EFResult("unknown", reason=answer.reason, rounds=0)
        # (unsat: no choice at all; the first guess is then a situation found, with its core)
    with_integers = cone.has_integers  # (the inner side's or the situation's)
    for rounds in range(1, max_rounds + 1):
        if with_integers and rounds == QUANTIFIED_AFTER:
            inner_vars = cone.values(session, outer_at, held).variables
            quantified = _quantified(session, solver, inner_vars, inner_formula, rounds)
            if quantified is not None:
                if quantified.status != "found":
                    return quantified
                assert quantified.guess is not None
                model = quantified.guess
                lits, answer = inner(model, "exists-forall: inner check of the quantified answer")
                if answer.unsat:
                    return answered(model, lits, answer, rounds)
                if not answer.sat:
                    return EFResult("unknown", reason=answer.reason, rounds=rounds)
        result = session.side_check(solver, "exists-forall: guess")
        if result == z3.unsat:
            return EFResult("none", rounds=rounds)
        if result != z3.sat:
            return EFResult("unknown", reason=solver.reason_unknown(), rounds=rounds)
        model = solver.model()
        lits, answer = inner(model, "exists-forall: inner check")
        if answer.unsat:
            return answered(model, lits, answer, rounds)
        if not answer.sat:
            return EFResult("unknown", reason=answer.reason, rounds=rounds)
        assert answer.model is not None
        refute(answer.model)
    return EFResult("unknown", reason=f"no answer after {max_rounds} rounds of counterexample search",
                    rounds=max_rounds)


def _first_choice(session: Session, inner_formula: z3.BoolRef, assumptions: Sequence[z3.BoolRef]) -> Outcome:
    """Some inner choice at all, asked once per inner question (formula and assumptions) for the
    session: the searches of a guarantee's coalitions, a party's clause sets, ask the same one
    (the corpus: 3,452 searches, 303 questions). Any choice serves; a solver that gave up is
    asked again next time."""
    key = (inner_formula.ast.value, *(a.ast.value for a in assumptions))
    found = session.first_choices.get(key)
    if found is not None:
        return found[1]
    answer = session.check(assumptions, "exists-forall: a first inner choice")
    if answer.sat or answer.unsat:
        # (The terms held with it: while remembered, no other term takes their addresses.)
        session.first_choices[key] = ((inner_formula, *assumptions), answer)
    return answer


def _quantified(session: Session, solver: z3.Solver, inner_vars: list[z3.ExprRef], inner_formula: z3.BoolRef,
                rounds: int) -> EFResult | None:
    """The search's question asked of Z3 whole: the guesses not yet refuted, and no inner
    choice that satisfies the formula (a `forall`, which Z3 decides for linear integer
    arithmetic). "found" with the guess's model, or "none"; None if Z3 gives up, and the
    search goes on as before."""
    quantified = _answers(session, solver, inner_vars, inner_formula)
    answer = session.side_check(quantified, "exists-forall: the quantified question")
    if answer == z3.unsat:
        return EFResult("none", rounds=rounds)
    if answer == z3.sat:
        return EFResult("found", quantified.model(), rounds=rounds)
    return None


def _answers(session: Session, solver: z3.Solver, inner_vars: list[z3.ExprRef], inner_formula: z3.BoolRef) -> z3.Solver:
    """A side solver whose models are the search's answers: the guesses not yet refuted (the
    guess solver's formulas), and no inner choice that satisfies the formula (a `forall` over
    the inner variables, which Z3 decides for linear integer arithmetic)."""
    quantified = session.side_solver(simple=False)
    quantified.add(*solver.assertions())
    quantified.add(z3.ForAll(inner_vars, z3.Not(inner_formula)) if inner_vars else z3.Not(inner_formula))
    return quantified


@dataclass(frozen=True)
class EveryChoiceResult:
    status: str  # "found" | "none" | "unknown"
    situation: tuple[z3.BoolRef, ...] = ()   # the outer literals of the situation found
    reason: str = ""
    rounds: int = 0


def _able_regardless(session: Session, against: EFResult, lits: list[z3.BoolRef], draft: Sequence[z3.BoolRef],
                     choice: Situation, rest: Situation, not_able_lit: z3.BoolRef) -> list[z3.BoolRef] | None:
    """The part D of the situation's literals under which the refuting choice can still be made
    in any situation that agrees with D: with the choice and the guess's other values fixed,
    `able` cannot fail (its negation's unsat core over the situation). None if it can.

    Only the draft is assumed, not the world: `able` holds the world, and a world assumed here
    would hide the situations where it rules the choice out (`assume martial_law implies not
    requested(ukraine)`: the request refutes the attack without martial law only)."""
    assert against.guess is not None
    # The whole choice as the guess made it (the refutation fixed only what the outcome reads).
    answer = session.check([*draft, *lits, *choice.literals(against.guess), *rest.literals(against.guess),
                            not_able_lit],
                           "every choice: can the refuting choice be made regardless?")
    if not answer.unsat:
        return None
    return among(answer.core, lits)


def exists_for_every_choice(session: Session, *, guess: Sequence[z3.BoolRef], outer_keys: Sequence[VarKey],
                            choice_keys: Sequence[VarKey], fixed: Sequence[z3.BoolRef], draft: Sequence[z3.BoolRef],
                            able: z3.BoolRef, able_depends: z3.BoolRef, outcome: z3.BoolRef, name: str,
                            focus: Sequence[Sequence[z3.BoolRef]] = (), focus_rounds: int = 8,
                            max_rounds: int = MAX_ROUNDS) -> EveryChoiceResult:
    """A situation s (values of `outer_keys` satisfying `guess`) such that, for every choice x
    (values of `choice_keys`) under which `able` can hold, `outcome` can hold too, and `able`
    can hold under some x: ∃s [∃x ∃r able] ∧ ∀x [(∃r able) → (∃r outcome)], r being every
    other variable. Both are asked of the session under `fixed` (the world, the draft);
    `draft` is the draft's part of it, which holds in every situation whatever is chosen.

    Counterexample-guided over s. For a guess s, a choice x against it (`able` can hold,
    `outcome` cannot) is itself an exists-forall search over x. Such an x rules out every
    situation that agrees with s on the core of the refusal of `outcome` and on what
    `able_depends` (`able` without the parts true in every guess) reads of s: there x is
    still a choice that can be made, and its outcome still cannot hold.

    `focus`: sets of literals (the simplest situations: one attacker, one atom of the event)
    under which the search looks first, each for at most `focus_rounds` guesses; what is
    learned there holds everywhere. The answer does not depend on them, only how soon it comes."""
    enc = session.enc
    situation = Situation.of(session, outer_keys)
    able_names = enc.mentioned([able_depends])
    depends = [i for i, k in enumerate(outer_keys) if enc.name_of(enc.var_of(k)) in able_names]
    outcome_lit = session.formula_lit(("outcome", name), f"outcome {name}", outcome)
    not_able_lit = session.formula_lit(("not-able", name), f"not able {name}", z3.Not(able))
    # What `able` reads besides s and the choice: fixed in a refutation to the guess's values.
    taken = set(outer_keys) | set(choice_keys)
    rest = Situation.of(session, sorted((k for k in enc.keys_named(able_names | enc.mentioned([able]))
                                         if k not in taken), key=repr))
    choices = Situation.of(session, list(choice_keys))
    variables = [enc.var_of(k) for k in outer_keys]
    solver = session.side_solver()
    solver.add(*guess, able)
    focused = [list(f) for f in focus for _ in range(focus_rounds)]
    for rounds in range(1, max_rounds + 1):
        assumed = focused.pop(0) if focused else []
        result = session.side_check(solver, "every choice: guess", assumed)
        if assumed and result == z3.unsat:
            while focused and focused[0] == assumed:
                focused.pop(0)  # nothing left to find there
            continue
        if result == z3.unsat:
            return EveryChoiceResult("none", rounds=rounds)
        if result != z3.sat:
            return EveryChoiceResult("unknown", reason=solver.reason_unknown(), rounds=rounds)
        model = solver.model()
        lits = situation.literals(model)
        # s as constraints of a side solver (a quantity's literal means its value only in the session's)
        pinned = [lit if isinstance(var, z3.BoolRef) else var == model.eval(var, model_completion=True)
                  for var, lit in zip(variables, lits, strict=True)]
        # The draft in the inner formula: past QUANTIFIED_AFTER rounds over figures it is asked
        # under a `forall` over the inner variables, which hold the selectors the outcome reads.
        against = exists_forall(session, guess=[*guess, able, *pinned], outer_keys=choice_keys,
                                inner_formula=and_(outcome, *pinned, *draft),
                                inner_assumptions=[*fixed, *lits, outcome_lit])
        if against.status == "unknown":
            return EveryChoiceResult("unknown", reason=against.reason, rounds=rounds)
        if against.status == "none":
            return EveryChoiceResult("found", tuple(lits), rounds=rounds)
        core = among(against.core, lits)
        read = _able_regardless(session, against, lits, draft, choices, rest, not_able_lit)
        if read is None:
            read = [lits[i] for i in depends]
        solver.add(z3.Not(z3.And(*core, *read)) if core or read else z3.BoolVal(False, session.ctx))
    return EveryChoiceResult("unknown", reason=f"no answer after {max_rounds} rounds of counterexample search",
                             rounds=max_rounds)


def _canonical(session: Session, solver: z3.Solver, situation: Situation, order: Order, found: EFResult,
               refute: Callable[[z3.ModelRef], None],
               inner_assumptions: Sequence[z3.BoolRef] | Callable[[z3.ModelRef], Sequence[z3.BoolRef]],
               max_rounds: int) -> EFResult:
    """The canonical answer, from a first one: the guess solver holds every guess not yet
    refuted, a superset of the answers, so its canonical model, once the inner check confirms
    it, is the canonical answer. Else that inner choice refutes it too, and again. If the
    solver gives up on the way, the first answer stands."""
    bools, first = order.bools, order.first

    def check(s: z3.Solver) -> z3.CheckSatResult:
        return session.side_check(s, "exists-forall: canonical guess")

    model = found.guess
    assert model is not None
    truth = Truth(bools)
    for rounds in range(found.rounds + 1, max_rounds + 1):
        most = truth.count(model)
        smallest = fewest(solver, check, bools, most)
        if smallest is None:
            return found
        chosen = canonical(solver, check, bools, smallest[0], smallest[1], first)
        if chosen is None:
            return found
        lits = situation.literals(chosen)
        assumed = inner_assumptions(chosen) if callable(inner_assumptions) else inner_assumptions
        answer = session.check([*assumed, *lits], "exists-forall: canonical inner check")
        if answer.unsat:
            return EFResult("found", chosen, tuple(lits), answer.core, rounds=rounds,
                            booleans=tuple(situation.booleans(lits)))
        if not answer.sat:
            return found
        assert answer.model is not None
        refute(answer.model)
        if check(solver) != z3.sat:  # (the first answer is still a model: only a give-up)
            return found
        model = solver.model()
    return found


def _lowest_figures(session: Session, solver: z3.Solver, situation: Situation, order: Order, found: EFResult,
                    inner_formula: z3.BoolRef,
                    inner_assumptions: Sequence[z3.BoolRef] | Callable[[z3.ModelRef], Sequence[z3.BoolRef]],
                    inner_vars: Callable[[], list[z3.ExprRef]]) -> EFResult:
    """The answer with its outer figures as low as they go, in order, its yes/no choice and its
    pick (`first`) kept: of the answers that make the same choice, the one a reader is shown
    whatever the solver did before (the guess solver's own figure depends on its history:
    `threat(russia) = 1000` in one run, `50` in another, both answers).

    Asked of Z3 whole, as `_quantified` asks: the guesses not refuted, the choice, and no inner
    choice that satisfies the formula; each figure by binary search. Refuting one figure at a
    time could take a round per figure. If Z3 gives up, or the inner check does not confirm,
    the answer stands as found."""
    if not order.figures or found.guess is None:
        return found
    model = found.guess
    if all(model.eval(q, model_completion=True).as_long() == 0 for q in order.figures):
        return found  # (none can go lower: a figure is never below 0)
    quantified = _answers(session, solver, inner_vars(), inner_formula)
    truth = Truth(order.bools)
    quantified.add(*[b if true else session.negation(b) for b, true in zip(order.bools, truth.of(model), strict=True)])
    quantified.add(*[lit for lit in order.first if z3.is_true(model.eval(lit, model_completion=True))])

    def check(s: z3.Solver) -> z3.CheckSatResult:
        return session.side_check(s, "exists-forall: lowest figures")

    lowered = lowest(quantified, check, order.figures, model)
    if lowered is None:
        return found
    lits = situation.literals(lowered)
    assumed = inner_assumptions(lowered) if callable(inner_assumptions) else inner_assumptions
    answer = session.check([*assumed, *lits], "exists-forall: inner check of the lowest figures")
    if not answer.unsat:
        return found
    return EFResult("found", lowered, tuple(lits), answer.core, rounds=found.rounds,
                    booleans=tuple(situation.booleans(lits)))
