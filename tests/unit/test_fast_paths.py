"""Short cuts taken for speed give what the long way gives.

`compliant` looks only at the acts a world contains: it must give the verdict of listing every
breach (every spec of examples/ and specs/, random worlds). The parser takes a string without
escapes as its own value: it must agree with reading the literal as Python does.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dsl import load
from dsl.evaluate import World, breaches, compliant
from dsl.symmetry import COALITION_SIZE  # as nverify loads a spec: states nothing names through representatives
from tests.golden import ROOT
from verifier.ground import vocabulary
from verifier.pipeline import baseline_readings, claimant_readings, drafts_of_interest

SPECS = sorted([*(ROOT / "examples").glob("*.nv"), *(ROOT / "specs").glob("*.nv")])


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_compliant_is_no_breach(path: Path) -> None:
    loaded = load([path], coalition_size=COALITION_SIZE)
    if not loaded.instruments:
        pytest.skip("a declarations module")
    instrument = loaded.instruments[0]
    vocab = vocabulary(instrument)
    base = baseline_readings(instrument, [])
    readings = [base, *(r for _, r in claimant_readings(instrument, base))]
    drafts = [d for _, d in drafts_of_interest(instrument, [])]
    rng = random.Random(path.name)
    for _ in range(30):
        density = rng.choice([0.002, 0.02, 0.1, 0.4])
        atoms = frozenset(a for a in vocab.atoms if rng.random() < density)
        quantities = {q: rng.choice([0, 1, 5_000, 100_000, 300_000]) for q in vocab.quantities}
        world = World(atoms, quantities, frozenset(), dict(rng.choice(drafts)))
        chosen = rng.choice(readings)
        for party in (None, *instrument.parties):
            assert compliant(instrument, world, chosen, party) == (not breaches(instrument, world, chosen, party))


def test_plain_strings_are_their_own_value() -> None:
    """The parser's short cut for strings without escapes agrees with reading them as Python does."""
    import ast

    from lark import Token

    from dsl.parser import _unquote
    from dsl.source import SourceFile

    span = SourceFile.of("x.nv", "x").span(0, 1)
    for body in ["", "Art. 5", "multi\nline", "tab\tand é, 中文, \u2028, \U0001f600", "a\\nb", "q\\\"q"]:
        assert _unquote(Token("STRING", f'"{body}"'), span) == ast.literal_eval('"""' + body + '"""')
