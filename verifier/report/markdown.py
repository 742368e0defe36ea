"""Report -> Markdown (CommonMark with GitHub tables), for pull requests, issues and memos.

A summary (the summary line, findings per kind, an index of findings, the
files checked), then per finding: the plain sentence, the party, drafts and
readings in force, each clause with its quoted wording and source, the
scenario as a table, and the kind-specific evidence; the spec's expectations
last. Text from the spec (labels, quoted wording, sources) is escaped so it
reads as written and never as Markdown or HTML.
"""

from __future__ import annotations

import re
from typing import Any

from verifier.findings import ClauseRef, Finding, Report
from verifier.report.common import (
    drafts_of,
    evidence,
    kind_rows,
    message_parts,
    party_facts,
    primary_location,
    quote_key,
    readings_words,
    scenario_rows,
    summary_line,
    timeline_rows,
    tool_version,
    z3_version,
)

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"(^|\n)([ \t]*)([#+=>-]|\d+[.)])")


def escape(text: str, *, starts_line: bool = False) -> str:
    """Spec text -> Markdown that shows it literally (inline; newlines kept).

    What would open a heading, list or quote at the start of a line is escaped
    after each newline, and at the very start when `starts_line`.
    """
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)

    def guard(m: re.Match[str]) -> str:
        if m.group(1) == "" and not starts_line:
            return m.group(0)
        mark = m.group(3)  # `1.` -> `1\.`; `#` -> `\#`
        guarded = mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark
        return m.group(1) + m.group(2) + guarded

    return _LINE_START.sub(guard, text)


def cell(text: str) -> str:
    """Escaped text for a table cell: one line."""
    return escape(" ".join(text.split()))


def code(text: str) -> str:
    """A code span that holds any text (the fence is longer than any backtick run inside)."""
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def sentence(message: str, *, starts_line: bool = False) -> str:
    """A finding's message: spec syntax in `backticks` as code, the rest escaped."""
    return "".join(code(t) if is_code else escape(t, starts_line=starts_line and i == 0)
                   for i, (t, is_code) in enumerate(message_parts(message)))


def pipe_safe(cell_text: str) -> str:
    """A table cell's `|` (code spans included) escaped, so it cannot end the cell."""
    return re.sub(r"(?<!\\)\|", r"\\|", cell_text)


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(pipe_safe(c) for c in r) + " |" for r in rows]
    return out


def _clause(i: int, c: ClauseRef, quoted: dict[tuple[str, str, str | None], int], n: int) -> list[str]:
    role = f", {escape(c.role)}" if c.role else ""
    head = f"{i}. **{escape(c.label)}** ({code(c.id)}){role}: {code(f'{c.file}:{c.line}:{c.column}')}"
    key = quote_key(c)
    if (c.text or c.source) and key in quoted:
        first = quoted[key]
        return [f"{head} ({'quoted' if c.text else 'source'} above, in [finding {first}](#finding-{first}))", ""]
    if c.text or c.source:
        quoted[key] = n
    out = [head]
    if c.text:
        words = "\u201c" + c.text + "\u201d"
        out.append("")
        out += ["   > " + line if line else "   >" for line in escape(words).splitlines()]
    if c.source:
        out.append("")
        out.append(f"   Source: {escape(c.source)}")
    if c.note:
        out.append("")
        out.append(f"   Note: {escape(c.note)}")
    out.append("")
    return out


def _finding(n: int, f: Finding, quoted: dict[tuple[str, str, str | None], int]) -> list[str]:
    where = primary_location(f)
    status = " (expected)" if f.expected else ""
    out = [f'<a id="finding-{n}"></a>', "",
           f"### {n}. {f.severity.value}[{f.kind.value}] at {code(str(where))}{status}", "",
           sentence(f.message, starts_line=True), ""]
    facts = []
    for label, names in party_facts(f):
        facts.append(f"- **{label[0].upper() + label[1:]}:** {escape(names)}")
    drafts = drafts_of(f)
    if drafts:
        facts.append(f"- **Draft{'s' if len(drafts) > 1 else ''} in force:** " + ", ".join(code(d) for d in drafts))
    if f.readings:
        facts.append("- **Wording read as:** " + ", ".join(f"{code(t)}: {how}" for t, how in readings_words(f)))
    if not f.minimal:
        facts.append("- **Minimality:** the clauses listed may not all be needed (not proved minimal)")
    if facts:
        out += [*facts, ""]
    if f.clauses:
        out += ["**Clauses**", ""]
        for i, c in enumerate(f.clauses, start=1):
            out += _clause(i, c, quoted, n)
    rows = scenario_rows(f)
    if f.scenario is not None:
        what = "minimal" if f.scenario.minimal else "not minimised, the solver gave up: a plain witness"
        out += [f"**Scenario** ({what}: every fact and act not listed is false, every quantity not listed is 0)", ""]
        if f.scenario.horizon:
            out += [f"Timeline ({f.scenario.horizon}; only the steps where something changes):", ""]
            if f.scenario.timeline:
                out += _table(["step", "what holds"], [[cell(t), cell(w)] for t, w in timeline_rows(f)])
            else:
                out.append("Nothing happens at any step: every fact and act is false.")
        elif rows:
            out += _table(["kind", "what", "value"], [[w, code(a), cell(v)] for w, a, v in rows])
        else:
            out.append("Nothing happens at all: every fact and act is false.")
        out.append("")
    shown = evidence(f)
    if shown:
        out += ["**Evidence**", ""]
        out += [f"- {escape(k)}: {escape(v)}" for k, v in shown]
        out.append("")
    return out


def render(report: Report, **_: Any) -> str:
    out = ["# nverify report", "", f"**{escape(summary_line(report))}**", "",
           f"nverify {escape(tool_version())}, Z3 {escape(z3_version())}.", ""]
    rows = kind_rows(report)
    if rows:
        total = [sum(column) for column in zip(*(r[1:] for r in rows), strict=True)]
        out += ["## Summary", ""]
        out += _table(["kind", "findings", "expected", "unexpected"],
                      [[code(k), str(a), str(b), str(c)] for k, a, b, c in rows]
                      + [["**total**", *(f"**{t}**" for t in total)]],
                      ["---", "---:", "---:", "---:"])
        out += ["", "| # | severity | kind | where | finding |", "|---:|---|---|---|---|"]
        for n, f in enumerate(report.findings, start=1):
            status = " (expected)" if f.expected else ""
            cells = [f"[{n}](#finding-{n})", f.severity.value, code(f.kind.value), code(str(primary_location(f))),
                     cell_sentence(f.message) + status]
            out.append("| " + " | ".join(pipe_safe(c) for c in cells) + " |")
        out.append("")
    if report.files:
        out += ["## Files checked", ""]
        out += _table(["file", "instrument", "title", "drafts"],
                      [[code(f.path), code(f.instrument) if f.instrument else "(declarations only)",
                        cell(f.title or ""), ", ".join(code(d) for d in f.drafts)] for f in report.files])
        out.append("")
    if report.findings:
        out += ["## Findings", ""]
        quoted: dict[tuple[str, str, str | None], int] = {}  # each quotation once: where it is
        for n, f in enumerate(report.findings, start=1):
            out += _finding(n, f, quoted)
    else:
        out += ["## Findings", "", "No findings.", ""]
    if report.expectations:
        out += ["## Expectations", ""]
        out += _table(["where", "statement", "result", "detail"],
                      [[code(f"{e.file}:{e.line}"), code(e.statement), "**failed**" if e.failed else e.result, cell(e.detail)]
                       for e in report.expectations])
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def cell_sentence(message: str) -> str:
    return sentence(" ".join(message.split()))
