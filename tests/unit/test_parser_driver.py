"""dsl.parser's own LALR driver (`_run`) against Lark's parser, which it stands in for: the same
texts parse, the same tree depth, and spans as Lark places them."""

from __future__ import annotations

import random
from typing import Any

import pytest
from lark import Tree
from lark.exceptions import UnexpectedInput

from dsl import syntax as S
from dsl.lalr import Rejected as _Rejected
from dsl.parser import _Build, _lark, _run, parse_text
from dsl.source import SourceFile
from tests.fuzz.harness import mutate, seeds


def _height(tree: Tree[Any]) -> int:
    """How many levels of subtrees lie below the root (without recursion)."""
    height = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        height = max(height, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return height


def test_parses_what_lark_parses_with_a_tree_as_deep() -> None:
    base = [text for _, text in seeds(generated=10)]
    rng = random.Random(1)
    texts = [*base, *(mutate(rng.choice(base), rng) for _ in range(300)),
             "", "expect conflict bypass;", "assume " + " or ".join(["x"] * 120) + ";"]
    for text in texts:
        source = SourceFile.of("t.nv", text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
        try:
            tree = _lark().parse(source.text)
        except UnexpectedInput:
            with pytest.raises(_Rejected):
                _run(_Build(source), source.text)
            continue
        _, height = _run(_Build(source), source.text)
        assert height == _height(tree), source.text


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
