"""One open document -> diagnostics and a name index, with the dsl front-end. No LSP types here.

`analyze(path, overlay, folder)` runs the same stages as `nverify check` on one
root (read with the editor's unsaved text, parse, follow imports, collect
symbols, elaborate) and keeps what an editor needs: every diagnostic, the
syntax trees, and an index of the names written in the root file, each with
the declaration it refers to (across imports too). Positions here are the
front-end's: character offsets and 1-based lines and columns.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dsl import symmetry
from dsl import syntax as S
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.elaborate import elaborate
from dsl.loader import Loader
from dsl.source import SourceFile, Span
from dsl.symbols import collect
from verifier.registry import PATTERN_KINDS

BUILTIN_SETS = ("party", "bool")


@dataclass(frozen=True)
class Target:
    """Something a name can refer to: a declaration, a parameter, a bound variable, a file."""

    kind: str  # "party", "act", "clause", "parameter", "variable", "file", ...
    name: str
    span: Span  # where it is declared (the declaring name; for a file, its start)
    detail: str | None = None  # e.g. "parameter `by` of fact `armed_attack`: party"
    clause: S.ClauseDecl | None = None


@dataclass(frozen=True)
class Ref:
    """One name written in the root file, and what it refers to."""

    span: Span
    target: Target


@dataclass
class Analysis:
    path: Path  # the root, resolved
    folder: Path  # imports may not leave it
    source: SourceFile | None  # the root's text as analysed
    diagnostics: list[Diagnostic]
    sources: dict[str, SourceFile]  # shown path -> text, for every file read
    files: dict[str, Path]  # shown path -> resolved file
    spec: S.Spec | None  # the root's syntax tree (None after a syntax error)
    refs: list[Ref] = field(default_factory=list)
    globals: dict[str, Target] = field(default_factory=dict)  # declared names (first declaration wins)
    clauses: dict[str, Target] = field(default_factory=dict)
    import_targets: list[tuple[S.ImportDecl, set[Path]]] = field(default_factory=list)  # each import's closure
    read: set[Path] = field(default_factory=set)  # every file this analysis depends on

    @property
    def indexed(self) -> bool:
        return self.spec is not None

    def ref_at(self, offset: int) -> Ref | None:
        """The innermost name at a character offset of the root (its end counts: the cursor after a word)."""
        best: Ref | None = None
        for ref in self.refs:
            if ref.span.start <= offset <= ref.span.end and (
                    best is None or _width(ref.span) < _width(best.span)
                    or (_width(ref.span) == _width(best.span) and offset < ref.span.end)):
                best = ref
        return best

    def lookup(self, word: str) -> Target | None:
        """A global name or clause id by its text (for a document that does not parse right now)."""
        return self.globals.get(word) or self.clauses.get(word)

    def file_of(self, span: Span) -> Path | None:
        """The resolved file a span points into."""
        return self.files.get(span.path)

    def import_for(self, file: Path) -> S.ImportDecl | None:
        """The root's import statement through which `file` was reached."""
        for decl, reached in self.import_targets:
            if file in reached:
                return decl
        return None

    # ---- hover ------------------------------------------------------------
    def hover(self, target: Target) -> str:
        """Markdown for a name: a clause's label, source and wording; for anything else its declaration."""
        where = self._where(target.span)
        if target.clause is not None:
            c = target.clause
            lines = [f"**clause `{c.id.text}`** \u2014 \"{_escape(c.label)}\""]
            if c.source:
                lines += ["", f"*Source:* {_escape(c.source)}"]
            if c.text:
                lines += ["", *(f"> {_escape(part)}" for part in _paragraph(c.text).split("\n"))]
            if c.note:
                lines += ["", f"*Note:* {_escape(_paragraph(c.note))}"]
            if c.overrides:
                lines += ["", "overrides " + ", ".join(f"`{o.text}`" for o in c.overrides)]
            lines += ["", f"declared at {where}"]
            return "\n".join(lines)
        if target.kind == "file":
            return f"**file** `{target.name}`"
        head = f"**{target.kind}** `{target.name}`"
        if target.detail:
            head += f" \u2014 {target.detail}"
        parts = [head]
        source = self.sources.get(target.span.path)
        if source is not None:
            line = source.line_text(target.span.line).strip()
            if line:
                parts += ["", "```nverify", line, "```"]
        parts += ["", f"declared at {where}"]
        return "\n".join(parts)

    def _where(self, span: Span) -> str:
        return f"{span.path}:{span.line}:{span.column}"


def _width(span: Span) -> int:
    return span.end - span.start


def _paragraph(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    """Plain text inside markdown: neutralise the characters that would format it."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<>#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def analyze(path: Path, overlay: Mapping[Path, str], folder: Path | None = None) -> Analysis:
    """Check `path` as a root (reading `overlay` before the disk) and index the names in it."""
    path = path.resolve()
    folder = (folder or path.parent).resolve()
    diags = Diagnostics()
    loader = Loader(diags, overlay)
    specs = loader.closure(path, folder)
    if specs is not None:
        # As `nverify` checks it: states that nothing names, through representatives (a real
        # membership would otherwise be past the atom limit).
        specs = symmetry.reduce(specs, symmetry.classes(specs, symmetry.COALITION_SIZE))
        local = Diagnostics()
        sym = collect(specs, local)
        elaborate(specs, sym, local, PATTERN_KINDS)
        diags.extend(local)
    shown = next((s for s, p in loader.files.items() if p == path), None)
    root_spec = loader.parsed.get(path)
    analysis = Analysis(
        path=path,
        folder=folder,
        source=loader.sources.get(shown) if shown is not None else None,
        diagnostics=diags.sorted(),
        sources=dict(loader.sources),
        files=dict(loader.files),
        spec=root_spec,
        read=set(loader.parsed),
    )
    if root_spec is None:
        return analysis
    # Every file that parsed, imports first, as `collect` sees them: the first declaration of a name wins.
    parsed_specs = _post_order(root_spec, path, loader, folder)
    _Indexer(analysis, parsed_specs).run(root_spec)
    analysis.import_targets = _import_closures(root_spec, path, loader, folder)
    return analysis


def _import_path(importer: Path, decl: S.ImportDecl, folder: Path) -> Path | None:
    raw = decl.path
    if os.path.isabs(raw) or raw.startswith("~"):
        return None
    target = (importer.parent / raw).resolve()
    return target if target.is_relative_to(folder) else None


def _post_order(root: S.Spec, root_path: Path, loader: Loader, folder: Path) -> list[tuple[S.Spec, Path]]:
    """The parsed files reachable from the root, imports first (as the loader orders them)."""
    order: list[tuple[S.Spec, Path]] = []
    seen: set[Path] = set()

    def visit(spec: S.Spec, at: Path) -> None:
        seen.add(at)
        for decl in spec.decls:
            if isinstance(decl, S.ImportDecl):
                target = _import_path(at, decl, folder)
                if target is not None and target not in seen:
                    child = loader.parsed.get(target)
                    if child is not None:
                        visit(child, target)
        order.append((spec, at))

    visit(root, root_path)
    return order


def _import_closures(root: S.Spec, root_path: Path, loader: Loader, folder: Path) -> list[tuple[S.ImportDecl, set[Path]]]:
    out = []
    for decl in root.decls:
        if not isinstance(decl, S.ImportDecl):
            continue
        target = _import_path(root_path, decl, folder)
        reached: set[Path] = set()
        stack = [target] if target is not None else []
        while stack:
            p = stack.pop()
            if p in reached or p == root_path:
                continue
            reached.add(p)
            spec = loader.parsed.get(p)
            if spec is not None:
                stack.extend(t for d in spec.decls if isinstance(d, S.ImportDecl)
                             if (t := _import_path(p, d, folder)) is not None)
        out.append((decl, reached))
    return out


# ---- the name index -----------------------------------------------------------

Scope = dict[str, Target]


def _params(owner: str, params: Iterable[S.Param]) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for p in params:
        out.setdefault(p.name.text, Target("parameter", p.name.text, p.name.span,
                                           f"parameter of {owner}: `{p.type.text}`"))
    return out


class _Indexer:
    """Walks the syntax trees: collects the declarations of every file, then the names of the root."""

    def __init__(self, analysis: Analysis, specs: list[tuple[S.Spec, Path]]) -> None:
        self.a = analysis
        self.params: dict[str, dict[str, Target]] = {}  # callee -> its parameters
        self.param_order: dict[str, list[str]] = {}
        self.any_reading: dict[str, Target] = {}
        for spec, _ in specs:
            for decl in spec.decls:
                self._declare(decl)

    # ---- declarations --------------------------------------------------------
    def _global(self, name: S.Name, kind: str, detail: str | None = None) -> None:
        self.a.globals.setdefault(name.text, Target(kind, name.text, name.span, detail))

    def _declare(self, decl: object) -> None:
        a = self.a
        if isinstance(decl, S.PartyDecl):
            for n in decl.names:
                self._global(n, "party")
        elif isinstance(decl, S.EnumDecl):
            self._global(decl.name, "enum", "{" + ", ".join(v.text for v in decl.values) + "}")
            for v in decl.values:
                self._global(v, "value", f"of enum `{decl.name.text}`")
        elif isinstance(decl, S.GroupDecl):
            self._global(decl.name, "group", "{" + ", ".join(m.text for m in decl.members) + "}")
        elif isinstance(decl, S.PredicateDecl):
            if decl.name.text not in a.globals:
                owner = f"{decl.kind} `{decl.name.text}`"
                self.params[decl.name.text] = _params(owner, decl.params)
                self.param_order[decl.name.text] = [p.name.text for p in decl.params]
            self._global(decl.name, decl.kind)
        elif isinstance(decl, S.DefineDecl):
            if decl.name.text not in a.globals:
                self.params[decl.name.text] = _params(f"definition `{decl.name.text}`", decl.params)
                self.param_order[decl.name.text] = [p.name.text for p in decl.params]
            self._global(decl.name, "definition")
        elif isinstance(decl, S.TermDecl):
            if decl.name.text not in a.globals:
                self.params[decl.name.text] = _params(f"term `{decl.name.text}`", decl.params)
                self.param_order[decl.name.text] = [p.name.text for p in decl.params]
                for r in decl.readings:
                    self.any_reading.setdefault(r.name.text, Target("reading", r.name.text, r.name.span,
                                                                    f"of term `{decl.name.text}`"))
            self._global(decl.name, "term")
        elif isinstance(decl, S.ClauseDecl):
            a.clauses.setdefault(decl.id.text, Target("clause", decl.id.text, decl.id.span,
                                                      f"\"{decl.label}\"", clause=decl))

    # ---- references ------------------------------------------------------------
    def ref(self, name: S.Name | None, target: Target | None) -> None:
        if name is not None and target is not None:
            self.a.refs.append(Ref(name.span, target))

    def glob(self, name: S.Name) -> None:
        self.ref(name, self.a.globals.get(name.text))

    def party(self, name: S.Name | None) -> None:
        if name is not None:
            t = self.a.globals.get(name.text)
            self.ref(name, t if t is not None and t.kind == "party" else None)

    def run(self, root: S.Spec) -> None:
        for decl in root.decls:
            self.decl(decl)
        self.a.refs.sort(key=lambda r: (r.span.start, r.span.end))

    def decl(self, d: object) -> None:
        if isinstance(d, S.InstrumentDecl):
            self.ref(d.name, Target("instrument", d.name.text, d.name.span, f"\"{d.title}\""))
        elif isinstance(d, S.ImportDecl):
            target = _import_path(self.a.path, d, self.a.folder)
            if target is not None and target in self.a.read:
                shown = next((s for s, p in self.a.files.items() if p == target), str(target))
                start = SourceFile.of(shown, "").span(0, 0)
                self.a.refs.append(Ref(d.span, Target("file", shown, start)))
        elif isinstance(d, S.PartyDecl):
            for n in d.names:
                self.glob(n)
        elif isinstance(d, S.EnumDecl):
            self.glob(d.name)
            for v in d.values:
                self.glob(v)
        elif isinstance(d, S.GroupDecl):
            self.glob(d.name)
            for m in d.members:
                self.glob(m)
        elif isinstance(d, S.PredicateDecl):
            self.glob(d.name)
            local = _params(f"{d.kind} `{d.name.text}`", d.params)
            self.param_decls(d.params, local)
            if d.control is not None:
                self.ref(d.control, local.get(d.control.text))
        elif isinstance(d, (S.DefineDecl, S.TermDecl)):
            self.glob(d.name)
            what = "definition" if isinstance(d, S.DefineDecl) else "term"
            local = _params(f"{what} `{d.name.text}`", d.params)
            self.param_decls(d.params, local)
            if isinstance(d, S.DefineDecl):
                self.expr(d.body, local)
            else:
                own = {r.name.text: Target("reading", r.name.text, r.name.span, f"of term `{d.name.text}`")
                       for r in reversed(d.readings)}
                for r in d.readings:
                    self.ref(r.name, own.get(r.name.text))
                    if r.alias is not None:
                        self.ref(r.alias, own.get(r.alias.text))
                    if r.body is not None:
                        self.expr(r.body, local)
        elif isinstance(d, S.AssumeDecl):
            self.expr(d.expr, {})
        elif isinstance(d, S.ClauseDecl):
            self.ref(d.id, self.a.clauses.get(d.id.text))
            for o in d.overrides:
                self.ref(o, self.a.clauses.get(o.text))
            for item in d.items:
                self.clause_item(item)
        elif isinstance(d, (S.AssertDecl, S.ScenarioDecl)):
            kind = "assertion" if isinstance(d, S.AssertDecl) else "scenario"
            self.ref(d.name, Target(kind, d.name.text, d.name.span))
            self.expr(d.expr, {})
        else:
            self.generic(d)

    def param_decls(self, params: tuple[S.Param, ...], local: dict[str, Target]) -> None:
        for p in params:
            self.ref(p.name, local.get(p.name.text))
            if p.type.text not in BUILTIN_SETS:
                self.glob(p.type)

    def generic(self, node: object) -> None:
        """Declarations without a rule of their own (queries): patterns, parties and expressions in them."""
        if isinstance(node, S.FindingPattern):
            self.pattern(node)
            return
        if _is_expr(node):
            self.expr(node, {})
            return
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            return
        for f in dataclasses.fields(node):
            value = getattr(node, f.name, None)
            if isinstance(value, S.Name):
                if f.name == "party":
                    self.party(value)
            elif isinstance(value, tuple):
                for v in value:
                    self.generic(v)
            elif value is not None and not isinstance(value, (str, int, Span)):
                self.generic(value)

    def pattern(self, p: S.FindingPattern) -> None:
        for c in p.clauses:
            self.ref(c, self.a.clauses.get(c.text))
        self.party(p.party)
        self.party(p.draft)
        if p.reading is not None:
            self.ref(p.reading, self.any_reading.get(p.reading.text))

    # ---- clauses ------------------------------------------------------------------
    def clause_item(self, item: object) -> None:
        if isinstance(item, S.NormDecl):
            self.norm(item)
        elif isinstance(item, S.LimitDecl):
            self.expr(item.expr, {})
            for cond in (item.when, item.unless):
                if cond is not None:
                    self.expr(cond, {})
        elif isinstance(item, S.NormBracket):
            for alt in item.alts:
                self.party(alt.label)
                for sub in alt.items:
                    self.clause_item(sub)
        else:
            self.generic(item)

    def norm(self, n: S.NormDecl) -> None:
        base: Scope = {}
        if isinstance(n.subject, S.Name):
            self.party(n.subject)
        else:
            self.set_expr(n.subject.set)
            t = Target("variable", n.subject.var.text, n.subject.var.span, "each member of the subject set")
            base[n.subject.var.text] = t
            self.ref(n.subject.var, t)
        pattern_scope: Scope = dict(base)
        cond_scope: Scope = dict(base)
        if isinstance(n.action, S.ActAction):
            name = n.action.name
            self.glob(name)
            params = self.params.get(name.text, {})
            order = self.param_order.get(name.text, [])
            self.args(n.action.args, name.text, base)
            pattern_scope.update(params)
            if order and n.modality == "must":
                cond_scope[order[0]] = params[order[0]]
            elif n.modality != "must":
                cond_scope = pattern_scope
        else:
            self.expr(n.action.expr, base)
        if n.where is not None:
            self.expr(n.where, pattern_scope)
        for cond in (n.when, n.unless):
            if cond is not None:
                self.expr(cond, cond_scope)
        if n.protects is not None:
            self.party(n.protects.party)
            self.expr(n.protects.event, {})

    # ---- expressions -----------------------------------------------------------------
    def set_expr(self, s: object) -> None:
        if isinstance(s, S.SetName):
            if s.name.text not in BUILTIN_SETS:
                self.glob(s.name)
        elif isinstance(s, S.SetLiteral):
            for item in s.items:
                self.glob(item)

    def args(self, args: tuple[S.Arg, ...], callee: str, scope: Scope) -> None:
        params = self.params.get(callee, {})
        for arg in args:
            if arg.name is not None:
                self.ref(arg.name, params.get(arg.name.text))
            self.expr(arg.value, scope)

    def expr(self, e: object, scope: Scope) -> None:
        if isinstance(e, S.NameRef):
            self.ref(e.name, scope.get(e.name.text) or self.a.globals.get(e.name.text))
        elif isinstance(e, S.Call):
            self.glob(e.name)
            self.args(e.args, e.name.text, scope)
        elif isinstance(e, S.Not):
            self.expr(e.operand, scope)
        elif isinstance(e, (S.Binary, S.Compare, S.Arith)):
            self.expr(e.left, scope)
            self.expr(e.right, scope)
        elif isinstance(e, S.Member):
            self.expr(e.element, scope)
            self.set_expr(e.set)
        elif isinstance(e, S.Quantified):
            inner = dict(scope)
            for b in e.binders:
                self.set_expr(b.set)
                t = Target("variable", b.var.text, b.var.span, f"bound by `{e.kind}`")
                inner[b.var.text] = t
                self.ref(b.var, t)
            self.expr(e.body, inner)
        elif isinstance(e, S.Count):
            if e.bound is not None:
                self.expr(e.bound, scope)
            self.set_expr(e.binder.set)
            t = Target("variable", e.binder.var.text, e.binder.var.span, f"bound by `{e.kind}`")
            self.ref(e.binder.var, t)
            self.expr(e.body, {**scope, e.binder.var.text: t})
        elif isinstance(e, S.ExprBracket):
            for alt in e.alts:
                self.party(alt.label)
                self.expr(alt.expr, scope)


_EXPR_TYPES = tuple(t for t in (getattr(S, n, None) for n in (
    "NameRef", "Call", "Number", "BoolLit", "Not", "Binary", "Compare", "Arith", "Member", "Quantified",
    "Count", "ExprBracket")) if isinstance(t, type))


def _is_expr(node: object) -> bool:
    return isinstance(node, _EXPR_TYPES)


__all__ = ["Analysis", "Ref", "Target", "analyze"]
