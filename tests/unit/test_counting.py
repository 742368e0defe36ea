"""Counting conditions (`at least N of x in G: F`, `at most`, `exactly`, `a majority of`):
syntax, errors, the evaluator, the pseudo-Boolean encoding and guarantees, against answers
worked out by hand."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest
import z3

from dsl import formula as F
from dsl import load
from dsl.evaluate import Evaluator, World
from dsl.model import AtomKey, Instrument
from tests.unit.helpers import diagnostics, load_text
from verifier.encode import Encoder
from verifier.explain import formula_text
from verifier.findings import Finding
from verifier.ground import vocabulary
from verifier.pipeline import Options, check_instrument

WORLD = """
party ukraine, russia, usa, uk;
group guarantors = {russia, usa, uk};
enum area = {mainland, crimea};
fact agrees(g: party) controlled by g;
"""

# Condition -> the numbers of agreeing guarantors (0..3) for which it holds, by hand.
TABLE = {
    "at least 2 of g in guarantors: agrees(g)": {2, 3},
    "at least 0 of g in guarantors: agrees(g)": {0, 1, 2, 3},
    "at least 4 of g in guarantors: agrees(g)": set(),
    "at most 1 of g in guarantors: agrees(g)": {0, 1},
    "at most 0 of g in guarantors: agrees(g)": {0},
    "at most 3 of g in guarantors: agrees(g)": {0, 1, 2, 3},
    "exactly 2 of g in guarantors: agrees(g)": {2},
    "exactly 0 of g in guarantors: agrees(g)": {0},
    "a majority of g in guarantors: agrees(g)": {2, 3},
    "a majority of g in {russia, usa}: agrees(g)": {2},  # 1 of 2 is not more than half
    "a majority of g in {russia, usa, russia}: agrees(g)": {2},  # a party counts once
    "at least 1 of g in {}: agrees(g)": set(),
    "a majority of g in {}: agrees(g)": set(),
    "exactly 0 of g in {}: agrees(g)": {0, 1, 2, 3},
}
GUARANTORS = ("russia", "usa", "uk")


def model(text: str) -> Instrument:
    """The checked model of text: no errors (a count larger than its group only warns)."""
    inst, found = load_text(text)
    assert inst is not None, [d.message for d in found]
    return inst


def spec(condition: str) -> str:
    return WORLD + f"assume {condition};\n"


def worlds() -> list[frozenset[AtomKey]]:
    return [frozenset(("agrees", (p,)) for p, on in zip(GUARANTORS, bits, strict=True) if on)
            for bits in product((False, True), repeat=3)]


def counted(condition: str, atoms: frozenset[AtomKey]) -> int:
    """How many agreeing parties the condition sees: the rows over a literal set see only its members."""
    members = {"{russia, usa}": ("russia", "usa"), "{russia, usa, russia}": ("russia", "usa"), "{}": ()}
    among = next((m for text, m in members.items() if f"in {text}:" in condition), GUARANTORS)
    return sum(1 for p in among if ("agrees", (p,)) in atoms)


@pytest.mark.parametrize("condition", list(TABLE))
def test_evaluator_counts_as_worked_out_by_hand(condition: str) -> None:
    inst = model(spec(condition))
    for atoms in worlds():
        holds = Evaluator(inst, World(atoms), {}).holds(inst.assumptions[0])
        assert holds == (counted(condition, atoms) in TABLE[condition]), (condition, sorted(atoms))


@pytest.mark.parametrize("condition", list(TABLE))
def test_encoding_agrees_with_the_hand_answers(condition: str) -> None:
    inst = model(spec(condition))
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    encoded = enc.formula(inst.assumptions[0], {})
    for atoms in worlds():
        values = [(v, z3.BoolVal(k in atoms, enc.ctx)) for k, v in enc.atom_vars.items()]
        verdict = z3.simplify(z3.substitute(encoded, *values))
        assert z3.is_true(verdict) == (counted(condition, atoms) in TABLE[condition]), (condition, sorted(atoms))


def _operators(e: z3.ExprRef) -> set[str]:
    out = {e.decl().name()} if z3.is_app(e) else set()
    for c in e.children():
        out |= _operators(c)
    return out


@pytest.mark.parametrize(("condition", "operator"), [
    ("at least 2 of g in guarantors: agrees(g)", "at-least"),
    ("at most 1 of g in guarantors: agrees(g)", "at-most"),
    ("exactly 2 of g in guarantors: agrees(g)", "pbeq"),
    ("a majority of g in guarantors: agrees(g)", "at-least"),
])
def test_counts_are_pseudo_boolean_constraints_not_subsets(condition: str, operator: str) -> None:
    inst = model(spec(condition))
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    ops = _operators(enc.formula(inst.assumptions[0], {}))
    assert operator in ops
    assert not ops & {"and", "or"}, ops  # no disjunction over the subsets of the group


def test_a_count_folds_what_is_already_decided() -> None:
    # usa is counted by `g == usa` for certain: at least 2 needs one more of the others.
    inst = model(spec("at least 2 of g in guarantors: (g == usa or agrees(g))"))
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.formula(inst.assumptions[0], {}))
    solver.add(z3.Not(enc.atom(("agrees", ("russia",)))), z3.Not(enc.atom(("agrees", ("uk",)))))
    assert solver.check() == z3.unsat
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.formula(inst.assumptions[0], {}), enc.atom(("agrees", ("uk",))))
    assert solver.check() == z3.sat


def test_a_bracketed_number_counts_per_draft() -> None:
    inst = model(spec("at least [russia: 3 | ukraine: 2] of g in guarantors: agrees(g)"))
    (bracket,) = inst.brackets
    two = frozenset({("agrees", ("russia",)), ("agrees", ("usa",))})
    assert not Evaluator(inst, World(two, draft={bracket: "russia"}), {}).holds(inst.assumptions[0])
    assert Evaluator(inst, World(two, draft={bracket: "ukraine"}), {}).holds(inst.assumptions[0])
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    values = [(v, z3.BoolVal(k in two, enc.ctx)) for k, v in enc.atom_vars.items()]
    encoded = z3.substitute(enc.formula(inst.assumptions[0], {}), *values)
    for label, expected in (("russia", False), ("ukraine", True)):
        chosen = [(lit, z3.BoolVal(lab == label, enc.ctx)) for (_, lab), lit in enc.selectors.items()]
        assert z3.is_true(z3.simplify(z3.substitute(encoded, *chosen))) == expected


def test_the_model_holds_one_count_node() -> None:
    inst = model(spec("a majority of g in guarantors: agrees(g)"))
    (count,) = [n for n in F.walk(inst.assumptions[0]) if isinstance(n, F.Count)]
    assert count.majority and count.op == ">" and count.bound == F.Num(1) and count.domain == GUARANTORS
    assert F.free_vars(count) == frozenset()
    assert F.ground_size(count) == 1 + 3 * 1 + 1


def test_counting_over_every_party() -> None:
    inst = model(spec("at least 4 of p in party: agrees(p)"))
    everyone = frozenset(("agrees", (p,)) for p in ("ukraine", *GUARANTORS))
    assert Evaluator(inst, World(everyone), {}).holds(inst.assumptions[0])
    assert not Evaluator(inst, World(everyone - {("agrees", ("uk",))}), {}).holds(inst.assumptions[0])


def test_plain_words() -> None:
    inst = model(spec("at least 2 of g in guarantors: agrees(g)"))
    assert formula_text(inst.assumptions[0]) == "at least 2 of the guarantors g satisfy agrees(g)"
    inst = model(spec("a majority of p in party: agrees(p)"))
    assert formula_text(inst.assumptions[0]) == "a majority of the parties p satisfy agrees(p)"
    inst = model(spec("exactly [russia: 3 | ukraine: 2] of g in {usa, uk}: agrees(g)"))
    assert formula_text(inst.assumptions[0]) == "exactly [russia: 3 | ukraine: 2] of {usa, uk} g satisfy agrees(g)"


# ---- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize(("condition", "message", "at"), [
    ("at least 1 of a in area: agrees(ukraine)", "counts parties, not `area` values", "area"),
    ("at least [russia: 0 - 1 | ukraine: 1] of g in guarantors: agrees(g)", "cannot be negative (this is -1)", "0 - 1"),
    ("at most [russia: 1 | ukraine: personnel] of g in guarantors: agrees(g)", "unknown name `personnel`", "personnel"),
    ("a majority of g in allies: agrees(g)", "unknown set `allies`", "allies"),
    ("at least 1 of g in guarantors: g", "is a party, not a condition", "g;"),
])
def test_located_errors(condition: str, message: str, at: str) -> None:
    column = len("assume ") + (condition + ";").index(at) + 1
    found = diagnostics(spec(condition))
    assert any(message in d.message and d.span.column == column and d.span.line == 6 for d in found), \
        (column, [(d.span.line, d.span.column, d.message) for d in found])


def test_a_count_needs_a_whole_number() -> None:
    found = diagnostics(WORLD + "quantity q(p: party);\nassume at least [russia: q(usa) | ukraine: 1] of g in guarantors: "
                                "agrees(g);\n")
    assert [(d.span.line, d.span.column, d.message) for d in found] == [(7, 26, "a count needs a whole number here")]


def test_more_than_the_group_is_only_a_warning() -> None:
    inst, found = load_text(spec("at least 5 of g in guarantors: agrees(g)"))
    assert inst is not None
    assert [(d.severity.value, d.message) for d in found] == [
        ("warning", "5 is more than the 3 parties counted here")]
    assert not Evaluator(inst, World(frozenset()), {}).holds(inst.assumptions[0])


@pytest.mark.parametrize("text", [
    "assume at least of g in guarantors: agrees(g);",
    "assume at least 2 g in guarantors: agrees(g);",
    "assume a majority 2 of g in guarantors: agrees(g);",
])
def test_syntax_errors_are_located(text: str) -> None:
    found = diagnostics(WORLD + text + "\n")
    assert found and all(d.code.value == "syntax" and d.span.line == 6 for d in found)


def test_at_and_a_stay_names() -> None:
    inst = model(WORLD + "fact at(p: party);\nassume exists a in party: at(a) and at least 1 of g in guarantors: at(g);\n")
    assert inst.assumptions


# ---- guarantees decided by a vote ----------------------------------------------------------

GUARANTEE = """
party ukraine, russia, usa, uk;
group guarantors = {{russia, usa, uk}};
fact armed_attack(by: party, on: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
assume not armed_attack(by: ukraine, on: ukraine);
clause art5 "Art. 5" {{
  each x in guarantors must assist(to: ukraine) when armed_attack(on: ukraine) and {vote}
    protects ukraine against armed_attack(on: ukraine);
}}
"""


def blockers(tmp: Path, vote: str) -> list[Finding]:
    path = tmp / "spec.nv"
    path.write_text(GUARANTEE.format(vote=vote), encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    found, _, _ = check_instrument(loaded.instruments[0], Options())
    return [f for f in found if f.kind.value in ("blockable-guarantee", "vacuous-guarantee")]


PAIRS = ["russia+uk", "russia+usa", "usa+uk"]  # members in declaration order (russia, usa, uk)
SINGLES = ["russia", "uk", "usa"]


@pytest.mark.parametrize(("vote", "expected"), [
    # Any two of three can still decide: no single guarantor blocks, every pair does.
    ("a majority of g in guarantors: agrees(g)", PAIRS),
    ("at least 2 of g in guarantors: agrees(g)", PAIRS),
    # Unanimity: each guarantor blocks by voting no (and no pair is reported: not minimal).
    ("all g in guarantors: agrees(g)", SINGLES),
    ("at least 3 of g in guarantors: agrees(g)", SINGLES),
    # Exactly two: whatever one guarantor votes, the other two can make it two; two voting no
    # leave at most one.
    ("exactly 2 of g in guarantors: agrees(g)", PAIRS),
    # None may agree: each guarantor blocks by voting yes.
    ("at most 0 of g in guarantors: agrees(g)", SINGLES),
])
def test_which_guarantors_can_block_a_vote(tmp_path: Path, vote: str, expected: list[str]) -> None:
    found = blockers(tmp_path, vote)
    assert all(f.kind.value == "blockable-guarantee" for f in found)
    # (a finding merged over several parties stands for one per party: verifier.merge)
    assert sorted(m for f in found for m in (["+".join(f.coalition)] if f.coalition else f.parties)) == expected


def test_the_blocking_vote_of_at_most_none_is_a_yes(tmp_path: Path) -> None:
    russia = next(f for f in blockers(tmp_path, "at most 0 of g in guarantors: agrees(g)") if f.party == "russia")
    assert "agrees(russia) = true" in dict(russia.details)["choice"]


def test_at_least_four_of_three_never_triggers(tmp_path: Path) -> None:
    found = blockers(tmp_path, "at least 4 of g in guarantors: agrees(g)")
    assert [f.kind.value for f in found] == ["vacuous-guarantee"]


def test_the_number_of_a_count_is_not_a_negotiable_figure() -> None:
    from verifier.negotiate import numeric_brackets

    inst = model(spec("at least [russia: 3 | ukraine: 2] of g in guarantors: agrees(g)"))
    assert numeric_brackets(inst) == {}
    inst = model(WORLD + "quantity q(p: party);\nassume q(usa) <= [russia: 3 | ukraine: 2];\n")
    assert list(numeric_brackets(inst).values()) == [(2, 3)]
