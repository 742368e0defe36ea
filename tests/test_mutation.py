"""Expectation mutation testing over the corpus (scripts/mutate_specs.py).

Every clause and bracketed alternative of every spec is deleted in turn and the spec rerun:
no expectation may still hold without a clause or alternative it names (unless a
`# holds without:` comment says why), and specs/README.md's mutation score must match a
fresh run. The whole corpus is about 210 mutants, one spec rerun each; they run in two
processes (about 50 s of CPU in all, so about 30 s on two free cores).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import mutate_specs  # noqa: E402


@pytest.fixture(scope="module")
def corpus_results() -> list[mutate_specs.Result]:
    return mutate_specs.run_all(mutate_specs.corpus(), jobs=2)


def test_no_expectation_survives_a_clause_it_names(corpus_results: list[mutate_specs.Result]) -> None:
    bad = [f"{r.spec}:{s.line}: `{s.text}` still holds without {m}"
           for r in corpus_results for s, m in r.violations()]
    assert not bad, "expectations that do not depend on what they name:\n" + "\n".join(bad)


def test_no_mutant_of_the_corpus_is_rejected(corpus_results: list[mutate_specs.Result]) -> None:
    assert not [(r.spec, r.invalid) for r in corpus_results if r.invalid]


def test_every_holds_without_names_a_mutant_and_a_reason(corpus_results: list[mutate_specs.Result]) -> None:
    for r in corpus_results:
        names = {m.name for m in r.mutants}
        for s in r.statements:
            for mutant, reason in s.exempt.items():
                assert mutant in names, f"{r.spec}:{s.line}: `# holds without: {mutant}` names no mutant"
                assert len(reason.split()) >= 3, f"{r.spec}:{s.line}: state the reason it holds"


def test_mutation_score_in_readme_is_current(corpus_results: list[mutate_specs.Result]) -> None:
    score = mutate_specs.Score()
    for r in corpus_results:
        score.add(r)
    current = mutate_specs.README.read_text(encoding="utf-8")
    assert mutate_specs.refreshed(current, mutate_specs.score_text(score, len(corpus_results))) == current, \
        "specs/README.md: the mutation score is out of date: run `python scripts/mutate_specs.py --score`"


# ---- the script on small inputs -----------------------------------------------------------

def test_bracket_alternatives_are_removed_emptied_or_neutralised() -> None:
    text = "x <= [russia: 85000 | ukraine: 250000]; when a and [russia: b]; when a or [russia: b];" \
           " y <= [russia: 5]; [ukraine: u must f; ]"
    def spans(sub: str) -> tuple[int, int]:
        i = text.index(sub)
        return i, i + len(sub)
    two = mutate_specs.bracket_mutants("c#1", "c", Path("f"), text, *spans("[russia: 85000 | ukraine: 250000]"))
    cut = {m.label: text[:m.start] + m.replacement + text[m.end:] for m in two}
    assert cut["russia"].startswith("x <= [ ukraine: 250000]")
    assert cut["ukraine"].startswith("x <= [russia: 85000 ]")
    (in_and,) = mutate_specs.bracket_mutants("c#2", "c", Path("f"), text, *spans("[russia: b];"[:-1]))
    assert in_and.replacement == "true"
    start = text.index("or [russia: b]") + 3
    (in_or,) = mutate_specs.bracket_mutants("c#3", "c", Path("f"), text, start, start + len("[russia: b]"))
    assert in_or.replacement == "false"
    assert mutate_specs.bracket_mutants("c#4", "c", Path("f"), text, *spans("[russia: 5]")) == []
    (norm,) = mutate_specs.bracket_mutants("c#5", "c", Path("f"), text, *spans("[ukraine: u must f; ]"))
    assert text[:norm.start] + norm.replacement + text[norm.end:] == text.replace("[ukraine: u must f; ]", "[ukraine: ]")


SPEC = """\
instrument t "T";
party a, b;
act help(actor: party, to: party);
act fight(actor: party, to: party);

clause duty "Duty" {
  a must help(to: b);
}

clause extra "Extra" {
  a must fight(to: b);
}

# depends on: duty
assert helps: help(a, b);
# depends on: extra
scenario fights: fight(a, b);
"""


def test_a_hollow_expectation_is_caught_and_a_stated_reason_excuses_it(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "t.nv"
    spec.parent.mkdir()
    spec.write_text(SPEC, encoding="utf-8")
    result = mutate_specs.mutate(spec)
    # `helps` dies with its clause; `fights` is a scenario, which a world without `extra` still has.
    assert [(s.text, m) for s, m in result.violations()] == [("scenario fights: fight(a, b);", "clause:extra")]
    spec.write_text(SPEC.replace("# depends on: extra\n",
                                 "# depends on: extra\n# holds without: clause:extra: nothing forbids fighting anyway\n"),
                    encoding="utf-8")
    assert mutate_specs.mutate(spec).violations() == []


def test_deleting_the_specific_character_of_art_42_7_fails_expectations(tmp_path: Path) -> None:
    """teu_42_7.nv's "specific character" sentence carries the compatibility of Art. 42(7) with
    neutrality: without its `unless specific_character_exempts(...)` parts, an expectation fails
    in teu_42_7.nv, austria.nv and regime_istanbul_partners.nv."""
    scratch = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", scratch)
    teu = scratch / "teu_42_7.nv"
    text = teu.read_text(encoding="utf-8")
    import re

    cut, count = re.subn(r"\n\s*unless specific_character_exempts\([a-z_]+\)", "", text)
    assert count == 3
    teu.write_text(cut, encoding="utf-8")
    for name in ("teu_42_7.nv", "austria.nv", "regime_istanbul_partners.nv"):
        before = mutate_specs.held(ROOT / "specs" / name)
        after = mutate_specs.held(scratch / name)
        assert before is not None and after is not None
        assert all(before.values()), name
        assert not all(after.values()), f"{name}: every expectation still holds without the specific character"
