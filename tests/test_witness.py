"""Every witness a check reports goes through verifier.witness, which re-checks it with dsl.evaluate.

A world that does not bear out its finding (here: the solver's world emptied, or filled)
must stop the run with WitnessError in every check, never reach a report.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import z3

from dsl.evaluate import World
from dsl.model import AtomKey
from verifier import registry, scenario, witness
from verifier.findings import FindingKind
from verifier.pipeline import Options, run
from verifier.session import Session
from verifier.witness import WitnessError

ROOT = Path(__file__).resolve().parent.parent
CHECK_MODULES = sorted((ROOT / "verifier" / "checks").glob("*.py"))


def emptied(world: World) -> World:
    return World(frozenset(), {}, frozenset(), world.draft)


def filled(world: World, instrument_atoms: frozenset[AtomKey]) -> World:
    return World(instrument_atoms, dict(world.quantities), world.open_terms, world.draft)


# (the spec, as the kind's explain example or an example file; how the world is spoiled; the witness named)
CASES = [
    (FindingKind.CONFLICT, "emptied", "conflict of usa"),
    (FindingKind.HOLLOW_PERMISSION, "emptied", "hollow permission art3 of ukraine"),
    (FindingKind.PRETEXT, "emptied", "pretext by russia via art2"),
    (FindingKind.BLOCKABLE_GUARANTEE, "emptied", "blocking of art5 by"),
    (FindingKind.VACUOUS_GUARANTEE, "emptied", "vacuous guarantee para4"),
    (FindingKind.PROTECTION_GAP, "emptied", "protection gap of ukraine"),
    (FindingKind.EXCUSE, "emptied", "excuse of russia via art3"),
    (FindingKind.EXPECTATION_FAILED, "emptied", "counterexample to assert small_army"),
    # (emptied, the ship never enters port: nothing was owed, so nothing was missed)
    (FindingKind.UNANSWERED_DEADLINE, "emptied", "unanswered deadline of art12 for belligerent"),
    # A veto's true witness is often the empty world (nobody consents): fill it instead, so
    # that everyone consents and the holder can use its permission.
    ("examples/23_vetoed_permission.nv", "filled", "veto by russia of exercises"),
    # A self-grant's witness is the empty world too (nobody agrees): filled, everyone agrees.
    (FindingKind.SELF_GRANTED_PERMISSION, "filled", "self-grant of art4_2 by g1"),
]


@pytest.mark.parametrize(("spec", "spoil", "named"), CASES, ids=lambda c: getattr(c, "value", str(c)))
def test_a_spoiled_witness_is_caught_in_every_check(spec: FindingKind | str, spoil: str, named: str,
                                                    monkeypatch: pytest.MonkeyPatch, in_root: None) -> None:
    read = scenario.world_of  # what verifier.witness imports as world_of, the function replaced below

    def spoiled(session: Session, model: z3.ModelRef, draft: Mapping[str, str]) -> World:
        world = read(session, model, draft)
        if spoil == "emptied":
            return emptied(world)
        return filled(world, frozenset(session.enc.vocab.atoms))

    monkeypatch.setattr(witness, "world_of", spoiled)
    call: Callable[[], object]
    if isinstance(spec, FindingKind):
        name = Path("example.nv")
        call = lambda: run([name], Options(), overlay={name: registry.kind(spec).example})  # noqa: E731
    else:
        call = lambda: run([Path(spec)], Options())  # noqa: E731
    with pytest.raises(WitnessError, match=f"^{named}"):
        call()


def test_every_check_with_a_witness_is_covered() -> None:
    covered = {c[0] for c in CASES if isinstance(c[0], FindingKind)} | {FindingKind.HOLLOW_PERMISSION}
    with_worlds = {k for check in registry.CHECKS for k in check.kinds} - {FindingKind.CONTRADICTION}
    assert with_worlds <= covered


def _calls_with_scenario(tree: ast.AST) -> list[int]:
    """Lines passing `scenario=` anything but a witness's own (CheckContext.finding's door)."""
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and any(k.arg == "scenario" and ast.unparse(k.value) != "witness.scenario if witness else None"
                    for k in node.keywords)]


@pytest.mark.parametrize("path", CHECK_MODULES, ids=lambda p: p.stem)
def test_checks_make_scenarios_only_through_the_door(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    bad = sorted(imported & {"scenario_of", "world_of", "Scenario", "recheck"})
    assert not bad, f"{path.stem} imports {bad}: a scenario reaches a finding only through verifier.witness"
    assert not _calls_with_scenario(tree), f"{path.stem} passes scenario= (lines {_calls_with_scenario(tree)})"


def test_a_finding_refuses_a_scenario_not_witnessed(tmp_path: Path) -> None:
    import z3

    from verifier.checks import CheckContext
    from verifier.encode import Encoder
    from verifier.findings import Scenario, Severity
    from verifier.ground import vocabulary
    from verifier.session import Limits, Session

    spec = tmp_path / "a.nv"
    spec.write_text('instrument a "A";\nparty p;\nact go(actor: party);\nclause c "C" { p must go; }\n',
                    encoding="utf-8")
    instrument = registry.load([spec]).instruments[0]
    session = Session(Encoder(instrument, vocabulary(instrument), z3.Context()), Limits())
    ctx = CheckContext(instrument, session, {}, None, {})
    with pytest.raises(TypeError, match="only as a Witness"):
        ctx.finding(FindingKind.CONFLICT, Severity.ERROR, "m", [], scenario=Scenario())
