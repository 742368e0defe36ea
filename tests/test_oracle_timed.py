"""The oracle on timed specs (issue 18): its reading of time, checked by hand, and a few timed
campaign seeds against nverify.

docs/language.md, "Time: steps, deadlines and phases" is the reference: the temporal
conditions' table is checked here step by step on worlds written out by hand, then deadlines,
breaches at a step, statements over the steps and protection requirements with a delay. The
nverify bugs of timed specs the oracle found (tests/data/disagreements/timed/, all fixed) are
regression tests: each reproducer's oracle answer is checked by hand, and nverify agrees with it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dsl import syntax as S
from dsl.evaluate import Evaluator as PlainEvaluator
from dsl.evaluate import World, breaches
from dsl.model import AtomKey
from tests.oracle.compare import compare_files, compare_text, load_text
from tests.oracle.front import G, Key, Model, read_text
from tests.oracle.gen import RandomChooser, generate, generate_case
from tests.oracle.oracle import Oracle, drafts, reading_sets

TIMED = Path(__file__).parent / "data" / "disagreements" / "timed"

SPEC = """instrument t "T";
party pa, pb;
time day 0..3;
phase talks = 1..2;
fact e();
act act1(actor: party);
"""


def value(f: G, true: set[Key], model: Model | None = None) -> bool:
    """A ground formula of the oracle on the world whose true atoms are `true` (a vague term
    read as `ordinary`)."""
    tag = f[0]
    if tag == "c":
        return bool(f[1])
    if tag == "a":
        return f[1] in true
    if tag == "t":
        assert model is not None
        return value(model.reading_body(f[1], "ordinary", f[2]), true, model)
    if tag == "n":
        return not value(f[1], true, model)
    if tag == "&":
        return all(value(x, true, model) for x in f[1])
    assert tag == "|", f
    return any(value(x, true, model) for x in f[1])


def steps_where(condition: str, e_at: set[int], extra: str = "") -> list[int]:
    """The steps 0..3 at which `condition` holds when e() holds at the steps `e_at`."""
    text = SPEC + extra + f"assert a: {condition};\n"
    model = read_text(text)
    reader = model.reader
    (decl,) = [d for d in reader.root.decls if isinstance(d, S.AssertDecl)]
    true: set[AtomKey] = {("e", (t,)) for t in e_at}
    out = []
    for t in range(4):
        with reader.at(t):
            if value(reader.formula(decl.expr, {}), true, model):
                out.append(t)
    return out


@pytest.mark.parametrize("condition, e_at, holds_at", [
    ("e", {1}, [1]),
    ("e at 1", {1}, [0, 1, 2, 3]),            # whatever t is
    ("e at 2", {1}, []),
    ("e at talks", {2}, [0, 1, 2, 3]),        # some step of the phase
    ("e at talks", {3}, []),
    ("during talks", set(), [1, 2]),
    ("within 1 of e", {1}, [1, 2]),           # t-1 <= s <= t
    ("within 0 of e", {1}, [1]),
    ("since e", {1}, [1, 2, 3]),              # s <= t
    ("after e", {1}, [2, 3]),                 # s < t
    ("before e", {1}, [0]),                   # no s <= t
    ("until e", {1}, [0, 1]),                 # no s < t: up to and including the step e happens
    ("first e", {1, 2}, [1]),                 # at t and at no step before
    ("first e at 2", {2}, [0]),               # `first (e at 2)`: e@2, and e@2 at no step before t
    ("(first e) at 2", {1, 2}, []),           # e first holds at 1, not 2
    ("(first e) at 2", {2}, [0, 1, 2, 3]),
    ("not since e", {2}, [0, 1]),
    ("since (e and during talks)", {0, 3}, []),
])
def test_the_temporal_conditions_read_as_the_table_says(condition: str, e_at: set[int], holds_at: list[int]) -> None:
    assert steps_where(condition, e_at) == holds_at


def test_a_definition_and_a_reading_are_read_at_the_step_of_use() -> None:
    extra = "define d = since e;\nterm w(p: party) { reading ordinary: after e; }\n"
    assert steps_where("d", {1}, extra) == [1, 2, 3]
    assert steps_where("w(pa)", {1}, extra) == [2, 3]
    assert steps_where("d at 0", {1}, extra) == []


def test_a_deadline_is_owed_over_its_window_and_falls_due_at_its_end() -> None:
    model = read_text(SPEC + 'clause c "C" { pa must act1 within 2 of e when during talks; }\n')
    norms = model.clause("c").norms
    # trigger steps 0 and 1 (1 + 2 = 3 is the last step); 2 and 3 are cut by the horizon
    assert [n.step for n in norms] == [2, 3]
    assert [[c.args for c in n.cases["pa"]] for n in norms] == [[(0,), (1,), (2,)], [(1,), (2,), (3,)]]
    # owed at 1 (e at 1 and during talks): act1 at 1, 2 or 3 meets it; at 0, the phase is not on
    assert not value(norms[0].trigger["pa"], {("e", (0,))})
    assert value(norms[1].trigger["pa"], {("e", (1,))})


def test_a_breach_read_at_a_step_is_of_the_norms_of_that_step() -> None:
    model = read_text(SPEC + 'clause c "C" { pb must not act1; pa must act1 within 1 of e; }\n'
                      'assert a: breached(c, by: pb) implies act1(pb) while pb breaches c;\n')
    at1 = model.breach("c", "pb", 1)
    assert value(at1, {("act1", ("pb", 1))}) and not value(at1, {("act1", ("pb", 0))})
    # pa's deadline triggered at 0 falls due at 1: its breach is at step 1
    assert value(model.breach("c", "pa", 1), {("e", (0,))})
    assert not value(model.breach("c", "pa", 1), {("e", (0,)), ("act1", ("pa", 1))})
    assert not value(model.breach("c", "pa", 0), {("e", (0,))})
    # `while pb breaches c`: a breach at some step
    assert value(model.breach("c", "pb"), {("act1", ("pb", 3))})
    (ans,) = [a for a in Oracle(model).all_answers() if a.reading_name is None]
    assert ans.properties[("a", "assert")] is True


def test_a_timed_guarantee_is_one_over_its_steps() -> None:
    """The norm's instances at every step answer its event together (verifier/checks/guarantees.py):
    pa blocks it by never agreeing, one finding, not one per step."""
    model = read_text(SPEC + "fact agrees(p: party) controlled by p;\n"
                      'clause c "C" { pa must act1 when agrees(pa) protects pb against e; }\n')
    (ans,) = [a for a in Oracle(model).all_answers() if a.reading_name is None]
    assert list(ans.blockable) == [("c", 0, ("pa",))] and ans.vacuous == {("c", 0): (False, False)}


def test_statements_hold_at_every_step_or_at_some_step() -> None:
    model = read_text(SPEC + "assume not e at 0;\nassert a: since e;\nscenario s: e and first e;\n")
    (assumption,) = model.assumptions
    assert not value(assumption, {("e", (0,))}) and value(assumption, {("e", (3,))})
    (ans,) = [a for a in Oracle(model).all_answers() if a.reading_name is None]
    assert ans.properties == {("a", "assert"): False, ("s", "scenario"): True}


def test_a_protection_requirement_with_a_delay() -> None:
    model = read_text(SPEC + "protection pb against e by act1 within 1;\n")
    (req,) = model.requirements
    # e first at 2: answered by act1 at 2 or 3, not at 1 or later than 3
    assert value(req.event, {("e", (2,))})
    assert value(req.responses["pa"], {("e", (2,)), ("act1", ("pa", 3))})
    assert not value(req.responses["pa"], {("e", (2,)), ("act1", ("pa", 1))})
    # the first occurrence counts, not a later one; a first occurrence at 3 is cut by the horizon
    assert not value(req.responses["pa"], {("e", (0,)), ("e", (2,)), ("act1", ("pa", 2))})
    assert not value(req.event, {("e", (3,))})
    # without `within`: any step from the first occurrence to the end
    (plain,) = read_text(SPEC + "protection pb against e by act1;\n").requirements
    assert value(plain.event, {("e", (3,))})
    assert value(plain.responses["pb"], {("e", (0,)), ("act1", ("pb", 3))})


@pytest.mark.parametrize("seed", [20000001, 20000005, 20000012, 20000020])
def test_world_sets_of_timed_specs_agree_with_the_plain_evaluator(seed: int) -> None:
    """As tests/test_oracle.py does for untimed specs: assumptions and compliance, world by world."""
    text = generate(RandomChooser(seed), timed=True)
    instrument, errors = load_text(text)
    assert instrument is not None, errors
    oracle = Oracle(read_text(text))
    model, sp = oracle.model, oracle.space
    rng = random.Random(seed)
    for _, draft in drafts(model):
        for _, readings in reading_sets(model):
            cx = oracle.context(draft, readings)
            for w in (rng.randrange(sp.size) for _ in range(12)):
                mine = sp.world(w)
                world = World(mine.atoms, mine.quantities, mine.terms, dict(draft))
                plain = PlainEvaluator(instrument, world, readings)
                assert sp.member(cx.A, w) == all(plain.holds(a) for a in instrument.assumptions)
                for c in instrument.clauses:
                    for p in instrument.parties:
                        broken = {b.norm.clause for b in breaches(instrument, world, readings, p)}
                        assert sp.member(cx.norm_of(c.id, p), w) == (c.id not in broken), (c.id, p, world)


# Seeds of the timed campaign (docs/trust.md), chosen to be quick and to cover deadlines, phases,
# protection requirements with a delay, `--draft` and imports.
@pytest.mark.parametrize("seed", [20000002, 20000007, 20000016, 20000033, 20000046, 20000058])
def test_timed_campaign_seeds_agree(seed: int) -> None:
    case = generate_case(RandomChooser(seed), timed=True)
    result = compare_files(case.files, case.root, readings=case.readings, drafts=case.drafts)
    assert result.skipped is None and result.checks > 0
    assert not result.disagreements, "\n".join(result.disagreements)


def test_the_generator_writes_timed_specs_that_load() -> None:
    for seed in range(20000000, 20000040):
        text = generate(RandomChooser(seed), timed=True)
        instrument, errors = load_text(text)
        assert instrument is not None, f"seed {seed}:\n{text}\n{errors}"
        assert instrument.horizon is not None


# ---- the nverify bugs found by the timed oracle, fixed: each reproducer's oracle answer checked by hand ----

def _agrees(name: str, drafts: tuple[str, ...] = ()) -> list[str]:
    return compare_text((TIMED / name).read_text(), drafts=drafts).disagreements


def test_the_oracle_on_the_known_bugs() -> None:
    for name in ("breached_at_a_step.nv", "keep_override_at_a_step.nv"):
        (ans,) = [a for a in Oracle(read_text((TIMED / name).read_text())).all_answers() if a.reading_name is None]
        assert set(ans.properties.values()) == {True}, name
    model = read_text((TIMED / "seed20001131.nv").read_text())
    # numbered as written: the deadline's event holds c1#1, the `when` c1#2
    event = model.clause("c1").norms[0].trigger["pa"][1][1]
    assert event[:2] == ("?", "c1#1") and model.brackets["c1#2"] == ("base", "pb")
    (ans,) = Oracle(read_text((TIMED / "seed20000156.nv").read_text())).all_answers()
    assert {k[2] for k in ans.blockable if k[0] == "protection_pa"} == {("pc",)}
    (ans,) = Oracle(read_text((TIMED / "for_guarantee_grouped.nv").read_text())).all_answers()
    assert sorted(ans.vacuous.values()) == [(False, False), (True, False)]  # v = pb's, v = pa's


def test_nverify_reads_a_breach_at_its_step() -> None:
    """Found by the timed oracle, fixed on main by 2a142dd (breaches at a step in the evaluator
    and the encoder) while this work was under way."""
    assert not _agrees("breached_at_a_step.nv")


def test_nverify_suspends_a_keep_norm_at_its_step() -> None:
    """A keep norm of an overriding clause suspended the overridden clause's keep norms at every
    step; now checked: only at its own step."""
    assert not _agrees("keep_override_at_a_step.nv")


def test_nverify_numbers_a_deadlines_bracket_as_written() -> None:
    """nverify numbered a bracket in a deadline's event after those of the norm's `when`; now
    checked: brackets are numbered as written, so `--draft c1#1=base` pins the event's."""
    assert not _agrees("seed20001131.nv", drafts=("pb", "c1#1=base"))


def test_nverify_blocks_a_timed_protection_requirement() -> None:
    """nverify found no obligation that gives a timed protection requirement's response (it
    judged the response on a world without the event); now checked: pc can block it, as the
    oracle says, and nverify agrees with the oracle on the whole spec."""
    from verifier.pipeline import Options, check_instrument

    instrument, errors = load_text((TIMED / "seed20000156.nv").read_text())
    assert instrument is not None, errors
    findings, _, _ = check_instrument(instrument, Options())
    assert [f for f in findings if f.kind.value == "blockable-guarantee" and f.party == "pc"]
    assert not _agrees("seed20000156.nv")


def test_nverify_explains_a_timed_contradiction() -> None:
    """nverify crashed (KeyError in verifier/clash.py) explaining the dilemma of timed norms
    addressed to `each v` with `when v == pb`; now checked: it reports the contradiction (pb must
    act1 and must not act1, as without `time`), its message naming the step, and agrees with the
    oracle."""
    from verifier.pipeline import Options, check_instrument

    instrument, errors = load_text((TIMED / "seed20000013.nv").read_text())
    assert instrument is not None, errors
    findings, _, _ = check_instrument(instrument, Options())
    (found,) = [f for f in findings if f.kind.value == "contradiction"]
    assert {c.id for c in found.clauses} == {"c1", "c2"}
    assert "at day 0" in found.message
    assert not [f for f in findings if f.kind.value == "conflict"]
    assert not _agrees("seed20000013.nv")


def test_nverify_keeps_the_guarantees_of_a_for_apart() -> None:
    """nverify grouped the guarantees of every member of a `for` into one; now checked: one
    guarantee per member."""
    assert not _agrees("for_guarantee_grouped.nv")


def test_nverify_asks_a_self_grant_under_a_claimants_reading() -> None:
    """nverify skipped a self-grant under a claimant's reading whose Z3 formulas are the
    baseline's, though what its condition mentions differs; now checked: it asks it there too."""
    assert not _agrees("seed20200322.nv", drafts=("pb",))


def test_nverify_folds_a_timed_guarantees_event_that_always_happens() -> None:
    """Found by the timed campaign (seed 21000963): the event of a timed guarantee, true at day 0
    whatever anyone does, counted the atoms of its later steps as the event's, so pa's not doing
    act1 was taken for its part in the event and no block was reported; now checked: pa blocks,
    as without time, and nverify agrees with the oracle."""
    from verifier.pipeline import Options, check_instrument

    instrument, errors = load_text((TIMED / "event_at_the_first_step.nv").read_text())
    assert instrument is not None, errors
    findings, _, _ = check_instrument(instrument, Options())
    assert [f.party for f in findings if f.kind.value == "blockable-guarantee"] == ["pa"]
    assert not _agrees("event_at_the_first_step.nv")


def test_a_bracketed_delay_agrees_in_every_draft() -> None:
    """`within [russia: 3 | ukraine: 1] of E`: each draft reads its own delay (the guarantee
    answers too late in Russia's), and a breach of either is answered by Art. 6."""
    text = """instrument n "Bracketed delay";
party ukraine, russia, usa;
time day 0..4;
fact attack(on: party);
act assist(actor: party, to: other party);
act talk(actor: party);
clause art5 "Art. 5" { usa must assist(to: ukraine) within [russia: 3 | ukraine: 1] of attack(ukraine); }
clause art6 "Art. 6" { russia must talk when breached(art5, by: usa); }
protection ukraine against attack(ukraine) by assist(to: ukraine) within 1;
"""
    result = compare_text(text)
    assert result.skipped is None and result.checks > 0
    assert not result.disagreements, "\\n".join(result.disagreements)
