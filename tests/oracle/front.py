"""The oracle's own reading of a spec: syntax trees -> ground norms, written from the documents.

Only the parser is shared with nverify (`dsl.parser`, `dsl.syntax`,
`dsl.source`, `dsl.diagnostics`): names, groups, imports, `define`,
`for`/`each`, act patterns, `when`/`unless`, overrides (lex specialis),
brackets and their numbering, terms, readings and aliases, assumptions and
queries are read here from docs/language.md and ../shared/DESIGN.md §1-10,
not from dsl.symbols, dsl.expressions, dsl.elaborate or the verifier.

The spec is assumed valid (nverify's loader accepted it); what the oracle
cannot decide exactly raises `space.Unsupported` later. Everything is
grounded at once: every variable (the subject, an act's parameters, a
quantifier's, a `for`'s) is replaced by its value, so a formula here is a
small tree of tuples over ground atoms, with a bracket's alternatives and a
vague term's applications left open (they depend on the draft and readings):

    ("c", bool)                    a constant
    ("a", key)                     a fact or act atom, key = (name, values)
    ("t", name, values)            a vague term applied to values
    ("n", f)  ("&", fs)  ("|", fs) not, and, or
    ("?", bracket, ((label, f), ...))   a bracketed condition
    ("b", clause, party, step)     `breached(clause, by: party)`: the negation of the party's
                                   norms of the clause (Model.breach, read once every clause is);
                                   in a timed spec, its norms of that step (None: of every step)
    ("<", op, e1, e2)              a comparison of integer expressions:
        ("#", n)  ("q", key)  ("+", e1, e2)  ("-", e1, e2)  ("?", bracket, ((label, e), ...))

Nothing is folded here: `true or x` is kept as written, and `Ev.mentioned`
decides what a condition mentions (what matters for vetoes).

Time (docs/language.md, "Time: steps, deadlines and phases"): in a timed spec every
fact, act, quantity and vague term has a last argument, the step (an int; the hidden
parameter `STEP`), and the Reader reads each formula at a current step (`Reader.step`).
A temporal condition is written out over the steps it reads (`since E` at step 2 is
E@first or ... or E@2). Norms, limits and keep norms are one `Norm` per step (a
deadline's, one per trigger step whose window ends within the timeline, its `step` the
step it falls due); assumptions and assertions are the conjunction over every step,
scenarios the disjunction; a definition and a reading are read at the step of each use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, product
from pathlib import PurePosixPath
from typing import Any

from dsl import syntax as S
from dsl.diagnostics import Diagnostics
from dsl.parser import parse
from dsl.source import SourceFile

Value = str | bool | int  # a party or enum value, a truth value, a step (timed specs)
Key = tuple[str, tuple[Value, ...]]
G = tuple[Any, ...]  # a ground formula or integer expression (see the module docstring)

STEP = "@step"  # the hidden last parameter (and its type) of every atom and term of a timed spec

TRUE: G = ("c", True)
FALSE: G = ("c", False)


class SpecError(Exception):
    """The spec is not one the oracle reads (nverify should have refused it)."""


def children(f: G) -> tuple[G, ...]:
    """The formulas and integer expressions directly inside one (the oracle's one traversal)."""
    tag = f[0]
    if tag == "n":
        return (f[1],)
    if tag in ("&", "|"):
        operands: tuple[G, ...] = f[1]
        return operands
    if tag == "?":
        return tuple(o for _, o in f[2])
    if tag == "<":
        return (f[2], f[3])
    if tag in ("+", "-"):
        return (f[1], f[2])
    return ()


def conj(*fs: G) -> G:
    return fs[0] if len(fs) == 1 else ("&", tuple(fs))


def disj(*fs: G) -> G:
    return fs[0] if len(fs) == 1 else ("|", tuple(fs))


def _known(f: G, term: Callable[[G], bool | None] | None = None) -> bool | None:
    """The value of a ground formula that no world can change, else None. A vague term is
    unknown, or, given `term`, what `term` says of it (its reading's value, where it has one)."""
    tag = f[0]
    if tag == "c":
        return bool(f[1])
    if tag == "t":
        return None if term is None else term(f)
    if tag == "n":
        inner = _known(f[1], term)
        return None if inner is None else not inner
    if tag in ("&", "|"):
        values = [_known(x, term) for x in f[1]]
        absorbing: bool = tag == "|"  # true absorbs an `or`, false an `and`
        if absorbing in values:
            return absorbing
        return (not absorbing) if all(v is (not absorbing) for v in values) else None
    if tag == "<":
        left, right = _known_int(f[2]), _known_int(f[3])
        return None if left is None or right is None else _OPS[f[1]](left, right)
    return None  # an atom, a bracket


def _known_int(e: G) -> int | None:
    if e[0] == "#":
        return int(e[1])
    if e[0] in ("+", "-"):
        a, b = _known_int(e[1]), _known_int(e[2])
        return None if a is None or b is None else a + b if e[0] == "+" else a - b
    return None


_OPS: dict[str, Callable[[int, int], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b}


# ---- the model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Pred:
    kind: str                          # fact | act | quantity
    name: str
    params: tuple[tuple[str, str], ...]  # (name, type)
    control: int | None                # the parameter whose party decides it; acts: 0
    others: tuple[int, ...] = ()       # parameters declared `other party`: never the first's value

    def exists(self, args: tuple[Value, ...]) -> bool:
        """docs/language.md: an instance whose `other party` argument is the first argument (a
        party assisting itself) does not exist: no world has it, a condition naming it is false,
        and no norm is about it."""
        return all(args[i] != args[0] for i in self.others)


@dataclass(frozen=True)
class Case:
    """One act a norm is about, for one subject: the act's arguments after the actor."""

    args: tuple[Value, ...]
    cond: G   # guard, `when`, not `unless`, not suspended (per act for prohibitions and permissions)
    where: G


@dataclass
class Norm:
    clause: str
    index: int
    modality: str                      # must | must not | may
    subjects: tuple[str, ...]
    act: str | None                    # None: a `keep` norm or a limit
    open_params: bool                  # some act parameter was left out (ranges over its values)
    is_limit: bool
    guard: G                           # the bracketed alternatives that contain the norm
    cases: dict[str, list[Case]] = field(default_factory=dict)     # act norms, per subject
    trigger: dict[str, G] = field(default_factory=dict)            # obligations and keep norms, per subject
    keep: dict[str, G] = field(default_factory=dict)               # keep norms, per subject
    protects: tuple[str, G] | None = None
    step: int | None = None            # timed: the step of this instance (a deadline's: when it falls due)
    group: int = 0                     # the norm as written (one `for` member): its instances share it


@dataclass
class Requirement:
    """`protection P against E by R` (DESIGN §12): R given by each party, as a ground formula."""

    party: str
    index: int
    event: G
    responses: dict[str, G]
    # Timed: R by each party at any step, as an act alone shows it (which obligations give R);
    # `event` is then E's first occurrence at a trigger step, `responses` R within its window.
    plain: dict[str, G] | None = None


@dataclass
class Clause:
    id: str
    norms: list[Norm]
    overrides: tuple[str, ...]
    rank: int
    file: str


@dataclass(frozen=True)
class Query:
    kind: str                          # expect | assert no | assert | scenario
    name: str                          # the statement's name; for expectations, the pattern as written
    line: int
    # `expect KIND on C1, C2 by P in draft D under reading R`
    finding: str | None = None
    on: tuple[str, ...] = ()
    by: str | None = None
    in_draft: str | None = None
    under_reading: str | None = None
    formula: G | None = None           # `assert NAME: F`, `scenario NAME: F`
    breaches: tuple[tuple[str, tuple[str, ...]], ...] = ()  # `... while P breaches C, D` (no clauses: P owes nothing)


@dataclass(frozen=True)
class Goal:
    """`goal P "label": no|some PATTERN;` or `goal P: always|possible F;` (used by negotiate)."""

    party: str
    label: str
    kind: str                          # no | some | always | possible
    pattern: Query | None = None
    formula: G | None = None


@dataclass(frozen=True)
class Horizon:
    """`time day 0..10;` (unit `day`) or `time phases a, b, c;` (steps 0.. , one per name), with
    the named intervals of `phase NAME = A..B;` (and each phase of `time phases`)."""

    first: int
    last: int
    unit: str | None
    names: tuple[str, ...]
    phases: dict[str, tuple[int, int]]

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    def label(self, step: int) -> str:
        """How reports name a step: `day 3`, or the phase's name."""
        return self.names[step - self.first] if self.names else f"{self.unit} {step}"


@dataclass
class TermDef:
    name: str
    params: tuple[tuple[str, str], ...]
    readings: dict[str, S.Expr]        # reading name -> body (an alias has its target's body)


@dataclass
class Model:
    """One instrument as the oracle reads it."""

    name: str
    parties: tuple[str, ...]
    enums: dict[str, tuple[str, ...]]
    groups: dict[str, tuple[Value, ...]]
    predicates: dict[str, Pred]
    terms: dict[str, TermDef]
    assumptions: list[G]
    clauses: list[Clause]
    brackets: dict[str, tuple[str, ...]]   # id -> labels, in the order written (`base` last when added)
    queries: list[Query]
    goals: list[Goal]
    files: tuple[str, ...]
    reader: Reader = field(repr=False)
    requirements: list[Requirement] = field(default_factory=list)
    horizon: Horizon | None = None
    _breaches: dict[tuple[str, Value, int | None], G] = field(default_factory=dict, repr=False)

    def domain(self, type_name: str) -> tuple[Value, ...]:
        return _domain(self.parties, self.enums, type_name, self.horizon)

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def breach(self, clause: str, party: Value, step: int | None = None) -> G:
        """`breached(clause, by: party)` (DESIGN §12): not every norm of the clause addressed to
        the party respected. Made on first use, when every clause (and override) has been read.
        Timed: read at `step`, the party's norms of that step (a deadline's: the step it falls
        due); `step` None (`while P breaches C`): a breach at some step."""
        key = (clause, party, step)
        found = self._breaches.get(key)
        if found is None:
            parts = tuple(respected_formula(n, str(party)) for n in self.clause(clause).norms
                          if party in n.subjects and n.modality != "may" and (step is None or n.step == step))
            found = self._breaches[key] = ("n", ("&", parts))
        return found

    @property
    def norms(self) -> list[Norm]:
        return [n for c in self.clauses for n in c.norms]

    def has_reading(self, term: str, reading: str | None) -> bool:
        return reading is not None and reading in self.terms[term].readings

    def reading_body(self, term: str, reading: str, args: tuple[Value, ...]) -> G:
        """The ground meaning of term(args) under one of its readings."""
        return self.reader.reading_body(term, reading, args)

    def draft_labels(self) -> list[str]:
        return sorted({lab for labels in self.brackets.values() for lab in labels if lab != "base"})


def respected_formula(norm: Norm, subject: str) -> G:
    """The worlds where `subject` does not breach `norm`, as a ground formula (docs/language.md,
    "Clauses and norms"): `must not A` forbids every matching act while its conditions hold;
    `must A` needs one matching act done (its `where` holding) when its condition holds; `keep F`
    and limits need F; `may` never constrains."""
    if norm.modality == "may":
        return TRUE
    if norm.act is None:
        return ("|", (("n", norm.trigger[subject]), norm.keep[subject]))
    acts = [("a", (norm.act, (subject, *c.args))) for c in norm.cases[subject]]
    if norm.modality == "must not":
        return ("&", tuple(("n", ("&", (c.cond, c.where, a))) for c, a in zip(norm.cases[subject], acts, strict=True)))
    done = ("|", tuple(("&", (c.where, a)) for c, a in zip(norm.cases[subject], acts, strict=True)))
    return ("|", (("n", norm.trigger[subject]), done))


# ---- reading files -------------------------------------------------------------------------

def parse_files(files: Mapping[str, str], root: str) -> list[S.Spec]:
    """The root and every file it imports (paths relative to the importer), imports first, once each."""
    order: list[S.Spec] = []
    done: set[str] = set()

    def visit(path: str) -> None:
        if path in done:
            return
        done.add(path)
        diags = Diagnostics()
        spec = parse(SourceFile.of(path, files[path]), diags)
        if spec is None or diags.has_errors():
            raise SpecError(f"{path} does not parse")
        for d in spec.decls:
            if isinstance(d, S.ImportDecl):
                visit(_join(path, d.path))
        order.append(spec)

    visit(root)
    return order


def _join(importer: str, relative: str) -> str:
    parts: list[str] = []
    for part in (*PurePosixPath(importer).parent.parts, *PurePosixPath(relative).parts):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def read_model(files: Mapping[str, str], root: str) -> Model:
    """The instrument of `root` (a key of `files`, which maps relative paths to spec text)."""
    return Reader(parse_files(files, root)).model()


def read_text(text: str, name: str = "gen.nv") -> Model:
    return read_model({name: text}, name)


# ---- names -----------------------------------------------------------------------------------

def _domain(parties: tuple[str, ...], enums: Mapping[str, tuple[str, ...]], type_name: str,
            horizon: Horizon | None = None) -> tuple[Value, ...]:
    """The values of a parameter type: the parties, false and true, an enum's values, the steps."""
    if type_name == STEP and horizon is not None:
        return horizon.steps
    builtin: dict[str, tuple[Value, ...]] = {"party": parties, "bool": (False, True)}
    return builtin[type_name] if type_name in builtin else enums[type_name]


def _horizon(specs: list[S.Spec]) -> Horizon | None:
    """The timeline of `time ...;` (one per spec, in any of its files) and its phases."""
    times = [d for spec in specs for d in spec.decls if isinstance(d, S.TimeDecl)]
    if not times:
        return None
    t = times[0]
    if t.unit is None:
        names = tuple(n.text for n in t.phases)
        first, last, unit = 0, len(names) - 1, None
        phases = {n: (i, i) for i, n in enumerate(names)}
    else:
        assert t.first is not None and t.last is not None
        names, first, last, unit, phases = (), t.first.value, t.last.value, t.unit.text, {}
    for spec in specs:
        for d in spec.decls:
            if isinstance(d, S.PhaseDecl):
                phases[d.name.text] = (d.first.value, d.last.value)
    return Horizon(first, last, unit, names, phases)


def _stem(path: str) -> str:
    return PurePosixPath(path).stem


def _brackets_in(node: object) -> Iterator[S.ExprBracket | S.NormBracket]:
    """Every bracket inside a syntax node (any depth)."""
    if isinstance(node, (S.ExprBracket, S.NormBracket)):
        yield node
    if isinstance(node, tuple):
        for x in node:
            yield from _brackets_in(x)
    elif hasattr(node, "__dataclass_fields__") and not isinstance(node, (S.Name, SourceFile)):
        for name in node.__dataclass_fields__:
            if name != "span":
                yield from _brackets_in(getattr(node, name))


class Reader:
    """Reads the specs of one instrument (imports first, the root last)."""

    def __init__(self, specs: list[S.Spec]) -> None:
        self.specs = specs
        self.root = specs[-1]
        self.parties: list[str] = []
        self.enums: dict[str, tuple[str, ...]] = {}
        self.values: dict[str, str] = {}               # party or enum value -> its type
        self.groups: dict[str, tuple[tuple[Value, ...], str]] = {}
        self.predicates: dict[str, Pred] = {}
        self.defines: dict[str, S.DefineDecl] = {}
        self.terms: dict[str, TermDef] = {}
        self.clause_decls: list[tuple[S.Spec, S.ClauseDecl]] = []
        self.horizon = _horizon(specs)
        self.step: int | None = None  # timed: the step the formula being read is read at
        self.groups_made = 0  # norms as written (Norm.group)
        for spec in specs:
            for d in spec.decls:
                if isinstance(d, S.PartyDecl):
                    for n in d.names:
                        self.parties.append(n.text)
                        self.values[n.text] = "party"
                elif isinstance(d, S.EnumDecl):
                    self.enums[d.name.text] = tuple(v.text for v in d.values)
                    for v in d.values:
                        self.values[v.text] = d.name.text
        for spec in specs:
            for d in spec.decls:
                if isinstance(d, S.GroupDecl):
                    members: tuple[Value, ...] = tuple(m.text for m in d.members)
                    self.groups[d.name.text] = (members, self.values.get(d.members[0].text, "party")
                                                if d.members else "party")
                elif isinstance(d, S.PredicateDecl):
                    params = tuple((p.name.text, p.type.text) for p in d.params)
                    if d.kind == "act":
                        control: int | None = 0
                    elif d.control is not None:
                        control = next(i for i, (n, _) in enumerate(params) if n == d.control.text)
                    else:
                        control = None
                    others = tuple(i for i, p in enumerate(d.params) if p.qualifier is not None)
                    if self.horizon is not None:
                        params = (*params, (STEP, STEP))  # every fact, act and quantity holds at a step
                    self.predicates[d.name.text] = Pred(d.kind, d.name.text, params, control, others)
                elif isinstance(d, S.DefineDecl):
                    self.defines[d.name.text] = d
                elif isinstance(d, S.TermDecl):
                    params = tuple((p.name.text, p.type.text) for p in d.params)
                    bodies = {r.name.text: r.body for r in d.readings if r.body is not None}
                    readings = {}
                    for r in d.readings:
                        if r.body is not None:
                            readings[r.name.text] = r.body
                        else:
                            assert r.alias is not None  # (a reading without a body is an alias of another)
                            readings[r.name.text] = bodies[r.alias.text]
                    if self.horizon is not None:
                        params = (*params, (STEP, STEP))  # a term applies at a step (an open term: one per step)
                    self.terms[d.name.text] = TermDef(d.name.text, params, readings)
                elif isinstance(d, S.ClauseDecl):
                    self.clause_decls.append((spec, d))
        self.brackets: dict[str, tuple[str, ...]] = {}
        # Brackets of figures, where they are written in the text (`int_expr`): the range each spans.
        self.figures: dict[str, tuple[int, int]] = {}
        self.bracket_ids: dict[tuple[str, int], str] = {}   # (file, offset) -> id
        self._number_brackets()
        self._reading_cache: dict[tuple[str, str, tuple[Value, ...]], G] = {}

    # ---- brackets: numbered per clause (or per file, definition, term, the queries), as written
    def _number_brackets(self) -> None:
        sites: list[tuple[str, list[object]]] = []
        for spec in self.specs:
            stem = _stem(spec.source.path)
            sites.append((stem, [d for d in spec.decls if isinstance(d, S.AssumeDecl)]))
            for d in spec.decls:
                if isinstance(d, S.ClauseDecl):
                    sites.append((d.id.text, [d]))
                elif isinstance(d, S.DefineDecl):
                    sites.append((f"define {d.name.text}", [d]))
                elif isinstance(d, S.TermDecl):
                    sites.append((f"term {d.name.text}", [d]))
        root = self.root
        sites.append((_stem(root.source.path) + ":query",
                      [d for d in root.decls if isinstance(d, (S.AssertDecl, S.ScenarioDecl, S.GoalDecl,
                                                               S.ObjectiveDecl, S.ProtectionDecl))]))
        for prefix, decls in sites:
            opened = sorted({(b.span.path, b.span.start) for b in _brackets_in(tuple(decls))})
            for i, where in enumerate(opened, 1):
                self.bracket_ids[where] = f"{prefix}#{i}"

    # ---- time ---------------------------------------------------------------------------------
    @contextmanager
    def at(self, step: int | None) -> Iterator[None]:
        """Read what follows at `step` (None: untimed, as written)."""
        saved = self.step
        self.step = step
        try:
            yield
        finally:
            self.step = saved

    def every_step(self, read: Callable[[], G]) -> G:
        """A statement that holds at every step (an assumption, an assertion); untimed: as written."""
        if self.horizon is None:
            return read()
        parts = []
        for t in self.horizon.steps:
            with self.at(t):
                parts.append(read())
        return conj(*parts)

    def some_step(self, read: Callable[[], G]) -> G:
        """A statement that holds at some step (a scenario, a possibility)."""
        if self.horizon is None:
            return read()
        parts = []
        for t in self.horizon.steps:
            with self.at(t):
                parts.append(read())
        return disj(*parts)

    def timed(self, given: list[Value | None]) -> list[Value | None]:
        """Arguments by parameter with the step (the last, hidden one) set to the current step."""
        if self.horizon is not None:
            given[-1] = self.step
        return given

    def temporal(self, e: S.Temporal, scope: Mapping[str, Value]) -> G:
        """docs/language.md's table, at the current step t over the timeline first..last."""
        h = self.horizon
        t = self.step
        assert h is not None and t is not None, "a temporal condition in an untimed spec"
        steps = h.steps

        def read(at: int) -> G:
            assert e.operand is not None
            with self.at(at):
                return self.formula(e.operand, scope)

        def some(where: Callable[[int], bool]) -> G:
            return disj(*(read(s) for s in steps if where(s))) if any(where(s) for s in steps) else FALSE

        if e.kind == "during":
            assert e.phase is not None
            a, b = h.phases[e.phase.text]
            return ("c", a <= t <= b)
        if e.kind == "at":
            if e.amount is not None:
                return read(e.amount.value)
            assert e.phase is not None
            a, b = h.phases[e.phase.text]
            return some(lambda s: a <= s <= b)
        if e.kind == "within":
            assert e.amount is not None
            n = e.amount.value
            return some(lambda s: t - n <= s <= t)
        if e.kind == "since":
            return some(lambda s: s <= t)
        if e.kind == "after":
            return some(lambda s: s < t)
        if e.kind == "before":
            return ("n", some(lambda s: s <= t))
        if e.kind == "until":
            return ("n", some(lambda s: s < t))
        assert e.kind == "first", e.kind
        return ("&", (read(t), ("n", some(lambda s: s < t))))

    def _bracket(self, node: S.ExprBracket | S.NormBracket, labels: tuple[str, ...]) -> str:
        ident = self.bracket_ids[(node.span.path, node.span.start)]
        self.brackets.setdefault(ident, labels)
        return ident

    # ---- the model ------------------------------------------------------------------------
    def model(self) -> Model:
        assumptions = [self.every_step(lambda d=d: self.formula(d.expr, {})) for spec in self.specs  # type: ignore[misc]
                       for d in spec.decls if isinstance(d, S.AssumeDecl)]
        clauses = [self.clause(spec, d) for spec, d in self.clause_decls]
        self._overrides(clauses)
        queries = [q for d in self.root.decls if (q := self.query(d)) is not None]
        goals = [self.goal(d) for d in self.root.decls if isinstance(d, S.GoalDecl)]
        # Brackets exist wherever they are written: in definitions and readings nothing uses,
        # and in goals (a draft is a choice in every bracket of the instrument). Grounding them
        # once, for any values, registers them.
        for define in self.defines.values():
            params = tuple((p.name.text, p.type.text) for p in define.params)
            for args in self.completions(params, [None] * len(params))[:1]:
                with self.at(self.horizon.first if self.horizon is not None else None):
                    self.formula(define.body, {p: v for (p, _), v in zip(params, args, strict=True)})
        for t in self.terms.values():
            for reading in t.readings:
                for args in self.completions(t.params, [None] * len(t.params))[:1]:
                    self.reading_body(t.name, reading, args)
        for d in self.root.decls:
            if isinstance(d, S.ObjectiveDecl):
                self.int_expr(d.expr, {})
        header = next((d for d in self.root.decls if isinstance(d, S.InstrumentDecl)), None)
        return Model(
            name=header.name.text if header else _stem(self.root.source.path),
            parties=tuple(self.parties), enums=self.enums,
            groups={g: members for g, (members, _) in self.groups.items()},
            predicates=self.predicates, terms=self.terms, assumptions=assumptions, clauses=clauses,
            brackets=self.brackets, queries=queries, goals=goals,
            files=(self.root.source.path, *(s.source.path for s in self.specs[:-1])), reader=self,
            requirements=[self.requirement(d, i) for i, d in
                          enumerate(d for d in self.root.decls if isinstance(d, S.ProtectionDecl))],
            horizon=self.horizon)

    def requirement(self, d: S.ProtectionDecl, index: int) -> Requirement:
        """The response R, read as every party's permission to do it: R by q is one of the acts
        that permission grants q (its `where` holding)."""
        assert isinstance(d.action, S.ActAction)
        every = S.EachSubject(S.Name("responder", d.span), S.SetName(S.Name("party", d.span), d.span), d.span)
        decl = S.NormDecl(every, "may", d.action, d.where, None, None, None, d.span)

        def response() -> dict[str, G]:
            """R by each party, at the current step."""
            n = self.norm("protection", decl, TRUE, {}, None if self.step is None else (self.step, 0))
            assert n.act is not None
            return {q: ("|", tuple(conj(c.where, ("a", (n.act, (q, *c.args)))) for c in n.cases[q]))
                    for q in n.subjects}

        h = self.horizon
        if h is None:
            return Requirement(d.party.text, index, self.formula(d.event, {}), response())
        # Timed (docs/language.md, "Delays in protection requirements"): E's first occurrence at
        # a step t whose window [t, t+N] (to the end without `within`) ends within the timeline;
        # R counts when given at a step of that window.
        delay = d.within.value if d.within is not None else None
        happens: dict[int, G] = {}
        given: dict[int, dict[str, G]] = {}
        for t in h.steps:
            with self.at(t):
                happens[t] = self.formula(d.event, {})
                given[t] = response()
        parties = list(given[h.first])
        triggers = [t for t in h.steps if delay is None or t + delay <= h.last]
        first = {t: conj(happens[t], ("n", disj(FALSE, *(happens[s] for s in h.steps if s < t)))) for t in triggers}
        window = {t: [s for s in h.steps if t <= s and (delay is None or s <= t + delay)] for t in triggers}
        responses = {q: disj(FALSE, *(conj(first[t], disj(*(given[s][q] for s in window[t]))) for t in triggers))
                     for q in parties}
        plain = {q: disj(*(given[s][q] for s in h.steps)) for q in parties}
        return Requirement(d.party.text, index, disj(FALSE, *first.values()), responses, plain)

    # ---- values and sets -------------------------------------------------------------------
    def value(self, e: object, scope: Mapping[str, Value]) -> Value:
        if isinstance(e, S.BoolLit):
            return e.value
        if isinstance(e, S.NameRef):
            name = e.name.text
            if name in scope:
                return scope[name]
            if name in self.values:
                return name
        raise SpecError(f"not a value: {e}")

    def set_values(self, s: S.SetExpr) -> tuple[Value, ...]:
        if isinstance(s, S.SetLiteral):
            return tuple(item.text for item in s.items)
        name = s.name.text
        if name == "party":
            return tuple(self.parties)
        if name == "bool":
            return (False, True)
        if name in self.enums:
            return self.enums[name]
        return self.groups[name][0]

    def domain(self, type_name: str) -> tuple[Value, ...]:
        return _domain(tuple(self.parties), self.enums, type_name, self.horizon)

    def slots(self, params: tuple[tuple[str, str], ...], args: tuple[S.Arg, ...],
              scope: Mapping[str, Value]) -> list[Value | None]:
        """Arguments by parameter, positional or named; None where left out or `_`."""
        out: list[Value | None] = [None] * len(params)
        position = 0
        for a in args:
            if a.name is None:
                i = position
                position += 1
            else:
                i = next(j for j, (p, _) in enumerate(params) if p == a.name.text)
            out[i] = None if isinstance(a.value, S.Wildcard) else self.value(a.value, scope)
        return out

    def completions(self, params: tuple[tuple[str, str], ...],
                    given: list[Value | None]) -> list[tuple[Value, ...]]:
        """Every argument tuple agreeing with the given ones (a left-out argument is any value)."""
        choices = [(v,) if v is not None else self.domain(t) for v, (_, t) in zip(given, params, strict=True)]
        return [tuple(c) for c in product(*choices)]

    # ---- conditions --------------------------------------------------------------------------
    def formula(self, e: S.Expr, scope: Mapping[str, Value], neutral: bool | None = None) -> G:
        if isinstance(e, S.BoolLit):
            return ("c", e.value)
        if isinstance(e, S.Not):
            return ("n", self.formula(e.operand, scope))
        if isinstance(e, S.Binary):
            if e.op == "and":
                return ("&", (self.formula(e.left, scope, True), self.formula(e.right, scope, True)))
            if e.op == "or":
                return ("|", (self.formula(e.left, scope, False), self.formula(e.right, scope, False)))
            return ("|", (("n", self.formula(e.left, scope)), self.formula(e.right, scope)))
        if isinstance(e, S.NameRef):
            name = e.name.text
            if name in scope:
                return ("c", scope[name] is True)  # a bool variable as a condition
            return self.call(S.Call(e.name, (), e.span), scope)
        if isinstance(e, S.Call):
            return self.call(e, scope)
        if isinstance(e, S.Compare):
            if e.op in ("==", "!=") and self._value_side(e.left, scope) and self._value_side(e.right, scope):
                same = self.value(e.left, scope) == self.value(e.right, scope)
                return ("c", same if e.op == "==" else not same)
            return ("<", e.op, self.int_expr(e.left, scope), self.int_expr(e.right, scope))
        if isinstance(e, S.Member):
            inside = self.value(e.element, scope) in self.set_values(e.set)
            return ("c", inside != e.negated)
        if isinstance(e, S.Quantified):
            return self.quantified(e, list(e.binders), scope)
        if isinstance(e, S.Count):
            return self.count(e, scope)
        if isinstance(e, S.Temporal):
            return self.temporal(e, scope)
        if isinstance(e, S.ExprBracket):
            options = [(a.label.text, self.formula(a.expr, scope)) for a in e.alts]
            if not any(lab == "base" for lab, _ in options):
                if neutral is None:
                    raise SpecError("a bracket without base where its absence means nothing")
                options.append(("base", ("c", neutral)))
            ident = self._bracket(e, tuple(lab for lab, _ in options))
            return ("?", ident, tuple(options))
        raise SpecError(f"not a condition: {e}")

    def _value_side(self, e: S.Expr, scope: Mapping[str, Value]) -> bool:
        if isinstance(e, S.BoolLit):
            return True
        if isinstance(e, S.NameRef):
            name = e.name.text
            return name in scope or name in self.values or name not in self.predicates
        return False

    def quantified(self, e: S.Quantified, binders: list[S.Binder], scope: Mapping[str, Value]) -> G:
        if not binders:
            return self.formula(e.body, scope)
        first, rest = binders[0], binders[1:]
        parts = tuple(self.quantified(e, rest, {**scope, first.var.text: v}) for v in self.set_values(first.set))
        return ("|" if e.kind == "exists" else "&", parts)

    def count(self, e: S.Count, scope: Mapping[str, Value]) -> G:
        """Σ_{x∈G} [F(x)] ≥ N (at least), ≤ N (at most), = N (exactly), > |G|/2 (a majority),
        written out as the definition reads: some subset S of G of a size that passes holds
        F exactly on S. A party listed twice in G counts once; a bracketed N is a bracketed
        condition with one such formula per alternative."""
        members = tuple(dict.fromkeys(self.set_values(e.binder.set)))
        parts = [self.formula(e.body, {**scope, e.binder.var.text: v}) for v in members]

        def sizes_pass(test: Callable[[int], bool]) -> G:
            # A count no member's choice can change is its value (`_known` reads every other
            # formula so; the subsets below would hide it: "at least 0" is true however many pass).
            known = [_known(p) for p in parts]
            sure, open_ = known.count(True), known.count(None)
            outcomes = {test(k) for k in range(sure, sure + open_ + 1)}
            if len(outcomes) == 1:
                return TRUE if outcomes.pop() else FALSE
            return disj(FALSE, *(conj(TRUE, *(parts[i] if i in chosen else ("n", parts[i])
                                              for i in range(len(parts))))
                                 for k in range(len(parts) + 1) if test(k)
                                 for chosen in combinations(range(len(parts)), k)))

        if e.bound is None:
            return sizes_pass(lambda k: 2 * k > len(members))

        def with_n(n: int) -> G:
            if e.kind == "at least":
                return sizes_pass(lambda k: k >= n)
            if e.kind == "at most":
                return sizes_pass(lambda k: k <= n)
            return sizes_pass(lambda k: k == n)

        if isinstance(e.bound, S.ExprBracket):
            options = tuple((a.label.text, with_n(_whole(a.expr))) for a in e.bound.alts)
            return ("?", self._bracket(e.bound, tuple(lab for lab, _ in options)), options)
        return with_n(e.bound.value)

    def call(self, e: S.Call, scope: Mapping[str, Value]) -> G:
        name = e.name.text
        pred = self.predicates.get(name)
        if pred is not None:
            given = self.timed(self.slots(pred.params, e.args, scope))
            # An instance that does not exist (`other party` = the first argument) is false.
            atoms = [("a", (name, args)) for args in self.completions(pred.params, given) if pred.exists(args)]
            if not atoms:
                return FALSE
            return disj(*atoms) if None in given else atoms[0]
        term = self.terms.get(name)
        if term is not None:
            given = self.timed(self.slots(term.params, e.args, scope))
            return disj(*(("t", name, args) for args in self.completions(term.params, given)))
        if name == "breached" and name not in self.defines:
            return self.breached(e, scope)
        define = self.defines.get(name)
        if define is not None:
            params = tuple((p.name.text, p.type.text) for p in define.params)
            given = self.slots(params, e.args, scope)
            # A definition is expanded where it is used: its body sees only its parameters.
            return self.formula(define.body, {p: v for (p, _), v in zip(params, given, strict=True)})  # type: ignore[misc]
        raise SpecError(f"unknown condition `{name}`")

    def breached(self, e: S.Call, scope: Mapping[str, Value]) -> G:
        """`breached(CLAUSE, by: P)`; without `by`, a breach by any party."""
        clause: str | None = None
        by: Value | None = None
        for i, arg in enumerate(e.args):
            name = arg.name.text if arg.name is not None else ("clause" if i == 0 else "by")
            if name == "clause":
                assert isinstance(arg.value, S.NameRef)
                clause = arg.value.name.text
            elif not isinstance(arg.value, S.Wildcard):
                by = self.value(arg.value, scope)
        if clause is None:
            raise SpecError("`breached` without a clause")
        return ("b", clause, by, self.step) if by is not None else \
            disj(*(("b", clause, p, self.step) for p in self.parties))

    def int_expr(self, e: S.Expr, scope: Mapping[str, Value]) -> G:
        if isinstance(e, S.Number):
            return ("#", e.value)
        if isinstance(e, S.Arith):
            return (e.op, self.int_expr(e.left, scope), self.int_expr(e.right, scope))
        if isinstance(e, S.ExprBracket):
            options = tuple((a.label.text, self.int_expr(a.expr, scope)) for a in e.alts)
            ident = self._bracket(e, tuple(lab for lab, _ in options))
            # A bracket of numbers in the text (not in a query or goal, which read the draft)
            # offers figures to negotiate, even where the formula around it is decided without
            # it (`at most 1 of u in {pa}: q(u) >= [base: 1 | pa: 0]`).
            numbers = [o[1] for _, o in options if o[0] == "#"]
            if len(numbers) == len(options) and not ident.rpartition("#")[0].endswith(":query"):
                self.figures[ident] = (min(numbers), max(numbers))
            return ("?", ident, options)
        if isinstance(e, (S.Call, S.NameRef)):
            pred = self.predicates[e.name.text]
            args = e.args if isinstance(e, S.Call) else ()
            return ("q", (pred.name, tuple(self.timed(self.slots(pred.params, args, scope)))))
        raise SpecError(f"not a number: {e}")

    def reading_body(self, term: str, reading: str, args: tuple[Value, ...]) -> G:
        key = (term, reading, args)
        found = self._reading_cache.get(key)
        if found is None:
            t = self.terms[term]
            # Timed: a reading is read at the step of its use, the term's last argument.
            with self.at(int(args[-1]) if self.horizon is not None else None):
                found = self._reading_cache[key] = self.formula(
                    t.readings[reading], {n: v for (n, _), v in zip(t.params, args, strict=True)})
        return found

    # ---- clauses -------------------------------------------------------------------------------
    def clause(self, spec: S.Spec, d: S.ClauseDecl) -> Clause:
        norms: list[Norm] = []
        self.items(d.id.text, d.items, TRUE, {}, norms)
        for i, n in enumerate(norms):
            n.index = i
        header = next((x for x in spec.decls if isinstance(x, S.InstrumentDecl)), None)
        rank = header.rank if header is not None and header.rank is not None else 0
        return Clause(d.id.text, norms, tuple(o.text for o in d.overrides), rank, spec.source.path)

    def items(self, clause: str, items: tuple[S.ClauseItem, ...], guard: G, loop: dict[str, Value],
              out: list[Norm]) -> None:
        for item in items:
            if isinstance(item, S.NormDecl):
                out.extend(self.norms(clause, item, guard, loop))
            elif isinstance(item, S.LimitDecl):
                if self.horizon is None:
                    out.append(self.limit(clause, item, guard, loop))
                    continue
                for t in self.horizon.steps:  # a limit holds at every step
                    with self.at(t):
                        out.append(self.limit(clause, item, guard, loop))
                        out[-1].step = t
            elif isinstance(item, S.ForItem):
                for v in self.set_values(item.set):
                    self.items(clause, (item.item,), guard, {**loop, item.var.text: v}, out)
            else:
                labels = [a.label.text for a in item.alts]
                if "base" not in labels:
                    labels.append("base")  # the agreed text has none of the bracketed norms
                ident = self._bracket(item, tuple(labels))
                for alt in item.alts:
                    chosen = ("?", ident, tuple((lab, ("c", lab == alt.label.text)) for lab in labels))
                    self.items(clause, alt.items, chosen if guard == TRUE else conj(guard, chosen), loop, out)

    def _condition(self, when: S.Expr | None, unless: S.Expr | None, scope: Mapping[str, Value], guard: G) -> G:
        parts = [guard]
        if when is not None:
            parts.append(self.formula(when, scope))
        if unless is not None:
            parts.append(("n", self.formula(unless, scope)))
        return conj(*parts)

    def norms(self, clause: str, d: S.NormDecl, guard: G, loop: dict[str, Value]) -> list[Norm]:
        """The norm (untimed), or one per step: at every step it holds, read at that step; a
        deadline's `within N of E` once per trigger step t with t+N within the timeline (a later
        window is cut by the horizon), falling due at t+N."""
        h = self.horizon
        self.groups_made += 1
        if h is None:
            out = [self.norm(clause, d, guard, loop)]
        else:
            out = []
            for delay, chosen in self._delays(d):
                self.groups_made += 1 if out else 0
                in_force = guard if chosen is None else chosen if guard == TRUE else conj(guard, chosen)
                group = []
                for t in h.steps:
                    if t + delay > h.last:
                        break
                    with self.at(t):
                        group.append(self.norm(clause, d, in_force, loop, (t, delay)))
                for n in group:
                    n.group = self.groups_made
                out += group
            return out
        for n in out:
            n.group = self.groups_made
        return out

    def _delays(self, d: S.NormDecl) -> list[tuple[int, G | None]]:
        """A deadline's delays: (N, the condition that the draft chooses it; None: written as
        a number). `within [russia: 7 | ukraine: 3] of E` is a deadline per alternative, each
        in force in the drafts that choose it (the figures between are `negotiate`'s)."""
        if d.deadline is None:
            return [(0, None)]
        steps = d.deadline.steps
        if isinstance(steps, S.Number):
            return [(steps.value, None)]
        labels = tuple(a.label.text for a in steps.alts)
        ident = self._bracket(steps, labels)
        return [(_whole(a.expr), ("?", ident, tuple((lab, ("c", lab == a.label.text)) for lab in labels)))
                for a in steps.alts]

    def norm(self, clause: str, d: S.NormDecl, guard: G, loop: dict[str, Value],
             window: tuple[int, int] | None = None) -> Norm:
        """`window`: timed, the step t read now and the deadline's delay N (0: none); the act is
        done at t, or under a deadline at some step of [t, t+N], its `where` read at that step."""
        if isinstance(d.subject, S.Name):
            name = d.subject.text
            subjects: tuple[str, ...] = (str(loop[name]),) if name in loop else (name,)
            each: str | None = None
        else:
            subjects = tuple(str(v) for v in self.set_values(d.subject.set))
            each = d.subject.var.text
        if isinstance(d.action, S.KeepAction):
            n = Norm(clause, 0, d.modality, subjects, None, False, False, guard, step=self.step)
            for s in subjects:
                scope = {**loop, **({each: s} if each else {})}
                n.trigger[s] = self._condition(d.when, d.unless, scope, guard)
                n.keep[s] = self.formula(d.action.expr, scope)
            return n
        pred = self.predicates[d.action.name.text]
        params = pred.params[1:]
        actor = pred.params[0][0]
        n = Norm(clause, 0, d.modality, subjects, pred.name, False, False, guard,
                 step=None if window is None else window[0] + window[1])
        for s in subjects:
            base = {**loop, **({each: s} if each else {})}
            given = self.slots(params, d.action.args, base)
            if window is not None:
                given[-1] = window[0] if window[1] == 0 else None  # under a deadline: any step of the window
            n.open_params = None in given
            if d.modality == "must":
                # An obligation's trigger cannot depend on which act fulfils it.
                n.trigger[s] = self._condition(d.when, d.unless, {**base, actor: s}, guard)
                if d.deadline is not None:  # owed once the event has happened (at t)
                    n.trigger[s] = conj(n.trigger[s], self.formula(d.deadline.event, {**base, actor: s}))
            cases = []
            for args in self.completions(params, given):
                if window is not None and not window[0] <= int(args[-1]) <= window[0] + window[1]:
                    continue
                scope = {**base, actor: s, **{p: v for (p, _), v in zip(params, args, strict=True)}}
                with self.at(int(args[-1]) if window is not None else self.step):
                    where = self.formula(d.where, scope) if d.where is not None else TRUE
                cond = n.trigger[s] if d.modality == "must" else self._condition(d.when, d.unless, scope, guard)
                # (Read even so: a bracket exists wherever it is written.)
                if pred.exists((s, *args)):  # else no such act (the subject towards itself): no case
                    cases.append(Case(args, cond, where))
            n.cases[s] = cases
        if d.protects is not None:
            party = d.protects.party.text
            n.protects = (str(loop.get(party, party)), self.formula(d.protects.event, loop))
        return n

    def limit(self, clause: str, d: S.LimitDecl, guard: G, loop: dict[str, Value]) -> Norm:
        keep = self.formula(d.expr, loop)
        owners = {str(key[1][self.predicates[key[0]].control])  # type: ignore[index]
                  for key in _quantities(keep) if self.predicates[key[0]].control is not None}
        if len(owners) != 1:
            raise SpecError("a limit binds one party")
        owner = owners.pop()
        n = Norm(clause, 0, "must", (owner,), None, False, True, guard)
        n.trigger[owner] = self._condition(d.when, d.unless, loop, guard)
        n.keep[owner] = keep
        return n

    # ---- lex specialis --------------------------------------------------------------------------
    def _overrides(self, clauses: list[Clause]) -> None:
        """`special overrides general`: where a norm of special on the same act covers an act (same
        subject and arguments, its `where` and condition hold), general's norms on that act are
        suspended for it; an obligation, when special covers an act that would fulfil it and every
        such act; a keep norm or limit, while a keep norm (or limit) of special for the party holds."""
        by_id = {c.id: c for c in clauses}
        special: dict[str, list[Clause]] = {}
        for c in clauses:
            for target in c.overrides:
                special.setdefault(target, []).append(c)
        # The special clause's own conditions, before any suspension of its own.
        original = {c.id: [(n, dict(n.trigger), {s: list(cs) for s, cs in n.cases.items()}) for n in c.norms]
                    for c in clauses}
        for target, specials in special.items():
            general = by_id[target]
            others = [entry for c in specials for entry in original[c.id]]
            for n in general.norms:
                for s in n.subjects:
                    if n.act is None:
                        # a keep norm of special, while its condition holds: at the same step
                        covered = [trig[s] for m, trig, _ in others if m.act is None and s in m.subjects
                                   and m.step == n.step]
                        if covered:
                            n.trigger[s] = conj(n.trigger[s], ("n", disj(*covered)))
                        continue
                    cover = {}
                    for case in n.cases[s]:
                        parts = [conj(c2.cond, c2.where) for m, _, cases in others if m.act == n.act
                                 and s in m.subjects for c2 in cases[s] if c2.args == case.args]
                        cover[case.args] = disj(*parts) if parts else FALSE
                    if n.modality == "must":
                        if not any(v != FALSE for v in cover.values()):
                            continue
                        if n.open_params:
                            some = disj(*(conj(c.where, cover[c.args]) for c in n.cases[s]))
                            every = conj(*(disj(("n", c.where), cover[c.args]) for c in n.cases[s]))
                            suspended = conj(some, every)
                        else:
                            suspended = cover[n.cases[s][0].args]
                        n.trigger[s] = conj(n.trigger[s], ("n", suspended))
                        n.cases[s] = [Case(c.args, n.trigger[s], c.where) for c in n.cases[s]]
                    else:
                        n.cases[s] = [c if cover[c.args] == FALSE else Case(c.args, conj(c.cond, ("n", cover[c.args])),
                                                                             c.where) for c in n.cases[s]]

    # ---- queries ----------------------------------------------------------------------------------
    def query(self, d: S.Decl) -> Query | None:
        if isinstance(d, (S.ExpectDecl, S.AssertNoDecl)):
            return _pattern("expect" if isinstance(d, S.ExpectDecl) else "assert no", d.pattern, d.span.line)
        if isinstance(d, (S.AssertDecl, S.ScenarioDecl)):
            kind = "assert" if isinstance(d, S.AssertDecl) else "scenario"
            over = self.every_step if kind == "assert" else self.some_step
            return Query(kind, d.name.text, d.span.line, formula=over(lambda: self.formula(d.expr, {})),
                         breaches=tuple((b.party.text, tuple(dict.fromkeys(c.text for c in b.clauses)))
                                        for b in d.breaches))
        return None

    def goal(self, d: S.GoalDecl) -> Goal:
        text = self.root.source.text[d.span.start:d.span.end]
        label = d.label or " ".join(text.split()).rstrip(";").split(":", 1)[1].strip()
        if d.pattern is not None:
            return Goal(d.party.text, label, d.kind, pattern=_pattern("expect", d.pattern, d.span.line))
        expr = d.expr
        assert expr is not None
        over = self.every_step if d.kind == "always" else self.some_step
        return Goal(d.party.text, label, d.kind, formula=over(lambda: self.formula(expr, {})))


def _pattern(kind: str, p: S.FindingPattern, line: int) -> Query:
    """A finding pattern (`KIND on C by P in draft D under reading R`), named as written."""
    words = [kind, p.kind.text]
    if p.clauses:
        words.append("on " + ", ".join(c.text for c in p.clauses))
    for word, name in (("by", p.party), ("in draft", p.draft), ("under reading", p.reading)):
        if name is not None:
            words.append(f"{word} {name.text}")
    return Query(kind, " ".join(words), line, p.kind.text, tuple(c.text for c in p.clauses),
                 None if p.party is None else p.party.text, None if p.draft is None else p.draft.text,
                 None if p.reading is None else p.reading.text)


def _whole(e: S.Expr) -> int:
    """A whole number written with + and -: a count's N."""
    if isinstance(e, S.Number):
        return e.value
    if isinstance(e, S.Arith):
        return _whole(e.left) + _whole(e.right) if e.op == "+" else _whole(e.left) - _whole(e.right)
    raise SpecError(f"not a whole number: {e}")


def _quantities(f: G) -> Iterator[Key]:
    if f[0] == "q":
        yield f[1]
    for x in children(f):
        yield from _quantities(x)
