"""Interchangeable parties (dsl.symmetry, verifier.symmetry): which parties form a class, how
many stand for it, and the findings through representatives against those of the full world."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import load
from dsl import syntax as S
from dsl.diagnostics import Diagnostics
from dsl.parser import parse
from dsl.source import SourceFile
from dsl.symmetry import classes, reduce
from tests.symmetry_check import compare
from verifier.findings import Finding
from verifier.pipeline import Options, run
from verifier.symmetry import canonical_coalition, canonical_image

WORLD_UNREAD = """
party ukraine, russia, usa, b1, b2, b3, b4, b5, n1, n2, n3, n4, e1, e2, e3, e4;
group alliance = {usa, b1, b2, b3, b4, b5, n1, n2, n3, n4};
group union = {b1, b2, b3, b4, b5, e1, e2, e3, e4};
group states = {ukraine, russia, usa, b1, b2, b3, b4, b5, n1, n2, n3, n4, e1, e2, e3, e4};
fact attacked(on: party) controlled by on;
fact agrees(g: party) controlled by g;
fact armed_attack(by: party, on: other party) controlled by by;
act assist(actor: party, to: other party);
act export_arms(actor: party, to: other party);
act consult(actor: party, with: other party);
"""
# A formula that reads the groups: otherwise they tell no one apart (see the test below).
WORLD = WORLD_UNREAD + "define in_a_bloc(p: party) = p in alliance or p in union;\n"


def _specs(text: str) -> list[S.Spec]:
    diags = Diagnostics()
    spec = parse(SourceFile.of("t.nv", text), diags)
    assert spec is not None and not diags.has_errors()
    return [spec]


def _classes(text: str, coalition_size: int = 2) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {c.members: c.representatives for c in classes(_specs(text), coalition_size)}


def test_parties_in_the_same_groups_and_never_named_form_a_class() -> None:
    found = _classes(WORLD + "clause c \"c\" { usa must assist(to: ukraine) when attacked(ukraine); }")
    assert found == {("b1", "b2", "b3", "b4", "b5"): ("b1", "b2", "b3"), ("n1", "n2", "n3", "n4"): ("n1", "n2", "n3"),
                     ("e1", "e2", "e3", "e4"): ("e1", "e2", "e3")}


def test_groups_that_nothing_reads_tell_no_one_apart() -> None:
    """Only the declarations name `alliance`, `union` and `states`: being in one is being in none
    (russia, which the clause does not name, joins them)."""
    found = _classes(WORLD_UNREAD + "clause c \"c\" { usa must assist(to: ukraine) when attacked(ukraine); }")
    everyone = ("russia", "b1", "b2", "b3", "b4", "b5", "n1", "n2", "n3", "n4", "e1", "e2", "e3", "e4")
    assert found == {everyone: ("russia", "b1", "b2")}
    # One group read: its members and the others part.
    found = _classes(WORLD_UNREAD + "clause c \"c\" { usa must assist(to: ukraine) when exists x in union: agrees(x); }")
    assert found == {("b1", "b2", "b3", "b4", "b5", "e1", "e2", "e3", "e4"): ("b1", "b2", "b3"),
                     ("russia", "n1", "n2", "n3", "n4"): ("russia", "n1", "n2")}


def test_compared_specs_share_their_classes() -> None:
    """The other side of a comparison names b4 and reads `union`: neither text may rename b4,
    and union members part from the others in both."""
    a = _specs(WORLD_UNREAD + "clause c \"c\" { usa must assist(to: ukraine); }")
    b = _specs(WORLD_UNREAD + "clause c \"c\" { b4 must assist(to: ukraine) when exists x in union: agrees(x); }")
    found = {c.members: c.representatives for c in classes(a, 2, also=[b])}
    assert found == {("russia", "n1", "n2", "n3", "n4"): ("russia", "n1", "n2"),
                     ("b1", "b2", "b3", "b5", "e1", "e2", "e3", "e4"): ("b1", "b2", "b3")}
    assert found == {c.members: c.representatives for c in classes(b, 2, also=[a])}


def test_a_party_a_clause_names_is_not_in_a_class() -> None:
    found = _classes(WORLD + "clause c \"c\" { b3 must assist(to: ukraine); }")
    assert ("b1", "b2", "b4", "b5") in found and all("b3" not in members for members in found)


def test_a_class_no_larger_than_its_representatives_is_kept_whole() -> None:
    found = _classes(WORLD + "clause c \"c\" { usa must assist(to: ukraine); }", coalition_size=3)
    assert found[("n1", "n2", "n3", "n4")] == ("n1", "n2", "n3", "n4")


def test_a_count_needs_its_bound_and_a_coalition_and_one_more() -> None:
    text = WORLD + "clause c \"c\" { usa must assist(to: ukraine) when at least 1 of g in alliance: agrees(g); }"
    found = _classes(text)
    assert found[("b1", "b2", "b3", "b4", "b5")] == ("b1", "b2", "b3", "b4")
    assert found[("e1", "e2", "e3", "e4")] == ("e1", "e2", "e3")  # the count is over the alliance, not the union


def test_a_majority_keeps_every_member_of_its_set() -> None:
    text = WORLD + "clause c \"c\" { usa must assist(to: ukraine) when a majority of g in union: agrees(g); }"
    found = _classes(text)
    assert found[("b1", "b2", "b3", "b4", "b5")] == ("b1", "b2", "b3", "b4", "b5")
    assert found[("e1", "e2", "e3", "e4")] == ("e1", "e2", "e3", "e4")
    assert found[("n1", "n2", "n3", "n4")] == ("n1", "n2", "n3")


def test_reducing_leaves_the_representatives_in_the_party_and_group_lists() -> None:
    specs = _specs(WORLD + "clause c \"c\" { usa must assist(to: ukraine); }")
    text_after = repr(reduce(specs, classes(specs, 2))[0].decls)
    for gone in ("b4", "b5", "n4", "e4"):
        assert f"'{gone}'" not in text_after
    for kept in ("b1", "b2", "b3", "n1", "n2", "n3", "e1", "e2", "e3", "usa"):
        assert f"'{kept}'" in text_after


def test_canonical_coalitions_take_representatives_in_order() -> None:
    specs = _specs(WORLD)
    (b,) = [c for c in classes(specs, 3) if c.members[0] == "b1"]
    assert canonical_coalition(("usa", "b1"), [b]) and canonical_coalition(("b1", "b2"), [b])
    assert not canonical_coalition(("usa", "b2"), [b]) and not canonical_coalition(("b1", "b3"), [b])
    assert canonical_image(("usa", "b3"), [b], ["usa", "b1", "b2", "b3"]) == ("usa", "b1")


# ---- the same findings as the full world -------------------------------------------------

SPECS = {
    "unanimity": WORLD + """
clause art5 "Art. 5"
{
  usa must assist(to: ukraine) when attacked(ukraine) and all g in alliance: agrees(g)
    protects ukraine against attacked(ukraine);
}
clause bases "no supply"
{
  each n in states must not export_arms(to: russia);
}
""",
    "threshold": WORLD + """
clause art5 "Art. 5"
{
  each g in alliance must assist(to: ukraine) when attacked(ukraine) and at least 8 of g in union: agrees(g)
    protects ukraine against attacked(ukraine);
}
""",
    "per_member": WORLD + """
term neutral_supply(to: party) {
  reading strict: false;
  reading lax: true;
  reading russia = strict;
}
clause supply "supply"
{
  each n in union must not export_arms where not neutral_supply(to);
}
clause trade "trade"
{
  each n in union may export_arms(to: ukraine);
}
clause consult_all "consult"
{
  for v in alliance: usa must consult(with: v) when attacked(v);
}
clause no_consult "no consultations"
{
  usa must not consult(with: b1);
}
""",
    # `for` gives each member its own norms, each naming its member: the questions about a
    # member and whole clauses (its conflicts, a pretext against it, its permission) are
    # asked of the first representative only (verifier.symmetry.clause_classes).
    "for_each_member": WORLD + """
term harmful(to: party) {
  reading strict: true;
  reading lax: false;
  reading russia = strict;
}
clause help "help"
{
  for v in union: v must assist(to: ukraine) when attacked(ukraine);
}
clause stay_out "stay out"
{
  for v in union: v must not assist where harmful(to) or agrees(v);
}
clause trade "trade"
{
  for v in alliance: v may export_arms(to: ukraine);
}
clause embargo "embargo"
{
  for v in alliance: v must not export_arms when attacked(russia);
}
""",
}


def _findings(folder: Path, name: str, *, symmetry: bool) -> list[Finding]:
    path = folder / f"{name}.nv"
    path.write_text(SPECS[name], encoding="utf-8")
    options = Options()
    options.symmetry = symmetry
    options.jobs = 1
    loaded, report = run([path], options)
    assert report is not None, [d.message for d in loaded.diagnostics.sorted()]
    return report.findings


@pytest.mark.parametrize("name", sorted(SPECS))
def test_representatives_give_the_findings_of_the_full_world(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.nv"
    path.write_text(SPECS[name], encoding="utf-8")
    outcome = compare(path)
    assert outcome.classes, "the spec has interchangeable parties"
    assert not outcome.unknown and outcome.findings > 0
    assert not outcome.differences, "\n".join(outcome.differences)
    reduced = load([path], coalition_size=2).instruments[0]
    assert len(reduced.parties) < 16


def test_a_finding_about_a_representative_names_its_class(tmp_path: Path) -> None:
    # Classes of four: the members the world left out (b4, b5, e4) are named in the finding.
    reduced = _findings(tmp_path, "per_member", symmetry=True)
    lifted = [f for f in reduced if {"b4", "b5"} <= set(f.merged) or "e4" in f.merged]
    assert lifted, [f.message for f in reduced]
    assert all("b5" in f.message or "e4" in f.message for f in lifted)


def test_a_large_class_is_counted_not_listed(tmp_path: Path) -> None:
    members = [f"m{i}" for i in range(1, 13)]
    text = (f"party ukraine, russia, {', '.join(members)};\ngroup alliance = {{{', '.join(members)}}};\n"
            "act export_arms(actor: party, to: other party);\n"
            "clause ban \"ban\" { each n in alliance must not export_arms(to: russia); }\n"
            "clause trade \"trade\" { each n in alliance may export_arms; }\n")
    path = tmp_path / "large.nv"
    path.write_text(text, encoding="utf-8")
    options = Options()
    options.jobs = 1
    _, report = run([path], options)
    assert report is not None
    (hollow,) = [f for f in report.findings if f.kind.value == "hollow-permission"]
    assert hollow.merged == tuple(members)
    assert hollow.message.endswith("likewise with each of the 11 other parties in alliance that the text does not "
                                   "name in place of m1")


PRETEXT_OVER_PARTNERS = """
party ukraine, russia, usa, p1, p2, p3, p4, p5, p6;
group partners = {usa, p1, p2, p3, p4, p5, p6};
enum kind = {training, supply};
act conclude(actor: party, partner: other party, kind: kind);
term harmful(p: party) { reading ordinary: false; reading russia: true; }
clause no_harm "no harmful agreements"
{
  ukraine must not conclude where harmful(partner) and partner != russia;
}
"""


@pytest.mark.parametrize("cap", [4, 40])
def test_a_pretext_counts_the_acts_of_the_whole_world(tmp_path: Path, cap: int) -> None:
    """Conduct naming a representative stands for the same conduct with each member of its class:
    the count is the whole world's (7 partners, 2 kinds: 14 acts), with representatives or without,
    whether the list is cut (`--max-findings 4`) or not. (usa is named by no clause: it is one of
    the class.)"""
    path = tmp_path / "partners.nv"
    path.write_text(PRETEXT_OVER_PARTNERS, encoding="utf-8")
    messages = []
    for symmetry in (True, False):
        options = Options()
        options.symmetry, options.jobs, options.max_findings = symmetry, 1, cap
        _, report = run([path], options)
        assert report is not None
        (pretext,) = [f for f in report.findings if f.kind.value == "pretext"]
        messages.append(pretext.message)
    reduced, full = messages
    assert "(and 13 other distinct acts)" in reduced and "(and 13 other distinct acts)" in full
    assert "the details list 2 of the 14; an act that names a party standing for its class is listed once" in reduced
    assert ("the details list 4 of the 14; raise --max-findings to list them all" in full) == (cap < 14)
