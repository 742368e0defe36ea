"""Breaches in the world (DESIGN 12): `breached(C, by: P)`, breach cycles and `while`.

Every answer here is worked out by hand from the definition: breached(c, by: p) is
the negation of p's norms of c, and `while P breaches C` asks about the worlds where P
breaches C and everyone else complies.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dsl import formula as F
from dsl.evaluate import Evaluator, World
from dsl.model import AtomKey
from tests.unit.helpers import codes, context, diagnostics, findings_in, instrument

WORLD = """
instrument t "t";
party ukraine, russia, usa;
act attack(actor: party, on: other party);
act consult(actor: party);
clause art2 "Art. 2" { each p in {russia, usa} must not attack(on: ukraine); }
clause art4 "Art. 4" { usa must consult when breached(art2, by: russia); }
clause art5 "Art. 5" { usa may consult; }
"""


def _holds(text: str, formula_text: str, atoms: Iterable[AtomKey]) -> bool:
    inst = instrument(text + f"assert probe: {formula_text};\n")
    probe = next(q for q in inst.queries if q.name == "probe")
    assert probe.formula is not None
    return Evaluator(inst, World(frozenset(atoms)), {}).holds(probe.formula)


def test_a_breach_is_the_party_not_respecting_its_norms_of_the_clause() -> None:
    attack = {("attack", ("russia", "ukraine"))}
    assert _holds(WORLD, "breached(art2, by: russia)", attack)
    assert not _holds(WORLD, "breached(art2, by: usa)", attack)
    assert not _holds(WORLD, "breached(art2, by: russia)", set())
    assert _holds(WORLD, "breached(art2)", attack)  # without `by`: anyone's breach
    assert not _holds(WORLD, "breached(art2, by: ukraine)", attack)  # owes nothing under art2


def test_a_clause_answering_a_breach_is_itself_breached_when_the_answer_does_not_come() -> None:
    attack = {("attack", ("russia", "ukraine"))}
    assert _holds(WORLD, "breached(art4, by: usa)", attack)
    assert not _holds(WORLD, "breached(art4, by: usa)", attack | {("consult", ("usa",))})
    assert not _holds(WORLD, "breached(art4, by: usa)", set())  # no breach of Art. 2: nothing owed


def test_a_permission_is_never_breached() -> None:
    assert not _holds(WORLD, "breached(art5, by: usa)", set())


def test_the_encoder_and_the_evaluator_agree_on_a_breach() -> None:
    import z3

    inst = instrument(WORLD + "assert probe: breached(art4, by: usa);\n")
    ctx = context(inst)
    probe = next(q for q in inst.queries if q.name == "probe")
    assert probe.formula is not None
    encoded = ctx.enc.formula(probe.formula, ctx.readings)
    solver = z3.Solver(ctx=ctx.session.ctx)
    solver.add(encoded)
    assert solver.check() == z3.sat
    # breached(art4, by: usa) needs Russia's attack and no consultation by the United States
    keys = ctx.enc.keys_mentioned(probe.formula, ctx.readings, {})
    assert ("consult", ("usa",)) in keys and ("attack", ("russia", "ukraine")) in keys
    assert ("attack", ("usa", "ukraine")) not in keys  # the United States' own duty under art2 is not art4's


def test_a_clause_may_not_answer_its_own_breach() -> None:
    assert codes(WORLD + 'clause art6 "Art. 6" { usa must consult unless breached(art6); }') == ["breach-cycle"]
    two = WORLD + ('clause a "A" { usa must consult when breached(b, by: russia); }\n'
                   'clause b "B" { russia must consult when breached(a, by: usa); }')
    found = diagnostics(two)
    assert [d.code.value for d in found] == ["breach-cycle"]
    assert "a -> b -> a" in found[0].message


def test_a_breach_cycle_through_a_vague_term_is_found() -> None:
    text = WORLD + ('term serious(p: party) { reading ordinary: breached(art7, by: p); }\n'
                    'clause art7 "Art. 7" { usa must consult when serious(russia); }')
    assert codes(text) == ["breach-cycle"]


def test_breached_names_a_clause_and_a_party() -> None:
    assert codes(WORLD + "assert x: breached(art9, by: russia);") == ["unknown-name"]
    assert codes(WORLD + "assert x: breached(art2, by: art4);") == ["unknown-name"]
    assert codes(WORLD + "assert x: breached(art2, russia, usa);") == ["arity"]


def test_while_asks_about_the_worlds_with_the_breach(tmp_path: Path) -> None:
    text = WORLD + """
scenario attack: attack(russia, ukraine) while russia breaches art2;
assert consult_follows: consult(usa) while russia breaches art2;
scenario usa_attacks_too: attack(usa, ukraine) while russia breaches art2;
scenario usa_owes_nothing: attack(usa, ukraine) and not consult(usa) while usa breaches and russia breaches art2;
scenario no_breach_no_attack: attack(russia, ukraine);
"""
    failed = [f.message for f in findings_in(tmp_path, text, ["expectation-failed"])]
    assert len(failed) == 2, failed
    assert any(m.startswith("`scenario usa_attacks_too` failed: no world where russia breaches art2 and everyone "
                            "else complies: ruled out by Art. 2") for m in failed)
    assert any(m.startswith("`scenario no_breach_no_attack` failed: no compliant world: ruled out by Art. 2")
               for m in failed)


def test_an_assert_with_while_fails_with_a_world_that_shows_the_breach(tmp_path: Path) -> None:
    text = WORLD + "assert nobody_attacks: not attack(russia, ukraine) while russia breaches art2;\n"
    (failure,) = findings_in(tmp_path, text, ["expectation-failed"])
    assert "a world where russia breaches art2 and everyone else complies violates it" in failure.message
    assert failure.scenario is not None and "attack(russia, ukraine)" in failure.scenario.acts
    assert "consult(usa)" in failure.scenario.acts  # Art. 4 answered the breach


def test_breach_is_a_leaf_of_the_formula_language() -> None:
    b = F.Breached("art2", F.Var("p"))
    assert F.free_vars(b) == frozenset({"p"})
    assert F.subst(b, {"p": F.Const("russia")}) == F.Breached("art2", F.Const("russia"))
    assert F.known(b, {"p": "russia"}) is None
    assert F.ground_size(b, breach_size=lambda clause: 7) == 7
