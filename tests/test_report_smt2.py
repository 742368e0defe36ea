"""--emit-smt2 DIR: every emitted query replays with the `z3` binary and gives nverify's answer."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.report_support import DATA, fixture_specs, nverify, write_kind_examples, z3_binary
from verifier.findings import FindingKind

ANSWER = re.compile(r"^; nverify answer: (sat|unsat|unknown)\b", re.MULTILINE)
SIDE = re.compile(r"^; nverify side query \d+ after query \d+ on \S+ \((solver|optimize)\): ")


def _replay(z3: Path, path: Path) -> list[str]:
    proc = subprocess.run([str(z3), "-T:60", str(path)], check=False, capture_output=True, text=True, timeout=90)
    return [line for line in proc.stdout.splitlines() if not line.startswith(";")]  # an Optimize's comments


@pytest.fixture(scope="module")
def z3() -> Path:
    binary = z3_binary()
    if binary is None:
        pytest.skip("no z3 binary next to the interpreter (the z3-solver wheel installs one)")
    return binary


def test_emitted_queries_replay_with_the_same_answers(z3: Path, tmp_path: Path) -> None:
    (tmp_path / "kinds").mkdir()
    examples = write_kind_examples(tmp_path / "kinds")
    specs = [*fixture_specs(), *(p for k, p in examples.items() if k is not FindingKind.UNKNOWN)]
    folder = tmp_path / "smt2"
    proc = nverify("--emit-smt2", folder, *specs)
    assert proc.returncode in (0, 1), proc.stderr
    files = sorted(folder.glob("*.smt2"))
    assert len(files) > 50
    answers = {"sat": 0, "unsat": 0}
    sides = {"solver": 0, "optimize": 0}
    for path in files:
        text = path.read_text(encoding="utf-8")
        recorded = ANSWER.search(text)
        assert recorded, f"{path.name} does not record nverify's answer"
        side = SIDE.match(text)
        if side:  # a search's own solver (guesses, MUS map) or a witness minimisation
            assert re.fullmatch(r".+-\d{4}-side\d+\.smt2", path.name), path.name
            # (a search that looks under assumptions first asks check-sat-assuming)
            assert text.rstrip().endswith("(check-sat)") or "(check-sat-assuming (" in text.rstrip().splitlines()[-1]
            sides[side.group(1)] += 1
        else:
            assert "(check-sat-assuming (" in text
        if recorded.group(1) == "unknown":
            continue
        out = _replay(z3, path)
        assert out and out[0] == recorded.group(1), f"{path.name}: nverify said {recorded.group(1)}, z3 says {out[:2]}"
        answers[recorded.group(1)] += 1
        if recorded.group(1) == "unsat" and not side:
            assert text.rstrip().endswith("(get-unsat-core)")
            assert len(out) > 1 and out[1].startswith("("), f"{path.name}: no unsat core printed"
    assert answers["sat"] and answers["unsat"], answers
    assert sides["solver"] and sides["optimize"], sides


def test_unknown_answers_are_recorded_with_their_reason(tmp_path: Path) -> None:
    examples = write_kind_examples(tmp_path)
    folder = tmp_path / "smt2"
    proc = nverify("--rlimit", "1", "--emit-smt2", folder, examples[FindingKind.UNKNOWN])
    assert proc.returncode == 1, proc.stderr
    recorded = [ANSWER.search(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.smt2"))]
    assert recorded and all(r is not None for r in recorded)
    assert any(r.group(1) == "unknown" for r in recorded if r)


def test_emitted_file_names_and_header(tmp_path: Path) -> None:
    folder = tmp_path / "smt2"
    nverify("--emit-smt2", folder, DATA / "drafts.nv")
    first = folder / "drafts-0001.smt2"
    assert first.is_file()
    head = first.read_text(encoding="utf-8").splitlines()[:4]
    assert re.match(r"; nverify query 1 on drafts \(solver of .+\): \S", head[0]), head[0]
    assert ANSWER.match(head[1])
    assert head[2] == "(set-option :random-seed 0)"
