"""Report -> one self-contained HTML page (inline CSS; no scripts, fonts or other resources).

The same content as the Markdown report: a summary (findings per kind, an
index of findings, the files checked), then per finding the plain sentence,
the party, drafts and readings in force, each clause with its quoted wording
and source, the scenario as a table, and the evidence; the expectations last.

The page is a Jinja2 template (templates/report.html.j2, its style in
templates/report.css, both shipped with the package) with autoescaping: every
piece of text from a spec is escaped by the template engine, and nothing is
marked safe. A Content-Security-Policy forbids any external load, so the page
renders the same offline, attached to an email.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from verifier.findings import Finding, Report
from verifier.report.common import (
    drafts_of,
    evidence,
    kind_rows,
    message_parts,
    party_facts,
    plural,
    primary_location,
    readings_words,
    scenario_rows,
    summary_line,
    timeline_rows,
    tool_version,
    z3_version,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("verifier.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals["message_parts"] = message_parts
    return env.get_template("report.html.j2")


def _finding(n: int, f: Finding) -> dict[str, Any]:
    """What the template shows of a finding: plain values, escaped by the template."""
    facts: list[tuple[str, Any]] = [(label[0].upper() + label[1:], names) for label, names in party_facts(f)]
    drafts = drafts_of(f)
    if drafts:
        facts.append(("Draft in force" if len(drafts) == 1 else "Drafts in force", [(d, "") for d in drafts]))
    if f.readings:
        facts.append(("Wording read as", readings_words(f)))
    if not f.minimal:
        facts.append(("Minimality", "the clauses listed may not all be needed (not proved minimal)"))
    scenario = None
    if f.scenario is not None:
        what = "Minimal" if f.scenario.minimal else "Not minimised (the solver gave up: a plain witness)"
        scenario = {"what": what, "rows": [list(r) for r in scenario_rows(f)],
                    "horizon": f.scenario.horizon, "timeline": [list(r) for r in timeline_rows(f)]}
    return {"n": n, "severity": f.severity.value, "kind": f.kind.value, "expected": f.expected,
            "where": str(primary_location(f)), "message": f.message, "facts": facts, "clauses": f.clauses,
            "scenario": scenario, "evidence": evidence(f)}


def render(report: Report, **_: Any) -> str:
    s = report.summary()
    rows = kind_rows(report)
    findings = [_finding(n, f) for n, f in enumerate(report.findings, start=1)]
    totals = [sum(column) for column in zip(*(r[1:] for r in rows), strict=True)]
    expectations = [{"where": f"{x.file}:{x.line}", "statement": x.statement, "result": x.result, "detail": x.detail}
                    for x in report.expectations]
    return _template().render(
        csp=CSP, version=tool_version(), z3=z3_version(),
        title=f"nverify report: {plural(s['findings'], 'finding')} ({s['unexpected']} unexpected)",
        status="failing" if report.exit_code else "passing", summary=summary_line(report),
        kinds=[list(r) for r in rows],
        totals=["Total", *totals] if rows else None,
        index=[[f] * 4 for f in findings],
        files=[[x.path, x.instrument, x.title or "", x.drafts] for x in report.files],
        findings=findings, expectations=[[x] * 4 for x in expectations])
