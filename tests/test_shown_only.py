"""The checks skip the searches and minimal worlds of findings the report leaves out
(CheckContext.reported / shown): the report is that of doing all the work, for less of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import z3

from dsl import load
from dsl.symmetry import COALITION_SIZE  # as nverify loads a spec: states nothing names through representatives
from tests.golden import ROOT
from verifier import minimal
from verifier.checks.context import CheckContext
from verifier.pipeline import Options, check_instrument

# Regimes (findings about one import's clauses alone are left out), and instruments with
# claimants (a finding under a claimant's reading that the baseline has is left out).
SPECS = ["regime_istanbul_partners.nv", "force_limits_and_neutrality.nv", "ireland.nv", "regime_istanbul_constitution.nv"]


def summary(path: Path) -> list[tuple[object, ...]]:
    """The report's findings (problem, drafts, severity, expected, with a scenario or not) and
    expectations."""
    [instrument] = load([path], coalition_size=COALITION_SIZE).instruments
    findings, expectations, _ = check_instrument(instrument, Options())
    rows = [(f.problem_key(), f.drafts, f.severity, f.expected, f.scenario is not None) for f in findings]
    return rows + [(e.statement, e.met) for e in expectations]


@pytest.mark.parametrize("name", SPECS)
def test_the_report_is_that_of_doing_all_the_work(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [0]
    plain = minimal.minimal_model

    def counted(*args: Any, **kwargs: Any) -> z3.ModelRef | None:
        calls[0] += 1
        return plain(*args, **kwargs)

    monkeypatch.setattr(minimal, "minimal_model", counted)
    for module in ("conflict", "hollow_permission", "blocked_permission", "blockable_guarantee", "vacuous_guarantee"):
        monkeypatch.setattr(f"verifier.checks.{module}.minimal_model", counted)
    skipping = summary(ROOT / "specs" / name)
    with_skips = calls[0]

    calls[0] = 0
    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: True)
    monkeypatch.setattr(CheckContext, "shown", lambda self, kind, clause_ids, party, coalition=(): True)
    everything = summary(ROOT / "specs" / name)

    assert skipping == everything
    assert with_skips < calls[0], "some witness of a finding left out of the report should have been skipped"


def test_every_shown_finding_has_its_scenario() -> None:
    # A finding the report shows never lost its minimal world to the skipping.
    [instrument] = load([ROOT / "specs" / "regime_istanbul_partners.nv"], coalition_size=COALITION_SIZE).instruments
    findings, _, _ = check_instrument(instrument, Options())
    kinds_with_worlds = {"conflict", "hollow-permission", "blockable-guarantee", "pretext"}
    assert findings
    for f in findings:
        if f.kind.value in kinds_with_worlds:
            assert f.scenario is not None, f.message
