"""`nverify diff` and `nverify negotiate` against their brute-force oracles, on generated input
and on the reduced cases of every disagreement found so far.

tests/oracle/pairs.py writes the inputs (pairs of texts, specs with goals);
tests/oracle/diff_compare.py and negotiate_compare.py run verifier.diff and
verifier.negotiate in-process and compare with tests/oracle/diff_oracle.py and
negotiate_oracle.py. Long campaigns: `scripts/campaign_diff.py --mode diff|negotiate`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle.compare import compare_text
from tests.oracle.diff_compare import compare_pair
from tests.oracle.gen import DataChooser
from tests.oracle.negotiate_compare import compare_negotiation
from tests.oracle.pairs import Pair, diff_pair, negotiation
from verifier.diff import SideSpec, compare

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.data())
def test_diff_agrees_with_the_oracle(data: st.DataObject) -> None:
    pair = diff_pair(DataChooser(data.draw))
    outcome = compare_pair(pair)
    assert not outcome.disagreements, "\n".join(outcome.disagreements) + f"\n\nA:\n{pair.a}\nB:\n{pair.b}"


# ---- reduced cases -------------------------------------------------------------------------------

WORLD = """instrument gen "G";
party pa, pb, pc;
fact f1(a0: party) controlled by a0;
act act1(actor: party, y: bool);
"""


def test_diff_witness_is_minimal_in_atoms_only_b_mentions() -> None:
    """The witness kept act1(pa, true) and act1(pa, false) both true: the minimisation only knew
    the atoms A's formulas had made, and B's prohibition is about atoms A never mentions."""
    a = WORLD + 'clause c1 "Art. 1" { pb may act1(y: true); }\n'
    b = a + 'clause c2 "Art. 2" { pa must not act1 unless f1(); }\n'
    outcome = compare_pair(Pair(a, b, None, None))
    assert outcome.checks > 0 and outcome.skipped is None
    assert not outcome.disagreements, outcome.disagreements


SELF_BREACH = WORLD + """clause c3 "Art. 3" {
  each v in party must act1 when not (v not in {pa}) protects pb against breached(c3, by: pc);
  each v in party must act1 unless act1(actor: pa);
}
"""


def test_a_guarantee_against_a_breach_of_its_own_clause_loads(tmp_path: Path) -> None:
    """Diff campaign seed 7387: the ground-size estimate counted the event a guarantee protects
    against as part of a breach of its clause; for a breach of that very clause, it recursed
    until Python gave up. (No breach cycle: the event is no condition of the clause's norms.)"""
    plain = SELF_BREACH.replace(" protects pb against breached(c3, by: pc)", "")
    outcome = compare_pair(Pair(plain, SELF_BREACH, None, None))
    assert outcome.checks > 0 and outcome.skipped is None
    assert not outcome.disagreements, outcome.disagreements
    checked = compare_text(SELF_BREACH)
    assert checked.checks > 0 and not checked.disagreements, checked.disagreements


def test_diff_witness_is_minimal_in_open_terms_only_b_mentions() -> None:
    """The witness held the open term t1(k2) true for nothing: only B's formulas mention it."""
    world = 'instrument gen "G";\nparty pa, pc;\nenum kind = {k1, k2};\nfact f1(a1: kind);\nfact f3();\n' \
            "act act1(actor: party);\nterm t1(a: kind);\n"
    a = world + 'clause c1 "Art. 1" { pc must not act1 unless f3(); }\n'
    b = world + 'clause c2 "Art. 2" {\n  pa must not act1 when t1(k2) and f1(_);\n  pc must not act1;\n}\n'
    outcome = compare_pair(Pair(a, b, None, None))
    assert outcome.checks > 0 and outcome.skipped is None
    assert not outcome.disagreements, outcome.disagreements


@settings(SETTINGS, max_examples=8)
@given(st.data())
def test_negotiate_agrees_with_the_oracle(data: st.DataObject) -> None:
    text = negotiation(DataChooser(data.draw))
    outcome = compare_negotiation(text)
    assert not outcome.disagreements, "\n".join(outcome.disagreements) + f"\n\n{text}"


VOCABULARY_A = 'instrument gen "G";\nparty pa, pb;\nact act1(actor: party);\nclause c1 "Art. 1" { pa must not act1; }\n'
VOCABULARY_B = 'instrument gen "G";\nparty pa, pb;\nact act1(actor: party);\nact act9(actor: party, y: bool);\n' \
               'clause c1 "Art. 1" { pa must not act1; }\nclause c2 "Art. 2" { pb must not act9(y: _); }\n'


def test_diff_witness_shows_atoms_only_b_declares() -> None:
    """The witness of "B is stricter" read `acts: none`: the scenario was written with A's
    vocabulary, which has no act9, and act9's atoms were not minimised either."""
    for a, b in ((VOCABULARY_A, VOCABULARY_B), (VOCABULARY_B, VOCABULARY_A)):
        outcome = compare_pair(Pair(a, b, None, None))
        assert outcome.checks > 0 and not outcome.disagreements, outcome.disagreements
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = Path(tmp) / "a.nv", Path(tmp) / "b.nv"
        pa.write_text(VOCABULARY_A, encoding="utf-8")
        pb.write_text(VOCABULARY_B, encoding="utf-8")
        result, _ = compare(SideSpec(pa, None), SideSpec(pb, None))
    assert result is not None
    stricter = result.verdicts[0]
    assert stricter.relation == "stricter" and stricter.a_not_b is not None
    assert len(stricter.a_not_b.acts) == 1 and stricter.a_not_b.acts[0].startswith("act9(pb, ")


FIGURE_BETWEEN = """instrument g "G";
party pa, pb;
act act1(actor: party);
quantity q(p: party) controlled by p;
clause c2 "Art. 2" {
  pa must not act1;
  pa must act1 unless q(pb) != [base: 1 | pa: 0 | pb: 4];
}
goal pa "g1": no conflict;
"""


def test_negotiate_checks_a_draft_with_a_figure_between_the_alternatives() -> None:
    """Internal error (WitnessError): on a candidate draft with a figure no alternative states,
    the conflict's witness was re-checked against the figure of the bracket's label."""
    outcome = compare_negotiation(FIGURE_BETWEEN)
    assert outcome.checks > 0 and outcome.skipped is None
    assert not outcome.disagreements, outcome.disagreements


def test_negotiate_campaign_seed_5122() -> None:
    """A bracket of figures in a condition that simplifies away (`(true) or (... > [base: 1 | pc:
    2])`) was a choice of labels to nverify (it looked for figures in the simplified formulas)
    and a range to the oracle (and to docs/language.md)."""
    text = (Path(__file__).parent / "data" / "disagreements" / "negotiate" / "seed5122.nv").read_text(encoding="utf-8")
    outcome = compare_negotiation(text)
    assert not outcome.disagreements, "\n".join(outcome.disagreements)


def test_negotiate_campaign_seed_5134() -> None:
    """A bracket of numbers in a goal (`[base: 2 | pb: 0]`) reads the draft: it is no figure to
    negotiate. Since brackets of figures were recognised where written, nverify had listed it
    as a negotiable range the oracle did not have."""
    text = (Path(__file__).parent / "data" / "disagreements" / "negotiate" / "seed5134.nv").read_text(encoding="utf-8")
    outcome = compare_negotiation(text)
    assert not outcome.disagreements, "\n".join(outcome.disagreements)


def test_negotiate_campaign_seed_5787() -> None:
    """A bracket of figures inside a count that no choice can change (`at most 1 of u1 in {pa}:
    (q(actor) >= [base: 1 | pa: 0 | pb: 0])`) is a figure to negotiate where it is written, as
    nverify says; the oracle took its ranges from the formulas it had read, where the count
    was already decided, and missed it."""
    text = (Path(__file__).parent / "data" / "disagreements" / "negotiate" / "seed5787.nv").read_text(encoding="utf-8")
    outcome = compare_negotiation(text)
    assert outcome.checks > 0 and not outcome.disagreements, "\n".join(outcome.disagreements)


def test_negotiate_campaign_seed_6162() -> None:
    """`some contradiction on c2`, missing in one draft, is found in another where the other
    alternative of a bracket in c1 contradicts c2: a `some` goal's missing finding forbids
    that exact draft, not every draft with the same alternatives in c2 (which has none)."""
    text = (Path(__file__).parent / "data" / "disagreements" / "negotiate" / "seed6162.nv").read_text(encoding="utf-8")
    outcome = compare_negotiation(text)
    assert outcome.checks > 0 and not outcome.disagreements, "\n".join(outcome.disagreements)
