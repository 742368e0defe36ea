"""Instrument + Vocabulary -> Z3 terms: atoms, selectors, and each norm as a formula.

Quantifiers over finite domains are expanded here (no Z3 quantifiers), so
every query is quantifier-free. Readings are fixed per translation: the same
norm under two reading assignments gives two formulas over the same atoms,
which is what the pretext check compares. Bracketed revisions become selector
literals (exactly one per bracket), so one solver covers every draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import z3

from dsl import formula as F
from dsl.evaluate import AtomKey, bindings
from dsl.model import Instrument, Modality, Norm
from verifier.ground import Vocabulary, format_atom

Readings = Mapping[str, str | None]


def mentioned(exprs: Iterable[z3.ExprRef]) -> set[str]:
    """Names of the constants (atoms, quantities, selectors) occurring in exprs."""
    seen: set[int] = set()
    names: set[str] = set()
    stack = list(exprs)
    while stack:
        e = stack.pop()
        ident = e.get_id()
        if ident in seen:
            continue
        seen.add(ident)
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            names.add(e.decl().name())
            continue
        stack.extend(e.children())
    return names


def readings_key(readings: Readings) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted(readings.items()))


@dataclass
class Encoder:
    instrument: Instrument
    vocab: Vocabulary
    ctx: z3.Context
    atom_vars: dict[AtomKey, z3.BoolRef] = field(default_factory=dict)
    qty_vars: dict[AtomKey, z3.ArithRef] = field(default_factory=dict)
    open_vars: dict[AtomKey, z3.BoolRef] = field(default_factory=dict)
    selectors: dict[tuple[str, str], z3.BoolRef] = field(default_factory=dict)
    background: list[z3.BoolRef] = field(default_factory=list)  # domain constraints, always asserted
    # Two encoders in one context share atoms (same names) but never selectors: `diff`
    # compares two drafts of one file, whose brackets have the same ids.
    selector_prefix: str = ""
    # In `negotiate`, a bracketed number may range between its alternatives: bracket -> Int.
    numbers: dict[str, z3.ArithRef] = field(default_factory=dict)
    # A second copy of the world in the same context (a witness world per `possible` goal).
    atom_prefix: str = ""

    def __post_init__(self) -> None:
        for key in self.vocab.atoms:
            self.atom_vars[key] = z3.Bool(self.atom_prefix + format_atom(key), self.ctx)
        for key in self.vocab.quantities:
            var = z3.Int(self.atom_prefix + format_atom(key), self.ctx)
            self.qty_vars[key] = var
            self.background.append(var >= 0)
        for bracket in self.instrument.brackets.values():
            lits = []
            for label in bracket.labels:
                lit = z3.Bool(f"{self.selector_prefix}draft {bracket.id}={label}", self.ctx)
                self.selectors[(bracket.id, label)] = lit
                lits.append(lit)
            self.background.append(z3.PbEq([(lit, 1) for lit in lits], 1))

    # ---- variables -------------------------------------------------------------
    def open_term(self, key: AtomKey) -> z3.BoolRef:
        """An open term's value: a circumstance atom the solver may choose."""
        var = self.open_vars.get(key)
        if var is None:
            var = z3.Bool(self.atom_prefix + "term " + format_atom(key), self.ctx)
            self.open_vars[key] = var
        return var

    def draft_literals(self, draft: Mapping[str, str]) -> list[z3.BoolRef]:
        return [self.selectors[(b, lab)] for b, lab in sorted(draft.items())]

    def name_of(self, var: z3.ExprRef) -> str:
        """A variable's name without the slow pretty-printer (names are cached per variable id)."""
        cache = self.__dict__.setdefault("_names", {})
        ident = var.get_id()
        name = cache.get(ident)
        if name is None:
            name = var.decl().name()
            cache[ident] = name
        return name

    def var_of(self, key: object) -> z3.ExprRef:
        """The variable of an atom, quantity or (("term", key)) open term."""
        if key in self.atom_vars:
            return self.atom_vars[key]  # type: ignore[index]
        if key in self.qty_vars:
            return self.qty_vars[key]  # type: ignore[index]
        return self.open_vars[key[1]]  # type: ignore[index]

    def situation_vars(self, exclude: set[AtomKey]) -> list[tuple[AtomKey | tuple[str, AtomKey], z3.ExprRef]]:
        """All user-visible variables except `exclude`: atoms, quantities, open terms."""
        out: list[tuple[AtomKey | tuple[str, AtomKey], z3.ExprRef]] = []
        for key, var in self.atom_vars.items():
            if key not in exclude:
                out.append((key, var))
        for key, qvar in self.qty_vars.items():
            if key not in exclude:
                out.append((key, qvar))
        for key, ovar in self.open_vars.items():
            out.append((("term", key), ovar))
        return out

    # ---- translation -------------------------------------------------------------
    def _value(self, t: F.Term, env: Mapping[str, F.Value]) -> F.Value:
        return t.value if isinstance(t, F.Const) else env[t.name]

    def integer(self, e: F.IntExpr, env: Mapping[str, F.Value]) -> z3.ArithRef:
        if isinstance(e, F.Num):
            return z3.IntVal(e.value, self.ctx)
        if isinstance(e, F.Qty):
            return self.qty_vars[(e.name, tuple(self._value(a, env) for a in e.args))]
        if isinstance(e, F.Arith):
            left, right = self.integer(e.left, env), self.integer(e.right, env)
            return left + right if e.op == "+" else left - right
        if e.bracket in self.numbers:
            return self.numbers[e.bracket]
        # A bracketed number: the chosen alternative's value.
        result: z3.ArithRef | None = None
        for label, option in reversed(e.options):
            value = self.integer(option, env)
            result = value if result is None else z3.If(self.selectors[(e.bracket, label)], value, result)
        assert result is not None
        return result

    def formula(self, f: F.Formula, readings: Readings, env: Mapping[str, F.Value] | None = None) -> z3.BoolRef:
        env = env or {}
        ctx = self.ctx
        if isinstance(f, F.BoolConst):
            return z3.BoolVal(f.value, ctx)
        if isinstance(f, F.Atom):
            return self.atom_vars[(f.pred, tuple(self._value(a, env) for a in f.args))]
        if isinstance(f, F.TermApp):
            args = tuple(self._value(a, env) for a in f.args)
            term = self.instrument.terms[f.term]
            reading = term.reading(readings.get(f.term))
            if reading is None:
                return self.open_term((f.term, args))
            return self.formula(reading.body, readings, {p.name: v for p, v in zip(term.params, args)})
        if isinstance(f, F.Eq):
            return z3.BoolVal(self._value(f.left, env) == self._value(f.right, env), ctx)
        if isinstance(f, F.Cmp):
            a, b = self.integer(f.left, env), self.integer(f.right, env)
            ops = {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}
            return ops[f.op]
        if isinstance(f, F.Not):
            return z3.Not(self.formula(f.operand, readings, env))
        if isinstance(f, F.And):
            return z3.And([self.formula(o, readings, env) for o in f.operands])
        if isinstance(f, F.Or):
            return z3.Or([self.formula(o, readings, env) for o in f.operands])
        if isinstance(f, F.Implies):
            return z3.Implies(self.formula(f.left, readings, env), self.formula(f.right, readings, env))
        if isinstance(f, F.Exists):
            return z3.Or([self.formula(f.body, readings, {**env, f.var: v}) for v in f.domain] or [z3.BoolVal(False, ctx)])
        if isinstance(f, F.Forall):
            return z3.And([self.formula(f.body, readings, {**env, f.var: v}) for v in f.domain] or [z3.BoolVal(True, ctx)])
        return z3.Or([z3.And(self.selectors[(f.bracket, label)], self.formula(option, readings, env))
                      for label, option in f.options])

    # ---- norms ---------------------------------------------------------------------
    def norm(self, norm: Norm, subject: str, readings: Readings) -> z3.BoolRef:
        """The norm, for one subject, as a constraint that compliance requires."""
        env: dict[str, F.Value] = {norm.subject_var: subject}
        if norm.modality is Modality.MAY:
            return z3.BoolVal(True, self.ctx)
        if norm.act is None:
            assert norm.keep is not None
            return z3.Implies(self.formula(norm.condition, readings, env), self.formula(norm.keep, readings, env))
        if norm.modality is Modality.MUST_NOT:
            # A prohibition's condition may use the act's parameters: translate it per binding.
            parts = []
            for b in bindings(norm):
                full = {**env, **b}
                atom = self.act_atom(norm, subject, full)
                parts.append(z3.Not(z3.And(self.formula(norm.condition, readings, full),
                                           self.formula(norm.where, readings, full), atom)))
            return z3.And(parts) if parts else z3.BoolVal(True, self.ctx)
        options = []
        for b in bindings(norm):
            full = {**env, **b}
            options.append(z3.And(self.formula(norm.where, readings, full), self.act_atom(norm, subject, full)))
        condition = self.formula(norm.condition, readings, env)  # an obligation's never uses the act's parameters
        return z3.Implies(condition, z3.Or(options) if options else z3.BoolVal(False, self.ctx))

    def act_atom(self, norm: Norm, subject: str, env: Mapping[str, F.Value]) -> z3.BoolRef:
        assert norm.act is not None
        return self.atom_vars[(norm.act, (subject, *(self._value(t, env) for t in norm.pattern)))]

    def assumptions(self, readings: Readings) -> z3.BoolRef:
        parts = [self.formula(a, readings) for a in self.instrument.assumptions] + self.background
        # An empty z3.And would be built in Z3's main context, not this encoder's.
        return z3.And(parts) if parts else z3.BoolVal(True, self.ctx)
