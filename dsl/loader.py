"""Paths -> checked instruments: read, parse, follow imports, collect symbols, elaborate.

Imports resolve relative to the importing file and may not leave the folder
being checked. Each file is read and parsed once per run. Every file given
(or found in a folder) is a root; a root without clauses or queries is a
declarations module and yields no instrument.

An optional overlay maps paths to text that replaces what is on disk (an
editor's unsaved buffers): an overlaid file is read from the overlay, and
exists for imports even when it was never saved.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dsl import symmetry
from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.elaborate import elaborate
from dsl.literals import numbers_ok
from dsl.model import Instrument
from dsl.parser import parse
from dsl.source import SourceFile, Span
from dsl.symbols import collect

MAX_FILE_BYTES = 1_000_000
MAX_IMPORT_DEPTH = 32


@dataclass
class LoadResult:
    instruments: list[Instrument] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)  # roots with no clauses: declarations only
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # shown path -> the resolved file it was read from


def display_path(path: Path) -> str:
    """Paths as the user should see them: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path.resolve(), Path.cwd().resolve()) if path.resolve().is_relative_to(
            Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)


def expand(paths: list[Path], diags: Diagnostics, overlay: Collection[Path] = ()) -> list[tuple[Path, Path]]:
    """(file, confinement folder) for every .nv file named or found under a folder, sorted.

    `overlay` holds the resolved paths of files that exist in memory (perhaps not on disk).
    """
    out: list[tuple[Path, Path]] = []
    for p in paths:
        span = Span(str(p), 0, 0, 1, 1, 1, 1)
        try:
            if p.is_dir():
                folder = p.resolve()
                found = {f for f in p.rglob("*.nv") if f.is_file()}
                found |= {p / o.relative_to(folder) for o in overlay if o.suffix == ".nv" and o.is_relative_to(folder)}
                if not found:
                    diags.error(Code.IO_ERROR, span, f"no .nv file in {p}",
                                help="nverify checks the .nv files in a folder and its subfolders")
                for f in sorted(found):
                    if f.resolve() not in overlay and not f.resolve().is_relative_to(folder):
                        # A link to a file elsewhere: not part of the folder being checked.
                        diags.error(Code.IMPORT_OUTSIDE, Span(str(f), 0, 0, 1, 1, 1, 1),
                                    f"{f} is a link to a file outside {p}; it was not checked",
                                    help="name the file itself on the command line to check it")
                        continue
                    out.append((f, folder))
            elif p.is_file() or p.resolve() in overlay:
                out.append((p, p.resolve().parent))
            else:
                diags.error(Code.IO_ERROR, span, f"no such file or folder: {p}")
        except (OSError, RuntimeError, ValueError) as err:  # a name too long, a loop of links (RuntimeError
            # before Python 3.13), a folder that cannot be listed, a name the OS refuses (ValueError)
            diags.error(Code.IO_ERROR, span, f"cannot read {p}: {getattr(err, 'strerror', None) or err}")
    seen: set[Path] = set()
    unique = []
    for f, root in out:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append((f, root))
    return unique


class _TooLarge(Exception):
    """A file that grew past MAX_FILE_BYTES between its size check and its reading."""


class Loader:
    """Reads and parses files once each; resolves imports with cycle detection."""

    def __init__(self, diags: Diagnostics, overlay: Mapping[Path, str] | None = None) -> None:
        self.diags = diags
        self.parsed: dict[Path, S.Spec | None] = {}
        self.sources: dict[str, SourceFile] = {}
        self.files: dict[str, Path] = {}  # shown path -> resolved file
        # Resolved path -> text that replaces the file on disk (or stands for a file never saved).
        self.overlay: dict[Path, str] = {Path(p).resolve(): text for p, text in (overlay or {}).items()}

    def read(self, path: Path, at: Span | None) -> S.Spec | None:
        key = path.resolve()
        if key in self.parsed:
            return self.parsed[key]
        shown = display_path(path)
        where = at or Span(shown, 0, 0, 1, 1, 1, 1)
        spec: S.Spec | None = None
        try:
            overlaid = self.overlay.get(key)
            size = len(overlaid.encode("utf-8", "surrogatepass")) if overlaid is not None else path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.diags.error(Code.TOO_LARGE, where,
                                 f"{shown} is {size:,} bytes; a spec may be at most {MAX_FILE_BYTES:,} bytes")
            elif overlaid is not None:
                source = SourceFile.of(shown, overlaid)
                self.sources[shown] = source
                self.files[shown] = key
                spec = parse(source, self.diags) if numbers_ok(source, self.diags) else None
            else:
                with path.open("rb") as handle:  # bounded, even if the file grew since stat
                    data = handle.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    raise _TooLarge()
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as err:
                    self.files[shown] = key
                    if at is not None:
                        # Imported: say so at the import, without quoting what the file holds.
                        self.diags.error(Code.IO_ERROR, at, f"{shown} is not UTF-8 text (byte 0x{data[err.start]:02x} "
                                                            f"at offset {err.start}); its content is not shown",
                                         help="an import names a spec saved as UTF-8")
                    else:
                        self._not_utf8(shown, data, err)
                else:
                    source = SourceFile.of(shown, text)
                    self.sources[shown] = source
                    self.files[shown] = key
                    spec = parse(source, self.diags) if numbers_ok(source, self.diags) else None
        except _TooLarge:
            self.diags.error(Code.TOO_LARGE, where, f"{shown} is more than {MAX_FILE_BYTES:,} bytes; "
                                                    f"a spec may be at most {MAX_FILE_BYTES:,} bytes")
        except OSError as err:
            self.diags.error(Code.IO_ERROR, where, f"cannot read {shown}: {err.strerror or err}")
        self.parsed[key] = spec
        return spec

    def _not_utf8(self, shown: str, data: bytes, err: UnicodeDecodeError) -> None:
        """Point at the first byte that is not UTF-8, on its line (shown with a replacement mark)."""
        source = SourceFile.of(shown, data.decode("utf-8", errors="replace"))
        self.sources[shown] = source
        at = len(data[: err.start].decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n"))
        self.diags.error(Code.IO_ERROR, source.span(at, at + 1),
                         f"{shown} is not UTF-8 text: byte 0x{data[err.start]:02x} cannot be decoded",
                         help="save the file as UTF-8")

    def closure(self, root: Path, folder: Path) -> list[S.Spec] | None:
        """The root and every file it imports, imports first (post-order), each once."""
        order: list[S.Spec] = []
        done: set[Path] = set()
        ok = True

        def visit(path: Path, stack: list[Path], at: Span | None) -> None:
            nonlocal ok
            key = path.resolve()
            if key in done:
                return
            spec = self.read(path, at)
            if spec is None:
                ok = False
                return
            for decl in spec.decls:
                if not isinstance(decl, S.ImportDecl):
                    continue
                target = self._resolve_import(path, folder, decl)
                if target is None:
                    ok = False
                    continue
                if target.resolve() in stack:
                    chain = " -> ".join(display_path(p) for p in [*stack[stack.index(target.resolve()):], target])
                    self.diags.error(Code.IMPORT_CYCLE, decl.span, f"import cycle: {chain}",
                                     help="move the shared declarations into a file that both import")
                    ok = False
                    continue
                if len(stack) >= MAX_IMPORT_DEPTH:
                    self.diags.error(Code.TOO_COMPLEX, decl.span, f"imports nest deeper than {MAX_IMPORT_DEPTH} files")
                    ok = False
                    continue
                visit(target, [*stack, target.resolve()], decl.span)
            done.add(key)
            order.append(spec)

        visit(root, [root.resolve()], None)
        return order if ok else None

    def _resolve_import(self, importer: Path, folder: Path, decl: S.ImportDecl) -> Path | None:
        raw = decl.path
        if os.path.isabs(raw) or raw.startswith("~"):
            self.diags.error(Code.IMPORT_OUTSIDE, decl.span, f"import \"{raw}\" is an absolute path",
                             help="imports are relative to the importing file")
            return None
        if not raw.endswith(".nv"):
            # Only specs are read through an import: a spec cannot make nverify read (and quote
            # in its errors) some other file of the folder.
            self.diags.error(Code.IMPORT_NOT_FOUND, decl.span, f"import \"{raw}\" does not name a spec file",
                             help="imports name `.nv` files")
            return None
        if "\x00" in raw:  # (an escaped NUL: no file has such a name, and the OS cannot be asked)
            self.diags.error(Code.IMPORT_NOT_FOUND, decl.span, f"import {json.dumps(raw)} contains a NUL character; "
                                                               "no file has such a name")
            return None
        target = (importer.parent / raw)
        try:
            resolved = target.resolve()
            if not resolved.is_relative_to(folder):
                self.diags.error(Code.IMPORT_OUTSIDE, decl.span,
                                 f"import \"{raw}\" leaves the folder being checked ({display_path(folder)})",
                                 help="a spec may only import files inside the folder it is checked in")
                return None
            found = resolved in self.overlay or resolved.is_file()
        except (OSError, RuntimeError, ValueError) as err:  # a name too long, a loop of links (RuntimeError
            # before 3.13), a name the OS refuses (ValueError)
            reason = getattr(err, "strerror", None) or ("a loop of symbolic links" if isinstance(err, RuntimeError)
                                                         else str(err))
            self.diags.error(Code.IMPORT_NOT_FOUND, decl.span, f"cannot use import \"{raw}\": {reason}")
            return None
        if not found:
            self.diags.error(Code.IMPORT_NOT_FOUND, decl.span, f"cannot find \"{raw}\" (looked for {display_path(target)})")
            return None
        return target


def load(paths: list[Path], overlay: Mapping[Path, str] | None = None,
         finding_kinds: Collection[str] | None = None, coalition_size: int | None = None,
         alongside: Sequence[Path] = ()) -> LoadResult:
    """Load every spec under paths. Any error leaves `instruments` empty-handed for that file.

    `overlay` (path -> text) replaces files on disk, or adds files that are not there.
    `finding_kinds`: the kinds a finding pattern may name (see `elaborate`; None: any).
    `coalition_size`: check each class of interchangeable parties with as many representatives
    as questions about coalitions up to that size need (`dsl.symmetry`); None: every party.
    `alongside`: specs compared with these (`nverify diff`): a class is then of parties
    interchangeable in both, so that the two keep the same parties. Their own errors are not
    reported here (they are when they are loaded in turn).
    """
    result = LoadResult()
    loader = Loader(result.diagnostics, overlay)
    others: list[list[S.Spec]] = []
    summaries: symmetry.Summaries = {}  # (each file is parsed once: its summary is made once)
    if alongside and coalition_size is not None:
        aside = Loader(Diagnostics(), overlay)
        for path, folder in expand(list(alongside), Diagnostics(), aside.overlay.keys()):
            specs = aside.closure(path, folder)
            if specs is not None:
                others.append(specs)
    for path, folder in expand(paths, result.diagnostics, loader.overlay.keys()):
        specs = loader.closure(path, folder)
        if specs is None:
            continue
        found = symmetry.classes(specs, coalition_size, also=others, known=summaries) \
            if coalition_size is not None else ()
        declared = symmetry.parties(specs)
        specs = symmetry.reduce(specs, found)
        local = Diagnostics()
        sym = collect(specs, local)
        # Elaborate even after declaration errors, so unknown names elsewhere are reported too.
        instrument = elaborate(specs, sym, local, finding_kinds)
        result.diagnostics.extend(local)
        if instrument is None or local.has_errors():
            continue
        if found:
            instrument = dataclasses.replace(instrument, symmetry=found, declared=declared)
        if instrument.clauses or instrument.queries:
            result.instruments.append(instrument)
        else:
            result.modules.append(instrument.path)
    result.sources = dict(loader.sources)
    result.files = dict(loader.files)
    return result



_BLANK = re.compile(r"(?:\s|#[^\n]*)*\Z")


def refuse_empty(result: LoadResult) -> None:
    """A file checked that declares nothing at all (empty, or blanks and comments only) is an error:
    there is nothing to check in it. A file of declarations alone is a module, checked for errors.

    The language server leaves this out: a new file is empty while it is being written.
    """
    for path in result.modules:
        source = result.sources.get(path)
        if source is not None and _BLANK.match(source.text):
            result.diagnostics.error(Code.NOTHING_TO_CHECK, source.span(0, 0),
                                     f"{path} is empty: it declares nothing, so there is nothing to check",
                                     help="write the clauses under review (`nverify init` writes a starter spec)")
