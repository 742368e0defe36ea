"""The corpus's `nverify diff` pairs (specs/diff/) and negotiations (specs/negotiation_istanbul*.nv)
give the answers their headers state: each diff shows exactly the intended change, and each
negotiation finds its zone of agreement or names its clashing goals."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import load
from verifier.diff import SideSpec, compare
from verifier.negotiate import Negotiator, negotiate

ROOT = Path(__file__).resolve().parent.parent
DIFF = ROOT / "specs" / "diff"

# (side A, side B) -> (relation, every (aspect, subject, direction) the diff reports).
PAIRS = {
    ("eu_earlier", "eu_latest"): ("more permissive", {
        ("clause", "eu", "conduct in breach of A becomes compliant in B"),
        ("act", "eu_military_component", "what A forbids becomes allowed in B"),
        ("act", "eu_mutual_assistance", "what A forbids becomes allowed in B"),
        ("act", "eu_peacekeeping", "what A forbids becomes allowed in B"),
        ("act", "sanction", "what A forbids becomes allowed in B"),
        ("permission", "eu_peacekeeping", "permitted in B, not in A"),
    }),
    ("foreign_activity_draft", "foreign_activity_neutrality"): ("more permissive", {
        ("clause", "foreign_forces", "conduct in breach of A becomes compliant in B"),
        ("clause", "infrastructure", "conduct in breach of A becomes compliant in B"),
        ("clause", "exercises", "conduct in breach of A becomes compliant in B"),
        *(("act", a, "what A forbids becomes allowed in B")
          for a in ("host_exercise", "host_trainers", "host_presence", "host_transit")),
        *(("permission", a, "permitted in B, not in A")
          for a in ("host_exercise", "host_trainers", "host_presence", "host_transit")),
    }),
    ("sweden_nonalignment", "sweden_permanent_neutrality"): ("stricter", {
        ("clause", "armed_help", "conduct compliant with A becomes a breach in B"),
        ("act", "assist", "what A allows becomes a breach in B"),
        ("permission", "assist", "permitted in A, no longer in B"),
    }),
}


@pytest.mark.parametrize("pair", list(PAIRS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_diff_pair_shows_exactly_the_intended_change(pair: tuple[str, str], in_root: None) -> None:
    a, b = pair
    result, _ = compare(SideSpec(DIFF / f"{a}.nv", None), SideSpec(DIFF / f"{b}.nv", None))
    assert result is not None
    relation, expected = PAIRS[pair]
    assert [(v.reading, v.relation) for v in result.verdicts] == [("baseline", relation)]
    assert {(d.aspect, d.subject, d.direction) for d in result.differences} == expected


def test_sweden_pair_witness_is_armed_help_to_the_attacked_eu_state(in_root: None) -> None:
    result, _ = compare(SideSpec(DIFF / "sweden_nonalignment.nv", None),
                        SideSpec(DIFF / "sweden_permanent_neutrality.nv", None))
    assert result is not None and result.verdicts[0].a_not_b is not None
    assert result.verdicts[0].a_not_b.acts == ("assist(sweden, finland, armed_force)",)


def test_the_drafts_of_the_istanbul_draft_compare_on_the_real_memberships(in_root: None) -> None:
    """world.nv declares NATO's and the EU's real members: every party as declared grounds past the
    atom limit, so the two drafts are compared through representatives, the same on both sides."""
    path = ROOT / "specs" / "istanbul_2022.nv"
    result, loaded = compare(SideSpec(path, "russia"), SideSpec(path, "ukraine"))
    assert result is not None, loaded
    assert next((v.reading, v.relation) for v in result.verdicts) == ("baseline", "incomparable")
    assert ("clause", "art5", "conduct compliant with A becomes a breach in B") in {
        (d.aspect, d.subject, d.direction) for d in result.differences}


def test_negotiation_has_a_zone_of_agreement(in_root: None) -> None:
    # The first search only (the zone's ranges take longer: `nverify negotiate` shows them).
    instrument = load([ROOT / "specs" / "negotiation_istanbul.nv"]).instruments[0]
    n = Negotiator(instrument)
    status, draft, _ = n.solve(list(range(len(n.goals))), optimise=True)
    assert status == "sat" and draft is not None
    choices = dict(draft.labels)
    assert choices["art5#1"] == "base" and choices["no_harm#1"] == "base"  # no unanimity; Ukraine's wording
    assert dict(draft.numbers)["caps#1"] == 200000 and 500 <= dict(draft.numbers)["caps#2"] <= 600


def test_negotiation_clash_names_the_clashing_goals(in_root: None) -> None:
    result = negotiate(load([ROOT / "specs" / "negotiation_istanbul_clash.nv"]).instruments[0])
    assert result.status == "no agreement"
    assert sorted(sorted(g.label for g in clash) for clash in result.clashes) == [
        ["a veto over the guarantee (for every guarantor, tested for the United States)",
         "no guarantor can veto the guarantee (tested for the United States)"],
        ["at most 100,000 personnel", "room for an army of 150,000"],
    ]


IMPORTED = ROOT / "specs" / "negotiation_istanbul_imported.nv"


def test_negotiation_over_the_imported_draft_finds_the_same_zone(in_root: None) -> None:
    """istanbul_2022.nv imported whole (the real NATO and EU memberships through representatives,
    as `nverify negotiate` loads it; five guarantors, the vague harm clause): the zone of
    negotiation_istanbul.nv, with the caps' ranges, in seconds."""
    result = negotiate(load([IMPORTED], coalition_size=2).instruments[0])
    assert result.status == "agreement" and result.zone_complete
    assert sorted(dict(d.labels)["art5#2"] for d in result.zone) == ["base", "ukraine"]
    assert all(dict(d.labels)["art5#1"] == "base" for d in result.zone)  # no unanimity
    assert result.agreed_ranges == {"caps#1": (150000, 200000), "caps#2": (500, 600)}
    assert result.best is not None and result.best.objective == 200000
    assert result.rounds < 100


def test_a_goal_under_russias_reading_of_the_imported_draft_clashes_alone(in_root: None) -> None:
    """Ukraine's cooperation under Russia's reading of the open harm phrase: no bracket of the
    draft touches the phrase, so the goal cannot be met in any draft. The search no longer pins
    the caps' figures with each failed candidate (it gave up when the run's 600 s were spent)."""
    text = IMPORTED.read_text(encoding="utf-8").replace(
        "maximize personnel(ukraine);",
        'goal ukraine "cooperation under Russia\'s reading": no hollow-permission on coop under reading russia;\n'
        "maximize personnel(ukraine);")
    path = ROOT / "specs" / "negotiation_istanbul_reading.nv"  # in memory only
    result = negotiate(load([path], overlay={path: text}, coalition_size=2).instruments[0])
    assert result.status == "no agreement"
    assert [[g.label for g in clash] for clash in result.clashes] == [["cooperation under Russia's reading"]]
    assert result.rounds < 30
