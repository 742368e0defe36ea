"""dsl.evaluate at the edges that its second mutation run found untested (docs/trust.md, mutmut).

Each test names what a surviving mutant changed: a `keep` norm over a group that reads its
subject, the right-hand side of a comparison or an implication and a count's bound under the
bound variables, the message of an unbound variable, a vague term applied to too many
arguments, and a pattern variable that occurs twice in an act's pattern. The count's bound
that reads a variable and the last three are built by hand: the language writes no such
formula or norm, but the evaluator's contract is the whole formula language, and it is the
referee of every witness.
"""

from __future__ import annotations

import dataclasses

import pytest

from dsl import formula as F
from dsl.evaluate import EvalError, Evaluator, World, breaches, compliant
from dsl.model import Instrument
from tests.unit.helpers import instrument

SPEC = """
party pa, pb;
enum kind = {alliance, training};
fact attacked(p: party);
fact agrees(p: party) controlled by p;
quantity troops(p: party) controlled by p;
act join(actor: party, partner: party, second: party);
term harms(k: kind) { reading ordinary: k == alliance; }
clause guard "Art. 1" { each g in {pa, pb} must keep troops(g) <= 5 when attacked(g); }
clause twin "Art. 2" { pa must not join; }
"""

READINGS = {"harms": "ordinary"}


@pytest.fixture(scope="module")
def inst() -> Instrument:
    return instrument(SPEC)


def _world(*atoms: tuple[str, tuple[str, ...]], pa: int = 0, pb: int = 0) -> World:
    return World(frozenset(atoms), {("troops", ("pa",)): pa, ("troops", ("pb",)): pb})


def _keep_breaches(inst: Instrument, world: World, party: str | None = None) -> list[tuple[str, str]]:
    return [(b.norm.clause, b.subject) for b in breaches(inst, world, READINGS, party) if b.norm.clause == "guard"]


def test_a_keep_norm_over_a_group_reads_each_subject_in_its_condition_and_its_state(inst: Instrument) -> None:
    """`each g in {pa, pb} must keep troops(g) <= 5 when attacked(g)`: only pb is attacked and
    over the cap, so only pb breaches; pa, listed first, is over the cap but not attacked.
    Both the full path (`breaches`) and the fast one (`compliant`) read g in both formulas,
    and neither stops after the first subject."""
    second = _world(("attacked", ("pb",)), pa=9, pb=9)
    assert _keep_breaches(inst, second) == [("guard", "pb")]
    assert _keep_breaches(inst, second, party="pb") == [("guard", "pb")]
    assert _keep_breaches(inst, second, party="pa") == []
    assert not compliant(inst, second, READINGS)
    assert not compliant(inst, second, READINGS, party="pb") and compliant(inst, second, READINGS, party="pa")
    kept = _world(("attacked", ("pa",)), ("attacked", ("pb",)), pa=5, pb=2)
    assert _keep_breaches(inst, kept) == [] and compliant(inst, kept, READINGS)
    first = _world(("attacked", ("pa",)), pa=6, pb=9)
    assert _keep_breaches(inst, first) == [("guard", "pa")] and not compliant(inst, first, READINGS)


def test_comparisons_implications_and_count_bounds_read_the_bound_variables_on_their_right(inst: Instrument) -> None:
    world = World(
        frozenset({("attacked", ("pa",)), ("agrees", ("pa",))}), {("troops", ("pa",)): 1, ("troops", ("pb",)): 9}
    )
    ev = Evaluator(inst, world, READINGS)
    parties = ("pa", "pb")
    troops_p = F.Qty("troops", (F.Var("p"),))
    # 5 < troops(p): the variable on the right of the comparison.
    over = F.Cmp("<", F.Num(5), troops_p)
    assert ev.holds(F.Exists("p", parties, over)) and not ev.holds(F.Forall("p", parties, over))
    # attacked(p) -> agrees(p): the variable on the right of the implication.
    answered = F.Implies(F.Atom("attacked", (F.Var("p"),)), F.Atom("agrees", (F.Var("p"),)))
    assert ev.holds(F.Forall("p", parties, answered))
    unanswered = World(world.atoms | {("attacked", ("pb",))}, world.quantities)
    assert not Evaluator(inst, unanswered, READINGS).holds(F.Forall("p", parties, answered))
    # at least troops(p) of x in {pa, pb}: attacked(x): one is attacked, so p = pa (1) only.
    count = F.Count(">=", "x", parties, F.Atom("attacked", (F.Var("x"),)), troops_p)
    assert ev.holds(F.Exists("p", parties, count)) and not ev.holds(F.Forall("p", parties, count))


def test_an_unbound_variable_is_named(inst: Instrument) -> None:
    with pytest.raises(EvalError, match=r"^unbound variable nowhere$"):
        Evaluator(inst, World(), READINGS).holds(F.Atom("attacked", (F.Var("nowhere"),)))


def test_a_term_applied_to_too_many_arguments_is_an_error_not_a_truncation(inst: Instrument) -> None:
    """`harms` takes one argument; with two, reading its first only would say harms(alliance)."""
    ev = Evaluator(inst, World(), READINGS)
    assert ev.holds(F.TermApp("harms", (F.Const("alliance"),)))
    with pytest.raises(ValueError, match="zip"):
        Evaluator(inst, World(), READINGS).holds(F.TermApp("harms", (F.Const("alliance"), F.Const("training"))))


def test_a_pattern_variable_met_twice_binds_one_value(inst: Instrument) -> None:
    """`pa must not join(partner: x, second: x)` (built by hand: the elaborator gives each open
    argument its own variable): joining with two different parties is no breach, joining with
    the same one twice is; the fast path and the full one agree."""
    (norm,) = inst.clause("twin").norms
    (var, domain), _ = norm.pattern_vars
    same = dataclasses.replace(norm, pattern=(F.Var(var), F.Var(var)), pattern_vars=((var, domain),))
    clauses = tuple(dataclasses.replace(c, norms=(same,)) if c.id == "twin" else c for c in inst.clauses)
    twice = dataclasses.replace(inst, clauses=clauses)

    def twin_breaches(world: World) -> list[tuple[F.Value, ...] | None]:
        return [b.act_args for b in breaches(twice, world, READINGS) if b.norm.clause == "twin"]

    different = World(frozenset({("join", ("pa", "pb", "pa"))}))
    assert twin_breaches(different) == [] and compliant(twice, different, READINGS)
    equal = World(frozenset({("join", ("pa", "pb", "pb"))}))
    assert twin_breaches(equal) == [("pa", "pb", "pb")] and not compliant(twice, equal, READINGS)
