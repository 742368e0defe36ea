"""The oracle's own reading of counting conditions (tests/oracle/front.py) against answers
worked out by hand: how many of three guarantors agree, per condition and per draft."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import Any

import pytest

from tests.oracle.front import read_text

WORLD = """
instrument t "T";
party ukraine, russia, usa, uk;
group guarantors = {russia, usa, uk};
fact agrees(g: party) controlled by g;
"""
GUARANTORS = ("russia", "usa", "uk")


def truth(g: Any, atoms: frozenset[tuple[str, tuple[Any, ...]]], draft: Mapping[str, str]) -> bool:
    """A ground formula of the oracle in one world (only the tags a count produces)."""
    tag = g[0]
    if tag == "c":
        return bool(g[1])
    if tag == "a":
        return g[1] in atoms
    if tag == "n":
        return not truth(g[1], atoms, draft)
    if tag == "&":
        return all(truth(x, atoms, draft) for x in g[1])
    if tag == "|":
        return any(truth(x, atoms, draft) for x in g[1])
    if tag == "?":
        return truth(dict(g[2])[draft[g[1]]], atoms, draft)
    raise AssertionError(g)


@pytest.mark.parametrize(("condition", "passing"), [
    ("at least 2 of g in guarantors: agrees(g)", {2, 3}),
    ("at most 1 of g in guarantors: agrees(g)", {0, 1}),
    ("exactly 0 of g in guarantors: agrees(g)", {0}),
    ("a majority of g in guarantors: agrees(g)", {2, 3}),
    ("a majority of g in {russia, usa, usa, uk}: agrees(g)", {2, 3}),
    ("at least 4 of g in guarantors: agrees(g)", set()),
])
def test_counts_of_three_guarantors(condition: str, passing: set[int]) -> None:
    model = read_text(WORLD + f"assume {condition};\n")
    (formula,) = model.assumptions
    for bits in product((False, True), repeat=3):
        atoms = frozenset(("agrees", (p,)) for p, on in zip(GUARANTORS, bits, strict=True) if on)
        assert truth(formula, atoms, {}) == (sum(bits) in passing), (condition, bits)


def test_a_bracketed_number_is_one_formula_per_draft() -> None:
    model = read_text(WORLD + "assume at least [russia: 3 | ukraine: 2] of g in guarantors: agrees(g);\n")
    (formula,) = model.assumptions
    (bracket,) = model.brackets
    two = frozenset({("agrees", ("russia",)), ("agrees", ("usa",))})
    assert not truth(formula, two, {bracket: "russia"})
    assert truth(formula, two, {bracket: "ukraine"})
