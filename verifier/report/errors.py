"""Bad input as a machine-readable report: what `--format json` and `--format sarif` write when
nverify exits 2, so a script or a code-scanning service reads the errors where it reads findings.

Each error is one `Problem`: a diagnostic of the spec (with its file, line and column) or an
error about the command line or a path (perhaps with no place in any file). The human-readable
form goes to standard error as well, whatever the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dsl.diagnostics import Diagnostic
from verifier.findings import Report
from verifier.report.common import tool_version, z3_version
from verifier.report.json_report import VERSION
from verifier.report.sarif import SCHEMA_URI, artifact_location


@dataclass(frozen=True)
class Problem:
    """One error of the input or of the command line."""

    code: str  # a diagnostic code (`syntax`, `bad-reading`, ...), or `usage` for the command line
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    help: str | None = None
    severity: str = "error"

    @staticmethod
    def of(diag: Diagnostic) -> Problem:
        s = diag.span
        return Problem(diag.code.value, diag.message, s.path, s.line, s.column, s.end_line, s.end_column,
                       diag.help, diag.severity.value)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "file": self.file, "line": self.line,
                "column": self.column, "end_line": self.end_line, "end_column": self.end_column,
                "help": self.help, "severity": self.severity}


def render_json(problems: Iterable[Problem]) -> str:
    """The JSON report's shape (version, tool, files, findings, expectations, summary) with no
    findings, and `diagnostics`: every error; the summary counts them as `errors`."""
    items = list(problems)
    summary = {**Report().summary(), "errors": sum(1 for p in items if p.severity == "error")}
    document = {
        "version": VERSION,
        "tool": {"name": "nverify", "z3": z3_version()},
        "files": [],
        "findings": [],
        "expectations": [],
        "diagnostics": [p.to_json() for p in items],
        "summary": summary,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_sarif(problems: Iterable[Problem]) -> str:
    """One SARIF run whose results are the errors (level `error`, rule = the diagnostic code, a
    region where the error has a place), and whose invocation did not succeed (exit code 2)."""
    items = list(problems)
    codes = sorted({p.code for p in items})
    rule_index = {code: i for i, code in enumerate(codes)}
    results = []
    for p in items:
        text = p.message + (f" ({p.help})" if p.help else "")
        result: dict[str, Any] = {"ruleId": p.code, "ruleIndex": rule_index[p.code],
                                  "level": "error" if p.severity == "error" else "warning",
                                  "message": {"text": text}}
        if p.file is not None:
            region: dict[str, int] = {"startLine": max(p.line or 1, 1), "startColumn": max(p.column or 1, 1)}
            if p.end_line is not None and p.end_column is not None:
                region |= {"endLine": max(p.end_line, region["startLine"]), "endColumn": max(p.end_column, 1)}
            result["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(p.file),
                                                         "region": region}}]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "nverify",
            "version": tool_version(),
            "semanticVersion": tool_version(),
            "rules": [{"id": code, "name": code, "shortDescription": {"text": f"bad input: {code}"},
                       "defaultConfiguration": {"level": "error"}} for code in codes],
            "properties": {"z3": z3_version()},
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{"executionSuccessful": False, "exitCode": 2}],
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"json": render_json, "sarif": render_sarif}

__all__ = ["RENDERERS", "Problem", "render_json", "render_sarif"]
