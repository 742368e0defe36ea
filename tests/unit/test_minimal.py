"""verifier.minimal: the minimal canonical witness, over the atoms a world can vary."""

from __future__ import annotations

import pytest
import z3

from tests.unit.helpers import baseline, instrument, session
from verifier.minimal import Question, minimal_model
from verifier.session import Session

# The world rules out a war on russia and fixes war(ukraine); help is owed in a war.
SPEC = """
party ukraine, russia, usa;
fact war(p: party);
act assist(actor: party, to: party);
assume not exists p in {russia}: war(p);
assume war(ukraine);
clause help "H" { usa must assist(to: ukraine) when war(ukraine); }
"""


def _witness() -> tuple[list[str], set[str]]:
    s = session(instrument(SPEC))
    readings = baseline(s.instrument)
    asked = [s.world_lit(readings), s.clause_lit("help", readings, "usa")]
    model = minimal_model(s, asked)
    assert model is not None
    atoms = list(s.enc.atom_vars.made().values())
    return ([str(v) for v in Question(s, asked).variables],
            {str(v) for v in atoms if z3.is_true(model.eval(v, model_completion=True))})


def test_what_the_world_fixes_is_not_chosen_and_the_witness_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    variables, true = _witness()
    assert "war(russia)" not in variables and "war(ukraine)" not in variables
    assert true == {"war(ukraine)", "assist(usa, ukraine)"}
    monkeypatch.setattr(Session, "forced", lambda self, term: frozenset())
    every, same = _witness()
    assert {"war(russia)", "war(ukraine)"} <= set(every)
    assert same == true
