"""The corpus's scenarios are ones a lawyer can show: no party acts towards itself.

Every act and fact a finding of `nverify --format json specs/` names (in its scenario and
in its message) is read back; none may have its actor (an attacker, a belligerent) also as
its partner, foreign party, recipient or target. The corpus says so with `other party` in
specs/vocabulary.nv and specs/diff/world.nv; this test finds a declaration that forgot it.
"""

from __future__ import annotations

import json
import re

from tests.golden import run_cli

# A state may bring its own case to the Security Council (`seek_unsc_action(ukraine, ukraine)`).
SELF_DIRECTED = {"seek_unsc_action"}
ATOM = re.compile(r"\b([a-z][a-z0-9_]*)\(([^()]*)\)")


def _self_directed(text: str) -> list[str]:
    """The atoms in text (`assist(uk, to: uk, means: weapons)`, `at_war(uk, uk)`) whose first
    argument comes back among the others."""
    out = []
    for name, args in ATOM.findall(text):
        values = [a.split(":")[-1].strip() for a in args.split(",") if a.strip()]
        if name not in SELF_DIRECTED and len(values) > 1 and values[0] in values[1:]:
            out.append(f"{name}({args})")
    return out


def _self_directed_in_report(folder: str) -> tuple[int, list[str]]:
    """How many scenario atoms `nverify --format json FOLDER` shows, and the self-directed ones."""
    run = run_cli(["--format", "json", folder])
    assert run.exit_code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    seen = 0
    bad = []
    for f in report["findings"]:
        scenario = f.get("scenario") or {}
        texts = [f["message"], *scenario.get("facts", ()), *scenario.get("acts", ()),
                 *(str(v) for v in (f.get("details") or {}).values())]
        seen += len(scenario.get("acts", ())) + len(scenario.get("facts", ()))
        bad += [f"{f['file']}: {atom} in {f['message']!r}" for t in texts for atom in _self_directed(t)]
    return seen, bad


def test_no_scenario_has_a_party_acting_towards_itself(in_root: None) -> None:
    seen, bad = _self_directed_in_report("specs/")
    assert seen > 50  # (the corpus's scenarios were read)
    assert not bad, "\n".join(bad)


def test_nor_in_the_examples(in_root: None) -> None:
    seen, bad = _self_directed_in_report("examples/")
    assert seen > 10
    assert not bad, "\n".join(bad)


def test_the_reader_of_atoms() -> None:
    assert _self_directed("russia can claim that uk breaches Art. 6 by assist(uk, to: uk, means: weapons)")
    assert _self_directed("facts: at_war(ukraine, ukraine)")
    assert not _self_directed("assist(uk, to: russia, means: intelligence), seek_unsc_action(ukraine, ukraine)")
