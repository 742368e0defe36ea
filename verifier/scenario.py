"""Minimal scenarios: a Z3 model -> the world with the fewest true atoms -> Scenario.

Minimisation uses a fresh Optimize per witness (MaxSAT is not incremental):
every user-visible atom gets a soft `not atom`, then the quantities are
minimised, so a reader sees only what the finding needs. The resulting world
is also returned as a `dsl.evaluate.World` for the independent re-check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import z3

from dsl.evaluate import AtomKey, World
from verifier.findings import Scenario
from verifier.ground import format_atom
from verifier.session import Session


def minimal_model(session: Session, assumptions: Sequence[z3.BoolRef],
                  keep_fixed: Iterable[z3.BoolRef] = ()) -> z3.ModelRef | None:
    """A model of the session's assertions under `assumptions` with the fewest true atoms.

    None when the solver gives up (the caller then reports the plain model).
    """
    enc = session.enc
    opt = z3.Optimize(ctx=session.ctx)
    opt.set("maxsat_engine", "rc2")
    opt.set("random_seed", 0)
    if session.limits.timeout_ms:
        opt.set("timeout", session.limits.timeout_ms)
    # Only what the assumptions switch on constrains the world; every other atom is
    # false (and every other quantity 0) in the model's completion.
    active = [*session.active(assumptions), *keep_fixed, *enc.background]
    names = enc.mentioned(active)
    opt.add(*active)
    for var in (*enc.atom_vars.values(), *enc.open_vars.values()):
        if enc.name_of(var) in names:
            opt.add_soft(z3.Not(var), 1, "atoms")
    quantities = [v for v in enc.qty_vars.values() if enc.name_of(v) in names]
    if quantities:
        opt.minimize(z3.Sum(quantities))
    if opt.check() != z3.sat:
        return None
    return opt.model()


def world_of(session: Session, model: z3.ModelRef, draft: Mapping[str, str]) -> World:
    # Only the constants the model assigns can be true or non-zero; the rest are false or 0.
    enc = session.enc
    atoms, terms = set(), set()
    quantities: dict[AtomKey, int] = {}
    for decl in model.decls():
        entry = enc.by_name.get(decl.name())
        if entry is None:
            continue
        key, var = entry
        value = model[decl]
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "term":
            if z3.is_true(value):
                terms.add(key[1])
        elif key in enc.qty_vars:
            quantities[key] = value.as_long()  # type: ignore[attr-defined]
        elif z3.is_true(value):
            atoms.add(key)
    return World(frozenset(atoms), quantities, frozenset(terms), dict(draft))


def scenario_of(session: Session, world: World, show_quantities: Iterable[str] = ()) -> Scenario:
    """The world as people read it: atoms in declaration order, relevant quantities."""
    vocab = session.enc.vocab
    shown = set(show_quantities)
    facts = tuple(format_atom(a) for a in vocab.atoms if a in world.atoms and vocab.kind[a[0]] == "fact")
    acts = tuple(format_atom(a) for a in vocab.atoms if a in world.atoms and vocab.kind[a[0]] == "act")
    quantities = tuple((format_atom(q), world.quantities.get(q, 0)) for q in vocab.quantities
                       if world.quantities.get(q, 0) != 0 or q[0] in shown)
    terms = tuple(format_atom(t) for t in sorted(world.open_terms, key=repr))
    return Scenario(facts, acts, quantities, terms)


def fixed_situation(session: Session, model: z3.ModelRef, keys: Iterable[AtomKey | tuple[str, AtomKey]]) -> list[z3.BoolRef]:
    """Literals fixing the given variables to their values in model (for assumptions)."""
    enc = session.enc
    lits: list[z3.BoolRef] = []
    for key in keys:
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "term":
            var: z3.ExprRef = enc.open_vars[key[1]]  # type: ignore[index]
        elif key in enc.atom_vars:
            var = enc.atom_vars[key]  # type: ignore[index]
        else:
            var = enc.qty_vars[key]  # type: ignore[index]
        value = model.eval(var, model_completion=True)
        lits.append(session.value_lit(var, z3.is_true(value) if z3.is_bool(var) else value.as_long()))  # type: ignore[attr-defined]
    return lits
