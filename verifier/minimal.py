"""Minimal worlds: of the worlds a query allows, one with the fewest true atoms, then the
lowest quantities (DESIGN: a finding's scenario is minimal).

The question is MaxSAT, asked of a fresh Optimize per witness (MaxSAT is not incremental):
every user-visible atom the switched-on formulas mention gets a soft `not atom`, then the
sum of the quantities is minimised, so a reader sees only what the finding needs.

Two cheaper routes were measured on the corpus and lost. Implicit hitting sets on the
session's own solver, which holds the formulas already, needed 3 to 120 of its queries per
witness at 1-10 ms each (1.24 s against 0.86 s). Disjoint cores on a fresh simple solver
give the optimum's lower bound in a few checks, but cost more than Optimize on the small
witnesses that are most of them (0.82 s against 0.67 s). Where Optimize is slow (hague_v,
600 soft atoms, 30 ms) the MaxSAT search is the cost, not taking in the formulas (2 ms).
What saves time is asking for fewer witnesses: the checks ask only for those of findings
the report shows (`CheckContext.shown`).

Which of the equally small worlds Optimize returns depends on the solver's history (the
order of the checks before it), so the optimum is then made canonical by plain questions
(`verifier.canonical`): the atoms naming the parties the finding names first, then
declaration order. On the corpus this cost about a tenth more CPU time (13.3 s to 14.8 s,
-j1), and the scenarios stop depending on the order in which the checks run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

import z3

from verifier.canonical import Check, Truth, canonical, fewest, lowest, preference
from verifier.encode import Encoder, OpenTermKey, VarKey, and_
from verifier.session import Session
from verifier.z3_native import c_function

_T = TypeVar("_T")


class Question:
    """What a query under `assumptions` asks of a world: the formulas it switches on (`_asked`),
    the atoms and open terms they mention in preference order, the quantities they mention;
    and a plain side solver holding the formulas, made when first asked (`ask`).

    One question serves several witnesses of the same formulas: the pretext check's first
    witness and the further acts after it, which add the acts they rule out (`hold`).
    Filling a solver with every formula, and Z3 taking them in at its first question, cost
    more than the questions asked of it; the answers are facts about the formulas, so they
    are those of a fresh solver."""

    def __init__(self, session: Session, assumptions: Sequence[z3.BoolRef], also: Sequence[Encoder] = (),
                 prefer: Collection[str] = (), against: Collection[tuple[str, str]] = ()) -> None:
        self.session = session
        self.active, self.variables, self.quantities = _asked(session, assumptions, also, prefer, against)
        self._boolean = not self.quantities
        self._plain: tuple[z3.Solver, Check] | None = None

    def hold(self, formulas: Sequence[z3.BoolRef]) -> None:
        """Hold these formulas from now on (the negations of conduct found)."""
        self.active.extend(formulas)
        if self._plain is not None:
            _fill(self._plain[0], formulas)

    def ask(self, ask: Callable[[z3.Solver, Check], _T], adds: bool = False) -> _T:
        """`ask(solver, check)` of the plain solver. `adds`: ask adds formulas of its own, which
        are taken back after (in a scope: `verifier.canonical`'s questions take back theirs
        themselves). The finite-domain solver while the formulas have no quantity (see
        `_plain`); the default one from the first integer it meets."""
        while True:
            if self._plain is None:
                self._plain = _plain(self.session, self.active, boolean=self._boolean)
            solver = self._plain[0]
            if adds:
                solver.push()
            try:
                return ask(*self._plain)
            except _NotBoolean:
                self._boolean, self._plain = False, None
            finally:
                if adds:
                    solver.pop()


def minimal_model(session: Session, assumptions: Sequence[z3.BoolRef],
                  also: Sequence[Encoder] = (), prefer: Collection[str] = (),
                  against: Collection[tuple[str, str]] = (), question: Question | None = None) -> z3.ModelRef | None:
    """A model of the session's formulas under `assumptions` with the fewest true atoms (and
    then the lowest quantities), the canonical one of those (`verifier.canonical`: the atoms
    that name a party of `prefer` first, then declaration order; then each quantity as low
    as it goes, in declaration order; `against`: see `canonical.preference`). Variables that
    the switched-on formulas do not mention
    are false (or 0) in it. `also`: other encoders in the session's context whose variables
    the formulas use too (diff's second text), minimised alike. `question`: the assumptions'
    question made already (its solver is then kept for further witnesses).

    None when the solver gives up (see `witness`).
    """
    question = question or Question(session, assumptions, also, prefer, against)
    active, variables, quantities = question.active, question.variables, question.quantities
    opt = session.optimize(maxsat_engine="rc2")
    # The formulas, and one soft `not atom` per atom (the session's own negations), straight
    # through the C library: z3py checks the sort of each, which cost more than solving with
    # a thousand clauses.
    c, o = opt.ctx.ref(), opt.optimize
    for formula in active:
        _LIB.Z3_optimize_assert(c, o, formula.as_ast())
    group = z3.to_symbol("atoms", opt.ctx)
    for var in variables:
        _LIB.Z3_optimize_assert_soft(c, o, session.negation(var).as_ast(), b"1", group)
    if quantities:
        opt.minimize(z3.Sum(quantities))
    if session.side_check(opt, "minimal witness") != z3.sat:
        return None
    model = opt.model()
    # The optimum is a number of true atoms (and a sum); which world of that size Optimize
    # returns depends on its history. Choose the canonical one by questions to a plain solver.
    truth = Truth(variables)
    if not quantities:
        return question.ask(lambda fixed, check: canonical(fixed, check, variables, truth.count(model), model)) \
            or model

    def canonical_lowest(fixed: z3.Solver, check: Check) -> z3.ModelRef:
        fixed.add(z3.Sum(quantities) <= model.eval(z3.Sum(quantities), model_completion=True))
        chosen = canonical(fixed, check, variables, truth.count(model), model)
        if chosen is None:
            return model
        if variables:
            fixed.add(and_([v if true else session.negation(v)
                            for v, true in zip(variables, truth.of(chosen), strict=True)]))
        return lowest(fixed, check, quantities, chosen) or chosen

    return question.ask(canonical_lowest, adds=True)


class FewestAtoms:
    """`minimal_model` for worlds that only name conduct (the further acts of a pretext), asked
    again and again as the conduct found is ruled out (`Question.hold`): the canonical world
    with the fewest true atoms (of those in `over`, if given: what will be read of it), found
    by plain questions (no Optimize, no quantities: cheaper when there are many)."""

    def __init__(self, question: Question, over: Collection[VarKey] | None = None) -> None:
        self.question = question
        variables = question.variables
        if over is not None:
            # (By address, not z3py's id, one call into Z3 each: variables live as long as the encoder.)
            wanted = {question.session.enc.var_of(k).ast.value for k in over}
            variables = [v for v in variables if v.ast.value in wanted]
        self.variables = variables
        self.truth = Truth(variables)

    def choose(self, model: z3.ModelRef) -> z3.ModelRef:
        """The canonical world, from a model of the formulas; the model itself if the solver
        gives up."""
        variables, truth = self.variables, self.truth

        def ask(fixed: z3.Solver, check: Check) -> z3.ModelRef | None:
            smallest = fewest(fixed, check, variables, truth.count(model), truth)
            return None if smallest is None else canonical(fixed, check, variables, *smallest, truth=truth)

        return self.question.ask(ask) or model


def _asked(session: Session, assumptions: Sequence[z3.BoolRef], also: Sequence[Encoder], prefer: Collection[str],
           against: Collection[tuple[str, str]] = ()) -> tuple[list[z3.BoolRef], list[z3.BoolRef], list[z3.ArithRef]]:
    """The formulas the assumptions switch on; the atoms and open terms they mention, in
    preference order; the quantities they mention."""
    enc = session.enc
    # Only what the assumptions switch on constrains the world; every other atom is
    # false (and every other quantity 0) in the model's completion. The bound `q >= 0` of a
    # quantity the formulas do not mention is left out with it: it constrains nothing else,
    # and a timed spec would otherwise ask about every quantity at every step, which makes
    # the canonical questions integer ones (on istanbul_2022_consultations.nv, 60 unrelated
    # personnel figures: 150 s of canonical questions against a few).
    # Each formula is taken whole, less its bounds (`Session.unbounded`, remembered for the
    # session's formulas): splitting every witness's formulas into their thousands of
    # conjuncts, and asserting those one by one, cost more than the questions asked of them.
    active: list[z3.BoolRef] = []
    names: set[str] = set()
    for f in [*session.active(assumptions), session.background()]:
        body, mentions = session.unbounded(f)
        if body is not None:
            active.append(body)
            names |= mentions
    keys = enc.keys_named(names)
    active += [enc.bounds[k] for k in keys if k in enc.bounds]
    # (What the formulas mention has been made, and only that is asked for.)
    rank = preference(enc, prefer, against)
    # The atoms mentioned, in declaration order (as the vocabulary lists them), without
    # walking the whole vocabulary (tens of thousands of atoms in a regime) for each witness.
    positions = enc.positions()
    # An atom a formula fixes outright (`encode.forced`: the world's `not exists p: ...`) has
    # that value in every world: minimising over it, or choosing it, asks nothing.
    fixed = {address for f in active for address, _ in session.forced(f)}
    atoms = [(key, enc.atom(key)) for key in sorted([k for k in keys if enc.is_atom(k)], key=positions.__getitem__)]
    ranked: list[tuple[tuple[int, int, int, int, str], z3.BoolRef]] = \
        [(rank(key), var) for key, var in atoms if var.ast.value not in fixed]
    ranked += [(rank(OpenTermKey(*key)), var) for key, var in enc.open_vars.items()
               if OpenTermKey(*key) in keys and var.ast.value not in fixed]
    quantities = [v for k, v in enc.qty_vars.items() if k in keys]
    if also:
        for other in also:
            theirs = other.keys_named(other.mentioned(active))
            ranked += [(rank(key), var) for key, var in ((k, other.atom(k)) for k in other.atom_vars.made() if k in theirs)
                       if var.ast.value not in fixed]
            ranked += [(rank(OpenTermKey(*key)), var) for key, var in other.open_vars.items()
                       if OpenTermKey(*key) in theirs and var.ast.value not in fixed]
            quantities += [v for k, v in other.qty_vars.items() if k in theirs]
        # The same name is the same variable in every encoder of the context: one soft literal each.
        ranked = list({v.get_id(): (r, v) for r, v in ranked}.values())
        quantities = list({v.get_id(): v for v in quantities}.values())
    return active, [v for _, v in sorted(ranked, key=lambda rv: rv[0])], quantities


def _plain(session: Session, active: Sequence[z3.BoolRef], boolean: bool = False) -> tuple[z3.Solver, Check]:
    """A side solver holding the formulas (through the C library), and how to ask it.

    `boolean` (no quantity in the formulas): Z3's SAT-based solver, whose cardinality
    constraints make the canonical questions (`at most k of 800 atoms, one of these true`)
    cheap: on istanbul_2022_consultations.nv, a timed spec, 0.08 s against 75 s for the
    default solver. The answers are facts about the formulas, so the witness is the same.
    Should it meet an integer all the same (it answers `unknown`), the default solver takes
    over."""
    # (`--emit-smt2` writes what a solver holds; the SAT-based one holds its own encoding of
    # the formulas, which does not replay as SMT-LIB: the default solver answers then.)
    boolean = boolean and session.limits.smt2_dir is None
    solver = session.side_solver(finite=boolean)
    _fill(solver, active)

    def check(asked: z3.Solver) -> z3.CheckSatResult:
        answer = session.side_check(asked, "canonical witness")
        if answer == z3.unknown and boolean and any(w in asked.reason_unknown() for w in ("interpreted", "giveup")):
            raise _NotBoolean
        return answer

    return solver, check


def _fill(solver: z3.Solver, formulas: Sequence[z3.BoolRef]) -> None:
    """`solver.add(*formulas)`, straight through the C library (z3py checks the sort of each)."""
    c, s = solver.ctx.ref(), solver.solver
    for formula in formulas:
        _LIB.Z3_solver_assert(c, s, formula.as_ast())


class _NotBoolean(Exception):
    """The finite-domain solver met an integer: ask the default solver instead."""


def witness(session: Session, assumptions: Sequence[z3.BoolRef],
            also: Sequence[Encoder] = (), prefer: Collection[str] = (),
            against: Collection[tuple[str, str]] = (), question: Question | None = None) -> tuple[z3.ModelRef | None, bool]:
    """A minimal model and True; or, when the solver gives up on minimising, a plain model of
    the query and False (None if the solver gives up on that too)."""
    model = minimal_model(session, assumptions, also, prefer, against, question)
    if model is not None:
        return model, True
    outcome = session.check(assumptions, "witness (not minimised)")
    return (outcome.model if outcome.sat else None), False


class _LIB:  # straight from the C library (see verifier.z3_native)
    Z3_optimize_assert_soft = c_function(z3.Z3_optimize_assert_soft)
    Z3_optimize_assert = c_function(z3.Z3_optimize_assert)
    Z3_solver_assert = c_function(z3.Z3_solver_assert)
