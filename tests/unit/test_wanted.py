"""A context's `wanted` finding (CheckContext.wanted): `negotiate` stops a goal's checks at the
first finding the goal's pattern matches. That is the finding the whole run would have matched
first only if every check returns each finding it makes, in the order made (as a pattern reads
them): asked of every check on the examples and on specs of the corpus; and negotiate answers
the same either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import z3

from dsl.symmetry import COALITION_SIZE
from verifier import pipeline, registry
from verifier.checks.context import CheckContext, Wanted
from verifier.encode import Encoder
from verifier.findings import Finding
from verifier.ground import vocabulary
from verifier.negotiate import Negotiator, negotiate
from verifier.registry import load
from verifier.session import Limits, Session

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "examples", *(ROOT / "specs" / name for name in (
    "istanbul_2022.nv", "hague_v.nv", "istanbul_2022_consultations.nv", "force_limits_and_neutrality.nv", "un_charter_51.nv", "compare_art5.nv"))]
NEGOTIATIONS = [*(ROOT / "examples").glob("*negotiat*.nv"), *(ROOT / "specs").glob("negotiation_*.nv"),
                *(ROOT / "tests" / "data" / "disagreements" / "negotiate").glob("*.nv")]


def matched(f: Finding) -> tuple[object, ...]:
    """What a finding pattern reads of a finding (verifier.checks.queries.matches): a check may
    reword a finding it made (the conflict check's last, when its search stopped), no more."""
    return (f.kind, f.clauses, f.party, f.parties, f.coalition, f.draft, f.drafts, f.readings,
            dict(f.details).get("reading"))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_check_returns_each_finding_it_makes_in_the_order_made(path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Finding] = []
    make, run = CheckContext.finding, registry.Check.run
    differing: list[str] = []

    def finding(self: CheckContext, *args: Any, **kw: Any) -> Finding:
        found = make(self, *args, **kw)
        made.append(found)
        return found

    def checked(self: registry.Check, ctx: CheckContext) -> list[Finding]:
        made.clear()
        out = run(self, ctx)
        if [matched(f) for f in made] != [matched(f) for f in out]:
            differing.append(f"{self.name} on {ctx.instrument.name}: made {len(made)}, returned {len(out)}")
        return out

    monkeypatch.setattr(CheckContext, "finding", finding)
    monkeypatch.setattr(registry.Check, "run", checked)
    _, report = pipeline.run([path], pipeline.Options(jobs=1, coalition_size=COALITION_SIZE))
    assert report is not None and report.findings
    assert not differing, differing


def test_a_wanted_finding_ends_the_checks_where_it_is_made() -> None:
    spec = ROOT / "specs" / "istanbul_2022.nv"
    instrument = next(i for i in load([spec], coalition_size=COALITION_SIZE).instruments)
    full = pipeline.check_instrument(instrument, pipeline.Options(jobs=1, coalition_size=COALITION_SIZE))[0]
    wanted = next(f for f in full if f.kind.value == "blockable-guarantee")
    session = Session(Encoder(instrument, vocabulary(instrument), z3.Context()), Limits())
    draft_name, draft = pipeline.drafts_of_interest(instrument, [])[0]
    ctx = CheckContext(instrument, session, pipeline.baseline_readings(instrument, []), draft_name, draft,
                       coalition_size=COALITION_SIZE,
                       wanted=lambda f: f.kind is wanted.kind and f.message == wanted.message)
    check = next(c for c in registry.CHECKS if c.name == "blockable_guarantee")
    with pytest.raises(Wanted) as stopped:
        check.run(ctx)
    assert stopped.value.finding.message == wanted.message
    assert stopped.value.finding.scenario is None  # (no world is shown to a caller that only matches)


@pytest.mark.parametrize("path", NEGOTIATIONS, ids=lambda p: p.name)
def test_negotiate_answers_the_same_whether_or_not_the_checks_stop_at_the_first_match(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instrument = load([path], coalition_size=COALITION_SIZE).instruments[0]
    first = negotiate(instrument)
    monkeypatch.setattr(Negotiator, "first_match", False)
    whole = negotiate(instrument)
    assert (first.status, first.zone, first.zone_complete, first.agreed_ranges, first.best, first.clashes) == \
        (whole.status, whole.zone, whole.zone_complete, whole.agreed_ranges, whole.best, whole.clashes)
    assert first.status != "unknown"
