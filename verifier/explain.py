"""Plain-language pieces for finding messages: acts, clause lists, situations.

Messages are one sentence naming parties and acts in the spec's own words;
the clauses' quoted wording travels with the finding, not in the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import assert_never

from dsl import formula as F
from dsl.model import AtomKey, Instrument, Norm, step_of
from verifier.findings import Scenario
from verifier.ground import format_atom


def act_phrase(instrument: Instrument, key: AtomKey) -> str:
    """`conclude(ukraine, partner: usa, kind: training)`: the actor first, then named arguments."""
    (name, args), step = step_of(key)
    pred = instrument.predicates[name]
    shown = [_value(args[0])] + [f"{p.name}: {_value(v)}" for p, v in zip(pred.params[1:], args[1:], strict=False)]
    when = f" at {instrument.horizon.label(step)}" if step is not None and instrument.horizon is not None else ""
    return f"{name}({', '.join(shown)}){when}"


def granted_phrase(instrument: Instrument, norm: Norm, subject: str, key: AtomKey | None) -> str:
    """What a permission grants the subject: the act of `key`, or (no key) the state it keeps."""
    if key is not None:
        return act_phrase(instrument, key)
    assert norm.keep is not None  # a norm without an act is a `keep` (dsl.model.Norm)
    return "keep " + formula_text(norm.keep, {norm.subject_var: subject})


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def clause_list(instrument: Instrument, ids: Sequence[str]) -> str:
    labels = [f"{instrument.clause(i).label} ({i})" for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def situation_phrase(scenario: Scenario | None, instrument: Instrument | None = None,
                     party: str | None = None) -> str:
    """`when armed_attack(russia, ukraine, mainland)`, or `even when nothing else happens`.
    With `party` (and its instrument), what other parties do in the world is part of the
    situation too (`when conclude(russia, belarus, alliance)`): only party's own conduct is not."""
    if scenario is None:
        return ""
    parts = [*scenario.facts, *scenario.terms]
    if party is not None and instrument is not None and scenario.world is not None:
        parts += [format_atom(k, instrument.horizon) for k in sorted(scenario.world.atoms, key=repr)
                  if _is_act(instrument, k) and step_of(k)[0][1][:1] != (party,)]
        # Figures of other parties' quantities too (`threat(russia) = 1,000`): a situation can
        # be a figure alone.
        parts += [f"{format_atom(k, instrument.horizon)} = {v:,}"
                  for k, v in sorted(scenario.world.quantities.items(), key=lambda kv: repr(kv[0]))
                  if v and step_of(k)[0][1][:1] != (party,)]
    if not parts:
        return "even when nothing else happens"
    if len(parts) > 4:
        return "when " + ", ".join(parts[:4]) + f" (and {len(parts) - 4} more)"
    return "when " + " and ".join(parts)


def _is_act(instrument: Instrument, key: AtomKey) -> bool:
    pred = instrument.predicates.get(step_of(key)[0][0])
    return pred is not None and pred.kind.value == "act"


_COUNT_WORDS = {">=": "at least", "<=": "at most", "==": "exactly"}


def count_phrase(count: F.Count, bound: str, body: str) -> str:
    """`at least 2 of the guarantors h satisfy agrees(h)`: a count in plain words."""
    how = "a majority" if count.majority else f"{_COUNT_WORDS[count.op]} {bound}"
    if count.group == "party":
        among = "the parties"
    elif count.group:
        among = f"the {count.group}"
    else:
        among = "{" + ", ".join(_value(v) for v in count.domain) + "}"
    return f"{how} of {among} {count.var.split('#')[0]} satisfy {body}"


def formula_text(f: F.Node, env: Mapping[str, object] | None = None) -> str:
    """A model formula in the spec's notation, with the subject filled in (for messages)."""
    names: Mapping[str, object] = env or {}

    def term(t: F.Term) -> str:
        if isinstance(t, F.Var):
            return _value(names.get(t.name, t.name.split("#")[0]))
        return _value(t.value)

    def go(x: F.Node) -> str:
        match x:
            case F.BoolConst():
                return "true" if x.value else "false"
            case F.Num():
                return f"{x.value:,}"
            case F.Atom() | F.TermApp() | F.Qty():
                name = x.pred if isinstance(x, F.Atom) else x.term if isinstance(x, F.TermApp) else x.name
                return f"{name}({', '.join(term(a) for a in x.args)})"
            case F.Eq():
                return f"{term(x.left)} == {term(x.right)}"
            case F.Cmp() | F.Arith():
                return f"{go(x.left)} {x.op} {go(x.right)}"
            case F.Not():
                return f"not {go(x.operand)}"
            case F.And() | F.Or():
                word = " and " if isinstance(x, F.And) else " or "
                return "(" + word.join(go(o) for o in x.operands) + ")"
            case F.Implies():
                return f"({go(x.left)} implies {go(x.right)})"
            case F.Exists() | F.Forall():
                word = "exists" if isinstance(x, F.Exists) else "all"
                return f"{word} {x.var.split('#')[0]}: {go(x.body)}"
            case F.Choice() | F.IntChoice():
                return "[" + " | ".join(f"{lab}: {go(o)}" for lab, o in x.options) + "]"
            case F.Count():
                return count_phrase(x, go(x.bound), go(x.body))
            case F.Breached():
                return f"breached({x.clause}, by: {term(x.party)})"
            case _:
                assert_never(x)

    return go(f)
