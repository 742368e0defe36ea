"""What the guarantee checks share (verifier/checks/guarantees.py): which norms are guarantees in
the draft in force, one guarantee per timed norm, the claims its witness is checked against, and
which guarantees a claimant's readings leave to ask again. Written against the mutants that
survived the existing tests (docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import baseline, context, instrument
from verifier.checks import blockable_guarantee
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import guarantees, to_check
from verifier.findings import FindingKind
from verifier.pipeline import Options, run

ROOT = Path(__file__).resolve().parents[3]

DRAFTED = """
party ukraine, russia, usa;
fact incident(p: party);
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
clause g "Art. 5" {
  [ukraine: usa must assist(to: ukraine) when incident(_) and agrees(usa) protects ukraine against incident(_);]
}
"""


def test_a_bracketed_guarantee_is_one_only_in_the_drafts_that_contain_it() -> None:
    inst = instrument(DRAFTED)
    assert guarantees(context(inst, draft=dict.fromkeys(inst.brackets, "base"))) == []
    (g,) = guarantees(context(inst, draft=dict.fromkeys(inst.brackets, "ukraine")))
    assert (g.norm.clause, g.protected, g.steps) == ("g", "ukraine", ())


TIMED = """
time day 0..2;
party ukraine, russia, usa;
fact incident(p: party);
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
clause g "Art. 5" { usa must assist(to: ukraine) when incident(_) and agrees(usa) protects ukraine against incident(_); }
"""


def test_the_world_shown_is_checked_against_the_event_and_a_silence_at_every_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claimed: list[tuple[Any, ...]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        claimed.extend(
            (
                type(c).__name__,
                getattr(c, "what", None),
                c.expected,
                c.readings == self.readings,
                len(getattr(c, "more", ())),
            )
            for c in claims
        )
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    ctx = context(instrument(TIMED))
    (g,) = guarantees(ctx)
    assert [n.step for n in g.instances] == [0, 1, 2]
    (f,) = blockable_guarantee.run(ctx)
    assert f.kind is FindingKind.BLOCKABLE_GUARANTEE and f.scenario is not None
    assert claimed == [
        ("Holds", "the event the guarantee exists for", True, True, 0),
        ("Triggers", None, False, True, 3),
    ]


READ = """
party ukraine, russia, usa;
group guarantors = {usa};
fact incident(p: party);
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
term ready(p: party) { reading ordinary: true; reading russia: false; }
term calm(p: party) { reading ordinary: true; reading russia: false; }
clause g "Art. 5" { each x in guarantors must assist(to: ukraine) when incident(_) and agrees(x) and {condition}
  protects ukraine against incident(_); }
"""


@pytest.mark.parametrize(("condition", "asked"), [("ready(x)", ["g"]), ("true", [])])
def test_a_claimants_reading_of_the_trigger_asks_the_guarantee_again(condition: str, asked: list[str]) -> None:
    """Under russia's readings (`ready` is false) the trigger is another formula: the guarantee
    is asked again. A term it does not mention (`calm`) changes none of its formulas."""
    inst = instrument(READ.replace("{condition}", condition))
    ctx = context(inst, readings={"ready": "russia", "calm": "russia"})
    ctx.baseline = baseline(inst)
    assert [g.norm.clause for g in to_check(ctx)] == asked


def test_the_trigger_reads_its_subject_and_the_readings_in_force() -> None:
    """Read as ordinary, usa is ready: the guarantee binds it unless it withholds its agreement,
    which it can. (Were `ready` left open, nobody could keep it from triggering.)"""
    ctx = context(instrument(READ.replace("and {condition}", "or not ready(x)")))
    (f,) = blockable_guarantee.run(ctx)
    assert f.message == "usa can keep Art. 5 (g) from triggering in the event of incident(_), by agrees(usa) = false"


def test_the_query_names_the_trigger_and_the_event_of_the_guarantee(tmp_path: Path) -> None:
    run([ROOT / "examples" / "21_blockable_guarantee.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2"))]
    (script,) = [s for s in scripts if s.splitlines()[0].endswith("blockable-guarantee: can it answer E?")]
    assert script.splitlines()[-1] == "(check-sat-assuming (world |event art5#0| |trigger art5#0|))"
