"""verifier/registry.py is the one list of finding kinds and checks: everything else follows it.

A kind lacking its doc, example or explain entry fails here with a message naming the kind
and the part; so does a grammar, editor grammar or README that lists other kinds.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from verifier import kinds, registry
from verifier.findings import FindingKind
from verifier.registry import CHECKS, KINDS, PATTERN_KINDS, Check, Kind

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import readme_runs  # noqa: E402


def test_every_kind_has_one_record() -> None:
    recorded = [k.kind for k in KINDS]
    assert len(recorded) == len(set(recorded)), "a kind is recorded twice"
    assert set(recorded) == set(FindingKind), f"kinds without a record: {set(FindingKind) - set(recorded)}"
    for check in CHECKS:
        assert check.kinds, f"check {check.name} reports no kind"


@pytest.mark.parametrize("entry", KINDS, ids=lambda k: k.kind.value)
def test_every_kind_is_complete(entry: Kind) -> None:
    assert kinds.missing(entry) == []


@pytest.mark.parametrize(("change", "part"), [
    ({"summary": ""}, "no summary (the explain entry)"),
    ({"example": "  \n"}, "no example spec (the explain entry)"),
    ({"docs": "no-such-section"}, "no `### no-such-section` section in docs/language.md (its doc)"),
])
def test_an_entry_missing_a_part_names_the_kind_and_the_part(change: dict[str, Any], part: str) -> None:
    broken = dataclasses.replace(registry.kind(FindingKind.PRETEXT), **change)
    assert kinds.missing(broken) == [f"pretext: {part}"]


def test_a_kind_without_a_check_needs_its_own_sections() -> None:
    broken = dataclasses.replace(registry.kind(FindingKind.UNKNOWN), sections=())
    assert kinds.missing(broken) == [f'unknown: no "{h}" in its check\'s docstring or its sections (its doc)'
                                     for h in kinds.REQUIRED]


def test_a_check_without_its_module_or_example_is_named() -> None:
    entry = registry.kind(FindingKind.PRETEXT)
    checks = (Check("no_such_check", (FindingKind.PRETEXT,), group="pretexts"),)
    problems = kinds.missing(entry, checks)
    assert "pretext: check no_such_check has no module verifier.checks.no_such_check with a `run`" in problems
    assert "pretext: its check's docstring names no example under examples/ (its example)" in problems


def test_groups_follow_the_records() -> None:
    assert [i for group in registry.GROUPS for i in group] == list(range(len(CHECKS)))
    # A check reading findings of another group, or a group split in two, is refused.
    reader = Check("conflict", (FindingKind.CONFLICT,), group="elsewhere", reads=(FindingKind.CONTRADICTION,))
    with pytest.raises(ValueError, match="conflict reads contradiction"):
        registry.groups((CHECKS[0], reader))
    with pytest.raises(ValueError, match="not one run of consecutive checks"):
        registry.groups((CHECKS[0], CHECKS[4], CHECKS[1]))


def test_negotiation_runs_the_checks_reporting_the_kind_and_those_they_read() -> None:
    assert [c.name for c in registry.checks_for(FindingKind.HOLLOW_PERMISSION)] == [
        "hollow_permission", "blocked_permission"]
    assert [c.name for c in registry.checks_for(FindingKind.CONFLICT)] == ["contradiction", "conflict"]
    assert [c.name for c in registry.checks_for(FindingKind.BLOCKABLE_GUARANTEE)] == ["blockable_guarantee"]
    assert registry.checks_for(FindingKind.CONTRADICTION) == CHECKS[:1]


# ---- the grammar accepts exactly the registry's kinds ----------------------------------------

def _load(tmp_path: Path, pattern: str) -> list[str]:
    spec = tmp_path / "k.nv"
    spec.write_text(f'instrument k "K";\nparty a, b;\nact go(actor: party);\nclause c "C" {{ a must not go; }}\n{pattern}\n',
                    encoding="utf-8")
    loaded = registry.load([spec])
    return [f"{d.span.line}:{d.span.column}: {d.message}" + (f" ({d.help})" if d.help else "")
            for d in loaded.diagnostics.sorted()]


def test_patterns_name_exactly_the_registrys_kinds(tmp_path: Path) -> None:
    assert set(PATTERN_KINDS) == {k.kind.value for k in KINDS if k.in_patterns}
    for entry in KINDS:
        for statement in (f"expect {entry.kind.value};", f"assert no {entry.kind.value} on c;",
                          f"goal a: no {entry.kind.value};"):
            problems = _load(tmp_path, statement)
            if entry.in_patterns:
                assert problems == [], (statement, problems)
            else:
                assert problems and f"unknown kind of finding `{entry.kind.value}`" in problems[0], statement


def test_an_unknown_kind_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    assert _load(tmp_path, "expect hollow-permision on c;") == [
        "5:8: unknown kind of finding `hollow-permision` (did you mean `hollow-permission`?)"]
    [problem] = _load(tmp_path, "assert no frobnication;")
    assert problem.startswith("5:11: unknown kind of finding `frobnication` (a pattern names one of `contradiction`")


def test_the_grammar_names_no_kind() -> None:
    grammar = (ROOT / "dsl" / "grammar.lark").read_text(encoding="utf-8")
    named = [k.kind.value for k in KINDS if re.search(rf'"{re.escape(k.kind.value)}"', grammar)]
    assert named == [], f"dsl/grammar.lark lists kinds {named}: kinds are the registry's"


def test_the_editor_grammar_highlights_any_kind() -> None:
    from tests.test_textmate import GRAMMAR_PATH, _scopes

    grammar = json.loads(GRAMMAR_PATH.read_text(encoding="utf-8"))
    for name in [*PATTERN_KINDS, "a-kind-added-later"]:
        for line in (f"expect {name} on c;", f"assert no {name};", f'goal a "g": some {name} by b;'):
            assert any("finding-kind" in s for s in _scopes(line, name, grammar)), line


def test_readme_kinds_table_is_current() -> None:
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_runs.with_kinds(current) == current, "run `python scripts/readme_runs.py` and review the diff"
