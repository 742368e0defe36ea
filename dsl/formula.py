"""The logic IR inside the checked model: formulas and integer expressions.

Formulas are closed over finite domains: every quantifier carries its domain
as a tuple of values, so both the Z3 grounding and the concrete evaluator can
expand it without looking anything up. Bound variables have unique names
(`g#3`), so substitution never captures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar, assert_never

from dsl.source import Span

Value = str | bool | int  # a party or enum value name, a bool, an int


@dataclass(frozen=True, slots=True)
class Const:
    value: Value


@dataclass(frozen=True, slots=True)
class Var:
    name: str


Term = Const | Var


# ---- integer expressions ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Num:
    value: int


@dataclass(frozen=True, slots=True)
class Qty:
    name: str
    args: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # "+" | "-"
    left: IntExpr
    right: IntExpr


@dataclass(frozen=True, slots=True)
class IntChoice:
    """Alternative numbers of a bracketed revision."""

    bracket: str
    options: tuple[tuple[str, IntExpr], ...]  # (label, value)


IntExpr = Num | Qty | Arith | IntChoice


# ---- formulas -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BoolConst:
    value: bool


@dataclass(frozen=True, slots=True)
class Atom:
    """A fact or act with all its arguments (the actor first, for acts)."""

    pred: str
    args: tuple[Term, ...]
    span: Span | None = field(default=None, compare=False, repr=False)  # where it is written, if known


@dataclass(frozen=True, slots=True)
class TermApp:
    """A vague term; its meaning depends on the reading in force."""

    term: str
    args: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Eq:
    left: Term
    right: Term


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str  # == != <= >= < >
    left: IntExpr
    right: IntExpr
    # Where the comparison is written (a limit, a reading, a condition), so a message can point
    # at the part of a clause responsible; None for comparisons made without text (tests).
    # Spans take no part in equality (dsl.source).
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Formula


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class Implies:
    left: Formula
    right: Formula


@dataclass(frozen=True, slots=True)
class Exists:
    var: str
    domain: tuple[Value, ...]
    body: Formula


@dataclass(frozen=True, slots=True)
class Forall:
    var: str
    domain: tuple[Value, ...]
    body: Formula


@dataclass(frozen=True, slots=True)
class Choice:
    """Alternative conditions of a bracketed revision; exactly one is in the draft."""

    bracket: str
    options: tuple[tuple[str, Formula], ...]


@dataclass(frozen=True, slots=True)
class Count:
    """How many values of `var` in `domain` satisfy `body`, compared with `bound`:
    Σ_{var∈domain} [body] `op` bound, op one of >= <= == >. `a majority of` is
    op ">" with bound |domain| // 2 (Σ > |G|/2 for a whole Σ), and `majority` set so
    explanations can say it. The bound is a Num or an IntChoice of Nums (a bracket)."""

    op: str
    var: str
    domain: tuple[Value, ...]
    body: Formula
    bound: IntExpr
    majority: bool = False
    group: str = ""  # the set's name as written (`guarantors`, `party`); "" for a literal `{a, b}`


@dataclass(frozen=True, slots=True)
class Breached:
    """`breached(clause, by: party)`: the party does not respect its norms of the clause
    (DESIGN 12: the negation of their conjunction). Its meaning is the clause's norms in
    force, so every stage evaluates it through the instrument, as a vague term through
    its readings; `dsl.breaches` checks that no clause depends on its own breach."""

    clause: str
    party: Term
    # In a timed spec, the step whose norms are meant (a norm's `step`: where its breach happens);
    # None: the norms of every step (a breach at some step).
    step: int | None = None


Formula = BoolConst | Atom | TermApp | Eq | Cmp | Not | And | Or | Implies | Exists | Forall | Choice | Count \
    | Breached

TRUE = BoolConst(True)
FALSE = BoolConst(False)


def conj(*parts: Formula) -> Formula:
    """And with the constants folded away."""
    flat: list[Formula] = []
    for p in parts:
        if p == TRUE:
            continue
        if p == FALSE:
            return FALSE
        if isinstance(p, And):
            flat.extend(p.operands)
        else:
            flat.append(p)
    if not flat:
        return TRUE
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def disj(*parts: Formula) -> Formula:
    """Or with the constants folded away."""
    flat: list[Formula] = []
    for p in parts:
        if p == FALSE:
            continue
        if p == TRUE:
            return TRUE
        if isinstance(p, Or):
            flat.extend(p.operands)
        else:
            flat.append(p)
    if not flat:
        return FALSE
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def neg(f: Formula) -> Formula:
    if isinstance(f, BoolConst):
        return BoolConst(not f.value)
    if isinstance(f, Not):
        return f.operand
    return Not(f)


# ---- traversal ------------------------------------------------------------------------
# Every visitor of the IR is an exhaustive `match` ending in `assert_never`, or is built on
# `children`, `walk` or `fold`, which are: a node type added to `Formula` or `IntExpr` and
# not handled fails `mypy --strict` instead of being skipped in silence.

Node = Formula | IntExpr  # any node of the IR
R = TypeVar("R")


def children(node: Node) -> tuple[Node, ...]:
    """The formulas and integer expressions directly below a node, in source order
    (every option of a bracket; a vague term's readings are not part of the node)."""
    match node:
        case BoolConst() | Atom() | TermApp() | Eq() | Num() | Qty() | Breached():
            return ()
        case Not():
            return (node.operand,)
        case And() | Or():
            return node.operands
        case Implies() | Cmp() | Arith():
            return (node.left, node.right)
        case Exists() | Forall():
            return (node.body,)
        case Count():
            return (node.body, node.bound)
        case Choice() | IntChoice():
            return tuple(o for _, o in node.options)
        case _:
            assert_never(node)


def walk(f: Node) -> Iterator[Node]:
    """Every node of a formula or integer expression, the root first (bracket options included)."""
    stack: list[Node] = [f]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def fold(f: Node, combine: Callable[[Node, Sequence[R]], R]) -> R:
    """`combine(node, results of its children)`, bottom up. A node shared by several parents
    (a definition used twice) is combined once; deep formulas never hit the recursion limit."""
    done: dict[int, R] = {}  # by id: f holds every node, so no id is reused meanwhile
    stack: list[tuple[Node, bool]] = [(f, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        below = children(node)
        if expanded:
            done[id(node)] = combine(node, [done[id(c)] for c in below])
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(below) if id(c) not in done)
    return done[id(f)]


# ---- substitution -------------------------------------------------------------------

def subst_term(t: Term, env: dict[str, Term]) -> Term:
    return env.get(t.name, t) if isinstance(t, Var) else t


def subst_int(e: IntExpr, env: dict[str, Term]) -> IntExpr:
    match e:
        case Num():
            return e
        case Qty():
            return Qty(e.name, tuple(subst_term(a, env) for a in e.args))
        case Arith():
            return Arith(e.op, subst_int(e.left, env), subst_int(e.right, env))
        case IntChoice():
            return IntChoice(e.bracket, tuple((lab, subst_int(v, env)) for lab, v in e.options))
        case _:
            assert_never(e)


def subst(f: Formula, env: dict[str, Term]) -> Formula:
    """Replace free variables; bound names are unique, so nothing is captured."""
    if not env:
        return f
    match f:
        case BoolConst():
            return f
        case Atom():
            return Atom(f.pred, tuple(subst_term(a, env) for a in f.args), f.span)
        case TermApp():
            return TermApp(f.term, tuple(subst_term(a, env) for a in f.args))
        case Eq():
            return _eq(subst_term(f.left, env), subst_term(f.right, env))
        case Cmp():
            return Cmp(f.op, subst_int(f.left, env), subst_int(f.right, env), f.span)
        case Not():
            return neg(subst(f.operand, env))
        case And():
            return conj(*(subst(o, env) for o in f.operands))
        case Or():
            return disj(*(subst(o, env) for o in f.operands))
        case Implies():
            return Implies(subst(f.left, env), subst(f.right, env))
        case Exists():
            return Exists(f.var, f.domain, subst(f.body, env))
        case Forall():
            return Forall(f.var, f.domain, subst(f.body, env))
        case Choice():
            return Choice(f.bracket, tuple((lab, subst(o, env)) for lab, o in f.options))
        case Count():
            return Count(f.op, f.var, f.domain, subst(f.body, env), f.bound, f.majority, f.group)
        case Breached():
            return Breached(f.clause, subst_term(f.party, env))
        case _:
            assert_never(f)


def _eq(a: Term, b: Term) -> Formula:
    if isinstance(a, Const) and isinstance(b, Const):
        return BoolConst(a.value == b.value)
    if a == b:
        return TRUE
    return Eq(a, b)


def mk_eq(a: Term, b: Term) -> Formula:
    """Equality of two value terms, folded when both are constants."""
    return _eq(a, b)


def terms_of(node: Node) -> tuple[Term, ...]:
    """The value terms a node holds itself (not those of the nodes below it)."""
    match node:
        case Atom() | TermApp() | Qty():
            return node.args
        case Eq():
            return (node.left, node.right)
        case Breached():
            return (node.party,)
        case BoolConst() | Num() | Not() | And() | Or() | Implies() | Cmp() | Arith() | Exists() | Forall() \
                | Choice() | IntChoice() | Count():
            return ()
        case _:
            assert_never(node)


def free_vars(f: Node) -> frozenset[str]:
    """Free variables of a formula or integer expression."""
    out: set[str] = set()
    todo: list[tuple[Node, frozenset[str]]] = [(f, frozenset())]
    while todo:
        node, bound = todo.pop()
        out.update(t.name for t in terms_of(node) if isinstance(t, Var) and t.name not in bound)
        inner = bound | {node.var} if isinstance(node, (Exists, Forall, Count)) else bound
        todo.extend((c, inner) for c in children(node))
    return frozenset(out)


# ---- size -----------------------------------------------------------------------------

# At most this many formula nodes once quantifiers are expanded, for the whole instrument:
# the largest real instrument (hague_v) has about 430,000.
MAX_GROUND_SIZE = 2_000_000


def ground_size(f: Node, term_size: Callable[[str], int] = lambda name: 1,
                breach_size: Callable[[str], int] = lambda clause: 1) -> int:
    """How many nodes f has once every quantifier is expanded over its domain.

    This is the work of grounding or evaluating f once. Shared subformulas (a
    definition used twice) count every time they are used, as every stage that
    walks the tree visits them again; the count itself is computed in time linear
    in the number of distinct nodes. `term_size` gives the size of a vague term's
    longest reading, `breach_size` that of a clause's norms for one party.
    """
    def size(node: Node, below: Sequence[int]) -> int:
        match node:
            case Exists() | Forall():
                return 1 + len(node.domain) * below[0]
            case Count():
                return 1 + len(node.domain) * below[0] + below[1]
            case TermApp():
                return term_size(node.term)
            case Breached():
                return breach_size(node.clause)
            case BoolConst() | Atom() | Eq() | Num() | Qty():
                return 1
            case Not() | And() | Or() | Implies() | Cmp() | Arith() | Choice() | IntChoice():
                return 1 + sum(below)
            case _:
                assert_never(node)

    return fold(f, size)


# ---- values known without a world ------------------------------------------------------

def known(f: Formula, env: Mapping[str, Value]) -> bool | None:
    """f's value where no world is needed, else None (three-valued, Kleene): atoms, vague
    terms (whatever their reading), quantities and brackets are unknown; `and` is false as
    soon as one part is, `or` true as soon as one part is. A count is known when every
    number of members its unknown members can make gives the same answer ("at least 0"). This is
    what makes `v == pb and consents(pb)` mention nothing for v = pa."""
    kind = type(f)
    if kind is Atom or kind is TermApp:  # (the commonest parts, told apart before `match` tries each case)
        return None
    match f:
        case BoolConst():
            return f.value
        case Eq():
            left, right = _term_value(f.left, env), _term_value(f.right, env)
            return None if left is None or right is None else left == right
        case Not():
            inner = known(f.operand, env)
            return None if inner is None else not inner
        case And() | Forall():
            parts = [known(o, env) for o in f.operands] if isinstance(f, And) \
                else [known(f.body, {**env, f.var: v}) for v in f.domain]
            return False if False in parts else True if all(p is True for p in parts) else None
        case Or() | Exists():
            parts = [known(o, env) for o in f.operands] if isinstance(f, Or) \
                else [known(f.body, {**env, f.var: v}) for v in f.domain]
            return True if True in parts else False if all(p is False for p in parts) else None
        case Implies():
            left, right = known(f.left, env), known(f.right, env)
            return True if left is False or right is True else False if left is True and right is False else None
        case Cmp():
            a, b = _known_int(f.left), _known_int(f.right)
            return None if a is None or b is None else compare(f.op, a, b)
        case Count():
            bound = _known_int(f.bound)
            if bound is None:
                return None
            parts = [known(f.body, {**env, f.var: v}) for v in f.domain]
            sure, open_ = parts.count(True), parts.count(None)
            passing = {compare(f.op, k, bound) for k in range(sure, sure + open_ + 1)}
            return passing.pop() if len(passing) == 1 else None
        case Atom() | TermApp() | Choice() | Breached():
            return None
        case _:
            assert_never(f)


def _term_value(t: Term, env: Mapping[str, Value]) -> Value | None:
    """A constant's value, a bound variable's; None for a variable env does not bind (unknown)."""
    return t.value if isinstance(t, Const) else env.get(t.name)


def _known_int(e: IntExpr) -> int | None:
    match e:
        case Num():
            return e.value
        case Arith():
            a, b = _known_int(e.left), _known_int(e.right)
            return None if a is None or b is None else a + b if e.op == "+" else a - b
        case Qty() | IntChoice():
            return None
        case _:
            assert_never(e)


def compare(op: str, a: int, b: int) -> bool:
    """`a op b` for the comparison operators of the IR (Cmp and Count)."""
    return {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[op]


# ---- which brackets a computation reads ----------------------------------------------------
# `negotiate` runs the checks on one candidate draft and learns which other drafts they would
# answer alike: those that choose the same alternatives in every bracket whose choice the run
# read. A choice is read where a bracketed formula or head count is translated into the solver
# (its alternatives under their selectors) or evaluated (the draft's alternative).
_brackets_read: list[set[str]] = []


def read_bracket(bracket: str) -> None:
    """Note that what the draft chooses in `bracket` is read (by every `brackets_read` open)."""
    for seen in _brackets_read:
        seen.add(bracket)


@contextmanager
def brackets_read() -> Iterator[set[str]]:
    """The brackets whose choice the code run inside reads (`read_bracket`), as it runs."""
    seen: set[str] = set()
    _brackets_read.append(seen)
    try:
        yield seen
    finally:
        _brackets_read.pop()
