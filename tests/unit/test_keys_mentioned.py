"""verifier.encode.Encoder.keys_mentioned: remembered per condition, values and readings.

The checks ask what a condition mentions once per coalition and per reading set; the encoder
remembers each answer by the condition, the values of its free variables and the readings of
the terms it reads. Every answer must be the one an encoder asked for the first time gives.
"""

from __future__ import annotations

import z3

from dsl import formula as F
from dsl.model import Instrument
from tests.unit.helpers import instrument
from verifier.encode import Encoder
from verifier.ground import vocabulary

SPEC = """
    party a, b, c;
    fact attacked(p: party);
    fact threatened(p: party);
    fact hostile(p: party);
    act help(actor: party, to: party);
    term serious(p: party) {
      reading narrow: attacked(p);
      reading broad: attacked(p) or threatened(p);
    }
    clause k "K" { each q in party must help(to: a) when serious(q) and hostile(q) and q != b; }
"""


def _condition(inst: Instrument) -> tuple[F.Formula, str]:
    """Clause k's condition, and the name of its subject's variable (`q`, as elaborated)."""
    (norm,) = inst.clause("k").norms
    return norm.condition, norm.subject_var


def _fresh(inst: Instrument, f: F.Formula, readings: dict[str, str | None], env: dict[str, F.Value]) -> set[object]:
    """The answer of an encoder asked nothing before."""
    return set(Encoder(inst, vocabulary(inst), z3.Context()).keys_mentioned(f, readings, env))


def test_each_answer_is_a_first_answer_whatever_was_asked_before() -> None:
    inst = instrument(SPEC)
    cond, q = _condition(inst)
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    asked: list[tuple[dict[str, str | None], dict[str, F.Value]]] = [
        ({"serious": "narrow"}, {q: "a"}), ({"serious": "broad"}, {q: "a"}), ({"serious": "narrow"}, {q: "c"}),
        ({"serious": None}, {q: "a"}), ({"serious": "narrow"}, {q: "b"}),
        ({"serious": "broad"}, {q: "a", "unrelated": "x"}), ({"serious": "narrow"}, {q: "a"})]
    for readings, env in asked * 2:
        assert enc.keys_mentioned(cond, readings, env) == _fresh(inst, cond, readings, env), (readings, env)


def test_the_readings_and_the_values_each_change_the_answer() -> None:
    inst = instrument(SPEC)
    cond, q = _condition(inst)
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    narrow = enc.keys_mentioned(cond, {"serious": "narrow"}, {q: "a"})
    broad = enc.keys_mentioned(cond, {"serious": "broad"}, {q: "a"})
    assert narrow == {("attacked", ("a",)), ("hostile", ("a",))}
    assert broad == narrow | {("threatened", ("a",))}
    assert enc.keys_mentioned(cond, {"serious": "narrow"}, {q: "c"}) == {("attacked", ("c",)), ("hostile", ("c",))}
    # `q != b` is false for q = b: the condition is settled and mentions nothing.
    assert enc.keys_mentioned(cond, {"serious": "broad"}, {q: "b"}) == set()


def test_an_answer_changed_by_its_caller_changes_no_later_answer() -> None:
    inst = instrument(SPEC)
    cond, q = _condition(inst)
    enc = Encoder(inst, vocabulary(inst), z3.Context())
    first = enc.keys_mentioned(cond, {"serious": "narrow"}, {q: "a"})
    first.add(("hostile", ("c",)))
    first.discard(("attacked", ("a",)))
    assert enc.keys_mentioned(cond, {"serious": "narrow"}, {q: "a"}) == {("attacked", ("a",)), ("hostile", ("a",))}
