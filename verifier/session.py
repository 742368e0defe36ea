"""Session: the incremental Z3 solvers of one instrument, queried with assumption literals.

Each clause's norms are guarded by a literal named after the clause (per party
and reading set when a check needs that granularity), so an unsat core names
clauses directly and no query rebuilds a solver. A query goes to the solver of
its scope (the party whose clauses it is about, all parties, or no clause),
which takes in a guarded formula the first time one of its queries assumes the
literal. Every query is bounded by a deterministic resource limit (rlimit) and
a wall-clock timeout as the outer guard; hitting either gives `unknown`, never
a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, cast

import z3

from dsl.model import Instrument
from verifier.budget import Budget
from verifier.encode import Encoder, Readings, VarKey, and_, forced, not_, readings_key
from verifier.interrupt import pending
from verifier.z3_native import c_function, to_expr

if TYPE_CHECKING:
    from verifier.qbf import Cone
    from verifier.scenario import Situation

SEED = 0
_MK_IMPLIES = c_function(z3.Z3_mk_implies)
_SOLVER_ASSERT = c_function(z3.Z3_solver_assert)
_AST_KIND = c_function(z3.Z3_get_ast_kind)
_APP_DECL = c_function(z3.Z3_get_app_decl)
_DECL_KIND = c_function(z3.Z3_get_decl_kind)
_NUM_ARGS = c_function(z3.Z3_get_app_num_args)
_APP_ARG = c_function(z3.Z3_get_app_arg)


_ADDRESS = attrgetter("ast.value")  # a term's address (Z3 shares equal terms: it names the term)


def _is_and(c: z3.ContextObj, a: z3.Ast) -> bool:
    """`z3.is_and` of a term, asked of the C library."""
    return bool(_AST_KIND(c, a) == z3.Z3_APP_AST and _DECL_KIND(c, _APP_DECL(c, a)) == z3.Z3_OP_AND)

# An observer sees solver activity without taking part in it: the CLI's progress display
# and its --verbose timings, given to each session that should report to it. Events:
# "session" (a session was made for an instrument) and "query" (a query is about to run);
# with --jobs, the parent also relays its workers' sessions and queries, and "done" when
# one ends (verifier.parallel). Never called for the answers, so an observer cannot
# change what a check sees.
Observer = Callable[[str, "Session"], None]


# Whether Z3 has worked in this process is a fact about the process (its timer threads do not
# survive a fork: verifier.parallel), so it is counted here, once per process.
_sessions_made = 0


def sessions_made() -> int:
    """How many sessions this process has made (whether Z3 has worked in it)."""
    return _sessions_made


class Status(StrEnum):
    """A query's answer, as the solver and `--emit-smt2`'s comments name it (a str: it prints so)."""
    SAT = "sat"
    UNSAT = "unsat"
    UNKNOWN = "unknown"


class Outcome:
    """A query's answer: "sat" (with a model), "unsat" (with a core) or "unknown" (with a reason).

    A sat answer's model is taken from the solver that answered when it is first asked for:
    most queries only ask whether, and building a model of every atom was a quarter of the
    solver's time. It must be asked for before the session's next query (after it, the solver
    may hold another model); asking later is an error, never a wrong model.
    """

    __slots__ = ("_model", "_query", "_session", "_solver", "core", "reason", "status")

    def __init__(self, status: Status, *, model: z3.ModelRef | None = None, core: tuple[z3.BoolRef, ...] = (),
                 reason: str = "", session: Session | None = None, solver: z3.Solver | None = None) -> None:
        self.status = status
        self.core = core
        self.reason = reason
        self._model = model
        self._solver = solver  # with the session: the model not taken yet
        self._session = session
        self._query = session.queries if session is not None else 0

    def __repr__(self) -> str:
        return f"Outcome({self.status.value!r}, core={len(self.core)} literals, reason={self.reason!r})"

    @property
    def sat(self) -> bool:
        return self.status == Status.SAT

    @property
    def unsat(self) -> bool:
        return self.status == Status.UNSAT

    @property
    def model(self) -> z3.ModelRef | None:
        if self._model is None and self._session is not None and self._solver is not None:
            if self._session.queries != self._query:
                raise RuntimeError("the model of an earlier query was asked for after the next query")
            self._model = self._solver.model()
            self._session = self._solver = None
        return self._model


@dataclass
class Limits:
    timeout_ms: int = 10_000
    rlimit: int = 0  # 0: no resource limit
    smt2_dir: Path | None = None
    budget: Budget | None = None  # the whole run's (--max-time): each query is cut to what is left


def _configure_z3() -> None:
    """Z3's global settings for nverify's solvers, set before the first session's.

    Models are left as they come (`model.compact` false): compacting merges function graphs,
    of which nverify's Boolean and integer constants have none, yet it was three quarters of
    the time of taking a model (0.39 ms against 0.10 ms on the corpus), and the searches take
    thousands. It is set once for the process, not per solver, because Z3 refuses it as a
    parameter of `Optimize` (the witnesses' solver: "unknown parameter 'model.compact'"),
    and one value for every solver keeps the models of all of them alike.
    """
    global _configured
    if not _configured:
        z3.set_param("model.compact", False)
        _configured = True


_configured = False

# The scope of a query that switches on clauses of several parties, or every party's (the
# consistency of the whole text), and of one that switches on no clause at all.
ALL_PARTIES = "(all parties)"
NO_CLAUSE = "(no clause)"


class Session:
    """The questions of all checks of one instrument, as assumption literals over guarded formulas.

    Each literal switches on its formula (`lit -> formula`). A query is answered by the solver
    of its scope: the party whose clauses it switches on, all parties, or none. A solver holds
    only the guarded formulas its queries have switched on so far: every formula in a solver
    costs every one of its queries a decision, and most queries are about one party's clauses,
    so one solver for all (which held them all) made the checks grow with the square of the
    clause count.
    """

    def __init__(self, encoder: Encoder, limits: Limits, label: str | None = None,
                 observer: Observer | None = None) -> None:
        _configure_z3()
        self.observer = observer
        self.enc = encoder
        self.label = label or encoder.instrument.name  # names its --emit-smt2 files
        self.ctx = encoder.ctx
        self.limits = limits
        self._solvers: dict[str, z3.Solver] = {}
        self._activated: dict[str, set[int]] = {}  # scope -> literals (term addresses) whose formula it holds
        self._scopes: dict[int, str] = {}  # clause literal (term address) -> its party, or ALL_PARTIES
        self.solver_of(ALL_PARTIES)  # (made first, as it always was: Z3 numbers what it makes)
        self._lits: dict[tuple[object, ...], z3.BoolRef] = {}
        self._clause_ids: dict[int, str] = {}  # literal (term address) -> clause id
        self._guarded_ids: dict[int, z3.BoolRef] = {}  # literal (term address) -> the formula it switches on
        self._norms: dict[tuple[object, ...], z3.BoolRef] = {}  # (clause, party, readings) -> their norms
        self._formula_names: dict[str, int] = {}  # formula literal name -> how many literals have it
        self._negations: dict[int, z3.BoolRef] = {}  # variable (address) -> `not variable`
        self._forced: dict[int, tuple[z3.BoolRef, frozenset[tuple[int, bool]]]] = {}  # (`forced`) by address
        self._decls: dict[int, z3.Ast] = {}  # variable (address: variables live as long as the encoder) -> declaration
        # The guarded formulas and the background (which live as long as the session), by address:
        # what is remembered of them (`unbounded`) is remembered only for them.
        self._lasting: set[int] = {f.ast.value for f in encoder.background}
        self._bound_keys: dict[int, VarKey] | None = None
        self._unbounded: dict[int, tuple[z3.BoolRef, z3.BoolRef | None, frozenset[str]]] = {}
        self._background: z3.BoolRef | None = None
        # Z3's own `false` and `true`, for reading models from their tables (verifier.scenario):
        self.false, self.true = z3.BoolVal(False, self.ctx), z3.BoolVal(True, self.ctx)
        # Situations (verifier.scenario) by their keys: a party's searches share theirs.
        self.situations: dict[tuple[VarKey, ...], Situation] = {}
        # (verifier.qbf) Per inner formula (its address): the variables it mentions.
        self.cones: dict[int, Cone] = {}
        # (verifier.qbf) Per inner question (the addresses of its formula and assumptions): some answer.
        self.first_choices: dict[tuple[int, ...], tuple[tuple[z3.BoolRef, ...], Outcome]] = {}
        self.queries = 0
        # Sat or unsat, by the set of assumptions (term addresses) of a query asked through
        # `remembered`, with those terms (held, so the addresses stay theirs): `status` answers
        # from here. (Only those: every query's would hold a hundred megabytes on a large
        # instrument, and few are ever asked again.)
        self._answers: dict[frozenset[int], tuple[Status, tuple[z3.BoolRef, ...]]] = {}
        self._capped: dict[int, bool] = {}  # solver (id) -> its timeout is cut to the budget's time left
        self._side_queries = (0, 0)  # (the session query they follow, how many side queries since)
        global _sessions_made
        _sessions_made += 1
        if observer is not None:
            observer("session", self)

    @property
    def instrument(self) -> Instrument:
        return self.enc.instrument

    # ---- literals ----------------------------------------------------------------
    def world_lit(self, readings: Readings) -> z3.BoolRef:
        """Assumptions and domain constraints under a reading set."""
        key = ("world", readings_key(readings))
        lit = self._lits.get(key)
        if lit is None:
            lit = z3.Bool(f"world{self._suffix(readings)}", self.ctx)
            self._guard(lit, self.enc.assumptions(readings))
            self._lits[key] = lit
        return lit

    def clause_lit(self, clause_id: str, readings: Readings, party: str | None = None) -> z3.BoolRef:
        """A literal that switches on a clause's norms (only those addressed to `party`, if given)."""
        key = ("clause", clause_id, party, readings_key(readings))
        lit = self._lits.get(key)
        if lit is None:
            name = f"clause {clause_id}" + (f" @{party}" if party else "") + self._suffix(readings)
            lit = z3.Bool(name, self.ctx)
            self._guard(lit, self.norms_of(clause_id, readings, party))
            self._lits[key] = lit
            self._clause_ids[lit.ast.value] = clause_id
            self._scopes[lit.ast.value] = party if party is not None else ALL_PARTIES
        return lit

    def compliance_lit(self, party: str, readings: Readings, formula: z3.BoolRef) -> z3.BoolRef:
        """A literal that switches on all of a party's clauses at once (`formula`: their norms
        for the party, conjoined), answered by the party's solver like its clauses' literals.
        For questions that need no core (which clause): a pretext's questions assumed one
        literal per clause of a thousand-clause text, and reading them cost more than the
        solver's answer."""
        key = ("compliance", party, readings_key(readings))
        lit = self._lits.get(key)
        if lit is None:
            lit = z3.Bool(f"every clause @{party}{self._suffix(readings)}", self.ctx)
            self._guard(lit, formula)
            self._lits[key] = lit
            self._scopes[lit.ast.value] = party
        return lit

    def clause_lit_except(self, clause_id: str, readings: Readings, excused: frozenset[str]) -> z3.BoolRef:
        """A literal that switches on a clause's norms for every subject but the excused ones
        (`while P breaches C`): one literal per clause, so a core names clauses, not parties."""
        if not excused:
            return self.clause_lit(clause_id, readings)
        key = ("clause-except", clause_id, excused, readings_key(readings))
        lit = self._lits.get(key)
        if lit is None:
            lit = z3.Bool(f"clause {clause_id} but {'+'.join(sorted(excused))}{self._suffix(readings)}", self.ctx)
            subjects = dict.fromkeys(s for n in self.instrument.clause(clause_id).norms for s in n.subjects)
            self._guard(lit, self.enc.conj(self.norms_of(clause_id, readings, s) for s in subjects if s not in excused))
            self._lits[key] = lit
            self._clause_ids[lit.ast.value] = clause_id
            self._scopes[lit.ast.value] = ALL_PARTIES
        return lit

    def norms_of(self, clause_id: str, readings: Readings, party: str | None = None) -> z3.BoolRef:
        key = ("norms", clause_id, party, readings_key(readings))
        cached = self._norms.get(key)
        if cached is None:
            clause = self.instrument.clause(clause_id)
            cached = self.enc.conj(self.enc.norm(n, s, readings) for n in clause.norms for s in n.subjects
                                   if party is None or s == party)
            self._norms[key] = cached
        return cached

    def value_lit(self, var: z3.ExprRef, value: object) -> z3.BoolRef:
        """A literal fixing a variable's value, usable as an assumption."""
        if z3.is_bool(var):
            return var if value else self.negation(var)
        name = self.enc.name_of(var)  # a constant's name is how it prints
        key = ("value", name, value)
        lit = self._lits.get(key)
        if lit is None:
            lit = z3.Bool(f"{name} = {value}", self.ctx)
            self._guard(lit, var == value)
            self._lits[key] = lit
        return lit

    def decl(self, var: z3.ExprRef) -> z3.Ast:
        """A variable's declaration (what a model's table of constants is read by), remembered:
        the searches' situations read thousands per search on real memberships."""
        key = var.ast.value
        found = self._decls.get(key)
        if found is None:
            found = self._decls[key] = _APP_DECL(self.ctx.ref(), var.as_ast())
        return found

    def forced(self, term: z3.BoolRef) -> frozenset[tuple[int, bool]]:
        """`encode.forced(term)`, remembered per term (held with its answer: the same world and
        event are asked of by every search of a check)."""
        found = self._forced.get(term.ast.value)
        if found is None:
            found = self._forced[term.ast.value] = (term, forced(term))
        return found[1]

    def negation(self, var: z3.BoolRef) -> z3.BoolRef:
        """`not var`, made once per Boolean variable: situations are fixed thousands of times."""
        key = var.ast.value
        negation = self._negations.get(key)
        if negation is None:
            negation = self._negations[key] = not_(var)
        return negation

    def formula_lit(self, key: tuple[object, ...], name: str, formula: z3.BoolRef) -> z3.BoolRef:
        """A named literal equivalent to formula where it is assumed (lit -> formula).

        The literal is reused only for the same key *and* the same formula: a caller's
        key need not say under which readings the formula was built (a permission's
        condition under a claimant's readings is another formula), and two literals
        never share a name, since Z3 identifies constants by name.
        """
        full = ("formula", *key, formula.get_id())
        lit = self._lits.get(full)
        if lit is None:
            uses = self._formula_names.get(name, 0)
            self._formula_names[name] = uses + 1
            lit = z3.Bool(name if uses == 0 else f"{name} ({uses + 1})", self.ctx)
            self._guard(lit, formula)
            self._lits[full] = lit
        return lit

    def _guard(self, lit: z3.BoolRef, formula: z3.BoolRef) -> None:
        """Remember `lit -> formula` (asserted in a solver when a query there first assumes lit)."""
        self._guarded_ids[lit.ast.value] = formula  # lit stays alive in self._lits: the address is its own
        self._lasting.add(formula.ast.value)

    # ---- solvers ------------------------------------------------------------------------
    # Every solver nverify asks anything is made here, in the session's context, so that the
    # seed, --timeout and --rlimit apply to all of them (and --emit-smt2, through `check` and
    # `side_check`).
    def _configure(self, solver: z3.Solver | z3.Optimize, limited: bool, *, cores: bool = False) -> None:
        solver.set("random_seed", SEED)
        if cores:
            solver.set("core.minimize", True)
        if limited and self.limits.timeout_ms:
            solver.set("timeout", self.limits.timeout_ms)
        if limited and self.limits.rlimit:
            solver.set("rlimit", self.limits.rlimit)

    def solver_of(self, scope: str) -> z3.Solver:
        solver = self._solvers.get(scope)
        if solver is None:
            solver = self._solvers[scope] = z3.Solver(ctx=self.ctx)
            self._configure(solver, True, cores=True)
            self._activated[scope] = set()
        return solver

    def scope_of(self, assumptions: Sequence[z3.BoolRef]) -> str:
        return self._scope(list(map(_ADDRESS, assumptions)))

    def _scope(self, idents: list[int]) -> str:
        """The scope of a query whose assumptions have these term addresses."""
        found = set(map(self._scopes.get, idents))
        found.discard(None)
        if not found:
            return NO_CLAUSE
        if len(found) > 1 or ALL_PARTIES in found:
            return ALL_PARTIES
        return cast(str, found.pop())

    def _activate(self, scope: str, solver: z3.Solver, assumptions: Sequence[z3.BoolRef], idents: list[int]) -> None:
        """Assert in the solver the guarded formulas of the assumptions it does not hold yet."""
        done, guarded = self._activated[scope], self._guarded_ids
        if done.issuperset(idents):
            return
        for a, ident in zip(assumptions, idents, strict=True):
            if ident in done:
                continue
            formula = guarded.get(ident)
            if formula is not None:
                self._assert_guard(solver, a, formula)
                done.add(ident)

    def _assert_guard(self, solver: z3.Solver, lit: z3.BoolRef, formula: z3.BoolRef) -> None:
        """`solver.add(z3.Implies(lit, formula))`, straight through the C library (z3py checks the
        sorts of both, and of the result, in Python: thousands of times per instrument)."""
        c = self.ctx.ref()
        _SOLVER_ASSERT(c, solver.solver, _MK_IMPLIES(c, lit.as_ast(), formula.as_ast()))

    def active(self, assumptions: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """The formulas a query with these assumptions switches on (plus the assumptions)."""
        # Guarded literals are constants, and Z3 shares equal terms: the AST id names one.
        out: list[z3.BoolRef] = []
        for a in assumptions:
            formula = self._guarded_ids.get(a.ast.value)
            out.append(formula if formula is not None else a)
        return out

    def conjuncts(self, formula: z3.BoolRef) -> list[z3.BoolRef]:
        """The formula's conjuncts, nested `and`s flattened, left to right (repeats kept); the
        formula itself if it is no `and`. Read in the C library (z3py makes a Python object,
        three calls into Z3, for every node); `unbounded` remembers what it makes of them."""
        c, ctx = self.ctx.ref(), self.ctx
        if not _is_and(c, formula.as_ast()):
            return [formula]
        parts: list[z3.BoolRef] = []
        stack = [formula.as_ast()]
        while stack:
            a = stack.pop()
            if _is_and(c, a):
                stack.extend(_APP_ARG(c, a, i) for i in reversed(range(_NUM_ARGS(c, a))))
            else:
                parts.append(to_expr(a, ctx))
        return parts

    def conjunct_addresses(self, formula: z3.BoolRef) -> set[int]:
        """The addresses of the terms the formula is the conjunction of, one level only (its
        own address if it is no `and`): where a guess's formulas stand whole in a search's
        inner formula (`verifier.qbf.Cone.held_by`)."""
        c, a = self.ctx.ref(), formula.as_ast()
        if not _is_and(c, a):
            return {a.value}
        return {_APP_ARG(c, a, i).value for i in range(_NUM_ARGS(c, a))}

    def unbounded(self, formula: z3.BoolRef) -> tuple[z3.BoolRef | None, frozenset[str]]:
        """The formula less its conjuncts that are quantity bounds (`q >= 0`), as one term (None if
        nothing is left), and the names it mentions; remembered for the session's own formulas.
        (A witness leaves out the bounds of quantities its formulas do not mention.)"""
        key = formula.ast.value
        found = self._unbounded.get(key)
        if found is not None:
            return found[1], found[2]
        bounds = self.bound_keys()
        parts = self.conjuncts(formula)
        others = [p for p in parts if p.ast.value not in bounds]
        body = formula if len(others) == len(parts) else and_(others) if len(others) > 1 else \
            others[0] if others else None
        names = frozenset(self.enc.mentioned([body])) if body is not None else frozenset()
        if key in self._lasting:
            self._unbounded[key] = (formula, body, names)
        return body, names

    def background(self) -> z3.BoolRef:
        """The domain constraints (bounds, one alternative per bracket), as one term."""
        if self._background is None:
            self._background = self.enc.conj(self.enc.background)
            self._lasting.add(self._background.ast.value)
        return self._background

    def bound_keys(self) -> dict[int, VarKey]:
        """Each quantity's bound `q >= 0` (its term's address) -> the quantity."""
        if self._bound_keys is None:
            self._bound_keys = {b.ast.value: k for k, b in self.enc.bounds.items()}
        return self._bound_keys

    def clause_of(self, lit: z3.BoolRef) -> str | None:
        return self._clause_ids.get(lit.ast.value)

    def _suffix(self, readings: Readings) -> str:
        base = {t: r for t, r in readings.items() if r is not None}
        return (" [" + ", ".join(f"{t}={r}" for t, r in sorted(base.items())) + "]") if base else ""

    # ---- queries --------------------------------------------------------------------
    def check(self, assumptions: Sequence[z3.BoolRef], purpose: str = "") -> Outcome:
        self.queries += 1
        if self.observer is not None:
            self.observer("query", self)
        # (The assumptions' term addresses, read once: a query assumes hundreds of clauses.)
        idents = list(map(_ADDRESS, assumptions))
        scope = self._scope(idents)
        solver = self.solver_of(scope)
        self._within_budget(solver)
        self._activate(scope, solver, assumptions, idents)
        # The script is taken before the check: the solver's assertions are the query's.
        script = self._script(solver, scope, assumptions, purpose) if self.limits.smt2_dir is not None else None
        outcome = self._check(solver, assumptions, idents)
        budget = self.limits.budget
        if outcome.status == Status.UNKNOWN and budget is not None and budget.exhausted():
            outcome = Outcome(Status.UNKNOWN, reason=budget.reason)  # (cut short by the budget, not its own limit)
        if script is not None:
            self._emit(script, outcome)
        return outcome

    def remembered(self, assumptions: Sequence[z3.BoolRef], purpose: str = "") -> Outcome:
        """`check`, with a sat or unsat answer kept for `status` to give again."""
        outcome = self.check(assumptions, purpose)
        if outcome.status != Status.UNKNOWN:
            self._answers[frozenset(map(_ADDRESS, assumptions))] = (outcome.status, tuple(assumptions))
        return outcome

    def status(self, assumptions: Sequence[z3.BoolRef], purpose: str = "") -> Outcome:
        """Whether some world satisfies the assumptions, without its model or core: the answer of
        an earlier query of the same assumptions made through `remembered` if there was one (every
        formula a session's solvers hold is switched on by an assumption, so the answer is a
        fact about the set), else `check`'s."""
        known = self._answers.get(frozenset(map(_ADDRESS, assumptions)))
        if known is not None:
            return Outcome(known[0])
        return self.check(assumptions, purpose)

    def _within_budget(self, solver: z3.Solver | z3.Optimize) -> None:
        """Cut the solver's timeout to the run's time left; BudgetExhausted when none is left."""
        budget = self.limits.budget
        if budget is None:
            return
        capped = budget.cap_ms(self.limits.timeout_ms)
        if capped != self.limits.timeout_ms or self._capped.get(id(solver)):
            solver.set("timeout", capped)
            self._capped[id(solver)] = capped != self.limits.timeout_ms

    def _check(self, solver: z3.Solver, assumptions: Sequence[z3.BoolRef], idents: list[int] | None = None) -> Outcome:
        try:
            result = check_assuming(solver, assumptions, idents)
        except z3.Z3Exception as err:  # resource limits surface as exceptions in some builds
            return Outcome(Status.UNKNOWN, reason=str(err))
        if result == z3.sat:
            return Outcome(Status.SAT, session=self, solver=solver)
        if result == z3.unsat:
            return Outcome(Status.UNSAT, core=tuple(solver.unsat_core()))
        return Outcome(Status.UNKNOWN, reason=solver.reason_unknown())

    # ---- the searches' own solvers ---------------------------------------------------
    def side_solver(self, limited: bool = True, *, simple: bool = True, finite: bool = False) -> z3.Solver:
        """A fresh solver in the session's context, for a search's own questions (the guesses
        of an exists-forall search, the map of a MUS enumeration, negotiate's drafts): the
        session's seed and, if `limited`, its timeout and resource limit. Ask it through
        `side_check`. `finite`: Z3's SAT-based solver for Boolean and cardinality constraints
        (no integers: it answers `unknown` to those)."""
        solver = z3.SolverFor("QF_FD", ctx=self.ctx) if finite \
            else z3.SimpleSolver(ctx=self.ctx) if simple else z3.Solver(ctx=self.ctx)
        self._configure(solver, limited)
        return solver

    def optimize(self, **options: object) -> z3.Optimize:
        """A fresh Optimize in the session's context (a minimal witness, negotiate's best draft),
        with these options, then the session's seed, timeout and resource limit. Ask it through
        `side_check`."""
        opt = z3.Optimize(ctx=self.ctx)
        for name, value in options.items():
            opt.set(name, value)
        self._configure(opt, True)
        return opt

    def side_check(self, solver: z3.Solver | z3.Optimize, purpose: str,
                   assumptions: Sequence[z3.BoolRef] = ()) -> z3.CheckSatResult:
        """`solver.check(*assumptions)` for a side solver or an Optimize; with --emit-smt2 written
        out too, as `<instrument>-<NNNN>-side<K>.smt2`: the K-th side query after session query NNNN."""
        self._within_budget(solver)
        if self.limits.smt2_dir is None:
            return solver.check(*assumptions)
        script = _side_script(solver)
        result = solver.check(*assumptions)
        after, count = self._side_queries
        self._side_queries = (self.queries, count + 1 if after == self.queries else 1)
        answer = str(result) + (f" ({' '.join(solver.reason_unknown().split())})" if result == z3.unknown else "")
        kind = "optimize" if isinstance(solver, z3.Optimize) else "solver"
        lines = [(f"; nverify side query {self._side_queries[1]} after query {self.queries} on {self.label} "
                  f"({kind}): {' '.join(purpose.split())}"), f"; nverify answer: {answer}",
                 f"(set-option :random-seed {SEED})", *_undeclared(script, assumptions), script.rstrip()]
        if assumptions:
            lines.append("(check-sat-assuming (" + " ".join(a.sexpr() for a in assumptions) + "))")
        elif not lines[-1].endswith("(check-sat)"):  # an Optimize's text already ends with its check
            lines.append("(check-sat)")
        self._write(f"{self.label}-{self.queries:04d}-side{self._side_queries[1]}.smt2", lines)
        return result

    def _script(self, solver: z3.Solver, scope: str, assumptions: Sequence[z3.BoolRef], purpose: str) -> list[str]:
        purpose = " ".join(purpose.split())
        body = solver.sexpr()
        return [f"; nverify query {self.queries} on {self.label} (solver of {scope}): {purpose}",
                f"(set-option :random-seed {SEED})", "(set-option :produce-unsat-cores true)",
                *_undeclared(body, assumptions), body,
                "(check-sat-assuming (" + " ".join(a.sexpr() for a in assumptions) + "))"]

    def _emit(self, script: list[str], outcome: Outcome) -> None:
        """Write one query as `<instrument>-<NNNN>.smt2` in the --emit-smt2 folder.

        The file, in order: a comment naming the query, the solver that answers it
        (the party whose clauses it is about, all parties, or no clause) and its purpose; the
        comment `; nverify answer: sat|unsat|unknown` (what nverify's solver
        answered; for unknown, the reason follows); the seed and unsat-core
        options; the solver's declarations and assertions (`sexpr()`);
        `(check-sat-assuming (LITERALS))` with the query's assumption literals;
        and, after an unsat answer, `(get-unsat-core)`. `z3 FILE` replays it
        and prints the same answer (and the core's literals, which name the
        clauses) on its first line.
        """
        answer = outcome.status + (f" ({' '.join(outcome.reason.split())})" if outcome.status == Status.UNKNOWN else "")
        text = [script[0], f"; nverify answer: {answer}", *script[1:]]
        if outcome.unsat:
            text.append("(get-unsat-core)")
        self._write(f"{self.label}-{self.queries:04d}.smt2", text)

    def _write(self, name: str, lines: list[str]) -> None:
        assert self.limits.smt2_dir is not None
        self.limits.smt2_dir.mkdir(parents=True, exist_ok=True)
        path = self.limits.smt2_dir / name
        tmp = path.with_suffix(".tmp")
        with pending(str(tmp)):  # (removed if Ctrl-C ends the run in between)
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.replace(path)


def _undeclared(body: str, assumptions: Sequence[z3.BoolRef]) -> list[str]:
    """Declarations of the assumptions' constants that `body` lacks: sexpr() declares only what
    the assertions mention, and an assumption may be an atom no assertion uses yet (a value
    fixed for a situation)."""
    declared = set(re.findall(r"^\(declare-fun (\|[^|]*\||\S+) \(\)", body, re.MULTILINE))
    extra = []
    for a in assumptions:
        atom = a.arg(0) if z3.is_not(a) else a
        if z3.is_const(atom) and atom.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            declaration = atom.decl().sexpr()
            name = re.match(r"\(declare-fun (\|[^|]*\||\S+) \(\)", declaration)
            if name and name.group(1) not in declared:
                declared.add(name.group(1))
                extra.append(declaration)
    return extra


def _side_script(solver: z3.Solver | z3.Optimize) -> str:
    """A side solver's declarations and assertions (an Optimize's soft constraints and
    objectives too) as SMT-LIB the z3 binary reads: not its text after an earlier check
    (which carries model-converter commands), nor an Optimize's own parameter settings."""
    if isinstance(solver, z3.Optimize):
        return "\n".join(line for line in solver.sexpr().splitlines()
                         if not line.startswith(("(set-option :opt.random_seed", "(set-option :opt.timeout",
                                                  "(set-option :opt.rlimit", ";")))
    fresh = z3.Solver(ctx=solver.ctx)
    fresh.add(solver.assertions())
    return str(fresh.sexpr())


def check_assuming(solver: z3.Solver, assumptions: Sequence[z3.BoolRef],
                   idents: list[int] | None = None) -> z3.CheckSatResult:
    """`solver.check(*assumptions)`, without z3py's coercion of every assumption.

    z3py turns each assumption into a Boolean term (two calls into Z3 apiece, which
    cost more than a query of a small spec); every assumption here is one already.
    The Boolean sort is still asked for first, as z3py does: that call releases the
    last term Z3 handed out, and doing it at the same moment keeps Z3's numbering of
    terms, and so its choices, exactly as they were.
    """
    ctx = solver.ctx
    z3.BoolSort(ctx)
    count = len(assumptions)
    # (`idents`: the assumptions' addresses, when the caller has read them already.)
    array = (z3.Ast * count)(*(idents if idents is not None else [a.as_ast() for a in assumptions]))
    return z3.CheckSatResult(z3.Z3_solver_check_assumptions(ctx.ref(), solver.solver, count, array))


def minimise_core(session: Session, fixed: Sequence[z3.BoolRef], core: Iterable[z3.BoolRef],
                  candidates: Iterable[z3.BoolRef]) -> tuple[list[z3.BoolRef], bool]:
    """The minimal set of candidates (with `fixed`, unsat) that deletion from the last candidate
    to the first leaves: each in turn is dropped if the others still leave no world, so the set
    kept is the one of the earliest candidates (the first clauses of the text). Which set that
    is depends only on the question, never on the cores Z3 returned (its history): a finding
    names the same clauses however many parties were checked, or whatever was asked before.

    `core` (unsat with `fixed`: Z3's core of the question) spares queries: a candidate outside
    a known unsat set within the current one is dropped unasked (the rest stays unsat).
    Returns the set, in the candidates' order, and whether minimality was proved (an `unknown`
    answer stops the shrinking and reports the set as not proved minimal).
    """
    # Z3 shares equal terms, so a literal's AST id identifies it (as its name did).
    current = list({c.get_id(): c for c in candidates}.values())
    known = {c.get_id() for c in core} & {c.get_id() for c in current}  # unsat (with fixed), within current
    for i in range(len(current) - 1, -1, -1):
        if current[i].get_id() not in known:
            del current[i]  # (known still lies within what is left)
            continue
        trial = current[:i] + current[i + 1:]
        outcome = session.check([*fixed, *trial], "core minimisation")
        if outcome.unsat:
            current = trial
            known = {c.get_id() for c in outcome.core} & {c.get_id() for c in trial}
        elif outcome.status == Status.UNKNOWN:
            return current, False
    return current, True


def among(lits: Iterable[z3.BoolRef], pool: Iterable[z3.BoolRef]) -> list[z3.BoolRef]:
    """The members of lits that are also in pool (the same terms: Z3 shares equal terms)."""
    ids = {p.get_id() for p in pool}
    return [lit for lit in lits if lit.get_id() in ids]
