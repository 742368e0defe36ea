"""Finding kinds -> what people read about them: `nverify explain` and SARIF rule metadata.

Each kind's explanation is taken from the docstring of the check module that
produces it (sections "What it finds", "Why it matters", "Query", "Evidence",
"Example"), where that module exists; the registry's sections cover kinds
without one. Every kind also has a small example spec (in verifier.registry) whose
`expect` names the finding it produces, so the example is its own test.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from verifier import registry
from verifier.findings import FindingKind, Severity

REPO_ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("What it finds", "Why it matters", "Query", "Evidence", "Example")


@dataclass(frozen=True)
class KindInfo:
    kind: FindingKind
    name: str                       # CamelCase, for SARIF rule names
    summary: str                    # one line: the README's table
    severity: Severity              # the usual severity (some checks lower it per finding)
    sections: tuple[tuple[str, str], ...]  # (heading, paragraph) from the check's docstring or the fallback
    module: str | None              # the check module the text comes from, if any
    example: str                    # a small spec that produces the finding
    example_options: tuple[tuple[str, object], ...]  # pipeline Options the example needs (rlimit, ...)
    docs: str                       # its section (### heading) in docs/language.md
    example_file: str | None        # a teaching spec in examples/ named by the docstring, if present

    @property
    def example_args(self) -> tuple[str, ...]:
        """The example's options as typed on the command line."""
        return tuple(a for name, value in self.example_options for a in (f"--{name.replace('_', '-')}", str(value)))

    def section(self, heading: str) -> str | None:
        return dict(self.sections).get(heading)

    @property
    def description(self) -> str:
        """What the finding means, in a paragraph (for SARIF fullDescription)."""
        return self.section("What it finds") or self.summary


def camel(kind: FindingKind) -> str:
    return "".join(part.capitalize() for part in kind.value.split("-"))


def parse_docstring(doc: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A check docstring -> (first line, ((heading, paragraph), ...)).

    Headings are the known section names on a line of their own; their
    paragraphs are the indented lines below, re-flowed (a line that starts a
    formula or a new sentence after a full stop keeps its own line). A
    docstring without headings gives its body as "What it finds".
    """
    lines = doc.strip("\n").splitlines()
    if not lines:
        return "", ()
    first, rest = lines[0].strip(), lines[1:]
    sections: list[tuple[str, list[str]]] = []
    loose: list[str] = []
    for line in rest:
        if line.strip() in SECTIONS and not line.startswith(" "):
            sections.append((line.strip(), []))
        elif sections:
            sections[-1][1].append(line.strip())
        else:
            loose.append(line.strip())
    if not sections:
        body = _paragraph(loose)
        return first, ((("What it finds", body),) if body else ())
    return first, tuple((h, _paragraph(body)) for h, body in sections if _paragraph(body))


def _paragraph(lines: list[str]) -> str:
    """Indented docstring lines -> text: wrapped lines joined, blank lines kept as paragraph breaks."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                out.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        out.append(" ".join(current))
    return "\n".join(out).strip()


def _docstring(module: str) -> str:
    try:
        return importlib.import_module(module).__doc__ or ""
    except ImportError:
        return ""


def info(kind: FindingKind) -> KindInfo:
    return info_of(registry.kind(kind))


def info_of(entry: registry.Kind, checks: tuple[registry.Check, ...] = registry.CHECKS) -> KindInfo:
    """What people read about a registry entry, with the text of the check modules that report it."""
    kind = entry.kind
    modules = registry.doc_modules(entry, checks)
    module = modules[0][0] if modules else None
    sections: tuple[tuple[str, str], ...] = ()
    doc = _docstring(module) if module else ""
    if doc:
        _, sections = parse_docstring(doc)
        # The other checks that report the kind add their paragraphs to the first one's.
        for extra, label in modules[1:]:
            more = dict(parse_docstring(_docstring(extra))[1])
            sections = tuple((h, t + (f"\n{label}: {more[h]}" if h in more and h != "Example" else ""))
                             for h, t in sections)
    fallback = dict(entry.sections)
    have = {h for h, _ in sections}
    sections = tuple(sections) + tuple((h, t) for h, t in fallback.items() if h not in have)
    sections = tuple(sorted(sections, key=lambda s: SECTIONS.index(s[0]) if s[0] in SECTIONS else len(SECTIONS)))
    example_file = None
    named = dict(sections).get("Example", "")
    match = re.search(r"examples/[\w.-]+\.nv", named)
    if match and (REPO_ROOT / match.group(0)).is_file():
        example_file = match.group(0)
    sections = tuple(s for s in sections if s[0] != "Example")
    return KindInfo(kind, camel(kind), entry.summary, entry.severity, sections, module if doc else None,
                    entry.example, entry.example_options, entry.docs, example_file)


REQUIRED = ("What it finds", "Why it matters", "Evidence")


def missing(entry: registry.Kind, checks: tuple[registry.Check, ...] = registry.CHECKS) -> list[str]:
    """What a registry entry (with the checks that report its kind) lacks, each as `KIND: what`."""
    name = entry.kind.value
    out = []
    for check in registry.checks_of(entry.kind, checks):
        if not callable(getattr(_module(check.module), "run", None)):
            out.append(f"{name}: check {check.name} has no module {check.module} with a `run`")
    if not entry.summary.strip():
        out.append(f"{name}: no summary (the explain entry)")
    if not entry.example.strip():
        out.append(f"{name}: no example spec (the explain entry)")
    docs = (REPO_ROOT / registry.DOCS_FILE).read_text(encoding="utf-8")
    if f"\n### {entry.docs}\n" not in docs:
        out.append(f"{name}: no `### {entry.docs}` section in {registry.DOCS_FILE} (its doc)")
    shown = info_of(entry, checks)
    out += [f"{name}: no \"{h}\" in its check's docstring or its sections (its doc)"
            for h in REQUIRED if not shown.section(h)]
    if registry.checks_of(entry.kind, checks) and shown.example_file is None:
        out.append(f"{name}: its check's docstring names no example under examples/ (its example)")
    return out


def _module(name: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def all_kinds() -> list[KindInfo]:
    return [info(k) for k in FindingKind]


def lookup(name: str) -> FindingKind | None:
    """A kind by its string, forgiving case, underscores and a CamelCase rule name."""
    wanted = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", name.strip()).lower().replace("_", "-")
    for k in FindingKind:
        if k.value == wanted:
            return k
    return None


def run_example(kind_info: KindInfo) -> tuple[int, str]:
    """Check the kind's example spec as `example.nv` -> (exit code, text report). The text is given
    to the loader in memory (as an editor's unsaved buffer), so nothing is written and the report
    names `example.nv`."""
    from verifier.pipeline import Options, run
    from verifier.report.text import render

    options = Options(**dict(kind_info.example_options))  # type: ignore[arg-type]  # registry values are `object`
    name = Path("example.nv")
    loaded, report = run([name], options, overlay={name: kind_info.example})
    if report is None:
        messages = "; ".join(d.message for d in loaded.diagnostics.sorted())
        raise ValueError(f"the example for {kind_info.kind.value} does not load: {messages}")
    return report.exit_code, render(report)


def explanation(kind_info: KindInfo, example_output: str | None, width: int = 80) -> str:
    """The text `nverify explain KIND` prints."""
    import textwrap

    def para(text: str) -> list[str]:
        out = []
        for i, block in enumerate(text.split("\n")):
            if i:
                out.append("")
            out += textwrap.wrap(block, width=width - 4, initial_indent="    ", subsequent_indent="    ")
        return out

    source = f"; checked by {kind_info.module.replace('.', '/')}.py" if kind_info.module else ""
    lines = [f"{kind_info.kind.value}: {kind_info.summary}",
             f"(usual severity: {kind_info.severity.value}{source})", ""]
    for heading, body in kind_info.sections:
        lines += [heading, *para(body), ""]
    args = " ".join(kind_info.example_args)
    lines.append(f"Example (`nverify {args + ' ' if args else ''}example.nv`)")
    lines += ["    " + line if line else "" for line in kind_info.example.rstrip("\n").splitlines()]
    lines.append("")
    if example_output is not None:
        lines.append("What nverify says about it")
        lines += ["    " + line if line else "" for line in example_output.rstrip("\n").splitlines()]
        lines.append("")
    if kind_info.example_file:
        lines += [f"More: {kind_info.example_file}", ""]
    return "\n".join(lines)


def overview(width: int = 80) -> str:
    """The text `nverify explain` prints without a kind: every kind in one line."""
    import textwrap

    infos = all_kinds()
    pad = max(len(i.kind.value) for i in infos) + 2
    lines = ["Finding kinds (`nverify explain KIND` for one in detail, with an example):", ""]
    for i in infos:
        wrapped = textwrap.wrap(i.summary, width=width - pad - 2) or [""]
        lines.append(f"  {i.kind.value.ljust(pad)}{wrapped[0]}")
        lines += [" " * (pad + 2) + w for w in wrapped[1:]]
    return "\n".join(lines) + "\n"
