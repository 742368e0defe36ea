"""IR 1, the syntax tree: what was written, with a span on every node.

Built by `dsl.parser` from Lark's parse tree; consumed by `dsl.resolve` and
`dsl.elaborate`. Names are still strings here; nothing has been checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl.source import SourceFile, Span


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    span: Span = field(compare=False, repr=False)


# ---- expressions -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NameRef:
    name: Name
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Wildcard:
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Number:
    value: int
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span = field(compare=False, repr=False)


ArgValue = NameRef | Wildcard | Number | BoolLit


@dataclass(frozen=True, slots=True)
class Arg:
    name: Name | None  # None for a positional argument
    value: ArgValue
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    name: Name
    args: tuple[Arg, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "and" | "or" | "implies"
    left: Expr
    right: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # == != <= >= < >
    left: Expr
    right: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # + -
    left: Expr
    right: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SetName:
    name: Name
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SetLiteral:
    items: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


SetExpr = SetName | SetLiteral


@dataclass(frozen=True, slots=True)
class Member:
    element: Expr
    set: SetExpr
    negated: bool
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Binder:
    var: Name
    set: SetExpr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Quantified:
    kind: str  # "exists" | "all"
    binders: tuple[Binder, ...]
    body: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Count:
    """`at least N of x in G: F` (kind "at least", "at most", "exactly") or `a majority of x in G: F`
    (kind "a majority", no bound): how many members of G satisfy F."""

    kind: str
    bound: Number | ExprBracket | None
    binder: Binder
    body: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ExprAlt:
    label: Name
    expr: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ExprBracket:
    """A bracketed revision inside an expression: `[russia: 85000 | ukraine: 250000]`."""

    alts: tuple[ExprAlt, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Temporal:
    """A condition read at other steps (DESIGN 13): `E at 3`, `E at PHASE`, `within N of E`,
    `since E`, `after E`, `before E`, `until E`, `first E`, `during PHASE` (operand None)."""

    kind: str  # "at" | "within" | "since" | "after" | "before" | "until" | "first" | "during"
    operand: Expr | None
    amount: Number | None  # N of `within N of`, the step of `at N`
    phase: Name | None  # `at PHASE`, `during PHASE`
    span: Span = field(compare=False, repr=False)


Expr = NameRef | Call | Number | BoolLit | Not | Binary | Compare | Arith | Member | Quantified | Count | ExprBracket \
    | Temporal


# ---- declarations ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Param:
    name: Name
    type: Name
    span: Span = field(compare=False, repr=False)
    qualifier: Name | None = None  # `other` in `to: other party`


@dataclass(frozen=True, slots=True)
class InstrumentDecl:
    name: Name
    title: str
    source: str | None
    rank: int | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ImportDecl:
    path: str
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PartyDecl:
    names: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GroupDecl:
    name: Name
    members: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class EnumDecl:
    name: Name
    values: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PredicateDecl:
    """A fact, act or quantity declaration."""

    kind: str  # "fact" | "act" | "quantity"
    name: Name
    params: tuple[Param, ...]
    control: Name | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class DefineDecl:
    name: Name
    params: tuple[Param, ...]
    body: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Reading:
    name: Name
    body: Expr | None  # None for an alias
    alias: Name | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TermDecl:
    name: Name
    params: tuple[Param, ...]
    readings: tuple[Reading, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AssumeDecl:
    expr: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CheckReadingDecl:
    """`check under reading NAME [for TERM, ...];`: the baseline reading of the spec's checks."""

    reading: Name
    terms: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class EachSubject:
    var: Name
    set: SetExpr
    span: Span = field(compare=False, repr=False)


Subject = Name | EachSubject


@dataclass(frozen=True, slots=True)
class ActAction:
    name: Name
    args: tuple[Arg, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class KeepAction:
    expr: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Protects:
    party: Name
    event: Expr
    phrase: str | None  # how messages name the event, if the spec says
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Deadline:
    """`within N of E` after a norm's act: owed at some step of the N after each step with E.
    N may be bracketed per draft (`within [russia: 7 | ukraine: 3] of E`)."""

    steps: Number | ExprBracket
    event: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NormDecl:
    subject: Subject
    modality: str  # "must" | "must not" | "may"
    action: ActAction | KeepAction
    where: Expr | None
    when: Expr | None
    unless: Expr | None
    protects: Protects | None
    span: Span = field(compare=False, repr=False)
    deadline: Deadline | None = None


@dataclass(frozen=True, slots=True)
class LimitDecl:
    expr: Expr
    when: Expr | None
    unless: Expr | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NormAlt:
    label: Name
    items: tuple[ClauseItem, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NormBracket:
    alts: tuple[NormAlt, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ForItem:
    """`for v in G: NORM`: the norm once for every member of G (say, every victim)."""

    var: Name
    set: SetExpr
    item: ClauseItem
    span: Span = field(compare=False, repr=False)


ClauseItem = NormDecl | LimitDecl | NormBracket | ForItem


@dataclass(frozen=True, slots=True)
class ClauseDecl:
    id: Name
    label: str
    source: str | None
    text: str | None
    note: str | None
    overrides: tuple[Name, ...]
    items: tuple[ClauseItem, ...]
    span: Span = field(compare=False, repr=False)
    header: Span = field(compare=False, repr=False)  # `clause id "label"`: where findings point


@dataclass(frozen=True, slots=True)
class FindingPattern:
    kind: Name
    clauses: tuple[Name, ...]
    party: Name | None
    draft: Name | None
    reading: Name | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ExpectDecl:
    pattern: FindingPattern
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AssertNoDecl:
    pattern: FindingPattern
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BreachOf:
    """`russia breaches art2, art3` after `while`; no clauses: the party owes nothing."""

    party: Name
    clauses: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AssertDecl:
    name: Name
    expr: Expr
    breaches: tuple[BreachOf, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ScenarioDecl:
    name: Name
    expr: Expr
    breaches: tuple[BreachOf, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GoalDecl:
    """What a party requires of any acceptable text: `goal ukraine: no blockable-guarantee on art5;`."""

    party: Name
    label: str | None
    kind: str  # "no" | "some" | "always" | "possible"
    pattern: FindingPattern | None
    expr: Expr | None
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ObjectiveDecl:
    direction: str  # "maximize" | "minimize"
    expr: Expr
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ProtectionDecl:
    """`protection P against E ["PHRASE"] by ACTION [where F];`"""

    party: Name
    event: Expr
    phrase: str | None
    action: ActAction | KeepAction
    where: Expr | None
    span: Span = field(compare=False, repr=False)
    within: Number | None = None  # `... within N`: the response counts only if given within N steps


@dataclass(frozen=True, slots=True)
class TimeDecl:
    """`time day 0..10;` (a unit and a range of steps) or `time phases a, b, c;` (named steps)."""

    unit: Name | None  # None for named phases
    first: Number | None
    last: Number | None
    phases: tuple[Name, ...]
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PhaseDecl:
    """`phase consultations = 1..3;`: a named interval of steps."""

    name: Name
    first: Number
    last: Number
    span: Span = field(compare=False, repr=False)


Decl = InstrumentDecl | ImportDecl | PartyDecl | GroupDecl | EnumDecl | PredicateDecl | DefineDecl | TermDecl | AssumeDecl | ClauseDecl | ExpectDecl | AssertNoDecl | AssertDecl | ScenarioDecl | GoalDecl | ObjectiveDecl | ProtectionDecl | CheckReadingDecl | TimeDecl | PhaseDecl


@dataclass(frozen=True, slots=True)
class Spec:
    """One parsed file."""

    source: SourceFile = field(compare=False, repr=False)
    decls: tuple[Decl, ...] = ()
