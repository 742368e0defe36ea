"""DiffResult -> text or JSON: the verdict per reading set, then each difference
with its minimal witness and both wordings side by side."""

from __future__ import annotations

import json
import textwrap

from verifier.diff import Difference, DiffResult
from verifier.findings import ClauseRef, Scenario


def render_json(result: DiffResult) -> str:
    return json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _scenario(s: Scenario | None, indent: str) -> list[str]:
    if s is None:
        return []
    lines = [f"{indent}witness: facts: {', '.join(s.facts) or 'none'}; acts: {', '.join(s.acts) or 'none'}"]
    if s.terms:
        lines.append(f"{indent}         open wording read as true: {', '.join(s.terms)}")
    if s.quantities:
        lines.append(f"{indent}         quantities: " + ", ".join(f"{q} = {v:,}" for q, v in s.quantities))
    lines.extend(f"{indent}         ({note})" for note in s.stands_for)
    return lines


def _wording(side: str, refs: tuple[ClauseRef, ...]) -> list[str]:
    if not refs:
        return [f"    {side}: (no clause on this)"]
    out = []
    for r in refs:
        out.append(f"    {side}: {r.label} ({r.id}) at {r.file}:{r.line}")
        if r.text:
            out.extend("         " + w for w in textwrap.wrap(f"\u201c{r.text}\u201d", width=88))
    return out


def _difference(d: Difference) -> list[str]:
    lines = [f"  [{d.aspect}] {d.message}"]
    lines.extend(_scenario(d.scenario, "    "))
    lines.extend(_wording("A", d.clauses_a))
    lines.extend(_wording("B", d.clauses_b))
    return lines


_RELATION = {
    "equivalent": "no change in meaning (proved: neither text allows what the other forbids)",
    "stricter": "B is stricter: it forbids conduct A allows, and allows nothing A forbids",
    "more permissive": "B is more permissive: it allows conduct A forbids, and forbids nothing A allows",
    "incomparable": "incomparable: each text forbids conduct the other allows",
    "unknown": "unknown: the solver gave up",
}


def render_text(result: DiffResult, **_: object) -> str:
    lines = [f"A: {result.a}", f"B: {result.b}", ""]
    for v in result.verdicts:
        title = "baseline readings" if v.reading == "baseline" else f"{v.reading}'s readings"
        lines.append(f"{title}: {_RELATION[v.relation]}")
        if v.a_not_b is not None:
            lines.append("  compliant in A, a breach in B:")
            lines.extend(_scenario(v.a_not_b, "    "))
        if v.b_not_a is not None:
            lines.append("  compliant in B, a breach in A:")
            lines.extend(_scenario(v.b_not_a, "    "))
    if result.differences:
        lines.append("")
        lines.append(f"{len(result.differences)} difference{'s' if len(result.differences) != 1 else ''}:")
        for d in result.differences:
            lines.extend(_difference(d))
    lines.append("")
    lines.append("meaning changed" if result.changed else "no change in meaning")
    return "\n".join(lines) + "\n"
