"""`other party`: a parameter of a fact or act that never takes the first parameter's value
(no party hosts, assists or concludes with itself). Such instances exist in no world: the
vocabulary has no atom for them, a condition naming one is false (and names nothing a party
could use to veto), a norm does not cover them, and the referee refuses a world that has one.
Answers worked out by hand, and the oracle's own reading compared on the same specs."""

from __future__ import annotations

import z3

from dsl import formula as F
from dsl.evaluate import Evaluator, World, assumptions_hold, permitted_instances
from tests.oracle.compare import compare_text
from tests.unit.helpers import instrument
from verifier.encode import Encoder
from verifier.ground import vocabulary

WORLD = """instrument t "T";
party ukraine, russia, usa;
enum means = {arms, troops};
act assist(actor: party, to: other party, means: means);
fact armed_attack(by: party, on: other party) controlled by by;
fact agrees(g: party) controlled by g;
"""


def test_the_declaration_is_read() -> None:
    inst = instrument(WORLD)
    assert [p.other for p in inst.predicates["assist"].params] == [False, True, False]
    assert inst.predicates["assist"].others == (1,)
    assert inst.predicates["agrees"].others == ()
    assert not inst.predicates["assist"].admits(("usa", "usa", "arms"))
    assert inst.predicates["assist"].admits(("usa", "ukraine", "arms"))


def test_no_atom_of_a_party_towards_itself() -> None:
    vocab = vocabulary(instrument(WORLD))
    assists = [k for k in vocab.atoms if k[0] == "assist"]
    assert len(assists) == 3 * 2 * 2  # actor x (the two others) x means
    assert all(args[0] != args[1] for _, args in assists)
    assert len([k for k in vocab.atoms if k[0] == "armed_attack"]) == 3 * 2


def _value(text: str, condition: str) -> bool | None:
    """The condition's value in the solver (None: it depends on the world)."""
    inst = instrument(text + f"assume {condition};\n")
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    f = enc.formula(F.conj(*inst.assumptions), {})  # (an assumption that always holds is dropped)
    s = z3.Solver(ctx=enc.ctx)
    can_hold = s.check(f) == z3.sat
    can_fail = s.check(z3.Not(f)) == z3.sat
    return None if can_hold and can_fail else can_hold


def test_conditions_naming_such_acts_are_false() -> None:
    assert _value(WORLD, "assist(usa, to: usa)") is False
    assert _value(WORLD, "exists p in party: assist(p, to: p)") is False
    assert _value(WORLD, "armed_attack(by: ukraine, on: ukraine)") is False
    assert _value(WORLD, "exists p in party: assist(usa, to: p)") is None
    assert _value(WORLD, "assist(to: ukraine)") is None  # by another party
    assert _value(WORLD, "not assist(ukraine, to: ukraine, means: arms)") is True


def test_known_without_a_world() -> None:
    """`as written`: a part naming only such acts is settled, so it names nothing."""
    inst = instrument(WORLD + "assume exists p in {usa}: (assist(usa, to: p) and agrees(russia));\n")
    assert F.known(inst.assumptions[0], {}) is False


def test_the_referee_refuses_a_world_with_such_an_act() -> None:
    inst = instrument(WORLD)
    bad = World(atoms=frozenset({("assist", ("usa", "usa", "arms"))}))
    good = World(atoms=frozenset({("assist", ("usa", "ukraine", "arms"))}))
    assert not assumptions_hold(inst, bad, {})
    assert assumptions_hold(inst, good, {})
    ev = Evaluator(inst, good, {})
    (a,) = instrument(WORLD + "assume exists p in party: assist(p, to: p);\n").assumptions
    assert not ev.holds(a)


def test_norms_do_not_cover_such_acts() -> None:
    inst = instrument(WORLD + """
clause c "Art. 1" { each g in party may assist(to: _, means: arms); }
""")
    (norm,) = inst.norms
    granted = permitted_instances(inst, norm, World(), {})
    assert len(granted) == 3 * 2
    assert all(args[0] != args[1] for args in granted)


SPECS = [
    # An obligation only an act towards oneself would meet: a conflict for ukraine alone.
    WORLD + """
clause art5 "Art. 5" {
  each g in party must assist(to: ukraine) when armed_attack(on: ukraine);
}
""",
    # A prohibition and a permission about such acts: idle; the guarantee triggers on another's attack.
    WORLD + """
clause c1 "Art. 1" { usa must not assist(to: usa); usa may assist(to: _); }
clause c2 "Art. 2" {
  each g in {usa, russia} must assist(to: ukraine, means: troops)
    when armed_attack(on: ukraine) and agrees(g)
    protects ukraine against armed_attack(on: ukraine);
}
scenario help: assist(usa, to: ukraine);
""",
    # A permission whose condition names only acts towards oneself beside a vote: no veto.
    WORLD + """
clause c1 "Art. 1" {
  ukraine may assist(to: usa) when not (exists p in party: (assist(p, to: p) and agrees(russia)));
  russia may assist(to: _) when agrees(to);
}
""",
]


def test_the_oracle_agrees() -> None:
    for text in SPECS:
        result = compare_text(text)
        assert result.skipped is None and result.checks > 0
        assert not result.disagreements, "\n".join(result.disagreements)
