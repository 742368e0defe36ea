"""Ranked instruments: a finding between them states their ranks, and draws no consequence."""

from __future__ import annotations

from pathlib import Path

from dsl import load
from verifier.pipeline import Options, check_instrument


def test_the_ranks_are_stated_as_facts(tmp_path: Path) -> None:
    (tmp_path / "world.nv").write_text("party ukraine, nato;\nact join(actor: party, org: party);\n", encoding="utf-8")
    (tmp_path / "treaty.nv").write_text('instrument treaty "Treaty" rank 1;\nimport "world.nv";\n'
                                        'clause t "Art. 1" { ukraine must not join(org: nato); }\n', encoding="utf-8")
    (tmp_path / "constitution.nv").write_text('instrument constitution "Constitution" rank 2;\nimport "world.nv";\n'
                                              'clause c "Art. 102" { ukraine must join(org: nato); }\n', encoding="utf-8")
    regime = tmp_path / "regime.nv"
    regime.write_text('import "treaty.nv";\nimport "constitution.nv";\nexpect contradiction on t, c;\n', encoding="utf-8")
    findings, _, _ = check_instrument(load([regime]).instruments[0], Options())
    contradiction = next(f for f in findings if f.kind.value == "contradiction")
    assert contradiction.message.endswith("; in this regime, constitution has rank 2 and treaty rank 1")
    assert "prevail" not in contradiction.message and "give way" not in contradiction.message


def test_equal_ranks_say_nothing_about_precedence(tmp_path: Path) -> None:
    spec = tmp_path / "one.nv"
    spec.write_text('party ukraine, nato;\nact join(actor: party, org: party);\n'
                    'clause t "Art. 1" { ukraine must not join(org: nato); }\n'
                    'clause c "Art. 2" { ukraine must join(org: nato); }\n', encoding="utf-8")
    findings, _, _ = check_instrument(load([spec]).instruments[0], Options())
    assert all("rank" not in f.message for f in findings)
