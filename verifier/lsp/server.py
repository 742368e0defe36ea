"""The language server (pygls 2): diagnostics as you type, go-to-definition and hover.

Every open document is checked as a root, the way `nverify check FILE` would
check it, except that files open in the editor are read from their unsaved
text, and that imports may reach anywhere inside the workspace folder that
holds the file (outside a workspace: the file's own folder). Diagnostics are
published for the document checked; an error inside an imported file is
shown on the `import` statement that brings it in. When a document changes,
every open document that imports it is checked again.

Positions: the front-end counts characters (1-based lines and columns); LSP
counts code units of the negotiated encoding (UTF-16 unless the client offers
another), 0-based. The conversion is done here and nowhere else.
"""

from __future__ import annotations

import logging
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from dsl.diagnostics import Diagnostic, Severity
from dsl.source import SourceFile, Span
from verifier.lsp.analysis import Analysis, Target, analyze

log = logging.getLogger(__name__)

_SEVERITY = {
    Severity.ERROR: T.DiagnosticSeverity.Error,
    Severity.WARNING: T.DiagnosticSeverity.Warning,
    Severity.NOTE: T.DiagnosticSeverity.Information,
}
_WORD = re.compile(r"[^\W\d]\w*")  # a name of the language (dsl/grammar.lark: NAME)


# ---- positions -------------------------------------------------------------------

def _units(text: str, encoding: str) -> int:
    if encoding == T.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == T.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_position(source: SourceFile, line: int, column: int, encoding: str) -> T.Position:
    """1-based line and character column -> LSP position."""
    text = source.line_text(line)
    return T.Position(line=max(0, line - 1), character=_units(text[: max(0, column - 1)], encoding))


def to_range(source: SourceFile, span: Span, encoding: str) -> T.Range:
    return T.Range(start=to_position(source, span.line, span.column, encoding),
                   end=to_position(source, span.end_line, span.end_column, encoding))


def to_offset(source: SourceFile, position: T.Position, encoding: str) -> int:
    """LSP position -> character offset in source (clamped to the text)."""
    if position.line >= len(source.line_starts):
        return len(source.text)
    text = source.line_text(position.line + 1)
    units = index = 0
    while index < len(text) and units < position.character:
        units += _units(text[index], encoding)
        index += 1
    return source.line_starts[position.line] + index


# ---- the server ------------------------------------------------------------------------

def _version() -> str:
    try:
        return version("nverify")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "0"


class NverifyLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("nverify", _version(), text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.analyses: dict[str, Analysis] = {}  # uri -> latest analysis
        self.indexed: dict[str, Analysis] = {}  # uri -> latest analysis that parsed (for broken text)

    # ---- documents -------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or T.PositionEncodingKind.Utf16)

    def path_of(self, uri: str) -> Path:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:  # an unsaved, untitled buffer: pretend it lives in the working directory
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or "untitled"
            return (Path.cwd() / (name if name.endswith(".nv") else name + ".nv")).resolve()
        return Path(path).resolve()

    def uri_of(self, path: Path) -> str:
        uris: list[str] = list(self.workspace.text_documents)
        for uri in uris:
            if self.path_of(uri) == path:
                return uri
        return from_fs_path(str(path)) or path.as_uri()

    def overlay(self) -> dict[Path, str]:
        return {self.path_of(uri): doc.source for uri, doc in self.workspace.text_documents.items()}

    def folder_for(self, path: Path) -> Path:
        """The deepest workspace folder holding path, else the file's own folder."""
        roots = [self.workspace.root_path] if self.workspace.root_path else []
        roots += [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        best: Path | None = None
        for root in roots:
            if not root:
                continue
            folder = Path(root).resolve()
            if path.is_relative_to(folder) and (best is None or len(folder.parts) > len(best.parts)):
                best = folder
        return best or path.parent

    def check(self, uri: str) -> Analysis | None:
        """Analyse an open document, remember the result and publish its diagnostics."""
        if uri not in self.workspace.text_documents:
            return None
        path = self.path_of(uri)
        try:
            analysis = analyze(path, self.overlay(), self.folder_for(path))
        except Exception as err:  # never let a front-end bug take the editor's server down
            log.exception("analysis of %s failed", uri)
            self.window_log_message(T.LogMessageParams(type=T.MessageType.Error,
                                                       message=f"nverify: internal error on {path}: {err!r}"))
            return None
        self.analyses[uri] = analysis
        if analysis.indexed:
            self.indexed[uri] = analysis
        doc = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=uri, diagnostics=self.lsp_diagnostics(analysis), version=doc.version))
        return analysis

    def check_with_dependents(self, uri: str) -> None:
        self.check(uri)
        changed = self.path_of(uri)
        for other, analysis in list(self.analyses.items()):
            if other != uri and changed in analysis.read:
                self.check(other)

    def forget(self, uri: str) -> None:
        self.analyses.pop(uri, None)
        self.indexed.pop(uri, None)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        closed = self.path_of(uri)
        for other, analysis in list(self.analyses.items()):
            if closed in analysis.read:
                self.check(other)

    # ---- conversions ---------------------------------------------------------------------
    def location(self, analysis: Analysis, span: Span) -> T.Location | None:
        file = analysis.file_of(span)
        source = analysis.sources.get(span.path)
        if file is None or source is None:
            return None
        return T.Location(uri=self.uri_of(file), range=to_range(source, span, self.encoding))

    def lsp_diagnostics(self, analysis: Analysis) -> list[T.Diagnostic]:
        out = []
        root_source = analysis.source
        for d in analysis.diagnostics:
            converted = self.lsp_diagnostic(analysis, d, root_source)
            if converted is not None:
                out.append(converted)
        return out

    def lsp_diagnostic(self, analysis: Analysis, d: Diagnostic, root: SourceFile | None) -> T.Diagnostic | None:
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        related = []
        for text, span in d.notes:
            loc = self.location(analysis, span) if span is not None else None
            if loc is not None:
                related.append(T.DiagnosticRelatedInformation(location=loc, message=text))
            else:
                message += f"\nnote: {text}"
        file = analysis.file_of(d.span)
        empty = T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0))
        if file == analysis.path and root is not None:
            rng = to_range(root, d.span, self.encoding)
        else:
            # An error in an imported file: show it on the import that brings it in.
            decl = analysis.import_for(file) if file is not None else None
            rng = to_range(root, decl.span, self.encoding) if decl is not None and root is not None else empty
            message = f"{d.span.path}:{d.span.line}:{d.span.column}: {message}"
            loc = self.location(analysis, d.span)
            if loc is not None:
                related.insert(0, T.DiagnosticRelatedInformation(location=loc, message=d.message))
        return T.Diagnostic(range=rng, message=message, severity=_SEVERITY.get(d.severity, T.DiagnosticSeverity.Error),
                            code=d.code.value, source="nverify", related_information=related or None)

    # ---- look-ups ----------------------------------------------------------------------
    def target_at(self, uri: str, position: T.Position) -> tuple[Analysis, Target, Span | None] | None:
        """The analysis to read, the target of the name at position, and the name's span (if indexed)."""
        analysis = self.analyses.get(uri) or self.check(uri)
        if analysis is None:
            return None
        if analysis.indexed and analysis.source is not None:
            ref = analysis.ref_at(to_offset(analysis.source, position, self.encoding))
            return (analysis, ref.target, ref.span) if ref is not None else None
        # The text does not parse right now: look the word up among the names of the last good version.
        previous = self.indexed.get(uri)
        if previous is None:
            return None
        doc = self.workspace.get_text_document(uri)
        current = SourceFile.of(str(analysis.path), doc.source)
        offset = to_offset(current, position, self.encoding)
        line = current.line_text(position.line + 1)
        column = offset - current.line_starts[min(position.line, len(current.line_starts) - 1)]
        for m in _WORD.finditer(line):
            if m.start() <= column <= m.end():
                target = previous.lookup(m.group(0))
                return (previous, target, None) if target is not None else None
        return None


def create_server() -> NverifyLanguageServer:
    server = NverifyLanguageServer()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NverifyLanguageServer, params: T.DidOpenTextDocumentParams) -> None:
        ls.check_with_dependents(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NverifyLanguageServer, params: T.DidChangeTextDocumentParams) -> None:
        ls.check_with_dependents(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: NverifyLanguageServer, params: T.DidSaveTextDocumentParams) -> None:
        ls.check_with_dependents(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NverifyLanguageServer, params: T.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: NverifyLanguageServer, params: T.DidChangeWatchedFilesParams) -> None:
        # A file changed on disk (saved by another program, checked out): re-check what reads it.
        changed = {ls.path_of(c.uri) for c in params.changes}
        for uri, analysis in list(ls.analyses.items()):
            if changed & analysis.read:
                ls.check(uri)

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: NverifyLanguageServer, params: T.DefinitionParams) -> T.Location | None:
        found = ls.target_at(params.text_document.uri, params.position)
        if found is None:
            return None
        analysis, target, _ = found
        return ls.location(analysis, target.span)

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: NverifyLanguageServer, params: T.HoverParams) -> T.Hover | None:
        found = ls.target_at(params.text_document.uri, params.position)
        if found is None:
            return None
        analysis, target, span = found
        rng = to_range(analysis.source, span, ls.encoding) if span is not None and analysis.source else None
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=analysis.hover(target)),
                       range=rng)

    return server


def serve() -> None:
    """Speak LSP on standard input and output until the client says `exit`."""
    create_server().start_io()
