"""Sizes estimated from the syntax, before anything is expanded: a spec over a limit is
refused at the construct responsible, with the estimate, in a few milliseconds.

Two things grow with products of set sizes rather than with the text: the ground atoms
(one per combination of a predicate's parameter values) and the norms that `for` makes
(`for a in S: for b in S: ...` is |S|*|S| norms). Both are counted here, from the symbol
table and the syntax tree, without building either. (Quantifiers, `each` and open act
parameters are not expanded by elaboration; `elaborate._ground_size_ok` bounds them.)
"""

from __future__ import annotations

from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.source import Span
from dsl.symbols import Symbols

MAX_ATOMS = 50_000   # ground facts, acts and quantities of one instrument
MAX_NORMS = 10_000   # norms once `for` is expanded (the largest benchmark has 2,000)


def within_limits(specs: list[S.Spec], sym: Symbols, diags: Diagnostics) -> bool:
    """Whether the instrument of `specs` is within MAX_ATOMS and MAX_NORMS; if not, say where."""
    return _atoms_ok(specs, sym, diags) & _norms_ok(specs, sym, diags)


def _type_size(sym: Symbols, type_name: str) -> int:
    if type_name == "party":
        return len(sym.parties)
    if type_name == "bool":
        return 2
    return len(sym.enums.get(type_name, ())) or 1


def _set_size(sym: Symbols, expr: S.SetExpr) -> int:
    if isinstance(expr, S.SetLiteral):
        return len(expr.items)
    name = expr.name.text
    if name in sym.groups:
        return len(sym.groups[name][0])
    return _type_size(sym, name)


def _steps(sym: Symbols) -> int:
    """How many times a timed spec has every atom and norm: once per step (DESIGN 13)."""
    return 1 if sym.horizon is None else len(sym.horizon.steps)


def _atoms_ok(specs: list[S.Spec], sym: Symbols, diags: Diagnostics) -> bool:
    sizes: list[tuple[int, S.PredicateDecl]] = []
    for spec in specs:
        for decl in spec.decls:
            if isinstance(decl, S.PredicateDecl):
                n = _steps(sym)
                for p in decl.params:
                    n *= _type_size(sym, p.type.text)
                sizes.append((n, decl))
    total = sum(n for n, _ in sizes)
    if total <= MAX_ATOMS:
        return True
    ranked = sorted(sizes, key=lambda s: -s[0])
    (most, decl), rest = ranked[0], ranked[1:4]

    def product(d: S.PredicateDecl) -> str:
        shown = [f"{_type_size(sym, p.type.text):,} ({p.type.text})" for p in d.params]
        if sym.horizon is not None:
            shown.append(f"{_steps(sym):,} (steps)")
        return " x ".join(shown) or "1"

    notes: tuple[tuple[str, Span | None], ...] = tuple(
        (f"`{d.name.text}` grounds to {n:,} atoms", d.span) for n, d in rest if n > MAX_ATOMS // 100)
    diags.error(Code.TOO_COMPLEX, decl.span,
                f"the spec grounds to about {total:,} atoms (facts, acts and quantities, one per combination "
                f"of parameter values); the limit is {MAX_ATOMS:,}. `{decl.name.text}` alone grounds to "
                f"{most:,} = {product(decl)}",
                notes=notes,
                help="use fewer parties or smaller enums for the predicates with the most parameters"
                     + ("; or a shorter timeline" if sym.horizon is not None else ""))
    return False


def _norms_ok(specs: list[S.Spec], sym: Symbols, diags: Diagnostics) -> bool:
    """`for` multiplies the norms it holds by the size of its set: count them, do not make them."""
    counts: list[tuple[int, Span]] = []  # per clause: its norms, and where the largest product starts

    def count(items: tuple[S.ClauseItem, ...]) -> tuple[int, Span | None]:
        total, where, biggest = 0, None, 0
        for item in items:
            at: Span | None
            if isinstance(item, S.ForItem):
                inner, _ = count((item.item,))
                n, at = _set_size(sym, item.set) * inner, item.span
            elif isinstance(item, S.NormBracket):
                n, at = count(tuple(i for alt in item.alts for i in alt.items))
            else:
                n, at = _steps(sym), None
            total = min(total + n, MAX_NORMS * 1000)  # (stops growing long past the limit)
            if at is not None and n > biggest:
                where, biggest = at, n
        return total, where

    for spec in specs:
        for decl in spec.decls:
            if isinstance(decl, S.ClauseDecl):
                n, at = count(decl.items)
                counts.append((n, at or decl.span))
    total = sum(n for n, _ in counts)
    if total <= MAX_NORMS:
        return True
    most, span = max(counts, key=lambda c: c[0])

    def shown(n: int) -> str:
        return f"{n:,}" if n < MAX_NORMS * 1000 else f"more than {MAX_NORMS * 1000:,}"

    timed = f" (each once per step of the timeline: {_steps(sym):,})" if sym.horizon is not None else ""
    diags.error(Code.TOO_COMPLEX, span,
                f"`for` expands the clauses{timed} to {shown(total)} norms ({shown(most)} from here); "
                f"the limit is {MAX_NORMS:,}",
                help="nested `for` multiplies: `for a in S: for b in S: ...` is |S|*|S| norms; "
                     "use `each`, a quantifier, or fewer nested loops")
    return False
