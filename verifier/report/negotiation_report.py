"""NegotiationResult -> text or JSON: agreement or not, the zone, the best draft, the clashes."""

from __future__ import annotations

import json

from verifier.negotiate import Draft, NegotiationResult


def render_json(result: NegotiationResult) -> str:
    return json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _draft(d: Draft) -> str:
    parts = [f"{b}={lab}" for b, lab in d.labels if b not in dict(d.numbers)]
    parts += [f"{b}={v:,}" for b, v in d.numbers]
    return ", ".join(parts) or "(no brackets)"


def render_text(result: NegotiationResult, **_: object) -> str:
    lines = [(f"{result.path}: {len(result.goals)} goal{'s' if len(result.goals) != 1 else ''}, "
              f"{len(result.brackets)} bracket{'s' if len(result.brackets) != 1 else ''}")]
    for g in result.goals:
        lines.append(f"  goal of {g.party}: {g.label}")
    for b, (lo, hi) in result.ranges.items():
        lines.append(f"  {b}: any figure from {lo:,} to {hi:,} is negotiable")
    lines.append("")
    if result.status == "unknown":
        lines.append(f"unknown: {result.reason or 'the solver gave up'}; nothing is proved either way")
    elif result.status == "no agreement":
        lines.append("no draft meets every goal. Goals that cannot be met together:")
        for clash in result.clashes:
            lines.append("  - " + "; ".join(f"{g.party}: {g.label}" for g in clash))
        if result.reason:
            lines.append(f"  ({result.reason})")
    else:
        more = "" if result.zone_complete else " (the first ones; more exist)"
        lines.append(f"zone of possible agreement: {len(result.zone)} combination"
                     f"{'s' if len(result.zone) != 1 else ''} of alternatives{more}:")
        for d in result.zone:
            lines.append(f"  - {_draft(d)}")
        for b, (lo, hi) in result.agreed_ranges.items():
            lines.append(f"  {b}: every goal can be met with a figure from {lo:,} to {hi:,}")
        if result.best is not None:
            lines.append(f"best draft for `{result.objective}`: {_draft(result.best)} "
                         f"(value {result.best.objective:,})")
    lines.append(f"({result.rounds} candidate drafts examined)")
    return "\n".join(lines) + "\n"
