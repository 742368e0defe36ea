"""Self-granted permissions (DESIGN §12): answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path

from dsl import load
from verifier.findings import Finding
from verifier.pipeline import Options, check_instrument

WORLD = """
party ukraine, russia, usa, uk;
group guarantors = {russia, usa, uk};
fact agrees(g: party) controlled by g;
fact armed_attack(by: party, on: party) controlled by by;
act act_alone(actor: party, in: party);
act consult(actor: party, with: party);
"""


def grants(tmp: Path, body: str, size: int = 2) -> list[Finding]:
    path = tmp / "spec.nv"
    path.write_text(WORLD + body, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    found, _, _ = check_instrument(loaded.instruments[0], Options(coalition_size=size))
    assert not [f for f in found if f.kind.value == "unknown"]
    return sorted((f for f in found if f.kind.value == "self-granted-permission"),
                  key=lambda f: (f.party or "", f.coalition))


def who(found: list[Finding]) -> list[tuple[str, ...]]:
    return [f.coalition or (f.party or "",) for f in found]


def test_refusing_concerted_action_unlocks_acting_alone(tmp_path: Path) -> None:
    found = grants(tmp_path, """
    clause art4 "Art. 4(2)" { each g in guarantors may act_alone(in: ukraine)
                                when not all h in guarantors: agrees(h); }
    """)
    assert who(found) == [("russia",), ("uk",), ("usa",)]
    usa = found[2]
    assert usa.message == ("usa can bring Art. 4(2) (art4) into force by agrees(usa) = false, whatever russia and "
                           "uk decide: usa may then act_alone(usa, in: ukraine)")
    assert dict(usa.details)["choice"] == "agrees(usa) = false" and dict(usa.details)["holder"] == "usa"
    assert usa.scenario is not None and usa.scenario.facts == ()  # nobody agrees: the fewest true atoms
    assert usa.clauses[0].role == "permission" and usa.coalition == ()


def test_a_majority_needs_two_the_holder_first(tmp_path: Path) -> None:
    found = grants(tmp_path, """
    clause art6 "Art. 6" { usa may act_alone(in: ukraine) when a majority of h in guarantors: (not agrees(h)); }
    """)
    assert who(found) == [("usa", "russia"), ("usa", "uk")]
    assert found[0].party == "usa"
    assert found[0].message.startswith("usa and russia together can bring Art. 6 (art6) into force by "
                                       "agrees(russia) = false, agrees(usa) = false, whatever uk decides")
    assert grants(tmp_path, """
    clause art6 "Art. 6" { usa may act_alone(in: ukraine) when a majority of h in guarantors: (not agrees(h)); }
    """, size=1) == []  # --coalition-size 1: one guarantor cannot


def test_a_consent_the_holder_cannot_give_is_no_finding(tmp_path: Path) -> None:
    assert grants(tmp_path, """
    clause art5 "Art. 5" { usa may act_alone(in: ukraine) when all h in guarantors: agrees(h); }
    """, size=1) == []


def test_what_only_the_holder_decides_is_no_finding(tmp_path: Path) -> None:
    """No other party has a say in the condition: there is nothing to make illusory."""
    assert grants(tmp_path, """
    clause art5 "Art. 5" { usa may act_alone(in: ukraine) when not agrees(usa); }
    """) == []


def test_the_other_partys_say_decides_only_when_the_coalition_leaves_someone_out(tmp_path: Path) -> None:
    """russia's consent and usa's own act: together they decide everything the condition names,
    and usa cannot act without russia: russia's say is real, not illusory."""
    assert grants(tmp_path, """
    clause art5 "Art. 5" { usa may act_alone(in: ukraine) when agrees(russia) and consult(usa, with: russia); }
    """) == []


def test_an_obligation_to_agree_makes_refusal_no_lawful_choice(tmp_path: Path) -> None:
    """usa must agree in every world: refusing is a breach, so usa cannot lawfully unlock it."""
    assert grants(tmp_path, """
    clause art3 "Art. 3" { usa must consult(with: russia) unless agrees(usa); }
    clause art4 "Art. 4" { usa must not consult; }
    clause art5 "Art. 5" { usa may act_alone(in: ukraine) when not all h in guarantors: agrees(h); }
    """, size=1) == []


def test_an_attack_the_holder_can_make_itself_grants_the_permission(tmp_path: Path) -> None:
    """The permission answers an attack on Ukraine by anyone: the holder can attack itself."""
    found = grants(tmp_path, """
    clause art7 "Art. 7" { usa may act_alone(in: ukraine) when exists a in party: armed_attack(by: a, on: ukraine); }
    """)
    assert who(found) == [("usa",)]
    assert dict(found[0].details)["choice"] == "armed_attack(usa, ukraine) = true"
    assert grants(tmp_path, """
    assume not armed_attack(by: usa, on: ukraine);
    clause art7 "Art. 7" { usa may act_alone(in: ukraine) when exists a in party: armed_attack(by: a, on: ukraine); }
    """) == []


def test_a_condition_true_in_every_world_is_no_finding(tmp_path: Path) -> None:
    assert grants(tmp_path, """
    assume not agrees(russia);
    clause art5 "Art. 5" { usa may act_alone(in: ukraine) when not agrees(russia); }
    """) == []
