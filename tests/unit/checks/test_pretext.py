"""Pretext check: answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import load
from verifier.findings import Finding
from verifier.pipeline import Options, check_instrument

WORLD = """
party ukraine, russia, usa;
enum kind = {alliance, training, economic};
act conclude(actor: party, partner: party, kind: kind);
"""


def findings(tmp: Path, body: str, kind: str = "pretext") -> list[Finding]:
    path = tmp / "spec.nv"
    path.write_text(WORLD + body, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    found, _, _ = check_instrument(loaded.instruments[0], Options())
    return [f for f in found if f.kind.value == kind]


def test_broader_reading_gives_a_pretext_naming_the_conduct(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training}; }
clause c "Art. 2" { ukraine must not conclude where harms(kind); }
""")
    assert len(fs) == 1
    f = fs[0]
    assert f.party == "russia" and dict(f.details)["term"] == "harms" and dict(f.details)["against"] == "ukraine"
    conduct = dict(f.details)["conduct"]
    assert conduct and all("training" in c for c in conduct)
    assert f.scenario is not None and any("training" in a for a in f.scenario.acts)


def test_same_reading_gives_no_pretext(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k == alliance; }
clause c "Art. 2" { ukraine must not conclude where harms(kind); }
""")
    assert fs == []


def test_narrower_reading_gives_no_pretext(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term harms(k: kind) { reading ordinary: k in {alliance, training}; reading russia: k == alliance; }
clause c "Art. 2" { ukraine must not conclude where harms(kind); }
""")
    assert fs == []


def test_no_pretext_against_the_claimant_itself(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training}; }
clause c "Art. 2" { russia must not conclude where harms(kind); }
""")
    assert fs == []


def test_distinct_conduct_is_grouped_in_one_finding(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term harms(k: kind) { reading ordinary: false; reading russia: true; }
clause c "Art. 2" { ukraine must not conclude(partner: usa) where harms(kind); }
""")
    assert len(fs) == 1
    assert len(dict(fs[0].details)["conduct"]) == 3  # alliance, training, economic with usa


def test_doctrine_alias(tmp_path: Path) -> None:
    fs = findings(tmp_path, """
term lawful(k: kind) { reading ordinary = qualified; reading qualified: k != alliance; reading strict: k == economic;
                       reading russia = strict; }
clause c "Hague V" { ukraine must not conclude where not lawful(kind); }
""")
    assert len(fs) == 1 and dict(fs[0].details)["claimant_reading_alias"] == "strict"


def test_a_witness_the_solver_could_not_minimise_is_not_called_minimal(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier import minimal
    from verifier.findings import Report
    from verifier.report.text import render

    body = """
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training}; }
clause c "Art. 2" { ukraine must not conclude where harms(kind); }
"""
    [minimised] = findings(tmp_path, body)
    assert minimised.scenario is not None and minimised.scenario.minimal
    monkeypatch.setattr(minimal, "minimal_model", lambda *args, **kwargs: None)  # as when Optimize gives up
    [plain] = findings(tmp_path, body)
    assert plain.scenario is not None and not plain.scenario.minimal
    assert plain.scenario.to_json()["minimal"] is False
    text = render(Report(findings=[plain]))
    assert "scenario (not minimised" in text and "scenario (minimal)" not in text


def test_conduct_past_the_cap_is_counted_not_dropped(tmp_path: Path) -> None:
    """Ten acts russia can object to, a cap of 3: three listed, the message counts all ten."""
    from tests.unit.helpers import findings_in

    text = """
party ukraine, russia;
enum partner = {p0, p1, p2, p3, p4, p5, p6, p7, p8, p9};
act deal(actor: party, with: partner);
term harmful(with: partner) { reading ordinary: false; reading russia: true; }
clause c "C" { ukraine must not deal where harmful(with); }
"""
    (f,) = findings_in(tmp_path, text, ["pretext"], max_findings=3)
    assert "(and 9 other distinct acts)" in f.message
    assert "(the details list 3 of the 10; raise --max-findings to list them all)" in f.message
    assert len(dict(f.details)["conduct"]) == 3 and dict(f.details)["conduct_listed"] == "3 of 10"
    (g,) = findings_in(tmp_path, text, ["pretext"], max_findings=2)
    assert "(and at least 7 other distinct acts)" in g.message and "list 2 of at least 8; raise --max-findings to list more" in g.message
    (h,) = findings_in(tmp_path, text, ["pretext"], max_findings=10)
    assert "(and 9 other distinct acts)" in h.message and "details list" not in h.message
