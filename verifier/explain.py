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
    shown = [_value(args[0])] + [f"{p.name}: {_value(v)}" for p, v in zip(pred.params[1:], args[1:], strict=True)]
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


def formula_text(f: object, env: dict[str, object] | None = None) -> str:
    """A model formula in the spec's notation, with the subject filled in (for messages)."""
    from dsl import formula as F

    env = env or {}

    def term(t: object) -> str:
        if isinstance(t, F.Var):
            return _value(env.get(t.name, t.name.split("#")[0]))
        assert isinstance(t, F.Const)
        return _value(t.value)

    def integer(e: object) -> str:
        if isinstance(e, F.Num):
            return f"{e.value:,}"
        if isinstance(e, F.Qty):
            return f"{e.name}({', '.join(term(a) for a in e.args)})"
        if isinstance(e, F.Arith):
            return f"{integer(e.left)} {e.op} {integer(e.right)}"
        assert isinstance(e, F.IntChoice)
        return "[" + " | ".join(f"{lab}: {integer(v)}" for lab, v in e.options) + "]"

    def go(x: object) -> str:
        if isinstance(x, F.BoolConst):
            return "true" if x.value else "false"
        if isinstance(x, (F.Atom, F.TermApp)):
            name = x.pred if isinstance(x, F.Atom) else x.term
            return f"{name}({', '.join(term(a) for a in x.args)})"
        if isinstance(x, F.Eq):
            return f"{term(x.left)} == {term(x.right)}"
        if isinstance(x, F.Cmp):
            return f"{integer(x.left)} {x.op} {integer(x.right)}"
        if isinstance(x, F.Not):
            return f"not {go(x.operand)}"
        if isinstance(x, (F.And, F.Or)):
            word = " and " if isinstance(x, F.And) else " or "
            return "(" + word.join(go(o) for o in x.operands) + ")"
        if isinstance(x, F.Implies):
            return f"({go(x.left)} implies {go(x.right)})"
        if isinstance(x, (F.Exists, F.Forall)):
            word = "exists" if isinstance(x, F.Exists) else "all"
            return f"{word} {x.var.split('#')[0]}: {go(x.body)}"
        assert isinstance(x, F.Choice)
        return "[" + " | ".join(f"{lab}: {go(o)}" for lab, o in x.options) + "]"

    return go(f)
