"""dsl/grammar_tables.json: the parser kept as plain data parses exactly as the grammar does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Tree
from lark.exceptions import UnexpectedInput

from dsl import plain_data
from dsl.parser import _lark, build_parser, kept_tables
from tests.golden import ROOT


def test_the_kept_tables_are_those_of_the_grammar() -> None:
    assert kept_tables() is not None, "dsl/grammar_tables.json is out of date: run python scripts/grammar_tables.py"
    assert _lark().source_path == "<deserialized>"  # the run uses them


def spec_texts() -> list[Path]:
    folders = [ROOT / "specs", ROOT / "examples", ROOT / "tests" / "cases", ROOT / "tests" / "fuzz" / "corpus",
               ROOT / "tests" / "data"]
    return sorted(p for folder in folders for p in folder.rglob("*.nv"))


def outcome(parser, text: str) -> object:  # type: ignore[no-untyped-def]
    """The parse tree, flattened without recursion (some specs nest deeper than Python's
    stack allows), or the error."""
    try:
        tree = parser.parse(text)
    except UnexpectedInput as err:
        return (type(err).__name__, err.line, err.column, sorted(getattr(err, "expected", ()) or ()))
    except RecursionError:
        return "too deep"
    flat, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            flat.append((node.data, len(node.children)))
            stack.extend(reversed(node.children))
        else:
            flat.append(repr(node) if node is None else (node.type, str(node), node.line, node.column))
    return flat


def test_kept_and_fresh_parsers_agree_on_every_spec_and_its_mutants() -> None:
    kept, fresh = _lark(), build_parser()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in spec_texts()]
    assert len(texts) > 100
    for text in texts:
        cuts = [text, text[: len(text) // 2], text.replace(";", "", 1), text.replace("{", "(", 1)]
        for variant in cuts:
            assert outcome(kept, variant) == outcome(fresh, variant)


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(plain)
def test_plain_data_round_trips(value: object) -> None:
    assert plain_data.loads(plain_data.dumps(value)) == value


@pytest.mark.parametrize("value", [{"(tuple)": [1]}, {"(pairs)": [[1, 2]]}, {"(tuple)": (1,), "x": 2}])
def test_plain_data_keeps_objects_that_look_like_its_tags(value: object) -> None:
    assert plain_data.loads(plain_data.dumps(value)) == value
