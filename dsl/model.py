"""IR 2, the checked model: what a spec means, with every name resolved.

Only `dsl.elaborate` builds an Instrument; the verifier accepts nothing else.
Values are plain strings (party and enum value names), bools and ints;
formulas are `dsl.formula` trees closed over finite domains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from dsl.formula import BoolConst, Breached, Formula, IntExpr, Node, TermApp, Value, Var, walk
from dsl.formula import Term as FormulaTerm
from dsl.source import SourceFile, Span

# The type of the hidden last parameter of every fact, act and quantity of a timed spec: the step.
STEP = "step"

# A ground atom or quantity instance: its name and argument values (`("agrees", ("russia",))`).
# The vocabulary both the verifier and the independent evaluator speak; neither owns it.
AtomKey = tuple[str, tuple[Value, ...]]


class Modality(StrEnum):
    MUST = "must"
    MUST_NOT = "must not"
    MAY = "may"


class PredicateKind(StrEnum):
    FACT = "fact"
    ACT = "act"
    QUANTITY = "quantity"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # "party", "bool" or an enum name
    other: bool = False  # `other party`: never the value of the first parameter (an act's actor)


@dataclass(frozen=True, slots=True)
class Predicate:
    """A fact, an act or a quantity."""

    kind: PredicateKind
    name: str
    params: tuple[Param, ...]
    control: int | None  # index of the parameter whose party decides it; acts: 0
    span: Span = field(compare=False, repr=False)
    # The parameters declared `other party`: each differs from the first (an act's actor).
    # Made once (grounding asks for every instance of every predicate).
    others: tuple[int, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "others", tuple(i for i, p in enumerate(self.params) if p.other))

    def admits(self, args: tuple[Value, ...]) -> bool:
        """Whether the instance exists: no `other party` argument is the first one (no party
        hosts, assists or concludes with itself). An instance that does not exist is in no world."""
        return not any(args[i] == args[0] for i in self.others)

    def existing(self, instances: Iterable[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
        """Of instances, those that exist (`admits`), in order: grounding filters every
        combination of arguments, so the usual single `other party` is compared directly."""
        if not self.others:
            return list(instances)
        if len(self.others) == 1:
            other = self.others[0]
            return [args for args in instances if args[other] != args[0]]
        return [args for args in instances if self.admits(args)]


@dataclass(frozen=True, slots=True)
class Horizon:
    """A bounded timeline (DESIGN 13): steps `first..last`, each named `unit N` (`day 3`), or
    one per named phase (`time phases peace, crisis;`). Every fact, act and quantity holds at a
    step: its last argument. What is proved holds up to `last`."""

    unit: str | None  # None for named phases
    first: int
    last: int
    phases: Mapping[str, tuple[int, int]]  # named intervals, first and last step
    names: tuple[str, ...] = ()  # the named phases of `time phases`, one per step

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    def label(self, step: int) -> str:
        """`day 3`, or the phase's name."""
        return self.names[step - self.first] if self.names else f"{self.unit} {step}"

    def units(self, n: int) -> str:
        """`3 days`, `1 day`; `steps` for named phases."""
        word = self.unit or "step"
        return f"{n} {word if n == 1 else word + 's'}"

    def phrase(self) -> str:
        """`day 0 to day 10`, or `peace, crisis and ceasefire`."""
        if self.names:
            return ", ".join(self.names[:-1]) + (" and " if len(self.names) > 1 else "") + self.names[-1]
        return f"{self.label(self.first)} to {self.label(self.last)}"


def step_of(key: AtomKey) -> tuple[AtomKey, int | None]:
    """An atom without its step, and the step (None in an untimed spec): the step is the only
    int argument of an atom (bools are ints to Python, and never steps)."""
    name, args = key
    if args and type(args[-1]) is int:
        return (name, args[:-1]), args[-1]
    return key, None


@dataclass(frozen=True, slots=True)
class Reading:
    name: str
    body: Formula  # over the term's parameters (Var(param.name))
    alias_of: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """Open-textured wording: one reading per party or doctrine, or none (open)."""

    name: str
    params: tuple[Param, ...]
    readings: tuple[Reading, ...]
    span: Span = field(compare=False, repr=False)

    def reading(self, name: str | None) -> Reading | None:
        return next((r for r in self.readings if r.name == name), None)


@dataclass(frozen=True, slots=True)
class Protection:
    """`protects P against E`: what a guarantee exists for."""

    party: str
    event: Formula  # closed formula
    phrase: str = ""  # the event as messages name it: the spec's phrase, else the event as written


@dataclass(frozen=True, slots=True)
class Requirement:
    """`protection P against E by R`: the response R that counts as protecting P when E
    happens (DESIGN §12). `response` holds for the party bound to `actor_var` giving R."""

    party: str
    event: Formula  # closed formula
    phrase: str  # the event as messages name it
    actor_var: str
    response: Formula  # free in actor_var only
    response_text: str  # R as written (`assist(to: ukraine) where means in {...}`)
    index: int
    path: str
    span: Span = field(compare=False, repr=False)
    # `... within N` in a timed spec: the event is its first occurrence, and R counts only
    # within N steps of it (the formulas above say so already; this is for messages).
    within: int | None = None
    # R given by the actor at some step, whatever the event (what an act must be to give R); None:
    # `response` (no time).
    given: Formula | None = None

    @property
    def gives(self) -> Formula:
        """R given by the party bound to `actor_var`, at any time and whether or not E happened."""
        return self.response if self.given is None else self.given


@dataclass(frozen=True, slots=True)
class Norm:
    """One norm of a clause, for every subject in `subjects`.

    Ground meaning, for a subject s and pattern binding b of `pattern_vars`:
      must not:  condition(s,b) and where(s,b)  ->  not act(s, pattern(b))
      must:      condition(s)  ->  exists b: where(s,b) and act(s, pattern(b))
      may:       condition(s,b) and where(s,b) permits act(s, pattern(b))
      keep (act is None):  condition(s) -> keep(s)   (must)  /  permits keep (may)
    `condition` already includes the bracket guard, `when`, `not unless` and the
    suspension by overriding clauses.
    """

    clause: str
    index: int
    modality: Modality
    subject_var: str  # variable bound to the subject in the formulas below
    subjects: tuple[str, ...]
    act: str | None
    pattern: tuple[FormulaTerm, ...]  # arguments after the actor
    pattern_vars: tuple[tuple[str, tuple[Value, ...]], ...]
    where: Formula
    condition: Formula
    keep: Formula | None
    protects: Protection | None
    is_limit: bool
    span: Span = field(compare=False, repr=False)
    # Where the norm exists at all: the bracketed alternatives that contain it (TRUE outside brackets).
    guard: Formula = field(default=BoolConst(True))
    # A timed spec's norms hold once per step: the step of this one (a deadline's, the step the
    # deadline falls due); None in an untimed spec.
    step: int | None = None
    @property
    def delay(self) -> int | None:
        """A deadline's N (`must A within N of E`): its act falls at one of N+1 steps, a pattern
        variable; None for any other norm."""
        if self.step is None or self.act is None or self.modality is not Modality.MUST \
                or not self.pattern or not isinstance(self.pattern[-1], Var):
            return None
        return len(self.pattern_vars[-1][1]) - 1

    # A timed spec: the index of the first instance of the statement this norm is an instance of
    # (one per step; one statement per member of a `for`). The norms with the same `first` are
    # one norm over the steps. None in an untimed spec.
    first: int | None = None
    # The `where` as written (`with in guarantors`), for messages; None without one.
    where_text: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    label: str
    source: str | None
    text: str | None
    note: str | None
    norms: tuple[Norm, ...]
    overrides: tuple[str, ...]
    instrument: str
    rank: int
    path: str
    span: Span = field(compare=False, repr=False)

    def deadlines(self) -> list[tuple[Norm, ...]]:
        """The clause's deadlines, each as its instances (one per step of the event, in step
        order)."""
        grouped: dict[int | None, list[Norm]] = {}
        for n in self.norms:
            if n.delay is not None:
                grouped.setdefault(n.first, []).append(n)
        return [tuple(ns) for ns in grouped.values()]


@dataclass(frozen=True, slots=True)
class Bracket:
    """A bracketed revision: its alternatives by label (`base` is the agreed text)."""

    id: str
    labels: tuple[str, ...]
    clause: str | None
    span: Span = field(compare=False, repr=False)
    # A bracket whose alternatives are all numbers (and not a count's head count) chooses a
    # figure: the lowest and highest it names. Set where the bracket is written, so that it
    # holds even where the formula around it simplifies away (`true or x > [a: 1 | b: 2]`).
    figures: tuple[int, int] | None = None


class QueryKind(StrEnum):
    EXPECT = "expect"
    ASSERT_NO = "assert no"
    ASSERT = "assert"
    SCENARIO = "scenario"


@dataclass(frozen=True, slots=True)
class Query:
    kind: QueryKind
    name: str  # the assertion or scenario name; for expectations, the written pattern
    finding_kind: str | None = None
    clauses: tuple[str, ...] = ()
    party: str | None = None
    draft: str | None = None
    reading: str | None = None
    formula: Formula | None = None
    span: Span = field(compare=False, repr=False, default=None)  # type: ignore[assignment]  # None in queries made without text (tests/oracle)
    # `while russia breaches art2`: (party, clauses) whose norms the worlds asked about do not
    # respect; no clauses: the party owes nothing there. Everyone else complies.
    breaches: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def while_phrase(self) -> str:
        """` while russia breaches art2` as written, or ""."""
        parts = [f"{p} breaches {', '.join(cs)}".rstrip() for p, cs in self.breaches]
        return f" while {' and '.join(parts)}" if parts else ""


class GoalKind(StrEnum):
    NO = "no"  # no finding matching a pattern
    SOME = "some"  # some finding matching a pattern
    ALWAYS = "always"  # a formula true in every compliant world
    POSSIBLE = "possible"  # a formula true in some compliant world


class Direction(StrEnum):
    MAXIMIZE = "maximize"
    MINIMIZE = "minimize"


@dataclass(frozen=True, slots=True)
class Goal:
    """A party's requirement on any acceptable text (used by `nverify negotiate`)."""

    party: str
    label: str
    kind: GoalKind
    pattern: Query | None = None
    formula: Formula | None = None
    span: Span = field(compare=False, repr=False, default=None)  # type: ignore[assignment]  # None in queries made without text (tests/oracle)


@dataclass(frozen=True, slots=True)
class Objective:
    direction: Direction
    expr: IntExpr
    text: str
    span: Span = field(compare=False, repr=False, default=None)  # type: ignore[assignment]  # None in queries made without text (tests/oracle)


@dataclass(frozen=True, slots=True)
class PartyClass:
    """Interchangeable parties (in declaration order), the groups they are in, and the
    first few that stand for all of them in the checks."""

    members: tuple[str, ...]
    groups: tuple[str, ...]
    representatives: tuple[str, ...]

    @property
    def left_out(self) -> tuple[str, ...]:
        return self.members[len(self.representatives):]


@dataclass(frozen=True, slots=True)
class Instrument:
    """A checked instrument (or regime): the unit every check runs on."""

    name: str
    title: str
    source: str | None
    path: str
    parties: tuple[str, ...]
    groups: Mapping[str, tuple[Value, ...]]
    enums: Mapping[str, tuple[str, ...]]
    predicates: Mapping[str, Predicate]  # in declaration order
    terms: Mapping[str, Term]
    assumptions: tuple[Formula, ...]
    clauses: tuple[Clause, ...]
    brackets: Mapping[str, Bracket]
    queries: tuple[Query, ...]
    files: tuple[str, ...]  # the files it was built from, the root first
    sources: Mapping[str, SourceFile] = field(compare=False, repr=False)
    goals: tuple[Goal, ...] = ()
    objectives: tuple[Objective, ...] = ()
    requirements: tuple[Requirement, ...] = ()  # protection requirements, in the root file's order
    # `check under reading NAME [for TERM];` in the root file, as `--reading` items (NAME or TERM=NAME):
    # the baseline readings of its checks, before the command line's.
    checked_under: tuple[str, ...] = ()
    # Classes of interchangeable parties checked through a few representatives (dsl.symmetry):
    # the others are not in `parties` or `groups`; a finding about a representative holds
    # for each member of its class.
    symmetry: tuple[PartyClass, ...] = ()
    # Every party in declaration order, those the classes leave out of `parties` included.
    declared: tuple[str, ...] = ()
    # A timed spec's horizon (every predicate then has a last parameter of type STEP); None: no time.
    horizon: Horizon | None = None
    # Clause id -> clause: the checks look clauses up by id for every finding and formula.
    _clause_index: Mapping[str, Clause] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clause_index", {c.id: c for c in self.clauses})

    def domain(self, type_name: str) -> tuple[Value, ...]:
        if type_name == "party":
            return self.parties
        if type_name == "bool":
            return (False, True)
        if type_name == STEP and self.horizon is not None:
            return self.horizon.steps
        return tuple(self.enums[type_name])

    def clause(self, clause_id: str) -> Clause:
        return self._clause_index[clause_id]

    def has_clause(self, clause_id: str) -> bool:
        return clause_id in self._clause_index

    def reached(self, roots: Iterable[Node], parts: Callable[[Norm], Iterable[Formula | None]]) -> Iterator[Node]:
        """Every node of `roots`, of the readings of the vague terms they apply, and of `parts` of
        the norms of the clauses whose breach they name (None parts skipped), and so on: what
        the meaning of `roots` can read. Each term's readings and each clause's norms once."""
        todo = list(roots)
        terms: set[str] = set()
        clauses: set[str] = set()
        while todo:
            for node in walk(todo.pop()):
                yield node
                if isinstance(node, TermApp) and node.term not in terms and node.term in self.terms:
                    terms.add(node.term)
                    todo += [r.body for r in self.terms[node.term].readings]
                elif isinstance(node, Breached) and node.clause not in clauses:
                    clauses.add(node.clause)
                    todo += [p for n in self.clause(node.clause).norms for p in parts(n) if p is not None]

    @property
    def norms(self) -> tuple[Norm, ...]:
        return tuple(n for c in self.clauses for n in c.norms)

    def reading_names(self) -> tuple[str, ...]:
        names = {r.name for t in self.terms.values() for r in t.readings}
        return tuple(sorted(names))

    def draft_labels(self) -> tuple[str, ...]:
        labels = {lab for b in self.brackets.values() for lab in b.labels if lab != "base"}
        return tuple(sorted(labels))
