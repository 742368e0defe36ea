"""verifier.encode with `fold_world`: the atoms the assumptions fix false are the constant false.

The checks' encoder folds them (verifier.pipeline); an encoder that compares worlds (diff,
negotiate) does not. Folding must change no answer: the findings of the examples and of
specs on real memberships are compared, folded and not, through the command line.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import formula as F
from dsl.evaluate import Evaluator, World
from tests.golden import ROOT, run_cli
from tests.unit.helpers import instrument
from verifier import pipeline
from verifier.encode import Encoder, forget_folds
from verifier.ground import format_atom, vocabulary

SPEC = """
    party a, b;
    fact hostile(p: party);
    act attack(actor: party, on: party);
    term threat(p: party) { reading wide: hostile(p); }
    assume not (exists p in party: attack(p, p));
    assume not attack(a, b);
    assume hostile(a);
    assume threat(b) implies attack(b, a);
    clause c "C" { each p in party must not attack(on: a) when hostile(a); }
"""


def encoder(fold: bool) -> Encoder:
    inst = instrument(SPEC)
    return Encoder(inst, vocabulary(inst), z3.Context(), fold_world=fold)


def atom(pred: str, *args: str) -> F.Atom:
    return F.Atom(pred, tuple(F.Const(a) for a in args))


def names(enc: Encoder, f: z3.BoolRef) -> set[str]:
    return enc.mentioned([f])


def test_the_atoms_the_world_fixes_false_are_folded() -> None:
    enc = encoder(True)
    assert enc.atom_vars.false == {("attack", ("a", "a")), ("attack", ("b", "b")), ("attack", ("a", "b"))}
    assert z3.is_false(enc.formula(atom("attack", "a", "b"), {}))
    assert z3.is_false(enc.atom(("attack", ("a", "a"))))
    # An atom fixed true, and one fixed only under a reading of a vague term, stay variables.
    assert names(enc, enc.formula(atom("hostile", "a"), {})) == {"hostile(a)"}
    assert names(enc, enc.formula(atom("attack", "b", "a"), {})) == {"attack(b, a)"}


def test_without_folding_every_atom_is_a_variable() -> None:
    enc = encoder(False)
    assert enc.atom_vars.false == frozenset()
    assert names(enc, enc.formula(atom("attack", "a", "b"), {})) == {"attack(a, b)"}


def test_the_folded_atoms_are_in_no_formula_and_no_registry() -> None:
    enc = encoder(True)
    folded = {format_atom(k) for k in enc.atom_vars.false}
    world = enc.assumptions({})
    norms = [enc.norm(n, s, {}) for n in enc.instrument.norms for s in n.subjects]
    assert "hostile(a)" in names(enc, world) and names(enc, world).isdisjoint(folded)
    assert all(names(enc, n).isdisjoint(folded) for n in norms)
    assert folded.isdisjoint(enc.by_name)
    assert not set(enc.atom_vars.false) & set(enc.atom_vars.made())


def test_the_world_that_is_left_still_holds_what_is_not_folded() -> None:
    enc = encoder(True)
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.assumptions({}))
    hostile = enc.formula(atom("hostile", "a"), {})
    assert solver.check(z3.Not(hostile)) == z3.unsat  # (fixed true: kept, as a variable)
    assert solver.check(enc.formula(atom("attack", "b", "a"), {})) == z3.sat


def folded_by(assumptions: str) -> set[str]:
    """The atoms an encoder of a small world with these assumptions folds."""
    inst = instrument(f"""
        party a, b, c;
        fact hostile(p: party);
        act attack(actor: party, on: party);
        {assumptions}
    """)
    enc = Encoder(inst, vocabulary(inst), z3.Context(), fold_world=True)
    return {format_atom(k) for k in enc.atom_vars.false}


@pytest.mark.parametrize(("assumptions", "false"), [
    # the world's own shape: what a party other than b does to b, for every party
    ("assume not (exists p in party: (p != b and attack(p, b)));", {"attack(a, b)", "attack(c, b)"}),
    ("assume all p in party: (not attack(p, a));", {"attack(a, a)", "attack(b, a)", "attack(c, a)"}),
    # (budapest_1994.nv: every party but russia)
    ("assume all p in party: (p in {a} or not attack(p, c));", {"attack(b, c)", "attack(c, c)"}),
    ("assume not (attack(a, b) or hostile(c));", {"attack(a, b)", "hostile(c)"}),
    ("assume hostile(a) implies not attack(a, b);", set()),          # only if a is hostile
    ("assume not (attack(a, b) and attack(b, a));", set()),           # one of them, not which
    ("assume attack(a, b) or hostile(b);", set()),
    ("assume not (true implies attack(b, c));", {"attack(b, c)"}),    # a part known true is a constant
    ("assume not hostile(a); assume hostile(a);", {"hostile(a)"}),    # a contradictory world stays one
])
def test_what_an_assumption_fixes_false(assumptions: str, false: set[str]) -> None:
    assert folded_by(assumptions) == false


def test_equal_assumptions_of_two_instruments_fold_alike_each_with_its_own_world() -> None:
    # (What an assumption fixes is remembered per process, by the formula: a second
    # instrument that imports the same world reads it from there.)
    first, second = encoder(True), encoder(True)
    assert first.instrument.assumptions is not second.instrument.assumptions
    assert second.atom_vars.false == first.atom_vars.false
    own = {id(a) for a in second.instrument.assumptions}
    assert second._settled and second._settled <= own
    assert [a for a in second.instrument.assumptions if id(a) not in second._settled] == \
        [b for a, b in zip(first.instrument.assumptions, second.instrument.assumptions, strict=True)
         if id(a) not in first._settled]


def test_an_assumption_over_other_parties_is_read_anew() -> None:
    assumption = "assume not (exists p in party: (p != b and attack(p, b)));"
    three = folded_by(assumption)
    inst = instrument(f"""
        party a, b, c, d;
        fact hostile(p: party);
        act attack(actor: party, on: party);
        {assumption}
    """)
    four = {format_atom(k) for k in Encoder(inst, vocabulary(inst), z3.Context(), fold_world=True).atom_vars.false}
    assert three == {"attack(a, b)", "attack(c, b)"}
    assert four == three | {"attack(d, b)"}
    forget_folds()
    assert folded_by(assumption) == three


def test_the_assumptions_that_say_nothing_more_are_left_out_of_the_world() -> None:
    enc = encoder(True)
    kept = [a for a in enc.instrument.assumptions if id(a) not in enc._settled]
    assert len(kept) == 2  # `hostile(a)` and the one that reads a vague term
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.assumptions({}))
    assert solver.check() == z3.sat


def test_a_contradictory_world_is_still_contradictory() -> None:
    inst = instrument("""
        party a, b;
        fact hostile(p: party);
        assume not hostile(a);
        assume hostile(a);
    """)
    enc = Encoder(inst, vocabulary(inst), z3.Context(), fold_world=True)
    assert z3.is_false(z3.simplify(enc.assumptions({})))


def unfolded(*args: Any, **kwargs: Any) -> Encoder:
    return Encoder(*args, **{**kwargs, "fold_world": False})


@pytest.mark.parametrize("paths", [["examples/"], ["specs/istanbul_2022.nv", "specs/hague_v.nv", "specs/austria.nv"]],
                         ids=["examples", "specs on real memberships"])
def test_folding_changes_no_finding(paths: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["--format", "json", "--jobs", "1", *paths]
    folded = run_cli(args)
    monkeypatch.setattr(pipeline, "Encoder", unfolded)
    plain = run_cli(args)
    assert folded.exit_code == plain.exit_code == 0
    assert folded.stdout == plain.stdout


# ---- the rules against every world -------------------------------------------------------
# Random assumptions over two parties (six atoms, 64 worlds), each checked against the
# Z3-free evaluator in every world: an atom folded is false in every world where the assumption
# holds, and an assumption left out of the world holds in every world where those atoms are false.

TINY = """
    party a, b;
    fact hostile(p: party);
    act attack(actor: party, on: party);
"""


@st.composite
def condition(draw: st.DrawFn, depth: int = 3, scope: tuple[str, ...] = ()) -> str:
    values = ["a", "b", *scope]
    kind = draw(st.sampled_from(["atom", "atom", "eq", "const"] if depth == 0 else
                                ["atom", "not", "and", "or", "implies", "exists", "all"]))
    if kind == "atom":
        if draw(st.booleans()):
            return f"hostile({draw(st.sampled_from(values))})"
        return f"attack({draw(st.sampled_from(values))}, on: {draw(st.sampled_from(values))})"
    if kind == "eq":
        return f"{draw(st.sampled_from(values))} {draw(st.sampled_from(['==', '!=']))} {draw(st.sampled_from(values))}"
    if kind == "const":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "not":
        return f"not ({draw(condition(depth - 1, scope))})"
    if kind in ("and", "or", "implies"):
        return f"({draw(condition(depth - 1, scope))}) {kind} ({draw(condition(depth - 1, scope))})"
    var = f"v{len(scope)}"
    return f"{kind} {var} in party: ({draw(condition(depth - 1, (*scope, var)))})"


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(condition())
def test_what_is_folded_is_false_wherever_the_assumption_holds(text: str) -> None:
    inst = instrument(f"{TINY}\n    assume {text};")
    enc = Encoder(inst, vocabulary(inst), z3.Context(), fold_world=True)
    if not inst.assumptions:
        return  # (the loader drops an assumption that is true whatever the world)
    (assumption,) = inst.assumptions
    false = enc.atom_vars.false
    settled = id(assumption) in enc._settled
    atoms = list(vocabulary(inst).atoms)
    for bits in itertools.product((False, True), repeat=len(atoms)):
        world = frozenset(k for k, on in zip(atoms, bits, strict=True) if on)
        holds = Evaluator(inst, World(world, {}, frozenset(), {}), {}).holds(assumption)
        if holds:
            assert not world & false, (text, sorted(world & false))
        if settled and not world & false:
            assert holds, (text, sorted(world))
