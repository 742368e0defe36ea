"""Report -> JSON, exactly as DESIGN section 7 fixes it (stable keys, sorted output)."""

from __future__ import annotations

import json
from typing import Any

import z3

from verifier.findings import Report

VERSION = 1


def document(report: Report) -> dict[str, Any]:
    return {
        "version": VERSION,
        "tool": {"name": "nverify", "z3": z3.get_version_string()},
        "files": [f.to_json() for f in report.files],
        "findings": [f.to_json() for f in report.findings],
        "expectations": [e.to_json() for e in report.expectations],
        "summary": report.summary(),
    }


def render(report: Report, **_: Any) -> str:
    return json.dumps(document(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
