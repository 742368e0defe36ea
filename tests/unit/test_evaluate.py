"""dsl.evaluate: the concrete semantics that re-checks every witness, without Z3."""

from __future__ import annotations

import pytest

from dsl import formula as F
from dsl.evaluate import EvalError, Evaluator, World, assumptions_hold, breaches, compliant, permitted_instances
from dsl.model import AtomKey, Instrument
from tests.unit.helpers import instrument

SPEC = """
party ukraine, russia, usa;
enum kind = {alliance, training};
fact attacked(p: party);
fact agrees(g: party) controlled by g;
act conclude(actor: party, partner: party, kind: kind);
act assist(actor: party, to: party);
quantity personnel(p: party) controlled by p;
term harms(k: kind) { reading ordinary: k == alliance; reading russia: true; }
term vague(p: party);
assume not attacked(usa);
clause ban "Art. 1" { ukraine must not conclude where harms(kind); }
clause help "Art. 2" { each g in {russia, usa} must assist(to: ukraine) when attacked(ukraine); }
clause caps "Annex" { limit personnel(ukraine) <= [russia: 100 | ukraine: 500]; }
clause train "Art. 3" { ukraine may conclude(partner: usa) where kind == training when agrees(usa); }
clause keep "Art. 4" { ukraine must keep personnel(ukraine) >= 10 when attacked(ukraine); }
"""

RUSSIA_DRAFT = {"caps#1": "russia"}
ORDINARY = {"harms": "ordinary", "vague": None}


@pytest.fixture(scope="module")
def inst() -> Instrument:
    return instrument(SPEC)


def world(*atoms: AtomKey, personnel: int = 0, terms: frozenset[AtomKey] = frozenset(),
          draft: dict[str, str] | None = None) -> World:
    return World(frozenset(atoms), {("personnel", ("ukraine",)): personnel}, terms,
                 draft if draft is not None else RUSSIA_DRAFT)


def breached(inst: Instrument, w: World, readings: dict[str, str | None] = ORDINARY,
             party: str | None = None) -> list[tuple[str, str, tuple[object, ...] | None]]:
    return [(b.norm.clause, b.subject, b.act_args) for b in breaches(inst, w, readings, party)]


def test_the_empty_world_complies(inst: Instrument) -> None:
    assert breached(inst, world()) == []
    assert compliant(inst, world(), ORDINARY)


def test_prohibition_reports_each_forbidden_act(inst: Instrument) -> None:
    w = world(("conclude", ("ukraine", "usa", "alliance")), ("conclude", ("ukraine", "russia", "alliance")),
              ("conclude", ("ukraine", "usa", "training")))
    assert sorted(breached(inst, w)) == [("ban", "ukraine", ("ukraine", "russia", "alliance")),
                                         ("ban", "ukraine", ("ukraine", "usa", "alliance"))]


def test_readings_change_what_a_term_means(inst: Instrument) -> None:
    w = world(("conclude", ("ukraine", "usa", "training")))
    assert breached(inst, w) == []
    assert breached(inst, w, {"harms": "russia", "vague": None}) == [("ban", "ukraine", ("ukraine", "usa", "training"))]


def test_an_open_term_holds_where_the_world_says_so(inst: Instrument) -> None:
    f = F.TermApp("vague", (F.Const("russia"),))
    assert not Evaluator(inst, world(), ORDINARY).holds(f)
    assert Evaluator(inst, world(terms=frozenset({("vague", ("russia",))})), ORDINARY).holds(f)


def test_obligation_for_each_member_of_a_group(inst: Instrument) -> None:
    w = world(("attacked", ("ukraine",)), ("assist", ("russia", "ukraine")), personnel=10)
    assert breached(inst, w) == [("help", "usa", None)]
    assert breached(inst, w, party="russia") == []
    assert breached(inst, w, party="usa") == [("help", "usa", None)]


def test_obligation_is_met_only_by_a_matching_act(inst: Instrument) -> None:
    wrong_target = world(("attacked", ("ukraine",)), ("assist", ("russia", "usa")), ("assist", ("usa", "ukraine")),
                         personnel=10)
    assert breached(inst, wrong_target) == [("help", "russia", None)]


def test_limits_follow_the_draft(inst: Instrument) -> None:
    assert breached(inst, world(personnel=300)) == [("caps", "ukraine", None)]
    assert breached(inst, world(personnel=300, draft={"caps#1": "ukraine"})) == []


def test_keep_obligation(inst: Instrument) -> None:
    assert breached(inst, world(("attacked", ("ukraine",)), ("assist", ("russia", "ukraine")),
                                ("assist", ("usa", "ukraine")), personnel=5)) == [("keep", "ukraine", None)]


def test_permissions_never_breach_but_grant_instances(inst: Instrument) -> None:
    (norm,) = inst.clause("train").norms
    assert permitted_instances(inst, norm, world(), ORDINARY) == []
    assert permitted_instances(inst, norm, world(("agrees", ("usa",))), ORDINARY) == [("ukraine", "usa", "training")]


def test_assumptions(inst: Instrument) -> None:
    assert assumptions_hold(inst, world(), ORDINARY)
    assert not assumptions_hold(inst, world(("attacked", ("usa",))), ORDINARY)


@pytest.mark.parametrize(("formula", "expected"), [
    (F.TRUE, True),
    (F.FALSE, False),
    (F.Not(F.Atom("attacked", (F.Const("ukraine"),))), False),
    (F.And((F.TRUE, F.Atom("attacked", (F.Const("ukraine"),)))), True),
    (F.Or((F.FALSE, F.Atom("attacked", (F.Const("russia"),)))), False),
    (F.Implies(F.Atom("attacked", (F.Const("russia"),)), F.FALSE), True),
    (F.Eq(F.Const("a"), F.Const("a")), True),
    (F.Cmp("<", F.Qty("personnel", (F.Const("ukraine"),)), F.Num(8)), True),
    (F.Cmp(">=", F.Arith("-", F.Num(3), F.Num(5)), F.Num(-2)), True),
    (F.Exists("p", ("russia", "ukraine"), F.Atom("attacked", (F.Var("p"),))), True),
    (F.Forall("p", ("russia", "ukraine"), F.Atom("attacked", (F.Var("p"),))), False),
    (F.Forall("p", (), F.FALSE), True),
    (F.Exists("p", (), F.TRUE), False),
    (F.Choice("caps#1", (("russia", F.TRUE), ("ukraine", F.FALSE))), True),
    (F.Cmp("==", F.IntChoice("caps#1", (("russia", F.Num(7)), ("ukraine", F.Num(9)))), F.Num(7)), True),
])
def test_formulas(inst: Instrument, formula: F.Formula, expected: bool) -> None:
    ev = Evaluator(inst, world(("attacked", ("ukraine",)), personnel=7), ORDINARY)
    assert ev.holds(formula) is expected


def test_internal_errors_are_exceptions(inst: Instrument) -> None:
    ev = Evaluator(inst, world(draft={}), ORDINARY)
    with pytest.raises(EvalError):
        ev.holds(F.Atom("attacked", (F.Var("unbound"),)))
    with pytest.raises(EvalError):
        ev.holds(F.Choice("caps#1", (("russia", F.TRUE),)))


def test_compiled_formulas_mean_what_the_evaluator_says() -> None:
    """Every closed node of the corpus's norms (the subject bound), compiled, agrees with the
    evaluator's own reading of it, in a world without atoms and in one with every other atom."""
    from pathlib import Path

    from dsl import load
    from dsl.evaluate import compiled
    from dsl.symmetry import COALITION_SIZE
    from verifier.ground import vocabulary

    specs = Path(__file__).resolve().parents[2] / "specs"
    loaded = load(sorted(specs.glob("*.nv")), coalition_size=COALITION_SIZE)
    compared = 0
    for inst in loaded.instruments:
        draft = {name: b.labels[0] for name, b in inst.brackets.items()}
        for atoms in (frozenset(), frozenset(vocabulary(inst).atoms[::2])):
            ev = Evaluator(inst, World(atoms=atoms, draft=draft), dict.fromkeys(inst.terms))
            for norm in inst.norms:
                env = {norm.subject_var: norm.subjects[0]}
                for part in (norm.condition, norm.keep):
                    for node in F.walk(part) if part is not None else ():
                        if isinstance(node, F.Formula) and F.free_vars(node) <= set(env):
                            assert compiled(node)(ev, env) == ev._interpret(node, env), (inst.name, node)
                            compared += 1
    assert compared > 1000
