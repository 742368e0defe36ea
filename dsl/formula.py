"""The logic IR inside the checked model: formulas and integer expressions.

Formulas are closed over finite domains: every quantifier carries its domain
as a tuple of values, so both the Z3 grounding and the concrete evaluator can
expand it without looking anything up. Bound variables have unique names
(`g#3`), so substitution never captures.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from collections.abc import Iterator
from typing import Union

Value = Union[str, bool, int]  # a party or enum value name, a bool, an int


@dataclass(frozen=True, slots=True)
class Const:
    value: Value


@dataclass(frozen=True, slots=True)
class Var:
    name: str


Term = Union[Const, Var]


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


IntExpr = Union[Num, Qty, Arith, IntChoice]


# ---- formulas -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BoolConst:
    value: bool


@dataclass(frozen=True, slots=True)
class Atom:
    """A fact or act with all its arguments (the actor first, for acts)."""

    pred: str
    args: tuple[Term, ...]


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


Formula = Union[BoolConst, Atom, TermApp, Eq, Cmp, Not, And, Or, Implies, Exists, Forall, Choice]

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


# ---- substitution -------------------------------------------------------------------

def subst_term(t: Term, env: dict[str, Term]) -> Term:
    return env.get(t.name, t) if isinstance(t, Var) else t


def subst_int(e: IntExpr, env: dict[str, Term]) -> IntExpr:
    if isinstance(e, Num):
        return e
    if isinstance(e, Qty):
        return Qty(e.name, tuple(subst_term(a, env) for a in e.args))
    if isinstance(e, Arith):
        return Arith(e.op, subst_int(e.left, env), subst_int(e.right, env))
    return IntChoice(e.bracket, tuple((lab, subst_int(v, env)) for lab, v in e.options))


def subst(f: Formula, env: dict[str, Term]) -> Formula:
    """Replace free variables; bound names are unique, so nothing is captured."""
    if not env:
        return f
    if isinstance(f, BoolConst):
        return f
    if isinstance(f, Atom):
        return Atom(f.pred, tuple(subst_term(a, env) for a in f.args))
    if isinstance(f, TermApp):
        return TermApp(f.term, tuple(subst_term(a, env) for a in f.args))
    if isinstance(f, Eq):
        return _eq(subst_term(f.left, env), subst_term(f.right, env))
    if isinstance(f, Cmp):
        return Cmp(f.op, subst_int(f.left, env), subst_int(f.right, env))
    if isinstance(f, Not):
        return neg(subst(f.operand, env))
    if isinstance(f, And):
        return conj(*(subst(o, env) for o in f.operands))
    if isinstance(f, Or):
        return disj(*(subst(o, env) for o in f.operands))
    if isinstance(f, Implies):
        return Implies(subst(f.left, env), subst(f.right, env))
    if isinstance(f, Exists):
        return Exists(f.var, f.domain, subst(f.body, env))
    if isinstance(f, Forall):
        return Forall(f.var, f.domain, subst(f.body, env))
    return Choice(f.bracket, tuple((lab, subst(o, env)) for lab, o in f.options))


def _eq(a: Term, b: Term) -> Formula:
    if isinstance(a, Const) and isinstance(b, Const):
        return BoolConst(a.value == b.value)
    if a == b:
        return TRUE
    return Eq(a, b)


def mk_eq(a: Term, b: Term) -> Formula:
    """Equality of two value terms, folded when both are constants."""
    return _eq(a, b)


def free_vars(f: Formula | IntExpr) -> frozenset[str]:
    """Free variables of a formula or integer expression."""
    out: set[str] = set()
    _free(f, set(), out)
    return frozenset(out)


def _free(f: object, bound: set[str], out: set[str]) -> None:
    def term(t: Term) -> None:
        if isinstance(t, Var) and t.name not in bound:
            out.add(t.name)

    if isinstance(f, (Atom, TermApp, Qty)):
        for a in f.args:
            term(a)
    elif isinstance(f, Eq):
        term(f.left)
        term(f.right)
    elif isinstance(f, (Cmp, Arith, Implies)):
        _free(f.left, bound, out)
        _free(f.right, bound, out)
    elif isinstance(f, Not):
        _free(f.operand, bound, out)
    elif isinstance(f, (And, Or)):
        for o in f.operands:
            _free(o, bound, out)
    elif isinstance(f, (Exists, Forall)):
        _free(f.body, bound | {f.var}, out)
    elif isinstance(f, (Choice, IntChoice)):
        for _, o in f.options:
            _free(o, bound, out)


# ---- size -----------------------------------------------------------------------------

# At most this many formula nodes once quantifiers are expanded, for the whole instrument:
# the largest real instrument (hague_v) has about 430,000.
MAX_GROUND_SIZE = 2_000_000


def ground_size(f: Formula | IntExpr, term_size: Callable[[str], int] = lambda name: 1) -> int:
    """How many nodes f has once every quantifier is expanded over its domain.

    This is the work of grounding or evaluating f once. Shared subformulas (a
    definition used twice) count every time they are used, as every stage that
    walks the tree visits them again; the count itself is computed in time linear
    in the number of distinct nodes. `term_size` gives the size of a vague term's
    longest reading.
    """
    memo: dict[int, int] = {}

    def size(x: object) -> int:
        key = id(x)
        if key in memo:
            return memo[key]
        if isinstance(x, (Exists, Forall)):
            n = 1 + len(x.domain) * size(x.body)
        elif isinstance(x, (And, Or)):
            n = 1 + sum(size(o) for o in x.operands)
        elif isinstance(x, Not):
            n = 1 + size(x.operand)
        elif isinstance(x, (Implies, Cmp, Arith)):
            n = 1 + size(x.left) + size(x.right)
        elif isinstance(x, (Choice, IntChoice)):
            n = 1 + sum(size(o) for _, o in x.options)
        elif isinstance(x, TermApp):
            n = term_size(x.term)
        else:
            n = 1
        memo[key] = n
        return n

    # Iterative pre-pass, deepest first, so deep but legal formulas never hit the recursion limit.
    order: list[object] = []
    stack: list[object] = [f]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        order.append(x)
        stack.extend(_children(x))
    for x in reversed(order):
        size(x)
    return size(f)


def _children(x: object) -> list[object]:
    if isinstance(x, (Exists, Forall)):
        return [x.body]
    if isinstance(x, (And, Or)):
        return list(x.operands)
    if isinstance(x, Not):
        return [x.operand]
    if isinstance(x, (Implies, Cmp, Arith)):
        return [x.left, x.right]
    if isinstance(x, (Choice, IntChoice)):
        return [o for _, o in x.options]
    return []


def walk(f: Formula | IntExpr) -> Iterator[Formula | IntExpr]:
    """Every node of a formula or integer expression, the root first (bracket options included)."""
    stack: list[object] = [f]
    while stack:
        node = stack.pop()
        yield node  # type: ignore[misc]
        if isinstance(node, (Cmp, Arith, Implies)):
            stack.extend((node.right, node.left))
        elif isinstance(node, Not):
            stack.append(node.operand)
        elif isinstance(node, (And, Or)):
            stack.extend(reversed(node.operands))
        elif isinstance(node, (Exists, Forall)):
            stack.append(node.body)
        elif isinstance(node, (Choice, IntChoice)):
            stack.extend(o for _, o in reversed(node.options))
