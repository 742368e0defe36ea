"""dsl.evaluate at the edges that mutation testing found untested (docs/trust.md, mutmut).

Each test names what a mutant changed: a world without a value for a quantity, an
assumption that reads a vague term, a permission's instances asked of a norm that is
not a permission.
"""

from __future__ import annotations

import pytest

from dsl import formula as F
from dsl.evaluate import EvalError, Evaluator, World, assumptions_hold, breaches, compliant, permitted_instances
from dsl.model import Instrument
from tests.unit.helpers import instrument

SPEC = """
party pa, pb;
enum kind = {alliance, training};
quantity troops(p: party) controlled by p;
act join(actor: party, partner: party, kind: kind);
term harms(k: kind) { reading ordinary: k == alliance; reading broad: true; }
assume not harms(training);
clause ban "Art. 1" { pa must not join where harms(kind); }
clause may "Art. 2" { pb may join(partner: pa) where kind == training; }
"""


@pytest.fixture(scope="module")
def inst() -> Instrument:
    return instrument(SPEC)


def test_a_quantity_the_world_does_not_give_is_zero(inst: Instrument) -> None:
    ev = Evaluator(inst, World(), {"harms": "ordinary"})
    troops = F.Qty("troops", (F.Const("pa"),))
    assert ev.integer(troops, {}) == 0
    assert ev.holds(F.Cmp("==", troops, F.Num(0)))
    assert ev.holds(F.Cmp("<", F.Arith("-", troops, F.Num(1)), F.Num(0)))


def test_an_assumption_reads_a_term_under_the_readings(inst: Instrument) -> None:
    # ordinary: only an alliance harms, so `not harms(training)` holds; broad: everything harms.
    assert assumptions_hold(inst, World(), {"harms": "ordinary"})
    assert not assumptions_hold(inst, World(), {"harms": "broad"})
    # Open (no reading): the world says which instances hold.
    assert assumptions_hold(inst, World(), {"harms": None})
    assert not assumptions_hold(inst, World(open_terms=frozenset({("harms", ("training",))})), {"harms": None})


def test_permitted_instances_are_asked_of_permissions_only(inst: Instrument) -> None:
    (permission,) = inst.clause("may").norms
    assert permitted_instances(inst, permission, World(), {"harms": "ordinary"}) == [("pb", "pa", "training")]
    (prohibition,) = inst.clause("ban").norms
    with pytest.raises(AssertionError):
        permitted_instances(inst, prohibition, World(), {"harms": "ordinary"})


def test_arithmetic_and_bracketed_figures_read_the_bound_variables(inst: Instrument) -> None:
    """`exists p: 0 - troops(p) < -5` and a bracket whose alternative is `troops(p)`: the
    variable is bound on the right of an operator and inside an alternative too."""
    world = World(quantities={("troops", ("pb",)): 9}, draft={"caps#1": "big"})
    ev = Evaluator(inst, world, {"harms": "ordinary"})
    troops_p = F.Qty("troops", (F.Var("p"),))
    right = F.Cmp("<", F.Arith("-", F.Num(0), troops_p), F.Num(-5))
    assert ev.holds(F.Exists("p", ("pa", "pb"), right))
    assert not ev.holds(F.Forall("p", ("pa", "pb"), right))
    chosen = F.Cmp(">", F.IntChoice("caps#1", (("small", F.Num(1)), ("big", troops_p))), F.Num(5))
    assert ev.holds(F.Exists("p", ("pa", "pb"), chosen))
    assert not ev.holds(F.Forall("p", ("pa", "pb"), chosen))


def test_a_draft_that_does_not_choose_says_which_bracket(inst: Instrument) -> None:
    """An internal error, but one a maintainer must be able to read: the bracket and the label."""
    figure = F.IntChoice("caps#1", (("small", F.Num(1)), ("big", F.Num(9))))
    with pytest.raises(EvalError, match=r"^draft does not choose an alternative for caps#1$"):
        Evaluator(inst, World(draft={}), {"harms": "ordinary"}).integer(figure, {})
    with pytest.raises(EvalError, match=r"^draft chooses 'huge' for caps#1, which has no such alternative$"):
        Evaluator(inst, World(draft={"caps#1": "huge"}), {"harms": "ordinary"}).integer(figure, {})


def test_a_pattern_that_names_the_subject_matches_only_the_subjects_own_acts() -> None:
    """`each g in {pa, pb} must not join(partner: g)`: joining oneself is the breach; the
    fast path (`compliant`) and the full one (`breaches`) agree."""
    inst = instrument(SPEC + 'clause self "Art. 3" { each g in {pa, pb} must not join(partner: g); }\n')
    readings = {"harms": "ordinary"}
    alone = World(frozenset({("join", ("pa", "pa", "training"))}))
    other = World(frozenset({("join", ("pa", "pb", "training"))}))
    assert [(b.norm.clause, b.subject) for b in breaches(inst, alone, readings)] == [("self", "pa")]
    assert not compliant(inst, alone, readings)
    assert breaches(inst, other, readings) == [] and compliant(inst, other, readings)
    # Asked for one party: the norm's other subjects, listed before it, are skipped, not an end.
    second = World(frozenset({("join", ("pb", "pb", "training"))}))
    assert [b.subject for b in breaches(inst, second, readings, party="pb")] == ["pb"]
    assert not compliant(inst, second, readings, party="pb") and compliant(inst, second, readings, party="pa")
