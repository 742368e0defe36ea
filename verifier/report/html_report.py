"""Report -> one self-contained HTML page (inline CSS; no scripts, fonts or other resources).

The same content as the Markdown report: a summary (findings per kind, an
index of findings, the files checked), then per finding the plain sentence,
the party, drafts and readings in force, each clause with its quoted wording
and source, the scenario as a table, and the evidence; the expectations last.
Every piece of text is HTML-escaped; a Content-Security-Policy forbids any
external load, so the page renders the same offline, attached to an email.
"""

from __future__ import annotations

import html
from typing import Any

from verifier.findings import ClauseRef, Finding, Report
from verifier.report.common import (
    drafts_of,
    evidence,
    kind_rows,
    message_parts,
    party_facts,
    plural,
    primary_location,
    scenario_rows,
    summary_line,
    tool_version,
    z3_version,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'"

CSS = """
:root { --fg: #1d2329; --muted: #5b6670; --bg: #ffffff; --panel: #f5f7f9; --line: #d6dce1;
  --error: #b42318; --warning: #9a4a00; --info: #175cd3; --ok: #067647; --quote: #f0f3f6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ec; --muted: #a3adb7; --bg: #15191d; --panel: #1e2328; --line: #39424b;
    --error: #ff8a80; --warning: #ffb95a; --info: #8cb4ff; --ok: #6fdc9b; --quote: #232a31; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
header.page, main, footer { max-width: 68rem; margin: 0 auto; padding: 0 1.25rem; }
header.page { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 0; display: flex; flex-wrap: wrap; gap: .45rem; align-items: baseline; }
h4 { font-size: .95rem; margin: 1.1rem 0 .4rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  font-size: .9em; }
p code, td code, li code, dd code { background: var(--panel); padding: .05rem .3rem; border-radius: 4px; }
.summary-line { font-weight: 600; font-size: 1.05rem; padding: .6rem .9rem; border-radius: 6px;
  border-left: 5px solid var(--ok); background: var(--panel); margin: .6rem 0; }
.summary-line.failing { border-left-color: var(--error); }
.tool { color: var(--muted); font-size: .9rem; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; }
.badge { display: inline-block; font-size: .78rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em;
  border-radius: 999px; padding: .05rem .55rem; border: 1.5px solid currentColor; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
.badge.expected { color: var(--ok); }
.badge.failed { color: var(--error); } .badge.met { color: var(--ok); } .badge.skipped { color: var(--muted); }
article.finding { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 8px;
  padding: 1rem 1.2rem; margin: 1.2rem 0; }
article.finding.severity-error { border-left-color: var(--error); }
article.finding.severity-warning { border-left-color: var(--warning); }
article.finding.severity-info { border-left-color: var(--info); }
article.finding.is-expected { border-left-style: dashed; }
.kind { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; }
.where { color: var(--muted); font-size: .9rem; margin: .3rem 0 0; }
.num-ref { color: var(--muted); }
p.message { font-size: 1.08rem; margin: .8rem 0; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.context dt { font-weight: 600; color: var(--muted); }
dl.context dd { margin: 0; }
ol.clauses { padding-left: 1.4rem; margin: .3rem 0; }
ol.clauses > li { margin: .2rem 0 .9rem; }
.clause-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.role { font-style: italic; color: var(--muted); }
blockquote { margin: .4rem 0; padding: .5rem .9rem; background: var(--quote); border-left: 4px solid var(--line);
  font-family: Georgia, "DejaVu Serif", "Liberation Serif", serif; font-size: 1.02rem; white-space: pre-wrap; }
.source, .note { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
table.scenario { width: auto; min-width: 50%; }
table.kinds { width: auto; min-width: 28rem; }
table.index td:nth-child(-n+2), table.index .kind, table.files code { white-space: nowrap; }
table.index td:nth-child(3) { font-size: .85rem; }
table.index code.loc { background: none; padding: 0; color: var(--muted); }
a { color: var(--info); }
footer { color: var(--muted); font-size: .85rem; padding: 2rem 1.25rem 3rem; }
@media print {
  body { font-size: 11pt; }
  article.finding { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def code(text: object) -> str:
    return f"<code>{e(text)}</code>"


def _breakable(path: object) -> str:
    """A path that may wrap after each `/` (and nowhere else)."""
    return e(path).replace("/", "/<wbr>")


def sentence(message: str) -> str:
    """A finding's message: spec syntax in `backticks` as code, everything escaped."""
    return "".join(code(t) if is_code else e(t) for t, is_code in message_parts(message))


def _table(header: list[str], rows: list[list[str]], cls: str = "", numeric: frozenset[int] = frozenset(),
           total: list[str] | None = None) -> list[str]:
    """Cells are HTML already (escaped by the caller)."""
    def cells(tag: str, row: list[str]) -> str:
        return "".join(f'<{tag} class="num">{c}</{tag}>' if i in numeric else f"<{tag}>{c}</{tag}>"
                       for i, c in enumerate(row))
    out = [f'<table class="{cls}">' if cls else "<table>", f"<thead><tr>{cells('th', header)}</tr></thead>", "<tbody>"]
    out += [f"<tr>{cells('td', r)}</tr>" for r in rows]
    out.append("</tbody>")
    if total:
        out.append(f'<tfoot><tr class="total">{cells("td", total)}</tr></tfoot>')
    out.append("</table>")
    return out


def _clause(c: ClauseRef) -> list[str]:
    out = ['<li class="clause">', '<div class="clause-head">', f'<strong class="label">{e(c.label)}</strong>',
           f'<code class="clause-id">{e(c.id)}</code>']
    if c.role:
        out.append(f'<span class="role">{e(c.role)}</span>')
    out.append(f'<code class="loc">{e(c.file)}:{c.line}:{c.column}</code>')
    out.append("</div>")
    if c.text:
        out.append(f"<blockquote>\u201c{e(c.text)}\u201d</blockquote>")
    if c.source:
        out.append(f'<p class="source">Source: {e(c.source)}</p>')
    if c.note:
        out.append(f'<p class="note">Note: {e(c.note)}</p>')
    out.append("</li>")
    return out


def _finding(n: int, f: Finding) -> list[str]:
    sev = f.severity.value
    classes = f"finding severity-{sev}" + (" is-expected" if f.expected else "")
    out = [f'<article class="{classes}" id="finding-{n}" data-kind="{e(f.kind.value)}">', "<header>",
           f'<h3><span class="num-ref">{n}.</span> <span class="badge sev-{sev}">{e(sev)}</span> '
           f'<span class="kind">{e(f.kind.value)}</span>'
           + (' <span class="badge expected">expected</span>' if f.expected else "") + "</h3>",
           f'<p class="where">at {code(primary_location(f))}</p>', "</header>",
           f'<p class="message">{sentence(f.message)}</p>']
    facts: list[tuple[str, str]] = []
    for label, names in party_facts(f):
        facts.append((label[0].upper() + label[1:], e(names)))
    drafts = drafts_of(f)
    if drafts:
        facts.append(("Draft in force" if len(drafts) == 1 else "Drafts in force", ", ".join(code(d) for d in drafts)))
    if f.readings:
        facts.append(("Readings", ", ".join(f"{code(t)} read as {code(r)}" for t, r in f.readings)))
    if not f.minimal:
        facts.append(("Minimality", "the clause set was not proved minimal"))
    if facts:
        out.append('<dl class="context">')
        out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts]
        out.append("</dl>")
    if f.clauses:
        out += ["<h4>Clauses</h4>", '<ol class="clauses">']
        for c in f.clauses:
            out += _clause(c)
        out.append("</ol>")
    if f.scenario is not None:
        what = "Minimal" if f.scenario.minimal else "Not minimised (the solver gave up: a plain witness)"
        out += ["<h4>Scenario</h4>",
                f'<p class="note">{what}: every fact and act not listed is false, every quantity not listed is 0.</p>']
        rows = scenario_rows(f)
        if rows:
            out += _table(["What", "Atom", "Value"], [[e(w), code(a), e(v)] for w, a, v in rows], "scenario")
        else:
            out.append('<p class="scenario-empty">Nothing happens at all: every fact and act is false.</p>')
    shown = evidence(f)
    if shown:
        out += ["<h4>Evidence</h4>", '<dl class="context evidence">']
        out += [f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in shown]
        out.append("</dl>")
    out.append("</article>")
    return out


def render(report: Report, **_: Any) -> str:
    s = report.summary()
    title = f"nverify report: {plural(s['findings'], 'finding')} ({s['unexpected']} unexpected)"
    status = "failing" if report.exit_code else "passing"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
           f'<meta name="generator" content="nverify {e(tool_version())}">',
           f"<title>{e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           '<header class="page">', "<h1>nverify report</h1>",
           f'<p class="summary-line {status}" id="summary-line">{e(summary_line(report))}</p>',
           f'<p class="tool">nverify {e(tool_version())} \u00b7 Z3 {e(z3_version())}</p>', "</header>", "<main>"]
    rows = kind_rows(report)
    out += ['<section id="summary">', "<h2>Summary</h2>"]
    if rows:
        total = [sum(column) for column in zip(*(r[1:] for r in rows), strict=True)]
        out += _table(["Kind", "Findings", "Expected", "Unexpected"],
                      [[code(k), str(a), str(b), str(c)] for k, a, b, c in rows], "kinds", frozenset({1, 2, 3}),
                      ["Total", *(str(t) for t in total)])
        index = []
        for n, f in enumerate(report.findings, start=1):
            sev = f.severity.value
            index.append([f'<a href="#finding-{n}">{n}</a>', f'<span class="badge sev-{sev}">{e(sev)}</span>',
                          f'<span class="kind">{e(f.kind.value)}</span><br><code class="loc">{_breakable(primary_location(f))}</code>',
                          sentence(f.message) + (' <span class="badge expected">expected</span>' if f.expected else "")])
        out += _table(["#", "Severity", "Kind and place", "Finding"], index, "index", frozenset({0}))
    else:
        out.append("<p>No findings.</p>")
    out.append("</section>")
    if report.files:
        out += ['<section id="files">', "<h2>Files checked</h2>"]
        out += _table(["File", "Instrument", "Title", "Drafts"],
                      [[code(f.path), code(f.instrument) if f.instrument else "declarations only", e(f.title or ""),
                        ", ".join(code(d) for d in f.drafts)] for f in report.files], "files")
        out.append("</section>")
    if report.findings:
        out += ['<section id="findings">', "<h2>Findings</h2>"]
        for n, f in enumerate(report.findings, start=1):
            out += _finding(n, f)
        out.append("</section>")
    if report.expectations:
        out += ['<section id="expectations">', "<h2>Expectations</h2>"]
        out += _table(["Where", "Statement", "Result", "Detail"],
                      [[code(f"{x.file}:{x.line}"), code(x.statement),
                        f'<span class="badge {x.result}">{x.result}</span>',
                        e(x.detail)] for x in report.expectations], "expectations")
        out.append("</section>")
    out += ["</main>", f"<footer>Generated by nverify {e(tool_version())}.</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
