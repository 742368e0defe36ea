"""Scenarios: a Z3 model -> the world it shows -> Scenario, and reading models fast.

The world (a `dsl.evaluate.World`) is what the independent re-check evaluates; the
scenario is how people read it. The model is usually a minimal one (`verifier.minimal`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping, Sequence

import z3

from dsl.evaluate import World
from dsl.model import AtomKey, Horizon, step_of
from verifier.encode import Encoder, OpenTermKey, VarKey
from verifier.findings import Scenario
from verifier.ground import Vocabulary, format_atom
from verifier.session import Session
from verifier.z3_native import c_function, const_values, is_true_at, to_expr


def world_of(session: Session, model: z3.ModelRef, draft: Mapping[str, str]) -> World:
    atoms, terms = set(), set()
    quantities: dict[AtomKey, int] = {}
    for key, value in _assignment(session.enc, model).items():
        if value is False:
            continue
        if isinstance(key, OpenTermKey):
            terms.add(key.application)
        elif value is True:
            atoms.add(key)
        else:
            quantities[key] = value
    return World(frozenset(atoms), quantities, frozenset(terms), dict(draft))


def world_over(session: Session, model: z3.ModelRef, keys: Sequence[VarKey], draft: Mapping[str, str]) -> World:
    """The part of the model's world on the given keys (everything else false or 0): for
    questions about formulas that mention only these keys, the same verdicts as world_of,
    without reading every constant of a large model."""
    enc = session.enc
    atoms, terms = set(), set()
    quantities: dict[AtomKey, int] = {}
    booleans = [key for key in keys if key not in enc.qty_vars]
    for key in keys:
        if not isinstance(key, OpenTermKey) and key in enc.qty_vars:
            value = model.eval(enc.qty_vars[key], model_completion=True).as_long()
            if value:
                quantities[key] = value
    for key, (_, value) in zip(booleans, Values(session, [enc.var_of(k) for k in booleans]).pairs(model), strict=True):
        if truth_of(session, value):
            if isinstance(key, OpenTermKey):
                terms.add(key.application)
            else:
                atoms.add(key)
    return World(frozenset(atoms), quantities, frozenset(terms), dict(draft))


def _assignment(enc: Encoder, model: z3.ModelRef) -> dict[VarKey, bool | int]:
    """What the model assigns to the encoder's atoms, quantities and open terms (by key).

    Only the constants the model assigns can be true or non-zero; the rest are false or 0.
    A model of the session's solver assigns every atom and literal, and this runs for every
    witness: the model is read through the C library directly, and its constants are told
    apart by their declarations, which are the variables' own (one per name and sort)."""
    out: dict[VarKey, bool | int] = {}
    c, m = model.ctx.ref(), model.model
    decls = enc.by_declaration()
    qty_vars = enc.qty_vars
    for i in range(_LIB.Z3_model_get_num_consts(c, m)):
        decl = _LIB.Z3_model_get_const_decl(c, m, i)
        entry = decls.get(decl.value)
        if entry is None:
            continue
        key = entry[0]
        value = _LIB.Z3_model_get_const_interp(c, m, decl)
        if key in qty_vars:
            out[key] = int(_LIB.Z3_get_numeral_string(c, value))
        else:
            out[key] = _LIB.Z3_get_bool_value(c, value) == z3.Z3_L_TRUE
    return out


class _LIB:  # reads of models, straight from the C library (see verifier.z3_native)
    Z3_model_get_num_consts = c_function(z3.Z3_model_get_num_consts)
    Z3_model_get_const_decl = c_function(z3.Z3_model_get_const_decl)
    Z3_model_get_const_interp = c_function(z3.Z3_model_get_const_interp)
    Z3_get_bool_value = c_function(z3.Z3_get_bool_value)
    Z3_get_numeral_string = staticmethod(z3.Z3_get_numeral_string)  # converts bytes to str


def scenario_of(session: Session, world: World, show_quantities: Iterable[str] = (), minimal: bool = True) -> Scenario:
    """The world as people read it: atoms in declaration order, relevant quantities (`minimal`:
    whether the world came from `minimal_model`, not from a plain model in its place)."""
    vocab = session.enc.vocab
    horizon = session.instrument.horizon
    shown = set(show_quantities)
    # The world's atoms in declaration order: sorted by their places, not picked out of every
    # atom of the vocabulary (thousands on real memberships, for a handful true).
    positions = session.enc.positions()
    ordered = sorted(world.atoms, key=positions.__getitem__) if all(a in positions for a in world.atoms) \
        else [a for a in vocab.atoms if a in world.atoms]
    facts = tuple(format_atom(a, horizon) for a in ordered if vocab.kind[a[0]] == "fact")
    acts = tuple(format_atom(a, horizon) for a in ordered if vocab.kind[a[0]] == "act")
    quantities = tuple((format_atom(q, horizon), world.quantities.get(q, 0)) for q in vocab.quantities
                       if world.quantities.get(q, 0) != 0 or q[0] in shown)
    terms = tuple(format_atom(t, horizon) for t in sorted(world.open_terms, key=repr))
    if horizon is None:
        return Scenario(facts, acts, quantities, terms, minimal, world=world)
    return Scenario(facts, acts, quantities, terms, minimal, timeline_of(vocab, world, horizon), horizon.phrase(),
                    world=world)


def timeline_of(vocab: Vocabulary, world: World, horizon: Horizon) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What holds at each step where something changes (the first step when anything holds):
    facts, acts done, open wording read as true, non-zero quantities, without their step."""
    at: dict[int, list[str]] = {t: [] for t in horizon.steps}
    for key in vocab.atoms:
        if key in world.atoms:
            bare, step = step_of(key)
            if step is not None:
                at[step].append(format_atom(bare))
    for key in vocab.quantities:
        value = world.quantities.get(key, 0)
        if value:
            bare, step = step_of(key)
            if step is not None:
                at[step].append(f"{format_atom(bare)} = {value:,}")
    for key in sorted(world.open_terms, key=repr):
        bare, step = step_of(key)
        if step is not None:
            at[step].append(format_atom(bare) + " (open wording read as true)")
    out: list[tuple[str, tuple[str, ...]]] = []
    before: list[str] = []
    for t in horizon.steps:
        if at[t] != before:
            out.append((horizon.label(t), tuple(at[t])))
        before = at[t]
    return tuple(out)


class Values:
    """`[(v, model.eval(v, model_completion=True)) for v in variables]`, for `encode.substitute`,
    in the many models of one search: the variables' declarations are looked up once.

    A Boolean's value is Z3's own `true` or `false`, which live as long as the context: it is
    given as the term's address, without a z3py object. Other values (numerals, which Z3 may
    make for the occasion) are z3py objects, held as long as the list."""

    def __init__(self, session: Session, variables: Sequence[z3.ExprRef], decls: list[int] | None = None,
                 addresses: list[int] | None = None, quantities: list[int] | None = None) -> None:
        self.session = session
        self.variables = list(variables)
        # The variables' declarations, their own addresses and which are quantities, if known (`qbf.Cone`).
        self._decls = decls if decls is not None else [session.decl(v).value for v in self.variables]
        self._addresses = addresses
        self._quantities = quantities if quantities is not None else \
            [i for i, v in enumerate(self.variables) if not isinstance(v, z3.BoolRef)]
        self._sources: z3.Ast | None = None  # (`substituted`) the variables as a C array
        self._zero: z3.ExprRef | None = None  # (`substituted`) the 0 of a quantity the model leaves out

    def pairs(self, model: z3.ModelRef) -> list[tuple[z3.ExprRef, z3.ExprRef | int]]:
        # (A constant the model leaves out is false.)
        values: list[z3.ExprRef | int] = list(const_values(model, self._decls, self.session.false.ast.value))
        for i in self._quantities:
            values[i] = model.eval(self.variables[i], model_completion=True)
        return list(zip(self.variables, values, strict=True))

    def substituted(self, formula: z3.ExprRef, model: z3.ModelRef) -> z3.ExprRef:
        """`encode.substitute(formula, self.pairs(model))`, the variables' array made once: an
        exists-forall search refutes with every inner variable's value, thousands of them
        in a regime, round after round."""
        if not self.variables:
            return formula
        ctx = model.ctx
        count = len(self.variables)
        if self._sources is None:
            self._sources = (z3.Ast * count)(*(self._addresses if self._addresses is not None
                                               else [v.ast.value for v in self.variables]))
        # A constant the model leaves out is false (or 0); a quantity's value is a numeral.
        false = self.session.false.ast.value
        targets = const_values(model, self._decls, false)
        if self._quantities:
            if self._zero is None:
                self._zero = z3.IntVal(0, ctx)
            for i in self._quantities:
                if targets[i] == false:
                    targets[i] = self._zero.ast.value
        z3.Z3_get_sort(ctx.ref(), self.variables[0].as_ast())  # (as `encode.substitute` does)
        array = (z3.Ast * count)(*targets)
        return to_expr(z3.Z3_substitute(ctx.ref(), formula.as_ast(), count, self._sources, array), ctx)


def truth_of(session: Session, address: int) -> bool:
    """Whether a Boolean value of `Values.pairs` is `true` (Z3's own `true`; anything else is asked of Z3)."""
    if address == session.true.ast.value:
        return True
    if address == session.false.ast.value:
        return False
    return is_true_at(session.ctx.ref(), address)


class Situation:
    """Literals fixing given variables to their values in a model (assumptions), for the many
    models of one search: its variables, their declarations and negations are looked up once,
    and a round only reads the model's table of constants."""

    def __init__(self, session: Session, keys: Iterable[VarKey], variables: Sequence[z3.ExprRef] | None = None,
                 decls: Sequence[int] | None = None) -> None:
        # The session keeps its situations (`of`): a reference back to it would make each a cycle
        # that holds the session, the encoder and all they made until Python's cycle collector
        # finds them (a million objects on the corpus). What `literals` reads of it is kept.
        self._session = weakref.ref(session)
        self._true, self._false = session.true.ast.value, session.false.ast.value
        # The keys' variables and their declarations (by address), if known (`qbf.Cone`).
        self.variables = list(variables) if variables is not None else [session.enc.var_of(k) for k in keys]
        self._bools = [(i, var, session.negation(var))
                       for i, var in enumerate(self.variables) if isinstance(var, z3.BoolRef)]
        self._bool_decls = [decls[i] if decls is not None else session.decl(var).value for i, var, _ in self._bools]
        # Quantities: their declarations, and the literals fixing them made so far (by value).
        self._others: list[tuple[int, z3.ExprRef, z3.FuncDecl, dict[int, z3.BoolRef]]] = [
            (i, var, session.decl(var), {})
            for i, var in enumerate(self.variables) if not isinstance(var, z3.BoolRef)]

    @property
    def has_integers(self) -> bool:
        """Whether some variable is a quantity (a search over it need not end by refutation)."""
        return bool(self._others)

    @staticmethod
    def of(session: Session, keys: Sequence[VarKey], variables: Sequence[z3.ExprRef] | None = None,
           decls: Sequence[int] | None = None) -> Situation:
        """The situation of these keys, made once per session (a party's searches share theirs)."""
        cache = session.situations
        found = cache.get(tuple(keys))
        if found is None:
            found = cache[tuple(keys)] = Situation(session, keys, variables, decls)
        return found

    def booleans(self, lits: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """Of `literals(...)`, those that fix a yes/no variable (not a quantity)."""
        return [lits[i] for i, _, _ in self._bools]

    def literals(self, model: z3.ModelRef) -> list[z3.BoolRef]:
        c, m = model.ctx.ref(), model.model
        true, false = self._true, self._false
        lits: list[z3.BoolRef] = [None] * len(self.variables)
        # (A constant the model leaves out is false.)
        for (i, var, negation), address in zip(self._bools, const_values(model, self._bool_decls, false), strict=True):
            lits[i] = var if address == true or (address != false and is_true_at(c, address)) else negation
        for i, var, decl, made in self._others:
            value = _LIB.Z3_model_get_const_interp(c, m, decl)  # (a numeral; a constant the model leaves out is 0)
            number = int(_LIB.Z3_get_numeral_string(c, value)) if value else 0
            lit = made.get(number)
            if lit is None:
                session = self._session()
                assert session is not None, "a situation read after its session"
                lit = made[number] = session.value_lit(var, number)
            lits[i] = lit
        return lits


def choice_phrase(lits: Sequence[z3.BoolRef]) -> str:
    """`agrees(russia) = false, armed_attack(russia, ukraine, mainland) = true`."""
    parts = []
    for lit in lits:
        if z3.is_not(lit):
            parts.append(f"{lit.arg(0)} = false")
        elif z3.is_const(lit) and str(lit).find(" = ") >= 0:
            # A figure fixed (`Session.value_lit`), written as the reports write figures: `1,000`.
            name, _, value = str(lit).rpartition(" = ")
            parts.append(f"{name} = {int(value):,}" if value.lstrip("-").isdigit() else str(lit))
        else:
            parts.append(f"{lit} = true")
    return ", ".join(_steps_together(parts))


_AT_STEP = re.compile(r"^(.*\)) at (.+) = (.+)$")


def _steps_together(parts: list[str]) -> list[str]:
    """`agrees(usa) = false at day 0, day 1 and day 2` for the same value at several steps
    (a timed spec's atoms are one per step); anything else as it is."""
    steps: dict[tuple[str, str], list[str]] = {}
    order: list[str | tuple[str, str]] = []
    for part in parts:
        m = _AT_STEP.match(part)
        if m is None:
            order.append(part)
            continue
        key = (m.group(1), m.group(3))
        if key not in steps:
            steps[key] = []
            order.append(key)
        steps[key].append(m.group(2))
    out = []
    for item in order:
        if isinstance(item, str):
            out.append(item)
            continue
        labels = steps[item]
        when = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        out.append(f"{item[0]} = {item[1]} at {when}")
    return out
