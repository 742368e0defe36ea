"""`nverify negotiate`: known answers, clashing goals, objectives, and scale without enumeration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dsl import load
from dsl.model import Goal, Instrument
from tests.oracle.negotiate_compare import compare_negotiation
from verifier.cli import main
from verifier.findings import Finding
from verifier.negotiate import Draft, NegotiationResult, Negotiator, free_figures, negotiate

BASE = """
instrument n "Negotiation test";
party ukraine, russia, usa;
group guarantors = {russia, usa};
fact armed_attack(by: party, on: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
quantity personnel(p: party) controlled by p;
assume not armed_attack(by: ukraine, on: ukraine);
clause art5 "Art. 5" {
  each g in guarantors must assist(to: ukraine)
    when armed_attack(on: ukraine) and [russia: all h in guarantors: agrees(h)]
    protects ukraine against armed_attack(on: ukraine);
}
clause caps "Annex" { limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000]; }
"""


def run(tmp: Path, goals: str) -> NegotiationResult:
    path = tmp / "n.nv"
    path.write_text(BASE + goals, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), loaded.diagnostics.sorted()
    return negotiate(loaded.instruments[0])


def test_agreement_zone_and_range(tmp_path: Path) -> None:
    result = run(tmp_path, """
goal ukraine: no blockable-guarantee on art5;
goal ukraine: possible personnel(ukraine) >= 150000;
goal russia: always personnel(ukraine) <= 200000;
""")
    assert result.status == "agreement"
    assert all(dict(d.labels)["art5#1"] == "base" for d in result.zone)
    assert result.agreed_ranges["caps#1"] == (150000, 200000)


def test_objective_finds_the_highest_cap(tmp_path: Path) -> None:
    result = run(tmp_path, """
goal ukraine: no blockable-guarantee on art5;
goal russia: always personnel(ukraine) <= 180000;
maximize personnel(ukraine);
""")
    assert result.best is not None
    assert result.best.objective == 180000
    assert dict(result.best.numbers)["caps#1"] >= 180000 or result.best.objective == 180000


# Two clashes: the army's size, and the veto.
CLASHING = """
goal ukraine "no veto": no blockable-guarantee on art5;
goal ukraine "army": possible personnel(ukraine) >= 150000;
goal russia "small army": always personnel(ukraine) <= 100000;
goal russia "veto": some blockable-guarantee on art5 by russia;
"""


def test_clashing_goals_are_named_minimally(tmp_path: Path) -> None:
    result = run(tmp_path, CLASHING)
    assert result.status == "no agreement"
    clashes = sorted(sorted(g.label for g in c) for c in result.clashes)
    assert clashes == [["army", "small army"], ["no veto", "veto"]]


def test_a_set_of_goals_left_undecided_says_more_clashes_may_exist(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Campaign seed 5686: past the limit of candidate drafts, the search for clashes skipped a
    set of goals it could not decide and listed the others as if they were all."""
    solve = Negotiator.solve

    def undecided(self: Negotiator, goals: list[int], *args: Any, **kw: Any) -> tuple[str, Draft | None, list[int]]:
        return ("unknown", None, []) if sorted(goals) == [0, 1, 3] else solve(self, goals, *args, **kw)

    monkeypatch.setattr(Negotiator, "solve", undecided)
    result = run(tmp_path, CLASHING)
    assert result.status == "no agreement"
    assert ["army", "small army"] in sorted(sorted(g.label for g in c) for c in result.clashes)
    assert "more clashes may exist" in result.reason


def test_a_search_cut_short_by_the_limit_of_candidates_says_so(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Campaign seed 6001: an `unknown` after the last candidate draft said the solver gave up."""
    monkeypatch.setattr("verifier.negotiate.MAX_ROUNDS", 1)
    result = run(tmp_path, """
goal ukraine "no veto": no blockable-guarantee on art5;
goal russia "small army": always personnel(ukraine) <= 100000;
""")
    assert result.status == "unknown"
    assert result.reason == "no draft settled it in 1 candidate drafts"


def test_goals_that_agree_trivially(tmp_path: Path) -> None:
    result = run(tmp_path, "goal ukraine: possible personnel(ukraine) >= 1;\n")
    assert result.status == "agreement"


def test_twenty_brackets_without_enumerating(tmp_path: Path) -> None:
    # 20 independent bracketed conditions (2^20 drafts); one goal touches one clause.
    lines = ["instrument big \"Twenty brackets\";", "party ukraine, russia, usa;",
             "fact f(p: party);", "act a(actor: party, n: party);"]
    for i in range(20):
        lines.append(f'clause c{i} "Art. {i}" {{ ukraine must not a(n: usa) when f(usa) and [russia: f(russia)]; }}')
    lines.append("goal ukraine: no contradiction;")
    lines.append("goal russia: always not a(ukraine, usa) or not f(usa) or not f(russia);")
    path = tmp_path / "big.nv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = negotiate(load([path]).instruments[0])
    assert result.status == "agreement"
    assert result.rounds < 200  # far fewer candidates than the 1,048,576 drafts


def test_cli(tmp_path: Path) -> None:
    path = tmp_path / "n.nv"
    path.write_text(BASE + "goal ukraine: no blockable-guarantee on art5;\n", encoding="utf-8")
    ok = CliRunner().invoke(main, ["negotiate", "--format", "json", str(path)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["status"] == "agreement"
    path.write_text(BASE, encoding="utf-8")
    none = CliRunner().invoke(main, ["negotiate", str(path)])
    assert none.exit_code == 2 and "no `goal`" in none.stderr


def test_example_26() -> None:
    result = negotiate(load([Path("examples/26_negotiation.nv")]).instruments[0])
    assert result.status == "agreement"
    assert result.best is not None and result.best.objective == 200000


def test_a_bracketed_delay_is_negotiated_day_by_day() -> None:
    """Example 39: Ukraine wants help within 3 days, Russia two days to consult; every
    figure from 3 to 7 is tried, and only 3 meets both."""
    result = negotiate(load([Path("examples/39_negotiating_a_delay.nv")]).instruments[0])
    assert result.status == "agreement"
    assert result.ranges == {"art5#1": (3, 7)}
    assert result.agreed_ranges == {"art5#1": (3, 3)}


# ---- figures no check reads ------------------------------------------------------------------

def _instrument(tmp: Path, text: str) -> Instrument:
    path = tmp / "f.nv"
    path.write_text(text, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), loaded.diagnostics.sorted()
    return loaded.instruments[0]


def test_a_cap_on_a_quantity_nothing_else_mentions_is_a_free_figure(tmp_path: Path) -> None:
    assert free_figures(_instrument(tmp_path, BASE)) == {"caps#1"}
    # The quantity in another clause, in an assumption, or in a second comparison: the figure counts.
    elsewhere = 'clause floor "Floor" { limit personnel(ukraine) >= 90000; }\n'
    assert free_figures(_instrument(tmp_path, BASE + elsewhere)) == set()
    assert free_figures(_instrument(tmp_path, BASE + "assume personnel(ukraine) >= 1;\n")) == set()
    assert free_figures(_instrument(tmp_path, BASE + "assume personnel(usa) >= 1;\n")) == set()  # (by name)
    two = BASE.replace("<= [russia: 85000 | ukraine: 250000];",
                       "<= [russia: 85000 | ukraine: 250000];\n  limit personnel(ukraine) >= [russia: 1 | ukraine: 2];")
    assert free_figures(_instrument(tmp_path, two)) == set()
    # A figure of 0 cannot make `<=` false for a quantity, which is never below 0.
    assert free_figures(_instrument(tmp_path, BASE.replace("85000", "0"))) == set()


def test_brackets_the_checks_never_read_are_not_tried_one_by_one(tmp_path: Path) -> None:
    """Twelve bracketed permissions (4,096 drafts) and a goal for a contradiction that no draft
    has: whatever a candidate chooses in brackets the contradiction check never reads, it
    answers alike, so the search proves that no draft meets the goal instead of giving up
    after 300 candidates (campaign seeds 8121 and 8139)."""
    lines = ['instrument perm "Permissions in brackets";', "party ukraine, russia, usa;",
             "fact f(p: party);", "act a(actor: party, n: party);"]
    lines += [f'clause c{i} "Art. {i}" {{ ukraine may a(n: usa) when f(usa) and [russia: f(russia)]; }}'
              for i in range(12)]
    lines += ['clause d "Art. 20" { ukraine must not a(n: russia); }', "goal ukraine: some contradiction;"]
    path = tmp_path / "perm.nv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = negotiate(load([path]).instruments[0])
    assert result.status == "no agreement" and result.rounds < 10


def test_a_finding_on_a_clause_depends_on_the_brackets_of_the_clause_that_overrides_it(tmp_path: Path) -> None:
    """Campaign seed 10388: the guarantee of Art. 1 never triggers where Art. 2's bracket makes
    everyone refrain from act2, since Art. 2 overrides Art. 1. The vacuous guarantee is a finding
    on Art. 1 alone, yet it goes with Art. 2's choice: the draft without Art. 2's bracketed
    norms meets the goal (the lemma once forbade Art. 1's choices only, and found no draft)."""
    text = """
party pa, pb;
act act2(actor: party);
clause c1 "Art. 1" {
  [pa:  | pb: ]
  pa must act2() protects pb against act2(pa);
}
clause c2 "Art. 2" overrides c1 {
  [pb: each v in party must not act2;]
}
goal pb: no vacuous-guarantee;
"""
    path = tmp_path / "n.nv"
    path.write_text(text, encoding="utf-8")
    result = negotiate(load([path]).instruments[0])
    assert result.status == "agreement"
    outcome = compare_negotiation(text)
    assert not outcome.disagreements, outcome.disagreements


def test_a_finding_goal_is_checked_once_per_choice_of_alternatives(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap's figure occurs in no check of the guarantee: the bisections over the figure do
    not run the blockable-guarantee check again for each figure they try."""
    checked: list[Draft] = []
    original = Negotiator._findings

    def counted(self: Negotiator, g: Goal, draft: Draft) -> list[Finding] | str:
        checked.append(draft)
        return original(self, g, draft)

    monkeypatch.setattr(Negotiator, "_findings", counted)
    result = run(tmp_path, """
goal ukraine: no blockable-guarantee on art5;
goal ukraine: possible personnel(ukraine) >= 150000;
goal russia: always personnel(ukraine) <= 200000;
maximize personnel(ukraine);
""")
    assert result.status == "agreement" and result.agreed_ranges["caps#1"] == (150000, 200000)
    assert len(checked) == len({d.labels for d in checked}) <= 4


def test_a_figure_a_check_reads_is_learnt_figure_by_figure(tmp_path: Path) -> None:
    """A floor in another clause makes the cap's figure matter to the contradiction check: the
    range found is still exact (and the oracle, which tries every figure, agrees)."""
    text = BASE.replace("85000", "80").replace("250000", "130") + """
clause floor "Floor" { limit personnel(ukraine) >= 100; }
goal ukraine: no contradiction;
goal russia: always personnel(ukraine) <= 120;
"""
    path = tmp_path / "n.nv"
    path.write_text(text, encoding="utf-8")
    result = negotiate(load([path]).instruments[0])
    assert result.status == "agreement" and result.agreed_ranges["caps#1"] == (100, 120)
    outcome = compare_negotiation(text)
    assert not outcome.disagreements, outcome.disagreements


def test_cheap_goals_first_and_no_finding_check_on_a_draft_they_reject(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[Draft] = []
    original = Negotiator._findings

    def counted(self: Negotiator, g: Goal, draft: Draft) -> list[Finding] | str:
        checked.append(draft)
        return original(self, g, draft)

    monkeypatch.setattr(Negotiator, "_findings", counted)
    n = Negotiator(_instrument(tmp_path, BASE + """
goal ukraine: no blockable-guarantee on art5;
goal russia: always personnel(ukraine) <= 50000;
"""))
    status, _, core = n.solve([0, 1])
    assert status == "unsat" and core == [1]  # every cap is at least 85,000
    assert checked == []  # the candidates that failed the `always` goal were not checked for a veto
