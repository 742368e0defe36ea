"""Report -> SARIF 2.1.0, for code-scanning services and editors.

One run, one rule per finding kind (`ruleId` is the kind string, with the
explanation of `nverify explain` as its help), one result per finding:

* `level` from the severity (info -> note);
* `locations`: exactly one, the first clause of the finding at its line and
  column (an `expectation-failed` finding points at its `expect`, `assert` or
  `scenario` line instead); the clause is also a logical location;
* `relatedLocations`: the finding's other clauses, each with its label and role;
* `partialFingerprints["nverifyFinding/v1"]`: a hash of what identifies the
  problem (kind, file, clause ids, party, sentence), not of line numbers, so
  it survives edits elsewhere in the file;
* expected findings carry an `inSource` suppression (the spec's `expect`);
* everything else a finding has (drafts, readings, scenario, details) goes in
  the result's property bag, with the JSON report's field names.

File paths are the report's: relative to the working directory (`%SRCROOT%`)
when the file is inside it, else absolute `file://` URIs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from verifier import kinds
from verifier.findings import ClauseRef, Finding, Report, Severity
from verifier.report.common import primary_location, related_clauses, summary_line, tool_version, z3_version

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "nverifyFinding/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str) -> dict[str, Any]:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(PurePosixPath(*p.parts).as_posix(), safe="/"), "uriBaseId": SRCROOT}


def fingerprint(f: Finding) -> str:
    """Stable across runs, machines and line shifts; the same problem in every draft gives one value."""
    key = json.dumps([f.kind.value, PurePosixPath(*Path(f.file).parts).as_posix(), [c.id for c in f.clauses],
                      f.party, f.message], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _rule(info: kinds.KindInfo) -> dict[str, Any]:
    text_help = [info.summary[0].upper() + info.summary[1:] + "."]
    md_help = [f"**{info.kind.value}**: {info.summary}."]
    for heading, body in info.sections:
        text_help.append(f"{heading}: {body}")
        md_help.append(f"### {heading}\n\n{body}")
    md_help.append("### Example\n\n```\n" + info.example.rstrip() + "\n```")
    text_help.append("Example:\n" + info.example.rstrip())
    md_help.append(f"Run `nverify explain {info.kind.value}` for more.")
    return {
        "id": info.kind.value,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.description},
        "help": {"text": "\n\n".join(text_help), "markdown": "\n\n".join(md_help)},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {"tags": ["nverify", info.kind.value]},
    }


def _physical(path: str, line: int, column: int, index: dict[str, int]) -> dict[str, Any]:
    where = artifact_location(path)
    if path in index:
        where["index"] = index[path]
    return {"artifactLocation": where, "region": {"startLine": max(line, 1), "startColumn": max(column, 1)}}


def _clause_location(c: ClauseRef, index: dict[str, int], ident: int | None = None) -> dict[str, Any]:
    role = f" [{c.role}]" if c.role else ""
    loc: dict[str, Any] = {
        "physicalLocation": _physical(c.file, c.line, c.column, index),
        "logicalLocations": [{"name": c.id, "kind": "member", "fullyQualifiedName": f"{c.file}#{c.id}"}],
        "message": {"text": f"{c.label} ({c.id}){role}"},
    }
    if ident is not None:
        loc["id"] = ident
    return loc


def _result(f: Finding, rule_index: dict[str, int], index: dict[str, int]) -> dict[str, Any]:
    where = primary_location(f)
    if where.clause is not None:
        primary = _clause_location(where.clause, index)
    else:
        statement = dict(f.details).get("statement")
        primary = {"physicalLocation": _physical(where.file, where.line, where.column, index)}
        if statement:
            primary["message"] = {"text": f"`{statement}`"}
    related = [_clause_location(c, index, i) for i, c in enumerate(related_clauses(f), start=1)]
    result: dict[str, Any] = {
        "ruleId": f.kind.value,
        "ruleIndex": rule_index[f.kind.value],
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [primary],
        "partialFingerprints": {FINGERPRINT: fingerprint(f)},
        "properties": {
            "party": f.party,
            "parties": list(f.parties),
            "merged": f.to_json()["merged"],
            "expected": f.expected,
            "minimal": f.minimal,
            "draft": f.draft,
            "drafts": list(f.drafts),
            "readings": dict(f.readings),
            "scenario": f.scenario.to_json() if f.scenario else None,
            "details": f.to_json()["details"],
        },
    }
    if related:
        result["relatedLocations"] = related
    if f.expected:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": "expected by an `expect` statement in the spec"}]
    return result


def document(report: Report) -> dict[str, Any]:
    infos = kinds.all_kinds()
    rule_index = {info.kind.value: i for i, info in enumerate(infos)}
    paths = sorted({f.path for f in report.files} | {f.file for f in report.findings}
                   | {c.file for f in report.findings for c in f.clauses})
    index = {p: i for i, p in enumerate(paths)}
    artifacts = [{"location": artifact_location(p), "roles": ["analysisTarget"] if p in {f.path for f in report.files}
                  else ["resultFile"]} for p in paths]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "nverify",
            "version": tool_version(),
            "semanticVersion": tool_version(),
            "rules": [_rule(info) for info in infos],
            "properties": {"z3": z3_version()},
        }},
        "artifacts": artifacts,
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index, index) for f in report.findings],
        "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}],
        "properties": {
            "summary": report.summary(),
            "summaryLine": summary_line(report),
            "files": [f.to_json() for f in report.files],
            "expectations": [e.to_json() for e in report.expectations],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, **_: Any) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"


__all__ = ["document", "fingerprint", "render"]
