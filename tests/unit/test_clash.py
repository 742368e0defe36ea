"""What clashes in a conflict or a contradiction: the figures and acts named, with their places."""

from __future__ import annotations

from pathlib import Path

from dsl.evaluate import World
from tests.unit.helpers import findings_in, instrument
from verifier.clash import explain
from verifier.findings import ClauseRef, Finding, FindingKind, Scenario, Severity

CAPS = """
instrument caps "Caps";
party ukraine, russia;
fact at_war(a: party, b: other party);
quantity personnel(p: party) controlled by p;
quantity tanks(p: party) controlled by p;
term needed(p: party) {
  reading ordinary: personnel(p) >= 550000;
  reading russia: true;
}
clause caps "Annex" {
  limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000];
  limit tanks(ukraine) <= [russia: 342 | ukraine: 800];
}
clause duty "Duty to defend" {
  ukraine must keep needed(ukraine) when at_war(russia, ukraine);
}
"""


def conflict(clauses: tuple[str, ...], drafts: tuple[str, ...], readings: tuple[tuple[str, str], ...]) -> Finding:
    refs = tuple(ClauseRef(c, c, "t.nv", 1, 1, None) for c in clauses)
    return Finding(FindingKind.CONFLICT, Severity.ERROR, "ukraine cannot respect them together when at_war(russia, "
                   "ukraine): whatever ukraine does, it breaches one of them", "t.nv", refs, party="ukraine",
                   readings=readings, drafts=drafts)


def test_a_clash_of_figures_names_both_bounds_per_draft_and_where_each_is_written() -> None:
    inst = instrument(CAPS)
    drafts = [("russia", dict.fromkeys(inst.brackets, "russia")), ("ukraine", dict.fromkeys(inst.brackets, "ukraine"))]
    f = explain(inst, conflict(("caps", "duty"), ("russia", "ukraine"), (("needed", "ordinary"),)), drafts)
    assert f.message == ("ukraine cannot respect them together when at_war(russia, ukraine): Annex caps "
                         "personnel(ukraine) at 85,000 in draft russia and 250,000 in draft ukraine, while Duty to "
                         "defend requires personnel(ukraine) of at least 550,000 (the ordinary reading of needed)")
    # The tanks are capped too, but nothing asks for more of them: they are not part of the clash.
    assert dict(f.details)["clash"] == [
        "caps: personnel(ukraine) <= 85,000 in draft russia and 250,000 in draft ukraine at t.nv:12:9",
        "duty: personnel(ukraine) >= 550,000 (the ordinary reading of needed) at t.nv:8:21"]


def test_one_draft_shows_its_own_figure_only() -> None:
    inst = instrument(CAPS)
    drafts = [("russia", dict.fromkeys(inst.brackets, "russia")), ("ukraine", dict.fromkeys(inst.brackets, "ukraine"))]
    f = explain(inst, conflict(("caps", "duty"), ("russia",), (("needed", "ordinary"),)), drafts)
    assert "caps personnel(ukraine) at 85,000 in draft russia, while" in f.message
    assert "250,000" not in f.message


def test_no_clash_under_a_reading_that_asks_for_nothing() -> None:
    inst = instrument(CAPS)
    drafts = [("russia", dict.fromkeys(inst.brackets, "russia"))]
    f = conflict(("caps", "duty"), ("russia",), (("needed", "russia"),))
    assert explain(inst, f, drafts) == f


def test_an_obliged_act_that_another_clause_forbids(tmp_path: Path) -> None:
    found = findings_in(tmp_path, """
instrument c "C";
party ukraine, russia;
enum org = {eu, csto};
act join(actor: party, org: org);
clause art1 "Art. 1" { ukraine must join(org: eu); }
clause art2 "Art. 2" { ukraine must not join; }
expect contradiction on art1, art2;
""", ["contradiction"])
    assert [f.message for f in found] == [
        ("Art. 1 (art1) and Art. 2 (art2) cannot all be respected: Art. 1 obliges ukraine to join(ukraine, org: eu), "
         "while Art. 2 forbids it")]
    assert dict(found[0].details)["clash"] == [
        f"art1: ukraine must join(ukraine, org: eu) at {tmp_path / 'spec.nv'}:6:24",
        f"art2: ukraine must not join(ukraine, org: eu) at {tmp_path / 'spec.nv'}:7:24"]


def test_the_conflict_of_caps_and_a_duty_end_to_end(tmp_path: Path) -> None:
    found = findings_in(tmp_path, CAPS + "expect conflict on caps, duty by ukraine;\n", ["conflict"])
    assert len(found) == 1
    f = found[0]
    assert f.drafts == ("russia", "ukraine")
    assert "caps personnel(ukraine) at 85,000 in draft russia and 250,000 in draft ukraine" in f.message
    assert "whatever ukraine does" not in f.message
    # The scenario is the situation; the figures the party decides are the clash's, not the scenario's.
    assert f.scenario is not None and f.scenario.quantities == () and f.scenario.facts == ("at_war(russia, ukraine)",)


# ---- clashes that depend on the situation: read in the witness's world --------------------

ALLIES = """
instrument allies "Allies";
party ukraine, russia, usa;
fact at_war(a: party, b: other party);
fact ally(a: party);
act assist(actor: party, to: other party);
clause help "Duty to help allies" {
  ukraine must assist where ally(to) when at_war(russia, ukraine);
}
clause neutral "No help to anyone at war" {
  ukraine must not assist where at_war(to, russia);
}
"""


def test_an_act_a_duty_asks_for_and_a_ban_forbids_in_the_situation_shown(tmp_path: Path) -> None:
    """Which assistance the duty asks for and the ban forbids depends on who is an ally and
    who is at war: the clash is read in the witness's situation."""
    found = findings_in(tmp_path, ALLIES + "assume ally(usa);\nexpect conflict on help, neutral by ukraine;\n",
                        ["conflict"])
    assert [f.message for f in found] == [(
        "ukraine cannot respect Duty to help allies (help) and No help to anyone at war (neutral) together when "
        "at_war(russia, ukraine) and at_war(usa, russia) and ally(usa): Duty to help allies obliges ukraine to "
        "assist(ukraine, to: usa), while No help to anyone at war forbids it")]
    spec = tmp_path / "spec.nv"
    assert dict(found[0].details)["clash"] == [f"help: ukraine must assist(ukraine, to: usa) at {spec}:8:3",
                                              f"neutral: ukraine must not assist(ukraine, to: usa) at {spec}:11:3"]


def test_a_duty_that_nothing_in_the_situation_can_meet(tmp_path: Path) -> None:
    found = findings_in(tmp_path, ALLIES + "expect conflict on help by ukraine;\n", ["conflict"])
    assert [f.message for f in found] == [(
        "ukraine cannot respect Duty to help allies (help) when at_war(russia, ukraine): whatever ukraine does, it is "
        "in breach; Duty to help allies obliges ukraine to assist where ally(to), and nothing ukraine can do in this "
        "situation meets it")]
    assert dict(found[0].details)["clash"] == [
        f"help: ukraine must assist where ally(to), which no act meets here at {tmp_path / 'spec.nv'}:8:3"]


THREAT = """
instrument threat "Threat";
party ukraine, russia;
fact at_war(a: party, b: other party);
quantity personnel(p: party) controlled by p;
quantity threat(p: party);
clause cap "Cap" { limit personnel(ukraine) <= threat(russia); }
clause need "Need" { ukraine must keep personnel(ukraine) >= threat(russia) + 1 when at_war(russia, ukraine); }
"""


def _in_world(inst_text: str, clauses: tuple[str, ...], world: World) -> Finding:
    inst = instrument(inst_text)
    refs = tuple(ClauseRef(c, c, "t.nv", 1, 1, None) for c in clauses)
    f = Finding(FindingKind.CONFLICT, Severity.ERROR, "ukraine cannot respect them together when at_war(russia, "
                "ukraine): whatever ukraine does, it breaches one of them", "t.nv", refs, party="ukraine",
                scenario=Scenario(facts=("at_war(russia, ukraine)",), world=world))
    return explain(inst, f, [(None, {})])


def test_figures_the_world_sets_are_named_as_written_with_their_value_there() -> None:
    world = World(frozenset({("at_war", ("russia", "ukraine"))}), {("threat", ("russia",)): 40000})
    f = _in_world(THREAT, ("cap", "need"), world)
    assert f.message == ("ukraine cannot respect them together when at_war(russia, ukraine): Cap caps personnel(ukraine) "
                         "at threat(russia) (here 40,000), while Need requires personnel(ukraine) of at least "
                         "threat(russia) + 1 (here 40,001)")
    assert dict(f.details)["clash"] == ["cap: personnel(ukraine) <= threat(russia) (here 40,000) at t.nv:7:26",
                                        "need: personnel(ukraine) >= threat(russia) + 1 (here 40,001) at t.nv:8:40"]


def test_a_duty_not_in_force_in_the_world_clashes_with_nothing() -> None:
    """Without the war, the need is not in force: no clash is named and the words stay general."""
    f = _in_world(THREAT, ("cap", "need"), World(frozenset(), {("threat", ("russia",)): 5}))
    assert f.message.endswith("whatever ukraine does, it breaches one of them")
    assert "clash" not in dict(f.details)


def test_a_contradiction_is_not_read_in_a_world() -> None:
    """A contradiction holds in no world: a world attached to it says nothing of the clash."""
    world = World(frozenset({("at_war", ("russia", "ukraine"))}), {("threat", ("russia",)): 1})
    inst = instrument(THREAT)
    refs = tuple(ClauseRef(c, c, "t.nv", 1, 1, None) for c in ("cap", "need"))
    f = Finding(FindingKind.CONTRADICTION, Severity.ERROR, "Cap and Need cannot all be respected: no world complies "
                "with them together", "t.nv", refs, scenario=Scenario(world=world))
    assert explain(inst, f, [(None, {})]) == f


def test_the_conflict_of_a_cap_and_a_need_the_situation_sets_end_to_end(tmp_path: Path) -> None:
    """Found although the threat is any figure (verifier.qbf asks Z3 the quantified question),
    and named with the figures of the situation shown."""
    found = findings_in(tmp_path, THREAT + "expect conflict on cap, need by ukraine;\n", ["conflict"])
    assert [f.message for f in found] == [(
        "ukraine cannot respect Cap (cap) and Need (need) together when at_war(russia, ukraine): Cap caps "
        "personnel(ukraine) at threat(russia) (here 0), while Need requires personnel(ukraine) of at least "
        "threat(russia) + 1 (here 1)")]
