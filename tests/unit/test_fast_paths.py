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


def test_unchanged_formulas_are_the_baselines() -> None:
    """Where `CheckContext.unchanged` says a claimant's readings change nothing that norms and
    formulas read, their translations are the baseline's very terms (so the checks skip the
    question without building them): every spec of examples/ and specs/ with a claimant."""
    import z3

    from verifier.checks.context import CheckContext
    from verifier.checks.permissions import permission_formulas
    from verifier.encode import Encoder, same_terms
    from verifier.session import Limits, Session

    asked = 0
    for path in SPECS:
        loaded = load([path], coalition_size=COALITION_SIZE)
        if not loaded.instruments:
            continue  # a declarations module
        instrument = loaded.instruments[0]
        base = baseline_readings(instrument, [])
        session = Session(Encoder(instrument, vocabulary(instrument), z3.Context()), Limits())
        draft = dict(drafts_of_interest(instrument, [])[0][1])
        for _, readings in claimant_readings(instrument, base):
            ctx = CheckContext(instrument=instrument, session=session, readings=readings, draft_name=None,
                               draft=draft, baseline=base)
            for party in instrument.parties:
                if ctx.unchanged(ctx.comp_reads(party)):
                    asked += 1
                    assert same_terms(ctx.comp(party, readings), ctx.comp(party, base)), (path.name, party)
            for norm in instrument.norms:
                if ctx.unchanged([norm]):
                    for s in norm.subjects:
                        asked += 1
                        assert same_terms([session.enc.norm(norm, s, readings)], [session.enc.norm(norm, s, base)])
                        assert same_terms(permission_formulas(ctx, norm, s, readings),
                                          permission_formulas(ctx, norm, s, base)), (path.name, norm.clause)
    assert asked > 100, asked


def test_a_norm_reading_a_changed_term_is_not_unchanged() -> None:
    """Under russia's reading of `harms_security`, the clause that applies the term is asked
    again; one that does not apply it, and every party's norms without it, are the baseline's."""
    from tests.unit.helpers import baseline, context, instrument

    inst = instrument("""
        instrument t "t";
        party ukraine, russia;
        enum kind = {alliance, training};
        act conclude(actor: party, partner: other party, k: kind);
        act inspect(actor: party);
        term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training}; }
        clause vague "Art. 1" { ukraine must not conclude where harms(k); }
        clause plain "Art. 2" { russia must inspect; }
    """)
    base = baseline(inst)
    ctx = context(inst, {**base, "harms": "russia"})
    ctx.baseline = base
    vague, plain = (inst.clause(c).norms[0] for c in ("vague", "plain"))
    assert not ctx.unchanged([vague]) and ctx.unchanged([plain])
    assert not ctx.unchanged(ctx.comp_reads("ukraine")) and ctx.unchanged(ctx.comp_reads("russia"))
    # Told nothing of what the formulas read, the comparison builds and compares them.
    vague_norms = lambda readings: [ctx.session.norms_of("vague", readings, "ukraine")]  # noqa: E731
    assert not ctx.same_as_baseline(vague_norms)
    assert not ctx.same_as_baseline(vague_norms, [vague])
    same = context(inst, base)
    same.baseline = base
    assert same.unchanged([vague])
    assert not context(inst, base).unchanged([plain])  # (no baseline: nothing is known)
