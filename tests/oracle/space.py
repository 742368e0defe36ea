"""The oracle's world space: every world of a small instrument, as bits of one big integer.

A world assigns every *relevant* ground atom (a fact or act instance some
formula of the instrument can mention), every relevant application of an open
term, and every relevant quantity instance one of a few representative values.
World number `w` is a mixed-radix number over those variables; a set of worlds
is a Python int whose bit `w` is set for each member. Formulas evaluate to such
sets in one pass (`and` is `&`, `or` is `|`), and "is there a choice of these
variables" is a projection (`exists`). Nothing here imports z3 or the verifier:
the oracle shares no code with `verifier.ground` or `verifier.encode`.

Representative quantity values: every comparison the spec makes is linear in
one quantity instance (`a*q + c OP 0`); its truth only changes around
`-c/a`. Taking 0 and the integers next to every such threshold gives one value
in every region of every quantity, so existence questions have the same
answer over the representatives as over all integers >= 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import product

from dsl import formula as F
from dsl.evaluate import World
from dsl.model import Instrument, Modality, Norm

AtomKey = tuple[str, tuple[F.Value, ...]]
Pattern = tuple[object, ...]  # per argument: a value, or WILD
WILD = object()

MAX_WORLD_BITS = 22  # 4M worlds: beyond that the oracle refuses (the generator stays far below)


class Unsupported(Exception):
    """The instrument is outside what the oracle can decide exactly (too big, non-linear)."""


@dataclass(frozen=True)
class Var:
    kind: str              # "atom" | "quantity" | "term"
    key: AtomKey
    values: tuple[object, ...]  # (False, True) or the representative integers
    stride: int
    controller: str | None  # the party that decides it; None for circumstances and open terms


# ---- which atoms a formula can mention --------------------------------------------

def _pattern(args: Iterable[F.Term], env: Mapping[str, object]) -> Pattern:
    out: list[object] = []
    for a in args:
        if isinstance(a, F.Const):
            out.append(a.value)
        elif a.name in env:
            out.append(env[a.name])
        else:
            out.append(WILD)
    return tuple(out)


@dataclass
class Mentions:
    atoms: dict[str, set[Pattern]]
    terms: dict[str, set[Pattern]]
    quantities: dict[str, set[Pattern]]
    # quantity pattern -> integer thresholds t (the comparison changes around t)
    thresholds: dict[tuple[str, Pattern], set[int]]


def mentions(instrument: Instrument, formulas: Iterable[tuple[F.Formula, Mapping[str, object]]]) -> Mentions:
    m = Mentions({}, {}, {}, {})
    seen_terms: set[str] = set()

    def visit(f: object, env: Mapping[str, object]) -> None:
        if isinstance(f, F.Atom):
            m.atoms.setdefault(f.pred, set()).add(_pattern(f.args, env))
        elif isinstance(f, F.TermApp):
            m.terms.setdefault(f.term, set()).add(_pattern(f.args, env))
            if f.term not in seen_terms:
                seen_terms.add(f.term)
                for r in instrument.terms[f.term].readings:
                    visit(r.body, {})
        elif isinstance(f, F.Cmp):
            for left, right in _int_options(f.left, f.right):
                linear(left, right, env)
        elif isinstance(f, F.Not):
            visit(f.operand, env)
        elif isinstance(f, (F.And, F.Or)):
            for o in f.operands:
                visit(o, env)
        elif isinstance(f, F.Implies):
            visit(f.left, env)
            visit(f.right, env)
        elif isinstance(f, (F.Exists, F.Forall)):
            inner = {k: v for k, v in env.items() if k != f.var}
            visit(f.body, inner)
        elif isinstance(f, F.Choice):
            for _, o in f.options:
                visit(o, env)

    def linear(left: F.IntExpr, right: F.IntExpr, env: Mapping[str, object]) -> None:
        coeffs: dict[tuple[str, Pattern], int] = {}
        const = 0

        def walk(e: F.IntExpr, sign: int) -> None:
            nonlocal const
            if isinstance(e, F.Num):
                const += sign * e.value
            elif isinstance(e, F.Qty):
                key = (e.name, _pattern(e.args, env))
                coeffs[key] = coeffs.get(key, 0) + sign
                m.quantities.setdefault(e.name, set()).add(key[1])
            elif isinstance(e, F.Arith):
                walk(e.left, sign)
                walk(e.right, sign if e.op == "+" else -sign)
            else:  # pragma: no cover - _int_options removed the choices
                raise AssertionError(e)

        walk(left, 1)
        walk(right, -1)
        live = {k: a for k, a in coeffs.items() if a != 0}
        if len(live) > 1:
            raise Unsupported("a comparison of two quantities")
        for key, a in live.items():
            t = -const / a
            for d in (-1, 0, 1, 2):
                m.thresholds.setdefault(key, set()).add(math.floor(t) + d)

    for f, env in formulas:
        visit(f, env)
    return m


def _int_options(left: F.IntExpr, right: F.IntExpr) -> list[tuple[F.IntExpr, F.IntExpr]]:
    """Every combination of bracketed numbers in a comparison, as plain integer expressions."""
    def options(e: F.IntExpr) -> list[F.IntExpr]:
        if isinstance(e, F.IntChoice):
            return [x for _, o in e.options for x in options(o)]
        if isinstance(e, F.Arith):
            return [F.Arith(e.op, a, b) for a in options(e.left) for b in options(e.right)]
        return [e]
    return [(a, b) for a in options(left) for b in options(right)]


def _matches(args: tuple[F.Value, ...], patterns: set[Pattern]) -> bool:
    return any(all(p is WILD or p == a for p, a in zip(pat, args, strict=True)) for pat in patterns)


def instrument_formulas(instrument: Instrument) -> list[tuple[F.Formula, Mapping[str, object]]]:
    """Every formula the checks can evaluate, with the subject fixed where it is known."""
    out: list[tuple[F.Formula, Mapping[str, object]]] = [(a, {}) for a in instrument.assumptions]
    for n in instrument.norms:
        for s in n.subjects:
            env = {n.subject_var: s}
            out.append((n.condition, env))
            out.append((n.where, env))
            if n.keep is not None:
                out.append((n.keep, env))
            if n.act is not None:
                out.append((F.Atom(n.act, (F.Const(s), *n.pattern)), env))
        if n.protects is not None:
            out.append((n.protects.event, {}))
    for q in instrument.queries:
        if q.formula is not None:
            out.append((q.formula, {}))
    return out


# ---- the space -----------------------------------------------------------------------

class Space:
    """The worlds of an instrument, with open terms for the terms in `open_terms`."""

    def __init__(self, instrument: Instrument, open_terms: Iterable[str]) -> None:
        self.instrument = instrument
        m = mentions(instrument, instrument_formulas(instrument))
        variables: list[tuple[str, AtomKey, tuple[object, ...], str | None]] = []
        for pred in instrument.predicates.values():
            for args in product(*(instrument.domain(p.type) for p in pred.params)):
                key = (pred.name, tuple(args))
                controller = str(args[pred.control]) if pred.control is not None else None
                if pred.kind == "quantity":
                    pats = m.quantities.get(pred.name, set())
                    if not _matches(key[1], pats):
                        continue
                    values = {0}
                    for (name, pat), ts in m.thresholds.items():
                        if name == pred.name and _matches(key[1], {pat}):
                            values.update(t for t in ts if t >= 0)
                    variables.append(("quantity", key, tuple(sorted(values)), controller))
                elif _matches(key[1], m.atoms.get(pred.name, set())):
                    variables.append(("atom", key, (False, True), controller))
        for name in open_terms:
            term = instrument.terms[name]
            for args in product(*(instrument.domain(p.type) for p in term.params)):
                if _matches(tuple(args), m.terms.get(name, set())):
                    variables.append(("term", (name, tuple(args)), (False, True), None))
        bits = sum(math.log2(len(v[2])) for v in variables)
        if bits > MAX_WORLD_BITS:
            raise Unsupported(f"{bits:.1f} bits of worlds")
        self.vars: list[Var] = []
        stride = 1
        for kind, key, values, controller in variables:
            self.vars.append(Var(kind, key, values, stride, controller))
            stride *= len(values)
        self.size = stride
        self.ALL = (1 << self.size) - 1
        self.index = {(v.kind, v.key): i for i, v in enumerate(self.vars)}
        self._masks: dict[tuple[int, int], int] = {}

    # ---- bit sets ----------------------------------------------------------------
    def mask(self, i: int, value_index: int) -> int:
        """The worlds where variable i takes its value_index-th value."""
        cached = self._masks.get((i, value_index))
        if cached is not None:
            return cached
        v = self.vars[i]
        radix = len(v.values)
        period = v.stride * radix
        block = ((1 << v.stride) - 1) << (value_index * v.stride)
        repeat = self.ALL // ((1 << period) - 1)
        result = block * repeat
        self._masks[(i, value_index)] = result
        return result

    def exists(self, s: int, var_indices: Iterable[int]) -> int:
        """The worlds w such that some world differing from w only on these variables is in s."""
        for i in var_indices:
            v = self.vars[i]
            radix = len(v.values)
            base = 0
            for k in range(radix):
                base |= (s & self.mask(i, k)) >> (k * v.stride)
            s = 0
            for k in range(radix):
                s |= base << (k * v.stride)
        return s

    def forall(self, s: int, var_indices: Iterable[int]) -> int:
        indices = list(var_indices)
        return self.ALL & ~self.exists(self.ALL & ~s, indices)

    def controlled_by(self, party: str) -> list[int]:
        return [i for i, v in enumerate(self.vars) if v.controller == party]

    def free(self) -> list[int]:
        return [i for i, v in enumerate(self.vars) if v.controller is None]

    def all_but(self, indices: Iterable[int]) -> list[int]:
        keep = set(indices)
        return [i for i in range(len(self.vars)) if i not in keep]

    # ---- concrete worlds -------------------------------------------------------------
    def world_index(self, world: World) -> int:
        """The world of the space that agrees with `world` on every relevant variable
        (a quantity value is mapped to the representative of its region)."""
        w = 0
        for v in self.vars:
            if v.kind == "atom":
                k = 1 if v.key in world.atoms else 0
            elif v.kind == "term":
                k = 1 if v.key in world.open_terms else 0
            else:
                value = world.quantities.get(v.key, 0)
                # The largest representative <= value: no threshold lies between them (the
                # integers next to every threshold are representatives), so both are alike.
                k = max(i for i, rep in enumerate(v.values) if rep <= value)  # type: ignore[operator]
            w += k * v.stride
        return w

    def world(self, w: int, draft: Mapping[str, str]) -> World:
        """World number w as a dsl.evaluate World (irrelevant atoms false, quantities 0)."""
        atoms, terms, qty = set(), set(), {}
        for v in self.vars:
            k = (w // v.stride) % len(v.values)
            if v.kind == "atom" and k:
                atoms.add(v.key)
            elif v.kind == "term" and k:
                terms.add(v.key)
            elif v.kind == "quantity":
                qty[v.key] = v.values[k]
        return World(frozenset(atoms), qty, frozenset(terms), dict(draft))  # type: ignore[arg-type]

    @staticmethod
    def member(s: int, w: int) -> bool:
        return bool((s >> w) & 1)

    @staticmethod
    def first(s: int) -> int | None:
        return (s & -s).bit_length() - 1 if s else None


# ---- formulas as world sets ----------------------------------------------------------

class Evaluator:
    """Formula -> the set of worlds where it holds, under fixed readings and draft."""

    def __init__(self, space: Space, readings: Mapping[str, str | None], draft: Mapping[str, str],
                 false_atom: Callable[[AtomKey], bool] | None = None) -> None:
        self.space = space
        self.instrument = space.instrument
        self.readings = readings
        self.draft = draft
        self.false_atom = false_atom

    def _value(self, t: F.Term, env: Mapping[str, F.Value]) -> F.Value:
        return t.value if isinstance(t, F.Const) else env[t.name]

    def _var(self, kind: str, key: AtomKey) -> int:
        i = self.space.index.get((kind, key))
        if i is None:
            raise Unsupported(f"{kind} {key} was not found relevant")  # a bug in `mentions`
        return i

    def holds(self, f: F.Formula, env: Mapping[str, F.Value] | None = None) -> int:
        env = env or {}
        sp = self.space
        if isinstance(f, F.BoolConst):
            return sp.ALL if f.value else 0
        if isinstance(f, F.Atom):
            key = (f.pred, tuple(self._value(a, env) for a in f.args))
            if self.false_atom is not None and self.false_atom(key):
                return 0
            return sp.mask(self._var("atom", key), 1)
        if isinstance(f, F.TermApp):
            args = tuple(self._value(a, env) for a in f.args)
            term = self.instrument.terms[f.term]
            reading = term.reading(self.readings.get(f.term))
            if reading is None:
                return sp.mask(self._var("term", (f.term, args)), 1)
            return self.holds(reading.body, {p.name: v for p, v in zip(term.params, args, strict=True)})
        if isinstance(f, F.Eq):
            return sp.ALL if self._value(f.left, env) == self._value(f.right, env) else 0
        if isinstance(f, F.Cmp):
            return self._compare(f, env)
        if isinstance(f, F.Not):
            return sp.ALL & ~self.holds(f.operand, env)
        if isinstance(f, F.And):
            out = sp.ALL
            for o in f.operands:
                out &= self.holds(o, env)
                if not out:
                    break
            return out
        if isinstance(f, F.Or):
            out = 0
            for o in f.operands:
                out |= self.holds(o, env)
            return out
        if isinstance(f, F.Implies):
            return (sp.ALL & ~self.holds(f.left, env)) | self.holds(f.right, env)
        if isinstance(f, F.Exists):
            out = 0
            for v in f.domain:
                out |= self.holds(f.body, {**env, f.var: v})
            return out
        if isinstance(f, F.Forall):
            out = sp.ALL
            for v in f.domain:
                out &= self.holds(f.body, {**env, f.var: v})
            return out
        assert isinstance(f, F.Choice)
        label = self.draft[f.bracket]
        return next(self.holds(o, env) for lab, o in f.options if lab == label)

    def _compare(self, f: F.Cmp, env: Mapping[str, F.Value]) -> int:
        keys: list[AtomKey] = []

        def collect(e: F.IntExpr) -> None:
            if isinstance(e, F.Qty):
                key = (e.name, tuple(self._value(a, env) for a in e.args))
                if key not in keys:
                    keys.append(key)
            elif isinstance(e, F.Arith):
                collect(e.left)
                collect(e.right)
            elif isinstance(e, F.IntChoice):
                for _, o in e.options:
                    collect(o)

        collect(f.left)
        collect(f.right)
        indices = [self._var("quantity", k) for k in keys]
        ops = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
               ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b}
        out = 0
        for combo in product(*(range(len(self.space.vars[i].values)) for i in indices)):
            values = {k: self.space.vars[i].values[c] for k, i, c in zip(keys, indices, combo, strict=True)}
            if ops[f.op](self._int(f.left, env, values), self._int(f.right, env, values)):
                s = self.space.ALL
                for i, c in zip(indices, combo, strict=True):
                    s &= self.space.mask(i, c)
                out |= s
        return out

    def _int(self, e: F.IntExpr, env: Mapping[str, F.Value], values: Mapping[AtomKey, object]) -> int:
        if isinstance(e, F.Num):
            return e.value
        if isinstance(e, F.Qty):
            return values[(e.name, tuple(self._value(a, env) for a in e.args))]  # type: ignore[return-value]
        if isinstance(e, F.Arith):
            a, b = self._int(e.left, env, values), self._int(e.right, env, values)
            return a + b if e.op == "+" else a - b
        label = self.draft[e.bracket]
        return next(self._int(o, env, values) for lab, o in e.options if lab == label)

    def mentioned(self, f: F.Formula, env: Mapping[str, F.Value] | None = None) -> set[int]:
        """The variables a formula mentions (vague terms read as the readings say; every
        alternative of a bracket, as a formula over all drafts would)."""
        out: set[int] = set()
        env = env or {}

        def visit(x: object, env: Mapping[str, F.Value]) -> None:
            if isinstance(x, F.Atom):
                i = self.space.index.get(("atom", (x.pred, tuple(self._value(a, env) for a in x.args))))
                if i is not None:
                    out.add(i)
            elif isinstance(x, F.TermApp):
                args = tuple(self._value(a, env) for a in x.args)
                term = self.instrument.terms[x.term]
                reading = term.reading(self.readings.get(x.term))
                if reading is None:
                    i = self.space.index.get(("term", (x.term, args)))
                    if i is not None:
                        out.add(i)
                else:
                    visit(reading.body, {p.name: v for p, v in zip(term.params, args, strict=True)})
            elif isinstance(x, F.Qty):
                i = self.space.index.get(("quantity", (x.name, tuple(self._value(a, env) for a in x.args))))
                if i is not None:
                    out.add(i)
            elif isinstance(x, (F.Cmp, F.Arith, F.Implies)):
                visit(x.left, env)
                visit(x.right, env)
            elif isinstance(x, F.Not):
                visit(x.operand, env)
            elif isinstance(x, (F.And, F.Or)):
                for o in x.operands:
                    visit(o, env)
            elif isinstance(x, (F.Exists, F.Forall)):
                for v in x.domain:
                    visit(x.body, {**env, x.var: v})
            elif isinstance(x, (F.Choice, F.IntChoice)):
                for _, o in x.options:
                    visit(o, env)

        visit(f, env)
        return out

    # ---- norms (the ground meaning stated on dsl.model.Norm) ---------------------------------
    def respected(self, norm: Norm, subject: str) -> int:
        """The worlds where `subject` does not breach `norm` (permissions never breach)."""
        sp = self.space
        env: dict[str, F.Value] = {norm.subject_var: subject}
        if norm.modality is Modality.MAY:
            return sp.ALL
        if norm.act is None:
            assert norm.keep is not None
            return (sp.ALL & ~self.holds(norm.condition, env)) | self.holds(norm.keep, env)
        if norm.modality is Modality.MUST_NOT:
            out = sp.ALL
            for b in bindings(norm):
                full = {**env, **b}
                forbidden = self.holds(norm.condition, full) & self.holds(norm.where, full) & self.act(norm, full)
                out &= sp.ALL & ~forbidden
            return out
        done = 0
        for b in bindings(norm):
            full = {**env, **b}
            done |= self.holds(norm.where, full) & self.act(norm, full)
        return (sp.ALL & ~self.holds(norm.condition, env)) | done

    def act(self, norm: Norm, env: Mapping[str, F.Value]) -> int:
        assert norm.act is not None
        args = tuple(self._value(t, env) for t in norm.pattern)
        return self.holds(F.Atom(norm.act, (F.Const(env[norm.subject_var]), *(F.Const(a) for a in args))), env)


def bindings(norm: Norm) -> list[dict[str, F.Value]]:
    names = [v for v, _ in norm.pattern_vars]
    return [dict(zip(names, values, strict=True)) for values in product(*(dom for _, dom in norm.pattern_vars))]
