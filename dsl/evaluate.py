"""Concrete semantics: (instrument, world, readings, draft) -> verdicts. Never uses Z3.

This is the independent referee of the verifier: every scenario the solver
reports is re-checked here, and the brute-force oracle enumerates worlds
through it. It reads the model's formulas directly and shares no code with
`verifier.ground` or `verifier.encode`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import TypeVar, assert_never

from dsl import formula as F
from dsl.model import AtomKey, Instrument, Modality, Norm

Opt = TypeVar("Opt", F.Formula, F.IntExpr)


@dataclass(frozen=True)
class World:
    """One concrete scenario: the facts and acts that are true, the quantities,
    the open terms that hold, and the draft (bracket -> chosen label)."""

    atoms: frozenset[AtomKey] = frozenset()
    quantities: Mapping[AtomKey, int] = field(default_factory=dict)
    open_terms: frozenset[AtomKey] = frozenset()
    draft: Mapping[str, str] = field(default_factory=dict)


Readings = Mapping[str, str | None]  # term -> reading name, None = open


class EvalError(Exception):
    """The model asked for something a world does not define (an internal error)."""


@dataclass(frozen=True)
class Evaluator:
    instrument: Instrument
    world: World
    readings: Readings
    # A vague term's verdict per arguments: it depends only on the world and the readings,
    # which an evaluator never changes, and a party's norms ask for the same ones many times.
    _terms: dict[tuple[str, tuple[F.Value, ...]], bool] = field(default_factory=dict, compare=False, repr=False)

    def term(self, t: F.Term, env: Mapping[str, F.Value]) -> F.Value:
        if isinstance(t, F.Const):
            return t.value
        if t.name not in env:
            raise EvalError(f"unbound variable {t.name}")
        return env[t.name]

    def integer(self, e: F.IntExpr, env: Mapping[str, F.Value]) -> int:
        match e:
            case F.Num():
                return e.value
            case F.Qty():
                return self.world.quantities.get((e.name, tuple(self.term(a, env) for a in e.args)), 0)
            case F.Arith():
                left, right = self.integer(e.left, env), self.integer(e.right, env)
                return left + right if e.op == "+" else left - right
            case F.IntChoice():
                return self.integer(self._option(e.bracket, e.options), env)
            case _:
                assert_never(e)

    def _option(self, bracket: str, options: tuple[tuple[str, Opt], ...]) -> Opt:
        """The alternative of a bracket that the world's draft chooses."""
        F.read_bracket(bracket)
        if bracket not in self.world.draft:
            raise EvalError(f"draft does not choose an alternative for {bracket}")
        label = self.world.draft[bracket]
        for lab, option in options:
            if lab == label:
                return option
        raise EvalError(f"draft chooses {label!r} for {bracket}, which has no such alternative")

    # The witness re-checks evaluate every norm of a party, so this is a hot path: each formula
    # is compiled once into nested closures (`compiled`), not matched node by node each time.
    def holds(self, f: F.Formula, env: Mapping[str, F.Value] | None = None) -> bool:
        return compiled(f)(self, env or {})

    def _interpret(self, f: F.Formula, env: Mapping[str, F.Value]) -> bool:
        """The meaning of the kinds of formula `compiled` leaves to the evaluator (and of all
        others alike: the compiled closures must agree with it)."""
        match f:
            case F.Atom():
                return (f.pred, tuple([self.term(a, env) for a in f.args])) in self.world.atoms
            case F.And():
                return all(self.holds(o, env) for o in f.operands)
            case F.Or():
                return any(self.holds(o, env) for o in f.operands)
            case F.Not():
                return not self.holds(f.operand, env)
            case F.Exists():
                return any(self.holds(f.body, {**env, f.var: v}) for v in f.domain)
            case F.Forall():
                return all(self.holds(f.body, {**env, f.var: v}) for v in f.domain)
            case F.Eq():
                return self.term(f.left, env) == self.term(f.right, env)
            case F.BoolConst():
                return f.value
            case F.TermApp():
                return self._term_app(f, env)
            case F.Cmp():
                return F.compare(f.op, self.integer(f.left, env), self.integer(f.right, env))
            case F.Implies():
                return (not self.holds(f.left, env)) or self.holds(f.right, env)
            case F.Choice():
                return self.holds(self._option(f.bracket, f.options), env)
            case F.Count():
                count = sum(1 for v in f.domain if self.holds(f.body, {**env, f.var: v}))
                return F.compare(f.op, count, self.integer(f.bound, env))
            case F.Breached():
                party = self.term(f.party, env)
                return any(norm_breaches(self, n, (str(party),)) for n in self.instrument.clause(f.clause).norms
                           if f.step is None or n.step == f.step)
            case _:
                assert_never(f)

    def _term_app(self, f: F.TermApp, env: Mapping[str, F.Value]) -> bool:
        args = tuple(self.term(a, env) for a in f.args)
        known = self._terms.get((f.term, args))
        if known is not None:
            return known
        term = self.instrument.terms[f.term]
        reading = term.reading(self.readings.get(f.term))
        if reading is None:
            verdict = (f.term, args) in self.world.open_terms
        else:
            verdict = self.holds(reading.body, {p.name: v for p, v in zip(term.params, args, strict=True)})
        self._terms[(f.term, args)] = verdict
        return verdict


Compiled = Callable[[Evaluator, Mapping[str, F.Value]], bool]

# Formulas compiled so far, by node (each entry holds its node, so no other takes its id);
# emptied past a bound, for processes that evaluate many specs (the oracle campaigns).
_COMPILED: dict[int, tuple[F.Formula, Compiled]] = {}
_MAX_COMPILED = 200_000


def compiled(f: F.Formula) -> Compiled:
    """f as a function of an evaluator and an environment, with `Evaluator._interpret`'s meaning:
    connectives, quantifiers, atoms and equalities as closures over their parts' (compiled
    once per node); the rarer kinds through the evaluator itself."""
    found = _COMPILED.get(id(f))
    if found is not None:
        return found[1]
    if len(_COMPILED) >= _MAX_COMPILED:
        _COMPILED.clear()
    made = _compile(f)
    _COMPILED[id(f)] = (f, made)
    return made


def _compile(f: F.Formula) -> Compiled:
    kind = type(f)
    if kind is F.Atom:
        assert isinstance(f, F.Atom)
        pred, getters = f.pred, [_getter(a) for a in f.args]
        if all(isinstance(a, F.Const) for a in f.args):
            key = (pred, tuple(a.value for a in f.args))  # type: ignore[union-attr]  # all constants
            return lambda ev, env: key in ev.world.atoms
        return lambda ev, env: (pred, tuple([g(env) for g in getters])) in ev.world.atoms
    if kind is F.And or kind is F.Or:
        assert isinstance(f, (F.And, F.Or))
        parts = [compiled(o) for o in f.operands]
        if kind is F.And:
            def conjunction(ev: Evaluator, env: Mapping[str, F.Value]) -> bool:
                for part in parts:  # noqa: SIM110  (a loop: `all` of a generator is slower)
                    if not part(ev, env):
                        return False
                return True
            return conjunction

        def disjunction(ev: Evaluator, env: Mapping[str, F.Value]) -> bool:
            for part in parts:  # noqa: SIM110  (a loop: `any` of a generator is slower)
                if part(ev, env):
                    return True
            return False
        return disjunction
    if kind is F.Not:
        assert isinstance(f, F.Not)
        operand = compiled(f.operand)
        return lambda ev, env: not operand(ev, env)
    if kind is F.Exists or kind is F.Forall:
        assert isinstance(f, (F.Exists, F.Forall))
        body, var, domain = compiled(f.body), f.var, f.domain
        if kind is F.Exists:
            def some(ev: Evaluator, env: Mapping[str, F.Value]) -> bool:
                for v in domain:  # noqa: SIM110
                    if body(ev, {**env, var: v}):
                        return True
                return False
            return some

        def every(ev: Evaluator, env: Mapping[str, F.Value]) -> bool:
            for v in domain:  # noqa: SIM110
                if not body(ev, {**env, var: v}):
                    return False
            return True
        return every
    if kind is F.Eq:
        assert isinstance(f, F.Eq)
        left, right = _getter(f.left), _getter(f.right)
        return lambda ev, env: left(env) == right(env)
    if kind is F.BoolConst:
        assert isinstance(f, F.BoolConst)
        value = f.value
        return lambda ev, env: value
    if kind is F.Implies:
        assert isinstance(f, F.Implies)
        premise, conclusion = compiled(f.left), compiled(f.right)
        return lambda ev, env: (not premise(ev, env)) or conclusion(ev, env)
    return lambda ev, env: ev._interpret(f, env)


def _getter(t: F.Term) -> Callable[[Mapping[str, F.Value]], F.Value]:
    """`Evaluator.term` for one term."""
    if isinstance(t, F.Const):
        value = t.value
        return lambda env: value
    name = t.name

    def get(env: Mapping[str, F.Value]) -> F.Value:
        if name not in env:
            raise EvalError(f"unbound variable {name}")
        return env[name]
    return get


@dataclass(frozen=True)
class Breach:
    """A norm not respected in a world: which subject, and which act instance (if any)."""

    norm: Norm
    subject: str
    act_args: tuple[F.Value, ...] | None


def bindings(norm: Norm) -> Iterator[dict[str, F.Value]]:
    """Every assignment of the norm's pattern variables."""
    names = [v for v, _ in norm.pattern_vars]
    for values in product(*(dom for _, dom in norm.pattern_vars)):
        yield dict(zip(names, values, strict=True))


def norm_breaches(ev: Evaluator, norm: Norm, subjects: tuple[str, ...] | None = None) -> list[Breach]:
    """The breaches of one obligation or prohibition (permissions never breach)."""
    out: list[Breach] = []
    for s in norm.subjects:
        if subjects is not None and s not in subjects:
            continue
        env: dict[str, F.Value] = {norm.subject_var: s}
        if norm.modality is Modality.MAY:
            continue
        if norm.act is None:
            assert norm.keep is not None
            if ev.holds(norm.condition, env) and not ev.holds(norm.keep, env):
                out.append(Breach(norm, s, None))
            continue
        if norm.modality is Modality.MUST_NOT:
            # A prohibition is breached only by an act the world contains (few, in a witness).
            if not any(pred == norm.act and args and args[0] == s for pred, args in ev.world.atoms):
                continue
            for b in bindings(norm):
                full = {**env, **b}
                args = (s, *(ev.term(t, full) for t in norm.pattern))
                # The act first: it is one set lookup, and most acts are not done in a world.
                if (norm.act, args) in ev.world.atoms and ev.holds(norm.condition, full) \
                        and ev.holds(norm.where, full):
                    out.append(Breach(norm, s, args))
        else:
            if not ev.holds(norm.condition, env):
                continue
            done = False
            for b in bindings(norm):
                full = {**env, **b}
                args = (s, *(ev.term(t, full) for t in norm.pattern))
                if (norm.act, args) in ev.world.atoms and ev.holds(norm.where, full):
                    done = True
                    break
            if not done:
                out.append(Breach(norm, s, None))
    return out


def breaches(instrument: Instrument, world: World, readings: Readings,
             party: str | None = None) -> list[Breach]:
    """Every breach in a world; with `party`, only of the norms addressed to that party."""
    ev = Evaluator(instrument, world, readings)
    subjects = None if party is None else (party,)
    return [b for n in instrument.norms for b in norm_breaches(ev, n, subjects)]


def compliant(instrument: Instrument, world: World, readings: Readings, party: str | None = None) -> bool:
    """No breach in the world (of the norms addressed to `party`, if given).

    The same verdict as `not breaches(...)`, found faster: an act norm is checked only
    for the acts the world contains (few, in a witness), not for every act it covers.
    """
    ev = Evaluator(instrument, world, readings)
    done: dict[tuple[str, F.Value], list[tuple[F.Value, ...]]] = {}
    for pred, args in world.atoms:
        if args:
            done.setdefault((pred, args[0]), []).append(args[1:])
    for norm, s, prohibition in _constraining(instrument, party):
        acts = done.get((norm.act, s), ())  # type: ignore[arg-type]  # no act (None): never a key, so ()
        # A prohibition of an act is breached only by an instance the world contains.
        if (acts or not prohibition) and _breached(ev, norm, s, acts):
            return False
    return True


# The (norm, subject) pairs `compliant` goes through, per instrument and party: the loop over
# every norm of a thousand clauses, for each witness, was most of a re-check. Few instruments
# at a time, each with every party asked (each entry holds its instrument, so no other takes
# its id; a world of real memberships has more than a hundred parties).
_CONSTRAINING: dict[int, tuple[Instrument, dict[str | None, list[tuple[Norm, str, bool]]]]] = {}


def _constraining(instrument: Instrument, party: str | None) -> list[tuple[Norm, str, bool]]:
    """The obligations and prohibitions (with each subject, or only `party`) in order, and
    whether each is a prohibition of an act."""
    entry = _CONSTRAINING.get(id(instrument))
    if entry is None:
        if len(_CONSTRAINING) >= 16:
            _CONSTRAINING.clear()
        entry = _CONSTRAINING[id(instrument)] = (instrument, {})
    found = entry[1].get(party)
    if found is None:
        found = entry[1][party] = [(norm, s, norm.modality is Modality.MUST_NOT and norm.act is not None)
                                   for norm in instrument.norms if norm.modality is not Modality.MAY
                                   for s in norm.subjects if party is None or s == party]
    return found


def _breached(ev: Evaluator, norm: Norm, s: str, acts: list[tuple[F.Value, ...]] | tuple[()]) -> bool:
    """Whether subject s breaches an obligation or prohibition; `acts`: s's acts of norm.act in the world."""
    env: dict[str, F.Value] = {norm.subject_var: s}
    if norm.act is None:
        assert norm.keep is not None
        return ev.holds(norm.condition, env) and not ev.holds(norm.keep, env)
    if norm.modality is Modality.MUST and not ev.holds(norm.condition, env):
        return False
    found = False
    for rest in acts:
        full = _binding_of(ev, norm, env, rest)
        if full is None:
            continue
        if norm.modality is Modality.MUST_NOT:
            if ev.holds(norm.condition, full) and ev.holds(norm.where, full):
                return True
        elif ev.holds(norm.where, full):
            found = True
            break
    return norm.modality is Modality.MUST and not found


def _binding_of(ev: Evaluator, norm: Norm, env: dict[str, F.Value],
                rest: tuple[F.Value, ...]) -> dict[str, F.Value] | None:
    """The binding of the norm's pattern variables under which its pattern is `rest`, if any."""
    domains = dict(norm.pattern_vars)
    full = dict(env)
    if len(rest) != len(norm.pattern):
        return None
    for t, v in zip(norm.pattern, rest, strict=True):
        if isinstance(t, F.Var) and t.name in domains:
            if t.name in full and t.name not in env:
                if full[t.name] != v:
                    return None
            elif v not in domains[t.name]:
                return None
            full[t.name] = v
        elif ev.term(t, env) != v:
            return None
    return full


def assumptions_hold(instrument: Instrument, world: World, readings: Readings) -> bool:
    """Whether the world is one of the stated situation: it has only atoms that exist (no
    `other party` argument is the first one) and every `assume` holds."""
    if not all(instrument.predicates[p].admits(args) for p, args in world.atoms):
        return False
    ev = Evaluator(instrument, world, readings)
    return all(ev.holds(a) for a in instrument.assumptions)


def permitted_instances(instrument: Instrument, norm: Norm, world: World,
                        readings: Readings) -> list[tuple[F.Value, ...]]:
    """The act instances a permission grants in this world (its conditions hold)."""
    assert norm.modality is Modality.MAY and norm.act is not None
    ev = Evaluator(instrument, world, readings)
    out = []
    for s in norm.subjects:
        for b in bindings(norm):
            full = {norm.subject_var: s, **b}
            if ev.holds(norm.condition, full) and ev.holds(norm.where, full):
                out.append((s, *(ev.term(t, full) for t in norm.pattern)))
    return out
