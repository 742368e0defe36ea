"""Vetoed permissions by coalitions (DESIGN §12): minimal groups that can stop a permission.

The permission is an exception to a ban (Art. 3 overrides Art. 2), so withholding consent
leaves the act forbidden: a veto."""

from __future__ import annotations

from pathlib import Path

from tests.unit.helpers import findings_in, members
from verifier.findings import Finding
from verifier.merge import expand

SPEC = """
party ukraine, g1, g2, g3;
group guarantors = {{g1, g2, g3}};
fact consents(g: party) controlled by g;
act host(actor: party, foreign: party);
clause art2 "Art. 2" {{
  ukraine must not host;
}}
clause art3 "Art. 3" overrides art2 {{
  ukraine may host(foreign: g1) when {consent};
}}
"""


def vetoes(tmp: Path, consent: str) -> list[Finding]:
    # (a finding merged over several parties stands for one per party: verifier.merge)
    return [e for f in findings_in(tmp, SPEC.format(consent=consent), ["hollow-permission"])
            if dict(f.details).get("veto") for e in expand(f)]


def test_consent_of_a_majority_is_vetoed_by_any_two(tmp_path: Path) -> None:
    fs = vetoes(tmp_path, "a majority of g in guarantors: consents(g)")
    assert sorted(members(f) for f in fs) == ["g1+g2", "g1+g3", "g2+g3"]
    pair = next(f for f in fs if members(f) == "g1+g2")
    assert pair.message.startswith("g1 and g2 together can stop ukraine from using Art. 3 (art3)")
    assert "consents(g1) = false, consents(g2) = false" in pair.message


def test_consent_of_all_is_vetoed_by_each_alone_and_no_pair(tmp_path: Path) -> None:
    fs = vetoes(tmp_path, "all g in guarantors: consents(g)")
    assert sorted(members(f) for f in fs) == ["g1", "g2", "g3"]
    assert all(f.message.startswith(f"{f.party} alone can stop") for f in fs)


def test_consent_of_any_one_is_vetoed_by_no_pair(tmp_path: Path) -> None:
    assert vetoes(tmp_path, "exists g in guarantors: consents(g)") == []
