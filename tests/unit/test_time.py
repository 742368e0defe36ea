"""Time (DESIGN 13): each temporal construct against answers worked out by hand.

The conditions are read with the independent evaluator (dsl.evaluate) on small worlds; the
deadlines, delays and the checks over time run through the pipeline. Every construct has a
case where it holds and one where it does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.evaluate import Evaluator, World, compliant
from dsl.model import AtomKey, Instrument
from tests.unit.helpers import codes, findings_in, instrument

WORLD = """
time day 0..3;
phase consultations = 1..2;
party a, b;
fact e(p: party);
act act1(p: party);
"""


def _at(condition: str, happens: set[int], extra: str = "") -> bool:
    """Whether `condition` holds in the world where e(a) happens at the given steps (the
    condition is written with its own `at`, so the scenario's step does not matter)."""
    inst = instrument(WORLD + extra + f"scenario s: {condition};\n")
    formula = inst.queries[0].formula
    assert formula is not None
    atoms: frozenset[AtomKey] = frozenset(("e", ("a", t)) for t in happens)
    return Evaluator(inst, World(atoms), {}).holds(formula, {})


@pytest.mark.parametrize(("condition", "happens", "expected"), [
    # within N of E: E at some step of [t-N, t]
    ("(within 1 of e(a)) at 2", {1}, True),
    ("(within 1 of e(a)) at 3", {1}, False),
    ("(within 1 of e(a)) at 0", {1}, False),
    ("(within 0 of e(a)) at 1", {1}, True),
    # since E: E at some step <= t
    ("(since e(a)) at 0", {1}, False),
    ("(since e(a)) at 1", {1}, True),
    ("(since e(a)) at 3", {1}, True),
    # after E: E at some step < t
    ("(after e(a)) at 1", {1}, False),
    ("(after e(a)) at 2", {1}, True),
    # before E: E at no step <= t
    ("(before e(a)) at 0", {1}, True),
    ("(before e(a)) at 1", {1}, False),
    ("(before e(a)) at 3", set(), True),
    # until E: E at no step < t (the step of E included)
    ("(until e(a)) at 1", {1}, True),
    ("(until e(a)) at 2", {1}, False),
    # first E: E at t and at no step before
    ("(first e(a)) at 1", {1, 2}, True),
    ("(first e(a)) at 2", {1, 2}, False),
    ("(first e(a)) at 2", {2}, True),
    # E at N, E at PHASE, during PHASE
    ("e(a) at 2", {2}, True),
    ("e(a) at 2", {1}, False),
    ("e(a) at consultations", {2}, True),
    ("e(a) at consultations", {3}, False),
    ("(during consultations) at 1", set(), True),
    ("(during consultations) at 0", set(), False),
    # `at` binds tighter than a prefix form: first (e(a) at 2) holds only at the first step
    ("(first e(a) at 2) at 0", {2}, True),
    ("(first e(a) at 2) at 1", {2}, False),
])
def test_a_temporal_condition_at_a_step(condition: str, happens: set[int], expected: bool) -> None:
    assert _at(condition, happens) is expected


def test_a_scenario_holds_at_some_step_and_an_assertion_at_every_step() -> None:
    inst = instrument(WORLD + "scenario s: e(a);\nassert t: e(a);\n")
    scenario, assertion = (q.formula for q in inst.queries)
    assert scenario is not None and assertion is not None
    once = World(frozenset({("e", ("a", 2))}))
    always = World(frozenset(("e", ("a", t)) for t in range(4)))
    assert Evaluator(inst, once, {}).holds(scenario, {})
    assert not Evaluator(inst, once, {}).holds(assertion, {})
    assert Evaluator(inst, always, {}).holds(assertion, {})


def test_a_definition_and_a_reading_are_read_at_the_step_of_each_use() -> None:
    extra = "define recent = within 1 of e(a);\nterm soon { reading ordinary: since e(a); }\n"
    assert _at("recent at 2", {1}, extra)
    assert not _at("recent at 3", {1}, extra)
    inst = instrument(WORLD + extra + "scenario s: soon at 1;\nscenario u: soon at 0;\n")
    world = World(frozenset({("e", ("a", 1))}))
    at_1, at_0 = (q.formula for q in inst.queries)
    assert at_1 is not None and at_0 is not None
    assert Evaluator(inst, world, {"soon": "ordinary"}).holds(at_1, {})
    assert not Evaluator(inst, world, {"soon": "ordinary"}).holds(at_0, {})


def _complies(inst: Instrument, events: set[int], acts: set[int]) -> bool:
    atoms = frozenset({*(("e", ("a", t)) for t in events), *(("act1", ("a", t)) for t in acts)})
    return compliant(inst, World(atoms), {})


DEADLINE = WORLD + 'clause d "deadline" { a must act1 within 1 of e(a); }\n'


def test_a_deadline_is_met_by_the_act_within_its_window() -> None:
    inst = instrument(DEADLINE)
    assert _complies(inst, {0}, {1})
    assert _complies(inst, {0}, {0})
    assert not _complies(inst, {0}, {2})  # one step late
    assert not _complies(inst, {0}, set())
    assert _complies(inst, set(), set())  # no event, nothing owed


def test_a_deadline_whose_window_passes_the_horizon_is_not_checked() -> None:
    inst = instrument(DEADLINE)
    # e(a) at day 3: the window [3, 4] ends after the timeline (0..3), so nothing is owed yet.
    assert _complies(inst, {3}, set())
    # Its norms fall due at days 1, 2 and 3 (one per event step 0, 1, 2).
    assert [n.step for n in inst.clause("d").norms] == [1, 2, 3]


def test_a_bracketed_delay_is_one_deadline_per_number_of_days_each_in_force_at_its_figure() -> None:
    text = WORLD + 'clause d "deadline" { a must act1 within [a: 3 | b: 1] of e(a); }\n'
    inst = instrument(text)
    # Delays 1, 2 and 3 (2 for `negotiate`, which tries the figures in between), one
    # statement each, its instances numbered by their first.
    assert {n.delay for n in inst.clause("d").norms} == {1, 2, 3}
    assert len({n.first for n in inst.clause("d").norms}) == 3

    def complies(draft: str, acts: set[int]) -> bool:
        atoms = frozenset({("e", ("a", 0)), *(("act1", ("a", t)) for t in acts)})
        return compliant(inst, World(atoms, draft={"d#1": draft}), {})

    assert complies("a", {3}) and not complies("b", {3})
    assert complies("b", {1}) and complies("a", {1})
    assert not complies("a", set())


def test_a_breach_of_a_deadline_happens_when_it_falls_due() -> None:
    text = DEADLINE + "act act2(p: party);\n" \
        'clause r "response" { b must act2 when breached(d, by: a); }\n' \
        "scenario late: breached(d, by: a) at 1;\nscenario early: breached(d, by: a) at 0;\n"
    inst = instrument(text)
    late, early = (q.formula for q in inst.queries)
    assert late is not None and early is not None
    world = World(frozenset({("e", ("a", 0))}))  # e(a) at day 0, no act: the deadline passes at day 1
    assert Evaluator(inst, world, {}).holds(late, {})
    assert not Evaluator(inst, world, {}).holds(early, {})


def test_a_norm_holds_at_every_step() -> None:
    inst = instrument(WORLD + 'clause f "ban" { a must not act1 when during consultations; }\n')
    assert _complies(inst, set(), {0, 3})
    assert not _complies(inst, set(), {2})


GUARANTEE = """
time day 0..6;
party v, g;
fact attack(on: party);
act assist(p: party, to: other party);
clause c "consult, then assist" {
  g must assist(to: v) within %d of attack(on: v);
}
protection v against attack(on: v) "an attack on v" by assist(to: v) within %d;
"""


@pytest.mark.parametrize(("owed", "asked", "gap"), [(2, 1, True), (2, 2, False), (1, 3, False), (4, 3, True)])
def test_a_protection_gap_when_the_guarantee_may_answer_later_than_asked(tmp_path: Path, owed: int, asked: int,
                                                                        gap: bool) -> None:
    found = findings_in(tmp_path, GUARANTEE % (owed, asked), ["protection-gap"])
    assert bool(found) is gap
    if gap:
        [f] = found
        assert f.scenario is not None and f.scenario.horizon == "day 0 to day 6"
        assert f.scenario.timeline[0][1] == ("attack(v)",)  # the attack opens the timeline
        assert f"within {asked} day" in f.message


CONSULTATION = """
time day 0..8;
party v, g;
fact attack(on: party);
act assist(p: party, to: other party);
clause help "assistance" { g must assist(to: v) within 3 of attack(on: v); }
clause wait "consultations" { g must not assist(to: v) when within %d of first attack(on: v); }
"""


def test_a_deadline_that_consultations_make_impossible_to_meet_is_a_conflict(tmp_path: Path) -> None:
    # Assistance owed within 3 days, forbidden for the 5 days of consultation that the first attack
    # opens, [t, t+4]: never possible. (Counted from every attack, a continuing attack would
    # renew the consultations, and 3 days of them would clash too.)
    [f] = findings_in(tmp_path, CONSULTATION % 4, ["conflict"])
    assert {c.id for c in f.clauses} == {"help", "wait"}
    assert f.scenario is not None and f.scenario.timeline
    # Consultations of 3 days [t, t+2] leave day t+3 for it: no conflict.
    assert findings_in(tmp_path, CONSULTATION % 2, ["conflict"]) == []


def test_a_spec_without_time_is_read_as_before() -> None:
    inst = instrument("party a;\nfact e(p: party);\nscenario s: e(a);\n")
    assert inst.horizon is None
    assert [p.type for p in inst.predicates["e"].params] == ["party"]


@pytest.mark.parametrize(("text", "code"), [
    ("party a;\nfact e(p: party);\nscenario s: since e(a);\n", "bad-time"),  # no timeline
    ("party a;\nphase p = 0..1;\n", "bad-time"),
    ("time day 0..3;\ntime day 0..4;\nparty a;\n", "bad-time"),
    ("time day 3..1;\nparty a;\n", "bad-time"),
    ("time day 0..3;\nphase p = 2..5;\nparty a;\n", "bad-time"),
    ("time day 0..1000;\nparty a;\n", "bad-time"),
    ("time day 0..3;\nparty a;\nfact e(p: party);\nscenario s: during nowhere;\n", "unknown-name"),
    ("time day 0..3;\nparty a;\nfact e(p: party);\nscenario s: e(a) at 7;\n", "bad-time"),
    (("time day 0..3;\nparty a;\nfact e(p: party);\nact x(p: party);\n"
     'clause c "c" { a must x within 5 of e(a); }\n'), "bad-time"),  # never falls due
    (("time day 0..3;\nparty a;\nfact e(p: party);\nact x(p: party);\n"
     'clause c "c" { a must not x within 1 of e(a); }\n'), "bad-time"),  # only obligations
    (("party a;\nfact e(p: party);\nact x(p: party);\n"
     'clause c "c" { a must x within 1 of e(a); }\n'), "bad-time"),  # a deadline without time
    ("time day 0..3;\nparty a;\nquantity n(p: party) controlled by p;\nmaximize n(a);\n", "bad-time"),
    (("time day 0..3;\nparty a;\nfact e(p: party);\nact x(p: party);\n"
     'clause c "c" { a must x within [a: 1 | b: e(a)] of e(a); }\n'), "bad-time"),  # a delay is a number
    (("time day 0..3;\nparty a;\nfact e(p: party);\nact x(p: party);\n"
     'clause c "c" { a must x within [a: 1 | b: 5] of e(a); }\n'), "bad-time"),  # 5 never falls due
])
def test_bad_time_is_located(text: str, code: str) -> None:
    assert code in codes(text)
