"""`nverify diff`: known answers on small texts, both directions, and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from verifier.cli import main
from verifier.diff import Difference, SideSpec, compare

WORLD = """
party ukraine, usa;
enum kind = {alliance, training};
act conclude(actor: party, partner: party, kind: kind);
"""


def write(tmp: Path, name: str, body: str) -> Path:
    path = tmp / name
    path.write_text(WORLD + body, encoding="utf-8")
    return path


def relation(tmp: Path, a: str, b: str) -> tuple[str, list[str]]:
    pa, pb = write(tmp, "a.nv", a), write(tmp, "b.nv", b)
    result, _ = compare(SideSpec(pa, None), SideSpec(pb, None))
    assert result is not None
    return result.verdicts[0].relation, [d.direction for d in result.differences]


def test_same_meaning_different_wording_is_proved_equivalent(tmp_path: Path) -> None:
    a = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }'
    b = 'clause c "Art. 1" { ukraine must not conclude where kind == alliance; }'
    rel, diffs = relation(tmp_path, a, b)
    assert rel == "equivalent"
    assert diffs == []


def test_adding_a_prohibition_makes_b_stricter(tmp_path: Path) -> None:
    a = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }'
    b = 'clause c "Art. 1" { ukraine must not conclude; }'
    rel, diffs = relation(tmp_path, a, b)
    assert rel == "stricter"
    assert "conduct compliant with A becomes a breach in B" in diffs


def test_removing_a_prohibition_makes_b_more_permissive(tmp_path: Path) -> None:
    a = 'clause c "Art. 1" { ukraine must not conclude; }'
    b = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }'
    rel, _ = relation(tmp_path, a, b)
    assert rel == "more permissive"


def test_swapping_prohibitions_is_incomparable_with_a_witness_each_way(tmp_path: Path) -> None:
    a = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }'
    b = 'clause c "Art. 1" { ukraine must not conclude(kind: training); }'
    pa, pb = write(tmp_path, "a.nv", a), write(tmp_path, "b.nv", b)
    result, _ = compare(SideSpec(pa, None), SideSpec(pb, None))
    assert result is not None
    verdict = result.verdicts[0]
    assert verdict.relation == "incomparable"
    assert verdict.a_not_b is not None and verdict.b_not_a is not None
    assert verdict.a_not_b.acts == ("conclude(ukraine, ukraine, training)",) or \
        any("training" in a for a in verdict.a_not_b.acts)
    assert any("alliance" in a for a in verdict.b_not_a.acts)


def test_new_permission_is_reported(tmp_path: Path) -> None:
    a = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }'
    b = 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); ukraine may conclude(kind: training); }'
    _, diffs = relation(tmp_path, a, b)
    assert "permitted in B, not in A" in diffs


def test_drafts_of_one_file(tmp_path: Path) -> None:
    spec = write(tmp_path, "d.nv", 'clause c "Art. 1" { ukraine must not conclude where '
                                   '[base: kind == alliance | usa: true]; }')
    result, _ = compare(SideSpec.parse(f"{spec}@base"), SideSpec.parse(f"{spec}@usa"))
    assert result is not None
    assert result.verdicts[0].relation == "stricter"


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    a = write(tmp_path, "a.nv", 'clause c "Art. 1" { ukraine must not conclude(kind: alliance); }')
    b = write(tmp_path, "b.nv", 'clause c "Art. 1" { ukraine must not conclude where kind == alliance; }')
    same = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert same.exit_code == 0, same.output
    assert "no change in meaning" in same.stdout
    c = write(tmp_path, "c.nv", 'clause c "Art. 1" { ukraine must not conclude; }')
    changed = CliRunner().invoke(main, ["diff", "--format", "json", str(a), str(c)])
    assert changed.exit_code == 1
    data = json.loads(changed.stdout)
    assert data["changed"] is True and data["verdicts"][0]["relation"] == "stricter"


def test_cli_bad_input_is_exit_2(tmp_path: Path) -> None:
    a = write(tmp_path, "a.nv", 'clause c "Art. 1" { ukraine shall conclude; }')
    result = CliRunner().invoke(main, ["diff", str(a), str(a)])
    assert result.exit_code == 2
    assert "a.nv:" in result.stderr and "Traceback" not in result.output


def test_cli_errors_in_both_sides_are_all_shown_and_counted(tmp_path: Path) -> None:
    a = write(tmp_path, "a.nv", 'clause c "Art. 1" { ukraine shall conclude; }')
    b = tmp_path / "b.nv"
    b.write_text("party b;;\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in lines if "error[" in line] == ["a.nv", "b.nv"]
    assert lines[-1] == "nverify: 2 errors in the input; nothing was compared"
    assert result.stdout == ""


@pytest.mark.parametrize("side", ["examples/diff/earlier.nv", "examples/diff/later.nv"])
def test_example_sides_load(side: str) -> None:
    assert Path(side).exists()


TIMED = """
instrument t "Timed";
time day 0..8;
party ukraine, usa, uk;
group guarantors = {usa, uk};
fact attack(on: party);
act assist(actor: party, to: other party);
clause art5 "Art. 5" { each g in guarantors must assist(to: ukraine) within DAYS of attack(ukraine); }
"""


def delays(tmp: Path, a: int, b: int) -> list[Difference]:
    pa, pb = tmp / "a.nv", tmp / "b.nv"
    pa.write_text(TIMED.replace("DAYS", str(a)), encoding="utf-8")
    pb.write_text(TIMED.replace("DAYS", str(b)), encoding="utf-8")
    result, _ = compare(SideSpec(pa, None), SideSpec(pb, None))
    assert result is not None
    return [d for d in result.differences if d.aspect == "delay"]


def test_a_longer_delay_is_said_with_a_timeline_where_the_act_comes_late(tmp_path: Path) -> None:
    (d,) = delays(tmp_path, 3, 7)
    assert d.direction == "longer delay in B"
    assert d.message.startswith("art5: B lets usa and uk wait 7 days instead of 3 to assist")
    assert d.scenario is not None
    steps = dict(d.scenario.timeline)
    attack = next(int(s.split()[1]) for s, items in steps.items() if "attack(ukraine)" in items)
    helped = [int(s.split()[1]) for s, items in steps.items() if any(i.startswith("assist(") for i in items)]
    # Late for three days, in time for seven, and due within the timeline in both texts.
    assert helped and all(attack + 3 < t <= attack + 7 for t in helped) and attack + 7 <= 8


def test_a_shorter_delay_and_the_same_delay(tmp_path: Path) -> None:
    (d,) = delays(tmp_path, 7, 3)
    assert d.direction == "shorter delay in B"
    assert d.message.startswith("art5: B gives usa and uk 3 days instead of 7 to assist")
    assert delays(tmp_path, 3, 3) == []


def test_a_witness_says_whom_a_representative_stands_for(tmp_path: Path) -> None:
    """Parties that neither text names are compared through representatives: a witness that
    names one says which parties it stands for (text and JSON); one that names none says nothing."""
    head = ('instrument t "T";\nparty ukraine, russia, p1, p2, p3, p4, p5;\ngroup guarantors = {p1, p2, p3, p4, p5};\n'
            'act assist(actor: party, to: other party);\n'
            'clause d "Art. 2" { ukraine must not assist(to: russia); }\n')
    a, b = tmp_path / "a.nv", tmp_path / "b.nv"
    a.write_text(head + 'clause c "Art. 1" { each g in guarantors must not assist(to: russia); }\n', encoding="utf-8")
    b.write_text(head, encoding="utf-8")
    note = "p1 stands for any of the 5 parties in guarantors that neither text names"
    result, _ = compare(SideSpec(a, None), SideSpec(b, None))
    assert result is not None
    scenarios = [result.verdicts[0].b_not_a, *(d.scenario for d in result.differences)]
    assert [(s.acts, s.stands_for) for s in scenarios if s is not None] == [(("assist(p1, russia)",), (note,))] * 3
    text = CliRunner().invoke(main, ["diff", str(a), str(b)]).output
    assert text.count(f"({note})") == 3
    run = CliRunner().invoke(main, ["diff", "--format", "json", str(a), str(b)])
    assert json.loads(run.output)["differences"][0]["scenario"]["stands_for"] == [note]
    # ukraine's own act names no representative.
    b.write_text(head.replace('ukraine must not assist(to: russia)', 'russia must not assist(to: ukraine)'),
                 encoding="utf-8")
    a.write_text(head, encoding="utf-8")
    result, _ = compare(SideSpec(a, None), SideSpec(b, None))
    assert result is not None and result.differences
    assert all(d.scenario is None or d.scenario.stands_for == () for d in result.differences)
