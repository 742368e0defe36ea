"""The oracle itself: its world sets agree with dsl.evaluate, and it answers known cases right.

The oracle (tests/oracle) is only worth trusting if it is right on its own:
its bit-set evaluation of its own reading of a spec (tests/oracle/front.py) is
compared world by world with nverify's plain evaluator on nverify's reading,
and each check is tried on a small spec whose answer is known by hand.
"""

from __future__ import annotations

import random

import pytest

from dsl.evaluate import Evaluator as PlainEvaluator
from dsl.evaluate import World, breaches
from tests.oracle.compare import load_text
from tests.oracle.front import read_text
from tests.oracle.gen import RandomChooser, generate
from tests.oracle.oracle import Answers, Oracle, drafts, reading_sets
from tests.oracle.space import Unsupported


def _oracle(text: str) -> Oracle:
    instrument, errors = load_text(text)
    assert instrument is not None, errors
    return Oracle(read_text(text))


@pytest.mark.parametrize("seed", range(25))
def test_world_sets_agree_with_the_plain_evaluator(seed: int) -> None:
    """For random worlds: assumptions and every party's compliance with every clause."""
    text = generate(RandomChooser(seed))
    oracle = _oracle(text)
    inst, _ = load_text(text)
    assert inst is not None
    model, sp = oracle.model, oracle.space
    rng = random.Random(seed)
    for _, draft in drafts(model):
        for _, readings in reading_sets(model):
            cx = oracle.context(draft, readings)
            for w in (rng.randrange(sp.size) for _ in range(12)):
                mine = sp.world(w)
                world = World(mine.atoms, mine.quantities, mine.terms, dict(draft))
                plain = PlainEvaluator(inst, world, readings)
                assert sp.member(cx.A, w) == all(plain.holds(a) for a in inst.assumptions)
                for c in inst.clauses:
                    for p in inst.parties:
                        broken = {b.norm.clause for b in breaches(inst, world, readings, p)}
                        assert sp.member(cx.norm_of(c.id, p), w) == (c.id not in broken), (c.id, p, world)


def test_quantity_representatives_cover_every_region() -> None:
    oracle = _oracle('instrument r "R"; party pa; quantity q(p: party) controlled by p; act a(actor: party);\n'
                     'clause c "C" { limit q(pa) <= 5; pa must not a when q(pa) + 2 > 3; }\n')
    (var,) = [v for v in oracle.space.vars if v.kind == "quantity"]
    values = set(var.values)
    assert {0, 1, 2, 5, 6} <= values  # both sides of q <= 5 and of q > 1


KNOWN = {
    "contradiction": """
        instrument k "K"; party pa; act a(actor: party); act b(actor: party);
        clause c1 "1" { pa must a; }
        clause c2 "2" { pa must not a; }
        clause c3 "3" { pa must b; }
        clause c4 "4" { pa must not b; }
    """,
    "conflict": """
        instrument k "K"; party pa, pb; fact war(); act a(actor: party);
        clause c1 "1" { pa must a when war; }
        clause c2 "2" { pa must not a when war; }
    """,
    "hollow": """
        instrument k "K"; party pa, pb; fact war(); act a(actor: party); act b(actor: party);
        clause c1 "1" { pa may a; pa may b; }
        clause c2 "2" { pa must not a; pa must not b when war; }
    """,
    "veto": """
        instrument k "K"; party pa, pb; fact consents(g: party) controlled by g; act a(actor: party);
        clause c1 "1" { pa may a when consents(pb); }
        clause c2 "2" { pa must not a unless consents(pb); }
    """,
    "pretext": """
        instrument k "K"; party ua, ru; enum kind = {alliance, training}; act conclude(actor: party, k: kind);
        term harms(k: kind) { reading ordinary: k == alliance; reading ru: k in {alliance, training}; }
        clause c1 "1" { ua must not conclude where harms(k); }
    """,
    "guarantee": """
        instrument k "K"; party ua, ru, us; enum area = {main, crimea};
        fact attack(by: party, area: area) controlled by by; fact agrees(g: party) controlled by g;
        act assist(actor: party, to: party);
        clause g1 "5" { us must assist(to: ua) when exists a in area: (attack(by: ru, area: a) and a != crimea)
                        and agrees(ru) protects ua against attack(by: ru); }
    """,
}


def _answers(name: str) -> Answers:
    return _answers_of(KNOWN[name])


def test_known_contradiction() -> None:
    ans = _answers("contradiction")
    assert ans.contradiction and ans.muses == {frozenset({"c1", "c2"}), frozenset({"c3", "c4"})}


def test_known_conflict() -> None:
    ans = _answers("conflict")
    assert not ans.contradiction
    assert ans.dilemmas == {"pa": {frozenset({"c1", "c2"})}}


def test_known_hollow_permissions() -> None:
    ans = _answers("hollow")
    assert ans.hollow[("c1", 0, "pa")] == (True, True)    # `a` is always forbidden
    assert ans.hollow[("c1", 1, "pa")] == (False, True)   # `b` only in war


def test_known_veto() -> None:
    ans = _answers("veto")
    assert ans.vetoed == {("c1", 0, "pa", ("pb",)): True}
    assert ans.hollow[("c1", 0, "pa")] == (False, False)  # pa itself decides nothing that blocks it


def test_known_pretext() -> None:
    ans = _answers("pretext")
    assert ans.pretext == {("ru", "c1", "harms", "ua"): True}
    assert ans.pretext_any == {("ru", "ua"): True}


def test_known_guarantee() -> None:
    ans = _answers("guarantee")
    assert ans.blockable[("g1", 0, ("ru",))] == (True, True)    # ru attacks and withholds its agreement
    assert ("g1", 0, ("us",)) not in ans.blockable               # us decides nothing the trigger reads
    assert set(ans.blockable) == {("g1", 0, ("ru",))}            # {ru, us} is not minimal
    assert ans.vacuous[("g1", 0)] == (False, False)            # the area is ru's choice, not a circumstance


MAJORITY = """
    instrument k "K"; party ua, ru, g1, g2, g3; group guarantors = {g1, g2, g3};
    fact attack(by: party) controlled by by; fact agrees(g: party) controlled by g;
    act assist(actor: party, to: party);
    assume not attack(by: ua);
    clause art4 "4" { each g in guarantors must assist(to: ua) when attack(by: _) and DECISION
                      protects ua against attack(by: _); }
"""


def test_a_majority_vote_is_blocked_by_every_pair_and_by_no_single_guarantor() -> None:
    ans = _answers_of(MAJORITY.replace("DECISION", "a majority of g in guarantors: agrees(g)"))
    assert set(ans.blockable) == {("art4", 0, pair) for pair in [("g1", "g2"), ("g1", "g3"), ("g2", "g3")]}
    assert all(own is True for _, own in ans.blockable.values())  # a member may also be the attacker


def test_consensus_is_blocked_by_each_guarantor_alone_and_no_pair_is_reported() -> None:
    ans = _answers_of(MAJORITY.replace("DECISION", "all g in guarantors: agrees(g)"))
    assert set(ans.blockable) == {("art4", 0, (g,)) for g in ("g1", "g2", "g3")}
    # Each could attack ua itself while withholding its agreement: the gravest case.
    assert all(own is True for _, own in ans.blockable.values())


def test_a_vote_the_treaty_obliges_is_no_lawful_block() -> None:
    """g1 must agree: voting no would breach that duty (which does not mention the event), so
    g1 cannot block lawfully; g2 and g3 still can."""
    text = MAJORITY.replace("DECISION", "all g in guarantors: agrees(g)") + """
        clause duty "6" { g1 must keep agrees(g1); }
    """
    ans = _answers_of(text)
    assert ("art4", 0, ("g1",)) not in ans.blockable
    assert ("art4", 0, ("g2",)) in ans.blockable


def test_permissions_only_when_the_act_can_be_done() -> None:
    """A permission whose act the situation rules out is not hollow: no clause blocks it."""
    ans = _answers_of("""
        instrument k "K"; party pa, pb; fact f(); act a(actor: party);
        assume not a(pa);
        clause c1 "1" { pa may a; }
        clause c2 "2" { pa must not a when f; }
    """)
    assert ans.hollow[("c1", 0, "pa")] == (False, False)


def _answers_of(text: str) -> Answers:
    """The baseline answers (the only draft: these specs have no brackets)."""
    (ans,) = [a for a in _oracle(text).all_answers() if a.reading_name is None]
    return ans


def test_the_oracle_refuses_what_it_cannot_decide() -> None:
    with pytest.raises(Unsupported):
        _oracle('instrument r "R"; party pa, pb; quantity q(p: party) controlled by p;\n'
                'act a(actor: party); clause c "C" { pa must not a when q(pa) <= q(pb); }\n')


def test_the_generator_writes_specs_that_load() -> None:
    for seed in range(60):
        text = generate(RandomChooser(seed))
        instrument, errors = load_text(text)
        assert instrument is not None, f"seed {seed}:\n{text}\n{errors}"
        assert instrument.clauses


PROTECTION = """
    instrument k "K"; party ua, ru, us; enum means = {talk, force};
    fact attack(by: party) controlled by by; fact requested(p: party) controlled by p;
    act assist(actor: party, to: party, means: means);
    assume not attack(by: ua);
    protection ua against attack(by: _) by assist(to: ua) where means == force;
"""


def test_known_protection_gaps() -> None:
    talk = _answers_of(PROTECTION + 'clause c "4" { us must assist(to: ua, means: talk) when attack(by: _); }')
    assert talk.protection == {("ua", 0): (True, True)}          # talk only: a gap in every attack
    force = _answers_of(PROTECTION + 'clause c "5" { us must assist(to: ua, means: force) when attack(by: _); }')
    assert force.protection == {("ua", 0): (True, False)}        # a gap only when us attacks too
    asked = _answers_of(PROTECTION + 'assume not attack(by: us);\n'
                        'clause c "5" { us must assist(to: ua, means: force) when attack(by: _) and requested(ua); }')
    assert asked.protection == {("ua", 0): (False, False)}       # ua can always ask


def test_known_excuse() -> None:
    ans = _answers_of("""
        instrument k "K"; party ua, ru, us; enum means = {talk, force};
        act intervene(actor: party, target: party, means: means);
        term necessary(m: means) { reading ordinary: m == talk; reading ru: m in {talk, force}; reading us: false; }
        clause c "3" { each p in {ru, us} must not intervene(target: ua) where not necessary(means); }
    """)
    assert ans.excuse == {("ru", "c", "necessary"): True, ("us", "c", "necessary"): False}
