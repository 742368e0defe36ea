"""Plain-language pieces for finding messages: acts, clause lists, situations.

Messages are one sentence naming parties and acts in the spec's own words;
the clauses' quoted wording travels with the finding, not in the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from dsl.evaluate import AtomKey
from dsl.model import Instrument
from verifier.findings import Scenario


def act_phrase(instrument: Instrument, key: AtomKey) -> str:
    """`conclude(ukraine, partner: usa, kind: training)`: the actor first, then named arguments."""
    name, args = key
    pred = instrument.predicates[name]
    shown = [_value(args[0])] + [f"{p.name}: {_value(v)}" for p, v in zip(pred.params[1:], args[1:])]
    return f"{name}({', '.join(shown)})"


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def clause_list(instrument: Instrument, ids: Sequence[str]) -> str:
    labels = [f"{instrument.clause(i).label} ({i})" for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def situation_phrase(scenario: Scenario | None) -> str:
    """`when armed_attack(russia, ukraine, mainland)`, or `in peacetime with nothing else happening`."""
    if scenario is None:
        return ""
    parts = [*scenario.facts, *scenario.terms]
    if not parts:
        return "even when nothing else happens"
    if len(parts) > 4:
        return "when " + ", ".join(parts[:4]) + f" (and {len(parts) - 4} more)"
    return "when " + " and ".join(parts)
