"""--format sarif: schema-valid SARIF 2.1.0 with one result per finding, rules, locations and fingerprints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.report_support import DATA, check, fixture_specs, nverify, schema_path, write_kind_examples
from verifier.findings import FindingKind, Severity
from verifier.report import FORMATS
from verifier.report.sarif import FINGERPRINT, document


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[FindingKind, Path]:
    return write_kind_examples(tmp_path_factory.mktemp("kinds"))


def _specs(examples: dict[FindingKind, Path]) -> list[tuple[str, list[Path], dict[str, object]]]:
    out: list[tuple[str, list[Path], dict[str, object]]] = [(p.name, [p], {}) for p in fixture_specs()]
    for kind, path in examples.items():
        out.append((kind.value, [path], {"rlimit": 1} if kind is FindingKind.UNKNOWN else {}))
    out.append(("all fixtures together", fixture_specs(), {}))
    return out


def test_sarif_of_every_fixture_and_kind_example_validates(validator: Any, examples: dict[FindingKind, Path]) -> None:
    kinds_seen: set[str] = set()
    for name, paths, options in _specs(examples):
        report = check(paths, **options)
        doc = json.loads(FORMATS["sarif"](report))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        results = doc["runs"][0]["results"]
        assert len(results) == len(report.findings), name
        kinds_seen |= {r["ruleId"] for r in results}
    assert kinds_seen == {k.value for k in FindingKind}, "every kind should be exercised by some spec"


def test_rules_one_per_kind_with_metadata() -> None:
    doc = document(check([DATA / "drafts.nv"]))
    driver = doc["runs"][0]["tool"]["driver"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [k.value for k in FindingKind]
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert "Example" in r["help"]["text"] and "```" in r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert driver["name"] == "nverify" and driver["version"]


def test_results_carry_level_message_locations_and_related_locations() -> None:
    report = check([DATA / "drafts.nv"])
    results = document(report)["runs"][0]["results"]
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for f, r in zip(report.findings, results, strict=True):
        assert r["ruleId"] == f.kind.value
        assert r["level"] == levels[f.severity]
        assert r["message"]["text"] == f.message
        assert len(r["locations"]) == 1
        if f.kind is FindingKind.EXPECTATION_FAILED:
            continue
        first, *others = f.clauses
        region = r["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (first.line, first.column)
        assert r["locations"][0]["logicalLocations"][0]["name"] == first.id
        related = r.get("relatedLocations", [])
        assert [loc["physicalLocation"]["region"]["startLine"] for loc in related] == [c.line for c in others]
        assert [loc["logicalLocations"][0]["name"] for loc in related] == [c.id for c in others]
        assert len({loc["id"] for loc in related}) == len(related)
        for loc, c in zip(related, others, strict=True):
            assert c.label in loc["message"]["text"]
        assert r["properties"]["drafts"] == list(f.drafts)
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert (not uri["uri"].startswith("/") and uri.get("uriBaseId") == "%SRCROOT%") or uri["uri"].startswith("file://")


def test_expectation_failed_points_at_the_statement_line() -> None:
    report = check([DATA / "escaping.nv"])
    results = document(report)["runs"][0]["results"]
    lines = (DATA / "escaping.nv").read_text(encoding="utf-8").splitlines()
    failed = [(f, r) for f, r in zip(report.findings, results, strict=True) if f.kind is FindingKind.EXPECTATION_FAILED]
    assert len(failed) == 2  # the unmet `expect` and the impossible `scenario`
    for f, r in failed:
        line = dict(f.details)["line"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == line
        assert lines[line - 1].startswith(("expect", "assert", "scenario"))
        # The clauses that rule a scenario out are related locations, not the primary one.
        assert [loc["logicalLocations"][0]["name"] for loc in r.get("relatedLocations", [])] == [c.id for c in f.clauses]


def test_expected_findings_are_suppressed_in_source() -> None:
    report = check([DATA / "drafts.nv"])
    results = document(report)["runs"][0]["results"]
    assert any(f.expected for f in report.findings)
    for f, r in zip(report.findings, results, strict=True):
        assert ("suppressions" in r) == f.expected
        if f.expected:
            assert r["suppressions"][0]["kind"] == "inSource"


def test_fingerprints_are_stable_and_survive_line_shifts(tmp_path: Path) -> None:
    spec = tmp_path / "drafts.nv"
    shutil.copy(DATA / "drafts.nv", spec)
    first = document(check([spec]))["runs"][0]["results"]
    again = document(check([spec]))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in again]
    prints = [r["partialFingerprints"][FINGERPRINT] for r in first]
    assert len(set(prints)) == len(prints), "distinct findings need distinct fingerprints"

    spec.write_text("# a new comment\n# and another\n\n" + spec.read_text(encoding="utf-8"), encoding="utf-8")
    shifted = document(check([spec]))["runs"][0]["results"]
    assert sorted(r["partialFingerprints"][FINGERPRINT] for r in shifted) == sorted(prints)
    by_print = {r["partialFingerprints"][FINGERPRINT]: r for r in first}
    for r in shifted:
        old = by_print[r["partialFingerprints"][FINGERPRINT]]
        line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert line == old["locations"][0]["physicalLocation"]["region"]["startLine"] + 3


def test_cli_writes_sarif(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    proc = nverify("--format", "sarif", "-o", out, DATA / "drafts.nv")
    assert proc.returncode == 1, proc.stderr  # unexpected findings
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    assert doc["runs"][0]["invocations"][0]["exitCode"] == 1
