"""Excuses (DESIGN §12): a party's own reading turns its breach into lawful conduct."""

from __future__ import annotations

from pathlib import Path

from tests.unit.helpers import findings_in
from verifier.findings import Finding

WORLD = """
party ukraine, russia, usa;
enum means = {consultation, weapons, armed_force};
act intervene(actor: party, target: party, means: means);
"""


def excuses(tmp: Path, body: str) -> list[Finding]:
    return findings_in(tmp, WORLD + body, ["excuse"])


TERM = """
term necessary(m: means) {{
  reading ordinary: m == consultation;
  reading russia: {russia};
}}
clause art3 "Art. 3" {{ each p in {{russia, usa}} must not intervene(target: ukraine) where not necessary(means); }}
"""


def test_a_wider_own_reading_excuses_the_breach(tmp_path: Path) -> None:
    [f] = excuses(tmp_path, TERM.format(russia="m in {consultation, armed_force}"))
    d = dict(f.details)
    assert f.party == "russia" and d["term"] == "necessary" and d["baseline"] == "ordinary"
    assert d["conduct"] == ["intervene(russia, target: ukraine, means: armed_force)"]
    assert f.scenario is not None and f.scenario.acts == ("intervene(russia, ukraine, armed_force)",)


def test_a_narrower_own_reading_excuses_nothing(tmp_path: Path) -> None:
    """Russia's reading allows less than the ordinary one: what it breaches under the ordinary
    reading, it breaches under its own too (that is a pretext's business, against others)."""
    assert excuses(tmp_path, TERM.format(russia="false")) == []


def test_no_excuse_for_a_party_without_a_reading_of_its_own(tmp_path: Path) -> None:
    fs = excuses(tmp_path, TERM.format(russia="true"))
    assert [f.party for f in fs] == ["russia"]  # usa has no reading: it is never excused


def test_in_a_ranked_regime_the_excuse_says_which_instrument_it_relies_on(tmp_path: Path) -> None:
    (tmp_path / "law.nv").write_text(f'instrument law "Law" rank 2;\n{WORLD}'
                                     'clause l1 "Law, Art. 1" { usa must not intervene(target: russia); }\n',
                                     encoding="utf-8")
    treaty = TERM.format(russia="m in {consultation, armed_force}")
    [f] = findings_in(tmp_path, f'instrument treaty "Treaty" rank 1;\nimport "law.nv";\n{treaty}', ["excuse"])
    assert f.message.endswith("; the clause is in treaty, rank 1 in this regime")
