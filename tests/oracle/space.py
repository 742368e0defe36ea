"""The oracle's world space: every world of a small instrument, as bits of one big integer.

A world assigns every *relevant* ground atom (a fact or act instance some
formula of the instrument mentions), every relevant application of an open
term, and every relevant quantity instance one of a few representative values.
World number `w` is a mixed-radix number over those variables; a set of worlds
is a Python int whose bit `w` is set for each member. Formulas (the ground
trees of `tests.oracle.front`) evaluate to such sets in one pass (`and` is `&`,
`or` is `|`), and "is there a choice of these variables" is a projection
(`exists`). Nothing here imports z3, the verifier or the elaborator.

Representative quantity values: every comparison the spec makes is linear in
one quantity instance (`a*q + c OP 0`); its truth only changes around
`-c/a`. Taking 0 and the integers next to every such threshold gives one value
in every region of every quantity, so existence questions have the same
answer over the representatives as over all integers >= 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import product

from tests.oracle.front import G, Key, Model, Value, _known, children

MAX_WORLD_BITS = 22  # 4M worlds: beyond that the oracle refuses (the generator stays far below)


class Unsupported(Exception):
    """The instrument is outside what the oracle can decide exactly (too big, non-linear)."""


@dataclass(frozen=True)
class Var:
    kind: str              # "atom" | "quantity" | "term"
    key: Key
    values: tuple[object, ...]  # (False, True) or the representative integers
    stride: int
    controller: str | None  # the party that decides it; None for circumstances and open terms


@dataclass(frozen=True)
class World:
    """One world as plain data: the true atoms, quantity values, true open-term applications."""

    atoms: frozenset[Key]
    quantities: Mapping[Key, int]
    terms: frozenset[Key]


# ---- what the instrument's formulas mention ------------------------------------------------

def model_formulas(model: Model) -> Iterator[G]:
    """Every formula a check can evaluate."""
    yield from model.assumptions
    for n in model.norms:
        yield n.guard
        for s in n.subjects:
            if s in n.trigger:
                yield n.trigger[s]
            if s in n.keep:
                yield n.keep[s]
            for c in n.cases.get(s, ()):
                yield c.cond
                yield c.where
                assert n.act is not None
                yield ("a", (n.act, (s, *c.args)))
        if n.protects is not None:
            yield n.protects[1]
    for q in model.queries:
        if q.formula is not None:
            yield q.formula
    for r in model.requirements:
        yield r.event
        yield from r.responses.values()


def int_options(e: G) -> list[G]:
    """An integer expression with one alternative of each bracket, every way."""
    if e[0] == "?":
        return [x for _, o in e[2] for x in int_options(o)]
    if e[0] in ("+", "-"):
        return [(e[0], a, b) for a in int_options(e[1]) for b in int_options(e[2])]
    return [e]


class Mentions:
    """The atoms, term applications and quantity instances some formula can mention (every
    alternative of every bracket, every reading of every term), and each quantity's thresholds."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.atoms: set[Key] = set()
        self.terms: set[Key] = set()
        self.thresholds: dict[Key, set[int]] = {}
        self._seen: set[int] = set()
        self._keep: list[G] = []
        for f in model_formulas(model):
            self.visit(f)

    def visit(self, f: G) -> None:
        if id(f) in self._seen:
            return
        self._seen.add(id(f))
        self._keep.append(f)
        tag = f[0]
        if tag == "a":
            self.atoms.add(f[1])
        elif tag == "t":
            key = (f[1], f[2])
            if key not in self.terms:
                self.terms.add(key)
                for reading in self.model.terms[f[1]].readings:
                    self.visit(self.model.reading_body(f[1], reading, f[2]))
        elif tag == "b":
            self.visit(self.model.breach(*f[1:]))
        elif tag == "<":
            for left in int_options(f[2]):
                for right in int_options(f[3]):
                    self.linear(left, right)
        else:
            for x in children(f):
                self.visit(x)

    def linear(self, left: G, right: G) -> None:
        coeffs: dict[Key, int] = {}
        const = 0

        def walk(e: G, sign: int) -> None:
            nonlocal const
            if e[0] == "#":
                const += sign * e[1]
            elif e[0] == "q":
                coeffs[e[1]] = coeffs.get(e[1], 0) + sign
            else:
                walk(e[1], sign)
                walk(e[2], sign if e[0] == "+" else -sign)

        walk(left, 1)
        walk(right, -1)
        for key in coeffs:
            self.thresholds.setdefault(key, set())
        live = {k: a for k, a in coeffs.items() if a != 0}
        if len(live) > 1:
            raise Unsupported("a comparison of two quantities")
        for key, a in live.items():
            t = -const / a
            for d in (-1, 0, 1, 2):
                self.thresholds[key].add(math.floor(t) + d)


# ---- the space -----------------------------------------------------------------------

class Space:
    """The worlds of an instrument, with open terms for the terms in `open_terms`. With `others`
    (texts over the same world, as `nverify diff` compares), one space for all of them: an atom,
    quantity or open term of the same name is the same variable."""

    def __init__(self, model: Model, open_terms: Iterable[str], others: Iterable[Model] = ()) -> None:
        self.model = model
        models = [model, *others]
        m = Mentions(models[0])
        for other in models[1:]:
            more = Mentions(other)
            m.atoms |= more.atoms
            m.terms |= more.terms
            for key, ts in more.thresholds.items():
                m.thresholds.setdefault(key, set()).update(ts)
        open_set = set(open_terms)
        predicates = {name: p for x in models for name, p in x.predicates.items()}
        terms = {name: t for x in models for name, t in x.terms.items()}
        variables: list[tuple[str, Key, tuple[object, ...], str | None]] = []
        for pred in predicates.values():
            for args in product(*(model.domain(t) for _, t in pred.params)):
                if not pred.exists(tuple(args)):
                    continue  # no world has it
                key = (pred.name, tuple(args))
                controller = str(args[pred.control]) if pred.control is not None else None
                if pred.kind == "quantity":
                    if key in m.thresholds:
                        levels = sorted({0, *(t for t in m.thresholds[key] if t >= 0)})
                        variables.append(("quantity", key, tuple(levels), controller))
                elif key in m.atoms:
                    variables.append(("atom", key, (False, True), controller))
        for term in terms.values():
            if term.name in open_set:
                for args in product(*(model.domain(t) for _, t in term.params)):
                    if (term.name, tuple(args)) in m.terms:
                        variables.append(("term", (term.name, tuple(args)), (False, True), None))
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

    def depends_on(self, s: int, i: int) -> bool:
        """Does membership in s change with variable i alone?"""
        return self.exists(s, [i]) != s

    # ---- concrete worlds -------------------------------------------------------------
    def world_index(self, world: World) -> int:
        """The world of the space that agrees with `world` on every relevant variable
        (a quantity value is mapped to the representative of its region)."""
        w = 0
        for v in self.vars:
            if v.kind == "atom":
                k = 1 if v.key in world.atoms else 0
            elif v.kind == "term":
                k = 1 if v.key in world.terms else 0
            else:
                value = world.quantities.get(v.key, 0)
                # The largest representative <= value: no threshold lies between them (the
                # integers next to every threshold are representatives), so both are alike.
                k = max(i for i, rep in enumerate(v.values) if rep <= value)  # type: ignore[operator]
            w += k * v.stride
        return w

    def world(self, w: int) -> World:
        """World number w (irrelevant atoms false, quantities 0)."""
        atoms, terms, qty = set(), set(), {}
        for v in self.vars:
            k = (w // v.stride) % len(v.values)
            if v.kind == "atom" and k:
                atoms.add(v.key)
            elif v.kind == "term" and k:
                terms.add(v.key)
            elif v.kind == "quantity":
                qty[v.key] = int(v.values[k])  # type: ignore[call-overload]
        return World(frozenset(atoms), qty, frozenset(terms))

    @staticmethod
    def member(s: int, w: int) -> bool:
        return bool((s >> w) & 1)

    @staticmethod
    def first(s: int) -> int | None:
        return (s & -s).bit_length() - 1 if s else None


# ---- formulas as world sets ----------------------------------------------------------

OPS: dict[str, Callable[[int, int], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b}


class Evaluator:
    """Ground formula -> the set of worlds where it holds, under fixed readings and draft."""

    def __init__(self, space: Space, readings: Mapping[str, str | None], draft: Mapping[str, str],
                 false_atom: Callable[[Key], bool] | None = None) -> None:
        self.space = space
        self.model = space.model
        self.readings = readings
        self.draft = draft
        self.false_atom = false_atom
        self._cache: dict[int, tuple[G, int]] = {}

    def _var(self, kind: str, key: Key) -> int:
        i = self.space.index.get((kind, key))
        if i is None:
            raise Unsupported(f"{kind} {key} was not found relevant")  # a bug in `Mentions`
        return i

    def holds(self, f: G) -> int:
        hit = self._cache.get(id(f))
        if hit is not None and hit[0] is f:
            return hit[1]
        out = self._holds(f)
        self._cache[id(f)] = (f, out)
        return out

    def _holds(self, f: G) -> int:
        sp = self.space
        tag = f[0]
        if tag == "c":
            return sp.ALL if f[1] else 0
        if tag == "a":
            if self.false_atom is not None and self.false_atom(f[1]):
                return 0
            return sp.mask(self._var("atom", f[1]), 1)
        if tag == "t":
            reading = self.readings.get(f[1])
            if reading is None:
                return sp.mask(self._var("term", (f[1], f[2])), 1)
            return self.holds(self.model.reading_body(f[1], reading, f[2]))
        if tag == "n":
            return sp.ALL & ~self.holds(f[1])
        if tag == "&":
            out = sp.ALL
            for x in f[1]:
                out &= self.holds(x)
                if not out:
                    break
            return out
        if tag == "|":
            out = 0
            for x in f[1]:
                out |= self.holds(x)
            return out
        if tag == "?":
            label = self.draft[f[1]]
            return next(self.holds(o) for lab, o in f[2] if lab == label)
        if tag == "b":
            return self.holds(self.model.breach(*f[1:]))
        assert tag == "<"
        return self._compare(f)

    def _compare(self, f: G) -> int:
        left, right = self._pick(f[2]), self._pick(f[3])
        keys: list[Key] = []
        for e in (left, right):
            for k in _qty_keys(e):
                if k not in keys:
                    keys.append(k)
        indices = [self._var("quantity", k) for k in keys]
        op = OPS[f[1]]
        out = 0
        for combo in product(*(range(len(self.space.vars[i].values)) for i in indices)):
            values = {k: self.space.vars[i].values[c] for k, i, c in zip(keys, indices, combo, strict=True)}
            if op(_int(left, values), _int(right, values)):
                s = self.space.ALL
                for i, c in zip(indices, combo, strict=True):
                    s &= self.space.mask(i, c)
                out |= s
        return out

    def _pick(self, e: G) -> G:
        """The integer expression with this draft's alternative of every bracket."""
        if e[0] == "?":
            label = self.draft[e[1]]
            return self._pick(next(o for lab, o in e[2] if lab == label))
        if e[0] in ("+", "-"):
            return (e[0], self._pick(e[1]), self._pick(e[2]))
        return e

    def mentioned(self, f: G, through_readings: bool = False) -> set[int]:
        """The variables a formula mentions as written (vague terms read as the readings say;
        every alternative of a bracket), except in parts whose value is settled without a
        world: read with atoms, terms, quantities and brackets unknown, and `and` false as soon
        as one part is, `or` true as soon as one part is. `through_readings`: a term whose
        reading settles it is settled too (what a formula depends on once the readings are
        chosen: an event, a norm, as the solver sees them), not what a veto reads as written."""
        out: set[int] = set()
        memo: dict[int, bool | None] = {}

        def read(t: G) -> bool | None:
            reading = self.readings.get(t[1])
            if reading is None:
                return None
            body = self.model.reading_body(t[1], reading, t[2])
            if id(body) not in memo:
                memo[id(body)] = _known(body, read)
            return memo[id(body)]

        resolve = read if through_readings else None

        def visit(x: G) -> None:
            if _known(x, resolve) is not None:
                return  # settled without any world (`pa == pb and x`, `true or x`): names nothing
            tag = x[0]
            if tag == "a":
                i = self.space.index.get(("atom", x[1]))
                if i is not None:
                    out.add(i)
            elif tag == "t":
                reading = self.readings.get(x[1])
                if reading is None:
                    i = self.space.index.get(("term", (x[1], x[2])))
                    if i is not None:
                        out.add(i)
                else:
                    visit(self.model.reading_body(x[1], reading, x[2]))
            elif tag == "q":
                i = self.space.index.get(("quantity", x[1]))
                if i is not None:
                    out.add(i)
            elif tag == "b":
                visit(self.model.breach(*x[1:]))
            for y in children(x):
                visit(y)

        visit(f)
        return out


def _qty_keys(e: G) -> Iterator[Key]:
    if e[0] == "q":
        yield e[1]
    elif e[0] in ("+", "-"):
        yield from _qty_keys(e[1])
        yield from _qty_keys(e[2])


def _int(e: G, values: Mapping[Key, object]) -> int:
    if e[0] == "#":
        return int(e[1])
    if e[0] == "q":
        return values[e[1]]  # type: ignore[return-value]
    a, b = _int(e[1], values), _int(e[2], values)
    return a + b if e[0] == "+" else a - b


__all__ = ["Evaluator", "Mentions", "Space", "Unsupported", "Value", "Var", "World"]
