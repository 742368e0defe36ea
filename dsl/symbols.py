"""Declarations of a file and its imports -> Symbols, the table every later pass reads.

Checks made here: duplicate names (with the first declaration as a note),
unknown parameter types, `controlled by` naming a party parameter, acts whose
first parameter (the actor) is a party, groups whose members are known values
of one type.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.model import Horizon, Param, Predicate, PredicateKind
from dsl.source import Span

BUILTIN_TYPES = ("party", "bool")
# The most steps a horizon may have: every atom is one per step, and a year of days stays well
# inside the atom limit for a small world.
MAX_STEPS = 366
# Words that read as values or types and may not be declared again.
RESERVED = {"party", "bool", "base", "true", "false"}


@dataclass
class Symbols:
    """Everything declared in a file and its imports, by name."""

    parties: dict[str, Span] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # value name -> its type ("party" or enum)
    groups: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # members, element type
    predicates: dict[str, Predicate] = field(default_factory=dict)
    defines: dict[str, S.DefineDecl] = field(default_factory=dict)
    terms: dict[str, S.TermDecl] = field(default_factory=dict)
    clauses: dict[str, S.ClauseDecl] = field(default_factory=dict)
    clause_files: dict[str, str] = field(default_factory=dict)
    declared_at: dict[str, Span] = field(default_factory=dict)  # every global name -> first declaration
    kinds: dict[str, str] = field(default_factory=dict)  # global name -> what it is ("party", "act", ...)
    horizon: Horizon | None = None  # `time ...;` (DESIGN 13): None, no time
    time_span: Span | None = None  # where the horizon is declared

    def all_names(self) -> list[str]:
        return list(self.declared_at)

    def suggest(self, name: str, among: list[str] | None = None) -> str | None:
        pool = among if among is not None else self.all_names()
        close = difflib.get_close_matches(name, pool, n=1, cutoff=0.7)
        return f"did you mean `{close[0]}`?" if close else None

    def is_type(self, name: str) -> bool:
        return name in BUILTIN_TYPES or name in self.enums


def collect(specs: list[S.Spec], diags: Diagnostics) -> Symbols:
    """Build the symbol table of specs (imports first, the root last)."""
    sym = Symbols()

    def declare(name: S.Name, kind: str) -> bool:
        if name.text in RESERVED:
            diags.error(Code.DUPLICATE_NAME, name.span, f"`{name.text}` is a reserved word and cannot be declared")
            return False
        first = sym.declared_at.get(name.text)
        if first is not None:
            diags.error(Code.DUPLICATE_NAME, name.span,
                        f"`{name.text}` is already declared as {_article(sym.kinds[name.text])}",
                        notes=(("first declared here", first),))
            return False
        sym.declared_at[name.text] = name.span
        sym.kinds[name.text] = kind
        return True

    for spec in specs:
        for decl in spec.decls:
            if isinstance(decl, S.PartyDecl):
                for n in decl.names:
                    if declare(n, "party"):
                        sym.parties[n.text] = n.span
                        sym.values[n.text] = "party"
            elif isinstance(decl, S.EnumDecl):
                if declare(decl.name, "enum"):
                    vals = []
                    for v in decl.values:
                        if declare(v, f"value of enum `{decl.name.text}`"):
                            sym.values[v.text] = decl.name.text
                            vals.append(v.text)
                    sym.enums[decl.name.text] = tuple(vals)
            elif isinstance(decl, S.PredicateDecl):
                declare(decl.name, decl.kind)
            elif isinstance(decl, S.GroupDecl):
                declare(decl.name, "group")
            elif isinstance(decl, S.DefineDecl):
                if declare(decl.name, "definition"):
                    sym.defines[decl.name.text] = decl
            elif isinstance(decl, S.TermDecl):
                if declare(decl.name, "term"):
                    sym.terms[decl.name.text] = decl
            elif isinstance(decl, S.ClauseDecl):
                first_clause = sym.clauses.get(decl.id.text)
                if first_clause is not None:
                    diags.error(Code.DUPLICATE_NAME, decl.id.span, f"clause `{decl.id.text}` is already declared",
                                notes=(("first declared here", first_clause.id.span),))
                else:
                    sym.clauses[decl.id.text] = decl
                    sym.clause_files[decl.id.text] = spec.source.path

    _time(specs, sym, diags, declare)
    # Second pass: things that refer to types and values declared anywhere.
    for spec in specs:
        for decl in spec.decls:
            if isinstance(decl, S.PredicateDecl) and sym.kinds.get(decl.name.text) == decl.kind \
                    and sym.declared_at.get(decl.name.text) is decl.name.span:
                pred = _predicate(decl, sym, diags)
                if pred is not None:
                    sym.predicates[decl.name.text] = pred
            elif isinstance(decl, S.GroupDecl) and sym.declared_at.get(decl.name.text) is decl.name.span:
                _group(decl, sym, diags)
    for term in sym.terms.values():
        check_params(term.params, sym, diags, f"a term (`{term.name.text}`)")
    for define in sym.defines.values():
        check_params(define.params, sym, diags, f"a definition (`{define.name.text}`)")
    return sym


def _time(specs: list[S.Spec], sym: Symbols, diags: Diagnostics, declare: Callable[[S.Name, str], bool]) -> None:
    """The horizon (one `time` declaration, in any file of the spec) and the named phases."""
    times = [d for spec in specs for d in spec.decls if isinstance(d, S.TimeDecl)]
    phases = [d for spec in specs for d in spec.decls if isinstance(d, S.PhaseDecl)]
    for extra in times[1:]:
        diags.error(Code.BAD_TIME, extra.span, "a spec has one timeline: `time` is declared twice",
                    notes=(("first declared here", times[0].span),))
    if not times:
        for p in phases:
            diags.error(Code.BAD_TIME, p.span, "a phase needs a timeline: declare one first (`time day 0..10;`)")
        return
    decl = times[0]
    named: dict[str, tuple[int, int]] = {}
    if decl.unit is None:
        for i, n in enumerate(decl.phases):
            if declare(n, "phase"):
                named[n.text] = (i, i)
        first, last = 0, len(decl.phases) - 1
        unit = None
    else:
        assert decl.first is not None and decl.last is not None
        first, last, unit = decl.first.value, decl.last.value, decl.unit.text
        if last < first:
            diags.error(Code.BAD_TIME, decl.last.span, f"the timeline ends ({last}) before it starts ({first})")
            return
    if last - first + 1 > MAX_STEPS:
        diags.error(Code.BAD_TIME, decl.span, f"this timeline has {last - first + 1:,} steps; the limit is {MAX_STEPS}",
                    help="every fact and act is one condition per step: use a coarser unit, or phases")
        return
    for p in phases:
        if p.last.value < p.first.value:
            diags.error(Code.BAD_TIME, p.last.span, f"phase `{p.name.text}` ends before it starts")
            continue
        if p.first.value < first or p.last.value > last:
            bad = p.first if p.first.value < first else p.last
            diags.error(Code.BAD_TIME, bad.span,
                        f"phase `{p.name.text}` goes outside the timeline ({first}..{last})")
            continue
        if declare(p.name, "phase"):
            named[p.name.text] = (p.first.value, p.last.value)
    sym.horizon = Horizon(unit, first, last, named, tuple(n.text for n in decl.phases))
    sym.time_span = decl.span


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def check_params(params: tuple[S.Param, ...], sym: Symbols, diags: Diagnostics, other: str | None = None) -> bool:
    """Names and types of parameters; `other party` only where `other` says what it differs from
    (a fact's or act's parameters), else it is an error naming the declaration (`define`, `term`)."""
    ok = True
    seen: dict[str, Span] = {}
    for p in params:
        if p.qualifier is not None:
            ok &= _check_other(p, other, diags)
        if p.name.text in seen:
            diags.error(Code.DUPLICATE_NAME, p.name.span, f"parameter `{p.name.text}` appears twice",
                        notes=(("first here", seen[p.name.text]),))
            ok = False
        seen.setdefault(p.name.text, p.name.span)
        if not sym.is_type(p.type.text):
            kind = sym.kinds.get(p.type.text)
            extra = f"; `{p.type.text}` is {_article(kind)}" if kind else ""
            diags.error(Code.UNKNOWN_TYPE, p.type.span, f"unknown type `{p.type.text}`{extra}",
                        help=sym.suggest(p.type.text, [*BUILTIN_TYPES, *sym.enums])
                        or "a parameter's type is `party`, `bool` or the name of an enum")
            ok = False
    return ok


def _check_other(p: S.Param, where: str | None, diags: Diagnostics) -> bool:
    q = p.qualifier
    assert q is not None
    if q.text != "other":
        diags.error(Code.UNKNOWN_TYPE, q.span, f"`{q.text} {p.type.text}` is not a type",
                    help=f"a parameter's type is one word (`{p.name.text}: {p.type.text}`), or `other party` "
                         "for a party other than the first parameter")
        return False
    if p.type.text != "party":
        diags.error(Code.UNKNOWN_TYPE, p.type.span, f"`other {p.type.text}`: only a party can be `other`",
                    help="`other party` is a party other than the first parameter (an act's actor)")
        return False
    if where is not None:
        diags.error(Code.UNKNOWN_TYPE, q.span, f"`other party` is for the parameters of a fact or an act, not {where}",
                    help="write `party`, and say `a != b` where the parties must differ")
        return False
    return True


def _predicate(decl: S.PredicateDecl, sym: Symbols, diags: Diagnostics) -> Predicate | None:
    where = f"of a quantity (`{decl.name.text}`)" if decl.kind == "quantity" else None
    ok = check_params(decl.params, sym, diags, where)
    params = tuple(Param(p.name.text, p.type.text, p.qualifier is not None) for p in decl.params)
    first = decl.params[0] if decl.params else None
    if ok and first is not None and any(p.other for p in params):
        if first.qualifier is not None:
            diags.error(Code.UNKNOWN_TYPE, first.qualifier.span,
                        f"`{first.name.text}` is the first parameter: `other party` means a party other than it",
                        help=f"write `{first.name.text}: party`, and `other party` for the parameters that differ from it")
            ok = False
        elif first.type.text != "party":
            other = next(p for p in decl.params if p.qualifier is not None)
            assert other.qualifier is not None
            diags.error(Code.UNKNOWN_TYPE, other.qualifier.span,
                        f"`other party` differs from the first parameter, and `{first.name.text}` is not a party",
                        help=f"put a party first in `{decl.name.text}`, or write `party`")
            ok = False
    control: int | None = None
    if decl.kind == "act":
        if not params or params[0].type != "party":
            span = decl.params[0].span if decl.params else decl.name.span
            diags.error(Code.BAD_ACTOR, span, f"act `{decl.name.text}` must start with its actor, a `party` parameter",
                        help=f"write `act {decl.name.text}(actor: party, ...)`")
            ok = False
        control = 0
        if decl.control is not None:
            diags.error(Code.BAD_CONTROL, decl.control.span, "an act is always controlled by its actor",
                        help="remove `controlled by`; the first parameter is the actor")
            ok = False
    elif decl.control is not None:
        index = next((i for i, p in enumerate(params) if p.name == decl.control.text), None)
        if index is None:
            diags.error(Code.BAD_CONTROL, decl.control.span,
                        f"`controlled by {decl.control.text}` must name a parameter of `{decl.name.text}`",
                        help=sym.suggest(decl.control.text, [p.name for p in params]))
            ok = False
        elif params[index].type != "party":
            diags.error(Code.BAD_CONTROL, decl.control.span,
                        f"`{decl.control.text}` has type `{params[index].type}`; only a party can control something")
            ok = False
        else:
            control = index
    return Predicate(PredicateKind(decl.kind), decl.name.text, params, control, decl.span) if ok else None


def _group(decl: S.GroupDecl, sym: Symbols, diags: Diagnostics) -> None:
    members: list[str] = []
    elem_type: str | None = None
    for m in decl.members:
        vtype = sym.values.get(m.text)
        if vtype is None:
            diags.error(Code.UNKNOWN_NAME, m.span, f"unknown value `{m.text}` in group `{decl.name.text}`",
                        help=sym.suggest(m.text, list(sym.values)))
            continue
        if elem_type is None:
            elem_type = vtype
        elif vtype != elem_type:
            diags.error(Code.MIXED_GROUP, m.span,
                        f"group `{decl.name.text}` mixes `{elem_type}` and `{vtype}` values",
                        help="a group holds parties, or values of one enum")
            continue
        if m.text not in members:
            members.append(m.text)
    sym.groups[decl.name.text] = (tuple(members), elem_type or "party")
