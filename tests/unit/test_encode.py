"""verifier.encode: the Z3 translation agrees with dsl.evaluate on every world of small specs.

The encoder and the evaluator share no code; enumerating every world of a
spec with a handful of atoms and comparing the two is the strongest check
that the translation means what the model says.
"""

from __future__ import annotations

from itertools import product

import pytest
import z3

from dsl import formula as F
from dsl.evaluate import World, breaches
from dsl.model import AtomKey, Instrument
from tests.unit.helpers import baseline, instrument
from verifier.encode import Encoder, forced
from verifier.ground import format_atom, vocabulary

SPECS = {
    "prohibition with act parameters in its condition": """
        party a, b;
        fact hostile(p: party);
        act trade(actor: party, with: party);
        clause c "C" { a must not trade when hostile(with); }
    """,
    "obligation with where and unless": """
        party a, b;
        enum kind = {x, y};
        fact asked(p: party) controlled by p;
        act help(actor: party, to: party, kind: kind);
        clause c "C" { each p in party must help(to: a) where kind == x when asked(a) unless asked(p); }
    """,
    "override": """
        party a, b;
        fact ok(p: party);
        act go(actor: party, to: party);
        clause g "G" { a must not go; }
        clause s "S" overrides g { a may go(to: b) when ok(b); }
    """,
    "overridden obligation": """
        party a, b;
        fact ok(p: party);
        act go(actor: party, to: party);
        clause g "G" { a must go; }
        clause s "S" overrides g { a may go(to: b) when ok(b); }
    """,
    "brackets and open terms": """
        party a, b;
        fact f(p: party);
        act go(actor: party);
        term t(p: party);
        clause c "C" { a must not go when t(b) and [b: f(a)]; [a: b must go when f(b);] }
    """,
}


def atom_worlds(inst: Instrument, limit: int = 12) -> list[frozenset[AtomKey]]:
    atoms = list(vocabulary(inst).atoms)
    assert len(atoms) <= limit, "keep these specs tiny: every world is enumerated"
    return [frozenset(a for a, on in zip(atoms, bits, strict=True) if on) for bits in product((False, True), repeat=len(atoms))]


def drafts(inst: Instrument) -> list[dict[str, str]]:
    ids = list(inst.brackets)
    return [dict(zip(ids, labels, strict=True)) for labels in product(*(inst.brackets[b].labels for b in ids))]


@pytest.mark.parametrize("name", list(SPECS))
def test_norms_agree_with_the_evaluator_on_every_world(name: str) -> None:
    inst = instrument(SPECS[name])
    readings = baseline(inst)
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    open_keys = [("t", (p,)) for p in inst.parties] if "t" in inst.terms else []
    compared = 0
    for draft in drafts(inst):
        for atoms in atom_worlds(inst):
            for open_bits in product((False, True), repeat=len(open_keys)):
                terms = frozenset(k for k, on in zip(open_keys, open_bits, strict=True) if on)
                world = World(atoms, {}, terms, draft)
                values = [(v, z3.BoolVal(k in atoms, enc.ctx)) for k, v in enc.atom_vars.items()]
                values += [(enc.open_term(k), z3.BoolVal(k in terms, enc.ctx)) for k in open_keys]
                values += [(lit, z3.BoolVal(draft.get(b) == lab, enc.ctx)) for (b, lab), lit in enc.selectors.items()]
                for norm in inst.norms:
                    for s in norm.subjects:
                        encoded = z3.simplify(z3.substitute(enc.norm(norm, s, readings), *values))
                        broken = any(b.norm is norm and b.subject == s for b in breaches(inst, world, readings))
                        assert z3.is_true(encoded) == (not broken), (name, norm.clause, s, sorted(atoms), draft)
                        compared += 1
    assert compared > 0


def test_atoms_are_named_as_people_read_them() -> None:
    inst = instrument("party a, b;\nenum k = {x};\nfact f(p: party, kind: k, flag: bool);\nquantity q(p: party);")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    assert str(enc.atom_vars[("f", ("a", "x", True))]) == "f(a, x, true)"
    assert format_atom(("f", ("b", "x", False))) == "f(b, x, false)"
    assert len(enc.atom_vars) == 4 and len(enc.qty_vars) == 2


def test_background_keeps_quantities_non_negative_and_one_alternative_per_bracket() -> None:
    inst = instrument("party a, b;\nquantity q(p: party) controlled by p;\n"
                      'clause c "C" { limit q(a) <= [a: 5 | b: 7 | base: 6]; }')
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.assumptions(baseline(inst)))
    solver.add(enc.qty_vars[("q", ("a",))] < 0)
    assert solver.check() == z3.unsat
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.assumptions(baseline(inst)))
    lits = [enc.selectors[("c#1", lab)] for lab in ("a", "b", "base")]
    assert solver.check(lits[0], lits[1]) == z3.unsat
    assert solver.check(z3.Not(lits[0]), z3.Not(lits[1]), z3.Not(lits[2])) == z3.unsat
    assert solver.check(lits[2]) == z3.sat


def test_empty_assumptions_live_in_the_encoders_context() -> None:
    """Regression: z3.And([]) is built in Z3's main context and mixing contexts fails."""
    inst = instrument("party a;\nact go(actor: party);\nclause c \"C\" { a may go; }")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    assumed = enc.assumptions(baseline(inst))
    assert assumed.ctx == enc.ctx and z3.is_true(z3.simplify(assumed))


def test_quantifiers_are_expanded() -> None:
    inst = instrument("party a, b, c;\nfact f(p: party);\nassume exists p in party: (all q in {a, b}: f(q) or f(p));")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    encoded = enc.formula(inst.assumptions[0], {})

    def no_quantifier(e: z3.ExprRef) -> bool:
        return not z3.is_quantifier(e) and all(no_quantifier(c) for c in e.children())

    assert no_quantifier(encoded)
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(encoded, *(z3.Not(v) for v in enc.atom_vars.values()))
    assert solver.check() == z3.unsat


def test_readings_are_fixed_per_translation() -> None:
    inst = instrument("party a;\nenum k = {x, y};\nterm t(v: k) { reading ordinary: v == x; reading wide: true; }\n"
                      "assume t(y);")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    assert z3.is_false(z3.simplify(enc.formula(inst.assumptions[0], {"t": "ordinary"})))
    assert z3.is_true(z3.simplify(enc.formula(inst.assumptions[0], {"t": "wide"})))
    open_value = enc.formula(inst.assumptions[0], {"t": None})
    assert str(open_value) == "term t(y)" and enc.open_term(("t", ("y",))).eq(open_value)


def test_constant_equalities_fold() -> None:
    inst = instrument("party a;")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    assert z3.is_true(enc.formula(F.Eq(F.Var("p"), F.Const("a")), {}, {"p": "a"}))


def test_forced_reads_the_constants_a_formula_fixes_outright() -> None:
    a, b, c, d, e = z3.Bools("a b c d e")
    formula = z3.And(z3.Not(z3.Or(a, z3.Not(b))), c, z3.Or(d, e), z3.Implies(d, e))
    found = _named(forced(formula), [a, b, c, d, e])
    assert found == {("a", False), ("b", True), ("c", True)}  # `d or e` fixes neither
    assert forced(z3.Or(a, b)) == frozenset()


def _named(pairs: frozenset[tuple[int, bool]], variables: list[z3.BoolRef]) -> set[tuple[str, bool]]:
    by_address = {v.ast.value: str(v) for v in variables}
    return {(by_address[address], value) for address, value in pairs}
