"""The parser's use of Lark's cache: written whole, read back, refused where others could write
it, and a parser from the cache parses exactly as a freshly analysed one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lark import Lark, Tree
from lark.exceptions import UnexpectedInput

from dsl import parser as P
from dsl import syntax as S
from dsl.parser import parse_text
from tests.golden import ROOT


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of this test's own, and no parser made before it (nor left after it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    P._lark.cache_clear()
    yield tmp_path / "cache"
    P._lark.cache_clear()


def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a parser must come from the kept file."""
    def analyse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the grammar was analysed again")

    monkeypatch.setattr(Lark, "open_from_package", analyse)


def test_the_first_run_keeps_the_parser_and_the_next_loads_it(cache_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    P._lark()
    kept = list((cache_home / "nverify").iterdir())
    assert [p.suffix for p in kept] == [".lark"]  # no partial file left behind
    assert (cache_home / "nverify").stat().st_mode & 0o077 == 0  # the user's alone
    P._lark.cache_clear()
    no_analysis(monkeypatch)
    spec, diags = parse_text("t.nv", "party a;\n")
    assert spec is not None and len(diags) == 0


def test_a_cache_folder_others_may_write_is_not_used(cache_home: Path) -> None:
    folder = cache_home / "nverify"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    assert P._cache_file() is None
    spec, _ = parse_text("t.nv", "party a;\n")  # parsed all the same, by a parser analysed afresh
    assert spec is not None and list(folder.iterdir()) == []


def test_no_cache_where_none_can_be_made(cache_home: Path) -> None:
    cache_home.parent.mkdir(exist_ok=True)
    cache_home.write_text("a file, not a folder", encoding="utf-8")
    assert P._cache_file() is None
    spec, _ = parse_text("t.nv", "party a;\n")
    assert spec is not None


def test_a_damaged_cache_is_analysed_again_and_replaced(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    P._lark()
    (kept,) = (cache_home / "nverify").iterdir()
    kept.write_bytes(kept.read_bytes()[:100])
    P._lark.cache_clear()
    spec, diags = parse_text("t.nv", "party a, b;\nfact f(x: party);\n")
    assert spec is not None and len(diags) == 0
    P._lark.cache_clear()
    no_analysis(monkeypatch)  # the whole file was written again
    assert P._lark() is not None


def spec_texts() -> list[Path]:
    folders = [ROOT / "specs", ROOT / "examples", ROOT / "tests" / "cases", ROOT / "tests" / "fuzz" / "corpus",
               ROOT / "tests" / "data"]
    return sorted(p for folder in folders for p in folder.rglob("*.nv"))


def outcome(parser: Lark, text: str) -> object:
    """The parse tree, flattened without recursion (some specs nest deeper than Python's
    stack allows), with positions, or the error."""
    try:
        tree = parser.parse(text)
    except UnexpectedInput as err:
        return (type(err).__name__, err.line, err.column, sorted(getattr(err, "expected", ()) or ()))
    flat: list[object] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            meta = None if node.meta.empty else (node.meta.start_pos, node.meta.end_pos)
            flat.append((node.data, len(node.children), meta))
            stack.extend(reversed(node.children))
        else:
            flat.append(repr(node) if node is None else (node.type, str(node), node.start_pos))
    return flat


def test_cached_and_fresh_parsers_agree_on_every_spec_and_its_mutants(cache_home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Lark.open_from_package("dsl", "grammar.lark", **P._OPTIONS)
    P._lark()
    P._lark.cache_clear()
    no_analysis(monkeypatch)
    cached = P._lark()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in spec_texts()]
    assert len(texts) > 100
    for text in texts:
        cuts = [text, text[: len(text) // 2], text.replace(";", "", 1), text.replace("{", "(", 1)]
        for variant in cuts:
            assert outcome(cached, variant) == outcome(fresh, variant)


def test_spans_take_in_keywords_punctuation_and_brackets() -> None:
    text = ('party a;\nterm t(x: party) {\n  reading r: x == a;\n}\n'
            'assume f(x) and (g or h);\nexpect conflict on c1, c2 by a;\n')
    spec, diags = parse_text("t.nv", text)
    assert spec is not None and len(diags) == 0

    def written(node: Any) -> str:
        return text[node.span.start:node.span.end]

    _, term, assume, expect = spec.decls
    assert [written(d) for d in spec.decls] == [
        "party a;", "term t(x: party) {\n  reading r: x == a;\n}", "assume f(x) and (g or h);",
        "expect conflict on c1, c2 by a;"]
    assert isinstance(assume, S.AssumeDecl) and isinstance(assume.expr, S.Binary)
    # A bracketed operand is its own node without the brackets; its parent takes them in.
    assert (written(assume.expr), written(assume.expr.left), written(assume.expr.right)) == (
        "f(x) and (g or h)", "f(x)", "g or h")
    assert isinstance(expect, S.ExpectDecl) and written(expect.pattern) == "conflict on c1, c2 by a"
    assert isinstance(term, S.TermDecl) and (term.span.line, term.span.end_line, term.span.end_column) == (2, 4, 2)


def test_the_cache_key_follows_the_grammar_and_lark(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = P._cache_file()
    monkeypatch.setattr("dsl.parser.lark.__version__", "0.0.0")
    assert first is not None and P._cache_file() not in (None, first)
    assert os.path.dirname(first) == str(cache_home / "nverify")
