"""What clashes in a conflict or a contradiction: the figures and acts named, with their places."""

from __future__ import annotations

from pathlib import Path

from tests.unit.helpers import findings_in, instrument
from verifier.clash import explain
from verifier.findings import ClauseRef, Finding, FindingKind, Severity

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
