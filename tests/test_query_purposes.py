"""Every solver query says what it is for: the purpose in each `--emit-smt2` script's header.

A reader of the SMT-LIB scripts (or of a slow run's `-v` output) finds a query by its
purpose, so the purposes are part of the output. Mutation testing found none of them
checked (docs/trust.md): this runs the examples of every check and compares the set
of purposes with the one each check states.
"""

from __future__ import annotations

import re
from pathlib import Path

from verifier.pipeline import Options, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["14_contradiction", "15_conflict", "16_hollow_permission", "17_scenario_and_assert", "20_pretext",
            "21_blockable_guarantee", "22_vacuous_guarantee", "23_vetoed_permission",
            "28_protection_gap", "29_self_granted_permission", "30_excuse", "32_unanswered_deadline"]
HEADER = re.compile(r"^; nverify (?:side )?query \d+ (?:after query \d+ )?on \S+ "
                    r"\((?:solver of (?:\([^()]*\)|[^()]+)|solver|optimize)\): (.+)$")
PURPOSES = {
    "contradiction: the stated situation alone", "contradiction: all clauses", "contradiction: MARCO seed",
    "contradiction: grow", "contradiction: MARCO map", "core minimisation", "minimal witness",
    "conflict: situation core", "conflict: a contradiction?", "conflict: a smaller one?",
    "exists-forall: a first inner choice", "exists-forall: inner check", "exists-forall: guess",
    "hollow-permission: can the permission apply?", "hollow-permission: always blocked?",
    "hollow-permission: can the act be done?", "hollow-permission: situation core",
    "vetoed permission: can any coalition? guess", "vetoed permission: can any coalition? inner check",
    "pretext by russia via no_harm (harms_security)",
    "blockable-guarantee: can it answer E?",
    "blockable-guarantee: can any coalition? guess",
    "blockable-guarantee: can any coalition? inner check",
    "vacuous-guarantee: can art5 trigger when its event happens?",
    "vacuous-guarantee: can guarantee trigger when its event happens?",
    "scenario attack_answered", "scenario quiet",
    "assert answered", "assert recognised", "assert ukraine_never_attacks",
    "unanswered-deadline: can belligerent miss the deadline of art12 unanswered?",
    "canonical witness", "exists-forall: canonical guess", "exists-forall: canonical inner check",
    "self-granted permission: ever out of force?", "self-granted permission: the choice",
    "self-granted permission: can any coalition? guess", "self-granted permission: can any coalition? inner check",
    "every choice: guess", "every choice: can the refuting choice be made regardless?",
    "excuse of russia via art3 (necessary_measures)", "pretext by russia via art3 (necessary_measures)",
}
# Not among them: "vetoed permission: exercisable at all?". It is the hollow-permission check's
# question whether the act is always blocked, with the same assumptions, and is answered from
# there (`Session.status`): it reaches a solver only where that check did not ask it
# (tests/unit/checks/test_blocked_permission_mutants.py).


def test_every_query_of_the_examples_states_its_check_and_question(tmp_path: Path) -> None:
    seen: set[str] = set()
    for name in EXAMPLES:
        folder = tmp_path / name
        run([ROOT / "examples" / f"{name}.nv"], Options(smt2_dir=folder, jobs=1))
        for script in folder.glob("*.smt2"):
            header = script.read_text(encoding="utf-8").splitlines()[0]
            match = HEADER.match(header)
            assert match is not None, f"{script.name}: {header}"
            seen.add(match.group(1))
    assert seen == PURPOSES
