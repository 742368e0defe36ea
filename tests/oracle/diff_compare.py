"""`nverify diff` (verifier.diff, in-process) against `tests.oracle.diff_oracle`.

Compared, for every reading set: the relation of the whole texts and each of
its witnesses (a member of the direction's worlds, with the fewest true
atoms); the differences listed (aspect, subject, direction, reading, each as
often as the oracle finds it) and each one's witness likewise.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from dsl import load
from tests.oracle.compare import scenario_names
from tests.oracle.diff_oracle import DiffOracle, Key, first_draft, named_draft
from tests.oracle.front import read_text
from tests.oracle.pairs import Pair
from tests.oracle.space import Unsupported, World
from tests.oracle.verdicts import Outcome

if TYPE_CHECKING:
    from verifier.findings import Scenario


def _loads(path: Path) -> bool:
    """Whether nverify accepts the file (the oracle reads only what it accepts)."""
    loaded = load([path])
    return not loaded.diagnostics.has_errors() and bool(loaded.instruments)


def compare_pair(pair: Pair, timeout_s: float = 60.0) -> Outcome:
    from verifier.diff import SideSpec, compare

    out = Outcome()
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = Path(tmp) / "a.nv", Path(tmp) / "b.nv"
        pa.write_text(pair.a, encoding="utf-8")
        pb.write_text(pair.b, encoding="utf-8")
        if not (_loads(pa) and _loads(pb)):
            out.skipped = "a side does not load"
            return out
        a, b = read_text(pair.a, "a.nv"), read_text(pair.b, "b.nv")
        da = named_draft(a, pair.draft_a) if pair.draft_a else first_draft(a)[1]
        db = named_draft(b, pair.draft_b) if pair.draft_b else first_draft(b)[1]
        try:
            if da is not None and db is not None:
                oracle = DiffOracle(a, da, b, db)
                expected = oracle.expected()
        except Unsupported as err:
            out.skipped = str(err)
            return out
        try:
            result, _ = compare(SideSpec(pa, pair.draft_a), SideSpec(pb, pair.draft_b), timeout_s=timeout_s)
        except Exception as err:  # a usage error (no such draft) must match the oracle's view
            if type(err).__name__ == "UsageError":
                out.add(da is None or db is None, f"nverify refused the pair: {err}")
                return out
            raise
        out.add(da is not None and db is not None, "nverify compared a draft the oracle says cannot be formed")
        if da is None or db is None or result is None:
            return out
        names = {**scenario_names(a), **scenario_names(b)}

        def world(scenario: Scenario) -> int:
            atoms = frozenset(names[s] for s in (*scenario.facts, *scenario.acts))
            qty = {names[q]: v for q, v in scenario.quantities}
            terms = frozenset(names["term " + t] for t in scenario.terms)
            return oracle.space.world_index(World(atoms, qty, terms))

        def witness(what: str, scenario: Scenario | None, worlds: list[int]) -> None:
            if scenario is None or not any(worlds):
                return
            w = world(scenario)
            inside = [s for s in worlds if oracle.space.member(s, w)]
            out.add(bool(inside), f"{what}: the witness {scenario} is not such a world")
            if inside and scenario.minimal:
                size = len(scenario.facts) + len(scenario.acts) + len(scenario.terms)
                fewest = [oracle.fewest_atoms(s) for s in inside]
                out.add(size in fewest, f"{what}: the witness {scenario} has {size} true atoms, "
                                        f"a world with {min(f or 0 for f in fewest)} exists")

        got_relations = {v.reading: v for v in result.verdicts}
        out.add(set(got_relations) == set(expected.relations),
                f"reading sets: nverify {sorted(got_relations)}, oracle {sorted(expected.relations)}")
        for name, (relation, ab, ba) in expected.relations.items():
            v = got_relations.get(name)
            if v is None:
                continue
            out.add(v.relation == relation, f"[{name}] B is {v.relation} per nverify, {relation} per the oracle")
            witness(f"[{name}] compliant in A, breach in B", v.a_not_b, [ab])
            witness(f"[{name}] compliant in B, breach in A", v.b_not_a, [ba])
        got = Counter(Key(d.aspect, d.subject, d.direction, d.reading) for d in result.differences)
        want = Counter({k: len(v) for k, v in expected.differences.items()})
        for key in sorted({*got, *want}, key=str):
            out.add(got[key] == want[key], f"[{key.reading}] {key.aspect} {key.subject}: {key.direction!r} "
                                           f"listed {got[key]} times, oracle {want[key]}")
        for d in result.differences:
            key = Key(d.aspect, d.subject, d.direction, d.reading)
            if key.aspect != "pretext":
                witness(f"[{key.reading}] {key.aspect} {key.subject} {key.direction!r}", d.scenario,
                        expected.differences.get(key, []))
    return out
