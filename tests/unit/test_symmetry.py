"""Interchangeable parties (dsl.symmetry, verifier.symmetry): which parties form a class, how
many stand for it, and the findings through representatives against those of the full world."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import load
from dsl.diagnostics import Diagnostics
from dsl.parser import parse
from dsl.source import SourceFile
from dsl.symmetry import classes, reduce
from verifier.findings import Finding
from verifier.merge import expand
from verifier.pipeline import Options, run
from verifier.symmetry import canonical_coalition

WORLD = """
party ukraine, russia, usa, b1, b2, b3, b4, n1, n2, n3, e1, e2, e3;
group alliance = {usa, b1, b2, b3, b4, n1, n2, n3};
group union = {b1, b2, b3, b4, e1, e2, e3};
group states = {ukraine, russia, usa, b1, b2, b3, b4, n1, n2, n3, e1, e2, e3};
fact attacked(on: party) controlled by on;
fact agrees(g: party) controlled by g;
fact armed_attack(by: party, on: other party) controlled by by;
act assist(actor: party, to: other party);
act export_arms(actor: party, to: other party);
act consult(actor: party, with: other party);
"""


def _specs(text: str) -> list:
    diags = Diagnostics()
    spec = parse(SourceFile.of("t.nv", text), diags)
    assert spec is not None and not diags.has_errors()
    return [spec]


def _classes(text: str, coalition_size: int = 2) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {c.members: c.representatives for c in classes(_specs(text), coalition_size)}


def test_parties_in_the_same_groups_and_never_named_form_a_class() -> None:
    found = _classes(WORLD + "clause c \"c\" { usa must assist(to: ukraine) when attacked(ukraine); }")
    assert found == {("b1", "b2", "b3", "b4"): ("b1", "b2"), ("n1", "n2", "n3"): ("n1", "n2"),
                     ("e1", "e2", "e3"): ("e1", "e2")}


def test_a_party_a_clause_names_is_not_in_a_class() -> None:
    found = _classes(WORLD + "clause c \"c\" { b3 must assist(to: ukraine); }")
    assert ("b1", "b2", "b4") in found and all("b3" not in members for members in found)


def test_a_class_no_larger_than_its_representatives_is_kept_whole() -> None:
    assert ("n1", "n2", "n3") not in _classes(WORLD + "clause c \"c\" { usa must assist(to: ukraine); }",
                                              coalition_size=3)


def test_a_count_needs_one_more_representative_than_its_bound() -> None:
    text = WORLD + "clause c \"c\" { usa must assist(to: ukraine) when at least 2 of g in alliance: agrees(g); }"
    found = _classes(text)
    assert found[("b1", "b2", "b3", "b4")] == ("b1", "b2", "b3")
    assert found[("e1", "e2", "e3")] == ("e1", "e2")  # the count is over the alliance, not the union


def test_a_majority_keeps_every_member_of_its_set() -> None:
    text = WORLD + "clause c \"c\" { usa must assist(to: ukraine) when a majority of g in union: agrees(g); }"
    found = _classes(text)
    assert ("b1", "b2", "b3", "b4") not in found and ("e1", "e2", "e3") not in found
    assert ("n1", "n2", "n3") in found


def test_reducing_leaves_the_representatives_in_the_party_and_group_lists() -> None:
    specs = _specs(WORLD + "clause c \"c\" { usa must assist(to: ukraine); }")
    text_after = repr(reduce(specs, classes(specs, 2))[0].decls)
    for gone in ("b3", "b4", "n3", "e3"):
        assert f"'{gone}'" not in text_after
    for kept in ("b1", "b2", "n1", "n2", "e1", "e2", "usa"):
        assert f"'{kept}'" in text_after


def test_canonical_coalitions_take_representatives_in_order() -> None:
    specs = _specs(WORLD)
    (b,) = [c for c in classes(specs, 3) if c.members[0] == "b1"]
    assert canonical_coalition(("usa", "b1"), [b]) and canonical_coalition(("b1", "b2"), [b])
    assert not canonical_coalition(("usa", "b2"), [b]) and not canonical_coalition(("b1", "b3"), [b])


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
  each g in alliance must assist(to: ukraine) when attacked(ukraine) and at least 2 of g in alliance: agrees(g)
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
}


def _findings(folder: Path, name: str, *, symmetry: bool) -> tuple[list[Finding], list[str]]:
    path = folder / f"{name}.nv"
    path.write_text(SPECS[name], encoding="utf-8")
    options = Options()
    options.symmetry = symmetry
    options.jobs = 1
    loaded, report = run([path], options)
    assert report is not None, [d.message for d in loaded.diagnostics.sorted()]
    parties = list(loaded.instruments[0].parties)
    return report.findings, parties


def _per_party(findings: list[Finding], classes_: dict[str, str]) -> set[tuple[str, tuple[str, ...], str]]:
    """(kind, clauses, who) for each party a finding stands for; a coalition with each member
    replaced by its class's canonical name (the k-th member of a class met, in order)."""
    out = set()
    for f in findings:
        for one in expand(f):
            if one.coalition:
                seen: dict[str, int] = {}
                who = []
                for m in one.coalition:
                    c = classes_.get(m)
                    if c is None:
                        who.append(m)
                    else:
                        seen[c] = seen.get(c, 0) + 1
                        who.append(f"{c}#{seen[c]}")
                out.add((one.kind.value, tuple(c.id for c in one.clauses), "+".join(sorted(who))))
            else:
                out.add((one.kind.value, tuple(c.id for c in one.clauses), one.party or ""))
    return out


@pytest.mark.parametrize("name", sorted(SPECS))
def test_representatives_give_the_findings_of_the_full_world(tmp_path: Path, name: str) -> None:
    full, _ = _findings(tmp_path, name, symmetry=False)
    reduced, parties = _findings(tmp_path, name, symmetry=True)
    loaded = load([tmp_path / f"{name}.nv"], coalition_size=2)
    found = loaded.instruments[0].symmetry
    assert found, "the spec has interchangeable parties"
    assert len(parties) < 13
    by_member = {m: c.members[0] for c in found for m in c.members}
    assert _per_party(reduced, by_member) == _per_party(full, by_member)
    assert len(reduced) <= len(full)


def test_a_finding_about_a_representative_names_its_class(tmp_path: Path) -> None:
    reduced, _ = _findings(tmp_path, "per_member", symmetry=True)
    lifted = [f for f in reduced if "that the text does not name" in f.message]
    assert lifted, [f.message for f in reduced]
    for f in lifted:
        assert {"b3", "b4"} <= set(f.merged) or {"e3"} <= set(f.merged) or {"n3"} <= set(f.merged)
