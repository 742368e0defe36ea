"""No session is part of a reference cycle: once its check is done, it is freed at once, not
when Python's cycle collector finds it (which the process's thresholds, verifier.collector,
run seldom). A cycle made every session of the corpus, with all it made, wait for a full
collection: a million objects, traversed again and again."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from dsl.symmetry import COALITION_SIZE
from verifier import pipeline
from verifier.registry import load

ROOT = Path(__file__).resolve().parents[2]


def test_a_session_is_freed_as_soon_as_its_check_is_done() -> None:
    sessions: list[weakref.ref[object]] = []

    def observe(event: str, payload: object, *rest: object) -> None:
        if event == "session":
            sessions.append(weakref.ref(payload))

    # (Istanbul: exists-forall searches over quantities and the blocking coalitions, whose
    # situations the session keeps; a claimant's readings.)
    instrument = load([ROOT / "specs" / "istanbul_2022.nv"], coalition_size=COALITION_SIZE).instruments[0]
    gc.collect()
    gc.disable()
    try:
        findings, _, _ = pipeline.check_instrument(
            instrument, pipeline.Options(jobs=1, coalition_size=COALITION_SIZE, observer=observe))
        assert findings and sessions
        assert all(ref() is None for ref in sessions), "a session outlived its check: it is part of a cycle"
    finally:
        gc.enable()

