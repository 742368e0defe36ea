"""`nverify lsp`: a scripted editor session over JSON-RPC, plus the pieces it is built from.

The session starts `python -m verifier lsp` as a subprocess and talks LSP to
it over stdio with the small client below (every read has a timeout, so a
hung server fails the test instead of hanging it).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dsl.loader import load
from dsl.source import SourceFile
from verifier.lsp.analysis import analyze

TIMEOUT = 20.0  # seconds for any one answer; the server answers in milliseconds once started


class LspClient:
    """Just enough of an LSP client: framed JSON-RPC over the server's stdin/stdout."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "verifier", "lsp"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.pending: list[dict[str, Any]] = []  # messages read while waiting for another
        self.stderr: list[bytes] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                self.inbox.put(json.loads(out.read(length)))
        finally:
            self.inbox.put(None)

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"method": method, "params": params} if params is not None else {"method": method})

    def receive(self, accept: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        """The first message (already read or still to come) that `accept` takes."""
        for i, m in enumerate(self.pending):
            if accept(m):
                return self.pending.pop(i)
        while True:
            try:
                got = self.inbox.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no {what} within {TIMEOUT}s; stderr:\n{self.stderr_text()}") from None
            if got is None:
                raise AssertionError(f"the server closed its output while we waited for {what}; "
                                     f"stderr:\n{self.stderr_text()}")
            if "method" in got and "id" in got:  # a request from the server: answer it, accept nothing else
                self.send({"id": got["id"], "result": None})
                continue
            if accept(got):
                return got
            self.pending.append(got)

    def request(self, method: str, params: dict[str, Any] | None) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.receive(lambda m: m.get("id") == ident and "method" not in m, f"reply to {method}")
        assert "error" not in reply, reply["error"]
        return reply.get("result")

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict[str, Any]]:
        """The next diagnostics published for uri (for a given document version, if said)."""
        m = self.receive(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri
                         and (version is None or m["params"].get("version") == version),
                         f"diagnostics for {uri}")
        diagnostics: list[dict[str, Any]] = m["params"]["diagnostics"]
        return diagnostics

    def stderr_text(self) -> str:
        return b"".join(self.stderr).decode("utf-8", "replace")[-4000:]

    def close(self) -> int:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None)
                self.notify("exit")
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


WORLD = """\
# shared declarations
party ukraine, russia, usa;
group guarantors = {russia, usa};
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
"""

# Line 10 has the mistake: `rusia`. The label before it holds a character outside the BMP (two UTF-16 units).
MAIN = """\
instrument demo "LSP demo";
import "world.nv";
party belarus;

clause art5 "Art. 5"
  source "Draft treaty, Art. 5"
  text "each Guarantor State shall assist Ukraine if it is attacked"
{
  each g in guarantors must assist(to: ukraine) when armed_attack(on: ukraine);
}
clause art2 "Art. 2 \U0001F54A" { belarus must not assist(to: rusia); }
expect hollow-permission on art5;
"""


def _position(text: str, needle: str, occurrence: int = 0, delta: int = 0) -> dict[str, int]:
    """The LSP position (UTF-16) of the n-th occurrence of needle, plus delta characters."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": len(text[start:index].encode("utf-16-le")) // 2}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("lsp")
    (folder / "world.nv").write_text(WORLD, encoding="utf-8")
    (folder / "main.nv").write_text(MAIN, encoding="utf-8")
    client = LspClient(folder)
    try:
        result = client.request("initialize", {"processId": None, "rootUri": folder.as_uri(),
                                               "capabilities": {}, "workspaceFolders": None})
        caps = result["capabilities"]
        assert caps["definitionProvider"] and caps["hoverProvider"]
        client.notify("initialized", {})
        yield client, folder
    finally:
        code = client.close()
    assert code == 0, client.stderr_text()


def _open(client: LspClient, uri: str, text: str, version: int = 1) -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "nverify",
                                                            "version": version, "text": text}})


def test_session_diagnostics_definition_hover(session: Any) -> None:
    client, folder = session
    uri = (folder / "main.nv").as_uri()
    world_uri = (folder / "world.nv").as_uri()

    # An error as soon as the file is opened, with the range of the misspelt name.
    _open(client, uri, MAIN)
    diags = client.diagnostics(uri, version=1)
    assert len(diags) == 1, diags
    d = diags[0]
    assert "unknown name `rusia`" in d["message"] and "did you mean `russia`?" in d["message"]
    assert d["code"] == "unknown-name" and d["severity"] == 1 and d["source"] == "nverify"
    start = _position(MAIN, "rusia")
    assert d["range"] == {"start": start, "end": {**start, "character": start["character"] + 5}}
    # The bird in the label is two UTF-16 units: the column counts it so.
    assert start["character"] == len('clause art2 "Art. 2 \U0001F54A" { belarus must not assist(to: '.encode("utf-16-le")) // 2

    # Fix it with an incremental change; the diagnostics are cleared.
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": d["range"], "text": "russia"}],
    })
    assert client.diagnostics(uri, version=2) == []
    text = MAIN.replace("rusia", "russia")

    # Definition of a party declared in this file.
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "belarus", 1, 2)})
    decl = _position(text, "belarus")
    assert loc == {"uri": uri, "range": {"start": decl, "end": {**decl, "character": decl["character"] + 7}}}

    # Definition across the import: `ukraine` and the act parameter `to` live in world.nv.
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "ukraine", 0)})
    assert loc["uri"] == world_uri
    assert loc["range"]["start"] == _position(WORLD, "ukraine")
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "to:", 1)})
    assert loc["uri"] == world_uri and loc["range"]["start"] == _position(WORLD, "to:")
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "guarantors")})
    assert loc["uri"] == world_uri and loc["range"]["start"] == _position(WORLD, "guarantors")

    # A clause id used in an `expect` goes to the clause.
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "art5", 1)})
    assert loc["uri"] == uri and loc["range"]["start"] == _position(text, "art5")

    # Hover on a clause id: label, source and quoted text.
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": _position(text, "art5", 0, 1)})
    value = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert "Art. 5" in value and "Draft treaty, Art. 5" in value
    assert "> each Guarantor State shall assist Ukraine if it is attacked" in value
    assert hover["range"]["start"] == _position(text, "art5")

    # Hover on another name: its declaration line.
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": _position(text, "armed_attack")})
    assert "fact armed_attack(by: party, on: party) controlled by by;" in hover["contents"]["value"]

    # Nothing to find on a keyword.
    assert client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                      "position": _position(text, "must")}) is None


def test_syntax_error_and_imported_error(session: Any) -> None:
    client, folder = session
    uri = (folder / "broken.nv").as_uri()  # never saved: it exists only in the editor
    text = 'import "world.nv";\nclause c "C" { ukraine must assist(to: usa) }\n'
    _open(client, uri, text)
    diags = client.diagnostics(uri, version=1)
    assert [d["code"] for d in diags] == ["syntax"]
    assert diags[0]["range"]["start"] == _position(text, "}", 0)
    assert "missing ';'" in diags[0]["message"]

    # While the text does not parse, definitions still resolve names through the last good version.
    fixed = text.replace(") }", "); }")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": fixed}]})
    assert client.diagnostics(uri, version=2) == []
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": text}]})
    assert len(client.diagnostics(uri, version=3)) == 1
    loc = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                     "position": _position(text, "usa")})
    assert loc["uri"] == (folder / "world.nv").as_uri()

    # An error in an open imported file shows on the import of every open file that reaches it.
    world_uri = (folder / "world.nv").as_uri()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                             "contentChanges": [{"text": fixed}]})
    assert client.diagnostics(uri, version=4) == []
    bad_world = WORLD.replace("to: party", "to: person")
    _open(client, world_uri, bad_world)
    assert [d["code"] for d in client.diagnostics(world_uri)] == ["unknown-type"]
    shown = client.diagnostics(uri)
    assert len(shown) == 1 and shown[0]["range"]["start"] == {"line": 0, "character": 0}
    assert "world.nv:5:" in shown[0]["message"] and "unknown type `person`" in shown[0]["message"]
    related = shown[0]["relatedInformation"][0]["location"]
    assert related["uri"] == world_uri and related["range"]["start"] == _position(bad_world, "person")
    # Closing the imported file: the others are checked against the disk again.
    client.notify("textDocument/didClose", {"textDocument": {"uri": world_uri}})
    assert client.diagnostics(world_uri) == []
    assert client.diagnostics(uri) == []


def test_a_document_over_the_limits_gets_a_diagnostic_not_a_hang(session: Any) -> None:
    """While typing, a document may pass through any size: the server answers with the
    estimate's error (the client's read timeout fails the test if the server hangs)."""
    client, folder = session
    uri = (folder / "typing.nv").as_uri()
    loops = "".join(f"for v{i} in party: " for i in range(30))  # 2**30 norms if expanded
    text = f'party pa, pb;\nact a(actor: party, t: party);\nclause c "C" {{ {loops}pa must not a(v0); }}\n'
    _open(client, uri, text)
    diags = client.diagnostics(uri, version=1)
    assert [d["code"] for d in diags] == ["too-complex"] and "norms" in diags[0]["message"]
    assert diags[0]["range"]["start"] == _position(text, "for v0")
    # (300 values of an enum: 300 parties that nothing names would be a class of interchangeable
    # parties, checked through a few representatives.)
    many = "party pa;\nenum v = {" + ", ".join(f"v{i}" for i in range(300)) + "};\nfact f(a: v, b: v);\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": many}]})
    diags = client.diagnostics(uri, version=2)
    assert [d["code"] for d in diags] == ["too-complex"] and "90,000 atoms" in diags[0]["message"]
    assert diags[0]["range"]["start"] == _position(many, "fact f")
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


# ---- the parts, in process ---------------------------------------------------------

def test_load_overlay_replaces_and_adds_files(tmp_path: Path) -> None:
    (tmp_path / "world.nv").write_text(WORLD, encoding="utf-8")
    main = tmp_path / "main.nv"
    main.write_text(MAIN, encoding="utf-8")
    on_disk = load([main])
    assert [d.code.value for d in on_disk.diagnostics.sorted()] == ["unknown-name"]
    fixed = load([main], overlay={main: MAIN.replace("rusia", "russia")})
    assert not fixed.diagnostics.sorted() and len(fixed.instruments) == 1
    assert {p.name for p in fixed.files.values()} == {"main.nv", "world.nv"}
    # A file that exists only in the overlay can be a root and can be imported.
    extra = tmp_path / "extra.nv"
    both = load([extra], overlay={extra: 'import "new.nv";\nclause c "C" { ukraine may assist(to: usa); }\n',
                                  tmp_path / "new.nv": WORLD})
    assert not both.diagnostics.sorted() and len(both.instruments) == 1
    # The folder expands to the files in the overlay too.
    folder = load([tmp_path], overlay={extra: 'import "world.nv";\nclause c "C" { ukraine may assist(to: usa); }\n'})
    assert sorted(Path(i.path).name for i in folder.instruments) == ["extra.nv"]


def test_analysis_index(tmp_path: Path) -> None:
    (tmp_path / "world.nv").write_text(WORLD, encoding="utf-8")
    main = tmp_path / "main.nv"
    text = MAIN.replace("rusia", "russia") + (
        "define attacked(p: party) = exists a in party: armed_attack(by: a, on: p);\n"
        "term harm(k: party) { reading ordinary: k == russia; reading strict = ordinary; }\n"
    )
    a = analyze(main, {main: text})
    assert a.indexed and not a.diagnostics

    def target(needle: str, occurrence: int = 0) -> tuple[str, str, int]:
        ref = a.ref_at(_nth(text, needle, occurrence))
        assert ref is not None, needle
        return ref.target.kind, Path(a.files[ref.target.span.path]).name, ref.target.span.start

    assert target("g in")[:2] == ("variable", "main.nv")
    assert target("g in") == target("g in")  # the binder refers to itself
    assert target("p)") == ("parameter", "main.nv", _nth(text, "p: party"))
    assert target("a, on") == ("variable", "main.nv", _nth(text, "a in party"))
    assert target("ordinary;") == ("reading", "main.nv", _nth(text, "ordinary:"))
    assert target("on:", 1) == ("parameter", "world.nv", _nth(WORLD, "on:"))
    assert target("world.nv")[:2] == ("file", "world.nv")
    ref = a.ref_at(_nth(text, "p: party"))
    assert ref is not None
    hover = a.hover(ref.target)
    assert "define attacked(p: party)" in hover and "definition `attacked`" in hover


def _nth(text: str, needle: str, occurrence: int = 0) -> int:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return index


def test_positions_count_utf16_units() -> None:
    from lsprotocol import types as T

    from verifier.lsp.server import to_offset, to_position

    source = SourceFile.of("x.nv", 'a "\U0001F54A" b\nsecond')
    offset = source.text.index("b")
    line, column = source.position(offset)
    pos = to_position(source, line, column, T.PositionEncodingKind.Utf16)
    assert (pos.line, pos.character) == (0, 7)  # a, space, quote, two units, quote, space
    assert to_offset(source, pos, T.PositionEncodingKind.Utf16) == offset
    assert to_position(source, line, column, T.PositionEncodingKind.Utf8).character == 9
    assert to_position(source, line, column, T.PositionEncodingKind.Utf32).character == 6
    assert to_offset(source, T.Position(line=1, character=99), T.PositionEncodingKind.Utf16) == len(source.text)
    assert to_offset(source, T.Position(line=7, character=0), T.PositionEncodingKind.Utf16) == len(source.text)


def test_a_spec_on_the_real_memberships_is_analysed_as_nverify_checks_it() -> None:
    """world.nv declares NATO's and the EU's real members: with every party as declared the
    Istanbul draft grounds past the atom limit; the editor, like `nverify`, reduces classes of
    interchangeable states to representatives first, and shows no error."""
    path = Path(__file__).resolve().parent.parent / "specs" / "istanbul_2022.nv"
    analysis = analyze(path, {})
    assert [d.message for d in analysis.diagnostics if d.severity.value == "error"] == []
