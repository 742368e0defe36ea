"""dsl.formula.brackets_read: the brackets whose choice the encoder and the evaluator read
(what `negotiate` learns a failing draft's lemma from)."""

from __future__ import annotations

import z3

from dsl import formula as F
from dsl.evaluate import Evaluator, World
from tests.unit.helpers import baseline, instrument
from verifier.encode import Encoder
from verifier.ground import vocabulary

SPEC = """
party ukraine, russia, usa;
fact f(p: party);
act a(actor: party, n: party);
clause one "1" { ukraine must not a(n: usa) when f(usa) and [russia: f(russia)]; }
clause two "2" { ukraine must not a(n: russia) when at least [base: 2 | russia: 3] of p in party: f(p); }
clause three "3" { ukraine must a(n: usa) unless f(usa); }
"""


def test_the_encoder_reads_the_brackets_of_what_it_translates() -> None:
    inst = instrument(SPEC)
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    readings = baseline(inst)
    by_clause = {b.clause: b.id for b in inst.brackets.values()}
    (norm_one,), (norm_two,), (norm_three,) = (inst.clause(c).norms for c in ("one", "two", "three"))
    enc.norm(norm_three, "ukraine", readings)  # (no bracket: nothing to record, nobody listening)
    with F.brackets_read() as outer:
        with F.brackets_read() as inner:
            enc.norm(norm_one, "ukraine", readings)
        assert inner == {by_clause["one"]}
        enc.norm(norm_two, "ukraine", readings)  # a head count in brackets
        enc.norm(norm_three, "ukraine", readings)
    assert outer == {by_clause["one"], by_clause["two"]}
    with F.brackets_read() as after:
        enc.norm(norm_three, "ukraine", readings)
    assert after == set()


def test_the_evaluator_reads_the_brackets_it_meets() -> None:
    inst = instrument(SPEC)
    by_clause = {b.clause: b.id for b in inst.brackets.values()}
    (norm_one,), (norm_two,) = (inst.clause(c).norms for c in ("one", "two"))
    draft = dict.fromkeys(inst.brackets, "russia")
    env = {norm_one.subject_var: "ukraine"}
    ev = Evaluator(inst, World(frozenset({("f", ("usa",))}), draft=draft), baseline(inst))
    with F.brackets_read() as seen:
        ev.holds(norm_one.condition, env)
    assert seen == {by_clause["one"]}
    # Where f(usa) is false the condition is false whatever the draft: the choice is not read.
    with F.brackets_read() as seen:
        Evaluator(inst, World(draft=draft), baseline(inst)).holds(norm_one.condition, env)
    assert seen == set()
    with F.brackets_read() as seen:
        ev.holds(norm_two.condition, {norm_two.subject_var: "ukraine"})
    assert seen == {by_clause["two"]}


def test_what_a_clause_can_read_goes_through_vague_terms_and_breached_clauses() -> None:
    """negotiate.clause_brackets: a clause that names another's breach, or applies a vague term
    whose reading holds a bracket, can read those brackets too; an unrelated clause's not."""
    from verifier.negotiate import clause_brackets

    inst = instrument("""
party ukraine, russia, usa;
fact f(p: party);
act a(actor: party, n: party);
term hostile(p: party) { reading ordinary: f(p) and [base: true | russia: f(russia)]; }
clause one "1" { ukraine must not a(n: usa) when f(usa) and [russia: f(russia)]; }
clause two "2" { usa must a(n: ukraine) when breached(one, by: ukraine); }
clause three "3" { russia must not a(n: ukraine) when hostile(usa); }
clause four "4" { usa must not a(n: russia) when f(ukraine) and [usa: f(usa)]; }
""")
    by_clause = {b.clause: b.id for b in inst.brackets.values()}
    term_bracket = next(b.id for b in inst.brackets.values() if b.clause is None)
    assert clause_brackets(inst, ["two"]) == {by_clause["one"]}
    assert clause_brackets(inst, ["three"]) == {term_bracket}
    assert clause_brackets(inst, ["one", "four"]) == {by_clause["one"], by_clause["four"]}
