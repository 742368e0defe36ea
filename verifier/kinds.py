"""Finding kinds -> what people read about them: `nverify explain` and SARIF rule metadata.

Each kind's explanation is taken from the docstring of the check module that
produces it (sections "What it finds", "Why it matters", "Query", "Evidence",
"Example"), where that module exists; the fallback text below covers kinds
without one. Every kind also has a small example spec whose `expect` names
the finding it produces, so the example is its own test.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

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


_SUMMARY = {
    FindingKind.CONTRADICTION: "no world of the stated situation complies with these clauses together",
    FindingKind.CONFLICT: "in some situation that can happen, a party breaches one of these clauses whatever it does",
    FindingKind.HOLLOW_PERMISSION: "a permission cannot be exercised without breaching another clause: always, "
                                   "in a witness situation, or when another party vetoes it",
    FindingKind.PRETEXT: "conduct lawful under the ordinary reading is a breach under a party's reading of a vague term",
    FindingKind.BLOCKABLE_GUARANTEE: "a party can, by what it controls (a vote, the attack itself), keep a guarantee "
                                     "from triggering",
    FindingKind.VACUOUS_GUARANTEE: "a guarantee's trigger never holds, or leaves out the case it exists for",
    FindingKind.EXPECTATION_FAILED: "an `expect`, `assert` or `scenario` in the spec did not come out as written",
    FindingKind.UNKNOWN: "the solver gave up (timeout or resource limit): nothing is proved either way",
}

_SEVERITY = {
    FindingKind.CONTRADICTION: Severity.ERROR,
    FindingKind.CONFLICT: Severity.ERROR,
    FindingKind.HOLLOW_PERMISSION: Severity.ERROR,
    FindingKind.PRETEXT: Severity.WARNING,
    FindingKind.BLOCKABLE_GUARANTEE: Severity.ERROR,
    FindingKind.VACUOUS_GUARANTEE: Severity.WARNING,
    FindingKind.EXPECTATION_FAILED: Severity.ERROR,
    FindingKind.UNKNOWN: Severity.WARNING,
}

# Used when no check module documents the kind.
_FALLBACK: dict[FindingKind, tuple[tuple[str, str], ...]] = {
    FindingKind.UNKNOWN: (
        ("What it finds", "A query the solver could not answer within the limits: the per-query timeout "
                          "(--timeout SECONDS) or the deterministic resource limit (--rlimit N)."),
        ("Why it matters", "An unknown is never a pass: the check it belongs to proved nothing either way, so "
                           "a problem may be hiding there."),
        ("Query", "Any query of any check; Z3 answered `unknown` (its reason is in the finding's details)."),
        ("Evidence", "The check that gave up, the solver's reason, and the clauses it was about."),
    ),
    FindingKind.EXPECTATION_FAILED: (
        ("What it finds", "An `expect` that matches no finding, an `assert no` that matches one, an `assert` "
                          "with a counterexample, or a `scenario` that no compliant world has."),
        ("Why it matters", "The spec says what its authors believe about the wording; a failed expectation "
                           "means the wording does not do what they think (or the spec is out of date)."),
        ("Evidence", "The statement and its line; for `assert`, a minimal counterexample; for `scenario`, "
                     "the clauses that rule it out."),
    ),
}

_EXAMPLES: dict[FindingKind, tuple[str, tuple[tuple[str, object], ...]]] = {
    FindingKind.CONTRADICTION: ('''\
instrument example "Contradiction";
party ukraine, russia;
act join(actor: party, bloc: party);
clause art1 "Art. 1" text "Ukraine shall not join any military bloc." {
  ukraine must not join;
}
clause art9 "Art. 9" text "Ukraine shall join the alliance of its choice." {
  ukraine must join(bloc: russia);
}
expect contradiction on art1, art9;
''', ()),
    FindingKind.CONFLICT: ('''\
instrument example "Conflict";
party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
clause art5 "Art. 5" text "The guarantor shall assist Ukraine if it is attacked." {
  usa must assist(to: ukraine) when armed_attack(by: russia, on: ukraine);
}
clause art7 "Art. 7" text "The guarantor shall not intervene in any armed conflict." {
  usa must not assist;
}
expect conflict on art5, art7 by usa;
''', ()),
    FindingKind.HOLLOW_PERMISSION: ('''\
instrument example "Hollow permission";
party ukraine, russia, usa;
enum agreement_kind = {alliance, defense_cooperation, training};
act conclude(actor: party, partner: party, kind: agreement_kind);
clause art2 "Art. 2" text "Ukraine shall conclude no agreement on defence matters." {
  ukraine must not conclude(kind: training);
}
clause art3 "Art. 3" text "Ukraine may conclude agreements on the training of its forces." {
  ukraine may conclude(partner: usa, kind: training);
}
expect hollow-permission on art3, art2 by ukraine;
''', ()),
    FindingKind.PRETEXT: ('''\
instrument example "Pretext";
party ukraine, russia, usa;
enum agreement_kind = {alliance, training};
act conclude(actor: party, partner: party, kind: agreement_kind);
term harms_security(kind: agreement_kind) {
  reading ordinary: kind == alliance;
  reading russia: kind in {alliance, training};
}
clause art2 "Art. 2" text "Ukraine shall conclude no agreement that would harm the security of other parties." {
  ukraine must not conclude where harms_security(kind);
}
expect pretext on art2 by russia;
''', ()),
    FindingKind.BLOCKABLE_GUARANTEE: ('''\
instrument example "Blockable guarantee";
party ukraine, russia, usa;
group guarantors = {russia, usa};
fact armed_attack(by: party, on: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
clause art5 "Art. 5" text "... on the basis of a decision agreed upon by all Guarantor States ..." {
  usa must assist(to: ukraine)
    when armed_attack(on: ukraine) and all g in guarantors: agrees(g)
    protects ukraine against armed_attack(on: ukraine);
}
expect blockable-guarantee on art5 by russia;   # it can attack and veto the answer to its own attack
expect blockable-guarantee on art5 by usa;      # the guarantor itself can withhold its vote
''', ()),
    FindingKind.VACUOUS_GUARANTEE: ('''\
instrument example "Vacuous guarantee";
party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
fact nuclear_weapons_used();
act assist(actor: party, to: party);
clause para4 "Para. 4" text "... a victim of an act of aggression ... in which nuclear weapons are used." {
  usa must assist(to: ukraine)
    when armed_attack(on: ukraine) and nuclear_weapons_used()
    protects ukraine against armed_attack(on: ukraine);
}
expect vacuous-guarantee on para4;
''', ()),
    FindingKind.EXPECTATION_FAILED: ('''\
instrument example "Expectation failed";
party ukraine, russia;
quantity personnel(p: party) controlled by p;
clause caps "Annex" text "The armed forces of Ukraine shall not exceed 250,000 personnel." {
  limit personnel(ukraine) <= 250000;
}
assert small_army: personnel(ukraine) <= 85000;   # fails: 85,001 personnel comply with the Annex
''', ()),
    FindingKind.UNKNOWN: ('''\
instrument example "Unknown";
party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
clause art5 "Art. 5" text "The guarantor shall assist Ukraine if it is attacked." {
  usa must assist(to: ukraine) when armed_attack(by: russia, on: ukraine);
}
clause art7 "Art. 7" text "The guarantor shall not intervene in any armed conflict." {
  usa must not assist;
}
''', (("rlimit", 1),)),
}


def camel(kind: FindingKind) -> str:
    return "".join(part.capitalize() for part in kind.value.split("-"))


def module_name(kind: FindingKind) -> str:
    """The check module that produces `kind` (`hollow-permission` -> verifier.checks.hollow_permission)."""
    if kind is FindingKind.EXPECTATION_FAILED:
        return "verifier.checks.queries"
    return "verifier.checks." + kind.value.replace("-", "_")


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


# Check modules that produce a kind besides the one named after it; their
# sections are added to the main module's, paragraph by paragraph.
ALSO = {FindingKind.HOLLOW_PERMISSION: (("verifier.checks.blocked_permission", "Vetoed permissions"),)}


def _docstring(module: str) -> str:
    try:
        return importlib.import_module(module).__doc__ or ""
    except ImportError:
        return ""


def info(kind: FindingKind) -> KindInfo:
    module: str | None = module_name(kind)
    sections: tuple[tuple[str, str], ...] = ()
    doc = _docstring(module)  # type: ignore[arg-type]
    if doc:
        _, sections = parse_docstring(doc)
        for extra, label in ALSO.get(kind, ()):
            more = dict(parse_docstring(_docstring(extra))[1])
            sections = tuple((h, t + (f"\n{label}: {more[h]}" if h in more and h != "Example" else ""))
                             for h, t in sections)
    fallback = dict(_FALLBACK.get(kind, ()))
    have = {h for h, _ in sections}
    sections = tuple(sections) + tuple((h, t) for h, t in fallback.items() if h not in have)
    sections = tuple(sorted(sections, key=lambda s: SECTIONS.index(s[0]) if s[0] in SECTIONS else len(SECTIONS)))
    example_file = None
    named = dict(sections).get("Example", "")
    match = re.search(r"examples/[\w.-]+\.nv", named)
    if match and (REPO_ROOT / match.group(0)).is_file():
        example_file = match.group(0)
    sections = tuple(s for s in sections if s[0] != "Example")
    text, options = _EXAMPLES[kind]
    return KindInfo(kind, camel(kind), _SUMMARY[kind], _SEVERITY[kind], sections, module if doc else None,
                    text, options, example_file)


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
    """Check the kind's example spec as `example.nv` in a scratch folder -> (exit code, text report)."""
    import os
    import tempfile

    from verifier.pipeline import Options, run
    from verifier.report.text import render

    options = Options(**dict(kind_info.example_options))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="nverify-explain-") as scratch:
        (Path(scratch) / "example.nv").write_text(kind_info.example, encoding="utf-8")
        here = os.getcwd()
        os.chdir(scratch)  # so the report names `example.nv`, not the scratch path
        try:
            loaded, report = run([Path("example.nv")], options)
        finally:
            os.chdir(here)
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
