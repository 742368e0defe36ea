"""Every atom a scenario shows matters to its finding.

A witness is minimal (verifier.minimal): no true fact, act or open term of its world can be
made false while the world still bears out the finding. Here that is checked independently
of the solver, with the evaluator that re-checks every witness (verifier.witness): for each
world shown, the claims it was last re-checked against (a check re-checks a world with
more claims once it knows more), and each of its true atoms and open terms in turn made false. The
stated situation (`assume`) or some claim must then fail. Over every example, so every
check that shows a scenario takes part; scenarios not proved minimal are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from dsl.evaluate import Readings, World, assumptions_hold
from dsl.model import AtomKey, Instrument
from verifier import witness
from verifier.pipeline import Options, run
from verifier.session import Session
from verifier.witness import Claim, Witness

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.nv"))


# A dilemma that the search for a larger one meets first (help and neutral): its situation is
# that of help alone, not the larger set's (verifier.canonical.fewest once returned the latter).
ALLIES = """instrument allies "Allies";
party ukraine, russia, usa;
fact at_war(a: party, b: other party);
fact ally(a: party);
act assist(actor: party, to: other party);
clause help "Duty to help allies" { ukraine must assist where ally(to) when at_war(russia, ukraine); }
clause neutral "No help to anyone at war" { ukraine must not assist where at_war(to, russia); }
"""


def test_every_atom_of_every_scenario_shown_is_needed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    checked: dict[tuple[str, str, frozenset[AtomKey]], tuple[Instrument, World, Readings, list[Claim]]] = {}
    original = witness.recheck

    def recording(session: Session, world: World, readings: Readings, claims: Iterable[Claim], *, what: str,
                  show_quantities: Iterable[str] = (), minimal: bool = True) -> Witness:
        listed = list(claims)
        seen = original(session, world, readings, listed, what=what, show_quantities=show_quantities,
                        minimal=minimal)
        if minimal:
            checked[(session.enc.instrument.path, what, world.atoms)] = (session.enc.instrument, world, readings, listed)
        return seen

    monkeypatch.setattr(witness, "recheck", recording)
    options = Options()
    options.jobs = 1
    allies = tmp_path / "allies.nv"
    allies.write_text(ALLIES, encoding="utf-8")
    _, report = run([*EXAMPLES, allies], options)
    assert report is not None
    shown = {a for f in report.findings if f.scenario is not None and f.scenario.minimal
             for a in (*f.scenario.facts, *f.scenario.acts)}
    assert len(checked) > 20 and shown, "the examples show scenarios"
    droppable = []
    for (path, what, atoms), (instrument, world, readings, claims) in checked.items():
        terms = world.open_terms
        smaller_worlds = [(a, World(atoms - {a}, world.quantities, terms, world.draft)) for a in sorted(atoms, key=repr)]
        smaller_worlds += [(t, World(atoms, world.quantities, terms - {t}, world.draft)) for t in sorted(terms, key=repr)]
        for atom, smaller in smaller_worlds:
            if assumptions_hold(instrument, smaller, readings) and \
                    all(c.problem(instrument, smaller) is None for c in claims):
                droppable.append(f"{path}: {what}: {atom} is not needed")
    assert not droppable, "\n".join(droppable)
