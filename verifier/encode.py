"""Instrument + Vocabulary -> Z3 terms: atoms, selectors, and each norm as a formula.

Quantifiers over finite domains are expanded here (no Z3 quantifiers), so
every query is quantifier-free. Readings are fixed per translation: the same
norm under two reading assignments gives two formulas over the same atoms,
which is what the pretext check compares. Bracketed revisions become selector
literals (exactly one per bracket), so one solver covers every draft.

With `fold_world`, the atoms that the assumptions fix false outright are the constant false
in every formula (see `Encoder._fold_world`): every question a check asks assumes the world.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard, assert_never, cast

import z3

from dsl import formula as F
from dsl.model import AtomKey, Instrument, Modality, Norm
from verifier.ground import Vocabulary, format_atom
from verifier.z3_native import Term, c_function, to_expr

Readings = Mapping[str, str | None]
# The solver's terms as the checks name them (the checks never import z3).
BoolTerm = z3.BoolRef
Model = z3.ModelRef


@dataclass(frozen=True, slots=True)
class OpenTermKey:
    """A vague term applied to values, with no reading in force: a circumstance the solver may
    choose. Beside atoms (AtomKey) and quantities, the third kind of variable."""

    term: str
    args: tuple[F.Value, ...]

    @property
    def application(self) -> AtomKey:
        """(term, args), as a World lists the open terms that hold."""
        return (self.term, self.args)


VarKey = AtomKey | OpenTermKey  # an atom's or quantity's key, or an open term's
# The formulas translated once per reading set and values of their free variables.
Compound = F.TermApp | F.Not | F.And | F.Or | F.Implies | F.Exists | F.Forall | F.Choice | F.Count
_COMPOUND = frozenset({F.TermApp, F.Not, F.And, F.Or, F.Implies, F.Exists, F.Forall, F.Choice, F.Count})


def mentioned(exprs: Iterable[z3.ExprRef],
              known: Mapping[int, tuple[z3.ExprRef, frozenset[str]]] | None = None) -> set[str]:
    """Names of the constants (atoms, quantities, selectors) occurring in exprs. `known`: the
    names under terms asked before (by address), not walked again (`Encoder.mentioned`)."""
    seen: set[int] = set()
    names: set[str] = set()
    stack = list(exprs)
    while stack:
        e = stack.pop()
        ident = e.get_id()
        if ident in seen:
            continue
        seen.add(ident)
        if z3.is_app(e):
            # Below an application, read the terms in the C library: z3py would make a Python
            # object (three calls into Z3) for every subterm of what are large formulas.
            stack.extend(_walk(e.ctx, e.as_ast(), seen, names, known or {}))
            continue
        stack.extend(e.children())
    return names


def _walk(ctx: z3.Context, root: z3.Ast, seen: set[int], names: set[str],
          known: Mapping[int, tuple[z3.ExprRef, frozenset[str]]]) -> list[z3.ExprRef]:
    """`mentioned` for the application terms under `root` (marked seen already); returns the
    other terms met (none in the formulas nverify makes), as z3py objects, for the caller."""
    c = ctx.ref()
    others: list[z3.ExprRef] = []
    stack = [root]
    while stack:
        a = stack.pop()
        if _AST_KIND(c, a) == z3.Z3_NUMERAL_AST:
            continue
        count = _NUM_ARGS(c, a)
        if count == 0:
            name = _constant_name(c, a)
            if name is not None:
                names.add(name)
            continue
        for i in range(count):
            child = _APP_ARG(c, a, i)
            kind = _AST_KIND(c, child)
            if kind in (z3.Z3_APP_AST, z3.Z3_NUMERAL_AST):
                found = known.get(child.value) if known else None
                if found is not None:
                    names |= found[1]  # (a term asked before: its names are known)
                    continue
                ident = _AST_ID(c, child)
                if ident not in seen:
                    seen.add(ident)
                    stack.append(child)
            else:
                others.append(to_expr(child, ctx))
    return others


def _constant_name(c: z3.ContextObj, a: z3.Ast) -> str | None:
    """The name of the constant at `a` (an application without arguments): None for Z3's own
    (`true`, `false`)."""
    decl = _APP_DECL(c, a)
    if _DECL_KIND(c, decl) != z3.Z3_OP_UNINTERPRETED:
        return None
    symbol = _DECL_NAME(c, decl)
    name: str = z3.Z3_get_symbol_string(c, symbol) if _SYMBOL_KIND(c, symbol) == z3.Z3_STRING_SYMBOL \
        else z3.Z3_get_symbol_int(c, symbol)
    return name


def forced(expr: z3.ExprRef) -> frozenset[tuple[int, bool]]:
    """The constants `expr` fixes outright, with the value it gives each: (address, value)
    for every constant (or its negation) that is a conjunct of `expr`, `and` and `not or`
    taken apart (`not exists p: attacks(p, ...)` fixes each such atom false)."""
    c = expr.ctx.ref()
    out: set[tuple[int, bool]] = set()
    stack = [(expr.as_ast(), True)]
    while stack:
        a, positive = stack.pop()
        if _AST_KIND(c, a) != z3.Z3_APP_AST:
            continue
        op = _DECL_KIND(c, _APP_DECL(c, a))
        if op == z3.Z3_OP_NOT:
            stack.append((_APP_ARG(c, a, 0), not positive))
        elif op == (z3.Z3_OP_AND if positive else z3.Z3_OP_OR):
            stack.extend((_APP_ARG(c, a, i), positive) for i in range(_NUM_ARGS(c, a)))
        elif op == z3.Z3_OP_UNINTERPRETED and _NUM_ARGS(c, a) == 0:
            out.add((a.value, positive))
    return frozenset(out)


_CONNECTIVES = {z3.Z3_OP_AND, z3.Z3_OP_OR, z3.Z3_OP_NOT, z3.Z3_OP_IMPLIES}


# z3py checks and coerces every argument of every call, at two or three calls into Z3 apiece;
# on a real regime that cost more than solving. The helpers below make the very calls into Z3
# that the z3py function they replace makes, in the same order, minus the checks. That order
# matters: Z3 numbers its terms and reuses the numbers of freed ones, its choices depend on the
# numbering, and the first call that hands out a term releases the previous one it handed out.
# So each helper first asks Z3 for a sort, as z3py's checks do, before it makes its term.

def substitute(expr: z3.ExprRef, pairs: list[tuple[z3.ExprRef, z3.ExprRef | int]]) -> z3.ExprRef:
    """`z3.substitute(expr, *pairs)` (every pair of the same sort; a replacement may be given
    as the address of a term that outlives the call, such as `true`)."""
    ctx = expr.ctx
    count = len(pairs)
    if count:
        z3.Z3_get_sort(ctx.ref(), pairs[0][0].as_ast())
    sources = (z3.Ast * count)(*(a.as_ast() for a, _ in pairs))
    targets = (z3.Ast * count)(*(b if isinstance(b, int) else b.as_ast() for _, b in pairs))
    return to_expr(z3.Z3_substitute(ctx.ref(), expr.as_ast(), count, sources, targets), ctx)


def _connective(args: tuple[object, ...], make: Callable[..., Any], fallback: Callable[..., z3.BoolRef]) -> z3.BoolRef:
    parts = cast("Sequence[z3.BoolRef]", args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args)
    if not parts or not all(isinstance(p, z3.BoolRef) for p in parts):
        return fallback(*args)  # constants, no argument: z3py's own way
    ctx = parts[0].ctx
    c = ctx.ref()
    _GET_SORT(c, parts[0].ast)
    array = (z3.Ast * len(parts))(*[p.ast for p in parts])
    return Term(make(c, len(parts), array), ctx)


def and_(*args: object) -> z3.BoolRef:
    """`z3.And(*args)`: of Boolean terms (a list of them, or several)."""
    return _connective(args, _MK_AND, z3.And)


def or_(*args: object) -> z3.BoolRef:
    """`z3.Or(*args)`: of Boolean terms (a list of them, or several)."""
    return _connective(args, _MK_OR, z3.Or)


def not_(x: z3.BoolRef) -> z3.BoolRef:
    """`z3.Not(x)`."""
    ctx = x.ctx
    c = ctx.ref()
    _MK_BOOL_SORT(c)
    return Term(_MK_NOT(c, x.ast), ctx)


_AST_KIND = c_function(z3.Z3_get_ast_kind)
_AST_ID = c_function(z3.Z3_get_ast_id)
_NUM_ARGS = c_function(z3.Z3_get_app_num_args)
_APP_ARG = c_function(z3.Z3_get_app_arg)
_APP_DECL = c_function(z3.Z3_get_app_decl)
_DECL_KIND = c_function(z3.Z3_get_decl_kind)
_DECL_NAME = c_function(z3.Z3_get_decl_name)
_SYMBOL_KIND = c_function(z3.Z3_get_symbol_kind)
_MK_AND = c_function(z3.Z3_mk_and)
_MK_OR = c_function(z3.Z3_mk_or)
_MK_NOT = c_function(z3.Z3_mk_not)
_MK_CONST = c_function(z3.Z3_mk_const)
_MK_SYMBOL = c_function(z3.Z3_mk_string_symbol)
_MK_BOOL_SORT = c_function(z3.Z3_mk_bool_sort)
_GET_SORT = c_function(z3.Z3_get_sort)


def bool_const(name: str, ctx: z3.Context) -> z3.BoolRef:
    """`z3.Bool(name, ctx)`, without z3py's checks and conversions."""
    c = ctx.ref()
    return Term(_MK_CONST(c, _MK_SYMBOL(c, name.encode("utf-8")), _MK_BOOL_SORT(c)), ctx)


def is_false(x: z3.BoolRef) -> bool:
    """Whether x simplifies to false (a condition no world can meet)."""
    return bool(z3.is_false(z3.simplify(x)))


def same_terms(xs: list[z3.BoolRef], ys: list[z3.BoolRef]) -> bool:
    """Whether two lists hold the very same terms (Z3 shares identical terms, so the same
    term is the same node: comparing the pointers is what `eq` does, in Python)."""
    return len(xs) == len(ys) and all(a.ast.value == b.ast.value for a, b in zip(xs, ys, strict=True))


def const_like(name: str, var: z3.ExprRef) -> z3.ExprRef:
    """`z3.Const(name, var.sort())`, for a Boolean or integer variable."""
    ctx = var.ctx
    sort = z3.Z3_get_sort(ctx.ref(), var.as_ast())
    made = z3.Z3_mk_const(ctx.ref(), z3.to_symbol(name, ctx), sort)
    return z3.BoolRef(made, ctx) if isinstance(var, z3.BoolRef) else z3.ArithRef(made, ctx)


_READINGS_KEYS: dict[tuple[tuple[str, str | None], ...], tuple[tuple[str, str | None], ...]] = {}


def readings_key(readings: Readings) -> tuple[tuple[str, str | None], ...]:
    # Asked for on every literal and norm lookup: remembered by content (sorting is the cost).
    items = tuple(readings.items())
    key = _READINGS_KEYS.get(items)
    if key is None:
        if len(_READINGS_KEYS) > 4096:
            _READINGS_KEYS.clear()
        key = _READINGS_KEYS[items] = tuple(sorted(items))
    return key


class Atoms(Mapping[AtomKey, z3.BoolRef]):
    """Each atom's Boolean variable, made when first asked for, and then known by its name in
    `by_name`. A regime's vocabulary has tens of thousands of atoms, of which its clauses
    mention about a fifth; making them all was most of the time of starting a session.

    It is a mapping over every atom of the vocabulary: asking for `items()` or `values()`
    makes them all. `made()` has those made so far, which are all that any formula holds.
    """

    def __init__(self, keys: tuple[AtomKey, ...], ctx: z3.Context, prefix: str,
                 by_name: dict[str, tuple[VarKey, z3.ExprRef]], instrument: Instrument) -> None:
        self._keys = keys
        self._known = frozenset(keys)
        self._made: dict[AtomKey, z3.BoolRef] = {}
        self._ctx, self._prefix, self._by_name = ctx, prefix, by_name
        self._instrument = instrument
        self.false: frozenset[AtomKey] = frozenset()  # (`Encoder._fold_world`) false in every world

    def __getitem__(self, key: AtomKey) -> z3.BoolRef:
        var = self._made.get(key)
        if var is None:
            if key in self.false:
                return z3.BoolVal(False, self._ctx)
            if key not in self._known:
                pred = self._instrument.predicates.get(key[0])
                if pred is not None and pred.others and not pred.admits(key[1]):
                    # A party's act towards itself (`other party`) exists in no world: false.
                    # (Norms and conditions guard against it; their parts are translated eagerly.)
                    return z3.BoolVal(False, self._ctx)
                raise KeyError(key)
            name = self._prefix + format_atom(key, self._instrument.horizon)
            var = self._made[key] = bool_const(name, self._ctx)
            self._by_name[name] = (key, var)
        return var

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[AtomKey]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def made(self) -> Mapping[AtomKey, z3.BoolRef]:
        return self._made

    def term(self, key: AtomKey) -> bool | z3.BoolRef:
        """The atom in a formula being translated: its variable, or False if it is folded (so
        that the connectives fold it away)."""
        var = self._made.get(key)
        if var is None and key in self.false:
            return False
        return var if var is not None else self[key]

    def fold(self, false: frozenset[AtomKey]) -> None:
        """Make these atoms false, before any is made (`Encoder._fold_world`)."""
        assert not self._made.keys() & false, "an atom folded after it was made"
        self.false = false


@dataclass
class Encoder:
    instrument: Instrument
    vocab: Vocabulary
    ctx: z3.Context
    atom_vars: Atoms = field(init=False)
    qty_vars: dict[AtomKey, z3.ArithRef] = field(default_factory=dict)
    open_vars: dict[AtomKey, z3.BoolRef] = field(default_factory=dict)
    selectors: dict[tuple[str, str], z3.BoolRef] = field(default_factory=dict)
    selectors_by_name: dict[str, z3.BoolRef] = field(default_factory=dict, repr=False)
    background: list[z3.BoolRef] = field(default_factory=list)  # domain constraints, always asserted
    # Of those, each quantity's `>= 0` (a question that does not mention the quantity can leave it out).
    bounds: dict[AtomKey, z3.BoolRef] = field(default_factory=dict)
    # Two encoders in one context share atoms (same names) but never selectors: `diff`
    # compares two drafts of one file, whose brackets have the same ids.
    selector_prefix: str = ""
    # In `negotiate`, a bracketed number may range between its alternatives: bracket -> Int.
    numbers: dict[str, z3.ArithRef] = field(default_factory=dict)
    # A second copy of the world in the same context (a witness world per `possible` goal).
    atom_prefix: str = ""
    # A draft fixed once and for all (bracket -> label): brackets are resolved while translating.
    fixed_draft: Mapping[str, str] | None = None
    # Fold the atoms the assumptions fix false into every formula (`_fold_world`): for an encoder
    # whose every question assumes the world (the checks'), not for one that compares worlds.
    fold_world: bool = False
    _settled: set[int] = field(default_factory=set, repr=False)  # (`_fold_world`) assumptions true once folded, by id
    _norm_cache: dict[object, tuple[object, object]] = field(default_factory=dict, repr=False)
    _nodes: dict[int, _Node] = field(default_factory=dict, repr=False)  # compound formula (id) -> its record
    _free: dict[int, tuple[object, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    _reads: dict[int, tuple[object, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    _mentions: dict[int, tuple[z3.ExprRef, frozenset[str]]] = field(default_factory=dict, repr=False)
    # (`keys_mentioned`) by formula, its free variables' values and the readings it reads
    _keys: dict[tuple[object, ...], tuple[object, frozenset[VarKey]]] = field(default_factory=dict, repr=False)
    by_name: dict[str, tuple[VarKey, z3.ExprRef]] = field(default_factory=dict, repr=False)
    _names: dict[int, str] = field(default_factory=dict, repr=False)  # variable id -> name
    _renamed: dict[tuple[int, str], z3.ExprRef] = field(default_factory=dict, repr=False)
    # Declaration (address) -> (key, variable), for the first `_decls_read` entries of by_name.
    _decls: dict[int, tuple[VarKey, z3.ExprRef]] = field(default_factory=dict, repr=False)
    _decls_read: int = field(default=0, repr=False)
    _positions: dict[AtomKey, int] | None = field(default=None, repr=False)
    # The canonical order's place of each key, per (preferred parties, pairs put last): `canonical.preference`.
    ranks: dict[tuple[frozenset[str], frozenset[tuple[str, str]]], dict[VarKey, tuple[int, int, int, int, str]]] = \
        field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.atom_vars = Atoms(self.vocab.atoms, self.ctx, self.atom_prefix, self.by_name, self.instrument)
        for key in self.vocab.quantities:
            name = self.atom_prefix + format_atom(key, self.instrument.horizon)
            var = z3.Int(name, self.ctx)
            self.qty_vars[key] = var
            self.by_name[name] = (key, var)
            self.bounds[key] = var >= 0
            self.background.append(self.bounds[key])
        for bracket in self.instrument.brackets.values():
            lits = []
            for label in bracket.labels:
                name = f"{self.selector_prefix}draft {bracket.id}={label}"
                lit = z3.Bool(name, self.ctx)
                self.selectors[(bracket.id, label)] = lit
                self.selectors_by_name[name] = lit
                lits.append(lit)
            self.background.append(z3.PbEq([(lit, 1) for lit in lits], 1))
        if self.fold_world:
            self._fold_world()

    def _fold_world(self) -> None:
        """Make false in every formula the atoms that the assumptions fix false outright (the
        world's `not exists p in party, o in organisations: at_war_with(p, o) ...`, hundreds of
        atoms on real memberships), and leave out of the world the assumptions that say nothing
        more (`_fixed_false`).

        Every question a check asks holds the world (`Session.world_lit`, or the world in a
        search's formulas), and in every world such an atom is false: putting false in its place
        changes no answer, while as a variable it took part in every search's cone, every
        situation read and every witness minimised. Only the assumptions that read no vague
        term count, so the atoms are the same under every reading set. (An atom fixed true is
        left a variable: a world read from a model lists it.)"""
        false: set[AtomKey] = set()
        for a in self.instrument.assumptions:
            if self.terms_read(a):
                continue
            # (Read once per process for equal assumptions: the reading depends on the formula
            # alone, and the instruments that import one world assume the same ones.)
            found = _FOLDS.get(a)
            if found is None:
                fixed: set[AtomKey] = set()
                settled = self._fixed_false(a, {}, True, fixed)
                if len(_FOLDS) >= _MAX_FOLDS:
                    _FOLDS.clear()
                found = _FOLDS[a] = (settled, frozenset(fixed))
            false |= found[1]
            if found[0]:
                self._settled.add(id(a))
        self.atom_vars.fold(frozenset(false))

    def _fixed_false(self, f: F.Formula, env: Mapping[str, F.Value], holds: bool, out: set[AtomKey]) -> bool:
        """Into `out`, the atoms that f fixes false where it holds (`holds`) or fails (not
        `holds`), with the parts that `F.known` settles taken as the constants the translation
        makes of them; returns whether f then says nothing more (it holds, or fails, once those
        atoms are false). Each rule is sound on its own: an atom is added only where every world
        in which f has that value has the atom false."""
        match f:
            case F.Atom():
                if holds:
                    return False
                out.add((f.pred, tuple(a.value if isinstance(a, F.Const) else env[a.name] for a in f.args)))
                return True
            case F.Not():
                return self._fixed_false(f.operand, env, not holds, out)
            case F.Implies():  # (L implies R) is (not L or R)
                return self._fixed_false(F.Or((F.Not(f.left), f.right)), env, holds, out)
            case F.And() | F.Or():
                return self._fixed_parts(isinstance(f, F.And), [(o, env) for o in f.operands], holds, out)
            case F.Forall() | F.Exists():
                return self._fixed_parts(isinstance(f, F.Forall), [(f.body, {**env, f.var: v}) for v in f.domain],
                                         holds, out)
            case _:
                return F.known(f, env) == holds

    def _fixed_parts(self, conjunction: bool, parts: list[tuple[F.Formula, Mapping[str, F.Value]]], holds: bool,
                     out: set[AtomKey]) -> bool:
        """`_fixed_false` of a conjunction or disjunction of the parts (formula, values)."""
        if conjunction == holds:
            # Every part has the value: each fixes what it fixes (every part is read).
            settled = [self._fixed_false(o, e, holds, out) for o, e in parts]
            return all(settled)
        # Some part has the value: a settled part that has it settles the whole; only if exactly
        # one part is left unsettled must that one have it.
        left = []
        for o, e in parts:
            value = F.known(o, e)
            if value is None:
                left.append((o, e))
            elif value == holds:
                return True
        return len(left) == 1 and self._fixed_false(left[0][0], left[0][1], holds, out)


    # ---- variables -------------------------------------------------------------
    def open_term(self, key: AtomKey) -> z3.BoolRef:
        """An open term's value: a circumstance atom the solver may choose."""
        var = self.open_vars.get(key)
        if var is None:
            name = self.atom_prefix + "term " + format_atom(key, self.instrument.horizon)
            var = z3.Bool(name, self.ctx)
            self.open_vars[key] = var
            self.by_name[name] = (OpenTermKey(*key), var)
        return var

    def selector(self, bracket: str, label: str) -> z3.BoolRef:
        """The literal that chooses `label` for `bracket` (exactly one per bracket holds)."""
        return self.selectors[(bracket, label)]

    def draft_literals(self, draft: Mapping[str, str]) -> list[z3.BoolRef]:
        return [self.selectors[(b, lab)] for b, lab in sorted(draft.items())]

    def name_of(self, var: z3.ExprRef) -> str:
        """A variable's name without the slow pretty-printer (names are cached per variable id)."""
        cache = self._names
        ident = var.get_id()
        name = cache.get(ident)
        if name is None:
            name = var.decl().name()
            cache[ident] = name
        return name

    def renamed(self, var: z3.ExprRef, role: str) -> z3.ExprRef:
        """A fresh variable of var's sort named `<var's name> (<role>)`, made once per variable
        and role (Z3 knows a constant by its name): another choice of the same thing."""
        key = (var.get_id(), role)
        copy = self._renamed.get(key)
        if copy is None:
            copy = self._renamed[key] = const_like(f"{self.name_of(var)} ({role})", var)
        return copy

    def positions(self) -> Mapping[AtomKey, int]:
        """Each atom's place in declaration order (remembered: the vocabulary never changes)."""
        found = self._positions
        if found is None:
            found = self._positions = {key: i for i, key in enumerate(self.vocab.atoms)}
        return found

    def by_declaration(self) -> Mapping[int, tuple[VarKey, z3.ExprRef]]:
        """Declaration (address) -> (key, variable), for every variable of `by_name`.

        The variables live as long as the encoder, so their declarations' addresses are theirs
        alone; open terms join as they are made. Two constants with one name and sort are one.
        """
        if self._decls_read != len(self.by_name):  # (variables are only ever added: read the new ones)
            c = self.ctx.ref()
            for key, var in itertools.islice(self.by_name.values(), self._decls_read, None):
                self._decls[_APP_DECL(c, var.as_ast()).value] = (key, var)
            self._decls_read = len(self.by_name)
        return self._decls

    def keys_named(self, names: set[str]) -> set[VarKey]:
        """The keys (atom, quantity, OpenTermKey) of the variables with these names."""
        by_name = self.by_name
        return {by_name[n][0] for n in names if n in by_name}

    def var_of(self, key: VarKey) -> z3.ExprRef:
        """The variable of an atom, quantity or open term (OpenTermKey)."""
        if isinstance(key, OpenTermKey):
            return self.open_vars[key.application]
        if key in self.atom_vars:
            return self.atom_vars[key]
        return self.qty_vars[key]

    def situation_keys(self, exclude: set[AtomKey]) -> list[VarKey]:
        """All user-visible variables' keys except `exclude`: atoms, quantities, open terms (those
        met so far: the others occur in no formula)."""
        out: list[VarKey] = [key for key in self.atom_vars if key not in exclude]
        out += [key for key in self.qty_vars if key not in exclude]
        out += [OpenTermKey(*key) for key in self.open_vars]
        return out

    # ---- translation -------------------------------------------------------------
    def _value(self, t: F.Term, env: Mapping[str, F.Value]) -> F.Value:
        return t.value if isinstance(t, F.Const) else env[t.name]

    def integer(self, e: F.IntExpr, env: Mapping[str, F.Value]) -> z3.ArithRef:
        match e:
            case F.Num():
                return z3.IntVal(e.value, self.ctx)
            case F.Qty():
                return self.qty_vars[(e.name, tuple(self._value(a, env) for a in e.args))]
            case F.Arith():
                left, right = self.integer(e.left, env), self.integer(e.right, env)
                return left + right if e.op == "+" else left - right
            case F.IntChoice():
                F.read_bracket(e.bracket)
                if e.bracket in self.numbers:
                    return self.numbers[e.bracket]
                # A bracketed number: the chosen alternative's value.
                result: z3.ArithRef | None = None
                for label, option in reversed(e.options):
                    value = self.integer(option, env)
                    result = value if result is None else z3.If(self.selectors[(e.bracket, label)], value, result)
                assert result is not None
                return result
            case _:
                assert_never(e)

    def formula(self, f: F.Formula, readings: Readings, env: Mapping[str, F.Value] | None = None) -> z3.BoolRef:
        return self._bool(self._f(f, readings, env or {}))

    def _bool(self, x: bool | z3.BoolRef) -> z3.BoolRef:
        return z3.BoolVal(x, self.ctx) if isinstance(x, bool) else x

    # Constants are folded while translating (an equality of two values, a quantifier whose
    # body is constant), and And/Or go straight to the C API: building formulas through
    # z3py's coercions was most of nverify's time on real specs.
    def _nary(self, parts: list[bool | z3.BoolRef], conj: bool) -> bool | z3.BoolRef:
        out: list[z3.BoolRef] = []
        for p in parts:
            if p is conj:
                continue
            if p is (not conj):
                return not conj
            out.append(p)
        if not out:
            return conj
        if len(out) == 1:
            return out[0]
        array = (z3.Ast * len(out))(*[p.ast for p in out])
        ctx = self.ctx
        return Term((_MK_AND if conj else _MK_OR)(ctx.ctx, len(out), array), ctx)

    def conj(self, parts: Iterable[bool | z3.BoolRef]) -> z3.BoolRef:
        return self._bool(self._nary(list(parts), True))

    def disj(self, parts: Iterable[bool | z3.BoolRef]) -> z3.BoolRef:
        return self._bool(self._nary(list(parts), False))

    def _not(self, x: bool | z3.BoolRef) -> bool | z3.BoolRef:
        if x is True or x is False:
            return not x
        ctx = self.ctx
        return Term(_MK_NOT(ctx.ctx, x.ast), ctx)

    # Leaves are translated at once; a compound formula through `_memoized`. Each makes the
    # same calls into Z3, in the same order, as the chain of tests it replaced.
    def _f(self, f: F.Formula, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        # The two commonest kinds first, told apart by their exact class (a `match` tries
        # each case in turn): atoms, and the compound formulas that go through the memo.
        kind = type(f)
        if kind is F.Atom:
            return self.atom_vars.term((f.pred, tuple([a.value if type(a) is F.Const else env[a.name]  # type: ignore[union-attr]  # `type() is` (fast) does not narrow
                                                       for a in f.args])))  # type: ignore[union-attr]
        if kind in _COMPOUND:
            return self._memoized(f, readings, env)  # type: ignore[arg-type]
        match f:
            case F.Atom():
                return self.atom_vars.term((f.pred, tuple([a.value if type(a) is F.Const else env[a.name]  # type: ignore[union-attr]  # `type() is` (fast) does not narrow
                                                           for a in f.args])))
            case F.And() | F.Or() | F.Not() | F.Exists() | F.Forall() | F.TermApp() | F.Implies() | F.Choice() \
                    | F.Count():
                return self._memoized(f, readings, env)
            case F.Breached():
                party = str(self._value(f.party, env))
                return self._not(self._nary([self.norm(n, party, readings) for n in self.instrument.clause(f.clause).norms
                                             if party in n.subjects and (f.step is None or n.step == f.step)], True))
            case F.Eq():
                return self._value(f.left, env) == self._value(f.right, env)
            case F.BoolConst():
                return f.value
            case F.Cmp():
                a, b = self.integer(f.left, env), self.integer(f.right, env)
                ops = {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}
                return ops[f.op]
            case _:
                assert_never(f)

    def _memoized(self, f: Compound, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        """f translated, or its translation under the same readings and values (`_Node`)."""
        node = self._nodes.get(id(f))
        if node is None:
            node = self._node(f)
        # The key: the values of f's free variables, and the readings of the terms it reads if any.
        key: object = tuple([env[v] for v in node.free])
        if node.terms:
            key = (tuple([readings.get(t) for t in node.terms]), key)
        found = node.memo.get(key)
        if found is None:
            found = node.memo[key] = node.translate(self, f, readings, env)
        return found

    def _node(self, f: Compound) -> _Node:
        """The record of a compound formula: made once, kept while the encoder lives (it holds f,
        so f's id stays its own)."""
        node = self._nodes[id(f)] = _Node(f, self._free_of(f), self.terms_read(f), _TRANSLATE[type(f)])
        return node

    def _f_and(self, f: F.And, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        translate = self._f
        return self._nary([translate(o, readings, env) for o in f.operands], True)

    def _f_or(self, f: F.Or, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        translate = self._f
        return self._nary([translate(o, readings, env) for o in f.operands], False)

    def _f_not(self, f: F.Not, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        return self._not(self._f(f.operand, readings, env))

    def _f_exists(self, f: F.Exists, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        translate, body, var = self._f, f.body, f.var
        return self._nary([translate(body, readings, {**env, var: v}) for v in f.domain], False)

    def _f_forall(self, f: F.Forall, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        translate, body, var = self._f, f.body, f.var
        return self._nary([translate(body, readings, {**env, var: v}) for v in f.domain], True)

    def _f_implies(self, f: F.Implies, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        return self._nary([self._not(self._f(f.left, readings, env)), self._f(f.right, readings, env)], False)

    def _f_term(self, f: F.TermApp, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        args = tuple(self._value(a, env) for a in f.args)
        term = self.instrument.terms[f.term]
        reading = term.reading(readings.get(f.term))
        if reading is None:
            return self.open_term((f.term, args))
        return self._f(reading.body, readings, {p.name: v for p, v in zip(term.params, args, strict=True)})

    def _f_choice(self, f: F.Choice, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        F.read_bracket(f.bracket)
        if self.fixed_draft is not None:
            label = self.fixed_draft[f.bracket]
            return next(self._f(o, readings, env) for lab, o in f.options if lab == label)
        return self._nary([self._nary([self.selectors[(f.bracket, label)], self._f(option, readings, env)], True)
                           for label, option in f.options], False)

    def _f_count(self, f: F.Count, readings: Readings, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        """Σ [body] op bound as one pseudo-Boolean constraint (no subsets expanded); a bracketed
        bound gives one constraint per alternative, each under its selector."""
        parts = [self._f(f.body, readings, {**env, f.var: v}) for v in f.domain]
        sure = sum(1 for p in parts if p is True)
        lits: list[z3.BoolRef] = [p for p in parts if p is not True and p is not False]
        bound = f.bound
        if isinstance(bound, F.Num):
            return self._pb(f.op, lits, bound.value - sure)
        assert isinstance(bound, F.IntChoice)
        F.read_bracket(bound.bracket)
        options = [(label, v.value) for label, v in bound.options if isinstance(v, F.Num)]
        if self.fixed_draft is not None and bound.bracket in self.fixed_draft:
            label = self.fixed_draft[bound.bracket]
            return next(self._pb(f.op, lits, k - sure) for lab, k in options if lab == label)
        return self._nary([self._nary([self.selectors[(bound.bracket, label)], self._pb(f.op, lits, k - sure)], True)
                           for label, k in options], False)

    def _pb(self, op: str, lits: list[z3.BoolRef], k: int) -> bool | z3.BoolRef:
        """`Σ lits op k`, folded to a constant where the count decides it alone."""
        n = len(lits)
        if op == ">":
            op, k = ">=", k + 1
        if op == ">=":
            return True if k <= 0 else False if k > n else z3.AtLeast(*lits, k)
        if op == "<=":
            return False if k < 0 else True if k >= n else z3.AtMost(*lits, k)
        assert op == "=="
        if k < 0 or k > n:
            return False
        if n == 0:
            return True
        return z3.PbEq([(p, 1) for p in lits], k)

    # A translation depends on the readings of the vague terms it reads, and on no others: keyed
    # by those alone, a formula without vague wording (most of them) is translated once for all
    # reading sets, not once per claimant (at 1,000 clauses, a third of the encoding time).
    def _readings_read(self, f: Compound | Norm, readings: Readings) -> tuple[str | None, ...]:
        """The readings of the terms f reads (`_terms_read`), in their order."""
        found = self._reads.get(id(f))
        terms = found[1] if found is not None else self._terms_read(f)
        return tuple([readings.get(t) for t in terms]) if terms else ()

    def terms_read(self, f: F.Formula | Norm) -> tuple[str, ...]:
        """The vague terms whose readings f's translation reads (`_terms_read`, remembered)."""
        found = self._reads.get(id(f))
        return found[1] if found is not None else self._terms_read(f)

    def _terms_read(self, f: F.Formula | Norm) -> tuple[str, ...]:
        """The vague terms whose readings f's translation reads: those it applies, those their
        readings apply, and those of the norms a `breached` in it names; remembered per node."""
        def parts(n: Norm) -> tuple[F.Formula | None, ...]:
            return (n.condition, n.where, n.keep)
        roots = [p for p in parts(f) if p is not None] if isinstance(f, Norm) else [f]
        found = tuple(sorted({node.term for node in self.instrument.reached(roots, parts)
                              if isinstance(node, F.TermApp)}))
        self._reads[id(f)] = (f, found)
        return found

    def _free_of(self, f: F.Formula) -> tuple[str, ...]:
        """f's free variables, remembered per node and built from its parts' (not walked again)."""
        found = self._free.get(id(f))
        if found is not None:
            return found[1]
        names: set[str]
        match f:
            case F.And() | F.Or() | F.Not() | F.Implies():
                names = set().union(*(self._free_of(o) for o in F.children(f)))  # type: ignore[arg-type]  # a connective's children are formulas
            case F.Exists() | F.Forall():
                names = set(self._free_of(f.body)) - {f.var}
            case F.TermApp() | F.Choice() | F.BoolConst() | F.Atom() | F.Eq() | F.Cmp() | F.Count() | F.Breached():
                names = set(F.free_vars(f))
            case _:
                assert_never(f)
        free = tuple(sorted(names))
        self._free[id(f)] = (f, free)
        return free

    def keys_mentioned(self, f: F.Formula | F.IntExpr, readings: Readings, env: Mapping[str, F.Value]) -> set[VarKey]:
        """The atoms, quantities and open terms (OpenTermKey) the formula mentions as written
        (terms read as the readings say, even where a reading makes them constant; every
        alternative of a bracket), leaving out the parts whose value is known without a world
        (`F.known`): what `vars(cond)` means where a check asks what a party controls in a
        condition."""
        if type(f) not in _COMPOUND:
            out: set[VarKey] = set()
            self._keys_in(f, env, readings, out)
            return out
        # Remembered: the checks ask of the same conditions, under the same values, per
        # coalition and per reading set (on the corpus, 1,094 questions of 411 kinds).
        compound = cast("Compound", f)
        key = (id(f), *[env.get(v) for v in self._free_of(compound)], *self._readings_read(compound, readings))
        found = self._keys.get(key)
        if found is None:
            keys: set[VarKey] = set()
            self._keys_in(f, env, readings, keys)
            found = self._keys[key] = (f, frozenset(keys))  # (f held: its id stays its own)
        return set(found[1])

    def _keys_in(self, x: F.Node, env: Mapping[str, F.Value], readings: Readings, out: set[VarKey]) -> None:
        """`keys_mentioned` of x, into out (a method, not a closure that calls itself: such a
        closure is a reference cycle, which left every set it made to Python's cycle collector)."""
        # A part whose value is known without a world (`v == pb and consents(pb)` for
        # v = pa, `false and x`) mentions nothing: what it names can change nothing.
        if isinstance(x, (F.Not, F.And, F.Or, F.Implies, F.Exists, F.Forall, F.Count)) \
                and F.known(x, env) is not None:
            return
        match x:
            case F.Atom():
                out.add((x.pred, tuple(self._value(a, env) for a in x.args)))
            case F.Qty():
                out.add((x.name, tuple(self._value(a, env) for a in x.args)))
            case F.TermApp():
                args = tuple(self._value(a, env) for a in x.args)
                term = self.instrument.terms[x.term]
                reading = term.reading(readings.get(x.term))
                if reading is None:
                    out.add(OpenTermKey(x.term, args))
                else:
                    self._keys_in(reading.body, {p.name: v for p, v in zip(term.params, args, strict=True)},
                                  readings, out)
            case F.Exists() | F.Forall():
                for v in x.domain:
                    self._keys_in(x.body, {**env, x.var: v}, readings, out)
            case F.Count():
                if isinstance(x.bound, F.IntChoice) and all(
                        F.known(dataclasses.replace(x, bound=b), env) is not None for _, b in x.bound.options):
                    return  # every draft's number settles it (`at most [pb: 2] of` two parties)
                for v in x.domain:
                    self._keys_in(x.body, {**env, x.var: v}, readings, out)
                self._keys_in(x.bound, env, readings, out)
            case F.Breached():
                party = str(self._value(x.party, env))
                breach = F.Not(F.And(tuple(self.respected(n, party) for n in self.instrument.clause(x.clause).norms
                                           if party in n.subjects and n.modality is not Modality.MAY
                                           and (x.step is None or n.step == x.step))))
                self._keys_in(breach, {}, readings, out)
            case F.BoolConst() | F.Eq() | F.Num() | F.Not() | F.And() | F.Or() | F.Implies() | F.Cmp() \
                    | F.Arith() | F.Choice() | F.IntChoice():
                for c in F.children(x):
                    self._keys_in(c, env, readings, out)
            case _:
                assert_never(x)

    # ---- norms ---------------------------------------------------------------------
    def norm(self, norm: Norm, subject: str, readings: Readings) -> z3.BoolRef:
        """The norm, for one subject, as a constraint that compliance requires."""
        key = (id(norm), subject, self._readings_read(norm, readings))
        cached = self._norm_cache.get(key)
        if cached is not None:
            return cached[1]
        result = self._bool(self._norm(norm, subject, readings))
        self._norm_cache[key] = (norm, result)  # the norm is kept alive so its id stays unique
        return result

    def _norm(self, norm: Norm, subject: str, readings: Readings) -> bool | z3.BoolRef:
        env: dict[str, F.Value] = {norm.subject_var: subject}
        if norm.modality is Modality.MAY:
            return True
        if norm.act is None:
            assert norm.keep is not None
            return self._nary([self._not(self._f(norm.condition, readings, env)), self._f(norm.keep, readings, env)],
                              False)
        if norm.modality is Modality.MUST_NOT:
            # A prohibition's condition may use the act's parameters: translate it per binding.
            parts: list[bool | z3.BoolRef] = []
            for b in self.bindings(norm):
                full = {**env, **b}
                atom = self.act_atom(norm, subject, full)
                parts.append(self._not(self._nary([self._f(norm.condition, readings, full),
                                                   self._f(norm.where, readings, full), atom], True)))
            return self._nary(parts, True)
        options: list[bool | z3.BoolRef] = []
        for b in self.bindings(norm):
            full = {**env, **b}
            options.append(self._nary([self._f(norm.where, readings, full), self.act_atom(norm, subject, full)], True))
        condition = self._f(norm.condition, readings, env)  # an obligation's never uses the act's parameters
        return self._nary([self._not(condition), self._nary(options, False)], False)

    def respected(self, norm: Norm, subject: str) -> F.Formula:
        """A subject respecting an obligation, prohibition or limit, as a closed formula (the
        shape of `_norm`): what `breached` mentions is what this formula mentions."""
        env: dict[str, F.Term] = {norm.subject_var: F.Const(subject)}
        if norm.act is None:
            assert norm.keep is not None
            return F.Or((F.Not(F.subst(norm.condition, env)), F.subst(norm.keep, env)))
        cases = []
        for b in self.bindings(norm):
            full = {**env, **{v: F.Const(x) for v, x in b.items()}}
            act = F.Atom(norm.act, (F.Const(subject), *(F.subst_term(t, full) for t in norm.pattern)))
            cases.append((F.subst(norm.condition, full), F.subst(norm.where, full), act))
        if norm.modality is Modality.MUST_NOT:
            return F.And(tuple(F.Not(F.And(case)) for case in cases))
        return F.Or((F.Not(F.subst(norm.condition, env)), F.Or(tuple(F.And((w, a)) for _, w, a in cases))))

    @staticmethod
    def bindings(norm: Norm) -> Iterator[dict[str, F.Value]]:
        """Every value of the norm's pattern variables (the acts a norm is about), in the order of
        its parameters. The encoder's own: the evaluator that re-checks it enumerates them itself."""
        names = [v for v, _ in norm.pattern_vars]
        for values in itertools.product(*(dom for _, dom in norm.pattern_vars)):
            yield dict(zip(names, values, strict=True))

    def act_key(self, norm: Norm, subject: str, env: Mapping[str, F.Value]) -> AtomKey:
        """The act instance a norm's pattern names for a subject, its variables bound by env."""
        assert norm.act is not None
        return (norm.act, (subject, *(self._value(t, env) for t in norm.pattern)))

    def act_atom(self, norm: Norm, subject: str, env: Mapping[str, F.Value]) -> bool | z3.BoolRef:
        """The act's atom for one binding, in a norm being translated (False if folded)."""
        return self.atom_vars.term(self.act_key(norm, subject, env))

    def atom(self, key: AtomKey) -> z3.BoolRef:
        """A fact's or act's variable."""
        return self.atom_vars[key]

    def is_atom(self, key: object) -> TypeGuard[AtomKey]:
        """Whether key is a fact or act of the vocabulary (not a quantity or an open term)."""
        return key in self.atom_vars

    def falsified(self, formula: z3.BoolRef, variables: list[z3.ExprRef]) -> z3.BoolRef:
        """formula with these Boolean variables set false."""
        false = z3.BoolVal(False, self.ctx)
        return substitute(formula, [(v, false) for v in variables]) if variables else formula

    def assumptions(self, readings: Readings) -> z3.BoolRef:
        key = ("assumptions", readings_key(readings))
        cached = self._norm_cache.get(key)
        if cached is None:
            parts = [self._f(a, readings, {}) for a in self.instrument.assumptions
                     if id(a) not in self._settled] + list(self.background)
            cached = (None, self.conj(parts))
            self._norm_cache[key] = cached
        return cached[1]

    def mentioned(self, exprs: Iterable[z3.ExprRef]) -> set[str]:
        """`mentioned`, remembered per expression: the same big formulas are asked about often."""
        out: set[str] = set()
        for e in exprs:
            out |= self._mentioned_one(e)
        return out

    def _mentioned_one(self, e: z3.ExprRef) -> frozenset[str]:
        # Known by the term's address: the entry holds the term, so while it is remembered
        # no other term can have that address (cheaper than asking Z3 for the term's id).
        cached = self._mentions.get(e.ast.value)
        if cached is not None:
            return cached[1]
        return self._mentioned_at(e.as_ast(), e)

    def _mentioned_at(self, a: z3.Ast, holder: z3.ExprRef) -> frozenset[str]:
        """`_mentioned_one` of the term at `a`, under `holder` (which holds it, and is what its
        entry holds). A fresh connective over cached parts (checks build many) reuses the parts'
        answers, read by address: no z3py object is made for a part."""
        mentions = self._mentions
        cached = mentions.get(a.value)
        if cached is not None:
            return cached[1]
        c = self.ctx.ref()
        kind = _AST_KIND(c, a)
        if kind == z3.Z3_APP_AST and _DECL_KIND(c, _APP_DECL(c, a)) in _CONNECTIVES and _NUM_ARGS(c, a) <= 64:
            names: frozenset[str] = frozenset().union(*[self._mentioned_at(_APP_ARG(c, a, i), holder)
                                                        for i in range(_NUM_ARGS(c, a))])
        elif kind == z3.Z3_APP_AST and _NUM_ARGS(c, a) == 0:
            name = _constant_name(c, a)  # (an atom: most parts of a fresh connective)
            names = frozenset() if name is None else frozenset((name,))
        elif kind == z3.Z3_APP_AST:
            found: set[str] = set()
            others = _walk(self.ctx, a, {_AST_ID(c, a)}, found, mentions)
            names = frozenset(found | mentioned(others, mentions))
        else:
            names = frozenset(mentioned([to_expr(a, self.ctx)], mentions))
        mentions[a.value] = (holder, names)
        return names


# What `Encoder._fold_world` reads of each assumption (whether it says nothing more once its
# atoms are false; the atoms it fixes false), by the assumption itself: formulas compare by
# their parts, not where they are written. Emptied past a bound (the oracle campaigns load
# thousands of specs in one process).
_FOLDS: dict[F.Formula, tuple[bool, frozenset[AtomKey]]] = {}
_MAX_FOLDS = 10_000


def forget_folds() -> None:
    """Forget what `_FOLDS` holds: for a benchmark that times several runs in one process as
    a first run (`nverify` checks a folder once per process)."""
    _FOLDS.clear()


@dataclass(slots=True)
class _Node:
    """A compound formula's record in an encoder: its free variables and the vague terms it
    reads (what its translation depends on), how it is translated, and its translations so far.

    A compound formula is translated once per reading set and values of its free variables:
    a quantifier's body repeats, for every value, whatever does not mention the variable
    (hague_v's prohibitions translated the same conditions tens of thousands of times). One
    record per node, looked up once per visit."""

    formula: F.Formula  # (held: its id stays its own)
    free: tuple[str, ...]
    terms: tuple[str, ...]
    translate: Callable[[Encoder, Any, Readings, Mapping[str, F.Value]], bool | z3.BoolRef]
    memo: dict[object, bool | z3.BoolRef] = field(default_factory=dict)


_TRANSLATE: dict[type, Callable[[Encoder, Any, Readings, Mapping[str, F.Value]], bool | z3.BoolRef]] = {
    F.And: Encoder._f_and, F.Or: Encoder._f_or, F.Not: Encoder._f_not, F.Exists: Encoder._f_exists,
    F.Forall: Encoder._f_forall, F.TermApp: Encoder._f_term, F.Implies: Encoder._f_implies,
    F.Choice: Encoder._f_choice, F.Count: Encoder._f_count,
}
