"""`nverify negotiate` (verifier.negotiate, in-process) against `tests.oracle.negotiate_oracle`.

Compared: whether some draft meets every goal; the best draft meets every goal;
each draft of the zone does and the zone holds every combination of
alternatives that does (all of them when nverify says the zone is complete);
each figure's agreed range; and, when no draft meets every goal, that each
reported clash is a minimal set of goals no draft meets together, and that all
of them are reported when there are few.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from dsl import load
from tests.oracle.front import read_text
from tests.oracle.negotiate_oracle import NegotiationOracle, Undecided
from tests.oracle.space import Unsupported
from tests.oracle.verdicts import Outcome

if TYPE_CHECKING:
    from verifier.negotiate import Draft


def compare_negotiation(text: str, timeout_s: float = 60.0) -> Outcome:
    from verifier.negotiate import MAX_CLASHES, negotiate

    out = Outcome()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "n.nv"
        path.write_text(text, encoding="utf-8")
        loaded = load([path])
        if loaded.diagnostics.has_errors() or not loaded.instruments or not loaded.instruments[0].goals:
            out.skipped = "does not load, or states no goal"
            return out
        instrument = loaded.instruments[0]
        oracle = NegotiationOracle(read_text(text, "n.nv"))
        try:
            want = oracle.expected()
        except (Unsupported, Undecided) as err:
            out.skipped = str(err)
            return out
        got = negotiate(instrument, timeout_s)
    index = {id(g): i for i, g in enumerate(got.goals)}
    everything = frozenset(range(len(oracle.goals)))

    def labels(draft: Draft) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((b, lab) for b, lab in draft.labels if b not in want.ranges))

    def meets_all(draft: Draft) -> bool:
        key = (labels(draft), tuple(sorted(draft.numbers)))
        return want.met.get(key) == everything

    expected_status = "agreement" if want.meeting else "no agreement"
    out.add(got.status == expected_status, f"status {got.status!r}, oracle {expected_status!r} ({got.reason})")
    out.add(got.ranges == want.ranges, f"figures {got.ranges}, oracle {want.ranges}")
    if got.status != expected_status:
        return out
    if want.meeting:
        for d in got.zone:
            out.add(meets_all(d), f"zone draft {d.to_json()} fails a goal per the oracle")
        zone = {labels(d) for d in got.zone}
        if got.zone_complete:
            out.add(zone == want.zone, f"zone {sorted(zone)}, oracle {sorted(want.zone)}")
        else:
            out.add(zone <= want.zone, f"zone {sorted(zone)} is not within the oracle's {sorted(want.zone)}")
        out.add(got.agreed_ranges == want.agreed, f"agreed ranges {got.agreed_ranges}, oracle {want.agreed}")
        if got.best is not None:
            out.add(meets_all(got.best), f"best draft {got.best.to_json()} fails a goal per the oracle")
        return out
    clashes = {frozenset(index[id(g)] for g in c) for c in got.clashes}
    for c in clashes:
        out.add(c in want.clashes, f"clash {sorted(c)} is not a minimal set of goals that cannot be met together; "
                                   f"oracle {sorted(map(sorted, want.clashes))}")
    if len(want.clashes) <= MAX_CLASHES and not got.reason:
        out.add(clashes == want.clashes, f"clashes {sorted(map(sorted, clashes))}, "
                                         f"oracle {sorted(map(sorted, want.clashes))}")
    return out
